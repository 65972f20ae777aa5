/* proceeds report --reproduce: re-runs the trace an evidence package
 * records (report.json's trace.document: its seeds and parameters) on an
 * index, at the recorded tip, and lists every difference between the
 * recorded trace and the rerun, one line each. The index must hold the
 * recorded tip: the same tip, or a descendant (spends after the recorded
 * tip are not seen, so the rerun is the same trace unless the chain or the
 * tags say otherwise). */
#ifndef PROCEEDS_REPORTREPRO_H
#define PROCEEDS_REPORTREPRO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/index_rec.h"
#include "proceeds/network.h"

struct store;

/* At most this many difference lines are kept; the rest are counted. */
#define REPORTREPRO_MAX_DIFFS 100

/* The outcome; owned strings, reportrepro_release frees them. */
struct reportrepro {
	uint32_t recorded_height, index_height;
	char recorded_hash[65];
	bool descendant;        /* index_height > recorded_height */
	char **diffs;           /* "hops[<outpoint>].status: recorded ..., rerun ..." */
	size_t n_diffs;
	size_t n_more;          /* differences beyond REPORTREPRO_MAX_DIFFS */
};
void reportrepro_release(struct reportrepro *r);

/* Reruns report's (borrowed) trace on st, an index of net whose tip is
 * *tip, and fills *out (release it). False with *why when it cannot run:
 * a report without a trace document or with unreadable parameters, an
 * index of another network, an index that does not hold the recorded tip
 * (behind it, or on another chain: *why says which), a seed the index
 * lacks, or a read error. */
bool reportrepro_run(struct reportrepro *out, struct store *st, enum network net,
		     const struct idx_tip *tip, const json_t *report, const char **why)
	__attribute__((warn_unused_result));

/* Adds to out one line per difference between two proceeds-trace/1
 * documents (borrowed): arrays of records are matched by outpoint (by
 * entity for entities), so a line names the record and the field. */
void reportrepro_diff(struct reportrepro *out, const json_t *recorded,
		      const json_t *rerun);

#endif
