/* The evidence report: report.json built from a checked trace
 * (docs/report-format.md, proceeds-report/1), its canonical serialization,
 * and the small helpers the HTML, SVG and CSV views share. Every view is
 * rendered from report.json, so what a reader sees is what is signed. */
#ifndef PROCEEDS_REPORT_H
#define PROCEEDS_REPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/amount.h"

#define REPORT_FORMAT "proceeds-report/1"

/* What the investigator adds to the trace. Strings are borrowed, NULL when
 * not given. */
struct report_options {
	const char *case_ref;
	const char *title;
	const char *contact;
	const char *request;    /* "freeze" or "inform"; NULL = "freeze" */
	const char *trace_file; /* name of the input, recorded as given */
	int64_t created;        /* Unix seconds the report was made */
};

/* report.json for trace (borrowed, already accepted by reportcheck_trace)
 * whose file bytes hash to trace_sha256. Returns a new reference; the
 * "proofs" and "verification" members are added by the caller. False
 * (NULL) with *why only on a request other than freeze/inform. */
json_t *report_build(const json_t *trace, const uint8_t trace_sha256[32],
		     const struct report_options *o, const char **why);

/* The canonical bytes of report.json (RFC 8785 rules: sorted keys, no
 * insignificant space, integers only). The single place that chooses the
 * serializer. New buffer (caller frees), *len bytes, NUL-terminated. */
bool report_canonical(char **out, size_t *len, const json_t *j, const char **why)
	__attribute__((warn_unused_result));

/* Borrowed views into a report (NULL-safe: missing parts read as empty). */
const json_t *report_trace(const json_t *report);
const json_t *report_models(const json_t *report);

/* The model the diagram and the first figures use: fifo if it was run (the
 * legal attribution), else haircut, else the first model run. Static. */
const char *report_primary_model(const json_t *report);

/* The satoshis of model in a per-model object (0 if absent). */
uint64_t report_traced(const json_t *traced, const char *model);

/* Smallest and largest over the models run, poison excluded unless it is
 * the only one (poison is an upper bound, not an attribution). */
void report_range(uint64_t *min, uint64_t *max, const json_t *traced,
		  const json_t *models);

/* "1.50000000" or "0.39990000-0.40000000" (BTC); buf holds
 * REPORT_RANGE_LEN bytes. Returns buf. */
#define REPORT_RANGE_LEN (2 * AMOUNT_STRLEN + 4)
char *report_btc_range(char buf[REPORT_RANGE_LEN], uint64_t min, uint64_t max);

/* "2023-11-14 22:13:20 UTC"; buf holds 32 bytes. Returns buf. */
char *report_utc(char buf[32], int64_t t);

/* The URL pattern of a public explorer for the network's transactions
 * ("{txid}" is replaced) or blocks ("{hash}"); NULL for regtest. Static. */
const char *report_explorer_tx(const char *network);
const char *report_explorer_block(const char *network);

#endif
