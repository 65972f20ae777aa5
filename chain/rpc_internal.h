/* Shared between chain/rpc.c (transport) and chain/rpc_calls.c (requests);
 * not part of the public contract. */
#ifndef PROCEEDS_CHAIN_RPC_INTERNAL_H
#define PROCEEDS_CHAIN_RPC_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "proceeds/rpc.h"

/* Posts req[0..reqlen) with retries; on success *reply is a new reference
 * to the parsed answer (object or array), which may carry error objects
 * other than -28. On failure the client's error text says why. */
bool rpc_exchange(struct rpc_client *c, json_t **reply, const char *method,
		  const char *req, size_t reqlen)
	__attribute__((warn_unused_result));

/* Records a failure: kind and a one-line message (password scrubbed). */
void rpc_fail(struct rpc_client *c, enum rpc_failure f, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void rpc_set_code(struct rpc_client *c, int code);

/* The last message; borrowed from c until its next call. */
const char *rpc_error_text(const struct rpc_client *c);

/* getblock's params [hash, 0]: a new reference. */
json_t *rpc_getblock_params(const struct hash256 *hash);

/* Decodes a getblock verbosity-0 answer into a new buffer (caller frees)
 * and checks that it is the block want. */
bool rpc_block_from_json(uint8_t **raw, size_t *len, json_t *hexstr,
			 const struct hash256 *want, const char **why)
	__attribute__((warn_unused_result));

#endif
