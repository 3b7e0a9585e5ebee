/* test_nl_route — Check suite for the pure half of fib-agent/nl_route.c: netlink route
 * messages compared attribute by attribute and, for MPLS (this machine's kernel has no
 * MPLS, so these bytes are the only check) and the SRv6 SRH, byte for byte against a
 * layout written here independently from the UAPI headers (linux/rtnetlink.h rtmsg /
 * rtnexthop / rtvia, linux/mpls.h label stack entries, linux/seg6.h ipv6_sr_hdr,
 * linux/seg6_iptunnel.h, linux/seg6_local.h); multipath; the route MTU reduced by the
 * encapsulation overhead; parse(build(x)) == x for routes, SIDs and MPLS routes; the
 * parser's filters and malformed input; SID/MPLS/route planning; the capability probe
 * and the dataplane sysctls over a fake /proc/sys tree. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <arpa/inet.h>
#include <libmnl/libmnl.h>
#include <linux/lwtunnel.h>
#include <linux/mpls_iptunnel.h>
#include <linux/rtnetlink.h>
#include <linux/seg6_iptunnel.h>
#include <linux/seg6_local.h>

#include "fib-agent/nl_route.h"

#ifndef AF_MPLS
#define AF_MPLS 28
#endif

/* ---- fixtures --------------------------------------------------------------------- */

static const char *const t_names[] = {NULL, "lo", "et1", "et2"};

static int t_ifindex(void *ctx, const char *n)
{
	(void)ctx;
	for (int i = 1; i < 4; i++)
		if (!strcmp(n, t_names[i]))
			return i;
	return -ENODEV;
}

static int t_ifname(void *ctx, int idx, char *buf, size_t len)
{
	(void)ctx;
	if (idx < 1 || idx > 3)
		return -ENODEV;
	snprintf(buf, len, "%s", t_names[idx]);
	return 0;
}

static uint32_t t_mtu(void *ctx, int idx)
{
	(void)ctx;
	return idx == 3 ? 9000 : 1500;
}

static const struct nl_resolver t_res = {t_ifindex, t_ifname, t_mtu, NULL};
static const struct nl_route_opts t_opts = {&t_res, 0, 0};

static addr_t A(const char *s)
{
	addr_t a;

	memset(&a, 0, sizeof(a));
	ck_assert_msg(addr_parse(s, &a) == 0, "addr_parse(\"%s\")", s);
	return a;
}

static prefix_t P(const char *s)
{
	prefix_t p;

	memset(&p, 0, sizeof(p));
	ck_assert_msg(prefix_parse(s, false, &p) == 0, "prefix_parse(\"%s\")", s);
	return p;
}

static struct rib_fib_entry route(const char *pfx)
{
	struct rib_fib_entry e;

	memset(&e, 0, sizeof(e));
	e.prefix = P(pfx);
	e.source = RIB_SRC_ISIS;
	e.preference = 18;
	e.metric = 10;
	return e;
}

static struct rib_nh *nh_add(struct rib_fib_entry *e, const char *ifname, const char *gw)
{
	struct rib_nh *nh = &e->nh[e->n_nh++];

	memset(nh, 0, sizeof(*nh));
	if (ifname)
		strcpy(nh->ifname, ifname);
	if (gw)
		nh->gateway = A(gw);
	return nh;
}

static void segs_set(struct rib_nh *nh, const char *const *segs, unsigned n)
{
	strcpy(nh->tunnel, "lsp-1");
	nh->n_segs = (uint8_t)n;
	for (unsigned i = 0; i < n; i++)
		nh->segs[i] = A(segs[i]);
}

static uint8_t buf[8192];

/* Attributes at a level: a table by type (last wins; types masked). */
struct tb {
	const struct nlattr *a[64];
	int count;
};

static int tb_cb(const struct nlattr *attr, void *data)
{
	struct tb *t = data;
	uint16_t type = mnl_attr_get_type(attr);

	ck_assert_uint_lt(type, 64);
	t->a[type] = attr;
	t->count++;
	return MNL_CB_OK;
}

static struct tb top_attrs(const struct nlmsghdr *nlh)
{
	struct tb t;

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mnl_attr_parse(nlh, sizeof(struct rtmsg), tb_cb, &t), MNL_CB_OK);
	return t;
}

static struct tb nested(const struct nlattr *a)
{
	struct tb t;

	memset(&t, 0, sizeof(t));
	ck_assert_ptr_nonnull(a);
	ck_assert_int_eq(mnl_attr_parse_nested(a, tb_cb, &t), MNL_CB_OK);
	return t;
}

static struct tb payload_attrs(const void *p, size_t len)
{
	struct tb t;

	memset(&t, 0, sizeof(t));
	ck_assert_int_eq(mnl_attr_parse_payload(p, len, tb_cb, &t), MNL_CB_OK);
	return t;
}

static void attr_bytes(const struct nlattr *a, const void *want, size_t len)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(mnl_attr_get_payload_len(a), len);
	ck_assert_mem_eq(mnl_attr_get_payload(a), want, len);
}

static void attr_u32(const struct nlattr *a, uint32_t want)
{
	ck_assert_ptr_nonnull(a);
	ck_assert_uint_eq(mnl_attr_get_payload_len(a), 4);
	ck_assert_uint_eq(mnl_attr_get_u32(a), want);
}

static const struct rtmsg *rtm_of(const struct nlmsghdr *nlh)
{
	return mnl_nlmsg_get_payload(nlh);
}

/* An independent writer of the UAPI layout for golden messages: host-order netlink
 * integers, network-order label stack entries, 4-byte attribute alignment. */
struct gold {
	uint8_t b[1024];
	size_t n;
};

static void g_bytes(struct gold *g, const void *p, size_t len)
{
	memcpy(g->b + g->n, p, len);
	g->n += len;
	while (g->n % 4)
		g->b[g->n++] = 0;
}

static void g_u16(struct gold *g, uint16_t v)
{
	memcpy(g->b + g->n, &v, 2);
	g->n += 2;
}

static void g_u32(struct gold *g, uint32_t v)
{
	memcpy(g->b + g->n, &v, 4);
	g->n += 4;
}

static void g_u8(struct gold *g, uint8_t v)
{
	g->b[g->n++] = v;
}

static void g_hdr(struct gold *g, uint16_t type, uint16_t flags, uint32_t seq)
{
	memset(g, 0, sizeof(*g));
	g_u32(g, 0); /* length, patched by g_end */
	g_u16(g, type);
	g_u16(g, flags);
	g_u32(g, seq);
	g_u32(g, 0); /* pid */
}

/* struct rtmsg: family, dst_len, src_len, tos, table, protocol, scope, type, flags */
static void g_rtmsg(struct gold *g, uint8_t family, uint8_t dst_len, uint8_t table,
		    uint8_t scope, uint8_t type)
{
	g_u8(g, family);
	g_u8(g, dst_len);
	g_u8(g, 0);
	g_u8(g, 0);
	g_u8(g, table);
	g_u8(g, KVTE_RTPROT);
	g_u8(g, scope);
	g_u8(g, type);
	g_u32(g, 0);
}

static size_t g_attr(struct gold *g, uint16_t type, const void *p, size_t len)
{
	size_t at = g->n;

	g_u16(g, (uint16_t)(4 + len));
	g_u16(g, type);
	if (len)
		g_bytes(g, p, len);
	return at;
}

static void g_attr_u32(struct gold *g, uint16_t type, uint32_t v)
{
	g_attr(g, type, &v, 4);
}

