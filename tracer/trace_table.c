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

/* A row reached through a mix: the range proceeds states there (the
 * why, once per entity; unspent rows say the range only). */
static void behind_mix(FILE *f, const json_t *x, bool why)
{
	const json_t *lo = json_object_get(x, "bound_min"), *hi = json_object_get(x, "bound_max");

	if (!json_is_true(json_object_get(x, "through_mix")))
		return;
	fputs("   behind a CoinJoin: ", f);
	if (json_is_integer(lo) && json_is_integer(hi)) {
		range(f, json_integer_value(lo), json_integer_value(hi));
		fputs(" (smallest model - poison)", f);
	}
	if (why)
		fputs("; beyond a mix amounts are inference, poison the bound "
		      "(docs/taint-models.md)", f);
	if (json_is_true(json_object_get(x, "post_mix_linked")))
		fputs("; reached through a postmix output linked after the mix", f);
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
		behind_mix(f, e, true);
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
		behind_mix(f, x, false);
	}
}

/* post_mix_links: evidence after a mix, with each heuristic's precision. */
static void links(FILE *f, const json_t *t)
{
	const json_t *l = json_object_get(t, "post_mix_links"), *x;
	char a[AMOUNT_STRLEN];
	size_t i;

	if (json_array_size(l) == 0)
		return;
	fprintf(f, "\nLinked after the mix (%zu; evidence, the amounts above do not use it):\n",
		json_array_size(l));
	json_array_foreach(l, i, x) {
		const json_t *p = json_object_get(x, "precision");
		fprintf(f, "  %s: %zu postmix output%s (%s BTC) of mix %.16s..., by %s\n",
			json_string_value(json_object_get(x, "heuristic")),
			json_array_size(json_object_get(x, "outpoints")),
			json_array_size(json_object_get(x, "outpoints")) == 1 ? "" : "s",
			btc(a, json_integer_value(json_object_get(x, "value"))),
			json_string_value(json_object_get(x, "mix_txid")),
			json_string_value(json_object_get(x, "txid")));
		if (json_integer_value(json_object_get(p, "links")) == 0)
			fputs("   precision: not measured (no such link on the simulator)\n", f);
		else
			fprintf(f, "   precision: %lld of %lld links the criminal's, %lld of one owner\n",
				(long long)json_integer_value(json_object_get(p, "criminal")),
				(long long)json_integer_value(json_object_get(p, "links")),
				(long long)json_integer_value(json_object_get(p, "same_owner")));
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
	links(f, t);
	fprintf(f, "\nTotals:\n");
	for (i = 0; i < sizeof(parts) / sizeof(parts[0]); i++) {
		fprintf(f, "  %-9s", parts[i]);
		per_model(f, json_object_get(tot, parts[i]));
	}
	json_array_foreach(json_object_get(t, "notes"), i, n)
		fprintf(f, "note: %s\n", json_string_value(n));
}
