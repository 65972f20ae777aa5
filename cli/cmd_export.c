/* proceeds export edges: the transaction graph of the index as CSV and
 * JSON Lines partitioned by height range, with schema.json and
 * manifest.json, for distributed engines (docs/scale.md, "Hand-off to a
 * distributed engine"). */
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/edgeexport.h"
#include "proceeds/index.h"
#include "proceeds/store.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Resident table pages allowed while streaming: each page is read once. */
#define EXPORT_MAP_BUDGET ((size_t)64 << 20)

struct export_args {
	struct edge_export_options o;
};

/* A height or count: decimal digits only, below 2^32. */
static bool parse_u32(uint32_t *out, const char *v, const char *opt)
{
	char *end;
	unsigned long long n;

	if (!v[0] || v[strspn(v, "0123456789")] != 0)
		return !cli_error("export", "%s: give a non-negative number, not '%s'", opt, v);
	n = strtoull(v, &end, 10);
	if (n > UINT32_MAX)
		return !cli_error("export", "%s: %s is too large", opt, v);
	*out = (uint32_t)n;
	return true;
}

/* One option of export edges; false when argv[*i] is none of them. */
static bool parse_opt(struct export_args *a, int argc, char **argv, int *i,
		      bool *bad)
{
	const char *names[3] = { "--from", "--to", "--partition" }, *v;
	uint32_t *nums[3] = { &a->o.from, &a->o.to, &a->o.partition };

	if (cli_opt_value(&v, argc, argv, i, "--level", bad)) {
		if (!*bad && !edge_level_parse(&a->o.level, v))
			*bad = cli_error("export", "--level: tx or address, not '%s'", v);
		return true;
	}
	for (int k = 0; k < 3; k++) {
		if (!cli_opt_value(&v, argc, argv, i, names[k], bad))
			continue;
		if (!*bad)
			*bad = !parse_u32(nums[k], v, names[k]);
		if (k == 1)
			a->o.to_tip = false;
		if (!*bad && k == 2 && a->o.partition == 0)
			*bad = cli_error("export", "--partition: at least 1 block");
		return true;
	}
	return false;
}

static bool parse(struct export_args *a, struct cli_common *c, int argc,
		  char **argv)
{
	bool bad = false;

	memset(a, 0, sizeof(*a));
	a->o.level = EDGE_LEVEL_TX;
	a->o.to_tip = true;
	a->o.partition = EDGE_PARTITION_DEFAULT;
	if (argc < 2 || strcmp(argv[1], "edges") != 0)
		return !cli_error("export", argc < 2 ? "give what to export: edges"
				  : "unknown export '%s' (edges)", argc < 2 ? "" : argv[1]);
	for (int i = 2; i < argc && !bad; i++)
		if (!parse_opt(a, argc, argv, &i, &bad))
			return !cli_error("export", "unknown argument '%s'", argv[i]);
	if (bad)
		return false;
	if (!c->out)
		return !cli_error("export", "give --out DIR");
	if (c->format == CLI_CSV)
		return !cli_error("export", "--csv: the export writes CSV and JSON "
				  "Lines files; the summary is a table or --json");
	return true;
}

static void progress_cb(void *ctx, uint64_t done, uint64_t total)
{
	cli_progress(ctx, "export edges: %llu/%llu txs", (unsigned long long)done,
		     (unsigned long long)total);
}

static void report(const struct cli_common *c, const struct export_args *a,
		   const struct edge_export_stats *s)
{
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
			"out", c->out, "level", edge_level_name(a->o.level),
			"from_height", (int)s->from, "to_height", (int)s->to,
			"txs", (json_int_t)s->txs, "coinbase_txs", (json_int_t)s->coinbase_txs,
			"inputs", (json_int_t)s->inputs, "outputs", (json_int_t)s->outputs,
			"rows", (json_int_t)s->rows, "partitions", (json_int_t)s->partitions,
			"bytes", (json_int_t)s->bytes);
		char *t = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		if (t)
			printf("%s\n", t);
		free(t);
		json_decref(j);
		return;
	}
	printf("edges      %s level, heights %u-%u, in %s\n", edge_level_name(a->o.level),
	       s->from, s->to, c->out);
	printf("txs        %llu (%llu coinbase), %llu inputs, %llu outputs\n",
	       (unsigned long long)s->txs, (unsigned long long)s->coinbase_txs,
	       (unsigned long long)s->inputs, (unsigned long long)s->outputs);
	printf("rows       %llu in each of CSV and JSON Lines, %llu partition%s\n",
	       (unsigned long long)s->rows, (unsigned long long)s->partitions,
	       s->partitions == 1 ? "" : "s");
	printf("bytes      %llu written (manifest.json holds the counts)\n",
	       (unsigned long long)s->bytes);
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct export_args a;
	struct edge_export_stats s;
	struct index *idx;
	bool absent;
	const char *why;

	if (!parse(&a, c, argc, argv))
		return CLI_FAIL;
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why))
		return cli_error(cli_db_path(c), "%s", why);
	store_set_map_budget(index_store(idx), EXPORT_MAP_BUDGET);
	bool ok = edge_export(index_store(idx), c->net, c->out, &a.o, &s,
			      progress_cb, c, &why);
	cli_progress_done(c);
	index_close(idx);
	if (!ok)
		return cli_error("export edges", "%s", why);
	cli_warn(c, "spent txids: %llu cached, %llu read; address names: %llu "
		 "sequential, %llu cached, %llu read",
		 (unsigned long long)s.txid_hits, (unsigned long long)s.txid_reads,
		 (unsigned long long)s.name_sequential, (unsigned long long)s.name_hits,
		 (unsigned long long)s.name_reads);
	report(c, &a, &s);
	return CLI_OK;
}

const struct cli_command cmd_export = {
	"export", run, "write the transaction graph for distributed engines (Spark, GraphSense)",
	"proceeds export edges --out DIR [--level tx|address] [--from H] [--to H]\n"
	"                      [--partition N]\n"
	"\n"
	"Writes the transaction graph of the index in --db under DIR (a new or\n"
	"empty directory), streamed in chain order with constant memory:\n"
	"  DIR/edges/csv/height_range=START-END/part.csv     CSV with a header\n"
	"  DIR/edges/jsonl/height_range=START-END/part.jsonl JSON Lines\n"
	"  DIR/schema.json    the columns and their types, the edge model\n"
	"  DIR/manifest.json  rows per partition and in all (written last: an\n"
	"                     export without it is incomplete)\n"
	"  --level tx         (default) one row per input (spent outpoint ->\n"
	"                     tx) and per output (tx -> outpoint): rows =\n"
	"                     inputs + outputs\n"
	"  --level address    one row per (input address, output address) pair\n"
	"                     of a non-coinbase tx, the outputs' value apportioned\n"
	"                     to the inputs by input value (integer satoshis; a\n"
	"                     tx's rows sum to its outputs)\n"
	"  --from H, --to H   heights to export (default: the whole index)\n"
	"  --partition N      blocks per partition folder (default 10000)\n"
	"Addresses are as proceeds shows them; outputs without one are\n"
	"script:<hex>. Edge models, columns and the Spark and GraphSense\n"
	"recipes: docs/scale.md. Prints a summary (a table or --json).\n"
	"Common: --db DIR, --network NET, --out DIR, --json, -q.",
};
