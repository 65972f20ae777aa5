/* Consistency check and logical digest of the chain index. */
#include "proceeds/index_verify.h"
#include "proceeds/cursor.h"
#include "proceeds/index_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/store.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct vctx {
	struct store *st;
	struct index_verify_report *r;
	struct hash_sha256d_ctx h;
	struct idx_tip tip;
	struct hash256 prev_hash;
	uint64_t next_txnum_seen, next_addr_seen, next_first_txnum;
	uint64_t txid_entries, bhash_entries, addr_entries;
};

static void verr(struct vctx *v, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static void verr(struct vctx *v, const char *fmt, ...)
{
	va_list ap;
	if (v->r->n_errors < INDEX_VERIFY_MAX_ERRORS) {
		va_start(ap, fmt);
		vsnprintf(v->r->errors[v->r->n_errors], sizeof(v->r->errors[0]), fmt, ap);
		va_end(ap);
	}
	v->r->n_errors++;
}

/* Reads tx txnum; false (with an error noted) when missing or damaged. */
static bool get_tx(struct vctx *v, struct idx_tx *tx, uint64_t txnum)
{
	bool found;
	const char *why = NULL;
	if (!idxq_tx(v->st, tx, &found, txnum, &why)) {
		verr(v, "tx %llu: %s", (unsigned long long)txnum, why);
		return false;
	}
	if (!found)
		verr(v, "tx %llu: missing", (unsigned long long)txnum);
	return found;
}

static void check_block(struct vctx *v, const uint8_t *k, size_t kl,
			const uint8_t *val, size_t vl)
{
	struct idx_block b, b2;
	uint32_t height = kl == 5 ? idx_rd32(k + 1) : UINT32_MAX;
	bool found;
	const char *why;

	if (kl != 5 || !idx_block_decode(&b, val, vl) || b.height != height)
		return verr(v, "block record %u damaged", height);
	if (height != v->r->blocks)
		verr(v, "block %u: heights not contiguous", height);
	if (height > 0 && !hash256_eq(&b.prev, &v->prev_hash))
		verr(v, "block %u: prev hash is not block %u", height, height - 1);
	if (b.first_txnum != v->next_first_txnum)
		verr(v, "block %u: first txnum not contiguous", height);
	v->next_first_txnum = b.first_txnum + b.n_tx;
	v->prev_hash = b.hash;
	v->r->blocks++;
	if (!idxq_block_by_hash(v->st, &b2, &found, &b.hash, &why) || !found ||
	    b2.height != height)
		verr(v, "block %u: hash record missing or different", height);
}

/* One input: its spent output must hold the same value and address. */
static void check_input(struct vctx *v, const struct idx_tx *tx, uint32_t i)
{
	const struct idx_input *in = &tx->in[i];
	struct idx_tx prev;

	if (in->prev_txnum >= tx->txnum)
		return verr(v, "tx %llu input %u spends a later tx",
			    (unsigned long long)tx->txnum, i);
	if (!get_tx(v, &prev, in->prev_txnum))
		return;
	if (in->prev_vout >= prev.n_out || prev.out[in->prev_vout].value != in->value ||
	    prev.out[in->prev_vout].addr != in->addr)
		verr(v, "tx %llu input %u: spent output differs",
		     (unsigned long long)tx->txnum, i);
	idx_tx_release(&prev);
}

static void check_tx(struct vctx *v, const uint8_t *k, size_t kl,
		     const uint8_t *val, size_t vl)
{
	struct idx_tx tx;
	uint64_t txnum = kl == 9 ? idx_rd64(k + 1) : UINT64_MAX, nums[8];
	size_t total = 0;
	const char *why;

	if (kl != 9 || !idx_tx_decode(&tx, txnum, val, vl, &why))
		return verr(v, "tx record %llu damaged", (unsigned long long)txnum);
	if (txnum != v->r->txs)
		verr(v, "tx %llu: txnums not contiguous", (unsigned long long)txnum);
	v->r->txs++;
	v->r->inputs += tx.coinbase ? 0 : tx.n_in;
	v->r->outputs += tx.n_out;
	for (uint32_t i = 0; !tx.coinbase && i < tx.n_in; i++)
		check_input(v, &tx, i);
	if (!idxq_txnums(v->st, nums, 8, &total, &tx.txid, &why))
		total = 0;
	bool listed = false;
	for (size_t i = 0; i < total && i < 8; i++)
		listed |= nums[i] == txnum;
	if (!listed)
		verr(v, "tx %llu: not in its txid record", (unsigned long long)txnum);
	idx_tx_release(&tx);
}

static void check_txid(struct vctx *v, const uint8_t *k, size_t kl,
		       const uint8_t *val, size_t vl)
{
	struct idx_tx tx;

	if (kl != 33 || vl == 0 || vl % 8)
		return verr(v, "txid record damaged");
	for (size_t i = 0; i < vl / 8; i++) {
		uint64_t txnum = idx_rd64(val + 8 * i);
		if (!get_tx(v, &tx, txnum))
			continue;
		if (memcmp(tx.txid.b, k + 1, 32) != 0)
			verr(v, "txid record points to tx %llu of another txid",
			     (unsigned long long)txnum);
		idx_tx_release(&tx);
	}
}

/* A spent-by link must name an input that spends exactly this output. */
static void check_spend(struct vctx *v, const uint8_t *k, size_t kl,
			const uint8_t *val, size_t vl)
{
	struct idx_spend sp;
	struct idx_tx tx;

	if (kl != 13 || !idx_spend_decode(&sp, val, vl))
		return verr(v, "spend record damaged");
	uint64_t txnum = idx_rd64(k + 1);
	uint32_t vout = idx_rd32(k + 9);
	v->r->spends++;
	if (!get_tx(v, &tx, sp.txnum))
		return;
	if (tx.coinbase || sp.vin >= tx.n_in || tx.in[sp.vin].prev_txnum != txnum ||
	    tx.in[sp.vin].prev_vout != vout || tx.height != sp.height)
		verr(v, "spent-by link of %llu:%u does not match tx %llu input %u",
		     (unsigned long long)txnum, vout, (unsigned long long)sp.txnum, sp.vin);
	idx_tx_release(&tx);
}

static void check_hist(struct vctx *v, const uint8_t *k, size_t kl,
		       const uint8_t *val, size_t vl)
{
	struct idx_tx tx;
	uint64_t value;
	uint32_t height;

	if (kl != 21 || !idx_hist_decode(&value, &height, val, vl))
		return verr(v, "history record damaged");
	uint64_t addr = idx_rd64(k + 1), txnum = idx_rd64(k + 9);
	uint32_t vout = idx_rd32(k + 17);
	v->r->history++;
	if (!get_tx(v, &tx, txnum))
		return;
	if (vout >= tx.n_out || tx.out[vout].addr != addr ||
	    tx.out[vout].value != value || tx.height != height)
		verr(v, "history entry %llu:%u of address %llu is not that output",
		     (unsigned long long)txnum, vout, (unsigned long long)addr);
	idx_tx_release(&tx);
}

/* An `A` record: every id listed has an `a` record whose owner key has
 * this `A` key; the ids listed add up to the `a` records (so each is
 * listed once). */
static void check_addr(struct vctx *v, const uint8_t *k, size_t kl,
		       const uint8_t *val, size_t vl)
{
	uint64_t id = 0;
	uint8_t okey[SCRIPT_KEY_MAX], key[IDX_KEY_MAX];
	size_t okl, pos = 0;
	bool found, bad = false;
	const char *why;

	if (kl < 2 || kl > 1 + IDX_ADDR_KEY_BYTES || !vl)
		return verr(v, "address record damaged");
	while (idx_addr_list_next(val, vl, &pos, &id, &bad)) {
		v->addr_entries++;
		if (!idxq_addr_key(v->st, okey, &okl, &found, id, &why) || !found ||
		    idx_key_addr(key, okey, okl) != kl || memcmp(key, k, kl) != 0)
			verr(v, "address %llu: id record missing or different",
			     (unsigned long long)id);
	}
	if (bad)
		verr(v, "address record damaged");
}

static void check_addrid(struct vctx *v, const uint8_t *k, size_t kl)
{
	if (kl != 9)
		return verr(v, "address id record damaged");
	if (idx_rd64(k + 1) != v->r->addresses)
		verr(v, "address ids not contiguous at %llu",
		     (unsigned long long)idx_rd64(k + 1));
	v->r->addresses++;
}

static void check_meta(struct vctx *v, const uint8_t *k, size_t kl,
		       const uint8_t *val, size_t vl)
{
	if (kl == sizeof(IDX_KEY_TIP) - 1 && memcmp(k, IDX_KEY_TIP, kl) == 0) {
		if (!idx_tip_decode(&v->tip, val, vl))
			return verr(v, "tip record damaged");
		v->r->has_tip = true;
		v->r->tip_height = v->tip.height;
	}
}

/* Dispatches one record; returns whether it belongs to the chain tables
 * (and so to the digest). */
static bool check_record(struct vctx *v, const uint8_t *k, size_t kl,
			 const uint8_t *val, size_t vl)
{
	switch (k[0]) {
	case IDX_P_META: check_meta(v, k, kl, val, vl); return true;
	case IDX_P_HEIGHT: check_block(v, k, kl, val, vl); return true;
	case IDX_P_BHASH: v->bhash_entries++; return true;
	case IDX_P_TXID: v->txid_entries++; check_txid(v, k, kl, val, vl); return true;
	case IDX_P_TX: check_tx(v, k, kl, val, vl); return true;
	case IDX_P_SPENT: check_spend(v, k, kl, val, vl); return true;
	case IDX_P_HIST: check_hist(v, k, kl, val, vl); return true;
	case IDX_P_ADDR: check_addr(v, k, kl, val, vl); return true;
	case IDX_P_ADDRID: check_addrid(v, k, kl); return true;
	}
	return false;
}

static void digest_record(struct vctx *v, const uint8_t *k, size_t kl,
			  const uint8_t *val, size_t vl)
{
	uint8_t len[8];
	idx_be32(len, (uint32_t)kl);
	idx_be32(len + 4, (uint32_t)vl);
	hash_sha256d_update(&v->h, len, 8);
	hash_sha256d_update(&v->h, k, kl);
	hash_sha256d_update(&v->h, val, vl);
}

static void check_totals(struct vctx *v)
{
	struct index_verify_report *r = v->r;
	if (!r->has_tip) {
		if (r->blocks || r->txs || r->addresses)
			verr(v, "records without a tip");
		return;
	}
	if (r->blocks != (uint64_t)v->tip.height + 1 || v->bhash_entries != r->blocks)
		verr(v, "block count differs from the tip height");
	if (r->txs != v->tip.next_txnum || v->next_first_txnum != r->txs)
		verr(v, "tx count differs from the tip");
	if (r->addresses != v->tip.next_addr || v->addr_entries != r->addresses)
		verr(v, "address count differs from the tip");
	if (r->spends != r->inputs)
		verr(v, "%llu spent-by links for %llu inputs",
		     (unsigned long long)r->spends, (unsigned long long)r->inputs);
	if (r->history != r->outputs)
		verr(v, "%llu history entries for %llu outputs",
		     (unsigned long long)r->history, (unsigned long long)r->outputs);
	if (r->blocks && !hash256_eq(&v->prev_hash, &v->tip.hash))
		verr(v, "the last block is not the tip");
}

bool index_verify(struct store *st, struct index_verify_report *r,
		  const char **why)
{
	struct vctx v = { .st = st, .r = r };
	const uint8_t *k, *val;
	size_t kl, vl;
	struct store_iter *it = store_iter_new(st, "", 0, NULL, 0);

	memset(r, 0, sizeof(*r));
	if (!it)
		return (*why = "out of memory"), false;
	hash_sha256d_begin(&v.h);
	while (store_iter_next(it, &k, &kl, &val, &vl))
		if (kl && check_record(&v, k, kl, val, vl))
			digest_record(&v, k, kl, val, vl);
	hash_sha256d_end(&v.h, &r->digest);
	if (store_iter_error(it)) {
		*why = store_iter_error(it);
		store_iter_free(it);
		return false;
	}
	store_iter_free(it);
	check_totals(&v);
	return true;
}
