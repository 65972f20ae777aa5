/* Where a trace starts: the SPECs of `proceeds trace --from` and the
 * simulator's case file, resolved against the index into trace seeds.
 *
 * SPEC: TXID:VOUT (one output), TXID (all its outputs of non-zero value),
 * ADDR (every receipt of the address, within the time window when given);
 * TXID:VOUT=AMOUNT traces only AMOUNT of the output ("0.5" BTC or
 * "50000sat"). A case file is {"payments": [{"txid", "vout",
 * "amount_sat"?, "height"?}, ...]} as `proceeds simulate` writes it, or
 * {"seeds": [{"txid", "vout", "amount_sat"?}]}; an optional "network"
 * must match. Errors name the SPEC and, where the index may be behind,
 * its tip. */
#ifndef PROCEEDS_TRACE_SPEC_H
#define PROCEEDS_TRACE_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/index_rec.h"
#include "proceeds/network.h"
#include "proceeds/trace.h"

struct store;

/* The seeds so far (heap array, trace_specs_release) and the context the
 * SPECs are resolved in (borrowed). */
struct trace_specs {
	struct trace_seed *v;
	size_t n, cap;
	struct store *st;
	enum network net;
	struct idx_tip tip;
	bool has_after, has_before;
	uint64_t after, before;
};
void trace_specs_release(struct trace_specs *s);

/* Resolves one SPEC and appends its seeds. False with *why (thread-local
 * buffer, valid until the next call) on a malformed SPEC, an unknown txid
 * or address, an address of another network, an output spent before
 * --after, an outpoint given twice, or an I/O error. */
bool trace_specs_add(struct trace_specs *s, const char *spec, const char **why)
	__attribute__((warn_unused_result));

/* Appends the seeds of a case file's text (len bytes). */
bool trace_specs_case(struct trace_specs *s, const char *text, size_t len,
		      const char **why) __attribute__((warn_unused_result));

#endif
