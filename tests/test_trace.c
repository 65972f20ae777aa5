/* The trace engine on a small chain built in the test and indexed for
 * real: a split, a merge of two tainted sources with clean coins and a
 * fee (spending an output of the same block), a tx spending its own
 * change in the same block, a tagged exit, a deposit address inferred
 * from a sweep, a payment into a tagged one-time deposit address (the
 * exit, not a sweep), a CoinJoin crossed under each model's own rule and
 * pro rata, unspent endpoints, dust,
 * max-edges, and the JSON passing `proceeds report`'s checks, twice
 * byte-identical. FIFO/LIFO/TIHO figures are worked by hand from
 * docs/taint-models.md (comments show the arithmetic). */
#include "proceeds/attrib.h"
#include "proceeds/cluster.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"
#include "proceeds/reportcheck.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"
#include "proceeds/trace.h"
#include "proceeds/trace_json.h"
#include "helper.h"
#include "helper_tracechain.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define C 100000000ULL

static struct tc_world W;

/* Txnums: block 0 cb=0; 1 cb=1; 2 cb=2; 3 cb=3 S=4 M=5; 4 cb=6 P1=7 P2=8;
 * 5 cb=9 Wsweep=10 D=11; 6 cb=12 J=13; 7 cb=14 T=15. */
enum { CB0 = 0, CB1 = 1, CB2 = 2, S_TX = 4, M_TX = 5, P1 = 7, P2 = 8, CB5 = 9,
       SWEEP = 10, D_TX = 11, J_TX = 13, T_TX = 15 };

static int setup(void **state)
{
	/* Coinbases: block 0 pays the first stolen coin (addr 1), block 1 a
	 * clean one (addr 2), block 2 the second stolen coin (addr 3). */
	const struct tc_txspec cb[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 1 } },
		{ 0, { { 0 } }, 1, { 50 * C }, { 2 } },
		{ 0, { { 0 } }, 1, { 50 * C }, { 3 } },
	};
	const struct tc_txspec b3[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 4 } },
		/* S: split 50 BTC into 30 + 19.9999, fee 10,000 */
		{ 1, { { 0, 0, 0 } }, 2, { 30 * C, 1999990000 }, { 10, 11 } },
		/* M: clean 50, S:1 (same block), stolen#2 50 -> 60 + 59.9998 */
		{ 3, { { 1, 0, 0 }, { 3, 1, 1 }, { 2, 0, 0 } }, 2,
		  { 60 * C, 5999980000 }, { 12, 13 } },
	};
	const struct tc_txspec b4[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 5 } },
		/* P1 pays 1 BTC, change back to its own address 13 */
		{ 1, { { 3, 2, 1 } }, 2, { 1 * C, 4999970000 }, { 20, 13 } },
		/* P2 spends P1's change in the same block: 2 BTC to deposit 21 */
		{ 1, { { 4, 1, 1 } }, 2, { 2 * C, 2999960000 }, { 21, 13 } },
	};
	const struct tc_txspec b5[3] = {
		{ 0, { { 0 } }, 3, { 1 * C, 1 * C, 2 * C }, { 60, 61, 22 } },
		/* the exchange sweeps deposits 21 and 22 into its hot wallet 30 */
		{ 2, { { 4, 2, 0 }, { 5, 0, 2 } }, 1, { 399990000 }, { 30 } },
		/* D pays 10 BTC straight to the hot wallet, rest to 40 */
		{ 1, { { 3, 1, 0 } }, 2, { 10 * C, 1999990000 }, { 30, 40 } },
	};
	const struct tc_txspec b6[2] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 6 } },
		/* J: an equal-output CoinJoin of three owners (1 BTC each): 3 x
		 * 0.5 and each owner's change of 0.5 less its fee share */
		{ 3, { { 4, 1, 0 }, { 5, 0, 0 }, { 5, 0, 1 } }, 6,
		  { C / 2, C / 2, C / 2, 49990000, 49985000, 49995000 },
		  { 50, 51, 52, 53, 54, 55 } },
	};
	const struct tc_txspec b7[2] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 7 } },
		/* T pays D:1 whole (fee 10,000) into deposit address 31, tagged
		 * and used once: a payment into the exchange, not a sweep. */
		{ 1, { { 5, 2, 1 } }, 1, { 1999980000 }, { 31 } },
	};

	(void)state;
	memset(&W, 0, sizeof(W));
	for (unsigned h = 0; h < 3; h++)
		tc_block(&W, &cb[h], 1);
	tc_block(&W, b3, 3);
	tc_block(&W, b4, 3);
	tc_block(&W, b5, 3);
	tc_block(&W, b6, 2);
	tc_block(&W, b7, 2);
	tc_index(&W);
	tc_tag(&W, 30, "Exchange A");
	tc_tag(&W, 31, "Exchange A");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tc_release(&W);
	return 0;
}

