/* Network constants (Bitcoin Core's chainparams.cpp). */
#include "proceeds/network.h"

#include <string.h>

static const struct network_params params[NETWORK_COUNT] = {
	{ NETWORK_MAIN, "main", { 0xf9, 0xbe, 0xb4, 0xd9 }, 0x00, 0x05, 0x80, "bc",
	  "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f",
	  0x1d00ffff, 210000 },
	{ NETWORK_TESTNET, "testnet", { 0x0b, 0x11, 0x09, 0x07 }, 0x6f, 0xc4, 0xef,
	  "tb", "000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943",
	  0x1d00ffff, 210000 },
	{ NETWORK_TESTNET4, "testnet4", { 0x1c, 0x16, 0x3f, 0x28 }, 0x6f, 0xc4, 0xef,
	  "tb", "00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043",
	  0x1d00ffff, 210000 },
	{ NETWORK_SIGNET, "signet", { 0x0a, 0x03, 0xcf, 0x40 }, 0x6f, 0xc4, 0xef,
	  "tb", "00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6",
	  0x1e0377ae, 210000 },
	{ NETWORK_REGTEST, "regtest", { 0xfa, 0xbf, 0xb5, 0xda }, 0x6f, 0xc4, 0xef,
	  "bcrt", "0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206",
	  0x207fffff, 150 },
};

const struct network_params *network_params(enum network net)
{
	return &params[net];
}

bool network_from_name(enum network *out, const char *name)
{
	static const struct {
		const char *name;
		enum network net;
	} names[] = {
		{ "main", NETWORK_MAIN },	  { "mainnet", NETWORK_MAIN },
		{ "testnet", NETWORK_TESTNET },	  { "testnet3", NETWORK_TESTNET },
		{ "testnet4", NETWORK_TESTNET4 }, { "signet", NETWORK_SIGNET },
		{ "regtest", NETWORK_REGTEST },
	};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		if (strcmp(names[i].name, name) == 0) {
			*out = names[i].net;
			return true;
		}
	}
	return false;
}

bool network_from_magic(enum network *out, const uint8_t magic[4])
{
	for (int i = 0; i < NETWORK_COUNT; i++) {
		if (memcmp(params[i].magic, magic, 4) == 0) {
			*out = params[i].net;
			return true;
		}
	}
	return false;
}

uint64_t network_subsidy(const struct network_params *p, uint32_t height)
{
	uint32_t halvings = height / p->halving_interval;
	if (halvings >= 64)
		return 0;
	return (UINT64_C(50) * 100000000) >> halvings;
}
