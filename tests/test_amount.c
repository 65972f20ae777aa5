/* Satoshi arithmetic, BTC formatting and parsing. */
#include "proceeds/amount.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

static void test_arith(void **state)
{
	struct amount r = amount_sat(7);
	(void)state;
	assert_true(amount_add(&r, amount_sat(1), amount_sat(2)));
	assert_int_equal(r.sat, 3);
	assert_false(amount_add(&r, amount_sat(UINT64_MAX), amount_sat(1)));
	assert_int_equal(r.sat, 3);
	assert_true(amount_add(&r, amount_sat(UINT64_MAX - 1), amount_sat(1)));
	assert_int_equal(r.sat, UINT64_MAX);
	assert_false(amount_sub(&r, amount_sat(1), amount_sat(2)));
	assert_true(amount_sub(&r, amount_sat(2), amount_sat(2)));
	assert_int_equal(r.sat, 0);
	assert_true(amount_in_range(amount_sat(AMOUNT_MAX)));
	assert_false(amount_in_range(amount_sat(AMOUNT_MAX + 1)));
}

static void test_format(void **state)
{
	char buf[AMOUNT_STRLEN];
	(void)state;
	assert_string_equal(amount_to_btc(buf, amount_sat(0)), "0.00000000");
	assert_string_equal(amount_to_btc(buf, amount_sat(1)), "0.00000001");
	assert_string_equal(amount_to_btc(buf, amount_sat(5569000)), "0.05569000");
	assert_string_equal(amount_to_btc(buf, amount_sat(AMOUNT_MAX)), "21000000.00000000");
	assert_string_equal(amount_to_btc(buf, amount_sat(UINT64_MAX)),
			    "184467440737.09551615");
}

static void test_parse(void **state)
{
	static const struct {
		const char *s;
		uint64_t sat;
		bool ok;
	} cases[] = {
		{ "1.5", 150000000, true },
		{ "0.00000001", 1, true },
		{ "21000000", AMOUNT_MAX, true },
		{ "21000000.00000000", AMOUNT_MAX, true },
		{ "150000000sat", 150000000, true },
		{ "0sat", 0, true },
		{ "0", 0, true },
		{ "21000000.00000001", 0, false },
		{ "2100000000000001sat", 0, false },
		{ "1.123456789", 0, false },
		{ "", 0, false },
		{ ".5", 0, false },
		{ "1.", 0, false },
		{ "-1", 0, false },
		{ "1e8", 0, false },
		{ "sat", 0, false },
		{ " 1", 0, false },
		{ "1.5sat", 0, false },
		{ "99999999999999999999999", 0, false },
		{ "1,5", 0, false },
	};
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct amount a;
		const char *why = NULL;
		bool ok = amount_parse(&a, cases[i].s, &why);
		if (ok != cases[i].ok)
			fail_msg("'%s': %s", cases[i].s, ok ? "accepted" : why);
		if (ok)
			assert_int_equal(a.sat, cases[i].sat);
		else
			assert_non_null(why);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arith),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
