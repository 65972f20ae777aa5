/* Questions about built clusters: their members, why two addresses are in
 * one cluster (the chain of merge transactions), their activity and
 * counterparties, and the value flowing between clusters. Work on huge
 * clusters is bounded by explicit limits; results say when a limit cut
 * them short. */
#ifndef PROCEEDS_CLUSTER_QUERY_H
#define PROCEEDS_CLUSTER_QUERY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/amount.h"
#include "proceeds/cluster.h"
#include "proceeds/coinjoin.h"
#include "proceeds/network.h"

struct store;

/* Calls fn for the root, then every other member in id order; fn returns
 * false to stop. */
bool cluster_members(struct store *st, uint64_t root,
		     bool (*fn)(void *ctx, uint64_t addr), void *ctx,
		     const char **why) __attribute__((warn_unused_result));

/* One recorded merge on the path between two addresses. */
struct cluster_step {
	uint64_t from, to;          /* address ids */
	uint64_t txnum;             /* the evidence transaction */
	enum cluster_heuristic heuristic;
	unsigned confidence;        /* percent (100 for multi-input) */
};

/* The path from a to b over the recorded merges (a spanning forest, so
 * the path is unique). steps is new (caller frees); *n = 0 and *linked
 * false when they are in different clusters (two root reads). Otherwise
 * the cluster's members and merge records are read and searched in
 * memory; fails when the cluster has more than max_nodes addresses
 * (0 = 50 million). */
bool cluster_why(struct store *st, struct cluster_step **steps, size_t *n,
		 bool *linked, uint64_t a, uint64_t b, size_t max_nodes,
		 const char **why) __attribute__((warn_unused_result));

/* Value between this cluster and another. */
struct cluster_peer {
	uint64_t root;
	struct amount in;           /* paid by the peer to this cluster */
	struct amount out;          /* paid by this cluster to the peer */
};

#define CLUSTER_TOP_PEERS 10

struct cluster_summary {
	uint64_t root, size;
	uint64_t n_funded, n_spent;        /* outputs paid to members, spent */
	struct amount received;             /* all outputs paid to members */
	uint32_t first_height, last_height;
	bool active;                        /* any funding seen */
	bool truncated;                     /* history limit reached */
	uint64_t history_read;              /* funding entries read */
	size_t n_peers;                     /* distinct peers seen */
	struct cluster_peer top[CLUSTER_TOP_PEERS];  /* by in + out */
	size_t n_top;
};

/* Summarises a cluster, reading at most max_history funding entries of
 * its members (0 = 1,000,000). Size counts every member (key scan).
 * Value from a funding tx is attributed to the cluster of its first
 * input (multi-input clustering makes that the sender unless it was a
 * CoinJoin); value paid out is counted once per spending tx. */
bool cluster_summarise(struct store *st, struct cluster_summary *out,
		       uint64_t root, uint64_t max_history, const char **why)
	__attribute__((warn_unused_result));

/* All peers of a cluster (as in cluster_summarise); *peers new (caller
 * frees), unordered. */
bool cluster_peers(struct store *st, struct cluster_peer **peers, size_t *n,
		   bool *truncated, uint64_t root, uint64_t max_history,
		   const char **why) __attribute__((warn_unused_result));

/* A refused merge as stored (cluster refused). */
bool cluster_refused_each(struct store *st,
			  bool (*fn)(void *ctx, const struct cluster_refusal *r),
			  void *ctx, const char **why)
	__attribute__((warn_unused_result));

/* Every labelled cluster (entity record) in root order. */
bool cluster_entity_each(struct store *st,
			 bool (*fn)(void *ctx, const struct cluster_entity *e,
				    const char *other),
			 void *ctx, const char **why)
	__attribute__((warn_unused_result));

/* An address id from a command-line argument: decimal digits are an
 * address (or cluster) id, anything else an address of net. *found false
 * when the address never appeared on the indexed chain. */
bool cluster_resolve(struct store *st, uint64_t *id, bool *found,
		     enum network net, const char *arg, const char **why)
	__attribute__((warn_unused_result));

/* The display form of address id: its address on net, or "script:<hex
 * of the owner key>" for outputs without an address. out holds
 * CLUSTER_ADDR_MAX bytes. */
#define CLUSTER_ADDR_MAX 96
bool cluster_addr_string(struct store *st, char out[CLUSTER_ADDR_MAX],
			 enum network net, uint64_t id, const char **why)
	__attribute__((warn_unused_result));

/* The CoinJoin verdict the last build recorded for transaction txnum
 * (only "mix" and "possible mix" are recorded); *found false otherwise. */
bool cluster_mix_get(struct store *st, struct coinjoin_result *out, bool *found,
		     uint64_t txnum, const char **why)
	__attribute__((warn_unused_result));

/* Every recorded verdict in txnum order; fn returns false to stop. */
bool cluster_mix_each(struct store *st,
		      bool (*fn)(void *ctx, uint64_t txnum, const struct coinjoin_result *r),
		      void *ctx, const char **why)
	__attribute__((warn_unused_result));

/* One mix the build did not cross: merging its inputs would have joined
 * cluster from to cluster to. */
struct cluster_bridge {
	uint64_t txnum;
	uint64_t from, to;          /* cluster ids (as now) */
	struct coinjoin_result verdict;
};

/* Why a and b are not linked: the shortest chain of skipped mixes (and
 * possible mixes, unless the build merged them) that would link their
 * clusters, from a's side. *path new (caller frees), *n = 0 when a and b
 * are linked or no chain of skipped mixes joins them. Reads every
 * recorded verdict and its transaction's inputs. */
bool cluster_why_not(struct store *st, struct cluster_bridge **path, size_t *n,
		     uint64_t a, uint64_t b, const char **why)
	__attribute__((warn_unused_result));

#endif
