/* originate — our own LSP fragments (speaker/originate.h): the fixed TLVs (area,
 * protocols, hostname, router IDs, interface addresses, router capability) go into
 * fragment 0, then IS reachability (TLV 22 with TE sub-TLVs), IPv4/IPv6 reachability
 * (135/236) and the SRv6 locator (27) fill fragments greedily in description order; an
 * item that does not fit opens the next fragment (ISO 10589 7.3.4). Sequence numbers go
 * up only when a fragment's content changes, on refresh, or above a seq seen in the
 * network (7.3.16.1). Encoding with speaker/pdu.c, purges with speaker/lsdb.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "speaker/lsdb.h"
#include "speaker/originate.h"

void isis_orig_init(struct isis_orig *o, const uint8_t sysid[ISIS_SYSID_LEN], int level,
		    uint16_t mtu, uint16_t lifetime, uint64_t refresh_ms)
{
	memset(o, 0, sizeof(*o));
	memcpy(o->sysid, sysid, ISIS_SYSID_LEN);
	o->lsp_type = level == 1 ? ISIS_L1_LSP : ISIS_L2_LSP;
	o->mtu = mtu >= 128 ? mtu : 1492;
	o->lifetime = lifetime ? lifetime : ISIS_MAX_AGE;
	o->refresh_ms = refresh_ms ? refresh_ms : ISIS_ORIG_REFRESH_MS;
	if (o->refresh_ms >= (uint64_t)o->lifetime * 1000)	/* refresh before expiry */
		o->refresh_ms = (uint64_t)o->lifetime * 750;
}

void isis_orig_free(struct isis_orig *o)
{
	for (int i = 0; i < ISIS_ORIG_MAX_FRAGS; i++)
		free(o->frag[i].bytes);
	memset(o->frag, 0, sizeof(o->frag));
}

void isis_orig_out_clear(struct isis_orig_out *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].bytes);
	free(o->v);
	memset(o, 0, sizeof(*o));
}

/* --- building ---------------------------------------------------------------------- */

struct builder {
	const struct isis_orig *o;
	const struct isis_orig_desc *d;
	struct isis_pdu *v;
	size_t n, cap;
	uint8_t scratch[ISIS_MAX_PDU_LEN];
};

static struct isis_pdu *frag_new(struct builder *b)
{
	struct isis_pdu *p;

	if (b->n == ISIS_ORIG_MAX_FRAGS)
		return NULL;
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 4;

		if (!(p = realloc(b->v, cap * sizeof(*p))))
			return NULL;
		b->v = p;
		b->cap = cap;
	}
	p = &b->v[b->n];
	isis_pdu_init(p, b->o->lsp_type);
	memcpy(p->h.lsp.lsp_id, b->o->sysid, ISIS_SYSID_LEN);
	p->h.lsp.lsp_id[ISIS_LSPID_LEN - 1] = (uint8_t)b->n;
	p->h.lsp.flags = b->o->lsp_type == ISIS_L1_LSP ? 0x01 : 0x03;	/* IS type */
	p->h.lsp.lifetime = b->o->lifetime;
	b->n++;
	return p;
}

static int fits(struct builder *b, const struct isis_pdu *p)
{
	size_t len;

	return isis_pdu_encode(p, 0, b->scratch, b->o->mtu, &len);
}

static struct isis_subtlv *sub(struct isis_subtlvs *s, uint8_t type, int *rc)
{
	static struct isis_subtlv sink;	/* written to only after ENOMEM, never read */
	struct isis_subtlv *v = isis_subtlv_add(s, type);

	if (!v)
		*rc = -ENOMEM;
	return v ? v : &sink;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, sizeof(u));
	return u;
}

static int add_addr(struct isis_pdu *p, uint8_t type, const uint8_t *a, size_t n)
{
	struct isis_tlv *t = isis_tlv_add(p, type);
	void *item = t ? isis_tlv_item_add(t) : NULL;

	if (!item)
		return -ENOMEM;
	memcpy(item, a, n);
	return 0;
}

static void put24(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 16);
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)v;
}

