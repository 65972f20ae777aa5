/* Internal to the trace engine (tracer/trace.c, tracer/trace_classify.c,
 * tracer/trace_demix.c): the run context and the helpers they share. */
#ifndef PROCEEDS_TRACE_INT_H
#define PROCEEDS_TRACE_INT_H

#include "proceeds/trace.h"
#include "proceeds/tx.h"

/* Open-addressing slot: outpoint -> index into outs (+1; 0 = empty). */
struct trace_slot {
	uint64_t txnum;
	uint32_t vout;
	uint32_t idx1;
};
/* Address id -> entity index + 2 (0 = empty, 1 = no entity). */
struct trace_aslot {
	uint64_t addr;
	uint32_t ent2;
	struct attrib_via via;
};

struct trace_ctx {
	struct store *st;
	enum network net;
	struct trace_result *r;
	struct taint_ctx taint;
	struct trace_slot *map;
	size_t map_cap, map_n;
	struct trace_aslot *amap;
	size_t amap_cap, amap_n;
	uint64_t *heap;
	size_t heap_n, heap_cap;
	size_t outs_cap, from_cap;
	/* scratch of one transaction */
	struct taint_input *in;
	uint64_t *outv;
	struct coinjoin_input *cji;
	struct tx_in *cj_in;
	struct tx_out *cj_out;
	uint8_t (*cj_script)[42];
	size_t in_cap, out_cap;
	const char *err;         /* why, when a helper fails */
	/* the clustering's coverage, read once (trace_coinjoin) */
	bool cl_read, cl_judged;
	uint64_t cl_next_txnum;
	size_t mixes_cap, links_cap, refs_cap;
};

/* Grows *p (elements of size el) to hold at least need; false when memory
 * runs out. */
bool trace_grow(void **p, size_t *cap, size_t need, size_t el)
	__attribute__((warn_unused_result));

/* Room in the per-transaction scratch (in, outv, cji, cj_in, cj_out,
 * cj_script) for n_in inputs and n_out outputs; false when memory runs
 * out. */
bool trace_scratch(struct trace_ctx *c, size_t n_in, size_t n_out)
	__attribute__((warn_unused_result));

bool trace_heap_push(struct trace_ctx *c, uint64_t txnum)
	__attribute__((warn_unused_result));

/* Settles outs[i]: exit, dust, unspent, stopped, or followed (its spending
 * tx goes on the heap). Frees its taint state unless followed. */
bool trace_classify(struct trace_ctx *c, size_t i, const char **why)
	__attribute__((warn_unused_result));

/* Block time of height (one index read). */
bool trace_block_time(struct trace_ctx *c, uint32_t *time, uint32_t height,
		      const char **why) __attribute__((warn_unused_result));

/* Adds a note (printf format) to the result; false when memory runs out. */
bool trace_note(struct trace_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3), warn_unused_result));

/* The CoinJoin verdict of tx: the one `cluster build` recorded when the
 * clustering judged mixes and covers tx (*recorded true; no record there
 * means "not a mix"), else coinjoin_detect's on the inputs' keys. */
bool trace_coinjoin(struct trace_ctx *c, struct coinjoin_result *res, bool *recorded,
		    const struct idx_tx *tx, const char **why)
	__attribute__((warn_unused_result));

/* outs[] index + 1 of txnum:vout, 0 when it is not a traced output. */
uint32_t trace_find(const struct trace_ctx *c, uint64_t txnum, uint32_t vout);

/* *ent: the stop-category entity (index into the result's ents) whose
 * deposit address txnum:vout (paying addr) is, tagged or swept into it
 * later (the exit rule of docs/trace-format.md); -1 when none. */
bool trace_deposit_entity(struct trace_ctx *c, int64_t *ent, uint64_t txnum,
			  uint32_t vout, uint64_t addr, const char **why)
	__attribute__((warn_unused_result));

/* Whether tx is a sweep into a stop-category entity (*ent >= 0). */
bool trace_sweep_into(struct trace_ctx *c, int64_t *ent, struct attrib_via *via,
		      const struct idx_tx *tx, const char **why)
	__attribute__((warn_unused_result));

/* After the pass: the links after every mix crossed (trace_link), and the
 * outputs reached through a linked postmix output (trace_out.linked). */
bool trace_demix(struct trace_ctx *c, const char **why)
	__attribute__((warn_unused_result));

#endif
