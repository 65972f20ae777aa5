/* Why two addresses are not in one cluster: the shortest chain of mixes
 * the build skipped (C j records) whose inputs would have joined the
 * cluster of a to the cluster of b. A breadth-first search over the
 * skipped mixes, two mixes adjacent when an input of each lies in one
 * cluster. */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

struct wn_pair {
	uint64_t root;
	uint32_t mix;
};

struct whynot {
	struct store *st;
	bool possible_merged;       /* the build merged possible mixes */
	uint64_t *txnum;            /* skipped mixes */
	struct coinjoin_result *verdict;
	size_t n_mix, cap_mix;
	struct wn_pair *by_mix, *by_root;   /* (root, mix), two orders */
	size_t n_pair, cap_pair;
	size_t *first;              /* by_mix offset of each mix, n_mix + 1 */
	bool oom;
};

static void wn_release(struct whynot *w)
{
	free(w->txnum);
	free(w->verdict);
	free(w->by_mix);
	free(w->by_root);
	free(w->first);
}

static bool grow(void **p, size_t *cap, size_t need, size_t size)
{
	if (need <= *cap)
		return true;
	size_t c = *cap ? 2 * *cap : 256;
	while (c < need)
		c *= 2;
	void *q = realloc(*p, c * size);
	if (!q)
		return false;
	*p = q;
	*cap = c;
	return true;
}

static bool collect(void *ctx, uint64_t txnum, const struct coinjoin_result *r)
{
	struct whynot *w = ctx;
	size_t cap = w->cap_mix;

	if (r->verdict == COINJOIN_POSSIBLE && w->possible_merged)
		return true;
	if (!grow((void **)&w->txnum, &cap, w->n_mix + 1, sizeof(*w->txnum)) ||
	    !grow((void **)&w->verdict, &w->cap_mix, w->n_mix + 1, sizeof(*w->verdict)))
		return !(w->oom = true);
	w->txnum[w->n_mix] = txnum;
	w->verdict[w->n_mix++] = *r;
	return true;
}

/* The clusters of mix m's inputs into by_mix. */
static bool mix_roots(struct whynot *w, uint32_t m, const char **why)
{
	struct idx_tx tx;
	bool found, ok = true;

	if (!idxq_tx(w->st, &tx, &found, w->txnum[m], why))
		return false;
	if (!found)
		return (*why = "a recorded CoinJoin is not in the index"), false;
	if (!grow((void **)&w->by_mix, &w->cap_pair, w->n_pair + tx.n_in, sizeof(*w->by_mix))) {
		*why = "out of memory";
		ok = false;
	}
	for (uint32_t i = 0; ok && i < tx.n_in; i++) {
		struct wn_pair *p = &w->by_mix[w->n_pair++];
		p->mix = m;
		ok = cluster_root(w->st, &p->root, tx.in[i].addr, why);
	}
	idx_tx_release(&tx);
	return ok;
}

static int cmp_root(const void *a, const void *b)
{
	const struct wn_pair *x = a, *y = b;

	if (x->root != y->root)
		return x->root < y->root ? -1 : 1;
	return (x->mix > y->mix) - (x->mix < y->mix);
}

static bool load(struct whynot *w, const char **why)
{
	struct cluster_meta m;
	bool found;

	if (!cluster_meta_read(w->st, &m, &found, why))
		return false;
	w->possible_merged = found && m.merge_possible;
	if (!cluster_mix_each(w->st, collect, w, why))
		return false;
	if (w->oom || !(w->first = malloc((w->n_mix + 1) * sizeof(*w->first))))
		return (*why = "out of memory"), false;
	for (uint32_t i = 0; i < w->n_mix; i++) {
		w->first[i] = w->n_pair;
		if (!mix_roots(w, i, why))
			return false;
	}
	w->first[w->n_mix] = w->n_pair;
	if (!(w->by_root = malloc((w->n_pair + 1) * sizeof(*w->by_root))))
		return (*why = "out of memory"), false;
	if (w->n_pair)
		memcpy(w->by_root, w->by_mix, w->n_pair * sizeof(*w->by_root));
	qsort(w->by_root, w->n_pair, sizeof(*w->by_root), cmp_root);
	return true;
}

