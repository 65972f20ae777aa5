/* Indexing from a node that misbehaves (garbage, hangs, truncated or huge
 * answers, HTTP 500, wrong credentials, a block that is not the one asked
 * for, an invalid block): a clear error, bounded retries, and the index
 * committed at its last good block, from which a rerun continues to the
 * same index as a clean run. Also refusals, --stop-height and --follow. */
#include "proceeds/index_rpc.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_chain.h"
#include "helper_idxrpc.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define REG NETWORK_REGTEST
#define LEN 100

static struct regchain chain;   /* LEN blocks, built once */

static int setup_chain(void **state)
{
	regchain_build(&chain, LEN, LEN, 1, 1);
	return 0;
}

static int free_chain(void **state)
{
	regchain_free(&chain);
	return 0;
}

/* Sets a fault once the index reaches a height; tracks the last block. */
struct injector {
	struct rpcsrv *s;
	enum rpcsrv_fault f;
	uint32_t at, last;
	uint32_t requests_at_fault;
	bool set;
};

static void inject(void *ctx, uint32_t height, const struct index_rpc_stats *st)
{
	struct injector *in = ctx;
	in->last = height;
	if (!in->set && height == in->at) {
		rpcsrv_set_fault(in->s, in->f, UINT32_MAX);
		in->requests_at_fault = rpcsrv_requests(in->s);
		in->set = true;
	}
}

static void fault_case(enum rpcsrv_fault f, const char *want)
{
	char *db = ir_tmpdir(), *fresh = ir_tmpdir(), why[640];
	struct injector in = { ir_server(&chain, LEN, "regtest"), f, 40, 0, 0, false };
	struct index_rpc_options o;
	struct hash256 d1, d2;
	uint32_t tip;

	index_rpc_options_init(&o);
	o.batch = 8;
	o.progress = inject;
	o.ctx = &in;
	assert_false(ir_run(db, REG, in.s, &o, NULL, why, sizeof(why)));
	if (!strstr(why, want))
		fail_msg("fault %d: \"%s\" lacks \"%s\"", (int)f, why, want);
	assert_null(strstr(why, IR_PASS));
	/* Bounded: a few attempts (and batch halvings), no endless retry. */
	assert_true(rpcsrv_requests(in.s) - in.requests_at_fault <= 12);
	ir_digest(db, REG, &tip);
	assert_true(in.last >= 40);
	assert_int_equal(tip, in.last);       /* the last good block, committed */
	rpcsrv_set_fault(in.s, RPCSRV_FAULT_NONE, 0);
	assert_true(ir_run(db, REG, in.s, NULL, NULL, why, sizeof(why)));
	ir_index_direct(fresh, REG, &chain, LEN);
	d1 = ir_digest(db, REG, &tip);
	assert_int_equal(tip, LEN - 1);
	d2 = ir_digest(fresh, REG, &tip);
	assert_true(hash256_eq(&d1, &d2));
	rpcsrv_stop(in.s);
	helper_rm_rf(db);
	helper_rm_rf(fresh);
	free(db);
	free(fresh);
}

static void test_garbage(void **state) { fault_case(RPCSRV_FAULT_GARBAGE, "not JSON"); }
static void test_hang(void **state) { fault_case(RPCSRV_FAULT_HANG, "imed out"); }
static void test_truncated(void **state)
{
	fault_case(RPCSRV_FAULT_TRUNCATE, "gave up after 3 attempts");
}
static void test_closed(void **state)
{
	fault_case(RPCSRV_FAULT_CLOSE, "gave up after 3 attempts");
}
static void test_http_500(void **state)
{
	fault_case(RPCSRV_FAULT_PLAIN_500, "gave up after 3 attempts");
}
static void test_huge_body(void **state)
{
	fault_case(RPCSRV_FAULT_HUGE, "exceeds the 8388608-byte limit");
	fault_case(RPCSRV_FAULT_HUGE_CHUNKED, "exceeds the 8388608-byte limit");
}
static void test_block_changes_under_us(void **state)
{
	fault_case(RPCSRV_FAULT_WRONG_BLOCK, "when asked for");
}

static void test_wrong_credentials(void **state)
{
	char *db = ir_tmpdir();
	struct rpcsrv *s = ir_server(&chain, LEN, "regtest");
	struct index *idx = ir_open(db, REG, 0);
	struct rpc_client *c = ir_client(s, "not-the-password-42");
	struct index_rpc_options o;
	struct index_rpc_stats st = { 0 };
	const char *why = NULL;
	uint32_t requests;

	index_rpc_options_init(&o);
	assert_false(index_rpc_run(idx, c, &o, &st, &why));
	assert_non_null(strstr(why, "authentication failed"));
	assert_null(strstr(why, "not-the-password-42"));
	requests = rpcsrv_requests(s);
	assert_true(requests <= 2); /* not retried */
	assert_int_equal(st.connected, 0);
	rpc_client_free(c);
	index_close(idx);
	rpcsrv_stop(s);
	helper_rm_rf(db);
	free(db);
}

