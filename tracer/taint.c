/* The five taint models over one transaction, in one pass, to the satoshi.
 *
 * Every model moves satoshis from the inputs to "destinations": the outputs
 * 0..n_out-1 and the fee (destination n_out). Destination n_out+1 collects
 * the pro-rata rule's rounding dust. Per destination there are four slots:
 * slot 0 holds haircut shares, slot 1+k the segments of FIFO/LIFO/TIHO. */
#include "proceeds/taint.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define SLOTS 4
#define SLOT_HAIRCUT 0u
#define SLOT_SEG(k) (1u + (k))
#define SMALL_SORT 16

static const char *const model_names[TAINT_MODEL_COUNT] = {
	"poison", "haircut", "fifo", "lifo", "tiho",
};

/* One call's fixed facts, shared by the model passes. */
struct txv {
	const struct taint_input *in;
	size_t n_in;
	const uint64_t *out_value;
	size_t n_out;
	uint64_t total_in;   /* V */
	uint64_t fee;
};

void taint_ctx_init(struct taint_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void taint_ctx_release(struct taint_ctx *ctx)
{
	free(ctx->outs);
	free(ctx->segs);
	free(ctx->stream);
	free(ctx->shares);
	free(ctx->agg);
	free(ctx->span);
	free(ctx->order);
	free(ctx->acc);
	memset(ctx, 0, sizeof(*ctx));
}

/* Makes *p hold at least need elements of size el. */
static bool grow(void *pp, size_t *cap, size_t need, size_t el)
{
	void **p = pp;
	size_t ncap = *cap ? *cap : 16;
	void *n;

	if (need <= *cap)
		return true;
	while (ncap < need) {
		if (ncap > SIZE_MAX / 2 / el)
			return false;
		ncap *= 2;
	}
	n = realloc(*p, ncap * el);
	if (!n)
		return false;
	*p = n;
	*cap = ncap;
	return true;
}

static uint64_t dest_width(const struct txv *t, size_t d)
{
	return d < t->n_out ? t->out_value[d] : t->fee;
}

static struct taint_span *span_at(struct taint_ctx *ctx, size_t d, unsigned slot)
{
	return &ctx->span[d * SLOTS + slot];
}

/* Appends a segment to destination d's slot; merges with the previous one
 * when it continues it with the same source. Capacity was reserved. */
static void emit_seg(struct taint_ctx *ctx, struct taint_span *sp,
		     uint64_t off, uint64_t len, uint32_t source)
{
	struct taint_seg *last;

	assert(ctx->segs_n < ctx->segs_cap);
	if (sp->n == 0) {
		sp->start = (uint32_t)ctx->segs_n;
	} else {
		last = &ctx->segs[ctx->segs_n - 1];
		if (last->source == source && last->off + last->len == off) {
			last->len += len;
			return;
		}
	}
	ctx->segs[ctx->segs_n++] = (struct taint_seg){ off, len, source };
	sp->n++;
}

static void emit_share(struct taint_ctx *ctx, struct taint_span *sp,
		       uint64_t sat, uint32_t source)
{
	assert(ctx->shares_n < ctx->shares_cap);
	if (sp->n == 0)
		sp->start = (uint32_t)ctx->shares_n;
	ctx->shares[ctx->shares_n++] = (struct taint_share){ sat, source };
	sp->n++;
}

static int cmp_share_source(const void *a, const void *b)
{
	const struct taint_share *x = a, *y = b;

	return (x->source > y->source) - (x->source < y->source);
}

/* Few sources is the common case; qsort's calls cost more than they save. */
static void insertion_sort_shares(struct taint_share *a, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		struct taint_share x = a[i];
		size_t j = i;
		for (; j > 0 && a[j - 1].source > x.source; j--)
			a[j] = a[j - 1];
		a[j] = x;
	}
}

/* Sorts ctx->agg[0..agg_n) by source and sums equal sources. */
static void agg_merge(struct taint_ctx *ctx)
{
	size_t w = 0;

	if (ctx->agg_n < 2)
		return;
	if (ctx->agg_n <= SMALL_SORT)
		insertion_sort_shares(ctx->agg, ctx->agg_n);
	else
		qsort(ctx->agg, ctx->agg_n, sizeof(*ctx->agg), cmp_share_source);
	for (size_t r = 0; r < ctx->agg_n; r++) {
		if (w > 0 && ctx->agg[w - 1].source == ctx->agg[r].source)
			ctx->agg[w - 1].sat += ctx->agg[r].sat;
		else
			ctx->agg[w++] = ctx->agg[r];
	}
	ctx->agg_n = w;
}

