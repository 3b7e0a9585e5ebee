/* test_speaker_node — Check suite for speaker/node.c: the seed topology's r1
 * (tests/data/speaker/r1.json, admin groups red = bit 0, blue = bit 1, plus SRLGs set
 * on et2 in memory) with hand-filled circuit state (struct speaker_circ: presence,
 * carrier, addresses, Up adjacencies and their neighbors). Checks the SID layout of
 * speaker_sid (End = locator::, End.X = function 0xe000 + 1-based interface index,
 * End.DT6 0xd6, End.DX4 0xd4; locator lengths accepted: multiples of 16 up to /112);
 * speaker_node_desc (links only for Up adjacencies on circuits with carrier, their TE
 * attributes in bytes/s with unreserved = reservable at all 8 priorities, delay as
 * min/max too, admin group bits, SRLGs, End.X SID; loopbacks at metric 0, circuit
 * prefixes with host bits cleared at the interface metric and de-duplicated, the
 * locator in IPv6 reachability and TLV 27 with End.DT6 / End.DX4); speaker_local_sids
 * (sorted, End.X only for Up adjacencies with a link-local neighbor) and
 * speaker_spf_adjs. Finally the description goes through speaker/originate.c
 * (isis_orig_build, isis_orig_update) and speaker/pdu.c's decoder: TLV 138 carries the
 * link's SRLGs and IPv4 addresses (numbered), TLV 27 three End SID sub-TLVs. SR-MPLS
 * (RFC 8667): off by default (no sub-TLV 31, no SR capabilities); with "sr_mpls" and
 * et3's own adj_label, TLV 242 carries sub-TLV 2 (I and V flags, the SRGB) and 19
 * (algorithm 0), each Up link sub-TLV 31 per address family (F clear IPv4, F set IPv6,
 * V and L, weight 0, the label), the decoded LSP's ted-lsp JSON shows them as sr_mpls
 * and adj_sids, and speaker_local_labels / ted_json_label give the rib-sid "pop"
 * values. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/addr.h"
#include "lib/validate.h"
#include "speaker/config.h"
#include "speaker/isis.h"
#include "speaker/node.h"
#include "speaker/originate.h"
#include "speaker/spf.h"
#include "speaker/ted_json.h"
#include "lib/jx.h"

static struct admin_groups groups;
static struct speaker_config cfg;
static struct speaker_circ circ[2];
static struct speaker_node_desc nd;

static const uint8_t r2_sysid[ISIS_SYSID_LEN] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x02 };
static const uint8_t r3_sysid[ISIS_SYSID_LEN] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x03 };

static addr_t ip(const char *s)
{
	addr_t a;

	ck_assert_msg(addr_parse(s, &a) == 0, "bad address %s", s);
	return a;
}

/* "10.1.2.1/24" with the host bits kept, as netlink gives circuit addresses */
static prefix_t pfx(const char *s)
{
	const char *slash = strchr(s, '/');
	char a[PREFIX_STRLEN];
	prefix_t p;

	ck_assert_ptr_nonnull(slash);
	snprintf(a, sizeof(a), "%.*s", (int)(slash - s), s);
	memset(&p, 0, sizeof(p));
	p.addr = ip(a);
	p.len = (uint8_t)atoi(slash + 1);
	return p;
}

/* the first 4 (IPv4) or 16 (IPv6) bytes equal the address s */
static void addr_eq(const uint8_t *bytes, const char *s)
{
	addr_t want = ip(s), got = want;
	char b[ADDR_STRLEN];

	memcpy(got.bytes, bytes, want.family == AF_INET ? 4 : 16);
	ck_assert_msg(addr_cmp(&got, &want) == 0, "%s, want %s", addr_format(&got, b, sizeof(b)),
		      s);
}

static void setup(void)
{
	const char *dir = getenv("KVTE_SOURCE_DIR");
	char path[4096], err[512] = "";
	int rc;

	/* sorted by name */
	memset(&groups, 0, sizeof(groups));
	groups.n = 2;
	snprintf(groups.group[0].name, sizeof(groups.group[0].name), "blue");
	groups.group[0].bit = 1;
	snprintf(groups.group[1].name, sizeof(groups.group[1].name), "red");
	groups.group[1].bit = 0;

	snprintf(path, sizeof(path), "%s/tests/data/speaker/r1.json", dir ? dir : ".");
	rc = speaker_config_load(path, &groups, &cfg, err, sizeof(err));
	ck_assert_msg(rc == 0, "%s", err);
	ck_assert_uint_eq(cfg.n_ifaces, 2);
	ck_assert_str_eq(cfg.ifaces[0].name, "et2");
	ck_assert_str_eq(cfg.ifaces[1].name, "et3");
	ck_assert(cfg.has_locator);
	/* r1.json has no SRLGs: give et2 two */
	cfg.ifaces[0].te.n_srlgs = 2;
	cfg.ifaces[0].te.srlgs[0] = 100;
	cfg.ifaces[0].te.srlgs[1] = 4000000000u;

	/* et2 to r2: Up, numbered, with a link-local neighbor */
	memset(circ, 0, sizeof(circ));
	circ[0].cfg = &cfg.ifaces[0];
	circ[0].index = 0;
	circ[0].present = true;
	circ[0].ifindex = 3;
	circ[0].carrier = true;
	circ[0].mtu = 1500;
	circ[0].n4 = 1;
	circ[0].addr4[0] = pfx("10.1.2.1/24");
	circ[0].n6 = 1;
	circ[0].addr6[0] = pfx("2001:db8:12::1/64");
	circ[0].has_ll6 = true;
	circ[0].ll6 = ip("fe80::1");
	circ[0].adj_up = true;
	memcpy(circ[0].nbr_sysid, r2_sysid, ISIS_SYSID_LEN);
	circ[0].nbr4 = ip("10.1.2.2");
	circ[0].nbr6 = ip("fe80::2");

	/* et3 to r3: carrier, addresses (one prefix twice, one shared with et2), no
	 * adjacency yet */
	circ[1].cfg = &cfg.ifaces[1];
	circ[1].index = 1;
	circ[1].present = true;
	circ[1].ifindex = 4;
	circ[1].carrier = true;
	circ[1].mtu = 1500;
	circ[1].n4 = 3;
	circ[1].addr4[0] = pfx("10.1.3.1/24");
	circ[1].addr4[1] = pfx("10.1.3.5/24");
	circ[1].addr4[2] = pfx("10.1.2.7/24");
	circ[1].has_ll6 = true;
	circ[1].ll6 = ip("fe80::1:1");
	memcpy(circ[1].nbr_sysid, r3_sysid, ISIS_SYSID_LEN);
}

