/* Blocks directories: the real chains, xor.dat, file order, damaged tails,
 * garbage, stale forks (regtest blocks mined here), duplicates, rev files. */
#include "proceeds/blkdir.h"
#include "proceeds/tx.h"
#include "proceeds/undo.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static const char tip4521[] =
	"00000000ac08f7d984f6b36027395e654a5f1e3bb006cd9df9c60b9897ea4c40";

static void write_at(const char *dir, const char *name, const void *p,
		     size_t n, const char *mode)
{
	char path[512];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, mode));
	assert_int_equal(fwrite(p, 1, n, f), n);
	fclose(f);
}

static uint8_t *shared_file(const char *rel, size_t *len)
{
	char path[512];
	uint8_t *p;
	if (!helper_shared_path(path, sizeof(path), rel))
		return NULL;
	assert_non_null(p = helper_read_file(path, len));
	return p;
}

static void open_ok(struct blkdir **d, const char *dir, enum network *net)
{
	const char *why = NULL;
	bool ok = blkdir_open(d, dir, net, &why);
	if (!ok)
		fail_msg("blkdir_open %s: %s", dir, why);
}

static void tip_is(struct blkdir *d, const char *hex)
{
	char got[65];
	hash256_to_hex(got, blkdir_hash(d, blkdir_count(d) - 1));
	assert_string_equal(got, hex);
}

/* Parses every best-chain block; returns the number of transactions. */
static uint64_t parse_all(struct blkdir *d)
{
	struct block b;
	struct blkdir_block bb;
	const char *why = NULL;
	uint64_t txs = 0;
	block_init(&b);
	for (uint32_t h = 0; h < blkdir_count(d); h++) {
		assert_true(blkdir_read(d, &bb, h, &why));
		if (!block_parse(&b, bb.raw, bb.len, &why) ||
		    !block_check_merkle(&b, &why))
			fail_msg("height %u: %s", h, why);
		assert_memory_equal(b.hash.b, bb.hash.b, 32);
		if (h > 0)
			assert_memory_equal(b.hdr.prev.b, blkdir_hash(d, h - 1)->b, 32);
		txs += b.n_tx;
	}
	block_release(&b);
	return txs;
}

static void test_real_chain(void **state)
{
	char dir[512];
	struct blkdir *d;
	struct blkdir_stats st;
	enum network net = NETWORK_COUNT;
	(void)state;
	if (!helper_shared_path(dir, sizeof(dir), "real/chains/mainnet-0-4521"))
		return;
	open_ok(&d, dir, &net);
	assert_int_equal(net, NETWORK_MAIN);
	assert_int_equal(blkdir_count(d), 4522);
	tip_is(d, tip4521);
	assert_int_equal(parse_all(d), 4583);
	blkdir_get_stats(d, &st);
	assert_int_equal(st.records, 4522);
	assert_int_equal(st.stale, 0);
	assert_int_equal(st.duplicates, 0);
	assert_int_equal(st.files, 1);
	assert_false(st.xor_used);
	assert_int_equal(blkdir_warning_count(d), 0);
	blkdir_free(d);
}

/* Copies a shared file into dir/name obfuscated with key, followed by pad
 * zero bytes as Core's preallocation leaves them (not obfuscated). */
static void copy_xor(const char *dir, const char *name, const char *rel,
		     const uint8_t key[8], size_t pad)
{
	size_t len;
	uint8_t *p = shared_file(rel, &len);
	p = realloc(p, len + pad);
	assert_non_null(p);
	for (size_t o = 0; o < len; o++)
		p[o] ^= key[o % 8];
	memset(p + len, 0, pad);
	write_at(dir, name, p, len + pad, "wb");
	free(p);
}

static void random_key(uint8_t key[8])
{
	FILE *f = fopen("/dev/urandom", "rb");
	assert_non_null(f);
	do
		assert_int_equal(fread(key, 1, 8, f), 8);
	while (key[0] == 0); /* any non-zero key obfuscates */
	fclose(f);
}

static void test_xor(void **state)
{
	uint8_t key[8];
	struct blkdir *d, *plain;
	struct blkdir_stats st;
	struct blkdir_block a, b;
	char src[512];
	const char *why;
	enum network net = NETWORK_COUNT, net2 = NETWORK_COUNT;
	(void)state;
	if (!helper_shared_path(src, sizeof(src), "real/chains/mainnet-0-4521"))
		return;
	const char *tmp = helper_tmpdir();
	random_key(key);
	write_at(tmp, "xor.dat", key, 8, "wb");
	copy_xor(tmp, "blk00000.dat", "real/chains/mainnet-0-4521/blk00000.dat",
		 key, 3u << 20);
	open_ok(&d, tmp, &net);
	open_ok(&plain, src, &net2);
	assert_int_equal(net, NETWORK_MAIN);
	assert_int_equal(blkdir_count(d), 4522);
	tip_is(d, tip4521);
	assert_int_equal(blkdir_warning_count(d), 0); /* padding is silent */
	blkdir_get_stats(d, &st);
	assert_true(st.xor_used);
	for (uint32_t h = 0; h < blkdir_count(d); h++) {
		assert_true(blkdir_read(d, &a, h, &why));
		assert_true(blkdir_read(plain, &b, h, &why));
		assert_int_equal(a.len, b.len);
		assert_memory_equal(a.raw, b.raw, a.len);
	}
	assert_int_equal(parse_all(d), 4583);
	blkdir_free(d);
	blkdir_free(plain);
	helper_rm_rf(tmp);
}

