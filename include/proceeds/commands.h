/* Every command of the CLI (one tracer/cmd_*.c file each). The table in
 * cli/main.c lists them in the order `proceeds help` shows. */
#ifndef PROCEEDS_COMMANDS_H
#define PROCEEDS_COMMANDS_H

#include "proceeds/cli.h"

extern const struct cli_command cmd_decode;
extern const struct cli_command cmd_address;
extern const struct cli_command cmd_index;
extern const struct cli_command cmd_tx;
extern const struct cli_command cmd_outpoint;
extern const struct cli_command cmd_block;
extern const struct cli_command cmd_scan;
extern const struct cli_command cmd_tags;
extern const struct cli_command cmd_key;
extern const struct cli_command cmd_verify;
extern const struct cli_command cmd_verify_message;
extern const struct cli_command cmd_report;
extern const struct cli_command cmd_trace;
extern const struct cli_command cmd_simulate;
extern const struct cli_command cmd_share;
extern const struct cli_command cmd_watchlist;
extern const struct cli_command cmd_check;
extern const struct cli_command cmd_cluster;
extern const struct cli_command cmd_graph;
extern const struct cli_command cmd_export;

#endif