/* Per-source input totals of a model (slot) into ctx->agg. Sums cannot
 * overflow: every state's taint is within its value and Σ values fits. */
static bool aggregate(struct taint_ctx *ctx, const struct txv *t, unsigned slot)
{
	size_t need = 0;

	for (size_t i = 0; i < t->n_in; i++) {
		const struct taint_state *s = t->in[i].state;
		if (s)
			need += slot == SLOT_HAIRCUT ? s->n_share : s->n_seg[slot - 1];
	}
	if (!grow(&ctx->agg, &ctx->agg_cap, need, sizeof(*ctx->agg)))
		return false;
	ctx->agg_n = 0;
	for (size_t i = 0; i < t->n_in; i++) {
		const struct taint_state *s = t->in[i].state;
		if (!s)
			continue;
		if (slot == SLOT_HAIRCUT) {
			if (s->n_share)
				memcpy(ctx->agg + ctx->agg_n, s->share,
				       s->n_share * sizeof(*s->share));
			ctx->agg_n += s->n_share;
			continue;
		}
		for (uint32_t j = 0; j < s->n_seg[slot - 1]; j++) {
			const struct taint_seg *g = &s->seg[slot - 1][j];
			ctx->agg[ctx->agg_n++] = (struct taint_share){ g->len, g->source };
		}
	}
	agg_merge(ctx);
	return true;
}

/* floor(a·b/c), exact; c > 0 and the result fits (a <= c or b <= c).
 * 64-bit division when the product fits, as it does below ~4.3 BTC². */
static uint64_t mul_div(uint64_t a, uint64_t b, uint64_t c)
{
	uint64_t p;

	assert(c > 0);
	if (!__builtin_mul_overflow(a, b, &p))
		return p / c;
	return (uint64_t)((unsigned __int128)a * b / c);
}

/* The pro-rata rule: source s with total T gives destination d of width w
 * floor(T·w/V); what no destination got is s's dust. Segment slots place
 * the amounts at the front of each output, sources in increasing order. */
static bool prorata(struct taint_ctx *ctx, const struct txv *t, unsigned slot)
{
	size_t n_dest = t->n_out + 1, n_src = ctx->agg_n;
	size_t cells = n_dest * n_src;
	bool seg = slot != SLOT_HAIRCUT;

	if (n_src == 0)
		return true;
	if (!grow(&ctx->acc, &ctx->acc_cap, n_src, sizeof(*ctx->acc)) ||
	    !grow(&ctx->shares, &ctx->shares_cap,
		  ctx->shares_n + n_src + (seg ? 0 : cells), sizeof(*ctx->shares)) ||
	    !grow(&ctx->segs, &ctx->segs_cap, ctx->segs_n + (seg ? cells : 0),
		  sizeof(*ctx->segs)))
		return false;
	memset(ctx->acc, 0, n_src * sizeof(*ctx->acc));
	for (size_t d = 0; d < n_dest; d++) {
		uint64_t w = dest_width(t, d), off = 0;
		struct taint_span *sp = span_at(ctx, d, slot);
		for (size_t k = 0; k < n_src && w > 0; k++) {
			uint64_t a = mul_div(ctx->agg[k].sat, w, t->total_in);
			if (a == 0)
				continue;
			ctx->acc[k] += a;
			if (seg)
				emit_seg(ctx, sp, off, a, ctx->agg[k].source);
			else
				emit_share(ctx, sp, a, ctx->agg[k].source);
			off += a;
		}
	}
	for (size_t k = 0; k < n_src; k++) {
		uint64_t r = ctx->agg[k].sat - ctx->acc[k];
		if (r > 0)
			emit_share(ctx, span_at(ctx, n_dest, slot), r, ctx->agg[k].source);
	}
	return true;
}

/* Lays the tainted segments of seg model m end to end as the model
 * orders the input satoshis, in coordinates of that order. */
static bool build_stream(struct taint_ctx *ctx, const struct txv *t,
			 enum taint_model m)
{
	unsigned k = TAINT_SEG_INDEX(m);
	size_t need = 0;
	uint64_t base = 0;

