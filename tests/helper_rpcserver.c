/* The test server's HTTP side: sockets, one thread per connection, basic
 * auth, JSON-RPC 1.0/2.0 and batches, status codes as bitcoind's
 * httprpc.cpp, and the fault modes. */
#include "helper_rpcserver_int.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define HEADER_MAX 65536
#define BODY_MAX ((size_t)256 << 20)
#define HUGE_BYTES ((uint64_t)1 << 30)
#define IDLE_MS 30000

struct rpcsrv {
	pthread_t acceptor;
	pthread_mutex_t lock;
	int listen_fd;
	int stop_pipe[2];
	char url[64];
	char auth[720];            /* the Authorization header expected */
	struct srv_chain chain;
	enum rpcsrv_fault fault;
	uint32_t fault_left;
	uint32_t warmup_left;
	bool errors_200;
	bool batch_reversed;
	uint32_t requests, calls, connections;
	pthread_t *conns;          /* joined at stop or when idle */
	size_t n_conns, cap_conns;
	uint32_t active;           /* connection threads still serving */
};

struct conn {
	struct rpcsrv *s;
	int fd;
	char *buf;
	size_t len, cap;
};

struct http_req {
	char method[16];
	bool close;
	bool expect;
	bool authorized;
	size_t head_len, body_len;
};

/* Waits until fd is readable; false on stop, idle timeout or error. */
static bool wait_readable(struct conn *c)
{
	struct pollfd p[2] = { { c->fd, POLLIN, 0 }, { c->s->stop_pipe[0], POLLIN, 0 } };
	int rc;
	do
		rc = poll(p, 2, IDLE_MS);
	while (rc < 0 && errno == EINTR);
	return rc > 0 && !(p[1].revents & POLLIN) && (p[0].revents & (POLLIN | POLLHUP));
}

/* Reads what is available; false on EOF, error or stop. */
static bool conn_fill(struct conn *c)
{
	ssize_t n;
	if (!wait_readable(c))
		return false;
	if (c->len + 65536 > c->cap) {
		c->cap = c->cap ? c->cap * 2 : 131072;
		c->buf = realloc(c->buf, c->cap + 1);
		if (!c->buf)
			srv_die("out of memory");
	}
	n = recv(c->fd, c->buf + c->len, c->cap - c->len, 0);
	if (n <= 0)
		return false;
	c->len += (size_t)n;
	c->buf[c->len] = 0;
	return true;
}

static bool send_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	while (len) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		p += n;
		len -= (size_t)n;
	}
	return true;
}

static void parse_header(struct rpcsrv *s, struct http_req *r, char *line)
{
	char *colon = strchr(line, ':'), *v;
	if (!colon)
		return;
	*colon = 0;
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	if (!strcasecmp(line, "content-length"))
		r->body_len = strtoull(v, NULL, 10);
	else if (!strcasecmp(line, "connection"))
		r->close = !strcasecmp(v, "close");
	else if (!strcasecmp(line, "expect"))
		r->expect = !strcasecmp(v, "100-continue");
	else if (!strcasecmp(line, "authorization"))
		r->authorized = !strcmp(v, s->auth);
}

/* Parses the request line and headers of c->buf[0..head_len). */
static bool parse_head(struct conn *c, struct http_req *r)
{
	char *save = NULL, *line, *head;
	char version[16] = "";
	head = strndup(c->buf, r->head_len - 4);
	if (!head)
		srv_die("out of memory");
	line = strtok_r(head, "\r\n", &save);
	if (!line || sscanf(line, "%15s %*s %15s", r->method, version) != 2) {
		free(head);
		return false;
	}
	r->close = strcmp(version, "HTTP/1.1") != 0;
	while ((line = strtok_r(NULL, "\r\n", &save)) != NULL)
		parse_header(c->s, r, line);
	free(head);
	return r->body_len <= BODY_MAX;
}

/* Reads one whole request; false when the connection is over. */
static bool read_request(struct conn *c, struct http_req *r)
{
	char *end;
	memset(r, 0, sizeof(*r));
	while (!(c->len && (end = strstr(c->buf, "\r\n\r\n")) != NULL)) {
		if (c->len > HEADER_MAX || !conn_fill(c))
			return false;
	}
	r->head_len = (size_t)(end - c->buf) + 4;
	if (!parse_head(c, r))
		return false;
	if (r->expect && c->len < r->head_len + r->body_len &&
	    !send_all(c->fd, "HTTP/1.1 100 Continue\r\n\r\n", 25))
		return false;
	while (c->len < r->head_len + r->body_len)
		if (!conn_fill(c))
			return false;
	return true;
}

