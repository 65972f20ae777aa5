/* proceeds decode: a raw block or transaction to a readable view. */
#include "proceeds/fileio.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/hex.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"
#include "proceeds/txjson.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define DECODE_MAX (64u << 20)

static bool all_hex(const char *s, size_t n)
{
	size_t digits = 0;
	for (size_t i = 0; i < n; i++) {
		if (isxdigit((unsigned char)s[i]))
			digits++;
		else if (!isspace((unsigned char)s[i]))
			return false;
	}
	return digits > 0;
}

/* Decodes hex text with any whitespace in it (pasted hex is often wrapped);
 * text is consumed (freed). */
static bool decode_hex_text(uint8_t **out, size_t *len, char *text, size_t tl,
			    const char **why)
{
	size_t k = 0;
	for (size_t i = 0; i < tl; i++)
		if (!isspace((unsigned char)text[i]))
			text[k++] = text[i];
	bool ok = hex_decode_alloc(out, len, text, k, why);
	free(text);
	return ok;
}

/* Loads the operand: a file, "-" for stdin, or a hex string. Hex text in a
 * file is decoded too, since explorers hand out raw txs as hex. */
static bool load_input(uint8_t **out, size_t *len, const char *arg,
		       const char **why)
{
	struct stat st;
	char *text;
	size_t tl;

	if (strcmp(arg, "-") != 0 && stat(arg, &st) != 0) {
		if (!all_hex(arg, strlen(arg))) {
			*why = "no such file, and not hex";
			return false;
		}
		if (!(text = strdup(arg))) {
			*why = "out of memory";
			return false;
		}
		return decode_hex_text(out, len, text, strlen(text), why);
	}
	if (!fileio_read(&text, &tl, arg, DECODE_MAX, why))
		return false;
	if (all_hex(text, tl))
		return decode_hex_text(out, len, text, tl, why);
	*out = (uint8_t *)text;
	*len = tl;
	return true;
}

/* A blk-framed record (magic, size, block) is unwrapped; the magic also
 * tells the network when --network was not given. A size field that
 * claims more than was read is damage, reported rather than guessed at;
 * bytes after the record (further records) are left with a warning. */
static bool unframe(uint8_t **p, size_t *len, struct cli_common *c,
		    const char **why)
{
	static char msg[96];
	enum network net;
	if (*len < 8 || !network_from_magic(&net, *p))
		return true;
	uint32_t sz = (uint32_t)(*p)[4] | (uint32_t)(*p)[5] << 8 |
		      (uint32_t)(*p)[6] << 16 | (uint32_t)(*p)[7] << 24;
	if (sz > *len - 8) {
		snprintf(msg, sizeof(msg),
			 "blk record size %u beyond the %zu bytes that follow",
			 sz, *len - 8);
		*why = msg;
		return false;
	}
	if (sz < *len - 8)
		cli_warn(c, "decoding the first blk record only (%zu bytes follow it)",
			 *len - 8 - sz);
	memmove(*p, *p + 8, sz);
	*len = sz;
	if (!c->net_given)
		c->net = net;
	return true;
}

static void print_tx(const struct tx *tx, enum network net)
{
	char hex[65], btc[AMOUNT_STRLEN], addr[ADDRESS_MAX];
	struct hash256 wtxid;

	hash256_to_hex(hex, &tx->txid);
	printf("tx %s\n", hex);
	if (tx->segwit) {
		tx_wtxid(&wtxid, tx);
		hash256_to_hex(hex, &wtxid);
		printf("  wtxid    %s\n", hex);
	}
	printf("  version %d  locktime %u  size %u  weight %u\n", tx->version,
	       tx->locktime, tx->raw_len, tx_weight(tx));
	for (uint32_t i = 0; i < tx->n_in; i++) {
		if (tx_is_coinbase(tx)) {
			printf("  in  %u  coinbase\n", i);
			continue;
		}
		hash256_to_hex(hex, &tx->in[i].prev_txid);
		printf("  in  %u  %s:%u\n", i, hex, tx->in[i].prev_vout);
	}
	for (uint32_t i = 0; i < tx->n_out; i++) {
		const struct tx_out *o = &tx->out[i];
		struct script_info si;
		script_classify(&si, o->script, o->script_len);
		if (!address_from_script(addr, net, o->script, o->script_len))
			strcpy(addr, "-");
		printf("  out %u  %16s BTC  %-11s %s\n", i,
		       amount_to_btc(btc, amount_sat(o->value)),
		       script_type_name(si.type), addr);
	}
}

static void print_block(const struct block *b, enum network net)
{
	json_t *j = txjson_block(b);
	const char *key;
	json_t *v;
	json_object_foreach(j, key, v) {
		char *s = json_dumps(v, JSON_ENCODE_ANY);
		printf("%-19s %s\n", key, s);
		free(s);
	}
	json_decref(j);
	for (uint32_t i = 0; i < b->n_tx; i++)
		print_tx(&b->txs[i], net);
}

static int emit(struct cli_common *c, const struct block *b, bool is_block)
{
	if (c->format == CLI_JSON) {
		json_t *j;
		if (is_block) {
			json_t *txs = json_array();
			j = txjson_block(b);
			for (uint32_t i = 0; i < b->n_tx; i++)
				json_array_append_new(txs, txjson_tx(&b->txs[i], c->net));
			json_object_set_new(j, "tx", txs);
		} else {
			j = txjson_tx(&b->txs[0], c->net);
		}
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else if (is_block) {
		print_block(b, c->net);
	} else {
		print_tx(&b->txs[0], c->net);
	}
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	const char *arg = "-", *why = NULL, *why_tx = NULL;
	bool force_tx = false, force_block = false;
	uint8_t *raw;
	size_t len;
	struct block b;
	int rc;

	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--tx") == 0)
			force_tx = true;
		else if (strcmp(argv[i], "--block") == 0)
			force_block = true;
		else if (argv[i][0] == '-' && argv[i][1])
			return cli_error("decode", "unknown option '%s'", argv[i]);
		else
			arg = argv[i];
	}
	if (!load_input(&raw, &len, arg, &why))
		return cli_error(arg, "%s", why);
	if (!unframe(&raw, &len, c, &why)) {
		free(raw);
		return cli_error(arg, "%s", why);
	}
	block_init(&b);
	bool is_block = !force_tx && block_parse(&b, raw, len, &why);
	if (is_block || (!force_block && block_parse_tx(&b, raw, len, &why_tx))) {
		rc = emit(c, &b, is_block);
	} else {
		rc = cli_error(arg, "not a block (%s) nor a transaction (%s)",
			       force_tx ? "not tried" : why,
			       force_block ? "not tried" : why_tx);
	}
	block_release(&b);
	free(raw);
	return rc;
}

const struct cli_command cmd_decode = {
	"decode", run, "decode a raw block or transaction (file, hex or stdin)",
	"proceeds decode [FILE|HEX|-] [--block|--tx] [--json] [--network NET]\n"
	"  FILE       raw bytes, hex text, or one blk-framed record\n"
	"  HEX        the raw block or transaction as a hex string\n"
	"  -          read standard input (the default)\n"
	"  --block    only try to decode a block\n"
	"  --tx       only try to decode a transaction\n"
	"  --network  for the addresses shown (a blk record's magic sets it)\n",
};
