/* test_bgp_rib — Check suite for bgp/rib.c and bgp/route_value.c: the best path follows
 * the documented order (originated, LOCAL_PREF, AS path length, ORIGIN, MED, lowest
 * peer address); a session going down removes that peer's routes only and the other
 * peer's path takes over; a re-announcement with the same attributes reports nothing
 * and keeps learned_at; the bgp-route values (IPv4, IPv6, originated) have the expected
 * fields and validate against schemas/bgp-route.schema.json through
 * tests/schemas/validate.py (/usr/bin/python3 + jsonschema). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bgp/rib.h"
#include "bgp/route_value.h"
#include "lib/jx.h"

struct log_entry {
	int n;
	char last[PREFIX_STRLEN];
	const struct bgp_path *best;
};

static void changed(const prefix_t *p, const struct bgp_path *best, void *arg)
{
	struct log_entry *l = arg;

	l->n++;
	prefix_format(p, l->last, sizeof(l->last));
	l->best = best;
}

static addr_t A(const char *s)
{
	addr_t a;

	ck_assert_int_eq(addr_parse(s, &a), 0);
	return a;
}

static prefix_t P(const char *s)
{
	prefix_t p;

	ck_assert_int_eq(prefix_parse(s, false, &p), 0);
	return p;
}

static struct bgp_attrs *attrs(unsigned lp, unsigned path_len, enum bgp_origin o, long med)
{
	struct bgp_attrs *a = bgp_attrs_new();

	if (lp) {
		a->has_local_pref = true;
		a->local_pref = lp;
	}
	for (unsigned i = 0; i < path_len; i++)
		bgp_attrs_push_as(a, 65000 + i);
	a->origin = o;
	if (med >= 0) {
		a->has_med = true;
		a->med = (uint32_t)med;
	}
	return a;
}

/* announce from `peer` and return the best peer's address */
static const char *best_after(struct bgp_rib *r, struct bgp_peer *peer, struct bgp_attrs *a)
{
	static char b[ADDR_STRLEN];
	prefix_t p = P("10.0.0.0/8");
	addr_t nh = peer->addr;

	ck_assert_int_ge(bgp_rib_announce(r, peer, &p, &nh, a, 100.0), 0);
	bgp_attrs_unref(a);
	return addr_format(&bgp_rib_best(r, &p)->peer->addr, b, sizeof(b));
}

START_TEST(selection_order)
{
	struct bgp_rib r;
	struct log_entry l = {0};
	addr_t a1 = A("192.0.2.1"), a2 = A("192.0.2.2");

	bgp_rib_init(&r, changed, &l);
	struct bgp_peer *p1 = bgp_rib_peer(&r, &a1, 65001, NULL, 65000);
	struct bgp_peer *p2 = bgp_rib_peer(&r, &a2, 65002, NULL, 65000);

	/* equal everywhere: lowest peer address */
	best_after(&r, p1, attrs(0, 1, BGP_ORIGIN_IGP, -1));
	ck_assert_str_eq(best_after(&r, p2, attrs(0, 1, BGP_ORIGIN_IGP, -1)), "192.0.2.1");
	/* MED lower wins (missing = 0) */
	ck_assert_str_eq(best_after(&r, p1, attrs(0, 1, BGP_ORIGIN_IGP, 10)), "192.0.2.2");
	/* ORIGIN igp < egp < incomplete beats MED */
	ck_assert_str_eq(best_after(&r, p2, attrs(0, 1, BGP_ORIGIN_INCOMPLETE, -1)), "192.0.2.1");
	/* shorter AS path beats ORIGIN */
	ck_assert_str_eq(best_after(&r, p1, attrs(0, 3, BGP_ORIGIN_IGP, 10)), "192.0.2.2");
	/* higher LOCAL_PREF beats AS path length (default 100) */
	ck_assert_str_eq(best_after(&r, p1, attrs(150, 3, BGP_ORIGIN_IGP, 10)), "192.0.2.1");
	ck_assert_str_eq(best_after(&r, p2, attrs(200, 9, BGP_ORIGIN_INCOMPLETE, 99)), "192.0.2.2");
	/* locally originated beats everything */
	struct bgp_peer *lp = bgp_rib_local(&r);

	lp->addr = A("192.168.50.4");
	ck_assert_str_eq(best_after(&r, lp, attrs(0, 0, BGP_ORIGIN_INCOMPLETE, 500)),
			 "192.168.50.4");
	bgp_rib_free(&r);
}
END_TEST

