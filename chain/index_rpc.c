/* Indexing from a node (see index_rpc.h): rpc_follow's callbacks mapped
 * onto the chain index. */
#include "proceeds/index_rpc.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/rpc_source.h"
#include "proceeds/tx.h"

#include <stdio.h>
#include <string.h>

#define DEFAULT_BATCH 16
#define DEFAULT_POLL_MS 5000
#define DEFAULT_MAX_REORG 100

struct glue {
	struct index *idx;
	const struct index_rpc_options *o;
	struct index_rpc_stats *st;
	struct block b;
	bool has_tip;
	uint32_t tip_height;    /* our tip at the last tip() call */
	bool stop_reached;      /* a block above o->stop_height was offered */
	char *err;              /* err_buf: outlives the run, for *why */
};

#define ERR_LEN 640
static _Thread_local char err_buf[ERR_LEN];

void index_rpc_options_init(struct index_rpc_options *o)
{
	memset(o, 0, sizeof(*o));
	o->batch = DEFAULT_BATCH;
	o->poll_ms = DEFAULT_POLL_MS;
	o->max_reorg = DEFAULT_MAX_REORG;
}

bool index_rpc_detect_network(struct rpc_client *c, enum network *net,
			      const char **why)
{
	static char msg[80];
	struct rpc_chain_info info;

	if (!rpc_getblockchaininfo(c, &info, why))
		return false;
	if (!strcmp(info.chain, "test")) /* Core's name for testnet3 */
		return (*net = NETWORK_TESTNET), true;
	if (network_from_name(net, info.chain))
		return true;
	snprintf(msg, sizeof(msg), "node is on an unknown chain \"%.16s\"", info.chain);
	return (*why = msg), false;
}

static bool g_tip(void *ctx, bool *empty, uint32_t *height, struct hash256 *hash,
		  const char **why)
{
	struct glue *g = ctx;
	struct idx_tip t;

	/* Pending (connected, uncommitted) blocks count: they are ours. */
	g->has_tip = index_tip(g->idx, &t);
	*empty = !g->has_tip;
	if (g->has_tip) {
		*height = g->tip_height = t.height;
		*hash = t.hash;
	}
	return true;
}

/* Our hash at height, for the fork search, which goes down from our tip:
 * past max_reorg blocks below it we refuse, as `index --blocks` does. */
static bool g_hash_at(void *ctx, struct hash256 *out, uint32_t height,
		      const char **why)
{
	struct glue *g = ctx;
	struct idx_tip c;
	struct idx_block blk;
	bool found;

	if (g->has_tip && g->tip_height - height > g->o->max_reorg) {
		snprintf(g->err, ERR_LEN, "the node's best chain does not contain "
			 "the index's last %u blocks (tip %u): another node, or a reorg "
			 "deeper than --max-reorg %u? refusing to disconnect them",
			 g->tip_height - height, g->tip_height, g->o->max_reorg);
		return (*why = g->err), false;
	}
	/* Blocks above the committed tip are still in the write buffer. */
	if ((!index_committed_tip(g->idx, &c) || height > c.height) &&
	    !index_flush(g->idx, true, why))
		return false;
	if (!idxq_block_at(index_store(g->idx), &blk, &found, height, why))
		return false;
	if (!found) {
		snprintf(g->err, ERR_LEN, "index has no block record at height %u "
			 "below its tip: damaged index (run index --verify)", height);
		return (*why = g->err), false;
	}
	*out = blk.hash;
	return true;
}

static bool fail_block(struct glue *g, const struct rpc_source_block *b,
		       const char *what, const char **why)
{
	char hex[65];
	hash256_to_hex(hex, &b->hash);
	snprintf(g->err, ERR_LEN, "block %u (%s) from the node: %s",
		 b->height, hex, what);
	*why = g->err;
	return false;
}

