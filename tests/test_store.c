/* The LevelDB layer: batches, prefix iteration, and refusal to open (or
 * create) a database that is not there. */
#include "proceeds/store.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

static void test_absent_database(void **state)
{
	char dir[300];
	struct store *s;
	struct stat st;
	const char *why = NULL;
	struct store_options o = { false, 0, 0, true };

	(void)state;
	snprintf(dir, sizeof(dir), "%s/nothing-here", helper_tmpdir());
	assert_false(store_open(&s, dir, &o, &why));
	assert_null(s);
	assert_string_equal(why, "no proceeds database in this directory");
	/* LevelDB would have made the directory: a typo in --db must not
	 * leave stray folders behind. */
	assert_int_not_equal(stat(dir, &st), 0);
	*strrchr(dir, '/') = '\0';
	helper_rm_rf(dir);
}

static void test_batch_and_prefix(void **state)
{
	const char *dir = helper_tmpdir(), *why = NULL;
	struct store_options o = { true, 0, 0, false };
	struct store *s;
	struct store_batch *b = store_batch_new();
	const uint8_t *k, *v;
	size_t kl, vl, n = 0;
	uint8_t *val;
	bool found;

	(void)state;
	assert_true(store_open(&s, dir, &o, &why));
	store_batch_put(b, "Ab", 2, "1", 1);
	store_batch_put(b, "Aa", 2, "2", 1);
	store_batch_put(b, "B", 1, "3", 1);
	store_batch_delete(b, "Ab", 2);
	assert_true(store_write(s, b, true, &why));
	struct store_iter *it = store_iter_new(s, "A", 1, NULL, 0);
	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		assert_int_equal(kl, 2);
		assert_memory_equal(k, "Aa", 2);
		n++;
	}
	assert_null(store_iter_error(it));
	assert_int_equal(n, 1);
	store_iter_free(it);
	assert_true(store_get(s, &val, &vl, &found, "B", 1, &why));
	assert_true(found);
	assert_memory_equal(val, "3", 1);
	free(val);
	assert_true(store_get(s, &val, &vl, &found, "Ab", 2, &why));
	assert_false(found);
	store_batch_free(b);
	store_close(s);
	/* Reopening without create works now that it exists. */
	o.create = false;
	assert_true(store_open(&s, dir, &o, &why));
	store_close(s);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_absent_database),
		cmocka_unit_test(test_batch_and_prefix),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
