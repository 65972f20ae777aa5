/* The simulation driver: premine, economic blocks, crime, truth files
 * (sim.h). */
#include "proceeds/sim.h"
#include "proceeds/simcrime.h"
#include "proceeds/simmix.h"
#include "proceeds/simpostmix.h"
#include "proceeds/simvariant.h"
#include "proceeds/simworld.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static bool econ_open(struct econ *e, const struct sim_options *opt,
		      struct simwriter *w)
{
	memset(e, 0, sizeof(*e));
	e->opt = *opt;
	e->out = w;
	simrng_init(&e->rng, opt->seed, 1);
	e->price_cents = 3000000 + simrng_below(&e->rng, 1000000);
	e->time = opt->start_time;
	e->feerate = 1;
	e->keys = simkeys_new(opt->seed);
	e->tx = malloc(sizeof(*e->tx));
	if (!e->keys || !e->tx || !econ_sign_init(e)) {
		e->why = "out of memory";
		return false;
	}
	simkeys_placeholders(e->keys, opt->fast_sigs);
	struct simchain_opts co = { .file_max = opt->file_max, .xor = opt->xor,
				    .rev = opt->rev };
	struct simrng side;
	simrng_init(&side, opt->seed, 3); /* not the economy's stream */
	for (int i = 0; i < 8; i++)
		co.xor_key[i] = (uint8_t)simrng_below(&side, 256);
	if (!simchain_open(&e->chain, w->blocks, opt->net, &co, &e->why))
		return false;
	simrng_init(&e->fork_rng, opt->seed, 2);
	e->chain.sign = e->sign;
	return world_init(e) &&
	       mix_init(e, opt->coinjoin_permille, opt->payjoin_permille) &&
	       (opt->n_scenarios == 0 || crime_init(e)) && variant_init(e) &&
	       postmix_init(e);
}

static void econ_close(struct econ *e)
{
	const char *why;
	(void)!simchain_close(&e->chain, &why);
	crime_release(e);
	postmix_release(e);
	variant_release(e);
	mix_release(e);
	world_release(e);
	for (uint32_t i = 0; i < e->n_ent && e->ent; i++) {
		free(e->ent[i].coins.v);
		free(e->ent[i].pending.v);
	}
	free(e->ent);
	free(e->pool);
	free(e->free_slots);
	free(e->funded.v);
	simstats_release(&e->stats);
	free(e->tx);
	econ_sign_release(e);
	simkeys_free(e->keys);
}

static bool done(const struct econ *e)
{
	if (e->opt.target_txs)
		return e->txs >= e->opt.target_txs;
	return e->chain.height > e->opt.target_blocks;
}

static unsigned progress_permille(const struct econ *e)
{
	if (e->opt.target_txs)
		return (unsigned)(e->txs * 1000 / e->opt.target_txs);
	uint32_t span = e->opt.target_blocks > SIM_PREMINE ? e->opt.target_blocks - SIM_PREMINE : 1;
	uint32_t at = e->chain.height > SIM_PREMINE ? e->chain.height - SIM_PREMINE : 0;
	return (unsigned)((uint64_t)at * 1000 / span);
}

/* One economic block: up to a drawn number of transactions. */
static bool economic_block(struct econ *e)
{
	uint64_t want = simrng_range(&e->rng, 150, 450), start = e->txs;
	if (!world_block_start(e) || !variant_block(e))
		return false;
	for (uint64_t steps = 0; steps < want * 4 && e->txs - start < want; steps++) {
		if (e->opt.target_txs && e->txs >= e->opt.target_txs)
			break;
		if (simchain_pending_weight(&e->chain) > 3400000)
			break;
		if (!crime_step(e, progress_permille(e)) ||
		    !postmix_step(e, progress_permille(e)) || !world_step(e))
			return false;
	}
	return world_block_end(e);
}

/* Blocks the run will have, roughly (for spreading the forks). */
static uint64_t expected_blocks(const struct econ *e)
{
	if (!e->opt.target_txs)
		return e->opt.target_blocks;
	return SIM_PREMINE + e->opt.target_txs / 300 + 1;
}

/* --forks: a losing branch of 1-3 stale blocks after every
 * expected/(forks+1) blocks, from a stream of its own (the economy is the
 * same with and without forks); those not made by the end come then. */
static bool maybe_fork(struct econ *e, bool at_end)
{
	uint64_t every = expected_blocks(e) / (e->opt.forks + 1) + 1;
	while (e->forks_done < e->opt.forks &&
	       (at_end || e->chain.height >= every * (e->forks_done + 1))) {
		uint32_t len = (uint32_t)simrng_range(&e->fork_rng, 1, 3);
		if (!simchain_stale_branch(&e->chain, len, e->chain.payout, e->chain.payout_len,
					   e->time + 1, &e->why))
			return false;
		e->forks_done++;
		if (!at_end)
			break;
	}
	return true;
}

