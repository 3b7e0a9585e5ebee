/* kvtectl_main — the edge of kvtectl, kvte's operator CLI: flags, the etcd requests
 * (lib/etcd/etcd.h driven synchronously on a private libuv loop), and the processes
 * `graph` starts. Everything printed comes from the pure core in cli/show.h.
 *
 * Each show command ranges only the key families it needs (docs/keys.md) into a
 * cli_state and formats it; `lsp add` builds and validates the request before a
 * create-only transaction (or a put with --replace); `lsp del` deletes and fails when
 * nothing was there; `watch` follows a family with a watch until SIGINT/SIGTERM (or
 * --count N events). Requests time out after --timeout-ms (default 3000), so an
 * unreachable etcd fails fast: "kvtectl: cannot reach etcd at URL: <reason>", exit 1.
 * A wrong flag prints the usage on stderr and exits 2. docs/kvtectl.md documents the
 * commands. */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

#include "cli/show.h"
#include "lib/etcd/etcd.h"
#include "lib/log.h"

#define MAX_ARGS 128

static const char *endpoints;
static unsigned timeout_ms = 3000;

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvtectl [--etcd URLS] [--root PREFIX] [--timeout-ms MS] COMMAND ...\n"
		"\n"
		"commands:\n"
		"  show isis database [NODE] [--detail]  the LSPs in ted/lsp/\n"
		"  show isis neighbors [NODE]            adjacencies from speakers/\n"
		"  show ted                              TE nodes, links, reservations\n"
		"  show route NODE                       inet.0, inet.3, SIDs, bypasses of NODE\n"
		"  show lsp [NAME]                       LSP state from te/paths/\n"
		"  show bgp                              external routes from bgp/routes/\n"
		"  lsp add NAME --from A --to B [--bandwidth 200M] [--setup N] [--hold N]\n"
		"          [--metric te|igp|delay] [--exclude G,..] [--include-any G,..]\n"
		"          [--include-all G,..] [--avoid-node N,..] [--avoid-link L,..]\n"
		"          [--avoid-srlg N,..] [--max-hops N] [--max-delay-us N]\n"
		"          [--explicit r2,r3:loose] [--protection none|link|node]\n"
		"          [--diverse-from NAME] [--diversity link|srlg] [--comment TEXT]\n"
		"          [--replace]\n"
		"  lsp del NAME                          delete config/lsps/NAME\n"
		"  watch [FAMILY [NODE]] [--count N]     live key changes (Ctrl-C stops);\n"
		"                                        FAMILY: te-path, rib-isis-route, ... or\n"
		"                                        a key path like te/paths or rib\n"
		"  graph [-o FILE.dot|FILE.svg|FILE.png] Graphviz DOT of the topology and LSPs\n"
		"\n"
		"every show takes --json. --etcd defaults to $ETCDCTL_ENDPOINTS or\n"
		"http://127.0.0.1:2379; --root to /kvte/.\n");
}

static int bad_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static int bad_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "kvtectl: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	usage(stderr);
	return 2;
}

/* ---- synchronous etcd ---- */

struct call {
	bool done;
	struct etcd_error err;
	int64_t revision, deleted;
	bool succeeded;
	struct cli_state *state; /* range results go here */
	int add_rc;
};

static void call_cb(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct call *k = arg;

	(void)c;
	k->done = true;
	k->err = res->err;
	k->revision = res->revision;
	k->deleted = res->deleted;
	k->succeeded = res->succeeded;
	if (k->state && res->err.code == ETCD_OK)
		k->add_rc = cli_state_add_kvs(k->state, res->kvs, res->n_kvs);
}

static uv_loop_t loop;
static etcd_client *client;

static void wait_call(struct call *k)
{
	while (!k->done && uv_run(&loop, UV_RUN_ONCE))
		;
}

