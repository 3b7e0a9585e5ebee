/* node — what this node advertises, derived from its configuration and the live state
 * of its circuits: the LSP description for speaker/originate.c, the SRv6 SIDs it
 * instantiates (End, End.X per adjacency, End.DT6, End.DX4) and the adjacency table
 * the SPF needs.
 *
 * Pure (no sockets, no netlink, no clock): the daemon (speaker/speaker.c) fills one
 * struct speaker_circ per configured interface from netlink (speaker's lib/nlmon.h
 * view) and the adjacency state machine (speaker/adj.h), then calls these. Rules:
 * RFC 5305 3 (TLV 22 with TE sub-TLVs; unreserved bandwidth advertised equal to the
 * reservable bandwidth at every priority, since reservations are the controller's and
 * published in etcd, not in IS-IS), RFC 5307 1.3 (SRLG TLV 138 per link), RFC 5308
 * (IPv6 reachability of global prefixes and loopbacks), RFC 9352 (the locator in TLV
 * 27 with its End / End.DT6 / End.DX4 SIDs, also reachable in TLV 236; End.X SIDs in
 * TLV 22 sub-TLV 43). SID layout inside the locator (docs/speaker.md "SIDs"): End =
 * locator::, End.X of the n-th configured interface (1-based) = function 0xe000 + n,
 * End.DT6 = function 0xd6, End.DX4 = function 0xd4; the function is the 16 bits right
 * after the locator (locator length a multiple of 16 up to /112). A SID is advertised
 * exactly when it is instantiated (its behavior is configured). SR-MPLS (RFC 8667, off
 * unless configured): the SRGB in TLV 242 (SR-capabilities sub-TLV 2, SR-Algorithm 19
 * with algorithm 0) and, per Up adjacency, its adjacency SID label
 * (speaker_adj_label) in TLV 22 sub-TLV 31 — F clear for IPv4 when the neighbor's IPv4
 * address is known, F set for IPv6 when its link-local address is, V and L set, weight
 * 0 — exported as an MPLS "pop" label toward the neighbor (speaker_local_labels). */
#ifndef KVTE_SPEAKER_NODE_H
#define KVTE_SPEAKER_NODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "speaker/config.h"
#include "speaker/originate.h"
#include "speaker/spf.h"

#define SPEAKER_MAX_PREFIXES 64
#define SPEAKER_CIRC_ADDRS 8

#define SPEAKER_FUNC_END_X 0xe000
#define SPEAKER_FUNC_END_DT6 0x00d6
#define SPEAKER_FUNC_END_DX4 0x00d4

/* RFC 8986 endpoint behavior code points */
#define SRV6_BEHAVIOR_END 1
#define SRV6_BEHAVIOR_END_X 5
#define SRV6_BEHAVIOR_END_DX4 17
#define SRV6_BEHAVIOR_END_DT6 18

/* One configured interface at run time. */
struct speaker_circ {
	const struct speaker_iface *cfg;
	size_t index;			/* position in cfg->ifaces (End.X function) */
	bool present;			/* the kernel has the interface */
	uint32_t ifindex;
	bool carrier;
	uint32_t mtu;
	size_t n4, n6;
	prefix_t addr4[SPEAKER_CIRC_ADDRS];	/* address + plen (host bits kept) */
	prefix_t addr6[SPEAKER_CIRC_ADDRS];	/* global IPv6 addresses */
	bool has_ll6;
	addr_t ll6;			/* our link-local address */
	/* the adjacency (speaker/adj.h), when Up */
	bool adj_up;
	uint8_t nbr_sysid[ISIS_SYSID_LEN];
	addr_t nbr4;			/* neighbor's IPv4 address on the link (TLV 132) */
	addr_t nbr6;			/* neighbor's link-local IPv6 (TLV 232) */
};

/* The LSP description with the storage it points into. */
struct speaker_node_desc {
	struct isis_orig_desc d;
	struct isis_orig_link links[SPEAKER_MAX_IFACES];
	struct isis_orig_prefix ip4[SPEAKER_MAX_PREFIXES];
	struct isis_orig_prefix ip6[SPEAKER_MAX_PREFIXES];
};

/* Build what we advertise. Links only for circuits with an Up adjacency; prefixes of
 * every present circuit with carrier (passive ones too) and the loopbacks. */
void speaker_node_desc(const struct speaker_config *cfg, const struct speaker_circ *c,
		       size_t n, struct speaker_node_desc *out);

/* The SID with function `func` in the locator: 0, or -EINVAL without a locator or with
 * a locator longer than /112 or not a multiple of 16 bits. */
int speaker_sid(const struct speaker_config *cfg, uint16_t func, addr_t *out);

/* One local SID the node instantiates (exported to rib/<node>/sid/<sid>). */
struct speaker_local_sid {
	addr_t sid;
	uint16_t behavior;		/* SRV6_BEHAVIOR_* */
	const struct speaker_circ *circ;	/* End.X: the adjacency's circuit */
};

/* Every local SID, sorted by SID: End, End.DX4, End.DT6 (if configured) and End.X for
 * each Up adjacency with a link-local neighbor address. Returns the count (<= cap). */
size_t speaker_local_sids(const struct speaker_config *cfg, const struct speaker_circ *c,
			  size_t n, struct speaker_local_sid *out, size_t cap);

/* One local SR-MPLS adjacency label (exported to rib/<node>/sid/<label>, op pop). */
struct speaker_local_label {
	uint32_t label;
	const struct speaker_circ *circ;	/* the adjacency's circuit */
	addr_t nh;				/* the neighbor: IPv4, else link-local IPv6 */
};

/* Every local adjacency label, in circuit order: one per Up adjacency whose interface
 * has a label (speaker_adj_label) and whose neighbor has an address. Returns the count
 * (<= cap). */
size_t speaker_local_labels(const struct speaker_config *cfg, const struct speaker_circ *c,
			    size_t n, struct speaker_local_label *out, size_t cap);

/* The SPF adjacency table: one entry per Up adjacency, in circuit order; circ_of[i]
 * (may be NULL) receives the circuit index of entry i. Returns the count. */
size_t speaker_spf_adjs(const struct speaker_circ *c, size_t n, struct isis_spf_adj *out,
			size_t *circ_of);

#endif
