/* Clusters on real mainnet history (heights 0-4521): the multi-input
 * clusters equal those of an independent naive relabelling computed
 * straight from the parsed blocks with script_owner_key; block 496's
 * a3b0e9e7... joins its 3 input addresses and `why` names it;
 * incremental == full; a reorg rebuilds to the same state as a fresh
 * build. */
#include "proceeds/cluster.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "helper.h"
#include "helper_chain.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static uint8_t *file;
static size_t file_len;
static struct block *blocks;
static uint32_t n_blocks;

static int load_chain(void **state)
{
	char path[4096];
	const uint8_t *raw;
	size_t len, off = 0, cap = 0;
	const char *why;

	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return 0;
	if (!(file = helper_read_file(path, &file_len)))
		return -1;
	while (hc_blk_next(file, file_len, &off, &raw, &len)) {
		if (n_blocks == cap) {
			cap = cap ? cap * 2 : 1024;
			blocks = realloc(blocks, cap * sizeof(*blocks));
		}
		block_init(&blocks[n_blocks]);
		if (!block_parse(&blocks[n_blocks], raw, len, &why))
			return -1;
		n_blocks++;
	}
	return 0;
}

static int free_chain(void **state)
{
	(void)state;
	for (uint32_t i = 0; i < n_blocks; i++)
		block_release(&blocks[i]);
	free(blocks);
	free(file);
	return 0;
}

static struct index *index_upto(const char *dir, uint32_t from, uint32_t to,
				struct index *idx)
{
	struct index_options o = { .create = true };
	const char *why = NULL;
	if (!idx)
		assert_true(index_open(&idx, dir, NETWORK_MAIN, &o, &why));
	for (uint32_t h = from; h < to; h++)
		if (!index_connect_block(idx, &blocks[h], h, &why)) {
			fprintf(stderr, "block %u: %s\n", h, why);
			fail();
		}
	assert_true(index_flush(idx, true, &why));
	return idx;
}

static void build(struct store *st, bool skip, struct cluster_build_stats *s)
{
	struct cluster_options o;
	const char *why = NULL;
	cluster_options_default(&o);
	o.coinjoin_skip = skip;
	if (!cluster_build(st, s, &o, NETWORK_MAIN, NULL, NULL, &why)) {
		fprintf(stderr, "cluster_build: %s\n", why);
		fail();
	}
}

/* The naive method: owner keys numbered in a table, outputs found by a
 * linear search over earlier txs, sets relabelled in full on every join. */
struct naive {
	uint8_t (*key)[SCRIPT_KEY_MAX];
	size_t *klen;
	uint32_t *label;
	size_t n, cap;
};

static uint32_t key_num(struct naive *nv, const uint8_t *k, size_t kl)
{
	for (size_t i = nv->n; i-- > 0;)
		if (nv->klen[i] == kl && memcmp(nv->key[i], k, kl) == 0)
			return (uint32_t)i;
	if (nv->n == nv->cap) {
		nv->cap = nv->cap ? nv->cap * 2 : 1024;
		nv->key = realloc(nv->key, nv->cap * sizeof(*nv->key));
		nv->klen = realloc(nv->klen, nv->cap * sizeof(*nv->klen));
		nv->label = realloc(nv->label, nv->cap * sizeof(*nv->label));
	}
	memcpy(nv->key[nv->n], k, kl);
	nv->klen[nv->n] = kl;
	nv->label[nv->n] = (uint32_t)nv->n;
	return (uint32_t)nv->n++;
}

static const struct tx_out *find_out(const struct hash256 *txid, uint32_t vout)
{
	for (uint32_t h = 0; h < n_blocks; h++)
		for (uint32_t t = 0; t < blocks[h].n_tx; t++)
			if (hash256_eq(&blocks[h].txs[t].txid, txid))
				return vout < blocks[h].txs[t].n_out ? &blocks[h].txs[t].out[vout] : NULL;
	return NULL;
}

static void naive_join(struct naive *nv, uint32_t a, uint32_t b)
{
	uint32_t la = nv->label[a], lb = nv->label[b];
	if (la == lb)
		return;
	for (size_t i = 0; i < nv->n; i++)
		if (nv->label[i] == lb)
			nv->label[i] = la;
}

