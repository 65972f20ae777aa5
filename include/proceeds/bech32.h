/* Bech32 (BIP173) and Bech32m (BIP350) strings and segwit addresses. */
#ifndef PROCEEDS_BECH32_H
#define PROCEEDS_BECH32_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum bech32_variant {
	BECH32_PLAIN,  /* BIP173 constant 1 */
	BECH32_M,      /* BIP350 constant 0x2bc830a3 */
};

#define BECH32_MAX_LEN 90

/* Encodes hrp + 5-bit data values (each < 32) with the variant's checksum.
 * out holds BECH32_MAX_LEN+1 bytes; false if the result would exceed 90. */
bool bech32_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
		   const uint8_t *data5, size_t len, enum bech32_variant v)
	__attribute__((warn_unused_result));

/* Decodes a bech32/bech32m string: hrp (lowercased, hrp_out holds 84 bytes),
 * 5-bit data without the checksum (data5 holds BECH32_MAX_LEN bytes), and
 * which variant's checksum matched.
 * False with *why: "mixed case", "checksum mismatch", "invalid character",
 * "too long", "missing separator", ... */
bool bech32_decode(char *hrp_out, uint8_t *data5, size_t *data5_len,
		   enum bech32_variant *v, const char *str, const char **why)
	__attribute__((warn_unused_result));

/* Segwit address for (version, program) under hrp; v0 uses bech32, v1+
 * bech32m (BIP350). False if the program length is invalid. */
bool segwit_addr_encode(char out[BECH32_MAX_LEN + 1], const char *hrp,
			unsigned version, const uint8_t *prog, size_t prog_len)
	__attribute__((warn_unused_result));

/* Decodes a segwit address expecting hrp; precise errors such as
 * "bech32m required for witness v1" (v1..v16), "bech32 required for
 * witness v0", "invalid program length", "invalid padding", "wrong network
 * prefix", plus those of bech32_decode. */
bool segwit_addr_decode(unsigned *version, uint8_t prog[40], size_t *prog_len,
			const char *hrp, const char *addr, const char **why)
	__attribute__((warn_unused_result));

#endif
