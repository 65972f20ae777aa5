/* The honest economy's actors (simworld.h). */
#include "proceeds/simworld.h"
#include "proceeds/simcrime.h"
#include "proceeds/simmix.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WQ_MAX 48

/* Withdrawals an exchange has accepted but not yet paid. */
struct sim_wq {
	uint32_t user[WQ_MAX];
	uint64_t value[WQ_MAX];
	uint32_t n, batch;
};

struct sim_world {
	struct sim_wq wq[SIMWRITER_MAX_EXCHANGES];
	uint32_t scratch[SIMTX_MAX_IN];
	struct sim_dest dests[SIMTX_MAX_OUT];
};

static const char *const exchange_names[] = {
	"bitnova", "coinquay", "satstreet", "hashmart", "ledgerly", "blockbay",
};
static const char *const exchange_labels[] = {
	"Bitnova", "Coinquay", "Satstreet", "Hashmart", "Ledgerly", "Blockbay",
};

/* Eras: docs/simulate.md and bench/RESULTS.md give the public figures
 * each aims at. The default is part 1's mix (about 2023). */
static const struct sim_era_params eras[] = {
	[SIM_ERA_DEFAULT] = { "default", 500, 150, 200, 150, 800, 8, 1, 300, 4, 30,
			      150, 10, 300, 300 },
	[SIM_ERA_2017] = { "2017", 30, 300, 670, 0, 100, 60, 5, 1000, 1, 6, 10, 0,
			   900, 900 },
	[SIM_ERA_2021] = { "2021", 450, 250, 300, 0, 600, 25, 2, 400, 4, 30, 200, 5,
			   700, 700 },
	[SIM_ERA_2024] = { "2024", 480, 100, 120, 300, 850, 12, 2, 600, 8, 45, 60, 10,
			   600, 600 },
};

const struct sim_era_params *sim_era_params(enum sim_era era)
{
	switch (era) {
	case SIM_ERA_DEFAULT:
	case SIM_ERA_2017:
	case SIM_ERA_2021:
	case SIM_ERA_2024:
		return &eras[era];
	}
	return &eras[SIM_ERA_DEFAULT];
}

/* A user's script type, drawn with the era's shares. */
static uint8_t user_script_type(struct econ *e)
{
	const struct sim_era_params *p = sim_era_params(e->opt.era);
	unsigned r = (unsigned)simrng_below(&e->rng, 1000);
	if (r < p->p2wpkh)
		return SCRIPT_P2WPKH;
	if (r < p->p2wpkh + p->p2sh)
		return SCRIPT_P2SH;
	if (r < p->p2wpkh + p->p2sh + p->p2pkh)
		return SCRIPT_P2PKH;
	return SCRIPT_P2TR;
}

/* A service's script type in the era: no taproot before 2021's
 * activation, nested segwit where native segwit was rare. */
static uint8_t era_type(const struct econ *e, uint8_t t)
{
	const struct sim_era_params *p = sim_era_params(e->opt.era);
	if (t == SCRIPT_P2TR && p->p2tr == 0)
		t = SCRIPT_P2WPKH;
	if (t == SCRIPT_P2WPKH && p->p2wpkh < 100)
		t = SCRIPT_P2SH;
	return t;
}

bool world_add_entity(struct econ *e, enum sim_entity_type t, const char *name,
		       uint8_t script_type)
{
	struct sim_entity *ent = &e->ent[e->n_ent];
	memset(ent, 0, sizeof(*ent));
	ent->id = e->n_ent++;
	ent->type = t;
	snprintf(ent->name, sizeof(ent->name), "%s", name);
	ent->script_type = script_type;
	ent->deposit_file = -1;
	return simkeys_chain_init(e->keys, &ent->kc, ent->id, &e->why);
}

static bool init_exchange(struct econ *e, unsigned i)
{
	static const uint8_t types[] = { SCRIPT_P2WPKH, SCRIPT_P2SH, SCRIPT_P2PKH,
					 SCRIPT_P2WPKH, SCRIPT_P2TR, SCRIPT_P2SH };
	char addr[92];
	if (!world_add_entity(e, SIM_EXCHANGE, exchange_names[i], era_type(e, types[i])))
		return false;
	struct sim_entity *x = &e->ent[e->n_ent - 1];
	x->deposit_file = simwriter_add_exchange(e->out, exchange_names[i], &e->why);
	if (x->deposit_file < 0 || !econ_fresh_key(e, &x->hot, x, "hot"))
		return false;
	econ_address(e, addr, &x->hot);
	simwriter_tag(e->out, addr, exchange_labels[i], "exchange", 100);
	e->world->wq[i].batch = (uint32_t)simrng_range(&e->rng,
		sim_era_params(e->opt.era)->batch_lo, sim_era_params(e->opt.era)->batch_hi);
	return true;
}