static void g_nest_end(struct gold *g, size_t at)
{
	uint16_t len = (uint16_t)(g->n - at);

	memcpy(g->b + at, &len, 2);
}

static void g_end(struct gold *g)
{
	uint32_t len = (uint32_t)g->n;

	memcpy(g->b, &len, 4);
}

/* label stack entry: label(20) tc(3) s(1) ttl(8), network order */
static uint32_t lse(uint32_t label, int bos)
{
	return htonl(label << 12 | (bos ? 0x100u : 0));
}

static void expect_bytes(const void *got, int got_len, const struct gold *g)
{
	ck_assert_int_eq(got_len, (int)g->n);
	for (size_t i = 0; i < g->n; i++)
		ck_assert_msg(((const uint8_t *)got)[i] == g->b[i],
			      "byte %zu: got 0x%02x, want 0x%02x", i,
			      ((const uint8_t *)got)[i], g->b[i]);
}

#define F_NEW (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL)
#define F_REPL (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_REPLACE)
#define F_DEL (NLM_F_REQUEST | NLM_F_ACK)

/* ---- IP routes ------------------------------------------------------------------------
 */

START_TEST(ipv4_single_gateway)
{
	struct rib_fib_entry e = route("10.42.2.0/24");
	const struct nlmsghdr *nlh = (const void *)buf;
	struct tb t;
	uint8_t dst[4] = {10, 42, 2, 0}, gw[4] = {100, 65, 0, 2};
	int len;

	nh_add(&e, "et1", "100.65.0.2");
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 77);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(nlh->nlmsg_len, (unsigned)len);
	ck_assert_uint_eq(nlh->nlmsg_type, RTM_NEWROUTE);
	ck_assert_uint_eq(nlh->nlmsg_flags, F_NEW);
	ck_assert_uint_eq(nlh->nlmsg_seq, 77);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_family, AF_INET);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_dst_len, 24);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_table, RT_TABLE_MAIN);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_protocol, KVTE_RTPROT);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_protocol, 222);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_scope, RT_SCOPE_UNIVERSE);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_type, RTN_UNICAST);
	t = top_attrs(nlh);
	ck_assert_int_eq(t.count, 4);
	attr_u32(t.a[RTA_TABLE], RT_TABLE_MAIN);
	attr_bytes(t.a[RTA_DST], dst, 4);
	attr_u32(t.a[RTA_OIF], 2);
	attr_bytes(t.a[RTA_GATEWAY], gw, 4);
	ck_assert_ptr_null(t.a[RTA_METRICS]); /* no encapsulation: no MTU */
	ck_assert_ptr_null(t.a[RTA_PRIORITY]);

	/* replace flags; a table above 255 goes in RTA_TABLE only; a priority */
	{
		struct nl_route_opts o = {&t_res, 1000, 20};

		len = nl_build_route(buf, sizeof(buf), RIB_OP_REPLACE, &e, &o, 78);
		ck_assert_int_gt(len, 0);
		ck_assert_uint_eq(nlh->nlmsg_flags, F_REPL);
		ck_assert_uint_eq(rtm_of(nlh)->rtm_table, RT_TABLE_COMPAT);
		t = top_attrs(nlh);
		attr_u32(t.a[RTA_TABLE], 1000);
		attr_u32(t.a[RTA_PRIORITY], 20);
	}
}
END_TEST

START_TEST(ipv4_onlink_and_delete)
{
	struct rib_fib_entry e = route("192.168.50.2/32");
	const struct nlmsghdr *nlh = (const void *)buf;
	struct gold g;
	uint8_t dst[4] = {192, 168, 50, 2};
	struct tb t;
	int len;

	nh_add(&e, "et1", NULL);
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_scope, RT_SCOPE_LINK);
	t = top_attrs(nlh);
	ck_assert_ptr_null(t.a[RTA_GATEWAY]);
	attr_u32(t.a[RTA_OIF], 2);

	/* delete: prefix, table, protocol; no next hops (removes all of them) */
	len = nl_build_route(buf, sizeof(buf), RIB_OP_DELETE, &e, &t_opts, 9);
	g_hdr(&g, RTM_DELROUTE, F_DEL, 9);
	g_rtmsg(&g, AF_INET, 32, RT_TABLE_MAIN, RT_SCOPE_NOWHERE, RTN_UNSPEC);
	g_attr_u32(&g, RTA_TABLE, RT_TABLE_MAIN);
	g_attr(&g, RTA_DST, dst, 4);
	g_end(&g);
	expect_bytes(buf, len, &g);
}
END_TEST

START_TEST(ipv4_via_ipv6_gateway)
{
	struct rib_fib_entry e = route("10.1.0.0/16");
	const struct nlmsghdr *nlh = (const void *)buf;
	uint8_t via[18];
	uint16_t fam = AF_INET6;
	addr_t gw = A("fe80::2");
	struct tb t;
	int len;

	nh_add(&e, "et1", "fe80::2");
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);
	ck_assert_int_gt(len, 0);
	t = top_attrs(nlh);
	ck_assert_ptr_null(t.a[RTA_GATEWAY]);
	memcpy(via, &fam, 2);
	memcpy(via + 2, gw.bytes, 16);
	attr_bytes(t.a[RTA_VIA], via, 18);

	/* the reverse (IPv4 gateway for an IPv6 route) is refused */
	e = route("2001:db8::/32");
	nh_add(&e, "et1", "10.0.0.1");
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EAFNOSUPPORT);
}
END_TEST

START_TEST(ipv6_multipath)
{
	struct rib_fib_entry e = route("2001:db8:10::/48");
	const struct nlmsghdr *nlh = (const void *)buf;
	const struct nlattr *mp;
	const uint8_t *p;
	size_t left;
	addr_t gw[2] = {A("fe80::2"), A("fe80::3")};
	int len, k = 0;
	struct tb t;

	nh_add(&e, "et1", "fe80::2");
	nh_add(&e, "et2", "fe80::3");
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 5);
	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_family, AF_INET6);
	t = top_attrs(nlh);
	ck_assert_ptr_null(t.a[RTA_OIF]);
	ck_assert_ptr_null(t.a[RTA_GATEWAY]);
	mp = t.a[RTA_MULTIPATH];
	ck_assert_ptr_nonnull(mp);
	ck_assert_uint_eq(mnl_attr_get_type(mp),
			  RTA_MULTIPATH); /* written like the kernel: */
	ck_assert_uint_eq(mp->nla_type & NLA_F_NESTED, 0); /* no NLA_F_NESTED */
	p = mnl_attr_get_payload(mp);
	left = mnl_attr_get_payload_len(mp);
	while (left) {
		const struct rtnexthop *rtnh = (const void *)p;
		struct tb sub;

		ck_assert_uint_ge(left, sizeof(*rtnh));
		ck_assert_uint_eq(rtnh->rtnh_len, 8 + 20); /* rtnexthop + RTA_GATEWAY(16) */
		ck_assert_uint_eq(rtnh->rtnh_flags, 0);
		ck_assert_uint_eq(rtnh->rtnh_hops, 0);
		ck_assert_int_eq(rtnh->rtnh_ifindex, 2 + k);
		sub = payload_attrs(p + 8, rtnh->rtnh_len - 8);
		ck_assert_int_eq(sub.count, 1);
		attr_bytes(sub.a[RTA_GATEWAY], gw[k].bytes, 16);
		k++;
		p += rtnh->rtnh_len;
		left -= rtnh->rtnh_len;
	}
	ck_assert_int_eq(k, 2);
}
END_TEST

