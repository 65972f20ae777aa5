/* Proofs of inclusion written for cited transactions of real blocks, read
 * back and verified; tampering, missing blocks and contradictions. */
#include "proceeds/hash.h"
#include "proceeds/reportproof.h"
#include "proceeds/tx.h"
#include "helper.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* A test block source over real block files. */
struct files {
	const char *paths[4];
	size_t n;
	unsigned calls;
	bool drop_tx; /* serve the block without its last tx (a lying source) */
};

static bool files_block(void *ctx, const struct hash256 *hash, uint32_t height,
			uint8_t header[80], struct hash256 **txids, size_t *n,
			const char **why)
{
	struct files *fs = ctx;
	fs->calls++;
	for (size_t i = 0; i < fs->n; i++) {
		size_t len;
		uint8_t *raw = helper_read_file(fs->paths[i], &len);
		struct block b;
		const char *w;
		assert_non_null(raw);
		block_init(&b);
		assert_true(block_parse(&b, raw, len, &w));
		if (hash256_eq(&b.hash, hash)) {
			memcpy(header, raw, 80);
			*n = b.n_tx - (fs->drop_tx ? 1 : 0);
			*txids = malloc(b.n_tx * sizeof(**txids));
			for (uint32_t t = 0; t < b.n_tx; t++)
				(*txids)[t] = b.txs[t].txid;
			block_release(&b);
			free(raw);
			return true;
		}
		block_release(&b);
		free(raw);
	}
	*why = "not in the test's files";
	return false;
}

/* A trace naming txs at positions of the first block, one of the second,
 * and one in a block the source lacks. */
static json_t *cite_trace(const char *p1, const char *p2, unsigned *n_cited)
{
	json_t *seeds = json_array(), *hops = json_array();
	const char *paths[2] = { p1, p2 };
	const uint32_t pick[2][3] = { { 0, 5, 13 }, { 121, 0, 0 } };
	const unsigned npick[2] = { 3, 1 };
	*n_cited = 0;
	for (int k = 0; k < 2; k++) {
		size_t len;
		uint8_t *raw = helper_read_file(paths[k], &len);
		struct block b;
		const char *w;
		char txid[65], bh[65], op[80];
		block_init(&b);
		assert_true(block_parse(&b, raw, len, &w));
		hash256_to_hex(bh, &b.hash);
		for (unsigned j = 0; j < npick[k]; j++, (*n_cited)++) {
			hash256_to_hex(txid, &b.txs[pick[k][j]].txid);
			snprintf(op, sizeof(op), "%s:0", txid);
			json_array_append_new(j == 0 ? seeds : hops, json_pack(
				"{s:s, s:s, s:i, s:s}", "outpoint", op, "txid", txid,
				"height", 100 + k, "block_hash", bh));
		}
		block_release(&b);
		free(raw);
	}
	json_array_append_new(hops, json_pack("{s:s, s:s, s:i, s:s}", "outpoint",
		"11" "00000000000000000000000000000000000000000000000000000000000000:1",
		"txid", "1100000000000000000000000000000000000000000000000000000000000000",
		"height", 5, "block_hash",
		"2200000000000000000000000000000000000000000000000000000000000000"));
	(*n_cited)++;
	return json_pack("{s:o, s:o, s:[]}", "seeds", seeds, "hops", hops, "exits");
}

static void test_real_proofs(void **state)
{
	char p1[4096], p2[4096], path[4200];
	struct files fs = { .n = 2 };
	struct proof_source src = { &fs, files_block };
	json_t *trace, *recs, *r;
	const char *why = NULL, *dir;
	unsigned n_cited, included = 0;
	size_t i;
	(void)state;

	if (!helper_shared_path(p1, sizeof(p1), "real/blocks/mainnet/block169482.raw") ||
	    !helper_shared_path(p2, sizeof(p2), "real/blocks/mainnet/block227835.raw"))
		return;
	fs.paths[0] = p1;
	fs.paths[1] = p2;
	trace = cite_trace(p1, p2, &n_cited);
	dir = helper_tmpdir();
	if (!reportproof_write_all(&recs, dir, trace, &src, &why))
		fail_msg("%s", why);
	assert_int_equal(json_array_size(recs), n_cited);
	assert_int_equal(fs.calls, 3); /* one fetch per block */
	json_array_foreach(recs, i, r) {
		struct hash256 bh;
		uint32_t height;
		char hex[65];
		json_t *proof;
		if (strcmp(json_string_value(json_object_get(r, "status")), "included") != 0) {
			assert_string_equal(json_string_value(json_object_get(r, "reason")),
				"block 2200000000000000000000000000000000000000000000000000000000000000 "
				"not available: not in the test's files");
			continue;
		}
		included++;
		snprintf(path, sizeof(path), "%s/%s", dir,
			 json_string_value(json_object_get(r, "file")));
		proof = json_load_file(path, 0, NULL);
		assert_non_null(proof);
		if (!reportproof_check(proof, &bh, &height, &why))
			fail_msg("%s: %s", path, why);
		hash256_to_hex(hex, &bh);
		assert_string_equal(hex, json_string_value(json_object_get(r, "block_hash")));
		/* One changed branch digit breaks it. */
		if (json_array_size(json_object_get(proof, "branch"))) {
			char *b = strdup(json_string_value(json_array_get(json_object_get(proof, "branch"), 0)));
			b[10] = b[10] == '0' ? '1' : '0';
			json_array_set_new(json_object_get(proof, "branch"), 0, json_string(b));
			free(b);
			assert_false(reportproof_check(proof, &bh, &height, &why));
		}
		json_decref(proof);
	}
	assert_int_equal(included, n_cited - 1);
	json_decref(recs);

	/* A source whose block lacks a cited tx contradicts the trace. */
	fs.drop_tx = true;
	assert_false(reportproof_write_all(&recs, dir, trace, &src, &why));
	assert_non_null(strstr(why, "do not hash to the merkle root of block"));
	json_decref(trace);
	helper_rm_rf(dir);
}

static void test_no_source(void **state)
{
	json_t *trace = json_pack("{s:[{s:s, s:i, s:s}], s:[], s:[]}", "seeds",
		"outpoint", "3300000000000000000000000000000000000000000000000000000000000000:0",
		"height", 7, "block_hash",
		"4400000000000000000000000000000000000000000000000000000000000000",
		"hops", "exits"), *recs;
	const char *why;
	(void)state;
	assert_true(reportproof_write_all(&recs, "/nonexistent-dir", trace, NULL, &why));
	assert_int_equal(json_array_size(recs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(recs, 0),
						"status")), "unavailable");
	json_decref(recs);
	json_decref(trace);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_proofs),
		cmocka_unit_test(test_no_source),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
