/* Proofs of inclusion in an evidence package: for every transaction the
 * report cites (seeds, hops, sweeps), proofs/<txid>.json holds its merkle
 * branch and block header (format: docs/report-format.md), so that anyone
 * can check it against public block headers without trusting us.
 *
 * Block data comes from a struct proof_source (the index, or a test's real
 * blocks). Without a source, or when it lacks a block, the report records
 * the proof as unavailable with the reason: never a made-up proof. */
#ifndef PROCEEDS_REPORTPROOF_H
#define PROCEEDS_REPORTPROOF_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/merkleproof.h"

#define REPORTPROOF_FORMAT "proceeds-merkle-proof/1"

/* Where block contents come from. */
struct proof_source {
	void *ctx; /* borrowed, passed back to block */
	/* The block whose hash is *hash (at height, a hint): its 80-byte
	 * header and its txids in block order (*txids new, caller frees).
	 * False with *why (static or valid until the next call) when the
	 * source does not have the block. */
	bool (*block)(void *ctx, const struct hash256 *hash, uint32_t height,
		      uint8_t header[80], struct hash256 **txids, size_t *n,
		      const char **why);
};

/* The JSON form of a proof (new reference): txid, block hash, height,
 * header hex, index, n_tx, branch (display hex), merkle root. */
json_t *reportproof_to_json(const struct merkle_proof *p,
			    const uint8_t header[80], uint32_t height);

/* Parses and verifies a proof document (borrowed): the branch must hash
 * to the header's merkle root and the header must hash to block_hash.
 * Fills *block_hash and *height so a caller can compare them with a
 * public header chain. False with *why naming the field or mismatch. */
bool reportproof_check(const json_t *proof, struct hash256 *block_hash,
		       uint32_t *height, const char **why)
	__attribute__((warn_unused_result));

/* Writes dir/proofs/<txid>.json for every transaction trace (borrowed,
 * checked) cites, fetching each block once from src (NULL = no source).
 * *records (new reference) lists one entry per cited txid, ordered by
 * height then txid: {txid, height, block_hash, status "included" |
 * "unavailable", file, reason}. False with *why on an I/O error, or when
 * the source's block contradicts the trace (a header whose hash is not
 * the trace's block hash, or a block without the cited transaction). */
bool reportproof_write_all(json_t **records, const char *dir,
			   const json_t *trace, const struct proof_source *src,
			   const char **why) __attribute__((warn_unused_result));

#endif
