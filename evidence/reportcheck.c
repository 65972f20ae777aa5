/* Validation of a proceeds-trace/1 document (see reportcheck.h). */
#include "proceeds/reportcheck.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/network.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

static _Thread_local char why_buf[256];

/* Formats the failure into why_buf; always returns false. */
static bool bad(const char **why, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static bool bad(const char **why, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(why_buf, sizeof(why_buf), fmt, ap);
	va_end(ap);
	*why = why_buf;
	return false;
}

static const char *const model_names[] = { "poison", "haircut", "fifo", "lifo", "tiho" };

bool reportcheck_model_name(const char *name)
{
	for (size_t i = 0; i < 5; i++)
		if (strcmp(name, model_names[i]) == 0)
			return true;
	return false;
}

/* What every check below shares: the models that were run and the
 * network addresses must belong to. */
struct chk {
	const json_t *models;
	enum network net;
	const char **why;
};

static bool is_amount(const json_t *v)
{
	return json_is_integer(v) && json_integer_value(v) >= 0 &&
	       (uint64_t)json_integer_value(v) <= AMOUNT_MAX;
}

static bool is_hex64(const char *s)
{
	if (!s || strlen(s) != 64)
		return false;
	for (size_t i = 0; i < 64; i++)
		if (!strchr("0123456789abcdef", s[i]))
			return false;
	return true;
}

static bool is_outpoint(const char *s)
{
	char txid[65];
	const char *colon = s ? strchr(s, ':') : NULL;
	if (!colon || colon - s != 64 || !colon[1] || strlen(colon + 1) > 10)
		return false;
	memcpy(txid, s, 64);
	txid[64] = 0;
	for (const char *p = colon + 1; *p; p++)
		if (*p < '0' || *p > '9')
			return false;
	return is_hex64(txid);
}

static bool need_amount(struct chk *c, const json_t *o, const char *where,
			const char *key)
{
	if (!is_amount(json_object_get(o, key)))
		return bad(c->why, "%s.%s: not an amount in satoshis", where, key);
	return true;
}

static bool need_uint(struct chk *c, const json_t *o, const char *where,
		      const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX * 1024LL * 1024LL)
		return bad(c->why, "%s.%s: not a non-negative integer", where, key);
	return true;
}

/* "through_mix" was added to trace results later: absent is allowed (an
 * older result), anything but a boolean is not. */
static bool opt_mix(struct chk *c, const json_t *o, const char *where)
{
	const json_t *v = json_object_get(o, "through_mix");
	if (!v || json_is_boolean(v))
		return true;
	return bad(c->why, "%s.through_mix: not a boolean", where);
}

static bool need_string(struct chk *c, const json_t *o, const char *where,
			const char *key, bool nullable)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_string(v) || (nullable && json_is_null(v)))
		return true;
	return bad(c->why, "%s.%s: not a string%s", where, key,
		   nullable ? " or null" : "");
}

static bool need_hash(struct chk *c, const json_t *o, const char *where,
		      const char *key)
{
	if (!is_hex64(json_string_value(json_object_get(o, key))))
		return bad(c->why, "%s.%s: not a 64-digit lowercase hex hash", where, key);
	return true;
}

static bool need_outpoint(struct chk *c, const json_t *o, const char *where,
			  const char *key)
{
	if (!is_outpoint(json_string_value(json_object_get(o, key))))
		return bad(c->why, "%s.%s: not an outpoint <txid>:<vout>", where, key);
	return true;
}

static bool need_address(struct chk *c, const json_t *o, const char *where,
			 const char *key, bool nullable)
{
	const json_t *v = json_object_get(o, key);
	struct address a;
	const char *why;
	if (nullable && json_is_null(v))
		return true;
	if (!json_is_string(v))
		return bad(c->why, "%s.%s: not an address", where, key);
	if (!address_decode(&a, c->net, json_string_value(v), &why))
		return bad(c->why, "%s.%s: %s", where, key, why);
	return true;
}

/* A per-model object: exactly one amount per model that was run. */
static bool need_traced(struct chk *c, const json_t *o, const char *where,
			const char *key)
{
	const json_t *t = json_object_get(o, key), *m;
	size_t i;
	if (!json_is_object(t) || json_object_size(t) != json_array_size(c->models))
		return bad(c->why, "%s.%s: not one amount per model run", where, key);
	json_array_foreach(c->models, i, m) {
		if (!is_amount(json_object_get(t, json_string_value(m))))
			return bad(c->why, "%s.%s.%s: not an amount in satoshis",
				   where, key, json_string_value(m));
	}
	return true;
}

static bool need_time(struct chk *c, const json_t *o, const char *where)
{
	return need_uint(c, o, where, "time") && need_string(c, o, where, "time_utc", false);
}

static bool need_block(struct chk *c, const json_t *o, const char *where)
{
	return need_uint(c, o, where, "height") && need_hash(c, o, where, "block_hash");
}

static bool check_seed(struct chk *c, const json_t *s, const char *w)
{
	return need_outpoint(c, s, w, "outpoint") &&
	       need_address(c, s, w, "address", true) &&
	       need_amount(c, s, w, "value") && need_amount(c, s, w, "traced") &&
	       need_block(c, s, w) && need_time(c, s, w);
}

