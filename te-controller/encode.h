/* encode — a computed path on the TED as the values the controller writes to etcd.
 *
 * DESIGN §6 (segment routing, two encodings; local repair) and §8 (protection). The
 * dataplane is chosen per path, by this rule, applied the same way to a primary path
 * (encode_lsp_make) and to a link bypass (encode_bypass_make):
 *   1. SRv6 when every link of the path after the first has an End.X SID and the last
 *      node has the decapsulation SID it needs (primary: the tail's End.DX4 when it has
 *      one and an IPv4 router ID to steer, else its End.DT6; bypass: the merge point's
 *      End.DT6, which decapsulates and looks up the inner header). Segments: the End.X
 *      SID of every link after the first (every hop strict; the first link is the first
 *      hop, so the head end's own End.X SID is not a segment and the agent pins segment
 *      0 to it), then that decapsulation SID. SRv6 always wins when it is possible, so a
 *      domain that only runs SRv6 encodes exactly as before.
 *   2. else SR-MPLS (RFC 8667) when every link after the first has an adjacency SID
 *      label (sub-TLV 31; the TED's first label of the link) — and, for a one-link
 *      path, when that link has one (so a pure SRv6 domain never falls back to MPLS
 *      just because there is nothing after the first link). Label stack, top first:
 *      the adjacency label of every link after the first. The head end (or PLR) sends
 *      to the first hop itself; each node pops its own adjacency label and forwards out
 *      of that adjacency, so the last label is popped by the penultimate node and the
 *      tail receives the plain IP packet (no tail label, no node SID needed). A
 *      one-link path has an empty stack (plain IP to the neighbor). A bypass's stack
 *      leads the PLR's traffic to the merge point, which then sees the protected LSP's
 *      remaining stack (the PLR swaps its own adjacency label for the bypass stack).
 *      The head end's tunnel backup (the bypass of its first link) is the bypass stack
 *      followed by the primary stack, so the repaired traffic rejoins the TE path at
 *      the merge point (omitted above 30 labels). At most 30 labels (the Linux limit).
 *   3. else the path cannot be encoded; the reason names what is missing for each:
 *      "SRv6: r2:et2 has no End.X SID; SR-MPLS: r2:et2 has no adjacency label".
 * Both encodings share a first-hop next hop (the interface from the link's name
 * "<node>:<ifname>", the neighbor's address on the link: the IPv6 link-local address
 * its speaker reports, else its IPv6, else its IPv4 interface address) and the
 * destinations (the tail's TE router IDs as /32 and /128). The builders return
 * jansson values valid under schemas/rib-te-tunnel, rib-protect, te-path and te-link
 * ("dataplane": "srv6" with "segments", or "mpls" with "labels"); the bytes are a
 * pure function of the inputs (no timestamps except te-path "since", which the caller
 * passes). Used by te-controller/plan.c; tested by tests/unit/test_ctl_plan.c (SRv6)
 * and tests/unit/test_encode_mpls.c (the rule, SR-MPLS). Pure: no etcd, no clock. */
#ifndef KVTE_TE_CONTROLLER_ENCODE_H
#define KVTE_TE_CONTROLLER_ENCODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"

#define ENCODE_REASON_LEN 640

/* Which encoding a path got (rule in the top comment). */
enum encode_dataplane { ENCODE_SRV6, ENCODE_MPLS };

/* A primary path, encoded. Every json_t is owned (encode_lsp_clear). */
struct encode_lsp {
	enum encode_dataplane dataplane;
	json_t *segments;     /* SRv6: ["fc00:0:1:e002::", ...]; NULL for MPLS */
	json_t *labels;       /* MPLS: [24012, ...] (may be empty); NULL for SRv6 */
	json_t *first_hop;    /* {"interface","address","neighbor"} */
	json_t *destinations; /* ["192.168.50.4/32", "fc00:0:4::1/128"] */
	json_t *nodes;        /* ["r1","r2","r4"] */
	json_t *hops;         /* [{"node":"r1","link":"r1:et2"}, ..., {"node":"r4"}] */
};

