/* The files of an edge export: Hive-style partition folders
 * (edges/csv/height_range=START-END/part.csv and the same under
 * edges/jsonl/ with part.jsonl), schema.json and manifest.json. The
 * partition column is height_range, not height: Spark fills a partition
 * column into every row of its folder, and a folder named height=... would
 * overwrite each row's own height (docs/scale.md). */
#include "edgeexport_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct ee_col {
	const char *name, *type, *doc;
};

static const struct ee_col tx_cols[] = {
	{ "direction", "string", "in: an input, edge outpoint -> txid; "
	  "out: an output, edge txid -> outpoint" },
	{ "txid", "string", "the spending tx (in) or the paying tx (out), hex as shown" },
	{ "outpoint", "string", "<txid>:<vout>: the outpoint spent (in) or created (out)" },
	{ "tx_index", "bigint", "txid's position in chain order from 0 (proceeds' txnum)" },
	{ "height", "int", "height of the block holding txid" },
	{ "time", "bigint", "that block's header time (Unix seconds)" },
	{ "index", "int", "in: input index of the spending tx; out: output index" },
	{ "address", "string", "address of the outpoint, or script:<hex of its owner key>" },
	{ "value", "bigint", "value of the outpoint (satoshis)" },
};

static const struct ee_col addr_cols[] = {
	{ "src", "string", "an input address of the tx (distinct per tx)" },
	{ "dst", "string", "an output address of the tx (distinct per tx)" },
	{ "txid", "string", "the tx, hex as shown" },
	{ "tx_index", "bigint", "txid's position in chain order from 0 (proceeds' txnum)" },
	{ "height", "int", "height of the block holding txid" },
	{ "time", "bigint", "that block's header time (Unix seconds)" },
	{ "value", "bigint", "the outputs paid to dst apportioned to src by input "
	  "value (satoshis; docs/scale.md); a tx's rows sum to its outputs" },
	{ "n_src", "bigint", "distinct input addresses of the tx (>= 2: a co-spend)" },
	{ "n_dst", "bigint", "distinct output addresses of the tx" },
};

static bool fail_path(struct ee_out *o, const char **why, const char *what,
		      const char *path)
{
	*why = why_fmt(o->err, sizeof(o->err), "%s: %s: %s", path, what,
		       strerror(errno ? errno : EIO));
	return false;
}

static bool mkdir_p(char *path)
{
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = 0;
		bool ok = mkdir(path, 0755) == 0 || errno == EEXIST;
		*p = '/';
		if (!ok)
			return false;
	}
	return mkdir(path, 0755) == 0 || errno == EEXIST;
}

static json_t *schema_json(enum edge_level level, uint32_t partition)
{
	const struct ee_col *c = level == EDGE_LEVEL_TX ? tx_cols : addr_cols;
	size_t n = level == EDGE_LEVEL_TX ? sizeof(tx_cols) / sizeof(*c)
					  : sizeof(addr_cols) / sizeof(*c);
	json_t *cols = json_array();
	char ddl[1024] = "";
	size_t off = 0;

	for (size_t i = 0; i < n; i++) {
		json_array_append_new(cols, json_pack("{s:s, s:s, s:b, s:s}", "name",
				c[i].name, "type", c[i].type, "nullable", 0, "doc", c[i].doc));
		off += (size_t)snprintf(ddl + off, sizeof(ddl) - off, "%s%s %s",
					i ? ", " : "", c[i].name, c[i].type);
	}
	return json_pack("{s:i, s:s, s:s, s:o, s:s, s:{s:s, s:i, s:s, s:s}, s:{s:s, s:s}}",
		"format_version", 1, "level", edge_level_name(level),
		"edge_model", level == EDGE_LEVEL_TX
			? "bipartite: tx and outpoint nodes; one row per input (outpoint -> "
			  "txid) and per output (txid -> outpoint)"
			: "address pairs: one row per (distinct input address, distinct output "
			  "address) of a non-coinbase tx; coinbase txs have no row",
		"columns", cols, "spark_ddl", ddl,
		"partitioning", "column", "height_range", "blocks", (int)partition,
		"folder", "height_range=START-END (START a multiple of blocks, END = START + blocks - 1)",
		"note", "a string column: do not name it height (a partition column "
			"overrides the rows' own column of that name)",
		"files", "csv", "edges/csv/height_range=START-END/part.csv (header line, "
			"comma, no quoting needed)",
		"jsonl", "edges/jsonl/height_range=START-END/part.jsonl (one object per line)");
}

