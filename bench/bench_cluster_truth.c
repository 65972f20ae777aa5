/* Clustering error rates against the simulator's ground truth.
 *
 * Usage: bench_cluster_truth OUT.json DIR...   where each DIR holds a
 * `proceeds simulate` truth.json and db/ (indexed, tags.csv imported).
 * For each heuristic set the clustering is rebuilt and compared with the
 * truth's owner of every address: pairwise precision and recall, merges
 * that joined two owners, clusters mixing two exchanges, the largest
 * cluster, and the exchange deposit addresses attributed from the 10%
 * known tags (right, wrong, none) plus non-exchange addresses wrongly
 * labelled as an exchange. OUT.json holds the rates in the trace's
 * `error_rates` form. Only benchmarks and tests read the truth; the
 * analysis never does. Run by bench/bench_cluster_truth.sh. */
#include "proceeds/address.h"
#include "proceeds/cluster.h"
#include "proceeds/cursor.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/tagstore.h"
#include "../tests/helper_truth.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define N_SETS 4

static const char *set_name[N_SETS] = {
	"multi-input, CoinJoins skipped (default)",
	"multi-input, CoinJoins skipped, guard off",
	"multi-input, no CoinJoin skip",
	"multi-input + change",
};

static void set_options(struct cluster_options *o, int set)
{
	cluster_options_default(o);
	o->rebuild = true;
	o->guard = set != 1;
	o->coinjoin_skip = set != 2;
	o->change = set == 3;
}

/* Sums over every DIR for one heuristic set. */
struct figures {
	double tp, clustered, same_owner;    /* address pairs */
	uint64_t merges, false_merges, impure, exch_mixed, refused;
	uint64_t false_pj, false_cj;         /* false merges in PayJoins, CoinJoins */
	uint64_t largest, clusters;
	uint64_t deposits, dep_right, dep_wrong, dep_own_tag;
	uint64_t non_exch, non_exch_as_exch;
};

static void die(const char *what, const char *why)
{
	fprintf(stderr, "bench_cluster_truth: %s: %s\n", what, why);
	exit(2);
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

/* Pairwise figures, impure clusters and clusters mixing exchanges. */
static void pair_figures(struct figures *f, const struct truth *t,
			 const uint32_t *root)
{
	uint64_t *cell = malloc((t->n_truth + 1) * sizeof(*cell)), m = 0;
	uint64_t *per_ent = calloc(t->n_ent + 1, sizeof(*per_ent));

	if (!cell || !per_ent)
		die("pairs", "out of memory");
	for (uint64_t i = 0; i < t->n_addr; i++)
		if (t->ent[i] >= 0) {
			cell[m++] = (uint64_t)root[i] << 32 | (uint32_t)t->ent[i];
			per_ent[t->ent[i]]++;
		}
	qsort(cell, m, sizeof(*cell), cmp_u64);
	for (uint64_t i = 0, j; i < m; i = j) {
		uint64_t n_ents = 0, n_exch = 0;
		for (j = i; j < m && cell[j] >> 32 == cell[i] >> 32; j++)
			;
		f->clustered += pairs(j - i);
		for (uint64_t a = i, b; a < j; a = b) {
			for (b = a; b < j && cell[b] == cell[a]; b++)
				;
			f->tp += pairs(b - a);
			n_ents++;
			n_exch += t->exchange[(uint32_t)cell[a]];
		}
		f->impure += n_ents > 1;
		f->exch_mixed += n_exch > 1;
	}
	for (size_t e = 0; e < t->n_ent; e++)
		f->same_owner += pairs(per_ent[e]);
	free(cell);
	free(per_ent);
}

/* Whether the tx of a false merge is a PayJoin or a CoinJoin. */
static void false_merge_kind(struct figures *f, const struct truth *t,
			     struct store *st, uint64_t txnum, uint64_t wrong)
{
	struct idx_tx tx;
	bool found;
	const char *why = NULL;

	if (!idxq_tx(st, &tx, &found, txnum, &why) || !found)
		die("merge tx", why ? why : "missing");
	if (truth_has_txid(t->pj, t->n_pj, &tx.txid))
		f->false_pj += wrong;
	else if (truth_has_txid(t->cj, t->n_cj, &tx.txid))
		f->false_cj += wrong;
	idx_tx_release(&tx);
}

/* Recorded merges (C e) that joined two different owners. */
static void merge_figures(struct figures *f, const struct truth *t,
			  struct store *st)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_EDGE };
	const uint8_t *k, *v;
	size_t kl, vl;
	struct store_iter *it = store_iter_new(st, pre, 2, NULL, 0);

	while (store_iter_next(it, &k, &kl, &v, &vl)) {
		struct cursor c;
		uint64_t conf, n, b, a = idx_rd32(k + 2);
		cursor_init(&c, v, vl);
		if (!cursor_varint(&c, &conf) || !cursor_varint(&c, &n))
			die("merges", "damaged record");
		uint64_t wrong = 0;
		for (uint64_t i = 0; i < n && cursor_varint(&c, &b); i++) {
			f->merges++;
			wrong += a < t->n_addr && b < t->n_addr && t->ent[a] >= 0 &&
				 t->ent[b] >= 0 && t->ent[a] != t->ent[b];
		}
		f->false_merges += wrong;
		if (wrong)
			false_merge_kind(f, t, st, idx_rd64(k + 6), wrong);
	}
	if (store_iter_error(it))
		die("merges", store_iter_error(it));
	store_iter_free(it);
}

