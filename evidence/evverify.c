/* Evidence package verification: findings, the check runner, and the
 * manifest + signature check. */
#include "proceeds/evverify.h"
#include "proceeds/hash.h"
#include "proceeds/hex.h"
#include "proceeds/report.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* MANIFEST of a package with millions of files stays far below this. */
#define MANIFEST_MAX (256u << 20)

void ev_findings_init(struct ev_findings *f)
{
	memset(f, 0, sizeof(*f));
}

void ev_findings_release(struct ev_findings *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].file);
		free(f->v[i].what);
	}
	free(f->v);
	ev_findings_init(f);
}

void ev_findings_add(struct ev_findings *f, const char *file, const char *fmt, ...)
{
	va_list ap;
	char *what = NULL;

	va_start(ap, fmt);
	if (vasprintf(&what, fmt, ap) < 0)
		abort();
	va_end(ap);
	if (f->n == f->cap) {
		f->cap = f->cap ? f->cap * 2 : 8;
		f->v = realloc(f->v, f->cap * sizeof(f->v[0]));
		if (!f->v)
			abort();
	}
	f->v[f->n].file = file ? strdup(file) : NULL;
	if (file && !f->v[f->n].file)
		abort();
	f->v[f->n].what = what;
	f->n++;
}

void ev_verify_ctx_init(struct ev_verify_ctx *ctx, const char *dir)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->dir = dir;
	manifest_init(&ctx->manifest);
}

void ev_verify_ctx_release(struct ev_verify_ctx *ctx)
{
	manifest_release(&ctx->manifest);
	json_decref(ctx->report);
	ctx->report = NULL;
}

/* Reads dir/name; *missing when it does not exist. */
static bool read_member(char **out, size_t *len, bool *missing, const char *dir,
			const char *name, const char **why)
{
	char path[4096];
	FILE *f;
	long n;

	*out = NULL;
	*missing = false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "rb");
	if (!f) {
		*missing = errno == ENOENT;
		*why = strerror(errno);
		return false;
	}
	if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 ||
	    (unsigned long)n > MANIFEST_MAX || fseek(f, 0, SEEK_SET) != 0) {
		fclose(f);
		*why = "unreadable or too large";
		return false;
	}
	*out = malloc((size_t)n + 1);
	if (!*out || fread(*out, 1, (size_t)n, f) != (size_t)n) {
		free(*out);
		*out = NULL;
		fclose(f);
		*why = "read error";
		return false;
	}
	(*out)[n] = '\0';
	*len = (size_t)n;
	fclose(f);
	return true;
}

/* MANIFEST.sig against the MANIFEST bytes and the expected key. */
static void check_signature(struct ev_findings *f, struct ev_verify_ctx *ctx,
			    const char *text, size_t len)
{
	struct manifest_sig s;
	char *sigtext;
	size_t siglen;
	bool missing;
	const char *why;
	uint8_t h[32];
	char a[65], b[65];

	if (!read_member(&sigtext, &siglen, &missing, ctx->dir, MANIFEST_SIG_NAME, &why)) {
		if (missing)
			ev_findings_add(f, MANIFEST_SIG_NAME,
					"missing: the package is not signed");
		else
			ev_findings_add(f, MANIFEST_SIG_NAME, "%s", why);
		return;
	}
	if (!manifest_sig_parse(&s, sigtext, siglen, &why)) {
		ev_findings_add(f, MANIFEST_SIG_NAME, "malformed: %s", why);
		free(sigtext);
		return;
	}
	free(sigtext);
	hash_sha256(h, text, len);
	bool hash_ok = memcmp(h, s.manifest_sha256, 32) == 0;
	bool sig_ok = evkey_verify(s.sig, s.manifest_sha256, s.pubkey);
	if (!hash_ok) {
		hex_encode(a, h, 32);
		hex_encode(b, s.manifest_sha256, 32);
		ev_findings_add(f, MANIFEST_NAME, "changed after signing (sha256 %s, "
				"signed %s)", a, b);
	}
	if (!sig_ok)
		ev_findings_add(f, MANIFEST_SIG_NAME, "signature does not verify "
				"under its public key");
	memcpy(ctx->signer, s.pubkey, 32);
	ctx->signed_ok = hash_ok && sig_ok;
	if (ctx->have_pubkey && memcmp(s.pubkey, ctx->expect_pubkey, 32) != 0) {
		hex_encode(a, s.pubkey, 32);
		hex_encode(b, ctx->expect_pubkey, 32);
		ev_findings_add(f, MANIFEST_SIG_NAME, "signed by key %s, not by the "
				"expected key %s", a, b);
		ctx->signed_ok = false;
	}
}

