/* rev*.dat: undo records found by checksum, not by position. */
#include "blkdir_int.h"

#include <stdlib.h>
#include <string.h>

static struct bd_file *find_rev(struct blkdir *d, unsigned no)
{
	size_t lo = 0, hi = d->n_rev;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if (d->rev[mid].no == no)
			return &d->rev[mid];
		if (d->rev[mid].no < no)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* Reads a CompactSize from b[0..n); false when it does not fit. */
static bool compact_at(uint64_t *v, const uint8_t *b, size_t n)
{
	size_t len = b[0] < 0xfd ? 1 : b[0] == 0xfd ? 3 : b[0] == 0xfe ? 5 : 9;
	if (n < len)
		return false;
	*v = len == 1 ? b[0] : 0;
	for (size_t i = len - 1; len > 1 && i >= 1; i--)
		*v = *v << 8 | b[i];
	return true;
}

/* Indexes the record framing of a rev file, reading 17 bytes a record.
 * Stops at padding or at the first bad record (a warning). */
static bool index_rev(struct blkdir *d, struct bd_file *f)
{
	uint64_t off = 0;
	const char *why;
	f->indexed = true;
	while (f->size - off >= REC_HDR + 1 + 32) {
		uint8_t b[REC_HDR + 9];
		size_t n = f->size - off < sizeof(b) ? (size_t)(f->size - off) : sizeof(b);
		struct rev_rec r = { .off = off + REC_HDR };
		if (!bd_read_raw(d, f, b, n, off, &why))
			return false;
		if (bd_all_zero(b, REC_HDR))
			return true;
		bd_unxor(d, b, n, off);
		r.size = bd_le32(b + 4);
		if (memcmp(b, d->magic, 4) != 0 || r.size == 0 ||
		    r.size > f->size - off - REC_HDR - 32 ||
		    !compact_at(&r.n_tx, b + REC_HDR, n - REC_HDR))
			return bd_add_warning(d, "%s: offset %llu: damaged undo record",
					   f->name, (unsigned long long)off);
		struct rev_rec *nr = realloc(f->recs, (f->n_recs + 1) * sizeof(*nr));
		if (!nr)
			return false;
		f->recs = nr;
		f->recs[f->n_recs++] = r;
		off += REC_HDR + r.size + 32;
	}
	return true;
}

/* Reads rev record i and checks it against the block's parent. */
static bool undo_matches(struct blkdir *d, struct bd_file *f, size_t i,
			 const struct hash256 *prev)
{
	const struct rev_rec *r = &f->recs[i];
	struct hash_sha256d_ctx h;
	struct hash256 sum;
	const char *why;
	if (!bd_reserve(&d->ubuf, &d->ubuf_cap, (size_t)r->size + 32) ||
	    !bd_read_at(d, f, d->ubuf, (size_t)r->size + 32, r->off, &why))
		return false;
	hash_sha256d_begin(&h);
	hash_sha256d_update(&h, prev->b, 32);
	hash_sha256d_update(&h, d->ubuf, r->size);
	hash_sha256d_end(&h, &sum);
	return memcmp(sum.b, d->ubuf + r->size, 32) == 0;
}

/* The non-coinbase tx count of a block: what its undo record starts with. */
static bool block_undo_count(struct blkdir *d, const struct bd_loc *l,
			     uint64_t *n)
{
	uint8_t b[9];
	size_t len = l->size - 80 < sizeof(b) ? l->size - 80 : sizeof(b);
	const char *why;
	if (len == 0 || !bd_read_at(d, &d->blk[l->file], b, len, l->offset + 80, &why) ||
	    !compact_at(n, b, len) || *n == 0)
		return false;
	(*n)--;
	return true;
}

/* Searches the unmatched records from the hint on: in a sequential read
 * the next record is the one. */
static bool find_undo(struct blkdir *d, struct bd_file *f, struct bd_loc *l,
		      const struct hash256 *prev)
{
	uint64_t n_tx;
	if (!block_undo_count(d, l, &n_tx))
		return false;
	for (size_t k = 0; k < f->n_recs; k++) {
		size_t i = (f->hint + k) % f->n_recs;
		struct rev_rec *r = &f->recs[i];
		if (r->used || r->n_tx != n_tx || !undo_matches(d, f, i, prev))
			continue;
		r->used = true;
		f->hint = i + 1;
		l->undo_rec = (uint32_t)i;
		return true;
	}
	return false;
}

bool blkdir_read_undo(struct blkdir *d, const uint8_t **undo, size_t *len,
		      uint32_t height)
{
	*undo = NULL;
	*len = 0;
	if (height == 0 || height >= blkchain_count(d->chain))
		return false;
	struct bd_loc *l = &d->loc[blkchain_at(d->chain, height)];
	const struct hash256 *prev = blkdir_hash(d, height - 1);
	struct bd_file *f = find_rev(d, d->blk[l->file].no);
	if (!f || (!f->indexed && !index_rev(d, f)))
		return false;
	if (l->undo_rec != UINT32_MAX) {
		if (!undo_matches(d, f, l->undo_rec, prev))
			return false;
	} else if (!find_undo(d, f, l, prev)) {
		return false;
	}
	*undo = d->ubuf;
	*len = f->recs[l->undo_rec].size;
	return true;
}
