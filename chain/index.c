/* Connecting blocks into the chain index (see index.h). */
#include "proceeds/index.h"
#include "proceeds/cursor.h"
#include "proceeds/index_bloom.h"
#include "proceeds/index_cache.h"
#include "proceeds/index_query.h"
#include "proceeds/index_wbuf.h"
#include "proceeds/script.h"
#include "proceeds/store.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* A group is also committed at this much memory (blocks of big txs). */
#define GROUP_MAX_BYTES ((size_t)64 << 20)

static const char key_version[] = IDX_KEY_VERSION;
static const char key_tip[] = IDX_KEY_TIP;
static const char key_network[] = IDX_KEY_NETWORK;

struct index {
	struct store *st;
	enum network net;
	bool read_only;
	bool has_tip, has_committed;
	struct idx_tip tip;         /* with pending blocks */
	uint64_t next_txnum, next_addr; /* counters inside the current block */
	struct idx_tip committed;   /* as in LevelDB */
	struct index_wbuf wb;       /* connected blocks not yet committed */
	struct index_wbuf_async aw; /* the group being committed */
	bool inflight;              /* aw holds a group ending at inflight_tip */
	struct idx_tip inflight_tip;
	char errmsg[640];
	size_t block_mark;          /* where the current block's puts start */
	uint32_t pending_txs, flush_txs;
	struct index_cache txc;     /* txid -> txnum, n_out, outputs */
	struct index_cache addrc;   /* owner key -> addr id */
	struct index_bloom bloom;   /* `A` keys of all addresses */
	struct index_cache pend;    /* the `A` lists uncommitted groups wrote */
	struct idx_buf alist;       /* an `A` list being read or extended */
	struct idx_buf buf;         /* tx record being encoded */
	struct idx_tx cur;          /* the tx being connected; arrays reused */
	uint32_t in_cap, out_cap;
	struct index_stats stats;
	bool adapt;                 /* move budget between the caches */
	uint64_t seen_tx_misses, seen_addr_misses;
};

static bool load_tip(struct index *idx, const char **why)
{
	uint8_t *v;
	size_t n;
	bool found;

	if (!store_get(idx->st, &v, &n, &found, key_tip, sizeof(key_tip) - 1, why))
		return false;
	idx->has_tip = idx->has_committed = found;
	if (found) {
		bool ok = idx_tip_decode(&idx->tip, v, n);
		free(v);
		if (!ok)
			return (*why = "damaged tip record"), false;
		idx->committed = idx->tip;
	}
	return true;
}

/* Version and network in one atomic, synced write: a kill during the
 * first open leaves either an empty database or a complete one. */
static bool write_meta(struct index *idx, const uint8_t version[4], uint8_t net,
		       const char **why)
{
	struct store_batch *b = store_batch_new();
	if (!b)
		return (*why = "out of memory"), false;
	store_batch_put(b, key_version, sizeof(key_version) - 1, version, 4);
	store_batch_put(b, key_network, sizeof(key_network) - 1, &net, 1);
	bool ok = store_write(idx->st, b, true, why);
	store_batch_free(b);
	return ok;
}

/* Checks (or on a new index writes) the schema version and network. */
static bool check_meta(struct index *idx, const char **why)
{
	static char msg[160];
	uint8_t *v = NULL, want[4], net = (uint8_t)idx->net;
	size_t n;
	bool found;

	idx_be32(want, INDEX_SCHEMA_VERSION);
	if (!store_get(idx->st, &v, &n, &found, key_version, sizeof(key_version) - 1, why))
		return false;
	if (!found) {
		if (idx->read_only)
			return (*why = "no index here (run proceeds index first)"), false;
		return write_meta(idx, want, net, why);
	}
	bool same = n == 4 && memcmp(v, want, 4) == 0;
	if (!same) {
		snprintf(msg, sizeof(msg), "the index has schema version %u, this proceeds "
			 "reads version %u: delete it and run proceeds index again",
			 n == 4 ? idx_rd32(v) : 0, INDEX_SCHEMA_VERSION);
		free(v);
		return (*why = msg), false;
	}
	free(v);
	if (!store_get(idx->st, &v, &n, &found, key_network, sizeof(key_network) - 1, why))
		return false;
	same = found && n == 1 && v[0] == net;
	if (!same && found && n == 1 && v[0] < NETWORK_COUNT)
		snprintf(msg, sizeof(msg), "the index is for network %s, not %s",
			 network_params((enum network)v[0])->name,
			 network_params(idx->net)->name);
	free(v);
	if (!same)
		return (*why = found ? msg : "index without network record"), false;
	return true;
}

