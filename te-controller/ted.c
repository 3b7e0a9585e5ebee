/* ted — the traffic-engineering database built from ted/lsp/<lsp-id> values.
 *
 * Implements te-controller/ted.h (read it first for the rules). Three parts: parsing
 * one decoded LSP fragment (schemas/ted-lsp.schema.json, through lib/jx.h so every
 * rejection names the field) into the sorted fragment store; the interface-name map
 * from speakers/<node> (schemas/speaker.schema.json); and ted_commit(), which derives
 * nodes, two-way-checked links, the CSPF arc array (te-controller/cspf.c) and the name
 * indexes from the store, deterministically (DESIGN §8; RFC 5305 §3, RFC 8570 §4.1,
 * RFC 9352 §7-8, ISO 10589 7.3.19 for the overload bit). */
#include "te-controller/ted.h"

#include <errno.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"

struct ted_reach {
	uint8_t nbr[7];              /* neighbor system ID + pseudonode */
	uint32_t metric;
	bool has_te_metric;
	uint32_t te_metric;
	uint32_t delay_us;
	uint32_t admin_group;
	addr_t local, remote, local6, remote6;
	bool has_max_bw, has_rsv_bw, has_unrsv;
	double max_bw, rsv_bw, unrsv[TED_PRIORITIES];
	uint32_t *srlgs;
	size_t n_srlgs;
	addr_t *sids;
	size_t n_sids;
	uint32_t *labels;
	size_t n_labels;
};

struct ted_frag {
	char lsp_id[KEYS_LSP_ID_STRLEN];
	uint8_t id[8];               /* system ID, pseudonode, fragment: the sort key */
	uint32_t seq;
	bool overload;
	char hostname[TED_NAME_STRLEN];
	addr_t rid, rid6;
	bool has_locator;
	prefix_t locator;
	addr_t end_sid, dt6_sid, dx4_sid;
	struct ted_reach *reach;     /* topology-0 entries only */
	size_t n_reach;
};

struct ted_ifname {
	char node[TED_NAME_STRLEN];
	addr_t local;
	char ifname[KEYS_IFNAME_MAX + 1];
	addr_t neighbor6;            /* the adjacency's neighbor_address6 (family 0: none) */
};

void ted_init(ted_t *t)
{
	memset(t, 0, sizeof(*t));
}

static void reach_free(struct ted_reach *r)
{
	free(r->srlgs);
	free(r->sids);
	free(r->labels);
}

static void frag_free(struct ted_frag *f)
{
	for (size_t i = 0; i < f->n_reach; i++)
		reach_free(&f->reach[i]);
	free(f->reach);
	f->reach = NULL;
	f->n_reach = 0;
}

static void graph_free(ted_t *t)
{
	free(t->nodes);
	free(t->links);
	free(t->arcs);
	free(t->unrsv);
	free(t->unrsv_prio);
	free(t->srlgs);
	free(t->sids);
	free(t->labels);
	free(t->node_by_name);
	free(t->link_by_name);
	free(t->overloaded);
}

void ted_free(ted_t *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n_frags; i++)
		frag_free(&t->frags[i]);
	free(t->frags);
	free(t->ifnames);
	free(t->errors);
	graph_free(t);
	memset(t, 0, sizeof(*t));
}

/* ---- parsing one fragment ---------------------------------------------------------- */

static bool get_addr_family(jx_ctx *c, const json_t *obj, const char *field, int family,
			    addr_t *out)
{
	addr_t a = { 0 };

	if (!jx_get_addr(c, obj, field, false, &a))
		return false;
	if (a.family == 0)
		return true;
	if (a.family != family)
		return jx_fail_field(c, field, "expected an %s address, got %s",
				     family == AF_INET ? "IPv4" : "IPv6",
				     family == AF_INET ? "an IPv6 one" : "an IPv4 one");
	*out = a;
	return true;
}

static bool item_number(jx_ctx *c, const json_t *v, double min, double *out)
{
	char got[64];

	if (!json_is_number(v) || json_number_value(v) < min)
		return jx_fail(c, "expected a number >= %g, got %s", min,
			       jx_describe(v, got, sizeof(got)));
	*out = json_number_value(v);
	return true;
}

