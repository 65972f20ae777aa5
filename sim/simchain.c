/* Block assembly and blk*.dat writing for the simulator (simchain.h). */
#include "proceeds/simchain.h"
#include "proceeds/cursor.h"
#include "proceeds/hex.h"
#include "proceeds/tx.h"

#include <assert.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The genesis coinbase shared by main, testnet3, signet and regtest. */
static const char genesis_coinbase[] =
	"01000000010000000000000000000000000000000000000000000000000000000000000000"
	"ffffffff4d04ffff001d0104455468652054696d65732030332f4a616e2f32303039204368"
	"616e63656c6c6f72206f6e206272696e6b206f66207365636f6e64206261696c6f75742066"
	"6f722062616e6b73ffffffff0100f2052a01000000434104678afdb0fe5548271967f1a671"
	"30b7105cd6a828e03909a67962e0ea1f61deb649f6bc3f4cef38c4f35504e51ec112de5c38"
	"4df7ba0b8d578a4c702b6bf11d5fac00000000";

/* Testnet4's own genesis coinbase (BIP94). */
static const char testnet4_coinbase[] =
	"01000000010000000000000000000000000000000000000000000000000000000000000000"
	"ffffffff5504ffff001d01044c4c30332f4d61792f323032342030303030303030303030"
	"303030303030303030303165626435386332343439373062336161396437383362623030"
	"313031316662653865613865393865303065ffffffff0100f2052a010000002321000000"
	"000000000000000000000000000000000000000000000000000000000000ac00000000";

/* Genesis header fields per network (Core's chainparams.cpp); *coinbase
 * gets the hex of its only transaction. */
static void genesis_header(struct block_header *h, const char **coinbase,
			   enum network net)
{
	memset(h, 0, sizeof(*h));
	h->version = 1;
	*coinbase = genesis_coinbase;
	switch (net) {
	case NETWORK_MAIN:
		h->time = 1231006505, h->bits = 0x1d00ffff, h->nonce = 2083236893;
		return;
	case NETWORK_TESTNET:
		h->time = 1296688602, h->bits = 0x1d00ffff, h->nonce = 414098458;
		return;
	case NETWORK_SIGNET:
		h->time = 1598918400, h->bits = 0x1e0377ae, h->nonce = 52613770;
		return;
	case NETWORK_REGTEST:
		h->time = 1296688602, h->bits = 0x207fffff, h->nonce = 2;
		return;
	case NETWORK_TESTNET4:
		h->time = 1714777860, h->bits = 0x1d00ffff, h->nonce = 393743547;
		*coinbase = testnet4_coinbase;
		return;
	}
}

static bool write_record(struct simchain *c, const uint8_t *blk, size_t len,
			 const char **why)
{
	uint8_t pre[8];
	char path[4200];

	if (c->f && c->file_size + 8 + len > c->file_max) {
		if (fclose(c->f) != 0) {
			c->f = NULL;
			*why = strerror(errno);
			return false;
		}
		c->f = NULL;
		c->file_no++;
	}
	if (!c->f) {
		snprintf(path, sizeof(path), "%s/blk%05u.dat", c->dir, c->file_no);
		c->f = fopen(path, "wb");
		if (!c->f) {
			*why = strerror(errno);
			return false;
		}
		c->file_size = 0;
	}
	memcpy(pre, c->np->magic, 4);
	for (int i = 0; i < 4; i++)
		pre[4 + i] = (uint8_t)(len >> (8 * i));
	if (fwrite(pre, 1, 8, c->f) != 8 || fwrite(blk, 1, len, c->f) != len) {
		*why = strerror(errno ? errno : EIO);
		return false;
	}
	c->file_size += 8 + len;
	c->total_bytes += 8 + len;
	return true;
}

static bool write_genesis(struct simchain *c, enum network net, const char **why)
{
	uint8_t raw[80 + 1 + 512];
	const char *coinbase;
	struct block_header h;
	struct hash256 hash;
	char hex[65];

	genesis_header(&h, &coinbase, net);
	size_t cb_len = strlen(coinbase) / 2;
	assert(cb_len <= 512);
	if (!hex_decode(raw + 81, coinbase, cb_len * 2, why))
		return false;
	hash_sha256d(&h.merkle, raw + 81, cb_len);
	block_header_encode(raw, &h);
	raw[80] = 1;
	block_header_hash(&hash, raw);
	hash256_to_hex(hex, &hash);
	if (strcmp(hex, c->np->genesis) != 0) {
		*why = "genesis block hash mismatch";
		return false;
	}
	c->prev = hash;
	return write_record(c, raw, 81 + cb_len, why);
}

