/* --mix-variants: the matrix, the coins the variants spend, their truth
 * rows (simvariant.h). */
#include "simvariant_int.h"
#include "proceeds/simworld.h"

#include <stdlib.h>
#include <string.h>

static const char *const kind_names[VARIANT_KINDS] = {
	"whirlpool", "wabisabi", "wasabi1", "joinmarket", "generic",
	"generic-nochange", "payroll", "airdrop", "batch-withdrawal", "self-split",
};

static const uint8_t types[VARIANT_TYPES] = {
	SCRIPT_P2PKH, SCRIPT_P2SH, SCRIPT_P2WPKH, SCRIPT_P2TR,
};

static const char *const type_names[VARIANT_TYPES] = {
	"p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr",
};

const char *variant_kind_name(enum variant_kind k)
{
	return kind_names[k];
}

uint8_t variant_script_type(unsigned i)
{
	return types[i];
}

const char *variant_type_name(unsigned i)
{
	return type_names[i];
}

/* P2PKH: outpoint 36, script length 1, scriptSig (73-byte signature push,
 * 34-byte key push) 108, sequence 4. P2SH-P2WPKH: 36 + 1 + 23 + 4 and a
 * 109-weight witness (count, signature, key); P2WPKH: 41 and the same
 * witness; P2TR: 41 and 66 (count, 64-byte signature). */
uint64_t variant_in_vb(uint8_t type)
{
	switch ((enum script_type)type) {
	case SCRIPT_P2PKH: return 149;
	case SCRIPT_P2SH: return 92;
	case SCRIPT_P2WPKH: return 69;
	case SCRIPT_P2TR: return 58;
	case SCRIPT_NONSTANDARD: case SCRIPT_P2PK: case SCRIPT_P2WSH:
	case SCRIPT_WITNESS_UNKNOWN: case SCRIPT_MULTISIG: case SCRIPT_OP_RETURN:
		break;
	}
	return 149;
}

/* value 8, script length 1, script 25 | 23 | 22 | 34. */
static uint64_t out_vb(uint8_t type)
{
	switch ((enum script_type)type) {
	case SCRIPT_P2PKH: return 34;
	case SCRIPT_P2SH: return 32;
	case SCRIPT_P2WPKH: return 31;
	case SCRIPT_P2TR: return 43;
	case SCRIPT_NONSTANDARD: case SCRIPT_P2PK: case SCRIPT_P2WSH:
	case SCRIPT_WITNESS_UNKNOWN: case SCRIPT_MULTISIG: case SCRIPT_OP_RETURN:
		break;
	}
	return 43;
}

/* Version and locktime 8, two counts up to 3 bytes each, segwit marker
 * and flag: 15 vbytes at most. */
uint64_t variant_fee(const struct econ *e, uint8_t type, uint32_t n_in, uint32_t n_out)
{
	return e->feerate * (15 + variant_in_vb(type) * n_in + out_vb(type) * n_out);
}

uint32_t variant_people(struct econ *e, uint32_t want)
{
	struct sim_variant *v = e->variant;
	if (want > e->n_users)
		want = e->n_users;
	if (want > VARIANT_MAX_OUT - 1)
		want = VARIANT_MAX_OUT - 1;
	v->n_people = 0;
	while (v->n_people < want) {
		uint32_t u = e->first_user + (uint32_t)simrng_below(&v->rng, e->n_users);
		bool dup = true;
		while (dup) { /* the next free one: want <= users, so it ends */
			dup = false;
			for (uint32_t i = 0; i < v->n_people && !dup; i++)
				dup = v->people[i] == u;
			if (dup)
				u = u + 1 < e->first_user + e->n_users ? u + 1 : e->first_user;
		}
		v->people[v->n_people++] = u;
	}
	return want;
}

/* Who pays a coin of value to owner: the owner itself when allowed and
 * able, else the first exchange (from a random one) that can. */
static struct sim_entity *funder(struct econ *e, struct sim_entity *o, uint64_t value,
				 bool self_ok)
{
	struct sim_variant *v = e->variant;
	if (self_ok && o->type == SIM_USER && econ_affordable(e, o, value, 1, 3))
		return o;
	uint32_t start = (uint32_t)simrng_below(&v->rng, e->n_exchanges);
	for (uint32_t t = 0; t < e->n_exchanges; t++) {
		struct sim_entity *x = &e->ent[e->first_exchange + (start + t) % e->n_exchanges];
		if (econ_affordable(e, x, value, 1, 20))
			return x;
	}
	return NULL;
}

