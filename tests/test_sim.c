/* The simulator end to end: the chain it writes decodes and obeys the
 * rules (merkle, witness commitment, BIP34, proof of work, no double spend,
 * no value created, coinbase = subsidy + fees, coinbase maturity), the truth
 * agrees with the chain to the satoshi, and the same seed gives the same
 * bytes. The checks re-derive everything from the blk files with chain/tx.h,
 * independently of the writer. */
#include "proceeds/address.h"
#include "proceeds/network.h"
#include "proceeds/sim.h"
#include "proceeds/tx.h"
#include "helper.h"

#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

/* An outpoint map with open addressing (test-sized). */
struct coin {
	struct hash256 txid;
	uint32_t vout;
	bool used, dead;
	bool coinbase;
	struct hash256 spent_by;
	uint32_t height;
	uint64_t value;
	char addr[ADDRESS_MAX];
};
struct coins {
	struct coin *v;
	size_t cap, live;
};

static size_t slot_of(const struct coins *m, const struct hash256 *txid, uint32_t vout)
{
	uint64_t h;
	memcpy(&h, txid->b, 8);
	h ^= vout * UINT64_C(0x9e3779b97f4a7c15);
	size_t i = (size_t)(h & (m->cap - 1));
	while (m->v[i].used &&
	       !(m->v[i].vout == vout && hash256_eq(&m->v[i].txid, txid)))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static struct coin *coin_get(struct coins *m, const struct hash256 *txid, uint32_t vout)
{
	struct coin *c = &m->v[slot_of(m, txid, vout)];
	return c->used ? c : NULL;
}

/* Every address that occurs in an output, for membership checks. */
struct strset {
	char (*v)[ADDRESS_MAX];
	size_t n, cap;
};

static void strset_add(struct strset *s, const char *a)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 1024;
		s->v = realloc(s->v, s->cap * ADDRESS_MAX);
		assert_non_null(s->v);
	}
	snprintf(s->v[s->n++], ADDRESS_MAX, "%s", a);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(a, b);
}

static bool strset_has(const struct strset *s, const char *a)
{
	return bsearch(a, s->v, s->n, ADDRESS_MAX, cmp_str) != NULL;
}

/* What the chain walk found. */
struct walk {
	struct coins coins;
	struct strset addrs;
	json_t *hops_by_txid;  /* txid -> hop object of the truth (borrowed) */
	uint32_t blocks, files, hops_seen;
	uint64_t txs;
};

static const struct sim_options *small_opts(uint64_t seed, uint64_t txs)
{
	static struct sim_options o;
	memset(&o, 0, sizeof(o));
	o.seed = seed;
	o.net = NETWORK_REGTEST;
	o.target_txs = txs;
	o.known_permille = 100;
	o.scenario[0] = SIM_RANSOMWARE, o.n_scenarios = 1;
	o.file_max = 1u << 20; /* several blk files: rollover is exercised */
	o.start_time = 1700000000;
	o.coinjoin_permille = 400;
	o.payjoin_permille = 50;
	return &o;
}

static void add_coin(struct walk *w, const struct hash256 *txid, uint32_t vout,
		     const struct tx_out *o, bool coinbase, uint32_t height)
{
	struct coins *m = &w->coins;
	size_t i = slot_of(m, txid, vout);
	assert_false(m->v[i].used); /* no duplicate txid:vout */
	struct coin *c = &m->v[i];
	c->used = true, c->dead = false, c->txid = *txid, c->vout = vout;
	c->value = o->value, c->coinbase = coinbase, c->height = height;
	c->addr[0] = '\0';
	if (address_from_script(c->addr, NETWORK_REGTEST, o->script, o->script_len))
		strset_add(&w->addrs, c->addr);
	assert_true(++m->live < m->cap / 2);
}