static int add_cap(struct isis_pdu *p, const struct isis_orig_desc *d)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_ROUTER_CAP);
	struct isis_subtlv *v;
	int rc = 0;

	if (!t)
		return -ENOMEM;
	memcpy(t->u.cap.router_id, d->router_id, 4);
	if (d->has_sr_mpls) {
		/* RFC 8667 3.1: flags I (MPLS IPv4) and V (MPLS IPv6), one SRGB descriptor:
		 * range (3 octets), SID/Label sub-TLV 1 of length 3 (a 20-bit label) */
		v = sub(&t->u.cap.sub, ISIS_SUB_SR_CAP, &rc);
		v->len = 9;
		v->v.raw[0] = 0xc0;
		put24(&v->v.raw[1], d->srgb_range);
		v->v.raw[4] = 1;
		v->v.raw[5] = 3;
		put24(&v->v.raw[6], d->srgb_base & 0xfffff);
		/* RFC 8667 3.2: with SR capabilities, the algorithms: 0 (SPF) */
		v = sub(&t->u.cap.sub, ISIS_SUB_SR_ALGO, &rc);
		v->len = 1;
		v->v.raw[0] = 0;
	}
	if (d->has_cap)
		sub(&t->u.cap.sub, ISIS_SUB_SRV6_CAP, &rc);	/* RFC 9352 2: flags 0 */
	return rc;
}

static int add_nlpid(struct isis_tlv *t, uint8_t nlpid)
{
	uint8_t *v = isis_tlv_item_add(t);

	if (!v)
		return -ENOMEM;
	*v = nlpid;
	return 0;
}

static int add_nlpids(struct isis_pdu *p, const struct isis_orig_desc *d)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_PROTOCOLS);
	int rc = t ? 0 : -ENOMEM;

	if (rc == 0 && d->ipv4)
		rc = add_nlpid(t, 0xcc);
	if (rc == 0 && d->ipv6)
		rc = add_nlpid(t, 0x8e);
	return rc;
}

static int add_hostname(struct isis_pdu *p, const char *name)
{
	size_t n = strlen(name);
	struct isis_tlv *t;

	if (n == 0 || n > 255)
		return n ? -EINVAL : 0;
	if (!(t = isis_tlv_add(p, ISIS_TLV_HOSTNAME)))
		return -ENOMEM;
	t->u.hostname.len = (uint8_t)n;
	memcpy(t->u.hostname.name, name, n);
	return 0;
}

/* Fragment 0's fixed TLVs, in a fixed order. */
static int add_fixed(struct isis_pdu *p, const struct isis_orig_desc *d)
{
	struct isis_tlv *t = d->nareas ? isis_tlv_add(p, ISIS_TLV_AREA) : NULL;
	int rc = 0;

	for (size_t i = 0; t && i < d->nareas && i < 3; i++) {
		struct isis_area *a = isis_tlv_item_add(t);

		if (!a)
			return -ENOMEM;
		*a = d->areas[i];
	}
	if ((d->ipv4 || d->ipv6) && (rc = add_nlpids(p, d)) < 0)
		return rc;
	if (d->hostname && (rc = add_hostname(p, d->hostname)) < 0)
		return rc;
	if (d->has_router_id) {
		if (!(t = isis_tlv_add(p, ISIS_TLV_TE_ROUTER_ID)))
			return -ENOMEM;
		memcpy(t->u.router_id, d->router_id, 4);
		if ((rc = add_addr(p, ISIS_TLV_IP_IFADDR, d->router_id, 4)) < 0)
			return rc;
	}
	if (d->has_router_id6 && (rc = add_addr(p, ISIS_TLV_IPV6_IFADDR, d->router_id6, 16)) < 0)
		return rc;
	if ((d->has_cap || d->has_sr_mpls) && d->has_router_id)
		rc = add_cap(p, d);
	if (d->overload)
		p->h.lsp.flags |= ISIS_LSP_OL;
	return rc;
}

