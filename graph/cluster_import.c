/* Importing a cluster map computed elsewhere: the CSV is read whole and
 * checked (every row an address of the index, once) before anything is
 * written; the map's sets are joined in a union-find whose roots are the
 * smallest ids, then stored as cluster_build stores its own (root
 * chunks, member segments, entities, state) in one synced batch that
 * first deletes every cluster record. */
#include "cluster_int.h"

#include "proceeds/address.h"
#include "proceeds/addrname.h"
#include "proceeds/cluster_import.h"
#include "proceeds/cursor.h"
#include "proceeds/hex.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"
#include "proceeds/why.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One row: the file's cluster label and the address id. */
struct ci_pair {
	int64_t label;
	uint32_t id;
};

struct ci_read {
	struct store *st;
	enum network net;
	const char *path;
	uint64_t n;                 /* address ids of the index */
	struct addrname *names;     /* the name of the id of each position */
	uint8_t *seen;              /* bitmap over ids */
	struct ci_pair *pairs;      /* n entries at most (no id twice) */
	size_t n_pairs;
	uint64_t line;
	unsigned misses;            /* rows in a row not at their id's position */
	struct cluster_import_stats *stats;
	char *err;                  /* WHY_MAX bytes, per thread */
};

/* *why = "<file>: line N: <what>"; callers return false after it. */
static void fail(struct ci_read *r, const char **why, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail(struct ci_read *r, const char **why, const char *fmt, ...)
{
	char msg[WHY_MAX];
	va_list ap;

	va_start(ap, fmt);
	why_vfmt(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	*why = why_fmt(r->err, WHY_MAX, "%s: line %llu: %s", r->path,
		       (unsigned long long)r->line, msg);
}

/* The owner key of a row's address: "script:<hex>" or an address. */
static bool row_key(struct ci_read *r, uint8_t key[SCRIPT_KEY_MAX], size_t *kl,
		    const char *addr, const char **why)
{
	struct address a;
	const char *w;
	size_t hl;

	if (strncmp(addr, "script:", 7) == 0) {
		hl = strlen(addr + 7);
		if (hl == 0 || hl > 2 * SCRIPT_KEY_MAX || !hex_decode(key, addr + 7, hl, &w))
			return fail(r, why, "'%s' is not script:<hex of an owner key>",
				    addr), false;
		*kl = hl / 2;
		return true;
	}
	if (!address_decode(&a, r->net, addr, &w))
		return fail(r, why, "'%s': %s", addr, w), false;
	*kl = script_owner_key(key, a.script, a.script_len);
	return true;
}

/* Positional matching stops after this many rows in a row missed it: the
 * file is in another order (naming each position costs an encoding). */
#define CI_MISSES_MAX 4096

/* The address id of a row: the id of its position when the file is in
 * id order (as cluster export --all writes it), else an `A` lookup. */
static bool row_id(struct ci_read *r, uint32_t *id, const char *addr,
		   const char **why)
{
	uint64_t pos = r->stats->rows, found_id;
	uint8_t key[SCRIPT_KEY_MAX];
	const char *nm;
	size_t kl;
	bool found;

	if (pos < r->n && r->misses < CI_MISSES_MAX) {
		if (!addrname_get(r->names, &nm, pos, why))
			return fail(r, why, "%s", *why), false;
		if (strcmp(nm, addr) == 0) {
			r->stats->in_order++;
			r->misses = 0;
			*id = (uint32_t)pos;
			return true;
		}
		r->misses++;
	}
	if (!row_key(r, key, &kl, addr, why))
		return false;
	if (!idxq_addr_id(r->st, &found_id, &found, key, kl, why))
		return fail(r, why, "%s", *why), false;
	if (!found || found_id >= r->n)
		return fail(r, why, "address %s is not in the index", addr), false;
	*id = (uint32_t)found_id;
	return true;
}

static bool parse_label(int64_t *out, const char *s)
{
	char *end;
	long long v;

	if (!*s)
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end || !(*s == '-' || (*s >= '0' && *s <= '9')))
		return false;
	*out = v;
	return true;
}

/* One data row (line without its end of line). */
static bool row(struct ci_read *r, char *s, const char **why)
{
	char *comma = strrchr(s, ',');
	size_t al;
	int64_t label;
	uint32_t id;

	if (!comma)
		return fail(r, why, "expected address,cluster_id"), false;
	*comma = 0;
	al = strlen(s);
	if (al >= 2 && s[0] == '"' && s[al - 1] == '"') {
		s[al - 1] = 0;
		s++;
	}
	if (!*s)
		return fail(r, why, "empty address"), false;
	if (!parse_label(&label, comma + 1))
		return fail(r, why, "cluster id '%s' is not an integer", comma + 1), false;
	if (!row_id(r, &id, s, why))
		return false;
	if (r->seen[id >> 3] & (1u << (id & 7)))
		return fail(r, why, "address %s appears twice", s), false;
	r->seen[id >> 3] |= (uint8_t)(1u << (id & 7));
	r->pairs[r->n_pairs++] = (struct ci_pair){ label, id };
	r->stats->rows++;
	return true;
}

static void chomp(char *s, ssize_t *len)
{
	while (*len > 0 && (s[*len - 1] == '\n' || s[*len - 1] == '\r'))
		s[--*len] = 0;
}

/* Every line of the file: the header, then the rows. */
static bool read_lines(struct ci_read *r, FILE *f, const char **why)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool ok = true;

	while (ok && (len = getline(&line, &cap, f)) >= 0) {
		r->line++;
		chomp(line, &len);
		if (r->line == 1 && strcmp(line, "address,cluster_id") != 0) {
			fail(r, why, "expected the header address,cluster_id");
			ok = false;
		} else if (r->line > 1 && len > 0) {
			ok = row(r, line, why);
		}
	}
	if (ok && (ferror(f) || r->line == 0)) {
		if (r->line == 0)
			fail(r, why, "empty file (expected the header address,cluster_id)");
		else
			fail(r, why, "read error: %s", strerror(errno ? errno : EIO));
		ok = false;
	}
	free(line);
	return ok;
}

