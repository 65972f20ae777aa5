/* Wallets, the live UTXO set and payments of the simulated economy
 * (simecon.h). */
#include "proceeds/simecon.h"
#include "proceeds/address.h"
#include "proceeds/sighash.h"
#include "proceeds/tx.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

const char *sim_entity_type_name(enum sim_entity_type t)
{
	switch (t) {
	case SIM_MINER: return "miner";
	case SIM_EXCHANGE: return "exchange";
	case SIM_MERCHANT: return "merchant";
	case SIM_USER: return "user";
	case SIM_CRIMINAL: return "criminal";
	case SIM_COORDINATOR: return "coordinator";
	}
	return "?";
}

void econ_address(const struct econ *e, char out[92], const struct simkey *k)
{
	uint8_t script[34];
	size_t n = simkey_script(script, k);
	bool ok = address_from_script(out, e->opt.net, script, n);
	assert(ok);
	(void)ok;
}

bool econ_fresh_key(struct econ *e, struct simkey *out, struct sim_entity *ent,
		    const char *role)
{
	uint32_t index;
	char addr[92];
	if (!simkeys_next(e->keys, &ent->kc, out->pub, &index, &e->why))
		return false;
	out->type = ent->script_type;
	out->index = index;
	/* --fast-sigs: a P2TR output pays the wallet key itself (its
	 * key-path spends are placeholders anyway), sparing the BIP86
	 * tweak's point multiplication, the costliest step per address. */
	if (out->type == SCRIPT_P2TR && !e->opt.fast_sigs &&
	    !simsign_taproot_output(e->sign, out->pub, out->pub)) {
		e->why = "taproot tweak failed";
		return false;
	}
	simkey_finish(out);
	econ_address(e, addr, out);
	simwriter_address(e->out, addr, ent->id, role);
	e->addresses++;
	return true;
}

bool econ_fresh_key_type(struct econ *e, struct simkey *out, struct sim_entity *ent,
			 const char *role, uint8_t type)
{
	uint8_t own = ent->script_type;
	ent->script_type = type;
	bool ok = econ_fresh_key(e, out, ent, role);
	ent->script_type = own;
	return ok;
}

bool econ_receive_key(struct econ *e, struct simkey *out, struct sim_entity *ent,
		      const char *role)
{
	if (ent->has_reuse && simrng_permille(&e->rng, ent->reuse_permille)) {
		*out = ent->reuse_key;
		e->reused++;
		return true;
	}
	if (!econ_fresh_key(e, out, ent, role))
		return false;
	ent->reuse_key = *out;
	ent->has_reuse = true;
	return true;
}

static bool ulist_push(struct sim_ulist *l, uint32_t v)
{
	if (l->n == l->cap) {
		uint32_t cap = l->cap ? l->cap * 2 : 8;
		uint32_t *p = realloc(l->v, cap * sizeof(*p));
		if (!p)
			return false;
		l->v = p;
		l->cap = cap;
	}
	l->v[l->n++] = v;
	return true;
}

bool econ_add_utxo(struct econ *e, const struct hash256 *txid, uint32_t vout,
		   const struct sim_dest *d, bool coinbase)
{
	uint32_t i;
	if (e->n_free) {
		i = e->free_slots[--e->n_free];
	} else {
		if (e->pool_n == e->pool_cap) {
			uint32_t cap = e->pool_cap ? e->pool_cap * 2 : 4096;
			struct sim_utxo *p = realloc(e->pool, (size_t)cap * sizeof(*p));
			if (!p)
				goto oom;
			e->pool = p;
			e->pool_cap = cap;
		}
		i = e->pool_n++;
	}
	if (e->opt.stats && !simstats_output(&e->stats, &d->key))
		goto oom;
	struct sim_utxo *u = &e->pool[i];
	struct sim_entity *ent = &e->ent[d->owner];
	u->txid = *txid, u->vout = vout, u->owner = d->owner, u->value = d->value;
	u->key = d->key, u->height = e->chain.height;
	u->coinbase = coinbase, u->pending = d->pending;
	struct sim_ulist *l = d->pending ? &ent->pending : &ent->coins;
	u->slot = l->n;
	if (!ulist_push(l, i))
		goto oom;
	if (!d->pending) {
		ent->balance += d->value;
		if (ent->type == SIM_USER && ent->balance == d->value &&
		    !ulist_push(&e->funded, ent->id))
			goto oom;
	}
	return true;
oom:
	e->why = "out of memory";
	return false;
}