static bool check_hop(struct chk *c, const json_t *h, const char *w)
{
	const json_t *sf = json_object_get(h, "spent_from"), *v;
	size_t i;
	if (!(need_outpoint(c, h, w, "outpoint") && need_hash(c, h, w, "txid") &&
	      need_uint(c, h, w, "vout") && need_block(c, h, w) &&
	      need_time(c, h, w) && need_uint(c, h, w, "hop") &&
	      need_address(c, h, w, "address", true) &&
	      need_amount(c, h, w, "value") && need_traced(c, h, w, "traced") &&
	      need_string(c, h, w, "basis", false) &&
	      need_string(c, h, w, "status", false) && opt_mix(c, h, w)))
		return false;
	if (strncmp(json_string_value(json_object_get(h, "outpoint")),
		    json_string_value(json_object_get(h, "txid")), 64) != 0)
		return bad(c->why, "%s: outpoint and txid differ", w);
	if (!json_is_array(sf))
		return bad(c->why, "%s.spent_from: not an array", w);
	json_array_foreach(sf, i, v)
		if (!is_outpoint(json_string_value(v)))
			return bad(c->why, "%s.spent_from[%zu]: not an outpoint", w, i);
	return true;
}

static bool check_exit(struct chk *c, const json_t *e, const char *w)
{
	const json_t *sw = json_object_get(e, "sweep_txid");
	if (!(need_string(c, e, w, "entity", false) &&
	      need_string(c, e, w, "category", false) &&
	      need_address(c, e, w, "address", false) &&
	      need_outpoint(c, e, w, "outpoint") && need_block(c, e, w) &&
	      need_time(c, e, w) && need_amount(c, e, w, "value") &&
	      need_traced(c, e, w, "traced") && need_amount(c, e, w, "min") &&
	      need_amount(c, e, w, "max") && need_string(c, e, w, "basis", false) &&
	      need_string(c, e, w, "evidence", false) && opt_mix(c, e, w)))
		return false;
	if (!json_is_null(sw) && !is_hex64(json_string_value(sw)))
		return bad(c->why, "%s.sweep_txid: not a txid or null", w);
	if (json_object_get(e, "sweep_height") &&
	    !(need_uint(c, e, w, "sweep_height") && need_hash(c, e, w, "sweep_block_hash")))
		return false;
	return true;
}

static bool check_entity(struct chk *c, const json_t *e, const char *w)
{
	const json_t *d = json_object_get(e, "deposit_addresses"), *v;
	size_t i;
	if (!(need_string(c, e, w, "entity", false) &&
	      need_string(c, e, w, "category", false) &&
	      need_traced(c, e, w, "traced") && need_amount(c, e, w, "min") &&
	      need_amount(c, e, w, "max") && need_uint(c, e, w, "first_time") &&
	      opt_mix(c, e, w)))
		return false;
	if (!json_is_array(d))
		return bad(c->why, "%s.deposit_addresses: not an array", w);
	json_array_foreach(d, i, v)
		if (!json_is_string(v))
			return bad(c->why, "%s.deposit_addresses[%zu]: not a string", w, i);
	return true;
}

static bool check_unspent(struct chk *c, const json_t *u, const char *w)
{
	return need_outpoint(c, u, w, "outpoint") &&
	       need_address(c, u, w, "address", true) &&
	       need_amount(c, u, w, "value") && need_uint(c, u, w, "height") &&
	       need_traced(c, u, w, "traced") && opt_mix(c, u, w);
}

static bool check_error_rate(struct chk *c, const json_t *r, const char *w)
{
	if (!(need_string(c, r, w, "heuristic", false) &&
	      need_uint(c, r, w, "errors") && need_uint(c, r, w, "trials") &&
	      need_string(c, r, w, "measured_on", false)))
		return false;
	if (json_integer_value(json_object_get(r, "errors")) >
	    json_integer_value(json_object_get(r, "trials")))
		return bad(c->why, "%s: more errors than trials", w);
	return true;
}

typedef bool (*item_fn)(struct chk *c, const json_t *item, const char *where);

static bool check_array(struct chk *c, const json_t *t, const char *key,
			item_fn fn, bool optional)
{
	const json_t *a = json_object_get(t, key), *v;
	char where[64];
	size_t i;
	if (optional && (!a || json_is_null(a)))
		return true;
	if (!json_is_array(a))
		return bad(c->why, "%s: not an array", key);
	json_array_foreach(a, i, v) {
		snprintf(where, sizeof(where), "%s[%zu]", key, i);
		if (!json_is_object(v))
			return bad(c->why, "%s: not an object", where);
		if (!fn(c, v, where))
			return false;
	}
	return true;
}

