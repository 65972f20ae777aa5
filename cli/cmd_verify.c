/* proceeds verify DIR: is this evidence package exactly what was signed? */
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/evverify.h"
#include "proceeds/hex.h"

#include <jansson.h>
#include <string.h>

/* The checks, in order; each sees what the ones before it established. */
static const struct ev_check *const checks[] = {
	&ev_check_manifest,
	&ev_check_views,
	&ev_check_proofs,
	&ev_check_chain,
};
#define N_CHECKS (sizeof(checks) / sizeof(checks[0]))

static void print_json(const struct ev_verify_ctx *ctx, const struct ev_findings *f)
{
	char pk[65];
	json_t *arr = json_array();
	for (size_t i = 0; i < f->n; i++)
		json_array_append_new(arr, json_pack("{s:s?, s:s}", "file", f->v[i].file,
						     "problem", f->v[i].what));
	hex_encode(pk, ctx->signer, 32);
	json_t *j = json_pack("{s:s, s:b, s:s?, s:b, s:I, s:b, s:I, s:I, s:b, s:I, s:o}",
			      "package", ctx->dir, "ok", f->n == 0,
			      "signer", ctx->signed_ok ? pk : NULL,
			      "pubkey_checked", ctx->have_pubkey,
			      "files_checked", (json_int_t)ctx->files_checked,
			      "report_checked", ctx->report != NULL,
			      "proofs_verified", (json_int_t)ctx->proofs_verified,
			      "proofs_unavailable", (json_int_t)ctx->proofs_unavailable,
			      "chain_checked", ctx->db != NULL && ctx->report != NULL,
			      "outpoints_on_chain", (json_int_t)ctx->chain_checked,
			      "findings", arr);
	json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(j);
}

static void print_table(const struct cli_common *c, const struct ev_verify_ctx *ctx,
			const struct ev_findings *f)
{
	char pk[65];
	hex_encode(pk, ctx->signer, 32);
	for (size_t i = 0; i < f->n; i++)
		printf("FAIL  %s: %s\n", f->v[i].file ? f->v[i].file : ctx->dir,
		       f->v[i].what);
	if (f->n) {
		printf("%s: NOT VERIFIED (%zu problem%s)\n", ctx->dir, f->n,
		       f->n == 1 ? "" : "s");
		return;
	}
	printf("%s: verified: %zu files match MANIFEST, signed by %s%s\n", ctx->dir,
	       ctx->files_checked, pk, ctx->have_pubkey ? " (the expected key)" : "");
	if (ctx->report)
		printf("%s: proofs: %zu merkle proofs verified, %zu unavailable%s\n",
		       ctx->dir, ctx->proofs_verified, ctx->proofs_unavailable,
		       ctx->proofs_unavailable ? " (made without an index)" : "");
	if (ctx->report && ctx->db)
		printf("%s: chain: %zu outpoints found on the index as stated\n", ctx->dir,
		       ctx->chain_checked);
	else if (ctx->report)
		cli_warn(c, "outpoints not checked against the chain; pass --db DB");
	if (ctx->views_skipped)
		cli_warn(c, "report.html and the CSVs not compared with report.json "
			 "(made by another version of proceeds)");
	if (!ctx->have_pubkey)
		cli_warn(c, "the signer was not compared with an expected key; "
			 "pass --pubkey PK to check who signed");
}

static int parse_args(struct ev_verify_ctx *ctx, const char **dir, int argc, char **argv)
{
	const char *v, *why;
	bool bad = false;
	for (int i = 1; i < argc; i++) {
		if (cli_opt_value(&v, argc, argv, &i, "--pubkey", &bad)) {
			if (bad)
				return CLI_FAIL;
			if (!evkey_pubkey_parse(ctx->expect_pubkey, v, &why))
				return cli_error("--pubkey", "%s", why);
			ctx->have_pubkey = true;
		} else if (strcmp(argv[i], "--") == 0) {
			continue;
		} else if (argv[i][0] == '-') {
			return cli_error("verify", "unknown option '%s'", argv[i]);
		} else if (*dir) {
			return cli_error("verify", "one package directory at a time");
		} else {
			*dir = argv[i];
		}
	}
	if (!*dir)
		return cli_error("verify", "no package directory given");
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct ev_verify_ctx ctx;
	struct ev_findings f;
	const char *dir = NULL, *failed, *why;
	int rc;

	ev_verify_ctx_init(&ctx, NULL);
	rc = parse_args(&ctx, &dir, argc, argv);
	if (rc != CLI_OK)
		return rc;
	ctx.dir = dir;
	ctx.db = c->db;
	ctx.net = c->net;
	ev_findings_init(&f);
	if (!ev_verify_run(&f, &ctx, checks, N_CHECKS, &failed, &why)) {
		rc = cli_error(dir, "cannot verify (%s check): %s", failed, why);
	} else {
		if (c->format == CLI_JSON)
			print_json(&ctx, &f);
		else
			print_table(c, &ctx, &f);
		rc = f.n ? CLI_NEGATIVE : CLI_OK;
	}
	ev_findings_release(&f);
	ev_verify_ctx_release(&ctx);
	return rc;
}

const struct cli_command cmd_verify = {
	"verify", run, "check an evidence package: hashes, signature, proofs, chain",
	"proceeds verify DIR [--pubkey PK] [--db DB] [--json]\n"
	"  DIR          an evidence package (with MANIFEST and MANIFEST.sig)\n"
	"  --pubkey PK  the signer's expected x-only public key (64 hex, from\n"
	"               proceeds key show); without it any valid signer passes\n"
	"  --db DB      an index of the chain: every seed, hop and exit outpoint\n"
	"               must exist there with the value, address, height and\n"
	"               block report.json states (exit 2 if the index is behind)\n"
	"Checks every file's SHA-256 against MANIFEST, that no file is missing\n"
	"or added, and the BIP340 signature in MANIFEST.sig over MANIFEST; in a\n"
	"report package, that every proofs/<txid>.json verifies (merkle branch\n"
	"to the header's root, header hash = the cited block) for the txid,\n"
	"block and height report.json cites.\n"
	"Exit 0 verified; 1 tampered (each problem named by file); 2 cannot run.\n",
};
