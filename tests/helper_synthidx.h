/* A synthetic chain index written directly as index records (X, H and
 * the tip; docs/index-format.md), for clustering tests and benchmarks
 * that need many transactions fast: a coinbase every 1000 txs, else 1-3
 * inputs from earlier addresses and two outputs (a payment that needs
 * every input, and change) to fresh (3 in 4) or
 * earlier addresses. Deterministic for a seed, whatever the split points
 * of the appends. */
#ifndef PROCEEDS_TESTS_HELPER_SYNTHIDX_H
#define PROCEEDS_TESTS_HELPER_SYNTHIDX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;

struct synthidx {
	uint64_t rng;
	uint64_t next_tx;       /* txs written so far */
	uint64_t next_addr;     /* address ids used so far */
	uint32_t max_back;      /* inputs pick from the last max_back ids,
	                         * 0 = from all of them */
};

void synthidx_init(struct synthidx *g, uint64_t seed);

/* Appends txs g->next_tx .. to - 1 and moves the tip. False with *why on
 * a store error. */
bool synthidx_append(struct synthidx *g, struct store *st, uint64_t to,
		     const char **why) __attribute__((warn_unused_result));

/* Appends one tx spending addresses in_addr[0..n_in) (n_in <= 16) to one
 * fresh address, and moves the tip. */
bool synthidx_append_tx(struct synthidx *g, struct store *st,
			const uint64_t *in_addr, size_t n_in, const char **why)
	__attribute__((warn_unused_result));

#endif
