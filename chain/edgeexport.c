/* The edge export's walk: the `X` records of a height range in txnum
 * order, each transaction turned into its rows (tx level: its inputs and
 * outputs; address level: its input x output address pairs with the
 * value apportioned), written by edgeexport_out.c. */
#include "edgeexport_int.h"

#include "proceeds/addrname.h"
#include "proceeds/hash.h"
#include "proceeds/index_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/store.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

/* Spent txids kept by txnum: the last 2^19 txs (20 MiB). */
#define TXID_SLOTS ((size_t)1 << 19)

__extension__ typedef unsigned __int128 ee_u128;

struct ee_txid {
	uint64_t txnum1;            /* txnum + 1; 0 = empty */
	struct hash256 txid;
};

/* A distinct address of one side of a tx. */
struct ee_addr {
	uint64_t id, value;
	uint32_t first;             /* its first input/output index */
	char name[ADDRNAME_MAX];
};

struct ee_side {
	struct ee_addr *v;
	size_t n, cap;
};

struct ee_walk {
	struct store *st;
	const struct edge_export_options *opt;
	struct edge_export_stats *stats;
	struct ee_out out;
	struct addrname *names;
	struct ee_txid *txids;
	bool have_h;
	uint32_t h;
	uint64_t time;
	char txhex[65];
	struct ee_side ins, outs;
	char err[WHY_MAX];
};

const char *edge_level_name(enum edge_level l)
{
	switch (l) {
	case EDGE_LEVEL_TX:
		return "tx";
	case EDGE_LEVEL_ADDRESS:
		return "address";
	}
	return "unknown";
}

bool edge_level_parse(enum edge_level *out, const char *s)
{
	if (strcmp(s, "tx") == 0)
		*out = EDGE_LEVEL_TX;
	else if (strcmp(s, "address") == 0)
		*out = EDGE_LEVEL_ADDRESS;
	else
		return false;
	return true;
}

static bool read_tip(struct store *st, struct idx_tip *tip, bool *has,
		     const char **why)
{
	uint8_t *v = NULL;
	size_t vlen;

	memset(tip, 0, sizeof(*tip));
	if (!store_get(st, &v, &vlen, has, IDX_KEY_TIP, strlen(IDX_KEY_TIP), why))
		return false;
	bool ok = !*has || idx_tip_decode(tip, v, vlen);
	free(v);
	return ok || (*why = "index tip record is damaged", false);
}

static bool block_at(struct ee_walk *w, struct idx_block *b, uint32_t h,
		     const char **why)
{
	bool found;
	if (!idxq_block_at(w->st, b, &found, h, why))
		return false;
	if (!found)
		*why = why_fmt(w->err, sizeof(w->err), "no block record at height %u", h);
	return found;
}

/* The txnums [*first, *end) of heights from..to, and the first address
 * id new in block from. */
static bool range(struct ee_walk *w, uint64_t *first, uint64_t *end,
		  uint64_t *first_addr, const char **why)
{
	const struct edge_export_options *o = w->opt;
	struct idx_tip tip;
	struct idx_block b;
	bool has;

	if (!read_tip(w->st, &tip, &has, why))
		return false;
	if (!has)
		return (*why = "the index is empty (run proceeds index first)"), false;
	uint32_t to = o->to_tip ? tip.height : o->to;
	if (to > tip.height)
		return (*why = why_fmt(w->err, sizeof(w->err), "--to %u is above the "
				       "index tip %u", to, tip.height)), false;
	if (o->from > to)
		return (*why = why_fmt(w->err, sizeof(w->err), "--from %u is above "
				       "the last height %u", o->from, to)), false;
	w->stats->from = o->from;
	w->stats->to = to;
	if (!block_at(w, &b, o->from, why))
		return false;
	*first = b.first_txnum;
	*first_addr = b.first_addr;
	*end = tip.next_txnum;
	if (to < tip.height) {
		if (!block_at(w, &b, to + 1, why))
			return false;
		*end = b.first_txnum;
	}
	return true;
}

