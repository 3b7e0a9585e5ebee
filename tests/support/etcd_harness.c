/* etcd_harness — fork/exec real etcd members and etcdctl for the integration tests.
 *
 * Layout of a run: one temp root "<$TMPDIR|/tmp>/kvte-etcd-XXXXXX" holding, per member,
 * eN.data (data dir), eN.log (zap log) and eN.out (anything etcd writes to stdout or
 * stderr, e.g. flag errors and Go panics), plus the TLS material when asked for. Ports
 * come from binding port 0 on 127.0.0.1; if etcd still loses the race for one ("address
 * already in use" in a log) the whole start is retried on fresh ports and data dirs.
 * Readiness is POST /v3/maintenance/status answered with a non-zero leader, polled with
 * libcurl until a 20 s deadline, watching the child with waitpid(WNOHANG) so an early
 * exit is reported at once with its log tail. Children are spawned with only
 * async-signal-safe calls after fork (argv and environment are built beforehand; ETCD_*
 * and proxy variables are dropped, ETCDCTL_API=3 is added), get PR_SET_PDEATHSIG SIGKILL,
 * and every live etcd PID and temp root is remembered (by value) so an atexit hook can
 * kill and clean up after a test that forgot to stop (only in the process that started
 * them, not in forked children).
 * etcdctl output (stdout+stderr) is captured through a pipe with a 30 s hard limit. */
#include "tests/support/etcd_harness.h"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <jansson.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define UP_TIMEOUT_MS 20000
#define STOP_TERM_MS 5000
#define KILL_TERM_MS 10000
#define CMD_TIMEOUT_MS 30000
#define PROBE_INTERVAL_MS 100
#define START_ATTEMPTS 3
#define TAIL_LEN 300
#define MAX_TRACKED 64
#define MAX_ROOTS 32

/* ---------- small helpers ---------- */

