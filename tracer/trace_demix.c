/* Demixing, as evidence (see trace.h, struct trace_link): after the pass,
 * every output of every mix the trace crossed is followed one hop on.
 * Postmix outputs spent together in one transaction (co-spend), spent
 * with tainted coins that never went through a mix (with-criminal-coins),
 * or paid in separate transactions into one deposit address
 * (same-deposit) are "linked after the mix". A spend that is itself a mix
 * or a possible mix links nothing (its inputs have several owners), nor
 * does a service's sweep spend them together (the service signed it).
 * The models' amounts are not changed. */
#include "trace_int.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

/* Each heuristic's precision, measured by bench/bench_demix.sh (`make
 * bench`: `proceeds simulate --crime-demix`, seeds 1-20, 4,000 txs;
 * figures, machine and date in bench/RESULTS.md, "Beyond a CoinJoin";
 * docs/taint-models.md): links found, of which every linked output truly
 * had one owner, of which every one was the criminal's. Change them with
 * those two pages. The simulator's other mix participants co-spend and
 * reuse deposit addresses at rates that are an assumption, which the
 * co-spend and same-deposit precisions follow; with-criminal-coins is
 * 100% because nobody else holds unmixed proceeds there. */
#define DEMIX_MEASURED_ON "bench/bench_demix.sh on proceeds simulate " \
	"--crime-demix, seeds 1-20, 4,000 txs, 2026-12-04"
static const struct trace_link_rate RATES[TRACE_LINK_KIND_COUNT] = {
	[TRACE_LINK_CO_SPEND] = { 88, 88, 35, DEMIX_MEASURED_ON },
	[TRACE_LINK_WITH_CRIMINAL] = { 33, 33, 33, DEMIX_MEASURED_ON },
	[TRACE_LINK_SAME_DEPOSIT] = { 58, 58, 11, DEMIX_MEASURED_ON },
};

const char *trace_link_kind_name(enum trace_link_kind k)
{
	switch (k) {
	case TRACE_LINK_CO_SPEND: return "co-spend";
	case TRACE_LINK_WITH_CRIMINAL: return "with-criminal-coins";
	case TRACE_LINK_SAME_DEPOSIT: return "same-deposit";
	}
	return "?";
}

const struct trace_link_rate *trace_link_rate(enum trace_link_kind k)
{
	return &RATES[k];
}

/* One spent postmix output. */
struct pm_spend {
	uint32_t vout;
	uint64_t value;
	uint64_t txnum;         /* the spend */
};

/* One payment by a spend of postmix outputs: S:vout paid addr. */
struct pm_pay {
	uint64_t addr;
	uint64_t txnum;
	uint32_t vout, height;
	struct hash256 txid;
	uint32_t first, n;      /* its postmix outputs: spends[first..first+n) */
};

/* What one mix's examination keeps. */
struct demix {
	struct trace_ctx *c;
	uint32_t mix;
	struct idx_tx m;        /* the mix */
	struct pm_spend *sp;
	size_t n_sp;
	struct pm_pay *pay;
	size_t n_pay, pay_cap;
};

static int cmp_spend(const void *a, const void *b)
{
	const struct pm_spend *x = a, *y = b;

	if (x->txnum != y->txnum)
		return x->txnum < y->txnum ? -1 : 1;
	return (x->vout > y->vout) - (x->vout < y->vout);
}

static int cmp_pay(const void *a, const void *b)
{
	const struct pm_pay *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	if (x->txnum != y->txnum)
		return x->txnum < y->txnum ? -1 : 1;
	return (x->vout > y->vout) - (x->vout < y->vout);
}

static int cmp_link(const void *a, const void *b)
{
	const struct trace_link *x = a, *y = b;

	if (x->mix != y->mix)
		return x->mix < y->mix ? -1 : 1;
	if (x->txnum != y->txnum)
		return x->txnum < y->txnum ? -1 : 1;
	return (x->kind > y->kind) - (x->kind < y->kind);
}

static bool add_ref(struct trace_ctx *c, enum trace_ref_role role,
		    const struct hash256 *txid, uint32_t vout, uint64_t value)
{
	struct trace_result *r = c->r;

	if (!trace_grow((void **)&r->refs, &c->refs_cap, r->n_refs + 1, sizeof(*r->refs)))
		return false;
	r->refs[r->n_refs++] = (struct trace_link_ref){ role, *txid, vout, value };
	return true;
}

/* A new link of kind by tx, its refs to be added next. */
static struct trace_link *add_link(struct demix *d, enum trace_link_kind kind,
				   const struct idx_tx *tx)
{
	struct trace_ctx *c = d->c;
	struct trace_result *r = c->r;
	struct trace_link *l;

	if (!trace_grow((void **)&r->links, &c->links_cap, r->n_links + 1, sizeof(*r->links)))
		return NULL;
	l = &r->links[r->n_links++];
	memset(l, 0, sizeof(*l));
	l->kind = kind;
	l->mix = d->mix;
	l->txid = tx->txid;
	l->txnum = tx->txnum;
	l->height = tx->height;
	l->entity = UINT32_MAX;
	l->ref_start = (uint32_t)r->n_refs;
	return l;
}

