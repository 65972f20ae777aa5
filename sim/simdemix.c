/* The ransomware's linked post-mix spending under --crime-demix
 * (simcrime_int.h; docs/simulate.md, "Linking after the mix"). When the
 * mix is due:
 *   1. "split": the peel chain's remainder into the coin it mixes (role
 *      "premix", 76-94% of it) and 2-3 coins it keeps out of the mix
 *      (role "unmixed", 3-8% each);
 *   2. "coinjoin": the premix coin joins a WabiSabi round (again at the
 *      next step when too few users come);
 *   3. one spend per step (every 4-15 permille of the run, none from 880
 *      on), drawn among those possible (weights: a consolidation 1, a
 *      spend with kept coins as many as are kept, a deposit 1):
 *      - "postmix-consolidation": 2-4 outputs of the mix into one fresh
 *        address (role "consolidation"), 1-2 times in all;
 *      - "with-unmixed": 1-2 outputs of the mix and one kept coin pay a
 *        deposit larger than any of them, the change to a fresh address
 *        (role "change");
 *      - "deposit": one coin out of the mix (an output, a consolidation,
 *        a change) whole into a deposit address.
 * A deposit goes to the criminal's static deposit address at one of 1-2
 * exchanges 70% of the time, else to a fresh one. Every spend is a hop,
 * every deposit a cash-out marked mixed; the crime's "demix" truth object
 * lists the kept coins, the consolidations, the spends with kept coins
 * and each static address with every payment into it. What is left at
 * the end is the unspent remainder, so seeded = cashed out + unspent +
 * fees still holds. */
#include "simcrime_int.h"
#include "proceeds/address.h"
#include "proceeds/simworld.h"

#include <assert.h>
#include <string.h>

#define STATIC_PERMILLE 700

void demix_init(struct econ *e, struct crime *c)
{
	(void)e;
	c->dm.truth = json_pack("{s:n, s:[], s:[], s:[], s:[]}", "mix_txid", "unmixed",
				"consolidations", "with_unmixed", "static_deposits");
}

static json_t *dm_list(const struct crime *c, const char *name)
{
	return json_object_get(c->dm.truth, name);
}

static const char *mix_txid(const struct crime *c)
{
	return json_string_value(json_object_get(c->dm.truth, "mix_txid"));
}

/* Output vout of the transaction just written as an outpoint (new). */
static json_t *new_outpoint(struct econ *e, const struct hash256 *txid, uint32_t vout)
{
	char addr[92];
	const struct simtx_out *o = &e->tx->out[vout];
	address_from_script(addr, e->opt.net, o->script, o->script_len);
	return crime_outpoint_json(txid, vout, o->value, addr);
}

/* econ_pay, its shortfall an internal error (the callers checked). */
static bool pay(struct econ *e, struct econ_paid *paid, const struct econ_payment *p,
		json_t *inputs)
{
	if (econ_pay(e, paid, p) == 1 && (p->no_change || paid->change_vout >= 0))
		return true;
	json_decref(inputs);
	e->why = e->why ? e->why : "internal: a post-mix spend fell short";
	return false;
}

/* The remainder: the coin to mix and 2-3 coins kept out of the mix. */
static bool split(struct econ *e, struct crime *c)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct crime_demix *dm = &c->dm;
	struct sim_dest d[1 + CRIME_MAX_UNMIXED];
	struct econ_paid paid;
	uint32_t in = g->coins.v[0], n = 1 + (uint32_t)simrng_range(&e->rng, 2, CRIME_MAX_UNMIXED);
	uint32_t at = (uint32_t)simrng_below(&e->rng, n); /* the coin to mix */
	uint64_t v = e->pool[in].value, kept = 0;

	dm->split = true;
	dm->tomix = in;
	if (v / 1000 * 30 < 100 * SIM_DUST + econ_need(e, 0, n, 1))
		return true; /* too little to keep some back: mixed whole */
	for (uint32_t i = 0; i < n; i++) {
		d[i] = (struct sim_dest){ c->criminal, { 0 }, 0, false };
		if (i != at) {
			d[i].value = v / 1000 * simrng_range(&e->rng, 30, 80);
			kept += d[i].value;
		}
		if (!econ_fresh_key(e, &d[i].key, g, i == at ? "premix" : "unmixed"))
			return false;
	}
	d[at].value = v - kept;
	json_t *inputs = crime_inputs_json(e, &in, 1);
	struct econ_payment p = { .payer = g, .dests = d, .n_dests = n, .in = &in, .n_in = 1,
				  .fee_from_dest = (int)at, .no_change = true };
	if (!pay(e, &paid, &p, inputs))
		return false;
	crime_record_hop(e, c, "split", inputs, &paid, d);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = econ_coin_of(e, c->criminal, &paid.txid, i);
		if (i == at) {
			dm->tomix = k;
			continue;
		}
		dm->unmixed[dm->n_unmixed++] = k;
		json_array_append_new(dm_list(c, "unmixed"), new_outpoint(e, &paid.txid, i));
	}
	return true;
}