static bool open_store(struct index *idx, const char *dir,
		       const struct index_options *opt, const char **why)
{
	struct store_options so = {
		.create = opt->create && !opt->read_only,
		.cache_bytes = opt->db_cache_bytes ? opt->db_cache_bytes : (32u << 20),
		/* LevelDB holds two memtables during a flush: 64 MiB each
		 * keeps the memory budget (docs/index-format.md, Memory). */
		.write_buffer = opt->read_only ? (4u << 20) :
			opt->write_buffer_bytes ? opt->write_buffer_bytes : (64u << 20),
		.read_only = opt->read_only,
	};
	if (!store_open(&idx->st, dir, &so, why))
		return false;
	if (opt->map_budget_bytes)
		store_set_map_budget(idx->st, opt->map_budget_bytes);
	return true;
}

/* Loads every known address into the filter (a sequential scan); without
 * it every fresh address costs a LevelDB lookup, with no other harm. */
static void fill_bloom(struct index *idx, size_t bytes)
{
	const uint8_t prefix = IDX_P_ADDR, *k, *v;
	size_t kl, vl;

	index_bloom_init(&idx->bloom, bytes);
	if (!idx->has_tip || !idx->bloom.bits)
		return;
	struct store_iter *it = store_iter_new(idx->st, &prefix, 1, NULL, 0);
	while (it && store_iter_next(it, &k, &kl, &v, &vl))
		index_bloom_add(&idx->bloom, k + 1, kl - 1);
	if (!it || store_iter_error(it))
		index_bloom_release(&idx->bloom);
	store_iter_free(it);
}

bool index_open(struct index **out, const char *dir, enum network net,
		const struct index_options *opt, const char **why)
{
	struct index *idx = calloc(1, sizeof(*idx));

	*out = NULL;
	if (!idx)
		return (*why = "out of memory"), false;
	idx->net = net;
	idx->read_only = opt->read_only;
	/* Defaults sized so that a 10M-tx bulk load peaks under 1.5 GiB
	 * (bench/RESULTS.md): two groups exist at once with the writer
	 * thread, so they are half the size they were. */
	idx->flush_txs = opt->flush_txs ? opt->flush_txs : 50000;
	index_wbuf_init(&idx->wb);
	index_wbuf_async_init(&idx->aw);
	idx_buf_init(&idx->buf);
	idx_buf_init(&idx->alist);
	index_cache_init(&idx->pend, 0);
	index_cache_init(&idx->txc, opt->tx_cache_bytes ? opt->tx_cache_bytes : (96u << 20));
	index_cache_init(&idx->addrc, opt->addr_cache_bytes ? opt->addr_cache_bytes : (128u << 20));
	idx->adapt = !opt->tx_cache_bytes && !opt->addr_cache_bytes;
	if (!open_store(idx, dir, opt, why) ||
	    !check_meta(idx, why) || !load_tip(idx, why)) {
		index_close(idx);
		return false;
	}
	if (!opt->read_only)
		fill_bloom(idx, opt->bloom_bytes ? opt->bloom_bytes : (64u << 20));
	*out = idx;
	return true;
}

bool index_open_query(struct index **out, bool *absent, const char *dir,
		      enum network net, const char **why)
{
	struct index_options o = { .read_only = true, .tx_cache_bytes = 1,
				   .addr_cache_bytes = 1 };
	char path[4200];
	struct stat st;

	snprintf(path, sizeof(path), "%s/CURRENT", dir);
	*out = NULL;
	*absent = stat(path, &st) != 0;
	if (*absent)
		return (*why = "no index here (run proceeds index first)"), false;
	return index_open(out, dir, net, &o, why);
}

void index_close(struct index *idx)
{
	if (!idx)
		return;
	index_wbuf_async_release(&idx->aw);
	store_close(idx->st);
	index_wbuf_release(&idx->wb);
	index_cache_release(&idx->txc);
	index_cache_release(&idx->addrc);
	idx_buf_release(&idx->buf);
	idx_buf_release(&idx->alist);
	index_cache_release(&idx->pend);
	index_bloom_release(&idx->bloom);
	free(idx->cur.in);
	free(idx->cur.out);
	free(idx);
}

