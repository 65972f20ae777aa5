/* Demixing as evidence (tracer/trace_demix.c) on a chain built in the
 * test: the criminal's 50 BTC (addr 1) is split by K into five 5 BTC
 * coins and an unmixed 24.9999 BTC rest; the five enter an equal-output
 * mix M beside five coins of five other people; then
 *   - co-spend: C1 spends two of the criminal's postmix outputs;
 *   - with-criminal-coins: C2 spends one with K's unmixed rest;
 *   - same-deposit: D1 and D2 each pay one into the tagged deposit
 *     address 40;
 * and the look-alikes that must link nothing: the other people's postmix
 * outputs each spent alone (L1, L2), two of them paying one address that
 * is no deposit address (L4, L5), one spent with a clean coin (L3).
 * Last, the trace's CoinJoin verdict once `cluster build` has run: the
 * build's recorded one, so that Q, three coins of one cluster that keys
 * alone take for a mix, is followed as a payment. */
#include "proceeds/cluster.h"
#include "proceeds/reportcheck.h"
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
#define PM 499990000ULL      /* a postmix output: 4.9999 BTC */

static struct tc_world W;

/* Txnums: block 0 A=0; 1 cb=1; 2 cb=2 K=3 G=4; 3 cb=5 M=6 Q=7;
 * 4 cb=8 C1=9 C2=10 D1=11 L1=12 L2=13 L4=14; 5 cb=15 D2=16 L5=17 L3=18. */
enum { A_TX = 0, K_TX = 3, G_TX = 4, M_TX = 6, Q_TX = 7, C1 = 9, C2 = 10, D1 = 11,
       L1 = 12, D2 = 16 };

static void block_0_to_2(void)
{
	const struct tc_txspec a = { 0, { { 0 } }, 1, { 50 * C }, { 1 } };
	/* five other people's 5 BTC (3..7), a clean 1 BTC (8), and three
	 * coins of one owner (60..62) */
	const struct tc_txspec cb1 = { 0, { { 0 } }, 9,
		{ 5 * C, 5 * C, 5 * C, 5 * C, 5 * C, C, C, C, C },
		{ 3, 4, 5, 6, 7, 8, 60, 61, 62 } };
	const struct tc_txspec b2[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 92 } },
		/* K: five coins for the mix, the rest kept (fee 10,000) */
		{ 1, { { 0, 0, 0 } }, 6, { 5 * C, 5 * C, 5 * C, 5 * C, 5 * C, 2499990000 },
		  { 10, 12, 13, 14, 15, 11 } },
		/* G: the one owner spends its three coins back to their
		 * addresses, one output above every input (no join): the
		 * clustering joins 60, 61, 62 */
		{ 3, { { 1, 0, 6 }, { 1, 0, 7 }, { 1, 0, 8 } }, 3,
		  { 120000000, 90000000, 89985000 }, { 60, 61, 62 } },
	};

	tc_block(&W, &a, 1);
	tc_block(&W, &cb1, 1);
	tc_block(&W, b2, 3);
}

static void block_3(void)
{
	struct tc_txspec b3[3] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 93 } },
		/* M: criminal's and others' coins in turn, ten equal outputs:
		 * even vouts the criminal's (20, 22, ...), odd the others' */
		{ 10, { { 0 } }, 10, { 0 }, { 0 } },
		/* Q: G's three coins, 3 x 0.3 and three changes (fee 15,000):
		 * a mix by keys, one owner by the clustering */
		{ 3, { { 2, 2, 0 }, { 2, 2, 1 }, { 2, 2, 2 } }, 6,
		  { 30000000, 30000000, 30000000, 89995000, 59995000, 59980000 },
		  { 70, 71, 72, 73, 74, 75 } },
	};

	for (uint32_t k = 0; k < 5; k++) {
		b3[1].in[2 * k] = (struct tc_in){ 2, 1, k };
		b3[1].in[2 * k + 1] = (struct tc_in){ 1, 0, k };
	}
	for (uint32_t o = 0; o < 10; o++) {
		b3[1].value[o] = PM;
		b3[1].addr[o] = 20 + o;
	}
	tc_block(&W, b3, 3);
}

