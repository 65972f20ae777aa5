/* Loading shared files into the watchlist, signatures first. */
#include "proceeds/fileio.h"
#include "proceeds/watchload.h"
#include "proceeds/evverify.h"
#include "proceeds/freeze.h"
#include "proceeds/hex.h"
#include "proceeds/sharetrace.h"
#include "proceeds/tagimport.h"
#include "proceeds/why.h"

#include <dirent.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FILE_MAX ((size_t)1 << 30)

static _Thread_local char why_buf[WATCH_PATH_MAX + 300];

void watch_load_init(struct watch_load *l, enum network net, const char *case_ref)
{
	memset(l, 0, sizeof(*l));
	l->net = net;
	l->case_ref = case_ref;
	l->batch = store_batch_new();
}

void watch_load_release(struct watch_load *l)
{
	store_batch_free(l->batch);
	l->batch = NULL;
}

static bool has_file(const char *dir, const char *name)
{
	char p[WATCH_PATH_MAX + 64];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

bool watch_find_package(char pkg[WATCH_PATH_MAX], char rel[WATCH_PATH_MAX],
			const char *path)
{
	char d[WATCH_PATH_MAX];
	const char *base = path;
	pkg[0] = rel[0] = '\0';
	if (is_dir(path)) {
		if (!has_file(path, MANIFEST_SIG_NAME))
			return false;
		snprintf(pkg, WATCH_PATH_MAX, "%s", path);
		return true;
	}
	snprintf(d, sizeof(d), "%s", path);
	for (int up = 0; up < 2; up++) {
		char *slash = strrchr(d, '/');
		if (slash)
			*slash = '\0';
		else
			snprintf(d, sizeof(d), ".");
		base = path + (slash ? strlen(d) + 1 : 0);
		if (has_file(d, MANIFEST_SIG_NAME)) {
			snprintf(pkg, WATCH_PATH_MAX, "%s", d);
			snprintf(rel, WATCH_PATH_MAX, "%s", base);
			return true;
		}
		if (!slash)
			break;
	}
	return false;
}

bool watch_verify_package(enum watch_pkg *out, char signer[65],
			  char *problem, size_t cap, const char *dir,
			  const uint8_t *expect_pubkey, const char **why)
{
	static const struct ev_check *const checks[] = { &ev_check_manifest };
	struct ev_verify_ctx ctx;
	struct ev_findings f;
	const char *failed;
	bool ok;

	*out = WATCH_PKG_UNSIGNED;
	signer[0] = problem[0] = '\0';
	if (!has_file(dir, MANIFEST_SIG_NAME))
		return true;
	ev_verify_ctx_init(&ctx, dir);
	if (expect_pubkey) {
		ctx.have_pubkey = true;
		memcpy(ctx.expect_pubkey, expect_pubkey, 32);
	}
	ev_findings_init(&f);
	ok = ev_verify_run(&f, &ctx, checks, 1, &failed, why);
	if (ok && f.n) {
		*out = WATCH_PKG_BAD;
		snprintf(problem, cap, "%s%s%s", f.v[0].file ? f.v[0].file : "",
			 f.v[0].file ? ": " : "", f.v[0].what);
	} else if (ok) {
		*out = WATCH_PKG_SIGNED;
		hex_encode(signer, ctx.signer, 32);
	}
	ev_findings_release(&f);
	ev_verify_ctx_release(&ctx);
	return ok;
}

bool watch_package_lists(const char *dir, const char *rel)
{
	char path[WATCH_PATH_MAX + 16], *text;
	size_t len;
	const char *why;
	struct manifest m;
	bool found = false;

	snprintf(path, sizeof(path), "%s/" MANIFEST_NAME, dir);
	if (!fileio_read(&text, &len, path, FILE_MAX, &why))
		return false;
	manifest_init(&m);
	if (manifest_parse(&m, text, len, &why))
		for (size_t i = 0; i < m.n && !found; i++)
			found = strcmp(m.e[i].path, rel) == 0;
	manifest_release(&m);
	free(text);
	return found;
}

static void queue(struct watch_load *l, const struct watch_entry *e)
{
	uint8_t key[WATCH_KEY_MAX], *val;
	size_t klen = watch_key(key, e), vlen;
	val = watch_encode(&vlen, e);
	store_batch_put(l->batch, key, klen, val, vlen);
	free(val);
	l->added++;
}

static void reject(struct watch_load *l, const char *addr, const char *why)
{
	if (l->rejected++ == 0)
		snprintf(l->first_reject, sizeof(l->first_reject), "'%.100s': %s",
			 addr, why);
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');
	return s ? s + 1 : path;
}

/* The network a shared file states must be the watchlist's; the first
 * one states it for a new watchlist. */
static bool network_matches(struct watch_load *l, const json_t *j,
			    const char **why)
{
	const char *name = share_str(j, "network");
	enum network net;
	bool known;
	if (!*name)
		return true;
	known = network_from_name(&net, name);
	if (known && l->net_open)
		l->net = net;
	if (!known || net != l->net) {
		snprintf(why_buf, sizeof(why_buf), "the file is for network '%.40s', "
			 "the watchlist for '%s' (pass --network)", name,
			 network_params(l->net)->name);
		*why = why_buf;
		return false;
	}
	return true;
}

/* One record with an address, amounts min/max and a time. */
static void load_record(struct watch_load *l, const json_t *r, const char *case_ref,
			const char *label, const char *source)
{
	struct watch_entry e;
	const char *why, *addr = share_str(r, "address");
	json_int_t lo = share_int(r, "min"), hi = share_int(r, "max");

	if (!watch_entry_init(&e, l->net, addr, &why)) {
		reject(l, addr, why);
		return;
	}
	watch_set_field(e.case_ref, case_ref);
	watch_set_field(e.label, label);
	watch_set_field(e.source, source);
	watch_set_field(e.date, share_str(r, "time_utc"));
	snprintf(e.signer, sizeof(e.signer), "%s", l->signer);
	if (json_is_integer(json_object_get(r, "max")) && lo >= 0 && hi >= lo &&
	    (uint64_t)hi <= AMOUNT_MAX) {
		e.has_amount = true;
		e.amount_min = amount_sat((uint64_t)lo);
		e.amount_max = amount_sat((uint64_t)hi);
	}
	queue(l, &e);
}

static const char *case_of(const struct watch_load *l, const json_t *j,
			   const char *fallback)
{
	const char *c = share_str(j, "case_ref");
	if (!*c)
		c = share_str(json_object_get(j, "case"), "ref");
	if (!*c)
		c = l->case_ref ? l->case_ref : fallback;
	return c;
}

static bool load_freeze(struct watch_load *l, const char *name, const json_t *j,
			const char **why)
{
	char source[WATCH_FIELD_MAX];
	const json_t *d;
	size_t i;
	if (!network_matches(l, j, why))
		return false;
	if (!json_is_array(json_object_get(j, "deposits"))) {
		*why = "freeze request without a 'deposits' array";
		return false;
	}
	snprintf(source, sizeof(source), "freeze request %.400s", name);
	json_array_foreach(json_object_get(j, "deposits"), i, d)
		load_record(l, d, case_of(l, j, name),
			    share_str(json_object_get(j, "venue"), "name"), source);
	return true;
}

static bool load_exits(struct watch_load *l, const char *name, const json_t *j,
		       const char **why)
{
	char source[WATCH_FIELD_MAX];
	const json_t *x;
	size_t i;
	if (!network_matches(l, j, why))
		return false;
	snprintf(source, sizeof(source), "exits of %.400s", name);
	json_array_foreach(json_object_get(j, "exits"), i, x)
		load_record(l, x, case_of(l, j, name), share_str(x, "entity"), source);
	return true;
}

/* A tag from the tag importers becomes an entry without amounts. */
static void tag_sink(void *arg, const struct tag *t)
{
	struct watch_load *l = arg;
	struct watch_entry e;
	const char *why;
	if (!watch_entry_init(&e, l->net, t->address, &why)) {
		reject(l, t->address, why);
		return;
	}
	watch_set_field(e.case_ref, l->case_ref ? l->case_ref : t->label);
	watch_set_field(e.label, t->label);
	watch_set_field(e.source, *t->source ? t->source : t->origin);
	watch_set_field(e.date, t->date);
	snprintf(e.signer, sizeof(e.signer), "%s", l->signer);
	queue(l, &e);
}

static bool load_tags(struct watch_load *l, const char *name, const char *buf,
		      size_t len, const char **why)
{
	struct tag_defaults d = { NULL, base_name(name), "other", NULL, NULL };
	struct tag_import imp;
	bool ok;
	tag_import_init(&imp, l->net, &d);
	imp.sink = tag_sink;
	imp.sink_arg = l;
	ok = tag_import_buffer(&imp, TAG_FMT_AUTO, name, buf, len, why);
	if (ok && imp.rejected && l->rejected == 0)
		snprintf(l->first_reject, sizeof(l->first_reject), "%s", imp.examples[0]);
	l->rejected += imp.rejected;
	tag_import_release(&imp);
	return ok;
}

bool watch_load_buffer(struct watch_load *l, const char *name, const char *buf,
		       size_t len, const char **why)
{
	size_t i = 0;
	json_t *j = NULL;
	bool ok;
	while (i < len && (buf[i] == ' ' || buf[i] == '\n' || buf[i] == '\r' || buf[i] == '\t'))
		i++;
	if (i < len && buf[i] == '{')
		j = json_loadb(buf, len, 0, NULL);
	if (j && strcmp(share_str(j, "format"), FREEZE_FORMAT) == 0)
		ok = load_freeze(l, name, j, why);
	else if (j && json_is_array(json_object_get(j, "exits")))
		ok = load_exits(l, name, j, why);
	else
		ok = load_tags(l, name, buf, len, why);
	json_decref(j);
	/* The watchlist's network is settled by the first file loaded. */
	if (ok)
		l->net_open = false;
	return ok;
}

static bool load_path(struct watch_load *l, const char *dir, const char *rel,
		      const char **why)
{
	char path[2 * WATCH_PATH_MAX], *buf;
	size_t len;
	bool ok;
	snprintf(path, sizeof(path), "%s/%s", dir, rel);
	ok = fileio_read(&buf, &len, path, FILE_MAX, why);
	if (ok) {
		ok = watch_load_buffer(l, rel, buf, len, why);
		free(buf);
	}
	/* *why may be why_buf already (network_matches): compose safely. */
	if (!ok)
		*why = why_fmt(why_buf, sizeof(why_buf), "%s: %s", rel, *why);
	return ok;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Loads every freeze/<slug>.json of dir, in name order; *n counts them. */
static bool load_freeze_dir(struct watch_load *l, const char *dir, size_t *n,
			    const char **why)
{
	char fdir[WATCH_PATH_MAX + 16], *names[4096], rel[600];
	struct dirent *de;
	DIR *d;
	bool ok = true;
	*n = 0;
	snprintf(fdir, sizeof(fdir), "%s/" FREEZE_DIR, dir);
	if (!(d = opendir(fdir)))
		return true;
	while ((de = readdir(d)) && *n < 4096) {
		size_t nl = strlen(de->d_name);
		if (nl <= 5 || nl >= 500 || strcmp(de->d_name + nl - 5, ".json") != 0)
			continue;
		if (!(names[(*n)++] = strdup(de->d_name)))
			abort();
	}
	closedir(d);
	qsort(names, *n, sizeof(names[0]), cmp_str);
	for (size_t i = 0; i < *n; i++) {
		snprintf(rel, sizeof(rel), FREEZE_DIR "/%s", names[i]);
		ok = ok && load_path(l, dir, rel, why);
		free(names[i]);
	}
	return ok;
}

bool watch_load_dir(struct watch_load *l, const char *dir, const char **why)
{
	static const char *const fallbacks[] = {
		"report.json", "trace.json", "exits.csv", "misp-event.json",
	};
	size_t n;
	if (!load_freeze_dir(l, dir, &n, why))
		return false;
	if (n)
		return true;
	for (size_t i = 0; i < sizeof(fallbacks) / sizeof(fallbacks[0]); i++)
		if (has_file(dir, fallbacks[i]))
			return load_path(l, dir, fallbacks[i], why);
	*why = "no freeze requests, report.json, trace.json, exits.csv or "
	       "misp-event.json in the directory";
	return false;
}

bool watch_load_commit(struct watch_load *l, struct store *s, const char **why)
{
	enum watch_net state;
	enum network net;
	if (!watch_network_get(&state, &net, s, why))
		return false;
	if (state == WATCH_NET_RECORDED && net != l->net) {
		snprintf(why_buf, sizeof(why_buf), "the watchlist is for network "
			 "'%s', the entries for '%s'", network_params(net)->name,
			 network_params(l->net)->name);
		*why = why_buf;
		return false;
	}
	watch_network_put(l->batch, l->net);
	if (!store_write(s, l->batch, true, why))
		return false;
	store_batch_clear(l->batch);
	return true;
}
