/* proceeds verify-message ADDR SIGNATURE MESSAGE: does ADDR's key claim
 * this message? For ownership claims of addresses. */
#include "proceeds/fileio.h"
#include "proceeds/address.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/hex.h"
#include "proceeds/msgverify.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

/* --network, else the first network the address belongs to. */
static bool pick_network(enum network *net, const struct cli_common *c,
			 const char *addr)
{
	unsigned nets = address_networks(addr);
	*net = c->net;
	if (c->net_given || nets == 0)
		return true;
	for (int i = 0; i < NETWORK_COUNT; i++) {
		if (nets & (1u << i)) {
			*net = (enum network)i;
			return true;
		}
	}
	return true;
}

static void print_result(const struct cli_common *c, enum network net,
			 const char *addr, enum msgverify_result r,
			 const struct msgverify_info *info, const char *why)
{
	char pk[131];
	bool valid = r == MSGVERIFY_VALID;
	hex_encode(pk, info->pubkey, info->pubkey_len);
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s, s:b}", "address", addr, "network",
				      network_params(net)->name, "valid", valid);
		if (info->pubkey_len) {
			json_object_set_new(j, "form", json_string(msg_sig_kind_name(info->kind)));
			json_object_set_new(j, "pubkey", json_string(pk));
			json_object_set_new(j, "signed_by", json_string(info->derived));
			json_object_set_new(j, "header_mismatch", json_boolean(info->header_mismatch));
		}
		if (!valid)
			json_object_set_new(j, "reason", json_string(why));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
		return;
	}
	if (!valid) {
		printf("invalid: %s\n", why);
		return;
	}
	printf("valid: %s signed this message (%s signature, key %s)\n", addr,
	       msg_sig_kind_name(info->kind), pk);
	if (info->header_mismatch)
		cli_warn(c, "the signature's header declares %s; it is accepted because "
			 "the recovered key is the key of %s (as Electrum signs)",
			 msg_sig_kind_name(info->kind), addr);
}

static int run(struct cli_common *c, int argc, char **argv)
{
	const char *ops[3], *file = NULL, *why = NULL;
	char *msg = NULL;
	size_t len = 0;
	int n = 0;
	bool bad = false, dashdash = false;

	for (int i = 1; i < argc; i++) {
		if (!dashdash && strcmp(argv[i], "--") == 0)
			dashdash = true;
		else if (!dashdash && cli_opt_value(&file, argc, argv, &i, "--message-file", &bad)) {
			if (bad)
				return CLI_FAIL;
		} else if (!dashdash && argv[i][0] == '-' && argv[i][1])
			return cli_error("verify-message", "unknown option '%s'", argv[i]);
		else if (n < 3)
			ops[n++] = argv[i];
		else
			return cli_error("verify-message", "too many operands");
	}
	if (n != (file ? 2 : 3))
		return cli_error("verify-message", "expected ADDR SIGNATURE MESSAGE "
				 "(or ADDR SIGNATURE --message-file FILE)");
	if (file && !fileio_read(&msg, &len, file, 1u << 24, &why))
		return cli_error(file, "%s", why);

	enum network net;
	struct msgverify_info info;
	(void)pick_network(&net, c, ops[0]);
	enum msgverify_result r = msgverify(&info, net, ops[0], ops[1],
					    (const uint8_t *)(file ? msg : ops[2]),
					    file ? len : strlen(ops[2]), &why);
	free(msg);
	if (r == MSGVERIFY_BAD_INPUT)
		return cli_error("verify-message", "%s", why);
	print_result(c, net, ops[0], r, &info, why);
	return r == MSGVERIFY_VALID ? CLI_OK : CLI_NEGATIVE;
}

const struct cli_command cmd_verify_message = {
	"verify-message", run, "check a Bitcoin signed message (ownership claim)",
	"proceeds verify-message ADDR SIGNATURE MESSAGE [--json]\n"
	"proceeds verify-message ADDR SIGNATURE --message-file FILE|- [--json]\n"
	"  ADDR        P2PKH (1..., m/n...), P2SH-P2WPKH (3..., 2...) or P2WPKH\n"
	"              (bc1q...) address; its network unless --network is given\n"
	"  SIGNATURE   base64, 65 bytes: legacy signmessage or BIP137 header\n"
	"  MESSAGE     the exact message text (no newline is added)\n"
	"  --message-file FILE  read the message bytes from FILE (- = stdin)\n"
	"Exit 0 valid; 1 invalid (with the reason); 2 unreadable input, or an\n"
	"address type (P2WSH, P2TR) that needs BIP322.\n",
};
