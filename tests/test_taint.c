/* The five taint models, hand-checked per case, then against a
 * satoshi-by-satoshi reference and conservation on random transactions. */
#include "proceeds/taint.h"
#include "proceeds/amount.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define FIFO TAINT_SEG_INDEX(TAINT_FIFO)
#define LIFO TAINT_SEG_INDEX(TAINT_LIFO)
#define TIHO TAINT_SEG_INDEX(TAINT_TIHO)

static struct taint_ctx ctx;

static int setup(void **state)
{
	(void)state;
	taint_ctx_init(&ctx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	taint_ctx_release(&ctx);
	return 0;
}

static struct taint_state *seed(uint64_t value, uint64_t amount, uint32_t src)
{
	struct taint_state *s = NULL;
	const char *why = NULL;

	assert_true(taint_state_seed(&s, value, amount, src, &why));
	return s;
}

static const struct taint_tx_result *run(unsigned opts,
					 const struct taint_input *in, size_t n_in,
					 const uint64_t *out, size_t n_out)
{
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;

	assert_true(taint_tx(&ctx, &r, TAINT_MODELS_ALL, opts, in, n_in, out, n_out, &why));
	assert_int_equal(r->n_out, n_out);
	return r;
}

/* Asserts that model k's segments of s are exactly the triples given
 * (off, len, source), n of them. */
static void expect_segs(const struct taint_state *s, unsigned k, unsigned n, ...)
{
	va_list ap;

	assert_int_equal(s->n_seg[k], n);
	va_start(ap, n);
	for (unsigned j = 0; j < n; j++) {
		assert_int_equal(s->seg[k][j].off, va_arg(ap, unsigned long long));
		assert_int_equal(s->seg[k][j].len, va_arg(ap, unsigned long long));
		assert_int_equal(s->seg[k][j].source, va_arg(ap, unsigned));
	}
	va_end(ap);
}

/* Asserts haircut shares as pairs (sat, source). */
static void expect_shares(const struct taint_share *sh, uint32_t have, unsigned n, ...)
{
	va_list ap;

	assert_int_equal(have, n);
	va_start(ap, n);
	for (unsigned j = 0; j < n; j++) {
		assert_int_equal(sh[j].sat, va_arg(ap, unsigned long long));
		assert_int_equal(sh[j].source, va_arg(ap, unsigned));
	}
	va_end(ap);
}

#define HAIR(s, ...) expect_shares((s)->share, (s)->n_share, __VA_ARGS__)
#define DUST(r, m, ...) expect_shares((r)->dust[m], (r)->n_dust[m], __VA_ARGS__)

/* A fully tainted coin split in two with a fee: every model agrees. */
static void test_split_full(void **state)
{
	struct taint_state *s = seed(100, 100, 7);
	struct taint_input in[] = { { 100, s } };
	uint64_t out[] = { 30, 60 };
	const struct taint_tx_result *r = run(0, in, 1, out, 2);

	(void)state;
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++) {
		expect_segs(&r->out[0], k, 1, 0ULL, 30ULL, 7u);
		expect_segs(&r->out[1], k, 1, 0ULL, 60ULL, 7u);
		expect_segs(&r->fee, k, 1, 0ULL, 10ULL, 7u);
	}
	HAIR(&r->out[0], 1, 30ULL, 7u);
	HAIR(&r->out[1], 1, 60ULL, 7u);
	HAIR(&r->fee, 1, 10ULL, 7u);
	DUST(r, TAINT_HAIRCUT, 0);
	assert_true(r->out[0].flags & TAINT_F_POISON);
	assert_true(r->fee.flags & TAINT_F_POISON);
	assert_int_equal(taint_state_amount(&r->out[1], TAINT_POISON, TAINT_SOURCE_ANY), 60);
	assert_false(r->mixed);
	taint_state_free(s);
}

