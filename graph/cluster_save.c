/* The stored form of the clustering: root chunks (flattened, so a root is
 * one read), member records (root -> its addresses), merge edges and
 * refusals. Only chunks that changed are rewritten. */
#include "cluster_int.h"

#include "proceeds/cursor.h"

#include <stdlib.h>
#include <string.h>

/* Edges and refusals are written in batches of this many records. */
#define PENDING_MAX 200000

void cl_edge_put(struct cl_state *s, uint32_t a, uint32_t b, uint64_t txnum,
		 enum cluster_heuristic h, unsigned confidence)
{
	uint8_t k[10], v[16];
	size_t n = varint_write(v, txnum);

	v[n++] = (uint8_t)h;
	v[n++] = (uint8_t)confidence;
	store_batch_put(s->batch, k, cl_key2(k, CLUSTER_K_EDGE, a, b), v, n);
	store_batch_put(s->batch, k, cl_key2(k, CLUSTER_K_EDGE, b, a), v, n);
	s->pending += 2;
}

bool cl_flush_pending(struct cl_state *s, bool force, const char **why)
{
	if (s->pending == 0 || (!force && s->pending < PENDING_MAX))
		return true;
	bool ok = store_write(s->st, s->batch, false, why);
	store_batch_clear(s->batch);
	s->pending = 0;
	return ok;
}

static uint32_t rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* Decodes a stored chunk into roots[0..n); false when damaged. */
static bool chunk_decode(uint32_t *roots, size_t n, uint32_t base,
			 const uint8_t *v, size_t vlen)
{
	if (vlen != 4 * n)
		return false;
	for (size_t i = 0; i < n; i++) {
		roots[i] = rd32le(v + 4 * i);
		if (roots[i] > base + i)
			return false;
	}
	return true;
}

bool cl_roots_load(struct cl_state *s, const char **why)
{
	uint32_t n = (uint32_t)s->meta.n_addr;
	if (!unionfind_grow(&s->uf, n))
		return (*why = "out of memory for the address sets"), false;
	for (uint32_t base = 0; base < n; base += CLUSTER_CHUNK_IDS) {
		uint8_t k[6], *v = NULL;
		size_t vlen, cnt = n - base < CLUSTER_CHUNK_IDS ? n - base : CLUSTER_CHUNK_IDS;
		bool found;
		if (!store_get(s->st, &v, &vlen, &found, k,
			       cl_key(k, CLUSTER_K_ROOTS, base >> CLUSTER_CHUNK_SHIFT), why))
			return false;
		bool ok = found && chunk_decode(s->uf.parent + base, cnt, base, v, vlen);
		free(v);
		if (!ok)
			return (*why = "cluster root chunk missing or damaged "
				       "(run cluster build --rebuild)"), false;
	}
	s->uf.sets = 0;
	for (uint32_t i = 0; i < n; i++)
		s->uf.sets += s->uf.parent[i] == i;
	unionfind_clear_dirty(&s->uf);
	return true;
}

/* parent[i] <= i, so one increasing pass leaves every id pointing at its
 * root. */
static void flatten(struct unionfind *u)
{
	for (uint32_t i = 0; i < u->n; i++) {
		uint32_t r = u->parent[u->parent[i]];
		if (r != u->parent[i]) {
			u->parent[i] = r;
			u->dirty[i >> u->dirty_shift] = 1;
		}
	}
}

/* Member records of one chunk: the old roots are those stored. */
static bool chunk_members(struct cl_state *s, struct store_batch *b,
			  uint32_t base, size_t cnt, uint32_t *old,
			  const char **why)
{
	uint8_t k[10], *v = NULL;
	size_t vlen;
	bool found;

	if (!store_get(s->st, &v, &vlen, &found, k,
		       cl_key(k, CLUSTER_K_ROOTS, base >> CLUSTER_CHUNK_SHIFT), why))
		return false;
	for (size_t i = 0; i < cnt; i++)
		old[i] = base + (uint32_t)i;
	if (found && vlen <= 4 * cnt)
		for (size_t i = 0; i < vlen / 4; i++)
			old[i] = rd32le(v + 4 * i);
	free(v);
	for (size_t i = 0; i < cnt; i++) {
		uint32_t id = base + (uint32_t)i, now = s->uf.parent[id];
		if (old[i] == now)
			continue;
		if (old[i] != id)
			store_batch_delete(b, k, cl_key2(k, CLUSTER_K_MEMBER, old[i], id));
		if (now != id)
			store_batch_put(b, k, cl_key2(k, CLUSTER_K_MEMBER, now, id), "", 0);
	}
	return true;
}

bool cl_roots_save(struct cl_state *s, struct store_batch *b, const char **why)
{
	struct unionfind *u = &s->uf;
	uint32_t *old = malloc(CLUSTER_CHUNK_IDS * sizeof(*old));
	uint8_t *buf = malloc(CLUSTER_CHUNK_IDS * 4), k[6];

	if (!old || !buf) {
		free(old);
		free(buf);
		return (*why = "out of memory"), false;
	}
	flatten(u);
	for (uint32_t base = 0; base < u->n; base += CLUSTER_CHUNK_IDS) {
		size_t cnt = u->n - base < CLUSTER_CHUNK_IDS ? u->n - base : CLUSTER_CHUNK_IDS;
		if (!u->dirty[base >> CLUSTER_CHUNK_SHIFT])
			continue;
		if (!chunk_members(s, b, base, cnt, old, why)) {
			free(old);
			free(buf);
			return false;
		}
		for (size_t i = 0; i < cnt; i++)
			for (int j = 0; j < 4; j++)
				buf[4 * i + j] = (uint8_t)(u->parent[base + i] >> (8 * j));
		store_batch_put(b, k, cl_key(k, CLUSTER_K_ROOTS, base >> CLUSTER_CHUNK_SHIFT),
				buf, 4 * cnt);
	}
	free(old);
	free(buf);
	return true;
}

bool cluster_root(struct store *st, uint64_t *root, uint64_t addr,
		  const char **why)
{
	bool covered;
	return cl_root_lookup(st, root, &covered, addr, why);
}

bool cl_root_lookup(struct store *st, uint64_t *root, bool *covered,
		    uint64_t addr, const char **why)
{
	uint8_t k[6], *v = NULL;
	size_t vlen, off = (addr & (CLUSTER_CHUNK_IDS - 1)) * 4;
	bool found;

	*root = addr;
	*covered = false;
	if (addr > UINT32_MAX)
		return true;
	if (!store_get(st, &v, &vlen, &found, k,
		       cl_key(k, CLUSTER_K_ROOTS, (uint32_t)(addr >> CLUSTER_CHUNK_SHIFT)), why))
		return false;
	if (found && off + 4 <= vlen) {
		uint32_t r = rd32le(v + off);
		if (r > addr) {
			free(v);
			return (*why = "cluster root chunk is damaged"), false;
		}
		*root = r;
		*covered = true;
	}
	free(v);
	return true;
}
