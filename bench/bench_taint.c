/* Per-transaction cost of the taint models: all five in one pass against
 * each model alone (issue 9's goal: all five at most 2x one model).
 *
 * The workload is a random walk like a trace's: typical payments (1-2 in,
 * 2 out), merges (3-5 in), batches (1 in, 10-20 out); the spent states come
 * from earlier calls, so they carry several sources and segments. Each mode
 * sees the same transactions, with input states holding only the models it
 * computes, as the trace engine would keep them. */
#include "proceeds/taint.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define N_TX 20000
#define POOL 4096
#define REPS 15
#define MAX_IN 5
#define MAX_OUT 20

struct btx {
	size_t n_in, n_out;
	uint32_t pool[MAX_IN];   /* index into the state pool, or UINT32_MAX */
	uint64_t value[MAX_IN];
	uint64_t out[MAX_OUT];
};

static uint64_t rng = UINT64_C(88172645463325252);

static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return n ? rng % n : 0;
}

static void shape(struct btx *t, uint64_t total)
{
	uint64_t left = total - rnd(total / 100 + 1);   /* fee up to 1% */

	for (size_t o = 0; o + 1 < t->n_out; o++) {
		t->out[o] = rnd(left / 2 + 1);
		left -= t->out[o];
	}
	t->out[t->n_out - 1] = left;
}

/* A random transaction over the current pool. */
static void gen_tx(struct btx *t, struct taint_state **pool, struct taint_input *in)
{
	uint64_t total = 0, k = rnd(10);

	t->n_in = k < 7 ? 1 + rnd(2) : k < 9 ? 3 + rnd(3) : 1;
	t->n_out = k < 9 ? 2 : 10 + rnd(11);
	for (size_t j = 0; j < t->n_in; j++) {
		bool clean = rnd(4) == 0;
		t->pool[j] = clean ? UINT32_MAX : (uint32_t)rnd(POOL);
		t->value[j] = clean ? 1 + rnd(UINT64_C(1000000000)) : pool[t->pool[j]]->value;
		in[j] = (struct taint_input){ t->value[j], clean ? NULL : pool[t->pool[j]] };
		total += t->value[j];
	}
	shape(t, total);
}

/* Builds the state pool by walking N_TX transactions with all models,
 * then the benchmark's transactions over that final pool. */
static void build(struct btx *txs, struct taint_state **pool)
{
	struct taint_ctx ctx;
	const struct taint_tx_result *r;
	const char *why = NULL;

	taint_ctx_init(&ctx);
	for (size_t p = 0; p < POOL; p++) {
		uint64_t v = 1 + rnd(UINT64_C(5000000000));
		if (!taint_state_seed(&pool[p], v, 1 + rnd(v), (uint32_t)(p % 16), &why))
			abort();
	}
	for (size_t i = 0; i < N_TX; i++) {
		struct btx t;
		struct taint_input in[MAX_IN];
		gen_tx(&t, pool, in);
		if (!taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, in, t.n_in, t.out, t.n_out, &why)) {
			fprintf(stderr, "bench_taint: %s\n", why);
			abort();
		}
		for (uint32_t o = 0; o < r->n_out; o++) {
			size_t p = rnd(POOL);
			if (taint_state_is_clean(&r->out[o]) || rnd(2))
				continue;
			taint_state_free(pool[p]);
			if (!(pool[p] = taint_state_dup(&r->out[o])))
				abort();
		}
	}
	for (size_t i = 0; i < N_TX; i++) {
		struct taint_input in[MAX_IN];
		gen_tx(&txs[i], pool, in);
	}
	taint_ctx_release(&ctx);
}

/* A copy of s holding only the models in `models`. */
static struct taint_state *strip(const struct taint_state *s, unsigned models)
{
	struct taint_state c = *s;

