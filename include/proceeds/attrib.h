/* Who owns an address, for the tracer: the one place the trace engine asks
 * "which entity is this address, and in which category".
 *
 * The answer comes from the tags on the address itself (tagstore.h) and,
 * when `proceeds cluster build` has run on the index, from the label of
 * the address's cluster (cluster.h, cluster_entity). The answer says which
 * of the two it is (struct attrib_via), so that evidence never presents a
 * cluster label as a tag on the address. */
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
	bool from_cluster;      /* the cluster's label, not a tag on addr */
};

/* How an answer was reached. */
struct attrib_via {
	bool cluster;           /* from the cluster's label */
	bool conflict;          /* the cluster's members name two services */
	uint64_t root;          /* cluster id (when cluster) */
	uint64_t size;          /* addresses in the cluster (when cluster) */
};
void attrib_entity_release(struct attrib_entity *e);

/* The entity of address id addr (index_rec.h ids). stop_mask is a bit set
 * of (1u << enum tag_category). In order:
 *  1. a tag on addr itself in a stop category (direct evidence first);
 *  2. when a clustering exists and covers addr, its cluster's label
 *     (chosen by cluster_entity's rule; via->cluster set, with the
 *     cluster's id, size and conflict flag);
 *  3. any other tag on addr.
 * Among tags on addr: a stop category wins, then the highest score, then
 * the smallest label, then the smallest source, so the answer is
 * deterministic. *found false when nothing is known. via may be NULL.
 * False with *why on a damaged record or an I/O error. */
bool attrib_lookup(struct store *st, struct attrib_entity *out,
		   struct attrib_via *via, bool *found, uint64_t addr,
		   uint32_t stop_mask, const char **why)
	__attribute__((warn_unused_result));

#endif
