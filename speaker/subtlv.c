/* subtlv — the sub-TLV tables of the IS-IS codec: TLV 22 (RFC 5305 3, RFC 6119 4,
 * RFC 8570 4, RFC 9352 8.1), TLV 135/236 (RFC 5305 4, RFC 5308 2: none decoded, all
 * kept), TLV 27 (RFC 9352 7.2 End SID) and TLV 242 (RFC 9352 2 SRv6 capabilities).
 *
 * One row per sub-TLV type: {type, name, fixed length or -1, decode, encode, format}.
 * A fixed-length row rejects any other length; unknown sub-TLVs are kept as opaque
 * bytes and re-encoded unchanged. Sub-sub-TLVs of SRv6 SIDs (RFC 9352 9) are kept as
 * bytes. Called by speaker/tlv.c; formats through speaker/format.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "speaker/isis.h"

struct subtlv_row {
	uint8_t type;
	const char *name;
	int len; /* exact value length, -1 = variable */
	int (*decode)(struct br *r, struct isis_subtlv *s, struct isis_err *e);
	void (*encode)(struct bw *w, const struct isis_subtlv *s);
	size_t (*vlen)(const struct isis_subtlv *s); /* variable rows: value length */
	void (*format)(struct isis_fmt *f, const struct subtlv_row *row,
		       const struct isis_subtlv *s, int indent);
};

/* --- fixed-size values ------------------------------------------------------ */

static int dec_u32(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	s->v.u32 = br_u32(r);
	return 0;
}

static void enc_u32(struct bw *w, const struct isis_subtlv *s)
{
	bw_u32(w, s->v.u32);
}

static int dec_u24(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	s->v.u32 = br_u24(r);
	return 0;
}

static void enc_u24(struct bw *w, const struct isis_subtlv *s)
{
	bw_u24(w, s->v.u32);
}

static int dec_pair(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	s->v.pair[0] = br_u32(r);
	s->v.pair[1] = br_u32(r);
	return 0;
}

static void enc_pair(struct bw *w, const struct isis_subtlv *s)
{
	bw_u32(w, s->v.pair[0]);
	bw_u32(w, s->v.pair[1]);
}

static int dec_bw8(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	for (int i = 0; i < 8; i++)
		s->v.bw[i] = br_u32(r);
	return 0;
}

static void enc_bw8(struct bw *w, const struct isis_subtlv *s)
{
	for (int i = 0; i < 8; i++)
		bw_u32(w, s->v.bw[i]);
}

static int dec_addr4(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	br_bytes(r, s->v.addr, 4);
	return 0;
}

static void enc_addr4(struct bw *w, const struct isis_subtlv *s)
{
	bw_bytes(w, s->v.addr, 4);
}

static int dec_addr6(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	br_bytes(r, s->v.addr, 16);
	return 0;
}

static void enc_addr6(struct bw *w, const struct isis_subtlv *s)
{
	bw_bytes(w, s->v.addr, 16);
}

/* --- SRv6 (RFC 9352) ------------------------------------------------------------ */

/* Sub-sub-TLV length octet, then exactly that many bytes to the end of the value. */
static int dec_subsub(struct br *r, uint8_t *len, uint8_t *out, struct isis_err *e)
{
	size_t off = br_off(r);

	*len = br_u8(r);
	if (r->err)
		return isis_fail(e, off, "SRv6 SID truncated");
	if (*len != br_left(r))
		return isis_fail(e, off, "sub-sub-TLV length mismatch");
	br_bytes(r, out, *len);
	return 0;
}

/* RFC 9352 8.1: flags, algorithm, weight, behavior, SID, sub-sub-TLVs */
static int dec_endx(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	struct isis_srv6_sid *x = &s->v.sid;

	if (br_left(r) < 22)
		return isis_fail(e, br_off(r), "SRv6 SID truncated");
	x->flags = br_u8(r);
	x->algo = br_u8(r);
	x->weight = br_u8(r);
	x->behavior = br_u16(r);
	br_bytes(r, x->sid, 16);
	return dec_subsub(r, &x->sub_len, x->sub, e);
}

static void enc_endx(struct bw *w, const struct isis_subtlv *s)
{
	const struct isis_srv6_sid *x = &s->v.sid;

	bw_u8(w, x->flags);
	bw_u8(w, x->algo);
	bw_u8(w, x->weight);
	bw_u16(w, x->behavior);
	bw_bytes(w, x->sid, 16);
	bw_u8(w, x->sub_len);
	bw_bytes(w, x->sub, x->sub_len);
}

static size_t len_endx(const struct isis_subtlv *s)
{
	return 22u + s->v.sid.sub_len;
}