/* First by_root index of root (n_pair when absent). */
static size_t root_at(const struct whynot *w, uint64_t root)
{
	size_t lo = 0, hi = w->n_pair;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (w->by_root[mid].root < root)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < w->n_pair && w->by_root[lo].root == root ? lo : w->n_pair;
}

struct wn_bfs {
	int64_t *parent;            /* per mix: previous mix, -1 start, -2 unseen */
	uint64_t *via;              /* per mix: the cluster it was reached by */
	uint32_t *queue;
	size_t head, tail;
	uint8_t *root_done;         /* per by_root index */
};

/* Enqueues the unseen mixes with an input in root, reached from mix from. */
static void visit_root(struct whynot *w, struct wn_bfs *b, uint64_t root, int64_t from)
{
	size_t i = root_at(w, root);

	if (i == w->n_pair || b->root_done[i])
		return;
	b->root_done[i] = 1;
	for (; i < w->n_pair && w->by_root[i].root == root; i++) {
		uint32_t m = w->by_root[i].mix;
		if (b->parent[m] != -2)
			continue;
		b->parent[m] = from;
		b->via[m] = root;
		b->queue[b->tail++] = m;
	}
}

/* The last mix of a shortest chain from ra to rb, or -1. */
static int64_t search(struct whynot *w, struct wn_bfs *b, uint64_t ra, uint64_t rb)
{
	for (size_t m = 0; m < w->n_mix; m++)
		b->parent[m] = -2;
	visit_root(w, b, ra, -1);
	while (b->head < b->tail) {
		uint32_t m = b->queue[b->head++];
		for (size_t i = w->first[m]; i < w->first[m + 1]; i++)
			if (w->by_mix[i].root == rb)
				return m;
		for (size_t i = w->first[m]; i < w->first[m + 1]; i++)
			visit_root(w, b, w->by_mix[i].root, m);
	}
	return -1;
}

static bool build_path(struct whynot *w, struct wn_bfs *b, int64_t last, uint64_t rb,
		       struct cluster_bridge **path, size_t *n)
{
	size_t len = 0;

	for (int64_t m = last; m >= 0; m = b->parent[m])
		len++;
	if (!(*path = calloc(len, sizeof(**path))))
		return false;
	*n = len;
	for (int64_t m = last; m >= 0; m = b->parent[m]) {
		struct cluster_bridge *e = &(*path)[--len];
		e->txnum = w->txnum[m];
		e->verdict = w->verdict[m];
		e->from = b->via[m];
		e->to = rb;
		rb = b->via[m];
	}
	return true;
}

static bool run_search(struct whynot *w, struct cluster_bridge **path, size_t *n,
		       uint64_t ra, uint64_t rb, const char **why)
{
	struct wn_bfs b = {
		malloc((w->n_mix + 1) * sizeof(int64_t)),
		malloc((w->n_mix + 1) * sizeof(uint64_t)),
		malloc((w->n_mix + 1) * sizeof(uint32_t)), 0, 0,
		calloc(w->n_pair + 1, 1),
	};
	bool ok = b.parent && b.via && b.queue && b.root_done;

	if (ok) {
		int64_t last = search(w, &b, ra, rb);
		ok = last < 0 || build_path(w, &b, last, rb, path, n);
	}
	if (!ok)
		*why = "out of memory";
	free(b.parent);
	free(b.via);
	free(b.queue);
	free(b.root_done);
	return ok;
}

bool cluster_why_not(struct store *st, struct cluster_bridge **path, size_t *n,
		     uint64_t a, uint64_t b, const char **why)
{
	struct whynot w;
	uint64_t ra, rb;
	bool ok;

	*path = NULL;
	*n = 0;
	memset(&w, 0, sizeof(w));
	w.st = st;
	if (!cluster_root(st, &ra, a, why) || !cluster_root(st, &rb, b, why))
		return false;
	if (ra == rb)
		return true;
	ok = load(&w, why) && run_search(&w, path, n, ra, rb, why);
	wn_release(&w);
	return ok;
}
