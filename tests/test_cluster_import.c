/* cluster import (graph/cluster_import.c) on a synthetic index
 * (tests/helper_synthidx.c) with `a` records and one tagged address,
 * clustered: the export of the build imported back gives every root of
 * the build, the same number of clusters and the tagged cluster's
 * entity, and says it was imported; a map in another order with other
 * cluster ids gives the same roots; rows left out are their own cluster
 * and counted; a malformed row, an address the index lacks and an
 * address given twice are refused naming the line, with the stored
 * clustering left as it was; a build after an import rebuilds from the
 * chain. */
#include "proceeds/cluster.h"
#include "proceeds/cluster_export.h"
#include "proceeds/cluster_import.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"
#include "helper.h"
#include "helper_synthidx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_TXS 12000
#define TAGGED 77           /* the address id carrying a tag */

static char dir[4096], csv[4200], alt[4200];
static struct store *st;
static struct synthidx gen;
static uint64_t *built;     /* the build's root of every id */
static char (*names)[CLUSTER_ADDR_MAX];
static uint64_t n_addr, n_clusters;

static size_t owner_key(uint8_t key[SCRIPT_KEY_MAX], uint64_t id)
{
	size_t n = id % 7 == 3 ? 33 : 21;
	key[0] = id % 7 == 3 ? SCRIPT_KEY_SCRIPT : SCRIPT_KEY_PKH;
	for (size_t i = 1; i < n; i++)
		key[i] = (uint8_t)(id >> (8 * (i % 8))) ^ (uint8_t)(i * 37);
	return n;
}

/* The `a` records, and the `A` lists an address lookup reads. */
static void put_addr_records(void)
{
	struct store_batch *b = store_batch_new();
	uint8_t k[IDX_KEY_MAX], key[SCRIPT_KEY_MAX];
	const char *why = NULL;

	for (uint64_t id = 0; id < gen.next_addr; id++) {
		size_t kl = owner_key(key, id);
		struct idx_buf v;
		store_batch_put(b, k, idx_key_addrid(k, id), key, kl);
		idx_buf_init(&v);
		idx_buf_varint(&v, id);
		store_batch_put(b, k, idx_key_addr(k, key, kl), v.p, v.len);
		idx_buf_release(&v);
	}
	assert_true(store_write(st, b, true, &why));
	store_batch_free(b);
}

static void put_tag(uint64_t id)
{
	struct tag t;
	uint8_t key[TAG_KEY_MAX];
	size_t len, vlen;
	const char *why = NULL;

	memset(&t, 0, sizeof(t));
	t.owner_key_len = owner_key(t.owner_key, id);
	t.category = TAG_CAT_EXCHANGE;
	t.score = 80;
	tag_set_field(t.label, "Exchange A");
	tag_set_field(t.source, "test");
	len = tag_key(key, &t);
	uint8_t *v = tag_encode(&vlen, &t);
	assert_true(store_put(st, key, len, v, vlen, &why));
	free(v);
}

static bool keep_row(void *ctx, const struct cluster_export_row *r)
{
	(void)ctx;
	built[r->id] = r->root;
	snprintf(names[r->id], CLUSTER_ADDR_MAX, "%s", r->address);
	return true;
}

static int setup(void **state)
{
	struct store_options so = { .create = true };
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_meta m;
	const char *why = NULL;
	bool found;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(csv, sizeof(csv), "%s/a.csv", dir);
	snprintf(alt, sizeof(alt), "%s/b.csv", dir);
	if (!store_open(&st, dir, &so, &why))
		return -1;
	synthidx_init(&gen, 5);
	gen.max_back = 2000;
	if (!synthidx_append(&gen, st, N_TXS, &why))
		return -1;
	put_addr_records();
	put_tag(TAGGED);
	cluster_options_default(&o);
	if (!cluster_build(st, &s, &o, NETWORK_REGTEST, NULL, NULL, &why) ||
	    !cluster_meta_read(st, &m, &found, &why) || !found)
		return -1;
	n_addr = gen.next_addr;
	n_clusters = m.clusters;
	built = calloc(n_addr, sizeof(*built));
	names = calloc(n_addr, sizeof(*names));
	if (!built || !names)
		return -1;
	return cluster_export_each(st, NETWORK_REGTEST, true, keep_row, NULL, &why) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	store_close(st);
	helper_rm_rf(dir);
	free(built);
	free(names);
	return 0;
}

/* Writes the map: ids in id order or reversed, each labelled
 * label(root), leaving out ids where leave_out says so; extra appended
 * as is. */
static void write_map(const char *path, bool reversed,
		      int64_t (*label)(uint64_t root), bool (*leave_out)(uint64_t id),
		      const char *extra)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs("address,cluster_id\n", f);
	for (uint64_t i = 0; i < n_addr; i++) {
		uint64_t id = reversed ? n_addr - 1 - i : i;
		if (leave_out && leave_out(id))
			continue;
		fprintf(f, "%s,%lld\n", names[id], (long long)label(built[id]));
	}
	if (extra)
		fputs(extra, f);
	assert_int_equal(fclose(f), 0);
}

static int64_t same(uint64_t root)
{
	return (int64_t)root;
}

static int64_t renamed(uint64_t root)
{
	return -(int64_t)root * 7919 - 5;
}

/* Every root as the build left it; returns how many ids were merged. */
static uint64_t check_roots(void)
{
	const char *why = NULL;
	uint64_t r, merged = 0;

	for (uint64_t id = 0; id < n_addr; id++) {
		assert_true(cluster_root(st, &r, id, &why));
		if (r != built[id])
			fail_msg("id %llu: root %llu, built %llu", (unsigned long long)id,
				 (unsigned long long)r, (unsigned long long)built[id]);
		merged += r != id;
	}
	return merged;
}

