/* test_isis_tlv — Check suite for speaker/tlv.c and speaker/subtlv.c: a golden round
 * trip through every TLV and sub-TLV kvte decodes (tests/golden/isis/every_tlv.txt),
 * unknown TLVs and sub-TLVs kept as opaque bytes and re-encoded unchanged, long lists
 * split over several TLVs of at most 255 bytes (and decoded back whole), values that
 * cannot be encoded refused, decoded fields checked against hand-written bytes.
 * KVTE_UPDATE_GOLDEN=1 rewrites the golden files and fuzz seeds. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"
#include "tests/support/isis_golden.h"

static uint8_t buf[65536];
static uint8_t buf2[65536];


/* Every TLV and sub-TLV kvte decodes, with unusual values where they matter (flags,
 * reserved bits, narrow metrics' I/E and U/D bits, non-contiguous masks, host bits,
 * anomalous delay, IPv6 flags, SRLGs, auth, purge originator...). */
START_TEST(tlv_every_type_golden)
{
	struct isis_pdu p;
	struct isis_tlv *t;
	struct isis_subtlv *s;
	struct isis_ext_is *is;
	struct isis_ipv4_narrow *n4;
	struct isis_ext_ip *ip;
	struct isis_ipv6_reach *ip6;
	struct isis_locator *l;
	struct isis_area *a;

	isis_pdu_init(&p, ISIS_L2_LSP);
	p.h.lsp.lifetime = 65535;
	isis_test_sysid(p.h.lsp.lsp_id, 9);
	p.h.lsp.seq = 0xffffffff;
	p.h.lsp.flags = 0x0b;
	p.max_areas = 3;
	t = isis_test_tlv(&p, ISIS_TLV_AREA);
	a = isis_test_item(t);
	a->len = 3, a->addr[0] = 0x49, a->addr[2] = 0x02;
	a = isis_test_item(t);
	a->len = 13;
	for (int i = 0; i < 13; i++)
		a->addr[i] = (uint8_t)(0x39 + i);
	t = isis_test_tlv(&p, ISIS_TLV_IS_NEIGHBORS);
	memcpy(isis_test_item(t), "\x02\x00\x00\xaa\xbb\xcc", 6);
	t = isis_test_tlv(&p, ISIS_TLV_LSP_ENTRIES);
	((struct isis_lsp_entry *)isis_test_item(t))->seq = 7;
	t = isis_test_tlv(&p, ISIS_TLV_AUTH);
	t->u.auth.type = 54;
	t->u.auth.len = 16;
	memset(t->u.auth.bytes, 0x5a, 16);
	t = isis_test_tlv(&p, ISIS_TLV_AUTH);
	t->u.auth.type = 1; /* cleartext: never shown */
	t->u.auth.len = 6;
	memcpy(t->u.auth.bytes, "secret", 6);
	t = isis_test_tlv(&p, ISIS_TLV_PURGE_ORIG);
	t->u.purge.count = 1;
	isis_test_sysid(t->u.purge.sysid[0], 4);
	t = isis_test_tlv(&p, ISIS_TLV_EXT_IS_REACH);
	is = isis_test_item(t);
	isis_test_sysid(is->id, 2);
	is->id[6] = 3;
	is->metric = 0xfffffe;
	s = isis_test_sub(&is->sub, ISIS_SUB_LINK_ID);
	s->v.pair[0] = 7, s->v.pair[1] = 9;
	isis_test_v6(isis_test_sub(&is->sub, ISIS_SUB_IPV6_IFADDR)->v.addr, "fc00:12::1");
	isis_test_v6(isis_test_sub(&is->sub, ISIS_SUB_IPV6_NBRADDR)->v.addr, "fc00:12::2");
	isis_test_sub(&is->sub, ISIS_SUB_MAX_BW)->v.u32 = isis_test_fbits(1.25e9f);
	isis_test_sub(&is->sub, ISIS_SUB_LINK_DELAY)->v.u32 = 0x80000000u | 1234;
	s = isis_test_sub(&is->sub, ISIS_SUB_MINMAX_DELAY);
	s->v.pair[0] = 0x80000000u | 1000, s->v.pair[1] = 2000;
	s = isis_test_sub(&is->sub, ISIS_SUB_SRV6_ENDX);
	s->v.sid.flags = 0xe0, s->v.sid.algo = 128, s->v.sid.weight = 9, s->v.sid.behavior = 6;
	isis_test_v6(s->v.sid.sid, "fc00:0:9:e003::");
	s->v.sid.sub_len = 6;
	memcpy(s->v.sid.sub, "\x01\x04\x20\x10\x10\x00", 6);
	s = isis_test_sub(&is->sub, 200); /* unknown: kept */
	s->len = 3;
	memcpy(s->v.raw, "\x01\x02\x03", 3);
	t = isis_test_tlv(&p, ISIS_TLV_SRV6_LOCATOR);
	t->u.mtid = 2;
	l = isis_test_item(t);
	isis_test_v6(l->loc, "fc00:0:9::");
	l->size = 64;
	l->metric = 10;
	l->flags = 0x80;
	l->algo = 128;
	l = isis_test_item(t);
	isis_test_v6(l->loc, "fc00:0:9:8000::");
	l->size = 33; /* odd size: five octets on the wire */
	t = isis_test_tlv(&p, ISIS_TLV_IP_INT_REACH);
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\x0a\x80\x80\x80", 4);
	isis_test_v4(n4->addr, "10.0.0.0");
	isis_test_v4(n4->mask, "255.255.255.0");
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\xbf\x00\x00\x00", 4); /* U/D set, metric 63 */
	isis_test_v4(n4->addr, "10.1.0.0");
	isis_test_v4(n4->mask, "255.0.255.0"); /* not contiguous */
	t = isis_test_tlv(&p, ISIS_TLV_IP_EXT_REACH);
	n4 = isis_test_item(t);
	memcpy(n4->metric, "\x4a\x80\x80\x80", 4);
	isis_test_v4(n4->addr, "172.16.0.0");
	isis_test_v4(n4->mask, "255.240.0.0");
	t = isis_test_tlv(&p, ISIS_TLV_PROTOCOLS);
	*(uint8_t *)isis_test_item(t) = 0x81;
	t = isis_test_tlv(&p, ISIS_TLV_EXT_IP_REACH);
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "0.0.0.0");
	ip->metric = 1;
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "10.9.8.7"); /* host bits beyond /20 are kept as sent */
	ip->plen = 20;
	ip->down = true;
	ip->metric = 0xfe000000;
	s = isis_test_sub(&ip->sub, 4); /* RFC 7794 prefix attribute flags: opaque here */
	s->len = 1;
	s->v.raw[0] = 0x40;
	ip = isis_test_item(t);
	isis_test_v4(ip->prefix, "10.0.0.0");
	ip->plen = 8;
	ip->has_sub = true; /* S bit with an empty sub-TLV block */
	t = isis_test_tlv(&p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = 6;
	memcpy(t->u.hostname.name, "r\\9\x01\xffz", 6);
	t = isis_test_tlv(&p, ISIS_TLV_SRLG);
	isis_test_sysid(t->u.srlg.id, 2);
	t->u.srlg.flags = 1;
	isis_test_v4(t->u.srlg.local, "100.65.0.2");
	isis_test_v4(t->u.srlg.remote, "100.65.0.3");
	t->u.srlg.n = 3;
	t->u.srlg.v = calloc(3, sizeof(uint32_t));
	t->u.srlg.v[0] = 10, t->u.srlg.v[1] = 20, t->u.srlg.v[2] = 4000000000u;
	t = isis_test_tlv(&p, ISIS_TLV_IPV6_REACH);
	ip6 = isis_test_item(t);
	isis_test_v6(ip6->prefix, "::");
	ip6 = isis_test_item(t);
	isis_test_v6(ip6->prefix, "2001:db8::");
	ip6->plen = 33;
	ip6->flags = ISIS_IP6_U | ISIS_IP6_X | 0x01;
	ip6->metric = 77;
	s = isis_test_sub(&ip6->sub, 1);
	s->len = 0;
	t = isis_test_tlv(&p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 1;
	t->u.p2p.state = 2;
	t = isis_test_tlv(&p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 5;
	t->u.p2p.state = 1;
	t->u.p2p.ext_circuit_id = 0xffffffff;
	t = isis_test_tlv(&p, ISIS_TLV_P2P_ADJ);
	t->u.p2p.len = 11;
	t->u.p2p.state = 7;
	isis_test_sysid(t->u.p2p.nbr_sysid, 1);
	t = isis_test_tlv(&p, ISIS_TLV_ROUTER_CAP);
	isis_test_v4(t->u.cap.router_id, "192.168.50.9");
	t->u.cap.flags = 0x03 | 0x80;
	s = isis_test_sub(&t->u.cap.sub, ISIS_SUB_SRV6_CAP);
	s->v.srv6_cap.flags = 0x4000;
	s = isis_test_sub(&t->u.cap.sub, 23); /* node MSD: opaque */
	s->len = 2;
	memcpy(s->v.raw, "\x29\x0a", 2);
	t = isis_test_tlv(&p, 250); /* unknown */
	t->u.opaque.len = 3;
	memcpy(t->u.opaque.bytes, "\xde\xad\x00", 3);
	t = isis_test_tlv(&p, ISIS_TLV_PADDING);
	t->u.opaque.len = 4;
	isis_test_roundtrip(&p, "every_tlv", 0);
	isis_pdu_free(&p);
}
END_TEST

/* Unknown TLVs and sub-TLVs survive decode -> encode byte for byte. */
START_TEST(tlv_unknown_kept_opaque)
{
	static const uint8_t tlvs[] = {
		251, 4, 1, 2, 3, 4,			/* unknown TLV */
		251, 0,					/* empty unknown TLV */
		22, 18, 0x19, 0x21, 0x68, 0x05, 0, 2, 0, 0, 0, 10,
		7, 250, 5, 9, 8, 7, 6, 5,		/* unknown sub-TLV 250 in TLV 22 */
		236, 14, 0, 0, 0, 1, 0x20, 16, 0x20, 0x01,
		5, 99, 3, 1, 2, 3,			/* IPv6 prefix with sub-TLV 99 */
		27, 13, 0x10, 0, 0, 0, 0, 0, 0, 0, 8, 0xfc,
		2, 9, 0,				/* locator with unknown sub-TLV 9 */
		137, 2, 'r', '9',
	};
	uint8_t pdu[256], out[256];
	struct isis_pdu p;
	struct isis_err e;
	size_t n = isis_test_lsp_with(9, tlvs, sizeof(tlvs), pdu), m = 0;
	char *text;

	ck_assert_msg(isis_pdu_decode(pdu, n, &p, &e) == 0, "%s", isis_test_err_str(&e));
	ck_assert_uint_eq(p.ntlvs, 6);
	ck_assert_uint_eq(p.tlvs[0].type, 251);
	ck_assert_uint_eq(p.tlvs[0].u.opaque.len, 4);
	ck_assert_uint_eq(p.tlvs[2].it.is[0].sub.v[0].type, 250);
	ck_assert_uint_eq(p.tlvs[2].it.is[0].sub.v[0].len, 5);
	ck_assert_uint_eq(p.tlvs[4].u.mtid, 0x1000);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, out, sizeof(out), &m), 0);
	ck_assert_uint_eq(m, n);
	ck_assert_mem_eq(out, pdu, n);
	text = isis_pdu_format(&p);
	isis_test_check_golden("opaque", text);
	isis_test_save_corpus("opaque", pdu, n);
	free(text);
	isis_pdu_free(&p);
}
END_TEST