/* SRH as the kernel expects it for 3 segments S1 S2 S3 (S1 visited first). */
static void g_srh(struct gold *g, const addr_t *segs, unsigned n)
{
	g_u8(g, 0); /* nexthdr: set by the kernel on encapsulation */
	g_u8(g, (uint8_t)(2 * n)); /* hdrlen: 8-octet units after the first 8 */
	g_u8(g, 4); /* routing type 4 (SRH) */
	g_u8(g, (uint8_t)(n - 1)); /* segments left */
	g_u8(g, (uint8_t)(n - 1)); /* last entry */
	g_u8(g, 0); /* flags */
	g_u16(g, 0); /* tag */
	for (unsigned i = 0; i < n; i++)
		g_bytes(g, segs[n - 1 - i].bytes, 16); /* reverse order */
}

START_TEST(seg6_encap_srh_layout)
{
	static const char *const sl[] = {"fc00:0:2::1", "fc00:0:3::1", "fc00:0:4::d4"};
	struct rib_fib_entry e = route("192.168.50.4/32");
	const struct nlmsghdr *nlh = (const void *)buf;
	addr_t segs[3] = {A(sl[0]), A(sl[1]), A(sl[2])};
	struct gold g;
	struct tb t, enc, met;
	int len, mode = SEG6_IPTUN_MODE_ENCAP;

	segs_set(nh_add(&e, "et1", "100.65.0.2"), sl, 3);
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 3);
	ck_assert_int_gt(len, 0);
	t = top_attrs(nlh);
	ck_assert_ptr_nonnull(t.a[RTA_ENCAP_TYPE]);
	ck_assert_uint_eq(mnl_attr_get_payload_len(t.a[RTA_ENCAP_TYPE]), 2);
	ck_assert_uint_eq(mnl_attr_get_u16(t.a[RTA_ENCAP_TYPE]), LWTUNNEL_ENCAP_SEG6);
	ck_assert_uint_eq(LWTUNNEL_ENCAP_SEG6, 5);
	enc = nested(t.a[RTA_ENCAP]);
	ck_assert_int_eq(enc.count, 1);
	/* SEG6_IPTUNNEL_SRH = struct seg6_iptunnel_encap { int mode; struct ipv6_sr_hdr }
	 */
	memset(&g, 0, sizeof(g));
	memcpy(g.b, &mode, sizeof(mode));
	g.n = sizeof(mode);
	g_srh(&g, segs, 3);
	ck_assert_uint_eq(g.n, 4 + 8 + 48);
	attr_bytes(enc.a[SEG6_IPTUNNEL_SRH], g.b, g.n);
	/* the first SID (segments[last entry]) is S1 */
	ck_assert_mem_eq((const uint8_t *)mnl_attr_get_payload(enc.a[SEG6_IPTUNNEL_SRH]) +
				 4 + 8 + 2 * 16,
			 segs[0].bytes, 16);
	/* MTU: 1500 - (40 + 8 + 16 * 3) */
	met = nested(t.a[RTA_METRICS]);
	ck_assert_int_eq(met.count, 1);
	attr_u32(met.a[RTAX_MTU], 1500 - 96);
	ck_assert_uint_eq(nl_route_mtu(&e, &t_opts), 1404);
	ck_assert_uint_eq(NL_SEG6_ENCAP_OVERHEAD(3), 96);
}
END_TEST

START_TEST(mtu_reduction)
{
	static const char *const s1[] = {"fc00:0:2::1"};
	static const char *const s5[] = {"fc00::1", "fc00::2", "fc00::3", "fc00::4",
					 "fc00::5"};
	struct rib_fib_entry e = route("10.9.0.0/16");

	/* plain next hops: no MTU */
	nh_add(&e, "et1", "100.65.0.2");
	nh_add(&e, "et2", "100.66.0.2");
	ck_assert_uint_eq(nl_route_mtu(&e, &t_opts), 0);
	/* multipath: the minimum over next hops of link MTU - overhead */
	segs_set(&e.nh[0], s1, 1); /* 1500 - 64 = 1436 */
	segs_set(&e.nh[1], s5, 5); /* 9000 - 128 = 8872 */
	ck_assert_uint_eq(nl_route_mtu(&e, &t_opts), 1436);
	e.nh[0].n_segs = 0; /* plain et1 hop: 1500 */
	ck_assert_uint_eq(nl_route_mtu(&e, &t_opts), 1500);
	/* MPLS push: 4 bytes per label */
	e.n_nh = 1;
	e.nh[0].n_labels = 2;
	e.nh[0].labels[0] = 16001;
	e.nh[0].labels[1] = 16004;
	ck_assert_uint_eq(nl_route_mtu(&e, &t_opts), 1492);
	/* unknown MTUs: none set */
	{
		struct nl_resolver r = t_res;
		struct nl_route_opts o = {&r, 0, 0};

		r.mtu = NULL;
		ck_assert_uint_eq(nl_route_mtu(&e, &o), 0);
	}
}
END_TEST

START_TEST(bad_routes)
{
	struct rib_fib_entry e = route("10.0.0.0/8");
	struct rib_nh *nh;

	/* no next hop */
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EINVAL);
	/* unknown interface: the resolver's error */
	nh_add(&e, "nope0", "10.1.1.1");
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -ENODEV);
	/* segments and labels on one next hop */
	e.n_nh = 0;
	nh = nh_add(&e, "et1", "10.1.1.1");
	nh->n_segs = 1;
	nh->segs[0] = A("fc00::1");
	nh->n_labels = 1;
	nh->labels[0] = 100;
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EINVAL);
	/* an IPv4 segment; implicit null pushed */
	nh->n_labels = 0;
	nh->segs[0] = A("10.0.0.1");
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EINVAL);
	nh->n_segs = 0;
	nh->n_labels = 1;
	nh->labels[0] = 3;
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EINVAL);
	nh->labels[0] = NL_MPLS_LABEL_MAX + 1;
	ck_assert_int_eq(nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1),
			 -EINVAL);
	/* buffer too small, at every size short of the message */
	nh->labels[0] = 100;
	{
		int full = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);

		ck_assert_int_gt(full, 0);
		for (int l = 0; l < full; l++)
			ck_assert_int_eq(
				nl_build_route(buf, (size_t)l, RIB_OP_ADD, &e, &t_opts, 1),
				-ENOSPC);
	}
}
END_TEST

/* ---- MPLS (byte for byte: the kernel here has no MPLS) --------------------------------
 */

static struct nl_mpls_route mpls_route(uint32_t label)
{
	struct nl_mpls_route r;

	memset(&r, 0, sizeof(r));
	r.label = label;
	return r;
}

static struct rib_nh *mnh_add(struct nl_mpls_route *r, const char *ifname, const char *via)
{
	struct rib_nh *nh = &r->nh[r->n_nh++];

	memset(nh, 0, sizeof(*nh));
	strcpy(nh->ifname, ifname);
	if (via)
		nh->gateway = A(via);
	return nh;
}

static void g_via4(struct gold *g, const uint8_t a[4])
{
	uint8_t v[6];
	uint16_t fam = AF_INET;

	memcpy(v, &fam, 2);
	memcpy(v + 2, a, 4);
	g_attr(g, RTA_VIA, v, 6);
}