static void consume(struct conn *c, const struct http_req *r)
{
	size_t used = r->head_len + r->body_len;
	memmove(c->buf, c->buf + used, c->len - used);
	c->len -= used;
	c->buf[c->len] = 0;
}

static bool respond(int fd, int status, const char *type, const char *body,
		    size_t len, const char *extra)
{
	char head[512];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n%s\r\n",
			 status, status == 200 ? "OK" : "Error", type, len, extra);
	return send_all(fd, head, (size_t)n) && send_all(fd, body, len);
}

/* Holds the connection open, answering nothing, until the client gives up. */
static void hang(struct conn *c)
{
	while (conn_fill(c))
		c->len = 0;
}

static void stream_huge(int fd, bool chunked)
{
	static const char chunk_head[] = "10000\r\n";
	char head[256], *blk = malloc(65536);
	uint64_t sent;
	if (!blk)
		srv_die("out of memory");
	memset(blk, ' ', 65536);
	blk[0] = '[';
	if (chunked)
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Transfer-Encoding: chunked\r\n\r\n");
	else
		snprintf(head, sizeof(head), "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
			 "Content-Length: %llu\r\n\r\n", (unsigned long long)HUGE_BYTES);
	if (send_all(fd, head, strlen(head)))
		for (sent = 0; sent < HUGE_BYTES; sent += 65536)
			if ((chunked && !send_all(fd, chunk_head, 7)) ||
			    !send_all(fd, blk, 65536) || (chunked && !send_all(fd, "\r\n", 2)))
				break;
	free(blk);
}

/* Builds the answer to one request object as bitcoind would. */
static json_t *answer_one(struct rpcsrv *s, json_t *req, bool warm, bool wrong,
			  int *code)
{
	json_t *id = json_object_get(req, "id"), *params = json_object_get(req, "params");
	const char *method = json_string_value(json_object_get(req, "method"));
	const char *ver = json_string_value(json_object_get(req, "jsonrpc"));
	bool v2 = ver && !strcmp(ver, "2.0");
	json_t *result = NULL;
	char msg[200];
	*code = 0;
	if (!json_is_object(req) || !method) {
		*code = -32600;
		snprintf(msg, sizeof(msg), "Method must be a string");
	} else if (params && !json_is_array(params) && !json_is_null(params)) {
		*code = -32600;
		snprintf(msg, sizeof(msg), "Params must be an array");
	} else if (warm) {
		*code = -28;
		snprintf(msg, sizeof(msg), "Loading block index\xe2\x80\xa6");
	} else {
		pthread_mutex_lock(&s->lock);
		s->calls++;
		result = srv_chain_call(&s->chain, method, params ? params : json_null(),
					wrong, code, msg, sizeof(msg));
		pthread_mutex_unlock(&s->lock);
	}
	id = id ? json_incref(id) : json_null();
	if (v2 && !*code)
		return json_pack("{s:s, s:o, s:o}", "jsonrpc", "2.0", "result", result, "id", id);
	if (v2)
		return json_pack("{s:s, s:{s:i, s:s}, s:o}", "jsonrpc", "2.0", "error",
				 "code", *code, "message", msg, "id", id);
	if (!*code)
		return json_pack("{s:o, s:n, s:o}", "result", result, "error", "id", id);
	return json_pack("{s:n, s:{s:i, s:s}, s:o}", "result", "error", "code", *code,
			 "message", msg, "id", id);
}

/* bitcoind's JSONErrorReply: the HTTP status of a failed single request. */
static int status_of(int code)
{
	if (code == -32600)
		return 400;
	if (code == -32601)
		return 404;
	return 500;
}

