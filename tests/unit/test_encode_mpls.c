/* test_encode_mpls — the controller's dataplane choice and SR-MPLS encoding
 * (te-controller/encode.{c,h}, through te-controller/plan.c as the controller runs it).
 *
 * The seed TED (te-controller/testdata/seed) is loaded three ways: as is (SRv6: End.X
 * SIDs and locators), rewritten to SR-MPLS only (every is_reach gets an RFC 8667
 * adjacency SID label 24000 + 10 * from + to, e.g. r2 -> r4 = 24024, and loses its
 * End.X SIDs; the locators go), and with both. Checks: r1 -> r4 over r1-r2-r4 pushes
 * [24024] (the label of every link after the first; r4 gets plain IP), its head-end
 * backup is the r1:et2 bypass r1-r3-r2 then the primary stack [24032, 24024], the
 * shared bypasses rib/r1/protect/r1:et2 = [24032] and rib/r2/protect/r2:et2 = [24034],
 * te/paths shows dataplane mpls, the labels and MPLS bypass entries; a one-link path
 * pushes nothing (and needs its own link's label); a link with neither End.X SID nor
 * label makes the LSP down with a reason naming both; a TED with both encodings gives
 * byte-identical values to the SRv6-only TED (SRv6 wins, today's bytes unchanged), and
 * those bytes are the ones tests/unit/test_ctl_plan.c pins. Every value is validated
 * against its schema with tests/schemas/validate.py (skipped, with a message, without
 * python3-jsonschema). Seed loading, planning and the schema check are
 * tests/support/plan_fixture.c's. DESIGN §6, §8. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"
#include "te-controller/cspf.h"
#include "te-controller/encode.h"
#include "te-controller/plan.h"
#include "te-controller/ted.h"
#include "tests/support/plan_fixture.h"

enum mode { SRV6_ONLY, MPLS_ONLY, BOTH };

/* "1921.6805.0004.00..." -> 4 (the seed's system IDs end in the router number) */
static unsigned node_num(const char *sysid)
{
	ck_assert_msg(sysid && strlen(sysid) >= 14, "bad system ID %s", sysid ? sysid : "");
	return (unsigned)strtoul(sysid + 10, NULL, 16);
}

/* How load() rewrites the seed's LSPs. drop: links "N-M" (from N to M) that get no
 * label (and, in BOTH, lose their End.X SIDs too: neither encoding). */
struct seed_edit {
	enum mode m;
	const char *const *drop;
};

static void rewrite(json_t *lsp, void *arg)
{
	const struct seed_edit *e = arg;
	enum mode m = e->m;
	const char *const *drop = e->drop;
	unsigned from = node_num(json_string_value(json_object_get(lsp, "lsp_id")));
	json_t *reach = json_object_get(lsp, "is_reach"), *r;
	size_t i;

	if (m == SRV6_ONLY)
		return;
	if (m == MPLS_ONLY)
		json_object_del(lsp, "srv6_locators");
	json_array_foreach(reach, i, r) {
		unsigned to = node_num(json_string_value(json_object_get(r, "neighbor")));
		char name[16];
		bool skip = false;

		if (m == MPLS_ONLY)
			json_object_del(r, "end_x_sids");
		snprintf(name, sizeof(name), "%u-%u", from, to);
		for (size_t k = 0; drop && drop[k]; k++)
			skip |= strcmp(drop[k], name) == 0;
		if (skip)
			json_object_del(r, "end_x_sids");
		else
			json_object_set_new(r, "adj_sids",
					    json_pack("[{s:i, s:b, s:i}]", "label",
						      24000 + 10 * from + to, "backup", 0,
						      "weight", 0));
	}
}

static void load(ted_t *t, enum mode m, const char *const *drop)
{
	struct seed_edit e = { m, drop };

	pf_load_seed(t, NULL, rewrite, &e);
}

/* names[i] requests reqs[i] (revision 7), up to a NULL name */
static json_t *plan(const ted_t *t, const char *const *names, const char *const *reqs)
{
	struct pf_reqs s = { 0 };
	json_t *out;

	for (size_t n = 0; names[n]; n++) {
		pf_reqs_add(&s, names[n], reqs[n]);
		ck_assert_msg(s.v[n] != NULL, "%s", s.bad[n]);
		s.r[n].revision = 7;
	}
	out = pf_plan(&(struct plan_input){ .ted = t, .now = "2026-11-22T07:31:02.250Z" }, &s,
		      NULL);
	pf_reqs_free(&s);
	return out;
}

