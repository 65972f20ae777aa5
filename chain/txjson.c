/* JSON rendering of transactions and blocks. */
#include "proceeds/txjson.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/cursor.h"
#include "proceeds/hex.h"
#include "proceeds/script.h"

#include <stdlib.h>

uint32_t tx_weight(const struct tx *tx)
{
	return tx->base_len * 3 + tx->raw_len;
}

static json_t *hex_json(const uint8_t *p, size_t len)
{
	char *buf = malloc(2 * len + 1);
	json_t *j;
	if (!buf)
		return NULL;
	hex_encode(buf, p, len);
	j = json_string(buf);
	free(buf);
	return j;
}

static json_t *hash_json(const struct hash256 *h)
{
	char hex[65];
	hash256_to_hex(hex, h);
	return json_string(hex);
}

static json_t *witness_json(const struct tx_in *in)
{
	json_t *arr = json_array();
	struct cursor c;
	uint64_t items;
	cursor_init(&c, in->witness, in->witness_len);
	if (!in->witness || !cursor_compact(&c, &items, in->witness_len))
		return arr;
	for (uint64_t i = 0; i < items; i++) {
		uint64_t l;
		const uint8_t *p;
		if (!cursor_compact(&c, &l, cursor_left(&c)) ||
		    !cursor_span(&c, &p, l))
			break;
		json_array_append_new(arr, hex_json(p, l));
	}
	return arr;
}

static json_t *input_json(const struct tx_in *in, bool coinbase)
{
	json_t *j = json_object();
	if (coinbase) {
		json_object_set_new(j, "coinbase", hex_json(in->script, in->script_len));
	} else {
		json_object_set_new(j, "txid", hash_json(&in->prev_txid));
		json_object_set_new(j, "vout", json_integer(in->prev_vout));
		json_object_set_new(j, "script_sig",
				    hex_json(in->script, in->script_len));
	}
	json_object_set_new(j, "sequence", json_integer(in->sequence));
	if (in->witness)
		json_object_set_new(j, "witness", witness_json(in));
	return j;
}

/* Core reads an output value as a signed CAmount: a serialized value above
 * INT64_MAX shows as negative there, and "value" (a JSON integer) is signed
 * too, so value_btc follows the same reading to agree with it. */
static json_t *value_btc_json(uint64_t sat)
{
	char btc[AMOUNT_STRLEN + 1];
	if (sat <= INT64_MAX)
		return json_string(amount_to_btc(btc, amount_sat(sat)));
	btc[0] = '-';
	amount_to_btc(btc + 1, amount_sat(0 - sat));
	return json_string(btc);
}

json_t *txjson_output(const struct tx_out *o, uint32_t n, enum network net)
{
	json_t *j = json_object();
	struct script_info si;
	char addr[ADDRESS_MAX];

	script_classify(&si, o->script, o->script_len);
	json_object_set_new(j, "n", json_integer(n));
	json_object_set_new(j, "value", json_integer((json_int_t)o->value));
	json_object_set_new(j, "value_btc", value_btc_json(o->value));
	if (!amount_in_range(amount_sat(o->value)))
		json_object_set_new(j, "value_out_of_range", json_true());
	json_object_set_new(j, "script_hex", hex_json(o->script, o->script_len));
	json_object_set_new(j, "type", json_string(script_type_name(si.type)));
	if (address_from_script(addr, net, o->script, o->script_len))
		json_object_set_new(j, "address", json_string(addr));
	if (si.type == SCRIPT_P2PK)
		json_object_set_new(j, "pubkey", hex_json(si.data, si.data_len));
	if (si.type == SCRIPT_MULTISIG) {
		json_t *keys = json_array();
		for (unsigned k = 0; k < si.n; k++) {
			const uint8_t *kp;
			size_t kl;
			if (script_multisig_key(&kp, &kl, o->script, o->script_len, k))
				json_array_append_new(keys, hex_json(kp, kl));
		}
		json_object_set_new(j, "required", json_integer(si.m));
		json_object_set_new(j, "keys", keys);
	}
	return j;
}

json_t *txjson_tx(const struct tx *tx, enum network net)
{
	json_t *j = json_object(), *ins = json_array(), *outs = json_array();
	struct hash256 wtxid;
	uint32_t w = tx_weight(tx);
	bool cb = tx_is_coinbase(tx);

	tx_wtxid(&wtxid, tx);
	json_object_set_new(j, "txid", hash_json(&tx->txid));
	json_object_set_new(j, "wtxid", hash_json(&wtxid));
	json_object_set_new(j, "version", json_integer(tx->version));
	json_object_set_new(j, "locktime", json_integer(tx->locktime));
	json_object_set_new(j, "size", json_integer(tx->raw_len));
	json_object_set_new(j, "vsize", json_integer((w + 3) / 4));
	json_object_set_new(j, "weight", json_integer(w));
	json_object_set_new(j, "segwit", json_boolean(tx->segwit));
	for (uint32_t i = 0; i < tx->n_in; i++)
		json_array_append_new(ins, input_json(&tx->in[i], cb));
	for (uint32_t i = 0; i < tx->n_out; i++)
		json_array_append_new(outs, txjson_output(&tx->out[i], i, net));
	json_object_set_new(j, "inputs", ins);
	json_object_set_new(j, "outputs", outs);
	return j;
}

const char *txjson_commitment_name(enum witness_commitment w)
{
	switch (w) {
	case WITNESS_COMMITMENT_NONE:
		return "none";
	case WITNESS_COMMITMENT_OK:
		return "ok";
	case WITNESS_COMMITMENT_MISSING:
		return "missing";
	case WITNESS_COMMITMENT_MISMATCH:
		return "mismatch";
	}
	return "?";
}

json_t *txjson_block(const struct block *b)
{
	json_t *j = json_object();
	const char *why;
	uint32_t height, weight = 80 * 4;
	char bits[9];

	for (uint32_t i = 0; i < b->n_tx; i++)
		weight += tx_weight(&b->txs[i]);
	weight += (uint32_t)compact_size(b->n_tx) * 4;
	snprintf(bits, sizeof(bits), "%08x", b->hdr.bits);
	json_object_set_new(j, "hash", hash_json(&b->hash));
	if (block_bip34_height(b, &height))
		json_object_set_new(j, "bip34_height", json_integer(height));
	json_object_set_new(j, "version", json_integer(b->hdr.version));
	json_object_set_new(j, "previousblockhash", hash_json(&b->hdr.prev));
	json_object_set_new(j, "merkleroot", hash_json(&b->hdr.merkle));
	json_object_set_new(j, "time", json_integer(b->hdr.time));
	json_object_set_new(j, "bits", json_string(bits));
	json_object_set_new(j, "nonce", json_integer(b->hdr.nonce));
	json_object_set_new(j, "size", json_integer((json_int_t)b->raw_len));
	json_object_set_new(j, "weight", json_integer(weight));
	json_object_set_new(j, "n_tx", json_integer(b->n_tx));
	json_object_set_new(j, "merkle_ok", json_boolean(block_check_merkle(b, &why)));
	json_object_set_new(j, "pow_ok",
			    json_boolean(block_header_check_pow(&b->hash, b->hdr.bits)));
	json_object_set_new(j, "witness_commitment",
			    json_string(txjson_commitment_name(
				    block_check_witness_commitment(b))));
	return j;
}
