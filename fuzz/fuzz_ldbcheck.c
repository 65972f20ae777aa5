/* LevelDB's files read directly (ldbcheck.h): a table file, a write-ahead
 * log, a MANIFEST's version edits and a Snappy block, all from the same
 * input. Invariants: every rejection has a reason and an offset inside the
 * input; an accepted table has at least its index and metaindex blocks;
 * both CRC-32C implementations agree; Snappy output stays within the
 * bound the parser promises. */
#include "fuzz.h"
#include "proceeds/ldbcheck.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint64_t off, n;
	const char *why = NULL;
	struct ldb_live live;
	uint8_t *out;
	size_t olen;

	FUZZ_CHECK(ldb_crc32c(7, data, size) == ldb_crc32c_portable(7, data, size));
	if (ldb_table_check(&off, &n, data, size, &why)) {
		FUZZ_CHECK(n >= 2);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0' && (off < size || size == 0));
	}
	for (int whole = 0; whole < 2; whole++) {
		why = NULL;
		if (!ldb_log_check(&off, &n, data, size, whole, &why))
			FUZZ_CHECK(why != NULL && why[0] != '\0' && (off < size || size == 0));
		why = NULL;
		ldb_live_init(&live);
		if (ldb_manifest_parse(&live, &off, data, size, whole, &why)) {
			for (size_t i = 1; i < live.n; i++)
				FUZZ_CHECK(live.files[i - 1].number < live.files[i].number);
		} else {
			FUZZ_CHECK(why != NULL && why[0] != '\0' && (off < size || size == 0));
		}
		ldb_live_release(&live);
	}
	why = NULL;
	if (ldb_snappy_uncompress(&out, &olen, data, size, &why)) {
		FUZZ_CHECK(olen <= size * 22 + 64);
		free(out);
	} else {
		FUZZ_CHECK(why != NULL && out == NULL);
	}
	return 0;
}
