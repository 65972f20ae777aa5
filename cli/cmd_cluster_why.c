/* proceeds cluster list, why and refused. */
#include "proceeds/fileio.h"
#include "proceeds/cluster_query.h"
#include "proceeds/coinjoin.h"
#include "proceeds/hash.h"
#include "proceeds/index_query.h"
#include "cmd_cluster_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct list_ctx {
	struct cli_common *c;
	struct store *st;
	const char *label;
	bool has_cat;
	enum tag_category cat;
	json_t *arr;
	uint64_t n;
};

static bool list_one(void *vctx, const struct cluster_entity *e, const char *other)
{
	struct list_ctx *x = vctx;
	char a[CLUSTER_ADDR_MAX];
	const char *why;

	if (x->has_cat && e->category != x->cat)
		return true;
	if (x->label && !strcasestr(e->label, x->label) &&
	    !(e->conflict && strcasestr(other, x->label)))
		return true;
	x->n++;
	if (!cluster_addr_string(x->st, a, x->c->net, e->root, &why))
		snprintf(a, sizeof(a), "#%llu", (unsigned long long)e->root);
	if (x->arr) {
		json_array_append_new(x->arr, json_pack(
			"{s:I, s:s, s:I, s:s, s:s, s:s, s:i, s:i, s:i, s:b, s:s?}",
			"cluster", (json_int_t)e->root, "address", a, "size", (json_int_t)e->size,
			"label", e->label, "category", tag_category_name(e->category),
			"source", e->source, "score", e->score, "n_labels", (int)e->n_labels,
			"n_tags", (int)e->n_tags, "conflict", e->conflict,
			"conflicting_label", e->conflict ? other : NULL));
	} else if (x->c->format == CLI_CSV) {
		printf("%llu,", (unsigned long long)e->root);
		fileio_csv_cell(stdout, a);
		printf(",%llu,", (unsigned long long)e->size);
		fileio_csv_cell(stdout, e->label);
		printf(",%s,", tag_category_name(e->category));
		fileio_csv_cell(stdout, e->source);
		printf(",%u,%s,", e->n_tags, e->conflict ? "yes" : "no");
		fileio_csv_cell(stdout, e->conflict ? other : "");
		printf("\n");
	} else {
		printf("%-10llu %-8llu %-12s %s%s%s  (%s)\n", (unsigned long long)e->root,
		       (unsigned long long)e->size, tag_category_name(e->category), e->label,
		       e->conflict ? "  CONFLICT with " : "", e->conflict ? other : "", e->source);
	}
	return true;
}

int run_list(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	struct list_ctx x = { c, st, a->label, false, TAG_CAT_OTHER, NULL, 0 };
	const char *why;
	char h[160];

	if (!cluster_cli_meta(st, &m, "cluster list"))
		return CLI_FAIL;
	if (a->category && !tag_category_from_name(&x.cat, a->category))
		return cli_error("cluster list", "unknown category '%s'", a->category);
	x.has_cat = a->category != NULL;
	cluster_cli_describe(h, sizeof(h), &m);
	if (c->format == CLI_JSON)
		x.arr = json_array();
	else if (c->format == CLI_CSV)
		printf("cluster,address,size,label,category,source,tags,conflict,conflicting_label\n");
	else
		printf("# heuristics: %s\n%-10s %-8s %-12s %s\n", h, "cluster", "size",
		       "category", "label");
	if (!cluster_entity_each(st, list_one, &x, &why)) {
		json_decref(x.arr);
		return cli_error("cluster list", "%s", why);
	}
	if (x.arr)
		cluster_cli_print_json(json_pack("{s:o, s:o}", "heuristics",
				cluster_cli_heuristics_json(&m), "clusters", x.arr));
	if (c->format == CLI_CSV)
		cli_warn(c, "heuristics: %s", h);
	return x.n ? CLI_OK : CLI_NEGATIVE;
}

static json_t *step_json(struct store *st, struct cli_common *c,
			 const struct cluster_step *s, const char *txid)
{
	char a[CLUSTER_ADDR_MAX], b[CLUSTER_ADDR_MAX];
	const char *why;
	if (!cluster_addr_string(st, a, c->net, s->from, &why))
		a[0] = 0;
	if (!cluster_addr_string(st, b, c->net, s->to, &why))
		b[0] = 0;
	return json_pack("{s:s, s:s, s:s, s:s, s:i}", "from", a, "to", b,
			 "txid", txid, "heuristic", cluster_heuristic_name(s->heuristic),
			 "confidence", (int)s->confidence);
}

