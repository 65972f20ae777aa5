/* Addresses as users type and see them, for every network: encoding an
 * output script to its address, and validating a typed address with a
 * precise error. */
#ifndef PROCEEDS_ADDRESS_H
#define PROCEEDS_ADDRESS_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include "proceeds/network.h"
#include "proceeds/script.h"

/* Longest address string plus NUL. */
#define ADDRESS_MAX 92

/* The address shown for an output script on net: P2PK as the key's P2PKH
 * address, P2PKH/P2SH in Base58Check, witness programs in bech32/bech32m.
 * False (out = "") for scripts without an address (multisig, OP_RETURN,
 * non-standard). */
bool address_from_script(char out[ADDRESS_MAX], enum network net,
			 const uint8_t *script, size_t len);

/* Same, from an owner key (script.h). */
bool address_from_owner_key(char out[ADDRESS_MAX], enum network net,
			    const uint8_t *key, size_t key_len);

struct address {
	enum script_type type;  /* P2PKH, P2SH, P2WPKH, P2WSH, P2TR, WITNESS_UNKNOWN */
	uint8_t script[42];     /* the scriptPubKey it pays to */
	size_t script_len;
	uint8_t witness_version;
	const char *encoding;   /* "base58check", "bech32", "bech32m" (static) */
};

/* Validates addr as an address of net. Testnet3, testnet4 and signet share
 * their prefixes; regtest uses Base58 prefixes of testnet and hrp "bcrt".
 * False with a precise *why: "empty address", "invalid base58 character",
 * "checksum mismatch", "unknown version byte 0x..", "address of another
 * network (main)", "unknown network prefix 'tc'", "mixed case", "bech32m
 * required for witness v1", ... (*why may point to a thread-local buffer
 * valid until the next call). */
bool address_decode(struct address *out, enum network net, const char *addr,
		    const char **why) __attribute__((warn_unused_result));

/* Which networks an address string could belong to, as a bit set of
 * (1u << enum network); 0 if it decodes on none. */
unsigned address_networks(const char *addr);

/* WIF private keys (Base58Check, version 0x80/0xef, optional 0x01 suffix for
 * compressed). For test vectors and the simulator's key export. Decoding
 * requires 0 < key < n (secp256k1's order), as Core does. */
bool wif_decode(uint8_t key[32], bool *compressed, enum network net,
		const char *wif, const char **why) __attribute__((warn_unused_result));
bool wif_encode(char out[ADDRESS_MAX], enum network net, const uint8_t key[32],
		bool compressed) __attribute__((warn_unused_result));

#endif
