/* --mix-variants: the look-alikes (simvariant.h). One owner spends its
 * own coins of the cell's script type into several equal outputs: not a
 * mix, however alike it looks. */
#include "simvariant_int.h"

/* total split into k parts of random weights (1-4 each). */
static void split_total(struct sim_variant *v, uint64_t *parts, uint32_t k, uint64_t total)
{
	uint64_t w[4], sum = 0, left = total;
	for (uint32_t i = 0; i < k; i++)
		sum += w[i] = simrng_range(&v->rng, 1, 4);
	for (uint32_t i = 0; i + 1 < k; i++)
		left -= parts[i] = total / sum * w[i];
	parts[k - 1] = left;
}

/* owner receives k coins of type t summing to total (fresh addresses,
 * or all at the first one when one_addr), from exchanges, or from its
 * own coins when self_ok and k == 1. 1, 0 or -1 as variant_fund. */
static int fund_owner(struct econ *e, uint32_t owner, uint8_t t, uint32_t k,
		      uint64_t total, bool one_addr, bool self_ok)
{
	struct sim_variant *v = e->variant;
	uint64_t parts[4];
	struct simkey first;
	split_total(v, parts, k, total);
	for (uint32_t i = 0; i < k; i++) {
		int r = variant_fund(e, owner, t, parts[i], one_addr && i ? &first : NULL,
				     "receive", self_ok && k == 1);
		if (r <= 0)
			return r;
		first = e->pool[v->in[0]].key;
	}
	return 1;
}

/* owner (an employer, an airdrop service) pays m distinct users d each
 * from k coins of its own, with change. */
static int pay_equal(struct econ *e, enum variant_kind kind, unsigned ti, uint32_t owner,
		     uint32_t k, uint32_t m, uint64_t d, uint64_t change)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	m = variant_people(e, m);
	uint64_t total = m * d + variant_fee(e, t, k, m + 1) + change;
	int r = fund_owner(e, owner, t, k, total, false, false);
	if (r <= 0)
		return r;
	for (uint32_t i = 0; i < m; i++)
		if (!variant_dest(e, v->people[i], t, d, "receive"))
			return -1;
	if (!variant_dest(e, owner, t, change, "change"))
		return -1;
	variant_shuffle(v);
	return variant_write(e, kind, ti, d) ? 1 : -1;
}

/* An employer pays 3-50 people the same salary from 1-3 coins. */
static int payroll(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint32_t owner = v->first_employer + (uint32_t)simrng_below(&v->rng, VARIANT_EMPLOYERS);
	uint32_t k = (uint32_t)simrng_range(&v->rng, 1, 3);
	uint32_t m = (uint32_t)simrng_range(&v->rng, 3, 50);
	uint64_t d = econ_fiat(e, simrng_skewed(&v->rng, 300000, 50000, 1500000));
	if (d < 2 * SIM_DUST)
		d = 2 * SIM_DUST;
	return pay_equal(e, VARIANT_PAYROLL, ti, owner, k, m, d,
			 simrng_range(&v->rng, 20000, 20000 + m * d));
}

/* A service pays 10-100 people the same small amount from 1-2 coins. */
static int airdrop(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint32_t owner = v->first_airdrop + (uint32_t)simrng_below(&v->rng, VARIANT_AIRDROPS);
	uint32_t k = (uint32_t)simrng_range(&v->rng, 1, 2);
	uint32_t m = (uint32_t)simrng_range(&v->rng, 10, 100);
	uint64_t d = simrng_range(&v->rng, 1000, 20000);
	return pay_equal(e, VARIANT_AIRDROP, ti, owner, k, m, d,
			 simrng_range(&v->rng, 20000, 1000000));
}

/* The exchange's hot wallet of type t: its own when of that type, else
 * one made for it once (role "hot") and reused. */
static bool hot_of(struct econ *e, struct simkey *out, uint32_t xi, unsigned ti)
{
	struct sim_variant *v = e->variant;
	struct sim_entity *x = &e->ent[e->first_exchange + xi];
	uint8_t t = variant_script_type(ti);
	if (x->hot.type == t) {
		*out = x->hot;
		return true;
	}
	if (!v->has_hot[xi][ti] && !econ_fresh_key_type(e, &v->hot[xi][ti], x, "hot", t))
		return false;
	v->has_hot[xi][ti] = true;
	*out = v->hot[xi][ti];
	return true;
}

/* Exchange x's coins of type t, largest first (at most 20), into v->in
 * until they cover sum and the fee of m outputs and a change of at
 * least 20,000 sat; their total, or 0 when they cannot. */
static uint64_t gather(struct econ *e, const struct sim_entity *x, uint8_t t,
		       uint64_t sum, uint32_t m)
{
	struct sim_variant *v = e->variant;
	uint64_t total = 0;
	v->n_in = 0;
	while (v->n_in < 20 && total < sum + variant_fee(e, t, v->n_in, m + 1) + 20000) {
		int64_t best = -1;
		for (uint32_t k = 0; k < x->coins.n; k++) {
			uint32_t c = x->coins.v[k];
			bool used = e->pool[c].key.type != t || e->pool[c].coinbase;
			for (uint32_t j = 0; j < v->n_in && !used; j++)
				used = v->in[j] == c;
			if (!used && (best < 0 || e->pool[c].value > e->pool[best].value))
				best = c;
		}
		if (best < 0)
			break;
		v->in[v->n_in] = (uint32_t)best;
		v->owner_of_in[v->n_in++] = x->id;
		total += e->pool[best].value;
	}
	if (total >= sum + variant_fee(e, t, v->n_in, m + 1) + 20000)
		return total;
	v->n_in = 0;
	return 0;
}

