/* Hex encoding for scripts, raw transactions and keys. */
#ifndef PROCEEDS_HEX_H
#define PROCEEDS_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Writes 2*len lowercase hex chars and a NUL into out (2*len+1 bytes). */
void hex_encode(char *out, const uint8_t *data, size_t len);

/* The value of one hex digit (either case), or -1. */
int hex_nibble(char c);

/* Decodes hex (upper or lower case, even length, no spaces) into out, which
 * must hold hexlen/2 bytes. False with *why on odd length or a non-hex char. */
bool hex_decode(uint8_t *out, const char *hex, size_t hexlen, const char **why)
	__attribute__((warn_unused_result));

/* Decodes into a new buffer (caller frees) of *outlen bytes; trailing
 * whitespace is ignored, as pasted hex usually carries a newline. */
bool hex_decode_alloc(uint8_t **out, size_t *outlen, const char *hex,
		      size_t hexlen, const char **why)
	__attribute__((warn_unused_result));

#endif
