/* `proceeds simulate --crime-demix` (sim/simdemix.c, sim/simpostmix.c):
 * every linking behaviour the truth lists is on chain as it says, read
 * back from the blk files with chain/tx.h:
 *   - the coins kept out of the mix are outputs of the criminal's split,
 *     not inputs of the mix;
 *   - each consolidation spends exactly the listed outputs of the mix,
 *     all the criminal's, into one output of the criminal;
 *   - each spend with kept coins spends the listed outputs of the mix and
 *     the kept coin and pays the deposit (larger than any input) and a
 *     change of the criminal;
 *   - each static deposit address is an exchange's deposit address that
 *     receives every listed payment, each in its own transaction;
 *   - each other participant's habit spends exactly the listed outputs of
 *     its round, all its own, into one address of its own (co-spend) or
 *     its static deposit address (static-deposit);
 *   - the rule seeded = cashed out + unspent + fees (tests/test_sim.c
 *     checks it with the whole chain walk; here the totals again);
 *   - without the option the truth has neither "demix" nor
 *     "postmix_habits"; the same seed gives the same bytes. */
#include "helper.h"
#include "helper_chain.h"
#include "proceeds/address.h"
#include "proceeds/sim.h"
#include "proceeds/tx.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const struct sim_options *opts(uint64_t seed, uint64_t txs, bool demix)
{
	static struct sim_options o;
	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.net = NETWORK_REGTEST;
	o.target_txs = txs;
	o.known_permille = 100;
	o.scenario[0] = SIM_RANSOMWARE, o.n_scenarios = 1;
	o.file_max = 1u << 20;
	o.start_time = 1700000000;
	o.coinjoin_permille = 150;
	o.payjoin_permille = 10;
	o.crime_demix = demix;
	return &o;
}