uint32_t econ_coin_of(const struct econ *e, uint32_t owner, const struct hash256 *txid,
		      uint32_t vout)
{
	const struct sim_entity *u = &e->ent[owner];
	for (uint32_t k = 0; k < u->coins.n; k++) {
		const struct sim_utxo *c = &e->pool[u->coins.v[k]];
		if (c->vout == vout && hash256_eq(&c->txid, txid))
			return u->coins.v[k];
	}
	return UINT32_MAX;
}

/* Removes pool entry i from its owner's list and frees the slot. */
static bool remove_utxo(struct econ *e, uint32_t i)
{
	struct sim_utxo *u = &e->pool[i];
	struct sim_entity *ent = &e->ent[u->owner];
	struct sim_ulist *l = u->pending ? &ent->pending : &ent->coins;
	assert(u->slot < l->n && l->v[u->slot] == i);
	uint32_t last = l->v[--l->n];
	l->v[u->slot] = last;
	e->pool[last].slot = u->slot;
	if (!u->pending)
		ent->balance -= u->value;
	if (e->n_free == e->cap_free) {
		uint32_t cap = e->cap_free ? e->cap_free * 2 : 1024;
		uint32_t *p = realloc(e->free_slots, cap * sizeof(*p));
		if (!p) {
			e->why = "out of memory";
			return false;
		}
		e->free_slots = p;
		e->cap_free = cap;
	}
	e->free_slots[e->n_free++] = i;
	return true;
}

uint64_t econ_fiat(const struct econ *e, uint64_t cents)
{
	return (uint64_t)((unsigned __int128)cents * 100000000u / e->price_cents);
}

uint64_t econ_need(const struct econ *e, uint64_t sum, uint32_t n_dests,
		   uint32_t n_in)
{
	/* 150 vB bounds any input we make (P2PKH with a 72-byte DER), 43 any
	 * output, plus 12 of overhead and room for a change output. */
	return sum + e->feerate * (12 + 150 * (uint64_t)n_in + 43 * (n_dests + 1));
}

static bool spendable(const struct econ *e, const struct sim_utxo *u)
{
	return !u->coinbase || u->height + 100 <= e->chain.height;
}

/* Chooses coins of the payer for need satoshis: one random coin that
 * covers it if a few tries find one, else the largest coins. Returns the
 * count chosen into out (0 when they cannot cover need). */
static uint32_t select_coins(struct econ *e, uint32_t *out, uint64_t *total,
			     const struct sim_entity *w, uint64_t sum,
			     uint32_t n_dests, uint32_t max_in)
{
	uint32_t n = 0;
	*total = 0;
	if (w->coins.n == 0)
		return 0;
	for (int t = 0; t < 8; t++) {
		uint32_t i = w->coins.v[simrng_below(&e->rng, w->coins.n)];
		if (e->pool[i].value >= econ_need(e, sum, n_dests, 1) &&
		    spendable(e, &e->pool[i])) {
			out[0] = i;
			*total = e->pool[i].value;
			return 1;
		}
	}
	while (n < max_in && *total < econ_need(e, sum, n_dests, n ? n : 1)) {
		uint32_t best = UINT32_MAX;
		for (uint32_t k = 0; k < w->coins.n; k++) {
			uint32_t i = w->coins.v[k];
			bool used = false;
			for (uint32_t j = 0; j < n && !used; j++)
				used = out[j] == i;
			if (!used && spendable(e, &e->pool[i]) &&
			    (best == UINT32_MAX || e->pool[i].value > e->pool[best].value))
				best = i;
		}
		if (best == UINT32_MAX)
			break;
		out[n++] = best;
		*total += e->pool[best].value;
	}
	return *total >= econ_need(e, sum, n_dests, n ? n : 1) ? n : 0;
}

