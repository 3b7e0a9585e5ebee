/* bench_cspf — CSPF placement throughput and a single CSPF against igraph's Dijkstra.
 *
 * DESIGN §12: builds a deterministic synthetic TED of N routers and L bidirectional
 * links (default 1,000 / 4,000: a ring for connectivity plus random chords; TE metric
 * 1..100, delay 100..5,000 µs, 10 Gb/s unreserved at every priority; bench/synth_ted.c,
 * shared with bench_plan) through the real path (decoded-LSP JSON values into
 * te-controller/ted.c), then places R (10,000) bandwidth-constrained requests (random
 * head/tail, 10..200 Mb/s, priorities 0..7) in the controller's order with a
 * reservation overlay, timing each CSPF (mean, p50, p99) and the whole placement, and
 * reports peak RSS. Then a single CSPF (no constraints, TE metric) against igraph's
 * plain Dijkstra (libigraph-dev) on the same directed graph and weights, same sources,
 * in the same run: source-to-target (igraph_get_shortest_path_dijkstra vs
 * cspf_compute) over many pairs, and one-source-to-all (igraph_distances_dijkstra vs
 * cspf_compute toward the node settled last), as ratios. Prints markdown for
 * docs/benchmarks.md (bench/run-cspf.sh). Timings are never pass/fail.
 * Usage: bench_cspf [--nodes N] [--links L] [--lsps R] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#ifdef KVTE_HAVE_IGRAPH
#include <igraph.h>
#endif

#include "bench/synth_ted.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"
#include "bench/bench_clock.h"

static long rss_kb(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
	uint32_t n = 1000, n_cables = 4000, n_lsps = 10000, pairs = 500;
	struct synth_ted syn;
	char err[512] = "";
	struct lsp_request *reqs;
	struct cspf_place_item *items;
	struct cspf_result *res;
	struct cspf_overlay ov;
	struct cspf_ws *ws = cspf_ws_new();
	uint32_t *order;
	double *lat, t0, c0, t_build, t_place, t_place_api, c_place, c_place_api, sum = 0;
	char (*names)[16];
	ted_t t;
	int placed = 0;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--nodes"))
			n = (uint32_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--links"))
			n_cables = (uint32_t)atoi(argv[i + 1]);
		else if (!strcmp(argv[i], "--lsps"))
			n_lsps = (uint32_t)atoi(argv[i + 1]);
	}
	if (n < 3 || n_cables < n || n_lsps == 0) {
		fprintf(stderr, "usage: bench_cspf [--nodes N>=3] [--links L>=N] [--lsps R>0]\n");
		return 2;
	}
	reqs = calloc(n_lsps, sizeof(*reqs));
	items = calloc(n_lsps, sizeof(*items));
	res = calloc(n_lsps, sizeof(*res));
	order = calloc(n_lsps, sizeof(*order));
	lat = calloc(n_lsps, sizeof(*lat));
	names = calloc(n_lsps, sizeof(*names));
	ted_init(&t);
	t0 = bench_now();
	if (synth_ted_make(&syn, n, n_cables, false) < 0 ||
	    synth_ted_load(&syn, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "TED build failed: %s\n", err);
		return 1;
	}
	t_build = bench_now() - t0;
	for (uint32_t i = 0; i < n_lsps; i++) {
		struct lsp_request *r = &reqs[i];
		uint32_t a = synth_rnd(n), b = synth_rnd(n - 1);

		if (b >= a)
			b++;
		snprintf(r->from, sizeof(r->from), "n%u", a);
		snprintf(r->to, sizeof(r->to), "n%u", b);
		r->bandwidth_bps = 10000000ull * (1 + synth_rnd(20));
		r->setup_priority = (uint8_t)synth_rnd(8);
		r->hold_priority = r->setup_priority;
		snprintf(names[i], sizeof(names[i]), "lsp%05u", i);
		items[i].name = names[i];
		items[i].req = r;
	}
	/* placement, each CSPF timed */
	cspf_overlay_init(&ov, &t);
	t0 = bench_now();
	c0 = bench_cpu();
	cspf_place_order(items, n_lsps, order);
	for (uint32_t k = 0; k < n_lsps; k++) {
		uint32_t i = order[k];
		struct cspf_request rq = { .req = items[i].req, .overlay = &ov };
		double s = bench_cpu();

		cspf_compute(&t, &rq, ws, &res[i]);
		if (res[i].found) {
			cspf_overlay_reserve(&ov, &res[i].path, (double)reqs[i].bandwidth_bps,
					     reqs[i].hold_priority);
			placed++;
		}
		lat[k] = bench_cpu() - s;
		sum += lat[k];
	}
	t_place = bench_now() - t0;
	c_place = bench_cpu() - c0;
	/* the same through cspf_place() */
	cspf_overlay_clear(&ov);
	t0 = bench_now();
	c0 = bench_cpu();
	int placed_api = cspf_place(&t, items, n_lsps, &ov, ws, res, order);
	t_place_api = bench_now() - t0;
	c_place_api = bench_cpu() - c0;
	qsort(lat, n_lsps, sizeof(double), bench_cmp_double);

	uint64_t hops = 0;

	for (uint32_t i = 0; i < n_lsps; i++)
		hops += res[i].found ? res[i].hops : 0;
	printf("| metric | value |\n| --- | --- |\n");
	printf("| TED | %u nodes, %u links (%u directed), built from JSON in %.1f ms |\n",
	       t.n_nodes, n_cables, t.n_links, t_build * 1e3);
	printf("| LSPs placed | %d of %u (mean %.1f hops) |\n", placed, n_lsps,
	       placed ? (double)hops / placed : 0.0);
	printf("| placement, timed per CSPF (order + CSPF + reserve), CPU / wall | %.1f / %.1f ms |\n",
	       c_place * 1e3, t_place * 1e3);
	printf("| placement via cspf_place(), CPU / wall | %.1f / %.1f ms (%d placed) |\n",
	       c_place_api * 1e3, t_place_api * 1e3, placed_api);
	printf("| per CSPF mean / p50 / p99 (CPU) | %.1f / %.1f / %.1f us |\n", sum / n_lsps * 1e6,
	       lat[n_lsps / 2] * 1e6, lat[(size_t)(n_lsps * 0.99)] * 1e6);
	printf("| peak RSS | %.1f MiB |\n", (double)rss_kb() / 1024.0);

