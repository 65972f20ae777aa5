/* Internal to tracer/cmd_cluster*.c: the parsed arguments and helpers
 * shared by the cluster subcommands. */
#ifndef PROCEEDS_TRACER_CMD_CLUSTER_INT_H
#define PROCEEDS_TRACER_CMD_CLUSTER_INT_H

#include "proceeds/cli.h"
#include "proceeds/cluster.h"
#include "proceeds/store.h"

#include <jansson.h>

struct cl_args {
	struct cluster_options opt;
	const char *label, *category;
	unsigned long long limit;   /* history entries for show */
	bool all;                   /* export --all */
	bool possible_only;         /* mixes --possible */
	const char *ops[2];
	int n_ops;
};

/* One line naming the heuristics of a clustering. */
void cluster_cli_describe(char *out, size_t n, const struct cluster_meta *m);
/* The same as a new JSON object. */
json_t *cluster_cli_heuristics_json(const struct cluster_meta *m);
/* Prints and releases j. */
void cluster_cli_print_json(json_t *j);
/* The stored state; prints an error (false) when none. */
bool cluster_cli_meta(struct store *st, struct cluster_meta *m, const char *what);
/* ADDR|ID to an address id; prints an error (false) when unknown. */
bool cluster_cli_resolve(struct cli_common *c, struct store *st, uint64_t *id,
			 const char *arg, const char *what);
/* One refused merge as a table line. */
void cluster_cli_refusal(struct cli_common *c, struct store *st,
			 const struct cluster_refusal *r);

int run_show(struct cli_common *c, struct store *st, struct cl_args *a);
int run_export(struct cli_common *c, struct store *st, struct cl_args *a);
/* export --all (cli/cmd_cluster_export.c). */
int run_export_all(struct cli_common *c, struct store *st, struct cl_args *a);
int run_list(struct cli_common *c, struct store *st, struct cl_args *a);
int run_why(struct cli_common *c, struct store *st, struct cl_args *a);
int run_refused(struct cli_common *c, struct store *st);
/* mixes (cli/cmd_cluster_why.c). */
int run_mixes(struct cli_common *c, struct store *st, struct cl_args *a);
/* import, and why on an imported clustering, else run_why
 * (cli/cmd_cluster_import.c). */
int run_import(struct cli_common *c, struct store *st, struct cl_args *a);
int run_why_checked(struct cli_common *c, struct store *st, struct cl_args *a);

#endif
