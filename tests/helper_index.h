/* Index checks shared by the index tests and benchmarks. */
#ifndef PROCEEDS_TESTS_HELPER_INDEX_H
#define PROCEEDS_TESTS_HELPER_INDEX_H

#include "proceeds/hash.h"
#include "proceeds/index.h"
#include "proceeds/index_verify.h"

/* Runs index_verify on idx (borrowed) into *r and aborts, printing every
 * error found, unless the index is consistent. Returns r->digest. */
struct hash256 helper_index_verified(struct index *idx, struct index_verify_report *r);

/* The same when only the digest matters. */
struct hash256 helper_index_digest(struct index *idx);

#endif
