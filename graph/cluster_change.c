/* Change-address heuristics (off unless asked for). Each rule alone is
 * weak (BlockSci's change_address.cpp; docs/methods.md), so each
 * votes for one of a two-output transaction's outputs with a weight, the
 * votes combine as 1 - prod(1 - w), and the output is merged into the
 * inputs' cluster only when every vote names it and the combined
 * confidence reaches the threshold. Transactions where an output pays an
 * input address back (the change is then known and already clustered),
 * OP_RETURN outputs, equal outputs or more than two outputs are left
 * alone. */
#include "cluster_int.h"

#include "proceeds/index_query.h"

#include <string.h>

/* Round payments: multiples of 0.001 BTC. */
#define ROUND_SATS 100000u

const char *cluster_change_rule_name(enum cluster_change_rule r)
{
	switch (r) {
	case CLUSTER_CH_FRESH: return "fresh";
	case CLUSTER_CH_TYPE: return "type";
	case CLUSTER_CH_OPTIMAL: return "optimal";
	case CLUSTER_CH_ROUND: return "round";
	case CLUSTER_CH_FINGERPRINT: return "fingerprint";
	case CLUSTER_CH_PEEL: return "peel";
	}
	return "unknown";
}

unsigned cluster_change_rule_weight(enum cluster_change_rule r)
{
	switch (r) {
	case CLUSTER_CH_FRESH: return 30;
	case CLUSTER_CH_TYPE: return 30;
	case CLUSTER_CH_OPTIMAL: return 40;
	case CLUSTER_CH_ROUND: return 40;
	case CLUSTER_CH_FINGERPRINT: return 30;
	case CLUSTER_CH_PEEL: return 40;
	}
	return 0;
}

/* Votes: rules that named output 0 and output 1. */
struct votes {
	unsigned rules[2];
};

static void vote(struct votes *v, const struct cl_state *s,
		 enum cluster_change_rule r, int o)
{
	if (s->opt.change_set & r)
		v->rules[o] |= r;
}

/* Owner-key kind byte of an address id, with the witness version and
 * program length folded in so P2WPKH, P2WSH and P2TR differ. */
static bool addr_class(struct store *st, unsigned *cls, uint64_t addr,
		       const char **why)
{
	uint8_t key[SCRIPT_KEY_MAX];
	size_t kl;
	bool found;

	*cls = 0;
	if (!idxq_addr_key(st, key, &kl, &found, addr, why))
		return false;
	if (found && kl >= 1)
		*cls = key[0] == SCRIPT_KEY_WITNESS && kl >= 2 ?
		       (unsigned)(key[0] << 16 | key[1] << 8 | (kl - 2)) : key[0];
	return true;
}

static bool rule_type(struct cl_state *s, struct votes *v,
		      const struct idx_tx *tx, const char **why)
{
	unsigned in_cls = 0, c, oc[2];

	for (uint32_t i = 0; i < tx->n_in; i++) {
		if (!addr_class(s->st, &c, tx->in[i].addr, why))
			return false;
		if (i > 0 && c != in_cls)
			return true;  /* mixed input types: no vote */
		in_cls = c;
	}
	for (int o = 0; o < 2; o++)
		if (!addr_class(s->st, &oc[o], tx->out[o].addr, why))
			return false;
	if ((oc[0] == in_cls) != (oc[1] == in_cls))
		vote(v, s, CLUSTER_CH_TYPE, oc[0] == in_cls ? 0 : 1);
	return true;
}

/* The spender of txnum:o, if spent (*found). */
static bool spender(struct store *st, struct idx_tx *sp, bool *found,
		    uint64_t txnum, uint32_t o, const char **why)
{
	struct idx_spend s;
	if (!idxq_spent(st, &s, found, txnum, o, why))
		return false;
	if (!*found)
		return true;
	return idxq_tx(st, sp, found, s.txnum, why);
}

