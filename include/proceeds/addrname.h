/* Display names of address ids ("bc1q...", or "script:<hex of the owner
 * key>" for outputs without an address), for writers that stream the
 * index in chain order and name many addresses.
 *
 * New address ids appear in the index in ascending order (an id is given
 * at an address's first output), so a reader walking the `X` records in
 * txnum order meets each new id just after the one before: those names
 * come from one sequential iterator over the `a` records. Earlier ids
 * (spent outputs, reused addresses) come from a direct-mapped cache of
 * the most recent names, and on a miss from one `a` point read. Memory
 * is the cache's, fixed at creation, whatever the index size. */
#ifndef PROCEEDS_ADDRNAME_H
#define PROCEEDS_ADDRNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"

struct store;
struct addrname;

/* Longest display name plus NUL: "script:" and the hex of a 42-byte
 * owner key (script.h SCRIPT_KEY_MAX), or an address (ADDRESS_MAX). */
#define ADDRNAME_MAX 96

/* The display name of owner key key[0..klen) on net into out: its
 * address, else "script:<hex>" (what cluster_addr_string shows). */
void addrname_format(char out[ADDRNAME_MAX], enum network net,
		     const uint8_t *key, size_t klen);

/* A namer over st (borrowed until addrname_free) whose sequential
 * iterator starts at address id first (the first new id of the first
 * block the caller will read), with a cache of slots entries (rounded up
 * to a power of two; 0 = 2^18, about 26 MiB). *out is new. */
bool addrname_new(struct addrname **out, struct store *st, enum network net,
		  uint64_t first, size_t slots, const char **why)
	__attribute__((warn_unused_result));

/* The name of id into *name, borrowed until the next call on an. An id
 * without an `a` record is an error naming it (*why borrowed until
 * addrname_free). */
bool addrname_get(struct addrname *an, const char **name, uint64_t id,
		  const char **why) __attribute__((warn_unused_result));

/* Where the names came from so far. */
struct addrname_stats {
	uint64_t sequential;        /* read by the sequential iterator */
	uint64_t hits;              /* found in the cache */
	uint64_t reads;             /* `a` point reads (cache misses) */
};
void addrname_get_stats(const struct addrname *an, struct addrname_stats *out);

/* an may be NULL. */
void addrname_free(struct addrname *an);

#endif
