/* test_isis_originate — Check suite for speaker/originate.c: the seed topology's r1 LSP
 * built from a description equals the codec's golden text (tests/golden/isis/
 * r1_lsp.txt, also checked by test_isis_pdu), byte-for-byte determinism, seq bumping only
 * on change / refresh / a seq seen in the network, fragmentation boundaries at the LSP
 * MTU with every fragment decoding (decode -> encode round trip), purges of fragments no
 * longer needed, the overload bit and oversize errors. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"
#include "speaker/lsdb.h"
#include "speaker/originate.h"

static uint8_t scratch[65536];

static void sysid(uint8_t out[6], unsigned node)
{
	const uint8_t id[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, (uint8_t)node };

	memcpy(out, id, 6);
}

static void v4(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

static void v6(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

/* decode must succeed and re-encode to the same bytes */
static void decode_rt(const uint8_t *b, size_t n, struct isis_pdu *p)
{
	struct isis_err e;
	size_t m;

	ck_assert_int_eq(isis_pdu_decode(b, n, p, &e), 0);
	ck_assert(p->checksum_ok || p->h.lsp.lifetime == 0);
	ck_assert_int_eq(isis_pdu_encode(p, 0, scratch, sizeof(scratch), &m), 0);
	ck_assert_uint_eq(m, n);
	ck_assert_mem_eq(scratch, b, n);
}

