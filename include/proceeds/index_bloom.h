/* A fixed-size Bloom filter of the address owner keys an index holds, so
 * that the indexer can tell most fresh addresses (about half of all
 * outputs) without a LevelDB lookup. Memory is fixed at creation whatever
 * the chain size: when the filter fills up, false positives grow and cost
 * only an extra lookup, never a wrong answer. Embedded; _init/_release. */
#ifndef PROCEEDS_INDEX_BLOOM_H
#define PROCEEDS_INDEX_BLOOM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct index_bloom {
	uint64_t *bits;         /* NULL = no filter: every key "may be in" */
	uint64_t mask;          /* bit count - 1 (power of two) */
};

/* bytes: filter size (rounded down to a power of two; 0 = no filter). */
void index_bloom_init(struct index_bloom *b, size_t bytes);
void index_bloom_release(struct index_bloom *b);

void index_bloom_add(struct index_bloom *b, const uint8_t *key, size_t len);

/* False only when key was never added. */
bool index_bloom_may_have(const struct index_bloom *b, const uint8_t *key,
			  size_t len);

#endif
