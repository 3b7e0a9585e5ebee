/* nl_route — the FIB agent's netlink route layer (DESIGN §6 and §9, issue 4 deliverables
 * 3, 4 and 7): pure builders that turn a struct rib_fib_entry (fib-agent/rib.h), a local
 * SRv6 SID (struct nl_sid) or an MPLS label route (struct nl_mpls_route) into
 * RTM_NEWROUTE / RTM_DELROUTE messages with libmnl, and the parser that turns the
 * kernel's RTM_NEWROUTE dump messages back into the same structures; a blocking
 * NETLINK_ROUTE socket edge that sends many messages per sendmsg with NLM_F_ACK on each
 * and maps every ack (and extended-ack text) back to its operation, dumps the kernel's
 * kvte routes and reconciles them against a desired set with rib_plan; the kernel
 * capability probe (MPLS, seg6); and the dataplane sysctls. Written from the UAPI
 * headers linux/rtnetlink.h, linux/lwtunnel.h, linux/seg6.h (SRH, RFC 8754),
 * linux/seg6_iptunnel.h (H.Encaps, RFC 8986 §5.1), linux/seg6_local.h (End, End.X,
 * End.DT6, End.DX4, End.B6.Encaps: RFC 8986 §4), linux/mpls.h and linux/mpls_iptunnel.h
 * (RFC 3032 label stack entries). Implemented in fib-agent/nl_route.c; tested by
 * tests/unit/test_nl_route.c (pure, byte layouts) and tests/kernel/test_nl_route.c
 * (real kernel, per-test network namespace); documented in docs/agent.md ("Netlink"). */
#ifndef KVTE_FIB_AGENT_NL_ROUTE_H
#define KVTE_FIB_AGENT_NL_ROUTE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fib-agent/rib.h"
#include "lib/addr.h"

struct nlmsghdr;

/* kvte's route protocol number (rtm_protocol) on every route it installs, and the only
 * routes it dumps, replaces or deletes. 222: not defined in linux/rtnetlink.h (0-18,
 * 42, 99, 186-189, 192), iproute2's rt_protos, nor FRR's rt_protos.d (186-197, where
 * 196 is zebra's static routes, which zebra sweeps at start). scripts/setup-debian.sh
 * names it "kvte" in /etc/iproute2/rt_protos.d/kvte.conf: `ip route show proto kvte`. */
#define KVTE_RTPROT 222
#define NL_TABLE_MAIN 254 /* RT_TABLE_MAIN */
#define NL_ERRMSG_MAX 192
#define NL_MPLS_LABEL_MAX 1048575u
/* Encapsulation overhead subtracted from the link MTU for the route MTU. */
#define NL_SEG6_ENCAP_OVERHEAD(n) (40u + 8u + 16u * (unsigned)(n))
#define NL_MPLS_ENCAP_OVERHEAD(n) (4u * (unsigned)(n))

/* Interface names <-> indexes and link MTUs. The pure builders and parser only call
 * these; the edge passes nl_resolver_system() (if_nametoindex & co in the calling
 * thread's network namespace) and tests pass their own. */
struct nl_resolver {
	/* ifindex (> 0) of name, or a negative errno (-ENODEV). */
	int (*ifindex)(void *ctx, const char *name);
	/* name of ifindex into buf (len >= RIB_IFNAME_MAX + 1): 0 or negative errno. */
	int (*ifname)(void *ctx, int ifindex, char *buf, size_t len);
	/* link MTU of ifindex, 0 if unknown (then no route MTU is set). May be NULL. */
	uint32_t (*mtu)(void *ctx, int ifindex);
	void *ctx;
};
const struct nl_resolver *nl_resolver_system(void);

/* Where and how routes go. table 0 means main (254); priority 0 leaves RTA_PRIORITY
 * out (kernel default: 0 for IPv4, 1024 for IPv6). MPLS routes always use table main
 * (the kernel has no other). */
struct nl_route_opts {
	const struct nl_resolver *res;
	uint32_t table;
	uint32_t priority;
};

/* A local SRv6 SID (a seg6local route). Behaviors and their parameters:
 *   End            -
 *   End.X          nh6 (IPv6 next hop, global or link-local)
 *   End.DT6        table (254 = main)
 *   End.DX4        nh4 (0.0.0.0: look up the inner destination)
 *   End.B6.Encaps  segs (new segment list, in path order: segs[0] is visited first)
 * ifname is the device the SID route sits on (the kernel needs one; usually the
 * outgoing link for End.X, any up device otherwise). Unused fields must be zero. */
