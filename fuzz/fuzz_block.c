/* Block decoding: block_parse and every check run on what it accepts, and
 * the JSON views `decode` prints. Invariant: an accepted block is exactly
 * header, tx count and the txs back to back, ending at the last byte. */
#include "fuzz.h"
#include "proceeds/cursor.h"
#include "proceeds/network.h"
#include "proceeds/tx.h"
#include "proceeds/txjson.h"

static void check_layout(const struct block *b, const uint8_t *data,
			 size_t size)
{
	size_t off = 80 + compact_size(b->n_tx);

	FUZZ_CHECK(b->n_tx > 0);
	for (uint32_t i = 0; i < b->n_tx; i++) {
		const struct tx *t = &b->txs[i];
		FUZZ_CHECK(t->raw == data + off);
		FUZZ_CHECK(t->base_len <= t->raw_len);
		FUZZ_CHECK(t->io_off + t->io_len <= t->raw_len);
		off += t->raw_len;
	}
	FUZZ_CHECK(off == size);
}

static void render(const struct block *b)
{
	json_t *j = txjson_block(b);
	char *s;
	uint32_t h;
	struct hash256 w;

	FUZZ_CHECK(j != NULL);
	s = json_dumps(j, 0);
	free(s);
	json_decref(j);
	(void)block_bip34_height(b, &h);
	/* A few txs are enough: the rest are the same code on other bytes. */
	for (uint32_t i = 0; i < b->n_tx && i < 8; i++) {
		j = txjson_tx(&b->txs[i], NETWORK_MAIN);
		FUZZ_CHECK(j != NULL);
		json_decref(j);
		tx_wtxid(&w, &b->txs[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct block b;
	const char *why = NULL;

	block_init(&b);
	if (block_parse(&b, data, size, &why)) {
		check_layout(&b, data, size);
		if (!block_check_merkle(&b, &why))
			FUZZ_CHECK(why != NULL);
		(void)block_check_witness_commitment(&b);
		(void)block_header_check_pow(&b.hash, b.hdr.bits);
		render(&b);
	} else {
		FUZZ_CHECK(why != NULL && why[0] != '\0');
	}
	block_release(&b);
	return 0;
}
