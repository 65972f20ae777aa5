/* Clusters on a built chain: a CoinJoin is skipped (and merged with
 * --no-coinjoin-skip), a merge of two exchanges is refused and stored, a
 * cluster's entity carries its members' label, the guard off shows the
 * conflict, and the change heuristics merge only at their threshold with
 * the confidence recorded on the `why` path. */
#include "proceeds/cluster.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"
#include "helper.h"
#include "helper_chain.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define BTC 100000000ull

static struct hc_buf raw[3];
static struct block blk[3];
static char dir[256];
static struct index *idx;

static void make_block(unsigned h, const struct hc_buf *txs, size_t n)
{
	hc_chain_block(raw, blk, h, txs, n);
}

/* Block 0: a coinbase paying 1 BTC to numbers 1..10. Block 1: 1+2 -> 20;
 * 3+4 -> a two-party equal-output join, a possible mix (0.5, 0.5 and
 * each one's change 0.4999); 5+6 (two exchanges) -> 24;
 * 8+9 (9 an exchange) -> 25. Block 2: 7 -> 0.3 BTC to a P2SH and
 * 0.6999 BTC to a fresh P2PKH 30. */
static void make_chain(void)
{
	struct hc_buf t0 = { 0 }, t1 = { 0 }, t2 = { 0 };
	uint64_t pay[10], val[10];
	for (int i = 0; i < 10; i++) {
		pay[i] = (uint64_t)i + 1;
		val[i] = BTC;
	}
	hc_tx_numbers(&t0, 0, NULL, NULL, 10, pay, val, 1);
	make_block(0, &t0, 1);
	struct hash256 cb[2] = { blk[0].txs[0].txid, blk[0].txs[0].txid };
	uint32_t v12[2] = { 0, 1 }, v34[2] = { 2, 3 }, v56[2] = { 4, 5 }, v89[2] = { 7, 8 };
	uint64_t p20[1] = { 20 }, p24[1] = { 24 }, p25[1] = { 25 }, v1[1] = { BTC };
	uint64_t pcj[4] = { 21, 22, 23, 26 };
	uint64_t vcj[4] = { BTC / 2, BTC / 2, 49990000, 49990000 };
	hc_tx_numbers(&t1, 0, NULL, NULL, 1, p20, v1, 2);
	hc_tx_numbers(&t1, 2, cb, v12, 1, p20, v1, 0);
	hc_tx_numbers(&t1, 2, cb, v34, 4, pcj, vcj, 0);
	hc_tx_numbers(&t1, 2, cb, v56, 1, p24, v1, 0);
	hc_tx_numbers(&t1, 2, cb, v89, 1, p25, v1, 0);
	make_block(1, &t1, 5);
	uint32_t v7[1] = { 6 };
	uint64_t pch[2] = { 1001, 30 }, vch[2] = { 3 * BTC / 10, 69990000 };
	hc_tx_numbers(&t2, 0, NULL, NULL, 1, p20, v1, 3);
	hc_tx_numbers(&t2, 1, cb, v7, 2, pch, vch, 0);
	make_block(2, &t2, 2);
	hc_buf_free(&t0);
	hc_buf_free(&t1);
	hc_buf_free(&t2);
}

static void put_tag(struct store *st, uint64_t n, const char *label)
{
	struct tag t;
	uint8_t s[25], key[TAG_KEY_MAX];
	size_t len, vlen;
	const char *why;

	memset(&t, 0, sizeof(t));
	t.owner_key_len = script_owner_key(t.owner_key, s, hc_p2pkh(s, n));
	t.category = TAG_CAT_EXCHANGE;
	t.score = 80;
	tag_set_field(t.label, label);
	tag_set_field(t.source, "test");
	len = tag_key(key, &t);
	uint8_t *v = tag_encode(&vlen, &t);
	assert_true(store_put(st, key, len, v, vlen, &why));
	free(v);
}

static int setup(void **state)
{
	struct index_options o = { .create = true };
	const char *why;
	(void)state;
	make_chain();
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	if (!index_open(&idx, dir, NETWORK_REGTEST, &o, &why))
		return -1;
	for (unsigned h = 0; h < 3; h++)
		if (!index_connect_block(idx, &blk[h], h, &why)) {
			fprintf(stderr, "block %u: %s\n", h, why);
			return -1;
		}
	if (!index_flush(idx, true, &why))
		return -1;
	put_tag(index_store(idx), 5, "Exchange A");
	put_tag(index_store(idx), 9, "Exchange A");
	put_tag(index_store(idx), 6, "exchange b");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	index_close(idx);
	helper_rm_rf(dir);
	for (unsigned h = 0; h < 3; h++) {
		block_release(&blk[h]);
		hc_buf_free(&raw[h]);
	}
	return 0;
}

static uint64_t id_of(uint64_t n)
{
	uint8_t s[25], k[SCRIPT_KEY_MAX];
	uint64_t id;
	bool found;
	const char *why;
	size_t kl = script_owner_key(k, s, hc_p2pkh(s, n));
	assert_true(idxq_addr_id(index_store(idx), &id, &found, k, kl, &why));
	assert_true(found);
	return id;
}

static uint64_t root_of(uint64_t n)
{
	uint64_t r;
	const char *why;
	assert_true(cluster_root(index_store(idx), &r, id_of(n), &why));
	return r;
}

static void build(struct cluster_options *o, struct cluster_build_stats *s)
{
	const char *why = NULL;
	if (!cluster_build(index_store(idx), s, o, NETWORK_REGTEST, NULL, NULL, &why)) {
		fprintf(stderr, "cluster_build: %s\n", why);
		fail();
	}
}

