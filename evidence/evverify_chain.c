/* The on-chain check of an evidence package (evverify.h): what the report
 * states about each output, read back from an index. */
#include "proceeds/evverify.h"
#include "proceeds/index.h"
#include "proceeds/index_json.h"
#include "proceeds/index_query.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define REPORT "report.json"

struct chain {
	struct store *st;
	enum network net;
	struct ev_findings *f;
	const char *kind;       /* "seeds", "hops", "exits" */
	const char *id;         /* the outpoint as stated */
	struct idx_block blk;   /* last block looked up */
};

/* The index's copy of txid (the spendable one of a BIP30 pair), found or not. */
static bool load_tx(struct chain *c, struct idx_tx *tx, bool *found,
		    const struct hash256 *txid, const char **why)
{
	uint64_t txnums[2];
	size_t total;

	*found = false;
	if (!idxq_txnums(c->st, txnums, 2, &total, txid, why))
		return false;
	if (total == 0)
		return true;
	return idxq_tx(c->st, tx, found, txnums[total < 2 ? total - 1 : 1], why);
}

/* Height and block of a transaction as stated. */
static bool check_place(struct chain *c, uint32_t height, const json_t *sh,
			const json_t *sb, const char **why)
{
	char hex[65];
	bool found;

	if (!json_is_integer(sh) || json_integer_value(sh) != height)
		ev_findings_add(c->f, REPORT, "%s[%s]: the transaction is at height %u "
				"on the chain, the report states %lld", c->kind, c->id, height,
				(long long)json_integer_value(sh));
	if (!idxq_block_at(c->st, &c->blk, &found, height, why))
		return false;
	if (!found)
		return (*why = "a block record is missing (damaged index?)"), false;
	hash256_to_hex(hex, &c->blk.hash);
	if (json_is_string(sb) && strcmp(json_string_value(sb), hex) != 0)
		ev_findings_add(c->f, REPORT, "%s[%s]: block %s at height %u on the "
				"chain, the report states %s", c->kind, c->id, hex, height,
				json_string_value(sb));
	return true;
}

static void check_value_addr(struct chain *c, const struct idx_output *o,
			     const json_t *rec, const char **why, bool *ok)
{
	const json_t *v = json_object_get(rec, "value"), *a = json_object_get(rec, "address");
	char name[INDEX_ADDR_STRLEN];
	bool none;

	if (!json_is_integer(v) || (uint64_t)json_integer_value(v) != o->value)
		ev_findings_add(c->f, REPORT, "%s[%s]: value %llu sat on the chain, the "
				"report states %lld", c->kind, c->id,
				(unsigned long long)o->value, (long long)json_integer_value(v));
	if (!index_json_addr_name(c->st, name, c->net, o->addr, why)) {
		*ok = false;
		return;
	}
	none = strncmp(name, "script:", 7) == 0 || !name[0];
	if (none ? !json_is_null(a) && a != NULL
		 : !json_is_string(a) || strcmp(json_string_value(a), name) != 0)
		ev_findings_add(c->f, REPORT, "%s[%s]: paid to %s on the chain, the "
				"report states %s", c->kind, c->id, none ? "no address" : name,
				json_is_string(a) ? json_string_value(a) : "no address");
}

/* One output record (seed, hop or exit) against the chain. */
static bool check_output(struct chain *c, const json_t *rec, const char **why)
{
	const char *op = json_string_value(json_object_get(rec, "outpoint"));
	struct hash256 txid;
	struct idx_tx tx;
	char hex[65];
	unsigned long vout;
	char *end;
	bool found, ok = true;

	c->id = op ? op : "?";
	if (!op || strlen(op) < 66 || op[64] != ':' ||
	    (memcpy(hex, op, 64), hex[64] = 0, !hash256_from_hex(&txid, hex, why)) ||
	    (vout = strtoul(op + 65, &end, 10), *end || op[65] == 0)) {
		ev_findings_add(c->f, REPORT, "%s[%s]: not an outpoint", c->kind, c->id);
		return true;
	}
	if (!load_tx(c, &tx, &found, &txid, why))
		return false;
	if (!found) {
		ev_findings_add(c->f, REPORT, "%s[%s]: transaction not on the indexed "
				"chain", c->kind, c->id);
		return true;
	}
	if (vout >= tx.n_out)
		ev_findings_add(c->f, REPORT, "%s[%s]: the transaction has %u outputs",
				c->kind, c->id, tx.n_out);
	else
		check_value_addr(c, &tx.out[vout], rec, why, &ok);
	ok = ok && check_place(c, tx.height, json_object_get(rec, "height"),
			       json_object_get(rec, "block_hash"), why);
	idx_tx_release(&tx);
	return ok;
}

