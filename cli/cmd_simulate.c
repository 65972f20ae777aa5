/* proceeds simulate: write a synthetic economy with ground truth. */
#include "proceeds/amount.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/sim.h"
#include "proceeds/simworld.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct sim_args {
	struct sim_options opt;
	const char *scenario;
	bool force;
};

static bool parse_u64(uint64_t *out, const char *s, uint64_t lo, uint64_t hi)
{
	char *end;
	errno = 0;
	if (*s < '0' || *s > '9')
		return false;
	unsigned long long v = strtoull(s, &end, 10);
	if (errno || *end || v < lo || v > hi)
		return false;
	*out = v;
	return true;
}

/* "0.1" -> 100 permille: decimal, at most 3 places, 0..1. */
static bool parse_fraction(unsigned *permille, const char *s)
{
	unsigned whole = 0, frac = 0, places = 0;
	if (*s == '1' || *s == '0')
		whole = (unsigned)(*s++ - '0');
	else if (*s != '.')
		return false;
	if (*s == '.')
		for (s++; *s >= '0' && *s <= '9' && places < 3; s++, places++)
			frac = frac * 10 + (unsigned)(*s - '0');
	if (*s != '\0')
		return false;
	while (places++ < 3)
		frac *= 10;
	*permille = whole * 1000 + frac;
	return *permille <= 1000;
}

/* The options without a value: 1 when arg is one (and set), else 0. */
static int parse_flag(struct sim_args *a, const char *arg)
{
	static const char *const names[] = { "--force", "--fast-sigs", "--xor", "--rev",
					     "--stats", "--crime-coinjoin", "--mix-variants",
					     "--crime-demix" };
	bool *const flags[] = { &a->force, &a->opt.fast_sigs, &a->opt.xor, &a->opt.rev,
				&a->opt.stats, &a->opt.crime_coinjoin, &a->opt.mix_variants,
				&a->opt.crime_demix };
	for (size_t k = 0; k < sizeof(names) / sizeof(names[0]); k++)
		if (strcmp(arg, names[k]) == 0)
			return *flags[k] = true, 1;
	return 0;
}

static int parse_one(struct sim_args *a, int argc, char **argv, int *i, bool *bad)
{
	const char *v;
	uint64_t n;
	if (parse_flag(a, argv[*i]))
		return 1;
	if (cli_opt_value(&v, argc, argv, i, "--seed", bad))
		return *bad || parse_u64(&a->opt.seed, v, 0, UINT64_MAX) ? 1 : -1;
	if (cli_opt_value(&v, argc, argv, i, "--txs", bad))
		return *bad || parse_u64(&a->opt.target_txs, v, 1, UINT64_C(1) << 40) ? 1 : -1;
	if (cli_opt_value(&v, argc, argv, i, "--blocks", bad)) {
		if (*bad || !parse_u64(&n, v, 1, 10000000))
			return -1;
		a->opt.target_blocks = (uint32_t)n;
		a->opt.target_txs = 0;
		return 1;
	}
	if (cli_opt_value(&v, argc, argv, i, "--known", bad))
		return *bad || parse_fraction(&a->opt.known_permille, v) ? 1 : -1;
	if (cli_opt_value(&v, argc, argv, i, "--start-time", bad)) {
		if (*bad || !parse_u64(&n, v, 1231006506, 4000000000u))
			return -1;
		a->opt.start_time = (uint32_t)n;
		return 1;
	}
	if (cli_opt_value(&v, argc, argv, i, "--file-size", bad))
		return *bad || parse_u64(&a->opt.file_max, v, 1u << 20, SIMCHAIN_FILE_MAX) ? 1 : -1;
	if (cli_opt_value(&v, argc, argv, i, "--users", bad)) {
		if (*bad || !parse_u64(&n, v, 10, 10000000))
			return -1;
		a->opt.users = (uint32_t)n;
		return 1;
	}
	if (cli_opt_value(&a->scenario, argc, argv, i, "--scenario", bad))
		return 1;
	if (cli_opt_value(&v, argc, argv, i, "--threads", bad)) {
		if (*bad || !parse_u64(&n, v, 1, 16))
			return -1;
		a->opt.threads = (unsigned)n - 1;
		return 1;
	}
	if (cli_opt_value(&v, argc, argv, i, "--profile", bad)) {
		for (int k = SIM_ERA_2017; k <= SIM_ERA_2024 && !*bad; k++)
			if (strcmp(v, sim_era_params((enum sim_era)k)->name) == 0)
				return a->opt.era = (enum sim_era)k, 1;
		return -1;
	}
	if (cli_opt_value(&v, argc, argv, i, "--forks", bad)) {
		if (*bad || !parse_u64(&n, v, 0, 1000))
			return -1;
		a->opt.forks = (uint32_t)n;
		return 1;
	}
	return 0;
}

