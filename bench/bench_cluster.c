/* Clustering speed: a synthetic index of about 1M transactions (the
 * simulator is not on main yet), written directly as index records in
 * the documented format, then a full `cluster build` and an incremental
 * one after 1% more transactions. Prints seconds and txs/s.
 * Usage: bench_cluster [n_txs] (default 1000000). */
#include "proceeds/cluster.h"
#include "proceeds/index_rec.h"
#include "proceeds/store.h"
#include "../tests/helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint64_t rng = 0x2545F4914F6CDD1Dull;
static uint64_t rnd(uint64_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng % n;
}

/* Txs [from, to): a coinbase every 1000, else 1-3 inputs spending
 * earlier outputs' addresses (as the X record holds them) and two
 * outputs to fresh or reused addresses. */
static void write_txs(struct store *st, uint64_t from, uint64_t to,
		      uint64_t *next_addr)
{
	struct store_batch *b = store_batch_new();
	struct idx_buf v;
	uint8_t k[IDX_KEY_MAX];
	const char *why;

	idx_buf_init(&v);
	for (uint64_t t = from; t < to; t++) {
		struct idx_input in[3];
		struct idx_output out[2];
		struct idx_tx tx = { .txnum = t, .height = (uint32_t)(t / 1000), .version = 1 };
		tx.coinbase = t % 1000 == 0 || *next_addr < 16;
		tx.n_in = tx.coinbase ? 1 : 1 + (uint32_t)rnd(3);
		for (uint32_t i = 0; !tx.coinbase && i < tx.n_in; i++)
			in[i] = (struct idx_input){ t - 1 - rnd(t < 1000 ? t : 1000), 0,
						    rnd(*next_addr), 100000 + rnd(1000000) };
		tx.in = tx.coinbase ? NULL : in;
		tx.n_out = 2;
		for (int o = 0; o < 2; o++)
			out[o] = (struct idx_output){ 50000 + rnd(500000),
				rnd(4) ? (*next_addr)++ : rnd(*next_addr + 1), 2 };
		tx.out = out;
		memset(tx.txid.b, 0, 32);
		memcpy(tx.txid.b, &t, 8);
		v.len = 0;
		idx_tx_encode(&v, &tx);
		store_batch_put(b, k, idx_key_tx(k, t), v.p, v.len);
		if ((t + 1) % 100000 == 0 && !store_write(st, b, false, &why))
			abort();
		if ((t + 1) % 100000 == 0)
			store_batch_clear(b);
	}
	struct idx_tip tip = { (uint32_t)((to - 1) / 1000), { { 0 } }, to, *next_addr };
	uint8_t tv[IDX_TIP_LEN];
	struct idx_block blk = { .height = tip.height, .first_txnum = tip.height * 1000ull,
				 .n_tx = 1000 };
	v.len = 0;
	idx_block_encode(&v, &blk);
	store_batch_put(b, k, idx_key_height(k, tip.height), v.p, v.len);
	idx_tip_encode(tv, &tip);
	store_batch_put(b, IDX_KEY_TIP, strlen(IDX_KEY_TIP), tv, sizeof(tv));
	if (!store_write(st, b, true, &why))
		abort();
	store_batch_free(b);
	idx_buf_release(&v);
}

static double timed_build(struct store *st, struct cluster_build_stats *s)
{
	struct cluster_options o;
	const char *why;
	cluster_options_default(&o);
	double t0 = now();
	if (!cluster_build(st, s, &o, NETWORK_REGTEST, NULL, NULL, &why)) {
		fprintf(stderr, "cluster_build: %s\n", why);
		exit(1);
	}
	return now() - t0;
}

int main(int argc, char **argv)
{
	uint64_t n = argc > 1 ? strtoull(argv[1], NULL, 10) : 1000000, addrs = 0;
	struct store_options so = { .create = true };
	struct cluster_build_stats s;
	struct store *st;
	const char *why, *dir = helper_tmpdir();
	char keep[256];

	snprintf(keep, sizeof(keep), "%s", dir);
	if (!store_open(&st, keep, &so, &why))
		return fprintf(stderr, "%s\n", why), 1;
	write_txs(st, 0, n, &addrs);
	double full = timed_build(st, &s);
	printf("cluster build, full: %llu txs, %llu addresses, %llu merges in %.2f s "
	       "(%.0f tx/s)\n", (unsigned long long)n, (unsigned long long)addrs,
	       (unsigned long long)s.merges_multi, full, n / full);
	uint64_t more = n / 100;
	write_txs(st, n, n + more, &addrs);
	double inc = timed_build(st, &s);
	printf("cluster build, incremental: %llu new txs in %.2f s (rebuilt: %s)\n",
	       (unsigned long long)s.txs, inc, s.rebuilt ? "yes" : "no");
	store_close(st);
	helper_rm_rf(keep);
	return 0;
}