static bool write_json(struct ee_out *o, json_t *j, const char *name,
		       const char **why)
{
	char path[2600], tmp[2610];
	snprintf(path, sizeof(path), "%s/%s", o->dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	errno = 0;
	int rc = json_dump_file(j, tmp, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(j);
	if (rc != 0 || rename(tmp, path) != 0)
		return fail_path(o, why, "cannot write", path);
	struct stat sb;
	if (stat(path, &sb) == 0)
		o->bytes += (uint64_t)sb.st_size;
	return true;
}

bool ee_out_begin(struct ee_out *o, const char *dir, enum edge_level level,
		  uint32_t partition, const char **why)
{
	char path[2600];
	struct stat sb;

	memset(o, 0, sizeof(*o));
	o->level = level;
	o->partition = partition;
	if (snprintf(o->dir, sizeof(o->dir), "%s", dir) >= (int)sizeof(o->dir))
		return (*why = "output directory name too long"), false;
	snprintf(path, sizeof(path), "%s/edges", dir);
	if (stat(path, &sb) == 0)
		return (*why = why_fmt(o->err, sizeof(o->err), "%s already exists: "
				       "give a new or empty directory", path)), false;
	snprintf(path, sizeof(path), "%s/manifest.json", dir);
	if (stat(path, &sb) == 0)
		return (*why = why_fmt(o->err, sizeof(o->err), "%s already exists: "
				       "give a new or empty directory", path)), false;
	errno = 0;
	if (!mkdir_p(o->dir))
		return fail_path(o, why, "cannot create the directory", o->dir);
	if (!(o->parts = json_array()))
		return (*why = "out of memory"), false;
	return write_json(o, schema_json(level, partition), "schema.json", why);
}

/* Closes the current partition's files and adds its manifest entry. */
static bool close_part(struct ee_out *o, const char **why)
{
	char name[64];
	long cb, jb;
	bool ok = true;

	if (!o->open)
		return true;
	o->open = false;
	errno = 0;
	cb = ftell(o->csv);
	jb = ftell(o->jsonl);
	if (ferror(o->csv) || fclose(o->csv) != 0 || cb < 0)
		ok = fail_path(o, why, "write error", o->csv_path);
	if (ferror(o->jsonl) || fclose(o->jsonl) != 0 || jb < 0)
		ok = ok ? fail_path(o, why, "write error", o->jsonl_path) : false;
	o->csv = o->jsonl = NULL;
	if (!ok)
		return false;
	o->bytes += (uint64_t)cb + (uint64_t)jb;
	o->n_parts++;
	snprintf(name, sizeof(name), "height_range=%u-%u", o->part_start,
		 o->part_start + (o->partition - 1));
	json_array_append_new(o->parts, json_pack(
		"{s:s, s:i, s:i, s:I, s:s+++, s:s+++, s:I, s:I}", "height_range", name + 13,
		"first_height", (int)o->first_h, "last_height", (int)o->last_h,
		"rows", (json_int_t)o->part_rows, "csv", "edges/csv/", name, "/", "part.csv",
		"jsonl", "edges/jsonl/", name, "/", "part.jsonl",
		"csv_bytes", (json_int_t)cb, "jsonl_bytes", (json_int_t)jb));
	return true;
}

static FILE *open_part(struct ee_out *o, char *path, size_t cap,
		       const char *fmt, const char *name, const char **why)
{
	snprintf(path, cap, "%s/edges/%s/%s", o->dir, fmt, name);
	errno = 0;
	if (!mkdir_p(path))
		return fail_path(o, why, "cannot create the directory", path), NULL;
	size_t n = strlen(path);
	snprintf(path + n, cap - n, "/part.%s", fmt);
	FILE *f = fopen(path, "w");
	if (!f)
		return fail_path(o, why, "cannot create", path), NULL;
	setvbuf(f, NULL, _IOFBF, 1 << 16);
	return f;
}

static const char *header(enum edge_level level)
{
	return level == EDGE_LEVEL_TX
		? "direction,txid,outpoint,tx_index,height,time,index,address,value\n"
		: "src,dst,txid,tx_index,height,time,value,n_src,n_dst\n";
}

bool ee_out_height(struct ee_out *o, uint32_t h, const char **why)
{
	char name[64];
	uint32_t start = h - h % o->partition;

	if (o->open && start == o->part_start) {
		o->last_h = h;
		return true;
	}
	if (!close_part(o, why))
		return false;
	snprintf(name, sizeof(name), "height_range=%u-%u", start,
		 start + (o->partition - 1));
	o->csv = open_part(o, o->csv_path, sizeof(o->csv_path), "csv", name, why);
	if (o->csv)
		o->jsonl = open_part(o, o->jsonl_path, sizeof(o->jsonl_path), "jsonl",
				     name, why);
	if (!o->csv || !o->jsonl) {
		if (o->csv)
			fclose(o->csv);
		o->csv = NULL;
		return false;
	}
	fputs(header(o->level), o->csv);
	o->open = true;
	o->part_start = start;
	o->first_h = o->last_h = h;
	o->part_rows = 0;
	return true;
}

static void put_s(char *b, size_t *n, const char *s)
{
	size_t l = strlen(s);
	memcpy(b + *n, s, l);
	*n += l;
}

static void put_u(char *b, size_t *n, uint64_t v)
{
	char t[20];
	int i = 0;
	do
		t[i++] = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	while (i)
		b[(*n)++] = t[--i];
}

/* A string field: CSV cell, or "key":"value" with its separator. */
static void field_s(char *b, size_t *n, bool json, bool first, const char *key,
		    const char *v)
{
	if (!first)
		b[(*n)++] = ',';
	if (!json) {
		put_s(b, n, v);
		return;
	}
	b[(*n)++] = '"';
	put_s(b, n, key);
	put_s(b, n, "\":\"");
	put_s(b, n, v);
	b[(*n)++] = '"';
}

static void field_u(char *b, size_t *n, bool json, const char *key, uint64_t v)
{
	b[(*n)++] = ',';
	if (json) {
		b[(*n)++] = '"';
		put_s(b, n, key);
		put_s(b, n, "\":");
	}
	put_u(b, n, v);
}

/* The row as a CSV line or a JSON object line into b (1 KiB). */
static size_t format_row(char *b, enum edge_level level, bool json,
			 const struct ee_row *r)
{
	size_t n = 0;
	bool tx = level == EDGE_LEVEL_TX;

	if (json)
		b[n++] = '{';
	if (tx) {
		field_s(b, &n, json, true, "direction", r->direction);
		field_s(b, &n, json, false, "txid", r->txid);
		field_s(b, &n, json, false, "outpoint", r->outpoint);
	} else {
		field_s(b, &n, json, true, "src", r->src);
		field_s(b, &n, json, false, "dst", r->dst);
		field_s(b, &n, json, false, "txid", r->txid);
	}
	field_u(b, &n, json, "tx_index", r->tx_index);
	field_u(b, &n, json, "height", r->height);
	field_u(b, &n, json, "time", r->time);
	if (tx) {
		field_u(b, &n, json, "index", r->index);
		field_s(b, &n, json, false, "address", r->address);
		field_u(b, &n, json, "value", r->value);
	} else {
		field_u(b, &n, json, "value", r->value);
		field_u(b, &n, json, "n_src", r->n_src);
		field_u(b, &n, json, "n_dst", r->n_dst);
	}
	if (json)
		b[n++] = '}';
	b[n++] = '\n';
	return n;
}

bool ee_out_row(struct ee_out *o, const struct ee_row *r, const char **why)
{
	char line[1024];
	size_t n;

	n = format_row(line, o->level, false, r);
	if (fwrite(line, 1, n, o->csv) != n)
		return fail_path(o, why, "write error", o->csv_path);
	n = format_row(line, o->level, true, r);
	if (fwrite(line, 1, n, o->jsonl) != n)
		return fail_path(o, why, "write error", o->jsonl_path);
	o->part_rows++;
	return true;
}

bool ee_out_finish(struct ee_out *o, json_t *head, const char **why)
{
	if (!close_part(o, why)) {
		json_decref(head);
		return false;
	}
	json_object_set_new(head, "partitions", o->parts);
	o->parts = NULL;
	return write_json(o, head, "manifest.json", why);
}

void ee_out_release(struct ee_out *o)
{
	if (o->csv)
		fclose(o->csv);
	if (o->jsonl)
		fclose(o->jsonl);
	o->csv = o->jsonl = NULL;
	o->open = false;
	json_decref(o->parts);
	o->parts = NULL;
}