/* The premix coin into a WabiSabi round; then the plan after it. */
static bool mix(struct econ *e, struct crime *c)
{
	struct crime_demix *dm = &c->dm;
	if (!ransom_mix_hop(e, c, dm->tomix))
		return false;
	if (!c->was_mixed)
		return true; /* too few users: again at the next step */
	json_t *hop = json_array_get(c->hops, json_array_size(c->hops) - 1);
	json_object_set(dm->truth, "mix_txid", json_object_get(hop, "txid"));
	dm->cons_left = (uint32_t)simrng_range(&e->rng, 1, 2);
	dm->n_st = (uint32_t)simrng_range(&e->rng, 1, CRIME_MAX_STATIC);
	if (e->n_exchanges < 2)
		dm->n_st = 1;
	dm->st[0].exchange = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
	dm->st[1].exchange = dm->n_st < 2 ? dm->st[0].exchange : (dm->st[0].exchange + 1 +
		(uint32_t)simrng_below(&e->rng, e->n_exchanges - 1)) % e->n_exchanges;
	return true;
}

/* The address of the next deposit (made now: call only when the payment
 * will be written): the static one at one of the criminal's exchanges,
 * else a fresh one. *st: the static address's index, or -1. */
static bool deposit_dest(struct econ *e, struct crime *c, struct sim_dest *d, int *st)
{
	struct crime_demix *dm = &c->dm;
	struct sim_entity *g = &e->ent[c->criminal];
	char addr[92];
	*st = -1;
	if (!simrng_permille(&e->rng, STATIC_PERMILLE))
		return world_deposit_key(e, d, (uint32_t)simrng_below(&e->rng, e->n_exchanges), g);
	struct crime_static *s = &dm->st[simrng_below(&e->rng, dm->n_st)];
	*st = (int)(s - dm->st);
	if (!s->made) {
		if (!world_deposit_key(e, &s->d, s->exchange, g))
			return false;
		s->made = true;
		econ_address(e, addr, &s->d.key);
		s->row = json_pack("{s:s, s:s, s:I, s:[]}", "address", addr, "exchange",
				   e->ent[s->d.owner].name, "entity", (json_int_t)s->d.owner,
				   "payments");
		json_array_append_new(dm_list(c, "static_deposits"), s->row);
	}
	*d = s->d;
	return true;
}

/* The cash-out just recorded (the newest): watched for its sweep, marked
 * mixed, and a payment of static address st (unless -1), spending the
 * mix's outputs postmix (taken). */
static void booked_deposit(struct econ *e, struct crime *c, const struct sim_dest *d, int st,
			   json_t *postmix)
{
	json_t *o = json_array_get(c->cashouts, json_array_size(c->cashouts) - 1);
	crime_watch_deposit(e, c, d->owner);
	crime_mark_mixed(c, mix_txid(c));
	if (st < 0) {
		json_decref(postmix);
		return;
	}
	json_object_set_new(o, "static_deposit", json_true());
	json_array_append_new(json_object_get(c->dm.st[st].row, "payments"), json_pack(
		"{s:O, s:O, s:O, s:O, s:o}", "txid", json_object_get(o, "txid"), "vout",
		json_object_get(o, "vout"), "value", json_object_get(o, "value"), "height",
		json_object_get(o, "height"), "postmix", postmix));
}

static bool worth_deposit(const struct econ *e, uint32_t pool)
{
	return e->pool[pool].value >= econ_need(e, 0, 1, 1) + 10 * SIM_DUST;
}

