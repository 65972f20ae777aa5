/* Package verification: a clean package passes; any changed byte, missing
 * or added file, or another signer is found and named. */
#include "proceeds/evverify.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

static const char *const files[] = {
	"report.json", "report.html", "exits.csv", "freeze/exchange-a.json",
};

static void put_file(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static char *make_package(struct evkey *k)
{
	char *dir = strdup(helper_tmpdir()), sub[300];
	const char *why;
	snprintf(sub, sizeof(sub), "%s/freeze", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	for (size_t i = 0; i < 4; i++)
		put_file(dir, files[i], files[i]); /* content: its own name */
	assert_true(manifest_sign_dir(dir, k, &why));
	return dir;
}

/* Runs the manifest check; returns the number of findings into *f. */
static size_t verify(struct ev_findings *f, const char *dir, const uint8_t *pk)
{
	static const struct ev_check *const checks[] = { &ev_check_manifest };
	struct ev_verify_ctx ctx;
	const char *failed, *why;
	ev_verify_ctx_init(&ctx, dir);
	if (pk) {
		ctx.have_pubkey = true;
		memcpy(ctx.expect_pubkey, pk, 32);
	}
	ev_findings_init(f);
	assert_true(ev_verify_run(f, &ctx, checks, 1, &failed, &why));
	assert_int_equal(ctx.manifest_ok, f->n == 0);
	ev_verify_ctx_release(&ctx);
	return f->n;
}

static bool names(const struct ev_findings *f, const char *file, const char *part)
{
	for (size_t i = 0; i < f->n; i++)
		if (f->v[i].file && strcmp(f->v[i].file, file) == 0 &&
		    strstr(f->v[i].what, part))
			return true;
	return false;
}

static void flip_byte(const char *dir, const char *rel, long off)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *fp = fopen(path, "r+b");
	assert_non_null(fp);
	fseek(fp, off, SEEK_SET);
	int c = fgetc(fp);
	assert_true(c != EOF);
	fseek(fp, off, SEEK_SET);
	fputc(c ^ 0x01, fp);
	fclose(fp);
}

static long file_size(const char *dir, const char *rel)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	assert_int_equal(stat(path, &st), 0);
	return (long)st.st_size;
}

static void test_every_byte(void **state)
{
	struct evkey k;
	struct ev_findings f;
	const char *why;
	const char *all[] = { files[0], files[1], files[2], files[3], "MANIFEST",
			      "MANIFEST.sig" };
	(void)state;
	assert_true(evkey_generate(&k, &why));
	char *dir = make_package(&k);
	assert_int_equal(verify(&f, dir, k.xonly), 0);
	ev_findings_release(&f);
	for (size_t i = 0; i < 6; i++) {
		long size = file_size(dir, all[i]);
		for (long off = 0; off < size; off++) {
			flip_byte(dir, all[i], off);
			if (verify(&f, dir, k.xonly) == 0 || !names(&f, all[i], ""))
				fail_msg("byte %ld of %s changed: not reported", off, all[i]);
			ev_findings_release(&f);
			flip_byte(dir, all[i], off);
		}
	}
	/* Restored: clean again. */
	assert_int_equal(verify(&f, dir, k.xonly), 0);
	ev_findings_release(&f);
	helper_rm_rf(dir);
	free(dir);
	evkey_wipe(&k);
}

static void test_missing_added(void **state)
{
	struct evkey k;
	struct ev_findings f;
	const char *why;
	char path[4096];
	(void)state;
	assert_true(evkey_generate(&k, &why));
	char *dir = make_package(&k);
	snprintf(path, sizeof(path), "%s/exits.csv", dir);
	unlink(path);
	put_file(dir, "freeze/exchange-b.json", "{}");
	put_file(dir, "report.json", "report.jsoN");
	assert_int_equal(verify(&f, dir, NULL), 3);
	assert_true(names(&f, "exits.csv", "missing"));
	assert_true(names(&f, "freeze/exchange-b.json", "not listed in MANIFEST"));
	assert_true(names(&f, "report.json", "content changed"));
	ev_findings_release(&f);

	/* A symlink in place of a file: named, and the rest still checked. */
	put_file(dir, "exits.csv", "exits.csv");
	snprintf(path, sizeof(path), "%s/freeze/exchange-b.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/report.html", dir);
	unlink(path);
	assert_int_equal(symlink("report.json", path), 0);
	assert_true(verify(&f, dir, NULL) >= 2);
	assert_true(names(&f, "report.html", "symbolic link"));
	assert_true(names(&f, "report.json", "content changed"));
	ev_findings_release(&f);

	/* Unsigned. */
	snprintf(path, sizeof(path), "%s/MANIFEST.sig", dir);
	unlink(path);
	verify(&f, dir, NULL);
	assert_true(names(&f, "MANIFEST.sig", "missing: the package is not signed"));
	ev_findings_release(&f);
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	unlink(path);
	assert_int_equal(verify(&f, dir, NULL), 1);
	assert_true(names(&f, "MANIFEST", "missing"));
	ev_findings_release(&f);
	helper_rm_rf(dir);
	free(dir);
	evkey_wipe(&k);
}

/* The attack the signature exists for: change a hop, re-sign with one's
 * own key. Valid on its own; refused against the expected key. */
static void test_resigned_other_key(void **state)
{
	struct evkey k, mallory;
	struct ev_findings f;
	const char *why;
	(void)state;
	assert_true(evkey_generate(&k, &why));
	assert_true(evkey_generate(&mallory, &why));
	char *dir = make_package(&k);
	put_file(dir, "report.json", "{\"hops\":[\"another\"]}");
	assert_true(manifest_sign_dir(dir, &mallory, &why));
	assert_int_equal(verify(&f, dir, NULL), 0);
	ev_findings_release(&f);
	assert_int_equal(verify(&f, dir, k.xonly), 1);
	assert_true(names(&f, "MANIFEST.sig", "not by the expected key"));
	ev_findings_release(&f);
	assert_int_equal(verify(&f, dir, mallory.xonly), 0);
	ev_findings_release(&f);
	helper_rm_rf(dir);
	free(dir);
	evkey_wipe(&k);
	evkey_wipe(&mallory);
}

static bool cannot_run(struct ev_findings *f, struct ev_verify_ctx *ctx, const char **why)
{
	ev_findings_add(f, "proofs/x.json", "merkle branch does not reach the header");
	*why = "no index";
	return false;
}

/* Checks plug in: later ones add findings; one that cannot run stops the
 * run and is named. */
static void test_plugged_check(void **state)
{
	static const struct ev_check extra = { "merkle", cannot_run };
	const struct ev_check *const checks[] = { &ev_check_manifest, &extra };
	struct ev_verify_ctx ctx;
	struct ev_findings f;
	struct evkey k;
	const char *failed, *why;
	(void)state;
	assert_true(evkey_generate(&k, &why));
	char *dir = make_package(&k);
	ev_verify_ctx_init(&ctx, dir);
	ev_findings_init(&f);
	assert_false(ev_verify_run(&f, &ctx, checks, 2, &failed, &why));
	assert_string_equal(failed, "merkle");
	assert_string_equal(why, "no index");
	assert_true(ctx.manifest_ok);
	assert_int_equal(ctx.manifest.n, 4);
	assert_true(names(&f, "proofs/x.json", "merkle branch"));
	ev_findings_release(&f);
	ev_verify_ctx_release(&ctx);
	helper_rm_rf(dir);
	free(dir);
	evkey_wipe(&k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_byte),
		cmocka_unit_test(test_missing_added),
		cmocka_unit_test(test_resigned_other_key),
		cmocka_unit_test(test_plugged_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
