/* Fixtures for indexing from a node (see helper_idxrpc.h). Helpers are
 * linked into the benchmarks too, which do not link cmocka: failures
 * abort with a message instead of asserting. */
#include "helper_idxrpc.h"
#include "helper.h"
#include "helper_index.h"
#include "proceeds/index_verify.h"
#include "proceeds/store.h"
#include "proceeds/tx.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void need(bool ok, const char *what, const char *why)
{
	if (ok)
		return;
	fprintf(stderr, "helper_idxrpc: %s: %s\n", what, why ? why : "failed");
	abort();
}

struct rpcsrv *ir_server(const struct regchain *c, uint32_t to, const char *name)
{
	struct rpcsrv *s = rpcsrv_start(IR_USER, IR_PASS);
	rpcsrv_set_chain_name(s, name);
	for (uint32_t h = 0; h < to && h < c->n; h++)
		rpcsrv_add_block(s, c->raw[h], c->len[h]);
	return s;
}

void ir_switch(struct rpcsrv *s, const struct regchain *c, uint32_t to)
{
	uint32_t h = 0, n = rpcsrv_count(s);
	while (h < n && h < to) {
		struct hash256 x = rpcsrv_hash(s, h);
		if (!hash256_eq(&x, &c->hash[h]))
			break;
		h++;
	}
	need(h > 0, "ir_switch", "no common genesis");
	rpcsrv_truncate(s, h - 1);
	for (; h < to; h++)
		rpcsrv_add_block(s, c->raw[h], c->len[h]);
}

struct rpc_client *ir_client(struct rpcsrv *s, const char *password)
{
	struct rpc_options o;
	struct rpc_client *c = NULL;
	const char *why = NULL;
	rpc_options_init(&o);
	o.url = rpcsrv_url(s);
	o.user = IR_USER;
	o.password = password;
	o.backoff_ms = 1;
	o.backoff_max_ms = 4;
	o.max_attempts = 3;
	o.timeout_ms = 600;
	o.connect_timeout_ms = 600;
	o.max_response = 8 << 20;
	need(rpc_client_new(&c, &o, &why), "rpc_client_new", why);
	return c;
}

struct index *ir_open(const char *dir, enum network net, uint32_t flush_txs)
{
	struct index_options o = { .create = true, .flush_txs = flush_txs,
				   .tx_cache_bytes = 1 << 20, .addr_cache_bytes = 1 << 20,
				   .db_cache_bytes = 1 << 20, .bloom_bytes = 1 };
	struct index *idx = NULL;
	const char *why = NULL;
	need(index_open(&idx, dir, net, &o, &why), "index_open", why);
	return idx;
}

bool ir_run(const char *dir, enum network net, struct rpcsrv *s,
	    const struct index_rpc_options *o, struct index_rpc_stats *st,
	    char *why, size_t wsz)
{
	struct index_rpc_options def;
	struct index_rpc_stats st0 = { 0 };
	struct index *idx = ir_open(dir, net, 0);
	struct rpc_client *c = ir_client(s, IR_PASS);
	const char *w = NULL;

	index_rpc_options_init(&def);
	bool ok = index_rpc_run(idx, c, o ? o : &def, st ? st : &st0, &w);
	if (why)
		snprintf(why, wsz, "%s", ok ? "" : w);
	rpc_client_free(c);
	index_close(idx);
	return ok;
}

void ir_index_direct(const char *dir, enum network net, const struct regchain *c,
		     uint32_t to)
{
	struct index *idx = ir_open(dir, net, 0);
	struct block b;
	const char *why = NULL;
	block_init(&b);
	for (uint32_t h = 0; h < to; h++) {
		need(block_parse(&b, c->raw[h], c->len[h], &why), "block_parse", why);
		need(index_connect_block(idx, &b, h, &why), "index_connect_block", why);
	}
	need(index_flush(idx, true, &why), "index_flush", why);
	block_release(&b);
	index_close(idx);
}

struct hash256 ir_digest(const char *dir, enum network net, uint32_t *tip)
{
	struct index *idx = NULL;
	struct index_verify_report r;
	const char *why = NULL;
	bool absent;

	need(index_open_query(&idx, &absent, dir, net, &why), "index_open_query", why);
	helper_index_verified(idx, &r);
	index_close(idx);
	*tip = r.has_tip ? r.tip_height : UINT32_MAX;
	return r.digest;
}

char *ir_tmpdir(void)
{
	char *p = strdup(helper_tmpdir());
	need(p != NULL, "strdup", "out of memory");
	return p;
}
