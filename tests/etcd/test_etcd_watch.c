/* test_etcd_watch — lib/etcd watches against real etcd 3.4 servers.
 *
 * Each test starts its own etcd (tests/support/etcd_harness: one member, or three when a
 * member must die while the cluster keeps taking writes) and its own uv loop. Covers the
 * initial snapshot followed by events in revision order (types, prev_kv, a two-put txn
 * as two events of one revision, keys outside the prefix never delivered); resuming
 * across a SIGKILL + restart of etcd with every committed revision delivered exactly
 * once; compaction while the watch is disconnected, which must end in a resync
 * snapshot holding exactly the current state and never a silent gap; a compacted and a
 * future start_revision; cancelling from inside the events callback; progress
 * notifications advancing etcd_watch_revision without events. Callbacks only record
 * (no assertions inside the loop); the test bodies assert. */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

#define MAX_EVENTS 1024
#define MAX_SNAP_KVS 64
#define MAX_STATUS 64
#define STR 64

static struct etcd_harness h;
static bool h_started;
static uv_loop_t loop;
static etcd_client *c;  /* the watch client */
static etcd_client *c2; /* a writer, when the test needs one */

/* ---- what a watch delivered ----------------------------------------------------------- */

struct ev_rec {
	enum etcd_event_type type;
	char key[STR], value[STR], prev[STR];
	bool has_prev;
	int64_t rev;
	unsigned cb;         /* index of the events callback that delivered it */
	int64_t cb_revision; /* `revision` argument of that callback */
};

struct rec {
	etcd_watch *w;
	struct ev_rec ev[MAX_EVENTS];
	size_t n;
	unsigned n_cb;
	bool overflow;
	/* snapshots */
	unsigned n_snap;
	bool snap_resync;
	int64_t snap_rev;
	size_t snap_n;
	char snap_keys[MAX_SNAP_KVS][STR], snap_vals[MAX_SNAP_KVS][STR];
	bool got_snapshot, got_resync;
	/* status */
	unsigned n_status;
	bool st_conn[MAX_STATUS];
	enum etcd_errc st_code[MAX_STATUS];
	bool st_fatal[MAX_STATUS];
	bool connected, disconnected;
	/* checks done as events arrive */
	int64_t last_rev;        /* newest event revision so far */
	bool order_violation;    /* a revision below the previous one */
	bool gap_after_snapshot; /* an event at or below the latest snapshot's revision */
	bool bad_cb_revision;    /* callback's revision != newest of its events */
	/* waiting for a key */
	const char *wait_key;
	bool saw_key;
	/* cancel from inside */
	bool cancel_in_events, cancel_in_snapshot, canceled, cb_after_cancel;
};

static void copy_str(char *dst, const char *src, size_t len)
{
	size_t n = len < STR - 1 ? len : STR - 1;

	memcpy(dst, src ? src : "", src ? n : 0);
	dst[src ? n : 0] = '\0';
}

static void on_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct rec *r = arg;
	size_t i;

	if (r->canceled)
		r->cb_after_cancel = true;
	r->n_snap++;
	r->snap_resync = resync;
	r->snap_rev = snap->revision;
	r->snap_n = snap->n_kvs;
	for (i = 0; i < snap->n_kvs && i < MAX_SNAP_KVS; i++) {
		copy_str(r->snap_keys[i], snap->kvs[i].key, snap->kvs[i].key_len);
		copy_str(r->snap_vals[i], snap->kvs[i].value, snap->kvs[i].value_len);
	}
	r->got_snapshot = true;
	if (resync)
		r->got_resync = true;
	if (r->cancel_in_snapshot) {
		etcd_watch_cancel(w);
		r->canceled = true;
	}
}

static void on_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t revision,
		      void *arg)
{
	struct rec *r = arg;
	int64_t newest = 0;
	size_t i;

	if (r->canceled)
		r->cb_after_cancel = true;
	for (i = 0; i < n; i++) {
		struct ev_rec *e;

		if (ev[i].kv.mod_revision < r->last_rev)
			r->order_violation = true;
		if (r->n_snap && ev[i].kv.mod_revision <= r->snap_rev)
			r->gap_after_snapshot = true;
		r->last_rev = ev[i].kv.mod_revision;
		if (ev[i].kv.mod_revision > newest)
			newest = ev[i].kv.mod_revision;
		if (r->n >= MAX_EVENTS) {
			r->overflow = true;
			continue;
		}
		e = &r->ev[r->n++];
		e->type = ev[i].type;
		copy_str(e->key, ev[i].kv.key, ev[i].kv.key_len);
		copy_str(e->value, ev[i].kv.value, ev[i].kv.value_len);
		e->has_prev = ev[i].has_prev_kv;
		if (e->has_prev)
			copy_str(e->prev, ev[i].prev_kv.value, ev[i].prev_kv.value_len);
		e->rev = ev[i].kv.mod_revision;
		e->cb = r->n_cb;
		e->cb_revision = revision;
		if (r->wait_key && !strcmp(e->key, r->wait_key))
			r->saw_key = true;
	}
	if (newest != revision)
		r->bad_cb_revision = true;
	r->n_cb++;
	if (r->cancel_in_events) {
		etcd_watch_cancel(w);
		r->canceled = true;
	}
}

