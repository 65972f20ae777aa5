/* Re-running the trace of an evidence package (see reportrepro.h). */
#include "proceeds/reportrepro.h"
#include "proceeds/index_query.h"
#include "proceeds/trace.h"
#include "proceeds/trace_json.h"
#include "proceeds/trace_spec.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char why_buf[512];

static bool fail(const char **why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	*why = why_buf;
	return false;
}

void reportrepro_release(struct reportrepro *r)
{
	for (size_t i = 0; i < r->n_diffs; i++)
		free(r->diffs[i]);
	free(r->diffs);
	r->diffs = NULL;
	r->n_diffs = r->n_more = 0;
}

static void add_diff(struct reportrepro *out, const char *path, const json_t *a,
		     const json_t *b)
{
	char *x = a ? json_dumps(a, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("absent");
	char *y = b ? json_dumps(b, JSON_ENCODE_ANY | JSON_COMPACT) : strdup("absent");
	char *line;

	if (out->n_diffs >= REPORTREPRO_MAX_DIFFS) {
		out->n_more++;
	} else {
		if (!x || !y || asprintf(&line, "%s: recorded %.100s%s, rerun %.100s%s", path, x,
					 strlen(x) > 100 ? "..." : "", y,
					 strlen(y) > 100 ? "..." : "") < 0)
			abort();
		out->diffs = realloc(out->diffs, (out->n_diffs + 1) * sizeof(*out->diffs));
		if (!out->diffs)
			abort();
		out->diffs[out->n_diffs++] = line;
	}
	free(x);
	free(y);
}

/* The key records of an array are matched by, or NULL (match by position). */
static const char *record_key(const json_t *arr)
{
	const json_t *first = json_array_get(arr, 0);
	if (json_is_string(json_object_get(first, "outpoint")))
		return "outpoint";
	if (json_is_string(json_object_get(first, "entity")))
		return "entity";
	return NULL;
}

static const json_t *find_record(const json_t *arr, const char *key, const char *val)
{
	const json_t *v;
	size_t i;
	json_array_foreach(arr, i, v) {
		const char *s = json_string_value(json_object_get(v, key));
		if (s && strcmp(s, val) == 0)
			return v;
	}
	return NULL;
}

static void diff_value(struct reportrepro *out, const char *path, const json_t *a,
		       const json_t *b);

static void diff_object(struct reportrepro *out, const char *path, const json_t *a,
			const json_t *b)
{
	const char *k;
	const json_t *v;
	char sub[512];

	json_object_foreach((json_t *)a, k, v) {
		snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
		diff_value(out, sub, v, json_object_get(b, k));
	}
	json_object_foreach((json_t *)b, k, v)
		if (!json_object_get(a, k)) {
			snprintf(sub, sizeof(sub), "%s%s%s", path, *path ? "." : "", k);
			add_diff(out, sub, NULL, v);
		}
}

/* Records matched by key: changed, missing from the rerun, new in it. */
static void diff_keyed(struct reportrepro *out, const char *path, const char *key,
		       const json_t *a, const json_t *b)
{
	const json_t *v;
	size_t i;
	char sub[512];

	json_array_foreach(a, i, v) {
		const char *id = json_string_value(json_object_get(v, key));
		snprintf(sub, sizeof(sub), "%s[%s]", path, id ? id : "?");
		diff_value(out, sub, v, id ? find_record(b, key, id) : NULL);
	}
	json_array_foreach(b, i, v) {
		const char *id = json_string_value(json_object_get(v, key));
		if (!id || !find_record(a, key, id)) {
			snprintf(sub, sizeof(sub), "%s[%s]", path, id ? id : "?");
			add_diff(out, sub, NULL, id ? v : b);
		}
	}
}

static void diff_array(struct reportrepro *out, const char *path, const json_t *a,
		       const json_t *b)
{
	const char *key = record_key(json_array_size(a) ? a : b);
	char sub[512];
	size_t n = json_array_size(a) > json_array_size(b) ? json_array_size(a)
							   : json_array_size(b);

	if (key && (json_array_size(a) == 0 || record_key(a)) &&
	    (json_array_size(b) == 0 || record_key(b))) {
		diff_keyed(out, path, key, a, b);
		return;
	}
	for (size_t i = 0; i < n; i++) {
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		diff_value(out, sub, json_array_get(a, i), json_array_get(b, i));
	}
}

static void diff_value(struct reportrepro *out, const char *path, const json_t *a,
		       const json_t *b)
{
	if (a && b && json_equal((json_t *)a, (json_t *)b))
		return;
	if (json_is_object(a) && json_is_object(b))
		diff_object(out, path, a, b);
	else if (json_is_array(a) && json_is_array(b))
		diff_array(out, path, a, b);
	else
		add_diff(out, path, a, b);
}

void reportrepro_diff(struct reportrepro *out, const json_t *recorded,
		      const json_t *rerun)
{
	diff_value(out, "", recorded, rerun);
}

/* ---- the rerun ---- */

/* What the recorded parameters ask for; strings borrowed from the report. */
struct repro_req {
	struct trace_params p;
	const char **from;
	size_t n_from;
	const char *case_path;
	bool has_after;
	uint64_t after;
};

static bool get_u64(uint64_t *out, bool *has, const json_t *params, const char *key,
		    const char **why)
{
	const json_t *v = json_object_get(params, key);
	if (has && json_is_null(v)) {
		*has = false;
		return true;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return fail(why, "report.json: trace parameters.%s: not a count", key);
	*out = (uint64_t)json_integer_value(v);
	if (has)
		*has = true;
	return true;
}

static bool parse_names(struct repro_req *q, const json_t *params, const char **why)
{
	const json_t *v;
	size_t i;
	enum taint_model m;
	enum tag_category c;

	json_array_foreach(json_object_get(params, "models"), i, v) {
		if (!taint_model_from_name(&m, json_string_value(v) ? json_string_value(v) : ""))
			return fail(why, "report.json: trace parameters.models[%zu]: unknown", i);
		q->p.models |= TAINT_MODEL_BIT(m);
	}
	if (!q->p.models)
		return fail(why, "report.json: trace parameters.models: none");
	json_array_foreach(json_object_get(params, "stop_at"), i, v) {
		if (!tag_category_from_name(&c, json_string_value(v) ? json_string_value(v) : ""))
			return fail(why, "report.json: trace parameters.stop_at[%zu]: unknown", i);
		q->p.stop_mask |= 1u << c;
	}
	return true;
}

static bool parse_request(struct repro_req *q, const json_t *params, const char **why)
{
	const json_t *from = json_object_get(params, "from"), *v;
	uint64_t hops = 0;
	size_t i;

	memset(q, 0, sizeof(*q));
	if (!json_is_object(params) || !json_is_array(from))
		return fail(why, "report.json: the trace records no parameters");
	if (!parse_names(q, params, why) || !get_u64(&hops, NULL, params, "max_hops", why) ||
	    !get_u64(&q->p.min_sats, NULL, params, "min_sats", why) ||
	    !get_u64(&q->p.max_edges, NULL, params, "max_edges", why) ||
	    !get_u64(&q->p.before, &q->p.has_before, params, "before", why) ||
	    !get_u64(&q->after, &q->has_after, params, "after", why))
		return false;
	if (hops > UINT32_MAX || q->p.max_edges == 0)
		return fail(why, "report.json: trace parameters: max_hops or max_edges out of range");
	q->p.max_hops = (uint32_t)hops;
	q->case_path = json_string_value(json_object_get(params, "case"));
	q->from = calloc(json_array_size(from) + 1, sizeof(*q->from));
	if (!q->from)
		return fail(why, "out of memory");
	json_array_foreach(from, i, v)
		if ((q->from[q->n_from++] = json_string_value(v)) == NULL)
			return fail(why, "report.json: trace parameters.from[%zu]: not a string", i);
	return true;
}

/* The recorded tip must be in the index's chain. */
static bool check_tip(struct reportrepro *out, struct idx_tip *rec, struct store *st,
		      const struct idx_tip *tip, const json_t *index, const char **why)
{
	const json_t *h = json_object_get(index, "tip_height");
	const char *hex = json_string_value(json_object_get(index, "tip_hash"));
	struct idx_block blk;
	bool found;
	char have[65];

	memset(rec, 0, sizeof(*rec));
	if (!json_is_integer(h) || json_integer_value(h) < 0 ||
	    json_integer_value(h) > UINT32_MAX || !hex || !hash256_from_hex(&rec->hash, hex, why))
		return fail(why, "report.json: the trace records no index tip");
	rec->height = (uint32_t)json_integer_value(h);
	snprintf(out->recorded_hash, sizeof(out->recorded_hash), "%s", hex);
	out->recorded_height = rec->height;
	out->index_height = tip->height;
	if (!idxq_block_at(st, &blk, &found, rec->height, why))
		return false;
	if (!found)
		return fail(why, "the index ends at height %u, before the recorded tip %s at "
			    "height %u: index more blocks first", tip->height, hex, rec->height);
	if (!hash256_eq(&blk.hash, &rec->hash)) {
		hash256_to_hex(have, &blk.hash);
		return fail(why, "the index holds block %s at height %u, not the recorded "
			    "tip %s: it follows another chain", have, rec->height, hex);
	}
	rec->next_txnum = blk.first_txnum + blk.n_tx;
	out->descendant = tip->height > rec->height;
	return true;
}

/* The recorded seeds, as TXID:VOUT=Nsat SPECs (the case file may be gone;
 * its seeds are in the trace). */
static bool add_seeds(struct trace_specs *s, const json_t *doc, const char **why)
{
	const json_t *v;
	size_t i;
	char spec[128];

	json_array_foreach(json_object_get(doc, "seeds"), i, v) {
		const char *op = json_string_value(json_object_get(v, "outpoint"));
		json_int_t traced = json_integer_value(json_object_get(v, "traced"));
		json_int_t value = json_integer_value(json_object_get(v, "value"));
		if (!op || strlen(op) > 80)
			return fail(why, "report.json: trace seeds[%zu]: no outpoint", i);
		if (traced > 0 && traced < value)
			snprintf(spec, sizeof(spec), "%s=%lldsat", op, (long long)traced);
		else
			snprintf(spec, sizeof(spec), "%s", op);
		if (!trace_specs_add(s, spec, why))
			return false;
	}
	return s->n > 0 || fail(why, "report.json: the trace records no seed");
}

static bool rerun(json_t **doc_out, struct store *st, enum network net,
		  const struct idx_tip *rec, const struct repro_req *q,
		  const json_t *doc, const char **why)
{
	struct trace_specs s = { .st = st, .net = net, .tip = *rec,
				 .has_after = q->has_after, .after = q->after,
				 .has_before = q->p.has_before, .before = q->p.before };
	struct trace_request tq = { q->from, q->n_from, q->case_path, q->has_after, q->after };
	struct trace_result r;
	bool ok = add_seeds(&s, doc, why) &&
		  trace_run(&r, st, net, rec, &q->p, s.v, s.n, why);

	*doc_out = NULL;
	if (ok) {
		*doc_out = trace_json(st, net, &r, &tq, why);
		ok = *doc_out != NULL;
		trace_result_release(&r);
	}
	trace_specs_release(&s);
	return ok;
}

bool reportrepro_run(struct reportrepro *out, struct store *st, enum network net,
		     const struct idx_tip *tip, const json_t *report, const char **why)
{
	const json_t *doc = json_object_get(json_object_get(report, "trace"), "document");
	const char *rnet = json_string_value(json_object_get(doc, "network"));
	struct repro_req q;
	struct idx_tip rec;
	enum network rn;
	json_t *again = NULL;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(doc))
		return fail(why, "report.json: no trace.document");
	if (!rnet || !network_from_name(&rn, rnet) || rn != net)
		return fail(why, "the report is of network %s, the index of %s",
			    rnet ? rnet : "(none)", network_params(net)->name);
	ok = parse_request(&q, json_object_get(doc, "parameters"), why) &&
	     check_tip(out, &rec, st, tip, json_object_get(doc, "index"), why) &&
	     rerun(&again, st, net, &rec, &q, doc, why);
	if (ok) {
		/* Error rates are measured elsewhere (make bench) and copied
		 * into a trace as documentation; nothing on the chain derives
		 * them, so the rerun carries the recorded ones. */
		json_t *er = json_object_get(doc, "error_rates");
		if (er && json_object_set(again, "error_rates", er) != 0)
			ok = fail(why, "out of memory");
	}
	if (ok)
		reportrepro_diff(out, doc, again);
	json_decref(again);
	free(q.from);
	return ok;
}
