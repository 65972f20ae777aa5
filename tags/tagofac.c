/* OFAC SDN: 0xB10C lists, SDN.CSV remarks and sdn_advanced.xml features. */
#include "proceeds/tagofac.h"
#include "proceeds/tagcsv.h"

#include <ctype.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFAC_SOURCE "OFAC SDN list"
#define DCA "Digital Currency Address - "

static _Thread_local char errbuf[160];

static void ofac_import(struct tag_import *imp)
{
	imp->fallback_score = 100; /* a government list: authority data */
}

const char *tagofac_currency(char *cur, size_t cap, const char *s)
{
	size_t n = 0;
	if (strncmp(s, DCA, strlen(DCA)) != 0)
		return NULL;
	s += strlen(DCA);
	/* NOLINTNEXTLINE(clang-analyzer-core.uninitialized.Branch): s is a C string */
	while (s[n] && !isspace((unsigned char)s[n]) && s[n] != ';' && s[n] != '<')
		n++;
	if (n == 0 || n >= cap)
		return NULL;
	memcpy(cur, s, n);
	cur[n] = '\0';
	return s + n;
}

bool tagofac_parse_list(struct tag_import *imp, const char *name,
			const char *buf, size_t len, const char **why)
{
	const char *base = strrchr(name, '/');
	char cur[16] = "";
	struct tag_raw tmpl = {
		.label = OFAC_SOURCE, .source = OFAC_SOURCE,
		.category = "sanctions",
	};

	base = base ? base + 1 : name;
	if (strncmp(base, "sanctioned_addresses_", 21) == 0) {
		size_t n = strcspn(base + 21, ".");
		if (n > 0 && n < sizeof(cur))
			memcpy(cur, base + 21, n), cur[n] = '\0';
	}
	tmpl.currency = cur[0] ? cur : NULL;
	/* The file says which chain its addresses are on: an address of
	 * another chain inside it is an error of the list, so it is checked
	 * as a Bitcoin address and rejected rather than skipped. */
	if (tmpl.currency && (strcmp(cur, "XBT") == 0 || strcmp(cur, "BTC") == 0))
		tmpl.currency = NULL;
	ofac_import(imp);
	return tagcsv_parse_list(imp, buf, len, &tmpl, why);
}

/* Every "Digital Currency Address - CUR ADDR" in a remarks text. */
static void scan_remarks(struct tag_import *imp, const char *remarks,
			 const char *label, unsigned long line)
{
	const char *p = remarks;
	while ((p = strstr(p, DCA)) != NULL) {
		char cur[16], addr[ADDRESS_MAX + 8];
		const char *q = tagofac_currency(cur, sizeof(cur), p);
		size_t n = 0;
		if (!q) {
			p += strlen(DCA);
			continue;
		}
		while (*q == ' ')
			q++;
		while (q[n] && !isspace((unsigned char)q[n]) && q[n] != ';' &&
		       n + 1 < sizeof(addr))
			n++;
		memcpy(addr, q, n);
		addr[n] = '\0';
		struct tag_raw raw = {
			.address = addr, .label = label, .source = OFAC_SOURCE,
			.category = "sanctions", .currency = cur, .line = line,
		};
		tag_import_add(imp, &raw);
		p = q + n;
	}
}

static const char *sdn_field(const struct tagcsv_reader *r, size_t i)
{
	const char *s = i < r->n_fields ? r->field[i] : "";
	return strcmp(s, "-0-") == 0 ? "" : s;
}

bool tagofac_parse_sdn_csv(struct tag_import *imp, const char *buf,
			   size_t len, const char **why)
{
	struct tagcsv_reader r;
	bool have, ok;
	char label[TAG_FIELD_MAX + 1];

	ofac_import(imp);
	tagcsv_reader_init(&r, buf, len);
	while ((ok = tagcsv_next(&r, &have, why)) && have) {
		if (r.n_fields >= 12) {
			snprintf(label, sizeof(label), "%s", sdn_field(&r, 1));
			scan_remarks(imp, sdn_field(&r, 11), label, r.line);
		} else if (r.n_fields == 2) {
			snprintf(label, sizeof(label), "SDN entry %s", sdn_field(&r, 0));
			scan_remarks(imp, sdn_field(&r, 1), label, r.line);
		}
	}
	tagcsv_reader_release(&r);
	return ok;
}

/* ---- sdn_advanced.xml ---- */

static bool is(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

/* The first descendant element of n named name (depth first), or NULL. */
static xmlNode *find(xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next) {
		xmlNode *hit;
		if (is(c, name))
			return c;
		if ((hit = find(c, name)) != NULL)
			return hit;
	}
	return NULL;
}

