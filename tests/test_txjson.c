/* JSON views of transactions and blocks: the fields decode shows. */
#include "proceeds/amount.h"
#include "proceeds/hex.h"
#include "proceeds/txjson.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000000000"
	"003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab"
	"5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000"
	"000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030"
	"332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
	"636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000"
	"434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
	"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

#define H20 "751e76e8199196d454941c45d1b3a323f1433bd6"
#define K33 "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"

/* Segwit: base 82 bytes, total 122 (2 marker/flag + 38 witness). */
static const char segwit_hex[] =
	"02000000" "0001" "01" "1111111111111111111111111111111111111111111111111111111111111111"
	"01000000" "00" "feffffff" "01" "e803000000000000" "16" "0014" H20
	"02" "02aaaa" "21" K33 "00000000";

/* Version-2 block at height 100000 (BIP34 push 03a08601). */
static const char v2_block_hex[] =
	"02000000" "0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"29ab5f49" "ffff001d" "1dac2b7c" "01"
	"01000000" "01" "0000000000000000000000000000000000000000000000000000000000000000"
	"ffffffff" "04" "03a08601" "ffffffff" "01" "00f2052a01000000" "19" "76a914" H20
	"88ac" "00000000";

static json_t *parse_block(struct block *b, uint8_t *raw, const char *hex)
{
	const char *why = NULL;
	assert_true(hex_decode(raw, hex, strlen(hex), &why));
	assert_true(block_parse(b, raw, strlen(hex) / 2, &why));
	return txjson_block(b);
}

static const char *jstr(const json_t *j, const char *key)
{
	const char *s = json_string_value(json_object_get(j, key));
	assert_non_null(s);
	return s;
}

static json_int_t jint(const json_t *j, const char *key)
{
	assert_true(json_is_integer(json_object_get(j, key)));
	return json_integer_value(json_object_get(j, key));
}

