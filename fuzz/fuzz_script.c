/* Output scripts: classification, the address shown for them, the owner
 * key and its inverse, multisig keys and the output's JSON. Invariant: an
 * owner key with an address kind rebuilds a script with the same key. */
#include "fuzz.h"
#include "proceeds/address.h"
#include "proceeds/script.h"
#include "proceeds/tx.h"
#include "proceeds/txjson.h"

static void owner_key(const uint8_t *data, size_t size)
{
	uint8_t key[SCRIPT_KEY_MAX], key2[SCRIPT_KEY_MAX], rebuilt[42];
	size_t klen = script_owner_key(key, data, size), rlen;

	FUZZ_CHECK(klen >= 2 && klen <= SCRIPT_KEY_MAX);
	rlen = script_from_owner_key(rebuilt, key, klen);
	if (key[0] == SCRIPT_KEY_SCRIPT) {
		FUZZ_CHECK(rlen == 0);
		return;
	}
	FUZZ_CHECK(rlen > 0 && rlen <= sizeof(rebuilt));
	FUZZ_CHECK(script_owner_key(key2, rebuilt, rlen) == klen);
	FUZZ_CHECK(memcmp(key, key2, klen) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct script_info si;
	struct tx_out o;
	char addr[ADDRESS_MAX];
	const uint8_t *k;
	size_t klen;
	json_t *j;

	script_classify(&si, data, size);
	FUZZ_CHECK(script_type_name(si.type) != NULL);
	if (si.type == SCRIPT_MULTISIG) {
		FUZZ_CHECK(si.m >= 1 && si.m <= si.n);
		for (unsigned i = 0; i < si.n; i++)
			FUZZ_CHECK(script_multisig_key(&k, &klen, data, size, i));
		FUZZ_CHECK(!script_multisig_key(&k, &klen, data, size, si.n));
	}
	for (int n = 0; n < NETWORK_COUNT; n++)
		if (!address_from_script(addr, (enum network)n, data, size))
			FUZZ_CHECK(addr[0] == '\0');
	owner_key(data, size);
	o.value = size >= 8 ? (uint64_t)data[0] << 56 | data[7] : size;
	o.script = data;
	o.script_len = (uint32_t)size;
	j = txjson_output(&o, 0, NETWORK_MAIN);
	FUZZ_CHECK(j != NULL);
	json_decref(j);
	return 0;
}
