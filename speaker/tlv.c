/* tlv — the table-driven IS-IS TLV codec.
 *
 * One row per TLV type: {type, name, item size, fixed wire length, decode, encode,
 * format, free}. "List" TLVs (area addresses, LSP entries, IS/IP reachability, address
 * lists, SRv6 locators...) carry repeated items: they are decoded item by item and, on
 * encode, split over several TLVs of the same type when the value would exceed 255
 * bytes (ISO 10589 9.3 allows repeating these codes). Other TLVs are one value each.
 * Unknown TLVs are kept as opaque bytes and re-encoded unchanged; each wire TLV stays
 * one struct isis_tlv, so decode -> encode reproduces the original bytes. Sub-TLVs go
 * through speaker/subtlv.c; text through speaker/format.c; called by speaker/pdu.c.
 * RFC references per row. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "speaker/isis.h"

struct tlv_row {
	uint8_t type;
	const char *name;
	size_t item_size;	/* list TLVs: sizeof one item; 0 = one value per TLV */
	int fixed;		/* list: wire bytes per item; value: exact length; 0 = variable */
	int (*decode)(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e);
	void (*encode)(struct bw *w, const struct isis_tlv *t, size_t i);
	void (*format)(struct isis_fmt *f, const struct isis_tlv *t, size_t i);
	void (*free)(struct isis_tlv *t, size_t i);
	/* list TLVs with a fixed part before the items (TLV 27's MTID) */
	int (*head_decode)(struct br *r, struct isis_tlv *t, struct isis_err *e);
	void (*head_encode)(struct bw *w, const struct isis_tlv *t);
};

static void line(struct isis_fmt *f, const char *label)
{
	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "%s: ", label);
}

static unsigned pbytes(unsigned plen)
{
	return (plen + 7) / 8;
}

/* --- 1 area addresses (ISO 10589 9.8) -------------------------------------------- */

static int area_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_area *a = item;
	size_t off = br_off(r);

	a->len = br_u8(r);
	if (!r->err && (a->len == 0 || a->len > 13))
		return isis_fail(e, off, "bad area address length");
	br_bytes(r, a->addr, a->len);
	return 0;
}

static void area_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_area *a = &t->it.area[i];

	if (a->len == 0 || a->len > 13)
		w->err = -EINVAL;
	bw_u8(w, a->len);
	bw_bytes(w, a->addr, a->len > 13 ? 0 : a->len);
}

static void area_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "Area Address");
	isis_fmt_area(f, t->it.area[i].addr, t->it.area[i].len);
	isis_fmt_printf(f, "\n");
}

/* --- 6 IS neighbors (LAN MACs, ISO 10589 9.7) ------------------------------------- */

static int mac_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	br_bytes(r, item, 6);
	return 0;
}

static void mac_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->it.mac[i], 6);
}

static void mac_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const uint8_t *m = t->it.mac[i];

	line(f, "IS Neighbor");
	isis_fmt_printf(f, "%02x%02x.%02x%02x.%02x%02x\n", m[0], m[1], m[2], m[3], m[4], m[5]);
}

/* --- 8 padding and unknown TLVs: opaque bytes ------------------------------------- */

static int opaque_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	t->u.opaque.len = (uint8_t)br_left(r);
	br_bytes(r, t->u.opaque.bytes, t->u.opaque.len);
	return 0;
}

static void opaque_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->u.opaque.bytes, t->u.opaque.len);
}

/* padding (ISO 10589 9.7) and unknown TLVs share the opaque codec */
static int padding_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	return opaque_dec(r, t, item, e);
}

static void padding_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	opaque_enc(w, t, i);
}

static int unknown_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	return opaque_dec(r, t, item, e);
}

static void unknown_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	opaque_enc(w, t, i);
}

static void padding_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "Padding");
	isis_fmt_printf(f, "%u bytes\n", t->u.opaque.len);
}

static void unknown_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "TLV %u: len %u%s", t->type, t->u.opaque.len,
			t->u.opaque.len ? " " : "");
	isis_fmt_hex(f, t->u.opaque.bytes, t->u.opaque.len);
	isis_fmt_printf(f, "\n");
}

/* --- 9 LSP entries (ISO 10589 9.10) ------------------------------------------------ */

static int lspe_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_lsp_entry *l = item;

	l->lifetime = br_u16(r);
	br_bytes(r, l->lsp_id, ISIS_LSPID_LEN);
	l->seq = br_u32(r);
	l->checksum = br_u16(r);
	return 0;
}