bool simchain_open(struct simchain *c, const char *dir, enum network net,
		   uint64_t file_max, const char **why)
{
	memset(c, 0, sizeof(*c));
	c->np = network_params(net);
	c->file_max = file_max;
	snprintf(c->dir, sizeof(c->dir), "%s", dir);
	simbuf_init(&c->txs);
	simbuf_init(&c->block);
	simbuf_init(&c->assembled);
	c->height = 1;
	return write_genesis(c, net, why);
}

/* Room for one more transaction record. */
static bool grow(struct simchain *c, const char **why)
{
	if (c->n_tx < c->cap_tx)
		return true;
	size_t cap = c->cap_tx ? c->cap_tx * 2 : 1024;
	struct hash256 *a = realloc(c->txids, cap * sizeof(*a));
	if (a)
		c->txids = a;
	struct hash256 *b = a ? realloc(c->wtxids, cap * sizeof(*b)) : NULL;
	if (b)
		c->wtxids = b;
	struct simchain_rec *r = b ? realloc(c->recs, cap * sizeof(*r)) : NULL;
	if (!r) {
		*why = "out of memory";
		return false;
	}
	c->recs = r;
	c->cap_tx = cap;
	return true;
}

bool simchain_add_tx(struct simchain *c, struct hash256 *txid,
		     const struct simtx *tx, uint64_t fee, const char **why)
{
	size_t before = c->txs.len;
	if (!grow(c, why))
		return false;
	if (!simtx_serialize(&c->txs, &c->txids[c->n_tx], &c->wtxids[c->n_tx], tx)) {
		c->txs.len = before;
		*why = "out of memory";
		return false;
	}
	if (!hash256_eq(&c->txids[c->n_tx], &c->wtxids[c->n_tx]))
		c->segwit = true;
	c->recs[c->n_tx] = (struct simchain_rec){ before, (uint32_t)(c->txs.len - before), 0, 0 };
	*txid = c->txids[c->n_tx++];
	c->fees += fee;
	return true;
}

bool simchain_add_deferred(struct simchain *c, struct hash256 *txid,
			   const struct simtx *tx, uint64_t fee, uint32_t first_job,
			   const char **why)
{
	size_t before = c->txs.len;
	if (!grow(c, why))
		return false;
	if (!simtx_serialize_base(&c->txs, &c->txids[c->n_tx], tx)) {
		c->txs.len = before;
		*why = "out of memory";
		return false;
	}
	c->recs[c->n_tx] = (struct simchain_rec){ before, (uint32_t)(c->txs.len - before),
						  first_job, tx->n_in };
	c->segwit = c->deferred = true;
	c->wit_pending += 110u * tx->n_in;
	*txid = c->txids[c->n_tx++];
	c->fees += fee;
	return true;
}

/* version | 00 01 | inputs, outputs | witnesses | locktime of deferred
 * record r, appended to out; its wtxid into *wtxid. */
static bool assemble_one(struct simchain *c, const struct simchain_rec *r,
			 struct hash256 *wtxid)
{
	static const uint8_t marker[2] = { 0x00, 0x01 };
	const uint8_t *base = c->txs.p + r->off;
	struct simbuf *out = &c->assembled;
	size_t start = out->len;
	uint8_t w[110];
	bool ok = simbuf_put(out, base, 4) && simbuf_put(out, marker, 2) &&
		  simbuf_put(out, base + 4, r->len - 8);
	for (uint32_t i = 0; i < r->n_jobs && ok; i++) {
		const struct simsig_job *j = simsign_job(c->sign, r->first_job + i);
		struct simtx_in in;
		memset(&in, 0, sizeof(in));
		in.key.type = j->taproot ? SCRIPT_P2TR : SCRIPT_P2WPKH;
		memcpy(in.key.pub, j->pub, 33);
		in.sig = j->sig;
		in.sig_len = j->sig_len;
		ok = simbuf_put(out, w, simtx_in_witness(w, &in));
	}
	ok = ok && simbuf_put(out, base + r->len - 4, 4);
	if (ok)
		hash_sha256d(wtxid, out->p + start, out->len - start);
	return ok;
}

