/* proceeds check: screen addresses (deposits) against the watchlist. */
#include "proceeds/fileio.h"
#include "proceeds/cli.h"
#include "proceeds/why.h"
#include "proceeds/commands.h"
#include "proceeds/tagcsv.h"
#include "proceeds/watchlist.h"

#include <ctype.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct check_run {
	struct cli_common *c;
	struct store *s;
	struct watch_set set;
	json_t *matches;          /* --json */
	uint64_t checked, matched, invalid;
	const char *current;      /* the address being reported */
	char first_invalid[200];
	bool failed;
};

static bool print_match(void *arg, const struct watch_entry *e)
{
	struct check_run *r = arg;
	r->matched++;
	switch (r->c->format) {
	case CLI_JSON: {
		json_t *j = watch_entry_json(e);
		json_object_set_new(j, "checked", json_string(r->current));
		json_array_append_new(r->matches, j);
		break;
	}
	case CLI_CSV:
		watch_entry_csv(stdout, e);
		break;
	case CLI_TABLE:
		watch_entry_line(stdout, "MATCH  ", e);
		break;
	}
	return true;
}

/* Screens one address as typed (surrounding blanks ignored). */
static void check_one(struct check_run *r, const char *typed)
{
	struct watch_entry e;
	char addr[ADDRESS_MAX];
	const char *why;
	size_t n;
	while (isspace((unsigned char)*typed))
		typed++;
	n = strlen(typed);
	while (n && isspace((unsigned char)typed[n - 1]))
		n--;
	if (n == 0 || typed[0] == '#')
		return;
	r->checked++;
	if (n >= sizeof(addr) || (snprintf(addr, sizeof(addr), "%.*s", (int)n, typed),
				  !watch_entry_init(&e, r->c->net, addr, &why))) {
		if (r->invalid++ == 0)
			snprintf(r->first_invalid, sizeof(r->first_invalid), "'%.*s': %s",
				 (int)(n < 100 ? n : 100), typed,
				 n >= sizeof(addr) ? "too long for an address" : why);
		return;
	}
	if (!watch_set_has(&r->set, e.owner_key, e.owner_key_len))
		return;
	r->current = addr;
	if (!watch_lookup(r->s, e.owner_key, e.owner_key_len, print_match, r, &why)) {
		cli_error("check", "%s", why);
		r->failed = true;
	}
}

/* The column holding addresses: one named "address" in a header, else
 * the first. *header: the first record is that header. */
static size_t address_column(const struct tagcsv_reader *rd, bool *header)
{
	*header = false;
	for (size_t i = 0; i < rd->n_fields; i++) {
		if (strcasecmp(rd->field[i], "address") == 0) {
			*header = true;
			return i;
		}
	}
	return 0;
}

static bool check_csv(struct check_run *r, const char *buf, size_t len, const char **why)
{
	struct tagcsv_reader rd;
	bool have, header, ok;
	size_t col = 0;
	tagcsv_reader_init(&rd, buf, len);
	for (unsigned long rec = 0; (ok = tagcsv_next(&rd, &have, why)) && have; rec++) {
		if (rec == 0) {
			col = address_column(&rd, &header);
			if (header)
				continue;
		}
		if (col < rd.n_fields)
			check_one(r, rd.field[col]);
	}
	tagcsv_reader_release(&rd);
	return ok;
}

static int parse_args(const char **file, int *n_addr, int argc, char **argv)
{
	bool bad = false;
	*n_addr = 0;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(file, argc, argv, &i, "--file", &bad)) {
			if (bad)
				return CLI_FAIL;
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return cli_error("check", "unknown option '%s'", argv[i]);
		} else {
			argv[1 + (*n_addr)++] = argv[i];
		}
	}
	return CLI_OK;
}

/* Addresses are read on the watchlist's recorded network unless
 * --network says otherwise, which must then be the same. */