	for (size_t i = 0; i < t->n_in; i++)
		if (t->in[i].state)
			need += t->in[i].state->n_seg[k];
	if (!grow(&ctx->stream, &ctx->stream_cap, need, sizeof(*ctx->stream)))
		return false;
	ctx->stream_n = 0;
	for (size_t j = 0; j < t->n_in; j++) {
		size_t i = m == TAINT_LIFO ? t->n_in - 1 - j : j;
		const struct taint_state *s = t->in[i].state;
		for (uint32_t g = 0; s && g < s->n_seg[k]; g++) {
			struct taint_seg x = s->seg[k][g];
			if (m == TAINT_TIHO) {
				x.off = base;
				base += x.len;
			} else {
				x.off += base;
			}
			ctx->stream[ctx->stream_n++] = x;
		}
		if (m != TAINT_TIHO)
			base += t->in[i].value;
	}
	return true;
}

static size_t order_dest(const struct taint_ctx *ctx, bool ranked, size_t k)
{
	return ranked ? ctx->order[k].index : k;
}

/* Cuts the stream into the destinations taken in their order (identity,
 * or ctx->order when ranked), each destination as wide as its value. */
static bool distribute(struct taint_ctx *ctx, const struct txv *t,
		       unsigned slot, bool ranked)
{
	size_t n_dest = t->n_out + 1, k = 0;
	uint64_t pos = 0;

	if (!grow(&ctx->segs, &ctx->segs_cap, ctx->segs_n + ctx->stream_n + n_dest,
		  sizeof(*ctx->segs)))
		return false;
	for (size_t g = 0; g < ctx->stream_n; g++) {
		uint64_t s = ctx->stream[g].off, e = s + ctx->stream[g].len;
		while (s < e) {
			size_t d = order_dest(ctx, ranked, k);
			uint64_t end = pos + dest_width(t, d), cut;
			if (end <= s) {
				pos = end;
				k++;
				assert(k < n_dest);
				continue;
			}
			cut = e < end ? e : end;
			emit_seg(ctx, span_at(ctx, d, slot), s - pos, cut - s,
				 ctx->stream[g].source);
			s = cut;
		}
	}
	return true;
}

static int cmp_rank(const void *a, const void *b)
{
	const struct taint_rank *x = a, *y = b;

	if (x->value != y->value)
		return x->value < y->value ? 1 : -1;
	return (x->index > y->index) - (x->index < y->index);
}

/* TIHO's destination order: outputs by decreasing value, ties to the
 * lower vout, then the fee. */
static void rank_outputs(struct taint_ctx *ctx, const struct txv *t)
{
	for (size_t o = 0; o < t->n_out; o++)
		ctx->order[o] = (struct taint_rank){ t->out_value[o], (uint32_t)o };
	if (t->n_out > SMALL_SORT) {
		qsort(ctx->order, t->n_out, sizeof(*ctx->order), cmp_rank);
	} else {
		for (size_t i = 1; i < t->n_out; i++) {
			struct taint_rank x = ctx->order[i];
			size_t j = i;
			for (; j > 0 && cmp_rank(&ctx->order[j - 1], &x) > 0; j--)
				ctx->order[j] = ctx->order[j - 1];
			ctx->order[j] = x;
		}
	}
	ctx->order[t->n_out] = (struct taint_rank){ t->fee, (uint32_t)t->n_out };
}

/* One positioned model: pro rata through a mix, else cut in its order. */
static bool seg_model(struct taint_ctx *ctx, const struct txv *t,
		      enum taint_model m, bool mix)
{
	unsigned slot = SLOT_SEG(TAINT_SEG_INDEX(m));

	if (mix)
		return aggregate(ctx, t, slot) && prorata(ctx, t, slot);
	if (!build_stream(ctx, t, m))
		return false;
	if (ctx->stream_n == 0)
		return true;
	if (m == TAINT_TIHO)
		rank_outputs(ctx, t);
	return distribute(ctx, t, slot, m == TAINT_TIHO);
}

static bool check_segs(const struct taint_seg *seg, uint32_t n, uint64_t value,
		       const char **why)
{
	uint64_t end = 0;

	for (uint32_t j = 0; j < n; j++) {
		const struct taint_seg *g = &seg[j];
		if (g->len == 0)
			return *why = "taint segment of zero length", false;
		if (j > 0 && g->off < end)
			return *why = "taint segments overlap or are out of order", false;
		if (j > 0 && g->off == end && g->source == seg[j - 1].source)
			return *why = "touching taint segments of one source not merged", false;
		if (g->off > value || g->len > value - g->off)
			return *why = "taint segment outside the output's value", false;
		end = g->off + g->len;
	}
	return true;
}

