/* One loose transaction (`proceeds decode TXHEX`): block_parse_tx, the
 * txid/wtxid and the JSON view. Invariant: an accepted tx spans the whole
 * input, and a non-segwit tx has wtxid = txid. */
#include "fuzz.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"
#include "proceeds/txjson.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct block b;
	const char *why = NULL;

	block_init(&b);
	if (block_parse_tx(&b, data, size, &why)) {
		const struct tx *t = &b.txs[0];
		struct hash256 w;
		json_t *j;

		FUZZ_CHECK(b.n_tx == 1);
		FUZZ_CHECK(t->raw == data && t->raw_len == size);
		FUZZ_CHECK(t->base_len <= t->raw_len);
		tx_wtxid(&w, t);
		if (!t->segwit)
			FUZZ_CHECK(memcmp(w.b, t->txid.b, 32) == 0);
		for (int n = 0; n < NETWORK_COUNT; n++) {
			j = txjson_tx(t, (enum network)n);
			FUZZ_CHECK(j != NULL);
			json_decref(j);
		}
		(void)tx_weight(t);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	block_release(&b);
	return 0;
}
