/* The trace as a STIX 2.1 bundle with the cryptocurrency extension. */
#include "proceeds/stixexport.h"
#include "proceeds/jcs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* STIX 2.1 section 2.9: the namespace of deterministic SCO ids. */
static const uint8_t sco_ns[16] = {
	0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
	0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7,
};

struct stix_ctx {
	char stamp[SHARE_UTC_LEN + 4]; /* created/modified of SDOs */
	json_t *objects;               /* the bundle's objects */
	json_t *refs;                  /* the grouping's object_refs */
	json_t *wallet_id;             /* address -> id */
	json_t *identity_id;           /* entity -> id */
	json_t *hop_of;                /* outpoint -> hop (borrowed) */
};

/* type--UUIDv5(ns, JCS(props)); props is stolen. */
static void sco_id(char out[128], const char *type, json_t *props)
{
	char *canon, u[SHARE_UUID_LEN];
	size_t len;
	const char *why;
	if (!jcs_serialize(&canon, &len, props, &why))
		abort(); /* only strings: cannot fail */
	share_uuid5(u, sco_ns, canon, len);
	snprintf(out, 128, "%s--%s", type, u);
	free(canon);
	json_decref(props);
}

static void sdo_id(char out[128], const char *type, const char *a, const char *b)
{
	char name[1200], u[SHARE_UUID_LEN];
	int n = snprintf(name, sizeof(name), "%s|%s|%s", type, a, b);
	share_uuid5(u, share_uuid_ns, name,
		    (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1);
	snprintf(out, 128, "%s--%s", type, u);
}

static void add(struct stix_ctx *c, json_t *o)
{
	json_array_append(c->refs, json_object_get(o, "id"));
	json_array_append_new(c->objects, o);
}

static json_t *ext(const char *def)
{
	return json_pack("{s:{s:s}}", def, "extension_type", "new-sco");
}

static void identities(struct stix_ctx *c, const json_t *trace)
{
	const json_t *e;
	size_t i;
	char id[128], desc[300];
	json_array_foreach(json_object_get(trace, "entities"), i, e) {
		const char *name = share_str(e, "entity");
		sdo_id(id, "identity", name, "");
		snprintf(desc, sizeof(desc), "%s that received traced funds",
			 *share_str(e, "category") ? share_str(e, "category") : "entity");
		add(c, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s}", "type",
				 "identity", "spec_version", "2.1", "id", id, "created",
				 c->stamp, "modified", c->stamp, "name", name,
				 "identity_class", "organization", "description", desc));
		json_object_set_new(c->identity_id, name, json_string(id));
	}
}

static void wallets(struct stix_ctx *c, const json_t *trace)
{
	const json_t *r;
	json_t *holder = json_object();
	size_t i;
	char id[128];
	json_array_foreach(json_object_get(trace, "exits"), i, r)
		json_object_set(holder, share_str(r, "address"),
				json_object_get(c->identity_id, share_str(r, "entity")));
	json_array_foreach(json_object_get(trace, "hops"), i, r) {
		const char *a = share_str(r, "address");
		if (!*a || json_object_get(c->wallet_id, a))
			continue;
		sco_id(id, "cryptocurrency-wallet", json_pack("{s:s}", "value", a));
		json_t *w = json_pack("{s:s, s:s, s:s, s:s}", "type", "cryptocurrency-wallet",
				      "spec_version", "2.1", "id", id, "value", a);
		if (json_object_get(holder, a))
			json_object_set(w, "holder_ref", json_object_get(holder, a));
		json_object_set_new(w, "extensions", ext(STIX_EXT_WALLET));
		add(c, w);
		json_object_set_new(c->wallet_id, a, json_string(id));
	}
	json_decref(holder);
}

static json_t *amount_entry(struct stix_ctx *c, const json_t *rec)
{
	const char *id = json_string_value(json_object_get(c->wallet_id,
							   share_str(rec, "address")));
	if (!id)
		return NULL;
	/* BTC as a JSON number, as the extension's schema requires; written
	 * with 16 significant digits, which renders every satoshi amount up
	 * to 21e6 BTC exactly. */
	return json_pack("{s:f, s:s}", "amount",
			 (double)share_int(rec, "value") / 1e8, "address_ref", id);
}

static json_t *tx_slot(json_t *txs, const char *outpoint, const json_t *rec)
{
	char txid[80];
	size_t n = strcspn(outpoint, ":");
	snprintf(txid, sizeof(txid), "%.*s", (int)(n < 79 ? n : 79), outpoint);
	json_t *t = json_object_get(txs, txid);
	if (!t) {
		t = json_pack("{s:s, s:s, s:[], s:[], s:{}}", "txid", txid, "time",
			      share_str(rec, "time_utc"), "input", "output", "seen");
		json_object_set_new(txs, txid, t);
	}
	return t;
}

