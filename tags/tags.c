/* The tag model: categories, confidence scores and the stored encoding. */
#include "proceeds/tags.h"
#include "proceeds/hash.h"

#include <assert.h>
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char *const category_names[TAG_CAT_COUNT] = {
	"other", "exchange", "mixer", "ransomware", "scam", "sanctions",
	"darknet", "hack", "gambling", "miner", "service", "wallet",
	"terrorism", "extremism", "organization", "user",
};

const char *tag_category_name(enum tag_category c)
{
	if ((unsigned)c >= TAG_CAT_COUNT)
		return "other";
	return category_names[c];
}

bool tag_category_from_name(enum tag_category *out, const char *name)
{
	for (unsigned i = 0; i < TAG_CAT_COUNT; i++) {
		if (strcasecmp(category_names[i], name) == 0) {
			*out = (enum tag_category)i;
			return true;
		}
	}
	*out = TAG_CAT_OTHER;
	return false;
}

/* Source vocabularies (GraphSense categories and abuses, the INTERPOL
 * taxonomy they follow, MISP and common CSV words) onto proceeds' list.
 * docs/tags.md carries the same table. */
static const struct {
	const char *word;
	enum tag_category cat;
} vocabulary[] = {
	{ "exchange", TAG_CAT_EXCHANGE }, { "market", TAG_CAT_DARKNET },
	{ "darknet_market", TAG_CAT_DARKNET }, { "darkweb", TAG_CAT_DARKNET },
	{ "mixing_service", TAG_CAT_MIXER }, { "mixing", TAG_CAT_MIXER },
	{ "coinjoin", TAG_CAT_MIXER }, { "tumbler", TAG_CAT_MIXER },
	{ "gambling", TAG_CAT_GAMBLING }, { "miner", TAG_CAT_MINER },
	{ "mining_service", TAG_CAT_MINER }, { "mining_pool", TAG_CAT_MINER },
	{ "pool", TAG_CAT_MINER }, { "service", TAG_CAT_SERVICE },
	{ "payment_processor", TAG_CAT_SERVICE }, { "wallet_service", TAG_CAT_WALLET },
	{ "hosted_wallet", TAG_CAT_WALLET }, { "user", TAG_CAT_USER },
	{ "organization", TAG_CAT_ORGANIZATION }, { "scam", TAG_CAT_SCAM },
	{ "phishing", TAG_CAT_SCAM }, { "sextortion", TAG_CAT_SCAM },
	{ "investment_fraud", TAG_CAT_SCAM }, { "ponzi_scheme", TAG_CAT_SCAM },
	{ "fraud", TAG_CAT_SCAM }, { "extortion", TAG_CAT_SCAM },
	{ "service_hack", TAG_CAT_HACK }, { "hack", TAG_CAT_HACK },
	{ "theft", TAG_CAT_HACK }, { "stolen", TAG_CAT_HACK },
	{ "ransomware", TAG_CAT_RANSOMWARE }, { "sanction", TAG_CAT_SANCTIONS },
	{ "sanctioned", TAG_CAT_SANCTIONS }, { "ofac", TAG_CAT_SANCTIONS },
	{ "terrorism", TAG_CAT_TERRORISM }, { "terrorist_financing", TAG_CAT_TERRORISM },
	{ "extremism", TAG_CAT_EXTREMISM }, { "darknet", TAG_CAT_DARKNET },
};

/* Lowercases s into buf without surrounding blanks; '-' and ' ' become '_'. */
static void normalise(char *buf, size_t cap, const char *s)
{
	size_t n = 0, len;
	while (*s && isspace((unsigned char)*s))
		s++;
	len = strlen(s);
	while (len > 0 && isspace((unsigned char)s[len - 1]))
		len--;
	for (size_t i = 0; i < len && n + 1 < cap; i++) {
		char c = (char)tolower((unsigned char)s[i]);
		buf[n++] = (c == '-' || c == ' ') ? '_' : c;
	}
	buf[n] = '\0';
}

static bool map_word(enum tag_category *out, const char *word)
{
	char w[64];
	if (!word || strlen(word) >= sizeof(w))
		return false;
	normalise(w, sizeof(w), word);
	if (!w[0])
		return false;
	for (size_t i = 0; i < sizeof(vocabulary) / sizeof(vocabulary[0]); i++) {
		if (strcmp(vocabulary[i].word, w) == 0) {
			*out = vocabulary[i].cat;
			return true;
		}
	}
	return tag_category_from_name(out, w);
}

enum tag_category tag_category_map(const char *category, const char *abuse)
{
	enum tag_category c;
	if (map_word(&c, abuse))
		return c;
	if (map_word(&c, category))
		return c;
	return TAG_CAT_OTHER;
}

static const struct {
	const char *word;
	uint8_t score;
} confidence_words[] = {
	{ "ownership", 100 }, { "authority_data", 90 }, { "forensic", 80 },
	{ "service_data", 70 }, { "manual_transaction", 60 },
	{ "untrusted_transaction", 50 }, { "web_crawl", 30 },
	{ "heuristic", 30 }, { "high", 80 }, { "medium", 50 }, { "low", 20 },
};