static void size_figures(struct figures *f, const uint32_t *root, uint64_t n)
{
	uint32_t *count = calloc(n ? n : 1, sizeof(*count)), big = 0;

	if (!count)
		die("sizes", "out of memory");
	for (uint64_t i = 0; i < n; i++) {
		if (++count[root[i]] > big)
			big = count[root[i]];
		f->clusters += root[i] == i;
	}
	if (big > f->largest)
		f->largest = big;
	free(count);
}

/* Whether address id carries a tag itself (what attribution without
 * clusters would see). */
static bool own_tag(struct store *st, uint64_t id)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;
	struct tag_list l = { NULL, 0 };
	const char *why = NULL;

	if (!idxq_addr_key(st, key, &kl, &found, id, &why) || !found ||
	    !tag_store_for_owner(st, &l, key, kl, &why))
		die("tags", why ? why : "address id missing");
	bool any = l.n > 0;
	tag_list_free(&l);
	return any;
}

/* Deposit addresses attributed to their exchange through their cluster's
 * label, and other owners' addresses labelled as an exchange. */
static void label_figures(struct figures *f, const struct truth *t,
			  struct store *st)
{
	const char *why = NULL;

	for (uint64_t i = 0; i < t->n_addr; i++) {
		struct cluster_entity e;
		int32_t ent = t->ent[i];
		if (ent < 0 || (!t->deposit[i] && t->exchange[ent]))
			continue;
		if (!cluster_entity(st, i, &e, &why))
			die("entity", why);
		bool as_exch = e.labelled && e.category == TAG_CAT_EXCHANGE;
		if (!t->exchange[ent]) {
			f->non_exch++;
			f->non_exch_as_exch += as_exch;
			continue;
		}
		f->deposits++;
		f->dep_own_tag += own_tag(st, i);
		if (as_exch && strcasecmp(e.label, t->name[ent]) == 0) {
			f->dep_right++;
		} else if (e.labelled) {
			f->dep_wrong++;
		}
	}
}

static void one_set(struct figures *f, struct store *st,
		    const struct truth *t, enum network net, int set)
{
	struct cluster_options o;
	struct cluster_build_stats s;
	const char *why = NULL;

	set_options(&o, set);
	if (!cluster_build(st, &s, &o, net, NULL, NULL, &why))
		die("cluster build", why);
	f->refused += s.refused;
	uint32_t *root = truth_roots(st, t->n_addr);
	pair_figures(f, t, root);
	merge_figures(f, t, st);
	size_figures(f, root, t->n_addr);
	label_figures(f, t, st);
	free(root);
}

static void one_dir(struct figures *f, const char *dir)
{
	char db[4096];
	struct index *idx;
	struct truth t;
	struct idx_tip tip;
	enum network net = NETWORK_REGTEST;
	bool absent;
	const char *why = NULL;

	snprintf(db, sizeof(db), "%s/db", dir);
	if (!index_open_query(&idx, &absent, db, NETWORK_REGTEST, &why))
		die(db, why);
	struct store *st = index_store(idx);
	if (!index_tip(idx, &tip))
		die(db, "empty index");
	truth_load(&t, st, dir, tip.next_addr, &net, NULL);
	for (int set = 0; set < N_SETS; set++)
		one_set(&f[set], st, &t, net, set);
	truth_release(&t);
	index_close(idx);
}

