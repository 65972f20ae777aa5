/* JSON-RPC requests and answers: single calls, batches matched by id, and
 * the typed calls proceeds needs from a node. */
#include "proceeds/rpc.h"
#include "proceeds/hex.h"
#include "proceeds/tx.h"
#include "rpc_internal.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* {"jsonrpc":"1.0","id":id,"method":method,"params":params}: a new ref. */
static json_t *request_object(const char *method, json_t *params, size_t id)
{
	return json_pack("{s:s, s:I, s:s, s:o}", "jsonrpc", "1.0", "id",
			 (json_int_t)id, "method", method, "params",
			 params ? json_incref(params) : json_array());
}

/* Serialises and exchanges req (stolen). */
static bool send_json(struct rpc_client *c, json_t **reply, const char *method,
		      json_t *req)
{
	char *text = req ? json_dumps(req, JSON_COMPACT) : NULL;
	bool ok;
	json_decref(req);
	if (!text) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "%s: cannot encode the request", method);
		return false;
	}
	ok = rpc_exchange(c, reply, method, text, strlen(text));
	free(text);
	return ok;
}

/* Reads an `error` member: false when it is absent or null. JSON-RPC 1.0
 * nodes may use a bare string. */
static bool error_of(json_t *one, int *code, char *msg, size_t msz)
{
	json_t *err = json_object_get(one, "error");
	const char *text;
	if (!err || json_is_null(err))
		return false;
	*code = RPC_MISC_ERROR;
	if (json_is_object(err)) {
		json_t *jc = json_object_get(err, "code");
		if (json_is_integer(jc) && json_integer_value(jc) != 0 &&
		    json_integer_value(jc) >= INT32_MIN && json_integer_value(jc) <= INT32_MAX)
			*code = (int)json_integer_value(jc);
		text = json_string_value(json_object_get(err, "message"));
	} else {
		text = json_string_value(err);
	}
	snprintf(msg, msz, "%s", text ? text : "(no message)");
	for (char *p = msg; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	return true;
}

bool rpc_call(struct rpc_client *c, json_t **result, const char *method,
	      json_t *params, const char **why)
{
	json_t *reply, *id;
	char msg[200];
	int code;
	*result = NULL;
	if (!send_json(c, &reply, method, request_object(method, params, 1)))
		goto fail;
	id = json_object_get(reply, "id");
	if (!json_is_object(reply) || (json_is_integer(id) && json_integer_value(id) != 1)) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "%s: answer is not a JSON-RPC reply to this request",
			 method);
	} else if (error_of(reply, &code, msg, sizeof(msg))) {
		rpc_fail(c, RPC_FAIL_RPC, "%s: node error %d: %s", method, code, msg);
		rpc_set_code(c, code);
	} else if (!json_object_get(reply, "result")) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "%s: answer has neither result nor error", method);
	} else {
		*result = json_incref(json_object_get(reply, "result"));
		json_decref(reply);
		return true;
	}
	json_decref(reply);
fail:
	*why = rpc_error_text(c);
	return false;
}

/* Files one element of a batch answer under its id. */
static bool batch_one(struct rpc_client *c, struct rpc_request *reqs, size_t n,
		      bool *seen, json_t *one)
{
	json_t *id = json_object_get(one, "id");
	json_int_t i = json_integer_value(id);
	struct rpc_request *r;
	if (!json_is_integer(id) || i < 0 || (size_t)i >= n || seen[i]) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "batch: answer with an unknown or repeated id");
		return false;
	}
	seen[i] = true;
	r = &reqs[i];
	if (error_of(one, &r->code, r->message, sizeof(r->message)))
		return true;
	if (!json_object_get(one, "result")) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "batch: answer %lld has neither result nor error",
			 (long long)i);
		return false;
	}
	r->result = json_incref(json_object_get(one, "result"));
	return true;
}

static bool batch_match(struct rpc_client *c, struct rpc_request *reqs, size_t n,
			json_t *reply)
{
	bool *seen = calloc(n, sizeof(*seen));
	bool ok = seen != NULL;
	size_t i;
	char msg[200];
	int code;
	if (!json_is_array(reply)) {
		ok = false;
		if (error_of(reply, &code, msg, sizeof(msg))) {
			rpc_fail(c, RPC_FAIL_RPC, "batch: node error %d: %s", code, msg);
			rpc_set_code(c, code);
		} else {
			rpc_fail(c, RPC_FAIL_PROTOCOL, "batch: answer is not a JSON array");
		}
	}
	for (i = 0; ok && i < json_array_size(reply); i++)
		ok = batch_one(c, reqs, n, seen, json_array_get(reply, i));
	for (i = 0; ok && i < n; i++)
		if (!seen[i]) {
			rpc_fail(c, RPC_FAIL_PROTOCOL, "batch: no answer for request %zu (%s)",
				 i, reqs[i].method);
			ok = false;
		}
	free(seen);
	return ok;
}

bool rpc_batch(struct rpc_client *c, struct rpc_request *reqs, size_t n,
	       const char **why)
{
	json_t *arr = json_array(), *reply = NULL;
	size_t i;
	for (i = 0; i < n; i++) {
		reqs[i].result = NULL;
		reqs[i].code = 0;
		reqs[i].message[0] = 0;
		if (arr && json_array_append_new(arr, request_object(reqs[i].method,
								     reqs[i].params, i))) {
			json_decref(arr);
			arr = NULL;
		}
	}
	if (n == 0) {
		json_decref(arr);
		return true;
	}
	if (send_json(c, &reply, "batch", arr) && batch_match(c, reqs, n, reply)) {
		json_decref(reply);
		return true;
	}
	json_decref(reply);
	rpc_batch_release(reqs, n);
	*why = rpc_error_text(c);
	return false;
}

