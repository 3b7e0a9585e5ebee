/* bench_keylayout — per-prefix IGP route keys vs one value per node per table, measured.
 *
 * DESIGN §5 asks that one link change cost a handful of etcd writes per affected node and
 * that the choice between `rib/<node>/isis/<prefix>` (one key per route, written as
 * diffs) and `rib/<node>/isis` (the whole table as one value) be measured at 1,000
 * routers. This program builds a deterministic synthetic topology (a random spanning
 * tree plus random extra links, metrics 10..100 in steps of 10 so equal-cost paths
 * exist, a loopback /32 per router and a /31 per link), runs an ECMP Dijkstra from every
 * router to get its route table, then fails a sample of links and counts, per router,
 * the routes whose metric or next-hop set changed (two failure kinds: the link goes down
 * and its /31 is withdrawn, or only the adjacency drops and the /31 stays). From that it
 * derives writes, transactions, bytes written and watch bytes (with prev_kv) per
 * affected router for both layouts. Then, on a private etcd per layout (tests/support
 * harness, or --endpoints), it loads all tables in each layout under its own root
 * (/kvte-a/ per-prefix, /kvte-b/ per-table), records time, keys, dbSize and the server's
 * RSS, and applies one link-down round for every affected router with all writes in
 * flight at once, timing the round and the moment a prefix watcher has seen every event.
 * --check verifies the tables against a Bellman-Ford definition and the per-table size
 * model against real tables. Results go to docs/keys.md and docs/benchmarks.md (run by
 * bench/run-keylayout.sh); nothing here is pass/fail except an etcd or check error. */
#include <inttypes.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/etcd/etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

#define INF UINT32_MAX
#define TXN_OPS 128    /* etcd's default --max-txn-ops */
#define MAX_DEG 64     /* next-hop sets are bitmasks over a router's interfaces */
#define ROUTE_MAX 8192 /* one route's JSON, up to 64 next hops */
#define KEY_MAX 128

/* ---- parameters ----------------------------------------------------------------------- */

static int n_nodes = 1000, n_links = 4000, n_failures = 20, load_window = 8;
static int etcd_routers; /* routers whose tables go to etcd; 0: all */
static uint64_t seed = 1;
static int n_pfx; /* n_nodes loopbacks, then n_links link subnets */
static const char *endpoints_arg;
static bool no_etcd, check;

static double now_s(void)
{
	return (double)uv_hrtime() / 1e9;
}

/* splitmix64: deterministic on every platform */
static uint64_t rng;

