/* scriptPubKey classification, as Core's Solver, and owner keys. */
#include "proceeds/hash.h"
#include "proceeds/hex.h"
#include "proceeds/script.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define X32 "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"
#define Y32 "483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8"
#define K33 "02" X32
#define K65 "04" X32 Y32
#define H20 "751e76e8199196d454941c45d1b3a323f1433bd6"
#define H32 H20 "000102030405060708090a0b"

struct case_ {
	const char *hex;
	enum script_type type;
	unsigned data_len, version, m, n;
};

static const struct case_ cases[] = {
	{ "76a914" H20 "88ac", SCRIPT_P2PKH, 20, 0, 0, 0 },
	{ "a914" H20 "87", SCRIPT_P2SH, 20, 0, 0, 0 },
	{ "0014" H20, SCRIPT_P2WPKH, 20, 0, 0, 0 },
	{ "0020" H32, SCRIPT_P2WSH, 32, 0, 0, 0 },
	{ "5120" H32, SCRIPT_P2TR, 32, 1, 0, 0 },
	{ "5114" H20, SCRIPT_WITNESS_UNKNOWN, 20, 1, 0, 0 },
	{ "60020000", SCRIPT_WITNESS_UNKNOWN, 2, 16, 0, 0 },
	{ "51024e73", SCRIPT_WITNESS_UNKNOWN, 2, 1, 0, 0 }, /* P2A anchor */
	{ "0015" H20 "00", SCRIPT_NONSTANDARD, 0, 0, 0, 0 }, /* v0, 21 bytes */
	{ "0001ff", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },        /* too short */
	{ "21" K33 "ac", SCRIPT_P2PK, 33, 0, 0, 0 },
	{ "41" K65 "ac", SCRIPT_P2PK, 65, 0, 0, 0 },
	{ "4106" X32 Y32 "ac", SCRIPT_P2PK, 65, 0, 0, 0 },       /* hybrid */
	{ "4105" X32 Y32 "ac", SCRIPT_NONSTANDARD, 0, 0, 0, 0 }, /* bad prefix */
	{ "2104" X32 "ac", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },
	{ "5121" K33 "51ae", SCRIPT_MULTISIG, 0, 0, 1, 1 },
	{ "5221" K33 "41" K65 "21" K33 "53ae", SCRIPT_MULTISIG, 0, 0, 2, 3 },
	{ "524c21" K33 "4c21" K33 "52ae", SCRIPT_MULTISIG, 0, 0, 2, 2 },
	{ "5321" K33 "21" K33 "52ae", SCRIPT_NONSTANDARD, 0, 0, 0, 0 }, /* m > n */
	{ "5121" K33 "52ae", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },         /* n != keys */
	{ "5121" K33 "51aeae", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },
	{ "0021" K33 "51ae", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },        /* m = 0 */
	{ "6a", SCRIPT_OP_RETURN, 0, 0, 0, 0 },
	{ "6a0401020304", SCRIPT_OP_RETURN, 0, 0, 0, 0 },
	{ "6a4c0100" "00" "60", SCRIPT_OP_RETURN, 0, 0, 0, 0 },
	{ "6a76", SCRIPT_NONSTANDARD, 0, 0, 0, 0 }, /* Core: not push-only */
	{ "6a05ff", SCRIPT_NONSTANDARD, 0, 0, 0, 0 }, /* push past the end */
	{ "", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },
	{ "ac", SCRIPT_NONSTANDARD, 0, 0, 0, 0 },
};

static void test_classify(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct case_ *c = &cases[i];
		uint8_t s[200];
		size_t len = strlen(c->hex) / 2;
		struct script_info si;
		const char *why = NULL;
		assert_true(hex_decode(s, c->hex, strlen(c->hex), &why));
		script_classify(&si, s, len);
		if (si.type != c->type)
			fail_msg("case %zu (%s): %s, expected %s", i, c->hex,
				 script_type_name(si.type), script_type_name(c->type));
		assert_int_equal(si.data_len, c->data_len);
		assert_int_equal(si.witness_version, c->version);
		assert_int_equal(si.m, c->m);
		assert_int_equal(si.n, c->n);
	}
}