static bool spent_txid(struct ee_walk *w, struct hash256 *out, uint64_t txnum,
		       const char **why)
{
	struct ee_txid *s = &w->txids[txnum & (TXID_SLOTS - 1)];
	struct idx_tx tx;
	bool found;

	if (s->txnum1 == txnum + 1) {
		w->stats->txid_hits++;
		*out = s->txid;
		return true;
	}
	if (!idxq_tx(w->st, &tx, &found, txnum, why))
		return false;
	if (!found)
		return (*why = why_fmt(w->err, sizeof(w->err), "spent transaction "
				       "txnum %llu is missing", (unsigned long long)txnum)), false;
	s->txnum1 = txnum + 1;
	s->txid = tx.txid;
	*out = tx.txid;
	idx_tx_release(&tx);
	w->stats->txid_reads++;
	return true;
}

/* The height (and block time) of the rows that follow. */
static bool set_height(struct ee_walk *w, uint32_t h, const char **why)
{
	struct idx_block b;

	if (w->have_h && h == w->h)
		return true;
	if (!block_at(w, &b, h, why))
		return false;
	w->have_h = true;
	w->h = h;
	w->time = b.time;
	return ee_out_height(&w->out, h, why);
}

static bool name_of(struct ee_walk *w, const char **name, uint64_t id,
		    const char **why)
{
	return addrname_get(w->names, name, id, why);
}

static bool rows_tx(struct ee_walk *w, const struct idx_tx *tx, const char **why)
{
	struct ee_row r = { .txid = w->txhex, .tx_index = tx->txnum,
			    .height = tx->height, .time = w->time };
	char op[80];
	struct hash256 prev;

	r.direction = "in";
	r.outpoint = op;
	for (uint32_t i = 0; !tx->coinbase && i < tx->n_in; i++) {
		const struct idx_input *in = &tx->in[i];
		if (!spent_txid(w, &prev, in->prev_txnum, why) ||
		    !name_of(w, &r.address, in->addr, why))
			return false;
		hash256_to_hex(op, &prev);
		snprintf(op + 64, sizeof(op) - 64, ":%u", in->prev_vout);
		r.index = i;
		r.value = in->value;
		if (!ee_out_row(&w->out, &r, why))
			return false;
	}
	r.direction = "out";
	memcpy(op, w->txhex, 64);
	for (uint32_t i = 0; i < tx->n_out; i++) {
		if (!name_of(w, &r.address, tx->out[i].addr, why))
			return false;
		snprintf(op + 64, sizeof(op) - 64, ":%u", i);
		r.index = i;
		r.value = tx->out[i].value;
		if (!ee_out_row(&w->out, &r, why))
			return false;
	}
	return true;
}

static int cmp_id(const void *a, const void *b)
{
	const struct ee_addr *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return (x->first > y->first) - (x->first < y->first);
}

static int cmp_first(const void *a, const void *b)
{
	const struct ee_addr *x = a, *y = b;
	return (x->first > y->first) - (x->first < y->first);
}

static bool side_fit(struct ee_side *s, size_t n)
{
	if (n <= s->cap)
		return true;
	struct ee_addr *p = realloc(s->v, n * sizeof(*p));
	if (!p)
		return false;
	s->v = p;
	s->cap = n;
	return true;
}

/* Merges the entries of one address (sorted by id, then first index),
 * summing their values, and puts them back in order of first index. */
static void side_distinct(struct ee_side *s)
{
	size_t m = 0;

	qsort(s->v, s->n, sizeof(*s->v), cmp_id);
	for (size_t i = 0; i < s->n; i++) {
		if (m > 0 && s->v[m - 1].id == s->v[i].id) {
			s->v[m - 1].value += s->v[i].value;
			continue;
		}
		s->v[m++] = s->v[i];
	}
	s->n = m;
	qsort(s->v, s->n, sizeof(*s->v), cmp_first);
}

