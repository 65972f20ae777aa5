/* proceeds cluster: build the address clusters over the index, and ask
 * about them (show, export, list, why, refused). Every output states the
 * heuristics the clustering was built with. */
#include "proceeds/cli.h"
#include "proceeds/cluster.h"
#include "proceeds/cluster_query.h"
#include "proceeds/commands.h"
#include "proceeds/hash.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/store.h"
#include "cmd_cluster_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool parse(struct cl_args *a, int argc, char **argv)
{
	bool bad = false;
	const char *v;

	memset(a, 0, sizeof(*a));
	cluster_options_default(&a->opt);
	for (int i = 2; i < argc && !bad; i++) {
		if (strcmp(argv[i], "--no-coinjoin-skip") == 0)
			a->opt.coinjoin_skip = false;
		else if (strcmp(argv[i], "--merge-possible") == 0)
			a->opt.merge_possible = true;
		else if (strcmp(argv[i], "--possible") == 0)
			a->possible_only = true;
		else if (strcmp(argv[i], "--change") == 0)
			a->opt.change = true;
		else if (strcmp(argv[i], "--no-guard") == 0)
			a->opt.guard = false;
		else if (strcmp(argv[i], "--rebuild") == 0)
			a->opt.rebuild = true;
		else if (strcmp(argv[i], "--all") == 0)
			a->all = true;
		else if (cli_opt_value(&v, argc, argv, &i, "--change-min", &bad))
			a->opt.change_min = bad ? 0 : (unsigned)strtoul(v, NULL, 10);
		else if (cli_opt_value(&v, argc, argv, &i, "--limit", &bad))
			a->limit = bad ? 0 : strtoull(v, NULL, 10);
		else if (cli_opt_value(&a->label, argc, argv, &i, "--label", &bad))
			continue;
		else if (cli_opt_value(&a->category, argc, argv, &i, "--category", &bad))
			continue;
		else if (argv[i][0] == '-' && argv[i][1])
			return !cli_error("cluster", "unknown option '%s'", argv[i]);
		else if (a->n_ops < 2)
			a->ops[a->n_ops++] = argv[i];
		else
			return !cli_error("cluster", "too many arguments");
	}
	if (!bad && (a->opt.change_min < 1 || a->opt.change_min > 100))
		return !cli_error("cluster", "--change-min: give 1-100");
	return !bad;
}

/* "multi-input (CoinJoin skip on), change off, guard on" */
void cluster_cli_describe(char *out, size_t n, const struct cluster_meta *m)
{
	char ch[64];
	if (m->imported) {
		snprintf(out, n, "imported (cluster import): a map computed elsewhere, "
			 "no merge records");
		return;
	}
	if (m->change)
		snprintf(ch, sizeof(ch), "change ON (min %u%%)", m->change_min);
	else
		snprintf(ch, sizeof(ch), "change off");
	snprintf(out, n, "multi-input (CoinJoin skip %s%s), %s, guard %s",
		 m->coinjoin_skip ? "on" : "OFF",
		 m->coinjoin_skip && m->merge_possible ? ", possible mixes MERGED" : "",
		 ch, m->guard ? "on" : "off");
}

json_t *cluster_cli_heuristics_json(const struct cluster_meta *m)
{
	if (m->imported)
		return json_pack("{s:b}", "imported", 1);
	return json_pack("{s:b, s:b, s:b, s:b, s:i, s:b}", "multi_input", 1,
			 "coinjoin_skip", m->coinjoin_skip,
			 "merge_possible", m->merge_possible, "change", m->change,
			 "change_min", m->change ? (int)m->change_min : 0,
			 "guard", m->guard);
}

void cluster_cli_print_json(json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	if (s)
		printf("%s\n", s);
	free(s);
	json_decref(j);
}

static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	cli_progress(ctx, "clustering: %llu/%llu txs", (unsigned long long)done,
		     (unsigned long long)total);
}