static int etcd_failed(const struct etcd_error *e)
{
	if (e->code == ETCD_ERR_UNAVAILABLE || e->code == ETCD_ERR_CANCELED)
		fprintf(stderr, "kvtectl: cannot reach etcd at %s: %s\n", endpoints,
			e->msg[0] ? e->msg : etcd_errc_name(e->code));
	else
		fprintf(stderr, "kvtectl: etcd at %s: %s: %s\n", endpoints,
			etcd_errc_name(e->code), e->msg);
	return 1;
}

static void closed_cb(void *arg)
{
	*(bool *)arg = true;
}

static int client_open(void)
{
	struct etcd_client_opts o = { 0 };
	char err[256];

	if (uv_loop_init(&loop) < 0) {
		fprintf(stderr, "kvtectl: cannot start an event loop\n");
		return 1;
	}
	o.endpoints = endpoints;
	o.name = "kvtectl";
	o.request_timeout_ms = timeout_ms;
	o.connect_timeout_ms = timeout_ms < 1000 ? timeout_ms : 1000;
	o.backoff_min_ms = 200;
	o.backoff_max_ms = 2000;
	if (etcd_client_new(&loop, &o, &client, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvtectl: --etcd %s: %s\n", endpoints, err);
		uv_loop_close(&loop);
		return 1;
	}
	return 0;
}

static void client_close(void)
{
	bool closed = false;

	if (!client)
		return;
	etcd_client_close(client, closed_cb, &closed);
	while (!closed && uv_run(&loop, UV_RUN_ONCE))
		;
	uv_run(&loop, UV_RUN_NOWAIT);
	client = NULL;
	uv_loop_close(&loop);
}

/* Range every prefix into s. Returns 0 or an exit status. */
static int fetch(struct cli_state *s, const char *const *prefixes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct etcd_range_opts ro = { .prefix = true, .page_size = 2000 };
		struct call k = { .state = s };

		if (etcd_range(client, prefixes[i], &ro, call_cb, &k) < 0) {
			fprintf(stderr, "kvtectl: cannot range %s\n", prefixes[i]);
			return 1;
		}
		wait_call(&k);
		if (!k.done) {
			struct etcd_error e = { .code = ETCD_ERR_UNAVAILABLE };

			snprintf(e.msg, sizeof(e.msg), "no answer");
			return etcd_failed(&e);
		}
		if (k.err.code != ETCD_OK)
			return etcd_failed(&k.err);
		if (k.add_rc < 0) {
			fprintf(stderr, "kvtectl: out of memory\n");
			return 1;
		}
	}
	cli_state_sort(s);
	return 0;
}

/* ---- commands ---- */

typedef int (*show_fn)(FILE *, const struct cli_state *, const struct show_opts *, char *,
		       size_t);

static int run_show(const keys_t *k, show_fn fn, const struct show_opts *o,
		    const int *families, size_t nf, bool node_scoped)
{
	char pre[8][KEYS_MAX];
	const char *pp[8];
	size_t n = 0;
	struct cli_state s;
	char err[CLI_ERR_LEN] = "";
	int rc;

	for (size_t i = 0; i < nf && n < 8; i++) {
		int f = families[i];
		int r = -1;

		if (node_scoped && o->name && f != KEY_SPEAKER && f != KEY_BGP_ROUTE)
			r = f == KEY_RIB_ISIS_ROUTE ? keys_prefix_rib_node(k, o->name, pre[n], KEYS_MAX)
						    : keys_prefix_node(k, f, o->name, pre[n], KEYS_MAX);
		if (r < 0)
			r = keys_prefix(k, f, pre[n], KEYS_MAX);
		if (r < 0) {
			fprintf(stderr, "kvtectl: bad name \"%s\"\n", o->name ? o->name : "");
			return 1;
		}
		pp[n] = pre[n];
		n++;
	}
	if (cli_state_init(&s, keys_root(k)) < 0)
		return 1;
	if ((rc = client_open()) != 0) {
		cli_state_free(&s);
		return rc;
	}
	rc = fetch(&s, pp, n);
	client_close();
	if (rc == 0 && fn(stdout, &s, o, err, sizeof(err)) < 0) {
		fprintf(stderr, "kvtectl: %s\n", err);
		rc = 1;
	}
	cli_state_free(&s);
	return rc;
}