/* circ[1] with an Up adjacency to r3 (IPv4 and link-local neighbor) */
static void et3_up(void)
{
	circ[1].adj_up = true;
	circ[1].nbr4 = ip("10.1.3.3");
	circ[1].nbr6 = ip("fe80::3");
}

/* ---- speaker_sid ---------------------------------------------------------------- */

static void sid_is(uint16_t func, const char *want)
{
	addr_t s;
	char got[ADDR_STRLEN];

	ck_assert_int_eq(speaker_sid(&cfg, func, &s), 0);
	ck_assert_uint_eq(s.family, AF_INET6);
	addr_format(&s, got, sizeof(got));
	ck_assert_str_eq(got, want);
}

static void set_locator(const char *s)
{
	ck_assert_int_eq(prefix_parse(s, false, &cfg.locator), 0);
	cfg.has_locator = true;
}

START_TEST(sid_layout)
{
	addr_t s;

	/* r1: fc00:0:1::/48, the function in bits 48..63 */
	sid_is(0, "fc00:0:1::");
	sid_is(SPEAKER_FUNC_END_X + 1, "fc00:0:1:e001::");
	sid_is(SPEAKER_FUNC_END_X + 2, "fc00:0:1:e002::");
	sid_is(SPEAKER_FUNC_END_DT6, "fc00:0:1:d6::");
	sid_is(SPEAKER_FUNC_END_DX4, "fc00:0:1:d4::");

	/* other lengths: multiples of 16 up to /112 */
	set_locator("fc00::/16");
	sid_is(SPEAKER_FUNC_END_DT6, "fc00:d6::");
	set_locator("fc00:0:1:2::/64");
	sid_is(SPEAKER_FUNC_END_X + 1, "fc00:0:1:2:e001::");
	set_locator("fc00:0:1:2:3:4:5::/112");
	sid_is(SPEAKER_FUNC_END_DX4, "fc00:0:1:2:3:4:5:d4");
	sid_is(0, "fc00:0:1:2:3:4:5:0");

	/* rejected */
	set_locator("fc00::/56");
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
	set_locator("fc00:0:1::1/128");
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
	set_locator("fc00::/8");
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
	set_locator("::/0");
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
	set_locator("fc00:0:1::/113");
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
	set_locator("fc00:0:1::/48");
	cfg.has_locator = false;
	ck_assert_int_eq(speaker_sid(&cfg, 0, &s), -EINVAL);
}
END_TEST

/* ---- speaker_node_desc --------------------------------------------------------------- */

static const struct isis_orig_prefix *find_prefix(const struct isis_orig_prefix *v, size_t n,
						   const char *s)
{
	prefix_t p;

	ck_assert_int_eq(prefix_parse(s, false, &p), 0);
	for (size_t i = 0; i < n; i++)
		if (v[i].plen == p.len && memcmp(v[i].addr, p.addr.bytes, 16) == 0)
			return &v[i];
	return NULL;
}

static void prefix_is(const struct isis_orig_prefix *x, const char *s, uint32_t metric)
{
	prefix_t p;
	prefix_t g = { 0 };
	char got[PREFIX_STRLEN];

	ck_assert_int_eq(prefix_parse(s, false, &p), 0);
	g.addr.family = p.addr.family;
	memcpy(g.addr.bytes, x->addr, 16);
	g.len = x->plen;
	ck_assert_msg(x->plen == p.len && memcmp(x->addr, p.addr.bytes, 16) == 0,
		      "prefix %s, want %s", prefix_format(&g, got, sizeof(got)), s);
	ck_assert_uint_eq(x->metric, metric);
}