static void lspe_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_lsp_entry *l = &t->it.lsp[i];

	bw_u16(w, l->lifetime);
	bw_bytes(w, l->lsp_id, ISIS_LSPID_LEN);
	bw_u32(w, l->seq);
	bw_u16(w, l->checksum);
}

static void lspe_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_lsp_entry *l = &t->it.lsp[i];

	line(f, "LSP Entry");
	isis_fmt_id(f, l->lsp_id, ISIS_LSPID_LEN);
	isis_fmt_printf(f, " seq 0x%08x checksum 0x%04x lifetime %u\n", l->seq, l->checksum,
			l->lifetime);
}

/* --- 10 authentication (ISO 10589 9.8, RFC 5304/5310): kept, verified elsewhere --- */

static int auth_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	if (!br_left(r))
		return isis_fail(e, br_off(r), "empty authentication TLV");
	t->u.auth.type = br_u8(r);
	t->u.auth.len = (uint8_t)br_left(r);
	br_bytes(r, t->u.auth.bytes, t->u.auth.len);
	return 0;
}

static void auth_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_u8(w, t->u.auth.type);
	bw_bytes(w, t->u.auth.bytes, t->u.auth.len);
}

static void auth_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	static const char *const names[] = { [1] = "cleartext", [3] = "generic",
					     [54] = "HMAC-MD5" };
	uint8_t ty = t->u.auth.type;
	const char *n = ty < sizeof(names) / sizeof(names[0]) ? names[ty] : NULL;

	line(f, "Authentication");
	isis_fmt_printf(f, "type %u (%s) len %u", ty, n ? n : "unknown", t->u.auth.len);
	if (ty != 1) { /* never print a cleartext password */
		isis_fmt_printf(f, " ");
		isis_fmt_hex(f, t->u.auth.bytes, t->u.auth.len);
	}
	isis_fmt_printf(f, "\n");
}

/* --- 13 purge originator identification (RFC 6232 3) ------------------------------ */

static int purge_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	size_t off = br_off(r), len = br_left(r);
	uint8_t n = br_u8(r);

	if (r->err || n < 1 || n > 2)
		return isis_fail(e, off, "bad system ID count");
	if (len != 1u + n * ISIS_SYSID_LEN)
		return isis_fail(e, off, "bad TLV length");
	t->u.purge.count = n;
	for (uint8_t i = 0; i < n; i++)
		br_bytes(r, t->u.purge.sysid[i], ISIS_SYSID_LEN);
	return 0;
}

static void purge_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	uint8_t n = t->u.purge.count;

	if (n < 1 || n > 2) {
		w->err = -EINVAL;
		return;
	}
	bw_u8(w, n);
	for (uint8_t k = 0; k < n; k++)
		bw_bytes(w, t->u.purge.sysid[k], ISIS_SYSID_LEN);
}

static void purge_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "Purge Originator");
	isis_fmt_id(f, t->u.purge.sysid[0], ISIS_SYSID_LEN);
	if (t->u.purge.count == 2) {
		isis_fmt_printf(f, " received from ");
		isis_fmt_id(f, t->u.purge.sysid[1], ISIS_SYSID_LEN);
	}
	isis_fmt_printf(f, "\n");
}

/* --- sub-TLV blocks: a length octet then sub-TLVs (RFC 5305 3/4, RFC 9352 7.1) ---- */

static int subs_dec(struct br *r, enum isis_sub_ctx ctx, struct isis_subtlvs *s,
		    struct isis_err *e)
{
	size_t off = br_off(r);
	uint8_t len = br_u8(r);
	struct br sub;

	if (r->err)
		return 0; /* reported as a truncated entry */
	if (br_sub(r, len, &sub) < 0)
		return isis_fail(e, off, "sub-TLV length past end of TLV");
	return isis_subtlvs_decode(&sub, ctx, s, e);
}

static void subs_enc(struct bw *w, enum isis_sub_ctx ctx, const struct isis_subtlvs *s)
{
	size_t len = isis_subtlvs_len(ctx, s);

	if (len > 255) {
		w->err = -EMSGSIZE;
		return;
	}
	bw_u8(w, (uint8_t)len);
	isis_subtlvs_encode(w, ctx, s);
}

/* --- 22 extended IS reachability (RFC 5305 3) -------------------------------------- */

static int eis_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_ext_is *x = item;

	br_bytes(r, x->id, ISIS_NODEID_LEN);
	x->metric = br_u24(r);
	return subs_dec(r, ISIS_SUB_CTX_IS, &x->sub, e);
}

