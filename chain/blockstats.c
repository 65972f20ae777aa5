/* Figures over decoded blocks. */
#include "proceeds/blockstats.h"

#include <string.h>

void block_stats_init(struct block_stats *s)
{
	memset(s, 0, sizeof(*s));
}

static bool add_value(struct amount *sum, uint64_t v, const char **why)
{
	if (!amount_add(sum, *sum, amount_sat(v))) {
		*why = "output value sum overflows 64 bits";
		return false;
	}
	return true;
}

static bool add_tx(struct block_stats *s, const struct tx *tx, const char **why)
{
	s->txs++;
	s->segwit_txs += tx->segwit;
	s->inputs += tx->n_in;
	s->outputs += tx->n_out;
	for (uint32_t i = 0; i < tx->n_out; i++) {
		const struct tx_out *o = &tx->out[i];
		struct script_info si;
		script_classify(&si, o->script, o->script_len);
		s->type_outputs[si.type]++;
		if (!add_value(&s->type_value[si.type], o->value, why) ||
		    !add_value(&s->value, o->value, why))
			return false;
	}
	return true;
}

bool block_stats_add(struct block_stats *s, const struct block *b,
		     const char **why)
{
	s->blocks++;
	s->bytes += b->raw_len;
	for (uint32_t i = 0; i < b->n_tx; i++)
		if (!add_tx(s, &b->txs[i], why))
			return false;
	return true;
}

bool block_stats_merge(struct block_stats *s, const struct block_stats *t,
		       const char **why)
{
	s->blocks += t->blocks;
	s->txs += t->txs;
	s->segwit_txs += t->segwit_txs;
	s->inputs += t->inputs;
	s->outputs += t->outputs;
	s->bytes += t->bytes;
	if (!add_value(&s->value, t->value.sat, why))
		return false;
	for (int i = 0; i < SCRIPT_TYPE_COUNT; i++) {
		s->type_outputs[i] += t->type_outputs[i];
		if (!add_value(&s->type_value[i], t->type_value[i].sat, why))
			return false;
	}
	return true;
}
