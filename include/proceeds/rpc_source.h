/* Following a node's best chain over JSON-RPC, block by block, for the
 * indexer: (height, hash, raw block) in order, fetched in batches, with
 * reorganisations detected rather than papered over.
 *
 * The source remembers the hash of the last block it yielded (or the one
 * given to rpc_source_seek). A block is yielded only if it builds on that
 * hash, and at the tip the node's hash at our height is compared with ours;
 * a mismatch is RPC_SOURCE_REORG: the caller finds the fork point with
 * rpc_source_find_fork, disconnects its blocks above it and seeks there.
 * A reorg that happens between two requests (a block hash changing under
 * us) shows up the same way, never as a silently wrong block. */
#ifndef PROCEEDS_RPC_SOURCE_H
#define PROCEEDS_RPC_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/network.h"
#include "proceeds/rpc.h"

struct rpc_source;

struct rpc_source_block {
	uint32_t height;
	struct hash256 hash;
	const uint8_t *raw;     /* borrowed until the next rpc_source_next,
	                         * rpc_source_seek or rpc_source_free */
	size_t len;
};

enum rpc_source_status {
	RPC_SOURCE_BLOCK,       /* *out is the next block */
	RPC_SOURCE_TIP,         /* no block after ours on the node (yet) */
	RPC_SOURCE_REORG,       /* the node's best chain no longer holds our tip */
	RPC_SOURCE_ERROR,       /* *why says what; the position is unchanged */
};

/* A source reading through client (borrowed until rpc_source_free),
 * asking for up to `batch` blocks per request (>= 1; halved automatically
 * when an answer would exceed the client's size cap). Positioned at
 * height 0. Caller frees with rpc_source_free. */
bool rpc_source_new(struct rpc_source **out, struct rpc_client *client,
		    unsigned batch, const char **why)
	__attribute__((warn_unused_result));
void rpc_source_free(struct rpc_source *s);

/* Checks that the node is on net (getblockchaininfo's chain and the
 * genesis hash) and fills *info. A pruned node is accepted; the caller
 * must not ask for heights below info->prune_height. */
bool rpc_source_check_network(struct rpc_source *s, struct rpc_chain_info *info,
			      enum network net, const char **why)
	__attribute__((warn_unused_result));

/* The next block to yield is at height next and must have prev as parent
 * (prev is NULL, and ignored, when next == 0). Drops prefetched blocks. */
void rpc_source_seek(struct rpc_source *s, uint32_t next,
		     const struct hash256 *prev);

/* Yields the next block of the node's best chain, or says why not. *why is
 * set for RPC_SOURCE_ERROR only; it is borrowed until the next call. */
enum rpc_source_status rpc_source_next(struct rpc_source *s,
				       struct rpc_source_block *out,
				       const char **why);

/* Our chain's hash at a height (<= the tip given to rpc_source_find_fork). */
typedef bool (*rpc_source_hash_fn)(void *ctx, struct hash256 *out,
				   uint32_t height, const char **why);

/* The highest height <= our_tip at which the node's best chain and ours
 * have the same block. False with *why on RPC errors, or when not even
 * the genesis block is shared (another network). */
bool rpc_source_find_fork(struct rpc_source *s, uint32_t *fork, uint32_t our_tip,
			  rpc_source_hash_fn our_hash, void *ctx, const char **why)
	__attribute__((warn_unused_result));

/* What rpc_follow needs from the index it feeds. Every callback returns
 * false with *why on failure, which ends rpc_follow with that reason. */
struct rpc_follow_ops {
	void *ctx;
	/* Our tip; *empty when we hold no block yet. */
	bool (*tip)(void *ctx, bool *empty, uint32_t *height,
		    struct hash256 *hash, const char **why);
	/* Our hash at a height <= our tip. */
	rpc_source_hash_fn hash_at;
	/* Connects b, which is at our tip height + 1 and builds on our tip. */
	bool (*connect)(void *ctx, const struct rpc_source_block *b,
			const char **why);
	/* Removes our tip block (durably: a crash after it returns keeps it
	 * removed). */
	bool (*disconnect_tip)(void *ctx, const char **why);
	/* Polled between blocks and while waiting; true = stop now. May be
	 * NULL. Read a flag set by a signal handler here. */
	bool (*stop)(void *ctx);
};

struct rpc_follow_stats {
	uint32_t connected;
	uint32_t disconnected;
	uint32_t reorgs;
};

/* Brings our chain to the node's best chain: from our tip (or, after a
 * crash mid-reorg, from wherever we are) it disconnects back to the fork
 * point whenever the node's chain no longer holds our tip, and connects
 * the node's blocks. Without follow it returns once at the node's tip;
 * with follow it then polls every poll_ms until ops->stop says so. A
 * node switching branches more than 100 times in a row without a block
 * connected is an error. Counts are added to *stats (zeroed by the
 * caller). */
bool rpc_follow(struct rpc_source *s, const struct rpc_follow_ops *ops,
		bool follow, long poll_ms, struct rpc_follow_stats *stats,
		const char **why) __attribute__((warn_unused_result));

/* Blocks and answer bytes fetched so far (for progress and benchmarks). */
uint64_t rpc_source_blocks_fetched(const struct rpc_source *s);

#endif
