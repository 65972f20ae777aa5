/* The entry point every fuzz/fuzz_<name>.c defines, and small helpers they
 * share. Each target is built twice: with libFuzzer (`make fuzz`), and
 * renamed by -DLLVMFuzzerTestOneInput=fuzz_<name>_entry into the replay of
 * tests/fuzz-regress/ that `make check` runs (tests/test_fuzz_regress.c).
 * A target returns 0 for any input; a broken invariant is an abort(), so
 * both libFuzzer and the replay test see it. */
#ifndef PROCEEDS_FUZZ_H
#define PROCEEDS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A NUL-terminated copy of data[0..size) (caller frees). Embedded NULs
 * stay, so C-string parsers see a prefix, as they would from a file. */
static inline char *fuzz_cstr(const uint8_t *data, size_t size)
{
	char *s = malloc(size + 1);
	if (!s)
		abort();
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* Aborts with a message when an invariant does not hold. */
#define FUZZ_CHECK(cond)                                                   \
	do {                                                               \
		if (!(cond)) {                                             \
			fprintf(stderr, "%s:%d: invariant failed: %s\n",   \
				__FILE__, __LINE__, #cond);                \
			abort();                                           \
		}                                                          \
	} while (0)

#endif
