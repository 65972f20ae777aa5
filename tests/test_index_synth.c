/* The chain index on built blocks: BIP30 duplicate coinbases, failed
 * blocks leaving the index at its last good tip, --verify catching
 * tampering, and the bounded cache and sorted write buffer. */
#include "proceeds/index.h"
#include "proceeds/index_cache.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/index_verify.h"
#include "proceeds/index_wbuf.h"
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

struct chain {
	struct hc_buf raw[8];
	struct block b[8];
	unsigned n;
};

/* Appends a block on the last one: a coinbase (tag) paying 50 BTC to
 * address 'payee', and optionally a tx spending (prev, vout) to address 7. */
static void add_block(struct chain *c, uint32_t tag, uint64_t payee,
		      const struct hash256 *prev, uint32_t vout)
{
	struct hc_buf txs = { 0 };
	uint8_t s1[25], s2[25];
	const uint8_t *sp1[1] = { s1 }, *sp2[1] = { s2 };
	size_t l1[1] = { hc_p2pkh(s1, payee) }, l2[1] = { hc_p2pkh(s2, 7) };
	uint64_t v = 5000000000ULL;
	struct hash256 zero = { { 0 } };
	const char *why;

	hc_tx(&txs, 0, NULL, NULL, 1, &v, sp1, l1, tag);
	if (prev)
		hc_tx(&txs, 1, prev, &vout, 1, &v, sp2, l2, tag);
	memset(&c->raw[c->n], 0, sizeof(c->raw[0]));
	hc_block(&c->raw[c->n], c->n ? &c->b[c->n - 1].hash : &zero,
		 1231006505 + c->n * 600, &txs, prev ? 2 : 1);
	block_init(&c->b[c->n]);
	assert_true(block_parse(&c->b[c->n], c->raw[c->n].p, c->raw[c->n].len, &why));
	c->n++;
	hc_buf_free(&txs);
}

static void chain_free(struct chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		block_release(&c->b[i]);
		hc_buf_free(&c->raw[i]);
	}
}

static struct index *open_new(char *dir, size_t dirsz, uint32_t flush)
{
	struct index_options o = { .create = true, .flush_txs = flush };
	struct index *idx;
	const char *why;
	snprintf(dir, dirsz, "%s", helper_tmpdir());
	assert_true(index_open(&idx, dir, NETWORK_REGTEST, &o, &why));
	return idx;
}

/* Blocks 0 and 2 have the same coinbase (one txid, two txs); block 3
 * spends it, which must mean block 2's copy. */
static void test_bip30(void **state)
{
	struct chain c = { .n = 0 };
	char dir[256], dir2[256];
	const char *why;
	uint64_t nums[4];
	size_t total;
	bool found;
	struct idx_spend sp;
	struct hash256 d_full, d_two;

	(void)state;
	add_block(&c, 0, 1, NULL, 0);
	add_block(&c, 1, 2, NULL, 0);
	add_block(&c, 0, 1, NULL, 0);
	assert_memory_equal(c.b[0].txs[0].txid.b, c.b[2].txs[0].txid.b, 32);
	add_block(&c, 3, 3, &c.b[0].txs[0].txid, 0);
	struct index *idx = open_new(dir, sizeof(dir), 0);
	for (unsigned h = 0; h < c.n; h++)
		assert_true(index_connect_block(idx, &c.b[h], h, &why));
	assert_true(index_flush(idx, true, &why));
	assert_true(idxq_txnums(index_store(idx), nums, 4, &total, &c.b[0].txs[0].txid, &why));
	assert_int_equal(total, 2);
	assert_int_equal(nums[0], 0);
	assert_int_equal(nums[1], 2);
	assert_true(idxq_spent(index_store(idx), &sp, &found, 2, 0, &why));
	assert_true(found);
	assert_true(idxq_spent(index_store(idx), &sp, &found, 0, 0, &why));
	assert_false(found);
	d_full = helper_index_digest(idx);
	/* Disconnecting blocks 3 and 2 restores the single txid entry. */
	assert_true(index_disconnect_tip(idx, &why));
	assert_true(index_disconnect_tip(idx, &why));
	assert_true(idxq_txnums(index_store(idx), nums, 4, &total, &c.b[0].txs[0].txid, &why));
	assert_int_equal(total, 1);
	d_full = helper_index_digest(idx);
	struct index *idx2 = open_new(dir2, sizeof(dir2), 0);
	assert_true(index_connect_block(idx2, &c.b[0], 0, &why));
	assert_true(index_connect_block(idx2, &c.b[1], 1, &why));
	assert_true(index_flush(idx2, true, &why));
	d_two = helper_index_digest(idx2);
	assert_memory_equal(d_full.b, d_two.b, 32);
	index_close(idx);
	index_close(idx2);
	helper_rm_rf(dir);
	helper_rm_rf(dir2);
	chain_free(&c);
}

