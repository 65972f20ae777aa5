/* The ransomware scenario and its truth (simcrime.h). */
#include "proceeds/simcrime.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/simworld.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#define MAX_VICTIMS 24
#define MAX_HOPS 16

enum victim_state { V_WAITING, V_BUYING, V_PAID, V_GAVE_UP };

struct victim {
	uint32_t user;
	uint64_t ransom;
	unsigned attack_at, bought_at; /* progress permille */
	enum victim_state state;
};

enum crime_phase { C_COLLECT, C_PEEL, C_DONE };

struct sim_crime {
	uint32_t criminal;
	struct victim v[MAX_VICTIMS];
	uint32_t n_victims;
	enum crime_phase phase;
	unsigned consolidate_at, next_hop;
	uint32_t hops_left;
	uint64_t consolidated;
	json_t *seeds, *hops, *cashouts, *unspent, *reports;
	struct { uint32_t pool; json_t *cashout; } waiting[MAX_HOPS]; /* unswept */
	uint32_t n_waiting;
	uint64_t seeded, fees, cashed_out, left;
};

static uint64_t progress_draw(struct econ *e, unsigned lo, unsigned hi)
{
	return simrng_range(&e->rng, lo, hi);
}

bool crime_init(struct econ *e)
{
	struct sim_crime *c = calloc(1, sizeof(*c));
	if (!c) {
		e->why = "out of memory";
		return false;
	}
	e->crime = c;
	c->seeds = json_array(), c->hops = json_array(), c->cashouts = json_array();
	c->unspent = json_array(), c->reports = json_array();
	if (!world_add_entity(e, SIM_CRIMINAL, "ransomware-gang", SCRIPT_P2WPKH))
		return false;
	c->criminal = e->n_ent - 1;
	c->n_victims = (uint32_t)simrng_range(&e->rng, 8, MAX_VICTIMS);
	for (uint32_t i = 0; i < c->n_victims; i++) {
		struct victim *v = &c->v[i];
		v->user = e->first_user + (uint32_t)simrng_below(&e->rng, e->n_users);
		for (uint32_t j = 0; j < i; j++)
			if (c->v[j].user == v->user)
				v->user = e->first_user + (v->user - e->first_user + 1) % e->n_users;
		v->attack_at = (unsigned)progress_draw(e, 150, 450);
	}
	c->consolidate_at = 520;
	c->hops_left = (uint32_t)simrng_range(&e->rng, 6, MAX_HOPS - 2);
	return true;
}

static char *iso_time(char buf[32], uint32_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	gmtime_r(&tt, &tm);
	strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
	return buf;
}

static json_t *outpoint_json(const struct hash256 *txid, uint32_t vout,
			     uint64_t value, const char *addr)
{
	char hex[65];
	hash256_to_hex(hex, txid);
	return json_pack("{s:s, s:I, s:s, s:I}", "txid", hex, "vout", (json_int_t)vout,
			 "address", addr, "value", (json_int_t)value);
}

static bool victim_pays(struct econ *e, struct sim_crime *c, struct victim *v)
{
	struct sim_entity *u = &e->ent[v->user];
	struct sim_dest d = { c->criminal, { 0 }, v->ransom, false };
	struct econ_paid paid;
	char addr[92], hex[65], when[32], btc[AMOUNT_STRLEN];
	if (!econ_affordable(e, u, v->ransom, 1, 3))
		return true;
	if (!econ_fresh_key(e, &d.key, &e->ent[c->criminal], "ransom"))
		return false;
	struct econ_payment p = { .payer = u, .dests = &d, .n_dests = 1,
				  .max_in = 3, .fee_from_dest = -1 };
	if (econ_pay(e, &paid, &p) != 1) {
		e->why = e->why ? e->why : "internal: ransom payment fell short";
		return false;
	}
	uint32_t vout = econ_dest_vout(&paid, 0);
	econ_address(e, addr, &d.key);
	hash256_to_hex(hex, &paid.txid);
	json_t *s = outpoint_json(&paid.txid, vout, v->ransom, addr);
	json_object_set_new(s, "victim", json_string(u->name));
	json_object_set_new(s, "victim_entity", json_integer(u->id));
	json_object_set_new(s, "height", json_integer(e->chain.height));
	json_array_append_new(c->seeds, s);
	json_array_append_new(c->reports, json_pack(
		"{s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:I}", "victim", u->name,
		"txid", hex, "vout", (json_int_t)vout, "address", addr, "amount_sat",
		(json_int_t)v->ransom, "amount_btc", amount_to_btc(btc, amount_sat(v->ransom)),
		"time", iso_time(when, e->time), "height", (json_int_t)e->chain.height));
	c->seeded += v->ransom;
	v->state = V_PAID;
	return true;
}

