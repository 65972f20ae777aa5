/* The screening watchlist of an exchange or bank: flagged addresses with
 * the case that flagged them, in the store under key prefix 'W' (no chain
 * index needed: it works in an empty database), and the in-memory hash
 * set of owner keys `proceeds check` screens deposits against.
 *
 * Key:   'W', owner key length (1 byte), owner key (script.h), then the
 *        first 8 bytes of SHA-256(case_ref NUL source NUL address): one
 *        entry per address, case and source, so re-adding a file is a
 *        no-op and two cases flagging one address both show.
 * Value: version 1, min and max amount (8 bytes little-endian each),
 *        has_amount (1 byte), then NUL-terminated address, case_ref,
 *        label, source, date, signer, added.
 * The watchlist's network: one byte (enum network) under
 *        WATCH_KEY_NETWORK, written with the first entries. docs/sharing.md. */
#ifndef PROCEEDS_WATCHLIST_H
#define PROCEEDS_WATCHLIST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <jansson.h>
#include "proceeds/address.h"
#include "proceeds/amount.h"
#include "proceeds/network.h"
#include "proceeds/script.h"
#include "proceeds/store.h"

#define WATCH_PREFIX 'W'
#define WATCH_FIELD_MAX 512
#define WATCH_KEY_MAX (2 + SCRIPT_KEY_MAX + 8)
/* 0xff is no owner key's length: no entry key starts so. */
#define WATCH_KEY_NETWORK "W\xff" "network"

/* One flagged address as one source states it. Strings NUL-terminated,
 * "" when the source does not say. */
struct watch_entry {
	char address[ADDRESS_MAX];
	uint8_t owner_key[SCRIPT_KEY_MAX];
	size_t owner_key_len;
	char case_ref[WATCH_FIELD_MAX + 1];
	bool has_amount;               /* the source states an amount */
	struct amount amount_min;      /* traced to this address: min-max */
	struct amount amount_max;
	char label[WATCH_FIELD_MAX + 1];  /* venue, or the tag's label */
	char source[WATCH_FIELD_MAX + 1]; /* the file and what it is */
	char date[WATCH_FIELD_MAX + 1];   /* when the funds arrived / listed */
	char signer[65];               /* x-only key that signed it, or "" */
	char added[11];                /* UTC YYYY-MM-DD it was added */
};

/* Fills e's address and owner key from addr validated for net, and
 * clears the other fields. False with *why (address_decode's reason). */
bool watch_entry_init(struct watch_entry *e, enum network net,
		      const char *addr, const char **why)
	__attribute__((warn_unused_result));

/* Copies s into a field, truncating to WATCH_FIELD_MAX bytes. */
void watch_set_field(char dst[WATCH_FIELD_MAX + 1], const char *s);

/* The store key of e; returns its length. */
size_t watch_key(uint8_t out[WATCH_KEY_MAX], const struct watch_entry *e);

/* The prefix of every key of one owner key. Returns its length. */
size_t watch_owner_prefix(uint8_t out[WATCH_KEY_MAX], const uint8_t *key,
			  size_t len);

/* Serialises e into a new buffer (caller frees) of *len bytes. */
uint8_t *watch_encode(size_t *len, const struct watch_entry *e);

/* Parses a stored key and value. False with *why on anything malformed. */
bool watch_decode(struct watch_entry *e, const uint8_t *key, size_t klen,
		  const uint8_t *val, size_t vlen, const char **why)
	__attribute__((warn_unused_result));

/* Calls fn for every entry of one owner key (fn returns false to stop).
 * False with *why on a read error or a damaged entry. */
bool watch_lookup(struct store *s, const uint8_t *owner_key, size_t len,
		  bool (*fn)(void *arg, const struct watch_entry *e), void *arg,
		  const char **why) __attribute__((warn_unused_result));

/* The same over every entry, in key order (the network record is no
 * entry). */
bool watch_foreach(struct store *s,
		   bool (*fn)(void *arg, const struct watch_entry *e), void *arg,
		   const char **why) __attribute__((warn_unused_result));

/* What a database says of its watchlist's network. */
enum watch_net {
	WATCH_NET_NEW,        /* no database yet, or one without any key */
	WATCH_NET_RECORDED,   /* the watchlist's network is recorded */
	WATCH_NET_UNRECORDED, /* keys but no record (an index, tags, or a
	                       * watchlist older than the record): the
	                       * network is whatever the user says */
};

/* Reads the record of s; *net is set when *state is WATCH_NET_RECORDED
 * (else NETWORK_MAIN). False with *why on a read error or a damaged
 * record. */
bool watch_network_get(enum watch_net *state, enum network *net,
		       struct store *s, const char **why)
	__attribute__((warn_unused_result));

/* The same for the database in dir, opened read-only for the look;
 * WATCH_NET_NEW (and nothing created) when dir holds no database. */
bool watch_network_probe(enum watch_net *state, enum network *net,
			 const char *dir, const char **why)
	__attribute__((warn_unused_result));

/* Queues the record of the watchlist's network into b. */
void watch_network_put(struct store_batch *b, enum network net);

/* e as a JSON object (new): address, case_ref, amount_min/max (satoshis,
 * null when unknown), amount_btc, label, source, date, signer, added. */
json_t *watch_entry_json(const struct watch_entry *e);

/* The CSV header line and one CSV row (cells neutralised against formula
 * injection), and one human-readable line. */
void watch_csv_header(FILE *f);
void watch_entry_csv(FILE *f, const struct watch_entry *e);
void watch_entry_line(FILE *f, const char *tag, const struct watch_entry *e);

/* A compact open-addressing set of 64-bit hashes of owner keys (linear
 * probing, load <= 1/2, 0 = empty slot). A hit may be a hash collision:
 * confirm it with watch_lookup, which is exact. */
struct watch_set {
	uint64_t *slot;   /* owned */
	size_t mask;      /* slots - 1 */
	size_t n;
};

/* An empty set sized for `expected` keys. False on out of memory. */
bool watch_set_init(struct watch_set *s, size_t expected)
	__attribute__((warn_unused_result));
void watch_set_release(struct watch_set *s);

/* Adds a key (growing the table as needed). False on out of memory. */
bool watch_set_add(struct watch_set *s, const uint8_t *key, size_t len)
	__attribute__((warn_unused_result));
bool watch_set_has(const struct watch_set *s, const uint8_t *key, size_t len);

/* Loads the owner key of every entry in the store into s (initialised).
 * False with *why on a read error or out of memory. */
bool watch_set_load(struct watch_set *s, struct store *st, const char **why)
	__attribute__((warn_unused_result));

#endif
