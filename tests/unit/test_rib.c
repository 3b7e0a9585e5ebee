/* test_rib — Check suite for fib-agent/rib.c on r1 of the seed topology (loopbacks
 * 192.168.50.x, links 100.65.0.x, BGP 10.42.2.0/24 learned by r4): selection by
 * preference across every source, ECMP, recursive resolution of BGP next hops over a
 * TE tunnel first and the IGP second, unresolved reasons, re-resolution of only the
 * dependents on tunnel and IGP changes, no BGP over BGP, and the diff planner
 * (idempotent, minimal, replace not delete+add, adds before deletes). */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fib-agent/rib.h"

static addr_t A(const char *s)
{
	addr_t a;

	ck_assert_msg(addr_parse(s, &a) == 0, "addr_parse(\"%s\")", s);
	return a;
}

static prefix_t P(const char *s)
{
	prefix_t p;

	ck_assert_msg(prefix_parse(s, false, &p) == 0, "prefix_parse(\"%s\")", s);
	return p;
}

/* Address of a prefix for calls taking const prefix_t * (block-scoped literal). */
#define PREF(s) (&(prefix_t[1]){P(s)}[0])

/* A candidate with one next hop (gw may be NULL: on-link). */
static struct rib_candidate cand(const char *pfx, enum rib_source src, const char *origin,
				 uint32_t metric, const char *ifname, const char *gw)
{
	struct rib_candidate c;

	memset(&c, 0, sizeof(c));
	c.prefix = P(pfx);
	c.source = src;
	strcpy(c.origin, origin);
	c.preference = -1;
	c.metric = metric;
	if (ifname) {
		strcpy(c.nh[0].ifname, ifname);
		if (gw)
			c.nh[0].gateway = A(gw);
		c.n_nh = 1;
	}
	return c;
}

static struct rib_candidate bgp(const char *pfx, const char *node, const char *pnh)
{
	struct rib_candidate c = cand(pfx, RIB_SRC_BGP, node, 0, NULL, NULL);

	c.protocol_next_hop = A(pnh);
	return c;
}

/* r1 -> r4 over SRv6 via r2, first hop et1 to 100.65.0.2. */
static struct rib_candidate tunnel_r4(void)
{
	struct rib_candidate c = cand("192.168.50.4/32", RIB_SRC_TE, "r1-to-r4", 20, "et1",
				      "100.65.0.2");

	strcpy(c.nh[0].tunnel, "r1-to-r4");
	c.nh[0].n_segs = 2;
	c.nh[0].segs[0] = A("fc00:0:2::1");
	c.nh[0].segs[1] = A("fc00:0:4::d4");
	return c;
}

static struct rib_fib_entry get(const struct rib *rib, const char *pfx)
{
	struct rib_fib_entry e;

	prefix_t p = P(pfx);

	ck_assert_msg(rib_lookup(rib, &p, &e) == 0, "no FIB entry for %s", pfx);
	return e;
}

static void put(struct rib *rib, struct rib_candidate c)
{
	ck_assert_int_eq(rib_update(rib, &c), 0);
}

static void gw_is(const struct rib_nh *nh, const char *ifname, const char *gw)
{
	addr_t g = A(gw);

	ck_assert_str_eq(nh->ifname, ifname);
	ck_assert_int_eq(addr_cmp(&nh->gateway, &g), 0);
}

