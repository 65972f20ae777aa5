/* Indexing from a node over JSON-RPC: the glue between the block stream
 * (rpc_source.h, rpc_follow) and the chain index (index.h, index_undo.h).
 * `proceeds index --rpc` is this module plus option parsing; the tests and
 * the benchmark call the same function.
 *
 * Blocks are parsed, their merkle root checked, and connected at our tip
 * height + 1. When the node's best chain no longer holds our tip, blocks
 * are disconnected (each in one synced write, from the undo data kept in
 * the tx records) back to the fork point and the node's branch is
 * connected, so the index ends equal to a fresh index of the node's chain.
 * A run stopped or killed anywhere (even mid-reorg) resumes from the
 * committed tip and reaches the same index. */
#ifndef PROCEEDS_INDEX_RPC_H
#define PROCEEDS_INDEX_RPC_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/rpc.h"

struct index;

struct index_rpc_stats {
	uint32_t connected;     /* blocks connected */
	uint32_t disconnected;  /* blocks disconnected by reorgs */
	uint32_t reorgs;
	uint64_t txs;           /* txs in the blocks connected */
	uint32_t node_height;   /* the node's tip when the run started */
};

struct index_rpc_options {
	unsigned batch;         /* blocks per request; 0 = 16 */
	bool follow;            /* keep polling at the tip until stop says so */
	long poll_ms;           /* wait between polls at the tip; 0 = 5000 */
	uint32_t max_reorg;     /* refuse to disconnect more; 0 = 100 */
	bool has_stop_height;   /* connect no block above stop_height */
	uint32_t stop_height;
	/* Polled between blocks and while waiting (may be NULL): true = stop
	 * at this block boundary. Read a flag set by a signal handler here. */
	bool (*stop)(void *ctx);
	/* Called after each block connected or disconnected (may be NULL). */
	void (*progress)(void *ctx, uint32_t height, const struct index_rpc_stats *st);
	void *ctx;              /* passed to stop and progress */
};

/* Fills o with the defaults above (no callbacks). */
void index_rpc_options_init(struct index_rpc_options *o);

/* The network the node is on, from getblockchaininfo's chain name. */
bool index_rpc_detect_network(struct rpc_client *c, enum network *net,
			      const char **why) __attribute__((warn_unused_result));

/* Brings idx (open for writing; borrowed) to the best chain of the node
 * behind c (borrowed): checks the node is on idx's network (name and
 * genesis hash) and, if pruned, still has the blocks we need; then
 * connects, disconnecting on reorgs; with o->follow it keeps polling until
 * o->stop. Commits (synced) before returning, on failure too, so the index
 * is at its last good block. Counts are added to *st (zeroed by the
 * caller). On failure *why is one line, borrowed until the next call, that
 * names the height and never holds the credentials. */
bool index_rpc_run(struct index *idx, struct rpc_client *c,
		   const struct index_rpc_options *o, struct index_rpc_stats *st,
		   const char **why) __attribute__((warn_unused_result));

#endif
