/* trace_run in process on an index built by bench/bench_trace.sh (which
 * runs this program with the index directory and case file): median of
 * 21 warm runs of a 10-hop trace, all five models vs FIFO alone, without
 * the process start and LevelDB open that a CLI run also pays. */
#include "proceeds/index.h"
#include "proceeds/trace.h"
#include "proceeds/trace_spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define RUNS 21

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

static double median_us(struct store *st, const struct idx_tip *tip, unsigned models,
			const struct trace_specs *s, size_t *n_outs)
{
	struct trace_params p = { models, 1u << TAG_CAT_EXCHANGE, 10, 546, 100000, false, 0 };
	double t[RUNS];
	const char *why;

	for (int i = 0; i < RUNS + 1; i++) {
		struct trace_result r;
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		if (!trace_run(&r, st, NETWORK_REGTEST, tip, &p, s->v, s->n, &why)) {
			fprintf(stderr, "trace: %s\n", why);
			exit(1);
		}
		clock_gettime(CLOCK_MONOTONIC, &b);
		*n_outs = r.n_outs;
		trace_result_release(&r);
		if (i)  /* the first run warms the caches */
			t[i - 1] = (b.tv_sec - a.tv_sec) * 1e6 + (b.tv_nsec - a.tv_nsec) / 1e3;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp);
	return t[RUNS / 2];
}

int main(int argc, char **argv)
{
	struct index *idx;
	struct trace_specs s = { 0 };
	bool absent;
	const char *why;
	char *text;
	size_t len, n_all, n_fifo;
	FILE *f;

	if (argc != 3) {
		printf("skip: bench_trace runs from bench/bench_trace.sh (DB CASE)\n");
		return 0;
	}
	if (!index_open_query(&idx, &absent, argv[1], NETWORK_REGTEST, &why) ||
	    !(f = fopen(argv[2], "rb")))
		return fprintf(stderr, "open: %s\n", argv[1]), 1;
	text = malloc(64u << 20);
	len = fread(text, 1, 64u << 20, f);
	fclose(f);
	s.st = index_store(idx);
	s.net = NETWORK_REGTEST;
	if (!index_tip(idx, &s.tip) || !trace_specs_case(&s, text, len, &why))
		return fprintf(stderr, "case: %s\n", why), 1;
	double all = median_us(s.st, &s.tip, TAINT_MODELS_ALL, &s, &n_all);
	double fifo = median_us(s.st, &s.tip, TAINT_MODEL_BIT(TAINT_FIFO), &s, &n_fifo);
	printf("trace_run, 10 hops, %zu seeds (index tip %u): all five models %.0f us "
	       "median (%zu outputs), fifo alone %.0f us (%zu outputs), ratio %.2f\n",
	       s.n, s.tip.height, all, n_all, fifo, n_fifo, all / fifo);
	trace_specs_release(&s);
	free(text);
	index_close(idx);
	return 0;
}