static void test_damaged_tail(void **state)
{
	size_t l0, l1;
	uint8_t *f0 = shared_file("real/chains/mainnet-0-599/blk00000.dat", &l0);
	uint8_t *f1 = shared_file("real/chains/truncated-tail-blk.dat", &l1);
	struct blkdir *d;
	enum network net = NETWORK_MAIN;
	(void)state;
	if (!f0)
		return;
	const char *tmp = helper_tmpdir();
	write_at(tmp, "blk00000.dat", f0, l0, "wb");
	write_at(tmp, "blk00001.dat", f1, l1, "wb");
	open_ok(&d, tmp, &net);
	assert_int_equal(blkdir_count(d), 600);
	assert_int_equal(blkdir_warning_count(d), 1);
	assert_non_null(strstr(blkdir_warning(d, 0), "blk00001.dat: offset 70449:"));
	assert_int_equal(parse_all(d), 616);
	blkdir_free(d);
	free(f0);
	free(f1);
	helper_rm_rf(tmp);
}

static void test_reverse_order(void **state)
{
	size_t l0, l1;
	uint8_t *f0 = shared_file("real/chains/mainnet-0-599/blk00000.dat", &l0);
	uint8_t *f1 = shared_file("real/chains/mainnet-0-599/blk00001.dat", &l1);
	struct blkdir *d;
	struct blkdir_block bb;
	const char *why;
	enum network net = NETWORK_COUNT;
	(void)state;
	if (!f0)
		return;
	const char *tmp = helper_tmpdir();
	write_at(tmp, "blk00007.dat", f1, l1, "wb");
	write_at(tmp, "blk00012.dat", f0, l0, "wb");
	open_ok(&d, tmp, &net);
	assert_int_equal(blkdir_count(d), 600);
	assert_true(blkdir_read(d, &bb, 0, &why));
	assert_int_equal(bb.file_no, 12);
	assert_int_equal(bb.offset, 8);
	assert_true(blkdir_read(d, &bb, 599, &why));
	assert_int_equal(bb.file_no, 7);
	assert_int_equal(parse_all(d), 616);
	blkdir_free(d);
	free(f0);
	free(f1);
	helper_rm_rf(tmp);
}

/* Garbage between records and a record cut short at the end: both are
 * warnings naming the offset; every whole block is kept. */
static void test_garbage(void **state)
{
	size_t len, off = 0;
	uint8_t *f = shared_file("real/chains/mainnet-0-599/blk00000.dat", &len);
	uint8_t junk[100];
	struct blkdir *d;
	enum network net = NETWORK_COUNT;
	char want[64];
	(void)state;
	if (!f)
		return;
	for (int i = 0; i < 10; i++)
		off += 8 + ((size_t)f[off + 4] | (size_t)f[off + 5] << 8);
	memset(junk, 0x55, sizeof(junk));
	const char *tmp = helper_tmpdir();
	write_at(tmp, "blk00000.dat", f, off, "wb");
	write_at(tmp, "blk00000.dat", junk, sizeof(junk), "ab");
	write_at(tmp, "blk00000.dat", f + off, len - off - 50, "ab");
	open_ok(&d, tmp, &net);
	assert_int_equal(blkdir_count(d), 299);
	assert_int_equal(blkdir_warning_count(d), 2);
	snprintf(want, sizeof(want), "blk00000.dat: offset %zu: damaged data", off);
	assert_non_null(strstr(blkdir_warning(d, 0), want));
	assert_non_null(strstr(blkdir_warning(d, 1), "damaged tail"));
	assert_int_equal(parse_all(d), 307 - 1); /* 307 txs; 299 had one */
	blkdir_free(d);
	free(f);
	helper_rm_rf(tmp);
}

