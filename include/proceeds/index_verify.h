/* Checking a chain index for internal consistency and computing a digest
 * of its logical content, so that two indexes of the same chain (built in
 * one run, killed and resumed, or in several incremental runs) can be
 * compared by one line. */
#ifndef PROCEEDS_INDEX_VERIFY_H
#define PROCEEDS_INDEX_VERIFY_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/hash.h"

struct store;

#define INDEX_VERIFY_MAX_ERRORS 8

struct index_verify_report {
	struct hash256 digest;  /* SHA256d over the chain tables, key order */
	bool has_tip;
	uint32_t tip_height;
	uint64_t blocks, txs, inputs, outputs, spends, history, addresses;
	uint64_t n_errors;
	char errors[INDEX_VERIFY_MAX_ERRORS][160]; /* the first ones */
};

/* Reads every record of the chain tables once, in key order, and checks:
 * blocks contiguous and linked, hash and height records agree; txnums
 * contiguous and each txid record points to its tx; every spent-by link
 * matches the input it names, and every input has exactly one link; each
 * input's value and address equal those of the output it spends; every
 * history entry is a real output of that address, one per output; address
 * ids contiguous and the two address tables agree; counters equal the tip.
 * False only when the database cannot be read; problems found go to
 * r->n_errors / r->errors. */
bool index_verify(struct store *st, struct index_verify_report *r,
		  const char **why) __attribute__((warn_unused_result));

#endif
