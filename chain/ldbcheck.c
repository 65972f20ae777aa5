/* CRC-32C, Snappy decompression and the table-file check of ldbcheck.h.
 * The table format is LevelDB's doc/table_format.md; the names of damage
 * follow LevelDB's own messages where it has one. */
#include "proceeds/ldbcheck.h"
#include "ldbcheck_int.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define CRC32C_POLY 0x82f63b78u         /* reflected Castagnoli */
#define CRC_MASK_DELTA 0xa282ead8u
#define TABLE_FOOTER 48
#define TABLE_HANDLES 40                /* two handles, zero-padded */
#define TABLE_MAGIC 0xdb4775248b80fb57ull
#define LDB_BLOCK_MAX (64ull << 20)     /* see ldb_snappy_uncompress */
#define BLOCK_TRAILER 5

/* ---- CRC-32C ---------------------------------------------------------- */

static uint32_t crc_tab[8][256];
static pthread_once_t crc_once = PTHREAD_ONCE_INIT;
static bool crc_have_hw;

static void crc_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ CRC32C_POLY : c >> 1;
		crc_tab[0][i] = c;
	}
	for (uint32_t i = 0; i < 256; i++)
		for (int k = 1; k < 8; k++)
			crc_tab[k][i] = (crc_tab[k - 1][i] >> 8) ^
					crc_tab[0][crc_tab[k - 1][i] & 0xff];
#if defined(__x86_64__) && defined(__GNUC__)
	__builtin_cpu_init();
	crc_have_hw = __builtin_cpu_supports("sse4.2");
#endif
}

uint32_t ldb_crc32c_portable(uint32_t crc, const void *data, size_t n)
{
	const uint8_t *p = data;
	uint32_t c = ~crc;

	pthread_once(&crc_once, crc_init);
	for (; n >= 8; p += 8, n -= 8) {
		uint32_t lo = c ^ ldb_le32(p), hi = ldb_le32(p + 4);
		c = crc_tab[7][lo & 0xff] ^ crc_tab[6][(lo >> 8) & 0xff] ^
		    crc_tab[5][(lo >> 16) & 0xff] ^ crc_tab[4][lo >> 24] ^
		    crc_tab[3][hi & 0xff] ^ crc_tab[2][(hi >> 8) & 0xff] ^
		    crc_tab[1][(hi >> 16) & 0xff] ^ crc_tab[0][hi >> 24];
	}
	while (n--)
		c = crc_tab[0][(c ^ *p++) & 0xff] ^ (c >> 8);
	return ~c;
}

