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

/* One group write in flight on a second thread, so that the next blocks
 * are connected while LevelDB takes the last group (sorting, batch
 * building, log and memtable inserts: about half the indexer's CPU).
 * Groups are written in the order started, one at a time, so each is
 * still atomic with its tip record. Embedded; _init/_release. */
struct index_wbuf_async {
	struct index_wbuf wb;   /* the group being written */
	struct store *st;       /* borrowed */
	uint8_t key[16], val[64];
	size_t klen, vlen;
	bool running, ok;
	char why[512];          /* the failed write's reason */
	void *thread;           /* pthread_t, owned while running */
};

void index_wbuf_async_init(struct index_wbuf_async *a);
/* Waits for a write in flight (its result is lost: call _wait first to
 * see it) and frees the buffers. */
void index_wbuf_async_release(struct index_wbuf_async *a);

/* Waits for the write in flight, if any. False when it failed (*why
 * then points into a, valid until the next _start). */
bool index_wbuf_async_wait(struct index_wbuf_async *a, const char **why)
	__attribute__((warn_unused_result));

/* Waits for the write in flight (false as _wait when it failed, and then
 * nothing is started), then starts writing w's puts plus (key, val) last,
 * unsynced, in one atomic batch: w's contents move to a, and w gets a's
 * emptied buffers back. klen <= 16, vlen <= 64. Aborts when no thread
 * can be created. */
bool index_wbuf_async_start(struct index_wbuf_async *a, struct index_wbuf *w,
			    struct store *st, const void *key, size_t klen,
			    const void *val, size_t vlen, const char **why)
	__attribute__((warn_unused_result));

#endif
