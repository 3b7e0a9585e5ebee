/* test_cspf_seed — golden CSPF scenarios on the seed topology.
 *
 * The TED is built from the fixtures in te-controller/testdata/seed/ (decoded-LSP
 * values shaped like schemas/ted-lsp.schema.json and speaker values naming the links,
 * generated from ../shared/topologies/seed.json by gen.py there: TE metrics and delays
 * of the notebook, 1 Gb/s links, red = r1-r2, blue = r3-r4, SRLG 101 on r1-r2, SRLG 200
 * on r2-r4 and r3-r5). Scenarios: r1 -> r4 over r1-r2-r4 (TE 51 + 77 = 128); the next
 * best with r1-r2 excluded or avoided; link bypasses (r1-r3-r2 for r1:et2, SRLG-aware
 * for r2:et2); the IGP tie-break by link name; bandwidth exhaustion through sequential
 * placement ending in "no path" with the bandwidth count; priorities; explicit strict
 * and loose hops; link- and SRLG-diverse pairs; hop and delay bounds; overloaded
 * transit; a one-way link; reasons naming admin groups. */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"

typedef void (*mutate_fn)(const char *lsp_id, json_t *v);

static void load_seed(ted_t *t, mutate_fn mutate)
{
	const char *src = getenv("KVTE_SOURCE_DIR");
	char pat[1024], err[512];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/te-controller/testdata/seed/*.json", src ? src : ".");
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	ted_init(t);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		jx_ctx c;
		json_t *v;
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;

		jx_init(&c, NULL);
		v = jx_load_file(&c, g.gl_pathv[i]);
		ck_assert_msg(v != NULL, "%s", c.err);
		if (strncmp(base, "ted-lsp-", 8) == 0) {
			const char *id = json_string_value(json_object_get(v, "lsp_id"));
			char key[KEYS_LSP_ID_STRLEN];

			snprintf(key, sizeof(key), "%s", id);
			if (mutate)
				mutate(key, v);
			ck_assert_msg(ted_lsp_update(t, key, v, err, sizeof(err)) == 0, "%s", err);
		} else if (strncmp(base, "speaker-", 8) == 0) {
			ck_assert_msg(ted_speaker_update(t, v, err, sizeof(err)) == 0, "%s", err);
		}
		json_decref(v);
	}
	globfree(&g);
	ck_assert_int_eq(ted_commit(t), 0);
	ck_assert_uint_eq(t->n_nodes, 5);
}

static struct admin_groups groups;

static void setup(void)
{
	json_t *v = json_pack("{s:{s:i, s:i, s:i}}", "groups", "red", 0, "blue", 1, "gold", 2);
	char err[128];

	ck_assert_int_eq(validate_admin_groups(v, &groups, err, sizeof(err)), 0);
	json_decref(v);
}

static struct lsp_request req(const char *from, const char *to)
{
	struct lsp_request r;

	memset(&r, 0, sizeof(r));
	snprintf(r.from, sizeof(r.from), "%s", from);
	snprintf(r.to, sizeof(r.to), "%s", to);
	r.setup_priority = 7;
	return r;
}

static void add_ref(struct admin_group_refs *g, const char *name)
{
	snprintf(g->name[g->n++], sizeof(g->name[0]), "%s", name);
}

static void add_hop(struct lsp_request *r, const char *node, enum lsp_hop_type type)
{
	snprintf(r->explicit_hops[r->n_explicit_hops].node, sizeof(r->explicit_hops[0].node),
		 "%s", node);
	r->explicit_hops[r->n_explicit_hops++].type = type;
}

/* Compute and return the node path ("r1-r2-r4") or the reason. */
static const char *run(const ted_t *t, const struct lsp_request *r,
		       const struct cspf_path *diverse, const struct cspf_overlay *ov,
		       struct cspf_result *res)
{
	static char buf[CSPF_REASON_LEN];
	struct cspf_request rq = { .req = r, .diverse = diverse, .overlay = ov };
	struct cspf_ws *ws = cspf_ws_new();
	char err[128];

	ck_assert_int_eq(cspf_groups_resolve(&groups, r, &rq.groups, err, sizeof(err)), 0);
	ck_assert_int_eq(cspf_compute(t, &rq, ws, res), 0);
	cspf_ws_free(ws);
	if (res->found)
		return cspf_path_format_nodes(t, &res->path, buf, sizeof(buf));
	snprintf(buf, sizeof(buf), "%s", res->reason);
	return buf;
}

START_TEST(r1_to_r4_default)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };
	char links[256];

	load_seed(&t, NULL);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r4");
	ck_assert_uint_eq(res.cost, 128);
	ck_assert_uint_eq(res.hops, 2);
	ck_assert_uint_eq(res.delay_us, 125000);
	ck_assert_str_eq(cspf_path_format_links(&t, &res.path, links, sizeof(links)),
			 "r1:et2 r2:et2");
	ck_assert_str_eq(t.nodes[cspf_path_node(&t, &res.path, 0)].name, "r1");
	ck_assert_str_eq(t.nodes[cspf_path_node(&t, &res.path, 2)].name, "r4");
	ck_assert_uint_eq(cspf_path_node(&t, &res.path, 3), TED_NONE);
	/* the reverse direction */
	r = req("r4", "r1");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r4-r2-r1");
	ck_assert_uint_eq(res.cost, 128);
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(r1_r2_excluded_takes_next_best)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, NULL);
	add_ref(&r.exclude, "red");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	ck_assert_uint_eq(res.cost, 245);
	/* avoid_links by either end does the same */
	r = req("r1", "r4");
	ck_assert_int_eq(keys_link_parse("r2:et1", &r.avoid_links[r.n_avoid_links++]), 0);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	r = req("r1", "r4");
	ck_assert_int_eq(keys_link_parse("r1:et2", &r.avoid_links[r.n_avoid_links++]), 0);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	/* avoiding r2 as a node, and SRLG 101 */
	r = req("r1", "r4");
	snprintf(r.avoid_nodes[r.n_avoid_nodes++], sizeof(r.avoid_nodes[0]), "r2");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	r = req("r1", "r4");
	r.avoid_srlgs[r.n_avoid_srlgs++] = 101;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	/* include-any red forces r1-r2 out of r1 but nothing else is red */
	r = req("r1", "r2");
	add_ref(&r.include_any, "red");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(bypasses)
{
	ted_t t;
	struct cspf_result res = { 0 };
	struct cspf_ws *ws = cspf_ws_new();
	char buf[128];

	load_seed(&t, NULL);
	ck_assert_int_eq(cspf_bypass(&t, ted_link_find(&t, "r1:et2"), ws, &res), 0);
	ck_assert(res.found);
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res.path, buf, sizeof(buf)), "r1-r3-r2");
	ck_assert_uint_eq(res.cost, 155 + 91);
	/* r2 -> r4 shares SRLG 200 with r3-r5: the bypass must not use r3-r5 */
	ck_assert_int_eq(cspf_bypass(&t, ted_link_find(&t, "r2:et2"), ws, &res), 0);
	ck_assert(res.found);
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res.path, buf, sizeof(buf)), "r2-r3-r4");
	ck_assert_uint_eq(res.cost, 391);
	ck_assert_int_eq(cspf_bypass(&t, TED_NONE, ws, &res), -EINVAL);
	/* node protection of r2 on r1-r2-r4: r1 to r4 without entering r2 */
	ck_assert_int_eq(cspf_node_bypass(&t, ted_link_find(&t, "r1:et2"),
					  ted_link_find(&t, "r2:et2"), ws, &res), 0);
	ck_assert(res.found);
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res.path, buf, sizeof(buf)), "r1-r3-r5-r4");
	/* out_link must leave in_link's tail and not return to the PLR */
	ck_assert_int_eq(cspf_node_bypass(&t, ted_link_find(&t, "r1:et2"),
					  ted_link_find(&t, "r1:et3"), ws, &res), -EINVAL);
	cspf_ws_free(ws);
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(igp_and_delay_metrics)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, NULL);
	/* every IGP metric is 10: r1-r2-r4 and r1-r3-r4 tie at 20 and 2 hops; r1:et2 < r1:et3 */
	r.metric = LSP_METRIC_IGP;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r4");
	ck_assert_uint_eq(res.cost, 20);
	r = req("r4", "r1");
	r.metric = LSP_METRIC_IGP;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r4-r2-r1"); /* r4:et1 < r4:et3 */
	r = req("r1", "r5");
	r.metric = LSP_METRIC_DELAY;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r4-r5"); /* 155 ms < 170 ms */
	ck_assert_uint_eq(res.cost, 155000);
	ck_assert_uint_eq(res.delay_us, 155000);
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(bandwidth_exhaustion)
{
	ted_t t;
	struct lsp_request r[5];
	struct cspf_place_item items[5];
	struct cspf_result res[5];
	struct cspf_overlay ov;
	struct cspf_ws *ws = cspf_ws_new();
	uint32_t order[5];
	char names[5][8], buf[128];

	load_seed(&t, NULL);
	ck_assert_int_eq(cspf_overlay_init(&ov, &t), 0);
	memset(items, 0, sizeof(items));
	memset(res, 0, sizeof(res));
	for (int i = 0; i < 5; i++) {
		r[i] = req("r1", "r4");
		r[i].bandwidth_bps = 400000000;
		r[i].setup_priority = 4;
		r[i].hold_priority = 4;
		snprintf(names[i], sizeof(names[i]), "lsp%d", 4 - i); /* placed by name */
		items[i].name = names[i];
		items[i].req = &r[i];
	}
	ck_assert_int_eq(cspf_place(&t, items, 5, &ov, ws, res, order), 4);
	ck_assert_uint_eq(order[0], 4); /* lsp0 */
	ck_assert_uint_eq(order[4], 0); /* lsp4 */
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res[4].path, buf, sizeof(buf)), "r1-r2-r4");
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res[3].path, buf, sizeof(buf)), "r1-r2-r4");
	/* r1-r2 has 200M left: the third reroutes */
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res[2].path, buf, sizeof(buf)),
			 "r1-r3-r5-r4");
	ck_assert_str_eq(cspf_path_format_nodes(&t, &res[1].path, buf, sizeof(buf)),
			 "r1-r3-r5-r4");
	ck_assert(!res[0].found);
	ck_assert_str_eq(res[0].reason, "no path from r1 to r4: 5 links pruned for bandwidth");
	ck_assert_uint_eq(res[0].pruned.links[CSPF_PRUNE_BANDWIDTH], 5);
	ck_assert(cspf_available(&t, &ov, ted_link_find(&t, "r1:et2"), 4) == 200e6);
	ck_assert(cspf_available(&t, &ov, ted_link_find(&t, "r1:et2"), 3) == 1e9);
	/* a better setup priority may take what priority 4 holds */
	struct lsp_request hi = req("r1", "r4");
	struct cspf_result one = { 0 };

	hi.bandwidth_bps = 400000000;
	hi.setup_priority = 3;
	ck_assert_str_eq(run(&t, &hi, NULL, &ov, &one), "r1-r2-r4");
	/* releasing one LSP makes room again */
	ck_assert_int_eq(cspf_overlay_release(&ov, &res[4].path, 400e6, 4), 0);
	hi.setup_priority = 7;
	ck_assert_str_eq(run(&t, &hi, NULL, &ov, &one), "r1-r2-r4");
	ck_assert_int_eq(cspf_overlay_reserve(&ov, &res[4].path, 1, 8), -EINVAL);
	/* placement order: priority, then bandwidth (largest first), then name */
	struct lsp_request o[4] = { req("r1", "r4"), req("r1", "r4"), req("r1", "r4"),
				    req("r1", "r4") };
	struct cspf_place_item oi[4] = { { .name = "b", .req = &o[0] }, { .name = "a", .req = &o[1] },
					 { .name = "c", .req = &o[2] }, { .name = "d", .req = &o[3] } };

	o[0].bandwidth_bps = o[1].bandwidth_bps = 10;
	o[2].bandwidth_bps = 20;
	o[3].setup_priority = 0;
	cspf_place_order(oi, 4, order);
	ck_assert_uint_eq(order[0], 3);
	ck_assert_uint_eq(order[1], 2);
	ck_assert_uint_eq(order[2], 1);
	ck_assert_uint_eq(order[3], 0);
	for (int i = 0; i < 5; i++)
		cspf_result_free(&res[i]);
	cspf_result_free(&one);
	cspf_overlay_free(&ov);
	cspf_ws_free(ws);
	ted_free(&t);
}
END_TEST

