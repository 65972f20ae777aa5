/* Signed-message verification: published examples with known answers, and
 * signatures made here in every form, with changed message, address and
 * signature rejected. */
#include "proceeds/msgverify.h"
#include "proceeds/base64.h"
#include "proceeds/hash.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static enum msgverify_result check(enum network net, const char *addr,
				   const char *sig, const char *msg)
{
	struct msgverify_info info;
	const char *why = NULL;
	enum msgverify_result r = msgverify(&info, net, addr, sig, (const uint8_t *)msg,
					    strlen(msg), &why);
	if (r != MSGVERIFY_VALID)
		assert_non_null(why);
	return r;
}

/* bitcoinjs/bitcoinjs-message test/fixtures.json, valid.magicHash
 * (bitcoin network). */
static void test_magic_hash(void **state)
{
	uint8_t h[32];
	char hex[65];
	(void)state;
	msg_hash(h, (const uint8_t *)"", 0);
	hex_encode(hex, h, 32);
	assert_string_equal(hex, "80e795d4a4caadd7047af389d9f7f220562feb6196032e2131e10563352c4bcc");
	msg_hash(h, (const uint8_t *)"Vires is Numeris", 16);
	hex_encode(hex, h, 32);
	assert_string_equal(hex, "f8a5affbef4a3241b19067aa694562f64f513310817297089a8929a930f4f933");

	/* Messages of 253+ bytes take the 0xfd CompactSize prefix. */
	uint8_t msg[300], buf[1 + 24 + 3 + 300];
	struct hash256 ref;
	memset(msg, 'a', sizeof(msg));
	buf[0] = 24;
	memcpy(buf + 1, "Bitcoin Signed Message:\n", 24);
	buf[25] = 0xfd, buf[26] = 300 & 0xff, buf[27] = 300 >> 8;
	memcpy(buf + 28, msg, 300);
	hash_sha256d(&ref, buf, sizeof(buf));
	msg_hash(h, msg, 300);
	assert_memory_equal(h, ref.b, 32);
}

/* bitcoin/bitcoin src/test/util_tests.cpp, BOOST_AUTO_TEST_CASE(message_verify),
 * and test/functional/rpc_signmessage.py (regtest key). */
static void test_core_vectors(void **state)
{
	(void)state;
	assert_int_equal(check(NETWORK_MAIN, "invalid address",
			       "signature should be irrelevant", "message too"),
			 MSGVERIFY_BAD_INPUT);
	assert_int_equal(check(NETWORK_MAIN, "1KqbBpLy5FARmTPD4VZnDDpYjkUvkr82Pm",
			       "invalid signature, not in base64 encoding",
			       "message should be irrelevant"), MSGVERIFY_BAD_INPUT);
	assert_int_equal(check(NETWORK_MAIN, "1KqbBpLy5FARmTPD4VZnDDpYjkUvkr82Pm",
			       "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
			       "message should be irrelevant"), MSGVERIFY_INVALID);
	assert_int_equal(check(NETWORK_MAIN, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs",
			       "IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=",
			       "I never signed this"), MSGVERIFY_INVALID);
	assert_int_equal(check(NETWORK_MAIN, "15CRxFdyRpGZLW9w8HnHvVduizdL5jKNbs",
			       "IPojfrX2dfPnH26UegfbGQQLrdK844DlHq5157/P6h57WyuS/Qsl+h/WSVGDF4MUi4rWSswW38oimDYfNNUBUOk=",
			       "Trust no one"), MSGVERIFY_VALID);
	assert_int_equal(check(NETWORK_MAIN, "11canuhp9X2NocwCq7xNrQYTmUgZAnLK3",
			       "IIcaIENoYW5jZWxsb3Igb24gYnJpbmsgb2Ygc2Vjb25kIGJhaWxvdXQgZm9yIGJhbmtzIAaHRtbCeDZINyavx14=",
			       "Trust me"), MSGVERIFY_VALID);
	static const char *rpc_sig =
		"INbVnW4e6PeRmsv2Qgu8NuopvrVjkcxob+sX8OcZG0SALhWybUjzMLPdAsXI46YZGb0KQTRii+wWIQzRpG/U+S0=";
	assert_int_equal(check(NETWORK_REGTEST, "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB",
			       rpc_sig, "This is just a test message"), MSGVERIFY_VALID);
	assert_int_equal(check(NETWORK_TESTNET, "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB",
			       rpc_sig, "This is just a test message"), MSGVERIFY_VALID);
	/* A testnet address is not a mainnet one. */
	assert_int_equal(check(NETWORK_MAIN, "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB",
			       rpc_sig, "This is just a test message"), MSGVERIFY_BAD_INPUT);
	assert_int_equal(check(NETWORK_REGTEST, "mpLQjfK79b7CCV4VMJWEWAj5Mpx8Up5zxB",
			       rpc_sig, "This is just a test message."), MSGVERIFY_INVALID);
}

