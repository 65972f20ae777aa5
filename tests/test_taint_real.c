/* The taint models on real history: the block 9 coinbase of mainnet
 * followed forward through ../shared/real/chains/mainnet-0-4521 with a
 * simple in-test UTXO list (no index), checking the haircut share that
 * issue 9 quotes (a3b0e9e7...:0 receives 11/61 of its value) and exact
 * conservation of every model on every real transaction on the way. */
#include "proceeds/taint.h"
#include "proceeds/tx.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#define SEED_TXID "0437cd7f8525ceed2324359c2d0ba26006d92d856a9c20fa0241106ee5a597c9"
#define TARGET_PREFIX "a3b0e9e7"  /* block 496, as issue 9 quotes it */

struct coin {
	struct hash256 txid;
	uint32_t vout;
	uint64_t value;
	struct taint_state *st;   /* NULL: clean */
};

struct utxo {
	struct coin *c;
	size_t n, cap;
};

static struct coin *utxo_find(struct utxo *u, const struct hash256 *txid, uint32_t vout)
{
	for (size_t i = u->n; i-- > 0;)
		if (u->c[i].vout == vout && memcmp(&u->c[i].txid, txid, sizeof(*txid)) == 0)
			return &u->c[i];
	return NULL;
}

static void utxo_add(struct utxo *u, const struct hash256 *txid, uint32_t vout,
		     uint64_t value, struct taint_state *st)
{
	if (u->n == u->cap) {
		u->cap = u->cap ? 2 * u->cap : 1024;
		u->c = realloc(u->c, u->cap * sizeof(*u->c));
		assert_non_null(u->c);
	}
	u->c[u->n++] = (struct coin){ *txid, vout, value, st };
}

/* Σ in = Σ out + fee + dust for every model but poison, any source. */
static void check_conserved(const struct taint_input *in, size_t n_in,
			    const struct taint_tx_result *r)
{
	for (unsigned m = TAINT_HAIRCUT; m <= TAINT_TIHO; m++) {
		uint64_t a = 0, b = taint_state_amount(&r->fee, m, TAINT_SOURCE_ANY);
		for (size_t i = 0; i < n_in; i++)
			if (in[i].state)
				a += taint_state_amount(in[i].state, m, TAINT_SOURCE_ANY);
		for (uint32_t o = 0; o < r->n_out; o++)
			b += taint_state_amount(&r->out[o], m, TAINT_SOURCE_ANY);
		for (uint32_t j = 0; j < r->n_dust[m]; j++)
			b += r->dust[m][j].sat;
		assert_true(a == b);
	}
}

/* Spends the inputs of tx from u; records its outputs with their taint. */
static void apply_tx(struct taint_ctx *ctx, struct utxo *u, const struct tx *tx,
		     const struct hash256 *seed, unsigned *traced)
{
	struct taint_input *in = calloc(tx->n_in + 1, sizeof(*in));
	uint64_t *outv = calloc(tx->n_out + 1, sizeof(*outv));
	const struct taint_tx_result *r = NULL;
	const char *why = NULL;
	bool tainted = false;

	assert_non_null(in);
	assert_non_null(outv);
	for (uint32_t i = 0; !tx_is_coinbase(tx) && i < tx->n_in; i++) {
		struct coin *c = utxo_find(u, &tx->in[i].prev_txid, tx->in[i].prev_vout);
		assert_non_null(c);
		in[i] = (struct taint_input){ c->value, c->st };
		tainted |= c->st != NULL;
	}
	for (uint32_t o = 0; o < tx->n_out; o++)
		outv[o] = tx->out[o].value;
	if (tainted) {
		assert_true(taint_tx(ctx, &r, TAINT_MODELS_ALL, 0, in, tx->n_in, outv,
				     tx->n_out, &why));
		check_conserved(in, tx->n_in, r);
		(*traced)++;
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		struct taint_state *st = NULL;
		if (memcmp(&tx->txid, seed, sizeof(*seed)) == 0 && o == 0)
			assert_true(taint_state_seed(&st, outv[o], outv[o], 9, &why));
		else if (r && !taint_state_is_clean(&r->out[o]))
			assert_non_null(st = taint_state_dup(&r->out[o]));
		utxo_add(u, &tx->txid, o, outv[o], st);
	}
	free(in);
	free(outv);
}

static void walk_chain(struct utxo *u, const uint8_t *raw, size_t len,
		       const struct hash256 *seed, unsigned *traced)
{
	static const uint8_t magic[4] = { 0xf9, 0xbe, 0xb4, 0xd9 };
	struct taint_ctx ctx;
	struct block b;
	const char *why = NULL;
	size_t off = 0;

	taint_ctx_init(&ctx);
	block_init(&b);
	while (off + 8 <= len && memcmp(raw + off, magic, 4) == 0) {
		uint32_t size = raw[off + 4] | raw[off + 5] << 8 | raw[off + 6] << 16 |
				(uint32_t)raw[off + 7] << 24;
		assert_true(size <= len - off - 8);
		assert_true(block_parse(&b, raw + off + 8, size, &why));
		for (uint32_t t = 0; t < b.n_tx; t++)
			apply_tx(&ctx, u, &b.txs[t], seed, traced);
		off += 8 + (size_t)size;
	}
	block_release(&b);
	taint_ctx_release(&ctx);
}

/* The one output 0 whose txid (display hex) starts with prefix. */
static struct coin *find_prefix(struct utxo *u, const char *prefix)
{
	struct coin *found = NULL;
	char hex[65];

	for (size_t i = 0; i < u->n; i++) {
		hash256_to_hex(hex, &u->c[i].txid);
		if (u->c[i].vout == 0 && strncmp(hex, prefix, strlen(prefix)) == 0) {
			assert_null(found);
			found = &u->c[i];
		}
	}
	assert_non_null(found);
	return found;
}

static void test_block9_coinbase(void **state)
{
	char path[4096];
	struct utxo u = { NULL, 0, 0 };
	struct hash256 seed;
	struct coin *c;
	size_t len;
	uint8_t *raw;
	unsigned traced = 0;
	const char *why = NULL;

	(void)state;
	if (!helper_shared_path(path, sizeof(path), "real/chains/mainnet-0-4521/blk00000.dat"))
		return;
	raw = helper_read_file(path, &len);
	assert_non_null(raw);
	assert_true(hash256_from_hex(&seed, SEED_TXID, &why));
	walk_chain(&u, raw, len, &seed, &traced);
	assert_true(traced > 0);
	c = find_prefix(&u, TARGET_PREFIX);
	assert_non_null(c->st);
	printf("traced %u txs; %s:0 value %llu haircut %llu fifo %llu lifo %llu tiho %llu\n", traced, TARGET_PREFIX, (unsigned long long)c->value, (unsigned long long)taint_state_amount(c->st, TAINT_HAIRCUT, 9), (unsigned long long)taint_state_amount(c->st, TAINT_FIFO, 9), (unsigned long long)taint_state_amount(c->st, TAINT_LIFO, 9), (unsigned long long)taint_state_amount(c->st, TAINT_TIHO, 9));
	/* Haircut: exactly 11/61 of the value, which divides. */
	assert_int_equal(c->value % 61, 0);
	assert_int_equal(taint_state_amount(c->st, TAINT_HAIRCUT, 9), c->value / 61 * 11);
	for (size_t i = 0; i < u.n; i++)
		taint_state_free(u.c[i].st);
	free(u.c);
	free(raw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_block9_coinbase),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