/* 40 of 100 tainted, split 30/60, fee 10: the models part ways. */
static void test_split_partial(void **state)
{
	struct taint_state *s = seed(100, 40, 1);
	struct taint_input in[] = { { 100, s } };
	uint64_t out[] = { 30, 60 };
	const struct taint_tx_result *r = run(0, in, 1, out, 2);

	(void)state;
	HAIR(&r->out[0], 1, 12ULL, 1u);
	HAIR(&r->out[1], 1, 24ULL, 1u);
	HAIR(&r->fee, 1, 4ULL, 1u);
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 30ULL, 1u);
	expect_segs(&r->out[1], FIFO, 1, 0ULL, 10ULL, 1u);
	expect_segs(&r->fee, FIFO, 0);
	expect_segs(&r->out[0], LIFO, 1, 0ULL, 30ULL, 1u);
	expect_segs(&r->out[1], LIFO, 1, 0ULL, 10ULL, 1u);
	/* TIHO: the 60 output is the largest and takes all 40. */
	expect_segs(&r->out[0], TIHO, 0);
	expect_segs(&r->out[1], TIHO, 1, 0ULL, 40ULL, 1u);
	expect_segs(&r->fee, TIHO, 0);
	taint_state_free(s);
}

/* A clean coin, then source 1 (30) and source 2 (20), into 70 and 25, fee 5. */
static void test_merge_two_sources(void **state)
{
	struct taint_state *b = seed(30, 30, 1), *c = seed(20, 20, 2);
	struct taint_input in[] = { { 50, NULL }, { 30, b }, { 20, c } };
	uint64_t out[] = { 70, 25 };
	const struct taint_tx_result *r = run(0, in, 3, out, 2);

	(void)state;
	expect_segs(&r->out[0], FIFO, 1, 50ULL, 20ULL, 1u);
	expect_segs(&r->out[1], FIFO, 2, 0ULL, 10ULL, 1u, 10ULL, 15ULL, 2u);
	expect_segs(&r->fee, FIFO, 1, 0ULL, 5ULL, 2u);
	expect_segs(&r->out[0], LIFO, 2, 0ULL, 20ULL, 2u, 20ULL, 30ULL, 1u);
	expect_segs(&r->out[1], LIFO, 0);
	expect_segs(&r->fee, LIFO, 0);
	expect_segs(&r->out[0], TIHO, 2, 0ULL, 30ULL, 1u, 30ULL, 20ULL, 2u);
	expect_segs(&r->out[1], TIHO, 0);
	/* Haircut: 30·70/100 = 21, 30·25/100 = 7.5 -> 7, 30·5/100 = 1.5 -> 1,
	 * dust 1; 20 -> 14, 5, 1, dust 0. */
	HAIR(&r->out[0], 2, 21ULL, 1u, 14ULL, 2u);
	HAIR(&r->out[1], 2, 7ULL, 1u, 5ULL, 2u);
	HAIR(&r->fee, 2, 1ULL, 1u, 1ULL, 2u);
	DUST(r, TAINT_HAIRCUT, 1, 1ULL, 1u);
	DUST(r, TAINT_FIFO, 0);
	assert_int_equal(taint_state_amount(&r->out[1], TAINT_FIFO, 2), 15);
	assert_int_equal(taint_state_amount(&r->out[1], TAINT_FIFO, TAINT_SOURCE_ANY), 25);
	taint_state_free(b);
	taint_state_free(c);
}

/* Pay 40, change 59, fee 1; then the change is spent with a clean 41. */
static void test_spend_own_change(void **state)
{
	struct taint_state *s = seed(100, 100, 3), *change;
	struct taint_input in1[] = { { 100, s } };
	uint64_t out1[] = { 40, 59 }, out2[] = { 50, 49 };
	const struct taint_tx_result *r = run(0, in1, 1, out1, 2);

	(void)state;
	change = taint_state_dup(&r->out[1]);
	assert_non_null(change);
	struct taint_input in2[] = { { 59, change }, { 41, NULL } };
	r = run(0, in2, 2, out2, 2);
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 50ULL, 3u);
	expect_segs(&r->out[1], FIFO, 1, 0ULL, 9ULL, 3u);
	expect_segs(&r->fee, FIFO, 0);
	expect_segs(&r->out[0], LIFO, 1, 41ULL, 9ULL, 3u);
	expect_segs(&r->out[1], LIFO, 1, 0ULL, 49ULL, 3u);
	expect_segs(&r->fee, LIFO, 1, 0ULL, 1ULL, 3u);
	expect_segs(&r->out[0], TIHO, 1, 0ULL, 50ULL, 3u);
	expect_segs(&r->out[1], TIHO, 1, 0ULL, 9ULL, 3u);
	/* 59·50/100 = 29.5 -> 29; 59·49/100 = 28.91 -> 28; 0.59 -> 0; dust 2. */
	HAIR(&r->out[0], 1, 29ULL, 3u);
	HAIR(&r->out[1], 1, 28ULL, 3u);
	HAIR(&r->fee, 0);
	DUST(r, TAINT_HAIRCUT, 1, 2ULL, 3u);
	taint_state_free(s);
	taint_state_free(change);
}