START_TEST(mpls_swap_bytes)
{
	struct nl_mpls_route r = mpls_route(100);
	struct rib_nh *nh = mnh_add(&r, "et1", "10.0.0.2");
	uint8_t gw[4] = {10, 0, 0, 2};
	uint32_t dst = lse(100, 1), stack[2] = {lse(200, 0), lse(300, 1)};
	struct gold g;
	int len;

	nh->n_labels = 2;
	nh->labels[0] = 200;
	nh->labels[1] = 300;
	len = nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 42);
	g_hdr(&g, RTM_NEWROUTE, F_NEW, 42);
	g_rtmsg(&g, AF_MPLS, 20, RT_TABLE_MAIN, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	g_attr(&g, RTA_DST, &dst, 4);
	g_attr_u32(&g, RTA_OIF, 2);
	g_via4(&g, gw);
	g_attr(&g, RTA_NEWDST, stack, 8);
	g_end(&g);
	ck_assert_uint_eq(g.n, 16 + 12 + 8 + 8 + 12 + 12);
	expect_bytes(buf, len, &g);
	/* literal spot checks of the label stack entries: 100 -> 0x00064100 (S=1),
	 * 200 -> 0x000c8000, 300 -> 0x0012c100 */
	{
		const uint8_t want_dst[4] = {0x00, 0x06, 0x41, 0x00};
		const uint8_t want_stack[8] = {0x00, 0x0c, 0x80, 0x00,
					       0x00, 0x12, 0xc1, 0x00};

		ck_assert_mem_eq(buf + 16 + 12 + 4, want_dst, 4);
		ck_assert_mem_eq(buf + len - 8, want_stack, 8);
	}
}
END_TEST

START_TEST(mpls_pop_and_delete_bytes)
{
	struct nl_mpls_route r = mpls_route(16004);
	uint8_t gw6[16];
	uint32_t dst = lse(16004, 1);
	addr_t via = A("fe80::1");
	struct gold g;
	int len;

	mnh_add(&r, "et2", "fe80::1");
	len = nl_build_mpls(buf, sizeof(buf), RIB_OP_REPLACE, &r, &t_opts, 7);
	g_hdr(&g, RTM_NEWROUTE, F_REPL, 7);
	g_rtmsg(&g, AF_MPLS, 20, RT_TABLE_MAIN, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	g_attr(&g, RTA_DST, &dst, 4);
	g_attr_u32(&g, RTA_OIF, 3);
	{
		uint8_t v[18];
		uint16_t fam = AF_INET6;

		memcpy(gw6, via.bytes, 16);
		memcpy(v, &fam, 2);
		memcpy(v + 2, gw6, 16);
		g_attr(&g, RTA_VIA, v, 18);
	}
	g_end(&g); /* pop: no RTA_NEWDST */
	expect_bytes(buf, len, &g);

	/* delete: same header rules (af_mpls wants universe/unicast), only the label */
	len = nl_build_mpls(buf, sizeof(buf), RIB_OP_DELETE, &r, &t_opts, 8);
	g_hdr(&g, RTM_DELROUTE, F_DEL, 8);
	g_rtmsg(&g, AF_MPLS, 20, RT_TABLE_MAIN, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	g_attr(&g, RTA_DST, &dst, 4);
	g_end(&g);
	expect_bytes(buf, len, &g);

	/* refused: reserved incoming labels, out-of-range, implicit null swap, no device */
	r.label = 15;
	ck_assert_int_eq(nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1),
			 -EINVAL);
	r.label = NL_MPLS_LABEL_MAX + 1;
	ck_assert_int_eq(nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1),
			 -EINVAL);
	r.label = 16;
	r.nh[0].n_labels = 1;
	r.nh[0].labels[0] = 3;
	ck_assert_int_eq(nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1),
			 -EINVAL);
	r.nh[0].n_labels = 0;
	r.nh[0].ifname[0] = '\0';
	ck_assert_int_eq(nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1),
			 -EINVAL);
}
END_TEST

START_TEST(mpls_multipath_bytes)
{
	struct nl_mpls_route r = mpls_route(17000);
	uint8_t a1[4] = {10, 0, 0, 2}, a2[4] = {10, 0, 1, 2};
	uint32_t dst = lse(17000, 1), l1 = lse(18000, 1);
	struct gold g;
	size_t mp, nh;
	int len;

	mnh_add(&r, "et1", "10.0.0.2")->n_labels = 1;
	r.nh[0].labels[0] = 18000;
	mnh_add(&r, "et2", "10.0.1.2"); /* pop */
	len = nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 11);
	g_hdr(&g, RTM_NEWROUTE, F_NEW, 11);
	g_rtmsg(&g, AF_MPLS, 20, RT_TABLE_MAIN, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	g_attr(&g, RTA_DST, &dst, 4);
	mp = g_attr(&g, RTA_MULTIPATH, NULL, 0);
	/* struct rtnexthop { u16 len; u8 flags; u8 hops; int ifindex; } */
	nh = g.n;
	g_u16(&g, 0);
	g_u8(&g, 0);
	g_u8(&g, 0);
	g_u32(&g, 2);
	g_via4(&g, a1);
	g_attr(&g, RTA_NEWDST, &l1, 4);
	{
		uint16_t l = (uint16_t)(g.n - nh);

		ck_assert_uint_eq(l, 8 + 12 + 8);
		memcpy(g.b + nh, &l, 2);
	}
	nh = g.n;
	g_u16(&g, 8 + 12);
	g_u8(&g, 0);
	g_u8(&g, 0);
	g_u32(&g, 3);
	g_via4(&g, a2);
	ck_assert_uint_eq(g.n - nh, 20);
	g_nest_end(&g, mp);
	g_end(&g);
	expect_bytes(buf, len, &g);
}
END_TEST

START_TEST(mpls_push_encap_bytes)
{
	struct rib_fib_entry e = route("10.42.2.0/24");
	struct rib_nh *nh = nh_add(&e, "et1", "100.65.0.2");
	uint8_t dst[4] = {10, 42, 2, 0}, gw[4] = {100, 65, 0, 2};
	uint32_t stack[3] = {lse(16002, 0), lse(16003, 0), lse(16004, 1)};
	struct gold g;
	size_t met, enc;
	int len;

	nh->n_labels = 3;
	nh->labels[0] = 16002;
	nh->labels[1] = 16003;
	nh->labels[2] = 16004;
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 21);
	g_hdr(&g, RTM_NEWROUTE, F_NEW, 21);
	g_rtmsg(&g, AF_INET, 24, RT_TABLE_MAIN, RT_SCOPE_UNIVERSE, RTN_UNICAST);
	g_attr_u32(&g, RTA_TABLE, RT_TABLE_MAIN);
	g_attr(&g, RTA_DST, dst, 4);
	met = g_attr(&g, RTA_METRICS, NULL, 0);
	g_attr_u32(&g, RTAX_MTU, 1500 - 12);
	g_nest_end(&g, met);
	g_attr_u32(&g, RTA_OIF, 2);
	g_attr(&g, RTA_GATEWAY, gw, 4);
	{
		uint16_t t = LWTUNNEL_ENCAP_MPLS;

		g_attr(&g, RTA_ENCAP_TYPE, &t, 2);
	}
	enc = g_attr(&g, RTA_ENCAP, NULL, 0);
	g_attr(&g, MPLS_IPTUNNEL_DST, stack, 12);
	g_nest_end(&g, enc);
	g_end(&g);
	expect_bytes(buf, len, &g);
}
END_TEST

/* ---- SIDs ------------------------------------------------------------------------------
 */

static struct nl_sid sid(const char *p, enum nl_sid_behavior b, const char *ifname)
{
	struct nl_sid s;

