/* Keccak-256 as Ethereum uses it: the Keccak submission's padding (domain
 * byte 0x01), not FIPS 202 SHA3-256's (0x06), so the two differ on every
 * input. Debian 12's OpenSSL 3.0 has no Keccak-256 (KECCAK-256 came in
 * OpenSSL 3.2); the permutation, Keccak-f[1600], is GNU Nettle's exported
 * sha3_permute (reviewed, assembly on x86_64), and this module adds only
 * the sponge with the original padding. No heap memory anywhere. */
#ifndef PROCEEDS_KECCAK_H
#define PROCEEDS_KECCAK_H

#include <stddef.h>
#include <stdint.h>

#define KECCAK256_LEN 32
/* The rate of Keccak-256: 1600 - 2 * 256 bits. */
#define KECCAK256_RATE 136

/* Incremental state, owned by the caller (embed or stack it). The lanes
 * are the 5x5 state words, S[x,y] at x + 5 * y, each read and written as a
 * little-endian 64-bit number, so the result is the same on any host. */
struct keccak256_ctx {
	uint64_t lanes[25];
	size_t pos; /* bytes absorbed into the current block, < KECCAK256_RATE */
};

/* Starts an empty message. */
void keccak256_init(struct keccak256_ctx *ctx);

/* Absorbs data[0..len) (len 0 allowed, data may then be NULL). */
void keccak256_update(struct keccak256_ctx *ctx, const void *data, size_t len);

/* Pads, squeezes the 32-byte digest into out and leaves ctx initialised
 * again for a new message. */
void keccak256_final(struct keccak256_ctx *ctx, uint8_t out[KECCAK256_LEN]);

/* Keccak-256 of data[0..len) in one call. */
void keccak256(uint8_t out[KECCAK256_LEN], const void *data, size_t len);

#endif
