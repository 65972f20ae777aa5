/* Replays every committed fuzz input through the same entry points that
 * `make fuzz` runs under libFuzzer, compiled here without it: the seeds
 * (fuzz/seeds/<target>/) and the inputs that once crashed a parser
 * (tests/fuzz-regress/<target>/). A target aborts on a broken invariant,
 * and under SANITIZE= or valgrind any memory error fails this test too.
 * The target list comes from the Makefile (-DFUZZ_TARGETS), one X(name)
 * per fuzz/fuzz_<name>.c. */
#include <dirent.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <cmocka.h>

#include "helper.h"

#ifndef FUZZ_TARGETS
#error "built by the Makefile, which lists the targets in FUZZ_TARGETS"
#endif

#define X(n) int n##_entry(const uint8_t *data, size_t size);
FUZZ_TARGETS
#undef X

struct target {
	const char *name;
	int (*entry)(const uint8_t *data, size_t size);
};

#define X(n) { #n, n##_entry },
static const struct target targets[] = { FUZZ_TARGETS };
#undef X
#define N_TARGETS (sizeof(targets) / sizeof(targets[0]))

static const char *const roots[] = { "fuzz/seeds", "tests/fuzz-regress" };

/* Feeds each regular file of dir to t; returns how many. */
static unsigned replay_dir(const struct target *t, const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned n = 0;

	if (!d)
		return 0;
	while ((e = readdir(d)) != NULL) {
		char path[4096];
		struct stat st;
		uint8_t *buf;
		size_t len;

		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
			continue;
		buf = helper_read_file(path, &len);
		assert_non_null(buf);
		assert_int_equal(t->entry(buf, len), 0);
		free(buf);
		n++;
	}
	closedir(d);
	return n;
}

static void test_replay(void **state)
{
	const struct target *t = *state;
	unsigned seeds, regress;
	char dir[512];

	snprintf(dir, sizeof(dir), "%s/%s", roots[0], t->name);
	seeds = replay_dir(t, dir);
	snprintf(dir, sizeof(dir), "%s/%s", roots[1], t->name);
	regress = replay_dir(t, dir);
	printf("%s: %u seeds, %u regression inputs\n", t->name, seeds, regress);
	/* Every target ships seeds of its own, so fuzzing starts from valid
	 * input even without ../shared. */
	assert_true(seeds > 0);
}

static bool known(const char *name)
{
	for (size_t i = 0; i < N_TARGETS; i++)
		if (strcmp(targets[i].name, name) == 0)
			return true;
	return false;
}

/* A folder named after no target would never be replayed. */
static void test_no_orphan_folders(void **state)
{
	(void)state;
	for (size_t r = 0; r < sizeof(roots) / sizeof(roots[0]); r++) {
		DIR *d = opendir(roots[r]);
		struct dirent *e;
		if (!d)
			continue;
		while ((e = readdir(d)) != NULL) {
			if (e->d_name[0] == '.')
				continue;
			if (!known(e->d_name))
				fail_msg("%s/%s: no fuzz/%s.c", roots[r], e->d_name,
					 e->d_name);
		}
		closedir(d);
	}
}

int main(void)
{
	struct CMUnitTest tests[N_TARGETS + 1];

	for (size_t i = 0; i < N_TARGETS; i++) {
		struct CMUnitTest t = cmocka_unit_test_prestate(test_replay,
			(void *)&targets[i]);
		t.name = targets[i].name;
		tests[i] = t;
	}
	tests[N_TARGETS] = (struct CMUnitTest)cmocka_unit_test(test_no_orphan_folders);
	return _cmocka_run_group_tests("fuzz_regress", tests, N_TARGETS + 1,
				       NULL, NULL);
}
