/* JSON views of decoded transactions and blocks, shared by `decode` and the
 * index queries so every command shows a transaction the same way. */
#ifndef PROCEEDS_TXJSON_H
#define PROCEEDS_TXJSON_H

#include <jansson.h>
#include "proceeds/network.h"
#include "proceeds/tx.h"

/* A new JSON object (caller owns the reference) describing tx: txid, wtxid,
 * version, locktime, size, vsize, weight, inputs (prevout, scriptSig hex,
 * sequence, witness items) and outputs (value in sats and BTC, script hex,
 * type, address when it has one). NULL only on out of memory. */
json_t *txjson_tx(const struct tx *tx, enum network net);

/* A new JSON object for a block header and its checks (hash, version, prev,
 * merkle root, time, bits, nonce, tx count, size, weight, merkle_ok,
 * witness_commitment, bip34_height when present). The txs are not included. */
json_t *txjson_block(const struct block *b);

/* Weight of a tx (BIP141: base*3 + total). */
uint32_t tx_weight(const struct tx *tx);

/* One output's JSON: n, value, value_btc, script_hex, type, address (when
 * it has one), pubkey (P2PK), required and keys (multisig), and
 * value_out_of_range: true above 21 million BTC. value is read as Core's
 * signed CAmount, and value_btc agrees with it. */
json_t *txjson_output(const struct tx_out *o, uint32_t n, enum network net);

/* Name of a witness commitment state ("ok", "none", "missing", "mismatch"). */
const char *txjson_commitment_name(enum witness_commitment w);

#endif