START_TEST(desc_r1)
{
	const struct isis_orig_desc *d = &nd.d;
	const struct isis_orig_link *l;
	const float bps = 1e9f / 8.0f;	/* "1G" in bytes per second */

	speaker_node_desc(&cfg, circ, 2, &nd);

	/* node */
	ck_assert_str_eq(d->hostname, "r1");
	ck_assert_uint_eq(d->nareas, 1);
	ck_assert_mem_eq(&d->areas[0], &cfg.area, sizeof(cfg.area));
	ck_assert(d->ipv4 && d->ipv6);
	ck_assert(d->has_router_id);
	addr_eq(d->router_id, "192.168.50.1");
	ck_assert(d->has_router_id6);
	addr_eq(d->router_id6, "fc00:0:1::1");
	ck_assert(!d->overload);
	ck_assert(d->has_cap);

	/* one link: et2's Up adjacency; et3 has none */
	ck_assert_uint_eq(d->nlinks, 1);
	ck_assert_ptr_eq(d->links, nd.links);
	l = &d->links[0];
	ck_assert_mem_eq(l->nbr, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(l->nbr[ISIS_SYSID_LEN], 0);	/* pseudonode 0 */
	ck_assert_uint_eq(l->metric, 51);
	ck_assert_uint_eq(l->has, ISIS_ORIG_ADMIN_GROUP | ISIS_ORIG_IPV4 | ISIS_ORIG_MAX_BW |
				  ISIS_ORIG_MAX_RSV_BW | ISIS_ORIG_UNRSV_BW |
				  ISIS_ORIG_TE_METRIC | ISIS_ORIG_DELAY |
				  ISIS_ORIG_MINMAX_DELAY | ISIS_ORIG_ENDX);
	ck_assert_uint_eq(l->admin_group, 0x1);	/* red = bit 0 */
	addr_eq(l->local4, "10.1.2.1");
	addr_eq(l->remote4, "10.1.2.2");
	ck_assert_float_eq(l->max_bw, bps);
	ck_assert_float_eq(l->max_rsv_bw, bps);
	for (int k = 0; k < 8; k++)
		ck_assert_float_eq(l->unrsv_bw[k], l->max_rsv_bw);
	ck_assert_uint_eq(l->te_metric, 51);
	ck_assert_uint_eq(l->delay_us, 50000);
	ck_assert_uint_eq(l->min_delay_us, 50000);
	ck_assert_uint_eq(l->max_delay_us, 50000);
	addr_eq(l->endx_sid, "fc00:0:1:e001::");
	ck_assert_uint_eq(l->endx_behavior, SRV6_BEHAVIOR_END_X);
	ck_assert_uint_eq(l->n_srlgs, 2);
	ck_assert_uint_eq(l->srlgs[0], 100);
	ck_assert_uint_eq(l->srlgs[1], 4000000000u);

	/* IPv4: loopback at 0, then circuit prefixes with host bits cleared, once each,
	 * at the metric of the first interface that has them */
	ck_assert_ptr_eq(d->ip4, nd.ip4);
	ck_assert_uint_eq(d->nip4, 3);
	prefix_is(&d->ip4[0], "192.168.50.1/32", 0);
	prefix_is(&d->ip4[1], "10.1.2.0/24", 51);
	prefix_is(&d->ip4[2], "10.1.3.0/24", 155);

	/* IPv6: loopback, et2's global prefix, the locator (RFC 9352 7.1) */
	ck_assert_uint_eq(d->nip6, 3);
	prefix_is(&d->ip6[0], "fc00:0:1::1/128", 0);
	prefix_is(&d->ip6[1], "2001:db8:12::/64", 51);
	prefix_is(&d->ip6[2], "fc00:0:1::/48", 0);
	ck_assert_ptr_null(find_prefix(d->ip6, d->nip6, "fe80::/64"));	/* not link-local */

	/* locator TLV 27 */
	ck_assert(d->has_locator);
	addr_eq(d->locator, "fc00:0:1::");
	ck_assert_uint_eq(d->locator_len, 48);
	addr_eq(d->end_sid, "fc00:0:1::");
	ck_assert_uint_eq(d->end_behavior, SRV6_BEHAVIOR_END);
	ck_assert_uint_eq(d->sid_structure[0], 32);
	ck_assert_uint_eq(d->sid_structure[1], 16);
	ck_assert_uint_eq(d->sid_structure[2], 16);
	ck_assert_uint_eq(d->sid_structure[3], 0);
	ck_assert_uint_eq(d->n_extra_sids, 2);
	addr_eq(d->extra_sids[0].sid, "fc00:0:1:d6::");
	ck_assert_uint_eq(d->extra_sids[0].behavior, SRV6_BEHAVIOR_END_DT6);
	addr_eq(d->extra_sids[1].sid, "fc00:0:1:d4::");
	ck_assert_uint_eq(d->extra_sids[1].behavior, SRV6_BEHAVIOR_END_DX4);
}
END_TEST

START_TEST(desc_two_links)
{
	const struct isis_orig_link *l;

	et3_up();
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.nlinks, 2);
	l = &nd.d.links[1];
	ck_assert_mem_eq(l->nbr, r3_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(l->metric, 155);
	ck_assert_uint_eq(l->admin_group, 0x2);	/* blue = bit 1 */
	ck_assert_uint_eq(l->te_metric, 155);
	ck_assert_uint_eq(l->delay_us, 120000);
	ck_assert_uint_eq(l->min_delay_us, 120000);
	ck_assert_uint_eq(l->max_delay_us, 120000);
	addr_eq(l->local4, "10.1.3.1");	/* the first address */
	addr_eq(l->remote4, "10.1.3.3");
	addr_eq(l->endx_sid, "fc00:0:1:e002::");
	ck_assert_uint_eq(l->n_srlgs, 0);

	/* no IPv4 neighbor address: no IPv4 sub-TLVs */
	circ[1].nbr4 = (addr_t){ 0 };
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.links[1].has & ISIS_ORIG_IPV4, 0);
	ck_assert(nd.d.links[0].has & ISIS_ORIG_IPV4);

	/* no TE attributes configured: none advertised (End.X stays) */
	memset(&cfg.ifaces[1].te, 0, sizeof(cfg.ifaces[1].te));
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.links[1].has, ISIS_ORIG_ENDX);

	/* only a maximum bandwidth: reservable (and unreserved) default to it */
	cfg.ifaces[1].te.has_max_bw = true;
	cfg.ifaces[1].te.max_bw_bps = 10000000000ull;
	speaker_node_desc(&cfg, circ, 2, &nd);
	l = &nd.d.links[1];
	ck_assert(l->has & ISIS_ORIG_MAX_RSV_BW);
	ck_assert_float_eq(l->max_bw, 1.25e9f);
	ck_assert_float_eq(l->max_rsv_bw, 1.25e9f);
	ck_assert_float_eq(l->unrsv_bw[7], 1.25e9f);

	/* passive: prefixes, no link */
	cfg.ifaces[1].passive = true;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.nlinks, 1);
	ck_assert_ptr_nonnull(find_prefix(nd.d.ip4, nd.d.nip4, "10.1.3.0/24"));
}
END_TEST