START_TEST(explicit_hops)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, NULL);
	add_hop(&r, "r3", LSP_HOP_STRICT);
	add_hop(&r, "r2", LSP_HOP_STRICT);
	add_hop(&r, "r4", LSP_HOP_STRICT);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r2-r4");
	ck_assert_uint_eq(res.cost, 155 + 91 + 77);
	/* loose via r5: r1-r2-r3-r5 (197) beats r1-r3-r5 (210), then r5-r4 */
	r = req("r1", "r4");
	add_hop(&r, "r5", LSP_HOP_LOOSE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r3-r5-r4");
	ck_assert_uint_eq(res.cost, 232);
	/* strict to a non-neighbour */
	r = req("r1", "r4");
	add_hop(&r, "r5", LSP_HOP_STRICT);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r5 (segment 1, strict): 1 node already on the path "
			 "or later explicit hops; none within 1 hop");
	ck_assert_uint_eq(res.segment, 1);
	/* a later segment may not come back through an earlier one's nodes */
	r = req("r1", "r4");
	add_hop(&r, "r2", LSP_HOP_STRICT);
	add_hop(&r, "r3", LSP_HOP_LOOSE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r3-r5-r4");
	/* unknown and repeated hops */
	r = req("r1", "r4");
	add_hop(&r, "r9", LSP_HOP_LOOSE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path: explicit hop r9 is not in the TED");
	r = req("r1", "r4");
	add_hop(&r, "r2", LSP_HOP_LOOSE);
	add_hop(&r, "r2", LSP_HOP_LOOSE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "no path: explicit hops visit r2 twice");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

static int path_append(struct cspf_path *dst, const struct cspf_path *src)
{
	uint32_t *l = realloc(dst->links, (dst->n + src->n) * sizeof(uint32_t));

	if (!l)
		return -ENOMEM;
	memcpy(l + dst->n, src->links, src->n * sizeof(uint32_t));
	dst->links = l;
	dst->n += src->n;
	dst->cap = dst->n;
	return 0;
}

START_TEST(diverse_pairs)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result primary = { 0 }, res = { 0 };

	load_seed(&t, NULL);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &primary), "r1-r2-r4");
	r.has_diverse_from = true;
	r.diversity = LSP_DIVERSE_LINK;
	ck_assert_str_eq(run(&t, &r, &primary.path, NULL, &res), "r1-r3-r5-r4");
	ck_assert_uint_eq(res.cost, 245);
	/* r2-r4 and r3-r5 share SRLG 200 */
	r.diversity = LSP_DIVERSE_SRLG;
	ck_assert_str_eq(run(&t, &r, &primary.path, NULL, &res), "r1-r3-r4");
	ck_assert_uint_eq(res.cost, 455);
	/* SRLG-diverse from r1-r2-r4 from r2 to r5: not r2-r3-r5 (SRLG 200) */
	r = req("r2", "r5");
	r.has_diverse_from = true;
	r.diversity = LSP_DIVERSE_SRLG;
	ck_assert_str_eq(run(&t, &r, &primary.path, NULL, &res), "r2-r3-r4-r5");
	/* and nothing is left that is diverse from both paths */
	struct cspf_path both = { 0 };

	ck_assert_int_eq(cspf_path_copy(&both, &primary.path), 0);
	ck_assert_int_eq(cspf_path_copy(&primary.path, &res.path), 0);
	r = req("r1", "r4");
	r.has_diverse_from = true;
	r.diversity = LSP_DIVERSE_SRLG;
	ck_assert_str_eq(run(&t, &r, &both, NULL, &res), "r1-r3-r4");
	ck_assert_int_eq(path_append(&both, &res.path), 0);
	r = req("r2", "r5");
	r.has_diverse_from = true;
	r.diversity = LSP_DIVERSE_SRLG;
	ck_assert_str_eq(run(&t, &r, &both, NULL, &res),
			 "no path from r2 to r5: 10 links pruned for diverse_from");
	ck_assert_uint_eq(res.pruned.links[CSPF_PRUNE_DIVERSE], 10);
	cspf_path_free(&both);
	cspf_result_free(&primary);
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(hop_and_delay_bounds)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, NULL);
	add_ref(&r.exclude, "red");
	r.max_hops = 2;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r4");
	ck_assert_uint_eq(res.cost, 455);
	r.max_hops = 0;
	r.max_delay_us = 150000;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r4: 2 links pruned for admin group exclude red; none "
			 "within 150000 us delay");
	r = req("r1", "r4");
	r.max_delay_us = 124999;
	ck_assert(!res.found);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r4: none within 124999 us delay");
	r.max_delay_us = 125000;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r4");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

