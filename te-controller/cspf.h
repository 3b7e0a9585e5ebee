/* cspf — constrained shortest path first over the TED, and sequential placement.
 *
 * DESIGN §8 (CSPF, bandwidth, placement order) and §12 (performance). Input: one
 * struct lsp_request (lib/validate.h, already validated from config/lsps/<name>), its
 * admin group names resolved to bits (cspf_groups_resolve, config/admin-groups), an
 * optional path to be diverse from, and an optional reservation overlay (what the
 * caller has already placed). Output: the path as (node, outgoing link) hops with its
 * cost, delay and hop count, or a reason that counts what was pruned and why ("no
 * path from r1 to r4: 5 links pruned for bandwidth, 2 for admin group exclude red").
 *
 * Semantics (docs/controller.md has the long form):
 * - A link is pruned when its admin groups miss include-any / include-all or hit
 *   exclude (RFC 3209 §4.7.4 semantics), it is named in avoid_links (either end: both
 *   directions), it carries an avoided SRLG, it shares a link (both directions) or, for
 *   SRLG diversity, an SRLG with the diverse_from path, or its unreserved bandwidth at
 *   the setup priority minus the overlay's reservations held at priorities 0..setup is
 *   below the request's bandwidth. A node is never entered as transit when it is
 *   overloaded or in avoid_nodes (head and tail are not transit).
 * - Objective: minimise the chosen metric (te | igp | delay) subject to max_hops and
 *   max_delay_us; ties go to fewer hops, then to the lexicographically smallest
 *   sequence of link ranks from the head (a link's rank is its TED index: links of a
 *   node ordered by name, see te-controller/ted.h — so for named links this is the
 *   smallest sequence of link names). The result is exact: the unique best simple path.
 * - Algorithm: Dijkstra with a binary heap over flat arrays (no allocation per
 *   relaxation) keyed by (cost, hops), with exact lexicographic tie-breaking on equal
 *   keys by walking both predecessor chains. When max_hops or max_delay_us is set and
 *   the unconstrained optimum violates it, an exact label-setting search runs instead:
 *   labels (cost, hops, delay) per node, expanded in (cost, hops) order, a label pruned
 *   only when another at its node is no worse in all three and better in cost or hops
 *   or equal there and lexicographically no larger. Worst case exponential (the
 *   problem is NP-hard with a delay bound); bounded by CSPF_MAX_LABELS.
 * - Explicit hops: computed segment by segment, head -> hop 1 -> ... -> tail (a last
 *   hop equal to the tail is the tail). A strict segment is one link, a loose one a
 *   constrained shortest path. Each segment is optimal given the earlier ones: it may
 *   not enter a node used by an earlier segment nor a later waypoint, and spends what
 *   is left of max_hops and max_delay_us. (Greedy, like ERO expansion: a request a
 *   global search could satisfy may be refused; the oracle test checks this
 *   definition.)
 * Pure: no etcd, no sockets; the workspace makes a computation allocation-free once
 * warmed up. Works with te-controller/ted.h; tests in tests/unit/test_cspf_*.c;
 * benchmark in bench/bench_cspf.c. */
#ifndef KVTE_TE_CONTROLLER_CSPF_H
#define KVTE_TE_CONTROLLER_CSPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/validate.h"
#include "te-controller/ted.h"

#define CSPF_REASON_LEN 512
#define CSPF_MAX_LABELS (1u << 22)

/* Admin group bits of a request, resolved from config/admin-groups. The per-name bits
 * (parallel to the request's name lists) let a reason name the group that pruned. */
struct cspf_groups {
	uint32_t include_any, include_all, exclude;
	uint8_t any_bit[LSP_MAX_GROUP_REFS], all_bit[LSP_MAX_GROUP_REFS],
		exclude_bit[LSP_MAX_GROUP_REFS];
};

/* Resolve req's admin group names. Returns 0, or -ENOENT with err =
 * "exclude: unknown admin group \"pink\"". g may be NULL (every name is unknown). */
int cspf_groups_resolve(const struct admin_groups *g, const struct lsp_request *req,
			struct cspf_groups *out, char *err, size_t errlen);

/* A path: TED link indexes from head to tail. Node i is links[i]'s from node, the
 * last node links[n - 1]'s to node. */
struct cspf_path {
	uint32_t n, cap;
	uint32_t *links;
};

void cspf_path_free(struct cspf_path *p);
/* Deep copy into dst (reusing its buffer). 0 or -ENOMEM. */
int cspf_path_copy(struct cspf_path *dst, const struct cspf_path *src);
/* Node i (0..n) of a path, TED_NONE when out of range. */
uint32_t cspf_path_node(const ted_t *t, const struct cspf_path *p, uint32_t i);
/* "r1-r2-r4" (node names) and "r1:et2 r2:et2" (link labels); return buf. */
const char *cspf_path_format_nodes(const ted_t *t, const struct cspf_path *p, char *buf,
				   size_t len);
const char *cspf_path_format_links(const ted_t *t, const struct cspf_path *p, char *buf,
				   size_t len);

/* Reservations the caller holds, per link per hold priority, over one committed TED
 * (link indexes change when the TED is re-derived: rebuild the overlay then). */
struct cspf_overlay {
	uint32_t n_links;
	double *held; /* [link * 8 + p]: bits/s held at hold priority p */
	double *cum;  /* [link * 8 + s]: sum of held[0..s], what setup priority s cannot take */
	double *base; /* [s * n_links + link]: the TED's unreserved bandwidth */
	double *avail;/* [s * n_links + link]: base - cum, what CSPF reads */
};

