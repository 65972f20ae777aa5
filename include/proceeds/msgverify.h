/* Bitcoin signed messages ("signmessage"): the legacy P2PKH form and the
 * BIP137 segwit forms, checked by public key recovery.
 *
 * A signature is 65 bytes, base64: a header byte, then r and s. The header
 * is 27 + recovery id for P2PKH with an uncompressed key, 31+ for P2PKH
 * with a compressed key, 35+ for P2SH-P2WPKH and 39+ for P2WPKH (BIP137).
 * The signed hash is SHA256d("\x18Bitcoin Signed Message:\n" ||
 * compactsize(len) || message). */
#ifndef PROCEEDS_MSGVERIFY_H
#define PROCEEDS_MSGVERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/address.h"
#include "proceeds/network.h"

enum msg_sig_kind {
	MSG_SIG_P2PKH_UNCOMPRESSED, /* header 27-30 */
	MSG_SIG_P2PKH_COMPRESSED,   /* header 31-34 */
	MSG_SIG_P2SH_P2WPKH,        /* header 35-38, BIP137 */
	MSG_SIG_P2WPKH,             /* header 39-42, BIP137 */
};

/* "p2pkh-uncompressed", "p2pkh", "p2sh-p2wpkh", "p2wpkh" (static). */
const char *msg_sig_kind_name(enum msg_sig_kind k);

enum msgverify_result {
	MSGVERIFY_VALID,     /* the address's key signed this message */
	MSGVERIFY_INVALID,   /* well-formed, but not a signature of it */
	MSGVERIFY_BAD_INPUT, /* address or signature cannot be read */
};

/* What the check found, for reporting. */
struct msgverify_info {
	enum msg_sig_kind kind;      /* from the header byte */
	int recid;
	uint8_t pubkey[65];          /* recovered key as the header says */
	size_t pubkey_len;           /* 33 or 65; 0 when none recovered */
	char derived[ADDRESS_MAX];   /* the address the header's form gives */
	bool header_mismatch;        /* valid only with ADDR's own type (see below) */
};

/* The message hash (32 bytes, as signed). */
void msg_hash(uint8_t out[32], const uint8_t *msg, size_t len);

/* Checks a base64 signature of msg by addr on net. addr's type decides the
 * comparison; P2PKH, P2SH (as P2SH-P2WPKH) and P2WPKH can be checked, other
 * types need BIP322 (BAD_INPUT). A compressed-key header of another type
 * than addr's is accepted when the recovered key is addr's key, since
 * Electrum and others sign segwit addresses with header 31-34; then
 * info->header_mismatch is set. *why says why for INVALID and BAD_INPUT. */
enum msgverify_result msgverify(struct msgverify_info *info, enum network net,
				const char *addr, const char *sig_b64,
				const uint8_t *msg, size_t len, const char **why)
	__attribute__((warn_unused_result));

#endif