bool econ_affordable(const struct econ *e, const struct sim_entity *w,
		     uint64_t sum, uint32_t n_dests, uint32_t max_in)
{
	uint64_t top[64] = { 0 }, total = 0, one = econ_need(e, sum, n_dests, 1);
	if (max_in > 64)
		max_in = 64;
	if (w->balance < sum)
		return false;
	for (uint32_t k = 0; k < w->coins.n; k++) {
		const struct sim_utxo *u = &e->pool[w->coins.v[k]];
		/* Coin selection takes the largest coin first: one that covers
		 * the payment alone settles it. */
		if (u->value >= one && spendable(e, u))
			return true;
		if (!spendable(e, u) || u->value <= top[max_in - 1])
			continue;
		uint32_t j = max_in - 1;
		for (; j > 0 && top[j - 1] < u->value; j--)
			top[j] = top[j - 1];
		top[j] = u->value;
	}
	for (uint32_t j = 0; j < max_in; j++)
		total += top[j];
	return total >= econ_need(e, sum, n_dests, max_in);
}

static void fill_inputs(struct econ *e, const uint32_t *in, uint32_t n,
			const struct sim_entity *w)
{
	struct simtx *tx = e->tx;
	tx->n_in = n;
	for (uint32_t k = 0; k < n; k++) {
		const struct sim_utxo *u = &e->pool[in[k]];
		struct simtx_in *ti = &tx->in[k];
		const struct simkeychain *kc = &e->ent[u->owner].kc;
		ti->txid = u->txid;
		ti->vout = u->vout;
		ti->key = u->key;
		if (e->opt.fast_sigs) {
			ti->sig = u->key.type == SCRIPT_P2TR ? kc->schnorr : kc->ecdsa_der;
			ti->sig_len = u->key.type == SCRIPT_P2TR ? 64 : kc->ecdsa_len;
		} else {
			/* Sized as the largest low-S DER signature until signed:
			 * the fee is set from this (as wallets estimate). */
			static const uint8_t blank[72];
			ti->sig = blank;
			ti->sig_len = u->key.type == SCRIPT_P2TR ? 64 : 71;
		}
	}
	tx->locktime = w->locktime_style ? e->chain.height - 1 : 0;
	tx->sequence = w->locktime_style ? 0xfffffffdu : 0xffffffffu;
}

/* Lays out outputs: dests in order with the change (if any) at change_vout. */
static void fill_outputs(struct econ *e, const struct econ_payment *p,
			 int change_vout, const struct simkey *change, uint64_t cv)
{
	struct simtx *tx = e->tx;
	uint32_t o = 0;
	for (uint32_t i = 0; i <= p->n_dests; i++) {
		if ((int)i == change_vout) {
			tx->out[o].value = cv;
			tx->out[o].script_len = (uint8_t)simkey_script(tx->out[o].script, change);
			o++;
		}
		if (i < p->n_dests) {
			tx->out[o].value = p->dests[i].value;
			tx->out[o].script_len =
				(uint8_t)simkey_script(tx->out[o].script, &p->dests[i].key);
			o++;
		}
	}
	if (p->op_return) {
		tx->out[o].value = 0;
		memcpy(tx->out[o].script, p->op_return, p->op_return_len);
		tx->out[o++].script_len = p->op_return_len;
	}
	tx->n_out = o;
}

static uint64_t dest_sum(const struct econ_payment *p)
{
	uint64_t s = 0;
	for (uint32_t i = 0; i < p->n_dests; i++)
		s += p->dests[i].value;
	return s;
}