bool index_tip(const struct index *idx, struct idx_tip *out)
{
	if (idx->has_tip)
		*out = idx->tip;
	return idx->has_tip;
}

bool index_committed_tip(const struct index *idx, struct idx_tip *out)
{
	if (idx->has_committed)
		*out = idx->committed;
	return idx->has_committed;
}

struct store *index_store(struct index *idx)
{
	return idx->st;
}

enum network index_network(const struct index *idx)
{
	return idx->net;
}

void index_get_stats(const struct index *idx, struct index_stats *out)
{
	*out = idx->stats;
	out->tx_cache_hits = idx->txc.hits;
	out->tx_cache_misses = idx->txc.misses;
	out->addr_cache_hits = idx->addrc.hits;
	out->addr_cache_misses = idx->addrc.misses;
	out->cache_bytes = index_cache_bytes(&idx->txc) + index_cache_bytes(&idx->addrc);
}

/* Forgets the blocks not committed and the caches (which may hold them),
 * and rereads the committed tip. */
static bool drop_pending(struct index *idx, const char **why)
{
	index_wbuf_rollback(&idx->wb, 0);
	idx->pending_txs = 0;
	index_cache_clear(&idx->txc);
	index_cache_clear(&idx->addrc);
	index_cache_clear(&idx->pend);
	return load_tip(idx, why);
}

/* Waits for the group write in flight; when it succeeded its tip is
 * committed. When it failed, the blocks connected since are dropped too
 * (they build on the lost group) and the index is back at its committed
 * tip. */
static bool settle(struct index *idx, const char **why)
{
	const char *w, *w2;

	if (!idx->inflight)
		return true;
	idx->inflight = false;
	if (index_wbuf_async_wait(&idx->aw, &w)) {
		idx->committed = idx->inflight_tip;
		idx->has_committed = true;
		return true;
	}
	snprintf(idx->errmsg, sizeof(idx->errmsg), "committing the blocks up to "
		 "height %u: %s", idx->inflight_tip.height, w);
	*why = idx->errmsg;
	if (!drop_pending(idx, &w2))
		idx->has_tip = false;
	return false;
}

/* Every entry of the old generations is in LevelDB once no write is in
 * flight, so they may go. */
#define ADAPT_STEP ((size_t)8 << 20)
#define ADAPT_MIN ((size_t)32 << 20)

/* Moves a step of budget to the cache whose misses cost more LevelDB
 * reads since the last look (a txid miss costs two, `T` then `X`; an
 * address miss two, `A` then `a`): on chains that reuse old addresses a lot, the
 * address cache needs the room more than the txid cache. The sum, and
 * so the memory bound, stays the same. */
static void rebalance(struct index *idx)
{
	/* index_cache_clear restarts the counters. */
	uint64_t mt = 2 * (idx->txc.misses - (idx->txc.misses >= idx->seen_tx_misses ?
					      idx->seen_tx_misses : 0));
	uint64_t ma = 2 * (idx->addrc.misses - (idx->addrc.misses >= idx->seen_addr_misses ?
						idx->seen_addr_misses : 0));
	struct index_cache *from = NULL, *to = NULL;

	idx->seen_tx_misses = idx->txc.misses;
	idx->seen_addr_misses = idx->addrc.misses;
	if (ma > 2 * mt + 1000)
		from = &idx->txc, to = &idx->addrc;
	else if (mt > 2 * ma + 1000)
		from = &idx->addrc, to = &idx->txc;
	if (!from || from->budget < ADAPT_MIN + ADAPT_STEP)
		return;
	from->budget -= ADAPT_STEP;
	to->budget += ADAPT_STEP;
}

static void rotate_full(struct index *idx)
{
	assert(!idx->inflight);
	if (idx->adapt)
		rebalance(idx);
	if (index_cache_full(&idx->txc))
		index_cache_rotate(&idx->txc);
	if (index_cache_full(&idx->addrc))
		index_cache_rotate(&idx->addrc);
}

/* Hands the pending group with its tip to the writer thread. */
static bool flush_async(struct index *idx, const char **why)
{
	uint8_t tipv[IDX_TIP_LEN];

	if (!settle(idx, why))
		return false;
	rotate_full(idx);
	/* The lists of the group committed by now are in LevelDB. */
	index_cache_rotate(&idx->pend);
	idx_tip_encode(tipv, &idx->tip);
	if (!index_wbuf_async_start(&idx->aw, &idx->wb, idx->st, key_tip,
				    sizeof(key_tip) - 1, tipv, sizeof(tipv), why))
		return false;
	idx->inflight = true;
	idx->inflight_tip = idx->tip;
	idx->pending_txs = 0;
	return true;
}

