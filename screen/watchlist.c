/* The watchlist: entries under 'W' in the store, and the owner-key set. */
#include "proceeds/fileio.h"
#include "proceeds/watchlist.h"
#include "proceeds/hash.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#define WATCH_VALUE_VERSION 1
#define WATCH_N_STRINGS 7

static _Thread_local char why_buf[200];

void watch_set_field(char dst[WATCH_FIELD_MAX + 1], const char *s)
{
	size_t n = s ? strlen(s) : 0;
	if (n > WATCH_FIELD_MAX)
		n = WATCH_FIELD_MAX;
	if (n)
		memcpy(dst, s, n);
	dst[n] = '\0';
}

bool watch_entry_init(struct watch_entry *e, enum network net,
		      const char *addr, const char **why)
{
	struct address a;
	time_t now = time(NULL);
	struct tm tm;

	memset(e, 0, sizeof(*e));
	if (!address_decode(&a, net, addr, why))
		return false;
	snprintf(e->address, sizeof(e->address), "%s", addr);
	e->owner_key_len = script_owner_key(e->owner_key, a.script, a.script_len);
	gmtime_r(&now, &tm);
	strftime(e->added, sizeof(e->added), "%Y-%m-%d", &tm);
	return true;
}

size_t watch_owner_prefix(uint8_t out[WATCH_KEY_MAX], const uint8_t *key,
			  size_t len)
{
	if (len > SCRIPT_KEY_MAX)
		len = SCRIPT_KEY_MAX;
	out[0] = WATCH_PREFIX;
	out[1] = (uint8_t)len;
	memcpy(out + 2, key, len);
	return 2 + len;
}

size_t watch_key(uint8_t out[WATCH_KEY_MAX], const struct watch_entry *e)
{
	size_t n = watch_owner_prefix(out, e->owner_key, e->owner_key_len);
	size_t cl = strlen(e->case_ref), sl = strlen(e->source), al = strlen(e->address);
	char buf[2 * WATCH_FIELD_MAX + ADDRESS_MAX + 2];
	uint8_t h[32];

	memcpy(buf, e->case_ref, cl + 1);
	memcpy(buf + cl + 1, e->source, sl + 1);
	memcpy(buf + cl + sl + 2, e->address, al);
	hash_sha256(h, buf, cl + sl + 2 + al);
	memcpy(out + n, h, 8);
	return n + 8;
}

