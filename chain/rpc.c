/* The JSON-RPC transport: one keep-alive CURL handle, bounded answers,
 * retries with backoff, and answers in bitcoind's and other nodes' shapes.
 * The typed calls (getblock...) are in rpc_calls.c. */
#include "proceeds/rpc.h"
#include "rpc_internal.h"

#include <assert.h>
#include <curl/curl.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define COOKIE_MAX 4096

struct rpc_client {
	CURL *curl;
	struct curl_slist *headers;
	char url[1024];            /* no credentials: safe to print */
	char user[256];
	char password[256];
	char cookie_path[4096];    /* "" unless credentials come from a cookie */
	struct rpc_options opt;
	char *body;                /* the answer being received */
	size_t body_len, body_cap;
	bool over_cap;
	char curl_err[CURL_ERROR_SIZE];
	enum rpc_failure failure;
	int code;
	long http_status;
	unsigned attempts;
	char err[600];
};

void rpc_options_init(struct rpc_options *o)
{
	memset(o, 0, sizeof(*o));
	o->connect_timeout_ms = 10000;
	o->timeout_ms = 120000;
	o->max_attempts = 5;
	o->backoff_ms = 250;
	o->backoff_max_ms = 8000;
	o->max_response = (size_t)256 << 20;
}

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;
static CURLcode curl_init_rc;
static void curl_init(void)
{
	curl_init_rc = curl_global_init(CURL_GLOBAL_DEFAULT);
}

/* Removes every copy of the password from msg: messages are built from the
 * URL without userinfo, libcurl's text and the node's text, none of which
 * should hold it, but a node echoing a request must not leak it either. */
static void scrub(const struct rpc_client *c, char *msg)
{
	size_t plen = strlen(c->password);
	char *p;
	if (plen < 4)
		return;
	while ((p = strstr(msg, c->password)) != NULL) {
		memcpy(p, "***", 3);
		memmove(p + 3, p + plen, strlen(p + plen) + 1);
	}
}

void rpc_fail(struct rpc_client *c, enum rpc_failure f, const char *fmt, ...)
{
	va_list ap;
	c->failure = f;
	va_start(ap, fmt);
	vsnprintf(c->err, sizeof(c->err), fmt, ap);
	va_end(ap);
	for (char *p = c->err; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	scrub(c, c->err);
}

const char *rpc_error_text(const struct rpc_client *c)
{
	return c->err;
}

void rpc_set_code(struct rpc_client *c, int code)
{
	c->code = code;
}

const char *rpc_client_url(const struct rpc_client *c) { return c->url; }
enum rpc_failure rpc_client_failure(const struct rpc_client *c) { return c->failure; }
int rpc_client_code(const struct rpc_client *c) { return c->code; }
long rpc_client_http_status(const struct rpc_client *c) { return c->http_status; }
unsigned rpc_client_attempts(const struct rpc_client *c) { return c->attempts; }

bool rpc_parse_cookie(char *user, size_t usz, char *password, size_t psz,
		      const char *text, size_t len, const char **why)
{
	const char *colon = memchr(text, ':', len);
	size_t ulen, plen;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (!colon || colon >= text + len) {
		*why = "cookie file has no ':' (expected user:password)";
		return false;
	}
	ulen = (size_t)(colon - text);
	plen = len - ulen - 1;
	if (ulen == 0 || plen == 0) {
		*why = "cookie file has an empty user or password";
		return false;
	}
	if (ulen >= usz || plen >= psz || memchr(text, 0, len)) {
		*why = "cookie file is malformed (too long or binary)";
		return false;
	}
	memcpy(user, text, ulen);
	user[ulen] = 0;
	memcpy(password, colon + 1, plen);
	password[plen] = 0;
	return true;
}

/* (Re)reads the cookie file into c->user/password. */
static bool load_cookie(struct rpc_client *c, const char **why)
{
	char text[COOKIE_MAX];
	size_t n;
	FILE *f = fopen(c->cookie_path, "rb");
	if (!f) {
		snprintf(c->err, sizeof(c->err), "cannot read cookie file %.400s: %s",
			 c->cookie_path, strerror(errno));
		*why = c->err;
		return false;
	}
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (n == sizeof(text)) {
		*why = "cookie file is too large";
		return false;
	}
	return rpc_parse_cookie(c->user, sizeof(c->user), c->password,
				sizeof(c->password), text, n, why);
}

/* Copies a credential into dst; false when it does not fit. */
static bool set_cred(char *dst, size_t dsz, const char *src)
{
	if (strlen(src) >= dsz)
		return false;
	strcpy(dst, src);
	return true;
}

/* Splits userinfo out of the URL: credentials go to c->user/password (unless
 * given separately), the rest to c->url. */
static bool parse_url(struct rpc_client *c, const char *url, const char **why)
{
	CURLU *u = curl_url();
	char *user = NULL, *pass = NULL, *clean = NULL, *scheme = NULL;
	bool ok = false;
	*why = "invalid RPC URL";
	if (!u || curl_url_set(u, CURLUPART_URL, url, CURLU_DEFAULT_SCHEME))
		goto out;
	if (curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) ||
	    (strcmp(scheme, "http") && strcmp(scheme, "https"))) {
		*why = "RPC URL must be http:// or https://";
		goto out;
	}
	if (!curl_url_get(u, CURLUPART_USER, &user, CURLU_URLDECODE) &&
	    !curl_url_get(u, CURLUPART_PASSWORD, &pass, CURLU_URLDECODE) &&
	    !c->user[0] && !c->cookie_path[0] &&
	    (!set_cred(c->user, sizeof(c->user), user) ||
	     !set_cred(c->password, sizeof(c->password), pass))) {
		*why = "credentials in the RPC URL are too long";
		goto out;
	}
	curl_url_set(u, CURLUPART_USER, NULL, 0);
	curl_url_set(u, CURLUPART_PASSWORD, NULL, 0);
	if (curl_url_get(u, CURLUPART_URL, &clean, 0) ||
	    strlen(clean) >= sizeof(c->url))
		goto out;
	strcpy(c->url, clean);
	ok = true;
out:
	if (pass)
		memset(pass, 0, strlen(pass));
	curl_free(user);
	curl_free(pass);
	curl_free(clean);
	curl_free(scheme);
	curl_url_cleanup(u);
	return ok;
}

