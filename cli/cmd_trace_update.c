/* proceeds trace --update: the saved trace re-run on the current index,
 * showing only what moved since (new hops, status changes, new exits). */
#include "proceeds/index.h"
#include "trace_cmd.h"

#include <stdlib.h>
#include <string.h>

static const char *str(const json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

/* The saved parameters back into o (strings borrowed from saved). */
static bool saved_params(struct trace_opts *o, const json_t *saved)
{
	const json_t *p = json_object_get(saved, "parameters"), *v;
	enum taint_model m;
	enum tag_category cat;
	size_t i;

	if (!json_is_object(p) || !json_is_array(json_object_get(p, "from")))
		return false;
	o->p.models = 0;
	o->p.stop_mask = 0;
	json_array_foreach(json_object_get(p, "models"), i, v) {
		if (!json_is_string(v) || !taint_model_from_name(&m, json_string_value(v)))
			return false;
		o->p.models |= TAINT_MODEL_BIT(m);
	}
	json_array_foreach(json_object_get(p, "stop_at"), i, v) {
		if (!json_is_string(v) || !tag_category_from_name(&cat, json_string_value(v)))
			return false;
		o->p.stop_mask |= 1u << cat;
	}
	o->n_from = json_array_size(json_object_get(p, "from"));
	o->from = calloc(o->n_from + 1, sizeof(*o->from));
	json_array_foreach(json_object_get(p, "from"), i, v)
		if (!o->from || !(o->from[i] = json_string_value(v)))
			return false;
	o->case_path = str(p, "case");
	o->p.max_hops = (uint32_t)json_integer_value(json_object_get(p, "max_hops"));
	o->p.min_sats = (uint64_t)json_integer_value(json_object_get(p, "min_sats"));
	o->p.max_edges = (uint64_t)json_integer_value(json_object_get(p, "max_edges"));
	o->has_after = json_is_integer(json_object_get(p, "after"));
	o->after = (uint64_t)json_integer_value(json_object_get(p, "after"));
	o->p.has_before = json_is_integer(json_object_get(p, "before"));
	o->p.before = (uint64_t)json_integer_value(json_object_get(p, "before"));
	/* Saved before the option existed: every mix was crossed pro rata. */
	if (!trace_coinjoin_rule_from_name(&o->p.coinjoin_rule,
					   str(p, "coinjoin_rule") ? str(p, "coinjoin_rule") : "haircut"))
		return false;
	return o->p.models && o->p.max_edges;
}

/* The object of arr whose "outpoint" is op, or NULL. */
static const json_t *find(const json_t *arr, const char *op)
{
	const json_t *v;
	size_t i;

	json_array_foreach(arr, i, v)
		if (strcmp(str(v, "outpoint"), op) == 0)
			return v;
	return NULL;
}

static json_t *diff(const json_t *old, const json_t *now)
{
	json_t *hops = json_array(), *changed = json_array(), *exits = json_array(), *v;
	size_t i;

	json_array_foreach(json_object_get(now, "hops"), i, v) {
		const json_t *was = find(json_object_get(old, "hops"), str(v, "outpoint"));
		if (!was)
			json_array_append(hops, v);
		else if (strcmp(str(was, "status"), str(v, "status")) != 0)
			json_array_append_new(changed, json_pack("{s:s, s:s, s:s}", "outpoint",
				str(v, "outpoint"), "was", str(was, "status"), "now", str(v, "status")));
	}
	json_array_foreach(json_object_get(now, "exits"), i, v)
		if (!find(json_object_get(old, "exits"), str(v, "outpoint")))
			json_array_append(exits, v);
	return json_pack("{s:s, s:O, s:O, s:o, s:o, s:o}", "format", "proceeds-trace-update/1",
			 "old_index", json_object_get(old, "index"),
			 "new_index", json_object_get(now, "index"),
			 "new_hops", hops, "changed", changed, "new_exits", exits);
}

static void print_diff(const json_t *d)
{
	const json_t *v;
	size_t i;

	printf("Since height %lld (now %lld): %zu new hops, %zu status changes, %zu new exits\n",
	       (long long)json_integer_value(json_object_get(json_object_get(d, "old_index"), "tip_height")),
	       (long long)json_integer_value(json_object_get(json_object_get(d, "new_index"), "tip_height")),
	       json_array_size(json_object_get(d, "new_hops")),
	       json_array_size(json_object_get(d, "changed")),
	       json_array_size(json_object_get(d, "new_exits")));
	json_array_foreach(json_object_get(d, "new_hops"), i, v)
		printf("  new hop   %s  hop %lld  %s\n", str(v, "outpoint"),
		       (long long)json_integer_value(json_object_get(v, "hop")), str(v, "status"));
	json_array_foreach(json_object_get(d, "changed"), i, v)
		printf("  moved     %s  %s -> %s\n", str(v, "outpoint"), str(v, "was"), str(v, "now"));
	json_array_foreach(json_object_get(d, "new_exits"), i, v)
		printf("  new exit  %s  %s (%s)\n", str(v, "outpoint"), str(v, "entity"),
		       str(v, "address"));
}

static int compare(struct cli_common *c, const json_t *saved, const json_t *now)
{
	json_t *d = diff(saved, now);
	int rc = CLI_OK;

	if (c->out)
		rc = trace_cmd_output(c, now, false);
	if (c->format == CLI_JSON) {
		json_dumpf(d, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	} else {
		print_diff(d);
	}
	json_decref(d);
	return rc;
}

int trace_cmd_update(struct cli_common *c, struct index *idx, struct trace_opts *o)
{
	json_error_t err;
	json_t *saved = json_load_file(o->update, JSON_REJECT_DUPLICATES, &err), *now;
	struct idx_tip tip;
	int rc = CLI_FAIL;

	if (!saved)
		return cli_error(o->update, "line %d: %s", err.line, err.text);
	free(o->from);
	o->from = NULL;
	if (!str(saved, "format") || strcmp(str(saved, "format"), TRACE_FORMAT) != 0 ||
	    !saved_params(o, saved)) {
		cli_error(o->update, "not a %s result with its parameters", TRACE_FORMAT);
	} else if (index_tip(idx, &tip) &&
		   (json_int_t)tip.height < json_integer_value(json_object_get(
			   json_object_get(saved, "index"), "tip_height"))) {
		cli_error(o->update, "the index (tip height %u) is behind the saved trace "
			  "(height %lld): stale index", tip.height, (long long)json_integer_value(
				  json_object_get(json_object_get(saved, "index"), "tip_height")));
	} else if ((now = trace_cmd_run(c, idx, o))) {
		rc = compare(c, saved, now);
		json_decref(now);
	}
	json_decref(saved);
	return rc;
}
