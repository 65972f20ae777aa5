/* Settling one traced output (see trace.h): exits tagged or inferred from
 * a sweep, dust, unspent, the limits; and the CoinJoin check of a tx. */
#include "trace_int.h"
#include "proceeds/attrib.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

bool trace_block_time(struct trace_ctx *c, uint32_t *time, uint32_t height,
		      const char **why)
{
	struct idx_block b;
	bool found;

	if (!idxq_block_at(c->st, &b, &found, height, why))
		return false;
	if (!found)
		return (*why = "block record missing from the index"), false;
	*time = b.time;
	return true;
}

/* ---- entities, cached per address id ---- */

static size_t ahash(uint64_t addr, size_t cap)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ULL;
	return (size_t)(h ^ (h >> 31)) & (cap - 1);
}

static bool amap_put(struct trace_ctx *c, uint64_t addr, uint32_t ent2,
		     const struct attrib_via *via)
{
	if (2 * (c->amap_n + 1) > c->amap_cap) {
		size_t cap = c->amap_cap ? 2 * c->amap_cap : 1024;
		struct trace_aslot *m = calloc(cap, sizeof(*m));
		if (!m)
			return false;
		for (size_t k = 0; k < c->amap_cap; k++) {
			size_t j;
			if (!c->amap[k].ent2)
				continue;
			for (j = ahash(c->amap[k].addr, cap); m[j].ent2; j = (j + 1) & (cap - 1))
				;
			m[j] = c->amap[k];
		}
		free(c->amap);
		c->amap = m;
		c->amap_cap = cap;
	}
	size_t j = ahash(addr, c->amap_cap);
	while (c->amap[j].ent2)
		j = (j + 1) & (c->amap_cap - 1);
	c->amap[j] = (struct trace_aslot){ addr, ent2, *via };
	c->amap_n++;
	return true;
}

static uint32_t amap_get(const struct trace_ctx *c, struct attrib_via *via,
			 uint64_t addr)
{
	memset(via, 0, sizeof(*via));
	if (!c->amap_cap)
		return 0;
	for (size_t j = ahash(addr, c->amap_cap);; j = (j + 1) & (c->amap_cap - 1))
		if (!c->amap[j].ent2 || c->amap[j].addr == addr) {
			if (c->amap[j].ent2)
				*via = c->amap[j].via;
			return c->amap[j].ent2;
		}
}

/* The entity index of e in the result, adding it (takes its strings). */
static bool intern(struct trace_result *r, uint32_t *idx, struct attrib_entity *e)
{
	struct trace_entity *n;

	for (size_t i = 0; i < r->n_ents; i++)
		if (r->ents[i].category == e->category && strcmp(r->ents[i].label, e->label) == 0) {
			attrib_entity_release(e);
			*idx = (uint32_t)i;
			return true;
		}
	n = realloc(r->ents, (r->n_ents + 1) * sizeof(*n));
	if (!n)
		return false;
	r->ents = n;
	n[r->n_ents] = (struct trace_entity){ e->label, e->category, e->source,
					      e->confidence, e->score };
	memset(e, 0, sizeof(*e));
	*idx = (uint32_t)r->n_ents++;
	return true;
}

/* *ent: entity index, or -1 when the address has none; *via: how. */
static bool entity_of(struct trace_ctx *c, int64_t *ent, struct attrib_via *via,
		      uint64_t addr, const char **why)
{
	uint32_t e2 = amap_get(c, via, addr), idx = 0;
	struct attrib_entity e;
	bool found;

	if (!e2) {
		if (!attrib_lookup(c->st, &e, via, &found, addr, c->r->params.stop_mask, why))
			return false;
		if (found && !intern(c->r, &idx, &e)) {
			attrib_entity_release(&e);
			return (*why = "out of memory"), false;
		}
		e2 = found ? idx + 2 : 1;
		if (!amap_put(c, addr, e2, via))
			return (*why = "out of memory"), false;
	}
	*ent = (int64_t)e2 - 2;
	return true;
}

static bool is_stop(const struct trace_ctx *c, int64_t ent)
{
	return ent >= 0 && (c->r->params.stop_mask & (1u << c->r->ents[ent].category));
}

/* ---- deposit addresses inferred from sweeps ---- */

struct reuse_scan {
	uint64_t txnum;         /* the candidate sweep */
	uint32_t tip_height;
	bool reused;
};

static bool reuse_one(void *ctx, const struct idxq_hist *h)
{
	struct reuse_scan *s = ctx;

	if (h->txnum != s->txnum && h->height <= s->tip_height)
		s->reused = true;
	return !s->reused;
}

/* Whether addr received in a transaction other than txnum up to the
 * trace's tip: a collecting address (a hot wallet), not a one-time
 * deposit address. Stops at the first such receipt. */
static bool is_collecting(struct trace_ctx *c, bool *yes, uint64_t addr, uint64_t txnum,
			  const char **why)
{
	struct reuse_scan s = { txnum, c->r->tip.height, false };

	if (!idxq_history(c->st, addr, reuse_one, &s, why))
		return false;
	*yes = s.reused;
	return true;
}

