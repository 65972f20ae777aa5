/* proceeds watchlist add|list|remove|stats: the addresses to screen. */
#include "proceeds/fileio.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/evkey.h"
#include "proceeds/hex.h"
#include "proceeds/watchload.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct add_opts {
	bool trust_unsigned;
	bool have_pubkey;
	uint8_t pubkey[32];
	const char *case_ref;
};

static struct store *open_db(struct cli_common *c, bool create)
{
	struct store_options o = { create, 8u << 20, 4u << 20, false };
	struct store *s;
	const char *why;
	if (!store_open(&s, cli_db_path(c), &o, &why)) {
		cli_error(cli_db_path(c), "%s", why);
		return NULL;
	}
	return s;
}

/* Verifies what path belongs to; sets l->signer. CLI_OK or an error. */
static int trust_path(struct watch_load *l, const struct add_opts *o, const char *path)
{
	char pkg[WATCH_PATH_MAX], rel[WATCH_PATH_MAX], problem[600];
	enum watch_pkg st;
	const char *why;

	if (!watch_find_package(pkg, rel, path)) {
		l->signer[0] = '\0';
		if (o->trust_unsigned)
			return CLI_OK;
		return cli_error(path, "refused: not signed (no MANIFEST.sig); check "
				 "where it came from, then pass --trust-unsigned");
	}
	if (!watch_verify_package(&st, l->signer, problem, sizeof(problem), pkg,
				  o->have_pubkey ? o->pubkey : NULL, &why))
		return cli_error(pkg, "cannot verify: %s", why);
	switch (st) {
	case WATCH_PKG_UNSIGNED:
		return cli_error(pkg, "refused: MANIFEST.sig vanished during the check");
	case WATCH_PKG_BAD:
		return cli_error(pkg, "refused: the signed package does not verify: %s",
				 problem);
	case WATCH_PKG_SIGNED:
		break;
	}
	if (*rel && !watch_package_lists(pkg, rel))
		return cli_error(path, "refused: not listed in the package's MANIFEST");
	return CLI_OK;
}

static int load_one(struct watch_load *l, const struct add_opts *o, const char *path)
{
	const char *why;
	char *buf;
	size_t len;
	struct stat st;
	bool ok;
	int rc = trust_path(l, o, path);

	if (rc != CLI_OK)
		return rc;
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		ok = watch_load_dir(l, path, &why);
	} else {
		if (!fileio_read(&buf, &len, path, (size_t)1 << 30, &why))
			return cli_error(path, "%s", why);
		ok = watch_load_buffer(l, path, buf, len, &why);
		free(buf);
	}
	return ok ? CLI_OK : cli_error(path, "%s", why);
}

static int parse_add(struct add_opts *o, const char **paths, int *n, int argc, char **argv)
{
	const char *v, *why;
	bool bad = false;
	for (int i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--trust-unsigned") == 0) {
			o->trust_unsigned = true;
		} else if (cli_opt_value(&o->case_ref, argc, argv, &i, "--case-ref", &bad)) {
			if (bad)
				return CLI_FAIL;
		} else if (cli_opt_value(&v, argc, argv, &i, "--pubkey", &bad)) {
			if (bad)
				return CLI_FAIL;
			if (!evkey_pubkey_parse(o->pubkey, v, &why))
				return cli_error("--pubkey", "%s", why);
			o->have_pubkey = true;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("watchlist add", "unknown option '%s'", argv[i]);
		} else {
			paths[(*n)++] = argv[i];
		}
	}
	if (*n == 0)
		return cli_error("watchlist add", "nothing to add (give a package, "
				 "freeze request, report, MISP event, OFAC list or CSV)");
	return CLI_OK;
}

/* The watchlist's network before anything is read: the one it records,
 * else --network (main by default); a new watchlist takes the network of
 * the first file that states one, unless --network is given. */
static int settle_network(struct cli_common *c, struct watch_load *l, bool *is_new)
{
	enum watch_net state;
	enum network net;
	const char *why;

	*is_new = false;
	if (!watch_network_probe(&state, &net, cli_db_path(c), &why))
		return cli_error(cli_db_path(c), "%s", why);
	switch (state) {
	case WATCH_NET_NEW:
		*is_new = true;
		l->net_open = !c->net_given;
		break;
	case WATCH_NET_RECORDED:
		if (c->net_given && net != c->net)
			return cli_error(cli_db_path(c), "the watchlist is for network "
					 "'%s', not '%s'", network_params(net)->name,
					 network_params(c->net)->name);
		l->net = net;
		break;
	case WATCH_NET_UNRECORDED:
		break;
	}
	return CLI_OK;
}

