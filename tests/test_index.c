/* The chain index on real mainnet history (heights 0-4521): spent-by links
 * checked against the chain by an independent scan, Hal Finney's payment,
 * crash/resume and incremental equivalence, disconnect. */
#include "proceeds/address.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/index_verify.h"
#include "proceeds/script.h"
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

/* All blocks of the real file, parsed once. */
static uint8_t *file;
static size_t file_len;
static struct block *blocks;
static uint32_t n_blocks;

static int load_chain(void **state)
{
	char path[4096];
	const uint8_t *raw;
	size_t len, off = 0, cap = 0;
	const char *why;

	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return 0;
	file = helper_read_file(path, &file_len);
	if (!file)
		return -1;
	while (hc_blk_next(file, file_len, &off, &raw, &len)) {
		if (n_blocks == cap) {
			cap = cap ? cap * 2 : 1024;
			blocks = realloc(blocks, cap * sizeof(*blocks));
		}
		block_init(&blocks[n_blocks]);
		if (!block_parse(&blocks[n_blocks], raw, len, &why))
			return -1;
		n_blocks++;
	}
	return 0;
}

static int free_chain(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < n_blocks; i++)
		block_release(&blocks[i]);
	free(blocks);
	free(file);
	return 0;
}

static struct index *open_idx(const char *dir, size_t cache, uint32_t flush)
{
	struct index_options o = { .create = true, .tx_cache_bytes = cache,
				   .addr_cache_bytes = cache, .flush_txs = flush };
	struct index *idx;
	const char *why = NULL;
	if (!index_open(&idx, dir, NETWORK_MAIN, &o, &why)) {
		fprintf(stderr, "index_open: %s\n", why);
		fail();
	}
	return idx;
}

/* Connects blocks [from, to) and commits. */
static void connect_range(struct index *idx, uint32_t from, uint32_t to)
{
	const char *why = NULL;
	for (uint32_t h = from; h < to; h++) {
		if (!index_connect_block(idx, &blocks[h], h, &why)) {
			fprintf(stderr, "block %u: %s\n", h, why);
			fail();
		}
	}
	assert_true(index_flush(idx, true, &why));
}

/* Builds the whole chain in one run and returns its digest. */
static void full_digest(struct hash256 *d, uint32_t upto)
{
	const char *dir = helper_tmpdir();
	char keep[256];
	snprintf(keep, sizeof(keep), "%s", dir);
	struct index *idx = open_idx(keep, 0, 0);
	connect_range(idx, 0, upto);
	*d = helper_index_digest(idx);
	index_close(idx);
	helper_rm_rf(keep);
}

/* Every input of the chain, found by a plain scan of the parsed blocks,
 * must be the spent-by link of the output it names, and no other output
 * may have a link. */
static void check_links(struct index *idx)
{
	struct store *st = index_store(idx);
	uint64_t inputs = 0, linked = 0, nums[4];
	size_t total;
	const char *why;
	bool found;

	for (uint32_t h = 0; h < n_blocks; h++) {
		for (uint32_t t = 1; t < blocks[h].n_tx; t++) {
			const struct tx *tx = &blocks[h].txs[t];
			for (uint32_t i = 0; i < tx->n_in; i++) {
				struct idx_spend sp;
				struct idx_tx spender;
				assert_true(idxq_txnums(st, nums, 4, &total, &tx->in[i].prev_txid, &why));
				assert_int_equal(total, 1);
				assert_true(idxq_spent(st, &sp, &found, nums[0], tx->in[i].prev_vout, &why));
				assert_true(found);
				assert_int_equal(sp.height, h);
				assert_int_equal(sp.vin, i);
				assert_true(idxq_tx(st, &spender, &found, sp.txnum, &why));
				assert_true(found);
				assert_memory_equal(spender.txid.b, tx->txid.b, 32);
				idx_tx_release(&spender);
				inputs++;
			}
		}
	}
	/* Count links over all outputs: exactly one per input. */
	for (uint32_t h = 0; h < n_blocks; h++) {
		for (uint32_t t = 0; t < blocks[h].n_tx; t++) {
			const struct tx *tx = &blocks[h].txs[t];
			assert_true(idxq_txnums(st, nums, 4, &total, &tx->txid, &why));
			for (uint32_t o = 0; o < tx->n_out; o++) {
				struct idx_spend sp;
				assert_true(idxq_spent(st, &sp, &found, nums[0], o, &why));
				linked += found;
			}
		}
	}
	assert_int_equal(linked, inputs);
	assert_true(inputs > 0);
}

struct hal {
	struct store *st;
	bool coinbase_spent_by_170, change_40;
	uint64_t txnum_170;
};

static bool hal_entry(void *ctx, const struct idxq_hist *e)
{
	struct hal *h = ctx;
	if (e->height == 9 && e->value == 5000000000ULL && e->spent &&
	    e->spend.height == 170) {
		h->coinbase_spent_by_170 = true;
		h->txnum_170 = e->spend.txnum;
	}
	if (e->height == 170 && e->value == 4000000000ULL)
		h->change_40 = true;
	return true;
}

