/* --mix-variants: the mixes (simvariant.h). Each participant is a
 * distinct user with one coin of the cell's script type made for it just
 * before; every output goes to a fresh key of its owner. */
#include "simvariant_int.h"

#include <assert.h>

/* x, or x + 1 when it would equal the denomination d (a change output
 * that happened to equal d would be one more equal output). */
static uint64_t not_d(uint64_t x, uint64_t d)
{
	return x == d ? x + 1 : x;
}

/* ceil(a / b): a fee shared by b > 0 participants (there are always
 * 10 users or more). */
static uint64_t share_of(uint64_t a, uint64_t b)
{
	assert(b > 0);
	return (a + b - 1) / b;
}

/* Gives participant i a coin of values[i] (from its own coins or an
 * exchange): 1 when all have theirs, else 0 or -1 as variant_fund. */
static int fund_people(struct econ *e, uint8_t t, const uint64_t *values, uint32_t n)
{
	struct sim_variant *v = e->variant;
	for (uint32_t i = 0; i < n; i++) {
		int r = variant_fund(e, v->people[i], t, values[i], NULL, "premix", true);
		if (r <= 0)
			return r;
	}
	return 1;
}

/* A denomination: a round one, or any value. */
static uint64_t any_denom(struct sim_variant *v)
{
	static const uint64_t round[] = { 100000, 200000, 500000, 1000000, 2000000,
					  5000000, 10000000, 50000000 };
	if (simrng_permille(&v->rng, 500))
		return round[simrng_below(&v->rng, sizeof(round) / sizeof(round[0]))];
	return simrng_skewed(&v->rng, 2000000, 50000, 100000000);
}

/* 5 coins of pool + one margin each (a Tx0's premix outputs, all equal),
 * 5 outputs of the pool, no change; ordered by BIP69 as Whirlpool's. */
static int whirlpool(struct econ *e, unsigned ti)
{
	static const uint64_t pools[] = { 100000, 1000000, 5000000, 50000000 };
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	uint64_t pool = pools[simrng_below(&v->rng, 4)], values[5];
	uint64_t margin = share_of(variant_fee(e, t, 5, 5), 5) + simrng_below(&v->rng, 2000);
	uint32_t n = variant_people(e, 5);
	for (uint32_t i = 0; i < n; i++)
		values[i] = pool + margin;
	int r = fund_people(e, t, values, n);
	if (r <= 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if (!variant_dest(e, v->people[i], t, pool, "postmix"))
			return -1;
	mix_order(e, v->in, v->owner_of_in, n, v->dests, n, false);
	return variant_write(e, VARIANT_WHIRLPOOL, ti, pool) ? 1 : -1;
}

/* The most frequent output value (the larger on a tie). */
static uint64_t mode(const uint64_t *values, uint32_t n, uint32_t *count)
{
	uint64_t best = 0;
	*count = 0;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t c = 0;
		for (uint32_t j = 0; j < n; j++)
			c += values[j] == values[i];
		if (c > *count || (c == *count && values[i] > best))
			best = values[i], *count = c;
	}
	return best;
}

/* 15-40 coins through simmix.c's WabiSabi round, outputs of type t. */
static int wabisabi(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	uint64_t in_vb = variant_in_vb(t), values[MIX_WS_MAX_PEOPLE];
	uint64_t cost = e->feerate * (in_vb + 43 * MIX_WS_OUTS_EACH + 12);
	uint32_t n = variant_people(e, (uint32_t)simrng_range(&v->rng, 15, MIX_WS_MAX_PEOPLE));
	uint32_t equal;
	for (uint32_t i = 0; i < n; i++)
		values[i] = cost + simrng_skewed(&v->rng, 5000000, 200000, 200000000);
	int r = fund_people(e, t, values, n);
	if (r <= 0)
		return r;
	r = mix_wabisabi_of(e, &v->round, v->in, v->owner_of_in, n, t, in_vb);
	if (r <= 0) /* each coin covers its share: refusing one is a bug */
		return r ? -1 : (e->why = "internal: a WabiSabi variant was refused", -1);
	uint64_t denom = mode(v->round.values, v->round.n_out, &equal);
	variant_note(e, VARIANT_WABISABI, ti, &v->round.txid, v->round.fee, denom,
		     v->round.values, v->round.n_out);
	return 1;
}

/* Wasabi 1's mixing levels: 1 (d), 2 (d and 2d), 3 (d, 2d and 4d), a
 * level kept only when two participants or more reach it. */
static void wasabi1_levels(struct sim_variant *v, uint8_t *lv, uint32_t n)
{
	uint32_t at2 = 0, at3 = 0;
	for (uint32_t i = 0; i < n; i++) {
		lv[i] = simrng_permille(&v->rng, 250) ? 2 : 1;
		if (lv[i] == 2 && simrng_permille(&v->rng, 400))
			lv[i] = 3;
		at2 += lv[i] >= 2, at3 += lv[i] == 3;
	}
	for (uint32_t i = 0; i < n; i++) {
		if (lv[i] == 3 && at3 == 1)
			lv[i] = 2;
		if (lv[i] == 2 && at2 == 1)
			lv[i] = 1;
	}
}

/* The outputs of a Wasabi 1 round: each participant's levels and change,
 * then the coordinator's fee. */
static bool wasabi1_outputs(struct econ *e, uint8_t t, const uint8_t *lv,
			    const uint64_t *change, uint32_t n, uint64_t d, uint64_t cf)
{
	struct sim_variant *v = e->variant;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t u = v->people[i];
		if (!variant_dest(e, u, t, d, "postmix") ||
		    (lv[i] >= 2 && !variant_dest(e, u, t, 2 * d, "postmix")) ||
		    (lv[i] == 3 && !variant_dest(e, u, t, 4 * d, "postmix")) ||
		    (change[i] && !variant_dest(e, u, t, change[i], "change")))
			return false;
	}
	return variant_dest(e, v->coordinator, t, cf, "coordinator-fee");
}

