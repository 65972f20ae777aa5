/* proceeds simulate --mix-variants (sim/simvariant*.c), checked on the
 * blocks as chain/tx.h decodes them, with the truth read back as JSON:
 *   - on main, testnet, testnet4, signet and regtest (several eras, and a
 *     population of 10 users), every "mix_variants" row is a transaction
 *     at its height whose inputs and outputs are all of its script type;
 *     a mix spends coins of 2 or more owners and pays its participants at
 *     addresses never paid before; a look-alike spends coins of exactly
 *     one owner; each has its count of outputs of its denomination, its
 *     inputs, outputs and fee; every cell of kind x script type occurs;
 *     every output address of the chain is in the truth;
 *   - with --fast-sigs every variant input carries its owner's
 *     placeholder signatures (as every other input does), which verify
 *     against the owner's key 0; with real signatures every one verifies
 *     over its sighash (legacy, BIP143, BIP341);
 *   - "coinjoins" lists no variant; the same seed gives the same bytes;
 *   - without the option the truth has no "mix_variants" and no variant
 *     entity, and the chain passes the same address checks. */
#include "helper.h"
#include "helper_chain.h"
#include "proceeds/address.h"
#include "proceeds/cursor.h"
#include "proceeds/hash.h"
#include "proceeds/script.h"
#include "proceeds/sighash.h"
#include "proceeds/sim.h"
#include "proceeds/simkeys.h"
#include "proceeds/simworld.h"
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

/* The matrix the brief asks for, written out here (not taken from the
 * simulator): kinds, of which the first 6 are mixes, and script types. */
static const char *const kinds[10] = {
	"whirlpool", "wabisabi", "wasabi1", "joinmarket", "generic",
	"generic-nochange", "payroll", "airdrop", "batch-withdrawal", "self-split",
};
static const char *const type_names[4] = { "p2pkh", "p2sh-p2wpkh", "p2wpkh", "p2tr" };
static const enum script_type type_of[4] = { SCRIPT_P2PKH, SCRIPT_P2SH, SCRIPT_P2WPKH,
					     SCRIPT_P2TR };

struct coin {
	struct hash256 txid;
	uint32_t vout;
	bool used;
	uint64_t value;
	uint8_t script[83];
	uint8_t script_len;
};

struct check {
	uint32_t blocks;             /* walked so far */
	enum network net;
	bool fast;
	uint64_t seed;
	secp256k1_context *ctx;
	struct simkeys *keys;
	struct coin *coins;
	size_t cap, n_coins;
	json_t *truth;       /* the whole truth.json */
	json_t *owner_of;    /* address -> entity */
	json_t *rows;        /* txid -> mix_variants row */
	json_t *paid;        /* addresses paid so far -> true */
	unsigned cells[10][4];
	uint64_t rows_seen, inputs_signed;
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

static const struct coin *spent_coin(const struct check *k, const struct tx_in *in)
{
	const struct coin *c = &k->coins[slot(k, &in->prev_txid, in->prev_vout)];
	assert_true(c->used);
	return c;
}

/* Every output's address (but the genesis block's) is in the truth;
 * remembered as paid. */
static void add_outputs(struct check *k, const struct tx *tx, uint32_t height)
{
	char addr[ADDRESS_MAX];
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct coin *c = &k->coins[slot(k, &tx->txid, o)];
		assert_false(c->used);
		assert_true(tx->out[o].script_len <= sizeof(c->script));
		assert_true(++k->n_coins < k->cap / 2);
		*c = (struct coin){ tx->txid, o, true, tx->out[o].value, { 0 },
				    (uint8_t)tx->out[o].script_len };
		memcpy(c->script, tx->out[o].script, tx->out[o].script_len);
		if (height == 0 || !address_from_script(addr, k->net, c->script, c->script_len))
			continue; /* the witness commitment */
		if (!json_object_get(k->owner_of, addr))
			fail_msg("output address %s is not in the truth", addr);
		json_object_set_new(k->paid, addr, json_true());
	}
}