/* Waits for the deferred signatures and lays out the block's transactions
 * in c->assembled with their witnesses. */
static bool assemble(struct simchain *c, const char **why)
{
	if (!simsign_wait(c->sign)) {
		*why = "signing failed";
		return false;
	}
	c->assembled.len = 0;
	for (size_t k = 0; k < c->n_tx; k++) {
		const struct simchain_rec *r = &c->recs[k];
		bool ok = r->n_jobs ? assemble_one(c, r, &c->wtxids[k])
				    : simbuf_put(&c->assembled, c->txs.p + r->off, r->len);
		if (!ok) {
			*why = "out of memory";
			return false;
		}
	}
	simsign_reset(c->sign);
	return true;
}

uint64_t simchain_pending_weight(const struct simchain *c)
{
	/* Upper bound: every byte counted as base data. */
	return (c->txs.len + c->wit_pending) * 4;
}

bool simchain_meets_minimum(const struct simchain *c)
{
	return c->np->pow_limit_bits == SIMCHAIN_BITS;
}

/* Core's merkle root over hashes[0..n) (odd last duplicated), in place. */
static void merkle(struct hash256 *root, struct hash256 *h, size_t n)
{
	uint8_t pair[64];
	while (n > 1) {
		size_t m = 0;
		for (size_t i = 0; i < n; i += 2) {
			memcpy(pair, h[i].b, 32);
			memcpy(pair + 32, h[i + 1 < n ? i + 1 : i].b, 32);
			hash_sha256d(&h[m++], pair, 64);
		}
		n = m;
	}
	*root = h[0];
}

/* BIP34 height push (CScript() << height) followed by a tag push. */
static size_t coinbase_script(uint8_t out[40], uint32_t height)
{
	static const char tag[] = "/proceeds-sim/";
	size_t n = 0;
	if (height <= 16) {
		out[n++] = height == 0 ? 0x00 : (uint8_t)(0x50 + height);
	} else {
		uint8_t num[5];
		size_t k = 0;
		for (uint32_t v = height; v; v >>= 8)
			num[k++] = (uint8_t)v;
		if (num[k - 1] & 0x80)
			num[k++] = 0;
		out[n++] = (uint8_t)k;
		memcpy(out + n, num, k);
		n += k;
	}
	out[n++] = sizeof(tag) - 1;
	memcpy(out + n, tag, sizeof(tag) - 1);
	return n + sizeof(tag) - 1;
}

static bool witness_commitment(struct simchain *c, uint8_t out[32])
{
	struct hash256 *h = malloc((c->n_tx + 1) * sizeof(*h)), root;
	uint8_t buf[64] = { 0 };
	struct hash256 commit;
	if (!h)
		return false;
	memset(&h[0], 0, sizeof(h[0]));
	if (c->n_tx)
		memcpy(h + 1, c->wtxids, c->n_tx * sizeof(*h));
	merkle(&root, h, c->n_tx + 1);
	free(h);
	memcpy(buf, root.b, 32); /* + 32-byte zero witness reserved value */
	hash_sha256d(&commit, buf, 64);
	memcpy(out, commit.b, 32);
	return true;
}

