/* Freeze requests: one per entity, only what that venue needs. */
#include "proceeds/freeze.h"
#include "proceeds/amount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char why_buf[512];

/* The members of an exit record a venue needs, copied. */
static json_t *deposit_record(const json_t *x)
{
	static const char *const keep[] = {
		"address", "outpoint", "height", "block_hash", "time", "time_utc",
		"value", "traced", "min", "max", "basis", "evidence", "sweep_txid",
	};
	const char *op = share_str(x, "outpoint"), *colon = strrchr(op, ':');
	json_t *d = json_object();

	for (size_t i = 0; i < sizeof(keep) / sizeof(keep[0]); i++) {
		json_t *v = json_object_get(x, keep[i]);
		if (v)
			json_object_set_new(d, keep[i], json_deep_copy(v));
	}
	if (colon) {
		json_object_set_new(d, "txid", json_stringn(op, (size_t)(colon - op)));
		json_object_set_new(d, "vout", json_integer(atoll(colon + 1)));
	}
	json_t *fifo = json_object_get(json_object_get(x, "traced"), "fifo");
	json_object_set_new(d, "fifo", fifo ? json_deep_copy(fifo) : json_null());
	return d;
}

/* Seeds without their address: the output the theft paid may be the
 * victim's own (when the case starts from the victim's address). */
static json_t *path_without_victim(const json_t *trace, const char *entity)
{
	json_t *p = share_path(trace, entity), *s;
	size_t i;
	json_array_foreach(json_object_get(p, "seeds"), i, s)
		json_object_del(s, "address");
	return p;
}

struct sums {
	struct amount value, min, max, fifo;
	bool have_fifo;
};

static bool add_deposit(struct sums *s, const json_t *d, const char **why)
{
	const json_t *fifo = json_object_get(d, "fifo");
	bool ok = amount_add(&s->value, s->value, amount_sat((uint64_t)share_int(d, "value"))) &&
		  amount_add(&s->min, s->min, amount_sat((uint64_t)share_int(d, "min"))) &&
		  amount_add(&s->max, s->max, amount_sat((uint64_t)share_int(d, "max")));
	if (ok && json_is_integer(fifo)) {
		s->have_fifo = true;
		ok = amount_add(&s->fifo, s->fifo, amount_sat((uint64_t)json_integer_value(fifo)));
	}
	if (!ok || share_int(d, "value") < 0 || share_int(d, "min") < 0 ||
	    share_int(d, "max") < share_int(d, "min")) {
		snprintf(why_buf, sizeof(why_buf), "exit %s: amounts are inconsistent",
			 share_str(d, "outpoint"));
		*why = why_buf;
		return false;
	}
	return true;
}

static json_t *btc(struct amount a)
{
	char b[AMOUNT_STRLEN];
	return json_string(amount_to_btc(b, a));
}

static json_t *amounts_object(const struct sums *s, size_t n)
{
	json_t *o = json_object();
	json_object_set_new(o, "deposits", json_integer((json_int_t)n));
	json_object_set_new(o, "received", json_integer((json_int_t)s->value.sat));
	json_object_set_new(o, "min", json_integer((json_int_t)s->min.sat));
	json_object_set_new(o, "max", json_integer((json_int_t)s->max.sat));
	json_object_set_new(o, "fifo", s->have_fifo ?
			    json_integer((json_int_t)s->fifo.sat) : json_null());
	json_object_set_new(o, "btc", json_pack("{s:o, s:o, s:o, s:o}",
			    "received", btc(s->value), "min", btc(s->min),
			    "max", btc(s->max), "fifo",
			    s->have_fifo ? btc(s->fifo) : json_null()));
	json_object_set_new(o, "note", json_string(
		"amounts in satoshis; min-max: the least and the most any taint "
		"model but poison attributes to these deposits; fifo: "
		"first-in-first-out"));
	return o;
}