/* The truth entity owning a script's address. */
static json_int_t owner(const struct check *k, const uint8_t *script, size_t len)
{
	char addr[ADDRESS_MAX];
	assert_true(address_from_script(addr, k->net, script, len));
	json_t *o = json_object_get(k->owner_of, addr);
	assert_non_null(o);
	return json_integer_value(o);
}

/* Witness item i of an input. */
static void witness_item(const struct tx_in *in, uint32_t i, const uint8_t **p, size_t *len)
{
	struct cursor c;
	uint64_t n, l = 0;
	cursor_init(&c, in->witness, in->witness_len);
	assert_true(cursor_compact(&c, &n, 1000) && i < n);
	for (uint32_t j = 0; j <= i; j++)
		assert_true(cursor_compact(&c, &l, 10000) && cursor_span(&c, p, l));
	*len = l;
}

/* An input's signature (DER + hash type, or 64 bytes) and key (33 bytes,
 * NULL for P2TR), checked against the spent script's form. */
static void input_sig(const struct tx_in *in, enum script_type t, const uint8_t *spk,
		      const uint8_t **sig, size_t *sl, const uint8_t **pub)
{
	size_t pl = 33;
	uint8_t h[20], redeem[22] = { 0x00, 0x14 }, rh[20];
	*pub = NULL;
	if (t == SCRIPT_P2TR) {
		witness_item(in, 0, sig, sl);
		assert_int_equal(*sl, 64);
		return;
	}
	if (t == SCRIPT_P2PKH) {
		*sig = in->script + 1, *sl = in->script[0];
		*pub = in->script + 2 + *sl, pl = in->script[1 + *sl];
		assert_int_equal(in->script_len, 2 + *sl + pl);
	} else {
		witness_item(in, 0, sig, sl);
		witness_item(in, 1, pub, &pl);
	}
	assert_int_equal(pl, 33);
	hash_hash160(h, *pub, 33);
	memcpy(redeem + 2, h, 20);
	hash_hash160(rh, redeem, 22);
	if (t == SCRIPT_P2SH) { /* nested: the scriptSig pushes the P2WPKH program */
		assert_int_equal(in->script_len, 23);
		assert_memory_equal(in->script + 1, redeem, 22);
	}
	assert_memory_equal(t == SCRIPT_P2SH ? rh : h, spk + (t == SCRIPT_P2PKH ? 3 : 2), 20);
}

/* --fast-sigs: the signature is the owner's placeholder, and it is a
 * valid signature by the owner's key 0 over the placeholder message. */
static void check_placeholder(struct check *k, json_int_t ent, enum script_type t,
			      const uint8_t *sig, size_t sl)
{
	struct simkeychain kc;
	uint8_t pub0[33], msg[32];
	uint32_t idx;
	const char *why = NULL;
	assert_true(simkeys_chain_init(k->keys, &kc, (uint32_t)ent, &why));
	assert_true(simkeys_next(k->keys, &kc, pub0, &idx, &why) && idx == 0);
	simkeys_placeholder_msg(msg);
	if (t == SCRIPT_P2TR) {
		assert_memory_equal(sig, kc.schnorr, 64);
		assert_true(simkeys_check_schnorr(k->keys, sig, pub0, msg));
	} else {
		assert_int_equal(sl, kc.ecdsa_len + 1u);
		assert_memory_equal(sig, kc.ecdsa_der, kc.ecdsa_len);
		assert_true(simkeys_check_ecdsa(k->keys, sig, kc.ecdsa_len, pub0, msg));
	}
}

/* Real signatures: ECDSA (low S, SIGHASH_ALL) or BIP340 over the
 * input's sighash, recomputed from the decoded transaction. */
