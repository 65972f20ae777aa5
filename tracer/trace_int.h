/* Internal to the trace engine (tracer/trace.c, tracer/trace_classify.c):
 * the run context and the helpers both files share. */
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
};

/* Grows *p (elements of size el) to hold at least need; false when memory
 * runs out. */
bool trace_grow(void **p, size_t *cap, size_t need, size_t el)
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

/* Whether the tx is a detected CoinJoin (kind into *kind). */
bool trace_coinjoin(struct trace_ctx *c, enum coinjoin_kind *kind,
		    const struct idx_tx *tx, const char **why)
	__attribute__((warn_unused_result));

#endif
