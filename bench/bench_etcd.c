/* bench_etcd — kvte's etcd client against etcdctl on the same server, in one run.
 *
 * Writes N small keys and reads them back by prefix, four ways: kvte batched (txns of
 * 128 puts via ETCD_TXN_SPLIT, several split streams in flight at once), kvte single
 * puts (max_inflight concurrent requests on kept-alive connections), etcdctl in its
 * txn batch mode (one process per 128-put txn, run one at a time and 8 at a time), and
 * reads (kvte one range / paginated range vs `etcdctl get --prefix`). Then the watch
 * latency put -> event (p50/p99) over sequential puts. Starts a private etcd with
 * tests/support/etcd_harness unless --endpoints is given. Results go to
 * docs/benchmarks.md (run by bench/run-etcd.sh); timings are never pass/fail. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "lib/etcd/etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

static uv_loop_t loop;
static etcd_client *c;
static const char *endpoints;
static size_t n_keys = 10000, value_bytes = 100, watch_samples = 1000;
static char *value;

static double now_s(void)
{
	return (double)uv_hrtime() / 1e9;
}

static void key_of(char *buf, size_t len, const char *prefix, size_t i)
{
	snprintf(buf, len, "/bench/%s/%06zu", prefix, i);
}

/* ---- kvte batched ------------------------------------------------------------------ */

struct batch_state {
	unsigned outstanding;
	bool done, failed;
};

static void batch_done(etcd_client *cl, const struct etcd_result *res, void *arg)
{
	struct batch_state *s = arg;

	(void)cl;
	if (res->err.code != ETCD_OK) {
		fprintf(stderr, "batch failed: %s\n", res->err.msg);
		s->failed = true;
	}
	if (--s->outstanding == 0)
		s->done = true;
}

static double kvte_batched(const char *prefix, unsigned streams)
{
	struct batch_state s = { 0 };
	size_t per = (n_keys + streams - 1) / streams, i;
	char key[64];
	double t0 = now_s();
	unsigned k;

	for (k = 0; k < streams; k++) {
		etcd_txn *t = etcd_txn_new();

		for (i = k * per; i < (k + 1) * per && i < n_keys; i++) {
			key_of(key, sizeof(key), prefix, i);
			etcd_txn_put(t, ETCD_SUCCESS, key, value, value_bytes, 0);
		}
		s.outstanding++;
		etcd_txn_commit(c, t, ETCD_TXN_SPLIT, batch_done, &s);
	}
	run_until(&loop, &s.done, 120000);
	return s.failed ? -1 : now_s() - t0;
}

/* ---- kvte single puts ---------------------------------------------------------------- */

static double kvte_puts(const char *prefix)
{
	struct batch_state s = { 0 };
	char key[64];
	double t0 = now_s();
	size_t i;

	for (i = 0; i < n_keys; i++) {
		key_of(key, sizeof(key), prefix, i);
		s.outstanding++;
		etcd_put(c, key, value, value_bytes, NULL, batch_done, &s);
	}
	run_until(&loop, &s.done, 120000);
	return s.failed ? -1 : now_s() - t0;
}

/* ---- reads -------------------------------------------------------------------------- */

static double kvte_read(const char *prefix, size_t page, size_t *got)
{
	struct sync_result r = { 0 };
	struct etcd_range_opts ro = { .prefix = true, .page_size = page };
	char p[64];
	double t0 = now_s(), dt;

	snprintf(p, sizeof(p), "/bench/%s/", prefix);
	etcd_range(c, p, &ro, sync_cb, &r);
	sync_wait(&loop, &r, 60000);
	dt = now_s() - t0;
	*got = r.n_kvs;
	if (r.code != ETCD_OK)
		fprintf(stderr, "read failed: %s\n", r.msg);
	sync_clear(&r);
	return dt;
}

/* ---- etcdctl ------------------------------------------------------------------------ */

static FILE *start_etcdctl_txn(void)
{
	char cmd[1024];

	snprintf(cmd, sizeof(cmd),
		 "ETCDCTL_API=3 etcdctl --endpoints=%s txn --interactive=false >/dev/null",
		 endpoints);
	return popen(cmd, "w");
}

static double etcdctl_batches(const char *prefix, unsigned parallel)
{
	size_t batches = (n_keys + 127) / 128, b = 0, i;
	FILE **running = calloc(parallel, sizeof(FILE *));
	double t0 = now_s();
	unsigned slot;
	char key[64];
	int failed = 0;

	while (b < batches) {
		for (slot = 0; slot < parallel && b < batches; slot++, b++) {
			running[slot] = start_etcdctl_txn();
			fputs("\n", running[slot]); /* no compares */
			for (i = b * 128; i < (b + 1) * 128 && i < n_keys; i++) {
				key_of(key, sizeof(key), prefix, i);
				fprintf(running[slot], "put %s %s\n", key, value);
			}
			fputs("\n\n", running[slot]); /* end of success, empty failure */
		}
		for (unsigned j = 0; j < slot; j++)
			if (pclose(running[j]) != 0)
				failed++;
	}
	free(running);
	if (failed)
		fprintf(stderr, "etcdctl: %d txn processes failed\n", failed);
	return failed ? -1 : now_s() - t0;
}

static double etcdctl_read(const char *prefix, size_t *lines)
{
	char cmd[1024], buf[4096];
	double t0 = now_s();
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "ETCDCTL_API=3 etcdctl --endpoints=%s get --prefix /bench/%s/", endpoints,
		 prefix);
	f = popen(cmd, "r");
	*lines = 0;
	while (f && fgets(buf, sizeof(buf), f))
		if (buf[0] == '/')
			(*lines)++;
	if (f)
		pclose(f);
	return now_s() - t0;
}