/* Zero-value outputs (OP_RETURN) take nothing and do not stop the cut. */
static void test_zero_value_outputs(void **state)
{
	struct taint_state *s = seed(100, 80, 1);
	struct taint_input in[] = { { 100, s } };
	uint64_t out[] = { 0, 50, 0, 40 };
	const struct taint_tx_result *r = run(0, in, 1, out, 4);

	(void)state;
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++) {
		expect_segs(&r->out[0], k, 0);
		expect_segs(&r->out[2], k, 0);
		expect_segs(&r->out[1], k, 1, 0ULL, 50ULL, 1u);
		expect_segs(&r->out[3], k, 1, 0ULL, 30ULL, 1u);
		expect_segs(&r->fee, k, 0);
	}
	HAIR(&r->out[0], 0);
	HAIR(&r->out[1], 1, 40ULL, 1u);
	HAIR(&r->out[3], 1, 32ULL, 1u);
	HAIR(&r->fee, 1, 8ULL, 1u);
	assert_true(r->out[0].flags & TAINT_F_POISON);
	assert_int_equal(taint_state_amount(&r->out[0], TAINT_POISON, 1), 0);
	taint_state_free(s);
}

/* Segments ending exactly on an output boundary are not split into an
 * empty piece; one source's touching segments from two inputs merge. */
static void test_boundaries_and_merging(void **state)
{
	struct taint_seg segs[] = { { 0, 30, 1 }, { 30, 30, 2 } };
	struct taint_share shares[] = { { 30, 1 }, { 30, 2 } };
	struct taint_state a = { 100, TAINT_F_POISON, 2, shares, { 2, 2, 2 },
				 { segs, segs, segs } };
	struct taint_state *x = seed(10, 10, 5), *y = seed(20, 20, 5);
	struct taint_input in[] = { { 100, &a } };
	struct taint_input in2[] = { { 10, x }, { 20, y } };
	uint64_t out[] = { 30, 70 }, out2[] = { 30 };
	const struct taint_tx_result *r = run(0, in, 1, out, 2);

	(void)state;
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 30ULL, 1u);
	expect_segs(&r->out[1], FIFO, 1, 0ULL, 30ULL, 2u);
	expect_segs(&r->out[0], LIFO, 1, 0ULL, 30ULL, 1u);
	expect_segs(&r->out[1], TIHO, 2, 0ULL, 30ULL, 1u, 30ULL, 30ULL, 2u);
	expect_segs(&r->out[0], TIHO, 0);
	r = run(0, in2, 2, out2, 1);
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
		expect_segs(&r->out[0], k, 1, 0ULL, 30ULL, 5u);
	HAIR(&r->out[0], 1, 30ULL, 5u);
	taint_state_free(x);
	taint_state_free(y);
}

/* TIHO's tie-break: equal outputs are served in vout order. */
static void test_tiho_ties(void **state)
{
	struct taint_state *s = seed(100, 70, 2);
	struct taint_input in[] = { { 100, s } };
	uint64_t out[] = { 10, 45, 45 };
	const struct taint_tx_result *r = run(0, in, 1, out, 3);

	(void)state;
	expect_segs(&r->out[1], TIHO, 1, 0ULL, 45ULL, 2u);
	expect_segs(&r->out[2], TIHO, 1, 0ULL, 25ULL, 2u);
	expect_segs(&r->out[0], TIHO, 0);
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 10ULL, 2u);
	expect_segs(&r->out[2], FIFO, 1, 0ULL, 15ULL, 2u);
	taint_state_free(s);
}

