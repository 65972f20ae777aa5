/* What honest CoinJoin participants do with their postmix coins under
 * `proceeds simulate --crime-demix` (docs/simulate.md, "Linking after the
 * mix"): the behaviours the demixing heuristics (tracer/trace_demix.c)
 * read as links, done by people who are not the criminal, so that the
 * heuristics' precision can be measured against the truth.
 *
 * After every WabiSabi round of the economy (the criminal's included),
 * each user who got two or more of its outputs, independently:
 *   - with POSTMIX_CO_SPEND_PERMILLE, later spends 2-4 of them (as many as
 *     are still unspent) together into one fresh address of its own
 *     (role "consolidation");
 *   - with POSTMIX_STATIC_PERMILLE, later deposits 2-3 of them, whole and
 *     in separate transactions, into its one static deposit address at
 *     an exchange (one per user and exchange, made at the first deposit
 *     and listed in the exchange's deposit file like any other).
 * The delays are 3-40 permille of the run (3-30 between two deposits).
 * Coins the user has spent meanwhile are passed over. The rates are
 * assumptions, not measurements: the precision figures measured on these
 * runs hold for them.
 *
 * The habits draw from a stream of their own (seed, stream 6). Without
 * the option nothing here runs or draws, and the output is byte for byte
 * that of a run without it. Every habit carried out is a row of
 * truth.json's "postmix_habits". */
#ifndef PROCEEDS_SIMPOSTMIX_H
#define PROCEEDS_SIMPOSTMIX_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include "proceeds/simecon.h"

#define POSTMIX_CO_SPEND_PERMILLE 100
#define POSTMIX_STATIC_PERMILLE 100

/* With opt.crime_demix: the state and the truth stream. Without: nothing.
 * False with e->why. */
bool postmix_init(struct econ *e) __attribute__((warn_unused_result));

/* An economy round txid was just written, its outputs dests[0..n) in vout
 * order (borrowed for the call): draws the habits of its users. False
 * (out of memory) with e->why. */
bool postmix_note_round(struct econ *e, const struct hash256 *txid,
			const struct sim_dest *dests, uint32_t n)
	__attribute__((warn_unused_result));

/* Carries out the habits due at progress (permille of the run). False
 * with e->why. */
bool postmix_step(struct econ *e, unsigned progress) __attribute__((warn_unused_result));

/* Copies the "postmix_habits" array (key and value, followed by ",\n")
 * into the truth file f; writes nothing without the option. */
bool postmix_truth(struct econ *e, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes the stream and frees the state (nothing without the option). */
void postmix_release(struct econ *e);

#endif
