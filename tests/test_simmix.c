/* The simulator's CoinJoin rounds (sim/simmix.c):
 *   - the Whirlpool fee rule: a mix's vsize, derived here from BIP141 by
 *     hand, and rounds wait exactly when the premix margins cannot pay;
 *   - a run whose fees rise past the margins (profile 2021, seed 4, 6000
 *     transactions: it failed with "a Whirlpool mix fell short of its fee"
 *     before rounds waited) completes with Whirlpool rounds in its truth;
 *   - every truth CoinJoin on that chain is ordered as its coordinator
 *     orders it (Whirlpool: BIP69; WabiSabi: value descending), checked on
 *     the decoded blocks with the spent values looked up independently. */
#include "helper.h"
#include "proceeds/hash.h"
#include "proceeds/sim.h"
#include "proceeds/simmix.h"
#include "proceeds/simworld.h"
#include "proceeds/tx.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_whirlpool_fee_rule(void **state)
{
	(void)state;
	/* 5 P2WPKH inputs, 5 P2WPKH outputs. Base: version 4, 2 counts,
	 * inputs 36 + 1 + 4, outputs 8 + 1 + 22, locktime 4. Witness: marker
	 * and flag 2, per input 1 count + 1 + 73 (72-byte DER + hash type) +
	 * 1 + 33 (pubkey). */
	uint64_t base = 4 + 1 + 5 * 41 + 1 + 5 * 31 + 4;
	uint64_t wit = 2 + 5 * (1 + 1 + 73 + 1 + 33);
	uint64_t vsize = (base * 4 + wit + 3) / 4;
	assert_int_equal(mix_whirlpool_vsize(), vsize);
	for (uint64_t f = 1; f < 2000; f++)
		assert_int_equal(mix_whirlpool_pays(f), f * vsize <= 5 * (uint64_t)MIX_PREMIX_MARGIN);
	assert_true(mix_whirlpool_pays(100));  /* rounds do happen at usual fees */
	assert_false(mix_whirlpool_pays(120)); /* the 1M-tx failure's range */
}

struct out {
	struct hash256 txid;
	uint32_t vout;
	uint64_t value;
};

struct outs {
	struct out *v;
	size_t n, cap;
};

static uint64_t spent_value(const struct outs *o, const struct tx_in *in)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->v[i].vout == in->prev_vout && hash256_eq(&o->v[i].txid, &in->prev_txid))
			return o->v[i].value;
	fail_msg("spent output not found");
	return 0;
}

static int bytes_cmp(const uint8_t *a, size_t la, const uint8_t *b, size_t lb)
{
	int c = memcmp(a, b, la < lb ? la : lb);
	return c ? c : (la > lb) - (la < lb);
}

/* Consecutive inputs and outputs of a CoinJoin in its coordinator's order. */
static void check_order(const struct outs *o, const struct tx *tx, bool wabisabi)
{
	for (uint32_t k = 1; k < tx->n_in; k++) {
		const struct tx_in *a = &tx->in[k - 1], *b = &tx->in[k];
		uint64_t va = spent_value(o, a), vb = spent_value(o, b);
		uint8_t ka[36], kb[36];
		for (int i = 0; i < 32; i++) /* BIP69: txid as displayed */
			ka[i] = a->prev_txid.b[wabisabi ? i : 31 - i],
			kb[i] = b->prev_txid.b[wabisabi ? i : 31 - i];
		for (int i = 0; i < 4; i++) /* Wasabi: vout little-endian; BIP69: as a number */
			ka[32 + i] = (uint8_t)(a->prev_vout >> (wabisabi ? 8 * i : 24 - 8 * i)),
			kb[32 + i] = (uint8_t)(b->prev_vout >> (wabisabi ? 8 * i : 24 - 8 * i));
		if (wabisabi && va != vb)
			assert_true(va > vb);
		else
			assert_true(memcmp(ka, kb, 36) < 0);
	}
	for (uint32_t k = 1; k < tx->n_out; k++) {
		const struct tx_out *a = &tx->out[k - 1], *b = &tx->out[k];
		if (a->value != b->value)
			assert_true(wabisabi ? a->value > b->value : a->value < b->value);
		else
			assert_true(bytes_cmp(a->script, a->script_len, b->script, b->script_len) < 0);
	}
}

static void keep_outputs(struct outs *o, const struct tx *tx)
{
	for (uint32_t k = 0; k < tx->n_out; k++) {
		if (o->n == o->cap) {
			o->cap = o->cap ? o->cap * 2 : 4096;
			o->v = realloc(o->v, o->cap * sizeof(*o->v));
			assert_non_null(o->v);
		}
		o->v[o->n++] = (struct out){ tx->txid, k, tx->out[k].value };
	}
}

