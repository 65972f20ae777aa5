/* Honest participants' post-mix habits under --crime-demix
 * (simpostmix.h). */
#include "proceeds/simpostmix.h"
#include "proceeds/simmix.h"
#include "proceeds/simworld.h"

#include <stdlib.h>
#include <string.h>

#define PM_MAX_COINS MIX_WS_OUTS_EACH

enum pm_kind { PM_CO_SPEND, PM_STATIC };

/* One habit still to carry out: outputs vout[0..n) of round mix, owned
 * by owner (a user), due at progress due. */
struct pm_plan {
	enum pm_kind kind;
	uint32_t owner, exchange;
	struct hash256 mix;
	uint32_t vout[PM_MAX_COINS], n;
	unsigned due;
};

/* A user's static deposit address at an exchange (index of the exchange
 * among the exchanges). */
struct pm_static {
	uint32_t user, exchange;
	struct simkey key;
};

struct sim_postmix {
	struct simrng rng;
	struct mix_stream s;
	unsigned now;           /* progress at the last step */
	struct pm_plan *plan;
	size_t n_plan, cap_plan;
	struct pm_static *st;
	size_t n_st, cap_st;
};

bool postmix_init(struct econ *e)
{
	if (!e->opt.crime_demix)
		return true;
	struct sim_postmix *pm = calloc(1, sizeof(*pm));
	if (!pm) {
		e->why = "out of memory";
		return false;
	}
	e->postmix = pm;
	simrng_init(&pm->rng, e->opt.seed, 6);
	return mix_stream_open(e, &pm->s, "postmix_habits");
}

/* Room for want entries of size bytes in *p (capacity *cap). */
static bool grow(struct econ *e, void **p, size_t *cap, size_t want, size_t size)
{
	if (want <= *cap)
		return true;
	size_t n = *cap ? *cap * 2 : 64;
	void *q = realloc(*p, n * size);
	if (!q) {
		e->why = "out of memory";
		return false;
	}
	*p = q;
	*cap = n;
	return true;
}

/* Plans a habit over lo..hi (at most k) of the vouts v[0..k) of mix. */
static bool plan(struct econ *e, enum pm_kind kind, uint32_t owner,
		 const struct hash256 *mix, uint32_t *v, uint32_t k, uint32_t lo, uint32_t hi)
{
	struct sim_postmix *pm = e->postmix;
	uint32_t n = (uint32_t)simrng_range(&pm->rng, lo, hi < k ? hi : k);
	if (!grow(e, (void **)&pm->plan, &pm->cap_plan, pm->n_plan + 1, sizeof(*pm->plan)))
		return false;
	struct pm_plan *p = &pm->plan[pm->n_plan++];
	memset(p, 0, sizeof(*p));
	p->kind = kind, p->owner = owner, p->mix = *mix, p->n = n;
	for (uint32_t i = 0; i < n; i++) { /* a random n of the k, in random order */
		uint32_t j = i + (uint32_t)simrng_below(&pm->rng, k - i), t = v[i];
		v[i] = v[j], v[j] = t;
		p->vout[i] = v[i];
	}
	p->exchange = (uint32_t)simrng_below(&pm->rng, e->n_exchanges);
	p->due = pm->now + (unsigned)simrng_range(&pm->rng, 3, 40);
	return true;
}

bool postmix_note_round(struct econ *e, const struct hash256 *txid,
			const struct sim_dest *dests, uint32_t n)
{
	struct sim_postmix *pm = e->postmix;
	for (uint32_t i = 0; pm && i < n; i++) {
		uint32_t owner = dests[i].owner, v[PM_MAX_COINS], k = 0;
		bool first = e->ent[owner].type == SIM_USER;
		for (uint32_t j = 0; j < i && first; j++)
			first = dests[j].owner != owner;
		for (uint32_t j = i; first && j < n && k < PM_MAX_COINS; j++)
			if (dests[j].owner == owner)
				v[k++] = j;
		if (k < 2)
			continue;
		if (simrng_permille(&pm->rng, POSTMIX_CO_SPEND_PERMILLE) &&
		    !plan(e, PM_CO_SPEND, owner, txid, v, k, 2, 4))
			return false;
		if (simrng_permille(&pm->rng, POSTMIX_STATIC_PERMILLE) &&
		    !plan(e, PM_STATIC, owner, txid, v, k, 2, 3))
			return false;
	}
	return true;
}

/* A truth row for a habit carried out in txid, spending vouts v[0..n)
 * of the round and paying key (static deposits: at exchange x). */
static void note(struct econ *e, const struct pm_plan *p, const struct hash256 *txid,
		 const uint32_t *v, uint32_t n, const struct simkey *key)
{
	char hex[65], mix[65], addr[92];
	json_t *vouts = json_array();
	hash256_to_hex(hex, txid);
	hash256_to_hex(mix, &p->mix);
	econ_address(e, addr, key);
	for (uint32_t i = 0; i < n; i++)
		json_array_append_new(vouts, json_integer(v[i]));
	json_t *row = json_pack("{s:s, s:I, s:I, s:s, s:s, s:o, s:s}", "txid", hex,
		"height", (json_int_t)e->chain.height, "entity", (json_int_t)p->owner,
		"habit", p->kind == PM_CO_SPEND ? "co-spend" : "static-deposit",
		"mix_txid", mix, "postmix_vouts", vouts, "address", addr);
	if (p->kind == PM_STATIC)
		json_object_set_new(row, "exchange",
				    json_string(e->ent[e->first_exchange + p->exchange].name));
	mix_stream_row(&e->postmix->s, row);
}