static bool read_map(struct ci_read *r, const char **why)
{
	FILE *f;
	bool ok;

	r->seen = calloc(r->n / 8 + 1, 1);
	r->pairs = malloc((r->n ? r->n : 1) * sizeof(*r->pairs));
	if (!r->seen || !r->pairs)
		return (*why = "out of memory for the cluster map"), false;
	if (!addrname_new(&r->names, r->st, r->net, 0, 0, why))
		return false;
	errno = 0;
	if (!(f = fopen(r->path, "r")))
		return (*why = why_fmt(r->err, WHY_MAX, "%s: %s", r->path,
				       strerror(errno ? errno : EIO))), false;
	ok = read_lines(r, f, why);
	fclose(f);
	return ok;
}

static int cmp_pair(const void *a, const void *b)
{
	const struct ci_pair *x = a, *y = b;
	if (x->label != y->label)
		return x->label < y->label ? -1 : 1;
	return (x->id > y->id) - (x->id < y->id);
}

/* Joins the ids of every label into one set. */
static void join_labels(struct unionfind *u, struct ci_pair *p, size_t n)
{
	if (n > 1)
		qsort(p, n, sizeof(*p), cmp_pair);
	for (size_t i = 1; i < n; i++)
		if (p[i].label == p[i - 1].label)
			(void)unionfind_union(u, p[i - 1].id, p[i].id);
}

static bool read_tip(struct store *st, struct idx_tip *tip, const char **why)
{
	uint8_t *v = NULL;
	size_t vlen;
	bool has;

	if (!store_get(st, &v, &vlen, &has, IDX_KEY_TIP, strlen(IDX_KEY_TIP), why))
		return false;
	bool ok = has && idx_tip_decode(tip, v, vlen);
	free(v);
	if (!ok)
		*why = has ? "index tip record is damaged"
			   : "the index is empty (run proceeds index first)";
	return ok;
}

/* A fresh build state over n singletons, with the tags of the index. */
static bool state_init(struct cl_state *s, struct store *st, enum network net,
		       const struct idx_tip *tip, struct cluster_build_stats *bs,
		       const char **why)
{
	memset(s, 0, sizeof(*s));
	s->st = st;
	s->net = net;
	s->stats = bs;
	cluster_options_default(&s->opt);
	s->meta.version = CLUSTER_SCHEMA_VERSION;
	s->meta.imported = true;
	if (!cl_roots_load(s, why))
		return false;
	if (!unionfind_grow(&s->uf, (uint32_t)tip->next_addr))
		return (*why = "out of memory for the address sets"), false;
	return cl_tags_load(&s->tags, st, tip->next_addr, why);
}

static void state_release(struct cl_state *s)
{
	unionfind_release(&s->uf);
	cl_tags_release(&s->tags);
	free(s->loaded);
	cl_moves_release(&s->moves);
}