static bool victims_step(struct econ *e, struct sim_crime *c, unsigned progress)
{
	for (uint32_t i = 0; i < c->n_victims; i++) {
		struct victim *v = &c->v[i];
		if (v->state == V_WAITING && progress >= v->attack_at) {
			uint64_t cents = simrng_skewed(&e->rng, 3000000, 300000, 30000000);
			v->ransom = econ_fiat(e, cents);
			v->state = V_BUYING;
		}
		if (v->state == V_BUYING && (v->bought_at == 0 ||
					     progress > v->bought_at + 60)) {
			v->bought_at = progress ? progress : 1;
			uint32_t xi = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
			if (!world_buy(e, v->user, xi, v->ransom + v->ransom / 20 + 50000))
				return false;
		}
		if (v->state == V_BUYING && !victim_pays(e, c, v))
			return false;
		if (v->state == V_BUYING && progress >= c->consolidate_at)
			v->state = V_GAVE_UP;
	}
	return true;
}

/* The inputs of a hop, read before econ_pay frees the coins. */
static json_t *inputs_json(struct econ *e, const uint32_t *in, uint32_t n)
{
	json_t *a = json_array();
	char addr[92];
	for (uint32_t k = 0; k < n; k++) {
		const struct sim_utxo *u = &e->pool[in[k]];
		econ_address(e, addr, &u->key);
		json_array_append_new(a, outpoint_json(&u->txid, u->vout, u->value, addr));
	}
	return a;
}

/* Records a hop from the transaction just written (e->tx): every output,
 * the change going back to the criminal. */
static void record_hop(struct econ *e, struct sim_crime *c, const char *kind,
		       json_t *inputs, const struct econ_paid *paid,
		       const struct sim_dest *dests)
{
	json_t *outs = json_array();
	char addr[92], hex[65];
	hash256_to_hex(hex, &paid->txid);
	for (uint32_t vout = 0; vout < e->tx->n_out; vout++) {
		const struct simtx_out *out = &e->tx->out[vout];
		bool change = (int)vout == paid->change_vout;
		uint32_t di = paid->change_vout >= 0 && (int)vout > paid->change_vout
				      ? vout - 1 : vout;
		const struct sim_entity *to =
			&e->ent[change ? c->criminal : dests[di].owner];
		address_from_script(addr, e->opt.net, out->script, out->script_len);
		json_t *o = outpoint_json(&paid->txid, vout, out->value, addr);
		json_object_set_new(o, "to", json_string(sim_entity_type_name(to->type)));
		json_object_set_new(o, "entity", json_integer(to->id));
		json_array_append(outs, o);
		if (to->type == SIM_EXCHANGE) {
			json_object_set_new(o, "exchange", json_string(to->name));
			json_object_set_new(o, "height", json_integer(e->chain.height));
			json_array_append(c->cashouts, o);
			c->cashed_out += out->value;
		}
		json_decref(o);
	}
	c->fees += paid->fee;
	json_array_append_new(c->hops, json_pack(
		"{s:s, s:s, s:I, s:I, s:o, s:o}", "kind", kind, "txid", hex, "height",
		(json_int_t)e->chain.height, "fee", (json_int_t)paid->fee, "inputs",
		inputs, "outputs", outs));
}

static bool consolidate(struct econ *e, struct sim_crime *c)
{
	struct sim_entity *g = &e->ent[c->criminal];
	static uint32_t in[SIMTX_MAX_IN];
	struct sim_dest d = { c->criminal, { 0 }, 0, false };
	struct econ_paid paid;
	uint64_t total = 0;
	uint32_t n = g->coins.n > SIMTX_MAX_IN ? SIMTX_MAX_IN : g->coins.n;

	c->phase = C_DONE;
	memcpy(in, g->coins.v, n * sizeof(uint32_t));
	for (uint32_t k = 0; k < n; k++)
		total += e->pool[in[k]].value;
	if (n == 0 || total < econ_need(e, 0, 1, n) + 10 * SIM_DUST)
		return true;
	if (!econ_fresh_key(e, &d.key, g, "consolidation"))
		return false;
	d.value = total;
	json_t *inputs = inputs_json(e, in, n);
	struct econ_payment p = { .payer = g, .dests = &d, .n_dests = 1, .in = in,
				  .n_in = n, .fee_from_dest = 0, .no_change = true };
	if (econ_pay(e, &paid, &p) != 1) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: consolidation fell short";
		return false;
	}
	record_hop(e, c, "consolidation", inputs, &paid, &d);
	c->consolidated = e->tx->out[0].value;
	c->phase = C_PEEL;
	return true;
}