/* Serializes the coinbase into c->block (after the header space). */
static bool build_coinbase(struct simchain *c, struct hash256 *txid, uint64_t value,
			   const uint8_t *payout, size_t payout_len)
{
	uint8_t t[256], commit[32];
	size_t n = 0, io, io_end;
	memcpy(t, "\x02\x00\x00\x00", 4), n = 4;
	if (c->segwit)
		t[n++] = 0x00, t[n++] = 0x01;
	io = n;
	t[n++] = 1;
	memset(t + n, 0, 32), n += 32;
	memset(t + n, 0xff, 4), n += 4;
	size_t sl = coinbase_script(t + n + 1, c->height);
	t[n++] = (uint8_t)sl, n += sl;
	memset(t + n, 0xff, 4), n += 4;
	t[n++] = c->segwit ? 2 : 1;
	for (int i = 0; i < 8; i++)
		t[n++] = (uint8_t)(value >> (8 * i));
	t[n++] = (uint8_t)payout_len;
	memcpy(t + n, payout, payout_len), n += payout_len;
	if (c->segwit) {
		if (!witness_commitment(c, commit))
			return false;
		memset(t + n, 0, 8), n += 8;
		memcpy(t + n, "\x26\x6a\x24\xaa\x21\xa9\xed", 7), n += 7;
		memcpy(t + n, commit, 32), n += 32;
	}
	io_end = n;
	if (c->segwit)
		t[n++] = 1, t[n++] = 32, memset(t + n, 0, 32), n += 32;
	memset(t + n, 0, 4), n += 4;
	struct hash_sha256d_ctx h;
	hash_sha256d_begin(&h);
	hash_sha256d_update(&h, t, 4);
	hash_sha256d_update(&h, t + io, io_end - io);
	hash_sha256d_update(&h, t + n - 4, 4);
	hash_sha256d_end(&h, txid);
	return simbuf_put(&c->block, t, n);
}

static bool merkle_root(struct simchain *c, struct hash256 *root,
			const struct hash256 *cb_txid)
{
	struct hash256 *h = malloc((c->n_tx + 1) * sizeof(*h));
	if (!h)
		return false;
	h[0] = *cb_txid;
	if (c->n_tx)
		memcpy(h + 1, c->txids, c->n_tx * sizeof(*h));
	merkle(root, h, c->n_tx + 1);
	free(h);
	return true;
}

static void grind(uint8_t hdr[80], struct block_header *h, struct hash256 *hash)
{
	for (h->nonce = 0;; h->nonce++) {
		block_header_encode(hdr, h);
		block_header_hash(hash, hdr);
		if (block_header_check_pow(hash, h->bits))
			return;
	}
}

bool simchain_finish_block(struct simchain *c, struct hash256 *coinbase_txid,
			   uint64_t *value, const uint8_t *payout_script,
			   size_t payout_len, uint32_t time, const char **why)
{
	struct block_header h = { 0 };
	uint8_t cnt[9], zero[80] = { 0 };
	size_t cl = compact_write(cnt, c->n_tx + 1);

	*value = network_subsidy(c->np, c->height) + c->fees;
	if (c->deferred && !assemble(c, why))
		return false;
	const struct simbuf *body = c->deferred ? &c->assembled : &c->txs;
	c->block.len = 0;
	if (!simbuf_put(&c->block, zero, 80) || !simbuf_put(&c->block, cnt, cl) ||
	    !build_coinbase(c, coinbase_txid, *value, payout_script, payout_len) ||
	    !simbuf_put(&c->block, body->p ? body->p : cnt, body->len) ||
	    !merkle_root(c, &h.merkle, coinbase_txid)) {
		*why = "out of memory";
		return false;
	}
	h.version = 0x20000000;
	h.prev = c->prev;
	h.time = time;
	h.bits = SIMCHAIN_BITS;
	grind(c->block.p, &h, &c->prev);
	if (!write_record(c, c->block.p, c->block.len, why))
		return false;
	c->total_tx += c->n_tx + 1;
	c->height++;
	c->n_tx = 0;
	c->txs.len = 0;
	c->fees = 0;
	c->segwit = c->deferred = false;
	c->wit_pending = 0;
	return true;
}

bool simchain_close(struct simchain *c, const char **why)
{
	bool ok = true;
	if (c->f) {
		if (fflush(c->f) != 0 || fsync(fileno(c->f)) != 0) {
			*why = strerror(errno);
			ok = false;
		}
		if (fclose(c->f) != 0 && ok) {
			*why = strerror(errno);
			ok = false;
		}
		c->f = NULL;
	}
	simbuf_release(&c->txs);
	simbuf_release(&c->block);
	simbuf_release(&c->assembled);
	free(c->txids);
	free(c->wtxids);
	free(c->recs);
	c->txids = c->wtxids = NULL;
	c->recs = NULL;
	return ok;
}
