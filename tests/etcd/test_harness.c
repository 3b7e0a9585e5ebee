/* test_harness — proves tests/support/etcd_harness against real etcd 3.4 servers.
 *
 * One plain member: status over HTTP, the option flags reach etcd, put/get with
 * etcdctl, SIGKILL + restart keeps the data, SIGTERM, compaction hides old revisions.
 * Three members: with a follower killed, and then with the leader killed (after a new
 * election), the other two still take writes (quorum), and each restarted one catches up. Auth: a user whose role covers only "app/" is denied
 * outside and allowed inside, also after a restart. TLS: etcdctl and libcurl with the
 * client certificate work, plain http and TLS without a client certificate do not.
 * Failure: a fake etcd that loses its port is retried on new ports, then reported with
 * its output tail.
 * Runs with CK_NOFORK (children and forked test bodies do not mix); every case stops
 * its harness in the fixture teardown, and main finally checks that no child process
 * is left (waitpid(-1) == ECHILD) and that no temp root remains. */
#include "tests/support/etcd_harness.h"

#include <check.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static struct etcd_harness g_h;
static char g_roots[16][ETCD_HARNESS_PATH_LEN];
static int g_nroots;
static pid_t g_pids[64];
static int g_npids;

static void remember(const struct etcd_harness *h)
{
	if (g_nroots < 16)
		snprintf(g_roots[g_nroots++], ETCD_HARNESS_PATH_LEN, "%s", h->root);
	for (int i = 0; i < h->n; i++)
		if (h->m[i].pid > 0 && g_npids < 64)
			g_pids[g_npids++] = h->m[i].pid;
}

static void start_or_fail(const struct etcd_harness_opts *o)
{
	int rc = etcd_harness_start(o, &g_h);

	ck_assert_msg(rc == 0, "start: %d %s", rc, g_h.err);
	remember(&g_h);
}

static void restart_or_fail(int i)
{
	int rc = etcd_harness_restart_member(&g_h, i);

	ck_assert_msg(rc == 0, "restart %d: %d %s", i, rc, g_h.err);
	remember(&g_h);
}

static void teardown(void)
{
	etcd_harness_stop(&g_h);
}

static bool path_exists(const char *p)
{
	struct stat sb;

	return stat(p, &sb) == 0;
}

static void assert_no_children(void)
{
	int st;
	pid_t r = waitpid(-1, &st, WNOHANG);

	ck_assert_msg(r == -1 && errno == ECHILD, "a child is left: waitpid -> %d (errno %d)", (int)r, errno);
}

static void stop_and_check(void)
{
	char root[ETCD_HARNESS_PATH_LEN];
	int rc;

	snprintf(root, sizeof root, "%s", g_h.root);
	rc = etcd_harness_stop(&g_h);
	ck_assert_msg(rc == 0, "stop: %d %s", rc, g_h.err);
	for (int i = 0; i < g_h.n; i++)
		ck_assert_int_eq(g_h.m[i].pid, 0);
	if (!getenv("KVTE_KEEP_TMP"))
		ck_assert_msg(!path_exists(root), "%s still exists", root);
	assert_no_children();
}

/* ---- libcurl probe ---- */

struct buf {
	char s[4096];
	size_t n;
};

static size_t buf_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct buf *b = ud;
	size_t len = sz * nm, take = len < sizeof b->s - 1 - b->n ? len : sizeof b->s - 1 - b->n;

	memcpy(b->s + b->n, p, take);
	b->n += take;
	b->s[b->n] = '\0';
	return len;
}

/* POST {} to url/v3/maintenance/status; returns the HTTP code, or -curlcode on failure. */
static long http_status(const char *base, const char *ca, const char *cert, const char *key, struct buf *b)
{
	char url[160];
	CURL *c = curl_easy_init();
	long code = 0;
	CURLcode cc;

	ck_assert_ptr_nonnull(c);
	b->n = 0;
	b->s[0] = '\0';
	snprintf(url, sizeof url, "%s/v3/maintenance/status", base);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 3000L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, buf_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
	if (ca)
		curl_easy_setopt(c, CURLOPT_CAINFO, ca);
	if (cert) {
		curl_easy_setopt(c, CURLOPT_SSLCERT, cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, key);
	}
	cc = curl_easy_perform(c);
	if (cc == CURLE_OK)
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
	curl_easy_cleanup(c);
	return cc == CURLE_OK ? code : -(long)cc;
}

