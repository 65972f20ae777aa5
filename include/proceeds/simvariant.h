/* `proceeds simulate --mix-variants`: CoinJoins of kinds and script types
 * the economy's own rounds (simmix.h) never make, and single-owner
 * transactions that look like them, each listed in truth.json's
 * "mix_variants" array, so that a CoinJoin detector can be measured on
 * variants it was not written for (docs/simulate.md).
 *
 * At every economic block (height 101 on, so on main at heights long
 * before any real coordinator existed) VARIANT_PER_BLOCK transactions
 * are made, cycling through the matrix of VARIANT_KINDS kinds x
 * VARIANT_TYPES script types (cell i: kind i % 10, type i / 10 % 4), so
 * that every cell comes once in every 40 variants:
 *   mixes (distinct users' coins in, each participant's outputs at fresh
 *   keys): whirlpool, wabisabi, wasabi1, joinmarket, generic,
 *   generic-nochange;
 *   look-alikes (one owner, not mixes): payroll, airdrop,
 *   batch-withdrawal, self-split.
 * Inputs and outputs are all of the cell's script type: P2PKH,
 * P2SH-P2WPKH, P2WPKH or P2TR. The coins a variant spends are made for it
 * just before, in the same block: each participant (or owner) first
 * receives a coin of that type, from its own coins or as an exchange
 * withdrawal. A cell that cannot be paid for yet (no funds early in a
 * run) is tried again next block, and passed over after
 * VARIANT_MAX_TRIES blocks.
 *
 * The variants draw from a stream of their own (seed, stream 5). Off by
 * default: without the option nothing here runs and the output is byte
 * for byte that of a run without it. */
#ifndef PROCEEDS_SIMVARIANT_H
#define PROCEEDS_SIMVARIANT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "proceeds/simecon.h"

#define VARIANT_KINDS 10
#define VARIANT_TYPES 4
#define VARIANT_PER_BLOCK 2
#define VARIANT_MAX_TRIES 8

/* The kinds, in matrix order; the first VARIANT_MIXES are mixes. */
enum variant_kind {
	VARIANT_WHIRLPOOL,
	VARIANT_WABISABI,
	VARIANT_WASABI1,
	VARIANT_JOINMARKET,
	VARIANT_GENERIC,
	VARIANT_GENERIC_NOCHANGE,
	VARIANT_PAYROLL,
	VARIANT_AIRDROP,
	VARIANT_BATCH_WITHDRAWAL,
	VARIANT_SELF_SPLIT,
};
#define VARIANT_MIXES 6

/* The truth's name of a kind ("whirlpool", ..., "generic-nochange",
 * "batch-withdrawal", "self-split"); static. */
const char *variant_kind_name(enum variant_kind k);

/* Script type i (0-3) of the matrix: SCRIPT_P2PKH, SCRIPT_P2SH (as
 * P2SH-P2WPKH), SCRIPT_P2WPKH, SCRIPT_P2TR; and its truth name
 * ("p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr"; static). */
uint8_t variant_script_type(unsigned i);
const char *variant_type_name(unsigned i);

/* With opt.mix_variants: the variants' entities (a Wasabi 1 coordinator
 * of type coordinator; employers and airdrop services, of type merchant)
 * and the truth stream. Call after the world, mix and crime are set up.
 * Without the option: nothing. False with e->why. */
bool variant_init(struct econ *e) __attribute__((warn_unused_result));

/* Start of an economic block: the next VARIANT_PER_BLOCK cells (nothing
 * without the option). False with e->why. */
bool variant_block(struct econ *e) __attribute__((warn_unused_result));

/* Copies the "mix_variants" array (key and value, followed by ",\n")
 * into the truth file f; writes nothing without the option. */
bool variant_truth(struct econ *e, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Variants written so far, and the look-alikes among them (0 without). */
void variant_counts(const struct econ *e, uint64_t *all, uint64_t *lookalikes);

/* Closes the stream and frees the state (nothing without the option). */
void variant_release(struct econ *e);

#endif
