/* Undo data (CBlockUndo) decoding: Core's amount compression and script
 * compression, whole records, hostile input. */
#include "proceeds/undo.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define COIN UINT64_C(100000000)
#define CENT UINT64_C(1000000)

/* The genesis output key (uncompressed, y even: prefix 02 when compressed). */
static const char genesis_key[] =
	"04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
	"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";

/* Core's compress_tests.cpp: known pairs and both round trips. */
static void test_amount(void **state)
{
	static const uint64_t pairs[][2] = {
		{ 0, 0x0 }, { 1, 0x1 }, { CENT, 0x7 }, { COIN, 0x9 },
		{ 50 * COIN, 0x32 }, { 21000000 * COIN, 0x1406f40 },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
		assert_int_equal(undo_compress_amount(pairs[i][0]), pairs[i][1]);
		assert_int_equal(undo_decompress_amount(pairs[i][1]), pairs[i][0]);
	}
	for (uint64_t i = 1; i <= 100000; i++) {
		assert_int_equal(undo_decompress_amount(undo_compress_amount(i)), i);
		assert_int_equal(undo_decompress_amount(undo_compress_amount(i * CENT)),
				 i * CENT);
		assert_int_equal(undo_decompress_amount(undo_compress_amount(i * COIN)),
				 i * COIN);
	}
	for (uint64_t x = 0; x < 100000; x++)
		assert_int_equal(undo_compress_amount(undo_decompress_amount(x)), x);
}

static bool script_of(struct undo_coin *coin, const uint8_t *in, size_t len)
{
	struct cursor c;
	cursor_init(&c, in, len);
	return undo_read_script(&c, coin) && cursor_left(&c) == 0;
}

static void expect_script(const struct undo_coin *coin, const char *hex)
{
	char out[2 * UNDO_TMPL_MAX + 1];
	assert_int_equal(coin->script_len * 2, strlen(hex));
	hex_encode(out, coin->script, coin->script_len);
	assert_string_equal(out, hex);
}

static void test_script_hashes(void **state)
{
	uint8_t in[33];
	struct undo_coin coin;
	(void)state;
	in[0] = 0;
	for (int i = 0; i < 20; i++)
		in[1 + i] = (uint8_t)(0x11 * (i % 15 + 1));
	assert_true(script_of(&coin, in, 21));
	expect_script(&coin, "76a914112233445566778899aabbccddeeff112233445588ac");
	in[0] = 1;
	assert_true(script_of(&coin, in, 21));
	expect_script(&coin, "a914112233445566778899aabbccddeeff112233445587");
	/* compressed key, odd y */
	in[0] = 3;
	memset(in + 1, 0x42, 32);
	assert_true(script_of(&coin, in, 33));
	assert_int_equal(coin.script_len, 35);
	assert_int_equal(coin.script[0], 33);
	assert_int_equal(coin.script[1], 3);
	assert_int_equal(coin.script[34], 0xac);
	assert_false(script_of(&coin, in, 20)); /* truncated */
}

/* Types 4/5 keep only x: the point is recomputed from the curve. */
static void test_script_uncompressed(void **state)
{
	uint8_t key[65], in[33];
	char want[2 * 67 + 1];
	struct undo_coin coin;
	const char *why;
	(void)state;
	assert_true(hex_decode(key, genesis_key, 130, &why));
	in[0] = (uint8_t)(4 + (key[64] & 1));
	memcpy(in + 1, key + 1, 32);
	assert_true(script_of(&coin, in, 33));
	snprintf(want, sizeof(want), "41%sac", genesis_key);
	expect_script(&coin, want);
	/* the other parity gives the other point, never the same key */
	in[0] ^= 1;
	assert_true(script_of(&coin, in, 33));
	assert_int_equal(coin.script_len, 67);
	assert_memory_not_equal(coin.script + 1, key, 65);
	/* x >= p is not a field element: an error, not a made-up key */
	memset(in + 1, 0xff, 32);
	assert_false(script_of(&coin, in, 33));
}

