/* The trace result as JSON (docs/trace-format.md, proceeds-trace/1) and
 * the readable summary table printed from it. Deterministic: the same
 * result gives the same bytes (keys in the documented order; serialize
 * with JSON_PRESERVE_ORDER); no clock is read. */
#ifndef PROCEEDS_TRACE_JSON_H
#define PROCEEDS_TRACE_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include "proceeds/trace.h"

#define TRACE_FORMAT "proceeds-trace/1"

/* What the user asked for, echoed in "parameters" (strings borrowed). */
struct trace_request {
	const char *const *from;   /* the SPECs as given */
	size_t n_from;
	const char *case_path;     /* NULL: none */
	bool has_after;
	uint64_t after;
};

/* The whole result document: a NEW reference (caller json_decref), or NULL
 * with *why on an index read error or out of memory. st is the index the
 * trace ran on (block hashes and times, addresses). */
json_t *trace_json(struct store *st, enum network net, const struct trace_result *r,
		   const struct trace_request *q, const char **why);

/* "2023-11-14T22:13:20Z" into out (>= 21 bytes). */
void trace_time_utc(char out[32], uint64_t t);

/* The summary: exits per entity with min-max per model, unspent, totals.
 * trace is borrowed (a proceeds-trace/1 document). */
void trace_table(FILE *f, const json_t *trace);

#endif
