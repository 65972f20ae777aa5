/* The evidence package on disk: from the bytes of a trace to a directory
 * holding report.json (canonical), report.html, exits.csv, hops.csv,
 * proofs/ and, with a key, MANIFEST and MANIFEST.sig (docs/report-format.md,
 * docs/evidence-format.md). */
#ifndef PROCEEDS_REPORTPKG_H
#define PROCEEDS_REPORTPKG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include "proceeds/evkey.h"
#include "proceeds/report.h"
#include "proceeds/reportproof.h"

struct reportpkg_options {
	struct report_options report;
	const struct proof_source *proofs; /* borrowed; NULL: proofs unavailable */
	const struct evkey *key;           /* borrowed; NULL: not signed */
};

/* Parses and checks the trace text[0..len), creates dir if needed and
 * writes the package into it. *report (new reference) is report.json's
 * content, for the caller to print. False with *why (naming the file or
 * the trace field) on bad input or an I/O error; files already written
 * stay, but a package is signed only when every file was written. */
bool reportpkg_write(json_t **report, const char *dir, const char *text,
		     size_t len, const struct reportpkg_options *o,
		     const char **why) __attribute__((warn_unused_result));

#endif