START_TEST(desc_no_carrier)
{
	et3_up();
	/* et3 loses carrier: neither its link nor its prefixes */
	circ[1].carrier = false;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.nlinks, 1);
	ck_assert_mem_eq(nd.d.links[0].nbr, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(nd.d.nip4, 2);
	ck_assert_ptr_null(find_prefix(nd.d.ip4, nd.d.nip4, "10.1.3.0/24"));
	/* 10.1.2.0/24 is still et2's */
	prefix_is(&nd.d.ip4[1], "10.1.2.0/24", 51);

	/* et2 gone from the kernel: only loopbacks and the locator */
	circ[0].present = false;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.nlinks, 0);
	ck_assert_uint_eq(nd.d.nip4, 1);
	ck_assert_uint_eq(nd.d.nip6, 2);
	prefix_is(&nd.d.ip4[0], "192.168.50.1/32", 0);
	prefix_is(&nd.d.ip6[1], "fc00:0:1::/48", 0);

	/* adjacency down: no link, prefixes stay */
	circ[0].present = true;
	circ[0].adj_up = false;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.nlinks, 0);
	ck_assert_uint_eq(nd.d.nip4, 2);
}
END_TEST

START_TEST(desc_no_locator)
{
	cfg.has_locator = false;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert(!nd.d.has_locator);
	ck_assert(!nd.d.has_cap);
	ck_assert_uint_eq(nd.d.n_extra_sids, 0);
	ck_assert_uint_eq(nd.d.nlinks, 1);
	ck_assert_uint_eq(nd.d.links[0].has & ISIS_ORIG_ENDX, 0);
	ck_assert_uint_eq(nd.d.nip6, 2);	/* no locator prefix */

	/* a locator without End.DT6 / End.DX4 configured: End only */
	cfg.has_locator = true;
	cfg.srv6_behaviors = SPEAKER_SRV6_END | SPEAKER_SRV6_END_X;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert(nd.d.has_locator);
	ck_assert_uint_eq(nd.d.n_extra_sids, 0);
	ck_assert(nd.d.links[0].has & ISIS_ORIG_ENDX);

	/* no End.X behavior: no End.X SID on the link */
	cfg.srv6_behaviors = SPEAKER_SRV6_END;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_uint_eq(nd.d.links[0].has & ISIS_ORIG_ENDX, 0);
}
END_TEST

/* ---- local SIDs, SPF adjacencies ----------------------------------------------------- */

static void lsid_is(const struct speaker_local_sid *s, const char *sid, uint16_t behavior,
		    const struct speaker_circ *c)
{
	char got[ADDR_STRLEN];

	addr_format(&s->sid, got, sizeof(got));
	ck_assert_str_eq(got, sid);
	ck_assert_uint_eq(s->behavior, behavior);
	ck_assert_ptr_eq(s->circ, c);
}

