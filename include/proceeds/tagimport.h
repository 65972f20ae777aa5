/* Importing tag files: format detection, the checks every tag passes
 * (address valid for the network, currency Bitcoin, fields bounded), the
 * category and confidence mapping, and the one atomic write per file.
 * The parsers (tagcsv, tagpack, tagofac, tagmisp) feed raw tags in. */
#ifndef PROCEEDS_TAGIMPORT_H
#define PROCEEDS_TAGIMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"

enum tag_format {
	TAG_FMT_AUTO,
	TAG_FMT_CSV,       /* address,label,category,source,confidence[,date] */
	TAG_FMT_LIST,      /* one address a line, or a JSON array of strings */
	TAG_FMT_TAGPACK,   /* GraphSense TagPack (YAML) */
	TAG_FMT_OFAC,      /* 0xB10C's sanctioned_addresses_<CUR>.txt/.json */
	TAG_FMT_SDN_CSV,   /* Treasury's SDN.CSV (or sdn_comments.csv) */
	TAG_FMT_SDN_XML,   /* Treasury's sdn_advanced.xml */
	TAG_FMT_MISP,      /* MISP event JSON */
};

/* "csv", "list", "tagpack", "ofac", "sdn-csv", "sdn-xml", "misp". */
const char *tag_format_name(enum tag_format f);
bool tag_format_from_name(enum tag_format *out, const char *name)
	__attribute__((warn_unused_result));

/* Guesses the format of a file from its name (may be a path or URL) and
 * its first bytes. Never returns TAG_FMT_AUTO. */
enum tag_format tag_format_detect(const char *name, const char *buf,
				  size_t len);

/* One tag as a parser read it. Strings are borrowed for the call; NULL or
 * "" means the file does not say. */
struct tag_raw {
	const char *address;
	const char *label;
	const char *source;
	const char *category;   /* the source's category word */
	const char *abuse;      /* GraphSense abuse (wins over category) */
	const char *confidence;
	const char *date;
	const char *currency;   /* NULL: the file's chain; else BTC/XBT only */
	unsigned long line;     /* 1-based line or record, 0 unknown */
};

/* What the command line says; each fills the fields a file leaves empty.
 * A plain list needs source and category. Borrowed. */
struct tag_defaults {
	const char *label;
	const char *source;
	const char *category;
	const char *confidence;
	const char *date;
};

#define TAG_IMPORT_EXAMPLES 5
#define TAG_EXAMPLE_MAX 200

struct tag_import {
	enum network net;
	char origin[TAG_FIELD_MAX + 1];    /* "format:file" */
	struct tag_defaults defaults;
	uint8_t fallback_score;            /* when the source states none */
	char imported[11];
	struct store_batch *batch;         /* owned */
	/* When set, each accepted tag goes to sink (borrowed for the call)
	 * instead of into batch: watchlists reuse the parsers this way. */
	void (*sink)(void *arg, const struct tag *t);
	void *sink_arg;
	uint64_t accepted;                 /* valid tags written */
	uint64_t rejected;                 /* malformed or wrong-network */
	uint64_t skipped;                  /* another currency: not ours */
	uint64_t unknown_confidence;       /* words scored with the fallback */
	unsigned n_examples;
	char examples[TAG_IMPORT_EXAMPLES][TAG_EXAMPLE_MAX];
};

/* Starts an import of one file for net; defaults may be NULL. Release
 * with tag_import_release. */
void tag_import_init(struct tag_import *imp, enum network net,
		     const struct tag_defaults *defaults);
void tag_import_release(struct tag_import *imp);

/* Checks, maps and queues one tag; a bad one is counted and, among the
 * first TAG_IMPORT_EXAMPLES, kept as an example with its reason. */
void tag_import_add(struct tag_import *imp, const struct tag_raw *raw);

/* Counts a tag a parser had to reject itself (e.g. a line too long to be
 * an address), keeping a printable example. */
void tag_import_reject(struct tag_import *imp, const char *addr,
		       unsigned long line, const char *why);

/* Parses buf[0..len) as fmt (TAG_FMT_AUTO: detected from name and bytes)
 * into imp; origin becomes "format:basename". False with *why ("line 12: ...") when the file cannot be read
 * as that format; then nothing of it may be committed. */
bool tag_import_buffer(struct tag_import *imp, enum tag_format fmt,
		       const char *name, const char *buf, size_t len,
		       const char **why) __attribute__((warn_unused_result));

/* Writes the queued tags in one atomic batch. */
bool tag_import_commit(struct tag_import *imp, struct store *s,
		       const char **why) __attribute__((warn_unused_result));

#endif
