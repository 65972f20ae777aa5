/* Whirlpool and WabiSabi rounds and PayJoins, with their truth
 * (simmix.h). */
#include "proceeds/simmix.h"
#include "proceeds/simworld.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define WP_USERS 5
#define WS_MAX_IN 60
#define WS_MAX_PEOPLE 40
#define WS_OUTS_EACH 6
#define PREMIX_MARGIN 12000u   /* above the pool: pays the mix's fee */

struct mix_stream {
	FILE *f;
	uint64_t n;
	const char *name;
};

struct sim_mix {
	uint32_t coordinator;
	unsigned cj_permille, pj_permille;
	struct mix_stream s[3];  /* coinjoins, tx0s, payjoins */
	uint32_t in[WS_MAX_IN];
	struct sim_dest dests[WS_MAX_PEOPLE * WS_OUTS_EACH];
	uint32_t owner_of_in[WS_MAX_IN];
};

static const char *const stream_names[3] = { "coinjoins", "tx0s", "payjoins" };

bool mix_init(struct econ *e, unsigned coinjoin_permille, unsigned payjoin_permille)
{
	struct sim_mix *m = calloc(1, sizeof(*m));
	char part[64];
	if (!m) {
		e->why = "out of memory";
		return false;
	}
	e->mix = m;
	m->cj_permille = coinjoin_permille;
	m->pj_permille = payjoin_permille;
	for (int i = 0; i < 3; i++) {
		snprintf(part, sizeof(part), ".%s.part", stream_names[i]);
		m->s[i].name = stream_names[i];
		m->s[i].f = simwriter_file(e->out, part, &e->why);
		if (!m->s[i].f)
			return false;
	}
	if (!world_add_entity(e, SIM_COORDINATOR, "whirlpool-coordinator", SCRIPT_P2WPKH))
		return false;
	m->coordinator = e->n_ent - 1;
	return true;
}

static void row(struct mix_stream *s, json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(s->f, "%s%s", s->n++ ? ",\n" : "", t ? t : "null");
	free(t);
	json_decref(j);
}

static json_t *participants(const struct econ *e, const uint32_t *owners, uint32_t n)
{
	json_t *a = json_array();
	for (uint32_t k = 0; k < n; k++)
		json_array_append_new(a, json_integer(owners[k]));
	(void)e;
	return a;
}

static void note_coinjoin(struct econ *e, const struct hash256 *txid, const char *kind,
			  uint64_t denom, uint32_t n_in, uint32_t n_out, uint64_t fee)
{
	char hex[65];
	hash256_to_hex(hex, txid);
	row(&e->mix->s[0], json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:o}",
		"txid", hex, "height", (json_int_t)e->chain.height, "kind", kind,
		"denomination", (json_int_t)denom, "inputs", (json_int_t)n_in,
		"outputs", (json_int_t)n_out, "fee", (json_int_t)fee,
		"participants", participants(e, e->mix->owner_of_in, n_in)));
	e->coinjoins++;
}

/* A user with a spendable coin of at least v (its pool index), or -1. */
static int64_t coin_at_least(const struct econ *e, const struct sim_entity *u,
			     uint64_t v, bool segwit_only)
{
	for (uint32_t k = 0; k < u->coins.n && k < 64; k++) {
		const struct sim_utxo *c = &e->pool[u->coins.v[k]];
		bool type_ok = !segwit_only || c->key.type == SCRIPT_P2WPKH ||
			       c->key.type == SCRIPT_P2TR;
		if (c->value >= v && type_ok && !c->coinbase)
			return u->coins.v[k];
	}
	return -1;
}

static struct sim_entity *random_user(struct econ *e)
{
	return &e->ent[e->first_user + simrng_below(&e->rng, e->n_users)];
}

/* u's Tx0: premix outputs of pool + margin, the coordinator's fee, one
 * OP_RETURN; *premix gets the pool index of the first premix output. */
static int tx0(struct econ *e, struct sim_entity *u, uint64_t pool, uint32_t *premix)
{
	static const uint8_t op_return[48] = { 0x6a, 46, 'p', 'r', 'o', 'c', 'e',
					       'e', 'd', 's', '-', 't', 'x', '0' };
	struct sim_mix *m = e->mix;
	uint32_t k = (uint32_t)simrng_range(&e->rng, 1, 3);
	uint64_t each = pool + PREMIX_MARGIN, fee = pool / 20;
	struct econ_paid paid;
	if (!econ_affordable(e, u, each * k + fee, k + 1, 3))
		return 0;
	for (uint32_t i = 0; i < k; i++) {
		m->dests[i] = (struct sim_dest){ u->id, { 0 }, each, false };
		if (!econ_fresh_key_type(e, &m->dests[i].key, u, "premix", SCRIPT_P2WPKH))
			return -1;
	}
	struct sim_entity *c = &e->ent[m->coordinator];
	m->dests[k] = (struct sim_dest){ c->id, { 0 }, fee, false };
	if (!econ_fresh_key(e, &m->dests[k].key, c, "coordinator-fee"))
		return -1;
	struct econ_payment p = { .payer = u, .dests = m->dests, .n_dests = k + 1,
				  .max_in = 3, .fee_from_dest = -1,
				  .op_return = op_return, .op_return_len = 48 };
	if (econ_pay(e, &paid, &p) != 1) {
		e->why = e->why ? e->why : "internal: an affordable Tx0 fell short";
		return -1;
	}
	/* The premix outputs are u's newest coins, in vout order. */
	*premix = u->coins.v[u->coins.n - (paid.change_vout >= 0 ? 1 : 0) - k];
	char hex[65];
	hash256_to_hex(hex, &paid.txid);
	row(&m->s[1], json_pack("{s:s, s:I, s:I, s:I, s:I}", "txid", hex, "height",
				(json_int_t)e->chain.height, "entity", (json_int_t)u->id,
				"pool", (json_int_t)pool, "premix", (json_int_t)k));
	e->tx0s++;
	return 1;
}