START_TEST(local_sids)
{
	struct speaker_local_sid v[8];
	size_t n;

	n = speaker_local_sids(&cfg, circ, 2, v, 8);
	ck_assert_uint_eq(n, 4);
	lsid_is(&v[0], "fc00:0:1::", SRV6_BEHAVIOR_END, NULL);
	lsid_is(&v[1], "fc00:0:1:d4::", SRV6_BEHAVIOR_END_DX4, NULL);
	lsid_is(&v[2], "fc00:0:1:d6::", SRV6_BEHAVIOR_END_DT6, NULL);
	lsid_is(&v[3], "fc00:0:1:e001::", SRV6_BEHAVIOR_END_X, &circ[0]);

	/* et3 Up as well: its End.X after et2's; sorted throughout */
	et3_up();
	n = speaker_local_sids(&cfg, circ, 2, v, 8);
	ck_assert_uint_eq(n, 5);
	lsid_is(&v[4], "fc00:0:1:e002::", SRV6_BEHAVIOR_END_X, &circ[1]);
	for (size_t i = 0; i + 1 < n; i++)
		ck_assert_int_lt(addr_cmp(&v[i].sid, &v[i + 1].sid), 0);

	/* Up but no link-local neighbor address: no End.X */
	circ[1].nbr6 = (addr_t){ 0 };
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 4);
	/* or an IPv4 one where the IPv6 should be */
	circ[1].nbr6 = ip("10.1.3.3");
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 4);
	/* no carrier / not present / adjacency down: no End.X */
	circ[1].nbr6 = ip("fe80::3");
	circ[1].carrier = false;
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 4);
	circ[1].carrier = true;
	circ[1].present = false;
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 4);
	circ[1].present = true;
	circ[1].adj_up = false;
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 4);

	/* cap */
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 2), 2);
	lsid_is(&v[1], "fc00:0:1:d4::", SRV6_BEHAVIOR_END_DX4, NULL);
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 0), 0);

	/* behaviors not configured are not instantiated */
	cfg.srv6_behaviors = SPEAKER_SRV6_END | SPEAKER_SRV6_END_DT6;
	n = speaker_local_sids(&cfg, circ, 2, v, 8);
	ck_assert_uint_eq(n, 2);
	lsid_is(&v[0], "fc00:0:1::", SRV6_BEHAVIOR_END, NULL);
	lsid_is(&v[1], "fc00:0:1:d6::", SRV6_BEHAVIOR_END_DT6, NULL);

	/* no locator: none */
	cfg.has_locator = false;
	ck_assert_uint_eq(speaker_local_sids(&cfg, circ, 2, v, 8), 0);
}
END_TEST

START_TEST(spf_adjs)
{
	struct isis_spf_adj a[2];
	size_t circ_of[2] = { 99, 99 };

	ck_assert_uint_eq(speaker_spf_adjs(circ, 2, a, circ_of), 1);
	ck_assert_mem_eq(a[0].sysid, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(a[0].ifindex, 3);
	ck_assert_str_eq(a[0].ifname, "et2");
	ck_assert_int_eq(addr_cmp(&a[0].addr4, &circ[0].nbr4), 0);
	ck_assert_int_eq(addr_cmp(&a[0].addr6, &circ[0].nbr6), 0);
	ck_assert_uint_eq(circ_of[0], 0);

	et3_up();
	ck_assert_uint_eq(speaker_spf_adjs(circ, 2, a, circ_of), 2);
	ck_assert_mem_eq(a[1].sysid, r3_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(a[1].ifindex, 4);
	ck_assert_str_eq(a[1].ifname, "et3");
	ck_assert_uint_eq(circ_of[1], 1);

	/* et2 without carrier: et3's is entry 0, circuit 1 */
	circ[0].carrier = false;
	ck_assert_uint_eq(speaker_spf_adjs(circ, 2, a, circ_of), 1);
	ck_assert_mem_eq(a[0].sysid, r3_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(circ_of[0], 1);
	ck_assert_uint_eq(speaker_spf_adjs(circ, 2, a, NULL), 1);	/* circ_of optional */

	circ[1].present = false;
	ck_assert_uint_eq(speaker_spf_adjs(circ, 2, a, NULL), 0);
	ck_assert_uint_eq(speaker_spf_adjs(circ, 0, a, NULL), 0);
}
END_TEST

/* ---- through the encoder and the decoder ---------------------------------------------- */

static const struct isis_tlv *tlv_find(const struct isis_pdu *p, uint8_t type, size_t nth)
{
	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == type && nth-- == 0)
			return &p->tlvs[i];
	return NULL;
}

static const struct isis_subtlv *sub_find(const struct isis_subtlvs *s, uint8_t type)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].type == type)
			return &s->v[i];
	return NULL;
}

