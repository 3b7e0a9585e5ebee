/* test_etcd_lease — lib/etcd leases against a real etcd 3.4 server.
 *
 * Each test starts its own etcd member (tests/support/etcd_harness) and uv loop. Covers
 * grant (ID and TTL reported, a key put with the lease carries it), keep-alive holding
 * the lease past twice its TTL, release with revoke (keys gone at once); loss of the
 * lease reported through `lost` when it is revoked behind the client's back (etcdctl,
 * which takes IDs in hex) and when etcd is unreachable for a whole TTL, each time with a
 * reason, and the keys' DELETE seen by a watch; release without revoke letting the
 * keys expire on their own after about a TTL; release before the grant answered; bad
 * arguments. Callbacks only record; the test bodies assert. */
#include <check.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

static struct etcd_harness h;
static bool h_started;
static uv_loop_t loop;
static etcd_client *c;

/* ---- recorders ---------------------------------------------------------------------- */

struct lrec {
	bool granted;
	unsigned n_granted;
	enum etcd_errc grant_code;
	int64_t id, ttl;
	bool lost;
	unsigned n_lost;
	enum etcd_errc lost_code;
	char lost_msg[256];
	uint64_t lost_at;
};

static void on_granted(etcd_lease *l, const struct etcd_result *res, void *arg)
{
	struct lrec *r = arg;

	(void)l;
	r->granted = true;
	r->n_granted++;
	r->grant_code = res->err.code;
	r->id = res->lease_id;
	r->ttl = res->ttl;
}

static void on_lost(etcd_lease *l, const struct etcd_error *why, void *arg)
{
	struct lrec *r = arg;

	(void)l;
	r->lost = true;
	r->n_lost++;
	r->lost_code = why->code;
	snprintf(r->lost_msg, sizeof(r->lost_msg), "%s", why->msg);
	r->lost_at = uv_now(&loop);
}

static const struct etcd_lease_cbs lcbs = { on_granted, on_lost };

/* A watch on one key that notes its DELETE. */
struct wrec {
	bool snapshot, connected, deleted;
	size_t snap_n;
	int64_t del_rev;
	uint64_t del_at;
	int64_t put_lease;
};

static void w_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct wrec *r = arg;

	(void)w;
	(void)resync;
	r->snapshot = true;
	r->snap_n = snap->n_kvs;
	if (snap->n_kvs)
		r->put_lease = snap->kvs[0].lease;
}

static void w_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t revision,
		     void *arg)
{
	struct wrec *r = arg;

	(void)w;
	(void)revision;
	for (size_t i = 0; i < n; i++) {
		if (ev[i].type == ETCD_EVENT_DELETE && !r->deleted) {
			r->deleted = true;
			r->del_rev = ev[i].kv.mod_revision;
			r->del_at = uv_now(&loop);
		}
	}
}

static void w_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		     void *arg)
{
	(void)w;
	(void)why;
	(void)fatal;
	if (connected)
		((struct wrec *)arg)->connected = true;
}

static const struct etcd_watch_cbs wcbs = { w_snapshot, w_events, w_status };

/* Records live outside the test bodies so a failed assertion leaks nothing. */
static struct lrec g_l;
static struct wrec g_w;

/* ---- fixture and helpers --------------------------------------------------------------- */

static void setup(void)
{
	memset(&g_l, 0, sizeof(g_l));
	memset(&g_w, 0, sizeof(g_w));
	h_started = false;
	c = NULL;
	ck_assert_int_eq(uv_loop_init(&loop), 0);
}

/* Everything is closed and etcd stopped before anything is asserted, so a failed test
 * leaves no etcd behind. */
static void teardown(void)
{
	int rc_c = 0, rc_loop;

	if (c)
		rc_c = test_client_close(&loop, c);
	c = NULL;
	rc_loop = uv_loop_close(&loop);
	if (h_started)
		etcd_harness_stop(&h);
	h_started = false;
	ck_assert_int_eq(rc_c, 0);
	ck_assert_int_eq(rc_loop, 0);
}

static void start_etcd(void)
{
	int rc = etcd_harness_start(NULL, &h);

	ck_assert_msg(rc == 0, "etcd: %s", h.err);
	h_started = true;
	c = test_client(&loop, h.endpoints, NULL);
	ck_assert_ptr_nonnull(c);
}

static etcd_lease *grant_ok(int64_t ttl, struct lrec *r)
{
	etcd_lease *l = etcd_lease_grant(c, ttl, &lcbs, r);

	ck_assert_ptr_nonnull(l);
	ck_assert_int_eq(etcd_lease_id(l), 0); /* not granted yet */
	ck_assert(!etcd_lease_alive(l));
	ck_assert(run_until(&loop, &r->granted, 10000));
	ck_assert_msg(r->grant_code == ETCD_OK, "grant: %s", etcd_errc_name(r->grant_code));
	ck_assert_int_ne(r->id, 0);
	ck_assert_int_eq(r->ttl, ttl);
	ck_assert_int_eq(etcd_lease_id(l), r->id);
	ck_assert_int_eq(etcd_lease_ttl(l), ttl);
	ck_assert(etcd_lease_alive(l));
	return l;
}

