/* Bitcoin signed-message verification by key recovery (libsecp256k1). */
#include "proceeds/msgverify.h"
#include "proceeds/base64.h"
#include "proceeds/hash.h"

#include <secp256k1.h>
#include <secp256k1_recovery.h>
#include <stdio.h>
#include <string.h>

static const char magic[] = "Bitcoin Signed Message:\n";

const char *msg_sig_kind_name(enum msg_sig_kind k)
{
	switch (k) {
	case MSG_SIG_P2PKH_UNCOMPRESSED: return "p2pkh-uncompressed";
	case MSG_SIG_P2PKH_COMPRESSED: return "p2pkh";
	case MSG_SIG_P2SH_P2WPKH: return "p2sh-p2wpkh";
	case MSG_SIG_P2WPKH: return "p2wpkh";
	}
	return "?";
}

/* Bitcoin's CompactSize. */
static size_t compact_size(uint8_t out[9], uint64_t n)
{
	size_t len = n < 0xfd ? 1 : n <= 0xffff ? 3 : n <= 0xffffffffu ? 5 : 9;
	if (len == 1) {
		out[0] = (uint8_t)n;
		return 1;
	}
	out[0] = len == 3 ? 0xfd : len == 5 ? 0xfe : 0xff;
	for (size_t i = 1; i < len; i++)
		out[i] = (uint8_t)(n >> (8 * (i - 1)));
	return len;
}

void msg_hash(uint8_t out[32], const uint8_t *msg, size_t len)
{
	struct hash_sha256d_ctx ctx;
	struct hash256 h;
	uint8_t pre[9];
	uint8_t mlen = sizeof(magic) - 1;

	hash_sha256d_begin(&ctx);
	hash_sha256d_update(&ctx, &mlen, 1);
	hash_sha256d_update(&ctx, magic, mlen);
	hash_sha256d_update(&ctx, pre, compact_size(pre, len));
	hash_sha256d_update(&ctx, msg, len);
	hash_sha256d_end(&ctx, &h);
	memcpy(out, h.b, 32);
}

/* The scriptPubKey a key pays to in form k. */
static size_t script_of(uint8_t out[42], enum msg_sig_kind k, const uint8_t *pub,
			size_t pub_len)
{
	uint8_t h[20], redeem[22];
	hash_hash160(h, pub, pub_len);
	switch (k) {
	case MSG_SIG_P2PKH_UNCOMPRESSED:
	case MSG_SIG_P2PKH_COMPRESSED:
		out[0] = 0x76, out[1] = 0xa9, out[2] = 0x14;
		memcpy(out + 3, h, 20);
		out[23] = 0x88, out[24] = 0xac;
		return 25;
	case MSG_SIG_P2WPKH:
		out[0] = 0x00, out[1] = 0x14;
		memcpy(out + 2, h, 20);
		return 22;
	case MSG_SIG_P2SH_P2WPKH:
		redeem[0] = 0x00, redeem[1] = 0x14;
		memcpy(redeem + 2, h, 20);
		hash_hash160(h, redeem, sizeof(redeem));
		out[0] = 0xa9, out[1] = 0x14;
		memcpy(out + 2, h, 20);
		out[22] = 0x87;
		return 23;
	}
	return 0;
}

/* Which form a compressed key would have to take to be addr's key. */
static bool kind_of_address(enum msg_sig_kind *k, enum script_type t)
{
	switch (t) {
	case SCRIPT_P2PKH: *k = MSG_SIG_P2PKH_COMPRESSED; return true;
	case SCRIPT_P2SH: *k = MSG_SIG_P2SH_P2WPKH; return true;
	case SCRIPT_P2WPKH: *k = MSG_SIG_P2WPKH; return true;
	case SCRIPT_NONSTANDARD: case SCRIPT_P2PK: case SCRIPT_P2WSH:
	case SCRIPT_P2TR: case SCRIPT_WITNESS_UNKNOWN: case SCRIPT_MULTISIG:
	case SCRIPT_OP_RETURN:
		return false;
	}
	return false;
}

