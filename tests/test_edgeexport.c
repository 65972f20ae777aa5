/* The edge export (chain/edgeexport*.c) on a built chain of four blocks,
 * two partitions of two blocks: tx level, rows = inputs + outputs of the
 * blocks (counted from the parsed blocks, not the index), per partition
 * and in the manifest; each tx's in rows sum to the outputs it spends
 * and its out rows to its outputs; every input names an outpoint an
 * output row created, with the same address and value; JSON Lines equal
 * the CSV rows. Address level: rows = sum of distinct input x output
 * addresses, each tx's rows sum to its outputs, and the apportioning of
 * a three-input tx is exact to the satoshi. A height range exports only
 * its blocks; an existing export, --from or --to beyond the tip are
 * refused. */
#include "proceeds/edgeexport.h"
#include "proceeds/index.h"
#include "proceeds/store.h"
#include "proceeds/tx.h"
#include "helper.h"
#include "helper_chain.h"

#include <jansson.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define BTC 100000000ull
#define N_BLK 4

static struct hc_buf raw[N_BLK];
static struct block blk[N_BLK];
static char dir[256], out_dir[512];
static struct index *idx;
static unsigned n_out_dirs;

static void make_block(unsigned h, const struct hc_buf *txs, size_t n)
{
	hc_chain_block(raw, blk, h, txs, n);
}

/* Block 0: a coinbase paying 1 BTC each to numbers 1, 2, 1, 3, 4.
 * Block 1: A spends outputs 0, 1, 2 (numbers 1, 2, 1) to 20 (100000001),
 * 21 (50000000) and 20 (1); B spends output 3 (number 3) to 30.
 * Block 2: C spends A:1 (21) and output 4 (number 4) to 40 and an
 * OP_RETURN of value 0. Block 3: a coinbase alone. */
static void make_chain(void)
{
	struct hc_buf t[N_BLK] = { { 0 } };
	uint64_t p0[5] = { 1, 2, 1, 3, 4 }, v0[5] = { BTC, BTC, BTC, BTC, BTC };
	uint64_t pcb[1] = { 50 }, vcb[1] = { BTC };
	hc_tx_numbers(&t[0], 0, NULL, NULL, 5, p0, v0, 1);
	make_block(0, &t[0], 1);
	struct hash256 cb[3] = { blk[0].txs[0].txid, blk[0].txs[0].txid, blk[0].txs[0].txid };
	uint32_t va[3] = { 0, 1, 2 }, vb[1] = { 3 };
	uint64_t pa[3] = { 20, 21, 20 }, vla[3] = { 100000001, 50000000, 1 };
	uint64_t pb[1] = { 30 }, vlb[1] = { 99990000 };
	hc_tx_numbers(&t[1], 0, NULL, NULL, 1, pcb, vcb, 2);
	hc_tx_numbers(&t[1], 3, cb, va, 3, pa, vla, 0);
	hc_tx_numbers(&t[1], 1, cb, vb, 1, pb, vlb, 0);
	make_block(1, &t[1], 3);
	struct hash256 pc[2] = { blk[1].txs[1].txid, blk[0].txs[0].txid };
	uint32_t vc[2] = { 1, 4 };
	uint64_t ppc[2] = { 40, 0 }, vlc[2] = { 149990000, 0 };
	hc_tx_numbers(&t[2], 0, NULL, NULL, 1, pcb, vcb, 3);
	hc_tx_numbers(&t[2], 2, pc, vc, 2, ppc, vlc, 0);
	make_block(2, &t[2], 2);
	hc_tx_numbers(&t[3], 0, NULL, NULL, 1, pcb, vcb, 4);
	make_block(3, &t[3], 1);
	for (int i = 0; i < N_BLK; i++)
		hc_buf_free(&t[i]);
}

static int setup(void **state)
{
	struct index_options o = { .create = true };
	const char *why;
	(void)state;
	make_chain();
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	if (!index_open(&idx, dir, NETWORK_REGTEST, &o, &why))
		return -1;
	for (unsigned h = 0; h < N_BLK; h++)
		if (!index_connect_block(idx, &blk[h], h, &why))
			return -1;
	return index_flush(idx, true, &why) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	index_close(idx);
	helper_rm_rf(dir);
	for (unsigned h = 0; h < N_BLK; h++) {
		block_release(&blk[h]);
		hc_buf_free(&raw[h]);
	}
	return 0;
}

