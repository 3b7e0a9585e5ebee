/* test_nl_route — Check suite for the socket edge of fib-agent/nl_route.c against the
 * real kernel: each test runs in a forked child that unshares a fresh network
 * namespace (checked fixture) with lo and two veth pairs (veth0 10.0.0.1/24
 * 2001:db8:1::1/64, veth2 10.0.1.1/24 2001:db8:2::1/64, gateways .2 / ::2 behind them;
 * made with ip(8) inside the namespace). It installs IPv4/IPv6 single-path, multipath,
 * on-link and IPv6-gateway routes through the batched socket, dumps them back and compares
 * them with what was sent; reconciles a changed desired set and counts that only the
 * difference is sent (and nothing the second time), leaving other protocols' routes alone;
 * checks per-operation errors (nonexistent ifindex, unreachable gateway, existing route)
 * while the rest of the batch applies; pushes thousands of routes in multi-message
 * batches; sets the dataplane sysctls. SRv6 (seg6 encap, End, End.X, End.DT6,
 * End.DX4, End.B6.Encaps, with an `ip -6 route` cross-check) and MPLS run where the
 * kernel has them; where not (this machine: no CONFIG_IPV6_SEG6_LWTUNNEL, no
 * mpls_router) the probe's sentence is checked, the entries must be refused with it,
 * and the skip is reported on stderr; every SRv6 and MPLS message is also compared,
 * attribute by attribute, with what ip(8) sends for the same route (captured with
 * strace, which sees the bytes even when the kernel refuses them). Exit 77 when not root or
 * namespaces fail. */
#include <check.h>
#include <ctype.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <linux/rtnetlink.h>

#include "fib-agent/nl_route.h"
#include "tests/support/kernel_netns.h"

static void netns_setup(void)
{
	ck_assert_int_eq(unshare(CLONE_NEWNET), 0);
	kn_sh("ip link set lo up");
	kn_sh("ip link add veth0 type veth peer name veth1");
	kn_sh("ip link add veth2 type veth peer name veth3");
	kn_sh("for i in 0 1 2 3; do ip link set veth$i up || exit 1; done");
	/* the peers (veth1, veth3) get no addresses: gateways .2 / ::2 must not be local
	 * (IPv6 refuses a local gateway) */
	kn_sh("ip addr add 10.0.0.1/24 dev veth0 && ip addr add 10.0.1.1/24 dev veth2");
	kn_sh("ip -6 addr add 2001:db8:1::1/64 dev veth0 nodad && "
	   "ip -6 addr add 2001:db8:2::1/64 dev veth2 nodad");
}

static void netns_teardown(void)
{
	/* the namespace dies with the forked test process */
}

static addr_t A(const char *s)
{
	addr_t a;

	memset(&a, 0, sizeof(a));
	ck_assert_msg(addr_parse(s, &a) == 0, "addr_parse(\"%s\")", s);
	return a;
}

static struct rib_fib_entry route(const char *pfx)
{
	struct rib_fib_entry e;

	memset(&e, 0, sizeof(e));
	ck_assert_int_eq(prefix_parse(pfx, false, &e.prefix), 0);
	e.source = RIB_SRC_ISIS;
	e.preference = 18;
	return e;
}

static struct rib_nh *nh_add(struct rib_fib_entry *e, const char *ifname, const char *gw)
{
	struct rib_nh *nh = &e->nh[e->n_nh++];

	memset(nh, 0, sizeof(*nh));
	if (ifname)
		strcpy(nh->ifname, ifname);
	if (gw)
		nh->gateway = A(gw);
	return nh;
}

static struct nl_route_sock *open_sock(const struct nl_route_opts *o)
{
	struct nl_route_sock *s = NULL;

	ck_assert_int_eq(nl_route_sock_open(&s, o), 0);
	ck_assert_ptr_nonnull(s);
	ck_assert_int_ge(nl_route_sock_fd(s), 0);
	return s;
}

static const struct rib_fib_entry *find_route(const struct nl_fib *f, const char *pfx)
{
	prefix_t p;

	ck_assert_int_eq(prefix_parse(pfx, false, &p), 0);
	for (size_t i = 0; i < f->n_routes; i++)
		if (!prefix_cmp(&f->routes[i].prefix, &p))
			return &f->routes[i];
	return NULL;
}

/* Every desired route is in the dump, equal to what was sent, and nothing else is. */
static void expect_routes(struct nl_route_sock *s, const struct rib_fib_entry *want,
			  size_t n)
{
	struct nl_fib k;

	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_routes, n);
	for (size_t i = 0; i < n; i++) {
		char pf[PREFIX_STRLEN];
		const struct rib_fib_entry *got;
		struct rib_fib_entry view;

		prefix_format(&want[i].prefix, pf, sizeof(pf));
		got = find_route(&k, pf);
		ck_assert_msg(got != NULL, "%s not in the kernel's dump", pf);
		nl_route_kernel_view(&want[i], &view);
		ck_assert_msg(nl_route_equal(got, &view),
			      "%s differs in the kernel (%zu hops)", pf, got->n_nh);
	}
	nl_fib_free(&k);
}