static void simulate(const char *dir, const struct sim_options *o)
{
	struct sim_summary s;
	const char *why = NULL;
	if (!sim_run(&s, o, dir, false, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[2048];
	json_error_t err;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		fail_msg("%s: %s", name, err.text);
	return j;
}

/* One transaction as {"in": ["txid:vout", ...], "out": [{"address",
 * "value"}, ...]} (new). */
static json_t *tx_json(const struct tx *tx)
{
	json_t *in = json_array(), *out = json_array();
	char hex[65], op[80], addr[ADDRESS_MAX];
	for (uint32_t k = 0; k < tx->n_in; k++) {
		hash256_to_hex(hex, &tx->in[k].prev_txid);
		snprintf(op, sizeof(op), "%s:%u", hex, tx->in[k].prev_vout);
		json_array_append_new(in, json_string(op));
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		if (!address_from_script(addr, NETWORK_REGTEST, tx->out[o].script,
					 tx->out[o].script_len))
			snprintf(addr, sizeof(addr), "?");
		json_array_append_new(out, json_pack("{s:s, s:I}", "address", addr, "value",
						     (json_int_t)tx->out[o].value));
	}
	return json_pack("{s:o, s:o}", "in", in, "out", out);
}

/* Every transaction of dir's chain by txid (new). */
static void add_block(void *ctx, const struct block *b, uint32_t height)
{
	char hex[65];

	(void)height;
	for (uint32_t t = 0; t < b->n_tx; t++) {
		hash256_to_hex(hex, &b->txs[t].txid);
		json_object_set_new(ctx, hex, tx_json(&b->txs[t]));
	}
}

static json_t *read_chain(const char *dir)
{
	json_t *txs = json_object();
	const char *why = NULL;

	if (!hc_walk_blocks(dir, add_block, txs, &why))
		fail_msg("%s", why);
	assert_true(json_object_size(txs) > 1000);
	return txs;
}

/* What the tests read: the chain and the truth. */
struct run {
	json_t *txs, *truth, *crime, *dm, *owner; /* owner: address -> [entity, role] */
};

static void run_load(struct run *r, const char *dir)
{
	size_t i;
	json_t *row;
	r->txs = read_chain(dir);
	r->truth = load_json(dir, "truth.json");
	r->crime = json_object_get(r->truth, "crime");
	r->dm = json_object_get(r->crime, "demix");
	r->owner = json_object();
	json_array_foreach(json_object_get(r->truth, "addresses"), i, row)
		json_object_set_new(r->owner, json_string_value(json_array_get(row, 0)),
				    json_pack("[O, O]", json_array_get(row, 1), json_array_get(row, 2)));
}

static void run_release(struct run *r)
{
	json_decref(r->txs);
	json_decref(r->truth);
	json_decref(r->owner);
}

static json_int_t jint(json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static const char *jstr(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* "txid:vout" of an outpoint object. */
static const char *op_of(char buf[80], json_t *o)
{
	snprintf(buf, 80, "%s:%lld", jstr(o, "txid"), (long long)jint(o, "vout"));
	return buf;
}

static json_t *tx_of(const struct run *r, const char *txid)
{
	json_t *t = json_object_get(r->txs, txid);
	if (!t)
		fail_msg("%s is not on chain", txid);
	return t;
}

/* Whether the transaction txid spends outpoint "txid:vout". */
static bool spends(const struct run *r, const char *txid, const char *op)
{
	size_t i;
	json_t *s;
	json_array_foreach(json_object_get(tx_of(r, txid), "in"), i, s)
		if (strcmp(json_string_value(s), op) == 0)
			return true;
	return false;
}

static json_int_t owner_of(const struct run *r, const char *addr)
{
	json_t *o = json_object_get(r->owner, addr);
	assert_non_null(o);
	return json_integer_value(json_array_get(o, 0));
}

static const char *role_of(const struct run *r, const char *addr)
{
	return json_string_value(json_array_get(json_object_get(r->owner, addr), 1));
}

/* Whether "txid:vout" op is one of the criminal's outputs of the mix
 * (its coinjoin hop lists it). */
static bool criminal_postmix(const struct run *r, const char *op)
{
	size_t i, j;
	json_t *h, *p;
	char hop_op[80];
	json_array_foreach(json_object_get(r->crime, "hops"), i, h) {
		if (strcmp(jstr(h, "kind"), "coinjoin") != 0)
			continue;
		json_array_foreach(json_object_get(h, "outputs"), j, p)
			if (strcmp(op_of(hop_op, p), op) == 0)
				return true;
	}
	return false;
}

/* Each outpoint of list is the criminal's output of the mix, on chain
 * with its value, and spent by txid. */
static void check_postmix(const struct run *r, json_t *list, const char *txid)
{
	size_t i;
	json_t *o;
	char op[80];
	json_array_foreach(list, i, o) {
		json_t *out = json_array_get(json_object_get(tx_of(r, jstr(o, "txid")), "out"),
					     (size_t)jint(o, "vout"));
		assert_string_equal(jstr(o, "txid"), jstr(r->dm, "mix_txid"));
		assert_int_equal(jint(out, "value"), jint(o, "value"));
		assert_true(spends(r, txid, op_of(op, o)));
		assert_true(criminal_postmix(r, op));
	}
}

static void check_unmixed(const struct run *r)
{
	size_t i;
	json_t *o;
	char op[80];
	json_int_t crim = jint(r->crime, "criminal_entity");
	assert_true(json_array_size(json_object_get(r->dm, "unmixed")) >= 2);
	json_array_foreach(json_object_get(r->dm, "unmixed"), i, o) {
		json_t *out = json_array_get(json_object_get(tx_of(r, jstr(o, "txid")), "out"),
					     (size_t)jint(o, "vout"));
		assert_string_equal(jstr(out, "address"), jstr(o, "address"));
		assert_int_equal(owner_of(r, jstr(o, "address")), crim);
		assert_string_equal(role_of(r, jstr(o, "address")), "unmixed");
		assert_false(spends(r, jstr(r->dm, "mix_txid"), op_of(op, o)));
	}
}

static void check_consolidations(const struct run *r)
{
	size_t i;
	json_t *c;
	json_int_t crim = jint(r->crime, "criminal_entity");
	assert_true(json_array_size(json_object_get(r->dm, "consolidations")) >= 1);
	json_array_foreach(json_object_get(r->dm, "consolidations"), i, c) {
		json_t *tx = tx_of(r, jstr(c, "txid")), *out = json_object_get(c, "output");
		size_t n = json_array_size(json_object_get(c, "postmix"));
		assert_true(n >= 2 && n <= 4);
		assert_int_equal(json_array_size(json_object_get(tx, "in")), n);
		check_postmix(r, json_object_get(c, "postmix"), jstr(c, "txid"));
		assert_int_equal(json_array_size(json_object_get(tx, "out")), 1);
		assert_string_equal(jstr(json_array_get(json_object_get(tx, "out"), 0), "address"),
				    jstr(out, "address"));
		assert_int_equal(owner_of(r, jstr(out, "address")), crim);
	}
}

/* The deposit of a with-unmixed spend is larger than each input. */
static void check_with_outputs(const struct run *r, json_t *w)
{
	size_t i;
	json_t *o, *dep = json_object_get(w, "deposit");
	json_t *tx = tx_of(r, jstr(w, "txid"));
	json_int_t crim = jint(r->crime, "criminal_entity"), ins = 0;
	bool change = false;
	json_array_foreach(json_object_get(tx, "out"), i, o) {
		const char *a = jstr(o, "address");
		if ((json_int_t)i == jint(dep, "vout")) {
			assert_string_equal(a, jstr(dep, "address"));
			assert_int_equal(jint(o, "value"), jint(dep, "value"));
			assert_string_equal(role_of(r, a), "deposit");
		} else {
			change |= owner_of(r, a) == crim;
		}
	}
	assert_true(change && json_array_size(json_object_get(tx, "out")) == 2);
	json_array_foreach(json_object_get(w, "postmix"), i, o) {
		assert_true(jint(o, "value") < jint(dep, "value"));
		ins++;
	}
	json_array_foreach(json_object_get(w, "unmixed"), i, o) {
		assert_true(jint(o, "value") < jint(dep, "value"));
		ins++;
	}
	assert_int_equal(json_array_size(json_object_get(tx, "in")), ins);
}

static void check_with_unmixed(const struct run *r)
{
	size_t i, j, k;
	json_t *w, *u, *kept;
	char op[80], op2[80];
	assert_true(json_array_size(json_object_get(r->dm, "with_unmixed")) >= 1);
	json_array_foreach(json_object_get(r->dm, "with_unmixed"), i, w) {
		check_postmix(r, json_object_get(w, "postmix"), jstr(w, "txid"));
		json_array_foreach(json_object_get(w, "unmixed"), j, u) {
			bool listed = false;
			assert_true(spends(r, jstr(w, "txid"), op_of(op, u)));
			json_array_foreach(json_object_get(r->dm, "unmixed"), k, kept)
				listed |= strcmp(op_of(op2, kept), op) == 0;
			assert_true(listed);
		}
		assert_true(json_is_true(json_object_get(json_object_get(w, "deposit"), "mixed")));
		check_with_outputs(r, w);
	}
}

/* Every static address receives its payments, each in its own tx, and
 * every payment is a cash-out marked static; returns the most payments
 * one address received. */
static size_t check_static(const struct run *r)
{
	size_t i, j, most = 0;
	json_t *s, *p;
	json_array_foreach(json_object_get(r->dm, "static_deposits"), i, s) {
		const char *a = jstr(s, "address");
		json_t *pay = json_object_get(s, "payments");
		assert_string_equal(role_of(r, a), "deposit");
		assert_int_equal(owner_of(r, a), jint(s, "entity"));
		json_array_foreach(pay, j, p) {
			json_t *out = json_array_get(json_object_get(tx_of(r, jstr(p, "txid")), "out"),
						     (size_t)jint(p, "vout"));
			assert_string_equal(jstr(out, "address"), a);
			assert_int_equal(jint(out, "value"), jint(p, "value"));
			for (size_t k = 0; k < j; k++)
				assert_string_not_equal(jstr(json_array_get(pay, k), "txid"), jstr(p, "txid"));
			if (json_array_size(json_object_get(p, "postmix")))
				check_postmix(r, json_object_get(p, "postmix"), jstr(p, "txid"));
		}
		most = json_array_size(pay) > most ? json_array_size(pay) : most;
	}
	json_array_foreach(json_object_get(r->crime, "cashouts"), i, p)
		if (json_is_true(json_object_get(p, "static_deposit")))
			assert_true(json_is_true(json_object_get(p, "mixed")));
	return most;
}

/* One habit: the listed outputs of its round, all the entity's, spent
 * together by txid into one address of the entity (co-spend) or into its
 * deposit address at the exchange. */
static void check_habit(const struct run *r, json_t *h, json_t *deposits)
{
	size_t i;
	json_t *v;
	char op[80];
	json_t *tx = tx_of(r, jstr(h, "txid")), *mix = tx_of(r, jstr(h, "mix_txid"));
	json_t *vouts = json_object_get(h, "postmix_vouts");
	bool co = strcmp(jstr(h, "habit"), "co-spend") == 0;
	assert_int_equal(json_array_size(json_object_get(tx, "in")), json_array_size(vouts));
	assert_true(co ? json_array_size(vouts) >= 2 : json_array_size(vouts) == 1);
	json_array_foreach(vouts, i, v) {
		snprintf(op, sizeof(op), "%s:%lld", jstr(h, "mix_txid"), (long long)json_integer_value(v));
		assert_true(spends(r, jstr(h, "txid"), op));
		json_t *out = json_array_get(json_object_get(mix, "out"), (size_t)json_integer_value(v));
		assert_int_equal(owner_of(r, jstr(out, "address")), jint(h, "entity"));
	}
	assert_int_equal(json_array_size(json_object_get(tx, "out")), 1);
	const char *a = jstr(json_array_get(json_object_get(tx, "out"), 0), "address");
	assert_string_equal(a, jstr(h, "address"));
	if (co) {
		assert_int_equal(owner_of(r, a), jint(h, "entity"));
		return;
	}
	assert_string_equal(role_of(r, a), "deposit");
	json_object_set_new(deposits, a,
			    json_integer(json_integer_value(json_object_get(deposits, a)) + 1));
}

/* Returns how many co-spends, and *reused how many static addresses got
 * two or more of the habits' deposits. */
static size_t check_habits(const struct run *r, size_t *reused)
{
	size_t i, co = 0;
	json_t *h, *n;
	const char *a;
	json_t *deposits = json_object();
	json_array_foreach(json_object_get(r->truth, "postmix_habits"), i, h) {
		check_habit(r, h, deposits);
		co += strcmp(jstr(h, "habit"), "co-spend") == 0;
	}
	*reused = 0;
	json_object_foreach(deposits, a, n)
		*reused += json_integer_value(n) >= 2;
	json_decref(deposits);
	return co;
}

static void check_totals(json_t *crime)
{
	json_t *t = json_object_get(crime, "totals");
	assert_int_equal(jint(t, "seeded"), jint(t, "cashed_out") + jint(t, "unspent") +
					     jint(t, "fees"));
	assert_true(jint(t, "cashed_out") > 0);
}

static void test_demix_truth_on_chain(void **state)
{
	const char *tmp = helper_tmpdir();
	char dir[1024];
	struct run r;
	size_t reused;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/dm", tmp);
	simulate(dir, opts(1, 4000, true));
	run_load(&r, dir);
	assert_non_null(r.dm);
	assert_true(json_is_true(json_object_get(json_object_get(r.truth, "generator"),
						 "crime_demix")));
	check_totals(r.crime);
	check_unmixed(&r);
	check_consolidations(&r);
	check_with_unmixed(&r);
	assert_true(check_static(&r) >= 2);
	assert_true(check_habits(&r, &reused) >= 1);
	run_release(&r);
	/* another seed: three WabiSabi rounds, a static address reused by
	 * another participant */
	snprintf(dir, sizeof(dir), "%s/dm7", tmp);
	simulate(dir, opts(7, 4000, true));
	run_load(&r, dir);
	check_totals(r.crime);
	check_consolidations(&r);
	check_with_unmixed(&r);
	assert_true(check_static(&r) >= 2);
	assert_true(check_habits(&r, &reused) >= 2);
	assert_true(reused >= 1);
	run_release(&r);
	helper_rm_rf(tmp);
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *x = helper_read_file(a, &la), *y = helper_read_file(b, &lb);
	bool same = x && y && la == lb && memcmp(x, y, la) == 0;
	free(x);
	free(y);
	return same;
}

static void test_off_and_same_bytes(void **state)
{
	const char *tmp = helper_tmpdir();
	char a[1024], b[1024], c[1024], pa[2048], pb[2048];
	(void)state;
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(c, sizeof(c), "%s/c", tmp);
	simulate(a, opts(3, 2500, true));
	simulate(b, opts(3, 2500, true));
	struct sim_options o = *opts(3, 2500, false);
	o.crime_coinjoin = true;
	simulate(c, &o);
	snprintf(pa, sizeof(pa), "%s/truth.json", a);
	snprintf(pb, sizeof(pb), "%s/truth.json", b);
	assert_true(same_file(pa, pb));
	snprintf(pa, sizeof(pa), "%s/blocks/blk00000.dat", a);
	snprintf(pb, sizeof(pb), "%s/blocks/blk00000.dat", b);
	assert_true(same_file(pa, pb));
	json_t *t = load_json(c, "truth.json");
	assert_null(json_object_get(t, "postmix_habits"));
	assert_null(json_object_get(json_object_get(t, "crime"), "demix"));
	assert_null(json_object_get(json_object_get(t, "generator"), "crime_demix"));
	json_decref(t);
	helper_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_demix_truth_on_chain),
		cmocka_unit_test(test_off_and_same_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
