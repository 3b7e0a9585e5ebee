/* bench_plan — the controller's whole planning step (plan_compute) at scale.
 *
 * DESIGN §12: on the synthetic TED of bench/synth_ted.c (default 1,000 routers / 4,000
 * links, shared with bench_cspf) made encodable — every router a TE router ID and an
 * SRv6 locator with End, End.DT6 and End.DX4 SIDs, every link an End.X SID and a name
 * from a speakers/<node> value — R LSP requests (default R = 1,000 and 10,000; random
 * head/tail, 10..200 Mb/s, setup priority 0..7 with a hold priority 0..setup, a fraction
 * (20 %) with protection "link"; JSON values at one revision) go through
 * te-controller/plan.c plan_compute three ways, as the leader runs it: cold (no held
 * te/paths, the first computation); steady state (again, with prev_paths = the te/paths
 * values of the previous result, what a leader does on an unrelated input change; the
 * output must be byte-identical, jx_dumps, and is reported so); and after the busiest
 * link (the one most LSPs reserve on) goes away in both directions (its two routers'
 * LSPs re-committed without it) with the steady state's te/paths held: how many LSPs
 * moved (plan_stats.moved; re-optimized and preempted counted from the reasons) and how
 * many keys changed. Each is the median of a few runs, CPU and wall time, with the
 * minor page faults of a call and its RSS (holding the result, and peak during it);
 * beside them what validation alone (validate_lsp_request, into fresh and into reused
 * memory) and placement alone (cspf_place on the same requests) take, and the output's
 * serialisation (jx_dumps). Each R runs in its own child process so its RSS is its
 * own. --protection node makes the protected fraction node-protected. Prints markdown
 * for docs/benchmarks.md (bench/run-plan.sh). Timings are never pass/fail.
 * Usage: bench_plan [--nodes N] [--links L] [--lsps R[,R...]] [--protect PCT]
 *        [--protection link|node] [--runs K] */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/synth_ted.h"
#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/plan.h"
#include "te-controller/ted.h"
#include "bench/bench_clock.h"

#define MAX_RUNS 9
#define MAX_SIZES 8

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), bench_cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

static long vm_kb(const char *field)
{
	char line[256];
	long kb = -1;
	FILE *f = fopen("/proc/self/status", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strncmp(line, field, strlen(field)) == 0) {
			kb = atol(line + strlen(field));
			break;
		}
	fclose(f);
	return kb;
}

static long peak_kb; /* the process's peak RSS across hwm_reset()s */

/* Forget the peak RSS so far (Linux: VmHWM restarts from the current RSS); the
 * process-wide peak is kept in peak_kb. */
static void hwm_reset(void)
{
	long hwm = vm_kb("VmHWM:");
	FILE *f = fopen("/proc/self/clear_refs", "w");

	if (hwm > peak_kb)
		peak_kb = hwm;

	if (f) {
		fputs("5", f);
		fclose(f);
	}
}

static long minflt(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_minflt;
}

/* What one child measures for one R (sent to the parent through a pipe). */
struct timing {
	double cpu, wall; /* medians */
	long faults;      /* minor page faults, median */
	long rss_kb, hwm_kb; /* after the first call (its result held) / peak during it */
};

struct result {
	int ok;
	uint32_t nodes, links, lsps, protected_lsps;
	double t_build;
	struct timing cold, steady, down, validate, validate_warm, place, dumps;
	struct plan_stats st_cold, st_steady, st_down;
	int placed_alone;
	size_t keys, bytes, keys_changed_down;
	bool steady_identical, steady_equal, deterministic;
	char busy[KEYS_LINK_STRLEN];
	size_t busy_lsps, reoptimized_down, preempted_down;
	double t_drop;
	long rss_before_kb, rss_peak_kb;
	int runs;
};

/* te/paths/<lsp> values of a plan result, by LSP name (what etcd would hold). */
static json_t *prev_paths(const keys_t *k, const json_t *desired)
{
	char pfx[KEYS_MAX];
	json_t *o = json_object(), *v;
	const char *key;
	size_t l;

	snprintf(pfx, sizeof(pfx), "%ste/paths/", keys_root(k));
	l = strlen(pfx);
	json_object_foreach((json_t *)desired, key, v)
		if (strncmp(key, pfx, l) == 0)
			json_object_set(o, key + l, v);
	return o;
}

