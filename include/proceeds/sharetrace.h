/* What the sharing writers (freeze requests, MISP, STIX) have in common:
 * the case metadata they are given, reading the trace result
 * (docs/trace-format.md, proceeds-trace/1) they are made from, the path
 * of hops that leads to one entity's exits, and small output helpers
 * (slugs, UTC times, HTML escaping, UUIDv5, atomic file writes).
 * Formats written: docs/sharing.md. */
#ifndef PROCEEDS_SHARETRACE_H
#define PROCEEDS_SHARETRACE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum share_request {
	SHARE_FREEZE,   /* freeze the funds at these deposits */
	SHARE_INFORM,   /* for information: screen and report */
};

/* The case as the investigator states it; strings borrowed. No field may
 * identify the victim: these go to every recipient. */
struct share_meta {
	const char *case_ref;   /* required, e.g. "POL-2024-0042" */
	const char *contact;    /* investigator's contact, or NULL */
	enum share_request request;
};

/* "freeze" / "inform"; never NULL. */
const char *share_request_name(enum share_request r);
bool share_request_from_name(enum share_request *out, const char *s)
	__attribute__((warn_unused_result));

/* Checks that trace is a proceeds-trace/1 object with the arrays seeds,
 * hops, exits and entities, and that every exit and entity names its
 * entity. False with *why naming the field. */
bool share_trace_check(const json_t *trace, const char **why)
	__attribute__((warn_unused_result));

/* Checks the metadata: a case reference of 1-200 printable bytes, a
 * contact of at most 500. False with *why. */
bool share_meta_check(const struct share_meta *m, const char **why)
	__attribute__((warn_unused_result));

/* String member of o, "" when absent or not a string (borrowed). */
const char *share_str(const json_t *o, const char *key);
/* Integer member of o, 0 when absent or not an integer. */
json_int_t share_int(const json_t *o, const char *key);

/* A file-name-safe slug of name: lowercase ASCII letters and digits,
 * other runs become '-', at most 60 bytes, "entity" when nothing is
 * left. */
#define SHARE_SLUG_MAX 72
void share_slug(char out[SHARE_SLUG_MAX], const char *name);

/* One slug per element of trace's entities, in order, made unique by
 * "-2", "-3"... suffixes: a new array of strings. */
json_t *share_entity_slugs(const json_t *trace);

/* The path evidence of one entity: {"seeds": [...], "hops": [...]} with
 * copies of the trace's seed and hop records that lead (through
 * spent_from) to that entity's exits, in trace order. A new object. */
json_t *share_path(const json_t *trace, const char *entity);

/* ISO-8601 UTC ("2023-11-14T22:13:20Z") of Unix time t. */
#define SHARE_UTC_LEN 32
void share_utc(char out[SHARE_UTC_LEN], int64_t t);

/* The latest block time the trace cites (seeds, hops, exits): the date
 * the shared documents carry, so that reruns are byte-identical. */
int64_t share_trace_time(const json_t *trace);

/* A growing text buffer; abort()s on out of memory. */
struct share_buf {
	char *p;
	size_t len, cap;
};
void share_buf_init(struct share_buf *b);
void share_buf_release(struct share_buf *b);
void share_buf_printf(struct share_buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends s with & < > " ' escaped for HTML text and attributes. */
void share_buf_html(struct share_buf *b, const char *s);

/* UUID version 5 (RFC 9562: SHA-1 of namespace || name) as lowercase
 * 8-4-4-4-12 text. */
#define SHARE_UUID_LEN 37
void share_uuid5(char out[SHARE_UUID_LEN], const uint8_t ns[16],
		 const char *name, size_t len);

/* proceeds' namespace for the UUIDv5 of shared objects (itself
 * UUIDv5(URL namespace, "https://proceeds.invalid/sharing")). */
extern const uint8_t share_uuid_ns[16];

/* Lowercase hex SHA-256 of the trace's RFC 8785 canonical form: what a
 * shared document names its source by. "" (false) if the trace holds
 * something JCS refuses (a real number). */
bool share_trace_sha256(char hex[65], const json_t *trace);

/* Creates dir/rel (its parent directories too) with the given bytes,
 * atomically (temporary file, fsync, rename). False with *why naming
 * the file. */
bool share_write_file(const char *dir, const char *rel, const char *buf,
		      size_t len, const char **why)
	__attribute__((warn_unused_result));

/* Writes j (borrowed) as indented JSON, keys in insertion order, reals
 * with 16 significant digits, with a final newline. */
bool share_write_json(const char *dir, const char *rel, const json_t *j,
		      const char **why) __attribute__((warn_unused_result));

#endif
