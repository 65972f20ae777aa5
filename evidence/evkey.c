/* BIP340 evidence keys over libsecp256k1 (extrakeys + schnorrsig). */
#include "proceeds/evkey.h"
#include "proceeds/hex.h"

#include <errno.h>
#include <fcntl.h>
#include <secp256k1.h>
#include <secp256k1_extrakeys.h>
#include <secp256k1_schnorrsig.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <unistd.h>

static bool random_bytes(uint8_t *out, size_t n, const char **why)
{
	size_t got = 0;
	while (got < n) {
		ssize_t r = getrandom(out + got, n - got, 0);
		if (r < 0) {
			if (errno == EINTR)
				continue;
			*why = "getrandom failed: no kernel randomness";
			return false;
		}
		got += (size_t)r;
	}
	return true;
}

/* A signing context, randomized against side channels (caller destroys). */
static secp256k1_context *sign_ctx(const char **why)
{
	uint8_t seed[32];
	secp256k1_context *ctx = secp256k1_context_create(SECP256K1_CONTEXT_NONE);
	if (!ctx) {
		*why = "cannot create a secp256k1 context";
		return NULL;
	}
	if (!random_bytes(seed, sizeof(seed), why) ||
	    !secp256k1_context_randomize(ctx, seed)) {
		if (*why == NULL)
			*why = "cannot randomize the secp256k1 context";
		secp256k1_context_destroy(ctx);
		return NULL;
	}
	explicit_bzero(seed, sizeof(seed));
	return ctx;
}

static bool keypair_of(secp256k1_context *ctx, secp256k1_keypair *kp,
		       const uint8_t secret[32], const char **why)
{
	if (!secp256k1_keypair_create(ctx, kp, secret)) {
		*why = "invalid secret key (zero or not below the curve order)";
		return false;
	}
	return true;
}

bool evkey_from_secret(struct evkey *out, const uint8_t secret[32], const char **why)
{
	secp256k1_keypair kp;
	secp256k1_xonly_pubkey pk;
	secp256k1_context *ctx;
	bool ok;

	memset(out, 0, sizeof(*out));
	*why = NULL;
	ctx = sign_ctx(why);
	if (!ctx)
		return false;
	ok = keypair_of(ctx, &kp, secret, why) &&
	     secp256k1_keypair_xonly_pub(ctx, &pk, NULL, &kp) &&
	     secp256k1_xonly_pubkey_serialize(ctx, out->xonly, &pk);
	if (ok)
		memcpy(out->secret, secret, 32);
	else if (!*why)
		*why = "cannot derive the public key";
	explicit_bzero(&kp, sizeof(kp));
	secp256k1_context_destroy(ctx);
	return ok;
}

bool evkey_generate(struct evkey *out, const char **why)
{
	uint8_t secret[32];
	memset(out, 0, sizeof(*out));
	/* A random 256-bit value is a valid secret except with probability
	 * about 2^-128; the loop is for correctness, not expected to turn. */
	for (int tries = 0; tries < 64; tries++) {
		if (!random_bytes(secret, sizeof(secret), why))
			return false;
		if (evkey_from_secret(out, secret, why)) {
			explicit_bzero(secret, sizeof(secret));
			return true;
		}
	}
	explicit_bzero(secret, sizeof(secret));
	return false;
}

void evkey_wipe(struct evkey *k)
{
	explicit_bzero(k, sizeof(*k));
}

bool evkey_write_file(const struct evkey *k, const char *path, const char **why)
{
	char line[sizeof(EVKEY_FILE_HEADER) + 66];
	char hex[65];
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	bool ok;

	if (fd < 0) {
		*why = errno == EEXIST ? "file exists; refusing to overwrite a key"
				       : strerror(errno);
		return false;
	}
	hex_encode(hex, k->secret, 32);
	int n = snprintf(line, sizeof(line), "%s %s\n", EVKEY_FILE_HEADER, hex);
	/* umask may have narrowed the mode, never widened it; make it exact. */
	ok = fchmod(fd, 0600) == 0 && write(fd, line, (size_t)n) == n &&
	     fsync(fd) == 0;
	if (!ok)
		*why = strerror(errno);
	explicit_bzero(line, sizeof(line));
	explicit_bzero(hex, sizeof(hex));
	if (close(fd) != 0 && ok) {
		*why = strerror(errno);
		ok = false;
	}
	if (!ok)
		unlink(path);
	return ok;
}

