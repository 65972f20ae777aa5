/* fileio: CSV cells quoted and neutralised; whole files read, refused
 * when missing or larger than asked. */
#include "proceeds/fileio.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

static void cell_is(const char *in, const char *want)
{
	char buf[256] = { 0 };
	FILE *f = fmemopen(buf, sizeof(buf) - 1, "w");

	assert_non_null(f);
	fileio_csv_cell(f, in);
	fclose(f);
	assert_string_equal(buf, want);
}

static void test_csv_cell(void **state)
{
	(void)state;
	cell_is("plain", "plain");
	cell_is("a,b", "\"a,b\"");
	cell_is("say \"hi\"", "\"say \"\"hi\"\"\"");
	cell_is("line\nbreak", "\"line\nbreak\"");
	cell_is("=HYPERLINK(1)", "\"'=HYPERLINK(1)\"");
	cell_is("+1", "\"'+1\"");
	cell_is("-1", "\"'-1\"");
	cell_is("@SUM", "\"'@SUM\"");
	cell_is("", "");
}

static void test_read(void **state)
{
	char dir[256], path[300], *buf;
	size_t len;
	const char *why = NULL;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(path, sizeof(path), "%s/f.txt", dir);
	f = fopen(path, "wb");
	assert_non_null(f);
	for (int i = 0; i < 100000; i++)
		fputc('a' + i % 26, f);
	fclose(f);
	assert_true(fileio_read(&buf, &len, path, 100000, &why));
	assert_int_equal(len, 100000);
	assert_int_equal(buf[len], '\0');
	assert_int_equal(buf[27], 'b');
	free(buf);
	assert_false(fileio_read(&buf, &len, path, 99999, &why));
	assert_string_equal(why, "file too large");
	assert_null(buf);
	unlink(path);
	assert_false(fileio_read(&buf, &len, path, 100, &why));
	assert_string_equal(why, "No such file or directory");
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_csv_cell),
		cmocka_unit_test(test_read),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
