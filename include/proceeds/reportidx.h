/* The chain index as a block source for proofs of inclusion
 * (reportproof.h): a block's 80-byte header is rebuilt from its index
 * record (version, prev, merkle root, time, bits, nonce) and must hash to
 * the stored block hash; its txids come from the tx records first_txnum ..
 * first_txnum + n_tx - 1, which the index numbers in block order. */
#ifndef PROCEEDS_REPORTIDX_H
#define PROCEEDS_REPORTIDX_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/index_rec.h"
#include "proceeds/reportproof.h"

struct store;

/* A proof_source reading st (borrowed; it must outlive the source). */
struct proof_source reportidx_source(struct store *st);

/* The 80-byte header of an index block record. False with *why when it
 * does not hash to blk->hash (a damaged record). */
bool reportidx_header(uint8_t header[80], const struct idx_block *blk,
		      const char **why) __attribute__((warn_unused_result));

#endif
