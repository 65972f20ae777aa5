/* proceeds trace: follow proceeds forward under five taint models. */
#include "proceeds/fileio.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/trace_json.h"
#include "proceeds/trace_spec.h"
#include "trace_cmd.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

/* Unix seconds, or YYYY-MM-DD[THH:MM[:SS]][Z] in UTC. */
bool trace_parse_time(uint64_t *out, const char *s)
{
	static const char *const fmts[] = { "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d" };
	char *end;
	struct tm tm;

	if (s[0] >= '0' && s[0] <= '9' && !strchr(s, '-')) {
		unsigned long long v = strtoull(s, &end, 10);
		*out = v;
		return !*end && v <= UINT32_MAX;
	}
	for (size_t i = 0; i < sizeof(fmts) / sizeof(fmts[0]); i++) {
		memset(&tm, 0, sizeof(tm));
		end = strptime(s, fmts[i], &tm);
		if (end && (!*end || (end[0] == 'Z' && !end[1]))) {
			time_t t = timegm(&tm);
			*out = (uint64_t)t;
			return t >= 0;
		}
	}
	return false;
}

static bool parse_models(unsigned *out, const char *list)
{
	char buf[256], *save = NULL, *tok;
	enum taint_model m;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "all") == 0) {
			*out |= TAINT_MODELS_ALL;
			continue;
		}
		if (!taint_model_from_name(&m, tok))
			return !cli_error("trace", "unknown model '%s' (poison, haircut, fifo, "
					  "lifo, tiho)", tok);
		*out |= TAINT_MODEL_BIT(m);
	}
	return *out || !cli_error("trace", "--model: no model given");
}

static bool parse_stop(uint32_t *out, const char *list)
{
	char buf[512], *save = NULL, *tok;
	enum tag_category c;

	*out = 0;
	snprintf(buf, sizeof(buf), "%s", list);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "none") == 0)
			continue;
		if (!tag_category_from_name(&c, tok))
			return !cli_error("trace", "--stop-at: unknown category '%s' (see "
					  "docs/tags.md)", tok);
		*out |= 1u << c;
	}
	return true;
}

static bool parse_u64(uint64_t *out, const char *v, const char *name)
{
	char *end;

	errno = 0;
	*out = strtoull(v, &end, 10);
	if (v[0] < '0' || v[0] > '9' || *end || errno)
		return !cli_error("trace", "%s: not a number: '%s'", name, v);
	return true;
}

static bool add_from(struct trace_opts *o, const char *spec)
{
	const char **v = realloc(o->from, (o->n_from + 1) * sizeof(*v));

	if (!v)
		return !cli_error("trace", "out of memory");
	o->from = v;
	v[o->n_from++] = spec;
	return true;
}

static bool num_opt(struct trace_opts *o, const char *name, const char *v)
{
	uint64_t n;

	if (!parse_u64(&n, v, name))
		return false;
	if (strcmp(name, "--max-hops") == 0) {
		if (n > UINT32_MAX)
			return !cli_error("trace", "--max-hops: too large");
		o->p.max_hops = (uint32_t)n;
	} else if (strcmp(name, "--min-sats") == 0) {
		o->p.min_sats = n;
	} else {
		if (n == 0)
			return !cli_error("trace", "--max-edges: must be at least 1");
		o->p.max_edges = n;
	}
	return true;
}

static bool time_opt(struct trace_opts *o, const char *name, const char *v)
{
	uint64_t t;

	if (!trace_parse_time(&t, v))
		return !cli_error("trace", "%s: not a time (Unix seconds or "
				  "YYYY-MM-DD[THH:MM:SS]Z): '%s'", name, v);
	if (strcmp(name, "--after") == 0) {
		o->has_after = true;
		o->after = t;
	} else {
		o->p.has_before = true;
		o->p.before = t;
	}
	return true;
}

/* One option at argv[*i]; false after printing an error. */
static bool one_opt(struct trace_opts *o, int argc, char **argv, int *i)
{
	static const char *const nums[] = { "--max-hops", "--min-sats", "--max-edges" };
	static const char *const times[] = { "--after", "--before" };
	const char *v;
	bool bad = false;

	if (cli_opt_value(&v, argc, argv, i, "--from", &bad))
		return add_from(o, v);
	if (cli_opt_value(&o->case_path, argc, argv, i, "--case", &bad) ||
	    cli_opt_value(&o->update, argc, argv, i, "--update", &bad) ||
	    cli_opt_value(&o->error_rates, argc, argv, i, "--error-rates", &bad))
		return !bad;
	if (cli_opt_value(&v, argc, argv, i, "--model", &bad))
		return !bad && parse_models(&o->p.models, v);
	if (cli_opt_value(&v, argc, argv, i, "--coinjoin-rule", &bad))
		return !bad && (trace_coinjoin_rule_from_name(&o->p.coinjoin_rule, v) ||
				!cli_error("trace", "--coinjoin-rule: '%s' (model, haircut)", v));
	if (cli_opt_value(&v, argc, argv, i, "--stop-at", &bad))
		return !bad && parse_stop(&o->p.stop_mask, v);
	for (size_t k = 0; k < 3; k++)
		if (cli_opt_value(&v, argc, argv, i, nums[k], &bad))
			return !bad && num_opt(o, nums[k], v);
	for (size_t k = 0; k < 2; k++)
		if (cli_opt_value(&v, argc, argv, i, times[k], &bad))
			return !bad && time_opt(o, times[k], v);
	if (bad)
		return false;
	if (argv[*i][0] == '-')
		return !cli_error("trace", "unknown option '%s'", argv[*i]);
	return add_from(o, argv[*i]);
}

