/* Watchlist entries (encoding, damaged values), the owner-key set, the
 * store round trip on an empty database, and loading shared files. */
#include "proceeds/watchlist.h"
#include "proceeds/watchload.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define DA1 "1GL1htwU7dUJBYLDvdicbj2GNVVnVpERVZ"
#define DB1 "17cM9WaWQ4qUHmYW3Ft79joeCYqPEuQbL8"

static void test_encode_decode(void **state)
{
	(void)state;
	struct watch_entry e, d;
	uint8_t key[WATCH_KEY_MAX], *val;
	size_t klen, vlen;
	const char *why;
	assert_true(watch_entry_init(&e, NETWORK_MAIN, DA1, &why));
	watch_set_field(e.case_ref, "POL-1");
	watch_set_field(e.source, "freeze request a.json");
	e.has_amount = true;
	e.amount_min = amount_sat(1);
	e.amount_max = amount_sat(AMOUNT_MAX);
	klen = watch_key(key, &e);
	val = watch_encode(&vlen, &e);
	assert_true(watch_decode(&d, key, klen, val, vlen, &why));
	assert_string_equal(d.address, DA1);
	assert_string_equal(d.case_ref, "POL-1");
	assert_int_equal(d.amount_max.sat, AMOUNT_MAX);
	assert_int_equal(d.owner_key_len, e.owner_key_len);
	/* every truncation of the value is refused, never misread */
	for (size_t n = 0; n < vlen; n++)
		assert_false(watch_decode(&d, key, klen, val, n, &why));
	val[0] = 9;
	assert_false(watch_decode(&d, key, klen, val, vlen, &why));
	assert_false(watch_decode(&d, key, klen - 1, val, vlen, &why));
	free(val);
	/* another case gives another key for the same owner */
	uint8_t key2[WATCH_KEY_MAX];
	watch_set_field(e.case_ref, "POL-2");
	assert_int_equal(watch_key(key2, &e), klen);
	assert_memory_equal(key, key2, klen - 8);
	assert_memory_not_equal(key + klen - 8, key2 + klen - 8, 8);
	assert_false(watch_entry_init(&e, NETWORK_REGTEST, DA1, &why));
}

static void test_set(void **state)
{
	(void)state;
	struct watch_set s;
	uint8_t k[21] = { 1 };
	assert_true(watch_set_init(&s, 0));
	for (uint32_t i = 0; i < 100000; i++) {
		memcpy(k + 1, &i, 4);
		assert_true(watch_set_add(&s, k, sizeof(k)));
	}
	assert_int_equal(s.n, 100000);
	assert_true(2 * s.n <= s.mask + 1);
	size_t false_hits = 0;
	for (uint32_t i = 0; i < 200000; i++) {
		memcpy(k + 1, &i, 4);
		bool has = watch_set_has(&s, k, sizeof(k));
		if (i < 100000)
			assert_true(has);
		else
			false_hits += has;
	}
	assert_int_equal(false_hits, 0);
	watch_set_release(&s);
}

static bool collect(void *arg, const struct watch_entry *e)
{
	json_array_append_new(arg, json_string(e->address));
	return true;
}

static void test_load_and_store(void **state)
{
	(void)state;
	const char *dir = helper_tmpdir(), *why;
	char db[4200];
	struct store *s;
	struct store_options o = { true, 0, 0, false };
	struct watch_load l;
	size_t len;
	char *trace = (char *)helper_read_file("tests/data/trace-share.json", &len);
	assert_non_null(trace);
	snprintf(db, sizeof(db), "%s/db", dir);
	assert_true(store_open(&s, db, &o, &why));
	watch_load_init(&l, NETWORK_MAIN, "CASE-9");
	assert_true(watch_load_buffer(&l, "trace.json", trace, len, &why));
	assert_int_equal(l.added, 3);
	/* a tag CSV through the tag importers, with a bad row */
	const char csv[] = "address,label,category,source\n" DB1 ",X,scam,list\nnot-an-address,Y,scam,list\n";
	assert_true(watch_load_buffer(&l, "tags.csv", csv, strlen(csv), &why));
	assert_int_equal(l.added, 4);
	assert_int_equal(l.rejected, 1);
	assert_true(watch_load_commit(&l, s, &why));
	watch_load_release(&l);
	/* the wrong network is refused as a whole */
	watch_load_init(&l, NETWORK_REGTEST, NULL);
	assert_false(watch_load_buffer(&l, "trace.json", trace, len, &why));
	assert_non_null(strstr(why, "network"));
	watch_load_release(&l);

	struct watch_set set;
	struct watch_entry e;
	assert_true(watch_set_init(&set, 0));
	assert_true(watch_set_load(&set, s, &why));
	assert_int_equal(set.n, 3); /* DB1 is flagged twice, one owner key */
	assert_true(watch_entry_init(&e, NETWORK_MAIN, DB1, &why));
	assert_true(watch_set_has(&set, e.owner_key, e.owner_key_len));
	json_t *hits = json_array();
	assert_true(watch_lookup(s, e.owner_key, e.owner_key_len, collect, hits, &why));
	assert_int_equal(json_array_size(hits), 2);
	json_decref(hits);
	watch_set_release(&set);
	store_close(s);
	free(trace);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_decode),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_load_and_store),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
