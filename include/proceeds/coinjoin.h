/* CoinJoin detection by structure: whether the inputs of a transaction
 * may be taken as one owner's (the multi-input heuristic), decided from
 * what every equal-output join must look like, whatever its wallet,
 * script type, network or era:
 *   - several outputs of one identical value (the denomination);
 *   - at least that many prior owners among the inputs, each able to fund
 *     one such output: owners are judged by the clustering so far (the
 *     caller's owner ids), else by distinct keys;
 *   - the change pattern: every other output fits one owner's excess over
 *     the denomination, and no owner's excess vanished;
 *   - no output larger than every owner's inputs together (such an output
 *     was paid by several inputs acting as one owner);
 *   - PayJoin-like payments: an input larger than every output is not
 *     needed by a payer who owns all inputs.
 * Fingerprints (Whirlpool's pools, Wasabi 1's window and coordinator,
 * WabiSabi's standard denominations, JoinMarket's one change per
 * participant, Whirlpool's Tx0) only name the kind; they never decide.
 * The rules, thresholds and measured error rates are in docs/coinjoin.md.
 *
 * Pure: the caller supplies what the transaction alone does not hold, the
 * value, script type, owner key and prior owner of every spent output. */
#ifndef PROCEEDS_COINJOIN_H
#define PROCEEDS_COINJOIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"

/* The name of what was found. Stored as its number: append only. */
enum coinjoin_kind {
	COINJOIN_NONE = 0,
	COINJOIN_WASABI1 = 1,    /* one denomination near 0.1 BTC, >= 10 */
	COINJOIN_WABISABI = 2,   /* most outputs standard denominations */
	COINJOIN_WHIRLPOOL = 3,  /* n equal outputs of a pool, n inputs, no change */
	COINJOIN_GENERIC = 4,    /* any other equal-output join */
	COINJOIN_JOINMARKET = 5, /* n equal outputs, n-1 or n changes */
	COINJOIN_PAYJOIN = 6,    /* two outputs, an unnecessary input */
};
#define COINJOIN_KIND_COUNT 7

/* The decision. Stored as its number: append only. */
enum coinjoin_verdict {
	COINJOIN_NOT = 0,        /* merge the inputs */
	COINJOIN_POSSIBLE = 1,   /* not merged by default, listed */
	COINJOIN_MIX = 2,        /* never merged */
};

/* Confidence (percent that the inputs have several owners) from which a
 * transaction is a "mix", and a "possible mix". */
#define COINJOIN_MIX_MIN 75u
#define COINJOIN_POSSIBLE_MIN 40u

/* Dust values never taken as a denomination (546: P2PKH dust limit; 2730:
 * the old dust of some wallets). */
#define COINJOIN_DUST_A 546u
#define COINJOIN_DUST_B 2730u

/* One spent output, as the caller knows it from the index. */
struct coinjoin_input {
	uint64_t value;
	enum script_type type;
	uint8_t key_len;                /* 0 when unknown: counts as distinct */
	uint8_t key[SCRIPT_KEY_MAX];    /* script_owner_key of the spent script */
	bool has_owner;                 /* owner below is set */
	uint64_t owner;                 /* prior owner: its cluster so far */
};

/* Fills *out from a spent output's value and scriptPubKey (no owner). */
void coinjoin_input_set(struct coinjoin_input *out, uint64_t value,
			const uint8_t *script, size_t len);

/* A transaction with its inputs' prevouts. All borrowed for the call.
 * in[] has tx->n_in entries. height and net are kept for the report;
 * the decision does not depend on them. */
struct coinjoin_view {
	const struct tx *tx;
	const struct coinjoin_input *in;
	uint32_t height;
	enum network net;
};

/* Why a verdict was reached (bits of coinjoin_result.reasons). */
enum coinjoin_reason {
	COINJOIN_R_EQUAL = 1u << 0,      /* >= 2 equal outputs */
	COINJOIN_R_OWNERS = 1u << 1,     /* >= 2 funding owners */
	COINJOIN_R_CHANGE_FITS = 1u << 2,
	COINJOIN_R_ONE_OWNER = 1u << 3,  /* the inputs have one prior owner */
	COINJOIN_R_FEW_FUNDERS = 1u << 4,/* fewer funders than equal outputs */
	COINJOIN_R_CHANGE_POOLED = 1u << 5, /* an output takes several owners' excess */
	COINJOIN_R_CHANGE_MISSING = 1u << 6,/* an owner's excess has no change */
	COINJOIN_R_TOO_MANY_OTHERS = 1u << 7,/* more other outputs than owners */
	COINJOIN_R_BIG_OUTPUT = 1u << 8, /* an output above every owner's inputs */
	COINJOIN_R_MULTI_DENOM = 1u << 9,/* many outputs in equal or standard values */
	COINJOIN_R_UNNECESSARY = 1u << 10,/* an input pays any output and the fee */
	COINJOIN_R_FINGERPRINT = 1u << 11,/* a known wallet's shape */
};

/* What was found, with the evidence a report can quote. */
struct coinjoin_result {
	enum coinjoin_verdict verdict;
	enum coinjoin_kind kind;        /* NONE when verdict is NOT */
	uint64_t denomination;          /* the equal-output value (0: none) */
	uint32_t count;                 /* outputs at the denomination */
	uint32_t n_in, n_out;
	uint32_t owners;                /* distinct prior owners of the inputs */
	uint32_t funders;               /* owners able to fund one equal output */
	uint32_t others;                /* outputs besides the equal ones */
	unsigned confidence;            /* percent: the inputs are not one owner's */
	unsigned reasons;               /* COINJOIN_R_* */
	bool coordinator;               /* pays Wasabi 1's coordinator (mainnet) */
	bool tx0;                       /* Whirlpool Tx0-like premix (one owner) */
};

/* Classifies v's transaction. Coinbase transactions and transactions of
 * one input are never mixes. False with *why only when memory for a large
 * transaction runs out. */
bool coinjoin_detect(struct coinjoin_result *out, const struct coinjoin_view *v,
		     const char **why) __attribute__((warn_unused_result));

/* One line for people, e.g. "whirlpool-like, 5 x 0.01000000 BTC, 5 input
 * owners, confidence 92%" or "not a mix: the inputs have one prior owner".
 * Writes at most n bytes (NUL included) into buf. */
void coinjoin_describe(char *buf, size_t n, const struct coinjoin_result *r);

/* WabiSabi's standard denominations: 2^i, 3^i, 2·3^i, 1·10^i, 2·10^i and
 * 5·10^i satoshis within [5,000, 134,375,000,000]. */
bool coinjoin_is_standard_denomination(uint64_t sat);

/* Whirlpool pool sizes (0.001, 0.01, 0.025, 0.05, 0.25, 0.5 BTC); true and
 * *pool set when sat is in [pool, pool + 0.0011 BTC] of one. */
bool coinjoin_whirlpool_pool(uint64_t *pool, uint64_t sat);

/* "none", "wasabi1", "wabisabi", "whirlpool", "generic", "joinmarket",
 * "payjoin". */
const char *coinjoin_kind_name(enum coinjoin_kind k);

/* "not a mix", "possible mix", "mix". */
const char *coinjoin_verdict_name(enum coinjoin_verdict v);

#endif
