/* test_etcd_cluster — lib/etcd against a 3-member etcd 3.4 cluster on loopback.
 *
 * Each test starts its own cluster (tests/support/etcd_harness) and uv loop.
 * - Fail-over under load: a watch client and a writer (both knowing all three
 *   endpoints); the writer puts /t/fo/NNNNNN = N one after the other while the member
 *   the watch client uses is SIGKILLed: once as the leader (moved there first with
 *   etcdctl move-leader), once as a follower. The client moves to another
 *   endpoint, every put eventually succeeds, and the watch delivers every revision of
 *   the prefix exactly once, in order, without a gap (events are checked against the
 *   writer's acknowledged revisions and a final range), going disconnected -> connected.
 * - A member that is down before the client exists: the first request fails over (and
 *   the log says so) and succeeds.
 * - All members down (two SIGKILLed, the third frozen with SIGSTOP: the harness can only
 *   restart a member while a quorum can form, so one member is kept and thawed first):
 *   requests end with ETCD_ERR_UNAVAILABLE once request_timeout_ms has passed, both when
 *   every endpoint refuses and when one accepts but never answers; after the members are
 *   back new requests succeed and the watch that was open resumes with no gap.
 * Callbacks only record; the test bodies assert. KVTE_TEST_ONLY=<test> runs one test,
 * KVTE_TEST_DEBUG=1 adds etcd debug logs. */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "lib/log.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

#define MAX_PUTS 20000
#define MAX_CLIENTS 4

static struct etcd_harness h;
static bool h_started;
static int frozen = -1; /* member stopped with SIGSTOP, thawed in teardown */
static uv_loop_t loop;
static etcd_client *cl[MAX_CLIENTS];

/* ---- waiting ------------------------------------------------------------------------- */

/* Conditions that are not a single flag (counts reaching a value) are polled every
 * 10 ms; single flags use etcd_sync's run_until/sync_wait. */
struct cond_wait {
	bool (*pred)(void *);
	void *arg;
	bool met;
};

static void cond_poll(uv_timer_t *t)
{
	struct cond_wait *cw = t->data;

	if (cw->pred(cw->arg))
		cw->met = true;
}

static void cond_closed(uv_handle_t *hd)
{
	(void)hd;
}

/* Run the loop until pred(arg) holds (checked every 10 ms) or timeout_ms. */
static bool wait_for(bool (*pred)(void *), void *arg, unsigned timeout_ms)
{
	struct cond_wait cw = { pred, arg, pred(arg) };
	uv_timer_t t;

	if (cw.met)
		return true;
	uv_timer_init(&loop, &t);
	t.data = &cw;
	uv_timer_start(&t, cond_poll, 10, 10);
	run_until(&loop, &cw.met, timeout_ms);
	uv_close((uv_handle_t *)&t, cond_closed);
	uv_run(&loop, UV_RUN_NOWAIT);
	return pred(arg);
}

static bool await_res(struct sync_result *r, unsigned timeout_ms)
{
	return sync_wait(&loop, r, timeout_ms);
}

/* ---- watch recorder ------------------------------------------------------------------- */

struct ev_rec {
	int64_t rev;
	int seq;     /* from the key's NNNNNN, -1 if the key is not a writer key */
	char key[48];
};

struct crec {
	etcd_watch *w;
	const char *prefix;
	bool got_snapshot;
	unsigned n_snap;
	int64_t snap_rev;
	size_t snap_n;
	struct ev_rec *ev;
	size_t n_ev, cap;
	bool bad_event;    /* not a PUT, or value != the key's number */
	char bad_what[160];
	int64_t last_rev;  /* newest event revision */
	/* status */
	unsigned n_up, n_down;
	bool connected, disconnected;
	int phase;                 /* set by the test: 1 once the trouble started */
	bool down_in_phase, up_after_down_in_phase;
	enum etcd_errc down_code;
	char down_msg[256];
};

