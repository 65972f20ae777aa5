/* The views check of an evidence package (evverify.h): report.html,
 * exits.csv and hops.csv must be what report.json renders to, so that a
 * reader of the page sees what report.json (and its proofs) say. */
#include "proceeds/evverify.h"
#include "proceeds/reportcheck.h"
#include "proceeds/reportcsv.h"
#include "proceeds/reporthtml.h"
#include "proceeds/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VIEW_MAX (256u << 20)

typedef void (*view_fn)(FILE *f, const json_t *report);

/* The file's bytes equal fn's rendering: true; a finding otherwise. */
static bool check_view(struct ev_findings *f, const char *dir, const char *name,
		       view_fn fn, const json_t *report, const char **why)
{
	char path[4096], *want = NULL, *have = NULL;
	size_t wlen = 0, hlen;
	FILE *m = open_memstream(&want, &wlen);
	FILE *in;

	if (!m)
		return (*why = "out of memory"), false;
	fn(m, report);
	if (fclose(m) != 0)
		return free(want), (*why = "out of memory"), false;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if ((in = fopen(path, "rb"))) {
		have = malloc(wlen + 2);
		if (!have)
			abort();
		hlen = fread(have, 1, wlen + 1, in);
		fclose(in);
		if (hlen != wlen || memcmp(have, want, wlen) != 0)
			ev_findings_add(f, name, "is not what report.json renders to "
					"(changed apart from report.json)");
	} else {
		ev_findings_add(f, name, "missing (every report package has it)");
	}
	free(have);
	free(want);
	return true;
}

static bool run_views(struct ev_findings *f, struct ev_verify_ctx *ctx, const char **why)
{
	const json_t *report = ev_verify_report(f, ctx);
	const char *v = json_string_value(json_object_get(json_object_get(report, "tool"),
							  "version"));

	if (!report)
		return true;
	if (!v || strcmp(v, PROCEEDS_VERSION) != 0) {
		ctx->views_skipped = true; /* another version renders otherwise */
		return true;
	}
	/* The renderers trust a checked trace, as `report` does; a package
	 * from elsewhere gets the same check before anything is rendered. */
	const char *bad;
	if (!reportcheck_trace(json_object_get(json_object_get(report, "trace"),
					       "document"), &bad)) {
		ev_findings_add(f, "report.json", "not a valid report: %s", bad);
		return true;
	}
	ctx->views_checked = true;
	return check_view(f, ctx->dir, "report.html", reporthtml_write, report, why) &&
	       check_view(f, ctx->dir, "exits.csv", reportcsv_exits, report, why) &&
	       check_view(f, ctx->dir, "hops.csv", reportcsv_hops, report, why);
}

const struct ev_check ev_check_views = { "views", run_views };
