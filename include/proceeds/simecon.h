/* The simulated economy's state: entities with wallets, the live UTXO set
 * and the one way money moves (econ_pay). Shared by the economy's actors
 * (simworld.c), the crime scenarios (simcrime.c) and the driver (sim.c).
 *
 * Memory is the live UTXO set plus fixed per-entity state: spent outputs
 * are recycled, and every address is streamed to the truth file as it is
 * created, never kept. */
#ifndef PROCEEDS_SIMECON_H
#define PROCEEDS_SIMECON_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/simchain.h"
#include "proceeds/simkeys.h"
#include "proceeds/simrng.h"
#include "proceeds/simstats.h"
#include "proceeds/simtx.h"
#include "proceeds/simwriter.h"

enum sim_entity_type {
	SIM_MINER,
	SIM_EXCHANGE,
	SIM_MERCHANT,
	SIM_USER,
	SIM_CRIMINAL,
	SIM_COORDINATOR,         /* a CoinJoin coordinator (Whirlpool's fees) */
};
const char *sim_entity_type_name(enum sim_entity_type t);

/* A live output (pool slot). */
struct sim_utxo {
	struct hash256 txid;
	uint32_t vout;
	uint32_t owner;          /* entity id */
	uint64_t value;
	struct simkey key;
	uint32_t height;         /* block it was created in */
	uint32_t slot;           /* position in the owner's list */
	uint8_t coinbase;
	uint8_t pending;         /* exchange deposit not yet swept */
};

/* A list of pool indices (owner's coins). */
struct sim_ulist {
	uint32_t *v;
	uint32_t n, cap;
};

struct sim_entity {
	uint32_t id;
	enum sim_entity_type type;
	char name[24];
	uint8_t script_type;     /* preferred output type (enum script_type) */
	bool locktime_style;     /* anti-fee-sniping locktime, RBF sequence */
	unsigned reuse_permille; /* how often it reuses its receive address */
	bool has_reuse;
	struct simkey reuse_key;
	struct simkeychain kc;
	struct sim_ulist coins;  /* spendable coins */
	struct sim_ulist pending;/* exchanges: deposits not yet swept */
	uint64_t balance;        /* of coins */
	int deposit_file;        /* exchanges: simwriter deposit list index */
	struct simkey hot;       /* exchanges: hot wallet; miners: payout */
	uint32_t last_sweep;     /* exchanges: height of the last sweep */
};

/* Where a payment goes: an entity's key, and what the output is to it. */
struct sim_dest {
	uint32_t owner;
	struct simkey key;
	uint64_t value;
	bool pending;            /* a deposit the exchange will sweep */
};

#define SIM_DUST 546u

/* Crime scenarios (simcrime.h); a run may combine them. */
enum sim_scenario {
	SIM_RANSOMWARE,
	SIM_EXCHANGE_HACK,
	SIM_SCAM,
};
#define SIM_SCENARIO_COUNT 3
const char *sim_scenario_name(enum sim_scenario s);

/* Eras (--profile): script-type shares, fee levels, batching and CoinJoin
 * prevalence. SIM_ERA_DEFAULT is part 1's mix (about 2023). */
enum sim_era {
	SIM_ERA_DEFAULT,
	SIM_ERA_2017,
	SIM_ERA_2021,
	SIM_ERA_2024,
};

