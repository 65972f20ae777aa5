/* JSON views of index records (see index_json.h). */
#include "proceeds/index_json.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/hex.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"

#include <stdio.h>
#include <string.h>

static json_t *hash_json(const struct hash256 *h)
{
	char hex[65];
	hash256_to_hex(hex, h);
	return json_string(hex);
}

static json_t *btc_json(uint64_t sat)
{
	char btc[AMOUNT_STRLEN];
	return json_string(amount_to_btc(btc, amount_sat(sat)));
}

bool index_json_addr_name(struct store *st, char out[INDEX_ADDR_STRLEN],
			  enum network net, uint64_t addr, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	if (!idxq_addr_key(st, key, &kl, &found, addr, why))
		return false;
	if (!found)
		return (*why = "address id without record"), false;
	if (address_from_owner_key(out, net, key, kl))
		return true;
	strcpy(out, "script:");
	hex_encode(out + 7, key + 1, kl - 1 < 40 ? kl - 1 : 40);
	return true;
}

static bool txid_of(struct store *st, struct hash256 *txid, uint64_t txnum,
		    const char **why)
{
	struct idx_tx tx;
	bool found;
	if (!idxq_tx(st, &tx, &found, txnum, why))
		return false;
	if (!found)
		return (*why = "tx record missing"), false;
	*txid = tx.txid;
	idx_tx_release(&tx);
	return true;
}

/* Height, hash and time of the block at height into j. */
static bool block_ref(struct store *st, json_t *j, uint32_t height,
		      const char *prefix, const char **why)
{
	struct idx_block blk;
	bool found;
	char name[32];

	if (!idxq_block_at(st, &blk, &found, height, why))
		return false;
	if (!found)
		return (*why = "block record missing"), false;
	snprintf(name, sizeof(name), "%sheight", prefix);
	json_object_set_new(j, name, json_integer(height));
	snprintf(name, sizeof(name), "%sblock", prefix);
	json_object_set_new(j, name, hash_json(&blk.hash));
	snprintf(name, sizeof(name), "%stime", prefix);
	json_object_set_new(j, name, json_integer(blk.time));
	return true;
}

