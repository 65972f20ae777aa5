/* Transaction and block decoding against real blocks (../shared/real), Core's
 * tx vectors, and hostile input. */
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/cursor.h"
#include "proceeds/hex.h"
#include "proceeds/network.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_real.h"

#include <dirent.h>
#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Genesis block, as Core serializes it. */
static const char genesis_hex[] =
	"0100000000000000000000000000000000000000000000000000000000000000000000"
	"003ba3edfd7a7b12b27ac72c3e67768f617fc81bc3888a51323a9fb8aa4b1e5e4a29ab"
	"5f49ffff001d1dac2b7c0101000000010000000000000000000000000000000000000000"
	"000000000000000000000000ffffffff4d04ffff001d0104455468652054696d65732030"
	"332f4a616e2f32303039204368616e63656c6c6f72206f6e206272696e6b206f66207365"
	"636f6e64206261696c6f757420666f722062616e6b73ffffffff0100f2052a01000000"
	"434104678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
	"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5fac00000000";

static void assert_hash(const struct hash256 *h, const char *hex)
{
	char got[65];
	hash256_to_hex(got, h);
	assert_string_equal(got, hex);
}

static void test_genesis(void **state)
{
	uint8_t raw[sizeof(genesis_hex) / 2];
	const char *why = NULL;
	struct block b;
	uint32_t height;

	(void)state;
	assert_true(hex_decode(raw, genesis_hex, strlen(genesis_hex), &why));
	block_init(&b);
	assert_true(block_parse(&b, raw, sizeof(raw), &why));
	assert_hash(&b.hash, "000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
	assert_int_equal(b.n_tx, 1);
	assert_hash(&b.txs[0].txid, "4a5e1e4baab89f3a32518a88c31bc87f618f76673e2cc77ab2127b7afdeda33b");
	assert_true(block_check_merkle(&b, &why));
	assert_true(block_header_check_pow(&b.hash, b.hdr.bits));
	assert_true(tx_is_coinbase(&b.txs[0]));
	assert_int_equal(b.txs[0].out[0].value, 5000000000ULL);
	assert_int_equal(block_check_witness_commitment(&b), WITNESS_COMMITMENT_NONE);
	/* Version 1: the coinbase starts with bits, not a BIP34 height. */
	assert_false(block_bip34_height(&b, &height));
	/* Any truncation is an error, never a crash; so is a trailing byte. */
	for (size_t n = 0; n < sizeof(raw); n++)
		assert_false(block_parse(&b, raw, n, &why));
	block_release(&b);
}

/* ---- a small serializer, to build hostile and segwit transactions ---- */

struct buf {
	uint8_t *p;
	size_t len, cap;
};

static void put(struct buf *b, const void *p, size_t n)
{
	if (b->len + n > b->cap) {
		b->cap = (b->len + n) * 2 + 64;
		b->p = realloc(b->p, b->cap);
		assert_non_null(b->p);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void put_u32(struct buf *b, uint32_t v)
{
	uint8_t x[4] = { (uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
			 (uint8_t)(v >> 24) };
	put(b, x, 4);
}

static void put_compact(struct buf *b, uint64_t v)
{
	uint8_t x[9];
	put(b, x, compact_write(x, v));
}

static void put_fill(struct buf *b, uint8_t byte, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(b, &byte, 1);
}

/* One input spending (0x11..., vout 1) with a script of sig_len bytes, one
 * output of 1000 sat with a script of spk_len bytes; optionally segwit with
 * a two-item witness. With stripped, the witness-free form (txid preimage). */
static void build_tx_w(struct buf *b, size_t sig_len, size_t spk_len,
		       int witness, bool stripped)
{
	bool segwit = witness >= 0;
	uint8_t value[8] = { 0xe8, 0x03, 0, 0, 0, 0, 0, 0 };
	put_u32(b, 2);
	if (segwit && !stripped)
		put(b, "\x00\x01", 2);
	put_compact(b, 1);
	put_fill(b, 0x11, 32);
	put_u32(b, 1);
	put_compact(b, sig_len);
	put_fill(b, 0x51, sig_len);
	put_u32(b, 0xfffffffe);
	put_compact(b, 1);
	put(b, value, 8);
	put_compact(b, spk_len);
	put_fill(b, 0x6a, spk_len);
	if (segwit && !stripped) {
		put_compact(b, (uint64_t)witness);
		for (int i = 0; i < witness; i++) {
			put_compact(b, i ? 33 : 71);
			put_fill(b, i ? 0x02 : 0x30, i ? 33 : 71);
		}
	}
	put_u32(b, 0x00001234);
}

static void build_tx(struct buf *b, size_t sig_len, size_t spk_len, bool segwit,
		     bool stripped)
{
	build_tx_w(b, sig_len, spk_len, segwit ? 2 : -1, stripped);
}

static void test_segwit_built(void **state)
{
	struct buf full = { 0 }, bare = { 0 };
	struct block b;
	struct hash256 want, wtxid;
	const char *why = NULL;

	(void)state;
	build_tx(&full, 5, 22, true, false);
	build_tx(&bare, 5, 22, true, true);
	block_init(&b);
	assert_true(block_parse_tx(&b, full.p, full.len, &why));
	assert_true(b.txs[0].segwit);
	hash_sha256d(&want, bare.p, bare.len);
	assert_memory_equal(b.txs[0].txid.b, want.b, 32);
	tx_wtxid(&wtxid, &b.txs[0]);
	hash_sha256d(&want, full.p, full.len);
	assert_memory_equal(wtxid.b, want.b, 32);
	assert_int_equal(b.txs[0].base_len, bare.len);
	assert_int_equal(b.txs[0].in[0].witness_items, 2);
	assert_int_equal(b.txs[0].locktime, 0x1234);
	/* Every truncation and every extension fails cleanly. */
	for (size_t n = 0; n < full.len; n++)
		assert_false(block_parse_tx(&b, full.p, n, &why));
	put_fill(&full, 0, 1);
	assert_false(block_parse_tx(&b, full.p, full.len, &why));
	block_release(&b);
	free(full.p);
	free(bare.p);
}

/* Scripts of length 0 and 10,000 are legal serializations. */
static void test_script_lengths(void **state)
{
	static const size_t lens[] = { 0, 10000 };
	struct block b;
	const char *why = NULL;

	(void)state;
	block_init(&b);
	for (size_t i = 0; i < 2; i++) {
		struct buf t = { 0 };
		build_tx(&t, lens[i], lens[i], false, false);
		assert_true(block_parse_tx(&b, t.p, t.len, &why));
		assert_int_equal(b.txs[0].in[0].script_len, lens[i]);
		assert_int_equal(b.txs[0].out[0].script_len, lens[i]);
		assert_int_equal(b.txs[0].out[0].value, 1000);
		free(t.p);
	}
	block_release(&b);
}

/* The arena never grows beyond what the input could hold. */
static void assert_small_arena(const struct block *b, size_t input_len)
{
	assert_true(b->arena.ins_cap <= 64 + 2 * input_len / 41);
	assert_true(b->arena.outs_cap <= 64 + 2 * input_len / 9);
	assert_true(b->arena.txs_cap <= 64 + 2 * input_len / 10);
}

static void expect_tx_error(const struct buf *t, const char *why_want)
{
	struct block b;
	const char *why = NULL;
	block_init(&b);
	assert_false(block_parse_tx(&b, t->p, t->len, &why));
	assert_non_null(why);
	if (why_want)
		assert_string_equal(why, why_want);
	assert_small_arena(&b, t->len);
	block_release(&b);
}

static void test_hostile_counts(void **state)
{
	static const uint64_t counts[] = { 2, 0xfc, 0xffff, 0xffffffffULL,
					   UINT64_MAX };
	(void)state;
	for (size_t i = 0; i < sizeof(counts) / sizeof(counts[0]); i++) {
		struct buf t = { 0 }, o = { 0 };
		/* Input count beyond the bytes left. */
		put_u32(&t, 1);
		put_compact(&t, counts[i]);
		put_fill(&t, 0, 60);
		expect_tx_error(&t, NULL);
		/* Output count, and script length, beyond the bytes left. */
		build_tx(&o, 1, 1, false, false);
		o.len = 4 + 1 + 32 + 4 + 1 + 1 + 4;
		put_compact(&o, counts[i]);
		put_fill(&o, 0, 20);
		expect_tx_error(&o, NULL);
		o.len -= 20;
		put(&o, "\xe8\x03\0\0\0\0\0\0", 8);
		put_compact(&o, counts[i] + 100);
		put_fill(&o, 0, 30);
		expect_tx_error(&o, NULL);
		free(t.p);
		free(o.p);
	}
}

static void test_noncanonical(void **state)
{
	struct buf t = { 0 };
	(void)state;
	put_u32(&t, 1);
	put(&t, "\xfd\x01\x00", 3); /* 1 as three bytes */
	put_fill(&t, 0, 80);
	expect_tx_error(&t, "non-canonical compact size");
	t.len = 4;
	put(&t, "\xfe\xff\xff\x00\x00", 5);
	expect_tx_error(&t, "non-canonical compact size");
	t.len = 4;
	put(&t, "\xff\xff\xff\xff\xff\x00\x00\x00\x00", 9);
	expect_tx_error(&t, "non-canonical compact size");
	/* Segwit flag without any witness, and an unknown flag. */
	t.len = 0;
	build_tx(&t, 1, 1, true, false);
	struct buf z = { 0 };
	build_tx_w(&z, 1, 1, 0, false);
	expect_tx_error(&z, "superfluous witness record");
	t.p[5] = 0x02;
	expect_tx_error(&t, "unknown transaction optional data");
	free(t.p);
	free(z.p);
}

/* A block whose tx count claims more than the bytes, or none at all. */
static void test_hostile_block(void **state)
{
	uint8_t raw[sizeof(genesis_hex) / 2];
	const char *why = NULL;
	struct block b;
	struct buf t = { 0 };

	(void)state;
	assert_true(hex_decode(raw, genesis_hex, strlen(genesis_hex), &why));
	put(&t, raw, 80);
	put(&t, "\xff\xff\xff\xff\xff\xff\xff\xff\x7f", 9);
	put(&t, raw + 81, sizeof(raw) - 81);
	block_init(&b);
	assert_false(block_parse(&b, t.p, t.len, &why));
	assert_small_arena(&b, t.len);
	t.p[80] = 0x00;
	assert_false(block_parse(&b, t.p, t.len, &why));
	t.p[80] = 0x02; /* two txs, one present */
	assert_false(block_parse(&b, t.p, t.len, &why));
	block_release(&b);
	free(t.p);
}

/* CVE-2012-2459: duplicating the last txs keeps the root but is invalid. */
static void test_merkle_mutation(void **state)
{
	uint8_t raw[sizeof(genesis_hex) / 2];
	const char *why = NULL;
	struct block b;
	struct buf t = { 0 };
	struct hash256 root;
	bool mutated;

	(void)state;
	assert_true(hex_decode(raw, genesis_hex, strlen(genesis_hex), &why));
	put(&t, raw, 80);
	put(&t, "\x02", 1);
	put(&t, raw + 81, sizeof(raw) - 81);
	put(&t, raw + 81, sizeof(raw) - 81);
	block_init(&b);
	assert_true(block_parse(&b, t.p, t.len, &why));
	block_merkle_root(&root, &mutated, &b);
	assert_true(mutated);
	memcpy(t.p + 36, root.b, 32);
	assert_true(block_parse(&b, t.p, t.len, &why));
	assert_false(block_check_merkle(&b, &why));
	assert_non_null(strstr(why, "CVE-2012-2459"));
	block_release(&b);
	free(t.p);
}

/* ---- real blocks against ../shared/real/expected.json ---- */

static json_int_t jint(const json_t *e, const char *key)
{
	json_t *v = json_object_get(e, key);
	assert_true(json_is_integer(v));
	return json_integer_value(v);
}

static void block_counts(const struct block *b, enum network net,
			 json_int_t *segwit, json_int_t *outs, json_int_t *addressed)
{
	char addr[ADDRESS_MAX];
	*segwit = *outs = *addressed = 0;
	for (uint32_t i = 0; i < b->n_tx; i++) {
		const struct tx *tx = &b->txs[i];
		*segwit += tx->segwit;
		*outs += tx->n_out;
		for (uint32_t k = 0; k < tx->n_out; k++)
			*addressed += address_from_script(addr, net, tx->out[k].script,
							  tx->out[k].script_len);
	}
}

static uint64_t tx_out_sum(const struct tx *tx)
{
	struct amount sum = amount_sat(0);
	for (uint32_t k = 0; k < tx->n_out; k++)
		assert_true(amount_add(&sum, sum, amount_sat(tx->out[k].value)));
	return sum.sat;
}

/* The last push of a scriptSig, or the last witness item: the public key
 * of a P2PKH / P2WPKH spend. */
static bool last_push(const uint8_t **data, size_t *len, const uint8_t *s,
		      size_t n, bool witness)
{
	struct cursor c;
	uint64_t items = 0, l;
	bool found = false;
	cursor_init(&c, s, n);
	if (witness && !cursor_compact(&c, &items, n))
		return false;
	for (uint64_t i = 0; witness ? i < items : cursor_left(&c) > 0; i++) {
		uint8_t op = 0;
		if (witness) {
			if (!cursor_compact(&c, &l, n))
				return false;
		} else if (!cursor_u8(&c, &op) || op > 0x4c) {
			return false;
		} else if (op == 0x4c) {
			uint8_t l8 = 0;
			if (!cursor_u8(&c, &l8))
				return false;
			l = l8;
		} else {
			l = op;
		}
		found = cursor_span(&c, data, l);
		*len = l;
	}
	return found && !c.why;
}

/* Matches a spend's key to the hash of the output it spends: 1 match,
 * -1 mismatch, 0 not a key-hash output. */
static int keyhash_check(const struct tx_in *in, const uint8_t *spk, size_t n)
{
	struct script_info si;
	const uint8_t *key;
	size_t kl;
	uint8_t h[20];
	script_classify(&si, spk, n);
	if (si.type == SCRIPT_P2PKH) {
		if (!last_push(&key, &kl, in->script, in->script_len, false))
			return -1;
	} else if (si.type == SCRIPT_P2WPKH) {
		if (!last_push(&key, &kl, in->witness, in->witness_len, true))
			return -1;
	} else {
		return 0;
	}
	hash_hash160(h, key, kl);
	return memcmp(h, si.data, 20) == 0 ? 1 : -1;
}

/* Walks the bcoin undo file: one (value, script) per non-coinbase input. */
static void check_undo(const struct block *b, const json_t *e, enum network net,
		       const uint8_t *undo, size_t undo_len)
{
	struct amount in_total = amount_sat(0), fees = amount_sat(0), cb;
	struct cursor c;
	uint32_t height;
	int matches = 0;

	cursor_init(&c, undo, undo_len);
	for (uint32_t i = 1; i < b->n_tx; i++) {
		const struct tx *tx = &b->txs[i];
		struct amount in = amount_sat(0), fee;
		for (uint32_t k = 0; k < tx->n_in; k++) {
			uint64_t v, sl;
			const uint8_t *spk;
			assert_true(cursor_u64(&c, &v));
			assert_true(cursor_compact(&c, &sl, 10000));
			assert_true(cursor_span(&c, &spk, sl));
			assert_true(amount_add(&in, in, amount_sat(v)));
			int m = keyhash_check(&tx->in[k], spk, sl);
			assert_int_not_equal(m, -1);
			matches += m;
		}
		assert_true(amount_sub(&fee, in, amount_sat(tx_out_sum(tx))));
		assert_true(amount_add(&fees, fees, fee));
		assert_true(amount_add(&in_total, in_total, in));
	}
	assert_int_equal(cursor_left(&c), 0);
	assert_true(matches > 0);
	assert_int_equal(in_total.sat, jint(e, "input_value"));
	assert_int_equal(fees.sat, jint(e, "fees"));
	assert_true(block_bip34_height(b, &height));
	uint64_t subsidy = network_subsidy(network_params(net), height);
	assert_int_equal(subsidy, jint(e, "subsidy"));
	assert_true(amount_add(&cb, amount_sat(subsidy), fees));
	assert_int_equal(tx_out_sum(&b->txs[0]), cb.sat);
	assert_true(json_is_true(json_object_get(e, "coinbase_equals_subsidy_plus_fees")));
}

static void check_header(const struct block *b, const json_t *e)
{
	char hex[65];
	const char *why = NULL;
	uint32_t height;
	json_t *h34 = json_object_get(e, "bip34_height");

	hash256_to_hex(hex, &b->hash);
	assert_string_equal(hex, json_string_value(json_object_get(e, "hash")));
	hash256_to_hex(hex, &b->hdr.merkle);
	assert_string_equal(hex, json_string_value(json_object_get(e, "merkle_root")));
	assert_int_equal(b->hdr.time, jint(e, "time"));
	assert_true(block_check_merkle(b, &why));
	assert_true(block_header_check_pow(&b->hash, b->hdr.bits));
	if (h34) {
		assert_true(block_bip34_height(b, &height));
		assert_int_equal(height, json_integer_value(h34));
	} else if (b->hdr.version >= 2 && block_bip34_height(b, &height)) {
		fail_msg("bip34 height %u where expected.json has none", height);
	}
}

static void check_block(struct block *b, const json_t *e, const char *shared)
{
	const char *file = json_string_value(json_object_get(e, "file"));
	enum network net;
	char path[4096];
	const char *why = NULL;
	json_int_t segwit, outs, addressed;
	size_t len, ulen;
	uint8_t *raw, *undo;

	assert_true(network_from_name(&net, json_string_value(json_object_get(e, "network"))));
	snprintf(path, sizeof(path), "%s/real/%s", shared, file);
	raw = helper_read_file(path, &len);
	assert_non_null(raw);
	if (!block_parse(b, raw, len, &why))
		fail_msg("%s: %s", file, why);
	check_header(b, e);
	assert_int_equal(b->n_tx, jint(e, "tx_count"));
	block_counts(b, net, &segwit, &outs, &addressed);
	assert_int_equal(segwit, jint(e, "segwit_tx_count"));
	assert_int_equal(outs, jint(e, "output_count"));
	assert_int_equal(addressed, jint(e, "addressed_outputs"));
	assert_int_equal(tx_out_sum(&b->txs[0]), jint(e, "coinbase_value"));
	enum witness_commitment wc = block_check_witness_commitment(b);
	if (!(wc == WITNESS_COMMITMENT_OK ||
	      (segwit == 0 && wc == WITNESS_COMMITMENT_NONE)))
		fail_msg("%s: witness commitment %d", file, (int)wc);
	snprintf(path + strlen(path) - 4, 16, "-undo.raw");
	undo = helper_read_file(path, &ulen);
	assert_true(!undo == !json_object_get(e, "fees"));
	if (undo)
		check_undo(b, e, net, undo, ulen);
	free(undo);
	free(raw);
}

/* Every block file in blocks/{mainnet,testnet} has an expected.json entry
 * (undo files go with their block; the .bz2 files are test_real_bz2's). */
static void check_all_listed(const json_t *exp, const char *shared, const char *sub)
{
	char path[4096], rel[600];
	struct dirent *d;
	DIR *dir;
	snprintf(path, sizeof(path), "%s/real/blocks/%s", shared, sub);
	assert_non_null(dir = opendir(path));
	while ((d = readdir(dir))) {
		bool found = false;
		size_t i, n = strlen(d->d_name);
		json_t *e;
		if (d->d_name[0] == '.' || strstr(d->d_name, "-undo.raw") ||
		    (n > 4 && strcmp(d->d_name + n - 4, ".bz2") == 0))
			continue;
		snprintf(rel, sizeof(rel), "blocks/%s/%s", sub, d->d_name);
		json_array_foreach(exp, i, e)
			found |= strcmp(json_string_value(json_object_get(e, "file")), rel) == 0;
		if (!found)
			fail_msg("%s has no expected.json entry", rel);
	}
	closedir(dir);
}

static void test_real_blocks(void **state)
{
	const char *shared = helper_shared_dir();
	char path[4096];
	json_error_t jerr;
	json_t *exp, *e;
	struct block b;
	size_t i, n = 0;

	(void)state;
	if (!shared)
		return;
	snprintf(path, sizeof(path), "%s/real/expected.json", shared);
	exp = json_load_file(path, 0, &jerr);
	assert_non_null(exp);
	block_init(&b);
	json_array_foreach(exp, i, e) {
		const char *file = json_string_value(json_object_get(e, "file"));
		if (strncmp(file, "blocks/", 7) != 0)
			continue;
		check_block(&b, e, shared);
		n++;
	}
	assert_true(n >= 20);
	check_all_listed(exp, shared, "mainnet");
	check_all_listed(exp, shared, "testnet");
	block_release(&b);
	json_decref(exp);
}

/* The INVENTORY.md line that names file; a new string (caller frees). */
static char *inventory_line(const char *shared, const char *file)
{
	char path[4096], *text, *p, *end, *line;
	size_t len;
	snprintf(path, sizeof(path), "%s/real/INVENTORY.md", shared);
	text = (char *)helper_read_file(path, &len);
	assert_non_null(text);
	p = strstr(text, file);
	assert_non_null(p);
	while (p > text && p[-1] != '\n')
		p--;
	end = strchr(p, '\n');
	line = strndup(p, end ? (size_t)(end - p) : strlen(p));
	free(text);
	return line;
}

/* The token after key (up to a comma, space or bar) in line. */
static void inventory_value(char *out, size_t outsz, const char *line,
			    const char *key)
{
	const char *p = strstr(line, key);
	size_t n;
	assert_non_null(p);
	p += strlen(key);
	n = strcspn(p, ", |");
	assert_true(n > 0 && n < outsz);
	memcpy(out, p, n);
	out[n] = '\0';
}

static void check_megatx(const char *shared, struct block *b)
{
	char path[4096], txid[80], v[80], addr[ADDRESS_MAX], *line;
	const char *why = NULL;
	struct amount want;
	uint8_t *raw;
	size_t len;

	snprintf(path, sizeof(path), "%s/real/blocks/mainnet/megatx.bin.bz2", shared);
	raw = helper_read_bz2(path, &len);
	assert_non_null(raw);
	line = inventory_line(shared, "`blocks/mainnet/megatx.bin.bz2`");
	assert_true(block_parse_tx(b, raw, len, &why));
	hash256_to_hex(txid, &b->txs[0].txid);
	inventory_value(v, sizeof(v), line, "txid=");
	assert_string_equal(txid, v);
	inventory_value(v, sizeof(v), line, "n_in=");
	assert_int_equal(b->txs[0].n_in, strtoul(v, NULL, 10));
	inventory_value(v, sizeof(v), line, "n_out=");
	assert_int_equal(b->txs[0].n_out, strtoul(v, NULL, 10));
	inventory_value(v, sizeof(v), line, "size=");
	assert_int_equal(len, strtoul(v, NULL, 10));
	inventory_value(v, sizeof(v), line, "out_value_btc=");
	assert_true(amount_parse(&want, v, &why));
	assert_int_equal(tx_out_sum(&b->txs[0]), want.sat);
	inventory_value(v, sizeof(v), line, "out_address=");
	assert_true(address_from_script(addr, NETWORK_MAIN, b->txs[0].out[0].script,
					b->txs[0].out[0].script_len));
	assert_string_equal(addr, v);
	free(line);
	free(raw);
}

static void test_real_bz2(void **state)
{
	const char *shared = helper_shared_dir(), *why = NULL;
	char path[4096], *line;
	const uint8_t *blk;
	size_t len, blen;
	uint8_t *raw;
	uint32_t height;
	struct block b;

	(void)state;
	if (!shared)
		return;
	block_init(&b);
	snprintf(path, sizeof(path), "%s/real/blocks/mainnet/277647.dat.bz2", shared);
	raw = helper_read_bz2(path, &len);
	assert_non_null(raw);
	assert_true(helper_unframe(&blk, &blen, raw, len));
	assert_true(block_parse(&b, blk, blen, &why));
	assert_true(block_check_merkle(&b, &why));
	assert_true(block_header_check_pow(&b.hash, b.hdr.bits));
	assert_true(block_bip34_height(&b, &height));
	assert_int_equal(height, 277647);
	line = inventory_line(shared, "`blocks/mainnet/277647.dat.bz2`");
	char *tx = strstr(line, " tx,");
	assert_non_null(tx);
	while (tx > line && tx[-1] >= '0' && tx[-1] <= '9')
		tx--;
	assert_int_equal(b.n_tx, strtoul(tx, NULL, 10));
	free(line);
	free(raw);
	check_megatx(shared, &b);
	block_release(&b);
}

/* Every input's prevout is among those the vector lists. */
static void check_prevouts(const struct tx *tx, const json_t *prevs)
{
	for (uint32_t k = 0; k < tx->n_in; k++) {
		char hex[65];
		bool found = false;
		size_t i;
		json_t *p;
		hash256_to_hex(hex, &tx->in[k].prev_txid);
		json_array_foreach(prevs, i, p) {
			uint32_t vout = (uint32_t)json_integer_value(json_array_get(p, 1));
			found |= strcmp(json_string_value(json_array_get(p, 0)), hex) == 0 &&
				 vout == tx->in[k].prev_vout;
		}
		assert_true(found);
	}
}

static size_t check_tx_vectors(const char *path)
{
	json_error_t jerr;
	json_t *arr = json_load_file(path, 0, &jerr), *e;
	struct block b;
	size_t i, n = 0;

	assert_non_null(arr);
	block_init(&b);
	json_array_foreach(arr, i, e) {
		const char *hex = json_string_value(json_array_get(e, 1));
		const char *why = NULL;
		uint8_t *raw;
		size_t len;
		if (!json_is_array(json_array_get(e, 0)) || !hex)
			continue;
		assert_true(hex_decode_alloc(&raw, &len, hex, strlen(hex), &why));
		if (!block_parse_tx(&b, raw, len, &why))
			fail_msg("%s: entry %zu: %s", path, i, why);
		assert_int_equal(b.txs[0].raw_len, len);
		check_prevouts(&b.txs[0], json_array_get(e, 0));
		free(raw);
		n++;
	}
	block_release(&b);
	json_decref(arr);
	return n;
}

static void test_tx_vectors(void **state)
{
	const char *shared = helper_shared_dir();
	char path[4096], want[16], *line;
	(void)state;
	if (!shared)
		return;
	static const char *const files[] = { "tx_valid.json", "tx_invalid.json" };
	for (int f = 0; f < 2; f++) {
		snprintf(path, sizeof(path), "%s/real/vectors/%s", shared, files[f]);
		size_t n = check_tx_vectors(path);
		snprintf(path, sizeof(path), "`vectors/%s`", files[f]);
		line = inventory_line(shared, path);
		char *p = strstr(line, " tx hex");
		assert_non_null(p);
		while (p > line && p[-1] >= '0' && p[-1] <= '9')
			p--;
		snprintf(want, sizeof(want), "%zu", n);
		assert_int_equal(n, strtoul(p, NULL, 10));
		free(line);
	}
}


/* A real segwit block: every truncation of a real segwit tx fails cleanly,
 * and a changed witness byte breaks the commitment but not the merkle root
 * (txids skip witnesses). */
static void test_real_segwit(void **state)
{
	const char *why = NULL;
	char path[4096];
	struct block b, t;
	size_t len;
	uint8_t *raw;
	uint32_t i;

	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/blocks/mainnet/block482683.raw"))
		return;
	assert_non_null(raw = helper_read_file(path, &len));
	block_init(&b);
	block_init(&t);
	assert_true(block_parse(&b, raw, len, &why));
	for (i = 1; i < b.n_tx && !b.txs[i].segwit; i++)
		;
	assert_true(i < b.n_tx);
	const struct tx *tx = &b.txs[i];
	assert_true(block_parse_tx(&t, tx->raw, tx->raw_len, &why));
	assert_memory_equal(t.txs[0].txid.b, tx->txid.b, 32);
	for (size_t n = 0; n < tx->raw_len; n++)
		assert_false(block_parse_tx(&t, tx->raw, n, &why));
	uint8_t *w = (uint8_t *)tx->in[0].witness + tx->in[0].witness_len - 1;
	*w ^= 1;
	assert_true(block_parse(&b, raw, len, &why));
	assert_true(block_check_merkle(&b, &why));
	assert_int_equal(block_check_witness_commitment(&b), WITNESS_COMMITMENT_MISMATCH);
	block_release(&t);
	block_release(&b);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_genesis),
		cmocka_unit_test(test_segwit_built),
		cmocka_unit_test(test_script_lengths),
		cmocka_unit_test(test_hostile_counts),
		cmocka_unit_test(test_noncanonical),
		cmocka_unit_test(test_hostile_block),
		cmocka_unit_test(test_merkle_mutation),
		cmocka_unit_test(test_real_blocks),
		cmocka_unit_test(test_real_bz2),
		cmocka_unit_test(test_real_segwit),
		cmocka_unit_test(test_tx_vectors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
