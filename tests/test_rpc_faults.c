/* The JSON-RPC client against a node that misbehaves: wrong credentials,
 * cookies, warm-up, dropped and truncated answers, 5xx, garbage, hangs,
 * 1 GiB bodies and wrong blocks. Retries are counted at the server. */
#include "proceeds/rpc.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_rpcserver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define USER "alice-rpc-user"
#define PASS "s3cr3t-Pw-7f1e2d"
#define COOKIE_PW "9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0"

static void no_secret(const char *why)
{
	assert_non_null(why);
	assert_null(strstr(why, PASS));
	assert_null(strstr(why, USER));
	assert_null(strstr(why, COOKIE_PW));
	assert_null(strchr(why, '\n'));
}

static struct rpcsrv *server(const char *user, const char *pass)
{
	struct rpcsrv *s = rpcsrv_start(user, pass);
	struct hash256 prev = { { 0 } };
	uint8_t raw[RPCSRV_BLOCK_MAX];
	for (uint32_t h = 0; h < 5; h++) {
		size_t len = rpcsrv_make_block(raw, &prev, h, 7);
		rpcsrv_add_block(s, raw, len);
		block_header_hash(&prev, raw);
	}
	return s;
}

static struct rpc_client *client_opts(struct rpcsrv *s, const char *pass,
				      unsigned attempts, long timeout_ms,
				      size_t cap)
{
	struct rpc_options o;
	struct rpc_client *c;
	const char *why = NULL;
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = USER;
	o.password = pass;
	o.backoff_ms = 1;
	o.max_attempts = attempts;
	o.timeout_ms = timeout_ms;
	o.max_response = cap;
	assert_true(rpc_client_new(&c, &o, &why));
	return c;
}

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_auth_failure(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, "wrong-password-123", 5, 5000, 1 << 20);
	const char *why = NULL;
	uint32_t n;
	(void)state;
	assert_false(rpc_getblockcount(c, &n, &why));
	no_secret(why);
	assert_null(strstr(why, "wrong-password-123"));
	assert_non_null(strstr(why, "authentication failed"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_AUTH);
	assert_int_equal(rpc_client_http_status(c), 401);
	assert_int_equal(rpc_client_attempts(c), 1);
	assert_int_equal(rpcsrv_requests(s), 1); /* no retry */
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_cookie_parse(void **state)
{
	char u[64], p[128];
	const char *why = NULL;
	const char good[] = "__cookie__:" COOKIE_PW "\n";
	const char *bad[] = { "", "nocolon", ":pw", "__cookie__:", "__cookie__:\n" };
	(void)state;
	assert_true(rpc_parse_cookie(u, sizeof(u), p, sizeof(p), good, strlen(good), &why));
	assert_string_equal(u, "__cookie__");
	assert_string_equal(p, COOKIE_PW);
	/* A ':' inside the password belongs to the password. */
	assert_true(rpc_parse_cookie(u, sizeof(u), p, sizeof(p), "a:b:c", 5, &why));
	assert_string_equal(u, "a");
	assert_string_equal(p, "b:c");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_false(rpc_parse_cookie(u, sizeof(u), p, sizeof(p), bad[i],
					      strlen(bad[i]), &why));
		no_secret(why);
	}
	assert_false(rpc_parse_cookie(u, 4, p, sizeof(p), good, strlen(good), &why));
	no_secret(why);
}

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

/* A client reading Core's .cookie; bitcoind rewrites it at each start, so
 * a 401 makes the client read it again, once. */
static void test_cookie_file(void **state)
{
	const char *dir = helper_tmpdir();
	char path[512], tmp[512];
	struct rpcsrv *s = server("__cookie__", COOKIE_PW);
	struct rpc_options o;
	struct rpc_client *c;
	const char *why = NULL;
	uint32_t n;
	(void)state;
	snprintf(path, sizeof(path), "%s/.cookie", dir);
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.cookie_file = path;
	o.backoff_ms = 1;
	assert_false(rpc_client_new(&c, &o, &why)); /* no file yet */
	no_secret(why);
	assert_non_null(strstr(why, "cookie"));
	write_file(path, "garbage-without-colon");
	assert_false(rpc_client_new(&c, &o, &why));
	no_secret(why);
	write_file(path, "__cookie__:stale0000000000000000000000000000000000000000000000000000000");
	assert_true(rpc_client_new(&c, &o, &why));
	snprintf(tmp, sizeof(tmp), "__cookie__:%s", COOKIE_PW);
	write_file(path, tmp);
	assert_true(rpc_getblockcount(c, &n, &why));
	assert_int_equal(n, 4);
	assert_int_equal(rpc_client_attempts(c), 2);
	rpc_client_free(c);
	rpcsrv_stop(s);
	helper_rm_rf(dir);
}

