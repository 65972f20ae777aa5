/* Transaction building and serialization for the simulator (simtx.h). */
#include "proceeds/simtx.h"
#include "proceeds/cursor.h"
#include "proceeds/tx.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

void simbuf_init(struct simbuf *b)
{
	b->p = NULL;
	b->len = b->cap = 0;
}

void simbuf_release(struct simbuf *b)
{
	free(b->p);
	simbuf_init(b);
}

bool simbuf_put(struct simbuf *b, const void *data, size_t n)
{
	if (b->len + n > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		while (cap < b->len + n)
			cap *= 2;
		uint8_t *p = realloc(b->p, cap);
		if (!p)
			return false;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	return true;
}

void simkey_finish(struct simkey *k)
{
	if (k->type != SCRIPT_P2TR)
		hash_hash160(k->h160, k->pub, 33);
}

size_t simkey_script(uint8_t out[34], const struct simkey *k)
{
	uint8_t redeem[22];
	switch ((enum script_type)k->type) {
	case SCRIPT_P2PKH:
		out[0] = 0x76, out[1] = 0xa9, out[2] = 0x14;
		memcpy(out + 3, k->h160, 20);
		out[23] = 0x88, out[24] = 0xac;
		return 25;
	case SCRIPT_P2SH:
		redeem[0] = 0x00, redeem[1] = 0x14;
		memcpy(redeem + 2, k->h160, 20);
		out[0] = 0xa9, out[1] = 0x14;
		hash_hash160(out + 2, redeem, 22);
		out[22] = 0x87;
		return 23;
	case SCRIPT_P2WPKH:
		out[0] = 0x00, out[1] = 0x14;
		memcpy(out + 2, k->h160, 20);
		return 22;
	case SCRIPT_P2TR:
		out[0] = 0x51, out[1] = 0x20;
		memcpy(out + 2, k->pub + 1, 32);
		return 34;
	case SCRIPT_NONSTANDARD: case SCRIPT_P2PK: case SCRIPT_P2WSH:
	case SCRIPT_WITNESS_UNKNOWN: case SCRIPT_MULTISIG: case SCRIPT_OP_RETURN:
		break;
	}
	assert(!"simkey_script: unsupported key type");
	return 0;
}

bool simtx_in_is_witness(const struct simtx_in *in)
{
	return in->key.type != SCRIPT_P2PKH;
}

/* scriptSig bytes of an input (P2PKH: sig+hashtype and key; P2SH-P2WPKH:
 * the redeem script push); returns its length (<= 110). */
static size_t script_sig(uint8_t out[110], const struct simtx_in *in)
{
	size_t n = 0;
	if (in->key.type == SCRIPT_P2PKH) {
		out[n++] = (uint8_t)(in->sig_len + 1);
		memcpy(out + n, in->sig, in->sig_len);
		n += in->sig_len;
		out[n++] = 0x01; /* SIGHASH_ALL */
		out[n++] = 33;
		memcpy(out + n, in->key.pub, 33);
		return n + 33;
	}
	if (in->key.type == SCRIPT_P2SH) {
		out[n++] = 22;
		out[n++] = 0x00;
		out[n++] = 0x14;
		memcpy(out + n, in->key.h160, 20);
		return n + 20;
	}
	return 0;
}

size_t simtx_in_witness(uint8_t out[110], const struct simtx_in *in)
{
	size_t n = 0;
	if (in->key.type == SCRIPT_P2TR) {
		/* Key path, SIGHASH_DEFAULT: a bare 64-byte signature. */
		out[n++] = 1;
		out[n++] = 64;
		memcpy(out + n, in->sig, 64);
		return n + 64;
	}
	out[n++] = 2;
	out[n++] = (uint8_t)(in->sig_len + 1);
	memcpy(out + n, in->sig, in->sig_len);
	n += in->sig_len;
	out[n++] = 0x01;
	out[n++] = 33;
	memcpy(out + n, in->key.pub, 33);
	return n + 33;
}

static bool any_witness(const struct simtx *tx)
{
	for (uint32_t i = 0; i < tx->n_in; i++)
		if (simtx_in_is_witness(&tx->in[i]))
			return true;
	return false;
}

uint64_t simtx_weight(const struct simtx *tx)
{
	uint8_t tmp[110];
	uint64_t base = 4 + compact_size(tx->n_in) + compact_size(tx->n_out) + 4;
	uint64_t wit = 0;
	for (uint32_t i = 0; i < tx->n_in; i++) {
		size_t s = script_sig(tmp, &tx->in[i]);
		base += 32 + 4 + compact_size(s) + s + 4;
		wit += simtx_in_is_witness(&tx->in[i]) ? simtx_in_witness(tmp, &tx->in[i]) : 1;
	}
	for (uint32_t o = 0; o < tx->n_out; o++)
		base += 8 + 1 + tx->out[o].script_len;
	if (!any_witness(tx))
		return base * 4;
	return base * 4 + 2 + wit;
}

uint64_t simtx_vsize(const struct simtx *tx)
{
	return (simtx_weight(tx) + 3) / 4;
}

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* Inputs and outputs region: the part of the txid between version and
 * locktime. */
static bool put_io(struct simbuf *buf, const struct simtx *tx)
{
	uint8_t tmp[200];
	size_t n = compact_write(tmp, tx->n_in);
	bool ok = simbuf_put(buf, tmp, n);
	for (uint32_t i = 0; i < tx->n_in && ok; i++) {
		const struct simtx_in *in = &tx->in[i];
		uint8_t ss[110];
		size_t sl = script_sig(ss, in);
		memcpy(tmp, in->txid.b, 32);
		put_u32(tmp + 32, in->vout);
		n = 36 + compact_write(tmp + 36, sl);
		memcpy(tmp + n, ss, sl);
		n += sl;
		put_u32(tmp + n, tx->sequence);
		ok = simbuf_put(buf, tmp, n + 4);
	}
	n = compact_write(tmp, tx->n_out);
	ok = ok && simbuf_put(buf, tmp, n);
	for (uint32_t o = 0; o < tx->n_out && ok; o++) {
		const struct simtx_out *out = &tx->out[o];
		for (int i = 0; i < 8; i++)
			tmp[i] = (uint8_t)(out->value >> (8 * i));
		tmp[8] = out->script_len;
		memcpy(tmp + 9, out->script, out->script_len);
		ok = simbuf_put(buf, tmp, 9u + out->script_len);
	}
	return ok;
}

static bool put_witnesses(struct simbuf *buf, const struct simtx *tx)
{
	uint8_t tmp[110];
	bool ok = true;
	for (uint32_t i = 0; i < tx->n_in && ok; i++) {
		if (simtx_in_is_witness(&tx->in[i])) {
			ok = simbuf_put(buf, tmp, simtx_in_witness(tmp, &tx->in[i]));
		} else {
			tmp[0] = 0;
			ok = simbuf_put(buf, tmp, 1);
		}
	}
	return ok;
}

bool simtx_serialize(struct simbuf *buf, struct hash256 *txid,
		     struct hash256 *wtxid, const struct simtx *tx)
{
	static const uint8_t marker[2] = { 0x00, 0x01 };
	uint8_t ver[4], lock[4];
	size_t start = buf->len, io_start, io_end;
	bool seg = any_witness(tx);
	struct hash_sha256d_ctx h;

	put_u32(ver, 2);
	put_u32(lock, tx->locktime);
	if (!simbuf_put(buf, ver, 4) || (seg && !simbuf_put(buf, marker, 2)))
		return false;
	io_start = buf->len;
	if (!put_io(buf, tx))
		return false;
	io_end = buf->len;
	if ((seg && !put_witnesses(buf, tx)) || !simbuf_put(buf, lock, 4))
		return false;
	hash_sha256d_begin(&h);
	hash_sha256d_update(&h, ver, 4);
	hash_sha256d_update(&h, buf->p + io_start, io_end - io_start);
	hash_sha256d_update(&h, lock, 4);
	hash_sha256d_end(&h, txid);
	if (seg)
		hash_sha256d(wtxid, buf->p + start, buf->len - start);
	else
		*wtxid = *txid;
	return true;
}

bool simtx_serialize_base(struct simbuf *buf, struct hash256 *txid,
			  const struct simtx *tx)
{
	uint8_t ver[4], lock[4];
	size_t start = buf->len;
	put_u32(ver, 2);
	put_u32(lock, tx->locktime);
	if (!simbuf_put(buf, ver, 4) || !put_io(buf, tx) || !simbuf_put(buf, lock, 4))
		return false;
	hash_sha256d(txid, buf->p + start, buf->len - start);
	return true;
}

void simtx_view(struct tx *view, struct tx_in *ins, struct tx_out *outs,
		const struct simtx *tx)
{
	memset(view, 0, sizeof(*view));
	view->version = 2;
	view->locktime = tx->locktime;
	view->n_in = tx->n_in;
	view->n_out = tx->n_out;
	view->in = ins;
	view->out = outs;
	for (uint32_t i = 0; i < tx->n_in; i++) {
		memset(&ins[i], 0, sizeof(ins[i]));
		ins[i].prev_txid = tx->in[i].txid;
		ins[i].prev_vout = tx->in[i].vout;
		ins[i].sequence = tx->sequence;
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		outs[o].value = tx->out[o].value;
		outs[o].script = tx->out[o].script;
		outs[o].script_len = tx->out[o].script_len;
	}
}
