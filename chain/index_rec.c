/* Byte formats of the chain index records (docs/index-format.md). */
#include "proceeds/index_rec.h"
#include "proceeds/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void idx_buf_init(struct idx_buf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void idx_buf_release(struct idx_buf *b)
{
	free(b->p);
	idx_buf_init(b);
}

void idx_buf_put(struct idx_buf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p) {
			fputs("proceeds: out of memory\n", stderr);  /* lint: prints before abort */
			abort();
		}
		b->p = p;
		b->cap = cap;
	}
	if (n)
		memcpy(b->p + b->len, data, n);
	b->len += n;
}

void idx_buf_varint(struct idx_buf *b, uint64_t v)
{
	uint8_t tmp[10];
	idx_buf_put(b, tmp, varint_write(tmp, v));
}

void idx_be32(uint8_t out[4], uint32_t v)
{
	for (int i = 0; i < 4; i++)
		out[i] = (uint8_t)(v >> (24 - 8 * i));
}

void idx_be64(uint8_t out[8], uint64_t v)
{
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(v >> (56 - 8 * i));
}

uint32_t idx_rd32(const uint8_t in[4])
{
	return (uint32_t)in[0] << 24 | (uint32_t)in[1] << 16 |
	       (uint32_t)in[2] << 8 | in[3];
}

uint64_t idx_rd64(const uint8_t in[8])
{
	return (uint64_t)idx_rd32(in) << 32 | idx_rd32(in + 4);
}

void idx_buf_u32be(struct idx_buf *b, uint32_t v)
{
	uint8_t t[4];
	idx_be32(t, v);
	idx_buf_put(b, t, 4);
}

void idx_buf_u64be(struct idx_buf *b, uint64_t v)
{
	uint8_t t[8];
	idx_be64(t, v);
	idx_buf_put(b, t, 8);
}

size_t idx_key_height(uint8_t *out, uint32_t height)
{
	out[0] = IDX_P_HEIGHT;
	idx_be32(out + 1, height);
	return 5;
}

size_t idx_key_bhash(uint8_t *out, const struct hash256 *hash)
{
	out[0] = IDX_P_BHASH;
	memcpy(out + 1, hash->b, 32);
	return 33;
}

size_t idx_key_txid(uint8_t *out, const struct hash256 *txid)
{
	out[0] = IDX_P_TXID;
	memcpy(out + 1, txid->b, 32);
	return 33;
}

size_t idx_key_tx(uint8_t *out, uint64_t txnum)
{
	out[0] = IDX_P_TX;
	idx_be64(out + 1, txnum);
	return 9;
}

size_t idx_key_spent(uint8_t *out, uint64_t txnum, uint32_t vout)
{
	out[0] = IDX_P_SPENT;
	idx_be64(out + 1, txnum);
	idx_be32(out + 9, vout);
	return 13;
}

size_t idx_key_hist(uint8_t *out, uint64_t addr, uint64_t txnum, uint32_t vout)
{
	out[0] = IDX_P_HIST;
	idx_be64(out + 1, addr);
	idx_be64(out + 9, txnum);
	idx_be32(out + 17, vout);
	return 21;
}

size_t idx_key_addr(uint8_t *out, const uint8_t *owner_key, size_t klen)
{
	size_t n = klen < IDX_ADDR_KEY_BYTES ? klen : IDX_ADDR_KEY_BYTES;
	out[0] = IDX_P_ADDR;
	memcpy(out + 1, owner_key, n);
	return 1 + n;
}

bool idx_addr_list_next(const uint8_t *v, size_t len, size_t *pos,
			uint64_t *id, bool *bad)
{
	struct cursor c;
	uint64_t prev = *id;

	*bad = false;
	if (*pos >= len)
		return false;
	cursor_init(&c, v + *pos, len - *pos);
	if (!cursor_varint(&c, id) || (*pos && *id <= prev)) {
		*bad = true;
		return false;
	}
	*pos = len - cursor_left(&c);
	return true;
}

size_t idx_key_addrid(uint8_t *out, uint64_t addr)
{
	out[0] = IDX_P_ADDRID;
	idx_be64(out + 1, addr);
	return 9;
}

