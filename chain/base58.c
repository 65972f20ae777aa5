/* Base58 (Core's base58.cpp algorithm, big-number in a byte buffer). */
#include "proceeds/base58.h"
#include "proceeds/hash.h"

#include <string.h>

static const char alphabet[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static int8_t digit_of(char ch)
{
	const char *p = strchr(alphabet, ch);
	return (ch && p) ? (int8_t)(p - alphabet) : -1;
}

/* Big-endian base-256 -> base-58 into b58[0..size), returns digits used. */
bool base58_encode(char *out, size_t outsz, const uint8_t *data, size_t len)
{
	size_t zeros = 0, used = 0;
	while (zeros < len && data[zeros] == 0)
		zeros++;
	size_t size = (len - zeros) * 138 / 100 + 1;
	uint8_t b58[size ? size : 1];
	memset(b58, 0, size);
	for (size_t i = zeros; i < len; i++) {
		unsigned carry = data[i];
		size_t k = 0;
		for (size_t j = size; j-- > 0 && (carry || k < used); k++) {
			carry += 256u * b58[j];
			b58[j] = (uint8_t)(carry % 58);
			carry /= 58;
		}
		used = k;
	}
	size_t skip = size - used;
	while (skip < size && b58[skip] == 0)
		skip++;
	if (zeros + (size - skip) + 1 > outsz)
		return false;
	size_t o = 0;
	for (size_t i = 0; i < zeros; i++)
		out[o++] = '1';
	for (size_t i = skip; i < size; i++)
		out[o++] = alphabet[b58[i]];
	out[o] = '\0';
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

bool base58_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *str,
		   const char **why)
{
	size_t zeros = 0, used = 0;
	*outlen = 0;
	while (is_space(*str))
		str++;
	while (*str == '1') {
		zeros++;
		str++;
	}
	size_t n = strlen(str);
	if (n > 1024 || zeros > outsz) {
		*why = "too long";
		return false;
	}
	size_t size = n * 733 / 1000 + 1;
	uint8_t b256[size];
	memset(b256, 0, size);
	for (; *str && !is_space(*str); str++) {
		int8_t d = digit_of(*str);
		if (d < 0) {
			*why = "invalid base58 character";
			return false;
		}
		unsigned carry = (unsigned)d;
		size_t k = 0;
		for (size_t j = size; j-- > 0 && (carry || k < used); k++) {
			carry += 58u * b256[j];
			b256[j] = (uint8_t)(carry & 0xff);
			carry >>= 8;
		}
		used = k;
	}
	while (is_space(*str))
		str++;
	if (*str) {
		*why = "invalid base58 character";
		return false;
	}
	size_t skip = size - used;
	while (skip < size && b256[skip] == 0)
		skip++;
	if (zeros + size - skip > outsz) {
		*why = "too long";
		return false;
	}
	memset(out, 0, zeros);
	memcpy(out + zeros, b256 + skip, size - skip);
	*outlen = zeros + size - skip;
	return true;
}

bool base58check_encode(char *out, size_t outsz, const uint8_t *data, size_t len)
{
	uint8_t buf[len + 4];
	struct hash256 h;
	memcpy(buf, data, len);
	hash_sha256d(&h, data, len);
	memcpy(buf + len, h.b, 4);
	return base58_encode(out, outsz, buf, len + 4);
}

bool base58check_decode(uint8_t *out, size_t outsz, size_t *outlen,
			const char *str, const char **why)
{
	uint8_t buf[outsz + 4];
	size_t n;
	struct hash256 h;
	*outlen = 0;
	if (!base58_decode(buf, sizeof(buf), &n, str, why))
		return false;
	if (n < 4) {
		*why = "too short for a checksum";
		return false;
	}
	hash_sha256d(&h, buf, n - 4);
	if (memcmp(h.b, buf + n - 4, 4) != 0) {
		*why = "checksum mismatch";
		return false;
	}
	memcpy(out, buf, n - 4);
	*outlen = n - 4;
	return true;
}
