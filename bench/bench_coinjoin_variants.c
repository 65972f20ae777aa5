/* CoinJoin detection and clustering on the simulator's variant matrix.
 *
 * Usage: bench_coinjoin_variants DIR...   where each DIR holds a
 * `proceeds simulate --mix-variants` truth.json and db/ (indexed, tags
 * imported). The clustering is rebuilt with the defaults, then for every
 * truth row of "mix_variants" (every mix kind x script type, and the
 * look-alikes that are one owner's) the verdict the build reached is
 * tallied: detection recall (verdict "mix") for mixes, false positives
 * ("mix") and possible mixes for look-alikes. Per DIR (one network): the
 * non-exchange pairwise precision of the clustering (address pairs in one
 * cluster, both owned by non-exchanges, that have one owner) and the
 * clusters holding two exchanges. Also the economy's own CoinJoins and
 * PayJoins. With COINJOIN_VARIANT_STORED set, the stored clustering is
 * measured as it is (another build's, e.g. an older proceeds) instead of
 * rebuilt: its precision is what counts then (the verdicts are judged
 * anew). Run by bench/bench_coinjoin_variants.sh; only benchmarks and
 * tests read the truth. */
#include "proceeds/cluster.h"
#include "proceeds/coinjoin_idx.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "../tests/helper_truth.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CELLS 256

struct cell {
	char variant[32], type[16];
	bool lookalike;
	uint64_t n, mix, possible;
};

static struct cell cells[MAX_CELLS];
static size_t n_cells;

static struct cell *cell_of(const char *variant, const char *type, bool lookalike)
{
	for (size_t i = 0; i < n_cells; i++)
		if (strcmp(cells[i].variant, variant) == 0 && strcmp(cells[i].type, type) == 0)
			return &cells[i];
	if (n_cells == MAX_CELLS)
		truth_die("variants", "too many cells");
	struct cell *c = &cells[n_cells++];
	snprintf(c->variant, sizeof(c->variant), "%s", variant);
	snprintf(c->type, sizeof(c->type), "%s", type);
	c->lookalike = lookalike;
	return c;
}

/* The verdict the build reached on txid (0: not in the index). */
static int verdict_of(struct store *st, enum network net, const char *hex,
		      enum coinjoin_verdict *v)
{
	struct hash256 txid;
	struct idx_tx tx;
	struct coinjoin_result r;
	enum coinjoin_basis basis;
	uint64_t nums[4];
	size_t n;
	bool found;
	const char *why = NULL;

	if (!hash256_from_hex(&txid, hex, &why) || !idxq_txnums(st, nums, 4, &n, &txid, &why))
		truth_die(hex, why ? why : "bad txid");
	if (n == 0)
		return 0;
	if (!idxq_tx(st, &tx, &found, nums[n - 1], &why) || !found)
		truth_die(hex, why ? why : "tx record missing");
	if (!coinjoin_idx_verdict(&r, &basis, st, &tx, net, &why))
		truth_die(hex, why);
	idx_tx_release(&tx);
	*v = r.verdict;
	return 1;
}

static void tally_variants(struct store *st, enum network net, const json_t *rows)
{
	const json_t *row;
	size_t i;

	json_array_foreach(rows, i, row) {
		const char *txid = json_string_value(json_object_get(row, "txid"));
		const char *variant = json_string_value(json_object_get(row, "variant"));
		const char *type = json_string_value(json_object_get(row, "script_type"));
		enum coinjoin_verdict v;
		if (!txid || !variant || !type)
			truth_die("mix_variants", "row without txid, variant or script_type");
		struct cell *c = cell_of(variant, type,
					 json_is_true(json_object_get(row, "lookalike")));
		if (!verdict_of(st, net, txid, &v))
			continue;
		c->n++;
		c->mix += v == COINJOIN_MIX;
		c->possible += v == COINJOIN_POSSIBLE;
	}
}

