/* proceeds cluster export --all: every address of the index with its
 * cluster id, streamed as CSV or JSON Lines (docs/cluster-export.md). */
#include "proceeds/fileio.h"
#include "proceeds/cluster_export.h"
#include "proceeds/hash.h"
#include "proceeds/index_query.h"
#include "proceeds/store.h"
#include "cmd_cluster_int.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* Resident table pages allowed while streaming (store_set_map_budget). */
#define EXPORT_MAP_BUDGET ((size_t)64 << 20)

/* Whether the clustered tip is no longer the index's (a reorg since the
 * build, which the next build undoes). */
static bool reorged(struct store *st, const struct cluster_meta *m,
		    const struct idx_tip *tip)
{
	struct idx_block blk;
	const char *why;
	bool found;

	if (m->n_addr > tip->next_addr || m->next_txnum > tip->next_txnum)
		return true;
	if (!m->has_tip || !idxq_block_at(st, &blk, &found, m->tip_height, &why))
		return false;
	return !found || !hash256_eq(&blk.hash, &m->tip_hash);
}

/* Says what the rows are built from, and how far the index has moved on
 * since the last build (rows beyond it are their own clusters). */
static void describe(struct cli_common *c, struct store *st,
		     const struct cluster_meta *m, const struct idx_tip *tip)
{
	char h[160];
	uint64_t beyond = tip->next_addr > m->n_addr ? tip->next_addr - m->n_addr : 0;

	cluster_cli_describe(h, sizeof(h), m);
	cli_warn(c, "all %llu addresses, heuristics: %s",
		 (unsigned long long)tip->next_addr, h);
	if (reorged(st, m, tip))
		cli_warn(c, "the index no longer holds the clustered tip (a reorg): "
			 "cluster ids may be stale (run proceeds cluster build)");
	else if (beyond > 0 || tip->next_txnum > m->next_txnum)
		cli_warn(c, "the clustering is older than the index (%llu of %llu "
			 "txs, height %u of %u): %llu address%s beyond it exported "
			 "as their own clusters (run proceeds cluster build)",
			 (unsigned long long)m->next_txnum,
			 (unsigned long long)tip->next_txnum, m->tip_height,
			 tip->height, (unsigned long long)beyond, beyond == 1 ? "" : "es");
}

/* Letters, digits and ':' need no CSV quoting: true of every address
 * and "script:<hex>", and much cheaper to print than fileio_csv_cell's
 * character by character (half the run time of a million rows). */
static bool csv_plain(const char *s)
{
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == ':'))
			return false;
	return true;
}

/* The same alphabet makes the JSON string need no escaping. */
static void print_row(enum cli_format f, const struct cluster_export_row *r)
{
	bool plain = csv_plain(r->address);

	if (f == CLI_JSON) {
		assert(plain);
		printf("{\"address\": \"%s\", \"cluster_id\": %llu}\n", r->address,
		       (unsigned long long)r->root);
		return;
	}
	if (plain)
		fputs(r->address, stdout);
	else
		fileio_csv_cell(stdout, r->address);
	printf(",%llu\n", (unsigned long long)r->root);
}

/* Every row to stdout; a write error (closed stdout, full disk) stops
 * the stream and is reported. */
static int stream(struct cli_common *c, struct cluster_export *x)
{
	struct cluster_export_row r;
	const char *why;
	bool done = false;
	int err = 0;

	if (c->format == CLI_CSV)
		fputs("address,cluster_id\n", stdout);
	while (!err) {
		if (!cluster_export_next(x, &r, &done, &why))
			return cli_error("cluster export", "%s", why);
		if (done)
			break;
		print_row(c->format, &r);
		if (ferror(stdout))
			err = errno ? errno : EIO;
	}
	if (!err && fflush(stdout) != 0)
		err = errno ? errno : EIO;
	if (err || ferror(stdout))
		return cli_error("cluster export", "writing the output: %s",
				 strerror(err ? err : EIO));
	return CLI_OK;
}

int run_export_all(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_meta m;
	struct cluster_export *x;
	const char *why;

	if (a->n_ops > 0)
		return cli_error("cluster export", "give ADDR|ID or --all, not both");
	if (c->format == CLI_TABLE)
		return cli_error("cluster export", "give --csv or --json");
	if (!cluster_cli_meta(st, &m, "cluster export"))
		return CLI_FAIL;
	if (!cluster_export_new(&x, st, c->net, true, &why))
		return cli_error("cluster export", "%s", why);
	describe(c, st, &m, cluster_export_tip(x));
	/* Each table page is read once: keeping them mapped in (the store's
	 * default budget) would only grow the RSS with the index. */
	store_set_map_budget(st, EXPORT_MAP_BUDGET);
	errno = 0;
	int rc = stream(c, x);
	cluster_export_free(x);
	return rc;
}
