/* Tag CSV and plain lists of addresses. */
#include "proceeds/tagcsv.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static _Thread_local char errbuf[160];

static const char *errorf(unsigned long line, const char *what)
{
	snprintf(errbuf, sizeof(errbuf), "line %lu: %s", line, what);
	return errbuf;
}

void tagcsv_reader_init(struct tagcsv_reader *r, const char *buf, size_t len)
{
	memset(r, 0, sizeof(*r));
	r->p = buf;
	r->end = buf + len;
	r->next_line = 1;
	if (len >= 3 && memcmp(buf, "\xef\xbb\xbf", 3) == 0)
		r->p += 3;
}

void tagcsv_reader_release(struct tagcsv_reader *r)
{
	free(r->buf);
	r->buf = NULL;
}

/* Appends c to the record buffer. */
static bool put(struct tagcsv_reader *r, size_t *n, char c)
{
	if (*n + 1 >= r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 4096;
		char *b;
		if (cap > TAGCSV_MAX_RECORD + 1)
			return false;
		b = realloc(r->buf, cap);
		if (!b)
			return false;
		r->buf = b;
		r->cap = cap;
	}
	r->buf[(*n)++] = c;
	return true;
}

/* Reads one field at r->p; leaves r->p on the separator or line end. */
static bool read_field(struct tagcsv_reader *r, size_t *n, const char **why)
{
	bool quoted = r->p < r->end && *r->p == '"';
	if (!quoted) {
		while (r->p < r->end && *r->p != ',' && *r->p != '\n') {
			bool eol_cr = *r->p == '\r' &&
				      (r->p + 1 == r->end || r->p[1] == '\n');
			if (*r->p == '\0')
				goto nul;
			if (!eol_cr && !put(r, n, *r->p))
				goto too_long;
			r->p++;
		}
		return put(r, n, '\0') || (*why = errorf(r->line, "record too long"), false);
	}
	for (r->p++;; r->p++) {
		if (r->p >= r->end) {
			*why = errorf(r->line, "unterminated quoted field");
			return false;
		}
		if (*r->p == '"') {
			if (r->p + 1 < r->end && r->p[1] == '"')
				r->p++;
			else
				break;
		}
		if (*r->p == '\n')
			r->next_line++;
		if (*r->p == '\0')
			goto nul;
		if (!put(r, n, *r->p))
			goto too_long;
	}
	for (r->p++; r->p < r->end && *r->p != ',' && *r->p != '\n'; r->p++)
		if (*r->p != '\r' && *r->p != ' ' && *r->p != '\t') {
			*why = errorf(r->line, "text after a closing quote");
			return false;
		}
	return put(r, n, '\0') || (*why = errorf(r->line, "record too long"), false);
too_long:
	*why = errorf(r->line, "record too long");
	return false;
nul:
	*why = errorf(r->line, "NUL byte: not a text file");
	return false;
}

bool tagcsv_next(struct tagcsv_reader *r, bool *have, const char **why)
{
	size_t n = 0, starts[TAGCSV_MAX_FIELDS], nf = 0;

	*have = false;
	if (r->p >= r->end)
		return true;
	r->line = r->next_line;
	for (;;) {
		size_t start = n;
		if (!read_field(r, &n, why))
			return false;
		if (nf < TAGCSV_MAX_FIELDS)
			starts[nf++] = start;
		if (r->p >= r->end || *r->p == '\n')
			break;
		r->p++; /* the comma */
	}
	if (r->p < r->end)
		r->p++;
	r->next_line++;
	r->n_fields = nf;
	for (size_t i = 0; i < nf; i++)
		r->field[i] = r->buf + starts[i];
	*have = true;
	return true;
}

enum column { COL_ADDRESS, COL_LABEL, COL_CATEGORY, COL_SOURCE,
	      COL_CONFIDENCE, COL_DATE, COL_CURRENCY, COL_ABUSE, COL_COUNT };

static const char *const column_names[COL_COUNT] = {
	"address", "label", "category", "source", "confidence", "date",
	"currency", "abuse",
};

static bool blank_record(const struct tagcsv_reader *r)
{
	for (size_t i = 0; i < r->n_fields; i++)
		for (const char *s = r->field[i]; *s; s++)
			if (!isspace((unsigned char)*s))
				return false;
	return true;
}

