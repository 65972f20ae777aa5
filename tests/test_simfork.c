/* The simulator's --forks, --xor and --rev, read back with chain/blkdir.c
 * and chain/undo.c (which decode Bitcoin Core's formats):
 *   - the forked, obfuscated chain has stale blocks and its best chain is
 *     the plain run's chain, block for block (the economy is unchanged);
 *   - every block's rev record is found by its checksum (SHA256d of the
 *     parent hash and the undo bytes) and decodes, with Core's amount and
 *     script compression undone, to exactly the coins its inputs spend
 *     (value, script, height, coinbase flag), tracked independently here. */
#include "proceeds/blkdir.h"
#include "proceeds/network.h"
#include "proceeds/sim.h"
#include "proceeds/tx.h"
#include "proceeds/undo.h"
#include "helper.h"
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct coin {
	struct hash256 txid;
	uint32_t vout, height, script_len;
	uint64_t value;
	bool used, coinbase;
	uint8_t script[40];
};

struct coins {
	struct coin *v;
	size_t cap;
};

static struct coin *slot(struct coins *m, const struct hash256 *txid, uint32_t vout)
{
	uint64_t h = vout;
	for (int i = 0; i < 8; i++)
		h = h * 131 + txid->b[i];
	size_t i = (size_t)(h * UINT64_C(0x9e3779b97f4a7c15) >> 17) & (m->cap - 1);
	while (m->v[i].used && !(m->v[i].vout == vout && hash256_eq(&m->v[i].txid, txid)))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static void simulate(const char *dir, bool extras)
{
	struct sim_options o;
	struct sim_summary s;
	const char *why = NULL;
	memset(&o, 0, sizeof(o));
	o.seed = 21, o.net = NETWORK_REGTEST, o.target_txs = 3000;
	o.known_permille = 100, o.file_max = 1u << 18, o.start_time = 1700000000;
	o.scenario[0] = SIM_RANSOMWARE, o.n_scenarios = 1;
	o.coinjoin_permille = 300, o.payjoin_permille = 20, o.fast_sigs = true;
	o.forks = extras ? 6 : 0, o.xor = extras, o.rev = extras;
	if (!sim_run(&s, &o, dir, false, NULL, NULL, &why))
		fail_msg("sim_run: %s", why);
	assert_int_equal(s.stale_blocks > 0, extras);
}

static void add_outputs(struct coins *m, const struct block *b, uint32_t t, uint32_t h);

/* Checks the undo record of block b (at height h) against the coins,
 * adding each transaction's outputs after checking its inputs (a block
 * spends outputs of its own earlier transactions). */
static void check_undo(struct blkdir *d, struct coins *m, const struct block *b,
		       uint32_t h, struct block_undo *u)
{
	const uint8_t *raw;
	size_t len;
	const char *why = NULL;
	assert_true(blkdir_read_undo(d, &raw, &len, h));
	assert_true(block_undo_parse(u, raw, len, &why));
	assert_true(block_undo_check(u, b, &why));
	add_outputs(m, b, 0, h);
	for (uint32_t t = 1; t < b->n_tx; t++) {
		add_outputs(m, b, t, h);
		for (uint32_t k = 0; k < b->txs[t].n_in; k++) {
			const struct tx_in *in = &b->txs[t].in[k];
			struct coin *c = slot(m, &in->prev_txid, in->prev_vout);
			const struct undo_coin *uc = block_undo_coin(u, t, k);
			assert_true(c->used);
			assert_int_equal(uc->value, c->value);
			assert_int_equal(uc->height, c->height);
			assert_int_equal(uc->coinbase, c->coinbase);
			assert_int_equal(uc->script_len, c->script_len);
			assert_memory_equal(uc->script, c->script, c->script_len);
		}
	}
}

static void add_outputs(struct coins *m, const struct block *b, uint32_t t, uint32_t h)
{
	for (uint32_t o = 0; o < b->txs[t].n_out; o++) {
		const struct tx_out *out = &b->txs[t].out[o];
		struct coin *c = slot(m, &b->txs[t].txid, o);
		if (out->script_len > sizeof(c->script))
			continue; /* the witness commitment: never spent */
		c->used = true, c->txid = b->txs[t].txid, c->vout = o;
		c->height = h, c->value = out->value, c->coinbase = t == 0;
		c->script_len = out->script_len;
		memcpy(c->script, out->script, out->script_len);
	}
}

static void test_forks_xor_rev(void **state)
{
	const char *tmp = helper_tmpdir();
	char plain[1024], forked[1024];
	struct blkdir *dp = NULL, *df = NULL;
	enum network np = NETWORK_COUNT, nf = NETWORK_COUNT;
	const char *why = NULL;
	struct blkdir_stats st;
	struct coins m = { calloc(1u << 16, sizeof(struct coin)), 1u << 16 };
	struct block b;
	struct block_undo u;
	(void)state;
	snprintf(plain, sizeof(plain), "%s/plain", tmp);
	snprintf(forked, sizeof(forked), "%s/forked", tmp);
	simulate(plain, false);
	simulate(forked, true);
	strcat(plain, "/blocks"), strcat(forked, "/blocks");
	assert_true(blkdir_open(&dp, plain, &np, &why));
	assert_true(blkdir_open(&df, forked, &nf, &why));
	assert_int_equal(nf, NETWORK_REGTEST);
	blkdir_get_stats(df, &st);
	assert_true(st.xor_used);
	assert_true(st.stale >= 6);
	assert_true(st.files >= 2);
	assert_int_equal(blkdir_count(df), blkdir_count(dp));
	block_init(&b);
	block_undo_init(&u);
	for (uint32_t h = 0; h < blkdir_count(df); h++) {
		struct blkdir_block r;
		assert_true(hash256_eq(blkdir_hash(df, h), blkdir_hash(dp, h)));
		assert_true(blkdir_read(df, &r, h, &why));
		assert_true(block_parse(&b, r.raw, r.len, &why));
		if (h > 0)
			check_undo(df, &m, &b, h, &u);
	}
	block_undo_release(&u);
	block_release(&b);
	blkdir_free(dp);
	blkdir_free(df);
	free(m.v);
	helper_rm_rf(tmp);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_forks_xor_rev),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
