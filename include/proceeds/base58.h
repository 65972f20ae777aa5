/* Base58 and Base58Check (Bitcoin alphabet). */
#ifndef PROCEEDS_BASE58_H
#define PROCEEDS_BASE58_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

/* Encodes data into out (NUL-terminated). False if outsz is too small.
 * Every leading zero byte becomes '1'. */
bool base58_encode(char *out, size_t outsz, const uint8_t *data, size_t len)
	__attribute__((warn_unused_result));

/* Decodes str into out; *outlen gets the byte count. False with *why on a
 * character outside the alphabet or a result larger than outsz. Leading and
 * trailing spaces are accepted as Core's DecodeBase58 does. */
bool base58_decode(uint8_t *out, size_t outsz, size_t *outlen, const char *str,
		   const char **why) __attribute__((warn_unused_result));

/* Base58Check: data || first 4 bytes of SHA256d(data). */
bool base58check_encode(char *out, size_t outsz, const uint8_t *data, size_t len)
	__attribute__((warn_unused_result));
/* Decodes and verifies the checksum ("checksum mismatch"). *outlen excludes
 * the checksum. */
bool base58check_decode(uint8_t *out, size_t outsz, size_t *outlen,
			const char *str, const char **why)
	__attribute__((warn_unused_result));

#endif