/* The named link with the most reservations in te/links, and how many. */
static size_t busiest_link(const keys_t *k, const json_t *desired, char *name, size_t len)
{
	char pfx[KEYS_MAX];
	const char *key;
	json_t *v;
	size_t best = 0, l;

	snprintf(pfx, sizeof(pfx), "%ste/links/", keys_root(k));
	l = strlen(pfx);
	name[0] = 0;
	json_object_foreach((json_t *)desired, key, v) {
		size_t n = json_array_size(json_object_get(v, "lsps"));

		if (strncmp(key, pfx, l) == 0 && n > best) {
			best = n;
			snprintf(name, len, "%s", json_string_value(json_object_get(v, "link")));
		}
	}
	return best;
}

static size_t keys_changed(const json_t *a, const json_t *b)
{
	const char *key;
	json_t *v;
	size_t n = 0;

	json_object_foreach((json_t *)a, key, v)
		n += !json_equal(v, json_object_get(b, key));
	json_object_foreach((json_t *)b, key, v)
		n += json_object_get(a, key) == NULL;
	return n;
}

/* Run plan_compute `runs` times; *out = the last result (the earlier ones must be
 * equal to it: the plan is a pure function). */
static int timed_plan(const struct plan_input *in, struct cspf_ws *ws, int runs,
		      struct timing *tm, json_t **out, struct plan_stats *st, bool *same)
{
	double w[MAX_RUNS], c[MAX_RUNS], f[MAX_RUNS];
	json_t *prev = NULL;

	*same = true;
	for (int r = 0; r < runs; r++) {
		double t0, c0;
		long f0;
		int rc;

		if (r == 0)
			hwm_reset();
		f0 = minflt();
		t0 = bench_now();
		c0 = bench_cpu();
		rc = plan_compute(in, ws, out, st);
		w[r] = bench_now() - t0;
		c[r] = bench_cpu() - c0;
		f[r] = (double)(minflt() - f0);
		if (r == 0) {
			tm->rss_kb = vm_kb("VmRSS:");
			tm->hwm_kb = vm_kb("VmHWM:");
		}
		if (rc < 0) {
			fprintf(stderr, "plan_compute: %s\n", strerror(-rc));
			json_decref(prev);
			return rc;
		}
		if (prev) {
			*same = *same && json_equal(prev, *out);
			json_decref(prev);
		}
		prev = *out;
	}
	tm->wall = median(w, runs);
	tm->cpu = median(c, runs);
	tm->faults = (long)median(f, runs);
	return 0;
}

/* te/paths values whose reason mentions `what`. */
static size_t reasons_with(const keys_t *k, const json_t *desired, const char *what)
{
	char pfx[KEYS_MAX];
	const char *key;
	json_t *v;
	size_t n = 0, l;

	snprintf(pfx, sizeof(pfx), "%ste/paths/", keys_root(k));
	l = strlen(pfx);
	json_object_foreach((json_t *)desired, key, v) {
		const char *r = json_string_value(json_object_get(v, "reason"));

		n += strncmp(key, pfx, l) == 0 && r && strstr(r, what);
	}
	return n;
}

static bool bytes_equal(const json_t *a, const json_t *b, size_t *len)
{
	char *x = jx_dumps(a), *y = jx_dumps(b);
	bool eq = x && y && strcmp(x, y) == 0;

	if (len)
		*len = x ? strlen(x) : 0;
	free(x);
	free(y);
	return eq;
}

