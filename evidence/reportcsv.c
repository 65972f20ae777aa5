/* exits.csv and hops.csv (see reportcsv.h). */
#include "proceeds/fileio.h"
#include "proceeds/reportcsv.h"
#include "proceeds/report.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void cell(FILE *f, const char *s, bool first)
{
	if (!first)
		fputc(',', f);
	fileio_csv_cell(f, s ? s : "");
}

static void cell_int(FILE *f, int64_t v, bool first)
{
	char buf[24];
	snprintf(buf, sizeof(buf), "%" PRId64, v);
	cell(f, buf, first);
}

static void cell_field(FILE *f, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	if (json_is_integer(v))
		cell_int(f, json_integer_value(v), false);
	else if (json_is_boolean(v))
		cell(f, json_is_true(v) ? "true" : "false", false);
	else
		cell(f, json_string_value(v), false);
}

static void header_models(FILE *f, const json_t *models)
{
	const json_t *m;
	size_t i;
	char buf[32];
	json_array_foreach(models, i, m) {
		snprintf(buf, sizeof(buf), "%s_sats", json_string_value(m));
		cell(f, buf, false);
	}
}

static void row_models(FILE *f, const json_t *traced, const json_t *models)
{
	const json_t *m;
	size_t i;
	json_array_foreach(models, i, m)
		cell_int(f, (int64_t)report_traced(traced, json_string_value(m)), false);
}

static void cell_time(FILE *f, const json_t *o, const char *key)
{
	char buf[32];
	const json_t *v = json_object_get(o, key);
	report_utc(buf, json_integer_value(v));
	/* ISO 8601 for machines: "YYYY-MM-DD HH:MM:SS UTC" -> "...T...Z" */
	if (strlen(buf) == 23) {
		buf[10] = 'T';
		buf[19] = 'Z';
		buf[20] = 0;
	}
	cell(f, buf, false);
}

void reportcsv_exits(FILE *f, const json_t *report)
{
	const json_t *t = report_trace(report), *models = report_models(report), *e;
	const json_t *kase = json_object_get(report, "case");
	size_t i;

	cell(f, "case_ref", true);
	fputs(",asset,entity,category,deposit_address,outpoint,txid,vout,height,"
	      "block_hash,time_utc,value_sats,min_sats,max_sats", f);
	header_models(f, models);
	fputs(",basis,evidence,sweep_txid,request,through_mix,bound_min_sats,"
	      "bound_max_sats,post_mix_linked\r\n", f);
	json_array_foreach(json_object_get(t, "exits"), i, e) {
		const char *op = json_string_value(json_object_get(e, "outpoint"));
		char txid[65];
		snprintf(txid, sizeof(txid), "%.64s", op);
		cell(f, json_string_value(json_object_get(kase, "ref")), true);
		cell(f, json_string_value(json_object_get(report, "asset")), false);
		cell_field(f, e, "entity");
		cell_field(f, e, "category");
		cell_field(f, e, "address");
		cell(f, op, false);
		cell(f, txid, false);
		cell(f, op + 65, false);
		cell_field(f, e, "height");
		cell_field(f, e, "block_hash");
		cell_time(f, e, "time");
		cell_field(f, e, "value");
		cell_field(f, e, "min");
		cell_field(f, e, "max");
		row_models(f, json_object_get(e, "traced"), models);
		cell_field(f, e, "basis");
		cell_field(f, e, "evidence");
		cell_field(f, e, "sweep_txid");
		cell(f, json_string_value(json_object_get(kase, "request")), false);
		cell_field(f, e, "through_mix");
		cell_field(f, e, "bound_min");
		cell_field(f, e, "bound_max");
		cell_field(f, e, "post_mix_linked");
		fputs("\r\n", f);
	}
}

static void cell_spent_from(FILE *f, const json_t *h)
{
	const json_t *v;
	size_t i, len = 0;
	char *buf = NULL;
	FILE *m = open_memstream(&buf, &len);
	if (!m)
		abort();
	json_array_foreach(json_object_get(h, "spent_from"), i, v)
		fprintf(m, "%s%s", i ? " " : "", json_string_value(v));
	fclose(m);
	cell(f, buf, false);
	free(buf);
}

void reportcsv_hops(FILE *f, const json_t *report)
{
	const json_t *t = report_trace(report), *models = report_models(report), *h;
	size_t i;

	cell(f, "hop", true);
	fputs(",outpoint,txid,vout,height,block_hash,time_utc,address,value_sats", f);
	header_models(f, models);
	fputs(",spent_from,basis,coinjoin,status\r\n", f);
	json_array_foreach(json_object_get(t, "hops"), i, h) {
		const json_t *cj = json_object_get(h, "coinjoin");
		cell_int(f, json_integer_value(json_object_get(h, "hop")), true);
		cell_field(f, h, "outpoint");
		cell_field(f, h, "txid");
		cell_field(f, h, "vout");
		cell_field(f, h, "height");
		cell_field(f, h, "block_hash");
		cell_time(f, h, "time");
		cell_field(f, h, "address");
		cell_field(f, h, "value");
		row_models(f, json_object_get(h, "traced"), models);
		cell_spent_from(f, h);
		cell_field(f, h, "basis");
		cell(f, json_string_value(json_object_get(cj, "kind")), false);
		cell_field(f, h, "status");
		fputs("\r\n", f);
	}
}