/* Walks blk00000.dat; checks each tx whose txid kinds names. */
static unsigned walk(const char *dir, json_t *kinds)
{
	char path[1100];
	size_t len;
	struct block b;
	struct outs o = { 0 };
	const char *why = NULL;
	unsigned checked = 0;
	snprintf(path, sizeof(path), "%s/blocks/blk00000.dat", dir);
	uint8_t *raw = helper_read_file(path, &len);
	assert_non_null(raw);
	block_init(&b);
	for (size_t off = 0; off + 8 <= len;) {
		uint32_t n = raw[off + 4] | raw[off + 5] << 8 | raw[off + 6] << 16 |
			     (uint32_t)raw[off + 7] << 24;
		assert_true(block_parse(&b, raw + off + 8, n, &why));
		for (uint32_t t = 0; t < b.n_tx; t++) {
			char hex[65];
			hash256_to_hex(hex, &b.txs[t].txid);
			const char *kind = json_string_value(json_object_get(kinds, hex));
			if (kind) {
				check_order(&o, &b.txs[t], strcmp(kind, "wabisabi") == 0);
				checked++;
			}
			keep_outputs(&o, &b.txs[t]);
		}
		off += 8 + n;
	}
	block_release(&b);
	free(raw);
	free(o.v);
	return checked;
}

static void test_high_fee_run_orders_rounds(void **state)
{
	struct sim_options o;
	struct sim_summary s;
	const char *why = NULL, *tmp = helper_tmpdir();
	char dir[1024];
	json_error_t err;
	size_t i;
	json_t *c;
	unsigned n_wp = 0;
	(void)state;
	memset(&o, 0, sizeof(o));
	o.seed = 4, o.net = NETWORK_REGTEST, o.target_txs = 6000;
	o.era = SIM_ERA_2021, o.fast_sigs = true;
	o.file_max = 134217728, o.start_time = 1700000000, o.known_permille = 100;
	o.coinjoin_permille = sim_era_params(o.era)->coinjoin;
	o.payjoin_permille = sim_era_params(o.era)->payjoin;
	snprintf(dir, sizeof(dir), "%s/sim", tmp);
	if (!sim_run(&s, &o, dir, false, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
	snprintf(dir, sizeof(dir), "%s/sim/truth.json", tmp);
	json_t *truth = json_load_file(dir, 0, &err);
	assert_non_null(truth);
	json_t *kinds = json_object();
	json_array_foreach(json_object_get(truth, "coinjoins"), i, c) {
		const char *kind = json_string_value(json_object_get(c, "kind"));
		n_wp += strcmp(kind, "whirlpool") == 0;
		json_object_set_new(kinds, json_string_value(json_object_get(c, "txid")),
				    json_string(kind));
	}
	assert_true(n_wp >= 1);
	assert_true(json_object_size(kinds) > n_wp); /* WabiSabi rounds too */
	snprintf(dir, sizeof(dir), "%s/sim", tmp);
	assert_int_equal(walk(dir, kinds), json_object_size(kinds));
	json_decref(kinds);
	json_decref(truth);
	helper_rm_rf(tmp);
}

/* 2017's fees (up to 1,000 sat/vB) with a round in every block: these
 * two runs stopped with "an affordable Tx0 fell short" (the coin bound
 * had no room for the Tx0's OP_RETURN) and "a WabiSabi round fell short
 * of its fee" (a coin's budget wrapped below zero) before the fixes. */
static void test_mixes_at_2017_fees(void **state)
{
	static const struct { uint64_t seed, txs; } runs[] = { { 23, 4000 }, { 17, 8000 } };
	const char *tmp = helper_tmpdir();
	char dir[1024];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/sim", tmp);
	for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
		struct sim_options o;
		struct sim_summary s;
		const char *why = NULL;
		memset(&o, 0, sizeof(o));
		o.seed = runs[i].seed, o.net = NETWORK_REGTEST, o.target_txs = runs[i].txs;
		o.era = SIM_ERA_2017, o.fast_sigs = true, o.coinjoin_permille = 1000;
		o.file_max = 134217728, o.start_time = 1700000000, o.known_permille = 100;
		if (!sim_run(&s, &o, dir, true, NULL, NULL, &why))
			fail_msg("seed %llu: sim_run: %s", (unsigned long long)runs[i].seed, why);
		assert_true(s.coinjoins > 0 && s.tx0s > 0);
	}
	helper_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_whirlpool_fee_rule),
		cmocka_unit_test(test_high_fee_run_orders_rounds),
		cmocka_unit_test(test_mixes_at_2017_fees),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
