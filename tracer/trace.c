/* The trace engine's pass in chain order (see trace.h). */
#include "trace_int.h"
#include "proceeds/index_query.h"

#include <assert.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *trace_status_name(enum trace_status s)
{
	switch (s) {
	case TRACE_FOLLOWED: return "followed";
	case TRACE_EXIT: return "exit";
	case TRACE_UNSPENT: return "unspent";
	case TRACE_DUST: return "dust";
	case TRACE_MAX_HOPS: return "max_hops";
	case TRACE_MAX_EDGES: return "max_edges";
	case TRACE_AFTER_BEFORE: return "after_before";
	}
	return "?";
}

const char *trace_coinjoin_rule_name(enum trace_coinjoin_rule r)
{
	switch (r) {
	case TRACE_CJ_MODEL: return "model";
	case TRACE_CJ_HAIRCUT: return "haircut";
	}
	return "?";
}

bool trace_coinjoin_rule_from_name(enum trace_coinjoin_rule *out, const char *name)
{
	if (strcmp(name, "model") == 0)
		*out = TRACE_CJ_MODEL;
	else if (strcmp(name, "haircut") == 0)
		*out = TRACE_CJ_HAIRCUT;
	else
		return false;
	return true;
}

bool trace_grow(void **p, size_t *cap, size_t need, size_t el)
{
	size_t n = *cap ? *cap : 16;
	void *q;

	if (need <= *cap)
		return true;
	while (n < need)
		n *= 2;
	q = realloc(*p, n * el);
	if (!q)
		return false;
	*p = q;
	*cap = n;
	return true;
}

bool trace_note(struct trace_result *r, const char *fmt, ...)
{
	char buf[512], **n;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	n = realloc(r->notes, (r->n_notes + 1) * sizeof(*n));
	if (!n)
		return false;
	r->notes = n;
	if (!(n[r->n_notes] = strdup(buf)))
		return false;
	r->n_notes++;
	return true;
}

/* ---- outpoint map ---- */

static size_t slot_hash(uint64_t txnum, uint32_t vout, size_t cap)
{
	uint64_t h = (txnum * 0x9e3779b97f4a7c15ULL) ^ ((uint64_t)vout * 0xc2b2ae3d27d4eb4fULL);
	return (size_t)(h ^ (h >> 29)) & (cap - 1);
}

static uint32_t map_find(const struct trace_ctx *c, uint64_t txnum, uint32_t vout)
{
	if (!c->map_cap)
		return 0;
	for (size_t k = slot_hash(txnum, vout, c->map_cap);; k = (k + 1) & (c->map_cap - 1)) {
		const struct trace_slot *s = &c->map[k];
		if (!s->idx1 || (s->txnum == txnum && s->vout == vout))
			return s->idx1;
	}
}

uint32_t trace_find(const struct trace_ctx *c, uint64_t txnum, uint32_t vout)
{
	return map_find(c, txnum, vout);
}

static void map_put_raw(struct trace_slot *map, size_t cap, const struct trace_slot *v)
{
	size_t k = slot_hash(v->txnum, v->vout, cap);
	while (map[k].idx1)
		k = (k + 1) & (cap - 1);
	map[k] = *v;
}

static bool map_put(struct trace_ctx *c, uint64_t txnum, uint32_t vout, uint32_t idx)
{
	struct trace_slot v = { txnum, vout, idx + 1 };

	if (2 * (c->map_n + 1) > c->map_cap) {
		size_t cap = c->map_cap ? 2 * c->map_cap : 1024;
		struct trace_slot *m = calloc(cap, sizeof(*m));
		if (!m)
			return false;
		for (size_t k = 0; k < c->map_cap; k++)
			if (c->map[k].idx1)
				map_put_raw(m, cap, &c->map[k]);
		free(c->map);
		c->map = m;
		c->map_cap = cap;
	}
	map_put_raw(c->map, c->map_cap, &v);
	c->map_n++;
	return true;
}

/* ---- min-heap of spending txnums ---- */

bool trace_heap_push(struct trace_ctx *c, uint64_t txnum)
{
	size_t i;

	if (!trace_grow((void **)&c->heap, &c->heap_cap, c->heap_n + 1, sizeof(*c->heap)))
		return false;
	for (i = c->heap_n++; i > 0 && c->heap[(i - 1) / 2] > txnum; i = (i - 1) / 2)
		c->heap[i] = c->heap[(i - 1) / 2];
	c->heap[i] = txnum;
	return true;
}