struct sim_options {
	uint64_t seed;
	enum network net;
	uint64_t target_txs;     /* stop after this many transactions (0: use blocks) */
	uint32_t target_blocks;  /* or after this many blocks */
	unsigned known_permille; /* share of deposit addresses in tags.csv */
	enum sim_scenario scenario[SIM_SCENARIO_COUNT]; /* in run order */
	uint32_t n_scenarios;    /* 0: the economy alone */
	bool crime_coinjoin;     /* ransomware: one hop through a WabiSabi round */
	bool crime_demix;        /* implies crime_coinjoin; after the round the
	                          * criminal and some other participants link
	                          * their postmix coins (simpostmix.h,
	                          * docs/simulate.md) */
	enum sim_era era;
	uint64_t file_max;       /* blk file rollover */
	uint32_t start_time;     /* time of block 1 */
	uint32_t users;          /* population; 0: one per 25 transactions */
	bool fast_sigs;          /* part 1's placeholder signatures */
	unsigned coinjoin_permille; /* chance of a CoinJoin round per block */
	unsigned payjoin_permille;  /* share of merchant payments made as PayJoins */
	unsigned threads;        /* signing threads besides the main one */
	bool stats;              /* count address reuse exactly (simstats.h) */
	uint32_t forks;          /* competing branches that lose (stale blocks) */
	bool xor;                /* obfuscate blk/rev files, write xor.dat */
	bool rev;                /* write rev*.dat (Core's undo data) */
	bool mix_variants;       /* CoinJoins of every kind and script type and
	                          * their look-alikes (simvariant.h) */
};

struct sim_crime;
struct sim_world;
struct sim_signer;
struct sim_mix;
struct sim_variant;
struct sim_postmix;

/* The whole economy. Heap object owned by the driver. */
struct econ {
	struct sim_options opt;
	struct simrng rng;
	struct simkeys *keys;
	struct simchain chain;
	struct simwriter *out;
	struct sim_entity *ent;
	uint32_t n_ent;
	uint32_t first_miner, n_miners, first_exchange, n_exchanges;
	uint32_t first_merchant, n_merchants, first_user, n_users;
	struct sim_utxo *pool;
	uint32_t pool_n, pool_cap;
	uint32_t *free_slots;
	uint32_t n_free, cap_free;
	struct sim_ulist funded; /* users with a balance (may hold stale ids) */
	uint64_t price_cents;    /* fiat price of one BTC */
	uint64_t feerate;        /* sat/vB of the block being built */
	uint32_t time;           /* of the block being built */
	uint64_t txs;            /* non-coinbase transactions written */
	uint64_t addresses, reused, fees_total, deposits, sweeps, withdrawals;
	uint64_t coinjoins, tx0s, payjoins, inputs, outputs;
	uint64_t script_count[SCRIPT_TYPE_COUNT];
	struct simtx *tx;        /* scratch */
	struct simsign *sign;    /* real signatures (also taproot tweaks) */
	struct sim_signer *signer; /* scratch for sighashes (simecon.c) */
	struct sim_world *world; /* the honest actors' state (simworld.c) */
	struct sim_crime *crime; /* NULL without a scenario */
	struct sim_mix *mix;     /* CoinJoins and PayJoins (simmix.c) */
	struct sim_variant *variant; /* --mix-variants (simvariant.c); NULL without */
	struct sim_postmix *postmix; /* --crime-demix (simpostmix.c); NULL without */
	struct simstats stats;   /* with opt.stats */
	struct simrng fork_rng;  /* --forks draws (not the economy's stream) */
	uint32_t forks_done;
	const char *why;         /* last error */
};

/* A fresh key of entity e with its script type; writes the truth row with
 * role. False with e->why on a key error. */
bool econ_fresh_key(struct econ *e, struct simkey *out, struct sim_entity *ent,
		    const char *role) __attribute__((warn_unused_result));

/* A key to receive on: the entity's reused address with its reuse
 * probability, otherwise fresh. */
bool econ_receive_key(struct econ *e, struct simkey *out, struct sim_entity *ent,
		      const char *role) __attribute__((warn_unused_result));

/* The signer (opt.threads workers unless fast_sigs) and its scratch;
 * false when out of memory. Released by econ_sign_release. */
bool econ_sign_init(struct econ *e) __attribute__((warn_unused_result));
void econ_sign_release(struct econ *e);

/* Signs e->tx, whose inputs spend pool entries in[0..n_in), and adds it
 * to the block being assembled: real signatures over each input's
 * sighash (or placeholders with --fast-sigs). *txid gets its txid. */
