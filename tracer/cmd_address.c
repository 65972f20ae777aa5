/* proceeds address: validate and classify an address, print its script. */
#include "proceeds/address.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/hex.h"
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
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("address   %s\nvalid     yes (%s)\ntype      %s\n"
		       "encoding  %s\nscript    %s\n", s,
		       network_params(c->net)->name, script_type_name(a.type),
		       a.encoding, script);
	}
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
