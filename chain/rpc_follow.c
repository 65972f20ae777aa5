/* Keeping an index equal to a node's best chain: connect, and on a reorg
 * disconnect back to the fork point first. The index is reached only
 * through struct rpc_follow_ops, so chain/ stays below the indexer. */
#include "proceeds/rpc_source.h"

#include <errno.h>
#include <time.h>

#define MAX_REORGS_IN_A_ROW 100
#define SLEEP_SLICE_MS 100

/* Positions s just above our tip. */
static bool seek_to_tip(struct rpc_source *s, const struct rpc_follow_ops *ops,
			const char **why)
{
	struct hash256 hash;
	uint32_t height;
	bool empty;
	if (!ops->tip(ops->ctx, &empty, &height, &hash, why))
		return false;
	if (empty)
		rpc_source_seek(s, 0, NULL);
	else
		rpc_source_seek(s, height + 1, &hash);
	return true;
}

/* Disconnects our blocks above the fork with the node, then seeks there. */
static bool unwind(struct rpc_source *s, const struct rpc_follow_ops *ops,
		   struct rpc_follow_stats *stats, const char **why)
{
	struct hash256 hash;
	uint32_t height, fork;
	bool empty;
	if (!ops->tip(ops->ctx, &empty, &height, &hash, why))
		return false;
	if (empty) {
		rpc_source_seek(s, 0, NULL);
		return true;
	}
	if (!rpc_source_find_fork(s, &fork, height, ops->hash_at, ops->ctx, why))
		return false;
	for (; height > fork; height--) {
		if (ops->stop && ops->stop(ops->ctx))
			break; /* resumable: the next run unwinds the rest */
		if (!ops->disconnect_tip(ops->ctx, why))
			return false;
		stats->disconnected++;
	}
	stats->reorgs++;
	return seek_to_tip(s, ops, why);
}

/* Sleeps poll_ms in slices, watching ops->stop; true when asked to stop. */
static bool wait_poll(const struct rpc_follow_ops *ops, long poll_ms)
{
	while (poll_ms > 0) {
		long ms = poll_ms < SLEEP_SLICE_MS ? poll_ms : SLEEP_SLICE_MS;
		struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
		if (ops->stop && ops->stop(ops->ctx))
			return true;
		while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
			if (ops->stop && ops->stop(ops->ctx))
				return true;
		poll_ms -= ms;
	}
	return ops->stop && ops->stop(ops->ctx);
}

bool rpc_follow(struct rpc_source *s, const struct rpc_follow_ops *ops,
		bool follow, long poll_ms, struct rpc_follow_stats *stats,
		const char **why)
{
	unsigned reorgs_in_a_row = 0;
	struct rpc_source_block b;
	if (!seek_to_tip(s, ops, why))
		return false;
	for (;;) {
		if (ops->stop && ops->stop(ops->ctx))
			return true;
		switch (rpc_source_next(s, &b, why)) {
		case RPC_SOURCE_BLOCK:
			if (!ops->connect(ops->ctx, &b, why))
				return false;
			stats->connected++;
			reorgs_in_a_row = 0;
			break;
		case RPC_SOURCE_TIP:
			reorgs_in_a_row = 0;
			if (!follow || wait_poll(ops, poll_ms))
				return true;
			break;
		case RPC_SOURCE_REORG:
			if (++reorgs_in_a_row > MAX_REORGS_IN_A_ROW) {
				*why = "the node keeps switching branches; giving up";
				return false;
			}
			if (!unwind(s, ops, stats, why))
				return false;
			break;
		case RPC_SOURCE_ERROR:
			return false;
		}
	}
}
