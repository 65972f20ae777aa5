/* Decoding throughput over the real blocks in ../shared/real, held in
 * memory: block_parse (txids computed) alone and with every output
 * classified, and the rate of address encoding. Single thread. */
#include "proceeds/address.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"
#include "../tests/helper.h"
#include "../tests/helper_real.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_BLOCKS 64

struct corpus {
	uint8_t *buf[MAX_BLOCKS];      /* owned */
	const uint8_t *raw[MAX_BLOCKS]; /* the block inside buf */
	size_t len[MAX_BLOCKS];
	enum network net[MAX_BLOCKS];
	size_t n, bytes;
};

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool is_block_file(const char *name)
{
	size_t n = strlen(name);
	if (strstr(name, "-undo") || strstr(name, "megatx"))
		return false;
	return (n > 4 && (strcmp(name + n - 4, ".raw") == 0 ||
			  strcmp(name + n - 4, ".blk") == 0)) ||
	       (n > 8 && strcmp(name + n - 8, ".dat.bz2") == 0);
}

static void load_dir(struct corpus *c, const char *shared, const char *sub,
		     enum network net)
{
	char path[4096];
	struct dirent *d;
	DIR *dir;
	snprintf(path, sizeof(path), "%s/real/blocks/%s", shared, sub);
	if (!(dir = opendir(path)))
		return;
	while ((d = readdir(dir)) && c->n < MAX_BLOCKS) {
		size_t len;
		uint8_t *buf;
		if (!is_block_file(d->d_name))
			continue;
		snprintf(path, sizeof(path), "%s/real/blocks/%s/%s", shared, sub,
			 d->d_name);
		if (!(buf = helper_read_any(path, &len)))
			continue;
		c->buf[c->n] = buf;
		c->raw[c->n] = buf;
		c->len[c->n] = len;
		helper_unframe(&c->raw[c->n], &c->len[c->n], buf, len);
		c->net[c->n] = net;
		c->bytes += c->len[c->n];
		c->n++;
	}
	closedir(dir);
}

/* One pass over the corpus; mode 0 parses, 1 also classifies every output,
 * 2 also encodes every address. Returns the transactions seen. */
static uint64_t pass(const struct corpus *c, struct block *b, int mode,
		     uint64_t *addrs)
{
	uint64_t txs = 0;
	for (size_t i = 0; i < c->n; i++) {
		const char *why;
		if (!block_parse(b, c->raw[i], c->len[i], &why)) {
			fprintf(stderr, "bench_decode: block %zu: %s\n", i, why);
			exit(1);
		}
		txs += b->n_tx;
		for (uint32_t t = 0; mode && t < b->n_tx; t++) {
			for (uint32_t o = 0; o < b->txs[t].n_out; o++) {
				const struct tx_out *out = &b->txs[t].out[o];
				uint8_t key[SCRIPT_KEY_MAX];
				char addr[ADDRESS_MAX];
				size_t kl = script_owner_key(key, out->script, out->script_len);
				if (mode == 2)
					*addrs += address_from_owner_key(addr, c->net[i], key, kl);
			}
		}
	}
	return txs;
}

/* Best of three runs of at least a second each: the machine is shared,
 * so the best run is the one least disturbed. */
static void measure(const struct corpus *c, struct block *b, int mode,
		    const char *label)
{
	double best = 0, best_tx = 0, best_addr = 0;
	for (int run = 0; run < 3; run++) {
		uint64_t txs = 0, addrs = 0, rounds = 0;
		double t0 = now(), dt;
		do {
			txs += pass(c, b, mode, &addrs);
			rounds++;
		} while ((dt = now() - t0) < 1.0);
		double mbs = (double)c->bytes * (double)rounds / dt / 1e6;
		if (mbs > best) {
			best = mbs;
			best_tx = (double)txs / dt;
			best_addr = (double)addrs / dt;
		}
	}
	printf("  %-30s %8.1f MB/s  %10.0f tx/s", label, best, best_tx);
	if (mode == 2)
		printf("  %10.0f addresses/s", best_addr);
	putchar('\n');
}

int main(void)
{
	const char *shared = helper_shared_dir();
	struct corpus c;
	struct block b;

	if (!shared)
		return 0;
	memset(&c, 0, sizeof(c));
	load_dir(&c, shared, "mainnet", NETWORK_MAIN);
	load_dir(&c, shared, "testnet", NETWORK_TESTNET);
	if (c.n == 0) {
		printf("skip: no real blocks found\n");
		return 0;
	}
	printf("decode: %zu real blocks, %.1f MB in memory, single thread\n", c.n,
	       (double)c.bytes / 1e6);
	block_init(&b);
	pass(&c, &b, 0, NULL); /* warm-up: arena sized, pages touched */
	measure(&c, &b, 0, "block_parse (txids)");
	measure(&c, &b, 1, "+ every output classified");
	measure(&c, &b, 2, "+ every address encoded");
	block_release(&b);
	for (size_t i = 0; i < c.n; i++)
		free(c.buf[i]);
	return 0;
}
