/* Addresses <-> scripts for every network. */
#include "proceeds/address.h"
#include "proceeds/base58.h"
#include "proceeds/bech32.h"
#include "proceeds/hash.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

static bool base58_addr(char out[ADDRESS_MAX], uint8_t version,
			const uint8_t hash[20])
{
	uint8_t buf[21];
	buf[0] = version;
	memcpy(buf + 1, hash, 20);
	return base58check_encode(out, ADDRESS_MAX, buf, 21);
}

bool address_from_owner_key(char out[ADDRESS_MAX], enum network net,
			    const uint8_t *key, size_t key_len)
{
	const struct network_params *p = network_params(net);
	out[0] = '\0';
	if (key_len == 21 && key[0] == SCRIPT_KEY_PKH)
		return base58_addr(out, p->p2pkh_version, key + 1);
	if (key_len == 21 && key[0] == SCRIPT_KEY_SH)
		return base58_addr(out, p->p2sh_version, key + 1);
	if (key_len >= 4 && key[0] == SCRIPT_KEY_WITNESS)
		return segwit_addr_encode(out, p->hrp, key[1], key + 2, key_len - 2);
	return false;
}

bool address_from_script(char out[ADDRESS_MAX], enum network net,
			 const uint8_t *script, size_t len)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl = script_owner_key(key, script, len);
	return address_from_owner_key(out, net, key, kl);
}

static bool base58_payload(uint8_t *version, uint8_t hash[20],
			   const char *addr, const char **why)
{
	uint8_t buf[64];
	size_t n;
	if (!base58check_decode(buf, sizeof(buf), &n, addr, why))
		return false;
	if (n != 21) {
		*why = "invalid length for a base58 address";
		return false;
	}
	*version = buf[0];
	memcpy(hash, buf + 1, 20);
	return true;
}

static const char *other_network(const char *addr)
{
	static char msg[64];
	unsigned nets = address_networks(addr);
	if (!nets)
		return NULL;
	snprintf(msg, sizeof(msg), "address of another network (%s)",
		 network_params((enum network)__builtin_ctz(nets))->name);
	return msg;
}

static bool decode_base58_addr(struct address *out, enum network net,
			       const char *addr, const char **why)
{
	const struct network_params *p = network_params(net);
	uint8_t key[21], version;
	static char msg[64];

	if (!base58_payload(&version, key + 1, addr, why))
		return false;
	if (version == p->p2pkh_version)
		key[0] = SCRIPT_KEY_PKH;
	else if (version == p->p2sh_version)
		key[0] = SCRIPT_KEY_SH;
	else {
		*why = other_network(addr);
		if (!*why) {
			snprintf(msg, sizeof(msg), "unknown version byte 0x%02x",
				 version);
			*why = msg;
		}
		return false;
	}
	out->type = key[0] == SCRIPT_KEY_PKH ? SCRIPT_P2PKH : SCRIPT_P2SH;
	out->script_len = script_from_owner_key(out->script, key, 21);
	out->encoding = "base58check";
	return true;
}

static bool decode_segwit_addr(struct address *out, enum network net,
			       const char *addr, const char **why)
{
	uint8_t key[42];
	size_t pl;
	unsigned ver;
	struct script_info si;

	if (!segwit_addr_decode(&ver, key + 2, &pl, network_params(net)->hrp,
				addr, why))
		return false;
	key[0] = SCRIPT_KEY_WITNESS;
	key[1] = (uint8_t)ver;
	out->script_len = script_from_owner_key(out->script, key, pl + 2);
	script_classify(&si, out->script, out->script_len);
	out->type = si.type;
	out->witness_version = (uint8_t)ver;
	out->encoding = ver == 0 ? "bech32" : "bech32m";
	return true;
}

/* A bech32 string is recognised by its hrp and separator; everything else
 * is treated as Base58, so errors name the encoding the user meant. */
