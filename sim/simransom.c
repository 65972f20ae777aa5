/* Ransomware (victims pay, consolidation, peel chain, optionally a hop
 * through a CoinJoin) and the scam (weeks of victim payments swept
 * together, then cashed out in fans of deposits). simcrime.h. */
#include "simcrime_int.h"
#include "proceeds/simmix.h"
#include "proceeds/simworld.h"

#include <string.h>

static bool pay_criminal(struct econ *e, struct crime *c, struct victim *v,
			 const struct simkey *key)
{
	struct sim_entity *u = &e->ent[v->user];
	struct sim_dest d = { c->criminal, *key, v->amount, false };
	struct econ_paid paid;
	struct econ_payment p = { .payer = u, .dests = &d, .n_dests = 1,
				  .max_in = 3, .fee_from_dest = -1 };
	if (econ_pay(e, &paid, &p) != 1) {
		e->why = e->why ? e->why : "internal: a victim's payment fell short";
		return false;
	}
	crime_seed(e, c, &paid.txid, econ_dest_vout(&paid, 0), v->amount, u);
	v->state = V_PAID;
	return true;
}

static bool victim_pays_ransom(struct econ *e, struct crime *c, struct victim *v)
{
	struct simkey key;
	if (!econ_affordable(e, &e->ent[v->user], v->amount, 1, 3))
		return true;
	return econ_fresh_key(e, &key, &e->ent[c->criminal], "ransom") &&
	       pay_criminal(e, c, v, &key);
}

static void draw_victims(struct econ *e, struct crime *c, uint32_t lo, uint32_t hi,
			 unsigned from, unsigned to)
{
	c->n_victims = (uint32_t)simrng_range(&e->rng, lo, hi);
	for (uint32_t i = 0; i < c->n_victims; i++) {
		struct victim *v = &c->v[i];
		v->user = e->first_user + (uint32_t)simrng_below(&e->rng, e->n_users);
		for (uint32_t j = 0; j < i; j++)
			if (c->v[j].user == v->user)
				v->user = e->first_user + (v->user - e->first_user + 1) % e->n_users;
		v->attack_at = (unsigned)simrng_range(&e->rng, from, to);
		v->payments_left = 1;
	}
}

bool ransom_init(struct econ *e, struct crime *c)
{
	if (!world_add_entity(e, SIM_CRIMINAL, "ransomware-gang", SCRIPT_P2WPKH))
		return false;
	c->criminal = e->n_ent - 1;
	draw_victims(e, c, 8, 24, 150, 450);
	c->consolidate_at = 520;
	c->hops_left = (uint32_t)simrng_range(&e->rng, 6, 14);
	/* With --crime-coinjoin (or --crime-demix), the remainder after this
	 * many hops (the consolidation counts as one) goes through a
	 * WabiSabi round. */
	c->mix_at_hop = e->opt.crime_coinjoin || e->opt.crime_demix
				? (unsigned)simrng_range(&e->rng, 2, 4) : UINT32_MAX;
	if (e->opt.crime_demix)
		demix_init(e, c);
	return true;
}

static bool consolidate(struct econ *e, struct crime *c, const char *kind,
			const char *role)
{
	struct sim_entity *g = &e->ent[c->criminal];
	static uint32_t in[SIMTX_MAX_IN];
	struct sim_dest d = { c->criminal, { 0 }, 0, false };
	struct econ_paid paid;
	uint64_t total = 0;
	uint32_t n = g->coins.n > SIMTX_MAX_IN ? SIMTX_MAX_IN : g->coins.n;

	memcpy(in, g->coins.v, n * sizeof(uint32_t));
	for (uint32_t k = 0; k < n; k++)
		total += e->pool[in[k]].value;
	if (n == 0 || total < econ_need(e, 0, 1, n) + 10 * SIM_DUST)
		return true;
	if (!econ_fresh_key(e, &d.key, g, role))
		return false;
	d.value = total;
	json_t *inputs = crime_inputs_json(e, in, n);
	struct econ_payment p = { .payer = g, .dests = &d, .n_dests = 1, .in = in,
				  .n_in = n, .fee_from_dest = 0, .no_change = true };
	if (econ_pay(e, &paid, &p) != 1) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: consolidation fell short";
		return false;
	}
	crime_record_hop(e, c, kind, inputs, &paid, &d);
	c->consolidated = e->tx->out[0].value;
	return true;
}

/* Pays coin `in` of the criminal to dests[0..n) (exchange deposits) with
 * change (role "peel") unless no_change; watches the deposits. */
