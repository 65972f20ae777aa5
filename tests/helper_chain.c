/* Synthetic blocks and blk-file framing for tests and benchmarks. */
#include "helper_chain.h"
#include "helper.h"
#include "proceeds/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void hc_buf_free(struct hc_buf *b)
{
	free(b->p);
	b->p = NULL;
	b->len = b->cap = 0;
}

static void put(struct hc_buf *b, const void *d, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4096;
		while (cap < b->len + n)
			cap *= 2;
		b->p = realloc(b->p, cap);
		if (!b->p)
			abort();
		b->cap = cap;
	}
	memcpy(b->p + b->len, d, n);
	b->len += n;
}

static void put_le(struct hc_buf *b, uint64_t v, size_t n)
{
	uint8_t t[8];
	for (size_t i = 0; i < n; i++)
		t[i] = (uint8_t)(v >> (8 * i));
	put(b, t, n);
}

static void put_compact(struct hc_buf *b, uint64_t v)
{
	uint8_t t[9];
	put(b, t, compact_write(t, v));
}

void hc_tx(struct hc_buf *b, size_t n_in, const struct hash256 *prev,
	   const uint32_t *vout, size_t n_out, const uint64_t *values,
	   const uint8_t *const *scripts, const size_t *script_lens,
	   uint32_t tag)
{
	static const uint8_t zero[32];
	uint8_t sig[6] = { 4, 0, 0, 0, 0, 0x51 };

	for (int i = 0; i < 4; i++)
		sig[1 + i] = (uint8_t)(tag >> (8 * i));
	put_le(b, 1, 4);
	put_compact(b, n_in ? n_in : 1);
	for (size_t i = 0; i < (n_in ? n_in : 1); i++) {
		put(b, n_in ? prev[i].b : zero, 32);
		put_le(b, n_in ? vout[i] : 0xffffffffu, 4);
		if (n_in) {
			/* The size of a real P2PKH scriptSig: a 72-byte signature
			 * push and a 33-byte key push. */
			uint8_t ss[107];
			for (size_t j = 0; j < sizeof(ss); j++)
				ss[j] = (uint8_t)(prev[i].b[j % 32] + j + tag);
			ss[0] = 72;
			ss[73] = 33;
			put_compact(b, sizeof(ss));
			put(b, ss, sizeof(ss));
		} else {
			put_compact(b, sizeof(sig));
			put(b, sig, sizeof(sig));
		}
		put_le(b, 0xffffffffu, 4);
	}
	put_compact(b, n_out);
	for (size_t i = 0; i < n_out; i++) {
		put_le(b, values[i], 8);
		put_compact(b, script_lens[i]);
		put(b, scripts[i], script_lens[i]);
	}
	put_le(b, 0, 4);
}

void hc_block(struct hc_buf *out, const struct hash256 *prev, uint32_t time,
	      const struct hc_buf *txs, size_t n_tx)
{
	struct block blk;
	struct hash256 root;
	bool mutated;
	const char *why;

	out->len = 0;
	put_le(out, 1, 4);
	put(out, prev->b, 32);
	put(out, prev->b, 32); /* merkle placeholder */
	put_le(out, time, 4);
	put_le(out, 0x207fffff, 4);
	put_le(out, 0, 4);
	put_compact(out, n_tx);
	put(out, txs->p, txs->len);
	block_init(&blk);
	if (!block_parse(&blk, out->p, out->len, &why))
		abort();
	block_merkle_root(&root, &mutated, &blk);
	memcpy(out->p + 36, root.b, 32);
	block_release(&blk);
}

size_t hc_p2pkh(uint8_t out[25], uint64_t n)
{
	out[0] = 0x76;
	out[1] = 0xa9;
	out[2] = 20;
	memset(out + 3, 0, 20);
	for (int i = 0; i < 8; i++)
		out[3 + i] = (uint8_t)(n >> (8 * i));
	out[3 + 19] = 0xa5;
	out[23] = 0x88;
	out[24] = 0xac;
	return 25;
}

bool hc_blk_next(const uint8_t *buf, size_t len, size_t *off,
		 const uint8_t **block, size_t *block_len)
{
	if (*off + 8 > len || (buf[*off] == 0 && buf[*off + 1] == 0))
		return false;
	uint32_t n = (uint32_t)buf[*off + 4] | (uint32_t)buf[*off + 5] << 8 |
		     (uint32_t)buf[*off + 6] << 16 | (uint32_t)buf[*off + 7] << 24;
	if (*off + 8 + n > len)
		return false;
	*block = buf + *off + 8;
	*block_len = n;
	*off += 8 + n;
	return true;
}

void hc_tx_numbers(struct hc_buf *txs, size_t n_in, const struct hash256 *prev,
		   const uint32_t *vout, size_t n_out, const uint64_t *pay,
		   const uint64_t *val, uint32_t tag)
{
	static const uint8_t op_return[3] = { 0x6a, 0x01, 0x42 };
	uint8_t s[16][25];
	const uint8_t *sp[16];
	size_t sl[16];

	if (n_out > 16)
		abort();
	for (size_t i = 0; i < n_out; i++) {
		sp[i] = s[i];
		sl[i] = hc_p2pkh(s[i], pay[i]);
		if (pay[i] == 0) {
			sp[i] = op_return;
			sl[i] = sizeof(op_return);
		} else if (pay[i] >= 1000) {  /* P2SH: a9 14 <20> 87 */
			memmove(s[i] + 2, s[i] + 3, 20);
			s[i][0] = 0xa9;
			s[i][1] = 0x14;
			s[i][22] = 0x87;
			sl[i] = 23;
		}
	}
	hc_tx(txs, n_in, prev, vout, n_out, val, sp, sl, tag);
}

/* One blk file's records; false when one does not parse or the file has
 * bytes past its last record. */
static bool walk_file(const uint8_t *data, size_t len, struct block *b, uint32_t *height,
		      void (*fn)(void *ctx, const struct block *b, uint32_t height),
		      void *ctx, const char **why)
{
	const uint8_t *raw;
	size_t off = 0, n;

	while (hc_blk_next(data, len, &off, &raw, &n)) {
		if (!block_parse(b, raw, n, why))
			return false;
		fn(ctx, b, (*height)++);
	}
	if (off != len)
		return (*why = "bytes after the last whole record"), false;
	return true;
}

bool hc_walk_blocks(const char *dir,
		    void (*fn)(void *ctx, const struct block *b, uint32_t height),
		    void *ctx, const char **why)
{
	static char msg[4400];
	char path[4200];
	struct block b;
	uint32_t height = 0;
	bool ok = true;

	block_init(&b);
	for (unsigned f = 0; ok; f++) {
		size_t len;
		snprintf(path, sizeof(path), "%s/blocks/blk%05u.dat", dir, f);
		uint8_t *data = helper_read_file(path, &len);
		if (!data)
			break;
		ok = walk_file(data, len, &b, &height, fn, ctx, why);
		free(data);
	}
	block_release(&b);
	if (!ok) {
		snprintf(msg, sizeof(msg), "%s: block %u: %s", path, height, *why);
		*why = msg;
	}
	return ok;
}

void hc_chain_block(struct hc_buf *raw, struct block *blk, unsigned h,
		    const struct hc_buf *txs, size_t n_tx)
{
	struct hash256 zero = { { 0 } };
	const char *why;

	hc_block(&raw[h], h ? &blk[h - 1].hash : &zero, 1600000000u + h * 600u, txs, n_tx);
	block_init(&blk[h]);
	if (!block_parse(&blk[h], raw[h].p, raw[h].len, &why))
		abort();
}
