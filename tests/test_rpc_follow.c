/* rpc_follow keeping a (mock) index equal to the node's best chain across
 * reorgs, a crash in the middle of one, following new blocks, and stop. */
#include "proceeds/rpc_source.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_rpcserver.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define USER "carol"
#define PASS "follow-test-password"
#define MAXH 256

/* A stand-in for the index with the same contract as index_connect_block:
 * a block must be at tip + 1 and build on the tip. */
struct mock {
	struct hash256 h[MAXH];
	uint32_t count;
	struct rpcsrv *srv;
	uint32_t polls;         /* stop() calls */
	uint32_t stop_at;       /* stop once count reaches it (0: never) */
	uint32_t fail_disconnect_after; /* simulated crash (0: never) */
	uint32_t disconnects;
};

static bool m_tip(void *ctx, bool *empty, uint32_t *height, struct hash256 *hash,
		  const char **why)
{
	struct mock *m = ctx;
	*empty = m->count == 0;
	if (m->count) {
		*height = m->count - 1;
		*hash = m->h[m->count - 1];
	}
	return true;
}

static bool m_hash_at(void *ctx, struct hash256 *out, uint32_t height, const char **why)
{
	struct mock *m = ctx;
	assert_true(height < m->count);
	*out = m->h[height];
	return true;
}

static bool m_connect(void *ctx, const struct rpc_source_block *b, const char **why)
{
	struct mock *m = ctx;
	struct block_header hdr;
	assert_int_equal(b->height, m->count);
	block_header_decode(&hdr, b->raw);
	if (m->count)
		assert_true(hash256_eq(&hdr.prev, &m->h[m->count - 1]));
	m->h[m->count++] = b->hash;
	return true;
}

static bool m_disconnect(void *ctx, const char **why)
{
	struct mock *m = ctx;
	assert_true(m->count > 0);
	if (m->fail_disconnect_after && m->disconnects == m->fail_disconnect_after) {
		*why = "simulated crash";
		return false;
	}
	m->disconnects++;
	m->count--;
	return true;
}

/* Stops once the mock reaches stop_at blocks. */
static bool m_stop(void *ctx)
{
	struct mock *m = ctx;
	m->polls++;
	return m->stop_at && m->count >= m->stop_at;
}

static struct rpc_follow_ops ops_for(struct mock *m)
{
	struct rpc_follow_ops o = { m, m_tip, m_hash_at, m_connect, m_disconnect, m_stop };
	return o;
}

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

static void assert_same_chain(struct rpcsrv *s, const struct mock *m)
{
	assert_int_equal(m->count, rpcsrv_count(s));
	for (uint32_t i = 0; i < m->count; i++) {
		struct hash256 want = rpcsrv_hash(s, i);
		assert_true(hash256_eq(&m->h[i], &want));
	}
}

struct fixture {
	struct rpcsrv *srv;
	struct rpc_client *c;
	struct rpc_source *src;
	struct mock *m;
};

static void setup(struct fixture *f, uint32_t blocks)
{
	struct rpc_options o;
	struct hash256 zero = { { 0 } };
	const char *why = NULL;
	f->srv = rpcsrv_start(USER, PASS);
	extend(f->srv, zero, 0, blocks, 1);
	rpc_options_init(&o);
	o.url = rpcsrv_url(f->srv);
	o.user = USER;
	o.password = PASS;
	o.backoff_ms = 1;
	assert_true(rpc_client_new(&f->c, &o, &why));
	assert_true(rpc_source_new(&f->src, f->c, 8, &why));
	f->m = calloc(1, sizeof(*f->m));
	f->m->srv = f->srv;
}

static void teardown(struct fixture *f)
{
	rpc_source_free(f->src);
	rpc_client_free(f->c);
	rpcsrv_stop(f->srv);
	free(f->m);
}

static void test_follow_through_reorgs(void **state)
{
	struct fixture f;
	struct rpc_follow_ops ops;
	struct rpc_follow_stats st = { 0 };
	const char *why = NULL;
	(void)state;
	setup(&f, 40);
	ops = ops_for(f.m);
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_same_chain(f.srv, f.m);
	assert_int_equal(st.connected, 40);
	/* A deeper competing branch wins: 39 - 30 = 9 blocks undone. */
	rpcsrv_truncate(f.srv, 30);
	extend(f.srv, rpcsrv_hash(f.srv, 30), 31, 45, 2);
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_same_chain(f.srv, f.m);
	assert_int_equal(st.disconnected, 9);
	assert_int_equal(st.reorgs, 1);
	assert_int_equal(st.connected, 40 + 14);
	teardown(&f);
}

/* Killed in the middle of a reorg: the next run starts from a tip on the
 * losing branch, below its old tip, and still ends equal to the node. */
static void test_crash_mid_reorg(void **state)
{
	struct fixture f;
	struct rpc_follow_ops ops;
	struct rpc_follow_stats st = { 0 };
	const char *why = NULL;
	(void)state;
	setup(&f, 50);
	ops = ops_for(f.m);
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	rpcsrv_truncate(f.srv, 20);
	extend(f.srv, rpcsrv_hash(f.srv, 20), 21, 60, 3);
	f.m->fail_disconnect_after = 10;
	assert_false(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_string_equal(why, "simulated crash");
	assert_int_equal(f.m->count, 40); /* 10 of 29 undone */
	f.m->fail_disconnect_after = 0;
	rpc_source_seek(f.src, 0, NULL); /* a fresh run knows nothing */
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_same_chain(f.srv, f.m);
	teardown(&f);
}

/* --follow: waits at the tip, picks up new blocks, stops when asked. */
static bool stop_and_feed(void *ctx)
{
	struct mock *m = ctx;
	if (m->count == 10 && ++m->polls == 3) /* waited at the tip a while */
		extend(m->srv, m->h[m->count - 1], m->count, m->count + 5, 4);
	return m->count >= 15;
}

static void test_follow_mode(void **state)
{
	struct fixture f;
	struct rpc_follow_ops ops;
	struct rpc_follow_stats st = { 0 };
	const char *why = NULL;
	(void)state;
	setup(&f, 10);
	ops = ops_for(f.m);
	ops.stop = stop_and_feed;
	assert_true(rpc_follow(f.src, &ops, true, 5, &st, &why));
	assert_int_equal(f.m->count, 15);
	assert_true(f.m->polls >= 3);
	assert_same_chain(f.srv, f.m);
	teardown(&f);
}

static void test_node_error_keeps_tip(void **state)
{
	struct fixture f;
	struct rpc_follow_ops ops;
	struct rpc_follow_stats st = { 0 };
	const char *why = NULL;
	(void)state;
	setup(&f, 30);
	ops = ops_for(f.m);
	f.m->stop_at = 12;
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_int_equal(f.m->count, 12); /* stopped at a block boundary */
	f.m->stop_at = 0;
	rpcsrv_set_fault(f.srv, RPCSRV_FAULT_GARBAGE, UINT32_MAX);
	assert_false(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_non_null(strstr(why, "not JSON"));
	assert_null(strstr(why, PASS));
	assert_int_equal(f.m->count, 12);
	rpcsrv_set_fault(f.srv, RPCSRV_FAULT_NONE, 0);
	assert_true(rpc_follow(f.src, &ops, false, 0, &st, &why));
	assert_same_chain(f.srv, f.m);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_follow_through_reorgs),
		cmocka_unit_test(test_crash_mid_reorg),
		cmocka_unit_test(test_follow_mode),
		cmocka_unit_test(test_node_error_keeps_tip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
