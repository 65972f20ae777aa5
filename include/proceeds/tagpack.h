/* GraphSense TagPacks (YAML, read with libyaml): a header whose fields
 * (label, source, category, abuse, confidence, lastmod, currency) every tag
 * inherits unless it sets its own, and a `tags` list of address entries. */
#ifndef PROCEEDS_TAGPACK_H
#define PROCEEDS_TAGPACK_H

#include <stdbool.h>
#include <stddef.h>
#include "proceeds/tagimport.h"

/* Parses one TagPack document in buf[0..len) into imp. Aliases are never
 * expanded; nested values other than the tags list are ignored. False with
 * *why ("line N: <libyaml's reason>", "no tags list") when it is not a
 * TagPack. The header may come before or after the tags. */
bool tagpack_parse(struct tag_import *imp, const char *buf, size_t len,
		   const char **why) __attribute__((warn_unused_result));

#endif
