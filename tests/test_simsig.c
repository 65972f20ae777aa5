/* Every signature of a simulated chain verifies: the chain is re-read from
 * its blk files, each input's spent output looked up in the test's own
 * UTXO map, its sighash re-derived with chain/sighash.c from the decoded
 * transaction (not the writer's structures), and its signature checked
 * with libsecp256k1 (ECDSA: strict DER and low S; P2TR: BIP340 against
 * the output key). A --fast-sigs chain must fail the same check, and so
 * must a real one whose sighash is perturbed: the test can fail. */
#include "helper.h"
#include "helper_chain.h"
#include "proceeds/coinjoin.h"
#include "proceeds/cursor.h"
#include "proceeds/hash.h"
#include "proceeds/script.h"
#include "proceeds/sighash.h"
#include "proceeds/sim.h"
#include "proceeds/tx.h"

#include <jansson.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct coin {
	struct hash256 txid;
	uint32_t vout;
	bool used;
	uint64_t value;
	uint8_t script[83];
	uint8_t script_len;
};

struct check {
	secp256k1_context *ctx;
	struct coin *coins;
	size_t cap;
	uint64_t inputs, verified, ecdsa, schnorr, legacy;
	bool perturb;
	json_t *joins;       /* txid -> truth row ("kind" added for tx0s, payjoins) */
	uint64_t joins_seen, kinds[COINJOIN_KIND_COUNT];
};

static size_t slot(const struct check *k, const struct hash256 *txid, uint32_t vout)
{
	uint64_t h;
	memcpy(&h, txid->b, 8);
	size_t i = (size_t)((h ^ vout * 0x9e3779b97f4a7c15ull) % k->cap);
	while (k->coins[i].used &&
	       !(hash256_eq(&k->coins[i].txid, txid) && k->coins[i].vout == vout))
		i = (i + 1) % k->cap;
	return i;
}

static void add_outputs(struct check *k, const struct tx *tx)
{
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct coin *c = &k->coins[slot(k, &tx->txid, o)];
		assert_false(c->used);
		assert_true(tx->out[o].script_len <= sizeof(c->script));
		c->used = true;
		c->txid = tx->txid;
		c->vout = o;
		c->value = tx->out[o].value;
		memcpy(c->script, tx->out[o].script, tx->out[o].script_len);
		c->script_len = (uint8_t)tx->out[o].script_len;
	}
}

/* Witness item i of an input (pointer and length). */
static void witness_item(const struct tx_in *in, uint32_t i, const uint8_t **p,
			 size_t *len)
{
	struct cursor c;
	uint64_t n, l = 0;
	cursor_init(&c, in->witness, in->witness_len);
	assert_true(cursor_compact(&c, &n, 1000) && i < n);
	for (uint32_t k = 0; k <= i; k++)
		assert_true(cursor_compact(&c, &l, 10000) && cursor_span(&c, p, l));
	*len = l;
}

static bool ecdsa_ok(struct check *k, const uint8_t *sig, size_t len,
		     const uint8_t *pub, const uint8_t msg[32])
{
	secp256k1_ecdsa_signature s, low;
	secp256k1_pubkey p;
	k->ecdsa++;
	/* DER plus the SIGHASH_ALL byte; low S (normalize changes nothing). */
	return len >= 9 && sig[len - 1] == SIGHASH_ALL &&
	       secp256k1_ecdsa_signature_parse_der(k->ctx, &s, sig, len - 1) &&
	       !secp256k1_ecdsa_signature_normalize(k->ctx, &low, &s) &&
	       secp256k1_ec_pubkey_parse(k->ctx, &p, pub, 33) &&
	       secp256k1_ecdsa_verify(k->ctx, &s, msg, &p);
}

