/* CoinJoin detection by structure (coinjoin.h; rules and thresholds in
 * docs/coinjoin.md). One sort of the output values and one grouping of
 * the inputs by prior owner per transaction, then three rules: the
 * equal-output join, the multi-denomination join, the PayJoin-like
 * payment. */
#include "coinjoin_int.h"
#include "proceeds/amount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STACK_N 512
#define BTC UINT64_C(100000000)

void coinjoin_input_set(struct coinjoin_input *out, uint64_t value,
			const uint8_t *script, size_t len)
{
	struct script_info si;

	memset(out, 0, sizeof(*out));
	script_classify(&si, script, len);
	out->value = value;
	out->type = si.type;
	out->key_len = (uint8_t)script_owner_key(out->key, script, len);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static int cmp_u64_desc(const void *a, const void *b)
{
	return cmp_u64(b, a);
}

/* Inputs with an owner id sort before keyed ones; equal means one owner. */
static int cmp_owner(const void *a, const void *b)
{
	const struct coinjoin_input *x = *(const struct coinjoin_input *const *)a;
	const struct coinjoin_input *y = *(const struct coinjoin_input *const *)b;

	if (x->has_owner != y->has_owner)
		return x->has_owner ? -1 : 1;
	if (x->has_owner)
		return (x->owner > y->owner) - (x->owner < y->owner);
	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return memcmp(x->key, y->key, x->key_len);
}

static bool same_owner(const struct coinjoin_input *a, const struct coinjoin_input *b)
{
	if (!a->has_owner && (a->key_len == 0 || b->key_len == 0))
		return false;  /* an unknown key is its own owner */
	return cmp_owner(&a, &b) == 0;
}

/* Sums per prior owner into sums[], descending; returns their count. */
static size_t group_owners(const struct coinjoin_view *v, const struct coinjoin_input **idx,
			   uint64_t *sums)
{
	size_t n = v->tx->n_in, m = 0;

	for (size_t i = 0; i < n; i++)
		idx[i] = &v->in[i];
	qsort(idx, n, sizeof(*idx), cmp_owner);
	for (size_t i = 0; i < n; i++) {
		if (i == 0 || !same_owner(idx[i - 1], idx[i]))
			sums[m++] = 0;
		sums[m - 1] += idx[i]->value;
	}
	qsort(sums, m, sizeof(*sums), cmp_u64_desc);
	return m;
}

static bool not_dust(uint64_t sat)
{
	return sat != 0 && sat != COINJOIN_DUST_A && sat != COINJOIN_DUST_B;
}

/* The most common non-dust value (ties: the larger), outputs that share
 * their value with another, outputs in standard denominations. */
static void scan_values(struct cj_scan *s)
{
	uint32_t run = 0;

	s->k = 0, s->d = 0, s->n_repeated = 0, s->n_std = 0, s->n_paying = 0;
	s->n_groups = 0;
	for (size_t i = 0; i < s->n_out; i++) {
		uint64_t x = s->sorted[i];
		bool same_prev = i > 0 && s->sorted[i - 1] == x;
		bool same_next = i + 1 < s->n_out && s->sorted[i + 1] == x;
		s->n_paying += x != 0;
		s->n_std += coinjoin_is_standard_denomination(x);
		s->n_repeated += x != 0 && (same_prev || same_next);
		s->n_groups += x != 0 && !same_prev && same_next;
		if (!not_dust(x))
			continue;
		run = same_prev ? run + 1 : 1;
		if (run >= s->k)
			s->k = run, s->d = x;
	}
}

static void scan_tx(struct cj_scan *s, uint64_t *vals)
{
	const struct tx *tx = s->v->tx;

	s->n_op_return = 0, s->sum_in = 0, s->sum_out = 0;
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct script_info si;
		script_classify(&si, tx->out[o].script, tx->out[o].script_len);
		s->n_op_return += si.type == SCRIPT_OP_RETURN;
		vals[o] = tx->out[o].value;
		s->sum_out += vals[o];
	}
	for (uint32_t i = 0; i < tx->n_in; i++)
		s->sum_in += s->v->in[i].value;
	s->fee = s->sum_in > s->sum_out ? s->sum_in - s->sum_out : 0;
	qsort(vals, tx->n_out, sizeof(*vals), cmp_u64);
	s->sorted = vals;
	scan_values(s);
}

/* Percent that a join of anonymity set a has several owners. */
static unsigned anon_confidence(uint32_t a)
{
	static const unsigned by_set[] = { 0, 0, 55, 80, 88, 92, 95, 95, 95, 95 };

	return a < 10 ? by_set[a] : 98;
}

static enum coinjoin_verdict verdict_of(unsigned confidence)
{
	if (confidence >= COINJOIN_MIX_MIN)
		return COINJOIN_MIX;
	return confidence >= COINJOIN_POSSIBLE_MIN ? COINJOIN_POSSIBLE : COINJOIN_NOT;
}