static int cmd_show(const keys_t *k, int argc, char **argv, const struct show_opts *base)
{
	struct show_opts o = *base;
	static const int isis[] = { KEY_TED_LSP, KEY_SPEAKER };
	static const int ted[] = { KEY_TED_LSP, KEY_SPEAKER, KEY_TE_LINK, KEY_ADMIN_GROUPS };
	static const int route[] = { KEY_RIB_ISIS_ROUTE, KEY_STATIC_ROUTE, KEY_AGENT_STATE,
				     KEY_SPEAKER, KEY_BGP_ROUTE };
	static const int lsp[] = { KEY_TE_PATH, KEY_LSP_REQUEST };
	static const int bgp[] = { KEY_BGP_ROUTE };

	if (argc < 1)
		return bad_usage("%s", "show: what? (isis, ted, route, lsp, bgp)");
	if (strcmp(argv[0], "isis") == 0) {
		if (argc < 2 || argc > 3)
			return bad_usage("%s", "show isis database|neighbors [NODE]");
		o.name = argc == 3 ? argv[2] : NULL;
		if (strcmp(argv[1], "database") == 0)
			return run_show(k, show_isis_database, &o, isis, 2, false);
		if (strcmp(argv[1], "neighbors") == 0)
			return run_show(k, show_isis_neighbors, &o, isis, 2, false);
		return bad_usage("show isis: unknown \"%s\"", argv[1]);
	}
	if (strcmp(argv[0], "ted") == 0) {
		if (argc != 1)
			return bad_usage("show ted: unexpected \"%s\"", argv[1]);
		return run_show(k, show_ted, &o, ted, 4, false);
	}
	if (strcmp(argv[0], "route") == 0) {
		if (argc != 2)
			return bad_usage("%s", "show route NODE");
		o.name = argv[1];
		if (!keys_name_valid(o.name)) {
			fprintf(stderr, "kvtectl: no node named %s (not a valid node name)\n", o.name);
			return 1;
		}
		return run_show(k, show_route, &o, route, 5, true);
	}
	if (strcmp(argv[0], "lsp") == 0) {
		if (argc > 2)
			return bad_usage("show lsp: unexpected \"%s\"", argv[2]);
		o.name = argc == 2 ? argv[1] : NULL;
		return run_show(k, show_lsp, &o, lsp, 2, false);
	}
	if (strcmp(argv[0], "bgp") == 0) {
		if (argc != 1)
			return bad_usage("show bgp: unexpected \"%s\"", argv[1]);
		return run_show(k, show_bgp, &o, bgp, 1, false);
	}
	return bad_usage("show: unknown \"%s\"", argv[0]);
}