bool taint_state_check(const struct taint_state *s, const char **why)
{
	uint64_t sum = 0;

	if (s->flags & ~(TAINT_F_POISON | TAINT_F_MIXED))
		return *why = "unknown taint flags", false;
	for (uint32_t j = 0; j < s->n_share; j++) {
		if (s->share[j].sat == 0)
			return *why = "haircut share of zero", false;
		if (j > 0 && s->share[j].source <= s->share[j - 1].source)
			return *why = "haircut shares not in increasing source order", false;
		if (s->share[j].sat > s->value - sum)
			return *why = "haircut taint exceeds the output's value", false;
		sum += s->share[j].sat;
	}
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
		if (!check_segs(s->seg[k], s->n_seg[k], s->value, why))
			return false;
	return true;
}

/* V, the fee, and every input state's consistency. */
static bool tx_totals(struct txv *t, const char **why)
{
	uint64_t w = 0;

	for (size_t i = 0; i < t->n_in; i++) {
		const struct taint_state *s = t->in[i].state;
		if (t->in[i].value > UINT64_MAX - t->total_in)
			return *why = "sum of input values overflows", false;
		t->total_in += t->in[i].value;
		if (s && s->value != t->in[i].value)
			return *why = "taint state's value differs from the input's", false;
		if (s && !taint_state_check(s, why))
			return false;
	}
	for (size_t o = 0; o < t->n_out; o++) {
		if (t->out_value[o] > UINT64_MAX - w)
			return *why = "sum of output values overflows", false;
		w += t->out_value[o];
	}
	if (w > t->total_in)
		return *why = "outputs exceed inputs", false;
	t->fee = t->total_in - w;
	return true;
}

static bool prepare(struct taint_ctx *ctx, size_t n_out)
{
	size_t n_span = (n_out + 2) * SLOTS;

	if (n_out > UINT32_MAX - 2 ||
	    !grow(&ctx->outs, &ctx->outs_cap, n_out, sizeof(*ctx->outs)) ||
	    !grow(&ctx->span, &ctx->span_cap, n_span, sizeof(*ctx->span)) ||
	    !grow(&ctx->order, &ctx->order_cap, n_out + 1, sizeof(*ctx->order)))
		return false;
	memset(ctx->span, 0, n_span * sizeof(*ctx->span));
	ctx->segs_n = 0;
	ctx->shares_n = 0;
	return true;
}

/* Points destination d's state at its spans. */
static void fill_state(struct taint_ctx *ctx, struct taint_state *s, size_t d,
		       uint64_t value, uint32_t flags)
{
	struct taint_span *sp = span_at(ctx, d, SLOT_HAIRCUT);

	s->value = value;
	s->n_share = sp->n;
	s->share = sp->n ? ctx->shares + sp->start : NULL;
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++) {
		sp = span_at(ctx, d, SLOT_SEG(k));
		s->n_seg[k] = sp->n;
		s->seg[k] = sp->n ? ctx->segs + sp->start : NULL;
	}
	s->flags = flags & TAINT_F_POISON;
	if ((flags & TAINT_F_MIXED) && !taint_state_is_clean(s))
		s->flags |= TAINT_F_MIXED;
}

static void finalize(struct taint_ctx *ctx, const struct txv *t, uint32_t flags,
		     bool mix)
{
	struct taint_tx_result *r = &ctx->res;

	r->n_out = (uint32_t)t->n_out;
	r->out = ctx->outs;
	r->mixed = mix;
	for (size_t o = 0; o < t->n_out; o++)
		fill_state(ctx, &ctx->outs[o], o, t->out_value[o], flags);
	fill_state(ctx, &r->fee, t->n_out, t->fee, flags);
	memset(r->n_dust, 0, sizeof(r->n_dust));
	memset(r->dust, 0, sizeof(r->dust));
	for (unsigned slot = 0; slot < SLOTS; slot++) {
		struct taint_span *sp = span_at(ctx, t->n_out + 1, slot);
		unsigned m = slot == SLOT_HAIRCUT ? TAINT_HAIRCUT : TAINT_FIFO + slot - 1;
		r->n_dust[m] = sp->n;
		r->dust[m] = sp->n ? ctx->shares + sp->start : NULL;
	}
}

