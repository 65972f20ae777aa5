/* proceeds: follow the money after a cybercrime. main only dispatches. */
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/version.h"

#include <stdio.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

static const struct cli_command *const commands[] = {
	&cmd_decode,
	&cmd_address,
	&cmd_index,
	&cmd_tx,
	&cmd_outpoint,
	&cmd_block,
	&cmd_scan,
	&cmd_tags,
	&cmd_key,
	&cmd_verify,
	&cmd_verify_message,
	&cmd_report,
	&cmd_trace,
	&cmd_simulate,
	&cmd_share,
	&cmd_watchlist,
	&cmd_check,
	&cmd_cluster,
	&cmd_graph,
	&cmd_export,
};
#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char common_usage[] =
	"Common options:\n"
	"  --db DIR         the index (default $PROCEEDS_DB, else ~/.proceeds/<network>)\n"
	"  --network NET    main, testnet (testnet3), testnet4, signet, regtest\n"
	"  --json           machine-readable output on stdout\n"
	"  --csv            CSV output on stdout (where tabular)\n"
	"  -q, --quiet      no progress or diagnostics on stderr\n"
	"  --out DIR        where commands that write files put them\n"
	"Exit status: 0 ok, 1 negative answer, 2 could not run.\n";

static const struct cli_command *find(const char *name)
{
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i]->name, name) == 0)
			return commands[i];
	return NULL;
}

static void list(FILE *f)
{
	fprintf(f, "usage: proceeds COMMAND [options]\n\nCommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  %-14s %s\n", commands[i]->name, commands[i]->summary);
	fprintf(f, "  %-14s %s\n", "help", "help on a command (proceeds help COMMAND)");
	fprintf(f, "  %-14s %s\n\n%s", "version", "print the version", common_usage);
}

/* The man page is generated from the same usage strings as `help`, so the
 * two cannot drift apart. */
static void man(void)
{
	printf(".TH PROCEEDS 1 \"\" \"proceeds " PROCEEDS_VERSION "\" \"User Commands\"\n"
	       ".SH NAME\nproceeds \\- follow the proceeds of cybercrime on Bitcoin\n"
	       ".SH SYNOPSIS\n.B proceeds\n.I COMMAND\n[options]\n"
	       ".SH DESCRIPTION\nproceeds indexes a Bitcoin chain, clusters "
	       "addresses, traces stolen funds to exchange deposit addresses and "
	       "exports signed evidence.\n.SH COMMON OPTIONS\n.nf\n%s.fi\n"
	       ".SH COMMANDS\n", common_usage);
	for (size_t i = 0; i < N_COMMANDS; i++)
		printf(".SS %s\n%s\n.PP\n.nf\n%s.fi\n", commands[i]->name,
		       commands[i]->summary, commands[i]->usage);
	printf(".SH EXIT STATUS\n0 ok; 1 the command ran and the answer is "
	       "negative; 2 it could not run.\n");
}

static int help(int argc, char **argv)
{
	if (argc < 3) {
		list(stdout);
		return CLI_OK;
	}
	if (strcmp(argv[2], "--man") == 0) {
		man();
		return CLI_OK;
	}
	const struct cli_command *c = find(argv[2]);
	if (!c)
		return cli_error("help", "unknown command '%s'", argv[2]);
	printf("proceeds %s: %s\n\n%s\n%s", c->name, c->summary, c->usage,
	       common_usage);
	return CLI_OK;
}

/* Standard input and error that the caller closed are opened on
 * /dev/null, and a closed standard output is refused: otherwise the first
 * file proceeds opens (a LevelDB LOG, an index table) would take the
 * descriptor, and data meant for the terminal would be written into it. */
static bool std_fds_open(void)
{
	bool out_closed = fcntl(STDOUT_FILENO, F_GETFD) < 0;

	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) < 0 && open("/dev/null", O_RDWR) != fd)
			return false;
	return !out_closed;
}

int main(int argc, char **argv)
{
	struct cli_common common;
	const struct cli_command *c;

	if (!std_fds_open())
		return cli_error(argc > 1 ? argv[1] : "proceeds", "standard output is closed");
	if (argc < 2) {
		list(stderr);
		return CLI_FAIL;
	}
	if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "-h") == 0)
		return help(argc, argv);
	if (strcmp(argv[1], "version") == 0 || strcmp(argv[1], "--version") == 0) {
		printf("proceeds %s\n", PROCEEDS_VERSION);
		return CLI_OK;
	}
	c = find(argv[1]);
	if (!c)
		return cli_error(argv[1], "unknown command (see proceeds help)");
	argc--;
	argv++;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			printf("proceeds %s: %s\n\n%s\n%s", c->name, c->summary,
			       c->usage, common_usage);
			return CLI_OK;
		}
	}
	if (!cli_common_parse(&common, &argc, argv))
		return CLI_FAIL;
	return c->run(&common, argc, argv);
}