static void on_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		      void *arg)
{
	struct rec *r = arg;

	if (r->canceled)
		r->cb_after_cancel = true;
	if (r->n_status < MAX_STATUS) {
		r->st_conn[r->n_status] = connected;
		r->st_code[r->n_status] = why ? why->code : ETCD_OK;
		r->st_fatal[r->n_status] = fatal;
		r->n_status++;
	}
	if (connected)
		r->connected = true;
	else
		r->disconnected = true;
}

static const struct etcd_watch_cbs cbs = { on_snapshot, on_events, on_status };

/* Records live outside the test bodies so a failed assertion leaks nothing. */
static struct rec g_rec[3];

/* The writer: puts /t/r/NNN = N for N = 0..total-1 one after the other; a put that
 * fails is retried (its outcome is unknown: it may have been committed). */
struct writer {
	etcd_client *cl;
	int next, total;
	int64_t rev[256]; /* revision of the acknowledged put of each key */
	unsigned failures;
	enum etcd_errc fail_code;
	bool done, stop;
	uv_timer_t retry;
};
static struct writer g_wr;
static bool g_wr_timer;

static etcd_watch *watch(struct rec *r, const char *key, const struct etcd_watch_opts *o)
{
	memset(r, 0, sizeof(*r));
	r->w = etcd_watch_start(c, key, o, &cbs, r);
	ck_assert_ptr_nonnull(r->w);
	return r->w;
}

/* Poll until etcd_watch_revision(w) >= rev (progress notifications call nothing). */
struct rev_wait {
	etcd_watch *w;
	int64_t rev;
	bool reached;
};

static void rev_poll(uv_timer_t *t)
{
	struct rev_wait *rw = t->data;

	if (etcd_watch_revision(rw->w) >= rw->rev)
		rw->reached = true;
}

static void rev_poll_closed(uv_handle_t *hd)
{
	(void)hd;
}

static bool wait_watch_revision(etcd_watch *w, int64_t rev, unsigned timeout_ms)
{
	struct rev_wait rw = { w, rev, false };
	uv_timer_t t;

	uv_timer_init(&loop, &t);
	t.data = &rw;
	uv_timer_start(&t, rev_poll, 20, 20);
	run_until(&loop, &rw.reached, timeout_ms);
	uv_close((uv_handle_t *)&t, rev_poll_closed);
	uv_run(&loop, UV_RUN_NOWAIT);
	return rw.reached;
}

/* ---- fixture ------------------------------------------------------------------------- */

static void start_etcd(const struct etcd_harness_opts *o, const struct etcd_client_opts *co,
		       const char *endpoints)
{
	int rc = etcd_harness_start(o, &h);

	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	h_started = true;
	c = test_client(&loop, endpoints ? endpoints : h.endpoints, co);
	ck_assert_ptr_nonnull(c);
}

static void setup(void)
{
	memset(&g_wr, 0, sizeof(g_wr));
	memset(g_rec, 0, sizeof(g_rec));
	g_wr_timer = false;
	h_started = false;
	c = c2 = NULL;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
}

static void close_writer(void);

/* Everything is closed and etcd stopped before anything is asserted, so a failed test
 * leaves no etcd behind. */
static void teardown(void)
{
	int rc_c2 = 0, rc_c = 0, rc_loop;

	close_writer();
	if (c2)
		rc_c2 = test_client_close(&loop, c2);
	if (c)
		rc_c = test_client_close(&loop, c);
	c = c2 = NULL;
	rc_loop = uv_loop_close(&loop);
	if (h_started)
		etcd_harness_stop(&h);
	h_started = false;
	ck_assert_int_eq(rc_c2, 0);
	ck_assert_int_eq(rc_c, 0);
	ck_assert_int_eq(rc_loop, 0);
}

