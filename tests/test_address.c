/* Addresses and WIF keys against Core's key_io vectors, on every network,
 * and the precise errors a user sees. */
#include "proceeds/address.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <ctype.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static json_t *load(const char *name)
{
	char path[4096];
	json_error_t err;
	json_t *j;
	if (!helper_shared_path(path, sizeof(path), name))
		return NULL;
	j = json_load_file(path, 0, &err);
	assert_non_null(j);
	return j;
}

static void check_privkey(const char *s, const char *hex, const json_t *meta,
			  enum network net)
{
	uint8_t key[32];
	char keyhex[65], again[ADDRESS_MAX];
	bool compressed;
	struct address a;
	const char *why = NULL;
	bool want_c = json_is_true(json_object_get(meta, "isCompressed"));

	if (!wif_decode(key, &compressed, net, s, &why))
		fail_msg("%s: %s", s, why);
	hex_encode(keyhex, key, 32);
	assert_string_equal(keyhex, hex);
	assert_int_equal(compressed, want_c);
	assert_true(wif_encode(again, net, key, compressed));
	assert_string_equal(again, s);
	assert_false(address_decode(&a, net, s, &why));
}

static void flip_case(char *out, const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		out[i] = (char)(islower((unsigned char)s[i]) ? toupper((unsigned char)s[i])
							     : tolower((unsigned char)s[i]));
	out[i] = '\0';
}

static void check_address(const char *s, const char *hex, const json_t *meta,
			  enum network net)
{
	char got[200], again[ADDRESS_MAX], flipped[ADDRESS_MAX];
	uint8_t spk[64], key[32];
	bool compressed;
	struct address a;
	const char *why = NULL;

	if (!address_decode(&a, net, s, &why))
		fail_msg("%s on %s: %s", s, network_params(net)->name, why);
	hex_encode(got, a.script, a.script_len);
	assert_string_equal(got, hex);
	assert_true(address_networks(s) & (1u << net));
	assert_false(wif_decode(key, &compressed, net, s, &why));
	assert_true(hex_decode(spk, hex, strlen(hex), &why));
	assert_true(address_from_script(again, net, spk, strlen(hex) / 2));
	assert_string_equal(again, s);
	if (json_is_true(json_object_get(meta, "tryCaseFlip"))) {
		flip_case(flipped, s);
		assert_true(address_decode(&a, net, flipped, &why));
		hex_encode(got, a.script, a.script_len);
		assert_string_equal(got, hex);
	}
}

static void test_key_io_valid(void **state)
{
	json_t *v = load("real/vectors/key_io_valid.json"), *e;
	unsigned seen = 0;
	size_t i;

	(void)state;
	if (!v)
		return;
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(json_array_get(e, 0));
		const char *hex = json_string_value(json_array_get(e, 1));
		json_t *meta = json_array_get(e, 2);
		enum network net;
		assert_true(network_from_name(
			&net, json_string_value(json_object_get(meta, "chain"))));
		seen |= 1u << net;
		if (json_is_true(json_object_get(meta, "isPrivkey")))
			check_privkey(s, hex, meta, net);
		else
			check_address(s, hex, meta, net);
	}
	assert_true(i >= 70);
	/* main, testnet4, signet and regtest are all covered. */
	assert_int_equal(seen, 1u << NETWORK_MAIN | 1u << NETWORK_TESTNET4 |
				       1u << NETWORK_SIGNET | 1u << NETWORK_REGTEST);
	json_decref(v);
}

static void test_key_io_invalid(void **state)
{
	json_t *v = load("real/vectors/key_io_invalid.json"), *e;
	size_t i;

	(void)state;
	if (!v)
		return;
	json_array_foreach(v, i, e) {
		const char *s = json_string_value(json_array_get(e, 0));
		for (int n = 0; n < NETWORK_COUNT; n++) {
			struct address a;
			uint8_t key[32];
			bool c;
			const char *why = NULL;
			if (address_decode(&a, (enum network)n, s, &why))
				fail_msg("'%s' accepted on %s", s,
					 network_params((enum network)n)->name);
			assert_non_null(why);
			if (wif_decode(key, &c, (enum network)n, s, &why))
				fail_msg("'%s' accepted as a key on %s", s,
					 network_params((enum network)n)->name);
		}
		assert_int_equal(address_networks(s), 0);
	}
	assert_true(i >= 70);
	json_decref(v);
}