/* user:password@ in the URL is taken out of the URL. */
static void test_url_credentials(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_options o;
	struct rpc_client *c;
	char url[256];
	const char *why = NULL;
	uint32_t n;
	(void)state;
	snprintf(url, sizeof(url), "http://%s:%s@%s", USER, PASS, rpcsrv_url(s) + 7);
	rpc_options_init(&o);
	o.url = url;
	assert_true(rpc_client_new(&c, &o, &why));
	no_secret(rpc_client_url(c));
	assert_string_equal(rpc_client_url(c), rpcsrv_url(s));
	assert_true(rpc_getblockcount(c, &n, &why));
	rpc_client_free(c);
	o.url = "ftp://127.0.0.1/";
	o.user = USER;
	o.password = PASS;
	assert_false(rpc_client_new(&c, &o, &why));
	no_secret(why);
	o.url = "http://127.0.0.1:1/";
	o.user = NULL;
	assert_false(rpc_client_new(&c, &o, &why));
	assert_non_null(strstr(why, "credentials"));
	rpcsrv_stop(s);
}

/* Transient faults: retried, and the call succeeds once the node recovers;
 * never more attempts than allowed when it does not. */
static void test_transient_retry(void **state)
{
	const enum rpcsrv_fault faults[] = {
		RPCSRV_FAULT_CLOSE, RPCSRV_FAULT_TRUNCATE, RPCSRV_FAULT_PLAIN_500,
		RPCSRV_FAULT_PLAIN_503,
	};
	(void)state;
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		struct rpcsrv *s = server(USER, PASS);
		struct rpc_client *c = client_opts(s, PASS, 4, 5000, 1 << 20);
		const char *why = NULL;
		uint32_t n;
		rpcsrv_set_fault(s, faults[i], 2);
		assert_true(rpc_getblockcount(c, &n, &why));
		assert_int_equal(n, 4);
		assert_int_equal(rpc_client_attempts(c), 3);
		assert_int_equal(rpcsrv_requests(s), 3);
		rpcsrv_set_fault(s, faults[i], UINT32_MAX);
		assert_false(rpc_getblockcount(c, &n, &why));
		no_secret(why);
		assert_non_null(strstr(why, "gave up after 4 attempts"));
		/* libcurl itself resends once when a reused connection closes
		 * before any answer: still bounded. */
		if (faults[i] == RPCSRV_FAULT_CLOSE)
			assert_in_range(rpcsrv_requests(s), 7, 8);
		else
			assert_int_equal(rpcsrv_requests(s), 7);
		assert_true(rpc_client_failure(c) == RPC_FAIL_TRANSPORT ||
			    rpc_client_failure(c) == RPC_FAIL_HTTP);
		rpc_client_free(c);
		rpcsrv_stop(s);
	}
}