/* RFC 9352 7.2: flags, behavior, SID, sub-sub-TLVs */
static int dec_end(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	struct isis_srv6_sid *x = &s->v.sid;

	if (br_left(r) < 20)
		return isis_fail(e, br_off(r), "SRv6 SID truncated");
	x->flags = br_u8(r);
	x->behavior = br_u16(r);
	br_bytes(r, x->sid, 16);
	return dec_subsub(r, &x->sub_len, x->sub, e);
}

static void enc_end(struct bw *w, const struct isis_subtlv *s)
{
	const struct isis_srv6_sid *x = &s->v.sid;

	bw_u8(w, x->flags);
	bw_u16(w, x->behavior);
	bw_bytes(w, x->sid, 16);
	bw_u8(w, x->sub_len);
	bw_bytes(w, x->sub, x->sub_len);
}

static size_t len_end(const struct isis_subtlv *s)
{
	return 20u + s->v.sid.sub_len;
}

/* RFC 9352 2: two flag octets (O-flag 0x4000), then optional sub-sub-TLVs to the end */
static int dec_srv6_cap(struct br *r, struct isis_subtlv *s, struct isis_err *e)
{
	size_t off = br_off(r);

	if (br_left(r) < 2)
		return isis_fail(e, off, "SRv6 capabilities truncated");
	s->v.srv6_cap.flags = br_u16(r);
	s->v.srv6_cap.sub_len = (uint8_t)br_left(r);
	br_bytes(r, s->v.srv6_cap.sub, s->v.srv6_cap.sub_len);
	return 0;
}

static void enc_srv6_cap(struct bw *w, const struct isis_subtlv *s)
{
	bw_u16(w, s->v.srv6_cap.flags);
	bw_bytes(w, s->v.srv6_cap.sub, s->v.srv6_cap.sub_len);
}

static size_t len_srv6_cap(const struct isis_subtlv *s)
{
	return 2u + s->v.srv6_cap.sub_len;
}

/* --- formatting ----------------------------------------------------------------- */

static void fmt_hex32(struct isis_fmt *f, const struct subtlv_row *row,
		      const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: 0x%08x\n", row->name, s->v.u32);
}

static void fmt_uint(struct isis_fmt *f, const struct subtlv_row *row,
		     const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: %u\n", row->name, s->v.u32);
}

static void fmt_link_id(struct isis_fmt *f, const struct subtlv_row *row,
			const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: %u/%u\n", row->name, s->v.pair[0], s->v.pair[1]);
}

static void fmt_addr4(struct isis_fmt *f, const struct subtlv_row *row,
		      const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: ", row->name);
	isis_fmt_addr(f, AF_INET, s->v.addr);
	isis_fmt_printf(f, "\n");
}

static void fmt_addr6(struct isis_fmt *f, const struct subtlv_row *row,
		      const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: ", row->name);
	isis_fmt_addr(f, AF_INET6, s->v.addr);
	isis_fmt_printf(f, "\n");
}

static void fmt_bw(struct isis_fmt *f, const struct subtlv_row *row,
		   const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: ", row->name);
	isis_fmt_bw(f, s->v.u32);
	isis_fmt_printf(f, "\n");
}

static void fmt_bw8(struct isis_fmt *f, const struct subtlv_row *row,
		    const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s:", row->name);
	for (int i = 0; i < 8; i++) {
		isis_fmt_printf(f, " [%d] ", i);
		isis_fmt_bw(f, s->v.bw[i]);
	}
	isis_fmt_printf(f, "\n");
}

/* RFC 8570 4.1: A bit + 24-bit delay in microseconds; reserved bits shown if set */
static void fmt_delay(struct isis_fmt *f, const struct subtlv_row *row,
		      const struct isis_subtlv *s, int indent)
{
	uint32_t v = s->v.u32;

	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: %u us A:%u", row->name, v & 0xffffff, v >> 31);
	if (v & 0x7f000000)
		isis_fmt_printf(f, " reserved 0x%02x", (v >> 24) & 0x7f);
	isis_fmt_printf(f, "\n");
}

/* RFC 8570 4.2: A bit + min delay, reserved + max delay */
static void fmt_minmax(struct isis_fmt *f, const struct subtlv_row *row,
		       const struct isis_subtlv *s, int indent)
{
	uint32_t lo = s->v.pair[0], hi = s->v.pair[1];

	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: %u/%u us A:%u", row->name, lo & 0xffffff, hi & 0xffffff,
			lo >> 31);
	if ((lo & 0x7f000000) || (hi & 0xff000000))
		isis_fmt_printf(f, " reserved 0x%02x/0x%02x", (lo >> 24) & 0x7f, hi >> 24);
	isis_fmt_printf(f, "\n");
}

