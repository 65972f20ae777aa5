/* Sorted group writes for the indexer (see index_wbuf.h). */
#include "proceeds/index_wbuf.h"
#include "proceeds/store.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 6

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("proceeds: out of memory\n", stderr);
		abort();
	}
	return q;
}

void index_wbuf_init(struct index_wbuf *w)
{
	memset(w, 0, sizeof(*w));
}

void index_wbuf_release(struct index_wbuf *w)
{
	free(w->arena);
	free(w->offs);
	index_wbuf_init(w);
}

void index_wbuf_put(struct index_wbuf *w, const void *key, size_t klen,
		    const void *val, size_t vlen)
{
	size_t need = HDR + klen + vlen;
	uint16_t k16 = (uint16_t)klen;
	uint32_t v32 = (uint32_t)vlen;

	if (w->used + need > w->cap) {
		size_t cap = w->cap ? w->cap : (1u << 20);
		while (cap < w->used + need)
			cap *= 2;
		w->arena = xrealloc(w->arena, cap);
		w->cap = cap;
	}
	if (w->n == w->cap_n) {
		w->cap_n = w->cap_n ? w->cap_n * 2 : 16384;
		w->offs = xrealloc(w->offs, w->cap_n * sizeof(*w->offs));
	}
	uint8_t *e = w->arena + w->used;
	memcpy(e, &k16, 2);
	memcpy(e + 2, &v32, 4);
	memcpy(e + HDR, key, klen);
	if (vlen)
		memcpy(e + HDR + klen, val, vlen);
	w->offs[w->n++] = w->used;
	w->used += need;
}

size_t index_wbuf_mark(const struct index_wbuf *w)
{
	return w->n;
}

void index_wbuf_rollback(struct index_wbuf *w, size_t mark)
{
	if (mark >= w->n)
		return;
	w->used = w->offs[mark];
	w->n = mark;
}

size_t index_wbuf_bytes(const struct index_wbuf *w)
{
	return w->cap + w->cap_n * sizeof(*w->offs);
}

/* qsort has no context argument: the arena being sorted. */
static _Thread_local const uint8_t *sort_arena;

static int cmp_entry(const void *a, const void *b)
{
	size_t oa = *(const size_t *)a, ob = *(const size_t *)b;
	const uint8_t *ea = sort_arena + oa, *eb = sort_arena + ob;
	uint16_t ka, kb;
	memcpy(&ka, ea, 2);
	memcpy(&kb, eb, 2);
	int c = memcmp(ea + HDR, eb + HDR, ka < kb ? ka : kb);
	if (c)
		return c;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	/* Same key: keep insertion order so that the later put wins. */
	return oa < ob ? -1 : oa > ob;
}

bool index_wbuf_write(struct index_wbuf *w, struct store *st,
		      const void *key, size_t klen, const void *val,
		      size_t vlen, bool sync, const char **why)
{
	struct store_batch *b = store_batch_new();
	if (!b)
		return (*why = "out of memory"), false;
	sort_arena = w->arena;
	qsort(w->offs, w->n, sizeof(*w->offs), cmp_entry);
	for (size_t i = 0; i < w->n; i++) {
		const uint8_t *e = w->arena + w->offs[i];
		uint16_t kl;
		uint32_t vl;
		memcpy(&kl, e, 2);
		memcpy(&vl, e + 2, 4);
		store_batch_put(b, e + HDR, kl, e + HDR + kl, vl);
	}
	store_batch_put(b, key, klen, val, vlen);
	bool ok = store_write(st, b, sync, why);
	store_batch_free(b);
	if (ok)
		w->n = w->used = 0;
	return ok;
}
