/* proceeds check speed: a 1,000,000-entry watchlist in LevelDB, loaded
 * into the owner-key hash set at start-up, then screened: owner-key
 * lookups, and whole address strings (decode + lookup) as check does.
 * Prints figures for bench/RESULTS.md ("check"). */
#include "proceeds/watchlist.h"
#include "proceeds/hash.h"
#include "../tests/helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define ENTRIES 1000000
#define LOOKUPS 2000000
#define STRINGS 200000

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* The i-th owner key: P2PKH of a pseudo-random hash (i < ENTRIES are on
 * the list, others are not). */
static void owner_key(uint8_t k[21], uint32_t i)
{
	uint8_t h[32];
	hash_sha256(h, &i, sizeof(i));
	k[0] = SCRIPT_KEY_PKH;
	memcpy(k + 1, h, 20);
}

static struct store *build(const char *db)
{
	struct store_options o = { true, 0, 0, false };
	struct store *s;
	struct store_batch *b = store_batch_new();
	struct watch_entry e;
	const char *why;
	memset(&e, 0, sizeof(e));
	snprintf(e.case_ref, sizeof(e.case_ref), "BENCH-1");
	snprintf(e.source, sizeof(e.source), "freeze request bench.json");
	if (!store_open(&s, db, &o, &why))
		abort();
	for (uint32_t i = 0; i < ENTRIES; i++) {
		uint8_t key[WATCH_KEY_MAX], *val;
		size_t vlen;
		owner_key(e.owner_key, i);
		e.owner_key_len = 21;
		address_from_owner_key(e.address, NETWORK_MAIN, e.owner_key, 21);
		val = watch_encode(&vlen, &e);
		store_batch_put(b, key, watch_key(key, &e), val, vlen);
		free(val);
		if (i % 50000 == 49999 && (!store_write(s, b, false, &why) || (store_batch_clear(b), 0)))
			abort();
	}
	store_batch_free(b);
	return s;
}

int main(void)
{
	char db[300];
	const char *why;
	struct watch_set set;
	struct watch_entry e;
	static char (*addrs)[ADDRESS_MAX];
	uint8_t k[21];
	size_t hits = 0;
	double t0, t1;

	snprintf(db, sizeof(db), "%s/db", helper_tmpdir());
	t0 = now();
	struct store *s = build(db);
	printf("build %d entries in LevelDB: %.2f s\n", ENTRIES, now() - t0);
	t0 = now();
	if (!watch_set_init(&set, 0) || !watch_set_load(&set, s, &why))
		abort();
	t1 = now();
	printf("load into the set: %.2f s (%zu keys, %zu MiB table)\n", t1 - t0, set.n,
	       (set.mask + 1) * 8 >> 20);
	uint8_t (*keys)[21] = malloc((size_t)LOOKUPS * 21);
	for (uint32_t i = 0; i < LOOKUPS; i++)
		owner_key(keys[i], i * 7u % (2 * ENTRIES)); /* half on the list */
	t0 = now();
	for (uint32_t i = 0; i < LOOKUPS; i++)
		hits += watch_set_has(&set, keys[i], 21);
	t1 = now();
	printf("owner-key lookups: %.0f /s (%zu hits of %d)\n", LOOKUPS / (t1 - t0),
	       hits, LOOKUPS);
	free(keys);
	addrs = malloc((size_t)STRINGS * ADDRESS_MAX);
	for (uint32_t i = 0; i < STRINGS; i++) {
		owner_key(k, i * 13u % (2 * ENTRIES));
		address_from_owner_key(addrs[i], NETWORK_MAIN, k, 21);
	}
	hits = 0;
	t0 = now();
	for (int r = 0; r < 5; r++)
		for (uint32_t i = 0; i < STRINGS; i++)
			if (watch_entry_init(&e, NETWORK_MAIN, addrs[i], &why))
				hits += watch_set_has(&set, e.owner_key, e.owner_key_len);
	t1 = now();
	printf("address strings (base58 decode + lookup): %.0f /s (%zu hits)\n",
	       5.0 * STRINGS / (t1 - t0), hits);
	free(addrs);
	watch_set_release(&set);
	store_close(s);
	helper_rm_rf(db);
	return 0;
}
