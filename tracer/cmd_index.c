/* proceeds index: build or extend the chain index from a Core blocks
 * directory, and check it (--verify). */
#include "proceeds/blkdir.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_undo.h"
#include "proceeds/index_verify.h"
#include "proceeds/store.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct index_args {
	const char *blocks;
	bool verify;
	bool has_stop;
	uint32_t stop_height;
	uint32_t commit_txs;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static bool parse_u32(uint32_t *out, const char *opt, const char *v)
{
	char *end;
	unsigned long n = strtoul(v, &end, 10);
	if (*v < '0' || *v > '9' || *end || n > UINT32_MAX) {
		cli_error("index", "%s: not a number: '%s'", opt, v);
		return false;
	}
	*out = (uint32_t)n;
	return true;
}

static bool parse_args(struct index_args *a, int argc, char **argv)
{
	bool bad = false;
	const char *v;

	memset(a, 0, sizeof(*a));
	for (int i = 1; i < argc && !bad; i++) {
		if (cli_opt_value(&a->blocks, argc, argv, &i, "--blocks", &bad))
			continue;
		if (cli_opt_value(&v, argc, argv, &i, "--stop-height", &bad)) {
			if (!parse_u32(&a->stop_height, "--stop-height", v))
				return false;
			a->has_stop = true;
		} else if (cli_opt_value(&v, argc, argv, &i, "--commit-txs", &bad)) {
			if (!parse_u32(&a->commit_txs, "--commit-txs", v))
				return false;
		} else if (strcmp(argv[i], "--verify") == 0) {
			a->verify = true;
		} else if (!bad) {
			cli_error("index", "unknown argument '%s'", argv[i]);
			return false;
		}
	}
	if (!bad && !a->blocks && !a->verify) {
		cli_error("index", "nothing to do: give --blocks DIR and/or --verify");
		return false;
	}
	return !bad;
}

/* Disconnects index blocks that the blocks directory's best chain does
 * not contain (a reorg since the last run). */
/* How many index blocks the blocks directory's best chain lacks (a reorg
 * deeper than MAX_REORG is refused: more likely the wrong or a damaged
 * directory than a real reorg, and undoing it would destroy work). */
#define MAX_REORG 100

static bool reorg_depth(struct index *idx, struct blkdir *d, uint32_t *depth,
			const char **why)
{
	static char msg[200];
	struct idx_tip tip;
	struct idx_block blk;
	uint32_t n = blkdir_count(d);
	bool found;

	*depth = 0;
	if (!index_tip(idx, &tip))
		return true;
	for (uint32_t h = tip.height;; h--, (*depth)++) {
		if (!idxq_block_at(index_store(idx), &blk, &found, h, why))
			return false;
		if (found && h < n && hash256_eq(blkdir_hash(d, h), &blk.hash))
			return true;
		if (*depth >= MAX_REORG || h == 0)
			break;
	}
	snprintf(msg, sizeof(msg), "the blocks directory's best chain (%u blocks) does "
		 "not contain the index's last %u+ blocks (tip %u): wrong directory? "
		 "refusing to disconnect them", n, *depth + 1, tip.height);
	return (*why = msg), false;
}

static bool follow_best_chain(struct cli_common *c, struct index *idx,
			      struct blkdir *d, const char **why)
{
	struct idx_tip tip;
	uint32_t n = blkdir_count(d), undone = 0, depth;

	if (!reorg_depth(idx, d, &depth, why))
		return false;

	while (index_tip(idx, &tip) &&
	       (tip.height >= n || !hash256_eq(blkdir_hash(d, tip.height), &tip.hash))) {
		if (!index_disconnect_tip(idx, why))
			return false;
		undone++;
	}
	if (undone)
		cli_warn(c, "disconnected %u block(s) no longer in the best chain", undone);
	return true;
}

struct run_stats {
	double t0, last;
	uint32_t from, to, done;
	uint64_t txs;
};

