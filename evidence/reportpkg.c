/* The evidence package directory (see reportpkg.h). */
#include "proceeds/reportpkg.h"
#include "proceeds/hash.h"
#include "proceeds/freeze.h"
#include "proceeds/hex.h"
#include "proceeds/manifest.h"
#include "proceeds/mispexport.h"
#include "proceeds/reportcheck.h"
#include "proceeds/reportcsv.h"
#include "proceeds/reporthtml.h"
#include "proceeds/stixexport.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static _Thread_local char why_buf[4400];

static bool fail_path(const char *path, const char **why)
{
	snprintf(why_buf, sizeof(why_buf), "%s: %s", path, strerror(errno));
	*why = why_buf;
	return false;
}

static bool parse_trace(json_t **trace, const char *text, size_t len, const char **why)
{
	json_error_t err;
	*trace = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err);
	if (!*trace) {
		snprintf(why_buf, sizeof(why_buf), "trace: line %d: %s", err.line, err.text);
		*why = why_buf;
		return false;
	}
	if (!reportcheck_trace(*trace, why)) {
		snprintf(why_buf, sizeof(why_buf), "trace: %s", *why);
		*why = why_buf;
		json_decref(*trace);
		*trace = NULL;
		return false;
	}
	return true;
}

typedef void (*view_fn)(FILE *f, const json_t *report);

static bool write_view(const char *dir, const char *name, view_fn fn,
		       const json_t *report, const char **why)
{
	char path[4096];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f)
		return fail_path(path, why);
	fn(f, report);
	if (ferror(f) | (fclose(f) != 0))
		return fail_path(path, why);
	return true;
}

/* Writes report.json and returns (*signed_form, new) what a reader of
 * that file loads: the views are rendered from it, key order included, so
 * that `proceeds verify` can render them again from report.json alone. */
static bool write_json(json_t **signed_form, const char *dir, const json_t *report,
		       const char **why)
{
	char path[4096], *text;
	size_t len;
	FILE *f;
	bool ok;
	if (!report_canonical(&text, &len, report, why))
		return false;
	snprintf(path, sizeof(path), "%s/report.json", dir);
	f = fopen(path, "wb");
	ok = f && fwrite(text, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	*signed_form = ok ? json_loadb(text, len, 0, NULL) : NULL;
	free(text);
	if (ok && !*signed_form)
		return (*why = "report.json: the canonical form does not parse"), false;
	return ok || fail_path(path, why);
}

static json_t *verification_json(const json_t *report, const struct evkey *key)
{
	const char *net = json_string_value(json_object_get(report, "network"));
	const char *tx = report_explorer_tx(net), *blk = report_explorer_block(net);
	char pk[65];
	if (key)
		hex_encode(pk, key->xonly, 32);
	return json_pack("{s:s, s:s, s:o, s:o, s:o, s:s}", "manifest", MANIFEST_NAME,
			 "signature", MANIFEST_SIG_NAME,
			 "pubkey", key ? json_string(pk) : json_null(),
			 "explorer_tx", tx ? json_string(tx) : json_null(),
			 "explorer_block", blk ? json_string(blk) : json_null(),
			 "command", "proceeds verify DIR --pubkey KEY");
}

/* What the package shares with exchanges and threat-intelligence
 * platforms, written from the same checked trace. */
static bool write_share(const char *dir, const json_t *trace,
			const struct share_meta *m, const char **why)
{
	size_t n;
	return freeze_write(dir, trace, m, &n, why) &&
	       mispexport_write(dir, trace, m, why) &&
	       stixexport_write(dir, trace, m, why);
}

static bool write_all(json_t *report, const json_t *trace, const char *dir,
		      const struct reportpkg_options *o, const char **why)
{
	json_t *proofs, *signed_form;
	bool ok;
	if (mkdir(dir, 0755) != 0 && errno != EEXIST)
		return fail_path(dir, why);
	if (!reportproof_write_all(&proofs, dir, trace, o->proofs, why))
		return false;
	json_object_set_new(report, "proofs", proofs);
	json_object_set_new(report, "verification", verification_json(report, o->key));
	if (!write_json(&signed_form, dir, report, why))
		return false;
	ok = write_view(dir, "report.html", reporthtml_write, signed_form, why) &&
	     write_view(dir, "exits.csv", reportcsv_exits, signed_form, why) &&
	     write_view(dir, "hops.csv", reportcsv_hops, signed_form, why);
	json_decref(signed_form);
	if (!ok)
		return false;
	if (o->share && !write_share(dir, trace, o->share, why))
		return false;
	return !o->key || manifest_sign_dir(dir, o->key, why);
}

bool reportpkg_write(json_t **report, const char *dir, const char *text,
		     size_t len, const struct reportpkg_options *o, const char **why)
{
	json_t *trace;
	uint8_t sha[32];
	bool ok;

	*report = NULL;
	if (!parse_trace(&trace, text, len, why))
		return false;
	hash_sha256(sha, text, len);
	*report = report_build(trace, sha, &o->report, why);
	ok = *report && write_all(*report, trace, dir, o, why);
	json_decref(trace);
	if (!ok) {
		json_decref(*report);
		*report = NULL;
	}
	return ok;
}
