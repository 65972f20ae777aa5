/* Bech32 and Bech32m (BIP173, BIP350) and segwit addresses. */
#include "proceeds/bech32.h"

#include <string.h>

static const char charset[] = "qpzry9x8gf2tvdw0s3jn54khce6mua7l";

static uint32_t polymod_step(uint32_t pre)
{
	uint8_t b = (uint8_t)(pre >> 25);
	return ((pre & 0x1ffffff) << 5) ^ (-((b >> 0) & 1) & 0x3b6a57b2UL) ^
	       (-((b >> 1) & 1) & 0x26508e6dUL) ^ (-((b >> 2) & 1) & 0x1ea119faUL) ^
	       (-((b >> 3) & 1) & 0x3d4233ddUL) ^ (-((b >> 4) & 1) & 0x2a1462b3UL);
}

static uint32_t variant_const(enum bech32_variant v)
{
	return v == BECH32_M ? 0x2bc830a3u : 1u;
}

static uint32_t hrp_polymod(const char *hrp)
{
	uint32_t chk = 1;
	size_t n = strlen(hrp);
	/* i < strlen(hrp): every byte read is set (the analyzer loses track). */
	for (size_t i = 0; i < n; i++)
		/* NOLINTNEXTLINE(clang-analyzer-core.UndefinedBinaryOperatorResult) */
		chk = polymod_step(chk) ^ ((uint8_t)hrp[i] >> 5);
	chk = polymod_step(chk);
	for (size_t i = 0; i < n; i++)
		chk = polymod_step(chk) ^ ((uint8_t)hrp[i] & 0x1f);
	return chk;
}

bool bech32_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
		   const uint8_t *data5, size_t len, enum bech32_variant v)
{
	size_t hl = strlen(hrp);
	if (hl < 1 || hl + 1 + len + 6 > BECH32_MAX_LEN)
		return false;
	uint32_t chk = hrp_polymod(hrp);
	char *o = out;
	for (size_t i = 0; i < hl; i++) {
		char c = hrp[i];
		*o++ = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	*o++ = '1';
	for (size_t i = 0; i < len; i++) {
		if (data5[i] >> 5)
			return false;
		chk = polymod_step(chk) ^ data5[i];
		*o++ = charset[data5[i]];
	}
	for (int i = 0; i < 6; i++)
		chk = polymod_step(chk);
	chk ^= variant_const(v);
	for (int i = 0; i < 6; i++)
		*o++ = charset[(chk >> ((5 - i) * 5)) & 0x1f];
	*o = '\0';
	return true;
}

static int8_t charset_rev(char c)
{
	if (c >= 'A' && c <= 'Z')
		c = (char)(c + 32);
	const char *p = c ? strchr(charset, c) : NULL;
	return p ? (int8_t)(p - charset) : -1;
}

static bool check_case(const char *s, size_t n, const char **why)
{
	bool lower = false, upper = false;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 33 || c > 126) {
			*why = "invalid character";
			return false;
		}
		lower |= c >= 'a' && c <= 'z';
		upper |= c >= 'A' && c <= 'Z';
	}
	if (lower && upper) {
		*why = "mixed case";
		return false;
	}
	return true;
}

