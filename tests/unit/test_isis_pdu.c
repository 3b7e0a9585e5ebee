/* test_isis_pdu — Check suite for speaker/pdu.c (with tlv.c, subtlv.c, format.c):
 * golden round trips for every PDU type (encode -> decode -> format equals
 * tests/golden/isis/<name>.txt; decode -> encode gives the same bytes; the decoded
 * view keeps a copy of the original bytes), the seed topology's r1 LSP, purges, and a
 * corpus of malformed PDUs each rejected with its own error. KVTE_UPDATE_GOLDEN=1
 * rewrites the golden files and the fuzz seed corpus (tests/fuzz/corpus/isis_pdu/). */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"
#include "tests/support/isis_golden.h"

static uint8_t buf[65536];

static void add_area_49_0002(struct isis_pdu *p)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_AREA);
	struct isis_area *a = isis_tlv_item_add(t);

	a->len = 3;
	a->addr[0] = 0x49;
	a->addr[1] = 0x00;
	a->addr[2] = 0x02;
}

static void add_nlpids(struct isis_pdu *p)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_PROTOCOLS);

	*(uint8_t *)isis_tlv_item_add(t) = 0xcc;
	*(uint8_t *)isis_tlv_item_add(t) = 0x8e;
}

static void add_hostname(struct isis_pdu *p, const char *name)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_HOSTNAME);

	t->u.hostname.len = (uint8_t)strlen(name);
	memcpy(t->u.hostname.name, name, strlen(name));
}

/* One TE link of the seed: 1 Gb/s, TE metric = IGP metric, delay in microseconds */
static void add_link(struct isis_tlv *t, unsigned nbr, unsigned metric, uint32_t group,
		     const char *local, const char *remote, uint32_t delay_us, uint8_t endx)
{
	struct isis_ext_is *x = isis_tlv_item_add(t);
	struct isis_subtlv *s;

	isis_test_sysid(x->id, nbr);
	x->metric = metric;
	isis_test_sub(&x->sub, ISIS_SUB_ADMIN_GROUP)->v.u32 = group;
	isis_test_v4(isis_test_sub(&x->sub, ISIS_SUB_IPV4_IFADDR)->v.addr, local);
	isis_test_v4(isis_test_sub(&x->sub, ISIS_SUB_IPV4_NBRADDR)->v.addr, remote);
	isis_test_sub(&x->sub, ISIS_SUB_MAX_BW)->v.u32 = isis_test_fbits(125e6f); /* bytes/s */
	isis_test_sub(&x->sub, ISIS_SUB_MAX_RSV_BW)->v.u32 = isis_test_fbits(125e6f);
	s = isis_test_sub(&x->sub, ISIS_SUB_UNRSV_BW);
	for (int i = 0; i < 8; i++)
		s->v.bw[i] = isis_test_fbits(125e6f);
	isis_test_sub(&x->sub, ISIS_SUB_TE_METRIC)->v.u32 = metric;
	isis_test_sub(&x->sub, ISIS_SUB_LINK_DELAY)->v.u32 = delay_us;
	s = isis_test_sub(&x->sub, ISIS_SUB_MINMAX_DELAY);
	s->v.pair[0] = delay_us;
	s->v.pair[1] = delay_us;
	s = isis_test_sub(&x->sub, ISIS_SUB_SRV6_ENDX);
	s->v.sid.behavior = 5; /* End.X */
	isis_test_v6(s->v.sid.sid, "fc00:0:1:e000::");
	s->v.sid.sid[7] = endx;
}

static void add_ip(struct isis_tlv *t, const char *pfx, unsigned plen, uint32_t metric)
{
	struct isis_ext_ip *x = isis_tlv_item_add(t);

	isis_test_v4(x->prefix, pfx);
	x->plen = (uint8_t)plen;
	x->metric = metric;
}

static void add_ip6(struct isis_tlv *t, const char *pfx, unsigned plen, uint32_t metric)
{
	struct isis_ipv6_reach *x = isis_tlv_item_add(t);

	isis_test_v6(x->prefix, pfx);
	x->plen = (uint8_t)plen;
	x->metric = metric;
}

