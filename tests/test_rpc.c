/* The JSON-RPC client against the loopback bitcoind-like server: calls,
 * batches, auth and cookies, retries, caps, timeouts and hostile nodes. */
#include "proceeds/rpc.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_rpcserver.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define USER "alice-rpc-user"
#define PASS "s3cr3t-Pw-7f1e2d"

/* Every error text a test sees goes through here: no credential leaks. */
static void no_secret(const char *why)
{
	assert_non_null(why);
	assert_null(strstr(why, PASS));
	assert_null(strstr(why, USER));
	assert_null(strchr(why, '\n'));
}

/* A server with a synthetic regtest chain of n blocks (branch tag). */
static struct rpcsrv *chain_server(uint32_t n)
{
	struct rpcsrv *s = rpcsrv_start(USER, PASS);
	struct hash256 prev = { { 0 } };
	uint8_t raw[RPCSRV_BLOCK_MAX];
	rpcsrv_set_chain_name(s, "regtest");
	for (uint32_t h = 0; h < n; h++) {
		size_t len = rpcsrv_make_block(raw, &prev, h, 1);
		rpcsrv_add_block(s, raw, len);
		block_header_hash(&prev, raw);
	}
	return s;
}

static void fast_options(struct rpc_options *o, const char *url)
{
	rpc_options_init(o);
	o->url = url;
	o->user = USER;
	o->password = PASS;
	o->backoff_ms = 1;
	o->max_attempts = 3;
	o->timeout_ms = 5000;
}

static struct rpc_client *client(struct rpcsrv *s)
{
	struct rpc_options o;
	struct rpc_client *c;
	const char *why = NULL;
	fast_options(&o, rpcsrv_url(s));
	assert_true(rpc_client_new(&c, &o, &why));
	return c;
}

