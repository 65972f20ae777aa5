/* Reading a trace result for sharing, and the sharing writers' helpers. */
#include "proceeds/sharetrace.h"
#include "proceeds/reporthtml.h"
#include "proceeds/hex.h"
#include "proceeds/jcs.h"

#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static _Thread_local char why_buf[4096 + 256];

const uint8_t share_uuid_ns[16] = {
	0xb9, 0xcb, 0x4f, 0x7e, 0xb2, 0x1f, 0x57, 0x3d,
	0xab, 0xde, 0xf1, 0x47, 0x20, 0x40, 0xab, 0x54,
};

bool share_trace_sha256(char hex[65], const json_t *trace)
{
	unsigned char h[32];
	const char *why;
	hex[0] = '\0';
	if (!jcs_sha256(h, trace, &why))
		return false;
	hex_encode(hex, h, 32);
	return true;
}

const char *share_request_name(enum share_request r)
{
	switch (r) {
	case SHARE_FREEZE:
		return "freeze";
	case SHARE_INFORM:
		return "inform";
	}
	return "freeze";
}

bool share_request_from_name(enum share_request *out, const char *s)
{
	if (strcmp(s, "freeze") == 0)
		*out = SHARE_FREEZE;
	else if (strcmp(s, "inform") == 0)
		*out = SHARE_INFORM;
	else
		return false;
	return true;
}

const char *share_str(const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));
	return s ? s : "";
}

json_int_t share_int(const json_t *o, const char *key)
{
	return json_integer_value(json_object_get(o, key));
}

static bool check_array(const json_t *trace, const char *key, const char *need,
			const char **why)
{
	const json_t *a = json_object_get(trace, key), *v;
	size_t i;
	if (!json_is_array(a)) {
		snprintf(why_buf, sizeof(why_buf), "trace has no '%s' array", key);
		*why = why_buf;
		return false;
	}
	json_array_foreach(a, i, v) {
		if (!json_is_object(v) || (need && !*share_str(v, need))) {
			snprintf(why_buf, sizeof(why_buf), "%s[%zu]: %s", key, i,
				 need ? "no string member" : "not an object");
			if (need)
				snprintf(why_buf + strlen(why_buf),
					 sizeof(why_buf) - strlen(why_buf), " '%s'", need);
			*why = why_buf;
			return false;
		}
	}
	return true;
}

bool share_trace_check(const json_t *trace, const char **why)
{
	if (!json_is_object(trace)) {
		*why = "trace is not a JSON object";
		return false;
	}
	if (strcmp(share_str(trace, "format"), "proceeds-trace/1") != 0) {
		*why = "not a trace result (format is not \"proceeds-trace/1\")";
		return false;
	}
	return check_array(trace, "seeds", "outpoint", why) &&
	       check_array(trace, "hops", "outpoint", why) &&
	       check_array(trace, "exits", "entity", why) &&
	       check_array(trace, "exits", "outpoint", why) &&
	       check_array(trace, "entities", "entity", why);
}

static bool printable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return false;
	return true;
}

bool share_meta_check(const struct share_meta *m, const char **why)
{
	if (!m->case_ref || !*m->case_ref || strlen(m->case_ref) > 200 ||
	    !printable(m->case_ref)) {
		*why = "a case reference of 1-200 printable characters is required";
		return false;
	}
	if (m->contact && (strlen(m->contact) > 500 || !printable(m->contact))) {
		*why = "the contact must be at most 500 printable characters";
		return false;
	}
	return true;
}

void share_slug(char out[SHARE_SLUG_MAX], const char *name)
{
	size_t n = 0;
	bool dash = false;
	for (const char *p = name; *p && n < 60; p++) {
		char c = *p;
		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
			if (dash && n > 0)
				out[n++] = '-';
			if (n < 60)
				out[n++] = c;
			dash = false;
		} else {
			dash = true;
		}
	}
	out[n] = '\0';
	if (n == 0)
		snprintf(out, SHARE_SLUG_MAX, "entity");
}

