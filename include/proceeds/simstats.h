/* The simulator's --stats: the share of outputs paying an address that was
 * paid before (address reuse, as BitMEX Research and others count it),
 * measured exactly with a set of 64-bit address fingerprints (x coordinate
 * of the key and script type). Only allocated with --stats: 16 bytes per
 * address at most (a hash table kept at most half full). */
#ifndef PROCEEDS_SIMSTATS_H
#define PROCEEDS_SIMSTATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/simtx.h"

/* Embedded; zero it, use, then simstats_release. */
struct simstats {
	uint64_t *v;            /* open addressing; 0 is empty */
	size_t n, cap;
	uint64_t outputs, reused; /* outputs seen, those to a seen address */
};

/* Counts an output paying key: reused when its address was paid before.
 * False when out of memory. */
bool simstats_output(struct simstats *s, const struct simkey *key)
	__attribute__((warn_unused_result));

void simstats_release(struct simstats *s);

#endif
