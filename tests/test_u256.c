/* 256-bit amounts: checked arithmetic at the limb boundaries and the
 * extremes, and the decimal, QUANTITY and token-unit forms both ways. */
#include "proceeds/u256.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#define MAX_DEC "115792089237316195423570985008687907853269984665640564039457584007913129639935"
#define E77_DEC "100000000000000000000000000000000000000000000000000000000000000000000000000000"
#define E77_HEX "0xdd15fe86affad91249ef0eb713f39ebeaa987b6e6fd2a0000000000000000000"

static struct u256 dec(const char *s)
{
	struct u256 v;
	const char *why = NULL;

	assert_true(u256_from_dec(&v, s, &why));
	return v;
}

static void test_add_sub_carries(void **state)
{
	struct u256 max = u256_max(), one = u256_from_u64(1), zero = u256_from_u64(0);
	struct u256 r, l0 = u256_from_u64(UINT64_MAX);
	struct u256 l01 = { { UINT64_MAX, UINT64_MAX, 0, 0 } };

	(void)state;
	/* A carry out of limb 0, then through limbs 0 and 1. */
	assert_true(u256_add(&r, &l0, &one));
	assert_true(r.w[0] == 0 && r.w[1] == 1 && r.w[2] == 0 && r.w[3] == 0);
	assert_true(u256_add(&r, &l01, &one));
	assert_true(r.w[0] == 0 && r.w[1] == 0 && r.w[2] == 1 && r.w[3] == 0);
	/* And the borrow back through them. */
	assert_true(u256_sub(&r, &r, &one));
	assert_int_equal(u256_cmp(&r, &l01), 0);
	/* The top: max + 0 fits, max + 1 does not and leaves out untouched. */
	assert_true(u256_add(&r, &max, &zero));
	assert_int_equal(u256_cmp(&r, &max), 0);
	r = u256_from_u64(7);
	assert_false(u256_add(&r, &max, &one));
	assert_false(u256_add(&r, &one, &max));
	assert_true(r.w[0] == 7 && r.w[3] == 0);
	/* The bottom: 0 - 1 underflows, max - max is zero. */
	assert_false(u256_sub(&r, &zero, &one));
	assert_true(r.w[0] == 7);
	assert_true(u256_sub(&r, &max, &max));
	assert_true(u256_is_zero(&r));
	assert_false(u256_is_zero(&max));
}

static void test_cmp_mul_div(void **state)
{
	struct u256 a = { { 0, 0, 0, 1 } }, b = { { UINT64_MAX, UINT64_MAX, UINT64_MAX, 0 } };
	struct u256 max = u256_max(), r;
	uint64_t v;

	(void)state;
	/* The top limb decides, whatever the lower ones hold. */
	assert_int_equal(u256_cmp(&a, &b), 1);
	assert_int_equal(u256_cmp(&b, &a), -1);
	assert_int_equal(u256_cmp(&a, &a), 0);
	assert_false(u256_mul_u64(&r, &max, 2));
	assert_true(u256_mul_u64(&r, &max, 1));
	assert_true(u256_mul_u64(&r, &b, 1) && u256_cmp(&r, &b) == 0);
	r = dec(E77_DEC);
	assert_false(u256_mul_u64(&r, &r, 10)); /* 10^78 > 2^256 */
	/* (2^8)^32 - 1 is divisible by 2^8 - 1 = 255. */
	assert_int_equal(u256_divmod_u64(&r, &max, 255), 0);
	assert_true(u256_mul_u64(&r, &r, 255) && u256_cmp(&r, &max) == 0);
	assert_int_equal(u256_divmod_u64(&r, &max, 10), 5);
	assert_true(u256_to_u64(&v, &a) == false);
	r = u256_from_u64(42);
	assert_true(u256_to_u64(&v, &r) && v == 42);
}

static void test_decimal(void **state)
{
	char buf[U256_DEC_LEN];
	struct u256 v;
	const char *why = NULL;
	static const char *const round_trip[] = {
		"0", "1", "18446744073709551615", "18446744073709551616",
		"10000000000000000000", "9999999999999999999",
		"340282366920938463463374607431768211456", E77_DEC, MAX_DEC,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(round_trip) / sizeof(round_trip[0]); i++) {
		v = dec(round_trip[i]);
		assert_string_equal(u256_to_dec(buf, &v), round_trip[i]);
	}
	v = u256_max();
	assert_string_equal(u256_to_dec(buf, &v), MAX_DEC);
	assert_string_equal(u256_to_dec(buf, &(struct u256){ { 0, 1, 0, 0 } }),
			    "18446744073709551616");
	v = dec("000123");
	assert_string_equal(u256_to_dec(buf, &v), "123");
	/* 2^256 itself, and a leading digit more. */
	assert_false(u256_from_dec(&v, "115792089237316195423570985008687907853269984665640564039457584007913129639936", &why));
	assert_string_equal(why, "above 2^256 - 1");
	assert_true(u256_is_zero(&v));
	assert_false(u256_from_dec(&v, "1" MAX_DEC, &why));
	assert_false(u256_from_dec(&v, "", &why));
	assert_string_equal(why, "empty number");
	assert_false(u256_from_dec(&v, "12a4", &why));
	assert_string_equal(why, "not a decimal digit at character 3");
	assert_false(u256_from_dec(&v, "-1", &why));
	assert_false(u256_from_dec(&v, " 1", &why));
	assert_false(u256_from_dec(&v, "1.0", &why));
}

