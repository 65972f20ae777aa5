/* The bounds-checked reader: CompactSize and Core's VARINT read from
 * hostile bytes. Invariant: whatever decodes re-encodes to exactly the
 * bytes it was read from (both encodings are canonical), and a failed
 * cursor stays failed. */
#include "fuzz.h"
#include "proceeds/cursor.h"

static void step(struct cursor *c, uint8_t op)
{
	uint8_t enc[10];
	size_t at = c->pos;
	uint64_t v;
	uint32_t u32;

	switch (op % 4) {
	case 0:
		if (cursor_compact(c, &v, UINT64_MAX)) {
			FUZZ_CHECK(compact_write(enc, v) == c->pos - at);
			FUZZ_CHECK(compact_size(v) == c->pos - at);
			FUZZ_CHECK(memcmp(enc, c->p + at, c->pos - at) == 0);
		}
		break;
	case 1:
		if (cursor_varint(c, &v)) {
			FUZZ_CHECK(varint_write(enc, v) == c->pos - at);
			FUZZ_CHECK(memcmp(enc, c->p + at, c->pos - at) == 0);
		}
		break;
	case 2:
		(void)cursor_u32(c, &u32);
		break;
	case 3:
		(void)cursor_skip(c, op >> 2);
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cursor c;
	size_t half = size / 2;

	/* The first half drives which read comes next, the second is read. */
	cursor_init(&c, data + half, size - half);
	for (size_t i = 0; i < half; i++) {
		bool failed = c.why != NULL;
		step(&c, data[i]);
		FUZZ_CHECK(c.pos <= c.len);
		if (failed)
			FUZZ_CHECK(c.why != NULL && cursor_left(&c) == 0);
	}
	return 0;
}
