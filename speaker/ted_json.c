/* ted_json — the speaker's etcd values as JSON: LSPs (ted-lsp), SPF routes
 * (rib-isis-route), local SIDs (rib-sid) and liveness (speaker).
 *
 * ISO 10589 9.8/9.9, RFC 1195/5301/5302/5305/5307/5308/6119/7794/7981/8491/8570/8667/
 * 9352, RFC 8986 behavior names (see speaker/ted_json.h for what each encoder emits and
 * keeps as hex). An LSP is encoded in two passes over its TLVs: the first collects the
 * TLV 22 entries and folds every TLV 138 into the entries it matches (RFC 5307 1.3:
 * same neighbor, and the IPv4 interface/neighbor addresses or the link identifiers),
 * the second emits everything in wire order into per-field arrays that are attached in
 * schema order. Whatever has no schema field is re-encoded with the codec
 * (speaker/tlv.c, speaker/subtlv.c) and kept as hex. Pure; jansson values; schemas in
 * schemas/; consumer te-controller/ted.c; tests in tests/unit/test_ted_json.c. */
#include "speaker/ted_json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "lib/keys.h"

/* --- shared helpers ----------------------------------------------------------------- */

struct ctx {
	bool oom;
	char *err;
	size_t errlen;
	bool failed;
};

static void put(struct ctx *c, json_t *o, const char *k, json_t *v)
{
	if (!v || json_object_set_new(o, k, v) != 0)
		c->oom = true;
}

static void push(struct ctx *c, json_t *a, json_t *v)
{
	if (!v || json_array_append_new(a, v) != 0)
		c->oom = true;
}

/* attach arr under k if it is not empty; drop it otherwise */
static void put_list(struct ctx *c, json_t *o, const char *k, json_t *arr)
{
	if (arr && json_array_size(arr) > 0)
		put(c, o, k, arr);
	else
		json_decref(arr);
}

__attribute__((format(printf, 2, 3))) static void fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;

	if (c->failed)
		return;
	c->failed = true;
	if (!c->err || !c->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(c->err, c->errlen, fmt, ap);
	va_end(ap);
}

/* the value, or NULL with err set (out of memory or an earlier failure) */
static json_t *finish(struct ctx *c, json_t *v)
{
	if (c->oom || !v)
		fail(c, "out of memory");
	if (c->failed) {
		json_decref(v);
		return NULL;
	}
	if (c->err && c->errlen)
		c->err[0] = 0;
	return v;
}

static json_t *jstr(const char *s)
{
	return json_string(s);
}

static json_t *jhex(const uint8_t *p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	char *s = malloc(n * 2 + 1);
	json_t *v;

	if (!s)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		s[2 * i] = digits[p[i] >> 4];
		s[2 * i + 1] = digits[p[i] & 15];
	}
	s[n * 2] = 0;
	v = json_string(s);
	free(s);
	return v;
}

static json_t *jid(const uint8_t *id, size_t n)
{
	char s[32];

	snprintf(s, sizeof(s), "%02x%02x.%02x%02x.%02x%02x", id[0], id[1], id[2], id[3], id[4],
		 id[5]);
	if (n >= 7)
		snprintf(s + 14, sizeof(s) - 14, ".%02x", id[6]);
	if (n >= 8)
		snprintf(s + 17, sizeof(s) - 17, "-%02x", id[7]);
	return jstr(s);
}

static addr_t mkaddr(int family, const uint8_t *b)
{
	addr_t a = { 0 };

	a.family = (uint8_t)family;
	memcpy(a.bytes, b, family == AF_INET ? 4 : 16);
	return a;
}

static json_t *jaddr(const addr_t *a)
{
	char s[ADDR_STRLEN];

	return jstr(addr_format(a, s, sizeof(s)));
}

static json_t *jaddr_b(int family, const uint8_t *b)
{
	addr_t a = mkaddr(family, b);

	return jaddr(&a);
}

static json_t *jprefix(int family, const uint8_t *b, unsigned plen)
{
	addr_t a = mkaddr(family, b);
	prefix_t p;
	char s[PREFIX_STRLEN];

	if (prefix_make(&a, plen, &p) != 0)
		return NULL;
	return jstr(prefix_format(&p, s, sizeof(s)));
}

static json_t *jbool(bool b)
{
	return json_boolean(b);
}

static json_t *juint(uint64_t v)
{
	return json_integer((json_int_t)v);
}

