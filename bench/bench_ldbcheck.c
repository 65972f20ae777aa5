/* Speed of the file check behind `index --verify` (ldbcheck.h): CRC-32C
 * with the SSE4.2 instruction and table-driven, then a whole LevelDB
 * database of about 200 MB (pseudo-random values, so that Snappy leaves
 * most blocks as they are) checked from the page cache. Prints figures for
 * bench/RESULTS.md ("ldbcheck"). */
#include "proceeds/ldbcheck.h"
#include "proceeds/store.h"
#include "../tests/helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CRC_BYTES (64u << 20)
#define CRC_ROUNDS 8
#define DB_KEYS 1500000u

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double crc_rate(uint32_t (*f)(uint32_t, const void *, size_t),
		       const uint8_t *buf, uint32_t *crc)
{
	double t0 = now();
	for (int r = 0; r < CRC_ROUNDS; r++)
		*crc = f(0, buf, CRC_BYTES);
	return (double)CRC_BYTES * CRC_ROUNDS / (now() - t0) / 1e6;
}

static void build(const char *dir)
{
	struct store_options o = { true, 0, 0, false };
	struct store *s;
	struct store_batch *b = store_batch_new();
	const char *why = NULL;
	uint64_t x = 88172645463325252ull;
	uint8_t key[12], val[120];

	if (!store_open(&s, dir, &o, &why)) {
		fprintf(stderr, "bench_ldbcheck: %s\n", why);
		exit(1);
	}
	for (uint32_t i = 0; i < DB_KEYS; i++) {
		for (size_t j = 0; j < sizeof(val); j += 8) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			memcpy(val + j, &x, 8);
		}
		snprintf((char *)key, sizeof(key), "k%010u", i);
		store_batch_put(b, key, 11, val, sizeof(val));
		if (i % 10000 == 9999 && !store_write(s, b, false, &why)) {
			fprintf(stderr, "bench_ldbcheck: %s\n", why);
			exit(1);
		}
		if (i % 10000 == 9999)
			store_batch_clear(b);
	}
	store_compact(s);
	store_batch_free(b);
	store_close(s);
}

int main(void)
{
	uint8_t *buf = malloc(CRC_BYTES);
	uint32_t crc_hw, crc_sw;
	struct ldbcheck_report r;
	const char *why = NULL;
	char dir[300];

	if (!buf)
		return 1;
	for (size_t i = 0; i < CRC_BYTES; i++)
		buf[i] = (uint8_t)(i * 2654435761u >> 13);
	double hw = crc_rate(ldb_crc32c, buf, &crc_hw);
	double sw = crc_rate(ldb_crc32c_portable, buf, &crc_sw);
	printf("crc32c: %.0f MB/s (SSE4.2 where present), %.0f MB/s table-driven%s\n",
	       hw, sw, crc_hw != crc_sw ? " (MISMATCH)" : "");
	free(buf);
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	build(dir);
	for (int round = 0; round < 2; round++) {  /* the first warms the cache */
		double t0 = now();
		if (!ldbcheck_dir(&r, dir, true, &why) || r.damaged) {
			fprintf(stderr, "bench_ldbcheck: %s\n", why ? why : r.why);
			return 1;
		}
		double el = now() - t0;
		printf("ldbcheck_dir (%s): %llu tables, %llu blocks, %llu logs, %.1f MB in "
		       "%.3f s: %.0f MB/s\n", round ? "cached" : "first",
		       (unsigned long long)r.tables, (unsigned long long)r.blocks,
		       (unsigned long long)r.logs, r.bytes / 1e6, el, r.bytes / 1e6 / el);
	}
	helper_rm_rf(dir);
	return crc_hw != crc_sw;
}
