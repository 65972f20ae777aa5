/* The trace engine: follows tainted outputs forward through the chain
 * index under the five taint models at once (taint.h), in one pass in
 * chain order, and classifies every output that received taint: followed,
 * at an exit (a deposit address of a stop-category entity, tagged or
 * inferred from a later sweep), unspent, dust, or stopped by a limit.
 *
 * Chain order is txnum order (index_rec.h): a min-heap of pending spending
 * txnums makes a tx wait until every earlier tx that could feed it has
 * run, which covers spends in the same block and a tx spending its own
 * change. Each seed is its own taint source. Money is integer satoshis;
 * for every model but poison, seeded = at exits + unspent + fees + dust +
 * stopped, exactly (trace_result.tot). Memory is bounded by max_edges. */
#ifndef PROCEEDS_TRACE_H
#define PROCEEDS_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/attrib.h"
#include "proceeds/coinjoin.h"
#include "proceeds/hash.h"
#include "proceeds/index_rec.h"
#include "proceeds/network.h"
#include "proceeds/taint.h"
#include "proceeds/tags.h"

struct store;

/* How the models cross a detected CoinJoin (docs/taint-models.md). Both
 * flag the outputs "through a mix"; poison is the same under both. */
enum trace_coinjoin_rule {
	TRACE_CJ_MODEL,         /* each model keeps its own rule (the default) */
	TRACE_CJ_HAIRCUT,       /* every model but poison pro rata (TAINT_TX_MIX) */
};
/* "model", "haircut". */
const char *trace_coinjoin_rule_name(enum trace_coinjoin_rule r);
bool trace_coinjoin_rule_from_name(enum trace_coinjoin_rule *out, const char *name)
	__attribute__((warn_unused_result));

struct trace_params {
	unsigned models;        /* TAINT_MODEL_BIT set, non-empty */
	uint32_t stop_mask;     /* (1u << enum tag_category) set */
	uint32_t max_hops;      /* outputs at this hop are not followed */
	uint64_t min_sats;      /* below it in every model (but poison): dust */
	uint64_t max_edges;     /* at most about this many traced outputs */
	bool has_before;
	uint64_t before;        /* spends in blocks at or after it: stopped */
	enum trace_coinjoin_rule coinjoin_rule;
};
/* Defaults of the CLI (docs/trace-format.md). */
#define TRACE_DEFAULT_MAX_HOPS 50u
#define TRACE_DEFAULT_MIN_SATS 546u
#define TRACE_DEFAULT_MAX_EDGES 100000u

/* One seed: amount satoshis at the front of txnum:vout (0 = all of it). */
struct trace_seed {
	uint64_t txnum;
	uint32_t vout;
	uint64_t amount;
};

enum trace_status {
	TRACE_FOLLOWED,
	TRACE_EXIT,
	TRACE_UNSPENT,
	TRACE_DUST,
	TRACE_MAX_HOPS,
	TRACE_MAX_EDGES,
	TRACE_AFTER_BEFORE,
};
#define TRACE_STATUS_COUNT 7
/* "followed", "exit", ... as docs/trace-format.md names them. */
const char *trace_status_name(enum trace_status s);

enum trace_basis {
	TRACE_BASIS_TAGGED,     /* the address itself carries the entity */
	TRACE_BASIS_INFERRED,   /* swept into the entity later */
};

/* An entity reached by the trace. Strings owned by the result. */
struct trace_entity {
	char *label;
	enum tag_category category;
	char *source;
	char *confidence;
	uint8_t score;
};

/* One output that holds taint (a seed or a hop). */
struct trace_out {
	uint64_t txnum;
	uint32_t vout;
	uint32_t height;
	struct hash256 txid;
	uint64_t value;
	uint64_t addr;          /* address id */
	uint32_t hop;           /* 0 for a seed: txs from the nearest seed */
	bool seed;
	enum trace_status status;
	uint64_t traced[TAINT_MODEL_COUNT];
	bool mixed;             /* some taint crossed a CoinJoin (sticky) */
	enum coinjoin_kind coinjoin; /* of the tx that made this output, when
				      * crossed as a mix (verdict "mix") */
	uint32_t mix1;          /* trace_result.mixes[mix1 - 1]: the verdict of
				 * the tx that made this output (0: not a mix) */
	bool linked;            /* reached through a postmix output that a
				 * trace_link names (sticky) */
	uint32_t from_start, n_from; /* trace_result.from[]: tainted inputs */
	/* For an exit: */
	uint32_t entity;        /* index into trace_result.ents */
	enum trace_basis basis;
	struct attrib_via via;  /* tag on the address, or its cluster's label */
	bool has_sweep;
	struct hash256 sweep_txid;
	uint32_t sweep_height;
	/* Engine state (freed once the output is settled). */
	struct taint_state *st;
	bool consumed;
};

