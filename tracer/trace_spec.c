/* Resolving trace SPECs and case files into seeds (see trace_spec.h). */
#include "proceeds/trace_spec.h"
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/index_query.h"

#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static _Thread_local char errbuf[640];

static bool fail(const char **why, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, sizeof(errbuf), fmt, ap);
	va_end(ap);
	*why = errbuf;
	return false;
}

void trace_specs_release(struct trace_specs *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

static bool push(struct trace_specs *s, uint64_t txnum, uint32_t vout, uint64_t amount,
		 const char *spec, const char **why)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].txnum == txnum && s->v[i].vout == vout)
			return fail(why, "%s: output %u given twice", spec, vout);
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		struct trace_seed *v = realloc(s->v, cap * sizeof(*v));
		if (!v)
			return fail(why, "out of memory");
		s->v = v;
		s->cap = cap;
	}
	s->v[s->n++] = (struct trace_seed){ txnum, vout, amount };
	return true;
}

static bool block_time(struct trace_specs *s, uint32_t *t, uint32_t height, const char **why)
{
	struct idx_block b;
	bool found;

	if (!idxq_block_at(s->st, &b, &found, height, why))
		return false;
	if (!found)
		return fail(why, "block %u missing from the index", height);
	*t = b.time;
	return true;
}

static bool stale_hint(const struct trace_specs *s, char out[128])
{
	char hex[65];
	hash256_to_hex(hex, &s->tip.hash);
	snprintf(out, 128, "index tip: height %u %s", s->tip.height, hex);
	return true;
}

/* The record of txid (its spendable copy) into *tx. */
static bool load_txid(struct trace_specs *s, struct idx_tx *tx, const char *hex,
		      const char *spec, const char **why)
{
	struct hash256 txid;
	uint64_t nums[4];
	size_t total;
	bool found;
	char hint[128];

	if (!hash256_from_hex(&txid, hex, why))
		return fail(why, "%s: %s", spec, *why);
	if (!idxq_txnums(s->st, nums, 4, &total, &txid, why))
		return false;
	if (total == 0 && stale_hint(s, hint))
		return fail(why, "%s: transaction not in the index (unknown txid, or the "
			    "index is stale; %s)", spec, hint);
	if (total > 4)
		return fail(why, "%s: damaged txid record", spec);
	if (!idxq_tx(s->st, tx, &found, nums[total - 1], why))
		return false;
	return found || fail(why, "%s: tx record missing", spec);
}

/* With --after: the output must still be unspent at that time. */
static bool check_unspent_at(struct trace_specs *s, uint64_t txnum, uint32_t vout,
			     const char *spec, const char **why)
{
	struct idx_spend sp;
	bool spent;
	uint32_t t;

	if (!s->has_after)
		return true;
	if (!idxq_spent(s->st, &sp, &spent, txnum, vout, why))
		return false;
	if (!spent)
		return true;
	if (!block_time(s, &t, sp.height, why))
		return false;
	if (t < s->after)
		return fail(why, "%s: output %u was already spent at height %u (time %u), "
			    "before the seed time %llu", spec, vout, sp.height, t,
			    (unsigned long long)s->after);
	return true;
}

/* One output of tx as a seed: amount 0 = all of it. */
static bool add_output(struct trace_specs *s, const struct idx_tx *tx, uint32_t vout,
		       uint64_t amount, const char *spec, const char **why)
{
	if (vout >= tx->n_out)
		return fail(why, "%s: the transaction has %u outputs", spec, tx->n_out);
	if (tx->out[vout].value == 0)
		return fail(why, "%s: output %u carries no value", spec, vout);
	if (amount > tx->out[vout].value)
		return fail(why, "%s: amount exceeds the output's value (%llu sat)", spec,
			    (unsigned long long)tx->out[vout].value);
	if (amount == tx->out[vout].value)
		amount = 0;
	return check_unspent_at(s, tx->txnum, vout, spec, why) &&
	       push(s, tx->txnum, vout, amount, spec, why);
}

static bool add_tx(struct trace_specs *s, const char *hex, bool all, uint32_t vout,
		   uint64_t amount, const char *spec, const char **why)
{
	struct idx_tx tx;
	bool ok = true, any = false;

	if (!load_txid(s, &tx, hex, spec, why))
		return false;
	if (!all)
		ok = add_output(s, &tx, vout, amount, spec, why);
	for (uint32_t o = 0; all && ok && o < tx.n_out; o++) {
		if (tx.out[o].value == 0)
			continue;
		ok = add_output(s, &tx, o, 0, spec, why);
		any = true;
	}
	idx_tx_release(&tx);
	return ok && (!all || any || fail(why, "%s: no output carries value", spec));
}

struct hist_ctx {
	struct trace_specs *s;
	const char *spec;
	const char **why;
	bool ok;
	size_t added;
};

static bool hist_one(void *ctx, const struct idxq_hist *h)
{
	struct hist_ctx *c = ctx;
	uint32_t t;

	if (h->value == 0)
		return true;
	if (!block_time(c->s, &t, h->height, c->why))
		return (c->ok = false);
	if ((c->s->has_after && t < c->s->after) || (c->s->has_before && t >= c->s->before))
		return true;
	if (!push(c->s, h->txnum, h->vout, 0, c->spec, c->why))
		return (c->ok = false);
	c->added++;
	return true;
}

