/* Reading a Bitcoin Core blocks directory (blk*.dat, rev*.dat, xor.dat):
 * files in any order, obfuscation, zero padding, stale blocks, duplicate
 * records and damaged tails. Opening indexes the headers of every record
 * and picks the most-work chain; blocks are then read by height. Files are
 * mapped, never loaded whole. */
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

/* Opens dir. *net is the expected network, or NETWORK_COUNT to detect it
 * from the magic; on success it holds the network found. A magic of another
 * network than the one asked for is an error naming both. Damaged tails and
 * garbage records are warnings (see below), not errors. start_height lets an
 * incremental run skip nothing but still link all headers. */
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
 * block at height, if rev files hold it. Borrowed until the next call. */
bool blkdir_read_undo(struct blkdir *d, const uint8_t **undo, size_t *len,
		      uint32_t height);

/* Warnings collected while opening, e.g.
 * "blk00001.dat: offset 70449: damaged tail (1247 bytes ignored)".
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