static int run(uint32_t n, uint32_t n_cables, uint32_t n_lsps, uint32_t protect_pct,
	       const char *protection, int runs, struct result *res)
{
	struct synth_ted syn;
	struct plan_request *reqs = calloc(n_lsps, sizeof(*reqs));
	json_t **vals = calloc(n_lsps, sizeof(*vals));
	char (*names)[16] = calloc(n_lsps, sizeof(*names));
	struct lsp_request *parsed = calloc(n_lsps, sizeof(*parsed));
	struct cspf_place_item *items = calloc(n_lsps, sizeof(*items));
	struct cspf_result *cres = calloc(n_lsps, sizeof(*cres));
	struct cspf_ws *ws = cspf_ws_new();
	json_t *cold = NULL, *steady = NULL, *down = NULL, *held = NULL;
	struct plan_input in = { 0 };
	char err[512] = "";
	double t0, c0, w[MAX_RUNS], c[MAX_RUNS];
	keys_t keys;
	ted_t t;
	bool same;
	int rc;

	memset(res, 0, sizeof(*res));
	res->runs = runs;
	res->lsps = n_lsps;
	if (!reqs || !vals || !names || !parsed || !items || !cres || !ws)
		return -ENOMEM;
	keys_init(&keys, NULL);
	ted_init(&t);
	t0 = bench_now();
	if (synth_ted_make(&syn, n, n_cables, true) < 0 ||
	    synth_ted_load(&syn, &t, err, sizeof(err)) < 0) {
		fprintf(stderr, "TED build failed: %s\n", err);
		return -EINVAL;
	}
	res->t_build = bench_now() - t0;
	res->nodes = t.n_nodes;
	res->links = t.n_links;
	for (uint32_t i = 0; i < n_lsps; i++) {
		uint32_t a = synth_rnd(n), b = synth_rnd(n - 1);
		uint32_t setup = synth_rnd(8), hold = synth_rnd(setup + 1);
		bool prot = synth_rnd(100) < protect_pct;
		char from[16], to[16];

		if (b >= a)
			b++;
		snprintf(from, sizeof(from), "n%u", a);
		snprintf(to, sizeof(to), "n%u", b);
		snprintf(names[i], sizeof(names[i]), "lsp%05u", i);
		vals[i] = json_pack("{s:s, s:s, s:I, s:i, s:i}", "from", from, "to", to, "bandwidth",
				    (json_int_t)(10000000ll * (1 + synth_rnd(20))), "setup_priority",
				    (int)setup, "hold_priority", (int)hold);
		if (prot) {
			json_object_set_new(vals[i], "protection", json_string(protection));
			res->protected_lsps++;
		}
		reqs[i] = (struct plan_request){ .name = names[i], .value = vals[i],
						 .revision = 42 };
	}
	in = (struct plan_input){ .keys = &keys, .ted = &t, .reqs = reqs, .n_reqs = n_lsps,
				  .now = "2026-11-22T08:00:00Z" };
	res->rss_before_kb = vm_kb("VmRSS:");

	/* 1. cold */
	if ((rc = timed_plan(&in, ws, runs, &res->cold, &cold, &res->st_cold, &same)) < 0)
		return rc;
	res->deterministic = same;
	res->keys = json_object_size(cold);
	for (int r = 0; r < runs; r++) {
		char *s;

		t0 = bench_now();
		c0 = bench_cpu();
		s = jx_dumps(cold);
		w[r] = bench_now() - t0;
		c[r] = bench_cpu() - c0;
		res->bytes = s ? strlen(s) : 0;
		free(s);
	}
	res->dumps.wall = median(w, runs);
	res->dumps.cpu = median(c, runs);

	/* the cold run's parts alone: validation into fresh memory (plan_compute callocs
	 * its items per call), into reused memory, then placement of the same requests */
	for (int r = 0; r < runs; r++) {
		struct lsp_request *fresh = calloc(n_lsps, sizeof(*fresh));

		if (!fresh)
			return -ENOMEM;
		t0 = bench_now();
		c0 = bench_cpu();
		for (uint32_t i = 0; i < n_lsps; i++)
			validate_lsp_request(vals[i], &fresh[i], err, sizeof(err));
		w[r] = bench_now() - t0;
		c[r] = bench_cpu() - c0;
		free(fresh);
	}
	res->validate.wall = median(w, runs);
	res->validate.cpu = median(c, runs);
	for (uint32_t i = 0; i < n_lsps; i++) /* touch once */
		validate_lsp_request(vals[i], &parsed[i], err, sizeof(err));
	for (int r = 0; r < runs; r++) {
		t0 = bench_now();
		c0 = bench_cpu();
		for (uint32_t i = 0; i < n_lsps; i++)
			validate_lsp_request(vals[i], &parsed[i], err, sizeof(err));
		w[r] = bench_now() - t0;
		c[r] = bench_cpu() - c0;
	}
	res->validate_warm.wall = median(w, runs);
	res->validate_warm.cpu = median(c, runs);
	for (uint32_t i = 0; i < n_lsps; i++)
		items[i] = (struct cspf_place_item){ .name = names[i], .req = &parsed[i] };
	for (int r = 0; r < runs; r++) {
		struct cspf_overlay ov;

		cspf_overlay_init(&ov, &t);
		t0 = bench_now();
		c0 = bench_cpu();
		res->placed_alone = cspf_place(&t, items, n_lsps, &ov, ws, cres, NULL);
		w[r] = bench_now() - t0;
		c[r] = bench_cpu() - c0;
		cspf_overlay_free(&ov);
	}
	res->place.wall = median(w, runs);
	res->place.cpu = median(c, runs);

	/* 2. steady state: the held te/paths are the previous result's */
	held = prev_paths(&keys, cold);
	in.prev_paths = held;
	in.now = "2026-11-22T08:05:00Z";
	if ((rc = timed_plan(&in, ws, runs, &res->steady, &steady, &res->st_steady, &same)) < 0)
		return rc;
	res->deterministic = res->deterministic && same;
	res->steady_equal = json_equal(cold, steady);
	res->steady_identical = bytes_equal(cold, steady, NULL);

	/* 3. the busiest link goes away (both directions); the steady result is held */
	res->busy_lsps = busiest_link(&keys, cold, res->busy, sizeof(res->busy));
	{
		const char *colon = strchr(res->busy, ':');
		uint32_t cab = colon && colon[1] == 'e' ? (uint32_t)atol(colon + 2) : SYNTH_NONE;
		uint32_t l = ted_link_find(&t, res->busy);

		if (cab >= syn.n_cables || l == TED_NONE) {
			fprintf(stderr, "busiest link %s not found\n", res->busy);
			return -EINVAL;
		}
		/* LSPs on either direction (a simple path cannot use both) */
		char rev[KEYS_LINK_STRLEN + 16], key[KEYS_MAX];

		snprintf(rev, sizeof(rev), "%s", t.links[t.links[l].reverse].name);
		snprintf(key, sizeof(key), "%ste/links/%s", keys_root(&keys), rev);
		res->busy_lsps += json_array_size(json_object_get(json_object_get(cold, key),
								  "lsps"));
		t0 = bench_now();
		if (synth_ted_drop_cable(&syn, &t, cab, err, sizeof(err)) < 0) {
			fprintf(stderr, "dropping %s: %s\n", res->busy, err);
			return -EINVAL;
		}
		res->t_drop = bench_now() - t0;
	}
	json_decref(held);
	held = prev_paths(&keys, steady);
	in.prev_paths = held;
	in.now = "2026-11-22T08:10:00Z";
	if ((rc = timed_plan(&in, ws, runs, &res->down, &down, &res->st_down, &same)) < 0)
		return rc;
	res->deterministic = res->deterministic && same;
	res->keys_changed_down = keys_changed(steady, down);
	res->reoptimized_down = reasons_with(&keys, down, "re-optimized");
	res->preempted_down = reasons_with(&keys, down, "preempted");
	hwm_reset();
	res->rss_peak_kb = peak_kb;
	res->ok = 1;

	json_decref(cold);
	json_decref(steady);
	json_decref(down);
	json_decref(held);
	for (uint32_t i = 0; i < n_lsps; i++) {
		json_decref(vals[i]);
		cspf_result_free(&cres[i]);
	}
	cspf_ws_free(ws);
	ted_free(&t);
	synth_ted_free(&syn);
	free(reqs);
	free(vals);
	free(names);
	free(parsed);
	free(items);
	free(cres);
	return 0;
}

