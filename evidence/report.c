/* report.json from a checked trace, its canonical form, shared helpers. */
#include "proceeds/report.h"
#include "proceeds/hex.h"
#include "proceeds/jcs.h"
#include "proceeds/version.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

const json_t *report_trace(const json_t *report)
{
	return json_object_get(json_object_get(report, "trace"), "document");
}

const json_t *report_models(const json_t *report)
{
	return json_object_get(json_object_get(report_trace(report), "parameters"),
			       "models");
}

static bool has_model(const json_t *models, const char *name)
{
	const json_t *v;
	size_t i;
	json_array_foreach(models, i, v)
		if (strcmp(json_string_value(v), name) == 0)
			return true;
	return false;
}

const char *report_primary_model(const json_t *report)
{
	const json_t *m = report_models(report);
	if (has_model(m, "fifo"))
		return "fifo";
	if (has_model(m, "haircut"))
		return "haircut";
	return json_array_size(m) ? json_string_value(json_array_get(m, 0)) : "fifo";
}

uint64_t report_traced(const json_t *traced, const char *model)
{
	return (uint64_t)json_integer_value(json_object_get(traced, model));
}

void report_range(uint64_t *min, uint64_t *max, const json_t *traced,
		  const json_t *models)
{
	const json_t *v;
	size_t i;
	bool only_poison = json_array_size(models) == 1 && has_model(models, "poison");
	bool any = false;

	*min = *max = 0;
	json_array_foreach(models, i, v) {
		const char *m = json_string_value(v);
		uint64_t x = report_traced(traced, m);
		if (strcmp(m, "poison") == 0 && !only_poison)
			continue;
		if (!any || x < *min)
			*min = x;
		if (!any || x > *max)
			*max = x;
		any = true;
	}
}

char *report_btc_range(char buf[REPORT_RANGE_LEN], uint64_t min, uint64_t max)
{
	char a[AMOUNT_STRLEN], b[AMOUNT_STRLEN];
	amount_to_btc(a, amount_sat(min));
	amount_to_btc(b, amount_sat(max));
	if (min == max)
		snprintf(buf, REPORT_RANGE_LEN, "%s", a);
	else
		snprintf(buf, REPORT_RANGE_LEN, "%s-%s", a, b);
	return buf;
}

char *report_utc(char buf[32], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%d %H:%M:%S UTC", &tm) == 0)
		snprintf(buf, 32, "%lld (Unix time)", (long long)t);
	return buf;
}

static char *iso_utc(char buf[32], int64_t t)
{
	struct tm tm;
	time_t tt = (time_t)t;
	if (!gmtime_r(&tt, &tm) || strftime(buf, 32, "%Y-%m-%dT%H:%M:%SZ", &tm) == 0)
		snprintf(buf, 32, "%lld", (long long)t);
	return buf;
}

const char *report_explorer_tx(const char *network)
{
	if (strcmp(network, "main") == 0)
		return "https://mempool.space/tx/{txid}";
	if (strcmp(network, "testnet") == 0)
		return "https://mempool.space/testnet/tx/{txid}";
	if (strcmp(network, "testnet4") == 0)
		return "https://mempool.space/testnet4/tx/{txid}";
	if (strcmp(network, "signet") == 0)
		return "https://mempool.space/signet/tx/{txid}";
	return NULL;
}

const char *report_explorer_block(const char *network)
{
	if (strcmp(network, "main") == 0)
		return "https://mempool.space/block/{hash}";
	if (strcmp(network, "testnet") == 0)
		return "https://mempool.space/testnet/block/{hash}";
	if (strcmp(network, "testnet4") == 0)
		return "https://mempool.space/testnet4/block/{hash}";
	if (strcmp(network, "signet") == 0)
		return "https://mempool.space/signet/block/{hash}";
	return NULL;
}

bool report_canonical(char **out, size_t *len, const json_t *j, const char **why)
{
	/* RFC 8785 (evidence/jcs.c): the one place the serializer is chosen. */
	return jcs_serialize(out, len, j, why);
}

