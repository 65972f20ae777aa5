/* The trace as a MISP event with btc-transaction, btc-wallet and
 * coin-address objects. */
#include "proceeds/mispexport.h"
#include "proceeds/amount.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The MISP/misp-objects templates used (name, uuid, version). */
struct misp_template {
	const char *name, *uuid, *version, *comment;
};
static const struct misp_template tpl_tx = {
	"btc-transaction", "b7341729-5a8a-439f-a775-6d814da3c7b5", "4",
	"a transaction that moved traced funds"};
static const struct misp_template tpl_wallet = {
	"btc-wallet", "22910c83-dd0e-4ed2-9823-45f8cad562a4", "3",
	"an address the traced funds passed through"};
static const struct misp_template tpl_coin = {
	"coin-address", "d0e6997e-78da-4815-a6a1-cfc1c1cb8a46", "7",
	"a deposit address where traced funds left the chain"};

struct misp_ctx {
	char event_uuid[SHARE_UUID_LEN];
	char ts[24];           /* Unix time of the data, as MISP writes it */
	json_t *objects;       /* the Object array */
	json_t *by_key;        /* "tx:<txid>" / "addr:<address>" -> object */
	json_t *refs_seen;     /* "src|rel|dst" -> true */
	json_t *hop_of;        /* outpoint -> hop record (borrowed) */
};

static void uuid_of(char out[SHARE_UUID_LEN], const char *a, const char *b,
		    const char *c)
{
	char name[1024];
	int n = snprintf(name, sizeof(name), "%s|%s|%s", a, b, c);
	share_uuid5(out, share_uuid_ns, name, (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1);
}

static void add_attr(struct misp_ctx *c, json_t *obj, const char *rel,
		     const char *type, const char *category, const char *value)
{
	char u[SHARE_UUID_LEN];
	uuid_of(u, share_str(obj, "uuid"), rel, value);
	json_array_append_new(json_object_get(obj, "Attribute"), json_pack(
		"{s:s, s:s, s:s, s:s, s:s, s:b, s:b, s:s, s:s}", "uuid", u,
		"object_relation", rel, "type", type, "category", category,
		"value", value, "to_ids", strcmp(type, "btc") == 0,
		"disable_correlation", strcmp(type, "btc") != 0,
		"distribution", "5", "timestamp", c->ts));
}

static json_t *new_object(struct misp_ctx *c, const struct misp_template *t,
			  const char *key, const char *comment)
{
	char u[SHARE_UUID_LEN];
	json_t *o;
	uuid_of(u, c->event_uuid, t->name, key);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:[], s:[]}",
		      "uuid", u, "name", t->name, "meta-category", "financial",
		      "description", t->comment, "template_uuid", t->uuid,
		      "template_version", t->version, "distribution", "5",
		      "timestamp", c->ts, "comment", comment, "Attribute",
		      "ObjectReference");
	json_array_append_new(c->objects, o);
	json_object_set(c->by_key, key, o);
	return o;
}

static void add_ref(struct misp_ctx *c, json_t *src, const char *rel, json_t *dst)
{
	char key[200], u[SHARE_UUID_LEN];
	if (!src || !dst)
		return;
	snprintf(key, sizeof(key), "%s|%s|%s", share_str(src, "uuid"), rel,
		 share_str(dst, "uuid"));
	if (json_object_get(c->refs_seen, key))
		return;
	json_object_set_new(c->refs_seen, key, json_true());
	uuid_of(u, share_str(src, "uuid"), rel, share_str(dst, "uuid"));
	json_array_append_new(json_object_get(src, "ObjectReference"), json_pack(
		"{s:s, s:s, s:s, s:s, s:s}", "uuid", u, "object_uuid",
		share_str(src, "uuid"), "referenced_uuid", share_str(dst, "uuid"),
		"relationship_type", rel, "timestamp", c->ts));
}

/* Adds value to the "value" member of agg[key] (created with the given
 * time); false on an amount out of range. */