/* Checks input i of tx against spent (all of tx's spent outputs). */
static bool input_ok(struct check *k, const struct tx *tx, uint32_t i,
		     const struct sighash_cache *c, const struct sighash_spent *spent)
{
	struct script_info si;
	const uint8_t *sig, *pub, *s = spent[i].script;
	size_t sl, pl;
	uint8_t msg[32], code[25], h[20], redeem[22] = { 0x00, 0x14 };
	const char *why = NULL;
	script_classify(&si, s, spent[i].script_len);
	if (si.type == SCRIPT_P2TR) {
		secp256k1_xonly_pubkey x;
		witness_item(&tx->in[i], 0, &sig, &sl);
		k->schnorr++;
		assert_true(sighash_taproot(msg, c, tx, i, spent, SIGHASH_DEFAULT, NULL, 0, &why));
		msg[0] ^= k->perturb;
		return sl == 64 && secp256k1_xonly_pubkey_parse(k->ctx, &x, s + 2) &&
		       secp256k1_schnorrsig_verify(k->ctx, sig, msg, 32, &x);
	}
	if (si.type == SCRIPT_P2PKH) {
		/* scriptSig: push(sig+type) push(pub) */
		const uint8_t *ss = tx->in[i].script;
		sig = ss + 1, sl = ss[0], pub = ss + 2 + sl, pl = ss[1 + sl];
		assert_true(tx->in[i].script_len == 2 + sl + pl && pl == 33);
		hash_hash160(h, pub, 33);
		assert_memory_equal(h, s + 3, 20);
		assert_true(sighash_legacy(msg, tx, i, s, spent[i].script_len, SIGHASH_ALL, &why));
		k->legacy++;
	} else {
		assert_true(si.type == SCRIPT_P2WPKH || si.type == SCRIPT_P2SH);
		witness_item(&tx->in[i], 0, &sig, &sl);
		witness_item(&tx->in[i], 1, &pub, &pl);
		assert_int_equal(pl, 33);
		hash_hash160(h, pub, 33);
		if (si.type == SCRIPT_P2SH) {
			uint8_t rh[20];
			memcpy(redeem + 2, h, 20);
			hash_hash160(rh, redeem, 22);
			assert_memory_equal(rh, s + 2, 20);
			assert_int_equal(tx->in[i].script_len, 23);
			assert_memory_equal(tx->in[i].script + 1, redeem, 22);
		} else {
			assert_memory_equal(h, s + 2, 20);
		}
		sighash_p2wpkh_code(code, h);
		assert_true(sighash_segwit_v0(msg, c, tx, i, code, 25, spent[i].value,
					      SIGHASH_ALL, &why));
	}
	msg[0] ^= k->perturb;
	return ecdsa_ok(k, sig, sl, pub, msg);
}

/* A transaction the truth lists as a CoinJoin, Tx0 or PayJoin has that
 * shape, and graph/coinjoin.c classifies the CoinJoins as their kind. */
static void check_join(struct check *k, const struct tx *tx, const struct sighash_spent *sp,
		       uint32_t height)
{
	char hex[65];
	hash256_to_hex(hex, &tx->txid);
	json_t *row = k->joins ? json_object_get(k->joins, hex) : NULL;
	if (!row)
		return;
	const char *kind = json_string_value(json_object_get(row, "kind"));
	struct coinjoin_input *ci = calloc(tx->n_in, sizeof(*ci));
	struct coinjoin_result r;
	const char *why = NULL;
	for (uint32_t i = 0; i < tx->n_in; i++)
		coinjoin_input_set(&ci[i], sp[i].value, sp[i].script, sp[i].script_len);
	struct coinjoin_view v = { tx, ci, height, NETWORK_REGTEST };
	assert_true(coinjoin_detect(&r, &v, &why));
	if (strcmp(kind, "payjoin") == 0) {
		assert_int_equal(tx->n_in, 2);
		assert_int_equal(tx->n_out, 2);
		/* PayJoin-like when an input is larger than both outputs;
		 * otherwise nothing on chain tells it from a payment. */
		assert_true(r.kind == COINJOIN_NONE || r.kind == COINJOIN_PAYJOIN);
		assert_true(r.verdict != COINJOIN_MIX);
	} else if (strcmp(kind, "tx0") == 0) {
		assert_true(r.tx0);
	} else {
		assert_int_equal(r.verdict, COINJOIN_MIX);
		assert_string_equal(coinjoin_kind_name(r.kind), kind);
		assert_int_equal(tx->n_in, json_integer_value(json_object_get(row, "inputs")));
		assert_int_equal(tx->n_out, json_integer_value(json_object_get(row, "outputs")));
	}
	k->joins_seen++;
	k->kinds[r.kind]++;
	free(ci);
}

static void check_tx(struct check *k, const struct tx *tx, uint32_t height)
{
	struct sighash_spent *spent = calloc(tx->n_in, sizeof(*spent));
	struct sighash_cache c;
	const char *why = NULL;
	assert_non_null(spent);
	for (uint32_t i = 0; i < tx->n_in; i++) {
		size_t at = slot(k, &tx->in[i].prev_txid, tx->in[i].prev_vout);
		assert_true(k->coins[at].used);
		spent[i].value = k->coins[at].value;
		spent[i].script = k->coins[at].script;
		spent[i].script_len = k->coins[at].script_len;
	}
	assert_true(sighash_cache_init(&c, tx, spent, &why));
	check_join(k, tx, spent, height);
	for (uint32_t i = 0; i < tx->n_in; i++) {
		k->inputs++;
		k->verified += input_ok(k, tx, i, &c, spent);
	}
	free(spent);
}

/* Walks blk00000.dat.. of dir in order (the simulator writes one branch
 * in height order). Spent coins stay in the map: lookups only. */
static void check_block(void *ctx, const struct block *b, uint32_t height)
{
	for (uint32_t t = 0; t < b->n_tx; t++) {
		if (t > 0)
			check_tx(ctx, &b->txs[t], height);
		add_outputs(ctx, &b->txs[t]);
	}
}

static void check_chain(struct check *k, const char *dir)
{
	const char *why = NULL;

	if (!hc_walk_blocks(dir, check_block, k, &why))
		fail_msg("%s", why);
}

