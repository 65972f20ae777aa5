/* Every address id with its cluster id: two sequential iterators, one over
 * the root chunks (`C u`, 4096 ids each) and one over the address records
 * (`a`), advanced in step with the id. A point read per id would cost a
 * LevelDB seek each; the iterators read each table block once. */
#include "proceeds/cluster_export.h"
#include "proceeds/address.h"
#include "proceeds/cluster.h"
#include "proceeds/hex.h"
#include "proceeds/script.h"
#include "proceeds/store.h"
#include "proceeds/why.h"

#include <stdlib.h>
#include <string.h>

struct cluster_export {
	struct store *st;
	enum network net;
	struct idx_tip tip;
	uint64_t next;              /* the id of the next row */
	struct store_iter *roots;   /* C u records */
	struct store_iter *addrs;   /* a records; NULL without addresses */
	bool roots_end;             /* no C u record after the current one */
	bool have_chunk;            /* chunk/chunk_len hold record chunk_no */
	uint64_t chunk_no;
	size_t chunk_len;
	uint8_t chunk[4 * CLUSTER_CHUNK_IDS];
	char err[128];              /* a message naming an id */
};

static bool read_tip(struct store *st, struct idx_tip *tip, const char **why)
{
	uint8_t *v = NULL;
	size_t vlen;
	bool has;

	memset(tip, 0, sizeof(*tip));
	if (!store_get(st, &v, &vlen, &has, IDX_KEY_TIP, strlen(IDX_KEY_TIP), why))
		return false;
	bool ok = !has || idx_tip_decode(tip, v, vlen);
	free(v);
	return ok || (*why = "index tip record is damaged", false);
}

bool cluster_export_new(struct cluster_export **out, struct store *st,
			enum network net, bool with_addresses, const char **why)
{
	static const uint8_t roots_pre[2] = { CLUSTER_PREFIX, CLUSTER_K_ROOTS };
	static const uint8_t addr_pre[1] = { IDX_P_ADDRID };
	struct cluster_export *x = calloc(1, sizeof(*x));

	*out = NULL;
	if (!x)
		return (*why = "out of memory"), false;
	x->st = st;
	x->net = net;
	if (!read_tip(st, &x->tip, why)) {
		free(x);
		return false;
	}
	x->roots = store_iter_new(st, roots_pre, sizeof(roots_pre), NULL, 0);
	if (with_addresses)
		x->addrs = store_iter_new(st, addr_pre, sizeof(addr_pre), NULL, 0);
	if (!x->roots || (with_addresses && !x->addrs)) {
		cluster_export_free(x);
		return (*why = "out of memory"), false;
	}
	*out = x;
	return true;
}

const struct idx_tip *cluster_export_tip(const struct cluster_export *x)
{
	return &x->tip;
}

static bool fail_id(struct cluster_export *x, const char **why,
		    const char *what, uint64_t id)
{
	*why = why_fmt(x->err, sizeof(x->err), "%s %llu", what, (unsigned long long)id);
	return false;
}

/* Moves the root iterator to the first record of chunk >= c. */
static bool roots_seek(struct cluster_export *x, uint64_t c, const char **why)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	while (!x->roots_end && (!x->have_chunk || x->chunk_no < c)) {
		if (!store_iter_next(x->roots, &k, &kl, &v, &vl)) {
			x->roots_end = true;
			x->have_chunk = false;
			if (store_iter_error(x->roots))
				return (*why = store_iter_error(x->roots)), false;
			break;
		}
		if (kl != 6 || vl > sizeof(x->chunk) || vl % 4)
			return fail_id(x, why, "cluster root record is damaged: chunk",
				       kl == 6 ? idx_rd32(k + 2) : 0);
		x->chunk_no = idx_rd32(k + 2);
		x->chunk_len = vl;
		memcpy(x->chunk, v, vl);
		x->have_chunk = true;
	}
	return true;
}

/* The root of id as cluster_root reads it: the stored root when id's
 * chunk holds it, else id itself. */
static bool next_root(struct cluster_export *x, struct cluster_export_row *row,
		      const char **why)
{
	uint64_t id = row->id, c = id >> CLUSTER_CHUNK_SHIFT;
	size_t off = (size_t)(id & (CLUSTER_CHUNK_IDS - 1)) * 4;

	row->root = id;
	row->covered = false;
	if (id > UINT32_MAX)
		return true;
	if (!roots_seek(x, c, why))
		return false;
	if (!x->have_chunk || x->chunk_no != c || off + 4 > x->chunk_len)
		return true;
	const uint8_t *p = x->chunk + off;
	uint64_t r = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
		     (uint32_t)p[3] << 24;
	if (r > id)
		return fail_id(x, why, "cluster root chunk is damaged at address id", id);
	row->root = r;
	row->covered = true;
	return true;
}

/* The display form of id from the next `a` record, which must be id's. */
static bool next_address(struct cluster_export *x, struct cluster_export_row *row,
			 const char **why)
{
	const uint8_t *k, *v;
	size_t kl, vl;

	row->address[0] = 0;
	if (!x->addrs)
		return true;
	if (!store_iter_next(x->addrs, &k, &kl, &v, &vl)) {
		if (store_iter_error(x->addrs))
			return (*why = store_iter_error(x->addrs)), false;
		return fail_id(x, why, "no address record for address id", row->id);
	}
	if (kl != 9 || idx_rd64(k + 1) != row->id)
		return fail_id(x, why, "no address record for address id", row->id);
	if (vl == 0 || vl > SCRIPT_KEY_MAX)
		return fail_id(x, why, "damaged address record of address id", row->id);
	if (address_from_owner_key(row->address, x->net, v, vl))
		return true;
	memcpy(row->address, "script:", 7);
	hex_encode(row->address + 7, v, vl);
	return true;
}

bool cluster_export_next(struct cluster_export *x, struct cluster_export_row *row,
			 bool *done, const char **why)
{
	*done = x->next >= x->tip.next_addr;
	if (*done)
		return true;
	row->id = x->next;
	if (!next_root(x, row, why) || !next_address(x, row, why))
		return false;
	x->next++;
	return true;
}

void cluster_export_free(struct cluster_export *x)
{
	if (!x)
		return;
	if (x->roots)
		store_iter_free(x->roots);
	if (x->addrs)
		store_iter_free(x->addrs);
	free(x);
}

bool cluster_export_each(struct store *st, enum network net, bool with_addresses,
			 bool (*fn)(void *ctx, const struct cluster_export_row *row),
			 void *ctx, const char **why)
{
	static _Thread_local char msg[128];
	struct cluster_export *x;
	struct cluster_export_row row;
	bool done = false, ok;

	if (!cluster_export_new(&x, st, net, with_addresses, why))
		return false;
	while ((ok = cluster_export_next(x, &row, &done, why)) && !done)
		if (!fn(ctx, &row))
			break;
	if (!ok)
		*why = why_fmt(msg, sizeof(msg), "%s", *why);
	cluster_export_free(x);
	return ok;
}
