/* Every address id of the index with its cluster id, streamed in
 * address-id order: the hand-off of a whole clustering to other tools
 * (scoring against a truth, a distributed engine). The root chunks
 * (`C u`) and the address records (`a`) are each read by one sequential
 * LevelDB iterator, so memory is constant whatever the index size.
 *
 * Rows cover ids 0..n-1, n the index tip's address counter, including
 * ids the last cluster build did not cover: those are their own cluster,
 * as cluster_root says. Format of `proceeds cluster export --all`:
 * docs/cluster-export.md. */
#ifndef PROCEEDS_CLUSTER_EXPORT_H
#define PROCEEDS_CLUSTER_EXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/cluster_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/network.h"

struct store;
struct cluster_export;

/* One row. */
struct cluster_export_row {
	uint64_t id;                /* address id */
	uint64_t root;              /* its cluster id, equal to cluster_root() */
	bool covered;               /* the last build's root chunks hold id */
	/* As cluster_addr_string: the address on net, or "script:<hex of the
	 * owner key>"; "" when the iterator reads no addresses. */
	char address[CLUSTER_ADDR_MAX];
};

/* Opens an iterator over st (borrowed until cluster_export_free) for the
 * address ids of its index tip (none when the index holds no block).
 * with_addresses: also read every id's `a` record into row.address (net
 * chooses the address form); an id without one is then an error. *out is
 * new (free with cluster_export_free). */
bool cluster_export_new(struct cluster_export **out, struct store *st,
			enum network net, bool with_addresses, const char **why)
	__attribute__((warn_unused_result));

/* The index tip read at cluster_export_new (zero when none): next_addr
 * is the number of rows. Borrowed until cluster_export_free. */
const struct idx_tip *cluster_export_tip(const struct cluster_export *x);

/* The next row into *row; *done true (row untouched) after the last.
 * False on a store error or a damaged record; *why is then borrowed
 * until cluster_export_free, and the iterator must not be used again. */
bool cluster_export_next(struct cluster_export *x, struct cluster_export_row *row,
			 bool *done, const char **why)
	__attribute__((warn_unused_result));

/* x may be NULL. */
void cluster_export_free(struct cluster_export *x);

/* Calls fn (row borrowed for the call) for every row in id order; fn
 * returns false to stop early (not an error). *why is a static string,
 * the message copied to a per-thread buffer when a record was damaged. */
bool cluster_export_each(struct store *st, enum network net, bool with_addresses,
			 bool (*fn)(void *ctx, const struct cluster_export_row *row),
			 void *ctx, const char **why)
	__attribute__((warn_unused_result));

#endif