static void check_lsp(const struct isis_pdu *p)
{
	const struct isis_tlv *t;
	const struct isis_locator *loc;
	const struct isis_subtlv *x;
	static const uint16_t behaviors[] = { SRV6_BEHAVIOR_END, SRV6_BEHAVIOR_END_DT6,
					      SRV6_BEHAVIOR_END_DX4 };
	static const char *const sids[] = { "fc00:0:1::", "fc00:0:1:d6::", "fc00:0:1:d4::" };

	ck_assert_mem_eq(p->h.lsp.lsp_id, cfg.system_id, ISIS_SYSID_LEN);

	/* TLV 22: r2 with End.X */
	t = tlv_find(p, ISIS_TLV_EXT_IS_REACH, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_mem_eq(t->it.is[0].id, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(t->it.is[0].metric, 51);
	x = sub_find(&t->it.is[0].sub, ISIS_SUB_SRV6_ENDX);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->v.sid.behavior, SRV6_BEHAVIOR_END_X);
	addr_eq(x->v.sid.sid, "fc00:0:1:e001::");
	x = sub_find(&t->it.is[0].sub, ISIS_SUB_ADMIN_GROUP);
	ck_assert_ptr_nonnull(x);
	ck_assert_uint_eq(x->v.u32, 0x1);

	/* TLV 138: et2's SRLGs, numbered with its IPv4 addresses; only one such TLV */
	t = tlv_find(p, ISIS_TLV_SRLG, 0);
	ck_assert_msg(t != NULL, "no TLV 138");
	ck_assert_mem_eq(t->u.srlg.id, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(t->u.srlg.id[ISIS_SYSID_LEN], 0);
	ck_assert_uint_eq(t->u.srlg.flags & 0x01, 0x01);
	addr_eq(t->u.srlg.local, "10.1.2.1");
	addr_eq(t->u.srlg.remote, "10.1.2.2");
	ck_assert_uint_eq(t->u.srlg.n, 2);
	ck_assert_uint_eq(t->u.srlg.v[0], 100);
	ck_assert_uint_eq(t->u.srlg.v[1], 4000000000u);
	ck_assert_ptr_null(tlv_find(p, ISIS_TLV_SRLG, 1));

	/* TLV 236 has the locator prefix */
	t = tlv_find(p, ISIS_TLV_IPV6_REACH, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_uint_eq(t->n, 3);
	ck_assert_uint_eq(t->it.ip6[2].plen, 48);
	addr_eq(t->it.ip6[2].prefix, "fc00:0:1::");

	/* TLV 27: the locator with End, End.DT6, End.DX4 */
	t = tlv_find(p, ISIS_TLV_SRV6_LOCATOR, 0);
	ck_assert_msg(t != NULL, "no TLV 27");
	ck_assert_uint_eq(t->n, 1);
	loc = &t->it.loc[0];
	ck_assert_uint_eq(loc->size, 48);
	addr_eq(loc->loc, "fc00:0:1::");
	ck_assert_uint_eq(loc->sub.n, 3);
	for (size_t k = 0; k < 3; k++) {
		const struct isis_subtlv *s = &loc->sub.v[k];

		ck_assert_uint_eq(s->type, ISIS_SUB_SRV6_END);
		ck_assert_uint_eq(s->v.sid.behavior, behaviors[k]);
		addr_eq(s->v.sid.sid, sids[k]);
		/* SID structure sub-sub-TLV: LB 32, LN 16, function 16, argument 0 */
		ck_assert_uint_eq(s->v.sid.sub_len, 6);
		ck_assert_uint_eq(s->v.sid.sub[0], 1);
		ck_assert_uint_eq(s->v.sid.sub[1], 4);
		ck_assert_uint_eq(s->v.sid.sub[2], 32);
		ck_assert_uint_eq(s->v.sid.sub[3], 16);
		ck_assert_uint_eq(s->v.sid.sub[4], 16);
		ck_assert_uint_eq(s->v.sid.sub[5], 0);
	}
}

START_TEST(encode_decode)
{
	struct isis_orig o;
	struct isis_pdu *frags = NULL;
	struct isis_orig_out out = { 0 };
	struct isis_pdu p;
	struct isis_err e;
	size_t n = 0;

	speaker_node_desc(&cfg, circ, 2, &nd);
	isis_orig_init(&o, cfg.system_id, cfg.level, 0, 0, 0);

	/* the built PDU */
	ck_assert_int_eq(isis_orig_build(&o, &nd.d, &frags, &n), 0);
	ck_assert_uint_eq(n, 1);
	check_lsp(&frags[0]);
	isis_pdu_free(&frags[0]);
	free(frags);

	/* the bytes that are flooded, decoded */
	ck_assert_int_eq(isis_orig_update(&o, &nd.d, 1000, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert(!out.v[0].purge);
	ck_assert_uint_eq(out.v[0].frag, 0);
	memset(&e, 0, sizeof(e));
	ck_assert_msg(isis_pdu_decode(out.v[0].bytes, out.v[0].len, &p, &e) == 0,
		      "decode: %s", e.reason ? e.reason : "?");
	ck_assert_uint_eq(p.type, ISIS_L2_LSP);
	ck_assert(p.checksum_ok);
	ck_assert_uint_eq(p.h.lsp.seq, 1);
	check_lsp(&p);
	isis_pdu_free(&p);
	isis_orig_out_clear(&out);

	/* unchanged description: nothing new; et2 loses its SRLGs: a new seq without
	 * TLV 138 */
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_int_eq(isis_orig_update(&o, &nd.d, 2000, &out), 0);
	ck_assert_uint_eq(out.n, 0);
	cfg.ifaces[0].te.n_srlgs = 0;
	speaker_node_desc(&cfg, circ, 2, &nd);
	ck_assert_int_eq(isis_orig_update(&o, &nd.d, 3000, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(isis_pdu_decode(out.v[0].bytes, out.v[0].len, &p, &e), 0);
	ck_assert_uint_eq(p.h.lsp.seq, 2);
	ck_assert_ptr_null(tlv_find(&p, ISIS_TLV_SRLG, 0));
	isis_pdu_free(&p);
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}
END_TEST

static const uint8_t *sub_nth(const struct isis_subtlvs *s, uint8_t type, size_t nth,
			     uint8_t *len)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].type == type && nth-- == 0) {
			*len = s->v[i].len;
			return s->v[i].v.raw;
		}
	return NULL;
}

/* The first encoded fragment of the current description, decoded. */
static void encode_now(struct isis_pdu *p)
{
	struct isis_orig o;
	struct isis_orig_out out = { 0 };
	struct isis_err e;

	speaker_node_desc(&cfg, circ, 2, &nd);
	isis_orig_init(&o, cfg.system_id, cfg.level, 0, 0, 0);
	ck_assert_int_eq(isis_orig_update(&o, &nd.d, 1000, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	memset(&e, 0, sizeof(e));
	ck_assert_msg(isis_pdu_decode(out.v[0].bytes, out.v[0].len, p, &e) == 0, "decode: %s",
		      e.reason ? e.reason : "?");
	ck_assert(p->checksum_ok);
	isis_orig_out_clear(&out);
	isis_orig_free(&o);
}

START_TEST(sr_mpls_off_by_default)
{
	struct isis_pdu p;
	struct speaker_local_label ll[4];
	const struct isis_tlv *t;
	uint8_t len;

	ck_assert(!cfg.has_sr_mpls);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 0), 0);
	et3_up();
	encode_now(&p);
	for (size_t k = 0; (t = tlv_find(&p, ISIS_TLV_EXT_IS_REACH, k)) != NULL; k++)
		for (size_t i = 0; i < t->n; i++)
			ck_assert_ptr_null(sub_nth(&t->it.is[i].sub, ISIS_SUB_ADJ_SID, 0, &len));
	t = tlv_find(&p, ISIS_TLV_ROUTER_CAP, 0);
	ck_assert_ptr_nonnull(t); /* SRv6 capabilities only */
	ck_assert_ptr_null(sub_nth(&t->u.cap.sub, ISIS_SUB_SR_CAP, 0, &len));
	ck_assert_ptr_nonnull(sub_nth(&t->u.cap.sub, ISIS_SUB_SRV6_CAP, 0, &len));
	isis_pdu_free(&p);
	ck_assert_uint_eq(speaker_local_labels(&cfg, circ, 2, ll, 4), 0);
}
END_TEST

START_TEST(sr_mpls_tlvs)
{
	static const uint8_t cap2[9] = { 0xc0, 0x00, 0x1f, 0x40, 1, 3, 0x00, 0x3e, 0x80 };
	static const uint8_t adj4[5] = { 0x30, 0, 0x00, 0x5d, 0xc1 };  /* 24001, F clear */
	static const uint8_t adj6[5] = { 0xb0, 0, 0x00, 0x5d, 0xc1 };  /* 24001, F set */
	static const uint8_t adj3[5] = { 0x30, 0, 0x00, 0x75, 0x31 };  /* 30001 */
	const char *dir = getenv("KVTE_SOURCE_DIR");
	char path[4096], err[512] = "";
	struct isis_pdu p;
	struct speaker_local_label ll[4];
	const struct isis_tlv *t;
	const uint8_t *b;
	uint8_t len;
	jx_ctx c;
	json_t *v, *j;
	char *text;

	/* r1.json with SR-MPLS: SRGB 16000/8000, adjacency labels from 24000, et3 30001 */
	snprintf(path, sizeof(path), "%s/tests/data/speaker/r1.json", dir ? dir : ".");
	jx_init(&c, path);
	v = jx_load_file(&c, path);
	ck_assert_ptr_nonnull(v);
	json_object_set_new(v, "sr_mpls", json_pack("{s:i, s:i, s:i}", "srgb_base", 16000,
						    "srgb_range", 8000, "adj_label_base", 24000));
	json_object_set_new(json_array_get(json_object_get(v, "interfaces"), 1), "adj_label",
			    json_integer(30001));
	ck_assert_msg(speaker_config_parse(v, "r1.json", &groups, &cfg, err, sizeof(err)) == 0,
		      "%s", err);
	json_decref(v);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 0), 24001);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 1), 30001);
	circ[0].cfg = &cfg.ifaces[0];
	circ[1].cfg = &cfg.ifaces[1];
	et3_up();
	circ[1].nbr6 = (addr_t){ 0 }; /* et3: IPv4 neighbor only */
	encode_now(&p);

	t = tlv_find(&p, ISIS_TLV_ROUTER_CAP, 0);
	ck_assert_ptr_nonnull(t);
	b = sub_nth(&t->u.cap.sub, ISIS_SUB_SR_CAP, 0, &len);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(len, 9);
	ck_assert_mem_eq(b, cap2, 9);
	b = sub_nth(&t->u.cap.sub, ISIS_SUB_SR_ALGO, 0, &len);
	ck_assert_ptr_nonnull(b);
	ck_assert_uint_eq(len, 1);
	ck_assert_uint_eq(b[0], 0);

	size_t links = 0;

	for (size_t k = 0; (t = tlv_find(&p, ISIS_TLV_EXT_IS_REACH, k)) != NULL; k++)
		for (size_t i = 0; i < t->n; i++, links++) {
			const struct isis_subtlvs *ss = &t->it.is[i].sub;
			bool to_r2 = memcmp(t->it.is[i].id, r2_sysid, ISIS_SYSID_LEN) == 0;

			b = sub_nth(ss, ISIS_SUB_ADJ_SID, 0, &len);
			ck_assert_ptr_nonnull(b);
			ck_assert_uint_eq(len, 5);
			ck_assert_mem_eq(b, to_r2 ? adj4 : adj3, 5);
			b = sub_nth(ss, ISIS_SUB_ADJ_SID, 1, &len);
			if (to_r2) {
				ck_assert_ptr_nonnull(b);
				ck_assert_mem_eq(b, adj6, 5);
			} else {
				ck_assert_ptr_null(b);
			}
		}
	ck_assert_uint_eq(links, 2);

	/* what the TED sees */
	j = ted_json_lsp(&p, 1200, err, sizeof(err));
	ck_assert_msg(j != NULL, "%s", err);
	text = jx_dumps(json_object_get(json_object_get(j, "router_capability"), "sr_mpls"));
	ck_assert_str_eq(text, "{\"ipv4\":true,\"ipv6\":true,\"srgb_base\":16000,"
			       "\"srgb_range\":8000}");
	free(text);
	text = jx_dumps(json_object_get(json_array_get(json_object_get(j, "is_reach"), 0),
					"adj_sids"));
	ck_assert_ptr_nonnull(strstr(text, "\"label\":24001"));
	free(text);
	json_decref(j);
	isis_pdu_free(&p);

	/* the local labels, and their rib-sid values */
	ck_assert_uint_eq(speaker_local_labels(&cfg, circ, 2, ll, 4), 2);
	ck_assert_uint_eq(ll[0].label, 24001);
	ck_assert_ptr_eq(ll[0].circ, &circ[0]);
	ck_assert_uint_eq(ll[1].label, 30001);
	struct ted_json_label_in li = { .label = ll[0].label, .interface = "et2",
					.address = ll[0].nh, .neighbor = "r2" };

	j = ted_json_label(&li, err, sizeof(err));
	ck_assert_msg(j != NULL, "%s", err);
	text = jx_dumps(j);
	ck_assert_str_eq(text, "{\"label\":24001,\"next_hop\":{\"address\":\"10.1.2.2\","
			       "\"interface\":\"et2\",\"neighbor\":\"r2\"},\"op\":\"pop\"}");
	free(text);
	json_decref(j);
	li.label = 15;
	ck_assert_ptr_null(ted_json_label(&li, err, sizeof(err)));
	ck_assert_str_eq(err, "label: 15 is not 16..1048575");
	/* et2 down: its label goes */
	circ[0].adj_up = false;
	ck_assert_uint_eq(speaker_local_labels(&cfg, circ, 2, ll, 4), 1);
	ck_assert_uint_eq(ll[0].label, 30001);
}
END_TEST

