/* agent_main — the kvte-agent process: flags, logging, signals, one libuv loop running
 * fib-agent/agent.c. It programs the kernel FIB of the network namespace it is started
 * in — or, with --netns NAME, of /run/netns/NAME while it reaches etcd from its own
 * (lib/netns.h) — from rib/<node>/, config/static/<node>/ and bgp/routes/. Needs
 * CAP_NET_ADMIN (plus CAP_SYS_ADMIN for --netns). Exit codes: 0 after SIGINT/SIGTERM
 * (installed routes stay), 1 when it cannot start (reason logged), 2 for a usage
 * error. docs/agent.md ("The daemon") lists the flags. */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#include "fib-agent/agent.h"
#include "lib/cliopt.h"
#include "lib/log.h"
#include "lib/signals.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: kvte-agent --node NAME [options]\n"
		"  -n, --node NAME          this router's name (its keys: rib/NAME/, ...)\n"
		"  -e, --etcd URLS          etcd endpoints (default http://127.0.0.1:2379)\n"
		"      --netns NS           program network namespace NS (/run/netns/NS) while\n"
		"                           talking to etcd from ours (the lab uses it)\n"
		"  -r, --root PREFIX        etcd key root (default /kvte/)\n"
		"      --table N            kernel routing table (default 254, main)\n"
		"      --lease-ttl SECONDS  lease of state/NAME/agent (default 10)\n"
		"  -l, --log-level LEVEL    error | warn | info (default) | debug\n"
		"  -d, --debug CATS         debug categories (agent,nlmon,etcd or all)\n"
		"  -h, --help\n");
}

static struct signals sigs;
static struct agent *the_agent;

static void stopped(void *arg)
{
	signals_close(&sigs);
}

static void stop(void *arg)
{
	log_info("agent", "installed routes stay");
	if (the_agent) {
		agent_stop(the_agent, stopped, NULL);
		the_agent = NULL;
	}
}

/* A FIB of 100k routes is planned in arrays of ~500 MB (5 KiB entries); with 4 KiB pages
 * the page faults on that fresh memory cost more than the planning itself (3x here,
 * docs/benchmarks.md). glibc's malloc asks for transparent huge pages when the
 * glibc.malloc.hugetlb tunable is 1, and tunables are read only at start: so the agent
 * re-executes itself once with it set, unless the operator set GLIBC_TUNABLES already.
 * If the re-exec fails the agent simply runs on. */
static void want_huge_pages(char **argv)
{
	if (getenv("GLIBC_TUNABLES") || getenv("KVTE_NO_HUGETLB"))
		return;
	setenv("GLIBC_TUNABLES", "glibc.malloc.hugetlb=1", 1);
	execv("/proc/self/exe", argv);
	unsetenv("GLIBC_TUNABLES");
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"node", required_argument, NULL, 'n'},
		{"etcd", required_argument, NULL, 'e'},
		{"netns", required_argument, NULL, 'N'},
		{"root", required_argument, NULL, 'r'},
		{"table", required_argument, NULL, 't'},
		{"lease-ttl", required_argument, NULL, 'T'},
		{"log-level", required_argument, NULL, 'l'},
		{"debug", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	struct agent_opts o = {.etcd_endpoints = "http://127.0.0.1:2379"};
	char err[512];
	int c, rc;

	want_huge_pages(argv);
	log_init("kvte-agent", NULL);
	while ((c = getopt_long(argc, argv, "n:e:r:l:d:h", longopts, NULL)) != -1) {
		uint32_t u;

		switch (c) {
		case 'n':
			o.node = optarg;
			break;
		case 'e':
			o.etcd_endpoints = optarg;
			break;
		case 'N':
			o.netns = optarg;
			break;
		case 'r':
			o.root = optarg;
			break;
		case 't':
			if (cliopt_u32("kvte-agent", "--table", optarg, 1, 0xfffffffe, &u) < 0)
				return 2;
			o.table = u;
			break;
		case 'T':
			if (cliopt_u32("kvte-agent", "--lease-ttl", optarg, 2, 3600, &u) < 0)
				return 2;
			o.lease_ttl_s = u;
			break;
		default:
			if ((rc = cliopt_common("kvte-agent", c, optarg, usage)) != CLIOPT_MORE)
				return rc;
			break;
		}
	}
	if ((rc = cliopt_no_operands("kvte-agent", argc, argv, optind, usage)) != 0)
		return rc;
	if (!o.node) {
		fprintf(stderr, "kvte-agent: --node NAME is required\n");
		usage(stderr);
		return 2;
	}
	signal(SIGPIPE, SIG_IGN);
	uv_loop_t *loop = uv_default_loop();

	rc = agent_start(loop, &o, &the_agent, err, sizeof(err));
	if (rc < 0) {
		log_err("agent", "cannot start: %s", err);
		return 1;
	}
	signals_init(&sigs, loop, "agent", stop, NULL);
	uv_run(loop, UV_RUN_DEFAULT);
	uv_loop_close(loop);
	log_info("agent", "stopped");
	return 0;
}
