/* The `A` table keyed by the first bytes of an owner key (schema 2):
 * owner keys that share them get distinct ids, whether the earlier one
 * is pending, being committed or long committed; queries, --verify and
 * disconnecting agree; an index of schema 1 is refused. */
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/index_verify.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "helper.h"
#include "helper_chain.h"
#include "helper_index.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_BLOCKS 4

/* P2PKH scripts whose hash160s share their first 8 bytes (the whole `A`
 * key with the kind byte) and differ in byte 12 by tail. */
static size_t twin(uint8_t out[25], uint8_t tail)
{
	size_t n = hc_p2pkh(out, 0x0102030405060708ULL);
	out[3 + 12] = tail;
	return n;
}

/* Which twins each block's coinbase pays: block 0 two at once (a
 * collision within a pending group), later blocks a new twin and an old
 * one again (a reused address must keep its id). */
static const uint8_t pays[N_BLOCKS][2] = { { 1, 2 }, { 3, 1 }, { 2, 4 }, { 5, 3 } };

struct chain {
	struct hc_buf raw[N_BLOCKS];
	struct block b[N_BLOCKS];
};

static void build_chain(struct chain *c)
{
	struct hash256 zero = { { 0 } };
	const char *why;

	for (uint32_t h = 0; h < N_BLOCKS; h++) {
		struct hc_buf txs = { 0 };
		uint8_t s[2][25];
		const uint8_t *sp[2] = { s[0], s[1] };
		size_t l[2] = { twin(s[0], pays[h][0]), twin(s[1], pays[h][1]) };
		uint64_t v[2] = { 2500000000ULL, 2500000000ULL };

		hc_tx(&txs, 0, NULL, NULL, 2, v, sp, l, h);
		memset(&c->raw[h], 0, sizeof(c->raw[h]));
		hc_block(&c->raw[h], h ? &c->b[h - 1].hash : &zero,
			 1231006505 + h * 600, &txs, 1);
		block_init(&c->b[h]);
		assert_true(block_parse(&c->b[h], c->raw[h].p, c->raw[h].len, &why));
		hc_buf_free(&txs);
	}
}

static void chain_free(struct chain *c)
{
	for (uint32_t h = 0; h < N_BLOCKS; h++) {
		block_release(&c->b[h]);
		hc_buf_free(&c->raw[h]);
	}
}

static struct index *open_idx(const char *dir, uint32_t flush)
{
	struct index_options o = { .create = true, .flush_txs = flush };
	struct index *idx;
	const char *why;
	assert_true(index_open(&idx, dir, NETWORK_REGTEST, &o, &why));
	return idx;
}

/* Twin tail's id, or -1 when not indexed. */
static int64_t twin_id(struct index *idx, uint8_t tail)
{
	uint8_t s[25], k[SCRIPT_KEY_MAX];
	size_t kl = script_owner_key(k, s, twin(s, tail));
	uint64_t id;
	bool found;
	const char *why;

	assert_true(idxq_addr_id(index_store(idx), &id, &found, k, kl, &why));
	return found ? (int64_t)id : -1;
}

/* Connects blocks [from, to), reopening the index (empty caches) when
 * reopen is set, so that earlier twins are only in LevelDB. */
static struct index *connect(struct index *idx, const char *dir, const struct chain *c,
			     uint32_t from, uint32_t to, uint32_t flush, bool reopen)
{
	const char *why;
	if (reopen) {
		index_close(idx);
		idx = open_idx(dir, flush);
	}
	for (uint32_t h = from; h < to; h++)
		assert_true(index_connect_block(idx, &c->b[h], h, &why));
	assert_true(index_flush(idx, true, &why));
	return idx;
}

static void check_ids(struct index *idx, uint32_t blocks)
{
	/* First sight order: 1, 2, 3, (1), (2), 4, 5, (3). */
	static const int64_t want[6] = { -1, 0, 1, 2, 3, 4 };
	int64_t known = blocks >= 4 ? 5 : blocks >= 3 ? 4 : blocks >= 2 ? 3 : 2;

	for (uint8_t t = 1; t <= 5; t++)
		assert_int_equal(twin_id(idx, t), t <= known ? want[t] : -1);
	for (uint32_t h = 0; h < blocks; h++)
		for (uint32_t o = 0; o < 2; o++) {
			struct idx_tx tx;
			bool found;
			const char *why;
			assert_true(idxq_tx(index_store(idx), &tx, &found, h, &why));
			assert_true(found);
			assert_int_equal(tx.out[o].addr, want[pays[h][o]]);
			idx_tx_release(&tx);
		}
}

static void test_twins(void **state)
{
	struct chain c;
	struct hash256 d[3];
	const uint32_t flushes[3] = { 0, 1, 1 };

	(void)state;
	build_chain(&c);
	for (int run = 0; run < 3; run++) {
		char dir[256];
		snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
		struct index *idx = open_idx(dir, flushes[run]);
		/* Run 0: one pending group; 1: a group per block (the
		 * writer thread); 2: reopened between blocks. */
		for (uint32_t h = 0; h < N_BLOCKS; h++)
			idx = connect(idx, dir, &c, h, h + 1, flushes[run], run == 2);
		check_ids(idx, N_BLOCKS);
		d[run] = helper_index_digest(idx);
		index_close(idx);
		helper_rm_rf(dir);
	}
	assert_memory_equal(d[0].b, d[1].b, 32);
	assert_memory_equal(d[0].b, d[2].b, 32);
	chain_free(&c);
}

/* Disconnecting blocks drops their twins from the shared `A` list and
 * leaves the index equal to one that never had them. */
static void test_twins_disconnect(void **state)
{
	struct chain c;
	char dir[256], dir2[256];
	const char *why;

	(void)state;
	build_chain(&c);
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(dir2, sizeof(dir2), "%s", helper_tmpdir());
	struct index *idx = connect(open_idx(dir, 0), dir, &c, 0, N_BLOCKS, 0, false);
	assert_true(index_disconnect_tip(idx, &why));
	assert_true(index_disconnect_tip(idx, &why));
	check_ids(idx, 2);
	struct hash256 d = helper_index_digest(idx);
	struct index *two = connect(open_idx(dir2, 0), dir2, &c, 0, 2, 0, false);
	struct hash256 d2 = helper_index_digest(two);
	assert_memory_equal(d.b, d2.b, 32);
	/* And connecting them again gives the same ids. */
	idx = connect(idx, dir, &c, 2, N_BLOCKS, 0, true);
	check_ids(idx, N_BLOCKS);
	(void)helper_index_digest(idx);
	index_close(idx);
	index_close(two);
	helper_rm_rf(dir);
	helper_rm_rf(dir2);
	chain_free(&c);
}

/* An index written by schema 1 is refused with a message that says so. */
static void test_old_schema(void **state)
{
	char dir[256];
	const char *why;
	struct store *st;
	struct store_options so = { .create = false };
	uint8_t v1[4] = { 0, 0, 0, 1 };

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	index_close(open_idx(dir, 0));
	assert_true(store_open(&st, dir, &so, &why));
	assert_true(store_put(st, IDX_KEY_VERSION, sizeof(IDX_KEY_VERSION) - 1, v1, 4, &why));
	store_close(st);
	struct index_options o = { .create = true };
	struct index *idx;
	assert_false(index_open(&idx, dir, NETWORK_REGTEST, &o, &why));
	assert_non_null(strstr(why, "schema version 1"));
	assert_non_null(strstr(why, "version 2"));
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_twins),
		cmocka_unit_test(test_twins_disconnect),
		cmocka_unit_test(test_old_schema),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
