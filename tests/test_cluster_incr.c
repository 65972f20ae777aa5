/* Incremental clustering on a synthetic index (tests/helper_synthidx.c):
 * built in three steps, the roots, merge records and entities equal a
 * one-step build byte for byte, every cluster's members (stored as
 * segments that differ by split points) equal the ids whose root it is,
 * and `why` finds a path of recorded merges between members. */
#include "proceeds/cluster.h"
#include "proceeds/cluster_query.h"
#include "proceeds/cursor.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/tags.h"
#include "proceeds/store.h"
#include "helper.h"
#include "helper_chain.h"
#include "helper_synthidx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define N_TXS 30000

static struct store *open_fresh(char *dir, size_t len)
{
	struct store_options so = { .create = true };
	struct store *st;
	const char *why;

	snprintf(dir, len, "%s", helper_tmpdir());
	assert_true(store_open(&st, dir, &so, &why));
	return st;
}

static void build(struct store *st, struct cluster_build_stats *s)
{
	struct cluster_options o;
	const char *why = NULL;

	cluster_options_default(&o);
	assert_true(cluster_build(st, s, &o, NETWORK_REGTEST, NULL, NULL, &why));
}

/* Gives address id an owner key (the synthetic index has none) and a
 * tag of an exchange, so that entities, their sizes and the guard are
 * compared too. */
static void tag_id(struct store *st, uint64_t id, const char *label)
{
	struct tag t;
	uint8_t script[25], k[IDX_KEY_MAX], tk[TAG_KEY_MAX];
	struct idx_buf v;
	size_t vlen;
	const char *why = NULL;

	memset(&t, 0, sizeof(t));
	t.owner_key_len = script_owner_key(t.owner_key, script, hc_p2pkh(script, id + 7));
	idx_buf_init(&v);
	idx_buf_varint(&v, id);
	assert_true(store_put(st, k, idx_key_addr(k, t.owner_key, t.owner_key_len),
			      v.p, v.len, &why));
	/* An `A` record names candidates, the `a` record confirms one. */
	assert_true(store_put(st, k, idx_key_addrid(k, id), t.owner_key,
			      t.owner_key_len, &why));
	idx_buf_release(&v);
	t.category = TAG_CAT_EXCHANGE;
	t.score = (uint8_t)(50 + id % 50);
	tag_set_field(t.label, label);
	tag_set_field(t.source, "test");
	uint8_t *tv = tag_encode(&vlen, &t);
	assert_true(store_put(st, tk, tag_key(tk, &t), tv, vlen, &why));
	free(tv);
}

static void tag_some(struct store *st)
{
	for (uint64_t id = 100; id < 4000; id += 37)  /* chunk 0 only */
		tag_id(st, id, id % 3 ? "Alpha" : "alpha");
}

/* Every 'C' record but the state and the member segments, concatenated. */
static uint8_t *dump_c(struct store *st, size_t *len)
{
	uint8_t pre = CLUSTER_PREFIX, *out = NULL;
	const uint8_t *k, *v;
	size_t kl, vl;
	struct store_iter *it = store_iter_new(st, &pre, 1, NULL, 0);

	*len = 0;
	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		if (k[1] == CLUSTER_K_META || k[1] == CLUSTER_K_MEMBER)
			continue;
		out = realloc(out, *len + kl + vl + 8);
		memcpy(out + *len, &kl, 4);
		memcpy(out + *len + 4, &vl, 4);
		memcpy(out + *len + 8, k, kl);
		memcpy(out + *len + 8 + kl, v, vl);
		*len += kl + vl + 8;
	}
	assert_null(store_iter_error(it));
	store_iter_free(it);
	return out;
}

struct collect {
	uint64_t *v;
	size_t n, cap;
};

static bool collect(void *ctx, uint64_t addr)
{
	struct collect *c = ctx;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		c->v = realloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = addr;
	return true;
}

/* Ids held by all member segments (the first VARINT of each). */
static uint64_t segment_ids(struct store *st)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_MEMBER };
	const uint8_t *k, *v;
	size_t kl, vl;
	uint64_t total = 0;
	struct store_iter *it = store_iter_new(st, pre, 2, NULL, 0);

	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		struct cursor c;
		uint64_t n = 0;
		cursor_init(&c, v, vl);
		assert_true(cursor_varint(&c, &n));
		total += n;
	}
	store_iter_free(it);
	return total;
}

/* Members of every root equal the ids whose root it is, in id order
 * after the root; returns the size of the largest cluster. */