static void eis_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_ext_is *x = &t->it.is[i];

	bw_bytes(w, x->id, ISIS_NODEID_LEN);
	bw_u24(w, x->metric);
	subs_enc(w, ISIS_SUB_CTX_IS, &x->sub);
}

static void eis_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_ext_is *x = &t->it.is[i];

	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "Metric: %-10u IS-Extended ", x->metric);
	isis_fmt_id(f, x->id, ISIS_NODEID_LEN);
	isis_fmt_printf(f, "\n");
	isis_subtlvs_format(f, ISIS_SUB_CTX_IS, &x->sub, 4);
}

static void eis_free(struct isis_tlv *t, size_t i)
{
	isis_subtlvs_free(&t->it.is[i].sub);
}

/* --- 27 SRv6 locator (RFC 9352 7.1) -------------------------------------------------- */

static int loc_head_dec(struct br *r, struct isis_tlv *t, struct isis_err *e)
{
	if (br_left(r) < 2)
		return isis_fail(e, br_off(r), "bad TLV length");
	t->u.mtid = br_u16(r);
	return 0;
}

static void loc_head_enc(struct bw *w, const struct isis_tlv *t)
{
	bw_u16(w, t->u.mtid);
}

static int loc_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_locator *l = item;
	size_t off;

	l->metric = br_u32(r);
	l->flags = br_u8(r);
	l->algo = br_u8(r);
	off = br_off(r);
	l->size = br_u8(r);
	if (!r->err && (l->size == 0 || l->size > 128))
		return isis_fail(e, off, "bad locator length");
	br_bytes(r, l->loc, pbytes(l->size));
	return subs_dec(r, ISIS_SUB_CTX_LOCATOR, &l->sub, e);
}

static void loc_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_locator *l = &t->it.loc[i];

	if (l->size == 0 || l->size > 128) {
		w->err = -EINVAL;
		return;
	}
	bw_u32(w, l->metric);
	bw_u8(w, l->flags);
	bw_u8(w, l->algo);
	bw_u8(w, l->size);
	bw_bytes(w, l->loc, pbytes(l->size));
	subs_enc(w, ISIS_SUB_CTX_LOCATOR, &l->sub);
}

static void loc_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_locator *l = &t->it.loc[i];

	line(f, "SRv6 Locator");
	isis_fmt_addr(f, AF_INET6, l->loc);
	isis_fmt_printf(f, "/%u metric %u algo %u flags 0x%02x D:%u MT %u", l->size, l->metric,
			l->algo, l->flags, l->flags >> 7, t->u.mtid & 0x0fff);
	if (t->u.mtid & 0xf000)
		isis_fmt_printf(f, " reserved 0x%x", t->u.mtid >> 12);
	isis_fmt_printf(f, "\n");
	isis_subtlvs_format(f, ISIS_SUB_CTX_LOCATOR, &l->sub, 4);
}

static void loc_free(struct isis_tlv *t, size_t i)
{
	isis_subtlvs_free(&t->it.loc[i].sub);
}

/* --- 128/130 IP internal/external reachability, narrow metrics (RFC 1195 5.2) ------- */

static int ip4n_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_ipv4_narrow *n = item;

	br_bytes(r, n->metric, 4);
	br_bytes(r, n->addr, 4);
	br_bytes(r, n->mask, 4);
	return 0;
}

static void ip4n_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_ipv4_narrow *n = &t->it.ip4n[i];

	bw_bytes(w, n->metric, 4);
	bw_bytes(w, n->addr, 4);
	bw_bytes(w, n->mask, 4);
}

/* prefix length of a contiguous mask, -1 otherwise */
static int mask_len(const uint8_t *m)
{
	uint32_t v = (uint32_t)m[0] << 24 | (uint32_t)m[1] << 16 | (uint32_t)m[2] << 8 | m[3];
	int n = 0;

	while (n < 32 && (v & (0x80000000u >> n)))
		n++;
	return n < 32 && (v << n) ? -1 : n;
}

static void ip4n_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_ipv4_narrow *n = &t->it.ip4n[i];
	int ml = mask_len(n->mask);

	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "Metric: %-10u IP%s ", n->metric[0] & 0x3f,
			t->type == ISIS_TLV_IP_EXT_REACH ? "-External" : "");
	isis_fmt_addr(f, AF_INET, n->addr);
	if (ml >= 0) {
		isis_fmt_printf(f, "/%d", ml);
	} else {
		isis_fmt_printf(f, " mask ");
		isis_fmt_addr(f, AF_INET, n->mask);
	}
	isis_fmt_printf(f, " U/D:%u I/E:%u delay 0x%02x expense 0x%02x error 0x%02x\n",
			n->metric[0] >> 7, n->metric[0] >> 6 & 1, n->metric[1], n->metric[2],
			n->metric[3]);
}

