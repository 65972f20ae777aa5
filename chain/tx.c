/* Transaction and block decoding (Core's serialize.h / transaction.h). */
#include "proceeds/tx.h"
#include "proceeds/cursor.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Smallest serialized input (36 prevout + 1 script len + 4 sequence) and
 * output (8 value + 1 script len): counts beyond left/min are impossible,
 * so they never drive an allocation. */
#define MIN_IN_SIZE 41
#define MIN_OUT_SIZE 9
#define MIN_TX_SIZE 10

void tx_arena_init(struct tx_arena *a)
{
	memset(a, 0, sizeof(*a));
}

void tx_arena_release(struct tx_arena *a)
{
	free(a->txs);
	free(a->ins);
	free(a->outs);
	memset(a, 0, sizeof(*a));
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *p = realloc(*arr, ncap * elem);
	if (!p)
		return false;
	*arr = p;
	*cap = ncap;
	return true;
}

/* While parsing a block the arena arrays may move, so a tx records where
 * its inputs and outputs start and the pointers are set afterwards. */
struct tx_pos {
	size_t in0, out0;
};

static bool parse_inputs(struct tx_arena *a, size_t *n_ins, struct cursor *c,
			 uint64_t n)
{
	if (!grow((void **)&a->ins, &a->ins_cap, *n_ins + n, sizeof(struct tx_in)))
		return cursor_fail(c, "out of memory"), false;
	for (uint64_t i = 0; i < n; i++) {
		struct tx_in *in = &a->ins[(*n_ins)++];
		uint64_t sl;
		memset(in, 0, sizeof(*in));
		cursor_bytes(c, in->prev_txid.b, 32);
		cursor_u32(c, &in->prev_vout);
		if (!cursor_compact(c, &sl, cursor_left(c)) ||
		    !cursor_span(c, &in->script, sl) ||
		    !cursor_u32(c, &in->sequence))
			return false;
		in->script_len = (uint32_t)sl;
	}
	return true;
}

static bool parse_outputs(struct tx_arena *a, size_t *n_outs, struct cursor *c,
			  uint64_t n)
{
	if (!grow((void **)&a->outs, &a->outs_cap, *n_outs + n,
		  sizeof(struct tx_out)))
		return cursor_fail(c, "out of memory"), false;
	for (uint64_t i = 0; i < n; i++) {
		struct tx_out *out = &a->outs[(*n_outs)++];
		uint64_t sl;
		cursor_u64(c, &out->value);
		if (!cursor_compact(c, &sl, cursor_left(c)) ||
		    !cursor_span(c, &out->script, sl))
			return false;
		out->script_len = (uint32_t)sl;
	}
	return true;
}

static bool parse_witnesses(struct tx_arena *a, size_t in0, uint64_t n_in,
			    struct cursor *c)
{
	bool any = false;
	for (uint64_t i = 0; i < n_in; i++) {
		struct tx_in *in = &a->ins[in0 + i];
		size_t start = c->pos;
		uint64_t items;
		if (!cursor_compact(c, &items, cursor_left(c)))
			return false;
		for (uint64_t k = 0; k < items; k++) {
			uint64_t il;
			if (!cursor_compact(c, &il, cursor_left(c)) ||
			    !cursor_skip(c, il))
				return false;
		}
		in->witness = c->p + start;
		in->witness_len = (uint32_t)(c->pos - start);
		in->witness_items = (uint32_t)items;
		any |= items > 0;
	}
	if (!any)
		cursor_fail(c, "superfluous witness record");
	return !c->why;
}

static void compute_txid(struct tx *tx)
{
	if (!tx->segwit) {
		hash_sha256d(&tx->txid, tx->raw, tx->raw_len);
		return;
	}
	struct hash_sha256d_ctx h;
	hash_sha256d_begin(&h);
	hash_sha256d_update(&h, tx->raw, 4);
	hash_sha256d_update(&h, tx->raw + tx->io_off, tx->io_len);
	hash_sha256d_update(&h, tx->raw + tx->raw_len - 4, 4);
	hash_sha256d_end(&h, &tx->txid);
}

/* Parses one transaction at the cursor into a->txs[idx]. Follows Core's
 * UnserializeTransaction, including its reading of an empty vin as the
 * segwit marker. */
