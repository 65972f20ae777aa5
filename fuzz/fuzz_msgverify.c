/* Signed messages (`proceeds verify-message`): an address, a base64
 * signature and a message from someone else, and the base64 layer.
 * Input: address NL signature NL message. Invariant: strict base64 that
 * decodes re-encodes to the same text. */
#include "fuzz.h"
#include "proceeds/base64.h"
#include "proceeds/msgverify.h"

static void base64(const char *s, size_t n)
{
	uint8_t out[128];
	size_t olen;
	const char *why = NULL;

	if (n > 160)
		return;
	if (base64_decode(out, sizeof(out), &olen, s, n, &why)) {
		char back[176];
		FUZZ_CHECK(base64_encoded_len(olen) == n);
		base64_encode(back, out, olen);
		FUZZ_CHECK(memcmp(back, s, n) == 0 && back[n] == '\0');
	} else {
		FUZZ_CHECK(why != NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s = fuzz_cstr(data, size), *addr = s, *sig, *msg;
	struct msgverify_info info;
	const char *why = NULL;
	enum msgverify_result r;

	sig = strchr(addr, '\n');
	if (!sig || !(msg = strchr(sig + 1, '\n'))) {
		free(s);
		return 0;
	}
	*sig++ = '\0';
	*msg++ = '\0';
	base64(sig, strlen(sig));
	r = msgverify(&info, NETWORK_MAIN, addr, sig, (const uint8_t *)msg,
		      size - (size_t)(msg - s), &why);
	if (r != MSGVERIFY_VALID)
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	free(s);
	return 0;
}
