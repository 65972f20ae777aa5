/* Bounds-checked reads of Bitcoin's integer encodings. */
#include "proceeds/cursor.h"

#include <string.h>

void cursor_fail(struct cursor *c, const char *why)
{
	if (!c->why)
		c->why = why;
}

static bool need(struct cursor *c, size_t n)
{
	if (c->why)
		return false;
	if (n > c->len - c->pos) {
		cursor_fail(c, "unexpected end of data");
		return false;
	}
	return true;
}

bool cursor_u8(struct cursor *c, uint8_t *out)
{
	if (!need(c, 1))
		return false;
	*out = c->p[c->pos++];
	return true;
}

bool cursor_u32(struct cursor *c, uint32_t *out)
{
	if (!need(c, 4))
		return false;
	const uint8_t *p = c->p + c->pos;
	*out = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
	c->pos += 4;
	return true;
}

bool cursor_u64(struct cursor *c, uint64_t *out)
{
	uint32_t lo, hi;
	if (!cursor_u32(c, &lo) || !cursor_u32(c, &hi))
		return false;
	*out = (uint64_t)hi << 32 | lo;
	return true;
}

bool cursor_bytes(struct cursor *c, void *out, size_t n)
{
	if (!need(c, n))
		return false;
	memcpy(out, c->p + c->pos, n);
	c->pos += n;
	return true;
}

bool cursor_span(struct cursor *c, const uint8_t **out, size_t n)
{
	if (!need(c, n))
		return false;
	*out = c->p + c->pos;
	c->pos += n;
	return true;
}

bool cursor_skip(struct cursor *c, size_t n)
{
	if (!need(c, n))
		return false;
	c->pos += n;
	return true;
}

bool cursor_compact(struct cursor *c, uint64_t *out, uint64_t max)
{
	uint8_t b;
	uint64_t v;

	if (!cursor_u8(c, &b))
		return false;
	if (b < 0xfd) {
		v = b;
	} else if (b == 0xfd) {
		if (!need(c, 2))
			return false;
		v = (uint64_t)c->p[c->pos] | (uint64_t)c->p[c->pos + 1] << 8;
		c->pos += 2;
		if (v < 0xfd)
			return cursor_fail(c, "non-canonical compact size"), false;
	} else if (b == 0xfe) {
		uint32_t v32;
		if (!cursor_u32(c, &v32))
			return false;
		v = v32;
		if (v < 0x10000)
			return cursor_fail(c, "non-canonical compact size"), false;
	} else {
		if (!cursor_u64(c, &v))
			return false;
		if (v < 0x100000000ULL)
			return cursor_fail(c, "non-canonical compact size"), false;
	}
	if (v > max)
		return cursor_fail(c, "size too large"), false;
	*out = v;
	return true;
}

bool cursor_varint(struct cursor *c, uint64_t *out)
{
	uint64_t n = 0;
	for (int i = 0; i < 10; i++) {
		uint8_t b;
		if (!cursor_u8(c, &b))
			return false;
		if (n > (UINT64_MAX >> 7))
			return cursor_fail(c, "varint too large"), false;
		n = (n << 7) | (b & 0x7f);
		if (!(b & 0x80)) {
			*out = n;
			return true;
		}
		if (n == UINT64_MAX)
			return cursor_fail(c, "varint too large"), false;
		n++;
	}
	cursor_fail(c, "varint too long");
	return false;
}

size_t compact_size(uint64_t v)
{
	return v < 0xfd ? 1 : v <= 0xffff ? 3 : v <= 0xffffffffULL ? 5 : 9;
}

size_t compact_write(uint8_t *out, uint64_t v)
{
	size_t n = compact_size(v);
	if (n == 1) {
		out[0] = (uint8_t)v;
		return 1;
	}
	out[0] = n == 3 ? 0xfd : n == 5 ? 0xfe : 0xff;
	for (size_t i = 1; i < n; i++)
		out[i] = (uint8_t)(v >> (8 * (i - 1)));
	return n;
}

size_t varint_write(uint8_t *out, uint64_t v)
{
	uint8_t tmp[10];
	size_t len = 0;
	for (;;) {
		tmp[len] = (uint8_t)((v & 0x7f) | (len ? 0x80 : 0x00));
		if (v <= 0x7f)
			break;
		v = (v >> 7) - 1;
		len++;
	}
	for (size_t i = 0; i <= len; i++)
		out[i] = tmp[len - i];
	return len + 1;
}
