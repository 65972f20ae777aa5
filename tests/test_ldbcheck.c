/* Reading LevelDB's files without LevelDB: CRC-32C against RFC 3720's
 * vectors (both implementations), Snappy against hand-made streams, and
 * whole databases written by LevelDB (through store.h) checked sound, then
 * damaged byte by byte: every flip in a table is found and named by file
 * and by the offset of the block holding it. */
#include "proceeds/ldbcheck.h"
#include "proceeds/store.h"
#include "helper.h"

#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

static uint32_t both_crc(const void *p, size_t n)
{
	uint32_t a = ldb_crc32c(0, p, n), b = ldb_crc32c_portable(0, p, n);
	assert_int_equal(a, b);
	return a;
}

static void test_crc32c_vectors(void **state)
{
	uint8_t buf[32];

	(void)state;
	memset(buf, 0, sizeof(buf));
	assert_int_equal(both_crc(buf, 32), 0x8a9136aa);
	memset(buf, 0xff, sizeof(buf));
	assert_int_equal(both_crc(buf, 32), 0x62a8ab43);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)i;
	assert_int_equal(both_crc(buf, 32), 0x46dd794e);
	for (int i = 0; i < 32; i++)
		buf[i] = (uint8_t)(31 - i);
	assert_int_equal(both_crc(buf, 32), 0x113fdb5c);
	assert_int_equal(both_crc("123456789", 9), 0xe3069283);
	assert_int_equal(both_crc("", 0), 0);
}

/* Every length and alignment, and extension across every split. */
static void test_crc32c_extend(void **state)
{
	uint8_t buf[200];
	uint32_t x = 12345;

	(void)state;
	for (size_t i = 0; i < sizeof(buf); i++) {
		x = x * 1103515245 + 12345;
		buf[i] = (uint8_t)(x >> 16);
	}
	for (size_t off = 0; off < 9; off++)
		for (size_t n = 0; n + off <= 120; n++)
			(void)both_crc(buf + off, n);
	uint32_t whole = both_crc(buf, sizeof(buf));
	for (size_t k = 0; k <= sizeof(buf); k++) {
		assert_int_equal(ldb_crc32c(ldb_crc32c(0, buf, k), buf + k, sizeof(buf) - k), whole);
		assert_int_equal(ldb_crc32c_portable(ldb_crc32c_portable(0, buf, k), buf + k,
						     sizeof(buf) - k), whole);
	}
}

static void test_crc_mask(void **state)
{
	(void)state;
	/* ((crc >> 15) | (crc << 17)) + 0xa282ead8, worked by hand. */
	assert_int_equal(ldb_crc_mask(0), 0xa282ead8);
	assert_int_equal(ldb_crc_mask(0x00008000), 0xa282ead9);
	assert_int_equal(ldb_crc_mask(0x00000001), 0xa284ead8);
	assert_int_equal(ldb_crc_mask(0xffffffff), 0xa282ead7);
}

static void snappy_ok(const char *want, const uint8_t *in, size_t n)
{
	uint8_t *out;
	size_t olen;
	const char *why = NULL;

	assert_true(ldb_snappy_uncompress(&out, &olen, in, n, &why));
	assert_int_equal(olen, strlen(want));
	assert_memory_equal(out, want, olen);
	free(out);
}

static void snappy_bad(const char *want_why, const uint8_t *in, size_t n)
{
	uint8_t *out = (uint8_t *)"x";
	size_t olen = 1;
	const char *why = NULL;

	assert_false(ldb_snappy_uncompress(&out, &olen, in, n, &why));
	assert_null(out);
	assert_non_null(why);
	assert_string_equal(why, want_why);
}

