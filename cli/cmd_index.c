/* proceeds index: build or extend the chain index from a Core blocks
 * directory, and check it (--verify). */
#include "proceeds/blkdir.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/index.h"
#include "proceeds/index_query.h"
#include "proceeds/index_rpc.h"
#include "proceeds/index_undo.h"
#include "proceeds/index_verify.h"
#include "proceeds/ldbcheck.h"
#include "proceeds/store.h"

#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct index_args {
	const char *blocks;
	const char *rpc, *rpc_user, *rpc_cookie;
	char *rpc_password;     /* a copy; the argv original is wiped */
	char *rpc_url;          /* a copy (rpc points to it) */
	bool follow;
	double poll_s;
	uint32_t max_reorg;
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

/* Takes the password and overwrites it in argv, so that `ps` and
 * /proc/PID/cmdline no longer show it. */
static void take_password(struct index_args *a, char *v)
{
	free(a->rpc_password);
	a->rpc_password = strdup(v);
	if (!a->rpc_password) {
		fprintf(stderr, "proceeds: index: out of memory\n");
		exit(CLI_FAIL);
	}
	memset(v, 'x', strlen(v));
}

/* A URL's user:password@ works (rpc.h), but its password is wiped from
 * argv like --rpc-password's. */
static void take_url(struct index_args *a, char *v)
{
	char *host = strstr(v, "//"), *at, *colon;

	free(a->rpc_url);
	a->rpc = a->rpc_url = strdup(v);
	if (!a->rpc_url) {
		fprintf(stderr, "proceeds: index: out of memory\n");
		exit(CLI_FAIL);
	}
	host = host ? host + 2 : v;
	at = strchr(host, '@');
	colon = at ? memchr(host, ':', (size_t)(at - host)) : NULL;
	if (colon)
		memset(colon + 1, 'x', (size_t)(at - colon - 1));
}

/* The --rpc options; true when argv[*i] was one of them. */
static bool rpc_arg(struct index_args *a, int argc, char **argv, int *i, bool *bad)
{
	const char *v;

	if (cli_opt_value(&v, argc, argv, i, "--rpc", bad)) {
		if (!*bad)
			take_url(a, (char *)v);
		return true;
	}
	if (cli_opt_value(&a->rpc_user, argc, argv, i, "--rpc-user", bad) ||
	    cli_opt_value(&a->rpc_cookie, argc, argv, i, "--rpc-cookie", bad))
		return true;
	if (cli_opt_value(&v, argc, argv, i, "--rpc-password", bad)) {
		if (!*bad)
			take_password(a, (char *)v);
	} else if (cli_opt_value(&v, argc, argv, i, "--poll", bad)) {
		char *end;
		a->poll_s = *bad ? 0 : strtod(v, &end);
		if (!*bad && (*v < '0' || *v > '9' || *end || a->poll_s > 86400)) {
			cli_error("index", "--poll: not a number of seconds: '%s'", v);
			*bad = true;
		}
	} else if (cli_opt_value(&v, argc, argv, i, "--max-reorg", bad)) {
		*bad = *bad || !parse_u32(&a->max_reorg, "--max-reorg", v);
	} else if (strcmp(argv[*i], "--follow") == 0) {
		a->follow = true;
	} else {
		return false;
	}
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
		} else if (rpc_arg(a, argc, argv, &i, &bad)) {
			if (bad)
				return false;
		} else if (!bad) {
			cli_error("index", "unknown argument '%s'", argv[i]);
			return false;
		}
	}
	if (!bad && !a->blocks && !a->rpc && !a->verify) {
		cli_error("index", "nothing to do: give --blocks DIR or --rpc URL, "
			  "and/or --verify");
		return false;
	}
	if (!bad && a->blocks && a->rpc) {
		cli_error("index", "give --blocks or --rpc, not both");
		return false;
	}
	if (!bad && !a->rpc && (a->follow || a->rpc_user || a->rpc_cookie ||
				a->rpc_password)) {
		cli_error("index", "--follow and the --rpc-* options need --rpc URL");
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
	if (flushed && s->done)
		index_settle(idx);
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

static json_t *files_json(const struct ldbcheck_report *f)
{
	return json_pack("{s:b, s:I, s:I, s:I, s:I, s:I}", "sound", !f->damaged,
			 "tables", (json_int_t)f->tables, "logs", (json_int_t)f->logs,
			 "blocks", (json_int_t)f->blocks, "log_records", (json_int_t)f->records,
			 "bytes", (json_int_t)f->bytes);
}

static void print_verify(struct cli_common *c, const struct index_verify_report *r,
			 const struct ldbcheck_report *f)
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
		json_object_set_new(j, "files", files_json(f));
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
		printf("files       %s (%llu tables, %llu blocks; %llu logs, %llu records; "
		       "every checksum checked)\n", f->damaged ? "damaged" : "sound",
		       (unsigned long long)f->tables, (unsigned long long)f->blocks,
		       (unsigned long long)f->logs, (unsigned long long)f->records);
	}
	for (uint64_t i = 0; i < r->n_errors && i < INDEX_VERIFY_MAX_ERRORS; i++)
		fprintf(stderr, "proceeds: index: inconsistent: %s\n", r->errors[i]);
}

