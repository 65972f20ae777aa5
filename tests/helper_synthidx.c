/* Synthetic index records (see helper_synthidx.h). */
#include "helper_synthidx.h"

#include "proceeds/index_rec.h"
#include "proceeds/store.h"

#include <string.h>

void synthidx_init(struct synthidx *g, uint64_t seed)
{
	memset(g, 0, sizeof(*g));
	g->rng = seed ? seed : 0x2545F4914F6CDD1Dull;
}

static uint64_t rnd(struct synthidx *g, uint64_t n)
{
	g->rng ^= g->rng << 13;
	g->rng ^= g->rng >> 7;
	g->rng ^= g->rng << 17;
	return g->rng % n;
}

static uint64_t pick_addr(struct synthidx *g)
{
	uint64_t span = g->max_back && g->next_addr > g->max_back ? g->max_back
								  : g->next_addr;
	return g->next_addr - 1 - rnd(g, span);
}

/* Two outputs: a payment that needs every input (more than the inputs
 * without the smallest, as a wallet's coin selection makes it) and the
 * change; a coinbase pays two random values. */
static void pay_values(struct synthidx *g, uint64_t v[2], const struct idx_tx *tx)
{
	uint64_t sum = 0, min = UINT64_MAX;

	v[0] = 50000 + rnd(g, 500000);
	v[1] = 50000 + rnd(g, 500000);
	if (tx->coinbase || tx->n_in < 2)
		return;
	for (uint32_t i = 0; i < tx->n_in; i++) {
		sum += tx->in[i].value;
		min = tx->in[i].value < min ? tx->in[i].value : min;
	}
	v[0] = sum - min + 1 + v[0] % (min / 2);
	v[1] = sum - v[0] - 1000;
}

static void encode_tx(struct synthidx *g, struct idx_buf *v, uint64_t t)
{
	struct idx_input in[3];
	struct idx_output out[2];
	struct idx_tx tx = { .txnum = t, .height = (uint32_t)(t / 1000), .version = 1 };
	uint64_t value[2];

	tx.coinbase = t % 1000 == 0 || g->next_addr < 16;
	tx.n_in = tx.coinbase ? 1 : 1 + (uint32_t)rnd(g, 3);
	for (uint32_t i = 0; !tx.coinbase && i < tx.n_in; i++)
		in[i] = (struct idx_input){ t - 1 - rnd(g, t < 1000 ? t : 1000), 0,
					    pick_addr(g), 100000 + rnd(g, 1000000) };
	tx.in = tx.coinbase ? NULL : in;
	tx.n_out = 2;
	pay_values(g, value, &tx);
	for (int o = 0; o < 2; o++) {
		uint64_t addr = rnd(g, 4) || g->next_addr == 0 ? g->next_addr++ : pick_addr(g);
		out[o] = (struct idx_output){ value[o], addr, 2 };
	}
	tx.out = out;
	memset(tx.txid.b, 0, 32);
	memcpy(tx.txid.b, &t, 8);
	v->len = 0;
	idx_tx_encode(v, &tx);
}

static void put_tip(struct synthidx *g, struct store_batch *b, struct idx_buf *v)
{
	struct idx_tip tip = { (uint32_t)((g->next_tx - 1) / 1000), { { 0 } },
			       g->next_tx, g->next_addr };
	struct idx_block blk = { .height = tip.height,
				 .first_txnum = tip.height * 1000ull, .n_tx = 1000 };
	uint8_t k[IDX_KEY_MAX], tv[IDX_TIP_LEN];

	v->len = 0;
	idx_block_encode(v, &blk);
	store_batch_put(b, k, idx_key_height(k, tip.height), v->p, v->len);
	idx_tip_encode(tv, &tip);
	store_batch_put(b, IDX_KEY_TIP, strlen(IDX_KEY_TIP), tv, sizeof(tv));
}

bool synthidx_append(struct synthidx *g, struct store *st, uint64_t to,
		     const char **why)
{
	struct store_batch *b = store_batch_new();
	struct idx_buf v;
	uint8_t k[IDX_KEY_MAX];
	bool ok = true;

	idx_buf_init(&v);
	for (; ok && g->next_tx < to; g->next_tx++) {
		encode_tx(g, &v, g->next_tx);
		store_batch_put(b, k, idx_key_tx(k, g->next_tx), v.p, v.len);
		if ((g->next_tx + 1) % 100000 == 0) {
			ok = store_write(st, b, false, why);
			store_batch_clear(b);
		}
	}
	if (ok && g->next_tx > 0)
		put_tip(g, b, &v);
	ok = ok && store_write(st, b, true, why);
	store_batch_free(b);
	idx_buf_release(&v);
	return ok;
}

bool synthidx_append_tx(struct synthidx *g, struct store *st,
			const uint64_t *in_addr, size_t n_in, const char **why)
{
	struct idx_input in[16];
	for (size_t i = 0; i < n_in && i < 16; i++)
		in[i] = (struct idx_input){ g->next_tx - 1, (uint32_t)i, in_addr[i], 100000 };
	struct idx_output out = { 100000 * n_in, g->next_addr++, 2 };
	struct idx_tx tx = { .txnum = g->next_tx, .height = (uint32_t)(g->next_tx / 1000),
			     .version = 1, .n_in = (uint32_t)n_in, .in = in, .n_out = 1,
			     .out = &out };
	struct store_batch *b = store_batch_new();
	struct idx_buf v;
	uint8_t k[IDX_KEY_MAX];

	memset(tx.txid.b, 0xee, 32);
	memcpy(tx.txid.b, &g->next_tx, 8);
	idx_buf_init(&v);
	idx_tx_encode(&v, &tx);
	store_batch_put(b, k, idx_key_tx(k, g->next_tx), v.p, v.len);
	g->next_tx++;
	put_tip(g, b, &v);
	bool ok = store_write(st, b, true, why);
	store_batch_free(b);
	idx_buf_release(&v);
	return ok;
}
