/* Display names of address ids: a sequential `a` iterator for the new
 * ids of a chain-order walk, a direct-mapped cache for the ids met
 * before, and a point read when the cache lost one. */
#include "proceeds/addrname.h"
#include "proceeds/address.h"
#include "proceeds/hex.h"
#include "proceeds/index_query.h"
#include "proceeds/index_rec.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/why.h"

#include <stdlib.h>
#include <string.h>

#define DEFAULT_SLOTS ((size_t)1 << 18)

struct an_slot {
	uint64_t id1;               /* id + 1; 0 = empty */
	char name[ADDRNAME_MAX];
};

struct addrname {
	struct store *st;
	enum network net;
	struct an_slot *slots;
	size_t mask;
	struct store_iter *seq;     /* `a` records from the first id on */
	uint64_t seq_next;          /* ids below were passed by seq */
	bool seq_end;
	struct addrname_stats stats;
	char err[128];
};

void addrname_format(char out[ADDRNAME_MAX], enum network net,
		     const uint8_t *key, size_t klen)
{
	if (klen <= SCRIPT_KEY_MAX && address_from_owner_key(out, net, key, klen))
		return;
	if (klen > SCRIPT_KEY_MAX)
		klen = SCRIPT_KEY_MAX;
	memcpy(out, "script:", 7);
	hex_encode(out + 7, key, klen);
}

bool addrname_new(struct addrname **out, struct store *st, enum network net,
		  uint64_t first, size_t slots, const char **why)
{
	uint8_t pre = IDX_P_ADDRID, start[IDX_KEY_MAX];
	size_t n = 1, sl = idx_key_addrid(start, first);
	struct addrname *an = calloc(1, sizeof(*an));

	*out = NULL;
	if (!slots)
		slots = DEFAULT_SLOTS;
	while (n < slots)
		n <<= 1;
	if (an)
		an->slots = calloc(n, sizeof(*an->slots));
	if (an && an->slots)
		an->seq = store_iter_new(st, &pre, 1, start, sl);
	if (!an || !an->slots || !an->seq) {
		addrname_free(an);
		return (*why = "out of memory for the address names"), false;
	}
	an->st = st;
	an->net = net;
	an->mask = n - 1;
	an->seq_next = first;
	*out = an;
	return true;
}

static bool fail_id(struct addrname *an, const char **why, const char *what,
		    uint64_t id)
{
	*why = why_fmt(an->err, sizeof(an->err), "%s %llu", what,
		       (unsigned long long)id);
	return false;
}

static void put(struct addrname *an, uint64_t id, const uint8_t *key, size_t kl)
{
	struct an_slot *s = &an->slots[id & an->mask];
	s->id1 = id + 1;
	addrname_format(s->name, an->net, key, kl);
}

/* Reads `a` records in order until the one of id has been passed (each
 * read record goes into the cache). */
static bool seq_advance(struct addrname *an, uint64_t id, const char **why)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	while (!an->seq_end && an->seq_next <= id) {
		if (!store_iter_next(an->seq, &k, &kl, &v, &vl)) {
			an->seq_end = true;
			if (store_iter_error(an->seq))
				return (*why = store_iter_error(an->seq)), false;
			break;
		}
		if (kl != 9 || vl == 0 || vl > SCRIPT_KEY_MAX)
			return fail_id(an, why, "damaged address record of address id",
				       kl == 9 ? idx_rd64(k + 1) : 0);
		uint64_t got = idx_rd64(k + 1);
		put(an, got, v, vl);
		an->seq_next = got + 1;
		an->stats.sequential++;
	}
	return true;
}

static bool point_read(struct addrname *an, uint64_t id, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	if (!idxq_addr_key(an->st, key, &kl, &found, id, why))
		return false;
	if (!found)
		return fail_id(an, why, "no address record for address id", id);
	put(an, id, key, kl);
	an->stats.reads++;
	return true;
}

bool addrname_get(struct addrname *an, const char **name, uint64_t id,
		  const char **why)
{
	struct an_slot *s = &an->slots[id & an->mask];

	if (s->id1 == id + 1) {
		an->stats.hits++;
		*name = s->name;
		return true;
	}
	if (id >= an->seq_next && !an->seq_end && !seq_advance(an, id, why))
		return false;
	if (s->id1 != id + 1 && !point_read(an, id, why))
		return false;
	*name = s->name;
	return true;
}

void addrname_get_stats(const struct addrname *an, struct addrname_stats *out)
{
	*out = an->stats;
}

void addrname_free(struct addrname *an)
{
	if (!an)
		return;
	if (an->seq)
		store_iter_free(an->seq);
	free(an->slots);
	free(an);
}