static void test_genesis_json(void **state)
{
	uint8_t raw[sizeof(genesis_hex) / 2];
	struct block b;
	json_t *j, *t, *in, *out;

	(void)state;
	block_init(&b);
	j = parse_block(&b, raw, genesis_hex);
	assert_string_equal(jstr(j, "hash"), "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
	assert_null(json_object_get(j, "bip34_height"));
	assert_string_equal(jstr(j, "bits"), "1d00ffff");
	assert_int_equal(jint(j, "size"), 285);
	assert_int_equal(jint(j, "weight"), 285 * 4);
	assert_int_equal(jint(j, "n_tx"), 1);
	assert_int_equal(jint(j, "time"), 1231006505);
	assert_true(json_is_true(json_object_get(j, "merkle_ok")));
	assert_true(json_is_true(json_object_get(j, "pow_ok")));
	assert_string_equal(jstr(j, "witness_commitment"), "none");
	json_decref(j);

	t = txjson_tx(&b.txs[0], NETWORK_MAIN);
	assert_string_equal(jstr(t, "txid"), jstr(t, "wtxid"));
	assert_int_equal(jint(t, "size"), 204);
	assert_int_equal(jint(t, "vsize"), 204);
	assert_true(json_is_false(json_object_get(t, "segwit")));
	in = json_array_get(json_object_get(t, "inputs"), 0);
	assert_true(strncmp(jstr(in, "coinbase"), "04ffff001d0104455468", 20) == 0);
	assert_null(json_object_get(in, "txid"));
	assert_int_equal(jint(in, "sequence"), 0xffffffff);
	out = json_array_get(json_object_get(t, "outputs"), 0);
	assert_int_equal(jint(out, "n"), 0);
	assert_int_equal(jint(out, "value"), 5000000000);
	assert_string_equal(jstr(out, "value_btc"), "50.00000000");
	assert_string_equal(jstr(out, "type"), "p2pk");
	assert_string_equal(jstr(out, "address"), "1A1zP1eP5QGefi2DMPTfTL5SLmv7DivfNa");
	assert_true(strncmp(jstr(out, "pubkey"), "04678afdb0fe", 12) == 0);
	assert_true(strncmp(jstr(out, "script_hex"), "4104678afdb0fe", 14) == 0);
	json_decref(t);
	block_release(&b);
}

/* bip34_height only where the version says the coinbase carries it. */
static void test_bip34_json(void **state)
{
	uint8_t raw[sizeof(v2_block_hex) / 2];
	struct block b;
	json_t *j;

	(void)state;
	block_init(&b);
	j = parse_block(&b, raw, v2_block_hex);
	assert_int_equal(jint(j, "bip34_height"), 100000);
	json_decref(j);
	raw[0] = 1;
	assert_true(block_parse(&b, raw, sizeof(raw), &(const char *){ NULL }));
	j = txjson_block(&b);
	assert_null(json_object_get(j, "bip34_height"));
	json_decref(j);
	block_release(&b);
}

static void test_segwit_json(void **state)
{
	uint8_t raw[sizeof(segwit_hex) / 2];
	const char *why = NULL;
	struct block b;
	json_t *t, *in, *w, *out;

	(void)state;
	block_init(&b);
	assert_true(hex_decode(raw, segwit_hex, strlen(segwit_hex), &why));
	assert_true(block_parse_tx(&b, raw, sizeof(raw), &why));
	assert_int_equal(tx_weight(&b.txs[0]), 82 * 3 + 122);
	t = txjson_tx(&b.txs[0], NETWORK_TESTNET);
	assert_int_equal(jint(t, "size"), 122);
	assert_int_equal(jint(t, "weight"), 368);
	assert_int_equal(jint(t, "vsize"), 92);
	assert_int_equal(jint(t, "version"), 2);
	assert_int_equal(jint(t, "locktime"), 0);
	assert_true(json_is_true(json_object_get(t, "segwit")));
	assert_string_not_equal(jstr(t, "txid"), jstr(t, "wtxid"));
	in = json_array_get(json_object_get(t, "inputs"), 0);
	assert_string_equal(jstr(in, "txid"), "1111111111111111111111111111111111111111111111111111111111111111");
	assert_int_equal(jint(in, "vout"), 1);
	assert_string_equal(jstr(in, "script_sig"), "");
	assert_int_equal(jint(in, "sequence"), 0xfffffffe);
	w = json_object_get(in, "witness");
	assert_int_equal(json_array_size(w), 2);
	assert_string_equal(json_string_value(json_array_get(w, 0)), "aaaa");
	assert_string_equal(json_string_value(json_array_get(w, 1)), K33);
	out = json_array_get(json_object_get(t, "outputs"), 0);
	assert_string_equal(jstr(out, "type"), "p2wpkh");
	assert_string_equal(jstr(out, "address"), "tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx");
	assert_string_equal(jstr(out, "value_btc"), "0.00001000");
	json_decref(t);
	block_release(&b);
}

static void test_multisig_json(void **state)
{
	static const char spk_hex[] = "5221" K33 "21" K33 "52ae";
	uint8_t spk[sizeof(spk_hex) / 2];
	const char *why = NULL;
	struct tx_out o = { 1, spk, sizeof(spk) };
	json_t *j;

	(void)state;
	assert_true(hex_decode(spk, spk_hex, strlen(spk_hex), &why));
	j = txjson_output(&o, 3, NETWORK_MAIN);
	assert_string_equal(jstr(j, "type"), "multisig");
	assert_null(json_object_get(j, "address"));
	assert_int_equal(jint(j, "required"), 2);
	assert_int_equal(json_array_size(json_object_get(j, "keys")), 2);
	assert_string_equal(json_string_value(json_array_get(json_object_get(j, "keys"), 1)), K33);
	assert_int_equal(jint(j, "n"), 3);
	json_decref(j);
	/* Out-of-range values: flagged, and value_btc agrees with value. */
	o.value = AMOUNT_MAX + 1;
	j = txjson_output(&o, 0, NETWORK_MAIN);
	assert_string_equal(jstr(j, "value_btc"), "21000000.00000001");
	assert_true(json_is_true(json_object_get(j, "value_out_of_range")));
	json_decref(j);
	o.value = UINT64_MAX;
	j = txjson_output(&o, 0, NETWORK_MAIN);
	assert_int_equal(jint(j, "value"), -1);
	assert_string_equal(jstr(j, "value_btc"), "-0.00000001");
	json_decref(j);
	o.value = 0;
	j = txjson_output(&o, 0, NETWORK_MAIN);
	assert_null(json_object_get(j, "value_out_of_range"));
	json_decref(j);
	assert_string_equal(txjson_commitment_name(WITNESS_COMMITMENT_MISMATCH), "mismatch");
	assert_string_equal(txjson_commitment_name(WITNESS_COMMITMENT_MISSING), "missing");
	assert_string_equal(txjson_commitment_name(WITNESS_COMMITMENT_OK), "ok");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genesis_json),
		cmocka_unit_test(test_bip34_json),
		cmocka_unit_test(test_segwit_json),
		cmocka_unit_test(test_multisig_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
