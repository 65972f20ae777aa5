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
#include "proceeds/coinjoin.h"
#include "proceeds/hash.h"
#include "proceeds/index_rec.h"
#include "proceeds/network.h"
#include "proceeds/taint.h"
#include "proceeds/tags.h"

struct store;

struct trace_params {
	unsigned models;        /* TAINT_MODEL_BIT set, non-empty */
	uint32_t stop_mask;     /* (1u << enum tag_category) set */
	uint32_t max_hops;      /* outputs at this hop are not followed */
	uint64_t min_sats;      /* below it in every model (but poison): dust */
	uint64_t max_edges;     /* at most about this many traced outputs */
	bool has_before;
	uint64_t before;        /* spends in blocks at or after it: stopped */
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
	enum coinjoin_kind coinjoin; /* of the tx that made this output */
	uint32_t from_start, n_from; /* trace_result.from[]: tainted inputs */
	/* For an exit: */
	uint32_t entity;        /* index into trace_result.ents */
	enum trace_basis basis;
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
};
void trace_result_release(struct trace_result *r);

/* Runs a trace on the index store st (its tags too) up to tip. seeds
 * must name existing outputs (trace_spec.h resolves them) and no outpoint
 * twice. On success *out is filled (release it). False with *why (may point
 * to a thread-local buffer) on an I/O error, a damaged record, a seed that
 * another seed's taint reaches, or out of memory; *out is then empty. */
bool trace_run(struct trace_result *out, struct store *st, enum network net,
	       const struct idx_tip *tip, const struct trace_params *p,
	       const struct trace_seed *seeds, size_t n_seeds, const char **why)
	__attribute__((warn_unused_result));

#endif