/* The economy's own joins: CoinJoins found as mixes, PayJoins as possible. */
static void tally_economy(struct store *st, enum network net, const json_t *doc)
{
	static const char *const lists[] = { "coinjoins", "payjoins" };

	for (int l = 0; l < 2; l++) {
		const json_t *row;
		size_t i;
		json_array_foreach(json_object_get(doc, lists[l]), i, row) {
			enum coinjoin_verdict v;
			const char *txid = json_string_value(json_object_get(row, "txid"));
			if (!txid || !verdict_of(st, net, txid, &v))
				continue;
			struct cell *c = cell_of(l ? "(economy) payjoin" : "(economy) coinjoin",
						 "any", false);
			c->n++;
			c->mix += v == COINJOIN_MIX;
			c->possible += v == COINJOIN_POSSIBLE;
		}
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

static double pairs(uint64_t n)
{
	return (double)n * (double)(n - (n > 0)) / 2.0;
}

/* Non-exchange pairwise precision and clusters holding two exchanges. */
static void precision(const struct truth *t, const uint32_t *root, double *prec,
		      uint64_t *exch_merges)
{
	uint64_t *cell = malloc((t->n_truth + 1) * sizeof(*cell)), m = 0;
	double tp = 0, all = 0;

	if (!cell)
		truth_die("pairs", "out of memory");
	for (uint64_t i = 0; i < t->n_addr; i++)
		if (t->ent[i] >= 0)
			cell[m++] = (uint64_t)root[i] << 32 | (uint32_t)t->ent[i];
	qsort(cell, m, sizeof(*cell), cmp_u64);
	*exch_merges = 0;
	for (uint64_t i = 0, j; i < m; i = j) {
		uint64_t n_non = 0, n_exch = 0;
		for (j = i; j < m && cell[j] >> 32 == cell[i] >> 32; j++)
			;
		for (uint64_t a = i, b; a < j; a = b) {
			for (b = a; b < j && cell[b] == cell[a]; b++)
				;
			bool exch = t->exchange[(uint32_t)cell[a]];
			n_exch += exch;
			n_non += exch ? 0 : b - a;
			tp += exch ? 0 : pairs(b - a);
		}
		all += pairs(n_non);
		*exch_merges += n_exch > 1;
	}
	*prec = all ? tp / all : 1.0;
	free(cell);
}

/* The same precision with every multi-input tx merged (no CoinJoin
 * skip): what the detector is measured against. */
static double naive_precision(struct store *st, const struct truth *t, enum network net)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	const char *why = NULL;
	uint64_t exch;
	double prec;

	cluster_options_default(&o);
	o.rebuild = true;
	o.coinjoin_skip = false;
	if (!cluster_build(st, &s, &o, net, NULL, NULL, &why))
		truth_die("cluster build", why);
	uint32_t *root = truth_roots(st, t->n_addr);
	precision(t, root, &prec, &exch);
	free(root);
	return prec;
}

/* The network of the run in dir (its truth's generator). */
static enum network truth_network(const char *dir)
{
	char path[4200];
	json_error_t err;
	enum network net;

	snprintf(path, sizeof(path), "%s/truth.json", dir);
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		truth_die(path, err.text);
	const char *name = json_string_value(json_object_get(json_object_get(j, "generator"),
							     "network"));
	if (!name || !network_from_name(&net, name))
		truth_die(path, "generator.network missing or unknown");
	json_decref(j);
	return net;
}

static void one_dir(const char *dir)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	struct index *idx;
	struct idx_tip tip;
	struct truth t;
	enum network net;
	json_t *doc;
	char db[4200];
	bool absent;
	double prec;
	uint64_t exch;
	const char *why = NULL;

	snprintf(db, sizeof(db), "%s/db", dir);
	net = truth_network(dir);
	if (!index_open_query(&idx, &absent, db, net, &why))
		truth_die(db, why);
	struct store *st = index_store(idx);
	if (!index_tip(idx, &tip))
		truth_die(db, "empty index");
	truth_load(&t, st, dir, tip.next_addr, &net, &doc);
	bool stored = getenv("COINJOIN_VARIANT_STORED") != NULL;
	double naive = stored ? 0 : naive_precision(st, &t, net);
	cluster_options_default(&o);
	o.rebuild = !stored;
	memset(&s, 0, sizeof(s));
	if (!stored && !cluster_build(st, &s, &o, net, NULL, NULL, &why))
		truth_die("cluster build", why);
	uint32_t *root = truth_roots(st, t.n_addr);
	precision(&t, root, &prec, &exch);
	printf("%s (%s): %llu mixes, %llu possible mixes; non-exchange pairwise "
	       "precision %.6f (naive multi-input %.6f); clusters with two exchanges "
	       "%llu\n", dir, network_params(net)->name, (unsigned long long)s.mixes,
	       (unsigned long long)s.possible, prec, naive, (unsigned long long)exch);
	tally_variants(st, net, json_object_get(doc, "mix_variants"));
	tally_economy(st, net, doc);
	free(root);
	json_decref(doc);
	truth_release(&t);
	index_close(idx);
}

static void print_table(void)
{
	printf("| variant | script type | n | mix | possible | not | detection recall / "
	       "false positives (mix) |\n|---|---|---:|---:|---:|---:|---:|\n");
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < n_cells; i++) {
			const struct cell *c = &cells[i];
			if (c->lookalike != (pass == 1))
				continue;
			printf("| %s%s | %s | %llu | %llu | %llu | %llu | %s %.4f |\n",
			       c->variant, c->lookalike ? " (look-alike)" : "", c->type,
			       (unsigned long long)c->n, (unsigned long long)c->mix,
			       (unsigned long long)c->possible,
			       (unsigned long long)(c->n - c->mix - c->possible),
			       c->lookalike ? "FP" : "recall",
			       c->n ? (double)c->mix / (double)c->n : 0.0);
		}
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		printf("bench_coinjoin_variants: driven by bench/bench_coinjoin_variants.sh "
		       "(usage: bench_coinjoin_variants SIMDIR...)\n");
		return 0;
	}
	for (int i = 1; i < argc; i++)
		one_dir(argv[i]);
	print_table();
	return 0;
}
