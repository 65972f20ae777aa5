/* Alias-safe composition of reasons (see why.h). */
#include "proceeds/why.h"

#include <assert.h>
#include <stdio.h>
#include <string.h>

const char *why_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
{
	char tmp[WHY_MAX];
	int n;

	assert(buf && cap > 0 && cap <= WHY_MAX);
	/* Every argument is read here, before buf is touched. */
	n = vsnprintf(tmp, cap, fmt, ap);
	if (n < 0)
		tmp[0] = '\0';
	memcpy(buf, tmp, strlen(tmp) + 1);
	return buf;
}

const char *why_fmt(char *buf, size_t cap, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	why_vfmt(buf, cap, fmt, ap);
	va_end(ap);
	return buf;
}
