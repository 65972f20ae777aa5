/* Freeze requests: each venue gets its own deposits and the path to them,
 * nothing of another venue or of the victim (every field is read). */
#include "proceeds/freeze.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TRACE "tests/data/trace-share.json"

static json_t *load_trace(void)
{
	json_error_t err;
	json_t *t = json_load_file(TRACE, 0, &err);
	if (!t)
		fail_msg("%s: %s", TRACE, err.text);
	return t;
}

static const struct share_meta meta = { "POL-2024-42", "cyber@police.example", SHARE_FREEZE };

/* Every string leaf (and member name) of j must not contain any of bad. */
static void assert_clean(const json_t *j, const json_t *bad, const char *where)
{
	const json_t *v, *b;
	const char *k;
	size_t i, n;
	if (json_is_string(j)) {
		json_array_foreach(bad, n, b)
			if (strstr(json_string_value(j), json_string_value(b)))
				fail_msg("%s: '%s' contains forbidden '%s'", where,
					 json_string_value(j), json_string_value(b));
	} else if (json_is_array(j)) {
		json_array_foreach(j, i, v)
			assert_clean(v, bad, where);
	} else if (json_is_object(j)) {
		json_object_foreach((json_t *)j, k, v) {
			json_t *key = json_string(k);
			assert_clean(key, bad, where);
			json_decref(key);
			assert_clean(v, bad, where);
		}
	}
}

static void add_bad(json_t *bad, const char *s)
{
	if (s && *s)
		json_array_append_new(bad, json_string(s));
}

/* What entity i's request must never hold: other venues' exits and the
 * hops that lead only to them, the seeds' addresses, the case file. */
static json_t *forbidden_for(const json_t *trace, const char *entity, const json_t *req)
{
	json_t *bad = json_array(), *x;
	json_t *path_ops = json_object();
	size_t i;
	json_array_foreach(json_object_get(json_object_get(req, "path"), "hops"), i, x)
		json_object_set_new(path_ops, share_str(x, "outpoint"), json_true());
	json_array_foreach(json_object_get(trace, "exits"), i, x)
		if (strcmp(share_str(x, "entity"), entity) != 0) {
			add_bad(bad, share_str(x, "entity"));
			add_bad(bad, share_str(x, "address"));
			add_bad(bad, share_str(x, "outpoint"));
		}
	json_array_foreach(json_object_get(trace, "hops"), i, x)
		if (!json_object_get(path_ops, share_str(x, "outpoint"))) {
			add_bad(bad, share_str(x, "outpoint"));
			add_bad(bad, share_str(x, "address"));
		}
	json_array_foreach(json_object_get(trace, "seeds"), i, x)
		add_bad(bad, share_str(x, "address"));
	json_array_foreach(json_object_get(json_object_get(trace, "parameters"), "from"), i, x)
		add_bad(bad, json_string_value(x));
	add_bad(bad, share_str(json_object_get(trace, "parameters"), "case"));
	add_bad(bad, "smith");
	json_decref(path_ops);
	return bad;
}

static void test_only_own_data(void **state)
{
	(void)state;
	json_t *trace = load_trace(), *slugs = share_entity_slugs(trace), *e;
	size_t i;
	const char *why;
	assert_true(share_trace_check(trace, &why));
	json_array_foreach(json_object_get(trace, "entities"), i, e) {
		json_t *req, *bad;
		struct share_buf html;
		const char *name = share_str(e, "entity");
		assert_true(freeze_build(&req, trace, i,
					 json_string_value(json_array_get(slugs, i)), &meta, &why));
		bad = forbidden_for(trace, name, req);
		assert_true(json_array_size(bad) >= 5);
		assert_clean(req, bad, name);
		share_buf_init(&html);
		freeze_html(&html, req);
		json_t *page = json_string(html.p);
		assert_clean(page, bad, "html");
		json_decref(page);
		/* every deposit of the venue is there */
		json_t *dep = json_object_get(req, "deposits");
		json_t *want = json_object_get(e, "deposit_addresses");
		assert_int_equal(json_array_size(dep), json_array_size(want));
		for (size_t k = 0; k < json_array_size(want); k++)
			assert_non_null(strstr(html.p, json_string_value(json_array_get(want, k))));
		assert_int_equal(share_int(json_object_get(req, "amounts"), "min"), share_int(e, "min"));
		assert_int_equal(share_int(json_object_get(req, "amounts"), "max"), share_int(e, "max"));
		assert_string_equal(share_str(req, "case_ref"), "POL-2024-42");
		share_buf_release(&html);
		json_decref(bad);
		json_decref(req);
	}
	json_decref(slugs);
	json_decref(trace);
}

