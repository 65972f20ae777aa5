/* Hashes over OpenSSL EVP with one reused context per thread. */
#include "proceeds/hash.h"
#include "proceeds/hex.h"

#include <assert.h>
#include <string.h>
#include <openssl/evp.h>

static _Thread_local EVP_MD_CTX *tl_ctx;
static _Thread_local EVP_MD_CTX *tl_ctx2;
static const EVP_MD *sha256_md;
static const EVP_MD *ripemd_md;

static EVP_MD_CTX *ctx_get(EVP_MD_CTX **slot)
{
	if (!*slot) {
		*slot = EVP_MD_CTX_new();
		assert(*slot);
	}
	if (!sha256_md)
		sha256_md = EVP_MD_fetch(NULL, "SHA256", NULL);
	return *slot;
}

static void sha256_into(EVP_MD_CTX *ctx, uint8_t out[32], const void *data,
			size_t len)
{
	unsigned n;
	int ok = EVP_DigestInit_ex(ctx, sha256_md, NULL) &&
		 EVP_DigestUpdate(ctx, data, len) &&
		 EVP_DigestFinal_ex(ctx, out, &n);
	assert(ok && n == 32);
	(void)ok;
}

void hash_sha256(uint8_t out[32], const void *data, size_t len)
{
	sha256_into(ctx_get(&tl_ctx), out, data, len);
}

void hash_sha256d(struct hash256 *out, const void *data, size_t len)
{
	EVP_MD_CTX *ctx = ctx_get(&tl_ctx);
	uint8_t tmp[32];
	sha256_into(ctx, tmp, data, len);
	sha256_into(ctx, out->b, tmp, 32);
}

/* RIPEMD-160 lives in OpenSSL 3's default provider on Debian; if a build
 * lacks it, fall back to the legacy provider's fetch. */
static const EVP_MD *ripemd(void)
{
	if (!ripemd_md) {
		ripemd_md = EVP_ripemd160();
		if (!ripemd_md)
			ripemd_md = EVP_MD_fetch(NULL, "RIPEMD160", NULL);
		assert(ripemd_md);
	}
	return ripemd_md;
}

void hash_hash160(uint8_t out[20], const void *data, size_t len)
{
	EVP_MD_CTX *ctx = ctx_get(&tl_ctx2);
	uint8_t tmp[32];
	unsigned n;
	int ok;

	sha256_into(ctx, tmp, data, len);
	ok = EVP_DigestInit_ex(ctx, ripemd(), NULL) &&
	     EVP_DigestUpdate(ctx, tmp, 32) && EVP_DigestFinal_ex(ctx, out, &n);
	assert(ok && n == 20);
	(void)ok;
}

void hash_tagged(uint8_t out[32], const char *tag, const void *data, size_t len)
{
	EVP_MD_CTX *ctx = ctx_get(&tl_ctx2);
	uint8_t th[32];
	unsigned n;
	int ok;

	hash_sha256(th, tag, strlen(tag));
	ok = EVP_DigestInit_ex(ctx, sha256_md, NULL) &&
	     EVP_DigestUpdate(ctx, th, 32) && EVP_DigestUpdate(ctx, th, 32) &&
	     EVP_DigestUpdate(ctx, data, len) &&
	     EVP_DigestFinal_ex(ctx, out, &n);
	assert(ok && n == 32);
	(void)ok;
}

void hash_sha256d_begin(struct hash_sha256d_ctx *ctx)
{
	EVP_MD_CTX *c = ctx_get(&tl_ctx2);
	int ok = EVP_DigestInit_ex(c, sha256_md, NULL);
	assert(ok);
	(void)ok;
	ctx->evp = c;
}

void hash_sha256d_update(struct hash_sha256d_ctx *ctx, const void *data,
			 size_t len)
{
	int ok = EVP_DigestUpdate(ctx->evp, data, len);
	assert(ok);
	(void)ok;
}

void hash_sha256d_end(struct hash_sha256d_ctx *ctx, struct hash256 *out)
{
	uint8_t tmp[32];
	unsigned n;
	int ok = EVP_DigestFinal_ex(ctx->evp, tmp, &n);
	assert(ok && n == 32);
	(void)ok;
	sha256_into(ctx->evp, out->b, tmp, 32);
	ctx->evp = NULL;
}

void hash256_to_hex(char out[65], const struct hash256 *h)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < 32; i++) {
		uint8_t v = h->b[31 - i];
		out[2 * i] = digits[v >> 4];
		out[2 * i + 1] = digits[v & 15];
	}
	out[64] = '\0';
}

bool hash256_from_hex(struct hash256 *out, const char *hex, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (strlen(hex) != 64) {
		*why = "expected 64 hex characters";
		return false;
	}
	for (size_t i = 0; i < 32; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "invalid hex character";
			return false;
		}
		out->b[31 - i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool hash256_eq(const struct hash256 *a, const struct hash256 *b)
{
	return memcmp(a->b, b->b, 32) == 0;
}

bool hash256_is_zero(const struct hash256 *h)
{
	static const uint8_t zero[32];
	return memcmp(h->b, zero, 32) == 0;
}
