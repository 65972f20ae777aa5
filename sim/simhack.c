/* The exchange hack (simcrime.h): a thief drains most of one exchange's
 * hot wallet in 1-3 transactions (their outputs are the seeds, as the
 * exchange reports them), fans the loot out to 8-20 fresh addresses,
 * moves each branch through 0-3 hops and deposits it, whole, at the
 * other exchanges. Branches not deposited by the end stay unspent. */
#include "simcrime_int.h"
#include "proceeds/simworld.h"

#include <string.h>

bool hack_init(struct econ *e, struct crime *c)
{
	if (!world_add_entity(e, SIM_CRIMINAL, "hot-wallet-thief",
			      sim_era_params(e->opt.era)->p2tr ? SCRIPT_P2TR : SCRIPT_P2WPKH))
		return false;
	c->criminal = e->n_ent - 1;
	c->target_exchange = e->first_exchange + (uint32_t)simrng_below(&e->rng, e->n_exchanges);
	c->consolidate_at = (unsigned)simrng_range(&e->rng, 200, 400);
	c->drains_left = (uint32_t)simrng_range(&e->rng, 1, 3);
	return true;
}

/* One drain: up to 40 of the hot wallet's coins, about half its balance. */
static bool drain(struct econ *e, struct crime *c, unsigned progress)
{
	struct sim_entity *x = &e->ent[c->target_exchange];
	static uint32_t in[40];
	uint64_t want = x->balance / 1000 * simrng_range(&e->rng, 300, 600), total = 0;
	uint32_t n = 0;
	struct sim_dest d = { c->criminal, { 0 }, 0, false };
	struct econ_paid paid;
	c->consolidate_at = progress + (unsigned)simrng_range(&e->rng, 2, 6);
	for (uint32_t k = 0; k < x->coins.n && n < 40 && total < want; k++) {
		in[n++] = x->coins.v[k];
		total += e->pool[x->coins.v[k]].value;
	}
	if (n == 0 || total < econ_need(e, 0, 1, n) + 100 * SIM_DUST)
		return true; /* nothing worth stealing yet */
	if (!econ_fresh_key(e, &d.key, &e->ent[c->criminal], "theft"))
		return false;
	d.value = total;
	struct econ_payment p = { .payer = x, .dests = &d, .n_dests = 1, .in = in,
				  .n_in = n, .fee_from_dest = 0, .no_change = true };
	if (econ_pay(e, &paid, &p) != 1) {
		e->why = e->why ? e->why : "internal: a drain fell short";
		return false;
	}
	crime_seed(e, c, &paid.txid, 0, e->tx->out[0].value, x);
	if (--c->drains_left == 0) {
		c->phase = C_PEEL;
		c->next_hop = progress + (unsigned)simrng_range(&e->rng, 3, 10);
	}
	return true;
}

/* Everything stolen into 8-20 fresh addresses of random sizes. */
static bool fan_out(struct econ *e, struct crime *c)
{
	struct sim_entity *g = &e->ent[c->criminal];
	static uint32_t in[SIMTX_MAX_IN];
	struct sim_dest d[CRIME_MAX_BRANCHES];
	uint32_t n = g->coins.n, k = (uint32_t)simrng_range(&e->rng, 8, 20);
	uint64_t total = 0, weight[CRIME_MAX_BRANCHES], wsum = 0;
	struct econ_paid paid;
	memcpy(in, g->coins.v, n * sizeof(uint32_t));
	for (uint32_t i = 0; i < n; i++)
		total += e->pool[in[i]].value;
	uint64_t fee = econ_need(e, 0, k, n), spend = total - fee;
	for (uint32_t i = 0; i < k; i++)
		wsum += weight[i] = simrng_range(&e->rng, 100, 1000);
	for (uint32_t i = 0; i < k; i++) {
		d[i] = (struct sim_dest){ c->criminal, { 0 }, spend / wsum * weight[i], false };
		if (!econ_fresh_key(e, &d[i].key, g, "fanout"))
			return false;
	}
	json_t *inputs = crime_inputs_json(e, in, n);
	struct econ_payment p = { .payer = g, .dests = d, .n_dests = k, .in = in,
				  .n_in = n, .fee_from_dest = -1, .no_change = true };
	if (econ_pay(e, &paid, &p) != 1) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: the fan-out fell short";
		return false;
	}
	crime_record_hop(e, c, "fanout", inputs, &paid, d);
	for (uint32_t i = 0; i < k; i++) /* its outputs, in vout order */
		c->br[c->n_br++] = (struct branch){ g->coins.v[g->coins.n - k + i],
			(uint32_t)simrng_range(&e->rng, 0, 3), true };
	return true;
}

/* Moves branch b one step: a hop to a fresh address, or the deposit. */
static bool branch_step(struct econ *e, struct crime *c, struct branch *b)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct sim_dest d = { c->criminal, { 0 }, e->pool[b->pool].value, false };
	struct econ_paid paid;
	uint32_t in = b->pool, x;
	if (d.value < econ_need(e, 0, 1, 1) + 10 * SIM_DUST) {
		b->live = false; /* dust: stays unspent */
		return true;
	}
	bool hop = b->hops_left > 0;
	if (hop && !econ_fresh_key(e, &d.key, g, "hop"))
		return false;
	do
		x = e->first_exchange + (uint32_t)simrng_below(&e->rng, e->n_exchanges);
	while (!hop && x == c->target_exchange);
	if (!hop && !world_deposit_key(e, &d, x - e->first_exchange, g))
		return false;
	d.value = e->pool[in].value;
	json_t *inputs = crime_inputs_json(e, &in, 1);
	struct econ_payment p = { .payer = g, .dests = &d, .n_dests = 1, .in = &in,
				  .n_in = 1, .fee_from_dest = 0, .no_change = true };
	if (econ_pay(e, &paid, &p) != 1) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: a hop fell short";
		return false;
	}
	crime_record_hop(e, c, hop ? "hop" : "deposit", inputs, &paid, &d);
	if (hop) {
		b->hops_left--;
		b->pool = g->coins.v[g->coins.n - 1];
	} else {
		b->live = false;
		crime_watch_deposit(e, c, d.owner);
	}
	return true;
}

bool hack_step(struct econ *e, struct crime *c, unsigned progress)
{
	if (c->phase == C_COLLECT)
		return progress < c->consolidate_at || drain(e, c, progress);
	if (progress < c->next_hop)
		return true;
	if (c->n_br == 0 && e->ent[c->criminal].coins.n == 0) {
		c->phase = C_DONE;
		return true;
	}
	if (c->n_br == 0)
		return fan_out(e, c);
	uint32_t live = 0, pick;
	for (uint32_t i = 0; i < c->n_br; i++)
		live += c->br[i].live;
	if (live == 0 || progress >= 880) {
		c->phase = C_DONE;
		return true;
	}
	c->next_hop = progress + (unsigned)simrng_range(&e->rng, 1, 6);
	pick = (uint32_t)simrng_below(&e->rng, live);
	for (uint32_t i = 0; i < c->n_br; i++)
		if (c->br[i].live && pick-- == 0)
			return branch_step(e, c, &c->br[i]);
	return true;
}
