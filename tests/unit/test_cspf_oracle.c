/* test_cspf_oracle — te-controller/cspf.c against a brute-force oracle.
 *
 * Thousands of random small TEDs (5-9 routers, parallel links, one-way entries,
 * overloaded nodes, random TE/IGP metrics and delays including zeros so ties are
 * common, random unreserved bandwidth per priority, admin groups and SRLGs), built
 * through the real path (decoded-LSP JSON values into te-controller/ted.c, interface
 * names from speaker values), and random requests (metric, bandwidth and priorities
 * against a random reservation overlay, include-any/all, exclude, avoid nodes, links
 * and SRLGs, max hops, max delay, strict and loose explicit hops, link- or SRLG-diverse
 * from a random link set). The oracle enumerates every simple path of every segment
 * with the documented semantics (cspf.h) and keeps the best by (cost, hops, link
 * ranks): CSPF must find a path exactly when the oracle does, with the same cost,
 * hops, delay and the same links. Deterministic seed; a mismatch prints the case. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"

#define MAXN 9
#define GRAPHS 5000
#define REQS_PER_GRAPH 4

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return n ? (uint32_t)(rng_state % n) : 0;
}

static bool chance(unsigned pct)
{
	return rnd(100) < pct;
}

/* ---- random TED -------------------------------------------------------------------- */

static json_t *reach_entry(int to, int cable, bool side_a)
{
	static const double bws[] = { 0, 50, 100, 150, 200, 400 };
	json_t *e = json_object(), *un = json_array(), *srl = json_array();
	char a[32], b[32], nb[32];
	double base = bws[rnd(6)];

	snprintf(nb, sizeof(nb), "0000.0000.%04x.00", to + 1);
	snprintf(a, sizeof(a), "10.%d.%d.%d", cable / 200, cable % 200, side_a ? 1 : 2);
	snprintf(b, sizeof(b), "10.%d.%d.%d", cable / 200, cable % 200, side_a ? 2 : 1);
	json_object_set_new(e, "neighbor", json_string(nb));
	json_object_set_new(e, "metric", json_integer(rnd(10)));
	if (!chance(10))
		json_object_set_new(e, "te_metric", json_integer(rnd(10)));
	json_object_set_new(e, "delay_us", json_integer(rnd(10)));
	json_object_set_new(e, "admin_group", json_integer(rnd(8)));
	json_object_set_new(e, "local_address", json_string(a));
	json_object_set_new(e, "remote_address", json_string(b));
	for (int p = 0; p < 8; p++)
		json_array_append_new(un, json_real(chance(70) ? base : bws[rnd(6)]));
	json_object_set_new(e, "unreserved_bandwidth", un);
	for (int s = 1; s <= 3; s++)
		if (chance(25))
			json_array_append_new(srl, json_integer(s));
	if (json_array_size(srl))
		json_object_set_new(e, "srlgs", srl);
	else
		json_decref(srl);
	return e;
}

struct graph {
	int n;
	bool overload[MAXN];
	char desc[8192];
};