	if (!(models & TAINT_MODEL_BIT(TAINT_POISON)))
		c.flags &= ~TAINT_F_POISON;
	if (!(models & TAINT_MODEL_BIT(TAINT_HAIRCUT)))
		c.n_share = 0, c.share = NULL;
	for (unsigned m = TAINT_FIFO; m <= TAINT_TIHO; m++)
		if (!(models & TAINT_MODEL_BIT(m)))
			c.n_seg[TAINT_SEG_INDEX(m)] = 0, c.seg[TAINT_SEG_INDEX(m)] = NULL;
	return taint_state_dup(&c);
}

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* One mode: its stripped states and a context, kept across rounds. */
struct mode {
	unsigned models;
	struct taint_state **st;
	struct taint_ctx ctx;
	double best;
};

static void mode_init(struct mode *m, struct taint_state **pool, unsigned models)
{
	m->models = models;
	m->best = 1e300;
	m->st = calloc(POOL, sizeof(*m->st));
	taint_ctx_init(&m->ctx);
	for (size_t p = 0; p < POOL; p++)
		if (!m->st || !(m->st[p] = strip(pool[p], models)))
			abort();
}

static void mode_release(struct mode *m)
{
	for (size_t p = 0; p < POOL; p++)
		taint_state_free(m->st[p]);
	free(m->st);
	taint_ctx_release(&m->ctx);
}

/* One timed pass over all N_TX transactions; keeps the fastest, the
 * figure least disturbed by other work on a shared machine. */
static uint64_t mode_run(struct mode *m, const struct btx *txs)
{
	const struct taint_tx_result *r;
	const char *why = NULL;
	uint64_t sink = 0;
	double t0 = now_ns(), t;

	for (size_t i = 0; i < N_TX; i++) {
		struct taint_input in[MAX_IN];
		for (size_t j = 0; j < txs[i].n_in; j++)
			in[j] = (struct taint_input){ txs[i].value[j],
				txs[i].pool[j] == UINT32_MAX ? NULL : m->st[txs[i].pool[j]] };
		if (!taint_tx(&m->ctx, &r, m->models, 0, in, txs[i].n_in, txs[i].out,
			      txs[i].n_out, &why))
			abort();
		sink += r->out[0].n_seg[0] + r->out[0].n_share;
	}
	t = (now_ns() - t0) / N_TX;
	if (t < m->best)
		m->best = t;
	return sink;
}

int main(void)
{
	struct btx *txs = calloc(N_TX, sizeof(*txs));
	struct taint_state *pool[POOL];
	struct mode modes[TAINT_MODEL_COUNT + 1];
	double worst = 0, all;
	uint64_t sink = 0;

	if (!txs)
		return 2;
	build(txs, pool);
	for (unsigned m = 0; m <= TAINT_MODEL_COUNT; m++)
		mode_init(&modes[m], pool, m < TAINT_MODEL_COUNT ? TAINT_MODEL_BIT(m)
							  : TAINT_MODELS_ALL);
	for (int rep = 0; rep < REPS; rep++)
		for (unsigned m = 0; m <= TAINT_MODEL_COUNT; m++)
			sink += mode_run(&modes[m], txs);
	printf("bench_taint: %d transactions, best of %d interleaved runs%s\n", N_TX,
	       REPS, sink == UINT64_MAX ? " (!)" : "");
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++) {
		if (modes[m].best > worst)
			worst = modes[m].best;
		printf("  %-8s alone       %7.1f ns/tx\n", taint_model_name(m), modes[m].best);
	}
	all = modes[TAINT_MODEL_COUNT].best;
	printf("  all five, one pass %7.1f ns/tx\n", all);
	printf("  all five / costliest single model: %.2fx\n", all / worst);
	printf("  all five / fifo alone: %.2fx\n", all / modes[TAINT_FIFO].best);
	for (unsigned m = 0; m <= TAINT_MODEL_COUNT; m++)
		mode_release(&modes[m]);
	for (size_t p = 0; p < POOL; p++)
		taint_state_free(pool[p]);
	free(txs);
	return 0;
}