static void check_real(struct check *k, const struct tx *tx, uint32_t i,
		       const struct sighash_spent *sp, enum script_type t,
		       const uint8_t *sig, size_t sl, const uint8_t *pub)
{
	struct sighash_cache c;
	uint8_t msg[32], code[25], h[20];
	const char *why = NULL;
	assert_true(sighash_cache_init(&c, tx, sp, &why));
	if (t == SCRIPT_P2TR) {
		secp256k1_xonly_pubkey x;
		assert_true(sighash_taproot(msg, &c, tx, i, sp, SIGHASH_DEFAULT, NULL, 0, &why));
		assert_true(secp256k1_xonly_pubkey_parse(k->ctx, &x, sp[i].script + 2));
		assert_true(secp256k1_schnorrsig_verify(k->ctx, sig, msg, 32, &x));
		return;
	}
	if (t == SCRIPT_P2PKH) {
		assert_true(sighash_legacy(msg, tx, i, sp[i].script, sp[i].script_len,
					   SIGHASH_ALL, &why));
	} else {
		hash_hash160(h, pub, 33);
		sighash_p2wpkh_code(code, h);
		assert_true(sighash_segwit_v0(msg, &c, tx, i, code, 25, sp[i].value,
					      SIGHASH_ALL, &why));
	}
	secp256k1_ecdsa_signature s, low;
	secp256k1_pubkey p;
	assert_int_equal(sig[sl - 1], SIGHASH_ALL);
	assert_true(secp256k1_ecdsa_signature_parse_der(k->ctx, &s, sig, sl - 1));
	assert_false(secp256k1_ecdsa_signature_normalize(k->ctx, &low, &s));
	assert_true(secp256k1_ec_pubkey_parse(k->ctx, &p, pub, 33));
	assert_true(secp256k1_ecdsa_verify(k->ctx, &s, msg, &p));
}

/* The inputs: all of type t, their distinct owners (ascending, as the
 * row lists them) into owners, each signed; returns their total. */
static uint64_t check_inputs(struct check *k, const struct tx *tx, enum script_type t,
			     json_t *owners)
{
	struct sighash_spent *sp = calloc(tx->n_in, sizeof(*sp));
	struct script_info si;
	uint64_t total = 0;
	assert_non_null(sp);
	for (uint32_t i = 0; i < tx->n_in; i++) {
		const struct coin *c = spent_coin(k, &tx->in[i]);
		sp[i] = (struct sighash_spent){ c->value, c->script, c->script_len };
		total += c->value;
	}
	for (uint32_t i = 0; i < tx->n_in; i++) {
		const uint8_t *sig, *pub;
		size_t sl;
		script_classify(&si, sp[i].script, sp[i].script_len);
		assert_int_equal(si.type, t);
		json_int_t ent = owner(k, sp[i].script, sp[i].script_len);
		size_t at = 0;
		while (at < json_array_size(owners) &&
		       json_integer_value(json_array_get(owners, at)) < ent)
			at++;
		if (at == json_array_size(owners) ||
		    json_integer_value(json_array_get(owners, at)) != ent)
			json_array_insert_new(owners, at, json_integer(ent));
		input_sig(&tx->in[i], t, sp[i].script, &sig, &sl, &pub);
		if (k->fast)
			check_placeholder(k, ent, t, sig, sl);
		else
			check_real(k, tx, i, sp, t, sig, sl, pub);
		k->inputs_signed++;
	}
	free(sp);
	return total;
}

static int cell_of(json_t *row, unsigned *ti)
{
	const char *v = json_string_value(json_object_get(row, "variant"));
	const char *s = json_string_value(json_object_get(row, "script_type"));
	int ki = -1;
	*ti = 4;
	for (unsigned i = 0; i < 10; i++)
		if (v && strcmp(v, kinds[i]) == 0)
			ki = (int)i;
	for (unsigned i = 0; i < 4; i++)
		if (s && strcmp(s, type_names[i]) == 0)
			*ti = i;
	if (ki < 0 || *ti == 4)
		fail_msg("unknown cell %s / %s", v ? v : "?", s ? s : "?");
	return ki;
}

