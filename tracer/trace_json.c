/* proceeds-trace/1 writer (see trace_json.h). */
#include "proceeds/trace_json.h"
#include "proceeds/index_json.h"
#include "proceeds/index_query.h"
#include "proceeds/version.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

/* Block hash and time of a height, cached for runs of one height. */
struct jctx {
	struct store *st;
	enum network net;
	const struct trace_result *r;
	uint32_t height;
	bool valid;
	struct idx_block blk;
	const char **why;
	bool failed;
};

void trace_time_utc(char out[32], uint64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 32, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static const struct idx_block *block_of(struct jctx *j, uint32_t height)
{
	bool found;

	if (j->valid && j->height == height)
		return &j->blk;
	if (!idxq_block_at(j->st, &j->blk, &found, height, j->why) || !found) {
		if (!j->failed && !found)
			*j->why = "block record missing from the index";
		j->failed = true;
		j->valid = false;
		memset(&j->blk, 0, sizeof(j->blk));
		return &j->blk;
	}
	j->valid = true;
	j->height = height;
	return &j->blk;
}

static json_t *hash_json(const struct hash256 *h)
{
	char hex[65];
	hash256_to_hex(hex, h);
	return json_string(hex);
}

static json_t *outpoint_json(const struct hash256 *txid, uint32_t vout)
{
	char hex[65], buf[80];
	hash256_to_hex(hex, txid);
	snprintf(buf, sizeof(buf), "%s:%u", hex, vout);
	return json_string(buf);
}

/* The address string, or null for outputs without an address. */
static json_t *addr_json(struct jctx *j, uint64_t addr)
{
	char name[INDEX_ADDR_STRLEN];

	if (!index_json_addr_name(j->st, name, j->net, addr, j->why)) {
		j->failed = true;
		return json_null();
	}
	if (strncmp(name, "script:", 7) == 0 || !name[0])
		return json_null();
	return json_string(name);
}

static void put_block(struct jctx *j, json_t *o, uint32_t height, bool with_time)
{
	const struct idx_block *b = block_of(j, height);
	char utc[32];

	json_object_set_new(o, "height", json_integer(height));
	json_object_set_new(o, "block_hash", hash_json(&b->hash));
	if (!with_time)
		return;
	trace_time_utc(utc, b->time);
	json_object_set_new(o, "time", json_integer(b->time));
	json_object_set_new(o, "time_utc", json_string(utc));
}

/* {"poison": n, ...} for the models run, in the canonical order. */
static json_t *traced_json(const struct trace_result *r, const uint64_t *v)
{
	json_t *o = json_object();
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if (r->params.models & TAINT_MODEL_BIT(m))
			json_object_set_new(o, taint_model_name((enum taint_model)m),
					    json_integer((json_int_t)v[m]));
	return o;
}

/* min and max over the models run but poison (poison alone if only it). */
static void min_max(const struct trace_result *r, const uint64_t *v, uint64_t *mn,
		    uint64_t *mx)
{
	unsigned models = r->params.models;
	bool any = false;

	if (models != TAINT_MODEL_BIT(TAINT_POISON))
		models &= ~TAINT_MODEL_BIT(TAINT_POISON);
	*mn = *mx = 0;
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++) {
		if (!(models & TAINT_MODEL_BIT(m)))
			continue;
		if (!any || v[m] < *mn)
			*mn = v[m];
		if (!any || v[m] > *mx)
			*mx = v[m];
		any = true;
	}
}

static json_t *opt_time(bool has, uint64_t t)
{
	return has ? json_integer((json_int_t)t) : json_null();
}

