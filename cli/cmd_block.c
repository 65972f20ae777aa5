/* proceeds block: a block from the index by height or hash. */
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/index.h"
#include "proceeds/index_json.h"
#include "proceeds/index_query.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static void print_text(json_t *j)
{
	size_t i;
	json_t *e;
	printf("hash      %s\nheight    %lld\nprev      %s\nmerkle    %s\ntime      %lld\n"
	       "bits      %s\nsize      %lld\ntxs       %lld\n",
	       index_json_str(j, "hash"), index_json_int(j, "height"),
	       index_json_str(j, "previousblockhash"), index_json_str(j, "merkleroot"),
	       index_json_int(j, "time"), index_json_str(j, "bits"),
	       index_json_int(j, "size"), index_json_int(j, "n_tx"));
	json_array_foreach(json_object_get(j, "tx"), i, e)
		printf("tx %-6zu %s\n", i, json_string_value(e));
}

static bool find_block(struct store *st, struct idx_block *blk, bool *found,
		       const char *arg, const char **why)
{
	struct hash256 h;
	char *end;

	if (strlen(arg) == 64) {
		if (!hash256_from_hex(&h, arg, why))
			return false;
		return idxq_block_by_hash(st, blk, found, &h, why);
	}
	unsigned long v = strtoul(arg, &end, 10);
	if (*arg < '0' || *arg > '9' || *end || v > UINT32_MAX)
		return (*why = "expected a height or a 64-hex-digit block hash"), false;
	return idxq_block_at(st, blk, found, (uint32_t)v, why);
}

static int show(struct cli_common *c, struct index *idx, const char *arg)
{
	struct store *st = index_store(idx);
	struct idx_block blk;
	bool found;
	const char *why;

	if (!find_block(st, &blk, &found, arg, &why))
		return cli_error(arg, "%s", why);
	if (!found) {
		cli_error(arg, "block not in the index");
		return CLI_NEGATIVE;
	}
	json_t *j = index_json_block(st, &blk, &why);
	if (!j)
		return cli_error(arg, "%s", why);
	cli_emit_json(c, j, print_text);
	json_decref(j);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	return cli_index_each(c, argc, argv, "block", "no height or hash given", show);
}

const struct cli_command cmd_block = {
	"block", run, "show an indexed block by height or hash",
	"proceeds block HEIGHT|HASH... [--json] [--db DIR]\n"
	"  HEIGHT|HASH  a height in the index or a block hash (64 hex digits);\n"
	"               shows the header, size and txids; exit 1 when absent\n",
};