static void test_snappy(void **state)
{
	/* "hello": length 5, a literal of 5 (tag (5-1) << 2). */
	static const uint8_t lit[] = { 5, 0x10, 'h', 'e', 'l', 'l', 'o' };
	/* "abc" then a 1-byte-offset copy of 9 from 3 back (overlapping). */
	static const uint8_t cp1[] = { 12, 0x08, 'a', 'b', 'c', 0x15, 3 };
	/* "ab" then a 2-byte-offset copy of 4 from 2 back. */
	static const uint8_t cp2[] = { 6, 0x04, 'a', 'b', 0x0e, 2, 0 };
	/* A literal of 61 whose length is in one extra byte (tag 60). */
	uint8_t big[2 + 1 + 61];
	char want[62];
	static const uint8_t off0[] = { 5, 0x00, 'a', 0x01, 0 };
	static const uint8_t far[] = { 12, 0x08, 'a', 'b', 'c', 0x15, 4 };
	static const uint8_t shortlit[] = { 5, 0x10, 'h', 'e' };
	static const uint8_t longer[] = { 2, 0x08, 'a', 'b', 'c' };
	static const uint8_t shorter[] = { 4, 0x08, 'a', 'b', 'c' };
	static const uint8_t huge[] = { 0xff, 0xff, 0xff, 0x7f, 0x00 };

	(void)state;
	snappy_ok("hello", lit, sizeof(lit));
	snappy_ok("abcabcabcabc", cp1, sizeof(cp1));
	snappy_ok("ababab", cp2, sizeof(cp2));
	big[0] = 61;
	big[1] = 60 << 2;
	big[2] = 60;
	for (int i = 0; i < 61; i++)
		big[3 + i] = want[i] = (char)('A' + i % 26);
	want[61] = '\0';
	snappy_ok(want, big, sizeof(big));
	snappy_ok("", (const uint8_t *)"\0", 1);
	snappy_bad("snappy: copy before the start", off0, sizeof(off0));
	snappy_bad("snappy: copy before the start", far, sizeof(far));
	snappy_bad("snappy: literal cut short", shortlit, sizeof(shortlit));
	snappy_bad("snappy: output longer than declared", longer, sizeof(longer));
	snappy_bad("snappy: output shorter than declared", shorter, sizeof(shorter));
	snappy_bad("snappy: declared length impossible for its input", huge, sizeof(huge));
	snappy_bad("snappy: bad length", huge, 3);
	snappy_bad("snappy: element cut short", (const uint8_t *)"\x04\xf0", 2);
}

/* ---- Databases written by LevelDB ------------------------------------- */

/* A database with tables (compacted) and a log holding later writes.
 * Keys share a long prefix, so LevelDB compresses blocks with Snappy. */
static void make_db(const char *dir, unsigned n_keys, unsigned n_log)
{
	struct store_options o = { true, 0, 0, false };
	struct store *s;
	struct store_batch *b = store_batch_new();
	const char *why = NULL;
	char k[64], v[128];

	assert_true(store_open(&s, dir, &o, &why));
	for (unsigned i = 0; i < n_keys + n_log; i++) {
		snprintf(k, sizeof(k), "proceeds-ldbcheck-test-key-%010u", i * 7919u);
		snprintf(v, sizeof(v), "value %u of the test, padded to be compressible %u", i, i % 13);
		store_batch_put(b, k, strlen(k), v, strlen(v));
		if (i % 500 == 499 || i + 1 == n_keys || i + 1 == n_keys + n_log) {
			assert_true(store_write(s, b, false, &why));
			store_batch_clear(b);
		}
		if (i + 1 == n_keys)
			store_compact(s);
	}
	store_batch_free(b);
	store_close(s);
}

/* Name of the largest file in dir ending in suffix (or starting with it). */
static void largest(char *out, size_t cap, const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	off_t best = -1;

	assert_non_null(d);
	out[0] = '\0';
	while ((e = readdir(d)) != NULL) {
		char path[600];
		struct stat st;
		size_t n = strlen(e->d_name), m = strlen(suffix);
		bool match = (n > m && strcmp(e->d_name + n - m, suffix) == 0) ||
			     strncmp(e->d_name, suffix, m) == 0;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (match && stat(path, &st) == 0 && st.st_size > best) {
			best = st.st_size;
			snprintf(out, cap, "%s", e->d_name);
		}
	}
	closedir(d);
	assert_true(best >= 0);
}