static const struct trace_seed SEEDS[2] = { { CB0, 0, 0 }, { CB2, 0, 0 } };

static struct trace_params params(unsigned models)
{
	struct trace_params p = { models, 1u << TAG_CAT_EXCHANGE, 50, 546, 100000, false, 0,
				  TRACE_CJ_MODEL };
	return p;
}

static const struct trace_out *out_of(const struct trace_result *r, uint64_t txnum,
				      uint32_t vout)
{
	for (size_t i = 0; i < r->n_outs; i++)
		if (r->outs[i].txnum == txnum && r->outs[i].vout == vout)
			return &r->outs[i];
	return NULL;
}

/* For every model but poison: seeded = exits + unspent + fees + dust + stopped. */
static void check_conservation(const struct trace_result *r)
{
	for (unsigned m = TAINT_HAIRCUT; m < TAINT_MODEL_COUNT; m++) {
		uint64_t sum = 0;
		if (!(r->params.models & TAINT_MODEL_BIT(m)))
			continue;
		for (unsigned p = 0; p < TRACE_PART_COUNT; p++)
			sum += r->tot[p][m];
		assert_int_equal(sum, r->seeded);
	}
}

static void run(struct trace_result *r, const struct trace_params *p, size_t n_seeds)
{
	const char *why = NULL;
	bool ok = trace_run(r, index_store(W.idx), NETWORK_REGTEST, &W.tip, p, SEEDS, n_seeds, &why);
	if (!ok)
		fprintf(stderr, "trace_run: %s\n", why);
	assert_true(ok);
	check_conservation(r);
}

static void expect(const struct trace_result *r, uint64_t txnum, uint32_t vout,
		   uint64_t fifo, uint64_t lifo, uint64_t tiho, uint64_t haircut)
{
	const struct trace_out *o = out_of(r, txnum, vout);
	assert_non_null(o);
	assert_int_equal(o->traced[TAINT_FIFO], fifo);
	assert_int_equal(o->traced[TAINT_LIFO], lifo);
	assert_int_equal(o->traced[TAINT_TIHO], tiho);
	assert_int_equal(o->traced[TAINT_HAIRCUT], haircut);
	assert_int_equal(o->traced[TAINT_POISON], o->value);
}

static void test_split_merge_fees(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	run(&r, &p, 2);
	assert_int_equal(r.seeded, 100 * C);
	/* S: one tainted input, every model keeps it whole. */
	expect(&r, S_TX, 0, 30 * C, 30 * C, 30 * C, 30 * C);
	expect(&r, S_TX, 1, 1999990000, 1999990000, 1999990000, 1999990000);
	/* M, inputs [clean 50 | S:1 19.9999 (src 0) | 50 (src 1)], V = 119.9999:
	 * FIFO o0 = 60 = clean 50 + 10 of src 0; o1 = the remaining tainted
	 * 9.9999 + 49.9999; the fee takes the last 10,000 of src 1.
	 * LIFO [src1 50 | src0 19.9999 | clean 50]: o0 = 60 all tainted, o1 =
	 * 9.9999 of src 0 then clean; the fee is clean.
	 * TIHO: the 69.9999 tainted fill o0 (60, the larger) then 9.9999 into o1.
	 * Haircut per source, floor(T*w/V): o0 999,995,833 + 2,500,002,083,
	 * o1 999,992,500 + 2,499,993,749, fee 1,666 + 4,166, dust 3. */
	expect(&r, M_TX, 0, 10 * C, 60 * C, 60 * C, 3499997916ULL);
	expect(&r, M_TX, 1, 5999980000ULL, 999990000, 999990000, 3499986249ULL);
	assert_int_equal(out_of(&r, M_TX, 0)->hop, 1);
	assert_int_equal(out_of(&r, M_TX, 0)->n_from, 2);
	assert_int_equal(out_of(&r, M_TX, 0)->status, TRACE_UNSPENT);
	trace_result_release(&r);
}

