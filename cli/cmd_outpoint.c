/* proceeds outpoint: one output from the index and where it went. */
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
	json_t *sp = json_object_get(j, "spent_by");
	printf("outpoint  %s:%lld\nvalue     %s BTC (%lld sat)\naddress   %s (%s)\n"
	       "funded    height %lld %s (time %lld)\n", index_json_str(j, "txid"),
	       index_json_int(j, "vout"), index_json_str(j, "value_btc"),
	       index_json_int(j, "value"), index_json_str(j, "address"),
	       index_json_str(j, "type"), index_json_int(j, "funded_height"),
	       index_json_str(j, "funded_block"), index_json_int(j, "funded_time"));
	if (json_is_object(sp))
		printf("spent by  %s input %lld\nspent at  height %lld %s (time %lld)\n",
		       index_json_str(sp, "txid"), index_json_int(sp, "vin"),
		       index_json_int(sp, "height"), index_json_str(sp, "block"),
		       index_json_int(sp, "time"));
	else
		printf("spent by  (unspent)\n");
}

static bool parse_outpoint(struct hash256 *txid, uint32_t *vout,
			   const char *arg, const char **why)
{
	char hex[65];
	const char *colon = strchr(arg, ':');
	char *end;

	if (!colon || colon - arg != 64)
		return (*why = "expected TXID:VOUT"), false;
	memcpy(hex, arg, 64);
	hex[64] = '\0';
	if (!hash256_from_hex(txid, hex, why))
		return false;
	unsigned long v = strtoul(colon + 1, &end, 10);
	if (colon[1] < '0' || colon[1] > '9' || *end || v > UINT32_MAX)
		return (*why = "output index is not a number"), false;
	*vout = (uint32_t)v;
	return true;
}

static int show(struct cli_common *c, struct index *idx, const char *arg)
{
	struct store *st = index_store(idx);
	struct hash256 txid;
	uint32_t vout;
	uint64_t nums[8];
	size_t n;
	struct idx_tx tx;
	bool found;
	const char *why;

	if (!parse_outpoint(&txid, &vout, arg, &why))
		return cli_error(arg, "%s", why);
	if (!idxq_txnums(st, nums, 8, &n, &txid, &why))
		return cli_error(arg, "%s", why);
	if (n == 0 || n > 8)
		return n ? cli_error(arg, "damaged txid record")
			 : (cli_error(arg, "transaction not in the index"), CLI_NEGATIVE);
	if (!idxq_tx(st, &tx, &found, nums[n - 1], &why) || !found)
		return cli_error(arg, "%s", found ? why : "tx record missing");
	if (vout >= tx.n_out) {
		cli_error(arg, "the transaction has %u outputs", tx.n_out);
		idx_tx_release(&tx);
		return CLI_NEGATIVE;
	}
	json_t *j = index_json_outpoint(st, index_network(idx), &tx, vout, &why);
	idx_tx_release(&tx);
	if (!j)
		return cli_error(arg, "%s", why);
	cli_emit_json(c, j, print_text);
	json_decref(j);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	return cli_index_each(c, argc, argv, "outpoint", "no TXID:VOUT given", show);
}

const struct cli_command cmd_outpoint = {
	"outpoint", run, "show an output: value, address, and what spent it when",
	"proceeds outpoint TXID:VOUT... [--json] [--db DIR]\n"
	"  TXID:VOUT  an output; shows its value, address, funding block, and\n"
	"             the tx and input that spent it with height and time (or\n"
	"             unspent); exit 1 when not in the index\n",
};
