/* Composing a reason (the `const char **why` of a failing function) in a
 * buffer that outlives the call: the one way to build "<what>: <why>" in
 * proceeds. The usual case is a caller prefixing a callee's reason,
 * `"%s: %s", rel, *why`, where *why may already point into the caller's
 * own static buffer (the callee is in the same file and fills the same
 * buffer). snprintf into a buffer its arguments point into is undefined
 * behaviour: in practice the prefix overwrites the reason before it is
 * read, and the user gets a garbled line. why_fmt formats into a
 * temporary first and copies, so any argument may point into buf. */
#ifndef PROCEEDS_WHY_H
#define PROCEEDS_WHY_H

#include <stdarg.h>
#include <stddef.h>

/* The largest buffer why_fmt composes into (bytes, NUL included): the
 * temporary lives on the stack. A larger cap is a bug (assert). */
#define WHY_MAX 16384

/* Formats fmt and its arguments into buf (cap bytes, 0 < cap <= WHY_MAX),
 * truncated to cap - 1 bytes and NUL-terminated, and returns buf (so
 * `*why = why_fmt(why_buf, sizeof(why_buf), ...)`). Safe when any argument
 * points into buf, at its start or inside it: every argument is read
 * before buf is written. An encoding error leaves buf "". */
const char *why_fmt(char *buf, size_t cap, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* The same with a va_list, for helpers like fail(why, fmt, ...). */
const char *why_vfmt(char *buf, size_t cap, const char *fmt, va_list ap)
	__attribute__((format(printf, 3, 0)));

#endif
