/* LevelDB's log format (doc/log_format.md): the write-ahead logs and the
 * MANIFEST, and the MANIFEST's version edits (db/version_edit.cc). */
#include "proceeds/ldbcheck.h"
#include "ldbcheck_int.h"

#include <stdlib.h>
#include <string.h>

#define LOG_BLOCK 32768
#define LOG_HEADER 7
#define BATCH_HEADER 12         /* a write batch: sequence (8), count (4) */
#define NUM_LEVELS 7

enum rec_type { REC_ZERO, REC_FULL, REC_FIRST, REC_MIDDLE, REC_LAST };

struct log_reader {
	const uint8_t *buf;
	size_t len, pos;
	bool keep;              /* reassemble fragmented records into rec */
	bool whole;             /* a torn tail is damage too */
	uint8_t *rec;
	size_t rec_len, rec_cap;
	bool in_frag;
	uint64_t rec_off;       /* header offset of the record's first part */
	uint64_t bad_off;
	const char *why;
};

enum log_status { LOG_RECORD, LOG_END, LOG_BAD };

static enum log_status log_bad(struct log_reader *r, uint64_t off, const char *why)
{
	r->bad_off = off;
	r->why = why;
	return LOG_BAD;
}

static enum log_status torn(struct log_reader *r)
{
	return r->whole ? log_bad(r, r->pos, "record cut short at the end of the file")
			: LOG_END;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* The next physical record of the file. A header or record cut off by the
 * end of a short last block is what a writer killed mid-write leaves: the
 * end, unless r->whole. */
static enum log_status phys_next(struct log_reader *r, uint8_t *type,
				 const uint8_t **data, size_t *dlen, uint64_t *hdr)
{
	for (;;) {
		size_t block = r->pos - r->pos % LOG_BLOCK;
		size_t bend = r->len - block < LOG_BLOCK ? r->len : block + LOG_BLOCK;
		bool last_short = r->len - block < LOG_BLOCK;

		if (r->pos >= r->len)
			return LOG_END;
		const uint8_t *h = r->buf + r->pos;
		if (block + LOG_BLOCK - r->pos < LOG_HEADER) {
			if (!all_zero(h, bend - r->pos))
				return log_bad(r, r->pos, "block trailer not zero");
			r->pos = bend;
			continue;
		}
		if (bend - r->pos < LOG_HEADER)
			return torn(r);
		size_t length = (size_t)h[4] | (size_t)h[5] << 8;
		if (LOG_HEADER + length > bend - r->pos)
			return last_short ? torn(r) : log_bad(r, r->pos, "bad record length");
		/* Zeros where a writer preallocated: the rest of the block. */
		if (all_zero(h, LOG_HEADER)) {
			if (!all_zero(h, bend - r->pos))
				return log_bad(r, r->pos, "bytes after an empty record");
			r->pos = bend;
			continue;
		}
		uint32_t crc = ldb_crc32c(ldb_crc32c(0, h + 6, 1), h + LOG_HEADER, length);
		if (ldb_crc_mask(crc) != ldb_le32(h))
			return log_bad(r, r->pos, "checksum mismatch");
		if (h[6] < REC_FULL || h[6] > REC_LAST)
			return log_bad(r, r->pos, "unknown record type");
		*type = h[6];
		*data = h + LOG_HEADER;
		*dlen = length;
		*hdr = r->pos;
		r->pos += LOG_HEADER + length;
		return LOG_RECORD;
	}
}

static bool frag_add(struct log_reader *r, const uint8_t *d, size_t n)
{
	r->rec_len += n;
	if (!r->keep || n == 0)
		return true;
	if (r->rec_len > r->rec_cap) {
		size_t cap = r->rec_cap ? r->rec_cap : 4096;
		while (cap < r->rec_len)
			cap *= 2;
		uint8_t *p = realloc(r->rec, cap);
		if (!p)
			return false;
		r->rec = p;
		r->rec_cap = cap;
	}
	memcpy(r->rec + r->rec_len - n, d, n);
	return true;
}

/* The next logical record (*rec borrowed until the next call; only filled
 * when r->keep), *rlen its length, r->rec_off where it starts. A record
 * begun but not ended at the end of the file is a killed writer's. */
static enum log_status log_next(struct log_reader *r, const uint8_t **rec, size_t *rlen)
{
	const uint8_t *d;
	size_t n;
	uint64_t hdr;
	uint8_t t = REC_ZERO;