static bool run_blocks(struct econ *e, sim_progress_fn progress, void *arg,
		       uint64_t *peak)
{
	while (e->chain.height <= SIM_PREMINE && !done(e)) {
		e->time += (uint32_t)simrng_range(&e->rng, 60, 1200);
		if (!world_block_end(e))
			return false;
	}
	while (!done(e)) {
		if (!economic_block(e) || !maybe_fork(e, false))
			return false;
		uint64_t live = e->pool_n - e->n_free;
		if (live > *peak)
			*peak = live;
		if (progress)
			progress(arg, e->opt.target_txs ? e->txs : e->chain.height - 1,
				 e->opt.target_txs ? e->opt.target_txs : e->opt.target_blocks);
	}
	crime_finish(e);
	return maybe_fork(e, true);
}

static json_t *generator_base(const struct econ *e, char sc[64]);

/* "ransomware,scam" (or "none") into buf. */
static const char *scenario_list(char buf[64], const struct sim_options *o)
{
	size_t at = 0;
	snprintf(buf, 64, "none");
	for (uint32_t i = 0; i < o->n_scenarios; i++)
		at += (size_t)snprintf(buf + at, 64 - at, "%s%s", i ? "," : "",
				       sim_scenario_name(o->scenario[i]));
	return buf;
}

static json_t *generator_json(const struct econ *e)
{
	char sc[64];
	json_t *g = generator_base(e, sc);
	if (e->opt.era != SIM_ERA_DEFAULT)
		json_object_set_new(g, "profile", json_string(sim_era_params(e->opt.era)->name));
	if (e->opt.forks)
		json_object_set_new(g, "stale_blocks", json_integer((json_int_t)e->chain.stale));
	if (e->opt.xor)
		json_object_set_new(g, "xor", json_true());
	if (e->opt.rev)
		json_object_set_new(g, "rev", json_true());
	if (e->opt.mix_variants)
		json_object_set_new(g, "mix_variants", json_true());
	if (e->opt.crime_demix)
		json_object_set_new(g, "crime_demix", json_true());
	return g;
}

static json_t *generator_base(const struct econ *e, char sc[64])
{
	return json_pack("{s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I}", "program",
			 "proceeds simulate", "seed", (json_int_t)e->opt.seed,
			 "network", network_params(e->opt.net)->name, "scenario",
			 scenario_list(sc, &e->opt), "blocks",
			 (json_int_t)(e->chain.height - 1), "transactions",
			 (json_int_t)(e->txs + e->chain.height), "known_permille",
			 (json_int_t)e->opt.known_permille, "premine_blocks",
			 (json_int_t)SIM_PREMINE);
}

static json_t *notes_json(const struct econ *e)
{
	bool pow = simchain_meets_minimum(&e->chain);
	bool fast = e->opt.fast_sigs;
	return json_pack(
		"{s:{s:s, s:b, s:s}, s:{s:s, s:b, s:s}, s:s}", "signatures", "kind",
		fast ? "placeholder" : "real", "verify", !fast, "note",
		fast ? "--fast-sigs: each entity signs a fixed placeholder message once "
		       "with its key 0 (ECDSA DER low-S, BIP340 for taproot; one nonce "
		       "for the whole run) and reuses that signature for all its inputs: "
		       "structurally valid, verifiable with libsecp256k1 against key 0, "
		       "but not over the sighash; P2TR outputs pay the wallet key "
		       "itself, not its BIP86 tweak"
		     : "every input is signed over its sighash with libsecp256k1: legacy "
		       "SIGHASH_ALL for P2PKH, BIP143 SIGHASH_ALL for P2SH-P2WPKH and "
		       "P2WPKH (ECDSA, DER, low S, RFC 6979 nonces), BIP341 key path "
		       "SIGHASH_DEFAULT for P2TR (BIP340 over the BIP86-tweaked key, no "
		       "auxiliary randomness)",
		"proof_of_work", "bits", "207fffff", "meets_network_minimum", pow,
		"note", pow ? "regtest minimum target, nonce ground"
			    : "regtest's easy bits: this network's minimum target is "
			      "too hard to grind in a simulator",
		"keys", "real secp256k1 keys: key i of entity n is b + n*e + i*d (mod the "
			"group order), b, d, e = SHA256(\"proceeds-sim-key\" || seed || "
			"0xffffffff || 0|1|2), little-endian seed and constant");
}

static void put_json(FILE *f, const char *name, json_t *j, bool comma)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	fprintf(f, "\"%s\": %s%s\n", name, s ? s : "null", comma ? "," : "");
	free(s);
	json_decref(j);
}

