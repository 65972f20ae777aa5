/* scriptPubKey classification: what kind of output, and the hash, program or
 * key that identifies its owner. Pure byte matching, no allocation. */
#ifndef PROCEEDS_SCRIPT_H
#define PROCEEDS_SCRIPT_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

enum script_type {
	SCRIPT_NONSTANDARD,
	SCRIPT_P2PK,            /* <33|65-byte pubkey> OP_CHECKSIG */
	SCRIPT_P2PKH,
	SCRIPT_P2SH,
	SCRIPT_P2WPKH,
	SCRIPT_P2WSH,
	SCRIPT_P2TR,
	SCRIPT_WITNESS_UNKNOWN, /* witness v1 non-32-byte, v2..v16 */
	SCRIPT_MULTISIG,        /* bare m-of-n CHECKMULTISIG (keys pushed
	                         * with any push opcode, as Core matches) */
	SCRIPT_OP_RETURN,       /* OP_RETURN then pushes only (Core's
	                         * nulldata); other OP_RETURN scripts are
	                         * non-standard */
};
#define SCRIPT_TYPE_COUNT 10

struct script_info {
	enum script_type type;
	const uint8_t *data;    /* borrowed from the script: hash, program, pubkey */
	uint8_t data_len;
	uint8_t witness_version; /* for witness types */
	uint8_t m, n;            /* multisig: m of n keys */
};

/* Classifies script[0..len). Always succeeds: anything unrecognised is
 * SCRIPT_NONSTANDARD. */
void script_classify(struct script_info *out, const uint8_t *script, size_t len);

/* Short stable name: "p2pkh", "p2wsh", "multisig", "op_return", ... */
const char *script_type_name(enum script_type t);
bool script_type_from_name(enum script_type *out, const char *name)
	__attribute__((warn_unused_result));

/* The i-th key (0-based) of a bare multisig script; false past n. */
bool script_multisig_key(const uint8_t **key, size_t *key_len,
			 const uint8_t *script, size_t len, unsigned i)
	__attribute__((warn_unused_result));

/* The owner key of an output: the bytes proceeds uses to group outputs into
 * "addresses". P2PK maps to the P2PKH key of HASH160(pubkey) (the address
 * wallets show for it); types without an address use SHA256(script).
 * Layout: 1 byte kind, then the payload. At most SCRIPT_KEY_MAX bytes. */
#define SCRIPT_KEY_MAX 42
enum script_key_kind {
	SCRIPT_KEY_PKH = 1,     /* + 20-byte hash160 */
	SCRIPT_KEY_SH = 2,      /* + 20-byte hash160 */
	SCRIPT_KEY_WITNESS = 3, /* + version byte + 2..40-byte program */
	SCRIPT_KEY_SCRIPT = 4,  /* + 32-byte SHA256(script): no address */
};
size_t script_owner_key(uint8_t out[SCRIPT_KEY_MAX], const uint8_t *script,
			size_t len);

/* Builds the scriptPubKey for an owner key of kind PKH/SH/WITNESS into out
 * (up to 42 bytes); returns its length, 0 for SCRIPT_KEY_SCRIPT. */
size_t script_from_owner_key(uint8_t out[42], const uint8_t *key, size_t key_len);

#endif
