/* The simulator's own pseudo-random generator: xoshiro256** seeded through
 * splitmix64. Never rand(): the same --seed must give the same chain on every
 * machine and libc, so every draw is integer arithmetic (no libm). */
#ifndef PROCEEDS_SIMRNG_H
#define PROCEEDS_SIMRNG_H

#include <stdint.h>
#include <stdbool.h>

/* Embedded state; no heap. */
struct simrng {
	uint64_t s[4];
};

/* Seeds from a 64-bit seed and a stream number, so that independent parts
 * of the simulation (economy, keys, crime) draw from separate streams and
 * a change in one does not shift the others. */
void simrng_init(struct simrng *r, uint64_t seed, uint64_t stream);

/* Next 64 random bits. */
uint64_t simrng_next(struct simrng *r);

/* Uniform in [0, n); n > 0. Unbiased (Lemire's method with rejection). */
uint64_t simrng_below(struct simrng *r, uint64_t n);

/* Uniform in [lo, hi]; lo <= hi. */
uint64_t simrng_range(struct simrng *r, uint64_t lo, uint64_t hi);

/* True with probability permille/1000. */
bool simrng_permille(struct simrng *r, unsigned permille);

/* A heavy-tailed positive integer around median, between lo and hi:
 * median scaled by a random factor 2^(k/4) for k drawn from a discrete
 * two-sided geometric law. Used for prices and balances, where real
 * amounts are roughly log-normal. */
uint64_t simrng_skewed(struct simrng *r, uint64_t median, uint64_t lo, uint64_t hi);

#endif