static void imported_state(bool imported, uint64_t clusters)
{
	struct cluster_meta m;
	bool found;
	const char *why = NULL;

	assert_true(cluster_meta_read(st, &m, &found, &why));
	assert_true(found);
	assert_int_equal(m.imported, imported);
	assert_int_equal(m.clusters, clusters);
	assert_int_equal(m.n_addr, n_addr);
}

static void test_roundtrip(void **state)
{
	struct cluster_import_stats s;
	struct cluster_import_info info;
	struct cluster_entity e;
	const char *why = NULL;
	(void)state;

	assert_true(cluster_entity(st, TAGGED, &e, &why));
	assert_true(e.labelled);
	uint64_t size = e.size, root = e.root;
	write_map(csv, false, same, NULL, NULL);
	if (!cluster_import(st, &s, NETWORK_REGTEST, csv, &why))
		fail_msg("import: %s", why);
	assert_int_equal(s.rows, n_addr);
	assert_int_equal(s.in_order, n_addr);
	assert_int_equal(s.missing, 0);
	assert_int_equal(s.clusters, n_clusters);
	assert_int_equal(s.labelled_clusters, 1);
	assert_true(check_roots() > 1000);
	imported_state(true, n_clusters);
	assert_true(cluster_import_info(st, &info, &why));
	assert_true(info.imported);
	assert_non_null(strstr(info.file, "/a.csv"));
	assert_int_equal(info.rows, n_addr);
	assert_true(cluster_entity(st, TAGGED, &e, &why));
	assert_true(e.labelled);
	assert_string_equal(e.label, "Exchange A");
	assert_int_equal(e.root, root);
	assert_int_equal(e.size, size);
}

static void test_renamed_and_permuted(void **state)
{
	struct cluster_import_stats s;
	const char *why = NULL;
	(void)state;

	write_map(alt, true, renamed, NULL, NULL);
	if (!cluster_import(st, &s, NETWORK_REGTEST, alt, &why))
		fail_msg("import: %s", why);
	assert_int_equal(s.rows, n_addr);
	assert_true(s.in_order <= 1);
	check_roots();
	imported_state(true, n_clusters);
}

static bool odd_merged(uint64_t id)
{
	return id % 2 == 1 && built[id] != id;
}

static void test_missing_rows(void **state)
{
	struct cluster_import_stats s;
	const char *why = NULL;
	uint64_t left = 0, r;
	(void)state;

	for (uint64_t id = 0; id < n_addr; id++)
		left += odd_merged(id);
	assert_true(left > 100);
	write_map(alt, false, same, odd_merged, NULL);
	assert_true(cluster_import(st, &s, NETWORK_REGTEST, alt, &why));
	assert_int_equal(s.missing, left);
	assert_int_equal(s.rows, n_addr - left);
	for (uint64_t id = 1; id < n_addr; id += 2) {  /* none merged now */
		assert_true(cluster_root(st, &r, id, &why));
		assert_int_equal(r, id);
	}
	write_map(csv, false, same, NULL, NULL);
	assert_true(cluster_import(st, &s, NETWORK_REGTEST, csv, &why));
	check_roots();
}

/* A refused file leaves the last import as it was. */
static void refused(const char *extra, const char *want)
{
	struct cluster_import_stats s;
	const char *why = NULL;
	char line[64];

	write_map(alt, false, renamed, NULL, extra);
	assert_false(cluster_import(st, &s, NETWORK_REGTEST, alt, &why));
	snprintf(line, sizeof(line), "b.csv: line %llu: ", (unsigned long long)n_addr + 2);
	if (!strstr(why, line) || !strstr(why, want))
		fail_msg("why: %s (want %s%s)", why, line, want);
	check_roots();
	imported_state(true, n_clusters);
}

static void test_bad_rows_refused(void **state)
{
	char extra[256];
	struct cluster_import_stats s;
	const char *why = NULL;
	(void)state;

	refused("bogus,1\n", "'bogus'");
	refused("script:zz,1\n", "not script:<hex");
	snprintf(extra, sizeof(extra), "%s,x1\n", names[5]);
	refused(extra, "cluster id 'x1' is not an integer");
	refused("no comma\n", "expected address,cluster_id");
	snprintf(extra, sizeof(extra), "%s,1\n", names[5]);
	refused(extra, "appears twice");
	refused("script:0400,1\n", "is not in the index");
	refused("mipcBbFg9gMiCh81Kj8tqqdgoZub1ZJRfn,3\n", "is not in the index");
	FILE *f = fopen(alt, "w");
	assert_non_null(f);
	fputs("addr,cluster\n", f);
	fclose(f);
	assert_false(cluster_import(st, &s, NETWORK_REGTEST, alt, &why));
	assert_non_null(strstr(why, "line 1: expected the header"));
	check_roots();
}

static void test_build_rebuilds(void **state)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct cluster_import_info info;
	const char *why = NULL;
	(void)state;

	cluster_options_default(&o);
	assert_true(cluster_build(st, &s, &o, NETWORK_REGTEST, NULL, NULL, &why));
	assert_true(s.rebuilt);
	assert_non_null(strstr(s.rebuild_reason, "imported"));
	check_roots();
	imported_state(false, n_clusters);
	assert_true(cluster_import_info(st, &info, &why));
	assert_false(info.imported);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_renamed_and_permuted),
		cmocka_unit_test(test_missing_rows),
		cmocka_unit_test(test_bad_rows_refused),
		cmocka_unit_test(test_build_rebuilds),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