/* Answers a JSON-RPC body; returns the HTTP status and the answer. */
static json_t *answer_body(struct rpcsrv *s, const char *body, size_t len,
			   bool warm, bool wrong, int *status)
{
	json_t *req = json_loadb(body, len, 0, NULL), *out;
	bool reversed;
	int code;
	pthread_mutex_lock(&s->lock);
	reversed = s->batch_reversed;
	pthread_mutex_unlock(&s->lock);
	*status = 200;
	if (!req) {
		*status = 500;
		return json_pack("{s:n, s:{s:i, s:s}, s:n}", "result", "error", "code",
				 -32700, "message", "Parse error", "id");
	}
	if (json_is_array(req)) {
		size_t i;
		out = json_array();
		for (i = 0; i < json_array_size(req); i++)
			json_array_insert_new(out, reversed ? 0 : i,
					      answer_one(s, json_array_get(req, i),
							 warm, wrong, &code));
	} else {
		const char *ver = json_string_value(json_object_get(req, "jsonrpc"));
		out = answer_one(s, req, warm, wrong, &code);
		if (code && !(ver && !strcmp(ver, "2.0")))
			*status = status_of(code);
	}
	json_decref(req);
	return out;
}

/* Takes one request's share of the fault and warm-up budgets. */
static void take_budgets(struct rpcsrv *s, enum rpcsrv_fault *f, bool *warm,
			 bool *errors_200)
{
	pthread_mutex_lock(&s->lock);
	s->requests++;
	*f = s->fault_left ? s->fault : RPCSRV_FAULT_NONE;
	if (s->fault_left && s->fault_left != UINT32_MAX)
		s->fault_left--;
	*warm = s->warmup_left > 0;
	if (s->warmup_left)
		s->warmup_left--;
	*errors_200 = s->errors_200;
	pthread_mutex_unlock(&s->lock);
}

/* Sends the normal answer, or its first half for RPCSRV_FAULT_TRUNCATE. */
static bool send_answer(struct conn *c, const struct http_req *r,
			enum rpcsrv_fault f, bool warm, bool errors_200)
{
	int status;
	json_t *ans = answer_body(c->s, c->buf + r->head_len, r->body_len, warm,
				  f == RPCSRV_FAULT_WRONG_BLOCK, &status);
	char *text = json_dumps(ans, JSON_COMPACT);
	size_t len;
	bool ok;
	json_decref(ans);
	if (!text)
		srv_die("cannot encode an answer");
	len = strlen(text);
	text[len] = '\n'; /* bitcoind ends its JSON with a newline */
	if (errors_200)
		status = 200;
	if (f == RPCSRV_FAULT_TRUNCATE) {
		char head[200];
		int n = snprintf(head, sizeof(head), "HTTP/1.1 %d OK\r\nContent-Length: %zu\r\n\r\n",
				 status, len + 1);
		send_all(c->fd, head, (size_t)n);
		send_all(c->fd, text, (len + 1) / 2);
		ok = false;
	} else {
		ok = respond(c->fd, status, "application/json", text, len + 1,
			     r->close ? "Connection: close\r\n" : "");
	}
	free(text);
	return ok && !r->close;
}

