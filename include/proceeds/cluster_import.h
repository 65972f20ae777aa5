/* Importing a clustering computed elsewhere (Spark GraphFrames connected
 * components, GraphSense): a CSV map `address,cluster_id`, as
 * `proceeds cluster export --all --csv` writes it, replaces the stored
 * clustering. The ids of the file are labels only: the stored cluster
 * id is the smallest address id of each set, as cluster_build gives it,
 * so that an export after an import names the same clusters by the same
 * ids. The stored state says the clustering was imported (no merge
 * records: `cluster why` has no per-transaction evidence to show) and
 * from which file; the next cluster_build rebuilds from the chain.
 * Format and recipe: docs/scale.md, "Hand-off to a distributed engine". */
#ifndef PROCEEDS_CLUSTER_IMPORT_H
#define PROCEEDS_CLUSTER_IMPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"

struct store;

struct cluster_import_stats {
	uint64_t rows;              /* data rows of the file */
	uint64_t addresses;         /* address ids of the index */
	uint64_t missing;           /* addresses the file lacks: own cluster */
	uint64_t in_order;          /* rows whose address was the id of their
	                             * position (no lookup needed) */
	uint64_t clusters;          /* clusters stored */
	uint64_t labelled_clusters; /* of which carry a tag's label */
};

/* Replaces the clustering in st by the map in the CSV file path (a
 * header line `address,cluster_id`, then one row per address: an address
 * on net or script:<hex of its owner key>, and any integer in the range
 * of int64 naming its cluster). Addresses the file lacks are their own
 * cluster. Refused, with *why naming the line, when a row is malformed,
 * names an address the index lacks, or names one twice; nothing is
 * stored then: the file is read whole before one synced batch replaces
 * every cluster record. *why is a static string or one of a per-thread
 * buffer. */
bool cluster_import(struct store *st, struct cluster_import_stats *out,
		    enum network net, const char *path, const char **why)
	__attribute__((warn_unused_result));

/* Where an imported clustering came from. */
#define CLUSTER_IMPORT_FILE_MAX 1024
struct cluster_import_info {
	bool imported;              /* false: built by proceeds, or none */
	char file[CLUSTER_IMPORT_FILE_MAX];  /* as given to cluster_import */
	uint64_t rows, missing;
};

/* Reads the record cluster_import left (imported false without one). */
bool cluster_import_info(struct store *st, struct cluster_import_info *out,
			 const char **why) __attribute__((warn_unused_result));

#endif
