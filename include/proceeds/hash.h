/* SHA-256, double SHA-256 and HASH160 over OpenSSL's EVP interface.
 *
 * Contexts are reused per thread: a fresh EVP context per call costs more
 * than hashing a small transaction. */
#ifndef PROCEEDS_HASH_H
#define PROCEEDS_HASH_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* A 32-byte hash in internal (little-endian, as serialized) byte order.
 * Bitcoin displays txids and block hashes byte-reversed. */
struct hash256 {
	uint8_t b[32];
};

/* SHA-256 of data[0..len). */
void hash_sha256(uint8_t out[32], const void *data, size_t len);

/* SHA-256(SHA-256(data)). */
void hash_sha256d(struct hash256 *out, const void *data, size_t len);

/* RIPEMD-160(SHA-256(data)). */
void hash_hash160(uint8_t out[20], const void *data, size_t len);

/* Tagged hash of BIP340: SHA256(SHA256(tag)||SHA256(tag)||data). */
void hash_tagged(uint8_t out[32], const char *tag, const void *data, size_t len);

/* Incremental SHA-256d, for transactions whose txid skips the witness parts.
 * The state is owned by the caller; no heap memory. */
struct hash_sha256d_ctx {
	void *evp; /* EVP_MD_CTX *, per-thread, borrowed */
};
void hash_sha256d_begin(struct hash_sha256d_ctx *ctx);
void hash_sha256d_update(struct hash_sha256d_ctx *ctx, const void *data, size_t len);
void hash_sha256d_end(struct hash_sha256d_ctx *ctx, struct hash256 *out);

/* Display form: 64 lowercase hex chars of the reversed bytes, NUL-terminated. */
void hash256_to_hex(char out[65], const struct hash256 *h);

/* Parse the display form. False (and *why set) unless exactly 64 hex chars. */
bool hash256_from_hex(struct hash256 *out, const char *hex, const char **why)
	__attribute__((warn_unused_result));

/* Byte-wise equality and ordering. */
bool hash256_eq(const struct hash256 *a, const struct hash256 *b);
bool hash256_is_zero(const struct hash256 *h);

#endif
