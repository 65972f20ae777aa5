/* The multi-input heuristic with CoinJoin skipping, and the merge step
 * shared by every heuristic: the collapse guard, the union and the
 * evidence edge. */
#include "cluster_int.h"

#include "proceeds/coinjoin.h"
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
	for (size_t i = 1; i < n; i++) {
		if (unionfind_union(&s->uf, ids[0], ids[i])) {
			cl_edge_put(s, ids[0], ids[i], tx->txnum, h, confidence);
			merged++;
		}
	}
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

/* Cheap test first: every CoinJoin rule needs two equal outputs. */
static bool coinjoin_shape(const struct idx_tx *tx)
{
	if (tx->n_in < 2 || tx->n_out < 2)
		return false;
	if (tx->n_out <= 32) {
		for (uint32_t i = 0; i < tx->n_out; i++)
			for (uint32_t j = i + 1; j < tx->n_out; j++)
				if (tx->out[i].value == tx->out[j].value)
					return true;
		return false;
	}
	return true;  /* large: let the detector decide */
}

/* The output script rebuilt from its owner key (OP_RETURN: a bare one). */
static bool out_script(struct store *st, uint8_t script[42], size_t *len,
		       const struct idx_output *o, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	*len = 0;
	if (o->type == SCRIPT_OP_RETURN) {
		script[0] = 0x6a;
		*len = 1;
		return true;
	}
	if (!idxq_addr_key(st, key, &kl, &found, o->addr, why))
		return false;
	if (found)
		*len = script_from_owner_key(script, key, kl);
	return true;
}

static bool in_view(struct store *st, struct coinjoin_input *ci,
		    const struct idx_input *in, const char **why)
{
	uint8_t script[42];
	size_t kl, sl;
	bool found;

	memset(ci, 0, sizeof(*ci));
	ci->value = in->value;
	ci->type = SCRIPT_NONSTANDARD;
	if (!idxq_addr_key(st, ci->key, &kl, &found, in->addr, why))
		return false;
	if (!found)
		return true;
	ci->key_len = (uint8_t)kl;
	sl = script_from_owner_key(script, ci->key, kl);
	if (sl) {
		struct script_info si;
		script_classify(&si, script, sl);
		ci->type = si.type;
	}
	return true;
}

struct cj_buf {
	struct tx t;
	struct tx_in *ins;
	struct tx_out *outs;
	uint8_t (*scripts)[42];
	struct coinjoin_input *ci;
};

static bool cj_fill(struct store *st, struct cj_buf *b, const struct idx_tx *tx,
		    const char **why)
{
	memset(&b->t, 0, sizeof(b->t));
	b->t.version = tx->version;
	b->t.locktime = tx->locktime;
	b->t.n_in = tx->n_in;
	b->t.n_out = tx->n_out;
	b->t.in = b->ins;
	b->t.out = b->outs;
	b->t.txid = tx->txid;
	for (uint32_t i = 0; i < tx->n_in; i++) {
		memset(&b->ins[i], 0, sizeof(b->ins[i]));
		b->ins[i].prev_vout = tx->in[i].prev_vout;
		if (!in_view(st, &b->ci[i], &tx->in[i], why))
			return false;
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		size_t sl;
		if (!out_script(st, b->scripts[o], &sl, &tx->out[o], why))
			return false;
		b->outs[o].value = tx->out[o].value;
		b->outs[o].script = b->scripts[o];
		b->outs[o].script_len = (uint32_t)sl;
	}
	return true;
}

/* Runs the CoinJoin detectors on a candidate (lookups of every input's
 * and output's owner key). */
static bool is_coinjoin(struct cl_state *s, bool *cj, const struct idx_tx *tx,
			const char **why)
{
	struct cj_buf b;
	struct coinjoin_result r;
	bool ok;

	*cj = false;
	if (!coinjoin_shape(tx))
		return true;
	s->stats->coinjoin_checked++;
	b.ins = calloc(tx->n_in, sizeof(*b.ins));
	b.ci = calloc(tx->n_in, sizeof(*b.ci));
	b.outs = calloc(tx->n_out, sizeof(*b.outs));
	b.scripts = calloc(tx->n_out, sizeof(*b.scripts));
	ok = b.ins && b.ci && b.outs && b.scripts;
	if (!ok)
		*why = "out of memory";
	ok = ok && cj_fill(s->st, &b, tx, why);
	struct coinjoin_view v = { &b.t, b.ci, tx->height, s->net };
	ok = ok && coinjoin_detect(&r, &v, why);
	*cj = ok && r.kind != COINJOIN_NONE;
	free(b.ins);
	free(b.ci);
	free(b.outs);
	free(b.scripts);
	return ok;
}

static bool multi_input(struct cl_state *s, bool *cj, const struct idx_tx *tx,
			const char **why)
{
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
	if (s->opt.coinjoin_skip && !is_coinjoin(s, cj, tx, why))
		return false;
	if (*cj) {
		s->stats->coinjoin_skipped++;
		return true;
	}
	return cl_merge(s, &refused, s->ids, tx->n_in, tx, CLUSTER_H_MULTI_INPUT,
			100, why);
}

bool cl_process_tx(struct cl_state *s, const struct idx_tx *tx,
		   const char **why)
{
	bool cj = false;

	if (!tx->coinbase && tx->n_in >= 2 && !multi_input(s, &cj, tx, why))
		return false;
	if (!tx->coinbase && !cj && s->opt.change && !cl_change(s, tx, why))
		return false;
	for (uint32_t o = 0; o < tx->n_out; o++)
		if (tx->out[o].addr >= s->seen_addr)
			s->seen_addr = tx->out[o].addr + 1;
	return true;
}