	memset(&s, 0, sizeof(s));
	s.sid = P(p);
	s.behavior = b;
	strcpy(s.ifname, ifname);
	return s;
}

static struct tb sid_encap(const struct nl_sid *s, uint32_t action)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	int len = nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, s, &t_opts, 1);
	struct tb t, enc;

	ck_assert_int_gt(len, 0);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_family, AF_INET6);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_dst_len, 128);
	ck_assert_uint_eq(rtm_of(nlh)->rtm_protocol, KVTE_RTPROT);
	t = top_attrs(nlh);
	attr_bytes(t.a[RTA_DST], s->sid.addr.bytes, 16);
	attr_u32(t.a[RTA_OIF], (uint32_t)t_ifindex(NULL, s->ifname));
	ck_assert_uint_eq(mnl_attr_get_u16(t.a[RTA_ENCAP_TYPE]), LWTUNNEL_ENCAP_SEG6_LOCAL);
	enc = nested(t.a[RTA_ENCAP]);
	attr_u32(enc.a[SEG6_LOCAL_ACTION], action);
	return enc;
}

START_TEST(sid_messages)
{
	struct nl_sid s = sid("fc00:0:1::/128", NL_SID_END, "lo");
	addr_t nh6 = A("fe80::2");
	uint8_t nh4[4] = {0, 0, 0, 0};
	struct tb enc;

	enc = sid_encap(&s, SEG6_LOCAL_ACTION_END);
	ck_assert_int_eq(enc.count, 1);

	s = sid("fc00:0:1::e1/128", NL_SID_END_X, "et1");
	s.nh6 = nh6;
	enc = sid_encap(&s, SEG6_LOCAL_ACTION_END_X);
	ck_assert_int_eq(enc.count, 2);
	attr_bytes(enc.a[SEG6_LOCAL_NH6], nh6.bytes, 16);

	s = sid("fc00:0:1::d6/128", NL_SID_END_DT6, "lo");
	s.table = 254;
	enc = sid_encap(&s, SEG6_LOCAL_ACTION_END_DT6);
	ck_assert_int_eq(enc.count, 2);
	attr_u32(enc.a[SEG6_LOCAL_TABLE], 254);

	s = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "lo");
	s.nh4 = A("0.0.0.0");
	enc = sid_encap(&s, SEG6_LOCAL_ACTION_END_DX4);
	ck_assert_int_eq(enc.count, 2);
	attr_bytes(enc.a[SEG6_LOCAL_NH4], nh4, 4);

	/* End.B6.Encaps: a bare SRH (no mode word), segments reversed */
	s = sid("fc00:0:2::b6/128", NL_SID_END_B6_ENCAPS, "et1");
	s.n_segs = 2;
	s.segs[0] = A("fc00:0:3::e4");
	s.segs[1] = A("fc00:0:4::d6");
	enc = sid_encap(&s, SEG6_LOCAL_ACTION_END_B6_ENCAP);
	ck_assert_int_eq(enc.count, 2);
	{
		struct gold g;

		memset(&g, 0, sizeof(g));
		g_srh(&g, s.segs, 2);
		ck_assert_uint_eq(g.n, 8 + 32);
		attr_bytes(enc.a[SEG6_LOCAL_SRH], g.b, g.n);
	}

	/* missing parameters are refused */
	s = sid("fc00:0:1::e1/128", NL_SID_END_X, "et1");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -EINVAL);
	s = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "lo");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -EINVAL);
	s = sid("fc00:0:1::d6/128", NL_SID_END_DT6, "lo");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -EINVAL);
	s = sid("fc00:0:1::b6/128", NL_SID_END_B6_ENCAPS, "lo");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -EINVAL);
	s = sid("10.0.0.1/32", NL_SID_END, "lo");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -EINVAL);
	s = sid("fc00:0:1::/128", NL_SID_END, "nope0");
	ck_assert_int_eq(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
			 -ENODEV);

	/* names */
	{
		enum nl_sid_behavior b;

		ck_assert_str_eq(nl_sid_behavior_name(NL_SID_END_B6_ENCAPS),
				 "End.B6.Encaps");
		ck_assert_int_eq(nl_sid_behavior_parse("End.DX4", &b), 0);
		ck_assert_int_eq(b, NL_SID_END_DX4);
		ck_assert_int_eq(nl_sid_behavior_parse("End.DT4", &b), -EINVAL);
	}
}
END_TEST

/* ---- round trips ------------------------------------------------------------------------
 */

static struct nl_parsed parsed;

static void rt_route(const struct rib_fib_entry *e, const struct nl_route_opts *o)
{
	char why[NL_ERRMSG_MAX];
	struct rib_fib_entry view;
	int len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, e, o, 1);

	ck_assert_int_gt(len, 0);
	ck_assert_int_eq(nl_parse_route((const void *)buf, o, &parsed, why), NL_OBJ_ROUTE);
	nl_route_kernel_view(e, &view);
	ck_assert(nl_route_equal(&parsed.route, &view));
	/* exactly the kernel view, byte for byte (zero-filled, tunnel names gone) */
	ck_assert_mem_eq(&parsed.route, &view, sizeof(view));
}

START_TEST(round_trip_routes)
{
	static const char *const sl[] = {"fc00:0:2::1", "fc00:0:4::d4"};
	struct rib_fib_entry e;
	struct nl_route_opts o = {&t_res, 1000, 0};

	e = route("10.42.2.0/24");
	nh_add(&e, "et1", "100.65.0.2");
	rt_route(&e, &t_opts);
	rt_route(&e, &o);
	e = route("0.0.0.0/0");
	nh_add(&e, "et1", NULL);
	rt_route(&e, &t_opts);
	e = route("10.1.0.0/16");
	nh_add(&e, "et1", "fe80::2");
	nh_add(&e, "et2", "10.0.1.2");
	rt_route(&e, &t_opts);
	e = route("192.168.50.4/32");
	segs_set(nh_add(&e, "et1", "100.65.0.2"), sl, 2);
	segs_set(nh_add(&e, "et2", NULL), sl, 1);
	rt_route(&e, &t_opts);
	e = route("2001:db8::/32");
	nh_add(&e, "et1", "fe80::2");
	segs_set(nh_add(&e, "et2", "fe80::3"), sl, 2);
	e.nh[1].n_labels = 0;
	rt_route(&e, &t_opts);
	e = route("10.42.3.0/24");
	nh_add(&e, "et1", "100.65.0.2")->n_labels = 2;
	e.nh[0].labels[0] = 16;
	e.nh[0].labels[1] = NL_MPLS_LABEL_MAX;
	rt_route(&e, &t_opts);
	/* 16 next hops of 10 segments each */
	e = route("2001:db8:ffff::/48");
	for (int i = 0; i < RIB_MAX_NH; i++) {
		char gw[32];
		struct rib_nh *nh;

		snprintf(gw, sizeof(gw), "fe80::%x", i + 1);
		nh = nh_add(&e, i % 2 ? "et1" : "et2", gw);
		nh->n_segs = RIB_MAX_SEGS;
		for (int k = 0; k < RIB_MAX_SEGS; k++) {
			snprintf(gw, sizeof(gw), "fc00:%x::%x", i, k + 1);
			nh->segs[k] = A(gw);
		}
	}
	rt_route(&e, &t_opts);
}
END_TEST

