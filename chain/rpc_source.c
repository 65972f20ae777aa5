/* A node's best chain as a stream of blocks, fetched in two batched round
 * trips (hashes, then blocks), with parent links checked on every block. */
#include "proceeds/rpc_source.h"
#include "proceeds/tx.h"
#include "rpc_internal.h"

#include <assert.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FORK_BATCH 64

struct fetched {
	struct hash256 hash;
	uint8_t *raw;
	size_t len;
};

struct rpc_source {
	struct rpc_client *c;          /* borrowed */
	unsigned batch;
	uint32_t next;                 /* height of the next block to yield */
	struct hash256 prev;           /* its parent, when next > 0 */
	struct fetched *buf;           /* prefetched blocks next, next+1, ... */
	size_t n_buf, pos;
	struct rpc_request *req;       /* batch + 1 requests */
	json_t **params;
	uint64_t fetched;
	char err[700];
};

bool rpc_source_new(struct rpc_source **out, struct rpc_client *client,
		    unsigned batch, const char **why)
{
	struct rpc_source *s = calloc(1, sizeof(*s));
	*out = NULL;
	if (batch == 0)
		batch = 1;
	if (s) {
		s->buf = calloc(batch, sizeof(*s->buf));
		s->req = calloc((size_t)batch + 1, sizeof(*s->req));
		s->params = calloc((size_t)batch + 1, sizeof(*s->params));
	}
	if (!s || !s->buf || !s->req || !s->params) {
		rpc_source_free(s);
		*why = "out of memory";
		return false;
	}
	s->c = client;
	s->batch = batch;
	*out = s;
	return true;
}

static void drop_buffer(struct rpc_source *s)
{
	for (size_t i = 0; i < s->n_buf; i++) {
		free(s->buf[i].raw);
		s->buf[i].raw = NULL;
	}
	s->n_buf = s->pos = 0;
}

void rpc_source_free(struct rpc_source *s)
{
	if (!s)
		return;
	if (s->buf)
		drop_buffer(s);
	free(s->buf);
	free(s->req);
	free(s->params);
	free(s);
}

uint64_t rpc_source_blocks_fetched(const struct rpc_source *s)
{
	return s->fetched;
}

void rpc_source_seek(struct rpc_source *s, uint32_t next, const struct hash256 *prev)
{
	drop_buffer(s);
	s->next = next;
	memset(&s->prev, 0, sizeof(s->prev));
	if (next > 0) {
		assert(prev);
		s->prev = *prev;
	}
}

/* Core's getblockchaininfo names the chains differently from our options. */
static bool chain_is(const char *chain, enum network net)
{
	enum network got;
	if (!strcmp(chain, "test"))
		return net == NETWORK_TESTNET;
	return network_from_name(&got, chain) && got == net;
}

bool rpc_source_check_network(struct rpc_source *s, struct rpc_chain_info *info,
			      enum network net, const char **why)
{
	const struct network_params *p = network_params(net);
	struct hash256 genesis, want;
	if (!rpc_getblockchaininfo(s->c, info, why))
		return false;
	if (!chain_is(info->chain, net)) {
		snprintf(s->err, sizeof(s->err), "node is on chain \"%s\", not %s",
			 info->chain, p->name);
		*why = s->err;
		return false;
	}
	if (!hash256_from_hex(&want, p->genesis, why))
		return false;
	if (!rpc_getblockhash(s->c, &genesis, 0, why))
		return false;
	if (!hash256_eq(&genesis, &want)) {
		snprintf(s->err, sizeof(s->err), "node's genesis block is not %s's", p->name);
		*why = s->err;
		return false;
	}
	return true;
}

static void release_requests(struct rpc_source *s, size_t n)
{
	rpc_batch_release(s->req, n);
	for (size_t i = 0; i < n; i++) {
		json_decref(s->params[i]);
		s->params[i] = NULL;
	}
}

static enum rpc_source_status source_error(struct rpc_source *s, const char **why,
					   const char *fmt, const char *detail)
{
	snprintf(s->err, sizeof(s->err), fmt, detail);
	*why = s->err;
	return RPC_SOURCE_ERROR;
}

/* One batch of getblockhash for heights from..from+n-1 (from = next - 1
 * when next > 0, to check our tip). Leaves hashes of the heights >= next
 * the node has in s->buf[].hash and their number in *count. */
static enum rpc_source_status fetch_hashes(struct rpc_source *s, size_t *count,
					   const char **why)
{
	uint32_t from = s->next ? s->next - 1 : 0;
	size_t n = s->batch + (s->next ? 1 : 0), i, k = 0;
	enum rpc_source_status st = RPC_SOURCE_BLOCK;
	for (i = 0; i < n; i++) {
		s->params[i] = json_pack("[I]", (json_int_t)from + (json_int_t)i);
		s->req[i].method = "getblockhash";
		s->req[i].params = s->params[i];
	}
	if (!rpc_batch(s->c, s->req, n, why)) {
		release_requests(s, n);
		return RPC_SOURCE_ERROR;
	}
	for (i = 0; i < n && st == RPC_SOURCE_BLOCK; i++) {
		struct hash256 h;
		const char *bad;
		bool ours = s->next && i == 0;
		if (s->req[i].code == RPC_INVALID_PARAMETER) {
			/* Beyond the node's tip; at i == 0 our tip is beyond it. */
			st = ours ? RPC_SOURCE_REORG : st;
			break;
		}
		if (s->req[i].code)
			st = source_error(s, why, "getblockhash: node error: %s", s->req[i].message);
		else if (!json_is_string(s->req[i].result) ||
			 !hash256_from_hex(&h, json_string_value(s->req[i].result), &bad))
			st = source_error(s, why, "getblockhash: %s", "answer is not a block hash");
		else if (ours && !hash256_eq(&h, &s->prev))
			st = RPC_SOURCE_REORG;
		else if (!ours)
			s->buf[k++].hash = h;
	}
	release_requests(s, n);
	*count = k;
	return st;
}

