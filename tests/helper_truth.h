/* The simulator's ground truth for benchmarks and tests: the owner of
 * every address id of an index built from a `proceeds simulate` run,
 * its entities, and its CoinJoin and PayJoin txids (tests/helper_truth.c).
 * Only tests and benchmarks read the truth; the analysis never does.
 * Errors are fatal: a message on stderr and exit 2. */
#ifndef PROCEEDS_TESTS_HELPER_TRUTH_H
#define PROCEEDS_TESTS_HELPER_TRUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "proceeds/hash.h"
#include "proceeds/network.h"

struct store;

/* Truth per address id: owner entity (-1 unknown) and deposit flag. */
struct truth {
	size_t n_ent;
	char **name;
	bool *exchange;
	uint64_t n_addr;
	int32_t *ent;
	uint8_t *deposit;
	size_t n_truth;             /* truth addresses found in the index */
	struct hash256 *pj, *cj;    /* PayJoin and CoinJoin txids, sorted */
	size_t n_pj, n_cj;
};

/* Reads DIR/truth.json against the index in st (n_addr address ids);
 * *net from its generator. *doc, when not NULL, receives the whole
 * document (new; caller decrefs). */
void truth_load(struct truth *t, struct store *st, const char *dir,
		uint64_t n_addr, enum network *net, json_t **doc);
void truth_release(struct truth *t);

/* Whether h is in the sorted list v of n txids. */
bool truth_has_txid(const struct hash256 *v, size_t n, const struct hash256 *h);

/* The txids of one truth list (objects with "txid"), sorted; new. */
struct hash256 *truth_txids(const json_t *list, size_t *n);

/* Every address id's cluster root (new, n entries). */
uint32_t *truth_roots(struct store *st, uint64_t n);

/* Fatal error of a bench or test tool: prints and exits 2. */
void truth_die(const char *what, const char *why) __attribute__((noreturn));

#endif
