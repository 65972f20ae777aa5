/* HTTPS download of tag lists. */
#include "proceeds/tagfetch.h"
#include "proceeds/hash.h"

#include <curl/curl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static _Thread_local char errbuf[CURL_ERROR_SIZE + 64];

struct sink {
	char *buf;
	size_t len, cap, max;
	bool too_large;
};

static size_t on_data(char *data, size_t size, size_t n, void *ctx)
{
	struct sink *s = ctx;
	size_t add = size * n;

	if (add > s->max - s->len) {
		s->too_large = true;
		return 0; /* aborts the transfer */
	}
	if (s->len + add + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 65536;
		while (cap < s->len + add + 1)
			cap *= 2;
		char *b = realloc(s->buf, cap);
		if (!b)
			return 0;
		s->buf = b;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, data, add);
	s->len += add;
	s->buf[s->len] = '\0';
	return add;
}

static void setup(CURL *h, const char *url, struct sink *s, char *cerr)
{
	curl_easy_setopt(h, CURLOPT_URL, url);
	curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_REDIR_PROTOCOLS_STR, "https");
	curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 1L);
	curl_easy_setopt(h, CURLOPT_MAXREDIRS, 5L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT, 30L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L);
	curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L);
	curl_easy_setopt(h, CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)s->max);
	curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, on_data);
	curl_easy_setopt(h, CURLOPT_WRITEDATA, s);
	curl_easy_setopt(h, CURLOPT_ERRORBUFFER, cerr);
	curl_easy_setopt(h, CURLOPT_USERAGENT, "proceeds-tags");
}

static bool finish(struct sink *s, CURL *h, CURLcode rc, const char *cerr,
		   const char **why)
{
	long status = 0;
	if (s->too_large || rc == CURLE_FILESIZE_EXCEEDED) {
		snprintf(errbuf, sizeof(errbuf), "larger than %zu bytes", s->max);
		*why = errbuf;
		return false;
	}
	if (rc != CURLE_OK) {
		snprintf(errbuf, sizeof(errbuf), "%s",
			 cerr[0] ? cerr : curl_easy_strerror(rc));
		*why = errbuf;
		return false;
	}
	curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
	if (status != 200) {
		snprintf(errbuf, sizeof(errbuf), "HTTP %ld", status);
		*why = errbuf;
		return false;
	}
	return true;
}

bool tag_fetch(char **out, size_t *len, uint8_t sha256[32], const char *url,
	       size_t max, const char **why)
{
	struct sink s = { .max = max };
	char cerr[CURL_ERROR_SIZE] = "";
	CURL *h;
	CURLcode rc;
	bool ok;

	*out = NULL;
	*len = 0;
	if (strncasecmp(url, "https://", 8) != 0) {
		*why = "only https URLs are fetched";
		return false;
	}
	h = curl_easy_init();
	if (!h) {
		*why = "cannot start libcurl";
		return false;
	}
	setup(h, url, &s, cerr);
	rc = curl_easy_perform(h);
	ok = finish(&s, h, rc, cerr, why);
	curl_easy_cleanup(h);
	if (!ok) {
		free(s.buf);
		return false;
	}
	if (!s.buf)
		s.buf = calloc(1, 1);
	hash_sha256(sha256, s.buf, s.len);
	*out = s.buf;
	*len = s.len;
	return true;
}