/* Whether entity ent is one of owners, or (of a mix) a coordinator
 * taking its fee. */
static bool paid_to_ok(const struct check *k, json_int_t ent, json_t *owners, bool mix)
{
	size_t i;
	json_t *o;
	json_array_foreach(owners, i, o)
		if (json_integer_value(o) == ent)
			return true;
	json_t *e = json_array_get(json_object_get(k->truth, "entities"), (size_t)ent);
	return mix && strcmp(json_string_value(json_object_get(e, "type")), "coordinator") == 0;
}

/* The outputs: all of type t; of a mix, each at an address never paid
 * before, to a participant (or the coordinator); of a self-split, each
 * to its owner. Returns their total and counts those of value denom. */
static uint64_t check_outputs(struct check *k, const struct tx *tx, enum script_type t,
			      int ki, json_t *owners, uint64_t denom, uint32_t *equal)
{
	bool mix = ki < 6;
	struct script_info si;
	char addr[ADDRESS_MAX];
	uint64_t total = 0;
	*equal = 0;
	for (uint32_t o = 0; o < tx->n_out; o++) {
		script_classify(&si, tx->out[o].script, tx->out[o].script_len);
		assert_int_equal(si.type, t);
		total += tx->out[o].value;
		*equal += tx->out[o].value == denom;
		assert_true(address_from_script(addr, k->net, tx->out[o].script,
						tx->out[o].script_len));
		if (mix && json_object_get(k->paid, addr))
			fail_msg("a mix pays %s, an address paid before", addr);
		json_int_t to = owner(k, tx->out[o].script, tx->out[o].script_len);
		if ((mix || ki == 9) && !paid_to_ok(k, to, owners, mix))
			fail_msg("%s pays entity %lld, not a participant", kinds[ki], (long long)to);
	}
	return total;
}

/* A transaction the truth lists in mix_variants is what its row says. */
static void check_variant(struct check *k, const struct tx *tx, json_t *row, uint32_t height)
{
	unsigned ti;
	int ki = cell_of(row, &ti);
	bool mix = ki < 6;
	uint32_t equal;
	json_t *owners = json_array();
	uint64_t denom = (uint64_t)json_integer_value(json_object_get(row, "denomination"));
	assert_int_equal(json_integer_value(json_object_get(row, "height")), height);
	assert_true(json_is_boolean(json_object_get(row, "lookalike")));
	assert_int_equal(json_is_true(json_object_get(row, "lookalike")), !mix);
	uint64_t in = check_inputs(k, tx, type_of[ti], owners);
	uint64_t out = check_outputs(k, tx, type_of[ti], ki, owners, denom, &equal);
	assert_true(json_equal(owners, json_object_get(row, "owners")));
	if (mix)
		assert_true(json_array_size(owners) >= 2);
	else
		assert_int_equal(json_array_size(owners), 1);
	assert_int_equal(json_integer_value(json_object_get(row, "equal_outputs")), equal);
	assert_true(equal >= 2);
	assert_int_equal(json_integer_value(json_object_get(row, "inputs")), tx->n_in);
	assert_int_equal(json_integer_value(json_object_get(row, "outputs")), tx->n_out);
	assert_true(in > out);
	assert_int_equal(json_integer_value(json_object_get(row, "fee")), in - out);
	json_decref(owners);
	k->cells[ki][ti]++;
	k->rows_seen++;
}

static void check_block(struct check *k, const struct block *b, uint32_t height)
{
	char hex[65];
	for (uint32_t t = 0; t < b->n_tx; t++) {
		hash256_to_hex(hex, &b->txs[t].txid);
		json_t *row = json_object_get(k->rows, hex);
		if (row)
			check_variant(k, &b->txs[t], row, height);
		add_outputs(k, &b->txs[t], height);
	}
}

