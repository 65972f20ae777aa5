/* The tag model, the importer's checks and the store: mapping, scores,
 * encoding, rejection, idempotent re-import, conflicting labels. */
#include "proceeds/tagimport.h"
#include "proceeds/tagstore.h"
#include "proceeds/tags.h"
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

static void test_category_map(void **state)
{
	enum tag_category c;
	(void)state;
	assert_int_equal(tag_category_map("exchange", NULL), TAG_CAT_EXCHANGE);
	assert_int_equal(tag_category_map(" Mixing_Service ", NULL), TAG_CAT_MIXER);
	assert_int_equal(tag_category_map("market", NULL), TAG_CAT_DARKNET);
	/* An abuse says what the money is: it wins over the category. */
	assert_int_equal(tag_category_map("exchange", "service_hack"), TAG_CAT_HACK);
	assert_int_equal(tag_category_map(NULL, "sextortion"), TAG_CAT_SCAM);
	assert_int_equal(tag_category_map(NULL, "sanction"), TAG_CAT_SANCTIONS);
	assert_int_equal(tag_category_map("no such thing", ""), TAG_CAT_OTHER);
	assert_int_equal(tag_category_map(NULL, NULL), TAG_CAT_OTHER);
	for (unsigned i = 0; i < TAG_CAT_COUNT; i++) {
		assert_true(tag_category_from_name(&c, tag_category_name((enum tag_category)i)));
		assert_int_equal(c, i);
		assert_int_equal(tag_category_map(tag_category_name(c), NULL), c);
	}
	assert_false(tag_category_from_name(&c, "exchanges"));
}

static void test_confidence(void **state)
{
	uint8_t s;
	(void)state;
	assert_true(tag_confidence_score(&s, "forensic", 50));
	assert_int_equal(s, 80);
	assert_true(tag_confidence_score(&s, "authority_data", 50));
	assert_int_equal(s, 90);
	assert_true(tag_confidence_score(&s, "42", 50));
	assert_int_equal(s, 42);
	assert_true(tag_confidence_score(&s, "", 65));
	assert_int_equal(s, 65);
	assert_false(tag_confidence_score(&s, "101", 50));
	assert_int_equal(s, 50);
	assert_false(tag_confidence_score(&s, "trust me", 50));
	assert_false(tag_confidence_score(&s, "12abc", 50));
}

static void test_encode_decode(void **state)
{
	struct tag t, u;
	uint8_t key[TAG_KEY_MAX], *val;
	size_t klen, vlen;
	const char *why;
	(void)state;

	memset(&t, 0, sizeof(t));
	strcpy(t.address, ADDR_W);
	t.owner_key_len = 22;
	memset(t.owner_key, 0x33, 22);
	t.category = TAG_CAT_RANSOMWARE;
	t.score = 80;
	strcpy(t.label, "=HYPERLINK(\"x\")");
	strcpy(t.source, "https://example.org/a");
	strcpy(t.imported, "2024-01-01");
	klen = tag_key(key, &t);
	assert_int_equal(klen, 2 + 22 + 8);
	val = tag_encode(&vlen, &t);
	assert_true(tag_decode(&u, key, klen, val, vlen, &why));
	assert_string_equal(u.address, t.address);
	assert_string_equal(u.label, t.label);
	assert_int_equal(u.category, TAG_CAT_RANSOMWARE);
	assert_int_equal(u.score, 80);
	assert_memory_equal(u.owner_key, t.owner_key, 22);
	/* Every truncation and a flipped header are errors, never a crash. */
	for (size_t n = 0; n < vlen; n++)
		assert_false(tag_decode(&u, key, klen, val, n, &why));
	val[1] = TAG_CAT_COUNT;
	assert_false(tag_decode(&u, key, klen, val, vlen, &why));
	assert_false(tag_decode(&u, key, klen - 1, val, vlen, &why));
	free(val);
}

/* Imports text as fmt into a fresh import for net. */
static bool import_text(struct tag_import *imp, enum network net,
			enum tag_format fmt, const char *name, const char *text,
			const struct tag_defaults *d)
{
	const char *why = NULL;
	tag_import_init(imp, net, d);
	return tag_import_buffer(imp, fmt, name, text, strlen(text), &why);
}

static void test_reject_with_examples(void **state)
{
	struct tag_import imp;
	(void)state;
	assert_true(import_text(&imp, NETWORK_MAIN, TAG_FMT_CSV, "x.csv",
		ADDR_A ",Archive,organization,https://a,90\n"
		"1Archive1n2C579dMsAu3iC6tWzuQJz8dX,Bad,exchange,s,50\n"
		"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx,Test,exchange,s,50\n"
		"0xFA8E3920daF271daB92Be9B87d9998DDd94FEF08,Eth,exchange,s,50\n", NULL));
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(imp.rejected, 3);
	assert_int_equal(imp.n_examples, 3);
	assert_non_null(strstr(imp.examples[0], "checksum"));
	assert_non_null(strstr(imp.examples[0], "line 2"));
	assert_non_null(strstr(imp.examples[1], "another network"));
	tag_import_release(&imp);
	/* The same testnet address is fine on testnet, mainnet ones are not. */
	assert_true(import_text(&imp, NETWORK_TESTNET, TAG_FMT_CSV, "x.csv",
		"tb1qw508d6qejxtdg4y5r3zarvary0c5xw7kxpjzsx,Test,exchange,s,50\n"
		ADDR_A ",Archive,organization,https://a,90\n", NULL));
	assert_int_equal(imp.accepted, 1);
	assert_int_equal(imp.rejected, 1);
	tag_import_release(&imp);
}

