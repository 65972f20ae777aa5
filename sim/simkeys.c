/* Deterministic real keys and part-1 placeholder signatures (simkeys.h). */
#include "proceeds/simkeys.h"
#include "proceeds/hash.h"

#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <assert.h>
#include <stdlib.h>
#include <string.h>

struct simkeys {
	secp256k1_context *ctx;
	uint64_t seed;
	uint8_t d[32];          /* the step secret between a wallet's keys */
	secp256k1_pubkey step;  /* d*G */
	uint8_t b[32], e[32];   /* k0(n) = b + n*e */
	secp256k1_pubkey estep; /* e*G */
	uint32_t next_entity;   /* entity whose key 0 is next_point */
	bool placeholders;      /* make part 1's placeholder signatures */
	secp256k1_pubkey next_point;
	/* The run's placeholder nonce k (R = k*G, even Y): ECDSA s = a + c*x
	 * with a = m/k, c = r/k; BIP340 s = k + e*x. */
	uint8_t msg[32];        /* placeholder message, reduced mod n */
	uint8_t rx[32];         /* x(R), also ECDSA's r (checked < n) */
	uint8_t nonce[32];      /* k */
	uint8_t ecdsa_a[32], ecdsa_c[32];
};

_Static_assert(sizeof(secp256k1_pubkey) == 64, "opaque pubkey size");

void simkeys_placeholder_msg(uint8_t out[32])
{
	static const char m[] = "proceeds simulate: placeholder signature, part 1";
	hash_sha256(out, m, sizeof(m) - 1);
}

static void derive_secret(uint8_t out[32], uint64_t seed, uint32_t entity,
			  uint8_t which);
static bool placeholder_setup(struct simkeys *k);

struct simkeys *simkeys_new(uint64_t seed)
{
	struct simkeys *k = malloc(sizeof(*k));
	if (!k)
		return NULL;
	k->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	k->seed = seed;
	derive_secret(k->d, seed, UINT32_MAX, 1);
	derive_secret(k->b, seed, UINT32_MAX, 0);
	derive_secret(k->e, seed, UINT32_MAX, 2);
	k->next_entity = 0;
	k->placeholders = true;
	if (!k->ctx || !secp256k1_ec_pubkey_create(k->ctx, &k->step, k->d) ||
	    !secp256k1_ec_pubkey_create(k->ctx, &k->estep, k->e) ||
	    !secp256k1_ec_pubkey_create(k->ctx, &k->next_point, k->b) ||
	    !placeholder_setup(k)) {
		simkeys_free(k);
		return NULL;
	}
	return k;
}

/* The group order n, big-endian. */
static const uint8_t order[32] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
	0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
};

/* x mod n for a 256-bit x (< 2n, so one subtraction at most). */
static void reduce_order(uint8_t x[32])
{
	if (memcmp(x, order, 32) < 0)
		return;
	unsigned borrow = 0;
	for (int i = 31; i >= 0; i--) {
		unsigned v = (unsigned)x[i] - order[i] - borrow;
		x[i] = (uint8_t)v;
		borrow = (v >> 8) & 1;
	}
}

/* out = x^(n-2) = 1/x mod n (x a valid non-zero scalar), by squaring and
 * multiplying with libsecp256k1's scalar products. */
static bool scalar_inverse(const secp256k1_context *ctx, uint8_t out[32],
			   const uint8_t x[32])
{
	uint8_t e[32], sq[32];
	memcpy(e, order, 32);
	e[31] -= 2; /* n ends in 0x41: no borrow */
	memset(out, 0, 32);
	out[31] = 1;
	for (int bit = 255; bit >= 0; bit--) {
		memcpy(sq, out, 32);
		if (!secp256k1_ec_seckey_tweak_mul(ctx, out, sq))
			return false;
		if ((e[31 - bit / 8] >> (bit % 8)) & 1 &&
		    !secp256k1_ec_seckey_tweak_mul(ctx, out, x))
			return false;
	}
	return true;
}

/* One nonce k for the run's placeholders (R = k*G with even Y, x(R) < n)
 * and ECDSA's a = m/k, c = r/k: a wallet's placeholder signatures then
 * cost scalar arithmetic only, no point multiplication. */
