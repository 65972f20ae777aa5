/* The signed MANIFEST of an evidence package directory.
 *
 * MANIFEST lists every file under the directory except MANIFEST and
 * MANIFEST.sig, one line each, "<sha256 hex>  <relative path>\n", sorted by
 * path bytes (so `sha256sum -c MANIFEST` checks it). MANIFEST.sig holds a
 * BIP340 signature over SHA-256 of the MANIFEST bytes and the signer's
 * x-only public key. Formats: docs/evidence-format.md. */
#ifndef PROCEEDS_MANIFEST_H
#define PROCEEDS_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/evkey.h"

#define MANIFEST_NAME "MANIFEST"
#define MANIFEST_SIG_NAME "MANIFEST.sig"
#define MANIFEST_SIG_HEADER "proceeds-manifest-signature-v1"

struct manifest_entry {
	char *path;          /* relative, '/'-separated; owned by the manifest */
	uint8_t sha256[32];
};

/* Entries sorted by path (strcmp); heap-owned, released by
 * manifest_release. */
struct manifest {
	struct manifest_entry *e;
	size_t n, cap;
};

void manifest_init(struct manifest *m);
void manifest_release(struct manifest *m);

/* Hashes every regular file under dir (recursively) except the top-level
 * MANIFEST and MANIFEST.sig. False with *why (naming the file) on an
 * unreadable file, a symlink or other non-regular file, or a name with a
 * control character or backslash, which a MANIFEST line cannot carry. */
bool manifest_scan(struct manifest *m, const char *dir, const char **why)
	__attribute__((warn_unused_result));

/* SHA-256 of the regular file dir/rel, never following a symbolic link.
 * False with *why naming rel. */
bool manifest_hash_file(uint8_t out[32], const char *dir, const char *rel,
			const char **why) __attribute__((warn_unused_result));

/* The MANIFEST text of m: a new buffer (caller frees), *len bytes. */
char *manifest_format(const struct manifest *m, size_t *len);

/* Parses MANIFEST text strictly: lowercase hex, two spaces, a safe
 * relative path (no "..", ".", empty or absolute components), sorted, no
 * duplicates, every line ending in "\n". False with *why naming the line. */
bool manifest_parse(struct manifest *m, const char *text, size_t len,
		    const char **why) __attribute__((warn_unused_result));

/* MANIFEST.sig contents. */
struct manifest_sig {
	uint8_t pubkey[32];          /* signer's x-only key */
	uint8_t manifest_sha256[32]; /* the message signed */
	uint8_t sig[64];
};

/* The MANIFEST.sig text of s: a new buffer (caller frees), *len bytes. */
char *manifest_sig_format(const struct manifest_sig *s, size_t *len);

/* Parses MANIFEST.sig. False with *why naming the bad line. */
bool manifest_sig_parse(struct manifest_sig *s, const char *text, size_t len,
			const char **why) __attribute__((warn_unused_result));

/* Scans dir, writes dir/MANIFEST and dir/MANIFEST.sig signed with k
 * (replacing earlier ones, atomically by rename). False with *why. */
bool manifest_sign_dir(const char *dir, const struct evkey *k, const char **why)
	__attribute__((warn_unused_result));

#endif