/* The postmix outputs sp[first..first+n) as refs of link l. */
static bool add_postmix(struct demix *d, struct trace_link *l, size_t first, size_t n)
{
	for (size_t k = first; k < first + n; k++) {
		if (!add_ref(d->c, TRACE_REF_POSTMIX, &d->m.txid, d->sp[k].vout, d->sp[k].value))
			return false;
		l->value += d->sp[k].value;
		l->n_ref++;
	}
	return true;
}

/* Taint under a model other than poison (poison alone if only it ran). */
static bool holds_taint(const struct trace_result *r, const struct trace_out *o)
{
	unsigned models = r->params.models;

	if (models != TAINT_MODEL_BIT(TAINT_POISON))
		models &= ~TAINT_MODEL_BIT(TAINT_POISON);
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if ((models & TAINT_MODEL_BIT(m)) && o->traced[m] > 0)
			return true;
	return false;
}

/* The criminal's own coins among s's inputs: traced outputs holding
 * taint that never crossed a mix and are not exits (an exit is the
 * service's coin once paid). */
static bool with_criminal(struct demix *d, const struct idx_tx *s, size_t first, size_t n)
{
	struct trace_result *r = d->c->r;
	struct trace_link *l = NULL;

	for (uint32_t i = 0; i < s->n_in; i++) {
		uint32_t k1 = trace_find(d->c, s->in[i].prev_txnum, s->in[i].prev_vout);
		const struct trace_out *o = k1 ? &r->outs[k1 - 1] : NULL;
		if (!o || o->mixed || o->status == TRACE_EXIT || !holds_taint(r, o))
			continue;
		if (!l && (!(l = add_link(d, TRACE_LINK_WITH_CRIMINAL, s)) ||
			   !add_postmix(d, l, first, n)))
			return false;
		l = &r->links[r->n_links - 1];
		if (!add_ref(d->c, TRACE_REF_WITH, &o->txid, o->vout, o->value))
			return false;
		l->n_ref++;
	}
	return true;
}

/* Whether spend s is a mix or a possible mix itself: its inputs have
 * several owners, so it links nothing. */
static bool is_mix(struct demix *d, bool *yes, const struct idx_tx *s, const char **why)
{
	struct coinjoin_result cj;
	bool recorded;

	*yes = false;
	if (s->n_in < 2 || s->n_out < 2)
		return true;
	if (!trace_scratch(d->c, s->n_in, s->n_out))
		return (*why = "out of memory"), false;
	if (!trace_coinjoin(d->c, &cj, &recorded, s, why))
		return false;
	*yes = cj.verdict != COINJOIN_NOT;
	return true;
}

/* Whether s is a service's sweep: its inputs are the service's deposit
 * addresses, not the postmix owner's coins. A postmix output paid whole
 * into a reused deposit address looks like a sweep too (the exit rule's
 * known limit): that payment still counts for same-deposit. */
static bool is_sweep(struct demix *d, bool *yes, const struct idx_tx *s, const char **why)
{
	struct attrib_via via;
	int64_t ent;

	if (!trace_sweep_into(d->c, &ent, &via, s, why))
		return false;
	*yes = ent >= 0;
	return true;
}

/* Every non-zero output of s, paid by the postmix outputs sp[first..+n). */
static bool note_payments(struct demix *d, const struct idx_tx *s, size_t first, size_t n)
{
	for (uint32_t o = 0; o < s->n_out; o++) {
		if (s->out[o].value == 0)
			continue;
		if (!trace_grow((void **)&d->pay, &d->pay_cap, d->n_pay + 1, sizeof(*d->pay)))
			return false;
		d->pay[d->n_pay++] = (struct pm_pay){ s->out[o].addr, s->txnum, o, s->height,
						      s->txid, (uint32_t)first, (uint32_t)n };
	}
	return true;
}

/* The spend of sp[first..first+n): co-spend, with-criminal-coins, and
 * its payments for same-deposit. */
static bool one_spend(struct demix *d, size_t first, size_t n, const char **why)
{
	struct idx_tx s;
	bool found, mix, sweep = false, ok;
	struct trace_link *l;

	if (!idxq_tx(d->c->st, &s, &found, d->sp[first].txnum, why))
		return false;
	if (!found)
		return (*why = "a spent-by link names a transaction missing from the index"), false;
	ok = is_mix(d, &mix, &s, why) && (mix || is_sweep(d, &sweep, &s, why));
	if (ok && !mix && !sweep) {
		*why = "out of memory";
		ok = (n < 2 || ((l = add_link(d, TRACE_LINK_CO_SPEND, &s)) &&
				add_postmix(d, l, first, n))) &&
		     with_criminal(d, &s, first, n);
	}
	if (ok && !mix && !note_payments(d, &s, first, n)) {
		*why = "out of memory";
		ok = false;
	}
	idx_tx_release(&s);
	return ok;
}

