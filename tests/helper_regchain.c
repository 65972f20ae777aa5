/* Regtest chains with competing branches (see helper_regchain.h). */
#include "helper_regchain.h"
#include "helper_chain.h"
#include "helper_rpcserver.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COIN 100000000ULL
#define SHARED_ADDR 7

static void *xalloc(size_t n)
{
	void *p = calloc(1, n);
	if (!p)
		abort();
	return p;
}

/* Grinds the nonce until the header meets regtest's target. */
static void grind(uint8_t *raw)
{
	struct block_header hdr;
	struct hash256 h;
	for (uint32_t nonce = 0;; nonce++) {
		memcpy(raw + 76, &nonce, 4); /* little-endian hosts only */
		block_header_decode(&hdr, raw);
		block_header_hash(&h, raw);
		if (block_header_check_pow(&h, hdr.bits))
			return;
	}
}

static struct hash256 coinbase_txid(const uint8_t *raw, size_t len)
{
	struct block b;
	struct hash256 id;
	const char *why;
	block_init(&b);
	if (!block_parse(&b, raw, len, &why))
		abort();
	id = b.txs[0].txid;
	block_release(&b);
	return id;
}

/* Block h of branch tag on prev; cb[] holds the coinbase txids so far. */
static void one_block(struct hc_buf *out, const struct hash256 *prev, uint32_t h,
		      uint32_t tag, const struct hash256 *cb)
{
	struct hc_buf txs = { 0 };
	uint8_t s1[25], s2[25];
	const uint8_t *scripts[2] = { s1, s2 };
	size_t lens[2] = { 25, 25 };
	uint64_t reward = 50 * COIN, split[2] = { 30 * COIN, 20 * COIN };
	uint32_t vout = 0;
	size_t n_tx = 1;

	hc_p2pkh(s1, (uint64_t)tag << 32 | h);
	hc_tx(&txs, 0, NULL, NULL, 1, &reward, scripts, lens, tag << 20 | h);
	if (h >= 3) {
		hc_p2pkh(s1, (uint64_t)tag << 32 | 1u << 31 | h);
		hc_p2pkh(s2, SHARED_ADDR);
		hc_tx(&txs, 1, &cb[h - 2], &vout, 2, split, scripts, lens, 0);
		n_tx = 2;
	}
	hc_block(out, prev, 1296688602 + h * 600, &txs, n_tx);
	grind(out->p);
	hc_buf_free(&txs);
}

void regchain_build(struct regchain *c, uint32_t n, uint32_t fork,
		    uint32_t tag_a, uint32_t tag_b)
{
	struct hash256 *cb = xalloc(sizeof(*cb) * (n ? n : 1));
	c->n = n;
	c->raw = xalloc(sizeof(*c->raw) * (n ? n : 1));
	c->len = xalloc(sizeof(*c->len) * (n ? n : 1));
	c->hash = xalloc(sizeof(*c->hash) * (n ? n : 1));
	for (uint32_t h = 0; h < n; h++) {
		struct hc_buf b = { 0 };
		if (h == 0) {
			b.p = xalloc(RPCSRV_BLOCK_MAX);
			b.len = rpcsrv_regtest_genesis(b.p);
		} else {
			one_block(&b, &c->hash[h - 1], h, h <= fork ? tag_a : tag_b, cb);
		}
		c->raw[h] = b.p;
		c->len[h] = b.len;
		block_header_hash(&c->hash[h], b.p);
		cb[h] = coinbase_txid(b.p, b.len);
	}
	free(cb);
}

void regchain_free(struct regchain *c)
{
	for (uint32_t h = 0; h < c->n; h++)
		free(c->raw[h]);
	free(c->raw);
	free(c->len);
	free(c->hash);
	memset(c, 0, sizeof(*c));
}

void regchain_write_blk(const struct regchain *c, const char *dir)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/blk00000.dat", dir);
	if (!(f = fopen(path, "wb")))
		abort();
	for (uint32_t h = 0; h < c->n; h++) {
		uint8_t head[8];
		uint32_t len = (uint32_t)c->len[h];
		memcpy(head, network_params(NETWORK_REGTEST)->magic, 4);
		for (int i = 0; i < 4; i++)
			head[4 + i] = (uint8_t)(len >> (8 * i));
		if (fwrite(head, 1, 8, f) != 8 || fwrite(c->raw[h], 1, len, f) != len)
			abort();
	}
	if (fclose(f) != 0)
		abort();
}