static void put_u64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_u64(const uint8_t *p)
{
	uint64_t v = 0;
	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

static void strings_of(const char *f[WATCH_N_STRINGS], struct watch_entry *e)
{
	f[0] = e->address;
	f[1] = e->case_ref;
	f[2] = e->label;
	f[3] = e->source;
	f[4] = e->date;
	f[5] = e->signer;
	f[6] = e->added;
}

uint8_t *watch_encode(size_t *len, const struct watch_entry *e)
{
	const char *f[WATCH_N_STRINGS];
	size_t n = 18;
	uint8_t *buf, *p;

	strings_of(f, (struct watch_entry *)e);
	for (size_t i = 0; i < WATCH_N_STRINGS; i++)
		n += strlen(f[i]) + 1;
	if (!(buf = malloc(n)))
		abort();
	buf[0] = WATCH_VALUE_VERSION;
	put_u64(buf + 1, e->amount_min.sat);
	put_u64(buf + 9, e->amount_max.sat);
	buf[17] = e->has_amount;
	p = buf + 18;
	for (size_t i = 0; i < WATCH_N_STRINGS; i++) {
		size_t l = strlen(f[i]) + 1;
		memcpy(p, f[i], l);
		p += l;
	}
	*len = n;
	return buf;
}

/* Copies the NUL-terminated string at *p (before end) into dst (cap). */
static bool take_string(char *dst, size_t cap, const uint8_t **p, const uint8_t *end)
{
	const uint8_t *z = memchr(*p, 0, (size_t)(end - *p));
	if (!z || (size_t)(z - *p) >= cap)
		return false;
	memcpy(dst, *p, (size_t)(z - *p) + 1);
	*p = z + 1;
	return true;
}

static bool decode_value(struct watch_entry *e, const uint8_t *val, size_t vlen)
{
	const uint8_t *p = val + 18, *end = val + vlen;
	if (vlen < 18 || val[0] != WATCH_VALUE_VERSION || val[17] > 1)
		return false;
	e->amount_min.sat = get_u64(val + 1);
	e->amount_max.sat = get_u64(val + 9);
	e->has_amount = val[17];
	return take_string(e->address, sizeof(e->address), &p, end) &&
	       take_string(e->case_ref, sizeof(e->case_ref), &p, end) &&
	       take_string(e->label, sizeof(e->label), &p, end) &&
	       take_string(e->source, sizeof(e->source), &p, end) &&
	       take_string(e->date, sizeof(e->date), &p, end) &&
	       take_string(e->signer, sizeof(e->signer), &p, end) &&
	       take_string(e->added, sizeof(e->added), &p, end) && p == end;
}

bool watch_decode(struct watch_entry *e, const uint8_t *key, size_t klen,
		  const uint8_t *val, size_t vlen, const char **why)
{
	memset(e, 0, sizeof(*e));
	if (klen < 2 || key[0] != WATCH_PREFIX || key[1] > SCRIPT_KEY_MAX ||
	    klen != 2u + key[1] + 8u) {
		*why = "damaged watchlist key";
		return false;
	}
	e->owner_key_len = key[1];
	memcpy(e->owner_key, key + 2, e->owner_key_len);
	if (!decode_value(e, val, vlen)) {
		*why = "damaged watchlist entry";
		return false;
	}
	return true;
}

static bool is_network_key(const uint8_t *k, size_t kl)
{
	return kl == sizeof(WATCH_KEY_NETWORK) - 1 &&
	       memcmp(k, WATCH_KEY_NETWORK, kl) == 0;
}

static bool iterate(struct store *s, const uint8_t *prefix, size_t plen,
		    bool (*fn)(void *arg, const struct watch_entry *e), void *arg,
		    const char **why)
{
	struct store_iter *it = store_iter_new(s, prefix, plen, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl;
	struct watch_entry e;
	bool ok = true;

	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		if (is_network_key(k, kl))
			continue;
		if (!(ok = watch_decode(&e, k, kl, v, vl, why)))
			break;
		if (!fn(arg, &e))
			break;
	}
	if (ok && store_iter_error(it)) {
		snprintf(why_buf, sizeof(why_buf), "%s", store_iter_error(it));
		*why = why_buf;
		ok = false;
	}
	store_iter_free(it);
	return ok;
}

bool watch_lookup(struct store *s, const uint8_t *owner_key, size_t len,
		  bool (*fn)(void *arg, const struct watch_entry *e), void *arg,
		  const char **why)
{
	uint8_t prefix[WATCH_KEY_MAX];
	size_t n = watch_owner_prefix(prefix, owner_key, len);
	return iterate(s, prefix, n, fn, arg, why);
}

bool watch_foreach(struct store *s,
		   bool (*fn)(void *arg, const struct watch_entry *e), void *arg,
		   const char **why)
{
	const uint8_t prefix = WATCH_PREFIX;
	return iterate(s, &prefix, 1, fn, arg, why);
}

/* Whether the store holds any key at all. */
static bool any_key(bool *any, struct store *s, const char **why)
{
	const uint8_t none = 0;
	struct store_iter *it = store_iter_new(s, &none, 0, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;

	*any = store_iter_next(it, &k, &kl, &v, &vl);
	if (!*any && store_iter_error(it)) {
		snprintf(why_buf, sizeof(why_buf), "%s", store_iter_error(it));
		*why = why_buf;
		ok = false;
	}
	store_iter_free(it);
	return ok;
}

bool watch_network_get(enum watch_net *state, enum network *net,
		       struct store *s, const char **why)
{
	static const char key[] = WATCH_KEY_NETWORK;
	uint8_t *v = NULL;
	size_t n = 0;
	bool found, any;

	*state = WATCH_NET_NEW;
	*net = NETWORK_MAIN;
	if (!store_get(s, &v, &n, &found, key, sizeof(key) - 1, why))
		return false;
	if (found) {
		bool good = n == 1 && v[0] < NETWORK_COUNT;
		if (good) {
			*state = WATCH_NET_RECORDED;
			*net = (enum network)v[0];
		}
		free(v);
		return good || (*why = "damaged watchlist network record", false);
	}
	if (!any_key(&any, s, why))
		return false;
	if (any)
		*state = WATCH_NET_UNRECORDED;
	return true;
}

bool watch_network_probe(enum watch_net *state, enum network *net,
			 const char *dir, const char **why)
{
	struct store_options o = { false, 8u << 20, 0, true };
	struct store *s;
	char current[4200];
	struct stat st;
	bool ok;

	*state = WATCH_NET_NEW;
	*net = NETWORK_MAIN;
	/* Every LevelDB database has a CURRENT file; without one, the add
	 * creates the database. */
	snprintf(current, sizeof(current), "%s/CURRENT", dir);
	if (stat(current, &st) != 0)
		return true;
	if (!store_open(&s, dir, &o, why))
		return false;
	ok = watch_network_get(state, net, s, why);
	store_close(s);
	return ok;
}

void watch_network_put(struct store_batch *b, enum network net)
{
	static const char key[] = WATCH_KEY_NETWORK;
	uint8_t v = (uint8_t)net;
	store_batch_put(b, key, sizeof(key) - 1, &v, 1);
}

/* FNV-1a then a splitmix64 finaliser: owner keys are mostly hashes
 * already, the finaliser spreads the few that are not. */
static uint64_t key_hash(const uint8_t *key, size_t len)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < len; i++)
		h = (h ^ key[i]) * 0x100000001b3ULL;
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h ? h : 1;
}

