/* ted_json — the JSON values kvte-speaker writes to etcd: decoded LSPs (ted/lsp/<lsp-id>,
 * schemas/ted-lsp.schema.json), SPF routes (rib/<node>/isis/<prefix>,
 * schemas/rib-isis-route.schema.json), the node's own SIDs (rib/<node>/sid/<sid>,
 * schemas/rib-sid.schema.json) and speaker liveness (speakers/<node>,
 * schemas/speaker.schema.json).
 *
 * ISO 10589 9.8/9.9 (LSP header), RFC 1195 / RFC 5302 (narrow TLVs 128/130, NLPIDs),
 * RFC 5301 (hostname), RFC 5305 3-4 / RFC 6119 / RFC 8570 (TE sub-TLVs, bandwidth as
 * IEEE float bytes/s written as bits/s, delays in µs), RFC 5307 1.3 (TLV 138 SRLGs folded
 * into the is_reach entry they describe), RFC 5308 (IPv6), RFC 7794 (prefix attribute
 * flags), RFC 7981 (router capability), RFC 8667 (SR-MPLS capability, adjacency SIDs),
 * RFC 8491 / RFC 9352 (MSDs, SRv6 locators and SIDs), RFC 8986 (endpoint behaviors, by
 * name). Works on speaker/isis.h PDUs (decoded by speaker/pdu.c), speaker/spf.h routes
 * and adjacency tables, lib/addr.h addresses; uses jansson. Pure: no I/O, no clocks
 * (timestamps are passed in). Deterministic: fields in schema order, TLVs in wire
 * order, so equal inputs give byte-equal text from ted_json_dumps (N speakers write one
 * value). The consumer is te-controller/ted.c; docs/speaker.md ("etcd values") has the
 * rules. Tested by tests/unit/test_ted_json.c. */
#ifndef KVTE_SPEAKER_TED_JSON_H
#define KVTE_SPEAKER_TED_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "speaker/adj.h"
#include "speaker/isis.h"
#include "speaker/spf.h"


/* The canonical text of a value: compact, fields in insertion (schema) order, no
 * trailing newline. These are the exact bytes written to etcd. malloc'd (free()),
 * NULL for NULL or on ENOMEM. */
char *ted_json_dumps(const json_t *v);


/* A decoded L1/L2 LSP (one fragment) as a ted-lsp value. remaining_lifetime is the
 * value to publish (the LSDB's aged lifetime). A purge (PDU lifetime 0, or
 * remaining_lifetime 0) gives only the header fields, with remaining_lifetime 0.
 *
 * What the schema has no place for is kept, never dropped silently: a TLV kvte does not
 * decode, a TLV with no schema field (6, 8, 9, 13, 240 ...), a second copy of a
 * single-valued TLV (137, 134, 140, 242), a hostname that is no kvte node name, an area
 * of even length, a narrow prefix with a non-contiguous mask, an unknown NLPID, a TLV 138
 * whose link is not in this fragment — each goes to unknown_tlvs as its wire bytes
 * (list TLVs item by item, in wire order); likewise sub-TLVs to the entry's
 * unknown_subtlvs (link IDs, a repeated sub-TLV, a NaN / negative bandwidth, a behavior
 * the schema does not name...). Exceptions: authentication publishes the first TLV 10's
 * type only (never its bytes; later ones are dropped); the SID flags and sub-sub-TLVs
 * of End / End.X SIDs, narrow default-metric I/E bits and the delay/expense/error
 * metrics, TLV 236 reserved flags, the A bit of sub-TLV 34 and SRv6 capability flags
 * other than O are not represented.
 *
 * Returns a new reference, or NULL with err (errlen bytes, may be NULL): "not an LSP
 * (PDU type 17)", "sequence number 0 (the schema needs 1..2^32-1)", "no PDU",
 * "out of memory", and for hand-built PDUs the wire cannot carry "TLV 135: prefix
 * length 40" (likewise 236, 27). */
json_t *ted_json_lsp(const struct isis_pdu *lsp, uint16_t remaining_lifetime, char *err,
		     size_t errlen);

/* Neighbor names for routes: write the hostname of sysid into buf (NUL-terminated)
 * and return true, or return false when unknown (the next hop then has no
 * "neighbor"). A name that is not a kvte node name (lib/keys.h) is left out too. */
typedef bool (*ted_json_name_fn)(void *ctx, const uint8_t sysid[ISIS_SYSID_LEN], char *buf,
				 size_t len);

/* A ready-made ted_json_name_fn over an SPF run's results (ctx: const struct isis_spf *):
 * the hostname of the node's fragment 0 (binary search on spf->nodes). */
bool ted_json_spf_hostname(void *ctx, const uint8_t sysid[ISIS_SYSID_LEN], char *buf,
			   size_t len);

struct ted_json_route_in {
	const struct isis_spf *spf;		/* the run: routes index spf->nh */
	const struct isis_spf_route *route;	/* one of spf->routes */
	int level;				/* 1 or 2 */
	const struct isis_spf_adj *adj;		/* the adjacency table given to the run */
	size_t nadj;
	ted_json_name_fn name;			/* NULL: no neighbor names */
	void *name_ctx;
};

