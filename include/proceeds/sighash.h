/* Signature hashes of Bitcoin transactions, computed from a decoded
 * transaction (tx.h) and the outputs its inputs spend:
 *   - legacy (pre-segwit) SignatureHash, for P2PKH, P2PK and bare or P2SH
 *     scripts: the modified transaction serialized and SHA256d'ed, with
 *     ALL, NONE, SINGLE (and its out-of-range "one" hash) and ANYONECANPAY;
 *   - BIP143 for segwit version 0 (P2WPKH, P2SH-P2WPKH, P2WSH);
 *   - BIP341 for taproot key-path spends (SIGHASH_DEFAULT and the others,
 *     with an optional annex; ext_flag 0).
 * The scriptCode is taken as given: OP_CODESEPARATOR and FindAndDelete are
 * the script interpreter's business, not this module's.
 *
 * Used by the simulator to sign and by tests to re-derive every sighash of
 * a chain; verification of the signatures themselves is libsecp256k1's. */
#ifndef PROCEEDS_SIGHASH_H
#define PROCEEDS_SIGHASH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/tx.h"

#define SIGHASH_DEFAULT 0x00u      /* taproot only: as ALL, no type byte */
#define SIGHASH_ALL 0x01u
#define SIGHASH_NONE 0x02u
#define SIGHASH_SINGLE 0x03u
#define SIGHASH_ANYONECANPAY 0x80u

/* An output an input spends (borrowed). */
struct sighash_spent {
	uint64_t value;
	const uint8_t *script;
	size_t script_len;
};

/* Per-transaction midstates, shared by all its inputs. Embedded, no heap.
 * The single SHA-256 forms are BIP341's; BIP143 uses their SHA-256 again. */
struct sighash_cache {
	uint8_t prevouts[32], sequences[32], outputs[32];
	uint8_t prevouts_d[32], sequences_d[32], outputs_d[32];
	uint8_t amounts[32], scripts[32]; /* only when spent was given */
	bool have_spent;
};

/* Fills c for tx. spent (tx->n_in entries, or NULL when only legacy and
 * BIP143 hashes are wanted) gives the outputs spent. False with *why when
 * memory runs out. */
bool sighash_cache_init(struct sighash_cache *c, const struct tx *tx,
			const struct sighash_spent *spent, const char **why)
	__attribute__((warn_unused_result));

/* Legacy SignatureHash of input in with script_code (the spent script, or
 * the P2SH redeem script) and the 32-bit hashtype. SIGHASH_SINGLE with no
 * matching output gives Core's 0x01 00..00 "hash". False with *why when
 * in is out of range or memory runs out. */
bool sighash_legacy(uint8_t out[32], const struct tx *tx, uint32_t in,
		    const uint8_t *script_code, size_t code_len, uint32_t hashtype,
		    const char **why) __attribute__((warn_unused_result));

/* BIP143 digest of input in spending amount with script_code (for P2WPKH
 * the P2PKH script of the key hash: sighash_p2wpkh_code). False with *why
 * when in is out of range or memory runs out. */
bool sighash_segwit_v0(uint8_t out[32], const struct sighash_cache *c,
		       const struct tx *tx, uint32_t in, const uint8_t *script_code,
		       size_t code_len, uint64_t amount, uint32_t hashtype,
		       const char **why) __attribute__((warn_unused_result));

/* The scriptCode BIP143 uses for a P2WPKH key hash (25 bytes). */
void sighash_p2wpkh_code(uint8_t out[25], const uint8_t h160[20]);

/* Longest BIP341 key-path SigMsg we make: the spent script of a key
 * path is at most 100 bytes here (a P2TR output is 34). */
#define SIGHASH_TAPROOT_MSG_MAX 400

/* 0x00 (the epoch) || BIP341 SigMsg(hash_type, 0) for key-path input in (annex borrowed, with
 * its 0x50 prefix, or NULL); returns its length, 0 when the hash type is
 * invalid or SIGHASH_SINGLE has no matching output (*why set). c must
 * have been filled with spent outputs. */
size_t sighash_taproot_msg(uint8_t out[SIGHASH_TAPROOT_MSG_MAX],
			   const struct sighash_cache *c, const struct tx *tx,
			   uint32_t in, const struct sighash_spent *spent,
			   uint8_t hashtype, const uint8_t *annex, size_t annex_len,
			   const char **why);

/* hash_TapSighash(0x00 || SigMsg): the message a BIP340 key-path
 * signature signs. False with *why as sighash_taproot_msg. */
bool sighash_taproot(uint8_t out[32], const struct sighash_cache *c,
		     const struct tx *tx, uint32_t in,
		     const struct sighash_spent *spent, uint8_t hashtype,
		     const uint8_t *annex, size_t annex_len, const char **why)
	__attribute__((warn_unused_result));

#endif
