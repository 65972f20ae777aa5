/* The index as a proof source: headers rebuilt from block records hash to
 * the block hash and equal the raw headers, txids come back in block
 * order, every transaction's proof verifies; unknown and damaged blocks. */
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/merkleproof.h"
#include "proceeds/reportidx.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_chain.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_BLOCKS 4

struct chain {
	struct hc_buf raw[N_BLOCKS];
	struct block b[N_BLOCKS];
	unsigned n;
};

/* A block with a coinbase of n_cb outputs and one tx per (prev, vout). */
static void add_block(struct chain *c, uint32_t n_cb, const struct hash256 *prev,
		      const uint32_t *vouts, size_t n_spend)
{
	struct hc_buf txs = { 0 };
	uint8_t s[6][25];
	const uint8_t *sp[6];
	size_t l[6];
	uint64_t v[6];
	struct hash256 zero = { { 0 } };
	const char *why;

	for (uint32_t i = 0; i < 6; i++) {
		l[i] = hc_p2pkh(s[i], 100 * c->n + i + 1);
		sp[i] = s[i];
		v[i] = 100000000;
	}
	hc_tx(&txs, 0, NULL, NULL, n_cb, v, sp, l, c->n);
	for (size_t i = 0; i < n_spend; i++)
		hc_tx(&txs, 1, &prev[i], &vouts[i], 1, v, sp + 5, l + 5, c->n);
	memset(&c->raw[c->n], 0, sizeof(c->raw[0]));
	hc_block(&c->raw[c->n], c->n ? &c->b[c->n - 1].hash : &zero,
		 1231006505 + c->n * 600, &txs, 1 + n_spend);
	block_init(&c->b[c->n]);
	assert_true(block_parse(&c->b[c->n], c->raw[c->n].p, c->raw[c->n].len, &why));
	c->n++;
	hc_buf_free(&txs);
}

/* Blocks of 1, 6, 4 and 1 transactions (odd merkle levels included). */
static struct index *build(struct chain *c, char *dir, size_t dirsz)
{
	struct index_options o = { .create = true };
	struct hash256 prev[5];
	uint32_t vouts[5] = { 0, 1, 2, 3, 4 }, zero5[5] = { 0 };
	struct index *idx;
	const char *why;

	memset(c, 0, sizeof(*c));
	add_block(c, 5, NULL, NULL, 0);
	for (int i = 0; i < 5; i++)
		prev[i] = c->b[0].txs[0].txid;
	add_block(c, 1, prev, vouts, 5);
	for (int i = 0; i < 3; i++)
		prev[i] = c->b[1].txs[1 + i].txid;
	add_block(c, 1, prev, zero5, 3);
	add_block(c, 1, NULL, NULL, 0);
	snprintf(dir, dirsz, "%s", helper_tmpdir());
	assert_true(index_open(&idx, dir, NETWORK_REGTEST, &o, &why));
	for (uint32_t h = 0; h < c->n; h++)
		assert_true(index_connect_block(idx, &c->b[h], h, &why));
	assert_true(index_flush(idx, false, &why));
	return idx;
}

static void chain_free(struct chain *c)
{
	for (unsigned i = 0; i < c->n; i++) {
		block_release(&c->b[i]);
		hc_buf_free(&c->raw[i]);
	}
}

static void test_blocks_and_proofs(void **state)
{
	struct chain c;
	char dir[4096];
	struct index *idx = build(&c, dir, sizeof(dir));
	struct proof_source src = reportidx_source(index_store(idx));
	const char *why;

	for (uint32_t h = 0; h < c.n; h++) {
		uint8_t header[80];
		struct hash256 *txids, bh;
		size_t n;
		assert_true(src.block(src.ctx, &c.b[h].hash, h, header, &txids, &n, &why));
		assert_memory_equal(header, c.raw[h].p, 80);
		assert_int_equal(n, c.b[h].n_tx);
		for (size_t i = 0; i < n; i++) {
			struct merkle_proof p;
			assert_memory_equal(&txids[i], &c.b[h].txs[i].txid, 32);
			assert_true(merkle_proof_build(&p, txids, n, i, &why));
			assert_true(merkle_proof_verify(&p, header, &bh, &why));
			assert_true(hash256_eq(&bh, &c.b[h].hash));
		}
		free(txids);
	}
	index_close(idx);
	chain_free(&c);
	helper_rm_rf(dir);
}

static void test_unknown_and_damaged(void **state)
{
	struct chain c;
	char dir[4096];
	struct index *idx = build(&c, dir, sizeof(dir));
	struct proof_source src = reportidx_source(index_store(idx));
	struct hash256 other = c.b[1].hash, *txids = NULL;
	struct idx_block blk;
	uint8_t header[80];
	size_t n = 9;
	bool found;
	const char *why = NULL;

	other.b[0] ^= 1;
	assert_false(src.block(src.ctx, &other, 1, header, &txids, &n, &why));
	assert_non_null(strstr(why, "not in the index"));
	assert_null(txids);
	assert_int_equal(n, 0);
	assert_true(idxq_block_at(index_store(idx), &blk, &found, 2, &why) && found);
	assert_true(reportidx_header(header, &blk, &why));
	blk.nonce++;
	assert_false(reportidx_header(header, &blk, &why));
	assert_non_null(strstr(why, "damaged index"));
	index_close(idx);
	chain_free(&c);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blocks_and_proofs),
		cmocka_unit_test(test_unknown_and_damaged),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