static void test_own_change_same_block(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	run(&r, &p, 2);
	/* P1 spends M:1. FIFO: all tainted. LIFO: M:1's taint is its first
	 * 9.9999, so o0 (1 BTC) takes 1, change 8.9999. TIHO: M:1's 9.9999
	 * go to the larger output, the change: o0 gets none. */
	expect(&r, P1, 0, C, C, 0, out_of(&r, P1, 0)->traced[TAINT_HAIRCUT]);
	expect(&r, P1, 1, 4999970000ULL, 899990000, 999990000,
	       out_of(&r, P1, 1)->traced[TAINT_HAIRCUT]);
	/* P2 spends P1:1, its own change, in the same block. LIFO: P1:1's
	 * first 8.9999 are tainted, o0 takes 2 of them; TIHO: all 9.9999 go
	 * to the larger output, the change again. */
	expect(&r, P2, 0, 2 * C, 2 * C, 0, out_of(&r, P2, 0)->traced[TAINT_HAIRCUT]);
	expect(&r, P2, 1, 2999960000ULL, 699990000, 999990000,
	       out_of(&r, P2, 1)->traced[TAINT_HAIRCUT]);
	assert_int_equal(out_of(&r, P2, 0)->hop, 3);
	assert_int_equal(out_of(&r, P2, 1)->status, TRACE_UNSPENT);
	trace_result_release(&r);
}

static void test_exits(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);
	const struct trace_out *d, *dep;

	(void)state;
	run(&r, &p, 2);
	/* D pays the tagged hot wallet directly. */
	d = out_of(&r, D_TX, 0);
	assert_non_null(d);
	assert_int_equal(d->status, TRACE_EXIT);
	assert_int_equal(d->basis, TRACE_BASIS_TAGGED);
	assert_string_equal(r.ents[d->entity].label, "Exchange A");
	assert_int_equal(d->traced[TAINT_FIFO], 10 * C);
	assert_int_equal(out_of(&r, D_TX, 1)->status, TRACE_FOLLOWED);  /* into T */
	/* Deposit address 21 carries no tag: inferred from the sweep into 30. */
	dep = out_of(&r, P2, 0);
	assert_int_equal(dep->status, TRACE_EXIT);
	assert_int_equal(dep->basis, TRACE_BASIS_INFERRED);
	assert_true(dep->has_sweep);
	assert_memory_equal(dep->sweep_txid.b, W.b[5].txs[1].txid.b, 32);
	assert_int_equal(dep->sweep_height, 5);
	/* The sweep's own output is not traced: the deposit is the exit. */
	assert_null(out_of(&r, SWEEP, 0));
	/* FIFO: exits 10 + 2 + 19.9998 BTC. */
	assert_int_equal(r.tot[TRACE_AT_EXITS][TAINT_FIFO], 12 * C + 1999980000);
	trace_result_release(&r);
}

/* D:1's one spend pays the tagged deposit address 31 in full. 31 has no
 * other receipt, so T is a payment into the exchange, not a sweep out of
 * a deposit: D:1 is followed and 31 is the exit, tagged. (The sweep into
 * the hot wallet 30, reused, stays a sweep: test_exits.) */
static void test_payment_into_tagged_deposit(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);
	const struct trace_out *d, *t;

	(void)state;
	run(&r, &p, 2);
	d = out_of(&r, D_TX, 1);
	assert_non_null(d);
	assert_int_equal(d->status, TRACE_FOLLOWED);
	assert_false(d->has_sweep);
	t = out_of(&r, T_TX, 0);
	assert_non_null(t);
	assert_int_equal(t->status, TRACE_EXIT);
	assert_int_equal(t->basis, TRACE_BASIS_TAGGED);
	assert_false(t->has_sweep);
	assert_string_equal(r.ents[t->entity].label, "Exchange A");
	assert_int_equal(t->traced[TAINT_FIFO], 1999980000);
	assert_int_equal(t->hop, 3);
	trace_result_release(&r);
}

