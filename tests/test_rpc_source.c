/* Following a node's chain: order, batching, the real chain, reorgs at the
 * tip, to a shorter chain and under our feet, fork finding, errors. */
#include "proceeds/rpc_source.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_rpcserver.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define USER "bob"
#define PASS "source-test-password"
#define MAXH 5000

/* What a follower has "indexed": the hash at each height. */
struct ours {
	struct hash256 h[MAXH];
	uint32_t count;
};

static bool our_hash(void *ctx, struct hash256 *out, uint32_t height, const char **why)
{
	struct ours *o = ctx;
	if (height >= o->count) {
		*why = "beyond our tip";
		return false;
	}
	*out = o->h[height];
	return true;
}

/* Appends blocks of branch tag at heights from..to-1 on top of prev. */
static struct hash256 extend(struct rpcsrv *s, struct hash256 prev, uint32_t from,
			     uint32_t to, uint32_t tag)
{
	uint8_t raw[RPCSRV_BLOCK_MAX];
	for (uint32_t h = from; h < to; h++) {
		size_t len = rpcsrv_make_block(raw, &prev, h, tag);
		rpcsrv_add_block(s, raw, len);
		block_header_hash(&prev, raw);
	}
	return prev;
}

static struct rpc_client *client(struct rpcsrv *s, size_t cap)
{
	struct rpc_options o;
	struct rpc_client *c;
	const char *why = NULL;
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = USER;
	o.password = PASS;
	o.backoff_ms = 1;
	o.max_attempts = 2;
	o.max_response = cap;
	assert_true(rpc_client_new(&c, &o, &why));
	return c;
}

/* Follows until the tip; returns the last status. */
static enum rpc_source_status follow(struct rpc_source *src, struct ours *o)
{
	struct rpc_source_block b;
	enum rpc_source_status st;
	const char *why = NULL;
	while ((st = rpc_source_next(src, &b, &why)) == RPC_SOURCE_BLOCK) {
		struct hash256 h;
		assert_int_equal(b.height, o->count);
		block_header_hash(&h, b.raw);
		assert_true(hash256_eq(&h, &b.hash));
		o->h[o->count++] = b.hash;
	}
	return st;
}

static void assert_same_chain(struct rpcsrv *s, const struct ours *o)
{
	assert_int_equal(o->count, rpcsrv_count(s));
	for (uint32_t i = 0; i < o->count; i++) {
		struct hash256 want = rpcsrv_hash(s, i);
		assert_true(hash256_eq(&o->h[i], &want));
	}
}

