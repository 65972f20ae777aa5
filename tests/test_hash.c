/* SHA-256, SHA-256d, HASH160, tagged hashes and the display form. */
#include "proceeds/hash.h"
#include "proceeds/hex.h"

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static void hex_of(char *out, const uint8_t *p, size_t n)
{
	hex_encode(out, p, n);
}

static void test_sha256(void **state)
{
	uint8_t h[32];
	char hex[65];
	(void)state;
	/* FIPS 180-2 examples. */
	hash_sha256(h, "abc", 3);
	hex_of(hex, h, 32);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	hash_sha256(h, "", 0);
	hex_of(hex, h, 32);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	/* BIP340 tagged hash = SHA256(SHA256(tag) || SHA256(tag) || msg). */
	hash_tagged(h, "BIP0340/challenge", "abc", 3);
	hex_of(hex, h, 32);
	assert_string_equal(hex, "770a5b7e7c304bbcc3ea107343ff951dd404312ef418db0c3b94e2ebfbb50087");
}

static void test_sha256d_and_display(void **state)
{
	struct hash256 h, back;
	char hex[65];
	const char *why = NULL;
	(void)state;
	hash_sha256d(&h, "", 0);
	hash256_to_hex(hex, &h); /* displayed byte-reversed */
	assert_string_equal(hex, "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d");
	assert_true(hash256_from_hex(&back, hex, &why));
	assert_true(hash256_eq(&h, &back));
	assert_false(hash256_from_hex(&back, "56944c5d", &why));
	assert_non_null(why);
	hex[10] = 'g';
	assert_false(hash256_from_hex(&back, hex, &why));
	char longer[70];
	snprintf(longer, sizeof(longer), "%s00", "56944c5d3f98413ef45cf54545538103cc9f298e0575820ad3591376e2e0f65d");
	assert_false(hash256_from_hex(&back, longer, &why));
	memset(&back, 0, sizeof(back));
	assert_true(hash256_is_zero(&back));
	assert_false(hash256_is_zero(&h));
}

/* Incremental hashing equals one-shot at every split point. */
static void test_incremental(void **state)
{
	uint8_t data[300];
	struct hash256 one, inc;
	(void)state;
	for (size_t i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 7 + 3);
	hash_sha256d(&one, data, sizeof(data));
	for (size_t split = 0; split <= sizeof(data); split += 37) {
		struct hash_sha256d_ctx c;
		hash_sha256d_begin(&c);
		hash_sha256d_update(&c, data, split);
		hash_sha256d_update(&c, data + split, sizeof(data) - split);
		hash_sha256d_end(&c, &inc);
		assert_memory_equal(one.b, inc.b, 32);
	}
}

static void test_hash160(void **state)
{
	/* The genesis output's key and its P2PKH hash (address 1A1zP1...). */
	static const char key_hex[] =
		"04678afdb0fe5548271967f1a67130b7105cd6a828e03909a67962e0ea1f61deb6"
		"49f6bc3f4cef38c4f35504e51ec112de5c384df7ba0b8d578a4c702b6bf11d5f";
	uint8_t key[65], h[20];
	char hex[41];
	const char *why = NULL;
	(void)state;
	assert_true(hex_decode(key, key_hex, 130, &why));
	hash_hash160(h, key, 65);
	hex_of(hex, h, 20);
	assert_string_equal(hex, "62e907b15cbf27d5425399ebf6f0fb50ebb88f18");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sha256),
		cmocka_unit_test(test_sha256d_and_display),
		cmocka_unit_test(test_incremental),
		cmocka_unit_test(test_hash160),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