static void on_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct crec *r = arg;

	(void)w;
	r->n_snap++;
	r->got_snapshot = true;
	r->snap_rev = snap->revision;
	r->snap_n = snap->n_kvs;
	if (resync) {
		r->bad_event = true;
		snprintf(r->bad_what, sizeof(r->bad_what), "unexpected resync snapshot at %" PRId64,
			 snap->revision);
	}
}

static void on_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t revision,
		      void *arg)
{
	struct crec *r = arg;
	size_t i, plen = strlen(r->prefix);

	(void)w;
	(void)revision;
	for (i = 0; i < n; i++) {
		struct ev_rec *e;
		const char *key = ev[i].kv.key;
		char *end;
		long seq = -1;

		if (r->n_ev == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 1024;
			struct ev_rec *p = realloc(r->ev, cap * sizeof(*p));

			if (!p) {
				r->bad_event = true;
				snprintf(r->bad_what, sizeof(r->bad_what), "out of memory");
				return;
			}
			r->ev = p;
			r->cap = cap;
		}
		e = &r->ev[r->n_ev++];
		e->rev = ev[i].kv.mod_revision;
		snprintf(e->key, sizeof(e->key), "%s", key);
		if (!strncmp(key, r->prefix, plen) && key[plen] >= '0' && key[plen] <= '9') {
			seq = strtol(key + plen, &end, 10);
			if (*end)
				seq = -1;
		}
		e->seq = (int)seq;
		if (ev[i].type != ETCD_EVENT_PUT ||
		    (seq >= 0 && (ev[i].kv.value_len == 0 || atol(ev[i].kv.value) != seq))) {
			r->bad_event = true;
			snprintf(r->bad_what, sizeof(r->bad_what), "event %s = \"%s\" type %d at %" PRId64,
				 key, ev[i].kv.value, (int)ev[i].type, e->rev);
		}
		if (e->rev > r->last_rev)
			r->last_rev = e->rev;
	}
}

static void on_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		      void *arg)
{
	struct crec *r = arg;

	(void)w;
	(void)fatal;
	if (connected) {
		r->n_up++;
		r->connected = true;
		if (r->down_in_phase)
			r->up_after_down_in_phase = true;
	} else {
		r->n_down++;
		r->disconnected = true;
		if (r->phase) {
			r->down_in_phase = true;
			r->down_code = why ? why->code : ETCD_OK;
			snprintf(r->down_msg, sizeof(r->down_msg), "%s", why ? why->msg : "");
		}
	}
}

static const struct etcd_watch_cbs wcbs = { on_snapshot, on_events, on_status };

static struct crec g_rec;

static void watch(etcd_client *c, struct crec *r, const char *prefix)
{
	struct etcd_watch_opts o = { .prefix = true };

	free(r->ev);
	memset(r, 0, sizeof(*r));
	r->prefix = prefix;
	r->w = etcd_watch_start(c, prefix, &o, &wcbs, r);
	ck_assert_ptr_nonnull(r->w);
}

static bool rec_up(void *arg)
{
	return ((struct crec *)arg)->connected;
}

static bool rec_recovered(void *arg)
{
	return ((struct crec *)arg)->up_after_down_in_phase;
}

static bool rec_down(void *arg)
{
	return ((struct crec *)arg)->down_in_phase;
}

struct rev_target {
	struct crec *r;
	int64_t rev;
};

static bool rec_reached(void *arg)
{
	struct rev_target *t = arg;

	return t->r->last_rev >= t->rev;
}

/* Every event revision is the one after the previous, starting right after the
 * snapshot and ending at `last`: nothing lost, nothing twice, in order. */
