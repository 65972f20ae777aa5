/* report.html (see reporthtml.h). Text from outside (labels, addresses,
 * case fields, notes) only ever reaches the page through
 * reporthtml_escape. */
#include "proceeds/reporthtml.h"
#include "proceeds/amount.h"
#include "proceeds/report.h"
#include "proceeds/reportsvg.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

const char *reporthtml_entity(unsigned char c)
{
	switch (c) {
	case '&': return "&amp;";
	case '<': return "&lt;";
	case '>': return "&gt;";
	case '"': return "&quot;";
	case '\'': return "&#39;";
	}
	if ((c < 0x20 && c != '\n' && c != '\t') || c == 0x7f)
		return "&#xfffd;";
	return NULL;
}

void reporthtml_escape(FILE *f, const char *s)
{
	if (!s)
		return;
	for (; *s; s++) {
		const char *ent = reporthtml_entity((unsigned char)*s);
		if (ent)
			fputs(ent, f);
		else
			fputc(*s, f);
	}
}

static void esc_field(FILE *f, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v))
		reporthtml_escape(f, json_string_value(v));
	else if (json_is_integer(v))
		fprintf(f, "%lld", (long long)json_integer_value(v));
	else
		fputs("&ndash;", f);
}

static const char css[] =
	"body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
	"color:#1b1b1b;max-width:1100px;margin:2em auto;padding:0 1em}"
	"h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;border-bottom:"
	"2px solid #264d73;padding-bottom:.2em;margin-top:1.8em}h3{font-size:1.05em}"
	".meta{color:#555}.summary{font-size:1.08em;background:#f3f6f9;border-left:"
	"5px solid #264d73;padding:.8em 1em}table{border-collapse:collapse;width:100%;"
	"margin:.6em 0;font-size:.86em}th,td{border:1px solid #c8ced6;padding:.25em .45em;"
	"text-align:left;vertical-align:top}th{background:#e8edf3}td.n{text-align:right;"
	"white-space:nowrap;font-variant-numeric:tabular-nums}.mono{font-family:"
	"ui-monospace,Menlo,Consolas,monospace;font-size:.92em;word-break:break-all}"
	".addr{font-family:ui-monospace,Menlo,Consolas,monospace;white-space:nowrap}"
	".small{font-size:.8em;color:#444}.inf{color:#8a4b00;font-weight:600}.fact{color:#1f6b2e;font-weight:600}"
	"svg.flow{width:100%;height:auto;border:1px solid #c8ced6;background:#fff}"
	"svg .e{fill:none;stroke:#c0392b;stroke-opacity:.45}svg .e.x{stroke:#1f6b2e}"
	"svg rect{stroke:#333;stroke-width:1}svg .seed rect{fill:#f6d5d1}"
	"svg .hop rect{fill:#e3e9f1}svg .unspent rect{fill:#fde9c4}"
	"svg .more rect{fill:#eee;stroke-dasharray:4 3}svg .entity rect{fill:#d4ecd9}"
	"svg text{font:11px sans-serif;fill:#111}svg text.hdr{font-weight:bold;font-size:13px}"
	"@media print{body{margin:0;max-width:none;font-size:10.5pt}h2{break-after:avoid}"
	"table{font-size:8pt}tr,svg.flow,.summary{break-inside:avoid}"
	".summary{background:none}a{color:inherit;text-decoration:none}"
	"@page{size:A4;margin:14mm}}";

static void head(FILE *f, const json_t *report)
{
	const json_t *kase = json_object_get(report, "case");
	const char *title = json_string_value(json_object_get(kase, "title"));
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src "
	      "'none'; style-src 'unsafe-inline'\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width,initial-scale=1\">\n<title>", f);
	reporthtml_escape(f, title ? title : "Tracing report");
	fprintf(f, "</title>\n<style>%s</style></head><body>\n<h1>", css);
	reporthtml_escape(f, title ? title : "Tracing report");
	fputs("</h1>\n<p class=\"meta\">Case reference: <b>", f);
	esc_field(f, kase, "ref");
	fputs("</b> &middot; Asset: BTC (", f);
	esc_field(f, report, "network");
	fputs(") &middot; Report made ", f);
	esc_field(f, report, "created_utc");
	fputs(" &middot; Contact: ", f);
	esc_field(f, kase, "contact");
	fputs("<br>Request to the services named below: <b>", f);
	if (strcmp(json_string_value(json_object_get(kase, "request")), "inform") == 0)
		fputs("inform the contact of the deposits listed", f);
	else
		fputs("freeze the funds received on the deposit addresses listed "
		      "and inform the contact", f);
	fputs("</b>.</p>\n", f);
}