static bool count_refused(void *ctx, const struct cluster_refusal *r)
{
	(*(int *)ctx)++;
	assert_string_equal(r->label_a, "Exchange A");
	assert_string_equal(r->label_b, "exchange b");
	return true;
}

static void check_possible_mix(void);

static void test_defaults(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_entity e;
	const char *why;
	int n = 0;

	(void)state;
	cluster_options_default(&o);
	build(&o, &s);
	assert_int_equal(root_of(2), root_of(1));
	assert_int_equal(root_of(1), id_of(1));  /* smallest id is the id */
	assert_true(root_of(3) != root_of(4));
	assert_int_equal(s.coinjoin_skipped, 1);
	assert_int_equal(s.refused, 1);
	assert_int_equal(s.n_examples, 1);
	assert_true(root_of(5) != root_of(6));
	assert_true(cluster_refused_each(index_store(idx), count_refused, &n, &why));
	assert_int_equal(n, 1);
	assert_int_equal(root_of(8), root_of(9));
	assert_true(root_of(30) != root_of(7));
	assert_int_equal(s.merges_change, 0);
	/* 8 is in Exchange A's cluster through 9's tag */
	assert_true(cluster_entity(index_store(idx), id_of(8), &e, &why));
	assert_true(e.labelled);
	assert_string_equal(e.label, "Exchange A");
	assert_string_equal(e.basis, "cluster");
	assert_int_equal(e.size, 2);
	assert_false(e.conflict);
	assert_true(cluster_entity(index_store(idx), id_of(9), &e, &why));
	assert_string_equal(e.basis, "tagged");
	assert_true(cluster_entity(index_store(idx), id_of(1), &e, &why));
	assert_false(e.labelled);
	check_possible_mix();
}

static bool count_mix(void *ctx, uint64_t txnum, const struct coinjoin_result *r)
{
	(*(int *)ctx)++;
	assert_int_equal(r->verdict, COINJOIN_POSSIBLE);
	assert_int_equal(r->count, 2);
	(void)txnum;
	return true;
}

/* The two-party join is recorded as a possible mix, and is the one
 * skipped transaction between 3 and 4 (none between 1 and 30). */
static void check_possible_mix(void)
{
	struct cluster_bridge *path;
	size_t n;
	int mixes = 0;
	const char *why;

	assert_true(cluster_mix_each(index_store(idx), count_mix, &mixes, &why));
	assert_int_equal(mixes, 1);
	assert_true(cluster_why_not(index_store(idx), &path, &n, id_of(3), id_of(4), &why));
	assert_int_equal(n, 1);
	assert_int_equal(path[0].verdict.verdict, COINJOIN_POSSIBLE);
	assert_int_equal(path[0].from, root_of(3));
	assert_int_equal(path[0].to, root_of(4));
	free(path);
	assert_true(cluster_why_not(index_store(idx), &path, &n, id_of(1), id_of(30), &why));
	assert_int_equal(n, 0);
	free(path);
}

/* --merge-possible merges the two-party join and rebuilds. */
static void test_merge_possible(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;

	(void)state;
	cluster_options_default(&o);
	o.merge_possible = true;
	build(&o, &s);
	assert_true(s.rebuilt);
	assert_int_equal(root_of(3), root_of(4));
	assert_int_equal(s.possible, 1);
	assert_int_equal(s.possible_merged, 1);
	assert_int_equal(s.coinjoin_skipped, 0);
}

static void test_no_skip_no_guard(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_entity e;
	char other[TAG_FIELD_MAX + 1];
	const char *why;

	(void)state;
	cluster_options_default(&o);
	o.coinjoin_skip = false;
	o.guard = false;
	build(&o, &s);
	assert_true(s.rebuilt);
	assert_int_equal(root_of(3), root_of(4));
	assert_int_equal(root_of(5), root_of(6));
	assert_int_equal(s.refused, 0);
	assert_int_equal(s.conflicts, 1);
	assert_true(cluster_entity_other(index_store(idx), id_of(6), &e, other, &why));
	assert_true(e.conflict);
	assert_string_equal(e.label, "Exchange A");  /* higher tag count */
	assert_string_equal(other, "exchange b");
}

static void test_change(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_step *st;
	size_t n;
	bool linked;
	const char *why;

	(void)state;
	cluster_options_default(&o);
	o.change = true;
	build(&o, &s);  /* round 40 + type 30 = 58% < 70% */
	assert_int_equal(s.merges_change, 0);
	assert_true(root_of(30) != root_of(7));
	o.change_min = 55;
	build(&o, &s);
	assert_true(s.rebuilt);
	assert_int_equal(s.merges_change, 1);
	assert_int_equal(root_of(30), root_of(7));
	assert_true(cluster_why(index_store(idx), &st, &n, &linked, id_of(30), id_of(7), 0, &why));
	assert_true(linked);
	assert_int_equal(n, 1);
	assert_int_equal(st[0].heuristic, CLUSTER_H_CHANGE);
	assert_int_equal(st[0].confidence, 58);
	free(st);
	assert_int_equal(cluster_change_confidence(CLUSTER_CH_ROUND | CLUSTER_CH_TYPE), 58);
	/* only the type rule: 30% */
	o.change_set = CLUSTER_CH_TYPE;
	o.change_min = 25;
	build(&o, &s);
	assert_int_equal(s.merges_change, 1);
	o.change_set = CLUSTER_CH_OPTIMAL;  /* both outputs below the input */
	build(&o, &s);
	assert_int_equal(s.merges_change, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_merge_possible),
		cmocka_unit_test(test_no_skip_no_guard),
		cmocka_unit_test(test_change),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