static int setup(void **state)
{
	const struct tc_txspec b4[7] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 94 } },
		{ 2, { { 3, 1, 0 }, { 3, 1, 2 } }, 1, { 2 * PM - 10000 }, { 30 } },     /* C1 */
		{ 2, { { 3, 1, 4 }, { 2, 1, 5 } }, 1, { PM + 2499980000 }, { 31 } },   /* C2 */
		{ 1, { { 3, 1, 6 } }, 1, { PM - 10000 }, { 40 } },                     /* D1 */
		{ 1, { { 3, 1, 1 } }, 1, { PM - 10000 }, { 50 } },                     /* L1 */
		{ 1, { { 3, 1, 3 } }, 1, { PM - 10000 }, { 51 } },                     /* L2 */
		{ 1, { { 3, 1, 5 } }, 1, { PM - 10000 }, { 52 } },                     /* L4 */
	};
	const struct tc_txspec b5[4] = {
		{ 0, { { 0 } }, 1, { 50 * C }, { 95 } },
		{ 1, { { 3, 1, 8 } }, 1, { PM - 10000 }, { 40 } },                     /* D2 */
		{ 1, { { 3, 1, 7 } }, 1, { PM - 10000 }, { 52 } },                     /* L5 */
		{ 2, { { 3, 1, 9 }, { 1, 0, 5 } }, 1, { PM + C - 10000 }, { 53 } },    /* L3 */
	};

	(void)state;
	memset(&W, 0, sizeof(W));
	block_0_to_2();
	block_3();
	tc_block(&W, b4, 7);
	tc_block(&W, b5, 4);
	tc_index(&W);
	tc_tag(&W, 40, "Exchange B");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tc_release(&W);
	return 0;
}

static void run(struct trace_result *r, uint64_t txnum, uint32_t vout)
{
	const struct trace_seed seed = { txnum, vout, 0 };
	struct trace_params p = { TAINT_MODELS_ALL, 1u << TAG_CAT_EXCHANGE, 50, 546, 100000,
				  false, 0, TRACE_CJ_MODEL };
	const char *why = NULL;
	bool ok = trace_run(r, index_store(W.idx), NETWORK_REGTEST, &W.tip, &p, &seed, 1, &why);

	if (!ok)
		fprintf(stderr, "trace_run: %s\n", why);
	assert_true(ok);
}

/* The postmix vouts link l names, as a bit set. */
static unsigned postmix_set(const struct trace_result *r, const struct trace_link *l)
{
	unsigned set = 0;

	for (uint32_t i = l->ref_start; i < l->ref_start + l->n_ref; i++)
		if (r->refs[i].role == TRACE_REF_POSTMIX) {
			assert_memory_equal(r->refs[i].txid.b, W.b[3].txs[1].txid.b, 32);
			set |= 1u << r->refs[i].vout;
		}
	return set;
}

static const struct trace_out *out_of(const struct trace_result *r, uint64_t txnum,
				      uint32_t vout)
{
	for (size_t i = 0; i < r->n_outs; i++)
		if (r->outs[i].txnum == txnum && r->outs[i].vout == vout)
			return &r->outs[i];
	return NULL;
}