/* The pool index of output vout of txid among owner's newest coins. */
static int64_t find_coin(const struct econ *e, const struct sim_entity *o,
			 const struct hash256 *txid, uint32_t vout)
{
	for (uint32_t k = o->coins.n; k-- > 0;) {
		const struct sim_utxo *u = &e->pool[o->coins.v[k]];
		if (u->vout == vout && hash256_eq(&u->txid, txid))
			return o->coins.v[k];
	}
	return -1;
}

int variant_fund(struct econ *e, uint32_t owner, uint8_t type, uint64_t value,
		 const struct simkey *to, const char *role, bool self_ok)
{
	struct sim_variant *v = e->variant;
	struct sim_entity *o = &e->ent[owner], *payer = funder(e, o, value, self_ok);
	struct sim_dest d = { owner, { 0 }, value, false };
	struct econ_paid paid;
	if (!payer)
		return 0;
	if (to)
		d.key = *to;
	else if (!econ_fresh_key_type(e, &d.key, o, role, type))
		return -1;
	struct econ_payment p = { .payer = payer, .dests = &d, .n_dests = 1,
				  .max_in = payer == o ? 3 : 20, .fee_from_dest = -1,
				  .change_key = payer == o ? NULL : &payer->hot };
	int r = econ_pay(e, &paid, &p);
	if (r <= 0) {
		e->why = r ? e->why : "internal: an affordable variant funding fell short";
		return -1;
	}
	int64_t c = find_coin(e, o, &paid.txid, econ_dest_vout(&paid, 0));
	if (c < 0 || v->n_in == VARIANT_MAX_IN) {
		e->why = "internal: a variant's coin went missing";
		return -1;
	}
	v->in[v->n_in] = (uint32_t)c;
	v->owner_of_in[v->n_in++] = owner;
	return 1;
}

bool variant_dest(struct econ *e, uint32_t owner, uint8_t type, uint64_t value,
		  const char *role)
{
	struct sim_variant *v = e->variant;
	struct sim_dest *d = &v->dests[v->n_dests];
	if (v->n_dests == VARIANT_MAX_OUT) {
		e->why = "internal: too many variant outputs";
		return false;
	}
	*d = (struct sim_dest){ owner, { 0 }, value, false };
	if (!econ_fresh_key_type(e, &d->key, &e->ent[owner], role, type))
		return false;
	v->n_dests++;
	return true;
}

void variant_shuffle(struct sim_variant *v)
{
	for (uint32_t i = v->n_in; i > 1; i--) {
		uint32_t j = (uint32_t)simrng_below(&v->rng, i), t = v->in[i - 1];
		uint32_t o = v->owner_of_in[i - 1];
		v->in[i - 1] = v->in[j], v->owner_of_in[i - 1] = v->owner_of_in[j];
		v->in[j] = t, v->owner_of_in[j] = o;
	}
	for (uint32_t i = v->n_dests; i > 1; i--) {
		uint32_t j = (uint32_t)simrng_below(&v->rng, i);
		struct sim_dest t = v->dests[i - 1];
		v->dests[i - 1] = v->dests[j], v->dests[j] = t;
	}
}

/* The inputs' distinct owners, ascending. */
static json_t *owners_json(const struct sim_variant *v)
{
	uint32_t o[VARIANT_MAX_IN], n = 0;
	json_t *a = json_array();
	for (uint32_t i = 0; i < v->n_in; i++) {
		uint32_t j = n, id = v->owner_of_in[i];
		bool dup = false;
		for (uint32_t k = 0; k < n; k++)
			dup |= o[k] == id;
		if (dup)
			continue;
		for (; j > 0 && o[j - 1] > id; j--)
			o[j] = o[j - 1];
		o[j] = id;
		n++;
	}
	for (uint32_t k = 0; k < n; k++)
		json_array_append_new(a, json_integer(o[k]));
	return a;
}

