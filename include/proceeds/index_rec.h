/* The records of the chain index: key layouts and value encodings, one
 * place for the byte formats described in docs/index-format.md. Keys are
 * big-endian so that LevelDB orders them numerically; values use Core's
 * VARINT (cursor.h) to stay small. Pure functions, no I/O. */
#ifndef PROCEEDS_INDEX_REC_H
#define PROCEEDS_INDEX_REC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"
#include "proceeds/script.h"

/* Schema version stored under IDX_KEY_VERSION; bump on any format change. */
#define INDEX_SCHEMA_VERSION 2u

/* One-byte key prefixes of the chain tables. Other stores (clusters, tags,
 * watchlists) use lowercase-free ranges documented in index-format.md. */
#define IDX_P_META   'M'   /* "Mversion", "Mtip", "Mnetwork" */
#define IDX_P_HEIGHT 'H'   /* H height(4)           -> block record */
#define IDX_P_BHASH  'h'   /* h hash(32)            -> height(4) */
#define IDX_P_TXID   'T'   /* T txid(32)            -> txnum(8)... */
#define IDX_P_TX     'X'   /* X txnum(8)            -> tx record */
#define IDX_P_SPENT  'S'   /* S txnum(8) vout(4)    -> spend record */
#define IDX_P_HIST   'R'   /* R addr(8) txnum(8) vout(4) -> value, height */
#define IDX_P_ADDR   'A'   /* A owner key[0..9)     -> addr ids */
#define IDX_P_ADDRID 'a'   /* a addr(8)             -> owner key */

#define IDX_KEY_MAX 48

/* Meta keys (whole keys, without a NUL). */
#define IDX_KEY_VERSION "Mversion"
#define IDX_KEY_TIP "Mtip"
#define IDX_KEY_NETWORK "Mnetwork"

/* A growable byte buffer; aborts on out of memory (an indexer that cannot
 * allocate a few KiB cannot continue safely). Embedded; _init/_release. */
struct idx_buf {
	uint8_t *p;
	size_t len, cap;
};
void idx_buf_init(struct idx_buf *b);
void idx_buf_release(struct idx_buf *b);
void idx_buf_put(struct idx_buf *b, const void *data, size_t n);
void idx_buf_varint(struct idx_buf *b, uint64_t v);
void idx_buf_u32be(struct idx_buf *b, uint32_t v);
void idx_buf_u64be(struct idx_buf *b, uint64_t v);

void idx_be32(uint8_t out[4], uint32_t v);
void idx_be64(uint8_t out[8], uint64_t v);
uint32_t idx_rd32(const uint8_t in[4]);
uint64_t idx_rd64(const uint8_t in[8]);

/* Key builders: write the key into out (IDX_KEY_MAX bytes), return its
 * length. */
size_t idx_key_height(uint8_t *out, uint32_t height);
size_t idx_key_bhash(uint8_t *out, const struct hash256 *hash);
size_t idx_key_txid(uint8_t *out, const struct hash256 *txid);
size_t idx_key_tx(uint8_t *out, uint64_t txnum);
size_t idx_key_spent(uint8_t *out, uint64_t txnum, uint32_t vout);
size_t idx_key_hist(uint8_t *out, uint64_t addr, uint64_t txnum, uint32_t vout);
/* The `A` key of an owner key: its first IDX_ADDR_KEY_BYTES bytes (all of
 * a shorter one). Several addresses may share it; the value lists them. */
#define IDX_ADDR_KEY_BYTES 9
size_t idx_key_addr(uint8_t *out, const uint8_t *owner_key, size_t klen);
size_t idx_key_addrid(uint8_t *out, uint64_t addr);

/* An `A` value: the address ids sharing the key, VARINTs, strictly
 * ascending. Reads the next id at *pos (advancing it); false at the end
 * or on damage (*bad set). */
bool idx_addr_list_next(const uint8_t *v, size_t len, size_t *pos,
			uint64_t *id, bool *bad) __attribute__((warn_unused_result));

/* The tip: the last block whose writes are committed, and the counters that
 * continue from it. Stored under "Mtip" in the same batch as the block. */
struct idx_tip {
	uint32_t height;
	struct hash256 hash;
	uint64_t next_txnum;
	uint64_t next_addr;
};
#define IDX_TIP_LEN (4 + 32 + 8 + 8)
void idx_tip_encode(uint8_t out[IDX_TIP_LEN], const struct idx_tip *t);
bool idx_tip_decode(struct idx_tip *t, const uint8_t *v, size_t len)
	__attribute__((warn_unused_result));

struct idx_block {
	struct hash256 hash;
	int32_t version;
	struct hash256 prev, merkle;
	uint32_t time, bits, nonce;
	uint32_t height;
	uint64_t first_txnum;   /* txnum of the coinbase */
	uint32_t n_tx;
	uint64_t first_addr;    /* addr ids >= this were created by the block */
	uint32_t size;          /* serialized bytes */
};
void idx_block_encode(struct idx_buf *b, const struct idx_block *blk);
bool idx_block_decode(struct idx_block *blk, const uint8_t *v, size_t len)
	__attribute__((warn_unused_result));

struct idx_input {
	uint64_t prev_txnum;
	uint32_t prev_vout;
	uint64_t addr;          /* address id of the spent output */
	uint64_t value;         /* satoshis of the spent output */
};

struct idx_output {
	uint64_t value;
	uint64_t addr;
	uint8_t type;           /* enum script_type */
};

/* A transaction as the index keeps it: the resolved inputs are both the
 * tx's view for queries/clustering and the undo data of its block. */
struct idx_tx {
	struct hash256 txid;
	uint64_t txnum;
	uint32_t height;
	bool coinbase, segwit;
	int32_t version;
	uint32_t locktime, size, weight;
	uint32_t n_in, n_out;   /* n_in counts the coinbase input too */
	struct idx_input *in;   /* NULL for a coinbase; owned */
	struct idx_output *out; /* owned */
};
void idx_tx_encode(struct idx_buf *b, const struct idx_tx *tx);
/* Decodes into tx (arrays newly allocated: idx_tx_release). */
bool idx_tx_decode(struct idx_tx *tx, uint64_t txnum, const uint8_t *v,
		   size_t len, const char **why) __attribute__((warn_unused_result));
void idx_tx_release(struct idx_tx *tx);

struct idx_spend {
	uint64_t txnum;         /* the spending tx */
	uint32_t vin;
	uint32_t height;
};
size_t idx_spend_encode(uint8_t out[32], const struct idx_spend *s);
bool idx_spend_decode(struct idx_spend *s, const uint8_t *v, size_t len)
	__attribute__((warn_unused_result));

/* History entry value (funding of addr by txnum:vout). */
size_t idx_hist_encode(uint8_t out[24], uint64_t value, uint32_t height);
bool idx_hist_decode(uint64_t *value, uint32_t *height, const uint8_t *v,
		     size_t len) __attribute__((warn_unused_result));

#endif
