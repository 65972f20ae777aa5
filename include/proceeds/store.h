/* The one LevelDB database of an investigation (the index, clusters, tags,
 * watchlists). Each store keeps its keys under its own one-byte prefix,
 * documented in docs/index-format.md. A thin layer over LevelDB's C API so
 * that the rest of proceeds never sees leveldb_* and every failure comes back
 * as a bool with a reason. */
#ifndef PROCEEDS_STORE_H
#define PROCEEDS_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct store;
struct store_batch;
struct store_iter;

struct store_options {
	bool create;            /* create the directory's database if missing */
	size_t cache_bytes;     /* LRU block cache; 0 = 64 MiB */
	size_t write_buffer;    /* memtable size; 0 = 64 MiB */
	bool read_only;         /* no writes will be made (still takes the lock) */
};

/* LevelDB maps its table files; their resident pages are handed back to
 * the kernel whenever the process's mapped files exceed this (the
 * default of every store; store_set_map_budget changes it). */
#define STORE_MAP_BUDGET ((size_t)384 << 20)

/* Opens the database in dir. A second process on the same dir fails with
 * "database is in use by another proceeds process" (LevelDB's LOCK).
 * *why points to a static or per-thread string. */
bool store_open(struct store **out, const char *dir,
		const struct store_options *opt, const char **why)
	__attribute__((warn_unused_result));

/* Closes and frees; s may be NULL. */
void store_close(struct store *s);

/* Looks up key. *found tells whether it exists; when it does, *val is a new
 * buffer (caller frees with free()) of *vlen bytes. False only on I/O or
 * corruption errors. */
bool store_get(struct store *s, uint8_t **val, size_t *vlen, bool *found,
	       const void *key, size_t klen, const char **why)
	__attribute__((warn_unused_result));

/* Single put/delete (each its own atomic write, not synced). */
bool store_put(struct store *s, const void *key, size_t klen,
	       const void *val, size_t vlen, const char **why)
	__attribute__((warn_unused_result));
bool store_delete(struct store *s, const void *key, size_t klen,
		  const char **why) __attribute__((warn_unused_result));

/* A write batch: applied atomically by store_write. */
struct store_batch *store_batch_new(void);
void store_batch_free(struct store_batch *b);
void store_batch_put(struct store_batch *b, const void *key, size_t klen,
		     const void *val, size_t vlen);
void store_batch_delete(struct store_batch *b, const void *key, size_t klen);
void store_batch_clear(struct store_batch *b);
/* Applies b atomically. sync forces it to disk (fsync) before returning. */
bool store_write(struct store *s, struct store_batch *b, bool sync,
		 const char **why) __attribute__((warn_unused_result));

/* Iterates keys starting with prefix[0..plen) in key order, starting at
 * the first key >= start (start may be NULL = the prefix itself).
 * store_iter_next returns false at the end or on error (check
 * store_iter_error). Key and value are borrowed until the next call. */
struct store_iter *store_iter_new(struct store *s, const void *prefix,
				  size_t plen, const void *start, size_t slen);
bool store_iter_next(struct store_iter *it, const uint8_t **key, size_t *klen,
		     const uint8_t **val, size_t *vlen);
/* NULL when the iteration ended cleanly. */
const char *store_iter_error(struct store_iter *it);
void store_iter_free(struct store_iter *it);

/* Asks LevelDB to compact the whole key range (after bulk loads). */
void store_compact(struct store *s);

/* Writes LevelDB's memtable out to a table (its log file is then
 * deleted): what a run leaves on disk is then its tables, not a log
 * LevelDB replays at the next open. */
void store_settle(struct store *s);

/* Sets the store's map budget (bytes; 0 = never trim). When the resident
 * pages of the process's file mappings (LevelDB's tables, the binary,
 * libraries) exceed it, the store asks the kernel (MADV_PAGEOUT, Linux
 * 5.4+) to reclaim those of LevelDB's table mappings; a later read maps
 * them again. A thread of each store checks every 100 ms (store_open
 * starts it, store_close joins it), and reads (store_get,
 * store_iter_next) every 1,024 reads, so RSS is bounded by the heap plus
 * the budget whatever the database size; callers need do nothing. */
void store_set_map_budget(struct store *s, size_t bytes);

/* Approximate on-disk bytes of the keys under prefix. */
uint64_t store_approx_size(struct store *s, const void *prefix, size_t plen);

#endif
