/* Clustering speed: a synthetic index (tests/helper_synthidx.c: index
 * records written directly, 1-3 inputs per tx, 3 in 4 outputs to fresh
 * addresses) of N transactions, a full `cluster build`, then incremental
 * builds of 1k, 10k and 100k more transactions. Then the same 10k-tx
 * increment on indexes of other sizes: an incremental run should cost the
 * new transactions, not the size of what was clustered before (best of
 * three increments each).
 * Usage: bench_cluster [n_txs] (default 1000000). */
#include "proceeds/cluster.h"
#include "proceeds/store.h"
#include "../tests/helper.h"
#include "../tests/helper_synthidx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double timed_build(struct store *st, struct cluster_build_stats *s)
{
	struct cluster_options o;
	const char *why;
	cluster_options_default(&o);
	double t0 = now();
	if (!cluster_build(st, s, &o, NETWORK_REGTEST, NULL, NULL, &why)) {
		fprintf(stderr, "cluster_build: %s\n", why);
		exit(1);
	}
	return now() - t0;
}

static struct store *fresh(char *keep, size_t len)
{
	struct store_options so = { .create = true };
	struct store *st;
	const char *why;

	snprintf(keep, len, "%s", helper_tmpdir());
	if (!store_open(&st, keep, &so, &why)) {
		fprintf(stderr, "%s\n", why);
		exit(1);
	}
	return st;
}

static void grow(struct synthidx *g, struct store *st, uint64_t to)
{
	const char *why;
	if (!synthidx_append(g, st, to, &why)) {
		fprintf(stderr, "synthidx: %s\n", why);
		exit(1);
	}
}

/* Full build of n, then increments of 1k, 10k, 100k. */
static void full_then_increments(uint64_t n)
{
	struct cluster_build_stats s;
	struct synthidx g;
	char keep[256];
	struct store *st = fresh(keep, sizeof(keep));

	synthidx_init(&g, 1);
	grow(&g, st, n);
	double full = timed_build(st, &s);
	printf("full: %llu txs, %llu addresses, %llu merges: %.2f s (%.0f tx/s)\n",
	       (unsigned long long)n, (unsigned long long)g.next_addr,
	       (unsigned long long)s.merges_multi, full, n / full);
	for (uint64_t more = 1000; more <= 100000; more *= 10) {
		grow(&g, st, g.next_tx + more);
		double inc = timed_build(st, &s);
		printf("incremental: %llu new txs on %llu: %.3f s (rebuilt: %s)\n",
		       (unsigned long long)s.txs, (unsigned long long)(g.next_tx - more),
		       inc, s.rebuilt ? "yes" : "no");
	}
	store_close(st);
	helper_rm_rf(keep);
}

/* The same 10k increment on an index of n txs; inputs spend addresses
 * among the last `back` ids (0 = any). */
static void increment_on(uint64_t n, uint32_t back)
{
	struct cluster_build_stats s;
	struct synthidx g;
	char keep[256];
	struct store *st = fresh(keep, sizeof(keep));

	synthidx_init(&g, 2);
	g.max_back = back;
	grow(&g, st, n);
	(void)timed_build(st, &s);
	double inc = 1e9;
	for (int i = 0; i < 3; i++) {  /* best of 3: LevelDB compacts meanwhile */
		grow(&g, st, g.next_tx + 10000);
		double t = timed_build(st, &s);
		inc = t < inc ? t : inc;
	}
	printf("increment of 10000 txs on an index of %llu txs (%llu addresses), "
	       "inputs from %s: %.3f s\n", (unsigned long long)n,
	       (unsigned long long)g.next_addr, back ? "the last 200k addresses" : "any address", inc);
	store_close(st);
	helper_rm_rf(keep);
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000;

	full_then_increments(n);
	for (int back = 0; back < 2; back++) {
		increment_on(n / 10, back ? 200000 : 0);
		increment_on(n, back ? 200000 : 0);
		increment_on(3 * n, back ? 200000 : 0);
	}
	return 0;
}