static bool check_models(struct chk *c, const json_t *params)
{
	const json_t *m, *v;
	size_t i, j;
	if (!json_is_object(params))
		return bad(c->why, "parameters: not an object");
	m = json_object_get(params, "models");
	if (!json_is_array(m) || json_array_size(m) == 0)
		return bad(c->why, "parameters.models: not a non-empty array");
	json_array_foreach(m, i, v) {
		if (!json_is_string(v) || !reportcheck_model_name(json_string_value(v)))
			return bad(c->why, "parameters.models[%zu]: unknown model", i);
		for (j = 0; j < i; j++)
			if (json_equal(json_array_get(m, j), (json_t *)v))
				return bad(c->why, "parameters.models[%zu]: repeated", i);
	}
	c->models = m;
	return true;
}

static bool check_head(struct chk *c, const json_t *t)
{
	const json_t *tool = json_object_get(t, "tool"), *idx = json_object_get(t, "index");
	const char *fmt = json_string_value(json_object_get(t, "format"));
	const char *net = json_string_value(json_object_get(t, "network"));

	if (!json_is_object(t))
		return bad(c->why, "not a JSON object");
	if (!fmt || strcmp(fmt, REPORTCHECK_TRACE_FORMAT) != 0)
		return bad(c->why, "format: not \"%s\"", REPORTCHECK_TRACE_FORMAT);
	if (!json_is_object(tool) || !need_string(c, tool, "tool", "name", false) ||
	    !need_string(c, tool, "tool", "version", false))
		return bad(c->why, "tool: not {name, version}");
	if (!net || !network_from_name(&c->net, net))
		return bad(c->why, "network: unknown network");
	if (!json_is_object(idx))
		return bad(c->why, "index: not an object");
	if (!need_uint(c, idx, "index", "tip_height") ||
	    !need_hash(c, idx, "index", "tip_hash"))
		return false;
	return check_models(c, json_object_get(t, "parameters"));
}

/* Per model: seeded = at_exits + unspent + fees + dust + stopped (poison
 * is an upper bound that counts a satoshi more than once: exempt). */
static bool check_totals(struct chk *c, const json_t *t)
{
	static const char *const parts[] = { "at_exits", "unspent", "fees", "dust", "stopped" };
	const json_t *tot = json_object_get(t, "totals"), *m;
	size_t i;
	if (!json_is_object(tot) || !need_amount(c, tot, "totals", "seeded"))
		return bad(c->why, "totals: not an object with seeded");
	for (size_t p = 0; p < 5; p++)
		if (!need_traced(c, tot, "totals", parts[p]))
			return false;
	json_array_foreach(c->models, i, m) {
		const char *name = json_string_value(m);
		struct amount sum = amount_sat(0);
		if (strcmp(name, "poison") == 0)
			continue;
		for (size_t p = 0; p < 5; p++) {
			const json_t *v = json_object_get(json_object_get(tot, parts[p]), name);
			if (!amount_add(&sum, sum, amount_sat((uint64_t)json_integer_value(v))))
				return bad(c->why, "totals: overflow");
		}
		if (sum.sat != (uint64_t)json_integer_value(json_object_get(tot, "seeded")))
			return bad(c->why, "totals.%s: at_exits + unspent + fees + dust + "
				   "stopped (%llu) differs from seeded", name,
				   (unsigned long long)sum.sat);
	}
	return true;
}

/* The exits of an entity, summed per model, equal the entity's traced. */
static bool check_entity_sums(struct chk *c, const json_t *t)
{
	const json_t *ents = json_object_get(t, "entities"), *e, *x, *m;
	size_t i, j, k;
	json_array_foreach(ents, i, e) {
		const char *name = json_string_value(json_object_get(e, "entity"));
		json_array_foreach(c->models, k, m) {
			const char *mn = json_string_value(m);
			uint64_t sum = 0;
			json_array_foreach(json_object_get(t, "exits"), j, x)
				if (strcmp(json_string_value(json_object_get(x, "entity")), name) == 0)
					sum += (uint64_t)json_integer_value(
						json_object_get(json_object_get(x, "traced"), mn));
			if (sum != (uint64_t)json_integer_value(
				    json_object_get(json_object_get(e, "traced"), mn)))
				return bad(c->why, "entities[%zu].traced.%s: differs from the "
					   "sum of its exits (%llu)", i, mn,
					   (unsigned long long)sum);
		}
	}
	return true;
}

bool reportcheck_trace(const json_t *trace, const char **why)
{
	struct chk c = { .why = why };
	const json_t *notes = json_object_get(trace, "notes"), *v;
	size_t i;

	if (!check_head(&c, trace) ||
	    !check_array(&c, trace, "seeds", check_seed, false) ||
	    !check_array(&c, trace, "hops", check_hop, false) ||
	    !check_array(&c, trace, "exits", check_exit, false) ||
	    !check_array(&c, trace, "entities", check_entity, false) ||
	    !check_array(&c, trace, "unspent", check_unspent, false) ||
	    !check_array(&c, trace, "error_rates", check_error_rate, true) ||
	    !check_totals(&c, trace) || !check_entity_sums(&c, trace))
		return false;
	if (json_array_size(json_object_get(trace, "seeds")) == 0)
		return bad(why, "seeds: empty");
	if (!json_is_array(notes))
		return bad(why, "notes: not an array");
	json_array_foreach(notes, i, v)
		if (!json_is_string(v))
			return bad(why, "notes[%zu]: not a string", i);
	return true;
}
