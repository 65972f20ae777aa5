/* Building the clusters: full or incremental runs over the index's
 * transactions in txnum order, reorg and option-change detection, and the
 * one committing batch at the end. */
#include "cluster_int.h"

#include "proceeds/cursor.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

void cluster_options_default(struct cluster_options *o)
{
	memset(o, 0, sizeof(*o));
	o->coinjoin_skip = true;
	o->change = false;
	o->change_set = CLUSTER_CH_ALL;
	o->change_min = 70;
	o->guard = true;
}

const char *cluster_heuristic_name(enum cluster_heuristic h)
{
	switch (h) {
	case CLUSTER_H_MULTI_INPUT:
		return "multi-input";
	case CLUSTER_H_CHANGE:
		return "change";
	}
	return "unknown";
}

size_t cl_key(uint8_t *out, uint8_t sub, uint32_t a)
{
	out[0] = CLUSTER_PREFIX;
	out[1] = sub;
	idx_be32(out + 2, a);
	return 6;
}

size_t cl_key2(uint8_t *out, uint8_t sub, uint32_t a, uint32_t b)
{
	cl_key(out, sub, a);
	idx_be32(out + 6, b);
	return 10;
}

size_t cl_edge_key(uint8_t *out, uint32_t a, uint64_t txnum,
		   enum cluster_heuristic h)
{
	cl_key(out, CLUSTER_K_EDGE, a);
	idx_be64(out + 6, txnum);
	out[14] = (uint8_t)h;
	return CL_EDGE_KEY_LEN;
}

static uint8_t meta_flags(const struct cluster_meta *m)
{
	return (uint8_t)((m->coinjoin_skip ? 1 : 0) | (m->change ? 2 : 0) |
			 (m->guard ? 4 : 0) | (m->has_tip ? 8 : 0) |
			 (m->merge_possible ? 16 : 0) | (m->imported ? 32 : 0));
}

void cl_meta_encode(struct idx_buf *b, const struct cluster_meta *m)
{
	uint8_t f = meta_flags(m);
	idx_buf_u32be(b, m->version);
	idx_buf_put(b, &f, 1);
	idx_buf_varint(b, m->change_set);
	idx_buf_varint(b, m->change_min);
	idx_buf_u64be(b, m->next_txnum);
	idx_buf_u32be(b, m->tip_height);
	idx_buf_put(b, m->tip_hash.b, 32);
	idx_buf_u64be(b, m->n_addr);
	idx_buf_varint(b, m->merges_multi);
	idx_buf_varint(b, m->merges_change);
	idx_buf_varint(b, m->txs_multi);
	idx_buf_varint(b, m->coinjoin_skipped);
	idx_buf_varint(b, m->refused);
	idx_buf_varint(b, m->clusters);
	idx_buf_varint(b, m->possible);
	idx_buf_varint(b, m->possible_merged);
}

bool cl_meta_decode(struct cluster_meta *m, const uint8_t *v, size_t len)
{
	struct cursor c;
	uint8_t f = 0, raw[8];
	uint64_t cs = 0, cm = 0;

	memset(m, 0, sizeof(*m));
	cursor_init(&c, v, len);
	cursor_bytes(&c, raw, 4);
	m->version = idx_rd32(raw);
	cursor_u8(&c, &f);
	cursor_varint(&c, &cs);
	cursor_varint(&c, &cm);
	cursor_bytes(&c, raw, 8);
	m->next_txnum = idx_rd64(raw);
	cursor_bytes(&c, raw, 4);
	m->tip_height = idx_rd32(raw);
	cursor_bytes(&c, m->tip_hash.b, 32);
	cursor_bytes(&c, raw, 8);
	m->n_addr = idx_rd64(raw);
	cursor_varint(&c, &m->merges_multi);
	cursor_varint(&c, &m->merges_change);
	cursor_varint(&c, &m->txs_multi);
	cursor_varint(&c, &m->coinjoin_skipped);
	cursor_varint(&c, &m->refused);
	cursor_varint(&c, &m->clusters);
	cursor_varint(&c, &m->possible);
	if (!cursor_varint(&c, &m->possible_merged) || cursor_left(&c) != 0)
		return false;
	m->coinjoin_skip = f & 1;
	m->merge_possible = f & 16;
	m->change = f & 2;
	m->guard = f & 4;
	m->has_tip = f & 8;
	m->imported = f & 32;
	m->change_set = (unsigned)cs;
	m->change_min = (unsigned)cm;
	return m->version == CLUSTER_SCHEMA_VERSION;
}