/* RFC 5305 3, RFC 6119, RFC 8570, RFC 9352 8.1: one adjacency and its TE sub-TLVs */
static int fill_link(void *item, const struct isis_orig_desc *d, size_t i)
{
	const struct isis_orig_link *l = &d->links[i];
	struct isis_ext_is *x = item;
	struct isis_subtlvs *s = &x->sub;
	struct isis_subtlv *v;
	int rc = 0;

	memcpy(x->id, l->nbr, ISIS_NODEID_LEN);
	x->metric = l->metric;
	if (l->has & ISIS_ORIG_ADMIN_GROUP)
		sub(s, ISIS_SUB_ADMIN_GROUP, &rc)->v.u32 = l->admin_group;
	if (l->has & ISIS_ORIG_IPV4) {
		memcpy(sub(s, ISIS_SUB_IPV4_IFADDR, &rc)->v.addr, l->local4, 4);
		memcpy(sub(s, ISIS_SUB_IPV4_NBRADDR, &rc)->v.addr, l->remote4, 4);
	}
	if (l->has & ISIS_ORIG_MAX_BW)
		sub(s, ISIS_SUB_MAX_BW, &rc)->v.u32 = fbits(l->max_bw);
	if (l->has & ISIS_ORIG_MAX_RSV_BW)
		sub(s, ISIS_SUB_MAX_RSV_BW, &rc)->v.u32 = fbits(l->max_rsv_bw);
	if (l->has & ISIS_ORIG_UNRSV_BW) {
		v = sub(s, ISIS_SUB_UNRSV_BW, &rc);
		for (int k = 0; k < 8; k++)
			v->v.bw[k] = fbits(l->unrsv_bw[k]);
	}
	if (l->has & ISIS_ORIG_IPV6) {
		memcpy(sub(s, ISIS_SUB_IPV6_IFADDR, &rc)->v.addr, l->local6, 16);
		memcpy(sub(s, ISIS_SUB_IPV6_NBRADDR, &rc)->v.addr, l->remote6, 16);
	}
	if (l->has & ISIS_ORIG_TE_METRIC)
		sub(s, ISIS_SUB_TE_METRIC, &rc)->v.u32 = l->te_metric;
	if (l->has & ISIS_ORIG_DELAY)
		sub(s, ISIS_SUB_LINK_DELAY, &rc)->v.u32 = l->delay_us;
	if (l->has & ISIS_ORIG_MINMAX_DELAY) {
		v = sub(s, ISIS_SUB_MINMAX_DELAY, &rc);
		v->v.pair[0] = l->min_delay_us;
		v->v.pair[1] = l->max_delay_us;
	}
	if (l->has & ISIS_ORIG_ENDX) {
		v = sub(s, ISIS_SUB_SRV6_ENDX, &rc);
		v->v.sid.behavior = l->endx_behavior;
		memcpy(v->v.sid.sid, l->endx_sid, 16);
	}
	/* RFC 8667 2.2.1: flags F (IPv6) B V L S P, weight, a 3-octet label (V and L
	 * set: a local label value); one per address family the adjacency carries */
	for (unsigned af = 0; (l->has & ISIS_ORIG_ADJ_SID) && af < 2; af++) {
		unsigned which = l->adj_sid_af ? l->adj_sid_af : ISIS_ORIG_ADJ_IPV4;

		if (!(which & (1u << af)))
			continue;
		v = sub(s, ISIS_SUB_ADJ_SID, &rc);
		v->len = 5;
		v->v.raw[0] = (uint8_t)((af ? 0x80 : 0) | 0x20 | 0x10);
		v->v.raw[1] = 0;
		put24(&v->v.raw[2], l->adj_label & 0xfffff);
	}
	return rc;
}

static int fill_ip4(void *item, const struct isis_orig_desc *d, size_t i)
{
	struct isis_ext_ip *x = item;

	memcpy(x->prefix, d->ip4[i].addr, 4);
	x->plen = d->ip4[i].plen > 32 ? 32 : d->ip4[i].plen;
	x->metric = d->ip4[i].metric;
	return 0;
}

static int fill_ip6(void *item, const struct isis_orig_desc *d, size_t i)
{
	struct isis_ipv6_reach *x = item;

	memcpy(x->prefix, d->ip6[i].addr, 16);
	x->plen = d->ip6[i].plen > 128 ? 128 : d->ip6[i].plen;
	x->metric = d->ip6[i].metric;
	return 0;
}

