/* CoinJoins and PayJoins in the simulated economy, shaped as
 * ../shared/docs/methods.md section 4 describes them (so graph/coinjoin.c
 * finds the CoinJoins), and listed in the truth:
 *   - Whirlpool: each of 5 users makes a Tx0 (premix: its own coins into
 *     1-3 P2WPKH outputs of pool + a margin, the coordinator's fee, one
 *     OP_RETURN, change), then one mix spends one premix output of each
 *     into 5 equal P2WPKH outputs of the pool size (0.001/0.01/0.05 BTC);
 *   - WabiSabi: 15-60 P2WPKH/P2TR inputs of many users, every output a
 *     standard denomination (what is left pays the fee);
 *   - PayJoin: a payer's coin and the payee's coin in one payment.
 * Some users later receive on a postmix address again (address reuse
 * after mixing, which is how mixes bridge clusters in practice). */
#ifndef PROCEEDS_SIMMIX_H
#define PROCEEDS_SIMMIX_H

#include <stdbool.h>
#include <stdio.h>
#include "proceeds/simecon.h"

/* Adds the coordinator entity and opens the truth streams. coinjoin and
 * payjoin permille are the chances per block of a round and per payment
 * of a PayJoin. False with e->why. */
bool mix_init(struct econ *e, unsigned coinjoin_permille, unsigned payjoin_permille)
	__attribute__((warn_unused_result));

/* Start of a block: maybe a Whirlpool round and a WabiSabi round. */
bool mix_block(struct econ *e) __attribute__((warn_unused_result));

/* Maybe a PayJoin from user u (true with *done when one was made). */
bool mix_payjoin(struct econ *e, struct sim_entity *u, bool *done)
	__attribute__((warn_unused_result));

/* Copies the "coinjoins", "tx0s" and "payjoins" arrays (keys and values,
 * each followed by ",\n") into the truth file f. */
bool mix_truth(struct econ *e, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes the streams and frees the state. */
void mix_release(struct econ *e);

#endif