/* --- 129 protocols supported (RFC 1195 5.2) ------------------------------------------ */

static int nlpid_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	*(uint8_t *)item = br_u8(r);
	return 0;
}

static void nlpid_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_u8(w, t->it.nlpid[i]);
}

static void nlpid_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	uint8_t v = t->it.nlpid[i];

	line(f, "NLPID");
	isis_fmt_printf(f, "0x%02x%s\n", v, v == 0xcc ? " (IPv4)" : v == 0x8e ? " (IPv6)" : "");
}

/* --- 132 IPv4 interface addresses, 232 IPv6 interface addresses -------------------- */

static int addr4_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	br_bytes(r, item, 4);
	return 0;
}

static void addr4_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->it.addr4[i], 4);
}

static void addr4_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "IP Address");
	isis_fmt_addr(f, AF_INET, t->it.addr4[i]);
	isis_fmt_printf(f, "\n");
}

static int addr6_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	br_bytes(r, item, 16);
	return 0;
}

static void addr6_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->it.addr6[i], 16);
}

static void addr6_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "IPv6 Address");
	isis_fmt_addr(f, AF_INET6, t->it.addr6[i]);
	isis_fmt_printf(f, "\n");
}

/* --- 134 TE router ID (RFC 5305 4.3) -------------------------------------------------- */

static int rid_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	br_bytes(r, t->u.router_id, 4);
	return 0;
}

static void rid_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->u.router_id, 4);
}

static void rid_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "TE Router ID");
	isis_fmt_addr(f, AF_INET, t->u.router_id);
	isis_fmt_printf(f, "\n");
}

/* --- 135 extended IP reachability (RFC 5305 4) ---------------------------------------- */

static int eip_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_ext_ip *x = item;
	size_t off;
	uint8_t ctl;

	x->metric = br_u32(r);
	off = br_off(r);
	ctl = br_u8(r);
	x->down = ctl & 0x80;
	x->has_sub = ctl & 0x40;
	x->plen = ctl & 0x3f;
	if (!r->err && x->plen > 32)
		return isis_fail(e, off, "bad prefix length");
	br_bytes(r, x->prefix, pbytes(x->plen)); /* RFC 5305 4: only significant octets */
	if (!x->has_sub)
		return 0;
	return subs_dec(r, ISIS_SUB_CTX_PREFIX, &x->sub, e);
}

static void eip_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_ext_ip *x = &t->it.ip[i];
	bool s = x->has_sub || x->sub.n;

	if (x->plen > 32) {
		w->err = -EINVAL;
		return;
	}
	bw_u32(w, x->metric);
	bw_u8(w, (uint8_t)((x->down ? 0x80 : 0) | (s ? 0x40 : 0) | x->plen));
	bw_bytes(w, x->prefix, pbytes(x->plen));
	if (s)
		subs_enc(w, ISIS_SUB_CTX_PREFIX, &x->sub);
}

static void eip_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_ext_ip *x = &t->it.ip[i];

	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "Metric: %-10u IP-Extended ", x->metric);
	isis_fmt_addr(f, AF_INET, x->prefix);
	isis_fmt_printf(f, "/%u%s\n", x->plen, x->down ? " down" : "");
	isis_subtlvs_format(f, ISIS_SUB_CTX_PREFIX, &x->sub, 4);
}

static void eip_free(struct isis_tlv *t, size_t i)
{
	isis_subtlvs_free(&t->it.ip[i].sub);
}

/* --- 137 dynamic hostname (RFC 5301 3) -------------------------------------------------- */

static int host_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	if (!br_left(r))
		return isis_fail(e, br_off(r), "empty hostname");
	t->u.hostname.len = (uint8_t)br_left(r);
	br_bytes(r, t->u.hostname.name, t->u.hostname.len);
	t->u.hostname.name[t->u.hostname.len] = '\0';
	return 0;
}

static void host_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	if (!t->u.hostname.len)
		w->err = -EINVAL;
	bw_bytes(w, t->u.hostname.name, t->u.hostname.len);
}

