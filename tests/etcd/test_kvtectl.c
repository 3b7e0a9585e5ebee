/* test_kvtectl — the real kvtectl binary against a real etcd.
 *
 * A single etcd member (tests/support/etcd_harness.h) is loaded with the recorded lab
 * state tests/data/kvtectl/seed-state.json; then build/cli/kvtectl (found next to this
 * test binary: /proc/self/exe is build/tests/etcd_test_kvtectl) is run as a child
 * process with stdout and stderr captured. Checked: every show command prints exactly
 * its golden file from tests/golden/kvtectl/ (the same files the pure unit test
 * writes), `lsp add` writes a value that validates (lib/validate.h and the JSON
 * schema), a bad request (hold > setup, an unknown flag, an existing name) writes
 * nothing and fails with the message and exit status, `lsp del` of a missing name
 * fails clearly, an unknown LSP fails with the documented message, `watch` prints the
 * changes it sees, `graph -o FILE.svg` runs Graphviz, and an unreachable etcd gives
 * "cannot reach etcd at ..." within a few seconds. */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/jx.h"
#include "lib/validate.h"
#include "tests/support/etcd_harness.h"
#include "tests/support/etcd_sync.h"
#include "tests/support/isis_golden.h"

extern char **environ;

static struct etcd_harness h;
static char kvtectl[PATH_MAX + 32];
static char tmpdir[] = "/tmp/kvtectl-test-XXXXXX";

