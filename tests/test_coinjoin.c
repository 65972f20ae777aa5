/* CoinJoin detectors on constructed transactions of each shape, their near
 * misses, and ordinary transactions that must not be taken for joins. */
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
	case SCRIPT_OP_RETURN:
		s[0] = 0x6a, s[1] = 4;
		memcpy(s + 2, &id, sizeof(id));
		return 6;
	case SCRIPT_NONSTANDARD:
	case SCRIPT_P2PK:
	case SCRIPT_P2SH:
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

static struct coinjoin_result detect(uint32_t height)
{
	return detect_net(height, NETWORK_MAIN);
}

/* 12 inputs, 11 outputs of 0.0999 BTC, 3 change: a Wasabi 1 round. */
static void wasabi1_round(unsigned equal, enum script_type in_type)
{
	reset();
	add_in(11, 10300000, SCRIPT_P2WPKH, 1, 1);
	add_in(1, 10300000, in_type, 50, 1);
	add_out(equal, 9990000, SCRIPT_P2WPKH);
	add_out(1, 3140000, SCRIPT_P2WPKH);
	add_out(1, 2710000, SCRIPT_P2WPKH);
	add_out(1, 150000, SCRIPT_P2WPKH);
}

static void test_wasabi1(void **state)
{
	struct coinjoin_result r;
	uint8_t prog[40];
	unsigned ver;
	size_t len;
	const char *why = NULL;

	(void)state;
	wasabi1_round(11, SCRIPT_P2WPKH);
	r = detect(620000);
	assert_int_equal(r.kind, COINJOIN_WASABI1);
	assert_int_equal(r.denomination, 9990000);
	assert_int_equal(r.count, 11);
	assert_false(r.coordinator);
	/* Before 610,000 the round must pay the coordinator. */
	assert_int_equal(detect(600000).kind, COINJOIN_NONE);
	assert_true(segwit_addr_decode(&ver, prog, &len, "bc",
				       "bc1qa24tsgchvuxsaccp8vrnkfd85hrcpafg20kmjw", &why));
	assert_int_equal(len, 20);
	memcpy(B.out_script[13] + 2, prog, 20);
	r = detect(600000);
	assert_int_equal(r.kind, COINJOIN_WASABI1);
	assert_true(r.coordinator);
	/* Wrong era: before Wasabi existed. Other networks: shape alone. */
	assert_int_equal(detect(530499).kind, COINJOIN_NONE);
	assert_int_equal(detect_net(100, NETWORK_TESTNET).kind, COINJOIN_WASABI1);
	/* Near misses: 9 equal outputs; one legacy input. */
	wasabi1_round(9, SCRIPT_P2WPKH);
	assert_int_equal(detect(620000).kind, COINJOIN_NONE);
	wasabi1_round(11, SCRIPT_P2PKH);
	assert_int_equal(detect(620000).kind, COINJOIN_NONE);
	/* Equal outputs outside 0.1 +- 0.02 BTC. */
	reset();
	add_in(12, 13000000, SCRIPT_P2WPKH, 1, 1);
	add_out(11, 12000001, SCRIPT_P2WPKH);
	add_out(3, 1000, SCRIPT_P2WPKH);
	assert_int_equal(detect(620000).kind, COINJOIN_NONE);
}

/* n_in inputs (P2WPKH and P2TR); outputs 15 + two_threes standard and
 * non_std others. */
static void wabisabi_round(unsigned two_threes, unsigned non_std, unsigned n_in)
{
	reset();
	add_in(n_in - n_in / 2, 3 * BTC, SCRIPT_P2WPKH, 1, 1);
	add_in(n_in / 2, 2 * BTC, SCRIPT_P2TR, 100, 1);
	add_out(5, 1048576, SCRIPT_P2WPKH);      /* 2^20 */
	add_out(4, 1000000, SCRIPT_P2TR);        /* 10^6 */
	add_out(3, 200000, SCRIPT_P2WPKH);       /* 2·10^5 */
	add_out(3, 531441, SCRIPT_P2WPKH);       /* 3^12 */
	add_out(two_threes, 1062882, SCRIPT_P2WPKH); /* 2·3^12 */
	add_out(non_std, 1234567, SCRIPT_P2WPKH);
}

