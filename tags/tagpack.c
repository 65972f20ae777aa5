/* GraphSense TagPacks over libyaml's event parser. Tags are collected
 * first and emitted at the end, because a header field may follow the
 * tags list in the file and still applies to every tag. */
#include "proceeds/tagpack.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

enum pack_field { PF_ADDRESS, PF_LABEL, PF_SOURCE, PF_CATEGORY, PF_ABUSE,
		  PF_CONFIDENCE, PF_LASTMOD, PF_CURRENCY, PF_TITLE, PF_COUNT };

static const char *const pack_keys[PF_COUNT] = {
	"address", "label", "source", "category", "abuse", "confidence",
	"lastmod", "currency", "title",
};

static _Thread_local char errbuf[160];

struct pack_tag {
	char *f[PF_COUNT];     /* owned, NULL when absent */
	unsigned long line;
};

struct pack {
	yaml_parser_t parser;
	struct pack_tag header;
	struct pack_tag *tags; /* owned */
	size_t n_tags, cap_tags;
	bool saw_tags;
};

static void pack_tag_free(struct pack_tag *t)
{
	for (int i = 0; i < PF_COUNT; i++)
		free(t->f[i]);
}

static bool fail_yaml(struct pack *pk, const char **why)
{
	snprintf(errbuf, sizeof(errbuf), "line %lu: %s",
		 (unsigned long)pk->parser.problem_mark.line + 1,
		 pk->parser.problem ? pk->parser.problem : "YAML error");
	*why = errbuf;
	return false;
}

static bool fail_at(struct pack *pk, const yaml_event_t *ev, const char *what,
		    const char **why)
{
	snprintf(errbuf, sizeof(errbuf), "line %lu: %s",
		 (unsigned long)ev->start_mark.line + 1, what);
	*why = errbuf;
	return false;
}

/* Next event into ev (caller deletes). */
static bool next(struct pack *pk, yaml_event_t *ev, const char **why)
{
	if (!yaml_parser_parse(&pk->parser, ev))
		return fail_yaml(pk, why);
	return true;
}

/* Skips the rest of a node whose start event was ev. */
static bool skip_node(struct pack *pk, const yaml_event_t *start,
		      const char **why)
{
	int depth = (start->type == YAML_MAPPING_START_EVENT ||
		     start->type == YAML_SEQUENCE_START_EVENT) ? 1 : 0;
	while (depth > 0) {
		yaml_event_t ev;
		if (!next(pk, &ev, why))
			return false;
		if (ev.type == YAML_MAPPING_START_EVENT ||
		    ev.type == YAML_SEQUENCE_START_EVENT)
			depth++;
		else if (ev.type == YAML_MAPPING_END_EVENT ||
			 ev.type == YAML_SEQUENCE_END_EVENT)
			depth--;
		yaml_event_delete(&ev);
	}
	return true;
}

static int field_of(const char *key)
{
	for (int i = 0; i < PF_COUNT; i++)
		if (strcmp(pack_keys[i], key) == 0)
			return i;
	return -1;
}

/* Stores a scalar value for key into t (a known field), or skips it. */
static bool take_value(struct pack *pk, struct pack_tag *t, const char *key,
		       const char **why)
{
	yaml_event_t ev;
	int f = field_of(key);

	if (!next(pk, &ev, why))
		return false;
	if (ev.type == YAML_SCALAR_EVENT && f >= 0) {
		free(t->f[f]);
		t->f[f] = strndup((const char *)ev.data.scalar.value,
				  ev.data.scalar.length);
		yaml_event_delete(&ev);
		return true;
	}
	bool ok = skip_node(pk, &ev, why);
	yaml_event_delete(&ev);
	return ok;
}

/* Reads a mapping's key/value pairs (after its start event) into t. */
static bool read_mapping(struct pack *pk, struct pack_tag *t, bool top,
			 const char **why);

static bool push_tag(struct pack *pk, struct pack_tag *t)
{
	if (pk->n_tags == pk->cap_tags) {
		size_t cap = pk->cap_tags ? pk->cap_tags * 2 : 256;
		struct pack_tag *n = realloc(pk->tags, cap * sizeof(*n));
		if (!n)
			return false;
		pk->tags = n;
		pk->cap_tags = cap;
	}
	pk->tags[pk->n_tags++] = *t;
	return true;
}

