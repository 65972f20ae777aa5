/* A Bitcoin Core JSON-RPC client: libcurl for HTTP, jansson for JSON.
 *
 * One client = one CURL handle, so consecutive calls reuse the connection
 * (HTTP/1.1 keep-alive). Requests are JSON-RPC 1.0 as bitcoin-cli sends them;
 * answers are accepted in the two shapes nodes use: bitcoind's (HTTP 404/500
 * with a JSON body whose `error` holds `code` and `message`) and the
 * "HTTP 200 with `error` set" of other nodes and of JSON-RPC 2.0.
 *
 * Transient failures (connection refused/reset, empty or truncated answers,
 * timeouts, HTTP 5xx without a JSON error body, RPC error -28 "in warm-up")
 * are retried with exponential backoff, a bounded number of times; definite
 * failures (HTTP 401/403, any other RPC error, a body that is not JSON, a
 * body over the size cap) are not.
 *
 * Credentials are handed to libcurl with CURLOPT_USERNAME/PASSWORD, never
 * put into a URL; the URL kept for messages has any user:password@ removed,
 * and every error string is scrubbed of the password before it is returned.
 *
 * Not thread-safe: one client per thread. */
#ifndef PROCEEDS_RPC_H
#define PROCEEDS_RPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "proceeds/hash.h"

/* bitcoind's error codes that callers act on (src/rpc/protocol.h). */
#define RPC_MISC_ERROR          (-1)
#define RPC_INVALID_ADDRESS_OR_KEY (-5)
#define RPC_INVALID_PARAMETER   (-8)
#define RPC_IN_WARMUP           (-28)
#define RPC_METHOD_NOT_FOUND    (-32601)

struct rpc_options {
	const char *url;          /* http://host:port[/path]; borrowed during
	                           * rpc_client_new only (copied) */
	const char *user;         /* with password; or NULL */
	const char *password;
	const char *cookie_file;  /* Core's .cookie ("__cookie__:<hex>"); used
	                           * when user is NULL */
	long connect_timeout_ms;  /* TCP connect */
	long timeout_ms;          /* a whole request, transfer included */
	unsigned max_attempts;    /* >= 1; 1 = no retry */
	long backoff_ms;          /* wait before the 1st retry; doubles after */
	long backoff_max_ms;      /* ceiling of a single wait */
	size_t max_response;      /* bytes of one answer body; bigger aborts */
};

/* Fills o with the defaults: no URL or credentials, connect 10 s, request
 * 120 s, 5 attempts, backoff 250 ms doubling up to 8 s, 256 MiB answers. */
void rpc_options_init(struct rpc_options *o);

/* Why the last call failed. */
enum rpc_failure {
	RPC_OK,
	RPC_FAIL_TRANSPORT,   /* connect/reset/timeout/truncated (after retries) */
	RPC_FAIL_AUTH,        /* HTTP 401 or 403 */
	RPC_FAIL_HTTP,        /* another HTTP status without a usable JSON body */
	RPC_FAIL_TOO_LARGE,   /* the answer exceeded max_response */
	RPC_FAIL_PROTOCOL,    /* the body is not the JSON-RPC answer expected */
	RPC_FAIL_RPC,         /* the node answered with an error object */
};

struct rpc_client;

/* Creates a client. Reads the cookie file now (and again after an HTTP 401,
 * since bitcoind writes a new cookie each start). False with *why (static
 * or owned by nobody: copy it) on a bad URL, an unreadable/malformed cookie,
 * or missing credentials. *out is owned by the caller (rpc_client_free). */
bool rpc_client_new(struct rpc_client **out, const struct rpc_options *opt,
		    const char **why) __attribute__((warn_unused_result));

/* Frees c; NULL is fine. Wipes the password from memory. */
void rpc_client_free(struct rpc_client *c);

/* The URL as safe to print (no credentials). Borrowed from c. */
const char *rpc_client_url(const struct rpc_client *c);

