/* Internal to graph/cluster*.c: the build state shared by the builder,
 * the heuristics, the record writer and the label aggregation. */
#ifndef PROCEEDS_GRAPH_CLUSTER_INT_H
#define PROCEEDS_GRAPH_CLUSTER_INT_H

#include "proceeds/cluster.h"
#include "proceeds/coinjoin.h"
#include "proceeds/index_rec.h"
#include "proceeds/store.h"
#include "proceeds/unionfind.h"

/* 3: CoinJoin verdicts (C j) and possible mixes in the state. */
#define CLUSTER_SCHEMA_VERSION 3u

/* An open-addressing map u32 -> u32 (0 = absent); keys never removed. */
struct cl_map {
	uint32_t *keys, *vals;
	size_t cap, n;
};
void cl_map_release(struct cl_map *m);
uint32_t cl_map_get(const struct cl_map *m, uint32_t key);
/* False on out of memory. */
bool cl_map_set(struct cl_map *m, uint32_t key, uint32_t val)
	__attribute__((warn_unused_result));

/* A tag reduced to what clustering needs. Strings owned by cl_tags. */
struct cl_tag {
	uint32_t addr;
	uint8_t category, score;
	uint32_t svc;               /* service label id (1..), 0 if none */
	uint32_t root;              /* filled when the entities are saved */
	char *label, *source;
};

/* Every tag whose address is in the index, with service label ids. */
struct cl_tags {
	struct cl_tag *v;
	size_t n, cap;
	char **svc_names;           /* svc id - 1 -> label (borrowed) */
	size_t n_svc;
};
void cl_tags_release(struct cl_tags *t);
bool cl_tags_load(struct cl_tags *t, struct store *st, uint64_t n_addr,
		  const char **why) __attribute__((warn_unused_result));

/* Membership changes of one build: (new root << 32 | id) for every id
 * that joined another cluster (sorted once saved), and the roots that
 * stopped being roots. */
struct cl_moves {
	uint64_t *v;
	size_t n, cap;
	uint32_t *gone;
	size_t n_gone, cap_gone;
};
void cl_moves_release(struct cl_moves *m);

struct cl_state {
	struct store *st;
	enum network net;
	struct cluster_options opt;
	struct cluster_meta meta;
	struct unionfind uf;
	struct store_batch *batch;  /* edges and refusals not yet written */
	size_t pending;
	struct cl_tags tags;
	struct cl_map guard;        /* root -> service label id */
	struct cluster_build_stats *stats;
	uint64_t seen_addr;         /* ids below were paid before this tx */
	uint32_t loaded_n;          /* ids whose roots were stored before */
	uint8_t *loaded;            /* per stored chunk: read into uf */
	struct cl_moves moves;      /* filled by cl_roots_save */
	uint32_t *scratch;          /* roots of the current tx */
	size_t scratch_cap;
	uint32_t *ids;              /* input address ids of the current tx */
	size_t ids_cap;
};

/* Records the merges of one tx by one heuristic: a joined to each of
 * b[0..n), one record keyed by a (C e a txnum h) for `why`. */
void cl_edge_put(struct cl_state *s, uint32_t a, const uint32_t *b, size_t n,
		 uint64_t txnum, enum cluster_heuristic h, unsigned confidence);

/* Edge key: C e be32 a be64 txnum u8 heuristic. */
#define CL_EDGE_KEY_LEN 15
size_t cl_edge_key(uint8_t *out, uint32_t a, uint64_t txnum,
		   enum cluster_heuristic h);

/* CoinJoin verdict key: C j be64 txnum; value: cl_mix_encode. */
#define CL_MIX_KEY_LEN 10
size_t cl_mix_key(uint8_t *out, uint64_t txnum);
void cl_mix_encode(struct idx_buf *b, const struct coinjoin_result *r);