/* Pro rata that does not divide: floor per output, the rest is dust. */
static void test_haircut_rounding(void **state)
{
	struct taint_state *s = seed(7, 5, 1);
	struct taint_input in[] = { { 7, s } };
	uint64_t out[] = { 3, 3 };
	const struct taint_tx_result *r = run(0, in, 1, out, 2);
	/* Near 21 million BTC: T·w overflows 64 bits, the quotient does not. */
	uint64_t big = UINT64_C(2099999997690000), third = big / 3;
	struct taint_state *b = seed(big, big - 1, 2);
	struct taint_input inb[] = { { big, b } };
	uint64_t outb[] = { third, third, third - 1 };

	(void)state;
	HAIR(&r->out[0], 1, 2ULL, 1u);  /* 15/7 */
	HAIR(&r->out[1], 1, 2ULL, 1u);
	HAIR(&r->fee, 0);               /* 5/7 */
	DUST(r, TAINT_HAIRCUT, 1, 1ULL, 1u);
	r = run(0, inb, 1, outb, 3);
	/* (big-1)·third/big = third - 1/3 -> third - 1. */
	HAIR(&r->out[0], 1, (unsigned long long)(third - 1), 2u);
	HAIR(&r->out[1], 1, (unsigned long long)(third - 1), 2u);
	HAIR(&r->out[2], 1, (unsigned long long)(third - 2), 2u);
	HAIR(&r->fee, 0);               /* 1·(big-1)/big */
	DUST(r, TAINT_HAIRCUT, 1, 3ULL, 2u);
	taint_state_free(s);
	taint_state_free(b);
}

/* Five equal inputs, one tainted, five equal outputs: a CoinJoin. FIFO
 * would put 99 on output 0; through the mix every model is pro rata. */
static void test_coinjoin_mix(void **state)
{
	struct taint_state *s = seed(100, 100, 4), *o0;
	struct taint_input in[5] = { { 100, s }, { 100, NULL }, { 100, NULL },
				     { 100, NULL }, { 100, NULL } };
	uint64_t out[] = { 99, 99, 99, 99, 99 }, out2[] = { 100 };
	const struct taint_tx_result *r = run(0, in, 5, out, 5);

	(void)state;
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 99ULL, 4u);
	expect_segs(&r->out[1], FIFO, 1, 0ULL, 1ULL, 4u);
	assert_false(r->out[0].flags & TAINT_F_MIXED);
	r = run(TAINT_TX_MIX, in, 5, out, 5);
	assert_true(r->mixed);
	for (unsigned o = 0; o < 5; o++) {
		/* 100·99/500 = 19.8 -> 19 */
		for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
			expect_segs(&r->out[o], k, 1, 0ULL, 19ULL, 4u);
		HAIR(&r->out[o], 1, 19ULL, 4u);
		assert_true(r->out[o].flags & TAINT_F_MIXED);
		assert_true(r->out[o].flags & TAINT_F_POISON);
	}
	HAIR(&r->fee, 1, 1ULL, 4u);
	for (unsigned m = TAINT_HAIRCUT; m <= TAINT_TIHO; m++)
		DUST(r, m, 1, 4ULL, 4u);
	/* The flag follows the money after the mix, not clean coins. */
	o0 = taint_state_dup(&r->out[0]);
	struct taint_input in2[] = { { 99, o0 }, { 5, NULL } };
	r = run(0, in2, 2, out2, 1);
	assert_true(r->out[0].flags & TAINT_F_MIXED);
	expect_segs(&r->out[0], FIFO, 1, 0ULL, 19ULL, 4u);
	struct taint_input in3[] = { { 100, NULL } };
	r = run(0, in3, 1, out2, 1);
	assert_int_equal(r->out[0].flags, 0);
	taint_state_free(s);
	taint_state_free(o0);
}

/* One model alone computes only that model, with the same figures. */
static void test_model_mask(void **state)
{
	struct taint_state *b = seed(30, 30, 1), *c = seed(20, 20, 2);
	struct taint_input in[] = { { 50, NULL }, { 30, b }, { 20, c } };
	uint64_t out[] = { 70, 25 };
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;

	(void)state;
	assert_true(taint_tx(&ctx, &r, TAINT_MODEL_BIT(TAINT_FIFO), 0, in, 3, out, 2, &why));
	expect_segs(&r->out[1], FIFO, 2, 0ULL, 10ULL, 1u, 10ULL, 15ULL, 2u);
	expect_segs(&r->out[0], LIFO, 0);
	expect_segs(&r->out[0], TIHO, 0);
	HAIR(&r->out[0], 0);
	assert_int_equal(r->out[0].flags, 0);
	taint_state_free(b);
	taint_state_free(c);
}

