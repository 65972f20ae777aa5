/* Shared command-line conventions. */
#include "proceeds/cli.h"
#include "proceeds/index.h"

#include <jansson.h>

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int cli_error(const char *what, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "proceeds: %s: ", what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return CLI_FAIL;
}

void cli_warn(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;
	if (c && c->quiet)
		return;
	fputs("proceeds: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static bool progress_shown;

void cli_progress(const struct cli_common *c, const char *fmt, ...)
{
	va_list ap;
	if ((c && c->quiet) || !isatty(STDERR_FILENO))
		return;
	fputs("\r\033[K", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fflush(stderr);
	progress_shown = true;
}

void cli_progress_done(const struct cli_common *c)
{
	if (progress_shown) {
		fputc('\n', stderr);
		progress_shown = false;
	}
}

bool cli_opt_value(const char **value, int argc, char **argv, int *i,
		   const char *name, bool *bad)
{
	size_t n = strlen(name);
	const char *a = argv[*i];
	if (strncmp(a, name, n) != 0)
		return false;
	if (a[n] == '=') {
		*value = a + n + 1;
		return true;
	}
	if (a[n] != '\0')
		return false;
	if (*i + 1 >= argc) {
		*value = NULL;
		cli_error(name, "option needs a value");
		*bad = true;
		return true;
	}
	*value = argv[++*i];
	return true;
}

static bool common_one(struct cli_common *c, int argc, char **argv, int *i,
		       bool *bad)
{
	const char *v;
	const char *a = argv[*i];
	if (strcmp(a, "--json") == 0)
		c->format = CLI_JSON;
	else if (strcmp(a, "--csv") == 0)
		c->format = CLI_CSV;
	else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0)
		c->quiet = true;
	else if (cli_opt_value(&v, argc, argv, i, "--db", bad))
		c->db = v;
	else if (cli_opt_value(&v, argc, argv, i, "--out", bad))
		c->out = v;
	else if (cli_opt_value(&v, argc, argv, i, "--network", bad)) {
		if (*bad)
			return true;
		if (!network_from_name(&c->net, v)) {
			cli_error("--network", "unknown network '%s' (main, testnet, "
				  "testnet4, signet, regtest)", v);
			*bad = true;
		}
		c->net_given = true;
	} else
		return false;
	return true;
}

bool cli_common_parse(struct cli_common *c, int *argc, char **argv)
{
	int out = 0;
	bool bad = false, operands_only = false;

	memset(c, 0, sizeof(*c));
	c->net = NETWORK_MAIN;
	c->format = CLI_TABLE;
	for (int i = 0; i < *argc && !bad; i++) {
		if (!operands_only && strcmp(argv[i], "--") == 0) {
			operands_only = true;
			argv[out++] = argv[i];
			continue;
		}
		if (operands_only || i == 0 || !common_one(c, *argc, argv, &i, &bad))
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	*argc = out;
	return !bad;
}

const char *cli_db_path(struct cli_common *c)
{
	if (c->db)
		return c->db;
	const char *env = getenv("PROCEEDS_DB");
	if (env && *env)
		return env;
	const char *home = getenv("HOME");
	snprintf(c->db_buf, sizeof(c->db_buf), "%s/.proceeds/%s",
		 home ? home : ".", network_params(c->net)->name);
	return c->db_buf;
}

int cli_index_each(struct cli_common *c, int argc, char **argv,
		   const char *cmd, const char *missing,
		   int (*show)(struct cli_common *c, struct index *idx,
			       const char *arg))
{
	struct index *idx;
	bool absent;
	const char *why;
	int rc = CLI_OK;

	if (argc < 2)
		return cli_error(cmd, "%s", missing);
	for (int i = 1; i < argc; i++)
		if (argv[i][0] == '-')
			return cli_error(cmd, "unknown option '%s'", argv[i]);
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why))
		return cli_error(cli_db_path(c), "%s", why);
	for (int i = 1; i < argc; i++) {
		int r = show(c, idx, argv[i]);
		rc = r > rc ? r : rc;
	}
	index_close(idx);
	return rc;
}

void cli_emit_json(const struct cli_common *c, struct json_t *j,
		   void (*print_text)(struct json_t *j))
{
	if (c->format == CLI_JSON) {
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		print_text(j);
	}
}
