/* LevelDB behind proceeds' store interface. */
#include "proceeds/store.h"
#include "proceeds/ldbcheck.h"

#include <errno.h>
#include <leveldb/c.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MADV_PAGEOUT
#define MADV_PAGEOUT 21 /* Linux 5.4 */
#endif

#ifndef STORE_BLOCK_SIZE
#define STORE_BLOCK_SIZE 8192
#endif

/* Reads between two looks at the process's mapped file memory. */
#define TRIM_EVERY 1024u

struct store {
	leveldb_t *db;
	leveldb_options_t *opt;
	leveldb_cache_t *cache;
	leveldb_filterpolicy_t *bloom;
	leveldb_readoptions_t *ropt;
	leveldb_writeoptions_t *wopt;
	leveldb_writeoptions_t *wopt_sync;
	char dir[PATH_MAX];       /* resolved, for /proc/self/maps */
	_Atomic size_t map_budget;
	atomic_uint reads;
	/* The trimmer: LevelDB's compaction thread maps and reads tables
	 * while ours may be waiting (a write stall), so a thread of its own
	 * looks every TRIM_MS. */
	pthread_t trimmer;
	bool has_trimmer, stop;
	pthread_mutex_t mu;
	pthread_cond_t cv;
};

#define TRIM_MS 100

struct store_batch {
	leveldb_writebatch_t *wb;
};

struct store_iter {
	struct store *st;
	leveldb_iterator_t *it;
	uint8_t *prefix;
	size_t plen;
	bool started;
	char *err;
};

/* LevelDB errors are malloc'd strings; keep the last one per thread so that
 * callers get a plain const char * like everywhere else. */
static _Thread_local char errbuf[512];

static const char *take_error(char *err)
{
	/* LevelDB's lock failure is "IO error: lock DIR/LOCK: ..."; a bare
	 * "lock " would also match "block checksum mismatch". */
	if (strstr(err, "IO error: lock ") && strstr(err, "LOCK"))
		snprintf(errbuf, sizeof(errbuf),
			 "database is in use by another proceeds process (%s)", err);
	else if (strstr(err, "Corruption"))
		/* LevelDB does not say which file; ldbcheck can, but only
		 * with the database closed. */
		snprintf(errbuf, sizeof(errbuf), "%s (`proceeds index --verify` "
			 "names the damaged file)", err);
	else
		snprintf(errbuf, sizeof(errbuf), "%s", err);
	leveldb_free(err);
	return errbuf;
}

/* Resident bytes of the process's file mappings (statm's "shared":
 * RssFile + RssShmem), or 0 when unknown. */
static size_t mapped_resident(void)
{
	char line[128], *e;
	FILE *f = fopen("/proc/self/statm", "r");
	bool ok = f && fgets(line, sizeof(line), f);
	unsigned long shared = 0;

	if (f)
		fclose(f);
	if (ok) {
		/* size resident shared ... */
		(void)strtoul(line, &e, 10);
		(void)strtoul(e, &e, 10);
		shared = strtoul(e, NULL, 10);
	}
	return shared * (size_t)sysconf(_SC_PAGESIZE);
}

static bool is_table_of(const struct store *s, const char *path)
{
	size_t dl = strlen(s->dir), pl = strlen(path);
	return pl > dl + 5 && memcmp(path, s->dir, dl) == 0 && path[dl] == '/' &&
	       (strcmp(path + pl - 4, ".ldb") == 0 || strcmp(path + pl - 4, ".sst") == 0);
}

/* LevelDB 1.23 maps up to 1,000 table files read-only and keeps them
 * mapped while they are open; every page its reads and compactions touch
 * stays in our RSS, so RSS would grow with the database. This hands the
 * resident pages of those mappings back to the kernel. MADV_PAGEOUT, not
 * MADV_DONTNEED: LevelDB's threads may unmap a table between our reading
 * /proc/self/maps and the call, and memory of ours mapped there meanwhile
 * must not be zeroed (PAGEOUT only reclaims what can be reread). */