/* IPv4 and IPv6, single path, multipath, on-link, IPv4 over an IPv6 gateway. */
static size_t plain_routes(struct rib_fib_entry *r)
{
	size_t n = 0;

	r[n] = route("10.42.2.0/24");
	nh_add(&r[n++], "veth0", "10.0.0.2");
	r[n] = route("10.42.3.0/24");
	nh_add(&r[n], "veth0", "10.0.0.2");
	nh_add(&r[n++], "veth2", "10.0.1.2");
	r[n] = route("10.42.4.0/24");
	nh_add(&r[n++], "veth2", NULL);
	r[n] = route("10.42.5.0/24");
	nh_add(&r[n++], "veth0", "2001:db8:1::2");
	r[n] = route("0.0.0.0/0");
	nh_add(&r[n++], "veth0", "10.0.0.2");
	r[n] = route("2001:db8:10::/48");
	nh_add(&r[n++], "veth0", "2001:db8:1::2");
	r[n] = route("2001:db8:11::/48");
	nh_add(&r[n], "veth0", "2001:db8:1::2");
	nh_add(&r[n++], "veth2", "2001:db8:2::2");
	r[n] = route("2001:db8:12::/48");
	nh_add(&r[n++], "veth2", NULL);
	return n;
}

START_TEST(install_dump_compare)
{
	struct rib_fib_entry want[16];
	size_t n = plain_routes(want);
	struct nl_fib d = {want, n, NULL, 0, NULL, 0};
	struct nl_route_sock *s = open_sock(NULL);
	struct nl_reconcile_stats st;
	const char *out;

	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_msg(st.failed == 0, "reconcile failed: %s", st.last_error);
	ck_assert_uint_eq(st.adds, n);
	ck_assert_uint_eq(st.replaces + st.deletes, 0);
	expect_routes(s, want, n);
	/* ip(8) sees them with kvte's protocol number */
	out = kn_output("ip route show proto 222");
	ck_assert_ptr_nonnull(strstr(out, "10.42.3.0/24"));
	ck_assert_ptr_nonnull(strstr(out, "nexthop via 10.0.1.2 dev veth2"));
	ck_assert_ptr_nonnull(
		strstr(out, "10.42.5.0/24 via inet6 2001:db8:1::2 dev veth0"));
	out = kn_output("ip -6 route show proto 222");
	ck_assert_ptr_nonnull(strstr(out, "2001:db8:11::/48"));
	/* idempotent: nothing to do the second time */
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	nl_route_sock_close(s);
}
END_TEST

START_TEST(reconcile_sends_only_the_difference)
{
	struct rib_fib_entry *want = calloc(60, sizeof(*want));
	struct nl_route_sock *s = open_sock(NULL);
	struct nl_reconcile_stats st;
	struct nl_fib d = {want, 50, NULL, 0, NULL, 0};

	ck_assert_ptr_nonnull(want);
	for (int i = 0; i < 50; i++) {
		char p[32];

		snprintf(p, sizeof(p), "10.100.%d.0/24", i);
		want[i] = route(p);
		nh_add(&want[i], "veth0", "10.0.0.2");
		if (i % 5 == 0)
			nh_add(&want[i], "veth2", "10.0.1.2");
	}
	/* a route of another protocol on a prefix kvte does not want */
	kn_sh("ip route add 10.99.0.0/24 via 10.0.0.2 proto static");
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds, 50);
	ck_assert_uint_eq(st.failed, 0);
	/* change: 5 withdrawn (the last 5), 3 with other next hops, 2 new */
	d.n_routes = 45;
	for (int i = 0; i < 3; i++) {
		want[i].n_nh = 0;
		nh_add(&want[i], "veth2", "10.0.1.2");
	}
	want[45] = route("10.101.0.0/24");
	nh_add(&want[45], "veth0", "10.0.0.2");
	want[46] = route("2001:db8:101::/48");
	nh_add(&want[46], "veth0", "2001:db8:1::2");
	/* desired order must not matter */
	{
		struct rib_fib_entry t = want[0];

		want[0] = want[46];
		want[46] = t;
	}
	d.n_routes = 47;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_uint_eq(st.adds, 2);
	ck_assert_uint_eq(st.replaces, 3);
	ck_assert_uint_eq(st.deletes, 5);
	expect_routes(s, want, 47);
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	/* the other protocol's route is untouched */
	ck_assert_ptr_nonnull(strstr(kn_output("ip route show proto static"), "10.99.0.0/24"));
	/* IPv6 multipath replaced by a single hop, and back */
	want[0].n_nh = 0;
	nh_add(&want[0], "veth0", "2001:db8:1::2");
	nh_add(&want[0], "veth2", "2001:db8:2::2");
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.replaces, 1);
	expect_routes(s, want, 47);
	want[0].n_nh = 1;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.replaces, 1);
	expect_routes(s, want, 47);
	/* empty desired set: everything of kvte's goes, nothing else */
	d.n_routes = 0;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.deletes, 47);
	expect_routes(s, want, 0);
	ck_assert_ptr_nonnull(strstr(kn_output("ip route show proto static"), "10.99.0.0/24"));
	nl_route_sock_close(s);
	free(want);
}
END_TEST