static unsigned naive_run(struct naive *nv)
{
	uint8_t k[SCRIPT_KEY_MAX];
	unsigned multi = 0;

	for (uint32_t h = 0; h < n_blocks; h++)
		for (uint32_t t = 0; t < blocks[h].n_tx; t++) {
			const struct tx *tx = &blocks[h].txs[t];
			for (uint32_t o = 0; o < tx->n_out; o++)
				key_num(nv, k, script_owner_key(k, tx->out[o].script, tx->out[o].script_len));
			if (tx_is_coinbase(tx) || tx->n_in < 2)
				continue;
			multi++;
			uint32_t first = 0;
			for (uint32_t i = 0; i < tx->n_in; i++) {
				const struct tx_out *po = find_out(&tx->in[i].prev_txid, tx->in[i].prev_vout);
				assert_non_null(po);
				uint32_t kn = key_num(nv, k, script_owner_key(k, po->script, po->script_len));
				if (i == 0)
					first = kn;
				else
					naive_join(nv, first, kn);
			}
		}
	return multi;
}

/* Every key's cluster root equals the smallest address id of its naive
 * set. Returns the number of keys in sets of two or more. */
static unsigned compare(struct store *st, struct naive *nv)
{
	uint64_t *id = malloc(nv->n * sizeof(*id)), *min = malloc(nv->n * sizeof(*min));
	unsigned joined = 0;
	const char *why;
	bool found;

	for (size_t i = 0; i < nv->n; i++) {
		assert_true(idxq_addr_id(st, &id[i], &found, nv->key[i], nv->klen[i], &why));
		assert_true(found);
		min[i] = UINT64_MAX;
	}
	for (size_t i = 0; i < nv->n; i++)
		if (id[i] < min[nv->label[i]])
			min[nv->label[i]] = id[i];
	for (size_t i = 0; i < nv->n; i++) {
		uint64_t root;
		assert_true(cluster_root(st, &root, id[i], &why));
		assert_int_equal(root, min[nv->label[i]]);
		joined += root != id[i] || nv->label[i] != i;
	}
	free(id);
	free(min);
	return joined;
}

static void test_naive_equal(void **state)
{
	struct naive nv = { 0 };
	struct cluster_build_stats s;
	char dir[256];

	(void)state;
	if (!n_blocks)
		return;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	struct index *idx = index_upto(dir, 0, n_blocks, NULL);
	unsigned multi = naive_run(&nv);
	assert_int_equal(multi, 32);  /* ../shared/README.md: 32 multi-input txs */
	build(index_store(idx), false, &s);
	assert_true(s.rebuilt);
	assert_int_equal(s.coinjoin_skipped, 0);
	unsigned joined = compare(index_store(idx), &nv);
	assert_true(joined > 32);
	/* with CoinJoin skipping on: nothing of 2009-2010 is a CoinJoin */
	build(index_store(idx), true, &s);
	assert_true(s.rebuilt);
	assert_int_equal(s.coinjoin_skipped, 0);
	assert_int_equal(compare(index_store(idx), &nv), joined);
	index_close(idx);
	helper_rm_rf(dir);
	free(nv.key);
	free(nv.klen);
	free(nv.label);
}

/* Address ids of the inputs of txid (display hex). */
static size_t input_ids(struct store *st, uint64_t *ids, size_t max,
			struct hash256 *txid_out, const char *hex)
{
	struct hash256 txid;
	uint64_t txnum;
	size_t total;
	struct idx_tx tx;
	bool found;
	const char *why;

	assert_true(hash256_from_hex(&txid, hex, &why));
	assert_true(idxq_txnums(st, &txnum, 1, &total, &txid, &why));
	assert_int_equal(total, 1);
	assert_true(idxq_tx(st, &tx, &found, txnum, &why));
	assert_true(found);
	assert_true(tx.n_in <= max);
	for (uint32_t i = 0; i < tx.n_in; i++)
		ids[i] = tx.in[i].addr;
	size_t n = tx.n_in;
	*txid_out = txid;
	idx_tx_release(&tx);
	return n;
}

