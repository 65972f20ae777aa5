/* `proceeds index --rpc` as a user runs it (the binary beside this test
 * program's directory, against the in-process test server): credentials
 * never on stderr nor in /proc/PID/cmdline, with --rpc-password, the
 * environment, a cookie file or user:password@ in the URL; a node error is
 * one clear line and exit 2; --follow ends on SIGINT with exit 0 at the
 * node's tip. */
#include "helper.h"
#include "helper_idxrpc.h"

#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#define LEN 60

static char bin[4096];
static struct regchain chain;

static int setup(void **state)
{
	regchain_build(&chain, LEN, LEN, 1, 1);
	return 0;
}

static int teardown(void **state)
{
	regchain_free(&chain);
	return 0;
}

/* Starts the CLI with stderr to errfile; PROCEEDS_RPC_PASSWORD = env. */
static pid_t spawn(char *const *args, const char *errfile, const char *env)
{
	pid_t pid;
	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(errfile, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		int nul = open("/dev/null", O_WRONLY);
		if (fd < 0 || dup2(fd, 2) < 0 || nul < 0 || dup2(nul, 1) < 0)
			_exit(99);
		if (env)
			setenv("PROCEEDS_RPC_PASSWORD", env, 1);
		else
			unsetenv("PROCEEDS_RPC_PASSWORD");
		execv(bin, args);
		_exit(98);
	}
	return pid;
}

static int wait_exit(pid_t pid)
{
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

/* The contents of a small file (static buffer). */
static const char *slurp(const char *path)
{
	static char buf[65536];
	size_t n = 0;
	FILE *f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	for (size_t i = 0; i < n; i++)  /* cmdline: NUL-separated */
		if (!buf[i])
			buf[i] = ' ';
	buf[n] = 0;
	return buf;
}

static bool have_bin(void)
{
	if (access(bin, X_OK) == 0)
		return true;
	printf("skip: %s not built\n", bin);
	return false;
}

static void test_credentials_never_shown(void **state)
{
	char *t = ir_tmpdir(), db[4200], err[4200], cookie[4200];
	struct rpcsrv *s = ir_server(&chain, LEN, "regtest");
	const char *url = rpcsrv_url(s);
	if (!have_bin())
		return;
	snprintf(db, sizeof(db), "%s/db", t);
	snprintf(err, sizeof(err), "%s/err", t);
	snprintf(cookie, sizeof(cookie), "%s/.cookie", t);
	/* Wrong password on the command line: exit 2, one clear line. */
	char *a1[] = { bin, "index", "--db", db, "--rpc", (char *)url, "--rpc-user",
		       IR_USER, "--rpc-password", "WrongPassword-77", NULL };
	assert_int_equal(wait_exit(spawn(a1, err, NULL)), 2);
	assert_non_null(strstr(slurp(err), "authentication failed"));
	assert_null(strstr(slurp(err), "WrongPassword-77"));
	/* The right one from the environment: indexed to the tip. */
	char *a2[] = { bin, "index", "--db", db, "--rpc", (char *)url, "--rpc-user",
		       IR_USER, "--verify", NULL };
	assert_int_equal(wait_exit(spawn(a2, err, IR_PASS)), 0);
	assert_non_null(strstr(slurp(err), "tip 59 "));
	assert_null(strstr(slurp(err), IR_PASS));
	/* A cookie file, and a node error: exit 2, no secret. */
	FILE *f = fopen(cookie, "w");
	assert_non_null(f);
	fprintf(f, "%s:%s\n", IR_USER, IR_PASS);
	fclose(f);
	rpcsrv_set_fault(s, RPCSRV_FAULT_GARBAGE, UINT32_MAX);
	char *a3[] = { bin, "index", "-q", "--db", db, "--rpc", (char *)url,
		       "--rpc-cookie", cookie, NULL };
	assert_int_equal(wait_exit(spawn(a3, err, NULL)), 2);
	assert_non_null(strstr(slurp(err), "proceeds: index: http://127.0.0.1:"));
	assert_non_null(strstr(slurp(err), "not JSON"));
	assert_null(strstr(slurp(err), IR_PASS));
	rpcsrv_stop(s);
	helper_rm_rf(t);
	free(t);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	nanosleep(&ts, NULL);
}

static void test_follow_sigint(void **state)
{
	char *t = ir_tmpdir(), db[4200], err[4200], proc[64], url[300];
	struct rpcsrv *s = ir_server(&chain, 40, "regtest");
	uint32_t tip, n = 0;
	pid_t pid;
	if (!have_bin())
		return;
	snprintf(db, sizeof(db), "%s/db", t);
	snprintf(err, sizeof(err), "%s/err", t);
	/* user:password@ in the URL, already at the tip. */
	snprintf(url, sizeof(url), "http://%s:%s@%s", IR_USER, IR_PASS,
		 rpcsrv_url(s) + strlen("http://"));
	char *a0[] = { bin, "index", "--db", db, "--rpc", url, "--stop-height", "20", NULL };
	assert_int_equal(wait_exit(spawn(a0, err, NULL)), 0);
	assert_null(strstr(slurp(err), IR_PASS));
	char *a[] = { bin, "index", "--db", db, "--rpc", (char *)rpcsrv_url(s),
		      "--rpc-user", IR_USER, "--rpc-password", IR_PASS, "--follow",
		      "--poll", "0.01", NULL };
	pid = spawn(a, err, NULL);
	/* At the tip it polls every 10 ms: wait for many requests. */
	while (rpcsrv_requests(s) < 30 && n++ < 2000)
		sleep_ms(10);
	for (uint32_t h = 40; h < LEN; h++)
		rpcsrv_add_block(s, chain.raw[h], chain.len[h]);
	for (uint32_t want = rpcsrv_requests(s) + 20, i = 0;
	     rpcsrv_requests(s) < want && i < 2000; i++)
		sleep_ms(10);
	snprintf(proc, sizeof(proc), "/proc/%d/cmdline", (int)pid);
	assert_non_null(strstr(slurp(proc), "--follow"));
	assert_null(strstr(slurp(proc), IR_PASS));
	kill(pid, SIGINT);
	assert_int_equal(wait_exit(pid), 0);
	assert_null(strstr(slurp(err), IR_PASS));
	ir_digest(db, NETWORK_REGTEST, &tip);
	assert_int_equal(tip, LEN - 1);
	rpcsrv_stop(s);
	helper_rm_rf(t);
	free(t);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_credentials_never_shown),
		cmocka_unit_test(test_follow_sigint),
	};
	const char *slash = strrchr(argv[0], '/');
	/* build/tests/test_index_rpc_cli -> build/proceeds */
	snprintf(bin, sizeof(bin), "%.*s/../proceeds",
		 slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	return cmocka_run_group_tests(tests, setup, teardown);
}