static uint64_t rnd64(void)
{
	uint64_t z = (rng += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static int rnd_below(int n)
{
	return (int)(rnd64() % (uint64_t)n);
}

/* ---- topology ------------------------------------------------------------------------- */

struct link {
	int a, b;        /* ends: a holds the even /31 address, b the odd one */
	uint32_t metric; /* same both ways */
	uint32_t net;    /* the /31, host byte order, from 100.64.0.0 */
};

struct adj {
	int nbr, link;
};

static struct link *links;
static struct adj *adj; /* router v's interfaces: adj[adj_start[v] .. adj_start[v + 1]) */
static int *adj_start;  /* interface k of v is named et<k+1> */

static uint32_t loopback(int v)
{
	return 0x0a000000u + (uint32_t)v + 1; /* r1 = 10.0.0.1 */
}

static int build_topology(void)
{
	unsigned char *linked = calloc((size_t)n_nodes * n_nodes, 1);
	int *perm = malloc(sizeof(int) * n_nodes), *fill = calloc(n_nodes + 1, sizeof(int));
	int i, l = 0, max_deg = 0;

	links = calloc(n_links, sizeof(*links));
	adj = calloc(2 * (size_t)n_links, sizeof(*adj));
	adj_start = calloc(n_nodes + 1, sizeof(int));
	for (i = 0; i < n_nodes; i++)
		perm[i] = i;
	for (i = n_nodes - 1; i > 0; i--) {
		int j = rnd_below(i + 1), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	while (l < n_links) {
		int a, b;

		if (l < n_nodes - 1) { /* spanning tree first: connected by construction */
			a = perm[l + 1];
			b = perm[rnd_below(l + 1)];
		} else {
			a = rnd_below(n_nodes);
			b = rnd_below(n_nodes);
			if (a == b || linked[(size_t)a * n_nodes + b])
				continue;
		}
		linked[(size_t)a * n_nodes + b] = linked[(size_t)b * n_nodes + a] = 1;
		links[l] = (struct link){ .a = a, .b = b, .metric = 10u * (1 + rnd_below(10)),
					  .net = 0x64400000u + 2u * (uint32_t)l };
		adj_start[a + 1]++;
		adj_start[b + 1]++;
		l++;
	}
	for (i = 0; i < n_nodes; i++) {
		if (adj_start[i + 1] > max_deg)
			max_deg = adj_start[i + 1];
		adj_start[i + 1] += adj_start[i];
	}
	for (l = 0; l < n_links; l++) {
		int a = links[l].a, b = links[l].b;

		adj[adj_start[a] + fill[a]++] = (struct adj){ b, l };
		adj[adj_start[b] + fill[b]++] = (struct adj){ a, l };
	}
	free(linked);
	free(perm);
	free(fill);
	if (max_deg > MAX_DEG) {
		fprintf(stderr, "bench: a router has %d links, at most %d supported\n", max_deg,
			MAX_DEG);
		return -1;
	}
	return max_deg;
}

/* ---- SPF with ECMP next-hop sets ----------------------------------------------------- */

struct heap_item {
	uint32_t d;
	int v;
};

static struct heap_item *heap;
static size_t heap_n;
static unsigned char *done_v;

static void heap_push(uint32_t d, int v)
{
	size_t i = heap_n++;

	while (i && heap[(i - 1) / 2].d > d) {
		heap[i] = heap[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	heap[i] = (struct heap_item){ d, v };
}

static struct heap_item heap_pop(void)
{
	struct heap_item top = heap[0], last = heap[--heap_n];
	size_t i = 0, c;

	while ((c = 2 * i + 1) < heap_n) {
		if (c + 1 < heap_n && heap[c + 1].d < heap[c].d)
			c++;
		if (heap[c].d >= last.d)
			break;
		heap[i] = heap[c];
		i = c;
	}
	heap[i] = last;
	return top;
}

/* Shortest distances from s with link `down` removed (-1: none), and for each router the
 * set of s's interfaces (bit k = et<k+1>) that start a shortest path to it. A router's
 * set is final when it is popped: every predecessor is strictly closer (metrics >= 1). */
static void spf(int s, int down, uint32_t *dist, uint64_t *nh)
{
	int v, k;

	for (v = 0; v < n_nodes; v++) {
		dist[v] = INF;
		nh[v] = 0;
		done_v[v] = 0;
	}
	dist[s] = 0;
	heap_n = 0;
	heap_push(0, s);
	while (heap_n) {
		int u = heap_pop().v;

		if (done_v[u])
			continue;
		done_v[u] = 1;
		for (k = adj_start[u]; k < adj_start[u + 1]; k++) {
			const struct adj *e = &adj[k];
			uint32_t nd = dist[u] + links[e->link].metric;
			uint64_t via = u == s ? 1ULL << (k - adj_start[u]) : nh[u];

			if (e->link == down || done_v[e->nbr])
				continue;
			if (nd < dist[e->nbr]) {
				dist[e->nbr] = nd;
				nh[e->nbr] = via;
				heap_push(nd, e->nbr);
			} else if (nd == dist[e->nbr]) {
				nh[e->nbr] |= via;
			}
		}
	}
}

/* ---- route tables --------------------------------------------------------------------- */

struct route {
	uint32_t metric; /* INF: no route */
	uint64_t nh;     /* bit k: via interface et<k+1> */
};

static bool route_eq(const struct route *x, const struct route *y)
{
	return x->metric == y->metric && (x->metric == INF || x->nh == y->nh);
}

/* Router s's route to prefix p. Loopbacks are advertised with metric 0 by their router,
 * a link's /31 by both ends with the link metric, unless `withdrawn` is that link
 * (interface down). A router's own prefixes are connected routes, not IGP routes. */
static struct route route_of(int s, int p, int withdrawn, const uint32_t *dist,
			     const uint64_t *nh)
{
	struct route r = { INF, 0 };
	int own[2] = { p, p }, i;
	uint32_t pm = 0;

	if (p >= n_nodes) {
		const struct link *l = &links[p - n_nodes];

		if (p - n_nodes == withdrawn)
			return r;
		own[0] = l->a;
		own[1] = l->b;
		pm = l->metric;
	}
	if (own[0] == s || own[1] == s)
		return r;
	for (i = 0; i < 2; i++) {
		if (dist[own[i]] == INF || (i == 1 && own[1] == own[0]))
			continue;
		if (dist[own[i]] + pm < r.metric) {
			r.metric = dist[own[i]] + pm;
			r.nh = nh[own[i]];
		} else if (dist[own[i]] + pm == r.metric) {
			r.nh |= nh[own[i]];
		}
	}
	return r;
}

static void fill_routes(int s, int withdrawn, const uint32_t *dist, const uint64_t *nh,
			struct route *out)
{
	int p;

	for (p = 0; p < n_pfx; p++)
		out[p] = route_of(s, p, withdrawn, dist, nh);
}

static int prefix_text(int p, char sep, char *buf, size_t len)
{
	uint32_t ip = p < n_nodes ? loopback(p) : links[p - n_nodes].net;

	return snprintf(buf, len, "%u.%u.%u.%u%c%d", ip >> 24, (ip >> 16) & 255,
			(ip >> 8) & 255, ip & 255, sep, p < n_nodes ? 32 : 31);
}

/* The rib-isis-route value (schemas/rib-isis-route.schema.json), next hops by interface. */
static int route_json(char *buf, size_t cap, int s, int p, const struct route *r)
{
	char pfx[32];
	uint64_t bits = r->nh;
	int n, k;

	prefix_text(p, '/', pfx, sizeof(pfx));
	n = snprintf(buf, cap, "{\"prefix\":\"%s\",\"metric\":%" PRIu32
		     ",\"level\":2,\"next_hops\":[", pfx, r->metric);
	for (k = 0; bits; k++, bits >>= 1) {
		const struct adj *e = &adj[adj_start[s] + k];
		const struct link *l = &links[e->link];
		uint32_t ip = l->a == s ? l->net + 1 : l->net; /* the neighbour's end */

		if (!(bits & 1))
			continue;
		n += snprintf(buf + n, cap - n,
			      "%s{\"interface\":\"et%d\",\"address\":\"%u.%u.%u.%u\","
			      "\"neighbor\":\"r%d\"}", buf[n - 1] == '[' ? "" : ",", k + 1,
			      ip >> 24, (ip >> 16) & 255, (ip >> 8) & 255, ip & 255, e->nbr + 1);
	}
	n += snprintf(buf + n, cap - n, "]}");
	return n;
}

static int key_route(char *buf, const char *root, int s, int p)
{
	char pfx[32];

	prefix_text(p, '_', pfx, sizeof(pfx));
	return snprintf(buf, KEY_MAX, "%srib/r%d/isis/%s", root, s + 1, pfx);
}

static int key_table(char *buf, const char *root, int s)
{
	return snprintf(buf, KEY_MAX, "%srib/r%d/isis", root, s + 1);
}

/* The per-table value: {"routes":[<route>,...]} in prefix order. Its size is
 * TABLE_OVERHEAD + sum of route sizes + (routes - 1) commas. */
#define TABLE_OVERHEAD 13 /* {"routes":[ and ]} */

static size_t table_size(size_t sum, size_t routes)
{
	return TABLE_OVERHEAD + sum + (routes ? routes - 1 : 0);
}

static char *table_json(int s, const struct route *rt, size_t *len)
{
	size_t cap = 1 << 20, n;
	char *buf = malloc(cap);
	int p;

	n = (size_t)snprintf(buf, cap, "{\"routes\":[");
	for (p = 0; p < n_pfx; p++) {
		if (rt[p].metric == INF)
			continue;
		if (cap - n < ROUTE_MAX + 4)
			buf = realloc(buf, cap *= 2);
		if (buf[n - 1] != '[')
			buf[n++] = ',';
		n += (size_t)route_json(buf + n, cap - n, s, p, &rt[p]);
	}
	n += (size_t)snprintf(buf + n, cap - n, "]}");
	*len = n;
	return buf;
}

/* ---- baseline: every router's table before any failure ------------------------------- */

static struct route *base;  /* [s * n_pfx + p] */
static uint16_t *base_len;  /* JSON size of each baseline route */
static size_t *table_len;   /* per-table value size of each router */
static size_t *table_routes;
static uint32_t *dist_buf;
static uint64_t *nh_buf;

static void compute_baseline(size_t *ecmp, size_t *total)
{
	char buf[ROUTE_MAX];
	int s, p;

	*ecmp = *total = 0;
	for (s = 0; s < n_nodes; s++) {
		struct route *rt = base + (size_t)s * n_pfx;
		size_t sum = 0, cnt = 0;

		spf(s, -1, dist_buf, nh_buf);
		fill_routes(s, -1, dist_buf, nh_buf, rt);
		for (p = 0; p < n_pfx; p++) {
			if (rt[p].metric == INF)
				continue;
			base_len[(size_t)s * n_pfx + p] = (uint16_t)route_json(buf, sizeof(buf), s,
									       p, &rt[p]);
			sum += base_len[(size_t)s * n_pfx + p];
			cnt++;
			if (rt[p].nh & (rt[p].nh - 1))
				(*ecmp)++;
		}
		table_len[s] = table_size(sum, cnt);
		table_routes[s] = cnt;
		*total += cnt;
	}
}

/* ---- --check: the tables against their definition ------------------------------------ */

/* Router s's route to p by definition, from all-pairs distances d: metric = min over the
 * prefix's owners o of d(s,o) + its metric; next hops = every interface k of s whose
 * metric(k) + d(nbr_k, o) + the prefix metric equals that minimum. */
static struct route route_by_definition(const uint32_t *d, int s, int p, int down,
					int withdrawn)
{
	struct route want = { INF, 0 };
	int own[2] = { p, p }, no = 1, i, k;
	uint32_t pm = 0;

	if (p >= n_nodes) {
		if (p - n_nodes == withdrawn)
			return want;
		own[0] = links[p - n_nodes].a;
		own[1] = links[p - n_nodes].b;
		pm = links[p - n_nodes].metric;
		no = 2;
	}
	if (own[0] == s || own[1] == s)
		return want;
	for (i = 0; i < no; i++) {
		uint32_t x = d[(size_t)s * n_nodes + own[i]];

		if (x != INF && x + pm < want.metric)
			want.metric = x + pm;
	}
	if (want.metric == INF)
		return want;
	for (k = adj_start[s]; k < adj_start[s + 1]; k++) {
		const struct adj *e = &adj[k];

		for (i = 0; i < no && e->link != down; i++) {
			uint32_t x = d[(size_t)e->nbr * n_nodes + own[i]];

			if (x != INF && links[e->link].metric + x + pm == want.metric)
				want.nh |= 1ULL << (k - adj_start[s]);
		}
	}
	return want;
}

/* --check: recompute every route of every router with all-pairs distances by
 * Bellman-Ford (nothing shared with spf()) and count the routes that differ. */
static long check_routes(int down, int withdrawn)
{
	uint32_t *d = malloc(sizeof(uint32_t) * (size_t)n_nodes * n_nodes);
	struct route *rt = malloc(sizeof(struct route) * n_pfx);
	long bad = 0;
	int s, p, l, i;

	for (s = 0; s < n_nodes; s++) {
		uint32_t *row = d + (size_t)s * n_nodes;
		bool changed = true;

		for (i = 0; i < n_nodes; i++)
			row[i] = INF;
		row[s] = 0;
		while (changed) {
			changed = false;
			for (l = 0; l < n_links; l++) {
				int a = links[l].a, b = links[l].b;
				uint32_t m = links[l].metric;

				if (l == down)
					continue;
				if (row[a] != INF && row[a] + m < row[b]) {
					row[b] = row[a] + m;
					changed = true;
				}
				if (row[b] != INF && row[b] + m < row[a]) {
					row[a] = row[b] + m;
					changed = true;
				}
			}
		}
	}
	for (s = 0; s < n_nodes; s++) {
		spf(s, down, dist_buf, nh_buf);
		fill_routes(s, withdrawn, dist_buf, nh_buf, rt);
		for (p = 0; p < n_pfx; p++) {
			struct route want = route_by_definition(d, s, p, down, withdrawn);

			bad += !route_eq(&want, &rt[p]);
		}
	}
	free(d);
	free(rt);
	return bad;
}

/* ---- statistics ----------------------------------------------------------------------- */

struct samples {
	double *v;
	size_t n, cap;
};

static void add(struct samples *s, double x)
{
	if (s->n == s->cap)
		s->v = realloc(s->v, sizeof(double) * (s->cap = s->cap ? 2 * s->cap : 256));
	s->v[s->n++] = x;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double mean(const struct samples *s)
{
	double t = 0;
	size_t i;

	for (i = 0; i < s->n; i++)
		t += s->v[i];
	return s->n ? t / (double)s->n : 0;
}

/* Percentile by nearest rank (sorts in place); pct 100 is the maximum. */
static double pct(struct samples *s, double q)
{
	size_t i;

	if (!s->n)
		return 0;
	qsort(s->v, s->n, sizeof(double), cmp_double);
	i = (size_t)ceil(q / 100.0 * (double)s->n);
	return s->v[i ? i - 1 : 0];
}

static const char *human(double b)
{
	static char bufs[32][32];
	static unsigned k;
	char *s = bufs[k++ % 32];

	if (b < 1e3)
		snprintf(s, 32, "%.0f B", b);
	else if (b < 1e6)
		snprintf(s, 32, "%.1f kB", b / 1e3);
	else if (b < 1e9)
		snprintf(s, 32, "%.1f MB", b / 1e6);
	else
		snprintf(s, 32, "%.2f GB", b / 1e9);
	return s;
}

/* One failure kind over all sampled failures. Samples "per affected router" are pooled
 * over every failure; "per failure" ones have one value per failed link. */
struct scenario {
	const char *name;
	int withdraw; /* the failed link's /31 is withdrawn */
	struct samples affected, tot_ops, tot_pp, tot_pt, tot_wpp, tot_wpt, partitions;
	struct samples changed, txns, pp_bytes, pt_bytes, pp_watch, pt_watch;
};

/* Per router: the diff between its baseline table and `now`, costed in both layouts. */
static size_t account(int s, const struct route *now, struct scenario *sc, double *ops,
		      double *pp, double *pt, double *wpp, double *wpt)
{
	const struct route *old = base + (size_t)s * n_pfx;
	const uint16_t *olen = base_len + (size_t)s * n_pfx;
	char buf[ROUTE_MAX], key[KEY_MAX];
	size_t n = 0, cnt = table_routes[s], w = 0, ww = 0, newt;
	size_t sum = table_len[s] - table_size(0, cnt); /* the routes' bytes alone */
	int p, kt;

	for (p = 0; p < n_pfx; p++) {
		size_t kl, vl;

		if (route_eq(&old[p], &now[p]))
			continue;
		n++;
		kl = (size_t)key_route(key, "/kvte/", s, p);
		vl = now[p].metric != INF ? (size_t)route_json(buf, sizeof(buf), s, p, &now[p]) : 0;
		w += kl + vl;                                     /* put: key+value; delete: key */
		ww += kl + vl + (old[p].metric != INF ? kl + olen[p] : 0); /* event + prev_kv */
		/* the table value: replace, add or drop this route and its comma */
		if (old[p].metric != INF) {
			sum -= olen[p];
			cnt--;
		}
		if (now[p].metric != INF) {
			sum += vl;
			cnt++;
		}
	}
	if (!n)
		return 0;
	newt = table_size(sum, cnt);
	kt = key_table(key, "/kvte/", s);
	add(&sc->changed, (double)n);
	add(&sc->txns, (double)((n + TXN_OPS - 1) / TXN_OPS));
	add(&sc->pp_bytes, (double)w);
	add(&sc->pt_bytes, (double)(kt + newt));
	add(&sc->pp_watch, (double)ww);
	add(&sc->pt_watch, (double)(2 * kt + newt + table_len[s]));
	*ops += (double)n;
	*pp += (double)w;
	*pt += (double)(kt + newt);
	*wpp += (double)ww;
	*wpt += (double)(2 * kt + newt + table_len[s]);
	return newt;
}

/* ---- etcd ------------------------------------------------------------------------------ */

static uv_loop_t loop;
static etcd_client *cli;

/* Runs `total` jobs with at most `window` requests in flight; start() queues job i with
 * pump_done as its callback. */
struct pump {
	size_t next, total, outstanding, window;
	int (*start)(struct pump *pm, size_t i);
	bool done, failed;
	unsigned n_txns;
	char err[300];
	const char *root;
	size_t bytes;
	int *jobs;        /* router of job i (round); NULL: router i */
	etcd_txn **txns;  /* prebuilt round requests, per job */
	char **values;
	size_t *value_len;
};

static void pump_fill(struct pump *pm);

static void pump_done(etcd_client *cl, const struct etcd_result *res, void *arg)
{
	struct pump *pm = arg;

	(void)cl;
	if (res->err.code != ETCD_OK && !pm->failed) {
		pm->failed = true;
		snprintf(pm->err, sizeof(pm->err), "%s: %s", etcd_errc_name(res->err.code),
			 res->err.msg);
	}
	pm->n_txns += res->n_txns ? res->n_txns : 1;
	pm->outstanding--;
	pump_fill(pm);
}

static void pump_fill(struct pump *pm)
{
	while (!pm->failed && pm->next < pm->total && pm->outstanding < pm->window) {
		size_t i = pm->next++;

		pm->outstanding++;
		if (pm->start(pm, i) < 0) {
			pm->outstanding--;
			pm->failed = true;
			snprintf(pm->err, sizeof(pm->err), "job %zu could not be queued", i);
		}
	}
	if (pm->outstanding == 0 && (pm->failed || pm->next == pm->total))
		pm->done = true;
}

static double pump_run(struct pump *pm)
{
	double t0 = now_s();

	pump_fill(pm);
	if (!run_until(&loop, &pm->done, 600000) && !pm->failed) {
		pm->failed = true;
		snprintf(pm->err, sizeof(pm->err), "timed out");
	}
	return now_s() - t0;
}

static int load_per_prefix(struct pump *pm, size_t i)
{
	const struct route *rt = base + i * n_pfx;
	etcd_txn *t = etcd_txn_new();
	char key[KEY_MAX], buf[ROUTE_MAX];
	int p, kl, vl;

	for (p = 0; p < n_pfx; p++) {
		if (rt[p].metric == INF)
			continue;
		kl = key_route(key, pm->root, (int)i, p);
		vl = route_json(buf, sizeof(buf), (int)i, p, &rt[p]);
		etcd_txn_put(t, ETCD_SUCCESS, key, buf, (size_t)vl, 0);
		pm->bytes += (size_t)(kl + vl);
	}
	return etcd_txn_commit(cli, t, ETCD_TXN_SPLIT, pump_done, pm);
}

static int load_per_table(struct pump *pm, size_t i)
{
	char key[KEY_MAX], *v;
	size_t len;
	int kl = key_table(key, pm->root, (int)i), rc;

	v = table_json((int)i, base + i * n_pfx, &len);
	if (len != table_len[i])
		fprintf(stderr, "bench: table size model is off for r%zu: %zu vs %zu\n", i + 1,
			len, table_len[i]);
	rc = etcd_put(cli, key, v, len, NULL, pump_done, pm);
	pm->bytes += (size_t)kl + len;
	free(v);
	return rc;
}

static int round_per_prefix(struct pump *pm, size_t i)
{
	etcd_txn *t = pm->txns[i];

	pm->txns[i] = NULL;
	return etcd_txn_commit(cli, t, ETCD_TXN_SPLIT, pump_done, pm);
}

static int round_per_table(struct pump *pm, size_t i)
{
	char key[KEY_MAX];
	int rc;

	key_table(key, pm->root, pm->jobs[i]);
	rc = etcd_put(cli, key, pm->values[i], pm->value_len[i], NULL, pump_done, pm);
	free(pm->values[i]);
	pm->values[i] = NULL;
	return rc;
}

/* A prefix watch with prev_kv standing in for the agents: counts what it receives. */
struct wstat {
	size_t events, target, bytes;
	double last;
	bool connected, complete;
};

static void w_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	(void)w;
	(void)snap;
	(void)resync;
	(void)arg;
}

static void w_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t rev,
		     void *arg)
{
	struct wstat *ws = arg;
	size_t i;

	(void)w;
	(void)rev;
	for (i = 0; i < n; i++) {
		ws->bytes += ev[i].kv.key_len + ev[i].kv.value_len;
		if (ev[i].has_prev_kv)
			ws->bytes += ev[i].prev_kv.key_len + ev[i].prev_kv.value_len;
	}
	ws->events += n;
	ws->last = now_s();
	if (ws->target && ws->events >= ws->target)
		ws->complete = true;
}

static void w_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		     void *arg)
{
	struct wstat *ws = arg;

	(void)w;
	if (connected)
		ws->connected = true;
	else if (fatal)
		fprintf(stderr, "bench: watch stopped: %s\n", why ? why->msg : "?");
}

static int64_t db_size(const char *ep)
{
	char cmd[1024], out[8192];
	const char *d;
	size_t n;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ETCDCTL_API=3 etcdctl --endpoints=%s endpoint status -w json 2>&1", ep);
	f = popen(cmd, "r");
	if (!f)
		return -1;
	n = fread(out, 1, sizeof(out) - 1, f);
	out[n] = '\0';
	pclose(f);
	d = strstr(out, "\"dbSize\":");
	return d ? strtoll(d + 9, NULL, 10) : -1;
}

/* Resident memory of our own etcd, from /proc; -1 when it is not ours. */
static int64_t etcd_rss(const struct etcd_harness *h)
{
	char path[64], line[256];
	int64_t kb = -1;
	FILE *f;

	if (endpoints_arg || !h->m[0].pid)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)h->m[0].pid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmRSS:", 6))
			kb = strtoll(line + 6, NULL, 10);
	if (f)
		fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/* CPU seconds (user + system) our own etcd has used so far; -1 when it is not ours. */
static double etcd_cpu(const struct etcd_harness *h)
{
	char path[64], buf[1024];
	unsigned long ut = 0, st = 0;
	const char *p;
	size_t n = 0;
	FILE *f;

	if (endpoints_arg || !h->m[0].pid)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)h->m[0].pid);
	f = fopen(path, "r");
	if (f) {
		n = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
	}
	buf[n] = '\0';
	p = strrchr(buf, ')'); /* fields 14 and 15 (utime, stime) follow the command name */
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu", &ut,
			 &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

/* Garbage collections etcd's Go runtime has run so far (from /metrics); -1 if unknown. */
static int64_t etcd_gc_count(const char *ep)
{
	char cmd[1024], line[512];
	int64_t n = -1;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "curl -s --max-time 10 %s/metrics", ep);
	f = popen(cmd, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "go_gc_duration_seconds_count ", 29))
			n = strtoll(line + 29, NULL, 10);
	if (f)
		pclose(f);
	return n;
}

