/* CBlockUndo decoding, following Core's undo.h, compressor.{h,cpp}. */
#include "proceeds/undo.h"

#include <assert.h>
#include <secp256k1.h>
#include <stdlib.h>
#include <string.h>

#define SPECIAL_SCRIPTS 6
#define MAX_SCRIPT_SIZE 10000
#define OP_RETURN 0x6a
#define OP_CHECKSIG 0xac
/* The smallest coin: VARINT code, VARINT amount, script type + 20 bytes. */
#define MIN_COIN_SIZE 3

void block_undo_init(struct block_undo *u)
{
	memset(u, 0, sizeof(*u));
}

void block_undo_release(struct block_undo *u)
{
	free(u->tx_first);
	free(u->coins);
	memset(u, 0, sizeof(*u));
}

uint64_t undo_compress_amount(uint64_t n)
{
	if (n == 0)
		return 0;
	int e = 0;
	while (n % 10 == 0 && e < 9) {
		n /= 10;
		e++;
	}
	if (e < 9) {
		uint64_t d = n % 10;
		n /= 10;
		return 1 + (n * 9 + d - 1) * 10 + (uint64_t)e;
	}
	return 1 + (n - 1) * 10 + 9;
}

uint64_t undo_decompress_amount(uint64_t x)
{
	if (x == 0)
		return 0;
	x--;
	int e = (int)(x % 10);
	uint64_t n;
	x /= 10;
	if (e < 9) {
		uint64_t d = x % 9 + 1;
		x /= 9;
		n = x * 10 + d;
	} else {
		n = x + 1;
	}
	while (e--)
		n *= 10;
	return n;
}

static void tmpl_hash(struct undo_coin *coin, unsigned kind, const uint8_t h[20])
{
	uint8_t *t = coin->tmpl;
	if (kind == 0) {        /* OP_DUP OP_HASH160 <20> OP_EQUALVERIFY OP_CHECKSIG */
		t[0] = 0x76, t[1] = 0xa9, t[2] = 20;
		memcpy(t + 3, h, 20);
		t[23] = 0x88, t[24] = OP_CHECKSIG;
		coin->script_len = 25;
	} else {                /* OP_HASH160 <20> OP_EQUAL */
		t[0] = 0xa9, t[1] = 20;
		memcpy(t + 2, h, 20);
		t[22] = 0x87;
		coin->script_len = 23;
	}
}

/* Types 4/5: x with the parity of y in the type; the point is recomputed. */
static bool tmpl_pubkey(struct undo_coin *coin, unsigned kind, const uint8_t x[32])
{
	uint8_t comp[33];
	size_t outlen = 65;
	secp256k1_pubkey pk;

	comp[0] = (uint8_t)(kind & 1 ? 3 : 2);
	memcpy(comp + 1, x, 32);
	if (kind <= 3) {
		coin->tmpl[0] = 33;
		memcpy(coin->tmpl + 1, comp, 33);
		coin->tmpl[34] = OP_CHECKSIG;
		coin->script_len = 35;
		return true;
	}
	if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, comp, 33))
		return false;
	coin->tmpl[0] = 65;
	secp256k1_ec_pubkey_serialize(secp256k1_context_static, coin->tmpl + 1,
				      &outlen, &pk, SECP256K1_EC_UNCOMPRESSED);
	assert(outlen == 65);
	coin->tmpl[66] = OP_CHECKSIG;
	coin->script_len = 67;
	return true;
}

bool undo_read_script(struct cursor *c, struct undo_coin *coin)
{
	uint64_t kind;
	const uint8_t *p;

	coin->script = NULL;
	coin->script_len = 0;
	if (!cursor_varint(c, &kind))
		return false;
	if (kind < SPECIAL_SCRIPTS) {
		if (!cursor_span(c, &p, kind < 2 ? 20 : 32))
			return false;
		if (kind < 2)
			tmpl_hash(coin, (unsigned)kind, p);
		else if (!tmpl_pubkey(coin, (unsigned)kind, p))
			return cursor_fail(c, "invalid compressed public key"), false;
		coin->script = coin->tmpl;
		return true;
	}
	kind -= SPECIAL_SCRIPTS;
	if (kind > cursor_left(c))
		return cursor_fail(c, "script length beyond the data"), false;
	if (kind > MAX_SCRIPT_SIZE) {
		cursor_skip(c, kind);
		coin->tmpl[0] = OP_RETURN;
		coin->script = coin->tmpl;
		coin->script_len = 1;
		return true;
	}
	if (!cursor_span(c, &coin->script, kind))
		return false;
	coin->script_len = (uint32_t)kind;
	return true;
}

