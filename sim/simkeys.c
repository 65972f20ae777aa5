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
};

_Static_assert(sizeof(secp256k1_pubkey) == 64, "opaque pubkey size");

void simkeys_placeholder_msg(uint8_t out[32])
{
	static const char m[] = "proceeds simulate: placeholder signature, part 1";
	hash_sha256(out, m, sizeof(m) - 1);
}

static void derive_secret(uint8_t out[32], uint64_t seed, uint32_t entity,
			  uint8_t which);

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
	    !secp256k1_ec_pubkey_create(k->ctx, &k->next_point, k->b)) {
		simkeys_free(k);
		return NULL;
	}
	return k;
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

static bool make_signature(struct simkeys *k, struct simkeychain *kc, bool taproot)
{
	uint8_t msg[32];
	secp256k1_ecdsa_signature sig;
	secp256k1_keypair kp;
	size_t len = sizeof(kc->ecdsa_der);

	simkeys_placeholder_msg(msg);
	if (taproot) {
		/* No auxiliary randomness, so the output is reproducible. */
		return secp256k1_keypair_create(k->ctx, &kp, kc->k0) &&
		       secp256k1_schnorrsig_sign32(k->ctx, kc->schnorr, msg, &kp, NULL);
	}
	if (!secp256k1_ecdsa_sign(k->ctx, &sig, msg, kc->k0, NULL, NULL) ||
	    !secp256k1_ecdsa_signature_serialize_der(k->ctx, kc->ecdsa_der, &len, &sig))
		return false;
	kc->ecdsa_len = (uint8_t)len;
	return true;
}

bool simkeys_chain_init(struct simkeys *k, struct simkeychain *kc,
			uint32_t entity, bool taproot, const char **why)
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
	if (!ok || (k->placeholders && !make_signature(k, kc, taproot))) {
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