static void check_contiguous(const struct crec *r, int64_t last)
{
	size_t i;

	ck_assert_msg(!r->bad_event, "bad event: %s", r->bad_what);
	ck_assert_uint_eq(r->n_snap, 1);
	ck_assert_uint_gt(r->n_ev, 0);
	ck_assert_msg(r->ev[0].rev == r->snap_rev + 1,
		      "first event at %" PRId64 ", snapshot at %" PRId64, r->ev[0].rev, r->snap_rev);
	for (i = 1; i < r->n_ev; i++)
		ck_assert_msg(r->ev[i].rev == r->ev[i - 1].rev + 1,
			      "event %zu (%s) at revision %" PRId64 " after %" PRId64
			      " (%s): %s", i, r->ev[i].key, r->ev[i].rev, r->ev[i - 1].rev,
			      r->ev[i - 1].key,
			      r->ev[i].rev <= r->ev[i - 1].rev ? "duplicate or out of order" : "gap");
	ck_assert_msg(r->ev[r->n_ev - 1].rev == last, "last event at %" PRId64 ", want %" PRId64,
		      r->ev[r->n_ev - 1].rev, last);
}

/* ---- the writer --------------------------------------------------------------------- */

/* Puts <prefix>NNNNNN = N for N = 0, 1, ... one after the other (the next once the
 * previous one is acknowledged). A put that fails with UNAVAILABLE is sent again. */
struct writer {
	etcd_client *c;
	const char *prefix;
	int seq;        /* next to put; all below are acknowledged */
	int64_t *rev;   /* revision of the acknowledged put of each seq */
	unsigned unavailable, attempts_this_seq;
	unsigned other_fail;
	enum etcd_errc other_code;
	char other_msg[512];
	uint64_t sent_at, max_latency_ms;
	bool stop, idle;
};

static struct writer g_wr;

static void writer_put(struct writer *w);

static void writer_cb(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct writer *w = arg;
	uint64_t took = uv_now(&loop) - w->sent_at;

	(void)c;
	if (took > w->max_latency_ms)
		w->max_latency_ms = took;
	if (res->err.code == ETCD_OK) {
		w->rev[w->seq++] = res->revision;
		w->attempts_this_seq = 0;
		if (w->stop || w->seq >= MAX_PUTS)
			w->idle = true;
		else
			writer_put(w);
		return;
	}
	if (res->err.code == ETCD_ERR_UNAVAILABLE && ++w->attempts_this_seq < 10) {
		w->unavailable++;
		fprintf(stderr, "writer: put %d unavailable after %" PRIu64 " ms (%s); again\n",
			w->seq, took, res->err.msg);
		writer_put(w);
		return;
	}
	if (res->err.code != ETCD_ERR_CANCELED) {
		w->other_fail++;
		w->other_code = res->err.code;
		snprintf(w->other_msg, sizeof(w->other_msg), "put %d: %s (%s)", w->seq,
			 etcd_errc_name(res->err.code), res->err.msg);
	}
	w->idle = true;
}

static void writer_put(struct writer *w)
{
	char key[64], val[32];
	int rc;

	snprintf(key, sizeof(key), "%s%06d", w->prefix, w->seq);
	snprintf(val, sizeof(val), "%d", w->seq);
	w->sent_at = uv_now(&loop);
	rc = etcd_put(w->c, key, val, strlen(val), NULL, writer_cb, w);
	if (rc < 0) {
		w->other_fail++;
		snprintf(w->other_msg, sizeof(w->other_msg), "etcd_put: %d", rc);
		w->idle = true;
	}
}

static void writer_start(struct writer *w, etcd_client *c, const char *prefix)
{
	w->c = c;
	w->prefix = prefix;
	w->idle = false;
	writer_put(w);
}

struct seq_target {
	struct writer *w;
	int seq;
};

static bool writer_reached(void *arg)
{
	struct seq_target *t = arg;

	return t->w->seq >= t->seq || t->w->idle;
}

static bool writer_idle(void *arg)
{
	return ((struct writer *)arg)->idle;
}

/* ---- fixture -------------------------------------------------------------------------- */