/* The distinct input and output addresses of tx, with their names. */
static bool sides(struct ee_walk *w, const struct idx_tx *tx, const char **why)
{
	const char *nm;

	if (!side_fit(&w->ins, tx->n_in) || !side_fit(&w->outs, tx->n_out))
		return (*why = "out of memory"), false;
	for (uint32_t i = 0; i < tx->n_in; i++)
		w->ins.v[i] = (struct ee_addr){ tx->in[i].addr, tx->in[i].value, i, "" };
	for (uint32_t i = 0; i < tx->n_out; i++)
		w->outs.v[i] = (struct ee_addr){ tx->out[i].addr, tx->out[i].value, i, "" };
	w->ins.n = tx->n_in;
	w->outs.n = tx->n_out;
	side_distinct(&w->ins);
	side_distinct(&w->outs);
	for (size_t i = 0; i < w->ins.n + w->outs.n; i++) {
		struct ee_addr *a = i < w->ins.n ? &w->ins.v[i] : &w->outs.v[i - w->ins.n];
		if (!name_of(w, &nm, a->id, why))
			return false;
		memcpy(a->name, nm, strlen(nm) + 1);
	}
	return true;
}

/* floor(v * c / t), exact (v and c are at most 2^64 - 1). */
static uint64_t mul_div(uint64_t v, uint64_t c, uint64_t t)
{
	return (uint64_t)((ee_u128)v * c / t);
}

/* Address level: the outputs paid to each output address, apportioned to
 * the input addresses by cumulative rounding over their input value, so
 * that each output address's shares sum to exactly its value. */
static bool rows_addr(struct ee_walk *w, const struct idx_tx *tx, const char **why)
{
	struct ee_row r = { .txid = w->txhex, .tx_index = tx->txnum,
			    .height = tx->height, .time = w->time };
	uint64_t total = 0, cum = 0;

	if (tx->coinbase)
		return true;
	if (!sides(w, tx, why))
		return false;
	for (size_t i = 0; i < w->ins.n; i++)
		total += w->ins.v[i].value;
	bool by_count = total == 0;   /* inputs of value 0: equal shares */
	if (by_count)
		total = w->ins.n;
	r.n_src = w->ins.n;
	r.n_dst = w->outs.n;
	for (size_t i = 0; i < w->ins.n; i++) {
		uint64_t prev = cum;
		cum += by_count ? 1 : w->ins.v[i].value;
		r.src = w->ins.v[i].name;
		for (size_t j = 0; j < w->outs.n; j++) {
			uint64_t v = w->outs.v[j].value;
			r.dst = w->outs.v[j].name;
			r.value = mul_div(v, cum, total) - mul_div(v, prev, total);
			if (!ee_out_row(&w->out, &r, why))
				return false;
		}
	}
	return true;
}

static bool one_tx(struct ee_walk *w, const struct idx_tx *tx, const char **why)
{
	struct edge_export_stats *s = w->stats;
	struct ee_txid *slot = &w->txids[tx->txnum & (TXID_SLOTS - 1)];
	uint64_t rows;
	bool ok;

	if (!set_height(w, tx->height, why))
		return false;
	rows = w->out.part_rows;
	hash256_to_hex(w->txhex, &tx->txid);
	slot->txnum1 = tx->txnum + 1;
	slot->txid = tx->txid;
	s->txs++;
	s->coinbase_txs += tx->coinbase;
	s->inputs += tx->coinbase ? 0 : tx->n_in;
	s->outputs += tx->n_out;
	ok = w->opt->level == EDGE_LEVEL_TX ? rows_tx(w, tx, why) : rows_addr(w, tx, why);
	s->rows += w->out.part_rows - rows;
	return ok;
}

