/* The MISP event: every object attribute's name and type as the
 * MISP/misp-objects templates in ../shared/real/formats define them,
 * relationships from MISP's list, references that resolve, determinism. */
#include "proceeds/mispexport.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <cmocka.h>

#define TRACE "tests/data/trace-share.json"

static const struct share_meta meta = { "POL-2024-42", NULL, SHARE_FREEZE };

static json_t *build(void)
{
	json_t *trace = json_load_file(TRACE, 0, NULL), *ev;
	const char *why;
	assert_non_null(trace);
	assert_true(mispexport_build(&ev, trace, &meta, &why));
	json_decref(trace);
	return ev;
}

static json_t *shared_json(const char *rel)
{
	char path[4096];
	if (!helper_shared_path(path, sizeof(path), rel))
		return NULL;
	json_t *j = json_load_file(path, 0, NULL);
	if (!j)
		fail_msg("cannot read %s", path);
	return j;
}

/* Checks one object against its template file. */
static void check_object(const json_t *o, const json_t *tpl)
{
	const json_t *attrs = json_object_get(tpl, "attributes"), *a, *req;
	size_t i;
	bool required_met = false;
	assert_string_equal(share_str(o, "name"), share_str(tpl, "name"));
	assert_int_equal(strcasecmp(share_str(o, "template_uuid"), share_str(tpl, "uuid")), 0);
	assert_int_equal(atoi(share_str(o, "template_version")), json_integer_value(json_object_get(tpl, "version")));
	assert_string_equal(share_str(o, "meta-category"), share_str(tpl, "meta-category"));
	json_array_foreach(json_object_get(o, "Attribute"), i, a) {
		const char *rel = share_str(a, "object_relation");
		const json_t *def = json_object_get(attrs, rel);
		if (!def)
			fail_msg("%s: no attribute '%s' in the template", share_str(o, "name"), rel);
		assert_string_equal(share_str(a, "type"), share_str(def, "misp-attribute"));
		assert_true(*share_str(a, "value"));
		size_t k;
		json_array_foreach(json_object_get(tpl, "requiredOneOf"), k, req)
			required_met |= strcmp(json_string_value(req), rel) == 0;
	}
	assert_true(required_met);
}

static void test_templates(void **state)
{
	(void)state;
	static const char *const names[] = { "btc-transaction", "btc-wallet", "coin-address" };
	json_t *tpl[3], *rels = shared_json("real/formats/misp-objects/relationships.json");
	if (!rels)
		return;
	for (int i = 0; i < 3; i++) {
		char rel[100];
		snprintf(rel, sizeof(rel), "real/formats/misp-objects/%s.json", names[i]);
		tpl[i] = shared_json(rel);
	}
	json_t *ev = build(), *o, *r;
	json_t *objects = json_object_get(json_object_get(ev, "Event"), "Object");
	json_t *uuids = json_object();
	size_t i, k, seen[3] = {0};
	json_array_foreach(objects, i, o)
		json_object_set_new(uuids, share_str(o, "uuid"), json_true());
	json_array_foreach(objects, i, o) {
		int t;
		for (t = 0; t < 3 && strcmp(share_str(o, "name"), names[t]); t++)
			;
		assert_true(t < 3);
		seen[t]++;
		check_object(o, tpl[t]);
		json_array_foreach(json_object_get(o, "ObjectReference"), k, r) {
			const json_t *v;
			size_t m;
			bool known = false;
			assert_non_null(json_object_get(uuids, share_str(r, "referenced_uuid")));
			assert_string_equal(share_str(r, "object_uuid"), share_str(o, "uuid"));
			json_array_foreach(json_object_get(rels, "values"), m, v)
				known |= strcmp(share_str(v, "name"), share_str(r, "relationship_type")) == 0;
			assert_true(known);
		}
	}
	/* 5 txs + the seed's; 3 deposits; H1, H2, H3 */
	assert_int_equal(seen[0], 5);
	assert_int_equal(seen[2], 3);
	assert_int_equal(seen[1], 3);
	for (int t = 0; t < 3; t++)
		json_decref(tpl[t]);
	json_decref(rels);
	json_decref(uuids);
	json_decref(ev);
}

