/* proceeds address: validate and classify an address, print its script. */
#include "proceeds/address.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/hex.h"
#include "proceeds/index.h"
#include "proceeds/index_json.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"

#include <jansson.h>
#include <string.h>

static void networks_json(json_t *j, unsigned nets)
{
	json_t *arr = json_array();
	for (int i = 0; i < NETWORK_COUNT; i++)
		if (nets & (1u << i))
			json_array_append_new(
				arr, json_string(network_params((enum network)i)->name));
	json_object_set_new(j, "networks", arr);
}

/* The address's history and totals when an index exists: a new "index"
 * object (NULL when there is no index or the address never appeared;
 * *err when the index could not be read). */
static json_t *index_view(struct cli_common *c, const struct address *a,
			  bool *err)
{
	struct index *idx;
	uint8_t key[SCRIPT_KEY_MAX];
	uint64_t id;
	bool absent, found = false;
	const char *why;
	json_t *j = NULL;

	*err = false;
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why)) {
		if (!absent)
			*err = (cli_error(cli_db_path(c), "%s", why), true);
		return NULL;
	}
	size_t kl = script_owner_key(key, a->script, a->script_len);
	if (!idxq_addr_id(index_store(idx), &id, &found, key, kl, &why) ||
	    (found && !(j = index_json_address(index_store(idx), c->net, id, 1000, &why))))
		*err = (cli_error("address", "index: %s", why), true);
	if (!found && !*err)
		j = json_pack("{s:b}", "seen", 0);
	index_close(idx);
	return j;
}

static void print_index_text(json_t *v)
{
	size_t i;
	json_t *e, *sp;

	if (!json_object_get(v, "history")) {
		printf("index     never seen on chain\n");
		return;
	}
	printf("received  %s BTC in %lld outputs\nsent      %s BTC\nbalance   %s BTC\n"
	       "first     height %lld (time %lld)\nlast      height %lld (time %lld)\n",
	       index_json_str(v, "received_btc"), index_json_int(v, "outputs_received"),
	       index_json_str(v, "sent_btc"), index_json_str(v, "balance_btc"),
	       index_json_int(v, "first_seen_height"), index_json_int(v, "first_seen_time"),
	       index_json_int(v, "last_seen_height"), index_json_int(v, "last_seen_time"));
	json_array_foreach(json_object_get(v, "history"), i, e) {
		sp = json_object_get(e, "spent_by");
		printf("  %7lld  +%s  %s:%lld", index_json_int(e, "height"),
		       index_json_str(e, "value_btc"), index_json_str(e, "txid"),
		       index_json_int(e, "vout"));
		if (json_is_object(sp))
			printf("  -> spent %7lld  %s:%lld\n", index_json_int(sp, "height"),
			       index_json_str(sp, "txid"), index_json_int(sp, "vin"));
		else
			printf("  unspent\n");
	}
}

static int show(struct cli_common *c, const char *s)
{
	struct address a;
	const char *why;
	char script[85];

	if (!address_decode(&a, c->net, s, &why)) {
		if (c->format == CLI_JSON) {
			json_t *j = json_pack("{s:s, s:b, s:s}", "address", s, "valid",
					      0, "error", why);
			json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
			putchar('\n');
			json_decref(j);
		}
		cli_error(s, "invalid %s address: %s", network_params(c->net)->name,
			  why);
		return CLI_NEGATIVE;
	}
	hex_encode(script, a.script, a.script_len);
	bool ierr;
	json_t *view = index_view(c, &a, &ierr);
	if (ierr)
		return CLI_FAIL;
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:b, s:s, s:s, s:s, s:s}", "address", s,
				      "valid", 1, "network", network_params(c->net)->name,
				      "type", script_type_name(a.type), "encoding",
				      a.encoding, "script_hex", script);
		if (a.type == SCRIPT_P2WPKH || a.type == SCRIPT_P2WSH ||
		    a.type == SCRIPT_P2TR || a.type == SCRIPT_WITNESS_UNKNOWN)
			json_object_set_new(j, "witness_version",
					    json_integer(a.witness_version));
		networks_json(j, address_networks(s));
		if (view)
			json_object_set(j, "index", view);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("address   %s\nvalid     yes (%s)\ntype      %s\n"
		       "encoding  %s\nscript    %s\n", s,
		       network_params(c->net)->name, script_type_name(a.type),
		       a.encoding, script);
		if (view)
			print_index_text(view);
	}
	json_decref(view);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	int rc = CLI_OK, n = 0;
	for (int i = 1; i < argc; i++) {
		if (argv[i][0] == '-' && strcmp(argv[i], "--") != 0)
			return cli_error("address", "unknown option '%s'", argv[i]);
	}
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--") == 0)
			continue;
		int r = show(c, argv[i]);
		if (r > rc)
			rc = r;
		n++;
	}
	if (n == 0)
		return cli_error("address", "no address given");
	return rc;
}

const struct cli_command cmd_address = {
	"address", run, "validate and classify an address, print its script",
	"proceeds address ADDR... [--network NET] [--json]\n"
	"  ADDR       a Base58Check, bech32 or bech32m address of the network;\n"
	"             exit 1 when any address is invalid, with the reason\n",
};