static bool aggregate(json_t *agg, const char *key, const json_t *rec,
		      json_int_t value)
{
	json_t *a = json_object_get(agg, key);
	const char *t = share_str(rec, "time_utc");
	struct amount sum;
	if (!a) {
		a = json_pack("{s:s, s:s, s:I}", "first", t, "last", t, "value", (json_int_t)0);
		json_object_set_new(agg, key, a);
	}
	if (strcmp(t, share_str(a, "last")) > 0)
		json_object_set_new(a, "last", json_string(t));
	if (value < 0 || !amount_add(&sum, amount_sat((uint64_t)share_int(a, "value")),
				     amount_sat((uint64_t)value)) ||
	    !amount_in_range(sum))
		return false;
	json_object_set_new(a, "value", json_integer((json_int_t)sum.sat));
	return true;
}

static void txid_of(char out[80], const char *outpoint)
{
	size_t n = strcspn(outpoint, ":");
	snprintf(out, 80, "%.*s", (int)(n < 79 ? n : 79), outpoint);
}

static bool collect(json_t *txs, json_t *addrs, const json_t *trace, const char **why)
{
	const json_t *r;
	char txid[80];
	size_t i;
	json_array_foreach(json_object_get(trace, "seeds"), i, r) {
		txid_of(txid, share_str(r, "outpoint"));
		if (!aggregate(txs, txid, r, share_int(r, "value")))
			goto bad;
	}
	json_array_foreach(json_object_get(trace, "hops"), i, r) {
		txid_of(txid, share_str(r, "outpoint"));
		if (!aggregate(txs, txid, r, share_int(r, "value")))
			goto bad;
		if (*share_str(r, "address") &&
		    !aggregate(addrs, share_str(r, "address"), r, share_int(r, "value")))
			goto bad;
	}
	return true;
bad:
	*why = "an amount in the trace is out of range";
	return false;
}

static void btc_attr(struct misp_ctx *c, json_t *o, const char *rel, json_int_t v)
{
	char b[AMOUNT_STRLEN];
	add_attr(c, o, rel, "float", "Other", amount_to_btc(b, amount_sat((uint64_t)v)));
}

static void tx_objects(struct misp_ctx *c, const json_t *txs)
{
	const char *txid;
	json_t *a;
	char key[100];
	json_object_foreach((json_t *)txs, txid, a) {
		snprintf(key, sizeof(key), "tx:%s", txid);
		json_t *o = new_object(c, &tpl_tx, key, "traced transaction");
		add_attr(c, o, "transaction-number", "text", "Financial fraud", txid);
		add_attr(c, o, "time", "datetime", "Other", share_str(a, "first"));
		btc_attr(c, o, "value_BTC", share_int(a, "value"));
	}
}

static void addr_objects(struct misp_ctx *c, const json_t *addrs, const json_t *entity_of)
{
	const char *addr;
	json_t *a;
	char key[120], text[1200];
	json_object_foreach((json_t *)addrs, addr, a) {
		const char *ent = json_string_value(json_object_get(entity_of, addr));
		snprintf(key, sizeof(key), "addr:%s", addr);
		if (!ent) {
			json_t *o = new_object(c, &tpl_wallet, key, "traced address");
			add_attr(c, o, "wallet-address", "btc", "Financial fraud", addr);
			btc_attr(c, o, "BTC_received", share_int(a, "value"));
			add_attr(c, o, "time", "datetime", "Other", share_str(a, "first"));
			continue;
		}
		snprintf(text, sizeof(text), "deposit address of %s", ent);
		json_t *o = new_object(c, &tpl_coin, key, text);
		add_attr(c, o, "address", "btc", "Financial fraud", addr);
		add_attr(c, o, "symbol", "text", "Other", "BTC");
		add_attr(c, o, "first-seen", "datetime", "Other", share_str(a, "first"));
		add_attr(c, o, "last-seen", "datetime", "Other", share_str(a, "last"));
		btc_attr(c, o, "total-received", share_int(a, "value"));
		add_attr(c, o, "text", "text", "Other", text);
	}
}

static json_t *lookup(struct misp_ctx *c, const char *kind, const char *v)
{
	char key[200];
	snprintf(key, sizeof(key), "%s:%s", kind, v);
	return json_object_get(c->by_key, key);
}

