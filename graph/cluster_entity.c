/* Entity records: per tagged cluster root, the chosen label, the number of
 * distinct labels and tags, its size and whether its members name two
 * different services (a conflict, shown and never resolved silently). */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/cursor.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static void put_str(struct idx_buf *b, const char *str)
{
	size_t n = strlen(str);
	idx_buf_varint(b, n);
	idx_buf_put(b, str, n);
}

void cl_entity_encode(struct idx_buf *b, const struct cl_entity_rec *e)
{
	uint8_t h[3] = { e->category, e->score, e->conflict };
	idx_buf_put(b, h, 3);
	idx_buf_u32be(b, e->label_addr);
	idx_buf_varint(b, e->n_labels);
	idx_buf_varint(b, e->n_tags);
	idx_buf_varint(b, e->size);
	put_str(b, e->label);
	put_str(b, e->source);
	put_str(b, e->other ? e->other : "");
}

static int cmp_group(const void *a, const void *b)
{
	const struct cl_tag *x = *(const struct cl_tag *const *)a;
	const struct cl_tag *y = *(const struct cl_tag *const *)b;
	int c;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	if (x->category != y->category)
		return x->category < y->category ? -1 : 1;
	if ((c = strcasecmp(x->label, y->label)) != 0)
		return c;
	return x->score > y->score ? -1 : x->score < y->score;
}

/* True when candidate (count tags of its label) beats best. */
static bool better(const struct cl_tag *c, size_t cn, const struct cl_tag *b,
		   size_t bn)
{
	bool cs = cluster_is_service(c->category), bs = cluster_is_service(b->category);
	if (cs != bs)
		return cs;
	if (c->score != b->score)
		return c->score > b->score;
	if (cn != bn)
		return cn > bn;
	return strcmp(c->label, b->label) < 0;
}

/* Aggregates p[0..n) (one root, sorted by cmp_group) into *e. */
static void aggregate(struct cl_entity_rec *e, struct cl_tag *const *p, size_t n)
{
	const struct cl_tag *best = NULL;
	size_t best_n = 0;

	memset(e, 0, sizeof(*e));
	e->n_tags = n;
	for (size_t i = 0, j; i < n; i = j) {
		for (j = i + 1; j < n && p[j]->category == p[i]->category &&
			     strcasecmp(p[j]->label, p[i]->label) == 0; j++)
			;
		e->n_labels++;
		if (!best || better(p[i], j - i, best, best_n)) {
			best = p[i];  /* highest score of its label: sorted */
			best_n = j - i;
		}
	}
	for (size_t i = 0; i < n; i++)
		if (p[i]->svc && best->svc && p[i]->svc != best->svc) {
			e->conflict = true;
			e->other = p[i]->label;
			break;
		}
	e->category = best->category;
	e->score = best->score;
	e->label_addr = best->addr;
	e->label = best->label;
	e->source = best->source;
}

/* Sizes of the labelled roots (one pass over the flattened roots). */
static bool root_sizes(struct cl_state *s, struct cl_map *sizes,
		       struct cl_tag *const *p, size_t n, const char **why)
{
	uint8_t *mark = calloc(s->uf.n / 8 + 1, 1);
	if (!mark)
		return (*why = "out of memory"), false;
	for (size_t i = 0; i < n; i++)
		mark[p[i]->root >> 3] |= (uint8_t)(1u << (p[i]->root & 7));
	for (uint32_t i = 0; i < s->uf.n; i++) {
		uint32_t r = s->uf.parent[i];
		if ((mark[r >> 3] >> (r & 7) & 1) &&
		    !cl_map_set(sizes, r, cl_map_get(sizes, r) + 1)) {
			free(mark);
			return (*why = "out of memory"), false;
		}
	}
	free(mark);
	return true;
}

static void put_groups(struct cl_state *s, struct store_batch *b,
		       struct cl_tag *const *p, size_t n,
		       const struct cl_map *sizes)
{
	for (size_t i = 0, j; i < n; i = j) {
		struct cl_entity_rec e;
		struct idx_buf v;
		uint8_t k[6];
		for (j = i + 1; j < n && p[j]->root == p[i]->root; j++)
			;
		aggregate(&e, p + i, j - i);
		e.size = cl_map_get(sizes, p[i]->root);
		idx_buf_init(&v);
		cl_entity_encode(&v, &e);
		store_batch_put(b, k, cl_key(k, CLUSTER_K_ENTITY, p[i]->root), v.p, v.len);
		idx_buf_release(&v);
		s->stats->labelled_clusters++;
		s->stats->conflicts += e.conflict;
	}
}