static bool g_connect(void *ctx, const struct rpc_source_block *b, const char **why)
{
	struct glue *g = ctx;
	const char *w = NULL;

	if (g->o->has_stop_height && b->height > g->o->stop_height) {
		g->stop_reached = true;
		return (*why = "stop height reached"), false;
	}
	if (!block_parse(&g->b, b->raw, b->len, &w) || !block_check_merkle(&g->b, &w))
		return fail_block(g, b, w, why);
	if (!hash256_eq(&g->b.hash, &b->hash))
		return fail_block(g, b, "its header hashes to another block", why);
	if (!index_connect_block(g->idx, &g->b, b->height, &w))
		return fail_block(g, b, w, why);
	g->st->connected++;
	g->st->txs += g->b.n_tx;
	if (g->o->progress)
		g->o->progress(g->o->ctx, b->height, g->st);
	return true;
}

static bool g_disconnect(void *ctx, const char **why)
{
	struct glue *g = ctx;
	struct idx_tip t;

	if (!index_disconnect_tip(g->idx, why))
		return false;
	g->st->disconnected++;
	if (g->o->progress)
		g->o->progress(g->o->ctx, index_tip(g->idx, &t) ? t.height : 0, g->st);
	return true;
}

static bool g_stop(void *ctx)
{
	struct glue *g = ctx;
	return g->o->stop && g->o->stop(g->o->ctx);
}

/* At the node's tip: commit, so that a follower is durable there. */
static bool g_idle(void *ctx, const char **why)
{
	struct glue *g = ctx;
	return index_flush(g->idx, true, why);
}

/* The node's chain and, if it is pruned, that it still has our next block. */
static bool check_node(struct glue *g, struct rpc_source *src, const char **why)
{
	struct rpc_chain_info info;
	struct idx_tip t;
	uint32_t next = index_tip(g->idx, &t) ? t.height + 1 : 0;

	if (!rpc_source_check_network(src, &info, index_network(g->idx), why))
		return false;
	g->st->node_height = info.blocks;
	if (info.pruned && next < info.prune_height && next <= info.blocks) {
		snprintf(g->err, ERR_LEN, "node is pruned: it has no blocks below "
			 "height %u and the index needs height %u (index from an unpruned "
			 "node or from blk files)", info.prune_height, next);
		return (*why = g->err), false;
	}
	return true;
}

static void fill_defaults(struct index_rpc_options *o)
{
	if (o->batch == 0)
		o->batch = DEFAULT_BATCH;
	if (o->poll_ms <= 0)
		o->poll_ms = DEFAULT_POLL_MS;
	if (o->max_reorg == 0)
		o->max_reorg = DEFAULT_MAX_REORG;
}

bool index_rpc_run(struct index *idx, struct rpc_client *c,
		   const struct index_rpc_options *opt, struct index_rpc_stats *st,
		   const char **why)
{
	struct index_rpc_options o = *opt;
	struct glue g = { .idx = idx, .o = &o, .st = st, .err = err_buf };
	struct rpc_follow_ops ops = { &g, g_tip, g_hash_at, g_connect, g_disconnect,
				      g_stop, g_idle };
	struct rpc_follow_stats fs = { 0 };
	struct rpc_source *src = NULL;
	const char *w2;

	fill_defaults(&o);
	block_init(&g.b);
	bool ok = rpc_source_new(&src, c, o.batch, why) && check_node(&g, src, why) &&
		  rpc_follow(src, &ops, o.follow, o.poll_ms, &fs, why);
	if (!ok && g.stop_reached)
		ok = true;
	st->reorgs += fs.reorgs;
	/* Keep what was connected before a failure: the last good tip. */
	bool flushed = index_flush(idx, true, ok ? why : &w2);
	if (flushed)
		index_settle(idx);
	/* The source's messages die with it. */
	if (!ok && *why != err_buf) {
		snprintf(err_buf, ERR_LEN, "%s", *why);
		*why = err_buf;
	}
	rpc_source_free(src);
	block_release(&g.b);
	return ok && flushed;
}
