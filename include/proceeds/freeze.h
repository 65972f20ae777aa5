/* Freeze requests: from a trace result, one request per entity reached
 * (freeze/<entity-slug>.json and .html) holding only what that venue
 * needs to act: its deposit addresses, the outpoints, amounts (min-max
 * over the models, FIFO), UTC times, the asset and venue, the path of
 * hops from the theft transaction to its deposits, the case reference,
 * the contact and the request. Nothing about the victim (the seeds carry
 * no address, the case file is not named) and nothing about any other
 * venue. Format: docs/sharing.md ("proceeds-freeze/1"). */
#ifndef PROCEEDS_FREEZE_H
#define PROCEEDS_FREEZE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "proceeds/sharetrace.h"

#define FREEZE_FORMAT "proceeds-freeze/1"
#define FREEZE_DIR "freeze"

/* The request for entities[entity_i] of trace (checked with
 * share_trace_check), filed under slug: a new object in *out. trace and
 * m are borrowed. False with *why if entity_i is out of range or the
 * trace's amounts for it do not add up. */
bool freeze_build(json_t **out, const json_t *trace, size_t entity_i,
		  const char *slug, const struct share_meta *m,
		  const char **why) __attribute__((warn_unused_result));

/* The self-contained HTML of a request made by freeze_build (borrowed),
 * every string escaped, appended to b. */
void freeze_html(struct share_buf *b, const json_t *req);

/* Checks trace and m, then writes dir/freeze/<slug>.json and .html for
 * every entity of trace (dir is created if missing). *n_written: the
 * number of requests. False with *why on bad input or I/O failure. */
bool freeze_write(const char *dir, const json_t *trace,
		  const struct share_meta *m, size_t *n_written,
		  const char **why) __attribute__((warn_unused_result));

#endif
