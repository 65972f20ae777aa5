/* Ethereum and TRON addresses: EIP-55's published examples, its refusals
 * naming the place, keys to addresses, and TRON's two forms. */
#include "proceeds/ethaddr.h"
#include "proceeds/hex.h"

#include <secp256k1.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

/* EIP-55's own test cases (eips.ethereum.org/EIPS/eip-55). */
static const char *const eip55_examples[] = {
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
};

static void lower_of(char *out, const char *s)
{
	for (size_t i = 0; (out[i] = s[i]) != '\0'; i++)
		if (out[i] >= 'A' && out[i] <= 'F')
			out[i] = (char)(out[i] - 'A' + 'a');
}

static void upper_of(char *out, const char *s)
{
	for (size_t i = 0; (out[i] = s[i]) != '\0'; i++)
		if (i >= 2 && out[i] >= 'a' && out[i] <= 'f')
			out[i] = (char)(out[i] - 'a' + 'A');
}

static void test_eip55_examples(void **state)
{
	char buf[ETHADDR_STRLEN], lower[ETHADDR_STRLEN], upper[ETHADDR_STRLEN];
	struct ethaddr a, b;
	const char *why = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(eip55_examples) / sizeof(eip55_examples[0]); i++) {
		const char *ex = eip55_examples[i];
		assert_true(ethaddr_parse(&a, ex, &why));
		assert_string_equal(ethaddr_to_str(buf, &a), ex);
		/* No checksum in one case: accepted, the same 20 bytes. */
		lower_of(lower, ex);
		upper_of(upper, ex);
		assert_true(ethaddr_parse(&b, lower, &why) && ethaddr_eq(&a, &b));
		assert_true(ethaddr_parse(&b, upper, &why) && ethaddr_eq(&a, &b));
		assert_string_equal(ethaddr_to_lower(buf, &a), lower);
	}
}

static void test_refusals(void **state)
{
	char bad[ETHADDR_STRLEN];
	struct ethaddr a;
	const char *why = NULL;

	(void)state;
	/* One letter's case flipped: the place and the right letter. */
	strcpy(bad, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
	bad[4] = 'a';
	assert_false(ethaddr_parse(&a, bad, &why));
	assert_string_equal(why, "EIP-55 checksum mismatch at character 5 ('a' should be 'A')");
	strcpy(bad, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");
	bad[41] = 'D';
	assert_false(ethaddr_parse(&a, bad, &why));
	assert_string_equal(why, "EIP-55 checksum mismatch at character 42 ('D' should be 'd')");
	assert_false(ethaddr_parse(&a, "5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", &why));
	assert_string_equal(why, "missing 0x prefix");
	assert_false(ethaddr_parse(&a, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", &why));
	assert_string_equal(why, "expected 40 hex digits after 0x, got 39");
	assert_false(ethaddr_parse(&a, "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAedd", &why));
	assert_false(ethaddr_parse(&a, "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaeg", &why));
	assert_string_equal(why, "not a hex digit at character 42");
	assert_false(ethaddr_parse(&a, "", &why));
	for (size_t i = 0; i < ETHADDR_LEN; i++)
		assert_int_equal(a.b[i], 0);
}

/* Private key 1 (the generator G) and Hardhat's first preset account
 * (the "test test ... junk" mnemonic's key, printed by `hardhat node`). */
static void test_pubkey(void **state)
{
	static const char g_comp[] =
		"0279be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798";
	static const char hh_key[] =
		"ac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80";
	uint8_t pub[65], sk[32];
	char buf[ETHADDR_STRLEN];
	size_t n = sizeof(pub);
	struct ethaddr a, b;
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	secp256k1_pubkey pk;
	const char *why = NULL;

	(void)state;
	assert_true(hex_decode(pub, g_comp, 66, &why));
	assert_true(ethaddr_from_pubkey(&a, pub, 33, &why));
	assert_string_equal(ethaddr_to_str(buf, &a), "0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf");
	assert_true(hex_decode(sk, hh_key, 64, &why));
	assert_true(secp256k1_ec_pubkey_create(ctx, &pk, sk));
	secp256k1_ec_pubkey_serialize(ctx, pub, &n, &pk, SECP256K1_EC_UNCOMPRESSED);
	assert_true(ethaddr_from_pubkey(&a, pub, 65, &why));
	assert_string_equal(ethaddr_to_str(buf, &a), "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266");
	/* The compressed form of the same key gives the same address. */
	n = 33;
	secp256k1_ec_pubkey_serialize(ctx, pub, &n, &pk, SECP256K1_EC_COMPRESSED);
	assert_true(ethaddr_from_pubkey(&b, pub, 33, &why) && ethaddr_eq(&a, &b));
	/* x = 5 has no point on the curve. */
	memset(pub, 0, 33);
	pub[0] = 2;
	pub[32] = 5;
	assert_false(ethaddr_from_pubkey(&a, pub, 33, &why));
	assert_string_equal(why, "not a secp256k1 public key");
	assert_false(ethaddr_from_pubkey(&a, pub, 20, &why));
	secp256k1_context_destroy(ctx);
}

/* TRON's documented pair (developers.tron.network, "Account"): Base58Check
 * TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL is hex 418840E6C5...; and USDT's
 * TRC-20 contract, TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t. */
static void test_tron(void **state)
{
	char b58[ETHADDR_TRON_STRLEN], hex[ETHADDR_STRLEN];
	struct ethaddr a, b;
	const char *why = NULL;

	(void)state;
	assert_true(ethaddr_from_tron(&a, "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL", &why));
	assert_string_equal(ethaddr_to_tron_hex(hex, &a), "418840e6c55b9ada326d211d818c34a994aeced808");
	assert_true(ethaddr_from_tron_hex(&b, "418840E6C55B9ADA326D211D818C34A994AECED808", &why));
	assert_true(ethaddr_eq(&a, &b));
	assert_string_equal(ethaddr_to_tron(b58, &b), "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeL");
	/* The same 20 bytes are an EVM address: the mapping to 0x... form. */
	assert_string_equal(ethaddr_to_lower(hex, &a), "0x8840e6c55b9ada326d211d818c34a994aeced808");
	assert_true(ethaddr_from_tron(&a, "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t", &why));
	assert_string_equal(ethaddr_to_tron_hex(hex, &a), "41a614f803b6fd780986a42c78ec9c7f77e6ded13c");
	assert_string_equal(ethaddr_to_tron(b58, &a), "TR7NHqjeKQxGTCi8q8ZY4pL8otSzgjLj6t");
	/* A changed character breaks the checksum; a Bitcoin address is not
	 * TRON's; TRON's hex form needs its 41. */
	assert_false(ethaddr_from_tron(&a, "TNPeeaaFB7K9cmo4uQpcU32zGK8G1NYqeM", &why));
	assert_string_equal(why, "checksum mismatch");
	assert_false(ethaddr_from_tron(&a, "1BvBMSEYstWetqTFn5Au4m4GFg7xJaNVN2", &why));
	assert_string_equal(why, "version byte 0x00, not TRON's 0x41");
	assert_false(ethaddr_from_tron(&a, "3J98t1WpEZ73CNmQviecrnyiWrnqRhWNLy", &why));
	assert_false(ethaddr_from_tron_hex(&a, "0x8840e6c55b9ada326d211d818c34a994aeced808", &why));
	assert_string_equal(why, "missing 41 prefix");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eip55_examples),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_pubkey),
		cmocka_unit_test(test_tron),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