static json_t *params_json(const struct trace_result *r, const struct trace_request *q)
{
	const struct trace_params *p = &r->params;
	json_t *o = json_object(), *from = json_array(), *models = json_array(),
	       *stop = json_array();

	for (size_t i = 0; i < q->n_from; i++)
		json_array_append_new(from, json_string(q->from[i]));
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if (p->models & TAINT_MODEL_BIT(m))
			json_array_append_new(models, json_string(taint_model_name((enum taint_model)m)));
	for (unsigned c = 0; c < TAG_CAT_COUNT; c++)
		if (p->stop_mask & (1u << c))
			json_array_append_new(stop, json_string(tag_category_name((enum tag_category)c)));
	json_object_set_new(o, "from", from);
	json_object_set_new(o, "case", q->case_path ? json_string(q->case_path) : json_null());
	json_object_set_new(o, "models", models);
	json_object_set_new(o, "stop_at", stop);
	json_object_set_new(o, "max_hops", json_integer(p->max_hops));
	json_object_set_new(o, "min_sats", json_integer((json_int_t)p->min_sats));
	json_object_set_new(o, "max_edges", json_integer((json_int_t)p->max_edges));
	json_object_set_new(o, "after", opt_time(q->has_after, q->after));
	json_object_set_new(o, "before", opt_time(p->has_before, p->before));
	json_object_set_new(o, "coinjoin_rule", json_string(trace_coinjoin_rule_name(p->coinjoin_rule)));
	json_object_set_new(o, "fee_rule", json_string("sink"));
	return o;
}

static json_t *seed_json(struct jctx *j, const struct trace_out *o)
{
	json_t *s = json_object();
	uint64_t amount = o->traced[TAINT_HAIRCUT];

	/* A seed's amount is the same under every conserving model. */
	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if (m != TAINT_POISON && (j->r->params.models & TAINT_MODEL_BIT(m)))
			amount = o->traced[m];
	if (j->r->params.models == TAINT_MODEL_BIT(TAINT_POISON))
		amount = o->value;
	json_object_set_new(s, "outpoint", outpoint_json(&o->txid, o->vout));
	json_object_set_new(s, "address", addr_json(j, o->addr));
	json_object_set_new(s, "value", json_integer((json_int_t)o->value));
	json_object_set_new(s, "traced", json_integer((json_int_t)amount));
	put_block(j, s, o->height, true);
	return s;
}

/* The verdict of a mix or possible mix and how the models crossed it. */
static json_t *coinjoin_json(const struct trace_result *r, const struct trace_mix *m)
{
	char text[256];
	const char *rule = "followed as an ordinary payment (a possible mix is not crossed as a mix)";

	if (m->cj.verdict == COINJOIN_MIX)
		rule = r->params.coinjoin_rule == TRACE_CJ_HAIRCUT ? "haircut across the mix"
								   : "each model's own rule across the mix";
	coinjoin_describe(text, sizeof(text), &m->cj);
	return json_pack("{s:s, s:s, s:I, s:s, s:I, s:I, s:I, s:s, s:s}",
			 "kind", coinjoin_kind_name(m->cj.kind),
			 "verdict", coinjoin_verdict_name(m->cj.verdict),
			 "confidence", (json_int_t)m->cj.confidence, "description", text,
			 "denomination", (json_int_t)m->cj.denomination,
			 "count", (json_int_t)m->cj.count, "owners", (json_int_t)m->cj.owners,
			 "judged_by", m->recorded ? "cluster build" : "keys only", "rule", rule);
}

/* bound_min (the least any model run gives) and bound_max (poison: the
 * whole value) of a row reached through a mix; null for the others. */
static void put_bounds(const struct trace_result *r, json_t *x, bool mixed,
		       const uint64_t *v, uint64_t value)
{
	uint64_t mn = UINT64_MAX;

	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		if ((r->params.models & TAINT_MODEL_BIT(m)) && v[m] < mn)
			mn = v[m];
	if (r->params.models & TAINT_MODEL_BIT(TAINT_POISON))
		value = v[TAINT_POISON];
	json_object_set_new(x, "bound_min", mixed ? json_integer((json_int_t)mn) : json_null());
	json_object_set_new(x, "bound_max", mixed ? json_integer((json_int_t)value) : json_null());
}