/* A resolver that knows one interface the kernel does not have. */
static int ghost_ifindex(void *ctx, const char *name)
{
	if (!strcmp(name, "ghost0"))
		return 9999;
	return nl_resolver_system()->ifindex(ctx, name);
}

START_TEST(per_operation_errors)
{
	struct nl_resolver res = *nl_resolver_system();
	struct nl_route_opts o = {&res, 0, 0};
	struct nl_route_sock *s;
	struct rib_fib_entry r[7], ok[2];
	struct nl_op ops[7];
	size_t failed = 99;

	res.ifindex = ghost_ifindex;
	s = open_sock(&o);
	r[0] = route("10.50.0.0/24");
	nh_add(&r[0], "veth0", "10.0.0.2");
	r[1] = route("10.51.0.0/24");
	nh_add(&r[1], "ghost0", "10.0.0.2"); /* nonexistent ifindex: the kernel says */
	r[2] = route("10.52.0.0/24");
	nh_add(&r[2], "veth0", "10.200.0.1"); /* gateway not on any link */
	r[3] = route("10.53.0.0/24");
	nh_add(&r[3], "nosuch9", "10.0.0.2"); /* unknown name: refused before sending */
	r[4] = route("10.50.0.0/24");
	nh_add(&r[4], "veth2", "10.0.1.2"); /* add over an existing route */
	r[5] = route("2001:db8:50::/48");
	nh_add(&r[5], "veth0", "2001:db8:1::2");
	r[6] = route("2001:db8:51::/48");
	nh_add(&r[6], "ghost0", NULL); /* on-link over a nonexistent ifindex */
	for (int i = 0; i < 7; i++) {
		memset(&ops[i], 0, sizeof(ops[i]));
		ops[i].kind = RIB_OP_ADD;
		ops[i].obj = NL_OBJ_ROUTE;
		ops[i].route = &r[i];
	}
	ck_assert_int_eq(nl_route_apply(s, ops, 7, &failed), 0);
	ck_assert_uint_eq(failed, 5);
	ck_assert_int_eq(ops[0].err, 0);
	/* IPv4 looks the gateway up through the missing device first */
	ck_assert_msg(ops[1].err == -ENODEV || ops[1].err == -ENETUNREACH, "op 1: %d %s",
		      ops[1].err, ops[1].msg);
	ck_assert_msg(ops[1].msg[0] != '\0', "no text for op 1");
	ck_assert_int_ne(ops[2].err, 0);
	ck_assert_ptr_nonnull(strstr(ops[2].msg, "gateway")); /* the kernel's extack text */
	ck_assert_int_eq(ops[3].err, -ENODEV);
	ck_assert_ptr_nonnull(strstr(ops[3].msg, "unknown interface"));
	ck_assert_int_eq(ops[4].err, -EEXIST);
	ck_assert_ptr_nonnull(strstr(ops[4].msg, "File exists"));
	ck_assert_int_eq(ops[5].err, 0);
	ck_assert_int_eq(ops[6].err, -ENODEV);
	fprintf(stderr,
		"per-operation errors: [1] %s | [2] %s | [3] %s | [4] %s | [6] %s\n",
		ops[1].msg, ops[2].msg, ops[3].msg, ops[4].msg, ops[6].msg);
	/* the rest of the batch applied */
	ok[0] = r[0];
	ok[1] = r[5];
	expect_routes(s, ok, 2);
	/* deleting what is not there is an error of that op alone */
	ops[0].kind = RIB_OP_DELETE;
	ops[1].kind = RIB_OP_DELETE;
	ops[1].route = &r[2];
	ck_assert_int_eq(nl_route_apply(s, ops, 2, &failed), 0);
	ck_assert_uint_eq(failed, 1);
	ck_assert_int_eq(ops[0].err, 0);
	ck_assert_int_eq(ops[1].err, -ESRCH);
	expect_routes(s, &r[5], 1);
	nl_route_sock_close(s);
}
END_TEST

