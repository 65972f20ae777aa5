/* Index speed on a generated chain: tx/s end to end (parse + connect +
 * commit), peak RSS, index size against blk bytes, point query latency.
 *
 * The chain: blocks of 2,000 txs; each tx spends 1-3 outputs (70% from
 * the last ~200k outputs, the rest uniformly from all unspent ones) and
 * pays 1-3 outputs, half to fresh addresses, half to earlier ones.
 * Sizes: $PROCEEDS_BENCH_INDEX_TXS (e.g. "1000000 3000000 10000000"),
 * default 1,000,000. */
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/store.h"
#include "../tests/helper.h"
#include "../tests/helper_chain.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#define TXS_PER_BLOCK 2000

struct utxo {
	struct hash256 txid;
	uint32_t vout;
	uint64_t value;
};

struct gen {
	struct utxo *pool;
	size_t n, cap;
	uint64_t rng, next_addr, txs;
	struct hash256 *sample; /* txids kept for the query bench */
	size_t n_sample;
};

static uint64_t rnd(struct gen *g)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng;
}

static double clock_s(clockid_t id)
{
	struct timespec ts;
	clock_gettime(id, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static double now_s(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

/* User + system CPU of every thread of the process so far (LevelDB's
 * background compaction included). */
static double proc_cpu_s(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

/* Anonymous resident memory (kB): the process's own memory, without the
 * pages of LevelDB's table files that it maps for reading (those count in
 * the peak RSS too, but are clean page cache the kernel can drop). */
static uint64_t rss_kb(const char *field)
{
	char line[256];
	unsigned long long kb = 0;
	size_t fl = strlen(field);
	FILE *f = fopen("/proc/self/status", "r");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, field, fl) == 0 && sscanf(line + fl, " %llu", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void pool_add(struct gen *g, const struct hash256 *txid, uint32_t vout,
		     uint64_t value)
{
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 1 << 16;
		g->pool = realloc(g->pool, g->cap * sizeof(*g->pool));
		if (!g->pool)
			abort();
	}
	g->pool[g->n++] = (struct utxo){ *txid, vout, value };
}

/* Takes a mostly recent unspent output out of the pool. */
static struct utxo pool_take(struct gen *g)
{
	size_t window = g->n < 200000 ? g->n : 200000;
	size_t i = rnd(g) % 10 < 7 ? g->n - 1 - rnd(g) % window : rnd(g) % g->n;
	struct utxo u = g->pool[i];
	g->pool[i] = g->pool[--g->n];
	return u;
}

static uint64_t pick_addr(struct gen *g)
{
	if (g->next_addr < 10 || rnd(g) % 2)
		return g->next_addr++;
	return rnd(g) % g->next_addr;
}

/* Appends one spending tx to txs; its outputs go to the pool after the
 * block (so a block never spends its own outputs out of order). */
static void gen_tx(struct gen *g, struct hc_buf *txs, uint32_t tag)
{
	struct hash256 prev[3];
	uint32_t vout[3];
	uint64_t values[3], total = 0;
	uint8_t scr[3][25];
	const uint8_t *scripts[3];
	size_t lens[3];
	size_t n_in = 1 + rnd(g) % 3, n_out = 1 + rnd(g) % 3;

	if (g->n > 400000 && n_in < n_out)
		n_in = n_out;
	if (n_in > g->n)
		n_in = g->n;
	for (size_t i = 0; i < n_in; i++) {
		struct utxo u = pool_take(g);
		prev[i] = u.txid;
		vout[i] = u.vout;
		total += u.value;
	}
	total -= total > 1000 ? 1000 : 0;
	for (size_t i = 0; i < n_out; i++) {
		values[i] = total / n_out;
		lens[i] = hc_p2pkh(scr[i], pick_addr(g));
		scripts[i] = scr[i];
	}
	hc_tx(txs, n_in, prev, vout, n_out, values, scripts, lens, tag);
}

/* The coinbase: block 0 pays many outputs so that the economy can start
 * at full block size. */
static void gen_coinbase(struct gen *g, struct hc_buf *txs, uint32_t height)
{
	size_t n = height ? 1 : 4 * TXS_PER_BLOCK;
	uint8_t (*scr)[25] = malloc(n * sizeof(*scr));
	const uint8_t **scripts = malloc(n * sizeof(*scripts));
	size_t *lens = malloc(n * sizeof(*lens));
	uint64_t *values = malloc(n * sizeof(*values));

	for (size_t i = 0; i < n; i++) {
		lens[i] = hc_p2pkh(scr[i], pick_addr(g));
		scripts[i] = scr[i];
		values[i] = 5000000000ULL / n;
	}
	hc_tx(txs, 0, NULL, NULL, n, values, scripts, lens, height);
	free(scr);
	free(scripts);
	free(lens);
	free(values);
}

/* Builds the next block's raw bytes into raw; returns its tx count. */
static size_t gen_block(struct gen *g, struct hc_buf *raw,
			const struct hash256 *prev, uint32_t height)
{
	struct hc_buf txs = { 0 };
	size_t n_tx = 1;

	gen_coinbase(g, &txs, height);
	for (; n_tx < TXS_PER_BLOCK && g->n >= 3; n_tx++)
		gen_tx(g, &txs, height);
	hc_block(raw, prev, 1231006505 + height * 600, &txs, n_tx);
	hc_buf_free(&txs);
	return n_tx;
}

/* Puts the block's outputs into the pool and samples txids. */
static void absorb(struct gen *g, const struct block *b)
{
	for (uint32_t t = 0; t < b->n_tx; t++) {
		for (uint32_t o = 0; o < b->txs[t].n_out; o++)
			pool_add(g, &b->txs[t].txid, o, b->txs[t].out[o].value);
		g->txs++;
		if (g->n_sample < 1000)
			g->sample[g->n_sample++] = b->txs[t].txid;
		else if (rnd(g) % g->txs < 1000)
			g->sample[rnd(g) % 1000] = b->txs[t].txid;
	}
}

static uint64_t dir_bytes(const char *dir)
{
	char cmd[512];
	unsigned long long n = 0;
	snprintf(cmd, sizeof(cmd), "du -sb '%s'", dir);
	FILE *p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%llu", &n) != 1)
			n = 0;
		pclose(p);
	}
	return n;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Median and 99th percentile of tx + outpoint lookups on the closed,
 * reopened index. */
static void bench_queries(const char *dir, const struct gen *g)
{
	struct index *idx;
	bool absent, found;
	const char *why;
	double t[1000];
	size_t n = 0;

	if (!index_open_query(&idx, &absent, dir, NETWORK_MAIN, &why)) {
		fprintf(stderr, "bench: reopen: %s\n", why);
		exit(1);
	}
	for (size_t i = 0; i < g->n_sample; i++) {
		uint64_t nums[4];
		size_t total;
		struct idx_tx tx;
		struct idx_spend sp;
		double t0 = now_s();
		if (!idxq_txnums(index_store(idx), nums, 4, &total, &g->sample[i], &why) ||
		    total == 0 || !idxq_tx(index_store(idx), &tx, &found, nums[total - 1], &why) ||
		    !idxq_spent(index_store(idx), &sp, &found, nums[total - 1], 0, &why)) {
			fprintf(stderr, "bench: query failed\n");
			exit(1);
		}
		idx_tx_release(&tx);
		t[n++] = now_s() - t0;
	}
	qsort(t, n, sizeof(t[0]), cmp_d);
	printf("  on disk by table (MiB, LevelDB's estimate):");
	for (const char *p = "AHRSTXah"; *p; p++)
		printf(" %c %.1f", *p, store_approx_size(index_store(idx), p, 1) / 1048576.0);
	printf("\n");
	printf("  point query (txid -> tx record -> spent-by of vout 0), %zu random txids:\n"
	       "    median %.1f us, p99 %.1f us\n", n, t[n / 2] * 1e6, t[n * 99 / 100] * 1e6);
	index_close(idx);
}

struct run {
	double wall, cpu, proc_cpu, gen_cpu;
	uint64_t anon_kb;       /* peak RssAnon, sampled */
	uint64_t file_kb;       /* peak RssFile (mapped files), sampled */
	uint64_t blk_bytes;
	struct index_stats st;
};

/* Generates and indexes blocks until target txs; times parse + connect +
 * commit only (generation is the simulator's job). */
static void build(struct run *r, struct gen *g, const char *dir, uint64_t target)
{
	struct hc_buf raw = { 0 };
	struct hash256 prev = { { 0 } };
	struct block b;
	struct index *idx;
	struct index_options o = { .create = true };
	const char *mib = getenv("PROCEEDS_BENCH_INDEX_MIB");
	unsigned long m[6] = { 0, 0, 0, 0, 0, 0 };

	/* "tx addr bloom memtable commit-txs map": cache sizes per
	 * generation, filter, LevelDB memtable and the budget of mapped
	 * table pages in MiB (0 = the default). */
	if (mib && sscanf(mib, "%lu %lu %lu %lu %lu %lu", &m[0], &m[1], &m[2], &m[3], &m[4],
			  &m[5]) >= 1) {
		o.tx_cache_bytes = m[0] << 20;
		o.addr_cache_bytes = m[1] << 20;
		o.bloom_bytes = m[2] << 20;
		o.write_buffer_bytes = m[3] << 20;
		o.flush_txs = (uint32_t)m[4];
		o.map_budget_bytes = m[5] << 20;
	}
	const char *why;

	if (!index_open(&idx, dir, NETWORK_MAIN, &o, &why)) {
		fprintf(stderr, "bench: %s\n", why);
		exit(1);
	}
	block_init(&b);
	double p0 = proc_cpu_s();
	for (uint32_t h = 0; g->txs < target; h++) {
		double g0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
		gen_block(g, &raw, &prev, h);
		r->gen_cpu += clock_s(CLOCK_THREAD_CPUTIME_ID) - g0;
		double t0 = now_s(), c0 = clock_s(CLOCK_THREAD_CPUTIME_ID);
		if (!block_parse(&b, raw.p, raw.len, &why) ||
		    !index_connect_block(idx, &b, h, &why) ||
		    (g->txs + b.n_tx >= target && !index_flush(idx, true, &why))) {
			fprintf(stderr, "bench: block %u: %s\n", h, why);
			exit(1);
		}
		/* As `proceeds index` ends a run: no log left behind. */
		if (g->txs + b.n_tx >= target)
			index_settle(idx);
		r->wall += now_s() - t0;
		r->cpu += clock_s(CLOCK_THREAD_CPUTIME_ID) - c0;
		r->blk_bytes += raw.len + 8;
		if (h % 8 == 0) {
			uint64_t kb = rss_kb("RssAnon:"), fkb = rss_kb("RssFile:");
			r->anon_kb = kb > r->anon_kb ? kb : r->anon_kb;
			r->file_kb = fkb > r->file_kb ? fkb : r->file_kb;
		}
		prev = b.hash;
		absorb(g, &b);
	}
	index_get_stats(idx, &r->st);
	index_close(idx);
	r->proc_cpu = proc_cpu_s() - p0 - r->gen_cpu;
	block_release(&b);
	hc_buf_free(&raw);
}

static void run_size(uint64_t target)
{
	struct gen g = { .rng = 0x9e3779b97f4a7c15ULL };
	struct run r = { 0 };
	struct rusage ru;
	char dir[256];

	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	g.sample = malloc(1000 * sizeof(*g.sample));
	build(&r, &g, dir, target);
	getrusage(RUSAGE_SELF, &ru);
	uint64_t isz = dir_bytes(dir);
	double load[3] = { 0, 0, 0 };
	if (getloadavg(load, 3) < 0)
		load[0] = -1;
	const struct index_stats *st = &r.st;
	printf("index bench: %llu txs, %llu inputs, %llu outputs, %llu addresses, %llu blocks\n"
	       "  %.1f s parse+connect+commit: %.0f tx/s wall (load average %.2f)\n"
	       "  main thread CPU %.1f s: %.0f tx per CPU s; all threads (LevelDB's included,\n"
	       "  generator excluded) %.1f CPU s: %.0f tx per CPU s\n"
	       "  peak RSS %.0f MiB (whole bench process; sampled: anonymous %.0f MiB,\n"
	       "  mapped files %.0f MiB)\n"
	       "  index %.1f MiB vs blk data %.1f MiB (ratio %.2f)\n"
	       "  tx cache hit rate %.1f%%, address cache hit rate %.1f%%\n",
	       (unsigned long long)st->txs, (unsigned long long)st->inputs,
	       (unsigned long long)st->outputs, (unsigned long long)st->new_addrs,
	       (unsigned long long)st->blocks, r.wall, st->txs / r.wall, load[0], r.cpu,
	       st->txs / r.cpu, r.proc_cpu, st->txs / r.proc_cpu, ru.ru_maxrss / 1024.0, r.anon_kb / 1024.0, r.file_kb / 1024.0,
	       isz / 1048576.0,
	       r.blk_bytes / 1048576.0, (double)isz / r.blk_bytes,
	       100.0 * st->tx_cache_hits / (st->tx_cache_hits + st->tx_cache_misses + 1),
	       100.0 * st->addr_cache_hits / (st->addr_cache_hits + st->addr_cache_misses + 1));
	fflush(stdout);
	bench_queries(dir, &g);
	free(g.pool);
	free(g.sample);
	helper_rm_rf(dir);
}

int main(void)
{
	const char *env = getenv("PROCEEDS_BENCH_INDEX_TXS");
	char buf[256];
	snprintf(buf, sizeof(buf), "%s", env && *env ? env : "1000000");
	for (char *tok = strtok(buf, " ,"); tok; tok = strtok(NULL, " ,"))
		run_size(strtoull(tok, NULL, 10));
	return 0;
}