/* Exports into a fresh folder under dir (its path in out_dir). */
static bool export(enum edge_level level, uint32_t from, uint32_t to, bool to_tip,
		   struct edge_export_stats *s, const char **why)
{
	struct edge_export_options o = { level, from, to, to_tip, 2 };
	snprintf(out_dir, sizeof(out_dir), "%s/out%u", dir, n_out_dirs++);
	return edge_export(index_store(idx), NETWORK_REGTEST, out_dir, &o, s,
			   NULL, NULL, why);
}

/* The rows of every partition file of fmt ("csv", "jsonl") listed in
 * the manifest, concatenated (CSV headers dropped); *n rows. Each file
 * holds its partition's manifest count of rows. */
static char **read_rows(json_t *man, const char *fmt, size_t *n)
{
	bool csv = strcmp(fmt, "csv") == 0;
	char **rows = NULL, path[1024];
	size_t i;
	json_t *p;

	*n = 0;
	json_array_foreach(json_object_get(man, "partitions"), i, p) {
		size_t len, lines = 0;
		snprintf(path, sizeof(path), "%s/%s", out_dir,
			 json_string_value(json_object_get(p, fmt)));
		char *buf = (char *)helper_read_file(path, &len), *save = NULL;
		assert_non_null(buf);
		buf = realloc(buf, len + 1);
		buf[len] = 0;
		for (char *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
			if (csv && lines++ == 0)
				continue;  /* the header */
			lines += !csv;
			rows = realloc(rows, (*n + 1) * sizeof(*rows));
			rows[(*n)++] = strdup(l);
		}
		assert_int_equal(lines, json_integer_value(json_object_get(p, "rows")) + csv);
		free(buf);
	}
	return rows;
}

static json_t *manifest(void)
{
	char path[1024];
	json_error_t e;
	snprintf(path, sizeof(path), "%s/manifest.json", out_dir);
	json_t *m = json_load_file(path, 0, &e);
	assert_non_null(m);
	return m;
}

static void free_rows(char **rows, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(rows[i]);
	free(rows);
}

/* Field k (0-based) of a CSV row into out. */
static void field(char *out, size_t cap, const char *row, int k)
{
	const char *p = row;
	for (int i = 0; i < k; i++) {
		p = strchr(p, ',');
		assert_non_null(p);
		p++;
	}
	size_t n = strcspn(p, ",");
	assert_true(n < cap);
	memcpy(out, p, n);
	out[n] = 0;
}

static uint64_t field_u(const char *row, int k)
{
	char b[32];
	field(b, sizeof(b), row, k);
	return strtoull(b, NULL, 10);
}

/* Non-coinbase inputs and outputs of blocks from..to, from the blocks. */
static void block_io(uint64_t *in, uint64_t *out, unsigned from, unsigned to)
{
	*in = *out = 0;
	for (unsigned h = from; h <= to; h++)
		for (uint32_t i = 0; i < blk[h].n_tx; i++) {
			*in += i ? blk[h].txs[i].n_in : 0;
			*out += blk[h].txs[i].n_out;
		}
}

static const struct tx *tx_by_hex(const char *hex)
{
	char h[65];
	for (unsigned b = 0; b < N_BLK; b++)
		for (uint32_t i = 0; i < blk[b].n_tx; i++) {
			hash256_to_hex(h, &blk[b].txs[i].txid);
			if (strcmp(h, hex) == 0)
				return &blk[b].txs[i];
		}
	fail_msg("txid %s not in the blocks", hex);
	return NULL;
}

static uint64_t out_sum(const struct tx *t)
{
	uint64_t v = 0;
	for (uint32_t i = 0; i < t->n_out; i++)
		v += t->out[i].value;
	return v;
}

static uint64_t spent_sum(const struct tx *t)
{
	char h[65];
	uint64_t v = 0;
	for (uint32_t i = 0; i < t->n_in; i++) {
		hash256_to_hex(h, &t->in[i].prev_txid);
		v += tx_by_hex(h)->out[t->in[i].prev_vout].value;
	}
	return v;
}

