/* BIP340 keys: the BIP's own test vectors, and the key file's rules. */
#include "proceeds/evkey.h"
#include "proceeds/hex.h"
#include "helper.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

/* bitcoin/bips, bip-0340/test-vectors.csv (indexes 0-14, the final
 * even-y version), transcribed:
 * index, secret key, public key, aux_rand, message, signature, result. */
struct bip340_vector {
	int index;
	const char *sec, *pub, *aux, *msg, *sig;
	bool ok;
};

static const struct bip340_vector vectors[] = {
	/* 0 */
	{ 0, "0000000000000000000000000000000000000000000000000000000000000003",
	  "F9308A019258C31049344F85F89D5229B531C845836F99B08601F113BCE036F9",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "0000000000000000000000000000000000000000000000000000000000000000",
	  "E907831F80848D1069A5371B402410364BDF1C5F8307B0084C55F1CE2DCA8215"
	  "25F66A4A85EA8B71E482A74F382D2CE5EBEEE8FDB2172F477DF4900D310536C0", true },
	/* 1 */
	{ 1, "B7E151628AED2A6ABF7158809CF4F3C762E7160F38B4DA56A784D9045190CFEF",
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  "0000000000000000000000000000000000000000000000000000000000000001",
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "6896BD60EEAE296DB48A229FF71DFE071BDE413E6D43F917DC8DCF8C78DE3341"
	  "8906D11AC976ABCCB20B091292BFF4EA897EFCB639EA871CFA95F6DE339E4B0A", true },
	/* 2 */
	{ 2, "C90FDAA22168C234C4C6628B80DC1CD129024E088A67CC74020BBEA63B14E5C9",
	  "DD308AFEC5777E13121FA72B9CC1B7CC0139715309B086C960E18FD969774EB8",
	  "C87AA53824B4D7AE2EB035A2B5BBBCCC080E76CDC6D1692C4B0B62D798E6D906",
	  "7E2D58D8B3BCDF1ABADEC7829054F90DDA9805AAB56C77333024B9D0A508B75C",
	  "5831AAEED7B44BB74E5EAB94BA9D4294C49BCF2A60728D8B4C200F50DD313C1B"
	  "AB745879A5AD954A72C45A91C3A51D3C7ADEA98D82F8481E0E1E03674A6F3FB7", true },
	/* 3 */
	{ 3, "0B432B2677937381AEF05BB02A66ECD012773062CF3FA2549E44F58ED2401710",
	  "25D1DFF95105F5253C4022F628A996AD3A0D95FBF21D468A1B33F8C160D8F517",
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFF",
	  "7EB0509757E246F19449885651611CB965ECC1A187DD51B64FDA1EDC9637D5EC"
	  "97582B9CB13DB3933705B32BA982AF5AF25FD78881EBB32771FC5922EFC66EA3", true },
	/* 4 */
	{ 4, NULL,
	  "D69C3509BB99E412E68B0FE8544E72837DFA30746D8BE2AA65975F29D22DC7B9",
	  NULL,
	  "4DF3C3F68FCC83B27E9D42C90431A72499F17875C81A599B566C9889B9696703",
	  "00000000000000000000003B78CE563F89A0ED9414F5AA28AD0D96D6795F9C63"
	  "76AFB1548AF603B3EB45C9F8207DEE1060CB71C04E80F593060B07D28308D7F4", true },
	/* 5: public key not on the curve */
	{ 5, NULL,
	  "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769"
	  "69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B", false },
	/* 6: has_even_y(R) is false */
	{ 6, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "FFF97BD5755EEEA420453A14355235D382F6472F8568A18B2F057A1460297556"
	  "3CC27944640AC607CD107AE10923D9EF7A73C643E166BE5EBEAFA34B1AC553E2", false },
	/* 7: negated message */
	{ 7, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "1FA62E331EDBC21C394792D2AB1100A7B432B013DF3F6FF4F99FCB33E0E1515F"
	  "28890B3EDB6E7189B630448B515CE4F8622A954CFE545735AAEA5134FCCDB2BD", false },
	/* 8: negated s value */
	{ 8, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769"
	  "961764B3AA9B2FFCB6EF947B6887A226E8D7C93E00C5ED0C1834FF0D0C2E6DA6", false },
	/* 9: sG - eP is infinite (x(inf) as 0) */
	{ 9, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "0000000000000000000000000000000000000000000000000000000000000000"
	  "123DDA8328AF9C23A94C1FEECFD123BA4FB73476F0D594DCB65C6425BD186051", false },
	/* 10: sG - eP is infinite (x(inf) as 1) */
	{ 10, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "0000000000000000000000000000000000000000000000000000000000000001"
	  "7615FBAF5AE28864013C099742DEADB4DBA87F11AC6754F93780D5A1837CF197", false },
	/* 11: sig[0:32] is not an X coordinate on the curve */
	{ 11, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "4A298DACAE57395A15D0795DDBFD1DCB564DA82B0F269BC70A74F8220429BA1D"
	  "69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B", false },
	/* 12: sig[0:32] is equal to field size */
	{ 12, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC2F"
	  "69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B", false },
	/* 13: sig[32:64] is equal to curve order */
	{ 13, NULL,
	  "DFF1D77F2A671C5F36183726DB2341BE58FEAE1DA2DECED843240F7B502BA659",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769"
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", false },
	/* 14: public key exceeds the field size */
	{ 14, NULL,
	  "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30",
	  NULL,
	  "243F6A8885A308D313198A2E03707344A4093822299F31D0082EFA98EC4E6C89",
	  "6CFF5C3BA86C69EA4B7376F31A9BCB4F74C1976089B2D9963DA2E5543E177769"
	  "69E89B4C5564D00349106B8497785DD7D1D713A8AE82B32FA79D5F7FC407D39B", false },
};

static void unhex(uint8_t *out, const char *hex, size_t n)
{
	const char *why;
	assert_int_equal(strlen(hex), 2 * n);
	assert_true(hex_decode(out, hex, 2 * n, &why));
}

static void test_bip340_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(vectors) / sizeof(vectors[0]); i++) {
		const struct bip340_vector *v = &vectors[i];
		uint8_t pub[32], msg[32], sig[64], sec[32], aux[32], mine[64];
		const char *why;
		struct evkey k;

		unhex(pub, v->pub, 32);
		unhex(msg, v->msg, 32);
		unhex(sig, v->sig, 64);
		if (evkey_verify(sig, msg, pub) != v->ok)
			fail_msg("BIP340 vector %d: verify gave %d", v->index, !v->ok);
		if (!v->sec)
			continue;
		unhex(sec, v->sec, 32);
		unhex(aux, v->aux, 32);
		assert_true(evkey_from_secret(&k, sec, &why));
		assert_memory_equal(k.xonly, pub, 32);
		assert_true(evkey_sign_aux(mine, &k, msg, aux, &why));
		assert_memory_equal(mine, sig, 64);
		/* One flipped bit anywhere breaks it. */
		for (size_t bit = 0; bit < 512; bit += 37) {
			mine[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_false(evkey_verify(mine, msg, pub));
			mine[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
		evkey_wipe(&k);
	}
}

static void test_invalid_secrets(void **state)
{
	uint8_t sec[32] = { 0 };
	struct evkey k;
	const char *why;
	(void)state;
	assert_false(evkey_from_secret(&k, sec, &why));
	/* The curve order n itself. */
	unhex(sec, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141", 32);
	assert_false(evkey_from_secret(&k, sec, &why));
	assert_non_null(strstr(why, "invalid secret"));
}

static void test_generate_sign(void **state)
{
	struct evkey a, b;
	uint8_t msg[32] = { 1, 2, 3 }, sig1[64], sig2[64];
	const char *why;
	(void)state;
	assert_true(evkey_generate(&a, &why));
	assert_true(evkey_generate(&b, &why));
	assert_memory_not_equal(a.secret, b.secret, 32);
	assert_true(evkey_sign(sig1, &a, msg, &why));
	assert_true(evkey_sign(sig2, &a, msg, &why));
	/* Fresh aux randomness: two valid, different signatures. */
	assert_memory_not_equal(sig1, sig2, 64);
	assert_true(evkey_verify(sig1, msg, a.xonly));
	assert_true(evkey_verify(sig2, msg, a.xonly));
	assert_false(evkey_verify(sig1, msg, b.xonly));
	msg[31] ^= 1;
	assert_false(evkey_verify(sig1, msg, a.xonly));
	evkey_wipe(&a);
	evkey_wipe(&b);
}

static void write_text(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
	assert_int_equal(chmod(path, mode), 0);
}

static void test_key_file(void **state)
{
	char dir[4096], path[4200], hex[65];
	struct evkey k, r;
	struct stat st;
	const char *why;
	size_t n;
	(void)state;

	snprintf(dir, sizeof(dir), "%s", helper_tmpdir());
	snprintf(path, sizeof(path), "%s/evidence.key", dir);
	assert_true(evkey_generate(&k, &why));
	assert_true(evkey_write_file(&k, path, &why));
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	/* Never overwritten. */
	assert_false(evkey_write_file(&k, path, &why));
	assert_non_null(strstr(why, "refusing to overwrite"));
	/* The documented format, exactly. */
	uint8_t *text = helper_read_file(path, &n);
	hex_encode(hex, k.secret, 32);
	char want[128];
	snprintf(want, sizeof(want), "proceeds-bip340-secret-key-v1 %s\n", hex);
	assert_int_equal(n, strlen(want));
	assert_memory_equal(text, want, n);
	free(text);
	assert_true(evkey_read_file(&r, path, &why));
	assert_memory_equal(r.secret, k.secret, 32);
	assert_memory_equal(r.xonly, k.xonly, 32);

	/* Readable by group or others: refused, with the mode in the message. */
	static const mode_t loose[] = { 0644, 0640, 0604, 0620, 0602, 0660 };
	for (size_t i = 0; i < sizeof(loose) / sizeof(loose[0]); i++) {
		assert_int_equal(chmod(path, loose[i]), 0);
		assert_false(evkey_read_file(&r, path, &why));
		assert_non_null(strstr(why, "accessible by group or others"));
	}
	assert_int_equal(chmod(path, 0400), 0);
	assert_true(evkey_read_file(&r, path, &why));

	snprintf(path, sizeof(path), "%s/bad.key", dir);
	write_text(path, "proceeds-bip340-secret-key-v2 00\n", 0600);
	assert_false(evkey_read_file(&r, path, &why));
	assert_non_null(strstr(why, "not a proceeds key file"));
	unlink(path);
	write_text(path, "proceeds-bip340-secret-key-v1 zz\n", 0600);
	assert_false(evkey_read_file(&r, path, &why));
	assert_non_null(strstr(why, "64 hex digits"));
	unlink(path);
	write_text(path, "proceeds-bip340-secret-key-v1 "
		   "0000000000000000000000000000000000000000000000000000000000000000\n", 0600);
	assert_false(evkey_read_file(&r, path, &why));
	assert_false(evkey_read_file(&r, dir, &why));
	assert_false(evkey_read_file(&r, "/nonexistent/key", &why));
	evkey_wipe(&k);
	helper_rm_rf(dir);
}

static void test_pubkey_parse(void **state)
{
	uint8_t pk[32];
	const char *why;
	(void)state;
	assert_true(evkey_pubkey_parse(pk, "dff1d77f2a671c5f36183726db2341be58feae1da2deced843240f7b502ba659", &why));
	assert_false(evkey_pubkey_parse(pk, "dff1d77f", &why));
	assert_non_null(strstr(why, "64 hex"));
	/* BIP340 vector 5's key is not on the curve; vector 14's exceeds p. */
	assert_false(evkey_pubkey_parse(pk, "EEFDEA4CDB677750A420FEE807EACF21EB9898AE79B9768766E4FAA04A2D4A34", &why));
	assert_non_null(strstr(why, "not a point"));
	assert_false(evkey_pubkey_parse(pk, "FFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEFFFFFC30", &why));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bip340_vectors),
		cmocka_unit_test(test_invalid_secrets),
		cmocka_unit_test(test_generate_sign),
		cmocka_unit_test(test_key_file),
		cmocka_unit_test(test_pubkey_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
