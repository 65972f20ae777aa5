/* Writing a chain as Bitcoin Core stores it: blk*.dat records (magic, size,
 * block), a new file past 128 MiB, starting with the network's real genesis
 * block. Blocks carry a coinbase with the BIP34 height, the BIP141 witness
 * commitment when any transaction has a witness, a correct merkle root and
 * a header that meets its bits.
 *
 * Proof of work: regtest's minimum (bits 0x207fffff) is ground for real.
 * The other networks' minimum targets take ~2^32 (main, testnet) or ~2^22
 * (signet) hashes per block, too many for a simulator, so their blocks use
 * regtest's bits 0x207fffff too: the headers meet their own bits but not
 * the network's minimum; simchain_meets_minimum() says which case holds and
 * the summary and truth.json record it. */
#ifndef PROCEEDS_SIMCHAIN_H
#define PROCEEDS_SIMCHAIN_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "proceeds/hash.h"
#include "proceeds/network.h"
#include "proceeds/simsign.h"
#include "proceeds/simtx.h"

#define SIMCHAIN_FILE_MAX (128u * 1024u * 1024u)
#define SIMCHAIN_BITS UINT32_C(0x207fffff)

/* A transaction of the block being assembled: txs[off .. off+len); with
 * n_jobs > 0 it is the base form (simtx_serialize_base) and its witnesses
 * are signer jobs first_job .. first_job+n_jobs, one per input. */
struct simchain_rec {
	size_t off;
	uint32_t len;
	uint32_t first_job, n_jobs;
};

/* Embedded; simchain_open / simchain_close (which also releases). */
struct simchain {
	const struct network_params *np;
	char dir[4096];
	FILE *f;
	unsigned file_no;
	uint64_t file_size, file_max;
	struct hash256 prev;     /* hash of the last block written */
	uint32_t height;         /* height of the block being assembled */
	struct simbuf txs;       /* serialized non-coinbase transactions */
	struct hash256 *txids, *wtxids;
	struct simchain_rec *recs; /* where each one is in txs */
	size_t n_tx, cap_tx;
	bool deferred;           /* some wait for their witnesses */
	uint64_t wit_pending;    /* bound on their witness bytes */
	struct simsign *sign;    /* borrowed: the deferred witnesses' signer */
	struct simbuf assembled; /* scratch: txs with the witnesses in place */
	bool segwit;
	uint64_t fees;           /* of the block being assembled */
	struct simbuf block;     /* scratch for the finished block */
	uint64_t total_bytes, total_tx;
};

/* Creates dir/blk00000.dat and writes the network's genesis block (height 0).
 * file_max is the rollover size (SIMCHAIN_FILE_MAX; smaller in tests).
 * False with *why on I/O errors or a network whose genesis is not known. */
bool simchain_open(struct simchain *c, const char *dir, enum network net,
		   uint64_t file_max, const char **why)
	__attribute__((warn_unused_result));

/* Appends a transaction to the block being assembled; fee is its fee.
 * *txid gets its txid. */
bool simchain_add_tx(struct simchain *c, struct hash256 *txid,
		     const struct simtx *tx, uint64_t fee, const char **why)
	__attribute__((warn_unused_result));

/* Appends a transaction whose inputs are all segwit and whose signatures
 * are signer jobs first_job.. (one per input, in input order, queued in
 * c->sign): its base form now, its witnesses when the block is finished.
 * *txid gets its txid (which the witnesses do not change). */
bool simchain_add_deferred(struct simchain *c, struct hash256 *txid,
			   const struct simtx *tx, uint64_t fee, uint32_t first_job,
			   const char **why) __attribute__((warn_unused_result));

/* Weight of the block being assembled, without coinbase and header. */
uint64_t simchain_pending_weight(const struct simchain *c);

/* Finishes the block: a coinbase paying subsidy + fees to payout (its value
 * is set here and returned in *value), merkle root, nonce ground to meet
 * SIMCHAIN_BITS, and the record appended to the blk file. */
bool simchain_finish_block(struct simchain *c, struct hash256 *coinbase_txid,
			   uint64_t *value, const uint8_t *payout_script,
			   size_t payout_len, uint32_t time, const char **why)
	__attribute__((warn_unused_result));

/* True when SIMCHAIN_BITS is at or above the network's minimum difficulty
 * (regtest only). */
bool simchain_meets_minimum(const struct simchain *c);

/* Flushes and closes the file and releases memory. False with *why when
 * the data did not reach the disk (full disk). Safe to call after a failure. */
bool simchain_close(struct simchain *c, const char **why)
	__attribute__((warn_unused_result));

#endif
