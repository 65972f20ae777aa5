/* The networks proceeds knows, and their constants. */
#ifndef PROCEEDS_NETWORK_H
#define PROCEEDS_NETWORK_H

#include <stdint.h>
#include <stdbool.h>

enum network {
	NETWORK_MAIN,
	NETWORK_TESTNET, /* testnet3 */
	NETWORK_TESTNET4,
	NETWORK_SIGNET,
	NETWORK_REGTEST,
};
#define NETWORK_COUNT 5

struct network_params {
	enum network net;
	const char *name;      /* "main", "testnet", ... as on the command line */
	uint8_t magic[4];      /* blk file / p2p message start */
	uint8_t p2pkh_version; /* Base58 version byte */
	uint8_t p2sh_version;
	uint8_t wif_version;
	const char *hrp;       /* bech32 human-readable part */
	const char *genesis;   /* genesis block hash, display hex */
	uint32_t pow_limit_bits; /* compact form of the minimum-difficulty target */
	uint32_t halving_interval;
};

/* Constant parameters of a network; never NULL. */
const struct network_params *network_params(enum network net);

/* Parses "main"/"mainnet", "testnet"/"testnet3", "testnet4", "signet",
 * "regtest". False on anything else. */
bool network_from_name(enum network *out, const char *name)
	__attribute__((warn_unused_result));

/* Identifies a network by its 4 magic bytes. Note that signet's magic is
 * that of the default signet; custom signets have their own. */
bool network_from_magic(enum network *out, const uint8_t magic[4])
	__attribute__((warn_unused_result));

/* Block subsidy at a height, in satoshis. */
uint64_t network_subsidy(const struct network_params *p, uint32_t height);

#endif