static void test_links(void **state)
{
	struct trace_result r;
	const struct trace_link *l;

	(void)state;
	run(&r, A_TX, 0);
	assert_int_equal(r.n_mixes, 1);
	assert_int_equal(r.mixes[0].txnum, M_TX);
	assert_int_equal(r.mixes[0].cj.verdict, COINJOIN_MIX);
	assert_false(r.mixes[0].recorded);
	assert_int_equal(r.n_links, 3);
	/* co-spend: C1 spends vouts 0 and 2 */
	l = &r.links[0];
	assert_int_equal(l->kind, TRACE_LINK_CO_SPEND);
	assert_int_equal(l->txnum, C1);
	assert_memory_equal(l->txid.b, W.b[4].txs[1].txid.b, 32);
	assert_int_equal(postmix_set(&r, l), 0x5);
	assert_int_equal(l->value, 2 * PM);
	/* with-criminal-coins: C2 spends vout 4 with K:5, the unmixed rest */
	l = &r.links[1];
	assert_int_equal(l->kind, TRACE_LINK_WITH_CRIMINAL);
	assert_int_equal(l->txnum, C2);
	assert_int_equal(postmix_set(&r, l), 0x10);
	assert_int_equal(l->n_ref, 2);
	assert_int_equal(r.refs[l->ref_start + 1].role, TRACE_REF_WITH);
	assert_memory_equal(r.refs[l->ref_start + 1].txid.b, W.b[2].txs[1].txid.b, 32);
	assert_int_equal(r.refs[l->ref_start + 1].vout, 5);
	/* same-deposit: D1 (vout 6) and D2 (vout 8) pay the tagged 40 */
	l = &r.links[2];
	assert_int_equal(l->kind, TRACE_LINK_SAME_DEPOSIT);
	assert_int_equal(l->txnum, D2);
	assert_memory_equal(l->txid.b, W.b[5].txs[1].txid.b, 32);
	assert_int_equal(postmix_set(&r, l), 0x140);
	assert_int_equal(l->addr, tc_addr_id(&W, 40));
	assert_string_equal(r.ents[l->entity].label, "Exchange B");
	/* 40 received twice: D1 and D2 look like sweeps (the exit rule's
	 * known limit), so M:6 and M:8 are the exits, inferred, and linked */
	assert_int_equal(out_of(&r, M_TX, 6)->status, TRACE_EXIT);
	assert_int_equal(out_of(&r, M_TX, 6)->basis, TRACE_BASIS_INFERRED);
	assert_true(out_of(&r, M_TX, 6)->linked && out_of(&r, M_TX, 8)->linked);
	assert_null(out_of(&r, D1, 0));
	/* what the links reach is marked; the others' spends are not */
	assert_true(out_of(&r, C1, 0)->linked && out_of(&r, C1, 0)->mixed);
	assert_non_null(out_of(&r, L1, 0));
	assert_false(out_of(&r, L1, 0)->linked);
	assert_false(out_of(&r, K_TX, 5)->linked);
	trace_result_release(&r);
}

/* Other people's postmix outputs each spent alone, into one address
 * that no service owns, or with a clean coin: nothing links them, and
 * no link names an odd vout. Without stop categories there are no
 * deposit addresses, so no same-deposit link. */
static void test_lookalikes(void **state)
{
	struct trace_result r;
	struct trace_params p = { TAINT_MODELS_ALL, 0, 50, 546, 100000, false, 0, TRACE_CJ_MODEL };
	const struct trace_seed seed = { A_TX, 0, 0 };
	const char *why = NULL;

	(void)state;
	run(&r, A_TX, 0);
	for (size_t i = 0; i < r.n_links; i++)
		assert_int_equal(postmix_set(&r, &r.links[i]) & 0x2aa, 0);
	trace_result_release(&r);
	assert_true(trace_run(&r, index_store(W.idx), NETWORK_REGTEST, &W.tip, &p, &seed, 1, &why));
	assert_int_equal(r.n_links, 2);
	for (size_t i = 0; i < r.n_links; i++)
		assert_int_not_equal(r.links[i].kind, TRACE_LINK_SAME_DEPOSIT);
	trace_result_release(&r);
}

static json_t *doc(struct trace_result *r)
{
	const char *from[1] = { "x:0" }, *why = NULL;
	struct trace_request q = { from, 1, NULL, false, 0 };
	json_t *j = trace_json(index_store(W.idx), NETWORK_REGTEST, r, &q, &why);

	assert_non_null(j);
	assert_true(reportcheck_trace(j, &why));
	return j;
}