/* Books the written transaction: spends inputs, adds outputs. */
static bool book(struct econ *e, const struct econ_payment *p,
		 const struct econ_paid *paid, const uint32_t *in,
		 const struct simkey *change)
{
	for (uint32_t k = 0; k < paid->n_in; k++)
		if (!remove_utxo(e, in[k]))
			return false;
	for (uint32_t i = 0; i < p->n_dests; i++) {
		struct sim_dest d = p->dests[i];
		d.value = e->tx->out[econ_dest_vout(paid, i)].value;
		if (!econ_add_utxo(e, &paid->txid, econ_dest_vout(paid, i), &d, false))
			return false;
	}
	if (paid->change_vout >= 0) {
		struct sim_dest d = { p->payer->id, *change, paid->change, false };
		if (!econ_add_utxo(e, &paid->txid, (uint32_t)paid->change_vout, &d, false))
			return false;
	}
	for (uint32_t o = 0; o < e->tx->n_out; o++) {
		struct script_info si;
		script_classify(&si, e->tx->out[o].script, e->tx->out[o].script_len);
		e->script_count[si.type]++;
	}
	e->txs++;
	e->inputs += paid->n_in;
	e->outputs += e->tx->n_out;
	e->fees_total += paid->fee;
	return true;
}

/* Sets fee and change for the inputs chosen; false when they fall short. */
static bool settle(struct econ *e, struct econ_paid *paid,
		   const struct econ_payment *p, uint64_t total_in, int cpos,
		   const struct simkey *change)
{
	uint64_t sum = dest_sum(p), fee;
	fill_outputs(e, p, cpos, change, 0);
	fee = e->feerate * simtx_vsize(e->tx);
	if (p->fee_from_dest >= 0) {
		uint64_t *v = &e->tx->out[p->fee_from_dest].value;
		if (total_in != sum || *v < fee + SIM_DUST)
			return false;
		*v -= fee;
	} else if (total_in < sum + fee) {
		return false;
	}
	paid->change = cpos >= 0 ? total_in - sum - fee : 0;
	if (cpos >= 0 && paid->change < SIM_DUST + e->feerate * 40) {
		fill_outputs(e, p, -1, change, 0);
		cpos = -1;
		paid->change = 0;
	}
	if (cpos >= 0)
		e->tx->out[cpos].value = paid->change;
	paid->change_vout = cpos;
	paid->fee = total_in - sum - paid->change +
		    (p->fee_from_dest >= 0 ? fee : 0);
	return true;
}

/* A wallet that reuses its receive address (a single-address wallet, as
 * many were) sends change back to the address its first input came from
 * as often as it receives on one address: BitMEX Research found most
 * reuse to be such change (docs/simulate.md). */
static const struct simkey *reused_change(struct econ *e, const struct econ_payment *p,
					  const uint32_t *in)
{
	const struct sim_entity *w = p->payer;
	if (p->change_key || p->change_role || !w->reuse_permille ||
	    !simrng_permille(&e->rng, w->reuse_permille))
		return p->change_key;
	return &e->pool[in[0]].key;
}

