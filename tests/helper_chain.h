/* Building synthetic blocks and reading blk files for the index tests and
 * benchmarks (tests/helper_chain.c). */
#ifndef PROCEEDS_TESTS_HELPER_CHAIN_H
#define PROCEEDS_TESTS_HELPER_CHAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/tx.h"

/* A growable byte buffer. */
struct hc_buf {
	uint8_t *p;
	size_t len, cap;
};
void hc_buf_free(struct hc_buf *b);

/* Appends a legacy transaction. Inputs spend (prev[i], vout[i]); a
 * coinbase is n_in == 0 (its scriptSig carries tag so that coinbases
 * differ). Outputs pay values[i] to scripts[i] of script_lens[i]. */
void hc_tx(struct hc_buf *b, size_t n_in, const struct hash256 *prev,
	   const uint32_t *vout, size_t n_out, const uint64_t *values,
	   const uint8_t *const *scripts, const size_t *script_lens,
	   uint32_t tag);

/* Builds a block on prev from n_tx serialized txs in txs (concatenated),
 * with a correct merkle root, into out (replaced). */
void hc_block(struct hc_buf *out, const struct hash256 *prev, uint32_t time,
	      const struct hc_buf *txs, size_t n_tx);

/* Block h of a test chain held in arrays raw[] and blk[]: built on
 * blk[h - 1] (on zeros for h 0) at time 1600000000 + 600·h from n_tx txs,
 * into raw[h], and parsed into blk[h] (released by the caller). Aborts
 * when it does not parse. */
void hc_chain_block(struct hc_buf *raw, struct block *blk, unsigned h,
		    const struct hc_buf *txs, size_t n_tx);

/* A P2PKH script for a number (distinct numbers, distinct addresses). */
size_t hc_p2pkh(uint8_t out[25], uint64_t n);

/* Walks the blk files of dir/blocks (blk00000.dat, ... in order, as the
 * simulator writes one branch in height order) and calls fn for every
 * block, parsed, with its height (the record's position). False with
 * *why naming the file when a record does not parse or a file does not
 * end on a record. */
bool hc_walk_blocks(const char *dir,
		    void (*fn)(void *ctx, const struct block *b, uint32_t height),
		    void *ctx, const char **why);

/* hc_tx with outputs named by numbers: pay[i] 0 is an OP_RETURN, 1-999 a
 * P2PKH (hc_p2pkh), 1000 and up a P2SH of the same 20 bytes. At most 16
 * outputs. */
void hc_tx_numbers(struct hc_buf *txs, size_t n_in, const struct hash256 *prev,
		   const uint32_t *vout, size_t n_out, const uint64_t *pay,
		   const uint64_t *val, uint32_t tag);

/* Next block record of a raw blk file buffer: magic(4) size(4) block.
 * Returns false at the end (zero padding or short tail). */
bool hc_blk_next(const uint8_t *buf, size_t len, size_t *off,
		 const uint8_t **block, size_t *block_len);

#endif
