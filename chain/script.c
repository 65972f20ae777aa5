/* scriptPubKey templates (Core's solver.cpp). */
#include "proceeds/script.h"
#include "proceeds/hash.h"

#include <string.h>

enum {
	OP_0 = 0x00,
	OP_PUSHDATA1 = 0x4c,
	OP_PUSHDATA2 = 0x4d,
	OP_PUSHDATA4 = 0x4e,
	OP_1 = 0x51,
	OP_16 = 0x60,
	OP_RETURN = 0x6a,
	OP_DUP = 0x76,
	OP_EQUAL = 0x87,
	OP_EQUALVERIFY = 0x88,
	OP_HASH160 = 0xa9,
	OP_CHECKSIG = 0xac,
	OP_CHECKMULTISIG = 0xae,
};

static const char *const type_names[SCRIPT_TYPE_COUNT] = {
	[SCRIPT_NONSTANDARD] = "nonstandard",
	[SCRIPT_P2PK] = "p2pk",
	[SCRIPT_P2PKH] = "p2pkh",
	[SCRIPT_P2SH] = "p2sh",
	[SCRIPT_P2WPKH] = "p2wpkh",
	[SCRIPT_P2WSH] = "p2wsh",
	[SCRIPT_P2TR] = "p2tr",
	[SCRIPT_WITNESS_UNKNOWN] = "witness_unknown",
	[SCRIPT_MULTISIG] = "multisig",
	[SCRIPT_OP_RETURN] = "op_return",
};

const char *script_type_name(enum script_type t)
{
	return type_names[t];
}

bool script_type_from_name(enum script_type *out, const char *name)
{
	for (int i = 0; i < SCRIPT_TYPE_COUNT; i++) {
		if (strcmp(type_names[i], name) == 0) {
			*out = (enum script_type)i;
			return true;
		}
	}
	return false;
}

/* Core's IsValidSignatureEncoding is not our business; a P2PK key only has
 * to look like a key: 33 bytes with 02/03 or 65 bytes with 04 (Core's
 * CPubKey::ValidSize also admits hybrid 06/07 in old outputs). */
static bool pubkey_shape(const uint8_t *k, size_t len)
{
	if (len == 33)
		return k[0] == 0x02 || k[0] == 0x03;
	if (len == 65)
		return k[0] == 0x04 || k[0] == 0x06 || k[0] == 0x07;
	return false;
}

static bool witness_program(struct script_info *out, const uint8_t *s, size_t len)
{
	if (len < 4 || len > 42)
		return false;
	if (s[0] != OP_0 && (s[0] < OP_1 || s[0] > OP_16))
		return false;
	if ((size_t)s[1] + 2 != len)
		return false;
	out->witness_version = s[0] == OP_0 ? 0 : (uint8_t)(s[0] - OP_1 + 1);
	out->data = s + 2;
	out->data_len = s[1];
	if (out->witness_version == 0) {
		if (len == 22)
			out->type = SCRIPT_P2WPKH;
		else if (len == 34)
			out->type = SCRIPT_P2WSH;
		else
			return false; /* v0 of other length: non-standard */
	} else if (out->witness_version == 1 && len == 34) {
		out->type = SCRIPT_P2TR;
	} else {
		out->type = SCRIPT_WITNESS_UNKNOWN;
	}
	return true;
}

/* Core's CScript::GetOp: the opcode at *pos and, for a push, its data.
 * False when a push runs past the end. */
static bool get_op(const uint8_t *s, size_t len, size_t *pos, uint8_t *op,
		   const uint8_t **data, size_t *data_len)
{
	size_t i = *pos, n = 0, w = 0;
	if (i >= len)
		return false;
	*op = s[i++];
	if (*op < OP_PUSHDATA1)
		n = *op;
	else if (*op <= OP_PUSHDATA4)
		w = *op == OP_PUSHDATA1 ? 1 : *op == OP_PUSHDATA2 ? 2 : 4;
	if (w > len - i)
		return false;
	for (size_t k = 0; k < w; k++)
		n |= (size_t)s[i + k] << (8 * k);
	i += w;
	if (n > len - i)
		return false;
	*data = s + i;
	*data_len = n;
	*pos = i + n;
	return true;
}

/* OP_RETURN followed by pushes only (Core's NULL_DATA). */
static bool null_data(const uint8_t *s, size_t len)
{
	size_t pos = 1, dl;
	const uint8_t *d;
	uint8_t op;
	if (len < 1 || s[0] != OP_RETURN)
		return false;
	while (pos < len)
		if (!get_op(s, len, &pos, &op, &d, &dl) || op > OP_16)
			return false;
	return true;
}

/* Bare multisig as Core's MatchMultisig: OP_m, pushes of valid-size keys
 * (any push opcode), OP_n, OP_CHECKMULTISIG, with 1 <= m <= n <= 16.
 * Reports where the keys start. */