int econ_pay(struct econ *e, struct econ_paid *paid, const struct econ_payment *p)
{
	static uint32_t chosen[SIMTX_MAX_IN];
	const uint32_t *in = p->in;
	/* econ_need's bound has no room for an OP_RETURN output: its vbytes
	 * are added to what the coins must cover. */
	uint64_t total = 0, need = dest_sum(p) +
		(p->op_return ? e->feerate * (9u + p->op_return_len) : 0);
	struct simkey change;
	uint32_t n_in = p->n_in;

	memset(&change, 0, sizeof(change));
	int cpos = -1;
	const struct simkey *ck = NULL;

	if (!in) {
		n_in = select_coins(e, chosen, &total, p->payer, need, p->n_dests,
				    p->max_in);
		if (n_in == 0)
			return 0;
		in = chosen;
	} else {
		for (uint32_t k = 0; k < n_in; k++)
			total += e->pool[in[k]].value;
	}
	fill_inputs(e, in, n_in, p->payer);
	if (!p->no_change && p->fee_from_dest < 0) {
		cpos = (int)simrng_below(&e->rng, p->n_dests + 1);
		/* Same type (and so size) as the fresh key made once it is kept. */
		memset(&change, 0, sizeof(change));
		change.type = p->payer->script_type;
		if ((ck = reused_change(e, p, in)))
			change = *ck;
	}
	if (!settle(e, paid, p, total, cpos, &change))
		return 0;
	e->reused += paid->change_vout >= 0 && ck && ck != p->change_key;
	if (paid->change_vout >= 0 && !ck &&
	    !econ_fresh_key(e, &change, p->payer,
			    p->change_role ? p->change_role : "change"))
		return -1;
	if (paid->change_vout >= 0)
		simkey_script(e->tx->out[paid->change_vout].script, &change);
	paid->n_in = n_in;
	if (!econ_write_tx(e, &paid->txid, in, paid->fee) ||
	    !book(e, p, paid, in, &change))
		return -1;
	return 1;
}

/* Scratch for the sighashes of one transaction. */
struct sim_signer {
	struct tx_in ins[SIMTX_MAX_IN];
	struct tx_out outs[SIMTX_MAX_OUT];
	struct sighash_spent spent[SIMTX_MAX_IN];
	uint8_t scripts[SIMTX_MAX_IN][34];
	struct simsig_job jobs[SIMTX_MAX_IN];
};

/* The job of input k: its key's secret and the sighash it signs. */
static bool input_job(struct econ *e, struct simsig_job *j, const struct tx *view,
		      const struct sighash_cache *c, uint32_t k, const struct sim_utxo *u)
{
	struct sim_signer *s = e->signer;
	uint8_t code[25];
	const struct simkeychain *kc = &e->ent[u->owner].kc;
	memset(j, 0, sizeof(*j));
	memcpy(j->pub, u->key.pub, 33);
	if (!simkeys_seckey(e->keys, kc, u->key.index, j->sec))
		return false;
	switch ((enum script_type)u->key.type) {
	case SCRIPT_P2PKH:
		return sighash_legacy(j->msg, view, k, s->spent[k].script,
				      s->spent[k].script_len, SIGHASH_ALL, &e->why);
	case SCRIPT_P2SH: case SCRIPT_P2WPKH:
		sighash_p2wpkh_code(code, u->key.h160);
		return sighash_segwit_v0(j->msg, c, view, k, code, 25, u->value,
					 SIGHASH_ALL, &e->why);
	case SCRIPT_P2TR:
		j->taproot = 1;
		return sighash_taproot(j->msg, c, view, k, s->spent, SIGHASH_DEFAULT,
				       NULL, 0, &e->why);
	case SCRIPT_NONSTANDARD: case SCRIPT_P2PK: case SCRIPT_P2WSH:
	case SCRIPT_WITNESS_UNKNOWN: case SCRIPT_MULTISIG: case SCRIPT_OP_RETURN:
		break;
	}
	e->why = "internal: input of an unsupported type";
	return false;
}

/* Signs now (a P2PKH input puts its signature in the txid) or queues the
 * witnesses for the signing threads. */
static bool sign_and_add(struct econ *e, struct hash256 *txid, uint64_t fee,
			 bool legacy)
{
	struct sim_signer *s = e->signer;
	struct simtx *tx = e->tx;
	uint32_t first = simsign_count(e->sign), idx;
	for (uint32_t k = 0; k < tx->n_in; k++) {
		if (legacy) {
			if (!simsign_now(e->sign, &s->jobs[k]))
				goto fail;
			tx->in[k].sig = s->jobs[k].sig;
			tx->in[k].sig_len = s->jobs[k].sig_len;
		} else if (!simsign_push(e->sign, &s->jobs[k], &idx)) {
			e->why = "too many signatures in one block";
			return false;
		}
	}
	if (legacy)
		return simchain_add_tx(&e->chain, txid, tx, fee, &e->why);
	return simchain_add_deferred(&e->chain, txid, tx, fee, first, &e->why);
fail:
	e->why = "signing failed";
	return false;
}