/* The sentence the venue acts on. */
static json_t *request_text(const struct share_meta *m, const char *venue,
			    const struct sums *s)
{
	char lo[AMOUNT_STRLEN], hi[AMOUNT_STRLEN], buf[1200];
	amount_to_btc(lo, s->min);
	amount_to_btc(hi, s->max);
	switch (m->request) {
	case SHARE_FREEZE:
		snprintf(buf, sizeof(buf),
			 "Case %s asks %s to freeze the funds received at the deposit "
			 "addresses below (between %s and %s BTC traced to proceeds of "
			 "crime), to preserve the account records of their holders, and "
			 "to answer the contact named here.", m->case_ref, venue, lo, hi);
		break;
	case SHARE_INFORM:
		snprintf(buf, sizeof(buf),
			 "Case %s informs %s that the deposit addresses below received "
			 "between %s and %s BTC traced to proceeds of crime; please "
			 "screen them and report activity to the contact named here.",
			 m->case_ref, venue, lo, hi);
		break;
	}
	return json_string(buf);
}

/* Where the request comes from, without anything of the case file. */
static json_t *source_object(const json_t *trace)
{
	char hex[65];
	json_t *p = json_object_get(trace, "parameters");
	json_t *o = json_pack("{s:O?, s:O?, s:O?}", "tool", json_object_get(trace, "tool"),
			      "index", json_object_get(trace, "index"),
			      "models", json_object_get(p, "models"));
	if (share_trace_sha256(hex, trace))
		json_object_set_new(o, "trace_sha256", json_string(hex));
	return o;
}

static json_t *collect_deposits(const json_t *trace, const char *entity,
				struct sums *s, const char **why)
{
	json_t *deps = json_array(), *x;
	size_t i;
	memset(s, 0, sizeof(*s));
	json_array_foreach(json_object_get(trace, "exits"), i, x) {
		if (strcmp(share_str(x, "entity"), entity) != 0)
			continue;
		json_t *d = deposit_record(x);
		json_array_append_new(deps, d);
		if (!add_deposit(s, d, why)) {
			json_decref(deps);
			return NULL;
		}
	}
	return deps;
}

bool freeze_build(json_t **out, const json_t *trace, size_t entity_i,
		  const char *slug, const struct share_meta *m, const char **why)
{
	const json_t *e = json_array_get(json_object_get(trace, "entities"), entity_i);
	const char *venue = share_str(e, "entity");
	char issued[SHARE_UTC_LEN];
	struct sums s;
	json_t *deps;

	*out = NULL;
	if (!e) {
		*why = "no such entity in the trace";
		return false;
	}
	if (!(deps = collect_deposits(trace, venue, &s, why)))
		return false;
	share_utc(issued, share_trace_time(trace));
	*out = json_pack("{s:s, s:s, s:s, s:s?, s:s, s:o, s:{s:s, s:s, s:s}, s:s, s:s, "
			 "s:o, s:o, s:o, s:o}",
			 "format", FREEZE_FORMAT, "request", share_request_name(m->request),
			 "case_ref", m->case_ref, "contact", m->contact,
			 "as_of_utc", issued, "text", request_text(m, venue, &s),
			 "venue", "name", venue, "category", share_str(e, "category"),
			 "slug", slug, "asset", "BTC",
			 "network", share_str(trace, "network"),
			 "amounts", amounts_object(&s, json_array_size(deps)),
			 "deposits", deps, "path", path_without_victim(trace, venue),
			 "source", source_object(trace));
	if (!*out) {
		*why = "cannot build the request (a string is not valid UTF-8)";
		return false;
	}
	return true;
}

static const char html_head[] =
	"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	"<meta name=\"viewport\" content=\"width=device-width\">\n"
	"<title>";

static const char html_style[] =
	"</title>\n<style>\n"
	"body{font:14px/1.45 sans-serif;margin:2em auto;max-width:60em;color:#111}\n"
	"table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}\n"
	"th,td{border:1px solid #999;padding:.25em .5em;text-align:left;"
	"vertical-align:top}\ntd.n{text-align:right;font-variant-numeric:tabular-nums}\n"
	"code{font:12px monospace;word-break:break-all}\n"
	".req{border:2px solid #000;padding:.75em 1em;font-size:15px}\n"
	"@media print{body{margin:0;max-width:none}}\n</style></head><body>\n";