bool cl_entities_save(struct cl_state *s, struct store_batch *b,
		      const char **why)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_ENTITY };
	struct store_iter *it = store_iter_new(s->st, pre, 2, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl, n = s->tags.n;
	struct cl_map sizes = { 0 };
	struct cl_tag **p;
	bool ok;

	while (store_iter_next(it, &k, &kl, &v, &vl))
		store_batch_delete(b, k, kl);
	if (store_iter_error(it)) {
		*why = store_iter_error(it);
		store_iter_free(it);
		return false;
	}
	store_iter_free(it);
	if (!(p = malloc((n ? n : 1) * sizeof(*p))))
		return (*why = "out of memory"), false;
	for (size_t i = 0; i < n; i++) {
		s->tags.v[i].root = s->uf.parent[s->tags.v[i].addr];
		p[i] = &s->tags.v[i];
	}
	qsort(p, n, sizeof(*p), cmp_group);
	ok = root_sizes(s, &sizes, p, n, why);
	if (ok)
		put_groups(s, b, p, n, &sizes);
	cl_map_release(&sizes);
	free(p);
	return ok;
}

static bool get_str(struct cursor *c, char out[TAG_FIELD_MAX + 1])
{
	uint64_t n = 0;
	if (!cursor_varint(c, &n) || n > TAG_FIELD_MAX)
		return false;
	if (!cursor_bytes(c, out, (size_t)n))
		return false;
	out[n] = 0;
	return true;
}

/* Decodes an entity record into the label fields of *out. */
static bool entity_decode(struct cluster_entity *out, char other[TAG_FIELD_MAX + 1],
			  const uint8_t *v, size_t vlen)
{
	struct cursor c;
	uint8_t h[3], a[4];
	uint64_t nl = 0, nt = 0;

	cursor_init(&c, v, vlen);
	cursor_bytes(&c, h, 3);
	cursor_bytes(&c, a, 4);
	cursor_varint(&c, &nl);
	cursor_varint(&c, &nt);
	cursor_varint(&c, &out->size);
	if (!get_str(&c, out->label) || !get_str(&c, out->source) ||
	    !get_str(&c, other) || cursor_left(&c) || h[0] >= TAG_CAT_COUNT)
		return false;
	out->category = (enum tag_category)h[0];
	out->score = h[1];
	out->conflict = h[2] != 0;
	out->label_addr = idx_rd32(a);
	out->n_labels = (uint32_t)nl;
	out->n_tags = (uint32_t)nt;
	out->labelled = true;
	return true;
}

bool cluster_entity_other(struct store *st, uint64_t addr,
			  struct cluster_entity *out,
			  char other[TAG_FIELD_MAX + 1], const char **why)
{
	uint8_t k[6], *v = NULL;
	size_t vlen;
	bool found;

	memset(out, 0, sizeof(*out));
	other[0] = 0;
	if (!cl_root_lookup(st, &out->root, &out->clustered, addr, why))
		return false;
	if (!store_get(st, &v, &vlen, &found, k,
		       cl_key(k, CLUSTER_K_ENTITY, (uint32_t)out->root), why))
		return false;
	if (found && !entity_decode(out, other, v, vlen)) {
		free(v);
		return (*why = "cluster entity record is damaged"), false;
	}
	free(v);
	snprintf(out->basis, sizeof(out->basis), "%s",
		 !out->labelled ? "" : out->label_addr == addr ? "tagged" : "cluster");
	return true;
}

bool cluster_entity(struct store *st, uint64_t addr,
		    struct cluster_entity *out, const char **why)
{
	char other[TAG_FIELD_MAX + 1];
	return cluster_entity_other(st, addr, out, other, why);
}

bool cluster_entity_each(struct store *st,
			 bool (*fn)(void *ctx, const struct cluster_entity *e,
				    const char *other),
			 void *ctx, const char **why)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_ENTITY };
	struct store_iter *it = store_iter_new(st, pre, 2, NULL, 0);
	struct cluster_entity *e = malloc(sizeof(*e));
	char *other = malloc(TAG_FIELD_MAX + 1);
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = e && other;

	if (!ok)
		*why = "out of memory";
	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		memset(e, 0, sizeof(*e));
		if (kl != 6 || !entity_decode(e, other, v, vl)) {
			*why = "cluster entity record is damaged";
			ok = false;
			break;
		}
		e->root = idx_rd32(k + 2);
		e->clustered = true;
		snprintf(e->basis, sizeof(e->basis), "%s",
			 e->label_addr == e->root ? "tagged" : "cluster");
		if (!fn(ctx, e, other))
			break;
	}
	if (ok && store_iter_error(it)) {
		*why = store_iter_error(it);
		ok = false;
	}
	store_iter_free(it);
	free(e);
	free(other);
	return ok;
}