static void add_locator(struct isis_pdu *p)
{
	struct isis_tlv *t = isis_tlv_add(p, ISIS_TLV_SRV6_LOCATOR);
	struct isis_locator *l = isis_tlv_item_add(t);
	struct isis_subtlv *s;
	/* RFC 9352 9: SID structure sub-sub-TLV, LB 32 LN 16 function 16 argument 0 */
	static const uint8_t structure[] = { 1, 4, 32, 16, 16, 0 };

	isis_test_v6(l->loc, "fc00:0:1::");
	l->size = 48;
	s = isis_test_sub(&l->sub, ISIS_SUB_SRV6_END);
	s->v.sid.behavior = 1; /* End */
	isis_test_v6(s->v.sid.sid, "fc00:0:1::");
	s->v.sid.sub_len = sizeof(structure);
	memcpy(s->v.sid.sub, structure, sizeof(structure));
}

/* r1 of the seed topology (../shared/topologies/seed.json): area 49.0002, links to r2
 * (100.65.0.2/31, TE metric 51, 50 ms) and r3 (100.65.0.6/31, TE metric 155, 120 ms),
 * loopbacks 192.168.50.1 and fc00:0:1::1, locator fc00:0:1::/48. */
static void build_r1(struct isis_pdu *p)
{
	struct isis_tlv *t;
	struct isis_subtlv *s;

	isis_pdu_init(p, ISIS_L2_LSP);
	p->h.lsp.lifetime = 1199;
	isis_test_sysid(p->h.lsp.lsp_id, 1);
	p->h.lsp.seq = 8;
	p->h.lsp.flags = 0x03; /* IS type: level 2 */
	add_area_49_0002(p);
	add_nlpids(p);
	add_hostname(p, "r1");
	isis_test_v4(isis_tlv_add(p, ISIS_TLV_TE_ROUTER_ID)->u.router_id, "192.168.50.1");
	isis_test_v4(*(uint8_t (*)[4])isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_IP_IFADDR)), "192.168.50.1");
	isis_test_v6(*(uint8_t (*)[16])isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_IPV6_IFADDR)),
	   "fc00:0:1::1");
	t = isis_tlv_add(p, ISIS_TLV_ROUTER_CAP);
	isis_test_v4(t->u.cap.router_id, "192.168.50.1");
	s = isis_test_sub(&t->u.cap.sub, ISIS_SUB_SRV6_CAP);
	(void)s;
	t = isis_tlv_add(p, ISIS_TLV_EXT_IS_REACH);
	add_link(t, 2, 51, 0x1, "100.65.0.2", "100.65.0.3", 50000, 0x01);
	add_link(t, 3, 155, 0x2, "100.65.0.6", "100.65.0.7", 120000, 0x02);
	t = isis_tlv_add(p, ISIS_TLV_EXT_IP_REACH);
	add_ip(t, "192.168.50.1", 32, 500);
	add_ip(t, "100.65.0.2", 31, 51);
	add_ip(t, "100.65.0.6", 31, 155);
	t = isis_tlv_add(p, ISIS_TLV_IPV6_REACH);
	add_ip6(t, "fc00:0:1::1", 128, 500);
	add_ip6(t, "fc00:0:1::", 48, 0);
	add_locator(p);
}

START_TEST(pdu_r1_lsp_golden)
{
	struct isis_pdu p, d;
	struct isis_err e;
	size_t n = 0;

	build_r1(&p);
	isis_test_roundtrip(&p, "r1_lsp", 0);
	/* header fields survive, checksum verifies, lifetime is outside the checksum */
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	ck_assert(isis_lsp_checksum_ok(buf, n));
	ck_assert_int_eq(isis_pdu_decode(buf, n, &d, &e), 0);
	ck_assert(d.checksum_ok);
	ck_assert_uint_eq(d.h.lsp.seq, 8);
	ck_assert_uint_eq(d.h.lsp.lifetime, 1199);
	ck_assert_uint_eq(d.h.lsp.checksum, (unsigned)(buf[24] << 8 | buf[25]));
	ck_assert_uint_eq(d.ntlvs, p.ntlvs);
	ck_assert_uint_eq(d.tlvs[7].type, ISIS_TLV_EXT_IS_REACH);
	ck_assert_uint_eq(d.tlvs[7].n, 2);
	ck_assert_uint_eq(d.tlvs[7].it.is[1].metric, 155);
	ck_assert_uint_eq(d.tlvs[7].it.is[1].sub.n, 10);
	isis_pdu_free(&d);
	buf[10] = 0;
	buf[11] = 1; /* remaining lifetime 1: still verifies */
	ck_assert(isis_lsp_checksum_ok(buf, n));
	isis_pdu_free(&p);
}
END_TEST