static void flip(const char *path, long off)
{
	FILE *f = fopen(path, "r+b");
	int c;

	assert_non_null(f);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	c = fgetc(f);
	assert_true(c != EOF);
	assert_int_equal(fseek(f, off, SEEK_SET), 0);
	fputc(c ^ 0x5a, f);
	fclose(f);
}

static void check_sound(const char *dir, struct ldbcheck_report *r)
{
	const char *why = NULL;

	assert_true(ldbcheck_dir(r, dir, true, &why));
	if (r->damaged)
		fail_msg("%s: offset %llu: %s", r->file, (unsigned long long)r->offset, r->why);
}

static void test_sound_database(void **state)
{
	char dir[300];
	struct ldbcheck_report r;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 20000, 300);
	check_sound(dir, &r);
	assert_true(r.tables >= 1);
	assert_true(r.blocks > 20);     /* 4 KiB blocks of a ~1.5 MB table */
	assert_int_equal(r.logs, 1);
	assert_true(r.records >= 1);
	/* A trailing slash names files the same way. */
	strcat(dir, "/");
	check_sound(dir, &r);
	dir[strlen(dir) - 1] = '\0';
	helper_rm_rf(dir);
}

/* The block holding a table's index is Snappy-compressed here: the check
 * must have uncompressed it to reach the data blocks. */
static void test_index_block_compressed(void **state)
{
	char dir[300], name[256], path[600];
	uint8_t *buf;
	size_t len;
	uint64_t v[4], bad, n;
	const char *why = NULL;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 20000, 0);
	largest(name, sizeof(name), dir, ".ldb");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	buf = helper_read_file(path, &len);
	assert_non_null(buf);
	const uint8_t *p = buf + len - 48;
	for (int i = 0; i < 4; i++) {
		v[i] = 0;
		for (int shift = 0;; shift += 7) {
			v[i] |= (uint64_t)(*p & 0x7f) << shift;
			if (!(*p++ & 0x80))
				break;
		}
	}
	assert_int_equal(buf[v[2] + v[3]], 1);  /* index block: Snappy */
	assert_true(ldb_table_check(&bad, &n, buf, len, &why));
	assert_true(n > 20);
	free(buf);
	helper_rm_rf(dir);
}

/* Flips byte off of dir/name, checks the damage is named, flips it back. */
static void flip_found(const char *dir, const char *name, long off, const char *why_want)
{
	char path[600], want[600];
	struct ldbcheck_report r;
	const char *why = NULL;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(want, sizeof(want), "%s/%s", dir, name);
	flip(path, off);
	assert_true(ldbcheck_dir(&r, dir, true, &why));
	if (!r.damaged)
		fail_msg("flip at %ld of %s not found", off, name);
	assert_string_equal(r.file, want);
	/* The offset of the block (or record) that holds the byte. */
	if (r.offset > (uint64_t)off)
		fail_msg("flip at %ld of %s reported at %llu (%s)", off, name,
			 (unsigned long long)r.offset, r.why);
	if (why_want)
		assert_string_equal(r.why, why_want);
	flip(path, off);
}

static void test_table_flips(void **state)
{
	char dir[300], name[256], path[600];
	struct ldbcheck_report r;
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 20000, 0);
	largest(name, sizeof(name), dir, ".ldb");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	/* 400 offsets over the data blocks, then every byte of the last 600
	 * (the end of the index block, its trailer and the footer). */
	for (long i = 0; i < 400; i++)
		flip_found(dir, name, (long)st.st_size * i / 400, NULL);
	for (long off = st.st_size > 600 ? st.st_size - 600 : 0; off < st.st_size; off++)
		flip_found(dir, name, off, NULL);
	flip_found(dir, name, 10, "block checksum mismatch");
	flip_found(dir, name, st.st_size - 1, "not an sstable (bad magic number)");
	check_sound(dir, &r);
	helper_rm_rf(dir);
}