/* Walks blk00000.dat.. in order (one branch, in height order). */
static void walk_block(void *ctx, const struct block *b, uint32_t height)
{
	struct check *k = ctx;

	check_block(k, b, height);
	k->blocks = height + 1;
}

static void walk(struct check *k, const char *dir)
{
	const char *why = NULL;

	if (!hc_walk_blocks(dir, walk_block, k, &why))
		fail_msg("%s", why);
	assert_true(k->blocks > 100);
}

/* Loads truth.json: its address owners, its mix_variants rows by txid. */
static void load_truth(struct check *k, const char *dir)
{
	char path[1100];
	json_error_t err;
	size_t i;
	json_t *a, *row;
	snprintf(path, sizeof(path), "%s/truth.json", dir);
	k->truth = json_load_file(path, 0, &err);
	if (!k->truth)
		fail_msg("%s: %s", path, err.text);
	k->owner_of = json_object();
	k->rows = json_object();
	k->paid = json_object();
	json_array_foreach(json_object_get(k->truth, "addresses"), i, a)
		json_object_set(k->owner_of, json_string_value(json_array_get(a, 0)),
				json_array_get(a, 1));
	json_array_foreach(json_object_get(k->truth, "mix_variants"), i, row)
		json_object_set(k->rows, json_string_value(json_object_get(row, "txid")), row);
}

static struct check *check_new(enum network net, bool fast, uint64_t seed)
{
	struct check *k = calloc(1, sizeof(*k));
	assert_non_null(k);
	k->net = net, k->fast = fast, k->seed = seed;
	k->ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	k->keys = simkeys_new(seed);
	k->cap = 1u << 18;
	k->coins = calloc(k->cap, sizeof(*k->coins));
	assert_non_null(k->coins);
	assert_non_null(k->keys);
	return k;
}

static void check_free(struct check *k)
{
	secp256k1_context_destroy(k->ctx);
	simkeys_free(k->keys);
	json_decref(k->truth);
	json_decref(k->owner_of);
	json_decref(k->rows);
	json_decref(k->paid);
	free(k->coins);
	free(k);
}