START_TEST(session_down_removes_that_peer_only)
{
	struct bgp_rib r;
	struct log_entry l = {0};
	addr_t a1 = A("192.0.2.1"), a2 = A("192.0.2.2");
	char b[32];

	bgp_rib_init(&r, changed, &l);
	struct bgp_peer *p1 = bgp_rib_peer(&r, &a1, 65001, NULL, 65000);
	struct bgp_peer *p2 = bgp_rib_peer(&r, &a2, 65002, NULL, 65000);
	struct bgp_attrs *good = attrs(200, 1, BGP_ORIGIN_IGP, -1);
	struct bgp_attrs *worse = attrs(100, 1, BGP_ORIGIN_IGP, -1);

	for (int i = 0; i < 100; i++) {
		snprintf(b, sizeof(b), "10.%d.0.0/16", i);
		prefix_t p = P(b);

		ck_assert_int_eq(bgp_rib_announce(&r, p1, &p, &a1, good, 1.0), 1);
		if (i < 50) /* p2 has a worse path for half of them */
			ck_assert_int_eq(bgp_rib_announce(&r, p2, &p, &a2, worse, 1.0), 0);
	}
	prefix_t only2 = P("172.16.0.0/12");

	ck_assert_int_eq(bgp_rib_announce(&r, p2, &only2, &a2, worse, 1.0), 1);
	ck_assert_uint_eq(bgp_rib_count(p1), 100);
	l.n = 0;
	ck_assert_uint_eq(bgp_rib_flush_peer(&r, p1), 100);
	ck_assert_int_eq(l.n, 100); /* every prefix of p1 reported once */
	ck_assert_uint_eq(bgp_rib_count(p1), 0);
	ck_assert_uint_eq(bgp_rib_count(p2), 51);
	for (int i = 0; i < 100; i++) {
		snprintf(b, sizeof(b), "10.%d.0.0/16", i);
		prefix_t p = P(b);
		const struct bgp_path *best = bgp_rib_best(&r, &p);

		if (i < 50)
			ck_assert(best && best->peer == p2);
		else
			ck_assert_ptr_null(best);
	}
	ck_assert(bgp_rib_best(&r, &only2)->peer == p2);
	/* withdraw of an unknown prefix: nothing */
	prefix_t none = P("203.0.113.0/24");

	ck_assert_int_eq(bgp_rib_withdraw(&r, p2, &none), 0);
	bgp_attrs_unref(good);
	bgp_attrs_unref(worse);
	bgp_rib_free(&r);
}
END_TEST

START_TEST(reannounce_same_keeps_learned_at)
{
	struct bgp_rib r;
	struct log_entry l = {0};
	addr_t a1 = A("192.0.2.1");
	prefix_t p = P("10.0.0.0/8");

	bgp_rib_init(&r, changed, &l);
	struct bgp_peer *p1 = bgp_rib_peer(&r, &a1, 65001, NULL, 65000);
	struct bgp_attrs *x = attrs(0, 2, BGP_ORIGIN_IGP, 5), *y = attrs(0, 2, BGP_ORIGIN_IGP, 5);

	ck_assert_int_eq(bgp_rib_announce(&r, p1, &p, &a1, x, 10.0), 1);
	ck_assert_int_eq(bgp_rib_announce(&r, p1, &p, &a1, y, 20.0), 0);
	ck_assert_int_eq(l.n, 1);
	ck_assert(bgp_rib_best(&r, &p)->learned_at == 10.0);
	/* attribute sets are immutable once handed over: a change is a new set */
	struct bgp_attrs *z = attrs(0, 2, BGP_ORIGIN_IGP, 6);

	ck_assert_int_eq(bgp_rib_announce(&r, p1, &p, &a1, z, 30.0), 1);
	bgp_attrs_unref(z);
	ck_assert(bgp_rib_best(&r, &p)->learned_at == 30.0);
	ck_assert_int_eq(l.n, 2);
	ck_assert_int_eq(bgp_rib_withdraw(&r, p1, &p), 1);
	ck_assert_ptr_null(l.best);
	bgp_attrs_unref(x);
	bgp_attrs_unref(y);
	bgp_rib_free(&r);
}
END_TEST

static char tmpdir[] = "/tmp/kvte-bgp-rib-XXXXXX";

static void write_value(const char *name, json_t *v)
{
	char path[256];
	char *s = jx_dumps(v);
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s.json", tmpdir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fputs(s, f);
	fclose(f);
	free(s);
}