/* A first record with a field named "address" is a header naming its
 * columns: fills map[col] = field index or -1. */
static bool read_header(int map[COL_COUNT], const struct tagcsv_reader *r)
{
	bool named = false;
	for (size_t i = 0; i < r->n_fields; i++)
		named |= strcasecmp(r->field[i], "address") == 0;
	if (!named)
		return false;
	for (int c = 0; c < COL_COUNT; c++) {
		map[c] = -1;
		for (size_t i = 0; i < r->n_fields; i++)
			if (strcasecmp(r->field[i], column_names[c]) == 0)
				map[c] = (int)i;
	}
	return true;
}

static const char *col(const struct tagcsv_reader *r, const int map[COL_COUNT],
		       enum column c)
{
	if (map[c] < 0 || (size_t)map[c] >= r->n_fields)
		return NULL;
	return r->field[map[c]];
}

static void add_record(struct tag_import *imp, const struct tagcsv_reader *r,
		       const int map[COL_COUNT])
{
	struct tag_raw raw = {
		.address = col(r, map, COL_ADDRESS),
		.label = col(r, map, COL_LABEL),
		.category = col(r, map, COL_CATEGORY),
		.source = col(r, map, COL_SOURCE),
		.confidence = col(r, map, COL_CONFIDENCE),
		.date = col(r, map, COL_DATE),
		.currency = col(r, map, COL_CURRENCY),
		.abuse = col(r, map, COL_ABUSE),
		.line = r->line,
	};
	tag_import_add(imp, &raw);
}

bool tagcsv_parse(struct tag_import *imp, const char *buf, size_t len,
		  const char **why)
{
	struct tagcsv_reader r;
	int map[COL_COUNT] = { 0, 1, 2, 3, 4, 5, -1, -1 };
	bool have, first = true, ok = true;

	tagcsv_reader_init(&r, buf, len);
	while ((ok = tagcsv_next(&r, &have, why)) && have) {
		if (blank_record(&r) || (r.field[0][0] == '#'))
			continue;
		if (first && read_header(map, &r)) {
			first = false;
			continue;
		}
		first = false;
		add_record(imp, &r, map);
	}
	tagcsv_reader_release(&r);
	return ok;
}

static bool parse_json_list(struct tag_import *imp, const char *buf,
			    size_t len, struct tag_raw *raw, const char **why)
{
	json_error_t err;
	json_t *arr = json_loadb(buf, len, JSON_REJECT_DUPLICATES, &err);
	size_t i;
	json_t *v;

	if (!arr || !json_is_array(arr)) {
		snprintf(errbuf, sizeof(errbuf), "line %d: %.120s", err.line,
			 arr ? "expected a JSON array of addresses" : err.text);
		json_decref(arr);
		*why = errbuf;
		return false;
	}
	json_array_foreach(arr, i, v) {
		raw->address = json_is_string(v) ? json_string_value(v) : "";
		raw->line = i + 1;
		tag_import_add(imp, raw);
	}
	json_decref(arr);
	return true;
}

bool tagcsv_parse_list(struct tag_import *imp, const char *buf, size_t len,
		       const struct tag_raw *tmpl, const char **why)
{
	struct tag_raw raw = { 0 };
	const char *p = buf, *end = buf + len;
	char line[256];

	if (tmpl)
		raw = *tmpl;
	while (p < end && isspace((unsigned char)*p))
		p++;
	if (p < end && *p == '[')
		return parse_json_list(imp, buf, len, &raw, why);
	for (raw.line = 1; p < end; raw.line++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *start = p;
		size_t n = (size_t)((nl ? nl : end) - p);
		char *s = line;

		p = nl ? nl + 1 : end;
		if (memchr(start, '\0', n)) {
			*why = errorf(raw.line, "NUL byte: not a text file");
			return false;
		}
		if (n >= sizeof(line)) {
			memcpy(line, start, 64);
			line[64] = '\0';
			tag_import_reject(imp, line, raw.line, "line longer than any address");
			continue;
		}
		memcpy(line, start, n);
		line[n] = '\0';
		while (isspace((unsigned char)*s))
			s++;
		if (*s == '\0' || *s == '#')
			continue;
		raw.address = s;
		tag_import_add(imp, &raw);
	}
	return true;
}
