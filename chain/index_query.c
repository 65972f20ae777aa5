/* Point reads and range scans over the chain index. */
#include "proceeds/index_query.h"
#include "proceeds/cursor.h"
#include "proceeds/store.h"

#include <stdlib.h>
#include <string.h>

bool idxq_txnums(struct store *st, uint64_t *txnums, size_t max, size_t *total,
		 const struct hash256 *txid, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;
	bool found;

	*total = 0;
	if (!store_get(st, &v, &vl, &found, key, idx_key_txid(key, txid), why))
		return false;
	if (!found)
		return true;
	if (vl == 0 || vl % 8) {
		free(v);
		return (*why = "damaged txid record"), false;
	}
	*total = vl / 8;
	for (size_t i = 0; i < *total && i < max; i++)
		txnums[i] = idx_rd64(v + 8 * i);
	free(v);
	return true;
}

bool idxq_tx(struct store *st, struct idx_tx *tx, bool *found, uint64_t txnum,
	     const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;

	memset(tx, 0, sizeof(*tx));
	if (!store_get(st, &v, &vl, found, key, idx_key_tx(key, txnum), why))
		return false;
	if (!*found)
		return true;
	bool ok = idx_tx_decode(tx, txnum, v, vl, why);
	free(v);
	return ok;
}

bool idxq_spent(struct store *st, struct idx_spend *sp, bool *found,
		uint64_t txnum, uint32_t vout, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;

	if (!store_get(st, &v, &vl, found, key, idx_key_spent(key, txnum, vout), why))
		return false;
	if (!*found)
		return true;
	bool ok = idx_spend_decode(sp, v, vl);
	free(v);
	return ok || (*why = "damaged spend record", false);
}

bool idxq_block_at(struct store *st, struct idx_block *blk, bool *found,
		   uint32_t height, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;

	if (!store_get(st, &v, &vl, found, key, idx_key_height(key, height), why))
		return false;
	if (!*found)
		return true;
	bool ok = idx_block_decode(blk, v, vl);
	free(v);
	return ok || (*why = "damaged block record", false);
}

bool idxq_block_by_hash(struct store *st, struct idx_block *blk, bool *found,
			const struct hash256 *hash, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;

	if (!store_get(st, &v, &vl, found, key, idx_key_bhash(key, hash), why))
		return false;
	if (!*found)
		return true;
	uint32_t h = vl == 4 ? idx_rd32(v) : 0;
	free(v);
	if (vl != 4)
		return (*why = "damaged block hash record"), false;
	return idxq_block_at(st, blk, found, h, why);
}

bool idxq_tx_height(struct store *st, uint32_t *height, uint32_t tip_height,
		    uint64_t txnum, const char **why)
{
	uint32_t lo = 0, hi = tip_height;
	struct idx_block blk;
	bool found;

	/* The last block whose first txnum <= txnum. */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo + 1) / 2;
		if (!idxq_block_at(st, &blk, &found, mid, why))
			return false;
		if (!found)
			return (*why = "missing block record"), false;
		if (blk.first_txnum <= txnum)
			lo = mid;
		else
			hi = mid - 1;
	}
	*height = lo;
	return true;
}

bool idxq_addr_is(struct store *st, bool *same, uint64_t id,
		    const uint8_t *okey, size_t klen, const char **why)
{
	uint8_t k[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	*same = false;
	if (!idxq_addr_key(st, k, &kl, &found, id, why))
		return false;
	if (!found)
		return (*why = "address record without id record"), false;
	*same = kl == klen && memcmp(k, okey, kl) == 0;
	return true;
}

bool idxq_addr_id(struct store *st, uint64_t *id, bool *found,
		  const uint8_t *okey, size_t klen, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl, pos = 0;
	bool listed, bad = false, ok = true;

	*found = false;
	if (klen > SCRIPT_KEY_MAX)
		return true;
	if (!store_get(st, &v, &vl, &listed, key, idx_key_addr(key, okey, klen), why))
		return false;
	/* Usually one id; more only when owner keys share their first bytes. */
	while (ok && listed && !*found && idx_addr_list_next(v, vl, &pos, id, &bad))
		ok = idxq_addr_is(st, found, *id, okey, klen, why);
	free(v);
	if (ok && (bad || (listed && !vl)))
		return (*why = "damaged address record"), false;
	return ok;
}

bool idxq_addr_key(struct store *st, uint8_t *okey, size_t *klen, bool *found,
		   uint64_t id, const char **why)
{
	uint8_t key[IDX_KEY_MAX], *v;
	size_t vl;

	if (!store_get(st, &v, &vl, found, key, idx_key_addrid(key, id), why))
		return false;
	if (!*found)
		return true;
	bool ok = vl > 0 && vl <= SCRIPT_KEY_MAX;
	if (ok)
		memcpy(okey, v, vl);
	*klen = vl;
	free(v);
	return ok || (*why = "damaged address id record", false);
}

static bool hist_entry(struct store *st, struct idxq_hist *h,
		       const uint8_t *k, size_t kl, const uint8_t *v, size_t vl,
		       const char **why)
{
	bool found;
	if (kl != 21 || !idx_hist_decode(&h->value, &h->height, v, vl))
		return (*why = "damaged history record"), false;
	h->txnum = idx_rd64(k + 9);
	h->vout = idx_rd32(k + 17);
	if (!idxq_spent(st, &h->spend, &found, h->txnum, h->vout, why))
		return false;
	h->spent = found;
	return true;
}

bool idxq_history(struct store *st, uint64_t addr,
		  bool (*fn)(void *ctx, const struct idxq_hist *h), void *ctx,
		  const char **why)
{
	uint8_t prefix[9];
	const uint8_t *k, *v;
	size_t kl, vl;
	struct idxq_hist h;
	bool ok = true;

	prefix[0] = IDX_P_HIST;
	idx_be64(prefix + 1, addr);
	struct store_iter *it = store_iter_new(st, prefix, sizeof(prefix), NULL, 0);
	if (!it)
		return (*why = "out of memory"), false;
	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		ok = hist_entry(st, &h, k, kl, v, vl, why);
		if (ok && !fn(ctx, &h))
			break;
	}
	if (ok && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	store_iter_free(it);
	return ok;
}

static void widen(struct idxq_addr_summary *s, uint32_t height)
{
	if (!s->seen || height < s->first_height)
		s->first_height = height;
	if (!s->seen || height > s->last_height)
		s->last_height = height;
	s->seen = true;
}

struct summary_ctx {
	struct idxq_addr_summary *s;
	bool overflow;
};

static bool summary_add(void *ctx, const struct idxq_hist *h)
{
	struct summary_ctx *c = ctx;
	struct idxq_addr_summary *s = c->s;

	widen(s, h->height);
	s->n_funded++;
	if (!amount_add(&s->received, s->received, amount_sat(h->value)))
		return (c->overflow = true), false;
	if (h->spent) {
		widen(s, h->spend.height);
		s->n_spent++;
		if (!amount_add(&s->sent, s->sent, amount_sat(h->value)))
			return (c->overflow = true), false;
	}
	return true;
}

bool idxq_addr_summary(struct store *st, struct idxq_addr_summary *out,
		       uint64_t addr, const char **why)
{
	struct summary_ctx c = { out, false };

	memset(out, 0, sizeof(*out));
	if (!idxq_history(st, addr, summary_add, &c, why))
		return false;
	if (c.overflow || !amount_sub(&out->balance, out->received, out->sent))
		return (*why = "address totals overflow"), false;
	return true;
}