static void test_follow_batched(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct ours *o = calloc(1, sizeof(*o));
	const char *why = NULL;
	struct hash256 zero = { { 0 } };
	(void)state;
	extend(s, zero, 0, 50, 1);
	assert_true(rpc_source_new(&src, c, 8, &why));
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	/* 7 batches of hashes + 7 of blocks, and one look at the tip. */
	assert_int_equal(rpcsrv_requests(s), 15);
	assert_int_equal(rpc_source_blocks_fetched(src), 50);
	/* New blocks arrive: following resumes where it stopped. */
	extend(s, o->h[49], 50, 53, 1);
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

/* Reorgs: a longer competing branch, a same-height replacement, a shorter
 * chain. Each time: REORG, the right fork point, then the new branch. */
static void test_reorgs(void **state)
{
	const struct { uint32_t cut, grow_to; } cases[] = {
		{ 24, 35 }, /* fork at 24, new branch to 34 */
		{ 33, 35 }, /* the tip block replaced */
		{ 20, 21 }, /* the node now has a shorter chain */
	};
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct ours *o = calloc(1, sizeof(*o));
	struct hash256 zero = { { 0 } };
	const char *why = NULL;
	(void)state;
	extend(s, zero, 0, 30, 1);
	assert_true(rpc_source_new(&src, c, 4, &why));
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	for (uint32_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t fork;
		rpcsrv_truncate(s, cases[i].cut);
		extend(s, rpcsrv_hash(s, cases[i].cut), cases[i].cut + 1, cases[i].grow_to,
		       100 + i);
		assert_int_equal(follow(src, o), RPC_SOURCE_REORG);
		assert_true(rpc_source_find_fork(src, &fork, o->count - 1, our_hash, o, &why));
		assert_int_equal(fork, cases[i].cut);
		o->count = fork + 1; /* "disconnect" down to the fork */
		rpc_source_seek(src, fork + 1, &o->h[fork]);
		assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
		assert_same_chain(s, o);
	}
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

/* A block whose parent is not the block before it (the node switched
 * branches between our getblockhash and getblock): REORG, never a block. */
static void test_hash_changes_under_us(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct rpc_source_block b;
	struct ours *o = calloc(1, sizeof(*o));
	struct hash256 zero = { { 0 } }, other;
	const char *why = NULL;
	(void)state;
	extend(s, zero, 0, 10, 1);
	memset(&other, 0x5a, sizeof(other));
	extend(s, other, 10, 12, 2);
	assert_true(rpc_source_new(&src, c, 16, &why));
	assert_int_equal(follow(src, o), RPC_SOURCE_REORG);
	assert_int_equal(o->count, 10);
	/* Asking again still refuses: the position did not move. */
	assert_int_equal(rpc_source_next(src, &b, &why), RPC_SOURCE_REORG);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

static bool foreign_hash(void *ctx, struct hash256 *out, uint32_t height, const char **why)
{
	memset(out, 0x11, sizeof(*out));
	return true;
}

static void test_no_common_block(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct hash256 zero = { { 0 } };
	const char *why = NULL;
	uint32_t fork;
	(void)state;
	extend(s, zero, 0, 150, 1);
	assert_true(rpc_source_new(&src, c, 4, &why));
	assert_false(rpc_source_find_fork(src, &fork, 200, foreign_hash, NULL, &why));
	assert_non_null(strstr(why, "shares no block"));
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

/* A node failing mid-way: an error, and afterwards the follower resumes
 * at the same height, nothing skipped. */
static void test_error_keeps_position(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct rpc_source_block b;
	struct ours *o = calloc(1, sizeof(*o));
	struct hash256 zero = { { 0 } };
	const char *why = NULL;
	(void)state;
	extend(s, zero, 0, 20, 1);
	assert_true(rpc_source_new(&src, c, 5, &why));
	for (int i = 0; i < 5; i++) {
		assert_int_equal(rpc_source_next(src, &b, &why), RPC_SOURCE_BLOCK);
		o->h[o->count++] = b.hash;
	}
	rpcsrv_set_fault(s, RPCSRV_FAULT_PLAIN_503, UINT32_MAX);
	assert_int_equal(rpc_source_next(src, &b, &why), RPC_SOURCE_ERROR);
	assert_non_null(strstr(why, "HTTP 503"));
	assert_null(strstr(why, PASS));
	rpcsrv_set_fault(s, RPCSRV_FAULT_WRONG_BLOCK, 1);
	assert_int_equal(rpc_source_next(src, &b, &why), RPC_SOURCE_BLOCK); /* hashes */
	o->h[o->count++] = b.hash;
	rpcsrv_set_fault(s, RPCSRV_FAULT_NONE, 0);
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

/* Answers over the cap make the source ask for fewer blocks at a time. */
static void test_batch_halves_at_cap(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1200);
	struct rpc_source *src;
	struct ours *o = calloc(1, sizeof(*o));
	struct hash256 zero = { { 0 } };
	const char *why = NULL;
	(void)state;
	extend(s, zero, 0, 12, 1);
	assert_true(rpc_source_new(&src, c, 8, &why));
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

/* A synthetic chain on regtest's real genesis passes the network check. */
static void test_regtest_network(void **state)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct rpc_client *c = client(s, 1 << 20);
	struct rpc_source *src;
	struct rpc_chain_info info;
	struct ours *o = calloc(1, sizeof(*o));
	uint8_t raw[RPCSRV_BLOCK_MAX];
	struct hash256 g;
	char hex[65];
	const char *why = NULL;
	(void)state;
	rpcsrv_add_block(s, raw, rpcsrv_regtest_genesis(raw));
	block_header_hash(&g, raw);
	hash256_to_hex(hex, &g);
	assert_string_equal(hex, network_params(NETWORK_REGTEST)->genesis);
	extend(s, g, 1, 10, 1);
	rpcsrv_set_chain_name(s, "regtest");
	assert_true(rpc_source_new(&src, c, 4, &why));
	assert_true(rpc_source_check_network(src, &info, NETWORK_REGTEST, &why));
	assert_false(rpc_source_check_network(src, &info, NETWORK_MAIN, &why));
	assert_non_null(strstr(why, "not main"));
	rpcsrv_set_chain_name(s, "main"); /* a node lying about its chain */
	assert_false(rpc_source_check_network(src, &info, NETWORK_MAIN, &why));
	assert_non_null(strstr(why, "genesis"));
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

static void test_real_chain(void **state)
{
	char path[4096];
	struct rpcsrv *s;
	struct rpc_client *c;
	struct rpc_source *src;
	struct rpc_chain_info info;
	struct ours *o;
	const char *why = NULL;
	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return;
	s = rpcsrv_start(USER, PASS);
	assert_int_equal(rpcsrv_load_blk(s, path), 4522);
	c = client(s, (size_t)64 << 20);
	o = calloc(1, sizeof(*o));
	assert_true(rpc_source_new(&src, c, 64, &why));
	assert_false(rpc_source_check_network(src, &info, NETWORK_TESTNET, &why));
	assert_non_null(strstr(why, "not testnet"));
	assert_true(rpc_source_check_network(src, &info, NETWORK_MAIN, &why));
	assert_int_equal(info.blocks, 4521);
	assert_int_equal(follow(src, o), RPC_SOURCE_TIP);
	assert_same_chain(s, o);
	rpc_source_free(src);
	rpc_client_free(c);
	rpcsrv_stop(s);
	free(o);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_batched),
		cmocka_unit_test(test_reorgs),
		cmocka_unit_test(test_hash_changes_under_us),
		cmocka_unit_test(test_no_common_block),
		cmocka_unit_test(test_error_keeps_position),
		cmocka_unit_test(test_batch_halves_at_cap),
		cmocka_unit_test(test_regtest_network),
		cmocka_unit_test(test_real_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