/* Ethernet padding after the PDU is ignored; the raw copy holds only the PDU */
START_TEST(pdu_trailing_bytes_ignored)
{
	struct isis_pdu p, d;
	struct isis_err e;
	size_t n = 0;

	build_r1(&p);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	memset(buf + n, 0xee, 20);
	ck_assert_int_eq(isis_pdu_decode(buf, n + 20, &d, &e), 0);
	ck_assert_uint_eq(d.raw_len, n);
	ck_assert_uint_eq(d.pdu_len, n);
	isis_pdu_free(&d);
	isis_pdu_free(&p);
}
END_TEST

static void build_iih(struct isis_pdu *p)
{
	struct isis_tlv *t;

	isis_pdu_init(p, ISIS_P2P_IIH);
	p->h.iih.circuit_type = 2;
	isis_test_sysid(p->h.iih.source, 1);
	p->h.iih.hold_time = 30;
	p->h.iih.circuit_id = 1;
	add_area_49_0002(p);
	add_nlpids(p);
	isis_test_v4(*(uint8_t (*)[4])isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_IP_IFADDR)), "100.65.0.2");
	t = isis_tlv_add(p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 15;
	t->u.p2p.state = 0;
	t->u.p2p.ext_circuit_id = 3;
	isis_test_sysid(t->u.p2p.nbr_sysid, 2);
	t->u.p2p.nbr_ext_circuit_id = 4;
}

START_TEST(pdu_p2p_iih_padded_golden)
{
	struct isis_pdu p, d;
	struct isis_err e;
	size_t n = 0;

	build_iih(&p);
	isis_test_roundtrip(&p, "p2p_iih", 1497);
	ck_assert_int_eq(isis_pdu_encode(&p, 1497, buf, sizeof(buf), &n), 0);
	ck_assert_uint_eq(n, 1497);
	ck_assert_uint_eq((unsigned)(buf[17] << 8 | buf[18]), 1497);
	ck_assert_int_eq(isis_pdu_decode(buf, n, &d, &e), 0);
	ck_assert_uint_eq(d.tlvs[d.ntlvs - 1].type, ISIS_TLV_PADDING);
	isis_pdu_free(&d);
	isis_pdu_free(&p);
}
END_TEST

/* Every padded size from the bare PDU upwards is reachable except exactly one byte
 * more than the unpadded length (a TLV needs two). */
START_TEST(pdu_padding_every_size)
{
	struct isis_pdu p, d;
	struct isis_err e;
	size_t n = 0, base = 0;

	build_iih(&p);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &base), 0);
	ck_assert_int_eq(isis_pdu_encode(&p, base + 1, buf, sizeof(buf), &n), -EINVAL);
	ck_assert_int_eq(isis_pdu_encode(&p, base - 5, buf, sizeof(buf), &n), 0);
	ck_assert_uint_eq(n, base);
	for (size_t to = base + 2; to < base + 800; to++) {
		ck_assert_int_eq(isis_pdu_encode(&p, to, buf, sizeof(buf), &n), 0);
		ck_assert_uint_eq(n, to);
		ck_assert_msg(isis_pdu_decode(buf, n, &d, &e) == 0, "%zu: %s", to, isis_test_err_str(&e));
		isis_pdu_free(&d);
	}
	/* no room */
	ck_assert_int_eq(isis_pdu_encode(&p, 1497, buf, 1000, &n), -EMSGSIZE);
	isis_pdu_free(&p);
}
END_TEST

