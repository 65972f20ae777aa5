/* The chain index: connecting parsed blocks (from blk files or a node) in
 * height order into LevelDB, and disconnecting the top block again.
 *
 * Transactions and addresses get sequential numeric ids (txnum, addr id)
 * in chain order, so the same chain always gives the same index, and most
 * keys are written in order. Blocks are grouped into one LevelDB write
 * batch that also carries the tip record: after a crash the index is at
 * the last committed block, never in between. The format is in
 * docs/index-format.md (index_rec.h has the byte layouts). */
#ifndef PROCEEDS_INDEX_H
#define PROCEEDS_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/index_rec.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"

struct index;
struct store;

struct index_options {
	bool create;            /* create an empty index if none */
	bool read_only;         /* queries only; connect/disconnect assert */
	size_t tx_cache_bytes;  /* per generation; 0 = 96 MiB */
	size_t addr_cache_bytes;/* per generation; 0 = 128 MiB. When both
	                         * are 0, budget moves between the two by
	                         * their misses (the sum stays) */
	size_t db_cache_bytes;  /* LevelDB block cache; 0 = 32 MiB */
	size_t write_buffer_bytes; /* LevelDB memtable; 0 = 64 MiB */
	size_t map_budget_bytes;/* resident LevelDB table mappings; 0 =
	                         * STORE_MAP_BUDGET (store.h) */
	uint32_t flush_txs;     /* commit after this many txs; 0 = 50000 */
	size_t bloom_bytes;     /* filter of known addresses; 0 = 64 MiB,
	                         * 1 = none */
};

/* Opens (or with opt->create, creates) the index in dir for net. Fails on
 * an index of another network or schema version, and with LevelDB's lock
 * message when another process has it open. */
bool index_open(struct index **out, const char *dir, enum network net,
		const struct index_options *opt, const char **why)
	__attribute__((warn_unused_result));

/* Opens an existing index in dir read-only for queries (small caches).
 * *absent tells "there is no index in dir" apart from other failures. */
bool index_open_query(struct index **out, bool *absent, const char *dir,
		      enum network net, const char **why)
	__attribute__((warn_unused_result));

/* Closes without committing pending blocks (call index_flush first); a
 * crash-equivalent: a group already being committed on the writer thread
 * is waited for. idx may be NULL. */
void index_close(struct index *idx);

/* The tip including blocks connected but not yet committed. False when
 * the index holds no block. */
bool index_tip(const struct index *idx, struct idx_tip *out);

/* The committed tip (what a crash now would leave, at least: a group
 * being written on the writer thread counts once the write is done). */
bool index_committed_tip(const struct index *idx, struct idx_tip *out);

/* The database, borrowed until index_close; for queries (index_query.h). */
struct store *index_store(struct index *idx);
enum network index_network(const struct index *idx);

/* Connects b as the block at height, which must be tip+1 (0 on an empty
 * index) and extend the tip by its prev hash. Every input must spend an
 * output already indexed. Every flush_txs transactions the connected
 * blocks are handed, as one atomic group with their tip, to a writer
 * thread, and connecting goes on meanwhile (one group in flight at most).
 * On failure nothing of b is kept, the blocks before it are committed,
 * and the index stays usable; but when the failure is a failed write of
 * an earlier group (I/O), the index goes back to its committed tip (see
 * index_committed_tip) and the caller must resume from there. b is
 * borrowed. */
bool index_connect_block(struct index *idx, const struct block *b,
			 uint32_t height, const char **why)
	__attribute__((warn_unused_result));

/* Commits the connected blocks with their tip (sync: fsync first), after
 * the group in flight; returns when both are written. */
bool index_flush(struct index *idx, bool sync, const char **why)
	__attribute__((warn_unused_result));

/* After the last index_flush of a run: writes LevelDB's memtable out
 * to a table, so that the index on disk is its tables (no log to replay
 * at the next open). */
void index_settle(struct index *idx);

/* Forgets pending blocks and the caches and rereads the committed tip
 * (after a write made directly to the store, e.g. index_undo.h). */
bool index_reload(struct index *idx, const char **why)
	__attribute__((warn_unused_result));

struct index_stats {
	uint64_t blocks, txs, inputs, outputs, new_addrs;
	uint64_t tx_cache_hits, tx_cache_misses;
	uint64_t addr_cache_hits, addr_cache_misses;
	size_t cache_bytes;
};
/* Counters since open. */
void index_get_stats(const struct index *idx, struct index_stats *out);

#endif
