/* Internals shared by helper_rpcserver.c (HTTP) and helper_rpcserver_chain.c
 * (the chain and the RPC methods). */
#ifndef PROCEEDS_TESTS_HELPER_RPCSERVER_INT_H
#define PROCEEDS_TESTS_HELPER_RPCSERVER_INT_H

#include <jansson.h>
#include <pthread.h>
#include "helper_rpcserver.h"

struct srv_block {
	struct hash256 hash;
	uint8_t *raw;
	size_t len;
};

/* Every block ever added, the active chain as indices into it, and a hash
 * table (index + 1, open addressing) for getblock by hash. */
struct srv_chain {
	struct srv_block *blocks;
	size_t n, cap;
	size_t *active;
	size_t n_active, cap_active;
	size_t *table;
	size_t table_cap;
	char name[16];
};

void srv_chain_release(struct srv_chain *ch);
void srv_chain_add(struct srv_chain *ch, const uint8_t *raw, size_t len);

/* Executes one call. Returns the result (new ref) or NULL with *code and
 * msg set. wrong_block makes getblock answer with another block. */
json_t *srv_chain_call(struct srv_chain *ch, const char *method, json_t *params,
		       bool wrong_block, int *code, char *msg, size_t msz);

/* Aborts the program with a message: fixtures do not fail softly. */
void srv_die(const char *what);

#endif