/* RFC 9352 7.1/7.2: the locator with its End SID (and SID structure, RFC 9352 9) */
static int fill_locator(void *item, const struct isis_orig_desc *d, size_t i)
{
	static const uint8_t zero[4];
	struct isis_locator *l = item;
	struct isis_subtlv *s;
	int rc = 0;

	(void)i;
	memcpy(l->loc, d->locator, 16);
	l->size = d->locator_len;
	l->metric = d->locator_metric;
	for (size_t k = 0; k <= d->n_extra_sids && k <= ISIS_ORIG_MAX_EXTRA_SIDS; k++) {
		if (k == 0 && d->end_behavior == 0)
			continue;	/* no End SID: only the locator (and further SIDs) */
		s = sub(&l->sub, ISIS_SUB_SRV6_END, &rc);
		s->v.sid.behavior = k ? d->extra_sids[k - 1].behavior : d->end_behavior;
		memcpy(s->v.sid.sid, k ? d->extra_sids[k - 1].sid : d->end_sid, 16);
		if (memcmp(d->sid_structure, zero, 4) != 0) {
			s->v.sid.sub[0] = 1;	/* SID Structure sub-sub-TLV */
			s->v.sid.sub[1] = 4;
			memcpy(&s->v.sid.sub[2], d->sid_structure, 4);
			s->v.sid.sub_len = 6;
		}
	}
	return rc;
}

/* RFC 5307 1.3: the SRLGs of link i, one TLV 138 (not a list TLV: its own TLV, in a
 * new fragment if it does not fit). Numbered (flag 1, IPv4 addresses) when the link
 * has IPv4 addresses, else unnumbered with zero link identifiers. */
static int fill_srlg(struct isis_tlv *t, const struct isis_orig_link *l)
{
	struct isis_srlg *g = &t->u.srlg;
	size_t n = l->n_srlgs > ISIS_ORIG_MAX_SRLGS ? ISIS_ORIG_MAX_SRLGS : l->n_srlgs;

	memcpy(g->id, l->nbr, ISIS_NODEID_LEN);
	if (l->has & ISIS_ORIG_IPV4) {
		g->flags = 0x01;
		memcpy(g->local, l->local4, 4);
		memcpy(g->remote, l->remote4, 4);
	}
	if (!(g->v = malloc(n * sizeof(*g->v))))
		return -ENOMEM;
	memcpy(g->v, l->srlgs, n * sizeof(*g->v));
	g->n = n;
	return 0;
}

static int try_srlg(struct builder *b, const struct isis_orig_link *l)
{
	struct isis_pdu *p = &b->v[b->n - 1];
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_SRLG);
	int rc;

	if (!t)
		return -ENOMEM;
	if ((rc = fill_srlg(t, l)) == 0 && (rc = fits(b, p)) == 0)
		return 0;
	isis_tlv_free(&p->tlvs[--p->ntlvs]);
	return rc;
}

static int add_srlg(struct builder *b, const struct isis_orig_link *l)
{
	int rc = try_srlg(b, l);

	if (rc != -EMSGSIZE)
		return rc;
	if (!frag_new(b))
		return b->n == ISIS_ORIG_MAX_FRAGS ? -EMSGSIZE : -ENOMEM;
	return try_srlg(b, l);
}

static void item_drop(struct isis_tlv *t)
{
	size_t k = t->n - 1;

	if (t->type == ISIS_TLV_EXT_IS_REACH)
		isis_subtlvs_free(&t->it.is[k].sub);
	else if (t->type == ISIS_TLV_EXT_IP_REACH)
		isis_subtlvs_free(&t->it.ip[k].sub);
	else if (t->type == ISIS_TLV_IPV6_REACH)
		isis_subtlvs_free(&t->it.ip6[k].sub);
	else if (t->type == ISIS_TLV_SRV6_LOCATOR)
		isis_subtlvs_free(&t->it.loc[k].sub);
	t->n--;
}

/* Append item i to the last TLV of `type` in the current fragment (a new TLV if the
 * last one is of another type); -EMSGSIZE if it does not fit (rolled back). */
typedef int (*fill_fn)(void *item, const struct isis_orig_desc *d, size_t i);

static int try_item(struct builder *b, uint8_t type, fill_fn fill, size_t i)
{
	struct isis_pdu *p = &b->v[b->n - 1];
	bool new_tlv = p->ntlvs == 0 || p->tlvs[p->ntlvs - 1].type != type;
	struct isis_tlv *t = new_tlv ? isis_tlv_add(p, type) : &p->tlvs[p->ntlvs - 1];
	void *item = t ? isis_tlv_item_add(t) : NULL;
	int rc;

	if (!item)
		rc = -ENOMEM;
	else if ((rc = fill(item, b->d, i)) == 0 && (rc = fits(b, p)) == 0)
		return 0;
	if (item)
		item_drop(t);
	if (t && new_tlv)
		isis_tlv_free(&p->tlvs[--p->ntlvs]);
	return rc;
}