static void host_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	line(f, "Hostname");
	for (size_t k = 0; k < t->u.hostname.len; k++) {
		unsigned char c = (unsigned char)t->u.hostname.name[k];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			isis_fmt_printf(f, "%c", c);
		else
			isis_fmt_printf(f, "\\x%02x", c);
	}
	isis_fmt_printf(f, "\n");
}

/* --- 138 shared risk link groups (RFC 5307 1.3) ----------------------------------------- */

static int srlg_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_srlg *s = &t->u.srlg;
	size_t len = br_left(r);

	if (len < 16 || (len - 16) % 4)
		return isis_fail(e, br_off(r), "bad TLV length");
	br_bytes(r, s->id, ISIS_NODEID_LEN);
	s->flags = br_u8(r);
	br_bytes(r, s->local, 4);
	br_bytes(r, s->remote, 4);
	s->n = (len - 16) / 4;
	s->v = s->n ? calloc(s->n, sizeof(*s->v)) : NULL;
	if (s->n && !s->v)
		return -ENOMEM;
	for (size_t k = 0; k < s->n; k++)
		s->v[k] = br_u32(r);
	return 0;
}

static void srlg_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_srlg *s = &t->u.srlg;

	bw_bytes(w, s->id, ISIS_NODEID_LEN);
	bw_u8(w, s->flags);
	bw_bytes(w, s->local, 4);
	bw_bytes(w, s->remote, 4);
	for (size_t k = 0; k < s->n; k++)
		bw_u32(w, s->v[k]);
}

static void srlg_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_srlg *s = &t->u.srlg;

	line(f, "SRLG");
	isis_fmt_id(f, s->id, ISIS_NODEID_LEN);
	isis_fmt_printf(f, " flags 0x%02x local ", s->flags);
	isis_fmt_addr(f, AF_INET, s->local);
	isis_fmt_printf(f, " remote ");
	isis_fmt_addr(f, AF_INET, s->remote);
	isis_fmt_printf(f, " groups");
	for (size_t k = 0; k < s->n; k++)
		isis_fmt_printf(f, " %u", s->v[k]);
	isis_fmt_printf(f, "\n");
}

static void srlg_free(struct isis_tlv *t, size_t i)
{
	free(t->u.srlg.v);
	t->u.srlg.v = NULL;
	t->u.srlg.n = 0;
}

/* --- 236 IPv6 reachability (RFC 5308 2) ------------------------------------------------- */

static int ip6_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_ipv6_reach *x = item;
	size_t off;

	x->metric = br_u32(r);
	x->flags = br_u8(r);
	off = br_off(r);
	x->plen = br_u8(r);
	if (!r->err && x->plen > 128)
		return isis_fail(e, off, "bad prefix length");
	br_bytes(r, x->prefix, pbytes(x->plen));
	if (!(x->flags & ISIS_IP6_S))
		return 0;
	return subs_dec(r, ISIS_SUB_CTX_PREFIX, &x->sub, e);
}

static void ip6_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_ipv6_reach *x = &t->it.ip6[i];
	uint8_t flags = x->flags | (x->sub.n ? ISIS_IP6_S : 0);

	if (x->plen > 128) {
		w->err = -EINVAL;
		return;
	}
	bw_u32(w, x->metric);
	bw_u8(w, flags);
	bw_u8(w, x->plen);
	bw_bytes(w, x->prefix, pbytes(x->plen));
	if (flags & ISIS_IP6_S)
		subs_enc(w, ISIS_SUB_CTX_PREFIX, &x->sub);
}

static void ip6_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	const struct isis_ipv6_reach *x = &t->it.ip6[i];

	isis_fmt_indent(f, 2);
	isis_fmt_printf(f, "Metric: %-10u IPv6 ", x->metric);
	isis_fmt_addr(f, AF_INET6, x->prefix);
	isis_fmt_printf(f, "/%u%s%s", x->plen, x->flags & ISIS_IP6_U ? " down" : "",
			x->flags & ISIS_IP6_X ? " external" : "");
	if (x->flags & 0x1f)
		isis_fmt_printf(f, " reserved 0x%02x", x->flags & 0x1f);
	isis_fmt_printf(f, "\n");
	isis_subtlvs_format(f, ISIS_SUB_CTX_PREFIX, &x->sub, 4);
}

static void ip6_free(struct isis_tlv *t, size_t i)
{
	isis_subtlvs_free(&t->it.ip6[i].sub);
}

/* --- 240 point-to-point three-way adjacency (RFC 5303 3) --------------------------------- */

