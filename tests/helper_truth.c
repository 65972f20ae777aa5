/* The simulator's ground truth for benchmarks and tests (helper_truth.h). */
#include "helper_truth.h"
#include "proceeds/address.h"
#include "proceeds/cluster.h"
#include "proceeds/index_query.h"
#include "proceeds/script.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void truth_die(const char *what, const char *why)
{
	fprintf(stderr, "truth: %s: %s\n", what, why);
	exit(2);
}

void truth_release(struct truth *t)
{
	for (size_t i = 0; i < t->n_ent; i++)
		free(t->name[i]);
	free(t->name);
	free(t->exchange);
	free(t->ent);
	free(t->deposit);
	free(t->pj);
	free(t->cj);
}

static int cmp_hash(const void *a, const void *b)
{
	return memcmp(a, b, sizeof(struct hash256));
}

/* The txids of one truth list (objects with "txid"), sorted. */
struct hash256 *truth_txids(const json_t *list, size_t *n)
{
	struct hash256 *v = calloc(json_array_size(list) + 1, sizeof(*v));
	const json_t *e;
	const char *why = NULL;
	size_t i;

	if (!v)
		truth_die("truth", "out of memory");
	json_array_foreach(list, i, e)
		if (!hash256_from_hex(&v[i], json_string_value(json_object_get(e, "txid")), &why))
			truth_die("truth txid", why);
	*n = json_array_size(list);
	qsort(v, *n, sizeof(*v), cmp_hash);
	return v;
}

bool truth_has_txid(const struct hash256 *v, size_t n, const struct hash256 *h)
{
	return n && bsearch(h, v, n, sizeof(*v), cmp_hash) != NULL;
}

static void load_entities(struct truth *t, const json_t *ents)
{
	size_t i;
	const json_t *e;

	t->n_ent = json_array_size(ents);
	t->name = calloc(t->n_ent + 1, sizeof(*t->name));
	t->exchange = calloc(t->n_ent + 1, sizeof(*t->exchange));
	if (!t->name || !t->exchange)
		truth_die("truth", "out of memory");
	json_array_foreach(ents, i, e) {
		const char *type = json_string_value(json_object_get(e, "type"));
		t->name[i] = strdup(json_string_value(json_object_get(e, "name")));
		t->exchange[i] = type && strcmp(type, "exchange") == 0;
	}
}

/* One truth address: its id in the index, owner and role. */
static void load_address(struct truth *t, struct store *st, enum network net,
			 const json_t *row)
{
	const char *s = json_string_value(json_array_get(row, 0)), *why = NULL;
	const char *role = json_string_value(json_array_get(row, 2));
	json_int_t ent = json_integer_value(json_array_get(row, 1));
	uint8_t key[SCRIPT_KEY_MAX];
	struct address a;
	uint64_t id;
	bool found;

	if (!s || !role || ent < 0 || (size_t)ent >= t->n_ent)
		truth_die("truth", "bad address row");
	if (!address_decode(&a, net, s, &why))
		truth_die(s, why);
	size_t kl = script_owner_key(key, a.script, a.script_len);
	if (!idxq_addr_id(st, &id, &found, key, kl, &why))
		truth_die(s, why);
	if (!found || id >= t->n_addr)
		return;  /* created but never on the indexed chain */
	t->ent[id] = (int32_t)ent;
	t->deposit[id] = strcmp(role, "deposit") == 0;
	t->n_truth++;
}

void truth_load(struct truth *t, struct store *st, const char *dir,
		uint64_t n_addr, enum network *net, json_t **doc)
{
	char path[4096];
	json_error_t err;
	const json_t *addrs, *row;
	size_t i;

	memset(t, 0, sizeof(*t));
	snprintf(path, sizeof(path), "%s/truth.json", dir);
	json_t *j = json_load_file(path, 0, &err);
	if (!j)
		truth_die(path, err.text);
	const char *netname = json_string_value(json_object_get(
		json_object_get(j, "generator"), "network"));
	if (!netname || !network_from_name(net, netname))
		truth_die(path, "generator.network missing or unknown");
	load_entities(t, json_object_get(j, "entities"));
	t->n_addr = n_addr;
	t->ent = malloc(n_addr * sizeof(*t->ent));
	t->deposit = calloc(n_addr, 1);
	if (!t->ent || !t->deposit)
		truth_die(path, "out of memory");
	for (uint64_t k = 0; k < n_addr; k++)
		t->ent[k] = -1;
	t->pj = truth_txids(json_object_get(j, "payjoins"), &t->n_pj);
	t->cj = truth_txids(json_object_get(j, "coinjoins"), &t->n_cj);
	addrs = json_object_get(j, "addresses");
	json_array_foreach(addrs, i, row)
		load_address(t, st, *net, row);
	if (doc)
		*doc = j;
	else
		json_decref(j);
}

/* Every address id's root. */
uint32_t *truth_roots(struct store *st, uint64_t n)
{
	uint32_t *r = malloc(n * sizeof(*r));
	const char *why = NULL;

	if (!r)
		truth_die("roots", "out of memory");
	for (uint64_t i = 0; i < n; i++) {
		uint64_t root;
		if (!cluster_root(st, &root, i, &why))
			truth_die("roots", why);
		r[i] = (uint32_t)root;
	}
	return r;
}

