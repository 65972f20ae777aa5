/* The honest economy around a crime: miners, exchanges, merchants and
 * users, each acting by simple rules drawn from the seed.
 *
 * - Miners: coinbase (subsidy + fees) to a payout address (two pools reuse
 *   one, the others use a fresh one per block); every matured coinbase is
 *   sold at an exchange.
 * - Exchanges: one hot wallet address (reused, and tagged publicly), a fresh
 *   deposit address for every customer deposit, sweeps of deposits into the
 *   hot wallet every few blocks or when many wait, and batched withdrawals
 *   from the hot wallet with change back to it.
 * - Users: buy at exchanges (batched withdrawals), pay merchants and each
 *   other amounts priced in dollars (so not round in BTC), sell at
 *   exchanges; HD-style wallets with fresh change, 1-3 inputs; some
 *   reuse their receive address and send change back to the address its
 *   first input came from (single-address wallets).
 * - Merchants: a fresh address per invoice; cash out all takings to an
 *   exchange now and then. */
#ifndef PROCEEDS_SIMWORLD_H
#define PROCEEDS_SIMWORLD_H

#include <stdbool.h>
#include "proceeds/simecon.h"

/* What an era (--profile) sets. Shares are permille and sum to 1000. */
struct sim_era_params {
	const char *name;
	unsigned p2wpkh, p2sh, p2pkh, p2tr; /* users' receiving script types */
	unsigned merchant_segwit;    /* merchants on P2WPKH (else P2SH) */
	uint64_t fee_median, fee_lo, fee_hi; /* sat/vB of a block (skewed draw) */
	uint32_t batch_lo, batch_hi; /* withdrawals per exchange batch */
	unsigned coinjoin, payjoin;  /* rounds per block; PayJoins per payment */
	unsigned reusers, reuse_rate;/* users who reuse, and how often they do */
};

/* The parameters of an era (static; never NULL). */
const struct sim_era_params *sim_era_params(enum sim_era era);

/* Creates the entities (counts scaled to the target size), their keys and
 * the exchanges' hot wallets, deposit lists and tags. False with e->why. */
bool world_init(struct econ *e) __attribute__((warn_unused_result));

/* Start of a block: price and fee level move, exchanges sweep, miners sell
 * matured coinbases. */
bool world_block_start(struct econ *e) __attribute__((warn_unused_result));

/* One economic action (writes zero or more transactions). */
bool world_step(struct econ *e) __attribute__((warn_unused_result));

/* The coinbase of the block, to one miner; ends the block. */
bool world_block_end(struct econ *e) __attribute__((warn_unused_result));

/* A fresh deposit address of exchange ex for customer (an entity), listed
 * in the exchange's deposit file and, with --known's probability, in
 * tags.csv. */
bool world_deposit_key(struct econ *e, struct sim_dest *d, uint32_t ex,
		       const struct sim_entity *customer)
	__attribute__((warn_unused_result));

/* User buys sats at exchange xi: queued, paid in the exchange's next
 * batched withdrawal (refused when the exchange is short of coins). */
bool world_buy(struct econ *e, uint32_t user, uint32_t xi, uint64_t sats)
	__attribute__((warn_unused_result));

/* Adds an entity with its key chain (the array has room for 4 beyond the
 * economy: scenarios add their actors this way). */
bool world_add_entity(struct econ *e, enum sim_entity_type t, const char *name,
		      uint8_t script_type) __attribute__((warn_unused_result));

/* Releases what world_init allocated. */
void world_release(struct econ *e);

#endif