static void html_amount(struct share_buf *b, const json_t *v)
{
	char s[AMOUNT_STRLEN];
	if (json_is_integer(v) && json_integer_value(v) >= 0)
		share_buf_printf(b, "<td class=\"n\">%s</td>",
				 amount_to_btc(s, amount_sat((uint64_t)json_integer_value(v))));
	else
		share_buf_printf(b, "<td>-</td>");
}

static void html_cell(struct share_buf *b, const char *s, bool code)
{
	share_buf_printf(b, code ? "<td><code>" : "<td>");
	share_buf_html(b, *s ? s : "-");
	share_buf_printf(b, code ? "</code></td>" : "</td>");
}

static void html_deposits(struct share_buf *b, const json_t *req)
{
	const json_t *d;
	size_t i;
	share_buf_printf(b, "<h2>Deposits</h2>\n<table><tr><th>Deposit address</th>"
			 "<th>Outpoint (txid:vout)</th><th>Block</th><th>Time (UTC)</th>"
			 "<th>Received BTC</th><th>Traced min BTC</th><th>Traced max BTC</th>"
			 "<th>FIFO BTC</th><th>Basis</th></tr>\n");
	json_array_foreach(json_object_get(req, "deposits"), i, d) {
		share_buf_printf(b, "<tr>");
		html_cell(b, share_str(d, "address"), true);
		html_cell(b, share_str(d, "outpoint"), true);
		share_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)share_int(d, "height"));
		html_cell(b, share_str(d, "time_utc"), false);
		html_amount(b, json_object_get(d, "value"));
		html_amount(b, json_object_get(d, "min"));
		html_amount(b, json_object_get(d, "max"));
		html_amount(b, json_object_get(d, "fifo"));
		html_cell(b, share_str(d, "evidence"), false);
		share_buf_printf(b, "</tr>\n");
	}
	share_buf_printf(b, "</table>\n");
}

static void html_path(struct share_buf *b, const json_t *req)
{
	const json_t *p = json_object_get(req, "path"), *h;
	size_t i;
	share_buf_printf(b, "<h2>Path from the theft</h2>\n<p>The theft transaction "
			 "output%s:</p><ul>\n", json_array_size(json_object_get(p, "seeds")) == 1 ? "" : "s");
	json_array_foreach(json_object_get(p, "seeds"), i, h) {
		share_buf_printf(b, "<li><code>");
		share_buf_html(b, share_str(h, "outpoint"));
		share_buf_printf(b, "</code> block %lld, ", (long long)share_int(h, "height"));
		share_buf_html(b, share_str(h, "time_utc"));
		share_buf_printf(b, "</li>\n");
	}
	share_buf_printf(b, "</ul>\n<table><tr><th>Hop</th><th>Outpoint</th><th>Block</th>"
			 "<th>Time (UTC)</th><th>Address</th><th>Value BTC</th>"
			 "<th>From</th><th>Status</th></tr>\n");
	json_array_foreach(json_object_get(p, "hops"), i, h) {
		const json_t *src;
		size_t k;
		share_buf_printf(b, "<tr><td class=\"n\">%lld</td>", (long long)share_int(h, "hop"));
		html_cell(b, share_str(h, "outpoint"), true);
		share_buf_printf(b, "<td class=\"n\">%lld</td>", (long long)share_int(h, "height"));
		html_cell(b, share_str(h, "time_utc"), false);
		html_cell(b, share_str(h, "address"), true);
		html_amount(b, json_object_get(h, "value"));
		share_buf_printf(b, "<td><code>");
		json_array_foreach(json_object_get(h, "spent_from"), k, src) {
			share_buf_html(b, json_string_value(src) ? json_string_value(src) : "");
			share_buf_printf(b, "<br>");
		}
		share_buf_printf(b, "</code></td>");
		html_cell(b, share_str(h, "status"), false);
		share_buf_printf(b, "</tr>\n");
	}
	share_buf_printf(b, "</table>\n");
}