static void check_hop_input(json_t *hop, uint32_t k, const struct tx_in *in,
			    const struct coin *c)
{
	char hex[65];
	json_t *ti = json_array_get(json_object_get(hop, "inputs"), k);
	assert_non_null(ti);
	hash256_to_hex(hex, &in->prev_txid);
	assert_string_equal(json_string_value(json_object_get(ti, "txid")), hex);
	assert_int_equal(json_integer_value(json_object_get(ti, "vout")), in->prev_vout);
	assert_int_equal(json_integer_value(json_object_get(ti, "value")), c->value);
	assert_string_equal(json_string_value(json_object_get(ti, "address")), c->addr);
}

static void check_hop_outputs(json_t *hop, const struct tx *tx, uint64_t fee)
{
	json_t *outs = json_object_get(hop, "outputs");
	char addr[ADDRESS_MAX];
	assert_int_equal(json_array_size(json_object_get(hop, "inputs")), tx->n_in);
	assert_int_equal(json_array_size(outs), tx->n_out);
	assert_int_equal(json_integer_value(json_object_get(hop, "fee")), fee);
	for (uint32_t o = 0; o < tx->n_out; o++) {
		json_t *to = json_array_get(outs, o);
		assert_true(address_from_script(addr, NETWORK_REGTEST, tx->out[o].script,
						tx->out[o].script_len));
		assert_int_equal(json_integer_value(json_object_get(to, "vout")), o);
		assert_int_equal(json_integer_value(json_object_get(to, "value")),
				 tx->out[o].value);
		assert_string_equal(json_string_value(json_object_get(to, "address")), addr);
	}
}

static bool is_coinjoin_hop(json_t *hop)
{
	return strcmp(json_string_value(json_object_get(hop, "kind")), "coinjoin") == 0;
}

static bool hop_lists_input(json_t *hop, const struct tx_in *in)
{
	char hex[65];
	size_t i;
	json_t *o;
	hash256_to_hex(hex, &in->prev_txid);
	json_array_foreach(json_object_get(hop, "inputs"), i, o)
		if (strcmp(json_string_value(json_object_get(o, "txid")), hex) == 0 &&
		    json_integer_value(json_object_get(o, "vout")) == in->prev_vout)
			return true;
	return false;
}

/* A criminal's hop through a CoinJoin lists its own input and outputs
 * only: each output is the tx's at its vout; fee = its input - outputs
 * (in_hop: the value of the tx's inputs the hop lists). */
static void check_coinjoin_hop(json_t *hop, const struct tx *tx, uint64_t in_hop)
{
	size_t i;
	json_t *o;
	uint64_t out = 0, listed_in = 0;
	char addr[ADDRESS_MAX];
	json_array_foreach(json_object_get(hop, "inputs"), i, o)
		listed_in += (uint64_t)json_integer_value(json_object_get(o, "value"));
	assert_int_equal(in_hop, listed_in);
	assert_true(tx->n_in >= 15); /* a WabiSabi round */
	json_array_foreach(json_object_get(hop, "outputs"), i, o) {
		uint32_t v = (uint32_t)json_integer_value(json_object_get(o, "vout"));
		assert_true(v < tx->n_out);
		assert_int_equal(json_integer_value(json_object_get(o, "value")), tx->out[v].value);
		assert_true(address_from_script(addr, NETWORK_REGTEST, tx->out[v].script,
						tx->out[v].script_len));
		assert_string_equal(json_string_value(json_object_get(o, "address")), addr);
		out += tx->out[v].value;
	}
	assert_int_equal(json_integer_value(json_object_get(hop, "fee")), listed_in - out);
}