START_TEST(large_batches)
{
	enum { N = 6000 };
	struct rib_fib_entry *want = calloc(N, sizeof(*want));
	struct nl_route_sock *s = open_sock(NULL);
	struct nl_reconcile_stats st;
	struct nl_fib d = {want, N, NULL, 0, NULL, 0}, k;

	ck_assert_ptr_nonnull(want);
	for (int i = 0; i < N; i++) {
		char p[32];

		snprintf(p, sizeof(p), "10.%d.%d.0/24", 128 + i / 256, i % 256);
		want[i] = route(p);
		nh_add(&want[i], "veth0", "10.0.0.2");
	}
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_uint_eq(st.adds, N);
	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_routes, N);
	nl_fib_free(&k);
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	d.n_routes = 0;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.deletes, N);
	ck_assert_uint_eq(st.failed, 0);
	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_routes, 0);
	nl_fib_free(&k);
	nl_route_sock_close(s);
	free(want);
}
END_TEST

START_TEST(enobufs_then_resync)
{
	enum { N = 8000 };
	struct rib_fib_entry *want = calloc(N, sizeof(*want));
	struct nl_op *ops = calloc(N, sizeof(*ops));
	struct nl_route_sock *s = open_sock(NULL);
	struct nl_reconcile_stats st;
	struct nl_fib d = {want, N, NULL, 0, NULL, 0}, k;
	int small = 4096, big = 16 * 1024 * 1024;
	size_t failed = 0, lost = 0;
	int rc;

	ck_assert_ptr_nonnull(want);
	ck_assert_ptr_nonnull(ops);
	for (int i = 0; i < N; i++) {
		char p[32];

		snprintf(p, sizeof(p), "10.%d.%d.0/24", 160 + i / 256, i % 256);
		want[i] = route(p);
		nh_add(&want[i], "veth0", "10.0.0.2");
		ops[i].kind = RIB_OP_ADD;
		ops[i].obj = NL_OBJ_ROUTE;
		ops[i].route = &want[i];
	}
	/* a receive queue far too small for a batch's acks */
	ck_assert_int_eq(setsockopt(nl_route_sock_fd(s), SOL_SOCKET, SO_RCVBUFFORCE, &small,
				    sizeof(small)),
			 0);
	rc = nl_route_apply(s, ops, N, &failed);
	ck_assert_int_eq(rc, -ENOBUFS);
	for (int i = 0; i < N; i++)
		lost += ops[i].err == -ENOBUFS || ops[i].err == -ECANCELED;
	ck_assert_uint_gt(lost, 0);
	ck_assert_uint_eq(failed, lost);
	ck_assert_ptr_nonnull(strstr(ops[N - 1].msg, "not sent")
				      ? ops[N - 1].msg
				      : strstr(ops[N - 1].msg, "resync"));
	/* the caller's full resync: dump, plan, send the difference */
	ck_assert_int_eq(setsockopt(nl_route_sock_fd(s), SOL_SOCKET, SO_RCVBUFFORCE, &big,
				    sizeof(big)),
			 0);
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.failed, 0);
	ck_assert_uint_lt(st.adds, N); /* part of the lost batch was applied */
	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_routes, N);
	nl_fib_free(&k);
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	nl_route_sock_close(s);
	free(ops);
	free(want);
}
END_TEST

static void skip_note(const char *what, const char *why)
{
	fprintf(stderr, "SKIPPED %s: %s\n", what, why);
}

static struct nl_sid sid(const char *p, enum nl_sid_behavior b, const char *ifname)
{
	struct nl_sid x;

	memset(&x, 0, sizeof(x));
	ck_assert_int_eq(prefix_parse(p, false, &x.sid), 0);
	x.behavior = b;
	strcpy(x.ifname, ifname);
	return x;
}