/* Text content of n, blank-trimmed, into buf. */
static void text_of(char *buf, size_t cap, xmlNode *n)
{
	xmlChar *t = n ? xmlNodeGetContent(n) : NULL;
	const char *s = t ? (const char *)t : "";
	size_t len;

	while (isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	if (len >= cap)
		len = cap - 1;
	memcpy(buf, s, len);
	buf[len] = '\0';
	xmlFree(t);
}

/* FeatureType ID -> currency, for every "Digital Currency Address - *". */
struct ftypes {
	size_t n, cap;
	struct { char id[32]; char cur[16]; } *v;
};

static void collect_ftypes(struct ftypes *ft, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "FeatureType")) {
			char text[128], cur[16];
			xmlChar *id = xmlGetProp(c, (const xmlChar *)"ID");
			text_of(text, sizeof(text), c);
			if (id && tagofac_currency(cur, sizeof(cur), text) &&
			    strlen((const char *)id) < 32) {
				if (ft->n == ft->cap) {
					ft->cap = ft->cap ? ft->cap * 2 : 16;
					ft->v = realloc(ft->v, ft->cap * sizeof(*ft->v));
					if (!ft->v)
						abort();
				}
				snprintf(ft->v[ft->n].id, 32, "%s", (const char *)id);
				snprintf(ft->v[ft->n].cur, 16, "%s", cur);
				ft->n++;
			}
			xmlFree(id);
		} else if (c->type == XML_ELEMENT_NODE && !is(c, "DistinctParties")) {
			collect_ftypes(ft, c);
		}
	}
}

static const char *ftype_currency(const struct ftypes *ft, const xmlChar *id)
{
	for (size_t i = 0; id && i < ft->n; i++)
		if (strcmp(ft->v[i].id, (const char *)id) == 0)
			return ft->v[i].cur;
	return NULL;
}

/* The profile's primary name: NamePartValue of the Alias Primary="true". */
static void primary_name(char *buf, size_t cap, xmlNode *profile)
{
	xmlNode *first = NULL;
	buf[0] = '\0';
	for (xmlNode *a = find(profile, "Alias"); a; a = a->next) {
		xmlChar *pr;
		if (!is(a, "Alias"))
			continue;
		if (!first)
			first = a;
		pr = xmlGetProp(a, (const xmlChar *)"Primary");
		bool primary = pr && strcmp((const char *)pr, "true") == 0;
		xmlFree(pr);
		if (primary) {
			text_of(buf, cap, find(a, "NamePartValue"));
			return;
		}
	}
	text_of(buf, cap, find(first, "NamePartValue"));
}

struct xml_ctx {
	struct tag_import *imp;
	const struct ftypes *ft;
	char date[16];
	char name[TAG_FIELD_MAX + 1];
};

/* Every Feature of a digital-currency type below n, with its address. */
static void walk_features(struct xml_ctx *x, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (!is(c, "Feature")) {
			walk_features(x, c);
			continue;
		}
		xmlChar *id = xmlGetProp(c, (const xmlChar *)"FeatureTypeID");
		const char *cur = ftype_currency(x->ft, id);
		xmlFree(id);
		xmlNode *vd = cur ? find(c, "VersionDetail") : NULL;
		if (!vd)
			continue;
		char addr[ADDRESS_MAX + 8];
		text_of(addr, sizeof(addr), vd);
		struct tag_raw raw = {
			.address = addr, .label = x->name, .source = OFAC_SOURCE,
			.category = "sanctions", .currency = cur, .date = x->date,
			.line = (unsigned long)xmlGetLineNo(vd),
		};
		tag_import_add(x->imp, &raw);
	}
}

static void walk_profiles(struct xml_ctx *x, xmlNode *n)
{
	for (xmlNode *c = n->children; c; c = c->next) {
		if (is(c, "Profile")) {
			primary_name(x->name, sizeof(x->name), c);
			walk_features(x, c);
		} else if (c->type == XML_ELEMENT_NODE) {
			walk_profiles(x, c);
		}
	}
}

static void issue_date(char out[16], xmlNode *root)
{
	xmlNode *d = NULL;
	char y[8], m[8], day[8];
	for (xmlNode *c = root->children; c && !d; c = c->next)
		if (is(c, "DateOfIssue"))
			d = c;
	out[0] = '\0';
	if (!d)
		return;
	text_of(y, sizeof(y), find(d, "Year"));
	text_of(m, sizeof(m), find(d, "Month"));
	text_of(day, sizeof(day), find(d, "Day"));
	if (y[0] && m[0] && day[0])
		/* At most 7 characters each: atoi cannot overflow; a
		 * non-number shows as 00. */
		snprintf(out, 16, "%s-%02d-%02d", y, atoi(m), atoi(day)); /* NOLINT(cert-err34-c) */
}

bool tagofac_parse_sdn_xml(struct tag_import *imp, const char *buf,
			   size_t len, const char **why)
{
	struct ftypes ft = { 0 };
	struct xml_ctx x = { .imp = imp, .ft = &ft };
	xmlDoc *doc;
	xmlNode *root;

	if (len > (size_t)INT32_MAX) {
		*why = "file too large for XML";
		return false;
	}
	doc = xmlReadMemory(buf, (int)len, "sdn_advanced.xml", NULL,
			    XML_PARSE_NONET | XML_PARSE_NOERROR |
			    XML_PARSE_NOWARNING);
	if (!doc) {
		const xmlError *e = xmlGetLastError();
		snprintf(errbuf, sizeof(errbuf), "line %d: %s", e ? e->line : 0,
			 e && e->message ? e->message : "malformed XML");
		errbuf[strcspn(errbuf, "\n")] = '\0';
		*why = errbuf;
		return false;
	}
	root = xmlDocGetRootElement(doc);
	collect_ftypes(&ft, root);
	if (ft.n == 0) {
		free(ft.v);
		xmlFreeDoc(doc);
		*why = "no FeatureType named \"" DCA "...\": not sdn_advanced.xml";
		return false;
	}
	ofac_import(imp);
	issue_date(x.date, root);
	walk_profiles(&x, root);
	free(ft.v);
	xmlFreeDoc(doc);
	return true;
}