static size_t on_data(char *p, size_t size, size_t n, void *ud)
{
	struct rpc_client *c = ud;
	size_t len = size * n;
	if (len > c->opt.max_response - c->body_len) {
		c->over_cap = true;
		return 0; /* aborts the transfer: nothing more is buffered */
	}
	if (c->body_len + len + 1 > c->body_cap) {
		size_t cap = c->body_cap ? c->body_cap : 65536;
		char *nb;
		while (cap < c->body_len + len + 1)
			cap *= 2;
		nb = realloc(c->body, cap);
		if (!nb) {
			c->over_cap = true;
			return 0;
		}
		c->body = nb;
		c->body_cap = cap;
	}
	memcpy(c->body + c->body_len, p, len);
	c->body_len += len;
	return len;
}

static bool setup_curl(struct rpc_client *c)
{
	CURL *h = c->curl;
	c->headers = curl_slist_append(NULL, "Content-Type: application/json");
	/* No "Expect: 100-continue" round trip for large batches. */
	c->headers = curl_slist_append(c->headers, "Expect:");
	if (!c->headers)
		return false;
	return !curl_easy_setopt(h, CURLOPT_URL, c->url) &&
	       !curl_easy_setopt(h, CURLOPT_HTTPHEADER, c->headers) &&
	       !curl_easy_setopt(h, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC) &&
	       !curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) &&
	       !curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) &&
	       !curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") &&
	       !curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, c->opt.connect_timeout_ms) &&
	       !curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, c->opt.timeout_ms) &&
	       !curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)c->opt.max_response) &&
	       !curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data) &&
	       !curl_easy_setopt(h, CURLOPT_WRITEDATA, c) &&
	       !curl_easy_setopt(h, CURLOPT_ERRORBUFFER, c->curl_err) &&
	       !curl_easy_setopt(h, CURLOPT_USERAGENT, "proceeds");
}

static bool load_credentials(struct rpc_client *c, const struct rpc_options *opt,
			     const char **why)
{
	if (opt->user) {
		if (!opt->password) {
			*why = "an RPC user needs a password";
			return false;
		}
		if (!set_cred(c->user, sizeof(c->user), opt->user) ||
		    !set_cred(c->password, sizeof(c->password), opt->password)) {
			*why = "RPC user or password is too long";
			return false;
		}
		return true;
	}
	if (!opt->cookie_file)
		return true; /* maybe in the URL */
	if (!set_cred(c->cookie_path, sizeof(c->cookie_path), opt->cookie_file)) {
		*why = "cookie file path is too long";
		return false;
	}
	return load_cookie(c, why);
}

