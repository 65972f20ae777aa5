/* The trace engine on real history: the block 9 coinbase followed through
 * ../shared/real/chains/mainnet-0-4521 by `trace_run` over a real index
 * gives, for every output and every model, the same taint as an
 * independent computation that walks the blk file with a plain UTXO list
 * and no index (the approach of tests/test_taint_real.c); in particular
 * a3b0e9e7...:0 receives 11/61 of its value under haircut. */
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/taint.h"
#include "proceeds/trace.h"
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

#define SEED_TXID "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9"

struct coin {
	struct hash256 txid;
	uint32_t vout;
	uint64_t value;
	struct taint_state *st;
};

struct utxo {
	struct coin *c;
	size_t n, cap;
};

static struct coin *utxo_find(struct utxo *u, const struct hash256 *txid, uint32_t vout)
{
	for (size_t i = u->n; i-- > 0;)
		if (u->c[i].vout == vout && hash256_eq(&u->c[i].txid, txid))
			return &u->c[i];
	return NULL;
}

static void utxo_add(struct utxo *u, const struct hash256 *txid, uint32_t vout,
		     uint64_t value, struct taint_state *st)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 1024;
		u->c = realloc(u->c, u->cap * sizeof(*u->c));
		assert_non_null(u->c);
	}
	u->c[u->n++] = (struct coin){ *txid, vout, value, st };
}

/* The independent computation: one tx of the walk. */
static void walk_tx(struct taint_ctx *ctx, struct utxo *u, const struct tx *tx,
		    const struct hash256 *seed)
{
	struct taint_input *in = calloc(tx->n_in + 1, sizeof(*in));
	uint64_t *outv = calloc(tx->n_out + 1, sizeof(*outv));
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;
	bool tainted = false;

	assert_true(in && outv);
	for (uint32_t i = 0; !tx_is_coinbase(tx) && i < tx->n_in; i++) {
		struct coin *c = utxo_find(u, &tx->in[i].prev_txid, tx->in[i].prev_vout);
		assert_non_null(c);
		in[i] = (struct taint_input){ c->value, c->st };
		tainted |= c->st != NULL;
	}
	for (uint32_t o = 0; o < tx->n_out; o++)
		outv[o] = tx->out[o].value;
	if (tainted)
		assert_true(taint_tx(ctx, &r, TAINT_MODELS_ALL, 0, in, tx->n_in, outv,
				     tx->n_out, &why));
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct taint_state *st = NULL;
		if (hash256_eq(&tx->txid, seed) && o == 0)
			assert_true(taint_state_seed(&st, outv[o], outv[o], 0, &why));
		else if (r && !taint_state_is_clean(&r->out[o]))
			assert_non_null(st = taint_state_dup(&r->out[o]));
		utxo_add(u, &tx->txid, o, outv[o], st);
	}
	free(in);
	free(outv);
}

/* Walks the file and indexes it at the same time. */
static void walk_and_index(struct utxo *u, struct index *idx, const uint8_t *raw,
			   size_t len, const struct hash256 *seed)
{
	struct taint_ctx ctx;
	struct block b;
	const uint8_t *blk;
	size_t blen, off = 0;
	uint32_t h = 0;
	const char *why = NULL;

	taint_ctx_init(&ctx);
	while (hc_blk_next(raw, len, &off, &blk, &blen)) {
		block_init(&b);
		assert_true(block_parse(&b, blk, blen, &why));
		for (uint32_t t = 0; t < b.n_tx; t++)
			walk_tx(&ctx, u, &b.txs[t], seed);
		assert_true(index_connect_block(idx, &b, h++, &why));
		block_release(&b);
	}
	assert_true(index_flush(idx, true, &why));
	taint_ctx_release(&ctx);
}

static void test_block9_coinbase_all_models(void **state)
{
	char path[4096], dir[256];
	struct utxo u = { NULL, 0, 0 };
	struct index_options opt = { .create = true };
	struct trace_params p = { TAINT_MODELS_ALL, 0, UINT32_MAX, 0, 10000000, false, 0 };
	struct trace_result r;
	struct trace_seed seed = { 0, 0, 0 };
	struct hash256 seed_txid;
	struct index *idx;
	struct idx_tip tip;
	size_t len, n_tainted = 0, matched = 0;
	uint8_t *raw;
	const char *why = NULL;
	uint64_t nums[2];

	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return;
	raw = helper_read_file(path, &len);
	assert_non_null(raw);
	assert_true(hash256_from_hex(&seed_txid, SEED_TXID, &why));
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	assert_true(index_open(&idx, dir, NETWORK_MAIN, &opt, &why));
	walk_and_index(&u, idx, raw, len, &seed_txid);
	assert_true(index_tip(idx, &tip));
	assert_int_equal(tip.height, 4521);
	assert_true(idxq_txnums(index_store(idx), nums, 2, &len, &seed_txid, &why) && len == 1);
	seed.txnum = nums[0];
	assert_true(trace_run(&r, index_store(idx), NETWORK_MAIN, &tip, &p, &seed, 1, &why));
	for (size_t i = 0; i < u.n; i++) {
		const struct coin *c = &u.c[i];
		const struct trace_out *o = NULL;
		if (!c->st)
			continue;
		n_tainted++;
		for (size_t k = 0; k < r.n_outs && !o; k++)
			if (hash256_eq(&r.outs[k].txid, &c->txid) && r.outs[k].vout == c->vout)
				o = &r.outs[k];
		assert_non_null(o);
		for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
			assert_int_equal(o->traced[m],
					 taint_state_amount(c->st, (enum taint_model)m, TAINT_SOURCE_ANY));
		{
			char hex[65];
			hash256_to_hex(hex, &c->txid);
			if (strncmp(hex, "a3b0e9e7", 8) == 0 && c->vout == 0) {
				assert_int_equal(o->traced[TAINT_HAIRCUT], c->value / 61 * 11);
				matched++;
			}
		}
	}
	/* Nothing more in the trace than in the walk. */
	assert_int_equal(r.n_outs, n_tainted);
	assert_int_equal(matched, 1);
	printf("block 9 coinbase: %zu tainted outputs, %llu txs, identical in all models\n",
	       n_tainted, (unsigned long long)r.n_txs);
	trace_result_release(&r);
	index_close(idx);
	helper_rm_rf(dir);
	for (size_t i = 0; i < u.n; i++)
		taint_state_free(u.c[i].st);
	free(u.c);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block9_coinbase_all_models),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