/* "a,b" of ransomware, exchange-hack, scam (each at most once), or "none". */
static bool parse_scenarios(struct sim_options *o, const char *list)
{
	char buf[128];
	o->n_scenarios = 0;
	if (strcmp(list, "none") == 0)
		return true;
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save = NULL, *t = strtok_r(buf, ",", &save); t;
	     t = strtok_r(NULL, ",", &save)) {
		int found = -1;
		for (int k = 0; k < SIM_SCENARIO_COUNT; k++)
			if (strcmp(t, sim_scenario_name((enum sim_scenario)k)) == 0)
				found = k;
		for (uint32_t j = 0; found >= 0 && j < o->n_scenarios; j++)
			if ((int)o->scenario[j] == found)
				found = -2;
		if (found < 0) {
			cli_error("simulate", found == -2 ? "scenario '%s' given twice"
				  : "unknown scenario '%s' (known: ransomware, exchange-hack, "
				    "scam, none; combine with commas)", t);
			return false;
		}
		o->scenario[o->n_scenarios++] = (enum sim_scenario)found;
	}
	if (o->n_scenarios == 0)
		return cli_error("simulate", "empty --scenario"), false;
	return true;
}

static bool parse_args(struct sim_args *a, struct cli_common *c, int argc, char **argv)
{
	bool bad = false;
	memset(a, 0, sizeof(*a));
	a->opt.seed = 1;
	a->opt.target_txs = 20000;
	a->opt.known_permille = 100;
	a->opt.file_max = SIMCHAIN_FILE_MAX;
	a->opt.start_time = 1700000000;
	a->opt.net = c->net_given ? c->net : NETWORK_REGTEST;
	a->opt.threads = 1;
	a->scenario = "ransomware";
	for (int i = 1; i < argc; i++) {
		int r = parse_one(a, argc, argv, &i, &bad);
		if (bad)
			return false;
		if (r < 0) {
			cli_error("simulate", "bad value for %s", argv[i - 1]);
			return false;
		}
		if (r == 0) {
			cli_error("simulate", "unknown option '%s'", argv[i]);
			return false;
		}
	}
	if (!parse_scenarios(&a->opt, a->scenario))
		return false;
	a->opt.coinjoin_permille = sim_era_params(a->opt.era)->coinjoin;
	a->opt.payjoin_permille = sim_era_params(a->opt.era)->payjoin;
	if (!c->out) {
		cli_error("simulate", "--out DIR is required");
		return false;
	}
	return true;
}

static void progress(void *arg, uint64_t done, uint64_t target)
{
	struct cli_common *c = arg;
	unsigned pct = target ? (unsigned)(done * 100 / target) : 100;
	char bar[31];
	if (pct > 100)
		pct = 100;
	for (unsigned i = 0; i < 30; i++)
		bar[i] = i < pct * 30 / 100 ? '#' : '.';
	bar[30] = '\0';
	cli_progress(c, "simulate [%s] %3u%% %llu/%llu", bar, pct,
		     (unsigned long long)done, (unsigned long long)target);
}

static void btc(char buf[AMOUNT_STRLEN], uint64_t sat)
{
	amount_to_btc(buf, amount_sat(sat));
}