/* Whether tx is a sweep into one stop-category entity (*ent, else -1;
 * *via: how its last output's entity was found): every output of non-zero
 * value pays that entity, and one of them pays a collecting address of it
 * (is_collecting). A spend paying only one-time addresses of the entity
 * is a payment into it: those addresses are the exits, reached by
 * following the spend (docs/trace-format.md). */
bool trace_sweep_into(struct trace_ctx *c, int64_t *ent, struct attrib_via *via,
		      const struct idx_tx *tx, const char **why)
{
	bool collecting = false;

	*ent = -1;
	for (uint32_t o = 0; o < tx->n_out; o++) {
		int64_t e;
		if (tx->out[o].value == 0)
			continue;
		if (!entity_of(c, &e, via, tx->out[o].addr, why))
			return false;
		if (!is_stop(c, e) || (*ent >= 0 && e != *ent)) {
			*ent = -1;
			return true;
		}
		*ent = e;
	}
	for (uint32_t o = 0; *ent >= 0 && !collecting && o < tx->n_out; o++)
		if (tx->out[o].value != 0 &&
		    !is_collecting(c, &collecting, tx->out[o].addr, tx->txnum, why))
			return false;
	if (!collecting)
		*ent = -1;
	return true;
}

/* The spend sp of a traced output: a sweep into *ent (else -1)? */
static bool spend_sweeps(struct trace_ctx *c, int64_t *ent, struct attrib_via *via,
			 struct hash256 *txid, const struct idx_spend *sp, const char **why)
{
	struct idx_tx tx;
	bool found, ok;

	if (!idxq_tx(c->st, &tx, &found, sp->txnum, why))
		return false;
	if (!found)
		return (*why = "a spent-by link names a transaction missing from the index"), false;
	ok = trace_sweep_into(c, ent, via, &tx, why);
	*txid = tx.txid;
	idx_tx_release(&tx);
	return ok;
}

static bool sweep_check(struct trace_ctx *c, size_t i, const struct idx_spend *sp,
			const char **why)
{
	struct hash256 txid;
	int64_t ent;
	struct attrib_via via;

	if (!spend_sweeps(c, &ent, &via, &txid, sp, why))
		return false;
	if (ent >= 0) {
		struct trace_out *o = &c->r->outs[i];
		o->status = TRACE_EXIT;
		o->entity = (uint32_t)ent;
		o->basis = TRACE_BASIS_INFERRED;
		o->via = via;
		o->has_sweep = true;
		o->sweep_txid = txid;
		o->sweep_height = sp->height;
	}
	return true;
}

bool trace_deposit_entity(struct trace_ctx *c, int64_t *ent, uint64_t txnum,
			  uint32_t vout, uint64_t addr, const char **why)
{
	struct attrib_via via;
	struct idx_spend sp;
	struct hash256 txid;
	bool spent;

	*ent = -1;
	if (!c->r->params.stop_mask)
		return true;
	if (!entity_of(c, ent, &via, addr, why))
		return false;
	if (is_stop(c, *ent))
		return true;
	*ent = -1;
	if (!idxq_spent(c->st, &sp, &spent, txnum, vout, why))
		return false;
	if (!spent || sp.height > c->r->tip.height)
		return true;
	return spend_sweeps(c, ent, &via, &txid, &sp, why);
}

/* ---- settling ---- */

/* Dust: below min_sats in every model run but poison (poison alone when it
 * is the only model: it is the upper bound, not a measure). */
static bool is_dust(const struct trace_params *p, const struct trace_out *o)
{
	unsigned models = p->models;

	if (models != TAINT_MODEL_BIT(TAINT_POISON))
		models &= ~TAINT_MODEL_BIT(TAINT_POISON);
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if ((models & TAINT_MODEL_BIT(m)) && o->traced[m] >= p->min_sats)
			return false;
	return true;
}

/* Exit when the address is a stop entity's or was swept into one. */
static bool exit_check(struct trace_ctx *c, size_t i, bool spent,
		       const struct idx_spend *sp, const char **why)
{
	struct trace_out *o = &c->r->outs[i];
	int64_t ent;
	struct attrib_via via;

	if (!c->r->params.stop_mask)
		return true;
	if (!entity_of(c, &ent, &via, o->addr, why))
		return false;
	o = &c->r->outs[i];
	if (is_stop(c, ent)) {
		o->status = TRACE_EXIT;
		o->entity = (uint32_t)ent;
		o->basis = TRACE_BASIS_TAGGED;
		o->via = via;
		return true;
	}
	return !spent || sweep_check(c, i, sp, why);
}

static bool follow_or_stop(struct trace_ctx *c, size_t i, const struct idx_spend *sp,
			   const char **why)
{
	const struct trace_params *p = &c->r->params;
	struct trace_out *o = &c->r->outs[i];
	uint32_t t;

	if (o->hop >= p->max_hops) {
		o->status = TRACE_MAX_HOPS;
		return true;
	}
	if (p->has_before) {
		if (!trace_block_time(c, &t, sp->height, why))
			return false;
		if (t >= p->before) {
			o->status = TRACE_AFTER_BEFORE;
			return true;
		}
	}
	o->status = TRACE_FOLLOWED;
	if (!trace_heap_push(c, sp->txnum))
		return (*why = "out of memory"), false;
	return true;
}

