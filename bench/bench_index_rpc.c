/* Indexing a simulated 100k-tx regtest chain (`proceeds simulate --txs
 * 100000`, made by the binary beside this program's directory) two ways:
 * from its blk files, and over loopback JSON-RPC from the test server
 * serving the same chain (index_rpc_run, as `index --rpc` does), per batch
 * size. Blocks/s and tx/s, and a check that both give the same digest.
 * PROCEEDS_BENCH_INDEX_RPC_TXS overrides the size. */
#include "proceeds/blkdir.h"
#include "proceeds/index.h"
#include "proceeds/index_rpc.h"
#include "proceeds/index_verify.h"
#include "proceeds/tx.h"
#include "../tests/helper.h"
#include "../tests/helper_rpcserver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define USER "bench"
#define PASS "bench-password"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_index_rpc: %s: %s\n", what, why ? why : "failed");
	exit(1);
}

static struct index *open_db(const char *dir)
{
	struct index_options o = { .create = true };
	struct index *idx;
	const char *why = NULL;
	if (!index_open(&idx, dir, NETWORK_REGTEST, &o, &why))
		die(dir, why);
	return idx;
}

/* As `index --blocks` does: read, parse, check the merkle root, connect. */
static double index_blk(const char *db, const char *blocks, uint32_t *n, uint64_t *txs)
{
	enum network net = NETWORK_REGTEST;
	struct blkdir *d;
	struct blkdir_block raw;
	struct block b;
	const char *why = NULL;
	double t0 = now_s();
	struct index *idx;

	if (!blkdir_open(&d, blocks, &net, &why))
		die(blocks, why);
	idx = open_db(db);
	block_init(&b);
	*n = blkdir_count(d);
	*txs = 0;
	for (uint32_t h = 0; h < *n; h++) {
		if (!blkdir_read(d, &raw, h, &why) || !block_parse(&b, raw.raw, raw.len, &why) ||
		    !block_check_merkle(&b, &why) || !index_connect_block(idx, &b, h, &why))
			die("index from blk", why);
		*txs += b.n_tx;
	}
	if (!index_flush(idx, true, &why))
		die("flush", why);
	t0 = now_s() - t0;
	block_release(&b);
	index_close(idx);
	blkdir_free(d);
	return t0;
}

static struct rpcsrv *serve(const char *blocks)
{
	enum network net = NETWORK_REGTEST;
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct blkdir *d;
	struct blkdir_block raw;
	const char *why = NULL;
	if (!blkdir_open(&d, blocks, &net, &why))
		die(blocks, why);
	rpcsrv_set_chain_name(s, "regtest");
	for (uint32_t h = 0; h < blkdir_count(d); h++) {
		if (!blkdir_read(d, &raw, h, &why))
			die("read", why);
		rpcsrv_add_block(s, raw.raw, raw.len);
	}
	blkdir_free(d);
	return s;
}

static double index_rpc(const char *db, struct rpcsrv *s, unsigned batch,
			struct index_rpc_stats *st)
{
	struct rpc_options ro;
	struct index_rpc_options o;
	struct rpc_client *c;
	struct index *idx = open_db(db);
	const char *why = NULL;
	double t0 = now_s();

	rpc_options_init(&ro);
	ro.url = rpcsrv_url(s);
	ro.user = USER;
	ro.password = PASS;
	if (!rpc_client_new(&c, &ro, &why))
		die("client", why);
	index_rpc_options_init(&o);
	o.batch = batch;
	memset(st, 0, sizeof(*st));
	if (!index_rpc_run(idx, c, &o, st, &why))
		die("index over rpc", why);
	t0 = now_s() - t0;
	rpc_client_free(c);
	index_close(idx);
	return t0;
}

static struct hash256 digest(const char *db)
{
	struct index *idx;
	struct index_verify_report r;
	const char *why = NULL;
	bool absent;
	if (!index_open_query(&idx, &absent, db, NETWORK_REGTEST, &why) ||
	    !index_verify(index_store(idx), &r, &why))
		die(db, why);
	index_close(idx);
	if (r.n_errors)
		die(db, r.errors[0]);
	return r.digest;
}

int main(int argc, char **argv)
{
	const char *slash = strrchr(argv[0], '/'), *env = getenv("PROCEEDS_BENCH_INDEX_RPC_TXS");
	const char *tmp = helper_tmpdir();
	char t[300], cmd[5000], blocks[400], db[400];
	static const unsigned batches[] = { 1, 16, 64 };
	uint32_t n;
	uint64_t txs;

	snprintf(t, sizeof(t), "%s", tmp);
	snprintf(cmd, sizeof(cmd), "'%.*s/../proceeds' simulate -q --out '%s/sim' --txs %s >/dev/null",
		 slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".", t, env ? env : "100000");
	if (system(cmd) != 0)
		die("simulate", cmd);
	snprintf(blocks, sizeof(blocks), "%s/sim/blocks", t);
	snprintf(db, sizeof(db), "%s/blk", t);
	double tb = index_blk(db, blocks, &n, &txs);
	struct hash256 want = digest(db);
	printf("index of a simulated %s-tx chain (%u blocks, %llu txs)\n", env ? env : "100000",
	       n, (unsigned long long)txs);
	printf("  from blk files:          %6.2f s  %7.0f blocks/s  %7.0f tx/s\n",
	       tb, n / tb, txs / tb);
	struct rpcsrv *s = serve(blocks);
	for (size_t i = 0; i < sizeof(batches) / sizeof(*batches); i++) {
		struct index_rpc_stats st;
		snprintf(db, sizeof(db), "%s/rpc%u", t, batches[i]);
		double tr = index_rpc(db, s, batches[i], &st);
		struct hash256 got = digest(db);
		printf("  over loopback RPC, batch %2u: %6.2f s  %7.0f blocks/s  %7.0f tx/s"
		       "  (digest %s)\n", batches[i], tr, st.connected / tr, st.txs / tr,
		       hash256_eq(&got, &want) ? "same" : "DIFFERS");
		if (!hash256_eq(&got, &want))
			return 1;
	}
	rpcsrv_stop(s);
	helper_rm_rf(t);
	return 0;
}