/* The `tags` value: a sequence of mappings. */
static bool read_tags(struct pack *pk, const char **why)
{
	yaml_event_t ev;
	if (!next(pk, &ev, why))
		return false;
	if (ev.type != YAML_SEQUENCE_START_EVENT) {
		bool ok = fail_at(pk, &ev, "tags is not a list", why);
		yaml_event_delete(&ev);
		return ok;
	}
	yaml_event_delete(&ev);
	pk->saw_tags = true;
	for (;;) {
		struct pack_tag t = { 0 };
		if (!next(pk, &ev, why))
			return false;
		if (ev.type == YAML_SEQUENCE_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		if (ev.type != YAML_MAPPING_START_EVENT) {
			fail_at(pk, &ev, "a tag is not a mapping", why);
			yaml_event_delete(&ev);
			return false;
		}
		t.line = ev.start_mark.line + 1;
		yaml_event_delete(&ev);
		if (!read_mapping(pk, &t, false, why) || !push_tag(pk, &t)) {
			pack_tag_free(&t);
			return false;
		}
	}
}

static bool read_mapping(struct pack *pk, struct pack_tag *t, bool top,
			 const char **why)
{
	for (;;) {
		yaml_event_t ev;
		bool ok;
		if (!next(pk, &ev, why))
			return false;
		if (ev.type == YAML_MAPPING_END_EVENT) {
			yaml_event_delete(&ev);
			return true;
		}
		if (ev.type != YAML_SCALAR_EVENT) {
			fail_at(pk, &ev, "a key is not a plain string", why);
			yaml_event_delete(&ev);
			return false;
		}
		if (top && strcmp((const char *)ev.data.scalar.value, "tags") == 0)
			ok = read_tags(pk, why);
		else
			ok = take_value(pk, t, (const char *)ev.data.scalar.value, why);
		yaml_event_delete(&ev);
		if (!ok)
			return false;
	}
}

/* Stream start, document start, then the top-level mapping. */
static bool read_document(struct pack *pk, const char **why)
{
	yaml_event_type_t want[] = { YAML_STREAM_START_EVENT,
				     YAML_DOCUMENT_START_EVENT,
				     YAML_MAPPING_START_EVENT };
	for (size_t i = 0; i < 3; i++) {
		yaml_event_t ev;
		if (!next(pk, &ev, why))
			return false;
		if (ev.type != want[i]) {
			fail_at(pk, &ev, i == 2 ? "a TagPack is a mapping at the top"
					       : "empty document", why);
			yaml_event_delete(&ev);
			return false;
		}
		yaml_event_delete(&ev);
	}
	if (!read_mapping(pk, &pk->header, true, why))
		return false;
	if (!pk->saw_tags) {
		*why = "no tags list: not a TagPack";
		return false;
	}
	return true;
}

static const char *inherit(const struct pack *pk, const struct pack_tag *t,
			   enum pack_field f)
{
	return t->f[f] ? t->f[f] : pk->header.f[f];
}

static void emit(struct tag_import *imp, const struct pack *pk)
{
	for (size_t i = 0; i < pk->n_tags; i++) {
		const struct pack_tag *t = &pk->tags[i];
		const char *label = inherit(pk, t, PF_LABEL);
		struct tag_raw raw = {
			.address = t->f[PF_ADDRESS],
			.label = label ? label : pk->header.f[PF_TITLE],
			.source = inherit(pk, t, PF_SOURCE),
			.category = inherit(pk, t, PF_CATEGORY),
			.abuse = inherit(pk, t, PF_ABUSE),
			.confidence = inherit(pk, t, PF_CONFIDENCE),
			.date = inherit(pk, t, PF_LASTMOD),
			.currency = inherit(pk, t, PF_CURRENCY),
			.line = t->line,
		};
		tag_import_add(imp, &raw);
	}
}

bool tagpack_parse(struct tag_import *imp, const char *buf, size_t len,
		   const char **why)
{
	struct pack *pk = calloc(1, sizeof(*pk));
	bool ok;

	if (!pk || !yaml_parser_initialize(&pk->parser)) {
		free(pk);
		*why = "out of memory";
		return false;
	}
	yaml_parser_set_input_string(&pk->parser, (const unsigned char *)buf, len);
	ok = read_document(pk, why);
	if (ok)
		emit(imp, pk);
	for (size_t i = 0; i < pk->n_tags; i++)
		pack_tag_free(&pk->tags[i]);
	pack_tag_free(&pk->header);
	free(pk->tags);
	yaml_parser_delete(&pk->parser);
	free(pk);
	return ok;
}
