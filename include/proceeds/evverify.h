/* Verifying an evidence package directory: a list of findings (each names
 * the file at fault) and a set of checks that add to it. The manifest and
 * signature check is here; later checks (merkle proofs of cited
 * transactions, hops against an index) plug in as further struct ev_check
 * values listed in cli/cmd_verify.c. */
#ifndef PROCEEDS_EVVERIFY_H
#define PROCEEDS_EVVERIFY_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/manifest.h"
#include "proceeds/network.h"

/* One reason the package is not what was signed. */
struct ev_finding {
	char *file;  /* path relative to the package, or NULL: the whole package */
	char *what;  /* one line, lowercase, no trailing period */
};

/* Heap-owned list of findings; release with ev_findings_release. */
struct ev_findings {
	struct ev_finding *v;
	size_t n, cap;
};

void ev_findings_init(struct ev_findings *f);
void ev_findings_release(struct ev_findings *f);

/* Appends a finding (file may be NULL). Aborts on out of memory: a
 * verifier that silently drops a finding would be worse. */
void ev_findings_add(struct ev_findings *f, const char *file, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* What the checks share. Inputs are borrowed from the caller. */
struct ev_verify_ctx {
	const char *dir;             /* the package */
	bool have_pubkey;            /* --pubkey given */
	uint8_t expect_pubkey[32];
	const char *db;              /* index for on-chain checks, or NULL */
	enum network net;
	/* Filled by the manifest check for the checks after it: */
	bool manifest_ok;            /* every listed file matches, signature valid */
	bool signed_ok;              /* MANIFEST.sig verifies over MANIFEST */
	uint8_t signer[32];          /* valid when signed_ok */
	struct manifest manifest;    /* the parsed MANIFEST (possibly empty) */
	size_t files_checked;
	/* Filled by the report checks (ev_verify_report): */
	bool report_loaded;          /* report.json was looked at */
	json_t *report;              /* owned; NULL: no proceeds-report/1 here */
	size_t proofs_verified, proofs_unavailable;
	size_t chain_checked;        /* outpoints found as stated on the index */
	bool views_checked;          /* report.html and the CSVs re-rendered */
	bool views_skipped;          /* made by another tool version */
};

void ev_verify_ctx_init(struct ev_verify_ctx *ctx, const char *dir);
void ev_verify_ctx_release(struct ev_verify_ctx *ctx);

/* A check. run adds a finding for every problem it sees and returns true;
 * it returns false with *why only when it could not run at all (exit 2). */
struct ev_check {
	const char *name;
	bool (*run)(struct ev_findings *f, struct ev_verify_ctx *ctx,
		    const char **why);
};

/* Hashes, completeness (nothing missing, nothing added) and the BIP340
 * signature of MANIFEST, and the signer against ctx->expect_pubkey. */
extern const struct ev_check ev_check_manifest;

/* report.json of the package when it is a proceeds-report/1 document
 * (borrowed from ctx, loaded once), else NULL: absent (a package of other
 * files), or another format (both without a finding), or not JSON (a
 * finding on report.json). */
const json_t *ev_verify_report(struct ev_findings *f, struct ev_verify_ctx *ctx);

/* Every proof the report lists as included verifies (merkle branch to the
 * header's root, header hash = the cited block hash), is for the txid,
 * block and height the report cites, every transaction the trace cites
 * (seeds, hops, sweeps) has a proof record agreeing with it, and proofs/
 * holds no file the report does not reference. Without report.json it
 * does nothing. evidence/evverify_proofs.c */
extern const struct ev_check ev_check_proofs;

/* report.html, exits.csv and hops.csv are byte for byte what report.json
 * renders to (skipped, ctx->views_skipped, for a report of another tool
 * version). evidence/evverify_views.c */
extern const struct ev_check ev_check_views;

/* With ctx->db: every seed, hop and exit outpoint (and sweep transaction)
 * the report states exists on the indexed chain with the stated value,
 * address, height and block. Cannot run (false) when the index is behind
 * the report's tip or of another network. evidence/evverify.chain.c */
extern const struct ev_check ev_check_chain;

/* Runs the checks in order into f. False with *why (prefixed by the
 * check's name in *failed) if one could not run; the findings gathered so
 * far stay in f. */
bool ev_verify_run(struct ev_findings *f, struct ev_verify_ctx *ctx,
		   const struct ev_check *const *checks, size_t n_checks,
		   const char **failed, const char **why)
	__attribute__((warn_unused_result));

#endif
