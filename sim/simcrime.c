/* The crime scenarios' common bookkeeping and their truth (simcrime.h):
 * seeds, hops, cash-outs, sweeps of cash-outs, the unspent remainder. The
 * scenarios themselves are in simransom.c (ransomware, scam) and
 * simhack.c (exchange hack). */
#include "simcrime_int.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/simworld.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

const char *sim_scenario_name(enum sim_scenario s)
{
	switch (s) {
	case SIM_RANSOMWARE:
		return "ransomware";
	case SIM_EXCHANGE_HACK:
		return "exchange-hack";
	case SIM_SCAM:
		return "scam";
	}
	return "?";
}

bool crime_init(struct econ *e)
{
	struct sim_crime *s = calloc(1, sizeof(*s));
	if (!s) {
		e->why = "out of memory";
		return false;
	}
	e->crime = s;
	for (uint32_t i = 0; i < e->opt.n_scenarios; i++) {
		struct crime *c = &s->c[s->n++];
		bool ok = false;
		c->kind = e->opt.scenario[i];
		c->seeds = json_array(), c->hops = json_array(), c->cashouts = json_array();
		c->unspent = json_array(), c->reports = json_array();
		switch (c->kind) {
		case SIM_RANSOMWARE:
			ok = ransom_init(e, c);
			break;
		case SIM_EXCHANGE_HACK:
			ok = hack_init(e, c);
			break;
		case SIM_SCAM:
			ok = scam_init(e, c);
			break;
		}
		if (!ok)
			return false;
	}
	return true;
}

