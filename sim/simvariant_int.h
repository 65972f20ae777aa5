/* Internal to --mix-variants (simvariant.c: the matrix, funding, the
 * truth rows; simvariant_mix.c: the mixes; simvariant_look.c: the
 * look-alikes). Not a public contract: simvariant.h is. */
#ifndef PROCEEDS_SIMVARIANT_INT_H
#define PROCEEDS_SIMVARIANT_INT_H

#include "proceeds/simmix.h"
#include "proceeds/simvariant.h"

#define VARIANT_MAX_IN 64
#define VARIANT_MAX_OUT 256
#define VARIANT_EMPLOYERS 4
#define VARIANT_AIRDROPS 2

struct sim_variant {
	struct simrng rng;       /* the variants' own stream */
	struct mix_stream s;     /* "mix_variants" */
	uint64_t cell;           /* next cell of the matrix (cycles) */
	uint32_t tries;          /* blocks cell has been tried in */
	uint64_t count, lookalikes;
	uint32_t coordinator, first_employer, first_airdrop;
	/* exchanges' hot wallets of each script type besides their own */
	struct simkey hot[SIMWRITER_MAX_EXCHANGES][VARIANT_TYPES];
	bool has_hot[SIMWRITER_MAX_EXCHANGES][VARIANT_TYPES];
	/* the transaction being built: its participants (distinct users),
	 * inputs (pool indices) with their owners, and outputs in order */
	uint32_t people[VARIANT_MAX_OUT];
	uint32_t n_people;
	uint32_t in[VARIANT_MAX_IN], owner_of_in[VARIANT_MAX_IN];
	uint32_t n_in;
	struct sim_dest dests[VARIANT_MAX_OUT];
	uint32_t n_dests;
	struct mix_round round;  /* a WabiSabi variant's outputs */
};

/* The vbytes that bound one input (72-byte DER or 64-byte BIP340 placed)
 * and one output of a script type, and a fee at the block's rate that is
 * at least rate x vsize of any transaction of n_in such inputs and n_out
 * such outputs. */
uint64_t variant_in_vb(uint8_t type);
uint64_t variant_fee(const struct econ *e, uint8_t type, uint32_t n_in, uint32_t n_out);

/* Draws min(want, users, VARIANT_MAX_OUT - 1) distinct users into
 * v->people; returns the count. */
uint32_t variant_people(struct econ *e, uint32_t want);

/* Entity owner receives a coin of value at a key of script type `type`
 * (at *to, or a fresh key with role), paid from its own coins when
 * self_ok and it can (a user moving coins to a wallet of that type),
 * else withdrawn from an exchange; the coin is appended to v->in. 1 when
 * done, 0 when nobody can pay it (nothing written), -1 on error. */
int variant_fund(struct econ *e, uint32_t owner, uint8_t type, uint64_t value,
		 const struct simkey *to, const char *role, bool self_ok)
	__attribute__((warn_unused_result));

/* Appends an output of value to a fresh key of owner (type, role). */
bool variant_dest(struct econ *e, uint32_t owner, uint8_t type, uint64_t value,
		  const char *role) __attribute__((warn_unused_result));

/* Shuffles v's inputs (with their owners) and outputs. */
void variant_shuffle(struct sim_variant *v);

/* Writes v->in -> v->dests (the fee is what is left and covers the rate)
 * and its truth row; denom is the value of its equal outputs. True when
 * written; false with e->why. */
bool variant_write(struct econ *e, enum variant_kind k, unsigned ti, uint64_t denom)
	__attribute__((warn_unused_result));

/* The truth row of a variant written as txid with fee: values[0..n_out)
 * its outputs' values in vout order. */
void variant_note(struct econ *e, enum variant_kind k, unsigned ti,
		  const struct hash256 *txid, uint64_t fee, uint64_t denom,
		  const uint64_t *values, uint32_t n_out);

/* One variant of kind k (a mix, or a look-alike) in script type ti: 1
 * made, 0 not affordable now, -1 on error (e->why). */
int variant_mix(struct econ *e, enum variant_kind k, unsigned ti)
	__attribute__((warn_unused_result));
int variant_lookalike(struct econ *e, enum variant_kind k, unsigned ti)
	__attribute__((warn_unused_result));

#endif