static void html_facts(struct share_buf *b, const json_t *req)
{
	const json_t *a = json_object_get(req, "amounts");
	const json_t *ab = json_object_get(a, "btc");
	static const char *const rows[][2] = {
		{"Case reference", "case_ref"}, {"Request", "request"},
		{"Contact", "contact"}, {"Asset", "asset"}, {"Network", "network"},
		{"Data as of (UTC)", "as_of_utc"},
	};
	share_buf_printf(b, "<table>\n<tr><th>Venue</th><td>");
	share_buf_html(b, share_str(json_object_get(req, "venue"), "name"));
	share_buf_printf(b, "</td></tr>\n");
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		share_buf_printf(b, "<tr><th>%s</th><td>", rows[i][0]);
		share_buf_html(b, *share_str(req, rows[i][1]) ? share_str(req, rows[i][1]) : "-");
		share_buf_printf(b, "</td></tr>\n");
	}
	share_buf_printf(b, "<tr><th>Traced to these deposits</th><td>");
	share_buf_html(b, share_str(ab, "min"));
	share_buf_printf(b, " to ");
	share_buf_html(b, share_str(ab, "max"));
	share_buf_printf(b, " BTC (FIFO: ");
	share_buf_html(b, *share_str(ab, "fifo") ? share_str(ab, "fifo") : "not computed");
	share_buf_printf(b, ") over %lld deposit(s)</td></tr>\n</table>\n",
			 (long long)share_int(a, "deposits"));
}

void freeze_html(struct share_buf *b, const json_t *req)
{
	share_buf_printf(b, "%s", html_head);
	share_buf_html(b, share_str(req, "request"));
	share_buf_printf(b, " request, case ");
	share_buf_html(b, share_str(req, "case_ref"));
	share_buf_printf(b, ": ");
	share_buf_html(b, share_str(json_object_get(req, "venue"), "name"));
	share_buf_printf(b, "%s", html_style);
	share_buf_printf(b, "<h1>");
	share_buf_html(b, strcmp(share_str(req, "request"), "freeze") == 0 ?
			  "Request to freeze funds" : "Notice of traced funds");
	share_buf_printf(b, "</h1>\n<p class=\"req\">");
	share_buf_html(b, share_str(req, "text"));
	share_buf_printf(b, "</p>\n");
	html_facts(b, req);
	html_deposits(b, req);
	html_path(b, req);
	share_buf_printf(b, "<h2>How to check</h2>\n<p>Every outpoint above can be "
			 "looked up in any copy of the Bitcoin block chain. This request "
			 "is part of a signed evidence package: run <code>proceeds verify "
			 "DIR</code> on the package to check that no file was changed "
			 "since it was signed, and <code>proceeds watchlist add DIR</code> "
			 "to screen future deposits.</p>\n</body></html>\n");
}

static bool write_one(const char *dir, const json_t *trace, size_t i,
		      const char *slug, const struct share_meta *m, const char **why)
{
	char rel[SHARE_SLUG_MAX + 32];
	struct share_buf b;
	json_t *req;
	bool ok;

	if (!freeze_build(&req, trace, i, slug, m, why))
		return false;
	snprintf(rel, sizeof(rel), FREEZE_DIR "/%s.json", slug);
	ok = share_write_json(dir, rel, req, why);
	if (ok) {
		share_buf_init(&b);
		freeze_html(&b, req);
		snprintf(rel, sizeof(rel), FREEZE_DIR "/%s.html", slug);
		ok = share_write_file(dir, rel, b.p, b.len, why);
		share_buf_release(&b);
	}
	json_decref(req);
	return ok;
}

bool freeze_write(const char *dir, const json_t *trace,
		  const struct share_meta *m, size_t *n_written, const char **why)
{
	json_t *slugs, *slug;
	size_t i;
	bool ok = true;

	*n_written = 0;
	if (!share_trace_check(trace, why) || !share_meta_check(m, why))
		return false;
	slugs = share_entity_slugs(trace);
	json_array_foreach(slugs, i, slug) {
		if (!(ok = write_one(dir, trace, i, json_string_value(slug), m, why)))
			break;
		(*n_written)++;
	}
	json_decref(slugs);
	return ok;
}
