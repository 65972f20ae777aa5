/* xoshiro256** (Blackman and Vigna, 2018) seeded by splitmix64. */
#include "proceeds/simrng.h"

#include <assert.h>

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += UINT64_C(0x9e3779b97f4a7c15));
	z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
	z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
	return z ^ (z >> 31);
}

void simrng_init(struct simrng *r, uint64_t seed, uint64_t stream)
{
	uint64_t x = seed ^ (stream * UINT64_C(0xd1342543de82ef95));
	for (int i = 0; i < 4; i++)
		r->s[i] = splitmix64(&x);
}

static inline uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

uint64_t simrng_next(struct simrng *r)
{
	uint64_t *s = r->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

uint64_t simrng_below(struct simrng *r, uint64_t n)
{
	assert(n > 0);
	unsigned __int128 m = (unsigned __int128)simrng_next(r) * n;
	uint64_t low = (uint64_t)m;
	if (low < n) {
		uint64_t threshold = -n % n;
		while (low < threshold) {
			m = (unsigned __int128)simrng_next(r) * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}

uint64_t simrng_range(struct simrng *r, uint64_t lo, uint64_t hi)
{
	assert(lo <= hi);
	if (hi - lo == UINT64_MAX)
		return simrng_next(r);
	return lo + simrng_below(r, hi - lo + 1);
}

bool simrng_permille(struct simrng *r, unsigned permille)
{
	return simrng_below(r, 1000) < permille;
}

/* 2^(k/4) for k = 0..3 in 1/1024 units: the fractional steps. */
static const uint64_t quarter_steps[4] = { 1024, 1218, 1448, 1722 };

uint64_t simrng_skewed(struct simrng *r, uint64_t median, uint64_t lo, uint64_t hi)
{
	int k = 0;
	/* Two-sided geometric: each step continues with probability 3/4. */
	while (k < 40 && simrng_below(r, 4) != 0)
		k++;
	if (simrng_below(r, 2))
		k = -k;
	unsigned __int128 v = median;
	int whole = (k >= 0 ? k : -k) / 4, frac = (k >= 0 ? k : -k) % 4;
	if (k >= 0) {
		v = (v * quarter_steps[frac]) / 1024;
		v <<= whole > 60 ? 60 : whole;
	} else {
		v = (v * 1024) / quarter_steps[frac];
		v >>= whole > 60 ? 60 : whole;
	}
	/* Jitter by +-12.5% so amounts are not on a lattice. */
	uint64_t base = v > hi ? hi : (uint64_t)v;
	base = base - base / 8 + simrng_below(r, base / 4 + 1);
	if (base < lo)
		base = lo;
	if (base > hi)
		base = hi;
	return base;
}