/* The transaction that swept an inferred exit. */
static bool check_sweep(struct chain *c, const json_t *rec, const char **why)
{
	const char *s = json_string_value(json_object_get(rec, "sweep_txid"));
	struct hash256 txid;
	struct idx_tx tx;
	bool found, ok;

	if (!s)
		return true;
	c->id = s;
	c->kind = "exits (sweep)";
	if (!hash256_from_hex(&txid, s, why)) {
		ev_findings_add(c->f, REPORT, "exits (sweep)[%s]: not a txid", s);
		return true;
	}
	if (!load_tx(c, &tx, &found, &txid, why))
		return false;
	if (!found) {
		ev_findings_add(c->f, REPORT, "exits (sweep)[%s]: transaction not on the "
				"indexed chain", s);
		return true;
	}
	ok = check_place(c, tx.height, json_object_get(rec, "sweep_height"),
			 json_object_get(rec, "sweep_block_hash"), why);
	idx_tx_release(&tx);
	return ok;
}

static bool check_all(struct chain *c, struct ev_verify_ctx *ctx, const json_t *trace,
		      const char **why)
{
	static const char *const kinds[] = { "seeds", "hops", "exits" };
	const json_t *v;
	size_t i, before;

	for (size_t k = 0; k < 3; k++)
		json_array_foreach(json_object_get(trace, kinds[k]), i, v) {
			c->kind = kinds[k];
			before = c->f->n;
			if (!check_output(c, v, why) || (k == 2 && !check_sweep(c, v, why)))
				return false;
			ctx->chain_checked += c->f->n == before;
		}
	return true;
}

/* The index must have reached the report's tip on the same chain. */
static bool check_tip(struct chain *c, const json_t *trace, const char **why)
{
	const json_t *idx = json_object_get(trace, "index");
	const char *hash = json_string_value(json_object_get(idx, "tip_hash"));
	json_int_t h = json_integer_value(json_object_get(idx, "tip_height"));
	static _Thread_local char buf[256];
	char hex[65];
	bool found;

	if (!hash || h < 0 || h > UINT32_MAX)
		return true; /* nothing stated: each outpoint is still checked */
	if (!idxq_block_at(c->st, &c->blk, &found, (uint32_t)h, why))
		return false;
	if (!found) {
		snprintf(buf, sizeof(buf), "the index does not reach the report's tip "
			 "(height %lld): index more blocks first", (long long)h);
		return (*why = buf), false;
	}
	hash256_to_hex(hex, &c->blk.hash);
	if (strcmp(hex, hash) != 0)
		ev_findings_add(c->f, REPORT, "index.tip_hash: block %s at height %lld on "
				"the chain, the report states %s", hex, (long long)h, hash);
	return true;
}

static bool run_chain(struct ev_findings *f, struct ev_verify_ctx *ctx, const char **why)
{
	const json_t *report = ev_verify_report(f, ctx);
	const json_t *trace = json_object_get(json_object_get(report, "trace"), "document");
	const char *name = json_string_value(json_object_get(trace, "network"));
	struct chain c = { .f = f };
	struct index *idx;
	bool absent, ok;

	if (!ctx->db || !report)
		return true;
	if (!name || !network_from_name(&c.net, name))
		c.net = ctx->net;
	if (!index_open_query(&idx, &absent, ctx->db, c.net, why)) {
		if (absent)
			*why = "no index there";
		return false;
	}
	c.st = index_store(idx);
	ok = check_tip(&c, trace, why) && check_all(&c, ctx, trace, why);
	index_close(idx);
	return ok;
}

const struct ev_check ev_check_chain = { "chain", run_chain };