/* 12cbQLTF... received the block 9 coinbase, paid 10 BTC to Hal Finney in
 * block 170 (f4184fc5...) and got 40 BTC back. */
static void check_hal(struct index *idx)
{
	struct store *st = index_store(idx);
	struct address a;
	uint8_t key[SCRIPT_KEY_MAX];
	uint64_t id;
	bool found;
	const char *why;
	struct hal h = { st, false, false, 0 };
	struct idx_tx tx;
	char hex[65], addr[ADDRESS_MAX];

	assert_true(address_decode(&a, NETWORK_MAIN, "12cbQLTFMXRnSzktFkuoG3eHoMeFtpTu3S", &why));
	size_t kl = script_owner_key(key, a.script, a.script_len);
	assert_true(idxq_addr_id(st, &id, &found, key, kl, &why));
	assert_true(found);
	assert_true(idxq_history(st, id, hal_entry, &h, &why));
	assert_true(h.coinbase_spent_by_170);
	assert_true(h.change_40);
	assert_true(idxq_tx(st, &tx, &found, h.txnum_170, &why));
	hash256_to_hex(hex, &tx.txid);
	assert_string_equal(hex, "f4184fc596403b9d638783cf57adfe4c75c605f6356fbc91338530e9831e9e16");
	assert_int_equal(tx.out[0].value, 1000000000ULL);
	assert_true(idxq_addr_key(st, key, &kl, &found, tx.out[0].addr, &why));
	assert_true(address_from_owner_key(addr, NETWORK_MAIN, key, kl));
	assert_string_equal(addr, "1Q2TWHE3GMdB6BZKafqwxXtWAWgFt5Jvm3");
	assert_int_equal(tx.out[1].addr, id);
	idx_tx_release(&tx);
}

static void test_real_chain(void **state)
{
	(void)state;
	if (!n_blocks)
		return;
	assert_int_equal(n_blocks, 4522);
	const char *dir = helper_tmpdir();
	char keep[256];
	snprintf(keep, sizeof(keep), "%s", dir);
	struct index *idx = open_idx(keep, 0, 0);
	connect_range(idx, 0, n_blocks);
	struct idx_tip tip;
	assert_true(index_tip(idx, &tip));
	assert_int_equal(tip.height, 4521);
	(void)helper_index_digest(idx);
	check_links(idx);
	check_hal(idx);
	index_close(idx);
	helper_rm_rf(keep);
}

/* Two halves, crashes (pending blocks dropped by closing without a
 * flush), tiny caches and frequent commits all give the same digest. */
static void test_resume_equivalence(void **state)
{
	struct hash256 full, d;
	struct idx_tip tip;
	(void)state;
	if (!n_blocks)
		return;
	full_digest(&full, n_blocks);

	char keep[256];
	snprintf(keep, sizeof(keep), "%s", helper_tmpdir());
	struct index *idx = open_idx(keep, 64 << 10, 50);
	connect_range(idx, 0, 1500);
	/* A "crash": blocks connected but never committed. */
	const char *why;
	for (uint32_t h = 1500; h < 1800; h++)
		assert_true(index_connect_block(idx, &blocks[h], h, &why));
	index_close(idx);
	idx = open_idx(keep, 64 << 10, 50);
	assert_true(index_tip(idx, &tip));
	assert_true(tip.height >= 1499 && tip.height < 1800);
	index_close(idx);
	idx = open_idx(keep, 0, 0);
	assert_true(index_tip(idx, &tip));
	connect_range(idx, tip.height + 1, n_blocks);
	d = helper_index_digest(idx);
	assert_memory_equal(d.b, full.b, 32);
	index_close(idx);
	helper_rm_rf(keep);
}

/* Disconnecting back to height 3000 gives the index of blocks 0..3000;
 * reconnecting gives the full one again. */
static void test_disconnect(void **state)
{
	struct hash256 full, part, d;
	const char *why = NULL;
	(void)state;
	if (!n_blocks)
		return;
	full_digest(&full, n_blocks);
	full_digest(&part, 3001);
	char keep[256];
	snprintf(keep, sizeof(keep), "%s", helper_tmpdir());
	struct index *idx = open_idx(keep, 0, 0);
	connect_range(idx, 0, n_blocks);
	for (uint32_t h = n_blocks - 1; h > 3000; h--)
		if (!index_disconnect_tip(idx, &why))
			fail_msg("disconnect %u: %s", h, why);
	d = helper_index_digest(idx);
	assert_memory_equal(d.b, part.b, 32);
	connect_range(idx, 3001, n_blocks);
	d = helper_index_digest(idx);
	assert_memory_equal(d.b, full.b, 32);
	index_close(idx);
	helper_rm_rf(keep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_chain),
		cmocka_unit_test(test_resume_equivalence),
		cmocka_unit_test(test_disconnect),
	};
	return cmocka_run_group_tests(tests, load_chain, free_chain);
}