static int p2p_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	struct isis_three_way *p = &t->u.p2p;
	size_t len = br_left(r);

	if (len != 1 && len != 5 && len != 11 && len != 15)
		return isis_fail(e, br_off(r), "bad TLV length");
	p->len = (uint8_t)len;
	p->state = br_u8(r);
	if (len >= 5)
		p->ext_circuit_id = br_u32(r);
	if (len >= 11)
		br_bytes(r, p->nbr_sysid, ISIS_SYSID_LEN);
	if (len >= 15)
		p->nbr_ext_circuit_id = br_u32(r);
	return 0;
}

static void p2p_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	const struct isis_three_way *p = &t->u.p2p;

	if (p->len != 1 && p->len != 5 && p->len != 11 && p->len != 15) {
		w->err = -EINVAL;
		return;
	}
	bw_u8(w, p->state);
	if (p->len >= 5)
		bw_u32(w, p->ext_circuit_id);
	if (p->len >= 11)
		bw_bytes(w, p->nbr_sysid, ISIS_SYSID_LEN);
	if (p->len >= 15)
		bw_u32(w, p->nbr_ext_circuit_id);
}

static void p2p_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	static const char *const states[] = { "Up", "Initializing", "Down" };
	const struct isis_three_way *p = &t->u.p2p;

	line(f, "P2P Adjacency State");
	if (p->state < 3)
		isis_fmt_printf(f, "%s", states[p->state]);
	else
		isis_fmt_printf(f, "%u", p->state);
	if (p->len >= 5)
		isis_fmt_printf(f, " ext-circuit-id %u", p->ext_circuit_id);
	if (p->len >= 11) {
		isis_fmt_printf(f, " neighbor ");
		isis_fmt_id(f, p->nbr_sysid, ISIS_SYSID_LEN);
	}
	if (p->len >= 15)
		isis_fmt_printf(f, " neighbor-ext-circuit-id %u", p->nbr_ext_circuit_id);
	isis_fmt_printf(f, "\n");
}

/* --- 242 router capability (RFC 7981 2) ------------------------------------------------- */

static int cap_dec(struct br *r, struct isis_tlv *t, void *item, struct isis_err *e)
{
	if (br_left(r) < 5)
		return isis_fail(e, br_off(r), "bad TLV length");
	br_bytes(r, t->u.cap.router_id, 4);
	t->u.cap.flags = br_u8(r);
	return isis_subtlvs_decode(r, ISIS_SUB_CTX_CAP, &t->u.cap.sub, e);
}

static void cap_enc(struct bw *w, const struct isis_tlv *t, size_t i)
{
	bw_bytes(w, t->u.cap.router_id, 4);
	bw_u8(w, t->u.cap.flags);
	isis_subtlvs_encode(w, ISIS_SUB_CTX_CAP, &t->u.cap.sub);
}

static void cap_fmt(struct isis_fmt *f, const struct isis_tlv *t, size_t i)
{
	uint8_t fl = t->u.cap.flags;

	line(f, "Router Capability");
	isis_fmt_addr(f, AF_INET, t->u.cap.router_id);
	isis_fmt_printf(f, " D:%u S:%u", fl >> 1 & 1, fl & 1);
	if (fl & 0xfc)
		isis_fmt_printf(f, " reserved 0x%02x", fl & 0xfc);
	isis_fmt_printf(f, "\n");
	isis_subtlvs_format(f, ISIS_SUB_CTX_CAP, &t->u.cap.sub, 4);
}

static void cap_free(struct isis_tlv *t, size_t i)
{
	isis_subtlvs_free(&t->u.cap.sub);
}

/* --- the table ------------------------------------------------------------------------------ */

/* one row per TLV: R(type, name, item size (0 = one value), fixed length, prefix) uses
 * the <prefix>_dec/_enc/_fmt functions above; .free and .head_* where needed */
#define R(t, n, sz, fx, p) .type = t, .name = n, .item_size = sz, .fixed = fx, \
	.decode = p##_dec, .encode = p##_enc, .format = p##_fmt