static bool step_txid(struct store *st, char hex[65], uint64_t txnum)
{
	struct idx_tx tx;
	bool found;
	const char *why;
	if (!idxq_tx(st, &tx, &found, txnum, &why) || !found)
		return false;
	hash256_to_hex(hex, &tx.txid);
	idx_tx_release(&tx);
	return true;
}

static int print_path(struct cli_common *c, struct store *st,
		      const struct cluster_step *steps, size_t n,
		      const struct cluster_meta *m)
{
	json_t *arr = c->format == CLI_JSON ? json_array() : NULL;
	char hex[65], a[CLUSTER_ADDR_MAX], b[CLUSTER_ADDR_MAX], h[160];
	const char *why;

	cluster_cli_describe(h, sizeof(h), m);
	if (!arr)
		printf("# heuristics: %s\n# %zu merge%s link them:\n", h, n, n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		if (!step_txid(st, hex, steps[i].txnum))
			snprintf(hex, sizeof(hex), "txnum %llu", (unsigned long long)steps[i].txnum);
		if (arr) {
			json_array_append_new(arr, step_json(st, c, &steps[i], hex));
			continue;
		}
		if (!cluster_addr_string(st, a, c->net, steps[i].from, &why))
			a[0] = 0;
		if (!cluster_addr_string(st, b, c->net, steps[i].to, &why))
			b[0] = 0;
		printf("%zu. %s -- %s --> %s  [%s, confidence %u%%]\n", i + 1, a, hex, b,
		       cluster_heuristic_name(steps[i].heuristic), steps[i].confidence);
	}
	if (arr)
		cluster_cli_print_json(json_pack("{s:b, s:o, s:o}", "linked", 1,
				"heuristics", cluster_cli_heuristics_json(m), "path", arr));
	return CLI_OK;
}

static json_t *bridge_json(struct store *st, struct cli_common *c,
			   const struct cluster_bridge *b, const char *txid)
{
	char text[200];

	coinjoin_describe(text, sizeof(text), &b->verdict);
	(void)st;
	(void)c;
	return json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:i}", "txid", txid,
			 "verdict", coinjoin_verdict_name(b->verdict.verdict),
			 "kind", coinjoin_kind_name(b->verdict.kind), "description", text,
			 "cluster_from", (json_int_t)b->from, "cluster_to", (json_int_t)b->to,
			 "confidence", (int)b->verdict.confidence);
}

/* Not linked: the skipped mixes that stand between them, if any. */
static int print_not_linked(struct cli_common *c, struct store *st, uint64_t x,
			    uint64_t y, const struct cl_args *a, const struct cluster_meta *m)
{
	struct cluster_bridge *path;
	json_t *arr = c->format == CLI_JSON ? json_array() : NULL;
	char hex[65], text[200];
	size_t n;
	const char *why;

	if (!cluster_why_not(st, &path, &n, x, y, &why)) {
		json_decref(arr);
		return cli_error("cluster why", "%s", why);
	}
	if (!arr)
		printf("not linked: %s and %s are in different clusters\n", a->ops[0], a->ops[1]);
	if (!arr && n)
		printf("# %zu skipped mix%s would link them (not crossed):\n", n, n == 1 ? "" : "es");
	for (size_t i = 0; i < n; i++) {
		if (!step_txid(st, hex, path[i].txnum))
			snprintf(hex, sizeof(hex), "txnum %llu", (unsigned long long)path[i].txnum);
		coinjoin_describe(text, sizeof(text), &path[i].verdict);
		if (arr)
			json_array_append_new(arr, bridge_json(st, c, &path[i], hex));
		else
			printf("%zu. cluster %llu -- %s --> cluster %llu  [%s: %s]\n", i + 1,
			       (unsigned long long)path[i].from, hex, (unsigned long long)path[i].to,
			       coinjoin_verdict_name(path[i].verdict.verdict), text);
	}
	free(path);
	if (arr)
		cluster_cli_print_json(json_pack("{s:b, s:o, s:o}", "linked", 0, "heuristics",
				cluster_cli_heuristics_json(m), "skipped_mixes", arr));
	return CLI_NEGATIVE;
}

int run_why(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	struct cluster_step *steps;
	uint64_t x, y;
	size_t n;
	bool linked;
	const char *why;

	if (!cluster_cli_meta(st, &m, "cluster why"))
		return CLI_FAIL;
	if (a->n_ops != 2)
		return cli_error("cluster why", "give two addresses");
	if (!cluster_cli_resolve(c, st, &x, a->ops[0], "cluster why") ||
	    !cluster_cli_resolve(c, st, &y, a->ops[1], "cluster why"))
		return CLI_FAIL;
	if (!cluster_why(st, &steps, &n, &linked, x, y, 0, &why))
		return cli_error("cluster why", "%s", why);
	if (!linked)
		return print_not_linked(c, st, x, y, a, &m);
	int rc = print_path(c, st, steps, n, &m);
	free(steps);
	return rc;
}

