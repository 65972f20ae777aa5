/* Union-find with the smallest id as representative and path halving. */
#include "proceeds/unionfind.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void unionfind_init(struct unionfind *u)
{
	memset(u, 0, sizeof(*u));
}

void unionfind_release(struct unionfind *u)
{
	free(u->parent);
	free(u->dirty);
	memset(u, 0, sizeof(*u));
}

static void mark(struct unionfind *u, uint32_t id)
{
	if (u->dirty)
		u->dirty[id >> u->dirty_shift] = 1;
}

/* Room for the dirty marks of ids 0..n-1. */
static bool dirty_fit(struct unionfind *u, uint32_t n)
{
	size_t need = n ? (((size_t)n - 1) >> u->dirty_shift) + 1 : 0;
	if (!u->dirty || need <= u->dirty_len)
		return true;
	uint8_t *d = realloc(u->dirty, need);
	if (!d)
		return false;
	memset(d + u->dirty_len, 1, need - u->dirty_len);
	u->dirty = d;
	u->dirty_len = need;
	return true;
}

bool unionfind_track(struct unionfind *u, unsigned shift)
{
	size_t need = u->n ? (((size_t)u->n - 1) >> shift) + 1 : 0;
	free(u->dirty);
	u->dirty = calloc(need ? need : 1, 1);
	u->dirty_shift = shift;
	u->dirty_len = need;
	return u->dirty != NULL;
}

void unionfind_clear_dirty(struct unionfind *u)
{
	if (u->dirty)
		memset(u->dirty, 0, u->dirty_len);
}

bool unionfind_grow(struct unionfind *u, uint32_t n)
{
	if (n <= u->n)
		return true;
	if (!dirty_fit(u, n))
		return false;
	if (n > u->cap) {
		uint64_t cap = u->cap ? u->cap : 1024;
		while (cap < n)
			cap *= 2;
		if (cap > UINT32_MAX)
			cap = UINT32_MAX;
		uint32_t *p = realloc(u->parent, (size_t)cap * sizeof(*p));
		if (!p)
			return false;
		u->parent = p;
		u->cap = (uint32_t)cap;
	}
	for (uint32_t i = u->n; i < n; i++) {
		u->parent[i] = i;
		mark(u, i);
	}
	u->sets += n - u->n;
	u->n = n;
	return true;
}

uint32_t unionfind_find(struct unionfind *u, uint32_t id)
{
	assert(id < u->n);
	uint32_t *p = u->parent;
	while (p[id] != id) {
		if (p[id] != p[p[id]]) {
			p[id] = p[p[id]];
			mark(u, id);
		}
		id = p[id];
	}
	return id;
}

/* Linking the larger root under the smaller keeps the smallest id as the
 * representative; path halving keeps finds short in practice (ids are
 * assigned in order of first appearance, so old roots absorb new ids). */
bool unionfind_union(struct unionfind *u, uint32_t a, uint32_t b)
{
	uint32_t ra = unionfind_find(u, a), rb = unionfind_find(u, b);
	if (ra == rb)
		return false;
	if (ra < rb) {
		u->parent[rb] = ra;
		mark(u, rb);
	} else {
		u->parent[ra] = rb;
		mark(u, ra);
	}
	u->sets--;
	return true;
}

bool unionfind_save(const struct unionfind *u, uint8_t **out, size_t *len)
{
	size_t n = 4 + (size_t)u->n * 4;
	uint8_t *b = malloc(n);
	*out = NULL;
	*len = 0;
	if (!b)
		return false;
	for (int k = 0; k < 4; k++)
		b[k] = (uint8_t)(u->n >> (8 * k));
	for (uint32_t i = 0; i < u->n; i++)
		for (int k = 0; k < 4; k++)
			b[4 + 4 * (size_t)i + k] = (uint8_t)(u->parent[i] >> (8 * k));
	*out = b;
	*len = n;
	return true;
}

static uint32_t rd32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

bool unionfind_load(struct unionfind *u, const uint8_t *buf, size_t len,
		    const char **why)
{
	uint32_t n;
	unionfind_release(u);
	if (len < 4 || (len - 4) % 4 != 0 || (n = rd32(buf)) != (len - 4) / 4) {
		*why = "clustering data has the wrong size";
		return false;
	}
	if (!unionfind_grow(u, n)) {
		*why = "out of memory";
		return false;
	}
	u->sets = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = rd32(buf + 4 + 4 * (size_t)i);
		if (p > i) {
			unionfind_release(u);
			*why = "clustering data is corrupt (parent after child)";
			return false;
		}
		u->parent[i] = p;
		u->sets += p == i;
	}
	return true;
}