static void test_bad_input(void **state)
{
	struct taint_state *s = seed(100, 100, 1), *t = NULL;
	struct taint_seg bad[] = { { 0, 60, 1 }, { 50, 10, 2 } };
	struct taint_state overlap = { 100, 0, 0, NULL, { 2, 0, 0 }, { bad, NULL, NULL } };
	struct taint_input in[] = { { 100, s } };
	struct taint_input wrong[] = { { 99, s } };
	struct taint_input ov[] = { { 100, &overlap } };
	uint64_t out[] = { 101 }, ok[] = { 100 };
	uint64_t huge[] = { UINT64_MAX, 2 };
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;

	(void)state;
	assert_false(taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, in, 1, out, 1, &why));
	assert_string_equal(why, "outputs exceed inputs");
	assert_false(taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, wrong, 1, ok, 1, &why));
	assert_false(taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, ov, 1, ok, 1, &why));
	assert_string_equal(why, "taint segments overlap or are out of order");
	assert_false(taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, in, 1, huge, 2, &why));
	assert_false(taint_state_seed(&t, 10, 0, 1, &why));
	assert_false(taint_state_seed(&t, 10, 11, 1, &why));
	/* No inputs, no outputs: nothing to do, and no crash. */
	assert_true(taint_tx(&ctx, &r, TAINT_MODELS_ALL, 0, NULL, 0, NULL, 0, &why));
	assert_int_equal(r->n_out, 0);
	taint_state_free(s);
}

static void test_names(void **state)
{
	enum taint_model m;

	(void)state;
	for (unsigned i = 0; i < TAINT_MODEL_COUNT; i++) {
		assert_true(taint_model_from_name(&m, taint_model_name((enum taint_model)i)));
		assert_int_equal(m, i);
	}
	assert_false(taint_model_from_name(&m, "lifo2"));
}


/* ---- Random transactions -------------------------------------------- */

#define CLEAN UINT32_MAX
#define N_SRC 3
#define POOL 24

static uint64_t rng = UINT64_C(0x9e3779b97f4a7c15);

/* xorshift64*: deterministic, so a failure replays. */
static uint64_t rnd(uint64_t n)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return n ? (rng * UINT64_C(2685821657736338717)) % n : 0;
}

/* Storage for one generated state. */
struct gen {
	struct taint_state st;
	struct taint_share sh[N_SRC];
	struct taint_seg sg[TAINT_SEG_MODELS][8];
};

static void gen_segs(struct taint_seg *sg, uint32_t *n, uint64_t v)
{
	uint64_t pos = 0;

	*n = 0;
	while (pos < v && *n < 8) {
		uint32_t src = 1 + (uint32_t)rnd(N_SRC);
		pos += rnd(v - pos);
		if (pos >= v)
			break;
		if (*n > 0 && sg[*n - 1].off + sg[*n - 1].len == pos &&
		    sg[*n - 1].source == src)
			src = src % N_SRC + 1;
		sg[*n] = (struct taint_seg){ pos, 1 + rnd(v - pos), src };
		pos += sg[(*n)++].len;
	}
}

static void gen_state(struct gen *g, uint64_t v)
{
	uint64_t left = v;

	memset(g, 0, sizeof(*g));
	g->st.value = v;
	g->st.flags = rnd(2) ? TAINT_F_POISON : 0;
	g->st.share = g->sh;
	for (uint32_t s = 1; s <= N_SRC; s++) {
		uint64_t a = rnd(2) ? rnd(left + 1) : 0;
		if (a == 0)
			continue;
		g->sh[g->st.n_share++] = (struct taint_share){ a, s };
		left -= a;
	}
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++) {
		g->st.seg[k] = g->sg[k];
		gen_segs(g->sg[k], &g->st.n_seg[k], v);
	}
}

/* A random transaction: inputs fresh, clean, or outputs of earlier calls
 * (pool), outputs summing to at most the inputs. */
struct rtx {
	struct gen gen[8];
	struct taint_input in[8];
	uint64_t out[10];
	size_t n_in, n_out;
	uint64_t total;
};

