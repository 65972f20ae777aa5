/* Blocks per second fetched over loopback JSON-RPC (rpc_source: batched
 * getblockhash + getblock HASH 0, hex decoded and hash-checked) from the
 * real mainnet chain 0-4521 served by the test server, per batch size. */
#include "proceeds/rpc_source.h"
#include "proceeds/tx.h"
#include "../tests/helper.h"
#include "../tests/helper_rpcserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Follows the whole chain once; returns seconds, or -1 on failure. */
static double run(struct rpcsrv *s, unsigned batch, uint64_t *bytes, uint32_t *blocks)
{
	struct rpc_options o;
	struct rpc_client *c;
	struct rpc_source *src;
	struct rpc_source_block b;
	enum rpc_source_status st;
	const char *why = NULL;
	double t0 = now_s(), t;
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = "bench";
	o.password = "bench-password";
	if (!rpc_client_new(&c, &o, &why) || !rpc_source_new(&src, c, batch, &why)) {
		fprintf(stderr, "bench_rpc: %s\n", why);
		return -1;
	}
	*bytes = 0;
	*blocks = 0;
	while ((st = rpc_source_next(src, &b, &why)) == RPC_SOURCE_BLOCK) {
		*bytes += b.len;
		(*blocks)++;
	}
	t = now_s() - t0;
	if (st != RPC_SOURCE_TIP)
		fprintf(stderr, "bench_rpc: stopped: %s\n", st == RPC_SOURCE_ERROR ? why : "reorg");
	rpc_source_free(src);
	rpc_client_free(c);
	return st == RPC_SOURCE_TIP ? t : -1;
}

/* getblock of one large real block (2018, 2.26 MB), repeated: the cost of
 * hex over HTTP, JSON parsing, hex decoding and the hash check per byte. */
static int large_block(void)
{
	char path[4096];
	struct rpc_options o;
	struct rpc_client *c;
	struct rpcsrv *s;
	struct hash256 h;
	const char *why = NULL;
	uint8_t *raw;
	size_t len, got;
	double t0, t;
	const int reps = 40;
	if (!helper_shared_path(path, sizeof(path), "real/blocks/mainnet/block-"
				"00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk"))
		return 0;
	raw = helper_read_file(path, &len);
	if (!raw)
		return 1;
	s = rpcsrv_start("bench", "bench-password");
	rpcsrv_add_block(s, raw, len);
	block_header_hash(&h, raw);
	free(raw);
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = "bench";
	o.password = "bench-password";
	if (!rpc_client_new(&c, &o, &why))
		return 1;
	t0 = now_s();
	for (int i = 0; i < reps; i++) {
		if (!rpc_getblock(c, &raw, &got, &h, &why) || got != len) {
			fprintf(stderr, "bench_rpc: %s\n", why);
			return 1;
		}
		free(raw);
	}
	t = now_s() - t0;
	printf("rpc: getblock of a %zu-byte block x%d: %.1f blocks/s, %.1f MB/s of block\n",
	       len, reps, reps / t, reps * (double)len / t / 1e6);
	rpc_client_free(c);
	rpcsrv_stop(s);
	return 0;
}

int main(void)
{
	const unsigned batches[] = { 1, 4, 16, 64, 256 };
	char path[4096];
	struct rpcsrv *s;
	size_t n;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return 0;
	s = rpcsrv_start("bench", "bench-password");
	n = rpcsrv_load_blk(s, path);
	printf("rpc: %zu real mainnet blocks (heights 0-%zu) over loopback JSON-RPC\n",
	       n, n - 1);
	printf("%8s %10s %12s %10s\n", "batch", "seconds", "blocks/s", "MB/s");
	for (size_t i = 0; i < sizeof(batches) / sizeof(batches[0]); i++) {
		uint64_t bytes;
		uint32_t blocks;
		double best = -1;
		for (int rep = 0; rep < 3; rep++) {
			double t = run(s, batches[i], &bytes, &blocks);
			if (t < 0 || blocks != n) {
				rpcsrv_stop(s);
				return 1;
			}
			if (best < 0 || t < best)
				best = t;
		}
		printf("%8u %10.3f %12.0f %10.2f\n", batches[i], best, blocks / best,
		       bytes / best / 1e6);
	}
	rpcsrv_stop(s);
	return large_block();
}
