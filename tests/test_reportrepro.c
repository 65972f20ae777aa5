/* The differences --reproduce reports between a recorded trace and a
 * rerun: records matched by outpoint or entity, one line per field;
 * identical documents give none; the cap; refusals to run. */
#include "proceeds/reportrepro.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static json_t *doc(void)
{
	return json_pack("{s:s, s:{s:i, s:s}, s:[{s:s, s:i, s:s}, {s:s, s:i, s:s}],"
			 " s:[{s:s, s:s, s:i}], s:{s:i}, s:[]}",
			 "format", "proceeds-trace/1", "index", "tip_height", 150,
			 "tip_hash", "aa", "hops", "outpoint", "t1:0", "value", 10,
			 "status", "followed", "outpoint", "t2:1", "value", 5,
			 "status", "unspent", "entities", "entity", "Bitnova",
			 "category", "exchange", "max", 7, "totals", "seeded", 15,
			 "notes");
}

static bool has_line(const struct reportrepro *r, const char *s)
{
	for (size_t i = 0; i < r->n_diffs; i++)
		if (strcmp(r->diffs[i], s) == 0)
			return true;
	for (size_t i = 0; i < r->n_diffs; i++)
		fprintf(stderr, "line: %s\n", r->diffs[i]);
	return false;
}

static void test_identical(void **state)
{
	struct reportrepro r = { 0 };
	json_t *a = doc(), *b = doc();
	reportrepro_diff(&r, a, b);
	assert_int_equal(r.n_diffs, 0);
	json_decref(a);
	json_decref(b);
}

static void test_differences(void **state)
{
	struct reportrepro r = { 0 };
	json_t *a = doc(), *b = doc();
	json_t *hops = json_object_get(b, "hops");

	/* t2:1 now spent and followed; t1:0 gone; t3:0 new; an entity's max. */
	json_object_set_new(json_array_get(hops, 1), "status", json_string("followed"));
	json_array_remove(hops, 0);
	json_array_append_new(hops, json_pack("{s:s, s:i}", "outpoint", "t3:0", "value", 1));
	json_object_set_new(json_array_get(json_object_get(b, "entities"), 0), "max",
			    json_integer(8));
	json_array_append_new(json_object_get(b, "notes"), json_string("max-edges"));
	reportrepro_diff(&r, a, b);
	assert_true(has_line(&r, "hops[t2:1].status: recorded \"unspent\", rerun \"followed\""));
	assert_true(has_line(&r, "hops[t1:0]: recorded {\"outpoint\":\"t1:0\",\"value\":10,"
			     "\"status\":\"followed\"}, rerun absent"));
	assert_true(has_line(&r, "hops[t3:0]: recorded absent, rerun {\"outpoint\":\"t3:0\","
			     "\"value\":1}"));
	assert_true(has_line(&r, "entities[Bitnova].max: recorded 7, rerun 8"));
	assert_true(has_line(&r, "notes[0]: recorded absent, rerun \"max-edges\""));
	assert_int_equal(r.n_diffs, 5);
	reportrepro_release(&r);
	json_decref(a);
	json_decref(b);
}

static void test_cap(void **state)
{
	struct reportrepro r = { 0 };
	json_t *a = json_object(), *b = json_object();
	char k[16];
	for (int i = 0; i < REPORTREPRO_MAX_DIFFS + 7; i++) {
		snprintf(k, sizeof(k), "k%d", i);
		json_object_set_new(a, k, json_integer(i));
	}
	reportrepro_diff(&r, a, b);
	assert_int_equal(r.n_diffs, REPORTREPRO_MAX_DIFFS);
	assert_int_equal(r.n_more, 7);
	reportrepro_release(&r);
	json_decref(a);
	json_decref(b);
}

static void test_refusals(void **state)
{
	struct reportrepro r;
	struct idx_tip tip = { 0 };
	const char *why = NULL;
	json_t *rep = json_pack("{s:s}", "format", "proceeds-report/1");

	assert_false(reportrepro_run(&r, NULL, NETWORK_REGTEST, &tip, rep, &why));
	assert_non_null(strstr(why, "no trace.document"));
	json_object_set_new(rep, "trace", json_pack("{s:{s:s}}", "document", "network", "main"));
	assert_false(reportrepro_run(&r, NULL, NETWORK_REGTEST, &tip, rep, &why));
	assert_non_null(strstr(why, "of network main, the index of regtest"));
	json_object_set_new(rep, "trace", json_pack("{s:{s:s}}", "document", "network", "regtest"));
	assert_false(reportrepro_run(&r, NULL, NETWORK_REGTEST, &tip, rep, &why));
	assert_non_null(strstr(why, "no parameters"));
	json_decref(rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_identical),
		cmocka_unit_test(test_differences),
		cmocka_unit_test(test_cap),
		cmocka_unit_test(test_refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