static void put_leased(const char *key, const char *value, int64_t lease)
{
	struct sync_result r = { 0 };
	struct etcd_put_opts po = { .lease = lease };

	ck_assert_int_eq(etcd_put(c, key, value, strlen(value), &po, sync_cb, &r), 0);
	ck_assert(sync_wait(&loop, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s", key, r.msg);
	sync_clear(&r);
}

struct get_lease {
	bool done;
	enum etcd_errc code;
	int64_t lease;
	char value[64];
};

static void get_lease_cb(etcd_client *cl, const struct etcd_result *res, void *arg)
{
	struct get_lease *g = arg;

	(void)cl;
	g->done = true;
	g->code = res->err.code;
	if (res->err.code == ETCD_OK && res->n_kvs) {
		g->lease = res->kvs[0].lease;
		snprintf(g->value, sizeof(g->value), "%s", res->kvs[0].value);
	}
}

/* The key's lease, or -1 if the key does not exist. */
static int64_t key_lease(const char *key)
{
	struct get_lease g = { 0 };

	ck_assert_int_eq(etcd_get(c, key, get_lease_cb, &g), 0);
	ck_assert(run_until(&loop, &g.done, 10000));
	if (g.code == ETCD_ERR_NOT_FOUND)
		return -1;
	ck_assert_msg(g.code == ETCD_OK, "get %s: %s", key, etcd_errc_name(g.code));
	return g.lease;
}

static etcd_watch *watch_key(const char *key, struct wrec *r)
{
	etcd_watch *w = etcd_watch_start(c, key, NULL, &wcbs, r);

	ck_assert_ptr_nonnull(w);
	ck_assert(run_until(&loop, &r->snapshot, 10000));
	ck_assert(run_until(&loop, &r->connected, 10000));
	return w;
}

/* ---- tests ------------------------------------------------------------------------------ */

START_TEST(grant_keepalive_revoke)
{
	struct lrec *r = &g_l;
	struct sync_result rv = { 0 };
	char hex[32], out[1024], want[96];
	etcd_lease *l;

	start_etcd();
	l = grant_ok(3, r);
	put_leased("/t/l/a", "alive", r->id);
	ck_assert_int_eq(key_lease("/t/l/a"), r->id);
	/* etcdctl knows the lease by the same ID (printed in hex) and TTL */
	snprintf(hex, sizeof(hex), "%016" PRIx64, (uint64_t)r->id); /* as etcdctl prints it */
	ck_assert_int_eq(etcd_harness_etcdctl(&h, out, sizeof(out), "lease", "timetolive", hex,
					      (const char *)NULL), 0);
	snprintf(want, sizeof(want), "lease %s granted with TTL(3s)", hex);
	ck_assert_msg(strstr(out, want), "etcdctl: %s", out);

	/* keep-alive holds it well past twice the TTL */
	ck_assert(!run_until(&loop, &r->lost, 7500));
	ck_assert(etcd_lease_alive(l));
	ck_assert_int_eq(key_lease("/t/l/a"), r->id);
	ck_assert_int_eq(etcd_harness_etcdctl(&h, out, sizeof(out), "lease", "timetolive", hex,
					      (const char *)NULL), 0);
	ck_assert_msg(strstr(out, want) && strstr(out, "remaining"), "etcdctl: %s", out);

	/* release with revoke: the key is gone when the callback runs */
	etcd_lease_release(l, true, sync_cb, &rv);
	ck_assert(sync_wait(&loop, &rv, 10000));
	ck_assert_msg(rv.code == ETCD_OK, "revoke: %s", rv.msg);
	ck_assert_int_eq(key_lease("/t/l/a"), -1);
	ck_assert(!r->lost); /* a release is not a loss */
	ck_assert_uint_eq(r->n_granted, 1);
	sync_clear(&rv);
}
END_TEST

START_TEST(revoked_behind_the_back_is_lost)
{
	struct lrec *r = &g_l;
	struct wrec *wr = &g_w;
	char hex[32], out[1024];
	etcd_lease *l;
	etcd_watch *w;

	start_etcd();
	l = grant_ok(5, r);
	put_leased("/t/l/b", "mine", r->id);
	w = watch_key("/t/l/b", wr);
	ck_assert_uint_eq(wr->snap_n, 1);
	ck_assert_int_eq(wr->put_lease, r->id);

	snprintf(hex, sizeof(hex), "%016" PRIx64, (uint64_t)r->id); /* as etcdctl prints it */
	ck_assert_msg(etcd_harness_etcdctl(&h, out, sizeof(out), "lease", "revoke", hex,
					   (const char *)NULL) == 0,
		      "etcdctl lease revoke %s: %s", hex, out);
	ck_assert(run_until(&loop, &wr->deleted, 10000));
	/* the next keep-alive (every TTL/3) learns it is gone */
	ck_assert_msg(run_until(&loop, &r->lost, 5000), "lost not reported");
	ck_assert_uint_eq(r->n_lost, 1);
	ck_assert_msg(strstr(r->lost_msg, "expired") || strstr(r->lost_msg, "revoked"),
		      "reason: %s", r->lost_msg);
	ck_assert(!etcd_lease_alive(l));
	ck_assert_int_eq(key_lease("/t/l/b"), -1);
	run_for(&loop, 300);
	ck_assert_uint_eq(r->n_lost, 1);
	etcd_lease_release(l, false, NULL, NULL);
	etcd_watch_cancel(w);
}
END_TEST

START_TEST(unreachable_etcd_is_lost)
{
	struct lrec *r = &g_l;
	etcd_lease *l;
	uint64_t t0;

	start_etcd();
	l = grant_ok(3, r);
	put_leased("/t/l/c", "x", r->id);
	ck_assert_int_eq(etcd_harness_kill_member(&h, 0, SIGKILL), 0);
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_msg(run_until(&loop, &r->lost, 12000), "lost not reported 12 s after the kill");
	ck_assert_msg(r->lost_at - t0 <= 3000 + 2000,
		      "lost reported %" PRIu64 " ms after etcd died, TTL is 3 s (%s)",
		      r->lost_at - t0, r->lost_msg);
	ck_assert_msg(strstr(r->lost_msg, "no keep-alive"), "reason: %s", r->lost_msg);
	ck_assert_uint_eq(r->n_lost, 1);
	ck_assert(!etcd_lease_alive(l));
	etcd_lease_release(l, false, NULL, NULL);
}
END_TEST

START_TEST(release_without_revoke_expires)
{
	struct lrec *r = &g_l;
	struct wrec *wr = &g_w;
	etcd_lease *l;
	etcd_watch *w;
	uint64_t t0;

	start_etcd();
	l = grant_ok(3, r);
	put_leased("/t/l/d", "x", r->id);
	w = watch_key("/t/l/d", wr);
	etcd_lease_release(l, false, NULL, NULL);
	uv_update_time(&loop);
	t0 = uv_now(&loop);
	ck_assert_int_eq(key_lease("/t/l/d"), r->id); /* not revoked */
	ck_assert_msg(run_until(&loop, &wr->deleted, 3000 + 4000), "key did not expire");
	/* expired by the server, after what was left of the TTL (at least 2/3 of it) */
	ck_assert_uint_ge(wr->del_at - t0, 1500);
	ck_assert_int_eq(key_lease("/t/l/d"), -1);
	ck_assert(!r->lost); /* released: no more callbacks */
	etcd_watch_cancel(w);
}
END_TEST

static void count_cb(etcd_client *cl, const struct etcd_result *res, void *arg)
{
	(void)cl;
	(void)res;
	(*(unsigned *)arg)++;
}

START_TEST(release_before_granted)
{
	struct lrec *r = &g_l;
	unsigned n_cb = 0;
	bool never = false;
	etcd_lease *l;

	start_etcd();
	l = etcd_lease_grant(c, 5, &lcbs, r);
	ck_assert_ptr_nonnull(l);
	etcd_lease_release(l, true, count_cb, &n_cb); /* grant still on the wire */
	for (int i = 0; i < 100 && n_cb == 0; i++) /* up to 10 s on a loaded machine */
		run_for(&loop, 100);
	run_until(&loop, &never, 300); /* and nothing more arrives */
	ck_assert(!r->granted); /* no callback after release */
	ck_assert(!r->lost);
	/* "when revoke, revoke it on the server first and call cb with the result" */
	ck_assert_msg(n_cb == 1, "revoke callback called %u times", n_cb);
}
END_TEST

START_TEST(bad_arguments_and_no_server)
{
	struct etcd_client_opts o = { .request_timeout_ms = 500 };
	struct lrec *r = &g_l;
	etcd_lease *l;

	c = test_client(&loop, "http://127.0.0.1:1", &o);
	ck_assert_ptr_nonnull(c);
	ck_assert_ptr_null(etcd_lease_grant(c, 0, &lcbs, r));
	ck_assert_ptr_null(etcd_lease_grant(c, -3, &lcbs, r));
	ck_assert_ptr_null(etcd_lease_grant(c, INT64_MIN, &lcbs, r));

	/* nobody answers: the grant fails, the lease is dead, it was never "lost" */
	l = etcd_lease_grant(c, 5, &lcbs, r);
	ck_assert_ptr_nonnull(l);
	ck_assert(run_until(&loop, &r->granted, 5000));
	ck_assert_int_eq(r->grant_code, ETCD_ERR_UNAVAILABLE);
	ck_assert(!etcd_lease_alive(l));
	ck_assert_int_eq(etcd_lease_id(l), 0);
	ck_assert(!r->lost);
	etcd_lease_release(l, true, NULL, NULL);
}
END_TEST

static Suite *lease_suite(void)
{
	Suite *s = suite_create("etcd_lease");
	TCase *tc = tcase_create("lease");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, grant_keepalive_revoke);
	tcase_add_test(tc, revoked_behind_the_back_is_lost);
	tcase_add_test(tc, unreachable_etcd_is_lost);
	tcase_add_test(tc, release_without_revoke_expires);
	tcase_add_test(tc, release_before_granted);
	tcase_add_test(tc, bad_arguments_and_no_server);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(lease_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