bool index_flush(struct index *idx, bool sync, const char **why)
{
	uint8_t tipv[IDX_TIP_LEN];

	assert(!idx->read_only);
	if (!settle(idx, why))
		return false;
	if (!idx->has_tip)
		return true;
	if (idx->pending_txs || !idx->has_committed ||
	    !hash256_eq(&idx->tip.hash, &idx->committed.hash) ||
	    idx->tip.height != idx->committed.height) {
		idx_tip_encode(tipv, &idx->tip);
		if (!index_wbuf_write(&idx->wb, idx->st, key_tip, sizeof(key_tip) - 1,
				      tipv, sizeof(tipv), sync, why))
			return false;
		idx->committed = idx->tip;
		idx->has_committed = true;
		idx->pending_txs = 0;
	}
	index_cache_clear(&idx->pend);
	rotate_full(idx);
	return true;
}

void index_settle(struct index *idx)
{
	assert(!idx->read_only && !idx->inflight);
	store_settle(idx->st);
}

/* Forgets pending state and caches and rereads the committed tip: after a
 * disconnect or a failed write. */
bool index_reload(struct index *idx, const char **why)
{
	if (!settle(idx, why))
		return false;
	return drop_pending(idx, why);
}

/* ---- connecting ---- */

/* Cached form of a tx for spending: txnum(8) n_out(4) then per output
 * value(8) addr(8), host byte order. */
static void cache_tx(struct index *idx, const struct idx_tx *tx)
{
	uint8_t *v = index_cache_put(&idx->txc, tx->txid.b, 32, 12 + 16 * (size_t)tx->n_out);
	memcpy(v, &tx->txnum, 8);
	memcpy(v + 8, &tx->n_out, 4);
	for (uint32_t i = 0; i < tx->n_out; i++) {
		memcpy(v + 12 + 16 * (size_t)i, &tx->out[i].value, 8);
		memcpy(v + 20 + 16 * (size_t)i, &tx->out[i].addr, 8);
	}
}

/* The txnums stored for txid (more than one only for BIP30 duplicates). */
static bool db_txnums(struct index *idx, const struct hash256 *txid,
		      uint8_t **v, size_t *n, bool *found, const char **why)
{
	uint8_t key[IDX_KEY_MAX];
	size_t kl = idx_key_txid(key, txid);
	if (!store_get(idx->st, v, n, found, key, kl, why))
		return false;
	if (*found && (*n == 0 || *n % 8)) {
		free(*v);
		return (*why = "damaged txid record"), false;
	}
	return true;
}

/* Reads a spent tx from LevelDB into the cache (read-through). */
static bool load_prev(struct index *idx, const struct hash256 *txid,
		      bool *found, const char **why)
{
	uint8_t *v, key[IDX_KEY_MAX];
	size_t n;
	struct idx_tx tx;

	if (!db_txnums(idx, txid, &v, &n, found, why))
		return false;
	if (!*found)
		return true;
	uint64_t txnum = idx_rd64(v + n - 8);
	free(v);
	if (!store_get(idx->st, &v, &n, found, key, idx_key_tx(key, txnum), why))
		return false;
	if (!*found)
		return (*why = "txid record without tx record"), false;
	bool ok = idx_tx_decode(&tx, txnum, v, n, why);
	free(v);
	if (!ok)
		return false;
	cache_tx(idx, &tx);
	idx_tx_release(&tx);
	return true;
}

static const char *input_error(const struct tx_in *in, uint32_t height,
			       uint32_t t, uint32_t i, const char *what)
{
	static char msg[256];
	char hex[65];
	hash256_to_hex(hex, &in->prev_txid);
	snprintf(msg, sizeof(msg), "block %u tx %u input %u: %s %s:%u", height,
		 t, i, what, hex, in->prev_vout);
	return msg;
}

