/* Base64 (RFC 4648, standard alphabet, padded), as Bitcoin signed
 * messages carry their signatures. */
#ifndef PROCEEDS_BASE64_H
#define PROCEEDS_BASE64_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Length of the encoding of n bytes, without the NUL. */
size_t base64_encoded_len(size_t n);

/* Writes base64_encoded_len(len) chars and a NUL into out. */
void base64_encode(char *out, const uint8_t *data, size_t len);

/* Decodes s[0..slen) strictly: length a multiple of 4, '=' only as final
 * padding, unused bits zero, no whitespace. At most outsz bytes into out,
 * *outlen set. False with *why ("invalid base64 character", "bad base64
 * padding", "base64 length not a multiple of 4", "too long"). */
bool base64_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *s,
		   size_t slen, const char **why) __attribute__((warn_unused_result));

#endif