/* Every block and record of the database's files against its checksum
 * (ldbcheck.h), with the database closed. CLI_NEGATIVE after one line
 * naming the damaged file and offset; CLI_FAIL when it could not run. */
static int check_files(struct cli_common *c, struct ldbcheck_report *f, bool clean)
{
	const char *why;

	if (!ldbcheck_dir(f, cli_db_path(c), clean, &why))
		return cli_error(cli_db_path(c), "%s", why);
	if (!f->damaged)
		return CLI_OK;
	cli_error(f->file, "offset %llu: %s", (unsigned long long)f->offset, f->why);
	return CLI_NEGATIVE;
}

/* The index failed to open or to read (why). With --verify, a damaged
 * file is the answer (exit 1, the file named); otherwise why (exit 2). */
static int db_failed(struct cli_common *c, bool verify, bool clean, const char *why)
{
	char msg[600];
	struct ldbcheck_report f;
	const char *ignored;

	snprintf(msg, sizeof(msg), "%s", why);
	if (verify && ldbcheck_dir(&f, cli_db_path(c), clean, &ignored) && f.damaged)
		return check_files(c, &f, clean);
	return cli_error(cli_db_path(c), "%s", msg);
}

/* --verify: the logical check with the index open, then its files with it
 * closed (a damaged block is named even when no query reads it). Closes
 * idx. Exit 1 when inconsistent or damaged. */
