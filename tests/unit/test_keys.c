/* test_keys — Check suite for lib/keys.c: every family's key built from the seed
 * topology's names and parsed back to the same components (and rebuilt to the same
 * bytes), watch prefixes, the link/SID/LSP-ID forms, configurable roots, and rejection
 * of bad components ("r1/x", "", over-long names, non-canonical prefixes and SIDs),
 * unknown families and keys outside the root, with nothing half-filled on error. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/keys.h"

static keys_t K;

static void setup(void)
{
	ck_assert_int_eq(keys_init(&K, NULL), 0);
}

static prefix_t P(const char *s)
{
	prefix_t p;

	ck_assert_msg(prefix_parse(s, false, &p) == 0, "prefix_parse(\"%s\")", s);
	return p;
}

static struct key_link L(const char *node, const char *ifname)
{
	struct key_link l;

	ck_assert_int_eq(keys_link_make(node, ifname, &l), 0);
	return l;
}

static struct key_sid SID6(const char *s)
{
	struct key_sid sid;

	memset(&sid, 0, sizeof(sid));
	ck_assert_int_eq(addr_parse(s, &sid.addr), 0);
	return sid;
}

static struct key_sid LABEL(uint32_t label)
{
	struct key_sid sid;

	memset(&sid, 0, sizeof(sid));
	sid.is_label = true;
	sid.label = label;
	return sid;
}

/* Parses key, checks the family, rebuilds it from the parsed components and checks the
 * bytes are identical. Returns the parsed components. */
static struct key_info roundtrip(const char *key, enum key_family want)
{
	struct key_info ki;
	char again[KEYS_MAX];
	int rc;

	memset(&ki, 0xa5, sizeof(ki));
	rc = keys_parse(&K, key, &ki);
	ck_assert_msg(rc == (int)want, "keys_parse(\"%s\") = %d, want %d (%s)", key, rc,
		      (int)want, keys_family_name(want));
	ck_assert_int_eq(ki.family, want);
	rc = keys_build(&K, &ki, again, sizeof(again));
	ck_assert_int_eq(rc, (int)strlen(key));
	ck_assert_str_eq(again, key);
	return ki;
}

static void expect_bad_key(const char *key)
{
	struct key_info ki, before;

	memset(&ki, 0x5a, sizeof(ki));
	before = ki;
	ck_assert_msg(keys_parse(&K, key, &ki) == -EINVAL, "keys_parse(\"%s\") accepted", key);
	ck_assert_msg(memcmp(&ki, &before, sizeof(ki)) == 0,
		      "keys_parse(\"%s\") wrote into *out on error", key);
}

START_TEST(family_names)
{
	ck_assert_str_eq(keys_family_name(KEY_LSP_REQUEST), "lsp-request");
	ck_assert_str_eq(keys_family_name(KEY_RIB_TE_TUNNEL), "rib-te-tunnel");
	ck_assert_str_eq(keys_family_name(KEY_AGENT_STATE), "agent-state");
	ck_assert_str_eq(keys_family_name(KEY_FAMILY_COUNT), "unknown");
	ck_assert_str_eq(keys_family_name((enum key_family)-1), "unknown");
	ck_assert_str_eq(keys_family_pattern(KEY_RIB_ISIS_ROUTE), "rib/{node}/isis/{prefix}");
	for (int f = 0; f < KEY_FAMILY_COUNT; f++)
		ck_assert_int_eq(keys_family_from_name(keys_family_name(f)), f);
	ck_assert_int_eq(keys_family_from_name("rib"), -EINVAL);
	ck_assert_int_eq(keys_family_from_name(NULL), -EINVAL);
}
END_TEST

