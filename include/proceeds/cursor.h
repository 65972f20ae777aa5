/* A bounds-checked reader over untrusted bytes. Every read either succeeds
 * completely or leaves the cursor failed (all later reads fail too), so a
 * parser can read a whole structure and check once. */
#ifndef PROCEEDS_CURSOR_H
#define PROCEEDS_CURSOR_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

struct cursor {
	const uint8_t *p;   /* borrowed: the buffer being read */
	size_t len;         /* its length */
	size_t pos;         /* next byte to read */
	const char *why;    /* first failure, NULL while ok */
};

static inline void cursor_init(struct cursor *c, const void *p, size_t len)
{
	c->p = p;
	c->len = len;
	c->pos = 0;
	c->why = NULL;
}

static inline size_t cursor_left(const struct cursor *c)
{
	return c->why ? 0 : c->len - c->pos;
}

/* Marks the cursor failed with a static reason (the first reason wins). */
void cursor_fail(struct cursor *c, const char *why);

/* Each returns false (and fails the cursor) when the bytes are not there. */
bool cursor_u8(struct cursor *c, uint8_t *out);
bool cursor_u32(struct cursor *c, uint32_t *out);   /* little-endian */
bool cursor_u64(struct cursor *c, uint64_t *out);   /* little-endian */
bool cursor_bytes(struct cursor *c, void *out, size_t n);
/* A pointer into the buffer for n bytes (borrowed like the buffer). */
bool cursor_span(struct cursor *c, const uint8_t **out, size_t n);
bool cursor_skip(struct cursor *c, size_t n);

/* Bitcoin's CompactSize, canonical form required (Core rejects non-minimal
 * encodings), and at most max. */
bool cursor_compact(struct cursor *c, uint64_t *out, uint64_t max);

/* Core's VARINT (MSB base-128 with the +1 twist), used in undo data. */
bool cursor_varint(struct cursor *c, uint64_t *out);

/* Writers for the same encodings; return the number of bytes written to
 * out, which must have room for 9 (compact) or 10 (varint) bytes. */
size_t compact_write(uint8_t *out, uint64_t v);
size_t varint_write(uint8_t *out, uint64_t v);
/* Bytes compact_write would use. */
size_t compact_size(uint64_t v);

#endif
