/* JSON views of index records, shared by `proceeds tx|outpoint|block|
 * address` so that each command shows a transaction, output or history
 * entry the same way (and the text tables are printed from the same
 * objects). Every function returns a NEW reference (caller json_decref)
 * or NULL with *why set. */
#ifndef PROCEEDS_INDEX_JSON_H
#define PROCEEDS_INDEX_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include "proceeds/index_rec.h"
#include "proceeds/network.h"

struct store;

/* A tx with its block (height, hash, time), fee, inputs (spent outpoint,
 * value, address) and outputs (value, type, address, spent_by or null). */
json_t *index_json_tx(struct store *st, enum network net,
		      const struct idx_tx *tx, const char **why);

/* One output: txid, vout, value, address, type, height, and where it was
 * spent (txid, vin, height, time) or "spent_by": null. */
json_t *index_json_outpoint(struct store *st, enum network net,
			    const struct idx_tx *tx, uint32_t vout,
			    const char **why);

/* A block record with its txids (in block order). */
json_t *index_json_block(struct store *st, const struct idx_block *blk,
			 const char **why);

/* An address's totals and history (oldest first, at most max entries;
 * "truncated" says when there were more). key is its owner key. */
json_t *index_json_address(struct store *st, enum network net, uint64_t addr,
			   size_t max, const char **why);

/* The display address (or "script:<sha256 hex>" for outputs without an
 * address) of an address id, into out (>= 2*SCRIPT_KEY_MAX+8 bytes). */
#define INDEX_ADDR_STRLEN 96
bool index_json_addr_name(struct store *st, char out[INDEX_ADDR_STRLEN],
			  enum network net, uint64_t addr, const char **why)
	__attribute__((warn_unused_result));

/* Field readers for printing these objects as text: "" / 0 when absent. */
const char *index_json_str(json_t *o, const char *key);
long long index_json_int(json_t *o, const char *key);

#endif