static bool parse_tx(struct tx_arena *a, struct tx_pos *pos, size_t idx,
		     size_t *n_ins, size_t *n_outs, struct cursor *c)
{
	struct tx *tx = &a->txs[idx];
	size_t start = c->pos;
	uint32_t version;
	uint64_t n_in, n_out = 0;
	uint8_t flag = 0;

	memset(tx, 0, sizeof(*tx));
	pos->in0 = *n_ins;
	pos->out0 = *n_outs;
	cursor_u32(c, &version);
	tx->version = (int32_t)version;
	tx->io_off = 4;
	if (!cursor_compact(c, &n_in, cursor_left(c) / MIN_IN_SIZE))
		return false;
	if (n_in == 0) {
		if (!cursor_u8(c, &flag))
			return false;
		if (flag != 0) {
			tx->io_off = (uint32_t)(c->pos - start);
			if (!cursor_compact(c, &n_in, cursor_left(c) / MIN_IN_SIZE))
				return false;
		}
	}
	if (!parse_inputs(a, n_ins, c, n_in))
		return false;
	if (n_in > 0 || flag != 0) {
		if (!cursor_compact(c, &n_out, cursor_left(c) / MIN_OUT_SIZE) ||
		    !parse_outputs(a, n_outs, c, n_out))
			return false;
	}
	tx->io_len = (uint32_t)(c->pos - start) - tx->io_off;
	if (flag & 1) {
		tx->segwit = true;
		if (!parse_witnesses(a, pos->in0, n_in, c))
			return false;
		flag ^= 1;
	}
	if (flag)
		return cursor_fail(c, "unknown transaction optional data"), false;
	if (!cursor_u32(c, &tx->locktime))
		return false;
	tx->n_in = (uint32_t)n_in;
	tx->n_out = (uint32_t)n_out;
	tx->raw = c->p + start;
	tx->raw_len = (uint32_t)(c->pos - start);
	tx->base_len = tx->segwit ? 8 + tx->io_len : tx->raw_len;
	compute_txid(tx);
	return true;
}

static void fix_pointers(struct tx_arena *a, const struct tx_pos *pos, size_t n)
{
	/* No input or output at all leaves an array NULL: NULL + 0 is UB. */
	for (size_t i = 0; i < n; i++) {
		a->txs[i].in = a->ins ? a->ins + pos[i].in0 : NULL;
		a->txs[i].out = a->outs ? a->outs + pos[i].out0 : NULL;
	}
}

static bool parse_txs(struct block *b, struct cursor *c, uint64_t n,
		      const char **why)
{
	struct tx_arena *a = &b->arena;
	size_t n_ins = 0, n_outs = 0;
	struct tx_pos *pos;

	if (!grow((void **)&a->txs, &a->txs_cap, n ? n : 1, sizeof(struct tx)) ||
	    !(pos = malloc((n ? n : 1) * sizeof(*pos)))) {
		*why = "out of memory";
		return false;
	}
	for (uint64_t i = 0; i < n; i++) {
		if (!parse_tx(a, &pos[i], i, &n_ins, &n_outs, c)) {
			free(pos);
			*why = c->why;
			return false;
		}
	}
	fix_pointers(a, pos, n);
	free(pos);
	b->txs = a->txs;
	b->n_tx = (uint32_t)n;
	return true;
}

void block_init(struct block *b)
{
	memset(b, 0, sizeof(*b));
	tx_arena_init(&b->arena);
}

