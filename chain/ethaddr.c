/* Ethereum and TRON account addresses (ethaddr.h). */
#include "proceeds/ethaddr.h"
#include "proceeds/base58.h"
#include "proceeds/hex.h"
#include "proceeds/keccak.h"
#include "proceeds/why.h"

#include <assert.h>
#include <secp256k1.h>
#include <string.h>

static _Thread_local char why_buf[96];

static bool is_lower_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
}

static bool is_upper_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

/* EIP-55: the i-th hex digit is a capital letter when the i-th nibble of
 * Keccak-256 of the 40 lower-case digits (as ASCII) is 8 or more. */
static void eip55_case(char hex40[40])
{
	uint8_t h[KECCAK256_LEN];

	keccak256(h, hex40, 40);
	for (size_t i = 0; i < 40; i++) {
		unsigned nib = (i % 2 == 0) ? h[i / 2] >> 4 : h[i / 2] & 0xf;
		if (hex40[i] >= 'a' && hex40[i] <= 'f' && nib >= 8)
			hex40[i] = (char)(hex40[i] - 'a' + 'A');
	}
}

/* Checks the 40 digits at s + off: hex only, and their case (all lower,
 * all upper, or EIP-55's when eip55). Lower-cases them into lower. */
static bool check_digits(char lower[41], const char *s, size_t off, bool eip55,
			 const char **why)
{
	bool any_lower = false, any_upper = false;
	char want[40];

	for (size_t i = 0; i < 40; i++) {
		char c = s[off + i];
		if (!is_lower_hex(c) && !is_upper_hex(c)) {
			*why = why_fmt(why_buf, sizeof(why_buf),
				       "not a hex digit at character %zu", off + i + 1);
			return false;
		}
		any_lower |= c >= 'a' && c <= 'f';
		any_upper |= c >= 'A' && c <= 'F';
		lower[i] = (c >= 'A' && c <= 'F') ? (char)(c - 'A' + 'a') : c;
	}
	lower[40] = '\0';
	if (!eip55 || !any_lower || !any_upper)
		return true;
	memcpy(want, lower, 40);
	eip55_case(want);
	for (size_t i = 0; i < 40; i++) {
		if (want[i] != s[off + i]) {
			*why = why_fmt(why_buf, sizeof(why_buf),
				       "EIP-55 checksum mismatch at character %zu ('%c' should be '%c')",
				       off + i + 1, s[off + i], want[i]);
			return false;
		}
	}
	return true;
}

/* The shared body of the two hex forms: a 2-character prefix, 40 digits. */
static bool parse_prefixed(struct ethaddr *out, const char *s, const char *prefix,
			   bool eip55, const char **why)
{
	char lower[41];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (strncmp(s, prefix, 2) != 0) {
		*why = why_fmt(why_buf, sizeof(why_buf), "missing %s prefix", prefix);
		return false;
	}
	n = strlen(s + 2);
	if (n != 40) {
		*why = why_fmt(why_buf, sizeof(why_buf),
			       "expected 40 hex digits after %s, got %zu", prefix, n);
		return false;
	}
	if (!check_digits(lower, s, 2, eip55, why))
		return false;
	/* Forty checked digits cannot fail to decode. */
	return hex_decode(out->b, lower, 40, why);
}

bool ethaddr_parse(struct ethaddr *out, const char *s, const char **why)
{
	return parse_prefixed(out, s, "0x", true, why);
}

char *ethaddr_to_lower(char out[ETHADDR_STRLEN], const struct ethaddr *a)
{
	out[0] = '0';
	out[1] = 'x';
	hex_encode(out + 2, a->b, ETHADDR_LEN);
	return out;
}

char *ethaddr_to_str(char out[ETHADDR_STRLEN], const struct ethaddr *a)
{
	ethaddr_to_lower(out, a);
	eip55_case(out + 2);
	return out;
}

bool ethaddr_from_pubkey(struct ethaddr *out, const uint8_t *pub, size_t len,
			 const char **why)
{
	secp256k1_pubkey pk;
	uint8_t full[65], h[KECCAK256_LEN];
	size_t flen = sizeof(full);

	memset(out, 0, sizeof(*out));
	if (!secp256k1_ec_pubkey_parse(secp256k1_context_static, &pk, pub, len)) {
		*why = "not a secp256k1 public key";
		return false;
	}
	secp256k1_ec_pubkey_serialize(secp256k1_context_static, full, &flen, &pk,
				      SECP256K1_EC_UNCOMPRESSED);
	keccak256(h, full + 1, 64);
	memcpy(out->b, h + KECCAK256_LEN - ETHADDR_LEN, ETHADDR_LEN);
	return true;
}

bool ethaddr_from_tron(struct ethaddr *out, const char *s, const char **why)
{
	uint8_t raw[64];
	size_t n;

	memset(out, 0, sizeof(*out));
	if (!base58check_decode(raw, sizeof(raw), &n, s, why))
		return false;
	if (n != 1 + ETHADDR_LEN) {
		*why = "not 21 bytes";
		return false;
	}
	if (raw[0] != ETHADDR_TRON_PREFIX) {
		*why = why_fmt(why_buf, sizeof(why_buf),
			       "version byte 0x%02x, not TRON's 0x41", raw[0]);
		return false;
	}
	memcpy(out->b, raw + 1, ETHADDR_LEN);
	return true;
}

char *ethaddr_to_tron(char out[ETHADDR_TRON_STRLEN], const struct ethaddr *a)
{
	uint8_t raw[1 + ETHADDR_LEN];
	bool ok;

	raw[0] = ETHADDR_TRON_PREFIX;
	memcpy(raw + 1, a->b, ETHADDR_LEN);
	/* 25 bytes starting 0x41 are always 34 digits: the buffer fits. */
	ok = base58check_encode(out, ETHADDR_TRON_STRLEN, raw, sizeof(raw));
	assert(ok);
	(void)ok;
	return out;
}

bool ethaddr_from_tron_hex(struct ethaddr *out, const char *s, const char **why)
{
	return parse_prefixed(out, s, "41", false, why);
}

char *ethaddr_to_tron_hex(char out[ETHADDR_STRLEN], const struct ethaddr *a)
{
	out[0] = '4';
	out[1] = '1';
	hex_encode(out + 2, a->b, ETHADDR_LEN);
	return out;
}

bool ethaddr_eq(const struct ethaddr *a, const struct ethaddr *b)
{
	return memcmp(a->b, b->b, ETHADDR_LEN) == 0;
}
