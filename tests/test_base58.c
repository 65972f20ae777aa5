/* Base58 and Base58Check against Core's base58_encode_decode.json. */
#include "proceeds/base58.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

static void test_core_vectors(void **state)
{
	char path[4096], enc[1024], hex[1100];
	uint8_t raw[512], dec[512];
	json_error_t err;
	const char *why = NULL;
	size_t i, n;
	json_t *v, *e;

	(void)state;
	if (!helper_shared_path(path, sizeof(path),
				"real/vectors/base58_encode_decode.json"))
		return;
	v = json_load_file(path, 0, &err);
	assert_non_null(v);
	json_array_foreach(v, i, e) {
		const char *h = json_string_value(json_array_get(e, 0));
		const char *b58 = json_string_value(json_array_get(e, 1));
		size_t rl = strlen(h) / 2;
		assert_true(hex_decode(raw, h, strlen(h), &why));
		assert_true(base58_encode(enc, sizeof(enc), raw, rl));
		assert_string_equal(enc, b58);
		assert_true(base58_decode(dec, sizeof(dec), &n, b58, &why));
		assert_int_equal(n, rl);
		hex_encode(hex, dec, n);
		assert_int_equal(strcasecmp(hex, h), 0);
		/* Too small an output buffer is refused, not overrun. */
		if (rl > 0)
			assert_false(base58_decode(dec, n - 1, &n, b58, &why));
	}
	assert_true(i >= 20);
	json_decref(v);
}

/* The cases Core's base58_tests.cpp checks beyond the vectors. */
static void test_core_edge_cases(void **state)
{
	uint8_t out[64];
	size_t n;
	const char *why = NULL;

	(void)state;
	assert_false(base58_decode(out, sizeof(out), &n, "invalid", &why));
	assert_string_equal(why, "invalid base58 character");
	assert_false(base58_decode(out, sizeof(out), &n, "invalid\0x", &why));
	assert_true(base58_decode(out, sizeof(out), &n, " \t\n\v\f\r 2g \r\f\v\n\t ", &why));
	assert_int_equal(n, 1);
	assert_int_equal(out[0], 0x61);
	assert_false(base58_decode(out, sizeof(out), &n, " \t\n\v\f\r skip \r\f\v\n\t a", &why));
	assert_true(base58_decode(out, sizeof(out), &n, "1111", &why));
	assert_int_equal(n, 4);
	assert_true(out[0] == 0 && out[3] == 0);
	assert_false(base58_decode(out, 3, &n, "1111", &why));
	/* 0, O, I and l are not in the alphabet. */
	assert_false(base58_decode(out, sizeof(out), &n, "0", &why));
	assert_false(base58_decode(out, sizeof(out), &n, "O", &why));
	assert_false(base58_decode(out, sizeof(out), &n, "I", &why));
	assert_false(base58_decode(out, sizeof(out), &n, "l", &why));
}

static void test_check(void **state)
{
	/* Core's key_io_valid P2PKH vector: version 0 + hash160. */
	static const char hex[] = "00a31c06bd463e3923bc1aadbde48b16976c080717";
	char s[64], small[10];
	uint8_t data[21], out[64];
	size_t n;
	const char *why = NULL;

	(void)state;
	assert_true(hex_decode(data, hex, 42, &why));
	assert_true(base58check_encode(s, sizeof(s), data, sizeof(data)));
	assert_string_equal(s, "1FsSia9rv4NeEwvJ2GvXrX7LyxYspbN2mo");
	assert_false(base58check_encode(small, sizeof(small), data, sizeof(data)));
	assert_true(base58check_decode(out, sizeof(out), &n, s, &why));
	assert_int_equal(n, 21);
	assert_memory_equal(out, data, 21);
	/* Every single-character change is caught. */
	for (size_t i = 1; i < strlen(s); i++) {
		char t[64];
		strcpy(t, s);
		t[i] = t[i] == 'z' ? 'y' : 'z';
		assert_false(base58check_decode(out, sizeof(out), &n, t, &why));
		assert_string_equal(why, "checksum mismatch");
	}
	assert_false(base58check_decode(out, sizeof(out), &n, "1", &why));
	assert_string_equal(why, "too short for a checksum");
	/* A 1,000-character string is refused without a stack blow-up. */
	char big[1101];
	memset(big, 'z', 1100);
	big[1100] = 0;
	assert_false(base58check_decode(out, sizeof(out), &n, big, &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_core_vectors),
		cmocka_unit_test(test_core_edge_cases),
		cmocka_unit_test(test_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