enum nl_sid_behavior {
	NL_SID_END = 1,
	NL_SID_END_X,
	NL_SID_END_DT6,
	NL_SID_END_DX4,
	NL_SID_END_B6_ENCAPS,
};

struct nl_sid {
	prefix_t sid; /* IPv6, normally a /128 */
	enum nl_sid_behavior behavior;
	char ifname[RIB_IFNAME_MAX + 1];
	addr_t nh6;
	addr_t nh4;
	uint32_t table;
	uint8_t n_segs;
	addr_t segs[RIB_MAX_SEGS];
};

/* An MPLS label route (AF_MPLS): incoming label and its next hops. Per next hop:
 * gateway = the via address (IPv4 or IPv6; unset = none, e.g. pop to dev lo), ifname
 * = the outgoing device, labels[0..n_labels) = the stack that replaces the incoming
 * label (swap; labels[0] outermost); n_labels 0 = pop. tunnel and segs are unused. */
struct nl_mpls_route {
	uint32_t label;
	size_t n_nh;
	struct rib_nh nh[RIB_MAX_NH];
};

/* A whole FIB: what the kernel holds (nl_route_dump) or what is wanted. */
struct nl_fib {
	struct rib_fib_entry *routes;
	size_t n_routes;
	struct nl_sid *sids;
	size_t n_sids;
	struct nl_mpls_route *mpls;
	size_t n_mpls;
};
void nl_fib_free(struct nl_fib *f); /* frees the arrays, zeroes *f */

const char *nl_sid_behavior_name(enum nl_sid_behavior b); /* "End.X", ... "?" */
int nl_sid_behavior_parse(const char *s, enum nl_sid_behavior *out); /* 0 / -EINVAL */

/* ---- pure message building ---------------------------------------------------- */

/* Each builder writes one complete netlink message at buf (len bytes available) with
 * NLM_F_REQUEST | NLM_F_ACK and sequence number seq: RIB_OP_ADD = RTM_NEWROUTE
 * NLM_F_CREATE | NLM_F_EXCL (an existing route of any protocol is an error, never
 * overwritten), RIB_OP_REPLACE = RTM_NEWROUTE NLM_F_CREATE | NLM_F_REPLACE,
 * RIB_OP_DELETE = RTM_DELROUTE by prefix (or label), table and KVTE_RTPROT, which
 * removes every next hop. Returns the message length, or -ENOSPC (buffer too small),
 * -EINVAL (bad entry: no next hop, segments and labels on one next hop, bad label or
 * family), -EAFNOSUPPORT (IPv4 gateway for an IPv6 route), or the resolver's error
 * (-ENODEV) for an unknown interface.
 *
 * Routes: one next hop as RTA_OIF + RTA_GATEWAY (RTA_VIA for an IPv6 gateway of an
 * IPv4 route), several as RTA_MULTIPATH (struct rtnexthop each, weight 1). A next hop
 * with segs gets H.Encaps (LWTUNNEL_ENCAP_SEG6, SEG6_IPTUN_MODE_ENCAP, SRH with the
 * segments in reverse order), one with labels an MPLS push (LWTUNNEL_ENCAP_MPLS).
 * When a next hop has an encapsulation and the resolver knows link MTUs, RTA_METRICS
 * carries RTAX_MTU = min over next hops of (link MTU - overhead). */
int nl_build_route(void *buf, size_t len, enum rib_op_kind kind,
		   const struct rib_fib_entry *e, const struct nl_route_opts *o,
		   uint32_t seq);
int nl_build_sid(void *buf, size_t len, enum rib_op_kind kind, const struct nl_sid *sid,
		 const struct nl_route_opts *o, uint32_t seq);
int nl_build_mpls(void *buf, size_t len, enum rib_op_kind kind,
		  const struct nl_mpls_route *r, const struct nl_route_opts *o,
		  uint32_t seq);
/* RTM_GETROUTE dump request for family (AF_INET, AF_INET6, AF_MPLS) filtered (with
 * strict checking) to KVTE_RTPROT and o->table. Returns the length or -ENOSPC. */
int nl_build_dump(void *buf, size_t len, int family, const struct nl_route_opts *o,
		  uint32_t seq);

/* The route MTU nl_build_route would set for e (0: none). */
uint32_t nl_route_mtu(const struct rib_fib_entry *e, const struct nl_route_opts *o);

/* ---- pure parsing ------------------------------------------------------------- */

enum nl_obj { NL_OBJ_NONE, NL_OBJ_ROUTE, NL_OBJ_SID, NL_OBJ_MPLS };

struct nl_parsed {
	enum nl_obj kind;
	union {
		struct rib_fib_entry route;
		struct nl_sid sid;
		struct nl_mpls_route mpls;
	};
};