static bool cmdline_has(pid_t pid, const char *arg)
{
	char path[64], buf[8192];
	ssize_t k;
	int fd;

	snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	k = read(fd, buf, sizeof buf - 1);
	close(fd);
	for (ssize_t i = 0; i < k;) {
		if (strcmp(buf + i, arg) == 0)
			return true;
		i += (ssize_t)strlen(buf + i) + 1;
	}
	return false;
}

#define CTL_OK(out, ...)                                                                             \
	do {                                                                                         \
		int ctl_rc_ = etcd_harness_etcdctl(&g_h, out, sizeof out, __VA_ARGS__, (char *)NULL); \
		ck_assert_msg(ctl_rc_ == 0, "etcdctl -> %d: %s", ctl_rc_, g_h.err);                  \
	} while (0)

/* ---- cases ---- */

START_TEST(test_bad_opts)
{
	struct etcd_harness_opts o = { .members = 6 };
	char out[64];

	ck_assert_int_eq(etcd_harness_start(&o, &g_h), -EINVAL);
	ck_assert_msg(strstr(g_h.err, "members") != NULL, "%s", g_h.err);
	o.members = -1;
	ck_assert_int_eq(etcd_harness_start(&o, &g_h), -EINVAL);
	o.members = 1;
	o.max_txn_ops = -3;
	ck_assert_int_eq(etcd_harness_start(&o, &g_h), -EINVAL);
	ck_assert_int_eq(etcd_harness_etcdctl(&g_h, out, sizeof out, "get", "x", (char *)NULL), -EINVAL);
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGKILL), -EINVAL);
	ck_assert_int_eq(etcd_harness_stop(&g_h), 0);
}
END_TEST

START_TEST(test_single)
{
	struct etcd_harness_opts o = { .members = 1, .progress_notify_interval_ms = 500, .auth_token_ttl_s = 7,
				       .max_txn_ops = 200, .max_request_bytes = 2000000 };
	char out[4096], prev[32];
	int64_t rev1 = 0, rev2 = 0;
	struct buf b;
	long code;
	int rc;

	start_or_fail(&o);
	ck_assert_msg(strstr(g_h.root, "kvte-etcd-") != NULL, "%s", g_h.root);
	ck_assert(path_exists(g_h.m[0].data_dir));
	ck_assert(path_exists(g_h.m[0].log_path));
	ck_assert_int_eq(strncmp(g_h.m[0].client_url, "http://127.0.0.1:", 17), 0);
	ck_assert_str_eq(g_h.endpoints, g_h.m[0].client_url);
	ck_assert(g_h.m[0].pid > 0);
	ck_assert(cmdline_has(g_h.m[0].pid, "--experimental-watch-progress-notify-interval=500ms"));
	ck_assert(cmdline_has(g_h.m[0].pid, "--auth-token-ttl=7"));
	ck_assert(cmdline_has(g_h.m[0].pid, "--max-txn-ops=200"));
	ck_assert(cmdline_has(g_h.m[0].pid, "--max-request-bytes=2000000"));
	ck_assert(cmdline_has(g_h.m[0].pid, "--logger=zap"));

	code = http_status(g_h.m[0].client_url, NULL, NULL, NULL, &b);
	ck_assert_msg(code == 200, "status -> %ld %s", code, b.s);
	ck_assert_msg(strstr(b.s, "\"version\":\"3.4.") != NULL, "%s", b.s);

	CTL_OK(out, "put", "kvte/harness/foo", "bar");
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/foo");
	ck_assert_str_eq(out, "bar\n");
	ck_assert_int_eq(etcd_harness_current_revision(&g_h, &rev1), 0);
	ck_assert_msg(rev1 >= 2, "rev %lld", (long long)rev1);

	/* SIGKILL: nothing answers, then a restart on the same data dir has the key */
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGKILL), 0);
	ck_assert_int_eq(g_h.m[0].pid, 0);
	ck_assert(WIFSIGNALED(g_h.m[0].last_status) && WTERMSIG(g_h.m[0].last_status) == SIGKILL);
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGKILL), -ESRCH);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--dial-timeout=500ms", "--command-timeout=1s", "get",
				  "kvte/harness/foo", (char *)NULL);
	ck_assert_msg(rc > 0, "get with member down -> %d", rc);
	code = http_status(g_h.m[0].client_url, NULL, NULL, NULL, &b);
	ck_assert_msg(code < 0, "status on dead member -> %ld", code);
	restart_or_fail(0);
	ck_assert_int_eq(etcd_harness_restart_member(&g_h, 0), -EBUSY);
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/foo");
	ck_assert_str_eq(out, "bar\n");
	ck_assert_int_eq(etcd_harness_current_revision(&g_h, &rev2), 0);
	ck_assert_int_eq(rev2, rev1);

	/* compaction: the old revision is gone, the current value stays */
	CTL_OK(out, "put", "kvte/harness/foo", "bar2");
	ck_assert_int_eq(etcd_harness_current_revision(&g_h, &rev2), 0);
	ck_assert_int_eq(rev2, rev1 + 1);
	ck_assert_msg(etcd_harness_compact(&g_h, rev2) == 0, "%s", g_h.err);
	snprintf(prev, sizeof prev, "--rev=%lld", (long long)rev1);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "get", prev, "kvte/harness/foo", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "compacted") != NULL, "get %s -> %d %s", prev, rc, out);
	ck_assert_int_lt(etcd_harness_compact(&g_h, rev1), 0); /* already compacted */
	ck_assert_msg(strstr(g_h.err, "compacted") != NULL, "%s", g_h.err);
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/foo");
	ck_assert_str_eq(out, "bar2\n");

	/* SIGTERM is a clean stop; restart still works */
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGTERM), 0);
	restart_or_fail(0);
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/foo");
	ck_assert_str_eq(out, "bar2\n");

	stop_and_check();
	ck_assert_int_eq(etcd_harness_stop(&g_h), 0); /* twice is fine */
}
END_TEST