static void test_script_raw(void **state)
{
	uint8_t in[10020];
	struct undo_coin coin;
	(void)state;
	in[0] = 6 + 3; /* VARINT(len + 6) */
	in[1] = 0x6a, in[2] = 0x01, in[3] = 0xff;
	assert_true(script_of(&coin, in, 4));
	expect_script(&coin, "6a01ff");
	in[0] = 6;     /* empty script */
	assert_true(script_of(&coin, in, 1));
	assert_int_equal(coin.script_len, 0);
	/* 10,001 bytes: Core replaces it with OP_RETURN. VARINT(10007) */
	in[0] = 0x80 | (((10007 >> 7) - 1) & 0x7f);
	in[1] = 10007 & 0x7f;
	memset(in + 2, 0x51, 10001);
	assert_true(script_of(&coin, in, 2 + 10001));
	expect_script(&coin, "6a");
	assert_false(script_of(&coin, in, 2 + 10000)); /* length beyond data */
	/* 10,000 bytes are kept */
	in[1] = 10006 & 0x7f;
	assert_true(script_of(&coin, in, 2 + 10000));
	assert_int_equal(coin.script_len, 10000);
}

/* One tx spending a P2PKH coin (height 170) and the genesis-key P2PK coin
 * of a coinbase at height 9, written the way Core writes it. */
static size_t sample_undo(uint8_t *out)
{
	uint8_t key[65];
	const char *why;
	size_t n = 0;
	assert_true(hex_decode(key, genesis_key, 130, &why));
	out[n++] = 1;                   /* one tx */
	out[n++] = 2;                   /* two coins */
	n += varint_write(out + n, 170 * 2);
	out[n++] = 0;                   /* legacy version */
	n += varint_write(out + n, undo_compress_amount(10 * COIN));
	out[n++] = 0;
	memset(out + n, 0xab, 20);
	n += 20;
	n += varint_write(out + n, 9 * 2 + 1);
	out[n++] = 0;
	n += varint_write(out + n, undo_compress_amount(50 * COIN));
	out[n++] = (uint8_t)(4 + (key[64] & 1));
	memcpy(out + n, key + 1, 32);
	return n + 32;
}

static void test_block_undo(void **state)
{
	uint8_t raw[128];
	size_t len = sample_undo(raw);
	struct block_undo u;
	struct block b;
	struct tx txs[2];
	const char *why;
	(void)state;
	block_undo_init(&u);
	assert_true(block_undo_parse(&u, raw, len, &why));
	assert_int_equal(u.n_tx, 1);
	assert_int_equal(u.n_coins, 2);
	const struct undo_coin *c0 = block_undo_coin(&u, 1, 0), *c1 = block_undo_coin(&u, 1, 1);
	assert_int_equal(c0->height, 170);
	assert_false(c0->coinbase);
	assert_int_equal(c0->value, 10 * COIN);
	assert_int_equal(c0->script_len, 25);
	assert_int_equal(c1->height, 9);
	assert_true(c1->coinbase);
	assert_int_equal(c1->value, 50 * COIN);
	assert_int_equal(c1->script_len, 67);
	assert_ptr_equal(c1->script, c1->tmpl);
	memset(&b, 0, sizeof(b));
	memset(txs, 0, sizeof(txs));
	b.txs = txs;
	b.n_tx = 2;
	txs[1].n_in = 2;
	assert_true(block_undo_check(&u, &b, &why));
	txs[1].n_in = 3;
	assert_false(block_undo_check(&u, &b, &why));
	/* every truncation and a trailing byte are errors, never crashes */
	for (size_t n = 0; n < len; n++)
		assert_false(block_undo_parse(&u, raw, n, &why));
	raw[len] = 0;
	assert_false(block_undo_parse(&u, raw, len + 1, &why));
	/* a count claiming more coins than bytes */
	raw[1] = 0xfe, raw[2] = 0xff, raw[3] = 0xff, raw[4] = 0xff, raw[5] = 0x7f;
	assert_false(block_undo_parse(&u, raw, len, &why));
	block_undo_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_amount),
		cmocka_unit_test(test_script_hashes),
		cmocka_unit_test(test_script_uncompressed),
		cmocka_unit_test(test_script_raw),
		cmocka_unit_test(test_block_undo),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