static void gen_tx(struct rtx *t, struct taint_state **pool, uint64_t vmax)
{
	uint64_t left;

	t->n_in = 1 + rnd(6);
	t->n_out = rnd(10);
	t->total = 0;
	for (size_t i = 0; i < t->n_in; i++) {
		size_t p = rnd(POOL);
		uint64_t v = rnd(vmax + 1);
		if (rnd(3) == 0 && pool[p]) {
			t->in[i] = (struct taint_input){ pool[p]->value, pool[p] };
		} else if (rnd(4) == 0) {
			t->in[i] = (struct taint_input){ v, NULL };
		} else {
			gen_state(&t->gen[i], v);
			t->in[i] = (struct taint_input){ v, &t->gen[i].st };
		}
		t->total += t->in[i].value;
	}
	left = t->total;
	for (size_t o = 0; o < t->n_out; o++) {
		t->out[o] = rnd(4) == 0 ? 0 : rnd(left / 2 + 2);
		if (t->out[o] > left)
			t->out[o] = left;
		left -= t->out[o];
	}
	if (t->n_out > 0 && rnd(3) == 0)
		t->out[t->n_out - 1] += left;   /* no fee */
}

/* Σ over inputs of a model's taint of source s. */
static uint64_t in_total(const struct rtx *t, enum taint_model m, uint32_t s)
{
	uint64_t sum = 0;

	for (size_t i = 0; i < t->n_in; i++)
		if (t->in[i].state)
			sum += taint_state_amount(t->in[i].state, m, s);
	return sum;
}

static uint64_t dust_of(const struct taint_tx_result *r, enum taint_model m, uint32_t s)
{
	uint64_t sum = 0;

	for (uint32_t j = 0; j < r->n_dust[m]; j++)
		if (r->dust[m][j].source == s)
			sum += r->dust[m][j].sat;
	return sum;
}

/* floor(T·w/V) exactly, and conservation, for one pro-rata model. */
static void check_prorata(const struct rtx *t, const struct taint_tx_result *r,
			  enum taint_model m)
{
	for (uint32_t s = 1; s <= N_SRC; s++) {
		unsigned __int128 T = in_total(t, m, s);
		uint64_t sum = 0;
		for (size_t d = 0; d <= t->n_out; d++) {
			const struct taint_state *o = d < t->n_out ? &r->out[d] : &r->fee;
			unsigned __int128 a = taint_state_amount(o, m, s);
			assert_true(a * t->total <= T * o->value);
			assert_true(t->total == 0 || T * o->value < (a + 1) * t->total);
			assert_true(t->total > 0 || a == 0);
			sum += (uint64_t)a;
		}
		assert_true(sum + dust_of(r, m, s) == T);
	}
}

static void check_conservation(const struct rtx *t, const struct taint_tx_result *r)
{
	for (unsigned m = TAINT_HAIRCUT; m <= TAINT_TIHO; m++) {
		for (uint32_t s = 1; s <= N_SRC; s++) {
			uint64_t sum = taint_state_amount(&r->fee, m, s) + dust_of(r, m, s);
			for (size_t o = 0; o < t->n_out; o++)
				sum += taint_state_amount(&r->out[o], m, s);
			assert_true(sum == in_total(t, m, s));
			if (m != TAINT_HAIRCUT && !r->mixed)
				assert_int_equal(dust_of(r, m, s), 0);
		}
	}
}

static void check_states(const struct rtx *t, const struct taint_tx_result *r)
{
	const char *why = NULL;
	bool poison = false;

	for (size_t i = 0; i < t->n_in; i++)
		if (t->in[i].state && !taint_state_is_clean(t->in[i].state))
			poison |= (t->in[i].state->flags & TAINT_F_POISON) != 0;
	uint64_t fee = t->total;

	for (size_t o = 0; o < t->n_out; o++)
		fee -= t->out[o];
	for (size_t d = 0; d <= t->n_out; d++) {
		const struct taint_state *o = d < t->n_out ? &r->out[d] : &r->fee;
		assert_true(taint_state_check(o, &why));
		assert_int_equal(o->value, d < t->n_out ? t->out[d] : fee);
		assert_int_equal((o->flags & TAINT_F_POISON) != 0, poison);
		for (unsigned m = TAINT_HAIRCUT; m <= TAINT_TIHO; m++)
			assert_true(taint_state_amount(o, m, TAINT_SOURCE_ANY) <= o->value);
	}
}

/* Satoshi by satoshi: the source of every input satoshi in model order. */
static size_t ref_stream(uint32_t *sat, const struct rtx *t, enum taint_model m)
{
	size_t n = 0;
	unsigned k = TAINT_SEG_INDEX(m);

	for (size_t j = 0; j < t->n_in; j++) {
		size_t i = m == TAINT_LIFO ? t->n_in - 1 - j : j;
		const struct taint_state *s = t->in[i].state;
		size_t base = n;
		if (m != TAINT_TIHO)
			for (uint64_t x = 0; x < t->in[i].value; x++)
				sat[n++] = CLEAN;
		for (uint32_t g = 0; s && g < s->n_seg[k]; g++)
			for (uint64_t x = 0; x < s->seg[k][g].len; x++)
				sat[m == TAINT_TIHO ? n++ : base + s->seg[k][g].off + x] =
					s->seg[k][g].source;
	}
	while (m == TAINT_TIHO && n < t->total)
		sat[n++] = CLEAN;
	return n;
}

