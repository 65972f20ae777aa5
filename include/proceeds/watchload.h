/* Filling the watchlist (watchlist.h) from what investigators share:
 * freeze requests (proceeds-freeze/1), report or trace results (their
 * "exits"), evidence package directories, MISP events, OFAC lists and tag
 * CSVs (through the tag importers), and checking a package's signature
 * before anything of it is trusted. docs/sharing.md. */
#ifndef PROCEEDS_WATCHLOAD_H
#define PROCEEDS_WATCHLOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/network.h"
#include "proceeds/store.h"
#include "proceeds/watchlist.h"

#define WATCH_PATH_MAX 4096

/* One `watchlist add` of one file or directory. */
struct watch_load {
	enum network net;         /* the watchlist's: addresses are of it */
	bool net_open;            /* a new watchlist: the first file loaded
	                           * sets net, if it states a network (else
	                           * net stays); false after init */
	const char *case_ref;     /* borrowed: case of entries whose file names none */
	char signer[65];          /* signer of the package, "" when unsigned */
	struct store_batch *batch; /* owned: the entries, written by commit */
	uint64_t added, rejected;
	char first_reject[300];   /* the first rejected address and why */
};

void watch_load_init(struct watch_load *l, enum network net, const char *case_ref);
void watch_load_release(struct watch_load *l);

enum watch_pkg {
	WATCH_PKG_UNSIGNED,  /* no MANIFEST.sig */
	WATCH_PKG_SIGNED,    /* every file matches, signature valid (and by the
	                      * expected key, when one is given) */
	WATCH_PKG_BAD,       /* signed, but something does not verify */
};

/* The package a path belongs to: path itself when it is a directory with
 * a MANIFEST.sig, else the directory of the file or its parent when that
 * holds one. pkg (WATCH_PATH_MAX) gets it and rel the file's path inside
 * it ("" for a directory); false (pkg "") when there is none. */
bool watch_find_package(char pkg[WATCH_PATH_MAX], char rel[WATCH_PATH_MAX],
			const char *path);

/* Verifies the package dir with proceeds verify's manifest check.
 * expect_pubkey may be NULL (any valid signer). problem (cap bytes) names
 * the first failure when *out is WATCH_PKG_BAD; signer gets the signer's
 * key when WATCH_PKG_SIGNED. False with *why if it could not run. */
bool watch_verify_package(enum watch_pkg *out, char signer[65],
			  char *problem, size_t cap, const char *dir,
			  const uint8_t *expect_pubkey, const char **why)
	__attribute__((warn_unused_result));

/* True iff rel is listed in dir's MANIFEST (a signed file). */
bool watch_package_lists(const char *dir, const char *rel);

/* Queues the entries of one file's bytes; name (a path) picks the format
 * and names the source. A file that states a network (freeze request,
 * report or trace) of another than l->net is refused, unless l->net_open:
 * then it sets l->net. False with *why (nothing of it is queued then). */
bool watch_load_buffer(struct watch_load *l, const char *name, const char *buf,
		       size_t len, const char **why)
	__attribute__((warn_unused_result));

/* Queues a package directory: its freeze/<slug>.json files, else report.json, else
 * trace.json, else exits.csv, else misp-event.json. False with *why. */
bool watch_load_dir(struct watch_load *l, const char *dir, const char **why)
	__attribute__((warn_unused_result));

/* Writes the queued entries and the watchlist's network (l->net) in one
 * atomic batch; refused (false with *why) when s records another network
 * for its watchlist. */
bool watch_load_commit(struct watch_load *l, struct store *s, const char **why)
	__attribute__((warn_unused_result));

#endif