bool tag_confidence_score(uint8_t *out, const char *confidence,
			  uint8_t fallback)
{
	char w[64];
	*out = fallback;
	if (!confidence || strlen(confidence) >= sizeof(w))
		return confidence == NULL;
	normalise(w, sizeof(w), confidence);
	if (!w[0])
		return true;
	if (isdigit((unsigned char)w[0])) {
		char *end;
		unsigned long v = strtoul(w, &end, 10);
		if (*end || v > 100)
			return false;
		*out = (uint8_t)v;
		return true;
	}
	for (size_t i = 0; i < sizeof(confidence_words) / sizeof(confidence_words[0]); i++) {
		if (strcmp(confidence_words[i].word, w) == 0) {
			*out = confidence_words[i].score;
			return true;
		}
	}
	return false;
}

size_t tag_owner_prefix(uint8_t out[TAG_KEY_MAX], const uint8_t *owner_key,
			size_t len)
{
	assert(len <= SCRIPT_KEY_MAX);
	out[0] = TAG_PREFIX;
	out[1] = (uint8_t)len;
	memcpy(out + 2, owner_key, len);
	return 2 + len;
}

size_t tag_key(uint8_t out[TAG_KEY_MAX], const struct tag *t)
{
	size_t n = tag_owner_prefix(out, t->owner_key, t->owner_key_len);
	size_t sl = strlen(t->source), ll = strlen(t->label);
	uint8_t h[32];
	char buf[2 * TAG_FIELD_MAX + 2];

	memcpy(buf, t->source, sl);
	buf[sl] = '\0';
	memcpy(buf + sl + 1, t->label, ll);
	hash_sha256(h, buf, sl + 1 + ll);
	memcpy(out + n, h, 8);
	return n + 8;
}

void tag_set_field(char dst[TAG_FIELD_MAX + 1], const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > TAG_FIELD_MAX)
		n = TAG_FIELD_MAX;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

/* The text fields in their stored order. */
static size_t tag_fields(char *f[8], const struct tag *t)
{
	struct tag *m = (struct tag *)t;
	f[0] = m->address;
	f[1] = m->label;
	f[2] = m->source;
	f[3] = m->category_orig;
	f[4] = m->confidence;
	f[5] = m->date;
	f[6] = m->origin;
	f[7] = m->imported;
	return 8;
}

static const size_t field_caps[8] = {
	ADDRESS_MAX, TAG_FIELD_MAX + 1, TAG_FIELD_MAX + 1, TAG_FIELD_MAX + 1,
	TAG_FIELD_MAX + 1, TAG_FIELD_MAX + 1, TAG_FIELD_MAX + 1, 11,
};

#define TAG_VALUE_VERSION 1

uint8_t *tag_encode(size_t *len, const struct tag *t)
{
	char *f[8];
	size_t nf = tag_fields(f, t), n = 3;
	uint8_t *buf, *p;

	for (size_t i = 0; i < nf; i++)
		n += 2 + strlen(f[i]);
	buf = malloc(n);
	if (!buf)
		abort();
	buf[0] = TAG_VALUE_VERSION;
	buf[1] = (uint8_t)t->category;
	buf[2] = t->score;
	p = buf + 3;
	for (size_t i = 0; i < nf; i++) {
		size_t l = strlen(f[i]);
		p[0] = (uint8_t)(l >> 8);
		p[1] = (uint8_t)l;
		memcpy(p + 2, f[i], l);
		p += 2 + l;
	}
	*len = n;
	return buf;
}

static bool decode_key(struct tag *t, const uint8_t *key, size_t klen,
		       const char **why)
{
	if (klen < 2 || key[0] != TAG_PREFIX || key[1] > SCRIPT_KEY_MAX ||
	    klen != 2u + key[1] + 8u) {
		*why = "malformed tag key";
		return false;
	}
	t->owner_key_len = key[1];
	memcpy(t->owner_key, key + 2, key[1]);
	return true;
}

bool tag_decode(struct tag *t, const uint8_t *key, size_t klen,
		const uint8_t *val, size_t vlen, const char **why)
{
	char *f[8];
	size_t nf = tag_fields(f, t), off = 3;

	if (!decode_key(t, key, klen, why))
		return false;
	if (vlen < 3 || val[0] != TAG_VALUE_VERSION || val[1] >= TAG_CAT_COUNT ||
	    val[2] > 100) {
		*why = "malformed tag value header";
		return false;
	}
	t->category = (enum tag_category)val[1];
	t->score = val[2];
	for (size_t i = 0; i < nf; i++) {
		size_t l;
		if (vlen - off < 2) {
			*why = "truncated tag value";
			return false;
		}
		l = (size_t)val[off] << 8 | val[off + 1];
		if (l >= field_caps[i] || vlen - off - 2 < l ||
		    memchr(val + off + 2, 0, l)) {
			*why = "malformed tag field";
			return false;
		}
		memcpy(f[i], val + off + 2, l);
		f[i][l] = '\0';
		off += 2 + l;
	}
	if (off != vlen) {
		*why = "trailing bytes in tag value";
		return false;
	}
	return true;
}
