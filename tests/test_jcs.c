/* RFC 8785 canonicalization: the examples of the RFC and of its reference
 * test suite that carry no floats, escapes, key order by UTF-16 code units
 * against an independent reference, and refusals. */
#include "proceeds/jcs.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static json_t *parse(const char *text)
{
	json_error_t err;
	json_t *j = json_loads(text, JSON_DECODE_ANY | JSON_ALLOW_NUL, &err);
	if (!j)
		fail_msg("bad test JSON: %s", err.text);
	return j;
}

static void check_canon(const char *input, const char *expect)
{
	json_t *j = parse(input);
	const char *why = NULL;
	char *out;
	size_t len;

	assert_true(jcs_serialize(&out, &len, j, &why));
	assert_int_equal(len, strlen(expect));
	assert_memory_equal(out, expect, len);
	/* Canonical form is a fixed point. */
	json_t *again = parse(out);
	char *out2;
	size_t len2;
	assert_true(jcs_serialize(&out2, &len2, again, &why));
	assert_int_equal(len2, len);
	assert_memory_equal(out2, out, len);
	free(out);
	free(out2);
	json_decref(again);
	json_decref(j);
}

/* cyberphone/json-canonicalization (the RFC 8785 authors' reference test
 * data), testdata/input/weird.json -> testdata/output/weird.json; the same
 * keys as RFC 8785 section 3.2.3's sorting example. */