static void opts_default(struct trace_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->p.models = TAINT_MODELS_ALL;
	o->p.stop_mask = 1u << TAG_CAT_EXCHANGE;
	o->p.max_hops = TRACE_DEFAULT_MAX_HOPS;
	o->p.min_sats = TRACE_DEFAULT_MIN_SATS;
	o->p.max_edges = TRACE_DEFAULT_MAX_EDGES;
}

static bool resolve(struct cli_common *c, struct trace_specs *s, const struct trace_opts *o)
{
	const char *why;
	char *text;
	size_t len;

	for (size_t i = 0; i < o->n_from; i++)
		if (!trace_specs_add(s, o->from[i], &why))
			return !cli_error("trace", "%s", why);
	if (!o->case_path)
		return true;
	if (!fileio_read(&text, &len, o->case_path, 64u << 20, &why))
		return !cli_error(o->case_path, "%s", why);
	bool ok = trace_specs_case(s, text, len, &why);
	free(text);
	return ok || !cli_error(o->case_path, "%s", why);
}

/* A --before beyond the index's last block: the index may be stale. */
static void warn_stale(struct cli_common *c, struct store *st, const struct trace_opts *o,
		       const struct idx_tip *tip)
{
	struct idx_block b;
	bool found;
	const char *why;
	char hex[65];

	if (!o->p.has_before || !idxq_block_at(st, &b, &found, tip->height, &why) || !found ||
	    b.time >= o->p.before)
		return;
	hash256_to_hex(hex, &tip->hash);
	cli_warn(c, "the index ends at height %u (%s, time %u), before --before: "
		 "the trace may be incomplete (stale index?)", tip->height, hex, b.time);
}

/* One measured rate, copied field by field (nothing else is carried). */
static json_t *rate_copy(const json_t *r)
{
	const json_t *h = json_object_get(r, "heuristic"), *m = json_object_get(r, "measured_on");
	const json_t *e = json_object_get(r, "errors"), *t = json_object_get(r, "trials");

	if (!json_is_string(h) || !json_is_string(m) || !json_is_integer(e) ||
	    !json_is_integer(t) || json_integer_value(e) < 0 ||
	    json_integer_value(e) > json_integer_value(t))
		return NULL;
	return json_pack("{s:O, s:O, s:O, s:O}", "heuristic", h, "errors", e,
			 "trials", t, "measured_on", m);
}

/* --error-rates FILE: the `error_rates` list of a measured-rates file
 * (bench/bench_cluster_truth.sh writes one) into doc, before `notes`. */
static bool add_error_rates(json_t *doc, const char *path)
{
	json_error_t err;
	json_t *f = json_load_file(path, 0, &err), *out, *notes;
	const json_t *list, *r;
	size_t i;

	if (!f)
		return !cli_error(path, "%s (line %d)", err.text, err.line);
	list = json_is_array(f) ? f : json_object_get(f, "error_rates");
	if (!json_is_array(list)) {
		json_decref(f);
		return !cli_error(path, "no error_rates list");
	}
	out = json_array();
	json_array_foreach(list, i, r) {
		json_t *one = rate_copy(r);
		if (!one) {
			json_decref(out);
			json_decref(f);
			return !cli_error(path, "error_rates[%zu]: needs heuristic, errors <= "
					  "trials (integers) and measured_on", i);
		}
		json_array_append_new(out, one);
	}
	json_decref(f);
	notes = json_incref(json_object_get(doc, "notes"));
	json_object_del(doc, "notes");
	json_object_set_new(doc, "error_rates", out);
	if (notes)
		json_object_set_new(doc, "notes", notes);
	return true;
}