static size_t check_members(struct store *st, uint64_t n_addr)
{
	uint64_t *root = malloc(n_addr * sizeof(*root)), *count = calloc(n_addr, sizeof(*count));
	const char *why = NULL;
	size_t largest = 0;

	for (uint64_t i = 0; i < n_addr; i++) {
		assert_true(cluster_root(st, &root[i], i, &why));
		count[root[i]]++;
	}
	uint64_t roots = 0;
	for (uint64_t r = 0; r < n_addr; r++)
		roots += root[r] == r;
	/* no stale segment of a cluster that joined another is left */
	assert_int_equal(segment_ids(st), n_addr - roots);
	for (uint64_t r = 0; r < n_addr; r++) {
		struct collect c = { 0 };
		if (root[r] != r)
			continue;
		assert_true(cluster_members(st, r, collect, &c, &why));
		assert_int_equal(c.n, count[r]);
		assert_int_equal(c.v[0], r);
		for (size_t i = 1; i < c.n; i++) {
			assert_int_equal(root[c.v[i]], r);
			assert_true(i == 1 || c.v[i] > c.v[i - 1]);
		}
		struct cluster_entity e;
		assert_true(cluster_entity(st, r, &e, &why));
		if (e.labelled)
			assert_int_equal(e.size, c.n);
		if (c.n > largest)
			largest = c.n;
		free(c.v);
	}
	free(root);
	free(count);
	return largest;
}

/* why(a, b) for a few members of the largest clusters: a chain of
 * steps from a to b. */
static void check_why(struct store *st, uint64_t n_addr)
{
	const char *why = NULL;
	unsigned tried = 0;

	for (uint64_t a = 0; a < n_addr && tried < 40; a += 97) {
		uint64_t ra, rb, b = (a * 7919) % n_addr;
		struct cluster_step *steps;
		size_t n;
		bool linked;
		assert_true(cluster_root(st, &ra, a, &why));
		assert_true(cluster_root(st, &rb, b, &why));
		assert_true(cluster_why(st, &steps, &n, &linked, a, b, 0, &why));
		assert_int_equal(linked, ra == rb);
		if (linked && a != b) {
			tried++;
			assert_true(n >= 1);
			assert_int_equal(steps[0].from, a);
			assert_int_equal(steps[n - 1].to, b);
			for (size_t i = 1; i < n; i++)
				assert_int_equal(steps[i].from, steps[i - 1].to);
		}
		free(steps);
	}
	assert_true(tried > 10);
}

/* The roots of the two largest clusters (by members counted over all
 * ids), so that joining them makes one build repoint members whose
 * chunks nothing else touches. */
static void two_largest(struct store *st, uint64_t n_addr, uint64_t out[2])
{
	uint64_t *count = calloc(n_addr, sizeof(*count)), root;
	const char *why = NULL;

	for (uint64_t i = 0; i < n_addr; i++) {
		assert_true(cluster_root(st, &root, i, &why));
		count[root]++;
	}
	out[0] = out[1] = 0;
	for (uint64_t r = 1; r < n_addr; r++) {
		if (count[r] > count[out[0]]) {
			out[1] = out[0];
			out[0] = r;
		} else if (count[r] > count[out[1]] || out[1] == out[0]) {
			out[1] = r;
		}
	}
	assert_true(out[0] != out[1] && count[out[1]] > 20);
	free(count);
}

static void test_steps_equal_one_build(void **state)
{
	struct cluster_build_stats s;
	struct synthidx ga, gb;
	char da[256], db[256];
	const char *why = NULL;
	size_t la, lb;

	(void)state;
	uint64_t join[2];
	struct store *b = open_fresh(db, sizeof(db));
	synthidx_init(&gb, 5);
	gb.max_back = 6000;
	tag_some(b);
	const uint64_t steps[3] = { 5000, 12345, N_TXS };
	for (int i = 0; i < 3; i++) {
		assert_true(synthidx_append(&gb, b, steps[i], &why));
		build(b, &s);
		assert_int_equal(s.rebuilt, i == 0);
	}
	/* a last block joins the two largest clusters */
	two_largest(b, gb.next_addr, join);
	assert_true(synthidx_append_tx(&gb, b, join, 2, &why));
	build(b, &s);
	assert_false(s.rebuilt);
	assert_int_equal(s.txs, 1);
	assert_int_equal(s.merges_multi, 1);
	struct store *a = open_fresh(da, sizeof(da));
	synthidx_init(&ga, 5);
	ga.max_back = 6000;
	assert_true(synthidx_append(&ga, a, N_TXS, &why));
	assert_true(synthidx_append_tx(&ga, a, join, 2, &why));
	tag_some(a);
	build(a, &s);
	assert_true(s.rebuilt);
	assert_true(s.labelled_clusters > 20);
	uint8_t *xa = dump_c(a, &la), *xb = dump_c(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(xa, xb, la);
	free(xa);
	free(xb);
	size_t big_a = check_members(a, ga.next_addr), big_b = check_members(b, gb.next_addr);
	assert_int_equal(big_a, big_b);
	assert_true(big_a > 20);  /* clusters grew and merged across steps */
	check_why(b, gb.next_addr);
	store_close(a);
	store_close(b);
	helper_rm_rf(da);
	helper_rm_rf(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_steps_equal_one_build),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