/* One coin out of the mix, whole, into a deposit address. */
static bool deposit_one(struct econ *e, struct crime *c)
{
	uint32_t cand[CRIME_MAX_MIXED], n = 0, in;
	struct sim_dest d;
	struct econ_paid paid;
	int st;
	for (uint32_t i = 0; i < c->n_mixed; i++)
		if (worth_deposit(e, c->mixed[i].pool))
			cand[n++] = i;
	if (n == 0)
		return true;
	uint32_t i = cand[simrng_below(&e->rng, n)];
	in = c->mixed[i].pool;
	json_t *postmix = c->mixed[i].direct ? crime_inputs_json(e, &in, 1) : json_array();
	json_t *inputs = crime_inputs_json(e, &in, 1);
	if (!deposit_dest(e, c, &d, &st)) {
		json_decref(postmix), json_decref(inputs);
		return false;
	}
	d.value = e->pool[in].value;
	struct econ_payment p = { .payer = &e->ent[c->criminal], .dests = &d, .n_dests = 1,
				  .in = &in, .n_in = 1, .fee_from_dest = 0, .no_change = true };
	if (!pay(e, &paid, &p, inputs)) {
		json_decref(postmix);
		return false;
	}
	crime_record_hop(e, c, "deposit", inputs, &paid, &d);
	crime_forget_mixed(c, in);
	booked_deposit(e, c, &d, st, postmix);
	return true;
}

/* Moves a random k of cand[0..n) to its front. */
static void pick(struct econ *e, uint32_t *cand, uint32_t n, uint32_t k)
{
	assert(k <= n);
	for (uint32_t i = 0; i < k; i++) {
		uint32_t j = i + (uint32_t)simrng_below(&e->rng, n - i), t = cand[i];
		cand[i] = cand[j], cand[j] = t;
	}
}

/* The criminal's outputs of the mix still unspent, at least floor each,
 * into cand; returns how many. */
static uint32_t direct_coins(const struct econ *e, const struct crime *c, uint32_t *cand,
			     uint64_t floor)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < c->n_mixed; i++)
		if (c->mixed[i].direct && e->pool[c->mixed[i].pool].value >= floor)
			cand[n++] = c->mixed[i].pool;
	return n;
}

/* 2-4 outputs of the mix into one fresh address. */
static bool consolidate_postmix(struct econ *e, struct crime *c)
{
	uint32_t in[CRIME_MAX_MIXED], n = direct_coins(e, c, in, 0);
	uint32_t k = (uint32_t)simrng_range(&e->rng, 2, n < 4 ? n : 4);
	uint64_t total = 0;
	struct econ_paid paid;
	pick(e, in, n, k);
	for (uint32_t i = 0; i < k; i++)
		total += e->pool[in[i]].value;
	c->dm.cons_left--;
	if (total < econ_need(e, 0, 1, k) + 10 * SIM_DUST)
		return true; /* dust at this fee rate: not worth it */
	struct sim_dest d = { c->criminal, { 0 }, total, false };
	if (!econ_fresh_key(e, &d.key, &e->ent[c->criminal], "consolidation"))
		return false;
	json_t *inputs = crime_inputs_json(e, in, k), *postmix = crime_inputs_json(e, in, k);
	struct econ_payment p = { .payer = &e->ent[c->criminal], .dests = &d, .n_dests = 1,
				  .in = in, .n_in = k, .fee_from_dest = 0, .no_change = true };
	if (!pay(e, &paid, &p, inputs)) {
		json_decref(postmix);
		return false;
	}
	crime_record_hop(e, c, "postmix-consolidation", inputs, &paid, &d);
	for (uint32_t i = 0; i < k; i++)
		crime_forget_mixed(c, in[i]);
	crime_add_mixed(c, econ_coin_of(e, c->criminal, &paid.txid, 0), mix_txid(c), false);
	json_array_append_new(dm_list(c, "consolidations"), json_pack(
		"{s:O, s:I, s:o, s:o}", "txid", json_object_get(json_array_get(c->hops,
		json_array_size(c->hops) - 1), "txid"), "height", (json_int_t)e->chain.height,
		"postmix", postmix, "output", new_outpoint(e, &paid.txid, 0)));
	return true;
}

/* The least value of a coin spent with a kept one: a tenth of the rest
 * then pays the fee and a change well above dust. */
static uint64_t with_floor(const struct econ *e)
{
	return 10 * (econ_need(e, 0, 2, 3) + 20 * SIM_DUST);
}