static void test_manifest_and_log_flips(void **state)
{
	char dir[300], name[256];
	struct stat st;
	char path[600];

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 2000, 1500);
	largest(name, sizeof(name), dir, ".log");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	for (long i = 1; i < 40; i++)
		flip_found(dir, name, (long)st.st_size * i / 40, NULL);
	largest(name, sizeof(name), dir, "MANIFEST-");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	for (long off = 0; off < st.st_size; off++)
		flip_found(dir, name, off, NULL);
	helper_rm_rf(dir);
}

/* A log cut in the middle of its last record: what a kill leaves (fine
 * after a crash), damage after a clean close. */
static void test_torn_tail(void **state)
{
	char dir[300], name[256], path[600];
	struct ldbcheck_report r;
	const char *why = NULL;
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 100, 700);
	largest(name, sizeof(name), dir, ".log");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(truncate(path, st.st_size - 3), 0);
	assert_true(ldbcheck_dir(&r, dir, false, &why));
	assert_false(r.damaged);
	assert_true(ldbcheck_dir(&r, dir, true, &why));
	assert_true(r.damaged);
	assert_string_equal(r.why, "record cut short at the end of the file");
	helper_rm_rf(dir);
}

static void test_missing_and_short(void **state)
{
	char dir[300], name[256], path[600], moved[600], want[600];
	struct ldbcheck_report r;
	const char *why = NULL;
	struct stat st;
	FILE *f;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 5000, 0);
	largest(name, sizeof(name), dir, ".ldb");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(moved, sizeof(moved), "%s/moved", dir);
	snprintf(want, sizeof(want), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(rename(path, moved), 0);
	assert_true(ldbcheck_dir(&r, dir, true, &why));
	assert_true(r.damaged);
	assert_string_equal(r.file, want);
	assert_string_equal(r.why, "table file missing (the MANIFEST lists it)");
	assert_int_equal(rename(moved, path), 0);
	assert_int_equal(truncate(path, st.st_size - 1), 0);
	assert_true(ldbcheck_dir(&r, dir, true, &why));
	assert_true(r.damaged);
	assert_string_equal(r.file, want);
	assert_int_equal(r.offset, st.st_size - 1);
	assert_string_equal(r.why, "table file shorter than the MANIFEST says");
	/* CURRENT that names no MANIFEST. */
	snprintf(path, sizeof(path), "%s/CURRENT", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("MANIFEST-00000x\n", f);
	fclose(f);
	assert_true(ldbcheck_dir(&r, dir, true, &why));
	assert_true(r.damaged);
	assert_string_equal(r.why, "does not name a MANIFEST file");
	/* Nothing there: cannot run. */
	assert_int_equal(unlink(path), 0);
	assert_false(ldbcheck_dir(&r, dir, true, &why));
	assert_string_equal(why, "no LevelDB database in this directory (no CURRENT file)");
	helper_rm_rf(dir);
}

/* LevelDB refuses to open a database whose MANIFEST is damaged; the
 * error names the file and offset (store_open runs the check). */
static void test_store_open_names_file(void **state)
{
	char dir[300], name[256], path[600], want[700];
	struct store_options o = { false, 0, 0, false };
	struct store *s;
	const char *why = NULL;
	struct stat st;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 2000, 0);
	largest(name, sizeof(name), dir, "MANIFEST-");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_int_equal(stat(path, &st), 0);
	flip(path, (long)st.st_size / 2);
	assert_false(store_open(&s, dir, &o, &why));
	snprintf(want, sizeof(want), "%s: offset ", path);
	if (strncmp(why, want, strlen(want)) != 0)
		fail_msg("store_open: %s", why);
	assert_non_null(strstr(why, "checksum mismatch"));
	helper_rm_rf(dir);
}

