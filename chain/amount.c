/* Checked satoshi arithmetic and BTC formatting. */
#include "proceeds/amount.h"

#include <stdio.h>
#include <string.h>

bool amount_add(struct amount *out, struct amount a, struct amount b)
{
	if (a.sat > UINT64_MAX - b.sat)
		return false;
	out->sat = a.sat + b.sat;
	return true;
}

bool amount_sub(struct amount *out, struct amount a, struct amount b)
{
	if (b.sat > a.sat)
		return false;
	out->sat = a.sat - b.sat;
	return true;
}

bool amount_in_range(struct amount a)
{
	return a.sat <= AMOUNT_MAX;
}

char *amount_to_btc(char buf[AMOUNT_STRLEN], struct amount a)
{
	snprintf(buf, AMOUNT_STRLEN, "%llu.%08llu",
		 (unsigned long long)(a.sat / AMOUNT_COIN),
		 (unsigned long long)(a.sat % AMOUNT_COIN));
	return buf;
}

static bool parse_digits(uint64_t *out, const char *s, size_t n, const char **why)
{
	uint64_t v = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9') {
			*why = "not a number";
			return false;
		}
		if (v > (UINT64_MAX - 9) / 10) {
			*why = "amount too large";
			return false;
		}
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return true;
}

bool amount_parse(struct amount *out, const char *s, const char **why)
{
	size_t n = strlen(s);
	uint64_t whole = 0, frac = 0;

	out->sat = 0;
	if (n == 0) {
		*why = "empty amount";
		return false;
	}
	if (n > 3 && strcmp(s + n - 3, "sat") == 0) {
		if (n == 3 || !parse_digits(&whole, s, n - 3, why))
			return (*why = *why ? *why : "not a number"), false;
		if (whole > AMOUNT_MAX)
			return (*why = "amount above 21 million BTC"), false;
		out->sat = whole;
		return true;
	}
	const char *dot = strchr(s, '.');
	size_t wl = dot ? (size_t)(dot - s) : n;
	if (wl == 0 || !parse_digits(&whole, s, wl, why))
		return (*why = "not a number"), false;
	if (dot) {
		size_t fl = n - wl - 1;
		if (fl == 0 || fl > 8)
			return (*why = "at most 8 decimals"), false;
		if (!parse_digits(&frac, dot + 1, fl, why))
			return false;
		for (size_t i = fl; i < 8; i++)
			frac *= 10;
	}
	if (whole > AMOUNT_MAX / AMOUNT_COIN ||
	    whole * AMOUNT_COIN + frac > AMOUNT_MAX)
		return (*why = "amount above 21 million BTC"), false;
	out->sat = whole * AMOUNT_COIN + frac;
	return true;
}