/* J: P1:0 (vin 0, 1 BTC, all of it tainted in FIFO and LIFO, h under
 * haircut) and two clean 1 BTC coins; outputs 0.5 x 3, then changes
 * 0.4999, 0.49985, 0.49995; fee 30,000. Pro rata, output o gets
 * floor(T * w_o / 3e8): for T = 1e8, 0.5 -> 16,666,666; 0.4999 ->
 * 16,663,333; 0.49985 -> 16,661,666; 0.49995 -> 16,665,000. */
#define J_OUTS 6
#define J_KIND COINJOIN_JOINMARKET
static const uint64_t J_VALUE[J_OUTS] = { C / 2, C / 2, C / 2, 49990000, 49985000, 49995000 };
static const uint64_t J_PRORATA[J_OUTS] = { 16666666, 16666666, 16666666, 16663333,
					    16661666, 16665000 };

static uint64_t prorata(uint64_t t, uint64_t w, uint64_t v)
{
	return (uint64_t)((unsigned __int128)t * w / v);
}

/* Haircut across J under both rules, per source: P1 took from M:1
 * (5,999,980,000 sat; src 0 999,992,500, src 1 2,499,993,749, see
 * test_split_merge_fees) its 1 BTC output pro rata, and J shares each
 * source's part of P1:0 pro rata again. */
static uint64_t j_haircut(const struct trace_result *r, uint32_t o)
{
	uint64_t s0 = prorata(999992500, C, 5999980000ULL),
		 s1 = prorata(2499993749ULL, C, 5999980000ULL);

	assert_int_equal(out_of(r, P1, 0)->traced[TAINT_HAIRCUT], s0 + s1);
	return prorata(s0, J_VALUE[o], 3 * C) + prorata(s1, J_VALUE[o], 3 * C);
}

static void test_coinjoin_model_rule(void **state)
{
	/* Each model its own rule. FIFO: line [P1:0 1e8 | clean 2e8]: o0, o1
	 * take the tainted 1e8. LIFO: [clean 2e8 | P1:0 1e8]: o4 [1.9999e8,
	 * 2.49975e8) holds 49,975,000, o5 [2.49975e8, 2.9997e8) 49,995,000,
	 * the fee the last 30,000. TIHO had left P1:0 clean: nothing to spread. */
	static const uint64_t fifo[J_OUTS] = { C / 2, C / 2, 0, 0, 0, 0 };
	static const uint64_t lifo[J_OUTS] = { 0, 0, 0, 0, 49975000, 49995000 };
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	run(&r, &p, 2);
	for (uint32_t o = 0; o < J_OUTS; o++) {
		const struct trace_out *x = out_of(&r, J_TX, o);
		assert_non_null(x);
		assert_int_equal(x->coinjoin, J_KIND);
		assert_true(x->mixed);
		expect(&r, J_TX, o, fifo[o], lifo[o], 0, j_haircut(&r, o));
	}
	trace_result_release(&r);
}

static void test_coinjoin_haircut_rule(void **state)
{
	/* Every model pro rata across the mix (--coinjoin-rule haircut). */
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	p.coinjoin_rule = TRACE_CJ_HAIRCUT;
	run(&r, &p, 2);
	for (uint32_t o = 0; o < J_OUTS; o++) {
		const struct trace_out *x = out_of(&r, J_TX, o);
		assert_non_null(x);
		assert_int_equal(x->coinjoin, J_KIND);
		assert_true(x->mixed);
		expect(&r, J_TX, o, J_PRORATA[o], J_PRORATA[o], 0, j_haircut(&r, o));
		assert_int_equal(x->status, TRACE_UNSPENT);
	}
	trace_result_release(&r);
}

