/* A loopback HTTP/1.1 JSON-RPC server that behaves like bitcoind for the
 * calls proceeds makes (getblockchaininfo, getblockcount, getbestblockhash,
 * getblockhash, getblock HASH 0), for tests and benchmarks.
 *
 * Like bitcoind (httprpc.cpp): HTTP basic auth (401 with an empty body and
 * WWW-Authenticate on bad or missing credentials), JSON-RPC 1.0 answers with
 * `result` and `error` both present and HTTP 404 (method not found), 400
 * (invalid request) or 500 (any other error) for a failed single request;
 * JSON-RPC 2.0 requests get HTTP 200 and only one of `result`/`error`;
 * batches (a JSON array) always get 200 and one answer per request; stale
 * blocks stay retrievable by hash after a reorg. Keep-alive unless the
 * client asks to close.
 *
 * One server thread serves one connection at a time, which is how a single
 * libcurl handle talks to it. Every function aborts the test program on a
 * system failure: these are test fixtures. */
#ifndef PROCEEDS_TESTS_HELPER_RPCSERVER_H
#define PROCEEDS_TESTS_HELPER_RPCSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "proceeds/hash.h"

struct rpcsrv;

/* What the next requests suffer (see rpcsrv_set_fault). */
enum rpcsrv_fault {
	RPCSRV_FAULT_NONE,
	RPCSRV_FAULT_GARBAGE,       /* HTTP 200, a body that is not JSON */
	RPCSRV_FAULT_HANG,          /* reads the request, never answers */
	RPCSRV_FAULT_CLOSE,         /* reads the request, hangs up silently */
	RPCSRV_FAULT_TRUNCATE,      /* announces the answer, sends half, closes */
	RPCSRV_FAULT_PLAIN_500,     /* HTTP 500 with a text body */
	RPCSRV_FAULT_PLAIN_503,     /* bitcoind's "Work queue depth exceeded" */
	RPCSRV_FAULT_HUGE,          /* HTTP 200, Content-Length 1 GiB, streamed */
	RPCSRV_FAULT_HUGE_CHUNKED,  /* HTTP 200, chunked, 1 GiB streamed */
	RPCSRV_FAULT_WRONG_BLOCK,   /* getblock answers with another block */
};

/* Starts a server on 127.0.0.1 (ephemeral port) that accepts user:password
 * (both copied). The chain is empty; chain name "main". */
struct rpcsrv *rpcsrv_start(const char *user, const char *password);

/* Stops the thread, closes everything and frees s (NULL is fine). */
void rpcsrv_stop(struct rpcsrv *s);

/* "http://127.0.0.1:PORT/" (no credentials). Borrowed from s. */
const char *rpcsrv_url(const struct rpcsrv *s);

/* Appends a block (copied) to the active chain; its parent is not checked,
 * so that tests can also serve a node that misbehaves. */
void rpcsrv_add_block(struct rpcsrv *s, const uint8_t *raw, size_t len);

/* Appends every block of a blk*.dat file (magic, LE size, block framing;
 * zero padding ends it). Returns the number of blocks added. */
size_t rpcsrv_load_blk(struct rpcsrv *s, const char *path);

/* Cuts the active chain back to heights 0..height (height + 1 blocks); the
 * blocks cut stay known by hash, as stale blocks do in bitcoind. Follow with
 * rpcsrv_add_block to switch to a competing branch. */
void rpcsrv_truncate(struct rpcsrv *s, uint32_t height);

/* Number of blocks in the active chain, and the hash at a height. */
uint32_t rpcsrv_count(struct rpcsrv *s);
struct hash256 rpcsrv_hash(struct rpcsrv *s, uint32_t height);

/* The next `count` HTTP requests suffer f (UINT32_MAX: until changed). */
void rpcsrv_set_fault(struct rpcsrv *s, enum rpcsrv_fault f, uint32_t count);

/* The next n HTTP requests answer every call with -28 "Loading block
 * index…", as bitcoind does while it starts. */
void rpcsrv_set_warmup(struct rpcsrv *s, uint32_t n);

/* true: answer RPC errors with HTTP 200, as non-bitcoind nodes do. */
void rpcsrv_set_errors_200(struct rpcsrv *s, bool on);

/* true: answer batches in reverse order (JSON-RPC allows any order). */
void rpcsrv_set_batch_reversed(struct rpcsrv *s, bool on);

/* getblockchaininfo's "chain" (copied; < 16 chars). */
void rpcsrv_set_chain_name(struct rpcsrv *s, const char *name);

/* Waits (at most max_ms) until no connection is being served, and joins
 * the finished connection threads: only the acceptor, idle in poll, is
 * left. A test forks its client after this, so that the child cannot
 * inherit a lock (the allocator's, under AddressSanitizer) that a server
 * thread held at the fork. False when connections are still open. */
bool rpcsrv_wait_idle(struct rpcsrv *s, unsigned max_ms);

/* Counters since start: HTTP requests received (including rejected and
 * faulted ones), JSON-RPC calls executed, TCP connections accepted. */
uint32_t rpcsrv_requests(struct rpcsrv *s);
uint32_t rpcsrv_calls(struct rpcsrv *s);
uint32_t rpcsrv_connections(struct rpcsrv *s);

/* Builds a regtest-valid block (bits 0x207fffff, nonce ground) with one
 * coinbase paying 50 BTC to a P2PKH derived from tag, at height, on prev.
 * Writes it to out (>= RPCSRV_BLOCK_MAX bytes); returns its length. Two
 * tags give two different blocks, i.e. competing branches. */
#define RPCSRV_BLOCK_MAX 300
size_t rpcsrv_make_block(uint8_t *out, const struct hash256 *prev,
			 uint32_t height, uint32_t tag);

/* Writes regtest's genesis block (285 bytes) to out (>= RPCSRV_BLOCK_MAX
 * bytes); returns its length. Start synthetic chains on it to serve a
 * chain that `--network regtest` accepts. */
size_t rpcsrv_regtest_genesis(uint8_t *out);

#endif
