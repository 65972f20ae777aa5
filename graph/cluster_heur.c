/* The multi-input heuristic with CoinJoin skipping, and the merge step
 * shared by every heuristic: the collapse guard, the union and the
 * evidence edge. */
#include "cluster_int.h"

#include "proceeds/coinjoin_idx.h"
#include "proceeds/cursor.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

static bool scratch_fit(struct cl_state *s, size_t n)
{
	if (n <= s->scratch_cap)
		return true;
	uint32_t *p = realloc(s->scratch, n * sizeof(*p));
	if (!p)
		return false;
	s->scratch = p;
	s->scratch_cap = n;
	return true;
}

/* Distinct roots of ids into s->scratch; returns their count. */
static size_t distinct_roots(struct cl_state *s, const uint32_t *ids, size_t n)
{
	size_t m = 0;
	for (size_t i = 0; i < n; i++)
		s->scratch[i] = unionfind_find(&s->uf, ids[i]);
	qsort(s->scratch, n, sizeof(*s->scratch), cmp_u32);
	for (size_t i = 0; i < n; i++)
		if (m == 0 || s->scratch[m - 1] != s->scratch[i])
			s->scratch[m++] = s->scratch[i];
	return m;
}

static void put_str(struct idx_buf *b, const char *str)
{
	size_t n = strlen(str);
	idx_buf_varint(b, n);
	idx_buf_put(b, str, n);
}

/* An id of ids whose set carries service label svc. */
static uint32_t id_with_label(struct cl_state *s, const uint32_t *ids,
			      size_t n, uint32_t svc)
{
	for (size_t i = 0; i < n; i++)
		if (cl_map_get(&s->guard, unionfind_find(&s->uf, ids[i])) == svc)
			return ids[i];
	return ids[0];
}

static void refuse(struct cl_state *s, const uint32_t *ids, size_t n,
		   const struct idx_tx *tx, enum cluster_heuristic h,
		   uint32_t la, uint32_t lb)
{
	struct cluster_build_stats *st = s->stats;
	struct idx_buf v;
	uint8_t k[6];
	uint32_t a = id_with_label(s, ids, n, la), b = id_with_label(s, ids, n, lb);
	const char *na = s->tags.svc_names[la - 1], *nb = s->tags.svc_names[lb - 1];

	idx_buf_init(&v);
	idx_buf_varint(&v, tx->txnum);
	idx_buf_put(&v, tx->txid.b, 32);
	idx_buf_varint(&v, (uint64_t)h);
	idx_buf_u32be(&v, a);
	idx_buf_u32be(&v, b);
	put_str(&v, na);
	put_str(&v, nb);
	store_batch_put(s->batch, k, cl_key(k, CLUSTER_K_REFUSED, (uint32_t)s->meta.refused),
			v.p, v.len);
	idx_buf_release(&v);
	s->pending++;
	s->meta.refused++;
	if (st->n_examples < CLUSTER_REFUSED_EXAMPLES) {
		struct cluster_refusal *e = &st->examples[st->n_examples++];
		e->txnum = tx->txnum;
		e->txid = tx->txid;
		e->heuristic = h;
		e->a = a;
		e->b = b;
		tag_set_field(e->label_a, na);
		tag_set_field(e->label_b, nb);
	}
	st->refused++;
}

/* Two different service labels among the roots: *la, *lb set. */
static bool guard_conflict(struct cl_state *s, size_t m, uint32_t *la,
			   uint32_t *lb, uint32_t *label)
{
	*label = 0;
	for (size_t i = 0; i < m; i++) {
		uint32_t l = cl_map_get(&s->guard, s->scratch[i]);
		if (l == 0)
			continue;
		if (*label && l != *label) {
			*la = *label;
			*lb = l;
			return true;
		}
		*label = l;
	}
	return false;
}

bool cl_merge(struct cl_state *s, bool *refused, const uint32_t *ids, size_t n,
	      const struct idx_tx *tx, enum cluster_heuristic h,
	      unsigned confidence, const char **why)
{
	uint32_t la, lb, label = 0;
	uint64_t merged = 0;

	*refused = false;
	if (!scratch_fit(s, n))
		return (*why = "out of memory"), false;
	size_t m = distinct_roots(s, ids, n);
	if (m < 2)
		return true;
	if (s->opt.guard && guard_conflict(s, m, &la, &lb, &label)) {
		refuse(s, ids, n, tx, h, la, lb);
		*refused = true;
		return true;
	}
	/* s->scratch is free again: it collects the ids that joined. */
	for (size_t i = 1; i < n; i++)
		if (unionfind_union(&s->uf, ids[0], ids[i]))
			s->scratch[merged++] = ids[i];
	if (merged)
		cl_edge_put(s, ids[0], s->scratch, (size_t)merged, tx->txnum, h,
			    confidence);
	if (label && !cl_map_set(&s->guard, unionfind_find(&s->uf, ids[0]), label))
		return (*why = "out of memory"), false;
	if (h == CLUSTER_H_MULTI_INPUT) {
		s->stats->merges_multi += merged;
		s->meta.txs_multi += merged > 0;
	} else {
		s->stats->merges_change += merged;
	}
	return true;
}