static int add_item(struct builder *b, uint8_t type, fill_fn fill, size_t i)
{
	int rc = try_item(b, type, fill, i);

	if (rc != -EMSGSIZE)
		return rc;
	if (!frag_new(b))
		return b->n == ISIS_ORIG_MAX_FRAGS ? -EMSGSIZE : -ENOMEM;
	return try_item(b, type, fill, i);
}

static int build_all(struct builder *b)
{
	const struct isis_orig_desc *d = b->d;
	struct isis_pdu *p = frag_new(b);
	int rc;

	if (!p)
		return -ENOMEM;
	if ((rc = add_fixed(p, d)) < 0 || (rc = fits(b, p)) < 0)
		return rc;
	for (size_t i = 0; rc == 0 && i < d->nlinks; i++)
		rc = add_item(b, ISIS_TLV_EXT_IS_REACH, fill_link, i);
	for (size_t i = 0; rc == 0 && i < d->nlinks; i++)
		if (d->links[i].n_srlgs)
			rc = add_srlg(b, &d->links[i]);
	for (size_t i = 0; rc == 0 && i < d->nip4; i++)
		rc = add_item(b, ISIS_TLV_EXT_IP_REACH, fill_ip4, i);
	for (size_t i = 0; rc == 0 && i < d->nip6; i++)
		rc = add_item(b, ISIS_TLV_IPV6_REACH, fill_ip6, i);
	if (rc == 0 && d->has_locator)
		rc = add_item(b, ISIS_TLV_SRV6_LOCATOR, fill_locator, 0);
	return rc;
}

int isis_orig_build(const struct isis_orig *o, const struct isis_orig_desc *d,
		    struct isis_pdu **frags, size_t *n)
{
	struct builder *b = calloc(1, sizeof(*b));
	int rc;

	if (!b)
		return -ENOMEM;
	b->o = o;
	b->d = d;
	rc = build_all(b);
	if (rc < 0) {
		for (size_t i = 0; i < b->n; i++)
			isis_pdu_free(&b->v[i]);
		free(b->v);
	} else {
		*frags = b->v;
		*n = b->n;
	}
	free(b);
	return rc;
}

/* --- sequence numbers and output --------------------------------------------------- */

static int out_add(struct isis_orig_out *out, uint8_t frag, bool purge, const uint8_t *bytes,
		   size_t len)
{
	struct isis_orig_lsp *l;

	if (out->n == out->cap) {
		size_t cap = out->cap ? out->cap * 2 : 4;

		if (!(l = realloc(out->v, cap * sizeof(*l))))
			return -ENOMEM;
		out->v = l;
		out->cap = cap;
	}
	l = &out->v[out->n];
	if (!(l->bytes = malloc(len)))
		return -ENOMEM;
	memcpy(l->bytes, bytes, len);
	l->len = len;
	l->frag = frag;
	l->purge = purge;
	out->n++;
	return 0;
}

/* Set seq and lifetime in the bytes, fill the checksum, keep them as fragment i. */
static int frag_set(struct isis_orig *o, size_t i, uint8_t *bytes, size_t len, uint32_t seq,
		    bool live, uint64_t now, struct isis_orig_out *out)
{
	struct isis_orig_frag *fr = &o->frag[i];
	uint16_t life = live ? o->lifetime : 0;

	bytes[10] = (uint8_t)(life >> 8);
	bytes[11] = (uint8_t)life;
	bytes[20] = (uint8_t)(seq >> 24);
	bytes[21] = (uint8_t)(seq >> 16);
	bytes[22] = (uint8_t)(seq >> 8);
	bytes[23] = (uint8_t)seq;
	isis_lsp_checksum_set(bytes, len);
	if (out_add(out, (uint8_t)i, !live, bytes, len) < 0) {
		free(bytes);
		return -ENOMEM;
	}
	free(fr->bytes);
	fr->bytes = bytes;
	fr->len = len;
	fr->seq = seq;
	fr->live = live;
	fr->refresh_due = live ? now + o->refresh_ms : UINT64_MAX;
	return 0;
}

static bool same_content(const struct isis_orig_frag *fr, const uint8_t *b, size_t len)
{
	/* flags octet (26) and the TLVs; seq, lifetime and checksum excluded */
	return fr->live && fr->len == len && memcmp(fr->bytes + 26, b + 26, len - 26) == 0;
}