START_TEST(round_trip_sids_and_mpls)
{
	struct nl_sid s[5];
	char why[NL_ERRMSG_MAX];

	s[0] = sid("fc00:0:1::/128", NL_SID_END, "lo");
	s[1] = sid("fc00:0:1::e1/128", NL_SID_END_X, "et1");
	s[1].nh6 = A("fe80::2");
	s[2] = sid("fc00:0:1::d6/128", NL_SID_END_DT6, "lo");
	s[2].table = 254;
	s[3] = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "lo");
	s[3].nh4 = A("0.0.0.0");
	s[4] = sid("fc00:0:1::b6/128", NL_SID_END_B6_ENCAPS, "et2");
	s[4].n_segs = 3;
	s[4].segs[0] = A("fc00:0:3::e4");
	s[4].segs[1] = A("fc00:0:4::e5");
	s[4].segs[2] = A("fc00:0:5::d6");
	for (int i = 0; i < 5; i++) {
		ck_assert_int_gt(
			nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s[i], &t_opts, 1), 0);
		ck_assert_int_eq(nl_parse_route((const void *)buf, &t_opts, &parsed, why),
				 NL_OBJ_SID);
		ck_assert_msg(nl_sid_equal(&parsed.sid, &s[i]), "sid %d", i);
		ck_assert_mem_eq(&parsed.sid, &s[i], sizeof(s[i]));
	}
	{
		struct nl_mpls_route r = mpls_route(100);

		mnh_add(&r, "et1", "10.0.0.2")->n_labels = 2;
		r.nh[0].labels[0] = 200;
		r.nh[0].labels[1] = 300;
		mnh_add(&r, "et2", "fe80::1");
		mnh_add(&r, "lo", NULL);
		ck_assert_int_gt(
			nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1), 0);
		ck_assert_int_eq(nl_parse_route((const void *)buf, &t_opts, &parsed, why),
				 NL_OBJ_MPLS);
		ck_assert(nl_mpls_equal(&parsed.mpls, &r));
		ck_assert_mem_eq(&parsed.mpls, &r, sizeof(r));
		r.n_nh = 1;
		ck_assert_int_gt(
			nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1), 0);
		ck_assert_int_eq(nl_parse_route((const void *)buf, &t_opts, &parsed, why),
				 NL_OBJ_MPLS);
		ck_assert(nl_mpls_equal(&parsed.mpls, &r));
		ck_assert(!nl_mpls_equal(&parsed.mpls,
					 &(struct nl_mpls_route){.label = 100}));
	}
}
END_TEST

/* ---- parser filters and malformed input
 * ----------------------------------------------------- */

START_TEST(parse_filters_and_malformed)
{
	struct rib_fib_entry e = route("10.42.2.0/24");
	struct nlmsghdr *nlh = (void *)buf;
	struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	char why[NL_ERRMSG_MAX];
	int len;

	nh_add(&e, "et1", "100.65.0.2");
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);
	ck_assert_int_gt(len, 0);
	/* another protocol, a cached clone, another table, another family, not NEWROUTE */
	rtm->rtm_protocol = RTPROT_KERNEL;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_NONE);
	rtm->rtm_protocol = KVTE_RTPROT;
	rtm->rtm_flags = RTM_F_CLONED;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_NONE);
	rtm->rtm_flags = 0;
	{
		struct nl_route_opts o = {&t_res, 100, 0};

		ck_assert_int_eq(nl_parse_route(nlh, &o, &parsed, why), NL_OBJ_NONE);
	}
	rtm->rtm_family = AF_UNIX;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_NONE);
	rtm->rtm_family = AF_INET;
	nlh->nlmsg_type = RTM_DELROUTE;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_NONE);
	nlh->nlmsg_type = RTM_NEWROUTE;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_ROUTE);
	/* an interface the resolver cannot name: kept, but with no next hops */
	{
		struct nl_resolver r = t_res;
		struct nl_route_opts o = {&r, 0, 0};

		r.ifname = NULL;
		ck_assert_int_eq(nl_parse_route(nlh, &o, &parsed, why), NL_OBJ_ROUTE);
		ck_assert_uint_eq(parsed.route.n_nh, 0);
	}
	/* a blackhole kvte route: no next hops (the plan deletes or replaces it) */
	rtm->rtm_type = RTN_BLACKHOLE;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_ROUTE);
	ck_assert_uint_eq(parsed.route.n_nh, 0);
	rtm->rtm_type = RTN_UNICAST;
	/* a truncated message, a bad prefix length, a short gateway */
	nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 4;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);
	ck_assert_str_ne(why, "");
	nlh->nlmsg_len = (uint32_t)len;
	rtm->rtm_dst_len = 33;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);
	rtm->rtm_dst_len = 24;
	{
		struct nlattr *a;

		mnl_attr_for_each(a, nlh, sizeof(*rtm)) if (mnl_attr_get_type(a) ==
							    RTA_GATEWAY) a->nla_len = 4 + 2;
		ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "RTA_GATEWAY"));
	}
	/* attributes overrunning the message */
	len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);
	nlh->nlmsg_len = (uint32_t)len - 2;
	ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);

	/* seg6 inline mode (not what kvte writes): a route with no next hops */
	{
		static const char *const sl[] = {"fc00::1"};
		struct nlattr *a;

		e = route("2001:db8::/32");
		segs_set(nh_add(&e, "et1", NULL), sl, 1);
		len = nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &e, &t_opts, 1);
		ck_assert_int_gt(len, 0);
		ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_ROUTE);
		ck_assert_uint_eq(parsed.route.n_nh, 1);
		mnl_attr_for_each(a, nlh, sizeof(*rtm))
		{
			if (mnl_attr_get_type(a) == RTA_ENCAP) {
				struct nlattr *srh = mnl_attr_get_payload(a);
				int inl = SEG6_IPTUN_MODE_INLINE;

				memcpy(mnl_attr_get_payload(srh), &inl, sizeof(inl));
			}
		}
		ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), NL_OBJ_ROUTE);
		ck_assert_uint_eq(parsed.route.n_nh, 0);
	}
	/* an SRH whose hdrlen disagrees with its length */
	{
		struct nl_sid s = sid("fc00::b6/128", NL_SID_END_B6_ENCAPS, "lo");
		struct nlattr *a;

		s.n_segs = 1;
		s.segs[0] = A("fc00::1");
		ck_assert_int_gt(nl_build_sid(buf, sizeof(buf), RIB_OP_ADD, &s, &t_opts, 1),
				 0);
		mnl_attr_for_each(a, nlh, sizeof(*rtm))
		{
			if (mnl_attr_get_type(a) == RTA_ENCAP) {
				struct nlattr *x;

				mnl_attr_for_each_nested(x, a) if (mnl_attr_get_type(x) ==
								   SEG6_LOCAL_SRH)(
					(uint8_t *)mnl_attr_get_payload(x))[1] = 4;
			}
		}
		ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "hdrlen"));
	}
	/* an MPLS stack with a misplaced bottom-of-stack bit */
	{
		struct nl_mpls_route r = mpls_route(100);
		struct nlattr *a;

		mnh_add(&r, "et1", "10.0.0.2")->n_labels = 2;
		r.nh[0].labels[0] = 200;
		r.nh[0].labels[1] = 300;
		ck_assert_int_gt(
			nl_build_mpls(buf, sizeof(buf), RIB_OP_ADD, &r, &t_opts, 1), 0);
		mnl_attr_for_each(a, nlh, sizeof(*rtm)) if (mnl_attr_get_type(a) ==
							    RTA_NEWDST)(
			(uint8_t *)mnl_attr_get_payload(a))[2] |= 1;
		ck_assert_int_eq(nl_parse_route(nlh, &t_opts, &parsed, why), -EINVAL);
		ck_assert_ptr_nonnull(strstr(why, "bottom-of-stack"));
	}
}
END_TEST