bool bech32_decode(char *hrp_out, uint8_t *data5, size_t *data5_len,
		   enum bech32_variant *v, const char *str, const char **why)
{
	size_t n = strlen(str), sep;
	*data5_len = 0;
	hrp_out[0] = '\0';
	if (n > BECH32_MAX_LEN)
		return (*why = "too long"), false;
	if (!check_case(str, n, why))
		return false;
	const char *one = strrchr(str, '1');
	if (!one)
		return (*why = "missing separator"), false;
	sep = (size_t)(one - str);
	if (sep < 1)
		return (*why = "empty human-readable part"), false;
	if (n - sep - 1 < 6)
		return (*why = "checksum too short"), false;
	for (size_t i = 0; i < sep; i++) {
		char c = str[i];
		hrp_out[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
	}
	hrp_out[sep] = '\0';
	uint32_t chk = hrp_polymod(hrp_out);
	for (size_t i = sep + 1; i < n; i++) {
		int8_t d = charset_rev(str[i]);
		if (d < 0)
			return (*why = "invalid character"), false;
		chk = polymod_step(chk) ^ (uint32_t)d;
		if (i + 6 < n)
			data5[(*data5_len)++] = (uint8_t)d;
	}
	if (chk == variant_const(BECH32_PLAIN))
		*v = BECH32_PLAIN;
	else if (chk == variant_const(BECH32_M))
		*v = BECH32_M;
	else {
		*data5_len = 0;
		return (*why = "checksum mismatch"), false;
	}
	return true;
}

/* General power-of-2 base conversion (BIP173 reference). */
static bool convert_bits(uint8_t *out, size_t *outlen, int outbits,
			 const uint8_t *in, size_t inlen, int inbits, bool pad)
{
	uint32_t val = 0, maxv = (1u << outbits) - 1;
	int bits = 0;
	*outlen = 0;
	for (size_t i = 0; i < inlen; i++) {
		val = (val << inbits) | in[i];
		bits += inbits;
		while (bits >= outbits) {
			bits -= outbits;
			out[(*outlen)++] = (uint8_t)((val >> bits) & maxv);
		}
	}
	if (pad) {
		if (bits)
			out[(*outlen)++] = (uint8_t)((val << (outbits - bits)) & maxv);
	} else if (bits >= inbits || ((val << (outbits - bits)) & maxv)) {
		return false;
	}
	return true;
}

bool segwit_addr_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
			unsigned version, const uint8_t *prog, size_t prog_len)
{
	uint8_t data[65];
	size_t len;
	if (version > 16 || prog_len < 2 || prog_len > 40)
		return false;
	if (version == 0 && prog_len != 20 && prog_len != 32)
		return false;
	data[0] = (uint8_t)version;
	convert_bits(data + 1, &len, 5, prog, prog_len, 8, true);
	return bech32_encode(out, hrp, data, len + 1,
			     version == 0 ? BECH32_PLAIN : BECH32_M);
}

/* "bech32m required for witness vN" for N = 1..16, as static strings. */
#define V1PLUS(n) "bech32m required for witness v" #n
static const char *const need_bech32m[17] = {
	NULL,	     V1PLUS(1),	 V1PLUS(2),  V1PLUS(3),	 V1PLUS(4),  V1PLUS(5),
	V1PLUS(6),   V1PLUS(7),	 V1PLUS(8),  V1PLUS(9),	 V1PLUS(10), V1PLUS(11),
	V1PLUS(12),  V1PLUS(13), V1PLUS(14), V1PLUS(15), V1PLUS(16),
};

/* Checks in Core's order (key_io.cpp DecodeDestination): network, empty
 * data, checksum variant against the version, padding, program length. */
bool segwit_addr_decode(unsigned *version, uint8_t prog[40], size_t *prog_len,
			const char *hrp, const char *addr, const char **why)
{
	char hrp_got[BECH32_MAX_LEN + 1];
	uint8_t data[BECH32_MAX_LEN];
	size_t len;
	enum bech32_variant v;

	*prog_len = 0;
	if (!bech32_decode(hrp_got, data, &len, &v, addr, why))
		return false;
	if (strcmp(hrp_got, hrp) != 0)
		return (*why = "wrong network prefix"), false;
	if (len < 1)
		return (*why = "empty data section"), false;
	if (data[0] > 16)
		return (*why = "invalid witness version"), false;
	if (data[0] == 0 && v != BECH32_PLAIN)
		return (*why = "bech32 required for witness v0"), false;
	if (data[0] != 0 && v != BECH32_M)
		return (*why = need_bech32m[data[0]]), false;
	if ((len - 1) * 5 / 8 > 40)
		return (*why = "invalid program length"), false;
	if (!convert_bits(prog, prog_len, 8, data + 1, len - 1, 5, false))
		return (*prog_len = 0), (*why = "invalid padding"), false;
	if (data[0] == 0 && *prog_len != 20 && *prog_len != 32)
		return (*prog_len = 0),
		       (*why = "invalid program length for witness v0"), false;
	if (*prog_len < 2 || *prog_len > 40)
		return (*prog_len = 0), (*why = "invalid program length"), false;
	*version = data[0];
	return true;
}
