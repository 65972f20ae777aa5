/* The case of issue "CoinJoins by structure", end to end through the CLI:
 * on mainnet, at height 300 (years before any coordinator existed), five
 * people's P2PKH coins are mixed into five P2PKH outputs of 0.01 BTC with
 * no change. `cluster build` must not merge them, `cluster why` between
 * two of the inputs exits 1 and names the mix, `tx` says "mix"; and a
 * look-alike at the same height (one owner's coins split into equal
 * coins with a change taking every excess) is merged. */
#include "proceeds/address.h"
#include "proceeds/index.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_chain.h"

#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#define HEIGHT 300u
#define POOL 1000000u

static char bin[4096], dir[256], out_file[4400];
static struct hash256 mix_txid;

static void connect(struct index *idx, struct hc_buf *txs, size_t n_tx,
		    struct hash256 *prev, uint32_t h, struct block *keep)
{
	struct hc_buf raw = { 0 };
	struct block b;
	const char *why = NULL;

	hc_block(&raw, prev, 1231006505u + h * 600u, txs, n_tx);
	block_init(&b);
	assert_true(block_parse(&b, raw.p, raw.len, &why));
	if (!index_connect_block(idx, &b, h, &why))
		fail_msg("block %u: %s", h, why);
	*prev = b.hash;
	if (keep)
		*keep = b;
	else
		block_release(&b);
	hc_buf_free(&raw);
}

/* Block 0 pays 1..5 (the mixers) and 21..23 (the splitter); blocks
 * 1..299 only coinbases; block 300 holds the mix and the self-split. */
static void make_index(void)
{
	struct index_options o = { .create = true };
	struct index *idx;
	struct hc_buf t = { 0 };
	struct hash256 prev = { { 0 } };
	struct block b0;
	const char *why = NULL;
	uint64_t pay0[8] = { 1, 2, 3, 4, 5, 21, 22, 23 };
	uint64_t val0[8] = { POOL + 2000, POOL + 2100, POOL + 1900, POOL + 2000,
			     POOL + 2050, 50000000, 30000000, 20000000 };

	assert_true(index_open(&idx, dir, NETWORK_MAIN, &o, &why));
	hc_tx_numbers(&t, 0, NULL, NULL, 8, pay0, val0, 0);
	connect(idx, &t, 1, &prev, 0, &b0);
	for (uint32_t h = 1; h < HEIGHT; h++) {
		uint64_t p = 100, v = 5000000000u;
		t.len = 0;
		hc_tx_numbers(&t, 0, NULL, NULL, 1, &p, &v, h);
		connect(idx, &t, 1, &prev, h, NULL);
	}
	struct hash256 cb[5] = { b0.txs[0].txid, b0.txs[0].txid, b0.txs[0].txid,
				 b0.txs[0].txid, b0.txs[0].txid };
	uint32_t mv[5] = { 0, 1, 2, 3, 4 }, sv[3] = { 5, 6, 7 };
	uint64_t mp[5] = { 11, 12, 13, 14, 15 }, mval[5] = { POOL, POOL, POOL, POOL, POOL };
	uint64_t sp[5] = { 31, 32, 33, 34, 35 };
	uint64_t sval[5] = { 20000000, 20000000, 20000000, 20000000, 19996000 };
	uint64_t p300 = 100, v300 = 5000000000u;
	t.len = 0;
	hc_tx_numbers(&t, 0, NULL, NULL, 1, &p300, &v300, HEIGHT);
	hc_tx_numbers(&t, 5, cb, mv, 5, mp, mval, 0);
	hc_tx_numbers(&t, 3, cb, sv, 5, sp, sval, 0);
	struct block b300;
	connect(idx, &t, 3, &prev, HEIGHT, &b300);
	mix_txid = b300.txs[1].txid;
	block_release(&b300);
	block_release(&b0);
	hc_buf_free(&t);
	assert_true(index_flush(idx, true, &why));
	index_close(idx);
}

static int run_cli(const char *const *args)
{
	pid_t pid;
	int status;

	fflush(NULL);
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		int fd = open(out_file, O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0 || dup2(fd, 1) < 0)
			_exit(99);
		execv(bin, (char *const *)args);
		_exit(98);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	return WEXITSTATUS(status);
}

static const char *output(void)
{
	static char buf[65536];
	FILE *f = fopen(out_file, "rb");
	size_t n;

	assert_non_null(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return buf;
}

static void addr_of(char out[ADDRESS_MAX], uint64_t n)
{
	uint8_t s[25];

	assert_true(address_from_script(out, NETWORK_MAIN, s, hc_p2pkh(s, n)));
}

static void test_mix_at_height_300(void **state)
{
	char a1[ADDRESS_MAX], a2[ADDRESS_MAX], hex[65];
	const char *build[] = { bin, "cluster", "build", "--db", dir, NULL };
	const char *why_mix[] = { bin, "cluster", "why", "--db", dir, a1, a2, NULL };
	const char *tx_mix[] = { bin, "tx", "--db", dir, hex, NULL };

	(void)state;
	if (access(bin, X_OK) != 0) {
		printf("skip: %s not built\n", bin);
		return;
	}
	assert_int_equal(run_cli(build), 0);
	addr_of(a1, 1);
	addr_of(a2, 4);
	assert_int_equal(run_cli(why_mix), 1);
	hash256_to_hex(hex, &mix_txid);
	assert_non_null(strstr(output(), "not linked"));
	assert_non_null(strstr(output(), hex));
	assert_non_null(strstr(output(), "5 x 0.01000000 BTC, 5 input owners"));
	assert_int_equal(run_cli(tx_mix), 0);
	assert_non_null(strstr(output(), "(mix; judged by cluster build)"));
	/* The self-split's inputs are one owner's: merged, why exits 0. */
	addr_of(a1, 21);
	addr_of(a2, 23);
	assert_int_equal(run_cli(why_mix), 0);
	assert_non_null(strstr(output(), "multi-input"));
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(out_file, sizeof(out_file), "%s.out", dir);
	make_index();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	helper_rm_rf(dir);
	unlink(out_file);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mix_at_height_300),
	};
	const char *slash = strrchr(argv[0], '/');

	(void)argc;
	/* build/tests/test_coinjoin_chain -> build/proceeds */
	snprintf(bin, sizeof(bin), "%.*s/../proceeds",
		 slash ? (int)(slash - argv[0]) : 1, slash ? argv[0] : ".");
	return cmocka_run_group_tests(tests, setup, teardown);
}