static bool looks_bech32(const char *addr)
{
	const char *one = strrchr(addr, '1');
	if (!one || one == addr)
		return false;
	for (int i = 0; i < NETWORK_COUNT; i++) {
		const char *hrp = network_params((enum network)i)->hrp;
		size_t hl = strlen(hrp);
		if ((size_t)(one - addr) == hl && strncasecmp(addr, hrp, hl) == 0)
			return true;
	}
	return false;
}

/* A string that is valid bech32 under a prefix no network uses is not a
 * Base58 typo: name the prefix instead of "invalid base58 character". */
static void unknown_hrp(const char *addr, const char **why)
{
	static _Thread_local char msg[BECH32_MAX_LEN + 32];
	char hrp[BECH32_MAX_LEN + 1];
	uint8_t data[BECH32_MAX_LEN];
	size_t n;
	enum bech32_variant v;
	const char *ignored;
	if (bech32_decode(hrp, data, &n, &v, addr, &ignored)) {
		snprintf(msg, sizeof(msg), "unknown network prefix '%s'", hrp);
		*why = msg;
	}
}

bool address_decode(struct address *out, enum network net, const char *addr,
		    const char **why)
{
	memset(out, 0, sizeof(*out));
	if (!*addr) {
		*why = "empty address";
		return false;
	}
	if (strlen(addr) > 100) {
		*why = "too long";
		return false;
	}
	if (!looks_bech32(addr)) {
		if (decode_base58_addr(out, net, addr, why))
			return true;
		unknown_hrp(addr, why);
		return false;
	}
	if (decode_segwit_addr(out, net, addr, why))
		return true;
	if (strcmp(*why, "wrong network prefix") == 0) {
		const char *other = other_network(addr);
		if (other)
			*why = other;
	}
	return false;
}

unsigned address_networks(const char *addr)
{
	unsigned set = 0;
	uint8_t version, hash[20];
	const char *why;
	bool b58 = !looks_bech32(addr);

	if (b58 && !base58_payload(&version, hash, addr, &why))
		return 0;
	for (int i = 0; i < NETWORK_COUNT; i++) {
		const struct network_params *p = network_params((enum network)i);
		struct address a;
		if (b58 ? (version == p->p2pkh_version || version == p->p2sh_version)
			: decode_segwit_addr(&a, (enum network)i, addr, &why))
			set |= 1u << i;
	}
	return set;
}

/* 0 < key < n, the order of secp256k1, as Core's CKey::Set requires. */
static bool seckey_in_range(const uint8_t key[32])
{
	static const uint8_t order[32] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
		0xff, 0xff, 0xff, 0xff, 0xfe, 0xba, 0xae, 0xdc, 0xe6, 0xaf, 0x48,
		0xa0, 0x3b, 0xbf, 0xd2, 0x5e, 0x8c, 0xd0, 0x36, 0x41, 0x41,
	};
	static const uint8_t zero[32];
	return memcmp(key, zero, 32) != 0 && memcmp(key, order, 32) < 0;
}

bool wif_decode(uint8_t key[32], bool *compressed, enum network net,
		const char *wif, const char **why)
{
	uint8_t buf[64];
	size_t n;
	memset(key, 0, 32);
	*compressed = false;
	if (!base58check_decode(buf, sizeof(buf), &n, wif, why))
		return false;
	if (n != 33 && !(n == 34 && buf[33] == 0x01)) {
		*why = "invalid length for a private key";
		return false;
	}
	if (buf[0] != network_params(net)->wif_version) {
		*why = "private key of another network";
		return false;
	}
	if (!seckey_in_range(buf + 1)) {
		*why = "private key out of range";
		return false;
	}
	memcpy(key, buf + 1, 32);
	*compressed = n == 34;
	return true;
}

bool wif_encode(char out[ADDRESS_MAX], enum network net, const uint8_t key[32],
		bool compressed)
{
	uint8_t buf[34];
	buf[0] = network_params(net)->wif_version;
	memcpy(buf + 1, key, 32);
	buf[33] = 0x01;
	return base58check_encode(out, ADDRESS_MAX, buf, compressed ? 34 : 33);
}
