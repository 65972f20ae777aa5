/* Taint of one transaction's outputs under five models at once: poison,
 * haircut (pro rata), FIFO, LIFO and TIHO, exactly as docs/taint-models.md
 * states them, to the satoshi.
 *
 * The module is pure: it knows nothing of the index. The trace engine keeps
 * one struct taint_state per traced output (keyed by outpoint) and calls
 * taint_tx() once per spending transaction, handing it the states of the
 * spent outputs; it gets back the state of every output and of the fee.
 *
 * Several taint sources (seeds: one per stolen output, or one per case) are
 * kept apart by a 32-bit source id chosen by the caller. Money is integer
 * satoshis; no floating point anywhere. */
#ifndef PROCEEDS_TAINT_H
#define PROCEEDS_TAINT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum taint_model {
	TAINT_POISON,   /* any taint in, every output fully tainted */
	TAINT_HAIRCUT,  /* pro rata, per source, floored (see taint_tx) */
	TAINT_FIFO,     /* inputs end to end in vin order, outputs from the front */
	TAINT_LIFO,     /* inputs in reverse vin order, outputs in vout order */
	TAINT_TIHO,     /* tainted sats first, into the largest outputs first */
};
#define TAINT_MODEL_COUNT 5
#define TAINT_MODEL_BIT(m) (1u << (m))
#define TAINT_MODELS_ALL 0x1fu

/* FIFO, LIFO and TIHO keep positioned segments: seg[] index of a model. */
#define TAINT_SEG_MODELS 3
#define TAINT_SEG_INDEX(m) ((unsigned)(m) - (unsigned)TAINT_FIFO)

/* "Every source" for taint_state_amount. */
#define TAINT_SOURCE_ANY UINT32_MAX

/* A run of tainted satoshis inside one output: satoshis [off, off+len) of
 * the output's value (0-based), all from one source. len > 0. */
struct taint_seg {
	uint64_t off;
	uint64_t len;
	uint32_t source;
};

/* A haircut amount of one source. sat > 0. */
struct taint_share {
	uint64_t sat;
	uint32_t source;
};

/* The output is fully tainted under poison. Poison is one flag, not kept
 * per source: it is the upper bound, and every source poisons the same. */
#define TAINT_F_POISON 1u
/* Some of this output's taint went through a detected CoinJoin
 * (TAINT_TX_MIX or TAINT_TX_MIXED_ONLY). Sticky. */
#define TAINT_F_MIXED 2u

/* The taint of one output. Invariants (taint_state_check):
 * - share[] sorted by strictly increasing source, each sat > 0,
 *   Σ sat <= value;
 * - each seg[k][] sorted by off, non-overlapping, inside [0, value),
 *   len > 0, and two touching segments never share a source (compact).
 * Models not computed hold nothing. Pointers: see who made the state. */
struct taint_state {
	uint64_t value;
	uint32_t flags;
	uint32_t n_share;
	struct taint_share *share;
	uint32_t n_seg[TAINT_SEG_MODELS];
	struct taint_seg *seg[TAINT_SEG_MODELS];
};

/* One spent output as the transaction sees it. state is borrowed for the
 * call; NULL means a clean coin. When given, state->value must equal value. */
struct taint_input {
	uint64_t value;
	const struct taint_state *state;
};

/* Options of taint_tx. TAINT_TX_MIX: the transaction is a detected
 * CoinJoin (coinjoin.h); every model except poison spreads each source pro
 * rata across the mix, exactly as haircut does, using that model's own input
 * amounts, and the outputs are flagged TAINT_F_MIXED. In FIFO/LIFO/TIHO the
 * resulting amounts are placed at the front of each output, sources in
 * increasing id order. */
#define TAINT_TX_MIX 1u
/* TAINT_TX_MIXED_ONLY: the transaction is a detected CoinJoin, but every
 * model keeps its own rule; only the TAINT_F_MIXED flag is set on the
 * tainted outputs. */
#define TAINT_TX_MIXED_ONLY 2u

/* What one transaction did with the taint. All pointers borrowed from the
 * context until its next taint_tx call or release; copy with
 * taint_state_dup what must be kept. */
