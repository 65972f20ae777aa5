/* Header graph and most-work chain selection. */
#include "proceeds/blkchain.h"
#include "proceeds/tx.h"

#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
#define H_UNKNOWN (-2)  /* not yet computed */
#define H_ORPHAN (-4)   /* ancestry does not reach a root */
#define H_BUSY (-3)     /* on the walk stack (guards against cycles) */

struct node {
	struct hash256 hash;
	struct hash256 prev;
	uint32_t bits;
	uint32_t parent;
	int32_t height;
};

struct blkchain {
	struct node *nodes;
	uint32_t n, cap;
	uint32_t *slots;        /* open addressing: node index + 1, 0 = empty */
	size_t slot_cap;        /* power of two */
	uint32_t *best;         /* node index by height */
	uint32_t best_len;
	uint32_t orphans;
	uint64_t tip_work[4];
};

struct blkchain *blkchain_new(void)
{
	struct blkchain *c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->slot_cap = 1024;
	c->slots = calloc(c->slot_cap, sizeof(*c->slots));
	if (!c->slots) {
		free(c);
		return NULL;
	}
	return c;
}

void blkchain_free(struct blkchain *c)
{
	if (!c)
		return;
	free(c->nodes);
	free(c->slots);
	free(c->best);
	free(c);
}

/* Block hashes are uniform in their first (internal order) bytes. */
static size_t slot_of(const struct hash256 *h, size_t cap)
{
	uint64_t k;
	memcpy(&k, h->b, sizeof(k));
	return (size_t)k & (cap - 1);
}

static uint32_t lookup(const struct blkchain *c, const struct hash256 *h)
{
	for (size_t s = slot_of(h, c->slot_cap);; s = (s + 1) & (c->slot_cap - 1)) {
		uint32_t v = c->slots[s];
		if (v == 0)
			return NONE;
		if (hash256_eq(&c->nodes[v - 1].hash, h))
			return v - 1;
	}
}

static void insert_slot(uint32_t *slots, size_t cap, const struct node *nodes,
			uint32_t idx)
{
	size_t s = slot_of(&nodes[idx].hash, cap);
	while (slots[s] != 0)
		s = (s + 1) & (cap - 1);
	slots[s] = idx + 1;
}

static bool grow(struct blkchain *c)
{
	if (c->n == c->cap) {
		uint32_t ncap = c->cap ? c->cap * 2 : 4096;
		struct node *nn;
		/* Overflow first: after a successful realloc the old array is
		 * gone, so refusing then would leave c->nodes dangling. */
		if (ncap <= c->cap)
			return false;
		nn = realloc(c->nodes, (size_t)ncap * sizeof(*nn));
		if (!nn)
			return false;
		c->nodes = nn;
		c->cap = ncap;
	}
	if ((size_t)(c->n + 1) * 2 > c->slot_cap) {
		size_t ncap = c->slot_cap * 2;
		uint32_t *ns = calloc(ncap, sizeof(*ns));
		if (!ns)
			return false;
		for (uint32_t i = 0; i < c->n; i++)
			insert_slot(ns, ncap, c->nodes, i);
		free(c->slots);
		c->slots = ns;
		c->slot_cap = ncap;
	}
	return true;
}

bool blkchain_add(struct blkchain *c, uint32_t *idx, bool *dup,
		  const struct hash256 *hash, const struct hash256 *prev,
		  uint32_t bits)
{
	uint32_t have = lookup(c, hash);
	*dup = have != NONE;
	if (*dup) {
		*idx = have;
		return true;
	}
	if (c->n == NONE - 1 || !grow(c))
		return false;
	struct node *n = &c->nodes[c->n];
	n->hash = *hash;
	n->prev = *prev;
	n->bits = bits;
	n->parent = NONE;
	n->height = H_UNKNOWN;
	insert_slot(c->slots, c->slot_cap, c->nodes, c->n);
	*idx = c->n++;
	return true;
}

static void u256_add(uint64_t a[4], const uint64_t b[4])
{
	unsigned carry = 0;
	for (int i = 0; i < 4; i++) {
		uint64_t s = a[i] + b[i];
		unsigned c1 = s < a[i];
		a[i] = s + carry;
		carry = c1 | (a[i] < s);
	}
}

static int u256_cmp(const uint64_t a[4], const uint64_t b[4])
{
	for (int i = 3; i >= 0; i--)
		if (a[i] != b[i])
			return a[i] < b[i] ? -1 : 1;
	return 0;
}