/* Member segments hold at most this many ids each. */
#define CL_SEGMENT_IDS 1024
/* Writes the pending batch once it is large (force: always). */
bool cl_flush_pending(struct cl_state *s, bool force, const char **why)
	__attribute__((warn_unused_result));

/* Clusters one transaction record. */
bool cl_process_tx(struct cl_state *s, const struct idx_tx *tx,
		   const char **why) __attribute__((warn_unused_result));

/* Joins the sets of ids[0..n) unless the guard refuses (then records the
 * refusal and returns with *refused). Each merge is an edge from ids[0]. */
bool cl_merge(struct cl_state *s, bool *refused, const uint32_t *ids, size_t n,
	      const struct idx_tx *tx, enum cluster_heuristic h,
	      unsigned confidence, const char **why)
	__attribute__((warn_unused_result));

/* Change heuristics on one tx; merges the change output when confident. */
bool cl_change(struct cl_state *s, const struct idx_tx *tx, const char **why)
	__attribute__((warn_unused_result));

/* The guard map from the tags and the current sets. */
bool cl_guard_init(struct cl_state *s, const char **why)
	__attribute__((warn_unused_result));

/* Sets s->uf up over the stored roots (n_addr ids), tracking changes;
 * chunks are read on demand (cl_touch). */
bool cl_roots_load(struct cl_state *s, const char **why)
	__attribute__((warn_unused_result));

/* Makes the roots of id usable in s->uf (reads its chunk and its root's
 * chunk when not yet read). Every id handed to unionfind must be touched
 * first. */
bool cl_touch(struct cl_state *s, uint64_t id, const char **why)
	__attribute__((warn_unused_result));

/* Before saving: points the members of roots that joined another cluster
 * at their new root, and flattens every chunk in memory. */
bool cl_flatten(struct cl_state *s, const char **why)
	__attribute__((warn_unused_result));

/* The stored roots of ids base..base+cnt-1 into old (ids beyond the last
 * build are their own roots). */
bool cl_chunk_stored(struct cl_state *s, uint32_t *old, uint32_t base,
		     size_t cnt, const char **why) __attribute__((warn_unused_result));

uint32_t cl_rd32le(const uint8_t *p);

/* Flattens the sets and puts the changed root chunks and member records
 * into b. */
bool cl_roots_save(struct cl_state *s, struct store_batch *b, const char **why)
	__attribute__((warn_unused_result));

/* Replaces every entity record with a fresh aggregation of the tags. */
bool cl_entities_save(struct cl_state *s, struct store_batch *b,
		      const char **why) __attribute__((warn_unused_result));

/* Deletes every record under prefix 'C' sub (0 = all). */
bool cl_delete_all(struct store *st, uint8_t sub, const char **why)
	__attribute__((warn_unused_result));

void cl_meta_encode(struct idx_buf *b, const struct cluster_meta *m);
bool cl_meta_decode(struct cluster_meta *m, const uint8_t *v, size_t len);

/* The root of addr and whether the last build covered it. */
bool cl_root_lookup(struct store *st, uint64_t *root, bool *covered,
		    uint64_t addr, const char **why)
	__attribute__((warn_unused_result));

/* The members of root's cluster other than root, sorted: *ids new
 * (caller frees), NULL when none. */
bool cl_members_load(struct store *st, uint32_t **ids, size_t *n,
		     uint32_t root, const char **why)
	__attribute__((warn_unused_result));

/* Key builders. */
size_t cl_key(uint8_t *out, uint8_t sub, uint32_t a);
size_t cl_key2(uint8_t *out, uint8_t sub, uint32_t a, uint32_t b);

/* Entity record value. */
struct cl_entity_rec {
	uint8_t category, score;
	bool conflict;
	uint32_t label_addr;
	uint64_t n_labels, n_tags, size;
	const char *label, *source, *other;  /* other: a conflicting label */
};
void cl_entity_encode(struct idx_buf *b, const struct cl_entity_rec *e);

#endif
