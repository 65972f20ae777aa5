/* `proceeds simulate`: a synthetic economy with ground truth.
 *
 * Writes into an output folder (atomically, see simwriter.h):
 *   blocks/blk*.dat   the chain in Bitcoin Core's format (simchain.h)
 *   truth.json        owner, type and role of every address; the crime's
 *                     seeds, hops, cash-outs and unspent remainder
 *                     (schema: docs/simulate.md)
 *   tags.csv          what an investigator would know: exchanges' hot
 *                     wallets and a share (--known) of their deposit addresses
 *   case.json         the crime as the victims report it
 *   exchange-<name>-deposits.csv  each exchange's own deposit addresses
 * The same options give byte-identical files. Only tests and benchmarks
 * read the truth; the analysis never does. */
#ifndef PROCEEDS_SIM_H
#define PROCEEDS_SIM_H

#include <stdbool.h>
#include <stdint.h>
#include "proceeds/simecon.h"

struct sim_summary {
	uint32_t blocks;          /* after genesis */
	uint64_t txs;             /* non-coinbase */
	uint64_t addresses, reused, deposits, sweeps, withdrawals;
	uint64_t fees, bytes;
	unsigned files;
	uint32_t entities, users, merchants, exchanges, miners;
	uint64_t script_count[SCRIPT_TYPE_COUNT];
	bool pow_meets_minimum;
	bool crime;
	uint32_t victims_paid, hops;
	uint64_t seeded, cashed_out, unspent, crime_fees;
	uint64_t peak_utxos;
	uint64_t stale_blocks;     /* --forks */
	uint64_t inputs, outputs;  /* of non-coinbase transactions */
	uint64_t coinjoins, tx0s, payjoins;
	uint64_t mix_variants, lookalikes; /* --mix-variants rows, look-alikes among them */
	bool stats;                /* the two below were counted (--stats) */
	uint64_t paid_outputs, reused_outputs; /* outputs to an address paid before */
};

/* Called after every block with blocks/txs done and the target (in the
 * unit of the target: txs when opt->target_txs, else blocks). */
typedef void (*sim_progress_fn)(void *arg, uint64_t done, uint64_t target);

/* Runs the simulation into out (refused if it holds a chain, unless force).
 * False with *why (static or borrowed until the next call); nothing is
 * left at out then. */
bool sim_run(struct sim_summary *sum, const struct sim_options *opt,
	     const char *out, bool force, sim_progress_fn progress, void *arg,
	     const char **why) __attribute__((warn_unused_result));

/* Number of premined blocks (coinbase only) before the economy starts:
 * coinbases need 100 confirmations to be spent. */
#define SIM_PREMINE 100u

#endif