/* Spends the inputs of tx, returning its fee. */
static uint64_t spend(struct walk *w, const struct tx *tx, uint32_t height)
{
	char hex[65];
	uint64_t in = 0, out = 0, in_hop = 0;
	hash256_to_hex(hex, &tx->txid);
	json_t *hop = json_object_get(w->hops_by_txid, hex);
	for (uint32_t k = 0; k < tx->n_in; k++) {
		struct coin *c = coin_get(&w->coins, &tx->in[k].prev_txid, tx->in[k].prev_vout);
		assert_non_null(c);       /* it exists ... */
		assert_false(c->dead);    /* ... and is not spent twice */
		if (c->coinbase)
			assert_true(height >= c->height + 100);
		if (hop && !is_coinjoin_hop(hop))
			check_hop_input(hop, k, &tx->in[k], c);
		else if (hop && hop_lists_input(hop, &tx->in[k]))
			in_hop += c->value;
		c->dead = true;
		c->spent_by = tx->txid;
		in += c->value;
	}
	for (uint32_t o = 0; o < tx->n_out; o++)
		out += tx->out[o].value;
	assert_true(out <= in);   /* no value created */
	if (hop && !is_coinjoin_hop(hop))
		check_hop_outputs(hop, tx, in - out);
	else if (hop)
		check_coinjoin_hop(hop, tx, in_hop);
	if (hop)
		w->hops_seen++;
	return in - out;
}

static void check_block(struct walk *w, struct block *b, uint32_t height,
			struct hash256 *prev)
{
	const char *why = NULL;
	uint32_t h;
	uint64_t fees = 0, cb = 0;
	bool segwit = false;
	assert_true(block_check_merkle(b, &why));
	assert_true(block_header_check_pow(&b->hash, b->hdr.bits));
	if (height > 0) {
		assert_true(hash256_eq(&b->hdr.prev, prev));
		assert_true(block_bip34_height(b, &h));
		assert_int_equal(h, height);
	}
	for (uint32_t i = 1; i < b->n_tx; i++) {
		assert_false(tx_is_coinbase(&b->txs[i]));
		fees += spend(w, &b->txs[i], height);
		segwit |= b->txs[i].segwit;
		for (uint32_t o = 0; o < b->txs[i].n_out; o++)
			add_coin(w, &b->txs[i].txid, o, &b->txs[i].out[o], false, height);
	}
	assert_int_equal(block_check_witness_commitment(b),
			 segwit ? WITNESS_COMMITMENT_OK : WITNESS_COMMITMENT_NONE);
	assert_true(tx_is_coinbase(&b->txs[0]));
	for (uint32_t o = 0; o < b->txs[0].n_out; o++) {
		cb += b->txs[0].out[o].value;
		if (height > 0 && b->txs[0].out[o].value > 0)
			add_coin(w, &b->txs[0].txid, o, &b->txs[0].out[o], true, height);
	}
	if (height > 0) /* coinbase = subsidy + fees, exactly */
		assert_int_equal(cb, network_subsidy(network_params(NETWORK_REGTEST), height) + fees);
	*prev = b->hash;
	w->txs += b->n_tx;
}

/* Reads every blk file of dir/blocks in order and checks every block. */
static void walk_chain(struct walk *w, const char *dir)
{
	static const uint8_t magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
	struct hash256 prev;
	struct block b;
	char path[8800], hex[65];
	const char *why = NULL;

	block_init(&b);
	for (unsigned f = 0;; f++) {
		size_t len;
		snprintf(path, sizeof(path), "%s/blocks/blk%05u.dat", dir, f);
		uint8_t *raw = helper_read_file(path, &len);
		if (!raw)
			break;
		w->files++;
		assert_true(len <= (1u << 20)); /* the rollover size was respected */
		for (size_t off = 0; off < len;) {
			assert_true(off + 8 <= len);
			assert_memory_equal(raw + off, magic, 4);
			uint32_t n = raw[off + 4] | raw[off + 5] << 8 | raw[off + 6] << 16 |
				     (uint32_t)raw[off + 7] << 24;
			assert_true(off + 8 + n <= len);
			assert_true(block_parse(&b, raw + off + 8, n, &why));
			if (w->blocks == 0) {
				hash256_to_hex(hex, &b.hash);
				assert_string_equal(hex, network_params(NETWORK_REGTEST)->genesis);
			}
			check_block(w, &b, w->blocks++, &prev);
			off += 8 + n;
		}
		free(raw);
	}
	block_release(&b);
}