START_TEST(dump_request)
{
	const struct nlmsghdr *nlh = (const void *)buf;
	struct gold g;
	uint8_t hdr[12] = {0};
	int len;

	len = nl_build_dump(buf, sizeof(buf), AF_INET6, &t_opts, 5);
	g_hdr(&g, RTM_GETROUTE, NLM_F_REQUEST | NLM_F_DUMP, 5);
	g_rtmsg(&g, AF_INET6, 0, RT_TABLE_MAIN, 0, 0);
	g_end(&g);
	expect_bytes(buf, len, &g);
	/* MPLS: af_mpls' strict dump check refuses a table */
	len = nl_build_dump(buf, sizeof(buf), AF_MPLS, &t_opts, 6);
	ck_assert_int_eq(len, 16 + 12);
	hdr[0] = AF_MPLS;
	hdr[5] = KVTE_RTPROT;
	ck_assert_mem_eq(mnl_nlmsg_get_payload(nlh), hdr, 12);
	ck_assert_int_eq(nl_build_dump(buf, 10, AF_INET, &t_opts, 1), -ENOSPC);
}
END_TEST

/* ---- planning
 * --------------------------------------------------------------------------------- */

START_TEST(plan_routes_sids_mpls)
{
	struct rib_fib_entry want[3], have[3];
	struct nl_sid ws[2], hs[2];
	struct nl_mpls_route wm[1], hm[1];
	struct nl_fib d = {want, 3, ws, 2, wm, 1}, c = {have, 3, hs, 2, hm, 1};
	struct nl_plan p;
	char why[NL_ERRMSG_MAX];

	/* desired routes carry tunnel names, sources, metrics; the kernel has none of them
	 */
	want[0] = route("10.0.0.0/24");
	nh_add(&want[0], "et1", "100.65.0.2");
	want[1] = route("10.0.1.0/24");
	nh_add(&want[1], "et1", "100.65.0.2");
	nh_add(&want[1], "et2", "100.66.0.2");
	want[2] = route("192.168.50.4/32");
	{
		static const char *const sl[] = {"fc00:0:2::1", "fc00:0:4::d4"};

		segs_set(nh_add(&want[2], "et1", "100.65.0.2"), sl, 2);
	}
	/* the kernel: what a dump of exactly these gives (parse of our own messages), with
	 * next hops in another order */
	for (int i = 0; i < 3; i++) {
		ck_assert_int_gt(
			nl_build_route(buf, sizeof(buf), RIB_OP_ADD, &want[i], &t_opts, 1),
			0);
		ck_assert_int_eq(nl_parse_route((const void *)buf, &t_opts, &parsed, why),
				 NL_OBJ_ROUTE);
		have[i] = parsed.route;
	}
	{
		struct rib_nh t = have[1].nh[0];

		have[1].nh[0] = have[1].nh[1];
		have[1].nh[1] = t;
	}
	ws[0] = sid("fc00:0:1::e1/128", NL_SID_END_X, "et1");
	ws[0].nh6 = A("fe80::2");
	ws[1] = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "lo");
	ws[1].nh4 = A("0.0.0.0");
	hs[0] = ws[1];
	hs[1] = ws[0];
	wm[0] = mpls_route(100);
	mnh_add(&wm[0], "et1", "10.0.0.2");
	hm[0] = wm[0];

	ck_assert_int_eq(nl_plan_make(&d, &c, &p), 0);
	ck_assert_uint_eq(p.n_ops, 0); /* idempotent */
	nl_plan_free(&p);

	/* changes: route 0 gone from the kernel, route 1 differs, an extra kernel route;
	 * SID 0 changed; an extra MPLS route in the kernel */
	have[0] = route("10.9.0.0/16");
	nh_add(&have[0], "et1", NULL);
	have[1].n_nh = 1;
	hs[1].nh6 = A("fe80::3");
	{
		struct nl_mpls_route hm2[2] = {hm[0], mpls_route(200)};

		mnh_add(&hm2[1], "et2", NULL);
		c.mpls = hm2;
		c.n_mpls = 2;
		ck_assert_int_eq(nl_plan_make(&d, &c, &p), 0);
		ck_assert_uint_eq(p.adds, 1);
		ck_assert_uint_eq(p.replaces, 2);
		ck_assert_uint_eq(p.deletes, 2);
		ck_assert_uint_eq(p.n_ops, 5);
		/* SID replace first, then route add/replace, then route and MPLS deletes */
		ck_assert_int_eq(p.ops[0].obj, NL_OBJ_SID);
		ck_assert_int_eq(p.ops[0].kind, RIB_OP_REPLACE);
		ck_assert_ptr_eq(p.ops[0].sid, &ws[0]);
		ck_assert_int_eq(p.ops[1].obj, NL_OBJ_ROUTE);
		ck_assert_int_eq(p.ops[1].kind, RIB_OP_ADD);
		ck_assert_int_eq(p.ops[2].kind, RIB_OP_REPLACE);
		ck_assert_int_eq(p.ops[3].obj, NL_OBJ_ROUTE);
		ck_assert_int_eq(p.ops[3].kind, RIB_OP_DELETE);
		ck_assert_int_eq(p.ops[4].obj, NL_OBJ_MPLS);
		ck_assert_int_eq(p.ops[4].kind, RIB_OP_DELETE);
		ck_assert_uint_eq(p.ops[4].mpls->label, 200);
		{
			char s[96];

			ck_assert_str_eq(nl_op_describe(&p.ops[0], s, sizeof(s)),
					 "replace sid fc00:0:1::e1/128 End.X");
			ck_assert_str_eq(nl_op_describe(&p.ops[4], s, sizeof(s)),
					 "delete mpls 200");
		}
		nl_plan_free(&p);
	}
	/* duplicates refused */
	hs[1] = hs[0];
	ck_assert_int_eq(nl_plan_make(&d, &c, &p), -EINVAL);
	/* everything from empty */
	ck_assert_int_eq(nl_plan_make(&d, NULL, &p), 0);
	ck_assert_uint_eq(p.adds, 6);
	nl_plan_free(&p);
	ck_assert_int_eq(nl_plan_make(NULL, NULL, &p), 0);
	ck_assert_uint_eq(p.n_ops, 0);
	nl_plan_free(&p);
}
END_TEST

/* ---- capabilities and sysctls over a fake /proc/sys
 * ------------------------------------------------ */

static char tree[64];

static void mkdirs(const char *rel)
{
	char path[512], *p;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	for (p = path + strlen(tree) + 1; (p = strchr(p, '/')); p++) {
		*p = '\0';
		mkdir(path, 0755);
		*p = '/';
	}
	mkdir(path, 0755);
}

static void put(const char *rel, const char *v)
{
	char path[512], dir[256], *slash;
	FILE *f;

	snprintf(dir, sizeof(dir), "%s", rel);
	slash = strrchr(dir, '/');
	*slash = '\0';
	mkdirs(dir);
	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "%s\n", v);
	fclose(f);
}

static const char *get(const char *rel)
{
	static char v[64];
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	ck_assert_ptr_nonnull(fgets(v, sizeof(v), f));
	fclose(f);
	v[strcspn(v, "\n")] = '\0';
	return v;
}

