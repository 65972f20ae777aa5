/* Merkle proofs on real blocks: every transaction of several real blocks
 * (odd levels included) proves into its header, whose hash is the one
 * recorded in ../shared/real/expected.json; damaged proofs are refused. */
#include "proceeds/hash.h"
#include "proceeds/merkleproof.h"
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

static const char *const blocks[] = {
	"blocks/mainnet/block1.raw",
	"blocks/mainnet/block169482.raw",
	"blocks/mainnet/block227835.raw",
	"blocks/mainnet/block227836.raw",
	"blocks/mainnet/block300025.raw",
	"blocks/mainnet/block413567.raw",
	"blocks/testnet/block21066.raw",
	"blocks/mainnet/block-00000000000000000021868c2cefc52a480d173c849412fe81c4e5ab806f94ab.blk",
};

/* The expected block hash of rel from expected.json (new string). */
static char *expected_hash(const char *rel)
{
	char path[4096];
	json_t *root, *e;
	size_t i;
	char *out = NULL;

	assert_non_null(helper_shared_path(path, sizeof(path), "real/expected.json"));
	root = json_load_file(path, 0, NULL);
	assert_non_null(root);
	json_array_foreach(root, i, e) {
		const char *f = json_string_value(json_object_get(e, "file"));
		const char *h = json_string_value(json_object_get(e, "hash"));
		if (f && h && strcmp(f, rel) == 0)
			out = strdup(h);
	}
	json_decref(root);
	assert_non_null(out);
	return out;
}

static uint8_t *load_block(struct block *b, const char *rel)
{
	char path[4096];
	size_t len;
	uint8_t *raw;
	const char *why = NULL;

	char full[512];
	snprintf(full, sizeof(full), "real/%s", rel);
	assert_non_null(helper_shared_path(path, sizeof(path), full));
	raw = helper_read_file(path, &len);
	assert_non_null(raw);
	block_init(b);
	if (!block_parse(b, raw, len, &why))
		fail_msg("%s: %s", rel, why);
	return raw;
}

static struct hash256 *txids_of(const struct block *b)
{
	struct hash256 *t = malloc(b->n_tx * sizeof(*t));
	assert_non_null(t);
	for (uint32_t i = 0; i < b->n_tx; i++)
		t[i] = b->txs[i].txid;
	return t;
}

static void check_block(const char *rel)
{
	struct block b;
	uint8_t *raw = load_block(&b, rel);
	struct hash256 *t = txids_of(&b), root, bh;
	char *want = expected_hash(rel), got[65];
	bool mutated;
	const char *why = NULL;

	block_merkle_root(&root, &mutated, &b);
	for (uint32_t i = 0; i < b.n_tx; i++) {
		struct merkle_proof p, r;
		assert_true(merkle_proof_build(&p, t, b.n_tx, i, &why));
		assert_int_equal(p.depth, merkle_proof_depth(b.n_tx));
		merkle_proof_root(&r.txid, &p);
		assert_memory_equal(r.txid.b, root.b, 32);
		if (!merkle_proof_verify(&p, raw, &bh, &why))
			fail_msg("%s tx %u: %s", rel, i, why);
		hash256_to_hex(got, &bh);
		assert_string_equal(got, want);
	}
	printf("%s: %u proofs verified\n", rel, b.n_tx);
	free(want);
	free(t);
	block_release(&b);
	free(raw);
}

static void test_real_blocks(void **state)
{
	(void)state;
	if (!helper_shared_dir())
		return;
	for (size_t i = 0; i < sizeof(blocks) / sizeof(blocks[0]); i++)
		check_block(blocks[i]);
}

/* One altered byte anywhere (txid, branch, header, index, count) fails. */
static void test_tampering(void **state)
{
	struct block b;
	uint8_t *raw, hdr[80];
	struct hash256 *t, bh;
	struct merkle_proof p, q;
	const char *why = NULL;
	(void)state;

	if (!helper_shared_dir())
		return;
	raw = load_block(&b, "blocks/mainnet/block169482.raw");
	t = txids_of(&b);
	assert_true(merkle_proof_build(&p, t, b.n_tx, 5, &why));
	assert_true(merkle_proof_verify(&p, raw, &bh, &why));
	for (uint32_t lvl = 0; lvl < p.depth; lvl++) {
		q = p;
		q.branch[lvl].b[lvl] ^= 1;
		assert_false(merkle_proof_verify(&q, raw, &bh, &why));
	}
	q = p; q.txid.b[31] ^= 0x80;
	assert_false(merkle_proof_verify(&q, raw, &bh, &why));
	q = p; q.index = 4;
	assert_false(merkle_proof_verify(&q, raw, &bh, &why));
	q = p; q.index = b.n_tx;
	assert_false(merkle_proof_verify(&q, raw, &bh, &why));
	q = p; q.n_tx = 100;
	assert_false(merkle_proof_verify(&q, raw, &bh, &why));
	assert_string_equal(why, "branch length does not match the transaction count");
	memcpy(hdr, raw, 80);
	hdr[36 + 7] ^= 2; /* merkle root field */
	assert_false(merkle_proof_verify(&p, hdr, &bh, &why));
	assert_string_equal(why, "merkle root does not match the block header");
	free(t);
	block_release(&b);
	free(raw);
}

/* 14 leaves: 14 -> 7 -> 4 -> 2 -> 1. Leaves 12 and 13 hash to the lonely
 * node of the odd level; its entry must be the node itself, and a fake
 * 15th transaction (the CVE-2012-2459 duplicate) must not prove. */
static void test_odd_levels(void **state)
{
	struct hash256 t[15], root, bh;
	struct merkle_proof p, q;
	uint8_t hdr[80];
	struct block_header h;
	const char *why = NULL;
	(void)state;

	for (int i = 0; i < 15; i++)
		hash_sha256d(&t[i], &i, sizeof(i));
	assert_int_equal(merkle_proof_depth(14), 4);
	assert_int_equal(merkle_proof_depth(1), 0);
	assert_int_equal(merkle_proof_depth(2), 1);
	assert_int_equal(merkle_proof_depth(3), 2);
	assert_false(merkle_proof_build(&p, t, 14, 14, &why));
	assert_false(merkle_proof_build(&p, t, 0, 0, &why));
	assert_true(merkle_proof_build(&p, t, 14, 13, &why));
	merkle_proof_root(&root, &p);
	memset(&h, 0, sizeof(h));
	h.merkle = root;
	block_header_encode(hdr, &h);
	assert_true(merkle_proof_verify(&p, hdr, &bh, &why));
	/* The duplicate: claim t[13] again as the 15th leaf of a 15-tx block. */
	t[14] = t[13];
	assert_true(merkle_proof_build(&q, t, 15, 14, &why));
	q.n_tx = 15;
	assert_false(merkle_proof_verify(&q, hdr, &bh, &why));
	/* Pretending the lonely pair is a real pair is refused too. */
	q = p;
	q.index = 12;
	q.branch[0] = t[13];
	q.txid = t[13];
	assert_false(merkle_proof_verify(&q, hdr, &bh, &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_real_blocks),
		cmocka_unit_test(test_tampering),
		cmocka_unit_test(test_odd_levels),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