/* A block spending an unknown tx fails; the blocks before it (still
 * pending) are committed, the index stays usable at that tip. */
static void test_failed_block(void **state)
{
	struct chain c = { .n = 0 };
	struct hash256 ghost = { { 0x42 } };
	char dir[256];
	const char *why = NULL;
	struct idx_tip tip;

	(void)state;
	add_block(&c, 0, 1, NULL, 0);
	add_block(&c, 1, 2, &c.b[0].txs[0].txid, 0);
	add_block(&c, 2, 3, &ghost, 0);
	struct index *idx = open_new(dir, sizeof(dir), 1000);
	assert_true(index_connect_block(idx, &c.b[0], 0, &why));
	assert_true(index_connect_block(idx, &c.b[1], 1, &why));
	assert_false(index_committed_tip(idx, &tip));
	assert_false(index_connect_block(idx, &c.b[2], 2, &why));
	assert_non_null(strstr(why, "block 2 tx 1 input 0: spends an unknown transaction"));
	assert_true(index_committed_tip(idx, &tip));
	assert_int_equal(tip.height, 1);
	/* Not extending the tip: wrong height, then wrong parent. */
	assert_false(index_connect_block(idx, &c.b[1], 1, &why));
	assert_false(index_connect_block(idx, &c.b[0], 2, &why));
	(void)helper_index_digest(idx);
	index_close(idx);
	helper_rm_rf(dir);
	chain_free(&c);
}

/* A forged spent-by link and a removed history entry are both found. */
static void test_verify_tamper(void **state)
{
	struct chain c = { .n = 0 };
	char dir[256];
	const char *why;
	uint8_t key[IDX_KEY_MAX], val[32];
	struct index_verify_report r;
	struct idx_spend sp = { 1, 0, 1 };

	(void)state;
	add_block(&c, 0, 1, NULL, 0);
	add_block(&c, 1, 2, &c.b[0].txs[0].txid, 0);
	struct index *idx = open_new(dir, sizeof(dir), 0);
	for (unsigned h = 0; h < c.n; h++)
		assert_true(index_connect_block(idx, &c.b[h], h, &why));
	assert_true(index_flush(idx, true, &why));
	(void)helper_index_digest(idx);
	assert_true(store_put(index_store(idx), key, idx_key_spent(key, 1, 0), val,
			      idx_spend_encode(val, &sp), &why));
	assert_true(index_verify(index_store(idx), &r, &why));
	assert_true(r.n_errors > 0);
	assert_true(store_delete(index_store(idx), key, idx_key_spent(key, 1, 0), &why));
	(void)helper_index_digest(idx);
	assert_true(store_delete(index_store(idx), key, idx_key_hist(key, 0, 0, 0), &why));
	assert_true(index_verify(index_store(idx), &r, &why));
	assert_true(r.n_errors > 0);
	index_close(idx);
	helper_rm_rf(dir);
	chain_free(&c);
}

/* The cache keeps the young and old generations and drops the oldest. */
static void test_cache(void **state)
{
	struct index_cache c;
	uint8_t key[8];
	size_t vl;

	(void)state;
	index_cache_init(&c, 64 << 10);
	for (uint64_t i = 0; i < 100000; i++) {
		memcpy(key, &i, 8);
		memcpy(index_cache_put(&c, key, 8, 8), &i, 8);
		if (index_cache_full(&c))
			index_cache_rotate(&c);
	}
	assert_true(index_cache_bytes(&c) < 4 * (64 << 10) + (256 << 10));
	uint64_t last = 99999, first = 0, got;
	memcpy(key, &last, 8);
	const uint8_t *v = index_cache_get(&c, key, 8, &vl);
	assert_non_null(v);
	memcpy(&got, v, 8);
	assert_int_equal(got, last);
	memcpy(key, &first, 8);
	assert_null(index_cache_get(&c, key, 8, &vl));
	/* Replacing a key returns the new value. */
	memcpy(key, &last, 8);
	memcpy(index_cache_put(&c, key, 8, 8), &first, 8);
	memcpy(&got, index_cache_get(&c, key, 8, &vl), 8);
	assert_int_equal(got, 0);
	index_cache_release(&c);
}