static void entity_counts(struct econ *e)
{
	uint64_t scale = e->opt.target_txs ? e->opt.target_txs
					   : (uint64_t)e->opt.target_blocks * 250;
	/* About 25 transactions per user over the run. */
	uint64_t users = scale / 25;
	if (users < 100)
		users = 100;
	if (users > 400000)
		users = 400000;
	if (e->opt.users)
		users = e->opt.users;
	e->n_miners = 4;
	e->n_exchanges = 4;
	e->n_users = (uint32_t)users;
	e->n_merchants = e->n_users / 25 < 8 ? 8 : e->n_users / 25;
}

static bool init_people(struct econ *e, enum sim_entity_type t, uint32_t n,
			const char *prefix)
{
	char name[24];
	for (uint32_t i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "%s-%u", prefix, i + 1);
		const struct sim_era_params *ep = sim_era_params(e->opt.era);
		uint8_t st = t == SIM_MERCHANT ? (simrng_permille(&e->rng, ep->merchant_segwit)
				? SCRIPT_P2WPKH : SCRIPT_P2SH) : user_script_type(e);
		if (!world_add_entity(e, t, name, st))
			return false;
		struct sim_entity *p = &e->ent[e->n_ent - 1];
		p->locktime_style = simrng_permille(&e->rng, 400);
		if (t == SIM_USER && simrng_permille(&e->rng, ep->reusers))
			p->reuse_permille = ep->reuse_rate;
	}
	return true;
}

bool world_init(struct econ *e)
{
	char name[24];
	entity_counts(e);
	e->world = calloc(1, sizeof(*e->world));
	e->ent = calloc((size_t)e->n_miners + e->n_exchanges + e->n_merchants +
				e->n_users + 4, sizeof(*e->ent));
	if (!e->world || !e->ent) {
		e->why = "out of memory";
		return false;
	}
	e->first_miner = e->n_ent;
	for (uint32_t i = 0; i < e->n_miners; i++) {
		snprintf(name, sizeof(name), "pool-%c", 'a' + (int)i);
		if (!world_add_entity(e, SIM_MINER, name, i % 2 ? SCRIPT_P2PKH : SCRIPT_P2WPKH))
			return false;
		struct sim_entity *m = &e->ent[e->n_ent - 1];
		if (i < 2 && !econ_fresh_key(e, &m->hot, m, "coinbase"))
			return false;
	}
	e->first_exchange = e->n_ent;
	for (uint32_t i = 0; i < e->n_exchanges; i++)
		if (!init_exchange(e, i))
			return false;
	e->first_merchant = e->n_ent;
	if (!init_people(e, SIM_MERCHANT, e->n_merchants, "merchant"))
		return false;
	e->first_user = e->n_ent;
	return init_people(e, SIM_USER, e->n_users, "user");
}

void world_release(struct econ *e)
{
	free(e->world);
	e->world = NULL;
}

bool world_deposit_key(struct econ *e, struct sim_dest *d, uint32_t ex,
		       const struct sim_entity *customer)
{
	struct sim_entity *x = &e->ent[e->first_exchange + ex];
	char addr[92];
	if (!econ_fresh_key(e, &d->key, x, "deposit"))
		return false;
	d->owner = x->id;
	d->pending = true;
	econ_address(e, addr, &d->key);
	simwriter_deposit(e->out, x->deposit_file, addr, customer->name,
			  e->chain.height);
	if (simrng_permille(&e->rng, e->opt.known_permille))
		simwriter_tag(e->out, addr, exchange_labels[ex], "exchange", 80);
	e->deposits++;
	return true;
}

/* econ_pay after the receivers' keys exist: falling short now is a bug in
 * the affordability check, reported as an error. */
static bool pay(struct econ *e, struct econ_paid *paid, const struct econ_payment *p)
{
	int r = econ_pay(e, paid, p);
	if (r == 0)
		e->why = "internal: an affordable payment fell short";
	return r == 1;
}

static struct sim_entity *random_of(struct econ *e, uint32_t first, uint32_t n)
{
	return &e->ent[first + simrng_below(&e->rng, n)];
}

