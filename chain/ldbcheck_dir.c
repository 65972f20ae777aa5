/* Checking a LevelDB directory file by file: CURRENT, the MANIFEST it
 * names, the live tables and logs that MANIFEST describes. Files that are
 * not live (a table half-written by a compaction that a kill interrupted,
 * logs already merged) are left alone: LevelDB never reads them and
 * deletes them at its next open. */
#include "proceeds/ldbcheck.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#define CURRENT_MAX 256

struct ctx {
	struct ldbcheck_report *r;
	const char *dir;
	int dlen;               /* dir without trailing slashes */
	bool whole;             /* closed cleanly: no torn records */
	const char **why;
};

struct mapped {
	const uint8_t *p;
	size_t len;
};

static _Thread_local char errbuf[4400];

static void damage(struct ctx *c, const char *name, uint64_t off, const char *why)
{
	c->r->damaged = true;
	snprintf(c->r->file, sizeof(c->r->file), "%.*s/%s", c->dlen, c->dir, name);
	c->r->offset = off;
	c->r->why = why;
}

static bool io_error(struct ctx *c, const char *name, int err)
{
	snprintf(errbuf, sizeof(errbuf), "%.*s/%s: %s", c->dlen, c->dir, name,
		 strerror(err));
	*c->why = errbuf;
	return false;
}

/* Maps dir/name read-only (an empty file maps to NULL, 0). *missing tells
 * a file that is not there from one that cannot be read. */
static bool map_file(struct ctx *c, struct mapped *m, bool *missing, const char *name)
{
	char path[4400];
	struct stat st;
	int fd;

	m->p = NULL;
	m->len = 0;
	*missing = false;
	snprintf(path, sizeof(path), "%.*s/%s", c->dlen, c->dir, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*missing = errno == ENOENT;
		return *missing ? false : io_error(c, name, errno);
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		int err = errno;
		if (err == 0 || S_ISREG(st.st_mode) == 0)
			err = EINVAL;
		close(fd);
		return io_error(c, name, err);
	}
	m->len = (size_t)st.st_size;
	if (m->len) {
		void *p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			int err = errno;
			close(fd);
			return io_error(c, name, err);
		}
		madvise(p, m->len, MADV_SEQUENTIAL);
		m->p = p;
	}
	close(fd);
	c->r->bytes += m->len;
	return true;
}

static void unmap_file(struct mapped *m)
{
	if (m->p)
		munmap((void *)m->p, m->len);
}

/* LevelDB's LOCK is a POSIX record lock: holding it keeps another process
 * from opening (and compacting) the database while it is read. */
static bool lock_dir(struct ctx *c, int *fd)
{
	char path[4400];
	struct flock fl;

	memset(&fl, 0, sizeof(fl));
	fl.l_type = F_WRLCK;
	fl.l_whence = SEEK_SET;
	snprintf(path, sizeof(path), "%.*s/LOCK", c->dlen, c->dir);
	/* No LOCK, or one this user may not write (a read-only copy): no
	 * LevelDB of this user can be writing it either. */
	*fd = open(path, O_RDWR | O_CLOEXEC);
	if (*fd < 0 || fcntl(*fd, F_SETLK, &fl) == 0)
		return true;
	if (errno == EAGAIN || errno == EACCES) {
		close(*fd);
		*fd = -1;
		*c->why = "database is in use by another proceeds process";
		return false;
	}
	return true;    /* a filesystem without locks */
}

/* CURRENT: one line naming the MANIFEST. False only when unreadable. */
static bool read_current(struct ctx *c, char *name, size_t cap)
{
	struct mapped m;
	bool missing;
	size_t n;

	name[0] = '\0';
	if (!map_file(c, &m, &missing, "CURRENT")) {
		if (missing)
			*c->why = "no LevelDB database in this directory (no CURRENT file)";
		return false;
	}
	n = m.len;
	if (n < 11 || n >= cap || m.p[n - 1] != '\n' || memcmp(m.p, "MANIFEST-", 9) != 0 ||
	    strspn((const char *)m.p + 9, "0123456789") != n - 10) {
		damage(c, "CURRENT", 0, "does not name a MANIFEST file");
	} else {
		memcpy(name, m.p, n - 1);
		name[n - 1] = '\0';
	}
	unmap_file(&m);
	return true;
}

static bool check_manifest(struct ctx *c, struct ldb_live *live, const char *name)
{
	struct mapped m;
	bool missing;
	uint64_t off;
	const char *why;

	if (!map_file(c, &m, &missing, name)) {
		if (missing)
			damage(c, "CURRENT", 0, "names a MANIFEST file that is missing");
		return missing;
	}
	if (!ldb_manifest_parse(live, &off, m.p, m.len, c->whole, &why))
		damage(c, name, off, why);
	unmap_file(&m);
	return true;
}

