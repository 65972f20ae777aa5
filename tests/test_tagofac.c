/* OFAC: the real 0xB10C lists, SDN.CSV remarks, sdn_advanced.xml. */
#include "proceeds/tagofac.h"
#include "proceeds/tagstore.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ADDR_A "12QtD5BFwRsdNsAZY76UVE1xyCGNTojH9h"
#define ADDR_B "1Archive1n2C579dMsAu3iC6tWzuQJz8dN"

static void test_real_lists(void **state)
{
	const char *files[] = { "sanctioned_addresses_XBT.txt",
				"sanctioned_addresses_XBT.json" };
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		char rel[256], path[4096];
		const char *why = NULL;
		struct tag_import imp;
		size_t len;
		char *buf;

		snprintf(rel, sizeof(rel), "real/tags/ofac/%s", files[i]);
		if (!helper_shared_path(path, sizeof(path), rel))
			return;
		buf = (char *)helper_read_file(path, &len);
		assert_non_null(buf);
		tag_import_init(&imp, NETWORK_MAIN, NULL);
		assert_true(tag_import_buffer(&imp, TAG_FMT_AUTO, path, buf, len, &why));
		assert_int_equal(imp.accepted, 434);
		assert_int_equal(imp.rejected, 1); /* the TRON address */
		assert_non_null(strstr(imp.examples[0], "TUCsTq7TofTCJRRoHk6RvhMoS2mJLm5Yzq"));
		tag_import_release(&imp);
		free(buf);
	}
}

/* Imports buf as fmt into a store; returns the tags of addr. */
static void import_get(struct tag_list *l, struct tag_import *imp,
		       enum tag_format fmt, const char *buf, const char *addr)
{
	const char *dir = helper_tmpdir(), *why = NULL;
	struct store_options opt = { .create = true };
	struct store *s;

	assert_true(store_open(&s, dir, &opt, &why));
	tag_import_init(imp, NETWORK_MAIN, NULL);
	assert_true(tag_import_buffer(imp, fmt, "f", buf, strlen(buf), &why));
	assert_true(tag_import_commit(imp, s, &why));
	assert_true(tag_store_for_address(s, l, NETWORK_MAIN, addr, &why));
	tag_import_release(imp);
	store_close(s);
	helper_rm_rf(dir);
}

static void test_sdn_csv(void **state)
{
	const char *csv =
		"36,\"AEROCARIBBEAN AIRLINES\",-0-,\"CUBA\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,-0-\r\n"
		"306,\"SUEX OTC, S.R.O.\",\"-0-\",\"CYBER2\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"
		"\"Website suex.io; Digital Currency Address - XBT " ADDR_A "; alt. "
		"Digital Currency Address - ETH 0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535; "
		"alt. Digital Currency Address - XBT 1nvalidAddre55; Organization Established Date 2018.\"\r\n"
		"306,\"Digital Currency Address - XBT " ADDR_B "\"\r\n";
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	import_get(&l, &imp, TAG_FMT_AUTO, csv, ADDR_A);
	assert_int_equal(imp.accepted, 2);
	assert_int_equal(imp.rejected, 1);
	assert_int_equal(imp.skipped, 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "SUEX OTC, S.R.O.");
	assert_int_equal(l.v[0].category, TAG_CAT_SANCTIONS);
	assert_int_equal(l.v[0].score, 100);
	tag_list_free(&l);
}

/* The FeatureType ID is deliberately not the one Treasury uses today. */
static const char xml[] =
	"<?xml version=\"1.0\"?>\n<Sanctions xmlns=\"http://www.un.org/sanctions/1.0\">\n"
	"<DateOfIssue><Year>2024</Year><Month>9</Month><Day>27</Day></DateOfIssue>\n"
	"<ReferenceValueSets><FeatureTypeValues>\n"
	"<FeatureType ID=\"8\" FeatureTypeGroupID=\"1\">Vessel Flag</FeatureType>\n"
	"<FeatureType ID=\"77123\" FeatureTypeGroupID=\"1\">Digital Currency Address - XBT</FeatureType>\n"
	"<FeatureType ID=\"77124\" FeatureTypeGroupID=\"1\">Digital Currency Address - ETH</FeatureType>\n"
	"</FeatureTypeValues></ReferenceValueSets>\n"
	"<DistinctParties><DistinctParty FixedRef=\"306\"><Profile ID=\"306\">\n"
	"<Identity><Alias Primary=\"false\"><DocumentedName><DocumentedNamePart>"
	"<NamePartValue>SUEX alias</NamePartValue></DocumentedNamePart></DocumentedName></Alias>\n"
	"<Alias Primary=\"true\"><DocumentedName><DocumentedNamePart>"
	"<NamePartValue>SUEX OTC, S.R.O.</NamePartValue></DocumentedNamePart></DocumentedName></Alias></Identity>\n"
	"<Feature ID=\"1\" FeatureTypeID=\"77123\"><FeatureVersion ID=\"1\"><VersionDetail DetailTypeID=\"1432\">\n"
	"  " ADDR_A "  </VersionDetail></FeatureVersion></Feature>\n"
	"<Feature ID=\"2\" FeatureTypeID=\"77124\"><FeatureVersion ID=\"2\"><VersionDetail DetailTypeID=\"1432\">"
	"0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535</VersionDetail></FeatureVersion></Feature>\n"
	"<Feature ID=\"3\" FeatureTypeID=\"8\"><FeatureVersion ID=\"3\"><VersionDetail>" ADDR_B
	"</VersionDetail></FeatureVersion></Feature>\n"
	"</Profile></DistinctParty></DistinctParties></Sanctions>\n";

static void test_sdn_xml(void **state)
{
	struct tag_import imp;
	struct tag_list l;
	const char *why = NULL;
	(void)state;

	import_get(&l, &imp, TAG_FMT_AUTO, xml, ADDR_A);
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(imp.skipped, 1);
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "SUEX OTC, S.R.O.");
	assert_string_equal(l.v[0].date, "2024-09-27");
	assert_string_equal(l.v[0].origin, "sdn-xml:f");
	tag_list_free(&l);
	/* Malformed XML and XML without the feature type are errors. */
	const char *bad[] = { "<Sanctions><unclosed></Sanctions>",
			      "<Sanctions><FeatureType ID=\"1\">Vessel Flag</FeatureType></Sanctions>" };
	for (size_t i = 0; i < 2; i++) {
		tag_import_init(&imp, NETWORK_MAIN, NULL);
		assert_false(tagofac_parse_sdn_xml(&imp, bad[i], strlen(bad[i]), &why));
		assert_non_null(why);
		tag_import_release(&imp);
	}
	/* An external entity is never fetched nor expanded. */
	const char *xxe = "<?xml version=\"1.0\"?><!DOCTYPE s [<!ENTITY e SYSTEM "
			  "\"file:///etc/passwd\">]><Sanctions>&e;</Sanctions>";
	tag_import_init(&imp, NETWORK_MAIN, NULL);
	assert_false(tagofac_parse_sdn_xml(&imp, xxe, strlen(xxe), &why));
	tag_import_release(&imp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_lists),
		cmocka_unit_test(test_sdn_csv),
		cmocka_unit_test(test_sdn_xml),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
