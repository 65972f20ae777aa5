/* Merkle branches as Bitcoin Core computes them (duplicate-last on odd
 * levels), and their verification against a block header. */
#include "proceeds/merkleproof.h"
#include "proceeds/tx.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

static void hash_pair(struct hash256 *out, const struct hash256 *l,
		      const struct hash256 *r)
{
	uint8_t buf[64];
	memcpy(buf, l->b, 32);
	memcpy(buf + 32, r->b, 32);
	hash_sha256d(out, buf, sizeof(buf));
}

uint32_t merkle_proof_depth(uint32_t n_tx)
{
	uint32_t d = 0;
	uint64_t width = n_tx;
	while (width > 1) {
		width = (width + 1) / 2;
		d++;
	}
	return d;
}

bool merkle_proof_build(struct merkle_proof *out, const struct hash256 *txids,
			size_t n, size_t index, const char **why)
{
	struct hash256 *level;
	size_t width = n, pos = index;

	memset(out, 0, sizeof(*out));
	if (n == 0 || n > UINT32_MAX || index >= n) {
		*why = n == 0 ? "block has no transactions"
			      : "transaction index out of range";
		return false;
	}
	level = malloc(n * sizeof(*level));
	assert(level);
	memcpy(level, txids, n * sizeof(*level));
	out->txid = txids[index];
	out->index = (uint32_t)index;
	out->n_tx = (uint32_t)n;
	while (width > 1) {
		size_t sib = pos ^ 1;
		if (sib >= width)
			sib = pos; /* odd level: the last node pairs with itself */
		out->branch[out->depth++] = level[sib];
		for (size_t i = 0; i < width; i += 2)
			hash_pair(&level[i / 2], &level[i],
				  &level[i + 1 < width ? i + 1 : i]);
		width = (width + 1) / 2;
		pos /= 2;
	}
	free(level);
	return true;
}

void merkle_proof_root(struct hash256 *root, const struct merkle_proof *p)
{
	struct hash256 cur = p->txid;
	uint32_t pos = p->index;
	for (uint32_t i = 0; i < p->depth; i++) {
		if (pos & 1)
			hash_pair(&cur, &p->branch[i], &cur);
		else
			hash_pair(&cur, &cur, &p->branch[i]);
		pos >>= 1;
	}
	*root = cur;
}

/* At each level the node is the last of an odd-width level exactly when it
 * has no right sibling; then its branch entry must be itself, and a left
 * node that is not last may not be paired with a copy of itself (that is
 * the CVE-2012-2459 ambiguity). */
static bool check_shape(const struct merkle_proof *p, const char **why)
{
	struct hash256 cur = p->txid;
	uint64_t width = p->n_tx, pos = p->index;

	for (uint32_t i = 0; i < p->depth; i++) {
		bool lonely = (pos & 1) == 0 && pos + 1 == width;
		bool same = hash256_eq(&p->branch[i], &cur);
		if (lonely && !same) {
			*why = "branch does not duplicate the last node of an odd level";
			return false;
		}
		if (!lonely && same) {
			*why = "branch pairs a node with a copy of itself (CVE-2012-2459)";
			return false;
		}
		if (pos & 1)
			hash_pair(&cur, &p->branch[i], &cur);
		else
			hash_pair(&cur, &cur, &p->branch[i]);
		width = (width + 1) / 2;
		pos >>= 1;
	}
	return true;
}

bool merkle_proof_verify(const struct merkle_proof *p, const uint8_t header[80],
			 struct hash256 *block_hash, const char **why)
{
	struct block_header h;
	struct hash256 root;

	memset(block_hash, 0, sizeof(*block_hash));
	if (p->n_tx == 0 || p->index >= p->n_tx) {
		*why = "transaction index is not below the transaction count";
		return false;
	}
	if (p->depth != merkle_proof_depth(p->n_tx)) {
		*why = "branch length does not match the transaction count";
		return false;
	}
	if (!check_shape(p, why))
		return false;
	merkle_proof_root(&root, p);
	block_header_decode(&h, header);
	if (!hash256_eq(&root, &h.merkle)) {
		*why = "merkle root does not match the block header";
		return false;
	}
	block_header_hash(block_hash, header);
	return true;
}