static bool add_address(struct trace_specs *s, const char *spec, const char **why)
{
	struct address a;
	uint8_t key[SCRIPT_KEY_MAX];
	size_t klen;
	uint64_t id;
	bool found;
	char hint[128];
	struct hist_ctx c = { s, spec, why, true, 0 };

	if (!address_decode(&a, s->net, spec, why))
		return fail(why, "%s: not a TXID, TXID:VOUT or address of network %s: %s",
			    spec, network_params(s->net)->name, *why);
	klen = script_owner_key(key, a.script, a.script_len);
	if (!idxq_addr_id(s->st, &id, &found, key, klen, why))
		return false;
	if (!found && stale_hint(s, hint))
		return fail(why, "%s: the address never received coins in the index (%s)",
			    spec, hint);
	if (!idxq_history(s->st, id, hist_one, &c, why) || !c.ok)
		return false;
	if (c.added == 0)
		return fail(why, "%s: no receipt in the --after/--before window", spec);
	return true;
}

static bool is_hex64(const char *s, size_t n)
{
	if (n != 64)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!strchr("0123456789abcdefABCDEF", s[i]))
			return false;
	return true;
}

bool trace_specs_add(struct trace_specs *s, const char *spec, const char **why)
{
	const char *eq = strchr(spec, '='), *colon = strchr(spec, ':');
	size_t n = eq ? (size_t)(eq - spec) : strlen(spec);
	struct amount amt = { 0 };
	char head[128];
	char *end;

	if (n >= sizeof(head))
		return fail(why, "%s: not a TXID, TXID:VOUT or address", spec);
	memcpy(head, spec, n);
	head[n] = 0;
	if (eq && !amount_parse(&amt, eq + 1, why))
		return fail(why, "%s: bad amount: %s", spec, *why);
	if (eq && amt.sat == 0)
		return fail(why, "%s: the amount is zero", spec);
	if (colon && colon < spec + n && is_hex64(spec, (size_t)(colon - spec))) {
		unsigned long v;
		head[64] = 0;
		v = strtoul(colon + 1, &end, 10);
		if (colon[1] < '0' || colon[1] > '9' || end != spec + n || v > UINT32_MAX)
			return fail(why, "%s: output index is not a number", spec);
		return add_tx(s, head, false, (uint32_t)v, amt.sat, spec, why);
	}
	if (eq)
		return fail(why, "%s: an amount needs one output (TXID:VOUT=AMOUNT)", spec);
	if (is_hex64(spec, n))
		return add_tx(s, head, true, 0, 0, spec, why);
	return add_address(s, spec, why);
}

/* One payment/seed object of a case file. */
static bool case_entry(struct trace_specs *s, const json_t *e, size_t i, const char **why)
{
	const char *txid = json_string_value(json_object_get(e, "txid"));
	const json_t *vout = json_object_get(e, "vout"), *amt = json_object_get(e, "amount_sat"),
		     *height = json_object_get(e, "height");
	char where[48], hint[128];

	snprintf(where, sizeof(where), "case seed %zu", i);
	if (!txid || !is_hex64(txid, strlen(txid)) || !json_is_integer(vout) ||
	    json_integer_value(vout) < 0 || json_integer_value(vout) > UINT32_MAX)
		return fail(why, "%s: needs \"txid\" (64 hex digits) and \"vout\"", where);
	if (amt && (!json_is_integer(amt) || json_integer_value(amt) <= 0))
		return fail(why, "%s: \"amount_sat\" is not a positive integer", where);
	if (json_is_integer(height) && json_integer_value(height) > (json_int_t)s->tip.height &&
	    stale_hint(s, hint))
		return fail(why, "%s: paid at height %lld, beyond the index (stale index; %s)",
			    where, (long long)json_integer_value(height), hint);
	return add_tx(s, txid, false, (uint32_t)json_integer_value(vout),
		      amt ? (uint64_t)json_integer_value(amt) : 0, where, why);
}

bool trace_specs_case(struct trace_specs *s, const char *text, size_t len, const char **why)
{
	json_error_t err;
	json_t *j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &err), *arr, *e;
	const char *net;
	size_t i;
	bool ok = true;

	if (!j)
		return fail(why, "line %d: %s", err.line, err.text);
	arr = json_object_get(j, "payments");
	if (!arr)
		arr = json_object_get(j, "seeds");
	net = json_string_value(json_object_get(j, "network"));
	if (net && strcmp(net, network_params(s->net)->name) != 0) {
		enum network n;
		ok = network_from_name(&n, net) && n == s->net;
		if (!ok)
			fail(why, "the case is on network %s, the index on %s", net,
			     network_params(s->net)->name);
	}
	if (ok && (!json_is_array(arr) || json_array_size(arr) == 0))
		ok = fail(why, "no \"payments\" or \"seeds\" array");
	json_array_foreach(arr, i, e) {
		if (!ok)
			break;
		ok = case_entry(s, e, i, why);
	}
	json_decref(j);
	return ok;
}
