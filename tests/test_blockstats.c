/* Block figures: counts by script type, value sums, overflow. */
#include "proceeds/blockstats.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

/* Block 170-like: one tx with a P2PK and a P2PKH output, one OP_RETURN,
 * built by hand (a coinbase-shaped tx, header zero). */
static size_t build(uint8_t *b, uint64_t v0)
{
	static const char tx_hex[] =
		"01000000" "01" "0000000000000000000000000000000000000000000000000000000000000000ffffffff"
		"02" "0101" "ffffffff" "03"
		"VVVVVVVVVVVVVVVV" "23" "21" "02aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa" "ac"
		"0065cd1d00000000" "19" "76a914bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb88ac"
		"0000000000000000" "03" "6a0101"
		"00000000";
	char hex[sizeof(tx_hex)];
	const char *why;
	size_t n = strlen(tx_hex) / 2;
	memcpy(hex, tx_hex, sizeof(tx_hex));
	for (int i = 0; i < 8; i++) {
		static const char digits[] = "0123456789abcdef";
		uint8_t byte = (uint8_t)(v0 >> (8 * i));
		char *p = strchr(hex, 'V');
		p[0] = digits[byte >> 4];
		p[1] = digits[byte & 15];
	}
	memset(b, 0, 80);
	b[80] = 1;
	assert_true(hex_decode(b + 81, hex, 2 * n, &why));
	return 81 + n;
}

static void test_counts(void **state)
{
	uint8_t raw[400];
	struct block b;
	struct block_stats s, t;
	const char *why = NULL;
	size_t len = build(raw, 5000000000ULL);
	(void)state;
	block_init(&b);
	if (!block_parse(&b, raw, len, &why))
		fail_msg("%s", why);
	block_stats_init(&s);
	assert_true(block_stats_add(&s, &b, &why));
	assert_int_equal(s.blocks, 1);
	assert_int_equal(s.txs, 1);
	assert_int_equal(s.inputs, 1);
	assert_int_equal(s.outputs, 3);
	assert_int_equal(s.bytes, len);
	assert_int_equal(s.value.sat, 5000000000ULL + 500000000ULL);
	assert_int_equal(s.type_outputs[SCRIPT_P2PK], 1);
	assert_int_equal(s.type_outputs[SCRIPT_P2PKH], 1);
	assert_int_equal(s.type_outputs[SCRIPT_OP_RETURN], 1);
	assert_int_equal(s.type_value[SCRIPT_P2PKH].sat, 500000000ULL);
	block_stats_init(&t);
	assert_true(block_stats_merge(&t, &s, &why));
	assert_true(block_stats_merge(&t, &s, &why));
	assert_int_equal(t.outputs, 6);
	assert_int_equal(t.type_value[SCRIPT_P2PK].sat, 10000000000ULL);
	/* a serialized value near 2^64 makes the sum overflow: an error */
	len = build(raw, UINT64_MAX - 1);
	assert_true(block_parse(&b, raw, len, &why));
	block_stats_init(&s);
	assert_false(block_stats_add(&s, &b, &why));
	assert_non_null(strstr(why, "overflow"));
	block_release(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