void block_release(struct block *b)
{
	tx_arena_release(&b->arena);
	memset(b, 0, sizeof(*b));
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

void block_header_decode(struct block_header *out, const uint8_t raw[80])
{
	out->version = (int32_t)le32(raw);
	memcpy(out->prev.b, raw + 4, 32);
	memcpy(out->merkle.b, raw + 36, 32);
	out->time = le32(raw + 68);
	out->bits = le32(raw + 72);
	out->nonce = le32(raw + 76);
}

void block_header_encode(uint8_t out[80], const struct block_header *h)
{
	put_le32(out, (uint32_t)h->version);
	memcpy(out + 4, h->prev.b, 32);
	memcpy(out + 36, h->merkle.b, 32);
	put_le32(out + 68, h->time);
	put_le32(out + 72, h->bits);
	put_le32(out + 76, h->nonce);
}

void block_header_hash(struct hash256 *out, const uint8_t raw[80])
{
	hash_sha256d(out, raw, 80);
}

bool block_parse(struct block *b, const uint8_t *raw, size_t len,
		 const char **why)
{
	struct cursor c;
	uint64_t n_tx;

	memset(&b->hdr, 0, sizeof(b->hdr));
	b->n_tx = 0;
	b->raw = raw;
	b->raw_len = len;
	if (len < 80) {
		*why = "block shorter than its 80-byte header";
		return false;
	}
	block_header_decode(&b->hdr, raw);
	block_header_hash(&b->hash, raw);
	cursor_init(&c, raw, len);
	cursor_skip(&c, 80);
	if (!cursor_compact(&c, &n_tx, cursor_left(&c) / MIN_TX_SIZE)) {
		*why = c.why;
		return false;
	}
	if (n_tx == 0) {
		*why = "block without transactions";
		return false;
	}
	if (!parse_txs(b, &c, n_tx, why))
		return false;
	if (c.pos != len) {
		*why = "trailing bytes after the last transaction";
		return false;
	}
	return true;
}

bool block_parse_tx(struct block *b, const uint8_t *raw, size_t len,
		    const char **why)
{
	struct cursor c;

	memset(&b->hdr, 0, sizeof(b->hdr));
	memset(&b->hash, 0, sizeof(b->hash));
	b->n_tx = 0;
	b->raw = raw;
	b->raw_len = len;
	cursor_init(&c, raw, len);
	if (!parse_txs(b, &c, 1, why))
		return false;
	if (c.pos != len) {
		b->n_tx = 0;
		*why = "trailing bytes after the transaction";
		return false;
	}
	return true;
}

void tx_wtxid(struct hash256 *out, const struct tx *tx)
{
	hash_sha256d(out, tx->raw, tx->raw_len);
}

bool tx_is_coinbase(const struct tx *tx)
{
	return tx->n_in == 1 && tx->in[0].prev_vout == 0xffffffffu &&
	       hash256_is_zero(&tx->in[0].prev_txid);
}

/* Core's ComputeMerkleRoot over hashes[0..n), in place. */
static void merkle_in_place(struct hash256 *out, bool *mutated,
			    struct hash256 *h, size_t n)
{
	bool mut = false;
	while (n > 1) {
		for (size_t i = 0; i + 1 < n; i += 2)
			mut |= hash256_eq(&h[i], &h[i + 1]);
		if (n & 1) {
			h[n] = h[n - 1];
			n++;
		}
		for (size_t i = 0; i < n / 2; i++)
			hash_sha256d(&h[i], h[2 * i].b, 64);
		n /= 2;
	}
	*out = h[0];
	if (mutated)
		*mutated = mut;
}

void block_merkle_root(struct hash256 *out, bool *mutated, const struct block *b)
{
	struct hash256 *h = malloc((b->n_tx + 1) * sizeof(*h));
	assert(h);
	for (uint32_t i = 0; i < b->n_tx; i++)
		h[i] = b->txs[i].txid;
	merkle_in_place(out, mutated, h, b->n_tx);
	free(h);
}

bool block_check_merkle(const struct block *b, const char **why)
{
	struct hash256 root;
	bool mutated;
	block_merkle_root(&root, &mutated, b);
	if (!hash256_eq(&root, &b->hdr.merkle)) {
		*why = "merkle root mismatch";
		return false;
	}
	if (mutated) {
		*why = "duplicate transaction in merkle tree (CVE-2012-2459)";
		return false;
	}
	return true;
}

static bool is_commitment(const struct tx_out *o)
{
	static const uint8_t pfx[6] = { 0x6a, 0x24, 0xaa, 0x21, 0xa9, 0xed };
	return o->script_len >= 38 && memcmp(o->script, pfx, 6) == 0;
}

/* The coinbase's witness reserved value: exactly one 32-byte item. */
static bool reserved_value(const struct tx_in *in, const uint8_t **val)
{
	if (!in->witness || in->witness_items != 1 || in->witness_len != 34 ||
	    in->witness[1] != 32)
		return false;
	*val = in->witness + 2;
	return true;
}

enum witness_commitment block_check_witness_commitment(const struct block *b)
{
	const struct tx *cb = &b->txs[0];
	const struct tx_out *commit = NULL;
	bool any_witness = false;

	for (uint32_t i = 0; i < cb->n_out; i++)
		if (is_commitment(&cb->out[i]))
			commit = &cb->out[i];
	for (uint32_t i = 0; i < b->n_tx && !any_witness; i++)
		any_witness = b->txs[i].segwit;
	/* Without any witness data there is nothing to commit to: miners
	 * signalling segwit before its activation added the output with no
	 * reserved value, and Core checks commitments only once active. */
	if (!any_witness)
		return WITNESS_COMMITMENT_NONE;
	if (!commit)
		return WITNESS_COMMITMENT_MISSING;

	const uint8_t *reserved;
	if (cb->n_in != 1 || !reserved_value(&cb->in[0], &reserved))
		return WITNESS_COMMITMENT_MISMATCH;
	struct hash256 *h = malloc((b->n_tx + 1) * sizeof(*h));
	assert(h);
	memset(&h[0], 0, sizeof(h[0]));
	for (uint32_t i = 1; i < b->n_tx; i++)
		tx_wtxid(&h[i], &b->txs[i]);
	uint8_t buf[64];
	struct hash256 root, commitment;
	merkle_in_place(&root, NULL, h, b->n_tx);
	free(h);
	memcpy(buf, root.b, 32);
	memcpy(buf + 32, reserved, 32);
	hash_sha256d(&commitment, buf, 64);
	return memcmp(commitment.b, commit->script + 6, 32) == 0
		       ? WITNESS_COMMITMENT_OK
		       : WITNESS_COMMITMENT_MISMATCH;
}

bool block_bip34_height(const struct block *b, uint32_t *height)
{
	const struct tx *cb;
	/* Version 1 coinbases hold arbitrary data (the genesis block's starts
	 * with its bits), which must not be read as a height. */
	if (b->n_tx == 0 || b->hdr.version < 2)
		return false;
	cb = &b->txs[0];
	if (cb->n_in < 1 || cb->in[0].script_len < 1)
		return false;
	const uint8_t *s = cb->in[0].script;
	size_t len = cb->in[0].script_len;
	if (s[0] == 0x00) {
		*height = 0;
		return true;
	}
	if (s[0] >= 0x51 && s[0] <= 0x60) {
		*height = s[0] - 0x50u;
		return true;
	}
	if (s[0] < 1 || s[0] > 4 || len < 1u + s[0])
		return false;
	uint32_t v = 0;
	for (int i = s[0]; i >= 1; i--)
		v = v << 8 | s[i];
	/* Minimal encoding, positive: top byte non-zero unless it only holds
	 * the sign bit of the byte below; heights 1-16 use OP_n. */
	if (s[s[0]] & 0x80)
		return false;
	if (s[s[0]] == 0 && (s[0] == 1 || !(s[s[0] - 1] & 0x80)))
		return false;
	if (v <= 16)
		return false;
	*height = v;
	return true;
}

/* 256-bit little-endian word arithmetic for chain work. */
static int u256_cmp(const uint64_t a[4], const uint64_t b[4])
{
	for (int i = 3; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

static void u256_sub(uint64_t a[4], const uint64_t b[4])
{
	uint64_t borrow = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t bi = b[i] + borrow;
		uint64_t nb = (bi < borrow) || (a[i] < bi);
		a[i] -= bi;
		borrow = nb;
	}
}

static void u256_shl1(uint64_t a[4])
{
	for (int i = 3; i > 0; i--)
		a[i] = a[i] << 1 | a[i - 1] >> 63;
	a[0] <<= 1;
}

static int u256_bits(const uint64_t a[4])
{
	for (int i = 3; i >= 0; i--)
		if (a[i])
			return i * 64 + 64 - __builtin_clzll(a[i]);
	return 0;
}

static bool compact_target(uint64_t t[4], uint32_t bits)
{
	uint32_t exp = bits >> 24, mant = bits & 0x007fffff;
	memset(t, 0, 4 * sizeof(uint64_t));
	if ((bits & 0x00800000) || mant == 0)
		return false;
	if (exp <= 3) {
		t[0] = mant >> (8 * (3 - exp));
		return t[0] != 0;
	}
	/* Core's SetCompact overflow rule. */
	if (exp > 34 || (mant > 0xff && exp > 33) || (mant > 0xffff && exp > 32))
		return false;
	unsigned shift = 8 * (exp - 3);
	t[shift / 64] = (uint64_t)mant << (shift % 64);
	if (shift % 64 > 41 && shift / 64 < 3)
		t[shift / 64 + 1] = (uint64_t)mant >> (64 - shift % 64);
	return true;
}

bool block_work(uint64_t out[4], uint32_t bits)
{
	uint64_t d[4], rem[4] = { 0 }, q[4] = { 0 };
	memset(out, 0, 4 * sizeof(uint64_t));
	if (!compact_target(d, bits))
		return false;
	/* Core: work = ~target / (target + 1) + 1, done by long division of
	 * ~target by d = target + 1, bit by bit from the top. */
	uint64_t num[4];
	for (int i = 0; i < 4; i++)
		num[i] = ~d[i];
	for (int i = 0; i < 4; i++)
		if (++d[i] != 0)
			break;
	for (int bit = u256_bits(num) - 1; bit >= 0; bit--) {
		u256_shl1(rem);
		rem[0] |= (num[bit / 64] >> (bit % 64)) & 1;
		if (u256_cmp(rem, d) >= 0) {
			u256_sub(rem, d);
			q[bit / 64] |= UINT64_C(1) << (bit % 64);
		}
	}
	for (int i = 0; i < 4; i++)
		if (++q[i] != 0)
			break;
	memcpy(out, q, sizeof(q));
	return true;
}

bool block_header_check_pow(const struct hash256 *hash, uint32_t bits)
{
	uint64_t t[4], h[4];
	if (!compact_target(t, bits))
		return false;
	for (int i = 0; i < 4; i++) {
		h[i] = 0;
		for (int k = 7; k >= 0; k--)
			h[i] = h[i] << 8 | hash->b[i * 8 + k];
	}
	return u256_cmp(h, t) <= 0;
}