void variant_note(struct econ *e, enum variant_kind k, unsigned ti,
		  const struct hash256 *txid, uint64_t fee, uint64_t denom,
		  const uint64_t *values, uint32_t n_out)
{
	struct sim_variant *v = e->variant;
	uint32_t equal = 0;
	char hex[65];
	for (uint32_t i = 0; i < n_out; i++)
		equal += values[i] == denom;
	hash256_to_hex(hex, txid);
	mix_stream_row(&v->s, json_pack(
		"{s:s, s:I, s:s, s:s, s:b, s:o, s:I, s:I, s:I, s:I, s:I}", "txid", hex,
		"height", (json_int_t)e->chain.height, "variant", kind_names[k],
		"script_type", type_names[ti], "lookalike", k >= VARIANT_MIXES,
		"owners", owners_json(v), "denomination", (json_int_t)denom,
		"equal_outputs", (json_int_t)equal, "inputs", (json_int_t)v->n_in,
		"outputs", (json_int_t)n_out, "fee", (json_int_t)fee));
	v->count++;
	v->lookalikes += k >= VARIANT_MIXES;
}

bool variant_write(struct econ *e, enum variant_kind k, unsigned ti, uint64_t denom)
{
	struct sim_variant *v = e->variant;
	uint64_t values[VARIANT_MAX_OUT], fee;
	struct hash256 txid;
	int r = econ_pay_joint(e, &txid, &fee, v->in, v->n_in, v->dests, v->n_dests);
	if (r <= 0) {
		e->why = r ? e->why : "internal: a mix variant fell short of its fee";
		return false;
	}
	for (uint32_t i = 0; i < v->n_dests; i++)
		values[i] = v->dests[i].value;
	variant_note(e, k, ti, &txid, fee, denom, values, v->n_dests);
	return true;
}

/* Room for the variants' entities beyond what world_init made. */
static bool add_entities(struct econ *e)
{
	struct sim_variant *v = e->variant;
	char name[24];
	uint32_t extra = 1 + VARIANT_EMPLOYERS + VARIANT_AIRDROPS;
	struct sim_entity *p = realloc(e->ent, (e->n_ent + extra) * sizeof(*p));
	if (!p) {
		e->why = "out of memory";
		return false;
	}
	e->ent = p;
	v->coordinator = e->n_ent;
	if (!world_add_entity(e, SIM_COORDINATOR, "wasabi-coordinator", SCRIPT_P2WPKH))
		return false;
	v->first_employer = e->n_ent;
	for (uint32_t i = 0; i < VARIANT_EMPLOYERS; i++) {
		snprintf(name, sizeof(name), "employer-%u", i + 1);
		if (!world_add_entity(e, SIM_MERCHANT, name, SCRIPT_P2WPKH))
			return false;
	}
	v->first_airdrop = e->n_ent;
	for (uint32_t i = 0; i < VARIANT_AIRDROPS; i++) {
		snprintf(name, sizeof(name), "airdrop-%u", i + 1);
		if (!world_add_entity(e, SIM_MERCHANT, name, SCRIPT_P2WPKH))
			return false;
	}
	return true;
}

bool variant_init(struct econ *e)
{
	if (!e->opt.mix_variants)
		return true;
	struct sim_variant *v = calloc(1, sizeof(*v));
	if (!v) {
		e->why = "out of memory";
		return false;
	}
	e->variant = v;
	simrng_init(&v->rng, e->opt.seed, 5);
	return mix_stream_open(e, &v->s, "mix_variants") && add_entities(e);
}

bool variant_block(struct econ *e)
{
	struct sim_variant *v = e->variant;
	for (unsigned made = 0; v && made < VARIANT_PER_BLOCK;) {
		enum variant_kind k = (enum variant_kind)(v->cell % VARIANT_KINDS);
		unsigned ti = (unsigned)(v->cell / VARIANT_KINDS % VARIANT_TYPES);
		v->n_in = v->n_dests = v->n_people = 0;
		int r = k < VARIANT_MIXES ? variant_mix(e, k, ti) : variant_lookalike(e, k, ti);
		if (r < 0)
			return false;
		if (r == 0 && ++v->tries < VARIANT_MAX_TRIES)
			return true; /* again next block */
		v->cell++;
		v->tries = 0;
		made += (unsigned)r;
	}
	return true;
}

bool variant_truth(struct econ *e, FILE *f, const char **why)
{
	if (!e->variant)
		return true;
	return mix_stream_copy(e, &e->variant->s, f, why);
}

void variant_counts(const struct econ *e, uint64_t *all, uint64_t *lookalikes)
{
	*all = e->variant ? e->variant->count : 0;
	*lookalikes = e->variant ? e->variant->lookalikes : 0;
}

void variant_release(struct econ *e)
{
	if (!e->variant)
		return;
	mix_stream_close(&e->variant->s);
	free(e->variant);
	e->variant = NULL;
}
