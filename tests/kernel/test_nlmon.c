/* test_nlmon — Check suite for lib/nlmon.c against the real kernel: each test case runs
 * in a forked child inside its own network namespace (unshare(CLONE_NEWNET) in a
 * checked fixture), opens the monitor on a libuv loop and drives the kernel with `ip`
 * (iproute2): every existing link (lo, a veth pair made before opening) is reported
 * ADDED by nlmon_open itself; a veth pair made afterwards is reported ADDED, gets
 * carrier once both ends are up and loses it on a0 when a1 is set down; IPv4 and IPv6
 * addresses (and the kernel's link-local one, scope link) appear in the table and
 * disappear when deleted; deleting the pair reports REMOVED for both ends; a link
 * renamed and its MTU changed is reported NAME / MTU. Waits are on conditions with a
 * timer deadline; the monitor is closed and uv_loop_close() == 0 is checked. Needs
 * root, network namespaces and ip(8) with veth (exit 77 otherwise, the reason on
 * stderr: tests/support/kernel_netns.c's probe). The parser alone is
 * tests/unit/test_nlmon.c. */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE	/* unshare, CLONE_NEWNET */
#endif
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <linux/rtnetlink.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
#include <uv.h>

#include "lib/nlmon.h"
#include "tests/support/kernel_netns.h"

#define DEADLINE_MS 10000

/* ---- what the callback saw ---------------------------------------------------- */

#define REC_MAX 256

struct ev {
	char name[IF_NAMESIZE];	/* new's name, or old's when removed */
	uint32_t ifindex;
	unsigned what;
	bool has_old, has_new;
	bool old_carrier, new_carrier;
	uint32_t new_mtu;
};

static struct {
	size_t n;
	bool overflow;
	struct ev v[REC_MAX];
} rec;