struct layout_result {
	double load_s, round_s, visible_s;
	int64_t keys, db_load, db_round, rss_load, rss_round, gc_round;
	double cpu_load, cpu_round; /* etcd's CPU seconds */
	double start_s, stop_s;     /* starting etcd; closing the client and stopping etcd */
	double total_s;
	size_t load_bytes, round_bytes, round_ops, round_reqs, watch_bytes, watch_events;
	unsigned load_txns, round_txns;
};

/* One layout on its own etcd: load every table, then one link-down round for failure f. */
static int run_layout(bool per_table, int f, struct layout_result *lr)
{
	const char *root = per_table ? "/kvte-b/" : "/kvte-a/";
	struct etcd_client_opts o = { .name = "bench", .max_inflight = 64,
				      .request_timeout_ms = 600000 };
	struct etcd_watch_opts wo = { .prefix = true, .prev_kv = true, .no_progress = true };
	struct etcd_watch_cbs wc = { .snapshot = w_snapshot, .events = w_events,
				     .status = w_status };
	struct pump load = { .window = (size_t)load_window, .root = root,
			     .total = (size_t)etcd_routers };
	struct pump rnd = { .root = root };
	struct sync_result sr = { 0 };
	struct etcd_range_opts ro = { .prefix = true, .count_only = true };
	struct etcd_harness h = { 0 };
	struct wstat ws = { 0 };
	struct route *now = malloc(sizeof(struct route) * n_pfx);
	const char *ep = endpoints_arg;
	etcd_watch *w;
	double t0;
	int s, p, rc = -1;

	memset(lr, 0, sizeof(*lr));
	t0 = now_s();
	if (!ep) {
		if (etcd_harness_start(NULL, &h) < 0) {
			fprintf(stderr, "bench: cannot start etcd: %s\n", h.err);
			free(now);
			return -1;
		}
		ep = h.endpoints;
	}
	lr->start_s = now_s() - t0;
	uv_loop_init(&loop);
	cli = test_client(&loop, ep, &o);
	if (!cli)
		goto out;
	lr->cpu_load = etcd_cpu(&h);

	/* initial load: every router writes its whole table, load_window routers at once */
	load.start = per_table ? load_per_table : load_per_prefix;
	lr->load_s = pump_run(&load);
	lr->load_bytes = load.bytes;
	lr->load_txns = load.n_txns;
	if (lr->cpu_load >= 0)
		lr->cpu_load = etcd_cpu(&h) - lr->cpu_load;
	if (load.failed) {
		fprintf(stderr, "bench: %s load failed: %s\n", root, load.err);
		goto out;
	}
	etcd_range(cli, root, &ro, sync_cb, &sr);
	sync_wait(&loop, &sr, 60000);
	lr->keys = sr.count;
	lr->db_load = db_size(ep);
	lr->rss_load = etcd_rss(&h);

	/* the watcher, from the revision after the load */
	wo.start_revision = sr.revision + 1;
	w = etcd_watch_start(cli, root, &wo, &wc, &ws);
	sync_clear(&sr);
	run_until(&loop, &ws.connected, 10000);
	run_for(&loop, 200);

	/* the round: one request per affected router, all prepared before the clock starts */
	rnd.jobs = calloc(n_nodes, sizeof(int));
	rnd.txns = calloc(n_nodes, sizeof(etcd_txn *));
	rnd.values = calloc(n_nodes, sizeof(char *));
	rnd.value_len = calloc(n_nodes, sizeof(size_t));
	for (s = 0; s < etcd_routers; s++) {
		const struct route *old = base + (size_t)s * n_pfx;
		char key[KEY_MAX], buf[ROUTE_MAX];
		etcd_txn *t = NULL;
		size_t ops = 0;

		spf(s, f, dist_buf, nh_buf);
		fill_routes(s, f, dist_buf, nh_buf, now);
		/* make-before-break: puts first, then deletes */
		for (int pass = 0; pass < 2; pass++)
			for (p = 0; p < n_pfx; p++) {
				int kl;

				if (route_eq(&old[p], &now[p]) || (now[p].metric == INF) != pass)
					continue;
				ops++;
				if (per_table)
					continue;
				if (!t)
					t = etcd_txn_new();
				kl = key_route(key, root, s, p);
				if (pass == 0) {
					int vl = route_json(buf, sizeof(buf), s, p, &now[p]);

					etcd_txn_put(t, ETCD_SUCCESS, key, buf, (size_t)vl, 0);
					rnd.bytes += (size_t)(kl + vl);
				} else {
					etcd_txn_delete(t, ETCD_SUCCESS, key, false);
					rnd.bytes += (size_t)kl;
				}
			}
		if (!ops)
			continue;
		lr->round_ops += ops;
		rnd.jobs[rnd.total] = s;
		if (per_table) {
			rnd.values[rnd.total] = table_json(s, now, &rnd.value_len[rnd.total]);
			rnd.bytes += (size_t)key_table(key, root, s) + rnd.value_len[rnd.total];
		} else {
			rnd.txns[rnd.total] = t;
		}
		rnd.total++;
	}
	rnd.window = rnd.total; /* a speaker fleet: everything in flight at once */
	rnd.start = per_table ? round_per_table : round_per_prefix;
	ws.target = per_table ? rnd.total : lr->round_ops;
	lr->gc_round = etcd_gc_count(ep);
	lr->cpu_round = etcd_cpu(&h);
	t0 = now_s();
	lr->round_s = pump_run(&rnd);
	lr->round_reqs = rnd.total;
	lr->round_txns = rnd.n_txns;
	lr->round_bytes = rnd.bytes;
	if (rnd.failed) {
		fprintf(stderr, "bench: %s round failed: %s\n", root, rnd.err);
	} else {
		if (!run_until(&loop, &ws.complete, 120000))
			fprintf(stderr, "bench: %s watch saw %zu of %zu events\n", root, ws.events,
				ws.target);
		lr->visible_s = ws.last - t0;
		if (lr->cpu_round >= 0)
			lr->cpu_round = etcd_cpu(&h) - lr->cpu_round;
		if (lr->gc_round >= 0)
			lr->gc_round = etcd_gc_count(ep) - lr->gc_round;
		lr->watch_bytes = ws.bytes;
		lr->watch_events = ws.events;
		lr->db_round = db_size(ep);
		lr->rss_round = etcd_rss(&h);
		rc = ws.complete ? 0 : -1;
	}
	etcd_watch_cancel(w);
	for (size_t i = 0; i < rnd.total; i++) {
		etcd_txn_free(rnd.txns[i]);
		free(rnd.values[i]);
	}
	free(rnd.jobs);
	free(rnd.txns);
	free(rnd.values);
	free(rnd.value_len);
out:
	t0 = now_s();
	if (cli)
		test_client_close(&loop, cli);
	cli = NULL;
	uv_loop_close(&loop);
	if (!endpoints_arg)
		etcd_harness_stop(&h);
	lr->stop_s = now_s() - t0;
	free(now);
	return rc;
}

