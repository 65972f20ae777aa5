/* proceeds tags: import, fetch, show, list and count attribution tags. */
#include "proceeds/fileio.h"
#include "proceeds/cli.h"
#include "proceeds/commands.h"
#include "proceeds/hex.h"
#include "proceeds/tagfetch.h"
#include "proceeds/tagimport.h"
#include "proceeds/tagstore.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#define TAG_FILE_MAX (1024u << 20)

struct tags_opts {
	enum tag_format format;
	struct tag_defaults defaults;
	struct tag_filter filter;
	const char *max_bytes;
	unsigned long limit;
};

/* Prints s for a terminal: control bytes (escape sequences in hostile
 * labels) become '?'. */
static void print_safe(const char *s)
{
	for (; *s; s++)
		putchar((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s);
}

static bool parse_category(struct tag_filter *f, const char *v)
{
	if (!tag_category_from_name(&f->category, v)) {
		cli_error("tags", "unknown category '%s' (see docs/tags.md)", v);
		return false;
	}
	f->has_category = true;
	return true;
}

/* One option of argv[*i] into o; false on a bad or unknown option. */
static bool one_opt(struct tags_opts *o, int argc, char **argv, int *i,
		    bool *is_opt)
{
	const char *v;
	bool bad = false;

	*is_opt = true;
	if (cli_opt_value(&v, argc, argv, i, "--format", &bad)) {
		if (!bad && !tag_format_from_name(&o->format, v))
			return !cli_error("--format", "unknown format '%s'", v);
	} else if (cli_opt_value(&v, argc, argv, i, "--source", &bad)) {
		o->defaults.source = o->filter.source = v;
	} else if (cli_opt_value(&v, argc, argv, i, "--label", &bad)) {
		o->defaults.label = o->filter.label = v;
	} else if (cli_opt_value(&v, argc, argv, i, "--category", &bad)) {
		o->defaults.category = v;
		if (!bad && !parse_category(&o->filter, v))
			return false;
	} else if (cli_opt_value(&v, argc, argv, i, "--confidence", &bad)) {
		o->defaults.confidence = v;
	} else if (cli_opt_value(&v, argc, argv, i, "--date", &bad)) {
		o->defaults.date = v;
	} else if (cli_opt_value(&v, argc, argv, i, "--max-bytes", &bad)) {
		o->max_bytes = v;
	} else if (cli_opt_value(&v, argc, argv, i, "--limit", &bad)) {
		o->limit = bad ? 0 : strtoul(v, NULL, 10);
	} else if (argv[*i][0] == '-' && argv[*i][1]) {
		return !cli_error("tags", "unknown option '%s'", argv[*i]);
	} else {
		*is_opt = false;
	}
	return !bad;
}

/* Options out of argv (from index 2), operands left in argv[2..*argc). */
static bool parse_opts(struct tags_opts *o, int *argc, char **argv)
{
	int out = 2;
	memset(o, 0, sizeof(*o));
	for (int i = 2; i < *argc; i++) {
		bool is_opt;
		if (!one_opt(o, *argc, argv, &i, &is_opt))
			return false;
		if (!is_opt)
			argv[out++] = argv[i];
	}
	*argc = out;
	return true;
}

static bool open_db(struct cli_common *c, struct store **s, bool write)
{
	const char *why;
	struct store_options opt = { .create = write, .read_only = !write };
	if (!store_open(s, cli_db_path(c), &opt, &why)) {
		cli_error(cli_db_path(c), "%s", why);
		return false;
	}
	return true;
}

/* ---- import ---- */

static void report_import(struct cli_common *c, const char *name,
			  const struct tag_import *imp, json_t *arr)
{
	if (c->format == CLI_JSON) {
		json_t *ex = json_array();
		for (unsigned i = 0; i < imp->n_examples; i++)
			json_array_append_new(ex, json_string(imp->examples[i]));
		json_array_append_new(arr, json_pack(
			"{s:s, s:s, s:I, s:I, s:I, s:o}", "file", name,
			"origin", imp->origin, "accepted", (json_int_t)imp->accepted,
			"rejected", (json_int_t)imp->rejected, "skipped",
			(json_int_t)imp->skipped, "rejected_examples", ex));
	} else {
		printf("%s: %s: %llu accepted, %llu rejected, %llu skipped "
		       "(other currency)\n", name, imp->origin,
		       (unsigned long long)imp->accepted,
		       (unsigned long long)imp->rejected,
		       (unsigned long long)imp->skipped);
	}
	if (imp->rejected)
		cli_warn(c, "%s: %llu address%s rejected, never imported", name,
			 (unsigned long long)imp->rejected,
			 imp->rejected == 1 ? "" : "es");
	for (unsigned i = 0; i < imp->n_examples; i++)
		cli_warn(c, "%s: rejected %s", name, imp->examples[i]);
	if (imp->unknown_confidence)
		cli_warn(c, "%s: %llu tags state a confidence proceeds does not "
			 "know; scored %u", name,
			 (unsigned long long)imp->unknown_confidence,
			 imp->fallback_score);
}

/* Imports one buffer; false (after printing why) when it could not. */
static bool import_buffer(struct cli_common *c, struct store *s,
			  const struct tags_opts *o, const char *name,
			  const char *buf, size_t len, json_t *arr)
{
	struct tag_import imp;
	const char *why;
	bool ok;

	tag_import_init(&imp, c->net, &o->defaults);
	ok = tag_import_buffer(&imp, o->format, name, buf, len, &why) &&
	     tag_import_commit(&imp, s, &why);
	if (ok)
		report_import(c, name, &imp, arr);
	else
		cli_error(name, "%s (nothing imported from it)", why);
	tag_import_release(&imp);
	return ok;
}

static void finish_json(struct cli_common *c, json_t *arr)
{
	if (c->format == CLI_JSON) {
		json_dumpf(arr, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
	}
	json_decref(arr);
}

static int cmd_import(struct cli_common *c, int argc, char **argv,
		      const struct tags_opts *o)
{
	struct store *s;
	json_t *arr = json_array();
	int rc = CLI_OK;

	if (argc < 3) {
		json_decref(arr);
		return cli_error("tags import", "no file given");
	}
	if (!open_db(c, &s, true)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	for (int i = 2; i < argc; i++) {
		char *buf;
		size_t len;
		const char *why;
		if (!fileio_read(&buf, &len, argv[i], TAG_FILE_MAX, &why)) {
			rc = cli_error(argv[i], "%s", why);
			continue;
		}
		if (!import_buffer(c, s, o, argv[i], buf, len, arr))
			rc = CLI_FAIL;
		free(buf);
	}
	store_close(s);
	finish_json(c, arr);
	return rc;
}

/* The name a URL's file goes by, for format detection and origin. */
static void url_name(char *out, size_t cap, const char *url)
{
	size_t n = strcspn(url, "?#");
	const char *end = url + n, *p = end;
	while (p > url && p[-1] != '/')
		p--;
	snprintf(out, cap, "%.*s", (int)(end - p), p);
	if (!out[0])
		snprintf(out, cap, "download");
}

static int cmd_fetch(struct cli_common *c, int argc, char **argv,
		     const struct tags_opts *o)
{
	char *buf, hex[65], name[256];
	uint8_t sha[32];
	size_t len, max = o->max_bytes ? strtoull(o->max_bytes, NULL, 10) : TAG_FETCH_MAX;
	const char *why;
	struct store *s;
	json_t *arr = json_array();
	bool ok;

	if (argc != 3) {
		json_decref(arr);
		return cli_error("tags fetch", "give exactly one URL");
	}
	if (!tag_fetch(&buf, &len, sha, argv[2], max, &why)) {
		json_decref(arr);
		return cli_error(argv[2], "%s", why);
	}
	hex_encode(hex, sha, 32);
	fprintf(c->quiet ? stdout : stderr, "%s: %zu bytes, sha256 %s\n", argv[2], len, hex);
	url_name(name, sizeof(name), argv[2]);
	if (!open_db(c, &s, true)) {
		free(buf);
		json_decref(arr);
		return CLI_FAIL;
	}
	ok = import_buffer(c, s, o, name, buf, len, arr);
	store_close(s);
	free(buf);
	finish_json(c, arr);
	return ok ? CLI_OK : CLI_FAIL;
}

/* ---- output of tags ---- */

static json_t *tag_json(const struct tag *t)
{
	return json_pack("{s:s, s:s, s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
			 "address", t->address, "category",
			 tag_category_name(t->category), "score", t->score,
			 "label", t->label, "source", t->source,
			 "category_original", t->category_orig,
			 "confidence_original", t->confidence, "date", t->date,
			 "origin", t->origin, "imported", t->imported);
}

static const char csv_header[] = "address,category,score,label,source,"
	"category_original,confidence_original,date,origin,imported\n";

static void tag_csv(const struct tag *t)
{
	const char *cells[] = { t->address, tag_category_name(t->category), NULL,
				t->label, t->source, t->category_orig,
				t->confidence, t->date, t->origin, t->imported };
	char score[8];
	snprintf(score, sizeof(score), "%u", t->score);
	cells[2] = score;
	for (size_t i = 0; i < sizeof(cells) / sizeof(cells[0]); i++) {
		if (i)
			putchar(',');
		fileio_csv_cell(stdout, cells[i]);
	}
	putchar('\n');
}

static void tag_row(const struct tag *t)
{
	printf("%-42s %-12s %3u  ", t->address, tag_category_name(t->category),
	       t->score);
	print_safe(t->label);
	fputs("  [", stdout);
	print_safe(t->source);
	fputs("]\n", stdout);
}

struct printer {
	struct cli_common *c;
	unsigned long n, limit;
};

static bool print_one(void *ctx, const struct tag *t)
{
	struct printer *p = ctx;
	if (p->limit && p->n >= p->limit)
		return false;
	if (p->c->format == CLI_JSON) {
		json_t *j = tag_json(t);
		fputs(p->n ? ",\n  " : "  ", stdout);
		json_dumpf(j, stdout, JSON_COMPACT | JSON_PRESERVE_ORDER);
		json_decref(j);
	} else if (p->c->format == CLI_CSV) {
		tag_csv(t);
	} else {
		tag_row(t);
	}
	p->n++;
	return true;
}

static void print_begin(struct cli_common *c)
{
	if (c->format == CLI_JSON)
		fputs("[\n", stdout);
	else if (c->format == CLI_CSV)
		fputs(csv_header, stdout);
}

static void print_end(struct cli_common *c, unsigned long n)
{
	if (c->format == CLI_JSON)
		fputs(n ? "\n]\n" : "]\n", stdout);
}

/* ---- show ---- */

/* Distinct labels (case-insensitive) and categories among l's tags. */
static void distinct(const struct tag_list *l, size_t *labels, size_t *cats)
{
	unsigned seen_cat = 0;
	*labels = 0;
	*cats = 0;
	for (size_t i = 0; i < l->n; i++) {
		bool dup = false;
		for (size_t j = 0; j < i && !dup; j++)
			dup = strcasecmp(l->v[i].label, l->v[j].label) == 0;
		*labels += !dup;
		if (!(seen_cat & (1u << l->v[i].category)))
			(*cats)++;
		seen_cat |= 1u << l->v[i].category;
	}
}

static void show_json(json_t *arr, const char *addr, const struct tag_list *l)
{
	size_t labels, cats;
	json_t *tags = json_array();
	distinct(l, &labels, &cats);
	for (size_t i = 0; i < l->n; i++)
		json_array_append_new(tags, tag_json(&l->v[i]));
	json_array_append_new(arr, json_pack("{s:s, s:b, s:I, s:I, s:o}",
		"address", addr, "conflict", labels > 1 || cats > 1,
		"labels", (json_int_t)labels, "categories", (json_int_t)cats,
		"tags", tags));
}

static void show_table(const char *addr, const struct tag_list *l)
{
	size_t labels, cats;
	distinct(l, &labels, &cats);
	printf("%s: %zu tag%s\n", addr, l->n, l->n == 1 ? "" : "s");
	for (size_t i = 0; i < l->n; i++) {
		const struct tag *t = &l->v[i];
		printf("  %-12s %3u  ", tag_category_name(t->category), t->score);
		print_safe(t->label);
		fputs("\n      source ", stdout);
		print_safe(t->source);
		fputs("\n      original ", stdout);
		print_safe(t->category_orig[0] ? t->category_orig : "-");
		fputs(", confidence ", stdout);
		print_safe(t->confidence[0] ? t->confidence : "-");
		fputs(", date ", stdout);
		print_safe(t->date[0] ? t->date : "-");
		fputs(", from ", stdout);
		print_safe(t->origin);
		putchar('\n');
	}
	if (labels > 1 || cats > 1)
		printf("  conflict: %zu different labels, %zu categories\n", labels, cats);
}

static int cmd_show(struct cli_common *c, int argc, char **argv)
{
	struct store *s;
	json_t *arr = json_array();
	int rc = CLI_NEGATIVE;

	if (argc < 3) {
		json_decref(arr);
		return cli_error("tags show", "no address given");
	}
	if (!open_db(c, &s, false)) {
		json_decref(arr);
		return CLI_FAIL;
	}
	if (c->format == CLI_CSV)
		fputs(csv_header, stdout);
	for (int i = 2; i < argc; i++) {
		struct tag_list l;
		const char *why;
		if (!tag_store_for_address(s, &l, c->net, argv[i], &why)) {
			rc = cli_error(argv[i], "%s", why);
			continue;
		}
		if (l.n && rc == CLI_NEGATIVE)
			rc = CLI_OK;
		if (c->format == CLI_JSON)
			show_json(arr, argv[i], &l);
		else if (c->format == CLI_CSV)
			for (size_t j = 0; j < l.n; j++)
				tag_csv(&l.v[j]);
		else if (l.n)
			show_table(argv[i], &l);
		else
			printf("%s: no tags\n", argv[i]);
		tag_list_free(&l);
	}
	store_close(s);
	finish_json(c, arr);
	return rc;
}

/* ---- list and stats ---- */

static int cmd_list(struct cli_common *c, int argc, const struct tags_opts *o)
{
	struct store *s;
	struct printer p = { .c = c, .limit = o->limit };
	const char *why;
	bool ok;

	if (argc > 2)
		return cli_error("tags list", "unexpected operand");
	if (!open_db(c, &s, false))
		return CLI_FAIL;
	print_begin(c);
	ok = tag_store_each(s, &o->filter, print_one, &p, &why);
	print_end(c, p.n);
	store_close(s);
	if (!ok)
		return cli_error("tags list", "%s", why);
	return p.n ? CLI_OK : CLI_NEGATIVE;
}

struct stats {
	unsigned long long tags, addresses, by_cat[TAG_CAT_COUNT];
	uint8_t last_owner[SCRIPT_KEY_MAX];
	size_t last_len;
	json_t *origins;   /* origin -> count */
};

static bool count_one(void *ctx, const struct tag *t)
{
	struct stats *st = ctx;
	json_t *n = json_object_get(st->origins, t->origin);
	st->tags++;
	st->by_cat[t->category]++;
	if (t->owner_key_len != st->last_len ||
	    memcmp(t->owner_key, st->last_owner, t->owner_key_len) != 0) {
		st->addresses++;
		memcpy(st->last_owner, t->owner_key, t->owner_key_len);
		st->last_len = t->owner_key_len;
	}
	json_object_set_new(st->origins, t->origin,
			    json_integer(n ? json_integer_value(n) + 1 : 1));
	return true;
}

static void stats_print(struct cli_common *c, const struct stats *st)
{
	json_t *cats = json_object();
	const char *k;
	json_t *v;

	for (unsigned i = 0; i < TAG_CAT_COUNT; i++)
		if (st->by_cat[i])
			json_object_set_new(cats, tag_category_name((enum tag_category)i),
					    json_integer((json_int_t)st->by_cat[i]));
	if (c->format == CLI_JSON) {
		json_t *j = json_pack("{s:I, s:I, s:O, s:O}", "tags",
				      (json_int_t)st->tags, "addresses",
				      (json_int_t)st->addresses, "categories", cats,
				      "origins", st->origins);
		json_dumpf(j, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(j);
	} else {
		printf("tags       %llu\naddresses  %llu\n", st->tags, st->addresses);
		json_object_foreach(cats, k, v)
			printf("  %-14s %lld\n", k, (long long)json_integer_value(v));
		printf("origins\n");
		json_object_foreach(st->origins, k, v) {
			printf("  %-8lld ", (long long)json_integer_value(v));
			print_safe(k);
			putchar('\n');
		}
	}
	json_decref(cats);
}

static int cmd_stats(struct cli_common *c, int argc)
{
	struct store *s;
	struct stats st = { 0 };
	const char *why;
	bool ok;

	if (argc > 2)
		return cli_error("tags stats", "unexpected operand");
	if (!open_db(c, &s, false))
		return CLI_FAIL;
	st.origins = json_object();
	ok = tag_store_each(s, NULL, count_one, &st, &why);
	store_close(s);
	if (ok)
		stats_print(c, &st);
	json_decref(st.origins);
	if (!ok)
		return cli_error("tags stats", "%s", why);
	return CLI_OK;
}

static int run(struct cli_common *c, int argc, char **argv)
{
	struct tags_opts o;
	const char *sub = argc > 1 ? argv[1] : "";

	if (!parse_opts(&o, &argc, argv))
		return CLI_FAIL;
	if (strcmp(sub, "import") == 0)
		return cmd_import(c, argc, argv, &o);
	if (strcmp(sub, "fetch") == 0)
		return cmd_fetch(c, argc, argv, &o);
	if (strcmp(sub, "show") == 0)
		return cmd_show(c, argc, argv);
	if (strcmp(sub, "list") == 0)
		return cmd_list(c, argc, &o);
	if (strcmp(sub, "stats") == 0)
		return cmd_stats(c, argc);
	return cli_error("tags", "unknown subcommand '%s' (import, fetch, show, "
			 "list, stats)", sub);
}

const struct cli_command cmd_tags = {
	"tags", run, "import, fetch and query attribution tags",
	"proceeds tags import FILE... [--format F] [--source S] [--category C]\n"
	"                     [--label L] [--confidence X] [--date D]\n"
	"proceeds tags fetch URL [--max-bytes N] [import options]\n"
	"proceeds tags show ADDR... [--json|--csv]\n"
	"proceeds tags list [--category C] [--label L] [--source S] [--limit N]\n"
	"                   [--json|--csv]\n"
	"proceeds tags stats [--json]\n"
	"  import       reads tag files into the database (--db); the format is\n"
	"               detected unless --format csv|list|tagpack|ofac|sdn-csv|\n"
	"               sdn-xml|misp is given; prints accepted, rejected (bad or\n"
	"               wrong-network addresses, with examples) and skipped\n"
	"               (other currency) counts per file. A file that cannot be\n"
	"               parsed imports nothing. Re-importing is idempotent.\n"
	"  --source S, --label L, --category C, --confidence X, --date D\n"
	"               fill what a file leaves empty; a plain list of\n"
	"               addresses needs --source and --category\n"
	"  fetch        downloads URL (https only, at most --max-bytes, default\n"
	"               256 MiB), prints its SHA-256, then imports it\n"
	"  show         every tag of each address; conflicting labels are shown;\n"
	"               exit 1 when no address has a tag\n"
	"  list         tags filtered by category (proceeds' names: exchange,\n"
	"               mixer, ransomware, scam, sanctions, darknet, hack,\n"
	"               gambling, miner, service, wallet, terrorism, extremism,\n"
	"               organization, user, other), label or source (substrings,\n"
	"               any case); exit 1 when none match\n"
	"  stats        counts of tags, addresses, categories and origins\n",
};
