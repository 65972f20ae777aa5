/* Tags as read back from a (possibly damaged) database: tag_decode of a key
 * and value. The first two bytes give the key's length. Invariant: what
 * decodes re-encodes to a key of the same length and to a value that
 * decodes to the same tag. */
#include "fuzz.h"
#include "proceeds/tags.h"

static void same(const struct tag *a, const struct tag *b)
{
	FUZZ_CHECK(strcmp(a->address, b->address) == 0);
	FUZZ_CHECK(a->owner_key_len == b->owner_key_len &&
		   memcmp(a->owner_key, b->owner_key, a->owner_key_len) == 0);
	FUZZ_CHECK(a->category == b->category && a->score == b->score);
	FUZZ_CHECK(strcmp(a->label, b->label) == 0);
	FUZZ_CHECK(strcmp(a->source, b->source) == 0);
	FUZZ_CHECK(strcmp(a->category_orig, b->category_orig) == 0);
	FUZZ_CHECK(strcmp(a->confidence, b->confidence) == 0);
	FUZZ_CHECK(strcmp(a->date, b->date) == 0);
	FUZZ_CHECK(strcmp(a->origin, b->origin) == 0);
	FUZZ_CHECK(strcmp(a->imported, b->imported) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct tag t, t2;
	uint8_t key[TAG_KEY_MAX], *val;
	size_t klen, vlen;
	const char *why = NULL;

	if (size < 2)
		return 0;
	klen = ((size_t)data[0] << 8 | data[1]) % (size - 1);
	data += 2;
	size -= 2;
	if (!tag_decode(&t, data, klen, data + klen, size - klen, &why)) {
		FUZZ_CHECK(why != NULL);
		return 0;
	}
	FUZZ_CHECK(tag_category_name(t.category) != NULL);
	val = tag_encode(&vlen, &t);
	FUZZ_CHECK(val != NULL);
	FUZZ_CHECK(tag_key(key, &t) == klen);
	FUZZ_CHECK(tag_decode(&t2, key, klen, val, vlen, &why));
	same(&t, &t2);
	free(val);
	return 0;
}