bool crime_step(struct econ *e, unsigned progress)
{
	struct sim_crime *s = e->crime;
	for (uint32_t i = 0; s && i < s->n; i++) {
		struct crime *c = &s->c[i];
		bool ok = true;
		if (c->phase == C_DONE)
			continue;
		c->now = progress;
		switch (c->kind) {
		case SIM_RANSOMWARE:
			ok = ransom_step(e, c, progress);
			break;
		case SIM_EXCHANGE_HACK:
			ok = hack_step(e, c, progress);
			break;
		case SIM_SCAM:
			ok = scam_step(e, c, progress);
			break;
		}
		if (!ok)
			return false;
	}
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

json_t *crime_outpoint_json(const struct hash256 *txid, uint32_t vout,
			    uint64_t value, const char *addr)
{
	char hex[65];
	hash256_to_hex(hex, txid);
	return json_pack("{s:s, s:I, s:s, s:I}", "txid", hex, "vout", (json_int_t)vout,
			 "address", addr, "value", (json_int_t)value);
}

json_t *crime_inputs_json(struct econ *e, const uint32_t *in, uint32_t n)
{
	json_t *a = json_array();
	char addr[92];
	for (uint32_t k = 0; k < n; k++) {
		const struct sim_utxo *u = &e->pool[in[k]];
		econ_address(e, addr, &u->key);
		json_array_append_new(a, crime_outpoint_json(&u->txid, u->vout, u->value, addr));
	}
	return a;
}

void crime_seed(struct econ *e, struct crime *c, const struct hash256 *txid,
		uint32_t vout, uint64_t value, const struct sim_entity *victim)
{
	char addr[92], hex[65], when[32], btc[AMOUNT_STRLEN];
	const struct simtx_out *o = &e->tx->out[vout];
	address_from_script(addr, e->opt.net, o->script, o->script_len);
	hash256_to_hex(hex, txid);
	json_t *s = crime_outpoint_json(txid, vout, value, addr);
	json_object_set_new(s, "victim", json_string(victim->name));
	json_object_set_new(s, "victim_entity", json_integer(victim->id));
	json_object_set_new(s, "height", json_integer(e->chain.height));
	json_array_append_new(c->seeds, s);
	json_array_append_new(c->reports, json_pack(
		"{s:s, s:s, s:I, s:s, s:I, s:s, s:s, s:I}", "victim", victim->name,
		"txid", hex, "vout", (json_int_t)vout, "address", addr, "amount_sat",
		(json_int_t)value, "amount_btc", amount_to_btc(btc, amount_sat(value)),
		"time", iso_time(when, e->time), "height", (json_int_t)e->chain.height));
	c->seeded += value;
}

void crime_record_hop(struct econ *e, struct crime *c, const char *kind,
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
		json_t *o = crime_outpoint_json(&paid->txid, vout, out->value, addr);
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
	c->hops_done++;
	json_array_append_new(c->hops, json_pack(
		"{s:s, s:s, s:I, s:I, s:o, s:o}", "kind", kind, "txid", hex, "height",
		(json_int_t)e->chain.height, "fee", (json_int_t)paid->fee, "inputs",
		inputs, "outputs", outs));
}

void crime_watch_deposit(struct econ *e, struct crime *c, uint32_t x)
{
	const struct sim_entity *ex = &e->ent[x];
	if (c->n_waiting == CRIME_MAX_WAITING || ex->pending.n == 0)
		return;
	/* The deposit is the exchange's newest waiting coin. */
	c->waiting[c->n_waiting].pool = ex->pending.v[ex->pending.n - 1];
	c->waiting[c->n_waiting++].cashout =
		json_array_get(c->cashouts, json_array_size(c->cashouts) - 1);
}

void crime_mark_mixed(struct crime *c, const char *mix_txid)
{
	json_t *o = json_array_get(c->cashouts, json_array_size(c->cashouts) - 1);
	json_object_set_new(o, "mixed", json_true());
	json_object_set_new(o, "mix_txid", json_string(mix_txid));
}

const char *crime_mixed_from(const struct crime *c, uint32_t pool)
{
	for (uint32_t i = 0; i < c->n_mixed; i++)
		if (c->mixed[i].pool == pool)
			return c->mixed[i].txid;
	return NULL;
}

void crime_add_mixed(struct crime *c, uint32_t pool, const char *txid, bool direct)
{
	if (c->n_mixed == CRIME_MAX_MIXED)
		return;
	c->mixed[c->n_mixed].pool = pool;
	c->mixed[c->n_mixed].direct = direct;
	memcpy(c->mixed[c->n_mixed++].txid, txid, 65);
}

void crime_forget_mixed(struct crime *c, uint32_t pool)
{
	for (uint32_t i = 0; i < c->n_mixed; i++)
		if (c->mixed[i].pool == pool) {
			memmove(&c->mixed[i], &c->mixed[i + 1], (c->n_mixed - i - 1) * sizeof(c->mixed[0]));
			c->n_mixed--;
			return;
		}
}

void crime_note_sweep(struct econ *e, const uint32_t *in, uint32_t n,
		      const struct hash256 *txid)
{
	struct sim_crime *s = e->crime;
	char hex[65];
	hash256_to_hex(hex, txid);
	for (uint32_t i = 0; s && i < s->n; i++) {
		struct crime *c = &s->c[i];
		for (uint32_t k = 0; k < n && c->n_waiting; k++) {
			for (uint32_t w = 0; w < c->n_waiting; w++) {
				if (c->waiting[w].pool != in[k])
					continue;
				json_object_set_new(c->waiting[w].cashout, "swept_in",
						    json_string(hex));
				json_object_set_new(c->waiting[w].cashout, "swept_height",
						    json_integer(e->chain.height));
				c->waiting[w] = c->waiting[--c->n_waiting];
				break;
			}
		}
	}
}

bool crime_victims_step(struct econ *e, struct crime *c, unsigned progress,
			unsigned give_up, const uint64_t cents[3], crime_pay_fn pay)
{
	for (uint32_t i = 0; i < c->n_victims; i++) {
		struct victim *v = &c->v[i];
		if (v->state == V_WAITING && progress >= v->attack_at) {
			v->amount = econ_fiat(e, simrng_skewed(&e->rng, cents[0], cents[1],
							       cents[2]));
			v->state = V_BUYING;
			v->bought_at = 0;
		}
		if (v->state == V_BUYING && (v->bought_at == 0 ||
					     progress > v->bought_at + 60)) {
			v->bought_at = progress ? progress : 1;
			uint32_t xi = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
			if (!world_buy(e, v->user, xi, v->amount + v->amount / 20 + 50000))
				return false;
		}
		if (v->state == V_BUYING && !pay(e, c, v))
			return false;
		if (v->state == V_BUYING && progress >= give_up)
			v->state = V_GAVE_UP;
	}
	return true;
}

void crime_finish(struct econ *e)
{
	struct sim_crime *s = e->crime;
	char addr[92];
	for (uint32_t i = 0; s && i < s->n; i++) {
		struct crime *c = &s->c[i];
		const struct sim_entity *g = &e->ent[c->criminal];
		for (uint32_t k = 0; k < g->coins.n; k++) {
			const struct sim_utxo *u = &e->pool[g->coins.v[k]];
			econ_address(e, addr, &u->key);
			json_array_append_new(c->unspent, crime_outpoint_json(
				&u->txid, u->vout, u->value, addr));
			c->left += u->value;
		}
	}
}

/* Satoshis per exchange, in exchange order. */
static json_t *cashout_totals(const struct crime *c)
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

static json_t *one_truth(const struct econ *e, const struct crime *c)
{
	json_t *t = json_pack(
		"{s:s, s:I, s:s, s:O, s:O, s:O, s:o, s:O, s:{s:I, s:I, s:I, s:I}, s:s}",
		"scenario", sim_scenario_name(c->kind), "criminal_entity",
		(json_int_t)c->criminal, "criminal_name", e->ent[c->criminal].name,
		"seeds", c->seeds, "hops", c->hops, "cashouts", c->cashouts,
		"cashout_totals", cashout_totals(c), "unspent", c->unspent, "totals",
		"seeded", (json_int_t)c->seeded, "cashed_out", (json_int_t)c->cashed_out,
		"unspent", (json_int_t)c->left, "fees", (json_int_t)c->fees, "rule",
		"seeded = cashed_out + unspent + fees; the criminal's wallet holds "
		"only proceeds, so every satoshi it paid into an exchange deposit "
		"address is proceeds");
	if (c->dm.truth) /* --crime-demix */
		json_object_set(t, "demix", c->dm.truth);
	return t;
}

json_t *crime_truth(const struct econ *e)
{
	const struct sim_crime *s = e->crime;
	json_t *a = json_array();
	for (uint32_t i = 0; s && i < s->n; i++)
		json_array_append_new(a, one_truth(e, &s->c[i]));
	return a;
}

uint32_t crime_count(const struct econ *e)
{
	return e->crime ? e->crime->n : 0;
}

json_t *crime_case(const struct econ *e, uint32_t i)
{
	const struct sim_crime *s = e->crime;
	char ref[64], up[32];
	if (!s || i >= s->n)
		return NULL;
	const struct crime *c = &s->c[i];
	const char *name = sim_scenario_name(c->kind);
	size_t k = 0;
	for (; name[k] && k + 1 < sizeof(up); k++)
		up[k] = name[k] >= 'a' && name[k] <= 'z' ? (char)(name[k] - 32) : name[k];
	up[k] = '\0';
	snprintf(ref, sizeof(ref), "SIM-%s-%llu", up, (unsigned long long)e->opt.seed);
	return json_pack("{s:s, s:s, s:s, s:s, s:O}", "case", ref, "network",
			 network_params(e->opt.net)->name, "crime", name,
			 "description", c->kind == SIM_EXCHANGE_HACK
			 ? "outputs of the thefts from the exchange's hot wallet, as the "
			   "exchange reports them; each is a seed of the trace"
			 : c->kind == SIM_SCAM
			 ? "payments reported by the victims of the scam; each payment "
			   "output is a seed of the trace"
			 : "ransom payments reported by the victims; each payment output "
			   "is a seed of the trace",
			 "payments", c->reports);
}

void crime_release(struct econ *e)
{
	struct sim_crime *s = e->crime;
	for (uint32_t i = 0; s && i < s->n; i++) {
		struct crime *c = &s->c[i];
		json_decref(c->seeds);
		json_decref(c->hops);
		json_decref(c->cashouts);
		json_decref(c->unspent);
		json_decref(c->reports);
		json_decref(c->dm.truth);
	}
	free(s);
	e->crime = NULL;
}