static bool placeholder_setup(struct simkeys *k)
{
	secp256k1_pubkey r;
	uint8_t ser[33], inv[32];
	size_t len = 33;
	simkeys_placeholder_msg(k->msg);
	reduce_order(k->msg);
	for (uint8_t which = 3;; which++) {
		derive_secret(k->nonce, k->seed, UINT32_MAX, which);
		if (!secp256k1_ec_pubkey_create(k->ctx, &r, k->nonce))
			continue;
		secp256k1_ec_pubkey_serialize(k->ctx, ser, &len, &r, SECP256K1_EC_COMPRESSED);
		if (memcmp(ser + 1, order, 32) < 0)
			break;
	}
	if (ser[0] == 0x03 && !secp256k1_ec_seckey_negate(k->ctx, k->nonce))
		return false;
	memcpy(k->rx, ser + 1, 32);
	memcpy(k->ecdsa_a, k->msg, 32);
	memcpy(k->ecdsa_c, k->rx, 32);
	return scalar_inverse(k->ctx, inv, k->nonce) &&
	       secp256k1_ec_seckey_tweak_mul(k->ctx, k->ecdsa_a, inv) &&
	       secp256k1_ec_seckey_tweak_mul(k->ctx, k->ecdsa_c, inv);
}

void simkeys_placeholders(struct simkeys *k, bool on)
{
	k->placeholders = on;
}

void simkeys_free(struct simkeys *k)
{
	if (!k)
		return;
	if (k->ctx)
		secp256k1_context_destroy(k->ctx);
	free(k);
}

static void derive_secret(uint8_t out[32], uint64_t seed, uint32_t entity,
			  uint8_t which)
{
	uint8_t buf[16 + 8 + 4 + 1];
	memcpy(buf, "proceeds-sim-key", 16);
	for (int i = 0; i < 8; i++)
		buf[16 + i] = (uint8_t)(seed >> (8 * i));
	for (int i = 0; i < 4; i++)
		buf[24 + i] = (uint8_t)(entity >> (8 * i));
	buf[28] = which;
	hash_sha256(out, buf, sizeof(buf));
}

/* ECDSA s = (m + r*x)/k = a + c*x, low S, DER. */
static bool placeholder_ecdsa(struct simkeys *k, struct simkeychain *kc)
{
	secp256k1_ecdsa_signature sig;
	uint8_t rs[64];
	size_t len = sizeof(kc->ecdsa_der);
	memcpy(rs, k->rx, 32);
	memcpy(rs + 32, kc->k0, 32);
	if (!secp256k1_ec_seckey_tweak_mul(k->ctx, rs + 32, k->ecdsa_c) ||
	    !secp256k1_ec_seckey_tweak_add(k->ctx, rs + 32, k->ecdsa_a) ||
	    !secp256k1_ecdsa_signature_parse_compact(k->ctx, &sig, rs))
		return false;
	secp256k1_ecdsa_signature_normalize(k->ctx, &sig, &sig);
	if (!secp256k1_ecdsa_signature_serialize_der(k->ctx, kc->ecdsa_der, &len, &sig))
		return false;
	kc->ecdsa_len = (uint8_t)len;
	return true;
}

/* BIP340 over key 0 = pub0: s = k + e*x, x negated when pub0 has odd Y,
 * e = hash_BIP0340/challenge(x(R) || x(P) || m) mod n. */
static bool placeholder_schnorr(struct simkeys *k, struct simkeychain *kc,
				const uint8_t pub0[33])
{
	static const char tag[] = "BIP0340/challenge";
	uint8_t buf[96], e[32], x[32];
	memcpy(buf, k->rx, 32);
	memcpy(buf + 32, pub0 + 1, 32);
	simkeys_placeholder_msg(buf + 64);
	if (!secp256k1_tagged_sha256(k->ctx, e, (const unsigned char *)tag,
				     sizeof(tag) - 1, buf, sizeof(buf)))
		return false;
	reduce_order(e);
	memcpy(x, kc->k0, 32);
	memcpy(kc->schnorr, k->rx, 32);
	memcpy(kc->schnorr + 32, k->nonce, 32);
	return (pub0[0] == 0x02 || secp256k1_ec_seckey_negate(k->ctx, x)) &&
	       secp256k1_ec_seckey_tweak_mul(k->ctx, x, e) &&
	       secp256k1_ec_seckey_tweak_add(k->ctx, kc->schnorr + 32, x);
}

