/* proceeds cluster import FILE: a cluster map computed elsewhere replaces
 * the stored clustering; and `cluster why` on an imported clustering,
 * which has no merge records to show. */
#include "proceeds/cluster_import.h"
#include "proceeds/cluster_query.h"
#include "cmd_cluster_int.h"

#include <stdio.h>
#include <string.h>

static void import_report(const struct cli_common *c, const char *file,
			  const struct cluster_import_stats *s)
{
	if (c->format == CLI_JSON) {
		cluster_cli_print_json(json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I}",
			"file", file, "rows", (json_int_t)s->rows,
			"addresses", (json_int_t)s->addresses,
			"missing", (json_int_t)s->missing,
			"rows_in_id_order", (json_int_t)s->in_order,
			"clusters", (json_int_t)s->clusters,
			"labelled_clusters", (json_int_t)s->labelled_clusters));
		return;
	}
	printf("imported      %s: %llu rows for %llu addresses\n", file,
	       (unsigned long long)s->rows, (unsigned long long)s->addresses);
	printf("clusters      %llu, %llu labelled\n", (unsigned long long)s->clusters,
	       (unsigned long long)s->labelled_clusters);
	printf("missing       %llu addresses not in the file (their own cluster)\n",
	       (unsigned long long)s->missing);
}

int run_import(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_import_stats s;
	const char *why;

	if (a->n_ops != 1)
		return cli_error("cluster import", "give one FILE (address,cluster_id "
				 "CSV, as cluster export --all --csv writes it)");
	if (c->format == CLI_CSV)
		return cli_error("cluster import", "--csv: the summary is a table or --json");
	if (!cluster_import(st, &s, c->net, a->ops[0], &why))
		return cli_error("cluster import", "%s (nothing stored)", why);
	if (s.missing)
		cli_warn(c, "%llu of %llu addresses of the index are not in %s: each "
			 "is its own cluster", (unsigned long long)s.missing,
			 (unsigned long long)s.addresses, a->ops[0]);
	cli_warn(c, "the clustering is now the imported map: cluster why has no "
		 "per-transaction evidence for it, and cluster build rebuilds from "
		 "the chain");
	import_report(c, a->ops[0], &s);
	return CLI_OK;
}

/* Imported: whether the two addresses share a cluster, and that no
 * transaction says why. */
static int why_imported(struct cli_common *c, struct store *st,
			struct cl_args *a, const struct cluster_import_info *info)
{
	uint64_t x, y, rx, ry;
	const char *why;

	if (a->n_ops != 2)
		return cli_error("cluster why", "give two addresses");
	if (!cluster_cli_resolve(c, st, &x, a->ops[0], "cluster why") ||
	    !cluster_cli_resolve(c, st, &y, a->ops[1], "cluster why"))
		return CLI_FAIL;
	if (!cluster_root(st, &rx, x, &why) || !cluster_root(st, &ry, y, &why))
		return cli_error("cluster why", "%s", why);
	if (c->format == CLI_JSON)
		cluster_cli_print_json(json_pack("{s:b, s:s, s:s, s:I, s:I, s:[]}",
			"linked", rx == ry, "imported_from", info->file,
			"evidence", "none: imported from a cluster map, no per-transaction evidence",
			"cluster_a", (json_int_t)rx, "cluster_b", (json_int_t)ry, "path"));
	else if (rx == ry)
		printf("linked: %s and %s are in cluster %llu: imported from %s, no "
		       "per-transaction evidence\n", a->ops[0], a->ops[1],
		       (unsigned long long)rx, info->file);
	else
		printf("not linked: %s and %s are in different clusters (imported "
		       "from %s)\n", a->ops[0], a->ops[1], info->file);
	return rx == ry ? CLI_OK : CLI_NEGATIVE;
}

int run_why_checked(struct cli_common *c, struct store *st, struct cl_args *a)
{
	struct cluster_import_info info;
	struct cluster_meta m;
	const char *why;

	if (!cluster_cli_meta(st, &m, "cluster why"))
		return CLI_FAIL;
	if (!m.imported)
		return run_why(c, st, a);
	if (!cluster_import_info(st, &info, &why))
		return cli_error("cluster why", "%s", why);
	if (!info.imported)
		snprintf(info.file, sizeof(info.file), "a cluster map");
	return why_imported(c, st, a, &info);
}
