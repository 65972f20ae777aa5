/* One tag file into the store: detect, parse, check, map, write once. */
#include "proceeds/tagimport.h"
#include "proceeds/tagcsv.h"
#include "proceeds/tagmisp.h"
#include "proceeds/tagofac.h"
#include "proceeds/tagpack.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

static const char *const format_names[] = {
	"auto", "csv", "list", "tagpack", "ofac", "sdn-csv", "sdn-xml", "misp",
};

const char *tag_format_name(enum tag_format f)
{
	switch (f) {
	case TAG_FMT_AUTO:
	case TAG_FMT_CSV:
	case TAG_FMT_LIST:
	case TAG_FMT_TAGPACK:
	case TAG_FMT_OFAC:
	case TAG_FMT_SDN_CSV:
	case TAG_FMT_SDN_XML:
	case TAG_FMT_MISP:
		return format_names[f];
	}
	return "auto";
}

bool tag_format_from_name(enum tag_format *out, const char *name)
{
	for (unsigned i = 0; i < sizeof(format_names) / sizeof(format_names[0]); i++) {
		if (strcmp(format_names[i], name) == 0) {
			*out = (enum tag_format)i;
			return true;
		}
	}
	*out = TAG_FMT_AUTO;
	return false;
}

static const char *base_name(const char *name)
{
	const char *slash = strrchr(name, '/');
	return slash ? slash + 1 : name;
}

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcasecmp(s + n - m, suffix) == 0;
}

/* The first JSON value inside an array starts with a quote: a list. */
static bool json_array_of_strings(const char *p, const char *end)
{
	for (p++; p < end && isspace((unsigned char)*p); p++)
		;
	return p < end && *p == '"';
}

static bool looks_yaml(const char *buf, size_t len, const char *base)
{
	if (has_suffix(base, ".yaml") || has_suffix(base, ".yml"))
		return true;
	if (len >= 3 && memcmp(buf, "---", 3) == 0)
		return true;
	if (len >= 6 && memcmp(buf, "title:", 6) == 0)
		return true;
	return memmem(buf, len < 65536 ? len : 65536, "\ntags:", 6) != NULL;
}

enum tag_format tag_format_detect(const char *name, const char *buf,
				  size_t len)
{
	const char *base = base_name(name), *p = buf, *end = buf + len;
	const char *nl;

	if (strncmp(base, "sanctioned_addresses_", 21) == 0)
		return TAG_FMT_OFAC;
	if (len >= 3 && memcmp(p, "\xef\xbb\xbf", 3) == 0)
		p += 3;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '<')
		return TAG_FMT_SDN_XML;
	if (p < end && *p == '{')
		return TAG_FMT_MISP;
	if (p < end && *p == '[')
		return json_array_of_strings(p, end) ? TAG_FMT_LIST : TAG_FMT_MISP;
	if (memmem(p, (size_t)(end - p), "Digital Currency Address - ", 27))
		return TAG_FMT_SDN_CSV;
	if (looks_yaml(p, (size_t)(end - p), base))
		return TAG_FMT_TAGPACK;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (memchr(p, ',', (size_t)((nl ? nl : end) - p)))
		return TAG_FMT_CSV;
	return TAG_FMT_LIST;
}

void tag_import_init(struct tag_import *imp, enum network net,
		     const struct tag_defaults *defaults)
{
	time_t now = time(NULL);
	struct tm tm;

	memset(imp, 0, sizeof(*imp));
	imp->net = net;
	if (defaults)
		imp->defaults = *defaults;
	imp->fallback_score = 50;
	gmtime_r(&now, &tm);
	strftime(imp->imported, sizeof(imp->imported), "%Y-%m-%d", &tm);
	imp->batch = store_batch_new();
}

void tag_import_release(struct tag_import *imp)
{
	store_batch_free(imp->batch);
	imp->batch = NULL;
}

void tag_import_reject(struct tag_import *imp, const char *addr,
		       unsigned long line, const char *why)
{
	char shown[64];
	size_t n = 0;

	imp->rejected++;
	if (imp->n_examples >= TAG_IMPORT_EXAMPLES)
		return;
	for (; addr && addr[n] && n + 4 < sizeof(shown); n++)
		shown[n] = isprint((unsigned char)addr[n]) ? addr[n] : '?';
	if (addr && addr[n])
		memcpy(shown + n, "...", 3), n += 3;
	shown[n] = '\0';
	if (line)
		snprintf(imp->examples[imp->n_examples++], TAG_EXAMPLE_MAX,
			 "'%s' (line %lu): %s", shown, line, why);
	else
		snprintf(imp->examples[imp->n_examples++], TAG_EXAMPLE_MAX,
			 "'%s': %s", shown, why);
}

static bool empty(const char *s)
{
	return s == NULL || *s == '\0';
}

static const char *pick(const char *given, const char *fallback)
{
	return empty(given) ? fallback : given;
}

/* Blank-trimmed copy of s into buf (cap bytes); false if it does not fit. */
static bool trimmed(char *buf, size_t cap, const char *s)
{
	size_t len;
	while (*s && isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= cap)
		return false;
	memcpy(buf, s, len);
	buf[len] = '\0';
	return true;
}

static bool bitcoin_currency(const char *cur)
{
	char c[16];
	if (empty(cur))
		return true;
	if (!trimmed(c, sizeof(c), cur))
		return false;
	return c[0] == '\0' || strcasecmp(c, "BTC") == 0 ||
	       strcasecmp(c, "XBT") == 0 || strcasecmp(c, "bitcoin") == 0 ||
	       strcasecmp(c, "TBTC") == 0;
}

static bool field_ok(const char *s)
{
	return s == NULL || strlen(s) <= TAG_FIELD_MAX;
}