/* The owner (of the first n) with the least excess left that still fits
 * o within the slack (best fit), or n when none does. */
static size_t best_fit(const int64_t *left, size_t n, int64_t o, int64_t slack)
{
	size_t best = n;

	for (size_t i = 0; i < n; i++)
		if (left[i] + slack >= o && (best == n || left[i] < left[best]))
			best = i;
	return best;
}

/* The other outputs, largest first, each packed into the funder whose
 * excess over the denomination it fits best (a fee's slack): one that
 * fits nobody pools several owners' excess. One output below the
 * denomination may be a coordinator's fee. left[] has room for the
 * funders. */
static unsigned change_pattern(const struct cj_scan *s, uint32_t funders, int64_t *left)
{
	int64_t slack = (int64_t)(s->fee + s->d / 50);
	bool skipped = false;

	for (uint32_t f = 0; f < funders; f++)
		left[f] = (int64_t)(s->owner_sum[f] - s->d);
	for (size_t j = s->n_out; j-- > 0;) {
		int64_t o = (int64_t)s->sorted[j];
		if (o == 0 || s->sorted[j] == s->d)
			continue;
		size_t best = best_fit(left, funders, o, slack);
		if (best < funders)
			left[best] -= o;
		else if (!skipped && s->sorted[j] < s->d)
			skipped = true;
		else
			return COINJOIN_R_CHANGE_POOLED;
	}
	return COINJOIN_R_CHANGE_FITS;
}

/* Owners whose coins leave more than the fee over whole denominations:
 * each needs a change of its own. */
static uint32_t need_change(const struct cj_scan *s)
{
	uint64_t tol = s->fee + COINJOIN_DUST_A;
	uint32_t need = 0;

	for (size_t i = 0; i < s->n_owners; i++)
		need += s->owner_sum[i] % s->d > tol;
	return need;
}

static uint32_t count_funders(const struct cj_scan *s, uint64_t at_least)
{
	uint32_t f = 0;

	while (f < s->n_owners && s->owner_sum[f] >= at_least)
		f++;
	return f;
}

/* Equal outputs the owners could pay if some took several. */
static uint64_t capacity(const struct cj_scan *s)
{
	uint64_t c = 0;

	for (size_t i = 0; i < s->n_owners; i++)
		c += s->owner_sum[i] / s->d;
	return c;
}

/* Several outputs of one value, each fundable by a different owner. Fewer
 * funders than equal outputs, but owners able to pay them all by taking
 * several each, each leftover with its change: a possible mix (a round
 * where one registered two coins, or one payer's unlinked coins). Outputs
 * in other shared values (Wasabi 1's levels) are not counted as change. */
static void equal_rule(struct coinjoin_result *r, const struct cj_scan *s,
		       int64_t *left)
{
	uint32_t f = count_funders(s, s->d), singles = s->n_paying - s->n_repeated;
	unsigned why;

	r->denomination = s->d;
	r->count = s->k;
	r->funders = f;
	r->others = s->n_paying - s->k;
	r->reasons |= COINJOIN_R_EQUAL;
	if (f < 2 || f < s->k) {
		r->reasons |= COINJOIN_R_FEW_FUNDERS;
		if (f >= 2 && capacity(s) >= s->k && need_change(s) <= singles)
			r->confidence = 45;
		else if (f >= 2)
			r->reasons |= COINJOIN_R_CHANGE_MISSING;
		return;
	}
	r->reasons |= COINJOIN_R_OWNERS;
	if (singles > f + 1) {
		r->reasons |= COINJOIN_R_TOO_MANY_OTHERS;
		return;
	}
	why = change_pattern(s, f, left);
	r->reasons |= why;
	if (why != COINJOIN_R_CHANGE_FITS)
		return;
	r->confidence = anon_confidence(s->k < f ? s->k : f);
}

/* Many owners and several denominations, most outputs in values shared
 * with others or in standard denominations (WabiSabi-like), every output
 * within one owner's reach (decide() checked). Without standard
 * denominations only a possible mix: one owner's payouts at a few salary
 * levels from unlinked coins look the same. */
static void multi_rule(struct coinjoin_result *r, const struct cj_scan *s)
{
	bool standard = 5 * s->n_std > 4 * s->n_paying;
	bool shaped = 2 * s->n_repeated >= s->n_paying || standard;

	if (s->n_owners < 5 || s->n_groups < 2 || !shaped)
		return;
	r->reasons |= COINJOIN_R_MULTI_DENOM;
	r->funders = count_funders(s, s->d);
	if (!standard)
		r->confidence = 60;
	else
		r->confidence = s->n_owners >= 10 ? 95 : 85;
}

/* Two outputs and an input that pays either of them and the whole fee
 * alone: a payer who owned every input would not have added the others. */