struct refused_ctx {
	struct cli_common *c;
	struct store *st;
	json_t *arr;
	uint64_t n;
};

static bool refused_one(void *vctx, const struct cluster_refusal *r)
{
	struct refused_ctx *x = vctx;
	char hex[65];
	x->n++;
	if (!x->arr) {
		cluster_cli_refusal(x->c, x->st, r);
		return true;
	}
	hash256_to_hex(hex, &r->txid);
	json_array_append_new(x->arr, json_pack("{s:s, s:s, s:I, s:s, s:I, s:s}",
		"txid", hex, "heuristic", cluster_heuristic_name(r->heuristic),
		"address_a", (json_int_t)r->a, "label_a", r->label_a,
		"address_b", (json_int_t)r->b, "label_b", r->label_b));
	return true;
}

int run_refused(struct cli_common *c, struct store *st)
{
	struct cluster_meta m;
	struct refused_ctx x = { c, st, NULL, 0 };
	const char *why;
	char h[160];

	if (!cluster_cli_meta(st, &m, "cluster refused"))
		return CLI_FAIL;
	cluster_cli_describe(h, sizeof(h), &m);
	if (c->format == CLI_JSON)
		x.arr = json_array();
	else
		printf("# heuristics: %s\n", h);
	if (!cluster_refused_each(st, refused_one, &x, &why)) {
		json_decref(x.arr);
		return cli_error("cluster refused", "%s", why);
	}
	if (x.arr)
		cluster_cli_print_json(json_pack("{s:o, s:o}", "heuristics",
				cluster_cli_heuristics_json(&m), "refused", x.arr));
	else if (!x.n)
		printf("no merge was refused\n");
	return CLI_OK;
}

struct mixes_ctx {
	struct cli_common *c;
	struct store *st;
	bool possible_only, merged_possible;
	json_t *arr;
	uint64_t n;
};

static bool mix_one(void *vctx, uint64_t txnum, const struct coinjoin_result *r)
{
	struct mixes_ctx *x = vctx;
	char hex[65], text[200];

	if (x->possible_only && r->verdict != COINJOIN_POSSIBLE)
		return true;
	x->n++;
	if (!step_txid(x->st, hex, txnum))
		snprintf(hex, sizeof(hex), "txnum %llu", (unsigned long long)txnum);
	coinjoin_describe(text, sizeof(text), r);
	bool merged = r->verdict == COINJOIN_POSSIBLE && x->merged_possible;
	if (x->arr)
		json_array_append_new(x->arr, json_pack("{s:s, s:s, s:s, s:s, s:i, s:b}",
			"txid", hex, "verdict", coinjoin_verdict_name(r->verdict),
			"kind", coinjoin_kind_name(r->kind), "description", text,
			"confidence", (int)r->confidence, "merged", merged));
	else if (x->c->format == CLI_CSV)
		printf("%s,%s,%s,%u,%s\n", hex, coinjoin_verdict_name(r->verdict),
		       coinjoin_kind_name(r->kind), r->confidence, merged ? "yes" : "no");
	else
		printf("%s  %-12s %s%s\n", hex, coinjoin_verdict_name(r->verdict), text,
		       merged ? "  [merged: --merge-possible]" : "");
	return true;
}

int run_mixes(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	struct mixes_ctx x = { c, st, a->possible_only, false, NULL, 0 };
	const char *why;
	char h[160];

	if (!cluster_cli_meta(st, &m, "cluster mixes"))
		return CLI_FAIL;
	x.merged_possible = m.merge_possible;
	cluster_cli_describe(h, sizeof(h), &m);
	if (c->format == CLI_JSON)
		x.arr = json_array();
	else if (c->format == CLI_CSV)
		printf("txid,verdict,kind,confidence,merged\n");
	else
		printf("# heuristics: %s\n", h);
	if (!cluster_mix_each(st, mix_one, &x, &why)) {
		json_decref(x.arr);
		return cli_error("cluster mixes", "%s", why);
	}
	if (x.arr)
		cluster_cli_print_json(json_pack("{s:o, s:o}", "heuristics",
				cluster_cli_heuristics_json(&m), "mixes", x.arr));
	else if (!x.n && c->format != CLI_CSV)
		printf("no mix recorded\n");
	return CLI_OK;
}
