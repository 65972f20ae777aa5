/* Reading ../shared/real files for tests and benchmarks. */
#include "helper_real.h"
#include "helper.h"
#include "proceeds/network.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

uint8_t *helper_read_bz2(const char *path, size_t *len)
{
	char cmd[4200];
	size_t cap = 1 << 20, n = 0, r;
	uint8_t *buf = malloc(cap);
	FILE *p;

	if (!buf || strchr(path, '\'')) {
		free(buf);
		return NULL;
	}
	snprintf(cmd, sizeof(cmd), "bzip2 -dc '%s'", path);
	p = popen(cmd, "r");
	if (!p) {
		free(buf);
		return NULL;
	}
	while ((r = fread(buf + n, 1, cap - n, p)) > 0) {
		n += r;
		if (n == cap) {
			uint8_t *nb = realloc(buf, cap *= 2);
			if (!nb)
				break;
			buf = nb;
		}
	}
	if (pclose(p) != 0 || n == cap) {
		free(buf);
		return NULL;
	}
	*len = n;
	return buf;
}

uint8_t *helper_read_any(const char *path, size_t *len)
{
	size_t pl = strlen(path);
	if (pl > 4 && strcmp(path + pl - 4, ".bz2") == 0)
		return helper_read_bz2(path, len);
	return helper_read_file(path, len);
}

bool helper_unframe(const uint8_t **block, size_t *block_len,
		    const uint8_t *buf, size_t len)
{
	enum network net;
	uint32_t sz;
	if (len < 8 || !network_from_magic(&net, buf))
		return false;
	sz = (uint32_t)buf[4] | (uint32_t)buf[5] << 8 | (uint32_t)buf[6] << 16 |
	     (uint32_t)buf[7] << 24;
	if (sz != len - 8)
		return false;
	*block = buf + 8;
	*block_len = sz;
	return true;
}
