/* test_etcd_auth_tls — lib/etcd with etcd's auth and TLS, against real etcd 3.4 servers.
 *
 * Each test starts its own etcd member (tests/support/etcd_harness) and uv loop.
 * Auth: a user whose role covers /kvte/ only can put/get/txn/watch there, and gets
 * ETCD_ERR_PERMISSION_DENIED with etcd's message for a put, a get, a range (outside or
 * wider than the prefix) and a txn touching one forbidden key (nothing written); a watch
 * on a forbidden prefix, both through the initial snapshot and straight on the stream,
 * ends with one fatal status and never delivers anything. A wrong password is
 * ETCD_ERR_AUTH naming authentication, no credentials is ETCD_ERR_AUTH "user name is
 * empty"; a watch with either ends with one fatal ETCD_ERR_AUTH status (etcd.h: auth
 * errors are fatal for watches). Simple tokens: one that expired while idle
 * (--auth-token-ttl=2) is replaced by exactly one transparent re-login; a watch survives
 * an etcd restart that killed the tokens by logging in again and resuming, delivering
 * the put made after the restart exactly once. TLS (client certificates mandatory):
 * put/get/watch over https with CA + client cert; an untrusted server is ETCD_ERR_AUTH at
 * once; no client certificate fails within request_timeout_ms; a missing CA file is
 * refused by etcd_client_new naming the file. Callbacks only record; the test bodies
 * assert. KVTE_TEST_ONLY=<test> runs one test, KVTE_TEST_DEBUG=1 adds etcd debug logs. */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "lib/log.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

#define STR 64
#define MAX_EV 64
#define MAX_CLIENTS 4

#define USER "kvte"
#define PASSWORD "kvte-secret-pw"

static struct etcd_harness h;
static bool h_started;
static uv_loop_t loop;
static etcd_client *cl[MAX_CLIENTS];

static unsigned count_substr(const char *hay, const char *needle)
{
	unsigned n = 0;

	while (hay && (hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/* ---- watch recorder ------------------------------------------------------------------- */

struct ev_rec {
	enum etcd_event_type type;
	char key[STR], value[STR];
	int64_t rev;
};

struct wrec {
	etcd_watch *w;
	bool got_snapshot;
	unsigned n_snap;
	int64_t snap_rev;
	size_t snap_n;
	char snap_keys[8][STR];
	struct ev_rec ev[MAX_EV];
	size_t n_ev;
	unsigned n_ev_cb;
	bool overflow;
	/* status */
	unsigned n_status, n_up, n_down;
	bool connected, disconnected, fatal;
	enum etcd_errc last_code;
	char last_msg[256];
	bool up_after_down; /* connected again after a disconnect */
	/* waiting for a key */
	const char *wait_key;
	bool saw_key;
};

static void copy_str(char *dst, const char *src, size_t len)
{
	size_t n = len < STR - 1 ? len : STR - 1;

	memcpy(dst, src ? src : "", src ? n : 0);
	dst[src ? n : 0] = '\0';
}

static void on_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct wrec *r = arg;
	size_t i;

	(void)w;
	(void)resync;
	r->n_snap++;
	r->got_snapshot = true;
	r->snap_rev = snap->revision;
	r->snap_n = snap->n_kvs;
	for (i = 0; i < snap->n_kvs && i < 8; i++)
		copy_str(r->snap_keys[i], snap->kvs[i].key, snap->kvs[i].key_len);
}

static void on_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t revision,
		      void *arg)
{
	struct wrec *r = arg;
	size_t i;

	(void)w;
	(void)revision;
	r->n_ev_cb++;
	for (i = 0; i < n; i++) {
		struct ev_rec *e;

		if (r->n_ev >= MAX_EV) {
			r->overflow = true;
			continue;
		}
		e = &r->ev[r->n_ev++];
		e->type = ev[i].type;
		copy_str(e->key, ev[i].kv.key, ev[i].kv.key_len);
		copy_str(e->value, ev[i].kv.value, ev[i].kv.value_len);
		e->rev = ev[i].kv.mod_revision;
		if (r->wait_key && !strcmp(e->key, r->wait_key))
			r->saw_key = true;
	}
}

static void on_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		      void *arg)
{
	struct wrec *r = arg;

	(void)w;
	r->n_status++;
	if (connected) {
		r->n_up++;
		r->connected = true;
		if (r->disconnected)
			r->up_after_down = true;
	} else {
		r->n_down++;
		r->disconnected = true;
	}
	if (fatal)
		r->fatal = true;
	r->last_code = why ? why->code : ETCD_OK;
	snprintf(r->last_msg, sizeof(r->last_msg), "%s", why ? why->msg : "");
}

