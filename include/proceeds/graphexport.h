/* Entity-level flow graphs: clusters as nodes (with their labels), summed
 * values as edges, written as GraphViz DOT, GraphML or JSON. */
#ifndef PROCEEDS_GRAPHEXPORT_H
#define PROCEEDS_GRAPHEXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "proceeds/cluster.h"

struct store;

struct graph_node {
	uint64_t root;
	unsigned depth;             /* hops from the centre */
	bool expanded;              /* its own flows were read */
	struct cluster_entity ent;  /* label fields */
};

struct graph_edge {
	size_t from, to;            /* node indexes */
	uint64_t sat;
};

/* Owns its arrays; embedded: graph_init/graph_release. */
struct graph {
	struct graph_node *nodes;
	size_t n_nodes, cap_nodes;
	struct graph_edge *edges;
	size_t n_edges, cap_edges;
	bool truncated;             /* a node or history limit was hit */
};
void graph_init(struct graph *g);
void graph_release(struct graph *g);

/* The clusters within depth hops of root's cluster and the value between
 * them: every expanded cluster's payments out, and payments into it from
 * clusters not expanded. At most max_nodes nodes (0 = 200) and
 * max_history funding entries per cluster (0 = 100,000). */
bool graph_from_cluster(struct graph *g, struct store *st, uint64_t root,
			unsigned depth, size_t max_nodes, uint64_t max_history,
			const char **why) __attribute__((warn_unused_result));

/* Adds value to the edge between the clusters of two address ids (nodes
 * created as needed), for graphs built from a trace. */
bool graph_add_flow(struct graph *g, struct store *st, uint64_t from_addr,
		    uint64_t to_addr, uint64_t sat, const char **why)
	__attribute__((warn_unused_result));

enum graph_format { GRAPH_DOT, GRAPH_GRAPHML, GRAPH_JSON };

/* Writes g; labels are escaped for the format. heuristics is one line
 * naming how the clusters were built (written into the output). */
bool graph_write(FILE *f, const struct graph *g, enum graph_format fmt,
		 const char *heuristics, const char **why)
	__attribute__((warn_unused_result));

#endif
