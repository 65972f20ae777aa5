/* A Bitcoin Core blocks directory: file discovery, de-obfuscated reads,
 * the record walk with its damage handling, and reads by height. */
#include "proceeds/blkdir.h"
#include "proceeds/blkchain.h"
#include "proceeds/tx.h"

#include <assert.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "blkdir_int.h"

static _Thread_local char errbuf[512];

static const char *errorf(const char *fmt, ...)
	__attribute__((format(printf, 1, 2)));
static const char *errorf(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	return errbuf;
}

bool bd_add_warning(struct blkdir *d, const char *fmt, ...)
{
	char tmp[512], **nw;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	nw = realloc(d->warn, (d->n_warn + 1) * sizeof(*nw));
	if (!nw)
		return false;
	d->warn = nw;
	if (!(d->warn[d->n_warn] = strdup(tmp)))
		return false;
	d->n_warn++;
	return true;
}

/* ---- files ---- */

/* "blk00012.dat" -> 12 for prefix "blk"; false for anything else. */
static bool file_number(unsigned *no, const char *name, const char *prefix)
{
	size_t pl = strlen(prefix), n = strlen(name), i;
	unsigned long v = 0;
	if (n <= pl + 4 || strncmp(name, prefix, pl) != 0 ||
	    strcmp(name + n - 4, ".dat") != 0)
		return false;
	for (i = pl; i < n - 4; i++) {
		if (name[i] < '0' || name[i] > '9' || v > 100000000ul)
			return false;
		v = v * 10 + (unsigned long)(name[i] - '0');
	}
	*no = (unsigned)v;
	return true;
}

static int cmp_file(const void *a, const void *b)
{
	const struct bd_file *x = a, *y = b;
	return x->no < y->no ? -1 : x->no > y->no;
}

static bool push_file(struct bd_file **arr, size_t *n, const char *dir,
		      const char *name, unsigned no, const char **why)
{
	struct bd_file *na = realloc(*arr, (*n + 1) * sizeof(*na)), *f;
	struct stat st;
	if (!na)
		return *why = "out of memory", false;
	*arr = na;
	f = &na[*n];
	memset(f, 0, sizeof(*f));
	f->no = no;
	f->fd = -1;
	if (asprintf(&f->path, "%s/%s", dir, name) < 0)
		return *why = "out of memory", false;
	f->name = f->path + strlen(dir) + 1;
	(*n)++;
	if (stat(f->path, &st) != 0)
		return *why = errorf("%s: %s", f->path, strerror(errno)), false;
	f->size = (uint64_t)st.st_size;
	return true;
}

static bool read_key(struct blkdir *d, const char *dir, const char **why)
{
	char path[4096];
	uint8_t k[9];
	FILE *f;
	size_t n;
	snprintf(path, sizeof(path), "%s/xor.dat", dir);
	if (!(f = fopen(path, "rb")))
		return errno == ENOENT ? true
				       : (*why = errorf("%s: %s", path, strerror(errno)), false);
	n = fread(k, 1, sizeof(k), f);
	fclose(f);
	if (n != 8)
		return *why = errorf("%s: an obfuscation key is 8 bytes, found %zu",
				     path, n), false;
	memcpy(d->key, k, 8);
	for (int i = 0; i < 8; i++)
		d->xor_used |= k[i] != 0;
	return true;
}

static bool list_dir(struct blkdir *d, const char *dir, const char **why)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	unsigned no;
	bool ok = true;
	if (!dh)
		return *why = errorf("cannot read the directory: %s", strerror(errno)), false;
	while (ok && (e = readdir(dh))) {
		if (file_number(&no, e->d_name, "blk"))
			ok = push_file(&d->blk, &d->n_blk, dir, e->d_name, no, why);
		else if (file_number(&no, e->d_name, "rev"))
			ok = push_file(&d->rev, &d->n_rev, dir, e->d_name, no, why);
	}
	closedir(dh);
	if (!ok)
		return false;
	if (d->n_blk)
		qsort(d->blk, d->n_blk, sizeof(*d->blk), cmp_file);
	if (d->n_rev)
		qsort(d->rev, d->n_rev, sizeof(*d->rev), cmp_file);
	return read_key(d, dir, why);
}