static void test_rfc_weird(void **state)
{
	(void)state;
	check_canon("{\n  \"\\u20ac\": \"Euro Sign\",\n  \"1\": \"One\",\n"
		    "  \"\\u0080\": \"Control\\u007f\",\n"
		    "  \"\\ud83d\\ude02\": \"Smiley\",\n"
		    "  \"\\u00f6\": \"Latin Small Letter O With Diaeresis\",\n"
		    "  \"\\ufb33\": \"Hebrew Letter Dalet With Dagesh\",\n"
		    "  \"</script>\": \"Browser Challenge\"\n}\n",
		    "{\"1\":\"One\",\"</script>\":\"Browser Challenge\","
		    "\"\xc2\x80\":\"Control\x7f\","
		    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		    "\"\xe2\x82\xac\":\"Euro Sign\","
		    "\"\xf0\x9f\x98\x82\":\"Smiley\","
		    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
	/* RFC 8785 3.2.3 adds "\r", which sorts first and stays escaped. */
	check_canon("{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\","
		    "\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\",\"1\":\"One\","
		    "\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
		    "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}",
		    "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\xc2\x80\":\"Control\","
		    "\"\xc3\xb6\":\"Latin Small Letter O With Diaeresis\","
		    "\"\xe2\x82\xac\":\"Euro Sign\","
		    "\"\xf0\x9f\x98\x80\":\"Emoji: Grinning Face\","
		    "\"\xef\xac\xb3\":\"Hebrew Letter Dalet With Dagesh\"}");
}

/* Same suite: structures.json (its 56.0 written 56: we refuse reals),
 * arrays.json, french.json, unicode.json, simpleString.json. */
static void test_rfc_suite(void **state)
{
	(void)state;
	check_canon("{\n  \"1\": {\"f\": {\"f\": \"hi\",\"F\": 5} ,\"\\n\": 56},\n"
		    "  \"10\": { },\n  \"\": \"empty\",\n  \"a\": { },\n"
		    "  \"111\": [ { } ],\n  \"A\": { }\n}",
		    "{\"\":\"empty\",\"1\":{\"\\n\":56,\"f\":{\"F\":5,\"f\":\"hi\"}},"
		    "\"10\":{},\"111\":[{}],\"A\":{},\"a\":{}}");
	check_canon("[\n  56,\n  {\n    \"d\": true,\n    \"10\": null,\n    \"1\": [ ]\n  }\n]",
		    "[56,{\"1\":[],\"10\":null,\"d\":true}]");
	check_canon("{\n  \"peach\": \"This sorting order\",\n"
		    "  \"p\\u00e9ch\\u00e9\": \"is wrong according to French\",\n"
		    "  \"p\\u00eache\": \"but canonicalization MUST\",\n"
		    "  \"sin\":   \"ingnore locale\"\n}\n",
		    "{\"peach\":\"This sorting order\","
		    "\"p\xc3\xa9" "ch\xc3\xa9\":\"is wrong according to French\","
		    "\"p\xc3\xaa" "che\":\"but canonicalization MUST\","
		    "\"sin\":\"ingnore locale\"}");
	check_canon("{\n  \"Unnormalized Unicode\":\"\\u1e0d\\u0307\"\n}\n",
		    "{\"Unnormalized Unicode\":\"\xe1\xb8\x8d\xcc\x87\"}");
	check_canon("    \"this is a test string 1235\"", "\"this is a test string 1235\"");
}

/* RFC 8785 3.2.2.2: only " \ and controls are escaped, with the short
 * forms where JSON has them and lowercase \u00xx otherwise. */
static void test_escapes(void **state)
{
	(void)state;
	/* The string example of RFC 8785 3.2.2 (its numbers left out). */
	check_canon("{\"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
		    "\"literals\": [null, true, false]}",
		    "{\"literals\":[null,true,false],"
		    "\"string\":\"\xe2\x82\xac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}");
	check_canon("\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \\u007f\\u2028\"",
		    "\"\\u0000\\u0001\\b\\t\\n\\u000b\\f\\r\\u001f \x7f\xe2\x80\xa8\"");
	/* A key holding NUL. */
	json_t *o = json_object();
	const char *why;
	char *out;
	size_t len;
	json_object_setn_new(o, "a\0b", 3, json_integer(-7));
	json_object_set_new(o, "a", json_integer(JCS_INT_MAX));
	assert_true(jcs_serialize(&out, &len, o, &why));
	assert_string_equal(out, "{\"a\":9007199254740991,\"a\\u0000b\":-7}");
	free(out);
	json_decref(o);
}

static void expect_refused(json_t *j, const char *why_part)
{
	const char *why = NULL;
	char *out = (char *)1;
	size_t len = 99;
	assert_false(jcs_serialize(&out, &len, j, &why));
	assert_null(out);
	assert_int_equal(len, 0);
	assert_non_null(strstr(why, why_part));
	json_decref(j);
}

static void test_refusals(void **state)
{
	(void)state;
	expect_refused(parse("{\"amount\": 0.5}"), "real numbers are not allowed");
	expect_refused(parse("[1, [2, 56.0]]"), "real numbers are not allowed");
	expect_refused(json_integer(JCS_INT_MAX + 1), "integer outside");
	expect_refused(json_integer(-JCS_INT_MAX - 1), "integer outside");
	expect_refused(json_stringn_nocheck("\xc3\x28", 2), "not valid UTF-8");
	expect_refused(json_stringn_nocheck("\xed\xa0\x80", 3), "not valid UTF-8");
	expect_refused(json_stringn_nocheck("\xc0\xaf", 2), "not valid UTF-8");
	expect_refused(json_stringn_nocheck("\xe2\x82", 2), "not valid UTF-8");
	json_t *o = json_object();
	json_object_setn_new_nocheck(o, "\xff", 1, json_null());
	expect_refused(o, "not valid UTF-8");

	json_t *deep = json_array(), *cur = deep;
	for (int i = 0; i < 1100; i++) {
		json_t *next = json_array();
		json_array_append_new(cur, next);
		cur = next;
	}
	expect_refused(deep, "nested deeper");
}

/* An independent reference: expand to UTF-16 arrays and compare. */
static size_t to_utf16(uint16_t *u, const uint32_t *cps, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		if (cps[i] < 0x10000) {
			u[k++] = (uint16_t)cps[i];
		} else {
			uint32_t v = cps[i] - 0x10000;
			u[k++] = (uint16_t)(0xd800 + (v >> 10));
			u[k++] = (uint16_t)(0xdc00 + (v & 0x3ff));
		}
	}
	return k;
}