static void lsp_entry(struct isis_tlv *t, unsigned node, uint32_t seq, uint16_t ck)
{
	struct isis_lsp_entry *l = isis_tlv_item_add(t);

	isis_test_sysid(l->lsp_id, node);
	l->seq = seq;
	l->checksum = ck;
	l->lifetime = (uint16_t)(1000 + node);
}

START_TEST(pdu_csnp_psnp_golden)
{
	struct isis_pdu p;
	struct isis_tlv *t;

	isis_pdu_init(&p, ISIS_L2_CSNP);
	isis_test_sysid(p.h.snp.source, 1);
	memset(p.h.snp.end, 0xff, ISIS_LSPID_LEN);
	t = isis_tlv_add(&p, ISIS_TLV_LSP_ENTRIES);
	for (unsigned i = 1; i <= 5; i++)
		lsp_entry(t, i, i * 3, (uint16_t)(0x1000 * i + i));
	isis_test_roundtrip(&p, "l2_csnp", 0);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L1_CSNP);
	isis_test_sysid(p.h.snp.source, 2);
	p.h.snp.start[5] = 1;
	memset(p.h.snp.end, 0xff, ISIS_LSPID_LEN);
	isis_test_roundtrip(&p, "l1_csnp_empty", 0);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L2_PSNP);
	isis_test_sysid(p.h.snp.source, 3);
	lsp_entry(isis_tlv_add(&p, ISIS_TLV_LSP_ENTRIES), 1, 8, 0xabcd);
	isis_test_roundtrip(&p, "l2_psnp", 0);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L1_PSNP);
	isis_test_sysid(p.h.snp.source, 4);
	lsp_entry(isis_tlv_add(&p, ISIS_TLV_LSP_ENTRIES), 2, 1, 0x1234);
	isis_test_roundtrip(&p, "l1_psnp", 0);
	isis_pdu_free(&p);
}
END_TEST

START_TEST(pdu_l1_lsp_golden)
{
	struct isis_pdu p;

	isis_pdu_init(&p, ISIS_L1_LSP);
	p.h.lsp.lifetime = 900;
	isis_test_sysid(p.h.lsp.lsp_id, 5);
	p.h.lsp.lsp_id[6] = 1; /* pseudonode 1 */
	p.h.lsp.lsp_id[7] = 2; /* fragment 2 */
	p.h.lsp.seq = 0xdeadbeef;
	p.h.lsp.flags = ISIS_LSP_OL | ISIS_LSP_P | 0x08 | 0x01;
	add_area_49_0002(&p);
	add_hostname(&p, "r5");
	isis_test_roundtrip(&p, "l1_lsp_pseudonode_ol", 0);
	isis_pdu_free(&p);
}
END_TEST

/* RFC 6232/6233: a purge with purge originator, hostname and authentication only */
START_TEST(pdu_purge_golden)
{
	struct isis_pdu p, d;
	struct isis_err e;
	struct isis_tlv *t;
	size_t n = 0;

	isis_pdu_init(&p, ISIS_L2_LSP);
	isis_test_sysid(p.h.lsp.lsp_id, 2);
	p.h.lsp.seq = 9;
	p.h.lsp.flags = 0x03;
	t = isis_tlv_add(&p, ISIS_TLV_PURGE_ORIG);
	t->u.purge.count = 2;
	isis_test_sysid(t->u.purge.sysid[0], 1);
	isis_test_sysid(t->u.purge.sysid[1], 3);
	add_hostname(&p, "r1");
	isis_test_roundtrip(&p, "l2_lsp_purge", 0);
	/* ISO 10589 7.3.16.4: the checksum of a purge is not checked */
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	buf[25] ^= 0x55;
	ck_assert_int_eq(isis_pdu_decode(buf, n, &d, &e), 0);
	ck_assert(!d.checksum_ok);
	isis_pdu_free(&d);
	/* a bare purge (no TLVs at all) is fine too */
	isis_pdu_free(&p);
	isis_pdu_init(&p, ISIS_L2_LSP);
	isis_test_sysid(p.h.lsp.lsp_id, 2);
	p.h.lsp.seq = 10;
	isis_test_roundtrip(&p, "l2_lsp_purge_bare", 0);
	isis_pdu_free(&p);
}
END_TEST

