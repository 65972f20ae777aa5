/* Shared by chain/ldbcheck*.c: LevelDB's little-endian fixed-width and
 * varint (LEB128) decoding, bounded by the end of the input. */
#ifndef PROCEEDS_LDBCHECK_INT_H
#define PROCEEDS_LDBCHECK_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

static inline uint32_t ldb_le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static inline uint64_t ldb_le64(const uint8_t *p)
{
	return (uint64_t)ldb_le32(p) | (uint64_t)ldb_le32(p + 4) << 32;
}

/* Decodes a varint of at most max_bits bits (32 or 64) at *p, not past
 * end; advances *p. False when cut short or too long (as LevelDB's
 * GetVarint32/64 refuse). */
static inline bool ldb_varint(uint64_t *v, const uint8_t **p, const uint8_t *end,
			      unsigned max_bits)
{
	uint64_t r = 0;
	for (unsigned shift = 0; shift < max_bits && *p < end; shift += 7) {
		uint8_t b = *(*p)++;
		r |= (uint64_t)(b & 0x7f) << shift;
		if (!(b & 0x80)) {
			*v = r;
			return true;
		}
	}
	return false;
}

/* A varint32 length followed by that many bytes; *s borrowed from input. */
static inline bool ldb_slice(const uint8_t **s, uint64_t *slen,
			     const uint8_t **p, const uint8_t *end)
{
	if (!ldb_varint(slen, p, end, 32) || *slen > (uint64_t)(end - *p))
		return false;
	*s = *p;
	*p += *slen;
	return true;
}

#endif
