/* Internal to the crime scenarios (simcrime.c: bookkeeping and truth;
 * simransom.c: ransomware and scam; simdemix.c: the ransomware's linked
 * post-mix spending under --crime-demix; simhack.c: exchange hack). Not a
 * public contract: simcrime.h is. */
#ifndef PROCEEDS_SIMCRIME_INT_H
#define PROCEEDS_SIMCRIME_INT_H

#include "proceeds/simcrime.h"

#define CRIME_MAX_VICTIMS 64
#define CRIME_MAX_WAITING 64
#define CRIME_MAX_BRANCHES 24
#define CRIME_MAX_MIXED 16
#define CRIME_MAX_UNMIXED 3
#define CRIME_MAX_STATIC 2

enum victim_state { V_WAITING, V_BUYING, V_PAID, V_GAVE_UP };

/* A victim of ransomware or a scam: a user who pays payments_left times. */
struct victim {
	uint32_t user;
	uint64_t amount;
	unsigned attack_at, bought_at; /* progress permille */
	uint32_t payments_left;
	enum victim_state state;
};

enum crime_phase { C_COLLECT, C_PEEL, C_DONE };

/* A static personal deposit address of the criminal at one exchange
 * (--crime-demix): made at its first deposit, reused for later ones. */
struct crime_static {
	uint32_t exchange;       /* index among the exchanges */
	bool made;
	struct sim_dest d;       /* its key, the exchange as owner */
	json_t *row;             /* borrowed from the truth's static_deposits */
};

/* --crime-demix (simdemix.c): the remainder is split before the mix into
 * the coin mixed and coins kept out of it; after the mix, postmix coins
 * are consolidated, spent with the kept coins, and deposited into static
 * deposit addresses. */
struct crime_demix {
	bool split;
	uint32_t tomix;          /* pool index of the coin to mix */
	uint32_t unmixed[CRIME_MAX_UNMIXED], n_unmixed; /* kept, unspent */
	uint32_t cons_left;      /* consolidations still planned */
	struct crime_static st[CRIME_MAX_STATIC];
	uint32_t n_st;
	json_t *truth;           /* the crime's "demix" object (owned) */
};

/* A coin of the hacker's fan-out and the hops it still makes. */
struct branch {
	uint32_t pool;
	uint32_t hops_left;
	bool live;
};

/* One crime: its criminal entity, its state and its truth. */
struct crime {
	enum sim_scenario kind;
	uint32_t criminal;
	struct victim v[CRIME_MAX_VICTIMS];
	uint32_t n_victims;
	enum crime_phase phase;
	unsigned now;            /* progress at this step */
	unsigned consolidate_at, next_hop, mix_at_hop;
	uint32_t hops_left, hops_done;
	uint64_t consolidated;
	json_t *seeds, *hops, *cashouts, *unspent, *reports;
	struct { uint32_t pool; json_t *cashout; } waiting[CRIME_MAX_WAITING];
	uint32_t n_waiting;
	/* The criminal's unspent coins out of the mix (direct: an output of
	 * the mix itself, else made from one) and the mix's txid. */
	struct { uint32_t pool; char txid[65]; bool direct; } mixed[CRIME_MAX_MIXED];
	uint32_t n_mixed;
	bool was_mixed;          /* the mix happened */
	struct crime_demix dm;
	uint64_t seeded, fees, cashed_out, left;
	/* exchange hack */
	uint32_t target_exchange, drains_left;
	struct branch br[CRIME_MAX_BRANCHES];
	uint32_t n_br;
	/* scam */
	struct simkey scam_key[3];
	uint32_t n_scam_keys;
	unsigned next_sweep;
};

struct sim_crime {
	struct crime c[SIM_SCENARIO_COUNT];
	uint32_t n;
};

/* Scenario set-up and steps (each file). progress is permille of the run. */
bool ransom_init(struct econ *e, struct crime *c) __attribute__((warn_unused_result));
bool ransom_step(struct econ *e, struct crime *c, unsigned progress)
	__attribute__((warn_unused_result));
bool scam_init(struct econ *e, struct crime *c) __attribute__((warn_unused_result));
bool scam_step(struct econ *e, struct crime *c, unsigned progress)
	__attribute__((warn_unused_result));
bool hack_init(struct econ *e, struct crime *c) __attribute__((warn_unused_result));
bool hack_step(struct econ *e, struct crime *c, unsigned progress)
	__attribute__((warn_unused_result));

/* {"txid", "vout", "address", "value"} (new reference). */
json_t *crime_outpoint_json(const struct hash256 *txid, uint32_t vout,
			    uint64_t value, const char *addr);

/* The inputs of a hop as outpoints, read before econ_pay frees the coins
 * (new reference). */
json_t *crime_inputs_json(struct econ *e, const uint32_t *in, uint32_t n);

/* Records a seed: outpoint, the victim (an entity) and its report in
 * case.json. */
void crime_seed(struct econ *e, struct crime *c, const struct hash256 *txid,
		uint32_t vout, uint64_t value, const struct sim_entity *victim);

/* Records a hop from the transaction just written (e->tx): every output;
 * change_vout's output and dests owned by the criminal go "to" it, the
 * others are cash-outs when their owner is an exchange. Steals inputs. */
void crime_record_hop(struct econ *e, struct crime *c, const char *kind,
		      json_t *inputs, const struct econ_paid *paid,
		      const struct sim_dest *dests);

/* A deposit just made by the criminal to exchange owner x: its pool index
 * is watched so that the sweep spending it is noted in the cash-out. */
void crime_watch_deposit(struct econ *e, struct crime *c, uint32_t x);

/* Marks the newest cash-out as having passed through mix txid. */
void crime_mark_mixed(struct crime *c, const char *mix_txid);

/* The mix txid a criminal coin (pool index) came out of, or NULL. */
const char *crime_mixed_from(const struct crime *c, uint32_t pool);

/* Notes the criminal's coin pool as out of mix txid (direct: an output
 * of the mix); ignored when CRIME_MAX_MIXED are noted. */
void crime_add_mixed(struct crime *c, uint32_t pool, const char *txid, bool direct);

/* Forgets coin pool (just spent) among the mixed coins. */
void crime_forget_mixed(struct crime *c, uint32_t pool);

/* The ransomware's hop through a WabiSabi round with its coin `in`; its
 * postmix coins are noted (direct). True also when too few users came
 * (then nothing was written: try again later). simransom.c. */
bool ransom_mix_hop(struct econ *e, struct crime *c, uint32_t in)
	__attribute__((warn_unused_result));

/* --crime-demix: sets up the "demix" truth object (ransom_init). */
void demix_init(struct econ *e, struct crime *c);

/* --crime-demix: the ransomware's step once the mix is due: the split,
 * the mix, then one post-mix spend per step. simdemix.c. */
bool demix_step(struct econ *e, struct crime *c, unsigned progress)
	__attribute__((warn_unused_result));

/* Victims' state machine shared by ransomware and the scam: at attack_at
 * a victim is asked for an amount (dollars: skewed draw of median, lo, hi
 * cents), buys it at an exchange, pays with `pay` (which makes the
 * payment and sets the state), and gives up at give_up. */
typedef bool (*crime_pay_fn)(struct econ *e, struct crime *c, struct victim *v);
bool crime_victims_step(struct econ *e, struct crime *c, unsigned progress,
			unsigned give_up, const uint64_t cents[3], crime_pay_fn pay)
	__attribute__((warn_unused_result));

#endif