static json_t *spend_json(struct store *st, uint64_t txnum, uint32_t vout,
			  const char **why)
{
	struct idx_spend sp;
	struct hash256 txid;
	bool found;

	if (!idxq_spent(st, &sp, &found, txnum, vout, why))
		return NULL;
	if (!found)
		return json_null();
	if (!txid_of(st, &txid, sp.txnum, why))
		return NULL;
	json_t *j = json_object();
	json_object_set_new(j, "txid", hash_json(&txid));
	json_object_set_new(j, "vin", json_integer(sp.vin));
	if (!block_ref(st, j, sp.height, "", why)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

static json_t *output_json(struct store *st, enum network net,
			   const struct idx_tx *tx, uint32_t vout, const char **why)
{
	const struct idx_output *o = &tx->out[vout];
	char name[INDEX_ADDR_STRLEN];
	json_t *j = json_object(), *sp;

	if (!index_json_addr_name(st, name, net, o->addr, why) ||
	    !(sp = spend_json(st, tx->txnum, vout, why))) {
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "n", json_integer(vout));
	json_object_set_new(j, "value", json_integer((json_int_t)o->value));
	json_object_set_new(j, "value_btc", btc_json(o->value));
	json_object_set_new(j, "type", json_string(script_type_name((enum script_type)o->type)));
	json_object_set_new(j, "address", json_string(name));
	json_object_set_new(j, "spent_by", sp);
	return j;
}

static json_t *input_json(struct store *st, enum network net,
			  const struct idx_input *in, const char **why)
{
	char name[INDEX_ADDR_STRLEN];
	struct hash256 txid;
	json_t *j;

	if (!txid_of(st, &txid, in->prev_txnum, why) ||
	    !index_json_addr_name(st, name, net, in->addr, why))
		return NULL;
	j = json_object();
	json_object_set_new(j, "txid", hash_json(&txid));
	json_object_set_new(j, "vout", json_integer(in->prev_vout));
	json_object_set_new(j, "value", json_integer((json_int_t)in->value));
	json_object_set_new(j, "value_btc", btc_json(in->value));
	json_object_set_new(j, "address", json_string(name));
	return j;
}

static bool tx_io_json(struct store *st, enum network net, json_t *j,
		       const struct idx_tx *tx, const char **why)
{
	json_t *ins = json_array(), *outs = json_array(), *e;
	uint64_t in_sum = 0, out_sum = 0;

	json_object_set_new(j, "inputs", ins);
	json_object_set_new(j, "outputs", outs);
	for (uint32_t i = 0; !tx->coinbase && i < tx->n_in; i++) {
		if (!(e = input_json(st, net, &tx->in[i], why)))
			return false;
		json_array_append_new(ins, e);
		in_sum += tx->in[i].value;
	}
	for (uint32_t i = 0; i < tx->n_out; i++) {
		if (!(e = output_json(st, net, tx, i, why)))
			return false;
		json_array_append_new(outs, e);
		out_sum += tx->out[i].value;
	}
	json_object_set_new(j, "input_value", json_integer((json_int_t)in_sum));
	json_object_set_new(j, "output_value", json_integer((json_int_t)out_sum));
	if (!tx->coinbase && in_sum >= out_sum)
		json_object_set_new(j, "fee", json_integer((json_int_t)(in_sum - out_sum)));
	return true;
}

json_t *index_json_tx(struct store *st, enum network net,
		      const struct idx_tx *tx, const char **why)
{
	json_t *j = json_object();

	json_object_set_new(j, "txid", hash_json(&tx->txid));
	json_object_set_new(j, "txnum", json_integer((json_int_t)tx->txnum));
	if (!block_ref(st, j, tx->height, "", why))
		goto fail;
	json_object_set_new(j, "coinbase", json_boolean(tx->coinbase));
	json_object_set_new(j, "version", json_integer(tx->version));
	json_object_set_new(j, "locktime", json_integer(tx->locktime));
	json_object_set_new(j, "size", json_integer(tx->size));
	json_object_set_new(j, "weight", json_integer(tx->weight));
	json_object_set_new(j, "vsize", json_integer((tx->weight + 3) / 4));
	json_object_set_new(j, "segwit", json_boolean(tx->segwit));
	if (!tx_io_json(st, net, j, tx, why))
		goto fail;
	return j;
fail:
	json_decref(j);
	return NULL;
}

json_t *index_json_outpoint(struct store *st, enum network net,
			    const struct idx_tx *tx, uint32_t vout,
			    const char **why)
{
	json_t *j = output_json(st, net, tx, vout, why);
	if (!j)
		return NULL;
	json_object_set_new(j, "txid", hash_json(&tx->txid));
	json_object_set_new(j, "vout", json_integer(vout));
	json_object_del(j, "n");
	if (!block_ref(st, j, tx->height, "funded_", why)) {
		json_decref(j);
		return NULL;
	}
	return j;
}

json_t *index_json_block(struct store *st, const struct idx_block *blk,
			 const char **why)
{
	json_t *j = json_object(), *txs = json_array();
	char bits[9];
	struct hash256 txid;

	snprintf(bits, sizeof(bits), "%08x", blk->bits);
	json_object_set_new(j, "hash", hash_json(&blk->hash));
	json_object_set_new(j, "height", json_integer(blk->height));
	json_object_set_new(j, "version", json_integer(blk->version));
	json_object_set_new(j, "previousblockhash", hash_json(&blk->prev));
	json_object_set_new(j, "merkleroot", hash_json(&blk->merkle));
	json_object_set_new(j, "time", json_integer(blk->time));
	json_object_set_new(j, "bits", json_string(bits));
	json_object_set_new(j, "nonce", json_integer(blk->nonce));
	json_object_set_new(j, "size", json_integer(blk->size));
	json_object_set_new(j, "n_tx", json_integer(blk->n_tx));
	json_object_set_new(j, "tx", txs);
	for (uint32_t i = 0; i < blk->n_tx; i++) {
		if (!txid_of(st, &txid, blk->first_txnum + i, why)) {
			json_decref(j);
			return NULL;
		}
		json_array_append_new(txs, hash_json(&txid));
	}
	return j;
}

struct hist_ctx {
	struct store *st;
	json_t *arr;
	size_t max, n;
	const char *why;
};

static bool hist_add(void *ctx, const struct idxq_hist *h)
{
	struct hist_ctx *c = ctx;
	struct hash256 txid;
	json_t *e, *sp;

	if (c->n++ >= c->max)
		return false;
	if (!txid_of(c->st, &txid, h->txnum, &c->why) ||
	    !(sp = spend_json(c->st, h->txnum, h->vout, &c->why)))
		return false;
	e = json_object();
	json_object_set_new(e, "txid", hash_json(&txid));
	json_object_set_new(e, "vout", json_integer(h->vout));
	json_object_set_new(e, "value", json_integer((json_int_t)h->value));
	json_object_set_new(e, "value_btc", btc_json(h->value));
	json_object_set_new(e, "height", json_integer(h->height));
	json_object_set_new(e, "spent_by", sp);
	json_array_append_new(c->arr, e);
	return true;
}

static void summary_json(json_t *j, const struct idxq_addr_summary *s)
{
	json_object_set_new(j, "received", json_integer((json_int_t)s->received.sat));
	json_object_set_new(j, "received_btc", btc_json(s->received.sat));
	json_object_set_new(j, "sent", json_integer((json_int_t)s->sent.sat));
	json_object_set_new(j, "sent_btc", btc_json(s->sent.sat));
	json_object_set_new(j, "balance", json_integer((json_int_t)s->balance.sat));
	json_object_set_new(j, "balance_btc", btc_json(s->balance.sat));
	json_object_set_new(j, "outputs_received", json_integer((json_int_t)s->n_funded));
	json_object_set_new(j, "outputs_spent", json_integer((json_int_t)s->n_spent));
}

json_t *index_json_address(struct store *st, enum network net, uint64_t addr,
			   size_t max, const char **why)
{
	struct idxq_addr_summary s;
	struct hist_ctx c = { st, NULL, max, 0, NULL };
	json_t *j;

	if (!idxq_addr_summary(st, &s, addr, why))
		return NULL;
	j = json_object();
	summary_json(j, &s);
	if (s.seen && (!block_ref(st, j, s.first_height, "first_seen_", why) ||
		       !block_ref(st, j, s.last_height, "last_seen_", why))) {
		json_decref(j);
		return NULL;
	}
	c.arr = json_array();
	json_object_set_new(j, "history", c.arr);
	if (!idxq_history(st, addr, hist_add, &c, why) || c.why) {
		if (c.why)
			*why = c.why;
		json_decref(j);
		return NULL;
	}
	json_object_set_new(j, "truncated", json_boolean(c.n > max));
	return j;
}

const char *index_json_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

long long index_json_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}
