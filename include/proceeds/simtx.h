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
	uint8_t pub[33];        /* compressed public key; P2TR: the tweaked
	                         * output key Q (pub[1..33) is its x-only form) */
	uint8_t h160[20];       /* HASH160(pub), unused for P2TR */
	uint32_t index;         /* position in its owner's key chain */
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

#define SIMTX_SCRIPT_MAX 83   /* P2TR (34) or a standard OP_RETURN (83) */

struct simtx_out {
	uint64_t value;
	uint8_t script[SIMTX_SCRIPT_MAX];
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

/* Appends version | inputs | outputs | locktime (no marker, flag or
 * witnesses: what the txid hashes) and computes the txid. For a
 * transaction whose inputs are all segwit, the signatures can come later
 * (simchain assembles the witnesses). False when memory runs out. */
bool simtx_serialize_base(struct simbuf *buf, struct hash256 *txid,
			  const struct simtx *tx) __attribute__((warn_unused_result));

/* The serialized witness stack of an input (sig and key as placed);
 * returns its length (<= 110). */
size_t simtx_in_witness(uint8_t out[110], const struct simtx_in *in);

/* True when input i needs no scriptSig signature (segwit). */
bool simtx_in_is_witness(const struct simtx_in *in);

/* A decoded-transaction view of tx (tx.h) for sighash.h: ins and outs
 * receive the arrays (n_in, n_out entries); scripts point into tx. */
struct tx;
struct tx_in;
struct tx_out;
void simtx_view(struct tx *view, struct tx_in *ins, struct tx_out *outs,
		const struct simtx *tx);

#endif