static json_t *hop_json(struct jctx *j, const struct trace_out *o)
{
	const struct trace_result *r = j->r;
	json_t *h = json_object(), *from = json_array(), *cj = json_null();
	char hex[65];

	for (uint32_t k = 0; k < o->n_from; k++) {
		const struct trace_out *f = &r->outs[r->from[o->from_start + k]];
		json_array_append_new(from, outpoint_json(&f->txid, f->vout));
	}
	if (o->mix1)
		cj = coinjoin_json(r, &r->mixes[o->mix1 - 1]);
	hash256_to_hex(hex, &o->txid);
	json_object_set_new(h, "outpoint", outpoint_json(&o->txid, o->vout));
	json_object_set_new(h, "txid", json_string(hex));
	json_object_set_new(h, "vout", json_integer(o->vout));
	put_block(j, h, o->height, true);
	json_object_set_new(h, "hop", json_integer(o->hop));
	json_object_set_new(h, "address", addr_json(j, o->addr));
	json_object_set_new(h, "value", json_integer((json_int_t)o->value));
	json_object_set_new(h, "spent_from", from);
	json_object_set_new(h, "traced", traced_json(r, o->traced));
	json_object_set_new(h, "basis", json_string(o->coinjoin != COINJOIN_NONE ? "coinjoin" : "fact"));
	json_object_set_new(h, "coinjoin", cj);
	json_object_set_new(h, "through_mix", json_boolean(o->mixed));
	json_object_set_new(h, "post_mix_linked", json_boolean(o->linked));
	json_object_set_new(h, "status", json_string(trace_status_name(o->status)));
	return h;
}

/* How the entity was recognised: a tag on the address, or the label of
 * its cluster (with the cluster's id and size, and a conflict warning). */
static void via_text(char *buf, size_t n, const struct trace_entity *e,
		     const struct attrib_via *v)
{
	if (!v->cluster) {
		snprintf(buf, n, "tag: %s (%s, %s%s%u)", e->label,
			 e->source[0] ? e->source : "unknown source", e->confidence,
			 e->confidence[0] ? ", score " : "score ", e->score);
		return;
	}
	snprintf(buf, n, "cluster label: %s (cluster %llu of %llu addresses, "
		 "multi-input clustering; label from a tag on a member: %s, score %u%s)",
		 e->label, (unsigned long long)v->root, (unsigned long long)v->size,
		 e->source[0] ? e->source : "unknown source", e->score,
		 v->conflict ? "; CONFLICT: members also carry another service's label" : "");
}

static json_t *evidence(const struct trace_entity *e, const struct trace_out *o)
{
	char buf[3200], how[3000];

	via_text(how, sizeof(how), e, &o->via);
	if (o->basis == TRACE_BASIS_INFERRED)
		snprintf(buf, sizeof(buf), "inferred: swept into %s%s%s%s", e->label,
			 o->via.cluster ? " (recognised by " : "",
			 o->via.cluster ? how : "", o->via.cluster ? ")" : "");
	else
		snprintf(buf, sizeof(buf), "%s", how);
	return json_string(buf);
}

static json_t *exit_json(struct jctx *j, const struct trace_out *o)
{
	const struct trace_entity *e = &j->r->ents[o->entity];
	json_t *x = json_object();
	uint64_t mn, mx;

	min_max(j->r, o->traced, &mn, &mx);
	json_object_set_new(x, "entity", json_string(e->label));
	json_object_set_new(x, "category", json_string(tag_category_name(e->category)));
	json_object_set_new(x, "address", addr_json(j, o->addr));
	json_object_set_new(x, "outpoint", outpoint_json(&o->txid, o->vout));
	put_block(j, x, o->height, true);
	json_object_set_new(x, "value", json_integer((json_int_t)o->value));
	json_object_set_new(x, "traced", traced_json(j->r, o->traced));
	json_object_set_new(x, "min", json_integer((json_int_t)mn));
	json_object_set_new(x, "max", json_integer((json_int_t)mx));
	json_object_set_new(x, "basis", json_string(o->basis == TRACE_BASIS_TAGGED ? "tagged" : "inferred"));
	json_object_set_new(x, "evidence", evidence(e, o));
	json_object_set_new(x, "through_mix", json_boolean(o->mixed));
	put_bounds(j->r, x, o->mixed, o->traced, o->value);
	json_object_set_new(x, "post_mix_linked", json_boolean(o->linked));
	json_object_set_new(x, "sweep_txid", o->has_sweep ? hash_json(&o->sweep_txid) : json_null());
	if (o->has_sweep) {
		json_object_set_new(x, "sweep_height", json_integer(o->sweep_height));
		json_object_set_new(x, "sweep_block_hash", hash_json(&block_of(j, o->sweep_height)->hash));
	}
	return x;
}

