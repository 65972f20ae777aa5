/* GraphSense TagPacks: inheritance, mapping, hostile YAML, the real packs. */
#include "proceeds/tagpack.h"
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

static bool parse(struct tag_import *imp, const char *yaml, const char **why)
{
	tag_import_init(imp, NETWORK_MAIN, NULL);
	return tagpack_parse(imp, yaml, strlen(yaml), why);
}

static void test_inherit_and_map(void **state)
{
	/* The header's label and abuse come after the tags: still inherited. */
	const char *yaml =
		"title: Test pack\ncreator: me\nconfidence: forensic\n"
		"source: https://example.org/report\ncategory: exchange\n"
		"tags:\n"
		"- address: '" ADDR_A "'\n  currency: 'BTC '\n"
		"- address: " ADDR_B "\n  label: own label\n  abuse: ransomware\n"
		"  lastmod: 2020-01-02\n  context: {nested: [1, 2]}\n"
		"- address: '0xFA8E3920daF271daB92Be9B87d9998DDd94FEF08'\n  currency: ETH\n"
		"label: Header Label\nlastmod: 2021-11-12\n";
	const char *dir = helper_tmpdir(), *why = NULL;
	struct store_options opt = { .create = true };
	struct store *s;
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	assert_true(store_open(&s, dir, &opt, &why));
	assert_true(parse(&imp, yaml, &why));
	assert_int_equal(imp.accepted, 2);
	assert_int_equal(imp.skipped, 1);
	assert_true(tag_import_commit(&imp, s, &why));
	tag_import_release(&imp);
	assert_true(tag_store_for_address(s, &l, NETWORK_MAIN, ADDR_A, &why));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "Header Label");
	assert_string_equal(l.v[0].source, "https://example.org/report");
	assert_int_equal(l.v[0].category, TAG_CAT_EXCHANGE);
	assert_string_equal(l.v[0].confidence, "forensic");
	assert_int_equal(l.v[0].score, 80);
	assert_string_equal(l.v[0].date, "2021-11-12");
	tag_list_free(&l);
	assert_true(tag_store_for_address(s, &l, NETWORK_MAIN, ADDR_B, &why));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "own label");
	assert_int_equal(l.v[0].category, TAG_CAT_RANSOMWARE);
	assert_string_equal(l.v[0].category_orig, "abuse=ransomware category=exchange");
	assert_string_equal(l.v[0].date, "2020-01-02");
	tag_list_free(&l);
	store_close(s);
	helper_rm_rf(dir);
}

static void test_hostile_yaml(void **state)
{
	const char *bad[] = {
		"title: x\ntags:\n- address: [unclosed\n",
		"title: x\ntags: 5\n",
		"- just\n- a list\n",
		"title: no tags\n",
		"",
		"title: x\ntags:\n- address: a\n  label: \"unterminated\n",
		"title: x\ntags:\n- 12\n",
		"title: x\n\ttags: []\n",
	};
	struct tag_import imp;
	const char *why;
	(void)state;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		assert_false(parse(&imp, bad[i], &why));
		assert_non_null(why);
		tag_import_release(&imp);
	}
	/* Aliases are not expanded: a billion-laughs pack costs nothing and
	 * its aliased addresses are not addresses. */
	const char *laughs =
		"a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
		"c: &c [*b, *b, *b, *b, *b, *b, *b]\nlabel: L\nsource: S\n"
		"tags:\n- address: *c\n- address: " ADDR_A "\n";
	assert_true(parse(&imp, laughs, &why));
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(imp.rejected, 1);
	tag_import_release(&imp);
}

static void test_real_packs(void **state)
{
	char path[4096];
	const char *why = NULL;
	size_t len;
	char *buf;
	struct tag_import imp;
	(void)state;

	if (!helper_shared_path(path, sizeof(path),
				"real/tags/graphsense-tagpacks/packs/plustoken.yaml"))
		return;
	buf = (char *)helper_read_file(path, &len);
	assert_non_null(buf);
	tag_import_init(&imp, NETWORK_MAIN, NULL);
	assert_true(tag_import_buffer(&imp, TAG_FMT_AUTO, path, buf, len, &why));
	assert_string_equal(imp.origin, "tagpack:plustoken.yaml");
	/* Two of its addresses are malformed (a bad checksum, a lowercased
	 * Base58 string): reported, not imported. */
	assert_int_equal(imp.rejected, 2);
	assert_int_equal(imp.n_examples, 2);
	assert_true(imp.accepted > 0);
	tag_import_release(&imp);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inherit_and_map),
		cmocka_unit_test(test_hostile_yaml),
		cmocka_unit_test(test_real_packs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