static void progress(struct cli_common *c, struct run_stats *s, uint32_t h,
		     bool force)
{
	double t = now_s(), el = t - s->t0;
	if (!force && t - s->last < 0.5)
		return;
	s->last = t;
	double bps = el > 0 ? s->done / el : 0, tps = el > 0 ? s->txs / el : 0;
	double eta = bps > 0 ? (s->to - h) / bps : 0;
	uint32_t total = s->to - s->from;
	cli_progress(c, "[%-30.*s] height %u/%u  %.0f blocks/s  %.0f tx/s  ETA %02d:%02d",
		     total ? (int)(30.0 * s->done / total) : 30,
		     "##############################", h, s->to ? s->to - 1 : 0,
		     bps, tps, (int)(eta / 60), (int)eta % 60);
}

/* Reads, parses, checks and connects one block. */
static bool index_one(struct index *idx, struct blkdir *d, struct block *b,
		      uint32_t h, const char **why)
{
	static char msg[512];
	struct blkdir_block raw;
	const char *w = NULL;

	if (!blkdir_read(d, &raw, h, why))
		return false;
	if (!block_parse(b, raw.raw, raw.len, &w) || !block_check_merkle(b, &w) ||
	    !hash256_eq(&b->hash, &raw.hash)) {
		snprintf(msg, sizeof(msg), "blk%05u.dat offset %llu (height %u): %s",
			 raw.file_no, (unsigned long long)raw.offset, h,
			 w ? w : "block hash differs from its header's");
		return (*why = msg), false;
	}
	return index_connect_block(idx, b, h, why);
}

static bool index_blocks(struct cli_common *c, struct index *idx,
			 struct blkdir *d, const struct index_args *a,
			 struct run_stats *s, const char **why)
{
	struct idx_tip tip;
	struct block b;
	bool ok = true;

	s->from = index_tip(idx, &tip) ? tip.height + 1 : 0;
	s->to = blkdir_count(d);
	if (a->has_stop && a->stop_height + 1 < s->to)
		s->to = a->stop_height + 1;
	s->t0 = s->last = now_s();
	block_init(&b);
	for (uint32_t h = s->from; ok && h < s->to && !interrupted; h++) {
		ok = index_one(idx, d, &b, h, why);
		s->done += ok;
		s->txs += ok ? b.n_tx : 0;
		progress(c, s, h, false);
	}
	block_release(&b);
	cli_progress_done(c);
	const char *w2;
	bool flushed = index_flush(idx, true, ok ? why : &w2);
	return ok && flushed;
}

static void print_run(struct cli_common *c, struct index *idx,
		      const struct run_stats *s)
{
	struct idx_tip tip;
	char hex[65] = "";
	double el = now_s() - s->t0;
	bool has = index_tip(idx, &tip);

	if (has)
		hash256_to_hex(hex, &tip.hash);
	if (c->quiet)
		return;
	fprintf(stderr, "indexed %u blocks, %llu txs in %.1f s (%.0f tx/s); tip %s%u %s\n",
		s->done, (unsigned long long)s->txs, el, el > 0 ? s->txs / el : 0.0,
		has ? "" : "none ", has ? tip.height : 0, hex);
}

static void print_verify(struct cli_common *c, const struct index_verify_report *r)
{
	char hex[65];
	hash256_to_hex(hex, &r->digest);
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:s, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
				      "digest", hex, "consistent", r->n_errors == 0,
				      "errors", (json_int_t)r->n_errors,
				      "blocks", (json_int_t)r->blocks, "txs", (json_int_t)r->txs,
				      "inputs", (json_int_t)r->inputs,
				      "outputs", (json_int_t)r->outputs,
				      "spent_by_links", (json_int_t)r->spends,
				      "history_entries", (json_int_t)r->history,
				      "addresses", (json_int_t)r->addresses);
		if (r->has_tip)
			json_object_set_new(j, "tip_height", json_integer(r->tip_height));
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("digest      %s\nconsistent  %s (%llu errors)\nblocks      %llu\n"
		       "txs         %llu\ninputs      %llu (spent-by links %llu)\n"
		       "outputs     %llu (history entries %llu)\naddresses   %llu\n",
		       hex, r->n_errors ? "no" : "yes", (unsigned long long)r->n_errors,
		       (unsigned long long)r->blocks, (unsigned long long)r->txs,
		       (unsigned long long)r->inputs, (unsigned long long)r->spends,
		       (unsigned long long)r->outputs, (unsigned long long)r->history,
		       (unsigned long long)r->addresses);
	}
	for (uint64_t i = 0; i < r->n_errors && i < INDEX_VERIFY_MAX_ERRORS; i++)
		fprintf(stderr, "proceeds: index: inconsistent: %s\n", r->errors[i]);
}

