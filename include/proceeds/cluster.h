/* Address clusters: union-find over the chain index's address ids, built
 * by switchable heuristics, every merge recorded with the transaction and
 * heuristic that caused it, and the entity (label) of every tagged cluster
 * stored under its root so that "which entity is this address in" costs
 * one or two reads (cluster_entity).
 *
 * A cluster's id is the smallest address id it contains: stable across
 * runs, incremental updates and rebuilds after a reorg. The records live
 * under the key prefix 'C' (docs/index-format.md, "Clusters"). */
#ifndef PROCEEDS_CLUSTER_H
#define PROCEEDS_CLUSTER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/network.h"
#include "proceeds/tags.h"

struct store;

/* One-byte key prefix of every cluster record, then one sub-type byte. */
#define CLUSTER_PREFIX 'C'
#define CLUSTER_K_META 'm'    /* C m                  -> build state */
#define CLUSTER_K_ROOTS 'u'   /* C u be32 chunk       -> root of 4096 ids */
#define CLUSTER_K_MEMBER 'k'  /* C k be32 root be32 first -> member segment */
#define CLUSTER_K_EDGE 'e'    /* C e be32 a be64 txnum h -> merges of a tx */
#define CLUSTER_K_REFUSED 'f' /* C f be32 seq         -> refused merge */
#define CLUSTER_K_ENTITY 'n'  /* C n be32 root        -> entity (labels) */
#define CLUSTER_K_MIX 'j'     /* C j be64 txnum       -> CoinJoin verdict */
#define CLUSTER_K_IMPORT 'i'  /* C i                  -> imported from (cluster_import.h) */

/* Ids per root chunk (a power of two). */
#define CLUSTER_CHUNK_SHIFT 12
#define CLUSTER_CHUNK_IDS (1u << CLUSTER_CHUNK_SHIFT)

/* Why two addresses were merged. Stored as their number: append only. */
enum cluster_heuristic {
	CLUSTER_H_MULTI_INPUT = 1, /* spent together in one tx */
	CLUSTER_H_CHANGE = 2,      /* an output judged change of the inputs */
};

/* "multi-input", "change". */
const char *cluster_heuristic_name(enum cluster_heuristic h);

/* Change heuristics (bits of cluster_options.change_set). */
enum cluster_change_rule {
	CLUSTER_CH_FRESH = 1u << 0,       /* first appearance of the address */
	CLUSTER_CH_TYPE = 1u << 1,        /* same script type as the inputs */
	CLUSTER_CH_OPTIMAL = 1u << 2,     /* smaller than every input */
	CLUSTER_CH_ROUND = 1u << 3,       /* the other output is round */
	CLUSTER_CH_FINGERPRINT = 1u << 4, /* spent by a tx of the same
	                                   * version and locktime style */
	CLUSTER_CH_PEEL = 1u << 5,        /* spent by a 2-output peel */
};
#define CLUSTER_CH_ALL 0x3fu
#define CLUSTER_CH_COUNT 6

/* Name of one rule ("fresh", "type", "optimal", "round", "fingerprint",
 * "peel") and its weight (percent) in the combined confidence. */
const char *cluster_change_rule_name(enum cluster_change_rule r);
unsigned cluster_change_rule_weight(enum cluster_change_rule r);

/* Combined confidence (percent) of a set of rules: 1 - prod(1 - w). */
unsigned cluster_change_confidence(unsigned rules);

struct cluster_options {
	bool coinjoin_skip;     /* multi-input skips detected CoinJoins */
	bool merge_possible;    /* ... but merges "possible mixes" */
	bool change;            /* change heuristics on */
	unsigned change_set;    /* which rules vote (CLUSTER_CH_*) */
	unsigned change_min;    /* combined confidence (percent) to merge */
	bool guard;             /* refuse merges of two service labels */
	bool rebuild;           /* discard the clustering and start over */
};

/* The defaults: CoinJoin skip and guard on, possible mixes not merged,
 * change off (all rules, 70% when turned on). */
void cluster_options_default(struct cluster_options *o);

/* What the stored clustering was built with and how far it got. */
struct cluster_meta {
	uint32_t version;
	bool coinjoin_skip, merge_possible, change, guard;
	unsigned change_set, change_min;
	uint64_t next_txnum;        /* txs below were clustered */
	uint32_t tip_height;        /* block of the last clustered tx */
	struct hash256 tip_hash;
	bool has_tip;
	uint64_t n_addr;            /* address ids 0..n_addr-1 covered */
	uint64_t merges_multi, merges_change;
	uint64_t txs_multi;         /* multi-input txs that merged something */
	uint64_t coinjoin_skipped;  /* mixes (and possible mixes) not merged */
	uint64_t refused;
	uint64_t clusters;          /* disjoint sets among n_addr ids */
	uint64_t possible;          /* possible mixes seen */
	uint64_t possible_merged;   /* of which merged (--merge-possible) */
	bool imported;              /* a map computed elsewhere (cluster_import.h):
	                             * no merge records, no heuristics of ours */
};