void rpc_batch_release(struct rpc_request *reqs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		json_decref(reqs[i].result);
		reqs[i].result = NULL;
	}
}

/* A JSON integer in [0, UINT32_MAX]. */
static bool get_u32(uint32_t *out, json_t *v)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX)
		return false;
	*out = (uint32_t)json_integer_value(v);
	return true;
}

static bool get_hash(struct hash256 *out, json_t *v)
{
	const char *why;
	return json_is_string(v) && hash256_from_hex(out, json_string_value(v), &why);
}

static bool bad_answer(struct rpc_client *c, const char *method, const char *what,
		       const char **why)
{
	rpc_fail(c, RPC_FAIL_PROTOCOL, "%s: unexpected answer: %s", method, what);
	*why = rpc_error_text(c);
	return false;
}

bool rpc_getblockchaininfo(struct rpc_client *c, struct rpc_chain_info *out,
			   const char **why)
{
	json_t *r, *prune;
	const char *chain;
	bool ok;
	memset(out, 0, sizeof(*out));
	if (!rpc_call(c, &r, "getblockchaininfo", NULL, why))
		return false;
	chain = json_string_value(json_object_get(r, "chain"));
	prune = json_object_get(r, "pruneheight");
	ok = chain && strlen(chain) < sizeof(out->chain) &&
	     get_u32(&out->blocks, json_object_get(r, "blocks")) &&
	     get_u32(&out->headers, json_object_get(r, "headers")) &&
	     get_hash(&out->best, json_object_get(r, "bestblockhash")) &&
	     (!prune || get_u32(&out->prune_height, prune));
	if (ok) {
		strcpy(out->chain, chain);
		out->initial_download = json_is_true(json_object_get(r, "initialblockdownload"));
		out->pruned = json_is_true(json_object_get(r, "pruned"));
	}
	json_decref(r);
	return ok || bad_answer(c, "getblockchaininfo",
				"missing chain, blocks, headers or bestblockhash", why);
}

bool rpc_getblockcount(struct rpc_client *c, uint32_t *height, const char **why)
{
	json_t *r;
	bool ok;
	if (!rpc_call(c, &r, "getblockcount", NULL, why))
		return false;
	ok = get_u32(height, r);
	json_decref(r);
	return ok || bad_answer(c, "getblockcount", "not a height", why);
}

bool rpc_getbestblockhash(struct rpc_client *c, struct hash256 *hash,
			  const char **why)
{
	json_t *r;
	bool ok;
	if (!rpc_call(c, &r, "getbestblockhash", NULL, why))
		return false;
	ok = get_hash(hash, r);
	json_decref(r);
	return ok || bad_answer(c, "getbestblockhash", "not a block hash", why);
}

bool rpc_getblockhash(struct rpc_client *c, struct hash256 *hash,
		      uint32_t height, const char **why)
{
	json_t *r, *params = json_pack("[I]", (json_int_t)height);
	bool ok;
	ok = params && rpc_call(c, &r, "getblockhash", params, why);
	json_decref(params);
	if (!ok)
		return false;
	ok = get_hash(hash, r);
	json_decref(r);
	return ok || bad_answer(c, "getblockhash", "not a block hash", why);
}

bool rpc_check_block(const uint8_t *raw, size_t len, const struct hash256 *want,
		     const char **why)
{
	static __thread char msg[200];
	struct hash256 got;
	char a[65], b[65];
	if (len < 80) {
		*why = "node sent a block shorter than its header";
		return false;
	}
	block_header_hash(&got, raw);
	if (hash256_eq(&got, want))
		return true;
	hash256_to_hex(a, &got);
	hash256_to_hex(b, want);
	snprintf(msg, sizeof(msg), "node sent block %s when asked for %s", a, b);
	*why = msg;
	return false;
}

/* Decodes a getblock verbosity-0 answer and checks its hash. */
bool rpc_block_from_json(uint8_t **raw, size_t *len, json_t *hexstr,
			 const struct hash256 *want, const char **why)
{
	*raw = NULL;
	if (!json_is_string(hexstr)) {
		*why = "getblock: answer is not a hex string";
		return false;
	}
	if (!hex_decode_alloc(raw, len, json_string_value(hexstr),
			      json_string_length(hexstr), why))
		return false;
	if (rpc_check_block(*raw, *len, want, why))
		return true;
	free(*raw);
	*raw = NULL;
	return false;
}

json_t *rpc_getblock_params(const struct hash256 *hash)
{
	char hex[65];
	hash256_to_hex(hex, hash);
	return json_pack("[s, i]", hex, 0);
}

bool rpc_getblock(struct rpc_client *c, uint8_t **raw, size_t *len,
		  const struct hash256 *hash, const char **why)
{
	json_t *r, *params = rpc_getblock_params(hash);
	const char *bad;
	bool ok;
	*raw = NULL;
	ok = params && rpc_call(c, &r, "getblock", params, why);
	json_decref(params);
	if (!ok)
		return false;
	ok = rpc_block_from_json(raw, len, r, hash, &bad);
	json_decref(r);
	if (!ok) {
		rpc_fail(c, RPC_FAIL_PROTOCOL, "getblock: %s", bad);
		*why = rpc_error_text(c);
	}
	return ok;
}