/* Exchange x pays its queued withdrawals in one transaction. */
static bool pay_withdrawals(struct econ *e, uint32_t xi)
{
	struct sim_world *w = e->world;
	struct sim_wq *q = &w->wq[xi];
	struct sim_entity *x = &e->ent[e->first_exchange + xi];
	struct econ_paid paid;
	uint64_t sum = 0;
	for (uint32_t i = 0; i < q->n; i++)
		sum += q->value[i];
	if (q->n == 0 || !econ_affordable(e, x, sum, q->n, 20))
		return true;
	for (uint32_t i = 0; i < q->n; i++) {
		w->dests[i].owner = q->user[i];
		w->dests[i].value = q->value[i];
		w->dests[i].pending = false;
		if (!econ_receive_key(e, &w->dests[i].key, &e->ent[q->user[i]], "receive"))
			return false;
	}
	struct econ_payment p = { .payer = x, .dests = w->dests, .n_dests = q->n,
				  .max_in = 20, .fee_from_dest = -1,
				  .change_key = &x->hot };
	if (!pay(e, &paid, &p))
		return false;
	e->withdrawals += q->n;
	q->n = 0;
	q->batch = (uint32_t)simrng_range(&e->rng, sim_era_params(e->opt.era)->batch_lo,
					  sim_era_params(e->opt.era)->batch_hi);
	return true;
}

/* Queues a purchase of sats by user at exchange xi; pays the batch when
 * it is full. */
bool world_buy(struct econ *e, uint32_t user, uint32_t xi, uint64_t sats)
{
	struct sim_wq *q = &e->world->wq[xi];
	if (q->n == WQ_MAX && !pay_withdrawals(e, xi))
		return false;
	if (q->n == WQ_MAX)
		return true; /* the exchange is short of coins: request refused */
	q->user[q->n] = user;
	q->value[q->n++] = sats;
	return q->n < q->batch || pay_withdrawals(e, xi);
}

/* Spends coins in[0..n) of payer entirely into one output to d, the fee
 * taken from it. Skips (true) when the coins cannot pay the fee. */
static int spend_all(struct econ *e, struct econ_paid *paid,
		     struct sim_entity *payer, const uint32_t *in, uint32_t n,
		     struct sim_dest *d, uint32_t deposit_to)
{
	uint64_t total = 0;
	for (uint32_t k = 0; k < n; k++)
		total += e->pool[in[k]].value;
	if (total < econ_need(e, 0, 1, n) + 2 * SIM_DUST)
		return 0;
	if (deposit_to != UINT32_MAX && !world_deposit_key(e, d, deposit_to, payer))
		return -1;
	d->value = total;
	struct econ_payment p = { .payer = payer, .dests = d, .n_dests = 1,
				  .in = in, .n_in = n, .fee_from_dest = 0,
				  .no_change = true };
	return pay(e, paid, &p) ? 1 : -1;
}

static bool sweep(struct econ *e, struct sim_entity *x)
{
	uint32_t n = x->pending.n > 200 ? 200 : x->pending.n;
	struct sim_dest d = { x->id, x->hot, 0, false };
	struct econ_paid paid;
	if (n == 0 || (n < 25 && e->chain.height - x->last_sweep < 3))
		return true;
	memcpy(e->world->scratch, x->pending.v, n * sizeof(uint32_t));
	x->last_sweep = e->chain.height;
	int r = spend_all(e, &paid, x, e->world->scratch, n, &d, UINT32_MAX);
	if (r == 1) {
		e->sweeps++;
		crime_note_sweep(e, e->world->scratch, n, &paid.txid);
	}
	return r >= 0;
}

/* A miner sells each coinbase as it matures. */
static bool miner_sell(struct econ *e, struct sim_entity *m)
{
	for (uint32_t k = 0; k < m->coins.n; k++) {
		uint32_t i = m->coins.v[k];
		const struct sim_utxo *u = &e->pool[i];
		if (u->height + 100 > e->chain.height)
			continue;
		struct sim_dest d;
		struct econ_paid paid;
		uint32_t xi = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
		return spend_all(e, &paid, m, &i, 1, &d, xi) >= 0;
	}
	return true;
}

bool world_block_start(struct econ *e)
{
	int64_t step = (int64_t)simrng_below(&e->rng, 41) - 20;
	e->price_cents = (uint64_t)((int64_t)e->price_cents +
				    (int64_t)e->price_cents * step / 1000);
	if (e->price_cents < 300000)
		e->price_cents = 300000;
	const struct sim_era_params *ep = sim_era_params(e->opt.era);
	e->feerate = simrng_skewed(&e->rng, ep->fee_median, ep->fee_lo, ep->fee_hi);
	e->time += (uint32_t)simrng_range(&e->rng, 60, 1200);
	for (uint32_t i = 0; i < e->n_exchanges; i++)
		if (!sweep(e, &e->ent[e->first_exchange + i]))
			return false;
	for (uint32_t i = 0; i < e->n_miners; i++)
		if (!miner_sell(e, &e->ent[e->first_miner + i]))
			return false;
	return mix_block(e);
}

