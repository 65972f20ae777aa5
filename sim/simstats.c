/* Address-reuse counting for --stats (simstats.h). */
#include "proceeds/simstats.h"

#include <stdlib.h>
#include <string.h>

static uint64_t fingerprint(const struct simkey *k)
{
	uint64_t f = 0;
	for (int i = 0; i < 8; i++)
		f = f << 8 | k->pub[1 + i];
	f ^= (uint64_t)k->type << 56 ^ k->pub[0];
	return f ? f : 1;
}

/* Inserts f; true when it was there already. */
static bool insert(uint64_t *v, size_t cap, uint64_t f, bool *added)
{
	size_t i = (size_t)(f * UINT64_C(0x9e3779b97f4a7c15) >> 20) & (cap - 1);
	while (v[i] && v[i] != f)
		i = (i + 1) & (cap - 1);
	*added = v[i] == 0;
	v[i] = f;
	return !*added;
}

static bool grow(struct simstats *s)
{
	size_t cap = s->cap ? s->cap * 2 : 1u << 16;
	uint64_t *v = calloc(cap, sizeof(*v));
	bool added;
	if (!v)
		return false;
	for (size_t i = 0; i < s->cap; i++)
		if (s->v[i])
			(void)insert(v, cap, s->v[i], &added);
	free(s->v);
	s->v = v, s->cap = cap;
	return true;
}

bool simstats_output(struct simstats *s, const struct simkey *key)
{
	bool added;
	if ((s->n + 1) * 2 > s->cap && !grow(s))
		return false;
	s->outputs++;
	if (insert(s->v, s->cap, fingerprint(key), &added))
		s->reused++;
	s->n += added;
	return true;
}

void simstats_release(struct simstats *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}