static void on_change(const struct nlmon_link *old, const struct nlmon_link *new, unsigned what,
		      void *arg)
{
	const struct nlmon_link *l = new ? new : old;
	struct ev *e;

	(void)arg;
	if (rec.n == REC_MAX) {
		rec.overflow = true;
		return;
	}
	e = &rec.v[rec.n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", l->name);
	e->ifindex = l->ifindex;
	e->what = what;
	e->has_old = old != NULL;
	e->has_new = new != NULL;
	e->old_carrier = old && old->carrier;
	e->new_carrier = new && new->carrier;
	e->new_mtu = new ? new->mtu : 0;
}

/* ---- fixture: a private network namespace, a loop, the monitor ------------------ */

static uv_loop_t loop;
static struct nlmon *mon;

static void setup(void)
{
	ck_assert_msg(unshare(CLONE_NEWNET) == 0, "unshare(CLONE_NEWNET): %s", strerror(errno));
	ck_assert_int_eq(uv_loop_init(&loop), 0);
	memset(&rec, 0, sizeof(rec));
	mon = NULL;
}

static void open_mon(void)
{
	char err[256] = "";
	int rc = nlmon_open(&loop, on_change, NULL, &mon, err, sizeof(err));

	ck_assert_msg(rc == 0, "nlmon_open: %d %s", rc, err);
	ck_assert_ptr_nonnull(mon);
}

static void close_mon(void)
{
	nlmon_close(mon);
	mon = NULL;
	ck_assert_int_eq(uv_run(&loop, UV_RUN_DEFAULT), 0);
	ck_assert_int_eq(uv_loop_close(&loop), 0);
}

/* ---- waiting on conditions ---------------------------------------------------- */

typedef bool (*pred_fn)(const void *arg);

static void on_deadline(uv_timer_t *t)
{
	*(bool *)t->data = true;
}

static void on_timer_closed(uv_handle_t *h)
{
	*(bool *)h->data = true;
}

/* Run the loop until pred(arg) holds or DEADLINE_MS pass; returns pred(arg). */
static bool wait_for(pred_fn pred, const void *arg)
{
	uv_timer_t t;
	bool fired = false, closed = false;
	bool ok;

	ck_assert_int_eq(uv_timer_init(&loop, &t), 0);
	t.data = &fired;
	uv_timer_start(&t, on_deadline, DEADLINE_MS, 0);
	while (!(ok = pred(arg)) && !fired)
		uv_run(&loop, UV_RUN_ONCE);
	t.data = &closed;
	uv_close((uv_handle_t *)&t, on_timer_closed);
	while (!closed)
		uv_run(&loop, UV_RUN_NOWAIT);
	return ok;
}

struct want {
	const char *name;
	unsigned what;		/* all of these bits */
	int carrier;		/* -1: any; else new carrier (0 / 1) */
};

static bool seen_in(const struct want *w, size_t from)
{
	for (size_t i = from; i < rec.n; i++) {
		const struct ev *e = &rec.v[i];

		if (strcmp(e->name, w->name) != 0 || (e->what & w->what) != w->what)
			continue;
		if (w->carrier >= 0 && e->new_carrier != (w->carrier != 0))
			continue;
		return true;
	}
	return false;
}

static bool seen(const void *arg)
{
	return seen_in(arg, 0);
}

struct want_after {
	const struct want *w;
	size_t from;		/* only events from this index on */
};

static bool seen_after(const void *arg)
{
	const struct want_after *a = arg;

	return seen_in(a->w, a->from);
}

static void expect(const char *name, unsigned what, int carrier)
{
	struct want w = { name, what, carrier };
	char b[64];

	ck_assert_msg(wait_for(seen, &w), "no %s change (%s, carrier %d) for %s within %d ms",
		      nlmon_what_str(what, b, sizeof(b)), name, carrier, name, DEADLINE_MS);
}

static const struct nlmon_link *link_named(const char *name)
{
	return nlmon_table_find_name(nlmon_table(mon), name);
}

struct want_addr {
	const char *ifname;
	const char *addr;
	uint8_t plen;
	int scope;		/* -1: any */
	bool present;
};

static bool addr_state(const void *arg)
{
	const struct want_addr *w = arg;
	const struct nlmon_link *l = link_named(w->ifname);
	addr_t a;

	if (!l || addr_parse(w->addr, &a) < 0)
		return false;
	for (size_t i = 0; i < l->naddr; i++)
		if (addr_cmp(&l->addr[i].addr, &a) == 0 && l->addr[i].plen == w->plen &&
		    (w->scope < 0 || l->addr[i].scope == w->scope))
			return w->present;
	return !w->present;
}

static void expect_addr(const char *ifname, const char *addr, uint8_t plen, int scope,
			bool present)
{
	struct want_addr w = { ifname, addr, plen, scope, present };

	ck_assert_msg(wait_for(addr_state, &w), "%s/%u %s on %s within %d ms", addr, plen,
		      present ? "not seen" : "still there", ifname, DEADLINE_MS);
}

static bool admin_up(const void *arg)
{
	const struct nlmon_link *l = link_named(arg);

	return l && (l->flags & IFF_UP);
}

/* Is any IPv6 link-local (fe80::/10, scope link) address on the link? */
static bool has_ll6(const void *arg)
{
	const struct nlmon_link *l = link_named(arg);

	if (!l)
		return false;
	for (size_t i = 0; i < l->naddr; i++)
		if (l->addr[i].addr.family == AF_INET6 && l->addr[i].addr.bytes[0] == 0xfe &&
		    (l->addr[i].addr.bytes[1] & 0xc0) == 0x80 && l->addr[i].scope == RT_SCOPE_LINK)
			return true;
	return false;
}

static size_t count(const char *name, unsigned what)
{
	size_t k = 0;

	for (size_t i = 0; i < rec.n; i++)
		if (strcmp(rec.v[i].name, name) == 0 && (rec.v[i].what & what))
			k++;
	return k;
}

/* ---- tests ---------------------------------------------------------------------- */

START_TEST(open_reports_existing_links)
{
	const struct nlmon_link *lo, *a0, *a1;

	kn_sh("ip link add a0 type veth peer name a1");
	kn_sh("ip link set a0 mtu 1400");
	open_mon();
	/* reported before nlmon_open returned, each once */
	ck_assert_uint_eq(rec.n, 3);
	ck_assert_uint_eq(count("lo", NLMON_ADDED), 1);
	ck_assert_uint_eq(count("a0", NLMON_ADDED), 1);
	ck_assert_uint_eq(count("a1", NLMON_ADDED), 1);
	for (size_t i = 0; i < rec.n; i++) {
		ck_assert_uint_eq(rec.v[i].what, NLMON_ADDED);
		ck_assert(!rec.v[i].has_old && rec.v[i].has_new);
	}
	ck_assert_uint_eq(nlmon_table(mon)->n, 3);
	lo = link_named("lo");
	a0 = link_named("a0");
	a1 = link_named("a1");
	ck_assert_ptr_nonnull(lo);
	ck_assert_ptr_nonnull(a0);
	ck_assert_ptr_nonnull(a1);
	ck_assert_uint_eq(lo->ifindex, 1);	/* lo is always 1 in a new namespace */
	ck_assert_ptr_eq(nlmon_table_find(nlmon_table(mon), a0->ifindex), a0);
	ck_assert_uint_eq(a0->mtu, 1400);
	ck_assert_uint_eq(a1->mtu, 1500);
	ck_assert(!a0->carrier && !a1->carrier && !lo->carrier);	/* all down */
	ck_assert(a0->has_mac && a1->has_mac);
	ck_assert_uint_eq(a0->naddr, 0);

	/* nothing else happens by itself */
	close_mon();
	ck_assert_uint_eq(rec.n, 3);
}
END_TEST

START_TEST(veth_carrier)
{
	size_t mark;

	open_mon();
	ck_assert_uint_eq(count("lo", NLMON_ADDED), 1);
	ck_assert_uint_eq(rec.n, 1);

	kn_sh("ip link add a0 type veth peer name a1");
	expect("a0", NLMON_ADDED, 0);
	expect("a1", NLMON_ADDED, 0);

	/* one end up: administratively up, but no carrier without the peer */
	kn_sh("ip link set a0 up");
	ck_assert_msg(wait_for(admin_up, "a0"), "a0 not IFF_UP within %d ms", DEADLINE_MS);
	ck_assert(!link_named("a0")->carrier);
	ck_assert_uint_eq(count("a0", NLMON_CARRIER), 0);

	/* both up: carrier on both */
	kn_sh("ip link set a1 up");
	expect("a0", NLMON_CARRIER, 1);
	expect("a1", NLMON_CARRIER, 1);
	ck_assert(link_named("a0")->carrier);
	ck_assert(link_named("a1")->carrier);

	/* a1 down: a0 loses carrier although it is still up */
	mark = rec.n;
	kn_sh("ip link set a1 down");
	{
		struct want w = { "a0", NLMON_CARRIER, 0 };

		ck_assert_msg(wait_for(seen_after, &(struct want_after){ &w, mark }),
			      "a0 kept carrier after a1 went down");
	}
	ck_assert(!link_named("a0")->carrier);
	ck_assert(!link_named("a1")->carrier);

	/* and back */
	mark = rec.n;
	kn_sh("ip link set a1 up");
	{
		struct want w = { "a0", NLMON_CARRIER, 1 };

		ck_assert(wait_for(seen_after, &(struct want_after){ &w, mark }));
	}
	ck_assert(link_named("a0")->carrier);

	/* delete one end: both go */
	kn_sh("ip link del a0");
	expect("a0", NLMON_REMOVED, -1);
	expect("a1", NLMON_REMOVED, -1);
	ck_assert_ptr_null(link_named("a0"));
	ck_assert_ptr_null(link_named("a1"));
	ck_assert_uint_eq(nlmon_table(mon)->n, 1);
	ck_assert_uint_eq(count("a0", NLMON_REMOVED), 1);
	ck_assert(!rec.overflow);
	close_mon();
}
END_TEST

START_TEST(veth_addresses)
{
	const struct nlmon_link *a0;

	open_mon();
	kn_sh("ip link add a0 type veth peer name a1");
	kn_sh("ip link set a0 up");
	kn_sh("ip link set a1 up");
	expect("a0", NLMON_CARRIER, 1);

	kn_sh("ip addr add 10.1.0.1/24 dev a0");
	kn_sh("ip addr add 10.1.0.9 peer 10.1.0.10/32 dev a0");	/* IFA_LOCAL != IFA_ADDRESS */
	kn_sh("ip -6 addr add 2001:db8:1::1/64 dev a0 nodad");
	expect_addr("a0", "10.1.0.1", 24, RT_SCOPE_UNIVERSE, true);
	expect_addr("a0", "10.1.0.9", 32, RT_SCOPE_UNIVERSE, true);
	expect_addr("a0", "2001:db8:1::1", 64, RT_SCOPE_UNIVERSE, true);
	ck_assert_msg(wait_for(has_ll6, "a0"), "no IPv6 link-local address on a0");
	expect("a0", NLMON_ADDRS, -1);
	/* the peer address is not ours */
	expect_addr("a0", "10.1.0.10", 32, -1, false);

	a0 = link_named("a0");
	for (size_t i = 0; i + 1 < a0->naddr; i++) {
		const struct nlmon_addr *x = &a0->addr[i], *y = &a0->addr[i + 1];
		int c = addr_cmp(&x->addr, &y->addr);

		ck_assert(c < 0 || (c == 0 && x->plen < y->plen));
	}
	ck_assert(!a0->addr_overflow);
	/* a1 has only its link-local address */
	ck_assert_msg(wait_for(has_ll6, "a1"), "no IPv6 link-local address on a1");
	expect_addr("a1", "10.1.0.1", 24, -1, false);

	kn_sh("ip addr del 10.1.0.1/24 dev a0");
	expect_addr("a0", "10.1.0.1", 24, -1, false);
	kn_sh("ip -6 addr del 2001:db8:1::1/64 dev a0");
	expect_addr("a0", "2001:db8:1::1", 64, -1, false);
	expect_addr("a0", "10.1.0.9", 32, RT_SCOPE_UNIVERSE, true);

	/* removal reports the link with its last addresses; the table forgets them */
	kn_sh("ip link del a0");
	expect("a0", NLMON_REMOVED, -1);
	ck_assert_ptr_null(link_named("a0"));
	close_mon();
}
END_TEST

START_TEST(rename_and_mtu)
{
	const struct nlmon_link *l;
	uint32_t ifindex;

	kn_sh("ip link add a0 type veth peer name a1");
	open_mon();
	ifindex = link_named("a0")->ifindex;

	kn_sh("ip link set a0 mtu 9000");
	expect("a0", NLMON_MTU, -1);
	ck_assert_uint_eq(link_named("a0")->mtu, 9000);

	kn_sh("ip link set a0 name core0");
	expect("core0", NLMON_NAME, -1);
	ck_assert_ptr_null(link_named("a0"));
	l = link_named("core0");
	ck_assert_ptr_nonnull(l);
	ck_assert_uint_eq(l->ifindex, ifindex);
	ck_assert_uint_eq(l->mtu, 9000);
	ck_assert_uint_eq(count("core0", NLMON_ADDED), 0);
	close_mon();
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("nlmon_kernel");
	TCase *tc = tcase_create("veth");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, open_reports_existing_links);
	tcase_add_test(tc, veth_carrier);
	tcase_add_test(tc, veth_addresses);
	tcase_add_test(tc, rename_and_mtu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return kn_main("test_nlmon", kn_cannot_run(), suite);
}