START_TEST(srv6_encap_and_sids)
{
	struct nl_route_sock *s = open_sock(NULL);
	const struct nl_caps *c = nl_route_sock_caps(s);
	struct rib_fib_entry r[2];
	struct nl_sid x[5];
	struct nl_fib d = {r, 2, x, 5, NULL, 0}, k;
	struct nl_reconcile_stats st;
	struct rib_nh *nh;

	r[0] = route("192.168.50.4/32");
	nh = nh_add(&r[0], "veth0", "10.0.0.2");
	strcpy(nh->tunnel, "r1-to-r4");
	nh->n_segs = 2;
	nh->segs[0] = A("fc00:0:2::1");
	nh->segs[1] = A("fc00:0:4::d4");
	r[1] = route("2001:db8:20::/48");
	nh = nh_add(&r[1], "veth0", "2001:db8:1::2");
	nh->n_segs = 1;
	nh->segs[0] = A("fc00:0:2::1");
	x[0] = sid("fc00:0:1::/128", NL_SID_END, "lo");
	x[1] = sid("fc00:0:1::e1/128", NL_SID_END_X, "veth0");
	x[1].nh6 = A("2001:db8:1::2");
	x[2] = sid("fc00:0:1::d6/128", NL_SID_END_DT6, "veth0");
	x[2].table = 254;
	x[3] = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "veth0");
	x[3].nh4 = A("0.0.0.0");
	x[4] = sid("fc00:0:1::b6/128", NL_SID_END_B6_ENCAPS, "veth0");
	x[4].n_segs = 2;
	x[4].segs[0] = A("fc00:0:3::e4");
	x[4].segs[1] = A("fc00:0:4::d6");

	if (!c->seg6_encap || !c->seg6_local) {
		/* refused, each with the sentence, nothing installed */
		ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
		ck_assert_uint_eq(st.failed,
				  (c->seg6_encap ? 0 : 2) + (c->seg6_local ? 0 : 5));
		ck_assert_ptr_nonnull(strstr(st.last_error, "not available"));
		if (!c->seg6_encap)
			skip_note("SRv6 head-end", nl_caps_seg6_reason(c));
		if (!c->seg6_local)
			skip_note("SRv6 local SIDs", nl_caps_seg6_local_reason(c));
		ck_assert_int_eq(nl_route_dump(s, &k), 0);
		ck_assert_uint_eq(k.n_routes + k.n_sids, 0);
		nl_fib_free(&k);
		/* the probe found what ip(8) finds */
		ck_assert_int_ne(
			system("ip -6 route add 2001:db8:99::/48 encap seg6 mode encap "
			       "segs fc00::1 dev veth0 2>/dev/null"),
			0);
		nl_route_sock_close(s);
		return;
	}
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_uint_eq(st.adds, 7);
	expect_routes(s, r, 2);
	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_sids, 5);
	for (int i = 0; i < 5; i++) {
		bool found = false;

		for (size_t j = 0; j < k.n_sids; j++)
			found |= nl_sid_equal(&k.sids[j], &x[i]);
		ck_assert_msg(found, "SID %s not dumped back equal",
			      nl_sid_behavior_name(x[i].behavior));
	}
	nl_fib_free(&k);
	ck_assert_ptr_nonnull(
		strstr(kn_output("ip -6 route show proto 222"), "encap seg6 mode encap segs"));
	ck_assert_ptr_nonnull(strstr(kn_output("ip route show 192.168.50.4/32"), "mtu 1420"));
	ck_assert_ptr_nonnull(strstr(kn_output("ip -6 route show proto 222"), "End.DX4"));
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	/* one SID changed, one segment list changed */
	x[1].nh6 = A("2001:db8:1::3");
	r[0].nh[0].n_segs = 1;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.replaces, 2);
	ck_assert_uint_eq(st.adds + st.deletes + st.failed, 0);
	nl_route_sock_close(s);
}
END_TEST

START_TEST(mpls_or_reason)
{
	struct nl_route_sock *s = open_sock(NULL);
	const struct nl_caps *c = nl_route_sock_caps(s);
	struct nl_mpls_route m[2];
	struct rib_fib_entry push;
	struct nl_fib d = {&push, 1, NULL, 0, m, 2}, k;
	struct nl_reconcile_stats st;
	struct nl_op op;
	size_t failed;

	memset(m, 0, sizeof(m));
	m[0].label = 100;
	m[0].n_nh = 1;
	strcpy(m[0].nh[0].ifname, "veth0");
	m[0].nh[0].gateway = A("10.0.0.2");
	m[0].nh[0].n_labels = 1;
	m[0].nh[0].labels[0] = 200;
	m[1].label = 101;
	m[1].n_nh = 1;
	strcpy(m[1].nh[0].ifname, "veth2");
	m[1].nh[0].gateway = A("10.0.1.2");
	push = route("10.60.0.0/24");
	nh_add(&push, "veth0", "10.0.0.2")->n_labels = 2;
	push.nh[0].labels[0] = 16002;
	push.nh[0].labels[1] = 16004;

	if (!c->mpls) {
		const char *why = nl_caps_mpls_reason(c);

		ck_assert_str_eq(why,
				 "kernel MPLS not available (no /proc/sys/net/mpls: module "
				 "mpls_router not loaded or not built); MPLS entries are "
				 "refused");
		memset(&op, 0, sizeof(op));
		op.kind = RIB_OP_ADD;
		op.obj = NL_OBJ_MPLS;
		op.mpls = &m[0];
		ck_assert_int_eq(nl_route_apply(s, &op, 1, &failed), 0);
		ck_assert_uint_eq(failed, 1);
		ck_assert_int_eq(op.err, -EOPNOTSUPP);
		ck_assert_ptr_nonnull(strstr(op.msg, why));
		op.obj = NL_OBJ_ROUTE;
		op.route = &push;
		ck_assert_int_eq(nl_route_apply(s, &op, 1, &failed), 0);
		ck_assert_int_eq(op.err, -EOPNOTSUPP);
		ck_assert_ptr_nonnull(strstr(op.msg, "MPLS"));
		skip_note("MPLS end to end", why);
		nl_route_sock_close(s);
		return;
	}
	{
		const char *ifs[] = {"veth0", "veth1", "veth2", "veth3"};
		struct nl_dataplane_cfg cfg = {ifs, 4, true, 1000};

		ck_assert_int_ge(nl_dataplane_setup(NULL, &cfg, NULL, NULL), 0);
	}
	if (!c->mpls_encap)
		d.n_routes = 0;
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_msg(st.failed == 0, "%s", st.last_error);
	ck_assert_int_eq(nl_route_dump(s, &k), 0);
	ck_assert_uint_eq(k.n_mpls, 2);
	for (int i = 0; i < 2; i++)
		ck_assert(nl_mpls_equal(&k.mpls[i], &m[0]) ||
			  nl_mpls_equal(&k.mpls[i], &m[1]));
	nl_fib_free(&k);
	if (!c->mpls_encap)
		skip_note("MPLS push", nl_caps_mpls_encap_reason(c));
	else
		expect_routes(s, &push, 1);
	ck_assert_int_eq(nl_route_reconcile(s, &d, &st), 0);
	ck_assert_uint_eq(st.adds + st.replaces + st.deletes, 0);
	nl_route_sock_close(s);
}
END_TEST

