/* CoinJoin detection by structure on constructed transactions: every mix
 * kind in every script type, network and era is a mix; one owner's
 * look-alikes (payroll, airdrop, batch withdrawals, self-splits,
 * consolidations) are not; owners are judged by the caller's clustering;
 * PayJoin-like payments are possible mixes. */
#include "proceeds/coinjoin.h"
#include "proceeds/bech32.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define MAX_IN 700
#define MAX_OUT 700
#define BTC UINT64_C(100000000)

/* A transaction under construction; every script is distinct by its id. */
struct build {
	struct tx tx;
	struct tx_in in[MAX_IN];
	struct tx_out out[MAX_OUT];
	struct coinjoin_input cin[MAX_IN];
	uint8_t in_script[MAX_IN][34];
	uint8_t out_script[MAX_OUT][34];
};

static struct build B;

static size_t make_script(uint8_t *s, enum script_type type, uint32_t id)
{
	memset(s, 0, 34);
	switch (type) {
	case SCRIPT_P2WPKH:
		s[0] = 0x00, s[1] = 20;
		memcpy(s + 2, &id, sizeof(id));
		return 22;
	case SCRIPT_P2TR:
		s[0] = 0x51, s[1] = 32;
		memcpy(s + 2, &id, sizeof(id));
		return 34;
	case SCRIPT_P2PKH:
		s[0] = 0x76, s[1] = 0xa9, s[2] = 20;
		memcpy(s + 3, &id, sizeof(id));
		s[23] = 0x88, s[24] = 0xac;
		return 25;
	case SCRIPT_P2SH:
		s[0] = 0xa9, s[1] = 20;
		memcpy(s + 2, &id, sizeof(id));
		s[22] = 0x87;
		return 23;
	case SCRIPT_OP_RETURN:
		s[0] = 0x6a, s[1] = 4;
		memcpy(s + 2, &id, sizeof(id));
		return 6;
	case SCRIPT_NONSTANDARD:
	case SCRIPT_P2PK:
	case SCRIPT_P2WSH:
	case SCRIPT_WITNESS_UNKNOWN:
	case SCRIPT_MULTISIG:
		break;
	}
	fail_msg("script type not built by this test");
	return 0;
}

static void reset(void)
{
	memset(&B.tx, 0, sizeof(B.tx));
	B.tx.in = B.in;
	B.tx.out = B.out;
}

/* n inputs of value v and type t; owner ids from key upwards (key_step 0:
 * all the same owner). */
static void add_in(unsigned n, uint64_t v, enum script_type t, uint32_t key,
		   uint32_t key_step)
{
	for (unsigned j = 0; j < n; j++) {
		uint32_t i = B.tx.n_in++;
		size_t len = make_script(B.in_script[i], t, key + j * key_step);
		assert_true(i < MAX_IN);
		memset(&B.in[i], 0, sizeof(B.in[i]));
		B.in[i].prev_txid.b[0] = 1;
		B.in[i].prev_vout = i;
		coinjoin_input_set(&B.cin[i], v, B.in_script[i], len);
	}
}

static void add_out(unsigned n, uint64_t v, enum script_type t)
{
	for (unsigned j = 0; j < n; j++) {
		uint32_t o = B.tx.n_out++;
		assert_true(o < MAX_OUT);
		B.out[o].value = v;
		B.out[o].script = B.out_script[o];
		B.out[o].script_len = (uint32_t)make_script(B.out_script[o], t, 100000 + o);
	}
}

static const enum script_type all_types[] = {
	SCRIPT_P2PKH, SCRIPT_P2SH, SCRIPT_P2WPKH, SCRIPT_P2TR,
};
static const enum network all_nets[] = {
	NETWORK_MAIN, NETWORK_TESTNET, NETWORK_SIGNET, NETWORK_REGTEST,
};
static const uint32_t heights[] = { 300, 200000, 620000, 900000 };

static struct coinjoin_result detect_net(uint32_t height, enum network net)
{
	struct coinjoin_view v = { &B.tx, B.cin, height, net };
	struct coinjoin_result r;
	const char *why = NULL;

	assert_true(coinjoin_detect(&r, &v, &why));
	assert_int_equal(r.n_in, B.tx.n_in);
	assert_int_equal(r.n_out, B.tx.n_out);
	return r;
}

static struct coinjoin_result detect(void)
{
	return detect_net(800000, NETWORK_MAIN);
}

