/* Amounts in satoshis. Money is never a float in proceeds: sums are checked
 * so that an overflow is an error, never a wrong figure in evidence. */
#ifndef PROCEEDS_AMOUNT_H
#define PROCEEDS_AMOUNT_H

#include <stdint.h>
#include <stdbool.h>
#include <stddef.h>

#define AMOUNT_COIN UINT64_C(100000000)
/* Consensus MAX_MONEY: 21 million BTC. */
#define AMOUNT_MAX (UINT64_C(21000000) * AMOUNT_COIN)

struct amount {
	uint64_t sat;
};

static inline struct amount amount_sat(uint64_t sat)
{
	struct amount a = { sat };
	return a;
}

/* *out = a + b; false on uint64 overflow (out untouched). */
bool amount_add(struct amount *out, struct amount a, struct amount b)
	__attribute__((warn_unused_result));

/* *out = a - b; false if b > a (out untouched). */
bool amount_sub(struct amount *out, struct amount a, struct amount b)
	__attribute__((warn_unused_result));

/* Valid money range of consensus: 0..21e6 BTC. */
bool amount_in_range(struct amount a);

/* "12.34567890": BTC with exactly 8 decimals; buf holds >= 24 bytes.
 * Returns buf. */
#define AMOUNT_STRLEN 24
char *amount_to_btc(char buf[AMOUNT_STRLEN], struct amount a);

/* Parses "1.5", "0.00000001", "21000000" (BTC, at most 8 decimals) or
 * "150000000sat". False with *why on anything else or above AMOUNT_MAX. */
bool amount_parse(struct amount *out, const char *s, const char **why)
	__attribute__((warn_unused_result));

#endif
