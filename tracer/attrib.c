/* Entity lookup for the tracer (see attrib.h). */
#include "proceeds/attrib.h"
#include "proceeds/cluster.h"
#include "proceeds/index_query.h"
#include "proceeds/tagstore.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void attrib_entity_release(struct attrib_entity *e)
{
	free(e->label);
	free(e->source);
	free(e->confidence);
	memset(e, 0, sizeof(*e));
}

/* True when tag a is a better answer than b (see attrib_lookup). */
static bool better(const struct tag *a, const struct tag *b, uint32_t stop_mask)
{
	bool sa = stop_mask & (1u << a->category), sb = stop_mask & (1u << b->category);
	int c;

	if (sa != sb)
		return sa;
	if (a->score != b->score)
		return a->score > b->score;
	c = strcmp(a->label, b->label);
	if (c != 0)
		return c < 0;
	return strcmp(a->source, b->source) < 0;
}

static bool fill(struct attrib_entity *out, const struct tag *t)
{
	char unnamed[64];

	snprintf(unnamed, sizeof(unnamed), "unnamed %s", tag_category_name(t->category));
	out->label = strdup(t->label[0] ? t->label : unnamed);
	out->source = strdup(t->source);
	out->confidence = strdup(t->confidence);
	out->category = t->category;
	out->score = t->score;
	out->from_cluster = false;
	if (!out->label || !out->source || !out->confidence) {
		attrib_entity_release(out);
		return false;
	}
	return true;
}

/* The best tag on addr (see better) into *best_out; l keeps it alive. */
static bool own_tags(struct store *st, struct tag_list *l, const struct tag **best,
		     uint64_t addr, uint32_t stop_mask, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t klen = 0;
	bool known;

	*best = NULL;
	if (!idxq_addr_key(st, key, &klen, &known, addr, why))
		return false;
	if (!known)
		return (*why = "address id not in the index"), false;
	if (!tag_store_for_owner(st, l, key, klen, why))
		return false;
	for (size_t i = 0; i < l->n; i++)
		if (!*best || better(&l->v[i], *best, stop_mask))
			*best = &l->v[i];
	return true;
}

/* The cluster's label when a clustering covers addr: *labelled false
 * otherwise. */
static bool cluster_label(struct store *st, struct cluster_entity *ce,
			  bool *labelled, uint64_t addr, const char **why)
{
	struct cluster_meta m;
	bool built;

	*labelled = false;
	if (!cluster_meta_read(st, &m, &built, why))
		return false;
	if (!built || addr >= m.n_addr)
		return true;
	if (!cluster_entity(st, addr, ce, why))
		return false;
	*labelled = ce->clustered && ce->labelled;
	return true;
}

static bool fill_cluster(struct attrib_entity *out, struct attrib_via *via,
			 const struct cluster_entity *ce)
{
	struct tag t;

	memset(&t, 0, sizeof(t));
	t.category = ce->category;
	t.score = ce->score;
	tag_set_field(t.label, ce->label);
	tag_set_field(t.source, ce->source);
	if (!fill(out, &t))
		return false;
	out->from_cluster = true;
	via->cluster = true;
	via->conflict = ce->conflict;
	via->root = ce->root;
	via->size = ce->size;
	return true;
}

bool attrib_lookup(struct store *st, struct attrib_entity *out,
		   struct attrib_via *via, bool *found, uint64_t addr,
		   uint32_t stop_mask, const char **why)
{
	struct tag_list l = { NULL, 0 };
	const struct tag *best = NULL;
	struct cluster_entity ce;
	struct attrib_via none = { 0 };
	bool labelled = false, ok = true;

	memset(out, 0, sizeof(*out));
	via = via ? via : &none;
	memset(via, 0, sizeof(*via));
	*found = false;
	if (!own_tags(st, &l, &best, addr, stop_mask, why)) {
		tag_list_free(&l);
		return false;
	}
	bool direct = best && (stop_mask & (1u << best->category));
	if (!direct && !cluster_label(st, &ce, &labelled, addr, why)) {
		tag_list_free(&l);
		return false;
	}
	if (!direct && labelled)
		ok = fill_cluster(out, via, &ce);
	else if (best)
		ok = fill(out, best);
	*found = ok && (labelled || best);
	tag_list_free(&l);
	if (!ok)
		return (*why = "out of memory"), false;
	return true;
}
