/* Legacy, BIP143 and BIP341 key-path signature hashes (sighash.h). */
#include "proceeds/sighash.h"
#include "proceeds/cursor.h"
#include "proceeds/hash.h"

#include <stdlib.h>
#include <string.h>

static void put_u32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* value || compact(len) || script; returns bytes written. */
static size_t put_txout(uint8_t *p, uint64_t value, const uint8_t *s, size_t len)
{
	put_u64(p, value);
	size_t n = 8 + compact_write(p + 8, len);
	memcpy(p + n, s, len);
	return n + len;
}

static size_t outputs_size(const struct tx *tx)
{
	size_t n = 0;
	for (uint32_t o = 0; o < tx->n_out; o++)
		n += 8 + compact_size(tx->out[o].script_len) + tx->out[o].script_len;
	return n;
}

static void sha_twice(uint8_t d[32], const uint8_t s[32])
{
	hash_sha256(d, s, 32);
}

/* The hashes over outputs and spent outputs (BIP341's shaAmounts,
 * shaScriptPubkeys). buf is large enough for either. */
static void cache_spent(struct sighash_cache *c, const struct tx *tx,
			const struct sighash_spent *spent, uint8_t *buf)
{
	size_t n = 0;
	for (uint32_t i = 0; i < tx->n_in; i++)
		put_u64(buf + 8 * i, spent[i].value);
	hash_sha256(c->amounts, buf, 8 * (size_t)tx->n_in);
	for (uint32_t i = 0; i < tx->n_in; i++) {
		n += compact_write(buf + n, spent[i].script_len);
		memcpy(buf + n, spent[i].script, spent[i].script_len);
		n += spent[i].script_len;
	}
	hash_sha256(c->scripts, buf, n);
	c->have_spent = true;
}

bool sighash_cache_init(struct sighash_cache *c, const struct tx *tx,
			const struct sighash_spent *spent, const char **why)
{
	size_t need = 36 * (size_t)tx->n_in + outputs_size(tx), n = 0;
	if (spent)
		for (uint32_t i = 0; i < tx->n_in; i++)
			n += 9 + 9 + spent[i].script_len;
	uint8_t *buf = malloc(need > n ? need : n ? n : 1);
	if (!buf) {
		*why = "out of memory";
		return false;
	}
	memset(c, 0, sizeof(*c));
	for (uint32_t i = 0; i < tx->n_in; i++) {
		memcpy(buf + 36 * i, tx->in[i].prev_txid.b, 32);
		put_u32(buf + 36 * i + 32, tx->in[i].prev_vout);
	}
	hash_sha256(c->prevouts, buf, 36 * (size_t)tx->n_in);
	for (uint32_t i = 0; i < tx->n_in; i++)
		put_u32(buf + 4 * i, tx->in[i].sequence);
	hash_sha256(c->sequences, buf, 4 * (size_t)tx->n_in);
	n = 0;
	for (uint32_t o = 0; o < tx->n_out; o++)
		n += put_txout(buf + n, tx->out[o].value, tx->out[o].script,
			       tx->out[o].script_len);
	hash_sha256(c->outputs, buf, n);
	sha_twice(c->prevouts_d, c->prevouts);
	sha_twice(c->sequences_d, c->sequences);
	sha_twice(c->outputs_d, c->outputs);
	if (spent)
		cache_spent(c, tx, spent, buf);
	free(buf);
	return true;
}

/* Streams one input of the legacy modified transaction. */
static void legacy_input(struct hash_sha256d_ctx *h, const struct tx *tx,
			 uint32_t i, bool signing, const uint8_t *code,
			 size_t code_len, uint32_t base)
{
	uint8_t b[36 + 9];
	memcpy(b, tx->in[i].prev_txid.b, 32);
	put_u32(b + 32, tx->in[i].prev_vout);
	size_t n = 36 + compact_write(b + 36, signing ? code_len : 0);
	hash_sha256d_update(h, b, n);
	if (signing)
		hash_sha256d_update(h, code, code_len);
	put_u32(b, !signing && (base == SIGHASH_NONE || base == SIGHASH_SINGLE)
			   ? 0 : tx->in[i].sequence);
	hash_sha256d_update(h, b, 4);
}

