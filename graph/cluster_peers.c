/* Activity of a cluster: size, first and last heights, value received,
 * and the value exchanged with every other cluster, read from the
 * members' histories within a limit. */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_HISTORY 1000000u

/* The last root chunk read, so that neighbours cost no second read. */
struct root_cache {
	uint32_t chunk;
	bool valid;
	uint64_t roots[CLUSTER_CHUNK_IDS];
	bool covered[CLUSTER_CHUNK_IDS];
};

static bool root_of(struct store *st, struct root_cache *c, uint64_t *root,
		    uint64_t addr, const char **why)
{
	uint32_t chunk = (uint32_t)(addr >> CLUSTER_CHUNK_SHIFT);
	size_t i = addr & (CLUSTER_CHUNK_IDS - 1);
	bool cov;

	if (c->valid && c->chunk == chunk && c->covered[i]) {
		*root = c->roots[i];
		return true;
	}
	if (!cl_root_lookup(st, root, &cov, addr, why))
		return false;
	if (!c->valid || c->chunk != chunk) {
		memset(c->covered, 0, sizeof(c->covered));
		c->chunk = chunk;
		c->valid = true;
	}
	c->roots[i] = *root;
	c->covered[i] = true;
	return true;
}

struct peers_ctx {
	struct store *st;
	uint64_t root, limit;
	struct cluster_summary *sum;
	struct cluster_peer *peers;
	size_t n_peers, cap;
	struct cl_map index;        /* peer root -> index + 1 */
	uint64_t *spends;
	size_t n_spends, spends_cap;
	struct root_cache *rc;
	const char *why;
	bool failed;
};

static struct cluster_peer *peer(struct peers_ctx *c, uint64_t root)
{
	uint32_t i = cl_map_get(&c->index, (uint32_t)root);
	if (i)
		return &c->peers[i - 1];
	if (c->n_peers == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct cluster_peer *p = realloc(c->peers, cap * sizeof(*p));
		if (!p)
			return NULL;
		c->peers = p;
		c->cap = cap;
	}
	if (!cl_map_set(&c->index, (uint32_t)root, (uint32_t)c->n_peers + 1))
		return NULL;
	struct cluster_peer *p = &c->peers[c->n_peers++];
	memset(p, 0, sizeof(*p));
	p->root = root;
	return p;
}

static bool fail(struct peers_ctx *c, const char *why)
{
	c->why = why;
	c->failed = true;
	return false;
}

static bool push_spend(struct peers_ctx *c, uint64_t txnum)
{
	if (c->n_spends == c->spends_cap) {
		size_t cap = c->spends_cap ? c->spends_cap * 2 : 256;
		uint64_t *p = realloc(c->spends, cap * sizeof(*p));
		if (!p)
			return false;
		c->spends = p;
		c->spends_cap = cap;
	}
	c->spends[c->n_spends++] = txnum;
	return true;
}

/* The sender of a funding: the cluster of the funding tx's first input. */
static bool credit_sender(struct peers_ctx *c, const struct idxq_hist *h)
{
	struct idx_tx tx;
	bool found;
	uint64_t r;

	if (!idxq_tx(c->st, &tx, &found, h->txnum, &c->why))
		return fail(c, c->why);
	bool ok = true;
	if (found && !tx.coinbase && tx.n_in > 0) {
		ok = root_of(c->st, c->rc, &r, tx.in[0].addr, &c->why);
		struct cluster_peer *p = ok && r != c->root ? peer(c, r) : NULL;
		if (ok && r != c->root && (!p || !amount_add(&p->in, p->in, amount_sat(h->value))))
			ok = (c->why = "out of memory or value overflow", false);
	}
	idx_tx_release(&tx);
	return ok || fail(c, c->why);
}

static bool on_hist(void *vctx, const struct idxq_hist *h)
{
	struct peers_ctx *c = vctx;
	struct cluster_summary *s = c->sum;

	if (s->history_read >= c->limit) {
		s->truncated = true;
		return false;
	}
	s->history_read++;
	s->n_funded++;
	if (!amount_add(&s->received, s->received, amount_sat(h->value)))
		return fail(c, "value overflow");
	if (!s->active || h->height < s->first_height)
		s->first_height = h->height;
	if (h->height > s->last_height)
		s->last_height = h->height;
	s->active = true;
	if (h->spent) {
		s->n_spent++;
		if (h->spend.height > s->last_height)
			s->last_height = h->spend.height;
		if (!push_spend(c, h->spend.txnum))
			return fail(c, "out of memory");
	}
	return credit_sender(c, h);
}

