/* test_ted — Check suite for te-controller/ted.c.
 *
 * Builds the TED of the seed topology from te-controller/testdata/seed/ (decoded-LSP
 * and speaker values) and checks nodes (names, router IDs, locators, End/DT6/DX4 SIDs,
 * overload), links (both ends' addresses, metrics, bandwidths, admin groups, SRLGs,
 * End.X SIDs, names "<node>:<ifname>", reverse pairing) and fragment joining; then
 * incremental add/replace/remove against full rebuilds in other orders (identical
 * dumps), the two-way check (one-way and parallel links), fragment 0 rules, and bad
 * values — schema counter-examples and hand-made ones — each rejected with a specific
 * message while the rest of the TED is unchanged. */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"
#include "te-controller/ted.h"

#define MAXV 16

struct fixture {
	size_t n_lsp, n_spk;
	json_t *lsp[MAXV];
	char id[MAXV][KEYS_LSP_ID_STRLEN];
	json_t *spk[MAXV];
};

static struct fixture F;

static const char *srcdir(void)
{
	const char *s = getenv("KVTE_SOURCE_DIR");

	return s ? s : ".";
}

static void load_fixture(void)
{
	char pat[1024];
	glob_t g;

	memset(&F, 0, sizeof(F));
	snprintf(pat, sizeof(pat), "%s/te-controller/testdata/seed/*.json", srcdir());
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		jx_ctx c;
		json_t *v;

		jx_init(&c, NULL);
		v = jx_load_file(&c, g.gl_pathv[i]);
		ck_assert_msg(v != NULL, "%s", c.err);
		if (strncmp(base, "ted-lsp-", 8) == 0) {
			snprintf(F.id[F.n_lsp], sizeof(F.id[0]), "%s",
				 json_string_value(json_object_get(v, "lsp_id")));
			F.lsp[F.n_lsp++] = v;
		} else {
			F.spk[F.n_spk++] = v;
		}
	}
	globfree(&g);
	ck_assert_uint_eq(F.n_lsp, 6);
	ck_assert_uint_eq(F.n_spk, 5);
}

static void free_fixture(void)
{
	for (size_t i = 0; i < F.n_lsp; i++)
		json_decref(F.lsp[i]);
	for (size_t i = 0; i < F.n_spk; i++)
		json_decref(F.spk[i]);
}

/* Build from the fixture, LSPs in the order given by perm (NULL = file order). */
static void build(ted_t *t, const size_t *perm)
{
	char err[512];

	ted_init(t);
	for (size_t i = 0; i < F.n_spk; i++)
		ck_assert_msg(ted_speaker_update(t, F.spk[i], err, sizeof(err)) == 0, "%s", err);
	for (size_t k = 0; k < F.n_lsp; k++) {
		size_t i = perm ? perm[k] : k;

		ck_assert_msg(ted_lsp_update(t, F.id[i], F.lsp[i], err, sizeof(err)) == 0, "%s",
			      err);
	}
	ck_assert_int_eq(ted_commit(t), 0);
}

static char *dump(const ted_t *t)
{
	char *s = ted_dump_string(t);

	ck_assert_ptr_nonnull(s);
	return s;
}