static void set_err(struct etcd_harness *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void set_err(struct etcd_harness *h, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(h->err, sizeof h->err, fmt, ap);
	va_end(ap);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void sleep_ms(int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static int fmt_into(char *dst, size_t n, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int fmt_into(char *dst, size_t n, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(dst, n, fmt, ap);
	va_end(ap);
	return (r < 0 || (size_t)r >= n) ? -ENAMETOOLONG : 0;
}

static bool keep_tmp(void)
{
	const char *v = getenv("KVTE_KEEP_TMP");

	return v && *v;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

static void describe_status(int st, char *dst, size_t n)
{
	if (WIFEXITED(st))
		snprintf(dst, n, "exit code %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(dst, n, "signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(dst, n, "wait status 0x%x", (unsigned)st);
}

/* Last TAIL_LEN bytes of a file, newlines folded to spaces; "" if unreadable. */
static void file_tail(const char *path, char *dst, size_t n)
{
	struct stat sb;
	size_t want = n - 1, len = 0;
	int fd;

	dst[0] = '\0';
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (fstat(fd, &sb) == 0) {
		off_t from = sb.st_size > (off_t)want ? sb.st_size - (off_t)want : 0;
		ssize_t k = pread(fd, dst, want, from);

		len = k > 0 ? (size_t)k : 0;
	}
	close(fd);
	dst[len] = '\0';
	while (len > 0 && (dst[len - 1] == '\n' || dst[len - 1] == ' '))
		dst[--len] = '\0';
	for (size_t i = 0; i < len; i++)
		if (dst[i] == '\n' || dst[i] == '\r' || dst[i] == '\0')
			dst[i] = ' ';
}

static bool file_contains(const char *path, const char *needle)
{
	char buf[65536];
	bool found = false;
	ssize_t k;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return false;
	/* logs here are small; the first 64 KiB plus the tail is plenty */
	k = read(fd, buf, sizeof buf - 1);
	if (k > 0) {
		buf[k] = '\0';
		found = memmem(buf, (size_t)k, needle, strlen(needle)) != NULL;
	}
	if (!found) {
		struct stat sb;

		if (fstat(fd, &sb) == 0 && sb.st_size > (off_t)sizeof buf) {
			k = pread(fd, buf, sizeof buf - 1, sb.st_size - (off_t)(sizeof buf - 1));
			if (k > 0)
				found = memmem(buf, (size_t)k, needle, strlen(needle)) != NULL;
		}
	}
	close(fd);
	return found;
}

static off_t file_size(const char *path)
{
	struct stat sb;

	return stat(path, &sb) == 0 ? sb.st_size : 0;
}

/* Error for member m: what went wrong plus the tail of eN.out (if etcd wrote anything
 * there) or else of eN.log. */
static void member_err(struct etcd_harness *h, const struct etcd_harness_member *m, const char *what)
{
	char tail[TAIL_LEN + 1];
	const char *src = file_size(m->out_path) > 0 ? m->out_path : m->log_path;

	file_tail(src, tail, sizeof tail);
	set_err(h, "etcd %s (%s): %s; tail of %s: %s", m->name, m->client_url, what, base_name(src),
		tail[0] ? tail : "(empty)");
}

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
	(void)sb;
	(void)flag;
	(void)ftw;
	if (remove(path) != 0 && errno != ENOENT)
		return -1;
	return 0;
}

static int rm_rf(const char *path)
{
	struct stat sb;

	if (lstat(path, &sb) != 0)
		return errno == ENOENT ? 0 : -errno;
	if (nftw(path, rm_entry, 16, FTW_DEPTH | FTW_PHYS) != 0)
		return errno ? -errno : -EIO;
	return 0;
}

static int find_in_path(const char *prog, char *dst, size_t n)
{
	const char *path = getenv("PATH");
	const char *p;

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path; *p;) {
		const char *colon = strchr(p, ':');
		size_t len = colon ? (size_t)(colon - p) : strlen(p);

		if (len > 0 && fmt_into(dst, n, "%.*s/%s", (int)len, p, prog) == 0 && access(dst, X_OK) == 0)
			return 0;
		p += len;
		if (*p == ':')
			p++;
	}
	dst[0] = '\0';
	return -ENOENT;
}

/* ---------- argv building ---------- */

struct argbuf {
	char *argv[96];
	int argc;
	char store[16384];
	size_t used;
	bool overflow;
};

static void arg_add(struct argbuf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg_add(struct argbuf *a, const char *fmt, ...)
{
	va_list ap;
	size_t room = sizeof a->store - a->used;
	int r;

	if (a->overflow || a->argc + 1 >= (int)(sizeof a->argv / sizeof a->argv[0])) {
		a->overflow = true;
		return;
	}
	va_start(ap, fmt);
	r = vsnprintf(a->store + a->used, room, fmt, ap);
	va_end(ap);
	if (r < 0 || (size_t)r >= room) {
		a->overflow = true;
		return;
	}
	a->argv[a->argc++] = a->store + a->used;
	a->argv[a->argc] = NULL;
	a->used += (size_t)r + 1;
}

/* ---------- processes ---------- */

static bool env_dropped(const char *e)
{
	static const char *const drop[] = { "ETCD_", "ETCDCTL_", "http_proxy=", "https_proxy=",
					    "HTTP_PROXY=", "HTTPS_PROXY=", "all_proxy=", "ALL_PROXY=",
					    "grpc_proxy=", NULL };

	for (int i = 0; drop[i]; i++)
		if (strncmp(e, drop[i], strlen(drop[i])) == 0)
			return true;
	return false;
}

static char **child_env(void)
{
	size_t n = 0, k = 0;
	char **env;

	while (environ && environ[n])
		n++;
	env = calloc(n + 2, sizeof *env);
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!env_dropped(environ[i]))
			env[k++] = environ[i];
	env[k++] = (char *)"ETCDCTL_API=3";
	env[k] = NULL;
	return env;
}

/* fork/exec path with argv; stdin from /dev/null, stdout+stderr to out_fd. Only
 * async-signal-safe calls run in the child. */
static int spawn(const char *path, char *const argv[], int out_fd, pid_t *pid_out)
{
	static const int reset_sigs[] = { SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGQUIT };
	char **env = child_env();
	pid_t parent = getpid(), pid;
	int devnull, e;

	if (!env)
		return -ENOMEM;
	devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (devnull < 0) {
		e = -errno;
		free(env);
		return e;
	}
	pid = fork();
	if (pid == 0) {
		struct sigaction sa;
		sigset_t none;

		if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
			_exit(126);
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = SIG_DFL;
		for (size_t i = 0; i < sizeof reset_sigs / sizeof reset_sigs[0]; i++)
			sigaction(reset_sigs[i], &sa, NULL);
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		if (dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 || dup2(out_fd, 2) < 0)
			_exit(126);
		if (close_range(3, ~0U, 0) != 0)
			for (int fd = 3; fd < 4096; fd++)
				close(fd);
		execve(path, argv, env);
		_exit(127);
	}
	e = pid < 0 ? -errno : 0;
	close(devnull);
	free(env);
	if (e)
		return e;
	*pid_out = pid;
	return 0;
}

/* Reap pid within timeout_ms (< 0: wait forever). 0, -ETIMEDOUT or -errno. */
static int reap(pid_t pid, int *status, int timeout_ms)
{
	int64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		pid_t r = waitpid(pid, status, timeout_ms < 0 ? 0 : WNOHANG);

		if (r == pid)
			return 0;
		if (r < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (now_ms() >= deadline)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
}

/* Run argv to completion, output (stdout+stderr) into out. *status gets the wait status. */
static int run_capture(const char *path, char *const argv[], char *out, size_t outlen, int timeout_ms,
		       int *status)
{
	int64_t deadline = now_ms() + timeout_ms;
	bool timed_out = false;
	size_t used = 0;
	int fds[2], rc;
	pid_t pid;

	if (out && outlen)
		out[0] = '\0';
	if (pipe2(fds, O_CLOEXEC) != 0)
		return -errno;
	rc = spawn(path, argv, fds[1], &pid);
	close(fds[1]);
	if (rc) {
		close(fds[0]);
		return rc;
	}
	for (;;) {
		int64_t left = deadline - now_ms();
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		char buf[4096];
		ssize_t k;
		int r;

		if (left <= 0) {
			timed_out = true;
			break;
		}
		r = poll(&p, 1, (int)left);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		if (r == 0) {
			timed_out = true;
			break;
		}
		k = read(fds[0], buf, sizeof buf);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		if (out && outlen > 1 && used < outlen - 1) {
			size_t take = (size_t)k < outlen - 1 - used ? (size_t)k : outlen - 1 - used;

			memcpy(out + used, buf, take);
			used += take;
			out[used] = '\0';
		}
	}
	close(fds[0]);
	if (timed_out)
		kill(pid, SIGKILL);
	rc = reap(pid, status, 5000);
	if (rc == -ETIMEDOUT) {
		kill(pid, SIGKILL);
		timed_out = true;
		rc = reap(pid, status, -1);
	}
	if (rc)
		return rc;
	return timed_out ? -ETIMEDOUT : 0;
}

static int exit_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* ---------- what is alive, for the atexit cleanup ---------- */

/* PIDs and temp roots are kept by value, so the hook never reads a harness struct that
 * went out of scope without etcd_harness_stop(). */
static pid_t g_pids[MAX_TRACKED];
static char g_roots[MAX_ROOTS][ETCD_HARNESS_PATH_LEN];
static pid_t g_owner;
static bool g_atexit_done;

static void harness_atexit(void)
{
	if (getpid() != g_owner)
		return;
	for (int k = 0; k < MAX_TRACKED; k++) {
		if (g_pids[k] > 0) {
			int st;

			kill(g_pids[k], SIGKILL);
			reap(g_pids[k], &st, 2000);
			g_pids[k] = 0;
		}
	}
	for (int k = 0; k < MAX_ROOTS; k++) {
		if (g_roots[k][0] && !keep_tmp())
			rm_rf(g_roots[k]);
		g_roots[k][0] = '\0';
	}
}

static void track_init(void)
{
	if (!g_atexit_done) {
		g_owner = getpid();
		if (atexit(harness_atexit) == 0)
			g_atexit_done = true;
	}
}

static void track_pid(pid_t pid, bool add)
{
	for (int k = 0; k < MAX_TRACKED; k++) {
		if (add ? g_pids[k] == 0 : g_pids[k] == pid) {
			g_pids[k] = add ? pid : 0;
			return;
		}
	}
}

static void track_root(const char *root, bool add)
{
	for (int k = 0; k < MAX_ROOTS; k++) {
		if (add ? g_roots[k][0] == '\0' : strcmp(g_roots[k], root) == 0) {
			if (add)
				snprintf(g_roots[k], sizeof g_roots[k], "%s", root);
			else
				g_roots[k][0] = '\0';
			return;
		}
	}
}

/* Member m is gone with wait status st. */
static void member_gone(struct etcd_harness_member *m, int st)
{
	track_pid(m->pid, false);
	m->last_status = st;
	m->pid = 0;
}

/* ---------- members ---------- */

static int spawn_member(struct etcd_harness *h, int i)
{
	struct etcd_harness_member *m = &h->m[i];
	struct argbuf *a;
	char etcd[ETCD_HARNESS_PATH_LEN], cluster[ETCD_HARNESS_MAX_MEMBERS * 80];
	size_t off = 0;
	int fd, rc;

	rc = find_in_path("etcd", etcd, sizeof etcd);
	if (rc) {
		set_err(h, "etcd not found in PATH");
		return rc;
	}
	cluster[0] = '\0';
	for (int j = 0; j < h->n; j++) {
		int r = snprintf(cluster + off, sizeof cluster - off, "%s%s=%s", j ? "," : "", h->m[j].name,
				 h->m[j].peer_url);

		if (r < 0 || (size_t)r >= sizeof cluster - off)
			return -ENAMETOOLONG;
		off += (size_t)r;
	}
	a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	arg_add(a, "etcd");
	arg_add(a, "--name=%s", m->name);
	arg_add(a, "--data-dir=%s", m->data_dir);
	arg_add(a, "--listen-client-urls=%s", m->client_url);
	arg_add(a, "--advertise-client-urls=%s", m->client_url);
	arg_add(a, "--listen-peer-urls=%s", m->peer_url);
	arg_add(a, "--initial-advertise-peer-urls=%s", m->peer_url);
	arg_add(a, "--initial-cluster=%s", cluster);
	arg_add(a, "--initial-cluster-state=new");
	arg_add(a, "--initial-cluster-token=%s", base_name(h->root));
	arg_add(a, "--logger=zap");
	arg_add(a, "--log-outputs=%s", m->log_path);
	if (h->opts.progress_notify_interval_ms > 0)
		arg_add(a, "--experimental-watch-progress-notify-interval=%dms", h->opts.progress_notify_interval_ms);
	if (h->opts.auth_token_ttl_s > 0)
		arg_add(a, "--auth-token-ttl=%d", h->opts.auth_token_ttl_s);
	if (h->opts.max_txn_ops > 0)
		arg_add(a, "--max-txn-ops=%d", h->opts.max_txn_ops);
	if (h->opts.max_request_bytes > 0)
		arg_add(a, "--max-request-bytes=%" PRId64, h->opts.max_request_bytes);
	if (h->opts.tls) {
		arg_add(a, "--cert-file=%s", h->server_cert);
		arg_add(a, "--key-file=%s", h->server_key);
		arg_add(a, "--trusted-ca-file=%s", h->ca_file);
		arg_add(a, "--client-cert-auth=true");
	}
	if (a->overflow) {
		free(a);
		set_err(h, "etcd %s: command line too long", m->name);
		return -E2BIG;
	}
	fd = open(m->out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		free(a);
		set_err(h, "etcd %s: open %s: %s", m->name, m->out_path, strerror(-rc));
		return rc;
	}
	track_init();
	rc = spawn(etcd, a->argv, fd, &m->pid);
	close(fd);
	free(a);
	if (!rc)
		track_pid(m->pid, true);
	if (rc) {
		m->pid = 0;
		set_err(h, "etcd %s: fork/exec %s: %s", m->name, etcd, strerror(-rc));
	}
	return rc;
}

struct body {
	char buf[2048];
	size_t n;
};

static size_t body_write(char *p, size_t sz, size_t nm, void *ud)
{
	struct body *b = ud;
	size_t len = sz * nm, take = len < sizeof b->buf - 1 - b->n ? len : sizeof b->buf - 1 - b->n;

	memcpy(b->buf + b->n, p, take);
	b->n += take;
	b->buf[b->n] = '\0';
	return len;
}

/* One status probe: true when the member answers with a known leader. member_id and
 * leader (may be NULL) receive the IDs from the answer. */
static bool probe_status(struct etcd_harness *h, CURL *c, const struct etcd_harness_member *m, char *detail,
			 size_t dn, uint64_t *member_id, uint64_t *leader_id)
{
	struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json");
	char url[128], errbuf[CURL_ERROR_SIZE] = "";
	struct body b = { .n = 0 };
	long code = 0;
	bool up = false;
	CURLcode cc;

	snprintf(url, sizeof url, "%s/v3/maintenance/status", m->client_url);
	curl_easy_reset(c);
	curl_easy_setopt(c, CURLOPT_URL, url);
	curl_easy_setopt(c, CURLOPT_POSTFIELDS, "{}");
	curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
	curl_easy_setopt(c, CURLOPT_NOPROXY, "*");
	curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, 500L);
	curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, 1500L);
	curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, body_write);
	curl_easy_setopt(c, CURLOPT_WRITEDATA, &b);
	curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
	if (h->opts.tls) {
		curl_easy_setopt(c, CURLOPT_CAINFO, h->ca_file);
		curl_easy_setopt(c, CURLOPT_SSLCERT, h->client_cert);
		curl_easy_setopt(c, CURLOPT_SSLKEY, h->client_key);
	}
	cc = curl_easy_perform(c);
	if (cc != CURLE_OK) {
		snprintf(detail, dn, "status: %s", errbuf[0] ? errbuf : curl_easy_strerror(cc));
	} else {
		curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
		if (code != 200) {
			snprintf(detail, dn, "status: HTTP %ld %.100s", code, b.buf);
		} else {
			json_t *j = json_loadb(b.buf, b.n, JSON_DECODE_INT_AS_REAL, NULL);
			const char *leader = j ? json_string_value(json_object_get(j, "leader")) : NULL;
			const char *self = j ? json_string_value(json_object_get(json_object_get(j, "header"),
										"member_id"))
					     : NULL;
			uint64_t lid = leader ? strtoull(leader, NULL, 10) : 0;

			if (member_id)
				*member_id = self ? strtoull(self, NULL, 10) : 0;
			if (leader_id)
				*leader_id = lid;
			if (lid != 0)
				up = true;
			else
				snprintf(detail, dn, "status: no leader yet");
			json_decref(j);
		}
	}
	curl_slist_free_all(hdr);
	return up;
}

/* Kill and reap member i right away (failed start/restart). */
static void member_reap_now(struct etcd_harness_member *m)
{
	int st;

	if (m->pid <= 0)
		return;
	kill(m->pid, SIGKILL);
	if (reap(m->pid, &st, -1) != 0)
		st = -1;
	member_gone(m, st);
}

static int wait_member_up(struct etcd_harness *h, int i, int64_t deadline)
{
	struct etcd_harness_member *m = &h->m[i];
	char detail[200] = "no answer yet";
	CURL *c = curl_easy_init();
	int rc = 0;

	if (!c) {
		set_err(h, "curl_easy_init failed");
		return -ENOMEM;
	}
	for (;;) {
		/* any member dying (say, on a taken port) ends the wait at once */
		for (int j = 0; j < h->n && !rc; j++) {
			struct etcd_harness_member *o = &h->m[j];
			int st;

			if (o->pid > 0 && waitpid(o->pid, &st, WNOHANG) == o->pid) {
				char how[64], what[160];

				member_gone(o, st);
				describe_status(st, how, sizeof how);
				snprintf(what, sizeof what, "exited (%s)%s", how,
					 j == i ? " before it answered status" : " while waiting for the others");
				member_err(h, o, what);
				rc = -EIO;
			}
		}
		if (rc)
			break;
		if (probe_status(h, c, m, detail, sizeof detail, NULL, NULL))
			break;
		if (now_ms() >= deadline) {
			char what[300];

			snprintf(what, sizeof what, "not up after %d s (%s)", UP_TIMEOUT_MS / 1000, detail);
			member_err(h, m, what);
			rc = -ETIMEDOUT;
			break;
		}
		sleep_ms(PROBE_INTERVAL_MS);
	}
	curl_easy_cleanup(c);
	return rc;
}

/* ---------- TLS material ---------- */

static int write_file(struct etcd_harness *h, const char *path, const char *text)
{
	FILE *f = fopen(path, "we");
	int rc = 0;

	if (!f) {
		rc = -errno;
		set_err(h, "tls: create %s: %s", path, strerror(-rc));
		return rc;
	}
	if (fputs(text, f) < 0)
		rc = -EIO;
	if (fclose(f) != 0 && !rc)
		rc = -EIO;
	if (rc)
		set_err(h, "tls: write %s failed", path);
	return rc;
}

static int run_openssl(struct etcd_harness *h, const char *step, struct argbuf *a)
{
	char openssl[ETCD_HARNESS_PATH_LEN], out[1024];
	int rc, st = 0;

	rc = find_in_path("openssl", openssl, sizeof openssl);
	if (rc) {
		set_err(h, "tls: openssl not found in PATH");
		return rc;
	}
	if (a->overflow) {
		set_err(h, "tls: %s: command line too long", step);
		return -E2BIG;
	}
	rc = run_capture(openssl, a->argv, out, sizeof out, CMD_TIMEOUT_MS, &st);
	if (rc) {
		set_err(h, "tls: openssl %s: %s", step, strerror(-rc));
		return rc;
	}
	if (exit_code(st) != 0) {
		for (char *p = out; *p; p++)
			if (*p == '\n')
				*p = ' ';
		set_err(h, "tls: openssl %s failed (exit %d): %.380s", step, exit_code(st), out);
		return -EIO;
	}
	return 0;
}

/* Paths for TLS file `name` inside the root. */
static int tls_path(struct etcd_harness *h, char *dst, const char *name)
{
	if (fmt_into(dst, ETCD_HARNESS_PATH_LEN, "%s/%s", h->root, name)) {
		set_err(h, "tls: path too long");
		return -ENAMETOOLONG;
	}
	return 0;
}

static int make_cert(struct etcd_harness *h, const char *who, const char *cnf, const char *ext,
		     const char *key, const char *csr, const char *crt, const char *ca_key, int serial)
{
	struct argbuf *a = calloc(1, sizeof *a);
	char step[64];
	int rc;

	if (!a)
		return -ENOMEM;
	snprintf(step, sizeof step, "req (%s key + csr)", who);
	arg_add(a, "openssl");
	arg_add(a, "req");
	arg_add(a, "-new");
	arg_add(a, "-config");
	arg_add(a, "%s", cnf);
	arg_add(a, "-newkey");
	arg_add(a, "ec");
	arg_add(a, "-pkeyopt");
	arg_add(a, "ec_paramgen_curve:prime256v1");
	arg_add(a, "-nodes");
	arg_add(a, "-keyout");
	arg_add(a, "%s", key);
	arg_add(a, "-out");
	arg_add(a, "%s", csr);
	rc = run_openssl(h, step, a);
	if (!rc) {
		memset(a, 0, sizeof *a);
		snprintf(step, sizeof step, "x509 (sign %s cert)", who);
		arg_add(a, "openssl");
		arg_add(a, "x509");
		arg_add(a, "-req");
		arg_add(a, "-in");
		arg_add(a, "%s", csr);
		arg_add(a, "-CA");
		arg_add(a, "%s", h->ca_file);
		arg_add(a, "-CAkey");
		arg_add(a, "%s", ca_key);
		arg_add(a, "-set_serial");
		arg_add(a, "%d", serial);
		arg_add(a, "-days");
		arg_add(a, "3");
		arg_add(a, "-extfile");
		arg_add(a, "%s", cnf);
		arg_add(a, "-extensions");
		arg_add(a, "%s", ext);
		arg_add(a, "-out");
		arg_add(a, "%s", crt);
		rc = run_openssl(h, step, a);
	}
	free(a);
	return rc;
}

static int make_tls(struct etcd_harness *h)
{
	char ca_key[ETCD_HARNESS_PATH_LEN], cnf[ETCD_HARNESS_PATH_LEN], srv_csr[ETCD_HARNESS_PATH_LEN],
		cli_csr[ETCD_HARNESS_PATH_LEN], srv_cnf[ETCD_HARNESS_PATH_LEN], cli_cnf[ETCD_HARNESS_PATH_LEN];
	struct argbuf *a;
	int rc;

	if ((rc = tls_path(h, h->ca_file, "ca.crt")) || (rc = tls_path(h, ca_key, "ca.key")) ||
	    (rc = tls_path(h, cnf, "ca.cnf")) || (rc = tls_path(h, h->server_cert, "server.crt")) ||
	    (rc = tls_path(h, h->server_key, "server.key")) || (rc = tls_path(h, srv_csr, "server.csr")) ||
	    (rc = tls_path(h, srv_cnf, "server.cnf")) || (rc = tls_path(h, h->client_cert, "client.crt")) ||
	    (rc = tls_path(h, h->client_key, "client.key")) || (rc = tls_path(h, cli_csr, "client.csr")) ||
	    (rc = tls_path(h, cli_cnf, "client.cnf")))
		return rc;
	rc = write_file(h, cnf,
			"[req]\ndistinguished_name = dn\nprompt = no\n"
			"[dn]\nCN = kvte-test-ca\n"
			"[v3_ca]\nbasicConstraints = critical,CA:TRUE\n"
			"keyUsage = critical,keyCertSign,cRLSign\nsubjectKeyIdentifier = hash\n");
	if (!rc)
		/* The server cert is also a client cert: etcd 3.4's JSON gateway dials its own
		 * gRPC port with it when --client-cert-auth is on. */
		rc = write_file(h, srv_cnf,
				"[req]\ndistinguished_name = dn\nprompt = no\n"
				"[dn]\nCN = localhost\n"
				"[v3_srv]\nbasicConstraints = CA:FALSE\n"
				"keyUsage = critical,digitalSignature,keyEncipherment\n"
				"extendedKeyUsage = serverAuth,clientAuth\n"
				"subjectAltName = IP:127.0.0.1,DNS:localhost\n"
				"authorityKeyIdentifier = keyid\n");
	if (!rc)
		rc = write_file(h, cli_cnf,
				"[req]\ndistinguished_name = dn\nprompt = no\n"
				"[dn]\nCN = kvte-test-client\n"
				"[v3_cli]\nbasicConstraints = CA:FALSE\n"
				"keyUsage = critical,digitalSignature\n"
				"extendedKeyUsage = clientAuth\n"
				"authorityKeyIdentifier = keyid\n");
	if (rc)
		return rc;
	a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	arg_add(a, "openssl");
	arg_add(a, "req");
	arg_add(a, "-x509");
	arg_add(a, "-config");
	arg_add(a, "%s", cnf);
	arg_add(a, "-extensions");
	arg_add(a, "v3_ca");
	arg_add(a, "-newkey");
	arg_add(a, "ec");
	arg_add(a, "-pkeyopt");
	arg_add(a, "ec_paramgen_curve:prime256v1");
	arg_add(a, "-nodes");
	arg_add(a, "-days");
	arg_add(a, "3");
	arg_add(a, "-keyout");
	arg_add(a, "%s", ca_key);
	arg_add(a, "-out");
	arg_add(a, "%s", h->ca_file);
	rc = run_openssl(h, "req -x509 (CA)", a);
	free(a);
	if (!rc)
		rc = make_cert(h, "server", srv_cnf, "v3_srv", h->server_key, srv_csr, h->server_cert, ca_key, 2);
	if (!rc)
		rc = make_cert(h, "client", cli_cnf, "v3_cli", h->client_key, cli_csr, h->client_cert, ca_key, 3);
	return rc;
}

/* ---------- start / stop ---------- */

static int pick_ports(struct etcd_harness *h, int *ports, int count)
{
	int fds[2 * ETCD_HARNESS_MAX_MEMBERS];
	int rc = 0, opened = 0;

	for (int i = 0; i < count; i++) {
		struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = 0 };
		socklen_t sl = sizeof sin;
		int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

		if (s < 0) {
			rc = -errno;
			break;
		}
		fds[opened++] = s;
		sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
		if (bind(s, (struct sockaddr *)&sin, sizeof sin) != 0 ||
		    getsockname(s, (struct sockaddr *)&sin, &sl) != 0) {
			rc = -errno;
			break;
		}
		ports[i] = ntohs(sin.sin_port);
	}
	/* closed only after all are chosen, so no two members get the same port */
	for (int i = 0; i < opened; i++)
		close(fds[i]);
	if (rc)
		set_err(h, "free port: %s", strerror(-rc));
	return rc;
}

static void stop_members(struct etcd_harness *h, int term_ms)
{
	int64_t deadline = now_ms() + term_ms;

	for (int i = 0; i < h->n; i++)
		if (h->m[i].pid > 0)
			kill(h->m[i].pid, SIGTERM);
	for (int i = 0; i < h->n; i++) {
		struct etcd_harness_member *m = &h->m[i];
		int64_t left;
		int st;

		if (m->pid <= 0)
			continue;
		left = deadline - now_ms();
		if (reap(m->pid, &st, left > 0 ? (int)left : 0) == 0) {
			member_gone(m, st);
		} else {
			member_reap_now(m);
		}
	}
}

/* Fresh ports, URLs, data dirs and logs for every member. */
static int prepare_members(struct etcd_harness *h)
{
	int ports[2 * ETCD_HARNESS_MAX_MEMBERS];
	size_t off = 0;
	int rc = pick_ports(h, ports, 2 * h->n);

	if (rc)
		return rc;
	h->endpoints[0] = '\0';
	for (int i = 0; i < h->n; i++) {
		struct etcd_harness_member *m = &h->m[i];
		int r;

		m->client_port = ports[2 * i];
		m->peer_port = ports[2 * i + 1];
		snprintf(m->client_url, sizeof m->client_url, "%s://127.0.0.1:%d", h->opts.tls ? "https" : "http",
			 m->client_port);
		snprintf(m->peer_url, sizeof m->peer_url, "http://127.0.0.1:%d", m->peer_port);
		r = snprintf(h->endpoints + off, sizeof h->endpoints - off, "%s%s", i ? "," : "", m->client_url);
		if (r > 0)
			off += (size_t)r;
		rm_rf(m->data_dir);
		unlink(m->log_path);
		unlink(m->out_path);
		if (mkdir(m->data_dir, 0700) != 0) {
			rc = -errno;
			set_err(h, "mkdir %s: %s", m->data_dir, strerror(-rc));
			return rc;
		}
	}
	return 0;
}

static bool ports_were_taken(const struct etcd_harness *h)
{
	for (int i = 0; i < h->n; i++)
		if (file_contains(h->m[i].log_path, "address already in use") ||
		    file_contains(h->m[i].out_path, "address already in use"))
			return true;
	return false;
}

static int try_start(struct etcd_harness *h)
{
	int64_t deadline;
	int rc = prepare_members(h);

	if (rc)
		return rc;
	for (int i = 0; i < h->n && !rc; i++)
		rc = spawn_member(h, i);
	deadline = now_ms() + UP_TIMEOUT_MS;
	for (int i = 0; i < h->n && !rc; i++)
		rc = wait_member_up(h, i, deadline);
	return rc;
}

int etcd_harness_start(const struct etcd_harness_opts *opts, struct etcd_harness *h)
{
	char etcd[ETCD_HARNESS_PATH_LEN];
	const char *tmp = getenv("TMPDIR");
	int rc;

	if (!h)
		return -EINVAL;
	memset(h, 0, sizeof *h);
	if (opts)
		h->opts = *opts;
	if (h->opts.members == 0)
		h->opts.members = 1;
	if (h->opts.members < 1 || h->opts.members > ETCD_HARNESS_MAX_MEMBERS) {
		set_err(h, "members must be 1..%d, got %d", ETCD_HARNESS_MAX_MEMBERS, h->opts.members);
		return -EINVAL;
	}
	if (h->opts.progress_notify_interval_ms < 0 || h->opts.auth_token_ttl_s < 0 || h->opts.max_txn_ops < 0 ||
	    h->opts.max_request_bytes < 0) {
		set_err(h, "negative option value");
		return -EINVAL;
	}
	h->n = h->opts.members;
	if (find_in_path("etcd", etcd, sizeof etcd) != 0) {
		set_err(h, "etcd not found in PATH (%s)", getenv("PATH") ? getenv("PATH") : "unset");
		return -ENOENT;
	}
	if (!tmp || !*tmp)
		tmp = "/tmp";
	if (fmt_into(h->root, sizeof h->root - 64, "%s/kvte-etcd-XXXXXX", tmp)) {
		set_err(h, "TMPDIR too long: %s", tmp);
		h->root[0] = '\0';
		return -ENAMETOOLONG;
	}
	if (!mkdtemp(h->root)) {
		rc = -errno;
		set_err(h, "mkdtemp %s: %s", h->root, strerror(-rc));
		h->root[0] = '\0';
		return rc;
	}
	track_init();
	track_root(h->root, true);
	for (int i = 0; i < h->n; i++) {
		struct etcd_harness_member *m = &h->m[i];

		m->name[0] = 'e';
		m->name[1] = (char)('1' + i);
		m->name[2] = '\0';
		m->last_status = -1;
		if (fmt_into(m->data_dir, sizeof m->data_dir, "%s/%s.data", h->root, m->name) ||
		    fmt_into(m->log_path, sizeof m->log_path, "%s/%s.log", h->root, m->name) ||
		    fmt_into(m->out_path, sizeof m->out_path, "%s/%s.out", h->root, m->name)) {
			set_err(h, "path too long under %s", h->root);
			rc = -ENAMETOOLONG;
			goto fail;
		}
	}
	rc = h->opts.tls ? make_tls(h) : 0;
	if (rc)
		goto fail;
	for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
		rc = try_start(h);
		if (!rc) {
			h->started = true;
			h->err[0] = '\0';
			return 0;
		}
		stop_members(h, 0);
		if (!ports_were_taken(h))
			break;
	}
fail:
	stop_members(h, 0);
	if (!keep_tmp())
		rm_rf(h->root);
	track_root(h->root, false);
	return rc;
}