static void trim_tables(const struct store *s)
{
	char line[PATH_MAX + 128];
	FILE *f = fopen("/proc/self/maps", "r");

	while (f && fgets(line, sizeof(line), f)) {
		/* "lo-hi perms offset dev inode path": only the path has '/' */
		char *e, *path = strchr(line, '/');
		unsigned long lo = strtoul(line, &e, 16), hi;
		size_t n = strlen(line);

		if (*e != '-' || !path)
			continue;
		hi = strtoul(e + 1, NULL, 16);
		if (line[n - 1] == '\n')
			line[n - 1] = '\0';
		if (hi > lo && is_table_of(s, path))
			(void)madvise((void *)lo, hi - lo, MADV_PAGEOUT);
	}
	if (f)
		fclose(f);
}

static void store_trim(struct store *s)
{
	if (s->map_budget && s->dir[0] && mapped_resident() > s->map_budget)
		trim_tables(s);
}

static void *trimmer_main(void *arg)
{
	struct store *s = arg;
	struct timespec t;

	pthread_mutex_lock(&s->mu);
	while (!s->stop) {
		clock_gettime(CLOCK_REALTIME, &t);
		t.tv_nsec += TRIM_MS * 1000000L;
		t.tv_sec += t.tv_nsec / 1000000000L;
		t.tv_nsec %= 1000000000L;
		if (pthread_cond_timedwait(&s->cv, &s->mu, &t) != 0 && !s->stop) {
			pthread_mutex_unlock(&s->mu);
			store_trim(s);
			pthread_mutex_lock(&s->mu);
		}
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

void store_set_map_budget(struct store *s, size_t bytes)
{
	s->map_budget = bytes;
}

static void maybe_trim(struct store *s)
{
	if (atomic_fetch_add_explicit(&s->reads, 1, memory_order_relaxed) % TRIM_EVERY == 0)
		store_trim(s);
}

static void stop_trimmer(struct store *s)
{
	if (!s->has_trimmer)
		return;
	pthread_mutex_lock(&s->mu);
	s->stop = true;
	pthread_cond_signal(&s->cv);
	pthread_mutex_unlock(&s->mu);
	pthread_join(s->trimmer, NULL);
	s->has_trimmer = false;
}

/* LevelDB refused to open dir for damage (its message: raw): the damaged
 * file named when ldbcheck finds it (LevelDB has released its lock by
 * now), else why unchanged. */
static const char *name_damage(const char *dir, const char *raw, const char *why)
{
	struct ldbcheck_report r;
	const char *ignored;

	if (!ldbcheck_dir(&r, dir, false, &ignored) || !r.damaged)
		return why;
	snprintf(errbuf, sizeof(errbuf), "%.300s: offset %llu: %s (LevelDB: %.150s)", r.file,
		 (unsigned long long)r.offset, r.why, raw);
	return errbuf;
}

static void store_destroy(struct store *s)
{
	stop_trimmer(s);
	pthread_mutex_destroy(&s->mu);
	pthread_cond_destroy(&s->cv);
	if (s->db)
		leveldb_close(s->db);
	if (s->opt)
		leveldb_options_destroy(s->opt);
	if (s->cache)
		leveldb_cache_destroy(s->cache);
	if (s->bloom)
		leveldb_filterpolicy_destroy(s->bloom);
	if (s->ropt)
		leveldb_readoptions_destroy(s->ropt);
	if (s->wopt)
		leveldb_writeoptions_destroy(s->wopt);
	if (s->wopt_sync)
		leveldb_writeoptions_destroy(s->wopt_sync);
	free(s);
}

static bool mkdir_p(const char *dir)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", dir);
	for (char *p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			mkdir(buf, 0700);
			*p = '/';
		}
	}
	return mkdir(buf, 0700) == 0 || errno == EEXIST;
}

/* A LevelDB database always has a CURRENT file. */
static bool has_database(const char *dir)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof(path), "%s/CURRENT", dir);
	return stat(path, &st) == 0;
}