START_TEST(test_cluster)
{
	struct etcd_harness_opts o = { .members = 3 };
	char out[4096], ep[128], val[32];
	int commas = 0, lead = -1, newlead = -1, follower, rc;
	struct buf b;

	start_or_fail(&o);
	ck_assert_int_eq(g_h.n, 3);
	for (const char *p = g_h.endpoints; *p; p++)
		commas += *p == ',';
	ck_assert_int_eq(commas, 2);
	for (int i = 0; i < 3; i++) {
		long code = http_status(g_h.m[i].client_url, NULL, NULL, NULL, &b);

		ck_assert_msg(code == 200, "status %s -> %ld", g_h.m[i].client_url, code);
		ck_assert(strstr(g_h.endpoints, g_h.m[i].client_url) != NULL);
		for (int j = 0; j < i; j++) {
			ck_assert_int_ne(g_h.m[i].client_port, g_h.m[j].client_port);
			ck_assert_int_ne(g_h.m[i].peer_port, g_h.m[j].peer_port);
		}
	}
	CTL_OK(out, "member", "list");
	ck_assert_msg(strstr(out, "e1") && strstr(out, "e2") && strstr(out, "e3"), "%s", out);

	rc = etcd_harness_wait_leader(&g_h, &lead);
	ck_assert_msg(rc == 0, "wait_leader: %d %s", rc, g_h.err);
	ck_assert(lead >= 0 && lead < 3);

	/* a follower dies: the leader and the other follower go on taking writes */
	follower = (lead + 1) % 3;
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, follower, SIGKILL), 0);
	CTL_OK(out, "put", "kvte/harness/q", "v1");
	for (int i = 0; i < 3; i++) {
		if (i == follower)
			continue;
		snprintf(ep, sizeof ep, "--endpoints=%s", g_h.m[i].client_url);
		snprintf(val, sizeof val, "via-%s", g_h.m[i].name);
		CTL_OK(out, ep, "put", "kvte/harness/f", val);
	}
	restart_or_fail(follower);
	snprintf(ep, sizeof ep, "--endpoints=%s", g_h.m[follower].client_url);
	CTL_OK(out, ep, "get", "--print-value-only", "kvte/harness/q");
	ck_assert_str_eq(out, "v1\n");
	CTL_OK(out, ep, "get", "--print-value-only", "kvte/harness/f");
	ck_assert_msg(strncmp(out, val, strlen(val)) == 0 && strcmp(out + strlen(val), "\n") == 0, "%s vs %s", out,
		      val);

	/* the leader dies: the two survivors elect a new one and take writes */
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, lead, SIGKILL), 0);
	rc = etcd_harness_wait_leader(&g_h, &newlead);
	ck_assert_msg(rc == 0, "wait_leader after leader kill: %d %s", rc, g_h.err);
	ck_assert_int_ne(newlead, lead);
	for (int i = 0; i < 3; i++) {
		if (i == lead)
			continue;
		snprintf(ep, sizeof ep, "--endpoints=%s", g_h.m[i].client_url);
		snprintf(val, sizeof val, "after-%s", g_h.m[i].name);
		CTL_OK(out, ep, "put", "kvte/harness/l", val);
	}
	restart_or_fail(lead);
	ck_assert_int_eq(etcd_harness_wait_leader(&g_h, NULL), 0);
	snprintf(ep, sizeof ep, "--endpoints=%s", g_h.m[lead].client_url);
	CTL_OK(out, ep, "get", "--print-value-only", "kvte/harness/l");
	ck_assert_msg(strncmp(out, val, strlen(val)) == 0 && strcmp(out + strlen(val), "\n") == 0, "%s vs %s", out,
		      val);

	stop_and_check();
}
END_TEST