/* Parse one RTM_NEWROUTE message (a dump reply, or one of our own requests) into out.
 * Returns the kind: NL_OBJ_NONE for what is not kvte's (other protocol, other table,
 * cached clones, other families), NL_OBJ_ROUTE / _SID (seg6local) / _MPLS, or -EINVAL
 * for a malformed message (where and why in err[NL_ERRMSG_MAX] if err is not NULL).
 * A kvte route this layer cannot represent exactly (another route type, seg6 inline
 * mode, a nexthop object, an interface the resolver cannot name) comes back with no
 * next hops (routes, MPLS) or behavior 0 (SIDs), so reconciliation replaces or
 * deletes it. Routes come back in the kernel view (see nl_route_kernel_view). */
int nl_parse_route(const struct nlmsghdr *nlh, const struct nl_route_opts *o,
		   struct nl_parsed *out, char *err);

/* What of e the kernel holds: prefix and next hops (gateway, ifname, segs, labels),
 * with source, preference, metric and tunnel names cleared (the kernel does not store
 * them) and every unused byte zero. Desired entries go through this before rib_plan
 * against a dump. */
void nl_route_kernel_view(const struct rib_fib_entry *in, struct rib_fib_entry *out);
/* Equality of what the kernel holds; next-hop order is ignored. */
bool nl_route_equal(const struct rib_fib_entry *a, const struct rib_fib_entry *b);
bool nl_sid_equal(const struct nl_sid *a, const struct nl_sid *b);
bool nl_mpls_equal(const struct nl_mpls_route *a, const struct nl_mpls_route *b);

/* ---- operations and planning (pure) -------------------------------------------- */

/* One kernel operation; err and msg are filled in by nl_route_apply. */
struct nl_op {
	enum rib_op_kind kind;
	enum nl_obj obj;
	union {
		const struct rib_fib_entry *route;
		const struct nl_sid *sid;
		const struct nl_mpls_route *mpls;
	};
	int err; /* 0 or negative errno */
	char msg[NL_ERRMSG_MAX]; /* "" or "<strerror>[: <kernel's extended ack text>]" */
};

/* The operations that turn `current` into `desired`: routes by rib_plan (on the
 * kernel view of desired), SIDs by SID prefix, MPLS routes by label, each equal entry
 * left alone and a changed one replaced. Order: SID, MPLS and route adds/replaces
 * first, then route, MPLS and SID deletes. ops point into `desired`, `current` and
 * plan-owned storage: keep both inputs alive until nl_plan_free. 0, -EINVAL
 * (duplicate key in one input), -ENOMEM. */
struct nl_plan {
	struct nl_op *ops;
	size_t n_ops;
	size_t adds, replaces, deletes;
	struct rib_op *rops_; /* owned */
	struct rib_fib_entry *view_; /* owned */
};
int nl_plan_make(const struct nl_fib *desired, const struct nl_fib *current,
		 struct nl_plan *out);
void nl_plan_free(struct nl_plan *p);

/* Textual form of an op's object for messages: "route 10.0.0.0/24", "sid fc00::1/128
 * End.X", "mpls 100". */
const char *nl_op_describe(const struct nl_op *op, char *buf, size_t len);

/* ---- kernel capabilities -------------------------------------------------------- */

struct nl_caps {
	bool mpls; /* <procsys>/net/mpls/platform_labels exists (mpls_router) */
	bool mpls_encap; /* lwtunnel type mpls (mpls_iptunnel): head-end push */
	bool seg6_encap; /* lwtunnel type seg6 (CONFIG_IPV6_SEG6_LWTUNNEL): H.Encaps */
	bool seg6_local; /* lwtunnel type seg6local: local SIDs */
};
/* From files only (procsys NULL = "/proc/sys"; tests pass a fake tree): mpls from
 * platform_labels; the lwtunnel types are assumed present when their base is
 * (net/ipv6/conf/all/seg6_enabled for SRv6, mpls for the push) until
 * nl_route_sock_open asks the kernel itself (nl_caps_probe_lwt). Always succeeds. */
void nl_caps_probe(const char *procsys, struct nl_caps *out);
/* NULL when available, else the sentence to log at start and to fail entries with. */
const char *nl_caps_mpls_reason(const struct nl_caps *c);
const char *nl_caps_mpls_encap_reason(const struct nl_caps *c);
const char *nl_caps_seg6_reason(const struct nl_caps *c); /* H.Encaps */
const char *nl_caps_seg6_local_reason(const struct nl_caps *c); /* SIDs */

