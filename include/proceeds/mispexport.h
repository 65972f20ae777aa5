/* The trace as a MISP event (misp-event.json): btc-transaction objects
 * for the transactions cited, coin-address objects for the deposit
 * addresses at exits (named to their entity), btc-wallet objects for the
 * other addresses the funds passed through, linked by object references
 * (wallet "sends" transaction, transaction "sends-to" address,
 * transaction "followed-by" the transaction that spends it). Attribute
 * names and types follow the MISP/misp-objects templates; every UUID is a
 * UUIDv5 of the content, so a rerun writes identical bytes. The seeds'
 * addresses (possibly the victim's) are left out. docs/sharing.md. */
#ifndef PROCEEDS_MISPEXPORT_H
#define PROCEEDS_MISPEXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include "proceeds/sharetrace.h"

#define MISPEXPORT_FILE "misp-event.json"

/* {"Event": {...}} for trace (checked with share_trace_check) and m, both
 * borrowed: a new object in *out. False with *why on bad input. */
bool mispexport_build(json_t **out, const json_t *trace,
		      const struct share_meta *m, const char **why)
	__attribute__((warn_unused_result));

/* Builds it and writes dir/misp-event.json. False with *why. */
bool mispexport_write(const char *dir, const json_t *trace,
		      const struct share_meta *m, const char **why)
	__attribute__((warn_unused_result));

#endif