static bool make_signatures(struct simkeys *k, struct simkeychain *kc,
			    const secp256k1_pubkey *p0)
{
	uint8_t pub0[33];
	size_t len = 33;
	secp256k1_ec_pubkey_serialize(k->ctx, pub0, &len, p0, SECP256K1_EC_COMPRESSED);
	return placeholder_ecdsa(k, kc) && placeholder_schnorr(k, kc, pub0);
}

bool simkeys_chain_init(struct simkeys *k, struct simkeychain *kc,
			uint32_t entity, const char **why)
{
	secp256k1_pubkey cur, next;
	const secp256k1_pubkey *both[2] = { &k->next_point, &k->estep };
	uint8_t t[32] = { 0 };

	memset(kc, 0, sizeof(*kc));
	for (int i = 0; i < 4; i++)
		t[31 - i] = (uint8_t)(entity >> (8 * i));
	memcpy(kc->k0, k->e, 32);
	bool ok = entity == 0 ||
		  secp256k1_ec_seckey_tweak_mul(k->ctx, kc->k0, t);
	if (entity == 0)
		memcpy(kc->k0, k->b, 32);
	else
		ok = ok && secp256k1_ec_seckey_tweak_add(k->ctx, kc->k0, k->b);
	if (ok && entity == k->next_entity) {
		/* Entities come in order: one point addition, not a multiplication. */
		cur = k->next_point;
		ok = secp256k1_ec_pubkey_combine(k->ctx, &next, both, 2);
		k->next_point = next;
		k->next_entity++;
	} else if (ok) {
		ok = secp256k1_ec_pubkey_create(k->ctx, &cur, kc->k0);
	}
	if (!ok || (k->placeholders && !make_signatures(k, kc, &cur))) {
		*why = "derived secret out of range";
		return false;
	}
	memcpy(kc->cur, &cur, 64);
	return true;
}

bool simkeys_next(struct simkeys *k, struct simkeychain *kc, uint8_t pub[33],
		  uint32_t *index, const char **why)
{
	secp256k1_pubkey cur, sum;
	const secp256k1_pubkey *both[2] = { &cur, &k->step };
	size_t len = 33;

	memcpy(&cur, kc->cur, 64);
	secp256k1_ec_pubkey_serialize(k->ctx, pub, &len, &cur, SECP256K1_EC_COMPRESSED);
	if (!secp256k1_ec_pubkey_combine(k->ctx, &sum, both, 2)) {
		*why = "key derivation reached the point at infinity";
		return false;
	}
	memcpy(kc->cur, &sum, 64);
	*index = kc->next++;
	return true;
}

bool simkeys_seckey(struct simkeys *k, const struct simkeychain *kc,
		    uint32_t index, uint8_t out[32])
{
	uint8_t t[32] = { 0 }, tweak[32];
	memcpy(out, kc->k0, 32);
	if (index == 0)
		return true;
	for (int i = 0; i < 4; i++)
		t[31 - i] = (uint8_t)(index >> (8 * i));
	memcpy(tweak, k->d, 32);
	return secp256k1_ec_seckey_tweak_mul(k->ctx, tweak, t) &&
	       secp256k1_ec_seckey_tweak_add(k->ctx, out, tweak);
}

bool simkeys_pubkey(struct simkeys *k, uint8_t pub[33], const uint8_t sec[32])
{
	secp256k1_pubkey p;
	size_t len = 33;
	if (!secp256k1_ec_pubkey_create(k->ctx, &p, sec))
		return false;
	secp256k1_ec_pubkey_serialize(k->ctx, pub, &len, &p, SECP256K1_EC_COMPRESSED);
	return true;
}

bool simkeys_check_ecdsa(struct simkeys *k, const uint8_t *der, size_t der_len,
			 const uint8_t pub[33], const uint8_t msg[32])
{
	secp256k1_ecdsa_signature sig;
	secp256k1_pubkey p;
	return secp256k1_ec_pubkey_parse(k->ctx, &p, pub, 33) &&
	       secp256k1_ecdsa_signature_parse_der(k->ctx, &sig, der, der_len) &&
	       secp256k1_ecdsa_verify(k->ctx, &sig, msg, &p);
}

bool simkeys_check_schnorr(struct simkeys *k, const uint8_t sig[64],
			   const uint8_t pub[33], const uint8_t msg[32])
{
	secp256k1_xonly_pubkey x;
	return secp256k1_xonly_pubkey_parse(k->ctx, &x, pub + 1) &&
	       secp256k1_schnorrsig_verify(k->ctx, sig, msg, 32, &x);
}
