/* Tag CSV files, plain address lists, and the RFC 4180 record reader the
 * SDN.CSV importer shares. */
#ifndef PROCEEDS_TAGCSV_H
#define PROCEEDS_TAGCSV_H

#include <stdbool.h>
#include <stddef.h>
#include "proceeds/tagimport.h"

#define TAGCSV_MAX_FIELDS 64
/* A record longer than this is an error, not a memory hog. */
#define TAGCSV_MAX_RECORD (16u << 20)

/* Reads RFC 4180 records (comma-separated, "quoted" with "" escapes,
 * LF or CRLF) out of a borrowed buffer. */
struct tagcsv_reader {
	const char *p, *end;   /* borrowed: the rest of the input */
	unsigned long line;    /* line where the current record starts */
	unsigned long next_line;
	char *buf;             /* owned: the current record's fields */
	size_t cap;
	size_t n_fields;
	const char *field[TAGCSV_MAX_FIELDS]; /* into buf, until the next call */
};

void tagcsv_reader_init(struct tagcsv_reader *r, const char *buf, size_t len);
void tagcsv_reader_release(struct tagcsv_reader *r);

/* The next record into r->field[0..n_fields). *have is false at the end.
 * Fields past TAGCSV_MAX_FIELDS are dropped. False with *why ("line N:
 * unterminated quote", "... record too long") on malformed input. */
bool tagcsv_next(struct tagcsv_reader *r, bool *have, const char **why)
	__attribute__((warn_unused_result));

/* A tag CSV: address,label,category,source,confidence[,date] by position,
 * or any order when the first record is a header naming the columns
 * (address, label, category, abuse, source, confidence, date, currency). */
bool tagcsv_parse(struct tag_import *imp, const char *buf, size_t len,
		  const char **why) __attribute__((warn_unused_result));

/* A plain list: one address a line (blank lines and # comments skipped) or
 * a JSON array of strings. tmpl (may be NULL) gives every tag's other
 * fields; the import's defaults fill the rest. */
bool tagcsv_parse_list(struct tag_import *imp, const char *buf, size_t len,
		       const struct tag_raw *tmpl, const char **why)
	__attribute__((warn_unused_result));

#endif