START_TEST(selection_by_preference)
{
	struct rib *rib = rib_new();
	const char *pfx = "192.168.50.2/32";
	struct rib_candidate c;
	struct rib_fib_entry e;
	static const struct {
		enum rib_source src;
		uint8_t pref;
	} order[] = {{RIB_SRC_BGP, 170}, {RIB_SRC_ISIS, 18}, {RIB_SRC_TE, 7},
		     {RIB_SRC_STATIC, 5}, {RIB_SRC_LOCAL, 1}, {RIB_SRC_CONNECTED, 0}};

	ck_assert_ptr_nonnull(rib);
	put(rib, cand("192.168.50.1/32", RIB_SRC_LOCAL, "", 0, "lo", NULL));
	/* each better source added in turn wins */
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (order[i].src == RIB_SRC_BGP)
			c = bgp(pfx, "r2", "192.168.50.1");
		else
			c = cand(pfx, order[i].src, "x", 100, "et1", "100.65.0.2");
		put(rib, c);
		ck_assert_int_ge(rib_process(rib), 1);
		e = get(rib, pfx);
		ck_assert_str_eq(rib_source_name(e.source), rib_source_name(order[i].src));
		ck_assert_int_eq(e.preference, order[i].pref);
	}
	/* explicit preference: isis level 1 (15) beats a static at 20 */
	c = cand("10.9.0.0/16", RIB_SRC_STATIC, "", 0, "et2", "100.65.0.6");
	c.preference = 20;
	put(rib, c);
	c = cand("10.9.0.0/16", RIB_SRC_ISIS, "", 50, "et1", "100.65.0.2");
	c.preference = 15;
	put(rib, c);
	rib_process(rib);
	e = get(rib, "10.9.0.0/16");
	ck_assert_int_eq(e.source, RIB_SRC_ISIS);
	ck_assert_int_eq(e.preference, 15);
	/* withdrawing the winner falls back */
	ck_assert_int_eq(rib_withdraw(rib, PREF("10.9.0.0/16"),
				      RIB_SRC_ISIS, ""), 0);
	ck_assert_int_eq(rib_withdraw(rib, PREF("10.9.0.0/16"),
				      RIB_SRC_ISIS, ""), -ENOENT);
	rib_process(rib);
	ck_assert_int_eq(get(rib, "10.9.0.0/16").source, RIB_SRC_STATIC);
	rib_free(rib);
}
END_TEST

START_TEST(tie_break_metric_then_source_then_origin)
{
	struct rib *rib = rib_new();
	struct rib_candidate c;
	struct rib_fib_entry e;

	c = cand("10.8.0.0/16", RIB_SRC_STATIC, "b", 10, "et2", "100.65.0.6");
	c.preference = 7;
	put(rib, c);
	put(rib, cand("10.8.0.0/16", RIB_SRC_TE, "z", 10, "et1", "100.65.0.2"));
	rib_process(rib);
	e = get(rib, "10.8.0.0/16"); /* same preference and metric: static < te */
	ck_assert_int_eq(e.source, RIB_SRC_STATIC);
	put(rib, cand("10.8.0.0/16", RIB_SRC_TE, "a", 9, "et3", "100.65.0.10"));
	rib_process(rib);
	e = get(rib, "10.8.0.0/16"); /* lower metric wins */
	ck_assert_str_eq(e.nh[0].ifname, "et3");
	put(rib, cand("10.8.0.0/16", RIB_SRC_TE, "z", 9, "et1", "100.65.0.2"));
	rib_process(rib);
	e = get(rib, "10.8.0.0/16"); /* all equal: lowest origin "a" */
	ck_assert_str_eq(e.nh[0].ifname, "et3");
	rib_free(rib);
}
END_TEST

START_TEST(ecmp)
{
	struct rib *rib = rib_new();
	struct rib_candidate c = cand("192.168.50.4/32", RIB_SRC_ISIS, "", 20, "et2",
				      "100.65.0.6");
	struct rib_fib_entry e;

	strcpy(c.nh[1].ifname, "et1");
	c.nh[1].gateway = A("100.65.0.2");
	c.n_nh = 2;
	put(rib, c);
	put(rib, bgp("10.42.2.0/24", "r4", "192.168.50.4"));
	rib_process(rib);
	e = get(rib, "192.168.50.4/32");
	ck_assert_uint_eq(e.n_nh, 2);
	gw_is(&e.nh[0], "et1", "100.65.0.2"); /* canonical order */
	gw_is(&e.nh[1], "et2", "100.65.0.6");
	e = get(rib, "10.42.2.0/24"); /* the BGP route inherits both */
	ck_assert_uint_eq(e.n_nh, 2);
	ck_assert_int_eq(e.source, RIB_SRC_BGP);
	rib_free(rib);
}
END_TEST