static void test_path_and_amounts(void **state)
{
	(void)state;
	json_t *trace = load_trace(), *req;
	const char *why;
	assert_true(freeze_build(&req, trace, 0, "exchange-a", &meta, &why));
	json_t *path = json_object_get(req, "path");
	/* A's exits come through T1:0, T2:0, T2:1, T3:0; T1:1 and T4:0 lead to B */
	assert_int_equal(json_array_size(json_object_get(path, "hops")), 4);
	assert_int_equal(json_array_size(json_object_get(path, "seeds")), 1);
	assert_null(json_object_get(json_array_get(json_object_get(path, "seeds"), 0), "address"));
	json_t *a = json_object_get(req, "amounts");
	assert_int_equal(share_int(a, "deposits"), 2);
	assert_int_equal(share_int(a, "received"), 598000);
	assert_int_equal(share_int(a, "fifo"), 550000);
	assert_string_equal(share_str(json_object_get(a, "btc"), "max"), "0.00590000");
	assert_string_equal(share_str(req, "asset"), "BTC");
	assert_string_equal(share_str(req, "request"), "freeze");
	json_t *d = json_array_get(json_object_get(req, "deposits"), 1);
	assert_string_equal(share_str(d, "txid"),
			    "73b40eafc6b5b7b58454d596b32a544f5432886cde44803d93b7367254b3ba6d");
	assert_int_equal(share_int(d, "vout"), 0);
	assert_string_equal(share_str(d, "time_utc"), "2023-11-14T22:53:20Z");
	json_decref(req);
	json_decref(trace);
}

static void test_html_escaped(void **state)
{
	(void)state;
	json_t *trace = load_trace(), *req;
	struct share_buf b;
	const char *why;
	struct share_meta m = { "<script>alert(1)</script>", "a&b \"c\"", SHARE_INFORM };
	assert_true(freeze_build(&req, trace, 1, "exchange-b-b", &m, &why));
	share_buf_init(&b);
	freeze_html(&b, req);
	assert_null(strstr(b.p, "<script>"));
	assert_null(strstr(b.p, "Exchange B <b>"));
	assert_non_null(strstr(b.p, "Exchange B &lt;b&gt;"));
	assert_non_null(strstr(b.p, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(b.p, "a&amp;b &quot;c&quot;"));
	assert_non_null(strstr(b.p, "Notice of traced funds"));
	assert_null(strstr(b.p, "http"));
	share_buf_release(&b);
	json_decref(req);
	json_decref(trace);
}

static void test_bad_input(void **state)
{
	(void)state;
	json_t *trace = load_trace(), *req;
	const char *why;
	size_t n;
	struct share_meta nocase = { "", NULL, SHARE_FREEZE };
	assert_false(freeze_write("/nonexistent-never", trace, &nocase, &n, &why));
	assert_non_null(strstr(why, "case reference"));
	assert_false(freeze_build(&req, trace, 7, "x", &meta, &why));
	/* an exit whose max is below its min */
	json_object_set_new(json_array_get(json_object_get(trace, "exits"), 0), "max",
			    json_integer(1));
	assert_false(freeze_build(&req, trace, 0, "x", &meta, &why));
	assert_non_null(strstr(why, "inconsistent"));
	json_object_set_new(trace, "format", json_string("other/1"));
	assert_false(share_trace_check(trace, &why));
	json_decref(trace);
}

static void test_slugs_and_write(void **state)
{
	(void)state;
	char s[SHARE_SLUG_MAX];
	share_slug(s, "  Exchange B <b>!! ");
	assert_string_equal(s, "exchange-b-b");
	share_slug(s, "../../etc/passwd");
	assert_string_equal(s, "etc-passwd");
	share_slug(s, "***");
	assert_string_equal(s, "entity");
	json_t *trace = load_trace();
	/* two entities with one slug get distinct files */
	json_object_set_new(json_array_get(json_object_get(trace, "entities"), 1), "entity",
			    json_string("exchange a"));
	json_object_set_new(json_array_get(json_object_get(trace, "exits"), 2), "entity",
			    json_string("exchange a"));
	json_t *slugs = share_entity_slugs(trace);
	assert_string_equal(json_string_value(json_array_get(slugs, 1)), "exchange-a-2");
	json_decref(slugs);
	const char *dir = helper_tmpdir(), *why;
	char path[4200];
	size_t n;
	assert_true(freeze_write(dir, trace, &meta, &n, &why));
	assert_int_equal(n, 2);
	snprintf(path, sizeof(path), "%s/freeze/exchange-a-2.html", dir);
	size_t len;
	uint8_t *html = helper_read_file(path, &len);
	assert_non_null(html);
	free(html);
	helper_rm_rf(dir);
	json_decref(trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_only_own_data),
		cmocka_unit_test(test_path_and_amounts),
		cmocka_unit_test(test_html_escaped),
		cmocka_unit_test(test_bad_input),
		cmocka_unit_test(test_slugs_and_write),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
