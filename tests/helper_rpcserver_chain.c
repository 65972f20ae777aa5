/* The test server's chain and its RPC methods, answering as bitcoind does
 * (codes and messages from src/rpc/blockchain.cpp). */
#include "helper_rpcserver_int.h"
#include "proceeds/hex.h"
#include "proceeds/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void srv_die(const char *what)
{
	fprintf(stderr, "helper_rpcserver: %s\n", what);
	abort();
}

static void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n);
	if (!p)
		srv_die("out of memory");
	return p;
}

static size_t slot_of(const struct hash256 *h, size_t cap)
{
	uint64_t k;
	memcpy(&k, h->b, sizeof(k));
	return (size_t)(k % cap);
}

static void table_put(struct srv_chain *ch, size_t idx)
{
	size_t i = slot_of(&ch->blocks[idx].hash, ch->table_cap);
	while (ch->table[i])
		i = (i + 1) % ch->table_cap;
	ch->table[i] = idx + 1;
}

static void table_grow(struct srv_chain *ch)
{
	free(ch->table);
	ch->table_cap = ch->table_cap ? ch->table_cap * 2 : 1024;
	ch->table = calloc(ch->table_cap, sizeof(*ch->table));
	if (!ch->table)
		srv_die("out of memory");
	for (size_t i = 0; i < ch->n; i++)
		table_put(ch, i);
}

static const struct srv_block *find(const struct srv_chain *ch,
				    const struct hash256 *h)
{
	size_t i;
	if (!ch->table_cap)
		return NULL;
	for (i = slot_of(h, ch->table_cap); ch->table[i]; i = (i + 1) % ch->table_cap)
		if (hash256_eq(&ch->blocks[ch->table[i] - 1].hash, h))
			return &ch->blocks[ch->table[i] - 1];
	return NULL;
}

void srv_chain_add(struct srv_chain *ch, const uint8_t *raw, size_t len)
{
	struct srv_block *b;
	struct hash256 h;
	const struct srv_block *known;
	if (len < 80)
		srv_die("block shorter than a header");
	block_header_hash(&h, raw);
	known = find(ch, &h);
	if (!known) {
		if (ch->n == ch->cap) {
			ch->cap = ch->cap ? ch->cap * 2 : 256;
			ch->blocks = xrealloc(ch->blocks, ch->cap * sizeof(*ch->blocks));
		}
		b = &ch->blocks[ch->n++];
		b->hash = h;
		b->len = len;
		b->raw = xrealloc(NULL, len);
		memcpy(b->raw, raw, len);
		if (ch->n * 2 > ch->table_cap)
			table_grow(ch);
		else
			table_put(ch, ch->n - 1);
		known = b;
	}
	if (ch->n_active == ch->cap_active) {
		ch->cap_active = ch->cap_active ? ch->cap_active * 2 : 256;
		ch->active = xrealloc(ch->active, ch->cap_active * sizeof(*ch->active));
	}
	ch->active[ch->n_active++] = (size_t)(known - ch->blocks);
}

void srv_chain_release(struct srv_chain *ch)
{
	for (size_t i = 0; i < ch->n; i++)
		free(ch->blocks[i].raw);
	free(ch->blocks);
	free(ch->active);
	free(ch->table);
	memset(ch, 0, sizeof(*ch));
}

static json_t *hash_json(const struct hash256 *h)
{
	char hex[65];
	hash256_to_hex(hex, h);
	return json_string(hex);
}

static json_t *fail(int *code, char *msg, size_t msz, int c, const char *text)
{
	*code = c;
	snprintf(msg, msz, "%s", text);
	return NULL;
}

static json_t *tip_hash(const struct srv_chain *ch)
{
	if (!ch->n_active)
		return json_null();
	return hash_json(&ch->blocks[ch->active[ch->n_active - 1]].hash);
}

static json_t *m_blockchaininfo(const struct srv_chain *ch)
{
	json_int_t h = (json_int_t)ch->n_active - 1;
	return json_pack("{s:s, s:I, s:I, s:o, s:b, s:b, s:f}", "chain", ch->name,
			 "blocks", h, "headers", h, "bestblockhash", tip_hash(ch),
			 "initialblockdownload", 0, "pruned", 0,
			 "verificationprogress", 1.0);
}

static json_t *m_blockhash(const struct srv_chain *ch, json_t *params,
			   int *code, char *msg, size_t msz)
{
	json_t *h = json_array_get(params, 0);
	json_int_t v;
	if (json_array_size(params) != 1)
		return fail(code, msg, msz, -1, "getblockhash height");
	if (!json_is_integer(h))
		return fail(code, msg, msz, -3, "JSON value is not an integer as expected");
	v = json_integer_value(h);
	if (v < 0 || (size_t)v >= ch->n_active)
		return fail(code, msg, msz, -8, "Block height out of range");
	return hash_json(&ch->blocks[ch->active[v]].hash);
}