static bool on_member(void *vctx, uint64_t addr)
{
	struct peers_ctx *c = vctx;
	c->sum->size++;
	if (c->sum->truncated)
		return true;
	if (!idxq_history(c->st, addr, on_hist, c, &c->why) || c->failed)
		return fail(c, c->why ? c->why : "history read failed");
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Outputs of each spending tx (once per tx) to other clusters. */
static bool debit_spends(struct peers_ctx *c)
{
	if (c->n_spends)
		qsort(c->spends, c->n_spends, sizeof(*c->spends), cmp_u64);
	for (size_t i = 0; i < c->n_spends; i++) {
		struct idx_tx tx;
		bool found, ok = true;
		if (i && c->spends[i] == c->spends[i - 1])
			continue;
		if (!idxq_tx(c->st, &tx, &found, c->spends[i], &c->why))
			return fail(c, c->why);
		for (uint32_t o = 0; ok && found && o < tx.n_out; o++) {
			uint64_t r;
			ok = root_of(c->st, c->rc, &r, tx.out[o].addr, &c->why);
			if (!ok || r == c->root)
				continue;
			struct cluster_peer *p = peer(c, r);
			if (!p || !amount_add(&p->out, p->out, amount_sat(tx.out[o].value)))
				ok = (c->why = "out of memory or value overflow", false);
		}
		idx_tx_release(&tx);
		if (!ok)
			return fail(c, c->why);
	}
	return true;
}

static bool collect(struct peers_ctx *c, struct store *st,
		    struct cluster_summary *s, uint64_t root, uint64_t limit,
		    const char **why)
{
	memset(c, 0, sizeof(*c));
	memset(s, 0, sizeof(*s));
	c->st = st;
	c->root = s->root = root;
	c->limit = limit ? limit : DEFAULT_HISTORY;
	c->sum = s;
	if (!(c->rc = calloc(1, sizeof(*c->rc))))
		return (*why = "out of memory"), false;
	if (!cluster_members(st, root, on_member, c, why) || c->failed ||
	    !debit_spends(c)) {
		if (c->failed)
			*why = c->why;
		return false;
	}
	s->n_peers = c->n_peers;
	return true;
}

static void collect_release(struct peers_ctx *c)
{
	free(c->spends);
	free(c->rc);
	cl_map_release(&c->index);
}

static uint64_t total(const struct cluster_peer *p)
{
	return p->in.sat + p->out.sat;
}

static int cmp_peer(const void *a, const void *b)
{
	const struct cluster_peer *x = a, *y = b;
	if (total(x) != total(y))
		return total(x) > total(y) ? -1 : 1;
	return (x->root > y->root) - (x->root < y->root);
}

bool cluster_summarise(struct store *st, struct cluster_summary *out,
		       uint64_t root, uint64_t max_history, const char **why)
{
	struct peers_ctx c;
	bool ok = collect(&c, st, out, root, max_history, why);

	if (ok && c.n_peers) {
		qsort(c.peers, c.n_peers, sizeof(*c.peers), cmp_peer);
		out->n_top = c.n_peers < CLUSTER_TOP_PEERS ? c.n_peers : CLUSTER_TOP_PEERS;
		memcpy(out->top, c.peers, out->n_top * sizeof(*c.peers));
	}
	free(c.peers);
	collect_release(&c);
	return ok;
}

bool cluster_peers(struct store *st, struct cluster_peer **peers, size_t *n,
		   bool *truncated, uint64_t root, uint64_t max_history,
		   const char **why)
{
	struct peers_ctx c;
	struct cluster_summary *s = malloc(sizeof(*s));
	bool ok = s && collect(&c, st, s, root, max_history, why);

	*peers = NULL;
	*n = 0;
	if (!s)
		return (*why = "out of memory"), false;
	*truncated = s->truncated;
	if (ok) {
		*peers = c.peers;
		*n = c.n_peers;
	} else {
		free(c.peers);
	}
	collect_release(&c);
	free(s);
	return ok;
}