/* The last failure, its RPC code (for RPC_FAIL_RPC), HTTP status (0 when
 * none arrived) and the number of HTTP attempts the last call made. */
enum rpc_failure rpc_client_failure(const struct rpc_client *c);
int rpc_client_code(const struct rpc_client *c);
long rpc_client_http_status(const struct rpc_client *c);
unsigned rpc_client_attempts(const struct rpc_client *c);

/* Calls method with params (a JSON array, borrowed; NULL = []). On success
 * *result is a new reference (caller json_decref's; may be json null). On
 * failure *why is a one-line message, borrowed from c until its next call,
 * naming the method, e.g. "getblockhash: node error -8: Block height out of
 * range". */
bool rpc_call(struct rpc_client *c, json_t **result, const char *method,
	      json_t *params, const char **why)
	__attribute__((warn_unused_result));

/* One request of a batch. The caller sets method and params (borrowed);
 * rpc_batch fills the rest. */
struct rpc_request {
	const char *method;
	json_t *params;           /* array or NULL; borrowed */
	json_t *result;           /* new reference on success, else NULL */
	int code;                 /* 0, or the node's error code */
	char message[200];        /* the node's error message, when code != 0 */
};

/* Sends reqs[0..n) as one JSON array (ids 0..n-1) and matches the answers
 * by id, in whatever order they come. True when every request has either a
 * result or an error (per-request errors are not a failure of the batch:
 * check reqs[i].code). A batch in which any request is in warm-up (-28) is
 * retried whole. Release results with rpc_batch_release. */
bool rpc_batch(struct rpc_client *c, struct rpc_request *reqs, size_t n,
	       const char **why) __attribute__((warn_unused_result));
void rpc_batch_release(struct rpc_request *reqs, size_t n);

/* What getblockchaininfo says about the node's chain. */
struct rpc_chain_info {
	char chain[16];           /* "main", "test", "testnet4", "signet", "regtest" */
	uint32_t blocks;          /* height of the tip */
	uint32_t headers;
	struct hash256 best;
	bool initial_download;
	bool pruned;
	uint32_t prune_height;    /* lowest height with block data, if pruned */
};

bool rpc_getblockchaininfo(struct rpc_client *c, struct rpc_chain_info *out,
			   const char **why) __attribute__((warn_unused_result));
bool rpc_getblockcount(struct rpc_client *c, uint32_t *height,
		       const char **why) __attribute__((warn_unused_result));
bool rpc_getbestblockhash(struct rpc_client *c, struct hash256 *hash,
			  const char **why) __attribute__((warn_unused_result));
/* An out-of-range height fails with rpc_client_code == RPC_INVALID_PARAMETER. */
bool rpc_getblockhash(struct rpc_client *c, struct hash256 *hash,
		      uint32_t height, const char **why)
	__attribute__((warn_unused_result));
/* getblock HASH 0: the raw block in a new buffer (caller frees) of *len
 * bytes. The header's hash is checked against hash: a node that answers
 * with another block is an error. */
bool rpc_getblock(struct rpc_client *c, uint8_t **raw, size_t *len,
		  const struct hash256 *hash, const char **why)
	__attribute__((warn_unused_result));

/* Checks that raw[0..len) (decoded from a getblock answer) is the block
 * whose hash is want. Also used by rpc_source. */
bool rpc_check_block(const uint8_t *raw, size_t len,
		     const struct hash256 *want, const char **why)
	__attribute__((warn_unused_result));

/* Parses a cookie file's contents ("user:password", optional trailing
 * newline) into user and password buffers. False with *why when there is
 * no ':' or a part is empty or too long. Never puts the secret in *why. */
bool rpc_parse_cookie(char *user, size_t usz, char *password, size_t psz,
		      const char *text, size_t len, const char **why)
	__attribute__((warn_unused_result));

#endif
