/* Two-generation bounded hash map (open addressing, linear probing). */
#include "proceeds/index_cache.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENTRY_HDR 9 /* hash(4) klen(1) vlen(4) */
#define MIN_SLOTS 1024u

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n);
	if (!q) {
		fputs("proceeds: out of memory\n", stderr);  /* lint: prints before abort */
		abort();
	}
	return q;
}

/* 64x64 -> 128-bit multiply, folded (the mixing step of wyhash). */
static uint64_t mum(uint64_t a, uint64_t b)
{
	__uint128_t r = (__uint128_t)a * b;
	return (uint64_t)r ^ (uint64_t)(r >> 64);
}

/* Word at a time rather than FNV's byte at a time: the byte loop's
 * serial multiplies were a visible share of the indexer's CPU. Every
 * byte counts (owner keys start with a kind byte and witness programs
 * may share prefixes). */
uint64_t index_cache_hash(const uint8_t *k, size_t n)
{
	uint64_t h = 0x9e3779b97f4a7c15ULL ^ n, w;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		memcpy(&w, k + i, 8);
		h = mum(h ^ w, 0xa0761d6478bd642fULL);
	}
	if (i < n) {
		w = 0;
		memcpy(&w, k + i, n - i);
		h = mum(h ^ w, 0xe7037ed1a0b428dbULL);
	}
	return mum(h, 0x8ebc6af09c88c6e3ULL);
}

static uint32_t key_hash(const uint8_t *k, size_t n)
{
	return (uint32_t)index_cache_hash(k, n);
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v;
}

static void gen_init(struct index_cache_gen *g)
{
	g->slots = xrealloc(NULL, MIN_SLOTS * sizeof(*g->slots));
	memset(g->slots, 0, MIN_SLOTS * sizeof(*g->slots));
	g->mask = MIN_SLOTS - 1;
	g->count = 0;
	g->arena = NULL;
	g->used = g->cap = 0;
}

static void gen_release(struct index_cache_gen *g)
{
	free(g->slots);
	free(g->arena);
	g->slots = NULL;
	g->arena = NULL;
}

void index_cache_init(struct index_cache *c, size_t budget)
{
	gen_init(&c->gen[0]);
	gen_init(&c->gen[1]);
	c->budget = budget < (64u << 10) ? (64u << 10) : budget;
	c->hits = c->misses = 0;
}

void index_cache_release(struct index_cache *c)
{
	gen_release(&c->gen[0]);
	gen_release(&c->gen[1]);
}

void index_cache_clear(struct index_cache *c)
{
	size_t budget = c->budget;
	index_cache_release(c);
	index_cache_init(c, budget);
}

/* Slot index holding key, or the empty slot where it would go. */
/* A slot holds the key's hash in its high half, so that probing touches
 * the arena only for a probable match. */
static uint32_t gen_find(const struct index_cache_gen *g, uint32_t h,
			 const uint8_t *key, size_t klen)
{
	uint32_t i = h & g->mask;
	for (;; i = (i + 1) & g->mask) {
		uint64_t s = g->slots[i];
		if (!s)
			return i;
		if ((uint32_t)(s >> 32) != h)
			continue;
		const uint8_t *e = g->arena + (uint32_t)s - 1;
		if (e[4] == klen && memcmp(e + ENTRY_HDR, key, klen) == 0)
			return i;
	}
}

const uint8_t *index_cache_get(struct index_cache *c, const uint8_t *key,
			       size_t klen, size_t *vlen)
{
	uint32_t h = key_hash(key, klen);
	for (int gi = 0; gi < 2; gi++) {
		struct index_cache_gen *g = &c->gen[gi];
		uint32_t s = (uint32_t)g->slots[gen_find(g, h, key, klen)];
		if (s) {
			const uint8_t *e = g->arena + s - 1;
			*vlen = rd32(e + 5);
			c->hits++;
			return e + ENTRY_HDR + klen;
		}
	}
	c->misses++;
	return NULL;
}

static void gen_grow(struct index_cache_gen *g)
{
	uint32_t n = (g->mask + 1) * 2;
	uint64_t *old = g->slots;
	uint32_t old_n = g->mask + 1;

	g->slots = xrealloc(NULL, (size_t)n * sizeof(*g->slots));
	memset(g->slots, 0, (size_t)n * sizeof(*g->slots));
	g->mask = n - 1;
	for (uint32_t i = 0; i < old_n; i++) {
		if (!old[i])
			continue;
		uint32_t j = (uint32_t)(old[i] >> 32) & g->mask;
		while (g->slots[j])
			j = (j + 1) & g->mask;
		g->slots[j] = old[i];
	}
	free(old);
}

uint8_t *index_cache_put(struct index_cache *c, const uint8_t *key,
			 size_t klen, size_t vlen)
{
	struct index_cache_gen *g = &c->gen[0];
	uint32_t h = key_hash(key, klen), v32 = (uint32_t)vlen;
	size_t need = ENTRY_HDR + klen + vlen;

	assert(klen <= INDEX_CACHE_KEY_MAX);
	if ((g->count + 1) * 2 > g->mask + 1)
		gen_grow(g);
	if (g->used + need > g->cap) {
		size_t cap = g->cap ? g->cap : (64u << 10);
		while (cap < g->used + need)
			cap *= 2;
		assert(cap < UINT32_MAX);
		g->arena = xrealloc(g->arena, cap);
		g->cap = cap;
	}
	uint32_t i = gen_find(g, h, key, klen);
	if (!g->slots[i])
		g->count++;
	uint8_t *e = g->arena + g->used;
	memcpy(e, &h, 4);
	e[4] = (uint8_t)klen;
	memcpy(e + 5, &v32, 4);
	memcpy(e + ENTRY_HDR, key, klen);
	g->slots[i] = (uint64_t)h << 32 | ((uint32_t)g->used + 1);
	g->used += need;
	return e + ENTRY_HDR + klen;
}

bool index_cache_full(const struct index_cache *c)
{
	const struct index_cache_gen *g = &c->gen[0];
	return g->used + (size_t)(g->mask + 1) * sizeof(uint64_t) > c->budget;
}

void index_cache_rotate(struct index_cache *c)
{
	gen_release(&c->gen[1]);
	c->gen[1] = c->gen[0];
	gen_init(&c->gen[0]);
}

size_t index_cache_bytes(const struct index_cache *c)
{
	size_t n = 0;
	for (int i = 0; i < 2; i++)
		n += c->gen[i].cap + (size_t)(c->gen[i].mask + 1) * sizeof(uint64_t);
	return n;
}
