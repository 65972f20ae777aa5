/* The query subcommands of proceeds cluster: show, export, list, why,
 * refused. */
#include "proceeds/fileio.h"
#include "proceeds/amount.h"
#include "proceeds/cluster_query.h"
#include "proceeds/hash.h"
#include "proceeds/index_query.h"
#include "proceeds/tagstore.h"
#include "cmd_cluster_int.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Tags of at most this many members are listed by show. */
#define SHOW_TAG_MEMBERS 10000u
#define SHOW_TAG_LINES 50u

static const char *addr_or(struct store *st, struct cli_common *c,
			   char buf[CLUSTER_ADDR_MAX], uint64_t id)
{
	const char *why;
	if (!cluster_addr_string(st, buf, c->net, id, &why))
		snprintf(buf, CLUSTER_ADDR_MAX, "#%llu", (unsigned long long)id);
	return buf;
}

void cluster_cli_refusal(struct cli_common *c, struct store *st,
			 const struct cluster_refusal *r)
{
	char hex[65], a[CLUSTER_ADDR_MAX], b[CLUSTER_ADDR_MAX];
	hash256_to_hex(hex, &r->txid);
	printf("refused       %s %s: %s (%s) + %s (%s)\n", hex,
	       cluster_heuristic_name(r->heuristic), r->label_a,
	       addr_or(st, c, a, r->a), r->label_b, addr_or(st, c, b, r->b));
}

struct tag_walk {
	struct store *st;
	unsigned members, lines;
	json_t *arr;                /* JSON mode */
	bool cut;
};

static bool tag_member(void *vctx, uint64_t addr)
{
	struct tag_walk *w = vctx;
	struct tag_list l = { 0 };
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;
	const char *why;

	if (++w->members > SHOW_TAG_MEMBERS)
		return !(w->cut = true);
	if (!idxq_addr_key(w->st, key, &kl, &found, addr, &why) || !found ||
	    !tag_store_for_owner(w->st, &l, key, kl, &why))
		return true;
	for (size_t i = 0; i < l.n; i++) {
		const struct tag *t = &l.v[i];
		if (w->arr)
			json_array_append_new(w->arr, json_pack("{s:s, s:s, s:s, s:s, s:i, s:s}",
				"address", t->address, "label", t->label, "category",
				tag_category_name(t->category), "source", t->source,
				"score", t->score, "date", t->date));
		else if (w->lines++ < SHOW_TAG_LINES)
			printf("  tag         %s [%s] %s  source: %s  score %u\n",
			       t->label, tag_category_name(t->category), t->address,
			       t->source, t->score);
	}
	tag_list_free(&l);
	return true;
}

static void show_entity_table(const struct cluster_entity *e, const char *other)
{
	if (!e->labelled) {
		printf("label         (none: no member is tagged)\n");
		return;
	}
	printf("label         %s [%s]  source: %s  score %u  (%u tags, %u labels)\n",
	       e->label, tag_category_name(e->category), e->source, e->score,
	       e->n_tags, e->n_labels);
	if (e->conflict)
		printf("CONFLICT      members are also tagged as another service: %s\n",
		       other);
}

static void show_table(struct cli_common *c, struct store *st,
		       const struct cluster_summary *s, const struct cluster_meta *m)
{
	char h[160], btc[AMOUNT_STRLEN], b2[AMOUNT_STRLEN], a[CLUSTER_ADDR_MAX];
	cluster_cli_describe(h, sizeof(h), m);
	printf("cluster       %llu (%s)\n", (unsigned long long)s->root, addr_or(st, c, a, s->root));
	printf("heuristics    %s\n", h);
	printf("size          %llu address%s\n", (unsigned long long)s->size, s->size == 1 ? "" : "es");
	if (s->active)
		printf("activity      first height %u, last height %u\n", s->first_height, s->last_height);
	printf("received      %s BTC over %llu outputs (%llu spent)%s\n",
	       amount_to_btc(btc, s->received), (unsigned long long)s->n_funded,
	       (unsigned long long)s->n_spent, s->truncated ? " (partial)" : "");
	if (s->truncated)
		printf("PARTIAL       read the first %llu funding entries only (--limit)\n",
		       (unsigned long long)s->history_read);
	printf("peers         %zu clusters; top by value (in = paid to this cluster):\n", s->n_peers);
	for (size_t i = 0; i < s->n_top; i++) {
		struct cluster_entity e;
		const char *why;
		bool ok = cluster_entity(st, s->top[i].root, &e, &why);
		printf("  %-10llu  in %s  out %s  %s\n", (unsigned long long)s->top[i].root,
		       amount_to_btc(btc, s->top[i].in), amount_to_btc(b2, s->top[i].out),
		       ok && e.labelled ? e.label : "");
	}
}

