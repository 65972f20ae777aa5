/* Why two addresses are in one cluster: the path between them over the
 * recorded merges. Merges are stored once, under the address every other
 * input of the tx was joined to (C e a txnum h), so the path is found in
 * memory: the cluster's members (its segments), each member's records,
 * then a breadth-first search over that spanning tree. */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/cursor.h"

#include <stdlib.h>
#include <string.h>

/* The cluster's merges and an adjacency (CSR) over its members. */
struct why_graph {
	uint32_t *node;             /* local index -> address id */
	size_t n_node;
	struct cl_map local;        /* address id -> local index + 1 */
	struct cluster_step *edge;
	size_t n_edge, cap_edge;
	size_t *off;                /* adjacency of node i: adj[off[i]..off[i+1]) */
	uint32_t *adj;              /* edge indexes */
};

static void graph_release(struct why_graph *g)
{
	free(g->node);
	cl_map_release(&g->local);
	free(g->edge);
	free(g->off);
	free(g->adj);
}

static bool edge_push(struct why_graph *g, const struct cluster_step *e)
{
	if (g->n_edge == g->cap_edge) {
		size_t c = g->cap_edge ? 2 * g->cap_edge : 64;
		struct cluster_step *p = realloc(g->edge, c * sizeof(*p));
		if (!p)
			return false;
		g->edge = p;
		g->cap_edge = c;
	}
	g->edge[g->n_edge++] = *e;
	return true;
}

/* Adds the merges recorded under a (one record per tx and heuristic). */
static bool edges_of(struct store *st, struct why_graph *g, uint32_t a,
		     const char **why)
{
	uint8_t pre[6];
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;
	struct store_iter *it = store_iter_new(st, pre,
			cl_key(pre, CLUSTER_K_EDGE, a), NULL, 0);

	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		struct cursor c;
		uint64_t conf = 0, n = 0, b = 0;
		struct cluster_step e = { .from = a, .txnum = idx_rd64(k + 6),
					  .heuristic = (enum cluster_heuristic)k[14] };
		cursor_init(&c, v, vl);
		ok = kl == CL_EDGE_KEY_LEN && cursor_varint(&c, &conf) &&
		     cursor_varint(&c, &n) && conf <= 100 && n <= vl;
		e.confidence = (unsigned)conf;
		for (uint64_t i = 0; ok && i < n; i++) {
			ok = cursor_varint(&c, &b) && b <= UINT32_MAX;
			e.to = b;
			ok = ok && edge_push(g, &e);
		}
		if (ok && cursor_left(&c))
			ok = false;
		if (!ok)
			*why = "cluster merge record is damaged or memory ran out";
	}
	if (ok && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	store_iter_free(it);
	return ok;
}

/* Local index of an address id, or SIZE_MAX when not a member. */
static size_t local_of(const struct why_graph *g, uint64_t id)
{
	uint32_t l = id <= UINT32_MAX ? cl_map_get(&g->local, (uint32_t)id) : 0;
	return l ? l - 1 : SIZE_MAX;
}

static bool build_adjacency(struct why_graph *g, const char **why)
{
	g->off = calloc(g->n_node + 1, sizeof(*g->off));
	g->adj = malloc((2 * g->n_edge + 1) * sizeof(*g->adj));
	if (!g->off || !g->adj)
		return (*why = "out of memory"), false;
	for (size_t i = 0; i < g->n_edge; i++) {
		size_t x = local_of(g, g->edge[i].from), y = local_of(g, g->edge[i].to);
		if (x == SIZE_MAX || y == SIZE_MAX)
			return (*why = "cluster merge record names an address outside "
				       "the cluster (run cluster build --rebuild)"), false;
		g->off[x + 1]++;
		g->off[y + 1]++;
	}
	for (size_t i = 0; i < g->n_node; i++)
		g->off[i + 1] += g->off[i];
	size_t *fill = malloc((g->n_node + 1) * sizeof(*fill));
	if (!fill)
		return (*why = "out of memory"), false;
	memcpy(fill, g->off, (g->n_node + 1) * sizeof(*fill));
	for (size_t i = 0; i < g->n_edge; i++) {
		g->adj[fill[local_of(g, g->edge[i].from)]++] = (uint32_t)i;
		g->adj[fill[local_of(g, g->edge[i].to)]++] = (uint32_t)i;
	}
	free(fill);
	return true;
}