START_TEST(seed_nodes_and_links)
{
	ted_t t;
	const struct ted_node *n;
	const struct ted_link *l;
	char a[ADDR_STRLEN], p[PREFIX_STRLEN];
	uint32_t r1, r2, li;

	build(&t, NULL);
	ck_assert_uint_eq(t.n_nodes, 5);
	ck_assert_uint_eq(t.n_links, 14);
	ck_assert_uint_eq(t.n_one_way, 0);
	ck_assert_uint_eq(t.n_named_links, 14);
	r1 = ted_node_find(&t, "r1");
	r2 = ted_node_find(&t, "r2");
	ck_assert_uint_eq(r1, 0);
	ck_assert_uint_eq(r2, 1);
	ck_assert_uint_eq(ted_node_find(&t, "ex1"), TED_NONE);
	n = &t.nodes[r1];
	ck_assert_str_eq(addr_format(&n->router_id, a, sizeof(a)), "192.168.50.1");
	ck_assert_str_eq(addr_format(&n->router_id6, a, sizeof(a)), "fc00:0:1::1");
	ck_assert(n->has_locator);
	ck_assert_str_eq(prefix_format(&n->locator, p, sizeof(p)), "fc00:0:1::/48");
	ck_assert_str_eq(addr_format(&n->end_sid, a, sizeof(a)), "fc00:0:1:e000::");
	ck_assert_str_eq(addr_format(&n->dt6_sid, a, sizeof(a)), "fc00:0:1:d6::");
	ck_assert_str_eq(addr_format(&n->dx4_sid, a, sizeof(a)), "fc00:0:1:d4::");
	ck_assert(!n->overload);
	ck_assert_uint_eq(n->out_count, 2);
	/* r3's links come from two fragments */
	ck_assert_uint_eq(t.nodes[ted_node_find(&t, "r3")].out_count, 4);
	li = ted_link_find(&t, "r1:et2");
	ck_assert_uint_ne(li, TED_NONE);
	l = &t.links[li];
	ck_assert_uint_eq(l->from, r1);
	ck_assert_uint_eq(l->to, r2);
	ck_assert_str_eq(t.links[l->reverse].name, "r2:et1");
	ck_assert_uint_eq(t.links[l->reverse].reverse, li);
	ck_assert_str_eq(addr_format(&l->local, a, sizeof(a)), "100.65.0.2");
	ck_assert_str_eq(addr_format(&l->remote, a, sizeof(a)), "100.65.0.3");
	ck_assert_uint_eq(l->igp_metric, 10);
	ck_assert_uint_eq(l->te_metric, 51);
	ck_assert_uint_eq(l->delay_us, 50000);
	ck_assert_uint_eq(l->admin_group, 1);
	ck_assert(l->max_bw == 1e9 && l->max_rsv_bw == 1e9 && l->unrsv[7] == 1e9);
	ck_assert(t.unrsv[li * 8 + 3] == 1e9);
	ck_assert_uint_eq(l->n_srlgs, 1);
	ck_assert_uint_eq(t.srlgs[l->srlg_first], 101);
	ck_assert_uint_eq(l->n_sids, 1);
	ck_assert_str_eq(addr_format(&t.sids[l->sid_first], a, sizeof(a)), "fc00:0:1:e002::");
	ck_assert_uint_eq(t.arcs[li].metric[TED_METRIC_TE], 51);
	ck_assert_uint_eq(t.arcs[li].metric[TED_METRIC_IGP], 10);
	ck_assert_uint_eq(t.arcs[li].metric[TED_METRIC_DELAY], 50000);
	ck_assert_uint_eq(t.arcs[li].to, r2);
	ck_assert_uint_eq(ted_link_between(&t, r1, r2), li);
	ck_assert_uint_eq(ted_link_between(&t, r1, ted_node_find(&t, "r4")), TED_NONE);
	/* a node's links are ordered by name */
	ck_assert_str_eq(t.links[t.nodes[r1].out_first].name, "r1:et2");
	ck_assert_str_eq(t.links[t.nodes[r1].out_first + 1].name, "r1:et3");
	ted_free(&t);
}
END_TEST

START_TEST(rebuild_is_identical)
{
	ted_t full, rev, inc;
	size_t perm[6] = { 5, 4, 3, 2, 1, 0 };
	char *a, *b, *c, err[256];

	build(&full, NULL);
	build(&rev, perm);
	a = dump(&full);
	b = dump(&rev);
	ck_assert_str_eq(a, b);
	/* incrementally: remove r4, commit, replace r1 with itself, re-add r4 */
	build(&inc, NULL);
	ck_assert_int_eq(ted_lsp_remove(&inc, "1921.6805.0004.00-00"), 0);
	ck_assert_int_eq(ted_commit(&inc), 0);
	ck_assert_uint_eq(inc.n_nodes, 4);
	ck_assert_uint_eq(inc.n_links, 8);
	ck_assert_uint_eq(inc.n_one_way, 3); /* r2, r3, r5 still report r4 */
	ck_assert_uint_eq(ted_link_find(&inc, "r2:et2"), TED_NONE);
	ck_assert_int_eq(ted_lsp_remove(&inc, "1921.6805.0004.00-00"), -ENOENT);
	for (size_t i = 0; i < F.n_lsp; i++) {
		if (strcmp(F.id[i], "1921.6805.0001.00-00") == 0 ||
		    strcmp(F.id[i], "1921.6805.0004.00-00") == 0)
			ck_assert_int_eq(ted_lsp_update(&inc, F.id[i], F.lsp[i], err, sizeof(err)), 0);
	}
	ck_assert_int_eq(ted_commit(&inc), 0);
	c = dump(&inc);
	ck_assert_str_eq(a, c);
	/* commit without changes keeps the version */
	uint64_t v = inc.version;

	ck_assert_int_eq(ted_commit(&inc), 0);
	ck_assert_uint_eq(inc.version, v);
	free(a);
	free(b);
	free(c);
	ted_free(&full);
	ted_free(&rev);
	ted_free(&inc);
}
END_TEST