struct taint_tx_result {
	uint32_t n_out;
	struct taint_state *out;  /* n_out states, in vout order */
	struct taint_state fee;   /* the fee's satoshis, to the miner */
	/* Satoshis of each source that the pro-rata rule's flooring left to no
	 * one, per model (haircut, and FIFO/LIFO/TIHO under TAINT_TX_MIX);
	 * sorted by source. For every model but poison and every source:
	 * Σ inputs = Σ outputs + fee + dust. */
	uint32_t n_dust[TAINT_MODEL_COUNT];
	struct taint_share *dust[TAINT_MODEL_COUNT];
	bool mixed;               /* TAINT_TX_MIX was applied */
};

/* Scratch and result memory, reused so that the steady state allocates
 * nothing. Embedded; taint_ctx_init / taint_ctx_release. */
struct taint_span {
	uint32_t start, n;
};
struct taint_ctx {
	struct taint_state *outs;
	size_t outs_cap;
	struct taint_seg *segs, *stream;
	size_t segs_n, segs_cap, stream_n, stream_cap;
	struct taint_share *shares, *agg;
	size_t shares_n, shares_cap, agg_n, agg_cap;
	struct taint_span *span;  /* per destination and slot */
	size_t span_cap;
	struct taint_rank {
		uint64_t value;
		uint32_t index;
	} *order;                 /* destination order of a model */
	size_t order_cap;
	uint64_t *acc;
	size_t acc_cap;
	struct taint_tx_result res;
};
void taint_ctx_init(struct taint_ctx *ctx);
void taint_ctx_release(struct taint_ctx *ctx);

/* Computes the taint of every output of one transaction under the models of
 * the bit set `models` (TAINT_MODEL_BIT; TAINT_MODELS_ALL for all five) in
 * one pass. in[0..n_in) in vin order, out_value[0..n_out) in vout order.
 * *res points into ctx (see struct taint_tx_result).
 *
 * Rules (docs/taint-models.md has them in full): V = Σ in values, the fee
 * f = V - Σ out values, which is the last destination of every model.
 * - poison: any input flagged, every output and the fee flagged;
 * - haircut: per source s with input total T, output o gets
 *   floor(T·w_o/V), the fee floor(T·f/V), the rest is dust;
 * - FIFO: inputs laid end to end in vin order (each keeping its own
 *   segments), outputs cut from the front in vout order, the fee last;
 * - LIFO: the same with the inputs in reverse vin order;
 * - TIHO: the tainted segments, in vin order, first; they fill the outputs
 *   taken by decreasing value, ties to the lower vout, then the fee; each
 *   output's tainted satoshis sit at its front.
 * False with *why when the outputs exceed the inputs, a sum overflows, an
 * input state is inconsistent (value differs, invariant broken) or memory
 * runs out; *res is then unusable. */
bool taint_tx(struct taint_ctx *ctx, const struct taint_tx_result **res,
	      unsigned models, unsigned opts,
	      const struct taint_input *in, size_t n_in,
	      const uint64_t *out_value, size_t n_out, const char **why)
	__attribute__((warn_unused_result));

/* Tainted satoshis of s under model m, of one source or TAINT_SOURCE_ANY.
 * Poison: the whole value when flagged (any source), else 0. */
uint64_t taint_state_amount(const struct taint_state *s, enum taint_model m,
			    uint32_t source);

/* True when no model holds any taint in s. */
bool taint_state_is_clean(const struct taint_state *s);

/* Checks the invariants of struct taint_state (for states read back from
 * a file or a store). False with *why naming the broken rule. */
bool taint_state_check(const struct taint_state *s, const char **why)
	__attribute__((warn_unused_result));

/* A new state for a seed: the first `amount` satoshis of an output of
 * `value` satoshis are proceeds of `source`, under every model (poison
 * flags the output). 0 < amount <= value. In one allocation; the caller
 * frees it with taint_state_free. False with *why on bad amounts or when
 * memory runs out. */
bool taint_state_seed(struct taint_state **out, uint64_t value,
		      uint64_t amount, uint32_t source, const char **why)
	__attribute__((warn_unused_result));

/* A copy of s in one allocation (caller frees with taint_state_free);
 * NULL when memory runs out. */
struct taint_state *taint_state_dup(const struct taint_state *s);

/* Frees a state made by taint_state_seed or taint_state_dup; NULL is fine. */
void taint_state_free(struct taint_state *s);

/* "poison", "haircut", "fifo", "lifo", "tiho". */
const char *taint_model_name(enum taint_model m);
bool taint_model_from_name(enum taint_model *out, const char *name)
	__attribute__((warn_unused_result));

#endif