static int cmd_lsp(const keys_t *k, int argc, char **argv)
{
	char key[KEYS_MAX], err[CLI_ERR_LEN] = "";
	struct call c = { 0 };
	int rc;

	if (argc < 2)
		return bad_usage("%s", "lsp add|del NAME ...");
	if (keys_lsp_request(k, argv[1], key, sizeof(key)) < 0) {
		fprintf(stderr, "kvtectl: \"%s\" is not a valid LSP name (1..63 of A-Z a-z 0-9 . _ -)\n",
			argv[1]);
		return 1;
	}
	if (strcmp(argv[0], "add") == 0) {
		json_t *v;
		bool replace;
		char *text;

		rc = lsp_args_build(argc - 2, argv + 2, &v, &replace, err, sizeof(err));
		if (rc == -EINVAL)
			return bad_usage("lsp add: %s", err);
		if (rc < 0) {
			fprintf(stderr, "kvtectl: invalid LSP request %s: %s (nothing written)\n",
				argv[1], err);
			return 1;
		}
		text = jx_dumps(v);
		json_decref(v);
		if (!text || client_open() != 0) {
			free(text);
			return 1;
		}
		if (replace) {
			rc = etcd_put(client, key, text, strlen(text), NULL, call_cb, &c);
		} else {
			etcd_txn *t = etcd_txn_new();

			etcd_txn_compare(t, key, ETCD_CMP_CREATE, ETCD_CMP_EQUAL, 0);
			etcd_txn_put(t, ETCD_SUCCESS, key, text, strlen(text), 0);
			rc = etcd_txn_commit(client, t, ETCD_TXN_ATOMIC, call_cb, &c);
		}
		if (rc == 0)
			wait_call(&c);
		client_close();
		if (rc < 0 || !c.done) {
			fprintf(stderr, "kvtectl: cannot write %s\n", key);
			free(text);
			return 1;
		}
		if (c.err.code == ETCD_ERR_COMPARE_FAILED) {
			fprintf(stderr, "kvtectl: LSP %s already exists (%s); use --replace to change it\n",
				argv[1], cli_rel_key(k, key));
			free(text);
			return 1;
		}
		if (c.err.code != ETCD_OK) {
			free(text);
			return etcd_failed(&c.err);
		}
		printf("%s %s %s\n", replace ? "put" : "added", cli_rel_key(k, key), text);
		free(text);
		return 0;
	}
	if (strcmp(argv[0], "del") == 0) {
		if (argc != 2)
			return bad_usage("lsp del: unexpected \"%s\"", argv[2]);
		if (client_open() != 0)
			return 1;
		rc = etcd_delete(client, key, false, false, call_cb, &c);
		if (rc == 0)
			wait_call(&c);
		client_close();
		if (rc < 0 || !c.done) {
			fprintf(stderr, "kvtectl: cannot delete %s\n", key);
			return 1;
		}
		if (c.err.code != ETCD_OK)
			return etcd_failed(&c.err);
		if (c.deleted == 0) {
			fprintf(stderr, "kvtectl: no LSP named %s (%s does not exist)\n", argv[1],
				cli_rel_key(k, key));
			return 1;
		}
		printf("deleted %s\n", cli_rel_key(k, key));
		return 0;
	}
	return bad_usage("lsp: unknown \"%s\" (add or del)", argv[0]);
}

/* ---- watch ---- */

struct watcher {
	const keys_t *k;
	long remaining; /* events left, <0: unlimited */
	bool stop, failed;
	uv_signal_t sigint, sigterm;
	etcd_watch *w;
};

static void stamp(char *buf, size_t len)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	localtime_r(&ts.tv_sec, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03ld", tm.tm_hour, tm.tm_min, tm.tm_sec,
		 ts.tv_nsec / 1000000);
}

static void watch_events(etcd_watch *w, const struct etcd_event *ev, size_t n,
			 int64_t revision, void *arg)
{
	struct watcher *wt = arg;
	char st[32];

	(void)w, (void)revision;
	for (size_t i = 0; i < n && !wt->stop; i++) {
		stamp(st, sizeof(st));
		watch_format(stdout, wt->k, st, ev[i].type == ETCD_EVENT_DELETE, ev[i].kv.key,
			     ev[i].kv.key_len, ev[i].kv.value, ev[i].kv.value_len);
		if (wt->remaining > 0 && --wt->remaining == 0)
			wt->stop = true;
	}
	fflush(stdout);
}

static void watch_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync,
			   void *arg)
{
	(void)w, (void)arg;
	if (resync)
		fprintf(stderr, "kvtectl: watch resynchronised at revision %lld (%zu keys); "
			"changes in between were compacted away\n", (long long)snap->revision,
			snap->n_kvs);
}

static void watch_status(etcd_watch *w, bool connected, const struct etcd_error *why,
			 bool fatal, void *arg)
{
	struct watcher *wt = arg;

	(void)w;
	if (!connected)
		fprintf(stderr, "kvtectl: watch disconnected: %s%s\n", why ? why->msg : "",
			fatal ? " (giving up)" : ", retrying");
	if (fatal)
		wt->failed = wt->stop = true;
}

static void on_signal(uv_signal_t *h, int sig)
{
	struct watcher *wt = h->data;

	(void)sig;
	wt->stop = true;
}