bool watch_set_init(struct watch_set *s, size_t expected)
{
	size_t slots = 16;
	while (slots < 2 * expected)
		slots *= 2;
	s->slot = calloc(slots, sizeof(*s->slot));
	s->mask = slots - 1;
	s->n = 0;
	return s->slot != NULL;
}

void watch_set_release(struct watch_set *s)
{
	free(s->slot);
	s->slot = NULL;
	s->mask = 0;
	s->n = 0;
}

/* Inserts hash h; true if it was new. */
static bool insert_hash(struct watch_set *s, uint64_t h)
{
	size_t i = (size_t)h & s->mask;
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return false;
		i = (i + 1) & s->mask;
	}
	s->slot[i] = h;
	s->n++;
	return true;
}

static bool grow(struct watch_set *s)
{
	struct watch_set bigger;
	if (!watch_set_init(&bigger, (s->mask + 1)))
		return false;
	for (size_t i = 0; i <= s->mask; i++)
		if (s->slot[i])
			insert_hash(&bigger, s->slot[i]);
	watch_set_release(s);
	*s = bigger;
	return true;
}

bool watch_set_add(struct watch_set *s, const uint8_t *key, size_t len)
{
	if (2 * (s->n + 1) > s->mask + 1 && !grow(s))
		return false;
	insert_hash(s, key_hash(key, len));
	return true;
}

bool watch_set_has(const struct watch_set *s, const uint8_t *key, size_t len)
{
	uint64_t h = key_hash(key, len);
	size_t i = (size_t)h & s->mask;
	while (s->slot[i]) {
		if (s->slot[i] == h)
			return true;
		i = (i + 1) & s->mask;
	}
	return false;
}