void idx_tip_encode(uint8_t out[IDX_TIP_LEN], const struct idx_tip *t)
{
	idx_be32(out, t->height);
	memcpy(out + 4, t->hash.b, 32);
	idx_be64(out + 36, t->next_txnum);
	idx_be64(out + 44, t->next_addr);
}

bool idx_tip_decode(struct idx_tip *t, const uint8_t *v, size_t len)
{
	if (len != IDX_TIP_LEN)
		return false;
	t->height = idx_rd32(v);
	memcpy(t->hash.b, v + 4, 32);
	t->next_txnum = idx_rd64(v + 36);
	t->next_addr = idx_rd64(v + 44);
	return true;
}

void idx_block_encode(struct idx_buf *b, const struct idx_block *blk)
{
	idx_buf_put(b, blk->hash.b, 32);
	idx_buf_put(b, blk->prev.b, 32);
	idx_buf_put(b, blk->merkle.b, 32);
	idx_buf_u32be(b, (uint32_t)blk->version);
	idx_buf_u32be(b, blk->time);
	idx_buf_u32be(b, blk->bits);
	idx_buf_u32be(b, blk->nonce);
	idx_buf_u32be(b, blk->height);
	idx_buf_varint(b, blk->first_txnum);
	idx_buf_varint(b, blk->n_tx);
	idx_buf_varint(b, blk->first_addr);
	idx_buf_varint(b, blk->size);
}

static bool rd_u32v(struct cursor *c, uint32_t *out)
{
	uint64_t v;
	if (!cursor_varint(c, &v))
		return false;
	if (v > UINT32_MAX)
		return cursor_fail(c, "value out of range"), false;
	*out = (uint32_t)v;
	return true;
}

static bool rd_be32(struct cursor *c, uint32_t *out)
{
	uint8_t t[4];
	if (!cursor_bytes(c, t, 4))
		return false;
	*out = idx_rd32(t);
	return true;
}

bool idx_block_decode(struct idx_block *blk, const uint8_t *v, size_t len)
{
	struct cursor c;
	uint32_t ver;

	cursor_init(&c, v, len);
	cursor_bytes(&c, blk->hash.b, 32);
	cursor_bytes(&c, blk->prev.b, 32);
	cursor_bytes(&c, blk->merkle.b, 32);
	rd_be32(&c, &ver);
	rd_be32(&c, &blk->time);
	rd_be32(&c, &blk->bits);
	rd_be32(&c, &blk->nonce);
	rd_be32(&c, &blk->height);
	cursor_varint(&c, &blk->first_txnum);
	rd_u32v(&c, &blk->n_tx);
	cursor_varint(&c, &blk->first_addr);
	rd_u32v(&c, &blk->size);
	blk->version = (int32_t)ver;
	return !c.why && cursor_left(&c) == 0;
}

static void tx_encode_head(struct idx_buf *b, const struct idx_tx *tx)
{
	uint8_t flags = (uint8_t)((tx->coinbase ? 1 : 0) | (tx->segwit ? 2 : 0));
	idx_buf_put(b, tx->txid.b, 32);
	idx_buf_varint(b, tx->height);
	idx_buf_put(b, &flags, 1);
	idx_buf_u32be(b, (uint32_t)tx->version);
	idx_buf_u32be(b, tx->locktime);
	idx_buf_varint(b, tx->size);
	idx_buf_varint(b, tx->weight);
	idx_buf_varint(b, tx->n_in);
	idx_buf_varint(b, tx->n_out);
}

/* Inputs store the distance back to the spent tx (small for the usual
 * recent spends) rather than its absolute number. */
void idx_tx_encode(struct idx_buf *b, const struct idx_tx *tx)
{
	tx_encode_head(b, tx);
	for (uint32_t i = 0; !tx->coinbase && i < tx->n_in; i++) {
		const struct idx_input *in = &tx->in[i];
		idx_buf_varint(b, tx->txnum - in->prev_txnum);
		idx_buf_varint(b, in->prev_vout);
		idx_buf_varint(b, in->addr);
		idx_buf_varint(b, in->value);
	}
	for (uint32_t i = 0; i < tx->n_out; i++) {
		idx_buf_varint(b, tx->out[i].value);
		idx_buf_varint(b, tx->out[i].addr);
		idx_buf_put(b, &tx->out[i].type, 1);
	}
}

