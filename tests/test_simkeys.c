/* The simulator's building blocks: real keys, placeholder signatures made
 * with them, exact transaction weights, and the PRNG's ranges. */
#include "proceeds/simkeys.h"
#include "proceeds/simrng.h"
#include "proceeds/simtx.h"
#include "proceeds/tx.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

static void test_keys_are_real(void **state)
{
	struct simkeys *k = simkeys_new(99);
	struct simkeychain kc;
	uint8_t pub[33], sec[32], again[33], pub0[33], msg[32];
	uint32_t index;
	const char *why = NULL;
	(void)state;
	assert_non_null(k);
	assert_true(simkeys_chain_init(k, &kc, 3, &why));
	for (uint32_t i = 0; i < 40; i++) {
		assert_true(simkeys_next(k, &kc, pub, &index, &why));
		assert_int_equal(index, i);
		if (i == 0)
			memcpy(pub0, pub, 33);
		/* The private key of key i gives back its public key. */
		assert_true(simkeys_seckey(k, &kc, index, sec));
		assert_true(simkeys_pubkey(k, again, sec));
		assert_memory_equal(pub, again, 33);
	}
	simkeys_placeholder_msg(msg);
	assert_true(kc.ecdsa_len >= 8 && kc.ecdsa_len <= 72);
	assert_true(simkeys_check_ecdsa(k, kc.ecdsa_der, kc.ecdsa_len, pub0, msg));
	msg[0] ^= 1;
	assert_false(simkeys_check_ecdsa(k, kc.ecdsa_der, kc.ecdsa_len, pub0, msg));
	msg[0] ^= 1;
	struct simkeychain tr;
	assert_true(simkeys_chain_init(k, &tr, 4, &why));
	assert_true(simkeys_next(k, &tr, pub, &index, &why));
	assert_true(simkeys_check_schnorr(k, tr.schnorr, pub, msg));
	assert_false(simkeys_check_schnorr(k, tr.schnorr, pub0, msg));
	/* Another entity, another key. */
	assert_memory_not_equal(kc.k0, tr.k0, 32);
	simkeys_free(k);
}

/* Entities made in order (point additions) get the same keys as made out
 * of order (full multiplications), and each key 0 matches its secret. */
static void test_entity_keys_in_order(void **state)
{
	struct simkeys *a = simkeys_new(7), *b = simkeys_new(7);
	struct simkeychain ka, kb;
	uint8_t pa[33], pb[33], sec[32], again[33];
	uint32_t ia, ib;
	const char *why = NULL;
	(void)state;
	for (uint32_t n = 0; n < 6; n++) {
		assert_true(simkeys_chain_init(a, &ka, n, &why));
		assert_true(simkeys_chain_init(b, &kb, 5 - n, &why));
		assert_true(simkeys_chain_init(b, &kb, n, &why));
		assert_memory_equal(ka.k0, kb.k0, 32);
		assert_true(simkeys_next(a, &ka, pa, &ia, &why));
		assert_true(simkeys_next(b, &kb, pb, &ib, &why));
		assert_memory_equal(pa, pb, 33);
		assert_true(simkeys_seckey(a, &ka, 0, sec));
		assert_true(simkeys_pubkey(a, again, sec));
		assert_memory_equal(pa, again, 33);
	}
	simkeys_free(a);
	simkeys_free(b);
}

/* Every wallet's two placeholders verify (libsecp256k1 also rejects a
 * high S) by its key 0 over the placeholder message, for keys of either
 * Y parity, and differ between wallets; made without placeholders, a
 * chain has none. */