static void expect_error(enum network net, const char *addr, const char *want)
{
	struct address a;
	const char *why = NULL;
	assert_false(address_decode(&a, net, addr, &why));
	if (strcmp(why, want) != 0)
		fail_msg("%s: '%s', expected '%s'", addr, why, want);
}

/* The errors a user sees, built from valid addresses by small edits. */
static void test_errors(void **state)
{
	static const uint8_t p2pkh[25] = { 0x76, 0xa9, 0x14, [23] = 0x88, [24] = 0xac };
	static const uint8_t p2tr[34] = { 0x51, 0x20, 7 };
	char a[ADDRESS_MAX], t[ADDRESS_MAX];

	(void)state;
	assert_true(address_from_script(a, NETWORK_MAIN, p2pkh, sizeof(p2pkh)));
	expect_error(NETWORK_TESTNET, a, "address of another network (main)");
	expect_error(NETWORK_REGTEST, a, "address of another network (main)");
	strcpy(t, a);
	t[5] = t[5] == 'z' ? 'y' : 'z';
	expect_error(NETWORK_MAIN, t, "checksum mismatch");
	t[5] = '0';
	expect_error(NETWORK_MAIN, t, "invalid base58 character");
	assert_true(address_from_script(a, NETWORK_SIGNET, p2tr, sizeof(p2tr)));
	expect_error(NETWORK_MAIN, a, "address of another network (testnet)");
	strcpy(t, a);
	t[8] = (char)toupper((unsigned char)t[8]);
	expect_error(NETWORK_SIGNET, t, "mixed case");
	t[8] = 'b';
	expect_error(NETWORK_SIGNET, t, "invalid character");
	/* Witness v1 with a bech32 (BIP173) checksum: BIP173's own example. */
	expect_error(NETWORK_MAIN,
		     "bc1pw508d6qejxtdg4y5r3zarvary0c5xw7kw508d6qejxtdg4y5r3zarvary0c5xw7k7grplx",
		     "bech32m required for witness v1");
	expect_error(NETWORK_MAIN, "", "empty address");
	expect_error(NETWORK_MAIN, "tc1qw508d6qejxtdg4y5r3zarvary0c5xw7kg3g4ty",
		     "unknown network prefix 'tc'");
}

/* Core's DecodeSecret refuses keys outside 1..n-1. */
static void test_wif_range(void **state)
{
	uint8_t key[32], got[32];
	char wif[ADDRESS_MAX];
	bool c;
	const char *why = NULL;
	static const uint8_t order[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
		0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
	};

	(void)state;
	memset(key, 0, 32);
	assert_true(wif_encode(wif, NETWORK_MAIN, key, true));
	assert_false(wif_decode(got, &c, NETWORK_MAIN, wif, &why));
	assert_string_equal(why, "private key out of range");
	assert_true(wif_encode(wif, NETWORK_MAIN, order, false));
	assert_false(wif_decode(got, &c, NETWORK_MAIN, wif, &why));
	memcpy(key, order, 32);
	key[31]--;
	assert_true(wif_encode(wif, NETWORK_REGTEST, key, true));
	assert_true(wif_decode(got, &c, NETWORK_REGTEST, wif, &why));
	assert_memory_equal(got, key, 32);
	assert_true(c);
	assert_false(wif_decode(got, &c, NETWORK_MAIN, wif, &why));
	assert_string_equal(why, "private key of another network");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_io_valid),
		cmocka_unit_test(test_key_io_invalid),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_wif_range),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