static const json_t *find_obj(const json_t *objects, const char *rel, const char *value)
{
	const json_t *o, *a;
	size_t i, k;
	json_array_foreach(objects, i, o)
		json_array_foreach(json_object_get(o, "Attribute"), k, a)
			if (strcmp(share_str(a, "object_relation"), rel) == 0 &&
			    strcmp(share_str(a, "value"), value) == 0)
				return o;
	return NULL;
}

static bool has_ref(const json_t *src, const char *rel, const json_t *dst)
{
	const json_t *r;
	size_t i;
	json_array_foreach(json_object_get(src, "ObjectReference"), i, r)
		if (strcmp(share_str(r, "relationship_type"), rel) == 0 &&
		    strcmp(share_str(r, "referenced_uuid"), share_str(dst, "uuid")) == 0)
			return true;
	return false;
}

static void test_graph(void **state)
{
	(void)state;
	json_t *ev = build();
	const json_t *objects = json_object_get(json_object_get(ev, "Event"), "Object");
	const char *t1 = "a7abe1ad08042abc4f8b0d1c23812040d1a1e4d4f994156703b3c4b10237f572";
	const char *t4 = "8971d8d7674bd498f19a4b44c6b15ed17bb9018b975c438d01d2726e14be0fbd";
	const json_t *tx1 = find_obj(objects, "transaction-number", t1);
	const json_t *tx4 = find_obj(objects, "transaction-number", t4);
	const json_t *h2 = find_obj(objects, "wallet-address", "1GsaCFonGK6C7naj13iF7CGaww1GNrQPbG");
	const json_t *db1 = find_obj(objects, "address", "17cM9WaWQ4qUHmYW3Ft79joeCYqPEuQbL8");
	assert_non_null(tx1);
	assert_non_null(tx4);
	assert_non_null(h2);
	assert_non_null(db1);
	assert_true(has_ref(tx1, "sends-to", h2));
	assert_true(has_ref(h2, "sends", tx4));
	assert_true(has_ref(tx1, "followed-by", tx4));
	assert_true(has_ref(tx4, "sends-to", db1));
	assert_false(has_ref(tx4, "sends-to", h2));
	assert_non_null(find_obj(objects, "text", "deposit address of Exchange B <b>"));
	assert_non_null(find_obj(objects, "value_BTC", "0.00999000"));
	/* the victim's (seed) address is not shared */
	char *s = json_dumps(ev, 0);
	assert_null(strstr(s, "13YLRKoJ98oNHS1dekPQKnhPbVusG9jd7L"));
	assert_null(strstr(s, "smith"));
	json_t *again = build();
	char *s2 = json_dumps(again, 0);
	assert_string_equal(s, s2);
	free(s);
	free(s2);
	json_decref(again);
	json_decref(ev);
}

static void test_meta_changes_ids(void **state)
{
	(void)state;
	json_t *trace = json_load_file(TRACE, 0, NULL), *a, *b;
	const char *why;
	struct share_meta other = { "POL-2024-43", NULL, SHARE_INFORM };
	assert_true(mispexport_build(&a, trace, &meta, &why));
	assert_true(mispexport_build(&b, trace, &other, &why));
	assert_string_not_equal(share_str(json_object_get(a, "Event"), "uuid"),
				share_str(json_object_get(b, "Event"), "uuid"));
	assert_non_null(strstr(share_str(json_object_get(b, "Event"), "info"), "POL-2024-43"));
	json_decref(a);
	json_decref(b);
	struct share_meta bad = { NULL, NULL, SHARE_FREEZE };
	assert_false(mispexport_build(&a, trace, &bad, &why));
	json_decref(trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_graph),
		cmocka_unit_test(test_meta_changes_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
