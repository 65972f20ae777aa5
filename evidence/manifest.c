/* MANIFEST and MANIFEST.sig of an evidence package. */
#include "proceeds/manifest.h"
#include "proceeds/hash.h"
#include "proceeds/hex.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_DEPTH 32

/* Errors that name a file or line. */
static _Thread_local char why_buf[8192 + 512];

static const char *whyf(const char *fmt, const char *a, const char *b)
{
	snprintf(why_buf, sizeof(why_buf), fmt, a, b);
	return why_buf;
}

void manifest_init(struct manifest *m)
{
	memset(m, 0, sizeof(*m));
}

void manifest_release(struct manifest *m)
{
	for (size_t i = 0; i < m->n; i++)
		free(m->e[i].path);
	free(m->e);
	manifest_init(m);
}

static bool manifest_push(struct manifest *m, const char *path, size_t len,
			  const uint8_t sha[32])
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 16;
		struct manifest_entry *ne = realloc(m->e, cap * sizeof(*ne));
		if (!ne)
			return false;
		m->e = ne;
		m->cap = cap;
	}
	char *p = strndup(path, len);
	if (!p)
		return false;
	m->e[m->n].path = p;
	memcpy(m->e[m->n].sha256, sha, 32);
	m->n++;
	return true;
}

/* A name MANIFEST can carry on one line and sha256sum reads back as is. */
static bool name_ok(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c < 0x20 || c == 0x7f || c == '\\')
			return false;
	}
	return len > 0;
}

/* label names the file in *why. */
static bool hash_file(uint8_t out[32], const char *path, const char *label,
		      const char **why)
{
	static _Thread_local unsigned char buf[1 << 16];
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	bool ok = ctx && fd >= 0 && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
	ssize_t r = 0;

	while (ok && (r = read(fd, buf, sizeof(buf))) > 0)
		ok = EVP_DigestUpdate(ctx, buf, (size_t)r);
	ok = ok && r == 0 && EVP_DigestFinal_ex(ctx, out, NULL);
	if (!ok)
		*why = whyf("%s: cannot read: %s", label,
			    errno == ELOOP ? "a symbolic link" : strerror(errno));
	if (fd >= 0)
		close(fd);
	EVP_MD_CTX_free(ctx);
	return ok;
}

bool manifest_hash_file(uint8_t out[32], const char *dir, const char *rel,
			const char **why)
{
	char full[4096];
	snprintf(full, sizeof(full), "%s/%s", dir, rel);
	return hash_file(out, full, rel, why);
}

static bool scan_dir(struct manifest *m, const char *root, const char *rel,
		     int depth, const char **why);

static bool scan_one(struct manifest *m, const char *root, const char *rel,
		     const char *name, int depth, const char **why)
{
	char full[4096], sub[4096];
	struct stat st;
	uint8_t sha[32];

	if (!name_ok(name, strlen(name))) {
		*why = whyf("%s%s: holds a file whose name has a control "
			    "character or backslash", rel[0] ? rel : ".", "");
		return false;
	}
	if (!rel[0] && (strcmp(name, MANIFEST_NAME) == 0 ||
			strcmp(name, MANIFEST_SIG_NAME) == 0))
		return true;
	if ((size_t)snprintf(sub, sizeof(sub), "%s%s%s", rel, rel[0] ? "/" : "",
			     name) >= sizeof(sub) ||
	    (size_t)snprintf(full, sizeof(full), "%s/%s", root, sub) >= sizeof(full)) {
		*why = whyf("%s/%s: path too long", rel[0] ? rel : ".", name);
		return false;
	}
	if (lstat(full, &st) != 0) {
		*why = whyf("%s: %s", sub, strerror(errno));
		return false;
	}
	if (S_ISDIR(st.st_mode))
		return scan_dir(m, root, sub, depth + 1, why);
	if (!S_ISREG(st.st_mode)) {
		*why = whyf("%s: not a regular file%s", sub,
			    S_ISLNK(st.st_mode) ? " (a symbolic link)" : "");
		return false;
	}
	if (!hash_file(sha, full, sub, why))
		return false;
	if (!manifest_push(m, sub, strlen(sub), sha)) {
		*why = "out of memory";
		return false;
	}
	return true;
}