int etcd_harness_stop(struct etcd_harness *h)
{
	int rc = 0;

	if (!h)
		return -EINVAL;
	stop_members(h, STOP_TERM_MS);
	if (h->root[0] && !keep_tmp()) {
		rc = rm_rf(h->root);
		if (rc)
			set_err(h, "remove %s: %s", h->root, strerror(-rc));
	}
	track_root(h->root, false);
	h->started = false;
	h->auth_enabled = false;
	return rc;
}

static int check_member(struct etcd_harness *h, int i)
{
	if (!h->started) {
		set_err(h, "harness not started");
		return -EINVAL;
	}
	if (i < 0 || i >= h->n) {
		set_err(h, "member index %d out of range 0..%d", i, h->n - 1);
		return -EINVAL;
	}
	return 0;
}

int etcd_harness_kill_member(struct etcd_harness *h, int i, int sig)
{
	struct etcd_harness_member *m;
	int rc, st;

	if (!h)
		return -EINVAL;
	h->err[0] = '\0';
	if ((rc = check_member(h, i)))
		return rc;
	m = &h->m[i];
	if (sig != SIGKILL && sig != SIGTERM && sig != SIGINT) {
		set_err(h, "kill %s: signal %d not supported (SIGKILL, SIGTERM, SIGINT)", m->name, sig);
		return -EINVAL;
	}
	if (m->pid <= 0) {
		set_err(h, "kill %s: not running", m->name);
		return -ESRCH;
	}
	if (kill(m->pid, sig) != 0) {
		rc = -errno;
		set_err(h, "kill %s (pid %d): %s", m->name, (int)m->pid, strerror(-rc));
		return rc;
	}
	rc = reap(m->pid, &st, KILL_TERM_MS);
	if (rc == -ETIMEDOUT) {
		kill(m->pid, SIGKILL);
		rc = reap(m->pid, &st, -1);
		if (!rc) {
			member_gone(m, st);
			set_err(h, "kill %s: ignored signal %d for %d s, SIGKILLed", m->name, sig, KILL_TERM_MS / 1000);
			return -ETIMEDOUT;
		}
	}
	if (rc) {
		set_err(h, "waitpid %s (pid %d): %s", m->name, (int)m->pid, strerror(-rc));
		member_gone(m, -1);
		return rc;
	}
	member_gone(m, st);
	return 0;
}

