/* The STIX 2.1 bundle: required properties of the cryptocurrency
 * extension schemas in ../shared/real/formats, their id patterns and
 * extension constants, and the STIX core properties (type, spec_version,
 * id, created/modified) checked by hand; references resolve; reruns are
 * identical. */
#include "proceeds/stixexport.h"
#include "helper.h"

#include <ctype.h>
#include <regex.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define TRACE "tests/data/trace-share.json"

static const struct share_meta meta = { "POL-2024-42", "cyber@police.example", SHARE_FREEZE };

static json_t *build(void)
{
	json_t *trace = json_load_file(TRACE, 0, NULL), *b;
	const char *why;
	assert_non_null(trace);
	assert_true(stixexport_build(&b, trace, &meta, &why));
	json_decref(trace);
	return b;
}

static bool matches(const char *pattern, const char *s)
{
	regex_t re;
	assert_int_equal(regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB), 0);
	bool ok = regexec(&re, s, 0, NULL, 0) == 0;
	regfree(&re);
	return ok;
}

/* STIX 2.1 core: type, spec_version "2.1", id "<type>--<UUID>"; SDOs also
 * created/modified timestamps in UTC with the Z suffix. */
static void check_core(const json_t *o, bool sdo)
{
	char pattern[200];
	const char *type = share_str(o, "type");
	assert_true(matches("^[a-z0-9][a-z0-9-]*[a-z0-9]$", type));
	assert_string_equal(share_str(o, "spec_version"), "2.1");
	snprintf(pattern, sizeof(pattern), "^%s--[0-9a-f]{8}-[0-9a-f]{4}-[1-5][0-9a-f]{3}-"
		 "[89ab][0-9a-f]{3}-[0-9a-f]{12}$", type);
	assert_true(matches(pattern, share_str(o, "id")));
	if (sdo) {
		const char *ts = "^[0-9]{4}-[01][0-9]-[0-3][0-9]T[0-2][0-9]:[0-5][0-9]:[0-6][0-9](\\.[0-9]+)?Z$";
		assert_true(matches(ts, share_str(o, "created")));
		assert_true(matches(ts, share_str(o, "modified")));
	}
}

/* The extension schema's required properties, id pattern and the
 * extension-definition constant. */