static bool item_uint(jx_ctx *c, const json_t *v, int64_t min, int64_t max, uint32_t *out)
{
	char got[64];

	if (!json_is_integer(v) || json_integer_value(v) < min || json_integer_value(v) > max)
		return jx_fail(c, "expected an integer %lld..%lld, got %s", (long long)min,
			       (long long)max, jx_describe(v, got, sizeof(got)));
	*out = (uint32_t)json_integer_value(v);
	return true;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/* "1921.6805.0002.00" -> 7 bytes. */
static bool parse_neighbor(jx_ctx *c, const json_t *obj, uint8_t out[7])
{
	const char *s = NULL;
	char buf[KEYS_LSP_ID_STRLEN + 4];
	struct key_lsp_id id;

	if (!jx_get_string(c, obj, "neighbor", true, &s))
		return false;
	if (strlen(s) != 17 || snprintf(buf, sizeof(buf), "%s-00", s) != 20 ||
	    keys_lsp_id_parse(buf, &id) < 0)
		return jx_fail_field(c, "neighbor",
				     "expected a neighbor ID like \"1921.6805.0002.00\", got \"%.40s\"",
				     s);
	memcpy(out, id.system_id, 6);
	out[6] = id.pseudonode;
	return true;
}

static bool parse_u32_array(jx_ctx *c, const json_t *obj, const char *field, int64_t min,
			    int64_t max, bool sort_unique, uint32_t **out, size_t *n_out)
{
	json_t *arr = NULL, *v;
	size_t i, mark, n = 0;
	uint32_t *a;

	if (!jx_get_array(c, obj, field, false, &arr))
		return false;
	if (!arr || json_array_size(arr) == 0)
		return true;
	a = calloc(json_array_size(arr), sizeof(*a));
	if (!a)
		return jx_fail(c, "out of memory");
	mark = jx_push_field(c, field);
	json_array_foreach(arr, i, v) {
		size_t im = jx_push_index(c, i);
		bool ok = item_uint(c, v, min, max, &a[i]);

		jx_pop(c, im);
		if (!ok)
			break;
	}
	jx_pop(c, mark);
	if (c->failed) {
		free(a);
		return false;
	}
	n = json_array_size(arr);
	if (sort_unique && n > 1) {
		size_t w = 1;

		qsort(a, n, sizeof(*a), cmp_u32);
		for (i = 1; i < n; i++)
			if (a[i] != a[w - 1])
				a[w++] = a[i];
		n = w;
	}
	*out = a;
	*n_out = n;
	return true;
}

static bool parse_end_x_sids(jx_ctx *c, const json_t *obj, struct ted_reach *r)
{
	json_t *arr = NULL, *v;
	size_t i, mark;

	if (!jx_get_array(c, obj, "end_x_sids", false, &arr))
		return false;
	if (!arr || json_array_size(arr) == 0)
		return true;
	r->sids = calloc(json_array_size(arr), sizeof(*r->sids));
	if (!r->sids)
		return jx_fail(c, "out of memory");
	mark = jx_push_field(c, "end_x_sids");
	json_array_foreach(arr, i, v) {
		size_t im = jx_push_index(c, i);
		const char *beh = NULL;

		if (get_addr_family(c, v, "sid", AF_INET6, &r->sids[i]) &&
		    r->sids[i].family == 0)
			jx_fail_field(c, "sid", "missing");
		if (jx_get_string(c, v, "behavior", true, &beh) && strncmp(beh, "End.X", 5) != 0)
			jx_fail_field(c, "behavior", "expected an End.X behavior, got \"%.32s\"",
				      beh);
		jx_pop(c, im);
		if (c->failed)
			break;
		r->n_sids++;
	}
	jx_pop(c, mark);
	return !c->failed;
}

static bool parse_adj_sids(jx_ctx *c, const json_t *obj, struct ted_reach *r)
{
	json_t *arr = NULL, *v;
	size_t i, mark;

	if (!jx_get_array(c, obj, "adj_sids", false, &arr))
		return false;
	if (!arr || json_array_size(arr) == 0)
		return true;
	r->labels = calloc(json_array_size(arr), sizeof(*r->labels));
	if (!r->labels)
		return jx_fail(c, "out of memory");
	mark = jx_push_field(c, "adj_sids");
	json_array_foreach(arr, i, v) {
		size_t im = jx_push_index(c, i);
		int64_t label = 0;

		if (jx_get_int(c, v, "label", true, KEYS_MPLS_LABEL_MIN, KEYS_MPLS_LABEL_MAX,
			       &label))
			r->labels[r->n_labels++] = (uint32_t)label;
		jx_pop(c, im);
		if (c->failed)
			break;
	}
	jx_pop(c, mark);
	return !c->failed;
}

static bool parse_unreserved(jx_ctx *c, const json_t *obj, struct ted_reach *r)
{
	json_t *arr = NULL, *v;
	size_t i, mark;

	if (!jx_get_array(c, obj, "unreserved_bandwidth", false, &arr))
		return false;
	if (!arr)
		return true;
	if (json_array_size(arr) != TED_PRIORITIES)
		return jx_fail_field(c, "unreserved_bandwidth",
				     "expected 8 values (priorities 0..7), got %zu",
				     json_array_size(arr));
	mark = jx_push_field(c, "unreserved_bandwidth");
	json_array_foreach(arr, i, v) {
		size_t im = jx_push_index(c, i);
		bool ok = item_number(c, v, 0, &r->unrsv[i]);

		jx_pop(c, im);
		if (!ok)
			break;
	}
	jx_pop(c, mark);
	r->has_unrsv = !c->failed;
	return !c->failed;
}

/* Returns false on error; *keep false for an entry of another topology. */
static bool parse_reach(jx_ctx *c, const json_t *obj, struct ted_reach *r, bool *keep)
{
	int64_t mt = 0, metric = 0, te = -1, delay = 0, ag = 0;

	memset(r, 0, sizeof(*r));
	*keep = true;
	if (!json_is_object(obj))
		return jx_fail(c, "expected an object");
	if (!parse_neighbor(c, obj, r->nbr) ||
	    !jx_get_int(c, obj, "mt_id", false, 0, 4095, &mt) ||
	    !jx_get_int(c, obj, "metric", true, 0, 16777215, &metric) ||
	    !jx_get_int(c, obj, "te_metric", false, 0, 16777215, &te) ||
	    !jx_get_int(c, obj, "delay_us", false, 0, 16777215, &delay) ||
	    !jx_get_int(c, obj, "admin_group", false, 0, UINT32_MAX, &ag) ||
	    !get_addr_family(c, obj, "local_address", AF_INET, &r->local) ||
	    !get_addr_family(c, obj, "remote_address", AF_INET, &r->remote) ||
	    !get_addr_family(c, obj, "local_address6", AF_INET6, &r->local6) ||
	    !get_addr_family(c, obj, "remote_address6", AF_INET6, &r->remote6))
		return false;
	r->max_bw = -1;
	r->rsv_bw = -1;
	if (!jx_get_number(c, obj, "max_bandwidth", false, 0, DBL_MAX, &r->max_bw) ||
	    !jx_get_number(c, obj, "max_reservable_bandwidth", false, 0, DBL_MAX, &r->rsv_bw) ||
	    !parse_unreserved(c, obj, r) ||
	    !parse_u32_array(c, obj, "srlgs", 0, UINT32_MAX, true, &r->srlgs, &r->n_srlgs) ||
	    !parse_end_x_sids(c, obj, r) || !parse_adj_sids(c, obj, r))
		return false;
	r->has_max_bw = r->max_bw >= 0;
	r->has_rsv_bw = r->rsv_bw >= 0;
	r->metric = (uint32_t)metric;
	r->has_te_metric = te >= 0;
	r->te_metric = te >= 0 ? (uint32_t)te : (uint32_t)metric;
	r->delay_us = (uint32_t)delay;
	r->admin_group = (uint32_t)ag;
	*keep = mt == 0;
	return true;
}

static bool parse_locators(jx_ctx *c, const json_t *obj, struct ted_frag *f)
{
	json_t *arr = NULL, *v;
	size_t i, mark;

	if (!jx_get_array(c, obj, "srv6_locators", false, &arr) || !arr)
		return !c->failed;
	mark = jx_push_field(c, "srv6_locators");
	json_array_foreach(arr, i, v) {
		size_t im = jx_push_index(c, i);
		int64_t algo = 0, mt = 0, metric = 0;
		prefix_t p;
		json_t *sids = NULL, *s;
		size_t j;

		if (jx_get_prefix(c, v, "locator", true, &p) &&
		    p.addr.family != AF_INET6)
			jx_fail_field(c, "locator", "expected an IPv6 prefix");
		jx_get_int(c, v, "algorithm", true, 0, 255, &algo);
		jx_get_int(c, v, "mt_id", false, 0, 4095, &mt);
		jx_get_int(c, v, "metric", true, 0, UINT32_MAX, &metric);
		jx_get_array(c, v, "end_sids", false, &sids);
		if (c->failed) {
			jx_pop(c, im);
			break;
		}
		bool use = !f->has_locator && algo == 0 && mt == 0;

		if (use) {
			f->has_locator = true;
			f->locator = p;
		}
		size_t sm = jx_push_field(c, "end_sids");
		json_array_foreach(sids, j, s) {
			size_t jm = jx_push_index(c, j);
			const char *beh = NULL;
			addr_t a = { 0 };

			if (get_addr_family(c, s, "sid", AF_INET6, &a) && a.family == 0)
				jx_fail_field(c, "sid", "missing");
			jx_get_string(c, s, "behavior", true, &beh);
			jx_pop(c, jm);
			if (c->failed)
				break;
			if (!use)
				continue;
			if (strncmp(beh, "End.DT6", 8) == 0 && !f->dt6_sid.family)
				f->dt6_sid = a;
			else if (strncmp(beh, "End.DX4", 8) == 0 && !f->dx4_sid.family)
				f->dx4_sid = a;
			else if (strncmp(beh, "End", 3) == 0 && (beh[3] == 0 || beh[3] == '-') &&
				 !f->end_sid.family)
				f->end_sid = a;
		}
		jx_pop(c, sm);
		jx_pop(c, im);
		if (c->failed)
			break;
	}
	jx_pop(c, mark);
	return !c->failed;
}

static bool parse_frag(jx_ctx *c, const json_t *v, const char *key_id, struct ted_frag *f)
{
	const char *id = NULL, *s = NULL;
	int64_t level = 0, seq = 0, life = 0;
	json_t *flags = NULL, *arr = NULL, *e;
	bool ovl = false;
	struct key_lsp_id kid;
	size_t i;

	memset(f, 0, sizeof(*f));
	if (!json_is_object(v))
		return jx_fail(c, "expected an object");
	if (!jx_get_string(c, v, "lsp_id", true, &id))
		return false;
	if (keys_lsp_id_parse(id, &kid) < 0)
		return jx_fail_field(c, "lsp_id",
				     "expected an LSP ID like \"1921.6805.0001.00-00\", got \"%.40s\"",
				     id);
	if (key_id && strcmp(key_id, id) != 0)
		return jx_fail_field(c, "lsp_id", "\"%s\" differs from the key's \"%s\"", id,
				     key_id);
	if (!jx_get_int(c, v, "level", true, 1, 2, &level) ||
	    !jx_get_int(c, v, "seq", true, 1, UINT32_MAX, &seq) ||
	    !jx_get_string(c, v, "checksum", true, &s) ||
	    !jx_get_int(c, v, "remaining_lifetime", true, 0, 65535, &life) ||
	    !jx_get_object(c, v, "flags", true, &flags))
		return false;
	{
		size_t m = jx_push_field(c, "flags");
		bool ok = jx_get_bool(c, flags, "overload", true, &ovl);

		jx_pop(c, m);
		if (!ok)
			return false;
	}
	s = NULL;
	if (!jx_get_string(c, v, "hostname", false, &s))
		return false;
	if (s && !keys_name_valid(s))
		return jx_fail_field(c, "hostname",
				     "expected 1..63 of A-Z a-z 0-9 . _ -, got \"%.40s\"", s);
	if (s)
		snprintf(f->hostname, sizeof(f->hostname), "%s", s);
	if (!get_addr_family(c, v, "te_router_id", AF_INET, &f->rid) ||
	    !get_addr_family(c, v, "te_router_id6", AF_INET6, &f->rid6) ||
	    !parse_locators(c, v, f) || !jx_get_array(c, v, "is_reach", false, &arr))
		return false;
	snprintf(f->lsp_id, sizeof(f->lsp_id), "%s", id);
	memcpy(f->id, kid.system_id, 6);
	f->id[6] = kid.pseudonode;
	f->id[7] = kid.fragment;
	f->seq = (uint32_t)seq;
	f->overload = ovl;
	if (!arr || json_array_size(arr) == 0)
		return true;
	f->reach = calloc(json_array_size(arr), sizeof(*f->reach));
	if (!f->reach)
		return jx_fail(c, "out of memory");
	size_t mark = jx_push_field(c, "is_reach");
	json_array_foreach(arr, i, e) {
		size_t im = jx_push_index(c, i);
		bool keep;
		bool ok = parse_reach(c, e, &f->reach[f->n_reach], &keep);

		jx_pop(c, im);
		if (!ok) {
			reach_free(&f->reach[f->n_reach]);
			break;
		}
		if (keep)
			f->n_reach++;
		else
			reach_free(&f->reach[f->n_reach]);
	}
	jx_pop(c, mark);
	if (c->failed) {
		frag_free(f);
		return false;
	}
	return true;
}

/* ---- the fragment store ------------------------------------------------------------ */

/* Index of the fragment with this id, or -(insertion point) - 1. */
static ptrdiff_t frag_search(const ted_t *t, const uint8_t id[8])
{
	size_t lo = 0, hi = t->n_frags;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(t->frags[mid].id, id, 8);

		if (c == 0)
			return (ptrdiff_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -(ptrdiff_t)lo - 1;
}

static void frag_delete_at(ted_t *t, size_t i)
{
	frag_free(&t->frags[i]);
	memmove(&t->frags[i], &t->frags[i + 1], (t->n_frags - i - 1) * sizeof(*t->frags));
	t->n_frags--;
	t->dirty = true;
}

static void error_clear(ted_t *t, const char *lsp_id)
{
	for (size_t i = 0; i < t->n_errors; i++) {
		if (strcmp(t->errors[i].lsp_id, lsp_id) == 0) {
			memmove(&t->errors[i], &t->errors[i + 1],
				(t->n_errors - i - 1) * sizeof(*t->errors));
			t->n_errors--;
			return;
		}
	}
}

static void error_set(ted_t *t, const char *lsp_id, const char *msg)
{
	error_clear(t, lsp_id);
	if (t->n_errors == t->cap_errors) {
		size_t cap = t->cap_errors ? t->cap_errors * 2 : 8;
		struct ted_error *e = realloc(t->errors, cap * sizeof(*e));

		if (!e)
			return;
		t->errors = e;
		t->cap_errors = cap;
	}
	snprintf(t->errors[t->n_errors].lsp_id, sizeof(t->errors[0].lsp_id), "%s", lsp_id);
	snprintf(t->errors[t->n_errors].msg, sizeof(t->errors[0].msg), "%s", msg);
	t->n_errors++;
}

static int set_err(char *err, size_t errlen, const char *msg)
{
	if (err && errlen)
		snprintf(err, errlen, "%s", msg);
	return -EINVAL;
}

int ted_lsp_update(ted_t *t, const char *key_lsp_id, const json_t *value, char *err,
		   size_t errlen)
{
	struct ted_frag f;
	struct key_lsp_id kid;
	jx_ctx c;
	ptrdiff_t at;
	uint8_t id[8];

	if (err && errlen)
		err[0] = 0;
	if (!t)
		return -EINVAL;
	if (key_lsp_id && keys_lsp_id_parse(key_lsp_id, &kid) < 0) {
		char msg[TED_ERR_LEN];

		snprintf(msg, sizeof(msg), "ted/lsp/%.40s: not an LSP ID", key_lsp_id);
		return set_err(err, errlen, msg);
	}
	jx_init(&c, key_lsp_id ? key_lsp_id : "ted/lsp");
	if (!parse_frag(&c, value, key_lsp_id, &f)) {
		if (key_lsp_id) {
			memcpy(id, kid.system_id, 6);
			id[6] = kid.pseudonode;
			id[7] = kid.fragment;
			at = frag_search(t, id);
			if (at >= 0)
				frag_delete_at(t, (size_t)at);
			error_set(t, key_lsp_id, c.err);
		}
		return set_err(err, errlen, c.err);
	}
	error_clear(t, f.lsp_id);
	at = frag_search(t, f.id);
	if (at >= 0) {
		frag_free(&t->frags[at]);
		t->frags[at] = f;
	} else {
		size_t pos = (size_t)(-at - 1);

		if (t->n_frags == t->cap_frags) {
			size_t cap = t->cap_frags ? t->cap_frags * 2 : 16;
			struct ted_frag *nf = realloc(t->frags, cap * sizeof(*nf));

			if (!nf) {
				frag_free(&f);
				return -ENOMEM;
			}
			t->frags = nf;
			t->cap_frags = cap;
		}
		memmove(&t->frags[pos + 1], &t->frags[pos], (t->n_frags - pos) * sizeof(f));
		t->frags[pos] = f;
		t->n_frags++;
	}
	t->dirty = true;
	return 0;
}

int ted_lsp_update_text(ted_t *t, const char *key_lsp_id, const char *text, size_t len,
			char *err, size_t errlen)
{
	jx_ctx c;
	json_t *v;
	int rc;

	jx_init(&c, key_lsp_id ? key_lsp_id : "ted/lsp");
	v = jx_loads(&c, text, len);
	if (!v) {
		struct key_lsp_id kid;

		if (t && key_lsp_id && keys_lsp_id_parse(key_lsp_id, &kid) == 0) {
			uint8_t id[8];
			ptrdiff_t at;

			memcpy(id, kid.system_id, 6);
			id[6] = kid.pseudonode;
			id[7] = kid.fragment;
			at = frag_search(t, id);
			if (at >= 0)
				frag_delete_at(t, (size_t)at);
			error_set(t, key_lsp_id, c.err);
		}
		return set_err(err, errlen, c.err);
	}
	rc = ted_lsp_update(t, key_lsp_id, v, err, errlen);
	json_decref(v);
	return rc;
}

int ted_lsp_remove(ted_t *t, const char *lsp_id)
{
	struct key_lsp_id kid;
	uint8_t id[8];
	ptrdiff_t at;

	if (!t || !lsp_id || keys_lsp_id_parse(lsp_id, &kid) < 0)
		return -EINVAL;
	error_clear(t, lsp_id);
	memcpy(id, kid.system_id, 6);
	id[6] = kid.pseudonode;
	id[7] = kid.fragment;
	at = frag_search(t, id);
	if (at < 0)
		return -ENOENT;
	frag_delete_at(t, (size_t)at);
	return 0;
}

/* ---- interface names from speakers/<node> ------------------------------------------ */

static int ifname_cmp(const void *a, const void *b)
{
	const struct ted_ifname *x = a, *y = b;
	int c = strcmp(x->node, y->node);

	return c ? c : addr_cmp(&x->local, &y->local);
}

int ted_speaker_remove(ted_t *t, const char *node)
{
	size_t w = 0, n;

	if (!t || !node)
		return -EINVAL;
	n = t->n_ifnames;
	for (size_t i = 0; i < n; i++)
		if (strcmp(t->ifnames[i].node, node) != 0)
			t->ifnames[w++] = t->ifnames[i];
	t->n_ifnames = w;
	if (w != n)
		t->dirty = true;
	return w == n ? -ENOENT : 0;
}

int ted_speaker_update(ted_t *t, const json_t *value, char *err, size_t errlen)
{
	const char *node = NULL;
	json_t *adj = NULL, *a;
	struct ted_ifname *add = NULL;
	size_t i, n_add = 0;
	jx_ctx c;

	if (err && errlen)
		err[0] = 0;
	if (!t)
		return -EINVAL;
	jx_init(&c, "speakers");
	if (jx_get_string(&c, value, "node", true, &node) && !keys_name_valid(node))
		jx_fail_field(&c, "node", "not a node name");
	jx_get_array(&c, value, "adjacencies", true, &adj);
	if (c.failed)
		return set_err(err, errlen, c.err);
	add = calloc(json_array_size(adj) * 2 + 1, sizeof(*add));
	if (!add)
		return -ENOMEM;
	size_t mark = jx_push_field(&c, "adjacencies");
	json_array_foreach(adj, i, a) {
		size_t im = jx_push_index(&c, i);
		const char *ifn = NULL;
		addr_t l4 = { 0 }, l6 = { 0 }, n6 = { 0 };

		if (jx_get_string(&c, a, "interface", true, &ifn) && !keys_ifname_valid(ifn))
			jx_fail_field(&c, "interface", "not an interface name");
		jx_get_addr(&c, a, "local_address", false, &l4);
		jx_get_addr(&c, a, "local_address6", false, &l6);
		jx_get_addr(&c, a, "neighbor_address6", false, &n6);
		if (n6.family && n6.family != AF_INET6)
			jx_fail_field(&c, "neighbor_address6", "expected an IPv6 address");
		jx_pop(&c, im);
		if (c.failed)
			break;
		addr_t *ls[2] = { &l4, &l6 };
		for (int k = 0; k < 2; k++) {
			if (!ls[k]->family)
				continue;
			snprintf(add[n_add].node, sizeof(add[0].node), "%s", node);
			add[n_add].local = *ls[k];
			snprintf(add[n_add].ifname, sizeof(add[0].ifname), "%s", ifn);
			add[n_add].neighbor6 = n6;
			n_add++;
		}
	}
	jx_pop(&c, mark);
	if (c.failed) {
		free(add);
		return set_err(err, errlen, c.err);
	}
	ted_speaker_remove(t, node);
	if (t->n_ifnames + n_add > t->cap_ifnames) {
		size_t cap = (t->n_ifnames + n_add) * 2;
		struct ted_ifname *ni = realloc(t->ifnames, cap * sizeof(*ni));

		if (!ni) {
			free(add);
			return -ENOMEM;
		}
		t->ifnames = ni;
		t->cap_ifnames = cap;
	}
	if (n_add)
		memcpy(&t->ifnames[t->n_ifnames], add, n_add * sizeof(*add));
	t->n_ifnames += n_add;
	free(add);
	t->ifnames_unsorted = true; /* sorted once per commit, not per speaker value */
	t->dirty = true;
	return 0;
}

static const struct ted_ifname *ifname_find(const ted_t *t, const char *node,
					     const addr_t *local)
{
	struct ted_ifname key;

	if (!local->family || t->n_ifnames == 0)
		return NULL;
	memset(&key, 0, sizeof(key));
	snprintf(key.node, sizeof(key.node), "%s", node);
	key.local = *local;
	return bsearch(&key, t->ifnames, t->n_ifnames, sizeof(key), ifname_cmp);
}

static const char *ifname_lookup(const ted_t *t, const char *node, const addr_t *local)
{
	const struct ted_ifname *hit = ifname_find(t, node, local);

	return hit ? hit->ifname : NULL;
}

int ted_link_neighbor6(const ted_t *t, uint32_t link, addr_t *out)
{
	const struct ted_link *l;
	const struct ted_ifname *hit;

	if (!t || !out || link >= t->n_links)
		return -EINVAL;
	l = &t->links[link];
	hit = ifname_find(t, t->nodes[l->from].name, &l->local);
	if (!hit || !hit->neighbor6.family)
		hit = ifname_find(t, t->nodes[l->from].name, &l->local6);
	if (!hit || !hit->neighbor6.family)
		return -ENOENT;
	*out = hit->neighbor6;
	return 0;
}

/* ---- deriving the graph ------------------------------------------------------------ */

struct cand {
	uint32_t from, to;
	const struct ted_reach *r;
	uint32_t rev;         /* candidate index of the reverse, TED_NONE while unmatched */
	uint32_t link;        /* final link index */
	char name[KEYS_LINK_STRLEN];
};

struct build {
	const ted_t *t;
	struct cand *cands;
	uint32_t *by_pair;    /* candidate indexes sorted by (from, to, index) */
	const struct ted_node *nodes;
};

static int node_id_cmp(const struct ted_node *n, const uint8_t id[7])
{
	int c = memcmp(n->system_id, id, 6);

	if (c)
		return c;
	return (n->pseudonode > id[6]) - (n->pseudonode < id[6]);
}

static uint32_t node_by_id(const struct ted_node *nodes, uint32_t n, const uint8_t id[7])
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = node_id_cmp(&nodes[mid], id);

		if (c == 0)
			return mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return TED_NONE;
}

static int pair_cmp(const void *a, const void *b, void *ctx)
{
	const struct build *g_build = ctx;
	const struct cand *x = &g_build->cands[*(const uint32_t *)a];
	const struct cand *y = &g_build->cands[*(const uint32_t *)b];
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	return (i > j) - (i < j);
}

static bool has_v4(const struct ted_reach *r)
{
	return r->local.family && r->remote.family;
}

static bool has_v6(const struct ted_reach *r)
{
	return r->local6.family && r->remote6.family;
}

static bool reach_pairs(const struct ted_reach *a, const struct ted_reach *b)
{
	if (has_v4(a) && has_v4(b))
		return addr_cmp(&a->local, &b->remote) == 0 && addr_cmp(&a->remote, &b->local) == 0;
	if (has_v6(a) && has_v6(b))
		return addr_cmp(&a->local6, &b->remote6) == 0 &&
		       addr_cmp(&a->remote6, &b->local6) == 0;
	return !has_v4(a) && !has_v6(a) && !has_v4(b) && !has_v6(b);
}

/* Link order within the final array: from node, named links first by name, then the
 * neighbor's name, local addresses, then candidate order (total and deterministic). */
static int link_cmp(const void *a, const void *b, void *ctx)
{
	const struct build *g_build = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct cand *x = &g_build->cands[i], *y = &g_build->cands[j];
	int c;

	if (x->from != y->from)
		return x->from < y->from ? -1 : 1;
	if (!x->name[0] != !y->name[0])
		return x->name[0] ? -1 : 1;
	if ((c = strcmp(x->name, y->name)) != 0)
		return c;
	if ((c = strcmp(g_build->nodes[x->to].name, g_build->nodes[y->to].name)) != 0)
		return c;
	if (x->to != y->to)
		return x->to < y->to ? -1 : 1;
	if ((c = addr_cmp(&x->r->local, &y->r->local)) != 0)
		return c;
	if ((c = addr_cmp(&x->r->local6, &y->r->local6)) != 0)
		return c;
	return (i > j) - (i < j);
}

static int name_cmp_nodes(const void *a, const void *b, void *ctx)
{
	const struct build *g_build = ctx;
	const struct ted_node *x = &g_build->nodes[*(const uint32_t *)a];
	const struct ted_node *y = &g_build->nodes[*(const uint32_t *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : (*(const uint32_t *)a > *(const uint32_t *)b) -
			       (*(const uint32_t *)a < *(const uint32_t *)b);
}

static int name_cmp_links(const void *a, const void *b, void *ctx)
{
	const struct ted_link *g_links = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	int c = strcmp(g_links[i].name, g_links[j].name);

	return c ? c : (i > j) - (i < j);
}

static void node_fill(struct ted_node *n, const struct ted_frag *fr, size_t count)
{
	memset(n, 0, sizeof(*n));
	memcpy(n->system_id, fr[0].id, 6);
	n->pseudonode = fr[0].id[6];
	n->overload = fr[0].overload; /* fragment 0 */
	for (size_t i = 0; i < count; i++) {
		const struct ted_frag *f = &fr[i];

		if (!n->hostname[0] && f->hostname[0])
			memcpy(n->hostname, f->hostname, sizeof(n->hostname));
		if (!n->router_id.family)
			n->router_id = f->rid;
		if (!n->router_id6.family)
			n->router_id6 = f->rid6;
		if (!n->has_locator && f->has_locator) {
			n->has_locator = true;
			n->locator = f->locator;
			n->end_sid = f->end_sid;
			n->dt6_sid = f->dt6_sid;
			n->dx4_sid = f->dx4_sid;
		}
	}
	if (n->hostname[0] && !n->pseudonode)
		memcpy(n->name, n->hostname, sizeof(n->name));
	else if (!n->pseudonode)
		snprintf(n->name, sizeof(n->name), "%02x%02x.%02x%02x.%02x%02x", n->system_id[0],
			 n->system_id[1], n->system_id[2], n->system_id[3], n->system_id[4],
			 n->system_id[5]);
	else
		snprintf(n->name, sizeof(n->name), "%02x%02x.%02x%02x.%02x%02x.%02x",
			 n->system_id[0], n->system_id[1], n->system_id[2], n->system_id[3],
			 n->system_id[4], n->system_id[5], n->pseudonode);
}

static void link_fill(ted_t *g, uint32_t li, const struct cand *cd, const struct cand *cands)
{
	const struct ted_reach *r = cd->r;
	struct ted_link *l = &g->links[li];
	struct ted_arc *a = &g->arcs[li];
	double base;

	memset(l, 0, sizeof(*l));
	l->from = cd->from;
	l->to = cd->to;
	l->reverse = cands[cd->rev].link;
	memcpy(l->name, cd->name, sizeof(l->name));
	l->local = r->local;
	l->remote = r->remote;
	l->local6 = r->local6;
	l->remote6 = r->remote6;
	l->igp_metric = r->metric;
	l->te_metric = r->te_metric;
	l->delay_us = r->delay_us;
	l->admin_group = r->admin_group;
	l->max_bw = r->has_max_bw ? r->max_bw : 0;
	l->max_rsv_bw = r->has_rsv_bw ? r->rsv_bw : l->max_bw;
	base = l->max_rsv_bw;
	for (int p = 0; p < TED_PRIORITIES; p++) {
		l->unrsv[p] = r->has_unrsv ? r->unrsv[p] : base;
		g->unrsv[(size_t)li * TED_PRIORITIES + p] = l->unrsv[p];
		g->unrsv_prio[(size_t)p * g->n_links + li] = l->unrsv[p];
	}
	l->srlg_first = g->n_srlgs_total;
	l->n_srlgs = (uint32_t)r->n_srlgs;
	if (r->srlgs)
		memcpy(&g->srlgs[g->n_srlgs_total], r->srlgs, r->n_srlgs * sizeof(uint32_t));
	g->n_srlgs_total += l->n_srlgs;
	l->sid_first = g->n_sids_total;
	l->n_sids = (uint32_t)r->n_sids;
	if (r->sids)
		memcpy(&g->sids[g->n_sids_total], r->sids, r->n_sids * sizeof(addr_t));
	g->n_sids_total += l->n_sids;
	l->label_first = g->n_labels_total;
	l->n_labels = (uint32_t)r->n_labels;
	if (r->labels)
		memcpy(&g->labels[g->n_labels_total], r->labels, r->n_labels * sizeof(uint32_t));
	g->n_labels_total += l->n_labels;
	a->to = l->to;
	a->admin_group = l->admin_group;
	a->metric[TED_METRIC_TE] = l->te_metric;
	a->metric[TED_METRIC_IGP] = l->igp_metric;
	a->metric[TED_METRIC_DELAY] = l->delay_us;
	a->n_srlgs = l->n_srlgs;
}

/* Builds the graph into g (graph fields only). */
static int derive(const ted_t *t, ted_t *g)
{
	struct build b = { .t = t };
	size_t n_cands = 0, n_srlg = 0, n_sid = 0, n_lab = 0, i;
	uint32_t n_nodes = 0, n_links = 0, *order = NULL;
	int rc = -ENOMEM;

	g->nodes = calloc(t->n_frags + 1, sizeof(*g->nodes));
	if (!g->nodes)
		return -ENOMEM;
	for (i = 0; i < t->n_frags;) {
		size_t j = i;

		while (j < t->n_frags && memcmp(t->frags[j].id, t->frags[i].id, 7) == 0)
			j++;
		if (t->frags[i].id[7] == 0) { /* fragment 0 present */
			if (n_nodes >= TED_MAX_NODES) {
				rc = -E2BIG;
				goto out;
			}
			node_fill(&g->nodes[n_nodes++], &t->frags[i], j - i);
		}
		for (size_t k = i; k < j; k++)
			n_cands += t->frags[k].n_reach;
		i = j;
	}
	g->n_nodes = n_nodes;
	b.nodes = g->nodes;
	b.cands = calloc(n_cands + 1, sizeof(*b.cands));
	b.by_pair = calloc(n_cands + 1, sizeof(*b.by_pair));
	if (!b.cands || !b.by_pair)
		goto out;
	n_cands = 0;
	for (i = 0; i < t->n_frags; i++) {
		const struct ted_frag *f = &t->frags[i];
		uint32_t from = node_by_id(g->nodes, n_nodes, f->id);

		if (from == TED_NONE)
			continue;
		for (size_t k = 0; k < f->n_reach; k++) {
			uint32_t to = node_by_id(g->nodes, n_nodes, f->reach[k].nbr);

			if (to == TED_NONE || to == from) {
				g->n_one_way++;
				continue;
			}
			b.cands[n_cands] = (struct cand){ .from = from, .to = to, .r = &f->reach[k],
							  .rev = TED_NONE, .link = TED_NONE };
			b.by_pair[n_cands] = (uint32_t)n_cands;
			n_cands++;
		}
	}
	qsort_r(b.by_pair, n_cands, sizeof(uint32_t), pair_cmp, &b);
	/* two-way check: pair each entry with an unmatched reverse entry */
	for (i = 0; i < n_cands; i++) {
		struct cand *c = &b.cands[i];
		size_t lo = 0, hi = n_cands;

		if (c->rev != TED_NONE)
			continue;
		while (lo < hi) { /* first entry of (c->to, c->from) */
			size_t mid = lo + (hi - lo) / 2;
			const struct cand *m = &b.cands[b.by_pair[mid]];

			if (m->from < c->to || (m->from == c->to && m->to < c->from))
				lo = mid + 1;
			else
				hi = mid;
		}
		for (; lo < n_cands; lo++) {
			uint32_t ri = b.by_pair[lo];
			struct cand *r = &b.cands[ri];

			if (r->from != c->to || r->to != c->from)
				break;
			if (r->rev == TED_NONE && reach_pairs(c->r, r->r)) {
				c->rev = ri;
				r->rev = (uint32_t)i;
				break;
			}
		}
	}
	order = calloc(n_cands + 1, sizeof(*order));
	if (!order)
		goto out;
	for (i = 0; i < n_cands; i++) {
		struct cand *c = &b.cands[i];
		const char *ifn;

		if (c->rev == TED_NONE) {
			g->n_one_way++;
			continue;
		}
		ifn = ifname_lookup(t, g->nodes[c->from].name, &c->r->local);
		if (!ifn)
			ifn = ifname_lookup(t, g->nodes[c->from].name, &c->r->local6);
		if (ifn && !g->nodes[c->from].pseudonode)
			snprintf(c->name, sizeof(c->name), "%s:%s", g->nodes[c->from].name, ifn);
		order[n_links++] = (uint32_t)i;
		n_srlg += c->r->n_srlgs;
		n_sid += c->r->n_sids;
		n_lab += c->r->n_labels;
	}
	qsort_r(order, n_links, sizeof(*order), link_cmp, &b);
	for (i = 0; i < n_links; i++)
		b.cands[order[i]].link = (uint32_t)i;
	g->links = calloc(n_links + 1, sizeof(*g->links));
	g->arcs = calloc(n_links + 1, sizeof(*g->arcs));
	g->unrsv = calloc((size_t)n_links * TED_PRIORITIES + 1, sizeof(double));
	g->unrsv_prio = calloc((size_t)n_links * TED_PRIORITIES + 1, sizeof(double));
	g->srlgs = calloc(n_srlg + 1, sizeof(uint32_t));
	g->sids = calloc(n_sid + 1, sizeof(addr_t));
	g->labels = calloc(n_lab + 1, sizeof(uint32_t));
	g->node_by_name = calloc(n_nodes + 1, sizeof(uint32_t));
	g->link_by_name = calloc(n_links + 1, sizeof(uint32_t));
	g->overloaded = calloc(n_nodes + 1, sizeof(uint32_t));
	if (!g->links || !g->arcs || !g->unrsv || !g->unrsv_prio || !g->srlgs || !g->sids || !g->labels ||
	    !g->node_by_name || !g->link_by_name || !g->overloaded)
		goto out;
	g->n_links = n_links;
	for (i = 0; i < n_links; i++) {
		const struct cand *c = &b.cands[order[i]];
		struct ted_node *n = &g->nodes[c->from];

		link_fill(g, (uint32_t)i, c, b.cands);
		if (n->out_count == 0)
			n->out_first = (uint32_t)i;
		n->out_count++;
		if (c->name[0])
			g->link_by_name[g->n_named_links++] = (uint32_t)i;
	}
	for (uint32_t v = 0; v < n_nodes; v++) {
		if (g->nodes[v].out_count == 0)
			g->nodes[v].out_first = 0;
		g->node_by_name[v] = v;
		if (g->nodes[v].overload)
			g->overloaded[g->n_overloaded++] = v;
	}
	qsort_r(g->node_by_name, n_nodes, sizeof(uint32_t), name_cmp_nodes, &b);
	qsort_r(g->link_by_name, g->n_named_links, sizeof(uint32_t), name_cmp_links, g->links);
	rc = 0;
out:
	free(b.cands);
	free(b.by_pair);
	free(order);
	return rc;
}

int ted_commit(ted_t *t)
{
	ted_t g;
	int rc;

	if (!t)
		return -EINVAL;
	if (!t->dirty && t->nodes)
		return 0;
	if (t->ifnames_unsorted && t->n_ifnames > 1)
		qsort(t->ifnames, t->n_ifnames, sizeof(*t->ifnames), ifname_cmp);
	t->ifnames_unsorted = false;
	memset(&g, 0, sizeof(g));
	rc = derive(t, &g);
	if (rc < 0) {
		graph_free(&g);
		return rc;
	}
	graph_free(t);
	t->nodes = g.nodes;
	t->n_nodes = g.n_nodes;
	t->links = g.links;
	t->arcs = g.arcs;
	t->unrsv = g.unrsv;
	t->unrsv_prio = g.unrsv_prio;
	t->n_links = g.n_links;
	t->srlgs = g.srlgs;
	t->n_srlgs_total = g.n_srlgs_total;
	t->sids = g.sids;
	t->n_sids_total = g.n_sids_total;
	t->labels = g.labels;
	t->n_labels_total = g.n_labels_total;
	t->node_by_name = g.node_by_name;
	t->link_by_name = g.link_by_name;
	t->n_named_links = g.n_named_links;
	t->overloaded = g.overloaded;
	t->n_overloaded = g.n_overloaded;
	t->n_one_way = g.n_one_way;
	t->dirty = false;
	t->version++;
	return 0;
}

/* ---- lookups ----------------------------------------------------------------------- */

static const char *node_name(const ted_t *t, uint32_t i)
{
	return t->nodes[i].name;
}

static const char *link_name(const ted_t *t, uint32_t i)
{
	return t->links[i].name;
}

/* Binary search of `name` in index[0..n), sorted by name_of(). */
static uint32_t find_by_name(const ted_t *t, const uint32_t *index, uint32_t n,
			     const char *(*name_of)(const ted_t *, uint32_t), const char *name)
{
	uint32_t lo = 0, hi = n;

	if (!index || !name)
		return TED_NONE;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(name_of(t, index[mid]), name);

		if (c == 0)
			return index[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return TED_NONE;
}

uint32_t ted_node_find(const ted_t *t, const char *name)
{
	return t ? find_by_name(t, t->node_by_name, t->n_nodes, node_name, name) : TED_NONE;
}

uint32_t ted_link_find(const ted_t *t, const char *name)
{
	return t ? find_by_name(t, t->link_by_name, t->n_named_links, link_name, name)
		 : TED_NONE;
}

uint32_t ted_link_between(const ted_t *t, uint32_t u, uint32_t v)
{
	if (!t || u >= t->n_nodes)
		return TED_NONE;
	for (uint32_t i = 0; i < t->nodes[u].out_count; i++) {
		uint32_t l = t->nodes[u].out_first + i;

		if (t->links[l].to == v)
			return l;
	}
	return TED_NONE;
}

const char *ted_link_label(const ted_t *t, uint32_t link, char *buf, size_t len)
{
	char a[ADDR_STRLEN];
	const struct ted_link *l;

	if (!t || link >= t->n_links) {
		snprintf(buf, len, "(none)");
		return buf;
	}
	l = &t->links[link];
	if (l->name[0])
		snprintf(buf, len, "%s", l->name);
	else
		snprintf(buf, len, "%s->%s#%s", t->nodes[l->from].name, t->nodes[l->to].name,
			 l->local.family ? addr_format(&l->local, a, sizeof(a)) :
			 l->local6.family ? addr_format(&l->local6, a, sizeof(a)) : "-");
	return buf;
}

/* ---- dump -------------------------------------------------------------------------- */

static const char *fa(const addr_t *a, char *buf)
{
	return a->family ? addr_format(a, buf, ADDR_STRLEN) : "-";
}

int ted_dump(const ted_t *t, FILE *out)
{
	char a1[ADDR_STRLEN], a2[ADDR_STRLEN], a3[ADDR_STRLEN], a4[ADDR_STRLEN];
	char p[PREFIX_STRLEN];

	if (!t || !out)
		return -EINVAL;
	fprintf(out, "ted nodes=%u links=%u one_way=%u\n", t->n_nodes, t->n_links, t->n_one_way);
	for (uint32_t i = 0; i < t->n_nodes; i++) {
		const struct ted_node *n = &t->nodes[i];

		fprintf(out,
			"node %u %s sysid=%02x%02x.%02x%02x.%02x%02x.%02x host=%s rid=%s rid6=%s "
			"ol=%d loc=%s end=%s dt6=%s dx4=%s out=%u+%u\n",
			i, n->name, n->system_id[0], n->system_id[1], n->system_id[2],
			n->system_id[3], n->system_id[4], n->system_id[5], n->pseudonode,
			n->hostname[0] ? n->hostname : "-", fa(&n->router_id, a1),
			fa(&n->router_id6, a2), n->overload,
			n->has_locator ? prefix_format(&n->locator, p, sizeof(p)) : "-",
			fa(&n->end_sid, a3), fa(&n->dt6_sid, a4), fa(&n->dx4_sid, a1),
			n->out_first, n->out_count);
	}
	for (uint32_t i = 0; i < t->n_links; i++) {
		const struct ted_link *l = &t->links[i];

		fprintf(out,
			"link %u %s %s->%s rev=%u local=%s remote=%s local6=%s remote6=%s igp=%u "
			"te=%u delay=%u ag=0x%x maxbw=%.17g rsv=%.17g unrsv=",
			i, l->name[0] ? l->name : "-", t->nodes[l->from].name, t->nodes[l->to].name,
			l->reverse, fa(&l->local, a1), fa(&l->remote, a2), fa(&l->local6, a3),
			fa(&l->remote6, a4), l->igp_metric, l->te_metric, l->delay_us,
			l->admin_group, l->max_bw, l->max_rsv_bw);
		for (int k = 0; k < TED_PRIORITIES; k++)
			fprintf(out, "%s%.17g", k ? "," : "", l->unrsv[k]);
		fprintf(out, " srlgs=");
		for (uint32_t k = 0; k < l->n_srlgs; k++)
			fprintf(out, "%s%u", k ? "," : "", t->srlgs[l->srlg_first + k]);
		fprintf(out, " sids=");
		for (uint32_t k = 0; k < l->n_sids; k++)
			fprintf(out, "%s%s", k ? "," : "", fa(&t->sids[l->sid_first + k], a1));
		fprintf(out, " labels=");
		for (uint32_t k = 0; k < l->n_labels; k++)
			fprintf(out, "%s%u", k ? "," : "", t->labels[l->label_first + k]);
		fprintf(out, "\n");
	}
	return ferror(out) ? -EIO : 0;
}

char *ted_dump_string(const ted_t *t)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (ted_dump(t, f) < 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	if (fclose(f) != 0) {
		free(buf);
		return NULL;
	}
	return buf;
}