static void set_options(struct store *s, const struct store_options *o)
{
	s->opt = leveldb_options_create();
	s->cache = leveldb_cache_create_lru(o->cache_bytes ? o->cache_bytes : 64u << 20);
	s->bloom = leveldb_filterpolicy_create_bloom(10);
	leveldb_options_set_create_if_missing(s->opt, o->create);
	leveldb_options_set_cache(s->opt, s->cache);
	leveldb_options_set_filter_policy(s->opt, s->bloom);
	leveldb_options_set_compression(s->opt, leveldb_snappy_compression);
	leveldb_options_set_write_buffer_size(s->opt,
					      o->write_buffer ? o->write_buffer : 64u << 20);
	/* Bigger tables than LevelDB's 2 MiB: fewer files to open and to
	 * merge during bulk loads (measured: bench/RESULTS.md, index). */
	leveldb_options_set_max_file_size(s->opt, 64u << 20);
	leveldb_options_set_max_open_files(s->opt, 500);
	/* 8 KiB blocks: snappy finds more to share and the index blocks
	 * shrink (a simulated chain's index -2%; 16 KiB: -5.5% but +14% CPU
	 * on the main thread when addresses miss the cache, as every read
	 * decompresses a block; bench/RESULTS.md). */
	leveldb_options_set_block_size(s->opt, STORE_BLOCK_SIZE);
	/* Evidence must not change silently: every block read is checked
	 * against its CRC, and damage found while opening is an error. */
	leveldb_options_set_paranoid_checks(s->opt, 1);
	s->ropt = leveldb_readoptions_create();
	leveldb_readoptions_set_verify_checksums(s->ropt, 1);
	s->wopt = leveldb_writeoptions_create();
	s->wopt_sync = leveldb_writeoptions_create();
	leveldb_writeoptions_set_sync(s->wopt_sync, 1);
}

bool store_open(struct store **out, const char *dir,
		const struct store_options *o, const char **why)
{
	struct store *s = calloc(1, sizeof(*s));
	char *err = NULL;

	*out = NULL;
	if (!s)
		return (*why = "out of memory"), false;
	pthread_mutex_init(&s->mu, NULL);
	pthread_cond_init(&s->cv, NULL);
	if (!o->create && !has_database(dir)) {
		/* LevelDB would create the directory before failing, and say
		 * so in terms of its options. */
		store_destroy(s);
		return (*why = "no proceeds database in this directory"), false;
	}
	if (o->create && !mkdir_p(dir)) {
		store_destroy(s);
		return (*why = "cannot create the database directory"), false;
	}
	set_options(s, o);
	s->map_budget = STORE_MAP_BUDGET;
	if (!realpath(dir, s->dir))
		s->dir[0] = '\0';
	s->db = leveldb_open(s->opt, dir, &err);
	if (err) {
		char raw[256];
		bool corrupt = strstr(err, "Corruption") != NULL;
		snprintf(raw, sizeof(raw), "%s", err);
		*why = take_error(err);
		store_destroy(s);
		if (corrupt)
			*why = name_damage(dir, raw, *why);
		return false;
	}
	s->has_trimmer = pthread_create(&s->trimmer, NULL, trimmer_main, s) == 0;
	*out = s;
	return true;
}

void store_close(struct store *s)
{
	if (s)
		store_destroy(s);
}

bool store_get(struct store *s, uint8_t **val, size_t *vlen, bool *found,
	       const void *key, size_t klen, const char **why)
{
	char *err = NULL;
	size_t n = 0;
	char *v;

	maybe_trim(s);
	v = leveldb_get(s->db, s->ropt, key, klen, &n, &err);

	*val = NULL;
	*vlen = 0;
	*found = false;
	if (err) {
		*why = take_error(err);
		return false;
	}
	if (!v)
		return true;
	/* leveldb_free and free are the same allocator on Debian's build, but
	 * copy so callers can always use free(). */
	*val = malloc(n ? n : 1);
	if (!*val) {
		leveldb_free(v);
		return (*why = "out of memory"), false;
	}
	memcpy(*val, v, n);
	leveldb_free(v);
	*vlen = n;
	*found = true;
	return true;
}

bool store_put(struct store *s, const void *key, size_t klen,
	       const void *val, size_t vlen, const char **why)
{
	char *err = NULL;
	leveldb_put(s->db, s->wopt, key, klen, val, vlen, &err);
	if (err)
		return (*why = take_error(err)), false;
	return true;
}