/* A node that serves a block spending an output that does not exist:
 * refused, naming the height, the index at the block before. */
static void test_invalid_block(void **state)
{
	char *db = ir_tmpdir(), why[640];
	struct rpcsrv *s = ir_server(&chain, 60, "regtest");
	struct hc_buf tx = { 0 }, blk = { 0 };
	struct hash256 nowhere = { { 0x42 } };
	uint8_t script[25];
	const uint8_t *scripts[1] = { script };
	size_t lens[1] = { hc_p2pkh(script, 9) };
	uint64_t v = 1000;
	uint32_t vout = 0, tip;

	hc_tx(&tx, 0, NULL, NULL, 1, &v, scripts, lens, 60);
	hc_tx(&tx, 1, &nowhere, &vout, 1, &v, scripts, lens, 0);
	hc_block(&blk, &chain.hash[59], 1296700000, &tx, 2);
	rpcsrv_add_block(s, blk.p, blk.len);
	assert_false(ir_run(db, REG, s, NULL, NULL, why, sizeof(why)));
	if (!strstr(why, "block 60 (")) fail_msg("%s", why);
	ir_digest(db, REG, &tip);
	assert_int_equal(tip, 59);
	hc_buf_free(&tx);
	hc_buf_free(&blk);
	rpcsrv_stop(s);
	helper_rm_rf(db);
	free(db);
}

/* A node on another chain, and a reorg deeper than allowed: refused,
 * nothing changed. */
static void test_refusals(void **state)
{
	char *db = ir_tmpdir(), why[640];
	struct rpcsrv *s = ir_server(&chain, LEN, "main");
	struct index_rpc_options o;
	struct regchain b;
	uint32_t tip;

	assert_false(ir_run(db, REG, s, NULL, NULL, why, sizeof(why)));
	assert_non_null(strstr(why, "not regtest"));
	rpcsrv_set_chain_name(s, "regtest");
	assert_true(ir_run(db, REG, s, NULL, NULL, why, sizeof(why)));
	regchain_build(&b, LEN, 70, 1, 6);
	ir_switch(s, &b, LEN);
	index_rpc_options_init(&o);
	o.max_reorg = 10;
	assert_false(ir_run(db, REG, s, &o, NULL, why, sizeof(why)));
	if (!strstr(why, "refusing to disconnect")) fail_msg("%s", why);
	ir_digest(db, REG, &tip);
	assert_int_equal(tip, LEN - 1);
	o.max_reorg = 29;  /* 99 - 70 blocks: allowed */
	assert_true(ir_run(db, REG, s, &o, NULL, why, sizeof(why)));
	regchain_free(&b);
	rpcsrv_stop(s);
	helper_rm_rf(db);
	free(db);
}

/* --stop-height, then --follow: waits at the tip, takes new blocks,
 * commits them at the tip, stops when asked. */
struct feeder {
	struct rpcsrv *s;
	uint32_t polls, last;
};

static bool feed_stop(void *ctx)
{
	struct feeder *f = ctx;
	if (f->last == 79 && ++f->polls == 5)
		for (uint32_t h = 80; h < LEN; h++)
			rpcsrv_add_block(f->s, chain.raw[h], chain.len[h]);
	return f->last == LEN - 1 && f->polls > 5;
}

static void feed_progress(void *ctx, uint32_t height, const struct index_rpc_stats *st)
{
	((struct feeder *)ctx)->last = height;
}

static void test_stop_height_and_follow(void **state)
{
	char *db = ir_tmpdir(), why[640];
	struct feeder f = { ir_server(&chain, 80, "regtest"), 0, 0 };
	struct index_rpc_options o;
	uint32_t tip;

	index_rpc_options_init(&o);
	o.has_stop_height = true;
	o.stop_height = 30;
	assert_true(ir_run(db, REG, f.s, &o, NULL, why, sizeof(why)));
	ir_digest(db, REG, &tip);
	assert_int_equal(tip, 30);
	index_rpc_options_init(&o);
	o.follow = true;
	o.poll_ms = 5;
	o.stop = feed_stop;
	o.progress = feed_progress;
	o.ctx = &f;
	assert_true(ir_run(db, REG, f.s, &o, NULL, why, sizeof(why)));
	assert_true(f.polls > 5);
	ir_digest(db, REG, &tip);
	assert_int_equal(tip, LEN - 1);
	rpcsrv_stop(f.s);
	helper_rm_rf(db);
	free(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_hang),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_closed),
		cmocka_unit_test(test_http_500),
		cmocka_unit_test(test_huge_body),
		cmocka_unit_test(test_block_changes_under_us),
		cmocka_unit_test(test_wrong_credentials),
		cmocka_unit_test(test_invalid_block),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_stop_height_and_follow),
	};
	return cmocka_run_group_tests(tests, setup_chain, free_chain);
}
