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

bool cluster_members(struct store *st, uint64_t root,
		     bool (*fn)(void *ctx, uint64_t addr), void *ctx,
		     const char **why)
{
	uint8_t pre[6];
	const uint8_t *k, *v;
	size_t kl, vl;

	if (!fn(ctx, root) || root > UINT32_MAX)
		return true;
	struct store_iter *it = store_iter_new(st, pre,
			cl_key(pre, CLUSTER_K_MEMBER, (uint32_t)root), NULL, 0);
	while (store_iter_next(it, &k, &kl, &v, &vl))
		if (kl == 10 && !fn(ctx, idx_rd32(k + 6)))
			break;
	const char *err = store_iter_error(it);
	store_iter_free(it);
	if (err)
		return (*why = err), false;
	return true;
}

/* Breadth-first search state: node i reached from parent[i] by edge i. */
struct bfs {
	uint32_t *node, *parent;
	struct cluster_step *edge;
	size_t n, cap;
	struct cl_map seen;         /* addr -> index + 1 */
};

static void bfs_release(struct bfs *b)
{
	free(b->node);
	free(b->parent);
	free(b->edge);
	cl_map_release(&b->seen);
}

static bool bfs_add(struct bfs *b, uint32_t addr, uint32_t parent,
		    const struct cluster_step *e)
{
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		uint32_t *n = realloc(b->node, cap * sizeof(*n));
		if (n)
			b->node = n;
		uint32_t *p = realloc(b->parent, cap * sizeof(*p));
		if (p)
			b->parent = p;
		struct cluster_step *s = realloc(b->edge, cap * sizeof(*s));
		if (s)
			b->edge = s;
		if (!n || !p || !s)
			return false;
		b->cap = cap;
	}
	b->node[b->n] = addr;
	b->parent[b->n] = parent;
	b->edge[b->n] = *e;
	b->n++;
	return cl_map_set(&b->seen, addr, (uint32_t)b->n);
}

static bool edge_decode(struct cluster_step *e, const uint8_t *v, size_t vl)
{
	struct cursor c;
	uint8_t h = 0, conf = 0;

	cursor_init(&c, v, vl);
	cursor_varint(&c, &e->txnum);
	cursor_u8(&c, &h);
	if (!cursor_u8(&c, &conf) || cursor_left(&c))
		return false;
	e->heuristic = (enum cluster_heuristic)h;
	e->confidence = conf;
	return true;
}

/* Expands node i; *hit set when target was reached. */
static bool bfs_expand(struct store *st, struct bfs *b, size_t i,
		       uint32_t target, bool *hit, const char **why)
{
	uint8_t pre[6];
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;
	struct store_iter *it = store_iter_new(st, pre,
			cl_key(pre, CLUSTER_K_EDGE, b->node[i]), NULL, 0);

	while (ok && !*hit && store_iter_next(it, &k, &kl, &v, &vl)) {
		struct cluster_step e;
		uint32_t to = idx_rd32(k + 6);
		if (kl != 10 || !edge_decode(&e, v, vl)) {
			*why = "cluster merge record is damaged";
			ok = false;
			break;
		}
		if (cl_map_get(&b->seen, to))
			continue;
		e.from = b->node[i];
		e.to = to;
		if (!bfs_add(b, to, (uint32_t)i, &e))
			ok = (*why = "out of memory", false);
		*hit = to == target;
	}
	if (ok && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	store_iter_free(it);
	return ok;
}

static bool path_out(struct bfs *b, struct cluster_step **steps, size_t *n,
		     const char **why)
{
	size_t len = 0, i = b->n - 1;
	for (size_t j = i; j != 0; j = b->parent[j])
		len++;
	*steps = malloc((len ? len : 1) * sizeof(**steps));
	if (!*steps)
		return (*why = "out of memory"), false;
	*n = len;
	for (size_t j = i; j != 0; j = b->parent[j])
		(*steps)[--len] = b->edge[j];
	return true;
}

bool cluster_why(struct store *st, struct cluster_step **steps, size_t *n,
		 bool *linked, uint64_t a, uint64_t b, size_t max_nodes,
		 const char **why)
{
	struct bfs q = { 0 };
	struct cluster_step none = { 0 };
	bool hit = a == b, ok = true;

	*steps = NULL;
	*n = 0;
	*linked = false;
	if (a > UINT32_MAX || b > UINT32_MAX)
		return true;
	if (!max_nodes)
		max_nodes = 50000000;
	if (!bfs_add(&q, (uint32_t)a, 0, &none))
		return (*why = "out of memory"), false;
	for (size_t i = 0; ok && !hit && i < q.n; i++) {
		if (q.n > max_nodes) {
			ok = (*why = "cluster too large to search (raise the node limit)", false);
			break;
		}
		ok = bfs_expand(st, &q, i, (uint32_t)b, &hit, why);
	}
	if (ok && hit) {
		*linked = true;
		ok = a == b || path_out(&q, steps, n, why);
	}
	bfs_release(&q);
	return ok;
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
