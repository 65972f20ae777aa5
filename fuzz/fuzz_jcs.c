/* RFC 8785 canonical JSON of any JSON text (what evidence hashes are
 * taken over). Invariant: the canonical form parses back and is a fixed
 * point, and its SHA-256 is that of the bytes written. */
#include "fuzz.h"
#include "proceeds/hash.h"
#include "proceeds/jcs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	json_t *j = json_loadb((const char *)data, size,
			       JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
	char *out = NULL, *again = NULL;
	size_t len, len2;
	const char *why = NULL;

	if (!j)
		return 0;
	if (jcs_serialize(&out, &len, j, &why)) {
		json_t *j2 = json_loadb(out, len, JSON_DECODE_ANY | JSON_ALLOW_NUL, NULL);
		unsigned char h[32];
		uint8_t want[32];

		FUZZ_CHECK(j2 != NULL);
		FUZZ_CHECK(jcs_serialize(&again, &len2, j2, &why));
		FUZZ_CHECK(len2 == len && memcmp(out, again, len) == 0);
		FUZZ_CHECK(jcs_sha256(h, j, &why));
		hash_sha256(want, out, len);
		FUZZ_CHECK(memcmp(h, want, 32) == 0);
		free(again);
		json_decref(j2);
	} else {
		FUZZ_CHECK(out == NULL && why != NULL);
	}
	free(out);
	json_decref(j);
	return 0;
}