/* Serves one request; false when the connection must end. */
static bool serve(struct conn *c, const struct http_req *r)
{
	enum rpcsrv_fault f;
	bool warm, errors_200;
	take_budgets(c->s, &f, &warm, &errors_200);
	if (!r->authorized)
		return respond(c->fd, 401, "text/html", "", 0,
			       "WWW-Authenticate: Basic realm=\"jsonrpc\"\r\n") && !r->close;
	if (strcmp(r->method, "POST"))
		return respond(c->fd, 405, "text/html", "JSONRPC server handles only POST requests",
			       41, "") && !r->close;
	switch (f) {
	case RPCSRV_FAULT_GARBAGE:
		return respond(c->fd, 200, "application/json", "<html>oops</html>", 17, "");
	case RPCSRV_FAULT_HANG:
		hang(c);
		return false;
	case RPCSRV_FAULT_CLOSE:
		return false;
	case RPCSRV_FAULT_PLAIN_500:
		return respond(c->fd, 500, "text/plain", "Internal Server Error", 21, "");
	case RPCSRV_FAULT_PLAIN_503:
		return respond(c->fd, 503, "text/plain", "Work queue depth exceeded", 25, "");
	case RPCSRV_FAULT_HUGE:
	case RPCSRV_FAULT_HUGE_CHUNKED:
		stream_huge(c->fd, f == RPCSRV_FAULT_HUGE_CHUNKED);
		return false;
	case RPCSRV_FAULT_NONE:
	case RPCSRV_FAULT_TRUNCATE:
	case RPCSRV_FAULT_WRONG_BLOCK:
		break;
	}
	return send_answer(c, r, f, warm, errors_200);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct http_req r;
	struct timeval tv = { 10, 0 };
	int one = 1;
	setsockopt(c->fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	/* Headers and body go in two writes: no Nagle delay between them. */
	setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	while (read_request(c, &r)) {
		bool more = serve(c, &r);
		if (!more)
			break;
		consume(c, &r);
	}
	close(c->fd);
	free(c->buf);
	pthread_mutex_lock(&c->s->lock);
	c->s->active--;
	pthread_mutex_unlock(&c->s->lock);
	free(c);
	return NULL;
}

static void spawn(struct rpcsrv *s, int fd)
{
	struct conn *c = calloc(1, sizeof(*c));
	if (!c)
		srv_die("out of memory");
	c->s = s;
	c->fd = fd;
	pthread_mutex_lock(&s->lock);
	s->connections++;
	s->active++;
	if (s->n_conns == s->cap_conns) {
		s->cap_conns = s->cap_conns ? s->cap_conns * 2 : 16;
		s->conns = realloc(s->conns, s->cap_conns * sizeof(*s->conns));
		if (!s->conns)
			srv_die("out of memory");
	}
	if (pthread_create(&s->conns[s->n_conns], NULL, conn_main, c))
		srv_die("pthread_create");
	s->n_conns++;
	pthread_mutex_unlock(&s->lock);
}

static void *accept_main(void *arg)
{
	struct rpcsrv *s = arg;
	for (;;) {
		struct pollfd p[2] = { { s->listen_fd, POLLIN, 0 }, { s->stop_pipe[0], POLLIN, 0 } };
		int fd;
		if (poll(p, 2, -1) < 0 && errno != EINTR)
			srv_die("poll");
		if (p[1].revents & POLLIN)
			return NULL;
		if (!(p[0].revents & POLLIN))
			continue;
		fd = accept(s->listen_fd, NULL, NULL);
		if (fd >= 0)
			spawn(s, fd);
	}
}

static void set_auth(struct rpcsrv *s, const char *user, const char *password)
{
	char plain[512];
	unsigned char b64[700];
	int n = snprintf(plain, sizeof(plain), "%s:%s", user, password);
	if (n < 0 || (size_t)n >= sizeof(plain))
		srv_die("credentials too long");
	EVP_EncodeBlock(b64, (const unsigned char *)plain, n);
	snprintf(s->auth, sizeof(s->auth), "Basic %s", (const char *)b64);
}

struct rpcsrv *rpcsrv_start(const char *user, const char *password)
{
	struct rpcsrv *s = calloc(1, sizeof(*s));
	struct sockaddr_in sa = { 0 };
	socklen_t salen = sizeof(sa);
	if (!s)
		srv_die("out of memory");
	set_auth(s, user, password);
	snprintf(s->chain.name, sizeof(s->chain.name), "main");
	pthread_mutex_init(&s->lock, NULL);
	if (pipe(s->stop_pipe))
		srv_die("pipe");
	s->listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	sa.sin_family = AF_INET;
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s->listen_fd < 0 || bind(s->listen_fd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(s->listen_fd, 64) ||
	    getsockname(s->listen_fd, (struct sockaddr *)&sa, &salen))
		srv_die("cannot listen on 127.0.0.1");
	snprintf(s->url, sizeof(s->url), "http://127.0.0.1:%u/", ntohs(sa.sin_port));
	if (pthread_create(&s->acceptor, NULL, accept_main, s))
		srv_die("pthread_create");
	return s;
}

void rpcsrv_stop(struct rpcsrv *s)
{
	if (!s)
		return;
	if (write(s->stop_pipe[1], "x", 1) != 1)
		srv_die("write");
	pthread_join(s->acceptor, NULL);
	for (size_t i = 0; i < s->n_conns; i++)
		pthread_join(s->conns[i], NULL);
	close(s->listen_fd);
	close(s->stop_pipe[0]);
	close(s->stop_pipe[1]);
	srv_chain_release(&s->chain);
	pthread_mutex_destroy(&s->lock);
	free(s->conns);
	free(s);
}

bool rpcsrv_wait_idle(struct rpcsrv *s, unsigned max_ms)
{
	uint32_t active = 1;

	for (unsigned waited = 0; waited <= max_ms; waited += 5) {
		pthread_mutex_lock(&s->lock);
		active = s->active;
		pthread_mutex_unlock(&s->lock);
		if (active == 0)
			break;
		usleep(5000);
	}
	if (active)
		return false;
	pthread_mutex_lock(&s->lock);
	for (size_t i = 0; i < s->n_conns; i++)
		pthread_join(s->conns[i], NULL);
	s->n_conns = 0;
	pthread_mutex_unlock(&s->lock);
	return true;
}

const char *rpcsrv_url(const struct rpcsrv *s)
{
	return s->url;
}

void rpcsrv_add_block(struct rpcsrv *s, const uint8_t *raw, size_t len)
{
	pthread_mutex_lock(&s->lock);
	srv_chain_add(&s->chain, raw, len);
	pthread_mutex_unlock(&s->lock);
}

size_t rpcsrv_load_blk(struct rpcsrv *s, const char *path)
{
	FILE *f = fopen(path, "rb");
	uint8_t head[8], *blk = NULL;
	size_t n = 0;
	if (!f)
		srv_die("cannot open blk file");
	while (fread(head, 1, 8, f) == 8) {
		uint32_t len = (uint32_t)head[4] | (uint32_t)head[5] << 8 |
			       (uint32_t)head[6] << 16 | (uint32_t)head[7] << 24;
		if (!memcmp(head, "\0\0\0\0", 4) || len < 80 || len > 4000000)
			break;
		blk = realloc(blk, len);
		if (!blk || fread(blk, 1, len, f) != len)
			break;
		rpcsrv_add_block(s, blk, len);
		n++;
	}
	free(blk);
	fclose(f);
	return n;
}

void rpcsrv_truncate(struct rpcsrv *s, uint32_t height)
{
	pthread_mutex_lock(&s->lock);
	if ((size_t)height + 1 < s->chain.n_active)
		s->chain.n_active = (size_t)height + 1;
	pthread_mutex_unlock(&s->lock);
}

uint32_t rpcsrv_count(struct rpcsrv *s)
{
	uint32_t n;
	pthread_mutex_lock(&s->lock);
	n = (uint32_t)s->chain.n_active;
	pthread_mutex_unlock(&s->lock);
	return n;
}

struct hash256 rpcsrv_hash(struct rpcsrv *s, uint32_t height)
{
	struct hash256 h;
	pthread_mutex_lock(&s->lock);
	if (height >= s->chain.n_active)
		srv_die("rpcsrv_hash: height beyond the tip");
	h = s->chain.blocks[s->chain.active[height]].hash;
	pthread_mutex_unlock(&s->lock);
	return h;
}

void rpcsrv_set_fault(struct rpcsrv *s, enum rpcsrv_fault f, uint32_t count)
{
	pthread_mutex_lock(&s->lock);
	s->fault = f;
	s->fault_left = count;
	pthread_mutex_unlock(&s->lock);
}

void rpcsrv_set_warmup(struct rpcsrv *s, uint32_t n)
{
	pthread_mutex_lock(&s->lock);
	s->warmup_left = n;
	pthread_mutex_unlock(&s->lock);
}

void rpcsrv_set_errors_200(struct rpcsrv *s, bool on)
{
	pthread_mutex_lock(&s->lock);
	s->errors_200 = on;
	pthread_mutex_unlock(&s->lock);
}

void rpcsrv_set_batch_reversed(struct rpcsrv *s, bool on)
{
	pthread_mutex_lock(&s->lock);
	s->batch_reversed = on;
	pthread_mutex_unlock(&s->lock);
}

void rpcsrv_set_chain_name(struct rpcsrv *s, const char *name)
{
	pthread_mutex_lock(&s->lock);
	snprintf(s->chain.name, sizeof(s->chain.name), "%s", name);
	pthread_mutex_unlock(&s->lock);
}

static uint32_t counter(struct rpcsrv *s, const uint32_t *c)
{
	uint32_t v;
	pthread_mutex_lock(&s->lock);
	v = *c;
	pthread_mutex_unlock(&s->lock);
	return v;
}

uint32_t rpcsrv_requests(struct rpcsrv *s) { return counter(s, &s->requests); }
uint32_t rpcsrv_calls(struct rpcsrv *s) { return counter(s, &s->calls); }
uint32_t rpcsrv_connections(struct rpcsrv *s) { return counter(s, &s->connections); }
