/* CoinJoins and PayJoins in the simulated economy, shaped as the wallets
 * make them (docs/simulate.md; graph/coinjoin.c judges them by structure,
 * docs/coinjoin.md), and listed in the truth:
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
#include <jansson.h>
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

/* A WabiSabi round takes at most this many people, each getting at most
 * MIX_WS_OUTS_EACH outputs. */
#define MIX_WS_MAX_PEOPLE 40
#define MIX_WS_OUTS_EACH 6

/* A round written for someone else's truth (simvariant.h): its txid,
 * fee, and its outputs' values in vout order. */
struct mix_round {
	struct hash256 txid;
	uint64_t fee;
	uint32_t n_out;
	uint64_t values[MIX_WS_MAX_PEOPLE * MIX_WS_OUTS_EACH];
};

/* A WabiSabi round of exactly the coins in[0..n) (pool indices, spendable;
 * owners[i] owns in[i], all distinct; 2 <= n <= MIX_WS_MAX_PEOPLE) that
 * outputs only script type `type` (enum script_type, not 0): each coin,
 * less its fee share (feerate x (in_vb + 43 per output it may get + 12);
 * in_vb bounds one input of its type), is split into standard
 * denominations at fresh keys of its owner (role "postmix"), ordered as
 * the economy's rounds. Not listed in "coinjoins" (the caller lists it).
 * Returns 1 when written (*out set), 0 when a coin cannot pay its share
 * at this fee rate (nothing written), -1 on error (e->why). */
int mix_wabisabi_of(struct econ *e, struct mix_round *out, const uint32_t *in,
		    const uint32_t *owners, uint32_t n, uint8_t type, uint64_t in_vb)
	__attribute__((warn_unused_result));

/* Orders coins in[0..n) (with owners[], moved alike) and dests[0..nd) as
 * a coordinator does: wabisabi as Wasabi 2 (inputs by value descending,
 * then outpoint bytes; outputs by value descending, then script bytes),
 * else BIP69 as Whirlpool (inputs by txid as displayed, then vout;
 * outputs by value, then script). */
void mix_order(const struct econ *e, uint32_t *in, uint32_t *owners, uint32_t n,
	       struct sim_dest *dests, uint32_t nd, bool wabisabi);

/* A truth stream: the rows of one JSON array of truth.json, written to
 * the output folder's .<name>.part as they come (memory does not grow
 * with the run) and copied into truth.json at the end. Embedded. */
struct mix_stream {
	FILE *f;
	uint64_t n;              /* rows so far */
	const char *name;        /* borrowed: a static string */
};

/* Opens s for the array `name` (static, [a-z_]). False with e->why. */
bool mix_stream_open(struct econ *e, struct mix_stream *s, const char *name)
	__attribute__((warn_unused_result));

/* Appends one row; takes the reference to j. */
void mix_stream_row(struct mix_stream *s, json_t *j);

/* Writes `"<name>": [` newline, the rows, newline, `],` newline into f,
 * then closes s and removes its part file. False with *why. */
bool mix_stream_copy(struct econ *e, struct mix_stream *s, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes s (if open; the part file stays until mix_stream_copy). */
void mix_stream_close(struct mix_stream *s);

/* Copies the "coinjoins", "tx0s" and "payjoins" arrays (keys and values,
 * each followed by ",\n") into the truth file f. */
bool mix_truth(struct econ *e, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes the streams and frees the state. */
void mix_release(struct econ *e);

#endif