START_TEST(test_auth)
{
	struct etcd_harness_opts o = { .members = 1 };
	char out[4096];
	int64_t rev = 0;
	int rc;

	start_or_fail(&o);
	rc = etcd_harness_setup_auth(&g_h, "app", "app:pw", "approle", "app/");
	ck_assert_msg(rc == 0, "setup_auth: %d %s", rc, g_h.err);
	ck_assert(g_h.auth_enabled);
	ck_assert(g_h.root_password[0] != '\0');
	ck_assert_int_eq(etcd_harness_setup_auth(&g_h, "app", "x", "approle", "app/"), -EALREADY);

	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--user=app:app:pw", "put", "other/x", "1", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "permission denied") != NULL, "put outside -> %d %s", rc, out);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--user=app:app:pw", "get", "other/x", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "permission denied") != NULL, "get outside -> %d %s", rc, out);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--user=app:wrong", "get", "app/x", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "authentication failed") != NULL, "wrong password -> %d %s", rc, out);
	CTL_OK(out, "--user=app:app:pw", "put", "app/x", "inside");
	CTL_OK(out, "--user=app:app:pw", "get", "--print-value-only", "app/x");
	ck_assert_str_eq(out, "inside\n");
	CTL_OK(out, "--user=app:app:pw", "get", "--prefix", "--keys-only", "app/");
	/* root (the harness default after setup_auth) may write anywhere */
	CTL_OK(out, "put", "other/x", "by-root");
	ck_assert_int_eq(etcd_harness_current_revision(&g_h, &rev), 0);
	ck_assert_msg(etcd_harness_compact(&g_h, rev) == 0, "%s", g_h.err);

	/* the readiness probe copes with auth on */
	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGKILL), 0);
	restart_or_fail(0);
	CTL_OK(out, "--user=app:app:pw", "get", "--print-value-only", "app/x");
	ck_assert_str_eq(out, "inside\n");
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--user=app:app:pw", "get", "other/x", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "permission denied") != NULL, "after restart -> %d %s", rc, out);

	stop_and_check();
}
END_TEST

START_TEST(test_tls)
{
	struct etcd_harness_opts o = { .members = 1, .tls = true };
	char out[4096], ep[128], url[64];
	struct buf b;
	long code;
	int rc;

	start_or_fail(&o);
	ck_assert_int_eq(strncmp(g_h.m[0].client_url, "https://127.0.0.1:", 18), 0);
	ck_assert_int_eq(strncmp(g_h.m[0].peer_url, "http://127.0.0.1:", 17), 0);
	ck_assert(path_exists(g_h.ca_file));
	ck_assert(path_exists(g_h.client_cert));
	ck_assert(path_exists(g_h.client_key));

	code = http_status(g_h.m[0].client_url, g_h.ca_file, g_h.client_cert, g_h.client_key, &b);
	ck_assert_msg(code == 200, "https status with client cert -> %ld %s", code, b.s);
	code = http_status(g_h.m[0].client_url, g_h.ca_file, NULL, NULL, &b);
	ck_assert_msg(code != 200, "https status without client cert -> %ld", code);
	snprintf(url, sizeof url, "http://127.0.0.1:%d", g_h.m[0].client_port);
	code = http_status(url, NULL, NULL, NULL, &b);
	ck_assert_msg(code != 200, "plain http status -> %ld %s", code, b.s);

	CTL_OK(out, "put", "kvte/harness/tls", "secure");
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/tls");
	ck_assert_str_eq(out, "secure\n");
	snprintf(ep, sizeof ep, "--endpoints=%s", url);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, ep, "--dial-timeout=500ms", "--command-timeout=1s", "get",
				  "kvte/harness/tls", (char *)NULL);
	ck_assert_msg(rc > 0, "etcdctl over plain http -> %d %s", rc, out);
	rc = etcd_harness_etcdctl(&g_h, out, sizeof out, "--cert=", "--key=", "--dial-timeout=500ms",
				  "--command-timeout=1s", "get", "kvte/harness/tls", (char *)NULL);
	ck_assert_msg(rc > 0 && strstr(out, "--cert") == NULL, "etcdctl without client cert -> %d %s", rc, out);

	ck_assert_int_eq(etcd_harness_kill_member(&g_h, 0, SIGKILL), 0);
	restart_or_fail(0);
	CTL_OK(out, "get", "--print-value-only", "kvte/harness/tls");
	ck_assert_str_eq(out, "secure\n");

	stop_and_check();
}
END_TEST