/* wallet sends tx; tx sends-to wallet; tx followed-by tx. */
static void hop_refs(struct misp_ctx *c, const json_t *h)
{
	char txid[80], src_txid[80];
	const json_t *s;
	size_t i;
	txid_of(txid, share_str(h, "outpoint"));
	json_t *tx = lookup(c, "tx", txid);
	if (*share_str(h, "address"))
		add_ref(c, tx, "sends-to", lookup(c, "addr", share_str(h, "address")));
	json_array_foreach(json_object_get(h, "spent_from"), i, s) {
		const char *op = json_string_value(s);
		if (!op)
			continue;
		txid_of(src_txid, op);
		add_ref(c, lookup(c, "tx", src_txid), "followed-by", tx);
		const json_t *src = json_object_get(c->hop_of, op);
		if (src && *share_str(src, "address"))
			add_ref(c, lookup(c, "addr", share_str(src, "address")), "sends", tx);
	}
}

static void ctx_init(struct misp_ctx *c, const json_t *trace, const struct share_meta *m)
{
	char sha[65], name[512];
	const json_t *h;
	size_t i;
	share_trace_sha256(sha, trace);
	snprintf(name, sizeof(name), "misp-event|%s|%s", m->case_ref, sha);
	share_uuid5(c->event_uuid, share_uuid_ns, name, strlen(name));
	snprintf(c->ts, sizeof(c->ts), "%lld", (long long)share_trace_time(trace));
	c->objects = json_array();
	c->by_key = json_object();
	c->refs_seen = json_object();
	c->hop_of = json_object();
	json_array_foreach(json_object_get(trace, "hops"), i, h)
		json_object_set(c->hop_of, share_str(h, "outpoint"), (json_t *)h);
}

static void ctx_release(struct misp_ctx *c)
{
	json_decref(c->by_key);
	json_decref(c->refs_seen);
	json_decref(c->hop_of);
}

static json_t *event_object(struct misp_ctx *c, const json_t *trace,
			    const struct share_meta *m)
{
	char info[600], date[SHARE_UTC_LEN];
	size_t n = json_array_size(json_object_get(trace, "entities"));
	share_utc(date, share_trace_time(trace));
	date[10] = '\0';
	snprintf(info, sizeof(info), "Case %s: bitcoin traced from a theft to %zu "
		 "entit%s (%s request)", m->case_ref, n, n == 1 ? "y" : "ies",
		 share_request_name(m->request));
	return json_pack("{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:b, s:s, s:[{s:s}], s:o}}",
			 "Event", "uuid", c->event_uuid, "info", info, "date", date,
			 "threat_level_id", "2", "analysis", "2", "distribution", "1",
			 "published", 0, "timestamp", c->ts, "Tag", "name", "tlp:amber",
			 "Object", c->objects);
}

bool mispexport_build(json_t **out, const json_t *trace,
		      const struct share_meta *m, const char **why)
{
	struct misp_ctx c;
	json_t *txs, *addrs, *entity_of, *r;
	size_t i;
	bool ok;

	*out = NULL;
	if (!share_trace_check(trace, why) || !share_meta_check(m, why))
		return false;
	ctx_init(&c, trace, m);
	txs = json_object();
	addrs = json_object();
	entity_of = json_object();
	json_array_foreach(json_object_get(trace, "exits"), i, r)
		if (*share_str(r, "address"))
			json_object_set_new(entity_of, share_str(r, "address"),
					    json_string(share_str(r, "entity")));
	ok = collect(txs, addrs, trace, why);
	if (ok) {
		tx_objects(&c, txs);
		addr_objects(&c, addrs, entity_of);
		json_array_foreach(json_object_get(trace, "hops"), i, r)
			hop_refs(&c, r);
		*out = event_object(&c, trace, m);
		if (!*out) {
			*why = "cannot build the event (a string is not valid UTF-8)";
			ok = false;
		}
	} else {
		json_decref(c.objects);
	}
	json_decref(txs);
	json_decref(addrs);
	json_decref(entity_of);
	ctx_release(&c);
	return ok;
}

bool mispexport_write(const char *dir, const json_t *trace,
		      const struct share_meta *m, const char **why)
{
	json_t *ev;
	bool ok;
	if (!mispexport_build(&ev, trace, m, why))
		return false;
	ok = share_write_json(dir, MISPEXPORT_FILE, ev, why);
	json_decref(ev);
	return ok;
}