static void build_ted(ted_t *t, struct graph *g)
{
	json_t *lsp[MAXN], *reach[MAXN], *adj[MAXN];
	int n_if[MAXN] = { 0 }, cable = 0;
	char err[512];
	size_t o = 0;

	g->n = 5 + (int)rnd(5);
	for (int i = 0; i < g->n; i++) {
		char id[32], host[16];

		g->overload[i] = chance(10);
		snprintf(id, sizeof(id), "0000.0000.%04x.00-00", i + 1);
		snprintf(host, sizeof(host), "n%d", i);
		lsp[i] = json_pack("{s:s, s:i, s:i, s:s, s:i, s:{s:b, s:b, s:b}, s:s}", "lsp_id",
				   id, "level", 2, "seq", 1, "checksum", "0x0000",
				   "remaining_lifetime", 1200, "flags", "att", 0, "partition", 0,
				   "overload", g->overload[i], "hostname", host);
		reach[i] = json_array();
		adj[i] = json_array();
	}
	o += (size_t)snprintf(g->desc + o, sizeof(g->desc) - o, "graph n=%d ol=", g->n);
	for (int i = 0; i < g->n; i++)
		if (g->overload[i])
			o += (size_t)snprintf(g->desc + o, sizeof(g->desc) - o, "n%d,", i);
	for (int i = 0; i < g->n; i++) {
		for (int j = i + 1; j < g->n; j++) {
			int k = chance(55) ? (chance(12) ? 2 : 1) : 0;

			for (; k > 0; k--, cable++) {
				char a[32], b[32], ifa[16], ifb[16];

				snprintf(a, sizeof(a), "10.%d.%d.1", cable / 200, cable % 200);
				snprintf(b, sizeof(b), "10.%d.%d.2", cable / 200, cable % 200);
				/* interface names in random order so rank != neighbor order */
				snprintf(ifa, sizeof(ifa), "e%d", (n_if[i]++ * 7 + (int)rnd(3)) % 97);
				snprintf(ifb, sizeof(ifb), "e%d", (n_if[j]++ * 7 + (int)rnd(3)) % 97);
				if (!chance(6))
					json_array_append_new(reach[i], reach_entry(j, cable, true));
				if (!chance(6))
					json_array_append_new(reach[j], reach_entry(i, cable, false));
				json_array_append_new(adj[i], json_pack("{s:s, s:s, s:s}", "interface", ifa,
									"state", "up", "local_address", a));
				json_array_append_new(adj[j], json_pack("{s:s, s:s, s:s}", "interface", ifb,
									"state", "up", "local_address", b));
			}
		}
	}
	for (int i = 0; i < g->n; i++) {
		char host[16];
		json_t *sp;

		json_object_set_new(lsp[i], "is_reach", reach[i]);
		ck_assert_msg(ted_lsp_update(t, NULL, lsp[i], err, sizeof(err)) == 0, "%s", err);
		snprintf(host, sizeof(host), "n%d", i);
		sp = json_pack("{s:s, s:s, s:s, s:o}", "node", host, "system_id", "0000.0000.0001",
			       "started", "2026-01-01T00:00:00Z", "adjacencies", adj[i]);
		ck_assert_msg(ted_speaker_update(t, sp, err, sizeof(err)) == 0, "%s", err);
		json_decref(sp);
		json_decref(lsp[i]);
	}
	ck_assert_int_eq(ted_commit(t), 0);
}

/* ---- the oracle -------------------------------------------------------------------- */

struct oracle {
	const ted_t *t;
	const struct lsp_request *r;
	const struct cspf_groups *g;
	const struct cspf_path *div;
	const struct cspf_overlay *ov;
	unsigned metric;
	/* per segment */
	uint32_t dst;
	bool strict;
	uint32_t max_hops;  /* 0: none */
	uint64_t max_delay;
	bool forbidden[MAXN];
	/* search */
	uint32_t cur[64], n_cur;
	bool on[MAXN];
	bool have;
	uint64_t best_cost, best_delay;
	uint32_t best[64], n_best;
};

static bool name_avoided(const struct oracle *o, const char *name)
{
	char buf[KEYS_LINK_STRLEN];

	if (!name[0])
		return false;
	for (size_t i = 0; i < o->r->n_avoid_links; i++) {
		keys_link_format(&o->r->avoid_links[i], buf, sizeof(buf));
		if (strcmp(buf, name) == 0)
			return true;
	}
	return false;
}

static bool shares_srlg(const ted_t *t, uint32_t a, uint32_t b)
{
	const struct ted_link *x = &t->links[a], *y = &t->links[b];

	for (uint32_t i = 0; i < x->n_srlgs; i++)
		for (uint32_t j = 0; j < y->n_srlgs; j++)
			if (t->srlgs[x->srlg_first + i] == t->srlgs[y->srlg_first + j])
				return true;
	return false;
}

static bool link_ok(const struct oracle *o, uint32_t l)
{
	const ted_t *t = o->t;
	const struct ted_link *k = &t->links[l];
	uint32_t g = k->admin_group;

	if (g & o->g->exclude)
		return false;
	if (o->g->include_any && !(g & o->g->include_any))
		return false;
	if ((g & o->g->include_all) != o->g->include_all)
		return false;
	if (name_avoided(o, k->name) || name_avoided(o, t->links[k->reverse].name))
		return false;
	for (uint32_t i = 0; i < k->n_srlgs; i++)
		for (size_t j = 0; j < o->r->n_avoid_srlgs; j++)
			if (t->srlgs[k->srlg_first + i] == o->r->avoid_srlgs[j])
				return false;
	for (uint32_t i = 0; o->div && i < o->div->n; i++) {
		uint32_t d = o->div->links[i];

		if (d == l || t->links[d].reverse == l)
			return false;
		if (o->r->diversity == LSP_DIVERSE_SRLG && shares_srlg(t, d, l))
			return false;
	}
	if (o->r->bandwidth_bps) {
		double av = k->unrsv[o->r->setup_priority];

		if (o->ov)
			av -= o->ov->cum[(size_t)l * 8 + o->r->setup_priority];
		if (av < (double)o->r->bandwidth_bps)
			return false;
	}
	return true;
}