static bool cash_out(struct econ *e, struct crime *c, uint32_t in,
		     struct sim_dest *dests, uint32_t n, bool no_change)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct econ_paid paid;
	json_t *inputs = crime_inputs_json(e, &in, 1);
	const char *mixed = crime_mixed_from(c, in);
	struct econ_payment p = { .payer = g, .dests = dests, .n_dests = n, .in = &in,
				  .n_in = 1, .fee_from_dest = no_change ? 0 : -1,
				  .no_change = no_change, .change_role = "peel" };
	if (econ_pay(e, &paid, &p) != 1 || (!no_change && paid.change_vout < 0)) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: a cash-out fell short";
		return false;
	}
	crime_record_hop(e, c, no_change ? "deposit" : "peel", inputs, &paid, dests);
	size_t first = json_array_size(c->cashouts) - n;
	for (uint32_t i = 0; i < n; i++) {
		const struct sim_entity *x = &e->ent[dests[i].owner];
		if (c->n_waiting < CRIME_MAX_WAITING && x->pending.n) {
			c->waiting[c->n_waiting].pool = x->pending.v[x->pending.n - 1];
			c->waiting[c->n_waiting++].cashout =
				json_array_get(c->cashouts, first + i);
		}
		if (mixed) {
			json_t *o = json_array_get(c->cashouts, first + i);
			json_object_set_new(o, "mixed", json_true());
			json_object_set_new(o, "mix_txid", json_string(mixed));
		}
	}
	return true;
}

bool ransom_mix_hop(struct econ *e, struct crime *c, uint32_t in)
{
	uint32_t outs[MIX_JOIN_OUTS], n_outs = 0;
	struct hash256 txid;
	uint64_t share;
	char hex[65];
	json_t *inputs = crime_inputs_json(e, &in, 1);
	int r = mix_join(e, in, &txid, &share, outs, &n_outs);
	if (r <= 0) {
		json_decref(inputs);
		return r == 0; /* too few users this time: try at the next hop */
	}
	hash256_to_hex(hex, &txid);
	json_t *o = json_array();
	char addr[92];
	for (uint32_t k = 0; k < n_outs; k++) {
		const struct sim_utxo *u = &e->pool[outs[k]];
		econ_address(e, addr, &u->key);
		json_t *j = crime_outpoint_json(&u->txid, u->vout, u->value, addr);
		json_object_set_new(j, "to", json_string("criminal"));
		json_object_set_new(j, "entity", json_integer(c->criminal));
		json_array_append_new(o, j);
		crime_add_mixed(c, outs[k], hex, true);
	}
	c->was_mixed = true;
	c->fees += share;
	c->hops_done++;
	json_array_append_new(c->hops, json_pack(
		"{s:s, s:s, s:I, s:I, s:o, s:o}", "kind", "coinjoin", "txid", hex,
		"height", (json_int_t)e->chain.height, "fee", (json_int_t)share,
		"inputs", inputs, "outputs", o));
	return true;
}

/* After the mix: one postmix coin, whole, into a deposit. */
static bool deposit_postmix(struct econ *e, struct crime *c)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct sim_dest d;
	uint32_t best = UINT32_MAX;
	for (uint32_t k = 0; k < g->coins.n; k++)
		if (crime_mixed_from(c, g->coins.v[k]) &&
		    e->pool[g->coins.v[k]].value >= econ_need(e, 0, 1, 1) + 10 * SIM_DUST &&
		    (best == UINT32_MAX || e->pool[g->coins.v[k]].value > e->pool[best].value))
			best = g->coins.v[k];
	if (best == UINT32_MAX) {
		c->phase = C_DONE;
		return true;
	}
	if (!world_deposit_key(e, &d, (uint32_t)simrng_below(&e->rng, e->n_exchanges), g))
		return false;
	d.value = e->pool[best].value;
	return cash_out(e, c, best, &d, 1, true);
}

static bool peel(struct econ *e, struct crime *c, unsigned progress)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct sim_dest d;
	uint32_t in = g->coins.v[0];
	uint64_t v = e->pool[in].value;

	if (e->opt.crime_demix && c->hops_done >= c->mix_at_hop)
		return demix_step(e, c, progress);
	if (c->n_mixed || c->hops_done >= c->mix_at_hop) {
		if (c->hops_left == 0 || progress >= 880) {
			c->phase = C_DONE;
			return true;
		}
		c->next_hop = progress + (unsigned)simrng_range(&e->rng, 8, 30);
		if (!c->n_mixed)
			return ransom_mix_hop(e, c, g->coins.v[0]);
		c->hops_left--;
		return deposit_postmix(e, c);
	}
	uint64_t slice = v / 1000 * simrng_range(&e->rng, 60, 160);
	/* The last hops leave the exchanges time to sweep the deposits. */
	if (c->hops_left == 0 || progress >= 880 || v - slice < c->consolidated / 10 * 3 ||
	    slice < econ_need(e, 0, 2, 1) + 10 * SIM_DUST) {
		c->phase = C_DONE;
		return true;
	}
	c->hops_left--;
	c->next_hop = progress + (unsigned)simrng_range(&e->rng, 8, 30);
	if (!world_deposit_key(e, &d, (uint32_t)simrng_below(&e->rng, e->n_exchanges), g))
		return false;
	d.value = slice;
	return cash_out(e, c, in, &d, 1, false);
}