static bool whirlpool(struct econ *e)
{
	static const uint64_t pools[] = { 100000, 1000000, 5000000 };
	struct sim_mix *m = e->mix;
	uint64_t pool = pools[simrng_below(&e->rng, 3)], fee;
	uint32_t n = 0;
	struct hash256 txid;
	for (int t = 0; t < 200 && n < WP_USERS; t++) {
		struct sim_entity *u = random_user(e);
		bool dup = false;
		for (uint32_t i = 0; i < n; i++)
			dup |= m->owner_of_in[i] == u->id;
		int r = dup ? 0 : tx0(e, u, pool, &m->in[n]);
		if (r < 0)
			return false;
		if (r == 1)
			m->owner_of_in[n++] = u->id;
	}
	if (n < WP_USERS)
		return true; /* premix outputs stay as the users' coins */
	for (uint32_t i = 0; i < n; i++) {
		struct sim_entity *u = &e->ent[m->owner_of_in[i]];
		m->dests[i] = (struct sim_dest){ u->id, { 0 }, pool, false };
		if (!econ_fresh_key_type(e, &m->dests[i].key, u, "postmix", SCRIPT_P2WPKH))
			return false;
		if (simrng_permille(&e->rng, 150)) { /* receives here again later */
			u->reuse_key = m->dests[i].key;
			u->has_reuse = true;
		}
	}
	int r = econ_pay_joint(e, &txid, &fee, m->in, n, m->dests, n);
	if (r < 0)
		return false;
	if (r == 0) {
		e->why = "internal: a Whirlpool mix fell short of its fee";
		return false;
	}
	note_coinjoin(e, &txid, "whirlpool", pool, n, n, fee);
	return true;
}

/* WabiSabi's standard denominations, descending (coinjoin.h's list). */
static uint64_t denoms[200];
static uint32_t n_denoms;

static void make_denoms(void)
{
	uint64_t lo = 5000, hi = UINT64_C(134375000000);
	n_denoms = 0;
	uint64_t cand[256];
	uint32_t n = 0;
	for (uint64_t p = 1; p <= hi; p *= 2)
		cand[n++] = p;
	for (uint64_t p = 1; p <= hi; p *= 3)
		cand[n++] = p, cand[n++] = 2 * p;
	for (uint64_t p = 1; p <= hi; p *= 10)
		cand[n++] = p, cand[n++] = 2 * p, cand[n++] = 5 * p;
	for (uint32_t i = 0; i < n; i++) {
		bool dup = false;
		for (uint32_t j = 0; j < n_denoms; j++)
			dup |= denoms[j] == cand[i];
		if (!dup && cand[i] >= lo && cand[i] <= hi)
			denoms[n_denoms++] = cand[i];
	}
	for (uint32_t i = 1; i < n_denoms; i++) /* insertion sort, descending */
		for (uint32_t j = i; j > 0 && denoms[j] > denoms[j - 1]; j--) {
			uint64_t t = denoms[j];
			denoms[j] = denoms[j - 1], denoms[j - 1] = t;
		}
}

/* Splits v into at most WS_OUTS_EACH standard denominations (largest
 * first); returns the count, *left what no denomination covers. */
static uint32_t split(uint64_t *out, uint64_t v, uint64_t *left)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < n_denoms && n < WS_OUTS_EACH; i++)
		while (denoms[i] <= v && n < WS_OUTS_EACH)
			out[n++] = denoms[i], v -= denoms[i];
	*left = v;
	return n;
}