static bool recover(struct msgverify_info *info, const uint8_t sig[65],
		    const uint8_t hash[32], const char **why)
{
	const secp256k1_context *ctx = secp256k1_context_static;
	secp256k1_ecdsa_recoverable_signature rs;
	secp256k1_pubkey pk;
	bool compressed = info->kind != MSG_SIG_P2PKH_UNCOMPRESSED;

	if (!secp256k1_ecdsa_recoverable_signature_parse_compact(ctx, &rs, sig + 1,
								 info->recid)) {
		*why = "signature r or s is out of range";
		return false;
	}
	if (!secp256k1_ecdsa_recover(ctx, &pk, &rs, hash)) {
		*why = "no public key can be recovered from this signature and message";
		return false;
	}
	info->pubkey_len = compressed ? 33 : 65;
	secp256k1_ec_pubkey_serialize(ctx, info->pubkey, &info->pubkey_len, &pk,
				      compressed ? SECP256K1_EC_COMPRESSED
						 : SECP256K1_EC_UNCOMPRESSED);
	return true;
}

static enum msgverify_result decode_inputs(struct msgverify_info *info,
					   struct address *a, uint8_t sig[65],
					   enum network net, const char *addr,
					   const char *sig_b64, const char **why)
{
	static _Thread_local char buf[160];
	enum msg_sig_kind own;
	size_t n;

	if (!address_decode(a, net, addr, why))
		return MSGVERIFY_BAD_INPUT;
	if (!kind_of_address(&own, a->type)) {
		snprintf(buf, sizeof(buf), "a %s address cannot be proven with a "
			 "legacy or BIP137 signature (BIP322 is needed)",
			 script_type_name(a->type));
		*why = buf;
		return MSGVERIFY_BAD_INPUT;
	}
	if (!base64_decode(sig, 65, &n, sig_b64, strlen(sig_b64), why)) {
		if (strcmp(*why, "too long") == 0)
			*why = "signature must be 65 bytes in base64";
		else {
			snprintf(buf, sizeof(buf), "signature is not base64: %s", *why);
			*why = buf;
		}
		return MSGVERIFY_BAD_INPUT;
	}
	if (n != 65) {
		*why = "signature must be 65 bytes in base64";
		return MSGVERIFY_BAD_INPUT;
	}
	if (sig[0] < 27 || sig[0] > 42) {
		snprintf(buf, sizeof(buf), "signature header byte %u is not 27-42", sig[0]);
		*why = buf;
		return MSGVERIFY_INVALID;
	}
	info->kind = (enum msg_sig_kind)((sig[0] - 27) / 4);
	info->recid = (sig[0] - 27) % 4;
	return MSGVERIFY_VALID;
}

enum msgverify_result msgverify(struct msgverify_info *info, enum network net,
				const char *addr, const char *sig_b64,
				const uint8_t *msg, size_t len, const char **why)
{
	static _Thread_local char buf[320];
	struct address a;
	uint8_t sig[65], hash[32], script[42];
	enum msg_sig_kind own;
	enum msgverify_result r;
	size_t slen;

	memset(info, 0, sizeof(*info));
	r = decode_inputs(info, &a, sig, net, addr, sig_b64, why);
	if (r != MSGVERIFY_VALID)
		return r;
	msg_hash(hash, msg, len);
	if (!recover(info, sig, hash, why))
		return MSGVERIFY_INVALID;
	slen = script_of(script, info->kind, info->pubkey, info->pubkey_len);
	if (!address_from_script(info->derived, net, script, slen))
		info->derived[0] = '\0';
	if (slen == a.script_len && memcmp(script, a.script, slen) == 0)
		return MSGVERIFY_VALID;
	if (info->kind != MSG_SIG_P2PKH_UNCOMPRESSED &&
	    kind_of_address(&own, a.type) && own != info->kind) {
		slen = script_of(script, own, info->pubkey, info->pubkey_len);
		if (slen == a.script_len && memcmp(script, a.script, slen) == 0) {
			info->header_mismatch = true;
			return MSGVERIFY_VALID;
		}
	}
	snprintf(buf, sizeof(buf), "the signature is by the key of %s (%s form), "
		 "not of %s: the message, address or signature is not what was signed",
		 info->derived, msg_sig_kind_name(info->kind), addr);
	*why = buf;
	return MSGVERIFY_INVALID;
}
