/* Internal to `proceeds trace` (tracer/cmd_trace*.c): options and the
 * steps shared by a fresh trace and --update. */
#ifndef PROCEEDS_TRACE_CMD_H
#define PROCEEDS_TRACE_CMD_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "proceeds/cli.h"
#include "proceeds/trace.h"
#include "proceeds/trace_json.h"

struct index;

struct trace_opts {
	const char **from;          /* SPECs (heap array of borrowed strings) */
	size_t n_from;
	const char *case_path;
	const char *update;         /* --update RESULT.json */
	const char *error_rates;    /* --error-rates FILE (measured rates) */
	struct trace_params p;
	bool has_after;
	uint64_t after;
};

bool trace_parse_time(uint64_t *out, const char *s)
	__attribute__((warn_unused_result));

/* Runs the trace of o on idx: a NEW proceeds-trace/1 document, or NULL
 * after printing the error (exit 2). */
json_t *trace_cmd_run(struct cli_common *c, struct index *idx, const struct trace_opts *o);

/* Writes doc as the command's output (--json, --out DIR, or the table). */
int trace_cmd_output(struct cli_common *c, const json_t *doc, bool table);

/* --update: re-runs the saved trace and prints what moved. */
int trace_cmd_update(struct cli_common *c, struct index *idx, struct trace_opts *o);

#endif