/* Fingerprint and peel: both read the spending transactions. */
static bool rules_spenders(struct cl_state *s, struct votes *v,
			   const struct idx_tx *tx, const char **why)
{
	bool spent[2], fp[2] = { false, false }, peel[2] = { false, false };

	for (int o = 0; o < 2; o++) {
		struct idx_tx sp;
		if (!spender(s->st, &sp, &spent[o], tx->txnum, (uint32_t)o, why))
			return false;
		if (!spent[o])
			continue;
		fp[o] = sp.version == tx->version &&
			(sp.locktime == 0) == (tx->locktime == 0);
		peel[o] = sp.n_in == 1 && sp.n_out == 2;
		idx_tx_release(&sp);
	}
	if (spent[0] && spent[1] && fp[0] != fp[1])
		vote(v, s, CLUSTER_CH_FINGERPRINT, fp[0] ? 0 : 1);
	if (tx->n_in == 1 && peel[0] != peel[1])
		vote(v, s, CLUSTER_CH_PEEL, peel[0] ? 0 : 1);
	return true;
}

static void rules_values(struct cl_state *s, struct votes *v,
			 const struct idx_tx *tx)
{
	uint64_t min_in = UINT64_MAX;
	bool small[2], round[2], fresh[2];

	for (uint32_t i = 0; i < tx->n_in; i++)
		if (tx->in[i].value < min_in)
			min_in = tx->in[i].value;
	for (int o = 0; o < 2; o++) {
		small[o] = tx->out[o].value < min_in;
		round[o] = tx->out[o].value % ROUND_SATS == 0;
		fresh[o] = tx->out[o].addr >= s->seen_addr;
	}
	if (small[0] != small[1])
		vote(v, s, CLUSTER_CH_OPTIMAL, small[0] ? 0 : 1);
	if (round[0] != round[1])
		vote(v, s, CLUSTER_CH_ROUND, round[0] ? 1 : 0);
	if (fresh[0] != fresh[1])
		vote(v, s, CLUSTER_CH_FRESH, fresh[0] ? 0 : 1);
}

static bool eligible(const struct idx_tx *tx)
{
	if (tx->n_out != 2 || tx->n_in == 0)
		return false;
	if (tx->out[0].type == SCRIPT_OP_RETURN || tx->out[1].type == SCRIPT_OP_RETURN ||
	    tx->out[0].value == tx->out[1].value || tx->out[0].addr == tx->out[1].addr)
		return false;
	for (uint32_t i = 0; i < tx->n_in; i++)
		if (tx->in[i].addr == tx->out[0].addr || tx->in[i].addr == tx->out[1].addr)
			return false;
	return true;
}

/* Combined confidence (percent) of a set of rules. */
static unsigned combined(unsigned rules)
{
	double miss = 1.0;
	for (unsigned r = 1; r <= CLUSTER_CH_PEEL; r <<= 1)
		if (rules & r)
			miss *= 1.0 - cluster_change_rule_weight((enum cluster_change_rule)r) / 100.0;
	return (unsigned)((1.0 - miss) * 100.0 + 0.5);
}

unsigned cluster_change_confidence(unsigned rules)
{
	return combined(rules);
}

bool cl_change(struct cl_state *s, const struct idx_tx *tx, const char **why)
{
	struct votes v = { { 0, 0 } };
	uint32_t ids[2];
	bool refused;
	int o;

	if (!eligible(tx))
		return true;
	rules_values(s, &v, tx);
	if ((s->opt.change_set & CLUSTER_CH_TYPE) && !rule_type(s, &v, tx, why))
		return false;
	if ((s->opt.change_set & (CLUSTER_CH_FINGERPRINT | CLUSTER_CH_PEEL)) &&
	    !rules_spenders(s, &v, tx, why))
		return false;
	if ((v.rules[0] != 0) == (v.rules[1] != 0))
		return true;  /* no vote, or votes disagree */
	o = v.rules[0] ? 0 : 1;
	unsigned conf = combined(v.rules[o]);
	if (conf < s->opt.change_min)
		return true;
	ids[0] = (uint32_t)tx->in[0].addr;
	ids[1] = (uint32_t)tx->out[o].addr;
	return cl_merge(s, &refused, ids, 2, tx, CLUSTER_H_CHANGE, conf, why);
}