#if defined(__x86_64__) && defined(__GNUC__)
__attribute__((target("sse4.2")))
static uint32_t crc32c_hw(uint32_t crc, const uint8_t *p, size_t n)
{
	uint64_t c = ~crc;
	for (; n >= 8; p += 8, n -= 8) {
		uint64_t w;
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
	}
	while (n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}
#endif

uint32_t ldb_crc32c(uint32_t crc, const void *data, size_t n)
{
	pthread_once(&crc_once, crc_init);
#if defined(__x86_64__) && defined(__GNUC__)
	if (crc_have_hw)
		return crc32c_hw(crc, data, n);
#endif
	return ldb_crc32c_portable(crc, data, n);
}

uint32_t ldb_crc_mask(uint32_t crc)
{
	return ((crc >> 15) | (crc << 17)) + CRC_MASK_DELTA;
}

/* ---- Snappy ----------------------------------------------------------- */

/* One element: a literal's length (*copy false) or a copy's length and
 * offset; *p advanced past the tag and its extra bytes. */
static bool snappy_tag(bool *copy, size_t *len, size_t *off, const uint8_t **p,
		       const uint8_t *end)
{
	uint8_t t = *(*p)++;
	size_t extra = (t & 3) == 0 ? ((t >> 2) >= 60 ? (size_t)(t >> 2) - 59 : 0)
		     : (t & 3) == 1 ? 1 : (t & 3) == 2 ? 2 : 4;
	uint64_t x = 0;

	if ((size_t)(end - *p) < extra)
		return false;
	for (size_t i = 0; i < extra; i++)
		x |= (uint64_t)(*p)[i] << (8 * i);
	*p += extra;
	*off = 0;
	*copy = (t & 3) != 0;
	switch (t & 3) {
	case 0: *len = ((t >> 2) < 60 ? (size_t)(t >> 2) : (size_t)x) + 1; break;
	case 1: *len = 4 + ((t >> 2) & 7); *off = (size_t)((t >> 5) << 8 | x); break;
	case 2: case 3: *len = 1 + (t >> 2); *off = (size_t)x; break;
	}
	return true;
}

static bool snappy_body(uint8_t *o, size_t olen, const uint8_t *p,
			const uint8_t *end, const char **why)
{
	size_t done = 0, len, off;
	bool copy;

	while (p < end) {
		if (!snappy_tag(&copy, &len, &off, &p, end))
			return (*why = "snappy: element cut short"), false;
		if (len > olen - done)
			return (*why = "snappy: output longer than declared"), false;
		if (!copy && (size_t)(end - p) < len)
			return (*why = "snappy: literal cut short"), false;
		if (!copy) {
			memcpy(o + done, p, len);
			p += len;
		} else if (off == 0 || off > done) {
			return (*why = "snappy: copy before the start"), false;
		} else {
			for (size_t i = 0; i < len; i++)   /* may overlap */
				o[done + i] = o[done - off + i];
		}
		done += len;
	}
	if (done != olen)
		return (*why = "snappy: output shorter than declared"), false;
	return true;
}

bool ldb_snappy_uncompress(uint8_t **out, size_t *olen, const uint8_t *in,
			   size_t n, const char **why)
{
	const uint8_t *p = in, *end = in + n;
	uint64_t len;

	*out = NULL;
	*olen = 0;
	if (!ldb_varint(&len, &p, end, 32) || len > UINT32_MAX)
		return (*why = "snappy: bad length"), false;
	/* No element makes more than 64 bytes out of 3 (a copy). */
	if (len > (uint64_t)(end - p) * 22 + 64)
		return (*why = "snappy: declared length impossible for its input"), false;
	/* A forged block could still declare 22x a large table's size; no
	 * block LevelDB writes for proceeds comes near this (blocks of
	 * 8 KiB, values of a few KiB), so it is refused before any malloc. */
	if (len > LDB_BLOCK_MAX)
		return (*why = "snappy: block larger than 64 MiB"), false;
	uint8_t *o = malloc(len ? len : 1);
	if (!o)
		return (*why = "out of memory"), false;
	if (!snappy_body(o, len, p, end, why)) {
		free(o);
		return false;
	}
	*out = o;
	*olen = len;
	return true;
}

/* ---- Tables ----------------------------------------------------------- */

struct handle {
	uint64_t off, size;
};

struct tbl {
	const uint8_t *buf;
	size_t end;             /* where the footer starts */
	uint64_t next;          /* where the next block must start */
	uint64_t n_blocks;
	uint64_t *bad_off;
	const char **why;
};

static bool bad(struct tbl *t, uint64_t off, const char *why)
{
	*t->bad_off = off;
	*t->why = why;
	return false;
}

/* A BlockHandle that must take exactly [p, end). */
static bool handle_decode(struct handle *h, const uint8_t *p, const uint8_t *end)
{
	return ldb_varint(&h->off, &p, end, 64) && ldb_varint(&h->size, &p, end, 64) &&
	       p == end;
}

/* The block's bytes and trailer lie before the footer, its trailer's CRC
 * matches and its type is one LevelDB writes. */
static bool block_sound(struct tbl *t, const struct handle *h, const char *what)
{
	if (h->off > t->end || h->size > t->end - h->off ||
	    t->end - h->off - h->size < BLOCK_TRAILER)
		return bad(t, h->off > t->end ? t->end : h->off, what);
	const uint8_t *b = t->buf + h->off, *tr = b + h->size;
	uint32_t crc = ldb_crc32c(ldb_crc32c(0, b, h->size), tr, 1);
	if (ldb_crc_mask(crc) != ldb_le32(tr + 1))
		return bad(t, h->off, "block checksum mismatch");
	if (tr[0] > 1)
		return bad(t, h->off, "bad block type");
	t->n_blocks++;
	return true;
}

/* Blocks are written back to back: each starts where the previous one's
 * trailer ended, so no byte of the file lies outside a checked block. */
static bool block_in_order(struct tbl *t, const struct handle *h)
{
	if (h->off != t->next)
		return bad(t, t->next < h->off ? t->next : h->off,
			   "blocks do not follow one another");
	t->next = h->off + h->size + BLOCK_TRAILER;
	return true;
}

/* The block's contents, uncompressed (*owned set when they are new). */
static bool block_contents(struct tbl *t, const struct handle *h,
			   const uint8_t **c, size_t *clen, uint8_t **owned)
{
	const char *why;

	*owned = NULL;
	*c = t->buf + h->off;
	*clen = h->size;
	if (t->buf[h->off + h->size] == 0)
		return true;
	if (!ldb_snappy_uncompress(owned, clen, *c, *clen, &why))
		return bad(t, h->off, why);
	*c = *owned;
	return true;
}

/* The entries of a block in LevelDB's restart-array format: entries
 * (shared, non-shared and value lengths as varints, the key's new bytes,
 * the value), then the restart offsets (32-bit each) and their count. */
struct entries {
	const uint8_t *base, *p, *limit;  /* limit: start of the restarts */
	uint32_t n_restarts, next_restart;
	uint64_t prev_klen;
};

enum entry_status { ENTRY_ONE, ENTRY_END, ENTRY_BAD };

static bool entries_init(struct entries *e, const uint8_t *b, size_t n)
{
	memset(e, 0, sizeof(*e));
	if (n < 4)
		return false;
	e->n_restarts = ldb_le32(b + n - 4);
	if (e->n_restarts == 0 || e->n_restarts > (n - 4) / 4)
		return false;
	e->base = e->p = b;
	e->limit = b + n - 4 - 4 * (size_t)e->n_restarts;
	return true;
}

static uint32_t restart_at(const struct entries *e, uint32_t i)
{
	return ldb_le32(e->limit + 4 * (size_t)i);
}

/* The next entry's value; every restart offset must be an entry that
 * shares nothing with the previous key, in order. */
static enum entry_status entries_next(struct entries *e, const uint8_t **val,
				      size_t *vlen)
{
	uint64_t shared, unshared, vl;
	size_t at = (size_t)(e->p - e->base);

	if (e->p == e->limit) {
		bool empty = at == 0 && e->n_restarts == 1 && restart_at(e, 0) == 0;
		return e->next_restart == e->n_restarts || empty ? ENTRY_END : ENTRY_BAD;
	}
	if (!ldb_varint(&shared, &e->p, e->limit, 32) ||
	    !ldb_varint(&unshared, &e->p, e->limit, 32) ||
	    !ldb_varint(&vl, &e->p, e->limit, 32) || shared > e->prev_klen ||
	    unshared > (uint64_t)(e->limit - e->p) ||
	    vl > (uint64_t)(e->limit - e->p) - unshared)
		return ENTRY_BAD;
	if (e->next_restart < e->n_restarts && restart_at(e, e->next_restart) == at) {
		if (shared != 0)
			return ENTRY_BAD;
		e->next_restart++;
	} else if (e->next_restart < e->n_restarts && restart_at(e, e->next_restart) < at) {
		return ENTRY_BAD;
	}
	e->prev_klen = shared + unshared;
	*val = e->p + unshared;
	*vlen = (size_t)vl;
	e->p += unshared + vl;
	return ENTRY_ONE;
}

/* Every block a handle block (index or metaindex) points to, in order. */
static bool pointed_blocks(struct tbl *t, const struct handle *h, const char *what)
{
	const uint8_t *c, *val;
	uint8_t *owned;
	size_t clen, vlen;
	struct entries e;
	struct handle b;
	enum entry_status st = ENTRY_BAD;
	bool ok = true;

	if (!block_contents(t, h, &c, &clen, &owned))
		return false;
	if (!entries_init(&e, c, clen))
		ok = bad(t, h->off, what);
	while (ok && (st = entries_next(&e, &val, &vlen)) == ENTRY_ONE) {
		if (!handle_decode(&b, val, val + vlen))
			ok = bad(t, h->off, what);
		else
			ok = block_sound(t, &b, "block handle points outside the file") &&
			     block_in_order(t, &b);
	}
	if (ok && st == ENTRY_BAD)
		ok = bad(t, h->off, what);
	free(owned);
	return ok;
}

static bool footer_decode(struct tbl *t, struct handle *meta, struct handle *index,
			  size_t len)
{
	const uint8_t *f, *p, *end;

	if (len < TABLE_FOOTER)
		return bad(t, 0, "file too short for a table footer");
	f = t->buf + len - TABLE_FOOTER;
	if (ldb_le64(f + TABLE_HANDLES) != TABLE_MAGIC)
		return bad(t, len - TABLE_FOOTER, "not an sstable (bad magic number)");
	p = f;
	end = f + TABLE_HANDLES;
	if (!ldb_varint(&meta->off, &p, end, 64) || !ldb_varint(&meta->size, &p, end, 64) ||
	    !ldb_varint(&index->off, &p, end, 64) || !ldb_varint(&index->size, &p, end, 64))
		return bad(t, len - TABLE_FOOTER, "bad block handle in footer");
	while (p < end)
		if (*p++)
			return bad(t, len - TABLE_FOOTER, "footer padding not zero");
	return true;
}

bool ldb_table_check(uint64_t *bad_off, uint64_t *n_blocks, const uint8_t *buf,
		     size_t len, const char **why)
{
	struct tbl t = { .buf = buf, .bad_off = bad_off, .why = why };
	struct handle meta, index;

	*bad_off = 0;
	*n_blocks = 0;
	if (!footer_decode(&t, &meta, &index, len))
		return false;
	t.end = len - TABLE_FOOTER;
	/* The two blocks the footer names are read first: they say where
	 * the others are. The file order is data, meta, metaindex, index. */
	if (!block_sound(&t, &index, "bad block handle in footer") ||
	    !block_sound(&t, &meta, "bad block handle in footer") ||
	    !pointed_blocks(&t, &index, "index block malformed") ||
	    !pointed_blocks(&t, &meta, "metaindex block malformed") ||
	    !block_in_order(&t, &meta) || !block_in_order(&t, &index))
		return false;
	if (t.next != t.end)
		return bad(&t, t.next, "bytes between the index block and the footer");
	*n_blocks = t.n_blocks;
	return true;
}