static const struct tlv_row rows[] = {
	{ R(1, "Area Addresses", sizeof(struct isis_area), 0, area) },		/* ISO 10589 9.8 */
	{ R(6, "IS Neighbors", 6, 6, mac) },					/* ISO 10589 9.7 */
	{ R(8, "Padding", 0, 0, padding) },				/* ISO 10589 9.7 */
	{ R(9, "LSP Entries", sizeof(struct isis_lsp_entry), 16, lspe) },	/* ISO 10589 9.10 */
	{ R(10, "Authentication", 0, 0, auth) },				/* RFC 5304 2 */
	{ R(13, "Purge Originator", 0, 0, purge) },				/* RFC 6232 3 */
	{ R(22, "Extended IS Reachability", sizeof(struct isis_ext_is), 0, eis),
	  .free = eis_free },							/* RFC 5305 3 */
	{ R(27, "SRv6 Locator", sizeof(struct isis_locator), 0, loc), .free = loc_free,
	  .head_decode = loc_head_dec, .head_encode = loc_head_enc },		/* RFC 9352 7.1 */
	{ R(128, "IP Internal Reachability", sizeof(struct isis_ipv4_narrow), 12, ip4n) },
	{ R(129, "Protocols Supported", 1, 1, nlpid) },				/* RFC 1195 5.2 */
	{ R(130, "IP External Reachability", sizeof(struct isis_ipv4_narrow), 12, ip4n) },
	{ R(132, "IP Interface Address", 4, 4, addr4) },			/* RFC 1195 5.2 */
	{ R(134, "TE Router ID", 0, 4, rid) },					/* RFC 5305 4.3 */
	{ R(135, "Extended IP Reachability", sizeof(struct isis_ext_ip), 0, eip),
	  .free = eip_free },							/* RFC 5305 4 */
	{ R(137, "Hostname", 0, 0, host) },					/* RFC 5301 3 */
	{ R(138, "SRLG", 0, 0, srlg), .free = srlg_free },			/* RFC 5307 1.3 */
	{ R(232, "IPv6 Interface Address", 16, 16, addr6) },			/* RFC 5308 3 */
	{ R(236, "IPv6 Reachability", sizeof(struct isis_ipv6_reach), 0, ip6),
	  .free = ip6_free },							/* RFC 5308 2 */
	{ R(240, "P2P Three-Way Adjacency", 0, 0, p2p) },			/* RFC 5303 3 */
	{ R(242, "Router Capability", 0, 0, cap), .free = cap_free },		/* RFC 7981 2 */
};

static const struct tlv_row unknown_row = { R(0, "Unknown", 0, 0, unknown) };

static const struct tlv_row *row_find(uint8_t type)
{
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		if (rows[i].type == type)
			return &rows[i];
	return &unknown_row;
}

const char *isis_tlv_name(uint8_t type)
{
	return row_find(type)->name;
}

/* --- building and freeing -------------------------------------------------------------------- */

struct isis_tlv *isis_tlv_add(struct isis_pdu *pdu, uint8_t type)
{
	struct isis_tlv *v = realloc(pdu->tlvs, (pdu->ntlvs + 1) * sizeof(*v));

	if (!v)
		return NULL;
	pdu->tlvs = v;
	memset(&v[pdu->ntlvs], 0, sizeof(*v));
	v[pdu->ntlvs].type = type;
	return &v[pdu->ntlvs++];
}

void *isis_tlv_item_add(struct isis_tlv *t)
{
	const struct tlv_row *row = row_find(t->type);
	uint8_t *v;

	if (!row->item_size)
		return NULL;
	v = realloc(t->it.any, (t->n + 1) * row->item_size);
	if (!v)
		return NULL;
	t->it.any = v;
	memset(v + t->n * row->item_size, 0, row->item_size);
	return v + t->n++ * row->item_size;
}

void isis_tlv_free(struct isis_tlv *t)
{
	const struct tlv_row *row = row_find(t->type);

	if (row->item_size) {
		for (size_t i = 0; row->free && i < t->n; i++)
			row->free(t, i);
		free(t->it.any);
		t->it.any = NULL;
		t->n = 0;
	} else if (row->free) {
		row->free(t, 0);
	}
}

/* --- decode ------------------------------------------------------------------------------------ */

static int tlv_decode_items(struct br *r, const struct tlv_row *row, struct isis_tlv *t,
			    struct isis_err *e)
{
	int rc;

	if (row->fixed && br_left(r) % (size_t)row->fixed)
		return isis_fail(e, br_off(r), "bad TLV length");
	if (row->head_decode && (rc = row->head_decode(r, t, e)) < 0)
		return rc;
	while (br_left(r)) {
		size_t off = br_off(r);
		void *item = isis_tlv_item_add(t);

		if (!item)
			return -ENOMEM;
		if ((rc = row->decode(r, t, item, e)) < 0)
			return rc;
		if (r->err)
			return isis_fail(e, off, "truncated entry");
	}
	return 0;
}

static int tlv_decode_value(struct br *r, const struct tlv_row *row, struct isis_tlv *t,
			    struct isis_err *e)
{
	size_t off = br_off(r);
	int rc;