static int cmp_exit(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	int c = strcmp(json_string_value(json_object_get(x, "entity")),
		       json_string_value(json_object_get(y, "entity")));
	json_int_t tx = json_integer_value(json_object_get(x, "time")),
		   ty = json_integer_value(json_object_get(y, "time"));

	if (c)
		return c;
	if (tx != ty)
		return tx < ty ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "outpoint")),
		      json_string_value(json_object_get(y, "outpoint")));
}

static json_t *exits_json(struct jctx *j)
{
	const struct trace_result *r = j->r;
	json_t **v = calloc(r->n_outs + 1, sizeof(*v)), *arr = json_array();
	size_t n = 0;

	if (!v)
		return arr;
	for (size_t i = 0; i < r->n_outs; i++)
		if (r->outs[i].status == TRACE_EXIT)
			v[n++] = exit_json(j, &r->outs[i]);
	qsort(v, n, sizeof(*v), cmp_exit);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	return arr;
}

/* Adds exit x into the entity object e (sums, addresses, first time). */
static void entity_add(json_t *e, const json_t *x)
{
	json_t *t = json_object_get(e, "traced"), *d = json_object_get(e, "deposit_addresses"), *v;
	const char *k, *addr = json_string_value(json_object_get(x, "address"));
	json_int_t time = json_integer_value(json_object_get(x, "time"));
	size_t i;
	bool seen = false;

	json_object_foreach(json_object_get(x, "traced"), k, v)
		json_object_set_new(t, k, json_integer(json_integer_value(json_object_get(t, k)) +
						       json_integer_value(v)));
	json_array_foreach(d, i, v)
		seen |= addr && strcmp(json_string_value(v), addr) == 0;
	if (json_is_true(json_object_get(x, "through_mix")))
		json_object_set(e, "through_mix", json_true());
	if (json_is_true(json_object_get(x, "post_mix_linked")))
		json_object_set(e, "post_mix_linked", json_true());
	json_object_set_new(e, "bound_max", json_integer(json_integer_value(json_object_get(e, "bound_max")) +
						       json_integer_value(json_object_get(x, "value"))));
	if (addr && !seen)
		json_array_append_new(d, json_string(addr));
	if (time < json_integer_value(json_object_get(e, "first_time"))) {
		char utc[32];
		trace_time_utc(utc, (uint64_t)time);
		json_object_set_new(e, "first_time", json_integer(time));
		json_object_set_new(e, "first_time_utc", json_string(utc));
	}
}

static json_t *entity_new(const json_t *x)
{
	json_t *t = json_object(), *v;
	const char *k;

	json_object_foreach(json_object_get(x, "traced"), k, v)
		json_object_set_new(t, k, json_integer(0));
	return json_pack("{s:O, s:O, s:o, s:i, s:i, s:[], s:I, s:s, s:b, s:n, s:i, s:b}",
			 "entity", json_object_get(x, "entity"),
			 "category", json_object_get(x, "category"), "traced", t,
			 "min", 0, "max", 0, "deposit_addresses",
			 "first_time", (json_int_t)INT64_MAX, "first_time_utc", "",
			 "through_mix", 0, "bound_min", "bound_max", 0, "post_mix_linked", 0);
}

static int cmp_entity(const void *a, const void *b)
{
	json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t mx = json_integer_value(json_object_get(x, "max")),
		   my = json_integer_value(json_object_get(y, "max"));

	if (mx != my)
		return mx > my ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "entity")),
		      json_string_value(json_object_get(y, "entity")));
}

