/* Building and serializing the simulator's transactions: the spend of
 * P2PKH, P2SH-P2WPKH, P2WPKH and P2TR (key path) outputs with their
 * scriptSig and witness, in BIP144 form when any input is segwit, plus the
 * exact weight so fees can be set before the change amount is known. */
#ifndef PROCEEDS_SIMTX_H
#define PROCEEDS_SIMTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/script.h"

/* A growable byte buffer. Embedded; simbuf_init/simbuf_release. */
struct simbuf {
	uint8_t *p;
	size_t len, cap;
};
void simbuf_init(struct simbuf *b);
void simbuf_release(struct simbuf *b);
/* Appends n bytes; false when memory runs out (buffer unchanged). */
bool simbuf_put(struct simbuf *b, const void *data, size_t n)
	__attribute__((warn_unused_result));

/* A key the simulator controls: its script type and public key. Only
 * SCRIPT_P2PKH, SCRIPT_P2SH (meaning P2SH-P2WPKH), SCRIPT_P2WPKH and
 * SCRIPT_P2TR (x-only key = pub[1..33), spent by key path) are used. */
struct simkey {
	uint8_t type;           /* enum script_type */
	uint8_t pub[33];        /* compressed public key */
	uint8_t h160[20];       /* HASH160(pub), unused for P2TR */
};

/* Fills k->h160 from k->pub. */
void simkey_finish(struct simkey *k);

/* The scriptPubKey paying to k; returns its length (<= 34). */
size_t simkey_script(uint8_t out[34], const struct simkey *k);

/* An input: the outpoint it spends, the key of that output, and the
 * signature bytes to place (borrowed: DER for ECDSA without sighash byte,
 * 64 bytes for BIP340). */
struct simtx_in {
	struct hash256 txid;
	uint32_t vout;
	struct simkey key;
	const uint8_t *sig;
	uint8_t sig_len;
};

struct simtx_out {
	uint64_t value;
	uint8_t script[34];
	uint8_t script_len;
};

#define SIMTX_MAX_IN 512
#define SIMTX_MAX_OUT 512

/* A transaction under construction (embedded; arrays bounded above). */
struct simtx {
	uint32_t n_in, n_out;
	uint32_t locktime;
	uint32_t sequence;      /* of every input */
	struct simtx_in in[SIMTX_MAX_IN];
	struct simtx_out out[SIMTX_MAX_OUT];
};

/* Weight units (BIP141) and virtual size, exactly as serialized. */
uint64_t simtx_weight(const struct simtx *tx);
uint64_t simtx_vsize(const struct simtx *tx);

/* Appends the serialization of tx to buf and computes txid and wtxid.
 * False only when memory runs out. */
bool simtx_serialize(struct simbuf *buf, struct hash256 *txid,
		     struct hash256 *wtxid, const struct simtx *tx)
	__attribute__((warn_unused_result));

#endif