static json_t *load_json(const char *dir, const char *name)
{
	char path[8800];
	json_error_t err;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		fail_msg("%s: %s (line %d)", name, err.text, err.line);
	return j;
}

/* Sum of the "value" members of an array of outpoints. */
static uint64_t sum_values(json_t *arr)
{
	uint64_t s = 0;
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o)
		s += (uint64_t)json_integer_value(json_object_get(o, "value"));
	return s;
}

/* Each outpoint of arr exists (or still exists, when live) with its value
 * and address. */
static void check_outpoints(struct walk *w, json_t *arr, bool live)
{
	size_t i;
	json_t *o;
	json_array_foreach(arr, i, o) {
		struct hash256 txid;
		const char *why = NULL;
		assert_true(hash256_from_hex(&txid, json_string_value(json_object_get(o, "txid")), &why));
		struct coin *c = coin_get(&w->coins, &txid,
					  (uint32_t)json_integer_value(json_object_get(o, "vout")));
		assert_non_null(c);
		if (live)
			assert_false(c->dead);
		assert_int_equal(c->value, json_integer_value(json_object_get(o, "value")));
		assert_string_equal(c->addr, json_string_value(json_object_get(o, "address")));
	}
}

static void check_crime_totals(json_t *crime, bool remainder)
{
	json_t *t = json_object_get(crime, "totals");
	uint64_t seeded = (uint64_t)json_integer_value(json_object_get(t, "seeded"));
	uint64_t out = (uint64_t)json_integer_value(json_object_get(t, "cashed_out"));
	uint64_t left = (uint64_t)json_integer_value(json_object_get(t, "unspent"));
	uint64_t fees = (uint64_t)json_integer_value(json_object_get(t, "fees"));
	uint64_t hop_fees = 0, per_exchange = 0;
	size_t i;
	json_t *h;
	const char *k;

	assert_true(seeded > 0 && out > 0 && (left > 0 || !remainder));
	assert_int_equal(sum_values(json_object_get(crime, "seeds")), seeded);
	assert_int_equal(sum_values(json_object_get(crime, "cashouts")), out);
	assert_int_equal(sum_values(json_object_get(crime, "unspent")), left);
	json_array_foreach(json_object_get(crime, "hops"), i, h)
		hop_fees += (uint64_t)json_integer_value(json_object_get(h, "fee"));
	assert_int_equal(hop_fees, fees);
	assert_int_equal(seeded, out + left + fees);
	json_object_foreach(json_object_get(crime, "cashout_totals"), k, h)
		per_exchange += (uint64_t)json_integer_value(h);
	assert_int_equal(per_exchange, out);
	/* Several exchanges receive proceeds. */
	assert_true(json_object_size(json_object_get(crime, "cashout_totals")) >= 2);
}

/* Truth rows: every address occurs on chain, once in the truth; every
 * address on chain is in the truth. Returns the truth's set. */
static void check_addresses(struct walk *w, json_t *truth, struct strset *named)
{
	size_t i, uniq = 0;
	json_t *row;
	qsort(w->addrs.v, w->addrs.n, ADDRESS_MAX, cmp_str);
	for (i = 0; i < w->addrs.n; i++)
		uniq += i == 0 || strcmp(w->addrs.v[i], w->addrs.v[i - 1]) != 0;
	json_array_foreach(json_object_get(truth, "addresses"), i, row) {
		const char *a = json_string_value(json_array_get(row, 0));
		assert_non_null(a);
		if (!strset_has(&w->addrs, a))
			fail_msg("truth names %s, which never occurs", a);
		strset_add(named, a);
	}
	qsort(named->v, named->n, ADDRESS_MAX, cmp_str);
	for (i = 1; i < named->n; i++)
		assert_true(strcmp(named->v[i], named->v[i - 1]) != 0);
	assert_int_equal(named->n, uniq);
}

