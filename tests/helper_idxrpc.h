/* Fixtures for the tests of indexing from a node (tests/helper_idxrpc.c):
 * a test server serving a regchain, indexes built directly or through
 * index_rpc_run, and their --verify digests. Everything asserts (cmocka):
 * these are test fixtures. */
#ifndef PROCEEDS_TESTS_HELPER_IDXRPC_H
#define PROCEEDS_TESTS_HELPER_IDXRPC_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/index.h"
#include "proceeds/index_rpc.h"
#include "proceeds/network.h"
#include "proceeds/rpc.h"
#include "helper_regchain.h"
#include "helper_rpcserver.h"

#define IR_USER "dave"
#define IR_PASS "s3cret-index-rpc-password"

/* A server on chain name name serving c's blocks from..to-1. */
struct rpcsrv *ir_server(const struct regchain *c, uint32_t to, const char *name);

/* Makes the server's best chain c's blocks 0..to-1 (c forks from what it
 * serves at some height): cut back to the common part, add the rest. */
void ir_switch(struct rpcsrv *s, const struct regchain *c, uint32_t to);

/* A client for s with test-sized timeouts (backoff 1 ms, 3 attempts,
 * 600 ms per request, 8 MiB answers) and the given password. */
struct rpc_client *ir_client(struct rpcsrv *s, const char *password);

/* Opens (creating) the index in dir; flush_txs 0 = default. */
struct index *ir_open(const char *dir, enum network net, uint32_t flush_txs);

/* One run of index_rpc_run on dir against s; o may be NULL (defaults).
 * Returns its result; *why (may be NULL) gets a copy of the message. */
bool ir_run(const char *dir, enum network net, struct rpcsrv *s,
	    const struct index_rpc_options *o, struct index_rpc_stats *st,
	    char *why, size_t wsz);

/* A fresh index of c's blocks 0..to-1 connected directly (no RPC). */
void ir_index_direct(const char *dir, enum network net, const struct regchain *c,
		     uint32_t to);

/* The --verify digest of the index in dir; asserts it is consistent and
 * returns its tip height in *tip (UINT32_MAX when empty). */
struct hash256 ir_digest(const char *dir, enum network net, uint32_t *tip);

/* A new temporary directory path (caller frees, helper_rm_rf removes). */
char *ir_tmpdir(void);

#endif