static bool resolve_input(struct index *idx, struct idx_input *out,
			  const struct tx_in *in, const char **why)
{
	size_t vl;
	uint32_t n_out;
	bool found = true;
	const uint8_t *v = index_cache_get(&idx->txc, in->prev_txid.b, 32, &vl);

	if (!v) {
		if (!load_prev(idx, &in->prev_txid, &found, why))
			return false;
		if (!found)
			return (*why = "spends an unknown transaction"), false;
		v = index_cache_get(&idx->txc, in->prev_txid.b, 32, &vl);
		assert(v);
	}
	memcpy(&n_out, v + 8, 4);
	if (in->prev_vout >= n_out)
		return (*why = "spends a missing output of"), false;
	memcpy(&out->prev_txnum, v, 8);
	out->prev_vout = in->prev_vout;
	memcpy(&out->value, v + 12 + 16 * (size_t)in->prev_vout, 8);
	memcpy(&out->addr, v + 20 + 16 * (size_t)in->prev_vout, 8);
	return true;
}

/* The `A` list for key as it stands with the uncommitted groups (pend
 * holds every list they wrote), else as committed; into idx->alist. */
static bool addr_list(struct index *idx, const uint8_t *key, size_t keyl,
		      const char **why)
{
	size_t vl;
	uint8_t *v;
	bool found;
	const uint8_t *p = index_cache_get(&idx->pend, key + 1, keyl - 1, &vl);

	idx->alist.len = 0;
	if (p) {
		idx_buf_put(&idx->alist, p, vl);
		return true;
	}
	if (!store_get(idx->st, &v, &vl, &found, key, keyl, why))
		return false;
	if (found)
		idx_buf_put(&idx->alist, v, vl);
	free(v);
	return true;
}

/* Looks owner key k up among the ids listed under its `A` key. Ids not
 * yet committed need no read: their owner keys are all in the address
 * cache, which k missed. */
static bool addr_find(struct index *idx, uint64_t *id, bool *found,
		      const uint8_t *k, size_t kl, const uint8_t *key,
		      size_t keyl, const char **why)
{
	size_t pos = 0;
	bool bad = false, ok = true;
	uint64_t base = idx->has_committed ? idx->committed.next_addr : 0;

	*found = false;
	if (!addr_list(idx, key, keyl, why))
		return false;
	while (ok && !*found &&
	       idx_addr_list_next(idx->alist.p, idx->alist.len, &pos, id, &bad))
		if (*id < base)
			ok = idxq_addr_is(idx->st, found, *id, k, kl, why);
	if (ok && bad)
		return (*why = "damaged address record"), false;
	return ok;
}

/* A fresh address: the next id, appended to the `A` list of its key. */
static void addr_new(struct index *idx, uint64_t *id, const uint8_t *k,
		     size_t kl, const uint8_t *key, size_t keyl)
{
	uint8_t akey[IDX_KEY_MAX];

	*id = idx->next_addr++;
	idx_buf_varint(&idx->alist, *id);
	index_wbuf_put(&idx->wb, key, keyl, idx->alist.p, idx->alist.len);
	memcpy(index_cache_put(&idx->pend, key + 1, keyl - 1, idx->alist.len),
	       idx->alist.p, idx->alist.len);
	index_wbuf_put(&idx->wb, akey, idx_key_addrid(akey, *id), k, kl);
	index_bloom_add(&idx->bloom, key + 1, keyl - 1);
	idx->stats.new_addrs++;
}

/* The address id of an output script, assigning the next id on first
 * sight. The filter holds the `A` keys: when it rules the key out, the
 * address is new and its list is empty. */
static bool addr_id(struct index *idx, uint64_t *id, const uint8_t *script,
		    size_t len, const char **why)
{
	uint8_t k[SCRIPT_KEY_MAX], key[IDX_KEY_MAX];
	size_t kl = script_owner_key(k, script, len), vl;
	size_t keyl = idx_key_addr(key, k, kl);
	bool known = index_bloom_may_have(&idx->bloom, key + 1, keyl - 1), found = false;
	const uint8_t *c = known ? index_cache_get(&idx->addrc, k, kl, &vl) : NULL;

	if (c) {
		memcpy(id, c, 8);
		return true;
	}
	idx->alist.len = 0;
	if (known && !addr_find(idx, id, &found, k, kl, key, keyl, why))
		return false;
	if (!found)
		addr_new(idx, id, k, kl, key, keyl);
	memcpy(index_cache_put(&idx->addrc, k, kl, 8), id, 8);
	return true;
}