static void fmt_subsub(struct isis_fmt *f, const uint8_t *p, size_t n, int indent)
{
	if (!n)
		return;
	isis_fmt_indent(f, indent + 2);
	isis_fmt_printf(f, "Sub-sub-TLVs: ");
	isis_fmt_hex(f, p, n);
	isis_fmt_printf(f, "\n");
}

static void fmt_sid(struct isis_fmt *f, const struct subtlv_row *row,
		    const struct isis_subtlv *s, int indent)
{
	const struct isis_srv6_sid *x = &s->v.sid;
	const char *name = isis_srv6_behavior_name(x->behavior);

	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: ", row->name);
	isis_fmt_addr(f, AF_INET6, x->sid);
	isis_fmt_printf(f, " behavior %s (%u) flags 0x%02x", name ? name : "?", x->behavior,
			x->flags);
	if (s->type == ISIS_SUB_SRV6_ENDX)
		isis_fmt_printf(f, " B:%u S:%u P:%u algo %u weight %u", x->flags >> 7 & 1,
				x->flags >> 6 & 1, x->flags >> 5 & 1, x->algo, x->weight);
	isis_fmt_printf(f, "\n");
	fmt_subsub(f, x->sub, x->sub_len, indent);
}

static void fmt_srv6_cap(struct isis_fmt *f, const struct subtlv_row *row,
			 const struct isis_subtlv *s, int indent)
{
	isis_fmt_indent(f, indent);
	isis_fmt_printf(f, "%s: flags 0x%04x O:%u\n", row->name, s->v.srv6_cap.flags,
			s->v.srv6_cap.flags >> 14 & 1);
	fmt_subsub(f, s->v.srv6_cap.sub, s->v.srv6_cap.sub_len, indent);
}

/* --- tables ----------------------------------------------------------------------- */

static const struct subtlv_row is_rows[] = {
	{ 3, "Admin Group", 4, dec_u32, enc_u32, NULL, fmt_hex32 },		/* RFC 5305 3.1 */
	{ 4, "Link Local/Remote ID", 8, dec_pair, enc_pair, NULL, fmt_link_id }, /* RFC 5307 1.1 */
	{ 6, "Interface IP Address", 4, dec_addr4, enc_addr4, NULL, fmt_addr4 }, /* RFC 5305 3.2 */
	{ 8, "Neighbor IP Address", 4, dec_addr4, enc_addr4, NULL, fmt_addr4 },	/* RFC 5305 3.3 */
	{ 9, "Max Link BW", 4, dec_u32, enc_u32, NULL, fmt_bw },		/* RFC 5305 3.4 */
	{ 10, "Max Reservable BW", 4, dec_u32, enc_u32, NULL, fmt_bw },		/* RFC 5305 3.5 */
	{ 11, "Unreserved BW", 32, dec_bw8, enc_bw8, NULL, fmt_bw8 },		/* RFC 5305 3.6 */
	{ 12, "Interface IPv6 Address", 16, dec_addr6, enc_addr6, NULL, fmt_addr6 }, /* RFC 6119 4.2 */
	{ 13, "Neighbor IPv6 Address", 16, dec_addr6, enc_addr6, NULL, fmt_addr6 }, /* RFC 6119 4.3 */
	{ 18, "TE Default Metric", 3, dec_u24, enc_u24, NULL, fmt_uint },	/* RFC 5305 3.7 */
	{ 33, "Link Delay", 4, dec_u32, enc_u32, NULL, fmt_delay },		/* RFC 8570 4.1 */
	{ 34, "Min/Max Link Delay", 8, dec_pair, enc_pair, NULL, fmt_minmax },	/* RFC 8570 4.2 */
	{ 43, "SRv6 End.X SID", -1, dec_endx, enc_endx, len_endx, fmt_sid },	/* RFC 9352 8.1 */
};

static const struct subtlv_row locator_rows[] = {
	{ 5, "SRv6 End SID", -1, dec_end, enc_end, len_end, fmt_sid },		/* RFC 9352 7.2 */
};

static const struct subtlv_row cap_rows[] = {
	{ 25, "SRv6 Capabilities", -1, dec_srv6_cap, enc_srv6_cap, len_srv6_cap,
	  fmt_srv6_cap },							/* RFC 9352 2 */
};

