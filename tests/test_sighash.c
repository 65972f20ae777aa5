/* Signature hashes against published vectors: BIP143's native P2WPKH,
 * P2SH-P2WPKH and P2WSH (SIGHASH_SINGLE out of range) examples, the legacy
 * P2PK signatures inside those examples (verified with libsecp256k1 over
 * our legacy sighash), and BIP341's keyPathSpending vectors (sigMsg and
 * sigHash per input, from ../shared). */
#include "helper.h"
#include "proceeds/hex.h"
#include "proceeds/sighash.h"
#include "proceeds/tx.h"

#include <jansson.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void unhex(uint8_t *out, size_t len, const char *hex)
{
	const char *why = NULL;
	assert_int_equal(strlen(hex), 2 * len);
	assert_true(hex_decode(out, hex, 2 * len, &why));
}

static void parse_tx(struct block *b, uint8_t **raw, const char *hex)
{
	size_t len = strlen(hex) / 2;
	const char *why = NULL;
	*raw = malloc(len);
	assert_non_null(*raw);
	unhex(*raw, len, hex);
	block_init(b);
	assert_true(block_parse_tx(b, *raw, len, &why));
}

static void expect_hash(const uint8_t got[32], const char *hex)
{
	uint8_t want[32];
	unhex(want, 32, hex);
	assert_memory_equal(got, want, 32);
}

static const char p2wpkh_tx[] =
	"0100000002fff7f7881a8099afa6940d42d1e7f6362bec38171ea3edf433541db4e4ad969f"
	"0000000000eeffffffef51e1b804cc89d182d279655c3aa89e815b1b309fe287d9b2b55d57"
	"b90ec68a0100000000ffffffff02202cb206000000001976a9148280b37df378db99f66f85c9"
	"5a783a76ac7a6d5988ac9093510d000000001976a9143bde42dbee7e4dbe6a21b2d50ce2f016"
	"7faa815988ac11000000";

/* ECDSA verification of a DER signature over msg (normalized to low S,
 * as the BIP143 examples predate the low-S rule). */
static bool ecdsa_ok(const char *der_hex, const char *pub_hex, const uint8_t msg[32])
{
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	secp256k1_ecdsa_signature sig;
	secp256k1_pubkey pub;
	uint8_t der[80], pk[33];
	size_t n = strlen(der_hex) / 2;
	unhex(der, n, der_hex);
	unhex(pk, 33, pub_hex);
	bool ok = secp256k1_ec_pubkey_parse(ctx, &pub, pk, 33) &&
		  secp256k1_ecdsa_signature_parse_der(ctx, &sig, der, n);
	if (ok) {
		secp256k1_ecdsa_signature_normalize(ctx, &sig, &sig);
		ok = secp256k1_ecdsa_verify(ctx, &sig, msg, &pub);
	}
	secp256k1_context_destroy(ctx);
	return ok;
}

static void test_bip143_p2wpkh(void **state)
{
	struct block b;
	struct sighash_cache c;
	uint8_t *raw, code[25], h160[20], out[32], p2pk[35];
	const char *why = NULL;
	(void)state;
	parse_tx(&b, &raw, p2wpkh_tx);
	assert_true(sighash_cache_init(&c, &b.txs[0], NULL, &why));
	expect_hash(c.prevouts_d, "96b827c8483d4e9b96712b6713a7b68d6e8003a781feba36c31143470b4efd37");
	expect_hash(c.sequences_d, "52b0a642eea2fb7ae638c36f6252b6750293dbe574a806984b8e4d8548339a3b");
	expect_hash(c.outputs_d, "863ef3e1a92afbfdb97f31ad0fc7683ee943e9abcf2501590ff8f6551f47e5e5");
	unhex(h160, 20, "1d0f172a0ecb48aee1be1f2687d2963ae33f71a1");
	sighash_p2wpkh_code(code, h160);
	assert_true(sighash_segwit_v0(out, &c, &b.txs[0], 1, code, 25, 600000000u,
				      SIGHASH_ALL, &why));
	expect_hash(out, "c37af31116d1b27caf68aae9e3ac82f1477929014d5b917657d0eb49478cb670");
	/* Input 0 spends a P2PK output: its signature in the signed example
	 * verifies over our legacy sighash, and not over another input's. */
	unhex(p2pk, 35, "2103c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432ac");
	assert_true(sighash_legacy(out, &b.txs[0], 0, p2pk, 35, SIGHASH_ALL, &why));
	static const char sig0[] =
		"30450221008b9d1dc26ba6a9cb62127b02742fa9d754cd3bebf337f7a55d114c8e5cdd30be"
		"022040529b194ba3f9281a99f2b1c0a19c0489bc22ede944ccf4ecbab4cc618ef3ed";
	static const char pub0[] =
		"03c9f4836b9a4f77fc0d81f7bcb01b7f1b35916864b9476c241ce9fc198bd25432";
	assert_true(ecdsa_ok(sig0, pub0, out));
	assert_true(sighash_legacy(out, &b.txs[0], 1, p2pk, 35, SIGHASH_ALL, &why));
	assert_false(ecdsa_ok(sig0, pub0, out));
	assert_false(sighash_legacy(out, &b.txs[0], 2, p2pk, 35, SIGHASH_ALL, &why));
	block_release(&b);
	free(raw);
}