/* RFC 5305 3: 40 neighbors with sub-TLVs do not fit one TLV 22; the encoder splits
 * them over several TLVs of at most 255 bytes, and decoding gives every one back. */
START_TEST(tlv_split_long_lists)
{
	struct isis_pdu p, d;
	struct isis_err e;
	struct isis_tlv *t;
	size_t n = 0, total = 0, off;
	unsigned tlv22 = 0, tlv132 = 0;

	isis_pdu_init(&p, ISIS_L2_LSP);
	p.h.lsp.lifetime = 1200;
	isis_test_sysid(p.h.lsp.lsp_id, 1);
	p.h.lsp.seq = 1;
	t = isis_test_tlv(&p, ISIS_TLV_EXT_IS_REACH);
	for (unsigned i = 0; i < 40; i++) {
		struct isis_ext_is *x = isis_test_item(t);

		isis_test_sysid(x->id, i);
		x->metric = i;
		isis_test_sub(&x->sub, ISIS_SUB_TE_METRIC)->v.u32 = i * 10;
		isis_test_sub(&x->sub, ISIS_SUB_ADMIN_GROUP)->v.u32 = i;
	}
	t = isis_test_tlv(&p, ISIS_TLV_IP_IFADDR);
	for (unsigned i = 0; i < 100; i++)
		((uint8_t *)isis_test_item(t))[3] = (uint8_t)i;
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	for (off = ISIS_LSP_HDR_LEN; off < n; off += 2u + buf[off + 1]) {
		tlv22 += buf[off] == 22;
		tlv132 += buf[off] == 132;
	}
	ck_assert_uint_eq(off, n);
	ck_assert_uint_eq(tlv22, 4);  /* 40 x 22 bytes: 11 per TLV */
	ck_assert_uint_eq(tlv132, 2); /* 100 x 4 bytes: 63 per TLV */
	ck_assert_int_eq(isis_pdu_decode(buf, n, &d, &e), 0);
	for (size_t i = 0; i < d.ntlvs; i++)
		if (d.tlvs[i].type == 22)
			total += d.tlvs[i].n;
	ck_assert_uint_eq(total, 40);
	ck_assert_uint_eq(d.tlvs[2].it.is[3].metric, 25);
	ck_assert_int_eq(isis_pdu_encode(&d, 0, buf2, sizeof(buf2), &total), 0);
	ck_assert_uint_eq(total, n);
	ck_assert_mem_eq(buf2, buf, n);
	isis_pdu_free(&d);
	isis_pdu_free(&p);
}
END_TEST