bool trace_classify(struct trace_ctx *c, size_t i, const char **why)
{
	struct idx_spend sp;
	bool spent;
	struct trace_out *o = &c->r->outs[i];

	o->status = TRACE_FOLLOWED;
	if (!idxq_spent(c->st, &sp, &spent, o->txnum, o->vout, why))
		return false;
	/* A spend after the trace's tip is not seen: a trace at a recorded
	 * tip on a longer index (report --reproduce) is the same trace. */
	if (spent && sp.height > c->r->tip.height)
		spent = false;
	if (!exit_check(c, i, spent, &sp, why))
		return false;
	o = &c->r->outs[i];
	if (o->status == TRACE_EXIT)
		;
	else if (is_dust(&c->r->params, o))
		o->status = TRACE_DUST;
	else if (!spent)
		o->status = TRACE_UNSPENT;
	else if (!follow_or_stop(c, i, &sp, why))
		return false;
	o = &c->r->outs[i];
	if (o->status != TRACE_FOLLOWED) {
		taint_state_free(o->st);
		o->st = NULL;
	}
	return true;
}

/* ---- CoinJoins ---- */

/* The scriptPubKey of an address id, rebuilt from its owner key (P2PK
 * comes back as P2PKH: the index keeps the owner, not the script). */
static bool rebuild_script(struct trace_ctx *c, uint8_t out[42], uint32_t *len,
			   uint8_t key[SCRIPT_KEY_MAX], size_t *klen, uint64_t addr,
			   const char **why)
{
	bool found;

	if (!idxq_addr_key(c->st, key, klen, &found, addr, why))
		return false;
	if (!found)
		return (*why = "address id not in the index"), false;
	*len = (uint32_t)script_from_owner_key(out, key, *klen);
	return true;
}

/* coinjoin_detect on the inputs' owner keys (no clustering). */
static bool detect_by_keys(struct trace_ctx *c, struct coinjoin_result *res,
			   const struct idx_tx *tx, const char **why)
{
	struct tx t = { .n_in = tx->n_in, .n_out = tx->n_out, .in = c->cj_in, .out = c->cj_out };
	struct coinjoin_view v = { &t, c->cji, tx->height, c->net };
	uint8_t key[SCRIPT_KEY_MAX], script[42];
	size_t klen;
	uint32_t len;

	for (uint32_t i = 0; i < tx->n_in; i++) {
		memset(&c->cj_in[i], 0, sizeof(c->cj_in[i]));
		c->cj_in[i].prev_txid.b[0] = 1;    /* not a coinbase */
		c->cj_in[i].prev_vout = tx->in[i].prev_vout;
		if (!rebuild_script(c, script, &len, key, &klen, tx->in[i].addr, why))
			return false;
		coinjoin_input_set(&c->cji[i], tx->in[i].value, script, len);
		c->cji[i].key_len = (uint8_t)klen;
		memcpy(c->cji[i].key, key, klen);
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		if (!rebuild_script(c, c->cj_script[o], &len, key, &klen, tx->out[o].addr, why))
			return false;
		if (tx->out[o].type == SCRIPT_OP_RETURN) {
			c->cj_script[o][0] = 0x6a;
			len = 1;
		}
		c->cj_out[o] = (struct tx_out){ tx->out[o].value, c->cj_script[o], len };
	}
	return coinjoin_detect(res, &v, why);
}

/* Whether a clustering that judged mixes covers txnum (meta read once). */
static bool cluster_covers(struct trace_ctx *c, bool *yes, uint64_t txnum,
			   const char **why)
{
	struct cluster_meta m;
	bool found;

	if (!c->cl_read) {
		if (!cluster_meta_read(c->st, &m, &found, why))
			return false;
		c->cl_read = true;
		c->cl_judged = found && m.coinjoin_skip;
		c->cl_next_txnum = found ? m.next_txnum : 0;
	}
	*yes = c->cl_judged && txnum < c->cl_next_txnum;
	return true;
}

bool trace_coinjoin(struct trace_ctx *c, struct coinjoin_result *res, bool *recorded,
		    const struct idx_tx *tx, const char **why)
{
	bool found;

	*recorded = false;
	if (!cluster_covers(c, recorded, tx->txnum, why))
		return false;
	if (!*recorded)
		return detect_by_keys(c, res, tx, why);
	/* The build records mixes and possible mixes only: no record is its
	 * "not a mix" (one prior owner, or no join's shape). */
	if (!cluster_mix_get(c->st, res, &found, tx->txnum, why))
		return false;
	if (!found) {
		memset(res, 0, sizeof(*res));
		res->n_in = tx->n_in;
		res->n_out = tx->n_out;
	}
	return true;
}
