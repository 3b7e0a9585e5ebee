/* agent_input — what one etcd value means to a node's FIB agent.
 *
 * Parses the values the agent watches (docs/keys.md; schemas rib-isis-route,
 * rib-te-tunnel, rib-sid, rib-protect, static-route, bgp-route) into the agent's terms:
 * RIB candidates (fib-agent/rib.h), local SIDs (struct nl_sid, fib-agent/nl_route.h),
 * the tunnel's backup for local repair, and a link's bypass. DESIGN §6 (SRv6: segment
 * lists start after the first hop, which the agent pins with a /128 "te" route for
 * segment 0; SR-MPLS, RFC 8667: a tunnel's label stack is pushed toward its first hop,
 * which needs no pin, a local MPLS label is an AF_MPLS route: pop / swap and forward,
 * or pop and look up), §9 (sources, preferences, recursive BGP next hops; local repair), §10
 * (BGP best-path order). Pure: text in, structs out, a specific error for anything
 * that does not fit ("rib/r1/isis/10.0.0.0_24: next_hops[0].address: expected an IP
 * address, got 12"); read with lib/jx.h, keys with lib/keys.h. Used by
 * fib-agent/agent.c; tested by tests/unit/test_agent_input.c. */
#ifndef KVTE_FIB_AGENT_AGENT_INPUT_H
#define KVTE_FIB_AGENT_AGENT_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fib-agent/nl_route.h"
#include "fib-agent/rib.h"
#include "lib/keys.h"

#define AGENT_MAX_DESTS 8

enum agent_input_kind {
	AGENT_IN_IGNORE,	/* not for this agent (another node's key, an unknown family) */
	AGENT_IN_ISIS,		/* one candidate */
	AGENT_IN_STATIC,	/* one candidate */
	AGENT_IN_TE,		/* one candidate per destination + pin + backup */
	AGENT_IN_SID,		/* a local SID */
	AGENT_IN_PROTECT,	/* the bypass of one of our links */
	AGENT_IN_BGP,		/* one BGP route (best path chosen by the agent) */
	AGENT_IN_LABEL,		/* a local MPLS label (rib/<node>/sid/<label>) */
};
#define AGENT_IN_KINDS (AGENT_IN_LABEL + 1)

/* A TE tunnel (rib/<node>/te/<lsp>). */
struct agent_tunnel {
	char lsp[KEYS_NAME_MAX + 1];
	size_t n_dest;
	prefix_t dest[AGENT_MAX_DESTS];
	uint32_t metric;
	bool mpls;			/* dataplane mpls: nh.labels (may be 0 of them) */
	struct rib_nh nh;		/* first hop with the segment list or label stack */
	bool has_backup;
	char backup_ifname[RIB_IFNAME_MAX + 1];	/* our interface of the protected link */
	struct rib_nh backup_nh;	/* the backup's first hop and segments or labels */
};

/* The bypass of one of our links (rib/<node>/protect/<link>). */
struct agent_protect {
	char ifname[RIB_IFNAME_MAX + 1];	/* the protected link, ours */
	bool mpls;			/* dataplane mpls: nh.labels (may be 0 of them) */
	struct rib_nh nh;		/* the bypass's first hop and segments or labels */
	char merge_point[KEYS_NAME_MAX + 1];
};

/* A BGP route learned at a border node (bgp/routes/<prefix>/<node>). */
struct agent_bgp {
	prefix_t prefix;
	char node[KEYS_NAME_MAX + 1];	/* the border node */
	addr_t protocol_next_hop;	/* its loopback (or, at that node, the peer) */
	addr_t external_next_hop;
	uint32_t local_pref;		/* 100 when absent */
	uint32_t as_path_len;
	unsigned origin;		/* 0 igp, 1 egp, 2 incomplete */
	uint32_t med;			/* 0 when absent */
};

struct agent_input {
	enum agent_input_kind kind;
	struct rib_candidate cand;	/* ISIS, STATIC */
	struct agent_tunnel te;
	struct nl_sid sid;
	struct nl_mpls_route label;	/* LABEL: one next hop (none for pop-lookup: lo) */
	struct agent_protect protect;
	struct agent_bgp bgp;
};

/* Parse the value at key for node `node`. Returns 0 (with *out; kind IGNORE for keys
 * that are not this node's business), or -EINVAL with "<key>: <path>: <reason>" in err
 * (a value whose key and content disagree is an error too). A static route of type
 * blackhole/reject is -EOPNOTSUPP ("not supported by the agent yet"), and so is an MPLS
 * pop-lookup in a table other than main (Linux MPLS has one label table). Label stacks
 * hold at most RIB_MAX_SEGS labels. Whether the kernel can program an entry (seg6,
 * MPLS, MPLS push) is not decided here but by fib-agent/agent.c. */
int agent_input_parse(const keys_t *k, const char *node, const char *key, const char *value,
		      size_t len, struct agent_input *out, char *err, size_t errlen);

/* BGP best path (DESIGN §10, docs/bgp.md): higher local preference, shorter AS path,
 * lower origin (IGP < EGP < incomplete), lower MED, then the lower node name. Returns
 * < 0 if a is better than b, > 0 if b is, 0 if equal. */
int agent_bgp_cmp(const struct agent_bgp *a, const struct agent_bgp *b);

#endif
