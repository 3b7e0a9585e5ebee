/* nlmon — the kernel's view of a node's interfaces, kept current from rtnetlink.
 *
 * A table of links (ifindex, name, admin state, carrier, MTU, MAC) with their IPv4 and
 * IPv6 addresses, filled by an RTM_GETLINK + RTM_GETADDR dump and then kept current
 * by the RTMGRP_LINK / RTMGRP_IPV4_IFADDR / RTMGRP_IPV6_IFADDR multicast groups
 * (rtnetlink(7)). Every change is reported once, as a diff of the old and new entry
 * (carrier, MTU, addresses, name, added, removed), so the speaker can take an
 * adjacency down the moment its link loses carrier and the agent can switch to a
 * backup. Two layers: nlmon_table_apply() is pure (it parses one netlink message into
 * the table and reports what changed; tests/kernel and tests/unit feed it messages),
 * and struct nlmon is the edge (libmnl sockets polled by libuv; ENOBUFS on the event
 * socket triggers a full re-dump whose diff is reported like any other change).
 * Used by speaker/speaker.c and fib-agent/. Carrier means IFF_UP and IFF_LOWER_UP. */
#ifndef KVTE_LIB_NLMON_H
#define KVTE_LIB_NLMON_H

#include <net/if.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lib/addr.h"

#define NLMON_MAX_ADDRS 16

struct nlmon_addr {
	addr_t addr;
	uint8_t plen;
	uint8_t scope;		/* RT_SCOPE_*: link-local IPv6 is RT_SCOPE_LINK (253) */
};

struct nlmon_link {
	uint32_t ifindex;
	char name[IF_NAMESIZE];
	unsigned flags;		/* IFF_* */
	bool carrier;		/* IFF_UP && IFF_LOWER_UP */
	uint32_t mtu;
	bool has_mac;
	uint8_t mac[6];
	size_t naddr;
	struct nlmon_addr addr[NLMON_MAX_ADDRS];	/* sorted (family, address, length) */
	bool addr_overflow;	/* more addresses than NLMON_MAX_ADDRS: the rest ignored */
};

/* What changed in one report (bits). */
enum {
	NLMON_ADDED = 1 << 0,
	NLMON_REMOVED = 1 << 1,
	NLMON_CARRIER = 1 << 2,
	NLMON_MTU = 1 << 3,
	NLMON_ADDRS = 1 << 4,
	NLMON_NAME = 1 << 5,
	NLMON_MAC = 1 << 6,
};

struct nlmon_table {
	struct nlmon_link *v;	/* sorted by ifindex */
	size_t n, cap;
};

/* One change: old is NULL when added, new is NULL when removed. Valid during the
 * callback only. */
typedef void (*nlmon_change_fn)(const struct nlmon_link *old, const struct nlmon_link *new,
				unsigned what, void *arg);

void nlmon_table_init(struct nlmon_table *t);
void nlmon_table_free(struct nlmon_table *t);
const struct nlmon_link *nlmon_table_find(const struct nlmon_table *t, uint32_t ifindex);
const struct nlmon_link *nlmon_table_find_name(const struct nlmon_table *t, const char *name);
/* Apply one RTM_NEWLINK / RTM_DELLINK / RTM_NEWADDR / RTM_DELADDR message; other types
 * are ignored. Reports the change through fn (may be NULL). Returns 0, -EBADMSG for a
 * malformed message (nothing changed) or -ENOMEM. */
int nlmon_table_apply(struct nlmon_table *t, const void *nlh, size_t len, nlmon_change_fn fn,
		      void *arg);
/* Report every difference between two tables as changes (old → new). */
void nlmon_table_diff(const struct nlmon_table *old, const struct nlmon_table *new,
		      nlmon_change_fn fn, void *arg);
/* "carrier,addrs" for log lines. */
const char *nlmon_what_str(unsigned what, char *buf, size_t len);

/* The edge: a monitor on a libuv loop, in the caller's network namespace. */
struct nlmon;
/* Open the sockets, dump links and addresses (every link is reported as ADDED before
 * this returns), then report changes as they happen. Returns 0 or a negative errno
 * with a reason in err. */
int nlmon_open(uv_loop_t *loop, nlmon_change_fn fn, void *arg, struct nlmon **out, char *err,
	       size_t errlen);
const struct nlmon_table *nlmon_table(const struct nlmon *m);
/* Stop and free (the uv handle is closed asynchronously; the loop must run once). */
void nlmon_close(struct nlmon *m);

#endif
