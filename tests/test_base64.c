/* Base64: RFC 4648 section 10 test vectors and strict decoding. */
#include "proceeds/base64.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void test_rfc4648(void **state)
{
	static const char *const in[] = { "", "f", "fo", "foo", "foob", "fooba", "foobar" };
	static const char *const out[] = { "", "Zg==", "Zm8=", "Zm9v", "Zm9vYg==",
					   "Zm9vYmE=", "Zm9vYmFy" };
	(void)state;
	for (size_t i = 0; i < 7; i++) {
		char enc[16];
		uint8_t dec[16];
		size_t n;
		const char *why;
		base64_encode(enc, (const uint8_t *)in[i], strlen(in[i]));
		assert_string_equal(enc, out[i]);
		assert_int_equal(base64_encoded_len(strlen(in[i])), strlen(out[i]));
		assert_true(base64_decode(dec, sizeof(dec), &n, out[i], strlen(out[i]), &why));
		assert_int_equal(n, strlen(in[i]));
		assert_memory_equal(dec, in[i], n);
	}
}

static void test_all_bytes(void **state)
{
	uint8_t data[256], back[256];
	char enc[400];
	size_t n;
	const char *why;
	(void)state;
	for (int i = 0; i < 256; i++)
		data[i] = (uint8_t)(255 - i);
	for (size_t len = 0; len <= 256; len += 1) {
		base64_encode(enc, data, len);
		assert_true(base64_decode(back, sizeof(back), &n, enc, strlen(enc), &why));
		assert_int_equal(n, len);
		assert_memory_equal(back, data, len);
	}
}

static void test_strict(void **state)
{
	static const char *const bad[] = { "Zg=", "Zg", "Z===", "Zh==", "Zm9=",
					   "Zg==Zg==", "Zm 9", "Zm9v\n", "=Zm9", "Zm=v",
					   "Zm9*" };
	uint8_t out[16];
	size_t n;
	const char *why;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (base64_decode(out, sizeof(out), &n, bad[i], strlen(bad[i]), &why))
			fail_msg("accepted '%s'", bad[i]);
	assert_false(base64_decode(out, 2, &n, "Zm9v", 4, &why));
	assert_string_equal(why, "too long");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc4648),
		cmocka_unit_test(test_all_bytes),
		cmocka_unit_test(test_strict),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
