/* Internal to graph/coinjoin*.c: what every rule looks at, computed once
 * per transaction. */
#ifndef PROCEEDS_GRAPH_COINJOIN_INT_H
#define PROCEEDS_GRAPH_COINJOIN_INT_H

#include "proceeds/coinjoin.h"

struct cj_scan {
	const struct coinjoin_view *v;
	const uint64_t *sorted;     /* output values, ascending */
	size_t n_out, n_in;
	uint32_t n_op_return;
	uint32_t n_paying;          /* outputs of non-zero value */
	uint64_t sum_in, sum_out, fee;
	const uint64_t *owner_sum;  /* each prior owner's inputs, descending */
	size_t n_owners;
	uint64_t d;                 /* the most common non-dust value */
	uint32_t k;                 /* its count */
	uint32_t n_repeated;        /* outputs whose value another shares */
	uint32_t n_groups;          /* values shared by several outputs */
	uint32_t n_std;             /* outputs in standard denominations */
};

/* Names the kind of a detected join (r->verdict is not NOT) from the
 * known wallets' shapes; sets r->kind, r->coordinator and the
 * fingerprint reason. */
void cj_name_kind(struct coinjoin_result *r, const struct cj_scan *s);

/* Whirlpool Tx0-like premix: one OP_RETURN and outputs of one value just
 * above a pool size. */
bool cj_is_tx0(const struct cj_scan *s);

#endif