static void ms(const struct timing *tm, char *buf, size_t len)
{
	int d = tm->wall < 0.01 ? 1 : 0;

	snprintf(buf, len, "%.*f / %.*f ms", d, tm->cpu * 1e3, d, tm->wall * 1e3);
}

int main(int argc, char **argv)
{
	uint32_t n = 1000, n_cables = 4000, protect = 20, sizes[MAX_SIZES] = { 1000, 10000 };
	const char *protection = "link";
	int n_sizes = 2, runs = 3;
	struct result res[MAX_SIZES];

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--nodes")) {
			n = (uint32_t)atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--links")) {
			n_cables = (uint32_t)atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--protect")) {
			protect = (uint32_t)atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--protection")) {
			protection = argv[i + 1];
		} else if (!strcmp(argv[i], "--runs")) {
			runs = atoi(argv[i + 1]);
		} else if (!strcmp(argv[i], "--lsps")) {
			char *p = argv[i + 1];

			for (n_sizes = 0; *p && n_sizes < MAX_SIZES; n_sizes++) {
				sizes[n_sizes] = (uint32_t)strtoul(p, &p, 10);
				if (*p == ',')
					p++;
			}
		}
	}
	for (int i = 0; i < n_sizes; i++)
		if (sizes[i] == 0)
			n_sizes = 0;
	if (n < 3 || n_cables < n || n_sizes == 0 || runs < 1 || runs > MAX_RUNS ||
	    protect > 100 || (strcmp(protection, "link") && strcmp(protection, "node"))) {
		fprintf(stderr, "usage: bench_plan [--nodes N>=3] [--links L>=N] [--lsps R[,R...]] "
				"[--protect PCT] [--protection link|node] [--runs 1..%d]\n",
			MAX_RUNS);
		return 2;
	}
	/* one child per R: its peak RSS is its own */
	for (int i = 0; i < n_sizes; i++) {
		int fd[2], status;
		pid_t pid;

		memset(&res[i], 0, sizeof(res[i]));
		fflush(NULL);
		if (pipe(fd) < 0 || (pid = fork()) < 0) {
			perror("fork");
			return 1;
		}
		if (pid == 0) {
			struct result r;

			close(fd[0]);
			run(n, n_cables, sizes[i], protect, protection, runs, &r);
			_exit(write(fd[1], &r, sizeof(r)) == (ssize_t)sizeof(r) ? 0 : 1);
		}
		close(fd[1]);
		if (read(fd[0], &res[i], sizeof(res[i])) != (ssize_t)sizeof(res[i]))
			res[i].ok = 0;
		close(fd[0]);
		waitpid(pid, &status, 0);
		if (!res[i].ok) {
			fprintf(stderr, "run with %u LSPs failed (child status %#x)\n", sizes[i],
				status);
			return 1;
		}
	}

	char a[64];

	printf("TED: %u nodes, %u links (%u directed, all named and SRv6-encodable), built from "
	       "JSON in %.0f ms; %u%% of LSPs with protection \"%s\"; median of %d runs, CPU / "
	       "wall; a parsed request (struct lsp_request) is %zu bytes\n\n", res[0].nodes,
	       n_cables, res[0].links, res[0].t_build * 1e3, protect, protection, runs,
	       sizeof(struct lsp_request));
	printf("| metric |");
	for (int i = 0; i < n_sizes; i++)
		printf(" R = %u |", res[i].lsps);
	printf("\n| --- |");
	for (int i = 0; i < n_sizes; i++)
		printf(" --- |");