static void test_wabisabi(void **state)
{
	struct coinjoin_result r;

	(void)state;
	wabisabi_round(2, 3, 20);
	r = detect(800000);
	assert_int_equal(r.kind, COINJOIN_WABISABI);
	assert_int_equal(r.denomination, 1048576);
	assert_int_equal(r.count, 17);
	assert_int_equal(detect(741212).kind, COINJOIN_NONE);
	/* 80% exactly is not more than 80%. */
	wabisabi_round(1, 4, 20);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
	wabisabi_round(2, 4, 20);    /* 17 of 21: 80.95% */
	assert_int_equal(detect(800000).kind, COINJOIN_WABISABI);
	wabisabi_round(2, 3, 14);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
	/* A consolidation into one round amount is not a join. */
	reset();
	add_in(30, BTC / 30, SCRIPT_P2WPKH, 1, 1);
	add_out(1, BTC, SCRIPT_P2WPKH);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
	/* A legacy input rules WabiSabi out. */
	wabisabi_round(2, 3, 20);
	add_in(1, BTC, SCRIPT_P2PKH, 999, 1);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
}

static void test_whirlpool(void **state)
{
	struct coinjoin_result r;

	(void)state;
	reset();
	add_in(3, 1000000, SCRIPT_P2WPKH, 1, 1);    /* remixes */
	add_in(2, 1000000 + 110000, SCRIPT_P2WPKH, 10, 1);
	add_out(5, 1000000, SCRIPT_P2WPKH);
	r = detect(700000);
	assert_int_equal(r.kind, COINJOIN_WHIRLPOOL);
	assert_int_equal(r.denomination, 1000000);
	assert_int_equal(r.count, 5);
	assert_int_equal(detect(569999).kind, COINJOIN_NONE);
	/* An input one satoshi too large. */
	B.cin[4].value = 1000000 + 110001;
	assert_int_equal(detect(700000).kind, COINJOIN_NONE);
	/* Not a pool size; more inputs than outputs; too few. */
	reset();
	add_in(5, 1060000, SCRIPT_P2WPKH, 1, 1);
	add_out(5, 1050000, SCRIPT_P2WPKH);
	assert_int_equal(detect(700000).kind, COINJOIN_NONE);
	reset();
	add_in(6, 5000100, SCRIPT_P2WPKH, 1, 1);
	add_out(5, 5000000, SCRIPT_P2WPKH);
	assert_int_equal(detect(700000).kind, COINJOIN_NONE);
	reset();
	add_in(4, 5000100, SCRIPT_P2WPKH, 1, 1);
	add_out(4, 5000000, SCRIPT_P2WPKH);
	assert_int_equal(detect(700000).kind, COINJOIN_NONE);
	/* The later 0.25 BTC pool, 8 in 8 out. */
	reset();
	add_in(8, 25000000, SCRIPT_P2WPKH, 1, 1);
	add_out(8, 25000000, SCRIPT_P2WPKH);
	assert_int_equal(detect(800000).kind, COINJOIN_WHIRLPOOL);
}

/* Tx0: OP_RETURN, coordinator fee, n premix outputs, change. */
static void tx0(unsigned n_in, unsigned premix)
{
	reset();
	add_in(n_in, 7 * BTC / 100, SCRIPT_P2WPKH, 1, 1);
	add_out(1, 0, SCRIPT_OP_RETURN);
	add_out(1, 42500, SCRIPT_P2WPKH);
	add_out(premix, 1000170, SCRIPT_P2WPKH);
	add_out(1, 1234567, SCRIPT_P2WPKH);
}

static void test_tx0(void **state)
{
	struct coinjoin_result r;

	(void)state;
	tx0(1, 5);
	r = detect(700000);
	assert_int_equal(r.kind, COINJOIN_NONE);
	assert_true(r.tx0);
	assert_int_equal(r.denomination, 1000000);
	assert_int_equal(r.count, 5);
	/* 4 premix outputs from 4 inputs would pass the generic rule (7
	 * outputs, p = 4): the Tx0 shape keeps it a single-owner tx. */
	tx0(4, 4);
	r = detect(700000);
	assert_int_equal(r.kind, COINJOIN_NONE);
	assert_true(r.tx0);
	r = detect(560000);
	assert_int_equal(r.kind, COINJOIN_GENERIC);
	assert_false(r.tx0);
	/* Two OP_RETURNs: not a Tx0. */
	tx0(1, 5);
	add_out(1, 0, SCRIPT_OP_RETURN);
	assert_false(detect(700000).tx0);
}