static void cur_reserve(struct index *idx, uint32_t n_in, uint32_t n_out)
{
	struct idx_tx *c = &idx->cur;
	if (n_in > idx->in_cap) {
		free(c->in);
		c->in = calloc(n_in, sizeof(*c->in));
		idx->in_cap = n_in;
	}
	if (n_out > idx->out_cap) {
		free(c->out);
		c->out = calloc(n_out, sizeof(*c->out));
		idx->out_cap = n_out;
	}
	if ((n_in && !c->in) || (n_out && !c->out)) {
		fputs("proceeds: out of memory\n", stderr);  /* lint: prints before abort */
		abort();
	}
}

static bool connect_inputs(struct index *idx, const struct tx *t,
			   uint32_t height, uint32_t ti, const char **why)
{
	struct idx_tx *c = &idx->cur;
	uint8_t key[IDX_KEY_MAX], val[32];

	for (uint32_t i = 0; !c->coinbase && i < t->n_in; i++) {
		struct idx_spend sp = { c->txnum, i, height };
		if (!resolve_input(idx, &c->in[i], &t->in[i], why)) {
			*why = input_error(&t->in[i], height, ti, i, *why);
			return false;
		}
		index_wbuf_put(&idx->wb, key,
				idx_key_spent(key, c->in[i].prev_txnum, c->in[i].prev_vout),
				val, idx_spend_encode(val, &sp));
	}
	idx->stats.inputs += c->coinbase ? 0 : t->n_in;
	return true;
}

static bool connect_outputs(struct index *idx, const struct tx *t,
			    uint32_t height, const char **why)
{
	struct idx_tx *c = &idx->cur;
	uint8_t key[IDX_KEY_MAX], val[24];
	struct script_info si;

	for (uint32_t i = 0; i < t->n_out; i++) {
		struct idx_output *o = &c->out[i];
		script_classify(&si, t->out[i].script, t->out[i].script_len);
		o->value = t->out[i].value;
		o->type = (uint8_t)si.type;
		if (!addr_id(idx, &o->addr, t->out[i].script, t->out[i].script_len, why))
			return false;
		index_wbuf_put(&idx->wb, key, idx_key_hist(key, o->addr, c->txnum, i),
				val, idx_hist_encode(val, o->value, height));
	}
	idx->stats.outputs += t->n_out;
	return true;
}

/* The txid record: the txnum, after any earlier txnums of the same txid
 * (the BIP30 duplicate coinbases: dups holds the earlier list). */
static void put_txid(struct index *idx, const uint8_t *dups, size_t dlen)
{
	uint8_t key[IDX_KEY_MAX], v[8];
	struct idx_buf b;

	idx_be64(v, idx->cur.txnum);
	if (!dlen) {
		index_wbuf_put(&idx->wb, key, idx_key_txid(key, &idx->cur.txid), v, 8);
		return;
	}
	idx_buf_init(&b);
	idx_buf_put(&b, dups, dlen);
	idx_buf_put(&b, v, 8);
	index_wbuf_put(&idx->wb, key, idx_key_txid(key, &idx->cur.txid), b.p, b.len);
	idx_buf_release(&b);
}

static bool connect_tx(struct index *idx, const struct tx *t, uint32_t height,
		       uint32_t ti, const struct idx_buf *dups, const char **why)
{
	struct idx_tx *c = &idx->cur;
	uint8_t key[IDX_KEY_MAX];

	cur_reserve(idx, t->n_in, t->n_out);
	c->txid = t->txid;
	c->txnum = idx->next_txnum++;
	c->height = height;
	c->coinbase = tx_is_coinbase(t);
	c->segwit = t->segwit;
	c->version = t->version;
	c->locktime = t->locktime;
	c->size = t->raw_len;
	c->weight = t->base_len * 3 + t->raw_len;
	c->n_in = t->n_in;
	c->n_out = t->n_out;
	if (!connect_inputs(idx, t, height, ti, why) ||
	    !connect_outputs(idx, t, height, why))
		return false;
	idx->buf.len = 0;
	idx_tx_encode(&idx->buf, c);
	index_wbuf_put(&idx->wb, key, idx_key_tx(key, c->txnum), idx->buf.p, idx->buf.len);
	put_txid(idx, dups ? dups->p : NULL, dups ? dups->len : 0);
	cache_tx(idx, c);
	return true;
}