START_TEST(two_way_check)
{
	ted_t t;
	char err[256];
	json_t *v = NULL;
	size_t r4 = 0;

	for (size_t i = 0; i < F.n_lsp; i++)
		if (strcmp(F.id[i], "1921.6805.0004.00-00") == 0)
			r4 = i;
	build(&t, NULL);
	/* r4 stops reporting r2 (its et1 entry is first) */
	v = json_deep_copy(F.lsp[r4]);
	json_array_remove(json_object_get(v, "is_reach"), 0);
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r4], v, err, sizeof(err)), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_links, 12);
	ck_assert_uint_eq(t.n_one_way, 1);
	ck_assert_uint_eq(ted_link_find(&t, "r2:et2"), TED_NONE);
	ck_assert_uint_eq(ted_link_find(&t, "r4:et1"), TED_NONE);
	/* a reverse entry with the wrong addresses does not pair either */
	json_t *e = json_deep_copy(json_array_get(json_object_get(F.lsp[r4], "is_reach"), 0));

	json_object_set_new(e, "remote_address", json_string("100.65.0.99"));
	json_array_append_new(json_object_get(v, "is_reach"), e);
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r4], v, err, sizeof(err)), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_links, 12);
	ck_assert_uint_eq(t.n_one_way, 2);
	/* a second, parallel r2-r4 cable pairs by address */
	json_object_set_new(e, "remote_address", json_string("100.65.0.4"));
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r4], v, err, sizeof(err)), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_links, 14);
	ck_assert_uint_eq(t.n_one_way, 0);
	json_decref(v);
	ted_free(&t);
}
END_TEST

START_TEST(fragment_zero_rules)
{
	ted_t t;
	char err[256];
	size_t r3_0 = 0, r3_1 = 0;

	for (size_t i = 0; i < F.n_lsp; i++) {
		if (strcmp(F.id[i], "1921.6805.0003.00-00") == 0)
			r3_0 = i;
		if (strcmp(F.id[i], "1921.6805.0003.00-01") == 0)
			r3_1 = i;
	}
	build(&t, NULL);
	/* without fragment 0 the system is ignored, fragment 01 included */
	ck_assert_int_eq(ted_lsp_remove(&t, F.id[r3_0]), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(ted_node_find(&t, "r3"), TED_NONE);
	ck_assert_uint_eq(t.n_nodes, 4);
	ck_assert_uint_eq(t.n_links, 6);
	/* the overload bit counts in fragment 0 only */
	json_t *v = json_deep_copy(F.lsp[r3_1]);

	json_object_set_new(json_object_get(v, "flags"), "overload", json_true());
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r3_0], F.lsp[r3_0], err, sizeof(err)), 0);
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r3_1], v, err, sizeof(err)), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert(!t.nodes[ted_node_find(&t, "r3")].overload);
	ck_assert_uint_eq(t.n_overloaded, 0);
	json_decref(v);
	v = json_deep_copy(F.lsp[r3_0]);
	json_object_set_new(json_object_get(v, "flags"), "overload", json_true());
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r3_0], v, err, sizeof(err)), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert(t.nodes[ted_node_find(&t, "r3")].overload);
	ck_assert_uint_eq(t.n_overloaded, 1);
	json_decref(v);
	ted_free(&t);
}
END_TEST

