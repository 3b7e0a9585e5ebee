/* bgp_main — the kvte-bgp process: flags, logging, signals, one libuv loop running
 * bgp/bgpd.c. ExaBGP starts it as its `process` on a border node: ExaBGP's JSON
 * messages arrive on stdin, commands go out on stdout. `kvte-bgp gen-config` writes
 * the ExaBGP configuration and environment for a node of a lab topology
 * (bgp/exa_config.c). Exit codes: 0 after SIGINT/SIGTERM or when ExaBGP closes stdin,
 * 1 when it cannot start (the reason is logged), 2 for a usage error. docs/bgp.md
 * lists the flags. */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uv.h>

#include "bgp/bgpd.h"
#include "bgp/exa_config.h"
#include "lib/jx.h"
#include "lib/cliopt.h"
#include "lib/log.h"
#include "lib/signals.h"
#include "lib/netns.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvte-bgp --node NAME --loopback ADDR [options]   (ExaBGP's process)\n"
		"       kvte-bgp gen-config --node NAME --topology FILE [options] OUT_DIR\n"
		"  -n, --node NAME          this border node (keys bgp/routes/*/NAME, ...)\n"
		"  -e, --etcd URLS          etcd endpoints (default http://127.0.0.1:2379)\n"
		"  -r, --root PREFIX        etcd key root (default /kvte/)\n"
		"      --loopback ADDR      protocol next hop of learned routes (IPv4 or IPv6)\n"
		"      --loopback6 ADDR     protocol next hop for IPv6 prefixes\n"
		"      --asn N              own AS (for originated prefixes; default: from ExaBGP)\n"
		"      --etcd-netns PATH    talk to etcd from this network namespace (e.g.\n"
		"                           /proc/1/ns/net when ExaBGP runs in a router's netns\n"
		"                           and etcd listens on the host's loopback)\n"
		"      --no-exabgp          only publish bgp/originate/NAME/ keys; no ExaBGP\n"
		"      --queue-max N        keys waiting for etcd before a full reconcile "
		"(1000000)\n"
		"      --stale-grace SEC    start-up wait before deleting keys not relearned (15)\n"
		"      --log-file PATH      log here instead of stderr\n"
		"  -l, --log-level LEVEL    error | warn | info (default) | debug\n"
		"  -d, --debug CATS         debug categories: bgp,exabgp,store,announce,etcd or all\n"
		"gen-config options:\n"
		"  -t, --topology FILE      lab topology (deploy/lab/topologies/seed.json format)\n"
		"      --kvte-bgp PATH      kvte-bgp binary for the process line (default: this one)\n"
		"      --no-process         a plain ExaBGP speaker (external routers)\n"
		"      --extra ARGS         more kvte-bgp arguments for the process line\n"
		"      --exabgp-log PATH    ExaBGP's log file (default OUT_DIR/exabgp.log)\n"
		"      --hold-time SEC      BGP hold time (default 9)\n"
		"  -h, --help\n");
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX], tmp[PATH_MAX + 8];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	if (!(f = fopen(tmp, "w")) || fputs(text, f) < 0 || fclose(f) != 0 ||
	    rename(tmp, path) != 0) {
		fprintf(stderr, "kvte-bgp: cannot write %s: %s\n", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* mkdir -p */
static int mkdir_p(const char *path)
{
	char b[PATH_MAX];

	snprintf(b, sizeof(b), "%s", path);
	for (char *p = b + 1; *p; p++)
		if (*p == '/') {
			*p = '\0';
			if (mkdir(b, 0755) < 0 && errno != EEXIST)
				return -1;
			*p = '/';
		}
	return mkdir(b, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

static int gen_config(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"node", required_argument, NULL, 'n'},
		{"topology", required_argument, NULL, 't'},
		{"kvte-bgp", required_argument, NULL, 'K'},
		{"no-process", no_argument, NULL, 'P'},
		{"etcd", required_argument, NULL, 'e'},
		{"root", required_argument, NULL, 'r'},
		{"extra", required_argument, NULL, 'X'},
		{"exabgp-log", required_argument, NULL, 'L'},
		{"hold-time", required_argument, NULL, 'H'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct exa_config_opts o = {0};
	const char *topo_path = NULL;
	bool no_process = false;
	char self[PATH_MAX], dir[PATH_MAX], logp[PATH_MAX + 16], err[512];
	unsigned long long u;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "n:t:e:r:h", longopts, NULL)) != -1) {
		switch (c) {
		case 'n':
			o.node = optarg;
			break;
		case 't':
			topo_path = optarg;
			break;
		case 'K':
			o.kvte_bgp = optarg;
			break;
		case 'P':
			no_process = true;
			break;
		case 'e':
			o.etcd = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'X':
			o.extra = optarg;
			break;
		case 'L':
			o.log_file = optarg;
			break;
		case 'H':
			if (cliopt_uint("kvte-bgp", "--hold-time", optarg, 0, 65535, &u) < 0 ||
			    (u && u < 3)) {
				fprintf(stderr, "kvte-bgp: --hold-time: 0 or 3..65535\n");
				return 2;
			}
			o.hold_time = (unsigned)u;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (!o.node || !topo_path || optind != argc - 1) {
		fprintf(stderr, "kvte-bgp gen-config: --node, --topology and OUT_DIR are required\n");
		usage(stderr);
		return 2;
	}
	if (mkdir_p(argv[optind]) < 0) {
		fprintf(stderr, "kvte-bgp: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (!realpath(argv[optind], dir)) {
		fprintf(stderr, "kvte-bgp: %s: %s\n", argv[optind], strerror(errno));
		return 1;
	}
	if (!o.log_file) {
		snprintf(logp, sizeof(logp), "%s/exabgp.log", dir);
		o.log_file = logp;
	}
	if (no_process)
		o.kvte_bgp = NULL;
	else if (!o.kvte_bgp) {
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0) {
			fprintf(stderr, "kvte-bgp: cannot find my own path; give --kvte-bgp\n");
			return 1;
		}
		self[n] = '\0';
		o.kvte_bgp = self;
	}
	o.source = topo_path;
	jx_ctx jc;

	jx_init(&jc, topo_path);
	json_t *topo = jx_load_file(&jc, topo_path);

	if (!topo) {
		fprintf(stderr, "kvte-bgp: %s\n", jc.err);
		return 1;
	}
	char *conf, *env;
	int rc = exa_config_generate(topo, &o, &conf, &env, err, sizeof(err));

	json_decref(topo);
	if (rc < 0) {
		fprintf(stderr, "kvte-bgp: %s\n", err);
		return 1;
	}
	rc = write_file(dir, "exabgp.conf", conf) < 0 || write_file(dir, "exabgp.env", env) < 0;
	free(conf);
	free(env);
	if (rc)
		return 1;
	printf("wrote %s/exabgp.conf and %s/exabgp.env\n", dir, dir);
	return 0;
}

static struct signals sigs;
static struct bgpd *the_bgpd;
static bool stopping;

static void stopped(void *arg)
{
	signals_close(&sigs);
}

/* A stop signal or ExaBGP going away (stdin EOF): stop once. */
static void stop(void *arg)
{
	if (stopping || !the_bgpd)
		return;
	stopping = true;
	signals_stop(&sigs);
	bgpd_stop(the_bgpd, stopped, NULL);
}

static void on_usr1(uv_signal_t *h, int signum)
{
	bgpd_log_stats(the_bgpd);
}

static void on_exit_request(void *arg)
{
	stop(NULL);
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"node", required_argument, NULL, 'n'},
		{"etcd", required_argument, NULL, 'e'},
		{"root", required_argument, NULL, 'r'},
		{"loopback", required_argument, NULL, 'B'},
		{"loopback6", required_argument, NULL, '6'},
		{"asn", required_argument, NULL, 'A'},
		{"etcd-netns", required_argument, NULL, 'N'},
		{"no-exabgp", no_argument, NULL, 'X'},
		{"queue-max", required_argument, NULL, 'Q'},
		{"stale-grace", required_argument, NULL, 'G'},
		{"log-file", required_argument, NULL, 'F'},
		{"log-level", required_argument, NULL, 'l'},
		{"debug", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct bgpd_opts o = {.etcd = "http://127.0.0.1:2379", .grace_ms = 15000, .in_fd = 0,
			      .out_fd = 1};
	const char *etcd_netns = NULL, *log_file = NULL;
	unsigned long long u;
	char err[512];
	int c, rc;

	if (argc > 1 && strcmp(argv[1], "gen-config") == 0)
		return gen_config(argc - 1, argv + 1);
	log_init("kvte-bgp", NULL);
	while ((c = getopt_long(argc, argv, "n:e:r:l:d:h", longopts, NULL)) != -1) {
		addr_t a;

		switch (c) {
		case 'n':
			o.node = optarg;
			break;
		case 'e':
			o.etcd = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 'B':
		case '6':
			if (addr_parse(optarg, &a) < 0 || (c == '6' && a.family != AF_INET6)) {
				fprintf(stderr, "kvte-bgp: --loopback%s: expected an %saddress, got "
						"\"%s\"\n", c == '6' ? "6" : "",
					c == '6' ? "IPv6 " : "", optarg);
				return 2;
			}
			if (a.family == AF_INET6)
				o.loopback6 = a;
			else
				o.loopback4 = a;
			break;
		case 'A':
			if (cliopt_uint("kvte-bgp", "--asn", optarg, 1, UINT32_MAX, &u) < 0)
				return 2;
			o.asn = (uint32_t)u;
			break;
		case 'N':
			etcd_netns = optarg;
			break;
		case 'X':
			o.no_exabgp = true;
			break;
		case 'Q':
			if (cliopt_uint("kvte-bgp", "--queue-max", optarg, 1, 100000000, &u) < 0)
				return 2;
			o.queue_max = (size_t)u;
			break;
		case 'G':
			if (cliopt_uint("kvte-bgp", "--stale-grace", optarg, 0, 3600, &u) < 0)
				return 2;
			o.grace_ms = (unsigned)u * 1000;
			break;
		case 'F':
			log_file = optarg;
			break;
		default:
			if ((rc = cliopt_common("kvte-bgp", c, optarg, usage)) != CLIOPT_MORE)
				return rc;
			break;
		}
	}
	if ((rc = cliopt_no_operands("kvte-bgp", argc, argv, optind, NULL)) != 0)
		return rc;
	if (!o.node) {
		fprintf(stderr, "kvte-bgp: --node NAME is required\n");
		usage(stderr);
		return 2;
	}
	if (addr_is_unset(&o.loopback4) && addr_is_unset(&o.loopback6)) {
		fprintf(stderr, "kvte-bgp: --loopback ADDR is required (the protocol next hop)\n");
		return 2;
	}
	if (log_file) {
		FILE *f = fopen(log_file, "a");

		if (!f) {
			fprintf(stderr, "kvte-bgp: %s: %s\n", log_file, strerror(errno));
			return 1;
		}
		setvbuf(f, NULL, _IOLBF, 0);
		log_init(NULL, f);
	}
	if (etcd_netns) {
		int fd = netns_open(etcd_netns, err, sizeof(err));

		if (fd < 0 || netns_enter(fd, err, sizeof(err)) < -1) {
			log_err("bgp", "--etcd-netns %s: %s", etcd_netns, err);
			return 1;
		}
		/* stdin/stdout are pipes (no namespace); every socket from here on is made
		 * in etcd's namespace */
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_t *loop = uv_default_loop();

	rc = bgpd_start(loop, &o, &the_bgpd, err, sizeof(err));
	if (rc < 0) {
		log_err("bgp", "cannot start: %s", err);
		return 1;
	}
	bgpd_on_exit(the_bgpd, on_exit_request, NULL);
	signals_init(&sigs, loop, "bgp", stop, NULL);
	signals_add(&sigs, SIGUSR1, on_usr1, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	rc = uv_loop_close(loop);
	log_info("bgp", "stopped%s", rc ? " (handles left open)" : "");
	return 0;
}