/* The waits double: 20 + 40 + 80 ms at least before the 4th attempt. */
static void test_backoff(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_options o;
	struct rpc_client *c;
	const char *why = NULL;
	uint32_t n;
	double t0;
	(void)state;
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = USER;
	o.password = PASS;
	o.backoff_ms = 20;
	o.max_attempts = 4;
	assert_true(rpc_client_new(&c, &o, &why));
	rpcsrv_set_fault(s, RPCSRV_FAULT_PLAIN_503, UINT32_MAX);
	t0 = now_ms();
	assert_false(rpc_getblockcount(c, &n, &why));
	assert_true(now_ms() - t0 >= 140.0);
	assert_int_equal(rpcsrv_requests(s), 4);
	assert_int_equal(rpc_client_http_status(c), 503);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_warmup(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, PASS, 5, 5000, 1 << 20);
	struct rpc_request req[2] = { { .method = "getblockcount" },
				      { .method = "getbestblockhash" } };
	const char *why = NULL;
	uint32_t n;
	(void)state;
	rpcsrv_set_warmup(s, 3);
	assert_true(rpc_getblockcount(c, &n, &why));
	assert_int_equal(rpc_client_attempts(c), 4);
	rpcsrv_set_warmup(s, 2); /* a batch in warm-up is retried whole */
	assert_true(rpc_batch(c, req, 2, &why));
	assert_int_equal(req[0].code, 0);
	assert_int_equal(json_integer_value(req[0].result), 4);
	rpc_batch_release(req, 2);
	rpcsrv_set_warmup(s, 100);
	assert_false(rpc_getblockcount(c, &n, &why));
	no_secret(why);
	assert_int_equal(rpc_client_code(c), RPC_IN_WARMUP);
	assert_non_null(strstr(why, "warming up"));
	assert_int_equal(rpc_client_attempts(c), 5);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_garbage(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, PASS, 5, 5000, 1 << 20);
	const char *why = NULL;
	uint32_t n;
	(void)state;
	rpcsrv_set_fault(s, RPCSRV_FAULT_GARBAGE, UINT32_MAX);
	assert_false(rpc_getblockcount(c, &n, &why));
	no_secret(why);
	assert_non_null(strstr(why, "not JSON"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_PROTOCOL);
	assert_int_equal(rpcsrv_requests(s), 1);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

static void test_hang_timeout(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, PASS, 2, 300, 1 << 20);
	const char *why = NULL;
	uint32_t n;
	(void)state;
	rpcsrv_set_fault(s, RPCSRV_FAULT_HANG, UINT32_MAX);
	assert_false(rpc_getblockcount(c, &n, &why));
	no_secret(why);
	assert_non_null(strstr(why, "imed out"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_TRANSPORT);
	assert_int_equal(rpcsrv_requests(s), 2);
	rpcsrv_set_fault(s, RPCSRV_FAULT_NONE, 0);
	assert_true(rpc_getblockcount(c, &n, &why)); /* a new connection */
	rpc_client_free(c);
	rpcsrv_stop(s);
}

/* 1 GiB answers, announced or chunked: aborted at the cap, not retried. */
static void test_huge_body(void **state)
{
	const enum rpcsrv_fault faults[] = { RPCSRV_FAULT_HUGE, RPCSRV_FAULT_HUGE_CHUNKED };
	(void)state;
	for (size_t i = 0; i < 2; i++) {
		struct rpcsrv *s = server(USER, PASS);
		struct rpc_client *c = client_opts(s, PASS, 5, 20000, 1 << 20);
		const char *why = NULL;
		uint32_t n;
		rpcsrv_set_fault(s, faults[i], 1);
		assert_false(rpc_getblockcount(c, &n, &why));
		no_secret(why);
		assert_non_null(strstr(why, "exceeds the 1048576-byte limit"));
		assert_int_equal(rpc_client_failure(c), RPC_FAIL_TOO_LARGE);
		assert_int_equal(rpcsrv_requests(s), 1);
		assert_true(rpc_getblockcount(c, &n, &why));
		rpc_client_free(c);
		rpcsrv_stop(s);
	}
}

static void test_refused(void **state)
{
	struct sockaddr_in sa = { 0 };
	socklen_t len = sizeof(sa);
	struct rpc_options o;
	struct rpc_client *c;
	char url[64];
	const char *why = NULL;
	uint32_t n;
	int fd = socket(AF_INET, SOCK_STREAM, 0);
	(void)state;
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	assert_int_equal(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	close(fd); /* nobody listens on this port now */
	snprintf(url, sizeof(url), "http://127.0.0.1:%u/", ntohs(sa.sin_port));
	rpc_options_init(&o);
	o.url = url;
	o.user = USER;
	o.password = PASS;
	o.backoff_ms = 1;
	o.max_attempts = 3;
	assert_true(rpc_client_new(&c, &o, &why));
	assert_false(rpc_getblockcount(c, &n, &why));
	no_secret(why);
	assert_non_null(strstr(why, url));
	assert_non_null(strstr(why, "gave up after 3 attempts"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_TRANSPORT);
	rpc_client_free(c);
}

static void test_wrong_block(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, PASS, 5, 5000, 1 << 20);
	struct hash256 h = rpcsrv_hash(s, 3);
	const char *why = NULL;
	uint8_t *raw;
	size_t len;
	(void)state;
	rpcsrv_set_fault(s, RPCSRV_FAULT_WRONG_BLOCK, 1);
	assert_false(rpc_getblock(c, &raw, &len, &h, &why));
	no_secret(why);
	assert_non_null(strstr(why, "when asked for"));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_PROTOCOL);
	assert_true(rpc_getblock(c, &raw, &len, &h, &why));
	free(raw);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

/* An answer bigger than the cap is refused even when well-formed. */
static void test_cap_real_answer(void **state)
{
	struct rpcsrv *s = server(USER, PASS);
	struct rpc_client *c = client_opts(s, PASS, 5, 5000, 100);
	struct hash256 h = rpcsrv_hash(s, 1);
	const char *why = NULL;
	uint8_t *raw;
	size_t len;
	(void)state;
	assert_false(rpc_getblock(c, &raw, &len, &h, &why));
	assert_int_equal(rpc_client_failure(c), RPC_FAIL_TOO_LARGE);
	assert_int_equal(rpcsrv_requests(s), 1);
	rpc_client_free(c);
	rpcsrv_stop(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_auth_failure),
		cmocka_unit_test(test_cookie_parse),
		cmocka_unit_test(test_cookie_file),
		cmocka_unit_test(test_url_credentials),
		cmocka_unit_test(test_transient_retry),
		cmocka_unit_test(test_backoff),
		cmocka_unit_test(test_warmup),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_hang_timeout),
		cmocka_unit_test(test_huge_body),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_wrong_block),
		cmocka_unit_test(test_cap_real_answer),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
