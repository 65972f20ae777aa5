/* Tag CSV and the RFC 4180 reader against quoting, hostile and huge input. */
#include "proceeds/tagcsv.h"
#include "proceeds/tagstore.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ADDR_A "1Archive1n2C579dMsAu3iC6tWzuQJz8dN"
#define ADDR_B "34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo"

static void test_reader_quoting(void **state)
{
	const char *csv = "a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"multi\nline\",,x\n"
			  "last,without,newline";
	struct tagcsv_reader r;
	bool have;
	const char *why;
	(void)state;

	tagcsv_reader_init(&r, csv, strlen(csv));
	assert_true(tagcsv_next(&r, &have, &why));
	assert_true(have);
	assert_int_equal(r.n_fields, 3);
	assert_string_equal(r.field[1], "b,c");
	assert_string_equal(r.field[2], "say \"hi\"");
	assert_true(tagcsv_next(&r, &have, &why));
	assert_int_equal(r.line, 2);
	assert_string_equal(r.field[0], "multi\nline");
	assert_string_equal(r.field[1], "");
	assert_true(tagcsv_next(&r, &have, &why));
	assert_int_equal(r.line, 4);
	assert_string_equal(r.field[2], "newline");
	assert_true(tagcsv_next(&r, &have, &why));
	assert_false(have);
	tagcsv_reader_release(&r);
}

static void test_reader_errors(void **state)
{
	const char *bad[] = { "a,\"open\n", "a,\"x\"y,b\n" };
	struct tagcsv_reader r;
	bool have;
	const char *why;
	(void)state;

	for (size_t i = 0; i < 2; i++) {
		tagcsv_reader_init(&r, bad[i], strlen(bad[i]));
		assert_false(tagcsv_next(&r, &have, &why));
		assert_non_null(strstr(why, "line 1"));
		tagcsv_reader_release(&r);
	}
	/* A NUL byte: not a text file. */
	tagcsv_reader_init(&r, "a,b\0c\n", 6);
	assert_false(tagcsv_next(&r, &have, &why));
	tagcsv_reader_release(&r);
}

/* Imports csv into a fresh store in dir and returns the tags of addr. */
static void import_and_get(struct tag_list *l, struct tag_import *imp,
			   const char *csv, size_t len, const char *addr)
{
	const char *dir = helper_tmpdir(), *why;
	struct store_options opt = { .create = true };
	struct store *s;

	assert_true(store_open(&s, dir, &opt, &why));
	tag_import_init(imp, NETWORK_MAIN, NULL);
	assert_true(tag_import_buffer(imp, TAG_FMT_CSV, "t.csv", csv, len, &why));
	assert_true(tag_import_commit(imp, s, &why));
	assert_true(tag_store_for_address(s, l, NETWORK_MAIN, addr, &why));
	tag_import_release(imp);
	store_close(s);
	helper_rm_rf(dir);
}

static void test_formula_label_stored_as_is(void **state)
{
	const char *csv = ADDR_A ",\"=HYPERLINK(\"\"http://evil\"\",\"\"x\"\")\",scam,"
			  "@source,high\n";
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	import_and_get(&l, &imp, csv, strlen(csv), ADDR_A);
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "=HYPERLINK(\"http://evil\",\"x\")");
	assert_string_equal(l.v[0].source, "@source");
	assert_int_equal(l.v[0].category, TAG_CAT_SCAM);
	assert_int_equal(l.v[0].score, 80);
	tag_list_free(&l);
}

static void test_header_any_order(void **state)
{
	const char *csv = "\xef\xbb\xbf" "Source,Address,Label,Abuse,Currency\n"
			  "s1," ADDR_B ",Kraken,,BTC\n"
			  "s2,0xFA8E3920daF271daB92Be9B87d9998DDd94FEF08,eth,,ETH\n"
			  "s3," ADDR_B ",thief,service_hack,\n";
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	import_and_get(&l, &imp, csv, strlen(csv), ADDR_B);
	assert_int_equal(imp.accepted, 2);
	assert_int_equal(imp.skipped, 1);
	assert_int_equal(l.n, 2);
	for (size_t i = 0; i < l.n; i++) {
		if (strcmp(l.v[i].label, "thief") == 0) {
			assert_int_equal(l.v[i].category, TAG_CAT_HACK);
			assert_string_equal(l.v[i].category_orig, "abuse=service_hack");
		} else {
			assert_string_equal(l.v[i].label, "Kraken");
			assert_string_equal(l.v[i].source, "s1");
		}
	}
	tag_list_free(&l);
}

static void test_huge_fields(void **state)
{
	size_t big = 3u << 20, n;
	char *csv = malloc(2 * big + 256);
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	/* A 3 MiB label is rejected; a 3 MiB address line too; the good
	 * line after them still imports. */
	n = (size_t)sprintf(csv, "%s,", ADDR_A);
	memset(csv + n, 'x', big);
	n += big;
	n += (size_t)sprintf(csv + n, ",scam,s,50\n");
	memset(csv + n, '1', big);
	n += big;
	n += (size_t)sprintf(csv + n, ",l,scam,s,50\n%s,ok,scam,s,50\n", ADDR_B);
	import_and_get(&l, &imp, csv, n, ADDR_A);
	assert_int_equal(imp.rejected, 2);
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(l.n, 0);
	assert_non_null(strstr(imp.examples[0], "1024"));
	assert_true(strlen(imp.examples[1]) < TAG_EXAMPLE_MAX);
	tag_list_free(&l);
	free(csv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reader_quoting),
		cmocka_unit_test(test_reader_errors),
		cmocka_unit_test(test_formula_label_stored_as_is),
		cmocka_unit_test(test_header_any_order),
		cmocka_unit_test(test_huge_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