bool cluster_meta_read(struct store *st, struct cluster_meta *out, bool *found,
		       const char **why)
{
	uint8_t key[2] = { CLUSTER_PREFIX, CLUSTER_K_META }, *v = NULL;
	size_t vlen;

	memset(out, 0, sizeof(*out));
	if (!store_get(st, &v, &vlen, found, key, 2, why))
		return false;
	if (!*found)
		return true;
	bool ok = cl_meta_decode(out, v, vlen);
	free(v);
	if (!ok)
		*why = "cluster state record is damaged or of another version "
		       "(run cluster build --rebuild)";
	return ok;
}

bool cl_delete_all(struct store *st, uint8_t sub, const char **why)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, sub };
	struct store_iter *it = store_iter_new(st, pre, sub ? 2 : 1, NULL, 0);
	struct store_batch *b = store_batch_new();
	const uint8_t *k, *v;
	size_t kl, vl, n = 0;
	bool ok = true;

	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		store_batch_delete(b, k, kl);
		if (++n % 100000 == 0) {
			ok = store_write(st, b, false, why);
			store_batch_clear(b);
		}
	}
	if (ok && store_iter_error(it))
		{ *why = store_iter_error(it); ok = false; }
	if (ok)
		ok = store_write(st, b, true, why);
	store_batch_free(b);
	store_iter_free(it);
	return ok;
}

static bool read_index_tip(struct store *st, struct idx_tip *tip, bool *has,
			   const char **why)
{
	uint8_t *v = NULL;
	size_t vlen;

	if (!store_get(st, &v, &vlen, has, IDX_KEY_TIP, strlen(IDX_KEY_TIP), why))
		return false;
	memset(tip, 0, sizeof(*tip));
	if (!*has)
		return true;
	bool ok = idx_tip_decode(tip, v, vlen);
	free(v);
	if (!ok)
		*why = "index tip record is damaged";
	return ok;
}

static bool same_options(const struct cluster_meta *m,
			 const struct cluster_options *o)
{
	return m->coinjoin_skip == o->coinjoin_skip &&
	       m->merge_possible == (o->coinjoin_skip && o->merge_possible) &&
	       m->change == o->change &&
	       m->guard == o->guard &&
	       (!o->change || (m->change_set == o->change_set &&
			       m->change_min == o->change_min));
}

/* Why the stored clustering cannot be extended, or NULL. */
static const char *rebuild_reason(struct store *st, const struct cluster_meta *m,
				  bool found, const struct cluster_options *o,
				  const struct idx_tip *tip, const char **why,
				  bool *err)
{
	struct idx_block blk;
	bool has;

	*err = false;
	if (!found)
		return "first build";
	if (o->rebuild)
		return "rebuild requested";
	if (m->imported)
		return "the stored clustering was imported (cluster import)";
	if (!same_options(m, o))
		return "options differ from the stored clustering";
	if (m->next_txnum > tip->next_txnum || m->n_addr > tip->next_addr)
		return "reorg: the index is shorter than the clustering";
	if (!m->has_tip)
		return NULL;
	if (!idxq_block_at(st, &blk, &has, m->tip_height, why))
		return (*err = true), NULL;
	if (!has || !hash256_eq(&blk.hash, &m->tip_hash))
		return "reorg: the index no longer holds the clustered tip";
	return NULL;
}

static void meta_fresh(struct cluster_meta *m, const struct cluster_options *o)
{
	memset(m, 0, sizeof(*m));
	m->version = CLUSTER_SCHEMA_VERSION;
	m->coinjoin_skip = o->coinjoin_skip;
	m->merge_possible = o->coinjoin_skip && o->merge_possible;
	m->change = o->change;
	m->guard = o->guard;
	m->change_set = o->change ? o->change_set : 0;
	m->change_min = o->change ? o->change_min : 0;
}

/* Runs every tx from s->meta.next_txnum below tip->next_txnum. */
static bool process_range(struct cl_state *s, const struct idx_tip *tip,
			  cluster_progress_fn progress, void *pctx,
			  const char **why)
{
	uint8_t start[IDX_KEY_MAX], pre = IDX_P_TX;
	size_t sl = idx_key_tx(start, s->meta.next_txnum);
	struct store_iter *it = store_iter_new(s->st, &pre, 1, start, sl);
	uint64_t from = s->meta.next_txnum, total = tip->next_txnum - from;
	uint64_t expect = from;
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;

	while (ok && expect < tip->next_txnum && store_iter_next(it, &k, &kl, &v, &vl)) {
		struct idx_tx tx;
		if (kl != 9 || idx_rd64(k + 1) != expect) {
			{ *why = "index transactions are not contiguous"; ok = false; }
			break;
		}
		if (!idx_tx_decode(&tx, expect, v, vl, why))
			break;
		ok = cl_process_tx(s, &tx, why) && cl_flush_pending(s, false, why);
		idx_tx_release(&tx);
		expect++;
		s->stats->txs++;
		if (progress && (expect - from) % 65536 == 0)
			progress(pctx, expect - from, total);
	}
	if (ok && store_iter_error(it))
		{ *why = store_iter_error(it); ok = false; }
	if (ok && expect != tip->next_txnum)
		{ *why = "index transactions end before its tip"; ok = false; }
	store_iter_free(it);
	if (progress && ok)
		progress(pctx, total, total);
	return ok;
}

