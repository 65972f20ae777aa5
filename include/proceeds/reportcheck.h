/* Validation of a trace result (docs/trace-format.md, proceeds-trace/1)
 * before it becomes evidence: every field the report shows is checked for
 * type and range, addresses against the trace's network, and the figures
 * must add up (per model, seeded = at_exits + unspent + fees + dust +
 * stopped; exits summed per entity = the entity's figures), because a
 * report that states inconsistent amounts is worse than no report. */
#ifndef PROCEEDS_REPORTCHECK_H
#define PROCEEDS_REPORTCHECK_H

#include <jansson.h>
#include <stdbool.h>

#define REPORTCHECK_TRACE_FORMAT "proceeds-trace/1"

/* Checks trace (borrowed). False with *why naming the field, as in
 * "hops[3].traced.fifo: not an amount in satoshis"; *why points to a
 * thread-local buffer valid until the next call. */
bool reportcheck_trace(const json_t *trace, const char **why)
	__attribute__((warn_unused_result));

/* True if name is one of the five model names. */
bool reportcheck_model_name(const char *name);

#endif