/* Members (root first), their merges and the adjacency. */
static bool graph_load(struct store *st, struct why_graph *g, uint32_t root,
		       size_t max_nodes, const char **why)
{
	uint32_t *ids;
	size_t n;

	if (!cl_members_load(st, &ids, &n, root, why))
		return false;
	if (n + 1 > max_nodes) {
		free(ids);
		return (*why = "cluster too large to search (raise the node limit)"), false;
	}
	g->node = malloc((n + 1) * sizeof(*g->node));
	if (!g->node) {
		free(ids);
		return (*why = "out of memory"), false;
	}
	g->node[0] = root;
	if (n)
		memcpy(g->node + 1, ids, n * sizeof(*ids));
	free(ids);
	g->n_node = n + 1;
	for (size_t i = 0; i < g->n_node; i++)
		if (!cl_map_set(&g->local, g->node[i], (uint32_t)i + 1))
			return (*why = "out of memory"), false;
	for (size_t i = 0; i < g->n_node; i++)
		if (!edges_of(st, g, g->node[i], why))
			return false;
	return build_adjacency(g, why);
}

/* Breadth-first from local node a; prev[i] = edge that reached i + 1. */
static bool bfs(const struct why_graph *g, uint32_t *prev, size_t a, size_t b,
		const char **why)
{
	size_t *queue = malloc(g->n_node * sizeof(*queue)), head = 0, tail = 0;

	if (!queue)
		return (*why = "out of memory"), false;
	queue[tail++] = a;
	prev[a] = UINT32_MAX;
	while (head < tail && !prev[b]) {
		size_t x = queue[head++];
		for (size_t j = g->off[x]; j < g->off[x + 1]; j++) {
			const struct cluster_step *e = &g->edge[g->adj[j]];
			size_t y = local_of(g, e->from) == x ? local_of(g, e->to)
							     : local_of(g, e->from);
			if (!prev[y]) {
				prev[y] = g->adj[j] + 1;
				queue[tail++] = y;
			}
		}
	}
	free(queue);
	return true;
}

/* The steps from a to b, each oriented along the path. */
static bool path_out(const struct why_graph *g, const uint32_t *prev,
		     size_t a, size_t b, struct cluster_step **steps,
		     size_t *n, const char **why)
{
	size_t len = 0;

	for (size_t x = b; x != a; len++) {
		const struct cluster_step *e = &g->edge[prev[x] - 1];
		x = local_of(g, e->from) == x ? local_of(g, e->to) : local_of(g, e->from);
	}
	*steps = malloc((len ? len : 1) * sizeof(**steps));
	if (!*steps)
		return (*why = "out of memory"), false;
	*n = len;
	for (size_t x = b; x != a;) {
		struct cluster_step e = g->edge[prev[x] - 1];
		size_t from = local_of(g, e.from) == x ? local_of(g, e.to) : local_of(g, e.from);
		e.from = g->node[from];
		e.to = g->node[x];
		(*steps)[--len] = e;
		x = from;
	}
	return true;
}

static bool search(struct store *st, struct cluster_step **steps, size_t *n,
		   bool *linked, uint32_t root, uint64_t a, uint64_t b,
		   size_t max_nodes, const char **why)
{
	struct why_graph g = { 0 };
	uint32_t *prev = NULL;
	bool ok = graph_load(st, &g, root, max_nodes, why);
	size_t la = local_of(&g, a), lb = local_of(&g, b);

	if (ok && (la == SIZE_MAX || lb == SIZE_MAX))
		ok = (*why = "cluster member records disagree with the roots "
			     "(run cluster build --rebuild)", false);
	if (ok && !(prev = calloc(g.n_node, sizeof(*prev))))
		ok = (*why = "out of memory", false);
	ok = ok && bfs(&g, prev, la, lb, why);
	if (ok && !prev[lb])
		ok = (*why = "cluster merge records do not link two members "
			     "(run cluster build --rebuild)", false);
	ok = ok && path_out(&g, prev, la, lb, steps, n, why);
	*linked = ok;
	free(prev);
	graph_release(&g);
	return ok;
}

bool cluster_why(struct store *st, struct cluster_step **steps, size_t *n,
		 bool *linked, uint64_t a, uint64_t b, size_t max_nodes,
		 const char **why)
{
	uint64_t ra, rb;
	bool ca, cb;

	*steps = NULL;
	*n = 0;
	*linked = false;
	if (a == b)
		return (*linked = true);
	if (a > UINT32_MAX || b > UINT32_MAX)
		return true;
	if (!max_nodes)
		max_nodes = 50000000;
	if (!cl_root_lookup(st, &ra, &ca, a, why) || !cl_root_lookup(st, &rb, &cb, b, why))
		return false;
	if (!ca || !cb || ra != rb)
		return true;
	return search(st, steps, n, linked, (uint32_t)ra, a, b, max_nodes, why);
}