START_TEST(bgp_resolves_over_tunnel_then_igp)
{
	struct rib *rib = rib_new();
	struct rib_fib_entry e;
	struct rib_unresolved *u;
	size_t n;

	put(rib, bgp("10.42.2.0/24", "r4", "192.168.50.4"));
	rib_process(rib);
	ck_assert_int_eq(rib_lookup(rib, PREF("10.42.2.0/24"), &e),
			 -ENOENT);
	ck_assert_int_eq(rib_unresolved(rib, &u, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(u[0].reason, RIB_UNRES_NO_ROUTE);
	ck_assert_str_eq(u[0].origin, "r4");
	free(u);
	/* IGP only: resolves over IS-IS */
	put(rib, cand("192.168.50.0/24", RIB_SRC_ISIS, "", 30, "et2", "100.65.0.6"));
	rib_process(rib);
	e = get(rib, "10.42.2.0/24");
	gw_is(&e.nh[0], "et2", "100.65.0.6");
	ck_assert_str_eq(e.nh[0].tunnel, "");
	/* longest match: a /32 IS-IS route wins over the /24 */
	put(rib, cand("192.168.50.4/32", RIB_SRC_ISIS, "", 20, "et3", "100.65.0.10"));
	rib_process(rib);
	gw_is(&get(rib, "10.42.2.0/24").nh[0], "et3", "100.65.0.10");
	/* a tunnel to r4 comes first */
	put(rib, tunnel_r4());
	rib_process(rib);
	e = get(rib, "10.42.2.0/24");
	ck_assert_str_eq(e.nh[0].tunnel, "r1-to-r4");
	ck_assert_uint_eq(e.nh[0].n_segs, 2);
	gw_is(&e.nh[0], "et1", "100.65.0.2");
	ck_assert_int_eq(rib_unresolved(rib, &u, &n), 0);
	ck_assert_uint_eq(n, 0);
	free(u);
	rib_free(rib);
}
END_TEST

START_TEST(reresolution_only_dependents)
{
	struct rib *rib = rib_new();
	struct rib_fib_entry e;

	put(rib, cand("192.168.50.4/32", RIB_SRC_ISIS, "", 20, "et2", "100.65.0.6"));
	put(rib, cand("192.168.50.3/32", RIB_SRC_ISIS, "", 20, "et2", "100.65.0.6"));
	put(rib, tunnel_r4());
	put(rib, bgp("10.42.2.0/24", "r4", "192.168.50.4"));
	put(rib, bgp("10.42.3.0/24", "r4", "192.168.50.4"));
	put(rib, bgp("10.42.9.0/24", "r3", "192.168.50.3"));
	ck_assert_int_eq(rib_process(rib), 5); /* the tunnel shares r4's /32 */
	ck_assert_int_eq(rib_process(rib), 0);
	ck_assert_str_eq(get(rib, "10.42.2.0/24").nh[0].tunnel, "r1-to-r4");
	/* tunnel goes away: falls back to IS-IS; the tunnel prefix and the two r4
	 * routes are recomputed, r3's route is not */
	ck_assert_int_eq(rib_withdraw(rib, PREF("192.168.50.4/32"),
				      RIB_SRC_TE, "r1-to-r4"), 0);
	ck_assert_int_eq(rib_process(rib), 3);
	e = get(rib, "10.42.2.0/24");
	ck_assert_str_eq(e.nh[0].tunnel, "");
	gw_is(&e.nh[0], "et2", "100.65.0.6");
	/* IGP route to r4 changes: r4's routes follow; r3's untouched */
	put(rib, cand("192.168.50.4/32", RIB_SRC_ISIS, "", 40, "et3", "100.65.0.10"));
	ck_assert_int_eq(rib_process(rib), 3);
	gw_is(&get(rib, "10.42.3.0/24").nh[0], "et3", "100.65.0.10");
	gw_is(&get(rib, "10.42.9.0/24").nh[0], "et2", "100.65.0.6");
	/* IGP route withdrawn: unresolved, out of the FIB */
	ck_assert_int_eq(rib_withdraw(rib, PREF("192.168.50.4/32"),
				      RIB_SRC_ISIS, ""), 0);
	rib_process(rib);
	ck_assert_int_eq(rib_lookup(rib, PREF("10.42.2.0/24"), &e),
			 -ENOENT);
	rib_free(rib);
}
END_TEST

START_TEST(no_bgp_over_bgp)
{
	struct rib *rib = rib_new();
	struct rib_unresolved *u;
	struct rib_fib_entry e;
	size_t n;

	put(rib, cand("192.168.50.3/32", RIB_SRC_ISIS, "", 20, "et2", "100.65.0.6"));
	put(rib, bgp("192.168.60.0/24", "r3", "192.168.50.3")); /* resolvable */
	put(rib, bgp("10.42.2.0/24", "r4", "192.168.60.4"));   /* only over BGP */
	rib_process(rib);
	get(rib, "192.168.60.0/24");
	ck_assert_int_eq(rib_lookup(rib, PREF("10.42.2.0/24"), &e),
			 -ENOENT);
	ck_assert_int_eq(rib_unresolved(rib, &u, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(u[0].reason, RIB_UNRES_ONLY_BGP);
	ck_assert_str_eq(rib_unresolved_reason_name(u[0].reason),
			 "protocol next hop only reachable over BGP");
	free(u);
	rib_free(rib);
}
END_TEST

START_TEST(bad_input)
{
	struct rib *rib = rib_new();
	struct rib_candidate c = cand("10.1.0.0/16", RIB_SRC_STATIC, "", 0, NULL, NULL);

	ck_assert_int_eq(rib_update(rib, &c), -EINVAL); /* no next hop */
	c = cand("10.1.0.0/16", RIB_SRC_COUNT, "", 0, "et1", "100.65.0.2");
	ck_assert_int_eq(rib_update(rib, &c), -EINVAL);
	c = cand("10.1.0.0/16", RIB_SRC_STATIC, "", 0, "et1", "100.65.0.2");
	c.preference = 256;
	ck_assert_int_eq(rib_update(rib, &c), -EINVAL);
	c = bgp("10.1.0.0/16", "r4", "192.168.50.4");
	c.n_nh = 1;
	ck_assert_int_eq(rib_update(rib, &c), -EINVAL);
	ck_assert_int_eq(rib_update(NULL, &c), -EINVAL);
	ck_assert_int_eq(rib_process(rib), 0);
	rib_free(rib);
}
END_TEST

static struct rib_fib_entry entry(const char *pfx, const char *ifname, const char *gw)
{
	struct rib_fib_entry e;

	memset(&e, 0, sizeof(e));
	e.prefix = P(pfx);
	strcpy(e.nh[0].ifname, ifname);
	e.nh[0].gateway = A(gw);
	e.n_nh = 1;
	return e;
}

START_TEST(plan_idempotent_and_minimal)
{
	struct rib_fib_entry d[3], c[3];
	struct rib_op *ops;
	size_t n;

	d[0] = entry("192.168.50.2/32", "et1", "100.65.0.2");
	d[1] = entry("10.42.2.0/24", "et2", "100.65.0.6");
	d[2] = entry("192.168.50.4/32", "et2", "100.65.0.6");
	d[2].nh[1] = d[0].nh[0];
	d[2].n_nh = 2;
	c[0] = d[2]; /* same set, other order and other input order */
	c[0].nh[0] = d[2].nh[1];
	c[0].nh[1] = d[2].nh[0];
	c[1] = d[0];
	c[2] = d[1];
	ck_assert_int_eq(rib_plan(d, 3, c, 3, &ops, &n), 0);
	ck_assert_uint_eq(n, 0);
	ck_assert_ptr_null(ops);
	ck_assert_int_eq(rib_plan(NULL, 0, NULL, 0, &ops, &n), 0);
	ck_assert_uint_eq(n, 0);
	/* one changed entry: exactly one op */
	c[2] = entry("10.42.2.0/24", "et1", "100.65.0.2");
	ck_assert_int_eq(rib_plan(d, 3, c, 3, &ops, &n), 0);
	ck_assert_uint_eq(n, 1);
	ck_assert_int_eq(ops[0].kind, RIB_OP_REPLACE); /* not delete + add */
	ck_assert_str_eq(ops[0].entry.nh[0].ifname, "et2");
	free(ops);
	/* duplicates are refused */
	c[1] = c[2];
	ck_assert_int_eq(rib_plan(d, 3, c, 3, &ops, &n), -EINVAL);
	ck_assert_int_eq(rib_plan(NULL, 1, c, 3, &ops, &n), -EINVAL);
}
END_TEST

START_TEST(plan_order_adds_before_deletes)
{
	struct rib_fib_entry d[3], c[3];
	struct rib_op *ops;
	size_t n;

	/* kernel: 10.0.0.0/8 (stale), 10.42.2.0/24 via et1, 192.168.50.9/32 (stale) */
	c[0] = entry("10.0.0.0/8", "et1", "100.65.0.2");
	c[1] = entry("10.42.2.0/24", "et1", "100.65.0.2");
	c[2] = entry("192.168.50.9/32", "et1", "100.65.0.2");
	d[0] = entry("10.42.2.0/24", "et2", "100.65.0.6");
	d[1] = entry("10.42.3.0/24", "et2", "100.65.0.6");
	d[2] = entry("192.168.50.4/32", "et2", "100.65.0.6");
	ck_assert_int_eq(rib_plan(d, 3, c, 3, &ops, &n), 0);
	ck_assert_uint_eq(n, 5);
	ck_assert_int_eq(ops[0].kind, RIB_OP_REPLACE);
	ck_assert_int_eq(ops[1].kind, RIB_OP_ADD);
	ck_assert_int_eq(ops[2].kind, RIB_OP_ADD);
	ck_assert_int_eq(ops[3].kind, RIB_OP_DELETE);
	ck_assert_int_eq(ops[4].kind, RIB_OP_DELETE);
	ck_assert_int_eq(prefix_cmp(&ops[3].entry.prefix, &c[0].prefix), 0);
	ck_assert_int_eq(prefix_cmp(&ops[4].entry.prefix, &c[2].prefix), 0);
	free(ops);
	/* applying the plan gives a state whose plan is empty */
	ck_assert_int_eq(rib_plan(d, 3, d, 3, &ops, &n), 0);
	ck_assert_uint_eq(n, 0);
}
END_TEST

START_TEST(plan_from_rib)
{
	struct rib *rib = rib_new();
	struct rib_fib_entry *fib, *fib2;
	struct rib_op *ops;
	size_t n, n2, nops;

	put(rib, cand("192.168.50.4/32", RIB_SRC_ISIS, "", 20, "et2", "100.65.0.6"));
	put(rib, bgp("10.42.2.0/24", "r4", "192.168.50.4"));
	rib_process(rib);
	ck_assert_int_eq(rib_fib(rib, &fib, &n), 0);
	ck_assert_uint_eq(n, 2);
	put(rib, tunnel_r4());
	rib_process(rib);
	ck_assert_int_eq(rib_fib(rib, &fib2, &n2), 0);
	ck_assert_int_eq(rib_plan(fib2, n2, fib, n, &ops, &nops), 0);
	/* both prefixes move into the tunnel: two replaces, nothing deleted */
	ck_assert_uint_eq(nops, 2);
	ck_assert_int_eq(ops[0].kind, RIB_OP_REPLACE);
	ck_assert_int_eq(ops[1].kind, RIB_OP_REPLACE);
	free(ops);
	free(fib);
	free(fib2);
	rib_free(rib);
}
END_TEST

static Suite *rib_suite(void)
{
	Suite *s = suite_create("rib");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, selection_by_preference);
	tcase_add_test(tc, tie_break_metric_then_source_then_origin);
	tcase_add_test(tc, ecmp);
	tcase_add_test(tc, bgp_resolves_over_tunnel_then_igp);
	tcase_add_test(tc, reresolution_only_dependents);
	tcase_add_test(tc, no_bgp_over_bgp);
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, plan_idempotent_and_minimal);
	tcase_add_test(tc, plan_order_adds_before_deletes);
	tcase_add_test(tc, plan_from_rib);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(rib_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
