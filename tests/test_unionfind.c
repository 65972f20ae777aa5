/* Union-find: smallest-id representatives, against a naive labelling. */
#include "proceeds/unionfind.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

/* Naive: label[i] = smallest id of its set, relabel on every union. */
static void naive_union(uint32_t *label, uint32_t n, uint32_t a, uint32_t b)
{
	uint32_t la = label[a], lb = label[b], to = la < lb ? la : lb;
	for (uint32_t i = 0; i < n; i++)
		if (label[i] == la || label[i] == lb)
			label[i] = to;
}

static void test_random_against_naive(void **state)
{
	enum { N = 2000 };
	struct unionfind u;
	uint32_t label[N];
	(void)state;

	unionfind_init(&u);
	assert_true(unionfind_grow(&u, N));
	for (uint32_t i = 0; i < N; i++)
		label[i] = i;
	for (int k = 0; k < 1500; k++) {
		uint32_t a = rnd(N), b = rnd(N);
		bool was_same = label[a] == label[b];
		assert_int_equal(unionfind_union(&u, a, b), !was_same);
		naive_union(label, N, a, b);
	}
	uint32_t sets = 0;
	for (uint32_t i = 0; i < N; i++) {
		assert_int_equal(unionfind_find(&u, i), label[i]);
		sets += label[i] == i;
	}
	assert_int_equal(u.sets, sets);

	uint8_t *buf;
	size_t len;
	const char *why;
	struct unionfind v;
	unionfind_init(&v);
	assert_true(unionfind_save(&u, &buf, &len));
	assert_true(unionfind_load(&v, buf, len, &why));
	for (uint32_t i = 0; i < N; i++)
		assert_int_equal(unionfind_find(&v, i), label[i]);
	assert_int_equal(v.sets, sets);
	/* Corrupt: a parent after its child, and a wrong size. */
	buf[4 + 4 * 5] = 200;
	assert_false(unionfind_load(&v, buf, len, &why));
	assert_false(unionfind_load(&v, buf, len - 1, &why));
	free(buf);
	unionfind_release(&u);
	unionfind_release(&v);
}

static void test_grow_keeps_sets(void **state)
{
	struct unionfind u;
	(void)state;
	unionfind_init(&u);
	assert_true(unionfind_grow(&u, 3));
	assert_true(unionfind_union(&u, 2, 1));
	assert_true(unionfind_grow(&u, 5000));
	assert_int_equal(unionfind_find(&u, 2), 1);
	assert_true(unionfind_union(&u, 4999, 2));
	assert_int_equal(unionfind_find(&u, 4999), 1);
	assert_false(unionfind_union(&u, 1, 4999));
	assert_int_equal(u.sets, 5000 - 2);
	unionfind_release(&u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random_against_naive),
		cmocka_unit_test(test_grow_keeps_sets),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