START_TEST(config_families)
{
	char buf[KEYS_MAX];
	struct key_info ki;
	prefix_t p = P("0.0.0.0/0");

	ck_assert_int_eq(keys_lsp_request(&K, "r1-to-r4", buf, sizeof(buf)), 26);
	ck_assert_str_eq(buf, "/kvte/config/lsps/r1-to-r4");
	ki = roundtrip(buf, KEY_LSP_REQUEST);
	ck_assert_str_eq(ki.lsp, "r1-to-r4");
	ck_assert_str_eq(ki.node, "");

	ck_assert_int_gt(keys_admin_groups(&K, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/config/admin-groups");
	roundtrip(buf, KEY_ADMIN_GROUPS);

	ck_assert_int_gt(keys_static_route(&K, "ex1", &p, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/config/static/ex1/0.0.0.0_0");
	ki = roundtrip(buf, KEY_STATIC_ROUTE);
	ck_assert_str_eq(ki.node, "ex1");
	ck_assert_int_eq(prefix_cmp(&ki.prefix, &p), 0);
}
END_TEST

START_TEST(ted_and_speaker)
{
	struct key_lsp_id id = { { 0x19, 0x21, 0x68, 0x05, 0x00, 0x01 }, 0, 0 };
	char buf[KEYS_MAX];
	struct key_info ki;

	ck_assert_int_gt(keys_ted_lsp(&K, &id, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/ted/lsp/1921.6805.0001.00-00");
	ki = roundtrip(buf, KEY_TED_LSP);
	ck_assert_mem_eq(&ki.lsp_id, &id, sizeof(id));

	ki = roundtrip("/kvte/ted/lsp/abcd.ef01.2345.0a-ff", KEY_TED_LSP);
	ck_assert_uint_eq(ki.lsp_id.system_id[0], 0xab);
	ck_assert_uint_eq(ki.lsp_id.system_id[5], 0x45);
	ck_assert_uint_eq(ki.lsp_id.pseudonode, 0x0a);
	ck_assert_uint_eq(ki.lsp_id.fragment, 0xff);

	ck_assert_int_gt(keys_speaker(&K, "r3", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/speakers/r3");
	ki = roundtrip(buf, KEY_SPEAKER);
	ck_assert_str_eq(ki.node, "r3");
}
END_TEST

START_TEST(rib_families)
{
	char buf[KEYS_MAX];
	struct key_info ki;
	struct key_sid sid = SID6("fc00:0:1:e000::"), label = LABEL(24002);
	struct key_link l = L("r1", "et2");
	prefix_t v4 = P("192.168.50.4/32"), v6 = P("fc00:0:2::/48");

	ck_assert_int_gt(keys_rib_isis_route(&K, "r1", &v4, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/isis/192.168.50.4_32");
	ki = roundtrip(buf, KEY_RIB_ISIS_ROUTE);
	ck_assert_int_eq(prefix_cmp(&ki.prefix, &v4), 0);
	ck_assert_int_gt(keys_rib_isis_route(&K, "r1", &v6, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/isis/fc00:0:2::_48");
	ki = roundtrip(buf, KEY_RIB_ISIS_ROUTE);
	ck_assert_int_eq(ki.prefix.addr.family, AF_INET6);
	ck_assert_uint_eq(ki.prefix.len, 48);

	ck_assert_int_gt(keys_rib_sid(&K, "r1", &sid, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/sid/fc00:0:1:e000::");
	ki = roundtrip(buf, KEY_RIB_SID);
	ck_assert(!ki.sid.is_label);
	ck_assert_int_eq(addr_cmp(&ki.sid.addr, &sid.addr), 0);
	ck_assert_int_gt(keys_rib_sid(&K, "r1", &label, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/sid/24002");
	ki = roundtrip(buf, KEY_RIB_SID);
	ck_assert(ki.sid.is_label);
	ck_assert_uint_eq(ki.sid.label, 24002);

	ck_assert_int_gt(keys_rib_te_tunnel(&K, "r1", "r1-to-r4", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/te/r1-to-r4");
	ki = roundtrip(buf, KEY_RIB_TE_TUNNEL);
	ck_assert_str_eq(ki.node, "r1");
	ck_assert_str_eq(ki.lsp, "r1-to-r4");

	ck_assert_int_gt(keys_rib_protect(&K, "r1", &l, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/protect/r1:et2");
	ki = roundtrip(buf, KEY_RIB_PROTECT);
	ck_assert_str_eq(ki.link.node, "r1");
	ck_assert_str_eq(ki.link.ifname, "et2");
	/* A PLR protects only its own links. */
	ck_assert_int_eq(keys_rib_protect(&K, "r2", &l, buf, sizeof(buf)), -EINVAL);
	ck_assert_str_eq(buf, "");
	expect_bad_key("/kvte/rib/r2/protect/r1:et2");
}
END_TEST

START_TEST(te_families)
{
	char buf[KEYS_MAX];
	struct key_info ki;
	struct key_link l = L("r5", "et2");

	ck_assert_int_gt(keys_te_path(&K, "r4-to-r1", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/te/paths/r4-to-r1");
	ki = roundtrip(buf, KEY_TE_PATH);
	ck_assert_str_eq(ki.lsp, "r4-to-r1");

	ck_assert_int_gt(keys_te_link(&K, &l, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/te/links/r5:et2");
	ki = roundtrip(buf, KEY_TE_LINK);
	ck_assert_str_eq(ki.link.node, "r5");
	ck_assert_str_eq(ki.link.ifname, "et2");

	ck_assert_int_gt(keys_te_leader(&K, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/te/leader");
	roundtrip(buf, KEY_TE_LEADER);
}
END_TEST

START_TEST(bgp_and_state_families)
{
	char buf[KEYS_MAX];
	struct key_info ki;
	prefix_t stub = P("10.42.2.0/24"), cust = P("100.65.0.0/31");

	ck_assert_int_gt(keys_bgp_route(&K, &stub, "r4", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/bgp/routes/10.42.2.0_24/r4");
	ki = roundtrip(buf, KEY_BGP_ROUTE);
	ck_assert_str_eq(ki.node, "r4");
	ck_assert_int_eq(prefix_cmp(&ki.prefix, &stub), 0);

	ck_assert_int_gt(keys_bgp_announce(&K, "ex2", &stub, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/bgp/announce/ex2/10.42.2.0_24");
	roundtrip(buf, KEY_BGP_ANNOUNCE);

	ck_assert_int_gt(keys_bgp_originate(&K, "r1", &cust, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/bgp/originate/r1/100.65.0.0_31");
	ki = roundtrip(buf, KEY_BGP_ORIGINATE);
	ck_assert_str_eq(ki.node, "r1");

	ck_assert_int_gt(keys_agent_state(&K, "r2", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/state/r2/agent");
	ki = roundtrip(buf, KEY_AGENT_STATE);
	ck_assert_str_eq(ki.node, "r2");
}
END_TEST

/* Names that are also literals of other families stay in their own position. */
START_TEST(names_equal_to_literals)
{
	struct key_info ki;

	ki = roundtrip("/kvte/rib/isis/isis/10.0.0.0_8", KEY_RIB_ISIS_ROUTE);
	ck_assert_str_eq(ki.node, "isis");
	ki = roundtrip("/kvte/rib/te/te/te", KEY_RIB_TE_TUNNEL);
	ck_assert_str_eq(ki.lsp, "te");
	ki = roundtrip("/kvte/te/paths/leader", KEY_TE_PATH);
	ck_assert_str_eq(ki.lsp, "leader");
	ki = roundtrip("/kvte/config/lsps/admin-groups", KEY_LSP_REQUEST);
	roundtrip("/kvte/state/agent/agent", KEY_AGENT_STATE);
	roundtrip("/kvte/speakers/r1.lab_A-2", KEY_SPEAKER);
}
END_TEST

START_TEST(every_family_roundtrips_via_keys_build)
{
	struct key_info ki;
	char buf[KEYS_MAX];

	for (int f = 0; f < KEY_FAMILY_COUNT; f++) {
		memset(&ki, 0, sizeof(ki));
		ki.family = (enum key_family)f;
		strcpy(ki.node, "r1");
		strcpy(ki.lsp, "r1-to-r4");
		ki.prefix = P("fc00:0:4::1/128");
		ki.link = L("r1", "et3");
		ki.sid = SID6("fc00:0:1:e003::");
		ki.lsp_id.system_id[5] = 1;
		ck_assert_msg(keys_build(&K, &ki, buf, sizeof(buf)) > 0, "family %s",
			      keys_family_name(f));
		roundtrip(buf, (enum key_family)f);
	}
}
END_TEST

START_TEST(bad_components_rejected_by_builders)
{
	char buf[KEYS_MAX], long_name[KEYS_NAME_MAX + 2];
	prefix_t p = P("10.0.0.0/8"), unset;
	struct key_sid sid;
	struct key_link l;

	memset(long_name, 'a', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = '\0'; /* 64 characters */
	memset(&unset, 0, sizeof(unset));
	strcpy(buf, "junk");
	ck_assert_int_eq(keys_speaker(&K, "r1/x", buf, sizeof(buf)), -EINVAL);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(keys_speaker(&K, "", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_speaker(&K, NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_speaker(&K, "r 1", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_speaker(&K, "r1:x", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_speaker(&K, long_name, buf, sizeof(buf)), -EINVAL);
	long_name[KEYS_NAME_MAX] = '\0'; /* 63: the longest valid name */
	ck_assert_int_gt(keys_speaker(&K, long_name, buf, sizeof(buf)), 0);
	ck_assert_int_eq(keys_lsp_request(&K, "a/b", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_te_path(&K, "", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_rib_te_tunnel(&K, "r1", "x y", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_rib_isis_route(&K, "r1", NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_rib_isis_route(&K, "r1", &unset, buf, sizeof(buf)), -EINVAL);
	p.len = 40; /* past 32 */
	ck_assert_int_eq(keys_bgp_route(&K, &p, "r4", buf, sizeof(buf)), -EINVAL);
	p = P("10.0.0.0/8");
	p.addr.bytes[3] = 1; /* host bits set */
	ck_assert_int_eq(keys_static_route(&K, "r1", &p, buf, sizeof(buf)), -EINVAL);

	sid = SID6("192.168.50.1"); /* IPv4 is not a SID */
	ck_assert_int_eq(keys_rib_sid(&K, "r1", &sid, buf, sizeof(buf)), -EINVAL);
	sid = LABEL(15);
	ck_assert_int_eq(keys_rib_sid(&K, "r1", &sid, buf, sizeof(buf)), -EINVAL);
	sid = LABEL(1048576);
	ck_assert_int_eq(keys_rib_sid(&K, "r1", &sid, buf, sizeof(buf)), -EINVAL);
	sid = LABEL(1048575);
	ck_assert_int_gt(keys_rib_sid(&K, "r1", &sid, buf, sizeof(buf)), 0);

	ck_assert_int_eq(keys_link_make("r1", "et2/0", &l), -EINVAL);
	ck_assert_int_eq(keys_link_make("r1", "", &l), -EINVAL);
	ck_assert_int_eq(keys_link_make("r1", "ethernet-port-0017", &l), -EINVAL);
	ck_assert_int_eq(keys_link_make("r:1", "et2", &l), -EINVAL);
	memset(&l, 0, sizeof(l));
	strcpy(l.node, "r1");
	ck_assert_int_eq(keys_te_link(&K, &l, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_te_link(&K, NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_ted_lsp(&K, NULL, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(keys_te_leader(NULL, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(buffer_too_small)
{
	char buf[KEYS_MAX];
	size_t n = strlen("/kvte/speakers/r1");

	ck_assert_int_eq(keys_speaker(&K, "r1", buf, n), -ENAMETOOLONG);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(keys_speaker(&K, "r1", buf, n + 1), (int)n);
	ck_assert_int_eq(keys_speaker(&K, "r1", buf, 0), -ENAMETOOLONG);
	ck_assert_int_eq(keys_prefix_root(&K, buf, 3), -ENAMETOOLONG);
	ck_assert_int_eq(keys_link_format(&(struct key_link){ "r1", "et2" }, buf, 6),
			 -ENAMETOOLONG);
	ck_assert_int_eq(keys_link_format(&(struct key_link){ "r1", "et2" }, buf, 7), 6);
}
END_TEST

/* The longest key of any family, under the longest root, fits KEYS_MAX. */
START_TEST(longest_key_fits)
{
	char root[KEYS_ROOT_MAX + 1], name[KEYS_NAME_MAX + 1], ifname[KEYS_IFNAME_MAX + 1];
	char buf[KEYS_MAX];
	keys_t k;
	struct key_link l;
	prefix_t p = P("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe/128");

	memset(root, 'r', sizeof(root));
	root[0] = '/';
	root[KEYS_ROOT_MAX - 1] = '/';
	root[KEYS_ROOT_MAX] = '\0';
	ck_assert_int_eq(keys_init(&k, root), 0);
	memset(name, 'n', sizeof(name) - 1);
	name[KEYS_NAME_MAX] = '\0';
	memset(ifname, 'i', sizeof(ifname) - 1);
	ifname[KEYS_IFNAME_MAX] = '\0';
	ck_assert_int_eq(keys_link_make(name, ifname, &l), 0);
	ck_assert_int_gt(keys_rib_protect(&k, name, &l, buf, sizeof(buf)), 0);
	ck_assert_int_gt(keys_static_route(&k, name, &p, buf, sizeof(buf)), 0);
	ck_assert_int_gt(keys_bgp_route(&k, &p, name, buf, sizeof(buf)), 0);
	ck_assert_int_gt(keys_bgp_originate(&k, name, &p, buf, sizeof(buf)), 0);
}
END_TEST

START_TEST(bad_keys_rejected_by_parser)
{
	char long_key[KEYS_MAX];
	struct key_info ki;

	expect_bad_key("");
	expect_bad_key("/kvte");
	expect_bad_key("/kvte/");
	expect_bad_key("/other/speakers/r1");	   /* outside the root */
	expect_bad_key("kvte/speakers/r1");
	expect_bad_key("/kvte2/speakers/r1");
	expect_bad_key("/kvte/unknown/r1");	   /* unknown family */
	expect_bad_key("/kvte/config/lsps");
	expect_bad_key("/kvte/config/lsps/");	   /* empty name */
	expect_bad_key("/kvte/config/lsps/r1-to-r4/"); /* trailing slash */
	expect_bad_key("/kvte/config/lsps/r1/x");  /* "r1/x" is not a name */
	expect_bad_key("/kvte/config/lsps/r1 x");
	expect_bad_key("/kvte//config/lsps/x");
	expect_bad_key("/kvte/speakers/r1/extra");
	expect_bad_key("/kvte/te/leader/x");
	expect_bad_key("/kvte/te/links/r1");	   /* link without interface */
	expect_bad_key("/kvte/te/links/r1:");
	expect_bad_key("/kvte/te/links/:et2");
	expect_bad_key("/kvte/te/links/r1:et2:0");
	expect_bad_key("/kvte/rib/r1/isis/10.0.0.0/8");   /* '/' not '_' */
	expect_bad_key("/kvte/rib/r1/isis/10.0.0.1_8");   /* host bits */
	expect_bad_key("/kvte/rib/r1/isis/10.0.0.0_33");  /* bad length */
	expect_bad_key("/kvte/rib/r1/isis/10.0.0.0");     /* no length */
	expect_bad_key("/kvte/rib/r1/isis/FC00:0:2::_48"); /* not canonical */
	expect_bad_key("/kvte/rib/r1/isis/fc00:0:2:0::_48");
	expect_bad_key("/kvte/rib/r1/isis/r2");
	expect_bad_key("/kvte/rib/r1/sid/fc00:0:1:E000::"); /* not canonical */
	expect_bad_key("/kvte/rib/r1/sid/fc00:0:1:e000:0:0:0:0");
	expect_bad_key("/kvte/rib/r1/sid/192.168.50.1");  /* IPv4 */
	expect_bad_key("/kvte/rib/r1/sid/15");		   /* reserved label */
	expect_bad_key("/kvte/rib/r1/sid/1048576");	   /* > 20 bits */
	expect_bad_key("/kvte/rib/r1/sid/024002");	   /* leading zero */
	expect_bad_key("/kvte/rib/r1/sid/24002x");
	expect_bad_key("/kvte/rib/r1/bogus/x");
	expect_bad_key("/kvte/ted/lsp/1921.6805.0001.00");     /* no fragment */
	expect_bad_key("/kvte/ted/lsp/1921.6805.0001.00-0");
	expect_bad_key("/kvte/ted/lsp/1921.6805.0001.00-000");
	expect_bad_key("/kvte/ted/lsp/ABCD.6805.0001.00-00"); /* uppercase */
	expect_bad_key("/kvte/ted/lsp/1921.6805.000g.00-00");
	expect_bad_key("/kvte/ted/lsp/1921-6805.0001.00-00");
	expect_bad_key("/kvte/bgp/routes/r4/10.42.2.0_24"); /* components swapped */
	expect_bad_key("/kvte/state/r1/speaker");
	expect_bad_key("/kvte/a/b/c/d/e/f/g/h/i/j");	    /* too many segments */

	/* A name one byte too long. */
	memset(long_key, 0, sizeof(long_key));
	strcpy(long_key, "/kvte/speakers/");
	memset(long_key + strlen(long_key), 'x', KEYS_NAME_MAX + 1);
	expect_bad_key(long_key);
	long_key[strlen(long_key) - 1] = '\0';
	ck_assert_int_eq(keys_parse(&K, long_key, &ki), KEY_SPEAKER);

	/* Embedded NUL through keys_parse_n. */
	ck_assert_int_eq(keys_parse_n(&K, "/kvte/speakers/r1\0x", 19, &ki), -EINVAL);
	ck_assert_int_eq(keys_parse_n(&K, "/kvte/speakers/r1", 17, &ki), KEY_SPEAKER);
	ck_assert_int_eq(keys_parse_n(&K, "/kvte/speakers/r12345", 17, &ki), KEY_SPEAKER);
	ck_assert_str_eq(ki.node, "r1");
	ck_assert_int_eq(keys_parse(NULL, "/kvte/te/leader", &ki), -EINVAL);
	ck_assert_int_eq(keys_parse(&K, NULL, &ki), -EINVAL);
	ck_assert_int_eq(keys_parse(&K, "/kvte/te/leader", NULL), -EINVAL);
}
END_TEST

START_TEST(custom_root)
{
	keys_t k;
	char buf[KEYS_MAX];
	struct key_info ki;

	ck_assert_int_eq(keys_init(&k, "/lab7/kvte/"), 0);
	ck_assert_str_eq(keys_root(&k), "/lab7/kvte/");
	ck_assert_int_gt(keys_speaker(&k, "r1", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/lab7/kvte/speakers/r1");
	ck_assert_int_eq(keys_parse(&k, buf, &ki), KEY_SPEAKER);
	ck_assert_int_eq(keys_parse(&K, buf, &ki), -EINVAL); /* not under /kvte/ */
	ck_assert_int_eq(keys_parse(&k, "/kvte/speakers/r1", &ki), -EINVAL);

	ck_assert_int_eq(keys_init(&k, "/"), 0);
	ck_assert_int_gt(keys_te_leader(&k, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/te/leader");
	ck_assert_int_eq(keys_parse(&k, "/te/leader", &ki), KEY_TE_LEADER);

	ck_assert_int_eq(keys_init(&k, "kvte/"), -EINVAL);
	ck_assert_str_eq(keys_root(&k), KEYS_ROOT_DEFAULT); /* left at the default */
	ck_assert_int_eq(keys_init(&k, "/kvte"), -EINVAL);
	ck_assert_int_eq(keys_init(&k, ""), -EINVAL);
	ck_assert_int_eq(keys_init(&k, "/a//b/"), -EINVAL);
	ck_assert_int_eq(keys_init(&k, "/a b/"), -EINVAL);
	ck_assert_int_eq(keys_init(NULL, "/a/"), -EINVAL);
}
END_TEST

START_TEST(watch_prefixes)
{
	char buf[KEYS_MAX];
	prefix_t stub = P("10.42.2.0/24");
	struct {
		enum key_family f;
		const char *want;
	} fam[] = {
		{ KEY_LSP_REQUEST, "/kvte/config/lsps/" },
		{ KEY_ADMIN_GROUPS, "/kvte/config/admin-groups" },
		{ KEY_STATIC_ROUTE, "/kvte/config/static/" },
		{ KEY_TED_LSP, "/kvte/ted/lsp/" },
		{ KEY_SPEAKER, "/kvte/speakers/" },
		{ KEY_RIB_ISIS_ROUTE, "/kvte/rib/" },
		{ KEY_RIB_PROTECT, "/kvte/rib/" },
		{ KEY_TE_PATH, "/kvte/te/paths/" },
		{ KEY_TE_LINK, "/kvte/te/links/" },
		{ KEY_TE_LEADER, "/kvte/te/leader" },
		{ KEY_BGP_ROUTE, "/kvte/bgp/routes/" },
		{ KEY_BGP_ANNOUNCE, "/kvte/bgp/announce/" },
		{ KEY_AGENT_STATE, "/kvte/state/" },
	};
	struct {
		enum key_family f;
		const char *want; /* NULL: -EINVAL */
	} node[] = {
		{ KEY_RIB_ISIS_ROUTE, "/kvte/rib/r1/isis/" },
		{ KEY_RIB_SID, "/kvte/rib/r1/sid/" },
		{ KEY_RIB_TE_TUNNEL, "/kvte/rib/r1/te/" },
		{ KEY_RIB_PROTECT, "/kvte/rib/r1/protect/" },
		{ KEY_STATIC_ROUTE, "/kvte/config/static/r1/" },
		{ KEY_BGP_ANNOUNCE, "/kvte/bgp/announce/r1/" },
		{ KEY_BGP_ORIGINATE, "/kvte/bgp/originate/r1/" },
		{ KEY_AGENT_STATE, "/kvte/state/r1/" },
		{ KEY_SPEAKER, NULL },
		{ KEY_BGP_ROUTE, NULL },
		{ KEY_TE_PATH, NULL },
		{ KEY_TE_LEADER, NULL },
	};

	ck_assert_int_eq(keys_prefix_root(&K, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "/kvte/");
	for (size_t i = 0; i < sizeof(fam) / sizeof(fam[0]); i++) {
		ck_assert_int_eq(keys_prefix(&K, fam[i].f, buf, sizeof(buf)),
				 (int)strlen(fam[i].want));
		ck_assert_str_eq(buf, fam[i].want);
	}
	ck_assert_int_eq(keys_prefix(&K, KEY_FAMILY_COUNT, buf, sizeof(buf)), -EINVAL);
	for (size_t i = 0; i < sizeof(node) / sizeof(node[0]); i++) {
		int rc = keys_prefix_node(&K, node[i].f, "r1", buf, sizeof(buf));

		if (!node[i].want) {
			ck_assert_msg(rc == -EINVAL, "%s: %d", keys_family_name(node[i].f), rc);
			continue;
		}
		ck_assert_int_eq(rc, (int)strlen(node[i].want));
		ck_assert_str_eq(buf, node[i].want);
	}
	ck_assert_int_eq(keys_prefix_node(&K, KEY_RIB_SID, "r/1", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_gt(keys_prefix_rib_node(&K, "r1", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/rib/r1/");
	ck_assert_int_eq(keys_prefix_rib_node(&K, "", buf, sizeof(buf)), -EINVAL);
	ck_assert_int_gt(keys_prefix_bgp_route(&K, &stub, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/kvte/bgp/routes/10.42.2.0_24/");
	ck_assert_int_eq(keys_prefix_bgp_route(&K, NULL, buf, sizeof(buf)), -EINVAL);
}
END_TEST

START_TEST(component_forms)
{
	char buf[KEYS_MAX];
	struct key_link l;
	struct key_sid sid;
	struct key_lsp_id id;

	ck_assert_int_eq(keys_link_parse("r3:et4", &l), 0);
	ck_assert_str_eq(l.node, "r3");
	ck_assert_str_eq(l.ifname, "et4");
	ck_assert_int_eq(keys_link_format(&l, buf, sizeof(buf)), 6);
	ck_assert_str_eq(buf, "r3:et4");
	memset(&l, 0x11, sizeof(l));
	ck_assert_int_eq(keys_link_parse("r3et4", &l), -EINVAL);
	ck_assert_int_eq(keys_link_parse("r3:et4/1", &l), -EINVAL);
	ck_assert_uint_eq((unsigned char)l.node[0], 0x11); /* untouched */

	ck_assert_int_eq(keys_sid_parse("fc00:0:1:e000::", &sid), 0);
	ck_assert(!sid.is_label);
	ck_assert_int_eq(sid.addr.family, AF_INET6);
	ck_assert_int_eq(keys_sid_format(&sid, buf, sizeof(buf)), 15);
	ck_assert_str_eq(buf, "fc00:0:1:e000::");
	ck_assert_int_eq(keys_sid_parse("16", &sid), 0);
	ck_assert(sid.is_label);
	ck_assert_uint_eq(sid.label, 16);
	ck_assert_int_eq(keys_sid_parse("", &sid), -EINVAL);
	ck_assert_int_eq(keys_sid_parse("::ffff:1.2.3.4", &sid), 0); /* canonical mapped */
	ck_assert_int_eq(keys_sid_parse("fc00::1/128", &sid), -EINVAL);

	ck_assert_int_eq(keys_lsp_id_parse("1921.6805.0004.00-01", &id), 0);
	ck_assert_uint_eq(id.system_id[4], 0x00);
	ck_assert_uint_eq(id.system_id[5], 0x04);
	ck_assert_uint_eq(id.fragment, 1);
	ck_assert_int_eq(keys_lsp_id_format(&id, buf, sizeof(buf)), KEYS_LSP_ID_STRLEN - 1);
	ck_assert_str_eq(buf, "1921.6805.0004.00-01");
	ck_assert_int_eq(keys_lsp_id_parse("1921.6805.0004.00-01 ", &id), -EINVAL);
	ck_assert_int_eq(keys_lsp_id_parse(NULL, &id), -EINVAL);
}
END_TEST

static Suite *keys_suite(void)
{
	Suite *s = suite_create("keys");
	TCase *tc = tcase_create("keys");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, family_names);
	tcase_add_test(tc, config_families);
	tcase_add_test(tc, ted_and_speaker);
	tcase_add_test(tc, rib_families);
	tcase_add_test(tc, te_families);
	tcase_add_test(tc, bgp_and_state_families);
	tcase_add_test(tc, names_equal_to_literals);
	tcase_add_test(tc, every_family_roundtrips_via_keys_build);
	tcase_add_test(tc, bad_components_rejected_by_builders);
	tcase_add_test(tc, buffer_too_small);
	tcase_add_test(tc, longest_key_fits);
	tcase_add_test(tc, bad_keys_rejected_by_parser);
	tcase_add_test(tc, custom_root);
	tcase_add_test(tc, watch_prefixes);
	tcase_add_test(tc, component_forms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(keys_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
