/* The SVG flow diagram of a report (see reportsvg.h). */
#include "proceeds/reportsvg.h"
#include "proceeds/amount.h"
#include "proceeds/report.h"
#include "proceeds/reporthtml.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define NODE_W 150
#define NODE_H 34
#define GAP_Y 14
#define COL_W 200
#define TOP 40

enum node_kind { NODE_SEED, NODE_HOP, NODE_UNSPENT, NODE_MORE, NODE_ENTITY };

struct node {
	enum node_kind kind;
	unsigned col, row;
	const char *label;      /* borrowed from the report */
	uint64_t amount;        /* primary model */
	unsigned merged;        /* outputs a "more" node stands for */
};

struct key {
	const char *outpoint;   /* borrowed */
	size_t node;
};

struct flow {
	struct node *nodes;
	size_t n_nodes;
	struct key *keys;       /* outpoint -> node, sorted for bsearch */
	size_t n_keys;
	unsigned cols, rows[64];
	size_t more[64];        /* the "more" node of a column, or SIZE_MAX */
	uint64_t max_amount;
	const char *model;
};

static size_t add_node(struct flow *fl, enum node_kind kind, unsigned col,
		       const char *label, uint64_t amount)
{
	struct node *n = &fl->nodes[fl->n_nodes];
	n->kind = kind;
	n->col = col;
	n->label = label;
	n->amount = amount;
	n->merged = 1;
	if (kind != NODE_ENTITY && fl->rows[col] >= REPORTSVG_MAX_PER_COL) {
		if (fl->more[col] == SIZE_MAX) {
			n->kind = NODE_MORE;
			n->row = fl->rows[col]++;
			fl->more[col] = fl->n_nodes++;
			return fl->more[col];
		}
		fl->nodes[fl->more[col]].amount += amount;
		fl->nodes[fl->more[col]].merged++;
		return fl->more[col];
	}
	n->row = fl->rows[col]++;
	return fl->n_nodes++;
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(((const struct key *)a)->outpoint, ((const struct key *)b)->outpoint);
}

static size_t find(const struct flow *fl, const char *outpoint)
{
	struct key k = { outpoint, 0 }, *r;
	r = bsearch(&k, fl->keys, fl->n_keys, sizeof(k), key_cmp);
	return r ? r->node : SIZE_MAX;
}

static unsigned hop_col(const json_t *h)
{
	json_int_t c = json_integer_value(json_object_get(h, "hop"));
	return c < 1 ? 1 : c > 62 ? 62 : (unsigned)c;
}

static bool is_exit(const json_t *h)
{
	return strcmp(json_string_value(json_object_get(h, "status")), "exit") == 0;
}

/* Columns: 0 seeds, 1..k hops that are not exits, k+1 the services. */
static void place_nodes(struct flow *fl, const json_t *t)
{
	const json_t *v;
	size_t i;
	unsigned last = 0;

	json_array_foreach(json_object_get(t, "seeds"), i, v) {
		fl->keys[fl->n_keys].outpoint = json_string_value(json_object_get(v, "outpoint"));
		fl->keys[fl->n_keys++].node = add_node(fl, NODE_SEED, 0,
			json_string_value(json_object_get(v, "address")),
			(uint64_t)json_integer_value(json_object_get(v, "traced")));
	}
	json_array_foreach(json_object_get(t, "hops"), i, v) {
		bool unspent = strcmp(json_string_value(json_object_get(v, "status")), "unspent") == 0;
		if (is_exit(v))
			continue;
		if (hop_col(v) > last)
			last = hop_col(v);
		fl->keys[fl->n_keys].outpoint = json_string_value(json_object_get(v, "outpoint"));
		fl->keys[fl->n_keys++].node = add_node(fl, unspent ? NODE_UNSPENT : NODE_HOP,
			hop_col(v), json_string_value(json_object_get(v, "address")),
			report_traced(json_object_get(v, "traced"), fl->model));
	}
	fl->cols = last + 2;
	json_array_foreach(json_object_get(t, "entities"), i, v)
		add_node(fl, NODE_ENTITY, fl->cols - 1,
			 json_string_value(json_object_get(v, "entity")),
			 report_traced(json_object_get(v, "traced"), fl->model));
	qsort(fl->keys, fl->n_keys, sizeof(*fl->keys), key_cmp);
}

