/* Helpers shared by the test programs. */
#include "helper.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

const char *helper_shared_dir(void)
{
	static char path[4096];
	static bool warned;
	const char *env = getenv("PROCEEDS_SHARED");
	struct stat st;
	const char *cands[] = { env, "../shared", "../../shared" };

	for (size_t i = 0; i < sizeof(cands) / sizeof(cands[0]); i++) {
		if (!cands[i])
			continue;
		snprintf(path, sizeof(path), "%s/real", cands[i]);
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			snprintf(path, sizeof(path), "%s", cands[i]);
			return path;
		}
	}
	if (!warned) {
		printf("skip: ../shared not found\n");
		warned = true;
	}
	return NULL;
}

const char *helper_shared_path(char *buf, size_t bufsz, const char *rel)
{
	const char *dir = helper_shared_dir();
	if (!dir)
		return NULL;
	snprintf(buf, bufsz, "%s/%s", dir, rel);
	return buf;
}

uint8_t *helper_read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *buf;
	long n;
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	if (buf) {
		buf[n] = 0;
		*len = (size_t)n;
	}
	return buf;
}

const char *helper_tmpdir(void)
{
	static char path[256];
	const char *base = getenv("TMPDIR");
	snprintf(path, sizeof(path), "%s/proceeds-test-XXXXXX", base ? base : "/tmp");
	if (!mkdtemp(path))
		abort();
	return path;
}

void helper_rm_rf(const char *path)
{
	char cmd[600];
	if (!path || !*path || strcmp(path, "/") == 0)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	if (system(cmd) != 0)
		fprintf(stderr, "warning: could not remove %s\n", path);
}
