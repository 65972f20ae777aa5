/* RFC 8785 JSON Canonicalization Scheme (JCS) of a jansson value, so that
 * the hash of a report is a property of its content, not of the writer.
 *
 * proceeds never writes floats (money is integer satoshis), so reals are
 * refused rather than formatted, and integers must lie in the I-JSON range
 * |n| <= 2^53-1 that every JCS implementation renders identically. */
#ifndef PROCEEDS_JCS_H
#define PROCEEDS_JCS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* Largest integer JCS can carry exactly (2^53 - 1). */
#define JCS_INT_MAX 9007199254740991LL

/* The canonical form of j: a new NUL-terminated buffer (caller frees *out),
 * *len bytes without the NUL. j is borrowed. False (and *out NULL) with
 * *why on a real ("real numbers are not allowed ..."), an integer outside
 * +-JCS_INT_MAX, a string or key that is not valid UTF-8, or nesting deeper
 * than 1000. */
bool jcs_serialize(char **out, size_t *len, const json_t *j, const char **why)
	__attribute__((warn_unused_result));

/* Orders two UTF-8 property names by their UTF-16 code units, as RFC 8785
 * section 3.2.3 sorts them: <0, 0, >0. Both must be valid UTF-8. */
int jcs_key_cmp(const char *a, size_t alen, const char *b, size_t blen);

/* SHA-256 of the canonical form of j (the hash a report is known by). */
bool jcs_sha256(unsigned char out[32], const json_t *j, const char **why)
	__attribute__((warn_unused_result));

#endif