static bool check_block(const struct index *idx, const struct block *b,
			uint32_t height, const char **why)
{
	static char msg[160];

	if (idx->has_tip ? height != idx->tip.height + 1 ||
	    !hash256_eq(&b->hdr.prev, &idx->tip.hash) : height != 0) {
		snprintf(msg, sizeof(msg), "block %u does not extend the index tip (%s %u)",
			 height, idx->has_tip ? "height" : "empty index, want",
			 idx->has_tip ? idx->tip.height : 0);
		return (*why = msg), false;
	}
	if (b->n_tx == 0 || !tx_is_coinbase(&b->txs[0]))
		return (*why = "block without a coinbase"), false;
	for (uint32_t i = 1; i < b->n_tx; i++)
		if (tx_is_coinbase(&b->txs[i]))
			return (*why = "block with a second coinbase"), false;
	return true;
}

/* A coinbase may repeat an earlier txid (BIP30: blocks 91812/91842 and
 * 91722/91880). The earlier txnums are kept in the txid record, so read
 * them from LevelDB, committing pending blocks first when the earlier tx
 * is one of them. */
static bool coinbase_dups(struct index *idx, struct idx_buf *dups,
			  const struct hash256 *txid, const char **why)
{
	size_t vl, n;
	uint8_t *v;
	bool found;

	if (index_cache_get(&idx->txc, txid->b, 32, &vl) &&
	    !index_flush(idx, false, why))
		return false;
	if (!db_txnums(idx, txid, &v, &n, &found, why))
		return false;
	if (found) {
		idx_buf_put(dups, v, n);
		free(v);
	}
	return true;
}

static void put_block(struct index *idx, const struct block *b, uint32_t height)
{
	uint8_t key[IDX_KEY_MAX], hv[4];
	struct idx_block r = {
		.hash = b->hash, .version = b->hdr.version, .prev = b->hdr.prev,
		.merkle = b->hdr.merkle, .time = b->hdr.time, .bits = b->hdr.bits,
		.nonce = b->hdr.nonce, .height = height,
		.first_txnum = idx->has_tip ? idx->tip.next_txnum : 0,
		.n_tx = b->n_tx,
		.first_addr = idx->has_tip ? idx->tip.next_addr : 0,
		.size = (uint32_t)b->raw_len,
	};
	idx->buf.len = 0;
	idx_block_encode(&idx->buf, &r);
	index_wbuf_put(&idx->wb, key, idx_key_height(key, height), idx->buf.p, idx->buf.len);
	idx_be32(hv, height);
	index_wbuf_put(&idx->wb, key, idx_key_bhash(key, &b->hash), hv, 4);
}

/* Drops the failed block, commits the good ones before it, and forgets
 * the caches, which may hold the failed block's txs and addresses. */
static void fail_block(struct index *idx)
{
	const char *why2;
	index_wbuf_rollback(&idx->wb, idx->block_mark);
	if (!index_flush(idx, false, &why2))
		index_wbuf_rollback(&idx->wb, 0);
	if (!index_reload(idx, &why2))
		idx->has_tip = false;
}

bool index_connect_block(struct index *idx, const struct block *b,
			 uint32_t height, const char **why)
{
	struct idx_buf dups;
	bool ok = true;

	assert(!idx->read_only);
	if (!check_block(idx, b, height, why))
		return false;
	idx_buf_init(&dups);
	if (!coinbase_dups(idx, &dups, &b->txs[0].txid, why)) {
		idx_buf_release(&dups);
		return false;
	}
	idx->block_mark = index_wbuf_mark(&idx->wb);
	idx->next_txnum = idx->has_tip ? idx->tip.next_txnum : 0;
	idx->next_addr = idx->has_tip ? idx->tip.next_addr : 0;
	for (uint32_t i = 0; ok && i < b->n_tx; i++)
		ok = connect_tx(idx, &b->txs[i], height, i, i ? NULL : &dups, why);
	idx_buf_release(&dups);
	if (!ok) {
		fail_block(idx);
		return false;
	}
	put_block(idx, b, height);
	idx->tip = (struct idx_tip){ height, b->hash, idx->next_txnum, idx->next_addr };
	idx->has_tip = true;
	idx->pending_txs += b->n_tx;
	idx->stats.blocks++;
	idx->stats.txs += b->n_tx;
	if (idx->pending_txs >= idx->flush_txs ||
	    index_wbuf_bytes(&idx->wb) >= GROUP_MAX_BYTES)
		return flush_async(idx, why);
	return true;
}