bool watch_set_load(struct watch_set *s, struct store *st, const char **why)
{
	const uint8_t prefix = WATCH_PREFIX;
	struct store_iter *it = store_iter_new(st, &prefix, 1, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true;

	while (ok && store_iter_next(it, &k, &kl, &v, &vl)) {
		if (is_network_key(k, kl))
			continue;
		if (kl < 2 || kl != 2u + k[1] + 8u) {
			*why = "damaged watchlist key";
			ok = false;
		} else if (!watch_set_add(s, k + 2, k[1])) {
			*why = "out of memory";
			ok = false;
		}
	}
	if (ok && store_iter_error(it)) {
		snprintf(why_buf, sizeof(why_buf), "%s", store_iter_error(it));
		*why = why_buf;
		ok = false;
	}
	store_iter_free(it);
	return ok;
}

/* "0.00200000-0.00240000 BTC", or "" when the source states none. */
static void amount_text(char out[2 * AMOUNT_STRLEN + 8], const struct watch_entry *e)
{
	char lo[AMOUNT_STRLEN], hi[AMOUNT_STRLEN];
	out[0] = '\0';
	if (!e->has_amount)
		return;
	amount_to_btc(lo, e->amount_min);
	amount_to_btc(hi, e->amount_max);
	if (e->amount_min.sat == e->amount_max.sat)
		snprintf(out, 2 * AMOUNT_STRLEN + 8, "%s BTC", hi);
	else
		snprintf(out, 2 * AMOUNT_STRLEN + 8, "%s-%s BTC", lo, hi);
}

json_t *watch_entry_json(const struct watch_entry *e)
{
	char amt[2 * AMOUNT_STRLEN + 8];
	amount_text(amt, e);
	json_t *j = json_pack("{s:s, s:s, s:o, s:o, s:s?, s:s, s:s, s:s, s:s?, s:s}",
			      "address", e->address, "case_ref", e->case_ref,
			      "amount_min", e->has_amount ? json_integer((json_int_t)e->amount_min.sat) : json_null(),
			      "amount_max", e->has_amount ? json_integer((json_int_t)e->amount_max.sat) : json_null(),
			      "amount_btc", e->has_amount ? amt : NULL, "label", e->label,
			      "source", e->source, "date", e->date,
			      "signer", *e->signer ? e->signer : NULL, "added", e->added);
	return j ? j : json_pack("{s:s}", "address", e->address);
}

void watch_csv_header(FILE *f)
{
	fputs("address,case_ref,amount_min_sat,amount_max_sat,label,source,date,signer,added\n", f);
}

void watch_entry_csv(FILE *f, const struct watch_entry *e)
{
	const char *cells[] = { e->address, e->case_ref, e->label, e->source,
				e->date, e->signer, e->added };
	fileio_csv_cell(f, cells[0]);
	fputc(',', f);
	fileio_csv_cell(f, cells[1]);
	if (e->has_amount)
		fprintf(f, ",%llu,%llu", (unsigned long long)e->amount_min.sat,
			(unsigned long long)e->amount_max.sat);
	else
		fputs(",,", f);
	for (size_t i = 2; i < sizeof(cells) / sizeof(cells[0]); i++) {
		fputc(',', f);
		fileio_csv_cell(f, cells[i]);
	}
	fputc('\n', f);
}

void watch_entry_line(FILE *f, const char *tag, const struct watch_entry *e)
{
	char amt[2 * AMOUNT_STRLEN + 8], line[4 * WATCH_FIELD_MAX + 400];
	amount_text(amt, e);
	snprintf(line, sizeof(line), "%s%s  case %s  amount %s  %s  source %s  date %s%s%.16s",
		 tag, e->address, e->case_ref, *amt ? amt : "unknown",
		 *e->label ? e->label : "-", e->source, *e->date ? e->date : "-",
		 *e->signer ? "  signed by " : "  unsigned", e->signer);
	/* Shared files are untrusted: no terminal control sequences. */
	for (char *p = line; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = '?';
	fprintf(f, "%s\n", line);
}
