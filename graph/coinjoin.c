/* CoinJoin detectors, rule by rule from methods.md section 4. Each works on
 * the sorted output values (one sort per transaction) and a few counts. */
#include "proceeds/coinjoin.h"
#include "proceeds/bech32.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#define BTC UINT64_C(100000000)
#define STACK_VALUES 512

/* What every rule looks at, computed once per transaction. */
struct scan {
	const struct coinjoin_view *v;
	const uint64_t *sorted;   /* output values, ascending */
	size_t n_out, n_in;
	bool out_p2wpkh;          /* every output P2WPKH */
	uint32_t n_op_return;
	bool mainnet;
};

typedef bool (*value_filter)(uint64_t sat);

static const char *const kind_names[COINJOIN_KIND_COUNT] = {
	"none", "wasabi1", "wabisabi", "whirlpool", "generic",
};

static const uint64_t whirlpool_pools[] = {
	100000, 1000000, 2500000, 5000000, 25000000, 50000000,
};

const char *coinjoin_kind_name(enum coinjoin_kind k)
{
	assert((unsigned)k < COINJOIN_KIND_COUNT);
	return kind_names[k];
}

void coinjoin_input_set(struct coinjoin_input *out, uint64_t value,
			const uint8_t *script, size_t len)
{
	struct script_info si;

	script_classify(&si, script, len);
	out->value = value;
	out->type = si.type;
	out->key_len = (uint8_t)script_owner_key(out->key, script, len);
}

static bool is_power(uint64_t x, uint64_t base)
{
	while (x > 1 && x % base == 0)
		x /= base;
	return x == 1;
}

bool coinjoin_is_standard_denomination(uint64_t sat)
{
	uint64_t m = sat;

	if (sat < 5000 || sat > UINT64_C(134375000000))
		return false;
	if (is_power(sat, 2) || is_power(sat, 3) || (sat % 2 == 0 && is_power(sat / 2, 3)))
		return true;
	while (m % 10 == 0)
		m /= 10;
	return m == 1 || m == 2 || m == 5;
}

bool coinjoin_whirlpool_pool(uint64_t *pool, uint64_t sat)
{
	for (size_t i = 0; i < sizeof(whirlpool_pools) / sizeof(whirlpool_pools[0]); i++) {
		if (sat >= whirlpool_pools[i] && sat - whirlpool_pools[i] <= 110000) {
			*pool = whirlpool_pools[i];
			return true;
		}
	}
	return false;
}

static bool in_pool_range(uint64_t sat)
{
	uint64_t pool;

	return coinjoin_whirlpool_pool(&pool, sat);
}

/* The value that occurs most often among those the filter accepts (ties:
 * the larger value); returns its count, 0 when none is accepted. */
static uint32_t most_common(const struct scan *s, value_filter accept, uint64_t *val)
{
	uint32_t best = 0, run = 0;

	*val = 0;
	for (size_t i = 0; i < s->n_out; i++) {
		if (!accept(s->sorted[i]))
			continue;
		run = (i > 0 && s->sorted[i - 1] == s->sorted[i]) ? run + 1 : 1;
		if (run >= best) {
			best = run;
			*val = s->sorted[i];
		}
	}
	return best;
}

static bool era(const struct scan *s, uint32_t first)
{
	return !s->mainnet || s->v->height >= first;
}

static bool inputs_of_type(const struct scan *s, enum script_type a, enum script_type b)
{
	for (size_t i = 0; i < s->n_in; i++)
		if (s->v->in[i].type != a && s->v->in[i].type != b)
			return false;
	return true;
}

static bool wasabi_window(uint64_t sat)
{
	return sat >= 8 * BTC / 100 && sat <= 12 * BTC / 100;
}