/* FAMILY as a family name or as the key path of its prefix ("te/paths", "rib") */
static int watch_prefix(const keys_t *k, const char *fam, const char *node, char *buf,
			size_t len)
{
	int f = keys_family_from_name(fam);

	if (f < 0) {
		char want[KEYS_MAX];

		snprintf(want, sizeof(want), "%s%s%s", keys_root(k), fam,
			 fam[0] && fam[strlen(fam) - 1] == '/' ? "" : "/");
		for (int i = 0; i < KEY_FAMILY_COUNT && f < 0; i++) {
			char p[KEYS_MAX];

			if (keys_prefix(k, i, p, sizeof(p)) >= 0 &&
			    (strcmp(p, want) == 0 || (strncmp(p, want, strlen(p)) == 0 &&
						      strlen(want) == strlen(p) + 1)))
				f = i;
		}
		if (f < 0)
			return -EINVAL;
	}
	if (node)
		return f == KEY_RIB_ISIS_ROUTE || f == KEY_RIB_SID || f == KEY_RIB_TE_TUNNEL ||
		       f == KEY_RIB_PROTECT
			       ? keys_prefix_rib_node(k, node, buf, len)
			       : keys_prefix_node(k, f, node, buf, len);
	return keys_prefix(k, f, buf, len);
}