static void test_huge_script(void **state)
{
	uint8_t *s = malloc(10000);
	struct script_info si;
	uint8_t key[SCRIPT_KEY_MAX];
	(void)state;
	memset(s, 0xae, 10000);
	s[0] = 0x51;
	script_classify(&si, s, 10000);
	assert_int_equal(si.type, SCRIPT_NONSTANDARD);
	s[0] = 0x6a;
	s[1] = 0x4d; /* PUSHDATA2 of 0xaeae bytes: past the end */
	script_classify(&si, s, 10000);
	assert_int_equal(si.type, SCRIPT_NONSTANDARD);
	assert_int_equal(script_owner_key(key, s, 10000), 33);
	assert_int_equal(key[0], SCRIPT_KEY_SCRIPT);
	free(s);
}

static void test_multisig_keys(void **state)
{
	static const char hex[] = "5221" K33 "41" K65 "21" K33 "53ae";
	uint8_t s[200];
	const uint8_t *k;
	size_t kl;
	const char *why = NULL;
	(void)state;
	assert_true(hex_decode(s, hex, strlen(hex), &why));
	assert_true(script_multisig_key(&k, &kl, s, strlen(hex) / 2, 1));
	assert_int_equal(kl, 65);
	assert_int_equal(k[0], 0x04);
	assert_true(script_multisig_key(&k, &kl, s, strlen(hex) / 2, 2));
	assert_int_equal(kl, 33);
	assert_false(script_multisig_key(&k, &kl, s, strlen(hex) / 2, 3));
	static const char pd1[] = "524c21" K33 "4c21" K33 "52ae";
	assert_true(hex_decode(s, pd1, strlen(pd1), &why));
	assert_true(script_multisig_key(&k, &kl, s, strlen(pd1) / 2, 1));
	assert_int_equal(kl, 33);
	assert_int_equal(k - s, 3 + 33 + 2);
}

/* Owner keys: P2PK groups with the P2PKH of its key; keys rebuild the
 * script they came from. */
static void test_owner_keys(void **state)
{
	uint8_t s[200], key[SCRIPT_KEY_MAX], back[42], h[20];
	const char *why = NULL;
	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		size_t len = strlen(cases[i].hex) / 2;
		assert_true(hex_decode(s, cases[i].hex, len * 2, &why));
		size_t kl = script_owner_key(key, s, len);
		size_t bl = script_from_owner_key(back, key, kl);
		switch (cases[i].type) {
		case SCRIPT_P2PK:
			assert_int_equal(key[0], SCRIPT_KEY_PKH);
			hash_hash160(h, s + 1, len - 2);
			assert_memory_equal(key + 1, h, 20);
			assert_int_equal(bl, 25);
			break;
		case SCRIPT_P2PKH:
		case SCRIPT_P2SH:
		case SCRIPT_P2WPKH:
		case SCRIPT_P2WSH:
		case SCRIPT_P2TR:
		case SCRIPT_WITNESS_UNKNOWN:
			assert_int_equal(bl, len);
			assert_memory_equal(back, s, len);
			break;
		case SCRIPT_MULTISIG:
		case SCRIPT_OP_RETURN:
		case SCRIPT_NONSTANDARD:
			assert_int_equal(kl, 33);
			assert_int_equal(key[0], SCRIPT_KEY_SCRIPT);
			assert_int_equal(bl, 0);
			break;
		}
	}
}

static void test_names(void **state)
{
	enum script_type t;
	(void)state;
	for (int i = 0; i < SCRIPT_TYPE_COUNT; i++) {
		assert_true(script_type_from_name(&t, script_type_name((enum script_type)i)));
		assert_int_equal(t, i);
	}
	assert_false(script_type_from_name(&t, "p2pkh "));
	assert_false(script_type_from_name(&t, ""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_classify),
		cmocka_unit_test(test_huge_script),
		cmocka_unit_test(test_multisig_keys),
		cmocka_unit_test(test_owner_keys),
		cmocka_unit_test(test_names),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
