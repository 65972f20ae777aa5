/* Account addresses of Ethereum and the EVM chains: 20 bytes, the last 20
 * of Keccak-256 of the uncompressed secp256k1 public key (or a contract's
 * creation hash). Written as "0x" + 40 hex digits, checksummed by EIP-55's
 * letter case; TRON writes the same 20 bytes behind a 0x41 byte, in
 * Base58Check ("T...", 34 characters) or as 42 hex digits ("41..."). */
#ifndef PROCEEDS_ETHADDR_H
#define PROCEEDS_ETHADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ETHADDR_LEN 20
/* "0x" + 40 hex digits + NUL; also "41" + 40 for TRON's hex form. */
#define ETHADDR_STRLEN 43
/* TRON's Base58Check form: 34 characters + NUL. */
#define ETHADDR_TRON_STRLEN 35
/* TRON's version byte: every mainnet address starts with it, hence 'T'. */
#define ETHADDR_TRON_PREFIX 0x41

struct ethaddr {
	uint8_t b[ETHADDR_LEN];
};

/* Parses "0x" + 40 hex digits. All lower case and all upper case carry no
 * checksum and are accepted as they are; mixed case must be EIP-55's:
 * anything else is refused, since a wrong-case letter means the address
 * was mistyped. *why names the place: "missing 0x prefix", "expected 40
 * hex digits after 0x, got N", "not a hex digit at character N",
 * "EIP-55 checksum mismatch at character N ('a' should be 'A')"
 * (characters counted from 1, the "0x" included); the caller prefixes
 * its field. *out is zeroed first. */
bool ethaddr_parse(struct ethaddr *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

/* The EIP-55 form ("0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"). Returns
 * out. */
char *ethaddr_to_str(char out[ETHADDR_STRLEN], const struct ethaddr *a);

/* All lower case: the form nodes return and the one to key indexes by.
 * Returns out. */
char *ethaddr_to_lower(char out[ETHADDR_STRLEN], const struct ethaddr *a);

/* The address of a secp256k1 public key, compressed (33 bytes) or
 * uncompressed (65): Keccak-256 of the 64 coordinate bytes, last 20. False
 * with *why ("not a secp256k1 public key") when the bytes are no point of
 * the curve. *out is zeroed first. */
bool ethaddr_from_pubkey(struct ethaddr *out, const uint8_t *pub, size_t len,
			 const char **why) __attribute__((warn_unused_result));

/* Parses TRON's Base58Check form ("T..."): 21 bytes, 0x41 first. False
 * with *why (base58.h's reasons, "checksum mismatch", "not 21 bytes",
 * "version byte 0xNN, not TRON's 0x41") otherwise; *out zeroed first. */
bool ethaddr_from_tron(struct ethaddr *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

/* TRON's Base58Check form of a. Returns out. */
char *ethaddr_to_tron(char out[ETHADDR_TRON_STRLEN], const struct ethaddr *a);

/* Parses TRON's hex form: "41" + 40 hex digits, either case (TRON's APIs
 * return it upper case, with no checksum). *why as ethaddr_parse's
 * ("missing 41 prefix", ...); *out zeroed first. */
bool ethaddr_from_tron_hex(struct ethaddr *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

/* "41" + 40 lower-case hex digits. Returns out. */
char *ethaddr_to_tron_hex(char out[ETHADDR_STRLEN], const struct ethaddr *a);

bool ethaddr_eq(const struct ethaddr *a, const struct ethaddr *b);

#endif
