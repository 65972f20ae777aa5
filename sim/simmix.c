/* Whirlpool and WabiSabi rounds and PayJoins, with their truth
 * (simmix.h). */
#include "proceeds/simmix.h"
#include "proceeds/simpostmix.h"
#include "proceeds/simworld.h"

#include <assert.h>
#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define WP_USERS 5
#define WS_MAX_IN 60
#define WS_MAX_PEOPLE MIX_WS_MAX_PEOPLE
#define WS_OUTS_EACH MIX_WS_OUTS_EACH

struct sim_mix {
	uint32_t coordinator;
	unsigned cj_permille, pj_permille;
	struct mix_stream s[3];  /* coinjoins, tx0s, payjoins */
	uint32_t in[WS_MAX_IN];
	struct sim_dest dests[WS_MAX_PEOPLE * WS_OUTS_EACH];
	uint32_t owner_of_in[WS_MAX_IN];
};

static const char *const stream_names[3] = { "coinjoins", "tx0s", "payjoins" };

bool mix_stream_open(struct econ *e, struct mix_stream *s, const char *name)
{
	char part[64];
	snprintf(part, sizeof(part), ".%s.part", name);
	s->name = name;
	s->n = 0;
	s->f = simwriter_file(e->out, part, &e->why);
	return s->f != NULL;
}

void mix_stream_row(struct mix_stream *s, json_t *j)
{
	char *t = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER);
	fprintf(s->f, "%s%s", s->n++ ? ",\n" : "", t ? t : "null");
	free(t);
	json_decref(j);
}