static bool transit_ok(const struct oracle *o, uint32_t v)
{
	if (o->t->nodes[v].overload)
		return false;
	for (size_t i = 0; i < o->r->n_avoid_nodes; i++)
		if (strcmp(o->r->avoid_nodes[i], o->t->nodes[v].name) == 0)
			return false;
	return true;
}

static bool seq_less(const uint32_t *a, const uint32_t *b, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return a[i] < b[i];
	return false;
}

static void dfs(struct oracle *o, uint32_t u, uint64_t cost, uint64_t delay)
{
	const ted_t *t = o->t;

	if (u == o->dst) {
		bool better = !o->have || cost < o->best_cost ||
			      (cost == o->best_cost && o->n_cur < o->n_best);

		if (!better && cost == o->best_cost && o->n_cur == o->n_best)
			better = seq_less(o->cur, o->best, o->n_cur);
		if (better) {
			o->have = true;
			o->best_cost = cost;
			o->best_delay = delay;
			o->n_best = o->n_cur;
			memcpy(o->best, o->cur, o->n_cur * sizeof(uint32_t));
		}
		return;
	}
	if (o->max_hops && o->n_cur >= o->max_hops)
		return;
	for (uint32_t i = 0; i < t->nodes[u].out_count; i++) {
		uint32_t l = t->nodes[u].out_first + i, v = t->links[l].to;
		const struct ted_arc *a = &t->arcs[l];

		if (o->on[v] || !link_ok(o, l))
			continue;
		if (v != o->dst && (o->forbidden[v] || !transit_ok(o, v)))
			continue;
		if (delay + a->metric[TED_METRIC_DELAY] > o->max_delay)
			continue;
		o->on[v] = true;
		o->cur[o->n_cur++] = l;
		dfs(o, v, cost + a->metric[o->metric], delay + a->metric[TED_METRIC_DELAY]);
		o->n_cur--;
		o->on[v] = false;
	}
}

struct answer {
	bool found;
	uint64_t cost, delay;
	uint32_t links[64], n;
};

static void oracle_run(struct oracle *o, struct answer *ans)
{
	const ted_t *t = o->t;
	const struct lsp_request *r = o->r;
	uint32_t wp[LSP_MAX_HOPS + 2], n_wp = 0, hops_used = 0;
	bool strict[LSP_MAX_HOPS + 2] = { false };
	bool used[MAXN] = { false };
	uint64_t delay_used = 0;

	memset(ans, 0, sizeof(*ans));
	wp[n_wp++] = ted_node_find(t, r->from);
	for (size_t i = 0; i < r->n_explicit_hops; i++) {
		wp[n_wp] = ted_node_find(t, r->explicit_hops[i].node);
		strict[n_wp++] = r->explicit_hops[i].type == LSP_HOP_STRICT;
	}
	if (n_wp == 1 || wp[n_wp - 1] != ted_node_find(t, r->to))
		wp[n_wp++] = ted_node_find(t, r->to);
	for (uint32_t i = 0; i < n_wp; i++)
		for (uint32_t j = i + 1; j < n_wp; j++)
			if (wp[i] == wp[j])
				return;
	for (uint32_t i = 1; i + 1 < n_wp; i++)
		if (!transit_ok(o, wp[i]))
			return;
	used[wp[0]] = true;
	for (uint32_t i = 1; i < n_wp; i++) {
		uint32_t budget_h = 0;

		if (r->max_hops) {
			if (hops_used >= r->max_hops)
				return;
			budget_h = r->max_hops - hops_used;
		}
		memset(o->forbidden, 0, sizeof(o->forbidden));
		for (uint32_t v = 0; v < t->n_nodes; v++)
			o->forbidden[v] = used[v];
		for (uint32_t j = i + 1; j < n_wp; j++)
			o->forbidden[wp[j]] = true;
		memset(o->on, 0, sizeof(o->on));
		o->on[wp[i - 1]] = true;
		o->dst = wp[i];
		o->max_hops = strict[i] ? 1 : budget_h;
		o->max_delay = r->max_delay_us ? r->max_delay_us - delay_used : UINT64_MAX;
		o->have = false;
		o->n_cur = 0;
		dfs(o, wp[i - 1], 0, 0);
		if (!o->have)
			return;
		memcpy(ans->links + ans->n, o->best, o->n_best * sizeof(uint32_t));
		ans->n += o->n_best;
		ans->cost += o->best_cost;
		ans->delay += o->best_delay;
		delay_used += o->best_delay;
		hops_used += o->n_best;
		for (uint32_t k = 0; k < o->n_best; k++)
			used[t->links[o->best[k]].to] = true;
	}
	ans->found = true;
}

