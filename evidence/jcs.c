/* RFC 8785 canonical JSON. Only the subset proceeds writes: objects,
 * arrays, strings, safe integers, true, false, null. */
#include "proceeds/jcs.h"
#include "proceeds/hash.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define JCS_MAX_DEPTH 1000

struct jbuf {
	char *p;
	size_t len, cap;
	bool oom;
};

static void jb_put(struct jbuf *b, const void *data, size_t n)
{
	if (b->oom)
		return;
	if (b->len + n + 1 > b->cap) {
		size_t cap = b->cap ? b->cap : 256;
		while (b->len + n + 1 > cap)
			cap *= 2;
		char *np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, n);
	b->len += n;
	b->p[b->len] = '\0';
}

static void jb_putc(struct jbuf *b, char c)
{
	jb_put(b, &c, 1);
}

/* Decodes one code point at s[*i], strictly: no overlong forms, no
 * surrogates, nothing above U+10FFFF. */
static bool utf8_next(uint32_t *cp, const uint8_t *s, size_t len, size_t *i)
{
	uint8_t c = s[*i];
	size_t n;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		(*i)++;
		return true;
	}
	if ((c & 0xe0) == 0xc0) {
		n = 1, v = c & 0x1f, min = 0x80;
	} else if ((c & 0xf0) == 0xe0) {
		n = 2, v = c & 0x0f, min = 0x800;
	} else if ((c & 0xf8) == 0xf0) {
		n = 3, v = c & 0x07, min = 0x10000;
	} else {
		return false;
	}
	if (*i + n >= len)
		return false;
	for (size_t k = 1; k <= n; k++) {
		if ((s[*i + k] & 0xc0) != 0x80)
			return false;
		v = (v << 6) | (s[*i + k] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return false;
	*cp = v;
	*i += n + 1;
	return true;
}

static bool utf8_valid(const char *s, size_t len)
{
	uint32_t cp;
	for (size_t i = 0; i < len;)
		if (!utf8_next(&cp, (const uint8_t *)s, len, &i))
			return false;
	return true;
}

/* A stream of UTF-16 code units over a UTF-8 string. */
struct u16_iter {
	const uint8_t *s;
	size_t len, i;
	uint16_t pending; /* low surrogate still to deliver, or 0 */
};

/* Next code unit, or -1 at the end. */
static int32_t u16_next(struct u16_iter *it)
{
	uint32_t cp;
	if (it->pending) {
		uint16_t u = it->pending;
		it->pending = 0;
		return u;
	}
	if (it->i >= it->len)
		return -1;
	if (!utf8_next(&cp, it->s, it->len, &it->i)) {
		/* Contract broken (callers validate): order by the raw byte. */
		return 0x10000 + it->s[it->i++];
	}
	if (cp < 0x10000)
		return (int32_t)cp;
	cp -= 0x10000;
	it->pending = (uint16_t)(0xdc00 | (cp & 0x3ff));
	return (int32_t)(0xd800 | (cp >> 10));
}

int jcs_key_cmp(const char *a, size_t alen, const char *b, size_t blen)
{
	struct u16_iter ia = { (const uint8_t *)a, alen, 0, 0 };
	struct u16_iter ib = { (const uint8_t *)b, blen, 0, 0 };
	for (;;) {
		int32_t ua = u16_next(&ia), ub = u16_next(&ib);
		if (ua != ub)
			return ua < ub ? -1 : 1;
		if (ua < 0)
			return 0;
	}
}

/* RFC 8785 3.2.2.2: the escapes of ECMAScript's JSON.stringify; every
 * other character, including U+007F and beyond, is written as itself. */
static bool put_string(struct jbuf *b, const char *s, size_t len, const char **why)
{
	static const char hexd[] = "0123456789abcdef";
	if (!utf8_valid(s, len)) {
		*why = "string is not valid UTF-8";
		return false;
	}
	jb_putc(b, '"');
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *esc = NULL;
		switch (c) {
		case '"': esc = "\\\""; break;
		case '\\': esc = "\\\\"; break;
		case '\b': esc = "\\b"; break;
		case '\f': esc = "\\f"; break;
		case '\n': esc = "\\n"; break;
		case '\r': esc = "\\r"; break;
		case '\t': esc = "\\t"; break;
		}
		if (esc) {
			jb_put(b, esc, 2);
		} else if (c < 0x20) {
			char u[6] = { '\\', 'u', '0', '0', hexd[c >> 4], hexd[c & 15] };
			jb_put(b, u, 6);
		} else {
			jb_putc(b, (char)c);
		}
	}
	jb_putc(b, '"');
	return true;
}