bool rpc_client_new(struct rpc_client **out, const struct rpc_options *opt,
		    const char **why)
{
	static __thread char new_err[600];
	struct rpc_client *c;
	*out = NULL;
	assert(opt->max_attempts >= 1 && opt->backoff_ms >= 0 && opt->max_response > 0);
	pthread_once(&curl_once, curl_init);
	if (curl_init_rc != CURLE_OK) {
		*why = "libcurl initialisation failed";
		return false;
	}
	if (!opt->url || !*opt->url) {
		*why = "no RPC URL given";
		return false;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		*why = "out of memory";
		return false;
	}
	c->opt = *opt;
	c->opt.url = NULL;
	c->opt.user = c->opt.password = c->opt.cookie_file = NULL;
	if (!load_credentials(c, opt, why) || !parse_url(c, opt->url, why))
		goto fail;
	if (!c->user[0]) {
		*why = "no RPC credentials (give --rpc-user/--rpc-password or --rpc-cookie)";
		goto fail;
	}
	c->curl = curl_easy_init();
	if (!c->curl || !setup_curl(c)) {
		*why = "cannot set up libcurl";
		goto fail;
	}
	*out = c;
	return true;
fail:
	/* *why may point into c, which is about to go. */
	snprintf(new_err, sizeof(new_err), "%s", *why);
	*why = new_err;
	rpc_client_free(c);
	return false;
}

void rpc_client_free(struct rpc_client *c)
{
	if (!c)
		return;
	if (c->curl)
		curl_easy_cleanup(c->curl);
	curl_slist_free_all(c->headers);
	free(c->body);
	memset(c->password, 0, sizeof(c->password));
	free(c);
}

/* The outcome of one HTTP exchange. */
enum attempt {
	ATTEMPT_OK,      /* *reply holds the JSON answer */
	ATTEMPT_RETRY,   /* transient: c->err says why */
	ATTEMPT_FAIL,    /* definite: c->err says why */
};

/* CURLcode is libcurl's open-ended list, so no switch over it. */
static bool curl_transient(CURLcode rc)
{
	return rc == CURLE_COULDNT_CONNECT || rc == CURLE_OPERATION_TIMEDOUT ||
	       rc == CURLE_SEND_ERROR || rc == CURLE_RECV_ERROR ||
	       rc == CURLE_GOT_NOTHING || rc == CURLE_PARTIAL_FILE ||
	       rc == CURLE_HTTP2 || rc == CURLE_HTTP2_STREAM;
}

static enum attempt transport_error(struct rpc_client *c, const char *method,
				    CURLcode rc)
{
	if (c->over_cap || rc == CURLE_FILESIZE_EXCEEDED) {
		rpc_fail(c, RPC_FAIL_TOO_LARGE,
			 "%s: answer from %s exceeds the %zu-byte limit", method,
			 c->url, c->opt.max_response);
		return ATTEMPT_FAIL;
	}
	rpc_fail(c, RPC_FAIL_TRANSPORT, "%s: %s: %s", method, c->url,
		 c->curl_err[0] ? c->curl_err : curl_easy_strerror(rc));
	return curl_transient(rc) ? ATTEMPT_RETRY : ATTEMPT_FAIL;
}

/* Judges an answer that arrived whole: status and body. */
static enum attempt judge(struct rpc_client *c, const char *method,
			  json_t **reply)
{
	json_error_t jerr;
	long st = c->http_status;
	if (st == 401 || st == 403) {
		rpc_fail(c, RPC_FAIL_AUTH, "%s: %s: authentication failed (HTTP %ld)%s",
			 method, c->url, st,
			 st == 403 ? ": this client's address is not allowed" : "");
		return ATTEMPT_FAIL;
	}
	*reply = json_loadb(c->body ? c->body : "", c->body_len, 0, &jerr);
	if (*reply && (st == 200 || json_is_object(*reply) || json_is_array(*reply)))
		return ATTEMPT_OK; /* error bodies are read by the caller */
	if (st >= 500) {
		rpc_fail(c, RPC_FAIL_HTTP, "%s: %s: HTTP %ld without a JSON-RPC answer",
			 method, c->url, st);
		return ATTEMPT_RETRY;
	}
	if (st != 200) {
		rpc_fail(c, RPC_FAIL_HTTP, "%s: %s: HTTP %ld without a JSON-RPC answer",
			 method, c->url, st);
		return ATTEMPT_FAIL;
	}
	rpc_fail(c, RPC_FAIL_PROTOCOL, "%s: answer is not JSON (%s at byte %d)",
		 method, jerr.text, jerr.position);
	return ATTEMPT_FAIL;
}