static bool count(void *ctx, const struct tag *t)
{
	(void)t;
	++*(unsigned long *)ctx;
	return true;
}

static void test_store_idempotent_and_conflicts(void **state)
{
	const char *dir = helper_tmpdir(), *why;
	struct store_options opt = { .create = true };
	struct store *s;
	struct tag_import imp;
	struct tag_list l;
	const char *csv =
		"address,label,category,source,confidence,date\n"
		ADDR_B ",Binance,exchange,https://binance.example,service_data,2022-11-16\n"
		ADDR_B ",Kraken,exchange,https://kraken.example,70,2023-01-01\n"
		ADDR_W ",Binance,exchange,https://binance.example,service_data,\n";
	(void)state;

	assert_true(store_open(&s, dir, &opt, &why));
	for (int round = 0; round < 2; round++) {
		assert_true(import_text(&imp, NETWORK_MAIN, TAG_FMT_AUTO, "t.csv", csv, NULL));
		assert_int_equal(imp.accepted, 3);
		assert_true(tag_import_commit(&imp, s, &why));
		tag_import_release(&imp);
		/* Two exchanges tag the same address: both are kept. */
		assert_true(tag_store_for_address(s, &l, NETWORK_MAIN, ADDR_B, &why));
		assert_int_equal(l.n, 2);
		assert_true((strcmp(l.v[0].label, "Binance") == 0 &&
			     strcmp(l.v[1].label, "Kraken") == 0) ||
			    (strcmp(l.v[1].label, "Binance") == 0 &&
			     strcmp(l.v[0].label, "Kraken") == 0));
		assert_int_equal(l.v[0].category, TAG_CAT_EXCHANGE);
		tag_list_free(&l);
		unsigned long total = 0;
		assert_true(tag_store_each(s, NULL, count, &total, &why));
		assert_int_equal(total, 3);
	}
	/* Filters: by label substring, by category. */
	struct tag_filter f = { .label = "kraken" };
	unsigned long n = 0;
	assert_true(tag_store_each(s, &f, count, &n, &why));
	assert_int_equal(n, 1);
	f = (struct tag_filter){ .has_category = true, .category = TAG_CAT_EXCHANGE };
	n = 0;
	assert_true(tag_store_each(s, &f, count, &n, &why));
	assert_int_equal(n, 3);
	assert_true(tag_store_for_address(s, &l, NETWORK_MAIN, ADDR_A, &why));
	assert_int_equal(l.n, 0);
	assert_false(tag_store_for_address(s, &l, NETWORK_MAIN, "1nope", &why));
	store_close(s);
	helper_rm_rf(dir);
}

static void test_detect(void **state)
{
	(void)state;
	assert_int_equal(tag_format_detect("a/sanctioned_addresses_XBT.txt", "1abc\n", 5), TAG_FMT_OFAC);
	assert_int_equal(tag_format_detect("x", "  <?xml?><Sanctions/>", 21), TAG_FMT_SDN_XML);
	assert_int_equal(tag_format_detect("x", "{\"Event\":{}}", 12), TAG_FMT_MISP);
	assert_int_equal(tag_format_detect("x", "[ \"1abc\"]", 9), TAG_FMT_LIST);
	assert_int_equal(tag_format_detect("x", "[{\"Event\":{}}]", 14), TAG_FMT_MISP);
	assert_int_equal(tag_format_detect("p.yaml", "x", 1), TAG_FMT_TAGPACK);
	assert_int_equal(tag_format_detect("p", "title: x\ntags:\n", 15), TAG_FMT_TAGPACK);
	assert_int_equal(tag_format_detect("a.csv", "a,b,c\n", 6), TAG_FMT_CSV);
	assert_int_equal(tag_format_detect("a.txt", "1abc\n1def\n", 10), TAG_FMT_LIST);
	const char *sdn = "36,\"NAME\",\"-0-\",\"CYBER2\",-0-,-0-,-0-,-0-,-0-,-0-,-0-,"
			  "\"Digital Currency Address - XBT 1abc\"\n";
	assert_int_equal(tag_format_detect("SDN.CSV", sdn, strlen(sdn)), TAG_FMT_SDN_CSV);
}

static void test_plain_list_needs_options(void **state)
{
	struct tag_import imp;
	struct tag_defaults d = { .source = "case 42 notes", .category = "ransomware",
				  .label = "Locker X" };
	const char *why = NULL;
	const char *list = "# victims paid to\n" ADDR_A "\n\n  " ADDR_B "  \r\n";
	(void)state;

	tag_import_init(&imp, NETWORK_MAIN, NULL);
	assert_false(tag_import_buffer(&imp, TAG_FMT_LIST, "l.txt", list, strlen(list), &why));
	assert_non_null(strstr(why, "--source"));
	tag_import_release(&imp);
	assert_true(import_text(&imp, NETWORK_MAIN, TAG_FMT_LIST, "l.txt", list, &d));
	assert_int_equal(imp.accepted, 2);
	assert_int_equal(imp.rejected, 0);
	tag_import_release(&imp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_category_map),
		cmocka_unit_test(test_confidence),
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_reject_with_examples),
		cmocka_unit_test(test_store_idempotent_and_conflicts),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_plain_list_needs_options),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