/* One live table: present (as .ldb, or .sst from older LevelDB), of the
 * size the MANIFEST recorded, and sound. */
static bool check_table(struct ctx *c, const struct ldb_live_file *f)
{
	char name[64];
	struct mapped m;
	bool missing;
	uint64_t off, n;
	const char *why;

	snprintf(name, sizeof(name), "%06llu.ldb", (unsigned long long)f->number);
	if (!map_file(c, &m, &missing, name)) {
		if (!missing)
			return false;
		snprintf(name, sizeof(name), "%06llu.sst", (unsigned long long)f->number);
		if (!map_file(c, &m, &missing, name)) {
			if (missing) {
				snprintf(name, sizeof(name), "%06llu.ldb",
					 (unsigned long long)f->number);
				damage(c, name, 0, "table file missing (the MANIFEST lists it)");
			}
			return missing;
		}
	}
	c->r->tables++;
	if (m.len != f->size)
		damage(c, name, m.len < f->size ? m.len : f->size,
		       m.len < f->size ? "table file shorter than the MANIFEST says" :
					 "table file longer than the MANIFEST says");
	else if (!ldb_table_check(&off, &n, m.p, m.len, &why))
		damage(c, name, off, why);
	else
		c->r->blocks += n;
	unmap_file(&m);
	return true;
}

/* The number of a file named <digits>.log, or false. */
static bool log_number(uint64_t *num, const char *name)
{
	size_t d = strspn(name, "0123456789");
	if (d == 0 || d > 19 || strcmp(name + d, ".log") != 0)
		return false;
	*num = strtoull(name, NULL, 10);
	return true;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* The logs LevelDB would replay: numbered from the MANIFEST's log number
 * on, and its previous log; in number order. */
static bool live_logs(struct ctx *c, const struct ldb_live *live, uint64_t **nums,
		      size_t *n)
{
	char path[4400];
	struct dirent *e;
	size_t cap = 0;
	uint64_t num;
	DIR *d;

	*nums = NULL;
	*n = 0;
	snprintf(path, sizeof(path), "%.*s", c->dlen, c->dir);
	if (!(d = opendir(path)))
		return io_error(c, ".", errno);
	while ((e = readdir(d)) != NULL) {
		if (!log_number(&num, e->d_name) ||
		    (num < live->log_number && num != live->prev_log_number))
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			uint64_t *p = realloc(*nums, cap * sizeof(*p));
			if (!p) {
				closedir(d);
				return (*c->why = "out of memory"), false;
			}
			*nums = p;
		}
		(*nums)[(*n)++] = num;
	}
	closedir(d);
	if (*n)
		qsort(*nums, *n, sizeof(**nums), cmp_u64);
	return true;
}

static bool check_logs(struct ctx *c, const struct ldb_live *live)
{
	uint64_t *nums, off, recs;
	size_t n;
	bool ok = true, missing;
	const char *why;

	if (!live_logs(c, live, &nums, &n))
		return false;
	for (size_t i = 0; ok && !c->r->damaged && i < n; i++) {
		char name[64];
		struct mapped m;
		snprintf(name, sizeof(name), "%06llu.log", (unsigned long long)nums[i]);
		if (!map_file(c, &m, &missing, name)) {
			ok = missing;   /* gone since the listing: nothing to read */
			continue;
		}
		c->r->logs++;
		if (!ldb_log_check(&off, &recs, m.p, m.len, c->whole, &why))
			damage(c, name, off, why);
		c->r->records += recs;
		unmap_file(&m);
	}
	free(nums);
	return ok;
}

bool ldbcheck_dir(struct ldbcheck_report *r, const char *dir, bool closed_cleanly,
		  const char **why)
{
	struct ldb_live live;
	char manifest[CURRENT_MAX];
	bool ok;
	int lock;

	memset(r, 0, sizeof(*r));
	struct ctx c = { r, dir, (int)strlen(dir), closed_cleanly, why };
	while (c.dlen > 1 && dir[c.dlen - 1] == '/')
		c.dlen--;
	if (!lock_dir(&c, &lock))
		return false;
	ldb_live_init(&live);
	ok = read_current(&c, manifest, sizeof(manifest));
	if (ok && !r->damaged)
		ok = check_manifest(&c, &live, manifest);
	for (size_t i = 0; ok && !r->damaged && i < live.n; i++)
		ok = check_table(&c, &live.files[i]);
	if (ok && !r->damaged)
		ok = check_logs(&c, &live);
	ldb_live_release(&live);
	if (lock >= 0)
		close(lock);
	return ok;
}