/* A datadir holds its blk files under blocks/. */
static bool find_files(struct blkdir *d, const char *dir, const char **why)
{
	char sub[4096];
	struct stat st;
	if (!list_dir(d, dir, why))
		return false;
	snprintf(sub, sizeof(sub), "%s/blocks", dir);
	if (d->n_blk == 0 && stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
		return list_dir(d, sub, why);
	if (d->n_blk == 0)
		return *why = errorf("%s: no blk*.dat files", dir), false;
	return true;
}

static void close_file(struct bd_file *f)
{
	if (f->fd >= 0)
		close(f->fd);
	f->fd = -1;
}

static bool open_file(struct blkdir *d, struct bd_file *f, const char **why)
{
	if (f->fd >= 0)
		return true;
	f->fd = open(f->path, O_RDONLY | O_CLOEXEC);
	if (f->fd < 0)
		return *why = errorf("%s: %s", f->path, strerror(errno)), false;
	struct bd_file **slot = &d->ring[d->ring_pos++ % FD_RING];
	if (*slot)
		close_file(*slot);
	*slot = f;
	return true;
}

/* Undoes the obfuscation of buf, which holds the file bytes at off. */
void bd_unxor(const struct blkdir *d, uint8_t *buf, size_t len, uint64_t off)
{
	size_t i = 0;
	uint64_t k;
	if (!d->xor_used)
		return;
	for (; i < len && (off + i) % 8 != 0; i++)
		buf[i] ^= d->key[(off + i) % 8];
	memcpy(&k, d->key, 8);
	for (; i + 8 <= len; i += 8) {
		uint64_t v;
		memcpy(&v, buf + i, 8);
		v ^= k;
		memcpy(buf + i, &v, 8);
	}
	for (; i < len; i++)
		buf[i] ^= d->key[(off + i) % 8];
}

/* Reads len raw (still obfuscated) bytes at off. */
bool bd_read_raw(struct blkdir *d, struct bd_file *f, uint8_t *buf,
		     size_t len, uint64_t off, const char **why)
{
	size_t got = 0;
	if (!open_file(d, f, why))
		return false;
	while (got < len) {
		ssize_t r = pread(f->fd, buf + got, len - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return *why = errorf("%s: offset %llu: %s", f->name,
					     (unsigned long long)(off + got),
					     r < 0 ? strerror(errno) : "unexpected end of file"),
			       false;
		got += (size_t)r;
	}
	return true;
}

bool bd_read_at(struct blkdir *d, struct bd_file *f, uint8_t *buf,
		    size_t len, uint64_t off, const char **why)
{
	if (!bd_read_raw(d, f, buf, len, off, why))
		return false;
	bd_unxor(d, buf, len, off);
	return true;
}

bool bd_reserve(uint8_t **buf, size_t *cap, size_t need)
{
	if (need <= *cap)
		return true;
	uint8_t *nb = realloc(*buf, need);
	if (!nb)
		return false;
	*buf = nb;
	*cap = need;
	return true;
}

uint32_t bd_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

bool bd_all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* ---- the record walk ---- */

enum rec_state {
	REC_OK,
	REC_BAD,        /* not a record: damage, padding or garbage */
	REC_ERR,        /* I/O error or out of memory: *why is set */
};

struct rec {
	uint32_t size;
	struct hash256 hash;
	struct block_header hdr;
};

/* Checks the framing and the header of the record at off, reading 88
 * bytes. *raw_zero tells whether the framing bytes are zero on disk:
 * Core's preallocation, which is not obfuscated. */
static enum rec_state check_header(struct blkdir *d, struct bd_file *f,
				   uint64_t off, struct rec *r, bool *raw_zero,
				   const char **why)
{
	uint8_t b[REC_HDR + 80];
	uint64_t left = f->size - off;
	size_t n = left < sizeof(b) ? (size_t)left : sizeof(b);

	if (!bd_read_raw(d, f, b, n, off, why))
		return REC_ERR;
	*raw_zero = bd_all_zero(b, n < REC_HDR ? n : REC_HDR);
	if (n < sizeof(b))
		return REC_BAD;
	bd_unxor(d, b, n, off);
	r->size = bd_le32(b + 4);
	if (memcmp(b, d->magic, 4) != 0 || r->size < 80 ||
	    r->size > BLOCK_MAX_SIZE || r->size > left - REC_HDR)
		return REC_BAD;
	block_header_decode(&r->hdr, b + REC_HDR);
	block_header_hash(&r->hash, b + REC_HDR);
	if (!block_header_check_pow(&r->hash, r->hdr.bits))
		return REC_BAD;
	return REC_OK;
}

/* A record found after damage must be a whole valid block: a crash can
 * leave a well-framed header in front of zeros. */
static enum rec_state check_full(struct blkdir *d, struct bd_file *f,
				 uint64_t off, const char **why)
{
	struct rec r;
	bool z;
	const char *pw;
	enum rec_state s = check_header(d, f, off, &r, &z, why);
	if (s != REC_OK)
		return s;
	if (!bd_reserve(&d->buf, &d->buf_cap, r.size))
		return *why = "out of memory", REC_ERR;
	if (!bd_read_at(d, f, d->buf, r.size, off + REC_HDR, why))
		return REC_ERR;
	if (!block_parse(&d->scratch, d->buf, r.size, &pw) ||
	    !block_check_merkle(&d->scratch, &pw))
		return REC_BAD;
	return REC_OK;
}

/* Searches a chunk (file bytes at pos, de-obfuscated) for a valid record
 * starting at index >= from. Sets *at (f->size when none). */
static enum rec_state find_in_chunk(struct blkdir *d, struct bd_file *f,
				    const uint8_t *chunk, size_t n, uint64_t pos,
				    size_t from, uint64_t *at, const char **why)
{
	for (size_t i = from; i + 4 <= n; i++) {
		const uint8_t *m = memmem(chunk + i, n - i, d->magic, 4);
		if (!m)
			break;
		i = (size_t)(m - chunk);
		enum rec_state s = check_full(d, f, pos + i, why);
		if (s != REC_BAD) {
			*at = pos + i;
			return s;
		}
	}
	*at = f->size;
	return REC_BAD;
}

/* After a bad record at start: the next wholly valid record (*next, or
 * the file size when none) and whether the bytes skipped are all zero on
 * disk (*zero: padding, not damage). */
static bool resync(struct blkdir *d, struct bd_file *f, uint64_t start,
		   uint64_t *next, bool *zero, const char **why)
{
	uint8_t *chunk = malloc(SCAN_CHUNK);
	uint64_t pos = start;
	enum rec_state s = REC_BAD;

	if (!chunk)
		return *why = "out of memory", false;
	*zero = true;
	*next = f->size;
	while (pos < f->size && s == REC_BAD) {
		size_t n = f->size - pos < SCAN_CHUNK ? (size_t)(f->size - pos) : SCAN_CHUNK;
		size_t zl = 0;
		if (!bd_read_raw(d, f, chunk, n, pos, why)) {
			s = REC_ERR;
			break;
		}
		while (zl < n && chunk[zl] == 0)
			zl++;
		bd_unxor(d, chunk, n, pos);
		s = find_in_chunk(d, f, chunk, n, pos, pos == start, next, why);
		*zero = *zero && (s == REC_OK ? *next - pos <= zl : zl == n);
		if (pos + n >= f->size)
			break;
		pos += n - 3; /* a magic may straddle two chunks */
	}
	free(chunk);
	return s != REC_ERR;
}

static bool add_record(struct blkdir *d, uint32_t fi, uint64_t off,
		       const struct rec *r, const char **why)
{
	uint32_t idx;
	bool dup;
	d->st.records++;
	if (!blkchain_add(d->chain, &idx, &dup, &r->hash, &r->hdr.prev,
			  r->hdr.bits))
		return *why = "out of memory", false;
	if (dup) {
		d->st.duplicates++;
		return true;
	}
	if (idx >= d->loc_cap) {
		size_t ncap = d->loc_cap ? d->loc_cap * 2 : 4096;
		struct bd_loc *nl = realloc(d->loc, ncap * sizeof(*nl));
		if (!nl)
			return *why = "out of memory", false;
		d->loc = nl;
		d->loc_cap = ncap;
	}
	d->loc[idx].offset = off + REC_HDR;
	d->loc[idx].size = r->size;
	d->loc[idx].file = fi;
	d->loc[idx].undo_rec = UINT32_MAX;
	return true;
}

static bool warn_damage(struct blkdir *d, const struct bd_file *f,
			uint64_t start, uint64_t next, const char **why)
{
	bool ok;
	if (next >= f->size)
		ok = bd_add_warning(d, "%s: offset %llu: damaged tail (%llu bytes ignored)",
				 f->name, (unsigned long long)start,
				 (unsigned long long)(f->size - start));
	else
		ok = bd_add_warning(d, "%s: offset %llu: damaged data (%llu bytes skipped, "
				 "records resume at offset %llu)", f->name,
				 (unsigned long long)start,
				 (unsigned long long)(next - start),
				 (unsigned long long)next);
	if (!ok)
		*why = "out of memory";
	return ok;
}

static bool walk_file(struct blkdir *d, uint32_t fi, const char **why)
{
	struct bd_file *f = &d->blk[fi];
	uint64_t off = 0;

	while (off < f->size) {
		struct rec r;
		bool z, zero;
		uint64_t next;
		enum rec_state s = check_header(d, f, off, &r, &z, why);
		if (s == REC_ERR)
			return false;
		if (s == REC_OK) {
			if (!add_record(d, fi, off, &r, why))
				return false;
			off += REC_HDR + r.size;
			continue;
		}
		if (!resync(d, f, off, &next, &zero, why))
			return false;
		/* Zeros up to the end are Core's preallocation; anything
		 * else, even zeros before a record, is not how Core writes. */
		if ((!zero || next < f->size) && !warn_damage(d, f, off, next, why))
			return false;
		off = next;
	}
	return true;
}

/* The network is that of the first record of the lowest-numbered file
 * that holds one. */
static bool detect_magic(struct blkdir *d, enum network *net, const char **why)
{
	enum network found;
	uint8_t b[8];

	for (size_t i = 0; i < d->n_blk; i++) {
		struct bd_file *f = &d->blk[i];
		if (f->size < 8)
			continue;
		if (!bd_read_raw(d, f, b, 8, 0, why))
			return false;
		if (bd_all_zero(b, 8))
			continue;
		bd_unxor(d, b, 8, 0);
		if (!network_from_magic(&found, b))
			return *why = errorf("%s: offset 0: unknown magic %02x%02x%02x%02x "
					     "(not a blocks directory%s?)", f->name, b[0],
					     b[1], b[2], b[3],
					     d->xor_used ? "" : ", or xor.dat missing"),
			       false;
		if (*net != NETWORK_COUNT && found != *net)
			return *why = errorf("%s: magic %02x%02x%02x%02x is that of %s, "
					     "not %s", f->name, b[0], b[1], b[2], b[3],
					     network_params(found)->name,
					     network_params(*net)->name),
			       false;
		*net = found;
		memcpy(d->magic, b, 4);
		return true;
	}
	if (*net == NETWORK_COUNT)
		*net = NETWORK_MAIN;
	memcpy(d->magic, network_params(*net)->magic, 4);
	return true;
}

static bool finish(struct blkdir *d, const char **why)
{
	uint32_t n = blkchain_count(d->chain), orphans = blkchain_orphans(d->chain);
	d->st.files = d->n_blk;
	d->st.xor_used = d->xor_used;
	d->st.stale = blkchain_size(d->chain) - n;
	for (uint32_t h = 0; h < n; h++)
		d->st.best_bytes += d->loc[blkchain_at(d->chain, h)].size;
	if (orphans && !bd_add_warning(d, "%u blocks do not link to a genesis block "
				    "(missing blk files, or a pruned node?)", orphans))
		return *why = "out of memory", false;
	return true;
}

bool blkdir_open(struct blkdir **out, const char *dir, enum network *net,
		 const char **why)
{
	struct blkdir *d = calloc(1, sizeof(*d));
	bool ok;

	*out = NULL;
	if (!d)
		return *why = "out of memory", false;
	block_init(&d->scratch);
	d->chain = blkchain_new();
	ok = d->chain ? find_files(d, dir, why) && detect_magic(d, net, why)
		      : (*why = "out of memory", false);
	for (uint32_t i = 0; ok && i < d->n_blk; i++)
		ok = walk_file(d, i, why);
	ok = ok && blkchain_select(d->chain, why) && finish(d, why);
	if (!ok) {
		blkdir_free(d);
		return false;
	}
	*out = d;
	return true;
}

void bd_free_files(struct bd_file *fs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		close_file(&fs[i]);
		free(fs[i].path);
		free(fs[i].recs);
	}
	free(fs);
}

void blkdir_free(struct blkdir *d)
{
	if (!d)
		return;
	bd_free_files(d->blk, d->n_blk);
	bd_free_files(d->rev, d->n_rev);
	blkchain_free(d->chain);
	free(d->loc);
	free(d->buf);
	free(d->ubuf);
	for (size_t i = 0; i < d->n_warn; i++)
		free(d->warn[i]);
	free(d->warn);
	block_release(&d->scratch);
	free(d);
}

uint32_t blkdir_count(const struct blkdir *d)
{
	return blkchain_count(d->chain);
}

const struct hash256 *blkdir_hash(const struct blkdir *d, uint32_t height)
{
	assert(height < blkchain_count(d->chain));
	return blkchain_hash(d->chain, blkchain_at(d->chain, height));
}

void blkdir_locate(const struct blkdir *d, uint32_t height, unsigned *file_no,
		   uint64_t *offset, uint32_t *size)
{
	assert(height < blkchain_count(d->chain));
	const struct bd_loc *l = &d->loc[blkchain_at(d->chain, height)];
	*file_no = d->blk[l->file].no;
	*offset = l->offset;
	*size = l->size;
}

bool blkdir_read(struct blkdir *d, struct blkdir_block *out, uint32_t height,
		 const char **why)
{
	assert(height < blkchain_count(d->chain));
	const struct bd_loc *l = &d->loc[blkchain_at(d->chain, height)];
	struct bd_file *f = &d->blk[l->file];
	struct hash256 h;

	memset(out, 0, sizeof(*out));
	if (!bd_reserve(&d->buf, &d->buf_cap, l->size))
		return *why = "out of memory", false;
	if (!bd_read_at(d, f, d->buf, l->size, l->offset, why))
		return false;
	block_header_hash(&h, d->buf);
	if (!hash256_eq(&h, blkdir_hash(d, height)))
		return *why = errorf("%s: offset %llu: block changed on disk since "
				     "the directory was opened", f->name,
				     (unsigned long long)l->offset), false;
	out->raw = d->buf;
	out->len = l->size;
	out->height = height;
	out->hash = h;
	out->file_no = f->no;
	out->offset = l->offset;
	return true;
}

size_t blkdir_warning_count(const struct blkdir *d)
{
	return d->n_warn;
}

const char *blkdir_warning(const struct blkdir *d, size_t i)
{
	assert(i < d->n_warn);
	return d->warn[i];
}

void blkdir_get_stats(const struct blkdir *d, struct blkdir_stats *out)
{
	*out = d->st;
}

