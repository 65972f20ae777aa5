/* Entity-level flow graphs around a cluster and their DOT, GraphML and
 * JSON forms. */
#include "proceeds/graphexport.h"

#include "proceeds/amount.h"
#include "proceeds/cluster_query.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_NODES 200u
#define DEFAULT_HISTORY 100000u

void graph_init(struct graph *g)
{
	memset(g, 0, sizeof(*g));
}

void graph_release(struct graph *g)
{
	free(g->nodes);
	free(g->edges);
	memset(g, 0, sizeof(*g));
}

static bool find_node(const struct graph *g, uint64_t root, size_t *i)
{
	for (*i = 0; *i < g->n_nodes; (*i)++)
		if (g->nodes[*i].root == root)
			return true;
	return false;
}

/* The node of root, added at depth when new. */
static bool node(struct graph *g, struct store *st, size_t *i, uint64_t root,
		 unsigned depth, const char **why)
{
	if (find_node(g, root, i))
		return true;
	if (g->n_nodes == g->cap_nodes) {
		size_t cap = g->cap_nodes ? g->cap_nodes * 2 : 16;
		struct graph_node *p = realloc(g->nodes, cap * sizeof(*p));
		if (!p)
			return (*why = "out of memory"), false;
		g->nodes = p;
		g->cap_nodes = cap;
	}
	struct graph_node *n = &g->nodes[g->n_nodes];
	memset(n, 0, sizeof(*n));
	n->root = root;
	n->depth = depth;
	if (!cluster_entity(st, root, &n->ent, why))
		return false;
	*i = g->n_nodes++;
	return true;
}

static bool edge(struct graph *g, size_t from, size_t to, uint64_t sat,
		 const char **why)
{
	for (size_t i = 0; i < g->n_edges; i++)
		if (g->edges[i].from == from && g->edges[i].to == to) {
			g->edges[i].sat += sat;
			return true;
		}
	if (g->n_edges == g->cap_edges) {
		size_t cap = g->cap_edges ? g->cap_edges * 2 : 32;
		struct graph_edge *p = realloc(g->edges, cap * sizeof(*p));
		if (!p)
			return (*why = "out of memory"), false;
		g->edges = p;
		g->cap_edges = cap;
	}
	g->edges[g->n_edges++] = (struct graph_edge){ from, to, sat };
	return true;
}

/* Reads node i's peers: new nodes at depth + 1 and the edges. */
static bool expand(struct graph *g, struct store *st, size_t i, size_t max_nodes,
		   uint64_t max_history, const char **why)
{
	struct cluster_peer *peers;
	size_t n, j;
	bool cut, ok = true;

	if (!cluster_peers(st, &peers, &n, &cut, g->nodes[i].root, max_history, why))
		return false;
	g->truncated |= cut;
	g->nodes[i].expanded = true;
	for (size_t k = 0; ok && k < n; k++) {
		bool known = find_node(g, peers[k].root, &j);
		if (!known && g->n_nodes >= max_nodes) {
			g->truncated = true;
			continue;
		}
		ok = node(g, st, &j, peers[k].root, g->nodes[i].depth + 1, why);
		if (ok && peers[k].out.sat)
			ok = edge(g, i, j, peers[k].out.sat, why);
		/* payments in are counted by the payer when it is expanded */
		if (ok && peers[k].in.sat && !(known && g->nodes[j].expanded))
			ok = edge(g, j, i, peers[k].in.sat, why);
	}
	free(peers);
	return ok;
}

bool graph_from_cluster(struct graph *g, struct store *st, uint64_t root,
			unsigned depth, size_t max_nodes, uint64_t max_history,
			const char **why)
{
	size_t i;
	uint64_t r;

	if (!max_nodes)
		max_nodes = DEFAULT_NODES;
	if (!max_history)
		max_history = DEFAULT_HISTORY;
	if (!cluster_root(st, &r, root, why) || !node(g, st, &i, r, 0, why))
		return false;
	for (i = 0; i < g->n_nodes; i++)
		if (g->nodes[i].depth < depth &&
		    !expand(g, st, i, max_nodes, max_history, why))
			return false;
	return true;
}

bool graph_add_flow(struct graph *g, struct store *st, uint64_t from_addr,
		    uint64_t to_addr, uint64_t sat, const char **why)
{
	uint64_t a, b;
	size_t i, j;
	if (!cluster_root(st, &a, from_addr, why) || !cluster_root(st, &b, to_addr, why) ||
	    !node(g, st, &i, a, 0, why) || !node(g, st, &j, b, 0, why))
		return false;
	return a == b || edge(g, i, j, sat, why);
}

static void dot_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r')
			continue;
		fputc(*s, f);
	}
	fputc('"', f);
}

static void node_label(char *out, size_t n, const struct graph_node *v)
{
	if (v->ent.labelled)
		snprintf(out, n, "%s [%s]%s\ncluster %llu", v->ent.label,
			 tag_category_name(v->ent.category),
			 v->ent.conflict ? " CONFLICT" : "", (unsigned long long)v->root);
	else
		snprintf(out, n, "cluster %llu", (unsigned long long)v->root);
}

