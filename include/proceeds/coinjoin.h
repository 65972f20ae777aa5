/* CoinJoin detection: Wasabi 1, WabiSabi (Wasabi 2), Whirlpool and the
 * generic equal-output rule (JoinMarket and others, BlockSci's rule), plus
 * recognition of Whirlpool's Tx0 premix as a single-owner transaction.
 * The rules are those of ../shared/docs/methods.md section 4, stated in
 * full in docs/taint-models.md ("CoinJoins").
 *
 * Pure: the caller supplies what the transaction alone does not hold, the
 * value, script type and owner key of every spent output. PayJoin is not
 * detected: nothing on chain tells it apart from a payment, and proceeds
 * does not claim what it cannot show. */
#ifndef PROCEEDS_COINJOIN_H
#define PROCEEDS_COINJOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"

enum coinjoin_kind {
	COINJOIN_NONE,
	COINJOIN_WASABI1,
	COINJOIN_WABISABI,
	COINJOIN_WHIRLPOOL,
	COINJOIN_GENERIC,   /* JoinMarket and other equal-output joins */
};
#define COINJOIN_KIND_COUNT 5

/* Mainnet heights from which each coordinator existed (era rules). */
#define COINJOIN_WASABI1_FIRST 530500u
#define COINJOIN_WASABI1_COORD_UNTIL 610000u  /* fixed coordinator address before */
#define COINJOIN_WHIRLPOOL_FIRST 570000u
#define COINJOIN_WABISABI_FIRST 741213u

/* Dust values the generic rule ignores (546: P2PKH dust limit; 2730: the
 * old 0.1 mBTC-era dust of some wallets). */
#define COINJOIN_DUST_A 546u
#define COINJOIN_DUST_B 2730u

/* One spent output, as the caller knows it from the index. */
struct coinjoin_input {
	uint64_t value;
	enum script_type type;
	uint8_t key_len;                /* 0 when unknown: counts as distinct */
	uint8_t key[SCRIPT_KEY_MAX];    /* script_owner_key of the spent script */
};

/* Fills *out from a spent output's value and scriptPubKey. */
void coinjoin_input_set(struct coinjoin_input *out, uint64_t value,
			const uint8_t *script, size_t len);

/* A transaction with its inputs' prevouts. All borrowed for the call.
 * in[] has tx->n_in entries. Era gates and Wasabi 1's coordinator address
 * apply on mainnet only; other networks are judged on shape alone. */
struct coinjoin_view {
	const struct tx *tx;
	const struct coinjoin_input *in;
	uint32_t height;
	enum network net;
};

/* What was found, with the evidence a report can quote. */
struct coinjoin_result {
	enum coinjoin_kind kind;
	/* The equal-output value (Wasabi 1, Whirlpool's pool, generic), or
	 * WabiSabi's most frequent standard denomination; 0 for NONE unless
	 * tx0 (then the pool size). */
	uint64_t denomination;
	/* Outputs at that value; WabiSabi: outputs in standard denominations;
	 * tx0: premix outputs. */
	uint32_t count;
	uint32_t n_in, n_out;
	bool coordinator;   /* Wasabi 1: pays a known coordinator address */
	bool tx0;           /* Whirlpool Tx0 (premix): one owner, kind NONE */
};

/* Classifies v's transaction. The first matching rule wins, in the order
 * Wasabi 1, WabiSabi, Whirlpool, Tx0 (not a CoinJoin), generic. Coinbase
 * transactions are never CoinJoins. False with *why only when memory for
 * a large transaction runs out. */
bool coinjoin_detect(struct coinjoin_result *out, const struct coinjoin_view *v,
		     const char **why) __attribute__((warn_unused_result));

/* WabiSabi's standard denominations: 2^i, 3^i, 2·3^i, 1·10^i, 2·10^i and
 * 5·10^i satoshis within [5,000, 134,375,000,000]. */
bool coinjoin_is_standard_denomination(uint64_t sat);

/* Whirlpool pool sizes (0.001, 0.01, 0.05, 0.5, 0.025, 0.25 BTC); true and
 * *pool set when sat is in [pool, pool + 0.0011 BTC] of one. */
bool coinjoin_whirlpool_pool(uint64_t *pool, uint64_t sat);

/* "none", "wasabi1", "wabisabi", "whirlpool", "generic". */
const char *coinjoin_kind_name(enum coinjoin_kind k);

#endif
