/* Crime scenarios inside the simulated economy, and their ground truth.
 * A run may hold several (--scenario a,b): each crime has its own criminal
 * entity, seeds, hops, cash-outs and case file. docs/simulate.md describes
 * ransomware (with an optional hop through a CoinJoin), exchange-hack and
 * scam.
 *
 * `ransomware`: victims (users) buy bitcoin at exchanges and pay the ransom
 * (priced in dollars) to a fresh attacker address each; the attacker
 * consolidates the payments into one address, then runs a peel chain: each
 * hop pays a slice into a fresh customer deposit address at one of several
 * exchanges and the rest to a fresh address of its own; the last remainder
 * stays unspent. The attacker's wallet holds only proceeds and pays every
 * fee from them, so seeded = cashed out + unspent + fees, to the satoshi.
 * With --crime-demix it keeps coins out of its CoinJoin and links its
 * postmix coins afterwards (consolidations, spends with the kept coins,
 * static deposit addresses), listed in the crime's "demix" truth. */
#ifndef PROCEEDS_SIMCRIME_H
#define PROCEEDS_SIMCRIME_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "proceeds/simecon.h"

/* Sets up the scenario (adds the criminal entity). False with e->why. */
bool crime_init(struct econ *e) __attribute__((warn_unused_result));

/* Advances the crime; progress is how far the economy is, in permille of
 * its target size. Called between economic actions. */
bool crime_step(struct econ *e, unsigned progress) __attribute__((warn_unused_result));

/* An exchange swept coins in[0..n) (pool indices, just spent) in txid:
 * cash-outs among them get "swept_in" and "swept_height" in the truth. */
void crime_note_sweep(struct econ *e, const uint32_t *in, uint32_t n,
		      const struct hash256 *txid);

/* Finishes the crime's bookkeeping (the unspent remainder). */
void crime_finish(struct econ *e);

/* The crimes of truth.json, one object each in run order (new reference;
 * caller decrefs; empty without a scenario). */
json_t *crime_truth(const struct econ *e);

/* Number of crimes in the run. */
uint32_t crime_count(const struct econ *e);

/* Crime i's case file: the payments as the victims (or the robbed
 * exchange) would report them (new reference), NULL past the last. */
json_t *crime_case(const struct econ *e, uint32_t i);

/* Frees the scenario state. */
void crime_release(struct econ *e);

#endif
