/* The whole clustering streamed (graph/cluster_export.c) on a synthetic
 * index (tests/helper_synthidx.c) given `a` records, clustered, then
 * extended past the build: exactly one row per address id of the index
 * tip, in id order, each root equal to cluster_root() and the smallest
 * id of its cluster, ids beyond the build their own cluster, addresses
 * equal to cluster_addr_string() ("script:<hex>" without an address); a
 * missing `a` record is an error naming the id, an early stop of the
 * callback is not; without a build every id is its own root. */
#include "proceeds/cluster.h"
#include "proceeds/cluster_export.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "helper.h"
#include "helper_synthidx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_BUILT 12000       /* txs clustered */
#define N_TXS 15000         /* txs of the index */

static char dir[4096];
static struct store *st;
static struct synthidx gen;
static uint64_t n_covered;  /* the build's address count */

/* Owner keys: every 7th id a script without an address, else a P2PKH
 * key; both derived from the id. */
static size_t owner_key(uint8_t key[SCRIPT_KEY_MAX], uint64_t id)
{
	size_t n = id % 7 == 3 ? 33 : 21;
	key[0] = id % 7 == 3 ? SCRIPT_KEY_SCRIPT : SCRIPT_KEY_PKH;
	for (size_t i = 1; i < n; i++)
		key[i] = (uint8_t)(id >> (8 * (i % 8))) ^ (uint8_t)(i * 37);
	return n;
}

static void put_addr_records(uint64_t from, uint64_t to)
{
	struct store_batch *b = store_batch_new();
	uint8_t k[IDX_KEY_MAX], key[SCRIPT_KEY_MAX];
	const char *why = NULL;

	for (uint64_t id = from; id < to; id++) {
		size_t kl = owner_key(key, id);
		store_batch_put(b, k, idx_key_addrid(k, id), key, kl);
	}
	assert_true(store_write(st, b, true, &why));
	store_batch_free(b);
}

static struct store *open_fresh(char *path, size_t len)
{
	struct store_options so = { .create = true };
	struct store *s;
	const char *why = NULL;

	snprintf(path, len, "%s", helper_tmpdir());
	assert_true(store_open(&s, path, &so, &why));
	return s;
}

static int setup(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_meta m;
	const char *why = NULL;
	bool found;

	(void)state;
	st = open_fresh(dir, sizeof(dir));
	synthidx_init(&gen, 11);
	gen.max_back = 3000;
	if (!synthidx_append(&gen, st, N_BUILT, &why))
		return -1;
	put_addr_records(0, gen.next_addr);
	cluster_options_default(&o);
	if (!cluster_build(st, &s, &o, NETWORK_REGTEST, NULL, NULL, &why) ||
	    !cluster_meta_read(st, &m, &found, &why) || !found)
		return -1;
	n_covered = m.n_addr;
	uint64_t first_new = gen.next_addr;
	if (!synthidx_append(&gen, st, N_TXS, &why))
		return -1;
	put_addr_records(first_new, gen.next_addr);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	helper_rm_rf(dir);
	return 0;
}

struct tally {
	uint64_t rows, merged, beyond, scripts;
	uint64_t *roots;            /* per id */
	bool with_addresses;
	uint64_t stop_after;        /* 0 = never */
};

static bool check_row(void *vctx, const struct cluster_export_row *r)
{
	struct tally *t = vctx;
	char want[CLUSTER_ADDR_MAX];
	const char *why = NULL;
	uint64_t root;

	assert_int_equal(r->id, t->rows);
	assert_true(cluster_root(st, &root, r->id, &why));
	assert_int_equal(r->root, root);
	assert_true(r->root <= r->id);
	t->roots[r->id] = r->root;
	/* the root is a root: its cluster id is itself */
	assert_int_equal(t->roots[r->root], r->root);
	assert_int_equal(r->covered, r->id < n_covered);
	t->merged += r->root != r->id;
	t->beyond += !r->covered;
	if (t->with_addresses) {
		assert_true(cluster_addr_string(st, want, NETWORK_REGTEST, r->id, &why));
		assert_string_equal(r->address, want);
		t->scripts += strncmp(r->address, "script:", 7) == 0;
	} else {
		assert_string_equal(r->address, "");
	}
	return ++t->rows != t->stop_after;
}