static void node_xy(const struct flow *fl, const struct node *n, unsigned *x, unsigned *y)
{
	*x = 10 + n->col * COL_W;
	*y = TOP + n->row * (NODE_H + GAP_Y);
}

/* The entity node of the exit whose outpoint is op. */
static size_t exit_entity_node(const struct flow *fl, const json_t *t, const char *op,
			       size_t first_entity)
{
	const json_t *x, *e;
	size_t i, j;
	json_array_foreach(json_object_get(t, "exits"), i, x) {
		const char *name = json_string_value(json_object_get(x, "entity"));
		if (strcmp(json_string_value(json_object_get(x, "outpoint")), op) != 0)
			continue;
		json_array_foreach(json_object_get(t, "entities"), j, e)
			if (strcmp(json_string_value(json_object_get(e, "entity")), name) == 0)
				return first_entity + j;
	}
	(void)fl;
	return SIZE_MAX;
}

static void edge(FILE *f, const struct flow *fl, size_t from, size_t to, uint64_t amount)
{
	unsigned x0, y0, x1, y1, w;
	node_xy(fl, &fl->nodes[from], &x0, &y0);
	node_xy(fl, &fl->nodes[to], &x1, &y1);
	x0 += NODE_W;
	y0 += NODE_H / 2;
	y1 += NODE_H / 2;
	w = (unsigned)(10 + (fl->max_amount ? 160 * (amount / 1000) / (fl->max_amount / 1000 + 1) : 0));
	fprintf(f, "<path class=\"e%s\" d=\"M%u %u C%u %u %u %u %u %u\" "
		"stroke-width=\"%u.%u\"/>\n", fl->nodes[to].kind == NODE_ENTITY ? " x" : "",
		x0, y0, (x0 + x1) / 2, y0, (x0 + x1) / 2, y1, x1, y1, w / 10, w % 10);
}

/* Edges into one hop: its traced amount split over its tainted parents in
 * proportion to what they carry. */
static void hop_edges(FILE *f, const struct flow *fl, const json_t *t,
		      const json_t *h, size_t first_entity)
{
	const char *op = json_string_value(json_object_get(h, "outpoint"));
	size_t to = is_exit(h) ? exit_entity_node(fl, t, op, first_entity) : find(fl, op);
	uint64_t amount = report_traced(json_object_get(h, "traced"), fl->model), sum = 0;
	const json_t *p;
	size_t i, n = 0;

	if (to == SIZE_MAX)
		return;
	json_array_foreach(json_object_get(h, "spent_from"), i, p) {
		size_t from = find(fl, json_string_value(p));
		if (from != SIZE_MAX) {
			sum += fl->nodes[from].amount;
			n++;
		}
	}
	json_array_foreach(json_object_get(h, "spent_from"), i, p) {
		size_t from = find(fl, json_string_value(p));
		if (from == SIZE_MAX || from == to)
			continue;
		/* Reached only for a parent the first loop counted: n >= 1. */
		edge(f, fl, from, to, sum ? (uint64_t)((unsigned __int128)amount *
			fl->nodes[from].amount / sum) : amount / n); /* NOLINT(clang-analyzer-core.DivideZero) */
	}
}

/* Writes at most max bytes of s, cut at a UTF-8 character boundary, with
 * an ellipsis when cut. */