static bool put_integer(struct jbuf *b, json_int_t v, const char **why)
{
	char num[32];
	if (v > JCS_INT_MAX || v < -JCS_INT_MAX) {
		*why = "integer outside the exact range of JCS (+-2^53-1)";
		return false;
	}
	int n = snprintf(num, sizeof(num), "%lld", (long long)v);
	jb_put(b, num, (size_t)n);
	return true;
}

struct member {
	const char *key;
	size_t key_len;
	json_t *value;
};

static int member_cmp(const void *pa, const void *pb)
{
	const struct member *a = pa, *b = pb;
	return jcs_key_cmp(a->key, a->key_len, b->key, b->key_len);
}

static bool put_value(struct jbuf *b, const json_t *j, int depth, const char **why);

static bool put_object(struct jbuf *b, const json_t *j, int depth, const char **why)
{
	size_t n = json_object_size(j), k = 0;
	struct member *m = calloc(n ? n : 1, sizeof(*m));
	const char *key;
	size_t key_len;
	json_t *v;
	bool ok = true;

	if (!m) {
		*why = "out of memory";
		return false;
	}
	json_object_keylen_foreach((json_t *)j, key, key_len, v) {
		m[k++] = (struct member){ key, key_len, v };
	}
	qsort(m, k, sizeof(*m), member_cmp);
	jb_putc(b, '{');
	for (size_t i = 0; i < k && ok; i++) {
		if (i)
			jb_putc(b, ',');
		ok = put_string(b, m[i].key, m[i].key_len, why);
		jb_putc(b, ':');
		ok = ok && put_value(b, m[i].value, depth + 1, why);
	}
	jb_putc(b, '}');
	free(m);
	return ok;
}

static bool put_array(struct jbuf *b, const json_t *j, int depth, const char **why)
{
	jb_putc(b, '[');
	for (size_t i = 0; i < json_array_size(j); i++) {
		if (i)
			jb_putc(b, ',');
		if (!put_value(b, json_array_get(j, i), depth + 1, why))
			return false;
	}
	jb_putc(b, ']');
	return true;
}

static bool put_value(struct jbuf *b, const json_t *j, int depth, const char **why)
{
	if (depth > JCS_MAX_DEPTH) {
		*why = "JSON nested deeper than 1000 levels";
		return false;
	}
	switch (json_typeof(j)) {
	case JSON_OBJECT:
		return put_object(b, j, depth, why);
	case JSON_ARRAY:
		return put_array(b, j, depth, why);
	case JSON_STRING:
		return put_string(b, json_string_value(j), json_string_length(j), why);
	case JSON_INTEGER:
		return put_integer(b, json_integer_value(j), why);
	case JSON_REAL:
		*why = "real numbers are not allowed in canonical proceeds JSON "
		       "(amounts are integer satoshis)";
		return false;
	case JSON_TRUE:
		jb_put(b, "true", 4);
		return true;
	case JSON_FALSE:
		jb_put(b, "false", 5);
		return true;
	case JSON_NULL:
		jb_put(b, "null", 4);
		return true;
	}
	*why = "unknown JSON type";
	return false;
}

bool jcs_serialize(char **out, size_t *len, const json_t *j, const char **why)
{
	struct jbuf b = { NULL, 0, 0, false };

	*out = NULL;
	*len = 0;
	if (!j) {
		*why = "no JSON value";
		return false;
	}
	if (!put_value(&b, j, 0, why) || b.oom) {
		if (b.oom)
			*why = "out of memory";
		free(b.p);
		return false;
	}
	if (!b.p)
		jb_put(&b, "", 0);
	*out = b.p;
	*len = b.len;
	return true;
}

bool jcs_sha256(unsigned char out[32], const json_t *j, const char **why)
{
	char *s;
	size_t n;
	if (!jcs_serialize(&s, &n, j, why))
		return false;
	hash_sha256(out, s, n);
	free(s);
	return true;
}
