/* Figures over decoded blocks: transactions, inputs, outputs, outputs and
 * value by script type, bytes. What `proceeds scan` prints and what the
 * scan benchmark measures: every output is classified. */
#ifndef PROCEEDS_BLOCKSTATS_H
#define PROCEEDS_BLOCKSTATS_H

#include <stdint.h>
#include <stdbool.h>
#include "proceeds/amount.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"

struct block_stats {
	uint64_t blocks;
	uint64_t txs;
	uint64_t segwit_txs;
	uint64_t inputs;        /* coinbase inputs included */
	uint64_t outputs;
	uint64_t bytes;         /* serialized block bytes */
	struct amount value;    /* sum of output values */
	uint64_t type_outputs[SCRIPT_TYPE_COUNT];
	struct amount type_value[SCRIPT_TYPE_COUNT];
};

/* Zeroes s. */
void block_stats_init(struct block_stats *s);

/* Adds the figures of one parsed block. False with *why when a sum would
 * overflow (never silently wrong); s is then partly updated. */
bool block_stats_add(struct block_stats *s, const struct block *b,
		     const char **why) __attribute__((warn_unused_result));

/* s += t. False with *why on overflow. */
bool block_stats_merge(struct block_stats *s, const struct block_stats *t,
		       const char **why) __attribute__((warn_unused_result));

#endif