/* Wasabi 1's fixed coordinator addresses (mainnet, before block 610,000). */
static bool pays_coordinator(const struct scan *s)
{
	static const char *const coord[] = {
		"bc1qs604c7jv6amk4cxqlnvuxv26hv3e48cds4m0ew",
		"bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw",
	};
	const struct tx *tx = s->v->tx;

	for (size_t c = 0; c < sizeof(coord) / sizeof(coord[0]); c++) {
		uint8_t prog[40];
		size_t len;
		unsigned ver;
		const char *why;
		if (!segwit_addr_decode(&ver, prog, &len, "bc", coord[c], &why) ||
		    ver != 0 || len != 20) {
			assert(!"coordinator address does not decode");
			continue;
		}
		for (uint32_t o = 0; o < tx->n_out; o++)
			if (tx->out[o].script_len == 22 && tx->out[o].script[0] == 0 &&
			    tx->out[o].script[1] == 20 &&
			    memcmp(tx->out[o].script + 2, prog, 20) == 0)
				return true;
	}
	return false;
}

static bool detect_wasabi1(struct coinjoin_result *r, const struct scan *s)
{
	uint64_t val;
	uint32_t c;

	if (!era(s, COINJOIN_WASABI1_FIRST) || !s->out_p2wpkh ||
	    !inputs_of_type(s, SCRIPT_P2WPKH, SCRIPT_P2WPKH))
		return false;
	c = most_common(s, wasabi_window, &val);
	if (c < 10 || s->n_in < c)
		return false;
	r->coordinator = s->mainnet && pays_coordinator(s);
	if (s->mainnet && s->v->height < COINJOIN_WASABI1_COORD_UNTIL && !r->coordinator)
		return false;
	r->kind = COINJOIN_WASABI1;
	r->denomination = val;
	r->count = c;
	return true;
}

static bool detect_wabisabi(struct coinjoin_result *r, const struct scan *s)
{
	uint64_t val;
	size_t n_std = 0;
	uint32_t c;

	if (!era(s, COINJOIN_WABISABI_FIRST) || s->n_in < 15 ||
	    !inputs_of_type(s, SCRIPT_P2WPKH, SCRIPT_P2TR))
		return false;
	for (size_t i = 0; i < s->n_out; i++)
		n_std += coinjoin_is_standard_denomination(s->sorted[i]);
	if (5 * n_std <= 4 * s->n_out)
		return false;
	/* Guard (beyond methods.md): a join mixes equal outputs; a
	 * consolidation of 15 inputs into one round amount does not. */
	c = most_common(s, coinjoin_is_standard_denomination, &val);
	if (c < 2)
		return false;
	r->kind = COINJOIN_WABISABI;
	r->denomination = val;
	r->count = (uint32_t)n_std;
	return true;
}

static bool detect_whirlpool(struct coinjoin_result *r, const struct scan *s)
{
	uint64_t pool = s->n_out ? s->sorted[0] : 0, p;

	if (!era(s, COINJOIN_WHIRLPOOL_FIRST) || s->n_in != s->n_out ||
	    s->n_in < 5 || s->n_in > 10 || !s->out_p2wpkh ||
	    !inputs_of_type(s, SCRIPT_P2WPKH, SCRIPT_P2WPKH) ||
	    s->sorted[s->n_out - 1] != pool ||
	    !coinjoin_whirlpool_pool(&p, pool) || p != pool)
		return false;
	for (size_t i = 0; i < s->n_in; i++)
		if (s->v->in[i].value < pool || s->v->in[i].value - pool > 110000)
			return false;
	r->kind = COINJOIN_WHIRLPOOL;
	r->denomination = pool;
	r->count = (uint32_t)s->n_out;
	return true;
}

/* Tx0: one OP_RETURN, premix outputs of one value just above a pool size,
 * all P2WPKH. The premix belongs to the one wallet that made the Tx0. */
static bool detect_tx0(struct coinjoin_result *r, const struct scan *s)
{
	const struct tx *tx = s->v->tx;
	uint64_t val, pool;
	uint32_t c;

	if (!era(s, COINJOIN_WHIRLPOOL_FIRST) || s->n_op_return != 1)
		return false;
	c = most_common(s, in_pool_range, &val);
	if (c == 0)
		return false;
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct script_info si;
		if (tx->out[o].value != val)
			continue;
		script_classify(&si, tx->out[o].script, tx->out[o].script_len);
		if (si.type != SCRIPT_P2WPKH)
			return false;
	}
	if (!coinjoin_whirlpool_pool(&pool, val))
		return false;  /* cannot happen: in_pool_range accepted val */
	r->tx0 = true;
	r->denomination = pool;
	r->count = c;
	return true;
}