/* A same-deposit link for the payments pay[a..b) into one address. */
static bool same_deposit_link(struct demix *d, size_t a, size_t b, uint32_t ent)
{
	const struct pm_pay *last = &d->pay[b - 1];
	struct idx_tx t = { .txid = last->txid, .txnum = last->txnum, .height = last->height };
	struct trace_link *l = add_link(d, TRACE_LINK_SAME_DEPOSIT, &t);
	uint64_t prev = UINT64_MAX;

	if (!l)
		return false;
	l->addr = last->addr;
	l->entity = ent;
	for (size_t i = a; i < b; i++) {
		if (d->pay[i].txnum == prev)
			continue;
		prev = d->pay[i].txnum;
		if (!add_postmix(d, l, d->pay[i].first, d->pay[i].n))
			return false;
	}
	for (size_t i = a; i < b; i++) {
		if (!add_ref(d->c, TRACE_REF_PAYMENT, &d->pay[i].txid, d->pay[i].vout, 0))
			return false;
		d->c->r->links[d->c->r->n_links - 1].n_ref++;
	}
	return true;
}

static bool same_deposit(struct demix *d, const char **why)
{
	if (d->n_pay > 1)
		qsort(d->pay, d->n_pay, sizeof(*d->pay), cmp_pay);
	for (size_t a = 0, b; a < d->n_pay; a = b) {
		int64_t ent;
		for (b = a + 1; b < d->n_pay && d->pay[b].addr == d->pay[a].addr; b++)
			;
		/* sorted by txnum: two txs paid it (each spends its own postmix outputs) */
		if (d->pay[a].txnum == d->pay[b - 1].txnum)
			continue;
		if (!trace_deposit_entity(d->c, &ent, d->pay[a].txnum, d->pay[a].vout,
					  d->pay[a].addr, why))
			return false;
		if (ent >= 0 && !same_deposit_link(d, a, b, (uint32_t)ent))
			return (*why = "out of memory"), false;
	}
	return true;
}

/* The spent outputs of the mix, in spend order. */
static bool postmix_spends(struct demix *d, const char **why)
{
	d->sp = calloc(d->m.n_out + 1, sizeof(*d->sp));
	if (!d->sp)
		return (*why = "out of memory"), false;
	for (uint32_t o = 0; o < d->m.n_out; o++) {
		struct idx_spend sp;
		bool spent;
		if (d->m.out[o].value == 0)
			continue;
		if (!idxq_spent(d->c->st, &sp, &spent, d->m.txnum, o, why))
			return false;
		if (spent && sp.height <= d->c->r->tip.height)
			d->sp[d->n_sp++] = (struct pm_spend){ o, d->m.out[o].value, sp.txnum };
	}
	if (d->n_sp > 1)
		qsort(d->sp, d->n_sp, sizeof(*d->sp), cmp_spend);
	return true;
}

static bool demix_mix(struct trace_ctx *c, uint32_t mix, const char **why)
{
	struct demix d = { .c = c, .mix = mix };
	bool found, ok;

	if (!idxq_tx(c->st, &d.m, &found, c->r->mixes[mix].txnum, why))
		return false;
	if (!found)
		return (*why = "a traced mix is missing from the index"), false;
	ok = postmix_spends(&d, why);
	for (size_t a = 0, b; ok && a < d.n_sp; a = b) {
		for (b = a + 1; b < d.n_sp && d.sp[b].txnum == d.sp[a].txnum; b++)
			;
		ok = one_spend(&d, a, b - a, why);
	}
	ok = ok && same_deposit(&d, why);
	idx_tx_release(&d.m);
	free(d.sp);
	free(d.pay);
	return ok;
}

/* outs[].linked: a linked postmix output, or reached through one. Outputs
 * are in chain order, so their tainted inputs come first. */
static void mark_linked(struct trace_ctx *c)
{
	struct trace_result *r = c->r;

	for (size_t l = 0; l < r->n_links; l++) {
		const struct trace_link *k = &r->links[l];
		for (uint32_t i = k->ref_start; i < k->ref_start + k->n_ref; i++) {
			uint32_t o1 = r->refs[i].role == TRACE_REF_POSTMIX ?
				trace_find(c, r->mixes[k->mix].txnum, r->refs[i].vout) : 0;
			if (o1)
				r->outs[o1 - 1].linked = true;
		}
	}
	for (size_t i = 0; i < r->n_outs; i++)
		for (uint32_t k = 0; !r->outs[i].linked && k < r->outs[i].n_from; k++)
			r->outs[i].linked = r->outs[r->from[r->outs[i].from_start + k]].linked;
}

bool trace_demix(struct trace_ctx *c, const char **why)
{
	struct trace_result *r = c->r;

	for (size_t i = 0; i < r->n_mixes; i++)
		if (r->mixes[i].cj.verdict == COINJOIN_MIX && !demix_mix(c, (uint32_t)i, why))
			return false;
	if (r->n_links > 1)
		qsort(r->links, r->n_links, sizeof(*r->links), cmp_link);
	mark_linked(c);
	return true;
}