static json_t *build_json(const struct cluster_build_stats *s,
			  const struct cluster_meta *m)
{
	json_t *ex = json_array();
	char hex[65];
	for (size_t i = 0; i < s->n_examples; i++) {
		hash256_to_hex(hex, &s->examples[i].txid);
		json_array_append_new(ex, json_pack("{s:s, s:s, s:s, s:s}", "txid", hex,
				"heuristic", cluster_heuristic_name(s->examples[i].heuristic),
				"label_a", s->examples[i].label_a, "label_b", s->examples[i].label_b));
	}
	return json_pack("{s:o, s:b, s:s?, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:o}",
		"heuristics", cluster_cli_heuristics_json(m), "rebuilt", s->rebuilt,
		"rebuild_reason", s->rebuild_reason, "txs", (json_int_t)s->txs,
		"merges_multi_input", (json_int_t)s->merges_multi,
		"merges_change", (json_int_t)s->merges_change,
		"coinjoins_skipped", (json_int_t)s->coinjoin_skipped,
		"mixes", (json_int_t)s->mixes, "possible_mixes", (json_int_t)s->possible,
		"possible_mixes_merged", (json_int_t)s->possible_merged,
		"refused", (json_int_t)s->refused,
		"labelled_clusters", (json_int_t)s->labelled_clusters,
		"conflicts", (json_int_t)s->conflicts,
		"addresses", (json_int_t)m->n_addr, "clusters", (json_int_t)m->clusters,
		"tip_height", (json_int_t)m->tip_height, "refused_examples", ex);
}

static void build_table(struct cli_common *c, struct store *st,
			const struct cluster_build_stats *s,
			const struct cluster_meta *m)
{
	char h[160];
	cluster_cli_describe(h, sizeof(h), m);
	printf("heuristics    %s\n", h);
	if (s->rebuilt)
		printf("rebuilt       %s\n", s->rebuild_reason);
	printf("txs           %llu processed, tip height %u\n",
	       (unsigned long long)s->txs, m->tip_height);
	printf("merges        %llu multi-input, %llu change\n",
	       (unsigned long long)s->merges_multi, (unsigned long long)s->merges_change);
	printf("coinjoins     %llu skipped: %llu mixes, %llu possible mixes (%llu of "
	       "them merged; cluster mixes lists them)\n",
	       (unsigned long long)s->coinjoin_skipped, (unsigned long long)s->mixes,
	       (unsigned long long)s->possible, (unsigned long long)s->possible_merged);
	printf("refused       %llu merges of two different services\n",
	       (unsigned long long)s->refused);
	for (size_t i = 0; i < s->n_examples; i++)
		cluster_cli_refusal(c, st, &s->examples[i]);
	printf("labelled      %llu clusters, %llu with conflicting labels\n",
	       (unsigned long long)s->labelled_clusters, (unsigned long long)s->conflicts);
	printf("clusters      %llu over %llu addresses\n",
	       (unsigned long long)m->clusters, (unsigned long long)m->n_addr);
}

static int run_build(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_build_stats s;
	struct cluster_meta m;
	const char *why;
	bool found;

	if (!cluster_build(st, &s, &a->opt, c->net, progress_cb, c, &why)) {
		cli_progress_done(c);
		return cli_error("cluster build", "%s", why);
	}
	cli_progress_done(c);
	if (!cluster_meta_read(st, &m, &found, &why) || !found)
		return cli_error("cluster build", "%s", found ? why : "no state written");
	if (a->opt.change)
		cli_warn(c, "change heuristics are ON: merges by change carry a "
			 "confidence below certainty (cluster why shows them)");
	if (s.refused)
		cli_warn(c, "%llu merge(s) refused: they would join two different "
			 "services (cluster refused lists them)", (unsigned long long)s.refused);
	if (c->format == CLI_JSON)
		cluster_cli_print_json(build_json(&s, &m));
	else
		build_table(c, st, &s, &m);
	return CLI_OK;
}

/* The stored state, with an error when nothing was built. */
bool cluster_cli_meta(struct store *st, struct cluster_meta *m, const char *what)
{
	const char *why;
	bool found;
	if (!cluster_meta_read(st, m, &found, &why))
		return !cli_error(what, "%s", why);
	if (!found)
		return !cli_error(what, "no clusters built (run proceeds cluster build)");
	return true;
}

bool cluster_cli_resolve(struct cli_common *c, struct store *st, uint64_t *id,
		    const char *arg, const char *what)
{
	const char *why;
	bool found;
	if (!arg)
		return !cli_error(what, "give an address or cluster id");
	if (!cluster_resolve(st, id, &found, c->net, arg, &why))
		return !cli_error(what, "%s: %s", arg, why);
	if (!found)
		return !cli_error(what, "%s: not seen on the indexed chain", arg);
	return true;
}

