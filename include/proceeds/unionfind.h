/* Union-find over dense address ids, a few bytes per address, so the whole
 * chain's addresses fit one large machine. The representative of a set is
 * always its smallest id, which makes cluster ids stable across runs and
 * incremental updates (users bookmark them). */
#ifndef PROCEEDS_UNIONFIND_H
#define PROCEEDS_UNIONFIND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct unionfind {
	uint32_t *parent;       /* owned; parent[i] <= i, root when equal */
	uint32_t n;             /* ids 0..n-1 */
	uint32_t cap;
	uint32_t sets;          /* number of disjoint sets */
	/* Optional change tracking (unionfind_track): dirty[i >> dirty_shift]
	 * is set whenever parent[i] is written, so that a saver rewrites
	 * only the chunks that changed. NULL = not tracked. Owned. */
	uint8_t *dirty;
	unsigned dirty_shift;
	size_t dirty_len;
};

/* Embedded: _init/_release. Starts empty. */
void unionfind_init(struct unionfind *u);
void unionfind_release(struct unionfind *u);

/* Extends to ids 0..n-1 (new ids are singletons). False on out of memory. */
bool unionfind_grow(struct unionfind *u, uint32_t n)
	__attribute__((warn_unused_result));

/* The representative (smallest id) of id's set; id < n. Compresses paths. */
uint32_t unionfind_find(struct unionfind *u, uint32_t id);

/* Joins the sets of a and b; returns true when they were different sets
 * (a merge happened), false when already joined. */
bool unionfind_union(struct unionfind *u, uint32_t a, uint32_t b);

/* Starts marking written chunks of 2^shift ids (all clear now; ids added
 * later by unionfind_grow start dirty). False on out of memory. */
bool unionfind_track(struct unionfind *u, unsigned shift)
	__attribute__((warn_unused_result));

/* Clears every dirty mark. */
void unionfind_clear_dirty(struct unionfind *u);

/* Serialised form: n then parent[] as little-endian u32, for saving the
 * clustering next to the index. *out is new (caller frees). */
bool unionfind_save(const struct unionfind *u, uint8_t **out, size_t *len)
	__attribute__((warn_unused_result));
bool unionfind_load(struct unionfind *u, const uint8_t *buf, size_t len,
		    const char **why) __attribute__((warn_unused_result));

#endif
