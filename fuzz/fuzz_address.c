/* Typed addresses, WIF keys and the Base58/Bech32 layers under them, for
 * every network. Invariant: an address that decodes re-encodes from its
 * script to the same string (up to case and surrounding blanks), which
 * decodes to the same script. */
#include "fuzz.h"
#include "proceeds/address.h"
#include "proceeds/base58.h"
#include "proceeds/bech32.h"
#include "proceeds/network.h"

#include <ctype.h>
#include <strings.h>

/* Typed text is short: longer inputs only repeat the length checks. */
#define MAX_INPUT 256

static void trim(char *out, size_t cap, const char *s)
{
	size_t n;
	while (*s && isspace((unsigned char)*s))
		s++;
	n = strlen(s);
	while (n > 0 && isspace((unsigned char)s[n - 1]))
		n--;
	if (n >= cap)
		n = cap - 1;
	memcpy(out, s, n);
	out[n] = '\0';
}

static void round_trip(enum network net, const char *s, const struct address *a)
{
	char enc[ADDRESS_MAX], shown[MAX_INPUT + 1];
	struct address again;
	const char *why = NULL;

	FUZZ_CHECK(a->script_len > 0 && a->script_len <= sizeof(a->script));
	FUZZ_CHECK(address_from_script(enc, net, a->script, a->script_len));
	trim(shown, sizeof(shown), s);
	FUZZ_CHECK(strcasecmp(enc, shown) == 0);
	FUZZ_CHECK(address_decode(&again, net, enc, &why));
	FUZZ_CHECK(again.script_len == a->script_len &&
		   memcmp(again.script, a->script, a->script_len) == 0);
	FUZZ_CHECK(address_networks(enc) & (1u << net));
}

static void layers(const char *s)
{
	uint8_t buf[128], prog[40], data5[BECH32_MAX_LEN];
	char hrp[84];
	size_t n;
	unsigned ver;
	enum bech32_variant v;
	const char *why = NULL;

	if (!base58_decode(buf, sizeof(buf), &n, s, &why))
		FUZZ_CHECK(why != NULL);
	if (base58check_decode(buf, sizeof(buf), &n, s, &why))
		FUZZ_CHECK(n <= sizeof(buf));
	if (bech32_decode(hrp, data5, &n, &v, s, &why))
		FUZZ_CHECK(n <= BECH32_MAX_LEN && strlen(hrp) < sizeof(hrp));
	if (segwit_addr_decode(&ver, prog, &n, "bc", s, &why))
		FUZZ_CHECK(ver <= 16 && n >= 2 && n <= 40);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s;

	if (size > MAX_INPUT)
		return 0;
	s = fuzz_cstr(data, size);
	for (int n = 0; n < NETWORK_COUNT; n++) {
		struct address a;
		uint8_t key[32];
		bool compressed;
		const char *why = NULL;

		if (address_decode(&a, (enum network)n, s, &why))
			round_trip((enum network)n, s, &a);
		else
			FUZZ_CHECK(why != NULL && why[0] != '\0');
		if (!wif_decode(key, &compressed, (enum network)n, s, &why))
			FUZZ_CHECK(why != NULL);
	}
	(void)address_networks(s);
	layers(s);
	free(s);
	return 0;
}
