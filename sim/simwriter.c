/* Atomic output folder of the simulator (simwriter.h). */
#include "proceeds/simwriter.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static bool exists(const char *dir, const char *name)
{
	char p[8600];
	struct stat st;
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	return stat(p, &st) == 0;
}

static void rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *e;
	char p[8600];
	if (!d) {
		unlink(path);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		snprintf(p, sizeof(p), "%s/%s", path, e->d_name);
		rm_rf(p);
	}
	closedir(d);
	rmdir(path);
}

/* The temporary folder: "<parent>/.<base>.tmp-XXXXXX". */
static bool make_tmp(struct simwriter *w, const char **why)
{
	const char *slash = strrchr(w->out, '/');
	const char *base = slash ? slash + 1 : w->out;
	int plen = slash ? (int)(slash - w->out) : 0;
	if (*base == '\0') {
		*why = "output folder name is empty";
		return false;
	}
	snprintf(w->tmp, sizeof(w->tmp), "%.*s%s.%s.tmp-XXXXXX", plen, w->out,
		 slash ? "/" : "", base);
	if (!mkdtemp(w->tmp)) {
		*why = strerror(errno);
		return false;
	}
	/* mkdtemp makes it private; the result is an ordinary folder. */
	mode_t mask = umask(0);
	umask(mask);
	(void)!chmod(w->tmp, 0777 & ~mask);
	snprintf(w->blocks, sizeof(w->blocks), "%s/blocks", w->tmp);
	if (mkdir(w->blocks, 0777) != 0) {
		*why = strerror(errno);
		rm_rf(w->tmp);
		return false;
	}
	return true;
}

bool simwriter_open(struct simwriter *w, const char *out, bool force,
		    const char **why)
{
	size_t n = strlen(out);
	memset(w, 0, sizeof(*w));
	while (n > 1 && out[n - 1] == '/')
		n--;
	if (n == 0 || n >= sizeof(w->out) - 64) {
		*why = "bad output folder name";
		return false;
	}
	memcpy(w->out, out, n);
	if (!force && (exists(w->out, "blocks") || exists(w->out, "truth.json"))) {
		*why = "already holds a simulated chain (use --force to replace it)";
		return false;
	}
	if (!make_tmp(w, why))
		return false;
	w->addresses = simwriter_file(w, ".addresses.part", why);
	w->tags = w->addresses ? simwriter_file(w, "tags.csv", why) : NULL;
	if (!w->tags) {
		simwriter_abort(w);
		return false;
	}
	fputs("address,label,category,source,confidence\n", w->tags);
	return true;
}

FILE *simwriter_file(struct simwriter *w, const char *name, const char **why)
{
	char p[8600];
	snprintf(p, sizeof(p), "%s/%s", w->tmp, name);
	FILE *f = fopen(p, "w");
	if (!f)
		*why = strerror(errno);
	return f;
}

bool simwriter_close_file(struct simwriter *w, FILE *f, const char **why)
{
	bool ok = !ferror(f) && fflush(f) == 0 && fsync(fileno(f)) == 0;
	if (!ok)
		*why = strerror(errno ? errno : EIO);
	if (fclose(f) != 0 && ok) {
		*why = strerror(errno);
		ok = false;
	}
	if (!ok)
		w->failed = true;
	return ok;
}

int simwriter_add_exchange(struct simwriter *w, const char *name, const char **why)
{
	char file[128];
	if (w->n_deposit_files == SIMWRITER_MAX_EXCHANGES) {
		*why = "too many exchanges";
		return -1;
	}
	snprintf(file, sizeof(file), "exchange-%s-deposits.csv", name);
	FILE *f = simwriter_file(w, file, why);
	if (!f)
		return -1;
	fputs("address,customer,height\n", f);
	w->deposits[w->n_deposit_files] = f;
	return (int)w->n_deposit_files++;
}

void simwriter_address(struct simwriter *w, const char *addr, uint32_t entity,
		       const char *role)
{
	fprintf(w->addresses, "%s[\"%s\",%u,\"%s\"]", w->n_addresses ? ",\n" : "",
		addr, entity, role);
	w->n_addresses++;
}

void simwriter_tag(struct simwriter *w, const char *addr, const char *label,
		   const char *category, unsigned confidence)
{
	fprintf(w->tags, "%s,%s,%s,proceeds-simulate,%u\n", addr, label, category,
		confidence);
	w->n_tags++;
}

void simwriter_deposit(struct simwriter *w, int ex, const char *addr,
		       const char *customer, uint32_t height)
{
	fprintf(w->deposits[ex], "%s,%s,%u\n", addr, customer, height);
}

bool simwriter_copy_addresses(struct simwriter *w, FILE *f, const char **why)
{
	char buf[65536];
	size_t n;
	if (fflush(w->addresses) != 0 || fseek(w->addresses, 0, SEEK_SET) != 0) {
		*why = strerror(errno);
		return false;
	}
	/* The part file was opened "w": reopen it for reading. */
	char p[8600];
	snprintf(p, sizeof(p), "%s/.addresses.part", w->tmp);
	FILE *in = fopen(p, "r");
	if (!in) {
		*why = strerror(errno);
		return false;
	}
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0) {
		if (fwrite(buf, 1, n, f) != n) {
			*why = strerror(errno ? errno : EIO);
			fclose(in);
			return false;
		}
	}
	fclose(in);
	return true;
}

static bool close_streams(struct simwriter *w, const char **why)
{
	bool ok = true;
	const char *e = NULL;
	if (w->addresses) {
		fclose(w->addresses);
		w->addresses = NULL;
	}
	if (w->tags) {
		ok = simwriter_close_file(w, w->tags, &e) && ok;
		w->tags = NULL;
	}
	for (unsigned i = 0; i < w->n_deposit_files; i++) {
		if (w->deposits[i])
			ok = simwriter_close_file(w, w->deposits[i], &e) && ok;
		w->deposits[i] = NULL;
	}
	if (!ok)
		*why = e;
	return ok;
}

/* Moves an existing out aside (it was checked or forced at open). */
static bool replace_out(struct simwriter *w, char *old, size_t oldsz,
			const char **why)
{
	struct stat st;
	old[0] = '\0';
	if (stat(w->out, &st) != 0)
		return true;
	if (!S_ISDIR(st.st_mode)) {
		*why = "output path exists and is not a folder";
		return false;
	}
	if (rmdir(w->out) == 0)
		return true;
	snprintf(old, oldsz, "%s.old", w->tmp);
	if (rename(w->out, old) != 0) {
		*why = strerror(errno);
		old[0] = '\0';
		return false;
	}
	return true;
}

bool simwriter_commit(struct simwriter *w, const char **why)
{
	char p[8600], old[8600];
	if (!close_streams(w, why) || w->failed) {
		if (!*why)
			*why = "a write failed";
		simwriter_abort(w);
		return false;
	}
	snprintf(p, sizeof(p), "%s/.addresses.part", w->tmp);
	unlink(p);
	if (!replace_out(w, old, sizeof(old), why)) {
		simwriter_abort(w);
		return false;
	}
	if (rename(w->tmp, w->out) != 0) {
		*why = errno == ENOTEMPTY || errno == EEXIST
			       ? "output folder exists and is not empty"
			       : strerror(errno);
		if (old[0])
			(void)!rename(old, w->out);
		simwriter_abort(w);
		return false;
	}
	if (old[0])
		rm_rf(old);
	return true;
}

void simwriter_abort(struct simwriter *w)
{
	const char *why = NULL;
	(void)!close_streams(w, &why);
	if (w->tmp[0])
		rm_rf(w->tmp);
	w->tmp[0] = '\0';
}