bool world_block_end(struct econ *e)
{
	struct sim_entity *m = random_of(e, e->first_miner, e->n_miners);
	struct sim_dest d = { m->id, m->hot, 0, false };
	struct hash256 txid;
	uint8_t script[34];
	if (m->hot.type == 0 && !econ_fresh_key(e, &d.key, m, "coinbase"))
		return false;
	size_t n = simkey_script(script, &d.key);
	if (!simchain_finish_block(&e->chain, &txid, &d.value, script, n, e->time,
				   &e->why))
		return false;
	e->script_count[d.key.type]++;
	return econ_add_utxo(e, &txid, 0, &d, true);
}

/* A user with coins, or NULL (stale entries of the funded list are
 * dropped on the way). */
static struct sim_entity *funded_user(struct econ *e)
{
	for (int t = 0; t < 8 && e->funded.n; t++) {
		uint32_t k = (uint32_t)simrng_below(&e->rng, e->funded.n);
		struct sim_entity *u = &e->ent[e->funded.v[k]];
		if (u->balance > 0)
			return u;
		e->funded.v[k] = e->funded.v[--e->funded.n];
	}
	return NULL;
}

/* payer pays sats to one receiver key made by make_key (1-3 inputs). */
static bool pay_one(struct econ *e, struct sim_entity *payer,
		    struct sim_entity *to, uint64_t sats, bool fresh, const char *role)
{
	struct sim_dest d = { to->id, { 0 }, sats, false };
	struct econ_paid paid;
	if (to == payer || sats < 2 * SIM_DUST || !econ_affordable(e, payer, sats, 1, 3))
		return true;
	if (!(fresh ? econ_fresh_key(e, &d.key, to, role)
		    : econ_receive_key(e, &d.key, to, role)))
		return false;
	struct econ_payment p = { .payer = payer, .dests = &d, .n_dests = 1,
				  .max_in = 3, .fee_from_dest = -1 };
	return pay(e, &paid, &p);
}

static bool user_sells(struct econ *e, struct sim_entity *u)
{
	uint64_t sats = econ_fiat(e, simrng_skewed(&e->rng, 20000, 1000, 10000000));
	uint32_t xi = (uint32_t)simrng_below(&e->rng, e->n_exchanges);
	struct sim_dest d = { 0, { 0 }, 0, true };
	struct econ_paid paid;
	if (sats > u->balance / 10 * 9)
		sats = u->balance / 10 * 9;
	if (sats < 2 * SIM_DUST || !econ_affordable(e, u, sats, 1, 3))
		return true;
	if (!world_deposit_key(e, &d, xi, u))
		return false;
	d.value = sats;
	struct econ_payment p = { .payer = u, .dests = &d, .n_dests = 1,
				  .max_in = 3, .fee_from_dest = -1 };
	return pay(e, &paid, &p);
}

static bool merchant_cashes_out(struct econ *e, struct sim_entity *m)
{
	uint32_t n = m->coins.n > 100 ? 100 : m->coins.n;
	struct sim_dest d;
	struct econ_paid paid;
	if (n < 3)
		return true;
	memcpy(e->world->scratch, m->coins.v, n * sizeof(uint32_t));
	return spend_all(e, &paid, m, e->world->scratch, n, &d,
			 (uint32_t)simrng_below(&e->rng, e->n_exchanges)) >= 0;
}

bool world_step(struct econ *e)
{
	unsigned r = (unsigned)simrng_below(&e->rng, 1000);
	struct sim_entity *u = r < 600 ? funded_user(e) : NULL;
	uint32_t xi = (uint32_t)simrng_below(&e->rng, e->n_exchanges);

	if (r < 600 && !u)
		r = 700; /* nobody has coins yet: buy */
	bool pj = false;
	if (r < 330 && !mix_payjoin(e, u, &pj))
		return false;
	if (r < 330 && pj)
		return true;
	if (r < 330)
		return pay_one(e, u, random_of(e, e->first_merchant, e->n_merchants),
			       econ_fiat(e, simrng_skewed(&e->rng, 4500, 100, 500000)),
			       true, "invoice");
	if (r < 500)
		return pay_one(e, u, random_of(e, e->first_user, e->n_users),
			       econ_fiat(e, simrng_skewed(&e->rng, 15000, 500, 2000000)),
			       false, "receive");
	if (r < 600)
		return user_sells(e, u);
	if (r < 940)
		return world_buy(e, random_of(e, e->first_user, e->n_users)->id, xi,
				 econ_fiat(e, simrng_skewed(&e->rng, 30000, 2000, 5000000)));
	return merchant_cashes_out(e, random_of(e, e->first_merchant, e->n_merchants));
}