START_TEST(reasons_name_groups)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };
	struct cspf_groups g;
	char err[128];

	load_seed(&t, NULL);
	add_ref(&r.include_all, "blue");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r4: 12 links pruned for admin group include-all blue");
	ck_assert_uint_eq(res.pruned.links[CSPF_PRUNE_INCLUDE_ALL], 12);
	r = req("r1", "r4");
	add_ref(&r.exclude, "red");
	add_ref(&r.exclude, "gold");
	snprintf(r.avoid_nodes[r.n_avoid_nodes++], sizeof(r.avoid_nodes[0]), "r3");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r4: 2 links pruned for admin group exclude red; 1 node "
			 "avoided");
	r = req("r1", "r9");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "no path: tail-end r9 is not in the TED");
	r = req("r1", "r4");
	add_ref(&r.exclude, "pink");
	ck_assert_int_eq(cspf_groups_resolve(&groups, &r, &g, err, sizeof(err)), -ENOENT);
	ck_assert_str_eq(err, "exclude: unknown admin group \"pink\"");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

static void overload_r2(const char *lsp_id, json_t *v)
{
	if (strcmp(lsp_id, "1921.6805.0002.00-00") == 0)
		json_object_set_new(json_object_get(v, "flags"), "overload", json_true());
}

START_TEST(overloaded_not_transit)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, overload_r2);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r3-r5-r4");
	r = req("r1", "r2"); /* as the tail it is fine */
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2");
	r = req("r2", "r4"); /* and as the head */
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r2-r4");
	r = req("r1", "r4");
	add_hop(&r, "r2", LSP_HOP_LOOSE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path: explicit hop r2 is overloaded");
	r = req("r1", "r4");
	snprintf(r.avoid_nodes[r.n_avoid_nodes++], sizeof(r.avoid_nodes[0]), "r3");
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r1 to r4: 1 overloaded node not used as transit; 1 node "
			 "avoided");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