/* ---- agent decode cost ----------------------------------------------------------------- */

/* Mean time for jansson to parse a whole table, and one route, over a few routers. */
static void decode_cost(double *table_ms, double *route_us)
{
	char buf[ROUTE_MAX];
	double tt = 0, tr = 0;
	size_t nr = 0;
	int s, p, k = 0;

	for (s = 0; s < n_nodes; s += n_nodes / 10 ? n_nodes / 10 : 1, k++) {
		const struct route *rt = base + (size_t)s * n_pfx;
		size_t len;
		char *v = table_json(s, rt, &len);
		double t0 = now_s();
		json_t *j = json_loadb(v, len, 0, NULL);

		tt += now_s() - t0;
		json_decref(j);
		free(v);
		for (p = 0; p < n_pfx; p++) {
			int vl;

			if (rt[p].metric == INF)
				continue;
			vl = route_json(buf, sizeof(buf), s, p, &rt[p]);
			t0 = now_s();
			json_decref(json_loadb(buf, (size_t)vl, 0, NULL));
			tr += now_s() - t0;
			nr++;
		}
	}
	*table_ms = tt / k * 1e3;
	*route_us = nr ? tr / (double)nr * 1e6 : 0;
}

/* ---- report ---------------------------------------------------------------------------- */

static void print_scenario(struct scenario *sc, int n_fail)
{
	printf("\n%s (%d failed links, one at a time, each against the intact network):\n",
	       sc->name, n_fail);
	printf("  routers affected per link change: mean %.0f, p50 %.0f, max %.0f "
	       "(of %d); %.0f of the failures split the network\n", mean(&sc->affected),
	       pct(&sc->affected, 50), pct(&sc->affected, 100), n_nodes,
	       mean(&sc->partitions) * n_fail);
	printf("  changed routes per affected router: mean %.1f, p50 %.0f, p99 %.0f, max %.0f\n",
	       mean(&sc->changed), pct(&sc->changed, 50), pct(&sc->changed, 99),
	       pct(&sc->changed, 100));
	printf("  changed routes per link change (all routers): mean %.0f, max %.0f\n",
	       mean(&sc->tot_ops), pct(&sc->tot_ops, 100));
	printf("  per-prefix: txns (<=%d ops) per affected router: mean %.2f, max %.0f\n",
	       TXN_OPS, mean(&sc->txns), pct(&sc->txns, 100));
	printf("  bytes written per affected router: per-prefix mean %s p50 %s p99 %s max %s;"
	       " per-table mean %s max %s\n", human(mean(&sc->pp_bytes)),
	       human(pct(&sc->pp_bytes, 50)), human(pct(&sc->pp_bytes, 99)),
	       human(pct(&sc->pp_bytes, 100)), human(mean(&sc->pt_bytes)),
	       human(pct(&sc->pt_bytes, 100)));
	printf("  watch bytes per affected agent (prev_kv): per-prefix mean %s max %s;"
	       " per-table mean %s max %s\n", human(mean(&sc->pp_watch)),
	       human(pct(&sc->pp_watch, 100)), human(mean(&sc->pt_watch)),
	       human(pct(&sc->pt_watch, 100)));
	printf("  bytes written per link change, all routers: per-prefix mean %s max %s;"
	       " per-table mean %s max %s\n", human(mean(&sc->tot_pp)),
	       human(pct(&sc->tot_pp, 100)), human(mean(&sc->tot_pt)),
	       human(pct(&sc->tot_pt, 100)));
	printf("  watch bytes per link change, all agents: per-prefix mean %s; per-table mean %s\n",
	       human(mean(&sc->tot_wpp)), human(mean(&sc->tot_wpt)));
}