/* The same verdict and kind on every network and at every height. */
static void expect_everywhere(enum coinjoin_verdict verdict, enum coinjoin_kind kind)
{
	for (size_t n = 0; n < sizeof(all_nets) / sizeof(all_nets[0]); n++)
		for (size_t h = 0; h < sizeof(heights) / sizeof(heights[0]); h++) {
			struct coinjoin_result r = detect_net(heights[h], all_nets[n]);
			assert_int_equal(r.verdict, verdict);
			assert_int_equal(r.kind, kind);
		}
}

/* Each input its own owner id (as the clustering would give). */
static void set_owner_ids(uint64_t first, uint64_t step)
{
	for (uint32_t i = 0; i < B.tx.n_in; i++) {
		B.cin[i].has_owner = true;
		B.cin[i].owner = first + i * step;
	}
}

/* The case: 5 P2PKH inputs of five people, 5 x 0.01 BTC, no
 * change, at height 300 on mainnet. */
static void five_by_five(enum script_type t)
{
	reset();
	add_in(5, 1000000 + 2000, t, 1, 1);
	add_out(5, 1000000, t);
}

static void test_equal_no_change(void **state)
{
	struct coinjoin_result r;
	char text[160];

	(void)state;
	for (size_t t = 0; t < 4; t++) {
		five_by_five(all_types[t]);
		expect_everywhere(COINJOIN_MIX, COINJOIN_WHIRLPOOL);
	}
	five_by_five(SCRIPT_P2PKH);
	r = detect_net(300, NETWORK_MAIN);
	assert_int_equal(r.denomination, 1000000);
	assert_int_equal(r.count, 5);
	assert_int_equal(r.owners, 5);
	assert_true(r.confidence >= COINJOIN_MIX_MIN);
	coinjoin_describe(text, sizeof(text), &r);
	assert_string_equal(text, "whirlpool-like, 5 x 0.01000000 BTC, 5 input owners, confidence 92%");
	/* Not a pool size: the same structure, named generic. */
	for (uint32_t o = 0; o < 5; o++)
		B.out[o].value = 1234567;
	for (uint32_t i = 0; i < 5; i++)
		B.cin[i].value = 1234567 + 900;
	expect_everywhere(COINJOIN_MIX, COINJOIN_GENERIC);
	/* The clustering so far says the five inputs are one wallet's. */
	five_by_five(SCRIPT_P2PKH);
	set_owner_ids(7, 0);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_NOT);
	assert_true(r.reasons & COINJOIN_R_ONE_OWNER);
	coinjoin_describe(text, sizeof(text), &r);
	assert_string_equal(text, "not a mix: the inputs have one prior owner");
	/* Two of five are one owner (who could take two outputs): possible. */
	set_owner_ids(7, 1);
	B.cin[1].owner = 7;
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_POSSIBLE);
	assert_true(r.reasons & COINJOIN_R_FEW_FUNDERS);
}

/* A taker and makers: n equal outputs, a change for each maker (its
 * excess plus the taker's fee) and for the taker. */
static void joinmarket(unsigned makers, enum script_type t)
{
	reset();
	add_in(1, 30000000, t, 1, 1);                     /* taker */
	for (unsigned m = 0; m < makers; m++)
		add_in(1, 14000000 + 3000000 * m, t, 10 + m, 1);
	add_out(makers + 1, 12500000, t);
	add_out(1, 30000000 - 12500000 - 900 * makers - 4000, t);
	for (unsigned m = 0; m < makers; m++)
		add_out(1, 14000000 + 3000000 * m - 12500000 + 900, t);
}

static void test_joinmarket_and_generic(void **state)
{
	(void)state;
	for (size_t t = 0; t < 4; t++) {
		joinmarket(4, all_types[t]);
		expect_everywhere(COINJOIN_MIX, COINJOIN_JOINMARKET);
		joinmarket(2, all_types[t]);
		expect_everywhere(COINJOIN_MIX, COINJOIN_JOINMARKET);
	}
	/* Two parties with change: a possible mix. */
	reset();
	add_in(1, 7000000, SCRIPT_P2SH, 1, 1);
	add_in(1, 9000000, SCRIPT_P2PKH, 7, 1);
	add_out(2, 5000000, SCRIPT_P2WPKH);
	add_out(1, 1990000, SCRIPT_P2WPKH);
	add_out(1, 3990000, SCRIPT_P2PKH);
	expect_everywhere(COINJOIN_POSSIBLE, COINJOIN_GENERIC);
	assert_int_equal(detect().confidence, 55);
}

