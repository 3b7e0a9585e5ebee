/* test_controller — the kvte-controller daemon core (te-controller/ctl_etcd.c) against
 * a real etcd 3.4 server, in-process.
 *
 * Each controller instance runs on its own libuv loop, so the test can "pause" one
 * (not run its loop) the way SIGSTOP would. With the seed topology's ted/lsp and
 * speaker values in etcd (te-controller/testdata/seed): a controller becomes leader
 * and publishes te/links; config/lsps/r1-to-r4 gives te/paths/r1-to-r4 "up" over
 * r1-r2-r4 and rib/r1/te/r1-to-r4 with the End.X segments, plus the shared bypasses;
 * deleting r2's LSP re-routes it over r1-r3-r5-r4; deleting the request removes its
 * keys; a bad value (not JSON) is ignored with its key logged. With two controllers
 * only the leader writes; when the leader's lease is revoked the other takes over and
 * writes nothing (every owned key keeps its mod revision); a leader that does not
 * notice it was deposed (te/leader gone, another controller elected) has its next
 * write refused by the fence and steps down, and the real leader writes instead.
 * Make-before-break: a re-optimized LSP keeps its old path (te/links reservations,
 * bypasses, te/paths "releasing") until state/r1/agent reports a revision at least the
 * new tunnel's mod revision. DESIGN §5, §8; docs/keys.md "Leader fencing". */
#include <check.h>
#include <glob.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "lib/jx.h"
#include "te-controller/ctl_etcd.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"

static struct etcd_harness h;
static uv_loop_t lt; /* the test's own client */
static etcd_client *tc;

/* ---- helpers -------------------------------------------------------------------------- */

static void tick(uv_timer_t *t)
{
	(void)t;
}

/* Run loop until pred(arg) or timeout; a 5 ms tick re-checks. */
static bool run_pred(uv_loop_t *loop, bool (*pred)(void *), void *arg, unsigned timeout_ms)
{
	uv_timer_t t;
	uint64_t end;
	bool ok;

	uv_update_time(loop);
	end = uv_now(loop) + timeout_ms;
	uv_timer_init(loop, &t);
	uv_timer_start(&t, tick, 5, 5);
	while (!(ok = pred(arg)) && uv_now(loop) < end)
		uv_run(loop, UV_RUN_ONCE);
	uv_close((uv_handle_t *)&t, NULL);
	uv_run(loop, UV_RUN_NOWAIT);
	return ok;
}

static bool never(void *arg)
{
	(void)arg;
	return false;
}

