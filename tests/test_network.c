/* Network constants: names, magics, genesis hashes, subsidies. */
#include "proceeds/hex.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_names(void **state)
{
	static const struct {
		const char *name;
		enum network net;
	} names[] = {
		{ "main", NETWORK_MAIN },	   { "mainnet", NETWORK_MAIN },
		{ "testnet", NETWORK_TESTNET },	   { "testnet3", NETWORK_TESTNET },
		{ "testnet4", NETWORK_TESTNET4 },  { "signet", NETWORK_SIGNET },
		{ "regtest", NETWORK_REGTEST },
	};
	enum network n;
	(void)state;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		assert_true(network_from_name(&n, names[i].name));
		assert_int_equal(n, names[i].net);
	}
	assert_false(network_from_name(&n, "Main"));
	assert_false(network_from_name(&n, "testnet5"));
	assert_false(network_from_name(&n, ""));
	for (int i = 0; i < NETWORK_COUNT; i++) {
		const struct network_params *p = network_params((enum network)i);
		assert_int_equal(p->net, i);
		assert_true(network_from_name(&n, p->name));
		assert_int_equal(n, i);
		assert_true(network_from_magic(&n, p->magic));
		assert_int_equal(n, i);
	}
}

/* Core's chainparams.cpp message starts. */
static void test_magic(void **state)
{
	static const struct {
		const char *hex;
		enum network net;
	} magics[] = {
		{ "f9beb4d9", NETWORK_MAIN },	  { "0b110907", NETWORK_TESTNET },
		{ "1c163f28", NETWORK_TESTNET4 }, { "0a03cf40", NETWORK_SIGNET },
		{ "fabfb5da", NETWORK_REGTEST },
	};
	uint8_t m[4];
	enum network n;
	const char *why = NULL;
	(void)state;
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++) {
		assert_true(hex_decode(m, magics[i].hex, 8, &why));
		assert_true(network_from_magic(&n, m));
		assert_int_equal(n, magics[i].net);
	}
	memset(m, 0, 4);
	assert_false(network_from_magic(&n, m));
}

/* The main genesis hash in the table is the hash of the block we ship. */
static void test_genesis(void **state)
{
	uint8_t *raw;
	size_t len, n = 0;
	char hex[65], *text = NULL;
	const char *why = NULL;
	FILE *f = fopen("data/genesis.hex", "r");
	struct block b;
	(void)state;
	if (!f) {
		printf("skip: data/genesis.hex not found (run from the checkout)\n");
		return;
	}
	assert_true(getline(&text, &n, f) > 0);
	fclose(f);
	assert_true(hex_decode_alloc(&raw, &len, text, strlen(text), &why));
	block_init(&b);
	assert_true(block_parse(&b, raw, len, &why));
	hash256_to_hex(hex, &b.hash);
	assert_string_equal(hex, network_params(NETWORK_MAIN)->genesis);
	assert_int_equal(b.hdr.bits, network_params(NETWORK_MAIN)->pow_limit_bits);
	block_release(&b);
	free(raw);
	free(text);
}

static void test_subsidy(void **state)
{
	const struct network_params *m = network_params(NETWORK_MAIN);
	const struct network_params *r = network_params(NETWORK_REGTEST);
	(void)state;
	assert_int_equal(network_subsidy(m, 0), 5000000000ULL);
	assert_int_equal(network_subsidy(m, 209999), 5000000000ULL);
	assert_int_equal(network_subsidy(m, 210000), 2500000000ULL);
	assert_int_equal(network_subsidy(m, 840000), 312500000ULL);
	assert_int_equal(network_subsidy(m, 210000 * 33 - 1), 1);
	assert_int_equal(network_subsidy(m, 210000 * 33), 0);
	assert_int_equal(network_subsidy(m, 210000u * 64), 0);
	assert_int_equal(network_subsidy(m, UINT32_MAX), 0);
	assert_int_equal(network_subsidy(r, 149), 5000000000ULL);
	assert_int_equal(network_subsidy(r, 150), 2500000000ULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_magic),
		cmocka_unit_test(test_genesis),
		cmocka_unit_test(test_subsidy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
