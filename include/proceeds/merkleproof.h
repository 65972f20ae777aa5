/* Merkle inclusion proofs: the branch that links one transaction to the
 * merkle root in its block header, so that anyone holding the public block
 * headers can check that a cited transaction is in the chain without
 * trusting us or a full node.
 *
 * The tree is Bitcoin Core's (ComputeMerkleBranch): SHA256d of the
 * concatenated 32-byte children, the last node of an odd level paired with
 * itself. All hashes here are in internal byte order (as hashed). */
#ifndef PROCEEDS_MERKLEPROOF_H
#define PROCEEDS_MERKLEPROOF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"

/* A block holds fewer than 2^32 transactions, so a branch has at most 32
 * levels. */
#define MERKLE_PROOF_MAX_DEPTH 32

/* A self-contained proof; embedded, no heap memory. */
struct merkle_proof {
	struct hash256 txid;
	uint32_t index;         /* position of txid in the block, 0 = coinbase */
	uint32_t n_tx;          /* transactions in the block */
	uint32_t depth;         /* entries used in branch */
	struct hash256 branch[MERKLE_PROOF_MAX_DEPTH]; /* leaf level first */
};

/* The depth of a tree of n_tx leaves: ceil(log2(n_tx)), 0 for one leaf. */
uint32_t merkle_proof_depth(uint32_t n_tx);

/* The proof for txids[index] among the n txids of a block (in block order).
 * txids is borrowed. False with *why when n is 0 or index >= n. */
bool merkle_proof_build(struct merkle_proof *out, const struct hash256 *txids,
			size_t n, size_t index, const char **why)
	__attribute__((warn_unused_result));

/* The merkle root that p's txid, index and branch hash up to. */
void merkle_proof_root(struct hash256 *root, const struct merkle_proof *p);

/* Checks p against an 80-byte block header: the depth must match n_tx, the
 * index must lie below n_tx, a branch entry beside the last node of an odd
 * level must be that node itself (Core's duplication, nothing else), and the
 * root must equal the header's merkle root. Fills *block_hash (display it
 * with hash256_to_hex) on success, so the caller can compare it with a
 * public header chain. False with *why on any mismatch. */
bool merkle_proof_verify(const struct merkle_proof *p, const uint8_t header[80],
			 struct hash256 *block_hash, const char **why)
	__attribute__((warn_unused_result));

#endif