/* an unnumbered link (no IPv4 neighbor) gets an unnumbered TLV 138 */
START_TEST(encode_srlg_unnumbered)
{
	struct isis_orig o;
	struct isis_pdu *frags = NULL;
	const struct isis_tlv *t;
	size_t n = 0;

	et3_up();
	circ[1].nbr4 = (addr_t){ 0 };
	cfg.ifaces[1].te.n_srlgs = 1;
	cfg.ifaces[1].te.srlgs[0] = 7;
	speaker_node_desc(&cfg, circ, 2, &nd);
	isis_orig_init(&o, cfg.system_id, cfg.level, 0, 0, 0);
	ck_assert_int_eq(isis_orig_build(&o, &nd.d, &frags, &n), 0);
	ck_assert_uint_eq(n, 1);
	t = tlv_find(&frags[0], ISIS_TLV_SRLG, 0);
	ck_assert_ptr_nonnull(t);
	ck_assert_mem_eq(t->u.srlg.id, r2_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(t->u.srlg.flags, 0x01);
	t = tlv_find(&frags[0], ISIS_TLV_SRLG, 1);
	ck_assert_ptr_nonnull(t);
	ck_assert_mem_eq(t->u.srlg.id, r3_sysid, ISIS_SYSID_LEN);
	ck_assert_uint_eq(t->u.srlg.flags & 0x01, 0);
	addr_eq(t->u.srlg.local, "0.0.0.0");
	addr_eq(t->u.srlg.remote, "0.0.0.0");
	ck_assert_uint_eq(t->u.srlg.n, 1);
	ck_assert_uint_eq(t->u.srlg.v[0], 7);
	isis_pdu_free(&frags[0]);
	free(frags);
	isis_orig_free(&o);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("speaker_node");
	TCase *tc = tcase_create("node");
	TCase *te = tcase_create("encode");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, sid_layout);
	tcase_add_test(tc, desc_r1);
	tcase_add_test(tc, desc_two_links);
	tcase_add_test(tc, desc_no_carrier);
	tcase_add_test(tc, desc_no_locator);
	tcase_add_test(tc, local_sids);
	tcase_add_test(tc, spf_adjs);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(te, setup, NULL);
	tcase_add_test(te, encode_decode);
	tcase_add_test(te, encode_srlg_unnumbered);
	tcase_add_test(te, sr_mpls_off_by_default);
	tcase_add_test(te, sr_mpls_tlvs);
	suite_add_tcase(s, te);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