static const char *const R14[] = { "r1-to-r4", NULL };
static const char *const R14_REQ[] = {
	"{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"200M\",\"setup_priority\":4,"
	"\"hold_priority\":4,\"protection\":\"link\"}",
};

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(mpls_tunnel_backup_and_bypasses)
{
	ted_t t;
	json_t *d;
	const json_t *p, *tun, *prot;

	load(&t, MPLS_ONLY, NULL);
	d = plan(&t, R14, R14_REQ);
	p = pf_get(d, "te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(pf_str(p, "state"), "up");
	ck_assert_str_eq(pf_str(p, "dataplane"), "mpls");
	ck_assert_str_eq(pf_text(p, "labels"), "[24024]");
	ck_assert_ptr_null(json_object_get(p, "segments"));
	ck_assert_str_eq(pf_text(p, "bypasses"),
			 "[{\"dataplane\":\"mpls\",\"labels\":[24032],\"link\":\"r1:et2\","
			 "\"merge_point\":\"r2\",\"path\":[\"r1\",\"r3\",\"r2\"],\"plr\":\"r1\","
			 "\"state\":\"up\"},"
			 "{\"dataplane\":\"mpls\",\"labels\":[24034],\"link\":\"r2:et2\","
			 "\"merge_point\":\"r4\",\"path\":[\"r2\",\"r3\",\"r4\"],\"plr\":\"r2\","
			 "\"state\":\"up\"}]");

	tun = pf_get(d, "rib/r1/te/r1-to-r4");
	ck_assert_ptr_nonnull(tun);
	ck_assert_str_eq(pf_text(tun, ""),
		"{\"backup\":{\"first_hop\":{\"address\":\"100.65.0.7\",\"interface\":\"et3\","
		"\"neighbor\":\"r3\"},\"labels\":[24032,24024],\"link\":\"r1:et2\"},"
		"\"bandwidth\":200000000,\"dataplane\":\"mpls\",\"destinations\":"
		"[\"192.168.50.4/32\",\"fc00:0:4::1/128\"],\"first_hop\":{\"address\":"
		"\"100.65.0.3\",\"interface\":\"et2\",\"neighbor\":\"r2\"},\"labels\":[24024],"
		"\"lsp\":\"r1-to-r4\",\"metric\":128,\"path\":[\"r1\",\"r2\",\"r4\"],\"to\":\"r4\"}");

	prot = pf_get(d, "rib/r1/protect/r1:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(pf_str(prot, "dataplane"), "mpls");
	ck_assert_str_eq(pf_text(prot, "labels"), "[24032]");
	ck_assert_ptr_null(json_object_get(prot, "segments"));
	ck_assert_str_eq(pf_text(prot, "first_hop"),
			 "{\"address\":\"100.65.0.7\",\"interface\":\"et3\",\"neighbor\":\"r3\"}");
	prot = pf_get(d, "rib/r2/protect/r2:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(pf_text(prot, "labels"), "[24034]");
	ck_assert_str_eq(pf_text(prot, "path"), "[\"r2\",\"r3\",\"r4\"]");
	ck_assert_uint_ge(pf_schema_check(d), pf_have_jsonschema() ? 4 : 0);
	json_decref(d);
	ted_free(&t);
}
END_TEST

START_TEST(mpls_one_link_path)
{
	static const char *const names[] = { "r1-to-r2", NULL };
	static const char *const reqs[] = { "{\"from\":\"r1\",\"to\":\"r2\"}" };
	static const char *const no_r1[] = { "1-2", "1-3", NULL };
	ted_t t;
	json_t *d;
	const json_t *p;

	load(&t, MPLS_ONLY, NULL);
	d = plan(&t, names, reqs);
	p = pf_get(d, "rib/r1/te/r1-to-r2");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(pf_str(p, "dataplane"), "mpls");
	ck_assert_str_eq(pf_text(p, "labels"), "[]"); /* plain IP to r2, the tail */
	ck_assert_str_eq(pf_text(p, "path"), "[\"r1\",\"r2\"]");
	ck_assert_uint_ge(pf_schema_check(d), pf_have_jsonschema() ? 2 : 0);
	json_decref(d);
	ted_free(&t);

	/* r1 advertises no adjacency label: nothing says it runs SR-MPLS */
	load(&t, MPLS_ONLY, no_r1);
	d = plan(&t, names, reqs);
	p = pf_get(d, "te/paths/r1-to-r2");
	ck_assert_str_eq(pf_str(p, "state"), "down");
	ck_assert_ptr_nonnull(strstr(pf_str(p, "reason"),
				     "SR-MPLS: r1:et2 has no adjacency label"));
	ck_assert_ptr_nonnull(strstr(pf_str(p, "reason"), "SRv6: tail r2 advertises no End.DX4 or "
							  "End.DT6 SID"));
	ck_assert_ptr_null(pf_get(d, "rib/r1/te/r1-to-r2"));
	json_decref(d);
	ted_free(&t);
}
END_TEST

START_TEST(mixed_link_lacking_both)
{
	static const char *const drop[] = { "2-4", NULL };
	ted_t t;
	json_t *d;
	const json_t *p;

	/* both encodings everywhere but on r2 -> r4, which has neither */
	load(&t, BOTH, drop);
	d = plan(&t, R14, R14_REQ);
	p = pf_get(d, "te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(pf_str(p, "state"), "down");
	ck_assert_str_eq(pf_str(p, "reason"), "path r1-r2-r4 cannot be encoded: SRv6: r2:et2 "
					      "has no End.X SID; SR-MPLS: r2:et2 has no "
					      "adjacency label");
	ck_assert_ptr_null(pf_get(d, "rib/r1/te/r1-to-r4"));
	ck_assert_ptr_null(pf_get(d, "rib/r1/protect/r1:et2"));
	json_decref(d);
	ted_free(&t);

	/* SR-MPLS only: SRv6 fails at the tail (no locator, no decapsulation SID) */
	load(&t, MPLS_ONLY, drop);
	d = plan(&t, R14, R14_REQ);
	p = pf_get(d, "te/paths/r1-to-r4");
	ck_assert_str_eq(pf_str(p, "state"), "down");
	ck_assert_str_eq(pf_str(p, "reason"), "path r1-r2-r4 cannot be encoded: SRv6: tail r4 "
					      "advertises no End.DX4 or End.DT6 SID; SR-MPLS: "
					      "r2:et2 has no adjacency label");
	json_decref(d);
	ted_free(&t);
}
END_TEST

/* A TED that could do both encodes every value exactly as the SRv6-only TED does, and
 * that is the byte layout test_ctl_plan pins. */
START_TEST(srv6_bytes_unchanged)
{
	ted_t a, b;
	json_t *da, *db;
	char *sa, *sb;
	const json_t *tun;

	load(&a, SRV6_ONLY, NULL);
	load(&b, BOTH, NULL);
	ck_assert_uint_gt(b.n_labels_total, 0);
	ck_assert_uint_eq(a.n_labels_total, 0);
	da = plan(&a, R14, R14_REQ);
	db = plan(&b, R14, R14_REQ);
	sa = jx_dumps(da);
	sb = jx_dumps(db);
	ck_assert_str_eq(sa, sb);
	ck_assert_ptr_null(strstr(sa, "\"labels\""));
	ck_assert_ptr_null(strstr(sa, "\"mpls\""));
	tun = pf_get(da, "rib/r1/te/r1-to-r4");
	ck_assert_str_eq(pf_text(tun, ""), PF_R1_TO_R4_SRV6_TUNNEL);
	free(sa);
	free(sb);
	json_decref(da);
	json_decref(db);
	ted_free(&a);
	ted_free(&b);
}
END_TEST

/* The builders directly: a bypass that can only be SR-MPLS, a primary that falls back,
 * and an MPLS bypass backing an SRv6 primary (the head end pushes the bypass only). */
START_TEST(builders_direct)
{
	ted_t t;
	struct cspf_ws *ws = cspf_ws_new();
	struct cspf_result r = { 0 };
	struct encode_bypass b;
	struct encode_lsp e;
	char reason[ENCODE_REASON_LEN];
	uint32_t l12, l24, r1, r2, r4;
	json_t *v, *lsps;

	load(&t, MPLS_ONLY, NULL);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	r4 = ted_node_find(&t, "r4");
	l12 = ted_link_between(&t, r1, r2);
	l24 = ted_link_between(&t, r2, r4);
	ck_assert_uint_ne(l12, TED_NONE);
	ck_assert_uint_ne(l24, TED_NONE);
	ck_assert_int_eq(cspf_bypass(&t, l12, ws, &r), 0);
	ck_assert(r.found);
	ck_assert_int_eq(encode_bypass_make(&t, l12, &r, &b), 0);
	ck_assert(b.ok);
	ck_assert_int_eq(b.dataplane, ENCODE_MPLS);
	ck_assert_ptr_null(b.segments);
	ck_assert_str_eq(pf_text(b.labels, ""), "[24032]");
	v = encode_bypass_entry(&t, &b);
	ck_assert_str_eq(pf_str(v, "dataplane"), "mpls");
	json_decref(v);

	/* a hand-made primary r1 -> r2 -> r4 */
	uint32_t links[2] = { l12, l24 };
	struct cspf_path p = { .n = 2, .cap = 2, .links = links };

	ck_assert_int_eq(encode_lsp_make(&t, &p, &e, reason, sizeof(reason)), 0);
	ck_assert_int_eq(e.dataplane, ENCODE_MPLS);
	ck_assert_ptr_null(e.segments);
	ck_assert_str_eq(pf_text(e.labels, ""), "[24024]");
	v = encode_tunnel(&t, "x", &p, &e, &b, 0, 20);
	ck_assert_str_eq(pf_text(v, "backup"), "{\"first_hop\":{\"address\":\"100.65.0.7\","
					    "\"interface\":\"et3\",\"neighbor\":\"r3\"},"
					    "\"labels\":[24032,24024],\"link\":\"r1:et2\"}");
	json_decref(v);
	encode_lsp_clear(&e);
	ck_assert_ptr_null(e.labels);
	encode_bypass_clear(&b);
	ck_assert(!b.ok);
	ck_assert_ptr_null(b.labels);
	cspf_result_free(&r);
	ted_free(&t);

	/* SRv6 primary, MPLS-only bypass (r3 has no End.X SIDs, only labels) */
	load(&t, BOTH, NULL);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	l12 = ted_link_between(&t, r1, r2);
	l24 = ted_link_between(&t, r2, ted_node_find(&t, "r4"));
	links[0] = l12;
	links[1] = l24;
	ck_assert_int_eq(encode_lsp_make(&t, &p, &e, reason, sizeof(reason)), 0);
	ck_assert_int_eq(e.dataplane, ENCODE_SRV6);
	ck_assert_ptr_null(e.labels);
	/* a fake MPLS bypass of r1:et2 to combine with it */
	memset(&b, 0, sizeof(b));
	b.ok = true;
	b.link = l12;
	b.merge_point = r2;
	b.dataplane = ENCODE_MPLS;
	b.labels = json_pack("[i]", 24032);
	b.first_hop = json_pack("{s:s, s:s}", "interface", "et3", "address", "100.65.0.7");
	b.nodes = json_pack("[s,s,s]", "r1", "r3", "r2");
	v = encode_tunnel(&t, "x", &p, &e, &b, 0, 20);
	ck_assert_str_eq(pf_str(v, "dataplane"), "srv6");
	ck_assert_str_eq(pf_text(json_object_get(v, "backup"), "labels"), "[24032]");
	ck_assert_ptr_null(json_object_get(json_object_get(v, "backup"), "segments"));
	json_decref(v);
	lsps = json_pack("[s]", "x");
	v = encode_protect(&t, &b, lsps);
	json_decref(lsps);
	ck_assert_ptr_nonnull(v);
	ck_assert_str_eq(pf_str(v, "dataplane"), "mpls");
	ck_assert_str_eq(pf_text(v, "labels"), "[24032]");
	json_decref(v);
	encode_bypass_clear(&b);
	encode_lsp_clear(&e);
	ted_free(&t);
	cspf_ws_free(ws);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("encode_mpls");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, pf_setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, mpls_tunnel_backup_and_bypasses);
	tcase_add_test(tc, mpls_one_link_path);
	tcase_add_test(tc, mixed_link_lacking_both);
	tcase_add_test(tc, srv6_bytes_unchanged);
	tcase_add_test(tc, builders_direct);
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
