/* Helpers shared by the test programs (tests/helper_*.c). */
#ifndef PROCEEDS_TESTS_HELPER_H
#define PROCEEDS_TESTS_HELPER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Path of ../shared (or $PROCEEDS_SHARED), or NULL after printing
 * "skip: ../shared not found" once. Borrowed static string. */
const char *helper_shared_dir(void);

/* Path under ../shared into buf; NULL when ../shared is absent. */
const char *helper_shared_path(char *buf, size_t bufsz, const char *rel);

/* Reads a whole file into a new buffer (caller frees); NULL if unreadable. */
uint8_t *helper_read_file(const char *path, size_t *len);

/* A fresh empty temporary directory (caller removes it with
 * helper_rm_rf). Static buffer, valid until the next call. */
const char *helper_tmpdir(void);
void helper_rm_rf(const char *path);

#endif
