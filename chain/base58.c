/* Base58 and Base58Check, with Core's semantics (leading '1's are zero
 * bytes; surrounding spaces accepted on decode). */
#include "proceeds/base58.h"
#include "proceeds/hash.h"

#include <string.h>

static const char alphabet[] =
	"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/* Digit + 1 of each byte value, 0 outside the alphabet (a table:
 * screening decodes millions of addresses). */
static const uint8_t digit_table[256] = {
	['1'] = 1, ['2'] = 2, ['3'] = 3, ['4'] = 4, ['5'] = 5, ['6'] = 6, ['7'] = 7,
	['8'] = 8, ['9'] = 9, ['A'] = 10, ['B'] = 11, ['C'] = 12, ['D'] = 13,
	['E'] = 14, ['F'] = 15, ['G'] = 16, ['H'] = 17, ['J'] = 18, ['K'] = 19,
	['L'] = 20, ['M'] = 21, ['N'] = 22, ['P'] = 23, ['Q'] = 24, ['R'] = 25,
	['S'] = 26, ['T'] = 27, ['U'] = 28, ['V'] = 29, ['W'] = 30, ['X'] = 31,
	['Y'] = 32, ['Z'] = 33, ['a'] = 34, ['b'] = 35, ['c'] = 36, ['d'] = 37,
	['e'] = 38, ['f'] = 39, ['g'] = 40, ['h'] = 41, ['i'] = 42, ['j'] = 43,
	['k'] = 44, ['m'] = 45, ['n'] = 46, ['o'] = 47, ['p'] = 48, ['q'] = 49,
	['r'] = 50, ['s'] = 51, ['t'] = 52, ['u'] = 53, ['v'] = 54, ['w'] = 55,
	['x'] = 56, ['y'] = 57, ['z'] = 58,
};

static int8_t digit_of(unsigned char ch)
{
	return (int8_t)(digit_table[ch] - 1);
}

/* The numbers are held in 32-bit limbs, least significant first, and moved
 * five base-58 digits at a time (58^5 < 2^32): five times fewer passes
 * than Core's digit-by-digit loop, with the same results. */
#define B58_5 656356768u /* 58^5 */

static size_t limbs_muladd(uint32_t *v, size_t used, uint32_t mul, uint32_t add)
{
	uint64_t carry = add;
	for (size_t i = 0; i < used; i++) {
		uint64_t t = (uint64_t)v[i] * mul + carry;
		v[i] = (uint32_t)t;
		carry = t >> 32;
	}
	if (carry)
		v[used++] = (uint32_t)carry;
	return used;
}

/* Divides v (used limbs) by d in place; returns the remainder. */
static uint32_t limbs_divmod(uint32_t *v, size_t *used, uint32_t d)
{
	uint64_t rem = 0;
	for (size_t i = *used; i-- > 0;) {
		uint64_t cur = rem << 32 | v[i];
		v[i] = (uint32_t)(cur / d);
		rem = cur % d;
	}
	while (*used && v[*used - 1] == 0)
		(*used)--;
	return (uint32_t)rem;
}

bool base58_encode(char *out, size_t outsz, const uint8_t *data, size_t len)
{
	size_t zeros = 0, used = 0, nd = 0;
	while (zeros < len && data[zeros] == 0)
		zeros++;
	uint32_t v[(len - zeros) / 4 + 2];
	char digits[(len - zeros) * 138 / 100 + 8];
	for (size_t i = zeros; i < len; i++)
		used = limbs_muladd(v, used, 256, data[i]);
	while (used) {
		uint32_t r = limbs_divmod(v, &used, B58_5);
		for (int k = 0; k < 5; k++, r /= 58)
			digits[nd++] = alphabet[r % 58];
	}
	while (nd && digits[nd - 1] == '1')
		nd--;
	if (zeros + nd + 1 > outsz)
		return false;
	memset(out, '1', zeros);
	for (size_t i = 0; i < nd; i++)
		out[zeros + i] = digits[nd - 1 - i];
	out[zeros + nd] = '\0';
	return true;
}

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
	       c == '\v';
}

/* Reads the digits of str[0..n) into limbs; false on a non-digit. */
static bool digits_to_limbs(uint32_t *v, size_t *used, const char *str, size_t n)
{
	size_t i = 0;
	*used = 0;
	while (i < n) {
		uint32_t chunk = 0, mul = 1;
		for (int k = 0; k < 5 && i < n; k++, i++) {
			int8_t d = digit_of((unsigned char)str[i]);
			if (d < 0)
				return false;
			chunk = chunk * 58 + (uint32_t)d;
			mul *= 58;
		}
		*used = limbs_muladd(v, *used, mul, chunk);
	}
	return true;
}

bool base58_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *str,
		   const char **why)
{
	size_t zeros = 0, n = 0, used, nb = 0;
	*outlen = 0;
	while (is_space(*str))
		str++;
	while (*str == '1') {
		zeros++;
		str++;
	}
	while (str[n] && !is_space(str[n]))
		n++;
	for (size_t t = n; str[t]; t++) {
		if (!is_space(str[t])) {
			*why = "invalid base58 character";
			return false;
		}
	}
	if (n > 1024 || zeros > outsz) {
		*why = "too long";
		return false;
	}
	uint32_t v[n * 733 / 4000 + 2];
	uint8_t bytes[(n * 733 / 4000 + 2) * 4];
	if (!digits_to_limbs(v, &used, str, n)) {
		*why = "invalid base58 character";
		return false;
	}
	for (size_t i = used; i-- > 0;)
		for (int k = 3; k >= 0; k--)
			if (nb || (v[i] >> (8 * k)) & 0xff)
				bytes[nb++] = (uint8_t)(v[i] >> (8 * k));
	if (zeros + nb > outsz) {
		*why = "too long";
		return false;
	}
	memset(out, 0, zeros);
	memcpy(out + zeros, bytes, nb);
	*outlen = zeros + nb;
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