int etcd_harness_restart_member(struct etcd_harness *h, int i)
{
	struct etcd_harness_member *m;
	int rc;

	if (!h)
		return -EINVAL;
	h->err[0] = '\0';
	if ((rc = check_member(h, i)))
		return rc;
	m = &h->m[i];
	if (m->pid > 0) {
		set_err(h, "restart %s: still running (pid %d)", m->name, (int)m->pid);
		return -EBUSY;
	}
	rc = spawn_member(h, i);
	if (!rc)
		rc = wait_member_up(h, i, now_ms() + UP_TIMEOUT_MS);
	if (rc)
		member_reap_now(m);
	return rc;
}

int etcd_harness_wait_leader(struct etcd_harness *h, int *leader_idx)
{
	int64_t deadline = now_ms() + UP_TIMEOUT_MS;
	char detail[200] = "no answer yet";
	CURL *c;

	if (!h)
		return -EINVAL;
	h->err[0] = '\0';
	if (!h->started) {
		set_err(h, "wait_leader: harness not started");
		return -EINVAL;
	}
	c = curl_easy_init();
	if (!c) {
		set_err(h, "curl_easy_init failed");
		return -ENOMEM;
	}
	for (;;) {
		uint64_t ids[ETCD_HARNESS_MAX_MEMBERS] = { 0 }, leaders[ETCD_HARNESS_MAX_MEMBERS] = { 0 };
		int running = 0, agreeing = 0, idx = -1;

		for (int i = 0; i < h->n; i++) {
			if (h->m[i].pid <= 0)
				continue;
			running++;
			if (!probe_status(h, c, &h->m[i], detail, sizeof detail, &ids[i], &leaders[i]))
				break;
			agreeing++;
		}
		if (running == 0) {
			set_err(h, "wait_leader: no member is running");
			curl_easy_cleanup(c);
			return -ESRCH;
		}
		if (agreeing == running) {
			uint64_t lead = 0;
			bool same = true;

			for (int i = 0; i < h->n; i++) {
				if (h->m[i].pid <= 0)
					continue;
				if (lead == 0)
					lead = leaders[i];
				same = same && leaders[i] == lead;
				if (ids[i] == lead)
					idx = i;
			}
			if (same && idx >= 0) {
				if (leader_idx)
					*leader_idx = idx;
				curl_easy_cleanup(c);
				return 0;
			}
			snprintf(detail, sizeof detail, "members disagree on the leader or it is not running");
		}
		if (now_ms() >= deadline)
			break;
		sleep_ms(PROBE_INTERVAL_MS);
	}
	curl_easy_cleanup(c);
	set_err(h, "wait_leader: no common running leader after %d s (%s)", UP_TIMEOUT_MS / 1000, detail);
	return -ETIMEDOUT;
}