/* ---- cross-check against iproute2 --------------------------------------------------- */

/* The RTM_NEWROUTE message ip(8) sends for `args`, from strace's hex dump of sendmsg
 * (the kernel may refuse it: the bytes are what matter). Length, or 0. */
static size_t ip_sends(const char *args, uint8_t *out, size_t cap)
{
	char cmd[600], line[512];
	uint8_t cur[8192];
	size_t n = 0, found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "strace -e trace=sendmsg -e write=all -s 65535 ip %s 2>&1 >/dev/null",
		 args);
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		const char *p = strstr(line, " | ");
		unsigned off, b;
		int used;

		if (!p || sscanf(p + 3, "%5x%n", &off, &used) != 1 || used != 5) {
			/* end of a dump block */
			if (n >= 6 && !found && cur[4] == RTM_NEWROUTE && n <= cap) {
				memcpy(out, cur, n);
				found = n;
			}
			n = 0;
			continue;
		}
		/* fixed columns: "  xx xx xx xx xx xx xx xx  xx xx ... xx  ascii" */
		p += 3 + 5;
		for (int i = 0; i < 16 && n < sizeof(cur); i++) {
			const char *h = p + 2 + 3 * i + (i >= 8);
			char hex[3] = {h[0], h[0] ? h[1] : '\0', '\0'};

			if (!isxdigit((unsigned char)hex[0]) ||
			    !isxdigit((unsigned char)hex[1]) || sscanf(hex, "%2x", &b) != 1)
				break;
			cur[n++] = (uint8_t)b;
		}
	}
	if (n >= 6 && !found && cur[4] == RTM_NEWROUTE && n <= cap) {
		memcpy(out, cur, n);
		found = n;
	}
	pclose(f);
	return found;
}

/* Top-level attribute (type, payload) at index i of a route message, or false. */
static bool attr_at(const uint8_t *m, size_t len, size_t i, uint16_t *type,
		    const uint8_t **pl, uint16_t *pl_len)
{
	size_t off = 16 + 12;

	while (off + 4 <= len) {
		uint16_t l, t;

		memcpy(&l, m + off, 2);
		memcpy(&t, m + off + 2, 2);
		if (l < 4 || off + l > len)
			return false;
		if (i-- == 0) {
			*type = t & 0x3fff;
			*pl = m + off + 4;
			*pl_len = (uint16_t)(l - 4);
			return true;
		}
		off += (l + 3u) & ~3u;
	}
	return false;
}

static bool has_attr(const uint8_t *m, size_t len, uint16_t type, const uint8_t *pl,
		     uint16_t pl_len)
{
	const uint8_t *p;
	uint16_t t, l;

	for (size_t i = 0; attr_at(m, len, i, &t, &p, &l); i++)
		if (t == type && l == pl_len && !memcmp(p, pl, l))
			return true;
	return false;
}