static void legacy_outputs(struct hash_sha256d_ctx *h, const struct tx *tx,
			   uint32_t in, uint32_t base)
{
	static const uint8_t blank[9] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
					  0xff, 0xff, 0x00 };
	uint8_t b[9];
	uint32_t n = base == SIGHASH_NONE ? 0 : base == SIGHASH_SINGLE ? in + 1
								 : tx->n_out;
	hash_sha256d_update(h, b, compact_write(b, n));
	for (uint32_t o = 0; o < n; o++) {
		if (base == SIGHASH_SINGLE && o != in) {
			hash_sha256d_update(h, blank, 9);
			continue;
		}
		put_u64(b, tx->out[o].value);
		hash_sha256d_update(h, b, 8);
		hash_sha256d_update(h, b, compact_write(b, tx->out[o].script_len));
		hash_sha256d_update(h, tx->out[o].script, tx->out[o].script_len);
	}
}

bool sighash_legacy(uint8_t out[32], const struct tx *tx, uint32_t in,
		    const uint8_t *script_code, size_t code_len, uint32_t hashtype,
		    const char **why)
{
	uint32_t base = hashtype & 0x1f;
	bool acp = (hashtype & SIGHASH_ANYONECANPAY) != 0;
	struct hash_sha256d_ctx h;
	struct hash256 d;
	uint8_t b[9];

	if (in >= tx->n_in) {
		*why = "input index out of range";
		return false;
	}
	if (base == SIGHASH_SINGLE && in >= tx->n_out) {
		memset(out, 0, 32);
		out[0] = 1;
		return true;
	}
	hash_sha256d_begin(&h);
	put_u32(b, (uint32_t)tx->version);
	hash_sha256d_update(&h, b, 4);
	hash_sha256d_update(&h, b, compact_write(b, acp ? 1 : tx->n_in));
	for (uint32_t i = acp ? in : 0; i < (acp ? in + 1 : tx->n_in); i++)
		legacy_input(&h, tx, i, i == in, script_code, code_len, base);
	legacy_outputs(&h, tx, in, base);
	put_u32(b, tx->locktime);
	put_u32(b + 4, hashtype);
	hash_sha256d_update(&h, b, 8);
	hash_sha256d_end(&h, &d);
	memcpy(out, d.b, 32);
	return true;
}

void sighash_p2wpkh_code(uint8_t out[25], const uint8_t h160[20])
{
	out[0] = 0x76, out[1] = 0xa9, out[2] = 0x14;
	memcpy(out + 3, h160, 20);
	out[23] = 0x88, out[24] = 0xac;
}

/* BIP143's hashOutputs for SIGHASH_SINGLE: the matching output alone
 * (its SHA-256, or SHA256d when twice). False when memory runs out. */
static bool single_output(uint8_t out[32], const struct tx *tx, uint32_t in,
			  bool twice)
{
	const struct tx_out *o = &tx->out[in];
	uint8_t small[600];
	uint8_t *buf = o->script_len <= 500 ? small : malloc(18 + (size_t)o->script_len);
	if (!buf)
		return false;
	size_t n = put_txout(buf, o->value, o->script, o->script_len);
	if (twice) {
		struct hash256 d;
		hash_sha256d(&d, buf, n);
		memcpy(out, d.b, 32);
	} else {
		hash_sha256(out, buf, n);
	}
	if (buf != small)
		free(buf);
	return true;
}

bool sighash_segwit_v0(uint8_t out[32], const struct sighash_cache *c,
		       const struct tx *tx, uint32_t in, const uint8_t *script_code,
		       size_t code_len, uint64_t amount, uint32_t hashtype,
		       const char **why)
{
	static const uint8_t zero[32];
	uint32_t base = hashtype & 0x1f;
	bool acp = (hashtype & SIGHASH_ANYONECANPAY) != 0;
	struct hash_sha256d_ctx h;
	struct hash256 d;
	uint8_t b[48], outs[32];

	if (in >= tx->n_in) {
		*why = "input index out of range";
		return false;
	}
	/* Before the stream starts: the hash context is one per thread. */
	if (base != SIGHASH_SINGLE && base != SIGHASH_NONE)
		memcpy(outs, c->outputs_d, 32);
	else if (base == SIGHASH_SINGLE && in < tx->n_out) {
		if (!single_output(outs, tx, in, true)) {
			*why = "out of memory";
			return false;
		}
	} else
		memset(outs, 0, 32);
	put_u32(b, (uint32_t)tx->version);
	hash_sha256d_begin(&h);
	hash_sha256d_update(&h, b, 4);
	hash_sha256d_update(&h, acp ? zero : c->prevouts_d, 32);
	hash_sha256d_update(&h, acp || base == SIGHASH_SINGLE || base == SIGHASH_NONE
					? zero : c->sequences_d, 32);
	memcpy(b, tx->in[in].prev_txid.b, 32);
	put_u32(b + 32, tx->in[in].prev_vout);
	size_t n = 36 + compact_write(b + 36, code_len);
	hash_sha256d_update(&h, b, n);
	hash_sha256d_update(&h, script_code, code_len);
	put_u64(b, amount);
	put_u32(b + 8, tx->in[in].sequence);
	hash_sha256d_update(&h, b, 12);
	hash_sha256d_update(&h, outs, 32);
	put_u32(b, tx->locktime);
	put_u32(b + 4, hashtype);
	hash_sha256d_update(&h, b, 8);
	hash_sha256d_end(&h, &d);
	memcpy(out, d.b, 32);
	return true;
}

