/* Block headers and txids from the chain index (see reportidx.h). */
#include "proceeds/reportidx.h"
#include "proceeds/index_query.h"
#include "proceeds/tx.h"

#include <stdio.h>
#include <stdlib.h>

static _Thread_local char why_buf[256];

bool reportidx_header(uint8_t header[80], const struct idx_block *blk,
		      const char **why)
{
	struct block_header h = { .version = blk->version, .prev = blk->prev,
				  .merkle = blk->merkle, .time = blk->time,
				  .bits = blk->bits, .nonce = blk->nonce };
	struct hash256 got;

	block_header_encode(header, &h);
	block_header_hash(&got, header);
	if (!hash256_eq(&got, &blk->hash)) {
		snprintf(why_buf, sizeof(why_buf), "the index record of block %u does "
			 "not rebuild a header with its hash (damaged index?)", blk->height);
		*why = why_buf;
		return false;
	}
	return true;
}

/* The txids of blk in block order: a new array of blk->n_tx. */
static bool block_txids(struct store *st, struct hash256 **out,
			const struct idx_block *blk, const char **why)
{
	struct hash256 *v = malloc((blk->n_tx ? blk->n_tx : 1) * sizeof(*v));
	struct idx_tx tx;
	bool found;

	if (!v)
		return (*why = "out of memory"), false;
	for (uint32_t i = 0; i < blk->n_tx; i++) {
		if (!idxq_tx(st, &tx, &found, blk->first_txnum + i, why) || !found) {
			if (!found)
				*why = "a transaction record of the block is missing "
				       "(damaged index?)";
			free(v);
			return false;
		}
		v[i] = tx.txid;
		idx_tx_release(&tx);
	}
	*out = v;
	return true;
}

static bool idx_block(void *ctx, const struct hash256 *hash, uint32_t height,
		      uint8_t header[80], struct hash256 **txids, size_t *n,
		      const char **why)
{
	struct store *st = ctx;
	struct idx_block blk;
	bool found;

	*txids = NULL;
	*n = 0;
	if (!idxq_block_by_hash(st, &blk, &found, hash, why))
		return false;
	if (!found) {
		snprintf(why_buf, sizeof(why_buf), "not in the index (expected at "
			 "height %u)", height);
		*why = why_buf;
		return false;
	}
	if (!reportidx_header(header, &blk, why) || !block_txids(st, txids, &blk, why))
		return false;
	*n = blk.n_tx;
	return true;
}

struct proof_source reportidx_source(struct store *st)
{
	struct proof_source s = { .ctx = st, .block = idx_block };
	return s;
}