static size_t to_utf8(char *s, const uint32_t *cps, size_t n)
{
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t c = cps[i];
		if (c < 0x80) {
			s[k++] = (char)c;
		} else if (c < 0x800) {
			s[k++] = (char)(0xc0 | (c >> 6));
			s[k++] = (char)(0x80 | (c & 0x3f));
		} else if (c < 0x10000) {
			s[k++] = (char)(0xe0 | (c >> 12));
			s[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[k++] = (char)(0x80 | (c & 0x3f));
		} else {
			s[k++] = (char)(0xf0 | (c >> 18));
			s[k++] = (char)(0x80 | ((c >> 12) & 0x3f));
			s[k++] = (char)(0x80 | ((c >> 6) & 0x3f));
			s[k++] = (char)(0x80 | (c & 0x3f));
		}
	}
	return k;
}

static int ref_cmp(const uint16_t *a, size_t an, const uint16_t *b, size_t bn)
{
	for (size_t i = 0; i < an && i < bn; i++)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return an == bn ? 0 : (an < bn ? -1 : 1);
}

/* Code points drawn where UTF-8 byte order and UTF-16 order disagree:
 * U+E000..U+FFFF sort after supplementary characters in UTF-16. */
static uint32_t pick_cp(uint32_t r)
{
	static const uint32_t pool[] = { 0x41, 0x61, 0x7f, 0x80, 0xf6, 0x20ac, 0xd7ff,
					 0xe000, 0xfb33, 0xffff, 0x10000, 0x1f600,
					 0x1f602, 0x10ffff };
	return pool[r % (sizeof(pool) / sizeof(pool[0]))];
}

static void test_key_order_random(void **state)
{
	uint32_t seed = 12345;
	(void)state;
	for (int t = 0; t < 20000; t++) {
		uint32_t a[4], b[4];
		uint16_t ua[8], ub[8];
		char sa[16], sb[16];
		size_t an, bn;
		seed = seed * 1103515245u + 12345u;
		an = (seed >> 16) % 4;
		seed = seed * 1103515245u + 12345u;
		bn = (seed >> 16) % 4;
		for (size_t i = 0; i < 4; i++) {
			seed = seed * 1103515245u + 12345u;
			a[i] = pick_cp(seed >> 8);
			b[i] = (seed & 1) && i < an ? a[i] : pick_cp(seed >> 20);
		}
		int want = ref_cmp(ua, to_utf16(ua, a, an), ub, to_utf16(ub, b, bn));
		int got = jcs_key_cmp(sa, to_utf8(sa, a, an), sb, to_utf8(sb, b, bn));
		assert_int_equal(got < 0 ? -1 : got > 0, want);
	}
	/* The case that makes byte order wrong. */
	assert_true(jcs_key_cmp("\xf0\x9f\x98\x82", 4, "\xef\xac\xb3", 3) < 0);
	assert_true(memcmp("\xf0\x9f\x98\x82", "\xef\xac\xb3", 3) > 0);
}

static void test_sha256(void **state)
{
	json_t *a = parse("{\"b\": [1, 2], \"a\": \"x\"}");
	json_t *b = parse("{ \"a\":\"x\",\n \"b\":[1,2] }");
	json_t *c = parse("{\"a\": \"x\", \"b\": [2, 1]}");
	unsigned char ha[32], hb[32], hc[32];
	const char *why;
	(void)state;
	assert_true(jcs_sha256(ha, a, &why));
	assert_true(jcs_sha256(hb, b, &why));
	assert_true(jcs_sha256(hc, c, &why));
	assert_memory_equal(ha, hb, 32);
	assert_memory_not_equal(ha, hc, 32);
	json_decref(a);
	json_decref(b);
	json_decref(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rfc_weird),
		cmocka_unit_test(test_rfc_suite),
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_key_order_random),
		cmocka_unit_test(test_sha256),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
