/* A bounded in-memory map from short byte keys (txids, address owner keys)
 * to small byte values, for the indexer's hot lookups. Two generations:
 * inserts go to the young one; index_cache_rotate drops the old one and
 * makes the young one old. Memory is therefore bounded by about twice the
 * generation budget, and recently inserted keys (the ones blocks spend
 * most) stay. A miss is never an error: the caller asks LevelDB. */
#ifndef PROCEEDS_INDEX_CACHE_H
#define PROCEEDS_INDEX_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define INDEX_CACHE_KEY_MAX 64

struct index_cache_gen {
	uint64_t *slots;        /* hash << 32 | arena offset + 1; 0 = empty */
	uint32_t mask;          /* slots - 1 (power of two) */
	uint32_t count;
	uint8_t *arena;         /* entries: hash(4) klen(1) vlen(4) key value */
	size_t used, cap;
};

/* Embedded; _init/_release. */
struct index_cache {
	struct index_cache_gen gen[2]; /* [0] young, [1] old */
	size_t budget;          /* bytes per generation before rotation is due */
	uint64_t hits, misses;
};

/* A fast 64-bit hash of a short key, eight bytes per step (the keys are
 * txids and owner keys, mostly hash output already). In-memory use only:
 * the value may differ between machines. */
uint64_t index_cache_hash(const uint8_t *key, size_t len);

/* budget: bytes one generation may hold (arena + slots) before
 * index_cache_full says so; at least 64 KiB is used. */
void index_cache_init(struct index_cache *c, size_t budget);
void index_cache_release(struct index_cache *c);

/* Forgets everything (after a failed block or a disconnect). */
void index_cache_clear(struct index_cache *c);

/* The value of key, borrowed until the next put/rotate/clear, or NULL. */
const uint8_t *index_cache_get(struct index_cache *c, const uint8_t *key,
			       size_t klen, size_t *vlen);

/* Inserts or replaces key in the young generation and returns the vlen
 * bytes to fill, borrowed until the next put/rotate/clear. Aborts on out
 * of memory. klen <= INDEX_CACHE_KEY_MAX. */
uint8_t *index_cache_put(struct index_cache *c, const uint8_t *key,
			 size_t klen, size_t vlen);

/* True when the young generation is over budget. */
bool index_cache_full(const struct index_cache *c);

/* Drops the old generation; the young one becomes old. The caller rotates
 * only when every dropped entry is also in LevelDB (after a flush). */
void index_cache_rotate(struct index_cache *c);

/* Bytes held now (both generations). */
size_t index_cache_bytes(const struct index_cache *c);

#endif