static void test_quantity(void **state)
{
	char buf[U256_QUANTITY_LEN];
	struct u256 v, want = dec(E77_DEC);
	const char *why = NULL;

	(void)state;
	/* The JSON-RPC spec's examples: 0x41 is 65, 0x400 is 1024, 0x0 is 0. */
	assert_true(u256_from_quantity(&v, "0x41", &why) && v.w[0] == 65);
	assert_true(u256_from_quantity(&v, "0x400", &why) && v.w[0] == 1024);
	assert_true(u256_from_quantity(&v, "0x0", &why) && u256_is_zero(&v));
	assert_string_equal(u256_to_quantity(buf, &v), "0x0");
	v = u256_from_u64(1024);
	assert_string_equal(u256_to_quantity(buf, &v), "0x400");
	assert_true(u256_from_quantity(&v, E77_HEX, &why));
	assert_int_equal(u256_cmp(&v, &want), 0);
	assert_string_equal(u256_to_quantity(buf, &v), E77_HEX);
	v = u256_max();
	assert_string_equal(u256_to_quantity(buf, &v), "0x" "ffffffffffffffffffffffffffffffff"
						       "ffffffffffffffffffffffffffffffff");
	assert_true(u256_from_quantity(&v, "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF", &why));
	want = u256_max();
	assert_int_equal(u256_cmp(&v, &want), 0);
	v = (struct u256){ { 0, 0, 1, 0 } };
	assert_string_equal(u256_to_quantity(buf, &v), "0x100000000000000000000000000000000");
	/* The spec's wrong forms. */
	assert_false(u256_from_quantity(&v, "0x", &why));
	assert_string_equal(why, "no hex digits");
	assert_false(u256_from_quantity(&v, "0x0400", &why));
	assert_string_equal(why, "leading zero");
	assert_false(u256_from_quantity(&v, "0x00", &why));
	assert_false(u256_from_quantity(&v, "ff", &why));
	assert_string_equal(why, "missing 0x prefix");
	assert_false(u256_from_quantity(&v, "0x1g", &why));
	assert_string_equal(why, "not a hex digit at character 4");
	assert_false(u256_from_quantity(&v, "0x1" "0000000000000000000000000000000000000000000000000000000000000000", &why));
	assert_string_equal(why, "above 2^256 - 1");
}

static void test_units(void **state)
{
	char buf[U256_UNITS_LEN], want[U256_UNITS_LEN];
	struct u256 v = u256_from_u64(1234500000), max = u256_max();
	const char *why = NULL;

	(void)state;
	assert_string_equal(u256_to_units(buf, &v, 6), "1234.500000");
	assert_string_equal(u256_to_units(buf, &v, 0), "1234500000");
	assert_string_equal(u256_to_units(buf, &v, 10), "0.1234500000");
	assert_string_equal(u256_to_units(buf, &v, 12), "0.001234500000");
	v = u256_from_u64(1);
	assert_string_equal(u256_to_units(buf, &v, 6), "0.000001");
	v = u256_from_u64(0);
	assert_string_equal(u256_to_units(buf, &v, 18), "0.000000000000000000");
	/* One ether in wei; the largest uint256 with 18 decimals. */
	v = dec("1000000000000000000");
	assert_string_equal(u256_to_units(buf, &v, 18), "1.000000000000000000");
	assert_string_equal(u256_to_units(buf, &max, 18),
			    "115792089237316195423570985008687907853269984665640564039457.584007913129639935");
	/* 255 decimals, the most an ERC-20 can declare (uint8). */
	snprintf(want, sizeof(want), "0.%0177d%s", 0, MAX_DEC);
	assert_string_equal(u256_to_units(buf, &max, 255), want);
	assert_int_equal(strlen(buf), U256_UNITS_LEN - 1);
	/* And back. */
	assert_true(u256_from_units(&v, "1234.5", 6, &why) && v.w[0] == 1234500000);
	assert_true(u256_from_units(&v, "1234", 6, &why) && v.w[0] == 1234000000);
	assert_true(u256_from_units(&v, "0.000001", 6, &why) && v.w[0] == 1);
	assert_true(u256_from_units(&v, "115792089237316195423570985008687907853269984665640564039457.584007913129639935", 18, &why));
	assert_int_equal(u256_cmp(&v, &max), 0);
	assert_false(u256_from_units(&v, "115792089237316195423570985008687907853269984665640564039457.584007913129639936", 18, &why));
	assert_string_equal(why, "above 2^256 - 1");
	assert_false(u256_from_units(&v, "115792089237316195423570985008687907853269984665640564039458", 18, &why));
	assert_string_equal(why, "above 2^256 - 1");
	assert_false(u256_from_units(&v, "0.0000001", 6, &why));
	assert_string_equal(why, "more than 6 decimal places");
	assert_false(u256_from_units(&v, "1.5", 0, &why));
	assert_false(u256_from_units(&v, "1.", 6, &why));
	assert_false(u256_from_units(&v, ".5", 6, &why));
	assert_false(u256_from_units(&v, "1.2.3", 6, &why));
	assert_string_equal(why, "not a decimal digit at character 4");
	assert_false(u256_from_units(&v, "", 6, &why));
	assert_string_equal(why, "empty number");
}

static void test_be32(void **state)
{
	uint8_t b[32], back[32];
	struct u256 v;

	(void)state;
	for (int i = 0; i < 32; i++)
		b[i] = (uint8_t)(i + 1);
	u256_from_be32(&v, b);
	assert_true(v.w[3] == UINT64_C(0x0102030405060708));
	assert_true(v.w[0] == UINT64_C(0x191a1b1c1d1e1f20));
	u256_to_be32(back, &v);
	assert_memory_equal(b, back, 32);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_add_sub_carries),
		cmocka_unit_test(test_cmp_mul_div),
		cmocka_unit_test(test_decimal),
		cmocka_unit_test(test_quantity),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_be32),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