struct out {
	int status; /* exit status, or -1 */
	char *so, *se;
	double secs;
};

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	if (!f)
		return strdup("");
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static pid_t spawn(const char *const *args, const char *so, const char *se)
{
	posix_spawn_file_actions_t fa;
	char *argv[64];
	int n = 0;
	pid_t pid;

	argv[n++] = kvtectl;
	for (; *args && n < 63; args++)
		argv[n++] = (char *)*args;
	argv[n] = NULL;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, so, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	posix_spawn_file_actions_addopen(&fa, 2, se, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	ck_assert_int_eq(posix_spawn(&pid, kvtectl, &fa, NULL, argv, environ), 0);
	posix_spawn_file_actions_destroy(&fa);
	return pid;
}

/* Run kvtectl with --etcd <harness> (unless the args give --etcd) and capture it. */
static struct out kv_run(const char *first, ...)
{
	const char *args[64];
	char so[PATH_MAX], se[PATH_MAX], etcd[600];
	struct out o = { .status = -1 };
	int n = 0, st;
	bool has_etcd = false;
	double t0 = now_s();
	va_list ap;
	pid_t pid;

	va_start(ap, first);
	for (const char *a = first; a && n < 60; a = va_arg(ap, const char *)) {
		if (!strncmp(a, "--etcd", 6))
			has_etcd = true;
		args[n++] = a;
	}
	va_end(ap);
	if (!has_etcd) {
		snprintf(etcd, sizeof(etcd), "--etcd=%s", h.endpoints);
		args[n++] = etcd;
	}
	args[n] = NULL;
	snprintf(so, sizeof(so), "%s/stdout", tmpdir);
	snprintf(se, sizeof(se), "%s/stderr", tmpdir);
	pid = spawn(args, so, se);
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	o.secs = now_s() - t0;
	if (WIFEXITED(st))
		o.status = WEXITSTATUS(st);
	o.so = slurp(so);
	o.se = slurp(se);
	return o;
}

static void out_free(struct out *o)
{
	free(o->so);
	free(o->se);
}

static char *golden(const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/tests/golden/kvtectl/%s", isis_test_src_dir(), name);
	return isis_test_read_file(path);
}

/* etcdctl get VALUE of a key below /kvte/ ("" when absent) */
static char *get_value(const char *rel)
{
	static char buf[65536];
	char key[512];
	int rc;

	snprintf(key, sizeof(key), "/kvte/%s", rel);
	rc = etcd_harness_etcdctl(&h, buf, sizeof(buf), "get", key, "--print-value-only", NULL);
	ck_assert_msg(rc == 0, "etcdctl get %s: %s", key, buf);
	buf[strcspn(buf, "\n")] = '\0';
	return buf;
}

static void put_value(const char *key, const char *value)
{
	char out[4096];
	int rc = etcd_harness_etcdctl(&h, out, sizeof(out), "put", key, "--", value, NULL);

	ck_assert_msg(rc == 0, "etcdctl put %s: %s", key, out);
}

static void setup(void)
{
	char self[PATH_MAX - 64], path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	uv_loop_t loop;
	etcd_client *c;
	jx_ctx jc;
	json_t *obj, *v;
	const char *k;

	ck_assert_int_gt(n, 0);
	self[n] = '\0';
	*strrchr(self, '/') = '\0';
	snprintf(kvtectl, sizeof(kvtectl), "%s/../cli/kvtectl", self);
	ck_assert_msg(access(kvtectl, X_OK) == 0, "kvtectl not built at %s", kvtectl);
	ck_assert_ptr_nonnull(mkdtemp(tmpdir));
	ck_assert_msg(etcd_harness_start(NULL, &h) == 0, "%s", h.err);

	snprintf(path, sizeof(path), "%s/tests/data/kvtectl/seed-state.json", isis_test_src_dir());
	jx_init(&jc, path);
	obj = jx_load_file(&jc, path);
	ck_assert_msg(obj != NULL, "%s", jc.err);
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	c = test_client(&loop, h.endpoints, NULL);
	ck_assert_ptr_nonnull(c);
	json_object_foreach(obj, k, v) {
		struct sync_result r = { 0 };
		char *text = json_is_string(v) ? strdup(json_string_value(v)) : jx_dumps(v);

		ck_assert_int_eq(etcd_put(c, k, text, strlen(text), NULL, sync_cb, &r), 0);
		ck_assert(sync_wait(&loop, &r, 10000));
		ck_assert_int_eq(r.code, ETCD_OK);
		sync_clear(&r);
		free(text);
	}
	json_decref(obj);
	ck_assert_int_eq(test_client_close(&loop, c), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}

static void teardown(void)
{
	char cmd[PATH_MAX + 16];

	etcd_harness_stop(&h);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", tmpdir);
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", tmpdir);
}

static void expect_golden(const char *name, struct out o)
{
	char *want = golden(name);

	ck_assert_msg(o.status == 0, "%s: exit %d, stderr: %s", name, o.status, o.se);
	ck_assert_msg(strcmp(o.so, want) == 0, "%s: kvtectl printed:\n%s", name, o.so);
	free(want);
	out_free(&o);
}

START_TEST(shows_equal_goldens)
{
	expect_golden("isis-database.txt", kv_run("show", "isis", "database", NULL));
	expect_golden("isis-database-r1-detail.txt",
		      kv_run("show", "isis", "database", "r1", "--detail", NULL));
	expect_golden("isis-neighbors.txt", kv_run("show", "isis", "neighbors", NULL));
	expect_golden("isis-neighbors-r2.txt", kv_run("show", "isis", "neighbors", "r2", NULL));
	expect_golden("ted.txt", kv_run("show", "ted", NULL));
	expect_golden("route-r1.txt", kv_run("show", "route", "r1", NULL));
	expect_golden("route-r4.txt", kv_run("show", "route", "r4", NULL));
	expect_golden("lsp.txt", kv_run("show", "lsp", NULL));
	expect_golden("lsp-r4-to-r1.txt", kv_run("show", "lsp", "r4-to-r1", NULL));
	expect_golden("bgp.txt", kv_run("show", "bgp", NULL));
	expect_golden("graph.dot", kv_run("graph", NULL));
	expect_golden("lsp.json", kv_run("show", "lsp", "--json", NULL));
	expect_golden("route-r1.json", kv_run("--json", "show", "route", "r1", NULL));
	expect_golden("ted.json", kv_run("show", "ted", "--json", NULL));
}
END_TEST

START_TEST(errors)
{
	struct out o = kv_run("show", "lsp", "r9-to-r1", NULL);

	ck_assert_int_eq(o.status, 1);
	ck_assert_str_eq(o.se, "kvtectl: no LSP named r9-to-r1 (te/paths/r9-to-r1 does not exist)\n");
	ck_assert_str_eq(o.so, "");
	out_free(&o);
	o = kv_run("show", "route", "r9", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.se, "kvtectl: no node named r9 ("));
	out_free(&o);
	o = kv_run("show", "lsp", "--bogus", NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.se, "unknown option --bogus"));
	ck_assert_ptr_nonnull(strstr(o.se, "usage: kvtectl"));
	out_free(&o);
	o = kv_run("frobnicate", NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.se, "usage: kvtectl"));
	out_free(&o);
}
END_TEST

