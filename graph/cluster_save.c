/* The stored form of the clustering: root chunks (flattened, so a root is
 * one read), member records (root -> its addresses), merge edges and
 * refusals. Only chunks that changed are rewritten. */
#include "cluster_int.h"

#include "proceeds/cursor.h"

#include <stdlib.h>
#include <string.h>

/* Edges and refusals are written in batches of this many records. */
#define PENDING_MAX 200000

void cl_edge_put(struct cl_state *s, uint32_t a, const uint32_t *b, size_t n,
		 uint64_t txnum, enum cluster_heuristic h, unsigned confidence)
{
	uint8_t k[CL_EDGE_KEY_LEN];
	struct idx_buf v;

	idx_buf_init(&v);
	idx_buf_varint(&v, confidence);
	idx_buf_varint(&v, n);
	for (size_t i = 0; i < n; i++)
		idx_buf_varint(&v, b[i]);
	store_batch_put(s->batch, k, cl_edge_key(k, a, txnum, h), v.p, v.len);
	idx_buf_release(&v);
	s->pending++;
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

uint32_t cl_rd32le(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static bool push64(uint64_t **v, size_t *n, size_t *cap, uint64_t x)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 4096;
		uint64_t *p = realloc(*v, c * sizeof(*p));
		if (!p)
			return false;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return true;
}

static bool push32(uint32_t **v, size_t *n, size_t *cap, uint32_t x)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 1024;
		uint32_t *p = realloc(*v, c * sizeof(*p));
		if (!p)
			return false;
		*v = p;
		*cap = c;
	}
	(*v)[(*n)++] = x;
	return true;
}

bool cl_chunk_stored(struct cl_state *s, uint32_t *old, uint32_t base,
		     size_t cnt, const char **why)
{
	uint8_t k[6], *v = NULL;
	size_t vlen;
	bool found = false;

	if (base < s->loaded_n &&
	    !store_get(s->st, &v, &vlen, &found, k,
		       cl_key(k, CLUSTER_K_ROOTS, base >> CLUSTER_CHUNK_SHIFT), why))
		return false;
	for (size_t i = 0; i < cnt; i++)
		old[i] = base + (uint32_t)i;
	if (found && vlen <= 4 * cnt)
		for (size_t i = 0; i < vlen / 4; i++)
			old[i] = cl_rd32le(v + 4 * i);
	free(v);
	return true;
}

/* Compares one dirty chunk with its stored form (old roots) and notes
 * every membership change in m. */
static bool chunk_diff(struct cl_state *s, struct cl_moves *m, uint32_t base,
		       size_t cnt, uint32_t *old, const char **why)
{
	bool ok = true;

	if (!cl_chunk_stored(s, old, base, cnt, why))
		return false;
	for (size_t i = 0; ok && i < cnt; i++) {
		uint32_t id = base + (uint32_t)i, now = s->uf.parent[id];
		if (old[i] == now)
			continue;
		if (old[i] == id && id < s->loaded_n)
			ok = push32(&m->gone, &m->n_gone, &m->cap_gone, id);
		ok = ok && push64(&m->v, &m->n, &m->cap, (uint64_t)now << 32 | id);
	}
	if (!ok)
		*why = "out of memory";
	return ok;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* One segment: the ids v[0..n) (sorted, one root) under C k root v[0]. */
static void put_segment(struct store_batch *b, struct idx_buf *buf,
			const uint64_t *v, size_t n)
{
	uint8_t k[10];

	buf->len = 0;
	idx_buf_varint(buf, n);
	for (size_t i = 1; i < n; i++)
		idx_buf_varint(buf, (uint32_t)v[i] - (uint32_t)v[i - 1]);
	store_batch_put(b, k, cl_key2(k, CLUSTER_K_MEMBER, (uint32_t)(v[0] >> 32),
				      (uint32_t)v[0]), buf->p, buf->len);
}

/* The segments of every root that gained members, after deleting those of
 * the roots that joined another cluster (their ids are among the moves). */
static bool put_members(struct cl_state *s, struct store_batch *b,
			struct cl_moves *m, const char **why)
{
	struct idx_buf buf;
	const char *err = NULL;

	for (size_t g = 0; g < m->n_gone; g++) {
		uint8_t pre[6];
		const uint8_t *k, *v;
		size_t kl, vl;
		struct store_iter *it = store_iter_new(s->st, pre,
				cl_key(pre, CLUSTER_K_MEMBER, m->gone[g]), NULL, 0);
		while (store_iter_next(it, &k, &kl, &v, &vl))
			store_batch_delete(b, k, kl);
		err = store_iter_error(it);
		store_iter_free(it);
		if (err)
			return (*why = err), false;
	}
	if (m->n > 1)
		qsort(m->v, m->n, sizeof(*m->v), cmp_u64);
	idx_buf_init(&buf);
	for (size_t i = 0, j; i < m->n; i = j) {
		for (j = i + 1; j < m->n && j - i < CL_SEGMENT_IDS &&
			     m->v[j] >> 32 == m->v[i] >> 32; j++)
			;
		put_segment(b, &buf, m->v + i, j - i);
	}
	idx_buf_release(&buf);
	return true;
}

static bool save_chunks(struct cl_state *s, struct store_batch *b,
			struct cl_moves *m, uint32_t *old, uint8_t *buf,
			const char **why)
{
	struct unionfind *u = &s->uf;
	uint8_t k[6];

	for (uint32_t base = 0; base < u->n; base += CLUSTER_CHUNK_IDS) {
		size_t cnt = u->n - base < CLUSTER_CHUNK_IDS ? u->n - base : CLUSTER_CHUNK_IDS;
		if (!u->dirty[base >> CLUSTER_CHUNK_SHIFT])
			continue;
		if (!chunk_diff(s, m, base, cnt, old, why))
			return false;
		for (size_t i = 0; i < cnt; i++)
			for (int j = 0; j < 4; j++)
				buf[4 * i + j] = (uint8_t)(u->parent[base + i] >> (8 * j));
		store_batch_put(b, k, cl_key(k, CLUSTER_K_ROOTS, base >> CLUSTER_CHUNK_SHIFT),
				buf, 4 * cnt);
	}
	return true;
}

bool cl_roots_save(struct cl_state *s, struct store_batch *b, const char **why)
{
	struct cl_moves *m = &s->moves;
	uint32_t *old = malloc(CLUSTER_CHUNK_IDS * sizeof(*old));
	uint8_t *buf = malloc(CLUSTER_CHUNK_IDS * 4);
	bool ok = old && buf;

	if (!ok)
		*why = "out of memory";
	ok = ok && cl_flatten(s, why);
	m->n = m->n_gone = 0;
	ok = ok && save_chunks(s, b, m, old, buf, why) && put_members(s, b, m, why);
	free(old);
	free(buf);
	return ok;
}

void cl_moves_release(struct cl_moves *m)
{
	free(m->v);
	free(m->gone);
	memset(m, 0, sizeof(*m));
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
		uint32_t r = cl_rd32le(v + off);
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
