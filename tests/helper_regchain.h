/* Regtest chains with transactions and competing branches, for the tests
 * and the benchmark of indexing from a node (tests/helper_regchain.c).
 *
 * Block 0 is regtest's genesis. Each block h >= 1 has a coinbase paying
 * 50 BTC to an address of its branch and, from h = 3 on, a tx spending
 * the coinbase of h - 2 into two outputs: one to an address of the
 * branch, one to an address shared by every branch. Two branches that fork
 * at F therefore spend the same coinbases (those at heights <= F) in
 * different transactions: a reorg must undo spends, history entries and
 * new addresses. Headers have valid regtest proof of work. */
#ifndef PROCEEDS_TESTS_HELPER_REGCHAIN_H
#define PROCEEDS_TESTS_HELPER_REGCHAIN_H

#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"

struct regchain {
	uint8_t **raw;          /* raw[h], len[h]: block at height h */
	size_t *len;
	struct hash256 *hash;
	uint32_t n;
};

/* Builds n blocks: heights <= fork on branch tag_a, above it on tag_b
 * (fork >= n - 1: all on tag_a). The same (fork, tag_a) gives the same
 * prefix. Release with regchain_free. Aborts on out of memory. */
void regchain_build(struct regchain *c, uint32_t n, uint32_t fork,
		    uint32_t tag_a, uint32_t tag_b);
void regchain_free(struct regchain *c);

/* Writes the chain as dir/blk00000.dat (regtest magic, size, block). */
void regchain_write_blk(const struct regchain *c, const char *dir);

#endif
