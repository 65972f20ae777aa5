/* Internal to the blkdir module (chain/blkdir.c, chain/blkdir_rev.c):
 * the handle's layout and the de-obfuscating reads both files share. */
#ifndef PROCEEDS_BLKDIR_INT_H
#define PROCEEDS_BLKDIR_INT_H

#include "proceeds/blkchain.h"
#include "proceeds/blkdir.h"
#include "proceeds/tx.h"

#define FD_RING 16              /* open file descriptors kept at once */
#define SCAN_CHUNK (1u << 20)   /* bytes per read while resynchronising */
#define REC_HDR 8               /* magic + size */

struct rev_rec {
	uint64_t off;           /* of the undo bytes */
	uint64_t n_tx;          /* its first field: non-coinbase tx count */
	uint32_t size;          /* undo bytes, without the 32-byte checksum */
	bool used;              /* already matched to a block */
};

struct bd_file {
	unsigned no;
	char *path;
	const char *name;       /* basename, inside path */
	uint64_t size;
	int fd;                 /* -1 while closed */
	struct rev_rec *recs;   /* rev files: records, once indexed */
	size_t n_recs;
	size_t hint;            /* rev: where the next match likely is */
	bool indexed;
};

struct bd_loc {
	uint64_t offset;
	uint32_t size;
	uint32_t file;          /* index into blk[] */
	uint32_t undo_rec;      /* its record in the rev file, once matched */
};

struct blkdir {
	struct bd_file *blk, *rev;
	size_t n_blk, n_rev;
	uint8_t key[8];
	bool xor_used;
	uint8_t magic[4];
	struct blkchain *chain;
	struct bd_loc *loc;     /* by blkchain index */
	size_t loc_cap;
	struct bd_file *ring[FD_RING];
	unsigned ring_pos;
	uint8_t *buf, *ubuf;    /* block and undo read buffers */
	size_t buf_cap, ubuf_cap;
	char **warn;
	size_t n_warn;
	struct blkdir_stats st;
	struct block scratch;   /* validating records found after damage */
};

/* Reads len raw (still obfuscated) bytes of f at off. */
bool bd_read_raw(struct blkdir *d, struct bd_file *f, uint8_t *buf,
		 size_t len, uint64_t off, const char **why)
	__attribute__((warn_unused_result));
/* Reads and de-obfuscates. */
bool bd_read_at(struct blkdir *d, struct bd_file *f, uint8_t *buf,
		size_t len, uint64_t off, const char **why)
	__attribute__((warn_unused_result));
/* Undoes the obfuscation of buf, which holds the file bytes at off. */
void bd_unxor(const struct blkdir *d, uint8_t *buf, size_t len, uint64_t off);
/* Grows *buf to at least need bytes; false when out of memory. */
bool bd_reserve(uint8_t **buf, size_t *cap, size_t need)
	__attribute__((warn_unused_result));
uint32_t bd_le32(const uint8_t *p);
bool bd_all_zero(const uint8_t *p, size_t n);
/* Appends a warning; false when out of memory. */
bool bd_add_warning(struct blkdir *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Frees a file list, closing what is open. */
void bd_free_files(struct bd_file *fs, size_t n);

#endif