bool mix_init(struct econ *e, unsigned coinjoin_permille, unsigned payjoin_permille)
{
	struct sim_mix *m = calloc(1, sizeof(*m));
	if (!m) {
		e->why = "out of memory";
		return false;
	}
	e->mix = m;
	m->cj_permille = coinjoin_permille;
	m->pj_permille = payjoin_permille;
	for (int i = 0; i < 3; i++)
		if (!mix_stream_open(e, &m->s[i], stream_names[i]))
			return false;
	if (!world_add_entity(e, SIM_COORDINATOR, "whirlpool-coordinator", SCRIPT_P2WPKH))
		return false;
	m->coordinator = e->n_ent - 1;
	return true;
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
	mix_stream_row(&e->mix->s[0], json_pack("{s:s, s:I, s:s, s:I, s:I, s:I, s:I, s:o}",
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
	uint64_t each = pool + MIX_PREMIX_MARGIN, fee = pool / 20;
	struct econ_paid paid;
	/* The OP_RETURN output's vbytes on top of econ_need's bound (it was
	 * missing: a P2PKH payer's one barely large enough coin fell short). */
	if (!econ_affordable(e, u, each * k + fee + e->feerate * (9 + sizeof(op_return)),
			     k + 1, 3))
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
	mix_stream_row(&m->s[1], json_pack("{s:s, s:I, s:I, s:I, s:I}", "txid", hex, "height",
				(json_int_t)e->chain.height, "entity", (json_int_t)u->id,
				"pool", (json_int_t)pool, "premix", (json_int_t)k));
	e->tx0s++;
	return 1;
}

uint64_t mix_whirlpool_vsize(void)
{
	static struct simtx tx;  /* large: built once */
	static uint64_t vsize;
	static const uint8_t der[72]; /* the longest DER an input may carry */
	if (vsize)
		return vsize;
	tx.n_in = tx.n_out = WP_USERS;
	for (uint32_t k = 0; k < WP_USERS; k++) {
		tx.in[k].key.type = SCRIPT_P2WPKH;
		tx.in[k].sig = der;
		tx.in[k].sig_len = sizeof(der);
		tx.out[k].script_len = (uint8_t)simkey_script(tx.out[k].script, &tx.in[k].key);
	}
	vsize = simtx_vsize(&tx);
	return vsize;
}

bool mix_whirlpool_pays(uint64_t feerate)
{
	return feerate * mix_whirlpool_vsize() <= WP_USERS * (uint64_t)MIX_PREMIX_MARGIN;
}

/* -1, 0, 1 as a is before, equal to, after b, compared byte by byte
 * (step -1: from the last byte, as a txid is displayed). */
static int bytes_cmp(const uint8_t *a, const uint8_t *b, size_t n, int step)
{
	for (size_t i = 0; i < n; i++) {
		size_t k = step > 0 ? i : n - 1 - i;
		if (a[k] != b[k])
			return a[k] < b[k] ? -1 : 1;
	}
	return 0;
}

/* Whether coin a goes before coin b: BIP69 (Whirlpool's coordinator:
 * txid as displayed, then vout) or WabiSabi's (value descending, then
 * the serialized outpoint: txid bytes, vout little-endian). */
static bool input_before(const struct sim_utxo *a, const struct sim_utxo *b, bool wabisabi)
{
	uint8_t va[4], vb[4];
	if (wabisabi && a->value != b->value)
		return a->value > b->value;
	int c = bytes_cmp(a->txid.b, b->txid.b, 32, wabisabi ? 1 : -1);
	if (c)
		return c < 0;
	for (int i = 0; i < 4; i++)
		va[i] = (uint8_t)(a->vout >> (8 * i)), vb[i] = (uint8_t)(b->vout >> (8 * i));
	return wabisabi ? bytes_cmp(va, vb, 4, 1) < 0 : a->vout < b->vout;
}

/* Whether output a goes before b: BIP69 (value ascending) or WabiSabi's
 * (value descending), then the scriptPubKey's bytes. */
static bool output_before(const struct sim_dest *a, const struct sim_dest *b, bool wabisabi)
{
	uint8_t sa[34], sb[34];
	if (a->value != b->value)
		return wabisabi ? a->value > b->value : a->value < b->value;
	size_t la = simkey_script(sa, &a->key), lb = simkey_script(sb, &b->key);
	int c = bytes_cmp(sa, sb, la < lb ? la : lb, 1);
	return c ? c < 0 : la < lb;
}

/* Insertion sorts: a round has at most a few hundred entries. */
void mix_order(const struct econ *e, uint32_t *in, uint32_t *owners, uint32_t n,
	       struct sim_dest *dests, uint32_t nd, bool wabisabi)
{
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t j = i; j > 0 && input_before(&e->pool[in[j]],
							   &e->pool[in[j - 1]], wabisabi); j--) {
			uint32_t t = in[j], o = owners[j];
			in[j] = in[j - 1], owners[j] = owners[j - 1];
			in[j - 1] = t, owners[j - 1] = o;
		}
	for (uint32_t i = 1; i < nd; i++)
		for (uint32_t j = i; j > 0 && output_before(&dests[j], &dests[j - 1], wabisabi); j--) {
			struct sim_dest t = dests[j];
			dests[j] = dests[j - 1], dests[j - 1] = t;
		}
}

/* Orders the round's inputs (with their owners) and outputs as its
 * coordinator would. */
static void order_round(struct econ *e, uint32_t n, uint32_t nd, bool wabisabi)
{
	struct sim_mix *m = e->mix;
	mix_order(e, m->in, m->owner_of_in, n, m->dests, nd, wabisabi);
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
	/* Too few users, or fees above what the margins pay: the round
	 * waits and the premix outputs stay the users' coins. */
	if (n < WP_USERS || !mix_whirlpool_pays(e->feerate))
		return true;
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
	order_round(e, n, n, false);
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

/* Splits v into at most max standard denominations (largest first);
 * returns the count, *left what no denomination covers. */
static uint32_t split(uint64_t *out, uint64_t v, uint32_t max, uint64_t *left)
{
	uint32_t n = 0;
	for (uint32_t i = 0; i < n_denoms && n < max; i++)
		while (denoms[i] <= v && n < max)
			out[n++] = denoms[i], v -= denoms[i];
	*left = v;
	return n;
}

/* Adds coin c of owner to the round: its denominations to m->dests.
 * False (nothing added) when the coin cannot pay its share of the fee
 * and the smallest denomination: at a high fee rate a coordinator
 * refuses it (the budget used to wrap around below zero there). */
static bool ws_add(struct econ *e, uint32_t *n, uint32_t *nd, uint32_t c,
		   uint32_t owner, uint32_t max_outs, uint64_t in_vb)
{
	struct sim_mix *m = e->mix;
	uint64_t cost = e->feerate * (in_vb + 43 * (uint64_t)max_outs + 12);
	uint64_t parts[MIX_JOIN_OUTS], left;
	if (e->pool[c].value < cost + denoms[n_denoms - 1])
		return false;
	uint32_t k = split(parts, e->pool[c].value - cost, max_outs, &left);
	m->in[*n] = c, m->owner_of_in[(*n)++] = owner;
	for (uint32_t i = 0; i < k; i++)
		m->dests[(*nd)++] = (struct sim_dest){ owner, { 0 }, parts[i], false };
	return true;
}

/* What differs between the economy's rounds and --mix-variants' ones:
 * the outputs' script type (0: each owner's own), the vbytes that bound
 * an input (for the fee shares), whether the round is listed in
 * "coinjoins", and the fewest inputs it takes. */
struct ws_kind {
	uint8_t type;
	uint64_t in_vb;
	bool note;
	uint32_t min_in;
};

static const struct ws_kind ws_economy = { 0, 68, true, 15 };

/* Users join until want inputs (first ones already in); 0 when fewer
 * than k->min_in inputs came, else 1 with the round written (*fee). */
static int ws_round(struct econ *e, uint32_t n, uint32_t nd, uint32_t want,
		    const struct ws_kind *k, struct hash256 *txid, uint64_t *fee)
{
	struct sim_mix *m = e->mix;
	for (int t = 0; t < 400 && n < want && nd + WS_OUTS_EACH <= WS_MAX_PEOPLE * WS_OUTS_EACH; t++) {
		struct sim_entity *u = random_user(e);
		int64_t c = coin_at_least(e, u, 200000, true);
		bool dup = false;
		for (uint32_t i = 0; i < n && c >= 0; i++)
			dup |= m->in[i] == (uint32_t)c || m->owner_of_in[i] == u->id;
		if (c >= 0 && !dup)
			(void)ws_add(e, &n, &nd, (uint32_t)c, u->id, WS_OUTS_EACH, k->in_vb);
	}
	if (n < k->min_in)
		return 0; /* nobody wrote anything yet: no round */
	for (uint32_t i = 0; i < nd; i++) {
		struct sim_entity *o = &e->ent[m->dests[i].owner];
		if (!(k->type ? econ_fresh_key_type(e, &m->dests[i].key, o, "postmix", k->type)
			      : econ_fresh_key(e, &m->dests[i].key, o, "postmix")))
			return -1;
	}
	order_round(e, n, nd, true);
	int r = econ_pay_joint(e, txid, fee, m->in, n, m->dests, nd);
	if (r <= 0) {
		e->why = r ? e->why : "internal: a WabiSabi round fell short of its fee";
		return -1;
	}
	if (k->note)
		note_coinjoin(e, txid, "wabisabi", 0, n, nd, *fee);
	/* --crime-demix: its users' later habits (nothing without) */
	if (k->note && !postmix_note_round(e, txid, m->dests, nd))
		return -1;
	return 1;
}

static bool wabisabi(struct econ *e)
{
	uint32_t want = (uint32_t)simrng_range(&e->rng, 15, WS_MAX_IN);
	struct hash256 txid;
	uint64_t fee;
	if (!n_denoms)
		make_denoms();
	return ws_round(e, 0, 0, want, &ws_economy, &txid, &fee) >= 0;
}

int mix_join(struct econ *e, uint32_t coin, struct hash256 *txid, uint64_t *share,
	     uint32_t outs[MIX_JOIN_OUTS], uint32_t *n_outs)
{
	uint32_t want = (uint32_t)simrng_range(&e->rng, 16, 41), nd = 0, n = 0;
	uint32_t owner = e->pool[coin].owner;
	uint64_t value = e->pool[coin].value, sum = 0, fee;
	if (!n_denoms)
		make_denoms();
	if (!ws_add(e, &n, &nd, coin, owner, MIX_JOIN_OUTS, ws_economy.in_vb))
		return 0; /* fees too high for this coin now */
	uint32_t mine = nd;
	int r = ws_round(e, n, nd, want, &ws_economy, txid, &fee);
	if (r <= 0)
		return r;
	const struct sim_entity *o = &e->ent[owner];
	for (uint32_t k = 0; k < mine; k++) {
		outs[k] = o->coins.v[o->coins.n - mine + k];
		sum += e->pool[outs[k]].value;
	}
	*n_outs = mine;
	*share = value - sum;
	return 1;
}

int mix_wabisabi_of(struct econ *e, struct mix_round *out, const uint32_t *in,
		    const uint32_t *owners, uint32_t n, uint8_t type, uint64_t in_vb)
{
	const struct ws_kind k = { type, in_vb, false, 2 };
	uint32_t m_n = 0, nd = 0;
	assert(n >= 2 && n <= WS_MAX_PEOPLE && type != 0);
	if (!n_denoms)
		make_denoms();
	for (uint32_t i = 0; i < n; i++)
		if (!ws_add(e, &m_n, &nd, in[i], owners[i], WS_OUTS_EACH, in_vb))
			return 0; /* nothing written yet */
	int r = ws_round(e, m_n, nd, m_n, &k, &out->txid, &out->fee);
	if (r <= 0)
		return r;
	out->n_out = nd;
	for (uint32_t i = 0; i < nd; i++)
		out->values[i] = e->mix->dests[i].value;
	return 1;
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
	mix_stream_row(&m->s[2], json_pack("{s:s, s:I, s:I, s:I, s:I, s:[I, I], s:I}", "txid", hex,
		"height", (json_int_t)e->chain.height, "payer", (json_int_t)u->id,
		"payee", (json_int_t)to->id, "amount", (json_int_t)amount,
		"input_owners", (json_int_t)u->id, (json_int_t)to->id,
		"payee_vout", (json_int_t)payee_vout));
	e->payjoins++;
	*done = true;
	return true;
}

bool mix_stream_copy(struct econ *e, struct mix_stream *s, FILE *f, const char **why)
{
	char buf[65536], path[8700];
	size_t n;
	fprintf(f, "\"%s\": [\n", s->name);
	snprintf(path, sizeof(path), "%s/.%s.part", e->out->tmp, s->name);
	FILE *in = fflush(s->f) == 0 ? fopen(path, "r") : NULL;
	if (!in) {
		*why = strerror(errno);
		return false;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	fclose(in);
	mix_stream_close(s);
	remove(path);
	fputs("\n],\n", f);
	return true;
}

void mix_stream_close(struct mix_stream *s)
{
	if (s->f)
		fclose(s->f);
	s->f = NULL;
}

bool mix_truth(struct econ *e, FILE *f, const char **why)
{
	for (int i = 0; i < 3; i++) {
		if (e->mix && !mix_stream_copy(e, &e->mix->s[i], f, why))
			return false;
		if (!e->mix)
			fprintf(f, "\"%s\": [\n\n],\n", stream_names[i]);
	}
	return !ferror(f) || (*why = "write error", false);
}

void mix_release(struct econ *e)
{
	if (!e->mix)
		return;
	for (int i = 0; i < 3; i++)
		mix_stream_close(&e->mix->s[i]);
	free(e->mix);
	e->mix = NULL;
}