static void write_dot(FILE *f, const struct graph *g, const char *heur)
{
	char lab[TAG_FIELD_MAX + 128], btc[AMOUNT_STRLEN];
	fprintf(f, "digraph proceeds {\n  rankdir=LR;\n  label=");
	dot_str(f, heur);
	fprintf(f, ";\n  node [shape=box];\n");
	for (size_t i = 0; i < g->n_nodes; i++) {
		node_label(lab, sizeof(lab), &g->nodes[i]);
		for (char *p = lab; *p; p++)
			if (*p == '\n')
				*p = ' ';
		fprintf(f, "  c%llu [label=", (unsigned long long)g->nodes[i].root);
		dot_str(f, lab);
		fprintf(f, "%s];\n", g->nodes[i].depth == 0 ? ", style=bold" : "");
	}
	for (size_t i = 0; i < g->n_edges; i++)
		fprintf(f, "  c%llu -> c%llu [label=\"%s BTC\"];\n",
			(unsigned long long)g->nodes[g->edges[i].from].root,
			(unsigned long long)g->nodes[g->edges[i].to].root,
			amount_to_btc(btc, amount_sat(g->edges[i].sat)));
	fprintf(f, "}\n");
}

static void xml_str(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '&': fputs("&amp;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&apos;", f); break;
		default:
			if ((unsigned char)*s >= 0x20 || *s == '\t')
				fputc(*s, f);
		}
	}
}

static void write_graphml(FILE *f, const struct graph *g, const char *heur)
{
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<graphml xmlns=\"http://graphml.graphdrawing.org/xmlns\">\n"
		"  <key id=\"label\" for=\"node\" attr.name=\"label\" attr.type=\"string\"/>\n"
		"  <key id=\"category\" for=\"node\" attr.name=\"category\" attr.type=\"string\"/>\n"
		"  <key id=\"conflict\" for=\"node\" attr.name=\"conflict\" attr.type=\"boolean\"/>\n"
		"  <key id=\"sat\" for=\"edge\" attr.name=\"sat\" attr.type=\"long\"/>\n"
		"  <graph id=\"proceeds\" edgedefault=\"directed\">\n    <desc>");
	xml_str(f, heur);
	fprintf(f, "</desc>\n");
	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct graph_node *v = &g->nodes[i];
		fprintf(f, "    <node id=\"c%llu\"><data key=\"label\">", (unsigned long long)v->root);
		xml_str(f, v->ent.label);
		fprintf(f, "</data><data key=\"category\">%s</data><data key=\"conflict\">%s</data></node>\n",
			v->ent.labelled ? tag_category_name(v->ent.category) : "",
			v->ent.conflict ? "true" : "false");
	}
	for (size_t i = 0; i < g->n_edges; i++)
		fprintf(f, "    <edge source=\"c%llu\" target=\"c%llu\"><data key=\"sat\">%llu</data></edge>\n",
			(unsigned long long)g->nodes[g->edges[i].from].root,
			(unsigned long long)g->nodes[g->edges[i].to].root,
			(unsigned long long)g->edges[i].sat);
	fprintf(f, "  </graph>\n</graphml>\n");
}

static json_t *graph_json(const struct graph *g, const char *heur)
{
	json_t *nodes = json_array(), *edges = json_array();
	for (size_t i = 0; i < g->n_nodes; i++) {
		const struct graph_node *v = &g->nodes[i];
		json_array_append_new(nodes, json_pack("{s:I, s:i, s:s?, s:s?, s:s?, s:b}",
			"cluster", (json_int_t)v->root, "depth", (int)v->depth,
			"label", v->ent.labelled ? v->ent.label : NULL,
			"category", v->ent.labelled ? tag_category_name(v->ent.category) : NULL,
			"source", v->ent.labelled ? v->ent.source : NULL,
			"conflict", v->ent.conflict));
	}
	for (size_t i = 0; i < g->n_edges; i++)
		json_array_append_new(edges, json_pack("{s:I, s:I, s:I}",
			"from", (json_int_t)g->nodes[g->edges[i].from].root,
			"to", (json_int_t)g->nodes[g->edges[i].to].root,
			"sat", (json_int_t)g->edges[i].sat));
	return json_pack("{s:s, s:s, s:b, s:o, s:o}", "format", "proceeds-graph/1",
			 "heuristics", heur, "partial", g->truncated, "nodes", nodes,
			 "edges", edges);
}

bool graph_write(FILE *f, const struct graph *g, enum graph_format fmt,
		 const char *heuristics, const char **why)
{
	json_t *j;
	switch (fmt) {
	case GRAPH_DOT:
		write_dot(f, g, heuristics);
		break;
	case GRAPH_GRAPHML:
		write_graphml(f, g, heuristics);
		break;
	case GRAPH_JSON:
		j = graph_json(g, heuristics);
		if (!j || json_dumpf(j, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0) {
			json_decref(j);
			return (*why = "cannot write JSON"), false;
		}
		fputc('\n', f);
		json_decref(j);
		break;
	}
	return ferror(f) ? (*why = "write error", false) : true;
}
