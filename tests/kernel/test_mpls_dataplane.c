/* test_mpls_dataplane — SR-MPLS (RFC 8667) programming against the real kernel, from
 * the etcd values down: an adjacency label value (rib-sid "pop", as kvte-speaker
 * writes it) and an SR-MPLS head-end tunnel (rib-te-tunnel "mpls" with a label stack,
 * as te-controller/encode.c writes it) go through fib-agent/agent_input.c's parser,
 * become an AF_MPLS label route and an IPv4 route with MPLS encapsulation
 * (LWTUNNEL_ENCAP_MPLS, RFC 3032 label stack), and are installed with
 * fib-agent/nl_route.c's reconcile in a fresh network namespace per test (unshare,
 * veth0 10.0.0.1/24 -> gateway 10.0.0.2, MTU 1500). Checked: the kernel dump equals
 * what was sent, `ip -f mpls route` and `ip route` show the label and the pushed
 * stack, the route MTU is the link MTU minus 4 bytes per label
 * (NL_MPLS_ENCAP_OVERHEAD), a second reconcile sends nothing, and removing both sends
 * two deletes. Needs root, network namespaces and kernel MPLS (mpls_router, and
 * mpls_iptunnel for the push; modprobe is tried): otherwise it exits 77 (ctest: skipped)
 * with the reason on stderr — the case on this project's development kernels, which
 * have no /proc/sys/net/mpls (DESIGN §6). */
#include <check.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fib-agent/agent_input.h"
#include "fib-agent/nl_route.h"
#include "lib/keys.h"
#include "tests/support/kernel_netns.h"

static keys_t K;

static void netns_setup(void)
{
	ck_assert_int_eq(keys_init(&K, NULL), 0);
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	kn_sh("ip link set lo up");
	kn_sh("ip link add veth0 type veth peer name veth1");
	kn_sh("ip link set veth0 up && ip link set veth1 up && ip link set veth0 mtu 1500");
	kn_sh("ip addr add 10.0.0.1/24 dev veth0");
	kn_sh("echo 1048575 > /proc/sys/net/mpls/platform_labels");
	kn_sh("echo 1 > /proc/sys/net/mpls/conf/veth0/input");
}

static struct agent_input IN;

static void parse(const char *key, const char *value, enum agent_input_kind kind)
{
	char err[512] = "";
	int rc = agent_input_parse(&K, "r1", key, value, strlen(value), &IN, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s: %s", key, err);
	ck_assert_int_eq(IN.kind, kind);
}

START_TEST(label_and_push)
{
	struct key_sid ks = { .is_label = true, .label = 24001 };
	char key[KEYS_MAX];
	struct nl_route_sock *s = NULL;
	struct nl_mpls_route label;
	struct rib_fib_entry route;
	struct nl_fib desired = { 0 }, got = { 0 };
	struct nl_reconcile_stats st;
	const char *o;

	ck_assert_int_gt(keys_rib_sid(&K, "r1", &ks, key, sizeof(key)), 0);
	parse(key, "{\"label\":24001,\"op\":\"pop\",\"next_hop\":{\"interface\":\"veth0\","
		   "\"address\":\"10.0.0.2\",\"neighbor\":\"r2\"}}", AGENT_IN_LABEL);
	label = IN.label;
	ck_assert_int_gt(keys_rib_te_tunnel(&K, "r1", "r1-to-r4", key, sizeof(key)), 0);
	parse(key, "{\"lsp\":\"r1-to-r4\",\"to\":\"r4\",\"destinations\":[\"192.168.50.4/32\"],"
		   "\"dataplane\":\"mpls\",\"labels\":[24024,24045],\"first_hop\":{\"interface\":"
		   "\"veth0\",\"address\":\"10.0.0.2\",\"neighbor\":\"r2\"}}", AGENT_IN_TE);
	ck_assert(IN.te.mpls);
	memset(&route, 0, sizeof(route));
	route.prefix = IN.te.dest[0];
	route.source = RIB_SRC_TE;
	route.preference = 7;
	route.n_nh = 1;
	route.nh[0] = IN.te.nh;

	ck_assert_int_eq(nl_route_sock_open(&s, NULL), 0);
	ck_assert(nl_route_sock_caps(s)->mpls);
	ck_assert(nl_route_sock_caps(s)->mpls_encap);
	ck_assert_uint_eq(nl_route_mtu(&route, &(struct nl_route_opts){ nl_resolver_system(), 0, 0 }),
			  1500 - NL_MPLS_ENCAP_OVERHEAD(2));
	desired.routes = &route;
	desired.n_routes = 1;
	desired.mpls = &label;
	desired.n_mpls = 1;
	ck_assert_int_eq(nl_route_reconcile(s, &desired, &st), 0);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_uint_eq(st.adds, 2);

	/* what the kernel holds */
	ck_assert_int_eq(nl_route_dump(s, &got), 0);
	ck_assert_uint_eq(got.n_mpls, 1);
	ck_assert(nl_mpls_equal(&got.mpls[0], &label));
	ck_assert_uint_eq(got.n_routes, 1);
	ck_assert_uint_eq(got.routes[0].nh[0].n_labels, 2);
	ck_assert_uint_eq(got.routes[0].nh[0].labels[0], 24024);
	ck_assert_uint_eq(got.routes[0].nh[0].labels[1], 24045);
	nl_fib_free(&got);
	o = kn_output("ip -f mpls route show 2>&1");
	ck_assert_msg(strstr(o, "24001") && strstr(o, "10.0.0.2") && strstr(o, "veth0"),
		      "ip -f mpls route: %s", o);
	o = kn_output("ip route show 192.168.50.4/32 2>&1");
	ck_assert_msg(strstr(o, "encap mpls") && strstr(o, "24024/24045") && strstr(o, "mtu 1492"),
		      "ip route: %s", o);

	/* idempotent, then removed */
	ck_assert_int_eq(nl_route_reconcile(s, &desired, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	desired = (struct nl_fib){ 0 };
	ck_assert_int_eq(nl_route_reconcile(s, &desired, &st), 0);
	ck_assert_uint_eq(st.deletes, 2);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_ptr_null(strstr(kn_output("ip -f mpls route show 2>&1"), "24001"));
	nl_route_sock_close(s);
}
END_TEST

/* Root, namespaces and kernel MPLS with the push? NULL, or why not. */
static const char *cannot_run(void)
{
	static char why[256];
	const char *no_netns = kn_cannot_run();

	if (no_netns)
		return no_netns;
	if (access("/proc/sys/net/mpls", F_OK) != 0)
		(void)!system("modprobe mpls_router >/dev/null 2>&1; "
			      "modprobe mpls_iptunnel >/dev/null 2>&1");
	if (access("/proc/sys/net/mpls/platform_labels", F_OK) != 0) {
		snprintf(why, sizeof(why), "kernel MPLS not available (no /proc/sys/net/mpls "
			 "after modprobe mpls_router mpls_iptunnel): MPLS programming is "
			 "covered by tests/unit/test_nl_route.c and test_agent_input.c only");
		return why;
	}
	return NULL;
}

static Suite *suite(void)
{
	Suite *s = suite_create("mpls_dataplane");
	TCase *tc = tcase_create("kernel");

	tcase_add_checked_fixture(tc, netns_setup, NULL);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, label_and_push);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kn_main("test_mpls_dataplane", cannot_run(), suite);
}