/* Wasabi 1: 20 participants, 0.1 BTC (some take a 0.2 level), a change
 * for most, the coordinator's fee. */
static void wasabi1(enum script_type t)
{
	reset();
	for (unsigned p = 0; p < 20; p++)
		add_in(1, 10500000 + 1700000 * p, t, 1 + p, 1);
	add_out(20, 10000000, t);
	add_out(2, 20000000, t);
	for (unsigned p = 1; p < 20; p++)
		if (p != 12 && p != 18)
			add_out(1, 500000 + 1700000 * p - 3000, t);
	add_out(1, 500000 + 1700000 * 12 - 20003000, t);
	add_out(1, 500000 + 1700000 * 18 - 20003000, t);
	add_out(1, 60000, t);                             /* coordinator */
}

static void test_wasabi1(void **state)
{
	struct coinjoin_result r;
	uint8_t prog[40];
	unsigned ver;
	size_t len;
	const char *why = NULL;

	(void)state;
	for (size_t t = 0; t < 4; t++) {
		wasabi1(all_types[t]);
		expect_everywhere(COINJOIN_MIX, COINJOIN_WASABI1);
	}
	wasabi1(SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.denomination, 10000000);
	assert_int_equal(r.count, 20);
	assert_false(r.coordinator);
	assert_true(segwit_addr_decode(&ver, prog, &len, "bc",
				       "bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw", &why));
	memcpy(B.out_script[B.tx.n_out - 1] + 2, prog, 20);
	r = detect();
	assert_true(r.coordinator);
	assert_false(detect_net(800000, NETWORK_TESTNET).coordinator);
}

/* WabiSabi-like: 20 owners, outputs in standard denominations. */
static void wabisabi(enum script_type t)
{
	reset();
	add_in(10, 3 * BTC, t, 1, 1);
	add_in(10, 2 * BTC, t, 100, 1);
	add_out(5, 1048576, t);      /* 2^20 */
	add_out(4, 1000000, t);      /* 10^6 */
	add_out(3, 200000, t);       /* 2·10^5 */
	add_out(3, 531441, t);       /* 3^12 */
	add_out(2, 1062882, t);      /* 2·3^12 */
	add_out(3, 1234567, t);
}

static void test_wabisabi(void **state)
{
	struct coinjoin_result r;

	(void)state;
	for (size_t t = 0; t < 4; t++) {
		wabisabi(all_types[t]);
		expect_everywhere(COINJOIN_MIX, COINJOIN_WABISABI);
	}
	r = detect();
	assert_int_equal(r.denomination, 1048576);
	/* Six owners, one taking several of a denomination: more equal
	 * outputs than owners, judged as a multi-denomination join. */
	reset();
	add_in(6, 3000000, SCRIPT_P2WPKH, 1, 1);
	add_out(8, 1048576, SCRIPT_P2WPKH);
	add_out(8, 1000000, SCRIPT_P2WPKH);
	add_out(3, 531441, SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_MIX);
	assert_true(r.reasons & COINJOIN_R_MULTI_DENOM);
	assert_true(r.reasons & COINJOIN_R_FEW_FUNDERS);
	/* The same counts in values no wallet standardises: possible. */
	for (uint32_t o = 0; o < B.tx.n_out; o++)
		B.out[o].value += 1;
	assert_int_equal(detect().verdict, COINJOIN_POSSIBLE);
	/* Mixed script types among the inputs change nothing. */
	wabisabi(SCRIPT_P2TR);
	add_in(1, BTC, SCRIPT_P2PKH, 999, 1);
	assert_int_equal(detect().verdict, COINJOIN_MIX);
	/* A consolidation into one round amount is not a join. */
	reset();
	add_in(30, BTC / 30, SCRIPT_P2WPKH, 1, 1);
	add_out(1, BTC, SCRIPT_P2WPKH);
	assert_int_equal(detect().verdict, COINJOIN_NOT);
}

