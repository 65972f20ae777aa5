/* The trace engine on a small chain built in the test and indexed for
 * real: a split, a merge of two tainted sources with clean coins and a
 * fee (spending an output of the same block), a tx spending its own
 * change in the same block, a tagged exit, a deposit address inferred
 * from a sweep, a CoinJoin crossed pro rata, unspent endpoints, dust,
 * max-edges, and the JSON passing `proceeds report`'s checks, twice
 * byte-identical. FIFO/LIFO/TIHO figures are worked by hand from
 * docs/taint-models.md (comments show the arithmetic). */
#include "proceeds/index.h"
#include "proceeds/reportcheck.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"
#include "proceeds/trace.h"
#include "proceeds/trace_json.h"
#include "helper.h"
#include "helper_chain.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define C 100000000ULL

enum { N_BLOCKS = 7 };

struct world {
	struct hc_buf raw[N_BLOCKS];
	struct block b[N_BLOCKS];
	char dir[256];
	struct index *idx;
	struct idx_tip tip;
};
static struct world W;

/* Txnums: block 0 cb=0; 1 cb=1; 2 cb=2; 3 cb=3 S=4 M=5; 4 cb=6 P1=7 P2=8;
 * 5 cb=9 Wsweep=10 D=11; 6 cb=12 J=13. */
enum { CB0 = 0, CB1 = 1, CB2 = 2, S_TX = 4, M_TX = 5, P1 = 7, P2 = 8, CB5 = 9,
       SWEEP = 10, D_TX = 11, J_TX = 13 };

struct txspec {
	size_t n_in;
	struct { unsigned blk, tx; uint32_t vout; } in[3];
	size_t n_out;
	uint64_t value[5];
	uint64_t addr[5];
};

static void add_tx(struct hc_buf *txs, const struct txspec *t, unsigned tag)
{
	struct hash256 prev[3];
	uint32_t vout[3];
	uint8_t s[5][25];
	const uint8_t *sp[5];
	size_t sl[5];

	for (size_t i = 0; i < t->n_in; i++) {
		prev[i] = W.b[t->in[i].blk].txs[t->in[i].tx].txid;
		vout[i] = t->in[i].vout;
	}
	for (size_t o = 0; o < t->n_out; o++) {
		sl[o] = hc_p2pkh(s[o], t->addr[o]);
		sp[o] = s[o];
	}
	hc_tx(txs, t->n_in, prev, vout, t->n_out, t->value, sp, sl, tag);
}

/* Parses txs of block h; txs in the block may refer to earlier ones of
 * the same block, so each tx is added after parsing a draft. */
static void make_block(unsigned h, const struct txspec *t, size_t n)
{
	struct hc_buf txs = { 0 };
	struct hash256 zero = { { 0 } };
	const char *why;

	for (size_t k = 0; k < n; k++) {
		add_tx(&txs, &t[k], 1000 + h);
		memset(&W.raw[h], 0, sizeof(W.raw[h]));
		hc_block(&W.raw[h], h ? &W.b[h - 1].hash : &zero, 1600000000 + h * 600, &txs, k + 1);
		if (k)
			block_release(&W.b[h]);
		block_init(&W.b[h]);
		assert_true(block_parse(&W.b[h], W.raw[h].p, W.raw[h].len, &why));
		if (k + 1 < n)
			hc_buf_free(&W.raw[h]);
	}
	hc_buf_free(&txs);
}

static void put_tag(struct store *st, uint64_t addr, const char *label)
{
	struct tag t;
	uint8_t script[25], key[TAG_KEY_MAX], *val;
	size_t vlen, klen;
	const char *why;

	memset(&t, 0, sizeof(t));
	t.owner_key_len = script_owner_key(t.owner_key, script, hc_p2pkh(script, addr));
	snprintf(t.address, sizeof(t.address), "x");
	t.category = TAG_CAT_EXCHANGE;
	t.score = 90;
	tag_set_field(t.label, label);
	tag_set_field(t.source, "test list");
	tag_set_field(t.confidence, "high");
	klen = tag_key(key, &t);
	val = tag_encode(&vlen, &t);
	assert_non_null(val);
	assert_true(store_put(st, key, klen, val, vlen, &why));
	free(val);
}

