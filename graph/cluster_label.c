/* Labels of clusters: the tags of their members, the guard's map of
 * service labels per root during a build, and the entity record of every
 * tagged cluster, read back by cluster_entity. */
#include "cluster_int.h"

#include "proceeds/cursor.h"
#include "proceeds/index_query.h"
#include "proceeds/tagstore.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

bool cluster_is_service(enum tag_category c)
{
	switch (c) {
	case TAG_CAT_EXCHANGE:
	case TAG_CAT_MIXER:
	case TAG_CAT_SERVICE:
	case TAG_CAT_GAMBLING:
		return true;
	case TAG_CAT_OTHER:
	case TAG_CAT_RANSOMWARE:
	case TAG_CAT_SCAM:
	case TAG_CAT_SANCTIONS:
	case TAG_CAT_DARKNET:
	case TAG_CAT_HACK:
	case TAG_CAT_MINER:
	case TAG_CAT_WALLET:
	case TAG_CAT_TERRORISM:
	case TAG_CAT_EXTREMISM:
	case TAG_CAT_ORGANIZATION:
	case TAG_CAT_USER:
		return false;
	}
	return false;
}

void cl_map_release(struct cl_map *m)
{
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

static size_t slot(const struct cl_map *m, uint32_t key)
{
	size_t i = ((uint64_t)key * 0x9E3779B97F4A7C15ull) >> 20 & (m->cap - 1);
	while (m->vals[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint32_t cl_map_get(const struct cl_map *m, uint32_t key)
{
	return m->cap ? m->vals[slot(m, key)] : 0;
}

static bool map_grow(struct cl_map *m)
{
	struct cl_map n = { NULL, NULL, m->cap ? m->cap * 2 : 64, 0 };
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		cl_map_release(&n);
		return false;
	}
	for (size_t i = 0; i < m->cap; i++)
		if (m->vals[i]) {
			size_t j = slot(&n, m->keys[i]);
			n.keys[j] = m->keys[i];
			n.vals[j] = m->vals[i];
			n.n++;
		}
	cl_map_release(m);
	*m = n;
	return true;
}

/* Setting 0 keeps the slot (as a tombstone-free "absent" value would
 * break probing): the value 0 is stored as absent only for new keys. */
bool cl_map_set(struct cl_map *m, uint32_t key, uint32_t val)
{
	if ((m->n + 1) * 2 > m->cap && !map_grow(m))
		return false;
	size_t i = slot(m, key);
	if (!m->vals[i]) {
		if (!val)
			return true;
		m->n++;
	}
	m->keys[i] = key;
	m->vals[i] = val;
	return true;
}

void cl_tags_release(struct cl_tags *t)
{
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].label);
		free(t->v[i].source);
	}
	free(t->v);
	free(t->svc_names);
	memset(t, 0, sizeof(*t));
}

struct load_ctx {
	struct cl_tags *t;
	struct store *st;
	uint64_t n_addr;
	const char *why;
	bool failed;
};

static bool load_one(void *vctx, const struct tag *tg)
{
	struct load_ctx *c = vctx;
	struct cl_tags *t = c->t;
	uint64_t id;
	bool found;

	if (!idxq_addr_id(c->st, &id, &found, tg->owner_key, tg->owner_key_len, &c->why))
		return !(c->failed = true);
	if (!found || id >= c->n_addr)
		return true;  /* never paid on this chain */
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct cl_tag *v = realloc(t->v, cap * sizeof(*v));
		if (!v)
			return (c->why = "out of memory"), !(c->failed = true);
		t->v = v;
		t->cap = cap;
	}
	struct cl_tag *x = &t->v[t->n];
	x->addr = (uint32_t)id;
	x->category = (uint8_t)tg->category;
	x->score = tg->score;
	x->svc = 0;
	x->label = strdup(tg->label);
	x->source = strdup(tg->source);
	if (!x->label || !x->source) {
		free(x->label);
		free(x->source);
		return (c->why = "out of memory"), !(c->failed = true);
	}
	t->n++;
	return true;
}

static int cmp_svc(const void *a, const void *b)
{
	const struct cl_tag *x = *(const struct cl_tag *const *)a;
	const struct cl_tag *y = *(const struct cl_tag *const *)b;
	return strcasecmp(x->label, y->label);
}

/* Numbers the distinct service labels (case-insensitive) 1, 2, ... */
static bool number_services(struct cl_tags *t, const char **why)
{
	struct cl_tag **p = malloc((t->n ? t->n : 1) * sizeof(*p));
	size_t m = 0;

	t->svc_names = malloc((t->n ? t->n : 1) * sizeof(*t->svc_names));
	if (!p || !t->svc_names) {
		free(p);
		return (*why = "out of memory"), false;
	}
	for (size_t i = 0; i < t->n; i++)
		if (cluster_is_service(t->v[i].category) && t->v[i].label[0])
			p[m++] = &t->v[i];
	qsort(p, m, sizeof(*p), cmp_svc);
	for (size_t i = 0; i < m; i++) {
		if (i == 0 || strcasecmp(p[i - 1]->label, p[i]->label) != 0)
			t->svc_names[t->n_svc++] = p[i]->label;
		p[i]->svc = (uint32_t)t->n_svc;
	}
	free(p);
	return true;
}

bool cl_tags_load(struct cl_tags *t, struct store *st, uint64_t n_addr,
		  const char **why)
{
	struct load_ctx c = { t, st, n_addr, NULL, false };

	memset(t, 0, sizeof(*t));
	if (!tag_store_each(st, NULL, load_one, &c, why))
		return false;
	if (c.failed)
		return (*why = c.why), false;
	return number_services(t, why);
}

bool cl_guard_init(struct cl_state *s, const char **why)
{
	for (size_t i = 0; i < s->tags.n; i++) {
		const struct cl_tag *t = &s->tags.v[i];
		uint32_t r;
		if (!t->svc)
			continue;
		r = unionfind_find(&s->uf, t->addr);
		/* A set already holding two services keeps the first; the
		 * conflict is shown by its entity record. */
		if (!cl_map_get(&s->guard, r) && !cl_map_set(&s->guard, r, t->svc))
			return (*why = "out of memory"), false;
	}
	return true;
}