/* One batch of getblock HASH 0 for s->buf[0..n). */
static bool fetch_blocks(struct rpc_source *s, size_t n, const char **why)
{
	size_t i;
	bool ok = true;
	for (i = 0; i < n; i++) {
		s->params[i] = rpc_getblock_params(&s->buf[i].hash);
		s->req[i].method = "getblock";
		s->req[i].params = s->params[i];
	}
	if (!rpc_batch(s->c, s->req, n, why)) {
		release_requests(s, n);
		return false;
	}
	for (i = 0; i < n && ok; i++) {
		const char *bad;
		if (s->req[i].code) {
			source_error(s, why, "getblock: node error: %s", s->req[i].message);
			ok = false;
		} else if (!rpc_block_from_json(&s->buf[i].raw, &s->buf[i].len,
						s->req[i].result, &s->buf[i].hash, &bad)) {
			source_error(s, why, "getblock: %s", bad);
			ok = false;
		}
	}
	release_requests(s, n);
	s->n_buf = ok ? n : 0;
	s->pos = 0;
	if (!ok)
		for (i = 0; i < n; i++) {
			free(s->buf[i].raw);
			s->buf[i].raw = NULL;
		}
	return ok;
}

static enum rpc_source_status refill(struct rpc_source *s, const char **why)
{
	size_t n;
	enum rpc_source_status st;
	drop_buffer(s);
	st = fetch_hashes(s, &n, why);
	if (st != RPC_SOURCE_BLOCK)
		return st;
	if (n == 0)
		return RPC_SOURCE_TIP;
	/* Halve the batch while the answer would exceed the size cap. */
	while (!fetch_blocks(s, n, why)) {
		if (rpc_client_failure(s->c) != RPC_FAIL_TOO_LARGE || n == 1)
			return RPC_SOURCE_ERROR;
		n /= 2;
	}
	s->fetched += n;
	return RPC_SOURCE_BLOCK;
}

enum rpc_source_status rpc_source_next(struct rpc_source *s,
				       struct rpc_source_block *out,
				       const char **why)
{
	struct block_header hdr;
	struct fetched *f;
	if (s->pos == s->n_buf) {
		enum rpc_source_status st = refill(s, why);
		if (st != RPC_SOURCE_BLOCK)
			return st;
	}
	f = &s->buf[s->pos];
	block_header_decode(&hdr, f->raw);
	if (s->next > 0 && !hash256_eq(&hdr.prev, &s->prev)) {
		/* The node switched branches between our requests. */
		drop_buffer(s);
		return RPC_SOURCE_REORG;
	}
	out->height = s->next;
	out->hash = f->hash;
	out->raw = f->raw;
	out->len = f->len;
	s->pos++;
	s->next++;
	s->prev = f->hash;
	return RPC_SOURCE_BLOCK;
}

/* Compares node and ours over heights lo..hi, from the top; true with
 * *found when they agree somewhere. */
static bool compare_range(struct rpc_source *s, bool *found, uint32_t *fork,
			  uint32_t lo, uint32_t hi, rpc_source_hash_fn our_hash,
			  void *ctx, const char **why)
{
	size_t n = (size_t)(hi - lo) + 1, i;
	bool ok = true;
	*found = false;
	for (i = 0; i < n; i++) {
		s->params[i] = json_pack("[I]", (json_int_t)lo + (json_int_t)i);
		s->req[i].method = "getblockhash";
		s->req[i].params = s->params[i];
	}
	if (!rpc_batch(s->c, s->req, n, why)) {
		release_requests(s, n);
		return false;
	}
	for (i = n; ok && !*found && i-- > 0;) {
		struct hash256 node, ours;
		const char *bad;
		if (s->req[i].code == RPC_INVALID_PARAMETER)
			continue; /* the node's chain shrank meanwhile */
		if (s->req[i].code || !json_is_string(s->req[i].result) ||
		    !hash256_from_hex(&node, json_string_value(s->req[i].result), &bad)) {
			source_error(s, why, "getblockhash: %s", s->req[i].code ?
				     s->req[i].message : "answer is not a block hash");
			ok = false;
		} else if (!our_hash(ctx, &ours, lo + (uint32_t)i, why)) {
			ok = false;
		} else if (hash256_eq(&node, &ours)) {
			*found = true;
			*fork = lo + (uint32_t)i;
		}
	}
	release_requests(s, n);
	return ok;
}

bool rpc_source_find_fork(struct rpc_source *s, uint32_t *fork, uint32_t our_tip,
			  rpc_source_hash_fn our_hash, void *ctx, const char **why)
{
	uint32_t node_tip, hi, lo;
	size_t step = s->batch + 1 < FORK_BATCH ? s->batch + 1 : FORK_BATCH;
	bool found;
	if (!rpc_getblockcount(s->c, &node_tip, why))
		return false;
	hi = our_tip < node_tip ? our_tip : node_tip;
	for (;;) {
		lo = hi >= step - 1 ? hi - (uint32_t)(step - 1) : 0;
		if (!compare_range(s, &found, fork, lo, hi, our_hash, ctx, why))
			return false;
		if (found)
			return true;
		if (lo == 0) {
			*why = "the node's chain shares no block with ours, not even "
			       "the genesis block (another network?)";
			return false;
		}
		hi = lo - 1;
	}
}