/* ---- the socket edge ------------------------------------------------------------ */

struct nl_route_sock;

/* Open a blocking NETLINK_ROUTE socket (extended acks, capped acks, strict dump
 * checking, 16 MiB receive buffer when allowed) and probe the capabilities: files,
 * then each lwtunnel type by sending an IPv6 route on lo whose encapsulation lacks
 * its mandatory attribute: -EINVAL means the type exists, -EOPNOTSUPP that it does
 * not; nothing is installed either way. o is copied (its resolver must outlive the
 * socket); NULL = system resolver, table main. 0 or negative errno. */
int nl_route_sock_open(struct nl_route_sock **out, const struct nl_route_opts *o);
void nl_route_sock_close(struct nl_route_sock *s);
int nl_route_sock_fd(const struct nl_route_sock *s); /* for a future poll/libuv edge */
const struct nl_caps *nl_route_sock_caps(const struct nl_route_sock *s);
/* Ask the kernel whether it has lwtunnel type LWTUNNEL_ENCAP_* `type`: 1, 0, or a
 * negative errno if the probe itself failed (-EINVAL for a type outside
 * 1..LWTUNNEL_ENCAP_MAX of the headers kvte was built with). */
int nl_caps_probe_lwt(struct nl_route_sock *s, uint16_t type);
/* Override the probed capabilities (tests). */
void nl_route_sock_set_caps(struct nl_route_sock *s, const struct nl_caps *c);

/* Send ops in batches (many messages per sendmsg), wait for every ack and store each
 * result in its op (err, msg). An op that cannot be built (unknown interface, bad
 * entry) or that needs what the kernel lacks (MPLS, MPLS push, SRv6 encapsulation or
 * SIDs: -EOPNOTSUPP with the capability sentence) fails alone without being sent; a kernel
 * error fails only its own op and the rest of the batch still applies. Returns 0 when every
 * ack arrived (*n_failed, if not NULL, = how many ops failed), -ENOBUFS when acks were
 * lost to a receive-buffer overrun (the unacknowledged ops say so; the kernel state is
 * unknown: dump and reconcile again), or another negative errno on a socket failure. */
int nl_route_apply(struct nl_route_sock *s, struct nl_op *ops, size_t n, size_t *n_failed);

/* Dump the kernel's KVTE_RTPROT routes of o->table: IPv4, IPv6 (routes and seg6local
 * SIDs) and, when the kernel has MPLS, AF_MPLS. Retried when the kernel reports the
 * dump interrupted. 0 (out owned by the caller: nl_fib_free), -ENOBUFS, or negative
 * errno. */
int nl_route_dump(struct nl_route_sock *s, struct nl_fib *out);

struct nl_reconcile_stats {
	size_t adds, replaces, deletes; /* operations sent */
	size_t failed;
	char last_error[NL_ERRMSG_MAX + 128]; /* "<op>: <msg>" of the last failure */
};
/* Dump, plan against desired, apply only the difference; failures are logged
 * (category "agent"). 0 (check st->failed), -ENOBUFS (resync: call again), or a
 * negative errno. */
int nl_route_reconcile(struct nl_route_sock *s, const struct nl_fib *desired,
		       struct nl_reconcile_stats *st);

/* ---- dataplane sysctls ----------------------------------------------------------- */

/* Called for every value changed: name in sysctl form ("net.ipv4.ip_forward"), old
 * and new values as read/written. */
typedef void (*nl_sysctl_report_fn)(void *ctx, const char *name, const char *old_value,
				    const char *new_value);

struct nl_dataplane_cfg {
	const char *const *ifnames; /* the node's TE links */
	size_t n_ifnames;
	bool mpls; /* also MPLS: net.mpls.platform_labels, conf.<if>.input */
	uint32_t platform_labels; /* 0 = 1048575 */
};

/* Set net.ipv4.ip_forward=1, net.ipv6.conf.all.forwarding=1,
 * net.ipv6.conf.{all,<if>}.seg6_enabled=1, rp_filter loose (2) on each interface
 * where it would otherwise be strict (its own value 1, or conf.all 1), and with
 * cfg->mpls the MPLS settings. Values already right are left alone. Every change is
 * logged ("agent": "sysctl NAME: OLD -> NEW") and passed to fn (may be NULL).
 * procsys NULL = "/proc/sys". Returns the number of changes, or the first negative
 * errno (every other setting is still attempted; -EOPNOTSUPP for MPLS without kernel
 * MPLS). */
int nl_dataplane_setup(const char *procsys, const struct nl_dataplane_cfg *cfg,
		       nl_sysctl_report_fn fn, void *ctx);

#endif
