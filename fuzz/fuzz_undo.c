/* Core's undo data (a rev*.dat record's CBlockUndo): compressed amounts and
 * scripts, the key decompression through libsecp256k1. Invariant: an
 * accepted record's coins are laid out tx by tx, and every rebuilt script
 * fits its coin. */
#include "fuzz.h"
#include "proceeds/undo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct block_undo u;
	const char *why = NULL;

	block_undo_init(&u);
	if (block_undo_parse(&u, data, size, &why)) {
		for (uint32_t i = 0; i < u.n_tx; i++)
			FUZZ_CHECK(u.tx_first[i] <= u.tx_first[i + 1]);
		if (u.n_tx)
			FUZZ_CHECK(u.tx_first[u.n_tx] == u.n_coins);
		for (uint32_t i = 0; i < u.n_coins; i++) {
			const struct undo_coin *c = &u.coins[i];
			FUZZ_CHECK(c->script_len == 0 || c->script != NULL);
			if (c->script == c->tmpl)
				FUZZ_CHECK(c->script_len <= UNDO_TMPL_MAX);
			else if (c->script_len)
				FUZZ_CHECK(c->script >= data &&
					   c->script + c->script_len <= data + size);
		}
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	block_undo_release(&u);
	if (size >= 8) {
		uint64_t x;
		memcpy(&x, data, 8);
		(void)undo_decompress_amount(x);
		/* Core's compression round-trips every amount up to 21M BTC. */
		x %= 2100000000000001ull;
		FUZZ_CHECK(undo_decompress_amount(undo_compress_amount(x)) == x);
	}
	return 0;
}