static int frag_emit(struct isis_orig *o, size_t i, const struct isis_pdu *p, uint64_t now,
		     struct isis_orig_out *out)
{
	uint8_t *bytes = malloc(o->mtu);
	size_t len;
	int rc = bytes ? isis_pdu_encode(p, 0, bytes, o->mtu, &len) : -ENOMEM;

	if (rc == 0 && same_content(&o->frag[i], bytes, len))
		rc = 1;
	else if (rc == 0 && o->frag[i].seq == UINT32_MAX)
		rc = -EOVERFLOW;	/* ISO 10589 7.3.16.1: wait MaxAge + ZeroAgeLifetime */
	if (rc != 0) {
		free(bytes);
		return rc < 0 ? rc : 0;
	}
	return frag_set(o, i, bytes, len, o->frag[i].seq + 1, true, now, out);
}

static int frag_purge(struct isis_orig *o, size_t i, uint64_t now, struct isis_orig_out *out)
{
	struct isis_orig_frag *fr = &o->frag[i];
	uint8_t id[ISIS_LSPID_LEN] = { 0 };
	uint8_t *bytes;
	size_t len;
	int rc;

	if (fr->seq == UINT32_MAX)
		return -EOVERFLOW;
	memcpy(id, o->sysid, ISIS_SYSID_LEN);
	id[ISIS_LSPID_LEN - 1] = (uint8_t)i;
	rc = isis_lsdb_purge_pdu(o->lsp_type, id, fr->seq + 1, 0, o->sysid, &bytes, &len);
	if (rc < 0)
		return rc;
	return frag_set(o, i, bytes, len, fr->seq + 1, false, now, out);
}

int isis_orig_update(struct isis_orig *o, const struct isis_orig_desc *d, uint64_t now,
		     struct isis_orig_out *out)
{
	struct isis_pdu *frags = NULL;
	size_t n = 0;
	int rc = isis_orig_build(o, d, &frags, &n);

	for (size_t i = 0; rc == 0 && i < n; i++)
		rc = frag_emit(o, i, &frags[i], now, out);
	for (size_t i = n; rc == 0 && i < ISIS_ORIG_MAX_FRAGS; i++)
		if (o->frag[i].live)
			rc = frag_purge(o, i, now, out);
	for (size_t i = 0; i < n; i++)
		isis_pdu_free(&frags[i]);
	free(frags);
	return rc;
}

/* Same content under seq + 1 (or above `floor`). */
static int frag_bump(struct isis_orig *o, size_t i, uint32_t floor, uint64_t now,
		     struct isis_orig_out *out)
{
	struct isis_orig_frag *fr = &o->frag[i];
	uint32_t seq = fr->seq > floor ? fr->seq : floor;
	uint8_t *bytes;

	if (seq == UINT32_MAX)
		return -EOVERFLOW;
	if (!(bytes = malloc(fr->len)))
		return -ENOMEM;
	memcpy(bytes, fr->bytes, fr->len);
	return frag_set(o, i, bytes, fr->len, seq + 1, true, now, out);
}

int isis_orig_refresh(struct isis_orig *o, uint64_t now, struct isis_orig_out *out)
{
	int rc = 0;

	for (size_t i = 0; rc == 0 && i < ISIS_ORIG_MAX_FRAGS; i++)
		if (o->frag[i].live && o->frag[i].refresh_due <= now)
			rc = frag_bump(o, i, 0, now, out);
	return rc;
}

int isis_orig_seq_seen(struct isis_orig *o, uint8_t frag, uint32_t seq, uint64_t now,
		       struct isis_orig_out *out)
{
	struct isis_orig_frag *fr = &o->frag[frag];

	log_debug("orig", "fragment %u seen at seq 0x%08x (ours 0x%08x)", frag, seq, fr->seq);
	if (fr->live)
		return frag_bump(o, frag, seq, now, out);
	if (seq > fr->seq)
		fr->seq = seq;
	return frag_purge(o, frag, now, out);
}

uint64_t isis_orig_next_due(const struct isis_orig *o)
{
	uint64_t due = UINT64_MAX;

	for (size_t i = 0; i < ISIS_ORIG_MAX_FRAGS; i++)
		if (o->frag[i].live && o->frag[i].refresh_due < due)
			due = o->frag[i].refresh_due;
	return due;
}
