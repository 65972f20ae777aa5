/* Hex encoding and decoding. */
#include "proceeds/hex.h"

#include <ctype.h>
#include <stdlib.h>

void hex_encode(char *out, const uint8_t *data, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	for (size_t i = 0; i < len; i++) {
		out[2 * i] = digits[data[i] >> 4];
		out[2 * i + 1] = digits[data[i] & 15];
	}
	out[2 * len] = '\0';
}

int hex_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

bool hex_decode(uint8_t *out, const char *hex, size_t hexlen, const char **why)
{
	if (hexlen % 2) {
		*why = "odd number of hex digits";
		return false;
	}
	for (size_t i = 0; i < hexlen / 2; i++) {
		int hi = hex_nibble(hex[2 * i]), lo = hex_nibble(hex[2 * i + 1]);
		if (hi < 0 || lo < 0) {
			*why = "invalid hex character";
			return false;
		}
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

bool hex_decode_alloc(uint8_t **out, size_t *outlen, const char *hex,
		      size_t hexlen, const char **why)
{
	*out = NULL;
	*outlen = 0;
	while (hexlen && isspace((unsigned char)hex[hexlen - 1]))
		hexlen--;
	uint8_t *buf = malloc(hexlen / 2 + 1);
	if (!buf) {
		*why = "out of memory";
		return false;
	}
	if (!hex_decode(buf, hex, hexlen, why)) {
		free(buf);
		return false;
	}
	*out = buf;
	*outlen = hexlen / 2;
	return true;
}