static void tx_inputs(struct stix_ctx *c, json_t *t, const json_t *h)
{
	const json_t *s;
	size_t i;
	json_array_foreach(json_object_get(h, "spent_from"), i, s) {
		const char *op = json_string_value(s);
		const json_t *src = op ? json_object_get(c->hop_of, op) : NULL;
		json_t *seen = json_object_get(t, "seen"), *e;
		if (!src || json_object_get(seen, op))
			continue;
		json_object_set_new(seen, op, json_true());
		if ((e = amount_entry(c, src)))
			json_array_append_new(json_object_get(t, "input"), e);
	}
}

static void transactions(struct stix_ctx *c, const json_t *trace)
{
	json_t *txs = json_object(), *t, *e;
	const json_t *r;
	const char *txid;
	size_t i;
	char id[128];
	json_array_foreach(json_object_get(trace, "seeds"), i, r)
		tx_slot(txs, share_str(r, "outpoint"), r);
	json_array_foreach(json_object_get(trace, "hops"), i, r) {
		t = tx_slot(txs, share_str(r, "outpoint"), r);
		if ((e = amount_entry(c, r)))
			json_array_append_new(json_object_get(t, "output"), e);
		tx_inputs(c, t, r);
	}
	json_object_foreach(txs, txid, t) {
		sco_id(id, "cryptocurrency-transaction",
		       json_pack("{s:s, s:s}", "symbol", "BTC", "value", txid));
		json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:s}", "type",
				      "cryptocurrency-transaction", "spec_version", "2.1",
				      "id", id, "symbol", "BTC", "value", txid);
		if (*share_str(t, "time"))
			json_object_set(o, "execution_time", json_object_get(t, "time"));
		if (json_array_size(json_object_get(t, "input")))
			json_object_set(o, "input", json_object_get(t, "input"));
		if (json_array_size(json_object_get(t, "output")))
			json_object_set(o, "output", json_object_get(t, "output"));
		json_object_set_new(o, "extensions", ext(STIX_EXT_TX));
		add(c, o);
	}
	json_decref(txs);
}

static json_t *grouping(struct stix_ctx *c, const json_t *trace,
			const struct share_meta *m, const char *sha)
{
	char id[128], name[400], desc[900];
	sdo_id(id, "grouping", m->case_ref, sha);
	snprintf(name, sizeof(name), "Case %s: traced bitcoin", m->case_ref);
	snprintf(desc, sizeof(desc), "Addresses and transactions that carried funds "
		 "traced from a theft, and the entities that received them (%s "
		 "request%s%s). Source trace SHA-256 (RFC 8785): %s.",
		 share_request_name(m->request), m->contact ? "; contact: " : "",
		 m->contact ? m->contact : "", *sha ? sha : "unavailable");
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:O}", "type",
			 "grouping", "spec_version", "2.1", "id", id, "created", c->stamp,
			 "modified", c->stamp, "name", name, "description", desc,
			 "context", "suspicious-activity", "object_refs", c->refs);
}

bool stixexport_build(json_t **out, const json_t *trace,
		      const struct share_meta *m, const char **why)
{
	struct stix_ctx c;
	char sha[65], id[128], t[SHARE_UTC_LEN];
	const json_t *h;
	size_t i;

	*out = NULL;
	if (!share_trace_check(trace, why) || !share_meta_check(m, why))
		return false;
	share_trace_sha256(sha, trace);
	share_utc(t, share_trace_time(trace));
	snprintf(c.stamp, sizeof(c.stamp), "%.19s.000Z", t);
	c.objects = json_array();
	c.refs = json_array();
	c.wallet_id = json_object();
	c.identity_id = json_object();
	c.hop_of = json_object();
	json_array_foreach(json_object_get(trace, "hops"), i, h)
		json_object_set(c.hop_of, share_str(h, "outpoint"), (json_t *)h);
	identities(&c, trace);
	wallets(&c, trace);
	transactions(&c, trace);
	json_array_append_new(c.objects, grouping(&c, trace, m, sha));
	sdo_id(id, "bundle", m->case_ref, sha);
	*out = json_pack("{s:s, s:s, s:o}", "type", "bundle", "id", id, "objects", c.objects);
	json_decref(c.refs);
	json_decref(c.wallet_id);
	json_decref(c.identity_id);
	json_decref(c.hop_of);
	if (!*out) {
		*why = "cannot build the bundle (a string is not valid UTF-8)";
		return false;
	}
	return true;
}

bool stixexport_write(const char *dir, const json_t *trace,
		      const struct share_meta *m, const char **why)
{
	json_t *b;
	bool ok;
	if (!stixexport_build(&b, trace, m, why))
		return false;
	ok = share_write_json(dir, STIXEXPORT_FILE, b, why);
	json_decref(b);
	return ok;
}
