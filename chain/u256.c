/* Unsigned 256-bit integers (u256.h): schoolbook arithmetic on four 64-bit
 * limbs with unsigned __int128 for the carries of products and quotients. */
#include "proceeds/u256.h"
#include "proceeds/hex.h"
#include "proceeds/why.h"

#include <assert.h>
#include <string.h>

typedef unsigned __int128 u128;

/* 10^19, the largest power of ten below 2^64: decimal output moves 19
 * digits per division. */
#define DEC_CHUNK UINT64_C(10000000000000000000)
#define DEC_CHUNK_DIGITS 19

static _Thread_local char why_buf[96];

struct u256 u256_max(void)
{
	struct u256 a = { { UINT64_MAX, UINT64_MAX, UINT64_MAX, UINT64_MAX } };
	return a;
}

bool u256_is_zero(const struct u256 *a)
{
	return (a->w[0] | a->w[1] | a->w[2] | a->w[3]) == 0;
}

int u256_cmp(const struct u256 *a, const struct u256 *b)
{
	for (int i = 3; i >= 0; i--) {
		if (a->w[i] != b->w[i])
			return a->w[i] < b->w[i] ? -1 : 1;
	}
	return 0;
}

bool u256_add(struct u256 *out, const struct u256 *a, const struct u256 *b)
{
	struct u256 r;
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 t = (u128)a->w[i] + b->w[i] + carry;
		r.w[i] = (uint64_t)t;
		carry = (uint64_t)(t >> 64);
	}
	if (carry)
		return false;
	*out = r;
	return true;
}

bool u256_sub(struct u256 *out, const struct u256 *a, const struct u256 *b)
{
	struct u256 r;
	uint64_t borrow = 0;

	for (int i = 0; i < 4; i++) {
		u128 t = (u128)a->w[i] - b->w[i] - borrow;
		r.w[i] = (uint64_t)t;
		borrow = (uint64_t)(t >> 64) ? 1 : 0;
	}
	if (borrow)
		return false;
	*out = r;
	return true;
}

bool u256_mul_u64(struct u256 *out, const struct u256 *a, uint64_t m)
{
	struct u256 r;
	uint64_t carry = 0;

	for (int i = 0; i < 4; i++) {
		u128 t = (u128)a->w[i] * m + carry;
		r.w[i] = (uint64_t)t;
		carry = (uint64_t)(t >> 64);
	}
	if (carry)
		return false;
	*out = r;
	return true;
}

uint64_t u256_divmod_u64(struct u256 *q, const struct u256 *a, uint64_t d)
{
	struct u256 r;
	u128 rem = 0;

	assert(d != 0);
	for (int i = 3; i >= 0; i--) {
		u128 cur = (rem << 64) | a->w[i];
		r.w[i] = (uint64_t)(cur / d);
		rem = cur % d;
	}
	*q = r;
	return (uint64_t)rem;
}

bool u256_to_u64(uint64_t *out, const struct u256 *a)
{
	if (a->w[1] | a->w[2] | a->w[3])
		return false;
	*out = a->w[0];
	return true;
}

/* acc = acc * 10 + digit, checked. */
static bool push_digit(struct u256 *acc, unsigned digit)
{
	struct u256 d = u256_from_u64(digit);

	return u256_mul_u64(acc, acc, 10) && u256_add(acc, acc, &d);
}

static bool fail_at(const char **why, const char *what, size_t pos)
{
	*why = why_fmt(why_buf, sizeof(why_buf), "%s at character %zu", what, pos + 1);
	return false;
}

bool u256_from_dec(struct u256 *out, const char *s, const char **why)
{
	memset(out, 0, sizeof(*out));
	if (*s == '\0') {
		*why = "empty number";
		return false;
	}
	for (size_t i = 0; s[i]; i++) {
		if (s[i] < '0' || s[i] > '9')
			return fail_at(why, "not a decimal digit", i);
		if (!push_digit(out, (unsigned)(s[i] - '0'))) {
			memset(out, 0, sizeof(*out));
			*why = "above 2^256 - 1";
			return false;
		}
	}
	return true;
}

char *u256_to_dec(char buf[U256_DEC_LEN], const struct u256 *a)
{
	char tmp[U256_DEC_LEN];
	size_t n = 0;
	struct u256 v = *a;

	/* Digits come out least significant first, 19 per division. */
	do {
		uint64_t chunk = u256_divmod_u64(&v, &v, DEC_CHUNK);
		bool last = u256_is_zero(&v);
		for (int k = 0; k < DEC_CHUNK_DIGITS && (!last || chunk); k++) {
			tmp[n++] = (char)('0' + chunk % 10);
			chunk /= 10;
		}
	} while (!u256_is_zero(&v));
	if (n == 0)
		tmp[n++] = '0';
	for (size_t i = 0; i < n; i++)
		buf[i] = tmp[n - 1 - i];
	buf[n] = '\0';
	return buf;
}