static void setup(void)
{
	free(g_rec.ev);
	memset(&g_rec, 0, sizeof(g_rec));
	memset(&g_wr, 0, sizeof(g_wr));
	g_wr.rev = calloc(MAX_PUTS, sizeof(int64_t));
	ck_assert_ptr_nonnull(g_wr.rev);
	g_wr.idle = true;
	memset(cl, 0, sizeof(cl));
	h_started = false;
	frozen = -1;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
}

/* Everything is closed and etcd stopped before anything is asserted, so a failed test
 * leaves no etcd behind. */
static void teardown(void)
{
	int rc_c = 0, rc_loop;
	size_t i;

	log_capture_stop();
	if (g_rec.w)
		etcd_watch_cancel(g_rec.w);
	g_rec.w = NULL;
	g_wr.stop = true;
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (cl[i] && test_client_close(&loop, cl[i]) != 0)
			rc_c = -1;
		cl[i] = NULL;
	}
	rc_loop = uv_loop_close(&loop);
	if (frozen >= 0 && h.m[frozen].pid > 0)
		kill(h.m[frozen].pid, SIGCONT);
	frozen = -1;
	if (h_started)
		etcd_harness_stop(&h);
	h_started = false;
	free(g_wr.rev);
	g_wr.rev = NULL;
	free(g_rec.ev);
	memset(&g_rec, 0, sizeof(g_rec));
	ck_assert_int_eq(rc_c, 0);
	ck_assert_int_eq(rc_loop, 0);
}

static void start_cluster(void)
{
	struct etcd_harness_opts o = { .members = 3 };
	int rc = etcd_harness_start(&o, &h);

	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	h_started = true;
	ck_assert_int_eq(h.n, 3);
}

static etcd_client *client(int i, const char *name, const char *endpoints,
			   const struct etcd_client_opts *extra)
{
	struct etcd_client_opts o = { 0 };

	if (extra)
		o = *extra;
	o.name = name;
	cl[i] = test_client(&loop, endpoints, &o);
	ck_assert_ptr_nonnull(cl[i]);
	return cl[i];
}

static int member_of(const char *url)
{
	int i;

	for (i = 0; i < h.n; i++)
		if (!strcmp(h.m[i].client_url, url))
			return i;
	return -1;
}

