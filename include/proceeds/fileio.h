/* Whole files in, CSV cells out: shared by the command line and by the
 * library's writers (reports, watchlists) and loaders (packages). */
#ifndef PROCEEDS_FILEIO_H
#define PROCEEDS_FILEIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Writes a CSV cell to f, quoted when needed, and neutralised (a leading
 * apostrophe) when it begins with = + - @ tab or CR, so that spreadsheets
 * do not run it. */
void fileio_csv_cell(FILE *f, const char *s);

/* Reads a whole file ("-" = stdin) into a new NUL-terminated buffer
 * (caller frees *out), at most max bytes. False with *why (a static
 * string or strerror's) otherwise. */
bool fileio_read(char **out, size_t *len, const char *path, size_t max,
		 const char **why) __attribute__((warn_unused_result));

#endif
