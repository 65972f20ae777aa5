/* An evidence package's MANIFEST and MANIFEST.sig as received from someone
 * else. The first byte picks which. Invariant: both parsers are strict, so
 * whatever they accept formats back to exactly the same bytes. */
#include "fuzz.h"
#include "proceeds/manifest.h"

static void manifest(const char *text, size_t len)
{
	struct manifest m;
	const char *why = NULL;
	char *out;
	size_t olen;

	manifest_init(&m);
	if (manifest_parse(&m, text, len, &why)) {
		out = manifest_format(&m, &olen);
		FUZZ_CHECK(out != NULL);
		FUZZ_CHECK(olen == len && memcmp(out, text, len) == 0);
		free(out);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	manifest_release(&m);
}

static void signature(const char *text, size_t len)
{
	struct manifest_sig s;
	const char *why = NULL;
	char *out;
	size_t olen;

	if (!manifest_sig_parse(&s, text, len, &why)) {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
		return;
	}
	out = manifest_sig_format(&s, &olen);
	FUZZ_CHECK(out != NULL);
	FUZZ_CHECK(olen == len && memcmp(out, text, len) == 0);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	if (data[0] & 1)
		signature((const char *)data + 1, size - 1);
	else
		manifest((const char *)data + 1, size - 1);
	return 0;
}
