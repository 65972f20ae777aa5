/* The proofs-of-inclusion check of an evidence package (evverify.h). */
#include "proceeds/evverify.h"
#include "proceeds/reportproof.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PROOF_MAX (1u << 20)
#define REPORT "report.json"

/* A transaction the trace cites, where it says it is. */
struct cite {
	const char *txid;       /* borrowed from the report */
	const char *where;      /* "hops[<outpoint>]" etc., owned */
	const json_t *height, *block;
};

struct cites {
	struct cite *v;
	size_t n, cap;
};

static void cite_add(struct cites *c, const char *txid, const char *kind,
		     const char *id, const json_t *height, const json_t *block)
{
	char *where;
	if (c->n == c->cap) {
		c->cap = c->cap ? 2 * c->cap : 64;
		if (!(c->v = realloc(c->v, c->cap * sizeof(*c->v))))
			abort();
	}
	if (asprintf(&where, "%s[%s]", kind, id ? id : "?") < 0)
		abort();
	c->v[c->n++] = (struct cite){ txid, where, height, block };
}

static void cites_release(struct cites *c)
{
	for (size_t i = 0; i < c->n; i++)
		free((char *)c->v[i].where);
	free(c->v);
}

/* A txid string from "<txid>:<vout>" (the first 64 characters), in buf. */
static const char *op_txid(char buf[65], const char *op)
{
	if (!op || strlen(op) < 66 || op[64] != ':')
		return NULL;
	memcpy(buf, op, 64);
	buf[64] = 0;
	return buf;
}

static void collect(struct cites *c, const json_t *trace, char (*bufs)[65], size_t nbufs)
{
	const json_t *v;
	size_t i, b = 0;

	memset(c, 0, sizeof(*c));
	json_array_foreach(json_object_get(trace, "seeds"), i, v) {
		const char *op = json_string_value(json_object_get(v, "outpoint"));
		const char *txid = b < nbufs ? op_txid(bufs[b++], op) : NULL;
		cite_add(c, txid, "seeds", op, json_object_get(v, "height"),
			 json_object_get(v, "block_hash"));
	}
	json_array_foreach(json_object_get(trace, "hops"), i, v)
		cite_add(c, json_string_value(json_object_get(v, "txid")), "hops",
			 json_string_value(json_object_get(v, "outpoint")),
			 json_object_get(v, "height"), json_object_get(v, "block_hash"));
	json_array_foreach(json_object_get(trace, "exits"), i, v)
		if (json_is_string(json_object_get(v, "sweep_txid")))
			cite_add(c, json_string_value(json_object_get(v, "sweep_txid")),
				 "exits (sweep)", json_string_value(json_object_get(v, "outpoint")),
				 json_object_get(v, "sweep_height"),
				 json_object_get(v, "sweep_block_hash"));
}

static const json_t *find_record(const json_t *records, const char *txid)
{
	const json_t *v;
	size_t i;
	json_array_foreach(records, i, v) {
		const char *t = json_string_value(json_object_get(v, "txid"));
		if (t && txid && strcmp(t, txid) == 0)
			return v;
	}
	return NULL;
}

/* Every cited transaction has a record placing it where the trace does. */
static void check_cites(struct ev_findings *f, const json_t *report, const json_t *records)
{
	const json_t *trace = json_object_get(json_object_get(report, "trace"), "document");
	size_t nseeds = json_array_size(json_object_get(trace, "seeds"));
	char (*bufs)[65] = calloc(nseeds + 1, 65);
	struct cites c;

	if (!bufs)
		abort();
	collect(&c, trace, bufs, nseeds);
	for (size_t i = 0; i < c.n; i++) {
		const struct cite *x = &c.v[i];
		const json_t *r = find_record(records, x->txid);
		if (!x->txid)
			ev_findings_add(f, REPORT, "%s: no transaction id", x->where);
		else if (!r)
			ev_findings_add(f, REPORT, "%s: transaction %s has no proof record",
					x->where, x->txid);
		else if (!json_equal(json_object_get(r, "height"), (json_t *)x->height) ||
			 !json_equal(json_object_get(r, "block_hash"), (json_t *)x->block))
			ev_findings_add(f, REPORT, "%s: the trace places %s at height %lld in "
					"block %s, its proof record at %lld in %s", x->where,
					x->txid, (long long)json_integer_value(x->height),
					json_string_value(x->block) ? json_string_value(x->block) : "?",
					(long long)json_integer_value(json_object_get(r, "height")),
					json_string_value(json_object_get(r, "block_hash")) ?
					json_string_value(json_object_get(r, "block_hash")) : "?");
	}
	cites_release(&c);
	free(bufs);
}