static json_t *peers_json(struct store *st, const struct cluster_summary *s)
{
	json_t *arr = json_array();
	for (size_t i = 0; i < s->n_top; i++) {
		struct cluster_entity e;
		const char *why;
		bool ok = cluster_entity(st, s->top[i].root, &e, &why);
		json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:s?}",
			"cluster", (json_int_t)s->top[i].root,
			"in_sat", (json_int_t)s->top[i].in.sat,
			"out_sat", (json_int_t)s->top[i].out.sat,
			"label", ok && e.labelled ? e.label : NULL));
	}
	return arr;
}

static json_t *show_json(struct store *st, const struct cluster_summary *s,
			 const struct cluster_meta *m, const struct cluster_entity *e,
			 const char *other)
{
	json_t *ent = e->labelled ? json_pack("{s:s, s:s, s:s, s:i, s:b, s:s?, s:i, s:i}",
		"label", e->label, "category", tag_category_name(e->category),
		"source", e->source, "score", e->score, "conflict", e->conflict,
		"conflicting_label", e->conflict ? other : NULL,
		"n_labels", (int)e->n_labels, "n_tags", (int)e->n_tags) : json_null();
	return json_pack("{s:I, s:o, s:I, s:i, s:i, s:I, s:I, s:I, s:b, s:I, s:I, s:o, s:o}",
		"cluster", (json_int_t)s->root, "heuristics", cluster_cli_heuristics_json(m),
		"size", (json_int_t)s->size, "first_height", (int)s->first_height,
		"last_height", (int)s->last_height, "received_sat", (json_int_t)s->received.sat,
		"outputs", (json_int_t)s->n_funded, "spent", (json_int_t)s->n_spent,
		"partial", s->truncated, "history_read", (json_int_t)s->history_read,
		"peers", (json_int_t)s->n_peers, "top_peers", peers_json(st, s),
		"entity", ent);
}

int run_show(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	struct cluster_summary *s = malloc(sizeof(*s));
	struct cluster_entity e;
	char other[TAG_FIELD_MAX + 1];
	uint64_t id;
	const char *why;
	int rc = CLI_OK;

	if (!s || !cluster_cli_meta(st, &m, "cluster show") ||
	    !cluster_cli_resolve(c, st, &id, a->ops[0], "cluster show")) {
		free(s);
		return CLI_FAIL;
	}
	if (!cluster_entity_other(st, id, &e, other, &why) ||
	    !cluster_summarise(st, s, e.root, a->limit, &why)) {
		free(s);
		return cli_error("cluster show", "%s", why);
	}
	if (s->truncated)
		cli_warn(c, "cluster %llu is large: figures are partial (first %llu "
			 "funding entries; raise --limit)", (unsigned long long)e.root,
			 (unsigned long long)s->history_read);
	struct tag_walk w = { st, 0, 0, NULL, false };
	if (c->format == CLI_JSON) {
		json_t *j = show_json(st, s, &m, &e, other);
		w.arr = json_array();
		if (!cluster_members(st, e.root, tag_member, &w, &why))
			rc = cli_error("cluster show", "%s", why);
		json_object_set_new(j, "tags", w.arr);
		json_object_set_new(j, "tags_partial", json_boolean(w.cut));
		cluster_cli_print_json(j);
	} else {
		show_table(c, st, s, &m);
		show_entity_table(&e, other);
		if (!cluster_members(st, e.root, tag_member, &w, &why))
			rc = cli_error("cluster show", "%s", why);
		if (w.cut || w.lines > SHOW_TAG_LINES)
			printf("  (tags listed for the first %u lines / %u members only)\n",
			       SHOW_TAG_LINES, SHOW_TAG_MEMBERS);
	}
	free(s);
	return rc;
}

struct export_ctx {
	struct cli_common *c;
	struct store *st;
	uint64_t n;
	bool failed;
};

static bool export_one(void *vctx, uint64_t addr)
{
	struct export_ctx *x = vctx;
	char buf[CLUSTER_ADDR_MAX];
	printf("%llu,", (unsigned long long)addr);
	fileio_csv_cell(stdout, addr_or(x->st, x->c, buf, addr));
	printf("\n");
	x->n++;
	return true;
}

int run_export(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	uint64_t id, root;
	const char *why;

	if (!cluster_cli_meta(st, &m, "cluster export") ||
	    !cluster_cli_resolve(c, st, &id, a->ops[0], "cluster export"))
		return CLI_FAIL;
	if (c->format != CLI_CSV)
		return cli_error("cluster export", "give --csv");
	if (!cluster_root(st, &root, id, &why))
		return cli_error("cluster export", "%s", why);
	char h[160];
	cluster_cli_describe(h, sizeof(h), &m);
	cli_warn(c, "cluster %llu, heuristics: %s", (unsigned long long)root, h);
	printf("address_id,address\n");
	struct export_ctx x = { c, st, 0, false };
	if (!cluster_members(st, root, export_one, &x, &why))
		return cli_error("cluster export", "%s", why);
	return CLI_OK;
}