static int64_t put_ok(etcd_client *cl, const char *key, const char *value)
{
	struct sync_result r = { 0 };
	int64_t rev;

	ck_assert_int_eq(etcd_put(cl, key, value, strlen(value), NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s", key, r.msg);
	rev = r.revision;
	sync_clear(&r);
	return rev;
}

static int64_t delete_ok(etcd_client *cl, const char *key)
{
	struct sync_result r = { 0 };
	int64_t rev;

	ck_assert_int_eq(etcd_delete(cl, key, false, false, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "delete %s: %s", key, r.msg);
	ck_assert_int_eq(r.deleted, 1);
	rev = r.revision;
	sync_clear(&r);
	return rev;
}

/* Put key and run the loop until the watch in r delivered an event for it. */
static int64_t put_and_see(struct rec *r, const char *key, const char *value)
{
	int64_t rev;

	r->wait_key = key;
	r->saw_key = false;
	rev = put_ok(c, key, value);
	ck_assert_msg(run_until(&loop, &r->saw_key, 10000), "no event for %s", key);
	r->wait_key = NULL;
	return rev;
}

static void ctl_ok(const char *what, const char *a1, const char *a2, const char *a3)
{
	char out[2048];
	int rc = etcd_harness_etcdctl(&h, out, sizeof(out), a1, a2, a3, (const char *)NULL);

	ck_assert_msg(rc == 0, "etcdctl %s: rc %d: %s %s", what, rc, out, h.err);
}

static const struct ev_rec *find_event(const struct rec *r, const char *key)
{
	for (size_t i = 0; i < r->n; i++)
		if (!strcmp(r->ev[i].key, key))
			return &r->ev[i];
	return NULL;
}

/* ---- tests ------------------------------------------------------------------------------ */

START_TEST(snapshot_then_events)
{
	struct etcd_watch_opts o = { .prefix = true, .prev_kv = true };
	struct rec *r = &g_rec[0];
	int64_t rev_last, rev_c, rev_a2, rev_del, rev_txn, rev_end;
	struct sync_result tr = { 0 };
	etcd_txn *t;

	start_etcd(NULL, NULL, NULL);
	put_ok(c, "/t/w/a", "1");
	put_ok(c, "/t/w/b", "2");
	put_ok(c, "/t/w0", "just past the prefix");
	put_ok(c, "/t/w", "the prefix without its slash");
	rev_last = put_ok(c, "/t/v/z", "before the prefix");

	watch(r, "/t/w/", &o);
	ck_assert(run_until(&loop, &r->got_snapshot, 10000));
	ck_assert_uint_eq(r->n_snap, 1);
	ck_assert(!r->snap_resync);
	ck_assert_int_eq(r->snap_rev, rev_last); /* the store revision at the range */
	ck_assert_uint_eq(r->snap_n, 2);
	ck_assert_str_eq(r->snap_keys[0], "/t/w/a");
	ck_assert_str_eq(r->snap_vals[0], "1");
	ck_assert_str_eq(r->snap_keys[1], "/t/w/b");
	ck_assert_str_eq(r->snap_vals[1], "2");
	ck_assert_int_eq(etcd_watch_revision(r->w), rev_last);

	/* written right away, possibly before the stream is up: nothing may be missed */
	rev_c = put_ok(c, "/t/w/c", "3");
	rev_a2 = put_ok(c, "/t/w/a", "1b");
	put_ok(c, "/t/w0", "outside again");
	rev_del = delete_ok(c, "/t/w/b");
	t = etcd_txn_new();
	etcd_txn_put(t, ETCD_SUCCESS, "/t/w/d", "4", 1, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/t/w/e", "5", 1, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/t/x", "outside, same txn", 17, 0);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &tr), 0);
	ck_assert(sync_wait(&loop, &tr, 10000));
	ck_assert_int_eq(tr.code, ETCD_OK);
	rev_txn = tr.revision;
	sync_clear(&tr);
	put_ok(c, "/t/wz", "outside");
	rev_end = put_and_see(r, "/t/w/end", "6");
	ck_assert(r->connected);
	ck_assert(etcd_watch_connected(r->w));

	ck_assert(!r->overflow);
	ck_assert_uint_eq(r->n, 6);
	/* create: no prev_kv even with prev_kv asked for */
	ck_assert_str_eq(r->ev[0].key, "/t/w/c");
	ck_assert_int_eq(r->ev[0].type, ETCD_EVENT_PUT);
	ck_assert_str_eq(r->ev[0].value, "3");
	ck_assert(!r->ev[0].has_prev);
	ck_assert_int_eq(r->ev[0].rev, rev_c);
	/* update: prev_kv is the old value */
	ck_assert_str_eq(r->ev[1].key, "/t/w/a");
	ck_assert_int_eq(r->ev[1].type, ETCD_EVENT_PUT);
	ck_assert_str_eq(r->ev[1].value, "1b");
	ck_assert(r->ev[1].has_prev);
	ck_assert_str_eq(r->ev[1].prev, "1");
	ck_assert_int_eq(r->ev[1].rev, rev_a2);
	/* delete: no value, prev_kv holds the last one */
	ck_assert_str_eq(r->ev[2].key, "/t/w/b");
	ck_assert_int_eq(r->ev[2].type, ETCD_EVENT_DELETE);
	ck_assert_str_eq(r->ev[2].value, "");
	ck_assert(r->ev[2].has_prev);
	ck_assert_str_eq(r->ev[2].prev, "2");
	ck_assert_int_eq(r->ev[2].rev, rev_del);
	/* txn: two events, one revision, in the txn's order */
	ck_assert_str_eq(r->ev[3].key, "/t/w/d");
	ck_assert_str_eq(r->ev[4].key, "/t/w/e");
	ck_assert_str_eq(r->ev[3].value, "4");
	ck_assert_str_eq(r->ev[4].value, "5");
	ck_assert_int_eq(r->ev[3].rev, rev_txn);
	ck_assert_int_eq(r->ev[4].rev, rev_txn);
	ck_assert_int_eq(r->ev[3].type, ETCD_EVENT_PUT);
	ck_assert_int_eq(r->ev[4].type, ETCD_EVENT_PUT);
	ck_assert_str_eq(r->ev[5].key, "/t/w/end");
	ck_assert_int_eq(r->ev[5].rev, rev_end);
	/* strictly increasing apart from the txn */
	ck_assert_int_lt(r->ev[0].rev, r->ev[1].rev);
	ck_assert_int_lt(r->ev[1].rev, r->ev[2].rev);
	ck_assert_int_lt(r->ev[2].rev, r->ev[3].rev);
	ck_assert_int_lt(r->ev[4].rev, r->ev[5].rev);
	ck_assert(!r->order_violation);
	ck_assert(!r->gap_after_snapshot);
	ck_assert(!r->bad_cb_revision);
	for (size_t i = 0; i < r->n; i++)
		ck_assert_msg(!strncmp(r->ev[i].key, "/t/w/", 5), "foreign key %s", r->ev[i].key);
	ck_assert_int_eq(etcd_watch_revision(r->w), rev_end);
	ck_assert_uint_eq(r->n_snap, 1);

	etcd_watch_cancel(r->w);
}
END_TEST


static void writer_put(struct writer *wr);
static void writer_retry(uv_timer_t *t);

static void writer_cb(etcd_client *cl, const struct etcd_result *res, void *arg)
{
	struct writer *wr = arg;

	(void)cl;
	if (res->err.code == ETCD_ERR_CANCELED || wr->stop)
		return;
	if (res->err.code != ETCD_OK) {
		wr->failures++;
		wr->fail_code = res->err.code;
		uv_timer_start(&wr->retry, writer_retry, 100, 0);
		return;
	}
	wr->rev[wr->next] = res->revision;
	if (++wr->next == wr->total) {
		wr->done = true;
		return;
	}
	writer_put(wr);
}

static void writer_retry(uv_timer_t *t)
{
	writer_put(t->data);
}

static void writer_put(struct writer *wr)
{
	char key[32], val[16];

	snprintf(key, sizeof(key), "/t/r/%03d", wr->next);
	snprintf(val, sizeof(val), "%d", wr->next);
	if (etcd_put(wr->cl, key, val, strlen(val), NULL, writer_cb, wr) < 0)
		uv_timer_start(&wr->retry, writer_retry, 100, 0);
}


static void timer_closed(uv_handle_t *hd)
{
	(void)hd;
}

static void close_writer(void)
{
	g_wr.stop = true;
	if (g_wr_timer) {
		uv_close((uv_handle_t *)&g_wr.retry, timer_closed);
		uv_run(&loop, UV_RUN_NOWAIT);
	}
	g_wr_timer = false;
}

START_TEST(resume_across_restart)
{
	struct etcd_watch_opts o = { .prefix = true };
	struct etcd_client_opts wo = { .backoff_max_ms = 800 };
	struct etcd_client_opts wr_o = { .request_timeout_ms = 1500, .backoff_max_ms = 500 };
	struct rec *r = &g_rec[0];
	struct writer *wr = &g_wr;
	struct sync_result fin = { 0 };
	int64_t first, final_rev;
	size_t i;
	int seen[256] = { 0 }, dups = 0;
	unsigned down_at = 0, up_again = 0;

	start_etcd(NULL, &wo, NULL);
	c2 = test_client(&loop, h.endpoints, &wr_o);
	ck_assert_ptr_nonnull(c2);
	watch(r, "/t/r/", &o);
	ck_assert(run_until(&loop, &r->got_snapshot, 10000));
	ck_assert_uint_eq(r->snap_n, 0);
	first = r->snap_rev + 1;
	ck_assert(run_until(&loop, &r->connected, 10000));

	wr->cl = c2;
	wr->total = 80;
	uv_timer_init(&loop, &wr->retry);
	wr->retry.data = wr;
	g_wr_timer = true;
	writer_put(wr);
	/* let part of the stream through, then kill etcd under the writer and the watch */
	while (wr->next < 25 && !wr->done)
		uv_run(&loop, UV_RUN_ONCE);
	ck_assert_int_eq(etcd_harness_kill_member(&h, 0, SIGKILL), 0);
	ck_assert(run_until(&loop, &r->disconnected, 10000));
	run_for(&loop, 2500); /* the writer's put times out (1.5 s) and is retried */
	ck_assert_int_eq(etcd_harness_restart_member(&h, 0), 0);
	ck_assert_msg(run_until(&loop, &wr->done, 30000), "writer stuck at %d", wr->next);
	ck_assert_uint_gt(wr->failures, 0); /* at least one put saw etcd down */
	ck_assert_int_eq(wr->fail_code, ETCD_ERR_UNAVAILABLE);

	/* the truth: the final state and store revision; nothing but the writer wrote */
	ck_assert_int_eq(etcd_range(c2, "/t/r/", &(struct etcd_range_opts){ .prefix = true },
				    sync_cb, &fin), 0);
	ck_assert(sync_wait(&loop, &fin, 10000));
	ck_assert_int_eq(fin.code, ETCD_OK);
	final_rev = fin.revision;
	ck_assert_uint_eq(fin.n_kvs, (size_t)wr->total);
	ck_assert_msg(wait_watch_revision(r->w, final_rev, 15000),
		      "watch at %" PRId64 ", store at %" PRId64, etcd_watch_revision(r->w),
		      final_rev);

	/* every revision first..final exactly once, in order, each a put of the writer
	 * whose value is its own sequence number */
	ck_assert(!r->overflow);
	ck_assert_uint_eq(r->n, (size_t)(final_rev - first + 1));
	for (i = 0; i < r->n; i++) {
		int k;

		ck_assert_int_eq(r->ev[i].rev, first + (int64_t)i);
		ck_assert_int_eq(r->ev[i].type, ETCD_EVENT_PUT);
		ck_assert_int_eq(sscanf(r->ev[i].key, "/t/r/%d", &k), 1);
		ck_assert(k >= 0 && k < wr->total);
		ck_assert_int_eq(atoi(r->ev[i].value), k);
		seen[k]++;
		/* keys come in sequence: a retry repeats the key just written */
		if (i > 0) {
			int prev;

			sscanf(r->ev[i - 1].key, "/t/r/%d", &prev);
			ck_assert_msg(k == prev || k == prev + 1, "key %d after %d", k, prev);
		}
	}
	for (i = 0; i < (size_t)wr->total; i++) {
		ck_assert_msg(seen[i] >= 1, "key %zu never delivered", i);
		/* twice only when a put was committed and then sent again (its outcome was
		 * unknown: the writer's retry, or the client's own resend of a put) */
		ck_assert_msg(seen[i] <= 2, "key %zu committed %d times", i, seen[i]);
		dups += seen[i] - 1;
		char key[32];

		snprintf(key, sizeof(key), "/t/r/%03zu", i);
		ck_assert_str_eq(fin.keys[i], key);
		ck_assert_int_eq(atoi(fin.values[i]), (int)i);
	}
	fprintf(stderr, "resume_across_restart: %zu events for %d keys (%d committed twice), "
		"%u failed puts retried, revisions %" PRId64 "..%" PRId64 "\n", r->n, wr->total,
		dups, wr->failures, first, final_rev);
	/* the last event of each key is the key's current mod revision */
	for (i = 0; i < fin.n_kvs; i++) {
		int64_t last = 0;

		for (size_t j = 0; j < r->n; j++)
			if (!strcmp(r->ev[j].key, fin.keys[i]))
				last = r->ev[j].rev;
		ck_assert_int_eq(last, fin.mod_revisions[i]);
	}
	/* every acknowledged put is among the events */
	for (i = 0; i < (size_t)wr->total; i++) {
		ck_assert_int_ge(wr->rev[i], first);
		ck_assert_int_le(wr->rev[i], final_rev);
		ck_assert_int_eq(atoi(r->ev[wr->rev[i] - first].value), (int)i);
	}
	ck_assert(!r->order_violation);
	ck_assert(!r->bad_cb_revision);
	ck_assert_uint_eq(r->n_snap, 1); /* no resync was needed */
	/* status: connected, disconnected, connected again */
	ck_assert_uint_ge(r->n_status, 3);
	ck_assert(r->st_conn[0]);
	for (i = 1; i < r->n_status; i++) {
		if (!r->st_conn[i] && !down_at)
			down_at = (unsigned)i;
		if (r->st_conn[i] && down_at)
			up_again = (unsigned)i;
	}
	ck_assert_msg(down_at > 0 && up_again > down_at, "status sequence lacks down then up");
	ck_assert(r->st_conn[r->n_status - 1]);
	ck_assert(etcd_watch_connected(r->w));

	sync_clear(&fin);
	etcd_watch_cancel(r->w);
}
END_TEST

START_TEST(compaction_while_disconnected_resyncs)
{
	struct etcd_harness_opts ho = { .members = 3 };
	struct etcd_client_opts wo = { .backoff_max_ms = 800 };
	struct etcd_watch_opts o = { .prefix = true, .prev_kv = true };
	struct rec *r = &g_rec[0];
	int64_t rev, before_resync_events, xrev[20];
	char ep[256], key[32], val[16];
	size_t n0;
	int rc, i;

	rc = etcd_harness_start(&ho, &h);
	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	h_started = true;
	/* the watch client knows member 0 only */
	snprintf(ep, sizeof(ep), "%s", h.m[0].client_url);
	c = test_client(&loop, ep, &wo);
	ck_assert_ptr_nonnull(c);
	ctl_ok("put a", "put", "/t/c/a", "a1");
	ctl_ok("put b", "put", "/t/c/b", "b1");
	ctl_ok("put gone", "put", "/t/c/gone", "g1");

	watch(r, "/t/c/", &o);
	ck_assert(run_until(&loop, &r->got_snapshot, 10000));
	ck_assert(!r->snap_resync);
	ck_assert_uint_eq(r->snap_n, 3);
	put_and_see(r, "/t/c/a", "a2"); /* the stream is live */

	/* 1: what is written while the watch's only member is down is replayed after it
	 * comes back, each revision once, in order, and without a resync */
	snprintf(ep, sizeof(ep), "%s,%s", h.m[1].client_url, h.m[2].client_url);
	c2 = test_client(&loop, ep, NULL);
	ck_assert_ptr_nonnull(c2);
	ck_assert_int_eq(etcd_harness_kill_member(&h, 0, SIGKILL), 0);
	ck_assert(run_until(&loop, &r->disconnected, 10000));
	ck_assert_int_eq(etcd_harness_wait_leader(&h, NULL), 0);
	n0 = r->n;
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "/t/c/x%02d", i);
		snprintf(val, sizeof(val), "%d", i);
		xrev[i] = put_ok(c2, key, val);
	}
	ck_assert_uint_eq(r->n, n0);
	r->connected = false;
	r->wait_key = "/t/c/x19";
	r->saw_key = false;
	ck_assert_int_eq(etcd_harness_restart_member(&h, 0), 0);
	ck_assert_msg(run_until(&loop, &r->saw_key, 15000), "writes made while down never came");
	ck_assert(r->connected);
	ck_assert_uint_eq(r->n, n0 + 20);
	for (i = 0; i < 20; i++) {
		snprintf(key, sizeof(key), "/t/c/x%02d", i);
		snprintf(val, sizeof(val), "%d", i);
		ck_assert_str_eq(r->ev[n0 + i].key, key);
		ck_assert_str_eq(r->ev[n0 + i].value, val);
		ck_assert_int_eq(r->ev[n0 + i].rev, xrev[i]);
		ck_assert(!r->ev[n0 + i].has_prev);
	}
	ck_assert_uint_eq(r->n_snap, 1);
	ck_assert(!r->order_violation);

	/* 2: compaction while disconnected */
	r->disconnected = false;
	ck_assert_int_eq(etcd_harness_kill_member(&h, 0, SIGKILL), 0);
	ck_assert(run_until(&loop, &r->disconnected, 10000));
	ck_assert_int_eq(etcd_harness_wait_leader(&h, NULL), 0);
	ctl_ok("put new1", "put", "/t/c/new1", "n1");
	ctl_ok("put new2", "put", "/t/c/new2", "n2");
	ctl_ok("del gone", "del", "/t/c/gone", NULL);
	ctl_ok("put outside", "put", "/t/d/x", "outside");
	ck_assert_int_eq(etcd_harness_current_revision(&h, &rev), 0);
	ck_assert_msg(etcd_harness_compact(&h, rev) == 0, "compact: %s", h.err);
	run_for(&loop, 300); /* the watch keeps failing against the dead member */
	ck_assert(!r->got_resync);
	before_resync_events = (int64_t)r->n;
	ck_assert_int_eq(etcd_harness_restart_member(&h, 0), 0);

	ck_assert_msg(run_until(&loop, &r->got_resync, 20000), "no resync snapshot");
	ck_assert_uint_eq(r->n_snap, 2);
	ck_assert_int_ge(r->snap_rev, rev);
	/* exactly the current state: new keys present, deleted one absent */
	ck_assert_uint_eq(r->snap_n, 4 + 20);
	ck_assert_str_eq(r->snap_keys[0], "/t/c/a");
	ck_assert_str_eq(r->snap_vals[0], "a2");
	ck_assert_str_eq(r->snap_keys[1], "/t/c/b");
	ck_assert_str_eq(r->snap_vals[1], "b1");
	ck_assert_str_eq(r->snap_keys[2], "/t/c/new1");
	ck_assert_str_eq(r->snap_vals[2], "n1");
	ck_assert_str_eq(r->snap_keys[3], "/t/c/new2");
	ck_assert_str_eq(r->snap_vals[3], "n2");
	ck_assert_str_eq(r->snap_keys[4], "/t/c/x00");
	ck_assert_str_eq(r->snap_keys[23], "/t/c/x19");
	ck_assert_str_eq(r->snap_vals[23], "19");
	ck_assert_int_eq((int64_t)r->n, before_resync_events); /* nothing came as events */
	ck_assert_ptr_null(find_event(r, "/t/c/new1"));
	ck_assert_ptr_null(find_event(r, "/t/c/gone"));

	/* events continue after the snapshot, and only after it */
	r->wait_key = "/t/c/after";
	ctl_ok("put after", "put", "/t/c/after", "x");
	ck_assert(run_until(&loop, &r->saw_key, 15000));
	ck_assert_int_gt(r->ev[r->n - 1].rev, r->snap_rev);
	ck_assert_str_eq(r->ev[r->n - 1].value, "x");
	ck_assert(!r->gap_after_snapshot);
	ck_assert(!r->order_violation);
	ck_assert(r->connected);
	ck_assert(etcd_watch_connected(r->w));

	etcd_watch_cancel(r->w);
}
END_TEST

