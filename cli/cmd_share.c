/* proceeds share TRACE.json --out DIR: freeze requests, MISP and STIX. */
#include "proceeds/fileio.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/freeze.h"
#include "proceeds/mispexport.h"
#include "proceeds/stixexport.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TRACE_MAX ((size_t)1 << 30)

static int parse_args(struct share_meta *m, const char **trace, int argc, char **argv)
{
	const char *v;
	bool bad = false;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(&m->case_ref, argc, argv, &i, "--case-ref", &bad) ||
		    cli_opt_value(&m->contact, argc, argv, &i, "--contact", &bad)) {
			if (bad)
				return CLI_FAIL;
		} else if (cli_opt_value(&v, argc, argv, &i, "--request", &bad)) {
			if (bad)
				return CLI_FAIL;
			if (!share_request_from_name(&m->request, v))
				return cli_error("--request", "'%s': use freeze or inform", v);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("share", "unknown option '%s'", argv[i]);
		} else if (*trace) {
			return cli_error("share", "one trace at a time");
		} else {
			*trace = argv[i];
		}
	}
	if (!*trace)
		return cli_error("share", "no trace file given");
	return CLI_OK;
}

static json_t *load_trace(const char *path, const char **why)
{
	char *buf;
	size_t len;
	json_error_t err;
	static _Thread_local char msg[300];
	json_t *j;
	if (!fileio_read(&buf, &len, path, TRACE_MAX, why))
		return NULL;
	j = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	free(buf);
	if (!j) {
		snprintf(msg, sizeof(msg), "line %d: %s", err.line, err.text);
		*why = msg;
	}
	return j;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct share_meta m = { NULL, NULL, SHARE_FREEZE };
	const char *trace_path = NULL, *why;
	size_t n = 0;
	json_t *trace;
	int rc = parse_args(&m, &trace_path, argc, argv);

	if (rc != CLI_OK)
		return rc;
	if (!c->out)
		return cli_error("share", "no output directory (--out DIR)");
	if (!m.case_ref)
		return cli_error("share", "no case reference (--case-ref R)");
	if (!(trace = load_trace(trace_path, &why)))
		return cli_error(trace_path, "%s", why);
	if (!freeze_write(c->out, trace, &m, &n, &why) ||
	    !mispexport_write(c->out, trace, &m, &why) ||
	    !stixexport_write(c->out, trace, &m, &why))
		rc = cli_error(trace_path, "%s", why);
	json_decref(trace);
	if (rc == CLI_OK && !c->quiet)
		fprintf(stderr, "proceeds: wrote %zu freeze request%s, %s and %s to %s\n",
			n, n == 1 ? "" : "s", MISPEXPORT_FILE, STIXEXPORT_FILE, c->out);
	return rc;
}

const struct cli_command cmd_share = {
	"share", run, "write freeze requests, a MISP event and a STIX bundle from a trace",
	"proceeds share TRACE.json --out DIR --case-ref R [--contact C]\n"
	"               [--request freeze|inform]\n"
	"  TRACE.json   a trace result (proceeds-trace/1, docs/trace-format.md)\n"
	"  --out DIR    where to write (created if missing)\n"
	"  --case-ref R the case reference every recipient quotes back\n"
	"  --contact C  who the recipients answer (investigator, not the victim)\n"
	"  --request    freeze (default): ask to freeze; inform: screen and report\n"
	"Writes DIR/freeze/<entity>.json and .html (one request per entity,\n"
	"holding only that entity's deposits and the path to them),\n"
	"DIR/misp-event.json and DIR/stix-bundle.json. Sign the directory with\n"
	"proceeds key sign DIR before sending it (docs/sharing.md).\n",
};