static void test_dust_and_limits(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	p.min_sats = 30000000;    /* the CoinJoin's slices fall below it */
	p.coinjoin_rule = TRACE_CJ_HAIRCUT;
	run(&r, &p, 2);
	assert_int_equal(out_of(&r, J_TX, 0)->status, TRACE_DUST);
	assert_true(r.tot[TRACE_DUST_PART][TAINT_FIFO] >= 3 * 16666666ULL);
	trace_result_release(&r);

	p = params(TAINT_MODELS_ALL);
	p.max_hops = 1;
	run(&r, &p, 2);
	assert_int_equal(out_of(&r, S_TX, 1)->status, TRACE_MAX_HOPS);
	assert_null(out_of(&r, P1, 0));
	trace_result_release(&r);

	p = params(TAINT_MODELS_ALL);
	p.max_edges = 4;
	run(&r, &p, 2);
	assert_true(r.n_notes == 1 && strstr(r.notes[0], "max-edges (4) reached"));
	assert_true(r.tot[TRACE_STOPPED][TAINT_FIFO] > 0);
	trace_result_release(&r);

	p = params(TAINT_MODELS_ALL);
	p.has_before = true;
	p.before = 1600000000 + 4 * 600;   /* block 4's time: P1 not taken */
	run(&r, &p, 2);
	assert_int_equal(out_of(&r, M_TX, 1)->status, TRACE_AFTER_BEFORE);
	trace_result_release(&r);
}

static void test_one_model_and_errors(void **state)
{
	struct trace_result r, all;
	struct trace_params p = params(TAINT_MODEL_BIT(TAINT_FIFO));
	struct trace_params pa = params(TAINT_MODELS_ALL);
	const struct trace_seed down[2] = { { CB0, 0, 0 }, { S_TX, 1, 0 } };
	const struct trace_seed part[1] = { { CB0, 0, 5 * C } };
	const char *why;

	(void)state;
	run(&r, &p, 2);
	run(&all, &pa, 2);
	/* FIFO alone gives the same FIFO figures as all five at once. */
	for (size_t i = 0; i < r.n_outs; i++) {
		const struct trace_out *o = &r.outs[i], *a = out_of(&all, o->txnum, o->vout);
		assert_non_null(a);
		assert_int_equal(o->traced[TAINT_FIFO], a->traced[TAINT_FIFO]);
	}
	trace_result_release(&r);
	trace_result_release(&all);
	assert_false(trace_run(&r, index_store(W.idx), NETWORK_REGTEST, &W.tip, &pa, down, 2, &why));
	assert_non_null(strstr(why, "another seed"));
	/* 5 of the 50 BTC: FIFO keeps them at the front, S:0 gets all 5. */
	assert_true(trace_run(&r, index_store(W.idx), NETWORK_REGTEST, &W.tip, &pa, part, 1, &why));
	check_conservation(&r);
	assert_int_equal(r.seeded, 5 * C);
	assert_int_equal(out_of(&r, S_TX, 0)->traced[TAINT_FIFO], 5 * C);
	assert_int_equal(out_of(&r, S_TX, 0)->traced[TAINT_HAIRCUT], 3 * C);
	trace_result_release(&r);
}

static char *dump(void)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);
	const char *from[2] = { "a:0", "b:0" }, *why = NULL;
	struct trace_request q = { from, 2, NULL, false, 0 };
	json_t *j;
	char *s;

	run(&r, &p, 2);
	j = trace_json(index_store(W.idx), NETWORK_REGTEST, &r, &q, &why);
	assert_non_null(j);
	if (!reportcheck_trace(j, &why))
		fprintf(stderr, "reportcheck: %s\n", why);
	assert_true(reportcheck_trace(j, &why));
	assert_int_equal(json_array_size(json_object_get(j, "exits")), 3);
	assert_int_equal(json_array_size(json_object_get(j, "entities")), 1);
	s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	trace_result_release(&r);
	return s;
}

