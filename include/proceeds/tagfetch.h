/* Downloading a tag list over HTTPS with libcurl before importing it. */
#ifndef PROCEEDS_TAGFETCH_H
#define PROCEEDS_TAGFETCH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Default cap on a download. */
#define TAG_FETCH_MAX (256u << 20)

/* Downloads url (https only, also after redirects; TLS verified) into a
 * new buffer (caller frees) of *len bytes, at most max, and its SHA-256.
 * False with *why: "only https URLs are fetched", "larger than N bytes",
 * "HTTP 404", curl's reason. */
bool tag_fetch(char **out, size_t *len, uint8_t sha256[32], const char *url,
	       size_t max, const char **why) __attribute__((warn_unused_result));

#endif