/* Encode path p. Returns 0, or -EINVAL with reason (why the path cannot be encoded:
 * "SRv6: r2:et2 has no End.X SID; SR-MPLS: r2:et2 has no adjacency label", "SRv6:
 * tail r4 advertises no End.DX4 or End.DT6 SID; SR-MPLS: ...", "first link
 * r1->r2#100.65.0.2 has no interface name (speakers/r1 does not list it)") and *out
 * cleared; -ENOMEM. */
int encode_lsp_make(const ted_t *t, const struct cspf_path *p, struct encode_lsp *out,
		    char *reason, size_t len);
void encode_lsp_clear(struct encode_lsp *e);

/* A link bypass, encoded. */
struct encode_bypass {
	uint32_t link;        /* the protected link */
	bool ok;              /* a bypass exists and could be encoded */
	uint32_t merge_point; /* the link's to node */
	enum encode_dataplane dataplane;      /* when ok */
	json_t *segments, *first_hop, *nodes; /* owned, when ok (segments: SRv6 only) */
	json_t *labels;                       /* owned, when ok and MPLS (may be empty) */
	char reason[ENCODE_REASON_LEN];       /* when !ok */
};

/* From cspf_bypass's (or cspf_node_bypass's) result protecting `link` (res->found
 * false: !ok with its reason). The merge point is the bypass's last node (the link's
 * far end when there is none). Returns 0 (check out->ok) or -ENOMEM. */
int encode_bypass_make(const ted_t *t, uint32_t link, const struct cspf_result *res,
		       struct encode_bypass *out);
void encode_bypass_clear(struct encode_bypass *b);

/* rib/<head>/te/<lsp> (rib-te-tunnel). backup (may be NULL or !ok: none) is the bypass
 * of the path's first link. New reference or NULL on allocation failure. */
json_t *encode_tunnel(const ted_t *t, const char *lsp, const struct cspf_path *p,
		      const struct encode_lsp *e, const struct encode_bypass *backup,
		      uint64_t bandwidth, uint64_t metric);

/* rib/<plr>/protect/<link> (rib-protect) for an ok bypass; lsps is a sorted array of
 * LSP names (borrowed). */
json_t *encode_protect(const ted_t *t, const struct encode_bypass *b, const json_t *lsps);

/* One te-path "bypasses" entry; an SR-MPLS bypass also carries "dataplane": "mpls"
 * and its "labels" (an SRv6 one stays as before: no dataplane field). */
json_t *encode_bypass_entry(const ted_t *t, const struct encode_bypass *b);

/* te/paths/<lsp> for an up LSP. bypasses (borrowed, may be NULL), reason ("unprotected:
 * ..." or NULL), request_revision (0: omitted). */
json_t *encode_path_up(const ted_t *t, const char *lsp, const struct lsp_request *req,
		       int64_t request_revision, const struct cspf_result *res,
		       const struct encode_lsp *e, const json_t *bypasses,
		       const char *reason, const char *since);

/* te/paths/<lsp> for a down, invalid or pending LSP. req may be NULL (invalid: only
 * what the request said is shown). */
json_t *encode_path_state(const char *lsp, const char *state, const char *reason,
			  const struct lsp_request *req, int64_t request_revision,
			  const char *since);

/* te/links/<link> (te-link) for a named link: max reservable, reserved per hold
 * priority and unreserved per setup priority from the overlay, lsps (borrowed, may be
 * NULL or empty: omitted) already ordered by priority then name. */
json_t *encode_te_link(const ted_t *t, uint32_t link, const struct cspf_overlay *ov,
		       const json_t *lsps);

/* Names used in values. */
const char *encode_metric_name(enum lsp_metric m);
const char *encode_protection_name(enum lsp_protection p);

#endif
