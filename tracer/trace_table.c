/* The readable summary of a trace result (see trace_json.h). */
#include "proceeds/trace_json.h"
#include "proceeds/amount.h"

#include <string.h>

static const char *btc(char buf[AMOUNT_STRLEN], json_int_t sat)
{
	return amount_to_btc(buf, amount_sat((uint64_t)sat));
}

/* "min - max BTC" or one figure when they agree. */
static void range(FILE *f, json_int_t mn, json_int_t mx)
{
	char a[AMOUNT_STRLEN], b[AMOUNT_STRLEN];

	if (mn == mx)
		fprintf(f, "%s BTC", btc(a, mn));
	else
		fprintf(f, "%s - %s BTC", btc(a, mn), btc(b, mx));
}

static void per_model(FILE *f, const json_t *traced)
{
	char a[AMOUNT_STRLEN];
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)traced, k, v)
		fprintf(f, "  %s %s", k, btc(a, json_integer_value(v)));
	fputc('\n', f);
}

static void entities(FILE *f, const json_t *t)
{
	const json_t *ents = json_object_get(t, "entities"), *e;
	size_t i;

	fprintf(f, "\nExits (%zu entit%s, %zu deposit output%s):\n", json_array_size(ents),
		json_array_size(ents) == 1 ? "y" : "ies", json_array_size(json_object_get(t, "exits")),
		json_array_size(json_object_get(t, "exits")) == 1 ? "" : "s");
	json_array_foreach(ents, i, e) {
		fprintf(f, "  %-28s %-10s ", json_string_value(json_object_get(e, "entity")),
			json_string_value(json_object_get(e, "category")));
		range(f, json_integer_value(json_object_get(e, "min")),
		      json_integer_value(json_object_get(e, "max")));
		fprintf(f, "  (%zu deposit address%s, first %s)\n   ",
			json_array_size(json_object_get(e, "deposit_addresses")),
			json_array_size(json_object_get(e, "deposit_addresses")) == 1 ? "" : "es",
			json_string_value(json_object_get(e, "first_time_utc")));
		per_model(f, json_object_get(e, "traced"));
		if (json_is_true(json_object_get(e, "through_mix")))
			fputs("   behind a CoinJoin: the models' range is a presumption there, "
			      "poison the bound (docs/taint-models.md)\n", f);
	}
}

static void still_at(FILE *f, const json_t *t)
{
	const json_t *u = json_object_get(t, "unspent"), *x;
	size_t i;

	fprintf(f, "\nStill at (unspent, %zu outputs):\n", json_array_size(u));
	json_array_foreach(u, i, x) {
		const char *a = json_string_value(json_object_get(x, "address"));
		if (i == 20) {
			fprintf(f, "  ... %zu more (see --json)\n", json_array_size(u) - 20);
			break;
		}
		fprintf(f, "  %s %s\n   ", json_string_value(json_object_get(x, "outpoint")),
			a ? a : "(no address)");
		per_model(f, json_object_get(x, "traced"));
	}
}

void trace_table(FILE *f, const json_t *t)
{
	static const char *const parts[] = { "at_exits", "unspent", "fees", "dust", "stopped" };
	const json_t *tot = json_object_get(t, "totals"), *n;
	char a[AMOUNT_STRLEN];
	size_t i;

	fprintf(f, "Trace of %zu seed%s, %s BTC, to index height %lld: %zu tainted outputs\n",
		json_array_size(json_object_get(t, "seeds")),
		json_array_size(json_object_get(t, "seeds")) == 1 ? "" : "s",
		btc(a, json_integer_value(json_object_get(tot, "seeded"))),
		(long long)json_integer_value(json_object_get(json_object_get(t, "index"), "tip_height")),
		json_array_size(json_object_get(t, "hops")));
	entities(f, t);
	still_at(f, t);
	fprintf(f, "\nTotals:\n");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		fprintf(f, "  %-9s", parts[i]);
		per_model(f, json_object_get(tot, parts[i]));
	}
	json_array_foreach(json_object_get(t, "notes"), i, n)
		fprintf(f, "note: %s\n", json_string_value(n));
}