/* The entity's min and max from its summed traced amounts. */
static void entity_range(const struct trace_result *r, json_t *e)
{
	uint64_t v[TAINT_MODEL_COUNT] = { 0 }, mn, mx;
	json_t *t = json_object_get(e, "traced");

	for (unsigned m = 0; m < TAINT_MODEL_COUNT; m++)
		v[m] = (uint64_t)json_integer_value(json_object_get(t, taint_model_name((enum taint_model)m)));
	min_max(r, v, &mn, &mx);
	json_object_set_new(e, "min", json_integer((json_int_t)mn));
	json_object_set_new(e, "max", json_integer((json_int_t)mx));
	/* bound_max summed the exits' values: poison's figure */
	put_bounds(r, e, json_is_true(json_object_get(e, "through_mix")), v,
		   (uint64_t)json_integer_value(json_object_get(e, "bound_max")));
}

static json_t *entities_json(const struct trace_result *r, const json_t *exits)
{
	size_t n = json_array_size(exits), ne = 0, i;
	json_t **v = calloc(n + 1, sizeof(*v)), *arr = json_array(), *x;
	const char *last = NULL;

	if (!v)
		return arr;
	json_array_foreach(exits, i, x) {
		const char *name = json_string_value(json_object_get(x, "entity"));
		if (!last || strcmp(last, name) != 0)
			v[ne++] = entity_new(x);
		entity_add(v[ne - 1], x);
		last = name;
	}
	for (i = 0; i < ne; i++)
		entity_range(r, v[i]);
	qsort(v, ne, sizeof(*v), cmp_entity);
	for (i = 0; i < ne; i++)
		json_array_append_new(arr, v[i]);
	free(v);
	return arr;
}

static int cmp_outpoint(const void *a, const void *b)
{
	const struct trace_out *x = *(const struct trace_out *const *)a,
			       *y = *(const struct trace_out *const *)b;

	if (x->txnum != y->txnum)
		return x->txnum < y->txnum ? -1 : 1;
	return (x->vout > y->vout) - (x->vout < y->vout);
}

static json_t *unspent_json(struct jctx *j)
{
	const struct trace_result *r = j->r;
	const struct trace_out **v = calloc(r->n_outs + 1, sizeof(*v));
	json_t *arr = json_array();
	size_t n = 0;

	if (!v)
		return arr;
	for (size_t i = 0; i < r->n_outs; i++)
		if (r->outs[i].status == TRACE_UNSPENT)
			v[n++] = &r->outs[i];
	qsort(v, n, sizeof(*v), cmp_outpoint);
	for (size_t i = 0; i < n; i++) {
		json_t *u = json_object();
		json_object_set_new(u, "outpoint", outpoint_json(&v[i]->txid, v[i]->vout));
		json_object_set_new(u, "address", addr_json(j, v[i]->addr));
		json_object_set_new(u, "value", json_integer((json_int_t)v[i]->value));
		json_object_set_new(u, "height", json_integer(v[i]->height));
		json_object_set_new(u, "traced", traced_json(r, v[i]->traced));
		json_object_set_new(u, "through_mix", json_boolean(v[i]->mixed));
		put_bounds(r, u, v[i]->mixed, v[i]->traced, v[i]->value);
		json_object_set_new(u, "post_mix_linked", json_boolean(v[i]->linked));
		json_array_append_new(arr, u);
	}
	free(v);
	return arr;
}

static json_t *rate_json(enum trace_link_kind k)
{
	const struct trace_link_rate *t = trace_link_rate(k);

	return json_pack("{s:I, s:I, s:I, s:s}", "links", (json_int_t)t->links,
			 "same_owner", (json_int_t)t->same_owner,
			 "criminal", (json_int_t)t->criminal, "measured_on", t->measured_on);
}