/* Destination order: vout order then fee; TIHO by value, ties to vout. */
static void ref_order(size_t *ord, const struct rtx *t, enum taint_model m)
{
	for (size_t d = 0; d <= t->n_out; d++)
		ord[d] = d;
	for (size_t a = 0; m == TAINT_TIHO && a < t->n_out; a++)
		for (size_t b = a + 1; b < t->n_out; b++)
			if (t->out[ord[b]] > t->out[ord[a]] ||
			    (t->out[ord[b]] == t->out[ord[a]] && ord[b] < ord[a])) {
				size_t x = ord[a];
				ord[a] = ord[b];
				ord[b] = x;
			}
}

static void check_reference(const struct rtx *t, const struct taint_tx_result *r,
			     enum taint_model m)
{
	uint32_t sat[8 * 65], got[8 * 65];
	size_t ord[11], pos = 0;
	unsigned k = TAINT_SEG_INDEX(m);

	assert_int_equal(ref_stream(sat, t, m), t->total);
	ref_order(ord, t, m);
	for (size_t j = 0; j <= t->n_out; j++) {
		const struct taint_state *o = ord[j] < t->n_out ? &r->out[ord[j]] : &r->fee;
		for (uint64_t x = 0; x < o->value; x++)
			got[x] = CLEAN;
		for (uint32_t g = 0; g < o->n_seg[k]; g++)
			for (uint64_t x = 0; x < o->seg[k][g].len; x++)
				got[o->seg[k][g].off + x] = o->seg[k][g].source;
		assert_memory_equal(got, sat + pos, o->value * sizeof(*got));
		pos += o->value;
	}
}

static void keep(struct taint_state **pool, const struct taint_tx_result *r)
{
	for (uint32_t o = 0; o < r->n_out; o++) {
		size_t p = rnd(POOL);
		if (rnd(2))
			continue;
		taint_state_free(pool[p]);
		pool[p] = taint_state_dup(&r->out[o]);
		assert_non_null(pool[p]);
	}
}

static void random_run(unsigned n, uint64_t vmax, bool reference)
{
	struct taint_state *pool[POOL] = { NULL };
	struct rtx t;
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;

	for (unsigned iter = 0; iter < n; iter++) {
		unsigned opts = rnd(8) == 0 ? TAINT_TX_MIX : 0;
		gen_tx(&t, pool, vmax);
		assert_true(taint_tx(&ctx, &r, TAINT_MODELS_ALL, opts, t.in, t.n_in,
				     t.out, t.n_out, &why));
		check_states(&t, r);
		check_conservation(&t, r);
		check_prorata(&t, r, TAINT_HAIRCUT);
		for (unsigned m = TAINT_FIFO; m <= TAINT_TIHO; m++) {
			if (opts)
				check_prorata(&t, r, m);
			else if (reference)
				check_reference(&t, r, m);
		}
		keep(pool, r);
	}
	for (size_t p = 0; p < POOL; p++)
		taint_state_free(pool[p]);
}

/* Small values, so that every satoshi can be followed by hand. */
static void test_random_reference(void **state)
{
	(void)state;
	random_run(4000, 64, true);
}

/* Values up to 21 million BTC: sums and products far beyond 64 bits. */
static void test_random_conservation(void **state)
{
	(void)state;
	random_run(4000, AMOUNT_MAX / 8, false);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_full),
		cmocka_unit_test(test_split_partial),
		cmocka_unit_test(test_merge_two_sources),
		cmocka_unit_test(test_spend_own_change),
		cmocka_unit_test(test_zero_value_outputs),
		cmocka_unit_test(test_boundaries_and_merging),
		cmocka_unit_test(test_tiho_ties),
		cmocka_unit_test(test_haircut_rounding),
		cmocka_unit_test(test_coinjoin_mix),
		cmocka_unit_test(test_model_mask),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_random_reference),
		cmocka_unit_test(test_random_conservation),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