static void test_network(void **state)
{
	char dir[512];
	struct blkdir *d = NULL;
	const char *why = NULL;
	enum network net = NETWORK_TESTNET;
	(void)state;
	if (!helper_shared_path(dir, sizeof(dir), "real/chains/mainnet-0-599"))
		return;
	assert_false(blkdir_open(&d, dir, &net, &why));
	assert_null(d);
	assert_non_null(strstr(why, "main"));
	assert_non_null(strstr(why, "testnet"));
	net = NETWORK_MAIN;
	open_ok(&d, dir, &net);
	assert_int_equal(blkdir_count(d), 600);
	blkdir_free(d);
	/* not a blocks directory at all */
	const char *tmp = helper_tmpdir();
	assert_false(blkdir_open(&d, tmp, &net, &why));
	assert_non_null(strstr(why, "no blk*.dat"));
	write_at(tmp, "blk00000.dat", "hello, world, this is no block", 30, "wb");
	net = NETWORK_COUNT;
	assert_false(blkdir_open(&d, tmp, &net, &why));
	assert_non_null(strstr(why, "unknown magic"));
	helper_rm_rf(tmp);
}

/* rev00000.dat of heights 0-599 holds the (empty) undo of heights 1-40,
 * matched by checksum; also under xor.dat. */
static void check_rev(const char *dir)
{
	struct blkdir *d;
	struct block_undo u;
	struct block b;
	struct blkdir_block bb;
	const uint8_t *undo;
	size_t len;
	const char *why;
	enum network net = NETWORK_COUNT;
	open_ok(&d, dir, &net);
	block_undo_init(&u);
	block_init(&b);
	assert_false(blkdir_read_undo(d, &undo, &len, 0));
	for (uint32_t h = 1; h <= 40; h++) {
		if (!blkdir_read_undo(d, &undo, &len, h))
			fail_msg("no undo for height %u", h);
		assert_true(block_undo_parse(&u, undo, len, &why));
		assert_true(blkdir_read(d, &bb, h, &why));
		assert_true(block_parse(&b, bb.raw, bb.len, &why));
		assert_true(block_undo_check(&u, &b, &why));
	}
	assert_true(blkdir_read_undo(d, &undo, &len, 7)); /* again */
	assert_false(blkdir_read_undo(d, &undo, &len, 41));
	assert_false(blkdir_read_undo(d, &undo, &len, 599));
	block_release(&b);
	block_undo_release(&u);
	blkdir_free(d);
}

static void test_rev(void **state)
{
	char dir[512];
	uint8_t key[8];
	(void)state;
	if (!helper_shared_path(dir, sizeof(dir), "real/chains/mainnet-0-599"))
		return;
	check_rev(dir);
	const char *tmp = helper_tmpdir();
	random_key(key);
	write_at(tmp, "xor.dat", key, 8, "wb");
	copy_xor(tmp, "blk00000.dat", "real/chains/mainnet-0-599/blk00000.dat", key, 0);
	copy_xor(tmp, "blk00001.dat", "real/chains/mainnet-0-599/blk00001.dat", key, 4096);
	copy_xor(tmp, "rev00000.dat", "real/chains/mainnet-0-599/rev00000.dat", key, 4096);
	check_rev(tmp);
	helper_rm_rf(tmp);
}

/* ---- stale forks, mined here on regtest ---- */

#define EASY 0x207fffffu        /* regtest's limit: work 2 per block */
#define HARD 0x1f7fffffu        /* 256 times the work */

struct fake {
	uint8_t rec[8 + 160];   /* magic, size, block */
	size_t len;
	struct hash256 hash;
};

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A block with one coinbase tagged by tag, so that every block differs. */
static void mine(struct fake *f, const struct hash256 *prev, uint32_t bits,
		 uint32_t tag)
{
	static const uint8_t magic[4] = { 0xfa, 0xbf, 0xb5, 0xda };
	uint8_t *b = f->rec + 8, *tx = b + 81;
	struct block_header h = { 1, *prev, { { 0 } }, 1296688602 + tag, bits, 0 };
	size_t n = 0;

	put32(tx, 1);
	tx[4] = 1;
	memset(tx + 5, 0, 32);
	memset(tx + 37, 0xff, 4);
	tx[41] = 4;
	put32(tx + 42, tag);
	memset(tx + 46, 0xff, 4);
	tx[50] = 1;
	memset(tx + 51, 0, 8);
	tx[59] = 1;
	tx[60] = 0x51;
	put32(tx + 61, 0);
	n = 65;
	hash_sha256d(&h.merkle, tx, n);
	b[80] = 1;
	do {
		h.nonce++;
		block_header_encode(b, &h);
		block_header_hash(&f->hash, b);
	} while (!block_header_check_pow(&f->hash, bits));
	memcpy(f->rec, magic, 4);
	put32(f->rec + 4, (uint32_t)(81 + n));
	f->len = 8 + 81 + n;
}

static void hex_of(char out[65], const struct fake *f)
{
	hash256_to_hex(out, &f->hash);
}