static bool scan_dir(struct manifest *m, const char *root, const char *rel,
		     int depth, const char **why)
{
	char full[4096];
	struct dirent *de;
	DIR *d;
	bool ok = true;

	if (depth > MAX_DEPTH) {
		*why = whyf("%s: directories nested too deep%s", rel, "");
		return false;
	}
	snprintf(full, sizeof(full), "%s%s%s", root, rel[0] ? "/" : "", rel);
	d = opendir(full);
	if (!d) {
		*why = whyf("%s: %s", full, strerror(errno));
		return false;
	}
	while (ok && (de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		ok = scan_one(m, root, rel, de->d_name, depth, why);
	}
	closedir(d);
	return ok;
}

static int entry_cmp(const void *a, const void *b)
{
	return strcmp(((const struct manifest_entry *)a)->path,
		      ((const struct manifest_entry *)b)->path);
}

bool manifest_scan(struct manifest *m, const char *dir, const char **why)
{
	manifest_init(m);
	if (!scan_dir(m, dir, "", 0, why)) {
		manifest_release(m);
		return false;
	}
	/* An empty directory leaves m->e NULL: qsort's pointer is nonnull. */
	if (m->n > 1)
		qsort(m->e, m->n, sizeof(m->e[0]), entry_cmp);
	return true;
}

char *manifest_format(const struct manifest *m, size_t *len)
{
	size_t cap = 1;
	for (size_t i = 0; i < m->n; i++)
		cap += 64 + 2 + strlen(m->e[i].path) + 1;
	char *out = malloc(cap), *p = out;
	if (!out)
		return NULL;
	for (size_t i = 0; i < m->n; i++) {
		hex_encode(p, m->e[i].sha256, 32);
		p += 64;
		p += sprintf(p, "  %s\n", m->e[i].path);
	}
	*p = '\0';
	*len = (size_t)(p - out);
	return out;
}

/* A relative path without empty, "." or ".." components. */
static bool path_ok(const char *p, size_t len)
{
	size_t start = 0;
	if (!name_ok(p, len))
		return false;
	for (size_t i = 0; i <= len; i++) {
		if (i < len && p[i] != '/')
			continue;
		size_t n = i - start;
		if (n == 0 || (n == 1 && p[start] == '.') ||
		    (n == 2 && p[start] == '.' && p[start + 1] == '.'))
			return false;
		start = i + 1;
	}
	return true;
}

static bool lower_hex(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static bool parse_line(struct manifest *m, const char *s, size_t n, const char **why)
{
	uint8_t sha[32];
	const char *path = s + 66;
	size_t plen;

	if (n < 67 || !lower_hex(s, 64) || s[64] != ' ' || s[65] != ' ') {
		*why = "expected '<64 lowercase hex>  <path>'";
		return false;
	}
	plen = n - 66;
	if (!path_ok(path, plen)) {
		*why = "unsafe or empty path";
		return false;
	}
	if ((plen == strlen(MANIFEST_NAME) && memcmp(path, MANIFEST_NAME, plen) == 0) ||
	    (plen == strlen(MANIFEST_SIG_NAME) &&
	     memcmp(path, MANIFEST_SIG_NAME, plen) == 0)) {
		*why = "MANIFEST and MANIFEST.sig must not be listed";
		return false;
	}
	if (!hex_decode(sha, s, 64, why))
		return false;
	if (!manifest_push(m, path, plen, sha)) {
		*why = "out of memory";
		return false;
	}
	if (m->n > 1 && strcmp(m->e[m->n - 2].path, m->e[m->n - 1].path) >= 0) {
		*why = "paths not sorted or listed twice";
		return false;
	}
	return true;
}

bool manifest_parse(struct manifest *m, const char *text, size_t len, const char **why)
{
	static _Thread_local char line_why[160];
	size_t pos = 0, line = 0;

	manifest_init(m);
	while (pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		const char *lwhy = "line does not end in a newline";
		line++;
		if (!nl || memchr(text + pos, '\0', (size_t)(nl - (text + pos))) ||
		    !parse_line(m, text + pos, (size_t)(nl - (text + pos)), &lwhy)) {
			snprintf(line_why, sizeof(line_why), "line %zu: %s", line, lwhy);
			*why = line_why;
			manifest_release(m);
			return false;
		}
		pos = (size_t)(nl - text) + 1;
	}
	return true;
}

char *manifest_sig_format(const struct manifest_sig *s, size_t *len)
{
	char pk[65], mh[65], sig[129];
	char *out = malloc(512);
	if (!out)
		return NULL;
	hex_encode(pk, s->pubkey, 32);
	hex_encode(mh, s->manifest_sha256, 32);
	hex_encode(sig, s->sig, 64);
	int n = snprintf(out, 512,
			 "%s\nscheme bip340\npubkey %s\nmanifest-sha256 %s\n"
			 "signature %s\n", MANIFEST_SIG_HEADER, pk, mh, sig);
	*len = (size_t)n;
	return out;
}

/* Line "<key> <hex of n bytes>" at text[*pos]. */
static bool sig_field(uint8_t *out, size_t n, const char *key, const char *text,
		      size_t len, size_t *pos, const char **why)
{
	size_t kl = strlen(key);
	const char *nl = memchr(text + *pos, '\n', len - *pos);
	size_t ll = nl ? (size_t)(nl - (text + *pos)) : 0;
	const char *hwhy;
	if (!nl || ll != kl + 1 + 2 * n || memcmp(text + *pos, key, kl) != 0 ||
	    text[*pos + kl] != ' ' || !lower_hex(text + *pos + kl + 1, 2 * n) ||
	    !hex_decode(out, text + *pos + kl + 1, 2 * n, &hwhy)) {
		*why = whyf("expected line '%s <%s lowercase hex>'", key,
			    n == 32 ? "64" : "128");
		return false;
	}
	*pos += ll + 1;
	return true;
}

bool manifest_sig_parse(struct manifest_sig *s, const char *text, size_t len,
			const char **why)
{
	static const char head[] = MANIFEST_SIG_HEADER "\nscheme bip340\n";
	size_t pos = sizeof(head) - 1;

	memset(s, 0, sizeof(*s));
	if (len < pos || memcmp(text, head, pos) != 0) {
		*why = "expected header '" MANIFEST_SIG_HEADER "' and 'scheme bip340'";
		return false;
	}
	if (!sig_field(s->pubkey, 32, "pubkey", text, len, &pos, why) ||
	    !sig_field(s->manifest_sha256, 32, "manifest-sha256", text, len, &pos, why) ||
	    !sig_field(s->sig, 64, "signature", text, len, &pos, why))
		return false;
	if (pos != len) {
		*why = "unexpected text after the signature line";
		return false;
	}
	return true;
}

/* Writes data to dir/name through a temporary file and rename. */
static bool write_atomic(const char *dir, const char *name, const char *data,
			 size_t len, const char **why)
{
	char tmp[4096], dst[4096];
	snprintf(tmp, sizeof(tmp), "%s/.%s.XXXXXX", dir, name);
	snprintf(dst, sizeof(dst), "%s/%s", dir, name);
	int fd = mkstemp(tmp);
	if (fd < 0) {
		*why = whyf("%s: %s", dst, strerror(errno));
		return false;
	}
	bool ok = fchmod(fd, 0644) == 0 && write(fd, data, len) == (ssize_t)len &&
		  fsync(fd) == 0;
	ok = close(fd) == 0 && ok;
	ok = ok && rename(tmp, dst) == 0;
	if (!ok) {
		*why = whyf("%s: %s", dst, strerror(errno));
		unlink(tmp);
	}
	return ok;
}

bool manifest_sign_dir(const char *dir, const struct evkey *k, const char **why)
{
	struct manifest m;
	struct manifest_sig s;
	char *text = NULL, *sigtext = NULL;
	size_t len = 0, siglen = 0;
	bool ok;

	if (!manifest_scan(&m, dir, why))
		return false;
	text = manifest_format(&m, &len);
	manifest_release(&m);
	if (!text) {
		*why = "out of memory";
		return false;
	}
	memcpy(s.pubkey, k->xonly, 32);
	hash_sha256(s.manifest_sha256, text, len);
	ok = evkey_sign(s.sig, k, s.manifest_sha256, why);
	if (ok && !(sigtext = manifest_sig_format(&s, &siglen))) {
		*why = "out of memory";
		ok = false;
	}
	ok = ok && write_atomic(dir, MANIFEST_NAME, text, len, why) &&
	     write_atomic(dir, MANIFEST_SIG_NAME, sigtext, siglen, why);
	free(text);
	free(sigtext);
	return ok;
}