static void print_summary(const struct sim_summary *s, const struct sim_args *a,
			  const char *out, double secs)
{
	char b1[AMOUNT_STRLEN], b2[AMOUNT_STRLEN], b3[AMOUNT_STRLEN], b4[AMOUNT_STRLEN];
	uint64_t outs = 0;
	for (int i = 0; i < SCRIPT_TYPE_COUNT; i++)
		outs += s->script_count[i];
	fprintf(stderr,
		"proceeds simulate: seed %llu, %s, scenario %s -> %s\n"
		"  chain      %u blocks + genesis, %llu transactions, %.1f MB in %u blk file(s)\n"
		"  entities   %u users, %u merchants, %u exchanges, %u miners\n"
		"  addresses  %llu created, %llu payments to a reused address\n"
		"  exchanges  %llu deposits, %llu sweeps, %llu withdrawals\n",
		(unsigned long long)a->opt.seed, network_params(a->opt.net)->name,
		a->scenario, out, s->blocks, (unsigned long long)s->txs,
		(double)s->bytes / 1e6, s->files, s->users, s->merchants, s->exchanges,
		s->miners, (unsigned long long)s->addresses, (unsigned long long)s->reused,
		(unsigned long long)s->deposits, (unsigned long long)s->sweeps,
		(unsigned long long)s->withdrawals);
	fprintf(stderr, "  outputs    p2wpkh %.0f%%, p2sh %.0f%%, p2pkh %.0f%%, p2tr %.0f%% (+ coinbase commitments)\n",
		outs ? 100.0 * (double)s->script_count[SCRIPT_P2WPKH] / (double)outs : 0.0,
		outs ? 100.0 * (double)s->script_count[SCRIPT_P2SH] / (double)outs : 0.0,
		outs ? 100.0 * (double)s->script_count[SCRIPT_P2PKH] / (double)outs : 0.0,
		outs ? 100.0 * (double)s->script_count[SCRIPT_P2TR] / (double)outs : 0.0);
	if (a->opt.mix_variants)
		fprintf(stderr, "  variants   %llu mix variants in truth.json mix_variants: %llu mixes, "
			"%llu look-alikes\n", (unsigned long long)s->mix_variants,
			(unsigned long long)(s->mix_variants - s->lookalikes),
			(unsigned long long)s->lookalikes);
	if (s->crime) {
		btc(b1, s->seeded), btc(b2, s->cashed_out), btc(b3, s->unspent);
		btc(b4, s->crime_fees);
		fprintf(stderr, "  crime      %u payments seeded (victims' or stolen), %s BTC; %u hops; %s BTC "
			"to exchange deposits, %s BTC unspent, %s BTC fees\n",
			s->victims_paid, b1, s->hops, b2, b3, b4);
	}
	fprintf(stderr, "  notes      %s; %s\n  time       %.2f s, %.0f tx/s, peak %llu live outputs\n",
		a->opt.fast_sigs ? "--fast-sigs: placeholder signatures (one per entity, "
				   "not over the sighash)"
				 : "real signatures over every sighash",
		s->pow_meets_minimum ? "regtest proof of work ground"
				     : "blocks use regtest bits 207fffff, below this network's minimum",
		secs, secs > 0 ? (double)s->txs / secs : 0.0,
		(unsigned long long)s->peak_utxos);
}