static void test_tx_level(void **state)
{
	struct edge_export_stats s;
	const char *why = NULL;
	uint64_t in, out;
	size_t n, nj;
	(void)state;

	assert_true(export(EDGE_LEVEL_TX, 0, 0, true, &s, &why));
	block_io(&in, &out, 0, N_BLK - 1);
	assert_int_equal(s.inputs, in);
	assert_int_equal(s.outputs, out);
	assert_int_equal(s.rows, in + out);
	json_t *m = manifest();
	assert_int_equal(json_integer_value(json_object_get(m, "rows")), in + out);
	assert_int_equal(json_array_size(json_object_get(m, "partitions")), 2);
	char **rows = read_rows(m, "csv", &n), **jl = read_rows(m, "jsonl", &nj);
	assert_int_equal(n, in + out);
	assert_int_equal(nj, n);
	for (size_t i = 0; i < n; i++) {
		json_error_t e;
		char line[1024];
		json_t *j = json_loads(jl[i], 0, &e);
		assert_non_null(j);
		snprintf(line, sizeof(line), "%s,%s,%s,%lld,%lld,%lld,%lld,%s,%lld",
			 json_string_value(json_object_get(j, "direction")),
			 json_string_value(json_object_get(j, "txid")),
			 json_string_value(json_object_get(j, "outpoint")),
			 json_integer_value(json_object_get(j, "tx_index")),
			 json_integer_value(json_object_get(j, "height")),
			 json_integer_value(json_object_get(j, "time")),
			 json_integer_value(json_object_get(j, "index")),
			 json_string_value(json_object_get(j, "address")),
			 json_integer_value(json_object_get(j, "value")));
		assert_string_equal(line, rows[i]);
		json_decref(j);
	}
	free_rows(jl, nj);
	json_decref(m);
	free_rows(rows, n);
}

/* Per tx: in rows sum to the spent outputs, out rows to the outputs;
 * every spent outpoint was created by an out row of the same address
 * and value. */
static void test_tx_values(void **state)
{
	struct edge_export_stats s;
	const char *why = NULL;
	size_t n;
	(void)state;

	assert_true(export(EDGE_LEVEL_TX, 0, 0, true, &s, &why));
	json_t *m = manifest();
	char **rows = read_rows(m, "csv", &n);
	uint64_t txnum = 0;
	for (unsigned b = 0; b < N_BLK; b++)
		for (uint32_t t = 0; t < blk[b].n_tx; t++, txnum++) {
			char hex[65], id[80], dir_[8];
			uint64_t vin = 0, vout = 0;
			hash256_to_hex(hex, &blk[b].txs[t].txid);
			for (size_t i = 0; i < n; i++) {
				field(id, sizeof(id), rows[i], 1);
				field(dir_, sizeof(dir_), rows[i], 0);
				if (strcmp(id, hex) != 0)
					continue;
				*(dir_[0] == 'i' ? &vin : &vout) += field_u(rows[i], 8);
				assert_int_equal(field_u(rows[i], 3), txnum);
				assert_int_equal(field_u(rows[i], 4), b);
			}
			assert_int_equal(vout, out_sum(&blk[b].txs[t]));
			assert_int_equal(vin, t ? spent_sum(&blk[b].txs[t]) : 0);
		}
	for (size_t i = 0; i < n; i++) {
		char op[80], op2[80], a[100], a2[100];
		bool found = false;
		if (rows[i][0] != 'i')
			continue;
		field(op, sizeof(op), rows[i], 2);
		field(a, sizeof(a), rows[i], 7);
		for (size_t j = 0; j < n && !found; j++) {
			field(op2, sizeof(op2), rows[j], 2);
			field(a2, sizeof(a2), rows[j], 7);
			found = rows[j][0] == 'o' && strcmp(op, op2) == 0 && strcmp(a, a2) == 0 &&
				field_u(rows[j], 8) == field_u(rows[i], 8);
		}
		assert_true(found);
	}
	json_decref(m);
	free_rows(rows, n);
}