static void simulate(const char *dir, enum network net, enum sim_era era, bool fast,
		     bool variants, uint64_t seed, uint32_t users)
{
	struct sim_options o;
	struct sim_summary s;
	const char *why = NULL;
	memset(&o, 0, sizeof(o));
	o.seed = seed, o.net = net, o.target_blocks = 150, o.era = era;
	o.known_permille = 100, o.file_max = SIMCHAIN_FILE_MAX;
	o.start_time = 1700000000, o.fast_sigs = fast, o.users = users;
	o.scenario[0] = SIM_RANSOMWARE, o.n_scenarios = 1;
	o.coinjoin_permille = sim_era_params(era)->coinjoin;
	o.payjoin_permille = sim_era_params(era)->payjoin;
	o.mix_variants = variants;
	if (!sim_run(&s, &o, dir, true, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
	assert_true(variants ? s.mix_variants > s.lookalikes && s.lookalikes > 0
			     : s.mix_variants == 0);
}

/* No variant is listed among the economy's CoinJoins. */
static void check_coinjoins(const struct check *k)
{
	size_t i;
	json_t *c;
	json_array_foreach(json_object_get(k->truth, "coinjoins"), i, c) {
		const char *kind = json_string_value(json_object_get(c, "kind"));
		assert_true(strcmp(kind, "whirlpool") == 0 || strcmp(kind, "wabisabi") == 0);
		assert_null(json_object_get(k->rows, json_string_value(json_object_get(c, "txid"))));
	}
}

/* One run checked whole; returns the rows it had. */
static size_t check_run(enum network net, enum sim_era era, bool fast, uint64_t seed,
			uint32_t users)
{
	char dir[1100];
	snprintf(dir, sizeof(dir), "%s/mv", helper_tmpdir());
	simulate(dir, net, era, fast, true, seed, users);
	struct check *k = check_new(net, fast, seed);
	load_truth(k, dir);
	walk(k, dir);
	size_t rows = json_object_size(k->rows);
	assert_true(json_is_true(json_object_get(json_object_get(k->truth, "generator"),
						 "mix_variants")));
	assert_int_equal(k->rows_seen, rows); /* every row is on chain */
	for (unsigned ki = 0; ki < 10; ki++)
		for (unsigned ti = 0; ti < 4; ti++)
			if (k->cells[ki][ti] == 0)
				fail_msg("%s: no %s in %s", network_params(net)->name, kinds[ki],
					 type_names[ti]);
	check_coinjoins(k);
	printf("%s: %zu variants, %llu inputs signed as the rest\n",
	       network_params(net)->name, rows, (unsigned long long)k->inputs_signed);
	check_free(k);
	helper_rm_rf(helper_tmpdir());
	return rows;
}

static void test_every_network(void **state)
{
	(void)state;
	assert_true(check_run(NETWORK_MAIN, SIM_ERA_2017, true, 11, 0) >= 40);
	assert_true(check_run(NETWORK_TESTNET, SIM_ERA_2021, true, 12, 0) >= 40);
	assert_true(check_run(NETWORK_TESTNET4, SIM_ERA_2024, true, 13, 0) >= 40);
	assert_true(check_run(NETWORK_SIGNET, SIM_ERA_DEFAULT, true, 14, 10) >= 40);
	assert_true(check_run(NETWORK_REGTEST, SIM_ERA_DEFAULT, true, 15, 0) >= 40);
}

static void test_real_signatures(void **state)
{
	(void)state;
	assert_true(check_run(NETWORK_REGTEST, SIM_ERA_DEFAULT, false, 16, 0) >= 40);
	assert_true(check_run(NETWORK_MAIN, SIM_ERA_2017, false, 17, 0) >= 40);
}

static uint8_t *blk(const char *dir, size_t *len)
{
	char path[1200];
	snprintf(path, sizeof(path), "%s/blocks/blk00000.dat", dir);
	uint8_t *p = helper_read_file(path, len);
	assert_non_null(p);
	return p;
}

static void test_same_seed_same_bytes(void **state)
{
	char a[1100], b[1100];
	size_t la, lb;
	(void)state;
	snprintf(a, sizeof(a), "%s/a", helper_tmpdir());
	snprintf(b, sizeof(b), "%s/b", helper_tmpdir());
	simulate(a, NETWORK_MAIN, SIM_ERA_DEFAULT, true, true, 21, 0);
	simulate(b, NETWORK_MAIN, SIM_ERA_DEFAULT, true, true, 21, 0);
	uint8_t *pa = blk(a, &la), *pb = blk(b, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(pa, pb, la);
	free(pa);
	free(pb);
	helper_rm_rf(helper_tmpdir());
}

static void test_off_has_no_variants(void **state)
{
	char dir[1100];
	size_t i;
	json_t *ent;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/off", helper_tmpdir());
	simulate(dir, NETWORK_REGTEST, SIM_ERA_DEFAULT, true, false, 15, 0);
	struct check *k = check_new(NETWORK_REGTEST, true, 15);
	load_truth(k, dir);
	assert_null(json_object_get(k->truth, "mix_variants"));
	assert_null(json_object_get(json_object_get(k->truth, "generator"), "mix_variants"));
	assert_non_null(json_object_get(k->truth, "coinjoins"));
	json_array_foreach(json_object_get(k->truth, "entities"), i, ent) {
		const char *name = json_string_value(json_object_get(ent, "name"));
		assert_true(strncmp(name, "employer-", 9) != 0 && strncmp(name, "airdrop-", 8) != 0);
		assert_string_not_equal(name, "wasabi-coordinator");
	}
	walk(k, dir); /* every output address in the truth */
	assert_int_equal(k->rows_seen, 0);
	check_free(k);
	helper_rm_rf(helper_tmpdir());
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_network),
		cmocka_unit_test(test_real_signatures),
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_off_has_no_variants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
