/* Internal to chain/edgeexport*.c: the files of an edge export (the
 * partition folders, the rows in CSV and JSON Lines, schema.json and
 * manifest.json), written by edgeexport_out.c for the walk over the
 * index in edgeexport.c. */
#ifndef PROCEEDS_CHAIN_EDGEEXPORT_INT_H
#define PROCEEDS_CHAIN_EDGEEXPORT_INT_H

#include "proceeds/edgeexport.h"
#include "proceeds/why.h"

#include <jansson.h>
#include <stdio.h>

/* One row. Strings are borrowed for the call; every one of them is of
 * the alphabet [0-9A-Za-z:] (hex, addresses, "script:<hex>",
 * "<txid>:<n>"), so no CSV quoting and no JSON escaping is needed. */
struct ee_row {
	const char *direction;      /* "in" / "out"; tx level only */
	const char *txid;
	const char *outpoint, *address;  /* tx level only */
	const char *src, *dst;      /* address level only */
	uint64_t tx_index;          /* txnum */
	uint32_t height, index;     /* index: tx level only */
	uint64_t time, value;
	uint64_t n_src, n_dst;      /* address level only */
};

/* The files being written. Embedded: ee_out_begin / ee_out_release. */
struct ee_out {
	char dir[2048];
	enum edge_level level;
	uint32_t partition;
	bool open;                  /* a partition's files are open */
	uint32_t part_start, first_h, last_h;
	uint64_t part_rows;
	FILE *csv, *jsonl;
	char csv_path[2600], jsonl_path[2600];
	json_t *parts;              /* manifest entries (new; owned) */
	uint64_t n_parts;           /* partitions closed */
	uint64_t bytes;
	char err[WHY_MAX];
};

/* Checks that dir holds no export, creates its folders and writes
 * dir/schema.json. */
bool ee_out_begin(struct ee_out *o, const char *dir, enum edge_level level,
		  uint32_t partition, const char **why)
	__attribute__((warn_unused_result));

/* The rows that follow are of height h (non-decreasing): opens the files
 * of h's partition when h leaves the current one. */
bool ee_out_height(struct ee_out *o, uint32_t h, const char **why)
	__attribute__((warn_unused_result));

/* One row to both files of the current partition. */
bool ee_out_row(struct ee_out *o, const struct ee_row *r, const char **why)
	__attribute__((warn_unused_result));

/* Closes the last partition and writes dir/manifest.json from head (new
 * object, taken) and the partitions. */
bool ee_out_finish(struct ee_out *o, json_t *head, const char **why)
	__attribute__((warn_unused_result));

/* Closes what is open (an unfinished export keeps its files). */
void ee_out_release(struct ee_out *o);

#endif