/* ---- random requests --------------------------------------------------------------- */

static const char *const GROUP_NAMES[3] = { "g0", "g1", "g2" };

static void add_group(struct admin_group_refs *refs, int bit)
{
	snprintf(refs->name[refs->n++], sizeof(refs->name[0]), "%s", GROUP_NAMES[bit]);
}

static void random_request(const ted_t *t, const struct graph *g, struct lsp_request *r)
{
	memset(r, 0, sizeof(*r));
	uint32_t from = rnd((uint32_t)g->n), to = rnd((uint32_t)g->n - 1);

	if (to >= from)
		to++;
	snprintf(r->from, sizeof(r->from), "n%u", from);
	snprintf(r->to, sizeof(r->to), "n%u", to);
	r->metric = (enum lsp_metric)rnd(3);
	r->setup_priority = (uint8_t)rnd(8);
	r->hold_priority = (uint8_t)rnd(r->setup_priority + 1u);
	r->bandwidth_bps = chance(50) ? (uint64_t)(25 * (1 + rnd(6))) : 0;
	if (chance(15)) {
		add_group(&r->include_any, (int)rnd(3));
		if (chance(50))
			add_group(&r->include_any, (int)(r->include_any.name[0][1] - '0' + 1) % 3);
	}
	if (chance(10))
		add_group(&r->include_all, (int)rnd(3));
	if (chance(20))
		add_group(&r->exclude, (int)rnd(3));
	if (chance(15))
		snprintf(r->avoid_nodes[r->n_avoid_nodes++], sizeof(r->avoid_nodes[0]), "n%u",
			 rnd((uint32_t)g->n));
	if (chance(15) && t->n_links) {
		uint32_t l = rnd(t->n_links);

		if (t->links[l].name[0])
			ck_assert_int_eq(keys_link_parse(t->links[l].name,
							 &r->avoid_links[r->n_avoid_links++]), 0);
	}
	if (chance(15))
		r->avoid_srlgs[r->n_avoid_srlgs++] = 1 + rnd(3);
	if (chance(30))
		r->max_hops = 1 + rnd(5);
	if (chance(30))
		r->max_delay_us = 5 + rnd(30);
	if (chance(25)) {
		uint32_t k = 1 + rnd(2);

		for (uint32_t i = 0; i < k; i++) {
			struct lsp_hop *h = &r->explicit_hops[r->n_explicit_hops++];

			snprintf(h->node, sizeof(h->node), "n%u", rnd((uint32_t)g->n));
			h->type = chance(50) ? LSP_HOP_STRICT : LSP_HOP_LOOSE;
		}
	}
	r->diversity = chance(50) ? LSP_DIVERSE_SRLG : LSP_DIVERSE_LINK;
}

static void describe(const ted_t *t, const struct graph *g, const struct lsp_request *r,
		     const struct cspf_groups *gr, const struct cspf_path *div, unsigned iter,
		     unsigned k)
{
	char *dump = ted_dump_string(t);

	fprintf(stderr, "=== mismatch: graph %u request %u (%s)\n%s", iter, k, g->desc,
		dump ? dump : "");
	free(dump);
	fprintf(stderr,
		"request %s->%s metric=%d bw=%llu setup=%u hold=%u any=0x%x all=0x%x excl=0x%x "
		"max_hops=%u max_delay=%u",
		r->from, r->to, (int)r->metric, (unsigned long long)r->bandwidth_bps,
		r->setup_priority, r->hold_priority, gr->include_any, gr->include_all,
		gr->exclude, r->max_hops, r->max_delay_us);
	for (size_t i = 0; i < r->n_avoid_nodes; i++)
		fprintf(stderr, " avoid_node=%s", r->avoid_nodes[i]);
	for (size_t i = 0; i < r->n_avoid_links; i++)
		fprintf(stderr, " avoid_link=%s:%s", r->avoid_links[i].node,
			r->avoid_links[i].ifname);
	for (size_t i = 0; i < r->n_avoid_srlgs; i++)
		fprintf(stderr, " avoid_srlg=%u", r->avoid_srlgs[i]);
	for (size_t i = 0; i < r->n_explicit_hops; i++)
		fprintf(stderr, " hop=%s/%s", r->explicit_hops[i].node,
			r->explicit_hops[i].type == LSP_HOP_STRICT ? "strict" : "loose");
	if (div) {
		fprintf(stderr, " diverse(%s)=", r->diversity == LSP_DIVERSE_SRLG ? "srlg" : "link");
		for (uint32_t i = 0; i < div->n; i++)
			fprintf(stderr, "%u,", div->links[i]);
	}
	fprintf(stderr, "\n");
}

