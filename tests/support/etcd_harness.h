/* etcd_harness — runs real etcd 3.4 servers for kvte's integration tests.
 *
 * etcd_harness_start() creates a temp root ($TMPDIR or /tmp, "kvte-etcd-XXXXXX"),
 * picks free loopback ports, and fork/execs `etcd` from PATH as a single member or an
 * N-member cluster (data dir <root>/eN.data, zap log <root>/eN.log, stray stdout/stderr
 * in <root>/eN.out), optionally behind TLS with a throw-away CA, server and client
 * certificate made with the openssl CLI (client certs are mandatory; peers stay on plain
 * http). It returns once every member answers POST /v3/maintenance/status with a known
 * leader, or fails after 20 s with the tail of the member's log in h->err. Members can
 * be killed (SIGKILL/SIGTERM) and restarted on the same data dir and ports; etcdctl
 * helpers (raw argv, compaction, auth setup, current revision) run the real `etcdctl`
 * against the live members and capture its output. Children die with the test process
 * (PR_SET_PDEATHSIG) and an atexit hook kills what is left. Every function returns 0 or
 * a negative errno and, on failure, leaves a specific message in h->err; nothing aborts.
 * Not thread-safe: drive one harness from one thread (PDEATHSIG follows the thread that
 * forked). Starting again on a running struct loses it until exit: stop it first. */
#ifndef KVTE_TESTS_SUPPORT_ETCD_HARNESS_H
#define KVTE_TESTS_SUPPORT_ETCD_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ETCD_HARNESS_MAX_MEMBERS 5
#define ETCD_HARNESS_PATH_LEN 512

struct etcd_harness_opts {
	int members;                     /* 1..5; 0 means 1 */
	int progress_notify_interval_ms; /* --experimental-watch-progress-notify-interval; 0 = etcd default (10m) */
	int auth_token_ttl_s;            /* --auth-token-ttl; 0 = etcd default (300) */
	int max_txn_ops;                 /* --max-txn-ops; 0 = etcd default (128) */
	int64_t max_request_bytes;       /* --max-request-bytes; 0 = etcd default (1572864) */
	bool tls;                        /* https clients with mandatory client certificates */
};

struct etcd_harness_member {
	char name[8];                    /* "e1".."e5" */
	pid_t pid;                       /* 0 while not running */
	int last_status;                 /* waitpid() status of the last exit, -1 if none */
	int client_port;
	int peer_port;
	char client_url[64];             /* "http://127.0.0.1:PORT" or "https://..." */
	char peer_url[64];               /* always "http://127.0.0.1:PORT" */
	char data_dir[ETCD_HARNESS_PATH_LEN];
	char log_path[ETCD_HARNESS_PATH_LEN];
	char out_path[ETCD_HARNESS_PATH_LEN];
};

struct etcd_harness {
	struct etcd_harness_opts opts;
	int n;                           /* number of members */
	bool started;
	struct etcd_harness_member m[ETCD_HARNESS_MAX_MEMBERS];
	char root[ETCD_HARNESS_PATH_LEN];        /* temp root, removed by stop unless KVTE_KEEP_TMP */
	char endpoints[ETCD_HARNESS_MAX_MEMBERS * 64]; /* all client URLs, comma-separated */
	/* TLS material (empty strings unless opts.tls) */
	char ca_file[ETCD_HARNESS_PATH_LEN];
	char client_cert[ETCD_HARNESS_PATH_LEN];
	char client_key[ETCD_HARNESS_PATH_LEN];
	char server_cert[ETCD_HARNESS_PATH_LEN];
	char server_key[ETCD_HARNESS_PATH_LEN];
	/* auth (set by etcd_harness_setup_auth) */
	bool auth_enabled;
	char root_password[64];
	char err[512];                   /* last error, "" after success */
};

/* Start opts->members members (opts may be NULL: one plain member). h is zeroed first.
 * On failure everything started so far is stopped and the temp root removed (unless
 * KVTE_KEEP_TMP is set); h->err says why, with the log tail of the failing member. */
int etcd_harness_start(const struct etcd_harness_opts *opts, struct etcd_harness *h);

/* Stop every running member (SIGTERM, SIGKILL after 5 s, reaped) and remove the temp
 * root unless KVTE_KEEP_TMP is set. Safe to call twice or on a failed start. */
int etcd_harness_stop(struct etcd_harness *h);

/* Send sig (SIGKILL or SIGTERM) to member i (0-based) and reap it; a SIGTERM that is
 * ignored for 10 s is followed by SIGKILL. -ESRCH if the member is not running. */
int etcd_harness_kill_member(struct etcd_harness *h, int i, int sig);

/* Start a stopped member i again with the same data dir, ports and flags, and wait
 * (20 s) until it answers status with a known leader. -EBUSY if it is running. */
int etcd_harness_restart_member(struct etcd_harness *h, int i);

/* Wait (20 s) until every running member answers status and all name the same leader,
 * which is itself running (after killing the leader, followers keep naming it until the
 * election timeout). The leader's index goes to *leader_idx when not NULL. */
int etcd_harness_wait_leader(struct etcd_harness *h, int *leader_idx);

/* Run `etcdctl` (ETCDCTL_API=3) with the NULL-terminated arguments after arg, stdout and
 * stderr merged into out (always NUL-terminated, truncated to outlen; out may be NULL).
 * The harness adds, unless the caller passes the same flag: --endpoints=<running
 * members>, --dial-timeout=3s, --command-timeout=10s, with TLS --cacert/--cert/--key
 * and after etcd_harness_setup_auth --user=root:<pw> (pass --user=NAME:PW to act as
 * someone else). An empty "--cert=", "--key=", "--cacert=" or "--user=" only drops the
 * default and is not passed on (e.g. "--cert=", "--key=": TLS without client cert).
 * Returns etcdctl's exit status (>= 0), -ETIMEDOUT if it ran for more than 30 s (it is
 * killed), or another negative errno if it could not be run. */
int etcd_harness_etcdctl(struct etcd_harness *h, char *out, size_t outlen, const char *arg, ...)
	__attribute__((sentinel));

/* Same with an argv array (NULL-terminated, without "etcdctl" itself). */
int etcd_harness_etcdctlv(struct etcd_harness *h, char *out, size_t outlen, const char *const *args);

/* `etcdctl compaction --physical rev`. */
int etcd_harness_compact(struct etcd_harness *h, int64_t rev);

/* Create user root (random password kept in h->root_password) with role root, role
 * `role` with READWRITE on every key starting with `prefix`, user `user`:`password` with
 * that role, then `auth enable`. Later etcdctl calls authenticate as root. */
int etcd_harness_setup_auth(struct etcd_harness *h, const char *user, const char *password,
			    const char *role, const char *prefix);

/* Current store revision (header.revision of a get through etcdctl) in *rev. */
int etcd_harness_current_revision(struct etcd_harness *h, int64_t *rev);

#endif