static void test_calls(void **state)
{
	struct rpcsrv *s = chain_server(20);
	struct rpc_client *c = client(s);
	struct rpc_chain_info info;
	struct hash256 h, want;
	const char *why = NULL;
	uint32_t count;
	uint8_t *raw;
	size_t len;

	(void)state;
	assert_true(rpc_getblockchaininfo(c, &info, &why));
	assert_string_equal(info.chain, "regtest");
	assert_int_equal(info.blocks, 19);
	want = rpcsrv_hash(s, 19);
	assert_true(hash256_eq(&info.best, &want));
	assert_true(rpc_getblockcount(c, &count, &why));
	assert_int_equal(count, 19);
	assert_true(rpc_getbestblockhash(c, &h, &why));
	assert_true(hash256_eq(&h, &want));
	for (uint32_t i = 0; i < 20; i++) {
		struct block b;
		want = rpcsrv_hash(s, i);
		assert_true(rpc_getblockhash(c, &h, i, &why));
		assert_true(hash256_eq(&h, &want));
		assert_true(rpc_getblock(c, &raw, &len, &h, &why));
		block_init(&b);
		assert_true(block_parse(&b, raw, len, &why));
		assert_true(hash256_eq(&b.hash, &want));
		assert_true(block_bip34_height(&b, &count));
		assert_int_equal(count, i);
		block_release(&b);
		free(raw);
	}
	/* Keep-alive: everything above went over one connection. */
	assert_int_equal(rpcsrv_connections(s), 1);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

/* Definite errors: bitcoind's codes and statuses, one attempt each. */
static void test_definite_errors(void **state)
{
	struct rpcsrv *s = chain_server(20);
	struct rpc_client *c = client(s);
	struct hash256 h;
	const char *why = NULL;
	uint8_t *raw;
	size_t len;
	json_t *r;

	(void)state;
	assert_false(rpc_getblockhash(c, &h, 20, &why));
	no_secret(why);
	assert_non_null(strstr(why, "Block height out of range"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_RPC);
	assert_int_equal(rpc_client_code(c), RPC_INVALID_PARAMETER);
	assert_int_equal(rpc_client_http_status(c), 500);
	assert_int_equal(rpc_client_attempts(c), 1);
	memset(&h, 0x42, sizeof(h));
	assert_false(rpc_getblock(c, &raw, &len, &h, &why));
	assert_int_equal(rpc_client_code(c), RPC_INVALID_ADDRESS_OR_KEY);
	assert_false(rpc_call(c, &r, "nosuchmethod", NULL, &why));
	assert_int_equal(rpc_client_code(c), RPC_METHOD_NOT_FOUND);
	assert_int_equal(rpc_client_http_status(c), 404);
	no_secret(why);
	/* Keep-alive: everything above went over one connection. */
	assert_int_equal(rpcsrv_connections(s), 1);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

/* Nodes other than bitcoind answer errors with HTTP 200. */
static void test_errors_200(void **state)
{
	struct rpcsrv *s = chain_server(3);
	struct rpc_client *c = client(s);
	struct hash256 h;
	const char *why = NULL;
	(void)state;
	rpcsrv_set_errors_200(s, true);
	assert_false(rpc_getblockhash(c, &h, 3, &why));
	assert_int_equal(rpc_client_http_status(c), 200);
	assert_int_equal(rpc_client_code(c), RPC_INVALID_PARAMETER);
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_RPC);
	assert_true(rpc_getblockhash(c, &h, 2, &why));
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_batch(void **state)
{
	struct rpcsrv *s = chain_server(40);
	struct rpc_client *c = client(s);
	struct rpc_request req[41];
	json_t *params[41];
	const char *why = NULL;
	(void)state;
	rpcsrv_set_batch_reversed(s, true);
	for (int i = 0; i < 41; i++) {
		params[i] = json_pack("[i]", i);
		req[i].method = "getblockhash";
		req[i].params = params[i];
	}
	assert_true(rpc_batch(c, req, 41, &why));
	assert_int_equal(rpcsrv_requests(s), 1);
	for (int i = 0; i < 40; i++) {
		struct hash256 h, want = rpcsrv_hash(s, (uint32_t)i);
		assert_int_equal(req[i].code, 0);
		assert_true(hash256_from_hex(&h, json_string_value(req[i].result), &why));
		assert_true(hash256_eq(&h, &want));
	}
	assert_null(req[40].result);
	assert_int_equal(req[40].code, RPC_INVALID_PARAMETER);
	assert_string_equal(req[40].message, "Block height out of range");
	rpc_batch_release(req, 41);
	for (int i = 0; i < 41; i++)
		json_decref(params[i]);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_real_chain(void **state)
{
	char path[4096];
	struct rpcsrv *s;
	struct rpc_client *c;
	struct rpc_chain_info info;
	const uint32_t heights[] = { 0, 1, 170, 2000, 4521 };
	const char *why = NULL;
	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return;
	s = rpcsrv_start(USER, PASS);
	assert_int_equal(rpcsrv_load_blk(s, path), 4522);
	c = client(s);
	assert_true(rpc_getblockchaininfo(c, &info, &why));
	assert_int_equal(info.blocks, 4521);
	for (size_t i = 0; i < sizeof(heights) / sizeof(heights[0]); i++) {
		struct hash256 h;
		struct block b;
		char hex[65];
		uint8_t *raw;
		size_t len;
		assert_true(rpc_getblockhash(c, &h, heights[i], &why));
		if (heights[i] == 0) {
			hash256_to_hex(hex, &h);
			assert_string_equal(hex, network_params(NETWORK_MAIN)->genesis);
		}
		assert_true(rpc_getblock(c, &raw, &len, &h, &why));
		block_init(&b);
		assert_true(block_parse(&b, raw, len, &why));
		assert_true(block_check_merkle(&b, &why));
		block_release(&b);
		free(raw);
	}
	rpc_client_free(c);
	rpcsrv_stop(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_calls),
		cmocka_unit_test(test_definite_errors),
		cmocka_unit_test(test_errors_200),
		cmocka_unit_test(test_batch),
		cmocka_unit_test(test_real_chain),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