static double share(uint64_t part, uint64_t whole)
{
	return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

/* --stats: the figures bench/RESULTS.md sets beside public ones. */
static void print_stats(const struct sim_summary *s, const struct sim_args *a)
{
	uint64_t outs = 0;
	for (int i = 0; i < SCRIPT_TYPE_COUNT; i++)
		outs += s->script_count[i];
	printf("profile            %s\n", sim_era_params(a->opt.era)->name);
	printf("transactions       %llu (coinbases excluded)\n", (unsigned long long)s->txs);
	printf("outputs by type    p2pkh %.1f%%, p2sh %.1f%%, p2wpkh %.1f%%, p2tr %.1f%%, "
	       "other %.1f%% (of %llu, coinbases included)\n",
	       share(s->script_count[SCRIPT_P2PKH], outs), share(s->script_count[SCRIPT_P2SH], outs),
	       share(s->script_count[SCRIPT_P2WPKH], outs), share(s->script_count[SCRIPT_P2TR], outs),
	       share(outs - s->script_count[SCRIPT_P2PKH] - s->script_count[SCRIPT_P2SH] -
		     s->script_count[SCRIPT_P2WPKH] - s->script_count[SCRIPT_P2TR], outs),
	       (unsigned long long)outs);
	printf("mean inputs        %.2f per transaction\n",
	       s->txs ? (double)s->inputs / (double)s->txs : 0.0);
	printf("mean outputs       %.2f per transaction\n",
	       s->txs ? (double)s->outputs / (double)s->txs : 0.0);
	printf("address reuse      %.1f%% of outputs pay an address paid before\n",
	       share(s->reused_outputs, s->paid_outputs));
	printf("coinjoins          %.3f%% of transactions (%llu; plus %llu Tx0s, %llu PayJoins)\n",
	       share(s->coinjoins, s->txs), (unsigned long long)s->coinjoins,
	       (unsigned long long)s->tx0s, (unsigned long long)s->payjoins);
}

static void print_json(const struct sim_summary *s, const struct sim_args *a)
{
	json_t *j = json_pack(
		"{s:I, s:s, s:s, s:s, s:I, s:I, s:I, s:I, s:I, s:b, s:I, s:I, s:I, s:I}",
		"seed", (json_int_t)a->opt.seed, "signatures",
		a->opt.fast_sigs ? "placeholder" : "real", "network",
		network_params(a->opt.net)->name, "scenario", a->scenario, "blocks",
		(json_int_t)s->blocks, "transactions", (json_int_t)s->txs, "bytes",
		(json_int_t)s->bytes, "addresses", (json_int_t)s->addresses,
		"peak_live_outputs", (json_int_t)s->peak_utxos, "crime", s->crime,
		"seeded", (json_int_t)s->seeded, "cashed_out", (json_int_t)s->cashed_out,
		"unspent", (json_int_t)s->unspent, "crime_fees", (json_int_t)s->crime_fees);
	if (a->opt.mix_variants) {
		json_object_set_new(j, "mix_variants", json_integer((json_int_t)s->mix_variants));
		json_object_set_new(j, "lookalikes", json_integer((json_int_t)s->lookalikes));
	}
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct sim_args a;
	struct sim_summary s;
	struct timespec t0, t1;
	const char *why = NULL;

	if (!parse_args(&a, c, argc, argv))
		return CLI_FAIL;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	bool ok = sim_run(&s, &a.opt, c->out, a.force, progress, c, &why);
	cli_progress_done(c);
	if (!ok)
		return cli_error("simulate", "%s: %s", c->out, why);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double secs = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	if (!c->quiet)
		print_summary(&s, &a, c->out, secs);
	if (c->format == CLI_JSON)
		print_json(&s, &a);
	else if (a.opt.stats)
		print_stats(&s, &a);
	return CLI_OK;
}

const struct cli_command cmd_simulate = {
	"simulate", run, "write a synthetic economy with a crime and its ground truth",
	"proceeds simulate --out DIR [--seed N] [--txs N | --blocks N]\n"
	"                  [--scenario S[,S...]] [--crime-coinjoin] [--crime-demix]\n"
	"                  [--known FRACTION] [--force]\n"
	"                  [--start-time UNIX] [--file-size BYTES] [--users N]\n"
	"                  [--fast-sigs] [--threads N] [--profile 2017|2021|2024]\n"
	"                  [--stats] [--forks N] [--xor] [--rev] [--mix-variants]\n"
	"                  [--network NET]\n"
	"  --out DIR        folder to create: blocks/ (blk*.dat), truth.json, tags.csv,\n"
	"                   case.json, exchange-<name>-deposits.csv (docs/simulate.md);\n"
	"                   written beside DIR and renamed when complete\n"
	"  --seed N         the whole output is a function of the seed (default 1)\n"
	"  --txs N          stop after N transactions (default 20000)\n"
	"  --blocks N       or after N blocks (the first 100 only mine coinbases)\n"
	"  --scenario S     ransomware (default), exchange-hack, scam, a comma list\n"
	"                   of them (each crime its own criminal, truth and\n"
	"                   case-<S>.json; case.json is the first), or none\n"
	"  --crime-coinjoin ransomware: the peel chain's remainder goes through a\n"
	"                   WabiSabi CoinJoin; later cash-outs are marked mixed\n"
	"  --crime-demix    --crime-coinjoin, and the ransomware keeps 2-3 coins out\n"
	"                   of the mix, then consolidates postmix coins, spends some\n"
	"                   with the kept coins and deposits into static deposit\n"
	"                   addresses; some other participants of every WabiSabi\n"
	"                   round co-spend their postmix coins or reuse a deposit\n"
	"                   address (truth.json \"demix\", \"postmix_habits\")\n"
	"  --known F        share of exchange deposit addresses in tags.csv (0.1)\n"
	"  --force          replace a DIR that already holds a simulated chain\n"
	"  --start-time T   time of block 1 (default 1700000000)\n"
	"  --file-size B    blk file rollover (default and max 134217728)\n"
	"  --users N        population (default one user per 25 transactions)\n"
	"  --fast-sigs      placeholder signatures (one per entity, not over the\n"
	"                   sighash) and untweaked P2TR keys: faster, for big\n"
	"                   benchmark chains\n"
	"  --threads N      signing threads, the main one included (default 2)\n"
	"  --profile ERA    2017, 2021 or 2024: script-type shares, fee levels,\n"
	"                   batching, CoinJoin and address-reuse rates of that era\n"
	"                   (default: part 1's mix, about 2023)\n"
	"  --forks N        N losing branches of 1-3 stale blocks in the blk files;\n"
	"                   the economy and truth follow the most-work branch\n"
	"  --xor            obfuscate blk/rev files with a key in blocks/xor.dat\n"
	"                   (Core 28's format; the key comes from the seed)\n"
	"  --rev            write rev*.dat: each block's undo data in Core's format\n"
	"  --mix-variants   also make, from block 101 on, CoinJoins of every kind\n"
	"                   (whirlpool, wabisabi, wasabi1, joinmarket, generic,\n"
	"                   generic-nochange) and single-owner look-alikes (payroll,\n"
	"                   airdrop, batch-withdrawal, self-split), each in P2PKH,\n"
	"                   P2SH-P2WPKH, P2WPKH and P2TR, listed in truth.json\n"
	"                   \"mix_variants\" (\"coinjoins\" keeps the economy's own)\n"
	"  --stats          print output script-type shares, mean inputs and\n"
	"                   outputs, address reuse and CoinJoin share on stdout\n"
	"  --network NET    default regtest, whose minimum proof of work is ground;\n"
	"                   other networks use regtest's bits (too hard otherwise)\n"
	"  --json           print the summary as JSON on stdout\n"
	"Exit 2 on a bad option, unknown scenario, a DIR holding a chain, or a\n"
	"write error (then nothing is left at DIR).\n",
};