/* The row of addr in the truth (linear: tests only). */
static json_t *truth_row(json_t *truth, const char *addr)
{
	size_t i;
	json_t *row;
	json_array_foreach(json_object_get(truth, "addresses"), i, row)
		if (strcmp(json_string_value(json_array_get(row, 0)), addr) == 0)
			return row;
	return NULL;
}

static bool file_has_line_prefix(const char *path, const char *prefix)
{
	size_t len;
	char *s = (char *)helper_read_file(path, &len);
	bool found = false;
	size_t n = strlen(prefix);
	for (char *p = s; p && *p && !found; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p))
		found = strncmp(p, prefix, n) == 0 && p[n] == ',';
	free(s);
	return found;
}

/* A cash-out marked swept was spent by that sweep; returns how many. */
static unsigned check_sweeps(struct walk *w, json_t *crime)
{
	size_t i;
	json_t *o;
	unsigned n = 0;
	char hex[65];
	json_array_foreach(json_object_get(crime, "cashouts"), i, o) {
		const char *sweep = json_string_value(json_object_get(o, "swept_in"));
		struct hash256 txid;
		const char *why = NULL;
		if (!sweep)
			continue;
		assert_true(hash256_from_hex(&txid, json_string_value(json_object_get(o, "txid")), &why));
		struct coin *c = coin_get(&w->coins, &txid,
					  (uint32_t)json_integer_value(json_object_get(o, "vout")));
		assert_non_null(c);
		assert_true(c->dead);
		hash256_to_hex(hex, &c->spent_by);
		assert_string_equal(hex, sweep);
		n++;
	}
	return n;
}

static void check_cashouts(const char *dir, json_t *truth, json_t *crime)
{
	size_t i;
	json_t *o;
	char path[8800];
	json_array_foreach(json_object_get(crime, "cashouts"), i, o) {
		const char *a = json_string_value(json_object_get(o, "address"));
		json_t *row = truth_row(truth, a);
		assert_non_null(row);
		assert_string_equal(json_string_value(json_array_get(row, 2)), "deposit");
		json_int_t ent = json_integer_value(json_array_get(row, 1));
		json_t *e = json_array_get(json_object_get(truth, "entities"), (size_t)ent);
		assert_string_equal(json_string_value(json_object_get(e, "type")), "exchange");
		assert_string_equal(json_string_value(json_object_get(e, "name")),
				    json_string_value(json_object_get(o, "exchange")));
		snprintf(path, sizeof(path), "%s/exchange-%s-deposits.csv", dir,
			 json_string_value(json_object_get(o, "exchange")));
		assert_true(file_has_line_prefix(path, a));
	}
}

static void check_case(const char *dir, const char *file, json_t *crime)
{
	json_t *c = load_json(dir, file);
	json_t *pay = json_object_get(c, "payments"), *seeds = json_object_get(crime, "seeds");
	assert_string_equal(json_string_value(json_object_get(c, "crime")),
			    json_string_value(json_object_get(crime, "scenario")));
	assert_int_equal(json_array_size(pay), json_array_size(seeds));
	for (size_t i = 0; i < json_array_size(pay); i++) {
		json_t *p = json_array_get(pay, i), *s = json_array_get(seeds, i);
		assert_string_equal(json_string_value(json_object_get(p, "txid")),
				    json_string_value(json_object_get(s, "txid")));
		assert_int_equal(json_integer_value(json_object_get(p, "amount_sat")),
				 json_integer_value(json_object_get(s, "value")));
	}
	json_decref(c);
}