/* root, a1..a5 easy; b3, b4 hard from a2; d3..d6 easy from a2; e5 from a4. */
struct forks {
	struct fake root, a[6], b[5], dd[7], e5;
};

static void mine_forks(struct forks *k)
{
	struct hash256 zero = { { 0 } };
	mine(&k->root, &zero, EASY, 0);
	k->a[0] = k->root;
	for (int i = 1; i <= 5; i++)
		mine(&k->a[i], &k->a[i - 1].hash, EASY, 100 + (uint32_t)i);
	mine(&k->b[3], &k->a[2].hash, HARD, 203);
	mine(&k->b[4], &k->b[3].hash, HARD, 204);
	k->dd[2] = k->a[2];
	for (int i = 3; i <= 6; i++)
		mine(&k->dd[i], &k->dd[i - 1].hash, EASY, 300 + (uint32_t)i);
	mine(&k->e5, &k->a[4].hash, EASY, 405);
}

static void write_recs(const char *dir, const char *name,
		       const struct fake *const *recs, size_t n)
{
	write_at(dir, name, "", 0, "wb");
	for (size_t i = 0; i < n; i++)
		write_at(dir, name, recs[i]->rec, recs[i]->len, "ab");
}

static struct blkdir *open_tmp(const char *tmp)
{
	struct blkdir *d;
	enum network net = NETWORK_COUNT;
	open_ok(&d, tmp, &net);
	assert_int_equal(net, NETWORK_REGTEST);
	return d;
}

/* Fewer blocks with more work win; records in any order; a duplicate. */
static void test_fork_most_work(void **state)
{
	struct forks *k = malloc(sizeof(*k));
	struct blkdir_stats st;
	char want[65];
	(void)state;
	assert_non_null(k);
	mine_forks(k);
	const struct fake *f0[] = { &k->b[4], &k->a[5], &k->a[3], &k->root };
	const struct fake *f1[] = { &k->a[4], &k->b[3], &k->a[1], &k->a[2], &k->a[3] };
	const char *tmp = helper_tmpdir();
	write_recs(tmp, "blk00000.dat", f0, 4);
	write_recs(tmp, "blk00001.dat", f1, 5);
	struct blkdir *d = open_tmp(tmp);
	assert_int_equal(blkdir_count(d), 5);
	hex_of(want, &k->b[4]);
	tip_is(d, want);
	assert_memory_equal(blkdir_hash(d, 2)->b, k->a[2].hash.b, 32);
	blkdir_get_stats(d, &st);
	assert_int_equal(st.records, 9);
	assert_int_equal(st.duplicates, 1);
	assert_int_equal(st.stale, 3);
	assert_int_equal(parse_all(d), 5);
	blkdir_free(d);
	helper_rm_rf(tmp);
	free(k);
}

/* Equal work per block: the longer branch wins; equal chain work: the tip
 * seen first wins; a block without its parent is an orphan (a warning). */
static void test_fork_longest_and_ties(void **state)
{
	struct forks *k = malloc(sizeof(*k));
	char want[65];
	(void)state;
	assert_non_null(k);
	mine_forks(k);
	const char *tmp = helper_tmpdir();
	const struct fake *f0[] = { &k->dd[6], &k->dd[5], &k->root, &k->a[1],
				    &k->a[2], &k->a[3], &k->a[4], &k->a[5],
				    &k->dd[3], &k->dd[4] };
	write_recs(tmp, "blk00000.dat", f0, 10);
	struct blkdir *d = open_tmp(tmp);
	assert_int_equal(blkdir_count(d), 7);
	hex_of(want, &k->dd[6]);
	tip_is(d, want);
	blkdir_free(d);
	for (int first = 0; first < 2; first++) {
		const struct fake *g0[] = { first ? &k->e5 : &k->a[5], &k->a[4], &k->a[3],
					    &k->root, &k->a[1], &k->a[2],
					    first ? &k->a[5] : &k->e5, &k->b[4] };
		write_recs(tmp, "blk00000.dat", g0, 8);
		d = open_tmp(tmp);
		assert_int_equal(blkdir_count(d), 6);
		hex_of(want, first ? &k->e5 : &k->a[5]);
		tip_is(d, want);
		assert_int_equal(blkdir_warning_count(d), 1); /* b4 without b3 */
		assert_non_null(strstr(blkdir_warning(d, 0), "1 blocks do not link"));
		blkdir_free(d);
	}
	helper_rm_rf(tmp);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_chain),
		cmocka_unit_test(test_xor),
		cmocka_unit_test(test_damaged_tail),
		cmocka_unit_test(test_reverse_order),
		cmocka_unit_test(test_garbage),
		cmocka_unit_test(test_network),
		cmocka_unit_test(test_rev),
		cmocka_unit_test(test_fork_most_work),
		cmocka_unit_test(test_fork_longest_and_ties),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
