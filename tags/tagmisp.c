/* MISP event JSON over jansson. */
#include "proceeds/tagmisp.h"

#include <jansson.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char errbuf[200];

struct misp_event {
	char label[TAG_FIELD_MAX + 1];
	char source[TAG_FIELD_MAX + 1];
	char category[TAG_FIELD_MAX + 1];  /* the tag that mapped, or "" */
	const char *date;                  /* borrowed from the JSON */
};

static const char *str(const json_t *obj, const char *key)
{
	const char *s = json_string_value(json_object_get(obj, key));
	return s ? s : "";
}

/* The category word handed to the importer for a mapped MISP tag. */
static const char *category_word(const char *tagname, char *buf, size_t cap)
{
	const char *parts[3];
	size_t n = 0;
	snprintf(buf, cap, "%s", tagname);
	char *eq = strchr(buf, '=');
	if (eq) {
		*eq = '\0';
		char *v = eq + 1 + (eq[1] == '"');
		v[strcspn(v, "\"")] = '\0';
		parts[n++] = v;
	}
	char *colon = strrchr(buf, ':');
	if (colon) {
		*colon = '\0';
		parts[n++] = colon + 1;
	}
	parts[n++] = buf;
	for (size_t i = 0; i < n; i++)
		if (tag_category_map(parts[i], NULL) != TAG_CAT_OTHER)
			return parts[i];
	return NULL;
}

static void event_meta(struct misp_event *m, const json_t *ev)
{
	const char *uuid = str(ev, "uuid"), *org = str(json_object_get(ev, "Orgc"), "name");
	size_t i;
	json_t *t;

	tag_set_field(m->label, str(ev, "info"));
	if (*org)
		snprintf(m->source, sizeof(m->source), "MISP event %s (%s)", uuid, org);
	else
		snprintf(m->source, sizeof(m->source), "MISP event %s", uuid);
	m->date = str(ev, "date");
	m->category[0] = '\0';
	json_array_foreach(json_object_get(ev, "Tag"), i, t) {
		const char *name = str(t, "name");
		char word[128];
		if (category_word(name, word, sizeof(word))) {
			tag_set_field(m->category, name);
			break;
		}
	}
}

static void add(struct tag_import *imp, const struct misp_event *m,
		const char *addr, const char *currency, unsigned long rec)
{
	char word[128];
	struct tag_raw raw = {
		.address = addr, .label = m->label, .source = m->source,
		.category = m->category[0] ? category_word(m->category, word, sizeof(word)) : NULL,
		.date = m->date, .currency = (currency && *currency) ? currency : NULL,
		.line = rec,
	};
	tag_import_add(imp, &raw);
}

static void attributes(struct tag_import *imp, const struct misp_event *m,
		       const json_t *ev, unsigned long *rec)
{
	size_t i;
	json_t *a;
	json_array_foreach(json_object_get(ev, "Attribute"), i, a) {
		++*rec;
		if (strcmp(str(a, "type"), "btc") == 0)
			add(imp, m, str(a, "value"), NULL, *rec);
	}
}

/* The address relation of an object that carries one, and its currency. */
static void object(struct tag_import *imp, const struct misp_event *m,
		   const json_t *obj, unsigned long *rec)
{
	const char *name = str(obj, "name"), *rel = NULL, *symbol = NULL;
	size_t i;
	json_t *a;

	if (strcmp(name, "btc-wallet") == 0)
		rel = "wallet-address";
	else if (strcmp(name, "btc-transaction") == 0)
		rel = "btc-address";
	else if (strcmp(name, "coin-address") == 0 ||
		 strcmp(name, "cryptocurrency-transaction") == 0)
		rel = "address";
	if (!rel)
		return;
	json_array_foreach(json_object_get(obj, "Attribute"), i, a)
		if (strcmp(str(a, "object_relation"), "symbol") == 0)
			symbol = str(a, "value");
	json_array_foreach(json_object_get(obj, "Attribute"), i, a) {
		++*rec;
		if (strcmp(str(a, "object_relation"), rel) == 0)
			add(imp, m, str(a, "value"), symbol, *rec);
	}
}

static void event(struct tag_import *imp, const json_t *ev, unsigned long *rec)
{
	struct misp_event m;
	size_t i;
	json_t *o;

	event_meta(&m, ev);
	attributes(imp, &m, ev, rec);
	json_array_foreach(json_object_get(ev, "Object"), i, o)
		object(imp, &m, o, rec);
}

/* An element of the input: {"Event": {...}} or a bare event. */
static bool one(struct tag_import *imp, const json_t *j, unsigned long *rec)
{
	const json_t *ev = json_object_get(j, "Event");
	if (!ev && (json_object_get(j, "Attribute") || json_object_get(j, "Object")))
		ev = j;
	if (!json_is_object(ev))
		return false;
	event(imp, ev, rec);
	return true;
}

bool tagmisp_parse(struct tag_import *imp, const char *buf, size_t len,
		   const char **why)
{
	json_error_t err;
	json_t *root = json_loadb(buf, len, 0, &err), *list, *v;
	unsigned long rec = 0;
	size_t i, events = 0;

	if (!root) {
		snprintf(errbuf, sizeof(errbuf), "line %d: %.150s", err.line, err.text);
		*why = errbuf;
		return false;
	}
	list = json_is_array(root) ? root : json_object_get(root, "response");
	if (json_is_array(list)) {
		json_array_foreach(list, i, v)
			events += one(imp, v, &rec);
	} else {
		events += one(imp, root, &rec);
	}
	json_decref(root);
	if (events == 0) {
		*why = "no MISP event found";
		return false;
	}
	return true;
}