static void run_tally(struct tally *t, bool with_addresses)
{
	const char *why = NULL;

	memset(t, 0, sizeof(*t));
	t->with_addresses = with_addresses;
	t->roots = calloc(gen.next_addr, sizeof(*t->roots));
	assert_non_null(t->roots);
	if (!cluster_export_each(st, NETWORK_REGTEST, with_addresses, check_row, t, &why))
		fail_msg("cluster_export_each: %s", why);
	free(t->roots);
}

static void test_every_address_once(void **state)
{
	struct tally t;

	(void)state;
	run_tally(&t, true);
	assert_int_equal(t.rows, gen.next_addr);
	assert_true(n_covered > 4 * CLUSTER_CHUNK_IDS);   /* several chunks */
	assert_true(t.beyond > 1000);       /* ids past the build */
	assert_int_equal(t.beyond, gen.next_addr - n_covered);
	assert_true(t.merged > 1000);       /* a clustering, not singletons */
	assert_int_equal(t.scripts, (gen.next_addr + 3) / 7);
}

static void test_roots_without_addresses(void **state)
{
	struct tally t;

	(void)state;
	run_tally(&t, false);
	assert_int_equal(t.rows, gen.next_addr);
}

static void test_iterator_and_early_stop(void **state)
{
	struct cluster_export *x;
	struct cluster_export_row r;
	struct tally t;
	const char *why = NULL;
	bool done = false;
	uint64_t n = 0;

	(void)state;
	assert_true(cluster_export_new(&x, st, NETWORK_REGTEST, false, &why));
	assert_int_equal(cluster_export_tip(x)->next_addr, gen.next_addr);
	while (cluster_export_next(x, &r, &done, &why) && !done)
		assert_int_equal(r.id, n++);
	assert_true(done);
	assert_int_equal(n, gen.next_addr);
	assert_true(cluster_export_next(x, &r, &done, &why) && done);
	cluster_export_free(x);

	memset(&t, 0, sizeof(t));
	t.roots = calloc(gen.next_addr, sizeof(*t.roots));
	t.stop_after = 10;
	assert_true(cluster_export_each(st, NETWORK_REGTEST, false, check_row, &t, &why));
	assert_int_equal(t.rows, 10);
	free(t.roots);
}

static bool count_row(void *vctx, const struct cluster_export_row *r)
{
	(void)r;
	++*(uint64_t *)vctx;
	return true;
}

static void test_missing_address_record(void **state)
{
	uint8_t k[IDX_KEY_MAX];
	const char *why = NULL;
	uint64_t n = 0, gone = 5000;

	(void)state;
	assert_true(store_delete(st, k, idx_key_addrid(k, gone), &why));
	assert_false(cluster_export_each(st, NETWORK_REGTEST, true, count_row, &n, &why));
	assert_int_equal(n, gone);
	assert_non_null(strstr(why, "5000"));
	n = 0;
	assert_true(cluster_export_each(st, NETWORK_REGTEST, false, count_row, &n, &why));
	assert_int_equal(n, gen.next_addr);
	put_addr_records(gone, gone + 1);
}

static bool own_root(void *vctx, const struct cluster_export_row *r)
{
	assert_int_equal(r->root, r->id);
	assert_false(r->covered);
	return count_row(vctx, r);
}

static void test_unclustered_and_empty(void **state)
{
	char d2[4096];
	struct synthidx g;
	const char *why = NULL;
	uint64_t n = 0;

	(void)state;
	struct store *s2 = open_fresh(d2, sizeof(d2));
	assert_true(cluster_export_each(s2, NETWORK_REGTEST, true, own_root, &n, &why));
	assert_int_equal(n, 0);       /* no tip: no address */
	synthidx_init(&g, 3);
	assert_true(synthidx_append(&g, s2, 2000, &why));
	assert_true(cluster_export_each(s2, NETWORK_REGTEST, false, own_root, &n, &why));
	assert_int_equal(n, g.next_addr);
	store_close(s2);
	helper_rm_rf(d2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_address_once),
		cmocka_unit_test(test_roots_without_addresses),
		cmocka_unit_test(test_iterator_and_early_stop),
		cmocka_unit_test(test_missing_address_record),
		cmocka_unit_test(test_unclustered_and_empty),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