static void put(const char *key, const char *value)
{
	struct sync_result r = { 0 };

	ck_assert_int_eq(etcd_put(tc, key, value, strlen(value), NULL, sync_cb, &r), 0);
	ck_assert(sync_wait(&lt, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "put %s: %s", key, r.msg);
	sync_clear(&r);
}

static void del(const char *key)
{
	struct sync_result r = { 0 };

	ck_assert_int_eq(etcd_delete(tc, key, false, false, sync_cb, &r), 0);
	ck_assert(sync_wait(&lt, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK, "delete %s: %s", key, r.msg);
	sync_clear(&r);
}

/* The value at key (malloc'd) or NULL. */
static char *get(const char *key)
{
	struct sync_result r = { 0 };
	char *v = NULL;

	ck_assert_int_eq(etcd_get(tc, key, sync_cb, &r), 0);
	ck_assert(sync_wait(&lt, &r, 10000));
	ck_assert_msg(r.code == ETCD_OK || r.code == ETCD_ERR_NOT_FOUND, "get %s: %s", key,
		      r.msg);
	if (r.code == ETCD_OK && r.n_kvs)
		v = strdup(r.values[0]);
	sync_clear(&r);
	return v;
}

/* Every controller-owned key with its mod revision, "key@rev\n..." (sorted by etcd). */
static char *owned_revisions(void)
{
	struct sync_result r = { 0 };
	struct etcd_range_opts o = { .prefix = true };
	size_t cap = 1 << 16, len = 0;
	char *out = calloc(1, cap);

	ck_assert_int_eq(etcd_range(tc, "/kvte/", &o, sync_cb, &r), 0);
	ck_assert(sync_wait(&lt, &r, 10000));
	ck_assert_int_eq(r.code, ETCD_OK);
	for (size_t i = 0; i < r.n_kvs; i++) {
		const char *k = r.keys[i];

		if (strncmp(k, "/kvte/te/paths/", 15) && strncmp(k, "/kvte/te/links/", 15) &&
		    !(strncmp(k, "/kvte/rib/", 10) == 0 && (strstr(k, "/te/") || strstr(k, "/protect/"))))
			continue;
		len += (size_t)snprintf(out + len, cap - len, "%s@%" PRId64 "\n", k,
					r.mod_revisions[i]);
		ck_assert_uint_lt(len, cap);
	}
	sync_clear(&r);
	return out;
}

static void load_seed(void)
{
	const char *src = getenv("KVTE_SOURCE_DIR");
	char pat[1024], key[256];
	glob_t g;

	snprintf(pat, sizeof(pat), "%s/te-controller/testdata/seed/*.json", src ? src : ".");
	ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *base = strrchr(g.gl_pathv[i], '/') + 1;
		jx_ctx c;
		json_t *v;
		char *s;

		jx_init(&c, NULL);
		v = jx_load_file(&c, g.gl_pathv[i]);
		ck_assert_msg(v != NULL, "%s", c.err);
		if (strncmp(base, "ted-lsp-", 8) == 0)
			snprintf(key, sizeof(key), "/kvte/ted/lsp/%s",
				 json_string_value(json_object_get(v, "lsp_id")));
		else if (strncmp(base, "speaker-", 8) == 0)
			snprintf(key, sizeof(key), "/kvte/speakers/%s",
				 json_string_value(json_object_get(v, "node")));
		else {
			json_decref(v);
			continue;
		}
		s = jx_dumps(v);
		put(key, s);
		free(s);
		json_decref(v);
	}
	globfree(&g);
}

static char *read_seed_lsp(const char *file)
{
	const char *src = getenv("KVTE_SOURCE_DIR");
	char path[1024];
	jx_ctx c;
	json_t *v;
	char *s;

	snprintf(path, sizeof(path), "%s/te-controller/testdata/seed/%s", src ? src : ".", file);
	jx_init(&c, NULL);
	v = jx_load_file(&c, path);
	ck_assert_msg(v != NULL, "%s", c.err);
	s = jx_dumps(v);
	json_decref(v);
	return s;
}

static ctl_t *start_ctl(uv_loop_t *loop, const char *id, bool no_leader_watch)
{
	struct ctl_opts o = { .endpoints = h.endpoints, .id = id, .hold_down_ms = 20,
			      .lease_ttl_s = 30, .no_leader_watch = no_leader_watch };
	ctl_t *c = NULL;
	char err[256];

	ck_assert_msg(ctl_new(loop, &o, &c, err, sizeof(err)) == 0, "%s", err);
	return c;
}

static void set_flag(void *arg)
{
	*(bool *)arg = true;
}

static void stop_ctl(uv_loop_t *loop, ctl_t *c)
{
	bool closed = false;

	ctl_close(c, false, set_flag, &closed);
	ck_assert(run_until(loop, &closed, 10000));
	uv_run(loop, UV_RUN_NOWAIT);
}

/* predicates */
struct heldp {
	ctl_t *c;
	const char *key;
	const char *needle; /* NULL: the key must be absent */
};

static bool idle_held(void *arg)
{
	struct heldp *p = arg;
	const char *v;

	if (!ctl_idle(p->c))
		return false;
	v = ctl_held(p->c, p->key);
	return p->needle ? v && strstr(v, p->needle) : v == NULL;
}

/* idle, and the held value at key exists without needle */
static bool idle_held_without(void *arg)
{
	struct heldp *p = arg;
	const char *v;

	if (!ctl_idle(p->c))
		return false;
	v = ctl_held(p->c, p->key);
	return v && !strstr(v, p->needle);
}

/* The mod revision of key (0: absent). */
static int64_t mod_rev(const char *key)
{
	struct sync_result r = { 0 };
	int64_t rev = 0;

	ck_assert_int_eq(etcd_get(tc, key, sync_cb, &r), 0);
	ck_assert(sync_wait(&lt, &r, 10000));
	if (r.code == ETCD_OK && r.n_kvs)
		rev = r.mod_revisions[0];
	sync_clear(&r);
	return rev;
}

static void put_agent_state(const char *node, int64_t rev)
{
	char key[128], val[256];

	snprintf(key, sizeof(key), "/kvte/state/%s/agent", node);
	snprintf(val, sizeof(val), "{\"node\":\"%s\",\"revision\":%" PRId64 ",\"connected\":true,"
		 "\"counts\":{}}", node, rev);
	put(key, val);
}

static bool idle(void *arg)
{
	return ctl_idle(arg);
}

static bool ready(void *arg)
{
	return ctl_ready(arg);
}

static bool refused(void *arg)
{
	return ctl_get_stats(arg)->fence_refused > 0;
}

/* ---- the test --------------------------------------------------------------------------- */

START_TEST(controller_end_to_end)
{
	uv_loop_t la, lb;
	ctl_t *a, *b, *a2;
	char *v, *revs1, *revs2, hex[32], out[512];
	const struct ctl_stats *st;
	int64_t rev1, rev2;

	ck_assert_int_eq(uv_loop_init(&la), 0);
	ck_assert_int_eq(uv_loop_init(&lb), 0);
	load_seed();
	put("/kvte/config/admin-groups", "{\"groups\":{\"red\":0,\"blue\":1}}");

	/* one controller: leader, publishes the idle links */
	a = start_ctl(&la, "ctl-a", false);
	ck_assert(run_pred(&la, idle, a, 20000));
	ck_assert(ctl_is_leader(a));
	v = get("/kvte/te/leader");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v, "\"id\":\"ctl-a\""));
	free(v);
	v = get("/kvte/te/links/r1:et2");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v, "\"reserved\":[0,0,0,0,0,0,0,0]"));
	free(v);

	/* a request: up over r1-r2-r4, head-end tunnel and bypasses written */
	put("/kvte/config/lsps/r1-to-r4",
	    "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"200M\",\"protection\":\"link\"}");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/r1-to-r4", "\"state\":\"up\"" },
			   20000));
	v = get("/kvte/te/paths/r1-to-r4");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v, "\"path\":[{\"link\":\"r1:et2\",\"node\":\"r1\"},"
					"{\"link\":\"r2:et2\",\"node\":\"r2\"},{\"node\":\"r4\"}]"));
	free(v);
	v = get("/kvte/rib/r1/te/r1-to-r4");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v, "\"segments\":[\"fc00:0:2:e002::\","
					"\"fc00:0:4:d4::\"]"));
	ck_assert_ptr_nonnull(strstr(v, "\"first_hop\":{\"address\":\"100.65.0.3\","
					"\"interface\":\"et2\",\"neighbor\":\"r2\"}"));
	free(v);
	v = get("/kvte/rib/r1/protect/r1:et2");
	ck_assert_ptr_nonnull(v);
	ck_assert_ptr_nonnull(strstr(v, "\"path\":[\"r1\",\"r3\",\"r2\"]"));
	free(v);
	v = get("/kvte/te/links/r1:et2");
	ck_assert_ptr_nonnull(strstr(v, "\"reserved\":[200000000,0,0,0,0,0,0,0]"));
	free(v);

	/* a bad value is ignored: the TED keeps working without it */
	put("/kvte/ted/lsp/1921.6805.0009.00-00", "{not json");
	/* r2 vanishes from the TED: re-routed */
	del("/kvte/ted/lsp/1921.6805.0002.00-00");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/r1-to-r4",
					    "{\"link\":\"r1:et3\",\"node\":\"r1\"}" },
			   20000));
	v = get("/kvte/rib/r1/te/r1-to-r4");
	ck_assert_ptr_nonnull(strstr(v, "\"path\":[\"r1\",\"r3\",\"r5\",\"r4\"]"));
	ck_assert_ptr_nonnull(strstr(v, "\"segments\":[\"fc00:0:3:e003::\""));
	free(v);
	ck_assert_ptr_null(get("/kvte/rib/r1/protect/r1:et2"));
	ck_assert_ptr_null(get("/kvte/te/links/r1:et2"));
	ck_assert_uint_ge(ctl_get_stats(a)->bad_values, 1);
	/* and back */
	v = read_seed_lsp("ted-lsp-1921.6805.0002.00-00.json");
	put("/kvte/ted/lsp/1921.6805.0002.00-00", v);
	free(v);
	del("/kvte/ted/lsp/1921.6805.0009.00-00");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/r1-to-r4",
					    "{\"link\":\"r1:et2\",\"node\":\"r1\"}" },
			   20000));

	/* deleting the request removes every key it had */
	del("/kvte/config/lsps/r1-to-r4");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/r1-to-r4", NULL }, 20000));
	ck_assert_ptr_null(get("/kvte/te/paths/r1-to-r4"));
	ck_assert_ptr_null(get("/kvte/rib/r1/te/r1-to-r4"));
	ck_assert_ptr_null(get("/kvte/rib/r1/protect/r1:et2"));
	ck_assert_ptr_null(get("/kvte/rib/r2/protect/r2:et2"));
	v = get("/kvte/te/links/r1:et2");
	ck_assert_ptr_null(strstr(v, "lsps"));
	free(v);
	put("/kvte/config/lsps/r1-to-r4",
	    "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"200M\",\"protection\":\"link\"}");
	put("/kvte/config/lsps/bad", "{\"from\":\"r1\",\"to\":\"r4\",\"hold_priority\":7,"
				     "\"setup_priority\":1}");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/bad", "\"state\":\"invalid\"" },
			   20000));
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/r1-to-r4", "\"state\":\"up\"" },
			   20000));

	/* a second controller follows and writes nothing */
	b = start_ctl(&lb, "ctl-b", true);
	ck_assert(run_pred(&lb, ready, b, 20000));
	revs1 = owned_revisions();
	ck_assert_int_eq(etcd_harness_current_revision(&h, &rev1), 0);
	run_pred(&lb, never, NULL, 300);
	ck_assert(!ctl_is_leader(b));
	ck_assert_uint_eq(ctl_get_stats(b)->txns, 0);
	ck_assert_int_eq(etcd_harness_current_revision(&h, &rev2), 0);
	ck_assert_int_eq(rev1, rev2);

	/* the leader's lease is revoked while it is paused: b takes over, rebuilds from
	 * etcd and writes nothing (every owned key keeps its mod revision) */
	snprintf(hex, sizeof(hex), "%" PRIx64, (uint64_t)ctl_lease_id(a));
	ck_assert_msg(etcd_harness_etcdctl(&h, out, sizeof(out), "lease", "revoke", hex, NULL) == 0,
		      "%s", out);
	ck_assert(run_pred(&lb, idle, b, 20000));
	ck_assert(ctl_is_leader(b));
	st = ctl_get_stats(b);
	ck_assert_uint_eq(st->puts, 0);
	ck_assert_uint_eq(st->deletes, 0);
	revs2 = owned_revisions();
	ck_assert_str_eq(revs1, revs2);
	ck_assert_ptr_nonnull(strstr(revs2, "/kvte/rib/r1/te/r1-to-r4@"));
	free(revs1);
	free(revs2);
	v = get("/kvte/te/leader");
	ck_assert_ptr_nonnull(strstr(v, "\"id\":\"ctl-b\""));
	free(v);
	stop_ctl(&la, a);
	ck_assert(ctl_is_leader(b));

	/* b is deposed without noticing (te/leader deleted; it does not follow te/leader,
	 * like a leader cut off from its watch) and a new controller is elected */
	del("/kvte/te/leader");
	a2 = start_ctl(&la, "ctl-a2", false);
	ck_assert(run_pred(&la, idle, a2, 20000));
	ck_assert_uint_eq(ctl_get_stats(a2)->puts, 0);
	ck_assert_uint_eq(ctl_get_stats(a2)->deletes, 0);
	/* b still believes it leads: its next write is refused by the fence */
	put("/kvte/config/lsps/r5-to-r1", "{\"from\":\"r5\",\"to\":\"r1\"}");
	ck_assert(run_pred(&lb, refused, b, 20000));
	ck_assert(!ctl_is_leader(b));
	ck_assert_uint_eq(ctl_get_stats(b)->puts, 0);
	ck_assert_ptr_null(get("/kvte/te/paths/r5-to-r1"));
	ck_assert_ptr_null(get("/kvte/rib/r5/te/r5-to-r1"));
	/* the real leader writes it */
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a2, "/kvte/te/paths/r5-to-r1", "\"state\":\"up\"" },
			   20000));
	v = get("/kvte/rib/r5/te/r5-to-r1");
	ck_assert_ptr_nonnull(v);
	free(v);

	stop_ctl(&la, a2);
	stop_ctl(&lb, b);
	ck_assert_int_eq(uv_loop_close(&la), 0);
	ck_assert_int_eq(uv_loop_close(&lb), 0);
}
END_TEST