/* Work of a header; difficulty changes every 2016 blocks at most, so the
 * last answer is nearly always the next one. Invalid targets count 0. */
static void work_of(uint64_t out[4], uint32_t bits, uint32_t *last_bits,
		    uint64_t last[4])
{
	if (bits != *last_bits) {
		if (!block_work(last, bits))
			memset(last, 0, 4 * sizeof(uint64_t));
		*last_bits = bits;
	}
	memcpy(out, last, 4 * sizeof(uint64_t));
}

struct walk {
	uint64_t (*work)[4];
	uint32_t *stack;
	uint32_t last_bits;
	uint64_t last_work[4];
};

/* Computes height and chain work of node i and its unknown ancestors,
 * iteratively (the chain is ~10^6 deep). */
static void resolve(struct blkchain *c, struct walk *w, uint32_t i)
{
	uint32_t sp = 0, j = i;
	while (j != NONE && c->nodes[j].height == H_UNKNOWN) {
		c->nodes[j].height = H_BUSY;
		w->stack[sp++] = j;
		j = c->nodes[j].parent;
	}
	int32_t h;
	if (j == NONE) {
		uint32_t top = w->stack[sp - 1];
		h = hash256_is_zero(&c->nodes[top].prev) ? -1 : H_ORPHAN;
		if (h == -1)
			memset(w->work[top], 0, sizeof(w->work[top]));
		j = top; /* seed: work of nothing */
	} else {
		h = c->nodes[j].height == H_BUSY ? H_ORPHAN : c->nodes[j].height;
	}
	while (sp > 0) {
		uint32_t k = w->stack[--sp];
		uint64_t own[4];
		if (h == H_ORPHAN) {
			c->nodes[k].height = H_ORPHAN;
			c->orphans++;
			continue;
		}
		work_of(own, c->nodes[k].bits, &w->last_bits, w->last_work);
		if (k != j)
			memcpy(w->work[k], w->work[j], sizeof(w->work[k]));
		u256_add(w->work[k], own);
		c->nodes[k].height = ++h;
		j = k;
	}
}

static bool build_best(struct blkchain *c, uint32_t tip)
{
	c->best_len = (uint32_t)c->nodes[tip].height + 1;
	c->best = malloc((size_t)c->best_len * sizeof(*c->best));
	if (!c->best)
		return false;
	for (uint32_t k = tip, h = c->best_len; h > 0; k = c->nodes[k].parent)
		c->best[--h] = k;
	return true;
}

bool blkchain_select(struct blkchain *c, const char **why)
{
	struct walk w = { 0 };
	uint32_t tip = NONE;

	w.last_bits = 0;
	memset(w.last_work, 0, sizeof(w.last_work));
	w.work = malloc((size_t)(c->n ? c->n : 1) * sizeof(*w.work));
	w.stack = malloc((size_t)(c->n ? c->n : 1) * sizeof(*w.stack));
	if (!w.work || !w.stack) {
		free(w.work);
		free(w.stack);
		*why = "out of memory";
		return false;
	}
	for (uint32_t i = 0; i < c->n; i++)
		if (!hash256_is_zero(&c->nodes[i].prev))
			c->nodes[i].parent = lookup(c, &c->nodes[i].prev);
	for (uint32_t i = 0; i < c->n; i++) {
		if (c->nodes[i].height == H_UNKNOWN)
			resolve(c, &w, i);
		if (c->nodes[i].height >= 0 &&
		    (tip == NONE || u256_cmp(w.work[i], w.work[tip]) > 0))
			tip = i;
	}
	bool ok = tip == NONE || build_best(c, tip);
	if (tip != NONE)
		memcpy(c->tip_work, w.work[tip], sizeof(c->tip_work));
	free(w.work);
	free(w.stack);
	if (!ok)
		*why = "out of memory";
	return ok;
}

uint32_t blkchain_size(const struct blkchain *c)
{
	return c->n;
}

uint32_t blkchain_count(const struct blkchain *c)
{
	return c->best_len;
}

uint32_t blkchain_at(const struct blkchain *c, uint32_t height)
{
	return c->best[height];
}

const struct hash256 *blkchain_hash(const struct blkchain *c, uint32_t idx)
{
	return &c->nodes[idx].hash;
}

uint32_t blkchain_orphans(const struct blkchain *c)
{
	return c->orphans;
}

void blkchain_tip_work(const struct blkchain *c, uint64_t out[4])
{
	memcpy(out, c->tip_work, sizeof(c->tip_work));
}