static const struct etcd_watch_cbs wcbs = { on_snapshot, on_events, on_status };

/* Records live outside the test bodies so a failed assertion leaks nothing. */
static struct wrec g_rec[4];

static etcd_watch *watch(etcd_client *wc, struct wrec *r, const char *prefix, int64_t start_rev)
{
	struct etcd_watch_opts o = { .prefix = true, .start_revision = start_rev };

	memset(r, 0, sizeof(*r));
	r->w = etcd_watch_start(wc, prefix, &o, &wcbs, r);
	ck_assert_ptr_nonnull(r->w);
	return r->w;
}

static void cancel_watches(void)
{
	size_t i;

	for (i = 0; i < sizeof(g_rec) / sizeof(g_rec[0]); i++) {
		if (g_rec[i].w)
			etcd_watch_cancel(g_rec[i].w);
		g_rec[i].w = NULL;
	}
}

/* ---- fixture -------------------------------------------------------------------------- */

static void setup(void)
{
	memset(g_rec, 0, sizeof(g_rec));
	memset(cl, 0, sizeof(cl));
	h_started = false;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
}

/* Everything is closed and etcd stopped before anything is asserted, so a failed test
 * leaves no etcd behind. */
static void teardown(void)
{
	int rc_c = 0, rc_loop;
	size_t i;

	log_capture_stop();
	cancel_watches();
	for (i = 0; i < MAX_CLIENTS; i++) {
		if (cl[i] && test_client_close(&loop, cl[i]) != 0)
			rc_c = -1;
		cl[i] = NULL;
	}
	rc_loop = uv_loop_close(&loop);
	if (h_started)
		etcd_harness_stop(&h);
	h_started = false;
	ck_assert_int_eq(rc_c, 0);
	ck_assert_int_eq(rc_loop, 0);
}

static void start_etcd(const struct etcd_harness_opts *o, bool auth)
{
	int rc = etcd_harness_start(o, &h);

	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	h_started = true;
	if (auth) {
		rc = etcd_harness_setup_auth(&h, USER, PASSWORD, "kvte", "/kvte/");
		ck_assert_msg(rc == 0, "setup_auth: %s", h.err);
	}
}

/* Client slot i with user/password (NULL: none). */
static etcd_client *client(int i, const char *user, const char *password,
			   const struct etcd_client_opts *extra)
{
	struct etcd_client_opts o = { 0 };

	if (extra)
		o = *extra;
	o.user = user;
	o.password = password;
	if (!o.backoff_max_ms)
		o.backoff_max_ms = 1000;
	cl[i] = test_client(&loop, h.endpoints, &o);
	ck_assert_ptr_nonnull(cl[i]);
	return cl[i];
}