/* ---- watch latency ---------------------------------------------------------------- */

struct wl {
	double sent;
	double *lat;
	size_t n;
	bool got, ready;
};

static void wl_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	(void)w;
	(void)snap;
	(void)resync;
	((struct wl *)arg)->ready = true;
}

static void wl_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t rev,
		      void *arg)
{
	struct wl *s = arg;

	(void)w;
	(void)ev;
	(void)rev;
	s->lat[s->n++] = (now_s() - s->sent) * 1000.0;
	s->got = true;
	(void)n;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static void watch_latency(double *p50, double *p99, double *max)
{
	struct wl s = { 0 };
	struct etcd_watch_cbs cbs = { .snapshot = wl_snapshot, .events = wl_events };
	struct etcd_watch_opts wo = { .prefix = true };
	etcd_watch *w;
	char key[64];
	size_t i;

	s.lat = calloc(watch_samples, sizeof(double));
	w = etcd_watch_start(c, "/bench/w/", &wo, &cbs, &s);
	run_until(&loop, &s.ready, 10000);
	run_for(&loop, 200); /* let the stream be created */
	for (i = 0; i < watch_samples; i++) {
		key_of(key, sizeof(key), "w", i % 16);
		s.got = false;
		s.sent = now_s();
		etcd_put(c, key, value, value_bytes, NULL, NULL, NULL);
		if (!run_until(&loop, &s.got, 5000))
			break;
	}
	etcd_watch_cancel(w);
	qsort(s.lat, s.n, sizeof(double), cmp_double);
	*p50 = s.n ? s.lat[s.n / 2] : -1;
	*p99 = s.n ? s.lat[(s.n * 99) / 100 - (s.n >= 100 ? 1 : 0)] : -1;
	*max = s.n ? s.lat[s.n - 1] : -1;
	free(s.lat);
}

int main(int argc, char **argv)
{
	struct etcd_harness h;
	struct etcd_client_opts o = { .name = "bench", .max_inflight = 64,
				      .request_timeout_ms = 30000 };
	double t_batch, t_batch1, t_puts, t_ctl1, t_ctl8, t_read, t_read_pg, t_ctl_read;
	double p50, p99, pmax;
	size_t got1, got2, got3;
	bool own = false;
	int i;

	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--endpoints") && i + 1 < argc)
			endpoints = argv[++i];
		else if (!strcmp(argv[i], "--keys") && i + 1 < argc)
			n_keys = strtoul(argv[++i], NULL, 10);
		else if (!strcmp(argv[i], "--watch-samples") && i + 1 < argc)
			watch_samples = strtoul(argv[++i], NULL, 10);
		else {
			fprintf(stderr,
				"usage: %s [--endpoints URL] [--keys N] [--watch-samples M]\n",
				argv[0]);
			return 2;
		}
	}
	if (!endpoints) {
		if (etcd_harness_start(NULL, &h) < 0) {
			fprintf(stderr, "bench: cannot start etcd: %s\n", h.err);
			return 1;
		}
		own = true;
		endpoints = h.endpoints;
	}
	value = malloc(value_bytes + 1);
	memset(value, 'x', value_bytes);
	value[value_bytes] = '\0';
	uv_loop_init(&loop);
	c = test_client(&loop, endpoints, &o);
	if (!c)
		return 1;

	printf("bench_etcd: %zu keys of %zu-byte values, etcd at %s\n", n_keys, value_bytes,
	       endpoints);
	t_batch1 = kvte_batched("kvte-batch1", 1);
	t_batch = kvte_batched("kvte-batch", 8);
	t_puts = kvte_puts("kvte-put");
	t_ctl1 = etcdctl_batches("ctl1", 1);
	t_ctl8 = etcdctl_batches("ctl8", 8);
	t_read = kvte_read("kvte-batch", 0, &got1);
	t_read_pg = kvte_read("kvte-batch", 1000, &got2);
	t_ctl_read = etcdctl_read("ctl8", &got3);
	watch_latency(&p50, &p99, &pmax);

	printf("\n| what | time | keys/s | vs etcdctl txn (8 parallel) |\n|---|---|---|---|\n");
#define ROW(name, t) printf("| %s | %.3f s | %.0f | %.2fx |\n", name, t, n_keys / (t), t_ctl8 / (t))
	ROW("kvte: 128-put txns, 1 stream", t_batch1);
	ROW("kvte: 128-put txns, 8 streams", t_batch);
	ROW("kvte: single puts, 64 in flight", t_puts);
	ROW("etcdctl txn (128 puts/process), 1 at a time", t_ctl1);
	ROW("etcdctl txn (128 puts/process), 8 at a time", t_ctl8);
	printf("\n| read back %zu keys by prefix | time | vs etcdctl |\n|---|---|---|\n", n_keys);
	printf("| kvte: one range (%zu keys) | %.3f s | %.2fx |\n", got1, t_read,
	       t_ctl_read / t_read);
	printf("| kvte: pages of 1000 at one revision (%zu keys) | %.3f s | %.2fx |\n", got2,
	       t_read_pg, t_ctl_read / t_read_pg);
	printf("| etcdctl get --prefix (%zu keys) | %.3f s | 1.00x |\n", got3,
	       t_ctl_read);
	printf("\nwatch latency put -> event over %zu sequential puts: p50 %.2f ms, p99 %.2f ms, "
	       "max %.2f ms\n", watch_samples, p50, p99, pmax);

	test_client_close(&loop, c);
	uv_loop_close(&loop);
	free(value);
	if (own)
		etcd_harness_stop(&h);
	return (t_batch < 0 || t_puts < 0 || t_ctl8 < 0) ? 1 : 0;
}