/* Same rtmsg, and the same attributes in any order; kvte may add RTA_TABLE. */
static void same_as_ip(const char *what, const uint8_t *mine, int mine_len,
		       const char *args)
{
	static uint8_t theirs[8192];
	size_t tl = ip_sends(args, theirs, sizeof(theirs));
	const uint8_t *p;
	uint16_t t, l;

	ck_assert_int_gt(mine_len, 28);
	ck_assert_msg(tl > 28, "%s: no RTM_NEWROUTE captured from `ip %s`", what, args);
	ck_assert_msg(!memcmp(mine + 16, theirs + 16, 12), "%s: struct rtmsg differs",
		      what);
	for (size_t i = 0; attr_at(theirs, tl, i, &t, &p, &l); i++)
		ck_assert_msg(
			has_attr(mine, (size_t)mine_len, t, p, l),
			"%s: iproute2's attribute %u (%u bytes) not in kvte's message",
			what, t, l);
	for (size_t i = 0; attr_at(mine, (size_t)mine_len, i, &t, &p, &l); i++)
		ck_assert_msg(t == RTA_TABLE || has_attr(theirs, tl, t, p, l),
			      "%s: kvte's attribute %u (%u bytes) not in iproute2's", what,
			      t, l);
}

START_TEST(same_bytes_as_iproute2)
{
	static uint8_t m[4096];
	struct nl_resolver res = *nl_resolver_system();
	struct nl_route_opts o = {&res, 0, 0};
	struct rib_fib_entry e;
	struct nl_sid x;
	struct nl_mpls_route mr;
	struct rib_nh *nh;

	if (system("strace -V >/dev/null 2>&1") != 0) {
		skip_note("iproute2 cross-check", "strace not installed");
		return;
	}
	res.mtu = NULL; /* ip(8) sets no MTU */
	e = route("2001:db8:20::/48");
	nh = nh_add(&e, "veth0", NULL);
	nh->n_segs = 2;
	nh->segs[0] = A("fc00:0:2::1");
	nh->segs[1] = A("fc00:0:4::d4");
	same_as_ip("seg6 encap", m, nl_build_route(m, sizeof(m), RIB_OP_ADD, &e, &o, 1),
		   "-6 route add 2001:db8:20::/48 encap seg6 mode encap segs "
		   "fc00:0:2::1,fc00:0:4::d4 dev veth0 proto 222");
	e = route("10.60.0.0/24");
	nh = nh_add(&e, "veth0", "10.0.0.2");
	nh->n_labels = 2;
	nh->labels[0] = 16002;
	nh->labels[1] = 16004;
	same_as_ip("mpls push", m, nl_build_route(m, sizeof(m), RIB_OP_ADD, &e, &o, 1),
		   "route add 10.60.0.0/24 encap mpls 16002/16004 via 10.0.0.2 dev veth0 "
		   "proto 222");
	e = route("10.61.0.0/24");
	nh_add(&e, "veth0", "10.0.0.2");
	nh_add(&e, "veth2", "10.0.1.2");
	same_as_ip("ipv4 multipath", m, nl_build_route(m, sizeof(m), RIB_OP_ADD, &e, &o, 1),
		   "route add 10.61.0.0/24 proto 222 nexthop via 10.0.0.2 dev veth0 "
		   "nexthop via 10.0.1.2 dev veth2");
	x = sid("fc00:0:1::b6/128", NL_SID_END_B6_ENCAPS, "veth0");
	x.n_segs = 2;
	x.segs[0] = A("fc00:0:3::e4");
	x.segs[1] = A("fc00:0:4::d6");
	same_as_ip("End.B6.Encaps", m, nl_build_sid(m, sizeof(m), RIB_OP_ADD, &x, &o, 1),
		   "-6 route add fc00:0:1::b6/128 encap seg6local action End.B6.Encaps srh "
		   "segs "
		   "fc00:0:3::e4,fc00:0:4::d6 dev veth0 proto 222");
	x = sid("fc00:0:1::e1/128", NL_SID_END_X, "veth0");
	x.nh6 = A("2001:db8:1::2");
	same_as_ip("End.X", m, nl_build_sid(m, sizeof(m), RIB_OP_ADD, &x, &o, 1),
		   "-6 route add fc00:0:1::e1/128 encap seg6local action End.X nh6 "
		   "2001:db8:1::2 dev veth0 proto 222");
	x = sid("fc00:0:1::d4/128", NL_SID_END_DX4, "veth0");
	x.nh4 = A("0.0.0.0");
	same_as_ip(
		"End.DX4", m, nl_build_sid(m, sizeof(m), RIB_OP_ADD, &x, &o, 1),
		"-6 route add fc00:0:1::d4/128 encap seg6local action End.DX4 nh4 0.0.0.0 "
		"dev veth0 proto 222");
	x = sid("fc00:0:1::d6/128", NL_SID_END_DT6, "veth0");
	x.table = 254;
	same_as_ip("End.DT6", m, nl_build_sid(m, sizeof(m), RIB_OP_ADD, &x, &o, 1),
		   "-6 route add fc00:0:1::d6/128 encap seg6local action End.DT6 table 254 "
		   "dev veth0 proto 222");
	x = sid("fc00:0:1::/128", NL_SID_END, "veth0");
	same_as_ip("End", m, nl_build_sid(m, sizeof(m), RIB_OP_ADD, &x, &o, 1),
		   "-6 route add fc00:0:1::/128 encap seg6local action End dev veth0 proto "
		   "222");
	memset(&mr, 0, sizeof(mr));
	mr.label = 100;
	mr.n_nh = 1;
	strcpy(mr.nh[0].ifname, "veth0");
	mr.nh[0].gateway = A("10.0.0.2");
	mr.nh[0].n_labels = 2;
	mr.nh[0].labels[0] = 200;
	mr.nh[0].labels[1] = 300;
	same_as_ip(
		"mpls swap", m, nl_build_mpls(m, sizeof(m), RIB_OP_ADD, &mr, &o, 1),
		"-f mpls route add 100 as 200/300 via inet 10.0.0.2 dev veth0 proto 222");
	mr.nh[0].n_labels = 0;
	mr.nh[0].gateway = A("2001:db8:1::2");
	same_as_ip("mpls pop", m, nl_build_mpls(m, sizeof(m), RIB_OP_ADD, &mr, &o, 1),
		   "-f mpls route add 100 via inet6 2001:db8:1::2 dev veth0 proto 222");
}
END_TEST