static bool wabisabi(struct econ *e)
{
	struct sim_mix *m = e->mix;
	uint32_t want = (uint32_t)simrng_range(&e->rng, 15, WS_MAX_IN), n = 0, nd = 0;
	uint64_t per_in = e->feerate * 68, per_out = e->feerate * 43, parts[WS_OUTS_EACH], left, fee;
	struct hash256 txid;
	if (!n_denoms)
		make_denoms();
	for (int t = 0; t < 400 && n < want && nd + WS_OUTS_EACH <= WS_MAX_PEOPLE * WS_OUTS_EACH; t++) {
		struct sim_entity *u = random_user(e);
		int64_t c = coin_at_least(e, u, 200000, true);
		bool dup = false;
		for (uint32_t i = 0; i < n && c >= 0; i++)
			dup |= m->in[i] == (uint32_t)c || m->owner_of_in[i] == u->id;
		if (c < 0 || dup)
			continue;
		uint64_t budget = e->pool[c].value - per_in - WS_OUTS_EACH * per_out -
				  e->feerate * 12;
		uint32_t k = split(parts, budget, &left);
		m->in[n] = (uint32_t)c, m->owner_of_in[n++] = u->id;
		for (uint32_t i = 0; i < k; i++)
			m->dests[nd++] = (struct sim_dest){ u->id, { 0 }, parts[i], false };
	}
	if (n < 15)
		return true; /* nobody wrote anything yet: no round */
	for (uint32_t i = 0; i < nd; i++)
		if (!econ_fresh_key(e, &m->dests[i].key, &e->ent[m->dests[i].owner], "postmix"))
			return false;
	int r = econ_pay_joint(e, &txid, &fee, m->in, n, m->dests, nd);
	if (r <= 0) {
		e->why = r ? e->why : "internal: a WabiSabi round fell short of its fee";
		return false;
	}
	note_coinjoin(e, &txid, "wabisabi", 0, n, nd, fee);
	return true;
}

bool mix_block(struct econ *e)
{
	if (!e->mix || !simrng_permille(&e->rng, e->mix->cj_permille))
		return true;
	return simrng_permille(&e->rng, 500) ? whirlpool(e) : wabisabi(e);
}

bool mix_payjoin(struct econ *e, struct sim_entity *u, bool *done)
{
	struct sim_mix *m = e->mix;
	*done = false;
	if (!m || !simrng_permille(&e->rng, m->pj_permille))
		return true;
	struct sim_entity *to = &e->ent[e->first_merchant + simrng_below(&e->rng, e->n_merchants)];
	uint64_t amount = econ_fiat(e, simrng_skewed(&e->rng, 4500, 100, 500000));
	uint64_t fee = e->feerate * (12 + 2 * 150 + 2 * 43);
	int64_t cp = coin_at_least(e, u, amount + fee + 2 * SIM_DUST, false);
	int64_t cr = to->coins.n ? (int64_t)to->coins.v[0] : -1;
	if (cp < 0 || cr < 0 || amount < 2 * SIM_DUST)
		return true;
	uint32_t in[2] = { (uint32_t)cp, (uint32_t)cr };
	uint64_t payee_value = amount + e->pool[cr].value;
	struct sim_dest d[2] = { { to->id, { 0 }, payee_value, false },
				 { u->id, { 0 }, e->pool[cp].value - amount - fee, false } };
	if (!econ_fresh_key(e, &d[0].key, to, "invoice") ||
	    !econ_fresh_key(e, &d[1].key, u, "change"))
		return false;
	uint32_t payee_vout = (uint32_t)simrng_below(&e->rng, 2);
	if (payee_vout) {
		struct sim_dest t = d[0];
		d[0] = d[1], d[1] = t;
	}
	struct hash256 txid;
	uint64_t paid_fee;
	int r = econ_pay_joint(e, &txid, &paid_fee, in, 2, d, 2);
	if (r <= 0) {
		e->why = r ? e->why : "internal: a PayJoin fell short of its fee";
		return false;
	}
	char hex[65];
	hash256_to_hex(hex, &txid);
	row(&m->s[2], json_pack("{s:s, s:I, s:I, s:I, s:I, s:[I, I], s:I}", "txid", hex,
		"height", (json_int_t)e->chain.height, "payer", (json_int_t)u->id,
		"payee", (json_int_t)to->id, "amount", (json_int_t)amount,
		"input_owners", (json_int_t)u->id, (json_int_t)to->id,
		"payee_vout", (json_int_t)payee_vout));
	e->payjoins++;
	*done = true;
	return true;
}

bool mix_truth(struct econ *e, FILE *f, const char **why)
{
	char buf[65536], path[8700];
	size_t n;
	for (int i = 0; i < 3; i++) {
		fprintf(f, "\"%s\": [\n", stream_names[i]);
		if (e->mix) {
			struct mix_stream *s = &e->mix->s[i];
			snprintf(path, sizeof(path), "%s/.%s.part", e->out->tmp, s->name);
			FILE *in = fflush(s->f) == 0 ? fopen(path, "r") : NULL;
			if (!in) {
				*why = strerror(errno);
				return false;
			}
			while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
				fwrite(buf, 1, n, f);
			fclose(in);
			fclose(s->f);
			s->f = NULL;
			remove(path);
		}
		fputs("\n],\n", f);
	}
	return !ferror(f) || (*why = "write error", false);
}

void mix_release(struct econ *e)
{
	if (!e->mix)
		return;
	for (int i = 0; i < 3; i++)
		if (e->mix->s[i].f)
			fclose(e->mix->s[i].f);
	free(e->mix);
	e->mix = NULL;
}
