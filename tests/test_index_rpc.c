/* Indexing from a node end to end (index_rpc_run against the loopback test
 * server): the same --verify digest as indexing the blk files; reorgs,
 * including a process killed (SIGKILL) in the middle of one, end equal to
 * a fresh index of the winning branch; --follow and stopping. */
#include "proceeds/blkdir.h"
#include "proceeds/index_rpc.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_idxrpc.h"

#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define REG NETWORK_REGTEST

static void assert_digests_equal(const char *a, const char *b, enum network net,
				 uint32_t want_tip)
{
	uint32_t ta, tb;
	struct hash256 da = ir_digest(a, net, &ta), db = ir_digest(b, net, &tb);
	assert_int_equal(ta, want_tip);
	assert_int_equal(tb, want_tip);
	assert_true(hash256_eq(&da, &db));
}

/* Indexes a blocks directory the way `index --blocks` does. */
static void index_blkdir(const char *db, const char *blocks, enum network net)
{
	struct blkdir *d = NULL;
	struct blkdir_block raw;
	struct index *idx;
	struct block b;
	const char *why = NULL;
	enum network got = net;

	assert_true(blkdir_open(&d, blocks, &got, &why));
	idx = ir_open(db, net, 0);
	block_init(&b);
	for (uint32_t h = 0; h < blkdir_count(d); h++) {
		assert_true(blkdir_read(d, &raw, h, &why));
		assert_true(block_parse(&b, raw.raw, raw.len, &why));
		assert_true(index_connect_block(idx, &b, h, &why));
	}
	assert_true(index_flush(idx, true, &why));
	block_release(&b);
	index_close(idx);
	blkdir_free(d);
}

/* A server whose chain is the blocks directory's best chain. */
static struct rpcsrv *server_from_blkdir(const char *blocks, enum network net,
					 const char *name)
{
	struct rpcsrv *s = rpcsrv_start(IR_USER, IR_PASS);
	struct blkdir *d = NULL;
	struct blkdir_block raw;
	const char *why = NULL;
	assert_true(blkdir_open(&d, blocks, &net, &why));
	rpcsrv_set_chain_name(s, name);
	for (uint32_t h = 0; h < blkdir_count(d); h++) {
		assert_true(blkdir_read(d, &raw, h, &why));
		rpcsrv_add_block(s, raw.raw, raw.len);
	}
	blkdir_free(d);
	return s;
}

static void blk_vs_rpc(const char *blocks, enum network net, const char *name)
{
	char *a = ir_tmpdir(), *b = ir_tmpdir(), why[640];
	struct rpcsrv *s = server_from_blkdir(blocks, net, name);
	struct index_rpc_stats st = { 0 };
	uint32_t n = rpcsrv_count(s);

	index_blkdir(a, blocks, net);
	assert_true(ir_run(b, net, s, NULL, &st, why, sizeof(why)));
	assert_int_equal(st.connected, n);
	assert_int_equal(st.node_height, n - 1);
	assert_digests_equal(a, b, net, n - 1);
	rpcsrv_stop(s);
	helper_rm_rf(a);
	helper_rm_rf(b);
	free(a);
	free(b);
}

static void test_blk_equals_rpc_generated(void **state)
{
	struct regchain c;
	char *dir = ir_tmpdir();
	(void)state;
	regchain_build(&c, 300, 299, 1, 1);
	regchain_write_blk(&c, dir);
	blk_vs_rpc(dir, REG, "regtest");
	regchain_free(&c);
	helper_rm_rf(dir);
	free(dir);
}

static void test_blk_equals_rpc_real(void **state)
{
	char path[4096];
	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521"))
		return;
	blk_vs_rpc(path, NETWORK_MAIN, "main");
}

/* Ends a reorg case: the index in db equals a fresh index of b up to
 * tip; then frees everything (db and fresh are ir_tmpdir's). */
static void end_equal_to_fresh(struct rpcsrv *s, struct regchain *a, struct regchain *b,
			       char *db, char *fresh, uint32_t tip)
{
	ir_index_direct(fresh, REG, b, b->n);
	assert_digests_equal(db, fresh, REG, tip);
	rpcsrv_stop(s);
	regchain_free(a);
	regchain_free(b);
	helper_rm_rf(db);
	helper_rm_rf(fresh);
	free(db);
	free(fresh);
}

/* A reorg to a longer and to a shorter branch: the index equals a fresh
 * index of the winner. */
static void reorg_case(uint32_t fork, uint32_t len_b, uint32_t tag_b)
{
	struct regchain a, b;
	char *db = ir_tmpdir(), *fresh = ir_tmpdir(), why[640];
	struct index_rpc_stats st = { 0 };
	struct rpcsrv *s;

	regchain_build(&a, 120, 119, 1, 1);
	regchain_build(&b, len_b, fork, 1, tag_b);
	s = ir_server(&a, a.n, "regtest");
	assert_true(ir_run(db, REG, s, NULL, &st, why, sizeof(why)));
	assert_int_equal(st.connected, 120);
	ir_switch(s, &b, b.n);
	memset(&st, 0, sizeof(st));
	assert_true(ir_run(db, REG, s, NULL, &st, why, sizeof(why)));
	assert_int_equal(st.reorgs, 1);
	assert_int_equal(st.disconnected, 119 - fork);
	assert_int_equal(st.connected, len_b - 1 - fork);
	end_equal_to_fresh(s, &a, &b, db, fresh, len_b - 1);
}