static uint64_t heap_pop(struct trace_ctx *c)
{
	uint64_t top = c->heap[0], last = c->heap[--c->heap_n];
	size_t i = 0;

	for (;;) {
		size_t k = 2 * i + 1;
		if (k >= c->heap_n)
			break;
		if (k + 1 < c->heap_n && c->heap[k + 1] < c->heap[k])
			k++;
		if (c->heap[k] >= last)
			break;
		c->heap[i] = c->heap[k];
		i = k;
	}
	if (c->heap_n)
		c->heap[i] = last;
	return top;
}

/* ---- records ---- */

/* Appends a record for txnum:vout of tx (state st, taken over). */
static bool add_out(struct trace_ctx *c, size_t *idx, const struct idx_tx *tx,
		    uint32_t vout, struct taint_state *st, const char **why)
{
	struct trace_result *r = c->r;
	struct trace_out *o;

	if (map_find(c, tx->txnum, vout)) {
		taint_state_free(st);
		return (*why = "a seed is reached by the taint of another seed: "
			       "trace them separately"), false;
	}
	if (!trace_grow((void **)&r->outs, &c->outs_cap, r->n_outs + 1, sizeof(*r->outs)) ||
	    !map_put(c, tx->txnum, vout, (uint32_t)r->n_outs)) {
		taint_state_free(st);
		return (*why = "out of memory"), false;
	}
	o = &r->outs[r->n_outs];
	memset(o, 0, sizeof(*o));
	o->txnum = tx->txnum;
	o->vout = vout;
	o->height = tx->height;
	o->txid = tx->txid;
	o->value = tx->out[vout].value;
	o->addr = tx->out[vout].addr;
	o->st = st;
	o->mixed = (st->flags & TAINT_F_MIXED) != 0;
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if (r->params.models & TAINT_MODEL_BIT(m))
			o->traced[m] = taint_state_amount(st, (enum taint_model)m, TAINT_SOURCE_ANY);
	*idx = r->n_outs++;
	return true;
}

static bool add_seed(struct trace_ctx *c, const struct trace_seed *s, uint32_t source,
		     const char **why)
{
	struct idx_tx tx;
	struct taint_state *st;
	bool found, ok;
	size_t idx;

	if (!idxq_tx(c->st, &tx, &found, s->txnum, why))
		return false;
	if (!found || s->vout >= tx.n_out) {
		if (found)
			idx_tx_release(&tx);
		return (*why = "seed output not in the index"), false;
	}
	ok = taint_state_seed(&st, tx.out[s->vout].value,
			      s->amount ? s->amount : tx.out[s->vout].value, source, why) &&
	     add_out(c, &idx, &tx, s->vout, st, why);
	idx_tx_release(&tx);
	if (!ok)
		return false;
	c->r->outs[idx].seed = true;
	c->r->seeded += s->amount ? s->amount : c->r->outs[idx].value;
	c->r->n_seeds++;
	return true;
}

/* ---- one transaction ---- */

static bool resize(void *pp, size_t n, size_t el)
{
	void **p = pp, *q = realloc(*p, n * el);

	if (!q)
		return false;
	*p = q;
	return true;
}

bool trace_scratch(struct trace_ctx *c, size_t n_in, size_t n_out)
{
	if (n_in > c->in_cap) {
		size_t cap = n_in + 16;
		if (!resize(&c->in, cap, sizeof(*c->in)) ||
		    !resize(&c->cji, cap, sizeof(*c->cji)) ||
		    !resize(&c->cj_in, cap, sizeof(*c->cj_in)))
			return false;
		c->in_cap = cap;
	}
	if (n_out > c->out_cap) {
		size_t cap = n_out + 16;
		if (!resize(&c->outv, cap, sizeof(*c->outv)) ||
		    !resize(&c->cj_out, cap, sizeof(*c->cj_out)) ||
		    !resize(&c->cj_script, cap, sizeof(*c->cj_script)))
			return false;
		c->out_cap = cap;
	}
	return true;
}

/* The tainted inputs of tx into in[] and from[]; *hop = nearest + 1. */
static bool gather_inputs(struct trace_ctx *c, const struct idx_tx *tx, uint32_t *hop,
			  size_t *n_from)
{
	struct trace_result *r = c->r;

	*hop = UINT32_MAX;
	*n_from = 0;
	for (uint32_t i = 0; i < tx->n_in; i++) {
		uint32_t k1 = map_find(c, tx->in[i].prev_txnum, tx->in[i].prev_vout);
		struct trace_out *o = k1 ? &r->outs[k1 - 1] : NULL;

		c->in[i].value = tx->in[i].value;
		c->in[i].state = NULL;
		if (!o || o->status != TRACE_FOLLOWED || o->consumed)
			continue;
		c->in[i].state = o->st;
		if (!trace_grow((void **)&r->from, &c->from_cap, r->n_from + *n_from + 1,
				 sizeof(*r->from)))
			return false;
		r->from[r->n_from + (*n_from)++] = k1 - 1;
		*hop = o->hop + 1 < *hop ? o->hop + 1 : *hop;
	}
	return true;
}

