/* The trace as a STIX 2.1 bundle (stix-bundle.json) with the community
 * cryptocurrency extension: a cryptocurrency-wallet SCO per traced address
 * (holder_ref to an identity for deposit addresses), a
 * cryptocurrency-transaction SCO per cited transaction (inputs and outputs
 * in the trace, amounts in BTC), an identity per entity, and a grouping
 * that names the case. SCO ids follow STIX 2.1's deterministic rule
 * (UUIDv5 under the SCO namespace of the RFC 8785 form of the
 * id-contributing properties: value, and symbol for transactions); the
 * other ids are UUIDv5 of the content too, and created/modified are the
 * latest block time cited, so reruns are byte-identical. The seeds'
 * addresses (possibly the victim's) are left out. docs/sharing.md. */
#ifndef PROCEEDS_STIXEXPORT_H
#define PROCEEDS_STIXEXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include "proceeds/sharetrace.h"

#define STIXEXPORT_FILE "stix-bundle.json"
#define STIX_EXT_WALLET "extension-definition--be78509e-6958-51b1-8b26-d17ee0eba2d7"
#define STIX_EXT_TX "extension-definition--151d042d-4dcf-5e44-843f-1024440318e5"

/* The bundle for trace (checked with share_trace_check) and m, both
 * borrowed: a new object in *out. False with *why on bad input. */
bool stixexport_build(json_t **out, const json_t *trace,
		      const struct share_meta *m, const char **why)
	__attribute__((warn_unused_result));

/* Builds it and writes dir/stix-bundle.json. False with *why. */
bool stixexport_write(const char *dir, const json_t *trace,
		      const struct share_meta *m, const char **why)
	__attribute__((warn_unused_result));

#endif
