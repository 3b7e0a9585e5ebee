/* test_ctl_plan — the controller's pure planning: te-controller/plan.c and encode.c.
 *
 * On the seed TED (te-controller/testdata/seed, as tests/unit/test_cspf_seed.c): an
 * r1 -> r4 request gives path r1-r2-r4 whose rib-te-tunnel value holds the End.X SIDs
 * of r1:et2 and r2:et2 plus r4's End.DX4, the first hop et2 toward r2, r4's router IDs
 * as destinations and the bypass of r1:et2 (r1-r3-r2, ending at r2's End.DT6) as its
 * backup; link protection writes one shared rib/<plr>/protect/<link> per link;
 * reservations land in te/links. Invalid requests (bad JSON, hold > setup, unknown
 * admin group, diverse from itself) get state invalid with the validator's reason and
 * leave every other key byte-identical; an unknown node is "down" with CSPF's reason
 * (the node may join the TED later). Placement by priority pushes a worse LSP off
 * the shared link; a TED change re-routes; "since" survives an unchanged recompute and
 * changes with the path. Every value is validated against its schema with
 * /usr/bin/python3 + jsonschema (that part is skipped, with a message, when the module
 * is missing). The seed, requests, planning and schema check are
 * tests/support/plan_fixture.c's. DESIGN §5, §6, §8. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"
#include "lib/validate.h"
#include "te-controller/plan.h"
#include "te-controller/ted.h"
#include "tests/support/plan_fixture.h"

static struct admin_groups groups;

static void setup(void)
{
	json_t *v = json_pack("{s:{s:i, s:i}}", "groups", "red", 0, "blue", 1);
	char err[128];

	pf_setup();
	ck_assert_int_eq(validate_admin_groups(v, &groups, err, sizeof(err)), 0);
	json_decref(v);
}

static json_t *plan(const ted_t *t, const struct pf_reqs *s, const json_t *prev,
		    const char *now, struct plan_stats *st)
{
	return pf_plan(&(struct plan_input){ .ted = t, .groups = &groups, .prev_paths = prev,
					     .now = now }, s, st);
}

/* plan() with the make-before-break inputs: held tunnels and agents' revisions. */
static json_t *plan_mbb(const ted_t *t, const struct pf_reqs *s, const json_t *prev,
			const json_t *tunnels, const json_t *agents, struct plan_stats *st)
{
	return pf_plan(&(struct plan_input){ .ted = t, .groups = &groups, .prev_paths = prev,
					     .tunnels = tunnels, .agents = agents,
					     .now = "2026-11-22T09:00:00Z" }, s, st);
}

/* ---- tests ---------------------------------------------------------------------------- */

