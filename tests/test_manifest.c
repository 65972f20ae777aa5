/* MANIFEST and MANIFEST.sig: exact formats, strict parsing, signing. */
#include "proceeds/manifest.h"
#include "proceeds/hash.h"
#include "proceeds/hex.h"
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

static void put_file(const char *dir, const char *rel, const char *text)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_scan_format(void **state)
{
	char dir[256], sub[300];
	struct manifest m;
	const char *why;
	size_t len;
	(void)state;

	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(sub, sizeof(sub), "%s/freeze", dir);
	assert_int_equal(mkdir(sub, 0755), 0);
	put_file(dir, "report.json", "{}");
	put_file(dir, "freeze/b.json", "");
	put_file(dir, "Z.csv", "x\n");
	put_file(dir, "MANIFEST", "ignored");
	put_file(dir, "MANIFEST.sig", "ignored");
	assert_true(manifest_scan(&m, dir, &why));
	char *text = manifest_format(&m, &len);
	/* sha256("{}"), sha256(""), sha256("x\n") as sha256sum prints them,
	 * sorted by path bytes (uppercase first). */
	char expect[1024];
	uint8_t h[32];
	char hx[3][65];
	hash_sha256(h, "x\n", 2);
	hex_encode(hx[0], h, 32);
	hash_sha256(h, "", 0);
	hex_encode(hx[1], h, 32);
	hash_sha256(h, "{}", 2);
	hex_encode(hx[2], h, 32);
	snprintf(expect, sizeof(expect), "%s  Z.csv\n%s  freeze/b.json\n%s  report.json\n",
		 hx[0], hx[1], hx[2]);
	assert_string_equal(text, expect);
	/* sha256("") is the well-known constant. */
	assert_string_equal(hx[1], "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

	struct manifest back;
	assert_true(manifest_parse(&back, text, len, &why));
	assert_int_equal(back.n, 3);
	assert_string_equal(back.e[1].path, "freeze/b.json");
	assert_memory_equal(back.e[2].sha256, m.e[2].sha256, 32);
	manifest_release(&back);
	manifest_release(&m);
	free(text);

	/* A symbolic link is not evidence. */
	snprintf(sub, sizeof(sub), "%s/link", dir);
	assert_int_equal(symlink("report.json", sub), 0);
	assert_false(manifest_scan(&m, dir, &why));
	assert_non_null(strstr(why, "link: not a regular file"));
	helper_rm_rf(dir);
}

static void expect_parse_fail(const char *text, const char *why_part)
{
	struct manifest m;
	const char *why = NULL;
	if (manifest_parse(&m, text, strlen(text), &why))
		fail_msg("accepted: %s", text);
	if (!strstr(why, why_part))
		fail_msg("'%s' does not say '%s'", why, why_part);
}

#define H64 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define H64U "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855"

static void test_parse_strict(void **state)
{
	struct manifest m;
	const char *why;
	(void)state;
	assert_true(manifest_parse(&m, "", 0, &why));
	assert_int_equal(m.n, 0);
	manifest_release(&m);
	const char *two = H64 "  a b\n" H64 "  c/d\n";
	assert_true(manifest_parse(&m, two, strlen(two), &why));
	assert_int_equal(m.n, 2);
	assert_string_equal(m.e[0].path, "a b");
	manifest_release(&m);

	expect_parse_fail(H64U "  a\n", "line 1: expected");
	expect_parse_fail(H64 " a\n", "line 1: expected");
	expect_parse_fail(H64 "  a", "line 1: line does not end");
	expect_parse_fail(H64 "  b\n" H64 "  a\n", "line 2: paths not sorted");
	expect_parse_fail(H64 "  a\n" H64 "  a\n", "line 2: paths not sorted or listed twice");
	expect_parse_fail(H64 "  ../etc/passwd\n", "unsafe");
	expect_parse_fail(H64 "  /etc/passwd\n", "unsafe");
	expect_parse_fail(H64 "  a//b\n", "unsafe");
	expect_parse_fail(H64 "  ./a\n", "unsafe");
	expect_parse_fail(H64 "  a/\n", "unsafe");
	expect_parse_fail(H64 "  a\\b\n", "unsafe");
	expect_parse_fail(H64 "  a\tb\n", "unsafe");
	expect_parse_fail(H64 "  MANIFEST.sig\n", "must not be listed");
	expect_parse_fail(H64 "  MANIFEST\n", "must not be listed");
	expect_parse_fail("\n", "line 1");
	/* An embedded NUL never passes for the end of the text. */
	const char nul[] = H64 "  a\0b\n";
	assert_false(manifest_parse(&m, nul, sizeof(nul) - 1, &why));
}

static void test_sig_format(void **state)
{
	struct manifest_sig s, back;
	const char *why;
	size_t len;
	(void)state;
	for (int i = 0; i < 32; i++) {
		s.pubkey[i] = (uint8_t)i;
		s.manifest_sha256[i] = (uint8_t)(0xa0 + i);
	}
	for (int i = 0; i < 64; i++)
		s.sig[i] = (uint8_t)(0xff - i);
	char *text = manifest_sig_format(&s, &len);
	assert_memory_equal(text, "proceeds-manifest-signature-v1\nscheme bip340\n"
			    "pubkey 000102030405", 64);
	assert_true(manifest_sig_parse(&back, text, len, &why));
	assert_memory_equal(&back, &s, sizeof(s));
	/* Every truncation is refused, and so is trailing text. */
	for (size_t n = 0; n < len; n++)
		assert_false(manifest_sig_parse(&back, text, n, &why));
	char *more = malloc(len + 2);
	memcpy(more, text, len);
	memcpy(more + len, "x\n", 2);
	assert_false(manifest_sig_parse(&back, more, len + 2, &why));
	/* Uppercase hex is not the canonical form. */
	char *p = strstr(text, "pubkey ") + 7;
	p[1] = 'A';
	assert_false(manifest_sig_parse(&back, text, len, &why));
	free(more);
	free(text);
}

static void test_sign_dir(void **state)
{
	char dir[256], path[300];
	struct evkey k;
	struct manifest_sig s;
	const char *why;
	size_t mlen, slen;
	uint8_t h[32];
	(void)state;

	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	put_file(dir, "report.json", "{\"v\":1}");
	assert_true(evkey_generate(&k, &why));
	assert_true(manifest_sign_dir(dir, &k, &why));
	snprintf(path, sizeof(path), "%s/MANIFEST", dir);
	uint8_t *mtext = helper_read_file(path, &mlen);
	snprintf(path, sizeof(path), "%s/MANIFEST.sig", dir);
	uint8_t *stext = helper_read_file(path, &slen);
	assert_true(manifest_sig_parse(&s, (char *)stext, slen, &why));
	hash_sha256(h, mtext, mlen);
	assert_memory_equal(h, s.manifest_sha256, 32);
	assert_memory_equal(s.pubkey, k.xonly, 32);
	assert_true(evkey_verify(s.sig, h, k.xonly));
	/* Signing again replaces both and leaves no temporary file behind. */
	assert_true(manifest_sign_dir(dir, &k, &why));
	struct manifest m;
	assert_true(manifest_scan(&m, dir, &why));
	assert_int_equal(m.n, 1);
	manifest_release(&m);
	free(mtext);
	free(stext);
	evkey_wipe(&k);
	helper_rm_rf(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan_format),
		cmocka_unit_test(test_parse_strict),
		cmocka_unit_test(test_sig_format),
		cmocka_unit_test(test_sign_dir),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
