/* The simulator's output folder, written atomically: everything goes into a
 * temporary folder beside --out (same filesystem) and is renamed into place
 * only when complete, so a failure (full disk, a crash) never leaves a
 * folder that looks finished. Large streams (the truth's address list, tags,
 * deposit lists) go straight to files, so memory does not grow with the
 * chain. */
#ifndef PROCEEDS_SIMWRITER_H
#define PROCEEDS_SIMWRITER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define SIMWRITER_MAX_EXCHANGES 16

/* Embedded; simwriter_open, then simwriter_commit or simwriter_abort. */
struct simwriter {
	char out[4096];          /* the final folder */
	char tmp[8300];          /* the temporary folder being written */
	char blocks[8400];       /* tmp/blocks */
	FILE *addresses;         /* tmp/.addresses.part: truth address rows */
	FILE *tags;              /* tmp/tags.csv */
	FILE *deposits[SIMWRITER_MAX_EXCHANGES];
	unsigned n_deposit_files;
	uint64_t n_addresses, n_tags;
	bool failed;             /* a write failed: commit will refuse */
};

/* Checks out (refuses a folder holding blocks/ or truth.json unless force),
 * creates the temporary folder and the streams. False with *why. */
bool simwriter_open(struct simwriter *w, const char *out, bool force,
		    const char **why) __attribute__((warn_unused_result));

/* Opens exchange-<name>-deposits.csv; returns its index (for
 * simwriter_deposit), or -1 with *why. name must be [a-z0-9-]. */
int simwriter_add_exchange(struct simwriter *w, const char *name, const char **why);

/* One truth row: address, owner entity id, role. Strings are plain ASCII. */
void simwriter_address(struct simwriter *w, const char *addr, uint32_t entity,
		       const char *role);

/* One tags.csv row (address,label,category,source,confidence). */
void simwriter_tag(struct simwriter *w, const char *addr, const char *label,
		   const char *category, unsigned confidence);

/* One row of exchange `ex`'s deposit list: address,customer,height. */
void simwriter_deposit(struct simwriter *w, int ex, const char *addr,
		       const char *customer, uint32_t height);

/* A new file in the temporary folder (caller fcloses it with
 * simwriter_close_file). NULL with *why. */
FILE *simwriter_file(struct simwriter *w, const char *name, const char **why);
bool simwriter_close_file(struct simwriter *w, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Copies the address rows into f as the body of a JSON array (rows
 * separated by ",\n"). */
bool simwriter_copy_addresses(struct simwriter *w, FILE *f, const char **why)
	__attribute__((warn_unused_result));

/* Closes the streams, syncs, and renames the temporary folder to out
 * (replacing an old out only when opened with force). False with *why; the
 * temporary folder is then removed. */
bool simwriter_commit(struct simwriter *w, const char **why)
	__attribute__((warn_unused_result));

/* Removes the temporary folder and everything in it. */
void simwriter_abort(struct simwriter *w);

#endif