/* Sorted writes: the later of two puts of a key wins; rollback drops. */
static void test_wbuf(void **state)
{
	struct index_wbuf w;
	struct store *st;
	struct store_options so = { .create = true };
	char dir[256];
	const char *why;
	uint8_t *v;
	size_t vl;
	bool found;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	assert_true(store_open(&st, dir, &so, &why));
	index_wbuf_init(&w);
	index_wbuf_put(&w, "b", 1, "1", 1);
	index_wbuf_put(&w, "a", 1, "2", 1);
	index_wbuf_put(&w, "b", 1, "3", 1);
	size_t mark = index_wbuf_mark(&w);
	index_wbuf_put(&w, "c", 1, "4", 1);
	index_wbuf_rollback(&w, mark);
	assert_true(index_wbuf_write(&w, st, "z", 1, "9", 1, false, &why));
	assert_true(store_get(st, &v, &vl, &found, "b", 1, &why));
	assert_true(found && vl == 1 && v[0] == '3');
	free(v);
	assert_true(store_get(st, &v, &vl, &found, "c", 1, &why));
	assert_false(found);
	index_wbuf_release(&w);
	store_close(st);
	helper_rm_rf(dir);
}

/* Two groups through the writer thread: tables arriving in order and
 * out of order, keys alike in their first 16 bytes, repeated keys (the
 * later put wins across the whole group, whatever its table). */
static void test_wbuf_async(void **state)
{
	struct index_wbuf w;
	struct index_wbuf_async a;
	struct store *st;
	struct store_options so = { .create = true };
	char dir[256];
	const char *why;
	uint8_t key[24], *v;
	size_t vl;
	bool found;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	assert_true(store_open(&st, dir, &so, &why));
	index_wbuf_init(&w);
	index_wbuf_async_init(&a);
	for (uint32_t g = 0; g < 2; g++) {
		for (uint32_t i = 0; i < 3000; i++) {
			uint32_t r = (i * 2654435761u) % 1000, val = g * 10000 + i;
			memset(key, 'k', sizeof(key));
			key[0] = 'X';
			memcpy(key + 1, &(uint32_t){ __builtin_bswap32(g * 3000 + i) }, 4);
			index_wbuf_put(&w, key, 5, &val, 4);
			memset(key, 'k', sizeof(key));
			key[0] = 'T';
			memcpy(key + 20, &(uint32_t){ __builtin_bswap32(r) }, 4);
			index_wbuf_put(&w, key, 24, &val, 4);
		}
		assert_true(index_wbuf_async_start(&a, &w, st, "Mtip", 4, &g, 4, &why));
		assert_int_equal(index_wbuf_mark(&w), 0);
	}
	assert_true(index_wbuf_async_wait(&a, &why));
	memset(key, 'k', sizeof(key));
	key[0] = 'T';
	for (uint32_t r = 0; r < 1000; r++) {
		uint32_t last = 0;
		for (uint32_t i = 0; i < 3000; i++)
			if ((i * 2654435761u) % 1000 == r)
				last = 10000 + i;
		memcpy(key + 20, &(uint32_t){ __builtin_bswap32(r) }, 4);
		assert_true(store_get(st, &v, &vl, &found, key, 24, &why));
		assert_true(found && vl == 4 && memcmp(v, &last, 4) == 0);
		free(v);
	}
	assert_true(store_get(st, &v, &vl, &found, "Mtip", 4, &why));
	assert_true(found && vl == 4 && v[0] == 1);
	free(v);
	size_t nx = 0;
	const uint8_t *k, *val;
	size_t kl;
	struct store_iter *it = store_iter_new(st, "X", 1, NULL, 0);
	while (store_iter_next(it, &k, &kl, &val, &vl))
		nx++;
	store_iter_free(it);
	assert_int_equal(nx, 6000);
	index_wbuf_async_release(&a);
	index_wbuf_release(&w);
	store_close(st);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip30),
		cmocka_unit_test(test_failed_block),
		cmocka_unit_test(test_verify_tamper),
		cmocka_unit_test(test_cache),
		cmocka_unit_test(test_wbuf),
		cmocka_unit_test(test_wbuf_async),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