static void test_reorg_longer_branch(void **state)
{
	(void)state;
	reorg_case(100, 140, 2);
}

static void test_reorg_shorter_branch(void **state)
{
	(void)state;
	reorg_case(90, 110, 3); /* the node's tip is below ours */
}

/* The node switches branches in the middle of a run (block hashes change
 * under us): the run still ends equal to the new branch. */
struct switcher {
	struct rpcsrv *s;
	const struct regchain *b;
	uint32_t at;
	bool done;
};

static void switch_progress(void *ctx, uint32_t height, const struct index_rpc_stats *st)
{
	struct switcher *w = ctx;
	if (!w->done && height == w->at) {
		ir_switch(w->s, w->b, w->b->n);
		w->done = true;
	}
}

static void test_reorg_during_run(void **state)
{
	struct regchain a, b;
	char *db = ir_tmpdir(), *fresh = ir_tmpdir(), why[640];
	struct index_rpc_options o;
	struct index_rpc_stats st = { 0 };
	struct switcher w;
	(void)state;
	regchain_build(&a, 200, 199, 1, 1);
	regchain_build(&b, 210, 70, 1, 4);
	w = (struct switcher){ ir_server(&a, a.n, "regtest"), &b, 80, false };
	index_rpc_options_init(&o);
	o.batch = 8;
	o.progress = switch_progress;
	o.ctx = &w;
	assert_true(ir_run(db, REG, w.s, &o, &st, why, sizeof(why)));
	assert_true(w.done);
	assert_int_equal(st.reorgs, 1);
	end_equal_to_fresh(w.s, &a, &b, db, fresh, 209);
}

/* ---- killed in the middle of a reorg ---- */

struct killer {
	uint32_t after_disconnects;  /* SIGKILL once this many (0: not) */
	uint32_t after_connects;     /* or once this many connected */
};

static void kill_progress(void *ctx, uint32_t height, const struct index_rpc_stats *st)
{
	struct killer *k = ctx;
	if ((k->after_disconnects && st->disconnected == k->after_disconnects) ||
	    (k->after_connects && st->connected == k->after_connects))
		raise(SIGKILL);
}

/* Runs index_rpc_run in a child process that kills itself at k's point. */
static void run_and_die(const char *db, struct rpcsrv *s, struct killer k,
			uint32_t flush_txs)
{
	pid_t pid;
	int status;

	/* The killed child's connections must be closed first (see
	 * rpcsrv_wait_idle). */
	assert_true(rpcsrv_wait_idle(s, 20000));
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct index_rpc_options o;
		struct index_rpc_stats st = { 0 };
		struct index *idx = ir_open(db, REG, flush_txs);
		struct rpc_client *c = ir_client(s, IR_PASS);
		const char *why;
		index_rpc_options_init(&o);
		o.batch = 4;
		o.progress = kill_progress;
		o.ctx = &k;
		if (!index_rpc_run(idx, c, &o, &st, &why))
			fprintf(stderr, "child: %s\n", why);
		_exit(3); /* not killed: the test fails below */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
}

static void killed_case(struct killer k, uint32_t flush_txs)
{
	struct regchain a, b;
	char *db = ir_tmpdir(), *fresh = ir_tmpdir(), why[640];
	struct index_rpc_stats st = { 0 };
	struct rpcsrv *s;
	uint32_t tip;

	regchain_build(&a, 100, 99, 1, 1);
	regchain_build(&b, 110, 80, 1, 5);
	s = ir_server(&a, a.n, "regtest");
	assert_true(ir_run(db, REG, s, NULL, &st, why, sizeof(why)));
	ir_switch(s, &b, b.n);
	run_and_die(db, s, k, flush_txs);
	/* The killed index is consistent, somewhere between the two tips. */
	ir_digest(db, REG, &tip);
	assert_true(tip >= 80 - 1 && tip <= 109);
	memset(&st, 0, sizeof(st));
	assert_true(ir_run(db, REG, s, NULL, &st, why, sizeof(why)));
	end_equal_to_fresh(s, &a, &b, db, fresh, 109);
}

static void test_killed_while_disconnecting(void **state)
{
	(void)state;
	killed_case((struct killer){ 7, 0 }, 0);
}

static void test_killed_while_connecting_new_branch(void **state)
{
	(void)state;
	/* Uncommitted blocks of the new branch are lost with the process. */
	killed_case((struct killer){ 0, 12 }, 0);
	/* Committed after every tx: the new branch is partly in. */
	killed_case((struct killer){ 0, 12 }, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_blk_equals_rpc_generated),
		cmocka_unit_test(test_blk_equals_rpc_real),
		cmocka_unit_test(test_reorg_longer_branch),
		cmocka_unit_test(test_reorg_shorter_branch),
		cmocka_unit_test(test_reorg_during_run),
		cmocka_unit_test(test_killed_while_disconnecting),
		cmocka_unit_test(test_killed_while_connecting_new_branch),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