/* One SPF route as a rib-isis-route value: prefix, metric, level, next_hops (one per
 * first-hop adjacency: interface, the neighbor's address of the route's family —
 * IPv4 routes the TLV 132 address, IPv6 routes the link-local one — and the neighbor's
 * hostname), sorted by interface then address, duplicates removed. No timestamps: an
 * SPF that changes nothing gives the same bytes. Adjacencies without an address of the
 * route's family are left out of next_hops.
 *
 * The schema needs at least one next hop, so a local route (ISIS_SPF_R_LOCAL: ours,
 * connected) has no value: the caller skips local routes (they are the kernel's
 * connected routes); passing one returns NULL with "local route: no next hop". Other
 * errors: "level N", "next hop index N out of range (M adjacencies)", "adjacency N:
 * interface \"...\" is not a Linux interface name", "no next hop with an IPv4/IPv6
 * address", "out of memory". */
json_t *ted_json_route(const struct ted_json_route_in *in, char *err, size_t errlen);

/* The SIDs the speaker owns (rib-sid; End.B6.Encaps binding SIDs are the
 * controller's; of the MPLS forms the speaker writes "pop" adjacency labels). */
enum ted_json_sid_behavior {
	TED_JSON_SID_END,
	TED_JSON_SID_END_X,
	TED_JSON_SID_END_DT6,
	TED_JSON_SID_END_DX4,
};

struct ted_json_sid_in {
	enum ted_json_sid_behavior behavior;
	addr_t sid;			/* IPv6 */
	/* End.X: nh6 (the neighbor's link-local address) and interface are required,
	 * neighbor (hostname) optional. End.DX4: interface optional. */
	addr_t nh6;
	const char *interface;
	const char *neighbor;
	uint32_t table;			/* End.DT6: 0 = "main", else the table number */
	addr_t nh4;			/* End.DX4: unset = "0.0.0.0" (look up the inner
					 * destination) */
};

/* Returns the rib-sid value or NULL with err ("sid: not an IPv6 address", "End.X:
 * nh6: ...", "interface: ...", "neighbor: ...", "unknown behavior N", "out of
 * memory"). */
json_t *ted_json_sid(const struct ted_json_sid_in *in, char *err, size_t errlen);

/* A local SR-MPLS adjacency label (RFC 8667 2.2.1): rib-sid's MPLS "pop" form, pop
 * and forward out of interface to the neighbor's address. */
struct ted_json_label_in {
	uint32_t label;			/* 16..1048575 */
	const char *interface;		/* required */
	addr_t address;			/* the neighbor's IPv4 or (link-local) IPv6 */
	const char *neighbor;		/* hostname, optional */
};

/* Returns the value or NULL with err ("label: N is not 16..1048575", "interface: ...",
 * "address: ...", "neighbor: ...", "out of memory"). */
json_t *ted_json_label(const struct ted_json_label_in *in, char *err, size_t errlen);

/* One circuit of the speaker (speakers/<node> adjacencies[]). */
struct ted_json_adj_in {
	const char *interface;
	enum isis_adj_state state;
	bool has_neighbor;		/* nbr_sysid heard (Initializing, Up) */
	uint8_t nbr_sysid[ISIS_SYSID_LEN];
	const char *neighbor;		/* hostname from its LSP; NULL: the system ID */
	uint8_t level;			/* 1, 2, 3; 0 = leave out */
	addr_t local4;			/* our addresses on the link (unset: none) */
	addr_t local6;
	addr_t nbr4;			/* from its hellos (TLV 132 / 232) */
	addr_t nbr6;
	uint16_t hold_time;		/* 0 = leave out */
	const char *up_since;		/* RFC 3339 (lib/timefmt.h); required when Up */
	addr_t end_x_sid;		/* unset: none */
	const char *reason;		/* why not up; NULL or "": none; cut at 256 bytes */
};

struct ted_json_speaker_in {
	const char *node;		/* our hostname */
	uint8_t system_id[ISIS_SYSID_LEN];
	const struct isis_area *areas;
	size_t nareas;			/* 0 = leave out */
	uint8_t level;			/* 1, 2, 3; 0 = leave out */
	bool overload;
	const char *started;		/* RFC 3339 (lib/timefmt.h) */
	uint32_t pid;			/* 0 = leave out */
	const char *version;		/* NULL = leave out */
	const struct ted_json_adj_in *adj;
	size_t nadj;
};

/* The speaker value: node, system_id, areas, level, overload, started, pid, version,
 * adjacencies sorted by interface name, each {interface, state, neighbor,
 * neighbor_system_id, level, circuit "p2p", local_address, local_address6,
 * neighbor_address, neighbor_address6, hold_time, up_since (Up only), end_x_sid,
 * reason}. Returns NULL with err naming the field ("adjacencies[1] (et3): up without
 * up_since", "started: not an RFC 3339 timestamp", ...). */
json_t *ted_json_speaker(const struct ted_json_speaker_in *in, char *err, size_t errlen);

#endif
