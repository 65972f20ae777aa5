/* Small chains for the trace tests (see helper_tracechain.h). */
#include "helper_tracechain.h"
#include "helper.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/tags.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void check(bool ok, const char *what, const char *why)
{
	if (ok)
		return;
	fprintf(stderr, "helper_tracechain: %s: %s\n", what, why ? why : "failed");
	abort();
}

static void add_tx(struct tc_world *w, struct hc_buf *txs, const struct tc_txspec *t,
		   unsigned tag)
{
	struct hash256 prev[TC_MAX_IO];
	uint32_t vout[TC_MAX_IO];
	uint8_t s[TC_MAX_IO][25];
	const uint8_t *sp[TC_MAX_IO];
	size_t sl[TC_MAX_IO];

	for (size_t i = 0; i < t->n_in; i++) {
		prev[i] = w->b[t->in[i].blk].txs[t->in[i].tx].txid;
		vout[i] = t->in[i].vout;
	}
	for (size_t o = 0; o < t->n_out; o++) {
		sl[o] = hc_p2pkh(s[o], t->addr[o]);
		sp[o] = s[o];
	}
	hc_tx(txs, t->n_in, prev, vout, t->n_out, t->value, sp, sl, tag);
}

/* Each tx is added after parsing a draft of the block so far, so that
 * a tx may name an earlier one of the same block by its txid. */
void tc_block(struct tc_world *w, const struct tc_txspec *t, size_t n)
{
	unsigned h = w->n_blocks;
	struct hc_buf txs = { 0 };
	struct hash256 zero = { { 0 } };
	const char *why = NULL;

	check(h < TC_MAX_BLOCKS, "tc_block", "too many blocks");
	for (size_t k = 0; k < n; k++) {
		add_tx(w, &txs, &t[k], 1000 + h);
		memset(&w->raw[h], 0, sizeof(w->raw[h]));
		hc_block(&w->raw[h], h ? &w->b[h - 1].hash : &zero, 1600000000 + h * 600,
			 &txs, k + 1);
		if (k)
			block_release(&w->b[h]);
		block_init(&w->b[h]);
		check(block_parse(&w->b[h], w->raw[h].p, w->raw[h].len, &why), "block_parse", why);
		if (k + 1 < n)
			hc_buf_free(&w->raw[h]);
	}
	hc_buf_free(&txs);
	w->n_blocks++;
}

void tc_index(struct tc_world *w)
{
	struct index_options o = { .create = true };
	const char *why = NULL;

	snprintf(w->dir, sizeof(w->dir), "%s", helper_tmpdir());
	check(index_open(&w->idx, w->dir, NETWORK_REGTEST, &o, &why), "index_open", why);
	for (unsigned h = 0; h < w->n_blocks; h++)
		check(index_connect_block(w->idx, &w->b[h], h, &why), "index_connect_block", why);
	check(index_flush(w->idx, true, &why), "index_flush", why);
	check(index_tip(w->idx, &w->tip), "index_tip", "empty index");
}

void tc_tag(struct tc_world *w, uint64_t n, const char *label)
{
	struct tag t;
	uint8_t script[25], key[TAG_KEY_MAX], *val;
	size_t vlen, klen;
	const char *why = NULL;

	memset(&t, 0, sizeof(t));
	t.owner_key_len = script_owner_key(t.owner_key, script, hc_p2pkh(script, n));
	snprintf(t.address, sizeof(t.address), "x");
	t.category = TAG_CAT_EXCHANGE;
	t.score = 90;
	tag_set_field(t.label, label);
	tag_set_field(t.source, "test list");
	tag_set_field(t.confidence, "high");
	klen = tag_key(key, &t);
	val = tag_encode(&vlen, &t);
	check(val != NULL, "tag_encode", "out of memory");
	check(store_put(index_store(w->idx), key, klen, val, vlen, &why), "store_put", why);
	free(val);
}

uint64_t tc_addr_id(struct tc_world *w, uint64_t n)
{
	uint8_t script[25], key[SCRIPT_KEY_MAX];
	size_t kl = script_owner_key(key, script, hc_p2pkh(script, n));
	uint64_t id = 0;
	bool found = false;
	const char *why = NULL;

	check(idxq_addr_id(index_store(w->idx), &id, &found, key, kl, &why), "idxq_addr_id", why);
	check(found, "tc_addr_id", "address not in the index");
	return id;
}

void tc_release(struct tc_world *w)
{
	if (w->idx)
		index_close(w->idx);
	if (w->dir[0])
		helper_rm_rf(w->dir);
	for (unsigned h = 0; h < w->n_blocks; h++) {
		block_release(&w->b[h]);
		hc_buf_free(&w->raw[h]);
	}
	memset(w, 0, sizeof(*w));
}
