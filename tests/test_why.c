/* Composing reasons: why_fmt is right when its arguments point into the
 * buffer it writes (the case snprintf gets wrong). */
#include "proceeds/why.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_plain(void **state)
{
	char buf[64];
	(void)state;
	assert_ptr_equal(why_fmt(buf, sizeof(buf), "line %d: %s", 7, "bad"), buf);
	assert_string_equal(buf, "line 7: bad");
	assert_ptr_equal(why_fmt(buf, sizeof(buf), "%s", ""), buf);
	assert_string_equal(buf, "");
}

/* The watchlist's bug: a reason held in the buffer, prefixed in place. */
static void test_prefix_in_place(void **state)
{
	char buf[128];
	const char *why;
	(void)state;
	snprintf(buf, sizeof(buf), "the file is for network 'regtest', the "
		 "watchlist for 'main' (pass --network)");
	why = buf;
	why = why_fmt(buf, sizeof(buf), "%s: %s", "freeze/bitnova.json", why);
	assert_string_equal(why, "freeze/bitnova.json: the file is for network "
			    "'regtest', the watchlist for 'main' (pass --network)");
}

static void test_argument_inside_and_twice(void **state)
{
	char buf[64] = "head: tail";
	(void)state;
	why_fmt(buf, sizeof(buf), "[%s]", buf + 6);
	assert_string_equal(buf, "[tail]");
	why_fmt(buf, sizeof(buf), "%s|%s|%.2s", buf, buf, buf + 1);
	assert_string_equal(buf, "[tail]|[tail]|ta");
}

static void test_truncation(void **state)
{
	char buf[8];
	(void)state;
	why_fmt(buf, sizeof(buf), "%s", "0123456789");
	assert_string_equal(buf, "0123456");
	/* truncated while reading itself */
	why_fmt(buf, sizeof(buf), "ab%s", buf);
	assert_string_equal(buf, "ab01234");
	why_fmt(buf, 1, "%s", "x");
	assert_string_equal(buf, "");
}

static void test_largest(void **state)
{
	char *buf = malloc(WHY_MAX), *big = malloc(WHY_MAX + 10);
	(void)state;
	assert_non_null(buf);
	assert_non_null(big);
	memset(big, 'x', WHY_MAX + 9);
	big[WHY_MAX + 9] = '\0';
	why_fmt(buf, WHY_MAX, "%s", big);
	assert_int_equal(strlen(buf), WHY_MAX - 1);
	why_fmt(buf, WHY_MAX, "y%s", buf);
	assert_int_equal(strlen(buf), WHY_MAX - 1);
	assert_int_equal(buf[0], 'y');
	assert_int_equal(buf[1], 'x');
	free(big);
	free(buf);
}

/* A module's usual helper: one static buffer, failures that wrap the
 * reason of a failure of the same module. */
static char fail_buf[96];
static int fail_with(const char **why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static int fail_with(const char **why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	*why = why_vfmt(fail_buf, sizeof(fail_buf), fmt, ap);
	va_end(ap);
	return 0;
}

static void test_vfmt_nested(void **state)
{
	const char *why = NULL;
	(void)state;
	assert_int_equal(fail_with(&why, "output %u is spent", 3u), 0);
	assert_int_equal(fail_with(&why, "%s: %s", "case seed 2", why), 0);
	assert_int_equal(fail_with(&why, "case.json: %s", why), 0);
	assert_ptr_equal(why, fail_buf);
	assert_string_equal(why, "case.json: case seed 2: output 3 is spent");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plain),
		cmocka_unit_test(test_prefix_in_place),
		cmocka_unit_test(test_argument_inside_and_twice),
		cmocka_unit_test(test_truncation),
		cmocka_unit_test(test_largest),
		cmocka_unit_test(test_vfmt_nested),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