static bool tx_decode_head(struct idx_tx *tx, struct cursor *c)
{
	uint8_t flags = 0;
	uint32_t ver = 0;
	cursor_bytes(c, tx->txid.b, 32);
	rd_u32v(c, &tx->height);
	cursor_u8(c, &flags);
	rd_be32(c, &ver);
	rd_be32(c, &tx->locktime);
	rd_u32v(c, &tx->size);
	rd_u32v(c, &tx->weight);
	rd_u32v(c, &tx->n_in);
	rd_u32v(c, &tx->n_out);
	tx->version = (int32_t)ver;
	tx->coinbase = flags & 1;
	tx->segwit = flags & 2;
	/* Each entry takes at least 3 (output) or 4 (input) bytes: a bound
	 * that keeps a damaged record from asking for gigabytes. */
	if (!c->why && (uint64_t)tx->n_out * 3 +
	    (tx->coinbase ? 0 : (uint64_t)tx->n_in * 4) > cursor_left(c))
		cursor_fail(c, "tx record truncated");
	return !c->why;
}

static bool tx_decode_io(struct idx_tx *tx, struct cursor *c)
{
	for (uint32_t i = 0; !tx->coinbase && i < tx->n_in; i++) {
		struct idx_input *in = &tx->in[i];
		uint64_t back = 0;
		cursor_varint(c, &back);
		rd_u32v(c, &in->prev_vout);
		cursor_varint(c, &in->addr);
		cursor_varint(c, &in->value);
		if (!c->why && back > tx->txnum)
			cursor_fail(c, "input points past the first tx");
		in->prev_txnum = tx->txnum - back;
	}
	for (uint32_t i = 0; i < tx->n_out; i++) {
		cursor_varint(c, &tx->out[i].value);
		cursor_varint(c, &tx->out[i].addr);
		cursor_u8(c, &tx->out[i].type);
		if (!c->why && tx->out[i].type >= SCRIPT_TYPE_COUNT)
			cursor_fail(c, "unknown script type");
	}
	if (!c->why && cursor_left(c))
		cursor_fail(c, "trailing bytes in tx record");
	return !c->why;
}

bool idx_tx_decode(struct idx_tx *tx, uint64_t txnum, const uint8_t *v,
		   size_t len, const char **why)
{
	struct cursor c;

	memset(tx, 0, sizeof(*tx));
	tx->txnum = txnum;
	cursor_init(&c, v, len);
	if (!tx_decode_head(tx, &c))
		return (*why = c.why), false;
	tx->out = calloc(tx->n_out ? tx->n_out : 1, sizeof(*tx->out));
	if (!tx->coinbase)
		tx->in = calloc(tx->n_in ? tx->n_in : 1, sizeof(*tx->in));
	if (!tx->out || (!tx->coinbase && !tx->in)) {
		idx_tx_release(tx);
		return (*why = "out of memory"), false;
	}
	if (!tx_decode_io(tx, &c)) {
		idx_tx_release(tx);
		return (*why = c.why), false;
	}
	return true;
}

void idx_tx_release(struct idx_tx *tx)
{
	free(tx->in);
	free(tx->out);
	tx->in = NULL;
	tx->out = NULL;
}

size_t idx_spend_encode(uint8_t out[32], const struct idx_spend *s)
{
	size_t n = varint_write(out, s->txnum);
	n += varint_write(out + n, s->vin);
	n += varint_write(out + n, s->height);
	return n;
}

bool idx_spend_decode(struct idx_spend *s, const uint8_t *v, size_t len)
{
	struct cursor c;
	cursor_init(&c, v, len);
	cursor_varint(&c, &s->txnum);
	rd_u32v(&c, &s->vin);
	rd_u32v(&c, &s->height);
	return !c.why && cursor_left(&c) == 0;
}

size_t idx_hist_encode(uint8_t out[24], uint64_t value, uint32_t height)
{
	size_t n = varint_write(out, value);
	return n + varint_write(out + n, height);
}

bool idx_hist_decode(uint64_t *value, uint32_t *height, const uint8_t *v,
		     size_t len)
{
	struct cursor c;
	cursor_init(&c, v, len);
	cursor_varint(&c, value);
	rd_u32v(&c, height);
	return !c.why && cursor_left(&c) == 0;
}
