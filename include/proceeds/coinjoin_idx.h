/* The CoinJoin detector's view of an indexed transaction: its outputs'
 * scripts and its inputs' values, types and owner keys rebuilt from the
 * index (one address lookup per input and output), and the verdict of a
 * transaction as `proceeds tx` states it. */
#ifndef PROCEEDS_COINJOIN_IDX_H
#define PROCEEDS_COINJOIN_IDX_H

#include <stdbool.h>
#include "proceeds/coinjoin.h"
#include "proceeds/index_rec.h"

struct store;

/* A view and the memory behind it; owned by the caller, released with
 * coinjoin_idx_release. view.tx and view.in point into it. */
struct coinjoin_idx {
	struct coinjoin_view view;
	struct tx t;
	struct tx_in *ins;
	struct tx_out *outs;
	uint8_t (*scripts)[42];
	struct coinjoin_input *ci;      /* no owners set */
};

/* Fills *b for tx (borrowed for the call; b keeps no pointer into it).
 * False with *why on a store error or out of memory; release b anyway. */
bool coinjoin_idx_fill(struct coinjoin_idx *b, struct store *st,
		       const struct idx_tx *tx, enum network net, const char **why)
	__attribute__((warn_unused_result));

void coinjoin_idx_release(struct coinjoin_idx *b);

/* Where a verdict came from. */
enum coinjoin_basis {
	COINJOIN_BASIS_BUILD,     /* recorded by the last cluster build */
	COINJOIN_BASIS_CLUSTERS,  /* judged now, owners by today's clusters */
	COINJOIN_BASIS_KEYS,      /* judged now, owners by distinct keys */
};

/* "cluster build", "clusters", "keys". */
const char *coinjoin_basis_name(enum coinjoin_basis b);

/* The verdict on tx: the last cluster build's record when the build
 * covered tx and recorded one; otherwise judged now with owners by the
 * clusters (when a clustering exists) or by keys. */
bool coinjoin_idx_verdict(struct coinjoin_result *out, enum coinjoin_basis *basis,
			  struct store *st, const struct idx_tx *tx,
			  enum network net, const char **why)
	__attribute__((warn_unused_result));

#endif