bool econ_write_tx(struct econ *e, struct hash256 *txid, const uint32_t *in,
		   uint64_t fee) __attribute__((warn_unused_result));

/* Address string of a key (for rows and the truth). */
void econ_address(const struct econ *e, char out[92], const struct simkey *k);

/* Adds an output to the pool and its owner. */
bool econ_add_utxo(struct econ *e, const struct hash256 *txid, uint32_t vout,
		   const struct sim_dest *d, bool coinbase)
	__attribute__((warn_unused_result));

/* The pool index of the unspent output txid:vout of entity owner (a
 * linear search of its coins), or UINT32_MAX when it has no such coin. */
uint32_t econ_coin_of(const struct econ *e, uint32_t owner, const struct hash256 *txid,
		      uint32_t vout);

/* A payment made by a wallet. The outputs are dests[0..n) in order, plus a
 * change output to a fresh key of the payer (role "change") at a random
 * position unless the change would be dust. The inputs are the coins
 * in[0..n_in) when given (n_in > 0), else chosen from the payer's coins,
 * at most max_in of them. fee_from_dest >= 0 takes the fee out of that
 * output instead (a sweep or consolidation). */
struct econ_payment {
	struct sim_entity *payer;
	const struct sim_dest *dests;
	uint32_t n_dests;
	const uint32_t *in;      /* pool indices, or NULL */
	uint32_t n_in;
	uint32_t max_in;
	int fee_from_dest;
	bool no_change;          /* leftover goes to the fee */
	const struct simkey *change_key; /* NULL: a fresh key of the payer */
	const char *change_role; /* truth role of a fresh change key ("change") */
	const uint8_t *op_return;/* script of a last, zero-value output, or NULL */
	uint8_t op_return_len;   /* <= SIMTX_SCRIPT_MAX */
};
struct econ_paid {
	struct hash256 txid;
	uint64_t fee;
	int change_vout;         /* -1 without change */
	uint64_t change;
	uint32_t n_in;
};
/* The vout of dests[i] once change_vout is known. */
static inline uint32_t econ_dest_vout(const struct econ_paid *p, uint32_t i)
{
	return p->change_vout >= 0 && i >= (uint32_t)p->change_vout ? i + 1 : i;
}

/* Builds, writes and books the transaction. Returns 1 when written, 0 when
 * the payer cannot afford it (nothing changed), -1 on error (e->why). */
int econ_pay(struct econ *e, struct econ_paid *paid, const struct econ_payment *p);

/* What paying sum to n_dests outputs with n_in inputs can cost at most,
 * fee included. */
uint64_t econ_need(const struct econ *e, uint64_t sum, uint32_t n_dests,
		   uint32_t n_in);

/* True when econ_pay of sum to n_dests outputs from w's coins (at most
 * max_in <= 64 of them) cannot fall short: check before making the
 * receivers' keys, so that no address is written to the truth for a
 * payment that never happens. */
bool econ_affordable(const struct econ *e, const struct sim_entity *w,
		     uint64_t sum, uint32_t n_dests, uint32_t max_in);

/* A transaction of several owners (CoinJoin, PayJoin): spends pool
 * entries in[0..n_in) (any owners, all spendable) into dests[0..n_dests)
 * in that order; the fee is what is left and must be at least the block's
 * rate times the vsize (else 0 is returned and nothing changes). Returns
 * 1 when written (*txid, *fee set), -1 on error (e->why). */
int econ_pay_joint(struct econ *e, struct hash256 *txid, uint64_t *fee,
		   const uint32_t *in, uint32_t n_in, const struct sim_dest *dests,
		   uint32_t n_dests);

/* A fresh key of entity ent of a given script type (not its own). */
bool econ_fresh_key_type(struct econ *e, struct simkey *out, struct sim_entity *ent,
			 const char *role, uint8_t type) __attribute__((warn_unused_result));

/* Fiat cents to satoshis at the current price. */
uint64_t econ_fiat(const struct econ *e, uint64_t cents);

#endif
