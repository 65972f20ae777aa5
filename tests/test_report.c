/* The evidence package from tests/data/trace-sample.json: report.json
 * fields against sums computed here from the trace, canonical and
 * reproducible bytes, CSV contents and neutralisation, inert hostile
 * labels in the HTML, error rates, and traces that must be refused. */
#include "proceeds/jcs.h"
#include "proceeds/reportcheck.h"
#include "proceeds/reportpkg.h"
#include "helper.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static json_t *sample(void)
{
	json_t *t = json_load_file("tests/data/trace-sample.json", 0, NULL);
	assert_non_null(t);
	return t;
}

/* Writes the package of trace t into a new temp dir; returns the dir. */
static const char *package(json_t *t, json_t **report, const char *case_ref)
{
	struct reportpkg_options o = { .report = { .case_ref = case_ref,
		.contact = "j.doe@police.example", .created = 1700100000 } };
	char *text = json_dumps(t, JSON_INDENT(1));
	const char *dir = helper_tmpdir(), *why = NULL;
	if (!reportpkg_write(report, dir, text, strlen(text), &o, &why))
		fail_msg("%s", why);
	free(text);
	return dir;
}

static char *slurp(const char *dir, const char *name)
{
	char path[4200];
	size_t len;
	char *s;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	s = (char *)helper_read_file(path, &len);
	assert_non_null(s);
	s = realloc(s, len + 1);
	s[len] = 0;
	return s;
}

