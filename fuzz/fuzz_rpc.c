/* What a node (or a file beside it) hands the RPC client without HTTP in
 * the way: the cookie file, and a getblock answer checked against the hash
 * asked for. Invariants: a cookie's reason never contains its password
 * part, and a block passes rpc_check_block only if its header hashes to
 * the hash asked for. */
#include "fuzz.h"
#include "proceeds/hash.h"
#include "proceeds/rpc.h"
#include "proceeds/tx.h"

static void cookie(const uint8_t *data, size_t size)
{
	char user[64], pass[128];
	const char *why = NULL;
	const char *colon = memchr(data, ':', size);

	if (rpc_parse_cookie(user, sizeof(user), pass, sizeof(pass),
			     (const char *)data, size, &why)) {
		FUZZ_CHECK(user[0] != '\0' && pass[0] != '\0');
		return;
	}
	FUZZ_CHECK(why != NULL);
	/* A secret of 8+ bytes after the colon must not show in the reason. */
	if (colon && size - (size_t)(colon - (const char *)data) > 8) {
		char secret[9];
		memcpy(secret, colon + 1, 8);
		secret[8] = '\0';
		if (strlen(secret) == 8)
			FUZZ_CHECK(strstr(why, secret) == NULL);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hash256 want;
	const char *why = NULL;

	cookie(data, size);
	if (size >= 80) {
		block_header_hash(&want, data);
		if (!rpc_check_block(data, size, &want, &why))
			FUZZ_CHECK(why != NULL);
		want.b[0] ^= 1;
		FUZZ_CHECK(!rpc_check_block(data, size, &want, &why));
	}
	return 0;
}
