/* encode — a computed path on the TED as the values the controller writes to etcd.
 *
 * DESIGN §6 (SRv6 dataplane, local repair) and §8 (protection). A primary path
 * (struct cspf_path from te-controller/cspf.h) becomes an SRv6 segment list — the
 * End.X SID of every link after the first, i.e. every hop strict (the first link is
 * the first hop, so the head end's own End.X SID is not a segment; the agent pins
 * segment 0 to the first hop), then the tail's decapsulation SID
 * (End.DX4 when the tail has one and an IPv4 router ID to steer, else End.DT6) — a
 * first-hop next hop (the interface from the link's name "<node>:<ifname>", the
 * neighbor's address on the link: the IPv6 link-local address its speaker reports,
 * else its IPv6, else its IPv4 interface address) and the destinations (the tail's
 * TE router IDs as /32 and /128). A link bypass (cspf_bypass) becomes the segment
 * list PLR -> merge point ending with the merge point's End.DT6 SID (decapsulate the
 * outer header and look up the inner one, DESIGN §6 local-repair note). The builders
 * return jansson values valid under schemas/rib-te-tunnel, rib-protect, te-path and
 * te-link; the bytes are a pure function of the inputs (no timestamps except te-path
 * "since", which the caller passes). Used by te-controller/plan.c; tested by
 * tests/unit/test_ctl_plan.c. Pure: no etcd, no clock. */
#ifndef KVTE_TE_CONTROLLER_ENCODE_H
#define KVTE_TE_CONTROLLER_ENCODE_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>

#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"

#define ENCODE_REASON_LEN 640

/* A primary path, encoded. Every json_t is owned (encode_lsp_clear). */
struct encode_lsp {
	json_t *segments;     /* ["fc00:0:1:e002::", ...] */
	json_t *first_hop;    /* {"interface","address","neighbor"} */
	json_t *destinations; /* ["192.168.50.4/32", "fc00:0:4::1/128"] */
	json_t *nodes;        /* ["r1","r2","r4"] */
	json_t *hops;         /* [{"node":"r1","link":"r1:et2"}, ..., {"node":"r4"}] */
};

/* Encode path p. Returns 0, or -EINVAL with reason (why the path cannot be encoded:
 * "r2:et2 has no End.X SID", "tail r4 advertises no End.DX4 or End.DT6 SID", "first
 * link r1->r2#100.65.0.2 has no interface name (speakers/r1 does not list it)") and
 * *out cleared; -ENOMEM. */
int encode_lsp_make(const ted_t *t, const struct cspf_path *p, struct encode_lsp *out,
		    char *reason, size_t len);
void encode_lsp_clear(struct encode_lsp *e);

/* A link bypass, encoded. */
struct encode_bypass {
	uint32_t link;        /* the protected link */
	bool ok;              /* a bypass exists and could be encoded */
	uint32_t merge_point; /* the link's to node */
	json_t *segments, *first_hop, *nodes; /* owned, when ok */
	char reason[ENCODE_REASON_LEN];       /* when !ok */
};

/* From cspf_bypass's result for `link` (res->found false: !ok with its reason). Returns
 * 0 (check out->ok) or -ENOMEM. */
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

/* One te-path "bypasses" entry. */
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
