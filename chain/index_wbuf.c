/* Sorted group writes for the indexer (see index_wbuf.h). */
#include "proceeds/index_wbuf.h"
#include "proceeds/store.h"

#include <assert.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HDR 6

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q) {
		fputs("proceeds: out of memory\n", stderr);  /* lint: prints before abort */
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
	free(w->refs);
	index_wbuf_init(w);
}

/* Bytes [from, from+8) of the key as a big-endian number, zero-padded:
 * comparing these compares the keys' first bytes without the arena. */
static uint64_t key_word(const uint8_t *key, size_t klen, size_t from)
{
	uint64_t v = 0;
	for (size_t i = from; i < from + 8; i++)
		v = v << 8 | (i < klen ? key[i] : 0);
	return v;
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
		w->refs = xrealloc(w->refs, w->cap_n * sizeof(*w->refs));
	}
	uint8_t *e = w->arena + w->used;
	memcpy(e, &k16, 2);
	memcpy(e + 2, &v32, 4);
	memcpy(e + HDR, key, klen);
	if (vlen)
		memcpy(e + HDR + klen, val, vlen);
	struct index_wbuf_ref *r = &w->refs[w->n++];
	r->k0 = key_word(key, klen, 0);
	r->k1 = key_word(key, klen, 8);
	r->off = w->used;
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
	w->used = w->refs[mark].off;
	w->n = mark;
}

size_t index_wbuf_bytes(const struct index_wbuf *w)
{
	return w->cap + w->cap_n * sizeof(*w->refs);
}

/* qsort has no context argument: the arena being sorted. */
static _Thread_local const uint8_t *sort_arena;

static int cmp_entry(const void *a, const void *b)
{
	const struct index_wbuf_ref *ra = a, *rb = b;
	if (ra->k0 != rb->k0)
		return ra->k0 < rb->k0 ? -1 : 1;
	if (ra->k1 != rb->k1)
		return ra->k1 < rb->k1 ? -1 : 1;
	uint64_t oa = ra->off, ob = rb->off;
	const uint8_t *ea = sort_arena + oa, *eb = sort_arena + ob;
	uint16_t ka, kb;
	memcpy(&ka, ea, 2);
	memcpy(&kb, eb, 2);
	size_t m = ka < kb ? ka : kb;
	int c = m > 16 ? memcmp(ea + HDR + 16, eb + HDR + 16, m - 16) : 0;
	if (c)
		return c;
	if (ka != kb)
		return ka < kb ? -1 : 1;
	/* Same key: keep insertion order so that the later put wins. */
	return oa < ob ? -1 : oa > ob;
}

/* Sorts refs[0..n) by key. A stable counting pass on the first byte
 * (the table) comes first; then only the tables whose keys did not
 * already arrive in order need a comparison sort (X, a and H keys are
 * appended in order: about a third of the puts). */
static void sort_refs(struct index_wbuf *w)
{
	size_t start[257] = { 0 };
	struct index_wbuf_ref *tmp;

	if (w->n < 2)
		return;
	tmp = xrealloc(NULL, w->n * sizeof(*tmp));
	for (size_t i = 0; i < w->n; i++)
		start[(w->refs[i].k0 >> 56) + 1]++;
	for (int c = 0; c < 256; c++)
		start[c + 1] += start[c];
	for (size_t i = 0; i < w->n; i++)
		tmp[start[w->refs[i].k0 >> 56]++] = w->refs[i];
	sort_arena = w->arena;
	for (size_t lo = 0, c = 0; c < 256; lo = start[c++]) {
		size_t n = start[c] - lo, i = 1;
		while (i < n && cmp_entry(&tmp[lo + i - 1], &tmp[lo + i]) < 0)
			i++;
		if (i < n)
			qsort(tmp + lo, n, sizeof(*tmp), cmp_entry);
	}
	free(w->refs);
	w->refs = tmp;
	w->cap_n = w->n;
}

bool index_wbuf_write(struct index_wbuf *w, struct store *st,
		      const void *key, size_t klen, const void *val,
		      size_t vlen, bool sync, const char **why)
{
	struct store_batch *b = store_batch_new();
	if (!b)
		return (*why = "out of memory"), false;
	sort_refs(w);
	for (size_t i = 0; i < w->n; i++) {
		const uint8_t *e = w->arena + w->refs[i].off;
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

void index_wbuf_async_init(struct index_wbuf_async *a)
{
	memset(a, 0, sizeof(*a));
	index_wbuf_init(&a->wb);
	a->ok = true;
}

void index_wbuf_async_release(struct index_wbuf_async *a)
{
	const char *why;
	if (!index_wbuf_async_wait(a, &why))
		a->ok = true;
	index_wbuf_release(&a->wb);
}

static void *async_main(void *arg)
{
	struct index_wbuf_async *a = arg;
	const char *why = NULL;

	a->ok = index_wbuf_write(&a->wb, a->st, a->key, a->klen, a->val, a->vlen,
				 false, &why);
	/* The store's message lives in this thread's storage: copy it. */
	if (!a->ok)
		snprintf(a->why, sizeof(a->why), "%s", why);
	return NULL;
}

bool index_wbuf_async_wait(struct index_wbuf_async *a, const char **why)
{
	if (a->running) {
		pthread_t *t = a->thread;
		pthread_join(*t, NULL);
		free(t);
		a->thread = NULL;
		a->running = false;
	}
	if (a->ok)
		return true;
	a->wb.n = a->wb.used = 0;
	*why = a->why;
	return false;
}

bool index_wbuf_async_start(struct index_wbuf_async *a, struct index_wbuf *w,
			    struct store *st, const void *key, size_t klen,
			    const void *val, size_t vlen, const char **why)
{
	if (!index_wbuf_async_wait(a, why)) {
		a->ok = true;
		return false;
	}
	assert(klen <= sizeof(a->key) && vlen <= sizeof(a->val));
	struct index_wbuf tmp = a->wb;
	a->wb = *w;
	*w = tmp;
	w->n = w->used = 0;
	a->st = st;
	memcpy(a->key, key, klen);
	memcpy(a->val, val, vlen);
	a->klen = klen;
	a->vlen = vlen;
	pthread_t *t = malloc(sizeof(*t));
	if (!t || pthread_create(t, NULL, async_main, a) != 0) {
		fputs("proceeds: cannot start the index writer thread\n", stderr);  /* lint: prints before abort */
		abort();
	}
	a->thread = t;
	a->running = true;
	return true;
}
