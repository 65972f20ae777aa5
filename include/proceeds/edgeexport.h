/* The transaction graph of the index, written in the shapes distributed
 * engines load (Apache Spark, GraphSense's Cassandra): CSV with a header
 * and JSON Lines, one file of each per height range in Hive-style
 * partition folders, with a schema file and a manifest of row counts.
 * The edge models, columns and layout: docs/scale.md, "Hand-off to a
 * distributed engine".
 *
 * The `X` records are read once in txnum order; address names come from
 * addrname.h, spent txids from a fixed cache of recent txids (a point
 * read on a miss). Memory is constant whatever the index size (the
 * per-transaction arrays of the largest transaction aside). */
#ifndef PROCEEDS_EDGEEXPORT_H
#define PROCEEDS_EDGEEXPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"

struct store;

enum edge_level {
	/* one row per input (spent outpoint -> tx) and per output
	 * (tx -> outpoint) */
	EDGE_LEVEL_TX,
	/* one row per (distinct input address, distinct output address) of
	 * a non-coinbase tx, the outputs' value apportioned to the inputs */
	EDGE_LEVEL_ADDRESS,
};

/* "tx", "address". */
const char *edge_level_name(enum edge_level l);
/* Parses "tx" or "address"; false otherwise. */
bool edge_level_parse(enum edge_level *out, const char *s)
	__attribute__((warn_unused_result));

/* Default blocks per partition. */
#define EDGE_PARTITION_DEFAULT 10000u

struct edge_export_options {
	enum edge_level level;
	uint32_t from;              /* first height */
	uint32_t to;                /* last height (inclusive) */
	bool to_tip;                /* ignore to: up to the index tip */
	uint32_t partition;         /* blocks per partition, >= 1 */
};

struct edge_export_stats {
	uint32_t from, to;          /* heights exported */
	uint64_t txs, coinbase_txs;
	uint64_t inputs;            /* of non-coinbase txs */
	uint64_t outputs;
	uint64_t rows;              /* written to each format */
	uint64_t partitions;
	uint64_t bytes;             /* all files written, both formats */
	uint64_t txid_hits, txid_reads;   /* spent txids: cache, point reads */
	uint64_t name_sequential, name_hits, name_reads;  /* addrname.h */
};

/* Progress: txs written of total; may be NULL. */
typedef void (*edge_progress_fn)(void *ctx, uint64_t done, uint64_t total);

/* Writes the edges of heights o->from..o->to of the index in st (names
 * on net) under dir, which must not hold an export already (no
 * dir/edges, no dir/manifest.json); dir is created when missing.
 * Writes dir/schema.json first, the partitions, then dir/manifest.json
 * (through a temporary file and a rename): an export without a manifest
 * is incomplete. *why is a static string or one of a per-thread buffer,
 * naming the file on a write error. */
bool edge_export(struct store *st, enum network net, const char *dir,
		 const struct edge_export_options *o,
		 struct edge_export_stats *out, edge_progress_fn progress,
		 void *pctx, const char **why) __attribute__((warn_unused_result));

#endif