/* Writes what was loaded into the watchlist of l->net's database. */
static int commit_add(struct cli_common *c, struct watch_load *l, bool was_new)
{
	struct store *s;
	const char *why;
	int rc = CLI_OK;

	/* A new watchlist of the file's network lives in that network's
	 * database when --db is not given (~/.proceeds/<network>). */
	if (was_new)
		c->net = l->net;
	if (!(s = open_db(c, true)))
		return CLI_FAIL;
	if (!watch_load_commit(l, s, &why))
		rc = cli_error(cli_db_path(c), "%s", why);
	store_close(s);
	if (rc == CLI_OK && was_new && !c->quiet)
		fprintf(stderr, "proceeds: %s: a new watchlist, for network '%s'\n",
			cli_db_path(c), network_params(l->net)->name);
	return rc;
}

static int cmd_add(struct cli_common *c, int argc, char **argv)
{
	struct add_opts o = { false, false, {0}, NULL };
	struct watch_load l;
	const char **paths = calloc((size_t)argc, sizeof(*paths));
	int n = 0, rc;
	bool was_new = false;

	if (!paths)
		return cli_error("watchlist add", "out of memory");
	rc = parse_add(&o, paths, &n, argc, argv);
	watch_load_init(&l, c->net, o.case_ref);
	if (rc == CLI_OK)
		rc = settle_network(c, &l, &was_new);
	for (int i = 0; rc == CLI_OK && i < n; i++) {
		uint64_t before = l.added;
		rc = load_one(&l, &o, paths[i]);
		if (rc == CLI_OK && !c->quiet)
			fprintf(stderr, "proceeds: %s: %llu entr%s (%s)\n", paths[i],
				(unsigned long long)(l.added - before),
				l.added - before == 1 ? "y" : "ies",
				*l.signer ? "signature verified" : "unsigned, trusted");
	}
	if (rc == CLI_OK)
		rc = commit_add(c, &l, was_new);
	if (rc == CLI_OK && l.rejected)
		cli_warn(c, "%llu address%s rejected, e.g. %s",
			 (unsigned long long)l.rejected, l.rejected == 1 ? "" : "es",
			 l.first_reject);
	watch_load_release(&l);
	free(paths);
	return rc;
}

struct list_ctx {
	enum cli_format fmt;
	json_t *arr;
	uint64_t n, owners, removed;
	uint8_t last_owner[SCRIPT_KEY_MAX + 1];
	size_t last_len;
	json_t *per_case, *per_source;
	const char *case_ref;      /* remove: this case */
	char **addrs;              /* remove: these addresses */
	int n_addrs;
	struct store_batch *batch;
};

static bool list_one(void *arg, const struct watch_entry *e)
{
	struct list_ctx *x = arg;
	switch (x->fmt) {
	case CLI_JSON:
		json_array_append_new(x->arr, watch_entry_json(e));
		break;
	case CLI_CSV:
		watch_entry_csv(stdout, e);
		break;
	case CLI_TABLE:
		watch_entry_line(stdout, "", e);
		break;
	}
	x->n++;
	return true;
}

static int cmd_list(struct cli_common *c, struct store *s)
{
	struct list_ctx x = { .fmt = c->format, .arr = json_array() };
	const char *why;
	if (c->format == CLI_CSV)
		watch_csv_header(stdout);
	if (!watch_foreach(s, list_one, &x, &why)) {
		json_decref(x.arr);
		return cli_error("watchlist list", "%s", why);
	}
	if (c->format == CLI_JSON) {
		json_dumpf(x.arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(x.arr);
	return CLI_OK;
}

static void count(json_t *o, const char *key)
{
	json_object_set_new(o, key, json_integer(json_integer_value(json_object_get(o, key)) + 1));
}

static bool stats_one(void *arg, const struct watch_entry *e)
{
	struct list_ctx *x = arg;
	x->n++;
	if (e->owner_key_len != x->last_len ||
	    memcmp(e->owner_key, x->last_owner, e->owner_key_len) != 0) {
		x->owners++;
		memcpy(x->last_owner, e->owner_key, e->owner_key_len);
		x->last_len = e->owner_key_len;
	}
	count(x->per_case, e->case_ref);
	count(x->per_source, e->source);
	return true;
}

static int cmd_stats(struct cli_common *c, struct store *s)
{
	struct list_ctx x = { .per_case = json_object(), .per_source = json_object() };
	const char *why, *k;
	json_t *v;
	int rc = CLI_OK;
	if (!watch_foreach(s, stats_one, &x, &why)) {
		rc = cli_error("watchlist stats", "%s", why);
	} else if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:I, s:I, s:O, s:O}", "entries", (json_int_t)x.n,
				      "addresses", (json_int_t)x.owners, "cases",
				      x.per_case, "sources", x.per_source);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("entries    %llu\naddresses  %llu\n", (unsigned long long)x.n,
		       (unsigned long long)x.owners);
		json_object_foreach(x.per_case, k, v)
			printf("case       %s: %lld\n", k, (long long)json_integer_value(v));
		json_object_foreach(x.per_source, k, v)
			printf("source     %s: %lld\n", k, (long long)json_integer_value(v));
	}
	json_decref(x.per_case);
	json_decref(x.per_source);
	return rc;
}