static int64_t put_ok(etcd_client *c, const char *key, const char *value)
{
	struct sync_result r = { 0 };
	int64_t rev;

	ck_assert_int_eq(etcd_put(c, key, value, strlen(value), NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 15000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s (%s)", key, etcd_errc_name(r.code), r.msg);
	rev = r.revision;
	sync_clear(&r);
	return rev;
}

static void expect_code(struct sync_result *r, enum etcd_errc want, const char *what,
			const char *msg_part)
{
	ck_assert_msg(r->done, "%s: no answer", what);
	ck_assert_msg(r->code == want, "%s: got %s (%s), want %s", what, etcd_errc_name(r->code),
		      r->msg, etcd_errc_name(want));
	if (msg_part)
		ck_assert_msg(strstr(r->msg, msg_part), "%s: message \"%s\" lacks \"%s\"", what,
			      r->msg, msg_part);
}

static void ctl_ok(const char *what, const char *arg, ...) __attribute__((sentinel));

/* etcdctl as root (after setup_auth); the harness takes a NULL-terminated argv. */
static void ctl_ok(const char *what, const char *arg, ...)
{
	const char *argv[8];
	char out[2048];
	va_list ap;
	int n = 0, rc;

	va_start(ap, arg);
	for (const char *a = arg; a && n < 7; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	argv[n] = NULL;
	rc = etcd_harness_etcdctlv(&h, out, sizeof(out), argv);
	ck_assert_msg(rc == 0, "etcdctl %s: rc %d: %s %s", what, rc, out, h.err);
}

/* ---- auth: a role limited to /kvte/ ------------------------------------------------------ */

START_TEST(auth_prefix_role_allows_inside_denies_outside)
{
	struct sync_result r = { 0 };
	etcd_client *c;
	etcd_txn *t;

	start_etcd(NULL, true);
	c = client(0, USER, PASSWORD, NULL);

	/* inside the prefix: put, get, range, txn */
	put_ok(c, "/kvte/a", "1");
	ck_assert_int_eq(etcd_get(c, "/kvte/a", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_OK, "get /kvte/a", NULL);
	ck_assert_uint_eq(r.n_kvs, 1);
	ck_assert_str_eq(r.values[0], "1");
	sync_clear(&r);
	ck_assert_int_eq(etcd_range(c, "/kvte/", &(struct etcd_range_opts){ .prefix = true },
				    sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_OK, "range /kvte/*", NULL);
	ck_assert_uint_eq(r.n_kvs, 1);
	sync_clear(&r);
	t = etcd_txn_new();
	etcd_txn_compare(t, "/kvte/t0", ETCD_CMP_VERSION, ETCD_CMP_EQUAL, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/kvte/t0", "created", 7, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/kvte/t1", "also", 4, 0);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_OK, "txn inside /kvte/", NULL);
	ck_assert(r.succeeded);
	sync_clear(&r);

	/* outside: put, get, range, and a range wider than the prefix */
	ck_assert_int_eq(etcd_put(c, "/other/x", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_PERMISSION_DENIED, "put /other/x", "permission denied");
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(c, "/other/x", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_PERMISSION_DENIED, "get /other/x", "permission denied");
	sync_clear(&r);
	ck_assert_int_eq(etcd_range(c, "/other/", &(struct etcd_range_opts){ .prefix = true },
				    sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_PERMISSION_DENIED, "range /other/*", "permission denied");
	sync_clear(&r);
	ck_assert_int_eq(etcd_range(c, "/kv", &(struct etcd_range_opts){ .prefix = true },
				    sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_PERMISSION_DENIED, "range /kv* (wider than /kvte/)",
		    "permission denied");
	sync_clear(&r);

	/* a txn touching one forbidden key is refused as a whole: nothing written */
	t = etcd_txn_new();
	etcd_txn_put(t, ETCD_SUCCESS, "/kvte/t2", "allowed", 7, 0);
	etcd_txn_put(t, ETCD_SUCCESS, "/other/t2", "forbidden", 9, 0);
	ck_assert_int_eq(etcd_txn_commit(c, t, ETCD_TXN_ATOMIC, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_PERMISSION_DENIED, "txn with /other/t2", "permission denied");
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(c, "/kvte/t2", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_NOT_FOUND, "get /kvte/t2 after the refused txn", NULL);
	sync_clear(&r);

	/* the client is still usable after all those refusals */
	put_ok(c, "/kvte/after", "ok");
}
END_TEST

START_TEST(auth_watch_forbidden_prefix_is_fatal)
{
	struct wrec *snap_w = &g_rec[0], *stream_w = &g_rec[1], *good = &g_rec[2];
	etcd_client *c;
	int64_t rev;

	start_etcd(NULL, true);
	c = client(0, USER, PASSWORD, NULL);
	put_ok(c, "/kvte/w/pre", "0");
	ctl_ok("put /other/pre", "put", "/other/pre", "0", NULL);
	ck_assert_int_eq(etcd_harness_current_revision(&h, &rev), 0);

	/* through the initial snapshot (a range), and straight on the stream */
	watch(c, snap_w, "/other/", 0);
	watch(c, stream_w, "/other/", rev + 1);
	watch(c, good, "/kvte/w/", 0);
	ck_assert(run_until(&loop, &snap_w->fatal, 10000));
	ck_assert(run_until(&loop, &stream_w->fatal, 10000));
	ck_assert(run_until(&loop, &good->connected, 10000));

	/* writes on both sides; the allowed watch sees its key, the others nothing */
	ctl_ok("put /other/x", "put", "/other/x", "1", NULL);
	good->wait_key = "/kvte/w/x";
	put_ok(c, "/kvte/w/x", "1");
	ck_assert(run_until(&loop, &good->saw_key, 10000));
	ctl_ok("put /other/y", "put", "/other/y", "2", NULL);
	good->saw_key = false;
	good->wait_key = "/kvte/w/y";
	put_ok(c, "/kvte/w/y", "2");
	ck_assert(run_until(&loop, &good->saw_key, 10000));

	ck_assert_msg(snap_w->last_code == ETCD_ERR_PERMISSION_DENIED, "snapshot watch: %s (%s)",
		      etcd_errc_name(snap_w->last_code), snap_w->last_msg);
	ck_assert_ptr_nonnull(strstr(snap_w->last_msg, "permission denied"));
	ck_assert_uint_eq(snap_w->n_status, 1);
	ck_assert_uint_eq(snap_w->n_up, 0);
	ck_assert_uint_eq(snap_w->n_snap, 0);
	ck_assert_uint_eq(snap_w->n_ev, 0);
	ck_assert(!etcd_watch_connected(snap_w->w));

	ck_assert_msg(stream_w->last_code == ETCD_ERR_PERMISSION_DENIED, "stream watch: %s (%s)",
		      etcd_errc_name(stream_w->last_code), stream_w->last_msg);
	ck_assert_ptr_nonnull(strstr(stream_w->last_msg, "permission denied"));
	ck_assert_uint_eq(stream_w->n_status, 1); /* never "connected" */
	ck_assert_uint_eq(stream_w->n_up, 0);
	ck_assert_uint_eq(stream_w->n_snap, 0);
	ck_assert_uint_eq(stream_w->n_ev, 0);
	ck_assert(!etcd_watch_connected(stream_w->w));

	ck_assert(good->got_snapshot);
	ck_assert_uint_eq(good->snap_n, 1);
	ck_assert_str_eq(good->snap_keys[0], "/kvte/w/pre");
	ck_assert_uint_eq(good->n_ev, 2);
	ck_assert_str_eq(good->ev[0].key, "/kvte/w/x");
	ck_assert_str_eq(good->ev[1].key, "/kvte/w/y");
	ck_assert(!good->fatal);
	ck_assert_uint_eq(good->n_down, 0);
}
END_TEST

START_TEST(auth_wrong_password_and_no_credentials)
{
	struct sync_result r = { 0 }, r2 = { 0 };
	etcd_client *bad, *anon;

	start_etcd(NULL, true);
	bad = client(0, USER, "not-the-password", NULL);
	ck_assert_int_eq(etcd_put(bad, "/kvte/a", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert_int_eq(etcd_get(bad, "/kvte/a", sync_cb, &r2), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	ck_assert(sync_wait(&loop, &r2, 10000));
	expect_code(&r, ETCD_ERR_AUTH, "put with a wrong password", "authentication");
	expect_code(&r2, ETCD_ERR_AUTH, "queued get with a wrong password", "authentication");
	sync_clear(&r);
	sync_clear(&r2);
	/* a later request tries again and fails the same way (no hang, no stale state) */
	ck_assert_int_eq(etcd_put(bad, "/kvte/b", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_AUTH, "second put with a wrong password", "authentication");
	sync_clear(&r);

	anon = client(1, NULL, NULL, NULL);
	ck_assert_int_eq(etcd_put(anon, "/kvte/a", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_AUTH, "put without credentials", "user name is empty");
	sync_clear(&r);
	ck_assert_int_eq(etcd_get(anon, "/kvte/a", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_ERR_AUTH, "get without credentials", "user name is empty");
	sync_clear(&r);
}
END_TEST

/* etcd.h: "A fatal error (permission denied, auth) stops the watch: fatal is then true."
 * Bad credentials cannot get better by retrying, whichever way the watch starts
 * (initial snapshot = a range, or straight on the stream). */
static const char *watch_verdict(const struct wrec *r, char *buf, size_t len)
{
	snprintf(buf, len, "%u status calls, fatal %d, last %s: %s", r->n_status, r->fatal,
		 etcd_errc_name(r->last_code), r->last_msg);
	return buf;
}

START_TEST(auth_watch_bad_credentials_is_fatal)
{
	struct wrec *bad_snap = &g_rec[0], *anon_snap = &g_rec[1], *anon_stream = &g_rec[2];
	char v1[400], v2[400], v3[400];
	etcd_client *bad, *anon;
	bool ok1, ok2, ok3;

	start_etcd(NULL, true);
	bad = client(0, USER, "not-the-password", NULL);
	anon = client(1, NULL, NULL, NULL);
	watch(bad, bad_snap, "/kvte/", 0);
	watch(anon, anon_snap, "/kvte/", 0);
	watch(anon, anon_stream, "/kvte/", 1);
	/* all three run at once, finishing in any order: up to 10 s each (the later
	 * waits return at once when theirs already came) */
	run_until(&loop, &bad_snap->fatal, 10000);
	run_until(&loop, &anon_snap->fatal, 10000);
	run_until(&loop, &anon_stream->fatal, 10000);
	ok1 = bad_snap->fatal && bad_snap->last_code == ETCD_ERR_AUTH && bad_snap->n_status == 1;
	ok2 = anon_snap->fatal && anon_snap->last_code == ETCD_ERR_AUTH && anon_snap->n_status == 1;
	ok3 = anon_stream->fatal && anon_stream->last_code == ETCD_ERR_AUTH &&
	      anon_stream->n_status == 1;
	ck_assert_msg(ok1 && ok2 && ok3,
		      "want one fatal ETCD_ERR_AUTH status each; wrong password, snapshot: %s | "
		      "no credentials, snapshot: %s | no credentials, stream: %s",
		      watch_verdict(bad_snap, v1, sizeof(v1)), watch_verdict(anon_snap, v2, sizeof(v2)),
		      watch_verdict(anon_stream, v3, sizeof(v3)));
	ck_assert_ptr_nonnull(strstr(bad_snap->last_msg, "authentication"));
	ck_assert_ptr_nonnull(strstr(anon_snap->last_msg, "user name is empty"));
	ck_assert_uint_eq(bad_snap->n_snap + anon_snap->n_snap + anon_stream->n_snap, 0);
	ck_assert_uint_eq(bad_snap->n_ev + anon_snap->n_ev + anon_stream->n_ev, 0);
}
END_TEST

/* ---- auth: simple tokens expire and die with a restart ------------------------------------ */

START_TEST(auth_token_expiry_relogs_in_once)
{
	struct etcd_harness_opts o = { .auth_token_ttl_s = 2 };
	struct sync_result r = { 0 };
	etcd_client *c;

	start_etcd(&o, true);
	log_capture_start();
	c = client(0, USER, PASSWORD, NULL);
	put_ok(c, "/kvte/ttl/a", "1");
	ck_assert_uint_eq(count_substr(log_capture_text(), "authenticated as"), 1);

	/* time itself is the point here: the token's TTL (2 s) passes while idle */
	run_for(&loop, 4000);
	put_ok(c, "/kvte/ttl/b", "2");
	ck_assert_msg(count_substr(log_capture_text(), "authenticated as") == 2,
		      "want exactly one re-login, log:\n%s", log_capture_text());
	ck_assert_int_eq(etcd_get(c, "/kvte/ttl/a", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_OK, "get after the re-login", NULL);
	sync_clear(&r);
	ck_assert_uint_eq(count_substr(log_capture_text(), "authenticated as"), 2); /* token reused */
}
END_TEST

START_TEST(auth_watch_survives_restart)
{
	struct wrec *wr = &g_rec[0];
	etcd_client *c;
	int64_t rev_before, rev_after;

	start_etcd(NULL, true);
	log_capture_start();
	c = client(0, USER, PASSWORD, NULL);
	put_ok(c, "/kvte/rs/pre", "0");
	watch(c, wr, "/kvte/rs/", 0);
	ck_assert(run_until(&loop, &wr->connected, 10000));
	wr->wait_key = "/kvte/rs/before";
	rev_before = put_ok(c, "/kvte/rs/before", "1");
	ck_assert(run_until(&loop, &wr->saw_key, 10000));
	ck_assert_uint_eq(count_substr(log_capture_text(), "authenticated as"), 1);

	/* Time is the point: etcd's backend commits every 100 ms. Killed before that, etcd
	 * replays the authenticate entry from its WAL on restart and the old simple token
	 * stays valid (seen with 3.4.23); after it, every token dies with the process. */
	run_for(&loop, 1000);
	ck_assert_msg(etcd_harness_kill_member(&h, 0, SIGKILL) == 0, "kill: %s", h.err);
	ck_assert(run_until(&loop, &wr->disconnected, 10000));
	ck_assert_msg(etcd_harness_restart_member(&h, 0) == 0, "restart: %s", h.err);

	/* every token died with etcd: the put and the watch must both log in again */
	wr->saw_key = false;
	wr->wait_key = "/kvte/rs/after";
	rev_after = put_ok(c, "/kvte/rs/after", "2");
	ck_assert_msg(run_until(&loop, &wr->saw_key, 20000),
		      "watch did not deliver the put made after the restart (last status %s: %s, "
		      "connected %d)", etcd_errc_name(wr->last_code), wr->last_msg,
		      etcd_watch_connected(wr->w));
	/* the old token was refused: exactly one new login served the put and the watch */
	ck_assert_msg(count_substr(log_capture_text(), "authenticated as") == 2,
		      "want exactly one re-login after the restart, log:\n%s", log_capture_text());
	ck_assert(wr->up_after_down);
	ck_assert(!wr->fatal);
	ck_assert(!wr->overflow);
	ck_assert_uint_eq(wr->n_ev, 2);
	ck_assert_str_eq(wr->ev[0].key, "/kvte/rs/before");
	ck_assert_int_eq(wr->ev[0].rev, rev_before);
	ck_assert_str_eq(wr->ev[1].key, "/kvte/rs/after");
	ck_assert_str_eq(wr->ev[1].value, "2");
	ck_assert_int_eq(wr->ev[1].rev, rev_after);
	ck_assert_int_eq(rev_after, rev_before + 1); /* nothing in between was missed */
	ck_assert(etcd_watch_connected(wr->w));
}
END_TEST

/* ---- TLS ------------------------------------------------------------------------------------ */

START_TEST(tls_put_get_watch_with_client_cert)
{
	struct etcd_harness_opts o = { .tls = true };
	struct etcd_client_opts co = { 0 };
	struct sync_result r = { 0 };
	struct wrec *wr = &g_rec[0];
	etcd_client *c;
	int64_t rev;

	start_etcd(&o, false);
	ck_assert_ptr_nonnull(strstr(h.endpoints, "https://"));
	co.ca_file = h.ca_file;
	co.cert_file = h.client_cert;
	co.key_file = h.client_key;
	c = client(0, NULL, NULL, &co);
	put_ok(c, "/t/tls/a", "secret");
	ck_assert_int_eq(etcd_get(c, "/t/tls/a", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	expect_code(&r, ETCD_OK, "get over TLS", NULL);
	ck_assert_str_eq(r.values[0], "secret");
	sync_clear(&r);

	watch(c, wr, "/t/tls/", 0);
	ck_assert(run_until(&loop, &wr->connected, 10000));
	ck_assert_uint_eq(wr->snap_n, 1);
	wr->wait_key = "/t/tls/b";
	rev = put_ok(c, "/t/tls/b", "2");
	ck_assert(run_until(&loop, &wr->saw_key, 10000));
	ck_assert_uint_eq(wr->n_ev, 1);
	ck_assert_int_eq(wr->ev[0].rev, rev);
	ck_assert_str_eq(wr->ev[0].value, "2");
}
END_TEST

START_TEST(tls_without_client_cert_fails_in_time)
{
	struct etcd_harness_opts o = { .tls = true };
	struct etcd_client_opts co = { .request_timeout_ms = 2000 };
	struct sync_result r = { 0 };
	etcd_client *c;
	uint64_t t0, took;

	start_etcd(&o, false);

	/* a CA that did not sign the server certificate: the server is not trusted, which
	 * no retry can change */
	co.ca_file = h.client_cert;
	co.cert_file = h.client_cert;
	co.key_file = h.client_key;
	c = client(1, NULL, NULL, &co);
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_int_eq(etcd_get(c, "/t/tls/x", sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	took = uv_now(&loop) - t0;
	fprintf(stderr, "tls with an untrusted server: %s after %" PRIu64 " ms: %s\n",
		etcd_errc_name(r.code), took, r.msg);
	ck_assert_msg(r.code == ETCD_ERR_AUTH, "untrusted server: %s (%s)",
		      etcd_errc_name(r.code), r.msg);
	ck_assert_uint_le(took, 1000);
	sync_clear(&r);

	/* no client certificate: etcd (--client-cert-auth) refuses the handshake */
	co.ca_file = h.ca_file;
	co.cert_file = NULL;
	co.key_file = NULL;
	c = client(0, NULL, NULL, &co);
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_int_eq(etcd_put(c, "/t/tls/nocert", "1", 1, NULL, sync_cb, &r), 0);
	ck_assert_msg(sync_wait(&loop, &r, 10000), "no answer within 10 s");
	took = uv_now(&loop) - t0;
	fprintf(stderr, "tls without client cert: %s after %" PRIu64 " ms: %s\n",
		etcd_errc_name(r.code), took, r.msg);
	ck_assert_msg(r.code != ETCD_OK, "put without client certificate succeeded");
	ck_assert_msg(r.msg[0] != '\0', "error without a message");
	/* request_timeout_ms is the whole request, fail-over and retries included */
	ck_assert_msg(took <= 2000 + 250, "took %" PRIu64 " ms with request_timeout_ms 2000",
		      took);
	sync_clear(&r);
}
END_TEST

START_TEST(tls_missing_ca_file_is_einval)
{
	const char *missing = "/nonexistent/kvte-test/ca-missing.pem";
	struct etcd_client_opts o = { .endpoints = "https://127.0.0.1:2379", .ca_file = missing };
	etcd_client *c = NULL;
	char err[256] = "";

	ck_assert_int_eq(etcd_client_new(&loop, &o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, missing), "error \"%s\" does not name %s", err, missing);

	/* same for the client certificate and key */
	o.ca_file = NULL;
	o.cert_file = "/nonexistent/kvte-test/cert-missing.pem";
	o.key_file = "/nonexistent/kvte-test/key-missing.pem";
	ck_assert_int_eq(etcd_client_new(&loop, &o, &c, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(c);
	ck_assert_msg(strstr(err, "cert-missing.pem"), "error \"%s\"", err);
}
END_TEST

/* KVTE_TEST_ONLY=<test name> runs one test; KVTE_TEST_DEBUG=1 turns on etcd debug logs. */
static void add_test(TCase *tc, const TTest *t)
{
	const char *only = getenv("KVTE_TEST_ONLY");

	if (!only || !strcmp(only, t->name))
		tcase_add_test(tc, t);
}

static Suite *auth_tls_suite(void)
{
	Suite *s = suite_create("etcd_auth_tls");
	TCase *auth = tcase_create("auth"), *tls = tcase_create("tls");

	tcase_add_checked_fixture(auth, setup, teardown);
	tcase_set_timeout(auth, 120);
	add_test(auth, auth_prefix_role_allows_inside_denies_outside);
	add_test(auth, auth_watch_forbidden_prefix_is_fatal);
	add_test(auth, auth_wrong_password_and_no_credentials);
	add_test(auth, auth_watch_bad_credentials_is_fatal);
	add_test(auth, auth_token_expiry_relogs_in_once);
	add_test(auth, auth_watch_survives_restart);
	suite_add_tcase(s, auth);

	tcase_add_checked_fixture(tls, setup, teardown);
	tcase_set_timeout(tls, 120);
	add_test(tls, tls_put_get_watch_with_client_cert);
	add_test(tls, tls_without_client_cert_fails_in_time);
	add_test(tls, tls_missing_ca_file_is_einval);
	suite_add_tcase(s, tls);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(auth_tls_suite());
	int failed;

	if (getenv("KVTE_TEST_DEBUG"))
		log_set_debug("etcd");
	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
