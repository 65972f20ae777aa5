/* Entity lookup for the tracer (see attrib.h). */
#include "proceeds/attrib.h"
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

/* The one function to switch to cluster_entity() when clusters land. */
bool attrib_lookup(struct store *st, struct attrib_entity *out, bool *found,
		   uint64_t addr, uint32_t stop_mask, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t klen = 0;
	bool known;
	struct tag_list l = { NULL, 0 };
	const struct tag *best = NULL;

	memset(out, 0, sizeof(*out));
	*found = false;
	if (!idxq_addr_key(st, key, &klen, &known, addr, why))
		return false;
	if (!known)
		return (*why = "address id not in the index"), false;
	if (!tag_store_for_owner(st, &l, key, klen, why))
		return false;
	for (size_t i = 0; i < l.n; i++)
		if (!best || better(&l.v[i], best, stop_mask))
			best = &l.v[i];
	if (best) {
		if (!fill(out, best)) {
			tag_list_free(&l);
			return (*why = "out of memory"), false;
		}
		*found = true;
	}
	tag_list_free(&l);
	return true;
}