static enum attempt attempt_once(struct rpc_client *c, const char *method,
				 const char *req, size_t reqlen, json_t **reply)
{
	CURLcode rc;
	CURL *h = c->curl;
	c->body_len = 0;
	c->over_cap = false;
	c->curl_err[0] = 0;
	c->http_status = 0;
	if (curl_easy_setopt(h, CURLOPT_USERNAME, c->user) ||
	    curl_easy_setopt(h, CURLOPT_PASSWORD, c->password) ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)reqlen) ||
	    curl_easy_setopt(h, CURLOPT_POSTFIELDS, req)) {
		rpc_fail(c, RPC_FAIL_TRANSPORT, "%s: cannot set up libcurl", method);
		return ATTEMPT_FAIL;
	}
	rc = curl_easy_perform(h);
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &c->http_status);
	if (rc != CURLE_OK)
		return transport_error(c, method, rc);
	return judge(c, method, reply);
}

/* True when an answer (object or batch array) carries error -28; copies
 * the node's message into c->err. */
static bool warming_up(struct rpc_client *c, const char *method, json_t *reply)
{
	size_t i, n = json_is_array(reply) ? json_array_size(reply) : 1;
	for (i = 0; i < n; i++) {
		json_t *one = json_is_array(reply) ? json_array_get(reply, i) : reply;
		json_t *err = json_object_get(one, "error");
		json_t *code = json_object_get(err, "code");
		const char *msg = json_string_value(json_object_get(err, "message"));
		if (json_integer_value(code) == RPC_IN_WARMUP) {
			rpc_fail(c, RPC_FAIL_RPC, "%s: node is warming up: %s", method,
				 msg ? msg : "(no message)");
			c->code = RPC_IN_WARMUP;
			return true;
		}
	}
	return false;
}

static void backoff_sleep(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* After a 401 with a cookie, bitcoind may have restarted with a new cookie:
 * true when re-reading it gave other credentials. */
static bool cookie_changed(struct rpc_client *c)
{
	char old[sizeof(c->password)];
	const char *why;
	bool changed;
	if (!c->cookie_path[0] || rpc_client_failure(c) != RPC_FAIL_AUTH)
		return false;
	char err[sizeof(c->err)];
	memcpy(old, c->password, sizeof(old));
	memcpy(err, c->err, sizeof(err));
	changed = load_cookie(c, &why) && strcmp(old, c->password) != 0;
	memcpy(c->err, err, sizeof(err)); /* keep the 401 message */
	memset(old, 0, sizeof(old));
	return changed;
}

bool rpc_exchange(struct rpc_client *c, json_t **reply, const char *method,
		  const char *req, size_t reqlen)
{
	long wait = c->opt.backoff_ms;
	bool cookie_retried = false;
	*reply = NULL;
	c->code = 0;
	for (c->attempts = 1;; c->attempts++) {
		enum attempt a = attempt_once(c, method, req, reqlen, reply);
		if (a == ATTEMPT_OK && !warming_up(c, method, *reply)) {
			c->failure = RPC_OK;
			return true;
		}
		json_decref(*reply);
		*reply = NULL;
		if (a == ATTEMPT_FAIL && !cookie_retried && cookie_changed(c)) {
			cookie_retried = true;
			continue;
		}
		if (a == ATTEMPT_FAIL || c->attempts >= c->opt.max_attempts)
			break;
		backoff_sleep(wait);
		wait = wait * 2 > c->opt.backoff_max_ms ? c->opt.backoff_max_ms : wait * 2;
	}
	if (c->attempts > 1) {
		size_t n = strlen(c->err);
		snprintf(c->err + n, sizeof(c->err) - n, " (gave up after %u attempts)",
			 c->attempts);
	}
	return false;
}
