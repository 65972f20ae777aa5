/* Whole files in, CSV cells out: what the command line and the library's
 * writers and loaders share (fileio.h). */
#include "proceeds/fileio.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void fileio_csv_cell(FILE *f, const char *s)
{
	bool quote = strpbrk(s, ",\"\r\n") != NULL;
	bool neutral = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
		       s[0] == '\t' || s[0] == '\r';
	if (neutral)
		quote = true;
	if (quote)
		fputc('"', f);
	if (neutral)
		fputc('\'', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	if (quote)
		fputc('"', f);
}

bool fileio_read(char **out, size_t *len, const char *path, size_t max,
		 const char **why)
{
	FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf;

	*out = NULL;
	*len = 0;
	if (!f) {
		*why = strerror(errno);
		return false;
	}
	buf = malloc(cap + 1);
	for (;;) {
		if (!buf) {
			*why = "out of memory";
			break;
		}
		size_t r = fread(buf + n, 1, cap - n, f);
		n += r;
		if (n > max) {
			*why = "file too large";
			break;
		}
		if (r == 0) {
			if (ferror(f)) {
				*why = strerror(errno);
				break;
			}
			if (f != stdin)
				fclose(f);
			buf[n] = '\0';
			*out = buf;
			*len = n;
			return true;
		}
		if (n == cap) {
			char *nb = realloc(buf, cap * 2 + 1);
			if (!nb)
				free(buf);
			buf = nb;
			cap *= 2;
		}
	}
	free(buf);
	if (f != stdin)
		fclose(f);
	return false;
}