static void btc_cell(FILE *f, uint64_t sat)
{
	char b[AMOUNT_STRLEN];
	fprintf(f, "<td class=\"n\">%s</td>", amount_to_btc(b, amount_sat(sat)));
}

static void range_cell(FILE *f, const json_t *o)
{
	char r[REPORT_RANGE_LEN];
	fprintf(f, "<td class=\"n\">%s</td>", report_btc_range(r,
		(uint64_t)json_integer_value(json_object_get(o, "min")),
		(uint64_t)json_integer_value(json_object_get(o, "max"))));
}

static void model_heads(FILE *f, const json_t *models)
{
	const json_t *m;
	size_t i;
	json_array_foreach(models, i, m)
		fprintf(f, "<th>%s</th>", json_string_value(m));
}

static void model_cells(FILE *f, const json_t *traced, const json_t *models)
{
	const json_t *m;
	size_t i;
	json_array_foreach(models, i, m)
		btc_cell(f, report_traced(traced, json_string_value(m)));
}

static void time_cell(FILE *f, const json_t *o, const char *key)
{
	char b[32];
	fprintf(f, "<td>%s</td>", report_utc(b, json_integer_value(json_object_get(o, key))));
}

static void mono_cell(FILE *f, const json_t *o, const char *key)
{
	fputs("<td class=\"mono\">", f);
	esc_field(f, o, key);
	fputs("</td>", f);
}

static void summary(FILE *f, const json_t *report)
{
	fputs("<h2 id=\"summary\">Summary</h2>\n<p class=\"summary\">", f);
	esc_field(f, json_object_get(report, "summary"), "text");
	fputs("</p>\n<h2 id=\"flow\">Where the money went</h2>\n<p>Read from left to "
	      "right: the victim's outputs, the addresses the coins passed through "
	      "(one column per transaction hop), and the services whose deposit "
	      "addresses received them. Lines are as wide as the amount they carry "
	      "under the ", f);
	fputs(report_primary_model(report), f);
	fputs(" model; green lines end at a service.</p>\n", f);
	reportsvg_flow(f, report);
}

/* Whether any row of the array key is reached through a mix. */
static bool any_mixed(const json_t *t, const char *key)
{
	const json_t *x;
	size_t i;
	json_array_foreach(json_object_get(t, key), i, x)
		if (json_is_true(json_object_get(x, "through_mix")))
			return true;
	return false;
}

/* "min&ndash;max" of bound_min and bound_max, or a dash off a mix. */
static void bound_cell(FILE *f, const json_t *o)
{
	const json_t *lo = json_object_get(o, "bound_min"), *hi = json_object_get(o, "bound_max");
	char r[REPORT_RANGE_LEN];
	if (!json_is_integer(lo) || !json_is_integer(hi)) {
		fputs("<td class=\"n\">&ndash;</td>", f);
		return;
	}
	fprintf(f, "<td class=\"n inf\">%s</td>", report_btc_range(r,
		(uint64_t)json_integer_value(lo), (uint64_t)json_integer_value(hi)));
}