static int setup(void **state)
{
	/* Coinbases: block 0 pays the first stolen coin (addr 1), block 1 a
	 * clean one (addr 2), block 2 the second stolen coin (addr 3). */
	const struct txspec cb[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 1 } },
		{ 0, { { 0 } }, 1, { 50 * C }, { 2 } },
		{ 0, { { 0 } }, 1, { 50 * C }, { 3 } },
	};
	const struct txspec b3[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 4 } },
		/* S: split 50 BTC into 30 + 19.9999, fee 10,000 */
		{ 1, { { 0, 0, 0 } }, 2, { 30 * C, 1999990000 }, { 10, 11 } },
		/* M: clean 50, S:1 (same block), stolen#2 50 -> 60 + 59.9998 */
		{ 3, { { 1, 0, 0 }, { 3, 1, 1 }, { 2, 0, 0 } }, 2,
		  { 60 * C, 5999980000 }, { 12, 13 } },
	};
	const struct txspec b4[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 5 } },
		/* P1 pays 1 BTC, change back to its own address 13 */
		{ 1, { { 3, 2, 1 } }, 2, { 1 * C, 4999970000 }, { 20, 13 } },
		/* P2 spends P1's change in the same block: 2 BTC to deposit 21 */
		{ 1, { { 4, 1, 1 } }, 2, { 2 * C, 2999960000 }, { 21, 13 } },
	};
	const struct txspec b5[3] = {
		{ 0, { { 0 } }, 3, { 1 * C, 1 * C, 2 * C }, { 60, 61, 22 } },
		/* the exchange sweeps deposits 21 and 22 into its hot wallet 30 */
		{ 2, { { 4, 2, 0 }, { 5, 0, 2 } }, 1, { 399990000 }, { 30 } },
		/* D pays 10 BTC straight to the hot wallet, rest to 40 */
		{ 1, { { 3, 1, 0 } }, 2, { 10 * C, 1999990000 }, { 30, 40 } },
	};
	const struct txspec b6[2] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 6 } },
		/* J: equal-output CoinJoin of three owners: 3 x 0.5 + changes */
		{ 3, { { 4, 1, 0 }, { 5, 0, 0 }, { 5, 0, 1 } }, 5,
		  { C / 2, C / 2, C / 2, 70000000, 79980000 }, { 50, 51, 52, 53, 54 } },
	};
	struct index_options o = { .create = true };
	const char *why;

	(void)state;
	memset(&W, 0, sizeof(W));
	for (unsigned h = 0; h < 3; h++)
		make_block(h, &cb[h], 1);
	make_block(3, b3, 3);
	make_block(4, b4, 3);
	make_block(5, b5, 3);
	make_block(6, b6, 2);
	snprintf(W.dir, sizeof(W.dir), "%s", helper_tmpdir());
	assert_true(index_open(&W.idx, W.dir, NETWORK_REGTEST, &o, &why));
	for (unsigned h = 0; h < N_BLOCKS; h++)
		assert_true(index_connect_block(W.idx, &W.b[h], h, &why));
	assert_true(index_flush(W.idx, true, &why));
	assert_true(index_tip(W.idx, &W.tip));
	put_tag(index_store(W.idx), 30, "Exchange A");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	index_close(W.idx);
	helper_rm_rf(W.dir);
	for (unsigned h = 0; h < N_BLOCKS; h++) {
		block_release(&W.b[h]);
		hc_buf_free(&W.raw[h]);
	}
	return 0;
}

static const struct trace_seed SEEDS[2] = { { CB0, 0, 0 }, { CB2, 0, 0 } };

static struct trace_params params(unsigned models)
{
	struct trace_params p = { models, 1u << TAG_CAT_EXCHANGE, 50, 546, 100000, false, 0 };
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
	assert_int_equal(out_of(&r, D_TX, 1)->status, TRACE_UNSPENT);
	/* Deposit address 21 carries no tag: inferred from the sweep into 30. */
	dep = out_of(&r, P2, 0);
	assert_int_equal(dep->status, TRACE_EXIT);
	assert_int_equal(dep->basis, TRACE_BASIS_INFERRED);
	assert_true(dep->has_sweep);
	assert_memory_equal(dep->sweep_txid.b, W.b[5].txs[1].txid.b, 32);
	assert_int_equal(dep->sweep_height, 5);
	/* The sweep's own output is not traced: the deposit is the exit. */
	assert_null(out_of(&r, SWEEP, 0));
	/* FIFO: exits 10 + 2 BTC. */
	assert_int_equal(r.tot[TRACE_AT_EXITS][TAINT_FIFO], 12 * C);
	trace_result_release(&r);
}

static void test_coinjoin(void **state)
{
	struct trace_result r;
	struct trace_params p = params(TAINT_MODELS_ALL);

	(void)state;
	run(&r, &p, 2);
	/* J: 1 tainted BTC of 3 in. Every model goes pro rata across the
	 * mix: 0.5 -> floor(1e8 * 5e7 / 3e8) = 16,666,666; 0.7 -> 23,333,333;
	 * 0.7998 -> 26,660,000. TIHO had left P1:0 clean: nothing to spread. */
	for (uint32_t o = 0; o < 5; o++) {
		const struct trace_out *x = out_of(&r, J_TX, o);
		uint64_t want = o < 3 ? 16666666 : o == 3 ? 23333333 : 26660000;
		assert_non_null(x);
		assert_int_equal(x->coinjoin, COINJOIN_GENERIC);
		assert_true(x->mixed);
		assert_int_equal(x->traced[TAINT_FIFO], want);
		assert_int_equal(x->traced[TAINT_LIFO], want);
		assert_int_equal(x->traced[TAINT_TIHO], 0);
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
	assert_int_equal(json_array_size(json_object_get(j, "exits")), 2);
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
	assert_non_null(strstr(a, "\"kind\": \"generic\""));
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_split_merge_fees),
		cmocka_unit_test(test_own_change_same_block),
		cmocka_unit_test(test_exits),
		cmocka_unit_test(test_coinjoin),
		cmocka_unit_test(test_dust_and_limits),
		cmocka_unit_test(test_one_model_and_errors),
		cmocka_unit_test(test_json_deterministic),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
