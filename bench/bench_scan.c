/* Scan throughput, single thread: blocks read from a blocks directory,
 * decoded with every txid computed, merkle root checked, and every output
 * classified (block_stats). Two inputs: the real chain of heights 0-4521
 * (small early blocks: per-block overhead dominates), and the large real
 * blocks of 2013-2019 (the shape of today's chain), looped in memory. */
#include "proceeds/blkdir.h"
#include "proceeds/blockstats.h"
#include "proceeds/tx.h"
#include "../tests/helper.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static bool scan_block(struct block *b, struct block_stats *s,
		       const uint8_t *raw, size_t len)
{
	const char *why;
	if (!block_parse(b, raw, len, &why) || !block_check_merkle(b, &why) ||
	    !block_stats_add(s, b, &why)) {
		fprintf(stderr, "bench_scan: %s\n", why);
		return false;
	}
	return true;
}

/* Open + read + decode + classify the whole directory, rounds times. */
static bool bench_dir(const char *dir, int rounds)
{
	struct block b;
	struct block_stats s;
	double t0 = now(), t_open = 0;
	const char *why;

	block_init(&b);
	block_stats_init(&s);
	for (int r = 0; r < rounds; r++) {
		struct blkdir *d;
		struct blkdir_block bb;
		enum network net = NETWORK_COUNT;
		double t1 = now();
		if (!blkdir_open(&d, dir, &net, &why))
			return fprintf(stderr, "bench_scan: %s\n", why), false;
		t_open += now() - t1;
		for (uint32_t h = 0; h < blkdir_count(d); h++)
			if (!blkdir_read(d, &bb, h, &why) ||
			    !scan_block(&b, &s, bb.raw, bb.len))
				return false;
		blkdir_free(d);
	}
	double t = now() - t0;
	printf("chain 0-4521 x%d: %.1f MB/s, %.0f tx/s, %.0f outputs/s "
	       "(open %.2f ms each, %llu blocks/round)\n", rounds,
	       (double)s.bytes / 1e6 / t, (double)s.txs / t, (double)s.outputs / t,
	       t_open * 1e3 / rounds, (unsigned long long)(s.blocks / (uint64_t)rounds));
	block_release(&b);
	return true;
}

struct blob {
	uint8_t *p;
	size_t len;
};

static size_t load_large(struct blob *out, size_t max, const char *dir)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	size_t n = 0;
	char path[1024];
	while (dh && n < max && (e = readdir(dh))) {
		size_t l = strlen(e->d_name);
		if (l < 5 || strstr(e->d_name, "undo") ||
		    (strcmp(e->d_name + l - 4, ".raw") && strcmp(e->d_name + l - 4, ".blk")))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		out[n].p = helper_read_file(path, &out[n].len);
		if (out[n].p && out[n].len >= 100000)
			n++;
		else
			free(out[n].p);
	}
	if (dh)
		closedir(dh);
	return n;
}

static bool bench_large(const char *dir, double seconds)
{
	struct blob blobs[32];
	size_t n = load_large(blobs, 32, dir), total = 0;
	struct block b;
	struct block_stats s;
	double t0 = now(), t;
	bool ok = n > 0;

	block_init(&b);
	block_stats_init(&s);
	for (size_t i = 0; i < n; i++)
		total += blobs[i].len;
	do {
		for (size_t i = 0; ok && i < n; i++)
			ok = scan_block(&b, &s, blobs[i].p, blobs[i].len);
		t = now() - t0;
	} while (ok && t < seconds);
	if (ok)
		printf("large blocks (%zu blocks, %.1f MB, 2013-2019): %.1f MB/s, "
		       "%.0f tx/s, %.0f outputs/s\n", n, (double)total / 1e6,
		       (double)s.bytes / 1e6 / t, (double)s.txs / t,
		       (double)s.outputs / t);
	for (size_t i = 0; i < n; i++)
		free(blobs[i].p);
	block_release(&b);
	return ok;
}

int main(void)
{
	char dir[512], large[512];
	if (!helper_shared_path(dir, sizeof(dir), "real/chains/mainnet-0-4521") ||
	    !helper_shared_path(large, sizeof(large), "real/blocks/mainnet"))
		return 0;
	return bench_dir(dir, 40) && bench_large(large, 3.0) ? 0 : 1;
}