static void md_rows(struct scenario *sc)
{
	printf("| %s: routers affected per link change (mean / p50 / max) | %.0f / %.0f / %.0f "
	       "| same |\n", sc->name, mean(&sc->affected), pct(&sc->affected, 50),
	       pct(&sc->affected, 100));
	printf("| %s: changed routes per affected router (mean / p50 / p99 / max) | "
	       "%.1f / %.0f / %.0f / %.0f | same (whole table rewritten) |\n", sc->name,
	       mean(&sc->changed), pct(&sc->changed, 50), pct(&sc->changed, 99),
	       pct(&sc->changed, 100));
	printf("| %s: etcd requests per affected router | %.2f txns (max %.0f) | 1 put |\n",
	       sc->name, mean(&sc->txns), pct(&sc->txns, 100));
	printf("| %s: bytes written per affected router (mean / max) | %s / %s | %s / %s |\n",
	       sc->name, human(mean(&sc->pp_bytes)), human(pct(&sc->pp_bytes, 100)),
	       human(mean(&sc->pt_bytes)), human(pct(&sc->pt_bytes, 100)));
	printf("| %s: watch bytes per affected agent, prev_kv (mean / max) | %s / %s | %s / %s |\n",
	       sc->name, human(mean(&sc->pp_watch)), human(pct(&sc->pp_watch, 100)),
	       human(mean(&sc->pt_watch)), human(pct(&sc->pt_watch, 100)));
	printf("| %s: bytes written per link change, all routers (mean) | %s | %s |\n", sc->name,
	       human(mean(&sc->tot_pp)), human(mean(&sc->tot_pt)));
}