bool taint_tx(struct taint_ctx *ctx, const struct taint_tx_result **res,
	      unsigned models, unsigned opts,
	      const struct taint_input *in, size_t n_in,
	      const uint64_t *out_value, size_t n_out, const char **why)
{
	struct txv t = { in, n_in, out_value, n_out, 0, 0 };
	bool mix = (opts & TAINT_TX_MIX) != 0;
	uint32_t flags = (opts & (TAINT_TX_MIX | TAINT_TX_MIXED_ONLY)) ? TAINT_F_MIXED : 0;

	if (!tx_totals(&t, why))
		return false;
	if (!prepare(ctx, n_out))
		return *why = "out of memory", false;
	for (size_t i = 0; i < n_in; i++)
		if (in[i].state && !taint_state_is_clean(in[i].state))
			flags |= in[i].state->flags;
	if (!(models & TAINT_MODEL_BIT(TAINT_POISON)))
		flags &= ~TAINT_F_POISON;
	if ((models & TAINT_MODEL_BIT(TAINT_HAIRCUT)) &&
	    !(aggregate(ctx, &t, SLOT_HAIRCUT) && prorata(ctx, &t, SLOT_HAIRCUT)))
		return *why = "out of memory", false;
	for (unsigned m = TAINT_FIFO; m <= TAINT_TIHO; m++)
		if ((models & TAINT_MODEL_BIT(m)) && !seg_model(ctx, &t, m, mix))
			return *why = "out of memory", false;
	finalize(ctx, &t, flags, mix);
	*res = &ctx->res;
	return true;
}

uint64_t taint_state_amount(const struct taint_state *s, enum taint_model m,
			    uint32_t source)
{
	uint64_t sum = 0;

	switch (m) {
	case TAINT_POISON:
		return (s->flags & TAINT_F_POISON) ? s->value : 0;
	case TAINT_HAIRCUT:
		for (uint32_t j = 0; j < s->n_share; j++)
			if (source == TAINT_SOURCE_ANY || s->share[j].source == source)
				sum += s->share[j].sat;
		return sum;
	case TAINT_FIFO:
	case TAINT_LIFO:
	case TAINT_TIHO:
		for (uint32_t j = 0; j < s->n_seg[TAINT_SEG_INDEX(m)]; j++) {
			const struct taint_seg *g = &s->seg[TAINT_SEG_INDEX(m)][j];
			if (source == TAINT_SOURCE_ANY || g->source == source)
				sum += g->len;
		}
		return sum;
	}
	assert(!"bad taint model");
	return 0;
}

bool taint_state_is_clean(const struct taint_state *s)
{
	if ((s->flags & TAINT_F_POISON) || s->n_share)
		return false;
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
		if (s->n_seg[k])
			return false;
	return true;
}

struct taint_state *taint_state_dup(const struct taint_state *s)
{
	size_t n_seg = 0, bytes;
	struct taint_state *d;
	struct taint_share *sh;
	struct taint_seg *sg;

	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
		n_seg += s->n_seg[k];
	bytes = sizeof(*d) + s->n_share * sizeof(*sh) + n_seg * sizeof(*sg);
	d = malloc(bytes);
	if (!d)
		return NULL;
	*d = *s;
	/* Segments first: their 8-byte alignment then holds for the shares. */
	sg = (struct taint_seg *)(d + 1);
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++) {
		d->seg[k] = s->n_seg[k] ? sg : NULL;
		if (s->n_seg[k])
			memcpy(sg, s->seg[k], s->n_seg[k] * sizeof(*sg));
		sg += s->n_seg[k];
	}
	sh = (struct taint_share *)sg;
	d->share = s->n_share ? sh : NULL;
	if (s->n_share)
		memcpy(sh, s->share, s->n_share * sizeof(*sh));
	return d;
}

void taint_state_free(struct taint_state *s)
{
	free(s);
}

bool taint_state_seed(struct taint_state **out, uint64_t value,
		      uint64_t amount, uint32_t source, const char **why)
{
	struct taint_seg seg[TAINT_SEG_MODELS];
	struct taint_share share = { amount, source };
	struct taint_state s = { value, TAINT_F_POISON, 1, &share, { 1, 1, 1 },
				 { &seg[0], &seg[1], &seg[2] } };

	if (amount == 0 || amount > value)
		return *why = "seed amount must be more than 0 and at most the output's value",
		       false;
	for (unsigned k = 0; k < TAINT_SEG_MODELS; k++)
		seg[k] = (struct taint_seg){ 0, amount, source };
	*out = taint_state_dup(&s);
	if (!*out)
		return *why = "out of memory", false;
	return true;
}

const char *taint_model_name(enum taint_model m)
{
	assert((unsigned)m < TAINT_MODEL_COUNT);
	return model_names[m];
}

bool taint_model_from_name(enum taint_model *out, const char *name)
{
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if (strcmp(name, model_names[m]) == 0)
			return *out = (enum taint_model)m, true;
	return false;
}