START_TEST(start_revision_compacted)
{
	struct rec *r = &g_rec[0];
	int64_t r1, rev;

	start_etcd(NULL, NULL, NULL);
	r1 = put_ok(c, "/t/s/a", "1");
	put_ok(c, "/t/s/a", "2");
	put_ok(c, "/t/s/b", "1");
	rev = put_ok(c, "/t/s0", "outside");
	ck_assert_int_eq(etcd_harness_compact(&h, rev), 0);

	watch(r, "/t/s/", &(struct etcd_watch_opts){ .prefix = true, .start_revision = r1 });
	ck_assert_msg(run_until(&loop, &r->got_snapshot, 10000), "no resync snapshot");
	ck_assert(r->snap_resync);
	ck_assert_uint_eq(r->n_snap, 1);
	ck_assert_int_ge(r->snap_rev, rev);
	ck_assert_uint_eq(r->snap_n, 2);
	ck_assert_str_eq(r->snap_keys[0], "/t/s/a");
	ck_assert_str_eq(r->snap_vals[0], "2");
	ck_assert_str_eq(r->snap_keys[1], "/t/s/b");
	ck_assert_uint_eq(r->n, 0); /* no stale history as events */
	put_and_see(r, "/t/s/c", "3");
	ck_assert_uint_eq(r->n, 1);
	ck_assert_int_gt(r->ev[0].rev, r->snap_rev);
	ck_assert(!r->gap_after_snapshot);
	etcd_watch_cancel(r->w);
}
END_TEST

