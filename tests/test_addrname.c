/* Address names (chain/addrname.c) over `a` records written directly:
 * the names equal address_from_owner_key's, or script:<hex>; a walk in
 * id order is served by the sequential iterator alone; ids met before
 * come from the cache, and after the cache lost them from point reads,
 * still right; a start past 0 reads from there; an id without a record
 * is an error naming it. */
#include "proceeds/addrname.h"
#include "proceeds/address.h"
#include "proceeds/hex.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_IDS 5000

static char dir[4096];
static struct store *st;

static size_t owner_key(uint8_t key[SCRIPT_KEY_MAX], uint64_t id)
{
	size_t n = id % 5 == 2 ? 33 : 21;
	key[0] = id % 5 == 2 ? SCRIPT_KEY_SCRIPT : id % 2 ? SCRIPT_KEY_SH : SCRIPT_KEY_PKH;
	for (size_t i = 1; i < n; i++)
		key[i] = (uint8_t)(id >> (8 * (i % 8))) ^ (uint8_t)(i * 29);
	return n;
}

static void want(char out[ADDRNAME_MAX], uint64_t id)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl = owner_key(key, id);
	if (address_from_owner_key(out, NETWORK_MAIN, key, kl))
		return;
	strcpy(out, "script:");
	hex_encode(out + 7, key, kl);
}

static int setup(void **state)
{
	struct store_options so = { .create = true };
	struct store_batch *b = store_batch_new();
	uint8_t k[IDX_KEY_MAX], key[SCRIPT_KEY_MAX];
	const char *why = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	if (!store_open(&st, dir, &so, &why))
		return -1;
	for (uint64_t id = 0; id < N_IDS; id++) {
		size_t kl = owner_key(key, id);
		store_batch_put(b, k, idx_key_addrid(k, id), key, kl);
	}
	bool ok = store_write(st, b, true, &why);
	store_batch_free(b);
	return ok ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	helper_rm_rf(dir);
	return 0;
}

static void check(struct addrname *an, uint64_t id)
{
	char w[ADDRNAME_MAX];
	const char *name, *why = NULL;
	want(w, id);
	if (!addrname_get(an, &name, id, &why))
		fail_msg("id %llu: %s", (unsigned long long)id, why);
	assert_string_equal(name, w);
}

static void test_in_order_then_back(void **state)
{
	struct addrname *an;
	struct addrname_stats s;
	const char *why = NULL;
	(void)state;

	assert_true(addrname_new(&an, st, NETWORK_MAIN, 0, 1024, &why));
	for (uint64_t id = 0; id < N_IDS; id++)
		check(an, id);
	addrname_get_stats(an, &s);
	assert_int_equal(s.sequential, N_IDS);
	assert_int_equal(s.reads, 0);
	for (uint64_t id = N_IDS - 1000; id < N_IDS; id++)
		check(an, id);       /* the last 1024 ids are cached */
	addrname_get_stats(an, &s);
	assert_int_equal(s.hits, 1000);
	for (uint64_t id = 0; id < 100; id++)
		check(an, id * 37 % 2000);  /* long evicted: point reads */
	addrname_get_stats(an, &s);
	assert_true(s.reads >= 90);
	addrname_free(an);
}

static void test_start_and_gaps(void **state)
{
	struct addrname *an;
	struct addrname_stats s;
	const char *name, *why = NULL;
	(void)state;

	assert_true(addrname_new(&an, st, NETWORK_MAIN, 3000, 0, &why));
	check(an, 3000);
	check(an, 3500);         /* skips ahead on the iterator */
	check(an, 10);           /* before the start: a point read */
	addrname_get_stats(an, &s);
	assert_int_equal(s.sequential, 501);
	assert_int_equal(s.reads, 1);
	assert_false(addrname_get(an, &name, N_IDS + 3, &why));
	assert_non_null(strstr(why, "address id 5003"));
	addrname_free(an);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order_then_back),
		cmocka_unit_test(test_start_and_gaps),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