static int64_t put_ok(etcd_client *c, const char *key, const char *value)
{
	struct sync_result r = { 0 };
	int64_t rev;

	ck_assert_int_eq(etcd_put(c, key, value, strlen(value), NULL, sync_cb, &r), 0);
	ck_assert(await_res(&r, 30000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s (%s)", key, etcd_errc_name(r.code), r.msg);
	rev = r.revision;
	sync_clear(&r);
	return rev;
}

/* Make member `want` the leader (etcdctl move-leader), so a test knows whether the
 * member it kills is the leader. */
static void make_leader(int want)
{
	char out[4096], hexid[32] = "", tag[16];
	const char *line;
	int cur = -1, tries;

	ck_assert_msg(etcd_harness_wait_leader(&h, &cur) == 0, "%s", h.err);
	if (cur == want)
		return;
	ck_assert_int_eq(etcd_harness_etcdctl(&h, out, sizeof(out), "member", "list", NULL), 0);
	snprintf(tag, sizeof(tag), ", %s,", h.m[want].name);
	for (line = out; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL) {
		const char *comma = strchr(line, ',');
		const char *nl = strchr(line, '\n');
		const char *hit = strstr(line, tag);

		if (comma && hit && (!nl || hit < nl) && (size_t)(comma - line) < sizeof(hexid)) {
			memcpy(hexid, line, (size_t)(comma - line));
			hexid[comma - line] = '\0';
			break;
		}
	}
	ck_assert_msg(hexid[0], "no ID for %s in: %s", h.m[want].name, out);
	ck_assert_msg(etcd_harness_etcdctl(&h, out, sizeof(out), "move-leader", hexid, NULL) == 0,
		      "move-leader %s: %s", hexid, out);
	for (tries = 0; tries < 50; tries++) {
		ck_assert_msg(etcd_harness_wait_leader(&h, &cur) == 0, "%s", h.err);
		if (cur == want)
			return;
		run_for(&loop, 100);
	}
	ck_abort_msg("%s did not become the leader (leader is %s)", h.m[want].name,
		     cur >= 0 ? h.m[cur].name : "?");
}

/* ---- fail-over under load -------------------------------------------------------------- */

START_TEST(failover_watch_and_writes_no_gap)
{
	struct etcd_client_opts wo = { .backoff_max_ms = 1000 };
	struct etcd_client_opts so = { .request_timeout_ms = 15000, .backoff_max_ms = 1000 };
	struct crec *r = &g_rec;
	struct writer *w = &g_wr;
	struct sync_result fin = { 0 };
	struct seq_target st;
	struct rev_target rt;
	etcd_client *wc, *sc;
	char victim_url[64];
	int victim, leader = -1, at_kill, i;
	size_t k, e;
	uint64_t t_kill;

	start_cluster();
	/* loop 0: the member that dies is the leader (an election, proposals in flight
	 * lost); loop 1: it is a follower */
	make_leader(_i == 0 ? 0 : 1);
	wc = client(0, "watcher", h.endpoints, &wo);
	sc = client(1, "writer", h.endpoints, &so);
	watch(wc, r, "/t/fo/");
	ck_assert(wait_for(rec_up, r, 15000));
	ck_assert(r->got_snapshot);
	ck_assert_uint_eq(r->snap_n, 0);

	/* writes flowing for a while before the trouble */
	writer_start(w, sc, "/t/fo/");
	st = (struct seq_target){ w, 150 };
	ck_assert_msg(wait_for(writer_reached, &st, 30000) && !w->idle,
		      "writer: %d puts, %s", w->seq, w->other_msg);

	/* kill the member the watch client is using */
	snprintf(victim_url, sizeof(victim_url), "%s", etcd_client_endpoint(wc));
	victim = member_of(victim_url);
	ck_assert_msg(victim >= 0, "endpoint %s is no member", victim_url);
	ck_assert_msg(etcd_harness_wait_leader(&h, &leader) == 0, "%s", h.err);
	ck_assert_int_eq(victim == leader, _i == 0);
	fprintf(stderr, "failover: killing %s (%s)%s at put %d\n", h.m[victim].name, victim_url,
		victim == leader ? ", the leader," : "", w->seq);
	r->phase = 1;
	at_kill = w->seq;
	uv_update_time(&loop);
	t_kill = uv_now(&loop);
	ck_assert_msg(etcd_harness_kill_member(&h, victim, SIGKILL) == 0, "kill: %s", h.err);

	/* the watch goes down and comes back on another member; writes carry on */
	ck_assert_msg(wait_for(rec_recovered, r, 30000),
		      "watch not back after the kill (down %d: %s)", r->down_in_phase, r->down_msg);
	fprintf(stderr, "failover: watch back on %s after %" PRIu64 " ms\n",
		etcd_client_endpoint(wc), uv_now(&loop) - t_kill);
	st = (struct seq_target){ w, at_kill + 150 };
	ck_assert_msg(wait_for(writer_reached, &st, 45000) && !w->idle,
		      "writer stuck at %d (killed at %d): %s", w->seq, at_kill, w->other_msg);
	w->stop = true;
	ck_assert(wait_for(writer_idle, w, 30000));
	fprintf(stderr, "failover: %d puts, %u resent after UNAVAILABLE, slowest %" PRIu64
		" ms; writer now on %s\n", w->seq, w->unavailable, w->max_latency_ms,
		etcd_client_endpoint(sc));
	ck_assert_msg(w->other_fail == 0, "%s", w->other_msg);

	/* the client moved off the dead member */
	ck_assert_str_ne(etcd_client_endpoint(wc), victim_url);
	ck_assert(r->down_in_phase);
	ck_assert(r->up_after_down_in_phase);
	ck_assert_msg(r->down_code == ETCD_ERR_UNAVAILABLE, "down: %s (%s)",
		      etcd_errc_name(r->down_code), r->down_msg);

	/* final state: every put is there with its value */
	ck_assert_int_eq(etcd_range(sc, "/t/fo/", &(struct etcd_range_opts){ .prefix = true },
				    sync_cb, &fin), 0);
	ck_assert(await_res(&fin, 15000));
	ck_assert_msg(fin.code == ETCD_OK, "final range: %s", fin.msg);
	ck_assert_int_eq((int)fin.n_kvs, w->seq);
	for (i = 0; i < w->seq; i++) {
		char want[32];

		snprintf(want, sizeof(want), "%d", i);
		ck_assert_str_eq(fin.values[i], want);
		ck_assert_int_ge(fin.mod_revisions[i], w->rev[i]); /* a resend may rewrite it */
	}

	/* the watch: all revisions up to the final one, once each, in order, no gap */
	rt = (struct rev_target){ r, fin.revision };
	ck_assert_msg(wait_for(rec_reached, &rt, 20000), "watch at %" PRId64 ", store at %" PRId64,
		      r->last_rev, fin.revision);
	check_contiguous(r, fin.revision);
	/* values in put order: each event is the next seq, or a resend of the same one */
	ck_assert_int_eq(r->ev[0].seq, 0);
	for (e = 1; e < r->n_ev; e++)
		ck_assert_msg(r->ev[e].seq == r->ev[e - 1].seq + 1 || r->ev[e].seq == r->ev[e - 1].seq,
			      "event %zu: seq %d after %d", e, r->ev[e].seq, r->ev[e - 1].seq);
	ck_assert_int_eq(r->ev[r->n_ev - 1].seq, w->seq - 1);
	/* every acknowledged revision and every final mod_revision is an event of its key */
	for (i = 0; i < w->seq; i++) {
		k = (size_t)(w->rev[i] - r->snap_rev - 1);
		ck_assert_int_eq(r->ev[k].seq, i);
		k = (size_t)(fin.mod_revisions[i] - r->snap_rev - 1);
		ck_assert_int_eq(r->ev[k].seq, i);
	}
	fprintf(stderr, "failover: %zu events for %d puts (%zu resends committed twice)\n",
		r->n_ev, w->seq, r->n_ev - (size_t)w->seq);
	ck_assert_uint_le(r->n_ev - (size_t)w->seq, w->unavailable + 3);
	sync_clear(&fin);

	/* back to three members; the cluster takes writes through both clients */
	ck_assert_msg(etcd_harness_restart_member(&h, victim) == 0, "restart: %s", h.err);
	put_ok(wc, "/t/after/a", "1");
	put_ok(sc, "/t/after/b", "2");
}
END_TEST

/* ---- a member down before the client exists -------------------------------------------- */

START_TEST(first_endpoint_down_from_start)
{
	struct sync_result r = { 0 };
	struct crec *rec = &g_rec;
	char want[256];
	etcd_client *c;
	int leader = -1;

	start_cluster();
	ck_assert_msg(etcd_harness_kill_member(&h, 0, SIGKILL) == 0, "kill: %s", h.err);
	ck_assert_msg(etcd_harness_wait_leader(&h, &leader) == 0, "%s", h.err);
	ck_assert_int_ne(leader, 0);

	log_capture_start();
	c = client(0, "late", h.endpoints, NULL);
	ck_assert_str_eq(etcd_client_endpoint(c), h.m[0].client_url);
	ck_assert_int_eq(etcd_put(c, "/t/late/a", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert(await_res(&r, 15000));
	ck_assert_msg(r.code == ETCD_OK, "first put: %s (%s)", etcd_errc_name(r.code), r.msg);
	sync_clear(&r);
	ck_assert_str_eq(etcd_client_endpoint(c), h.m[1].client_url);
	ck_assert_int_eq(etcd_get(c, "/t/late/a", sync_cb, &r), 0);
	ck_assert(await_res(&r, 15000));
	ck_assert_int_eq(r.code, ETCD_OK);
	ck_assert_str_eq(r.values[0], "1");
	sync_clear(&r);

	/* the fail-over is in the log, once */
	snprintf(want, sizeof(want), "endpoint %s unavailable (", h.m[0].client_url);
	ck_assert_msg(strstr(log_capture_text(), want), "no \"%s\" in the log:\n%s", want,
		      log_capture_text());
	snprintf(want, sizeof(want), "failing over to %s", h.m[1].client_url);
	ck_assert_msg(strstr(log_capture_text(), want), "no \"%s\" in the log:\n%s", want,
		      log_capture_text());

	/* a watch started now goes to the live member */
	watch(c, rec, "/t/late/");
	ck_assert(wait_for(rec_up, rec, 15000));
	ck_assert_uint_eq(rec->snap_n, 1);
	ck_assert_uint_eq(rec->n_down, 0);
}
END_TEST

/* ---- all members down ----------------------------------------------------------------- */

START_TEST(all_members_down_then_back)
{
	struct etcd_client_opts o = { .request_timeout_ms = 1500, .backoff_max_ms = 500 };
	struct sync_result r = { 0 };
	struct crec *rec = &g_rec;
	struct rev_target rt;
	char key[64], val[16], refused_eps[160];
	etcd_client *c, *refused;
	int64_t rev = 0;
	uint64_t t0, took;
	unsigned n_during = 0;
	size_t e;
	int i, n_keys[10] = { 0 };

	start_cluster();
	c = client(0, "c", h.endpoints, &o);
	watch(c, rec, "/t/all/");
	ck_assert(wait_for(rec_up, rec, 15000));
	for (i = 0; i < 5; i++) {
		snprintf(key, sizeof(key), "/t/all/%06d", i);
		snprintf(val, sizeof(val), "%d", i);
		rev = put_ok(c, key, val);
	}
	rt = (struct rev_target){ rec, rev };
	ck_assert(wait_for(rec_reached, &rt, 15000));
	ck_assert_str_eq(etcd_client_endpoint(c), h.m[0].client_url); /* the watch is on e1 */

	/* e3 frozen (accepts connections, never answers), e1 and e2 dead (refuse) */
	ck_assert_int_eq(kill(h.m[2].pid, SIGSTOP), 0);
	frozen = 2;
	ck_assert_msg(etcd_harness_kill_member(&h, 0, SIGKILL) == 0, "kill: %s", h.err);
	ck_assert_msg(etcd_harness_kill_member(&h, 1, SIGKILL) == 0, "kill: %s", h.err);
	rec->phase = 1;
	ck_assert(wait_for(rec_down, rec, 15000));

	/* every endpoint refuses: unavailable once the deadline has passed, not before */
	snprintf(refused_eps, sizeof(refused_eps), "%s,%s", h.m[0].client_url, h.m[1].client_url);
	refused = client(1, "refused", refused_eps, &o);
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_int_eq(etcd_get(refused, "/t/all/000000", sync_cb, &r), 0);
	ck_assert(await_res(&r, 10000));
	took = uv_now(&loop) - t0;
	fprintf(stderr, "all refused: %s after %" PRIu64 " ms: %s\n", etcd_errc_name(r.code), took,
		r.msg);
	ck_assert_int_eq(r.code, ETCD_ERR_UNAVAILABLE);
	ck_assert_msg(r.msg[0], "no reason given");
	ck_assert_uint_ge(took, 1400);
	ck_assert_msg(took <= 1500 + 250, "took %" PRIu64 " ms, request_timeout_ms 1500", took);
	sync_clear(&r);

	/* the full list, one member accepting but silent */
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_int_eq(etcd_put(c, "/t/all/during", "x", 1, NULL, sync_cb, &r), 0);
	ck_assert(await_res(&r, 10000));
	took = uv_now(&loop) - t0;
	fprintf(stderr, "all down: %s after %" PRIu64 " ms: %s\n", etcd_errc_name(r.code), took,
		r.msg);
	ck_assert_int_eq(r.code, ETCD_ERR_UNAVAILABLE);
	ck_assert_uint_ge(took, 1400);
	ck_assert_msg(took <= 1500 + 250, "took %" PRIu64 " ms, request_timeout_ms 1500", took);
	sync_clear(&r);
	ck_assert(!etcd_watch_connected(rec->w));

	/* back: thaw e3, then e1 (quorum again) and e2 */
	ck_assert_int_eq(kill(h.m[2].pid, SIGCONT), 0);
	frozen = -1;
	ck_assert_msg(etcd_harness_restart_member(&h, 0) == 0, "restart e1: %s", h.err);
	ck_assert_msg(etcd_harness_restart_member(&h, 1) == 0, "restart e2: %s", h.err);
	ck_assert_msg(etcd_harness_wait_leader(&h, NULL) == 0, "%s", h.err);

	/* new requests succeed, the watch resumes where it was */
	for (i = 5; i < 10; i++) {
		snprintf(key, sizeof(key), "/t/all/%06d", i);
		snprintf(val, sizeof(val), "%d", i);
		rev = put_ok(c, key, val);
	}
	rt = (struct rev_target){ rec, rev };
	ck_assert_msg(wait_for(rec_reached, &rt, 20000),
		      "watch at %" PRId64 " (connected %d), last put at %" PRId64, rec->last_rev,
		      etcd_watch_connected(rec->w), rev);
	ck_assert(rec->up_after_down_in_phase);
	check_contiguous(rec, rev);
	for (e = 0; e < rec->n_ev; e++) {
		if (rec->ev[e].seq >= 0 && rec->ev[e].seq < 10)
			n_keys[rec->ev[e].seq]++;
		else if (!strcmp(rec->ev[e].key, "/t/all/during"))
			n_during++; /* the refused put may still have been committed later */
		else
			ck_abort_msg("unexpected event %s", rec->ev[e].key);
	}
	for (i = 0; i < 10; i++)
		ck_assert_msg(n_keys[i] == 1, "key %d delivered %d times", i, n_keys[i]);
	ck_assert_uint_le(n_during, 1);

	/* and the refusing client works again too */
	ck_assert_int_eq(etcd_get(refused, "/t/all/000009", sync_cb, &r), 0);
	ck_assert(await_res(&r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "%s", r.msg);
	ck_assert_str_eq(r.values[0], "9");
	sync_clear(&r);
}
END_TEST

/* KVTE_TEST_ONLY=<test name> runs one test; KVTE_TEST_DEBUG=1 turns on etcd debug logs. */
static void add_test(TCase *tc, const TTest *t)
{
	const char *only = getenv("KVTE_TEST_ONLY");

	if (!only || !strcmp(only, t->name))
		tcase_add_test(tc, t);
}

static void add_loop_test(TCase *tc, const TTest *t, int from, int to)
{
	const char *only = getenv("KVTE_TEST_ONLY");

	if (!only || !strcmp(only, t->name))
		tcase_add_loop_test(tc, t, from, to);
}

static Suite *cluster_suite(void)
{
	Suite *s = suite_create("etcd_cluster");
	TCase *tc = tcase_create("cluster");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 180);
	add_loop_test(tc, failover_watch_and_writes_no_gap, 0, 2);
	add_test(tc, first_endpoint_down_from_start);
	add_test(tc, all_members_down_then_back);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(cluster_suite());
	int failed;

	if (getenv("KVTE_TEST_DEBUG"))
		log_set_debug("etcd");
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