static int verify_and_close(struct cli_common *c, struct index *idx)
{
	struct index_verify_report r;
	struct ldbcheck_report f;
	const char *why = NULL;
	char msg[600] = "";
	bool ran = index_verify(index_store(idx), &r, &why);
	int rc;

	if (!ran)
		snprintf(msg, sizeof(msg), "%s", why);
	index_close(idx);
	if (!ran)
		return db_failed(c, true, true, msg);
	if ((rc = check_files(c, &f, true)) == CLI_FAIL)
		return rc;
	print_verify(c, &r, &f);
	return r.n_errors || f.damaged ? CLI_NEGATIVE : CLI_OK;
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

/* ---- --rpc ---- */

struct rpc_progress {
	struct cli_common *c;
	double t0, last;
};

static void rpc_progress(void *ctx, uint32_t height, const struct index_rpc_stats *st)
{
	struct rpc_progress *p = ctx;
	double t = now_s(), el = t - p->t0;
	if (t - p->last < 0.5)
		return;
	p->last = t;
	cli_progress(p->c, "height %u/%u  %.0f blocks/s  %.0f tx/s  %u reorg(s)",
		     height, st->node_height, el > 0 ? st->connected / el : 0,
		     el > 0 ? st->txs / el : 0, st->reorgs);
}

static bool rpc_stop(void *ctx)
{
	return interrupted != 0;
}

static bool rpc_client_from(struct rpc_client **out, const struct index_args *a,
			    const char **why)
{
	struct rpc_options o;
	const char *env = getenv("PROCEEDS_RPC_PASSWORD");

	rpc_options_init(&o);
	o.url = a->rpc;
	o.user = a->rpc_user;
	o.password = a->rpc_password ? a->rpc_password : env;
	o.cookie_file = a->rpc_cookie;
	if (o.user && !o.password)
		return (*why = "--rpc-user needs --rpc-password or "
			       "$PROCEEDS_RPC_PASSWORD"), false;
	return rpc_client_new(out, &o, why);
}

static void print_rpc_run(struct cli_common *c, struct index *idx,
			  const struct index_rpc_stats *st, double t0)
{
	struct idx_tip tip;
	char hex[65] = "";
	double el = now_s() - t0;
	bool has = index_committed_tip(idx, &tip);

	if (has)
		hash256_to_hex(hex, &tip.hash);
	if (c->quiet)
		return;
	fprintf(stderr, "indexed %u blocks, %llu txs in %.1f s (%.0f tx/s); %u reorg(s), "
		"%u block(s) disconnected; tip %s%u %s\n", st->connected,
		(unsigned long long)st->txs, el, el > 0 ? st->txs / el : 0.0,
		st->reorgs, st->disconnected, has ? "" : "none ", has ? tip.height : 0, hex);
}

static int run_rpc(struct cli_common *c, struct index *idx, struct rpc_client *cl,
		   const struct index_args *a)
{
	struct index_rpc_options o;
	struct index_rpc_stats st = { 0 };
	struct rpc_progress p = { c, now_s(), 0 };
	const char *why;

	index_rpc_options_init(&o);
	o.follow = a->follow;
	if (a->poll_s > 0)
		o.poll_ms = (long)(a->poll_s * 1000) > 0 ? (long)(a->poll_s * 1000) : 1;
	o.max_reorg = a->max_reorg;
	o.has_stop_height = a->has_stop;
	o.stop_height = a->stop_height;
	o.stop = rpc_stop;
	o.progress = rpc_progress;
	o.ctx = &p;
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	bool ok = index_rpc_run(idx, cl, &o, &st, &why);
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	cli_progress_done(c);
	print_rpc_run(c, idx, &st, p.t0);
	if (!ok)
		return cli_error("index", "%s: %s (the index stays at its last good tip)",
				 rpc_client_url(cl), why);
	if (interrupted)
		cli_warn(c, "interrupted: the index is at a block boundary, rerun to continue");
	return CLI_OK;
}

/* The network: --network, else the node's. */
static bool rpc_network(struct cli_common *c, struct rpc_client *cl,
			enum network *net, const char **why)
{
	if (c->net_given)
		return (*net = c->net), true;
	return index_rpc_detect_network(cl, net, why);
}

static int run_rpc_cmd(struct cli_common *c, const struct index_args *a)
{
	struct rpc_client *cl = NULL;
	struct index *idx = NULL;
	struct index_options o = { .create = true, .flush_txs = a->commit_txs };
	enum network net;
	const char *why;
	int rc;

	if (!rpc_client_from(&cl, a, &why))
		return cli_error("index --rpc", "%s", why);
	if (!rpc_network(c, cl, &net, &why)) {
		rc = cli_error("index", "%s: %s", rpc_client_url(cl), why);
		rpc_client_free(cl);
		return rc;
	}
	if (!index_open(&idx, cli_db_path(c), net, &o, &why)) {
		rpc_client_free(cl);
		return db_failed(c, a->verify, false, why);
	}
	rc = run_rpc(c, idx, cl, a);
	rpc_client_free(cl);
	if (rc == CLI_OK && a->verify)
		return verify_and_close(c, idx);
	index_close(idx);
	return rc;
}

/* Frees the copies, wiping the secrets first. */
static void free_args(struct index_args *a)
{
	if (a->rpc_password)
		memset(a->rpc_password, 0, strlen(a->rpc_password));
	if (a->rpc_url)
		memset(a->rpc_url, 0, strlen(a->rpc_url));
	free(a->rpc_password);
	free(a->rpc_url);
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

	if (!parse_args(&a, argc, argv)) {
		free_args(&a);
		return CLI_FAIL;
	}
	if (a.rpc) {
		rc = run_rpc_cmd(c, &a);
		free_args(&a);
		return rc;
	}
	if (a.blocks && !blkdir_open(&d, a.blocks, &net, &why))
		return cli_error(a.blocks, "%s", why);
	if (!a.blocks)
		net = c->net;
	o.flush_txs = a.commit_txs;
	bool absent, opened = a.blocks ? index_open(&idx, cli_db_path(c), net, &o, &why)
				       : index_open_query(&idx, &absent, cli_db_path(c), net, &why);
	if (!opened) {
		blkdir_free(d);
		return db_failed(c, a.verify && (a.blocks || !absent), false, why);
	}
	if (a.blocks)
		rc = run_blocks(c, idx, d, &a);
	blkdir_free(d);
	if (rc == CLI_OK && a.verify)
		return verify_and_close(c, idx);
	index_close(idx);
	return rc;
}

const struct cli_command cmd_index = {
	"index", run, "build or extend the chain index from blk files or a node",
	"proceeds index --blocks DIR [--stop-height N] [--commit-txs N] [--verify]\n"
	"proceeds index --rpc URL [--rpc-user U --rpc-password P | --rpc-cookie FILE]\n"
	"               [--follow] [--poll SECONDS] [--max-reorg N] [--stop-height N]\n"
	"               [--commit-txs N] [--verify]\n"
	"  --blocks DIR       a Bitcoin Core blocks directory (blk*.dat, xor.dat);\n"
	"                     a rerun adds only new blocks, and blocks no longer\n"
	"                     in the best chain are disconnected first (at most\n"
	"                     100: a deeper fork is refused as a wrong directory)\n"
	"  --rpc URL          a node's JSON-RPC (e.g. http://127.0.0.1:8332/):\n"
	"                     getblockhash and getblock HASH 0, batched. Blocks\n"
	"                     no longer in the node's best chain are disconnected\n"
	"                     back to the fork point and its branch connected.\n"
	"                     Without --network, the node's chain is used\n"
	"  --rpc-user U       with --rpc-password P, or P from the environment\n"
	"                     variable PROCEEDS_RPC_PASSWORD (preferred: a\n"
	"                     password on the command line is wiped from the\n"
	"                     process title at start, but shells keep history)\n"
	"  --rpc-password P   the password for --rpc-user\n"
	"  --rpc-cookie FILE  Core's .cookie (in the node's datadir); the default\n"
	"                     way to authenticate to a local bitcoind\n"
	"  --follow           keep polling for new blocks until Ctrl-C (or\n"
	"                     SIGTERM), which ends at a block boundary, exit 0\n"
	"  --poll SECONDS     wait between polls at the node's tip; default 5\n"
	"  --max-reorg N      refuse to disconnect more than N blocks; default 100\n"
	"  --stop-height N    index no further than height N\n"
	"  --commit-txs N     commit (atomically, with the tip) after every N\n"
	"                     txs; default 50000. Smaller loses less on a\n"
	"                     crash, larger is faster. With --rpc the index is\n"
	"                     also committed whenever it reaches the node's tip\n"
	"  --verify           check the index (every spent-by link matches an\n"
	"                     input, every history entry is a real output, ids\n"
	"                     and counters agree) and print a digest of its\n"
	"                     content; then every block of its files against\n"
	"                     its checksum, naming a damaged one (\"proceeds:\n"
	"                     DB/000123.ldb: offset N: block checksum\n"
	"                     mismatch\"); exit 1 when inconsistent or damaged\n"
	"  Progress (blocks/s, tx/s, ETA) goes to stderr; -q silences it.\n"
	"  Ctrl-C stops at a block boundary; kill -9 loses at most the blocks\n"
	"  since the last commit, and a rerun continues from there (also in the\n"
	"  middle of a reorg). Credentials never appear in messages.\n",
};