static void short_label(FILE *f, const char *s, size_t max)
{
	size_t n = strlen(s);
	char buf[64];
	if (n <= max) {
		reporthtml_escape(f, s);
		return;
	}
	while (max > 0 && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	snprintf(buf, sizeof(buf), "%.*s", (int)max, s);
	reporthtml_escape(f, buf);
	fputs("\xe2\x80\xa6", f);
}

static const char *kind_class(enum node_kind k)
{
	switch (k) {
	case NODE_SEED: return "seed";
	case NODE_HOP: return "hop";
	case NODE_UNSPENT: return "unspent";
	case NODE_MORE: return "more";
	case NODE_ENTITY: return "entity";
	}
	return "hop";
}

static void draw_node(FILE *f, const struct flow *fl, const struct node *n)
{
	unsigned x, y;
	char btc[AMOUNT_STRLEN], more[48];
	const char *label = n->label ? n->label : "(no address)";

	node_xy(fl, n, &x, &y);
	snprintf(more, sizeof(more), "%u more outputs", n->merged);
	if (n->kind == NODE_MORE)
		label = more;
	amount_to_btc(btc, amount_sat(n->amount));
	fprintf(f, "<g class=\"%s\"><title>", kind_class(n->kind));
	reporthtml_escape(f, label);
	fprintf(f, ": %s BTC (%s)</title><rect x=\"%u\" y=\"%u\" width=\"%u\" "
		"height=\"%u\" rx=\"4\"/><text x=\"%u\" y=\"%u\">", btc, fl->model,
		x, y, NODE_W, NODE_H, x + 6, y + 14);
	short_label(f, label, 22);
	fprintf(f, "</text><text x=\"%u\" y=\"%u\">%s BTC</text></g>\n", x + 6, y + 28, btc);
}

static void draw(FILE *f, const struct flow *fl, const json_t *t, size_t first_entity)
{
	unsigned width = 20 + (fl->cols - 1) * COL_W + NODE_W, rows = 1;
	const json_t *h;
	size_t i;

	for (unsigned c = 0; c < fl->cols; c++)
		if (fl->rows[c] > rows)
			rows = fl->rows[c];
	fprintf(f, "<svg class=\"flow\" "
		"viewBox=\"0 0 %u %u\" role=\"img\" aria-label=\"flow of the traced "
		"funds\">\n<text class=\"hdr\" x=\"10\" y=\"20\">Victim outputs</text>"
		"<text class=\"hdr\" x=\"%u\" y=\"20\">Services reached</text>\n",
		width, TOP + rows * (NODE_H + GAP_Y), 10 + (fl->cols - 1) * COL_W);
	json_array_foreach(json_object_get(t, "hops"), i, h)
		hop_edges(f, fl, t, h, first_entity);
	for (i = 0; i < fl->n_nodes; i++)
		draw_node(f, fl, &fl->nodes[i]);
	fputs("</svg>\n", f);
}

void reportsvg_flow(FILE *f, const json_t *report)
{
	const json_t *t = report_trace(report);
	size_t cap = json_array_size(json_object_get(t, "seeds")) +
		     json_array_size(json_object_get(t, "hops")) +
		     json_array_size(json_object_get(t, "entities")) + 1, first_entity;
	struct flow fl;

	memset(&fl, 0, sizeof(fl));
	for (size_t c = 0; c < 64; c++)
		fl.more[c] = SIZE_MAX;
	fl.model = report_primary_model(report);
	fl.nodes = calloc(cap, sizeof(*fl.nodes));
	fl.keys = calloc(cap, sizeof(*fl.keys));
	if (!fl.nodes || !fl.keys)
		abort();
	fl.max_amount = (uint64_t)json_integer_value(
		json_object_get(json_object_get(t, "totals"), "seeded"));
	place_nodes(&fl, t);
	first_entity = fl.n_nodes - json_array_size(json_object_get(t, "entities"));
	draw(f, &fl, t, first_entity);
	free(fl.nodes);
	free(fl.keys);
}