static bool multisig(struct script_info *out, const uint8_t *s, size_t len)
{
	size_t pos = 1, dl, keys = 0;
	const uint8_t *d;
	uint8_t op = 0;
	if (len < 3 || s[len - 1] != OP_CHECKMULTISIG || s[0] < OP_1 ||
	    s[0] > OP_16)
		return false;
	while (get_op(s, len, &pos, &op, &d, &dl) && op <= OP_PUSHDATA4 &&
	       pubkey_shape(d, dl))
		keys++;
	if (op < OP_1 || op > OP_16 || pos != len - 1)
		return false;
	unsigned m = s[0] - OP_1 + 1u, n = op - OP_1 + 1u;
	if (keys != n || m > n)
		return false;
	out->type = SCRIPT_MULTISIG;
	out->m = (uint8_t)m;
	out->n = (uint8_t)n;
	return true;
}

void script_classify(struct script_info *out, const uint8_t *s, size_t len)
{
	memset(out, 0, sizeof(*out));
	out->type = SCRIPT_NONSTANDARD;
	if (len == 25 && s[0] == OP_DUP && s[1] == OP_HASH160 && s[2] == 20 &&
	    s[23] == OP_EQUALVERIFY && s[24] == OP_CHECKSIG) {
		out->type = SCRIPT_P2PKH;
		out->data = s + 3;
		out->data_len = 20;
	} else if (len == 23 && s[0] == OP_HASH160 && s[1] == 20 &&
		   s[22] == OP_EQUAL) {
		out->type = SCRIPT_P2SH;
		out->data = s + 2;
		out->data_len = 20;
	} else if (witness_program(out, s, len)) {
		/* set by witness_program */
	} else if ((len == 35 || len == 67) && s[0] == len - 2 &&
		   s[len - 1] == OP_CHECKSIG && pubkey_shape(s + 1, len - 2)) {
		out->type = SCRIPT_P2PK;
		out->data = s + 1;
		out->data_len = (uint8_t)(len - 2);
	} else if (null_data(s, len)) {
		out->type = SCRIPT_OP_RETURN;
	} else if (!multisig(out, s, len)) {
		memset(out, 0, sizeof(*out));
		out->type = SCRIPT_NONSTANDARD;
	}
}

bool script_multisig_key(const uint8_t **key, size_t *key_len,
			 const uint8_t *s, size_t len, unsigned idx)
{
	struct script_info si;
	size_t pos = 1;
	uint8_t op;
	script_classify(&si, s, len);
	if (si.type != SCRIPT_MULTISIG || idx >= si.n)
		return false;
	for (unsigned k = 0; k <= idx; k++)
		if (!get_op(s, len, &pos, &op, key, key_len))
			return false;
	return true;
}

size_t script_owner_key(uint8_t out[SCRIPT_KEY_MAX], const uint8_t *s, size_t len)
{
	struct script_info si;
	script_classify(&si, s, len);
	switch (si.type) {
	case SCRIPT_P2PKH:
		out[0] = SCRIPT_KEY_PKH;
		memcpy(out + 1, si.data, 20);
		return 21;
	case SCRIPT_P2PK:
		out[0] = SCRIPT_KEY_PKH;
		hash_hash160(out + 1, si.data, si.data_len);
		return 21;
	case SCRIPT_P2SH:
		out[0] = SCRIPT_KEY_SH;
		memcpy(out + 1, si.data, 20);
		return 21;
	case SCRIPT_P2WPKH:
	case SCRIPT_P2WSH:
	case SCRIPT_P2TR:
	case SCRIPT_WITNESS_UNKNOWN:
		out[0] = SCRIPT_KEY_WITNESS;
		out[1] = si.witness_version;
		memcpy(out + 2, si.data, si.data_len);
		return 2 + (size_t)si.data_len;
	case SCRIPT_MULTISIG:
	case SCRIPT_OP_RETURN:
	case SCRIPT_NONSTANDARD:
		break;
	}
	out[0] = SCRIPT_KEY_SCRIPT;
	hash_sha256(out + 1, s, len);
	return 33;
}

size_t script_from_owner_key(uint8_t out[42], const uint8_t *key, size_t key_len)
{
	if (key_len == 21 && key[0] == SCRIPT_KEY_PKH) {
		static const uint8_t pre[3] = { OP_DUP, OP_HASH160, 20 };
		memcpy(out, pre, 3);
		memcpy(out + 3, key + 1, 20);
		out[23] = OP_EQUALVERIFY;
		out[24] = OP_CHECKSIG;
		return 25;
	}
	if (key_len == 21 && key[0] == SCRIPT_KEY_SH) {
		out[0] = OP_HASH160;
		out[1] = 20;
		memcpy(out + 2, key + 1, 20);
		out[22] = OP_EQUAL;
		return 23;
	}
	if (key_len >= 4 && key_len <= 42 && key[0] == SCRIPT_KEY_WITNESS &&
	    key[1] <= 16) {
		out[0] = key[1] == 0 ? OP_0 : (uint8_t)(OP_1 + key[1] - 1);
		out[1] = (uint8_t)(key_len - 2);
		memcpy(out + 2, key + 2, key_len - 2);
		return key_len;
	}
	return 0;
}