START_TEST(r1_to_r4_protected)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	struct plan_stats st;
	json_t *d;
	const json_t *p, *tun, *prot;

	pf_load_seed(&t, NULL, NULL, NULL);
	pf_reqs_add(&s, "r1-to-r4", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"200M\","
				 "\"setup_priority\":4,\"hold_priority\":4,\"protection\":\"link\"}");
	d = plan(&t, &s, NULL, "2026-11-22T07:31:02.250Z", &st);
	ck_assert_uint_eq(st.up, 1);
	ck_assert_uint_eq(st.bypasses, 2);
	ck_assert_uint_eq(st.unprotected, 0);

	p = pf_get(d, "te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(pf_str(p, "state"), "up");
	ck_assert_str_eq(pf_text(p, "path"), "[{\"link\":\"r1:et2\",\"node\":\"r1\"},"
					  "{\"link\":\"r2:et2\",\"node\":\"r2\"},{\"node\":\"r4\"}]");
	ck_assert_int_eq(json_integer_value(json_object_get(p, "metric")), 128);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "delay_us")), 125000);
	ck_assert_int_eq(json_integer_value(json_object_get(p, "request_revision")), 42);
	ck_assert_str_eq(pf_str(p, "since"), "2026-11-22T07:31:02.250Z");
	ck_assert_ptr_null(json_object_get(p, "reason"));
	ck_assert_str_eq(pf_text(p, "segments"),
			 "[\"fc00:0:2:e002::\",\"fc00:0:4:d4::\"]");
	ck_assert_str_eq(pf_text(p, "bypasses"),
			 "[{\"link\":\"r1:et2\",\"merge_point\":\"r2\",\"path\":[\"r1\",\"r3\",\"r2\"],"
			 "\"plr\":\"r1\",\"state\":\"up\"},"
			 "{\"link\":\"r2:et2\",\"merge_point\":\"r4\",\"path\":[\"r2\",\"r3\",\"r4\"],"
			 "\"plr\":\"r2\",\"state\":\"up\"}]");

	tun = pf_get(d, "rib/r1/te/r1-to-r4");
	ck_assert_ptr_nonnull(tun);
	ck_assert_str_eq(pf_text(tun, ""), PF_R1_TO_R4_SRV6_TUNNEL);

	prot = pf_get(d, "rib/r1/protect/r1:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(pf_text(prot, "path"), "[\"r1\",\"r3\",\"r2\"]");
	ck_assert_str_eq(pf_text(prot, "segments"),
			 "[\"fc00:0:3:e002::\",\"fc00:0:2:d6::\"]");
	ck_assert_str_eq(pf_text(prot, "first_hop"),
			 "{\"address\":\"100.65.0.7\",\"interface\":\"et3\",\"neighbor\":\"r3\"}");
	ck_assert_str_eq(pf_str(prot, "merge_point"), "r2");
	ck_assert_str_eq(pf_text(prot, "lsps"), "[\"r1-to-r4\"]");
	prot = pf_get(d, "rib/r2/protect/r2:et2");
	ck_assert_ptr_nonnull(prot);
	ck_assert_str_eq(pf_text(prot, "path"), "[\"r2\",\"r3\",\"r4\"]");
	ck_assert_ptr_null(pf_get(d, "rib/r1/protect/r1:et3"));

	/* reservations on both links of the path, at hold priority 4 */
	p = pf_get(d, "te/links/r1:et2");
	ck_assert_ptr_nonnull(p);
	ck_assert_str_eq(pf_text(p, "reserved"), "[0,0,0,0,200000000,0,0,0]");
	ck_assert_str_eq(pf_text(p, "unreserved"), "[1000000000,1000000000,1000000000,"
			 "1000000000,800000000,800000000,800000000,800000000]");
	ck_assert_str_eq(pf_text(p, "lsps"),
			 "[{\"bandwidth\":200000000,\"lsp\":\"r1-to-r4\",\"priority\":4}]");
	ck_assert_ptr_nonnull(json_object_get(pf_get(d, "te/links/r2:et2"), "lsps"));
	/* an idle link is published without lsps */
	p = pf_get(d, "te/links/r1:et3");
	ck_assert_ptr_nonnull(p);
	ck_assert_ptr_null(json_object_get(p, "lsps"));
	ck_assert_str_eq(pf_text(p, "reserved"), "[0,0,0,0,0,0,0,0]");

	/* every key is one of the controller's families; 1 path + 1 tunnel + 2 bypasses
	 * + every named link direction (seed: 7 links, 14 directions) */
	ck_assert_uint_eq(json_object_size(d), 1 + 1 + 2 + t.n_named_links);
	pf_schema_check(d);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

START_TEST(invalid_requests_disturb_nothing)
{
	ted_t t;
	struct pf_reqs good = { 0 }, all = { 0 };
	struct plan_stats st;
	json_t *d1, *d2;
	const char *k;
	json_t *v;
	const char *r14 = "{\"from\":\"r1\",\"to\":\"r4\",\"protection\":\"link\"}";
	const char *r51 = "{\"from\":\"r5\",\"to\":\"r1\",\"bandwidth\":\"100M\"}";

	pf_load_seed(&t, NULL, NULL, NULL);
	pf_reqs_add(&good, "r1-to-r4", r14);
	pf_reqs_add(&good, "r5-to-r1", r51);
	d1 = plan(&t, &good, NULL, "2026-11-22T07:31:00Z", NULL);

	pf_reqs_add(&all, "a-hold", "{\"from\":\"r1\",\"to\":\"r4\",\"setup_priority\":3,"
				 "\"hold_priority\":5,\"bandwidth\":\"900M\"}");
	pf_reqs_add(&all, "r1-to-r4", r14);
	pf_reqs_add(&all, "b-pink", "{\"from\":\"r1\",\"to\":\"r4\",\"exclude\":[\"pink\"]}");
	pf_reqs_add(&all, "c-json", "{\"from\":\"r1\",");
	pf_reqs_add(&all, "d-typo", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwith\":\"1G\"}");
	pf_reqs_add(&all, "e-self", "{\"from\":\"r1\",\"to\":\"r4\",\"diverse_from\":\"e-self\"}");
	pf_reqs_add(&all, "f-r9", "{\"from\":\"r1\",\"to\":\"r9\",\"bandwidth\":\"900M\"}");
	pf_reqs_add(&all, "r5-to-r1", r51);
	d2 = plan(&t, &all, NULL, "2026-11-22T07:31:00Z", &st);
	ck_assert_uint_eq(st.invalid, 5);
	ck_assert_uint_eq(st.down, 1);
	ck_assert_uint_eq(st.up, 2);

	v = (json_t *)pf_get(d2, "te/paths/a-hold");
	ck_assert_str_eq(pf_str(v, "state"), "invalid");
	ck_assert_str_eq(pf_str(v, "reason"),
			 "hold_priority: must be <= setup_priority (3), got 5");
	ck_assert_str_eq(pf_str(pf_get(d2, "te/paths/b-pink"), "reason"),
			 "exclude: unknown admin group \"pink\"");
	ck_assert_str_eq(pf_str(pf_get(d2, "te/paths/c-json"), "state"), "invalid");
	ck_assert_msg(strncmp(pf_str(pf_get(d2, "te/paths/c-json"), "reason"), "not JSON: ",
			      10) == 0,
		      "%s", pf_str(pf_get(d2, "te/paths/c-json"), "reason"));
	ck_assert_str_eq(pf_str(pf_get(d2, "te/paths/d-typo"), "reason"),
			 "unknown field \"bandwith\"");
	ck_assert_str_eq(pf_str(pf_get(d2, "te/paths/e-self"), "state"), "invalid");
	/* an unknown node is not a malformed request: the router may join later */
	v = (json_t *)pf_get(d2, "te/paths/f-r9");
	ck_assert_str_eq(pf_str(v, "state"), "down");
	ck_assert_str_eq(pf_str(v, "reason"), "no path: tail-end r9 is not in the TED");
	ck_assert_ptr_null(pf_get(d2, "rib/r1/te/f-r9"));
	ck_assert_ptr_null(pf_get(d2, "rib/r1/te/a-hold"));

	/* the valid LSPs' keys and every other key are byte-identical; the only extra
	 * keys are the bad requests' te/paths (the invalid 900M reserves nothing) */
	json_object_foreach(d1, k, v) {
		char *a = jx_dumps(v), *b = jx_dumps(json_object_get(d2, k));

		ck_assert_msg(b && strcmp(a, b) == 0, "%s differs:\n%s\n%s", k, a, b ? b : "-");
		free(a);
		free(b);
	}
	ck_assert_uint_eq(json_object_size(d2), json_object_size(d1) + 6);
	pf_schema_check(d2);
	json_decref(d1);
	json_decref(d2);
	pf_reqs_free(&good);
	pf_reqs_free(&all);
	ted_free(&t);
}
END_TEST

START_TEST(priority_placement_and_since)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	json_t *d1, *d2, *d3, *prev;
	char *a, *b;

	pf_load_seed(&t, NULL, NULL, NULL);
	/* both want r1-r2-r4 (1 Gb/s links); the better setup priority gets it even though
	 * its name sorts last, the other goes around */
	pf_reqs_add(&s, "a-low", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\","
			      "\"hold_priority\":7}");
	pf_reqs_add(&s, "z-high", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\","
			       "\"setup_priority\":1,\"hold_priority\":1}");
	d1 = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(d1, "rib/r1/te/z-high"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_str_eq(pf_text(pf_get(d1, "rib/r1/te/a-low"), "path"),
			 "[\"r1\",\"r3\",\"r5\",\"r4\"]");
	ck_assert_str_eq(pf_text(pf_get(d1, "te/links/r1:et2"), "lsps"),
			 "[{\"bandwidth\":600000000,\"lsp\":\"z-high\",\"priority\":1}]");

	/* recomputed later with nothing changed: the same bytes, "since" kept */
	prev = pf_prev_paths(d1);
	d2 = plan(&t, &s, prev, "2026-11-22T08:00:00Z", NULL);
	a = jx_dumps(d1);
	b = jx_dumps(d2);
	ck_assert_str_eq(a, b);
	free(a);
	free(b);
	json_decref(prev);

	/* r2 disappears (its LSP is purged): z-high is re-routed onto a-low's path and
	 * preempts it (hold priority 7 > setup 1); a-low goes down for bandwidth; both get
	 * a new "since" */
	ted_free(&t);
	pf_load_seed(&t, "1921.6805.0002.", NULL, NULL);
	prev = pf_prev_paths(d2);
	d3 = plan(&t, &s, prev, "2026-11-22T08:05:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(d3, "rib/r1/te/z-high"), "path"),
			 "[\"r1\",\"r3\",\"r5\",\"r4\"]");
	ck_assert_str_eq(pf_str(pf_get(d3, "te/paths/z-high"), "since"), "2026-11-22T08:05:00Z");
	ck_assert_str_eq(pf_str(pf_get(d3, "te/paths/a-low"), "state"), "down");
	ck_assert_msg(strstr(pf_str(pf_get(d3, "te/paths/a-low"), "reason"),
			     "pruned for bandwidth"),
		      "%s", pf_str(pf_get(d3, "te/paths/a-low"), "reason"));
	ck_assert_msg(strstr(pf_str(pf_get(d3, "te/paths/a-low"), "reason"),
			     "preempted by z-high (setup priority 1) at r1:et3"),
		      "%s", pf_str(pf_get(d3, "te/paths/a-low"), "reason"));
	ck_assert_ptr_null(pf_get(d3, "rib/r1/te/a-low"));
	ck_assert_ptr_null(pf_get(d3, "te/links/r1:et2"));
	pf_schema_check(d3);
	json_decref(prev);
	json_decref(d1);
	json_decref(d2);
	json_decref(d3);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

START_TEST(unprotected_and_shared_bypass)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	json_t *d;
	const json_t *p;

	pf_load_seed(&t, NULL, NULL, NULL);
	/* two protected LSPs over r1:et2 share its bypass */
	pf_reqs_add(&s, "one", "{\"from\":\"r1\",\"to\":\"r2\",\"protection\":\"link\"}");
	pf_reqs_add(&s, "two", "{\"from\":\"r1\",\"to\":\"r4\",\"protection\":\"link\"}");
	pf_reqs_add(&s, "three", "{\"from\":\"r1\",\"to\":\"r4\"}");
	d = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(d, "rib/r1/protect/r1:et2"), "lsps"), "[\"one\",\"two\"]");
	ck_assert_str_eq(pf_text(pf_get(d, "rib/r2/protect/r2:et2"), "lsps"), "[\"two\"]");
	ck_assert_ptr_null(json_object_get(pf_get(d, "rib/r1/te/three"), "backup"));
	ck_assert_ptr_null(json_object_get(pf_get(d, "te/paths/three"), "bypasses"));
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);

	/* without r3 and r5 nothing goes around r1-r2: up but unprotected */
	ted_t t2;
	ted_init(&t2);
	pf_load_seed(&t2, "1921.6805.0003.", NULL, NULL);
	pf_reqs_add(&s, "one", "{\"from\":\"r1\",\"to\":\"r2\",\"protection\":\"link\"}");
	d = plan(&t2, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	p = pf_get(d, "te/paths/one");
	ck_assert_str_eq(pf_str(p, "state"), "up");
	ck_assert_msg(strncmp(pf_str(p, "reason"), "unprotected: r1:et2: no path from r1 to r2",
			      42) == 0, "%s", pf_str(p, "reason"));
	ck_assert_str_eq(pf_str(json_array_get(json_object_get(p, "bypasses"), 0), "state"),
			 "none");
	ck_assert_ptr_null(pf_get(d, "rib/r1/protect/r1:et2"));
	ck_assert_ptr_null(json_object_get(pf_get(d, "rib/r1/te/one"), "backup"));
	pf_schema_check(d);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t2);
}
END_TEST