int cspf_overlay_init(struct cspf_overlay *ov, const ted_t *t);
void cspf_overlay_free(struct cspf_overlay *ov);
void cspf_overlay_clear(struct cspf_overlay *ov);
/* Add (or, release, remove) bw bits/s held at hold_priority on every link of p.
 * 0, or -EINVAL (bad priority, a link outside the overlay). */
int cspf_overlay_reserve(struct cspf_overlay *ov, const struct cspf_path *p, double bw,
			 unsigned hold_priority);
int cspf_overlay_release(struct cspf_overlay *ov, const struct cspf_path *p, double bw,
			 unsigned hold_priority);
/* What setup priority s may still take on a link: TED unreserved[s] minus the
 * overlay's cum[s] (ov may be NULL). */
double cspf_available(const ted_t *t, const struct cspf_overlay *ov, uint32_t link,
		      unsigned setup_priority);

/* Why links or nodes were taken out, in the order a link is classified (a link is
 * counted once, under its first reason). */
enum cspf_prune {
	CSPF_PRUNE_EXCLUDE,
	CSPF_PRUNE_INCLUDE_ANY,
	CSPF_PRUNE_INCLUDE_ALL,
	CSPF_PRUNE_AVOID_LINK,
	CSPF_PRUNE_AVOID_SRLG,
	CSPF_PRUNE_DIVERSE,
	CSPF_PRUNE_BANDWIDTH,
	CSPF_PRUNE_LINK_REASONS,
};

struct cspf_pruned {
	uint32_t links[CSPF_PRUNE_LINK_REASONS]; /* link directions */
	uint32_t nodes_overloaded, nodes_avoided, nodes_on_path; /* not usable as transit */
};

/* One computation's input. */
struct cspf_request {
	const struct lsp_request *req;
	struct cspf_groups groups;         /* resolved req admin groups */
	const struct cspf_path *diverse;   /* NULL: ignore req->diverse_from */
	const struct cspf_overlay *overlay;/* NULL: the TED's unreserved bandwidth only */
};

struct cspf_result {
	bool found;
	struct cspf_path path;
	uint64_t cost;          /* in the request's metric */
	uint64_t delay_us;      /* sum of link delays */
	uint32_t hops;          /* links */
	uint32_t segment;       /* on failure: 1-based segment that failed */
	struct cspf_pruned pruned; /* on failure: what the failing segment could not use */
	char reason[CSPF_REASON_LEN]; /* "" when found */
};

void cspf_result_free(struct cspf_result *r);

/* Reusable scratch space (heaps, labels, per-node and per-link stamps). */
struct cspf_ws;
struct cspf_ws *cspf_ws_new(void);
void cspf_ws_free(struct cspf_ws *ws);

/* Compute one path. Returns 0 with res->found telling whether a path exists (reason
 * filled when not), or -EINVAL (no TED committed, NULL argument) / -ENOMEM. res->path's
 * buffer is reused across calls; free it with cspf_result_free. */
int cspf_compute(const ted_t *t, const struct cspf_request *rq, struct cspf_ws *ws,
		 struct cspf_result *res);

/* Link-protection bypass for `link` (RFC 4090 facility backup): from its from node to
 * its to node (the merge point), TE metric, avoiding both directions of the link and
 * every link sharing one of its SRLGs. Same return contract as cspf_compute. */
int cspf_bypass(const ted_t *t, uint32_t link, struct cspf_ws *ws, struct cspf_result *res);

/* Node-protection bypass (RFC 4090 facility backup): in_link is PLR -> protected node
 * N, out_link N -> merge point M (the next-next hop of the protected paths). From the
 * PLR to M on TE metric, never entering N and avoiding both directions of in_link and
 * every link sharing one of its SRLGs. -EINVAL when out_link does not leave in_link's
 * tail or returns to the PLR; otherwise as cspf_compute. */
int cspf_node_bypass(const ted_t *t, uint32_t in_link, uint32_t out_link, struct cspf_ws *ws,
		     struct cspf_result *res);

/* Whether path p (TED link indexes) still satisfies rq on this TED: it joins the head to
 * the tail link by link, enters no node twice, no link is pruned by rq (admin groups,
 * avoid_links, avoid_srlgs, diverse, bandwidth at the setup priority against
 * rq->overlay), no transit node is overloaded or avoided, and it is within max_hops and
 * max_delay_us. Explicit hops are not re-checked (the caller keeps a held path only for
 * the request it was computed for). Returns 0 with res->found and, when found, the
 * path's cost (rq's metric), delay and hops and a copy of p; otherwise res->reason
 * ("r1:et2: too little unreserved bandwidth"). -EINVAL / -ENOMEM as cspf_compute. */
int cspf_check_path(const ted_t *t, const struct cspf_request *rq, const struct cspf_path *p,
		    struct cspf_ws *ws, struct cspf_result *res);

/* ---- sequential placement (DESIGN §8) ---- */

struct cspf_place_item {
	const char *name;                 /* the LSP name, for the order */
	const struct lsp_request *req;
	struct cspf_groups groups;
	const struct cspf_path *diverse;  /* may be NULL */
};

/* order[0..n) = item indexes by setup priority (0 first), then bandwidth (largest
 * first), then name (strcmp; then index). */
void cspf_place_order(const struct cspf_place_item *items, size_t n, uint32_t *order);

/* Place every item in that order, each against ov plus the reservations of the items
 * placed before it: results[i] is item i's result, and every found path's bandwidth
 * is added to ov at the item's hold priority. order (n entries) receives the order
 * when not NULL. Returns the number placed, or -ENOMEM/-EINVAL. */
int cspf_place(const ted_t *t, const struct cspf_place_item *items, size_t n,
	       struct cspf_overlay *ov, struct cspf_ws *ws, struct cspf_result *results,
	       uint32_t *order);

#endif