/* A bad r5 must be rejected with `want` in the message and leave r1..r4 intact. */
static void expect_bad(const char *text, const char *want)
{
	ted_t t;
	char err[TED_ERR_LEN], *before, *after;
	size_t r5 = 0;

	for (size_t i = 0; i < F.n_lsp; i++)
		if (strcmp(F.id[i], "1921.6805.0005.00-00") == 0)
			r5 = i;
	build(&t, NULL);
	ck_assert_int_eq(ted_lsp_remove(&t, F.id[r5]), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	before = dump(&t);
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r5], F.lsp[r5], err, sizeof(err)), 0);
	ck_assert_int_eq(ted_lsp_update_text(&t, F.id[r5], text, strlen(text), err, sizeof(err)),
			 -EINVAL);
	ck_assert_msg(strstr(err, want) != NULL, "error \"%s\" lacks \"%s\"", err, want);
	ck_assert_uint_eq(t.n_errors, 1);
	ck_assert_str_eq(t.errors[0].lsp_id, F.id[r5]);
	ck_assert_str_eq(t.errors[0].msg, err);
	ck_assert_int_eq(ted_commit(&t), 0);
	after = dump(&t);
	ck_assert_str_eq(before, after); /* r5 treated as absent, the rest unchanged */
	/* a good value clears the error */
	ck_assert_int_eq(ted_lsp_update(&t, F.id[r5], F.lsp[r5], err, sizeof(err)), 0);
	ck_assert_uint_eq(t.n_errors, 0);
	free(before);
	free(after);
	ted_free(&t);
}

static char *r5_with(const char *field, const char *json_value, bool in_reach)
{
	size_t r5 = 0;
	json_t *v, *x;
	jx_ctx c;
	char *s;

	for (size_t i = 0; i < F.n_lsp; i++)
		if (strcmp(F.id[i], "1921.6805.0005.00-00") == 0)
			r5 = i;
	v = json_deep_copy(F.lsp[r5]);
	jx_init(&c, NULL);
	x = jx_loads(&c, json_value, strlen(json_value));
	if (!x) /* a scalar: wrap it */
		x = json_loads(json_value, JSON_DECODE_ANY, NULL);
	ck_assert_ptr_nonnull(x);
	json_object_set_new(in_reach ? json_array_get(json_object_get(v, "is_reach"), 0) : v,
			    field, x);
	s = json_dumps(v, 0);
	json_decref(v);
	return s;
}

START_TEST(bad_values_isolated)
{
	static const struct {
		const char *field, *value;
		bool in_reach;
		const char *want;
	} cases[] = {
		{ "te_metric", "\"abc\"", true, "is_reach[0].te_metric: expected an integer" },
		{ "delay_us", "16777216", true, "is_reach[0].delay_us" },
		{ "unreserved_bandwidth", "[1,2,3]", true, "expected 8 values" },
		{ "max_bandwidth", "-1", true, "is_reach[0].max_bandwidth" },
		{ "neighbor", "\"1921.6805.0002\"", true, "is_reach[0].neighbor" },
		{ "local_address", "\"fc00::1\"", true, "expected an IPv4 address" },
		{ "srlgs", "[1,\"x\"]", true, "is_reach[0].srlgs[1]" },
		{ "end_x_sids", "[{\"sid\":\"10.0.0.1\",\"behavior\":\"End.X\"}]", true,
		  "end_x_sids[0].sid" },
		{ "seq", "0", false, "seq" },
		{ "lsp_id", "\"1921.6805.0006.00-00\"", false, "differs from the key" },
		{ "flags", "{\"att\":false}", false, "flags.overload: missing" },
		{ "hostname", "\"r/5\"", false, "hostname" },
		{ "is_reach", "{}", false, "is_reach" },
	};
	char msg[64];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *s = r5_with(cases[i].field, cases[i].value, cases[i].in_reach);

		expect_bad(s, cases[i].want);
		free(s);
	}
	expect_bad("{\"lsp_id\":", "1921.6805.0005.00-00");
	expect_bad("[]", "expected an object");
	snprintf(msg, sizeof(msg), "%s", "checksum");
	expect_bad("{\"lsp_id\":\"1921.6805.0005.00-00\",\"level\":2,\"seq\":1,\"checksum\":1}",
		   msg);
}
END_TEST