json_t *trace_cmd_run(struct cli_common *c, struct index *idx, const struct trace_opts *o)
{
	struct trace_specs s = { .st = index_store(idx), .net = index_network(idx),
				 .has_after = o->has_after, .after = o->after,
				 .has_before = o->p.has_before, .before = o->p.before };
	struct trace_request q = { o->from, o->n_from, o->case_path, o->has_after, o->after };
	struct trace_result r;
	const char *why;
	json_t *doc = NULL;

	if (!index_tip(idx, &s.tip)) {
		cli_error(cli_db_path(c), "the index is empty");
		return NULL;
	}
	if (!resolve(c, &s, o)) {
		trace_specs_release(&s);
		return NULL;
	}
	if (s.n == 0) {
		cli_error("trace", "no seed: give --from SPEC or --case FILE");
	} else if (!trace_run(&r, s.st, s.net, &s.tip, &o->p, s.v, s.n, &why)) {
		cli_error("trace", "%s", why);
	} else {
		warn_stale(c, s.st, o, &s.tip);
		if (!(doc = trace_json(s.st, s.net, &r, &q, &why)))
			cli_error("trace", "%s", why);
		else if (o->error_rates && !add_error_rates(doc, o->error_rates))
			doc = (json_decref(doc), NULL);
		trace_result_release(&r);
	}
	trace_specs_release(&s);
	return doc;
}

static int write_out(struct cli_common *c, const json_t *doc)
{
	char path[4096];

	if (mkdir(c->out, 0777) != 0 && errno != EEXIST)
		return cli_error(c->out, "%s", strerror(errno));
	snprintf(path, sizeof(path), "%s/trace.json", c->out);
	if (json_dump_file(doc, path, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return cli_error(path, "cannot write");
	return CLI_OK;
}

int trace_cmd_output(struct cli_common *c, const json_t *doc, bool table)
{
	if (c->out && write_out(c, doc) != CLI_OK)
		return CLI_FAIL;
	if (c->format == CLI_JSON) {
		json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else if (table) {
		trace_table(stdout, doc);
	}
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct trace_opts o;
	struct index *idx;
	bool absent;
	const char *why;
	int rc = CLI_FAIL;
	json_t *doc;

	opts_default(&o);
	for (int i = 1; i < argc; i++)
		if (!one_opt(&o, argc, argv, &i)) {
			free(o.from);
			return CLI_FAIL;
		}
	if (!index_open_query(&idx, &absent, cli_db_path(c), c->net, &why)) {
		free(o.from);
		return cli_error(cli_db_path(c), "%s", absent ? "no index here (run proceeds index)" : why);
	}
	if (o.update) {
		rc = trace_cmd_update(c, idx, &o);
	} else if ((doc = trace_cmd_run(c, idx, &o))) {
		rc = trace_cmd_output(c, doc, true);
		json_decref(doc);
	}
	index_close(idx);
	free(o.from);
	return rc;
}

const struct cli_command cmd_trace = {
	"trace", run, "follow proceeds forward under five taint models to exits",
	"proceeds trace --from SPEC... [--case FILE] [options] [--json | --out DIR]\n"
	"proceeds trace --update RESULT.json [--json | --out DIR]\n"
	"  --from SPEC      where the proceeds are (repeatable; bare SPECs too):\n"
	"                   TXID:VOUT, TXID (all outputs), ADDR (every receipt),\n"
	"                   TXID:VOUT=AMOUNT (part: 0.5 BTC or 50000sat)\n"
	"  --case FILE      seeds from a case file (proceeds simulate's case.json,\n"
	"                   or {\"seeds\":[{\"txid\",\"vout\",\"amount_sat\"}]})\n"
	"  --model LIST     fifo,haircut,poison,lifo,tiho (default: all, one pass)\n"
	"  --stop-at LIST   categories whose entities are exits (default exchange;\n"
	"                   none = no exits)\n"
	"  --max-hops N     do not follow outputs N txs from a seed (default 50)\n"
	"  --min-sats N     drop outputs below N sat in every model (default 546)\n"
	"  --max-edges N    stop after about N tainted outputs (default 100000)\n"
	"  --after TIME     ADDR receipts from TIME; seeds must be unspent then\n"
	"  --before TIME    ADDR receipts and spends before TIME (Unix or ISO UTC)\n"
	"  --coinjoin-rule model|haircut  across a detected CoinJoin: each model\n"
	"                   its own rule (default), or all pro rata\n"
	"  --error-rates FILE  copy measured error rates (a proceeds-error-rates/1\n"
	"                   file, e.g. from bench/bench_cluster_truth.sh) into the\n"
	"                   trace's error_rates, for the report\n"
	"  --update FILE    re-run a saved trace on the current index and show\n"
	"                   only what moved (new hops, status changes, new exits)\n"
	"  Output: proceeds-trace/1 JSON (docs/trace-format.md) with --json or\n"
	"  in DIR/trace.json with --out; else a summary table. Deterministic.\n"
	"  Exit 2 on an unknown txid or address, a wrong network, a seed spent\n"
	"  before --after, or a stale index.\n",
};