static const uint64_t ransom_cents[3] = { 3000000, 300000, 30000000 };

bool ransom_step(struct econ *e, struct crime *c, unsigned progress)
{
	if (c->phase == C_COLLECT) {
		if (!crime_victims_step(e, c, progress, c->consolidate_at, ransom_cents,
					victim_pays_ransom))
			return false;
		if (progress < c->consolidate_at)
			return true;
		c->phase = C_DONE;
		if (!consolidate(e, c, "consolidation", "consolidation"))
			return false;
		if (c->consolidated)
			c->phase = C_PEEL;
		return true;
	}
	if (progress < c->next_hop)
		return true;
	return peel(e, c, progress);
}

/* The scam: 20-60 victims pay 1-4 times each, weeks apart, to one of the
 * scam's 1-3 reused addresses; the scammer sweeps everything together
 * every few weeks, then cashes out in fans of 2-3 deposits. */
bool scam_init(struct econ *e, struct crime *c)
{
	if (!world_add_entity(e, SIM_CRIMINAL, "investment-scam", SCRIPT_P2WPKH))
		return false;
	c->criminal = e->n_ent - 1;
	draw_victims(e, c, 20, 60, 80, 450);
	for (uint32_t i = 0; i < c->n_victims; i++)
		c->v[i].payments_left = (uint32_t)simrng_range(&e->rng, 1, 4);
	c->n_scam_keys = (uint32_t)simrng_range(&e->rng, 1, 3);
	c->next_sweep = 150 + (unsigned)simrng_below(&e->rng, 50);
	c->consolidate_at = 560;
	c->hops_left = (uint32_t)simrng_range(&e->rng, 4, 8);
	return true;
}

static bool victim_pays_scam(struct econ *e, struct crime *c, struct victim *v)
{
	struct sim_entity *g = &e->ent[c->criminal];
	uint32_t k = (uint32_t)simrng_below(&e->rng, c->n_scam_keys);
	if (!econ_affordable(e, &e->ent[v->user], v->amount, 1, 3))
		return true;
	if (!c->scam_key[k].type && !econ_fresh_key(e, &c->scam_key[k], g, "scam"))
		return false;
	if (!pay_criminal(e, c, v, &c->scam_key[k]))
		return false;
	if (--v->payments_left > 0) { /* pays again a few weeks later */
		v->state = V_WAITING;
		v->attack_at = c->now + (unsigned)simrng_range(&e->rng, 25, 90);
	}
	return true;
}

/* A fan of 2-3 deposits at distinct exchanges from the largest coin. */
static bool scam_cash_out(struct econ *e, struct crime *c, unsigned progress)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct sim_dest d[3];
	uint32_t best = g->coins.v[0], n = (uint32_t)simrng_range(&e->rng, 2, 3);
	uint32_t x0 = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
	for (uint32_t k = 1; k < g->coins.n; k++)
		if (e->pool[g->coins.v[k]].value > e->pool[best].value)
			best = g->coins.v[k];
	uint64_t v = e->pool[best].value, sum = 0;
	if (c->hops_left == 0 || progress >= 880 || v < c->consolidated / 4) {
		c->phase = C_DONE;
		return true;
	}
	c->hops_left--;
	c->next_hop = progress + (unsigned)simrng_range(&e->rng, 20, 40);
	for (uint32_t i = 0; i < n; i++) {
		if (!world_deposit_key(e, &d[i], (x0 + i) % e->n_exchanges, g))
			return false;
		d[i].value = v / 1000 * simrng_range(&e->rng, 60, 150);
		sum += d[i].value;
	}
	if (v - sum < econ_need(e, 0, n, 1) + 10 * SIM_DUST) {
		e->why = "internal: a scam cash-out fell short";
		return false;
	}
	return cash_out(e, c, best, d, n, false);
}

static const uint64_t scam_cents[3] = { 80000, 10000, 1000000 };

bool scam_step(struct econ *e, struct crime *c, unsigned progress)
{
	if (c->phase == C_COLLECT) {
		if (!crime_victims_step(e, c, progress, c->consolidate_at, scam_cents,
					victim_pays_scam))
			return false;
		bool last = progress >= c->consolidate_at;
		if ((progress >= c->next_sweep || last) && e->ent[c->criminal].coins.n >= 2) {
			c->next_sweep = progress + (unsigned)simrng_range(&e->rng, 40, 70);
			if (!consolidate(e, c, "sweep", "sweep"))
				return false;
		}
		if (last) {
			c->phase = e->ent[c->criminal].coins.n ? C_PEEL : C_DONE;
			c->consolidated = 0;
			for (uint32_t k = 0; k < e->ent[c->criminal].coins.n; k++)
				c->consolidated += e->pool[e->ent[c->criminal].coins.v[k]].value;
			c->next_hop = progress;
		}
		return true;
	}
	if (progress < c->next_hop)
		return true;
	return scam_cash_out(e, c, progress);
}