static bool parse_key_line(struct evkey *out, char *buf, size_t n, const char **why)
{
	size_t hl = strlen(EVKEY_FILE_HEADER);
	uint8_t secret[32];
	bool ok;

	if (n > 0 && buf[n - 1] == '\n')
		n--;
	if (n < hl + 1 || memcmp(buf, EVKEY_FILE_HEADER, hl) != 0 || buf[hl] != ' ') {
		*why = "not a proceeds key file (expected header "
		       EVKEY_FILE_HEADER ")";
		return false;
	}
	if (n - hl - 1 != 64 || !hex_decode(secret, buf + hl + 1, 64, why)) {
		*why = "key file: the secret must be 64 hex digits";
		return false;
	}
	ok = evkey_from_secret(out, secret, why);
	explicit_bzero(secret, sizeof(secret));
	return ok;
}

bool evkey_read_file(struct evkey *out, const char *path, const char **why)
{
	static char mode_why[128];
	char buf[256];
	struct stat st;
	ssize_t n;
	int fd;
	bool ok = false;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		*why = strerror(errno);
		return false;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		*why = "not a regular file";
	} else if (st.st_mode & 077) {
		snprintf(mode_why, sizeof(mode_why),
			 "key file is accessible by group or others (mode %04o); "
			 "run chmod 600 on it", (unsigned)(st.st_mode & 07777));
		*why = mode_why;
	} else if ((n = read(fd, buf, sizeof(buf) - 1)) < 0) {
		*why = strerror(errno);
	} else {
		buf[n] = '\0';
		ok = parse_key_line(out, buf, (size_t)n, why);
	}
	explicit_bzero(buf, sizeof(buf));
	close(fd);
	return ok;
}

const char *evkey_default_path(char *buf, size_t bufsz)
{
	const char *env = getenv("PROCEEDS_KEY");
	const char *home = getenv("HOME");
	if (env && *env)
		snprintf(buf, bufsz, "%s", env);
	else
		snprintf(buf, bufsz, "%s/.proceeds/evidence.key", home ? home : ".");
	return buf;
}

bool evkey_sign_aux(uint8_t sig[64], const struct evkey *k, const uint8_t msg32[32],
		    const uint8_t aux32[32], const char **why)
{
	secp256k1_keypair kp;
	secp256k1_context *ctx;
	bool ok;

	*why = NULL;
	ctx = sign_ctx(why);
	if (!ctx)
		return false;
	ok = keypair_of(ctx, &kp, k->secret, why) &&
	     secp256k1_schnorrsig_sign32(ctx, sig, msg32, &kp, aux32);
	explicit_bzero(&kp, sizeof(kp));
	secp256k1_context_destroy(ctx);
	if (ok && !evkey_verify(sig, msg32, k->xonly))
		ok = false;
	if (!ok && !*why)
		*why = "signing failed";
	return ok;
}

bool evkey_sign(uint8_t sig[64], const struct evkey *k, const uint8_t msg32[32],
		const char **why)
{
	uint8_t aux[32];
	bool ok = random_bytes(aux, sizeof(aux), why) &&
		  evkey_sign_aux(sig, k, msg32, aux, why);
	explicit_bzero(aux, sizeof(aux));
	return ok;
}

bool evkey_verify(const uint8_t sig[64], const uint8_t msg32[32], const uint8_t xonly[32])
{
	secp256k1_xonly_pubkey pk;
	if (!secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, xonly))
		return false;
	return secp256k1_schnorrsig_verify(secp256k1_context_static, sig, msg32, 32,
					   &pk) == 1;
}

bool evkey_pubkey_parse(uint8_t xonly[32], const char *hex, const char **why)
{
	secp256k1_xonly_pubkey pk;
	if (strlen(hex) != 64 || !hex_decode(xonly, hex, 64, why)) {
		*why = "public key must be 64 hex digits (BIP340 x-only)";
		return false;
	}
	if (!secp256k1_xonly_pubkey_parse(secp256k1_context_static, &pk, xonly)) {
		*why = "public key is not a point on secp256k1";
		return false;
	}
	return true;
}