static const struct subtlv_row *row_find(enum isis_sub_ctx ctx, uint8_t type)
{
	const struct subtlv_row *rows = NULL;
	size_t n = 0, i;

	switch (ctx) {
	case ISIS_SUB_CTX_IS:
		rows = is_rows, n = sizeof(is_rows) / sizeof(is_rows[0]);
		break;
	case ISIS_SUB_CTX_LOCATOR:
		rows = locator_rows, n = 1;
		break;
	case ISIS_SUB_CTX_CAP:
		rows = cap_rows, n = 1;
		break;
	case ISIS_SUB_CTX_PREFIX:
		break;
	}
	for (i = 0; i < n; i++)
		if (rows[i].type == type)
			return &rows[i];
	return NULL;
}

/* --- list operations ----------------------------------------------------------------- */

struct isis_subtlv *isis_subtlv_add(struct isis_subtlvs *s, uint8_t type)
{
	struct isis_subtlv *v = realloc(s->v, (s->n + 1) * sizeof(*v));

	if (!v)
		return NULL;
	s->v = v;
	memset(&v[s->n], 0, sizeof(*v));
	v[s->n].type = type;
	return &v[s->n++];
}

void isis_subtlvs_free(struct isis_subtlvs *s)
{
	free(s->v);
	s->v = NULL;
	s->n = 0;
}

static int sub_fail(struct isis_err *e, size_t off, int type, const char *reason)
{
	if (!e->reason)
		e->sub = type;
	return isis_fail(e, off, reason);
}

static int subtlv_decode_one(struct br *r, enum isis_sub_ctx ctx, struct isis_subtlvs *s,
			     struct isis_err *e)
{
	size_t off = br_off(r);
	uint8_t type = br_u8(r), len = br_u8(r);
	const struct subtlv_row *row;
	struct isis_subtlv *v;
	struct br val;

	if (r->err)
		return sub_fail(e, off, type, "truncated sub-TLV header");
	if (br_sub(r, len, &val) < 0)
		return sub_fail(e, off, type, "sub-TLV length past end of parent");
	v = isis_subtlv_add(s, type);
	if (!v)
		return -ENOMEM;
	v->len = len;
	row = row_find(ctx, type);
	if (!row) {
		br_bytes(&val, v->v.raw, len);
		return 0;
	}
	if (row->len >= 0 && len != row->len)
		return sub_fail(e, off, type, "bad sub-TLV length");
	if (row->decode(&val, v, e) < 0) {
		if (e->sub < 0)
			e->sub = type;
		return -EBADMSG;
	}
	if (val.err || br_left(&val))
		return sub_fail(e, off, type, "bad sub-TLV length");
	return 0;
}

int isis_subtlvs_decode(struct br *r, enum isis_sub_ctx ctx, struct isis_subtlvs *s,
			struct isis_err *e)
{
	int rc;

	while (br_left(r))
		if ((rc = subtlv_decode_one(r, ctx, s, e)) < 0)
			return rc;
	return 0;
}

static size_t subtlv_vlen(const struct subtlv_row *row, const struct isis_subtlv *s)
{
	if (!row)
		return s->len;
	return row->len >= 0 ? (size_t)row->len : row->vlen(s);
}

size_t isis_subtlvs_len(enum isis_sub_ctx ctx, const struct isis_subtlvs *s)
{
	size_t i, n = 0;

	for (i = 0; i < s->n; i++)
		n += 2 + subtlv_vlen(row_find(ctx, s->v[i].type), &s->v[i]);
	return n;
}

void isis_subtlvs_encode(struct bw *w, enum isis_sub_ctx ctx, const struct isis_subtlvs *s)
{
	size_t i, len;

	for (i = 0; i < s->n; i++) {
		const struct isis_subtlv *v = &s->v[i];
		const struct subtlv_row *row = row_find(ctx, v->type);

		len = subtlv_vlen(row, v);
		if (len > 255) {
			w->err = -EMSGSIZE;
			return;
		}
		bw_u8(w, v->type);
		bw_u8(w, (uint8_t)len);
		if (row)
			row->encode(w, v);
		else
			bw_bytes(w, v->v.raw, len);
	}
}

void isis_subtlvs_format(struct isis_fmt *f, enum isis_sub_ctx ctx,
			 const struct isis_subtlvs *s, int indent)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		const struct isis_subtlv *v = &s->v[i];
		const struct subtlv_row *row = row_find(ctx, v->type);

		if (row) {
			row->format(f, row, v, indent);
			continue;
		}
		isis_fmt_indent(f, indent);
		isis_fmt_printf(f, "Sub-TLV %u: len %u%s", v->type, v->len, v->len ? " " : "");
		isis_fmt_hex(f, v->v.raw, v->len);
		isis_fmt_printf(f, "\n");
	}
}
