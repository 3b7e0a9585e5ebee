/* bench_fib — routes programmed per second by kvte's netlink layer (fib-agent/nl_route.c:
 * batched RTM_NEWROUTE with an ack per message) against `ip -batch` on the same
 * namespace in the same run (issue #4's benchmark). Runs in a private network
 * namespace (unshare(CLONE_NEWNET): needs root) with a veth pair; N IPv4 /24 routes via
 * one gateway (default 100,000); each side installs them into an empty table, then
 * they are removed; median of R rounds (default 3). Prints a markdown table for
 * docs/benchmarks.md; timings are never pass/fail. Usage: bench_fib [N] [R]. */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <net/if.h>

#include "fib-agent/nl_route.h"
#include "lib/log.h"

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cached_ifindex;

static int r_ifindex(void *ctx, const char *name)
{
	(void)ctx;
	return strcmp(name, "v0") == 0 ? cached_ifindex : -ENODEV;
}

static int r_ifname(void *ctx, int ifindex, char *buf, size_t len)
{
	(void)ctx;
	if (ifindex != cached_ifindex)
		return -ENODEV;
	snprintf(buf, len, "v0");
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int sh(const char *cmd)
{
	int rc = system(cmd);

	if (rc != 0)
		fprintf(stderr, "bench_fib: `%s` failed (%d)\n", cmd, rc);
	return rc;
}

int main(int argc, char **argv)
{
	size_t n = argc > 1 ? strtoul(argv[1], NULL, 10) : 100000;
	int rounds = argc > 2 ? atoi(argv[2]) : 3;
	struct nl_resolver res = {r_ifindex, r_ifname, NULL, NULL};
	struct nl_route_opts o = {&res, 0, 0};
	struct nl_route_sock *s;
	struct rib_fib_entry *routes;
	double kv[16], ipb[16], kdel[16], kplan[16];
	char path[] = "/tmp/kvte-bench-fib-XXXXXX";
	int fd;
	FILE *f;

	log_set_level(LOG_LVL_WARN);
	if (n == 0 || n > 16000000 || rounds < 1 || rounds > 16) {
		fprintf(stderr, "usage: bench_fib [routes 1..16000000] [rounds 1..16]\n");
		return 2;
	}
	if (geteuid() != 0 || unshare(CLONE_NEWNET) < 0) {
		fprintf(stderr, "bench_fib: needs root (a private network namespace): %s\n",
			strerror(errno));
		return 77;
	}
	if (sh("ip link set lo up && ip link add v0 type veth peer name v1 && "
	       "ip link set v0 up && ip link set v1 up && ip addr add 10.0.0.1/24 dev v0") != 0)
		return 1;
	cached_ifindex = (int)if_nametoindex("v0");
	if (!(routes = calloc(n, sizeof(*routes))))
		return 1;
	for (size_t i = 0; i < n; i++) {
		struct rib_fib_entry *e = &routes[i];
		uint32_t net = 0x0b000000u + ((uint32_t)i << 8);	/* 11.0.0.0/24 ... */

		e->prefix.addr.family = AF_INET;
		e->prefix.addr.bytes[0] = (uint8_t)(net >> 24);
		e->prefix.addr.bytes[1] = (uint8_t)(net >> 16);
		e->prefix.addr.bytes[2] = (uint8_t)(net >> 8);
		e->prefix.len = 24;
		e->source = RIB_SRC_ISIS;
		e->n_nh = 1;
		addr_parse("10.0.0.2", &e->nh[0].gateway);
		snprintf(e->nh[0].ifname, sizeof(e->nh[0].ifname), "v0");
	}
	if (nl_route_sock_open(&s, &o) < 0) {
		fprintf(stderr, "bench_fib: netlink socket failed\n");
		return 1;
	}
	fd = mkstemp(path);
	if (fd < 0 || !(f = fdopen(fd, "w")))
		return 1;
	for (size_t i = 0; i < n; i++) {
		char pb[PREFIX_STRLEN];

		fprintf(f, "route add %s via 10.0.0.2 dev v0 proto 222\n",
			prefix_format(&routes[i].prefix, pb, sizeof(pb)));
	}
	fclose(f);
	for (int r = 0; r < rounds; r++) {
		struct nl_fib want = {routes, n, NULL, 0, NULL, 0}, none = {0}, cur = {0};
		struct nl_plan plan;
		size_t failed = 0;
		char cmd[256];
		double t0;

		/* kvte: plan from an empty kernel, apply in batches */
		t0 = now_s();
		if (nl_plan_make(&want, &none, &plan) < 0) {
			fprintf(stderr, "bench_fib: plan failed\n");
			return 1;
		}
		kplan[r] = now_s() - t0;
		if (nl_route_apply(s, plan.ops, plan.n_ops, &failed) < 0 || failed) {
			fprintf(stderr, "bench_fib: kvte apply failed (%zu failed)\n", failed);
			return 1;
		}
		kv[r] = now_s() - t0;
		nl_plan_free(&plan);
		/* kvte: remove them all (dump, plan against nothing, apply) */
		t0 = now_s();
		if (nl_route_dump(s, &cur) < 0 || nl_plan_make(&none, &cur, &plan) < 0 ||
		    nl_route_apply(s, plan.ops, plan.n_ops, &failed) < 0 || failed) {
			fprintf(stderr, "bench_fib: kvte delete failed\n");
			return 1;
		}
		kdel[r] = now_s() - t0;
		if (plan.n_ops != n) {
			fprintf(stderr, "bench_fib: dumped %zu routes, expected %zu\n", plan.n_ops, n);
			return 1;
		}
		nl_plan_free(&plan);
		nl_fib_free(&cur);
		/* ip -batch, same routes, same namespace */
		snprintf(cmd, sizeof(cmd), "ip -batch %s", path);
		t0 = now_s();
		if (sh(cmd) != 0)
			return 1;
		ipb[r] = now_s() - t0;
		if (sh("ip route flush proto 222") != 0)
			return 1;
	}
	unlink(path);
	qsort(kv, (size_t)rounds, sizeof(double), cmp_double);
	qsort(ipb, (size_t)rounds, sizeof(double), cmp_double);
	qsort(kdel, (size_t)rounds, sizeof(double), cmp_double);
	qsort(kplan, (size_t)rounds, sizeof(double), cmp_double);
	double k = kv[rounds / 2], ib = ipb[rounds / 2], kd = kdel[rounds / 2];

	printf("| what (%zu IPv4 routes, median of %d) | time | routes/s |\n", n, rounds);
	printf("| --- | --- | --- |\n");
	printf("| kvte nl_route: plan + batched apply, an ack per route | %.3f s | %.0f |\n", k,
	       (double)n / k);
	printf("| of which planning (the diff against an empty kernel) | %.3f s | |\n",
	       kplan[rounds / 2]);
	printf("| `ip -batch` (one `route add` per line) | %.3f s | %.0f |\n", ib, (double)n / ib);
	printf("| kvte: dump + plan + delete them all | %.3f s | %.0f |\n", kd, (double)n / kd);
	printf("\nkvte / ip -batch: %.2fx the rate\n", ib / k);
	nl_route_sock_close(s);
	free(routes);
	return 0;
}