/* --- malformed corpus ---------------------------------------------------------------- */

struct bad_case {
	const char *name;
	uint8_t tlvs[64];
	size_t n;
	const char *reason;
	size_t offset;
	int tlv;
	int sub;
};

#define HOST 137, 2, 'r', '1' /* a valid TLV to start with: 4 bytes at offset 27 */

static const struct bad_case bad_tlvs[] = {
	{ "tlv_header_truncated", { HOST, 22 }, 5, "truncated TLV header", 31, -1, -1 },
	{ "tlv_past_pdu", { HOST, 22, 10, 1, 2, 3 }, 9, "TLV length past end of PDU", 31, 22, -1 },
	{ "area_len_zero", { 1, 1, 0 }, 3, "bad area address length", 29, 1, -1 },
	{ "area_len_14", { 1, 2, 14, 0x49 }, 4, "bad area address length", 29, 1, -1 },
	{ "area_truncated", { 1, 3, 3, 0x49, 0 }, 5, "truncated entry", 29, 1, -1 },
	{ "mac_len", { 6, 7, 1, 2, 3, 4, 5, 6, 7 }, 9, "bad TLV length", 29, 6, -1 },
	{ "lsp_entries_len", { 9, 15 }, 17, "bad TLV length", 29, 9, -1 },
	{ "auth_empty", { 10, 0 }, 2, "empty authentication TLV", 29, 10, -1 },
	{ "poi_count_3", { 13, 19, 3 }, 21, "bad system ID count", 29, 13, -1 },
	{ "poi_len", { 13, 8, 1, 1, 2, 3, 4, 5, 6, 7 }, 10, "bad TLV length", 29, 13, -1 },
	{ "is_truncated", { 22, 5, 1, 2, 3, 4, 5 }, 7, "truncated entry", 29, 22, -1 },
	{ "is_subs_past_tlv", { 22, 11, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 50 }, 13,
	  "sub-TLV length past end of TLV", 39, 22, -1 },
	{ "is_sub_overrun", { 22, 17, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 6, 9, 8, 1, 2, 3, 4 }, 19,
	  "sub-TLV length past end of parent", 40, 22, 9 },
	{ "is_sub_header", { 22, 12, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 1, 9 }, 14,
	  "truncated sub-TLV header", 40, 22, 9 },
	{ "is_sub_bad_len", { 22, 16, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 5, 9, 3, 1, 2, 3 }, 18,
	  "bad sub-TLV length", 40, 22, 9 },
	{ "is_unrsv_short", { 22, 15, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 4, 11, 2, 0, 0 }, 17,
	  "bad sub-TLV length", 40, 22, 11 },
	{ "endx_truncated", { 22, 17, 1, 2, 3, 4, 5, 6, 0, 0, 0, 10, 6, 43, 4, 0, 0, 0, 5 }, 19,
	  "SRv6 SID truncated", 42, 22, 43 },
	{ "ip_plen_33", { 135, 5, 0, 0, 0, 1, 33 }, 7, "bad prefix length", 33, 135, -1 },
	{ "ip_truncated", { 135, 6, 0, 0, 0, 1, 24, 10 }, 8, "truncated entry", 29, 135, -1 },
	{ "ip_subs_past_tlv", { 135, 7, 0, 0, 0, 1, 0x48, 10, 9 }, 9,
	  "sub-TLV length past end of TLV", 35, 135, -1 },
	{ "narrow_len", { 128, 11 }, 13, "bad TLV length", 29, 128, -1 },
	{ "router_id_len", { 134, 3, 1, 2, 3 }, 5, "bad TLV length", 29, 134, -1 },
	{ "hostname_empty", { 137, 0 }, 2, "empty hostname", 29, 137, -1 },
	{ "srlg_len", { 138, 15 }, 17, "bad TLV length", 29, 138, -1 },
	{ "srlg_len_odd", { 138, 18 }, 20, "bad TLV length", 29, 138, -1 },
	{ "ipv6_addr_len", { 232, 15 }, 17, "bad TLV length", 29, 232, -1 },
	{ "ipv6_plen_129", { 236, 6, 0, 0, 0, 1, 0, 129 }, 8, "bad prefix length", 34, 236, -1 },
	{ "three_way_len", { 240, 2, 0, 0 }, 4, "bad TLV length", 29, 240, -1 },
	{ "cap_short", { 242, 4, 1, 2, 3, 4 }, 6, "bad TLV length", 29, 242, -1 },
	{ "srv6_cap_short", { 242, 8, 1, 2, 3, 4, 0, 25, 1, 0 }, 10,
	  "SRv6 capabilities truncated", 36, 242, 25 },
	{ "locator_size_0", { 27, 11, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 }, 13,
	  "bad locator length", 37, 27, -1 },
	{ "locator_size_129", { 27, 9, 0, 0, 0, 0, 0, 0, 0, 0, 129 }, 11,
	  "bad locator length", 37, 27, -1 },
	{ "locator_mtid_short", { 27, 1, 0 }, 3, "bad TLV length", 29, 27, -1 },
	{ "end_sid_subsub", { 27, 33, 0, 0, 0, 0, 0, 0, 0, 0, 8, 0xfc, 22, 5, 20, 0, 0, 1,
			      0xfc, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7 }, 35,
	  "sub-sub-TLV length mismatch", 61, 27, 5 },
};

