/* The roots of earlier builds, read lazily: a build loads only the chunks
 * (4096 ids each) that its new transactions, its tags, and the members of
 * clusters joined to others touch, so that an incremental run costs its
 * new blocks, not the size of what was clustered before. Stored chunks are
 * flat (every id holds its root), which is what makes a chunk usable on
 * its own. */
#include "cluster_int.h"

#include <stdlib.h>
#include <string.h>

/* Decodes a stored chunk into roots[0..n); false when damaged. */
static bool chunk_decode(uint32_t *roots, size_t n, uint32_t base,
			 const uint8_t *v, size_t vlen)
{
	if (vlen != 4 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		roots[i] = cl_rd32le(v + 4 * i);
		if (roots[i] > base + i)
			return false;
	}
	return true;
}

static bool load_chunk(struct cl_state *s, uint32_t c, const char **why)
{
	uint32_t base = c << CLUSTER_CHUNK_SHIFT;
	size_t cnt = s->loaded_n - base < CLUSTER_CHUNK_IDS ? s->loaded_n - base
							     : CLUSTER_CHUNK_IDS;
	uint8_t k[6], *v = NULL;
	size_t vlen;
	bool found;

	if (!store_get(s->st, &v, &vlen, &found, k, cl_key(k, CLUSTER_K_ROOTS, c), why))
		return false;
	bool ok = found && chunk_decode(s->uf.parent + base, cnt, base, v, vlen);
	free(v);
	if (!ok)
		return (*why = "cluster root chunk missing or damaged "
			       "(run cluster build --rebuild)"), false;
	s->loaded[c] = 1;
	return true;
}

bool cl_roots_load(struct cl_state *s, const char **why)
{
	struct unionfind *u = &s->uf;
	uint32_t n = (uint32_t)s->meta.n_addr;
	size_t chunks = ((size_t)n + CLUSTER_CHUNK_IDS - 1) >> CLUSTER_CHUNK_SHIFT;

	s->loaded_n = n;
	s->loaded = calloc(chunks ? chunks : 1, 1);
	u->parent = malloc((n ? n : 1) * sizeof(*u->parent));
	if (!s->loaded || !u->parent)
		return (*why = "out of memory for the address sets"), false;
	u->n = u->cap = n;
	u->sets = (uint32_t)s->meta.clusters;
	if (!unionfind_track(u, CLUSTER_CHUNK_SHIFT))
		return (*why = "out of memory"), false;
	/* a partly stored last chunk is completed by new ids: load it now */
	return n % CLUSTER_CHUNK_IDS == 0 || load_chunk(s, (n - 1) >> CLUSTER_CHUNK_SHIFT, why);
}

bool cl_touch(struct cl_state *s, uint64_t id, const char **why)
{
	if (id >= s->loaded_n)
		return true;
	if (!s->loaded[id >> CLUSTER_CHUNK_SHIFT] &&
	    !load_chunk(s, (uint32_t)(id >> CLUSTER_CHUNK_SHIFT), why))
		return false;
	uint32_t p = s->uf.parent[id];
	if (p < s->loaded_n && !s->loaded[p >> CLUSTER_CHUNK_SHIFT])
		return load_chunk(s, p >> CLUSTER_CHUNK_SHIFT, why);
	return true;
}

static bool chunk_live(const struct cl_state *s, uint32_t c)
{
	return ((uint64_t)c << CLUSTER_CHUNK_SHIFT) >= s->loaded_n || s->loaded[c];
}

/* Points the stored members of a root that joined another cluster at the
 * new root (their chunks were perhaps never loaded). */
static bool repoint_members(struct cl_state *s, uint32_t gone, const char **why)
{
	uint32_t *ids;
	size_t n;
	bool ok = true;

	if (!cl_members_load(s->st, &ids, &n, gone, why))
		return false;
	for (size_t i = 0; ok && i < n; i++) {
		ok = cl_touch(s, ids[i], why);
		uint32_t r = ok ? unionfind_find(&s->uf, ids[i]) : 0;
		if (ok && s->uf.parent[ids[i]] != r) {
			s->uf.parent[ids[i]] = r;
			s->uf.dirty[ids[i] >> CLUSTER_CHUNK_SHIFT] = 1;
		}
	}
	free(ids);
	return ok;
}

/* Roots of earlier builds that joined another cluster in this one. */
static bool repoint_gone(struct cl_state *s, uint32_t *old, const char **why)
{
	struct unionfind *u = &s->uf;

	for (uint32_t base = 0; base < s->loaded_n; base += CLUSTER_CHUNK_IDS) {
		size_t cnt = s->loaded_n - base < CLUSTER_CHUNK_IDS ? s->loaded_n - base
								    : CLUSTER_CHUNK_IDS;
		if (!u->dirty[base >> CLUSTER_CHUNK_SHIFT])
			continue;
		if (!cl_chunk_stored(s, old, base, cnt, why))
			return false;
		for (size_t i = 0; i < cnt; i++) {
			uint32_t id = base + (uint32_t)i;
			if (old[i] == id && unionfind_find(u, id) != id &&
			    !repoint_members(s, id, why))
				return false;
		}
	}
	return true;
}

bool cl_flatten(struct cl_state *s, const char **why)
{
	struct unionfind *u = &s->uf;
	uint32_t *old = malloc(CLUSTER_CHUNK_IDS * sizeof(*old));

	if (!old)
		return (*why = "out of memory"), false;
	bool ok = repoint_gone(s, old, why);
	free(old);
	for (uint32_t base = 0; ok && base < u->n; base += CLUSTER_CHUNK_IDS) {
		uint32_t end = u->n - base < CLUSTER_CHUNK_IDS ? u->n : base + CLUSTER_CHUNK_IDS;
		if (!chunk_live(s, base >> CLUSTER_CHUNK_SHIFT))
			continue;
		for (uint32_t id = base; id < end; id++) {
			/* a root in a chunk never read is untouched: still a root */
			if (!chunk_live(s, u->parent[id] >> CLUSTER_CHUNK_SHIFT))
				continue;
			uint32_t r = unionfind_find(u, id);
			if (u->parent[id] != r) {
				u->parent[id] = r;
				u->dirty[base >> CLUSTER_CHUNK_SHIFT] = 1;
			}
		}
	}
	return ok;
}
