/* Queries over the tags in the investigation's database (prefix 'G', keyed
 * by owner key so that an output's tags are one prefix scan away). */
#ifndef PROCEEDS_TAGSTORE_H
#define PROCEEDS_TAGSTORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"

/* Tags of one owner key (heap array; caller frees with tag_list_free). */
struct tag_list {
	struct tag *v;
	size_t n;
};
void tag_list_free(struct tag_list *l);

/* Every tag of an owner key (script_owner_key of an output), in key order. */
bool tag_store_for_owner(struct store *s, struct tag_list *out,
			 const uint8_t *owner_key, size_t len, const char **why)
	__attribute__((warn_unused_result));

/* Every tag of an address of net; false with *why when it is not one. */
bool tag_store_for_address(struct store *s, struct tag_list *out,
			   enum network net, const char *addr, const char **why)
	__attribute__((warn_unused_result));

/* Which tags tag_store_each passes on. Strings borrowed; NULL = any.
 * label and source match case-insensitive substrings. */
struct tag_filter {
	bool has_category;
	enum tag_category category;
	const char *label;
	const char *source;
};

bool tag_filter_match(const struct tag_filter *f, const struct tag *t);

/* Calls cb for each tag matching f (NULL = all) in key order, i.e. grouped
 * by owner key; cb returns false to stop early. t is borrowed for the
 * call. False with *why on a damaged record or an I/O error. */
bool tag_store_each(struct store *s, const struct tag_filter *f,
		    bool (*cb)(void *ctx, const struct tag *t), void *ctx,
		    const char **why) __attribute__((warn_unused_result));

#endif