#define ROW(label, ...)                                                                  \
	do {                                                                             \
		printf("\n| %s |", label);                                               \
		for (int i = 0; i < n_sizes; i++) {                                      \
			const struct result *r = &res[i];                                \
			__VA_ARGS__;                                                     \
		}                                                                        \
	} while (0)
	ROW("1. cold plan_compute (no held paths)", ms(&r->cold, a, sizeof(a)); printf(" **%s** |", a));
	ROW("up / down / invalid; bypasses; unprotected",
	    printf(" %zu / %zu / %zu; %zu; %zu |", r->st_cold.up, r->st_cold.down,
		   r->st_cold.invalid, r->st_cold.bypasses, r->st_cold.unprotected));
	ROW("output keys, bytes (jx_dumps)", printf(" %zu, %.1f MB |", r->keys, r->bytes / 1e6));
	ROW("minor page faults per call", printf(" %ld |", r->cold.faults));
	ROW("RSS: before / holding the result / peak during the call",
	    printf(" %.0f / %.0f / %.0f MiB |", r->rss_before_kb / 1024.0,
		   r->cold.rss_kb / 1024.0, r->cold.hwm_kb / 1024.0));
	ROW("of which validation alone (validate_lsp_request): into fresh memory / reused",
	    ms(&r->validate, a, sizeof(a)); printf(" %s", a);
	    ms(&r->validate_warm, a, sizeof(a)); printf(" / %s |", a));
	ROW("of which placement alone (cspf_place, same requests)",
	    ms(&r->place, a, sizeof(a)); printf(" %s (%d placed) |", a, r->placed_alone));
	ROW("jx_dumps of the output (not in plan_compute)",
	    ms(&r->dumps, a, sizeof(a)); printf(" %s |", a));
	ROW("2. steady state (prev_paths = last te/paths)",
	    ms(&r->steady, a, sizeof(a)); printf(" **%s** |", a));
	ROW("output byte-identical to the previous",
	    printf(" %s (moved %zu) |", r->steady_identical ? "yes" : r->steady_equal ?
		   "equal, bytes differ" : "**no**", r->st_steady.moved));
	ROW("3. busiest link removed: the link, LSPs on it",
	    printf(" %s, %zu |", r->busy, r->busy_lsps));
	ROW("TED update + commit", printf(" %.1f ms |", r->t_drop * 1e3));
	ROW("plan_compute with prev_paths", ms(&r->down, a, sizeof(a)); printf(" **%s** |", a));
	ROW("moved (of which re-optimized / preempted) / down; keys changed",
	    printf(" %zu (%zu / %zu) / %zu; %zu |", r->st_down.moved, r->reoptimized_down,
		   r->preempted_down, r->st_down.down, r->keys_changed_down));
	ROW("repeated runs equal (pure function)", printf(" %s |", r->deterministic ? "yes" : "**no**"));
	ROW("peak RSS of the benchmark (up to 4 results held)",
	    printf(" %.0f MiB |", r->rss_peak_kb / 1024.0));
	printf("\n");
	return 0;
}