START_TEST(schema_examples)
{
	static const char *const rejected[] = {
		"invalid-checksum-integer", "invalid-delay-over-24-bits",
		"invalid-end-x-sid-not-ipv6", "invalid-lsp-id-no-fragment",
		"invalid-lsp-id-uppercase", "invalid-missing-flags",
		"invalid-negative-bandwidth", "invalid-neighbor-without-pseudonode",
		"invalid-seq-zero", "invalid-seven-unreserved-priorities",
	};
	static const char *const accepted[] = {
		"valid-r1", "valid-r4-overloaded-with-unknown-tlv", "valid-pseudonode-fragment",
	};
	char path[1024], err[TED_ERR_LEN];
	ted_t t;

	ted_init(&t);
	for (size_t i = 0; i < sizeof(accepted) / sizeof(accepted[0]); i++) {
		jx_ctx c;
		json_t *v;

		snprintf(path, sizeof(path), "%s/schemas/examples/ted-lsp/%s.json", srcdir(),
			 accepted[i]);
		jx_init(&c, NULL);
		v = jx_load_file(&c, path);
		ck_assert_msg(v != NULL, "%s", c.err);
		ck_assert_msg(ted_lsp_update(&t, NULL, v, err, sizeof(err)) == 0, "%s: %s",
			      accepted[i], err);
		json_decref(v);
	}
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_ne(ted_node_find(&t, "r1"), TED_NONE);
	for (size_t i = 0; i < sizeof(rejected) / sizeof(rejected[0]); i++) {
		jx_ctx c;
		json_t *v;

		snprintf(path, sizeof(path), "%s/schemas/examples/ted-lsp/%s.json", srcdir(),
			 rejected[i]);
		jx_init(&c, NULL);
		v = jx_load_file(&c, path);
		ck_assert_msg(v != NULL, "%s", c.err);
		ck_assert_msg(ted_lsp_update(&t, NULL, v, err, sizeof(err)) == -EINVAL,
			      "%s accepted", rejected[i]);
		ck_assert_msg(err[0] != 0, "%s: empty error", rejected[i]);
		json_decref(v);
	}
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_ne(ted_node_find(&t, "r1"), TED_NONE);
	/* NULL and junk never crash */
	ck_assert_int_eq(ted_lsp_update(&t, NULL, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(ted_lsp_update(&t, "nonsense", NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(ted_lsp_remove(&t, "nonsense"), -EINVAL);
	ck_assert_int_eq(ted_speaker_update(&t, NULL, err, sizeof(err)), -EINVAL);
	ck_assert_int_eq(ted_speaker_remove(&t, "r9"), -ENOENT);
	ted_free(&t);
}
END_TEST

START_TEST(speaker_names)
{
	ted_t t;

	build(&t, NULL);
	ck_assert_int_eq(ted_speaker_remove(&t, "r1"), 0);
	ck_assert_int_eq(ted_commit(&t), 0);
	ck_assert_uint_eq(t.n_named_links, 12);
	ck_assert_uint_eq(ted_link_find(&t, "r1:et2"), TED_NONE);
	/* unnamed links sort after named ones and get a label */
	char buf[128];
	uint32_t r1 = ted_node_find(&t, "r1");

	ck_assert_str_eq(ted_link_label(&t, t.nodes[r1].out_first, buf, sizeof(buf)),
			 "r1->r2#100.65.0.2");
	ted_free(&t);
}
END_TEST

static Suite *ted_suite(void)
{
	Suite *s = suite_create("ted");
	TCase *tc = tcase_create("ted");

	tcase_add_checked_fixture(tc, load_fixture, free_fixture);
	tcase_add_test(tc, seed_nodes_and_links);
	tcase_add_test(tc, rebuild_is_identical);
	tcase_add_test(tc, two_way_check);
	tcase_add_test(tc, fragment_zero_rules);
	tcase_add_test(tc, bad_values_isolated);
	tcase_add_test(tc, schema_examples);
	tcase_add_test(tc, speaker_names);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(ted_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