/* Fills the text fields of t from raw and the defaults. */
static void fill_fields(struct tag *t, const struct tag_import *imp,
			const struct tag_raw *raw)
{
	const struct tag_defaults *d = &imp->defaults;
	const char *cat = pick(raw->category, d->category);
	char orig[TAG_FIELD_MAX + 1];

	tag_set_field(t->label, pick(raw->label, pick(d->label, pick(raw->source, d->source))));
	tag_set_field(t->source, pick(raw->source, d->source));
	tag_set_field(t->confidence, pick(raw->confidence, d->confidence));
	tag_set_field(t->date, pick(raw->date, d->date));
	tag_set_field(t->origin, imp->origin);
	memcpy(t->imported, imp->imported, sizeof(t->imported));
	if (!empty(raw->abuse) && !empty(cat))
		snprintf(orig, sizeof(orig), "abuse=%s category=%s", raw->abuse, cat);
	else if (!empty(raw->abuse))
		snprintf(orig, sizeof(orig), "abuse=%s", raw->abuse);
	else
		snprintf(orig, sizeof(orig), "%s", empty(cat) ? "" : cat);
	tag_set_field(t->category_orig, orig);
	t->category = tag_category_map(cat, raw->abuse);
}

static bool check_raw(struct tag_import *imp, const struct tag_raw *raw,
		      char addr[ADDRESS_MAX])
{
	const struct tag_defaults *d = &imp->defaults;
	if (empty(raw->address)) {
		tag_import_reject(imp, "", raw->line, "no address");
		return false;
	}
	if (!trimmed(addr, ADDRESS_MAX, raw->address)) {
		tag_import_reject(imp, raw->address, raw->line, "address too long");
		return false;
	}
	if (!field_ok(raw->label) || !field_ok(raw->source) ||
	    !field_ok(raw->category) || !field_ok(raw->abuse) ||
	    !field_ok(raw->confidence) || !field_ok(raw->date)) {
		tag_import_reject(imp, addr, raw->line, "a field is longer than 1024 bytes");
		return false;
	}
	if (empty(pick(raw->label, pick(d->label, pick(raw->source, d->source))))) {
		tag_import_reject(imp, addr, raw->line, "no label and no source");
		return false;
	}
	return true;
}

void tag_import_add(struct tag_import *imp, const struct tag_raw *raw)
{
	struct tag t;
	struct address a;
	const char *why;
	uint8_t key[TAG_KEY_MAX], *val;
	size_t klen, vlen;

	if (!bitcoin_currency(raw->currency)) {
		imp->skipped++;
		return;
	}
	if (!check_raw(imp, raw, t.address))
		return;
	if (!address_decode(&a, imp->net, t.address, &why)) {
		tag_import_reject(imp, t.address, raw->line, why);
		return;
	}
	t.owner_key_len = script_owner_key(t.owner_key, a.script, a.script_len);
	fill_fields(&t, imp, raw);
	if (!tag_confidence_score(&t.score, t.confidence, imp->fallback_score))
		imp->unknown_confidence++;
	if (imp->sink) {
		imp->sink(imp->sink_arg, &t);
		imp->accepted++;
		return;
	}
	klen = tag_key(key, &t);
	val = tag_encode(&vlen, &t);
	store_batch_put(imp->batch, key, klen, val, vlen);
	free(val);
	imp->accepted++;
}

static bool parse_as(struct tag_import *imp, enum tag_format fmt,
		     const char *name, const char *buf, size_t len,
		     const char **why)
{
	switch (fmt) {
	case TAG_FMT_AUTO:
	case TAG_FMT_CSV:
		return tagcsv_parse(imp, buf, len, why);
	case TAG_FMT_LIST:
		if (empty(imp->defaults.source) || empty(imp->defaults.category)) {
			*why = "a plain list of addresses needs --source and --category";
			return false;
		}
		return tagcsv_parse_list(imp, buf, len, NULL, why);
	case TAG_FMT_TAGPACK:
		return tagpack_parse(imp, buf, len, why);
	case TAG_FMT_OFAC:
		return tagofac_parse_list(imp, name, buf, len, why);
	case TAG_FMT_SDN_CSV:
		return tagofac_parse_sdn_csv(imp, buf, len, why);
	case TAG_FMT_SDN_XML:
		return tagofac_parse_sdn_xml(imp, buf, len, why);
	case TAG_FMT_MISP:
		return tagmisp_parse(imp, buf, len, why);
	}
	*why = "unknown format";
	return false;
}

/* libxml2's and jansson's messages quote the bytes they stopped at: a
 * control byte from a hostile file must not reach the terminal or log. */
static const char *printable(const char *why)
{
	static _Thread_local char buf[256];
	size_t n = 0;

	for (; why[n] && n + 1 < sizeof(buf); n++) {
		unsigned char c = (unsigned char)why[n];
		buf[n] = c < 0x20 || c == 0x7f ? '?' : (char)c;
	}
	buf[n] = '\0';
	return buf;
}

bool tag_import_buffer(struct tag_import *imp, enum tag_format fmt,
		       const char *name, const char *buf, size_t len,
		       const char **why)
{
	if (fmt == TAG_FMT_AUTO)
		fmt = tag_format_detect(name, buf, len);
	snprintf(imp->origin, sizeof(imp->origin), "%s:%s", tag_format_name(fmt),
		 base_name(name));
	if (parse_as(imp, fmt, name, buf, len, why))
		return true;
	*why = printable(*why);
	return false;
}

bool tag_import_commit(struct tag_import *imp, struct store *s,
		       const char **why)
{
	if (!store_write(s, imp->batch, false, why))
		return false;
	store_batch_clear(imp->batch);
	return true;
}
