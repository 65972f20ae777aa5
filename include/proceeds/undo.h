/* Bitcoin Core's undo data (CBlockUndo, the payload of a rev*.dat record):
 * for every non-coinbase transaction of a block, the coins its inputs
 * spent, in input order, with Core's compressions undone: amounts
 * (CompressAmount) and scripts (P2PKH/P2SH hashes, compressed and
 * uncompressed pubkeys; an uncompressed key is stored as x only and is
 * decompressed with libsecp256k1). With it an indexer knows every input's
 * value and script without a UTXO lookup. */
#ifndef PROCEEDS_UNDO_H
#define PROCEEDS_UNDO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "proceeds/cursor.h"
#include "proceeds/tx.h"

/* Longest script rebuilt from a compressed form: 65-byte key P2PK. */
#define UNDO_TMPL_MAX 67

struct undo_coin {
	uint64_t value;         /* satoshis */
	uint32_t height;        /* height of the block that created the coin */
	bool coinbase;          /* created by a coinbase */
	const uint8_t *script;  /* scriptPubKey: borrowed from the undo bytes,
	                         * or points at tmpl in this coin */
	uint32_t script_len;
	uint8_t tmpl[UNDO_TMPL_MAX];
};

/* Embedded; _init/_release. Arrays are reused across parses. */
struct block_undo {
	uint32_t n_tx;          /* non-coinbase transactions */
	uint32_t *tx_first;     /* coins of tx i (block tx i+1) are
	                         * coins[tx_first[i] .. tx_first[i+1]) */
	struct undo_coin *coins;
	uint32_t n_coins;
	size_t tx_cap, coin_cap;
};
void block_undo_init(struct block_undo *u);
void block_undo_release(struct block_undo *u);

/* Decodes exactly raw[0..len) (the checksum excluded). raw is borrowed
 * until the next parse: scripts point into it. */
bool block_undo_parse(struct block_undo *u, const uint8_t *raw, size_t len,
		      const char **why) __attribute__((warn_unused_result));

/* True when the undo data fits the block: one entry per non-coinbase tx,
 * one coin per input. */
bool block_undo_check(const struct block_undo *u, const struct block *b,
		      const char **why) __attribute__((warn_unused_result));

/* The coin spent by input `in` of block tx `tx` (tx >= 1). */
const struct undo_coin *block_undo_coin(const struct block_undo *u,
					uint32_t tx, uint32_t in);

/* Core's CompressAmount / DecompressAmount. Decompress is total: any
 * uint64 maps to an amount (callers range-check with amount_in_range). */
uint64_t undo_compress_amount(uint64_t sat);
uint64_t undo_decompress_amount(uint64_t x);

/* Reads one compressed script (Core's ScriptCompression) at c into
 * coin->script/script_len (tmpl used for the special forms). False with
 * c->why on truncation or an invalid compressed pubkey. A raw script over
 * 10,000 bytes becomes OP_RETURN, as in Core. */
bool undo_read_script(struct cursor *c, struct undo_coin *coin)
	__attribute__((warn_unused_result));

#endif