static unsigned n_found, n_none, n_cases, n_label_cases, n_bound_decisive, n_explicit_found;

START_TEST(cspf_matches_oracle)
{
	struct admin_groups groups;
	json_t *gv = json_pack("{s:{s:i, s:i, s:i}}", "groups", "g0", 0, "g1", 1, "g2", 2);
	char err[256];
	struct cspf_ws *ws = cspf_ws_new();

	ck_assert_ptr_nonnull(ws);
	ck_assert_int_eq(validate_admin_groups(gv, &groups, err, sizeof(err)), 0);
	json_decref(gv);
	rng_state = 0x9e3779b97f4a7c15ULL;
	for (unsigned iter = 0; iter < GRAPHS; iter++) {
		ted_t t;
		struct graph g;
		struct cspf_overlay ov;

		ted_init(&t);
		build_ted(&t, &g);
		ck_assert_int_eq(cspf_overlay_init(&ov, &t), 0);
		for (uint32_t l = 0; l < t.n_links; l++) {
			if (chance(20)) {
				struct cspf_path one = { .n = 1, .cap = 1, .links = &l };

				ck_assert_int_eq(cspf_overlay_reserve(&ov, &one, 25.0 * (1 + rnd(4)),
								      rnd(8)), 0);
			}
		}
		for (unsigned k = 0; k < REQS_PER_GRAPH; k++) {
			struct lsp_request r;
			struct cspf_request rq;
			struct cspf_result res;
			struct answer ans;
			struct oracle o;
			uint32_t dl[3];
			struct cspf_path div = { .n = 0, .cap = 3, .links = dl };
			bool use_ov = chance(50);

			random_request(&t, &g, &r);
			if (chance(15) && t.n_links)
				for (uint32_t i = 1 + rnd(3); i > 0; i--)
					dl[div.n++] = rnd(t.n_links);
			memset(&rq, 0, sizeof(rq));
			rq.req = &r;
			ck_assert_int_eq(cspf_groups_resolve(&groups, &r, &rq.groups, err, sizeof(err)),
					 0);
			rq.diverse = div.n ? &div : NULL;
			rq.overlay = use_ov ? &ov : NULL;
			if (chance(30)) {
				/* bounds just below the unbounded optimum, where they decide */
				memset(&res, 0, sizeof(res));
				r.max_hops = 0;
				r.max_delay_us = 0;
				ck_assert_int_eq(cspf_compute(&t, &rq, ws, &res), 0);
				if (res.found && res.hops > 1 && chance(50))
					r.max_hops = res.hops - 1;
				else if (res.found && res.delay_us > 1)
					r.max_delay_us = (uint32_t)res.delay_us - 1;
				cspf_result_free(&res);
			}
			memset(&res, 0, sizeof(res));
			ck_assert_int_eq(cspf_compute(&t, &rq, ws, &res), 0);

			memset(&o, 0, sizeof(o));
			o.t = &t;
			o.r = &r;
			o.g = &rq.groups;
			o.div = rq.diverse;
			o.ov = rq.overlay;
			o.metric = r.metric == LSP_METRIC_IGP ? TED_METRIC_IGP :
				   r.metric == LSP_METRIC_DELAY ? TED_METRIC_DELAY : TED_METRIC_TE;
			oracle_run(&o, &ans);

			bool same = res.found == ans.found;

			if (same && ans.found) {
				same = res.cost == ans.cost && res.hops == ans.n &&
				       res.delay_us == ans.delay && res.path.n == ans.n &&
				       memcmp(res.path.links, ans.links, ans.n * sizeof(uint32_t)) == 0;
			}
			if (!same) {
				describe(&t, &g, &r, &rq.groups, rq.diverse, iter, k);
				fprintf(stderr, "cspf:   found=%d cost=%llu hops=%u delay=%llu links=",
					res.found, (unsigned long long)res.cost, res.hops,
					(unsigned long long)res.delay_us);
				for (uint32_t i = 0; i < res.path.n; i++)
					fprintf(stderr, "%u,", res.path.links[i]);
				fprintf(stderr, " reason=%s\noracle: found=%d cost=%llu hops=%u delay=%llu links=",
					res.reason, ans.found, (unsigned long long)ans.cost, ans.n,
					(unsigned long long)ans.delay);
				for (uint32_t i = 0; i < ans.n; i++)
					fprintf(stderr, "%u,", ans.links[i]);
				fprintf(stderr, "\n");
			}
			ck_assert_msg(same, "CSPF differs from the oracle (graph %u request %u)", iter,
				      k);
			if (!res.found)
				ck_assert_msg(strncmp(res.reason, "no path", 7) == 0, "reason: %s",
					      res.reason);
			else
				ck_assert_str_eq(res.reason, "");
			n_cases++;
			if (r.max_hops || r.max_delay_us)
				n_label_cases++;
			if (res.found && r.n_explicit_hops)
				n_explicit_found++;
			if (res.found && (r.max_hops || r.max_delay_us)) {
				/* was the bound decisive (the unbounded optimum differs)? */
				struct lsp_request u = r;
				struct cspf_request urq = rq;
				struct cspf_result ures;

				u.max_hops = 0;
				u.max_delay_us = 0;
				urq.req = &u;
				memset(&ures, 0, sizeof(ures));
				ck_assert_int_eq(cspf_compute(&t, &urq, ws, &ures), 0);
				ck_assert(ures.found);
				ck_assert_uint_le(ures.cost, res.cost);
				if (ures.path.n != res.path.n ||
				    memcmp(ures.path.links, res.path.links, res.path.n * 4) != 0)
					n_bound_decisive++;
				cspf_result_free(&ures);
			}
			if (res.found) {
				/* the path found passes cspf_check_path with the same numbers;
				 * avoiding its first link, it does not */
				struct cspf_result chk = { 0 };
				struct lsp_request av = r;
				struct cspf_request arq = rq;

				ck_assert_int_eq(cspf_check_path(&t, &rq, &res.path, ws, &chk), 0);
				ck_assert_msg(chk.found, "check refused a CSPF path: %s", chk.reason);
				ck_assert_uint_eq(chk.cost, res.cost);
				ck_assert_uint_eq(chk.delay_us, res.delay_us);
				ck_assert_uint_eq(chk.hops, res.hops);
				if (t.links[res.path.links[0]].name[0] && av.n_avoid_links < LSP_MAX_AVOID &&
				    keys_link_parse(t.links[res.path.links[0]].name,
						    &av.avoid_links[av.n_avoid_links]) == 0) {
					av.n_avoid_links++;
					arq.req = &av;
					ck_assert_int_eq(cspf_check_path(&t, &arq, &res.path, ws, &chk), 0);
					ck_assert(!chk.found);
					ck_assert_msg(strstr(chk.reason, "avoid_links"), "%s", chk.reason);
				}
				cspf_result_free(&chk);
				n_found++;
			} else {
				n_none++;
			}
			cspf_result_free(&res);
		}
		cspf_overlay_free(&ov);
		ted_free(&t);
	}
	cspf_ws_free(ws);
	fprintf(stderr,
		"oracle: %u requests on %u graphs: %u found, %u no path; %u with hop/delay "
		"bounds (%u where the bound changed the path), %u found with explicit hops\n",
		n_cases, GRAPHS, n_found, n_none, n_label_cases, n_bound_decisive,
		n_explicit_found);
	/* the generator must exercise both outcomes substantially */
	ck_assert_uint_gt(n_found, n_cases / 5);
	ck_assert_uint_gt(n_none, n_cases / 10);
	ck_assert_uint_gt(n_bound_decisive, 250);
	ck_assert_uint_gt(n_explicit_found, 300);
}
END_TEST

static Suite *oracle_suite(void)
{
	Suite *s = suite_create("cspf_oracle");
	TCase *tc = tcase_create("oracle");

	tcase_set_timeout(tc, 110);
	tcase_add_test(tc, cspf_matches_oracle);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(oracle_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