bool u256_from_quantity(struct u256 *out, const char *s, const char **why)
{
	size_t n;

	memset(out, 0, sizeof(*out));
	if (s[0] != '0' || s[1] != 'x') {
		*why = "missing 0x prefix";
		return false;
	}
	n = strlen(s + 2);
	if (n == 0) {
		*why = "no hex digits";
		return false;
	}
	if (s[2] == '0' && n > 1) {
		*why = "leading zero";
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		if (hex_nibble(s[2 + i]) < 0)
			return fail_at(why, "not a hex digit", 2 + i);
	}
	if (n > 64) {
		*why = "above 2^256 - 1";
		return false;
	}
	for (size_t i = 0; i < n; i++) {
		size_t bit = 4 * (n - 1 - i);
		out->w[bit / 64] |= (uint64_t)hex_nibble(s[2 + i]) << (bit % 64);
	}
	return true;
}

char *u256_to_quantity(char buf[U256_QUANTITY_LEN], const struct u256 *a)
{
	static const char digits[] = "0123456789abcdef";
	size_t n = 2;
	bool started = false;

	buf[0] = '0';
	buf[1] = 'x';
	for (int nib = 63; nib >= 0; nib--) {
		unsigned v = (unsigned)(a->w[nib / 16] >> (4 * (nib % 16))) & 0xf;
		if (v == 0 && !started && nib > 0)
			continue;
		started = true;
		buf[n++] = digits[v];
	}
	buf[n] = '\0';
	return buf;
}

char *u256_to_units(char buf[U256_UNITS_LEN], const struct u256 *a,
		    unsigned decimals)
{
	char dec[U256_DEC_LEN];
	size_t len, n = 0;

	assert(decimals <= 255);
	len = strlen(u256_to_dec(dec, a));
	if (decimals == 0) {
		memcpy(buf, dec, len + 1);
		return buf;
	}
	if (len <= decimals) {
		buf[n++] = '0';
		buf[n++] = '.';
		memset(buf + n, '0', decimals - len);
		n += decimals - len;
		memcpy(buf + n, dec, len + 1);
		return buf;
	}
	memcpy(buf, dec, len - decimals);
	n = len - decimals;
	buf[n++] = '.';
	memcpy(buf + n, dec + len - decimals, decimals + 1);
	return buf;
}

static bool units_overflow(struct u256 *out, const char **why)
{
	memset(out, 0, sizeof(*out));
	*why = "above 2^256 - 1";
	return false;
}

bool u256_from_units(struct u256 *out, const char *s, unsigned decimals,
		     const char **why)
{
	size_t i, places = 0;
	const char *point = strchr(s, '.');

	assert(decimals <= 255);
	memset(out, 0, sizeof(*out));
	if (*s == '\0' || s == point || (point && point[1] == '\0')) {
		*why = *s == '\0' ? "empty number" : "a digit must stand on each side of the point";
		return false;
	}
	for (i = 0; s[i]; i++) {
		if (s + i == point)
			continue;
		if (s[i] < '0' || s[i] > '9')
			return fail_at(why, "not a decimal digit", i);
		if (point && s + i > point && ++places > decimals) {
			*why = why_fmt(why_buf, sizeof(why_buf),
				       "more than %u decimal places", decimals);
			return false;
		}
		if (!push_digit(out, (unsigned)(s[i] - '0')))
			return units_overflow(out, why);
	}
	for (; places < decimals; places++) {
		if (!u256_mul_u64(out, out, 10))
			return units_overflow(out, why);
	}
	return true;
}

void u256_from_be32(struct u256 *out, const uint8_t in[32])
{
	for (int i = 0; i < 4; i++) {
		uint64_t v = 0;
		for (int k = 0; k < 8; k++)
			v = (v << 8) | in[8 * (3 - i) + k];
		out->w[i] = v;
	}
}

void u256_to_be32(uint8_t out[32], const struct u256 *a)
{
	for (int i = 0; i < 4; i++) {
		for (int k = 0; k < 8; k++)
			out[8 * (3 - i) + k] = (uint8_t)(a->w[i] >> (8 * (7 - k)));
	}
}