/* The undo entry of the transaction (--rev): the coins it spends. */
static bool undo_entry(struct econ *e, const uint32_t *in)
{
	uint8_t script[34];
	if (!simchain_undo_tx(&e->chain, e->tx->n_in))
		return false;
	for (uint32_t k = 0; k < e->tx->n_in; k++) {
		const struct sim_utxo *u = &e->pool[in[k]];
		size_t n = simkey_script(script, &u->key);
		/* A coinbase is booked once its block is written, with the
		 * next height (the economy's maturity counts from there). */
		uint32_t h = u->coinbase ? u->height - 1 : u->height;
		if (!simchain_undo_coin(&e->chain, u->value, h, u->coinbase, script, n))
			return false;
	}
	return true;
}

bool econ_write_tx(struct econ *e, struct hash256 *txid, const uint32_t *in,
		   uint64_t fee)
{
	struct sim_signer *s = e->signer;
	struct sighash_cache c;
	struct tx view;
	bool legacy = false;

	if (e->opt.rev && !undo_entry(e, in)) {
		e->why = "out of memory";
		return false;
	}
	if (e->opt.fast_sigs)
		return simchain_add_tx(&e->chain, txid, e->tx, fee, &e->why);
	simtx_view(&view, s->ins, s->outs, e->tx);
	for (uint32_t k = 0; k < e->tx->n_in; k++) {
		const struct sim_utxo *u = &e->pool[in[k]];
		s->spent[k].value = u->value;
		s->spent[k].script = s->scripts[k];
		s->spent[k].script_len = simkey_script(s->scripts[k], &u->key);
		legacy |= u->key.type == SCRIPT_P2PKH;
	}
	if (!sighash_cache_init(&c, &view, s->spent, &e->why))
		return false;
	for (uint32_t k = 0; k < e->tx->n_in; k++)
		if (!input_job(e, &s->jobs[k], &view, &c, k, &e->pool[in[k]]))
			return false;
	return sign_and_add(e, txid, fee, legacy);
}

bool econ_sign_init(struct econ *e)
{
	e->signer = malloc(sizeof(*e->signer));
	/* A block holds at most ~17,400 inputs (57.5 vB each). */
	e->sign = simsign_new(e->opt.fast_sigs ? 0 : e->opt.threads, 32768);
	return e->signer && e->sign;
}

void econ_sign_release(struct econ *e)
{
	free(e->signer);
	simsign_free(e->sign);
	e->signer = NULL;
	e->sign = NULL;
}

int econ_pay_joint(struct econ *e, struct hash256 *txid, uint64_t *fee,
		   const uint32_t *in, uint32_t n_in, const struct sim_dest *dests,
		   uint32_t n_dests)
{
	struct econ_payment p = { .payer = &e->ent[e->pool[in[0]].owner],
				  .dests = dests, .n_dests = n_dests };
	struct econ_paid paid = { .change_vout = -1, .n_in = n_in };
	uint64_t total = 0;
	for (uint32_t k = 0; k < n_in; k++)
		total += e->pool[in[k]].value;
	fill_inputs(e, in, n_in, p.payer);
	e->tx->locktime = 0;
	e->tx->sequence = 0xffffffffu;
	fill_outputs(e, &p, -1, NULL, 0);
	uint64_t sum = dest_sum(&p);
	if (total < sum || total - sum < e->feerate * simtx_vsize(e->tx))
		return 0;
	paid.fee = *fee = total - sum;
	if (!econ_write_tx(e, &paid.txid, in, paid.fee) || !book(e, &p, &paid, in, NULL))
		return -1;
	*txid = paid.txid;
	return 1;
}
