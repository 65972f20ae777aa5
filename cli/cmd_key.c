/* proceeds key new|show: the BIP340 key that signs evidence packages. */
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/evkey.h"
#include "proceeds/hex.h"
#include "proceeds/manifest.h"

#include <jansson.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void print_pubkey(const struct cli_common *c, const struct evkey *k,
			 const char *path)
{
	char hex[65];
	hex_encode(hex, k->xonly, 32);
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "pubkey", hex, "scheme",
				      "bip340", "key_file", path);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("%s\n", hex);
	}
}

/* The default key lives in ~/.proceeds, which we create private. */
static void make_parent(const char *path)
{
	char buf[4096];
	snprintf(buf, sizeof(buf), "%s", path);
	/* Failure shows up as the key file's own open error. */
	(void)mkdir(dirname(buf), 0700);
}

static int key_new(struct cli_common *c, const char *path, bool is_default)
{
	struct evkey k;
	const char *why = NULL;

	if (is_default)
		make_parent(path);
	if (!evkey_generate(&k, &why))
		return cli_error("key new", "%s", why);
	if (!evkey_write_file(&k, path, &why)) {
		evkey_wipe(&k);
		return cli_error(path, "%s", why);
	}
	if (!c->quiet)
		fprintf(stderr, "proceeds: wrote secret key %s (mode 0600); "
			"keep it private and backed up\n", path);
	print_pubkey(c, &k, path);
	evkey_wipe(&k);
	return CLI_OK;
}

static int key_show(struct cli_common *c, const char *path)
{
	struct evkey k;
	const char *why;
	if (!evkey_read_file(&k, path, &why))
		return cli_error(path, "%s", why);
	print_pubkey(c, &k, path);
	evkey_wipe(&k);
	return CLI_OK;
}

/* Writes MANIFEST and MANIFEST.sig for a directory of evidence. */
static int key_sign(struct cli_common *c, const char *dir, const char *keyfile)
{
	struct evkey k;
	const char *why;
	char hex[65];
	bool ok;

	if (!evkey_read_file(&k, keyfile, &why))
		return cli_error(keyfile, "%s", why);
	ok = manifest_sign_dir(dir, &k, &why);
	hex_encode(hex, k.xonly, 32);
	evkey_wipe(&k);
	if (!ok)
		return cli_error(dir, "cannot sign: %s", why);
	if (!c->quiet)
		fprintf(stderr, "proceeds: signed %s/MANIFEST with %s\n", dir, hex);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	char def[4096];
	const char *operand = NULL, *sub, *keyfile = NULL;
	bool bad = false;
	int nops = 0;

	if (argc < 2)
		return cli_error("key", "expected new, show or sign (see proceeds help key)");
	sub = argv[1];
	for (int i = 2; i < argc; i++) {
		if (cli_opt_value(&keyfile, argc, argv, &i, "--key", &bad)) {
			if (bad)
				return CLI_FAIL;
			continue;
		}
		if (strcmp(argv[i], "--") == 0)
			continue;
		if (argv[i][0] == '-')
			return cli_error("key", "unknown option '%s'", argv[i]);
		operand = argv[i];
		nops++;
	}
	if (keyfile && strcmp(sub, "sign") != 0)
		return cli_error("key", "--key is for key sign");
	if (strcmp(sub, "new") == 0) {
		if (nops)
			return cli_error("key new", "unexpected operand '%s' (use --out FILE)",
					 operand);
		if (c->out)
			return key_new(c, c->out, false);
		return key_new(c, evkey_default_path(def, sizeof(def)), !getenv("PROCEEDS_KEY"));
	}
	if (strcmp(sub, "show") == 0) {
		if (nops > 1)
			return cli_error("key show", "at most one key file");
		return key_show(c, operand ? operand : evkey_default_path(def, sizeof(def)));
	}
	if (strcmp(sub, "sign") == 0) {
		if (nops != 1)
			return cli_error("key sign", "expected one directory");
		return key_sign(c, operand,
				keyfile ? keyfile : evkey_default_path(def, sizeof(def)));
	}
	return cli_error("key", "unknown subcommand '%s' (new, show, sign)", sub);
}

const struct cli_command cmd_key = {
	"key", run, "create or show the BIP340 evidence key; sign a directory",
	"proceeds key new [--out FILE] [--json]\n"
	"proceeds key show [FILE] [--json]\n"
	"proceeds key sign DIR [--key FILE]\n"
	"  new        create a secret key file (mode 0600; never overwrites) and\n"
	"             print its x-only public key; FILE defaults to $PROCEEDS_KEY,\n"
	"             else ~/.proceeds/evidence.key\n"
	"  show       print the x-only public key (64 hex) of a key file\n"
	"  sign       write DIR/MANIFEST (sha256 of every file) and\n"
	"             DIR/MANIFEST.sig (BIP340 signature), replacing old ones\n"
	"  --out FILE where key new writes the secret key\n"
	"  --key FILE the key key sign uses (default as for new)\n"
	"A key file that group or others can read or write is refused.\n"
	"Format: docs/evidence-format.md.\n",
};