static void simulate(const char *dir, const struct sim_options *o, bool force)
{
	struct sim_summary s;
	const char *why = NULL;
	if (!sim_run(&s, o, dir, force, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
}

/* Mixed cash-outs name a CoinJoin hop of their crime that is a truth
 * CoinJoin; returns how many cash-outs are mixed. */
static unsigned check_mixed(json_t *truth, json_t *crime)
{
	size_t i, j;
	json_t *o, *h;
	unsigned n = 0;
	json_array_foreach(json_object_get(crime, "cashouts"), i, o) {
		const char *mix = json_string_value(json_object_get(o, "mix_txid"));
		bool hop = false, listed = false;
		if (!mix)
			continue;
		assert_true(json_is_true(json_object_get(o, "mixed")));
		json_array_foreach(json_object_get(crime, "hops"), j, h)
			hop |= is_coinjoin_hop(h) &&
			       strcmp(json_string_value(json_object_get(h, "txid")), mix) == 0;
		json_array_foreach(json_object_get(truth, "coinjoins"), j, h)
			listed |= strcmp(json_string_value(json_object_get(h, "txid")), mix) == 0;
		assert_true(hop && listed);
		n++;
	}
	return n;
}

/* Simulates with o into dir and checks the chain and every crime of the
 * truth; returns the number of mixed cash-outs. */
static unsigned check_run(const char *dir, const struct sim_options *o)
{
	struct walk w;
	struct strset named = { 0 };
	unsigned mixed = 0;
	size_t i, c;
	json_t *h, *crime;
	simulate(dir, o, false);
	json_t *truth = load_json(dir, "truth.json");
	json_t *crimes = json_object_get(truth, "crimes");
	assert_int_equal(json_array_size(crimes), o->n_scenarios);
	assert_true(json_equal(json_array_get(crimes, 0), json_object_get(truth, "crime")));
	memset(&w, 0, sizeof(w));
	w.coins.cap = 1u << 17;
	w.coins.v = calloc(w.coins.cap, sizeof(struct coin));
	w.hops_by_txid = json_object();
	size_t n_hops = 0;
	json_array_foreach(crimes, c, crime) {
		json_array_foreach(json_object_get(crime, "hops"), i, h)
			json_object_set(w.hops_by_txid, json_string_value(json_object_get(h, "txid")), h);
		assert_true(json_array_size(json_object_get(crime, "hops")) >= 3);
		n_hops += json_array_size(json_object_get(crime, "hops"));
	}
	walk_chain(&w, dir);
	assert_true(w.files >= 2);
	assert_true(w.txs >= o->target_txs);
	json_t *gen = json_object_get(truth, "generator");
	assert_int_equal(w.txs, json_integer_value(json_object_get(gen, "transactions")));
	assert_int_equal(w.blocks, json_integer_value(json_object_get(gen, "blocks")) + 1);
	assert_int_equal(w.hops_seen, n_hops);
	check_addresses(&w, truth, &named);
	json_array_foreach(crimes, c, crime) {
		char file[64];
		const char *sc = json_string_value(json_object_get(crime, "scenario"));
		check_outpoints(&w, json_object_get(crime, "seeds"), false);
		check_outpoints(&w, json_object_get(crime, "cashouts"), false);
		check_outpoints(&w, json_object_get(crime, "unspent"), true);
		check_crime_totals(crime, strcmp(sc, "ransomware") == 0 && !o->crime_coinjoin &&
				   !o->crime_demix);
		check_cashouts(dir, truth, crime);
		assert_true(check_sweeps(&w, crime) >= 1);
		snprintf(file, sizeof(file), "case-%s.json", sc);
		check_case(dir, c == 0 ? "case.json" : file, crime);
		if (o->n_scenarios > 1)
			check_case(dir, file, crime);
		mixed += check_mixed(truth, crime);
	}
	json_decref(w.hops_by_txid);
	json_decref(truth);
	free(w.coins.v);
	free(w.addrs.v);
	free(named.v);
	return mixed;
}

static void test_chain_and_truth(void **state)
{
	const char *tmp = helper_tmpdir();
	char dir[1024];
	(void)state;
	snprintf(dir, sizeof(dir), "%s/case", tmp);
	assert_int_equal(check_run(dir, small_opts(7, 4000)), 0);
	helper_rm_rf(tmp);
}

/* All three crimes in one economy, ransomware through a CoinJoin. */
static void test_all_scenarios(void **state)
{
	const char *tmp = helper_tmpdir();
	char dir[1024];
	(void)state;
	struct sim_options o = *small_opts(5, 6000);
	o.scenario[0] = SIM_RANSOMWARE, o.scenario[1] = SIM_EXCHANGE_HACK;
	o.scenario[2] = SIM_SCAM, o.n_scenarios = 3;
	o.crime_coinjoin = true;
	snprintf(dir, sizeof(dir), "%s/all", tmp);
	assert_true(check_run(dir, &o) >= 1);
	helper_rm_rf(tmp);
}

/* --crime-demix: the split, the mix and the linked post-mix spends are
 * hops like any other (each checked against its transaction), and the
 * money is conserved to the satoshi (tests/test_simdemix.c checks what
 * the "demix" truth says). */
static void test_demix(void **state)
{
	const char *tmp = helper_tmpdir();
	char dir[1024];
	(void)state;
	struct sim_options o = *small_opts(1, 4000);
	o.crime_demix = true;
	snprintf(dir, sizeof(dir), "%s/demix", tmp);
	assert_true(check_run(dir, &o) >= 3);
	helper_rm_rf(tmp);
}

static bool same_file(const char *a, const char *b)
{
	size_t la, lb;
	uint8_t *x = helper_read_file(a, &la), *y = helper_read_file(b, &lb);
	bool same = (!x && !y) || (x && y && la == lb && memcmp(x, y, la) == 0);
	free(x);
	free(y);
	return same;
}

static void test_same_seed_same_bytes(void **state)
{
	static const char *const files[] = {
		"blocks/blk00000.dat", "blocks/blk00001.dat", "truth.json", "tags.csv",
		"case.json", "exchange-bitnova-deposits.csv", "exchange-hashmart-deposits.csv",
	};
	const char *tmp = helper_tmpdir();
	char a[1024], b[1024], c[1024], pa[2048], pb[2048], pc[2048];
	(void)state;
	snprintf(a, sizeof(a), "%s/a", tmp);
	snprintf(b, sizeof(b), "%s/b", tmp);
	snprintf(c, sizeof(c), "%s/c", tmp);
	struct sim_options o = *small_opts(42, 2000);
	o.file_max = 1u << 18;
	simulate(a, &o, false);
	simulate(b, &o, false);
	o.seed = 43;
	simulate(c, &o, false);
	snprintf(pa, sizeof(pa), "%s/blocks/blk00001.dat", a);
	assert_true(access(pa, R_OK) == 0); /* two blk files compared */
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(pa, sizeof(pa), "%s/%s", a, files[i]);
		snprintf(pb, sizeof(pb), "%s/%s", b, files[i]);
		snprintf(pc, sizeof(pc), "%s/%s", c, files[i]);
		if (!same_file(pa, pb))
			fail_msg("%s differs between two runs with one seed", files[i]);
		if (i == 0 || i == 2)
			assert_false(same_file(pa, pc)); /* the seed matters */
	}
	helper_rm_rf(tmp);
}

static void test_refuses_existing_chain(void **state)
{
	const char *tmp = helper_tmpdir();
	char dir[1024];
	struct sim_summary s;
	const char *why = NULL;
	(void)state;
	snprintf(dir, sizeof(dir), "%s/x", tmp);
	simulate(dir, small_opts(1, 300), false);
	assert_false(sim_run(&s, small_opts(2, 300), dir, false, NULL, NULL, &why));
	assert_non_null(strstr(why, "--force"));
	simulate(dir, small_opts(2, 300), true);
	/* Only the output is left: no temporary or replaced folder beside it. */
	DIR *d = opendir(tmp);
	struct dirent *e;
	unsigned n = 0;
	assert_non_null(d);
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.' || strlen(e->d_name) > 2)
			assert_string_equal(e->d_name, "x"), n++;
	closedir(d);
	assert_int_equal(n, 1);
	helper_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chain_and_truth),
		cmocka_unit_test(test_all_scenarios),
		cmocka_unit_test(test_demix),
		cmocka_unit_test(test_same_seed_same_bytes),
		cmocka_unit_test(test_refuses_existing_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
