/* Helpers for tests and benchmarks that read ../shared/real: compressed
 * files and the blk record framing. */
#ifndef PROCEEDS_TESTS_HELPER_REAL_H
#define PROCEEDS_TESTS_HELPER_REAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Decompresses a .bz2 file with `bzip2 -dc` into a new buffer (caller
 * frees); NULL if bzip2 is missing or the file unreadable. */
uint8_t *helper_read_bz2(const char *path, size_t *len);

/* Reads a file, decompressing it when its name ends in ".bz2". */
uint8_t *helper_read_any(const char *path, size_t *len);

/* If buf[0..len) is one blk record (4-byte magic, uint32 LE size, block),
 * sets *block and *block_len to the block inside it. False otherwise. */
bool helper_unframe(const uint8_t **block, size_t *block_len,
		    const uint8_t *buf, size_t len);

#endif