static void test_generic(void **state)
{
	struct coinjoin_result r;

	(void)state;
	reset();
	add_in(2, 7000000, SCRIPT_P2WPKH, 1, 1);
	add_in(1, 9000000, SCRIPT_P2PKH, 7, 1);
	add_out(3, 5000000, SCRIPT_P2WPKH);
	add_out(1, 1990000, SCRIPT_P2WPKH);
	add_out(1, 3990000, SCRIPT_P2PKH);
	r = detect(600000);
	assert_int_equal(r.kind, COINJOIN_GENERIC);
	assert_int_equal(r.denomination, 5000000);
	assert_int_equal(r.count, 3);
	assert_int_equal(detect(1000).kind, COINJOIN_GENERIC);  /* no era */
	/* Same three inputs, but two of one address: 2 owners < 3. */
	reset();
	add_in(2, 7000000, SCRIPT_P2WPKH, 1, 0);
	add_in(1, 9000000, SCRIPT_P2PKH, 7, 1);
	add_out(3, 5000000, SCRIPT_P2WPKH);
	add_out(2, 1990000, SCRIPT_P2WPKH);
	assert_int_equal(detect(600000).kind, COINJOIN_NONE);
	/* Too few equal outputs: 2 of 5. */
	reset();
	add_in(3, 7000000, SCRIPT_P2WPKH, 1, 1);
	add_out(2, 5000000, SCRIPT_P2WPKH);
	add_out(1, 1990000, SCRIPT_P2WPKH);
	add_out(1, 2990000, SCRIPT_P2WPKH);
	add_out(1, 3990000, SCRIPT_P2WPKH);
	assert_int_equal(detect(600000).kind, COINJOIN_NONE);
}

static void test_dust_and_batches(void **state)
{
	static const uint64_t dust[] = { 546, 2730 };

	(void)state;
	for (size_t d = 0; d < 2; d++) {
		reset();
		add_in(3, 7000000, SCRIPT_P2PKH, 1, 1);
		add_out(3, dust[d], SCRIPT_P2PKH);
		add_out(1, 1990000, SCRIPT_P2PKH);
		add_out(1, 3990000, SCRIPT_P2PKH);
		assert_int_equal(detect(400000).kind, COINJOIN_NONE);
		/* The same with a non-dust value is a join. */
		for (uint32_t o = 0; o < 3; o++)
			B.out[o].value = dust[d] + 1;
		assert_int_equal(detect(400000).kind, COINJOIN_GENERIC);
	}
	/* An exchange's batched withdrawal: one input, 3 equal payouts. */
	reset();
	add_in(1, 50 * BTC, SCRIPT_P2WPKH, 1, 1);
	add_out(3, BTC / 10, SCRIPT_P2WPKH);
	add_out(1, 49 * BTC, SCRIPT_P2WPKH);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
	/* The same from three inputs of one hot wallet address. */
	reset();
	add_in(3, 20 * BTC, SCRIPT_P2WPKH, 1, 0);
	add_out(3, BTC / 10, SCRIPT_P2WPKH);
	add_out(2, 29 * BTC, SCRIPT_P2WPKH);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
	/* A coinbase is never a join. */
	reset();
	add_in(1, 0, SCRIPT_P2PKH, 1, 1);
	memset(&B.in[0].prev_txid, 0, sizeof(B.in[0].prev_txid));
	B.in[0].prev_vout = UINT32_MAX;
	add_out(3, BTC, SCRIPT_P2PKH);
	assert_int_equal(detect(800000).kind, COINJOIN_NONE);
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
		add_out(1, 900000 + j, SCRIPT_P2WPKH);
	r = detect(650000);
	assert_int_equal(r.kind, COINJOIN_GENERIC);
	assert_int_equal(r.count, 300);
	B.cin[299] = B.cin[0];  /* 299 owners < 300 */
	assert_int_equal(detect(650000).kind, COINJOIN_NONE);
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
	assert_string_equal(coinjoin_kind_name(COINJOIN_WABISABI), "wabisabi");
	assert_string_equal(coinjoin_kind_name(COINJOIN_GENERIC), "generic");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_wasabi1),
		cmocka_unit_test(test_wabisabi),
		cmocka_unit_test(test_whirlpool),
		cmocka_unit_test(test_tx0),
		cmocka_unit_test(test_generic),
		cmocka_unit_test(test_dust_and_batches),
		cmocka_unit_test(test_large),
		cmocka_unit_test(test_denominations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
