/* MISP events: attributes, objects, categories from event tags, bad JSON. */
#include "proceeds/tagmisp.h"
#include "proceeds/tagstore.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define ADDR_A "1Archive1n2C579dMsAu3iC6tWzuQJz8dN"
#define ADDR_B "34xp4vRoCGJym3xR7yCVPFHoCNxv4Twseo"
#define ADDR_W "bc1qm34lsc65zpw79lxes69zkqmk6ee3ewf0j77s3h"

static const char event[] =
	"{\"response\": [{\"Event\": {\"info\": \"Locker X campaign\", \"date\": \"2023-05-01\","
	" \"uuid\": \"5f0c1a2b-0000-4000-8000-000000000001\", \"Orgc\": {\"name\": \"CERT-X\"},"
	" \"Tag\": [{\"name\": \"tlp:white\"}, {\"name\": \"misp-galaxy:ransomware=\\\"Locker X\\\"\"}],"
	" \"Attribute\": [{\"type\": \"btc\", \"value\": \"" ADDR_A "\"},"
	"   {\"type\": \"ip-dst\", \"value\": \"10.0.0.1\"},"
	"   {\"type\": \"btc\", \"value\": \"1notanaddress\"}],"
	" \"Object\": [{\"name\": \"btc-wallet\", \"Attribute\": ["
	"     {\"object_relation\": \"wallet-address\", \"value\": \"" ADDR_B "\"},"
	"     {\"object_relation\": \"balance_BTC\", \"value\": \"1.5\"}]},"
	"   {\"name\": \"coin-address\", \"Attribute\": ["
	"     {\"object_relation\": \"address\", \"value\": \"0x2f389ce8bd8ff92de3402ffce4691d17fc4f6535\"},"
	"     {\"object_relation\": \"symbol\", \"value\": \"ETH\"}]},"
	"   {\"name\": \"cryptocurrency-transaction\", \"Attribute\": ["
	"     {\"object_relation\": \"address\", \"value\": \"" ADDR_W "\"},"
	"     {\"object_relation\": \"symbol\", \"value\": \"BTC\"}]}]}}]}";

static void test_event(void **state)
{
	const char *dir = helper_tmpdir(), *why = NULL;
	struct store_options opt = { .create = true };
	struct store *s;
	struct tag_import imp;
	struct tag_list l;
	(void)state;

	assert_true(store_open(&s, dir, &opt, &why));
	tag_import_init(&imp, NETWORK_MAIN, NULL);
	assert_true(tag_import_buffer(&imp, TAG_FMT_AUTO, "e.json", event,
				      strlen(event), &why));
	assert_string_equal(imp.origin, "misp:e.json");
	assert_int_equal(imp.accepted, 3);
	assert_int_equal(imp.rejected, 1);
	assert_int_equal(imp.skipped, 1);
	assert_true(tag_import_commit(&imp, s, &why));
	tag_import_release(&imp);
	assert_true(tag_store_for_address(s, &l, NETWORK_MAIN, ADDR_W, &why));
	assert_int_equal(l.n, 1);
	assert_string_equal(l.v[0].label, "Locker X campaign");
	assert_int_equal(l.v[0].category, TAG_CAT_RANSOMWARE);
	assert_string_equal(l.v[0].date, "2023-05-01");
	assert_non_null(strstr(l.v[0].source, "CERT-X"));
	assert_non_null(strstr(l.v[0].source, "5f0c1a2b"));
	tag_list_free(&l);
	store_close(s);
	helper_rm_rf(dir);
}

static void test_bad_json(void **state)
{
	const char *bad[] = { "{\"Event\": {\"info\": ", "{\"foo\": 1}", "[1, 2]",
			      "{\"Event\": [1]}", "\xff\xfe{}" };
	struct tag_import imp;
	const char *why;
	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		why = NULL;
		tag_import_init(&imp, NETWORK_MAIN, NULL);
		assert_false(tagmisp_parse(&imp, bad[i], strlen(bad[i]), &why));
		assert_non_null(why);
		assert_int_equal(imp.accepted, 0);
		tag_import_release(&imp);
	}
	/* A bare event with a category from the command line. */
	const char *bare = "{\"info\": \"x\", \"Attribute\": [{\"type\": \"btc\", "
			   "\"value\": \"" ADDR_A "\"}]}";
	struct tag_defaults d = { .category = "scam" };
	tag_import_init(&imp, NETWORK_MAIN, &d);
	assert_true(tagmisp_parse(&imp, bare, strlen(bare), &why));
	assert_int_equal(imp.accepted, 1);
	tag_import_release(&imp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_event),
		cmocka_unit_test(test_bad_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