/* One Coin as TxInUndoFormatter writes it. */
static bool read_coin(struct cursor *c, struct undo_coin *coin)
{
	uint64_t code, dummy, amount;
	if (!cursor_varint(c, &code))
		return false;
	if (code >> 1 > UINT32_MAX)
		return cursor_fail(c, "coin height out of range"), false;
	coin->height = (uint32_t)(code >> 1);
	coin->coinbase = code & 1;
	/* a legacy version field, kept for compatibility when height > 0 */
	if (coin->height > 0 && !cursor_varint(c, &dummy))
		return false;
	if (!cursor_varint(c, &amount))
		return false;
	coin->value = undo_decompress_amount(amount);
	if (!undo_read_script(c, coin))
		return false;
	/* the coins array may move while it grows: NULL marks "in tmpl" */
	if (coin->script == coin->tmpl)
		coin->script = NULL;
	return true;
}

static bool grow(void **arr, size_t *cap, size_t need, size_t elem)
{
	if (need <= *cap)
		return true;
	size_t ncap = *cap ? *cap : 64;
	while (ncap < need)
		ncap *= 2;
	void *na = realloc(*arr, ncap * elem);
	if (!na)
		return false;
	*arr = na;
	*cap = ncap;
	return true;
}

static bool read_tx(struct block_undo *u, struct cursor *c)
{
	uint64_t n;
	if (!cursor_compact(c, &n, cursor_left(c) / MIN_COIN_SIZE))
		return false;
	if (!grow((void **)&u->coins, &u->coin_cap, u->n_coins + n + 1,
		  sizeof(*u->coins)))
		return cursor_fail(c, "out of memory"), false;
	for (uint64_t i = 0; i < n; i++)
		if (!read_coin(c, &u->coins[u->n_coins++]))
			return false;
	return true;
}

bool block_undo_parse(struct block_undo *u, const uint8_t *raw, size_t len,
		      const char **why)
{
	struct cursor c;
	uint64_t n;

	u->n_tx = 0;
	u->n_coins = 0;
	cursor_init(&c, raw, len);
	if (cursor_compact(&c, &n, cursor_left(&c)) &&
	    !grow((void **)&u->tx_first, &u->tx_cap, n + 1, sizeof(*u->tx_first)))
		cursor_fail(&c, "out of memory");
	for (uint64_t i = 0; !c.why && i < n; i++) {
		u->tx_first[i] = u->n_coins;
		read_tx(u, &c);
	}
	if (!c.why && c.pos != len)
		cursor_fail(&c, "trailing bytes after the undo data");
	if (c.why) {
		*why = c.why;
		u->n_tx = 0;
		u->n_coins = 0;
		return false;
	}
	u->n_tx = (uint32_t)n;
	u->tx_first[n] = u->n_coins;
	for (uint32_t i = 0; i < u->n_coins; i++)
		if (!u->coins[i].script)
			u->coins[i].script = u->coins[i].tmpl;
	return true;
}

bool block_undo_check(const struct block_undo *u, const struct block *b,
		      const char **why)
{
	if (b->n_tx == 0 || u->n_tx != b->n_tx - 1) {
		*why = "undo data has another transaction count than the block";
		return false;
	}
	for (uint32_t i = 0; i < u->n_tx; i++) {
		if (u->tx_first[i + 1] - u->tx_first[i] != b->txs[i + 1].n_in) {
			*why = "undo data has another input count than the block";
			return false;
		}
	}
	return true;
}

const struct undo_coin *block_undo_coin(const struct block_undo *u,
					uint32_t tx, uint32_t in)
{
	assert(tx >= 1 && tx - 1 < u->n_tx);
	assert(in < u->tx_first[tx] - u->tx_first[tx - 1]);
	return &u->coins[u->tx_first[tx - 1] + in];
}