static json_t *link_json(struct jctx *j, const struct trace_link *l)
{
	const struct trace_result *r = j->r;
	json_t *x = json_object(), *ops = json_array(), *pay = json_array(), *with = json_array();

	for (uint32_t i = l->ref_start; i < l->ref_start + l->n_ref; i++) {
		const struct trace_link_ref *f = &r->refs[i];
		json_array_append_new(f->role == TRACE_REF_POSTMIX ? ops :
				      f->role == TRACE_REF_PAYMENT ? pay : with,
				      outpoint_json(&f->txid, f->vout));
	}
	json_object_set_new(x, "heuristic", json_string(trace_link_kind_name(l->kind)));
	json_object_set_new(x, "mix_txid", hash_json(&r->mixes[l->mix].txid));
	json_object_set_new(x, "outpoints", ops);
	json_object_set_new(x, "value", json_integer((json_int_t)l->value));
	json_object_set_new(x, "txid", hash_json(&l->txid));
	put_block(j, x, l->height, true);
	json_object_set_new(x, "with", with);
	json_object_set_new(x, "payments", pay);
	json_object_set_new(x, "deposit_address", l->kind == TRACE_LINK_SAME_DEPOSIT ?
			    addr_json(j, l->addr) : json_null());
	json_object_set_new(x, "deposit_entity", l->entity != UINT32_MAX ?
			    json_string(r->ents[l->entity].label) : json_null());
	json_object_set_new(x, "precision", rate_json(l->kind));
	return x;
}

static json_t *links_json(struct jctx *j)
{
	json_t *arr = json_array();

	for (size_t i = 0; i < j->r->n_links; i++)
		json_array_append_new(arr, link_json(j, &j->r->links[i]));
	return arr;
}

static json_t *totals_json(const struct trace_result *r)
{
	static const char *const parts[TRACE_PART_COUNT] = {
		"at_exits", "unspent", "fees", "dust", "stopped",
	};
	json_t *t = json_object();

	json_object_set_new(t, "seeded", json_integer((json_int_t)r->seeded));
	for (unsigned p = 0; p < TRACE_PART_COUNT; p++)
		json_object_set_new(t, parts[p], traced_json(r, r->tot[p]));
	return t;
}

static json_t *body(struct jctx *j, const struct trace_request *q)
{
	const struct trace_result *r = j->r;
	json_t *o = json_object(), *seeds = json_array(), *hops = json_array(), *exits,
	       *notes = json_array();

	json_object_set_new(o, "format", json_string(TRACE_FORMAT));
	json_object_set_new(o, "tool", json_pack("{s:s, s:s}", "name", "proceeds",
						 "version", PROCEEDS_VERSION));
	json_object_set_new(o, "network", json_string(network_params(j->net)->name));
	json_object_set_new(o, "index", json_pack("{s:i, s:o}", "tip_height", (json_int_t)r->tip.height,
						  "tip_hash", hash_json(&r->tip.hash)));
	json_object_set_new(o, "parameters", params_json(r, q));
	for (size_t i = 0; i < r->n_outs; i++)
		json_array_append_new(r->outs[i].seed ? seeds : hops,
				      r->outs[i].seed ? seed_json(j, &r->outs[i])
						      : hop_json(j, &r->outs[i]));
	json_object_set_new(o, "seeds", seeds);
	json_object_set_new(o, "hops", hops);
	exits = exits_json(j);
	json_object_set_new(o, "exits", exits);
	json_object_set_new(o, "entities", entities_json(r, exits));
	json_object_set_new(o, "unspent", unspent_json(j));
	json_object_set_new(o, "post_mix_links", links_json(j));
	json_object_set_new(o, "totals", totals_json(r));
	for (size_t i = 0; i < r->n_notes; i++)
		json_array_append_new(notes, json_string(r->notes[i]));
	json_object_set_new(o, "notes", notes);
	return o;
}

json_t *trace_json(struct store *st, enum network net, const struct trace_result *r,
		   const struct trace_request *q, const char **why)
{
	struct jctx j;
	json_t *o;

	memset(&j, 0, sizeof(j));
	j.st = st;
	j.net = net;
	j.r = r;
	j.why = why;
	o = body(&j, q);

	if (j.failed) {
		json_decref(o);
		return NULL;
	}
	return o;
}