static void test_json_deterministic(void **state)
{
	char *a = dump(), *b = dump();

	(void)state;
	assert_string_equal(a, b);
	assert_non_null(strstr(a, "\"evidence\": \"inferred: swept into Exchange A\""));
	assert_non_null(strstr(a, "\"kind\": \"joinmarket\""));
	assert_non_null(strstr(a, "\"verdict\": \"mix\""));
	assert_non_null(strstr(a, "\"judged_by\": \"keys only\""));
	assert_non_null(strstr(a, "\"description\": \"joinmarket-like, 3 x 0.50000000 BTC, "
			       "3 input owners, confidence 80%\""));
	assert_non_null(strstr(a, "\"post_mix_links\": []"));
	assert_non_null(strstr(a, "\"coinjoin_rule\": \"model\""));
	assert_non_null(strstr(a, "\"rule\": \"each model's own rule across the mix\""));
	free(a);
	free(b);
}

/* The trace of seeds under models as JSON (new reference); min-sats 0:
 * an output poison alone taints is a row too. */
static json_t *trace_doc(const struct trace_seed *seeds, size_t n, unsigned models)
{
	struct trace_result r;
	struct trace_params p = params(models);
	const char *from[1] = { "x:0" }, *why = NULL;
	struct trace_request q = { from, 1, NULL, false, 0 };
	json_t *j;

	p.min_sats = 0;
	assert_true(trace_run(&r, index_store(W.idx), NETWORK_REGTEST, &W.tip, &p, seeds, n, &why));
	j = trace_json(index_store(W.idx), NETWORK_REGTEST, &r, &q, &why);
	assert_non_null(j);
	assert_true(reportcheck_trace(j, &why));
	trace_result_release(&r);
	return j;
}

/* bound_min is the least of the models run, bound_max poison (the whole
 * value, also when poison is not run); off a mix both are null. */
static void check_bounds(const json_t *row, unsigned models, uint64_t truth)
{
	const json_t *t = json_object_get(row, "traced");
	uint64_t mn = UINT64_MAX, value = (uint64_t)json_integer_value(json_object_get(row, "value"));

	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++) {
		const char *name = taint_model_name((enum taint_model)m);
		uint64_t v = (uint64_t)json_integer_value(json_object_get(t, name));
		if ((models & TAINT_MODEL_BIT(m)) && v < mn)
			mn = v;
	}
	assert_true(json_is_true(json_object_get(row, "through_mix")));
	assert_int_equal(json_integer_value(json_object_get(row, "bound_min")), mn);
	assert_int_equal(json_integer_value(json_object_get(row, "bound_max")), value);
	assert_true(mn <= truth && truth <= value);
}

/* P1:0 alone, 1 BTC of proceeds, enters J. The truth, as this chain was
 * built: J's vout 0 (0.5) and its change vout 3 (0.4999) are the owner
 * of P1:0's, the other outputs other owners' (truth 0). Every J output
 * is unspent; each row's [bound_min, bound_max] holds its truth, with all
 * five models and with FIFO and LIFO only. Rows off the mix (the main
 * trace's exits) carry null bounds. (The lower end is not a bound in
 * general: bench/bench_demix.sh counts where it fails.) */
static void test_bound_beyond_mix(void **state)
{
	static const struct trace_seed seed[1] = { { P1, 0, 0 } };
	static const unsigned sets[2] = {
		TAINT_MODELS_ALL, TAINT_MODEL_BIT(TAINT_FIFO) | TAINT_MODEL_BIT(TAINT_LIFO) };
	const json_t *u, *x;
	json_t *j;
	size_t i;

	(void)state;
	for (size_t k = 0; k < 2; k++) {
		j = trace_doc(seed, 1, sets[k]);
		/* without poison, vouts 2 and 3 hold nothing under FIFO or LIFO */
		assert_int_equal(json_array_size(json_object_get(j, "unspent")), k ? 4 : J_OUTS);
		json_array_foreach(json_object_get(j, "unspent"), i, u) {
			const char *op = json_string_value(json_object_get(u, "outpoint"));
			uint32_t vout = (uint32_t)strtoul(op + 65, NULL, 10);
			check_bounds(u, sets[k], vout == 0 || vout == 3 ? J_VALUE[vout] : 0);
		}
		json_decref(j);
	}
	j = trace_doc(SEEDS, 2, TAINT_MODELS_ALL);
	json_array_foreach(json_object_get(j, "exits"), i, x) {
		assert_true(json_is_false(json_object_get(x, "through_mix")));
		assert_true(json_is_null(json_object_get(x, "bound_min")));
		assert_true(json_is_null(json_object_get(x, "bound_max")));
	}
	assert_true(json_is_null(json_object_get(json_array_get(json_object_get(j, "entities"), 0),
						 "bound_min")));
	json_decref(j);
}