START_TEST(pdu_malformed_tlvs)
{
	const struct bad_case *c = &bad_tlvs[_i];
	static uint8_t pdu[512];
	struct isis_pdu p;
	struct isis_err e;
	size_t n = isis_test_lsp_with(1, c->tlvs, c->n, pdu);
	char name[128];

	ck_assert_msg(isis_pdu_decode(pdu, n, &p, &e) == -EBADMSG, "%s decoded", c->name);
	ck_assert_msg(e.reason && strcmp(e.reason, c->reason) == 0, "%s: got %s", c->name,
		      isis_test_err_str(&e));
	ck_assert_msg(e.offset == c->offset, "%s: %s", c->name, isis_test_err_str(&e));
	ck_assert_msg(e.tlv == c->tlv && e.sub == c->sub, "%s: %s", c->name, isis_test_err_str(&e));
	ck_assert_ptr_null(p.raw);
	ck_assert_ptr_null(p.tlvs);
	snprintf(name, sizeof(name), "bad_%s", c->name);
	isis_test_save_corpus(name, pdu, n);
}
END_TEST

/* Header-level corruption of a valid LSP (and of a hello / SNP). */
START_TEST(pdu_malformed_headers)
{
	static uint8_t good[2048], b[2048];
	struct isis_pdu p, r1;
	struct isis_err e;
	size_t n = 0;

#define EXPECT(len, why, off)                                                              \
	do {                                                                                \
		ck_assert_int_eq(isis_pdu_decode(b, (len), &p, &e), -EBADMSG);              \
		ck_assert_str_eq(e.reason, why);                                            \
		ck_assert_uint_eq(e.offset, off);                                           \
		memcpy(b, good, n);                                                         \
	} while (0)

	build_r1(&r1);
	ck_assert_int_eq(isis_pdu_encode(&r1, 0, good, sizeof(good), &n), 0);
	memcpy(b, good, n);
	EXPECT(0, "truncated header", 0);
	EXPECT(5, "truncated header", 5);
	EXPECT(20, "truncated header", 20);
	b[0] = 0x82;
	EXPECT(n, "bad protocol discriminator", 0);
	b[2] = 2;
	EXPECT(n, "bad version/protocol ID extension", 2);
	b[3] = 4;
	EXPECT(n, "unsupported ID length", 3);
	b[3] = 255; /* 255 means zero-length IDs */
	EXPECT(n, "unsupported ID length", 3);
	b[4] = ISIS_L2_LAN_IIH;
	EXPECT(n, "unsupported PDU type", 4);
	b[4] = 31;
	EXPECT(n, "unsupported PDU type", 4);
	b[5] = 2;
	EXPECT(n, "bad version", 5);
	b[1] = 26;
	EXPECT(n, "header length mismatch", 1);
	b[9]++;
	EXPECT(n, "PDU length beyond buffer", 8);
	b[8] = 0;
	b[9] = 26;
	EXPECT(n, "PDU length shorter than header", 8);
	b[40] ^= 1;
	EXPECT(n, "bad checksum", 24);
	b[24] = b[25] = 0;
	EXPECT(n, "zero checksum", 24);
	b[10] = b[11] = 0; /* zero lifetime with content: not a valid purge */
	EXPECT(n, "purge with TLVs other than 10/13/137", 27);
	b[10] = b[11] = 0;
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), -EBADMSG);
	ck_assert_int_eq(e.tlv, ISIS_TLV_AREA);
	isis_test_save_corpus("bad_purge_with_content", b, n);
	memcpy(b, good, n);
	/* an LSP header with nothing after it */
	n = isis_test_lsp_with(1, NULL, 0, b);
	memcpy(good, b, n);
	EXPECT(n, "LSP with no TLVs", 27);
	isis_test_save_corpus("bad_lsp_no_tlvs", good, n);
	isis_pdu_free(&r1);

	/* the IIH's PDU length field sits at offset 17 */
	build_iih(&r1);
	ck_assert_int_eq(isis_pdu_encode(&r1, 0, good, sizeof(good), &n), 0);
	memcpy(b, good, n);
	b[18]++;
	EXPECT(n, "PDU length beyond buffer", 17);
	b[1] = 27;
	EXPECT(n, "header length mismatch", 1);
	EXPECT(19, "truncated header", 19);
	isis_pdu_free(&r1);