static bool not_dust(uint64_t sat)
{
	return sat != 0 && sat != COINJOIN_DUST_A && sat != COINJOIN_DUST_B;
}

static int cmp_input_key(const void *a, const void *b)
{
	const struct coinjoin_input *x = *(const struct coinjoin_input *const *)a;
	const struct coinjoin_input *y = *(const struct coinjoin_input *const *)b;

	if (x->key_len != y->key_len)
		return x->key_len < y->key_len ? -1 : 1;
	return memcmp(x->key, y->key, x->key_len);
}

/* Distinct owner keys among the inputs; an unknown key counts as its own. */
static size_t distinct_keys(const struct scan *s, const struct coinjoin_input **idx)
{
	size_t n = 0;

	for (size_t i = 0; i < s->n_in; i++)
		idx[i] = &s->v->in[i];
	qsort(idx, s->n_in, sizeof(*idx), cmp_input_key);
	for (size_t i = 0; i < s->n_in; i++)
		if (i == 0 || idx[i]->key_len == 0 || cmp_input_key(&idx[i - 1], &idx[i]) != 0)
			n++;
	return n;
}

/* BlockSci: >= 2 inputs, >= 3 outputs, the most common (non-dust) output
 * value appears exactly p = floor((outputs+1)/2) times, p <= inputs and
 * p <= distinct input addresses. */
static bool detect_generic(struct coinjoin_result *r, const struct scan *s,
			   const struct coinjoin_input **idx)
{
	size_t p = (s->n_out + 1) / 2;
	uint64_t val;
	uint32_t c;

	if (s->n_in < 2 || s->n_out < 3 || p > s->n_in)
		return false;
	c = most_common(s, not_dust, &val);
	if (c != p || distinct_keys(s, idx) < p)
		return false;
	r->kind = COINJOIN_GENERIC;
	r->denomination = val;
	r->count = c;
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

static void scan_outputs(struct scan *s, uint64_t *vals)
{
	const struct tx *tx = s->v->tx;

	s->out_p2wpkh = true;
	s->n_op_return = 0;
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct script_info si;
		script_classify(&si, tx->out[o].script, tx->out[o].script_len);
		s->out_p2wpkh &= si.type == SCRIPT_P2WPKH;
		s->n_op_return += si.type == SCRIPT_OP_RETURN;
		vals[o] = tx->out[o].value;
	}
	qsort(vals, tx->n_out, sizeof(*vals), cmp_u64);
	s->sorted = vals;
}

bool coinjoin_detect(struct coinjoin_result *out, const struct coinjoin_view *v,
		     const char **why)
{
	uint64_t stack_vals[STACK_VALUES];
	const struct coinjoin_input *stack_idx[STACK_VALUES];
	const struct tx *tx = v->tx;
	struct scan s = { v, NULL, tx->n_out, tx->n_in, false, 0, v->net == NETWORK_MAIN };
	uint64_t *vals = stack_vals;
	const struct coinjoin_input **idx = stack_idx;
	void *heap = NULL;

	memset(out, 0, sizeof(*out));
	out->n_in = tx->n_in;
	out->n_out = tx->n_out;
	if (tx->n_in == 0 || tx->n_out == 0 || tx_is_coinbase(tx))
		return true;
	if (tx->n_out > STACK_VALUES || tx->n_in > STACK_VALUES) {
		heap = malloc((size_t)tx->n_out * sizeof(*vals) + (size_t)tx->n_in * sizeof(*idx));
		if (!heap)
			return *why = "out of memory", false;
		vals = heap;
		idx = (const struct coinjoin_input **)(vals + tx->n_out);
	}
	scan_outputs(&s, vals);
	if (!detect_wasabi1(out, &s) && !detect_wabisabi(out, &s) &&
	    !detect_whirlpool(out, &s) && !detect_tx0(out, &s))
		(void)detect_generic(out, &s, idx);
	free(heap);
	return true;
}
