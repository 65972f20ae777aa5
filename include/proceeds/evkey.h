/* The evidence signing key: a BIP340 (Schnorr, x-only) key pair over
 * libsecp256k1, its secret key file, signing and verification.
 *
 * Key file (docs/evidence-format.md): one line of ASCII,
 *   "proceeds-bip340-secret-key-v1 <64 lowercase hex>\n"
 * created with mode 0600 and never overwritten; a key file that group or
 * others may read or write is refused, as ssh refuses such private keys. */
#ifndef PROCEEDS_EVKEY_H
#define PROCEEDS_EVKEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define EVKEY_FILE_HEADER "proceeds-bip340-secret-key-v1"

/* A key pair. Holds the secret: wipe with evkey_wipe when done. */
struct evkey {
	uint8_t secret[32];
	uint8_t xonly[32]; /* BIP340 public key: x coordinate, even-y lift */
};

/* A new key from getrandom(). False with *why if the kernel's randomness
 * is unavailable. */
bool evkey_generate(struct evkey *out, const char **why)
	__attribute__((warn_unused_result));

/* The key pair of a given secret (BIP340 test vectors, key files).
 * False with *why if the secret is zero or not below the curve order. */
bool evkey_from_secret(struct evkey *out, const uint8_t secret[32],
		       const char **why) __attribute__((warn_unused_result));

/* Overwrites the secret in memory. */
void evkey_wipe(struct evkey *k);

/* Writes k to a new file at path with mode 0600 (O_EXCL: an existing file
 * is never overwritten: *why "file exists; refusing to overwrite a key").
 * The file is fsynced before returning. */
bool evkey_write_file(const struct evkey *k, const char *path, const char **why)
	__attribute__((warn_unused_result));

/* Reads a key file. False with a precise *why: unreadable, not a regular
 * file, "key file is accessible by group or others (mode 0644); run chmod
 * 600 on it", bad header, bad hex, invalid secret. */
bool evkey_read_file(struct evkey *out, const char *path, const char **why)
	__attribute__((warn_unused_result));

/* The default key file: $PROCEEDS_KEY, else $HOME/.proceeds/evidence.key.
 * Written into buf (bufsz bytes); returns buf. */
const char *evkey_default_path(char *buf, size_t bufsz);

/* BIP340 signature of a 32-byte message with fresh auxiliary randomness
 * from getrandom(). The signature is verified before it is returned, so a
 * faulty computation never leaves the process. */
bool evkey_sign(uint8_t sig[64], const struct evkey *k, const uint8_t msg32[32],
		const char **why) __attribute__((warn_unused_result));

/* The same with given auxiliary randomness (BIP340 test vectors). */
bool evkey_sign_aux(uint8_t sig[64], const struct evkey *k,
		    const uint8_t msg32[32], const uint8_t aux32[32],
		    const char **why) __attribute__((warn_unused_result));

/* True iff sig is a valid BIP340 signature of msg32 under xonly. A public
 * key that is not an x coordinate on the curve is simply invalid. */
bool evkey_verify(const uint8_t sig[64], const uint8_t msg32[32],
		  const uint8_t xonly[32]);

/* Parses a 64-hex-digit x-only public key and checks it lies on the curve.
 * False with *why ("public key must be 64 hex digits", "public key is not
 * a point on secp256k1"). */
bool evkey_pubkey_parse(uint8_t xonly[32], const char *hex, const char **why)
	__attribute__((warn_unused_result));

#endif
