/* proofs/<txid>.json of an evidence package (see reportproof.h). */
#include "proceeds/reportproof.h"
#include "proceeds/hex.h"
#include "proceeds/report.h"
#include "proceeds/tx.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static _Thread_local char why_buf[4400];

static json_t *hash_json(const struct hash256 *h)
{
	char hex[65];
	hash256_to_hex(hex, h);
	return json_string(hex);
}

json_t *reportproof_to_json(const struct merkle_proof *p,
			    const uint8_t header[80], uint32_t height)
{
	char hdr[161];
	struct hash256 bh, root;
	json_t *branch = json_array();

	hex_encode(hdr, header, 80);
	block_header_hash(&bh, header);
	merkle_proof_root(&root, p);
	for (uint32_t i = 0; i < p->depth; i++)
		json_array_append_new(branch, hash_json(&p->branch[i]));
	return json_pack("{s:s, s:o, s:o, s:I, s:s, s:I, s:I, s:o, s:o}",
			 "format", REPORTPROOF_FORMAT, "txid", hash_json(&p->txid),
			 "block_hash", hash_json(&bh), "height", (json_int_t)height,
			 "header", hdr, "index", (json_int_t)p->index,
			 "n_tx", (json_int_t)p->n_tx, "branch", branch,
			 "merkle_root", hash_json(&root));
}

static bool get_hash(struct hash256 *out, const json_t *o, const char *key,
		     const char **why)
{
	const char *s = json_string_value(json_object_get(o, key));
	const char *w;
	if (!s || !hash256_from_hex(out, s, &w)) {
		snprintf(why_buf, sizeof(why_buf), "%s: not a 64-digit hex hash", key);
		*why = why_buf;
		return false;
	}
	return true;
}

static bool get_u32(uint32_t *out, const json_t *o, const char *key, const char **why)
{
	const json_t *v = json_object_get(o, key);
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > UINT32_MAX) {
		snprintf(why_buf, sizeof(why_buf), "%s: not a 32-bit unsigned integer", key);
		*why = why_buf;
		return false;
	}
	*out = (uint32_t)json_integer_value(v);
	return true;
}

static bool parse_proof(struct merkle_proof *p, uint8_t header[80],
			struct hash256 *claimed, uint32_t *height,
			const json_t *j, const char **why)
{
	const char *fmt = json_string_value(json_object_get(j, "format"));
	const char *hdr = json_string_value(json_object_get(j, "header"));
	const json_t *br = json_object_get(j, "branch"), *v;
	size_t i;

	memset(p, 0, sizeof(*p));
	if (!fmt || strcmp(fmt, REPORTPROOF_FORMAT) != 0) {
		*why = "format: not \"" REPORTPROOF_FORMAT "\"";
		return false;
	}
	if (!get_hash(&p->txid, j, "txid", why) || !get_hash(claimed, j, "block_hash", why) ||
	    !get_u32(height, j, "height", why) || !get_u32(&p->index, j, "index", why) ||
	    !get_u32(&p->n_tx, j, "n_tx", why))
		return false;
	if (!hdr || strlen(hdr) != 160 || !hex_decode(header, hdr, 160, why)) {
		*why = "header: not 80 bytes of hex";
		return false;
	}
	if (!json_is_array(br) || json_array_size(br) > MERKLE_PROOF_MAX_DEPTH) {
		*why = "branch: not an array of at most 32 hashes";
		return false;
	}
	json_array_foreach(br, i, v) {
		const char *w;
		if (!json_is_string(v) || !hash256_from_hex(&p->branch[i], json_string_value(v), &w)) {
			snprintf(why_buf, sizeof(why_buf), "branch[%zu]: not a 64-digit hex hash", i);
			*why = why_buf;
			return false;
		}
	}
	p->depth = (uint32_t)json_array_size(br);
	return true;
}

