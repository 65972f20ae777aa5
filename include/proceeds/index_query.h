/* Reading the chain index: transactions, outputs and where they went,
 * blocks, and address histories. Every lookup is a LevelDB point read or
 * one ordered range scan. "found" outputs tell a missing record (a
 * negative answer) from an error (false + *why). */
#ifndef PROCEEDS_INDEX_QUERY_H
#define PROCEEDS_INDEX_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/amount.h"
#include "proceeds/hash.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"

struct store;

/* The txnums of txid, oldest first (two for the BIP30 duplicate
 * coinbases; the last one is the spendable one). *n <= max entries are
 * written to txnums; *total is the stored count. */
bool idxq_txnums(struct store *st, uint64_t *txnums, size_t max, size_t *total,
		 const struct hash256 *txid, const char **why)
	__attribute__((warn_unused_result));

/* The tx record of txnum into *tx (release with idx_tx_release). */
bool idxq_tx(struct store *st, struct idx_tx *tx, bool *found, uint64_t txnum,
	     const char **why) __attribute__((warn_unused_result));

/* Where txnum:vout was spent, if it was. */
bool idxq_spent(struct store *st, struct idx_spend *sp, bool *found,
		uint64_t txnum, uint32_t vout, const char **why)
	__attribute__((warn_unused_result));

bool idxq_block_at(struct store *st, struct idx_block *blk, bool *found,
		   uint32_t height, const char **why)
	__attribute__((warn_unused_result));
bool idxq_block_by_hash(struct store *st, struct idx_block *blk, bool *found,
			const struct hash256 *hash, const char **why)
	__attribute__((warn_unused_result));

/* Height of the block holding txnum (binary search over block records). */
bool idxq_tx_height(struct store *st, uint32_t *height, uint32_t tip_height,
		    uint64_t txnum, const char **why)
	__attribute__((warn_unused_result));

/* Whether address id has owner key okey[0..klen) (one `a` read); an id
 * without an `a` record is an error. */
bool idxq_addr_is(struct store *st, bool *same, uint64_t id,
		  const uint8_t *okey, size_t klen, const char **why)
	__attribute__((warn_unused_result));

/* Address id of an owner key (script.h) and back. key holds
 * SCRIPT_KEY_MAX bytes. */
bool idxq_addr_id(struct store *st, uint64_t *id, bool *found,
		  const uint8_t *key, size_t klen, const char **why)
	__attribute__((warn_unused_result));
bool idxq_addr_key(struct store *st, uint8_t *key, size_t *klen, bool *found,
		   uint64_t id, const char **why)
	__attribute__((warn_unused_result));

/* One funding of an address, with its spend when spent. */
struct idxq_hist {
	uint64_t txnum;
	uint32_t vout;
	uint64_t value;
	uint32_t height;
	bool spent;
	struct idx_spend spend;
};

/* Calls fn for each output paid to addr id, in chain order; fn returns
 * false to stop. ctx is passed through. */
bool idxq_history(struct store *st, uint64_t addr,
		  bool (*fn)(void *ctx, const struct idxq_hist *h), void *ctx,
		  const char **why) __attribute__((warn_unused_result));

/* Totals of an address. Heights are those of first and last activity
 * (funding or spending). */
struct idxq_addr_summary {
	uint64_t n_funded, n_spent;
	struct amount received, sent, balance;
	uint32_t first_height, last_height;
	bool seen;
};
bool idxq_addr_summary(struct store *st, struct idxq_addr_summary *out,
		       uint64_t addr, const char **why)
	__attribute__((warn_unused_result));

#endif
