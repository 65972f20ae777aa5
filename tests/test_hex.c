/* Hex encoding and decoding. */
#include "proceeds/hex.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_roundtrip(void **state)
{
	uint8_t all[256], back[256];
	char hex[513];
	const char *why = NULL;
	(void)state;
	for (int i = 0; i < 256; i++)
		all[i] = (uint8_t)i;
	hex_encode(hex, all, 256);
	assert_int_equal(strlen(hex), 512);
	assert_memory_equal(hex, "000102", 6);
	assert_string_equal(hex + 506, "fdfeff");
	assert_true(hex_decode(back, hex, 512, &why));
	assert_memory_equal(back, all, 256);
	assert_true(hex_decode(back, "ABcdEF", 6, &why));
	assert_int_equal(back[0], 0xab);
	assert_int_equal(back[2], 0xef);
	hex_encode(hex, all, 0);
	assert_string_equal(hex, "");
}

static void test_errors(void **state)
{
	uint8_t out[8];
	const char *why = NULL;
	(void)state;
	assert_false(hex_decode(out, "abc", 3, &why));
	assert_string_equal(why, "odd number of hex digits");
	assert_false(hex_decode(out, "0g", 2, &why));
	assert_string_equal(why, "invalid hex character");
	assert_false(hex_decode(out, "a ", 2, &why));
	assert_false(hex_decode(out, "\0" "0", 2, &why));
}

static void test_alloc(void **state)
{
	uint8_t *out;
	size_t n;
	const char *why = NULL;
	(void)state;
	assert_true(hex_decode_alloc(&out, &n, "0a0b\n", 5, &why));
	assert_int_equal(n, 2);
	assert_int_equal(out[1], 0x0b);
	free(out);
	assert_true(hex_decode_alloc(&out, &n, "\n", 1, &why));
	assert_int_equal(n, 0);
	free(out);
	assert_false(hex_decode_alloc(&out, &n, "0a 0b", 5, &why));
	assert_null(out);
	assert_int_equal(n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_alloc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
