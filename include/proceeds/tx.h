/* Decoding of transactions and blocks exactly as Bitcoin Core serializes
 * them: legacy and BIP144 segwit forms, txid/wtxid, block hash, merkle root,
 * witness commitment (BIP141), coinbase height (BIP34).
 *
 * Decoding is zero-copy: scripts and witnesses point into the raw buffer,
 * which the caller keeps alive while the decoded form is used. */
#ifndef PROCEEDS_TX_H
#define PROCEEDS_TX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "proceeds/hash.h"

/* Largest serialized block we accept (consensus max weight / 1 = 4 MB,
 * with slack); anything larger is damage, not a block. */
#define BLOCK_MAX_SIZE (4u * 1000u * 1000u + 1024u)

struct tx_in {
	struct hash256 prev_txid;
	uint32_t prev_vout;
	uint32_t sequence;
	const uint8_t *script;  /* scriptSig, borrowed from the raw buffer */
	uint32_t script_len;
	const uint8_t *witness; /* serialized witness stack (count + items) or NULL */
	uint32_t witness_len;
	uint32_t witness_items;
};

struct tx_out {
	uint64_t value;         /* satoshis, as serialized (not range-checked) */
	const uint8_t *script;  /* scriptPubKey, borrowed from the raw buffer */
	uint32_t script_len;
};

struct tx {
	int32_t version;
	uint32_t locktime;
	bool segwit;            /* serialized with marker, flag and witnesses */
	uint32_t n_in, n_out;
	struct tx_in *in;       /* owned by the arena that parsed this tx */
	struct tx_out *out;
	struct hash256 txid;
	const uint8_t *raw;     /* whole serialization, borrowed */
	uint32_t raw_len;
	uint32_t base_len;      /* size without marker, flag and witnesses */
	uint32_t io_off, io_len; /* inputs+outputs region (txid hashes it) */
};

/* Arrays reused across parses so that scanning allocates nothing in the
 * steady state. Embedded; _init/_release. */
struct tx_arena {
	struct tx *txs;
	size_t txs_cap;
	struct tx_in *ins;
	size_t ins_cap;
	struct tx_out *outs;
	size_t outs_cap;
};
void tx_arena_init(struct tx_arena *a);
void tx_arena_release(struct tx_arena *a);

struct block_header {
	int32_t version;
	struct hash256 prev;
	struct hash256 merkle;
	uint32_t time;
	uint32_t bits;
	uint32_t nonce;
};

struct block {
	struct block_header hdr;
	struct hash256 hash;
	const uint8_t *raw;     /* borrowed */
	size_t raw_len;
	struct tx *txs;         /* owned by arena */
	uint32_t n_tx;
	struct tx_arena arena;
};

/* Decodes an 80-byte header. */
void block_header_decode(struct block_header *out, const uint8_t raw[80]);
void block_header_encode(uint8_t out[80], const struct block_header *h);
/* Block hash = SHA256d of the 80-byte header. */
void block_header_hash(struct hash256 *out, const uint8_t raw[80]);

void block_init(struct block *b);
void block_release(struct block *b);

/* Decodes a whole block from raw[0..len) (which must be exactly the block:
 * trailing bytes are an error), computing every txid. The previous decoded
 * content of b is discarded. raw is borrowed until the next parse. */
bool block_parse(struct block *b, const uint8_t *raw, size_t len,
		 const char **why) __attribute__((warn_unused_result));

/* Decodes one transaction from exactly raw[0..len) into b->txs[0] (n_tx=1,
 * header zeroed), for `decode` of a loose tx. */
bool block_parse_tx(struct block *b, const uint8_t *raw, size_t len,
		    const char **why) __attribute__((warn_unused_result));

/* wtxid = SHA256d of the full serialization (= txid for non-segwit). */
void tx_wtxid(struct hash256 *out, const struct tx *tx);

/* Merkle root of the txids (Core's algorithm: duplicate the odd last). Sets
 * *mutated when two identical adjacent hashes were seen (CVE-2012-2459). */
void block_merkle_root(struct hash256 *out, bool *mutated, const struct block *b);

/* True when the header's merkle root matches the txids. */
bool block_check_merkle(const struct block *b, const char **why)
	__attribute__((warn_unused_result));

enum witness_commitment {
	WITNESS_COMMITMENT_NONE,     /* no witness data in the block: nothing
	                              * to check (a commitment output may be
	                              * present, as before segwit activated) */
	WITNESS_COMMITMENT_OK,
	WITNESS_COMMITMENT_MISSING,  /* segwit txs but no commitment output */
	WITNESS_COMMITMENT_MISMATCH,
};
/* Checks BIP141's commitment in the coinbase. */
enum witness_commitment block_check_witness_commitment(const struct block *b);

/* BIP34 height from the coinbase scriptSig's first push. False for block
 * versions below 2 (their coinbases hold other data) and when the script
 * does not start with a minimal number push. */
bool block_bip34_height(const struct block *b, uint32_t *height);

/* True for the coinbase input (null prevout). */
bool tx_is_coinbase(const struct tx *tx);

/* Proof of work: hash <= target of bits, target sane. */
bool block_header_check_pow(const struct hash256 *hash, uint32_t bits);

/* Work of a header, 2^256/(target+1), as 256-bit little-endian words;
 * returns false for an invalid compact target. */
bool block_work(uint64_t out[4], uint32_t bits);

#endif