static void test_links_json(void **state)
{
	struct trace_result r;
	const json_t *l, *x;
	json_t *j;
	char mix[65], c1[65];
	size_t i;

	(void)state;
	run(&r, A_TX, 0);
	j = doc(&r);
	hash256_to_hex(mix, &W.b[3].txs[1].txid);
	hash256_to_hex(c1, &W.b[4].txs[1].txid);
	l = json_object_get(j, "post_mix_links");
	assert_int_equal(json_array_size(l), 3);
	x = json_array_get(l, 0);
	assert_string_equal(json_string_value(json_object_get(x, "heuristic")), "co-spend");
	assert_string_equal(json_string_value(json_object_get(x, "mix_txid")), mix);
	assert_string_equal(json_string_value(json_object_get(x, "txid")), c1);
	assert_int_equal(json_array_size(json_object_get(x, "outpoints")), 2);
	assert_true(json_is_integer(json_object_get(json_object_get(x, "precision"), "links")));
	assert_string_equal(json_string_value(json_object_get(json_array_get(l, 1), "heuristic")),
			    "with-criminal-coins");
	assert_int_equal(json_array_size(json_object_get(json_array_get(l, 1), "with")), 1);
	x = json_array_get(l, 2);
	assert_string_equal(json_string_value(json_object_get(x, "heuristic")), "same-deposit");
	assert_string_equal(json_string_value(json_object_get(x, "deposit_entity")), "Exchange B");
	assert_int_equal(json_array_size(json_object_get(x, "payments")), 2);
	/* both deposits (M:6, M:8, swept into 40) are linked exits */
	json_array_foreach(json_object_get(j, "exits"), i, x) {
		assert_true(json_is_true(json_object_get(x, "post_mix_linked")));
		assert_true(json_is_true(json_object_get(x, "through_mix")));
	}
	assert_int_equal(json_array_size(json_object_get(j, "exits")), 2);
	json_decref(j);
	trace_result_release(&r);
}

static const struct trace_out *first_of(const struct trace_result *r, uint64_t txnum)
{
	return out_of(r, txnum, 0);
}

/* Keys alone: Q is a mix (three keys, three equal outputs, changes that
 * fit). Once `cluster build` has run, the trace takes its verdicts: M is
 * a mix it recorded, Q none (G joined its three inputs), so Q's outputs
 * are followed as a payment. Runs last: it changes the store. */
static void test_verdict_of_the_clustering(void **state)
{
	struct trace_result r;
	struct cluster_options o;
	struct cluster_build_stats s;
	const char *why = NULL;

	(void)state;
	run(&r, G_TX, 0);
	assert_int_equal(r.n_mixes, 1);
	assert_int_equal(r.mixes[0].txnum, Q_TX);
	assert_false(r.mixes[0].recorded);
	assert_true(first_of(&r, Q_TX)->mixed);
	trace_result_release(&r);

	cluster_options_default(&o);
	assert_true(cluster_build(index_store(W.idx), &s, &o, NETWORK_REGTEST, NULL, NULL, &why));
	run(&r, G_TX, 0);
	assert_int_equal(r.n_mixes, 0);
	assert_false(first_of(&r, Q_TX)->mixed);
	assert_int_equal(first_of(&r, Q_TX)->mix1, 0);
	trace_result_release(&r);
	run(&r, A_TX, 0);
	assert_int_equal(r.n_mixes, 1);
	assert_true(r.mixes[0].recorded);
	assert_int_equal(r.mixes[0].cj.verdict, COINJOIN_MIX);
	assert_int_equal(r.n_links, 3);
	trace_result_release(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_links),
		cmocka_unit_test(test_lookalikes),
		cmocka_unit_test(test_links_json),
		cmocka_unit_test(test_verdict_of_the_clustering),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
