/* Base64, standard alphabet with padding. */
#include "proceeds/base64.h"

static const char alphabet[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

size_t base64_encoded_len(size_t n)
{
	return (n + 2) / 3 * 4;
}

void base64_encode(char *out, const uint8_t *data, size_t len)
{
	size_t i = 0;
	for (; i + 3 <= len; i += 3) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8 | data[i + 2];
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = alphabet[v & 63];
	}
	if (len - i == 1) {
		uint32_t v = (uint32_t)data[i] << 16;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = '=';
		*out++ = '=';
	} else if (len - i == 2) {
		uint32_t v = (uint32_t)data[i] << 16 | (uint32_t)data[i + 1] << 8;
		*out++ = alphabet[v >> 18];
		*out++ = alphabet[(v >> 12) & 63];
		*out++ = alphabet[(v >> 6) & 63];
		*out++ = '=';
	}
	*out = '\0';
}

static int value_of(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/* One 4-char group; only the last may end in "=" or "==". */
static bool decode_group(uint8_t b[3], size_t *nb, const char *s, bool last,
			 const char **why)
{
	uint32_t v = 0;
	int pad = 0;
	if (last && s[3] == '=')
		pad = s[2] == '=' ? 2 : 1;
	for (int k = 0; k < 4; k++) {
		int d = k >= 4 - pad ? 0 : value_of(s[k]);
		if (d < 0) {
			*why = s[k] == '=' ? "bad base64 padding" : "invalid base64 character";
			return false;
		}
		v = v << 6 | (uint32_t)d;
	}
	if ((pad == 1 && (v & 0xff)) || (pad == 2 && (v & 0xffff))) {
		*why = "bad base64 padding (unused bits set)";
		return false;
	}
	b[0] = (uint8_t)(v >> 16);
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)v;
	*nb = (size_t)(3 - pad);
	return true;
}

bool base64_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *s,
		   size_t slen, const char **why)
{
	*outlen = 0;
	if (slen % 4 != 0) {
		*why = "base64 length not a multiple of 4";
		return false;
	}
	for (size_t i = 0; i < slen; i += 4) {
		uint8_t b[3];
		size_t nb;
		if (!decode_group(b, &nb, s + i, i + 4 == slen, why))
			return false;
		if (*outlen + nb > outsz) {
			*why = "too long";
			return false;
		}
		for (size_t k = 0; k < nb; k++)
			out[(*outlen)++] = b[k];
	}
	return true;
}