/* The truth's CoinJoins, Tx0s and PayJoins by txid. */
static json_t *load_joins(const char *dir)
{
	char path[4200];
	json_error_t err;
	snprintf(path, sizeof(path), "%s/truth.json", dir);
	json_t *t = json_load_file(path, 0, &err), *out = json_object(), *row;
	static const char *const keys[3] = { "coinjoins", "tx0s", "payjoins" };
	assert_non_null(t);
	for (int i = 0; i < 3; i++) {
		size_t j;
		json_array_foreach(json_object_get(t, keys[i]), j, row) {
			if (i == 1)
				json_object_set_new(row, "kind", json_string("tx0"));
			if (i == 2)
				json_object_set_new(row, "kind", json_string("payjoin"));
			json_object_set(out, json_string_value(json_object_get(row, "txid")), row);
		}
	}
	json_decref(t);
	return out;
}

static struct check *run_check(const char *dir, bool perturb)
{
	struct check *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	k->joins = load_joins(dir);
	k->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	k->cap = 1u << 16;
	k->coins = calloc(k->cap, sizeof(*k->coins));
	k->perturb = perturb;
	check_chain(k, dir);
	return k;
}

static void free_check(struct check *k)
{
	secp256k1_context_destroy(k->ctx);
	json_decref(k->joins);
	free(k->coins);
	free(k);
}

static void simulate(const char *dir, bool fast, unsigned threads)
{
	struct sim_options o;
	struct sim_summary s;
	const char *why = NULL;
	memset(&o, 0, sizeof(o));
	o.seed = 41;
	o.net = NETWORK_REGTEST;
	o.target_txs = 2500;
	o.known_permille = 100;
	o.scenario[0] = SIM_RANSOMWARE, o.n_scenarios = 1;
	o.file_max = SIMCHAIN_FILE_MAX;
	o.start_time = 1700000000;
	o.fast_sigs = fast;
	o.coinjoin_permille = 600;
	o.payjoin_permille = 50;
	o.threads = threads;
	if (!sim_run(&s, &o, dir, true, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
}

static void test_every_signature_verifies(void **state)
{
	char dir[1024];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/real", helper_tmpdir());
	simulate(dir, false, 1);
	struct check *k = run_check(dir, false);
	printf("inputs %llu: ecdsa %llu (legacy %llu), schnorr %llu, verified %llu\n",
	       (unsigned long long)k->inputs, (unsigned long long)k->ecdsa,
	       (unsigned long long)k->legacy, (unsigned long long)k->schnorr,
	       (unsigned long long)k->verified);
	assert_true(k->inputs > 2500);
	assert_true(k->legacy > 0 && k->schnorr > 0 && k->ecdsa > k->legacy);
	assert_int_equal(k->verified, k->inputs);
	/* Every CoinJoin, Tx0 and PayJoin of the truth was found on chain. */
	printf("coinjoins, tx0s and payjoins checked: %llu\n",
	       (unsigned long long)k->joins_seen);
	assert_int_equal(k->joins_seen, json_object_size(k->joins));
	assert_true(k->joins_seen >= 5);
	printf("whirlpool %llu wabisabi %llu\n", (unsigned long long)k->kinds[COINJOIN_WHIRLPOOL], (unsigned long long)k->kinds[COINJOIN_WABISABI]);
	assert_true(k->kinds[COINJOIN_WHIRLPOOL] >= 1 && k->kinds[COINJOIN_WABISABI] >= 1);
	free_check(k);
	/* The same sighashes, perturbed: nothing verifies. */
	k = run_check(dir, true);
	assert_int_equal(k->verified, 0);
	free_check(k);
	helper_rm_rf(helper_tmpdir());
}

static void test_threads_do_not_change_bytes(void **state)
{
	char a[1024], b[1040], pa[1100], pb[1100];
	size_t la, lb;
	(void)state;
	snprintf(a, sizeof(a), "%s/one", helper_tmpdir());
	snprintf(b, sizeof(b), "%s-three", a);
	simulate(a, false, 0);
	simulate(b, false, 2);
	snprintf(pa, sizeof(pa), "%s/blocks/blk00000.dat", a);
	snprintf(pb, sizeof(pb), "%s/blocks/blk00000.dat", b);
	uint8_t *da = helper_read_file(pa, &la), *db = helper_read_file(pb, &lb);
	assert_non_null(da);
	assert_non_null(db);
	assert_int_equal(la, lb);
	assert_memory_equal(da, db, la);
	free(da);
	free(db);
	helper_rm_rf(helper_tmpdir());
}

static void test_fast_sigs_do_not_verify(void **state)
{
	char dir[1024];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/fast", helper_tmpdir());
	simulate(dir, true, 0);
	struct check *k = run_check(dir, false);
	assert_true(k->inputs > 2500);
	assert_int_equal(k->verified, 0);
	free_check(k);
	helper_rm_rf(helper_tmpdir());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_signature_verifies),
		cmocka_unit_test(test_threads_do_not_change_bytes),
		cmocka_unit_test(test_fast_sigs_do_not_verify),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