static json_t *read_proof(struct ev_findings *f, const char *dir, const char *file)
{
	char path[4096];
	json_error_t err;
	json_t *j;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	j = json_load_file(path, JSON_REJECT_DUPLICATES, &err);
	if (!j) {
		if (access(path, F_OK) != 0)
			ev_findings_add(f, file, "missing (listed in report.json)");
		else
			ev_findings_add(f, file, "not a proof document: line %d: %s",
					err.line, err.text);
	}
	return j;
}

/* One included proof: it verifies and proves what its record says. */
static bool check_one(struct ev_findings *f, const char *dir, const json_t *rec)
{
	const char *txid = json_string_value(json_object_get(rec, "txid"));
	const char *file = json_string_value(json_object_get(rec, "file"));
	const char *bh = json_string_value(json_object_get(rec, "block_hash"));
	char want[96], hex[65];
	struct hash256 block;
	uint32_t height;
	const char *why;
	json_t *p;
	bool ok = false;

	snprintf(want, sizeof(want), "proofs/%s.json", txid ? txid : "?");
	if (!txid || !file || strcmp(file, want) != 0) {
		ev_findings_add(f, REPORT, "proof record %s: file is not %s",
				txid ? txid : "?", want);
		return false;
	}
	if (!(p = read_proof(f, dir, file)))
		return false;
	if (!reportproof_check(p, &block, &height, &why)) {
		ev_findings_add(f, file, "does not verify: %s", why);
	} else if (strcmp(json_string_value(json_object_get(p, "txid")), txid) != 0) {
		ev_findings_add(f, file, "proves transaction %s, not %s",
				json_string_value(json_object_get(p, "txid")), txid);
	} else if (hash256_to_hex(hex, &block), !bh || strcmp(hex, bh) != 0) {
		ev_findings_add(f, file, "is in block %s, report.json cites block %s",
				hex, bh ? bh : "(none)");
	} else if (!json_is_integer(json_object_get(rec, "height")) ||
		   json_integer_value(json_object_get(rec, "height")) != height) {
		ev_findings_add(f, file, "says height %u, report.json cites height %lld",
				height, (long long)json_integer_value(json_object_get(rec, "height")));
	} else {
		ok = true;
	}
	json_decref(p);
	return ok;
}

/* proofs/ files that no included record references. */
static void check_strays(struct ev_findings *f, const char *dir, const json_t *records)
{
	char path[4096], file[300];
	struct dirent *e;
	DIR *d;

	snprintf(path, sizeof(path), "%s/proofs", dir);
	if (!(d = opendir(path)))
		return;
	while ((e = readdir(d))) {
		const json_t *r;
		char txid[65];
		size_t len = strlen(e->d_name);
		if (e->d_name[0] == '.')
			continue;
		snprintf(file, sizeof(file), "proofs/%s", e->d_name);
		snprintf(txid, sizeof(txid), "%.*s", len > 5 ? (int)(len - 5) : 0, e->d_name);
		r = find_record(records, txid);
		if (!r || strcmp(json_string_value(json_object_get(r, "status")), "included") != 0 ||
		    len != 69 || strcmp(e->d_name + 64, ".json") != 0)
			ev_findings_add(f, file, "not referenced by report.json");
	}
	closedir(d);
}

static bool run_proofs(struct ev_findings *f, struct ev_verify_ctx *ctx,
		       const char **why)
{
	const json_t *report = ev_verify_report(f, ctx), *records, *r;
	size_t i;

	if (!report)
		return true;
	records = json_object_get(report, "proofs");
	if (!json_is_array(records)) {
		ev_findings_add(f, REPORT, "no \"proofs\" list");
		return true;
	}
	json_array_foreach(records, i, r) {
		const char *status = json_string_value(json_object_get(r, "status"));
		if (status && strcmp(status, "unavailable") == 0)
			ctx->proofs_unavailable++;
		else if (!status || strcmp(status, "included") != 0)
			ev_findings_add(f, REPORT, "proofs[%zu]: status is not included or "
					"unavailable", i);
		else if (check_one(f, ctx->dir, r))
			ctx->proofs_verified++;
	}
	check_cites(f, report, records);
	check_strays(f, ctx->dir, records);
	return true;
}

const struct ev_check ev_check_proofs = { "proofs", run_proofs };
