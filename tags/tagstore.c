/* Reading tags back: by owner key, by address, and filtered scans. */
#include "proceeds/tagstore.h"
#include "proceeds/address.h"

#include <stdlib.h>
#include <string.h>

void tag_list_free(struct tag_list *l)
{
	free(l->v);
	l->v = NULL;
	l->n = 0;
}

static bool list_push(struct tag_list *l, const struct tag *t)
{
	struct tag *v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v)
		return false;
	l->v = v;
	l->v[l->n++] = *t;
	return true;
}

/* Scans the keys under prefix into cb; shared by every query. */
static bool scan(struct store *s, const uint8_t *prefix, size_t plen,
		 const struct tag_filter *f,
		 bool (*cb)(void *ctx, const struct tag *t), void *ctx,
		 const char **why)
{
	struct store_iter *it = store_iter_new(s, prefix, plen, NULL, 0);
	struct tag *t = malloc(sizeof(*t));
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;

	if (!t) {
		store_iter_free(it);
		*why = "out of memory";
		return false;
	}
	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		if (!tag_decode(t, k, kl, v, vl, why)) {
			ok = false;
			break;
		}
		if (tag_filter_match(f, t) && !cb(ctx, t))
			break;
	}
	if (ok && store_iter_error(it)) {
		*why = store_iter_error(it);
		ok = false;
	}
	store_iter_free(it);
	free(t);
	return ok;
}

static bool collect(void *ctx, const struct tag *t)
{
	return list_push(ctx, t);
}

bool tag_store_for_owner(struct store *s, struct tag_list *out,
			 const uint8_t *owner_key, size_t len, const char **why)
{
	uint8_t prefix[TAG_KEY_MAX];
	size_t plen = tag_owner_prefix(prefix, owner_key, len);

	out->v = NULL;
	out->n = 0;
	if (!scan(s, prefix, plen, NULL, collect, out, why)) {
		tag_list_free(out);
		return false;
	}
	return true;
}

bool tag_store_for_address(struct store *s, struct tag_list *out,
			   enum network net, const char *addr, const char **why)
{
	struct address a;
	uint8_t key[SCRIPT_KEY_MAX];
	size_t len;

	out->v = NULL;
	out->n = 0;
	if (!address_decode(&a, net, addr, why))
		return false;
	len = script_owner_key(key, a.script, a.script_len);
	return tag_store_for_owner(s, out, key, len, why);
}

bool tag_filter_match(const struct tag_filter *f, const struct tag *t)
{
	if (!f)
		return true;
	if (f->has_category && t->category != f->category)
		return false;
	if (f->label && !strcasestr(t->label, f->label))
		return false;
	if (f->source && !strcasestr(t->source, f->source))
		return false;
	return true;
}

bool tag_store_each(struct store *s, const struct tag_filter *f,
		    bool (*cb)(void *ctx, const struct tag *t), void *ctx,
		    const char **why)
{
	const uint8_t prefix[1] = { TAG_PREFIX };
	return scan(s, prefix, 1, f, cb, ctx, why);
}