static bool node_name_ok(const char *s, size_t n)
{
	if (n < 1 || n > KEYS_NAME_MAX)
		return false;
	for (size_t i = 0; i < n; i++) {
		char ch = s[i];

		if (!((ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') ||
		      (ch >= '0' && ch <= '9') || ch == '.' || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

char *ted_json_dumps(const json_t *v)
{
	if (!v)
		return NULL;
	return json_dumps(v, JSON_PRESERVE_ORDER | JSON_COMPACT | JSON_REAL_PRECISION(17));
}

/* --- LSP: wire bytes of what has no schema field ------------------------------------ */

/* {"type":T,"value":"hex"} for every TLV (or sub-TLV) in w's bytes */
static void push_wire(struct ctx *c, json_t *arr, const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i + 2 <= n) {
		size_t len = p[i + 1];
		json_t *o;

		if (i + 2 + len > n)
			break;
		o = json_object();
		put(c, o, "type", juint(p[i]));
		put(c, o, "value", jhex(p + i + 2, len));
		push(c, arr, o);
		i += 2 + len;
	}
}

static void unknown_tlv(struct ctx *c, json_t *arr, const struct isis_tlv *t)
{
	struct isis_pdu one;
	uint8_t small[1024], *b = small;
	struct bw w;

	memset(&one, 0, sizeof(one));
	one.type = ISIS_L2_LSP;
	one.ntlvs = 1;
	one.tlvs = (struct isis_tlv *)t;	/* the encoder only reads */
	bw_init(&w, b, sizeof(small));
	if (isis_tlvs_encode(&w, &one) != 0 || w.err) {
		/* a built (not received) list longer than fits: split over several TLVs */
		b = malloc(ISIS_MAX_PDU_LEN);
		if (!b) {
			c->oom = true;
			return;
		}
		bw_init(&w, b, ISIS_MAX_PDU_LEN);
		if (isis_tlvs_encode(&w, &one) != 0 || w.err)
			w.len = 0;
	}
	push_wire(c, arr, b, w.len);
	if (b != small)
		free(b);
}

/* item i of a list TLV on its own */
static void unknown_item(struct ctx *c, json_t *arr, const struct isis_tlv *t, size_t i)
{
	struct isis_tlv one = *t;

	one.n = 1;
	switch (t->type) {
	case ISIS_TLV_AREA:
		one.it.area = &t->it.area[i];
		break;
	case ISIS_TLV_IP_INT_REACH:
	case ISIS_TLV_IP_EXT_REACH:
		one.it.ip4n = &t->it.ip4n[i];
		break;
	case ISIS_TLV_PROTOCOLS:
		one.it.nlpid = &t->it.nlpid[i];
		break;
	default:
		unknown_tlv(c, arr, t);
		return;
	}
	unknown_tlv(c, arr, &one);
}

static void unknown_sub(struct ctx *c, json_t *arr, enum isis_sub_ctx ctx,
			const struct isis_subtlv *s)
{
	struct isis_subtlvs one = { 1, (struct isis_subtlv *)s };
	uint8_t b[512];
	struct bw w;

	bw_init(&w, b, sizeof(b));
	isis_subtlvs_encode(&w, ctx, &one);
	if (!w.err)
		push_wire(c, arr, b, w.len);
}

/* --- LSP: values -------------------------------------------------------------------- */

struct behavior {
	uint16_t code;
	const char *name;
};

/* RFC 8986 10.2 code points, under the schema's names */
static const struct behavior end_behaviors[] = {
	{ 1, "End" }, { 2, "End-PSP" }, { 3, "End-USP" }, { 4, "End-PSP-USP" },
	{ 28, "End-USD" }, { 29, "End-PSP-USD" }, { 30, "End-USP-USD" },
	{ 31, "End-PSP-USP-USD" }, { 16, "End.DX6" }, { 17, "End.DX4" }, { 18, "End.DT6" },
	{ 19, "End.DT4" }, { 20, "End.DT46" }, { 0, NULL },
};

static const struct behavior endx_behaviors[] = {
	{ 5, "End.X" }, { 6, "End.X-PSP" }, { 7, "End.X-USP" }, { 8, "End.X-PSP-USP" },
	{ 32, "End.X-USD" }, { 33, "End.X-PSP-USD" }, { 34, "End.X-USP-USD" },
	{ 35, "End.X-PSP-USP-USD" }, { 0, NULL },
};

static const char *behavior_name(const struct behavior *t, uint16_t code)
{
	for (; t->name; t++)
		if (t->code == code)
			return t->name;
	return NULL;
}

/* IEEE float bytes/s as bits/s; false for NaN, infinities and negative values */
static bool bw_value(uint32_t bits, json_t **out)
{
	float f;
	double v;

	memcpy(&f, &bits, sizeof(f));
	if (!isfinite(f) || f < 0)
		return false;
	v = (double)f * 8.0;
	if (v == floor(v) && v <= 9007199254740992.0)
		*out = json_integer((json_int_t)v);
	else
		*out = json_real(v);
	return true;
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One TLV 22 entry with the SRLGs folded into it. */
struct reach {
	const struct isis_ext_is *is;
	const struct isis_subtlv *local, *remote, *link_id;	/* first of each */
	uint32_t *srlgs;
	size_t n_srlgs;
};

struct lsp_enc {
	struct ctx *c;
	struct reach *reach;
	size_t n_reach, next_reach;
	bool *srlg_used;	/* per TLV index: a TLV 138 folded somewhere */
	/* single-valued fields */
	const struct isis_tlv *hostname, *auth, *rid, *rid6, *cap;
	json_t *area, *protocols, *topologies, *ifaddr, *ifaddr6, *is_reach, *ip_reach,
		*ip6_reach, *locators, *unknown;
	bool has_ipv4, has_ipv6;
};

static const struct isis_subtlv *first_sub(const struct isis_subtlvs *s, uint8_t type)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].type == type)
			return &s->v[i];
	return NULL;
}

static bool srlg_matches(const struct isis_srlg *g, const struct reach *r)
{
	static const uint8_t zero[4];

	if (memcmp(g->id, r->is->id, ISIS_NODEID_LEN) != 0)
		return false;
	if (!(g->flags & 1)) /* unnumbered: link local / remote identifiers */
		return r->link_id && r->link_id->v.pair[0] == be32(g->local) &&
		       r->link_id->v.pair[1] == be32(g->remote);
	if (!r->local || memcmp(r->local->v.addr, g->local, 4) != 0)
		return false;
	if (r->remote)
		return memcmp(r->remote->v.addr, g->remote, 4) == 0;
	return memcmp(g->remote, zero, 4) == 0;
}

static int add_srlgs(struct reach *r, const struct isis_srlg *g)
{
	uint32_t *v = realloc(r->srlgs, (r->n_srlgs + g->n + 1) * sizeof(*v));

	if (!v)
		return -ENOMEM;
	r->srlgs = v;
	for (size_t i = 0; i < g->n; i++) {
		size_t k;

		for (k = 0; k < r->n_srlgs && v[k] != g->v[i]; k++)
			;
		if (k == r->n_srlgs)
			v[r->n_srlgs++] = g->v[i];
	}
	return 0;
}

/* pass 1: TLV 22 entries, then TLV 138s folded into them */
static int collect_reach(struct lsp_enc *e, const struct isis_pdu *p)
{
	size_t n = 0;

	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == ISIS_TLV_EXT_IS_REACH)
			n += p->tlvs[i].n;
	e->reach = calloc(n + 1, sizeof(*e->reach));
	e->srlg_used = calloc(p->ntlvs + 1, sizeof(bool));
	if (!e->reach || !e->srlg_used)
		return -ENOMEM;
	for (size_t i = 0; i < p->ntlvs; i++) {
		const struct isis_tlv *t = &p->tlvs[i];

		if (t->type != ISIS_TLV_EXT_IS_REACH)
			continue;
		for (size_t k = 0; k < t->n; k++) {
			struct reach *r = &e->reach[e->n_reach++];

			r->is = &t->it.is[k];
			r->local = first_sub(&r->is->sub, ISIS_SUB_IPV4_IFADDR);
			r->remote = first_sub(&r->is->sub, ISIS_SUB_IPV4_NBRADDR);
			r->link_id = first_sub(&r->is->sub, ISIS_SUB_LINK_ID);
		}
	}
	for (size_t i = 0; i < p->ntlvs; i++) {
		const struct isis_tlv *t = &p->tlvs[i];

		if (t->type != ISIS_TLV_SRLG)
			continue;
		for (size_t k = 0; k < e->n_reach; k++) {
			if (!srlg_matches(&t->u.srlg, &e->reach[k]))
				continue;
			if (add_srlgs(&e->reach[k], &t->u.srlg) != 0)
				return -ENOMEM;
			e->srlg_used[i] = true;
		}
	}
	return 0;
}

static json_t *enc_end_x(struct ctx *c, const struct isis_srv6_sid *x, const char *name)
{
	json_t *o = json_object();

	put(c, o, "sid", jaddr_b(AF_INET6, x->sid));
	put(c, o, "behavior", jstr(name));
	put(c, o, "backup", jbool(x->flags & 0x80));
	put(c, o, "set", jbool(x->flags & 0x40));
	put(c, o, "persistent", jbool(x->flags & 0x20));
	put(c, o, "algorithm", juint(x->algo));
	put(c, o, "weight", juint(x->weight));
	return o;
}

/* RFC 8667 2.2.1 adjacency SID with V and L set (a label): flags, weight, 3-byte label */
static json_t *enc_adj_sid(struct ctx *c, const struct isis_subtlv *s)
{
	uint32_t label;
	json_t *o;

	if (s->len != 5 || (s->v.raw[0] & 0x30) != 0x30)
		return NULL;
	label = ((uint32_t)s->v.raw[2] << 16 | (uint32_t)s->v.raw[3] << 8 | s->v.raw[4]) &
		0xfffff;
	if (label < KEYS_MPLS_LABEL_MIN)
		return NULL;
	o = json_object();
	put(c, o, "label", juint(label));
	put(c, o, "backup", jbool(s->v.raw[0] & 0x40));
	put(c, o, "weight", juint(s->v.raw[1]));
	return o;
}

static json_t *enc_is_reach(struct lsp_enc *e, const struct reach *r)
{
	struct ctx *c = e->c;
	const struct isis_subtlvs *ss = &r->is->sub;
	const struct isis_subtlv *seen[256] = { 0 };
	json_t *o = json_object(), *unk = json_array(), *endx = json_array(),
	       *adj = json_array();
	json_t *maxbw = NULL, *rsvbw = NULL, *unrsv = NULL;

	/* which sub-TLVs give fields: the first valid one of each type */
	for (size_t i = 0; i < ss->n; i++) {
		const struct isis_subtlv *s = &ss->v[i];
		bool keep = false;
		json_t *v = NULL;

		switch (s->type) {
		case ISIS_SUB_ADMIN_GROUP:
		case ISIS_SUB_IPV4_IFADDR:
		case ISIS_SUB_IPV4_NBRADDR:
		case ISIS_SUB_IPV6_IFADDR:
		case ISIS_SUB_IPV6_NBRADDR:
		case ISIS_SUB_TE_METRIC:
		case ISIS_SUB_LINK_DELAY:
		case ISIS_SUB_MINMAX_DELAY:
			keep = !seen[s->type];
			break;
		case ISIS_SUB_MAX_BW:
			keep = !maxbw && bw_value(s->v.u32, &maxbw);
			break;
		case ISIS_SUB_MAX_RSV_BW:
			keep = !rsvbw && bw_value(s->v.u32, &rsvbw);
			break;
		case ISIS_SUB_UNRSV_BW:
			if (unrsv)
				break;
			unrsv = json_array();
			keep = true;
			for (int k = 0; k < 8 && keep; k++) {
				keep = bw_value(s->v.bw[k], &v);
				if (keep)
					push(c, unrsv, v);
			}
			if (!keep) {
				json_decref(unrsv);
				unrsv = NULL;
			}
			break;
		case ISIS_SUB_SRV6_ENDX: {
			const char *name = behavior_name(endx_behaviors, s->v.sid.behavior);

			if (name) {
				push(c, endx, enc_end_x(c, &s->v.sid, name));
				keep = true;
			}
			break;
		}
		case 31: /* RFC 8667 adjacency SID: opaque in the codec */
			v = enc_adj_sid(c, s);
			if (v) {
				push(c, adj, v);
				keep = true;
			}
			break;
		default:
			break;
		}
		if (keep && !seen[s->type])
			seen[s->type] = s;
		if (!keep)
			unknown_sub(c, unk, ISIS_SUB_CTX_IS, s);
	}
	put(c, o, "neighbor", jid(r->is->id, ISIS_NODEID_LEN));
	put(c, o, "metric", juint(r->is->metric & 0xffffff));
	if (seen[ISIS_SUB_ADMIN_GROUP])
		put(c, o, "admin_group", juint(seen[ISIS_SUB_ADMIN_GROUP]->v.u32));
	if (seen[ISIS_SUB_IPV4_IFADDR])
		put(c, o, "local_address", jaddr_b(AF_INET, seen[ISIS_SUB_IPV4_IFADDR]->v.addr));
	if (seen[ISIS_SUB_IPV4_NBRADDR])
		put(c, o, "remote_address", jaddr_b(AF_INET, seen[ISIS_SUB_IPV4_NBRADDR]->v.addr));
	if (seen[ISIS_SUB_IPV6_IFADDR])
		put(c, o, "local_address6", jaddr_b(AF_INET6, seen[ISIS_SUB_IPV6_IFADDR]->v.addr));
	if (seen[ISIS_SUB_IPV6_NBRADDR])
		put(c, o, "remote_address6",
		    jaddr_b(AF_INET6, seen[ISIS_SUB_IPV6_NBRADDR]->v.addr));
	if (maxbw)
		put(c, o, "max_bandwidth", maxbw);
	if (rsvbw)
		put(c, o, "max_reservable_bandwidth", rsvbw);
	if (unrsv)
		put(c, o, "unreserved_bandwidth", unrsv);
	if (seen[ISIS_SUB_TE_METRIC])
		put(c, o, "te_metric", juint(seen[ISIS_SUB_TE_METRIC]->v.u32 & 0xffffff));
	if (seen[ISIS_SUB_LINK_DELAY]) {
		uint32_t d = seen[ISIS_SUB_LINK_DELAY]->v.u32;

		put(c, o, "delay_us", juint(d & 0xffffff));
		put(c, o, "anomalous", jbool(d & 0x80000000u));
	}
	if (seen[ISIS_SUB_MINMAX_DELAY]) {
		put(c, o, "min_delay_us", juint(seen[ISIS_SUB_MINMAX_DELAY]->v.pair[0] & 0xffffff));
		put(c, o, "max_delay_us", juint(seen[ISIS_SUB_MINMAX_DELAY]->v.pair[1] & 0xffffff));
	}
	if (r->n_srlgs) {
		json_t *g = json_array();

		for (size_t i = 0; i < r->n_srlgs; i++)
			push(c, g, juint(r->srlgs[i]));
		put(c, o, "srlgs", g);
	}
	put_list(c, o, "end_x_sids", endx);
	put_list(c, o, "adj_sids", adj);
	put_list(c, o, "unknown_subtlvs", unk);
	return o;
}

/* RFC 7794 prefix attribute flags (sub-TLV 4): X 0x80, R 0x40, N 0x20 */
#define PFX_ATTR 4
#define PFX_X 0x80
#define PFX_N 0x20

/* unknown_subtlvs of a prefix; *attr = the first sub-TLV 4 (its X/N bits become
 * fields; it is kept as hex too when it carries more than those bits) */
static json_t *prefix_subs(struct ctx *c, const struct isis_subtlvs *ss,
			   const struct isis_subtlv **attr)
{
	json_t *unk = json_array();

	*attr = NULL;
	for (size_t i = 0; i < ss->n; i++) {
		const struct isis_subtlv *s = &ss->v[i];

		if (s->type == PFX_ATTR && !*attr && s->len >= 1) {
			*attr = s;
			if (s->len == 1 && !(s->v.raw[0] & ~(PFX_X | PFX_N)))
				continue;
		}
		unknown_sub(c, unk, ISIS_SUB_CTX_PREFIX, s);
	}
	return unk;
}

static json_t *enc_ip(struct ctx *c, const struct isis_ext_ip *ip)
{
	const struct isis_subtlv *attr;
	json_t *o = json_object(), *unk = prefix_subs(c, &ip->sub, &attr);

	put(c, o, "prefix", jprefix(AF_INET, ip->prefix, ip->plen));
	put(c, o, "metric", juint(ip->metric));
	put(c, o, "up_down", jbool(ip->down));
	if (attr)
		put(c, o, "external", jbool(attr->v.raw[0] & PFX_X));
	if (attr)
		put(c, o, "node", jbool(attr->v.raw[0] & PFX_N));
	put_list(c, o, "unknown_subtlvs", unk);
	return o;
}

static json_t *enc_ip6(struct ctx *c, const struct isis_ipv6_reach *ip)
{
	const struct isis_subtlv *attr;
	json_t *o = json_object(), *unk = prefix_subs(c, &ip->sub, &attr);

	put(c, o, "prefix", jprefix(AF_INET6, ip->prefix, ip->plen));
	put(c, o, "metric", juint(ip->metric));
	put(c, o, "up_down", jbool(ip->flags & ISIS_IP6_U));
	put(c, o, "external", jbool(ip->flags & ISIS_IP6_X));
	if (attr)
		put(c, o, "node", jbool(attr->v.raw[0] & PFX_N));
	put_list(c, o, "unknown_subtlvs", unk);
	return o;
}

/* narrow mask -> prefix length, -1 when not contiguous */
static int mask_len(const uint8_t m[4])
{
	uint32_t v = be32(m);
	int n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	if (n < 32 && (v << n) != 0)
		return -1;
	return n;
}

static json_t *enc_narrow(struct ctx *c, const struct isis_ipv4_narrow *n, int plen,
			  bool external)
{
	json_t *o = json_object();

	put(c, o, "prefix", jprefix(AF_INET, n->addr, (unsigned)plen));
	put(c, o, "metric", juint(n->metric[0] & 0x3f));
	put(c, o, "up_down", jbool(n->metric[0] & 0x80));
	put(c, o, "external", jbool(external));
	put(c, o, "narrow", jbool(true));
	return o;
}

static json_t *enc_locator(struct ctx *c, const struct isis_locator *l, uint16_t mtid)
{
	json_t *o = json_object(), *sids = json_array(), *unk = json_array();

	for (size_t i = 0; i < l->sub.n; i++) {
		const struct isis_subtlv *s = &l->sub.v[i];
		const char *name = NULL;

		if (s->type == ISIS_SUB_SRV6_END)
			name = behavior_name(end_behaviors, s->v.sid.behavior);
		if (name) {
			json_t *e = json_object();

			put(c, e, "sid", jaddr_b(AF_INET6, s->v.sid.sid));
			put(c, e, "behavior", jstr(name));
			push(c, sids, e);
		} else {
			unknown_sub(c, unk, ISIS_SUB_CTX_LOCATOR, s);
		}
	}
	put(c, o, "locator", jprefix(AF_INET6, l->loc, l->size));
	if (mtid & 0x0fff)
		put(c, o, "mt_id", juint(mtid & 0x0fff));
	put(c, o, "metric", juint(l->metric));
	put(c, o, "algorithm", juint(l->algo));
	put(c, o, "down", jbool(l->flags & 0x80));
	put_list(c, o, "end_sids", sids);
	put_list(c, o, "unknown_subtlvs", unk);
	return o;
}

/* RFC 8667 3.1: flags (I 0x80, V 0x40), one SRGB descriptor: range, SID/Label sub-TLV 1
 * with a 3-byte label. Anything else stays hex. */
static json_t *enc_sr_mpls(struct ctx *c, const struct isis_subtlv *s)
{
	const uint8_t *p = s->v.raw;
	uint32_t range, base;
	json_t *o;

	if (s->len != 1 + 3 + 2 + 3 || p[4] != 1 || p[5] != 3)
		return NULL;
	range = (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
	base = ((uint32_t)p[6] << 16 | (uint32_t)p[7] << 8 | p[8]) & 0xfffff;
	if (range < 1 || range > 1048560 || base < KEYS_MPLS_LABEL_MIN)
		return NULL;
	o = json_object();
	put(c, o, "srgb_base", juint(base));
	put(c, o, "srgb_range", juint(range));
	put(c, o, "ipv4", jbool(p[0] & 0x80));
	put(c, o, "ipv6", jbool(p[0] & 0x40));
	return o;
}

/* RFC 8491 / RFC 9352 node MSD types, in schema order */
static const struct {
	uint8_t type;
	const char *name;
} msd_types[] = {
	{ 1, "base_mpls" }, { 41, "srh_max_sl" }, { 42, "srh_max_end_pop" },
	{ 44, "srh_max_h_encaps" }, { 45, "srh_max_end_d" },
};

#define N_MSD (sizeof(msd_types) / sizeof(msd_types[0]))

static json_t *enc_msd(struct ctx *c, const struct isis_subtlv *s)
{
	int val[N_MSD];
	json_t *o;

	if (s->len == 0 || s->len % 2)
		return NULL;
	for (size_t k = 0; k < N_MSD; k++)
		val[k] = -1;
	for (size_t i = 0; i + 1 < s->len; i += 2) {
		size_t k;

		for (k = 0; k < N_MSD && msd_types[k].type != s->v.raw[i]; k++)
			;
		if (k == N_MSD || val[k] >= 0)
			return NULL;
		val[k] = s->v.raw[i + 1];
	}
	o = json_object();
	for (size_t k = 0; k < N_MSD; k++)
		if (val[k] >= 0)
			put(c, o, msd_types[k].name, juint((unsigned)val[k]));
	return o;
}

static json_t *enc_cap(struct ctx *c, const struct isis_router_cap *cap)
{
	json_t *o = json_object(), *unk = json_array(), *algos = json_array();
	json_t *srv6 = NULL, *sr = NULL, *msd = NULL;
	bool have_algos = false;

	for (size_t i = 0; i < cap->sub.n; i++) {
		const struct isis_subtlv *s = &cap->sub.v[i];
		bool keep = false;

		if (s->type == ISIS_SUB_SRV6_CAP && !srv6) {
			srv6 = json_object();
			put(c, srv6, "oam", jbool(s->v.srv6_cap.flags & 0x4000));
			keep = true;
		} else if (s->type == 2 && !sr) {
			sr = enc_sr_mpls(c, s);
			keep = sr != NULL;
		} else if (s->type == 19 && !have_algos) {
			have_algos = keep = true;
			for (size_t k = 0; k < s->len; k++) {
				size_t j;

				for (j = 0; j < json_array_size(algos) &&
					    json_integer_value(json_array_get(algos, j)) !=
						    s->v.raw[k];
				     j++)
					;
				if (j == json_array_size(algos))
					push(c, algos, juint(s->v.raw[k]));
			}
		} else if (s->type == 23 && !msd) {
			msd = enc_msd(c, s);
			keep = msd != NULL;
		}
		if (!keep)
			unknown_sub(c, unk, ISIS_SUB_CTX_CAP, s);
	}
	put(c, o, "router_id", jaddr_b(AF_INET, cap->router_id));
	put(c, o, "flood_domain", jbool(cap->flags & 0x01));
	put(c, o, "down", jbool(cap->flags & 0x02));
	if (srv6)
		put(c, o, "srv6", srv6);
	if (sr)
		put(c, o, "sr_mpls", sr);
	put_list(c, o, "algorithms", algos);
	if (msd)
		put(c, o, "node_msd", msd);
	put_list(c, o, "unknown_subtlvs", unk);
	return o;
}

static bool area_ok(const struct isis_area *a)
{
	return a->len >= 1 && a->len <= 13 && a->len % 2 == 1;
}

static json_t *jarea(const struct isis_area *a)
{
	char s[40];
	size_t n;

	n = (size_t)snprintf(s, sizeof(s), "%02x", a->addr[0]);
	for (size_t i = 1; i + 1 < a->len && i + 1 < sizeof(a->addr); i += 2)
		n += (size_t)snprintf(s + n, sizeof(s) - n, ".%02x%02x", a->addr[i], a->addr[i + 1]);
	return jstr(s);
}

static void enc_tlv(struct lsp_enc *e, const struct isis_tlv *t, size_t index)
{
	struct ctx *c = e->c;

	switch (t->type) {
	case ISIS_TLV_AREA:
		for (size_t i = 0; i < t->n; i++) {
			if (area_ok(&t->it.area[i]))
				push(c, e->area, jarea(&t->it.area[i]));
			else
				unknown_item(c, e->unknown, t, i);
		}
		return;
	case ISIS_TLV_AUTH:
		if (!e->auth)
			e->auth = t;
		return;	/* never published beyond the first one's type */
	case ISIS_TLV_EXT_IS_REACH:
		for (size_t i = 0; i < t->n && e->next_reach < e->n_reach; i++)
			push(c, e->is_reach, enc_is_reach(e, &e->reach[e->next_reach++]));
		return;
	case ISIS_TLV_SRV6_LOCATOR:
		for (size_t i = 0; i < t->n; i++) {
			if (t->it.loc[i].size < 1 || t->it.loc[i].size > 128)
				fail(c, "TLV 27: locator length %u", t->it.loc[i].size);
			else
				push(c, e->locators, enc_locator(c, &t->it.loc[i], t->u.mtid));
		}
		return;
	case ISIS_TLV_IP_INT_REACH:
	case ISIS_TLV_IP_EXT_REACH:
		for (size_t i = 0; i < t->n; i++) {
			int plen = mask_len(t->it.ip4n[i].mask);

			if (plen < 0)
				unknown_item(c, e->unknown, t, i);
			else
				push(c, e->ip_reach, enc_narrow(c, &t->it.ip4n[i], plen,
								t->type == ISIS_TLV_IP_EXT_REACH));
		}
		return;
	case ISIS_TLV_PROTOCOLS:
		for (size_t i = 0; i < t->n; i++) {
			uint8_t v = t->it.nlpid[i];

			if (v == ISIS_NLPID_IPV4 || v == ISIS_NLPID_IPV6) {
				bool *have = v == ISIS_NLPID_IPV4 ? &e->has_ipv4 : &e->has_ipv6;

				if (!*have)
					push(c, e->protocols,
					     jstr(v == ISIS_NLPID_IPV4 ? "ipv4" : "ipv6"));
				*have = true;
			} else {
				unknown_item(c, e->unknown, t, i);
			}
		}
		return;
	case ISIS_TLV_IP_IFADDR:
		for (size_t i = 0; i < t->n; i++)
			push(c, e->ifaddr, jaddr_b(AF_INET, t->it.addr4[i]));
		return;
	case ISIS_TLV_TE_ROUTER_ID:
		if (!e->rid) {
			e->rid = t;
			return;
		}
		break;
	case ISIS_TLV_EXT_IP_REACH:
		for (size_t i = 0; i < t->n; i++) {
			if (t->it.ip[i].plen > 32)
				fail(c, "TLV 135: prefix length %u", t->it.ip[i].plen);
			else
				push(c, e->ip_reach, enc_ip(c, &t->it.ip[i]));
		}
		return;
	case ISIS_TLV_HOSTNAME:
		if (!e->hostname && node_name_ok(t->u.hostname.name, t->u.hostname.len)) {
			e->hostname = t;
			return;
		}
		break;
	case ISIS_TLV_SRLG:
		if (e->srlg_used[index])
			return;
		break;
	case 140: /* RFC 6119 IPv6 TE router ID: opaque in the codec */
		if (!e->rid6 && t->u.opaque.len == 16) {
			e->rid6 = t;
			return;
		}
		break;
	case 229: /* RFC 5120 multi-topology: opaque in the codec */
		if (t->u.opaque.len % 2 == 0) {
			for (size_t i = 0; i + 1 < t->u.opaque.len; i += 2) {
				unsigned id = (t->u.opaque.bytes[i] << 8 | t->u.opaque.bytes[i + 1]) &
					      0x0fff;
				size_t j;

				for (j = 0; j < json_array_size(e->topologies) &&
					    json_integer_value(json_array_get(e->topologies, j)) != id;
				     j++)
					;
				if (j == json_array_size(e->topologies))
					push(c, e->topologies, juint(id));
			}
			return;
		}
		break;
	case ISIS_TLV_IPV6_IFADDR:
		for (size_t i = 0; i < t->n; i++)
			push(c, e->ifaddr6, jaddr_b(AF_INET6, t->it.addr6[i]));
		return;
	case ISIS_TLV_IPV6_REACH:
		for (size_t i = 0; i < t->n; i++) {
			if (t->it.ip6[i].plen > 128)
				fail(c, "TLV 236: prefix length %u", t->it.ip6[i].plen);
			else
				push(c, e->ip6_reach, enc_ip6(c, &t->it.ip6[i]));
		}
		return;
	case ISIS_TLV_ROUTER_CAP:
		if (!e->cap) {
			e->cap = t;
			return;
		}
		break;
	default:
		break;
	}
	unknown_tlv(c, e->unknown, t);
}

static void lsp_header(struct ctx *c, json_t *o, const struct isis_pdu *p, uint16_t life)
{
	json_t *f = json_object();
	char ck[8];

	snprintf(ck, sizeof(ck), "0x%04x", p->h.lsp.checksum);
	put(c, o, "lsp_id", jid(p->h.lsp.lsp_id, ISIS_LSPID_LEN));
	put(c, o, "level", juint(p->type == ISIS_L1_LSP ? 1 : 2));
	put(c, o, "seq", juint(p->h.lsp.seq));
	put(c, o, "checksum", jstr(ck));
	put(c, o, "remaining_lifetime", juint(life));
	put(c, f, "att", jbool(p->h.lsp.flags & ISIS_LSP_ATT));
	put(c, f, "partition", jbool(p->h.lsp.flags & ISIS_LSP_P));
	put(c, f, "overload", jbool(p->h.lsp.flags & ISIS_LSP_OL));
	put(c, o, "flags", f);
}

json_t *ted_json_lsp(const struct isis_pdu *lsp, uint16_t remaining_lifetime, char *err,
		     size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	struct lsp_enc e = { .c = &c };
	json_t *o;

	if (!lsp) {
		fail(&c, "no PDU");
		return NULL;
	}
	if (!isis_pdu_is_lsp(lsp->type)) {
		fail(&c, "not an LSP (PDU type %u)", lsp->type);
		return NULL;
	}
	if (lsp->h.lsp.seq == 0) {
		fail(&c, "sequence number 0 (the schema needs 1..2^32-1)");
		return NULL;
	}
	if (lsp->ntlvs && !lsp->tlvs) {
		fail(&c, "TLV count %zu without TLVs", lsp->ntlvs);
		return NULL;
	}
	o = json_object();
	if (lsp->h.lsp.lifetime == 0 || remaining_lifetime == 0) {
		lsp_header(&c, o, lsp, 0);
		return finish(&c, o);
	}
	lsp_header(&c, o, lsp, remaining_lifetime);
	if (collect_reach(&e, lsp) != 0)
		c.oom = true;
	e.area = json_array();
	e.protocols = json_array();
	e.topologies = json_array();
	e.ifaddr = json_array();
	e.ifaddr6 = json_array();
	e.is_reach = json_array();
	e.ip_reach = json_array();
	e.ip6_reach = json_array();
	e.locators = json_array();
	e.unknown = json_array();
	for (size_t i = 0; i < lsp->ntlvs && !c.oom && !c.failed; i++)
		enc_tlv(&e, &lsp->tlvs[i], i);
	if (e.hostname) {
		char name[KEYS_NAME_MAX + 1];

		memcpy(name, e.hostname->u.hostname.name, e.hostname->u.hostname.len);
		name[e.hostname->u.hostname.len] = 0;
		put(&c, o, "hostname", jstr(name));
	}
	put_list(&c, o, "area_addresses", e.area);
	put_list(&c, o, "protocols", e.protocols);
	put_list(&c, o, "topologies", e.topologies);
	if (e.auth) {
		json_t *a = json_object();

		put(&c, a, "type", juint(e.auth->u.auth.type));
		put(&c, o, "authentication", a);
	}
	if (e.rid)
		put(&c, o, "te_router_id", jaddr_b(AF_INET, e.rid->u.router_id));
	if (e.rid6)
		put(&c, o, "te_router_id6", jaddr_b(AF_INET6, e.rid6->u.opaque.bytes));
	put_list(&c, o, "interface_addresses", e.ifaddr);
	put_list(&c, o, "interface_addresses6", e.ifaddr6);
	put_list(&c, o, "is_reach", e.is_reach);
	put_list(&c, o, "ip_reach", e.ip_reach);
	put_list(&c, o, "ip6_reach", e.ip6_reach);
	put_list(&c, o, "srv6_locators", e.locators);
	if (e.cap)
		put(&c, o, "router_capability", enc_cap(&c, &e.cap->u.cap));
	put_list(&c, o, "unknown_tlvs", e.unknown);
	for (size_t i = 0; i < e.n_reach; i++)
		free(e.reach[i].srlgs);
	free(e.reach);
	free(e.srlg_used);
	return finish(&c, o);
}

/* --- routes ------------------------------------------------------------------------- */

bool ted_json_spf_hostname(void *ctx, const uint8_t sysid[ISIS_SYSID_LEN], char *buf,
			   size_t len)
{
	const struct isis_spf *spf = ctx;
	size_t lo = 0, hi;

	if (!spf || !buf || !len)
		return false;
	hi = spf->nnodes;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct isis_spf_node *n = &spf->nodes[mid];
		int d = memcmp(n->id, sysid, ISIS_SYSID_LEN);

		if (d == 0)
			d = n->id[6];	/* the system itself (pseudonode 0) */
		if (d == 0) {
			if (!n->hostname || n->hostname_len >= len)
				return false;
			memcpy(buf, n->hostname, n->hostname_len);
			buf[n->hostname_len] = 0;
			return true;
		}
		if (d < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

struct nh {
	const char *ifname;
	addr_t addr;
	const uint8_t *sysid;
};

static int nh_cmp(const void *a, const void *b)
{
	const struct nh *x = a, *y = b;
	int d = strcmp(x->ifname, y->ifname);

	return d ? d : addr_cmp(&x->addr, &y->addr);
}

json_t *ted_json_route(const struct ted_json_route_in *in, char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	const struct isis_spf_route *r;
	char pfx[PREFIX_STRLEN];
	struct nh *nh;
	size_t n = 0;
	json_t *o, *arr;

	if (!in || !in->spf || !in->route) {
		fail(&c, "no route");
		return NULL;
	}
	r = in->route;
	if (in->level != 1 && in->level != 2) {
		fail(&c, "level %d", in->level);
		return NULL;
	}
	if (r->flags & ISIS_SPF_R_LOCAL) {
		fail(&c, "local route: no next hop");
		return NULL;
	}
	if (r->prefix.addr.family != AF_INET && r->prefix.addr.family != AF_INET6) {
		fail(&c, "prefix of no address family");
		return NULL;
	}
	if ((uint64_t)r->nh_off + r->nh_n > in->spf->nnh) {
		fail(&c, "next hops %u..%u beyond the run's %zu", r->nh_off, r->nh_off + r->nh_n,
		     in->spf->nnh);
		return NULL;
	}
	nh = calloc(r->nh_n + 1, sizeof(*nh));
	if (!nh) {
		fail(&c, "out of memory");
		return NULL;
	}
	for (uint32_t i = 0; i < r->nh_n; i++) {
		uint32_t k = in->spf->nh[r->nh_off + i];
		const struct isis_spf_adj *a;
		const addr_t *ad;

		if (!in->adj || k >= in->nadj) {
			fail(&c, "next hop index %u out of range (%zu adjacencies)", k, in->nadj);
			break;
		}
		a = &in->adj[k];
		if (!memchr(a->ifname, 0, sizeof(a->ifname)) || !keys_ifname_valid(a->ifname)) {
			fail(&c, "adjacency %u: interface \"%.15s\" is not a Linux interface name",
			     k, a->ifname);
			break;
		}
		ad = r->prefix.addr.family == AF_INET ? &a->addr4 : &a->addr6;
		if (ad->family != r->prefix.addr.family)
			continue;
		nh[n].ifname = a->ifname;
		nh[n].addr = *ad;
		nh[n].sysid = a->sysid;
		n++;
	}
	if (!c.failed && n == 0)
		fail(&c, "no next hop with an %s address",
		     r->prefix.addr.family == AF_INET ? "IPv4" : "IPv6");
	if (c.failed) {
		free(nh);
		return NULL;
	}
	qsort(nh, n, sizeof(*nh), nh_cmp);
	o = json_object();
	put(&c, o, "prefix", jstr(prefix_format(&r->prefix, pfx, sizeof(pfx))));
	put(&c, o, "metric", juint(r->metric));
	put(&c, o, "level", juint((unsigned)in->level));
	arr = json_array();
	for (size_t i = 0; i < n && json_array_size(arr) < 64; i++) {
		char name[256];
		json_t *h;

		if (i > 0 && nh_cmp(&nh[i - 1], &nh[i]) == 0)
			continue;
		h = json_object();
		put(&c, h, "interface", jstr(nh[i].ifname));
		put(&c, h, "address", jaddr(&nh[i].addr));
		if (in->name && in->name(in->name_ctx, nh[i].sysid, name, sizeof(name)) &&
		    memchr(name, 0, sizeof(name)) && keys_name_valid(name))
			put(&c, h, "neighbor", jstr(name));
		push(&c, arr, h);
	}
	put(&c, o, "next_hops", arr);
	free(nh);
	return finish(&c, o);
}

/* --- SIDs --------------------------------------------------------------------------- */

json_t *ted_json_sid(const struct ted_json_sid_in *in, char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	static const char *const names[] = { "End", "End.X", "End.DT6", "End.DX4" };
	json_t *o;

	if (!in) {
		fail(&c, "no SID");
		return NULL;
	}
	if ((unsigned)in->behavior > TED_JSON_SID_END_DX4) {
		fail(&c, "unknown behavior %d", (int)in->behavior);
		return NULL;
	}
	if (in->sid.family != AF_INET6) {
		fail(&c, "sid: not an IPv6 address");
		return NULL;
	}
	if (in->behavior == TED_JSON_SID_END_X) {
		if (in->nh6.family != AF_INET6)
			fail(&c, "End.X: nh6: not an IPv6 address");
		else if (!in->interface)
			fail(&c, "End.X: interface: missing");
	}
	if (!c.failed && (in->behavior == TED_JSON_SID_END_X ||
			  in->behavior == TED_JSON_SID_END_DX4) &&
	    in->interface && !keys_ifname_valid(in->interface))
		fail(&c, "interface: \"%.32s\" is not a Linux interface name", in->interface);
	if (!c.failed && in->behavior == TED_JSON_SID_END_X && in->neighbor &&
	    !keys_name_valid(in->neighbor))
		fail(&c, "neighbor: \"%.64s\" is not a node name", in->neighbor);
	if (!c.failed && in->behavior == TED_JSON_SID_END_DX4 && in->nh4.family &&
	    in->nh4.family != AF_INET)
		fail(&c, "End.DX4: nh4: not an IPv4 address");
	if (c.failed)
		return NULL;
	o = json_object();
	put(&c, o, "sid", jaddr(&in->sid));
	put(&c, o, "behavior", jstr(names[in->behavior]));
	switch (in->behavior) {
	case TED_JSON_SID_END_X:
		put(&c, o, "nh6", jaddr(&in->nh6));
		put(&c, o, "interface", jstr(in->interface));
		if (in->neighbor)
			put(&c, o, "neighbor", jstr(in->neighbor));
		break;
	case TED_JSON_SID_END_DT6:
		put(&c, o, "table", in->table ? juint(in->table) : jstr("main"));
		break;
	case TED_JSON_SID_END_DX4:
		put(&c, o, "nh4", in->nh4.family ? jaddr(&in->nh4) : jstr("0.0.0.0"));
		if (in->interface)
			put(&c, o, "interface", jstr(in->interface));
		break;
	default:
		break;
	}
	return finish(&c, o);
}

json_t *ted_json_label(const struct ted_json_label_in *in, char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	json_t *o, *nh;

	if (!in) {
		fail(&c, "no label");
		return NULL;
	}
	if (in->label < KEYS_MPLS_LABEL_MIN || in->label > KEYS_MPLS_LABEL_MAX)
		fail(&c, "label: %u is not %d..%d", in->label, KEYS_MPLS_LABEL_MIN,
		     KEYS_MPLS_LABEL_MAX);
	else if (!in->interface || !keys_ifname_valid(in->interface))
		fail(&c, "interface: \"%.32s\" is not a Linux interface name",
		     in->interface ? in->interface : "");
	else if (in->address.family != AF_INET && in->address.family != AF_INET6)
		fail(&c, "address: not an IP address");
	else if (in->neighbor && !keys_name_valid(in->neighbor))
		fail(&c, "neighbor: \"%.64s\" is not a node name", in->neighbor);
	if (c.failed)
		return NULL;
	o = json_object();
	nh = json_object();
	put(&c, o, "label", juint(in->label));
	put(&c, o, "op", jstr("pop"));
	put(&c, nh, "interface", jstr(in->interface));
	put(&c, nh, "address", jaddr(&in->address));
	if (in->neighbor)
		put(&c, nh, "neighbor", jstr(in->neighbor));
	put(&c, o, "next_hop", nh);
	return finish(&c, o);
}

/* --- speaker ------------------------------------------------------------------------ */

static bool digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

/* the schema's timestamp pattern: YYYY-MM-DDTHH:MM:SS(.fraction)?(Z|+hh:mm|-hh:mm) */
static bool timestamp_ok(const char *s)
{
	size_t n, i = 19;

	if (!s)
		return false;
	n = strlen(s);
	if (n < 20 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' ||
	    !digits(s + 8, 2) || s[10] != 'T' || !digits(s + 11, 2) || s[13] != ':' ||
	    !digits(s + 14, 2) || s[16] != ':' || !digits(s + 17, 2))
		return false;
	if (s[i] == '.') {
		size_t k = ++i;

		while (i < n && s[i] >= '0' && s[i] <= '9')
			i++;
		if (i == k || i - k > 9)
			return false;
	}
	if (s[i] == 'Z')
		return i + 1 == n;
	return n - i == 6 && (s[i] == '+' || s[i] == '-') && digits(s + i + 1, 2) &&
	       s[i + 3] == ':' && digits(s + i + 4, 2);
}

static int adj_cmp(const void *a, const void *b)
{
	const struct ted_json_adj_in *const *x = a, *const *y = b;

	return strcmp((*x)->interface, (*y)->interface);
}

static void check_adj(struct ctx *c, size_t i, const struct ted_json_adj_in *a)
{
	const char *ifn = a->interface ? a->interface : "?";

	if (!a->interface || !keys_ifname_valid(a->interface))
		fail(c, "adjacencies[%zu] (%.32s): not a Linux interface name", i, ifn);
	else if ((unsigned)a->state >= ISIS_ADJ_NSTATES)
		fail(c, "adjacencies[%zu] (%s): state %d", i, ifn, (int)a->state);
	else if (a->neighbor && !keys_name_valid(a->neighbor))
		fail(c, "adjacencies[%zu] (%s): neighbor \"%.64s\" is not a node name", i, ifn,
		     a->neighbor);
	else if (a->state == ISIS_ADJ_UP && !a->has_neighbor)
		fail(c, "adjacencies[%zu] (%s): up without a neighbor system ID", i, ifn);
	else if (a->state == ISIS_ADJ_UP && !a->up_since)
		fail(c, "adjacencies[%zu] (%s): up without up_since", i, ifn);
	else if (a->up_since && !timestamp_ok(a->up_since))
		fail(c, "adjacencies[%zu] (%s): up_since: not an RFC 3339 timestamp", i, ifn);
	else if (a->level > 3)
		fail(c, "adjacencies[%zu] (%s): level %u", i, ifn, a->level);
	else if ((a->local4.family && a->local4.family != AF_INET) ||
		 (a->nbr4.family && a->nbr4.family != AF_INET))
		fail(c, "adjacencies[%zu] (%s): IPv4 address of another family", i, ifn);
	else if ((a->local6.family && a->local6.family != AF_INET6) ||
		 (a->nbr6.family && a->nbr6.family != AF_INET6) ||
		 (a->end_x_sid.family && a->end_x_sid.family != AF_INET6))
		fail(c, "adjacencies[%zu] (%s): IPv6 address of another family", i, ifn);
}

static json_t *enc_adj(struct ctx *c, const struct ted_json_adj_in *a)
{
	static const char *const states[] = { "down", "initializing", "up" };
	json_t *o = json_object();

	put(c, o, "interface", jstr(a->interface));
	put(c, o, "state", jstr(states[a->state]));
	if (a->has_neighbor) {
		put(c, o, "neighbor", a->neighbor ? jstr(a->neighbor) : jid(a->nbr_sysid, 6));
		put(c, o, "neighbor_system_id", jid(a->nbr_sysid, 6));
	} else if (a->neighbor) {
		put(c, o, "neighbor", jstr(a->neighbor));
	}
	if (a->level)
		put(c, o, "level", juint(a->level));
	put(c, o, "circuit", jstr("p2p"));
	if (a->local4.family)
		put(c, o, "local_address", jaddr(&a->local4));
	if (a->local6.family)
		put(c, o, "local_address6", jaddr(&a->local6));
	if (a->nbr4.family)
		put(c, o, "neighbor_address", jaddr(&a->nbr4));
	if (a->nbr6.family)
		put(c, o, "neighbor_address6", jaddr(&a->nbr6));
	if (a->hold_time)
		put(c, o, "hold_time", juint(a->hold_time));
	if (a->state == ISIS_ADJ_UP)
		put(c, o, "up_since", jstr(a->up_since));
	if (a->end_x_sid.family)
		put(c, o, "end_x_sid", jaddr(&a->end_x_sid));
	if (a->reason && a->reason[0] && a->state != ISIS_ADJ_UP) {
		size_t n = strlen(a->reason);
		char r[257];
		json_t *v;

		if (n > 256) {	/* cut at 256 bytes, not inside a UTF-8 sequence */
			n = 256;
			while (n > 0 && ((unsigned char)a->reason[n] & 0xc0) == 0x80)
				n--;
		}
		memcpy(r, a->reason, n);
		r[n] = 0;
		v = json_string(r);
		put(c, o, "reason", v ? v : json_string("(reason not valid UTF-8)"));
	}
	return o;
}

json_t *ted_json_speaker(const struct ted_json_speaker_in *in, char *err, size_t errlen)
{
	struct ctx c = { .err = err, .errlen = errlen };
	const struct ted_json_adj_in **order = NULL;
	json_t *o, *arr;

	if (!in) {
		fail(&c, "no speaker");
		return NULL;
	}
	if (!in->node || !keys_name_valid(in->node))
		fail(&c, "node: not a node name");
	else if (!timestamp_ok(in->started))
		fail(&c, "started: not an RFC 3339 timestamp");
	else if (in->level > 3)
		fail(&c, "level %u", in->level);
	else if (in->nareas && !in->areas)
		fail(&c, "areas: %zu without an array", in->nareas);
	else if (in->nadj && !in->adj)
		fail(&c, "adjacencies: %zu without an array", in->nadj);
	else if (in->version && strlen(in->version) > 64)
		fail(&c, "version: longer than 64 bytes");
	for (size_t i = 0; i < in->nareas && !c.failed; i++)
		if (!area_ok(&in->areas[i]))
			fail(&c, "areas[%zu]: length %u (an AFI octet and pairs)", i,
			     in->areas[i].len);
	for (size_t i = 0; i < in->nadj && !c.failed; i++)
		check_adj(&c, i, &in->adj[i]);
	for (size_t i = 1; i < in->nadj && !c.failed; i++)
		for (size_t k = 0; k < i && !c.failed; k++)
			if (strcmp(in->adj[i].interface, in->adj[k].interface) == 0)
				fail(&c, "adjacencies[%zu] (%s): interface listed twice", i,
				     in->adj[i].interface);
	if (c.failed)
		return NULL;
	order = calloc(in->nadj + 1, sizeof(*order));
	if (!order) {
		fail(&c, "out of memory");
		return NULL;
	}
	for (size_t i = 0; i < in->nadj; i++)
		order[i] = &in->adj[i];
	qsort(order, in->nadj, sizeof(*order), adj_cmp);
	o = json_object();
	put(&c, o, "node", jstr(in->node));
	put(&c, o, "system_id", jid(in->system_id, 6));
	if (in->nareas) {
		arr = json_array();
		for (size_t i = 0; i < in->nareas; i++)
			push(&c, arr, jarea(&in->areas[i]));
		put(&c, o, "areas", arr);
	}
	if (in->level)
		put(&c, o, "level", juint(in->level));
	put(&c, o, "overload", jbool(in->overload));
	put(&c, o, "started", jstr(in->started));
	if (in->pid)
		put(&c, o, "pid", juint(in->pid));
	if (in->version)
		put(&c, o, "version", jstr(in->version));
	arr = json_array();
	for (size_t i = 0; i < in->nadj; i++)
		push(&c, arr, enc_adj(&c, order[i]));
	put(&c, o, "adjacencies", arr);
	free(order);
	return finish(&c, o);
}