static bool write_truth(struct econ *e, json_t *crime, const char **why)
{
	FILE *f = simwriter_file(e->out, "truth.json", why);
	if (!f)
		return false;
	fputs("{\n\"format\": \"proceeds-simulate-truth/1\",\n", f);
	put_json(f, "generator", generator_json(e), true);
	put_json(f, "notes", notes_json(e), true);
	fputs("\"entities\": [\n", f);
	for (uint32_t i = 0; i < e->n_ent; i++)
		fprintf(f, "{\"id\": %u, \"name\": \"%s\", \"type\": \"%s\"}%s\n", i,
			e->ent[i].name, sim_entity_type_name(e->ent[i].type),
			i + 1 < e->n_ent ? "," : "");
	fputs("],\n\"address_columns\": [\"address\", \"entity\", \"role\"],\n"
	      "\"addresses\": [\n", f);
	if (!simwriter_copy_addresses(e->out, f, why)) {
		fclose(f);
		return false;
	}
	fputs("\n],\n", f);
	if (!mix_truth(e, f, why) || !variant_truth(e, f, why) ||
	    !postmix_truth(e, f, why)) {
		fclose(f);
		return false;
	}
	json_t *first = json_array_get(crime, 0);
	put_json(f, "crime", first ? json_incref(first) : json_null(), true);
	put_json(f, "crimes", json_incref(crime), false);
	fputs("}\n", f);
	return simwriter_close_file(e->out, f, why);
}

static bool write_json_file(struct econ *e, const char *name, json_t *c,
			    const char **why)
{
	FILE *f = simwriter_file(e->out, name, why);
	if (!f) {
		json_decref(c);
		return false;
	}
	json_dumpf(c, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', f);
	json_decref(c);
	return simwriter_close_file(e->out, f, why);
}

/* case.json is the first crime's; with several, each also has its own
 * case-<scenario>.json. */
static bool write_case(struct econ *e, const char **why)
{
	uint32_t n = crime_count(e);
	char name[64];
	if (n > 0 && !write_json_file(e, "case.json", crime_case(e, 0), why))
		return false;
	for (uint32_t i = 0; n > 1 && i < n; i++) {
		snprintf(name, sizeof(name), "case-%s.json",
			 sim_scenario_name(e->opt.scenario[i]));
		if (!write_json_file(e, name, crime_case(e, i), why))
			return false;
	}
	return true;
}

static uint64_t jint(json_t *o, const char *a, const char *b)
{
	return (uint64_t)json_integer_value(json_object_get(json_object_get(o, a), b));
}

static void fill_summary(struct sim_summary *s, const struct econ *e, json_t *crimes)
{
	size_t i;
	json_t *crime;
	memset(s, 0, sizeof(*s));
	s->blocks = e->chain.height - 1;
	s->txs = e->txs;
	s->addresses = e->addresses, s->reused = e->reused;
	s->deposits = e->deposits, s->sweeps = e->sweeps;
	s->withdrawals = e->withdrawals, s->fees = e->fees_total;
	s->bytes = e->chain.total_bytes;
	s->files = e->chain.file_no + 1;
	s->entities = e->n_ent, s->users = e->n_users, s->merchants = e->n_merchants;
	s->exchanges = e->n_exchanges, s->miners = e->n_miners;
	memcpy(s->script_count, e->script_count, sizeof(s->script_count));
	s->pow_meets_minimum = simchain_meets_minimum(&e->chain);
	s->inputs = e->inputs, s->outputs = e->outputs;
	s->stale_blocks = e->chain.stale;
	s->coinjoins = e->coinjoins, s->tx0s = e->tx0s, s->payjoins = e->payjoins;
	variant_counts(e, &s->mix_variants, &s->lookalikes);
	s->stats = e->opt.stats;
	s->paid_outputs = e->stats.outputs, s->reused_outputs = e->stats.reused;
	json_array_foreach(crimes, i, crime) {
		s->crime = true;
		s->victims_paid += (uint32_t)json_array_size(json_object_get(crime, "seeds"));
		s->hops += (uint32_t)json_array_size(json_object_get(crime, "hops"));
		s->seeded += jint(crime, "totals", "seeded");
		s->cashed_out += jint(crime, "totals", "cashed_out");
		s->unspent += jint(crime, "totals", "unspent");
		s->crime_fees += jint(crime, "totals", "fees");
	}
}

static bool finish(struct sim_summary *sum, struct econ *e, const char **why)
{
	json_t *crime = crime_truth(e);
	bool ok = write_truth(e, crime, why) && write_case(e, why);
	if (ok)
		fill_summary(sum, e, crime);
	json_decref(crime);
	if (ok && !simchain_close(&e->chain, why))
		ok = false;
	return ok;
}

bool sim_run(struct sim_summary *sum, const struct sim_options *opt,
	     const char *out, bool force, sim_progress_fn progress, void *arg,
	     const char **why)
{
	static struct simwriter w;
	struct econ *e = calloc(1, sizeof(*e));
	uint64_t peak = 0;
	bool ok;

	if (!e) {
		*why = "out of memory";
		return false;
	}
	if (!simwriter_open(&w, out, force, why)) {
		free(e);
		return false;
	}
	ok = econ_open(e, opt, &w) && run_blocks(e, progress, arg, &peak);
	if (!ok)
		*why = e->why ? e->why : "simulation failed";
	ok = ok && finish(sum, e, why);
	sum->peak_utxos = peak;
	econ_close(e);
	free(e);
	if (!ok) {
		simwriter_abort(&w);
		return false;
	}
	return simwriter_commit(&w, why);
}