	if (row->fixed && br_left(r) != (size_t)row->fixed)
		return isis_fail(e, off, "bad TLV length");
	if ((rc = row->decode(r, t, NULL, e)) < 0)
		return rc;
	if (r->err || br_left(r))
		return isis_fail(e, off, "bad TLV length");
	return 0;
}

static int tlv_decode_one(struct br *r, struct isis_pdu *pdu, struct isis_err *e)
{
	size_t off = br_off(r);
	uint8_t type = br_u8(r), len = br_u8(r);
	const struct tlv_row *row = row_find(type);
	struct isis_tlv *t;
	struct br val;
	int rc;

	if (r->err)
		return isis_fail(e, off, "truncated TLV header");
	if (br_sub(r, len, &val) < 0) {
		e->tlv = type;
		return isis_fail(e, off, "TLV length past end of PDU");
	}
	if (!(t = isis_tlv_add(pdu, type)))
		return -ENOMEM;
	rc = row->item_size ? tlv_decode_items(&val, row, t, e) : tlv_decode_value(&val, row, t, e);
	if (rc == -EBADMSG && e->tlv < 0)
		e->tlv = type;
	return rc;
}

int isis_tlvs_decode(struct br *r, struct isis_pdu *pdu, struct isis_err *e)
{
	int rc;

	while (br_left(r))
		if ((rc = tlv_decode_one(r, pdu, e)) < 0)
			return rc;
	return 0;
}

/* --- encode ------------------------------------------------------------------------------------ */

/* Start a TLV: type, length placeholder, fixed head. Returns the length octet's offset. */
static size_t tlv_open(struct bw *w, const struct tlv_row *row, const struct isis_tlv *t)
{
	size_t at;

	bw_u8(w, t->type);
	at = w->len;
	bw_u8(w, 0);
	if (row->head_encode)
		row->head_encode(w, t);
	return at;
}

static void tlv_close(struct bw *w, size_t at)
{
	size_t len = w->len - at - 1;

	if (w->err)
		return;
	if (len > 255)
		w->err = -EMSGSIZE;
	else
		bw_put_u8(w, at, (uint8_t)len);
}

/* RFC 5305 3 / ISO 10589 9.3: a list too long for one TLV continues in another */
static int tlv_encode_items(struct bw *w, const struct tlv_row *row, const struct isis_tlv *t)
{
	uint8_t scratch[255];
	size_t at = tlv_open(w, row, t);

	for (size_t i = 0; i < t->n && !w->err; i++) {
		struct bw item;

		bw_init(&item, scratch, sizeof(scratch));
		row->encode(&item, t, i);
		if (item.err)
			return item.err;
		if (w->len - at - 1 + item.len > 255) {
			tlv_close(w, at);
			at = tlv_open(w, row, t);
		}
		bw_bytes(w, scratch, item.len);
	}
	tlv_close(w, at);
	return w->err;
}

static int tlv_encode_value(struct bw *w, const struct tlv_row *row, const struct isis_tlv *t)
{
	uint8_t scratch[255];
	struct bw v;

	bw_init(&v, scratch, sizeof(scratch));
	row->encode(&v, t, 0);
	if (v.err)
		return v.err;
	bw_u8(w, t->type);
	bw_u8(w, (uint8_t)v.len);
	bw_bytes(w, scratch, v.len);
	return w->err;
}

int isis_tlvs_encode(struct bw *w, const struct isis_pdu *pdu)
{
	int rc;

	for (size_t i = 0; i < pdu->ntlvs; i++) {
		const struct isis_tlv *t = &pdu->tlvs[i];
		const struct tlv_row *row = row_find(t->type);

		rc = row->item_size ? tlv_encode_items(w, row, t) : tlv_encode_value(w, row, t);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* --- format ------------------------------------------------------------------------------------ */

void isis_tlvs_format(struct isis_fmt *f, const struct isis_pdu *pdu)
{
	for (size_t i = 0; i < pdu->ntlvs; i++) {
		const struct isis_tlv *t = &pdu->tlvs[i];
		const struct tlv_row *row = row_find(t->type);

		if (!row->item_size) {
			row->format(f, t, 0);
			continue;
		}
		if (!t->n) {
			isis_fmt_indent(f, 2);
			isis_fmt_printf(f, "%s: (empty TLV %u)\n", row->name, t->type);
		}
		for (size_t k = 0; k < t->n; k++)
			row->format(f, t, k);
	}
}