static bool peel(struct econ *e, struct sim_crime *c, unsigned progress)
{
	struct sim_entity *g = &e->ent[c->criminal];
	struct sim_dest d;
	struct econ_paid paid;
	uint32_t in = g->coins.v[0];
	uint64_t v = e->pool[in].value;
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
	json_t *inputs = inputs_json(e, &in, 1);
	struct econ_payment p = { .payer = g, .dests = &d, .n_dests = 1, .in = &in,
				  .n_in = 1, .fee_from_dest = -1, .change_role = "peel" };
	if (econ_pay(e, &paid, &p) != 1 || paid.change_vout < 0) {
		json_decref(inputs);
		e->why = e->why ? e->why : "internal: peel fell short";
		return false;
	}
	record_hop(e, c, "peel", inputs, &paid, &d);
	/* The deposit is the exchange's newest waiting coin. */
	const struct sim_entity *x = &e->ent[d.owner];
	if (c->n_waiting < MAX_HOPS) {
		c->waiting[c->n_waiting].pool = x->pending.v[x->pending.n - 1];
		c->waiting[c->n_waiting++].cashout =
			json_array_get(c->cashouts, json_array_size(c->cashouts) - 1);
	}
	return true;
}

void crime_note_sweep(struct econ *e, const uint32_t *in, uint32_t n,
		      const struct hash256 *txid)
{
	struct sim_crime *c = e->crime;
	char hex[65];
	if (!c || c->n_waiting == 0)
		return;
	hash256_to_hex(hex, txid);
	for (uint32_t k = 0; k < n; k++) {
		for (uint32_t w = 0; w < c->n_waiting; w++) {
			if (c->waiting[w].pool != in[k])
				continue;
			json_object_set_new(c->waiting[w].cashout, "swept_in", json_string(hex));
			json_object_set_new(c->waiting[w].cashout, "swept_height",
					    json_integer(e->chain.height));
			c->waiting[w] = c->waiting[--c->n_waiting];
			break;
		}
	}
}

bool crime_step(struct econ *e, unsigned progress)
{
	struct sim_crime *c = e->crime;
	if (!c || c->phase == C_DONE)
		return true;
	if (c->phase == C_COLLECT) {
		if (!victims_step(e, c, progress))
			return false;
		if (progress >= c->consolidate_at)
			return consolidate(e, c);
		return true;
	}
	if (progress < c->next_hop)
		return true;
	return peel(e, c, progress);
}

void crime_finish(struct econ *e)
{
	struct sim_crime *c = e->crime;
	char addr[92];
	if (!c)
		return;
	const struct sim_entity *g = &e->ent[c->criminal];
	for (uint32_t k = 0; k < g->coins.n; k++) {
		const struct sim_utxo *u = &e->pool[g->coins.v[k]];
		econ_address(e, addr, &u->key);
		json_array_append_new(c->unspent,
				      outpoint_json(&u->txid, u->vout, u->value, addr));
		c->left += u->value;
	}
}

/* Satoshis per exchange, in exchange order. */
static json_t *cashout_totals(const struct sim_crime *c)
{
	json_t *t = json_object();
	size_t i;
	json_t *o;
	json_array_foreach(c->cashouts, i, o) {
		const char *x = json_string_value(json_object_get(o, "exchange"));
		json_int_t v = json_integer_value(json_object_get(o, "value"));
		json_t *cur = json_object_get(t, x);
		json_object_set_new(t, x, json_integer(v + (cur ? json_integer_value(cur) : 0)));
	}
	return t;
}

json_t *crime_truth(const struct econ *e)
{
	const struct sim_crime *c = e->crime;
	if (!c)
		return NULL;
	return json_pack(
		"{s:s, s:I, s:s, s:O, s:O, s:O, s:o, s:O, s:{s:I, s:I, s:I, s:I}, s:s}",
		"scenario", "ransomware", "criminal_entity", (json_int_t)c->criminal,
		"criminal_name", e->ent[c->criminal].name, "seeds", c->seeds,
		"hops", c->hops, "cashouts", c->cashouts, "cashout_totals",
		cashout_totals(c), "unspent", c->unspent, "totals", "seeded",
		(json_int_t)c->seeded, "cashed_out", (json_int_t)c->cashed_out,
		"unspent", (json_int_t)c->left, "fees", (json_int_t)c->fees, "rule",
		"seeded = cashed_out + unspent + fees; the criminal's wallet holds "
		"only proceeds, so every satoshi it paid into an exchange deposit "
		"address is proceeds");
}

json_t *crime_case(const struct econ *e)
{
	const struct sim_crime *c = e->crime;
	char ref[64];
	if (!c)
		return NULL;
	snprintf(ref, sizeof(ref), "SIM-RANSOMWARE-%llu", (unsigned long long)e->opt.seed);
	return json_pack("{s:s, s:s, s:s, s:s, s:O}", "case", ref, "network",
			 network_params(e->opt.net)->name, "crime", "ransomware",
			 "description", "ransom payments reported by the victims; "
			 "each payment output is a seed of the trace",
			 "payments", c->reports);
}

void crime_release(struct econ *e)
{
	struct sim_crime *c = e->crime;
	if (!c)
		return;
	json_decref(c->seeds);
	json_decref(c->hops);
	json_decref(c->cashouts);
	json_decref(c->unspent);
	json_decref(c->reports);
	free(c);
	e->crime = NULL;
}