static int dispatch(struct cli_common *c, struct store *st, struct cl_args *a,
		    const char *sub)
{
	if (a->all && strcmp(sub, "export") != 0)
		return cli_error("cluster", "--all is an option of export only");
	if (strcmp(sub, "build") == 0)
		return run_build(c, st, a);
	if (strcmp(sub, "show") == 0)
		return run_show(c, st, a);
	if (strcmp(sub, "export") == 0)
		return a->all ? run_export_all(c, st, a) : run_export(c, st, a);
	if (strcmp(sub, "list") == 0)
		return run_list(c, st, a);
	if (strcmp(sub, "why") == 0)
		return run_why_checked(c, st, a);
	if (strcmp(sub, "import") == 0)
		return run_import(c, st, a);
	if (strcmp(sub, "refused") == 0)
		return run_refused(c, st);
	if (strcmp(sub, "mixes") == 0)
		return run_mixes(c, st, a);
	return cli_error("cluster", "unknown subcommand '%s' (build, show, export, "
			 "import, list, why, refused, mixes)", sub);
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct cl_args a;
	struct index *idx;
	bool absent;
	const char *why;

	if (argc < 2)
		return cli_error("cluster", "give a subcommand: build, show, export, "
				 "import, list, why, refused, mixes");
	if (!parse(&a, argc, argv))
		return CLI_FAIL;
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why))
		return cli_error(cli_db_path(c), "%s", why);
	int rc = dispatch(c, index_store(idx), &a, argv[1]);
	index_close(idx);
	return rc;
}

const struct cli_command cmd_cluster = {
	"cluster", run, "group addresses into entities; show, export, explain them",
	"proceeds cluster build [--no-coinjoin-skip] [--merge-possible]\n"
	"                       [--change [--change-min PCT]] [--no-guard] [--rebuild]\n"
	"proceeds cluster show ADDR|ID [--limit N]\n"
	"proceeds cluster export ADDR|ID --csv\n"
	"proceeds cluster export --all --csv|--json\n"
	"proceeds cluster import FILE\n"
	"proceeds cluster list [--label L] [--category C]\n"
	"proceeds cluster why ADDR1 ADDR2\n"
	"proceeds cluster refused\n"
	"proceeds cluster mixes [--possible]\n"
	"\n"
	"build clusters the indexed transactions not yet clustered (all of them\n"
	"the first time, after a reorg, or when the options change). Heuristics:\n"
	"  multi-input           inputs of one tx share an owner (always on)\n"
	"  CoinJoins             judged by structure (docs/coinjoin.md): a mix is\n"
	"                        never merged, a possible mix (a two-party join,\n"
	"                        a PayJoin-like payment) only with --merge-possible\n"
	"  --merge-possible      merge possible mixes' inputs\n"
	"  --no-coinjoin-skip    also merge detected CoinJoins (to measure; wrong)\n"
	"  --change              change heuristics (fresh, type, optimal, round,\n"
	"                        fingerprint, peel), off by default; an output is\n"
	"                        merged when its combined confidence >= PCT\n"
	"  --change-min PCT      threshold for --change, 1-100 (default 70)\n"
	"  --no-guard            allow merging two different service labels\n"
	"                        (exchange, mixer, service, gambling); by default\n"
	"                        such merges are refused and listed\n"
	"  --rebuild             discard the clustering and start over\n"
	"Cluster ids are the smallest address id of the cluster: stable.\n"
	"show: size, first/last activity, received, top counterparties (reading\n"
	"  at most --limit N funding entries, default 1000000; says when cut),\n"
	"  labels with sources and conflicts.\n"
	"export --csv: every address of the cluster.\n"
	"export --all: every address of the index with its cluster id, in\n"
	"  address-id order, streamed (constant memory): --csv a header line\n"
	"  address,cluster_id then one row per address; --json JSON Lines, one\n"
	"  {\"address\": ..., \"cluster_id\": N} object per line. Addresses the\n"
	"  last build did not cover are their own cluster (a warning counts\n"
	"  them). Outputs without an address are script:<hex>.\n"
	"  Format: docs/cluster-export.md.\n"
	"import FILE: replace the clustering by a map computed elsewhere (Spark,\n"
	"  GraphSense): CSV address,cluster_id as export --all --csv writes it,\n"
	"  any integer ids; stored ids are each set's smallest address id.\n"
	"  Addresses the file lacks are their own cluster (stderr counts them);\n"
	"  a bad row is refused naming its line, nothing stored. why then has\n"
	"  no per-transaction evidence; build rebuilds from the chain.\n"
	"  Recipe: docs/scale.md.\n"
	"list: labelled clusters, filtered by --label (substring) or --category.\n"
	"why: the chain of merge transactions linking two addresses; when they\n"
	"  are not linked (exit 1), the skipped mixes that would link them.\n"
	"mixes: the mixes and possible mixes the build did not merge, with\n"
	"  their verdict and why (--possible: possible mixes only).\n"
	"refused: merges the guard refused, with both labels.\n"
	"Common: --db DIR, --network NET, --json, --csv, -q.",
};