/* Deletes of every cluster record, first in the batch. */
static bool delete_all(struct store *st, struct store_batch *b, const char **why)
{
	uint8_t pre = CLUSTER_PREFIX;
	struct store_iter *it = store_iter_new(st, &pre, 1, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl;

	if (!it)
		return (*why = "out of memory"), false;
	while (store_iter_next(it, &k, &kl, &v, &vl))
		store_batch_delete(b, k, kl);
	const char *err = store_iter_error(it);
	store_iter_free(it);
	return !err || (*why = err, false);
}

static void put_info(struct store_batch *b, const char *path,
		     const struct cluster_import_stats *cs)
{
	uint8_t k[2] = { CLUSTER_PREFIX, CLUSTER_K_IMPORT };
	char *abs = realpath(path, NULL);
	const char *name = abs ? abs : path;
	size_t n = strlen(name);
	struct idx_buf v;

	if (n >= CLUSTER_IMPORT_FILE_MAX)
		n = CLUSTER_IMPORT_FILE_MAX - 1;
	idx_buf_init(&v);
	idx_buf_varint(&v, n);
	idx_buf_put(&v, name, n);
	idx_buf_u64be(&v, cs->rows);
	idx_buf_u64be(&v, cs->missing);
	store_batch_put(b, k, 2, v.p, v.len);
	idx_buf_release(&v);
	free(abs);
}

/* Roots, members, entities, the import record and the state, replacing
 * every cluster record, in one synced batch. */
static bool commit(struct cl_state *s, const struct idx_tip *tip,
		   const char *path, struct cluster_import_stats *cs,
		   const char **why)
{
	struct store_batch *b = store_batch_new();
	uint8_t mk[2] = { CLUSTER_PREFIX, CLUSTER_K_META };
	struct idx_buf mb;
	bool ok;

	s->meta.next_txnum = tip->next_txnum;
	s->meta.tip_height = tip->height;
	s->meta.tip_hash = tip->hash;
	s->meta.has_tip = true;
	s->meta.n_addr = tip->next_addr;
	s->meta.clusters = s->uf.sets;
	ok = b && delete_all(s->st, b, why) && cl_roots_save(s, b, why) &&
	     cl_entities_save(s, b, why);
	if (ok) {
		put_info(b, path, cs);
		idx_buf_init(&mb);
		cl_meta_encode(&mb, &s->meta);
		store_batch_put(b, mk, 2, mb.p, mb.len);
		idx_buf_release(&mb);
		ok = store_write(s->st, b, true, why);
	} else if (!b) {
		*why = "out of memory";
	}
	store_batch_free(b);
	cs->clusters = s->uf.sets;
	cs->labelled_clusters = s->stats->labelled_clusters;
	return ok;
}

static void read_release(struct ci_read *r)
{
	addrname_free(r->names);
	free(r->seen);
	free(r->pairs);
}

bool cluster_import(struct store *st, struct cluster_import_stats *out,
		    enum network net, const char *path, const char **why)
{
	static _Thread_local char err[WHY_MAX];
	struct ci_read r = { .st = st, .net = net, .path = path, .stats = out, .err = err };
	struct cluster_build_stats bs;
	struct cl_state s;
	struct idx_tip tip;

	memset(out, 0, sizeof(*out));
	memset(&bs, 0, sizeof(bs));
	memset(&s, 0, sizeof(s));
	if (!read_tip(st, &tip, why))
		return false;
	if (tip.next_addr > UINT32_MAX)
		return (*why = "more than 2^32 addresses: not supported"), false;
	r.n = out->addresses = tip.next_addr;
	bool ok = read_map(&r, why) && state_init(&s, st, net, &tip, &bs, why);
	if (ok) {
		out->missing = r.n - out->rows;
		join_labels(&s.uf, r.pairs, r.n_pairs);
		ok = commit(&s, &tip, path, out, why);
	}
	read_release(&r);
	state_release(&s);
	return ok;
}

bool cluster_import_info(struct store *st, struct cluster_import_info *out,
			 const char **why)
{
	uint8_t k[2] = { CLUSTER_PREFIX, CLUSTER_K_IMPORT }, raw[8], *v = NULL;
	struct cursor c;
	uint64_t n = 0;
	size_t vlen;
	bool found, ok;

	memset(out, 0, sizeof(*out));
	if (!store_get(st, &v, &vlen, &found, k, 2, why))
		return false;
	if (!found)
		return true;
	cursor_init(&c, v, vlen);
	ok = cursor_varint(&c, &n) && n < CLUSTER_IMPORT_FILE_MAX &&
	     cursor_bytes(&c, out->file, (size_t)n);
	ok = ok && cursor_bytes(&c, raw, 8);
	out->rows = ok ? idx_rd64(raw) : 0;
	ok = ok && cursor_bytes(&c, raw, 8) && cursor_left(&c) == 0;
	out->missing = ok ? idx_rd64(raw) : 0;
	free(v);
	if (!ok)
		return (*why = "cluster import record is damaged"), false;
	out->file[n] = 0;
	out->imported = true;
	return true;
}
