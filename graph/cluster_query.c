/* Members of a cluster, the merge path between two addresses (breadth-first
 * over the recorded spanning forest), and the stored refusals. */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/address.h"
#include "proceeds/cursor.h"
#include "proceeds/hex.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return (x > y) - (x < y);
}

/* Appends the ids of one member segment (C k root first -> VARINT n,
 * n - 1 VARINT deltas) to *ids. */
static bool segment_decode(uint32_t **ids, size_t *n, size_t *cap,
			   const uint8_t *k, const uint8_t *v, size_t vl)
{
	struct cursor c;
	uint64_t cnt = 0, id = idx_rd32(k + 6), d;

	cursor_init(&c, v, vl);
	if (!cursor_varint(&c, &cnt) || cnt == 0 || cnt > vl + 1)
		return false;
	if (*n + cnt > *cap) {
		size_t nc = (*n + cnt) * 2;
		uint32_t *p = realloc(*ids, nc * sizeof(*p));
		if (!p)
			return false;
		*ids = p;
		*cap = nc;
	}
	(*ids)[(*n)++] = (uint32_t)id;
	for (uint64_t i = 1; i < cnt; i++) {
		if (!cursor_varint(&c, &d) || d == 0 || id + d > UINT32_MAX)
			return false;
		id += d;
		(*ids)[(*n)++] = (uint32_t)id;
	}
	return cursor_left(&c) == 0;
}

bool cl_members_load(struct store *st, uint32_t **ids, size_t *n,
		     uint32_t root, const char **why)
{
	uint8_t pre[6];
	const uint8_t *k, *v;
	size_t kl, vl, cap = 0;
	bool ok = true;
	struct store_iter *it = store_iter_new(st, pre,
			cl_key(pre, CLUSTER_K_MEMBER, root), NULL, 0);

	*ids = NULL;
	*n = 0;
	while (ok && store_iter_next(it, &k, &kl, &v, &vl))
		if (kl != 10 || !segment_decode(ids, n, &cap, k, v, vl))
			ok = (*why = "cluster member record is damaged or memory ran out", false);
	if (ok && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	store_iter_free(it);
	if (ok && *n > 1)
		qsort(*ids, *n, sizeof(**ids), cmp_u32);
	if (!ok) {
		free(*ids);
		*ids = NULL;
		*n = 0;
	}
	return ok;
}

bool cluster_members(struct store *st, uint64_t root,
		     bool (*fn)(void *ctx, uint64_t addr), void *ctx,
		     const char **why)
{
	uint32_t *ids;
	size_t n;

	if (!fn(ctx, root) || root > UINT32_MAX)
		return true;
	if (!cl_members_load(st, &ids, &n, (uint32_t)root, why))
		return false;
	for (size_t i = 0; i < n && fn(ctx, ids[i]); i++)
		;
	free(ids);
	return true;
}

static bool get_str(struct cursor *c, char out[TAG_FIELD_MAX + 1])
{
	uint64_t n = 0;
	if (!cursor_varint(c, &n) || n > TAG_FIELD_MAX || !cursor_bytes(c, out, (size_t)n))
		return false;
	out[n] = 0;
	return true;
}

static bool refusal_decode(struct cluster_refusal *r, const uint8_t *v, size_t vl)
{
	struct cursor c;
	uint64_t h = 0;
	uint8_t a[4], b[4];

	cursor_init(&c, v, vl);
	cursor_varint(&c, &r->txnum);
	cursor_bytes(&c, r->txid.b, 32);
	cursor_varint(&c, &h);
	cursor_bytes(&c, a, 4);
	cursor_bytes(&c, b, 4);
	if (!get_str(&c, r->label_a) || !get_str(&c, r->label_b) || cursor_left(&c))
		return false;
	r->heuristic = (enum cluster_heuristic)h;
	r->a = idx_rd32(a);
	r->b = idx_rd32(b);
	return true;
}

bool cluster_refused_each(struct store *st,
			  bool (*fn)(void *ctx, const struct cluster_refusal *r),
			  void *ctx, const char **why)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_REFUSED };
	struct store_iter *it = store_iter_new(st, pre, 2, NULL, 0);
	struct cluster_refusal *r = malloc(sizeof(*r));
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = r != NULL;

	if (!ok)
		*why = "out of memory";
	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		if (!refusal_decode(r, v, vl)) {
			ok = (*why = "cluster refusal record is damaged", false);
			break;
		}
		if (!fn(ctx, r))
			break;
	}
	if (ok && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	store_iter_free(it);
	free(r);
	return ok;
}

bool cluster_resolve(struct store *st, uint64_t *id, bool *found,
		     enum network net, const char *arg, const char **why)
{
	struct address a;
	uint8_t key[SCRIPT_KEY_MAX];
	size_t i;

	*found = false;
	for (i = 0; arg[i] >= '0' && arg[i] <= '9'; i++)
		;
	if (i > 0 && arg[i] == 0 && i < 20) {
		struct cluster_meta m;
		*id = strtoull(arg, NULL, 10);
		if (!cluster_meta_read(st, &m, found, why))
			return false;
		*found = *found && *id < m.n_addr;
		return true;
	}
	if (!address_decode(&a, net, arg, why))
		return false;
	size_t kl = script_owner_key(key, a.script, a.script_len);
	return idxq_addr_id(st, id, found, key, kl, why);
}

bool cluster_addr_string(struct store *st, char out[CLUSTER_ADDR_MAX],
			 enum network net, uint64_t id, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	out[0] = 0;
	if (!idxq_addr_key(st, key, &kl, &found, id, why))
		return false;
	if (!found)
		return (*why = "address id not in the index"), false;
	if (address_from_owner_key(out, net, key, kl))
		return true;
	memcpy(out, "script:", 7);
	hex_encode(out + 7, key, kl);
	return true;
}
