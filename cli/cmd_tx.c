/* proceeds tx: a transaction from the index, with where each output went. */
#include "proceeds/cli.h"
#include "proceeds/coinjoin_idx.h"
#include "proceeds/commands.h"
#include "proceeds/index.h"
#include "proceeds/index_json.h"
#include "proceeds/index_query.h"

#include <jansson.h>
#include <string.h>

#define jstr index_json_str
#define jint index_json_int

static void print_text(json_t *j)
{
	size_t i;
	json_t *e, *sp;

	printf("txid      %s\nblock     %lld %s (time %lld)\nsize      %lld bytes, "
	       "weight %lld\n", jstr(j, "txid"), jint(j, "height"), jstr(j, "block"),
	       jint(j, "time"), jint(j, "size"), jint(j, "weight"));
	if (json_object_get(j, "fee"))
		printf("fee       %lld sat\n", jint(j, "fee"));
	if (json_is_true(json_object_get(j, "coinbase")))
		printf("inputs    coinbase\n");
	e = json_object_get(j, "coinjoin");
	if (e)
		printf("coinjoin  %s (%s; judged by %s)\n", jstr(e, "description"),
		       jstr(e, "verdict"), jstr(e, "basis"));
	json_array_foreach(json_object_get(j, "inputs"), i, e)
		printf("in  %-4zu %s:%lld  %s BTC  %s\n", i, jstr(e, "txid"),
		       jint(e, "vout"), jstr(e, "value_btc"), jstr(e, "address"));
	json_array_foreach(json_object_get(j, "outputs"), i, e) {
		printf("out %-4zu %s BTC  %s", i, jstr(e, "value_btc"), jstr(e, "address"));
		sp = json_object_get(e, "spent_by");
		if (json_is_object(sp))
			printf("  spent by %s:%lld at height %lld\n", jstr(sp, "txid"),
			       jint(sp, "vin"), jint(sp, "height"));
		else
			printf("  unspent\n");
	}
}

/* Adds the earlier txnums of a BIP30 duplicate txid. */
static bool add_duplicates(struct store *st, json_t *j, const uint64_t *nums,
			   size_t n, const char **why)
{
	json_t *arr = json_array();
	json_object_set_new(j, "duplicates", arr);
	for (size_t i = 0; i + 1 < n; i++) {
		struct idx_tx tx;
		bool found;
		if (!idxq_tx(st, &tx, &found, nums[i], why) || !found)
			return found || (*why = "missing tx record", false);
		json_array_append_new(arr, json_pack("{s:I, s:i, s:s}", "txnum",
						     (json_int_t)tx.txnum, "height",
						     (int)tx.height, "note",
						     "earlier tx with the same txid (BIP30); its "
						     "outputs were overwritten"));
		idx_tx_release(&tx);
	}
	return true;
}

/* The CoinJoin verdict and why, for every non-coinbase tx. */
static bool add_coinjoin(struct store *st, json_t *j, const struct idx_tx *tx,
			 enum network net, const char **why)
{
	struct coinjoin_result r;
	enum coinjoin_basis basis;
	char text[200];

	if (tx->coinbase)
		return true;
	if (!coinjoin_idx_verdict(&r, &basis, st, tx, net, why))
		return false;
	coinjoin_describe(text, sizeof(text), &r);
	json_object_set_new(j, "coinjoin", json_pack(
		"{s:s, s:s, s:s, s:I, s:i, s:i, s:i, s:i, s:i, s:s}",
		"verdict", coinjoin_verdict_name(r.verdict),
		"kind", coinjoin_kind_name(r.kind), "description", text,
		"denomination", (json_int_t)r.denomination, "count", (int)r.count,
		"input_owners", (int)r.owners, "funders", (int)r.funders,
		"confidence", (int)r.confidence, "reasons", (int)r.reasons,
		"basis", coinjoin_basis_name(basis)));
	return true;
}

static int show(struct cli_common *c, struct index *idx, const char *arg)
{
	struct store *st = index_store(idx);
	struct hash256 txid;
	uint64_t nums[8];
	size_t n;
	struct idx_tx tx;
	bool found;
	const char *why;

	if (!hash256_from_hex(&txid, arg, &why))
		return cli_error(arg, "not a txid: %s", why);
	if (!idxq_txnums(st, nums, 8, &n, &txid, &why))
		return cli_error(arg, "%s", why);
	if (n == 0) {
		cli_error(arg, "transaction not in the index");
		return CLI_NEGATIVE;
	}
	if (n > 8 || !idxq_tx(st, &tx, &found, nums[n - 1], &why) || !found)
		return cli_error(arg, "%s", n > 8 ? "damaged txid record" : found ? why : "tx record missing");
	json_t *j = index_json_tx(st, index_network(idx), &tx, &why);
	bool ok = j && add_coinjoin(st, j, &tx, index_network(idx), &why);
	idx_tx_release(&tx);
	if (!ok || (n > 1 && !add_duplicates(st, j, nums, n, &why))) {
		json_decref(j);
		return cli_error(arg, "%s", why);
	}
	cli_emit_json(c, j, print_text);
	json_decref(j);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	return cli_index_each(c, argc, argv, "tx", "no txid given", show);
}

const struct cli_command cmd_tx = {
	"tx", run, "show an indexed transaction and where its outputs went",
	"proceeds tx TXID... [--json] [--db DIR]\n"
	"  TXID       a transaction id (64 hex digits, display order); shows its\n"
	"             block, fee, inputs with the outputs they spend, and each\n"
	"             output with the tx/input that spent it, and the CoinJoin\n"
	"             verdict (mix, possible mix or not a mix) with why: the\n"
	"             last cluster build's when it judged the tx, else judged\n"
	"             now (input owners by clusters, or by keys without a\n"
	"             clustering); exit 1 when not in the index\n",
};