/* A fake `etcd` first in PATH that complains about its port and exits: start retries on
 * fresh ports three times, then reports the exit and the tail of the member's output. */
START_TEST(test_failure_report)
{
	char dir[] = "/tmp/kvte-etcd-fake-XXXXXX", script[128], count[128], path[4096], line[64];
	const char *old_path = getenv("PATH");
	char *saved = strdup(old_path ? old_path : "/usr/bin:/bin");
	FILE *f;
	int rc, tries = 0;

	ck_assert_ptr_nonnull(saved);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(script, sizeof script, "%s/etcd", dir);
	snprintf(count, sizeof count, "%s/count", dir);
	f = fopen(script, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\necho run >> %s\n"
		   "echo \"fake etcd: listen tcp 127.0.0.1:1: bind: address already in use\" >&2\nexit 3\n",
		count);
	fclose(f);
	ck_assert_int_eq(chmod(script, 0755), 0);
	snprintf(path, sizeof path, "%s:%s", dir, saved);
	setenv("PATH", path, 1);
	rc = etcd_harness_start(NULL, &g_h);
	setenv("PATH", saved, 1);
	free(saved);
	ck_assert_int_eq(rc, -EIO);
	ck_assert_msg(strstr(g_h.err, "exited (exit code 3)") && strstr(g_h.err, "fake etcd: listen tcp") &&
			      strstr(g_h.err, "e1.out"),
		      "%s", g_h.err);
	ck_assert(!path_exists(g_h.root));
	f = fopen(count, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof line, f))
		tries++;
	fclose(f);
	ck_assert_int_eq(tries, 3);
	unlink(count);
	unlink(script);
	ck_assert_int_eq(rmdir(dir), 0);
	assert_no_children();
}
END_TEST

static Suite *harness_suite(void)
{
	Suite *s = suite_create("etcd_harness");
	const struct {
		const char *name;
		const TTest *fn;
	} cases[] = {
		{ "bad_opts", test_bad_opts }, { "single", test_single }, { "cluster", test_cluster },
		{ "auth", test_auth },	       { "tls", test_tls },	    { "failure_report", test_failure_report },
	};

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		TCase *tc = tcase_create(cases[i].name);

		tcase_add_checked_fixture(tc, NULL, teardown);
		tcase_set_timeout(tc, 120);
		tcase_add_test(tc, cases[i].fn);
		suite_add_tcase(s, tc);
	}
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(harness_suite());
	int failed, st;
	pid_t r;

	srunner_set_fork_status(sr, CK_NOFORK);
	srunner_run_all(sr, CK_ENV);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);

	/* whatever happened above: no etcd may be left, nor its temp root */
	r = waitpid(-1, &st, WNOHANG);
	if (!(r == -1 && errno == ECHILD)) {
		fprintf(stderr, "FAIL: child process left behind (waitpid -> %d)\n", (int)r);
		failed++;
	}
	for (int i = 0; i < g_npids; i++) {
		if (kill(g_pids[i], 0) == 0 || errno != ESRCH) {
			fprintf(stderr, "FAIL: etcd pid %d still exists\n", (int)g_pids[i]);
			failed++;
		}
	}
	for (int i = 0; i < g_nroots && !getenv("KVTE_KEEP_TMP"); i++) {
		if (path_exists(g_roots[i])) {
			fprintf(stderr, "FAIL: temp root %s not removed\n", g_roots[i]);
			failed++;
		}
	}
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