/* The figures the summary states, from the trace. */
struct summary {
	uint64_t seeded, exit_min, exit_max, exit_poison, exit_primary;
	uint64_t unspent_min, unspent_max;
	int64_t first_seed, last_seed;
	size_t n_seeds, n_tx, max_hop, n_exits, tagged, inferred, coinjoin;
	size_t n_entities, n_unspent;
	const char *primary;
};

static size_t count_txids(const json_t *hops)
{
	const json_t *h, *g;
	size_t i, j, n = 0;
	json_array_foreach(hops, i, h) {
		const char *t = json_string_value(json_object_get(h, "txid"));
		bool seen = false;
		for (j = 0; j < i && !seen; j++) {
			g = json_array_get(hops, j);
			seen = strcmp(t, json_string_value(json_object_get(g, "txid"))) == 0;
		}
		n += !seen;
	}
	return n;
}

static void summary_counts(struct summary *s, const json_t *t)
{
	const json_t *v;
	size_t i;
	s->n_seeds = json_array_size(json_object_get(t, "seeds"));
	json_array_foreach(json_object_get(t, "seeds"), i, v) {
		int64_t tm = json_integer_value(json_object_get(v, "time"));
		if (i == 0 || tm < s->first_seed)
			s->first_seed = tm;
		if (i == 0 || tm > s->last_seed)
			s->last_seed = tm;
	}
	json_array_foreach(json_object_get(t, "hops"), i, v) {
		size_t hop = (size_t)json_integer_value(json_object_get(v, "hop"));
		if (hop > s->max_hop)
			s->max_hop = hop;
		s->coinjoin += strcmp(json_string_value(json_object_get(v, "basis")),
				      "coinjoin") == 0;
	}
	json_array_foreach(json_object_get(t, "exits"), i, v)
		s->tagged += strcmp(json_string_value(json_object_get(v, "basis")),
				    "tagged") == 0;
	s->n_tx = count_txids(json_object_get(t, "hops"));
	s->n_exits = json_array_size(json_object_get(t, "exits"));
	s->inferred = s->n_exits - s->tagged;
	s->n_entities = json_array_size(json_object_get(t, "entities"));
	s->n_unspent = json_array_size(json_object_get(t, "unspent"));
}

static void summary_compute(struct summary *s, const json_t *t, const char *primary)
{
	const json_t *tot = json_object_get(t, "totals");
	const json_t *models = json_object_get(json_object_get(t, "parameters"), "models");
	memset(s, 0, sizeof(*s));
	s->primary = primary;
	s->seeded = (uint64_t)json_integer_value(json_object_get(tot, "seeded"));
	report_range(&s->exit_min, &s->exit_max, json_object_get(tot, "at_exits"), models);
	report_range(&s->unspent_min, &s->unspent_max, json_object_get(tot, "unspent"), models);
	s->exit_poison = report_traced(json_object_get(tot, "at_exits"), "poison");
	s->exit_primary = report_traced(json_object_get(tot, "at_exits"), primary);
	summary_counts(s, t);
}

static void text_entities(FILE *f, const json_t *t)
{
	const json_t *e;
	char r[REPORT_RANGE_LEN];
	size_t i, n = json_array_size(json_object_get(t, "entities"));
	json_array_foreach(json_object_get(t, "entities"), i, e) {
		report_btc_range(r, (uint64_t)json_integer_value(json_object_get(e, "min")),
				 (uint64_t)json_integer_value(json_object_get(e, "max")));
		fprintf(f, "%s%s (%s BTC)", i == 0 ? "" : i + 1 == n ? " and " : ", ",
			json_string_value(json_object_get(e, "entity")), r);
	}
}