static void cluster_now(void)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	const char *why = NULL;

	cluster_options_default(&o);
	assert_true(cluster_build(index_store(W.idx), &s, &o, NETWORK_REGTEST, NULL, NULL, &why));
}

/* Deposit 22 gets a tag. Without a clustering deposit 21 is still only
 * inferred from the sweep; once clusters are built the sweep has joined
 * 21 and 22, and 21 is an exit by its cluster's label, said so in the
 * evidence, while the hot wallet 30 stays "tag on address". Runs last:
 * it changes the store. */
static void test_cluster_attribution(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);
	struct attrib_entity e;
	struct attrib_via via;
	const struct trace_out *dep, *d;
	bool found;
	const char *why = NULL;

	(void)state;
	tc_tag(&W, 22, "Exchange A");
	run(&r, &p, 2);
	dep = out_of(&r, P2, 0);
	assert_int_equal(dep->basis, TRACE_BASIS_INFERRED);
	assert_false(dep->via.cluster);
	trace_result_release(&r);
	assert_true(attrib_lookup(index_store(W.idx), &e, &via, &found, tc_addr_id(&W, 21),
				  1u << TAG_CAT_EXCHANGE, &why));
	assert_false(found);

	cluster_now();
	run(&r, &p, 2);
	dep = out_of(&r, P2, 0);
	assert_int_equal(dep->status, TRACE_EXIT);
	assert_int_equal(dep->basis, TRACE_BASIS_TAGGED);
	assert_true(dep->via.cluster);
	assert_int_equal(dep->via.size, 2);
	uint64_t a = tc_addr_id(&W, 21), b = tc_addr_id(&W, 22);
	assert_int_equal(dep->via.root, a < b ? a : b);
	assert_false(dep->via.conflict);
	assert_string_equal(r.ents[dep->entity].label, "Exchange A");
	d = out_of(&r, D_TX, 0);
	assert_int_equal(d->basis, TRACE_BASIS_TAGGED);
	assert_false(d->via.cluster);
	assert_int_equal(r.tot[TRACE_AT_EXITS][TAINT_FIFO], 12 * C + 1999980000);  /* + T:0 */
	trace_result_release(&r);
	char *js = dump();
	assert_non_null(strstr(js, "\"evidence\": \"cluster label: Exchange A (cluster "));
	assert_non_null(strstr(js, " of 2 addresses, multi-input clustering; label from a tag on a member: test list, score 90)"));
	assert_non_null(strstr(js, "\"evidence\": \"tag: Exchange A (test list, high, score 90)\""));
	free(js);

	/* A second service's tag on 22: the cluster's label carries the conflict. */
	tc_tag(&W, 22, "Exchange B");
	cluster_now();
	assert_true(attrib_lookup(index_store(W.idx), &e, &via, &found, tc_addr_id(&W, 21),
				  1u << TAG_CAT_EXCHANGE, &why));
	assert_true(found && e.from_cluster && via.cluster && via.conflict);
	attrib_entity_release(&e);
	/* 22's own tag in a stop category is direct evidence, not the cluster's. */
	assert_true(attrib_lookup(index_store(W.idx), &e, &via, &found, tc_addr_id(&W, 22),
				  1u << TAG_CAT_EXCHANGE, &why));
	assert_true(found && !e.from_cluster && !via.cluster);
	attrib_entity_release(&e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_merge_fees),
		cmocka_unit_test(test_own_change_same_block),
		cmocka_unit_test(test_exits),
		cmocka_unit_test(test_payment_into_tagged_deposit),
		cmocka_unit_test(test_coinjoin_model_rule),
		cmocka_unit_test(test_coinjoin_haircut_rule),
		cmocka_unit_test(test_dust_and_limits),
		cmocka_unit_test(test_one_model_and_errors),
		cmocka_unit_test(test_json_deterministic),
		cmocka_unit_test(test_bound_beyond_mix),
		cmocka_unit_test(test_cluster_attribution),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