/* Make-before-break: a re-optimized LSP keeps its old path reserved until the head
 * end's agent reports a revision that covers the new tunnel. */
START_TEST(make_before_break_over_etcd)
{
	uv_loop_t la;
	ctl_t *a;
	char *v;
	int64_t trev;

	ck_assert_int_eq(uv_loop_init(&la), 0);
	load_seed();
	put_agent_state("r1", 1);
	a = start_ctl(&la, "ctl-a", false);
	ck_assert(run_pred(&la, idle, a, 20000));
	/* "big" takes r1-r2-r4; "second" goes around over r1:et3 */
	put("/kvte/config/lsps/big", "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\"}");
	put("/kvte/config/lsps/second",
	    "{\"from\":\"r1\",\"to\":\"r4\",\"bandwidth\":\"600M\",\"protection\":\"link\"}");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/second",
					    "{\"link\":\"r1:et3\",\"node\":\"r1\"}" },
			   20000));
	/* r1's agent has applied everything so far */
	put_agent_state("r1", mod_rev("/kvte/rib/r1/te/second"));
	ck_assert(run_pred(&la, idle_held_without,
			   &(struct heldp){ a, "/kvte/te/paths/second", "releasing" }, 20000));

	/* big goes: second moves to the cheaper r1-r2-r4, the old path stays reserved */
	del("/kvte/config/lsps/big");
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/second", "\"releasing\"" }, 20000));
	v = get("/kvte/rib/r1/te/second");
	ck_assert_ptr_nonnull(strstr(v, "\"path\":[\"r1\",\"r2\",\"r4\"]"));
	free(v);
	v = get("/kvte/te/links/r1:et3");
	ck_assert_ptr_nonnull(strstr(v, "\"lsp\":\"second\""));
	free(v);
	v = get("/kvte/te/links/r1:et2");
	ck_assert_ptr_nonnull(strstr(v, "\"lsp\":\"second\""));
	free(v);
	ck_assert_ptr_nonnull((v = get("/kvte/rib/r1/protect/r1:et3")));
	free(v);
	trev = mod_rev("/kvte/rib/r1/te/second");
	ck_assert_int_gt(trev, 0);

	/* an agent report older than the new tunnel changes nothing */
	put_agent_state("r1", trev - 1);
	run_pred(&la, never, NULL, 300);
	ck_assert(run_pred(&la, idle_held,
			   &(struct heldp){ a, "/kvte/te/paths/second", "\"releasing\"" }, 20000));

	/* the agent has applied the new tunnel: the old path is released */
	put_agent_state("r1", trev);
	ck_assert(run_pred(&la, idle_held_without,
			   &(struct heldp){ a, "/kvte/te/paths/second", "releasing" }, 20000));
	v = get("/kvte/te/links/r1:et3");
	ck_assert_ptr_null(strstr(v, "second"));
	free(v);
	ck_assert_ptr_null(get("/kvte/rib/r1/protect/r1:et3"));
	v = get("/kvte/te/paths/second");
	ck_assert_ptr_nonnull(strstr(v, "{\"link\":\"r1:et2\",\"node\":\"r1\"}"));
	free(v);
	stop_ctl(&la, a);
	ck_assert_int_eq(uv_loop_close(&la), 0);
}
END_TEST

static void setup(void)
{
	ck_assert_msg(etcd_harness_start(NULL, &h) == 0, "%s", h.err);
	ck_assert_int_eq(uv_loop_init(&lt), 0);
	tc = test_client(&lt, h.endpoints, NULL);
	ck_assert_ptr_nonnull(tc);
}

static void teardown(void)
{
	ck_assert_int_eq(test_client_close(&lt, tc), 0);
	ck_assert_int_eq(uv_loop_close(&lt), 0);
	etcd_harness_stop(&h);
}

static Suite *controller_suite(void)
{
	Suite *s = suite_create("controller");
	TCase *tc_ = tcase_create("controller");

	tcase_add_checked_fixture(tc_, setup, teardown);
	tcase_set_timeout(tc_, 240);
	tcase_add_test(tc_, controller_end_to_end);
	tcase_add_test(tc_, make_before_break_over_etcd);
	suite_add_tcase(s, tc_);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(controller_suite());
	int failed;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
