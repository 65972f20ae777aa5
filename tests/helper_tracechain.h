/* Small chains for the trace tests (tests/helper_tracechain.c): blocks of
 * legacy P2PKH transactions built from specs, indexed for real into a
 * temporary directory, and exchange tags on addresses. Helpers are linked
 * into the benchmarks too, which do not link cmocka: failures abort. */
#ifndef PROCEEDS_TESTS_HELPER_TRACECHAIN_H
#define PROCEEDS_TESTS_HELPER_TRACECHAIN_H

#include <stddef.h>
#include <stdint.h>
#include "proceeds/tx.h"
#include "proceeds/index.h"
#include "helper_chain.h"

#define TC_MAX_BLOCKS 16
#define TC_MAX_IO 12

/* One transaction: inputs spend output vout of tx number tx (in block
 * order, the coinbase is 0) of block blk; outputs pay value[o] to the
 * P2PKH address numbered addr[o] (hc_p2pkh). n_in == 0: a coinbase. */
struct tc_in {
	unsigned blk, tx;
	uint32_t vout;
};
struct tc_txspec {
	size_t n_in;
	struct tc_in in[TC_MAX_IO];
	size_t n_out;
	uint64_t value[TC_MAX_IO];
	uint64_t addr[TC_MAX_IO];
};

/* Embedded; tc_release frees it. */
struct tc_world {
	struct hc_buf raw[TC_MAX_BLOCKS];
	struct block b[TC_MAX_BLOCKS];
	unsigned n_blocks;
	char dir[256];
	struct index *idx;
	struct idx_tip tip;
};

/* Appends a block of the n txs t (the first a coinbase) at 600 s spacing;
 * a tx may spend an earlier one of the same block. */
void tc_block(struct tc_world *w, const struct tc_txspec *t, size_t n);

/* Indexes every block into a new index in a fresh temporary directory. */
void tc_index(struct tc_world *w);

/* A tag of category exchange, score 90, source "test list", on address n. */
void tc_tag(struct tc_world *w, uint64_t n, const char *label);

/* The index's address id of address n. */
uint64_t tc_addr_id(struct tc_world *w, uint64_t n);

/* Closes the index, removes its directory, frees the blocks. */
void tc_release(struct tc_world *w);

#endif