/* What cannot be split is refused rather than truncated. */
START_TEST(tlv_too_large_refused)
{
	struct isis_pdu p;
	struct isis_tlv *t;
	struct isis_ext_is *x;
	size_t n;

	isis_pdu_init(&p, ISIS_L2_LSP);
	t = isis_test_tlv(&p, ISIS_TLV_EXT_IS_REACH);
	x = isis_test_item(t);
	for (int i = 0; i < 12; i++) /* 12 x 22-byte End.X: sub-TLVs over 255 bytes */
		isis_test_sub(&x->sub, ISIS_SUB_SRV6_ENDX);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EMSGSIZE);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L2_LSP);
	t = isis_test_tlv(&p, ISIS_TLV_SRLG);
	t->u.srlg.n = 61; /* 16 + 61 x 4 > 255 */
	t->u.srlg.v = calloc(61, sizeof(uint32_t));
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EMSGSIZE);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L2_LSP);
	x = isis_test_item(isis_test_tlv(&p, ISIS_TLV_EXT_IP_REACH));
	((struct isis_ext_ip *)x)->plen = 33;
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), -EINVAL);
	isis_pdu_free(&p);

	isis_pdu_init(&p, ISIS_L2_LSP);
	ck_assert_ptr_null(isis_tlv_item_add(isis_test_tlv(&p, ISIS_TLV_HOSTNAME)));
	ck_assert_str_eq(isis_tlv_name(ISIS_TLV_SRV6_LOCATOR), "SRv6 Locator");
	ck_assert_str_eq(isis_tlv_name(99), "Unknown");
	isis_pdu_free(&p);
}
END_TEST