static void entities_table(FILE *f, const json_t *t, const json_t *models)
{
	const json_t *e;
	size_t i;
	bool mixed = any_mixed(t, "entities");
	fputs("<h2 id=\"exits\">Funds received by services</h2>\n<h3>Per service</h3>\n"
	      "<table><tr><th>Service</th><th>Category</th><th>Deposit addresses</th>"
	      "<th>Amount, BTC (min&ndash;max over models)</th>", f);
	model_heads(f, models);
	if (mixed)
		fputs("<th>Beyond a mix: range, BTC (smallest model&ndash;poison)</th>", f);
	fputs("<th>First deposit (UTC)</th></tr>\n", f);
	json_array_foreach(json_object_get(t, "entities"), i, e) {
		fputs("<tr><td>", f);
		esc_field(f, e, "entity");
		fputs("</td><td>", f);
		esc_field(f, e, "category");
		fprintf(f, "</td><td class=\"n\">%zu</td>",
			json_array_size(json_object_get(e, "deposit_addresses")));
		range_cell(f, e);
		model_cells(f, json_object_get(e, "traced"), models);
		if (mixed)
			bound_cell(f, e);
		time_cell(f, e, "first_time");
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* The note on a deposit reached through a mix. */
static void mix_note(FILE *f, const json_t *e)
{
	char r[REPORT_RANGE_LEN];
	if (!json_is_true(json_object_get(e, "through_mix")))
		return;
	fputs("<br><span class=\"inf\">Behind a CoinJoin: which of the mix's outputs "
	      "carried the money is a presumption of each model", f);
	if (json_is_integer(json_object_get(e, "bound_max")))
		fprintf(f, "; proceeds states only the range %s BTC, from the smallest "
			"model to poison (see &ldquo;Beyond a CoinJoin&rdquo;)",
			report_btc_range(r, (uint64_t)json_integer_value(json_object_get(e, "bound_min")),
					 (uint64_t)json_integer_value(json_object_get(e, "bound_max"))));
	else
		fputs(", so the range may not hold the true amount; the poison figure is "
		      "the bound", f);
	fputs(".</span>", f);
	if (json_is_true(json_object_get(e, "post_mix_linked")))
		fputs("<br><span class=\"inf\">Reached through a postmix output that is "
		      "linked after the mix (listed under &ldquo;Beyond a CoinJoin&rdquo;)."
		      "</span>", f);
}

static void exits_table(FILE *f, const json_t *report, const json_t *t)
{
	const char *primary = report_primary_model(report);
	const json_t *e;
	size_t i;
	fprintf(f, "<h3>Per deposit address</h3>\n<p>Every model's figure for each "
		"deposit is in exits.csv.</p>\n<table><tr><th>Service</th><th>Deposit "
		"address, and the transaction output that paid it (block)</th><th>Time "
		"(UTC)</th><th>Amount, BTC (min&ndash;max)</th><th>%s</th><th>Why this "
		"is the service</th></tr>\n", primary);
	json_array_foreach(json_object_get(t, "exits"), i, e) {
		bool tagged = strcmp(json_string_value(json_object_get(e, "basis")), "tagged") == 0;
		fputs("<tr><td>", f);
		esc_field(f, e, "entity");
		fputs("</td><td><span class=\"addr\">", f);
		esc_field(f, e, "address");
		fputs("</span><br><span class=\"mono small\">", f);
		esc_field(f, e, "outpoint");
		fputs(" (", f);
		esc_field(f, e, "height");
		fputs(")</span></td>", f);
		time_cell(f, e, "time");
		range_cell(f, e);
		btc_cell(f, report_traced(json_object_get(e, "traced"), primary));
		fprintf(f, "<td class=\"%s\">", tagged ? "fact" : "inf");
		esc_field(f, e, "evidence");
		mix_note(f, e);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void unspent_table(FILE *f, const json_t *t, const json_t *models)
{
	const json_t *u;
	size_t i;
	fputs("<h2 id=\"unspent\">Still unspent (may be frozen)</h2>\n", f);
	if (json_array_size(json_object_get(t, "unspent")) == 0) {
		fputs("<p>None: every traced output had been spent at the end of the "
		      "chain the analysis saw.</p>\n", f);
		return;
	}
	bool mixed = any_mixed(t, "unspent");
	fputs("<table><tr><th>Address</th><th>Transaction output</th><th>Block</th>"
	      "<th>Value, BTC</th>", f);
	model_heads(f, models);
	if (mixed)
		fputs("<th>Beyond a mix: range, BTC</th>", f);
	fputs("</tr>\n", f);
	json_array_foreach(json_object_get(t, "unspent"), i, u) {
		fputs("<tr>", f);
		mono_cell(f, u, "address");
		mono_cell(f, u, "outpoint");
		fputs("<td class=\"n\">", f);
		esc_field(f, u, "height");
		fputs("</td>", f);
		btc_cell(f, (uint64_t)json_integer_value(json_object_get(u, "value")));
		model_cells(f, json_object_get(u, "traced"), models);
		if (mixed)
			bound_cell(f, u);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* Whether the trace crossed a mix (an old trace may lack through_mix). */
static bool crossed_mix(const json_t *t)
{
	const json_t *h;
	size_t i;
	json_array_foreach(json_object_get(t, "hops"), i, h)
		if (strcmp(json_string_value(json_object_get(h, "basis")), "fact") != 0)
			return true;
	return json_array_size(json_object_get(t, "post_mix_links")) > 0;
}

static const char *const link_text[][3] = {
	{ "co-spend", "spent together in one transaction",
	  ": whoever signed it held the keys of all of them" },
	{ "with-criminal-coins", "spent in one transaction together with coins that "
	  "carry the proceeds and never went through a mix", "" },
	{ "same-deposit", "paid, in separate transactions, into one deposit address "
	  "of a service", ": one customer's account" },
};

static void link_precision(FILE *f, const json_t *p)
{
	long long n = json_integer_value(json_object_get(p, "links"));
	fputs("<td>", f);
	if (n == 0)
		fputs("not measured: no such link in the simulated cases", f);
	else
		fprintf(f, "%lld of %lld links were the criminal's outputs, %lld of %lld of "
			"one owner", (long long)json_integer_value(json_object_get(p, "criminal")),
			n, (long long)json_integer_value(json_object_get(p, "same_owner")), n);
	fputs(" (", f);
	esc_field(f, p, "measured_on");
	fputs(")</td>", f);
}

static void link_row(FILE *f, const json_t *l)
{
	const json_t *v;
	size_t i;
	fputs("<tr><td>", f);
	esc_field(f, l, "heuristic");
	fputs("</td>", f);
	mono_cell(f, l, "mix_txid");
	fputs("<td class=\"mono\">", f);
	json_array_foreach(json_object_get(l, "outpoints"), i, v) {
		fputs(i ? "<br>" : "", f);
		reporthtml_escape(f, json_string_value(v));
	}
	fputs("</td>", f);
	btc_cell(f, (uint64_t)json_integer_value(json_object_get(l, "value")));
	fputs("<td class=\"mono\">", f);
	esc_field(f, l, "txid");
	fputs(" (", f);
	esc_field(f, l, "height");
	fputs(")", f);
	if (json_is_string(json_object_get(l, "deposit_address"))) {
		fputs("<br>into ", f);
		esc_field(f, l, "deposit_address");
		if (json_is_string(json_object_get(l, "deposit_entity"))) {
			fputs(" (", f);
			esc_field(f, l, "deposit_entity");
			fputs(")", f);
		}
	}
	json_array_foreach(json_object_get(l, "with"), i, v) {
		fputs(i ? ", " : "<br>with ", f);
		reporthtml_escape(f, json_string_value(v));
	}
	fputs("</td>", f);
	link_precision(f, json_object_get(l, "precision"));
	fputs("</tr>\n", f);
}

/* Beyond a CoinJoin: what proceeds states there, in plain words, and
 * the postmix outputs linked after the mix. */
static void mix_section(FILE *f, const json_t *t)
{
	const json_t *links = json_object_get(t, "post_mix_links"), *l;
	size_t i;
	if (!crossed_mix(t))
		return;
	fputs("<h2 id=\"mix\">Beyond a CoinJoin</h2>\n<p class=\"summary\">A CoinJoin "
	      "(mix) hides which of its outputs are the criminal's. Beyond a mix, proceeds "
	      "states only a range: from the smallest amount any model attributes to the "
	      "poison amount (every output of the mix taken as tainted). The poison amount "
	      "is a bound: no more of the proceeds can be there. The smaller figure is "
	      "what the most cautious model presumes, not a proven minimum: a deposit "
	      "reached through a mix may hold none of the proceeds. Amounts beyond a mix "
	      "are inference, not fact.</p>\n<h3>Linked after the mix</h3>\n<p>Outputs "
	      "of a mix the proceeds entered are linked when they were later ", f);
	for (i = 0; i < 3; i++)
		fprintf(f, "%s%s (<b>%s</b>%s)", i == 0 ? "" : i == 2 ? "; or " : "; ",
			link_text[i][1], link_text[i][0], link_text[i][2]);
	fputs(". Such a link is evidence that the outputs have one owner; it does not "
	      "change any amount in this report.</p>\n", f);
	if (json_array_size(links) == 0) {
		fputs("<p>None found: no output of the mixes this trace crossed was spent "
		      "or paid in one of these ways (up to the end of the chain the "
		      "analysis saw).</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Heuristic</th><th>Mix</th><th>Postmix outputs linked</th>"
	      "<th>Value, BTC</th><th>Linking transaction (block)</th><th>Measured "
	      "precision</th></tr>\n", f);
	json_array_foreach(links, i, l)
		link_row(f, l);
	fputs("</table>\n", f);
}

static void seeds_table(FILE *f, const json_t *t)
{
	const json_t *s;
	size_t i;
	fputs("<h2 id=\"seeds\">The stolen funds (seeds)</h2>\n<table><tr><th>Address"
	      "</th><th>Transaction output</th><th>Block</th><th>Time (UTC)</th>"
	      "<th>Value, BTC</th><th>Traced, BTC</th></tr>\n", f);
	json_array_foreach(json_object_get(t, "seeds"), i, s) {
		fputs("<tr>", f);
		mono_cell(f, s, "address");
		mono_cell(f, s, "outpoint");
		fputs("<td class=\"n\">", f);
		esc_field(f, s, "height");
		fputs("</td>", f);
		time_cell(f, s, "time");
		btc_cell(f, (uint64_t)json_integer_value(json_object_get(s, "value")));
		btc_cell(f, (uint64_t)json_integer_value(json_object_get(s, "traced")));
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void hops_table(FILE *f, const json_t *t, const json_t *models)
{
	const json_t *h;
	size_t i;
	fputs("<h2 id=\"hops\">Every hop</h2>\n<p>One row per output that received "
	      "traced funds, in chain order. <span class=\"fact\">Fact</span>: an "
	      "on-chain spend, provable with the merkle proofs of this package. "
	      "<span class=\"inf\">Inference</span>: the step crossed a detected mix "
	      "(CoinJoin), where who received what is estimated.</p>\n<table><tr>"
	      "<th>Hop</th><th>Transaction output</th><th>Block</th><th>Time (UTC)"
	      "</th><th>Address</th><th>Value, BTC</th>", f);
	model_heads(f, models);
	fputs("<th>Basis</th><th>Status</th></tr>\n", f);
	json_array_foreach(json_object_get(t, "hops"), i, h) {
		bool fact = strcmp(json_string_value(json_object_get(h, "basis")), "fact") == 0;
		fputs("<tr><td class=\"n\">", f);
		esc_field(f, h, "hop");
		fputs("</td>", f);
		mono_cell(f, h, "outpoint");
		fputs("<td class=\"n\">", f);
		esc_field(f, h, "height");
		fputs("</td>", f);
		time_cell(f, h, "time");
		mono_cell(f, h, "address");
		btc_cell(f, (uint64_t)json_integer_value(json_object_get(h, "value")));
		model_cells(f, json_object_get(h, "traced"), models);
		fprintf(f, "<td class=\"%s\">%s</td><td>", fact ? "fact" : "inf",
			fact ? "fact" : "inference (mix)");
		esc_field(f, h, "status");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static const char *const model_text[][2] = {
	{ "poison", "If any coin going into a transaction is stolen, everything "
	  "that comes out counts as stolen. It never undercounts, so it is the upper "
	  "bound: no other model puts more at a service." },
	{ "haircut", "Every output of a transaction carries the same share of "
	  "stolen coins as the transaction as a whole (pro rata). Courts that set "
	  "Clayton's Case aside often share a mixed fund pro rata, as the Court of "
	  "Appeal did in Barlow Clowes International v Vaughan (1992)." },
	{ "fifo", "First in, first out: inside each transaction the coins are "
	  "lined up in the order of its inputs and paid out in the order of its "
	  "outputs, like money through a bank account. This is the rule of "
	  "Clayton's Case, the traditional English presumption for a mixed "
	  "account (Anderson et al., \"Bitcoin Redux\", 2018). It is exact, and "
	  "this report uses it as the main attribution." },
	{ "lifo", "Last in, first out: as FIFO, but the inputs are taken in "
	  "reverse order." },
	{ "tiho", "Taint in, highest out: the stolen coins fill the largest "
	  "outputs first (Tironsakkul et al., 2019), following the bulk of the "
	  "money the way launderers usually move it." },
};

static void method_models(FILE *f, const json_t *report)
{
	const json_t *models = report_models(report), *m;
	size_t i, j;
	fputs("<h2 id=\"method\">Method, in plain words</h2>\n<h3>How much of each "
	      "output is the stolen money: five models</h3>\n<p>When stolen coins are "
	      "mixed with other coins in one transaction, there is no single true "
	      "answer to which outputs hold them. The report shows several standard "
	      "readings side by side. Poison and haircut bound the answer; FIFO "
	      "gives the exact legal attribution. Where the models agree, the "
	      "conclusion does not depend on the choice.</p>\n<ul>", f);
	for (i = 0; i < 5; i++) {
		bool run = false;
		json_array_foreach(models, j, m)
			run = run || strcmp(json_string_value(m), model_text[i][0]) == 0;
		fprintf(f, "<li><b>%s</b>%s: %s</li>\n", model_text[i][0],
			run ? "" : " (not run for this report)", model_text[i][1]);
	}
	fputs("</ul>\n", f);
}

static void method_params(FILE *f, const json_t *t)
{
	const json_t *p = json_object_get(t, "parameters"), *v;
	const char *k;
	fputs("<h3>Parameters of the trace</h3>\n<table>", f);
	json_object_foreach((json_t *)p, k, v) {
		char *s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
		fputs("<tr><th>", f);
		reporthtml_escape(f, k);
		fputs("</th><td class=\"mono\">", f);
		reporthtml_escape(f, s);
		fputs("</td></tr>\n", f);
		free(s);
	}
	fputs("</table>\n", f);
}

static void method_heuristics(FILE *f, const json_t *t)
{
	const json_t *p = json_object_get(t, "parameters");
	fputs("<h3>What is fact and what is inference</h3>\n<ul>"
	      "<li><span class=\"fact\">On-chain fact</span>: each hop is a "
	      "transaction that spends the previous output. It is in the public "
	      "block chain; the proofs in this package show it without trusting "
	      "us.</li>\n<li><span class=\"fact\">Tag</span>: a deposit address named "
	      "by a source (the source and its confidence are quoted in the table "
	      "above). A tag is as good as its source.</li>\n<li><span class=\"inf\">"
	      "Inference by sweep</span>: an address is counted as a service's "
	      "deposit address because the service later spent it together with its "
	      "own addresses in one transaction (common-input ownership, Meiklejohn "
	      "et al., 2013). It can be wrong when several parties sign one "
	      "transaction (CoinJoin, PayJoin).</li>\n<li><span class=\"inf\">"
	      "Inference across a mix</span>: where coins crossed a detected CoinJoin, "
	      "the amount carried across is estimated by the rule \"", f);
	esc_field(f, p, "coinjoin_rule");
	fputs("\".</li>\n<li>Fees paid to miners (rule \"", f);
	esc_field(f, p, "fee_rule");
	fputs("\") are not followed.</li></ul>\n", f);
}

static void error_rates(FILE *f, const json_t *t)
{
	const json_t *r = json_object_get(t, "error_rates"), *e;
	size_t i;
	fputs("<h3>Measured error rates</h3>\n", f);
	if (json_array_size(r) == 0) {
		fputs("<p>Error rates: not measured for this index. The inferences "
		      "above have no stated error rate in this report.</p>\n", f);
		return;
	}
	fputs("<table><tr><th>Heuristic</th><th>Errors / trials</th><th>Error rate"
	      "</th><th>Measured on</th></tr>\n", f);
	json_array_foreach(r, i, e) {
		uint64_t err = (uint64_t)json_integer_value(json_object_get(e, "errors"));
		uint64_t n = (uint64_t)json_integer_value(json_object_get(e, "trials"));
		uint64_t bp = n ? (err * 10000 + n / 2) / n : 0;
		fputs("<tr><td>", f);
		esc_field(f, e, "heuristic");
		fprintf(f, "</td><td class=\"n\">%llu / %llu</td><td class=\"n\">"
			"%llu.%02llu%%</td><td>", (unsigned long long)err,
			(unsigned long long)n, (unsigned long long)(bp / 100),
			(unsigned long long)(bp % 100));
		esc_field(f, e, "measured_on");
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void proofs_list(FILE *f, const json_t *report)
{
	const json_t *p;
	size_t i, inc = 0, n = json_array_size(json_object_get(report, "proofs"));
	json_array_foreach(json_object_get(report, "proofs"), i, p)
		inc += strcmp(json_string_value(json_object_get(p, "status")), "included") == 0;
	fprintf(f, "<h3>Proofs of inclusion</h3>\n<p>%zu of the %zu transactions "
		"cited have a proof in <span class=\"mono\">proofs/</span>. Each proof "
		"holds the 80-byte block header and the merkle branch: hashing the "
		"transaction id up the branch must give the merkle root written in the "
		"header, and the header's hash must be the block's hash in any public "
		"copy of the chain.</p>\n<table><tr><th>Transaction</th><th>Block</th>"
		"<th>Proof</th></tr>\n", inc, n);
	json_array_foreach(json_object_get(report, "proofs"), i, p) {
		fputs("<tr>", f);
		mono_cell(f, p, "txid");
		fputs("<td class=\"n\">", f);
		esc_field(f, p, "height");
		fputs("</td><td class=\"mono\">", f);
		if (json_is_string(json_object_get(p, "file")))
			esc_field(f, p, "file");
		else {
			fputs("unavailable: ", f);
			esc_field(f, p, "reason");
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

static void verification(FILE *f, const json_t *report)
{
	const json_t *v = json_object_get(report, "verification");
	const json_t *tr = json_object_get(report, "trace"), *t = report_trace(report);
	const json_t *pk = json_object_get(v, "pubkey");

	fputs("<h2 id=\"verify\">How to verify this report</h2>\n<ol><li>The file "
	      "<span class=\"mono\">MANIFEST</span> lists the SHA-256 of every file of "
	      "this package; <span class=\"mono\">sha256sum -c MANIFEST</span> checks "
	      "them.</li>\n<li><span class=\"mono\">MANIFEST.sig</span> is a BIP340 "
	      "Schnorr signature over the SHA-256 of MANIFEST. Signer's public key: "
	      "<span class=\"mono\">", f);
	if (json_is_string(pk))
		esc_field(f, v, "pubkey");
	else
		fputs("none: this package was not signed", f);
	fputs("</span>.</li>\n<li><span class=\"mono\">proceeds verify DIR --pubkey "
	      "KEY</span> checks the hashes, the signature and every merkle proof "
	      "at once.</li>\n<li>Any transaction can be looked up in a public block "
	      "explorer", f);
	if (json_is_string(json_object_get(v, "explorer_tx"))) {
		fputs(", for example <span class=\"mono\">", f);
		esc_field(f, v, "explorer_tx");
		fputs("</span>", f);
	}
	fputs(".</li></ol>\n<p>This report was computed by proceeds ", f);
	esc_field(f, json_object_get(t, "tool"), "version");
	fputs(" from the trace file with SHA-256 <span class=\"mono\">", f);
	esc_field(f, tr, "sha256");
	fputs("</span>, on a chain whose tip was block ", f);
	esc_field(f, json_object_get(t, "index"), "tip_height");
	fputs(" (<span class=\"mono\">", f);
	esc_field(f, json_object_get(t, "index"), "tip_hash");
	fputs("</span>).</p>\n", f);
	proofs_list(f, report);
}

static void notes(FILE *f, const json_t *t)
{
	const json_t *n;
	size_t i;
	if (json_array_size(json_object_get(t, "notes")) == 0)
		return;
	fputs("<h2 id=\"notes\">Notes and limits of this trace</h2>\n<ul>", f);
	json_array_foreach(json_object_get(t, "notes"), i, n) {
		fputs("<li>", f);
		reporthtml_escape(f, json_string_value(n));
		fputs("</li>\n", f);
	}
	fputs("</ul>\n", f);
}

void reporthtml_write(FILE *f, const json_t *report)
{
	const json_t *t = report_trace(report), *models = report_models(report);
	head(f, report);
	summary(f, report);
	entities_table(f, t, models);
	exits_table(f, report, t);
	unspent_table(f, t, models);
	mix_section(f, t);
	seeds_table(f, t);
	hops_table(f, t, models);
	method_models(f, report);
	method_params(f, t);
	method_heuristics(f, t);
	error_rates(f, t);
	notes(f, t);
	verification(f, report);
	fputs("</body></html>\n", f);
}