/* One owner's payroll / airdrop: few inputs, many equal outputs. */
static void test_payroll_and_airdrop(void **state)
{
	struct coinjoin_result r;

	(void)state;
	for (size_t t = 0; t < 4; t++) {
		for (unsigned n_in = 1; n_in <= 3; n_in++) {
			reset();
			add_in(n_in, 4 * BTC, all_types[t], 1, 1);
			add_out(20, 15000000, all_types[t]);
			add_out(1, n_in * 4 * BTC - 20 * 15000000 - 5000, all_types[t]);
			expect_everywhere(COINJOIN_NOT, COINJOIN_NONE);
		}
		reset();                                     /* airdrop */
		add_in(2, BTC / 2, all_types[t], 1, 1);
		add_out(100, 600000, all_types[t]);
		add_out(1, BTC - 100 * 600000 - 20000, all_types[t]);
		expect_everywhere(COINJOIN_NOT, COINJOIN_NONE);
	}
	/* Three equal salaries from three inputs: the change takes the
	 * excess of all three, so they were one payer's. */
	reset();
	add_in(1, 30000000, SCRIPT_P2WPKH, 1, 1);
	add_in(1, 12000000, SCRIPT_P2WPKH, 2, 1);
	add_in(1, 11000000, SCRIPT_P2WPKH, 3, 1);
	add_out(3, 10000000, SCRIPT_P2WPKH);
	add_out(1, 23000000 - 100, SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_NOT);
	assert_true(r.reasons & COINJOIN_R_CHANGE_POOLED);
	/* A change larger than any input: paid by several inputs together. */
	B.cin[0].value = 20000000;
	B.out[3].value = 23000000 - 10000100;
	B.cin[1].value = 22000000;
	B.out[3].value = 25000000 - 100;
	r = detect();
	assert_true(r.reasons & COINJOIN_R_BIG_OUTPUT);
}

/* Exchange batches with some equal amounts; self-splits. */
static void test_batches_and_splits(void **state)
{
	struct coinjoin_result r;

	(void)state;
	reset();                     /* one hot wallet address, three coins */
	add_in(3, 20 * BTC, SCRIPT_P2WPKH, 1, 0);
	add_out(3, BTC / 10, SCRIPT_P2WPKH);
	add_out(2, 29 * BTC, SCRIPT_P2WPKH);
	expect_everywhere(COINJOIN_NOT, COINJOIN_NONE);
	reset();                     /* ten unlinked deposits, a batch of 30 */
	add_in(10, BTC, SCRIPT_P2SH, 1, 1);
	add_out(3, BTC / 10, SCRIPT_P2SH);
	for (unsigned j = 0; j < 27; j++)
		add_out(1, 1000000 + 7919 * j, SCRIPT_P2SH);
	add_out(1, 6 * BTC, SCRIPT_P2SH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_NOT);
	reset();                     /* a self-split of one coin */
	add_in(1, BTC, SCRIPT_P2TR, 1, 1);
	add_out(4, BTC / 4 - 1000, SCRIPT_P2TR);
	expect_everywhere(COINJOIN_NOT, COINJOIN_NONE);
	reset();                     /* of three unlinked coins, with change */
	add_in(1, 50000000, SCRIPT_P2PKH, 1, 1);
	add_in(1, 30000000, SCRIPT_P2PKH, 2, 1);
	add_in(1, 20000000, SCRIPT_P2PKH, 3, 1);
	add_out(4, 20000000, SCRIPT_P2PKH);
	add_out(1, 20000000 - 3000, SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_NOT);
	/* The same split with no change: three funders, four outputs. */
	reset();
	add_in(1, 50000000, SCRIPT_P2PKH, 1, 1);
	add_in(1, 30000000, SCRIPT_P2PKH, 2, 1);
	add_in(1, 20000000 - 3000, SCRIPT_P2PKH, 3, 1);
	add_out(4, 25000000 - 750, SCRIPT_P2PKH);
	assert_int_equal(detect().verdict, COINJOIN_NOT);
}

static void test_dust_and_coinbase(void **state)
{
	static const uint64_t dust[] = { 546, 2730 };

	(void)state;
	for (size_t d = 0; d < 2; d++) {
		reset();
		add_in(3, 7000000, SCRIPT_P2PKH, 1, 1);
		add_out(3, dust[d], SCRIPT_P2PKH);
		add_out(1, 1990000, SCRIPT_P2PKH);
		add_out(1, 3990000, SCRIPT_P2PKH);
		assert_int_equal(detect().verdict, COINJOIN_NOT);
	}
	reset();
	add_in(1, 0, SCRIPT_P2PKH, 1, 1);
	memset(&B.in[0].prev_txid, 0, sizeof(B.in[0].prev_txid));
	B.in[0].prev_vout = UINT32_MAX;
	add_out(3, BTC, SCRIPT_P2PKH);
	assert_int_equal(detect().verdict, COINJOIN_NOT);
}