static json_t *m_block(const struct srv_chain *ch, json_t *params, bool wrong,
		       int *code, char *msg, size_t msz)
{
	const char *hex = json_string_value(json_array_get(params, 0));
	json_t *verb = json_array_get(params, 1);
	const struct srv_block *b;
	struct hash256 h;
	const char *why;
	char *out;
	json_t *r;
	if (json_array_size(params) < 1 || json_array_size(params) > 2)
		return fail(code, msg, msz, -1, "getblock \"blockhash\" ( verbosity )");
	if (!hex || !hash256_from_hex(&h, hex, &why))
		return fail(code, msg, msz, -8, "blockhash must be of length 64 (hex)");
	if (verb && !(json_is_integer(verb) && json_integer_value(verb) == 0))
		return fail(code, msg, msz, -8, "test server: only verbosity 0");
	b = find(ch, &h);
	if (!b)
		return fail(code, msg, msz, -5, "Block not found");
	if (wrong)
		b = b == &ch->blocks[0] && ch->n > 1 ? &ch->blocks[1] : &ch->blocks[0];
	out = xrealloc(NULL, b->len * 2 + 1);
	hex_encode(out, b->raw, b->len);
	r = json_stringn_nocheck(out, b->len * 2);
	free(out);
	return r;
}

json_t *srv_chain_call(struct srv_chain *ch, const char *method, json_t *params,
		       bool wrong_block, int *code, char *msg, size_t msz)
{
	if (!strcmp(method, "getblockchaininfo"))
		return m_blockchaininfo(ch);
	if (!strcmp(method, "getblockcount"))
		return json_integer((json_int_t)ch->n_active - 1);
	if (!strcmp(method, "getbestblockhash"))
		return tip_hash(ch);
	if (!strcmp(method, "getblockhash"))
		return m_blockhash(ch, params, code, msg, msz);
	if (!strcmp(method, "getblock"))
		return m_block(ch, params, wrong_block, code, msg, msz);
	return fail(code, msg, msz, -32601, "Method not found");
}

/* Appends a CScriptNum push of v (BIP34's height encoding). */
static size_t push_num(uint8_t *p, uint32_t v)
{
	uint8_t bytes[5];
	size_t n = 0;
	if (v == 0) {
		p[0] = 0x00;
		return 1;
	}
	if (v <= 16) {
		p[0] = (uint8_t)(0x50 + v);
		return 1;
	}
	while (v) {
		bytes[n++] = v & 0xff;
		v >>= 8;
	}
	if (bytes[n - 1] & 0x80)
		bytes[n++] = 0;
	p[0] = (uint8_t)n;
	memcpy(p + 1, bytes, n);
	return n + 1;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* The coinbase transaction; returns its length. */
static size_t coinbase(uint8_t *p, uint32_t height, uint32_t tag)
{
	size_t n = 0, sig;
	uint64_t value = 5000000000ULL;
	put32(p, 1);
	p[4] = 1;                           /* one input */
	memset(p + 5, 0, 32);               /* null prevout */
	memset(p + 37, 0xff, 4);
	n = 42;                             /* p[41] = script length */
	sig = push_num(p + n, height);
	p[n + sig] = 4;
	put32(p + n + sig + 1, tag);
	sig += 5;
	p[41] = (uint8_t)sig;
	n += sig;
	memset(p + n, 0xff, 4);             /* sequence */
	n += 4;
	p[n++] = 1;                         /* one output */
	for (int i = 0; i < 8; i++)
		p[n++] = (uint8_t)(value >> (8 * i));
	memcpy(p + n, "\x19\x76\xa9\x14", 4);
	n += 4;
	for (int i = 0; i < 20; i++)
		p[n++] = (uint8_t)((tag >> (8 * (i % 4))) ^ (uint8_t)(height >> (i % 3)) ^ i);
	p[n++] = 0x88;
	p[n++] = 0xac;
	put32(p + n, 0);                    /* lock time */
	return n + 4;
}

size_t rpcsrv_make_block(uint8_t *out, const struct hash256 *prev,
			 uint32_t height, uint32_t tag)
{
	struct block_header hdr = { 0 };
	struct hash256 txid, h;
	size_t txlen = coinbase(out + 81, height, tag);
	hash_sha256d(&txid, out + 81, txlen);
	hdr.version = 0x20000000;
	hdr.prev = *prev;
	hdr.merkle = txid;
	hdr.time = 1296688602u + height * 600u;
	hdr.bits = 0x207fffff;
	out[80] = 1;                        /* one transaction */
	for (hdr.nonce = 0;; hdr.nonce++) {
		block_header_encode(out, &hdr);
		block_header_hash(&h, out);
		if (block_header_check_pow(&h, hdr.bits))
			break;
	}
	return 81 + txlen;
}

/* Bitcoin's genesis block; regtest's differs only in time, bits and nonce. */
static const char genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000000000"
	"003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab"
	"5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000"
	"000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030"
	"332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
	"636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000"
	"434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
	"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

size_t rpcsrv_regtest_genesis(uint8_t *out)
{
	struct block_header hdr;
	size_t len = (sizeof(genesis_hex) - 1) / 2;
	const char *why;
	if (!hex_decode(out, genesis_hex, sizeof(genesis_hex) - 1, &why))
		srv_die("genesis hex");
	block_header_decode(&hdr, out);
	hdr.time = 1296688602;
	hdr.bits = 0x207fffff;
	hdr.nonce = 2;
	block_header_encode(out, &hdr);
	return len;
}
