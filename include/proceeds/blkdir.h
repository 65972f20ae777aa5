/* Reading a Bitcoin Core blocks directory (blk*.dat, rev*.dat, xor.dat):
 * files in any order, obfuscation, zero padding, stale blocks, duplicate
 * records and damaged tails. Opening reads only the 8-byte framing and the
 * 80-byte header of every record (fast even on a full mainnet directory,
 * so an incremental index can reopen cheaply) and picks the most-work
 * chain; blocks are then read by height, one block at a time with pread
 * into a reused buffer: no file is ever loaded whole, and resident memory
 * stays bounded by the largest block, not by the files. A handle is used
 * by one thread at a time. */
#ifndef PROCEEDS_BLKDIR_H
#define PROCEEDS_BLKDIR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "proceeds/hash.h"
#include "proceeds/network.h"

struct blkdir;

struct blkdir_block {
	const uint8_t *raw;     /* the block, de-obfuscated; borrowed until the
	                         * next blkdir_read or blkdir_free */
	size_t len;
	uint32_t height;
	struct hash256 hash;
	unsigned file_no;       /* N of blkN.dat */
	uint64_t offset;        /* of the block bytes (after magic and size) */
};

/* Opens dir (a blocks directory, or a datadir holding blocks/). *net is
 * the expected network, or NETWORK_COUNT to detect it from the magic; on
 * success it holds the network found. A magic of another network than the
 * one asked for is an error naming both. Damaged tails and garbage records
 * are warnings (see below), not errors: every whole block before the damage
 * is kept, and a record found after garbage is kept only if it parses and
 * its merkle root matches. Zero padding (Core's preallocation) is skipped
 * silently. The new handle is freed by the caller with blkdir_free. */
bool blkdir_open(struct blkdir **out, const char *dir, enum network *net,
		 const char **why) __attribute__((warn_unused_result));

/* Frees everything; d may be NULL. */
void blkdir_free(struct blkdir *d);

/* Number of blocks in the best chain (tip height + 1), 0 when empty. */
uint32_t blkdir_count(const struct blkdir *d);

/* Hash of the best-chain block at height (< count). */
const struct hash256 *blkdir_hash(const struct blkdir *d, uint32_t height);

/* Reads the best-chain block at height. False with *why on an I/O error.
 * The bytes are NOT validated here: parse them with block_parse. */
bool blkdir_read(struct blkdir *d, struct blkdir_block *out, uint32_t height,
		 const char **why) __attribute__((warn_unused_result));

/* The undo record (CBlockUndo bytes, checksum verified) of the best-chain
 * block at height, if rev files hold it: the record is looked for in the
 * rev file of the same number as the block's blk file, and matched by its
 * checksum SHA256d(prev block hash || undo), not by position. False when
 * there is none (genesis, a pruned or damaged rev file). Borrowed until the
 * next blkdir_read_undo or blkdir_free. */
bool blkdir_read_undo(struct blkdir *d, const uint8_t **undo, size_t *len,
		      uint32_t height) __attribute__((warn_unused_result));

/* Where the best-chain block at height is stored: blk file number and
 * offset of the block bytes, and its size. */
void blkdir_locate(const struct blkdir *d, uint32_t height, unsigned *file_no,
		   uint64_t *offset, uint32_t *size);

/* Warnings collected while opening (and while indexing a rev file), e.g.
 * "blk00001.dat: offset 70449: damaged tail (1247 bytes ignored)" or
 * "blk00001.dat: offset 70449: damaged data (1 bytes skipped, records resume
 * at offset 70450)": a record that follows damage is kept (and counted as a
 * duplicate when the block was already seen) only when it is a whole valid
 * block.
 * Borrowed until blkdir_free. */
size_t blkdir_warning_count(const struct blkdir *d);
const char *blkdir_warning(const struct blkdir *d, size_t i);

/* Totals seen while opening: records, stale blocks, duplicate records,
 * bytes of blk data in the best chain. */
struct blkdir_stats {
	uint64_t records;
	uint64_t stale;
	uint64_t duplicates;
	uint64_t files;
	uint64_t best_bytes;
	bool xor_used;
};
void blkdir_get_stats(const struct blkdir *d, struct blkdir_stats *out);

#endif