static int cmd_watch(const keys_t *k, int argc, char **argv)
{
	struct watcher wt = { .k = k, .remaining = -1 };
	struct etcd_watch_opts wo = { .prefix = true };
	struct etcd_watch_cbs cbs = { watch_snapshot, watch_events, watch_status };
	struct etcd_range_opts ro = { .prefix = true, .count_only = true };
	const char *pos[2] = { NULL, NULL };
	char prefix[KEYS_MAX];
	struct call c = { 0 };
	int npos = 0;

	for (int i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--count") == 0 && i + 1 < argc) {
			char *end;

			wt.remaining = strtol(argv[++i], &end, 10);
			if (*end || wt.remaining <= 0)
				return bad_usage("watch --count: expected a positive number, got \"%s\"",
						 argv[i]);
		} else if (argv[i][0] == '-' || npos == 2) {
			return bad_usage("watch: unexpected \"%s\"", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (!pos[0]) {
		keys_prefix_root(k, prefix, sizeof(prefix));
	} else if (watch_prefix(k, pos[0], pos[1], prefix, sizeof(prefix)) < 0) {
		return bad_usage("watch: unknown key family \"%s\" (a family name such as te-path, "
				 "or a key path such as te/paths; a NODE only for per-node families)",
				 pos[0]);
	}
	if (client_open() != 0)
		return 1;
	if (etcd_range(client, prefix, &ro, call_cb, &c) == 0)
		wait_call(&c);
	if (!c.done || c.err.code != ETCD_OK) {
		struct etcd_error e = { .code = ETCD_ERR_UNAVAILABLE };

		client_close();
		if (!c.done)
			snprintf(e.msg, sizeof(e.msg), "no answer");
		return etcd_failed(c.done ? &c.err : &e);
	}
	fprintf(stderr, "kvtectl: watching %s from revision %lld (Ctrl-C to stop)\n",
		cli_rel_key(k, prefix)[0] ? cli_rel_key(k, prefix) : prefix,
		(long long)c.revision + 1);
	wo.start_revision = c.revision + 1;
	uv_signal_init(&loop, &wt.sigint);
	uv_signal_init(&loop, &wt.sigterm);
	wt.sigint.data = wt.sigterm.data = &wt;
	uv_signal_start(&wt.sigint, on_signal, SIGINT);
	uv_signal_start(&wt.sigterm, on_signal, SIGTERM);
	wt.w = etcd_watch_start(client, prefix, &wo, &cbs, &wt);
	if (!wt.w) {
		fprintf(stderr, "kvtectl: cannot start a watch on %s\n", prefix);
		wt.failed = true;
	} else {
		while (!wt.stop && uv_run(&loop, UV_RUN_ONCE))
			;
		etcd_watch_cancel(wt.w);
	}
	uv_close((uv_handle_t *)&wt.sigint, NULL);
	uv_close((uv_handle_t *)&wt.sigterm, NULL);
	client_close();
	return wt.failed ? 1 : 0;
}

/* ---- graph ---- */

static bool in_path(const char *prog)
{
	const char *path = getenv("PATH");
	char *copy, *save = NULL, *dir;
	bool found = false;

	if (!path || !(copy = strdup(path)))
		return false;
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char full[4096];

		snprintf(full, sizeof(full), "%s/%s", dir, prog);
		found = access(full, X_OK) == 0;
	}
	free(copy);
	return found;
}

static int cmd_graph(const keys_t *k, int argc, char **argv)
{
	static const int fams[] = { KEY_TED_LSP, KEY_SPEAKER, KEY_TE_LINK, KEY_TE_PATH };
	const char *file = NULL, *ext = NULL;
	char pre[4][KEYS_MAX], err[CLI_ERR_LEN] = "";
	const char *pp[4];
	struct cli_state s;
	char *dot = NULL;
	size_t dot_len = 0;
	FILE *f;
	int rc;

	for (int i = 0; i < argc; i++) {
		if ((strcmp(argv[i], "-o") == 0 || strcmp(argv[i], "--output") == 0) && i + 1 < argc)
			file = argv[++i];
		else
			return bad_usage("graph: unexpected \"%s\"", argv[i]);
	}
	if (file) {
		ext = strrchr(file, '.');
		if (!ext || (strcmp(ext, ".dot") && strcmp(ext, ".gv") && strcmp(ext, ".svg") &&
			     strcmp(ext, ".png")))
			return bad_usage("graph -o %s: the file must end in .dot, .svg or .png", file);
		if ((!strcmp(ext, ".svg") || !strcmp(ext, ".png")) && !in_path("dot")) {
			fprintf(stderr, "kvtectl: cannot make %s: Graphviz 'dot' is not installed "
				"(Debian package graphviz: apt-get install graphviz); "
				"use -o FILE.dot to get the DOT text\n", file);
			return 1;
		}
	}
	for (int i = 0; i < 4; i++) {
		keys_prefix(k, fams[i], pre[i], KEYS_MAX);
		pp[i] = pre[i];
	}
	if (cli_state_init(&s, keys_root(k)) < 0)
		return 1;
	if ((rc = client_open()) != 0) {
		cli_state_free(&s);
		return rc;
	}
	rc = fetch(&s, pp, 4);
	client_close();
	if (rc == 0 && (f = open_memstream(&dot, &dot_len))) {
		if (show_graph(f, &s, err, sizeof(err)) < 0) {
			fprintf(stderr, "kvtectl: %s\n", err);
			rc = 1;
		}
		fclose(f);
	}
	cli_state_free(&s);
	if (rc != 0 || !dot) {
		free(dot);
		return rc ? rc : 1;
	}
	if (!file) {
		fwrite(dot, 1, dot_len, stdout);
	} else if (!strcmp(ext, ".dot") || !strcmp(ext, ".gv")) {
		FILE *o = fopen(file, "w");

		if (!o || fwrite(dot, 1, dot_len, o) != dot_len || fclose(o) != 0) {
			fprintf(stderr, "kvtectl: cannot write %s: %s\n", file, strerror(errno));
			rc = 1;
		} else {
			fprintf(stderr, "kvtectl: wrote %s\n", file);
		}
	} else {
		int p[2], status = 0;
		pid_t pid;
		char fmtarg[16];

		snprintf(fmtarg, sizeof(fmtarg), "-T%s", ext + 1);
		if (pipe(p) < 0 || (pid = fork()) < 0) {
			fprintf(stderr, "kvtectl: cannot run dot: %s\n", strerror(errno));
			free(dot);
			return 1;
		}
		if (pid == 0) {
			dup2(p[0], 0);
			close(p[0]);
			close(p[1]);
			execlp("dot", "dot", fmtarg, "-o", file, (char *)NULL);
			_exit(127);
		}
		close(p[0]);
		signal(SIGPIPE, SIG_IGN);
		if (write(p[1], dot, dot_len) != (ssize_t)dot_len)
			rc = 1;
		close(p[1]);
		waitpid(pid, &status, 0);
		if (rc || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
			fprintf(stderr, "kvtectl: dot failed making %s (exit %d)\n", file,
				WIFEXITED(status) ? WEXITSTATUS(status) : -1);
			rc = 1;
		} else {
			fprintf(stderr, "kvtectl: wrote %s (Graphviz dot %s)\n", file, fmtarg);
		}
	}
	free(dot);
	return rc;
}

int main(int argc, char **argv)
{
	char *args[MAX_ARGS];
	int n = 0;
	const char *root = NULL;
	struct show_opts o = { 0 };
	keys_t k;

	log_init("kvtectl", NULL);
	log_set_level(LOG_LVL_ERROR);
	endpoints = getenv("ETCDCTL_ENDPOINTS");
	if (!endpoints || !*endpoints)
		endpoints = "http://127.0.0.1:2379";
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const char **target = NULL;

		if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			usage(stdout);
			return 0;
		}
		if (!strcmp(a, "--json")) {
			o.json = true;
			continue;
		}
		if (!strcmp(a, "--detail") || !strcmp(a, "detail")) {
			o.detail = true;
			continue;
		}
		if (!strncmp(a, "--etcd", 6) && (a[6] == '\0' || a[6] == '='))
			target = &endpoints;
		else if (!strncmp(a, "--root", 6) && (a[6] == '\0' || a[6] == '='))
			target = &root;
		else if (!strncmp(a, "--timeout-ms", 12) && (a[12] == '\0' || a[12] == '=')) {
			const char *v = a[12] == '=' ? a + 13 : (i + 1 < argc ? argv[++i] : NULL);
			char *end;
			long t;

			if (!v)
				return bad_usage("%s", "--timeout-ms needs a value");
			t = strtol(v, &end, 10);
			if (*end || t < 100 || t > 600000)
				return bad_usage("--timeout-ms: expected 100..600000, got \"%s\"", v);
			timeout_ms = (unsigned)t;
			continue;
		}
		if (target) {
			const char *eq = strchr(a, '=');

			if (eq)
				*target = eq + 1;
			else if (i + 1 < argc)
				*target = argv[++i];
			else
				return bad_usage("%s needs a value", a);
			continue;
		}
		if (n == MAX_ARGS)
			return bad_usage("%s", "too many arguments");
		args[n++] = argv[i];
	}
	if (keys_init(&k, root) < 0) {
		fprintf(stderr, "kvtectl: --root %s: a root must start and end with '/' and use "
			"only A-Z a-z 0-9 . _ - between slashes\n", root);
		return 2;
	}
	if (n == 0)
		return bad_usage("%s", "no command");
	if ((o.json || o.detail) && strcmp(args[0], "show") != 0)
		return bad_usage("%s", "--json and --detail go with show");
	if (o.detail && !(n >= 3 && !strcmp(args[1], "isis") && !strcmp(args[2], "database")))
		return bad_usage("%s", "--detail goes with show isis database");
	for (int i = 1; i < n; i++)
		if (strcmp(args[0], "lsp") != 0 && strcmp(args[0], "watch") != 0 &&
		    strcmp(args[0], "graph") != 0 && args[i][0] == '-')
			return bad_usage("unknown option %s", args[i]);
	if (!strcmp(args[0], "show"))
		return cmd_show(&k, n - 1, args + 1, &o);
	if (!strcmp(args[0], "lsp"))
		return cmd_lsp(&k, n - 1, args + 1);
	if (!strcmp(args[0], "watch"))
		return cmd_watch(&k, n - 1, args + 1);
	if (!strcmp(args[0], "graph"))
		return cmd_graph(&k, n - 1, args + 1);
	return bad_usage("unknown command \"%s\"", args[0]);
}