/* ---------- etcdctl ---------- */

static bool has_flag(const char *const *args, const char *flag)
{
	size_t len = strlen(flag);

	for (int i = 0; args[i]; i++)
		if (strncmp(args[i], flag, len) == 0 && (args[i][len] == '\0' || args[i][len] == '='))
			return true;
	return false;
}

/* "--cert=", "--key=", "--cacert=", "--user=" with nothing after '=' only suppress the
 * harness default; etcdctl itself rejects some of them when empty. */
static bool suppressor(const char *arg)
{
	static const char *const flags[] = { "--cert=", "--key=", "--cacert=", "--user=", NULL };

	for (int i = 0; flags[i]; i++)
		if (strcmp(arg, flags[i]) == 0)
			return true;
	return false;
}

int etcd_harness_etcdctlv(struct etcd_harness *h, char *out, size_t outlen, const char *const *args)
{
	char etcdctl[ETCD_HARNESS_PATH_LEN];
	struct argbuf *a;
	int rc, st = 0;

	if (out && outlen)
		out[0] = '\0';
	if (!h || !args)
		return -EINVAL;
	h->err[0] = '\0';
	if (!h->started) {
		set_err(h, "etcdctl: harness not started");
		return -EINVAL;
	}
	rc = find_in_path("etcdctl", etcdctl, sizeof etcdctl);
	if (rc) {
		set_err(h, "etcdctl not found in PATH");
		return rc;
	}
	a = calloc(1, sizeof *a);
	if (!a)
		return -ENOMEM;
	arg_add(a, "etcdctl");
	if (!has_flag(args, "--endpoints")) {
		char eps[sizeof h->endpoints];
		size_t off = 0;

		eps[0] = '\0';
		for (int i = 0; i < h->n; i++) {
			if (h->m[i].pid > 0) {
				int r = snprintf(eps + off, sizeof eps - off, "%s%s", off ? "," : "", h->m[i].client_url);

				if (r > 0)
					off += (size_t)r;
			}
		}
		arg_add(a, "--endpoints=%s", off ? eps : h->endpoints);
	}
	if (!has_flag(args, "--dial-timeout"))
		arg_add(a, "--dial-timeout=3s");
	if (!has_flag(args, "--command-timeout"))
		arg_add(a, "--command-timeout=10s");
	if (h->opts.tls) {
		if (!has_flag(args, "--cacert"))
			arg_add(a, "--cacert=%s", h->ca_file);
		if (!has_flag(args, "--cert"))
			arg_add(a, "--cert=%s", h->client_cert);
		if (!has_flag(args, "--key"))
			arg_add(a, "--key=%s", h->client_key);
	}
	if (h->auth_enabled && !has_flag(args, "--user"))
		arg_add(a, "--user=root:%s", h->root_password);
	for (int i = 0; args[i]; i++)
		if (!suppressor(args[i]))
			arg_add(a, "%s", args[i]);
	if (a->overflow) {
		free(a);
		set_err(h, "etcdctl: too many or too long arguments");
		return -E2BIG;
	}
	rc = run_capture(etcdctl, a->argv, out, outlen, CMD_TIMEOUT_MS, &st);
	free(a);
	if (rc == -ETIMEDOUT) {
		set_err(h, "etcdctl %s: no exit after %d s, killed", args[0] ? args[0] : "", CMD_TIMEOUT_MS / 1000);
		return rc;
	}
	if (rc) {
		set_err(h, "etcdctl: %s", strerror(-rc));
		return rc;
	}
	rc = exit_code(st);
	if (rc != 0)
		set_err(h, "etcdctl %s exited with %d: %.400s", args[0] ? args[0] : "", rc, out ? out : "");
	return rc;
}