static int run_verify(struct cli_common *c, struct index *idx)
{
	struct index_verify_report r;
	const char *why;

	if (!index_verify(index_store(idx), &r, &why))
		return cli_error("index --verify", "%s", why);
	print_verify(c, &r);
	return r.n_errors ? CLI_NEGATIVE : CLI_OK;
}

static int run_blocks(struct cli_common *c, struct index *idx,
		      struct blkdir *d, const struct index_args *a)
{
	struct run_stats s = { 0 };
	const char *why;

	for (size_t i = 0; i < blkdir_warning_count(d); i++)
		cli_warn(c, "%s", blkdir_warning(d, i));
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bool ok = follow_best_chain(c, idx, d, &why) &&
		  index_blocks(c, idx, d, a, &s, &why);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	print_run(c, idx, &s);
	if (!ok)
		return cli_error("index", "%s (the index stays at its last good tip)", why);
	if (interrupted)
		cli_warn(c, "interrupted: the index is at a block boundary, rerun to continue");
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct index_args a;
	struct blkdir *d = NULL;
	struct index *idx = NULL;
	struct index_options o = { .create = true };
	enum network net = c->net_given ? c->net : NETWORK_COUNT;
	const char *why;
	int rc = CLI_OK;

	if (!parse_args(&a, argc, argv))
		return CLI_FAIL;
	if (a.blocks && !blkdir_open(&d, a.blocks, &net, &why))
		return cli_error(a.blocks, "%s", why);
	if (!a.blocks)
		net = c->net;
	o.flush_txs = a.commit_txs;
	bool absent, opened = a.blocks ? index_open(&idx, cli_db_path(c), net, &o, &why)
				       : index_open_query(&idx, &absent, cli_db_path(c), net, &why);
	if (!opened) {
		blkdir_free(d);
		return cli_error(cli_db_path(c), "%s", why);
	}
	if (a.blocks)
		rc = run_blocks(c, idx, d, &a);
	if (rc == CLI_OK && a.verify)
		rc = run_verify(c, idx);
	index_close(idx);
	blkdir_free(d);
	return rc;
}

const struct cli_command cmd_index = {
	"index", run, "build or extend the chain index from a blocks directory",
	"proceeds index --blocks DIR [--stop-height N] [--commit-txs N] [--verify]\n"
	"  --blocks DIR       a Bitcoin Core blocks directory (blk*.dat, xor.dat);\n"
	"                     a rerun adds only new blocks, and blocks no longer\n"
	"                     in the best chain are disconnected first (at most\n"
	"                     100: a deeper fork is refused as a wrong directory)\n"
	"  --stop-height N    index no further than height N\n"
	"  --commit-txs N     commit (atomically, with the tip) after every N\n"
	"                     txs; default 100000. Smaller loses less on a\n"
	"                     crash, larger is faster\n"
	"  --verify           check the index (every spent-by link matches an\n"
	"                     input, every history entry is a real output, ids\n"
	"                     and counters agree) and print a digest of its\n"
	"                     content; exit 1 when inconsistent\n"
	"  Progress (blocks/s, tx/s, ETA) goes to stderr; -q silences it.\n"
	"  Ctrl-C stops at a block boundary; kill -9 loses at most the blocks\n"
	"  since the last commit, and a rerun continues from there.\n",
};
