/* A blocks directory from a seized disk: blk00000.dat, optionally xor.dat
 * and rev00000.dat, written to a private temporary directory and opened
 * with blkdir_open, then every best-chain block read back and decoded with
 * its undo record. Input: flags byte (bit 0: an 8-byte xor key follows;
 * bit 1: a 4-byte little-endian blk length follows, the rest after that
 * many bytes is rev00000.dat), then the blk bytes. Invariant: a block
 * blkdir returns for height h is at h and, when its body decodes, has the
 * hash it was indexed under. */
#include "fuzz.h"
#include "proceeds/blkdir.h"
#include "proceeds/tx.h"
#include "proceeds/undo.h"

#include <unistd.h>

static char dir[64];

static void cleanup(void)
{
	static const char *const names[] = { "blk00000.dat", "rev00000.dat", "xor.dat" };
	char path[128];
	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		unlink(path);
	}
	rmdir(dir);
}

static void put(const char *name, const uint8_t *p, size_t n)
{
	char path[128];
	FILE *f;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	if (!p) {
		unlink(path);
		return;
	}
	f = fopen(path, "wb");
	FUZZ_CHECK(f != NULL);
	FUZZ_CHECK(n == 0 || fwrite(p, 1, n, f) == n);
	FUZZ_CHECK(fclose(f) == 0);
}

static void read_all(struct blkdir *d)
{
	struct blkdir_block bb;
	struct block b;
	struct block_undo u;
	const char *why = NULL;
	uint32_t n = blkdir_count(d);

	block_init(&b);
	block_undo_init(&u);
	for (uint32_t h = 0; h < n && h < 64; h++) {
		const uint8_t *undo;
		size_t ulen;
		if (!blkdir_read(d, &bb, h, &why))
			continue;
		FUZZ_CHECK(bb.height == h);
		/* blkdir indexes headers only: a damaged body is the
		 * reader's to report, under the indexed hash. */
		if (!block_parse(&b, bb.raw, bb.len, &why)) {
			FUZZ_CHECK(why != NULL);
			continue;
		}
		FUZZ_CHECK(memcmp(b.hash.b, blkdir_hash(d, h)->b, 32) == 0);
		if (blkdir_read_undo(d, &undo, &ulen, h) &&
		    block_undo_parse(&u, undo, ulen, &why) &&
		    !block_undo_check(&u, &b, &why))
			FUZZ_CHECK(why != NULL);
	}
	for (size_t i = 0; i < blkdir_warning_count(d); i++)
		FUZZ_CHECK(blkdir_warning(d, i) != NULL);
	block_undo_release(&u);
	block_release(&b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct blkdir *d = NULL;
	enum network net = NETWORK_COUNT;
	const char *why = NULL;
	const uint8_t *key = NULL, *rev = NULL;
	size_t blk_len, rev_len = 0;
	uint8_t flags;

	if (!dir[0]) {
		strcpy(dir, "/tmp/proceeds-fuzz-blkdir-XXXXXX");
		FUZZ_CHECK(mkdtemp(dir) != NULL);
		atexit(cleanup);
	}
	if (size < 1)
		return 0;
	flags = data[0];
	data++, size--;
	if ((flags & 1) && size >= 8)
		key = data, data += 8, size -= 8;
	blk_len = size;
	if ((flags & 2) && size >= 4) {
		uint32_t l = (uint32_t)data[0] | (uint32_t)data[1] << 8 |
			     (uint32_t)data[2] << 16 | (uint32_t)data[3] << 24;
		data += 4, size -= 4;
		blk_len = l <= size ? l : size;
		rev = data + blk_len, rev_len = size - blk_len;
	}
	put("xor.dat", key, 8);
	put("blk00000.dat", data, blk_len);
	put("rev00000.dat", rev, rev_len);
	if (blkdir_open(&d, dir, &net, &why)) {
		FUZZ_CHECK(net < NETWORK_COUNT);
		read_all(d);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	blkdir_free(d);
	return 0;
}
