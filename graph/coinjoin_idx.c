/* The detector's view of an indexed transaction (coinjoin_idx.h). */
#include "proceeds/coinjoin_idx.h"
#include "proceeds/cluster.h"
#include "proceeds/cluster_query.h"
#include "proceeds/index_query.h"

#include <stdlib.h>
#include <string.h>

static bool out_script(struct store *st, uint8_t script[42], size_t *len,
		       const struct idx_output *o, const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	*len = 0;
	if (o->type == SCRIPT_OP_RETURN) {
		script[0] = 0x6a;
		*len = 1;
		return true;
	}
	if (!idxq_addr_key(st, key, &kl, &found, o->addr, why))
		return false;
	if (found)
		*len = script_from_owner_key(script, key, kl);
	return true;
}

static bool in_view(struct store *st, struct coinjoin_input *ci,
		    const struct idx_input *in, const char **why)
{
	uint8_t script[42];
	size_t kl, sl;
	bool found;

	memset(ci, 0, sizeof(*ci));
	ci->value = in->value;
	ci->type = SCRIPT_NONSTANDARD;
	if (!idxq_addr_key(st, ci->key, &kl, &found, in->addr, why))
		return false;
	if (!found)
		return true;
	ci->key_len = (uint8_t)kl;
	sl = script_from_owner_key(script, ci->key, kl);
	if (sl) {
		struct script_info si;
		script_classify(&si, script, sl);
		ci->type = si.type;
	}
	return true;
}

static bool fill(struct coinjoin_idx *b, struct store *st, const struct idx_tx *tx,
		 const char **why)
{
	b->t.version = tx->version;
	b->t.locktime = tx->locktime;
	b->t.n_in = tx->coinbase ? 0 : tx->n_in;
	b->t.n_out = tx->n_out;
	b->t.in = b->ins;
	b->t.out = b->outs;
	b->t.txid = tx->txid;
	for (uint32_t i = 0; i < b->t.n_in; i++) {
		b->ins[i].prev_txid.b[0] = 1;   /* not a coinbase */
		b->ins[i].prev_vout = tx->in[i].prev_vout;
		if (!in_view(st, &b->ci[i], &tx->in[i], why))
			return false;
	}
	for (uint32_t o = 0; o < tx->n_out; o++) {
		size_t sl;
		if (!out_script(st, b->scripts[o], &sl, &tx->out[o], why))
			return false;
		b->outs[o].value = tx->out[o].value;
		b->outs[o].script = b->scripts[o];
		b->outs[o].script_len = (uint32_t)sl;
	}
	return true;
}

bool coinjoin_idx_fill(struct coinjoin_idx *b, struct store *st,
		       const struct idx_tx *tx, enum network net, const char **why)
{
	size_t ni = tx->n_in ? tx->n_in : 1, no = tx->n_out ? tx->n_out : 1;

	memset(b, 0, sizeof(*b));
	b->ins = calloc(ni, sizeof(*b->ins));
	b->ci = calloc(ni, sizeof(*b->ci));
	b->outs = calloc(no, sizeof(*b->outs));
	b->scripts = calloc(no, sizeof(*b->scripts));
	if (!b->ins || !b->ci || !b->outs || !b->scripts)
		return (*why = "out of memory"), false;
	b->view = (struct coinjoin_view){ &b->t, b->ci, tx->height, net };
	return fill(b, st, tx, why);
}

void coinjoin_idx_release(struct coinjoin_idx *b)
{
	free(b->ins);
	free(b->ci);
	free(b->outs);
	free(b->scripts);
	memset(b, 0, sizeof(*b));
}

const char *coinjoin_basis_name(enum coinjoin_basis b)
{
	switch (b) {
	case COINJOIN_BASIS_BUILD:
		return "cluster build";
	case COINJOIN_BASIS_CLUSTERS:
		return "clusters";
	case COINJOIN_BASIS_KEYS:
		return "keys";
	}
	return "unknown";
}

/* Owners by today's clusters when a clustering exists. */
static bool set_owners(struct coinjoin_idx *b, bool *used, struct store *st,
		       const struct idx_tx *tx, const char **why)
{
	for (uint32_t i = 0; *used && i < b->t.n_in; i++) {
		b->ci[i].has_owner = true;
		if (!cluster_root(st, &b->ci[i].owner, tx->in[i].addr, why))
			return false;
	}
	return true;
}

bool coinjoin_idx_verdict(struct coinjoin_result *out, enum coinjoin_basis *basis,
			  struct store *st, const struct idx_tx *tx,
			  enum network net, const char **why)
{
	struct cluster_meta m;
	struct coinjoin_idx b;
	bool built, found = false, ok;

	/* A clustering of another version judges nothing: keys then. */
	if (!cluster_meta_read(st, &m, &built, why))
		built = false;
	if (built && m.next_txnum > tx->txnum &&
	    !cluster_mix_get(st, out, &found, tx->txnum, why))
		return false;
	*basis = COINJOIN_BASIS_BUILD;
	if (found)
		return true;
	*basis = built ? COINJOIN_BASIS_CLUSTERS : COINJOIN_BASIS_KEYS;
	ok = coinjoin_idx_fill(&b, st, tx, net, why) && set_owners(&b, &built, st, tx, why) &&
	     coinjoin_detect(out, &b.view, why);
	coinjoin_idx_release(&b);
	return ok;
}