int etcd_harness_etcdctl(struct etcd_harness *h, char *out, size_t outlen, const char *arg, ...)
{
	const char *args[64];
	int n = 0;
	va_list ap;

	va_start(ap, arg);
	for (const char *s = arg; s; s = va_arg(ap, const char *)) {
		if (n >= 63) {
			va_end(ap);
			if (h)
				set_err(h, "etcdctl: more than 63 arguments");
			return -E2BIG;
		}
		args[n++] = s;
	}
	va_end(ap);
	args[n] = NULL;
	return etcd_harness_etcdctlv(h, out, outlen, args);
}

/* Run etcdctl and turn a non-zero exit into -EIO with the step and output in h->err. */
static int ctl_step(struct etcd_harness *h, const char *step, const char *const *args, char *out, size_t outlen)
{
	int rc = etcd_harness_etcdctlv(h, out, outlen, args);

	if (rc > 0) {
		char msg[400];

		for (char *p = out; *p; p++)
			if (*p == '\n')
				*p = ' ';
		snprintf(msg, sizeof msg, "%.399s", out);
		set_err(h, "%s: etcdctl exited with %d: %s", step, rc, msg);
		return -EIO;
	}
	if (rc < 0) {
		char msg[sizeof h->err];

		snprintf(msg, sizeof msg, "%s", h->err);
		set_err(h, "%s: %.440s", step, msg);
	}
	return rc;
}