START_TEST(route_values_validate)
{
	struct bgp_rib r;
	addr_t a1 = A("100.65.0.17"), a6 = A("fc00:ff::17");
	struct bgp_self self = {.node = "r4", .loopback4 = A("192.168.50.4"),
				.loopback6 = A("fc00:0:4::1"), .asn = 65002};
	char err[160], cmd[1024];

	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	bgp_rib_init(&r, NULL, NULL);
	struct bgp_peer *p1 = bgp_rib_peer(&r, &a1, 65003, NULL, 65002);
	struct bgp_peer *p6 = bgp_rib_peer(&r, &a6, 65003, NULL, 65002);
	struct bgp_attrs *a = attrs(0, 2, BGP_ORIGIN_IGP, 0);

	bgp_attrs_push_community(a, 65003u << 16 | 100);
	bgp_attrs_push_community(a, 0xFFFFFF01u);
	bgp_attrs_push_community(a, 0xFFFFFF01u); /* repeated: written once */
	prefix_t p4 = P("10.42.2.0/24"), p6p = P("2001:db8:42::/48"), po = P("100.65.0.0/31");

	bgp_rib_announce(&r, p1, &p4, &a1, a, 1795322900.6853547);
	struct bgp_attrs *b = attrs(0, 3, BGP_ORIGIN_INCOMPLETE, -1);

	bgp_attrs_push_large(b, &(struct bgp_large_community){65003, 1, 2});
	bgp_rib_announce(&r, p6, &p6p, &a6, b, 1795322941.0);
	struct bgp_attrs *o = attrs(0, 0, BGP_ORIGIN_IGP, -1);
	struct bgp_peer *lp = bgp_rib_local(&r);

	lp->addr = self.loopback4;
	bgp_rib_announce(&r, lp, &po, &self.loopback4, o, 1795322800.0);

	json_t *v = bgp_route_value(bgp_rib_best(&r, &p4), &self, err, sizeof(err));

	ck_assert_ptr_nonnull(v);
	char *s = jx_dumps(v);

	ck_assert_str_eq(s, "{\"as_path\":[65000,65001],\"communities\":[\"65003:100\",\"no-export\"],"
			    "\"external_next_hop\":\"100.65.0.17\",\"learned_at\":"
			    "\"2026-11-22T04:48:20.685Z\",\"local_pref\":100,\"med\":0,\"node\":\"r4\","
			    "\"origin\":\"igp\",\"peer\":{\"address\":\"100.65.0.17\",\"asn\":65003},"
			    "\"prefix\":\"10.42.2.0/24\",\"protocol_next_hop\":\"192.168.50.4\"}");
	free(s);
	write_value("v4", v);
	json_decref(v);
	v = bgp_route_value(bgp_rib_best(&r, &p6p), &self, err, sizeof(err));
	ck_assert_str_eq(json_string_value(json_object_get(v, "protocol_next_hop")), "fc00:0:4::1");
	ck_assert_ptr_null(json_object_get(v, "med"));
	write_value("v6", v);
	json_decref(v);
	v = bgp_route_value(bgp_rib_best(&r, &po), &self, err, sizeof(err));
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(v, "peer"), "asn")), 65002);
	ck_assert_str_eq(json_string_value(json_object_get(v, "external_next_hop")), "192.168.50.4");
	write_value("orig", v);
	json_decref(v);
	/* unknown own AS: an originated route cannot be written */
	self.asn = 0;
	ck_assert_ptr_null(bgp_route_value(bgp_rib_best(&r, &po), &self, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "own AS number unknown"));
	/* no loopback at all */
	struct bgp_self none = {.node = "r4"};

	ck_assert_ptr_null(bgp_route_value(bgp_rib_best(&r, &p4), &none, err, sizeof(err)));
	ck_assert_ptr_nonnull(strstr(err, "no loopback"));

	const char *src = getenv("KVTE_SOURCE_DIR");

	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas bgp-route "
		 "%s/v4.json %s/v6.json %s/orig.json", src ? src : ".", src ? src : ".", tmpdir,
		 tmpdir, tmpdir);
	ck_assert_msg(system(cmd) == 0, "schema validation failed: %s", cmd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	ck_assert_int_eq(system(cmd), 0);
	bgp_attrs_unref(a);
	bgp_attrs_unref(b);
	bgp_attrs_unref(o);
	bgp_rib_free(&r);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgp_rib");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, selection_order);
	tcase_add_test(tc, session_down_removes_that_peer_only);
	tcase_add_test(tc, reannounce_same_keeps_learned_at);
	tcase_add_test(tc, route_values_validate);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