#undef EXPECT
}
END_TEST

START_TEST(pdu_err_format)
{
	struct isis_err e = { 41, 22, 9, "bad sub-TLV length" };
	char s[128];

	ck_assert_str_eq(isis_err_format(&e, s, sizeof(s)), "offset 41: TLV 22 sub-TLV 9: bad sub-TLV length");
	e.sub = -1;
	ck_assert_str_eq(isis_err_format(&e, s, sizeof(s)), "offset 41: TLV 22: bad sub-TLV length");
	e.tlv = -1;
	e.reason = "bad checksum";
	ck_assert_str_eq(isis_err_format(&e, s, sizeof(s)), "offset 41: bad checksum");
	e.reason = NULL;
	ck_assert_str_eq(isis_err_format(&e, s, sizeof(s)), "no error");
}
END_TEST

/* Encoding rejects what it cannot represent. */
START_TEST(pdu_encode_invalid)
{
	struct isis_pdu p;
	size_t n;

	isis_pdu_init(&p, ISIS_L2_LAN_IIH);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EINVAL);
	isis_pdu_init(&p, ISIS_L2_LSP);
	p.id_len = 4;
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EINVAL);
	isis_pdu_init(&p, ISIS_L2_LSP);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, 10, &n), -EMSGSIZE);
	add_hostname(&p, "");
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EINVAL);
	isis_pdu_free(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("isis_pdu");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, pdu_r1_lsp_golden);
	tcase_add_test(tc, pdu_trailing_bytes_ignored);
	tcase_add_test(tc, pdu_p2p_iih_padded_golden);
	tcase_add_test(tc, pdu_padding_every_size);
	tcase_add_test(tc, pdu_csnp_psnp_golden);
	tcase_add_test(tc, pdu_l1_lsp_golden);
	tcase_add_test(tc, pdu_purge_golden);
	tcase_add_loop_test(tc, pdu_malformed_tlvs, 0,
			    (int)(sizeof(bad_tlvs) / sizeof(bad_tlvs[0])));
	tcase_add_test(tc, pdu_malformed_headers);
	tcase_add_test(tc, pdu_err_format);
	tcase_add_test(tc, pdu_encode_invalid);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
