/* Real signatures for the simulator, made with libsecp256k1: ECDSA (DER,
 * low S, RFC 6979 nonces) for P2PKH, P2SH-P2WPKH and P2WPKH inputs, and
 * BIP340 Schnorr with the BIP341 key-path tweak (BIP86: no script tree)
 * and no auxiliary randomness for P2TR inputs. Both are deterministic
 * functions of key and message, so the chain's bytes do not depend on
 * which thread signed what, or when.
 *
 * Jobs are queued per block; worker threads sign them while the economy
 * goes on, and simsign_wait (the caller helps) finishes the rest. A job's
 * index stays valid until simsign_reset. */
#ifndef PROCEEDS_SIMSIGN_H
#define PROCEEDS_SIMSIGN_H

#include <stdbool.h>
#include <stdint.h>

/* One signature to make. sec is the untweaked private key; for taproot
 * the signer applies the BIP341 tweak t = hash_TapTweak(x(P)). */
struct simsig_job {
	uint8_t sec[32];
	uint8_t msg[32];
	uint8_t pub[33];        /* compressed key placed in the witness (ECDSA) */
	uint8_t taproot;        /* 1: BIP340 over the tweaked key */
	uint8_t sig_len;        /* 0 until signed; 64 (Schnorr) or DER length */
	uint8_t ok;             /* set with sig_len: false if signing failed */
	uint8_t sig[72];
};

/* Heap object: simsign_new / simsign_free. */
struct simsign;

/* A signer with `workers` background threads (0: the caller signs
 * everything in simsign_wait) and room for cap jobs per block. NULL when
 * out of memory or a thread cannot start. */
struct simsign *simsign_new(unsigned workers, uint32_t cap);
void simsign_free(struct simsign *s);

/* Signs job j at once in the calling thread (for transactions whose txid
 * needs the signature: P2PKH). False when the key is invalid. */
bool simsign_now(struct simsign *s, struct simsig_job *j)
	__attribute__((warn_unused_result));

/* Queues a copy of j; *index gets its index. False when the block's
 * queue is full (cap). */
bool simsign_push(struct simsign *s, const struct simsig_job *j, uint32_t *index)
	__attribute__((warn_unused_result));

/* Number of queued jobs since the last reset. */
uint32_t simsign_count(const struct simsign *s);

/* Signs what is left (with the workers) and waits until every queued job
 * is done. False when any signing failed. */
bool simsign_wait(struct simsign *s) __attribute__((warn_unused_result));

/* Job i after simsign_wait (borrowed until simsign_reset). */
const struct simsig_job *simsign_job(const struct simsign *s, uint32_t i);

/* Empties the queue (after simsign_wait). */
void simsign_reset(struct simsign *s);

/* The BIP341 tweaked output key of internal key pub (any parity):
 * Q = lift_x(x(P)) + hash_TapTweak(x(P))*G, compressed (q[0] gives Q's
 * parity, q[1..33) its x-only form). Main-thread use only. */
bool simsign_taproot_output(struct simsign *s, uint8_t q[33], const uint8_t pub[33])
	__attribute__((warn_unused_result));

/* The tweaked secret of a taproot key: (+-sec) + hash_TapTweak(x(P)). For
 * tests and the BIP341 vectors. */
bool simsign_taproot_seckey(struct simsign *s, uint8_t out[32], const uint8_t sec[32])
	__attribute__((warn_unused_result));

#endif
