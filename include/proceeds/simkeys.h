/* Real secp256k1 keys for the simulator, derived deterministically from the
 * seed, and the placeholder signatures of part 1.
 *
 * Derivation: with H(x) = SHA256("proceeds-sim-key" || seed || 0xffffffff
 * || x) (seed u64 and the constant u32 little-endian), the run has secrets
 * b = H(0), d = H(1), e = H(2). Wallet (entity) n has base secret
 * k0 = b + n*e, and key i of it is k_i = k0 + i*d (all mod the group order),
 * so its public key is P_i = P_{i-1} + D: one point addition per
 * fresh address instead of a full multiplication, which is what lets the
 * simulator write 50,000 tx/s. The keys are real key pairs (simkeys_seckey
 * gives each private key); they are linkable by anyone who knows d, which
 * only the simulator does.
 *
 * Signatures (part 1, --fast-sigs): each wallet has one ECDSA (DER, low-S)
 * and one BIP340 signature by its key 0 over a fixed placeholder message,
 * reused for every input it signs: structurally valid, but not over any
 * sighash; truth.json says so. All of a run's placeholders share one nonce
 * k = H(3) (the next index if k*G has x >= n), so a wallet's pair costs
 * scalar arithmetic only (ECDSA s = (m + r*x)/k, BIP340 s = k + e*x):
 * every placeholder of a run has the same R, which, like the reuse of one
 * signature for all inputs, marks the chain as synthetic. */
#ifndef PROCEEDS_SIMKEYS_H
#define PROCEEDS_SIMKEYS_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>

/* The secp256k1 context. Heap object: simkeys_new / simkeys_free. */
struct simkeys;

/* One wallet's key chain and signature cache. Embedded, no heap. */
struct simkeychain {
	uint8_t k0[32];         /* base secret */
	uint8_t cur[64];        /* secp256k1_pubkey of key `next` (opaque) */
	uint32_t next;          /* index of the next fresh key */
	uint8_t ecdsa_der[72];  /* placeholder ECDSA signature, DER */
	uint8_t ecdsa_len;
	uint8_t schnorr[64];    /* placeholder BIP340 signature */
};

/* The placeholder message every part-1 signature signs:
 * SHA256("proceeds simulate: placeholder signature, part 1"). */
void simkeys_placeholder_msg(uint8_t out[32]);

/* New context for a run with seed (derives the step secret and the
 * placeholder nonce), or NULL when out of memory. Free with simkeys_free. */
struct simkeys *simkeys_new(uint64_t seed);
void simkeys_free(struct simkeys *k);

/* Whether simkeys_chain_init makes the placeholder signature (default
 * on; off when real signatures are made: it would be wasted work). */
void simkeys_placeholders(struct simkeys *k, bool on);

/* Derives wallet `entity`'s chain and makes its placeholder signatures
 * (ECDSA and BIP340, both by key 0) unless placeholders are off. False
 * only if a derived secret or challenge is out of range (probability
 * ~2^-128) with *why set. */
bool simkeys_chain_init(struct simkeys *k, struct simkeychain *kc,
			uint32_t entity, const char **why)
	__attribute__((warn_unused_result));

/* The next fresh compressed public key of the chain (33 bytes); *index gets
 * its index. False (with *why) only if the point addition hit infinity. */
bool simkeys_next(struct simkeys *k, struct simkeychain *kc, uint8_t pub[33],
		  uint32_t *index, const char **why) __attribute__((warn_unused_result));

/* The private key of key `index` of the chain: k0 + index*d mod n. */
bool simkeys_seckey(struct simkeys *k, const struct simkeychain *kc,
		    uint32_t index, uint8_t out[32]) __attribute__((warn_unused_result));

/* Compressed public key of a private key (for tests and part 2). */
bool simkeys_pubkey(struct simkeys *k, uint8_t pub[33], const uint8_t sec[32])
	__attribute__((warn_unused_result));

/* True when sig (DER, without sighash byte) is a valid ECDSA signature by
 * pub over msg, or sig64 a valid BIP340 signature by the x-only pub[1..33).
 * For tests: they prove the placeholders were made with real keys. */
bool simkeys_check_ecdsa(struct simkeys *k, const uint8_t *der, size_t der_len,
			 const uint8_t pub[33], const uint8_t msg[32]);
bool simkeys_check_schnorr(struct simkeys *k, const uint8_t sig[64],
			   const uint8_t pub[33], const uint8_t msg[32]);

#endif