/* Fail each link in turn (against the intact network) and account every router's diff
 * in both failure kinds; with --check, also compare the per-table size model with real
 * tables for the first failure. Returns the number of model mismatches. */
static long analyse_failures(const int *failed, struct scenario *sc)
{
	struct route *now = malloc(sizeof(struct route) * n_pfx);
	long model_bad = 0;
	int i, s, k, v;

	for (i = 0; i < n_failures; i++) {
		double ops[2] = { 0 }, pp[2] = { 0 }, pt[2] = { 0 }, wpp[2] = { 0 }, wpt[2] = { 0 };
		size_t aff[2] = { 0 }, model, len;
		bool split = false;

		for (s = 0; s < n_nodes; s++) {
			spf(s, failed[i], dist_buf, nh_buf);
			for (v = 0; s == 0 && v < n_nodes; v++)
				split |= dist_buf[v] == INF;
			for (k = 0; k < 2; k++) {
				double before = ops[k];
				int wd = sc[k].withdraw ? failed[i] : -1;

				fill_routes(s, wd, dist_buf, nh_buf, now);
				model = account(s, now, &sc[k], &ops[k], &pp[k], &pt[k], &wpp[k],
						&wpt[k]);
				aff[k] += ops[k] > before;
				if (check && i == 0 && model) {
					free(table_json(s, now, &len));
					model_bad += len != model;
				}
			}
		}
		for (k = 0; k < 2; k++) {
			add(&sc[k].affected, (double)aff[k]);
			add(&sc[k].tot_ops, ops[k]);
			add(&sc[k].tot_pp, pp[k]);
			add(&sc[k].tot_pt, pt[k]);
			add(&sc[k].tot_wpp, wpp[k]);
			add(&sc[k].tot_wpt, wpt[k]);
			add(&sc[k].partitions, split ? 1 : 0);
		}
	}
	free(now);
	return model_bad;
}