/* Two outputs and an input larger than both: PayJoin-like. */
static void test_payjoin(void **state)
{
	struct coinjoin_result r;
	char text[160];

	(void)state;
	reset();
	add_in(1, 3000000, SCRIPT_P2WPKH, 1, 1);       /* payer */
	add_in(1, 800000, SCRIPT_P2WPKH, 2, 1);        /* merchant */
	add_out(1, 1500000 + 800000, SCRIPT_P2WPKH);
	add_out(1, 3000000 - 1500000 - 2000, SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_POSSIBLE);
	assert_int_equal(r.kind, COINJOIN_PAYJOIN);
	coinjoin_describe(text, sizeof(text), &r);
	assert_string_equal(text, "payjoin-like (possible mix): one input pays any "
			    "output and the fee alone, 2 input owners, confidence 50%");
	set_owner_ids(4, 0);                           /* one known wallet */
	assert_int_equal(detect().verdict, COINJOIN_NOT);
	/* Every input needed: an ordinary payment. */
	reset();
	add_in(1, 1000000, SCRIPT_P2WPKH, 1, 1);
	add_in(1, 800000, SCRIPT_P2WPKH, 2, 1);
	add_out(1, 1500000, SCRIPT_P2WPKH);
	add_out(1, 298000, SCRIPT_P2WPKH);
	assert_int_equal(detect().verdict, COINJOIN_NOT);
}

/* Tx0: OP_RETURN, coordinator fee, n premix outputs, change. */
static void test_tx0(void **state)
{
	struct coinjoin_result r;

	(void)state;
	reset();
	add_in(1, 7 * BTC / 100, SCRIPT_P2WPKH, 1, 1);
	add_out(1, 0, SCRIPT_OP_RETURN);
	add_out(1, 42500, SCRIPT_P2WPKH);
	add_out(5, 1000170, SCRIPT_P2WPKH);
	add_out(1, 1234567, SCRIPT_P2WPKH);
	r = detect_net(300, NETWORK_TESTNET);
	assert_int_equal(r.verdict, COINJOIN_NOT);
	assert_true(r.tx0);
	add_out(1, 0, SCRIPT_OP_RETURN);
	assert_false(detect().tx0);
}

/* 600 outputs (300 equal) from 300 owners: the large-transaction path. */
static void test_large(void **state)
{
	struct coinjoin_result r;

	(void)state;
	reset();
	add_in(300, 2000000, SCRIPT_P2WPKH, 1, 1);
	add_out(300, 1000000, SCRIPT_P2WPKH);
	for (uint32_t j = 0; j < 300; j++)
		add_out(1, 990000 - j, SCRIPT_P2WPKH);
	r = detect();
	assert_int_equal(r.verdict, COINJOIN_MIX);
	assert_int_equal(r.count, 300);
	assert_int_equal(r.owners, 300);
	B.cin[299] = B.cin[0];  /* 299 owners < 300 equal outputs */
	r = detect();
	assert_true(r.reasons & COINJOIN_R_FEW_FUNDERS);
	assert_int_equal(r.verdict, COINJOIN_POSSIBLE);
}

static void test_denominations(void **state)
{
	static const uint64_t yes[] = { 5000, 8192, 6561, 13122, 10000, 20000, 50000,
					531441, 1048576, UINT64_C(100000000000),
					UINT64_C(68719476736) };
	static const uint64_t no[] = { 0, 4096, 4999, 7000, 15000, 999999, 1000001,
				       UINT64_C(134375000000), UINT64_C(137438953472),
				       UINT64_C(200000000000) };
	uint64_t pool;

	(void)state;
	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_true(coinjoin_is_standard_denomination(yes[i]));
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_false(coinjoin_is_standard_denomination(no[i]));
	assert_true(coinjoin_whirlpool_pool(&pool, 5000000 + 110000));
	assert_int_equal(pool, 5000000);
	assert_false(coinjoin_whirlpool_pool(&pool, 5000000 + 110001));
	assert_false(coinjoin_whirlpool_pool(&pool, 99999));
	assert_string_equal(coinjoin_kind_name(COINJOIN_JOINMARKET), "joinmarket");
	assert_string_equal(coinjoin_verdict_name(COINJOIN_POSSIBLE), "possible mix");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_no_change),
		cmocka_unit_test(test_joinmarket_and_generic),
		cmocka_unit_test(test_wasabi1),
		cmocka_unit_test(test_wabisabi),
		cmocka_unit_test(test_payroll_and_airdrop),
		cmocka_unit_test(test_batches_and_splits),
		cmocka_unit_test(test_dust_and_coinbase),
		cmocka_unit_test(test_payjoin),
		cmocka_unit_test(test_tx0),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_denominations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