json_t *share_entity_slugs(const json_t *trace)
{
	json_t *out = json_array(), *seen = json_object(), *e;
	size_t i;
	char base[SHARE_SLUG_MAX], slug[SHARE_SLUG_MAX + 16];

	json_array_foreach(json_object_get(trace, "entities"), i, e) {
		share_slug(base, share_str(e, "entity"));
		snprintf(slug, sizeof(slug), "%s", base);
		for (unsigned k = 2; json_object_get(seen, slug); k++)
			snprintf(slug, sizeof(slug), "%s-%u", base, k);
		json_object_set_new(seen, slug, json_true());
		json_array_append_new(out, json_string(slug));
	}
	json_decref(seen);
	return out;
}

/* Marks outpoint op and, through the hops' spent_from, every outpoint it
 * came from. index maps outpoint -> hop position. */
static void mark_back(json_t *marked, const json_t *index, const json_t *hops,
		      const char *op)
{
	json_t *stack = json_array();
	json_array_append_new(stack, json_string(op));
	while (json_array_size(stack) > 0) {
		size_t last = json_array_size(stack) - 1, i;
		char *cur = strdup(json_string_value(json_array_get(stack, last)));
		json_t *h, *src;
		json_array_remove(stack, last);
		if (!cur)
			abort();
		if (!json_object_get(marked, cur)) {
			json_object_set_new(marked, cur, json_true());
			h = json_array_get(hops, (size_t)json_integer_value(
							 json_object_get(index, cur)));
			if (json_object_get(index, cur))
				json_array_foreach(json_object_get(h, "spent_from"), i, src)
					if (json_is_string(src))
						json_array_append(stack, src);
		}
		free(cur);
	}
	json_decref(stack);
}

/* Copies of the records of arr whose outpoint is marked, in order. */
static json_t *marked_records(const json_t *arr, const json_t *marked)
{
	json_t *out = json_array(), *r;
	size_t i;
	json_array_foreach(arr, i, r)
		if (json_object_get(marked, share_str(r, "outpoint")))
			json_array_append_new(out, json_deep_copy(r));
	return out;
}

json_t *share_path(const json_t *trace, const char *entity)
{
	const json_t *hops = json_object_get(trace, "hops");
	json_t *index = json_object(), *marked = json_object(), *r, *out;
	size_t i;

	json_array_foreach(hops, i, r)
		json_object_set_new(index, share_str(r, "outpoint"),
				    json_integer((json_int_t)i));
	json_array_foreach(json_object_get(trace, "exits"), i, r)
		if (strcmp(share_str(r, "entity"), entity) == 0)
			mark_back(marked, index, hops, share_str(r, "outpoint"));
	out = json_pack("{s:o, s:o}", "seeds",
			marked_records(json_object_get(trace, "seeds"), marked),
			"hops", marked_records(hops, marked));
	json_decref(index);
	json_decref(marked);
	return out;
}