static void test_bip143_p2sh_p2wpkh(void **state)
{
	static const char hex[] =
		"0100000001db6b1b20aa0fd7b23880be2ecbd4a98130974cf4748fb66092ac4d3ceb1a5477"
		"0100000000feffffff02b8b4eb0b000000001976a914a457b684d7f0d539a46a45bbc043f3"
		"5b59d0d96388ac0008af2f000000001976a914fd270b1ee6abcaea97fea7ad0402e8bd8ad6"
		"d77c88ac92040000";
	struct block b;
	struct sighash_cache c;
	uint8_t *raw, code[25], h160[20], out[32];
	const char *why = NULL;
	(void)state;
	parse_tx(&b, &raw, hex);
	assert_true(sighash_cache_init(&c, &b.txs[0], NULL, &why));
	unhex(h160, 20, "79091972186c449eb1ded22b78e40d009bdf0089");
	sighash_p2wpkh_code(code, h160);
	assert_true(sighash_segwit_v0(out, &c, &b.txs[0], 0, code, 25, 1000000000u,
				      SIGHASH_ALL, &why));
	expect_hash(out, "64f3b0f4dd2bb3aa1ce8566d220cc74dda9df97d8490cc81d89d735c92e59fb6");
	assert_true(ecdsa_ok("3044022047ac8e878352d3ebbde1c94ce3a10d057c24175747116f"
			     "8288e5d794d12d482f0220217f36a485cae903c713331d877c1f6467"
			     "7e3622ad4010726870540656fe9dcb",
			     "03ad1d8e89212f0b92c74d23bb710c00662ad1470198ac48c43f7d6f93a2a26873",
			     out));
	block_release(&b);
	free(raw);
}

static void test_bip143_p2wsh_single(void **state)
{
	static const char hex[] =
		"0100000002fe3dc9208094f3ffd12645477b3dc56f60ec4fa8e6f5d67c565d1c6b9216b36e"
		"0000000000ffffffff0815cf020f013ed6cf91d29f4202e8a58726b1ac6c79da47c23d1bee"
		"0a6925f80000000000ffffffff0100f2052a010000001976a914a30741f8145e5acadf23f7"
		"51864167f32e0963f788ac00000000";
	static const char code1[] =
		"21026dccc749adc2a9d0d89497ac511f760f45c47dc5ed9cf352a58ac706453880aeadab21"
		"0255a9626aebf5e29c0e6538428ba0d1dcf6ca98ffdf086aa8ced5e0d0215ea465ac";
	struct block b;
	struct sighash_cache c;
	uint8_t *raw, code[71], out[32], p2pk[35];
	const char *why = NULL;
	(void)state;
	parse_tx(&b, &raw, hex);
	assert_true(sighash_cache_init(&c, &b.txs[0], NULL, &why));
	unhex(code, 71, code1);
	assert_true(sighash_segwit_v0(out, &c, &b.txs[0], 1, code, 71, 4900000000u,
				      SIGHASH_SINGLE, &why));
	expect_hash(out, "82dde6e4f1e94d02c2b7ad03d2115d691f48d064e9d52f58194a6637e4194391");
	assert_true(sighash_segwit_v0(out, &c, &b.txs[0], 1, code + 36, 35, 4900000000u,
				      SIGHASH_SINGLE, &why));
	expect_hash(out, "fef7bd749cce710c5c052bd796df1af0d935e59cea63736268bcbe2d2134fc47");
	/* The legacy P2PK input 0, SIGHASH_ALL. */
	unhex(p2pk, 35, "21036d5c20fa14fb2f635474c1dc4ef5909d4568e5569b79fc94d3448486e14685f8ac");
	assert_true(sighash_legacy(out, &b.txs[0], 0, p2pk, 35, SIGHASH_ALL, &why));
	assert_true(ecdsa_ok("304402200af4e47c9b9629dbecc21f73af989bdaa911f7e6f6c2e9394588a3"
			     "aa68f81e9902204f3fcf6ade7e5abb1295b6774c8e0abd94ae62217367096"
			     "bc02ee5e435b67da2",
			     "036d5c20fa14fb2f635474c1dc4ef5909d4568e5569b79fc94d3448486e14685f8",
			     out));
	/* Legacy SIGHASH_SINGLE past the last output: Core's "one". */
	assert_true(sighash_legacy(out, &b.txs[0], 1, p2pk, 35, SIGHASH_SINGLE, &why));
	assert_int_equal(out[0], 1);
	for (int i = 1; i < 32; i++)
		assert_int_equal(out[i], 0);
	block_release(&b);
	free(raw);
}

