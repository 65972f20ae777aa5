/* Transaction and block decoding against real blocks and hostile input. */
#include "proceeds/tx.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Genesis block coinbase, as Core serializes it. */
static const char genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000000000"
	"003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab"
	"5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000"
	"000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030"
	"332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
	"636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000"
	"434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
	"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

static void test_genesis(void **state)
{
	uint8_t raw[sizeof(genesis_hex) / 2];
	const char *why = NULL;
	struct block b;
	char hex[65];

	(void)state;
	assert_true(hex_decode(raw, genesis_hex, strlen(genesis_hex), &why));
	block_init(&b);
	assert_true(block_parse(&b, raw, sizeof(raw), &why));
	hash256_to_hex(hex, &b.hash);
	assert_string_equal(hex, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
	assert_int_equal(b.n_tx, 1);
	hash256_to_hex(hex, &b.txs[0].txid);
	assert_string_equal(hex, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
	assert_true(block_check_merkle(&b, &why));
	assert_true(tx_is_coinbase(&b.txs[0]));
	assert_int_equal(b.txs[0].out[0].value, 5000000000ULL);
	assert_int_equal(block_check_witness_commitment(&b), WITNESS_COMMITMENT_NONE);
	/* Any truncation is an error, never a crash. */
	for (size_t n = 0; n < sizeof(raw); n++)
		assert_false(block_parse(&b, raw, n, &why));
	block_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genesis),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