static bool remove_one(void *arg, const struct watch_entry *e)
{
	struct list_ctx *x = arg;
	bool hit = x->case_ref && strcmp(x->case_ref, e->case_ref) == 0;
	for (int i = 0; !hit && i < x->n_addrs; i++)
		hit = strcmp(x->addrs[i], e->address) == 0;
	if (hit) {
		uint8_t key[WATCH_KEY_MAX];
		store_batch_delete(x->batch, key, watch_key(key, e));
		x->removed++;
	}
	return true;
}

static int cmd_remove(struct cli_common *c, struct store *s, int argc, char **argv)
{
	struct list_ctx x = { .addrs = argv + 2, .batch = store_batch_new() };
	const char *why;
	bool bad = false;
	int rc = CLI_OK;
	for (int i = 2; i < argc; i++) {
		if (cli_opt_value(&x.case_ref, argc, argv, &i, "--case-ref", &bad)) {
			if (bad)
				rc = CLI_FAIL;
		} else {
			argv[2 + x.n_addrs++] = argv[i];
		}
	}
	if (rc == CLI_OK && !x.case_ref && x.n_addrs == 0)
		rc = cli_error("watchlist remove", "give addresses or --case-ref R");
	if (rc == CLI_OK && (!watch_foreach(s, remove_one, &x, &why) ||
			     !store_write(s, x.batch, true, &why)))
		rc = cli_error("watchlist remove", "%s", why);
	if (rc == CLI_OK)
		printf("removed %llu entr%s\n", (unsigned long long)x.removed,
		       x.removed == 1 ? "y" : "ies");
	store_batch_free(x.batch);
	if (rc == CLI_OK && x.removed == 0)
		rc = CLI_NEGATIVE;
	return rc;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct store *s;
	int rc;
	if (argc < 2)
		return cli_error("watchlist", "add, list, remove or stats?");
	if (strcmp(argv[1], "add") == 0)
		return cmd_add(c, argc, argv);
	if (strcmp(argv[1], "list") && strcmp(argv[1], "stats") && strcmp(argv[1], "remove"))
		return cli_error("watchlist", "unknown subcommand '%s'", argv[1]);
	if ((strcmp(argv[1], "remove") != 0 && argc > 2))
		return cli_error("watchlist", "unexpected argument '%s'", argv[2]);
	if (!(s = open_db(c, false)))
		return CLI_FAIL;
	if (strcmp(argv[1], "list") == 0)
		rc = cmd_list(c, s);
	else if (strcmp(argv[1], "stats") == 0)
		rc = cmd_stats(c, s);
	else
		rc = cmd_remove(c, s, argc, argv);
	store_close(s);
	return rc;
}

const struct cli_command cmd_watchlist = {
	"watchlist", run, "the addresses to screen deposits against (proceeds check)",
	"proceeds watchlist add PATH... [--trust-unsigned] [--pubkey PK] [--case-ref R]\n"
	"proceeds watchlist list [--json|--csv]\n"
	"proceeds watchlist remove ADDR... | --case-ref R\n"
	"proceeds watchlist stats [--json]\n"
	"  add PATH        an evidence package directory (its freeze requests, else\n"
	"                  report.json, trace.json, exits.csv or misp-event.json), a\n"
	"                  freeze request, report or trace JSON, a MISP event, an OFAC\n"
	"                  list or a tag CSV. A signed package (MANIFEST.sig) is\n"
	"                  verified first and refused if anything does not match.\n"
	"                  The watchlist has one network: a new one (no database\n"
	"                  yet, or an empty one) takes it from the first file that\n"
	"                  states one (freeze request, report, trace) unless\n"
	"                  --network is given, and records it; without --db it\n"
	"                  then lives in ~/.proceeds/<that network>. A file of\n"
	"                  another network than the watchlist's is refused.\n"
	"  --trust-unsigned  accept input that carries no signature\n"
	"  --pubkey PK     accept only packages signed by this key (64 hex)\n"
	"  --case-ref R    the case of entries whose file names none\n"
	"  remove          delete the entries of these addresses or of one case\n"
	"The watchlist lives in --db under key prefix 'W', with its network; no\n"
	"chain index is needed. Format: docs/sharing.md.\n",
};
