/* rib — the FIB agent's routing table core: per-prefix candidates from every source,
 * best-route selection by preference (DESIGN §9, issue 4 deliverable 2), recursive
 * resolution of BGP protocol next hops over TE tunnels first ("inet.3"), else over the
 * longest-matching non-BGP route, with next-hop tracking so a change re-evaluates only
 * its dependents, and a pure diff planner from desired FIB + kernel state to ordered
 * add/replace/delete operations. Pure: no netlink, no etcd. Uses lib/addr.h; the
 * netlink and etcd edges of fib-agent/ feed it; tests/unit/test_rib.c checks it;
 * docs/agent.md ("RIB") documents the rules. */
#ifndef KVTE_FIB_AGENT_RIB_H
#define KVTE_FIB_AGENT_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define RIB_MAX_NH 16
#define RIB_MAX_SEGS 10
#define RIB_IFNAME_MAX 15
#define RIB_NAME_MAX 63

/* Order is the final tie-break between equal preference and metric. */
enum rib_source {
	RIB_SRC_CONNECTED,
	RIB_SRC_LOCAL,
	RIB_SRC_STATIC,
	RIB_SRC_TE,
	RIB_SRC_ISIS,
	RIB_SRC_BGP,
	RIB_SRC_COUNT
};

/* One forwarding next hop. gateway family 0: on-link. tunnel "" unless the next hop
 * enters a TE tunnel; then segs (SRv6) or labels (MPLS) are pushed. */
struct rib_nh {
	addr_t gateway;
	char ifname[RIB_IFNAME_MAX + 1];
	char tunnel[RIB_NAME_MAX + 1];
	uint8_t n_segs;
	addr_t segs[RIB_MAX_SEGS];
	uint8_t n_labels;
	uint32_t labels[RIB_MAX_SEGS];
};

/* One candidate route. Identity: (prefix, source, origin); origin names it inside its
 * source (LSP name for te, border node for bgp, "" otherwise). preference < 0 takes
 * the source's default. BGP candidates carry protocol_next_hop and no next hops. */
struct rib_candidate {
	prefix_t prefix;
	enum rib_source source;
	char origin[RIB_NAME_MAX + 1];
	int preference;
	uint32_t metric;
	addr_t protocol_next_hop;
	size_t n_nh;
	struct rib_nh nh[RIB_MAX_NH];
};

/* A desired (or kernel) FIB entry. Next hops are kept in canonical order. */
struct rib_fib_entry {
	prefix_t prefix;
	enum rib_source source;
	uint8_t preference;
	uint32_t metric;
	size_t n_nh;
	struct rib_nh nh[RIB_MAX_NH];
};

enum rib_unresolved_reason {
	RIB_UNRES_NONE,
	RIB_UNRES_NO_NEXT_HOP,   /* protocol next hop unset */
	RIB_UNRES_NO_ROUTE,      /* no tunnel and no route covers the next hop */
	RIB_UNRES_ONLY_BGP,      /* only BGP routes cover it (no BGP over BGP) */
};

struct rib_unresolved {
	prefix_t prefix;
	char origin[RIB_NAME_MAX + 1];
	addr_t protocol_next_hop;
	enum rib_unresolved_reason reason;
};

struct rib;

struct rib *rib_new(void); /* NULL on allocation failure */
void rib_free(struct rib *rib);
const char *rib_source_name(enum rib_source src);
const char *rib_unresolved_reason_name(enum rib_unresolved_reason r);
/* Default preference: connected 0, local 1, static 5, te 7, isis 18 (level 2; level 1
 * callers pass 15), bgp 170. 255 for an unknown source. */
uint8_t rib_default_preference(enum rib_source src);

/* Add or replace a candidate. -EINVAL on a bad source, preference > 255, too many
 * next hops, a BGP candidate with next hops or a non-BGP one with none; -ENOMEM. */
int rib_update(struct rib *rib, const struct rib_candidate *c);
/* Remove a candidate; -ENOENT if absent. */
int rib_withdraw(struct rib *rib, const prefix_t *p, enum rib_source src,
		 const char *origin);
/* Re-resolve the protocol next hops touched by changes since the last call, then
 * recompute the prefixes that depend on them or changed themselves. Returns how many
 * prefixes were recomputed. */
int rib_process(struct rib *rib);
/* The FIB entry for exactly p (after rib_process): 0, or -ENOENT if p has no
 * installable route. */
int rib_lookup(const struct rib *rib, const prefix_t *p, struct rib_fib_entry *out);
/* The whole desired FIB in prefix order, malloc'ed into *out (free()). 0 or -ENOMEM. */
int rib_fib(const struct rib *rib, struct rib_fib_entry **out, size_t *n);
/* Unresolved BGP candidates in prefix then origin order, malloc'ed (free()). */
int rib_unresolved(const struct rib *rib, struct rib_unresolved **out, size_t *n);

enum rib_op_kind { RIB_OP_ADD, RIB_OP_REPLACE, RIB_OP_DELETE };

struct rib_op {
	enum rib_op_kind kind;
	struct rib_fib_entry entry; /* the new entry (add/replace) or the old one (delete) */
};

/* Plan the operations that turn `current` (kernel) into `desired`. An entry equal in
 * next-hop set (order ignored) is left alone; a prefix in both with other next hops
 * is one replace; adds and replaces (prefix order) come before deletes (prefix
 * order), so no prefix is ever without a route while it is still wanted. *ops is
 * malloc'ed (free(); NULL when *n_ops is 0). 0, -EINVAL (duplicate prefix in one
 * input, NULL with a count), -ENOMEM. */
int rib_plan(const struct rib_fib_entry *desired, size_t n_desired,
	     const struct rib_fib_entry *current, size_t n_current, struct rib_op **ops,
	     size_t *n_ops);

#endif