/* Another process holding LevelDB's LOCK (as LevelDB does, a POSIX record
 * lock): the check refuses to read files that may be changing. */
static void test_locked(void **state)
{
	char dir[300], path[600], c;
	struct ldbcheck_report r;
	const char *why = NULL;
	int up[2], down[2];
	pid_t pid;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 100, 0);
	snprintf(path, sizeof(path), "%s/LOCK", dir);
	assert_int_equal(pipe(up), 0);
	assert_int_equal(pipe(down), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
		int fd = open(path, O_RDWR);
		close(down[1]);         /* so that the parent's close ends read() */
		c = fd >= 0 && fcntl(fd, F_SETLK, &fl) == 0 ? 'y' : 'n';
		if (write(up[1], &c, 1) != 1 || read(down[0], &c, 1) < 0)
			_exit(1);
		_exit(0);
	}
	assert_int_equal(read(up[0], &c, 1), 1);
	assert_int_equal(c, 'y');
	assert_false(ldbcheck_dir(&r, dir, true, &why));
	assert_string_equal(why, "database is in use by another proceeds process");
	close(down[1]);
	waitpid(pid, NULL, 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	check_sound(dir, &r);
	helper_rm_rf(dir);
}

/* A rejection always says why. */
static void reason_if_refused(bool ok, const char **why)
{
	if (!ok)
		assert_true(*why != NULL && (*why)[0] != '\0');
	*why = NULL;
}

/* Hostile bytes: truncations and garbage through the three parsers (the
 * fuzz target does this at scale; here it runs under valgrind too). */
static void test_garbage(void **state)
{
	char dir[300], name[256], path[600];
	uint8_t *tbl, *buf;
	size_t len;
	uint64_t off, n;
	const char *why;
	struct ldb_live live;
	uint32_t x = 99;

	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	make_db(dir, 3000, 0);
	largest(name, sizeof(name), dir, ".ldb");
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	tbl = helper_read_file(path, &len);
	assert_non_null(tbl);
	for (size_t cut = 0; cut < len; cut += 1 + cut / 8) {
		buf = malloc(cut ? cut : 1);
		memcpy(buf, tbl, cut);
		why = NULL;
		assert_false(ldb_table_check(&off, &n, buf, cut, &why));
		assert_non_null(why);
		why = NULL;
		reason_if_refused(ldb_log_check(&off, &n, buf, cut, cut % 2, &why), &why);
		ldb_live_init(&live);
		reason_if_refused(ldb_manifest_parse(&live, &off, buf, cut, cut % 2, &why), &why);
		ldb_live_release(&live);
		for (size_t i = 0; i < cut; i++) {
			x = x * 1103515245 + 12345;
			buf[i] = (uint8_t)(x >> 16);
		}
		reason_if_refused(ldb_table_check(&off, &n, buf, cut, &why), &why);
		reason_if_refused(ldb_log_check(&off, &n, buf, cut, cut % 2, &why), &why);
		free(buf);
	}
	free(tbl);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crc32c_vectors),
		cmocka_unit_test(test_crc32c_extend),
		cmocka_unit_test(test_crc_mask),
		cmocka_unit_test(test_snappy),
		cmocka_unit_test(test_sound_database),
		cmocka_unit_test(test_index_block_compressed),
		cmocka_unit_test(test_table_flips),
		cmocka_unit_test(test_manifest_and_log_flips),
		cmocka_unit_test(test_torn_tail),
		cmocka_unit_test(test_missing_and_short),
		cmocka_unit_test(test_store_open_names_file),
		cmocka_unit_test(test_locked),
		cmocka_unit_test(test_garbage),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