void share_utc(char out[SHARE_UTC_LEN], int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!gmtime_r(&tt, &tm)) {
		snprintf(out, SHARE_UTC_LEN, "1970-01-01T00:00:00Z");
		return;
	}
	strftime(out, SHARE_UTC_LEN, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static int64_t max_time(const json_t *arr, int64_t t)
{
	const json_t *r;
	size_t i;
	json_array_foreach(arr, i, r)
		if (share_int(r, "time") > t)
			t = share_int(r, "time");
	return t;
}

int64_t share_trace_time(const json_t *trace)
{
	int64_t t = max_time(json_object_get(trace, "seeds"), 0);
	t = max_time(json_object_get(trace, "hops"), t);
	return max_time(json_object_get(trace, "exits"), t);
}

void share_buf_init(struct share_buf *b)
{
	memset(b, 0, sizeof(*b));
}

void share_buf_release(struct share_buf *b)
{
	free(b->p);
	share_buf_init(b);
}

static void buf_reserve(struct share_buf *b, size_t more)
{
	if (b->len + more + 1 <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 4096;
	while (cap < b->len + more + 1)
		cap *= 2;
	char *p = realloc(b->p, cap);
	if (!p)
		abort();
	b->p = p;
	b->cap = cap;
}

void share_buf_printf(struct share_buf *b, const char *fmt, ...)
{
	va_list ap;
	int n;
	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		abort();
	buf_reserve(b, (size_t)n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
	va_end(ap);
	b->len += (size_t)n;
}

void share_buf_html(struct share_buf *b, const char *s)
{
	for (; *s; s++) {
		const char *ent = reporthtml_entity((unsigned char)*s);
		if (ent)
			share_buf_printf(b, "%s", ent);
		else
			share_buf_printf(b, "%c", *s);
	}
}

void share_uuid5(char out[SHARE_UUID_LEN], const uint8_t ns[16],
		 const char *name, size_t len)
{
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned dlen = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha1(), NULL) ||
	    !EVP_DigestUpdate(ctx, ns, 16) || !EVP_DigestUpdate(ctx, name, len) ||
	    !EVP_DigestFinal_ex(ctx, d, &dlen))
		abort();
	EVP_MD_CTX_free(ctx);
	d[6] = (unsigned char)((d[6] & 0x0f) | 0x50);
	d[8] = (unsigned char)((d[8] & 0x3f) | 0x80);
	snprintf(out, SHARE_UUID_LEN,
		 "%02x%02x%02x%02x-%02x%02x-%02x%02x-%02x%02x-%02x%02x%02x%02x%02x%02x",
		 d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10],
		 d[11], d[12], d[13], d[14], d[15]);
}

/* mkdir -p of the parent directories of dir/rel. */
static bool make_parents(const char *path, const char **why)
{
	char tmp[4096];
	snprintf(tmp, sizeof(tmp), "%s", path);
	for (char *p = tmp + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(tmp, 0755) != 0 && errno != EEXIST) {
			snprintf(why_buf, sizeof(why_buf), "%s: %s", tmp, strerror(errno));
			*why = why_buf;
			return false;
		}
		*p = '/';
	}
	return true;
}

static bool write_all(int fd, const char *buf, size_t len)
{
	while (len > 0) {
		ssize_t n = write(fd, buf, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		buf += n;
		len -= (size_t)n;
	}
	return true;
}

bool share_write_file(const char *dir, const char *rel, const char *buf,
		      size_t len, const char **why)
{
	char path[4096], tmp[4200];
	int fd;

	if ((size_t)snprintf(path, sizeof(path), "%s/%s", dir, rel) >= sizeof(path)) {
		*why = "path too long";
		return false;
	}
	if (!make_parents(path, why))
		return false;
	snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || !write_all(fd, buf, len) || fsync(fd) != 0) {
		snprintf(why_buf, sizeof(why_buf), "%s: %s", rel, strerror(errno));
		*why = why_buf;
		if (fd >= 0)
			close(fd);
		unlink(tmp);
		return false;
	}
	if (close(fd) != 0 || rename(tmp, path) != 0) {
		snprintf(why_buf, sizeof(why_buf), "%s: %s", rel, strerror(errno));
		*why = why_buf;
		unlink(tmp);
		return false;
	}
	return true;
}

bool share_write_json(const char *dir, const char *rel, const json_t *j,
		      const char **why)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
				       JSON_REAL_PRECISION(16));
	bool ok;
	if (!s) {
		*why = "cannot serialise JSON";
		return false;
	}
	size_t n = strlen(s);
	char *t = realloc(s, n + 2);
	if (!t) {
		free(s);
		*why = "out of memory";
		return false;
	}
	t[n] = '\n';
	t[n + 1] = '\0';
	ok = share_write_file(dir, rel, t, n + 1, why);
	free(t);
	return ok;
}
