/* Naming a detected join after the wallet whose shape it has. These are
 * fingerprints: they never decide whether the inputs are merged
 * (graph/coinjoin.c does, by structure), so they carry no era, script
 * type or network gate. */
#include "coinjoin_int.h"
#include "proceeds/bech32.h"

#include <assert.h>
#include <string.h>

#define BTC UINT64_C(100000000)
#define WHIRLPOOL_MARGIN 110000u

static const char *const kind_names[COINJOIN_KIND_COUNT] = {
	"none", "wasabi1", "wabisabi", "whirlpool", "generic", "joinmarket",
	"payjoin",
};

static const uint64_t whirlpool_pools[] = {
	100000, 1000000, 2500000, 5000000, 25000000, 50000000,
};

const char *coinjoin_kind_name(enum coinjoin_kind k)
{
	assert((unsigned)k < COINJOIN_KIND_COUNT);
	return kind_names[k];
}

const char *coinjoin_verdict_name(enum coinjoin_verdict v)
{
	switch (v) {
	case COINJOIN_NOT:
		return "not a mix";
	case COINJOIN_POSSIBLE:
		return "possible mix";
	case COINJOIN_MIX:
		return "mix";
	}
	return "unknown";
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
		if (sat >= whirlpool_pools[i] && sat - whirlpool_pools[i] <= WHIRLPOOL_MARGIN) {
			*pool = whirlpool_pools[i];
			return true;
		}
	}
	return false;
}

/* Wasabi 1's fixed coordinator addresses (mainnet). */
static bool pays_coordinator(const struct cj_scan *s)
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

/* n equal outputs of exactly a pool size, n inputs each within the pool's
 * margin, nothing else. */
static bool whirlpool_shape(const struct cj_scan *s)
{
	uint64_t pool;

	if (s->n_in != s->n_out || s->k != s->n_out ||
	    !coinjoin_whirlpool_pool(&pool, s->d) || pool != s->d)
		return false;
	for (size_t i = 0; i < s->n_in; i++)
		if (s->v->in[i].value < s->d || s->v->in[i].value - s->d > WHIRLPOOL_MARGIN)
			return false;
	return true;
}

static bool wasabi1_shape(const struct cj_scan *s)
{
	return s->k >= 10 && s->d >= 8 * BTC / 100 && s->d <= 12 * BTC / 100;
}

static bool wabisabi_shape(const struct cj_scan *s)
{
	return s->n_in >= 10 && 5 * s->n_std > 4 * s->n_paying;
}

/* One equal output per participant, and a change for all but at most
 * one (the taker may spend exactly). */
static bool joinmarket_shape(const struct cj_scan *s, const struct coinjoin_result *r)
{
	return s->k >= 3 && (r->others == s->k || r->others + 1 == s->k);
}

void cj_name_kind(struct coinjoin_result *r, const struct cj_scan *s)
{
	enum coinjoin_kind k = COINJOIN_GENERIC;

	r->coordinator = s->v->net == NETWORK_MAIN && pays_coordinator(s);
	if (whirlpool_shape(s))
		k = COINJOIN_WHIRLPOOL;
	else if (wasabi1_shape(s) || r->coordinator)
		k = COINJOIN_WASABI1;
	else if (wabisabi_shape(s))
		k = COINJOIN_WABISABI;
	else if (joinmarket_shape(s, r))
		k = COINJOIN_JOINMARKET;
	r->kind = k;
	if (k != COINJOIN_GENERIC)
		r->reasons |= COINJOIN_R_FINGERPRINT;
}

static bool in_pool_range(uint64_t sat)
{
	uint64_t pool;

	return coinjoin_whirlpool_pool(&pool, sat) && sat != pool;
}

bool cj_is_tx0(const struct cj_scan *s)
{
	if (s->n_op_return != 1)
		return false;
	for (size_t i = 0; i < s->n_out; i++)
		if (in_pool_range(s->sorted[i]))
			return true;
	return false;
}