/* bitcoinjs/bitcoinjs-message test/fixtures.json, valid.verify[0] and
 * invalid.verify: key d = 1, message "vires is numeris"; the segwit forms
 * are BIP137 headers 35-42. */
static void test_bitcoinjs_vectors(void **state)
{
	static const char *unc = "G8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=";
	static const char *cmp = "H8JawPtQOrybrSP1WHQnQPr67B9S3qrxBrl1mlzoTJOSHEpmnF7D3+t+LX0Xei9J20B5AIdPbeL3AaTBZ4N3bY0=";
	static const char *p2sh = "JF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=";
	static const char *wpkh = "KF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=";
	const char *m = "vires is numeris";
	struct msgverify_info info;
	const char *why;
	(void)state;

	assert_int_equal(check(NETWORK_MAIN, "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", unc, m), MSGVERIFY_VALID);
	assert_int_equal(check(NETWORK_MAIN, "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", cmp, m), MSGVERIFY_VALID);
	assert_int_equal(msgverify(&info, NETWORK_MAIN, "3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN",
				   p2sh, (const uint8_t *)m, strlen(m), &why), MSGVERIFY_VALID);
	assert_int_equal(info.kind, MSG_SIG_P2SH_P2WPKH);
	assert_false(info.header_mismatch);
	assert_int_equal(msgverify(&info, NETWORK_MAIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
				   wpkh, (const uint8_t *)m, strlen(m), &why), MSGVERIFY_VALID);
	assert_int_equal(info.kind, MSG_SIG_P2WPKH);
	/* The key is G: its compressed form. */
	char pk[67];
	hex_encode(pk, info.pubkey, info.pubkey_len);
	assert_string_equal(pk, "0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798");

	/* invalid.verify: wrong message, wrong address, no cross verification
	 * between compressed and uncompressed keys. */
	assert_int_equal(check(NETWORK_MAIN, "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", unc, "foobar"), MSGVERIFY_INVALID);
	assert_int_equal(check(NETWORK_MAIN, "1111111111111111111114oLvT2", cmp, m), MSGVERIFY_INVALID);
	assert_int_equal(check(NETWORK_MAIN, "16UwLL9Risc3QfPqBUvKofHmBQ7wMtjvM", cmp, m), MSGVERIFY_INVALID);
	assert_int_equal(check(NETWORK_MAIN, "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", unc, m), MSGVERIFY_INVALID);
	/* A BIP137 P2SH-P2WPKH signature does not prove the bc1q address's
	 * sibling P2SH address of another key, nor the message changed. */
	assert_int_equal(check(NETWORK_MAIN, "3JvL6Ymt8MVWiCNHC7oWU6nLeHNJKLZGLN", wpkh, "vires is numeri"), MSGVERIFY_INVALID);
	/* Electrum-style: the compressed P2PKH header for a segwit address of
	 * the same key is accepted, and flagged. */
	assert_int_equal(msgverify(&info, NETWORK_MAIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
				   "IF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=",
				   (const uint8_t *)m, strlen(m), &why), MSGVERIFY_VALID);
	assert_true(info.header_mismatch);
	/* ...but never the uncompressed key's header (no segwit for it). */
	assert_int_equal(check(NETWORK_MAIN, "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4",
			       "HF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=", m),
			 MSGVERIFY_INVALID);
	/* invalid.signature: header 0x2b (43) and wrong lengths. */
	uint8_t raw[68];
	char b64[100];
	const char *why2;
	assert_true(hex_decode(raw, "2b987ceade6a304fc5823ab38f99fc3c5f772a2d3e89ea05931e2726105fc53b9e601fc3231f35962c714fcbce5c95b427496edc7ae8b3d12e93791d7629795b62", 130, &why2));
	memset(raw + 65, 0, 3); /* the 68-byte case below appends 3 zeros */
	base64_encode(b64, raw, 65);
	assert_int_equal(check(NETWORK_MAIN, "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", b64, m), MSGVERIFY_INVALID);
	raw[0] = 0x1c;
	base64_encode(b64, raw, 68);
	assert_int_equal(check(NETWORK_MAIN, "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", b64, m), MSGVERIFY_BAD_INPUT);
	base64_encode(b64, raw, 62);
	assert_int_equal(check(NETWORK_MAIN, "1PMycacnJaSqwwJqjawXBErnLsZ7RkXUAs", b64, m), MSGVERIFY_BAD_INPUT);
}