/* The truth row of the with-unmixed spend just recorded. */
static void note_with_unmixed(struct econ *e, struct crime *c, json_t *postmix, json_t *kept)
{
	json_t *hop = json_array_get(c->hops, json_array_size(c->hops) - 1);
	json_t *o = json_array_get(c->cashouts, json_array_size(c->cashouts) - 1);
	json_array_append_new(dm_list(c, "with_unmixed"), json_pack(
		"{s:O, s:I, s:o, s:o, s:O}", "txid", json_object_get(hop, "txid"), "height",
		(json_int_t)e->chain.height, "postmix", postmix, "unmixed", kept, "deposit", o));
}

/* 1-2 outputs of the mix and the last kept coin pay a deposit larger than
 * each of them (so no input alone could have paid it: not PayJoin-like),
 * the change to a fresh address of the criminal. */
static bool with_unmixed(struct econ *e, struct crime *c)
{
	struct crime_demix *dm = &c->dm;
	uint32_t cand[CRIME_MAX_MIXED], n = direct_coins(e, c, cand, with_floor(e));
	uint32_t k = (uint32_t)simrng_range(&e->rng, 1, n < 2 ? n : 2), in[3];
	uint32_t u = dm->unmixed[dm->n_unmixed - 1], at = (uint32_t)simrng_below(&e->rng, k + 1);
	uint64_t total = 0, big = 0;
	struct sim_dest d;
	struct econ_paid paid;
	int st;
	assert(n >= 1 && k <= n); /* after_mix checked */
	pick(e, cand, n, k);
	for (uint32_t i = 0, j = 0; i <= k; i++) {
		in[i] = i == at ? u : cand[j++];
		total += e->pool[in[i]].value;
		big = e->pool[in[i]].value > big ? e->pool[in[i]].value : big;
	}
	json_t *postmix = crime_inputs_json(e, cand, k), *kept = crime_inputs_json(e, &u, 1);
	json_t *inputs = crime_inputs_json(e, in, k + 1);
	if (!deposit_dest(e, c, &d, &st)) {
		json_decref(postmix), json_decref(kept), json_decref(inputs);
		return false;
	}
	d.value = big + (total - big) / 1000 * simrng_range(&e->rng, 500, 900);
	struct econ_payment p = { .payer = &e->ent[c->criminal], .dests = &d, .n_dests = 1,
				  .in = in, .n_in = k + 1, .fee_from_dest = -1,
				  .change_role = "change" };
	if (!pay(e, &paid, &p, inputs)) {
		json_decref(postmix), json_decref(kept);
		return false;
	}
	crime_record_hop(e, c, "with-unmixed", inputs, &paid, &d);
	for (uint32_t i = 0; i < k; i++)
		crime_forget_mixed(c, cand[i]);
	dm->n_unmixed--;
	crime_add_mixed(c, econ_coin_of(e, c->criminal, &paid.txid, (uint32_t)paid.change_vout),
			mix_txid(c), false);
	booked_deposit(e, c, &d, st, json_deep_copy(postmix));
	note_with_unmixed(e, c, postmix, kept);
	return true;
}

/* One spend of coins out of the mix, drawn among those possible. */
static bool after_mix(struct econ *e, struct crime *c)
{
	struct crime_demix *dm = &c->dm;
	uint32_t cand[CRIME_MAX_MIXED], deposits = 0;
	for (uint32_t i = 0; i < c->n_mixed; i++)
		deposits += worth_deposit(e, c->mixed[i].pool);
	bool cons = dm->cons_left && direct_coins(e, c, cand, 0) >= 2;
	bool with = dm->n_unmixed && direct_coins(e, c, cand, with_floor(e)) >= 1 &&
		    e->pool[dm->unmixed[dm->n_unmixed - 1]].value >= with_floor(e);
	/* Each kept coin weighs one: they are spent before the outputs of
	 * the mix worth it run out. */
	uint32_t w = with ? dm->n_unmixed : 0, n = (uint32_t)cons + w + (deposits > 0);
	if (n == 0) {
		c->phase = C_DONE;
		return true;
	}
	uint32_t r = (uint32_t)simrng_below(&e->rng, n);
	if (cons && r-- == 0)
		return consolidate_postmix(e, c);
	if (r < w)
		return with_unmixed(e, c);
	return deposit_one(e, c);
}

bool demix_step(struct econ *e, struct crime *c, unsigned progress)
{
	if (progress >= 880) { /* the exchanges' time to sweep, as the peels */
		c->phase = C_DONE;
		return true;
	}
	c->next_hop = progress + (unsigned)simrng_range(&e->rng, 4, 15);
	if (!c->dm.split)
		return split(e, c);
	if (!c->was_mixed)
		return mix(e, c);
	return after_mix(e, c);
}