static void one_way_r2_r4(const char *lsp_id, json_t *v)
{
	json_t *reach = json_object_get(v, "is_reach"), *e;
	size_t i;

	if (strcmp(lsp_id, "1921.6805.0004.00-00") != 0)
		return;
	json_array_foreach(reach, i, e) {
		if (strcmp(json_string_value(json_object_get(e, "neighbor")), "1921.6805.0002.00") ==
		    0) {
			json_array_remove(reach, i);
			return;
		}
	}
}

START_TEST(one_way_link_ignored)
{
	ted_t t;
	struct lsp_request r = req("r1", "r4");
	struct cspf_result res = { 0 };

	load_seed(&t, one_way_r2_r4);
	ck_assert_uint_eq(t.n_one_way, 1);
	ck_assert_uint_eq(ted_link_find(&t, "r2:et2"), TED_NONE);
	ck_assert_uint_eq(ted_link_find(&t, "r4:et1"), TED_NONE);
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res), "r1-r2-r3-r5-r4");
	ck_assert_uint_eq(res.cost, 232);
	r = req("r2", "r4");
	r.max_hops = 1;
	ck_assert_str_eq(run(&t, &r, NULL, NULL, &res),
			 "no path from r2 to r4: none within 1 hop (1 one-way link ignored)");
	cspf_result_free(&res);
	ted_free(&t);
}
END_TEST

static Suite *seed_suite(void)
{
	Suite *s = suite_create("cspf_seed");
	TCase *tc = tcase_create("seed");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, r1_to_r4_default);
	tcase_add_test(tc, r1_r2_excluded_takes_next_best);
	tcase_add_test(tc, bypasses);
	tcase_add_test(tc, igp_and_delay_metrics);
	tcase_add_test(tc, bandwidth_exhaustion);
	tcase_add_test(tc, explicit_hops);
	tcase_add_test(tc, diverse_pairs);
	tcase_add_test(tc, hop_and_delay_bounds);
	tcase_add_test(tc, reasons_name_groups);
	tcase_add_test(tc, overloaded_not_transit);
	tcase_add_test(tc, one_way_link_ignored);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(seed_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
