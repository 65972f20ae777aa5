/* The CoinJoin verdicts a cluster build recorded (C j txnum), and why two
 * addresses are NOT linked: the skipped mixes that would have joined
 * their clusters. */
#include "cluster_int.h"

#include "proceeds/cluster_query.h"
#include "proceeds/cursor.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

size_t cl_mix_key(uint8_t *out, uint64_t txnum)
{
	out[0] = CLUSTER_PREFIX;
	out[1] = CLUSTER_K_MIX;
	idx_be64(out + 2, txnum);
	return CL_MIX_KEY_LEN;
}

void cl_mix_encode(struct idx_buf *b, const struct coinjoin_result *r)
{
	uint64_t f[] = {
		r->verdict, r->kind, r->denomination, r->count, r->n_in, r->n_out,
		r->owners, r->funders, r->others, r->confidence, r->reasons,
		(r->coordinator ? 1u : 0u) | (r->tx0 ? 2u : 0u),
	};

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		idx_buf_varint(b, f[i]);
}

static bool mix_decode(struct coinjoin_result *r, const uint8_t *v, size_t len)
{
	uint64_t f[12] = { 0 };
	struct cursor c;
	bool ok = true;

	cursor_init(&c, v, len);
	for (size_t i = 0; i < 12; i++)
		ok = ok && cursor_varint(&c, &f[i]);
	if (!ok || cursor_left(&c) != 0 || f[0] > COINJOIN_MIX ||
	    f[1] >= COINJOIN_KIND_COUNT)
		return false;
	memset(r, 0, sizeof(*r));
	r->verdict = (enum coinjoin_verdict)f[0];
	r->kind = (enum coinjoin_kind)f[1];
	r->denomination = f[2];
	r->count = (uint32_t)f[3], r->n_in = (uint32_t)f[4], r->n_out = (uint32_t)f[5];
	r->owners = (uint32_t)f[6], r->funders = (uint32_t)f[7], r->others = (uint32_t)f[8];
	r->confidence = (unsigned)f[9], r->reasons = (unsigned)f[10];
	r->coordinator = f[11] & 1;
	r->tx0 = f[11] & 2;
	return true;
}

bool cluster_mix_get(struct store *st, struct coinjoin_result *out, bool *found,
		     uint64_t txnum, const char **why)
{
	uint8_t k[CL_MIX_KEY_LEN], *v = NULL;
	size_t vl;

	memset(out, 0, sizeof(*out));
	if (!store_get(st, &v, &vl, found, k, cl_mix_key(k, txnum), why))
		return false;
	if (!*found)
		return true;
	bool ok = mix_decode(out, v, vl);
	free(v);
	if (!ok)
		*why = "CoinJoin verdict record is damaged";
	return ok;
}

bool cluster_mix_each(struct store *st,
		      bool (*fn)(void *ctx, uint64_t txnum, const struct coinjoin_result *r),
		      void *ctx, const char **why)
{
	uint8_t pre[2] = { CLUSTER_PREFIX, CLUSTER_K_MIX };
	struct store_iter *it = store_iter_new(st, pre, 2, NULL, 0);
	const uint8_t *k, *v;
	size_t kl, vl;
	bool ok = true, go = true;

	while (ok && go && store_iter_next(it, &k, &kl, &v, &vl)) {
		struct coinjoin_result r;
		if (kl != CL_MIX_KEY_LEN || !mix_decode(&r, v, vl)) {
			*why = "CoinJoin verdict record is damaged";
			ok = false;
			break;
		}
		go = fn(ctx, idx_rd64(k + 2), &r);
	}
	if (ok && store_iter_error(it))
		*why = store_iter_error(it), ok = false;
	store_iter_free(it);
	return ok;
}