/* Exchange x moves value from its own coins to its hot wallet hot of
 * type t: 1, 0 when it cannot, -1 on error. */
static int refill(struct econ *e, struct sim_entity *x, uint32_t xi, unsigned ti,
		  uint64_t value)
{
	struct sim_dest d = { x->id, { 0 }, value, false };
	struct econ_paid paid;
	if (x->hot.type == variant_script_type(ti) || !econ_affordable(e, x, value, 1, 20))
		return 0; /* never hot to hot: its own coins are all there */
	if (!hot_of(e, &d.key, xi, ti))
		return -1;
	struct econ_payment p = { .payer = x, .dests = &d, .n_dests = 1, .max_in = 20,
				  .fee_from_dest = -1, .change_key = &x->hot };
	int r = econ_pay(e, &paid, &p);
	if (r <= 0)
		e->why = r ? e->why : "internal: an affordable hot wallet refill fell short";
	return r <= 0 ? -1 : 1;
}

/* m withdrawal amounts, q of them equal to d. */
static uint64_t batch_amounts(struct econ *e, uint64_t *amounts, uint32_t m, uint32_t q,
			      uint64_t d)
{
	struct sim_variant *v = e->variant;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < m; i++) {
		amounts[i] = i < q ? d : econ_fiat(e, simrng_skewed(&v->rng, 30000, 2000, 5000000));
		if (amounts[i] < 2 * SIM_DUST)
			amounts[i] = 2 * SIM_DUST;
		if (i >= q && amounts[i] == d)
			amounts[i]++;
		sum += amounts[i];
	}
	return sum;
}

/* An exchange's hot wallet of type t pays 5-40 withdrawals, 2-5 of them
 * equal, change back to that hot wallet. */
static int batch_withdrawal(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	uint32_t xi = (uint32_t)simrng_below(&v->rng, e->n_exchanges);
	struct sim_entity *x = &e->ent[e->first_exchange + xi];
	uint32_t m = variant_people(e, (uint32_t)simrng_range(&v->rng, 5, 40));
	uint32_t q = (uint32_t)simrng_range(&v->rng, 2, m < 5 ? m : 5);
	uint64_t d = econ_fiat(e, simrng_skewed(&v->rng, 30000, 2000, 5000000)) + 2 * SIM_DUST;
	uint64_t amounts[VARIANT_MAX_OUT], sum = batch_amounts(e, amounts, m, q, d);
	uint64_t total = gather(e, x, t, sum, m);
	if (!total) {
		int r = refill(e, x, xi, ti, 2 * (sum + variant_fee(e, t, 20, m + 1)) + 40000);
		if (r <= 0)
			return r;
		if (!(total = gather(e, x, t, sum, m)))
			return e->why = "internal: a refilled hot wallet fell short", -1;
	}
	for (uint32_t i = 0; i < m; i++)
		if (!variant_dest(e, v->people[i], t, amounts[i], "receive"))
			return -1;
	struct sim_dest *c = &v->dests[v->n_dests++];
	*c = (struct sim_dest){ x->id, { 0 }, total - sum - variant_fee(e, t, v->n_in, m + 1),
				false };
	if (!hot_of(e, &c->key, xi, ti))
		return -1;
	variant_shuffle(v);
	return variant_write(e, VARIANT_BATCH_WITHDRAWAL, ti, d) ? 1 : -1;
}

/* A user splits 1-4 coins of its own (sometimes all at one address) into
 * 2-10 equal coins at its own fresh addresses, with or without change. */
static int self_split(struct econ *e, unsigned ti)
{
	struct sim_variant *v = e->variant;
	uint8_t t = variant_script_type(ti);
	uint32_t owner, k;
	(void)variant_people(e, 1);
	owner = v->people[0];
	k = (uint32_t)simrng_range(&v->rng, 1, 4);
	bool one_addr = k > 1 && simrng_permille(&v->rng, 333);
	uint32_t m = (uint32_t)simrng_range(&v->rng, 2, 10);
	uint64_t d = simrng_skewed(&v->rng, 1000000, 20000, 50000000);
	bool with_change = simrng_permille(&v->rng, 500);
	uint64_t change = with_change ? simrng_range(&v->rng, 20000, 2 * d) : 0;
	if (change == d)
		change++;
	uint64_t total = m * d + variant_fee(e, t, k, m + with_change) + change +
			 (with_change ? 0 : simrng_below(&v->rng, 200));
	int r = fund_owner(e, owner, t, k, total, one_addr, true);
	if (r <= 0)
		return r;
	for (uint32_t i = 0; i < m; i++)
		if (!variant_dest(e, owner, t, d, "split"))
			return -1;
	if (with_change && !variant_dest(e, owner, t, change, "change"))
		return -1;
	variant_shuffle(v);
	return variant_write(e, VARIANT_SELF_SPLIT, ti, d) ? 1 : -1;
}

int variant_lookalike(struct econ *e, enum variant_kind k, unsigned ti)
{
	switch (k) {
	case VARIANT_PAYROLL: return payroll(e, ti);
	case VARIANT_AIRDROP: return airdrop(e, ti);
	case VARIANT_BATCH_WITHDRAWAL: return batch_withdrawal(e, ti);
	case VARIANT_SELF_SPLIT: return self_split(e, ti);
	case VARIANT_WHIRLPOOL: case VARIANT_WABISABI: case VARIANT_WASABI1:
	case VARIANT_JOINMARKET: case VARIANT_GENERIC: case VARIANT_GENERIC_NOCHANGE:
		break;
	}
	e->why = "internal: not a look-alike variant";
	return -1;
}