/* Cheap test first: every CoinJoin rule needs two equal outputs, or two
 * outputs and an input larger than both (PayJoin-like). */
static bool coinjoin_shape(const struct idx_tx *tx)
{
	uint64_t max_out = 0;

	if (tx->n_in < 2 || tx->n_out < 2)
		return false;
	if (tx->n_out > 32)
		return true;  /* large: let the detector decide */
	for (uint32_t i = 0; i < tx->n_out; i++) {
		if (tx->out[i].value > max_out)
			max_out = tx->out[i].value;
		for (uint32_t j = i + 1; j < tx->n_out; j++)
			if (tx->out[i].value == tx->out[j].value)
				return true;
	}
	for (uint32_t i = 0; i < tx->n_in; i++)
		if (tx->in[i].value > max_out)
			return true;
	return false;
}

/* Each input's prior owner: its set in the clustering so far. */
static void set_owners(struct cl_state *s, struct coinjoin_input *ci,
		       const struct idx_tx *tx)
{
	for (uint32_t i = 0; i < tx->n_in; i++) {
		ci[i].has_owner = true;
		ci[i].owner = unionfind_find(&s->uf, (uint32_t)tx->in[i].addr);
	}
}

/* Records a verdict other than "not a mix" under C j txnum. */
static void note_verdict(struct cl_state *s, const struct idx_tx *tx,
			 const struct coinjoin_result *r)
{
	struct idx_buf v;
	uint8_t k[CL_MIX_KEY_LEN];

	idx_buf_init(&v);
	cl_mix_encode(&v, r);
	store_batch_put(s->batch, k, cl_mix_key(k, tx->txnum), v.p, v.len);
	idx_buf_release(&v);
	s->pending++;
	if (r->verdict == COINJOIN_MIX)
		s->stats->mixes++;
	else
		s->stats->possible++;
}

/* Runs the CoinJoin detector on a candidate (lookups of every input's
 * and output's owner key), judging owners by the clustering so far. */
static bool judge(struct cl_state *s, enum coinjoin_verdict *verdict,
		  const struct idx_tx *tx, const char **why)
{
	struct coinjoin_idx b;
	struct coinjoin_result r;
	bool ok;

	*verdict = COINJOIN_NOT;
	if (!coinjoin_shape(tx))
		return true;
	s->stats->coinjoin_checked++;
	ok = coinjoin_idx_fill(&b, s->st, tx, s->net, why);
	if (ok)
		set_owners(s, b.ci, tx);
	ok = ok && coinjoin_detect(&r, &b.view, why);
	if (ok && r.verdict != COINJOIN_NOT) {
		note_verdict(s, tx, &r);
		*verdict = r.verdict;
	}
	coinjoin_idx_release(&b);
	return ok;
}

static bool multi_input(struct cl_state *s, bool *cj, const struct idx_tx *tx,
			const char **why)
{
	enum coinjoin_verdict verdict = COINJOIN_NOT;
	bool refused;

	if (tx->n_in > s->ids_cap) {
		uint32_t *p = realloc(s->ids, tx->n_in * sizeof(*p));
		if (!p)
			return (*why = "out of memory"), false;
		s->ids = p;
		s->ids_cap = tx->n_in;
	}
	for (uint32_t i = 0; i < tx->n_in; i++)
		s->ids[i] = (uint32_t)tx->in[i].addr;
	if (!scratch_fit(s, tx->n_in))
		return (*why = "out of memory"), false;
	if (distinct_roots(s, s->ids, tx->n_in) < 2)
		return true;
	if (s->opt.coinjoin_skip && !judge(s, &verdict, tx, why))
		return false;
	*cj = verdict == COINJOIN_MIX ||
	      (verdict == COINJOIN_POSSIBLE && !s->opt.merge_possible);
	if (*cj) {
		s->stats->coinjoin_skipped++;
		return true;
	}
	s->stats->possible_merged += verdict == COINJOIN_POSSIBLE;
	return cl_merge(s, &refused, s->ids, tx->n_in, tx, CLUSTER_H_MULTI_INPUT,
			100, why);
}

bool cl_process_tx(struct cl_state *s, const struct idx_tx *tx,
		   const char **why)
{
	bool cj = false;

	for (uint32_t i = 0; !tx->coinbase && i < tx->n_in; i++)
		if (!cl_touch(s, tx->in[i].addr, why))
			return false;
	for (uint32_t o = 0; o < tx->n_out; o++)
		if (!cl_touch(s, tx->out[o].addr, why))
			return false;
	if (!tx->coinbase && tx->n_in >= 2 && !multi_input(s, &cj, tx, why))
		return false;
	if (!tx->coinbase && !cj && s->opt.change && !cl_change(s, tx, why))
		return false;
	for (uint32_t o = 0; o < tx->n_out; o++)
		if (tx->out[o].addr >= s->seen_addr)
			s->seen_addr = tx->out[o].addr + 1;
	return true;
}