/* Adds the fee and the flooring dust of res to the totals. */
static void account(struct trace_result *r, const struct taint_tx_result *res)
{
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++) {
		if (!(r->params.models & TAINT_MODEL_BIT(m)))
			continue;
		r->tot[TRACE_FEES][m] += taint_state_amount(&res->fee, (enum taint_model)m,
							    TAINT_SOURCE_ANY);
		for (uint32_t j = 0; j < res->n_dust[m]; j++)
			r->tot[TRACE_DUST_PART][m] += res->dust[m][j].sat;
	}
}

static bool new_outputs(struct trace_ctx *c, const struct idx_tx *tx,
			const struct taint_tx_result *res, uint32_t hop,
			size_t from_start, size_t n_from, enum coinjoin_kind cj,
			uint32_t mix1, const char **why)
{
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct taint_state *st;
		size_t idx;

		if (taint_state_is_clean(&res->out[o]))
			continue;
		if (!(st = taint_state_dup(&res->out[o])))
			return (*why = "out of memory"), false;
		if (!add_out(c, &idx, tx, o, st, why))
			return false;
		c->r->outs[idx].hop = hop;
		c->r->outs[idx].coinjoin = cj;
		c->r->outs[idx].mix1 = mix1;
		c->r->outs[idx].from_start = (uint32_t)from_start;
		c->r->outs[idx].n_from = (uint32_t)n_from;
		if (!trace_classify(c, idx, why))
			return false;
	}
	return true;
}

/* taint_tx's options for a tx of CoinJoin kind cj under the params' rule. */
static unsigned mix_opts(const struct trace_params *p, enum coinjoin_kind cj)
{
	if (cj == COINJOIN_NONE)
		return 0;
	switch (p->coinjoin_rule) {
	case TRACE_CJ_MODEL: return TAINT_TX_MIXED_ONLY;
	case TRACE_CJ_HAIRCUT: return TAINT_TX_MIX;
	}
	assert(!"bad coinjoin rule");
	return TAINT_TX_MIX;
}

/* Records tx's verdict when it is a mix or a possible mix: *mix1 is its
 * index + 1 in the result's mixes (0 when not), *cj the kind it is
 * crossed as (a mix only). */
static bool judge_tx(struct trace_ctx *c, uint32_t *mix1, enum coinjoin_kind *cj,
		     const struct idx_tx *tx, const char **why)
{
	struct trace_result *r = c->r;
	struct trace_mix *m;

	*mix1 = 0;
	*cj = COINJOIN_NONE;
	if (tx->n_in < 2 || tx->n_out < 2)
		return true;
	if (!trace_grow((void **)&r->mixes, &c->mixes_cap, r->n_mixes + 1, sizeof(*r->mixes)))
		return (*why = "out of memory"), false;
	m = &r->mixes[r->n_mixes];
	if (!trace_coinjoin(c, &m->cj, &m->recorded, tx, why))
		return false;
	if (m->cj.verdict == COINJOIN_NOT)
		return true;
	m->txnum = tx->txnum;
	m->height = tx->height;
	m->txid = tx->txid;
	*mix1 = (uint32_t)++r->n_mixes;
	if (m->cj.verdict == COINJOIN_MIX)
		*cj = m->cj.kind;
	return true;
}

static bool run_tx_body(struct trace_ctx *c, const struct idx_tx *tx, const char **why)
{
	struct trace_result *r = c->r;
	const struct taint_tx_result *res;
	enum coinjoin_kind cj;
	size_t n_from, from_start = r->n_from;
	uint32_t hop, mix1;

	if (!trace_scratch(c, tx->n_in, tx->n_out) || !gather_inputs(c, tx, &hop, &n_from))
		return (*why = "out of memory"), false;
	if (n_from == 0)
		return true;
	r->n_from += n_from;
	if (!judge_tx(c, &mix1, &cj, tx, why))
		return false;
	for (uint32_t o = 0; o < tx->n_out; o++)
		c->outv[o] = tx->out[o].value;
	if (!taint_tx(&c->taint, &res, r->params.models, mix_opts(&r->params, cj),
		      c->in, tx->n_in, c->outv, tx->n_out, why))
		return false;
	account(r, res);
	for (size_t k = from_start; k < from_start + n_from; k++) {
		struct trace_out *o = &r->outs[r->from[k]];
		o->consumed = true;
		taint_state_free(o->st);
		o->st = NULL;
	}
	r->n_txs++;
	return new_outputs(c, tx, res, hop, from_start, n_from, cj, mix1, why);
}

