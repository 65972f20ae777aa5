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
 * A round's inputs and outputs are ordered as its coordinator orders
 * them, so no participant's position says who it is: Whirlpool's by
 * BIP69 (inputs by txid as displayed, then vout; outputs by value, then
 * script), WabiSabi's as Wasabi 2 does (inputs by value descending, then
 * outpoint bytes; outputs by value descending, then script bytes).
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

/* Each Whirlpool premix output holds the pool plus this margin, which
 * pays the mix's miner fee. */
#define MIX_PREMIX_MARGIN 12000u

/* The virtual size of a Whirlpool mix (5 P2WPKH inputs carrying the
 * longest DER signatures, 5 P2WPKH outputs), from simtx's weight. */
uint64_t mix_whirlpool_vsize(void);

/* Whether the 5 premix margins pay a mix at feerate (sat/vB); when they
 * do not, the round waits and the premix outputs stay the users' coins. */
bool mix_whirlpool_pays(uint64_t feerate);

#define MIX_JOIN_OUTS 12

/* A WabiSabi round (15-40 users beside it) that coin joins: coin is the
 * pool index of a spendable P2WPKH or P2TR coin of any entity (a
 * criminal's), whose owner gets up to MIX_JOIN_OUTS standard denominations
 * at fresh keys (role "postmix"), ordered among the others' as WabiSabi
 * orders them (value descending, then script). Returns 1
 * when written: *txid, *share (the coin's value less its outputs: its part
 * of the fee and what no denomination covers), outs[0..*n_outs) the pool
 * indices of its outputs in vout order; 0 when too few users could join
 * or the coin cannot pay its share of the fee at this rate (nothing
 * written); -1 on error (e->why). */
int mix_join(struct econ *e, uint32_t coin, struct hash256 *txid, uint64_t *share,
	     uint32_t outs[MIX_JOIN_OUTS], uint32_t *n_outs)
	__attribute__((warn_unused_result));

/* Copies the "coinjoins", "tx0s" and "payjoins" arrays (keys and values,
 * each followed by ",\n") into the truth file f. */
bool mix_truth(struct econ *e, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes the streams and frees the state. */
void mix_release(struct econ *e);

#endif
