/* proceeds graph: the entity-level flow around a cluster, or of a trace
 * result, as GraphViz DOT, GraphML or JSON. */
#include "proceeds/cli.h"
#include "proceeds/cluster_query.h"
#include "proceeds/commands.h"
#include "proceeds/graphexport.h"
#include "proceeds/index.h"
#include "cmd_cluster_int.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct graph_args {
	const char *cluster, *trace, *format;
	unsigned depth;
	enum graph_format fmt;
};

static bool parse(struct graph_args *a, int argc, char **argv)
{
	const char *v;
	bool bad = false;

	memset(a, 0, sizeof(*a));
	a->depth = 1;
	a->format = "dot";
	for (int i = 1; i < argc && !bad; i++) {
		if (cli_opt_value(&a->cluster, argc, argv, &i, "--cluster", &bad) ||
		    cli_opt_value(&a->trace, argc, argv, &i, "--trace", &bad) ||
		    cli_opt_value(&a->format, argc, argv, &i, "--format", &bad))
			continue;
		if (cli_opt_value(&v, argc, argv, &i, "--depth", &bad))
			a->depth = bad ? 0 : (unsigned)strtoul(v, NULL, 10);
		else
			return !cli_error("graph", "unknown argument '%s'", argv[i]);
	}
	if (bad)
		return false;
	if (!a->cluster == !a->trace)
		return !cli_error("graph", "give --cluster ADDR|ID or --trace FILE");
	if (strcmp(a->format, "dot") == 0)
		a->fmt = GRAPH_DOT;
	else if (strcmp(a->format, "graphml") == 0)
		a->fmt = GRAPH_GRAPHML;
	else if (strcmp(a->format, "json") == 0)
		a->fmt = GRAPH_JSON;
	else
		return !cli_error("graph", "--format: dot, graphml or json");
	if (a->depth > 10)
		return !cli_error("graph", "--depth: at most 10");
	return true;
}

/* The address string an outpoint paid, from the trace's seeds and hops. */
static const char *addr_of(json_t *tr, const char *op)
{
	const char *lists[2] = { "seeds", "hops" };
	for (int l = 0; l < 2; l++) {
		size_t i;
		json_t *x;
		json_array_foreach(json_object_get(tr, lists[l]), i, x) {
			const char *o = json_string_value(json_object_get(x, "outpoint"));
			if (o && strcmp(o, op) == 0)
				return json_string_value(json_object_get(x, "address"));
		}
	}
	return NULL;
}

/* One hop: its value from the cluster of its first tainted input. */
static bool trace_hop(struct cli_common *c, struct store *st, struct graph *g,
		      json_t *tr, json_t *hop, const char **why)
{
	const char *to = json_string_value(json_object_get(hop, "address"));
	json_t *from = json_array_get(json_object_get(hop, "spent_from"), 0);
	const char *fa = from ? addr_of(tr, json_string_value(from)) : NULL;
	uint64_t a, b;
	bool fa_ok, fb_ok;

	if (!to || !fa || !json_is_integer(json_object_get(hop, "value")))
		return true;  /* no address on one side: nothing to draw */
	if (!cluster_resolve(st, &a, &fa_ok, c->net, fa, why) ||
	    !cluster_resolve(st, &b, &fb_ok, c->net, to, why))
		return false;
	if (!fa_ok || !fb_ok)
		return true;
	return graph_add_flow(g, st, a, b,
			      (uint64_t)json_integer_value(json_object_get(hop, "value")), why);
}

static bool from_trace(struct cli_common *c, struct store *st, struct graph *g,
		       const char *path, const char **why)
{
	json_error_t err;
	json_t *tr = json_load_file(path, 0, &err), *hop;
	static char msg[256];
	size_t i;
	bool ok = true;

	if (!tr) {
		snprintf(msg, sizeof(msg), "line %d: %s", err.line, err.text);
		return (*why = msg), false;
	}
	const char *fmt = json_string_value(json_object_get(tr, "format"));
	if (!fmt || strcmp(fmt, "proceeds-trace/1") != 0) {
		json_decref(tr);
		return (*why = "not a proceeds-trace/1 file"), false;
	}
	json_array_foreach(json_object_get(tr, "hops"), i, hop)
		if (ok)
			ok = trace_hop(c, st, g, tr, hop, why);
	json_decref(tr);
	return ok;
}

static int draw(struct cli_common *c, struct store *st, const struct graph_args *a)
{
	struct cluster_meta m;
	struct graph g;
	const char *why;
	char h[160];
	uint64_t id;
	bool ok;

	if (!cluster_cli_meta(st, &m, "graph"))
		return CLI_FAIL;
	if (a->cluster && !cluster_cli_resolve(c, st, &id, a->cluster, "graph"))
		return CLI_FAIL;
	graph_init(&g);
	ok = a->cluster ? graph_from_cluster(&g, st, id, a->depth, 0, 0, &why)
			: from_trace(c, st, &g, a->trace, &why);
	cluster_cli_describe(h, sizeof(h), &m);
	if (ok && g.truncated)
		cli_warn(c, "graph is partial: node or history limit reached");
	ok = ok && graph_write(stdout, &g, a->fmt, h, &why);
	graph_release(&g);
	return ok ? CLI_OK : cli_error("graph", "%s", why);
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct graph_args a;
	struct index *idx;
	bool absent;
	const char *why;

	if (!parse(&a, argc, argv))
		return CLI_FAIL;
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why))
		return cli_error(cli_db_path(c), "%s", why);
	int rc = draw(c, index_store(idx), &a);
	index_close(idx);
	return rc;
}

const struct cli_command cmd_graph = {
	"graph", run, "entity-level flow graph around a cluster or of a trace",
	"proceeds graph --cluster ADDR|ID [--depth N] [--format dot|graphml|json]\n"
	"proceeds graph --trace FILE [--format dot|graphml|json]\n"
	"\n"
	"Nodes are clusters (with their labels and conflicts), edges the summed\n"
	"value between them. --cluster: the clusters within --depth hops\n"
	"(default 1, at most 10; at most 200 nodes, says when cut). --trace: the\n"
	"hops of a proceeds-trace/1 file (docs/trace-format.md), each hop's value\n"
	"drawn from the cluster of its first tainted input. --format: dot\n"
	"(default; render with `dot -Tsvg`), graphml or json. The heuristics of\n"
	"the clustering are written into the graph. Needs `cluster build`.\n"
	"Common: --db DIR, --network NET.",
};
