/* The command-line layer: common options, output conventions and the one
 * place that may print an error and choose an exit status.
 *
 * Exit status: 0 ok; 1 the command ran and the answer is negative; 2 it
 * could not run. Errors are one line: "proceeds: <what>: <why>". */
#ifndef PROCEEDS_CLI_H
#define PROCEEDS_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include "proceeds/network.h"

enum cli_exit {
	CLI_OK = 0,
	CLI_NEGATIVE = 1,
	CLI_FAIL = 2,
};

enum cli_format {
	CLI_TABLE,
	CLI_JSON,
	CLI_CSV,
};

/* Options every command shares. */
struct cli_common {
	const char *db;         /* --db, else $PROCEEDS_DB, else ~/.proceeds/<net> */
	enum network net;       /* --network, default main */
	bool net_given;         /* --network was on the command line */
	enum cli_format format; /* --json / --csv */
	bool quiet;             /* -q */
	const char *out;        /* --out DIR */
	char db_buf[4096];
};

/* Parses the common options out of argv in place: recognised options are
 * removed and argc updated, the rest (command options and operands) keep
 * their order. Returns false after printing an error (exit 2). */
bool cli_common_parse(struct cli_common *c, int *argc, char **argv);

/* The database directory: --db, $PROCEEDS_DB, or ~/.proceeds/<network>.
 * Borrowed from c. */
const char *cli_db_path(struct cli_common *c);

/* Prints "proceeds: <what>: <why>\n" to stderr. Returns CLI_FAIL so that
 * commands can `return cli_error(...)`. */
int cli_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* A diagnostic on stderr unless quiet ("proceeds: warning: ..."). */
void cli_warn(const struct cli_common *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Progress line on stderr (carriage-return updated) unless quiet or stderr
 * is not a terminal. Call cli_progress_done to end the line. */
void cli_progress(const struct cli_common *c, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void cli_progress_done(const struct cli_common *c);

/* True if argv[*i] is the option name (e.g. "--max-hops"); takes its value
 * from "--name=value" or the next argument, advancing *i. Prints an error
 * and sets *bad when the value is missing. */
bool cli_opt_value(const char **value, int argc, char **argv, int *i,
		   const char *name, bool *bad);

struct index;
struct json_t;

/* Runs show() once per operand of an index query command (tx, outpoint,
 * block): rejects options, opens the index in --db read-only, and returns
 * the worst exit status. missing is the error when no operand is given. */
int cli_index_each(struct cli_common *c, int argc, char **argv,
		   const char *cmd, const char *missing,
		   int (*show)(struct cli_common *c, struct index *idx,
			       const char *arg));

/* Prints j (borrowed) as indented JSON with --json, else with print_text. */
void cli_emit_json(const struct cli_common *c, struct json_t *j,
		   void (*print_text)(struct json_t *j));

/* A command: receives argv after the command name (argv[0] is the command)
 * with the common options already removed. */
struct cli_command {
	const char *name;
	int (*run)(struct cli_common *c, int argc, char **argv);
	const char *summary;    /* one line for `proceeds help` */
	const char *usage;      /* full option list for `proceeds help CMD` */
};

/* The command table (cli/main.c). */
extern const struct cli_command cli_commands[];
extern const unsigned cli_command_count;

#endif