START_TEST(lsp_add_del)
{
	struct lsp_request req;
	char err[256], path[PATH_MAX], cmd[2 * PATH_MAX];
	struct out o;
	json_t *v;
	jx_ctx jc;
	char *val;
	FILE *f;

	o = kv_run("lsp", "add", "r1-to-r5", "--from", "r1", "--to", "r5", "--bandwidth", "100M",
		   "--setup", "5", "--hold", "5", "--exclude", "red", "--explicit", "r3:loose",
		   "--protection", "node", NULL);
	ck_assert_msg(o.status == 0, "exit %d: %s", o.status, o.se);
	ck_assert_ptr_nonnull(strstr(o.so, "added config/lsps/r1-to-r5 "));
	out_free(&o);
	val = get_value("config/lsps/r1-to-r5");
	ck_assert_str_eq(val, "{\"bandwidth\":\"100M\",\"exclude\":[\"red\"],\"explicit_hops\":"
			      "[{\"node\":\"r3\",\"type\":\"loose\"}],\"from\":\"r1\",\"hold_priority\":5,"
			      "\"protection\":\"node\",\"setup_priority\":5,\"to\":\"r5\"}");
	jx_init(&jc, "etcd");
	v = jx_loads(&jc, val, strlen(val));
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(validate_lsp_request(v, &req, err, sizeof(err)), 0);
	ck_assert_uint_eq(req.bandwidth_bps, 100000000);
	json_decref(v);
	snprintf(path, sizeof(path), "%s/req.json", tmpdir);
	ck_assert_ptr_nonnull(f = fopen(path, "w"));
	fputs(val, f);
	fclose(f);
	snprintf(cmd, sizeof(cmd), "/usr/bin/python3 %s/tests/schemas/validate.py %s/schemas "
		 "lsp-request %s >&2", isis_test_src_dir(), isis_test_src_dir(), path);
	ck_assert_int_eq(system(cmd), 0);

	/* the same name again: refused, value unchanged */
	o = kv_run("lsp", "add", "r1-to-r5", "--from", "r1", "--to", "r4", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.se, "kvtectl: LSP r1-to-r5 already exists"));
	out_free(&o);
	ck_assert_ptr_nonnull(strstr(get_value("config/lsps/r1-to-r5"), "\"to\":\"r5\""));
	/* --replace overwrites */
	o = kv_run("lsp", "add", "r1-to-r5", "--from", "r1", "--to", "r5", "--replace", NULL);
	ck_assert_int_eq(o.status, 0);
	out_free(&o);
	ck_assert_str_eq(get_value("config/lsps/r1-to-r5"), "{\"from\":\"r1\",\"to\":\"r5\"}");

	/* hold > setup: nothing written */
	o = kv_run("lsp", "add", "bad-prio", "--from", "r1", "--to", "r4", "--setup", "3",
		   "--hold", "5", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_str_eq(o.se, "kvtectl: invalid LSP request bad-prio: hold_priority: must be <= "
			       "setup_priority (3), got 5 (nothing written)\n");
	out_free(&o);
	ck_assert_str_eq(get_value("config/lsps/bad-prio"), "");
	/* unknown flag: usage, nothing written */
	o = kv_run("lsp", "add", "bad-flag", "--from", "r1", "--to", "r4", "--bandwith", "1G", NULL);
	ck_assert_int_eq(o.status, 2);
	ck_assert_ptr_nonnull(strstr(o.se, "kvtectl: lsp add: unknown option --bandwith\n"));
	ck_assert_ptr_nonnull(strstr(o.se, "usage: kvtectl"));
	out_free(&o);
	ck_assert_str_eq(get_value("config/lsps/bad-flag"), "");

	/* del */
	o = kv_run("lsp", "del", "no-such-lsp", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_str_eq(o.se, "kvtectl: no LSP named no-such-lsp (config/lsps/no-such-lsp does "
			       "not exist)\n");
	out_free(&o);
	o = kv_run("lsp", "del", "r1-to-r5", NULL);
	ck_assert_int_eq(o.status, 0);
	ck_assert_str_eq(o.so, "deleted config/lsps/r1-to-r5\n");
	out_free(&o);
	ck_assert_str_eq(get_value("config/lsps/r1-to-r5"), "");
}
END_TEST

START_TEST(unreachable)
{
	struct out o;
	char url[64];
	int port;

	/* a port nobody listens on: a member we stop */
	port = h.m[0].client_port;
	snprintf(url, sizeof(url), "--etcd=http://127.0.0.1:%d", port);
	ck_assert_int_eq(etcd_harness_kill_member(&h, 0, SIGKILL), 0);
	o = kv_run(url, "show", "lsp", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_msg(strncmp(o.se, "kvtectl: cannot reach etcd at http://127.0.0.1:", 47) == 0,
		      "stderr: %s", o.se);
	ck_assert_msg(o.secs < 6.0, "took %.1f s", o.secs);
	ck_assert_str_eq(o.so, "");
	out_free(&o);
	o = kv_run(url, "lsp", "add", "x", "--from", "r1", "--to", "r2", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.se, "cannot reach etcd at"));
	out_free(&o);
	o = kv_run(url, "watch", NULL);
	ck_assert_int_eq(o.status, 1);
	ck_assert_ptr_nonnull(strstr(o.se, "cannot reach etcd at"));
	ck_assert_msg(o.secs < 6.0, "took %.1f s", o.secs);
	out_free(&o);
}
END_TEST

START_TEST(watch_stream)
{
	char so[PATH_MAX], se[PATH_MAX], etcd[600];
	const char *args[] = { "watch", "te-path", "--count", "2", etcd, NULL };
	double t0;
	char *text;
	pid_t pid;
	int st = -1;

	snprintf(etcd, sizeof(etcd), "--etcd=%s", h.endpoints);
	snprintf(so, sizeof(so), "%s/watch.out", tmpdir);
	snprintf(se, sizeof(se), "%s/watch.err", tmpdir);
	pid = spawn(args, so, se);
	/* wait until it says it is watching */
	for (t0 = now_s(); now_s() - t0 < 10; usleep(50000)) {
		text = slurp(se);
		bool ready = strstr(text, "watching te/paths/") != NULL;

		free(text);
		if (ready)
			break;
	}
	put_value("/kvte/speakers/zz", "{\"ignored\":true}"); /* outside the watched family */
	put_value("/kvte/te/paths/w1", "{\"lsp\":\"w1\",\"state\":\"down\",\"since\":\"2026-12-06T21:00:00Z\",\"reason\":\"no path\"}");
	put_value("/kvte/te/paths/w1", "{\"lsp\":\"w1\",\"state\":\"up\",\"since\":\"2026-12-06T21:00:01Z\",\"path\":[{\"node\":\"r1\",\"link\":\"r1:et2\"},{\"node\":\"r2\"}]}");
	for (t0 = now_s(); now_s() - t0 < 10; usleep(50000))
		if (waitpid(pid, &st, WNOHANG) == pid)
			break;
	if (!WIFEXITED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		ck_abort_msg("watch did not stop after 2 events");
	}
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	text = slurp(so);
	ck_assert_msg(strstr(text, " PUT te/paths/w1 state down reason: no path\n") != NULL, "%s", text);
	ck_assert_msg(strstr(text, " PUT te/paths/w1 state up path r1 r2\n") != NULL, "%s", text);
	ck_assert_ptr_null(strstr(text, "speakers/zz"));
	/* "HH:MM:SS.mmm " stamps */
	ck_assert_int_eq(text[2], ':');
	ck_assert_int_eq(text[8], '.');
	free(text);
}
END_TEST

START_TEST(graph_svg)
{
	char path[PATH_MAX], arg[PATH_MAX + 8];
	struct out o;
	char *svg;

	snprintf(path, sizeof(path), "%s/topo.svg", tmpdir);
	snprintf(arg, sizeof(arg), "%s", path);
	o = kv_run("graph", "-o", arg, NULL);
	if (access("/usr/bin/dot", X_OK) != 0) {
		ck_assert_int_eq(o.status, 1);
		ck_assert_ptr_nonnull(strstr(o.se, "Graphviz 'dot' is not installed"));
		out_free(&o);
		return;
	}
	ck_assert_msg(o.status == 0, "exit %d: %s", o.status, o.se);
	ck_assert_ptr_nonnull(strstr(o.se, "wrote "));
	out_free(&o);
	svg = slurp(path);
	ck_assert_ptr_nonnull(strstr(svg, "<svg"));
	ck_assert_ptr_nonnull(strstr(svg, "r1&#45;to&#45;r4"));
	free(svg);
	o = kv_run("graph", "-o", "x.pdf", NULL);
	ck_assert_int_eq(o.status, 2);
	out_free(&o);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("kvtectl");
	TCase *tc = tcase_create("kvtectl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, shows_equal_goldens);
	tcase_add_test(tc, errors);
	tcase_add_test(tc, lsp_add_del);
	tcase_add_test(tc, unreachable);
	tcase_add_test(tc, watch_stream);
	tcase_add_test(tc, graph_svg);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