/* Addresses that need BIP322 are refused as input, not called invalid. */
static void test_unsupported_types(void **state)
{
	static const char *sig = "KF8nHqFr3K2UKYahhX3soVeoW8W1ECNbr0wfck7lzyXjCS5Q16Ek45zyBuy1Fiy9sTPKVgsqqOuPvbycuVSSVl8=";
	(void)state;
	/* BIP173 / BIP350 example P2WSH and P2TR addresses. */
	assert_int_equal(check(NETWORK_MAIN, "bc1qrp33g0q5c5txsp9arysrx4k6zdkfs4nce4xj0gdcccefvpysxf3qccfmv3", sig, "x"),
			 MSGVERIFY_BAD_INPUT);
	assert_int_equal(check(NETWORK_MAIN, "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0", sig, "x"),
			 MSGVERIFY_BAD_INPUT);
}

/* A script paying to a key in each form, built here independently. */
static void address_for(char out[ADDRESS_MAX], enum network net, enum msg_sig_kind k,
			const uint8_t *pub, size_t pub_len)
{
	uint8_t h[20], s[25], r[22];
	size_t n;
	hash_hash160(h, pub, pub_len);
	if (k == MSG_SIG_P2WPKH) {
		s[0] = 0, s[1] = 20;
		memcpy(s + 2, h, 20);
		n = 22;
	} else if (k == MSG_SIG_P2SH_P2WPKH) {
		r[0] = 0, r[1] = 20;
		memcpy(r + 2, h, 20);
		hash_hash160(h, r, 22);
		s[0] = 0xa9, s[1] = 20, s[22] = 0x87;
		memcpy(s + 2, h, 20);
		n = 23;
	} else {
		s[0] = 0x76, s[1] = 0xa9, s[2] = 20, s[23] = 0x88, s[24] = 0xac;
		memcpy(s + 3, h, 20);
		n = 25;
	}
	assert_true(address_from_script(out, net, s, n));
}

static void sign(char b64[100], secp256k1_context *ctx, const uint8_t sec[32],
		 enum msg_sig_kind k, const char *msg)
{
	secp256k1_ecdsa_recoverable_signature rs;
	uint8_t h[32], raw[65];
	int recid;
	msg_hash(h, (const uint8_t *)msg, strlen(msg));
	assert_true(secp256k1_ecdsa_sign_recoverable(ctx, &rs, h, sec, NULL, NULL));
	assert_true(secp256k1_ecdsa_recoverable_signature_serialize_compact(ctx, raw + 1,
									   &recid, &rs));
	raw[0] = (uint8_t)(27 + 4 * (int)k + recid);
	base64_encode(b64, raw, 65);
}

static void test_generated(void **state)
{
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	(void)state;
	for (int t = 0; t < 40; t++) {
		uint8_t sec[32], pub[65];
		size_t plen;
		secp256k1_pubkey pk;
		enum msg_sig_kind k = (enum msg_sig_kind)(t % 4);
		enum network net = (enum network)(t % NETWORK_COUNT);
		char addr[ADDRESS_MAX], other[ADDRESS_MAX], b64[100];
		const char *msg = t % 3 ? "I own this address. Case 2024-017." : "";

		for (int i = 0; i < 32; i++)
			sec[i] = (uint8_t)(t * 31 + i * 7 + 1);
		assert_true(secp256k1_ec_pubkey_create(ctx, &pk, sec));
		plen = k == MSG_SIG_P2PKH_UNCOMPRESSED ? 65 : 33;
		secp256k1_ec_pubkey_serialize(ctx, pub, &plen, &pk, plen == 65 ?
					      SECP256K1_EC_UNCOMPRESSED : SECP256K1_EC_COMPRESSED);
		address_for(addr, net, k, pub, plen);
		sign(b64, ctx, sec, k, msg);
		if (check(net, addr, b64, msg) != MSGVERIFY_VALID)
			fail_msg("own signature rejected: %s %s", addr, b64);
		/* Changed message. */
		assert_int_equal(check(net, addr, b64, "I own this address. Case 2024-018."),
				 MSGVERIFY_INVALID);
		/* Another key's address of the same form. */
		pub[plen - 1] ^= 1;
		address_for(other, net, k, pub, plen);
		assert_int_equal(check(net, other, b64, msg), MSGVERIFY_INVALID);
		/* One changed bit of r or s. */
		uint8_t raw[65];
		size_t n;
		const char *why;
		assert_true(base64_decode(raw, 65, &n, b64, strlen(b64), &why));
		raw[1 + t % 64] ^= 0x10;
		base64_encode(b64, raw, 65);
		assert_int_equal(check(net, addr, b64, msg), MSGVERIFY_INVALID);
	}
	secp256k1_context_destroy(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_magic_hash),
		cmocka_unit_test(test_core_vectors),
		cmocka_unit_test(test_bitcoinjs_vectors),
		cmocka_unit_test(test_unsupported_types),
		cmocka_unit_test(test_generated),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