static void check_schema(const json_t *o, const json_t *schema)
{
	const json_t *r, *props = NULL, *part;
	size_t i;
	json_array_foreach(json_object_get(schema, "required"), i, r)
		if (!json_object_get(o, json_string_value(r)))
			fail_msg("%s lacks required '%s'", share_str(o, "id"), json_string_value(r));
	json_array_foreach(json_object_get(schema, "allOf"), i, part)
		if (json_object_get(part, "properties"))
			props = json_object_get(part, "properties");
	assert_non_null(props);
	assert_string_equal(share_str(o, "type"),
			    share_str(json_object_get(props, "type"), "const"));
	assert_true(matches(share_str(json_object_get(props, "id"), "pattern"), share_str(o, "id")));
	const json_t *ext = json_object_get(props, "extensions");
	json_array_foreach(json_object_get(ext, "required"), i, r) {
		const json_t *want = json_object_get(json_object_get(json_object_get(ext, "properties"),
						     json_string_value(r)), "const");
		assert_true(json_equal(json_object_get(json_object_get(o, "extensions"),
						       json_string_value(r)), want));
	}
	const char *key;
	const json_t *v;
	json_object_foreach((json_t *)o, key, v) {
		if (strcmp(key, "spec_version") == 0)
			continue;
		if (!json_object_get(props, key))
			fail_msg("%s: property '%s' not in the schema", share_str(o, "id"), key);
		const char *t = share_str(json_object_get(props, key), "type");
		if (strcmp(t, "string") == 0)
			assert_true(json_is_string(v));
		if (strcmp(t, "array") == 0)
			assert_true(json_is_array(v));
	}
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

static void test_schemas(void **state)
{
	(void)state;
	json_t *ws = shared_json("real/formats/stix2-extensions/cryptocurrency-wallet.schema.json");
	json_t *ts = shared_json("real/formats/stix2-extensions/cryptocurrency-transaction.schema.json");
	if (!ws || !ts)
		return;
	json_t *b = build(), *o;
	size_t i, n_w = 0, n_t = 0;
	json_array_foreach(json_object_get(b, "objects"), i, o) {
		if (strcmp(share_str(o, "type"), "cryptocurrency-wallet") == 0) {
			check_schema(o, ws);
			n_w++;
		} else if (strcmp(share_str(o, "type"), "cryptocurrency-transaction") == 0) {
			check_schema(o, ts);
			n_t++;
		}
	}
	assert_int_equal(n_w, 6);
	assert_int_equal(n_t, 5);
	json_decref(b);
	json_decref(ws);
	json_decref(ts);
}

static const json_t *by_id(const json_t *b, const char *id)
{
	const json_t *o;
	size_t i;
	json_array_foreach(json_object_get(b, "objects"), i, o)
		if (strcmp(share_str(o, "id"), id) == 0)
			return o;
	return NULL;
}

static void check_amounts(const json_t *b, const json_t *list)
{
	const json_t *e;
	size_t i;
	json_array_foreach(list, i, e) {
		assert_true(json_is_number(json_object_get(e, "amount")));
		assert_true(json_number_value(json_object_get(e, "amount")) >= 0);
		assert_non_null(by_id(b, share_str(e, "address_ref")));
	}
}

static void test_core_and_refs(void **state)
{
	(void)state;
	json_t *b = build(), *o;
	size_t i;
	assert_string_equal(share_str(b, "type"), "bundle");
	assert_true(matches("^bundle--[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$",
			    share_str(b, "id")));
	json_t *ids = json_object();
	json_array_foreach(json_object_get(b, "objects"), i, o) {
		const char *type = share_str(o, "type");
		bool sdo = strcmp(type, "identity") == 0 || strcmp(type, "grouping") == 0;
		check_core(o, sdo);
		assert_null(json_object_get(ids, share_str(o, "id")));
		json_object_set_new(ids, share_str(o, "id"), json_true());
		if (json_object_get(o, "holder_ref"))
			assert_string_equal(share_str(by_id(b, share_str(o, "holder_ref")), "type"), "identity");
		check_amounts(b, json_object_get(o, "input"));
		check_amounts(b, json_object_get(o, "output"));
		if (strcmp(type, "grouping") == 0) {
			const json_t *r;
			size_t k;
			assert_string_equal(share_str(o, "context"), "suspicious-activity");
			assert_int_equal(json_array_size(json_object_get(o, "object_refs")),
					 json_array_size(json_object_get(b, "objects")) - 1);
			json_array_foreach(json_object_get(o, "object_refs"), k, r)
				assert_non_null(by_id(b, json_string_value(r)));
		}
	}
	json_decref(ids);
	/* STIX 2.1's deterministic SCO id: UUIDv5 of the JCS of {"value"} */
	const json_t *w = by_id(b, "cryptocurrency-wallet--57ff5126-2124-58a2-9cc8-d953b3025b26");
	assert_non_null(w);
	assert_string_equal(share_str(w, "value"), "1GL1htwU7dUJBYLDvdicbj2GNVVnVpERVZ");
	assert_string_equal(share_str(by_id(b, share_str(w, "holder_ref")), "name"), "Exchange A");
	const json_t *t4 = by_id(b, "cryptocurrency-transaction--f55d0771-3856-5db5-8bd1-5efdf2250105");
	assert_non_null(t4);
	assert_string_equal(share_str(t4, "execution_time"), "2023-11-14T22:43:20Z");
	/* T4 spends H2's 0.00399 BTC into B's deposit 0.00398 BTC */
	const json_t *in = json_array_get(json_object_get(t4, "input"), 0);
	const json_t *out = json_array_get(json_object_get(t4, "output"), 0);
	assert_true(json_number_value(json_object_get(in, "amount")) == 0.00399);
	assert_true(json_number_value(json_object_get(out, "amount")) == 0.00398);
	json_decref(b);
}

static void test_deterministic_text(void **state)
{
	(void)state;
	json_t *trace = json_load_file(TRACE, 0, NULL);
	const char *dir = helper_tmpdir(), *why;
	char path[4200];
	size_t l1, l2;
	assert_true(stixexport_write(dir, trace, &meta, &why));
	snprintf(path, sizeof(path), "%s/" STIXEXPORT_FILE, dir);
	uint8_t *a = helper_read_file(path, &l1);
	assert_true(stixexport_write(dir, trace, &meta, &why));
	uint8_t *c = helper_read_file(path, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(a, c, l1);
	/* amounts print as exact decimals, never 0.0039800000000000002 */
	assert_non_null(strstr((char *)a, "\"amount\": 0.00398,"));
	assert_null(strstr((char *)a, "13YLRKoJ98oNHS1dekPQKnhPbVusG9jd7L"));
	free(a);
	free(c);
	helper_rm_rf(dir);
	json_decref(trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_schemas),
		cmocka_unit_test(test_core_and_refs),
		cmocka_unit_test(test_deterministic_text),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