bool reportproof_check(const json_t *proof, struct hash256 *block_hash,
		       uint32_t *height, const char **why)
{
	struct merkle_proof p;
	uint8_t header[80];
	struct hash256 claimed;

	if (!parse_proof(&p, header, &claimed, height, proof, why))
		return false;
	if (!merkle_proof_verify(&p, header, block_hash, why))
		return false;
	if (!hash256_eq(block_hash, &claimed)) {
		*why = "block_hash is not the hash of the header";
		return false;
	}
	return true;
}

/* ---- writing ---- */

struct cited {
	char txid[65];
	char block[65];  /* "" when the trace does not say */
	uint32_t height;
};

static int cited_cmp(const void *a, const void *b)
{
	const struct cited *x = a, *y = b;
	int c;
	if (x->height != y->height)
		return x->height < y->height ? -1 : 1;
	c = strcmp(x->block, y->block);
	return c ? c : strcmp(x->txid, y->txid);
}

struct cited_list {
	struct cited *v;
	size_t n, cap;
};

static void cite(struct cited_list *l, const char *txid, const json_t *height,
		 const json_t *block)
{
	struct cited *c;
	if (l->n == l->cap) {
		l->cap = l->cap ? 2 * l->cap : 64;
		l->v = realloc(l->v, l->cap * sizeof(*l->v));
		if (!l->v)
			abort();
	}
	c = &l->v[l->n++];
	snprintf(c->txid, sizeof(c->txid), "%.64s", txid);
	snprintf(c->block, sizeof(c->block), "%s", block ? json_string_value(block) : "");
	c->height = height ? (uint32_t)json_integer_value(height) : 0;
}

/* Every cited txid once, sorted by height, block, txid. */
static void collect(struct cited_list *l, const json_t *trace)
{
	const json_t *v;
	size_t i, out = 0;
	memset(l, 0, sizeof(*l));
	json_array_foreach(json_object_get(trace, "seeds"), i, v)
		cite(l, json_string_value(json_object_get(v, "outpoint")),
		     json_object_get(v, "height"), json_object_get(v, "block_hash"));
	json_array_foreach(json_object_get(trace, "hops"), i, v)
		cite(l, json_string_value(json_object_get(v, "txid")),
		     json_object_get(v, "height"), json_object_get(v, "block_hash"));
	json_array_foreach(json_object_get(trace, "exits"), i, v)
		if (json_is_string(json_object_get(v, "sweep_txid")))
			cite(l, json_string_value(json_object_get(v, "sweep_txid")),
			     json_object_get(v, "sweep_height"),
			     json_object_get(v, "sweep_block_hash"));
	if (l->n)
		qsort(l->v, l->n, sizeof(*l->v), cited_cmp);
	for (i = 0; i < l->n; i++)
		if (out == 0 || strcmp(l->v[out - 1].txid, l->v[i].txid) != 0)
			l->v[out++] = l->v[i];
	l->n = out;
}

/* The block of the current group, fetched once. */
struct fetched {
	bool ok;
	const char *reason;   /* why not ok */
	uint8_t header[80];
	struct hash256 *txids;
	size_t n;
};

/* The source's txids hash to the header's merkle root (a proof of index
 * 0 carries the whole tree's root). */
static bool txids_match(const struct fetched *f)
{
	struct merkle_proof p;
	struct hash256 root;
	struct block_header h;
	const char *w;
	if (f->n == 0 || !merkle_proof_build(&p, f->txids, f->n, 0, &w))
		return false;
	merkle_proof_root(&root, &p);
	block_header_decode(&h, f->header);
	return hash256_eq(&root, &h.merkle);
}