/* Merges the listed (sorted) and the present (sorted) files. */
static void compare_files(struct ev_findings *f, const struct manifest *listed,
			  const struct manifest *present)
{
	size_t i = 0, j = 0;
	char a[65], b[65];

	while (i < listed->n || j < present->n) {
		int c = i == listed->n ? 1 : j == present->n ? -1 :
			strcmp(listed->e[i].path, present->e[j].path);
		if (c < 0) {
			ev_findings_add(f, listed->e[i++].path,
					"missing (listed in MANIFEST)");
		} else if (c > 0) {
			ev_findings_add(f, present->e[j++].path,
					"not listed in MANIFEST (added after signing)");
		} else {
			if (memcmp(listed->e[i].sha256, present->e[j].sha256, 32) != 0) {
				hex_encode(a, present->e[j].sha256, 32);
				hex_encode(b, listed->e[i].sha256, 32);
				ev_findings_add(f, listed->e[i].path, "content changed "
						"(sha256 %s, MANIFEST lists %s)", a, b);
			}
			i++, j++;
		}
	}
}

/* When the directory cannot be listed cleanly (a symlink, an odd name),
 * say so and still check every listed file one by one. */
static void check_listed_one_by_one(struct ev_findings *f, const struct ev_verify_ctx *ctx)
{
	for (size_t i = 0; i < ctx->manifest.n; i++) {
		const struct manifest_entry *e = &ctx->manifest.e[i];
		uint8_t h[32];
		const char *why;
		if (!manifest_hash_file(h, ctx->dir, e->path, &why))
			ev_findings_add(f, e->path, "%s", why);
		else if (memcmp(h, e->sha256, 32) != 0)
			ev_findings_add(f, e->path, "content changed");
	}
}

static bool run_manifest(struct ev_findings *f, struct ev_verify_ctx *ctx,
			 const char **why)
{
	struct manifest present;
	struct stat st;
	char *text;
	size_t len, before = f->n;
	bool missing;

	if (stat(ctx->dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
		*why = "not a directory";
		return false;
	}
	if (!read_member(&text, &len, &missing, ctx->dir, MANIFEST_NAME, why)) {
		if (!missing)
			return false;
		ev_findings_add(f, MANIFEST_NAME, "missing: the package is not signed");
		return true;
	}
	check_signature(f, ctx, text, len);
	if (!manifest_parse(&ctx->manifest, text, len, why)) {
		ev_findings_add(f, MANIFEST_NAME, "malformed: %s", *why);
		free(text);
		return true;
	}
	free(text);
	if (manifest_scan(&present, ctx->dir, why)) {
		compare_files(f, &ctx->manifest, &present);
		ctx->files_checked = present.n;
		manifest_release(&present);
	} else {
		ev_findings_add(f, NULL, "%s", *why);
		check_listed_one_by_one(f, ctx);
		ctx->files_checked = ctx->manifest.n;
	}
	ctx->manifest_ok = ctx->signed_ok && f->n == before;
	return true;
}

const struct ev_check ev_check_manifest = { "manifest", run_manifest };

const json_t *ev_verify_report(struct ev_findings *f, struct ev_verify_ctx *ctx)
{
	char *text;
	size_t len;
	bool missing;
	const char *why, *fmt;
	json_error_t err;

	if (ctx->report_loaded)
		return ctx->report;
	ctx->report_loaded = true;
	if (!read_member(&text, &len, &missing, ctx->dir, "report.json", &why)) {
		if (!missing)
			ev_findings_add(f, "report.json", "%s", why);
		return NULL;
	}
	ctx->report = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	free(text);
	if (!ctx->report) {
		ev_findings_add(f, "report.json", "not JSON (line %d: %s)", err.line, err.text);
		return NULL;
	}
	fmt = json_string_value(json_object_get(ctx->report, "format"));
	if (!fmt || strcmp(fmt, REPORT_FORMAT) != 0) {
		json_decref(ctx->report);
		ctx->report = NULL;
	}
	return ctx->report;
}

bool ev_verify_run(struct ev_findings *f, struct ev_verify_ctx *ctx,
		   const struct ev_check *const *checks, size_t n_checks,
		   const char **failed, const char **why)
{
	*failed = NULL;
	for (size_t i = 0; i < n_checks; i++) {
		if (!checks[i]->run(f, ctx, why)) {
			*failed = checks[i]->name;
			return false;
		}
	}
	return true;
}