/* Distinct scripts among the outputs of t, or of the outputs it spends. */
static uint64_t distinct_scripts(const struct tx *t, bool inputs)
{
	const struct tx_out *o[16];
	uint64_t n = 0, k = inputs ? t->n_in : t->n_out;
	char h[65];
	for (uint64_t i = 0; i < k; i++) {
		if (inputs)
			hash256_to_hex(h, &t->in[i].prev_txid);
		o[i] = inputs ? &tx_by_hex(h)->out[t->in[i].prev_vout] : &t->out[i];
		bool seen = false;
		for (uint64_t j = 0; j < i && !seen; j++)
			seen = o[j]->script_len == o[i]->script_len &&
			       memcmp(o[j]->script, o[i]->script, o[i]->script_len) == 0;
		n += !seen;
	}
	return n;
}

static void test_address_level(void **state)
{
	struct edge_export_stats s;
	const char *why = NULL;
	uint64_t want = 0;
	size_t n;
	(void)state;

	assert_true(export(EDGE_LEVEL_ADDRESS, 0, 0, true, &s, &why));
	for (unsigned b = 0; b < N_BLK; b++)
		for (uint32_t t = 1; t < blk[b].n_tx; t++)
			want += distinct_scripts(&blk[b].txs[t], true) *
				distinct_scripts(&blk[b].txs[t], false);
	assert_int_equal(want, 2 * 2 + 1 + 2 * 2);
	assert_int_equal(s.rows, want);
	json_t *m = manifest();
	char **rows = read_rows(m, "csv", &n);
	assert_int_equal(n, want);
	for (unsigned b = 0; b < N_BLK; b++)
		for (uint32_t t = 1; t < blk[b].n_tx; t++) {
			char hex[65], id[80];
			uint64_t v = 0;
			hash256_to_hex(hex, &blk[b].txs[t].txid);
			for (size_t i = 0; i < n; i++) {
				field(id, sizeof(id), rows[i], 2);
				if (strcmp(id, hex) == 0) {
					v += field_u(rows[i], 6);
					assert_int_equal(field_u(rows[i], 7),
							 distinct_scripts(&blk[b].txs[t], true));
				}
			}
			assert_int_equal(v, out_sum(&blk[b].txs[t]));
		}
	/* A (the block's second tx): inputs 2 BTC (number 1) and 1 BTC
	 * (number 2); outputs 100000002 (number 20) and 50000000 (21):
	 * floor(v * 2/3) to number 1, the rest to number 2, in input-address
	 * major order */
	const uint64_t share[4] = { 66666668, 33333333, 33333334, 16666667 };
	for (int k = 0; k < 4; k++)
		assert_int_equal(field_u(rows[k], 6), share[k]);
	json_decref(m);
	free_rows(rows, n);
}

static void test_range(void **state)
{
	struct edge_export_stats s;
	const char *why = NULL;
	uint64_t in, out;
	(void)state;

	assert_true(export(EDGE_LEVEL_TX, 2, 2, false, &s, &why));
	block_io(&in, &out, 2, 2);
	assert_int_equal(s.rows, in + out);
	assert_int_equal(s.from, 2);
	assert_int_equal(s.to, 2);
	json_t *m = manifest();
	assert_int_equal(json_array_size(json_object_get(m, "partitions")), 1);
	assert_int_equal(json_integer_value(json_object_get(m, "to_height")), 2);
	json_decref(m);
	assert_true(export(EDGE_LEVEL_TX, 1, 0, true, &s, &why));
	block_io(&in, &out, 1, N_BLK - 1);
	assert_int_equal(s.rows, in + out);
}

static void test_refused(void **state)
{
	struct edge_export_options o = { EDGE_LEVEL_TX, 0, 0, true, 2 };
	struct edge_export_stats s;
	const char *why = NULL;
	(void)state;

	assert_true(export(EDGE_LEVEL_TX, 0, 0, true, &s, &why));
	assert_false(edge_export(index_store(idx), NETWORK_REGTEST, out_dir, &o, &s,
				 NULL, NULL, &why));
	assert_non_null(strstr(why, "already exists"));
	assert_false(export(EDGE_LEVEL_TX, N_BLK, 0, true, &s, &why));
	assert_non_null(strstr(why, "--from 4 is above"));
	assert_false(export(EDGE_LEVEL_TX, 0, N_BLK, false, &s, &why));
	assert_non_null(strstr(why, "--to 4 is above the index tip 3"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tx_level),
		cmocka_unit_test(test_tx_values),
		cmocka_unit_test(test_address_level),
		cmocka_unit_test(test_range),
		cmocka_unit_test(test_refused),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
