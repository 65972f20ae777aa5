/* Bech32 and bech32m: BIP173 and BIP350 vectors (../shared/real/vectors),
 * and the precise errors a user sees. */
#include "proceeds/bech32.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

static json_t *load_vectors(const char *name)
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

/* Valid strings decode with the file's variant and re-encode exactly
 * (lowercased); invalid strings fail under both variants. */
static void check_strings(const json_t *v, enum bech32_variant want)
{
	char hrp[BECH32_MAX_LEN + 1], again[BECH32_MAX_LEN + 1];
	uint8_t data[BECH32_MAX_LEN];
	enum bech32_variant got;
	const char *why = NULL;
	size_t i, n;
	json_t *e;

	json_array_foreach(json_object_get(v, "valid_strings"), i, e) {
		const char *s = json_string_value(e);
		if (!bech32_decode(hrp, data, &n, &got, s, &why))
			fail_msg("%s: %s", s, why);
		assert_int_equal(got, want);
		assert_true(bech32_encode(again, hrp, data, n, want));
		assert_int_equal(strcasecmp(again, s), 0);
		/* A flipped character breaks the checksum. */
		char bad[BECH32_MAX_LEN + 1];
		strcpy(bad, s);
		size_t last = strlen(bad) - 1;
		bad[last] = bad[last] == 'q' || bad[last] == 'Q' ? 'p' : 'q';
		assert_false(bech32_decode(hrp, data, &n, &got, bad, &why));
	}
	assert_true(i >= 6);
	json_array_foreach(json_object_get(v, "invalid_strings"), i, e) {
		const char *s = json_string_value(json_array_get(e, 0));
		if (bech32_decode(hrp, data, &n, &got, s, &why) && got == want)
			fail_msg("accepted invalid '%s'", s);
	}
}

/* A segwit address under hrp ("bc" or "tb") to its script hex. */
static bool segwit_script_hrp(char *hex, const char *hrp, const char *addr,
			      const char **why)
{
	uint8_t prog[40], spk[42];
	size_t pl;
	unsigned ver;
	if (!segwit_addr_decode(&ver, prog, &pl, hrp, addr, why))
		return false;
	spk[0] = ver ? (uint8_t)(0x50 + ver) : 0;
	spk[1] = (uint8_t)pl;
	memcpy(spk + 2, prog, pl);
	hex_encode(hex, spk, pl + 2);
	return true;
}

/* Same, under the network the address's first two letters name. */
static bool segwit_script(char *hex, const char *addr, const char **why)
{
	char hrp[3] = { (char)(addr[0] | 0x20), (char)(addr[1] | 0x20), 0 };
	return segwit_script_hrp(hex, hrp, addr, why);
}

static void check_segwit(const json_t *v, bool bip173)
{
	char hex[200], enc[BECH32_MAX_LEN + 1];
	const char *why = NULL;
	size_t i;
	json_t *e;

	json_array_foreach(json_object_get(v, "valid_segwit"), i, e) {
		const char *addr = json_string_value(json_array_get(e, 0));
		const char *spk = json_string_value(json_array_get(e, 1));
		bool v0 = strncmp(spk, "00", 2) == 0;
		if (bip173 && !v0) {
			/* BIP350 replaced these: v1+ must be bech32m. */
			assert_false(segwit_script(hex, addr, &why));
			assert_non_null(strstr(why, "bech32m required for witness v"));
			continue;
		}
		if (!segwit_script(hex, addr, &why))
			fail_msg("%s: %s", addr, why);
		assert_string_equal(hex, spk);
		uint8_t prog[40];
		size_t pl = strlen(spk) / 2 - 2;
		assert_true(hex_decode(prog, spk + 4, pl * 2, &why));
		char hrp[3] = { (char)(addr[0] | 0x20), (char)(addr[1] | 0x20), 0 };
		char op[3] = { spk[0], spk[1], 0 };
		unsigned ver = strcmp(op, "00") == 0 ? 0 : (unsigned)strtoul(op, NULL, 16) - 0x50;
		assert_true(segwit_addr_encode(enc, hrp, ver, prog, pl));
		assert_int_equal(strcasecmp(enc, addr), 0);
	}
	json_array_foreach(json_object_get(v, "invalid_segwit"), i, e) {
		const char *addr = json_string_value(json_array_get(e, 0));
		if (segwit_script_hrp(hex, "bc", addr, &why) ||
		    segwit_script_hrp(hex, "tb", addr, &why))
			fail_msg("accepted invalid '%s'", addr);
	}
}

static void test_bip173(void **state)
{
	json_t *v = load_vectors("real/vectors/bip173_vectors.json");
	(void)state;
	if (!v)
		return;
	check_strings(v, BECH32_PLAIN);
	check_segwit(v, true);
	json_decref(v);
}

static void test_bip350(void **state)
{
	json_t *v = load_vectors("real/vectors/bip350_vectors.json");
	(void)state;
	if (!v)
		return;
	check_strings(v, BECH32_M);
	check_segwit(v, false);
	json_decref(v);
}

static void expect_error(const char *hrp, const char *addr, const char *want)
{
	uint8_t prog[40];
	size_t pl;
	unsigned ver;
	const char *why = NULL;
	assert_false(segwit_addr_decode(&ver, prog, &pl, hrp, addr, &why));
	if (strcmp(why, want) != 0)
		fail_msg("%s: '%s', expected '%s'", addr, why, want);
}

/* The errors a user sees for typed addresses. */
static void test_errors(void **state)
{
	static const uint8_t prog[32] = { 1, 2, 3 };
	char a[BECH32_MAX_LEN + 1], hrp[84];
	uint8_t data[BECH32_MAX_LEN];
	size_t n;
	enum bech32_variant v;
	const char *why = NULL;

	(void)state;
	/* v1 with a bech32 checksum; v0 with bech32m. */
	uint8_t d5[60] = { 1 };
	assert_true(bech32_encode(a, "bc", d5, 53, BECH32_PLAIN));
	expect_error("bc", a, "bech32m required for witness v1");
	d5[0] = 16;
	assert_true(bech32_encode(a, "bc", d5, 5, BECH32_PLAIN));
	expect_error("bc", a, "bech32m required for witness v16");
	d5[0] = 0;
	assert_true(bech32_encode(a, "bc", d5, 33, BECH32_M));
	expect_error("bc", a, "bech32 required for witness v0");
	assert_true(segwit_addr_encode(a, "bc", 0, prog, 20));
	expect_error("tb", a, "wrong network prefix");
	a[10] = a[10] == 'q' ? 'p' : 'q';
	expect_error("bc", a, "checksum mismatch");
	assert_true(segwit_addr_encode(a, "bc", 1, prog, 32));
	a[5] = (char)(a[5] - 32);
	expect_error("bc", a, "mixed case");
	a[5] = 'b';
	expect_error("bc", a, "invalid character");
	expect_error("bc", "bc1", "checksum too short");
	expect_error("bc", "bcqqqqqqqq", "missing separator");
	assert_false(bech32_decode(hrp, data, &n, &v, "bc1qqqqqq\x01qq", &why));
	assert_string_equal(why, "invalid character");
	/* Programs of invalid lengths never encode. */
	assert_false(segwit_addr_encode(a, "bc", 0, prog, 21));
	assert_false(segwit_addr_encode(a, "bc", 1, prog, 1));
	assert_false(segwit_addr_encode(a, "bc", 17, prog, 20));
	assert_true(segwit_addr_encode(a, "bc", 16, prog, 2));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip173),
		cmocka_unit_test(test_bip350),
		cmocka_unit_test(test_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
