/* Keccak-256 against published vectors and against an independent
 * implementation's digests at every padding boundary of the 136-byte rate. */
#include "proceeds/hex.h"
#include "proceeds/keccak.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void check(const void *data, size_t len, const char *want)
{
	uint8_t d[KECCAK256_LEN];
	char hex[2 * KECCAK256_LEN + 1];

	keccak256(d, data, len);
	hex_encode(hex, d, sizeof(d));
	assert_string_equal(hex, want);
}

static void check_str(const char *s, const char *want)
{
	check(s, strlen(s), want);
}

/* Published: the empty string (Ethereum's empty code hash), "abc" and the
 * fox of the Keccak team's test vectors, the ERC-20 Transfer event's topic
 * and the 4-byte selectors every token explorer shows. */
static void test_published(void **state)
{
	uint8_t d[KECCAK256_LEN];

	(void)state;
	check_str("", "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	check(NULL, 0, "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470");
	check_str("abc", "4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45");
	check_str("The quick brown fox jumps over the lazy dog",
		  "4d741b6f1eb29cb2a9b9911c82f56fa8d73b04959d3d9d222895df6c0b28aa15");
	check_str("Transfer(address,address,uint256)",
		  "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef");
	keccak256(d, "balanceOf(address)", 18);
	assert_memory_equal(d, "\x70\xa0\x82\x31", 4);
	keccak256(d, "transfer(address,uint256)", 25);
	assert_memory_equal(d, "\xa9\x05\x9c\xbb", 4);
}

/* Not SHA3-256: FIPS 202's digest of "" differs (the padding byte). */
static void test_not_sha3(void **state)
{
	uint8_t d[KECCAK256_LEN], sha3[KECCAK256_LEN];
	const char *why = NULL;

	(void)state;
	assert_true(hex_decode(sha3, "a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a",
			       64, &why));
	keccak256(d, "", 0);
	assert_memory_not_equal(d, sha3, sizeof(d));
}

/* Runs of 'a' around the rate (135: both padding bits in one byte; 136:
 * a whole padding block; 271/272: two blocks) and a million bytes. The
 * digests come from @noble/hashes' keccak_256 (an independent
 * implementation, in node_modules after `make deps`). */
static void test_blocks(void **state)
{
	static const struct { size_t n; const char *hex; } v[] = {
		{ 135, "34367dc248bbd832f4e3e69dfaac2f92638bd0bbd18f2912ba4ef454919cf446" },
		{ 136, "a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e" },
		{ 137, "d869f639c7046b4929fc92a4d988a8b22c55fbadb802c0c66ebcd484f1915f39" },
		{ 271, "132f47effd6c8b1b299efa53fe68aece77ec8ae4eb2e294f668eec94f76001e1" },
		{ 272, "cf7fcd4f705ee749930d19ca84561a9bf62516bd90a471545fa2f49fdc7e63c8" },
		{ 1000, "b6a4ac1f51884d71f30fa397a5e155de3099e11fc0edef5d08b646e621e19de9" },
		{ 1000000, "fadae6b49f129bbb812be8407b7b2894f34aecf6dbd1f9b0f0c7e9853098fc96" },
	};
	uint8_t *buf = malloc(1000000);

	(void)state;
	assert_non_null(buf);
	memset(buf, 'a', 1000000);
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		check(buf, v[i].n, v[i].hex);
	free(buf);
}

/* Feeding in pieces of every size gives the one-call digest, and final
 * leaves the context ready for the next message. */
static void test_incremental(void **state)
{
	uint8_t seq[1000], one[KECCAK256_LEN], inc[KECCAK256_LEN];
	struct keccak256_ctx ctx;

	(void)state;
	for (size_t i = 0; i < sizeof(seq); i++)
		seq[i] = (uint8_t)i;
	check(seq, sizeof(seq), "aca79e4146e30eb1c733f6d6060d72471c36ea4e01ebf45d7f4916249c2bbd82");
	keccak256(one, seq, sizeof(seq));
	keccak256_init(&ctx);
	for (size_t step = 1; step <= 300; step += 7) {
		for (size_t off = 0; off < sizeof(seq); off += step) {
			size_t n = sizeof(seq) - off < step ? sizeof(seq) - off : step;
			keccak256_update(&ctx, seq + off, n);
		}
		keccak256_update(&ctx, NULL, 0);
		keccak256_final(&ctx, inc);
		assert_memory_equal(one, inc, sizeof(one));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_published),
		cmocka_unit_test(test_not_sha3),
		cmocka_unit_test(test_blocks),
		cmocka_unit_test(test_incremental),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