static char *slurp(const char *rel)
{
	const char *dir = getenv("KVTE_SOURCE_DIR");
	char path[4096];
	FILE *f;
	char *s;
	long n;

	snprintf(path, sizeof(path), "%s/%s", dir ? dir : ".", rel);
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "missing %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

/* r1 of the seed topology (see tests/unit/test_isis_pdu.c build_r1) */
static struct isis_orig_link r1_links[2];
static struct isis_orig_prefix r1_ip4[3], r1_ip6[2];

static void r1_link(struct isis_orig_link *l, unsigned nbr, uint32_t metric, uint32_t group,
		    const char *local, const char *remote, uint32_t delay, uint8_t endx)
{
	memset(l, 0, sizeof(*l));
	sysid(l->nbr, nbr);
	l->metric = metric;
	l->has = ISIS_ORIG_ADMIN_GROUP | ISIS_ORIG_IPV4 | ISIS_ORIG_MAX_BW |
		 ISIS_ORIG_MAX_RSV_BW | ISIS_ORIG_UNRSV_BW | ISIS_ORIG_TE_METRIC |
		 ISIS_ORIG_DELAY | ISIS_ORIG_MINMAX_DELAY | ISIS_ORIG_ENDX;
	l->admin_group = group;
	v4(l->local4, local);
	v4(l->remote4, remote);
	l->max_bw = l->max_rsv_bw = 125e6f;
	for (int i = 0; i < 8; i++)
		l->unrsv_bw[i] = 125e6f;
	l->te_metric = metric;
	l->delay_us = l->min_delay_us = l->max_delay_us = delay;
	v6(l->endx_sid, "fc00:0:1:e000::");
	l->endx_sid[7] = endx;
	l->endx_behavior = 5;
}

static void pfx(struct isis_orig_prefix *p, int fam, const char *a, uint8_t plen, uint32_t m)
{
	memset(p, 0, sizeof(*p));
	if (fam == 4)
		v4(p->addr, a);
	else
		v6(p->addr, a);
	p->plen = plen;
	p->metric = m;
}

static void r1_desc(struct isis_orig_desc *d)
{
	static const uint8_t structure[4] = { 32, 16, 16, 0 };

	memset(d, 0, sizeof(*d));
	d->hostname = "r1";
	d->areas[0] = (struct isis_area){ 3, { 0x49, 0x00, 0x02 } };
	d->nareas = 1;
	d->ipv4 = d->ipv6 = true;
	d->has_router_id = true;
	v4(d->router_id, "192.168.50.1");
	d->has_router_id6 = true;
	v6(d->router_id6, "fc00:0:1::1");
	d->has_cap = true;
	r1_link(&r1_links[0], 2, 51, 0x1, "100.65.0.2", "100.65.0.3", 50000, 0x01);
	r1_link(&r1_links[1], 3, 155, 0x2, "100.65.0.6", "100.65.0.7", 120000, 0x02);
	d->links = r1_links;
	d->nlinks = 2;
	pfx(&r1_ip4[0], 4, "192.168.50.1", 32, 500);
	pfx(&r1_ip4[1], 4, "100.65.0.2", 31, 51);
	pfx(&r1_ip4[2], 4, "100.65.0.6", 31, 155);
	d->ip4 = r1_ip4;
	d->nip4 = 3;
	pfx(&r1_ip6[0], 6, "fc00:0:1::1", 128, 500);
	pfx(&r1_ip6[1], 6, "fc00:0:1::", 48, 0);
	d->ip6 = r1_ip6;
	d->nip6 = 2;
	d->has_locator = true;
	v6(d->locator, "fc00:0:1::");
	d->locator_len = 48;
	v6(d->end_sid, "fc00:0:1::");
	d->end_behavior = 1;
	memcpy(d->sid_structure, structure, 4);
}

START_TEST(orig_seed_r1_matches_golden)
{
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	struct isis_pdu p;
	uint8_t me[6];
	char *text, *want;

	sysid(me, 1);
	isis_orig_init(&o, me, 2, 0, 1199, 0);
	r1_desc(&d);
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(o.frag[0].seq, 1);
	isis_orig_out_clear(&out);
	/* the seed's copy is at seq 8: seen at 7 in the network, we go to 8 */
	ck_assert_int_eq(isis_orig_seq_seen(&o, 0, 7, 0, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert(!out.v[0].purge);
	decode_rt(out.v[0].bytes, out.v[0].len, &p);
	ck_assert_uint_eq(p.h.lsp.seq, 8);
	text = isis_pdu_format(&p);
	want = slurp("tests/golden/isis/r1_lsp.txt");
	ck_assert_str_eq(text, want);
	free(text);
	free(want);
	isis_pdu_free(&p);
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}
END_TEST

START_TEST(orig_deterministic)
{
	struct isis_orig a, b;
	struct isis_orig_desc d;
	struct isis_orig_out oa = { 0 }, ob = { 0 };
	uint8_t me[6];

	sysid(me, 1);
	isis_orig_init(&a, me, 2, 0, 0, 0);
	isis_orig_init(&b, me, 2, 0, 0, 0);
	r1_desc(&d);
	ck_assert_int_eq(isis_orig_update(&a, &d, 0, &oa), 0);
	r1_desc(&d);
	ck_assert_int_eq(isis_orig_update(&b, &d, 777, &ob), 0);
	ck_assert_uint_eq(oa.n, ob.n);
	ck_assert_uint_eq(oa.v[0].len, ob.v[0].len);
	ck_assert_mem_eq(oa.v[0].bytes, ob.v[0].bytes, oa.v[0].len);
	ck_assert_uint_eq(oa.v[0].bytes[10] << 8 | oa.v[0].bytes[11], ISIS_MAX_AGE);
	isis_orig_out_clear(&oa);
	isis_orig_out_clear(&ob);
	isis_orig_free(&a);
	isis_orig_free(&b);
}
END_TEST

START_TEST(orig_seq_only_on_change_and_refresh)
{
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	struct isis_pdu p;
	uint8_t me[6];

	sysid(me, 1);
	isis_orig_init(&o, me, 2, 0, 0, 0);
	r1_desc(&d);
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	isis_orig_out_clear(&out);
	ck_assert_int_eq(isis_orig_update(&o, &d, 1000, &out), 0);	/* same: nothing */
	ck_assert_uint_eq(out.n, 0);
	ck_assert_uint_eq(o.frag[0].seq, 1);
	r1_links[0].metric = 60;	/* change */
	ck_assert_int_eq(isis_orig_update(&o, &d, 2000, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(o.frag[0].seq, 2);
	isis_orig_out_clear(&out);
	/* refresh: maximumLSPGenerationInterval after the last origination */
	ck_assert_uint_eq(isis_orig_next_due(&o), 2000 + ISIS_ORIG_REFRESH_MS);
	ck_assert_int_eq(isis_orig_refresh(&o, 2000 + ISIS_ORIG_REFRESH_MS - 1, &out), 0);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_int_eq(isis_orig_refresh(&o, 2000 + ISIS_ORIG_REFRESH_MS, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	decode_rt(out.v[0].bytes, out.v[0].len, &p);
	ck_assert_uint_eq(p.h.lsp.seq, 3);
	ck_assert_uint_eq(p.h.lsp.lifetime, ISIS_MAX_AGE);
	ck_assert_uint_eq(p.tlvs[7].it.is[0].metric, 60);
	isis_pdu_free(&p);
	isis_orig_out_clear(&out);
	/* refresh interval is kept below the lifetime */
	isis_orig_free(&o);
	isis_orig_init(&o, me, 2, 0, 600, 900000);
	ck_assert_uint_lt(o.refresh_ms, 600000);
	/* seq 2^32-1 cannot be exceeded */
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	isis_orig_out_clear(&out);
	ck_assert_int_eq(isis_orig_seq_seen(&o, 0, UINT32_MAX, 0, &out), -EOVERFLOW);
	ck_assert_uint_eq(out.n, 0);
	isis_orig_free(&o);
}
END_TEST

/* 400 prefixes at MTU 1492: fragments 00, 01, ...; each full, in order, decoding */
START_TEST(orig_fragmentation)
{
	static struct isis_orig_prefix p4[400];
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	uint8_t me[6];
	size_t seen = 0, nfr;

	sysid(me, 4);
	for (int i = 0; i < 400; i++) {
		memset(&p4[i], 0, sizeof(p4[i]));
		p4[i].addr[0] = 10;
		p4[i].addr[1] = (uint8_t)(i >> 8);
		p4[i].addr[2] = (uint8_t)i;
		p4[i].plen = 24;
		p4[i].metric = (uint32_t)i;
	}
	memset(&d, 0, sizeof(d));
	d.hostname = "big";
	d.ipv4 = true;
	d.overload = true;
	d.ip4 = p4;
	d.nip4 = 400;
	isis_orig_init(&o, me, 2, 0, 0, 0);
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), 0);
	nfr = out.n;
	ck_assert_uint_eq(nfr, 3);	/* 8 bytes per /24 entry: ~180 per fragment */
	for (size_t f = 0; f < nfr; f++) {
		struct isis_pdu p;

		ck_assert_uint_eq(out.v[f].frag, f);
		ck_assert_uint_le(out.v[f].len, 1492);
		if (f + 1 < nfr)	/* full: one more 8-byte entry would not fit */
			ck_assert_uint_gt(out.v[f].len + 8, 1492 - 2);
		decode_rt(out.v[f].bytes, out.v[f].len, &p);
		ck_assert_uint_eq(p.h.lsp.lsp_id[7], f);
		ck_assert_uint_eq(!!(p.h.lsp.flags & ISIS_LSP_OL), f == 0);
		for (size_t t = 0; t < p.ntlvs; t++) {
			if (p.tlvs[t].type != ISIS_TLV_EXT_IP_REACH)
				continue;
			for (size_t k = 0; k < p.tlvs[t].n; k++, seen++)
				ck_assert_uint_eq(p.tlvs[t].it.ip[k].metric, seen);
		}
		isis_pdu_free(&p);
	}
	ck_assert_uint_eq(seen, 400);
	isis_orig_out_clear(&out);
	/* shrink to 10 prefixes: fragment 0 changes, fragments 1 and 2 are purged */
	d.nip4 = 10;
	ck_assert_int_eq(isis_orig_update(&o, &d, 1000, &out), 0);
	ck_assert_uint_eq(out.n, 3);
	ck_assert(!out.v[0].purge);
	for (size_t f = 1; f < 3; f++) {
		struct isis_pdu p;

		ck_assert(out.v[f].purge);
		decode_rt(out.v[f].bytes, out.v[f].len, &p);
		ck_assert_uint_eq(p.h.lsp.lifetime, 0);
		ck_assert_uint_eq(p.h.lsp.seq, 2);
		ck_assert_uint_eq(p.tlvs[0].type, ISIS_TLV_PURGE_ORIG);
		isis_pdu_free(&p);
	}
	ck_assert(!o.frag[1].live);
	ck_assert_uint_eq(isis_orig_next_due(&o), 1000 + ISIS_ORIG_REFRESH_MS);
	isis_orig_out_clear(&out);
	/* grow again: fragment 1 comes back above its purge */
	d.nip4 = 250;
	ck_assert_int_eq(isis_orig_update(&o, &d, 2000, &out), 0);
	ck_assert_uint_eq(out.n, 2);
	ck_assert_uint_eq(o.frag[1].seq, 3);
	isis_orig_out_clear(&out);
	/* a fragment we do not use, seen in the network: purged above it */
	ck_assert_int_eq(isis_orig_seq_seen(&o, 9, 40, 3000, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert(out.v[0].purge);
	ck_assert_uint_eq(o.frag[9].seq, 41);
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}
END_TEST

START_TEST(orig_too_big)
{
	struct isis_orig o;
	struct isis_orig_desc d;
	struct isis_orig_out out = { 0 };
	struct isis_pdu *frags;
	size_t n;
	uint8_t me[6];
	char name[256];

	sysid(me, 5);
	memset(name, 'h', 255);
	name[255] = 0;
	isis_orig_init(&o, me, 2, 200, 0, 0);	/* fixed TLVs do not fit in 200 bytes */
	memset(&d, 0, sizeof(d));
	d.hostname = name;
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &out), -EMSGSIZE);
	ck_assert_uint_eq(out.n, 0);
	/* an item larger than a fragment */
	r1_desc(&d);
	d.hostname = NULL;
	d.nip4 = d.nip6 = 0;
	d.has_locator = false;
	d.has_router_id6 = false;
	d.has_cap = false;
	d.nareas = 0;
	isis_orig_free(&o);
	isis_orig_init(&o, me, 2, 128, 0, 0);
	ck_assert_int_eq(isis_orig_build(&o, &d, &frags, &n), -EMSGSIZE);
	/* an empty description is one fragment with no TLVs: still encodes */
	memset(&d, 0, sizeof(d));
	ck_assert_int_eq(isis_orig_build(&o, &d, &frags, &n), 0);
	ck_assert_uint_eq(n, 1);
	isis_pdu_free(&frags[0]);
	free(frags);
	isis_orig_free(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isis_originate");
	TCase *tc = tcase_create("originate");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, orig_seed_r1_matches_golden);
	tcase_add_test(tc, orig_deterministic);
	tcase_add_test(tc, orig_seq_only_on_change_and_refresh);
	tcase_add_test(tc, orig_fragmentation);
	tcase_add_test(tc, orig_too_big);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