/* One keyPathSpending input of BIP341: sigMsg and sigHash. */
static void check_bip341_input(const struct tx *tx, const struct sighash_cache *c,
			       const struct sighash_spent *spent, json_t *in)
{
	json_t *g = json_object_get(in, "given"), *im = json_object_get(in, "intermediary");
	uint32_t idx = (uint32_t)json_integer_value(json_object_get(g, "txinIndex"));
	uint8_t ht = (uint8_t)json_integer_value(json_object_get(g, "hashType"));
	const char *msg_hex = json_string_value(json_object_get(im, "sigMsg"));
	uint8_t msg[SIGHASH_TAPROOT_MSG_MAX], want[SIGHASH_TAPROOT_MSG_MAX], h[32];
	const char *why = NULL;
	size_t n = sighash_taproot_msg(msg, c, tx, idx, spent, ht, NULL, 0, &why);
	assert_int_equal(n, strlen(msg_hex) / 2);
	unhex(want, n, msg_hex);
	assert_memory_equal(msg, want, n);
	assert_true(sighash_taproot(h, c, tx, idx, spent, ht, NULL, 0, &why));
	expect_hash(h, json_string_value(json_object_get(im, "sigHash")));
}

static void test_bip341_keypath(void **state)
{
	char path[4096];
	json_error_t err;
	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/vectors/bip341_wallet_vectors.json"))
		return;
	json_t *root = json_load_file(path, 0, &err);
	assert_non_null(root);
	json_t *k = json_array_get(json_object_get(root, "keyPathSpending"), 0);
	json_t *given = json_object_get(k, "given");
	struct block b;
	struct sighash_cache c;
	uint8_t *raw, *scripts[16];
	struct sighash_spent spent[16];
	const char *why = NULL;
	parse_tx(&b, &raw, json_string_value(json_object_get(given, "rawUnsignedTx")));
	json_t *utxos = json_object_get(given, "utxosSpent");
	assert_int_equal(json_array_size(utxos), b.txs[0].n_in);
	for (size_t i = 0; i < json_array_size(utxos); i++) {
		json_t *u = json_array_get(utxos, i);
		const char *s = json_string_value(json_object_get(u, "scriptPubKey"));
		spent[i].script_len = strlen(s) / 2;
		scripts[i] = malloc(spent[i].script_len);
		unhex(scripts[i], spent[i].script_len, s);
		spent[i].script = scripts[i];
		spent[i].value = (uint64_t)json_integer_value(json_object_get(u, "amountSats"));
	}
	assert_true(sighash_cache_init(&c, &b.txs[0], spent, &why));
	json_t *im = json_object_get(k, "intermediary");
	expect_hash(c.amounts, json_string_value(json_object_get(im, "hashAmounts")));
	expect_hash(c.outputs, json_string_value(json_object_get(im, "hashOutputs")));
	expect_hash(c.prevouts, json_string_value(json_object_get(im, "hashPrevouts")));
	expect_hash(c.scripts, json_string_value(json_object_get(im, "hashScriptPubkeys")));
	expect_hash(c.sequences, json_string_value(json_object_get(im, "hashSequences")));
	size_t i;
	json_t *in;
	json_array_foreach(json_object_get(k, "inputSpending"), i, in)
		check_bip341_input(&b.txs[0], &c, spent, in);
	assert_int_equal(i, 7);
	/* An invalid hash type is refused. */
	uint8_t h[32];
	assert_false(sighash_taproot(h, &c, &b.txs[0], 0, spent, 0x04, NULL, 0, &why));
	for (i = 0; i < json_array_size(utxos); i++)
		free(scripts[i]);
	block_release(&b);
	free(raw);
	json_decref(root);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip143_p2wpkh),
		cmocka_unit_test(test_bip143_p2sh_p2wpkh),
		cmocka_unit_test(test_bip143_p2wsh_single),
		cmocka_unit_test(test_bip341_keypath),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