static void tree_setup(void)
{
	strcpy(tree, "/tmp/kvte-nlroute-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tree));
}

static void tree_teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tree);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(caps_probe)
{
	struct nl_caps c;

	put("net/ipv6/conf/all/seg6_enabled", "0");
	nl_caps_probe(tree, &c);
	ck_assert(c.seg6_encap);
	ck_assert(!c.mpls);
	ck_assert(c.seg6_encap && c.seg6_local && !c.mpls_encap);
	ck_assert_ptr_null(nl_caps_seg6_reason(&c));
	ck_assert_ptr_null(nl_caps_seg6_local_reason(&c));
	ck_assert_str_eq(nl_caps_mpls_encap_reason(&c), nl_caps_mpls_reason(&c));
	ck_assert_str_eq(
		nl_caps_mpls_reason(&c),
		"kernel MPLS not available (no /proc/sys/net/mpls: module mpls_router "
		"not loaded or not built); MPLS entries are refused");
	put("net/mpls/platform_labels", "0");
	nl_caps_probe(tree, &c);
	ck_assert(c.mpls && c.mpls_encap);
	ck_assert_ptr_null(nl_caps_mpls_reason(&c));
	ck_assert_ptr_null(nl_caps_mpls_encap_reason(&c));
	c.mpls_encap = false;
	ck_assert_ptr_nonnull(strstr(nl_caps_mpls_encap_reason(&c), "mpls_iptunnel"));
	c.seg6_encap = c.seg6_local = false;
	ck_assert_ptr_nonnull(strstr(nl_caps_seg6_reason(&c), "CONFIG_IPV6_SEG6_LWTUNNEL"));
	ck_assert_ptr_nonnull(
		strstr(nl_caps_seg6_local_reason(&c), "SID entries are refused"));
}
END_TEST

struct changes {
	int n;
	char line[16][128];
};

static void on_change(void *ctx, const char *name, const char *old, const char *new_value)
{
	struct changes *c = ctx;

	ck_assert_int_lt(c->n, 16);
	snprintf(c->line[c->n++], sizeof(c->line[0]), "%s %s->%s", name, old, new_value);
}

START_TEST(dataplane_sysctls)
{
	const char *ifs[] = {"et1", "et2", "et3"};
	struct nl_dataplane_cfg cfg = {ifs, 3, false, 0};
	struct changes ch = {0};

	put("net/ipv4/ip_forward", "0");
	put("net/ipv6/conf/all/forwarding", "1");
	put("net/ipv6/conf/all/seg6_enabled", "0");
	put("net/ipv4/conf/all/rp_filter", "0");
	put("net/ipv6/conf/et1/seg6_enabled", "0");
	put("net/ipv4/conf/et1/rp_filter", "1");
	put("net/ipv6/conf/et2/seg6_enabled", "1");
	put("net/ipv4/conf/et2/rp_filter", "0");
	put("net/ipv6/conf/et3/seg6_enabled", "0");
	put("net/ipv4/conf/et3/rp_filter", "2");

	/* order: globals, then per interface seg6_enabled then rp_filter */
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), 5);
	ck_assert_int_eq(ch.n, 5);
	ck_assert_str_eq(ch.line[0], "net.ipv4.ip_forward 0->1");
	ck_assert_str_eq(ch.line[1], "net.ipv6.conf.all.seg6_enabled 0->1");
	ck_assert_str_eq(ch.line[2], "net.ipv6.conf.et1.seg6_enabled 0->1");
	ck_assert_str_eq(ch.line[3], "net.ipv4.conf.et1.rp_filter 1->2");
	ck_assert_str_eq(ch.line[4], "net.ipv6.conf.et3.seg6_enabled 0->1");
	ck_assert_str_eq(get("net/ipv4/ip_forward"), "1");
	ck_assert_str_eq(get("net/ipv6/conf/all/forwarding"), "1");
	ck_assert_str_eq(get("net/ipv6/conf/et3/seg6_enabled"), "1");
	ck_assert_str_eq(get("net/ipv4/conf/et1/rp_filter"), "2");
	ck_assert_str_eq(get("net/ipv4/conf/et2/rp_filter"), "0"); /* off stays off */
	ck_assert_str_eq(get("net/ipv4/conf/et3/rp_filter"), "2");
	/* second run: nothing to change */
	ch.n = 0;
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), 0);
	ck_assert_int_eq(ch.n, 0);
}
END_TEST

START_TEST(dataplane_sysctls_strict_all_and_mpls)
{
	const char *ifs[] = {"et1"};
	struct nl_dataplane_cfg cfg = {ifs, 1, false, 0};
	struct changes ch = {0};

	put("net/ipv4/ip_forward", "1");
	put("net/ipv6/conf/all/forwarding", "1");
	put("net/ipv6/conf/all/seg6_enabled", "1");
	put("net/ipv4/conf/all/rp_filter", "1"); /* strict everywhere */
	put("net/ipv6/conf/et1/seg6_enabled", "1");
	put("net/ipv4/conf/et1/rp_filter", "0"); /* max(1, 0) = strict */
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), 1);
	ck_assert_str_eq(ch.line[0], "net.ipv4.conf.et1.rp_filter 0->2");
	/* idempotent */
	ch.n = 0;
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), 0);
	ck_assert_int_eq(ch.n, 0);
	/* MPLS wanted without kernel MPLS: refused, the rest still done */
	cfg.mpls = true;
	put("net/ipv4/ip_forward", "0");
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), -EOPNOTSUPP);
	ck_assert_str_eq(get("net/ipv4/ip_forward"), "1");
	/* with MPLS */
	put("net/mpls/platform_labels", "0");
	put("net/mpls/conf/et1/input", "0");
	ch.n = 0;
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, on_change, &ch), 2);
	ck_assert_str_eq(ch.line[0], "net.mpls.platform_labels 0->1048575");
	ck_assert_str_eq(ch.line[1], "net.mpls.conf.et1.input 0->1");
	/* a missing interface and a bad name are errors, not silence */
	ifs[0] = "../x";
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, NULL, NULL), -EINVAL);
	ifs[0] = "et9";
	ck_assert_int_eq(nl_dataplane_setup(tree, &cfg, NULL, NULL), -ENOENT);
}
END_TEST

static Suite *nl_route_suite(void)
{
	Suite *s = suite_create("nl_route");
	TCase *tc = tcase_create("messages");
	TCase *tf = tcase_create("procsys");

	tcase_add_test(tc, ipv4_single_gateway);
	tcase_add_test(tc, ipv4_onlink_and_delete);
	tcase_add_test(tc, ipv4_via_ipv6_gateway);
	tcase_add_test(tc, ipv6_multipath);
	tcase_add_test(tc, seg6_encap_srh_layout);
	tcase_add_test(tc, mtu_reduction);
	tcase_add_test(tc, bad_routes);
	tcase_add_test(tc, mpls_swap_bytes);
	tcase_add_test(tc, mpls_pop_and_delete_bytes);
	tcase_add_test(tc, mpls_multipath_bytes);
	tcase_add_test(tc, mpls_push_encap_bytes);
	tcase_add_test(tc, sid_messages);
	tcase_add_test(tc, round_trip_routes);
	tcase_add_test(tc, round_trip_sids_and_mpls);
	tcase_add_test(tc, parse_filters_and_malformed);
	tcase_add_test(tc, dump_request);
	tcase_add_test(tc, plan_routes_sids_mpls);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(tf, tree_setup, tree_teardown);
	tcase_add_test(tf, caps_probe);
	tcase_add_test(tf, dataplane_sysctls);
	tcase_add_test(tf, dataplane_sysctls_strict_all_and_mpls);
	suite_add_tcase(s, tf);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(nl_route_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