#ifdef KVTE_HAVE_IGRAPH
	{
		igraph_t g;
		igraph_vector_int_t edges, vpath, epath;
		igraph_vector_t w;
		igraph_matrix_t dist;
		double t_cspf = 0, t_ig = 0, t_cspf_all = 0, t_ig_all = 0;
		struct lsp_request r;
		struct cspf_result one = { 0 };
		uint32_t reps = 20, mismatches = 0;

		igraph_vector_int_init(&edges, (igraph_integer_t)t.n_links * 2);
		igraph_vector_init(&w, t.n_links);
		for (uint32_t l = 0; l < t.n_links; l++) {
			VECTOR(edges)[2 * l] = t.links[l].from;
			VECTOR(edges)[2 * l + 1] = t.links[l].to;
			VECTOR(w)[l] = t.links[l].te_metric;
		}
		igraph_create(&g, &edges, t.n_nodes, IGRAPH_DIRECTED);
		igraph_vector_int_init(&vpath, 0);
		igraph_vector_int_init(&epath, 0);
		igraph_matrix_init(&dist, 1, t.n_nodes);
		for (uint32_t p = 0; p < pairs; p++) {
			uint32_t a = synth_rnd(t.n_nodes), b = synth_rnd(t.n_nodes - 1);
			struct cspf_request rq = { .req = &r };
			double s;

			if (b >= a)
				b++;
			memset(&r, 0, sizeof(r));
			snprintf(r.from, sizeof(r.from), "%s", t.nodes[a].name);
			snprintf(r.to, sizeof(r.to), "%s", t.nodes[b].name);
			r.setup_priority = 7;
			s = bench_cpu();
			for (uint32_t k = 0; k < reps; k++)
				cspf_compute(&t, &rq, ws, &one);
			t_cspf += bench_cpu() - s;
			s = bench_cpu();
			for (uint32_t k = 0; k < reps; k++)
				igraph_get_shortest_path_dijkstra(&g, &vpath, &epath, a, b, &w, IGRAPH_OUT);
			t_ig += bench_cpu() - s;
			/* one source to all: igraph's distances vs CSPF toward the farthest node */
			s = bench_cpu();
			for (uint32_t k = 0; k < reps; k++)
				igraph_distances_dijkstra(&g, &dist, igraph_vss_1(a), igraph_vss_all(), &w,
							  IGRAPH_OUT);
			t_ig_all += bench_cpu() - s;
			uint32_t far = a;
			double fd = -1;

			for (uint32_t v = 0; v < t.n_nodes; v++)
				if (MATRIX(dist, 0, v) > fd) {
					fd = MATRIX(dist, 0, v);
					far = v;
				}
			snprintf(r.to, sizeof(r.to), "%s", t.nodes[far].name);
			s = bench_cpu();
			for (uint32_t k = 0; k < reps; k++)
				cspf_compute(&t, &rq, ws, &one);
			t_cspf_all += bench_cpu() - s;
			if (!one.found || (double)one.cost != fd)
				mismatches++;
		}
		printf("\n| single CSPF vs igraph %s Dijkstra (%u sources x %u runs, CPU time) | kvte | igraph | ratio |\n",
		       IGRAPH_VERSION, pairs, reps);
		printf("| --- | --- | --- | --- |\n");
		printf("| source to target | %.1f us | %.1f us | %.2fx |\n",
		       t_cspf / (pairs * reps) * 1e6, t_ig / (pairs * reps) * 1e6, t_cspf / t_ig);
		printf("| source to all (kvte: to the farthest node) | %.1f us | %.1f us | %.2fx |\n",
		       t_cspf_all / (pairs * reps) * 1e6, t_ig_all / (pairs * reps) * 1e6,
		       t_cspf_all / t_ig_all);
		printf("| cost disagreements with igraph | %u of %u | | |\n", mismatches, pairs);
		cspf_result_free(&one);
		igraph_matrix_destroy(&dist);
		igraph_vector_int_destroy(&vpath);
		igraph_vector_int_destroy(&epath);
		igraph_vector_destroy(&w);
		igraph_vector_int_destroy(&edges);
		igraph_destroy(&g);
	}
#else
	printf("\n(igraph not found at build time: no comparison)\n");
#endif
	for (uint32_t i = 0; i < n_lsps; i++)
		cspf_result_free(&res[i]);
	cspf_overlay_free(&ov);
	cspf_ws_free(ws);
	ted_free(&t);
	synth_ted_free(&syn);
	free(reqs);
	free(items);
	free(res);
	free(order);
	free(lat);
	free(names);
	return 0;
}