/* Pays coins in[0..n) of the plan's owner whole (the fee from it) to d. */
static bool pay_whole(struct econ *e, struct econ_paid *paid, const struct pm_plan *p,
		      const uint32_t *in, uint32_t n, struct sim_dest *d)
{
	struct econ_payment pay = { .payer = &e->ent[p->owner], .dests = d, .n_dests = 1,
				    .in = in, .n_in = n, .fee_from_dest = 0, .no_change = true };
	if (econ_pay(e, paid, &pay) == 1)
		return true;
	e->why = e->why ? e->why : "internal: a postmix habit fell short";
	return false;
}

/* The plan's live coins spent together into a fresh address. */
static bool co_spend(struct econ *e, const struct pm_plan *p)
{
	uint32_t in[PM_MAX_COINS], v[PM_MAX_COINS], n = 0;
	uint64_t total = 0;
	struct econ_paid paid;
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t c = econ_coin_of(e, p->owner, &p->mix, p->vout[i]);
		if (c == UINT32_MAX)
			continue; /* spent meanwhile */
		v[n] = p->vout[i], in[n++] = c;
		total += e->pool[c].value;
	}
	if (n < 2 || total < econ_need(e, 0, 1, n) + 10 * SIM_DUST)
		return true;
	struct sim_dest d = { p->owner, { 0 }, total, false };
	if (!econ_fresh_key(e, &d.key, &e->ent[p->owner], "consolidation") ||
	    !pay_whole(e, &paid, p, in, n, &d))
		return false;
	note(e, p, &paid.txid, v, n, &d.key);
	return true;
}

/* The user's static deposit address at exchange x (made at first use). */
static bool static_key(struct econ *e, struct sim_dest *d, uint32_t user, uint32_t x)
{
	struct sim_postmix *pm = e->postmix;
	for (size_t i = 0; i < pm->n_st; i++) {
		if (pm->st[i].user != user || pm->st[i].exchange != x)
			continue;
		*d = (struct sim_dest){ e->first_exchange + x, pm->st[i].key, 0, true };
		return true;
	}
	if (!grow(e, (void **)&pm->st, &pm->cap_st, pm->n_st + 1, sizeof(*pm->st)) ||
	    !world_deposit_key(e, d, x, &e->ent[user]))
		return false;
	pm->st[pm->n_st++] = (struct pm_static){ user, x, d->key };
	return true;
}

/* The plan's next live coin deposited whole into the static address;
 * *more when coins are left for a later deposit. */
static bool static_deposit(struct econ *e, struct pm_plan *p, bool *more)
{
	uint32_t c = UINT32_MAX, vout = 0;
	struct sim_dest d;
	struct econ_paid paid;
	while (p->n && c == UINT32_MAX) {
		vout = p->vout[0];
		memmove(p->vout, p->vout + 1, --p->n * sizeof(p->vout[0]));
		c = econ_coin_of(e, p->owner, &p->mix, vout);
		if (c != UINT32_MAX && e->pool[c].value < econ_need(e, 0, 1, 1) + 10 * SIM_DUST)
			c = UINT32_MAX; /* not worth a deposit at this fee rate */
	}
	*more = p->n > 0;
	if (c == UINT32_MAX)
		return true;
	if (!static_key(e, &d, p->owner, p->exchange))
		return false;
	d.value = e->pool[c].value;
	if (!pay_whole(e, &paid, p, &c, 1, &d))
		return false;
	note(e, p, &paid.txid, &vout, 1, &d.key);
	return true;
}

bool postmix_step(struct econ *e, unsigned progress)
{
	struct sim_postmix *pm = e->postmix;
	if (!pm)
		return true;
	pm->now = progress;
	for (size_t i = 0; i < pm->n_plan;) {
		struct pm_plan *p = &pm->plan[i];
		bool more = false;
		if (p->due > progress) {
			i++;
			continue;
		}
		if (!(p->kind == PM_CO_SPEND ? co_spend(e, p) : static_deposit(e, p, &more)))
			return false;
		if (more) {
			p->due = progress + (unsigned)simrng_range(&pm->rng, 3, 30);
			i++;
			continue;
		}
		memmove(p, p + 1, (--pm->n_plan - i) * sizeof(*p));
	}
	return true;
}

bool postmix_truth(struct econ *e, FILE *f, const char **why)
{
	if (!e->postmix)
		return true;
	return mix_stream_copy(e, &e->postmix->s, f, why);
}

void postmix_release(struct econ *e)
{
	if (!e->postmix)
		return;
	mix_stream_close(&e->postmix->s);
	free(e->postmix->plan);
	free(e->postmix->st);
	free(e->postmix);
	e->postmix = NULL;
}