static void test_block496_why(void **state)
{
	struct cluster_build_stats s;
	struct cluster_step *steps;
	struct hash256 txid, got;
	uint64_t ids[8] = { 0 }, r0, r;
	size_t n, nst;
	bool linked;
	char dir[256];
	const char *why;

	(void)state;
	if (!n_blocks)
		return;
	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	struct index *idx = index_upto(dir, 0, 600, NULL);
	struct store *st = index_store(idx);
	build(st, true, &s);
	n = input_ids(st, ids, 8, &txid,
		      "a3b0e9e7cddbbe78270fa4182a7675ff00b92872d8df7d14265a2b1e379a9d33");
	assert_int_equal(n, 3);
	assert_true(cluster_root(st, &r0, ids[0], &why));
	for (size_t i = 1; i < n; i++) {
		assert_true(ids[i] != ids[0]);
		assert_true(cluster_root(st, &r, ids[i], &why));
		assert_int_equal(r, r0);
		assert_true(cluster_why(st, &steps, &nst, &linked, ids[0], ids[i], 0, &why));
		assert_true(linked);
		assert_true(nst >= 1);
		/* every step is a recorded merge of that tx or an earlier one,
		 * and the path really links the two ends */
		assert_int_equal(steps[0].from, ids[0]);
		assert_int_equal(steps[nst - 1].to, ids[i]);
		for (size_t j = 1; j < nst; j++)
			assert_int_equal(steps[j].from, steps[j - 1].to);
		struct idx_tx tx;
		bool found;
		assert_true(idxq_tx(st, &tx, &found, steps[nst - 1].txnum, &why));
		got = tx.txid;
		idx_tx_release(&tx);
		assert_int_equal(steps[nst - 1].heuristic, CLUSTER_H_MULTI_INPUT);
		if (nst == 1)
			assert_memory_equal(got.b, txid.b, 32);
		free(steps);
	}
	/* an unrelated address (the genesis coinbase's) is not linked */
	assert_true(cluster_why(st, &steps, &nst, &linked, 0, ids[0], 0, &why));
	assert_false(linked);
	free(steps);
	index_close(idx);
	helper_rm_rf(dir);
}

/* Every 'C' record of st except the state record, concatenated. */
static uint8_t *dump_c(struct store *st, size_t *len)
{
	uint8_t pre = CLUSTER_PREFIX, *out = NULL;
	const uint8_t *k, *v;
	size_t kl, vl;
	struct store_iter *it = store_iter_new(st, &pre, 1, NULL, 0);

	*len = 0;
	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		if (kl == 2 && k[1] == CLUSTER_K_META)
			continue;
		out = realloc(out, *len + kl + vl + 8);
		memcpy(out + *len, &kl, 4);
		memcpy(out + *len + 4, &vl, 4);
		memcpy(out + *len + 8, k, kl);
		memcpy(out + *len + 8 + kl, v, vl);
		*len += kl + vl + 8;
	}
	assert_null(store_iter_error(it));
	store_iter_free(it);
	return out;
}

static void test_incremental_and_reorg(void **state)
{
	struct cluster_build_stats s;
	char full[256], inc[256];
	size_t lf, li;
	const char *why;

	(void)state;
	if (!n_blocks)
		return;
	snprintf(full, sizeof(full), "%s", helper_tmpdir());
	struct index *a = index_upto(full, 0, n_blocks, NULL);
	build(index_store(a), true, &s);
	uint8_t *df = dump_c(index_store(a), &lf);
	snprintf(inc, sizeof(inc), "%s", helper_tmpdir());
	struct index *b = index_upto(inc, 0, 2000, NULL);
	build(index_store(b), true, &s);
	assert_true(s.rebuilt);
	b = index_upto(inc, 2000, n_blocks, b);
	build(index_store(b), true, &s);
	assert_false(s.rebuilt);
	assert_true(s.txs > 0 && s.txs < 5000);
	uint8_t *di = dump_c(index_store(b), &li);
	assert_int_equal(lf, li);
	assert_memory_equal(df, di, lf);
	free(di);
	/* a reorg: the top 30 blocks go away; the clustering is rebuilt and
	 * equals a fresh build at that height */
	for (int i = 0; i < 30; i++)
		assert_true(index_disconnect_tip(b, &why));
	assert_true(index_reload(b, &why));
	build(index_store(b), true, &s);
	assert_true(s.rebuilt);
	assert_non_null(strstr(s.rebuild_reason, "reorg"));
	di = dump_c(index_store(b), &li);
	index_close(a);
	helper_rm_rf(full);
	a = index_upto(full, 0, n_blocks - 30, NULL);
	build(index_store(a), true, &s);
	free(df);
	df = dump_c(index_store(a), &lf);
	assert_int_equal(lf, li);
	assert_memory_equal(df, di, lf);
	free(df);
	free(di);
	index_close(a);
	index_close(b);
	helper_rm_rf(full);
	helper_rm_rf(inc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_naive_equal),
		cmocka_unit_test(test_block496_why),
		cmocka_unit_test(test_incremental_and_reorg),
	};
	return cmocka_run_group_tests(tests, load_chain, free_chain);
}