/* Decoded values land where the struct says (not just round-trip). */
START_TEST(tlv_decoded_values)
{
	static const uint8_t tlvs[] = {
		22, 27, 0x19, 0x21, 0x68, 0x05, 0, 2, 0, 0x01, 0x02, 0x03, 16,
		9, 4, 0x4c, 0xee, 0x6b, 0x28,		/* 125e6 bytes/s */
		34, 8, 0x80, 0, 0x03, 0xe8, 0, 0, 0x07, 0xd0,
		135, 9, 0, 0, 0x01, 0xf4, 0x9f, 192, 168, 50, 2,	/* down, /31 */
		240, 15, 0, 0, 0, 0, 3, 0x19, 0x21, 0x68, 0x05, 0, 2, 0, 0, 0, 4,
	};
	uint8_t pdu[256];
	struct isis_pdu p;
	struct isis_err e;
	size_t n = isis_test_lsp_with(9, tlvs, sizeof(tlvs), pdu);
	float f;

	ck_assert_msg(isis_pdu_decode(pdu, n, &p, &e) == 0, "%s", isis_test_err_str(&e));
	ck_assert_uint_eq(p.tlvs[0].it.is[0].metric, 0x010203);
	memcpy(&f, &p.tlvs[0].it.is[0].sub.v[0].v.u32, 4);
	ck_assert(f == 125e6f);
	ck_assert_uint_eq(p.tlvs[0].it.is[0].sub.v[1].v.pair[0], 0x800003e8u);
	ck_assert_uint_eq(p.tlvs[0].it.is[0].sub.v[1].v.pair[1], 2000);
	ck_assert_uint_eq(p.tlvs[1].it.ip[0].metric, 500);
	ck_assert(p.tlvs[1].it.ip[0].down);
	ck_assert_uint_eq(p.tlvs[1].it.ip[0].plen, 31);
	ck_assert_uint_eq(p.tlvs[1].it.ip[0].prefix[3], 2);
	ck_assert_uint_eq(p.tlvs[2].u.p2p.ext_circuit_id, 3);
	ck_assert_uint_eq(p.tlvs[2].u.p2p.nbr_sysid[5], 2);
	ck_assert_uint_eq(p.tlvs[2].u.p2p.nbr_ext_circuit_id, 4);
	isis_pdu_free(&p);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("isis_tlv");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, tlv_every_type_golden);
	tcase_add_test(tc, tlv_unknown_kept_opaque);
	tcase_add_test(tc, tlv_split_long_lists);
	tcase_add_test(tc, tlv_too_large_refused);
	tcase_add_test(tc, tlv_decoded_values);
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
