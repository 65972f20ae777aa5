/* Keccak-256: the sponge over Nettle's Keccak-f[1600] permutation
 * (keccak.h says why a library and why not OpenSSL). */
#include "proceeds/keccak.h"

#include <assert.h>
#include <nettle/sha3.h>
#include <string.h>

/* Nettle's state is exactly our 25 lanes; copying them in and out keeps our
 * header free of Nettle's (200 bytes beside a 24-round permutation). */
_Static_assert(sizeof(struct sha3_state) == sizeof(((struct keccak256_ctx *)0)->lanes),
	       "Nettle's sha3_state is 25 64-bit lanes");

static void permute(struct keccak256_ctx *ctx)
{
	struct sha3_state st;

	memcpy(st.a, ctx->lanes, sizeof(st.a));
	sha3_permute(&st);
	memcpy(ctx->lanes, st.a, sizeof(st.a));
}

/* XORs one byte at position pos of the rate into its lane, little-endian
 * within the lane as the Keccak reference defines the byte order. */
static void xor_byte(struct keccak256_ctx *ctx, size_t pos, uint8_t b)
{
	ctx->lanes[pos / 8] ^= (uint64_t)b << (8 * (pos % 8));
}

void keccak256_init(struct keccak256_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
}

void keccak256_update(struct keccak256_ctx *ctx, const void *data, size_t len)
{
	const uint8_t *p = data;

	assert(len == 0 || data != NULL);
	for (size_t i = 0; i < len; i++) {
		xor_byte(ctx, ctx->pos, p[i]);
		if (++ctx->pos == KECCAK256_RATE) {
			permute(ctx);
			ctx->pos = 0;
		}
	}
}

void keccak256_final(struct keccak256_ctx *ctx, uint8_t out[KECCAK256_LEN])
{
	/* pad10*1 with Keccak's domain byte 0x01 (SHA3-256 would put 0x06);
	 * both ends fall in the same byte when one byte of room is left. */
	xor_byte(ctx, ctx->pos, 0x01);
	xor_byte(ctx, KECCAK256_RATE - 1, 0x80);
	permute(ctx);
	for (size_t i = 0; i < KECCAK256_LEN; i++)
		out[i] = (uint8_t)(ctx->lanes[i / 8] >> (8 * (i % 8)));
	keccak256_init(ctx);
}

void keccak256(uint8_t out[KECCAK256_LEN], const void *data, size_t len)
{
	struct keccak256_ctx ctx;

	keccak256_init(&ctx);
	keccak256_update(&ctx, data, len);
	keccak256_final(&ctx, out);
}
