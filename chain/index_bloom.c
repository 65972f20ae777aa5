/* Bloom filter over address owner keys (see index_bloom.h). */
#include "proceeds/index_bloom.h"

#include "proceeds/index_cache.h"

#include <stdlib.h>

#define BLOOM_K 6

void index_bloom_init(struct index_bloom *b, size_t bytes)
{
	size_t n = 8;
	b->bits = NULL;
	b->mask = 0;
	if (bytes < 8)
		return;
	while (n * 2 <= bytes)
		n *= 2;
	b->bits = calloc(n / 8, sizeof(uint64_t));
	if (b->bits)
		b->mask = (uint64_t)n * 8 - 1;
}

void index_bloom_release(struct index_bloom *b)
{
	free(b->bits);
	b->bits = NULL;
}

/* One 64-bit hash split in two: bits 6-29 pick the word (up to a 128 MiB
 * filter; a larger one reuses a few bits), bits 30-63 and 0-1 the bits
 * in it. */
static void hashes(uint64_t *h1, uint64_t *h2, const uint8_t *key, size_t len)
{
	uint64_t h = index_cache_hash(key, len);
	*h1 = h;
	*h2 = h >> 30 | h << 34;
}

/* Register-blocked: all K bits of a key lie in one 64-bit word, so a
 * lookup costs one cache miss instead of K (at a slightly higher false
 * positive rate, which only costs a LevelDB read). */
static uint64_t key_mask(uint64_t h2)
{
	uint64_t m = 0;
	for (int i = 0; i < BLOOM_K; i++)
		m |= 1ULL << ((h2 >> (6 * i)) & 63);
	return m;
}

void index_bloom_add(struct index_bloom *b, const uint8_t *key, size_t len)
{
	uint64_t h1, h2;
	if (!b->bits)
		return;
	hashes(&h1, &h2, key, len);
	b->bits[(h1 & b->mask) >> 6] |= key_mask(h2);
}

bool index_bloom_may_have(const struct index_bloom *b, const uint8_t *key,
			  size_t len)
{
	uint64_t h1, h2, m;
	if (!b->bits)
		return true;
	hashes(&h1, &h2, key, len);
	m = key_mask(h2);
	return (b->bits[(h1 & b->mask) >> 6] & m) == m;
}