static void figures_add(struct figures *f, const struct figures *d)
{
	f->tp += d->tp;
	f->clustered += d->clustered;
	f->same_owner += d->same_owner;
	f->merges += d->merges;
	f->false_merges += d->false_merges;
	f->false_pj += d->false_pj;
	f->false_cj += d->false_cj;
	f->impure += d->impure;
	f->exch_mixed += d->exch_mixed;
	f->refused += d->refused;
	f->largest = d->largest > f->largest ? d->largest : f->largest;
	f->clusters += d->clusters;
	f->deposits += d->deposits;
	f->dep_right += d->dep_right;
	f->dep_wrong += d->dep_wrong;
	f->dep_own_tag += d->dep_own_tag;
	f->non_exch += d->non_exch;
	f->non_exch_as_exch += d->non_exch_as_exch;
}

static void print_row(const struct figures *f, const char *name)
{
	printf("| %s | %.6f | %.4f | %llu of %llu (PayJoin %llu, CoinJoin %llu) | %llu | %llu | %llu | %llu | "
	       "%llu / %llu (%llu tagged themselves), %llu wrong | %llu of %llu |\n", name,
	       f->clustered ? f->tp / f->clustered : 1.0,
	       f->same_owner ? f->tp / f->same_owner : 0.0,
	       (unsigned long long)f->false_merges, (unsigned long long)f->merges,
	       (unsigned long long)f->false_pj, (unsigned long long)f->false_cj,
	       (unsigned long long)f->impure, (unsigned long long)f->exch_mixed,
	       (unsigned long long)f->refused, (unsigned long long)f->largest,
	       (unsigned long long)f->dep_right, (unsigned long long)f->deposits,
	       (unsigned long long)f->dep_own_tag, (unsigned long long)f->dep_wrong,
	       (unsigned long long)f->non_exch_as_exch, (unsigned long long)f->non_exch);
}

static json_t *rate(const char *heuristic, double errors, double trials,
		    const char *on)
{
	return json_pack("{s:s, s:I, s:I, s:s}", "heuristic", heuristic,
			 "errors", (json_int_t)errors, "trials", (json_int_t)trials,
			 "measured_on", on);
}

static void write_rates(const char *out, const struct figures *f, const char *on)
{
	json_t *a = json_array();
	char h[256];

	for (int set = 0; set < N_SETS; set++) {
		snprintf(h, sizeof(h), "clustering (%s): address pairs put in one "
			 "cluster that belong to different owners", set_name[set]);
		json_array_append_new(a, rate(h, f[set].clustered - f[set].tp,
					      f[set].clustered, on));
	}
	json_array_append_new(a, rate("exchange attribution by cluster label "
				      "(default clustering): deposit addresses labelled "
				      "with another entity", (double)f[0].dep_wrong,
				      (double)(f[0].dep_right + f[0].dep_wrong), on));
	json_array_append_new(a, rate("exchange attribution by cluster label "
				      "(default clustering): non-exchange addresses "
				      "labelled as an exchange", (double)f[0].non_exch_as_exch,
				      (double)f[0].non_exch, on));
	json_t *doc = json_pack("{s:s, s:o}", "format", "proceeds-error-rates/1",
				"error_rates", a);
	if (json_dump_file(doc, out, JSON_INDENT(2)) != 0)
		die(out, "cannot write");
	json_decref(doc);
}

int main(int argc, char **argv)
{
	struct figures f[N_SETS];
	const char *on = getenv("MEASURED_ON");

	if (argc < 3) {
		printf("bench_cluster_truth: driven by bench/bench_cluster_truth.sh "
		       "(usage: bench_cluster_truth OUT.json SIMDIR...)\n");
		return 0;
	}
	memset(f, 0, sizeof(f));
	for (int i = 2; i < argc; i++) {
		struct figures d[N_SETS];
		memset(d, 0, sizeof(d));
		one_dir(d, argv[i]);
		printf("%s: default set precision %.6f, recall %.4f, %llu merges joining "
		       "two owners, %llu clusters mixing exchanges\n", argv[i],
		       d[0].clustered ? d[0].tp / d[0].clustered : 1.0,
		       d[0].same_owner ? d[0].tp / d[0].same_owner : 0.0,
		       (unsigned long long)d[0].false_merges,
		       (unsigned long long)d[0].exch_mixed);
		for (int set = 0; set < N_SETS; set++)
			figures_add(&f[set], &d[set]);
	}
	printf("| heuristics | pairwise precision | pairwise recall | merges joining "
	       "two owners | impure clusters | clusters mixing exchanges | refused "
	       "by guard | largest cluster | deposits attributed right / all | "
	       "non-exchange addresses labelled exchange |\n");
	printf("|---|---:|---:|---:|---:|---:|---:|---:|---|---:|\n");
	for (int set = 0; set < N_SETS; set++)
		print_row(&f[set], set_name[set]);
	write_rates(argv[1], f, on ? on : "proceeds simulate (see bench/RESULTS.md)");
	return 0;
}
