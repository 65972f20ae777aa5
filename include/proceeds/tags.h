/* Attribution tags: the model every importer fills and every query returns,
 * proceeds' own category list with the mapping of each source's vocabulary
 * onto it, the 0-100 confidence score, and the on-disk encoding of a tag
 * (key prefix 'G' in the investigation's database; see docs/tags.md). */
#ifndef PROCEEDS_TAGS_H
#define PROCEEDS_TAGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/address.h"
#include "proceeds/script.h"

/* The one-byte key prefix of tags in the store. */
#define TAG_PREFIX 'G'

/* proceeds' categories. Stored as their number: append only. */
enum tag_category {
	TAG_CAT_OTHER = 0,
	TAG_CAT_EXCHANGE,
	TAG_CAT_MIXER,
	TAG_CAT_RANSOMWARE,
	TAG_CAT_SCAM,
	TAG_CAT_SANCTIONS,
	TAG_CAT_DARKNET,
	TAG_CAT_HACK,
	TAG_CAT_GAMBLING,
	TAG_CAT_MINER,
	TAG_CAT_SERVICE,
	TAG_CAT_WALLET,
	TAG_CAT_TERRORISM,
	TAG_CAT_EXTREMISM,
	TAG_CAT_ORGANIZATION,
	TAG_CAT_USER,
};
#define TAG_CAT_COUNT 16

/* Longest text field of a tag (label, source, ...) in bytes. */
#define TAG_FIELD_MAX 1024

/* A tag as stored. All strings are NUL-terminated; "" when unknown. */
struct tag {
	char address[ADDRESS_MAX];  /* as the source wrote it, validated */
	uint8_t owner_key[SCRIPT_KEY_MAX]; /* script_owner_key of its script */
	size_t owner_key_len;
	enum tag_category category;
	uint8_t score;              /* 0-100, see tag_confidence_score */
	char label[TAG_FIELD_MAX + 1];
	char source[TAG_FIELD_MAX + 1];     /* who says so (URL, list name) */
	char category_orig[TAG_FIELD_MAX + 1]; /* the source's own words */
	char confidence[TAG_FIELD_MAX + 1]; /* the source's own confidence */
	char date[TAG_FIELD_MAX + 1];       /* as the source dates it */
	char origin[TAG_FIELD_MAX + 1];     /* format:file it was imported from */
	char imported[11];                  /* UTC YYYY-MM-DD of the import */
};

/* Stable lowercase name ("exchange", ...); never NULL. */
const char *tag_category_name(enum tag_category c);

/* Parses one of proceeds' own names. */
bool tag_category_from_name(enum tag_category *out, const char *name)
	__attribute__((warn_unused_result));

/* Maps a source's vocabulary onto proceeds' list. category and abuse are
 * the GraphSense fields (or any source's category word; either may be NULL
 * or ""). An abuse wins over a category: it says what the money is. Case
 * and surrounding blanks are ignored; proceeds' own names map to
 * themselves; unknown words map to TAG_CAT_OTHER. */
enum tag_category tag_category_map(const char *category, const char *abuse);

/* The 0-100 score for a confidence as a source states it: a number 0-100
 * (kept), GraphSense's words (ownership 100, authority_data 90, forensic
 * 80, service_data 70, ... see docs/tags.md), high/medium/low (80/50/20).
 * fallback when empty; false (and *out = fallback) for words it does not
 * know, so that callers can report them. */
bool tag_confidence_score(uint8_t *out, const char *confidence,
			  uint8_t fallback) __attribute__((warn_unused_result));

/* The store key of a tag: 'G', the owner key's length, the owner key, then
 * the first 8 bytes of SHA256(source NUL label). Returns its length. */
#define TAG_KEY_MAX (2 + SCRIPT_KEY_MAX + 8)
size_t tag_key(uint8_t out[TAG_KEY_MAX], const struct tag *t);

/* The prefix of every key of an owner key ('G', length, key). */
size_t tag_owner_prefix(uint8_t out[TAG_KEY_MAX], const uint8_t *owner_key,
			size_t len);

/* Serialises t into a new buffer (caller frees) of *len bytes. */
uint8_t *tag_encode(size_t *len, const struct tag *t);

/* Parses a stored key and value back into *t. False with *why on
 * anything malformed (a damaged database must not crash a query). */
bool tag_decode(struct tag *t, const uint8_t *key, size_t klen,
		const uint8_t *val, size_t vlen, const char **why)
	__attribute__((warn_unused_result));

/* Copies s into a tag field, truncating to TAG_FIELD_MAX bytes. */
void tag_set_field(char dst[TAG_FIELD_MAX + 1], const char *s);

#endif