static bool run_tx(struct trace_ctx *c, uint64_t txnum, const char **why)
{
	struct idx_tx tx;
	bool found, ok;

	if (!idxq_tx(c->st, &tx, &found, txnum, why))
		return false;
	if (!found)
		return (*why = "a spent-by link names a transaction missing from the index"), false;
	ok = tx.coinbase || run_tx_body(c, &tx, why);
	idx_tx_release(&tx);
	return ok;
}

/* ---- the pass ---- */

/* max-edges reached: everything still waiting is stopped where it is. */
static bool stop_rest(struct trace_ctx *c, uint64_t txnum, const char **why)
{
	struct trace_result *r = c->r;
	uint32_t height = 0;

	for (size_t i = 0; i < r->n_outs; i++) {
		struct trace_out *o = &r->outs[i];
		if (o->status != TRACE_FOLLOWED || o->consumed)
			continue;
		o->status = TRACE_MAX_EDGES;
		taint_state_free(o->st);
		o->st = NULL;
	}
	c->heap_n = 0;
	if (!idxq_tx_height(c->st, &height, r->tip.height, txnum, why))
		return false;
	if (!trace_note(r, "max-edges (%llu) reached at height %u: the trace is incomplete",
			(unsigned long long)r->params.max_edges, height))
		return (*why = "out of memory"), false;
	return true;
}

/* Sums the settled outputs into the totals. */
static void settle_totals(struct trace_result *r)
{
	for (size_t i = 0; i < r->n_outs; i++) {
		const struct trace_out *o = &r->outs[i];
		enum trace_part part = TRACE_STOPPED;
		switch (o->status) {
		case TRACE_FOLLOWED: continue;
		case TRACE_EXIT: part = TRACE_AT_EXITS; break;
		case TRACE_UNSPENT: part = TRACE_UNSPENT_PART; break;
		case TRACE_DUST: part = TRACE_DUST_PART; break;
		case TRACE_MAX_HOPS: case TRACE_MAX_EDGES: case TRACE_AFTER_BEFORE:
			part = TRACE_STOPPED;
			break;
		}
		for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
			r->tot[part][m] += o->traced[m];
	}
}

static bool pass(struct trace_ctx *c, const struct trace_seed *seeds, size_t n_seeds,
		 const char **why)
{
	uint64_t last = UINT64_MAX;

	for (size_t i = 0; i < n_seeds; i++)
		if (!add_seed(c, &seeds[i], (uint32_t)i, why))
			return false;
	for (size_t i = 0; i < n_seeds; i++)
		if (!trace_classify(c, i, why))
			return false;
	while (c->heap_n) {
		uint64_t t = heap_pop(c);
		if (t == last)
			continue;
		last = t;
		if (c->r->n_outs >= c->r->params.max_edges)
			return stop_rest(c, t, why);
		if (!run_tx(c, t, why))
			return false;
	}
	return true;
}

static void ctx_release(struct trace_ctx *c)
{
	taint_ctx_release(&c->taint);
	free(c->map);
	free(c->amap);
	free(c->heap);
	free(c->in);
	free(c->outv);
	free(c->cji);
	free(c->cj_in);
	free(c->cj_out);
	free(c->cj_script);
}

bool trace_run(struct trace_result *out, struct store *st, enum network net,
	       const struct idx_tip *tip, const struct trace_params *p,
	       const struct trace_seed *seeds, size_t n_seeds, const char **why)
{
	struct trace_ctx c;
	bool ok;

	assert(p->models && !(p->models & ~TAINT_MODELS_ALL));
	memset(out, 0, sizeof(*out));
	memset(&c, 0, sizeof(c));
	out->tip = *tip;
	out->params = *p;
	c.st = st;
	c.net = net;
	c.r = out;
	taint_ctx_init(&c.taint);
	ok = pass(&c, seeds, n_seeds, why) && trace_demix(&c, why);
	ctx_release(&c);
	if (!ok) {
		trace_result_release(out);
		return false;
	}
	for (size_t i = 0; i < out->n_outs; i++) {
		taint_state_free(out->outs[i].st);
		out->outs[i].st = NULL;
	}
	settle_totals(out);
	return true;
}

void trace_result_release(struct trace_result *r)
{
	for (size_t i = 0; i < r->n_outs; i++)
		taint_state_free(r->outs[i].st);
	for (size_t i = 0; i < r->n_ents; i++) {
		free(r->ents[i].label);
		free(r->ents[i].source);
		free(r->ents[i].confidence);
	}
	for (size_t i = 0; i < r->n_notes; i++)
		free(r->notes[i]);
	free(r->outs);
	free(r->from);
	free(r->ents);
	free(r->notes);
	free(r->mixes);
	free(r->links);
	free(r->refs);
	memset(r, 0, sizeof(*r));
}