/* Reads the stored state; *found false when nothing was clustered. */
bool cluster_meta_read(struct store *st, struct cluster_meta *out, bool *found,
		       const char **why) __attribute__((warn_unused_result));

/* At most this many refused merges are kept as examples in the stats. */
#define CLUSTER_REFUSED_EXAMPLES 5

/* A merge refused by the guard. */
struct cluster_refusal {
	uint64_t txnum;
	struct hash256 txid;
	enum cluster_heuristic heuristic;
	uint32_t a, b;              /* an address of each side */
	char label_a[TAG_FIELD_MAX + 1], label_b[TAG_FIELD_MAX + 1];
};

struct cluster_build_stats {
	bool rebuilt;               /* from scratch (first run, reorg, options) */
	const char *rebuild_reason; /* static string or NULL */
	uint64_t txs;               /* transactions processed this run */
	uint64_t merges_multi, merges_change, coinjoin_skipped, refused;
	uint64_t coinjoin_checked;  /* candidates that paid for lookups */
	uint64_t mixes;             /* verdict "mix" */
	uint64_t possible;          /* verdict "possible mix" */
	uint64_t possible_merged;   /* possible mixes merged (merge_possible) */
	uint64_t labelled_clusters, conflicts;
	size_t n_examples;
	struct cluster_refusal examples[CLUSTER_REFUSED_EXAMPLES];
};

/* Progress callback: txs done of total; may be NULL. */
typedef void (*cluster_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Clusters the transactions of the index in st that are not yet
 * clustered, or all of them when there is no clustering, when opt differs
 * from the stored options, when opt->rebuild, or when the index's chain no
 * longer holds the clustered tip (a reorg). Then re-aggregates the labels
 * of every cluster from the tags (prefix 'G'). net tells which era rules
 * apply to CoinJoin detection. The new state is committed in one batch at
 * the end; an interrupted build leaves the previous state intact. */
bool cluster_build(struct store *st, struct cluster_build_stats *out,
		   const struct cluster_options *opt, enum network net,
		   cluster_progress_fn progress, void *pctx, const char **why)
	__attribute__((warn_unused_result));

/* The entity an address belongs to, for the trace engine and screening.
 * Stable API: root is the cluster id; the label fields come from the
 * tags of the cluster's members, aggregated at build time. */
struct cluster_entity {
	uint64_t root;              /* cluster id (smallest address id) */
	bool clustered;             /* addr was covered by the last build */
	bool labelled;              /* some member carries a tag */
	char label[TAG_FIELD_MAX + 1];     /* the cluster's label, "" if none */
	enum tag_category category;
	uint8_t score;              /* the chosen tag's 0-100 confidence */
	char source[TAG_FIELD_MAX + 1];    /* the chosen tag's source */
	/* "tagged" when addr itself carries the label's tag, "cluster" when
	 * another member of its cluster does. */
	char basis[8];
	uint64_t label_addr;        /* the address id carrying the chosen tag */
	bool conflict;              /* members name different services */
	uint32_t n_labels;          /* distinct (category, label) pairs */
	uint32_t n_tags;
	uint64_t size;              /* addresses in the cluster; 0 when
	                             * not labelled (cluster_query.h counts) */
};

/* Fills *out for address id addr: one read of its root chunk and one of
 * the root's entity record. An address beyond the last build is its own
 * root (clustered false). The label is chosen as: a service category
 * (exchange, mixer, service, gambling) before others, then the highest
 * score, then the most tags, then the label's bytes. */
bool cluster_entity(struct store *st, uint64_t addr,
		    struct cluster_entity *out, const char **why)
	__attribute__((warn_unused_result));

/* Same, plus a label of another service when out->conflict (else "").
 * other holds TAG_FIELD_MAX + 1 bytes. */
bool cluster_entity_other(struct store *st, uint64_t addr,
			  struct cluster_entity *out,
			  char other[TAG_FIELD_MAX + 1], const char **why)
	__attribute__((warn_unused_result));

/* The cluster id of addr (one chunk read); addr itself when not yet
 * clustered. */
bool cluster_root(struct store *st, uint64_t *root, uint64_t addr,
		  const char **why) __attribute__((warn_unused_result));

/* Categories whose different labels must never be merged. */
bool cluster_is_service(enum tag_category c);

#endif