static bool fetch(struct fetched *f, const struct cited *c,
		  const struct proof_source *src, const char **why)
{
	struct hash256 want, got;
	const char *w;

	free(f->txids);
	memset(f, 0, sizeof(*f));
	if (!c->block[0]) {
		f->reason = "the trace does not give the block of this transaction";
		return true;
	}
	if (!src) {
		f->reason = "no block source (run with an index to include proofs)";
		return true;
	}
	if (!hash256_from_hex(&want, c->block, &w) ||
	    !src->block(src->ctx, &want, c->height, f->header, &f->txids, &f->n, &w)) {
		snprintf(why_buf, sizeof(why_buf), "block %s not available: %s", c->block, w);
		f->reason = why_buf;
		return true;
	}
	block_header_hash(&got, f->header);
	if (!hash256_eq(&got, &want)) {
		snprintf(why_buf, sizeof(why_buf), "the block source's header for %s "
			 "hashes to another block", c->block);
		*why = why_buf;
		return false;
	}
	if (!txids_match(f)) {
		snprintf(why_buf, sizeof(why_buf), "the block source's transactions "
			 "do not hash to the merkle root of block %s", c->block);
		*why = why_buf;
		return false;
	}
	f->ok = true;
	return true;
}

static bool write_file(const char *path, const char *data, size_t len, const char **why)
{
	FILE *f = fopen(path, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	if (!ok) {
		snprintf(why_buf, sizeof(why_buf), "%s: %s", path, strerror(errno));
		*why = why_buf;
	}
	return ok;
}

/* Builds, self-checks and writes the proof of c from the fetched block. */
static bool prove(const char *dir, const struct cited *c, const struct fetched *f,
		  const char **why)
{
	struct merkle_proof p;
	struct hash256 txid, bh;
	size_t i;
	char path[4096], *text;
	size_t len;
	json_t *j;
	bool ok;

	if (!hash256_from_hex(&txid, c->txid, why))
		return false;
	for (i = 0; i < f->n && !hash256_eq(&f->txids[i], &txid); i++)
		;
	if (i == f->n) {
		snprintf(why_buf, sizeof(why_buf), "transaction %s is not in block %s",
			 c->txid, c->block);
		*why = why_buf;
		return false;
	}
	if (!merkle_proof_build(&p, f->txids, f->n, i, why) ||
	    !merkle_proof_verify(&p, f->header, &bh, why))
		return false;
	j = reportproof_to_json(&p, f->header, c->height);
	ok = report_canonical(&text, &len, j, why);
	json_decref(j);
	if (!ok)
		return false;
	snprintf(path, sizeof(path), "%s/proofs/%s.json", dir, c->txid);
	ok = write_file(path, text, len, why);
	free(text);
	return ok;
}

static json_t *record(const struct cited *c, const struct fetched *f)
{
	char file[96];
	snprintf(file, sizeof(file), "proofs/%s.json", c->txid);
	return json_pack("{s:s, s:I, s:o, s:s, s:o, s:o}", "txid", c->txid,
			 "height", (json_int_t)c->height, "block_hash",
			 c->block[0] ? json_string(c->block) : json_null(),
			 "status", f->ok ? "included" : "unavailable",
			 "file", f->ok ? json_string(file) : json_null(),
			 "reason", f->ok ? json_null() : json_string(f->reason));
}

static bool make_dir(const char *dir, const char **why)
{
	char path[4096];
	snprintf(path, sizeof(path), "%s/proofs", dir);
	if (mkdir(path, 0755) != 0 && errno != EEXIST) {
		snprintf(why_buf, sizeof(why_buf), "%s: %s", path, strerror(errno));
		*why = why_buf;
		return false;
	}
	return true;
}

bool reportproof_write_all(json_t **records, const char *dir,
			   const json_t *trace, const struct proof_source *src,
			   const char **why)
{
	struct cited_list l;
	struct fetched f = { 0 };
	bool ok = true;

	*records = json_array();
	collect(&l, trace);
	ok = src == NULL || make_dir(dir, why);
	for (size_t i = 0; ok && i < l.n; i++) {
		if (i == 0 || !l.v[i].block[0] ||
		    strcmp(l.v[i].block, l.v[i - 1].block) != 0)
			ok = fetch(&f, &l.v[i], src, why);
		if (ok && f.ok)
			ok = prove(dir, &l.v[i], &f, why);
		if (ok)
			json_array_append_new(*records, record(&l.v[i], &f));
	}
	free(f.txids);
	free(l.v);
	if (!ok) {
		json_decref(*records);
		*records = NULL;
	}
	return ok;
}
