/* The header graph of a blocks directory: headers in any order, linked by
 * prev-hash, and the most-work chain among them (work of a header =
 * 2^256 / (target + 1), summed from a root). Pure bookkeeping, no I/O:
 * blkdir feeds it the headers it finds on disk. */
#ifndef PROCEEDS_BLKCHAIN_H
#define PROCEEDS_BLKCHAIN_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "proceeds/hash.h"

struct blkchain;

/* A new empty graph (caller frees with blkchain_free); NULL when out of
 * memory. */
struct blkchain *blkchain_new(void);
void blkchain_free(struct blkchain *c);

/* Adds a header. Indexes are dense and in order of first addition. A hash
 * already known sets *dup and returns the earlier index (the first copy
 * wins). False only when out of memory. */
bool blkchain_add(struct blkchain *c, uint32_t *idx, bool *dup,
		  const struct hash256 *hash, const struct hash256 *prev,
		  uint32_t bits) __attribute__((warn_unused_result));

/* Links every header to its parent and picks the chain with the most work
 * from a root (a header whose prev is all zero). Equal work: the tip added
 * first wins, as Core keeps the first-seen tip. Headers whose ancestry does
 * not reach a root are orphans. Call once, after the last add. */
bool blkchain_select(struct blkchain *c, const char **why)
	__attribute__((warn_unused_result));

/* Headers added (without duplicates). */
uint32_t blkchain_size(const struct blkchain *c);
/* Best chain length (tip height + 1), 0 when there is none. */
uint32_t blkchain_count(const struct blkchain *c);
/* Index of the best-chain header at height (< count). */
uint32_t blkchain_at(const struct blkchain *c, uint32_t height);
/* Hash of the header with index idx (borrowed until blkchain_free). */
const struct hash256 *blkchain_hash(const struct blkchain *c, uint32_t idx);
/* Headers whose ancestors are missing. */
uint32_t blkchain_orphans(const struct blkchain *c);
/* Total work of the best chain, 256-bit little-endian words. */
void blkchain_tip_work(const struct blkchain *c, uint64_t out[4]);

#endif