static void state_release(struct cl_state *s)
{
	unionfind_release(&s->uf);
	store_batch_free(s->batch);
	cl_tags_release(&s->tags);
	cl_map_release(&s->guard);
	free(s->scratch);
	free(s->ids);
	free(s->loaded);
	cl_moves_release(&s->moves);
}

/* The final batch: roots, members, entities and the new state. */
static bool commit(struct cl_state *s, const struct idx_tip *tip,
		   const char **why)
{
	struct store_batch *b = store_batch_new();
	struct cluster_build_stats *r = s->stats;
	struct idx_buf mb;
	uint8_t mk[2] = { CLUSTER_PREFIX, CLUSTER_K_META };
	bool ok;

	s->meta.next_txnum = tip->next_txnum;
	s->meta.tip_height = tip->height;
	s->meta.tip_hash = tip->hash;
	s->meta.has_tip = true;
	s->meta.n_addr = tip->next_addr;
	s->meta.merges_multi += r->merges_multi;
	s->meta.merges_change += r->merges_change;
	s->meta.coinjoin_skipped += r->coinjoin_skipped;
	s->meta.possible += r->possible;
	s->meta.possible_merged += r->possible_merged;
	s->meta.clusters = s->uf.sets;
	ok = cl_roots_save(s, b, why) && cl_entities_save(s, b, why);
	idx_buf_init(&mb);
	cl_meta_encode(&mb, &s->meta);
	store_batch_put(b, mk, 2, mb.p, mb.len);
	idx_buf_release(&mb);
	ok = ok && store_write(s->st, b, true, why);
	store_batch_free(b);
	return ok;
}

static bool prepare(struct cl_state *s, const struct idx_tip *tip,
		    const char **why)
{
	if (!(s->batch = store_batch_new()))
		return (*why = "out of memory"), false;
	if (!cl_roots_load(s, why))
		return false;
	if (!unionfind_grow(&s->uf, (uint32_t)tip->next_addr))
		return (*why = "out of memory for the address sets"), false;
	s->seen_addr = s->meta.n_addr;
	if (!cl_tags_load(&s->tags, s->st, tip->next_addr, why))
		return false;
	for (size_t i = 0; i < s->tags.n; i++)
		if (!cl_touch(s, s->tags.v[i].addr, why))
			return false;
	return !s->opt.guard || cl_guard_init(s, why);
}

bool cluster_build(struct store *st, struct cluster_build_stats *out,
		   const struct cluster_options *opt, enum network net,
		   cluster_progress_fn progress, void *pctx, const char **why)
{
	struct cl_state s;
	struct idx_tip tip;
	bool has, found, err;
	const char *reason;

	memset(out, 0, sizeof(*out));
	memset(&s, 0, sizeof(s));
	if (!read_index_tip(st, &tip, &has, why))
		return false;
	if (!has)
		return (*why = "the index is empty (run proceeds index first)"), false;
	if (tip.next_addr > UINT32_MAX)
		return (*why = "more than 2^32 addresses: not supported"), false;
	bool other_version = !cluster_meta_read(st, &s.meta, &found, why);
	reason = other_version ? "stored clustering damaged or of another version"
			       : rebuild_reason(st, &s.meta, found, opt, &tip, why, &err);
	if (!other_version && err)
		return false;
	if (reason) {
		out->rebuilt = true;
		out->rebuild_reason = reason;
		if (!cl_delete_all(st, 0, why))
			return false;
		meta_fresh(&s.meta, opt);
	}
	s.st = st;
	s.net = net;
	s.opt = *opt;
	s.stats = out;
	bool ok = prepare(&s, &tip, why) &&
		  process_range(&s, &tip, progress, pctx, why) &&
		  cl_flush_pending(&s, true, why) && commit(&s, &tip, why);
	state_release(&s);
	return ok;
}