static void payjoin_rule(struct coinjoin_result *r, const struct cj_scan *s)
{
	uint64_t max_out = s->n_out ? s->sorted[s->n_out - 1] : 0;

	if (s->n_paying != 2 || s->n_owners < 2)
		return;
	for (size_t i = 0; i < s->n_in; i++) {
		if (s->v->in[i].value >= max_out + s->fee) {
			r->reasons |= COINJOIN_R_UNNECESSARY;
			r->confidence = 50;
			r->kind = COINJOIN_PAYJOIN;
			return;
		}
	}
}

static void decide(struct coinjoin_result *r, const struct cj_scan *s, int64_t *left)
{
	r->owners = (uint32_t)s->n_owners;
	r->tx0 = cj_is_tx0(s);
	if (s->n_owners < 2) {
		r->reasons |= COINJOIN_R_ONE_OWNER;
		return;
	}
	if (s->n_out && s->sorted[s->n_out - 1] > s->owner_sum[0]) {
		r->reasons |= COINJOIN_R_BIG_OUTPUT;
		return;
	}
	if (s->k >= 2)
		equal_rule(r, s, left);
	if (r->confidence == 0 && s->k >= 2)
		multi_rule(r, s);
	if (r->confidence == 0)
		payjoin_rule(r, s);
	r->verdict = verdict_of(r->confidence);
	if (r->verdict == COINJOIN_NOT)
		r->kind = COINJOIN_NONE;
	else if (r->kind == COINJOIN_NONE)
		cj_name_kind(r, s);
}

/* Working memory of a transaction of up to STACK_N inputs and outputs. */
struct cj_stack {
	uint64_t vals[STACK_N], sums[STACK_N];
	int64_t left[STACK_N];
	const struct coinjoin_input *idx[STACK_N];
};

bool coinjoin_detect(struct coinjoin_result *out, const struct coinjoin_view *v,
		     const char **why)
{
	struct cj_stack st;
	const struct tx *tx = v->tx;
	struct cj_scan s = { .v = v, .n_out = tx->n_out, .n_in = tx->n_in };
	uint64_t *vals = st.vals, *sums = st.sums;
	int64_t *left = st.left;
	const struct coinjoin_input **idx = st.idx;
	void *heap = NULL;

	memset(out, 0, sizeof(*out));
	out->n_in = tx->n_in;
	out->n_out = tx->n_out;
	if (tx->n_in == 0 || tx->n_out == 0 || tx_is_coinbase(tx))
		return true;
	if (tx->n_out > STACK_N || tx->n_in > STACK_N) {
		size_t n = (size_t)tx->n_out + 3 * (size_t)tx->n_in;
		heap = malloc(n * sizeof(uint64_t));
		if (!heap)
			return *why = "out of memory", false;
		vals = heap;
		sums = vals + tx->n_out;
		left = (int64_t *)(sums + tx->n_in);
		idx = (const struct coinjoin_input **)(sums + 2 * (size_t)tx->n_in);
	}
	scan_tx(&s, vals);
	s.n_owners = group_owners(v, idx, sums);
	s.owner_sum = sums;
	decide(out, &s, left);
	free(heap);
	return true;
}

static const char *not_reason(const struct coinjoin_result *r)
{
	static const struct { unsigned bit; const char *text; } order[] = {
		{ COINJOIN_R_ONE_OWNER, "the inputs have one prior owner" },
		{ COINJOIN_R_BIG_OUTPUT, "an output is larger than every input owner's coins" },
		{ COINJOIN_R_FEW_FUNDERS, "fewer input owners than equal outputs could pay them" },
		{ COINJOIN_R_TOO_MANY_OTHERS, "more outputs beside the equal ones than input owners" },
		{ COINJOIN_R_CHANGE_POOLED, "one output takes the excess of several inputs" },
		{ COINJOIN_R_CHANGE_MISSING, "an input owner's excess has no change" },
	};

	if (r->n_in < 2)
		return "fewer than two inputs";
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (r->reasons & order[i].bit)
			return order[i].text;
	if (r->tx0)
		return "a Whirlpool Tx0-like premix of one owner";
	return (r->reasons & COINJOIN_R_EQUAL) ? "too small an anonymity set"
					       : "no two outputs of one value";
}

void coinjoin_describe(char *buf, size_t n, const struct coinjoin_result *r)
{
	char btc[AMOUNT_STRLEN];
	const char *possible = r->verdict == COINJOIN_POSSIBLE ? " (possible mix)" : "";

	if (r->verdict == COINJOIN_NOT) {
		snprintf(buf, n, "not a mix: %s", not_reason(r));
		return;
	}
	if (r->kind == COINJOIN_PAYJOIN) {
		snprintf(buf, n, "payjoin-like%s: one input pays any output and the fee "
			 "alone, %u input owners, confidence %u%%", possible, r->owners,
			 r->confidence);
		return;
	}
	amount_to_btc(btc, amount_sat(r->denomination));
	snprintf(buf, n, "%s-like%s, %u x %s BTC, %u input owners, confidence %u%%",
		 coinjoin_kind_name(r->kind), possible, r->count, btc, r->owners,
		 r->confidence);
}
