/* Disconnecting the tip block (see index_undo.h). */
#include "proceeds/index_undo.h"
#include "proceeds/index_query.h"
#include "proceeds/store.h"

#include <stdlib.h>
#include <string.h>

/* Removes txnum from its txid record (keeping earlier BIP30 duplicates). */
static bool undo_txid(struct store *st, struct store_batch *b,
		      const struct hash256 *txid, uint64_t txnum, const char **why)
{
	uint64_t nums[8];
	size_t total;
	uint8_t key[IDX_KEY_MAX], v[8 * 8];
	size_t kl = idx_key_txid(key, txid);

	if (!idxq_txnums(st, nums, 8, &total, txid, why))
		return false;
	if (total == 0 || total > 8 || nums[total - 1] != txnum)
		return (*why = "txid record does not end with the tx being removed"), false;
	if (total == 1) {
		store_batch_delete(b, key, kl);
		return true;
	}
	for (size_t i = 0; i + 1 < total; i++)
		idx_be64(v + 8 * i, nums[i]);
	store_batch_put(b, key, kl, v, 8 * (total - 1));
	return true;
}

static bool undo_tx(struct store *st, struct store_batch *b, uint64_t txnum,
		    const char **why)
{
	struct idx_tx tx;
	bool found;
	uint8_t key[IDX_KEY_MAX];

	if (!idxq_tx(st, &tx, &found, txnum, why))
		return false;
	if (!found)
		return (*why = "missing tx record"), false;
	for (uint32_t i = 0; !tx.coinbase && i < tx.n_in; i++)
		store_batch_delete(b, key, idx_key_spent(key, tx.in[i].prev_txnum,
							 tx.in[i].prev_vout));
	for (uint32_t i = 0; i < tx.n_out; i++)
		store_batch_delete(b, key, idx_key_hist(key, tx.out[i].addr, txnum, i));
	store_batch_delete(b, key, idx_key_tx(key, txnum));
	bool ok = undo_txid(st, b, &tx.txid, txnum, why);
	idx_tx_release(&tx);
	return ok;
}

/* The `A` list of key without the ids >= from (the block's new ones):
 * rewritten, or deleted when none is left. */
static bool undo_addr_list(struct store *st, struct store_batch *b,
			   const uint8_t *key, size_t keyl, uint64_t from,
			   const char **why)
{
	uint8_t *v;
	size_t vl, pos = 0, keep = 0;
	uint64_t id = 0;
	bool found, bad = false;

	if (!store_get(st, &v, &vl, &found, key, keyl, why))
		return false;
	if (!found)
		return (*why = "missing address record"), false;
	while (idx_addr_list_next(v, vl, &pos, &id, &bad) && id < from)
		keep = pos;
	if (bad)
		*why = "damaged address record";
	else if (keep)
		store_batch_put(b, key, keyl, v, keep);
	else
		store_batch_delete(b, key, keyl);
	free(v);
	return !bad;
}

static bool undo_addrs(struct store *st, struct store_batch *b, uint64_t from,
		       uint64_t to, const char **why)
{
	uint8_t okey[SCRIPT_KEY_MAX], key[IDX_KEY_MAX];
	size_t kl;
	bool found;

	for (uint64_t id = from; id < to; id++) {
		if (!idxq_addr_key(st, okey, &kl, &found, id, why))
			return false;
		if (!found)
			return (*why = "missing address id record"), false;
		if (!undo_addr_list(st, b, key, idx_key_addr(key, okey, kl), from, why))
			return false;
		store_batch_delete(b, key, idx_key_addrid(key, id));
	}
	return true;
}

static void undo_tip(struct store_batch *b, const struct idx_block *blk)
{
	uint8_t key[IDX_KEY_MAX], tipv[IDX_TIP_LEN];

	store_batch_delete(b, key, idx_key_height(key, blk->height));
	store_batch_delete(b, key, idx_key_bhash(key, &blk->hash));
	if (blk->height == 0) {
		store_batch_delete(b, IDX_KEY_TIP, sizeof(IDX_KEY_TIP) - 1);
		return;
	}
	struct idx_tip t = { blk->height - 1, blk->prev, blk->first_txnum,
			     blk->first_addr };
	idx_tip_encode(tipv, &t);
	store_batch_put(b, IDX_KEY_TIP, sizeof(IDX_KEY_TIP) - 1, tipv, sizeof(tipv));
}

static bool build_undo(struct store *st, struct store_batch *b,
		       const struct idx_tip *tip, const char **why)
{
	struct idx_block blk;
	bool found;

	if (!idxq_block_at(st, &blk, &found, tip->height, why))
		return false;
	if (!found || !hash256_eq(&blk.hash, &tip->hash))
		return (*why = "tip block record missing or different"), false;
	for (uint64_t t = blk.first_txnum + blk.n_tx; t-- > blk.first_txnum;)
		if (!undo_tx(st, b, t, why))
			return false;
	if (!undo_addrs(st, b, blk.first_addr, tip->next_addr, why))
		return false;
	undo_tip(b, &blk);
	return true;
}

bool index_disconnect_tip(struct index *idx, const char **why)
{
	struct idx_tip tip;
	struct store_batch *b;

	if (!index_flush(idx, false, why))
		return false;
	if (!index_committed_tip(idx, &tip))
		return (*why = "the index is empty"), false;
	b = store_batch_new();
	if (!b)
		return (*why = "out of memory"), false;
	bool ok = build_undo(index_store(idx), b, &tip, why) &&
		  store_write(index_store(idx), b, true, why);
	store_batch_free(b);
	/* The caches may hold the removed txs and addresses. */
	const char *why2;
	if (!index_reload(idx, ok ? why : &why2))
		return false;
	return ok;
}
