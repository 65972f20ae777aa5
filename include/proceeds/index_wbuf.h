/* The indexer's pending writes: key/value puts collected over a group of
 * blocks, then sorted by key and handed to LevelDB as one atomic batch.
 * Sorted insertion walks LevelDB's memtable skiplist along warm paths, so
 * the random keys (txids, owner keys, spent-by and history keys) cost
 * far less than in arrival order. A failed block is undone by rolling
 * back to a mark. Embedded; _init/_release. */
#ifndef PROCEEDS_INDEX_WBUF_H
#define PROCEEDS_INDEX_WBUF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct index_wbuf {
	uint8_t *arena;         /* entries: klen(2) vlen(4) key value */
	size_t used, cap;
	struct index_wbuf_ref {
		uint64_t k0, k1;    /* the key's first 16 bytes, big-endian */
		uint64_t off;       /* arena offset of the entry */
	} *refs;                /* in insertion order until sorted */
	size_t n, cap_n;
};

void index_wbuf_init(struct index_wbuf *w);
void index_wbuf_release(struct index_wbuf *w);

/* Adds a put (the later of two puts of one key wins). Aborts on out of
 * memory. */
void index_wbuf_put(struct index_wbuf *w, const void *key, size_t klen,
		    const void *val, size_t vlen);

/* A position to roll back to, and the rollback. */
size_t index_wbuf_mark(const struct index_wbuf *w);
void index_wbuf_rollback(struct index_wbuf *w, size_t mark);

/* Bytes held. */
size_t index_wbuf_bytes(const struct index_wbuf *w);

/* Writes every put, sorted by key, plus (key, val) last, in one atomic
 * LevelDB write; empties w on success, keeps it on failure. */
bool index_wbuf_write(struct index_wbuf *w, struct store *st,
		      const void *key, size_t klen, const void *val,
		      size_t vlen, bool sync, const char **why)
	__attribute__((warn_unused_result));

#endif