bool store_delete(struct store *s, const void *key, size_t klen,
		  const char **why)
{
	char *err = NULL;
	leveldb_delete(s->db, s->wopt, key, klen, &err);
	if (err)
		return (*why = take_error(err)), false;
	return true;
}

struct store_batch *store_batch_new(void)
{
	struct store_batch *b = malloc(sizeof(*b));
	if (!b)
		return NULL;
	b->wb = leveldb_writebatch_create();
	return b;
}

void store_batch_free(struct store_batch *b)
{
	if (!b)
		return;
	leveldb_writebatch_destroy(b->wb);
	free(b);
}

void store_batch_put(struct store_batch *b, const void *key, size_t klen,
		     const void *val, size_t vlen)
{
	leveldb_writebatch_put(b->wb, key, klen, val, vlen);
}

void store_batch_delete(struct store_batch *b, const void *key, size_t klen)
{
	leveldb_writebatch_delete(b->wb, key, klen);
}

void store_batch_clear(struct store_batch *b)
{
	leveldb_writebatch_clear(b->wb);
}

bool store_write(struct store *s, struct store_batch *b, bool sync,
		 const char **why)
{
	char *err = NULL;
	leveldb_write(s->db, sync ? s->wopt_sync : s->wopt, b->wb, &err);
	if (err)
		return (*why = take_error(err)), false;
	return true;
}

struct store_iter *store_iter_new(struct store *s, const void *prefix,
				  size_t plen, const void *start, size_t slen)
{
	struct store_iter *it = calloc(1, sizeof(*it));
	if (!it)
		return NULL;
	it->st = s;
	it->prefix = malloc(plen ? plen : 1);
	memcpy(it->prefix, prefix, plen);
	it->plen = plen;
	it->it = leveldb_create_iterator(s->db, s->ropt);
	if (start)
		leveldb_iter_seek(it->it, start, slen);
	else
		leveldb_iter_seek(it->it, prefix, plen);
	return it;
}

bool store_iter_next(struct store_iter *it, const uint8_t **key, size_t *klen,
		     const uint8_t **val, size_t *vlen)
{
	if (it->started)
		leveldb_iter_next(it->it);
	maybe_trim(it->st);
	it->started = true;
	if (!leveldb_iter_valid(it->it)) {
		leveldb_iter_get_error(it->it, &it->err);
		return false;
	}
	*key = (const uint8_t *)leveldb_iter_key(it->it, klen);
	if (*klen < it->plen || memcmp(*key, it->prefix, it->plen) != 0)
		return false;
	*val = (const uint8_t *)leveldb_iter_value(it->it, vlen);
	return true;
}

const char *store_iter_error(struct store_iter *it)
{
	/* A copy: callers report it after store_iter_free frees it->err. */
	if (!it->err)
		return NULL;
	snprintf(errbuf, sizeof(errbuf), "%s", it->err);
	return errbuf;
}

void store_iter_free(struct store_iter *it)
{
	if (!it)
		return;
	leveldb_iter_destroy(it->it);
	if (it->err)
		leveldb_free(it->err);
	free(it->prefix);
	free(it);
}

void store_compact(struct store *s)
{
	leveldb_compact_range(s->db, NULL, 0, NULL, 0);
}

void store_settle(struct store *s)
{
	/* CompactRange writes the memtable out first (its log then goes),
	 * then merges the files overlapping the range: none for a range
	 * past every key, so no table is read (nor mapped). */
	static const char past[] = "\xff\xff\xff\xff";
	leveldb_compact_range(s->db, past, sizeof(past) - 1, past, sizeof(past) - 1);
}

uint64_t store_approx_size(struct store *s, const void *prefix, size_t plen)
{
	uint8_t limit[64];
	uint64_t size = 0;
	const char *start = prefix;
	size_t slen = plen, llen = plen < sizeof(limit) ? plen : sizeof(limit);

	memcpy(limit, prefix, llen);
	/* The first key after the prefix range: increment the last byte. */
	while (llen && limit[llen - 1] == 0xff)
		llen--;
	if (llen)
		limit[llen - 1]++;
	const char *limit_p = (const char *)limit;
	leveldb_approximate_sizes(s->db, 1, &start, &slen, &limit_p, &llen, &size);
	return size;
}