	for (;;) {
		enum log_status st = phys_next(r, &t, &d, &n, &hdr);
		if (st == LOG_END && r->in_frag && r->whole)
			return log_bad(r, r->rec_off, "partial record without end");
		if (st != LOG_RECORD)
			return st;
		if ((t == REC_FULL || t == REC_FIRST) && r->in_frag)
			return log_bad(r, r->rec_off, "partial record without end");
		if ((t == REC_MIDDLE || t == REC_LAST) && !r->in_frag)
			return log_bad(r, hdr, "missing start of fragmented record");
		if (t == REC_FULL) {
			*rec = d;
			*rlen = n;
			r->rec_off = hdr;
			return LOG_RECORD;
		}
		if (t == REC_FIRST) {
			r->in_frag = true;
			r->rec_off = hdr;
			r->rec_len = 0;
		}
		if (!frag_add(r, d, n))
			return log_bad(r, hdr, "out of memory");
		if (t == REC_LAST) {
			r->in_frag = false;
			*rec = r->rec;
			*rlen = r->rec_len;
			return LOG_RECORD;
		}
	}
}

bool ldb_log_check(uint64_t *bad_off, uint64_t *n_records, const uint8_t *buf,
		   size_t len, bool whole, const char **why)
{
	struct log_reader r = { .buf = buf, .len = len, .whole = whole };
	const uint8_t *rec;
	size_t rlen;
	enum log_status st;

	*bad_off = 0;
	*n_records = 0;
	while ((st = log_next(&r, &rec, &rlen)) == LOG_RECORD) {
		if (rlen < BATCH_HEADER) {
			st = log_bad(&r, r.rec_off, "log record too small");
			break;
		}
		(*n_records)++;
	}
	if (st == LOG_BAD) {
		*bad_off = r.bad_off;
		*why = r.why;
		return false;
	}
	return true;
}

/* ---- MANIFEST: the live files ----------------------------------------- */

void ldb_live_init(struct ldb_live *l)
{
	memset(l, 0, sizeof(*l));
}

void ldb_live_release(struct ldb_live *l)
{
	free(l->files);
	memset(l, 0, sizeof(*l));
}

/* Index of number in l->files, or where it would go. */
static size_t live_find(const struct ldb_live *l, uint64_t number)
{
	size_t lo = 0, hi = l->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (l->files[mid].number < number)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static bool live_add(struct ldb_live *l, uint32_t level, uint64_t number, uint64_t size)
{
	size_t i = live_find(l, number);

	if (i == l->n || l->files[i].number != number) {
		if (l->n == l->cap) {
			size_t cap = l->cap ? 2 * l->cap : 64;
			struct ldb_live_file *f = realloc(l->files, cap * sizeof(*f));
			if (!f)
				return false;
			l->files = f;
			l->cap = cap;
		}
		memmove(l->files + i + 1, l->files + i, (l->n - i) * sizeof(*l->files));
		l->n++;
	}
	l->files[i] = (struct ldb_live_file){ number, size, level };
	return true;
}

static void live_remove(struct ldb_live *l, uint32_t level, uint64_t number)
{
	size_t i = live_find(l, number);

	if (i < l->n && l->files[i].number == number && l->files[i].level == level) {
		memmove(l->files + i, l->files + i + 1, (l->n - i - 1) * sizeof(*l->files));
		l->n--;
	}
}

struct edit_seen {
	bool log_number, next_file, last_seq;
};

/* One field of a version edit after its tag; deletions apply in pass 0
 * and additions in pass 1, as LevelDB applies an edit. */
static bool edit_field(struct ldb_live *l, struct edit_seen *s, uint64_t tag,
		       const uint8_t **p, const uint8_t *end, int pass)
{
	uint64_t x, level = 0, num, size, slen;
	const uint8_t *sl;

	switch (tag) {
	case 1: return ldb_slice(&sl, &slen, p, end);
	case 2: case 3: case 4: case 9:
		if (!ldb_varint(&x, p, end, 64))
			return false;
		if (tag == 2) {
			l->log_number = x;
			s->log_number = true;
		} else if (tag == 9) {
			l->prev_log_number = x;
		}
		s->next_file |= tag == 3;
		s->last_seq |= tag == 4;
		return true;
	case 5: return ldb_varint(&level, p, end, 32) && level < NUM_LEVELS &&
		       ldb_slice(&sl, &slen, p, end);
	case 6:
		if (!ldb_varint(&level, p, end, 32) || level >= NUM_LEVELS ||
		    !ldb_varint(&num, p, end, 64))
			return false;
		if (pass == 0)
			live_remove(l, (uint32_t)level, num);
		return true;
	case 7:
		if (!ldb_varint(&level, p, end, 32) || level >= NUM_LEVELS ||
		    !ldb_varint(&num, p, end, 64) || !ldb_varint(&size, p, end, 64) ||
		    !ldb_slice(&sl, &slen, p, end) || !ldb_slice(&sl, &slen, p, end))
			return false;
		return pass == 0 || live_add(l, (uint32_t)level, num, size);
	default: return false;
	}
}

static bool edit_apply(struct ldb_live *l, struct edit_seen *s, const uint8_t *rec,
		       size_t n)
{
	for (int pass = 0; pass < 2; pass++) {
		const uint8_t *p = rec, *end = rec + n;
		uint64_t tag;
		while (p < end)
			if (!ldb_varint(&tag, &p, end, 32) || !edit_field(l, s, tag, &p, end, pass))
				return false;
	}
	return true;
}

bool ldb_manifest_parse(struct ldb_live *l, uint64_t *bad_off, const uint8_t *buf,
			size_t len, bool whole, const char **why)
{
	struct log_reader r = { .buf = buf, .len = len, .keep = true, .whole = whole };
	struct edit_seen s = { false, false, false };
	const uint8_t *rec;
	size_t rlen;
	enum log_status st;

	*bad_off = 0;
	while ((st = log_next(&r, &rec, &rlen)) == LOG_RECORD) {
		if (!edit_apply(l, &s, rec, rlen)) {
			st = log_bad(&r, r.rec_off, "version edit does not decode");
			break;
		}
		l->n_edits++;
	}
	free(r.rec);
	if (st == LOG_BAD) {
		*bad_off = r.bad_off;
		*why = r.why;
		return false;
	}
	if (!s.next_file || !s.log_number || !s.last_seq) {
		*why = !s.next_file ? "no meta-nextfile entry in descriptor" :
		       !s.log_number ? "no meta-lognumber entry in descriptor" :
				       "no last-sequence-number entry in descriptor";
		return false;
	}
	return true;
}