static void text_write(FILE *f, const struct summary *s, const json_t *t)
{
	char a[AMOUNT_STRLEN], r[REPORT_RANGE_LEN], t0[32], t1[32];
	fprintf(f, "Between %s and %s, %s BTC left %zu victim output%s. ",
		report_utc(t0, s->first_seed), report_utc(t1, s->last_seed),
		amount_to_btc(a, amount_sat(s->seeded)), s->n_seeds,
		s->n_seeds == 1 ? "" : "s");
	fprintf(f, "Following the coins through %zu transaction%s (at most %zu "
		"hops from the theft), ", s->n_tx, s->n_tx == 1 ? "" : "s", s->max_hop);
	if (s->n_entities == 0) {
		fprintf(f, "no deposit address of a service was reached. ");
	} else {
		fprintf(f, "%s BTC reached %zu deposit address%s of %zu service%s: ",
			report_btc_range(r, s->exit_min, s->exit_max), s->n_exits,
			s->n_exits == 1 ? "" : "es", s->n_entities,
			s->n_entities == 1 ? "" : "s");
		text_entities(f, t);
		fprintf(f, ". By %s, the attribution courts most often use, it is "
			"%s BTC", s->primary, amount_to_btc(a, amount_sat(s->exit_primary)));
		fprintf(f, "; no model can put more than %s BTC there (poison). ",
			amount_to_btc(a, amount_sat(s->exit_poison)));
	}
	if (s->n_unspent)
		fprintf(f, "%s BTC is still unspent at %zu output%s and may be frozen. ",
			report_btc_range(r, s->unspent_min, s->unspent_max),
			s->n_unspent, s->n_unspent == 1 ? "" : "s");
	fprintf(f, "How sure: every transfer is an on-chain fact that the merkle "
		"proofs in this package let anyone check");
	if (s->coinjoin)
		fprintf(f, ", except %zu that crossed a detected mix", s->coinjoin);
	fprintf(f, "; %zu of the %zu deposit addresses %s tagged by a named source "
		"and %zu %s inferred because the service later swept %s.", s->tagged,
		s->n_exits, s->tagged == 1 ? "is" : "are", s->inferred,
		s->inferred == 1 ? "is" : "are", s->inferred == 1 ? "it" : "them");
}

static json_t *summary_json(const json_t *t, const char *primary)
{
	struct summary s;
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);
	json_t *j;

	summary_compute(&s, t, primary);
	if (!f)
		abort();
	text_write(f, &s, t);
	fclose(f);
	j = json_pack("{s:s, s:s, s:I, s:{s:I, s:I, s:I, s:I}, s:{s:I, s:I}, "
		      "s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
		      "text", text, "primary_model", primary, "seeded", (json_int_t)s.seeded,
		      "at_exits", "min", (json_int_t)s.exit_min, "max", (json_int_t)s.exit_max,
		      "poison", (json_int_t)s.exit_poison, "primary", (json_int_t)s.exit_primary,
		      "unspent", "min", (json_int_t)s.unspent_min, "max", (json_int_t)s.unspent_max,
		      "transactions", (json_int_t)s.n_tx, "max_hop", (json_int_t)s.max_hop,
		      "exits", (json_int_t)s.n_exits, "tagged_exits", (json_int_t)s.tagged,
		      "inferred_exits", (json_int_t)s.inferred,
		      "coinjoin_hops", (json_int_t)s.coinjoin,
		      "entities", (json_int_t)s.n_entities);
	free(text);
	return j;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

json_t *report_build(const json_t *trace, const uint8_t trace_sha256[32],
		     const struct report_options *o, const char **why)
{
	const char *req = o->request ? o->request : "freeze";
	const char *net = json_string_value(json_object_get(trace, "network"));
	char sha[65], created[32];
	json_t *r;

	if (strcmp(req, "freeze") != 0 && strcmp(req, "inform") != 0) {
		*why = "request must be freeze or inform";
		return NULL;
	}
	hex_encode(sha, trace_sha256, 32);
	r = json_pack("{s:s, s:{s:s, s:s}, s:I, s:s, s:s, s:s}", "format", REPORT_FORMAT,
		      "tool", "name", "proceeds", "version", PROCEEDS_VERSION,
		      "created", (json_int_t)o->created, "created_utc",
		      iso_utc(created, o->created), "asset", "BTC", "network", net);
	json_object_set_new(r, "case", json_pack("{s:o, s:o, s:o, s:s}",
		"ref", str_or_null(o->case_ref), "title", str_or_null(o->title),
		"contact", str_or_null(o->contact), "request", req));
	json_object_set_new(r, "trace", json_pack("{s:o, s:s, s:o}",
		"file", str_or_null(o->trace_file), "sha256", sha,
		"document", json_deep_copy(trace)));
	json_object_set_new(r, "summary", summary_json(trace, report_primary_model(r)));
	return r;
}
