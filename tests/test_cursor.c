/* CompactSize and VARINT as Core serializes them, and failure behaviour. */
#include "proceeds/cursor.h"
#include "proceeds/hex.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static bool read_compact(uint64_t *v, const char *hex, uint64_t max,
			 const char **why)
{
	uint8_t b[16];
	struct cursor c;
	assert_true(hex_decode(b, hex, strlen(hex), why));
	cursor_init(&c, b, strlen(hex) / 2);
	bool ok = cursor_compact(&c, v, max);
	*why = c.why;
	if (ok)
		assert_int_equal(cursor_left(&c), 0);
	return ok;
}

static void test_compact(void **state)
{
	static const struct {
		const char *hex;
		uint64_t v;
		bool ok;
	} cases[] = {
		{ "00", 0, true },
		{ "fc", 0xfc, true },
		{ "fdfd00", 0xfd, true },
		{ "fdfc00", 0, false },
		{ "fdffff", 0xffff, true },
		{ "fe00000100", 0x10000, true },
		{ "feffff0000", 0, false },
		{ "feffffffff", 0xffffffffULL, true },
		{ "ff0000000001000000", 0x100000000ULL, true },
		{ "ffffffffff00000000", 0, false },
		{ "ffffffffffffffffff", UINT64_MAX, true },
		{ "fd00", 0, false },
		{ "fe000001", 0, false },
		{ "ff00000000010000", 0, false },
		{ "", 0, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t v = 0;
		const char *why = NULL;
		bool ok = read_compact(&v, cases[i].hex, UINT64_MAX, &why);
		if (ok != cases[i].ok)
			fail_msg("'%s': %s", cases[i].hex, why ? why : "accepted");
		if (ok) {
			uint8_t out[9];
			char hex[19];
			assert_int_equal(v, cases[i].v);
			size_t n = compact_write(out, v);
			assert_int_equal(n, compact_size(v));
			hex_encode(hex, out, n);
			assert_string_equal(hex, cases[i].hex);
		}
	}
	uint64_t v;
	const char *why = NULL;
	assert_false(read_compact(&v, "fdfd00", 0xfc, &why));
	assert_string_equal(why, "size too large");
	assert_false(read_compact(&v, "fdfc00", UINT64_MAX, &why));
	assert_string_equal(why, "non-canonical compact size");
}

/* Core's serialize_tests varints_bitpatterns. */
static void test_varint(void **state)
{
	static const struct {
		uint64_t v;
		const char *hex;
	} cases[] = {
		{ 0, "00" },
		{ 0x7f, "7f" },
		{ 0x80, "8000" },
		{ 0x1234, "a334" },
		{ 0xffff, "82fe7f" },
		{ 0x123456, "c7e756" },
		{ 0x80123456, "86ffc7e756" },
		{ 0xffffffff, "8efefefe7f" },
		{ 0x7fffffffffffffffULL, "fefefefefefefefe7f" },
		{ 0xffffffffffffffffULL, "80fefefefefefefefe7f" },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint8_t out[10], in[10];
		char hex[21];
		const char *why = NULL;
		struct cursor c;
		uint64_t v;
		size_t n = varint_write(out, cases[i].v);
		hex_encode(hex, out, n);
		assert_string_equal(hex, cases[i].hex);
		assert_true(hex_decode(in, cases[i].hex, 2 * n, &why));
		cursor_init(&c, in, n);
		assert_true(cursor_varint(&c, &v));
		assert_int_equal(v, cases[i].v);
		assert_int_equal(cursor_left(&c), 0);
		cursor_init(&c, in, n - 1);
		assert_false(cursor_varint(&c, &v));
	}
	/* One more than UINT64_MAX, and an endless run of continuation bytes. */
	static const uint8_t over[10] = { 0x81, 0xfe, 0xfe, 0xfe, 0xfe, 0xfe,
					  0xfe, 0xfe, 0xfe, 0x7f };
	static const uint8_t endless[12] = { 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
					     0x80, 0x80, 0x80, 0x80, 0x80, 0x00 };
	struct cursor c;
	uint64_t v;
	cursor_init(&c, over, sizeof(over));
	assert_false(cursor_varint(&c, &v));
	cursor_init(&c, endless, sizeof(endless));
	assert_false(cursor_varint(&c, &v));
}

static void test_failure_sticks(void **state)
{
	static const uint8_t b[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct cursor c;
	uint32_t u32;
	uint64_t u64;
	uint8_t u8, out[16];
	const uint8_t *span;

	(void)state;
	cursor_init(&c, b, sizeof(b));
	assert_true(cursor_u32(&c, &u32));
	assert_int_equal(u32, 0x04030201);
	assert_true(cursor_u64(&c, &u64));
	assert_int_equal(u64, 0x0c0b0a0908070605ULL);
	assert_int_equal(cursor_left(&c), 0);
	assert_false(cursor_u8(&c, &u8));
	assert_string_equal(c.why, "unexpected end of data");
	cursor_fail(&c, "second reason");
	assert_string_equal(c.why, "unexpected end of data");
	cursor_init(&c, b, sizeof(b));
	assert_false(cursor_span(&c, &span, SIZE_MAX));
	assert_false(cursor_skip(&c, 1)); /* failed cursors stay failed */
	assert_false(cursor_bytes(&c, out, 1));
	assert_int_equal(cursor_left(&c), 0);
	cursor_init(&c, b, sizeof(b));
	assert_true(cursor_skip(&c, 10));
	assert_false(cursor_u32(&c, &u32));
	assert_int_equal(c.pos, 10);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_compact),
		cmocka_unit_test(test_varint),
		cmocka_unit_test(test_failure_sticks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