static bool taproot_type_ok(uint8_t t)
{
	return t <= 0x03 || (t >= 0x81 && t <= 0x83);
}

/* The ANYONECANPAY part of SigMsg: this input's outpoint, amount, script
 * and sequence. Returns bytes written. */
static size_t taproot_this_input(uint8_t *m, const struct tx *tx, uint32_t in,
				 const struct sighash_spent *s)
{
	size_t n = 0;
	memcpy(m, tx->in[in].prev_txid.b, 32);
	put_u32(m + 32, tx->in[in].prev_vout);
	put_u64(m + 36, s->value);
	n = 44 + compact_write(m + 44, s->script_len);
	memcpy(m + n, s->script, s->script_len);
	n += s->script_len;
	put_u32(m + n, tx->in[in].sequence);
	return n + 4;
}

size_t sighash_taproot_msg(uint8_t out[SIGHASH_TAPROOT_MSG_MAX],
			   const struct sighash_cache *c, const struct tx *tx,
			   uint32_t in, const struct sighash_spent *spent,
			   uint8_t hashtype, const uint8_t *annex, size_t annex_len,
			   const char **why)
{
	uint8_t base = hashtype & 0x03;
	bool acp = (hashtype & SIGHASH_ANYONECANPAY) != 0;
	size_t n = 0;

	if (!taproot_type_ok(hashtype) || !c->have_spent || in >= tx->n_in ||
	    spent[in].script_len > 100) {
		*why = "invalid taproot hash type, input or spent output";
		return 0;
	}
	if (base == SIGHASH_SINGLE && in >= tx->n_out) {
		*why = "SIGHASH_SINGLE without a matching output";
		return 0;
	}
	out[n++] = 0x00; /* epoch */
	out[n++] = hashtype;
	put_u32(out + n, (uint32_t)tx->version), n += 4;
	put_u32(out + n, tx->locktime), n += 4;
	if (!acp) {
		memcpy(out + n, c->prevouts, 32), n += 32;
		memcpy(out + n, c->amounts, 32), n += 32;
		memcpy(out + n, c->scripts, 32), n += 32;
		memcpy(out + n, c->sequences, 32), n += 32;
	}
	if (base != SIGHASH_NONE && base != SIGHASH_SINGLE)
		memcpy(out + n, c->outputs, 32), n += 32;
	out[n++] = annex ? 1 : 0; /* spend_type: ext_flag 0, annex bit */
	if (acp)
		n += taproot_this_input(out + n, tx, in, &spent[in]);
	else
		put_u32(out + n, in), n += 4;
	if (annex) {
		uint8_t *buf = malloc(9 + annex_len);
		if (!buf) {
			*why = "out of memory";
			return 0;
		}
		size_t k = compact_write(buf, annex_len);
		memcpy(buf + k, annex, annex_len);
		hash_sha256(out + n, buf, k + annex_len), n += 32;
		free(buf);
	}
	if (base == SIGHASH_SINGLE) {
		if (!single_output(out + n, tx, in, false)) {
			*why = "out of memory";
			return 0;
		}
		n += 32;
	}
	return n;
}

bool sighash_taproot(uint8_t out[32], const struct sighash_cache *c,
		     const struct tx *tx, uint32_t in,
		     const struct sighash_spent *spent, uint8_t hashtype,
		     const uint8_t *annex, size_t annex_len, const char **why)
{
	uint8_t m[SIGHASH_TAPROOT_MSG_MAX];
	size_t n = sighash_taproot_msg(m, c, tx, in, spent, hashtype, annex,
				       annex_len, why);
	if (n == 0)
		return false;
	hash_tagged(out, "TapSighash", m, n);
	return true;
}
