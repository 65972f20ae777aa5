/* Unsigned 256-bit integers for account chains: wei and token base units
 * go up to 2^256 - 1 (Solidity's uint256), far beyond uint64. Fixed width,
 * on the stack, every sum checked (an overflow is an error, never a wrong
 * figure in evidence), never floating point. Four 64-bit limbs, least
 * significant first. */
#ifndef PROCEEDS_U256_H
#define PROCEEDS_U256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct u256 {
	uint64_t w[4]; /* w[0] least significant */
};

/* 2^256 - 1 has 78 decimal digits: + NUL. */
#define U256_DEC_LEN 79
/* "0x" + at most 64 hex digits + NUL. */
#define U256_QUANTITY_LEN 67
/* The longest u256_to_units: 255 decimals of a value below 10^255
 * ("0." + 255 digits) + NUL. */
#define U256_UNITS_LEN 258

static inline struct u256 u256_from_u64(uint64_t v)
{
	struct u256 a = { { v, 0, 0, 0 } };
	return a;
}

/* 2^256 - 1. */
struct u256 u256_max(void);

bool u256_is_zero(const struct u256 *a);

/* -1, 0 or 1 as a < b, a == b, a > b. */
int u256_cmp(const struct u256 *a, const struct u256 *b);

/* *out = a + b; false on overflow past 2^256 - 1 (out untouched).
 * out may alias a or b. */
bool u256_add(struct u256 *out, const struct u256 *a, const struct u256 *b)
	__attribute__((warn_unused_result));

/* *out = a - b; false if b > a (out untouched). out may alias a or b. */
bool u256_sub(struct u256 *out, const struct u256 *a, const struct u256 *b)
	__attribute__((warn_unused_result));

/* *out = a * m; false on overflow (out untouched). out may alias a. */
bool u256_mul_u64(struct u256 *out, const struct u256 *a, uint64_t m)
	__attribute__((warn_unused_result));

/* *q = a / d and returns a % d; d > 0 (a zero divisor is a bug). q may
 * alias a. */
uint64_t u256_divmod_u64(struct u256 *q, const struct u256 *a, uint64_t d);

/* The value if it fits in 64 bits: false (out untouched) otherwise. */
bool u256_to_u64(uint64_t *out, const struct u256 *a)
	__attribute__((warn_unused_result));

/* Parses one or more decimal digits (no sign, no spaces; leading zeros
 * are accepted and change nothing). False with *why ("empty number",
 * "not a decimal digit at character N", "above 2^256 - 1") otherwise;
 * *out is zeroed first. */
bool u256_from_dec(struct u256 *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

/* Decimal digits, no leading zeros ("0" for zero). Returns buf. */
char *u256_to_dec(char buf[U256_DEC_LEN], const struct u256 *a);

/* Parses an Ethereum JSON-RPC QUANTITY: "0x" then 1 to 64 hex digits of
 * either case, no leading zero except "0x0" itself. False with *why
 * naming the rule broken ("missing 0x prefix", "no hex digits",
 * "leading zero", "not a hex digit at character N", "above 2^256 - 1");
 * *out is zeroed first. */
bool u256_from_quantity(struct u256 *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

/* The QUANTITY form: "0x" + lower-case hex, no leading zeros, "0x0" for
 * zero. Returns buf. */
char *u256_to_quantity(char buf[U256_QUANTITY_LEN], const struct u256 *a);

/* A token amount for people: base units a shown with exactly `decimals`
 * places, like BTC's 8 ("1234.500000" for a = 1234500000, decimals 6;
 * "0.000001" for 1; no point at all for decimals 0). Every place is
 * printed, trailing zeros included, so columns align and the digits are
 * exactly the base units: nothing is rounded or trimmed. Returns buf. */
char *u256_to_units(char buf[U256_UNITS_LEN], const struct u256 *a,
		    unsigned decimals);

/* The inverse: "1234.5" or "1234" with at most `decimals` places (fewer
 * are padded with zeros) into base units. False with *why ("more than N
 * decimal places", "not a decimal digit at character N", "empty number",
 * "above 2^256 - 1") otherwise; *out is zeroed first. decimals <= 255. */
bool u256_from_units(struct u256 *out, const char *s, unsigned decimals,
		     const char **why) __attribute__((warn_unused_result));

/* Big-endian bytes, as in ABI words and RLP: 32 bytes in and out. */
void u256_from_be32(struct u256 *out, const uint8_t in[32]);
void u256_to_be32(uint8_t out[32], const struct u256 *a);

#endif