/* 10-60 participants, equal outputs of about 0.1 BTC (some also 2x and
 * 4x), a change per participant with excess, one coordinator fee of
 * 0.003% per participant of what each mixes. */
static int wasabi1(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti), lv[VARIANT_MAX_IN];
	uint64_t d = simrng_range(&v->rng, 9500000, 10500000), cf = 0;
	uint64_t change[VARIANT_MAX_IN], values[VARIANT_MAX_IN], mixed[VARIANT_MAX_IN];
	uint32_t n = variant_people(e, (uint32_t)simrng_range(&v->rng, 10, 60)), outs = 1;
	wasabi1_levels(v, lv, n);
	for (uint32_t i = 0; i < n; i++) {
		change[i] = simrng_permille(&v->rng, 800) ? simrng_range(&v->rng, 20000, d - 1) : 0;
		mixed[i] = d * (lv[i] == 1 ? 1 : lv[i] == 2 ? 3 : 7);
		outs += lv[i] + (change[i] > 0);
	}
	uint64_t share = share_of(variant_fee(e, t, n, outs), n);
	for (uint32_t i = 0; i < n; i++) {
		uint64_t fee = mixed[i] / 100000 * 3 * n;
		values[i] = mixed[i] + fee + share + change[i];
		cf += fee;
	}
	int r = fund_people(e, t, values, n);
	if (r <= 0)
		return r;
	if (!wasabi1_outputs(e, t, lv, change, n, d, cf))
		return -1;
	variant_shuffle(v);
	return variant_write(e, VARIANT_WASABI1, ti, d) ? 1 : -1;
}

/* A taker and 2-9 makers: one output of the amount each, every maker's
 * change with its fee, the taker's change unless it sweeps; the taker
 * pays the makers' fees and the miner's. */
static int joinmarket(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	uint64_t d = simrng_skewed(&v->rng, 3000000, 100000, 200000000) +
		     simrng_below(&v->rng, 1000);
	uint64_t change[VARIANT_MAX_IN], values[VARIANT_MAX_IN], fees = 0;
	uint32_t n = variant_people(e, (uint32_t)simrng_range(&v->rng, 3, 10));
	change[0] = simrng_permille(&v->rng, 700) ? simrng_range(&v->rng, 20000, d - 1) : 0;
	for (uint32_t i = 1; i < n; i++) {
		uint64_t cjfee = simrng_range(&v->rng, 200, 2000) +
				 d / 1000000 * simrng_below(&v->rng, 30);
		uint64_t extra = simrng_range(&v->rng, 20000, d + 20000);
		change[i] = not_d(extra + cjfee, d);
		values[i] = d + change[i] - cjfee;
		fees += cjfee;
	}
	uint64_t miner = variant_fee(e, t, n, 2 * n - (change[0] ? 0 : 1));
	values[0] = d + fees + miner + change[0];
	int r = fund_people(e, t, values, n);
	if (r <= 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if (!variant_dest(e, v->people[i], t, d, "postmix") ||
		    (change[i] && !variant_dest(e, v->people[i], t, change[i], "change")))
			return -1;
	variant_shuffle(v);
	return variant_write(e, VARIANT_JOINMARKET, ti, d) ? 1 : -1;
}

/* 3-20 participants, one equal output each and, with change, one change
 * each; without change each coin is the denomination plus its fee share
 * (and a few satoshis). One in three no-change joins is exactly 5 coins
 * into 5 outputs of 0.01 BTC. */
static int generic(struct econ *e, unsigned ti, bool with_change)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	bool five = !with_change && simrng_permille(&v->rng, 333);
	uint64_t d = five ? 1000000 : any_denom(v);
	uint64_t change[VARIANT_MAX_IN], values[VARIANT_MAX_IN];
	uint32_t n = variant_people(e, five ? 5 : (uint32_t)simrng_range(&v->rng, 3, 20));
	uint64_t share = share_of(variant_fee(e, t, n, with_change ? 2 * n : n), n);
	for (uint32_t i = 0; i < n; i++) {
		change[i] = with_change ? not_d(simrng_range(&v->rng, 10000, 3 * d), d) : 0;
		values[i] = d + share + change[i] + (with_change ? 0 : simrng_below(&v->rng, 300));
	}
	int r = fund_people(e, t, values, n);
	if (r <= 0)
		return r;
	for (uint32_t i = 0; i < n; i++)
		if (!variant_dest(e, v->people[i], t, d, "postmix") ||
		    (change[i] && !variant_dest(e, v->people[i], t, change[i], "change")))
			return -1;
	variant_shuffle(v);
	return variant_write(e, with_change ? VARIANT_GENERIC : VARIANT_GENERIC_NOCHANGE,
			     ti, d) ? 1 : -1;
}

int variant_mix(struct econ *e, enum variant_kind k, unsigned ti)
{
	switch (k) {
	case VARIANT_WHIRLPOOL: return whirlpool(e, ti);
	case VARIANT_WABISABI: return wabisabi(e, ti);
	case VARIANT_WASABI1: return wasabi1(e, ti);
	case VARIANT_JOINMARKET: return joinmarket(e, ti);
	case VARIANT_GENERIC: return generic(e, ti, true);
	case VARIANT_GENERIC_NOCHANGE: return generic(e, ti, false);
	case VARIANT_PAYROLL: case VARIANT_AIRDROP: case VARIANT_BATCH_WITHDRAWAL:
	case VARIANT_SELF_SPLIT:
		break;
	}
	e->why = "internal: not a mix variant";
	return -1;
}