int etcd_harness_compact(struct etcd_harness *h, int64_t rev)
{
	char revs[32], out[1024];

	if (!h)
		return -EINVAL;
	if (rev <= 0) {
		set_err(h, "compact: revision must be > 0, got %" PRId64, rev);
		return -EINVAL;
	}
	snprintf(revs, sizeof revs, "%" PRId64, rev);
	return ctl_step(h, "compact", (const char *const[]){ "compaction", "--physical", revs, NULL }, out,
			sizeof out);
}

static int random_hex(char *dst, size_t nbytes)
{
	static const char hex[] = "0123456789abcdef";
	unsigned char raw[32];
	int fd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	ssize_t k;

	if (nbytes > sizeof raw)
		nbytes = sizeof raw;
	if (fd < 0)
		return -errno;
	k = read(fd, raw, nbytes);
	close(fd);
	if (k != (ssize_t)nbytes)
		return -EIO;
	for (size_t i = 0; i < nbytes; i++) {
		dst[2 * i] = hex[raw[i] >> 4];
		dst[2 * i + 1] = hex[raw[i] & 15];
	}
	dst[2 * nbytes] = '\0';
	return 0;
}

int etcd_harness_setup_auth(struct etcd_harness *h, const char *user, const char *password, const char *role,
			    const char *prefix)
{
	char out[1024], rootpw_flag[96], userpw_flag[256], rnd[33];
	int rc;

	if (!h)
		return -EINVAL;
	if (!user || !*user || !password || !role || !*role || !prefix || !*prefix) {
		set_err(h, "setup_auth: user, password, role and prefix are required");
		return -EINVAL;
	}
	if (strcmp(user, "root") == 0 || strcmp(role, "root") == 0 || strchr(user, ':')) {
		set_err(h, "setup_auth: user/role must not be root and user must not contain ':'");
		return -EINVAL;
	}
	if (h->auth_enabled) {
		set_err(h, "setup_auth: auth already enabled");
		return -EALREADY;
	}
	rc = random_hex(rnd, 16);
	if (rc) {
		set_err(h, "setup_auth: /dev/urandom: %s", strerror(-rc));
		return rc;
	}
	snprintf(h->root_password, sizeof h->root_password, "kvte-root-%s", rnd);
	snprintf(rootpw_flag, sizeof rootpw_flag, "--new-user-password=%s", h->root_password);
	if (fmt_into(userpw_flag, sizeof userpw_flag, "--new-user-password=%s", password)) {
		set_err(h, "setup_auth: password too long");
		return -ENAMETOOLONG;
	}
	if ((rc = ctl_step(h, "setup_auth: user add root",
			   (const char *const[]){ "user", "add", "root", "--interactive=false", rootpw_flag, NULL },
			   out, sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: user grant-role root root",
			   (const char *const[]){ "user", "grant-role", "root", "root", NULL }, out, sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: role add", (const char *const[]){ "role", "add", role, NULL }, out,
			   sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: role grant-permission",
			   (const char *const[]){ "role", "grant-permission", "--prefix=true", role, "readwrite",
						  prefix, NULL },
			   out, sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: user add",
			   (const char *const[]){ "user", "add", user, "--interactive=false", userpw_flag, NULL }, out,
			   sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: user grant-role",
			   (const char *const[]){ "user", "grant-role", user, role, NULL }, out, sizeof out)) ||
	    (rc = ctl_step(h, "setup_auth: auth enable", (const char *const[]){ "auth", "enable", NULL }, out,
			   sizeof out)))
		return rc;
	h->auth_enabled = true;
	return 0;
}

int etcd_harness_current_revision(struct etcd_harness *h, int64_t *rev)
{
	char out[8192];
	int rc;

	if (!h || !rev)
		return -EINVAL;
	rc = ctl_step(h, "current_revision",
		      (const char *const[]){ "get", "--write-out=json", "kvte-harness/revision-probe", NULL }, out,
		      sizeof out);
	if (rc)
		return rc;
	/* stderr is merged in (client warnings), so look for the JSON line */
	for (char *line = out; line && *line;) {
		char *nl = strchr(line, '\n');
		json_t *j, *r;

		if (nl)
			*nl = '\0';
		j = line[0] == '{' ? json_loads(line, JSON_DECODE_INT_AS_REAL, NULL) : NULL;
		r = j ? json_object_get(json_object_get(j, "header"), "revision") : NULL;
		if (r && (json_is_number(r) || json_is_string(r))) {
			*rev = json_is_number(r) ? (int64_t)json_number_value(r)
						 : strtoll(json_string_value(r), NULL, 10);
			json_decref(j);
			return 0;
		}
		json_decref(j);
		line = nl ? nl + 1 : NULL;
	}
	set_err(h, "current_revision: no header.revision in etcdctl output: %.400s", out);
	return -EPROTO;
}