static bool take_network(struct check_run *r, const char **why)
{
	enum watch_net state;
	enum network net;

	if (!watch_network_get(&state, &net, r->s, why))
		return false;
	if (state != WATCH_NET_RECORDED)
		return true;
	if (r->c->net_given && net != r->c->net) {
		static char buf[128];
		*why = why_fmt(buf, sizeof(buf), "the watchlist is for network '%s', not '%s'",
			       network_params(net)->name, network_params(r->c->net)->name);
		return false;
	}
	r->c->net = net;
	return true;
}

static bool open_watchlist(struct check_run *r, const char **why)
{
	struct store_options o = { false, 64u << 20, 0, true };
	if (!store_open(&r->s, cli_db_path(r->c), &o, why) || !take_network(r, why))
		return false;
	if (!watch_set_init(&r->set, 0)) {
		*why = "out of memory";
		return false;
	}
	return watch_set_load(&r->set, r->s, why);
}

static bool check_input(struct check_run *r, const char *file, int n_addr,
			char **addrs, const char **why)
{
	char *buf;
	size_t len;
	bool ok;
	for (int i = 0; i < n_addr; i++)
		check_one(r, addrs[i]);
	if (!file && n_addr > 0)
		return true;
	if (!fileio_read(&buf, &len, file ? file : "-", (size_t)1 << 32, why))
		return false;
	ok = check_csv(r, buf, len, why);
	free(buf);
	return ok;
}

static int finish(struct check_run *r)
{
	if (r->c->format == CLI_JSON) {
		json_t *j = json_pack("{s:I, s:I, s:I, s:O}", "checked", (json_int_t)r->checked,
				      "matched", (json_int_t)r->matched, "invalid",
				      (json_int_t)r->invalid, "matches", r->matches);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	}
	if (r->invalid)
		cli_error("check", "%llu invalid address%s, e.g. %s",
			  (unsigned long long)r->invalid, r->invalid == 1 ? "" : "es",
			  r->first_invalid);
	if (!r->c->quiet)
		fprintf(stderr, "proceeds: checked %llu address%s against %zu watched: "
			"%llu match%s\n", (unsigned long long)r->checked,
			r->checked == 1 ? "" : "es", r->set.n,
			(unsigned long long)r->matched, r->matched == 1 ? "" : "es");
	if (r->failed)
		return CLI_FAIL;
	if (r->matched)
		return CLI_NEGATIVE;
	return r->invalid ? CLI_FAIL : CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct check_run r = { .c = c, .matches = json_array() };
	const char *file = NULL, *why;
	int n_addr, rc = parse_args(&file, &n_addr, argc, argv);

	if (rc == CLI_OK && !open_watchlist(&r, &why))
		rc = cli_error(cli_db_path(c), "no usable watchlist: %s", why);
	if (rc == CLI_OK && c->format == CLI_CSV)
		watch_csv_header(stdout);
	if (rc == CLI_OK && !check_input(&r, file, n_addr, argv + 1, &why))
		rc = cli_error(file ? file : "stdin", "%s", why);
	if (rc == CLI_OK)
		rc = finish(&r);
	json_decref(r.matches);
	watch_set_release(&r.set);
	store_close(r.s);
	return rc;
}

const struct cli_command cmd_check = {
	"check", run, "screen addresses against the watchlist (exit 1 on a match)",
	"proceeds check ADDR... | --file deposits.csv | < list  [--json|--csv]\n"
	"  ADDR         addresses to screen\n"
	"  --file F     a CSV: the column headed 'address', else the first column\n"
	"               (one address a line works too); without ADDR or --file,\n"
	"               the same is read from stdin\n"
	"Addresses are read on the watchlist's network (recorded when it was\n"
	"made); --network, when given, must be the same.\n"
	"Prints every match with its case reference, amount, source and date.\n"
	"Exit 0: nothing matched; 1: something matched; 2: error (including an\n"
	"invalid address in the input when nothing matched).\n",
};