START_TEST(start_revision_future)
{
	struct rec *r = &g_rec[0];
	int64_t rev, revs[8];
	char key[32];

	start_etcd(NULL, NULL, NULL);
	rev = put_ok(c, "/t/f/0", "0");
	watch(r, "/t/f/", &(struct etcd_watch_opts){ .prefix = true, .start_revision = rev + 4 });
	ck_assert(run_until(&loop, &r->connected, 10000)); /* created, waiting */
	r->wait_key = "/t/f/6";
	for (int i = 1; i <= 6; i++) {
		snprintf(key, sizeof(key), "/t/f/%d", i);
		revs[i] = put_ok(c, key, key + 5);
	}
	ck_assert_int_eq(revs[1], rev + 1);
	ck_assert_int_eq(revs[6], rev + 6);
	ck_assert(run_until(&loop, &r->saw_key, 10000));
	ck_assert_uint_eq(r->n_snap, 0); /* start_revision > 0: no snapshot */
	ck_assert_uint_eq(r->n, 3);
	ck_assert_str_eq(r->ev[0].key, "/t/f/4");
	ck_assert_int_eq(r->ev[0].rev, rev + 4);
	ck_assert_str_eq(r->ev[1].key, "/t/f/5");
	ck_assert_str_eq(r->ev[2].key, "/t/f/6");
	ck_assert_int_eq(etcd_watch_revision(r->w), rev + 6);
	ck_assert(!r->order_violation);
	etcd_watch_cancel(r->w);
}
END_TEST