static int n_changes;
static char changes[16][128];

static void on_change(void *ctx, const char *name, const char *old, const char *new_value)
{
	(void)ctx;
	if (n_changes < 16)
		snprintf(changes[n_changes], sizeof(changes[0]), "%s %s->%s", name, old,
			 new_value);
	n_changes++;
}

START_TEST(dataplane_sysctls)
{
	const char *ifs[] = {"veth0", "veth2"};
	struct nl_dataplane_cfg cfg = {ifs, 2, false, 0};
	bool fwd = false, rp = false;
	int n;

	kn_sh("echo 0 > /proc/sys/net/ipv4/ip_forward");
	kn_sh("echo 1 > /proc/sys/net/ipv4/conf/veth0/rp_filter");
	kn_sh("echo 0 > /proc/sys/net/ipv4/conf/all/rp_filter");
	n = nl_dataplane_setup(NULL, &cfg, on_change, NULL);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(n, n_changes);
	for (int i = 0; i < n_changes && i < 16; i++) {
		fwd |= !strcmp(changes[i], "net.ipv4.ip_forward 0->1");
		rp |= !strcmp(changes[i], "net.ipv4.conf.veth0.rp_filter 1->2");
	}
	ck_assert(fwd && rp);
	ck_assert_str_eq(kn_output("cat /proc/sys/net/ipv4/ip_forward"), "1\n");
	ck_assert_str_eq(kn_output("cat /proc/sys/net/ipv6/conf/all/forwarding"), "1\n");
	ck_assert_str_eq(kn_output("cat /proc/sys/net/ipv6/conf/veth2/seg6_enabled"), "1\n");
	ck_assert_str_eq(kn_output("cat /proc/sys/net/ipv4/conf/veth0/rp_filter"), "2\n");
	n_changes = 0;
	ck_assert_int_eq(nl_dataplane_setup(NULL, &cfg, on_change, NULL), 0);
	ck_assert_int_eq(n_changes, 0);
}
END_TEST

START_TEST(probe_leaves_nothing)
{
	struct nl_route_sock *s = open_sock(NULL);
	const struct nl_caps *c = nl_route_sock_caps(s);

	fprintf(stderr,
		"kernel capabilities: mpls %d, mpls encap %d, seg6 encap %d, seg6local "
		"%d\n",
		c->mpls, c->mpls_encap, c->seg6_encap, c->seg6_local);
	ck_assert_int_ge(nl_caps_probe_lwt(s, 5 /* LWTUNNEL_ENCAP_SEG6 */), 0);
	ck_assert_int_eq(nl_caps_probe_lwt(s, 200),
			 -EINVAL); /* not a type this build knows */
	ck_assert_str_eq(kn_output("ip -6 route show proto 222 table all"), "");
	ck_assert_str_eq(kn_output("ip -6 route show 100::/64 table all"), "");
	nl_route_sock_close(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nl_route_kernel");
	TCase *tc = tcase_create("netns");

	tcase_add_checked_fixture(tc, netns_setup, netns_teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, install_dump_compare);
	tcase_add_test(tc, reconcile_sends_only_the_difference);
	tcase_add_test(tc, per_operation_errors);
	tcase_add_test(tc, large_batches);
	tcase_add_test(tc, enobufs_then_resync);
	tcase_add_test(tc, srv6_encap_and_sids);
	tcase_add_test(tc, mpls_or_reason);
	tcase_add_test(tc, dataplane_sysctls);
	tcase_add_test(tc, probe_leaves_nothing);
	tcase_add_test(tc, same_bytes_as_iproute2);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kn_main("test_nl_route", kn_cannot_run(), suite);
}