/* n distinct random links */
static int *pick_failures(int n)
{
	int *failed = malloc(sizeof(int) * n), i, j, l, dup;

	for (i = 0; i < n; i++) {
		do {
			l = rnd_below(n_links);
			for (dup = 0, j = 0; j < i; j++)
				dup |= failed[j] == l;
		} while (dup);
		failed[i] = l;
	}
	return failed;
}

/* Index of the failure whose total number of changed routes is the median. */
static int median_failure(const struct samples *tot_ops)
{
	struct samples ord = { 0 };
	double med;
	int i, pick = 0;

	for (i = 0; i < (int)tot_ops->n; i++)
		add(&ord, tot_ops->v[i]);
	med = pct(&ord, 50);
	for (i = 0; i < (int)tot_ops->n; i++)
		if (tot_ops->v[i] == med)
			pick = i;
	free(ord.v);
	return pick;
}

/* A size measured from etcd or /proc; -1 when it could not be. */
static const char *hsize(int64_t v)
{
	return v < 0 ? "n/a" : human((double)v);
}

static void print_layout(const char *name, const struct layout_result *r)
{
	printf("  %s: load %.2f s (%u txns/puts, %s, %" PRId64 " keys, dbSize %s, etcd RSS %s);"
	       " round %zu requests / %u txns, %zu ops, %s in %.3f s, all watch events (%zu,"
	       " %s) after %.3f s; dbSize after %s, RSS %s\n", name, r->load_s, r->load_txns,
	       human((double)r->load_bytes), r->keys, hsize(r->db_load),
	       hsize(r->rss_load), r->round_reqs, r->round_txns, r->round_ops,
	       human((double)r->round_bytes), r->round_s, r->watch_events,
	       human((double)r->watch_bytes), r->visible_s, hsize(r->db_round),
	       hsize(r->rss_round));
	printf("    etcd CPU: load %.1f s, round %.1f s; Go GC cycles during the round: %" PRId64
	       "; starting etcd %.1f s, stopping it %.1f s, whole layout %.1f s\n", r->cpu_load,
	       r->cpu_round, r->gc_round, r->start_s, r->stop_s, r->total_s);
	fflush(stdout);
}

static void md_etcd_rows(const struct layout_result *lr)
{
	printf("| etcd: initial load of %d tables | %.2f s, %" PRId64 " keys | %.2f s, %" PRId64
	       " keys |\n", etcd_routers, lr[0].load_s, lr[0].keys, lr[1].load_s, lr[1].keys);
	printf("| etcd: dbSize after load | %s | %s |\n", hsize(lr[0].db_load),
	       hsize(lr[1].db_load));
	printf("| etcd: link-down round (%zu routers, all in flight) | %.3f s, %u txns, %s |"
	       " %.3f s, %zu puts, %s |\n", lr[0].round_reqs, lr[0].round_s, lr[0].round_txns,
	       human((double)lr[0].round_bytes), lr[1].round_s, lr[1].round_reqs,
	       human((double)lr[1].round_bytes));
	printf("| etcd: round -> last watch event | %.3f s, %s received | %.3f s, %s received |\n",
	       lr[0].visible_s, human((double)lr[0].watch_bytes), lr[1].visible_s,
	       human((double)lr[1].watch_bytes));
	printf("| etcd: dbSize after the round | %s | %s |\n", hsize(lr[0].db_round),
	       hsize(lr[1].db_round));
	printf("| etcd: server CPU for the load / for the round | %.1f s / %.1f s | %.1f s / %.1f s"
	       " |\n", lr[0].cpu_load, lr[0].cpu_round, lr[1].cpu_load, lr[1].cpu_round);
	printf("| etcd: server RSS after load / after the round | %s / %s | %s / %s |\n",
	       hsize(lr[0].rss_load), hsize(lr[0].rss_round),
	       hsize(lr[1].rss_load), hsize(lr[1].rss_round));
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--nodes N] [--links L] [--failures F] [--seed S]\n"
		"       [--load-window W] [--etcd-routers N] [--endpoints URL] [--no-etcd]"
		" [--check]\n", argv0);
}

