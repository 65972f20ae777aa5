/* Who owns an address, for the tracer: the one place the trace engine asks
 * "which entity is this address, and in which category".
 *
 * Today the answer comes from the tags on the address itself (tagstore.h).
 * When address clusters land (include/proceeds/cluster.h), attrib_lookup
 * switches to the cluster's entity (cluster_entity): that is a change to
 * this one function, and nothing else in the tracer changes. */
#ifndef PROCEEDS_ATTRIB_H
#define PROCEEDS_ATTRIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/tags.h"

struct store;

/* An entity as the tracer reports it. Strings are owned by the struct
 * (attrib_entity_release frees them). */
struct attrib_entity {
	char *label;            /* never empty: "unnamed <category>" at worst */
	enum tag_category category;
	char *source;           /* who says so */
	char *confidence;       /* the source's own words, or "" */
	uint8_t score;          /* 0-100 */
	bool from_cluster;      /* true once the answer comes from a cluster */
};
void attrib_entity_release(struct attrib_entity *e);

/* The entity of address id addr (index_rec.h ids). stop_mask is a bit set
 * of (1u << enum tag_category): when several tags disagree, a tag in one
 * of those categories wins, then the highest score, then the smallest
 * label, so the answer is deterministic. *found false when nothing is
 * known. False with *why on a damaged record or an I/O error. */
bool attrib_lookup(struct store *st, struct attrib_entity *out, bool *found,
		   uint64_t addr, uint32_t stop_mask, const char **why)
	__attribute__((warn_unused_result));

#endif