/* Totals per model: the five places taint ends in. */
enum trace_part {
	TRACE_AT_EXITS,
	TRACE_UNSPENT_PART,
	TRACE_FEES,
	TRACE_DUST_PART,
	TRACE_STOPPED,
};
#define TRACE_PART_COUNT 5

/* A transaction the trace ran that a CoinJoin verdict calls a mix or a
 * possible mix. Only "mix" is crossed as a mix (the flag "through a mix");
 * a possible mix (a PayJoin-like payment) is followed as a payment and
 * listed. */
struct trace_mix {
	uint64_t txnum;
	uint32_t height;
	struct hash256 txid;
	struct coinjoin_result cj;
	bool recorded;          /* the verdict `cluster build` recorded (owners
				 * judged by the clustering), not keys only */
};

/* Demixing heuristics: postmix outputs of a mix the trace crossed, shown
 * to have one owner by what happened to them later. Evidence, not a merge:
 * the models' amounts do not change (docs/taint-models.md). */
enum trace_link_kind {
	TRACE_LINK_CO_SPEND,    /* >= 2 postmix outputs spent in one tx */
	TRACE_LINK_WITH_CRIMINAL, /* spent with tainted coins not from a mix */
	TRACE_LINK_SAME_DEPOSIT,  /* >= 2 postmix outputs paid, in separate
				   * txs, into one deposit address */
};
#define TRACE_LINK_KIND_COUNT 3
/* "co-spend", "with-criminal-coins", "same-deposit". */
const char *trace_link_kind_name(enum trace_link_kind k);

/* A heuristic's precision as measured on the simulator's truth (the one
 * table is in tracer/trace_demix.c; bench/bench_demix.sh measures it). */
struct trace_link_rate {
	uint32_t links;         /* links found */
	uint32_t same_owner;    /* of which every linked output had one owner */
	uint32_t criminal;      /* of which every linked output was the criminal's */
	const char *measured_on;
};
/* Static. */
const struct trace_link_rate *trace_link_rate(enum trace_link_kind k);

/* What a link names besides the mix: the postmix outputs linked, the
 * payments into the deposit address (same-deposit), the criminal's coins
 * spent with them (with-criminal-coins). */
enum trace_ref_role {
	TRACE_REF_POSTMIX,
	TRACE_REF_PAYMENT,
	TRACE_REF_WITH,
};
struct trace_link_ref {
	enum trace_ref_role role;
	struct hash256 txid;
	uint32_t vout;
	uint64_t value;
};

struct trace_link {
	enum trace_link_kind kind;
	uint32_t mix;           /* index into trace_result.mixes */
	struct hash256 txid;    /* the linking tx (same-deposit: the last payment) */
	uint64_t txnum;
	uint32_t height;
	uint64_t addr;          /* same-deposit: the address paid */
	uint32_t entity;        /* same-deposit: its entity (trace_result.ents) */
	uint64_t value;         /* Σ the linked postmix outputs' values */
	uint32_t ref_start, n_ref;  /* trace_result.refs[] */
};

/* The result. Everything owned; trace_result_release frees it. outs[]
 * holds the seeds first (in the order given), then the hops in chain
 * order (txnum, then vout). */
struct trace_result {
	struct idx_tip tip;
	struct trace_params params;
	struct trace_out *outs;
	size_t n_outs, n_seeds;
	uint32_t *from;         /* indexes into outs */
	size_t n_from;
	struct trace_entity *ents;
	size_t n_ents;
	uint64_t seeded;        /* Σ seeds' traced amounts */
	uint64_t tot[TRACE_PART_COUNT][TAINT_MODEL_COUNT];
	char **notes;
	size_t n_notes;
	uint64_t n_txs;         /* transactions the engine ran */
	struct trace_mix *mixes;  /* in chain order */
	size_t n_mixes;
	struct trace_link *links; /* by mix, then linking tx, then kind */
	size_t n_links;
	struct trace_link_ref *refs;
	size_t n_refs;
};
void trace_result_release(struct trace_result *r);

/* Runs a trace on the index store st (its tags too) up to tip. A
 * transaction's CoinJoin verdict is the one `cluster build` recorded when
 * the clustering covers it (cluster_mix_get), else coinjoin_detect's on
 * the inputs' keys. After the pass, the postmix outputs of every mix
 * crossed are examined one hop on (trace_link). seeds
 * must name existing outputs (trace_spec.h resolves them) and no outpoint
 * twice. On success *out is filled (release it). False with *why (may point
 * to a thread-local buffer) on an I/O error, a damaged record, a seed that
 * another seed's taint reaches, or out of memory; *out is then empty. */
bool trace_run(struct trace_result *out, struct store *st, enum network net,
	       const struct idx_tip *tip, const struct trace_params *p,
	       const struct trace_seed *seeds, size_t n_seeds, const char **why)
	__attribute__((warn_unused_result));

#endif