START_TEST(sticky_paths_and_hold_priority)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	json_t *d1, *d2, *d3, *prev;

	pf_load_seed(&t, NULL, NULL, NULL);
	pf_reqs_add(&s, "first", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\"}");
	d1 = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(d1, "rib/r1/te/first"), "path"), "[\"r1\",\"r2\",\"r4\"]");

	/* a newcomer of the same priority that sorts first does not move it */
	pf_reqs_add(&s, "aaa", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\"}");
	prev = pf_prev_paths(d1);
	d2 = plan(&t, &s, prev, "2026-11-22T07:40:00Z", NULL);
	json_decref(prev);
	ck_assert_str_eq(pf_text(pf_get(d2, "rib/r1/te/first"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_str_eq(pf_str(pf_get(d2, "te/paths/first"), "since"), "2026-11-22T07:31:00Z");
	ck_assert_str_eq(pf_text(pf_get(d2, "rib/r1/te/aaa"), "path"),
			 "[\"r1\",\"r3\",\"r5\",\"r4\"]");

	/* a better setup priority cannot take bandwidth held at hold priority 0 */
	pf_reqs_add(&s, "urgent", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\","
			       "\"setup_priority\":0}");
	prev = pf_prev_paths(d2);
	d3 = plan(&t, &s, prev, "2026-11-22T07:50:00Z", NULL);
	json_decref(prev);
	ck_assert_str_eq(pf_str(pf_get(d3, "te/paths/urgent"), "state"), "down");
	ck_assert_msg(strstr(pf_str(pf_get(d3, "te/paths/urgent"), "reason"),
			     "pruned for bandwidth"),
		      "%s", pf_str(pf_get(d3, "te/paths/urgent"), "reason"));
	ck_assert_str_eq(pf_text(pf_get(d3, "rib/r1/te/first"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_str_eq(pf_text(pf_get(d3, "rib/r1/te/aaa"), "path"),
			 "[\"r1\",\"r3\",\"r5\",\"r4\"]");
	pf_schema_check(d3);
	json_decref(d1);
	json_decref(d2);
	json_decref(d3);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

/* "second" sits on the detour while "big" holds r1-r2-r4; then big goes. */
static json_t *detour_then_free(ted_t *t, struct pf_reqs *s, json_t **before)
{
	pf_reqs_add(s, "big", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\"}");
	pf_reqs_add(s, "second", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\","
			      "\"protection\":\"link\"}");
	*before = plan(t, s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(*before, "rib/r1/te/second"), "path"),
			 "[\"r1\",\"r3\",\"r5\",\"r4\"]");
	pf_reqs_free(s);
	pf_reqs_add(s, "second", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\","
			      "\"protection\":\"link\"}");
	return pf_prev_paths(*before);
}

START_TEST(reoptimize_to_a_cheaper_path)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	struct plan_stats st;
	json_t *d0, *d, *prev;

	pf_load_seed(&t, NULL, NULL, NULL);
	prev = detour_then_free(&t, &s, &d0);
	d = plan(&t, &s, prev, "2026-11-22T08:00:00Z", &st);
	ck_assert_str_eq(pf_text(pf_get(d, "rib/r1/te/second"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_msg(strstr(pf_str(pf_get(d, "te/paths/second"), "reason"),
			     "re-optimized: metric"),
		      "%s", pf_str(pf_get(d, "te/paths/second"), "reason"));
	ck_assert_uint_eq(st.moved, 1);
	ck_assert_uint_eq(st.mbb, 0); /* no agent runs at r1: nothing to wait for */
	ck_assert_ptr_null(json_object_get(pf_get(d, "te/paths/second"), "releasing"));
	ck_assert_ptr_null(json_object_get(pf_get(d, "te/links/r1:et3"), "lsps"));
	ck_assert_ptr_null(pf_get(d, "rib/r1/protect/r1:et3"));
	json_decref(prev);
	json_decref(d0);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

START_TEST(make_before_break_waits_for_the_head_end)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	struct plan_stats st;
	json_t *d0, *d1, *d2, *d3, *prev, *tun, *agents;
	const json_t *rel;

	pf_load_seed(&t, NULL, NULL, NULL);
	prev = detour_then_free(&t, &s, &d0);
	/* r1's agent has applied the detour tunnel (written at 90) */
	tun = json_pack("{s:{s:O, s:i}}", "second", "value", pf_get(d0, "rib/r1/te/second"),
			"revision", 90);
	agents = json_pack("{s:i}", "r1", 100);
	d1 = plan_mbb(&t, &s, prev, tun, agents, &st);
	json_decref(prev);
	json_decref(tun);
	ck_assert_str_eq(pf_text(pf_get(d1, "rib/r1/te/second"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_uint_eq(st.mbb, 1);
	rel = json_object_get(pf_get(d1, "te/paths/second"), "releasing");
	ck_assert_uint_eq(json_array_size(rel), 1);
	ck_assert_ptr_nonnull(strstr(pf_text(json_array_get(rel, 0), "path"), "r1:et3"));
	ck_assert_msg(strstr(pf_str(pf_get(d1, "te/paths/second"), "reason"),
			     "make-before-break: 1 earlier path kept until r1's agent"),
		      "%s", pf_str(pf_get(d1, "te/paths/second"), "reason"));
	/* both paths reserved, each link once; the old path's bypasses stay */
	ck_assert_str_eq(pf_text(pf_get(d1, "te/links/r1:et3"), "lsps"),
			 "[{\"bandwidth\":600000000,\"lsp\":\"second\",\"priority\":0}]");
	ck_assert_str_eq(pf_text(pf_get(d1, "te/links/r1:et2"), "lsps"),
			 "[{\"bandwidth\":600000000,\"lsp\":\"second\",\"priority\":0}]");
	ck_assert_ptr_nonnull(pf_get(d1, "rib/r1/protect/r1:et3"));
	ck_assert_ptr_nonnull(pf_get(d1, "rib/r1/protect/r1:et2"));
	pf_schema_check(d1);

	/* the new tunnel is written at 120; r1's agent is at 110: still waiting */
	prev = pf_prev_paths(d1);
	tun = json_pack("{s:{s:O, s:i}}", "second", "value", pf_get(d1, "rib/r1/te/second"),
			"revision", 120);
	json_object_set_new(agents, "r1", json_integer(110));
	d2 = plan_mbb(&t, &s, prev, tun, agents, &st);
	{
		char *x = jx_dumps(json_object_get(pf_get(d1, "te/paths/second"), "releasing")),
		     *y = jx_dumps(json_object_get(pf_get(d2, "te/paths/second"), "releasing"));

		ck_assert_str_eq(y, x);
		free(x);
		free(y);
	}
	ck_assert_ptr_nonnull(pf_get(d2, "rib/r1/protect/r1:et3"));

	/* the agent reaches 120: the old path is released */
	json_object_set_new(agents, "r1", json_integer(120));
	d3 = plan_mbb(&t, &s, prev, tun, agents, &st);
	ck_assert_uint_eq(st.mbb, 0);
	ck_assert_ptr_null(json_object_get(pf_get(d3, "te/paths/second"), "releasing"));
	ck_assert_ptr_null(json_object_get(pf_get(d3, "te/links/r1:et3"), "lsps"));
	ck_assert_ptr_null(pf_get(d3, "rib/r1/protect/r1:et3"));
	ck_assert_str_eq(pf_text(pf_get(d3, "rib/r1/te/second"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	ck_assert_str_eq(pf_str(pf_get(d3, "te/paths/second"), "since"),
			 pf_str(pf_get(d1, "te/paths/second"), "since"));
	pf_schema_check(d3);
	json_decref(prev);
	json_decref(tun);
	json_decref(agents);
	json_decref(d0);
	json_decref(d1);
	json_decref(d2);
	json_decref(d3);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

START_TEST(node_protection)
{
	ted_t t;
	struct pf_reqs s = { 0 };
	const json_t *nb, *bps, *backup;
	json_t *d;
	size_t i;
	json_t *e;
	int node_entries = 0;

	pf_load_seed(&t, NULL, NULL, NULL);
	pf_reqs_add(&s, "n", "{\"from\":\"r1\",\"to\":\"r4\",\"protection\":\"node\"}");
	d = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_text(pf_get(d, "rib/r1/te/n"), "path"), "[\"r1\",\"r2\",\"r4\"]");
	/* r1 protects r2: around it to the next-next hop r4 */
	nb = json_object_get(pf_get(d, "rib/r1/protect/r1:et2"), "node_bypasses");
	ck_assert_uint_eq(json_array_size(nb), 1);
	ck_assert_str_eq(pf_str(json_array_get(nb, 0), "protected_node"), "r2");
	ck_assert_str_eq(pf_str(json_array_get(nb, 0), "merge_point"), "r4");
	ck_assert_str_eq(pf_str(json_array_get(nb, 0), "protected_sid"), "fc00:0:2:e002::");
	ck_assert_str_eq(pf_text(json_array_get(nb, 0), "path"), "[\"r1\",\"r3\",\"r5\",\"r4\"]");
	ck_assert_str_eq(pf_text(json_array_get(nb, 0), "lsps"), "[\"n\"]");
	/* the link bypass stays for a failure of the link alone */
	ck_assert_str_eq(pf_text(pf_get(d, "rib/r1/protect/r1:et2"), "path"),
			 "[\"r1\",\"r3\",\"r2\"]");
	/* r2 -> r4 is the last hop: the tail cannot be avoided, link protection only */
	ck_assert_ptr_null(json_object_get(pf_get(d, "rib/r2/protect/r2:et2"), "node_bypasses"));
	/* the head end repairs per LSP: the node bypass, then the path after r2's segment */
	backup = json_object_get(pf_get(d, "rib/r1/te/n"), "backup");
	ck_assert_ptr_nonnull(backup);
	ck_assert_str_eq(pf_str(backup, "link"), "r1:et2");
	ck_assert_str_eq(pf_str(json_object_get(backup, "first_hop"), "interface"), "et3");
	e = json_array_get(json_object_get(backup, "segments"),
			   json_array_size(json_object_get(backup, "segments")) - 1);
	ck_assert_str_eq(json_string_value(e), "fc00:0:4:d4::");
	ck_assert_uint_eq(json_array_size(json_object_get(backup, "segments")), 3);
	bps = json_object_get(pf_get(d, "te/paths/n"), "bypasses");
	json_array_foreach(bps, i, e)
		if (json_object_get(e, "protected_node")) {
			node_entries++;
			ck_assert_str_eq(pf_str(e, "protected_node"), "r2");
			ck_assert_str_eq(pf_str(e, "merge_point"), "r4");
			ck_assert_str_eq(pf_str(e, "state"), "up");
		}
	ck_assert_int_eq(node_entries, 1);
	ck_assert_ptr_null(json_object_get(pf_get(d, "te/paths/n"), "reason"));
	pf_schema_check(d);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);

	/* without r3, r1 has no way around r2: up, with the node noted unprotected */
	pf_load_seed(&t, "1921.6805.0003.", NULL, NULL);
	pf_reqs_add(&s, "n", "{\"from\":\"r1\",\"to\":\"r4\",\"protection\":\"node\"}");
	d = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", NULL);
	ck_assert_str_eq(pf_str(pf_get(d, "te/paths/n"), "state"), "up");
	ck_assert_msg(strstr(pf_str(pf_get(d, "te/paths/n"), "reason"),
			     "node r2 not protected at r1:et2"),
		      "%s", pf_str(pf_get(d, "te/paths/n"), "reason"));
	ck_assert_ptr_null(json_object_get(pf_get(d, "rib/r1/te/n"), "backup"));
	pf_schema_check(d);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

/* Node protection between every pair of routers: many shared node bypasses (the
 * bookkeeping grows while a path's hops are protected), each value valid. */
START_TEST(node_protection_everywhere)
{
	static char names[20][16], texts[20][128];
	ted_t t;
	struct pf_reqs s = { 0 };
	struct plan_stats st;
	json_t *d;
	int n = 0, with_node_backup = 0;

	pf_load_seed(&t, NULL, NULL, NULL);
	for (int a = 1; a <= 5; a++)
		for (int b = 1; b <= 5; b++) {
			if (a == b)
				continue;
			snprintf(names[n], sizeof(names[n]), "r%d-r%d", a, b);
			snprintf(texts[n], sizeof(texts[n]),
				 "{\"from\":\"r%d\",\"to\":\"r%d\",\"protection\":\"node\"}", a, b);
			pf_reqs_add(&s, names[n], texts[n]);
			n++;
		}
	d = plan(&t, &s, NULL, "2026-11-22T07:31:00Z", &st);
	ck_assert_uint_eq(st.up, 20);
	for (int i = 0; i < n; i++) {
		char key[KEYS_MAX];
		const json_t *tv, *b;

		snprintf(key, sizeof(key), "rib/%.2s/te/%.15s", names[i], names[i]);
		tv = pf_get(d, key);
		ck_assert_ptr_nonnull(tv);
		b = json_object_get(tv, "backup");
		/* a head-end node backup skips the first router's segment: it is shorter
		 * than a link backup would be by that segment */
		if (b && json_array_size(json_object_get(tv, "path")) > 2 &&
		    !json_equal(json_object_get(b, "segments"), json_object_get(tv, "segments")))
			with_node_backup++;
	}
	ck_assert_int_gt(with_node_backup, 0);
	pf_schema_check(d);
	json_decref(d);
	pf_reqs_free(&s);
	ted_free(&t);
}
END_TEST

static Suite *plan_suite(void)
{
	Suite *s = suite_create("ctl_plan");
	TCase *tc = tcase_create("plan");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, r1_to_r4_protected);
	tcase_add_test(tc, invalid_requests_disturb_nothing);
	tcase_add_test(tc, priority_placement_and_since);
	tcase_add_test(tc, unprotected_and_shared_bypass);
	tcase_add_test(tc, sticky_paths_and_hold_priority);
	tcase_add_test(tc, reoptimize_to_a_cheaper_path);
	tcase_add_test(tc, make_before_break_waits_for_the_head_end);
	tcase_add_test(tc, node_protection);
	tcase_add_test(tc, node_protection_everywhere);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(plan_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