START_TEST(cancel_inside_callbacks)
{
	struct rec *r = &g_rec[0], *ctl = &g_rec[1], *rs = &g_rec[2];
	struct etcd_watch_opts o = { .prefix = true, .prev_kv = true };
	struct sync_result tr = { 0 };
	etcd_txn *t;

	start_etcd(NULL, NULL, NULL);
	put_ok(c, "/t/k/pre", "0");
	watch(ctl, "/t/k/", &o); /* a control watch that stays */
	watch(r, "/t/k/", &o);
	r->cancel_in_events = true;
	rs->cancel_in_snapshot = true;
	rs->w = etcd_watch_start(c, "/t/k/", &o, &cbs, rs);
	ck_assert_ptr_nonnull(rs->w);
	/* each watch has its own snapshot request; they finish in any order */
	ck_assert(run_until(&loop, &r->got_snapshot, 10000));
	ck_assert(run_until(&loop, &ctl->connected, 10000));
	ck_assert(run_until(&loop, &rs->got_snapshot, 10000));
	ck_assert(rs->canceled);

	/* two events in one message: the callback cancels at the first call */
	t = etcd_txn_new();
	etcd_txn_put(t, ETCD_SUCCESS, "/t/k/a", "1", 1, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/t/k/b", "2", 1, 0);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &tr), 0);
	ck_assert(sync_wait(&loop, &tr, 10000));
	ck_assert_int_eq(tr.code, ETCD_OK);
	sync_clear(&tr);
	ck_assert(run_until(&loop, &r->canceled, 10000));
	ck_assert_uint_eq(r->n_cb, 1);
	ck_assert_uint_eq(r->n, 2);
	/* more traffic: once the control watch has it, the canceled one would have too */
	put_ok(c, "/t/k/c", "3");
	put_and_see(ctl, "/t/k/marker", "m");
	ck_assert_uint_eq(r->n_cb, 1);
	ck_assert(!r->cb_after_cancel);
	ck_assert_uint_eq(rs->n_cb, 0);
	ck_assert(!rs->cb_after_cancel);
	ck_assert_uint_eq(ctl->n, 4);
	etcd_watch_cancel(ctl->w);
	/* the loop can still finish: checked by the teardown */
}
END_TEST

START_TEST(progress_advances_revision)
{
	struct etcd_harness_opts ho = { .progress_notify_interval_ms = 500 };
	struct rec *r = &g_rec[0], *quiet = &g_rec[1];
	int64_t rev;
	uint64_t t0;

	ck_assert_int_eq(etcd_harness_start(&ho, &h), 0);
	h_started = true;
	c = test_client(&loop, h.endpoints, NULL);
	ck_assert_ptr_nonnull(c);
	put_ok(c, "/t/p/a", "1");
	watch(r, "/t/p/", &(struct etcd_watch_opts){ .prefix = true });
	ck_assert(run_until(&loop, &r->got_snapshot, 10000));
	ck_assert(run_until(&loop, &r->connected, 10000));
	/* a watch that asked for no progress notifications stays where it is */
	quiet->w = etcd_watch_start(c, "/t/p/", &(struct etcd_watch_opts){ .prefix = true,
									   .no_progress = true },
				    &cbs, quiet);
	ck_assert(run_until(&loop, &quiet->connected, 10000));

	/* Written with etcdctl, so the loop does not run between the commit and the check
	 * below: with put_ok() a progress notification sent by one of etcd's 500 ms ticks
	 * between the commit and the put's answer would already carry the new revision. */
	ctl_ok("put elsewhere", "put", "/t/q/elsewhere", "x");
	ck_assert_msg(etcd_harness_current_revision(&h, &rev) == 0, "revision: %s", h.err);
	ck_assert_int_gt(rev, r->snap_rev);
	ck_assert_int_eq(etcd_watch_revision(r->w), r->snap_rev);
	uv_update_time(&loop); /* etcdctl ran outside the loop: its clock is stale */
	t0 = uv_now(&loop);
	ck_assert_msg(wait_watch_revision(r->w, rev, 5000), "still at %" PRId64 " after 5 s",
		      etcd_watch_revision(r->w));
	ck_assert_uint_le(uv_now(&loop) - t0, 3000); /* two 500 ms ticks + slack */
	ck_assert_uint_eq(r->n, 0);
	ck_assert_uint_eq(r->n_cb, 0);
	ck_assert_int_eq(etcd_watch_revision(quiet->w), quiet->snap_rev);
	ck_assert_int_lt(quiet->snap_rev, rev);
	etcd_watch_cancel(r->w);
	etcd_watch_cancel(quiet->w);
}
END_TEST

static Suite *watch_suite(void)
{
	Suite *s = suite_create("etcd_watch");
	TCase *tc = tcase_create("watch");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, snapshot_then_events);
	tcase_add_test(tc, resume_across_restart);
	tcase_add_test(tc, compaction_while_disconnected_resyncs);
	tcase_add_test(tc, start_revision_compacted);
	tcase_add_test(tc, start_revision_future);
	tcase_add_test(tc, cancel_inside_callbacks);
	tcase_add_test(tc, progress_advances_revision);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(watch_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