static void test_placeholders_verify(void **state)
{
	struct simkeys *k = simkeys_new(5);
	struct simkeychain kc, prev;
	uint8_t pub[33], msg[32];
	uint32_t index;
	unsigned odd = 0;
	const char *why = NULL;
	(void)state;
	assert_non_null(k);
	simkeys_placeholder_msg(msg);
	memset(&prev, 0, sizeof(prev));
	for (uint32_t n = 0; n < 64; n++) {
		assert_true(simkeys_chain_init(k, &kc, n, &why));
		assert_true(simkeys_next(k, &kc, pub, &index, &why));
		odd += pub[0] == 0x03;
		assert_true(simkeys_check_ecdsa(k, kc.ecdsa_der, kc.ecdsa_len, pub, msg));
		assert_true(simkeys_check_schnorr(k, kc.schnorr, pub, msg));
		assert_memory_not_equal(kc.schnorr + 32, prev.schnorr + 32, 32);
		assert_false(kc.ecdsa_len == prev.ecdsa_len &&
			     memcmp(kc.ecdsa_der, prev.ecdsa_der, kc.ecdsa_len) == 0);
		prev = kc;
	}
	assert_true(odd > 8 && odd < 56);
	simkeys_placeholders(k, false);
	assert_true(simkeys_chain_init(k, &kc, 64, &why));
	assert_int_equal(kc.ecdsa_len, 0);
	simkeys_free(k);
}

/* simtx_weight must equal what block_parse_tx measures of the bytes. */
static void test_weight_is_exact(void **state)
{
	static const uint8_t types[] = { SCRIPT_P2PKH, SCRIPT_P2SH, SCRIPT_P2WPKH, SCRIPT_P2TR };
	static struct simtx tx;
	uint8_t sig[72];
	struct simbuf buf;
	struct block b;
	struct hash256 txid, wtxid;
	const char *why = NULL;
	(void)state;
	memset(sig, 0x30, sizeof(sig));
	block_init(&b);
	for (unsigned mask = 1; mask < 16; mask++) {
		memset(&tx, 0, sizeof(tx));
		for (unsigned t = 0; t < 4; t++) {
			if (!(mask & (1u << t)))
				continue;
			struct simtx_in *in = &tx.in[tx.n_in++];
			in->key.type = types[t];
			memset(in->key.pub, 2 + t, 33);
			simkey_finish(&in->key);
			in->sig = sig;
			in->sig_len = types[t] == SCRIPT_P2TR ? 64 : (uint8_t)(70 + t % 3);
			tx.out[tx.n_out].value = 1000 * (t + 1);
			tx.out[tx.n_out].script_len =
				(uint8_t)simkey_script(tx.out[tx.n_out].script, &in->key);
			tx.n_out++;
		}
		simbuf_init(&buf);
		assert_true(simtx_serialize(&buf, &txid, &wtxid, &tx));
		assert_true(block_parse_tx(&b, buf.p, buf.len, &why));
		uint64_t weight = (uint64_t)b.txs[0].base_len * 3 + b.txs[0].raw_len;
		assert_int_equal(simtx_weight(&tx), weight);
		assert_true(hash256_eq(&b.txs[0].txid, &txid));
		assert_int_equal(b.txs[0].segwit, mask != 1);
		simbuf_release(&buf);
	}
	block_release(&b);
}

static void test_rng(void **state)
{
	struct simrng a, b;
	(void)state;
	simrng_init(&a, 5, 1);
	simrng_init(&b, 5, 1);
	for (int i = 0; i < 1000; i++)
		assert_true(simrng_next(&a) == simrng_next(&b));
	simrng_init(&b, 5, 2);
	assert_false(simrng_next(&a) == simrng_next(&b));
	unsigned hits = 0;
	for (int i = 0; i < 20000; i++) {
		uint64_t v = simrng_range(&a, 10, 20);
		assert_true(v >= 10 && v <= 20);
		uint64_t s = simrng_skewed(&a, 5000, 100, 90000);
		assert_true(s >= 100 && s <= 90000);
		hits += simrng_permille(&a, 250);
	}
	assert_true(hits > 4500 && hits < 5500);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keys_are_real),
		cmocka_unit_test(test_entity_keys_in_order),
		cmocka_unit_test(test_placeholders_verify),
		cmocka_unit_test(test_weight_is_exact),
		cmocka_unit_test(test_rng),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