static int parse_args(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--nodes") && i + 1 < argc)
			n_nodes = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--links") && i + 1 < argc)
			n_links = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--failures") && i + 1 < argc)
			n_failures = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--seed") && i + 1 < argc)
			seed = strtoull(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--load-window") && i + 1 < argc)
			load_window = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--etcd-routers") && i + 1 < argc)
			etcd_routers = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--endpoints") && i + 1 < argc)
			endpoints_arg = argv[++i];
		else if (!strcmp(argv[i], "--check"))
			check = true;
		else if (!strcmp(argv[i], "--no-etcd"))
			no_etcd = true;
		else
			return -1;
	}
	if (n_nodes < 2 || n_nodes > 60000 || n_links < n_nodes - 1 ||
	    (int64_t)n_links > (int64_t)n_nodes * (n_nodes - 1) / 2 || n_links > 1 << 20 ||
	    n_failures < 1 || n_failures > n_links || load_window < 1 || etcd_routers < 0)
		return -1;
	if (!etcd_routers || etcd_routers > n_nodes)
		etcd_routers = n_nodes;
	return 0;
}

int main(int argc, char **argv)
{
	struct scenario sc[2] = { { .name = "link down", .withdraw = 1 },
				  { .name = "adjacency down", .withdraw = 0 } };
	struct layout_result lr[2] = { 0 };
	struct samples tl = { 0 };
	size_t ecmp, total;
	double t0, t_base, t_fail, table_ms, route_us, route_bytes = 0, table_mean;
	int *failed, i, s, k, max_deg, f, rc = 0;

	if (parse_args(argc, argv) < 0) {
		usage(argv[0]);
		return 2;
	}
	rng = seed;
	n_pfx = n_nodes + n_links;
	if ((max_deg = build_topology()) < 0)
		return 1;
	heap = malloc(sizeof(*heap) * (2 * (size_t)n_links + 1));
	done_v = malloc(n_nodes);
	dist_buf = malloc(sizeof(uint32_t) * n_nodes);
	nh_buf = malloc(sizeof(uint64_t) * n_nodes);
	base = malloc(sizeof(struct route) * n_nodes * (size_t)n_pfx);
	base_len = calloc((size_t)n_nodes * n_pfx, sizeof(uint16_t));
	table_len = calloc(n_nodes, sizeof(size_t));
	table_routes = calloc(n_nodes, sizeof(size_t));

	t0 = now_s();
	compute_baseline(&ecmp, &total);
	t_base = now_s() - t0;
	for (s = 0; s < n_nodes; s++) {
		add(&tl, (double)table_len[s]);
		route_bytes += (double)(table_len[s] - table_size(0, table_routes[s]));
	}
	table_mean = mean(&tl);
	printf("bench_keylayout: %d routers, %d links (max degree %d), %d prefixes (%d loopback"
	       " /32 + %d link /31), seed %" PRIu64 "\n", n_nodes, n_links, max_deg, n_pfx,
	       n_nodes, n_links, seed);
	printf("baseline: %d SPFs + tables in %.2f s; %zu routes in all, %.0f per router; %.1f%%"
	       " have more than one next hop (ECMP)\n", n_nodes, t_base, total,
	       (double)total / n_nodes, 100.0 * (double)ecmp / (double)total);
	printf("route value: mean %.0f B; table value: mean %s, max %s; all tables %s\n",
	       route_bytes / (double)total, human(table_mean), human(pct(&tl, 100)),
	       human(table_mean * n_nodes));

	failed = pick_failures(n_failures);
	if (check) {
		long b0 = check_routes(-1, -1), b1 = check_routes(failed[0], failed[0]),
		     b2 = check_routes(failed[0], -1);

		printf("check: routes differing from the Bellman-Ford definition: intact %ld, "
		       "link %d down %ld, its adjacency down %ld\n", b0, failed[0], b1, b2);
		if (b0 || b1 || b2)
			return 1;
	}
	t0 = now_s();
	{
		long model_bad = analyse_failures(failed, sc);

		if (check)
			printf("check: per-table sizes after failure %d that differ from the model:"
			       " %ld\n", failed[0], model_bad);
		if (model_bad)
			return 1;
	}
	t_fail = now_s() - t0;
	f = failed[median_failure(&sc[0].tot_ops)];
	printf("failure analysis: %d failures x %d SPFs in %.2f s\n", n_failures, n_nodes, t_fail);
	decode_cost(&table_ms, &route_us);
	printf("agent decode (jansson): whole table %.2f ms, one route %.2f us\n", table_ms,
	       route_us);
	for (k = 0; k < 2; k++)
		print_scenario(&sc[k], n_failures);

	if (!no_etcd) {
		printf("\netcd: one private etcd 3.4 per layout; load %d routers' tables, %d at a"
		       " time; then the link-down round for link %d (r%d-r%d, median changed"
		       " routes), every affected router's write in flight at once, a prefix watch"
		       " with prev_kv counting what it receives\n", etcd_routers, load_window, f,
		       links[f].a + 1, links[f].b + 1);
		fflush(stdout);
		for (k = 0; k < 2; k++) {
			t0 = now_s();
			if (run_layout(k == 1, f, &lr[k]) < 0)
				rc = 1;
			lr[k].total_s = now_s() - t0;
			print_layout(k ? "per-table  /kvte-b/" : "per-prefix /kvte-a/", &lr[k]);
		}
	}

	printf("\n| %d routers, %d links, %d prefixes, %d failed links | per-prefix keys (diffs)"
	       " | one value per table |\n|---|---|---|\n", n_nodes, n_links, n_pfx, n_failures);
	printf("| value size | %.0f B per route (mean) | %s per table (mean) |\n",
	       route_bytes / (double)total, human(table_mean));
	for (k = 0; k < 2; k++)
		md_rows(&sc[k]);
	printf("| agent decode per change (jansson) | %.2f us per changed route | %.2f ms "
	       "(whole table) |\n", route_us, table_ms);
	if (!no_etcd)
		md_etcd_rows(lr);

	for (k = 0; k < 2; k++) {
		struct samples *all[] = { &sc[k].affected, &sc[k].tot_ops, &sc[k].tot_pp,
					  &sc[k].tot_pt, &sc[k].tot_wpp, &sc[k].tot_wpt,
					  &sc[k].partitions, &sc[k].changed, &sc[k].txns,
					  &sc[k].pp_bytes, &sc[k].pt_bytes, &sc[k].pp_watch,
					  &sc[k].pt_watch };

		for (i = 0; i < (int)(sizeof(all) / sizeof(all[0])); i++)
			free(all[i]->v);
	}
	free(tl.v);
	free(failed);
	return rc;
}