/* Every tx of [first, end) in txnum order. */
static bool walk(struct ee_walk *w, uint64_t first, uint64_t end,
		 edge_progress_fn progress, void *pctx, const char **why)
{
	uint8_t start[IDX_KEY_MAX], pre = IDX_P_TX;
	struct store_iter *it = store_iter_new(w->st, &pre, 1, start,
					       idx_key_tx(start, first));
	const uint8_t *k, *v;
	size_t kl, vl;
	uint64_t expect = first;
	bool ok = it != NULL;

	if (!ok)
		*why = "out of memory";
	while (ok && expect < end && store_iter_next(it, &k, &kl, &v, &vl)) {
		struct idx_tx tx;
		if (kl != 9 || idx_rd64(k + 1) != expect) {
			ok = (*why = "index transactions are not contiguous", false);
			break;
		}
		if (!(ok = idx_tx_decode(&tx, expect, v, vl, why)))
			break;
		ok = one_tx(w, &tx, why);
		idx_tx_release(&tx);
		if (++expect % 65536 == 0 && progress)
			progress(pctx, expect - first, end - first);
	}
	if (ok && it && store_iter_error(it))
		ok = (*why = store_iter_error(it), false);
	if (ok && expect != end)
		ok = (*why = "index transactions end before the range", false);
	if (it)
		store_iter_free(it);
	return ok;
}

static json_t *manifest_head(const struct ee_walk *w, enum network net)
{
	const struct edge_export_stats *s = w->stats;
	bool tx = w->opt->level == EDGE_LEVEL_TX;

	return json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:I, s:I, s:I, s:I, s:I, s:s}",
		"format_version", 1, "level", edge_level_name(w->opt->level),
		"network", network_params(net)->name, "from_height", (int)s->from,
		"to_height", (int)s->to, "blocks_per_partition", (int)w->opt->partition,
		"txs", (json_int_t)s->txs, "coinbase_txs", (json_int_t)s->coinbase_txs,
		"inputs", (json_int_t)s->inputs, "outputs", (json_int_t)s->outputs,
		"rows", (json_int_t)s->rows, "rows_rule", tx
			? "inputs + outputs (inputs of non-coinbase txs)"
			: "sum over non-coinbase txs of n_src * n_dst");
}

static void walk_release(struct ee_walk *w)
{
	ee_out_release(&w->out);
	addrname_free(w->names);
	free(w->txids);
	free(w->ins.v);
	free(w->outs.v);
}

bool edge_export(struct store *st, enum network net, const char *dir,
		 const struct edge_export_options *o,
		 struct edge_export_stats *out, edge_progress_fn progress,
		 void *pctx, const char **why)
{
	static _Thread_local char msg[WHY_MAX];
	struct ee_walk *w = calloc(1, sizeof(*w));
	struct addrname_stats ns;
	uint64_t first, end, first_addr;
	bool ok;

	memset(out, 0, sizeof(*out));
	if (!w)
		return (*why = "out of memory"), false;
	assert(o->partition >= 1);
	w->st = st;
	w->opt = o;
	w->stats = out;
	w->txids = calloc(TXID_SLOTS, sizeof(*w->txids));
	ok = w->txids ? range(w, &first, &end, &first_addr, why)
		      : (*why = "out of memory", false);
	ok = ok && addrname_new(&w->names, st, net, first_addr, 0, why) &&
	     ee_out_begin(&w->out, dir, o->level, o->partition, why) &&
	     walk(w, first, end, progress, pctx, why);
	if (ok && progress)
		progress(pctx, end - first, end - first);
	ok = ok && ee_out_finish(&w->out, manifest_head(w, net), why);
	out->partitions = w->out.n_parts;
	out->bytes = w->out.bytes;
	if (w->names) {
		addrname_get_stats(w->names, &ns);
		out->name_sequential = ns.sequential;
		out->name_hits = ns.hits;
		out->name_reads = ns.reads;
	}
	if (!ok)
		*why = why_fmt(msg, sizeof(msg), "%s", *why);
	walk_release(w);
	free(w);
	return ok;
}