static json_int_t geti(const json_t *o, const char *path)
{
	json_t *v = json_object_get(o, path);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void test_report_json(void **state)
{
	json_t *t = sample(), *r, *back, *e, *s;
	const char *dir = package(t, &r, "CASE-17");
	char *bytes = slurp(dir, "report.json"), *canon;
	size_t len, i;
	json_int_t fifo = 0, lifo = 0;
	const char *why;
	(void)state;

	/* What is on disk is canonical and is what the command returned. */
	back = json_loads(bytes, 0, NULL);
	assert_true(json_equal(back, r));
	assert_true(jcs_serialize(&canon, &len, back, &why));
	assert_string_equal(canon, bytes);
	free(canon);
	assert_string_equal(json_string_value(json_object_get(r, "format")), "proceeds-report/1");
	assert_string_equal(json_string_value(json_object_get(json_object_get(r, "case"), "ref")), "CASE-17");
	assert_string_equal(json_string_value(json_object_get(r, "created_utc")), "2023-11-16T02:00:00Z");
	assert_true(json_equal(json_object_get(json_object_get(r, "trace"), "document"), t));
	/* Summary figures against the exits summed here. */
	json_array_foreach(json_object_get(t, "exits"), i, e) {
		fifo += geti(json_object_get(e, "traced"), "fifo");
		lifo += geti(json_object_get(e, "traced"), "lifo");
	}
	s = json_object_get(r, "summary");
	assert_int_equal(geti(s, "seeded"), geti(json_object_get(t, "totals"), "seeded"));
	assert_int_equal(geti(json_object_get(s, "at_exits"), "primary"), fifo);
	assert_int_equal(geti(json_object_get(s, "at_exits"), "max"), lifo);
	assert_int_equal(geti(s, "exits"), 4);
	assert_int_equal(geti(s, "tagged_exits"), 3);
	assert_int_equal(geti(s, "transactions"), 4);
	assert_non_null(strstr(json_string_value(json_object_get(s, "text")), "Exchange A ("));
	/* 2 seed txs, 4 hop txs, 1 sweep; no source: all unavailable. */
	assert_int_equal(json_array_size(json_object_get(r, "proofs")), 7);
	assert_string_equal(json_string_value(json_object_get(json_array_get(
		json_object_get(r, "proofs"), 0), "status")), "unavailable");
	free(bytes);
	json_decref(back);
	json_decref(r);
	helper_rm_rf(dir);

	/* Same input, same date: byte-identical report.json. */
	dir = package(t, &r, "CASE-17");
	canon = slurp(dir, "report.json");
	json_decref(r);
	helper_rm_rf(dir);
	dir = package(t, &r, "CASE-17");
	bytes = slurp(dir, "report.json");
	assert_string_equal(canon, bytes);
	free(canon);
	free(bytes);
	json_decref(r);
	helper_rm_rf(dir);
	json_decref(t);
}

static void test_csv(void **state)
{
	json_t *t = sample(), *r, *e;
	const char *dir;
	char *exits, *hops, *p;
	size_t i, lines = 0;
	(void)state;

	json_object_set_new(json_array_get(json_object_get(t, "exits"), 1), "evidence",
			    json_string("=HYPERLINK(\"http://evil\")"));
	dir = package(t, &r, "+1-CASE");
	exits = slurp(dir, "exits.csv");
	hops = slurp(dir, "hops.csv");
	for (p = exits; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + json_array_size(json_object_get(t, "exits")));
	json_array_foreach(json_object_get(t, "exits"), i, e)
		assert_non_null(strstr(exits, json_string_value(json_object_get(e, "address"))));
	assert_non_null(strstr(exits, "\"'=HYPERLINK(\"\"http://evil\"\")\""));
	assert_non_null(strstr(exits, "\"'+1-CASE\""));
	assert_null(strstr(exits, ",=HYPERLINK"));
	assert_non_null(strstr(exits, ",47998799,")); /* haircut of the second exit */
	for (lines = 0, p = hops; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + json_array_size(json_object_get(t, "hops")));
	assert_non_null(strstr(hops, "hop,outpoint,txid,vout,height"));
	free(exits);
	free(hops);
	json_decref(r);
	helper_rm_rf(dir);
	json_decref(t);
}

static void set_entity(json_t *t, const char *from, const char *to)
{
	const char *arrs[] = { "exits", "entities" };
	json_t *v;
	size_t i;
	for (int a = 0; a < 2; a++)
		json_array_foreach(json_object_get(t, arrs[a]), i, v)
			if (strcmp(json_string_value(json_object_get(v, "entity")), from) == 0)
				json_object_set_new(v, "entity", json_string(to));
}

static void test_html_hostile(void **state)
{
	json_t *t = sample(), *r;
	const char *dir;
	char *html;
	(void)state;

	set_entity(t, "Exchange B", "<script>alert(1)</script>");
	json_array_append_new(json_object_get(t, "notes"), json_string("x' onload='alert(2)"));
	dir = package(t, &r, "\"><img src=x onerror=alert(3)>");
	html = slurp(dir, "report.html");
	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "' onload"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&quot;&gt;&lt;img src=x onerror=alert(3)&gt;"));
	assert_non_null(strstr(html, "Content-Security-Policy"));
	assert_non_null(strstr(html, "<svg"));
	assert_non_null(strstr(html, "@media print"));
	/* Nothing external: no URL fetched, no script. */
	assert_null(strstr(html, "http://"));
	assert_null(strstr(html, " href="));
	assert_null(strstr(html, "url("));
	free(html);
	json_decref(r);
	helper_rm_rf(dir);
	json_decref(t);
}

static void test_error_rates(void **state)
{
	json_t *t = sample(), *r;
	const char *dir;
	char *html;
	(void)state;

	dir = package(t, &r, NULL);
	html = slurp(dir, "report.html");
	assert_non_null(strstr(html, "3 / 1000</td><td class=\"n\">0.30%"));
	assert_null(strstr(html, "not measured for this index"));
	free(html);
	json_decref(r);
	helper_rm_rf(dir);
	json_object_del(t, "error_rates");
	dir = package(t, &r, NULL);
	html = slurp(dir, "report.html");
	assert_non_null(strstr(html, "not measured for this index"));
	free(html);
	json_decref(r);
	helper_rm_rf(dir);
	json_decref(t);
}

/* Each mutation of the sample must be refused with the field named. */
static void refused(json_t *t, const char *want)
{
	const char *why = NULL;
	if (reportcheck_trace(t, &why))
		fail_msg("accepted; wanted \"%s\"", want);
	if (!strstr(why, want))
		fail_msg("got \"%s\"; wanted \"%s\"", why, want);
	json_decref(t);
}

static json_t *nth(json_t *t, const char *arr, size_t i)
{
	return json_array_get(json_object_get(t, arr), i);
}

static void test_refused(void **state)
{
	json_t *t = sample();
	const char *why = NULL;
	(void)state;

	assert_true(reportcheck_trace(t, &why));
	json_decref(t);
	t = sample();
	json_object_set_new(json_object_get(nth(t, "exits", 0), "traced"), "fifo", json_integer(40000001));
	refused(t, "entities[0].traced.fifo: differs from the sum of its exits");
	t = sample();
	json_object_set_new(json_object_get(json_object_get(t, "totals"), "fees"), "lifo", json_integer(1));
	refused(t, "totals.lifo: at_exits + unspent + fees + dust + stopped");
	t = sample();
	json_object_set_new(nth(t, "exits", 2), "address", json_string("<script>"));
	refused(t, "exits[2].address:");
	t = sample();
	json_object_set_new(nth(t, "hops", 3), "value", json_real(1.5));
	refused(t, "hops[3].value: not an amount in satoshis");
	t = sample();
	json_object_set_new(t, "network", json_string("testnet"));
	refused(t, "seeds[0].address: address of another network");
	t = sample();
	json_array_append_new(json_object_get(json_object_get(t, "parameters"), "models"), json_string("magic"));
	refused(t, "parameters.models[5]: unknown model");
	t = sample();
	json_object_set_new(t, "format", json_string("proceeds-trace/2"));
	refused(t, "format:");
	t = sample();
	json_object_set_new(nth(t, "hops", 0), "spent_from", json_pack("[s]", "nope"));
	refused(t, "hops[0].spent_from[0]: not an outpoint");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_json),
		cmocka_unit_test(test_csv),
		cmocka_unit_test(test_html_hostile),
		cmocka_unit_test(test_error_rates),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
