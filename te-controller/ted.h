/* ted — the traffic-engineering database: nodes and directed TE links built from the
 * decoded IS-IS LSPs at ted/lsp/<lsp-id> (schemas/ted-lsp.schema.json) and named from
 * the adjacency lists at speakers/<node> (schemas/speaker.schema.json).
 *
 * DESIGN §5 and §8. The TED keeps two layers. The fragment store holds one parsed copy
 * per LSP ID and is updated incrementally (ted_lsp_update / ted_lsp_remove, one LSP at
 * a time, O(log n) lookup); a bad value is rejected with a specific jx-style message,
 * its LSP ID is treated as absent, and nothing else changes. The graph (ted_nodes,
 * ted_links, the CSR adjacency that te-controller/cspf.c walks) is a pure function of
 * the fragment store, re-derived by ted_commit() once per batch of updates (the
 * controller's once-per-loop point), so an incremental history and a full rebuild from
 * the same set of values give byte-identical graphs (ted_dump). Derivation rules:
 * fragments of one system are joined; a system whose fragment 0 is missing is ignored
 * and only fragment 0's overload bit counts (ISO 10589 7.2.5/7.3.19); only topology 0
 * (no mt_id) is used; a directed link is usable only when the neighbor reports the
 * reverse direction (two-way check, RFC 5305 §3 addresses: local/remote IPv4, else
 * IPv6, else the neighbor alone, each reverse matched once); the TE metric defaults to
 * the IGP metric (RFC 5305 §3.7); unreserved bandwidth defaults to the maximum
 * reservable, then the maximum bandwidth, then 0; a missing delay counts as 0 µs.
 * Nodes are ordered by system ID; a node's links by name ("<node>:<ifname>", named
 * links first), then neighbor, then local address — so a link's index is its rank in
 * CSPF's tie-break. Pure: no etcd, no sockets. */
#ifndef KVTE_TE_CONTROLLER_TED_H
#define KVTE_TE_CONTROLLER_TED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/addr.h"
#include "lib/keys.h"

#define TED_PRIORITIES 8
#define TED_NONE UINT32_MAX
#define TED_MAX_NODES 65535u   /* CSPF packs a hop count in 16 bits */
#define TED_NAME_STRLEN (KEYS_NAME_MAX + 1)
#define TED_ERR_LEN 320

/* The metrics a link offers, indexed by enum lsp_metric (lib/validate.h). */
enum ted_metric { TED_METRIC_TE, TED_METRIC_IGP, TED_METRIC_DELAY, TED_METRICS };

struct ted_node {
	uint8_t system_id[6];
	uint8_t pseudonode;          /* 0 for a router, else a LAN pseudonode */
	char hostname[TED_NAME_STRLEN]; /* "" when not advertised */
	char name[TED_NAME_STRLEN];  /* hostname, else "1921.6805.0001" (+ ".02" for a pseudonode) */
	addr_t router_id;            /* TE router ID (TLV 134); family 0 when absent */
	addr_t router_id6;           /* IPv6 TE router ID (TLV 140) */
	bool overload;               /* never used as transit */
	bool has_locator;
	prefix_t locator;            /* first algorithm-0 SRv6 locator */
	addr_t end_sid;              /* End SID of that locator (family 0: none) */
	addr_t dt6_sid, dx4_sid;     /* End.DT6 / End.DX4 SIDs (tail decapsulation) */
	uint32_t out_first, out_count; /* this node's links: [out_first, out_first + out_count) */
};

struct ted_link {
	uint32_t from, to;           /* node indexes */
	uint32_t reverse;            /* the other direction (the two-way partner) */
	char name[KEYS_LINK_STRLEN]; /* "r1:et2", "" when the interface is not known */
	addr_t local, remote;        /* IPv4 interface / neighbor address; family 0: absent */
	addr_t local6, remote6;
	uint32_t igp_metric, te_metric, delay_us;
	uint32_t admin_group;        /* bit mask */
	double max_bw, max_rsv_bw;   /* bits/s */
	double unrsv[TED_PRIORITIES];/* unreserved bits/s at priority 0..7 */
	uint32_t srlg_first, n_srlgs;/* into ted->srlgs, sorted, unique */
	uint32_t sid_first, n_sids;  /* End.X SIDs, into ted->sids */
	uint32_t label_first, n_labels; /* SR-MPLS adjacency SIDs, into ted->labels */
};

/* The fields CSPF reads per relaxation, packed (one cache line holds 2.6 links). */
struct ted_arc {
	uint32_t to;
	uint32_t admin_group;
	uint32_t metric[TED_METRICS]; /* te, igp, delay */
	uint32_t n_srlgs;
};

struct ted_frag;   /* one parsed LSP fragment (ted.c) */
struct ted_ifname; /* one (node, local address) -> interface name (ted.c) */

struct ted_error {
	char lsp_id[KEYS_LSP_ID_STRLEN];
	char msg[TED_ERR_LEN];
};

typedef struct ted {
	/* fragment store (incremental) */
	struct ted_frag *frags;      /* sorted by LSP ID */
	size_t n_frags, cap_frags;
	struct ted_ifname *ifnames;  /* sorted by node, address (by ted_commit) */
	size_t n_ifnames, cap_ifnames;
	bool ifnames_unsorted;       /* appended to since the last sort */
	struct ted_error *errors;    /* LSP IDs whose current value was rejected */
	size_t n_errors, cap_errors;
	bool dirty;                  /* the store changed since the last ted_commit */
	/* graph (derived by ted_commit) */
	struct ted_node *nodes;
	uint32_t n_nodes;
	struct ted_link *links;
	struct ted_arc *arcs;        /* parallel to links */
	double *unrsv;               /* [link * 8 + priority], parallel to links */
	double *unrsv_prio;          /* [priority * n_links + link]: one priority's column,
	                              * contiguous over a node's links (what CSPF reads) */
	uint32_t n_links;
	uint32_t *srlgs;
	uint32_t n_srlgs_total;
	addr_t *sids;
	uint32_t n_sids_total;
	uint32_t *labels;
	uint32_t n_labels_total;
	uint32_t *node_by_name;      /* node indexes sorted by name */
	uint32_t *link_by_name;      /* named link indexes sorted by name */
	uint32_t n_named_links;
	uint32_t *overloaded;        /* indexes of overloaded nodes */
	uint32_t n_overloaded;
	uint32_t n_one_way;          /* is_reach entries dropped by the two-way check */
	uint64_t version;            /* bumped by every ted_commit that changed the graph */
} ted_t;

void ted_init(ted_t *t);
void ted_free(ted_t *t);

/* Add or replace the LSP at ted/lsp/<key_lsp_id> from its decoded value. key_lsp_id may
 * be NULL (then the value's lsp_id is used); when given, the value's lsp_id must equal
 * it. Returns 0, or -EINVAL with err = "<lsp-id>: <path>: <reason>" (errlen bytes, may
 * be NULL): the LSP ID is then treated as absent (a previous copy is dropped, so the
 * TED reflects what etcd holds) and recorded in ted->errors until a good value or a
 * removal arrives. -ENOMEM on allocation failure (the store is unchanged). */
int ted_lsp_update(ted_t *t, const char *key_lsp_id, const json_t *value, char *err,
		   size_t errlen);
/* Same from JSON text (a watch event's bytes). */
int ted_lsp_update_text(ted_t *t, const char *key_lsp_id, const char *text, size_t len,
			char *err, size_t errlen);
/* The LSP was deleted (purged or expired). Returns 0, or -ENOENT if it was not held
 * (any error recorded for it is cleared either way), -EINVAL for a bad LSP ID. */
int ted_lsp_remove(ted_t *t, const char *lsp_id);

/* Name links from speakers/<node>: every adjacency's interface with its local address
 * (IPv4 or IPv6) names the is_reach entry with that local address "<node>:<interface>".
 * Replaces what the same node said before. Returns 0 or -EINVAL with err. */
int ted_speaker_update(ted_t *t, const json_t *value, char *err, size_t errlen);
/* Forget the names a node's speaker gave. Returns 0 or -ENOENT. */
int ted_speaker_remove(ted_t *t, const char *node);

/* Re-derive the graph if the store changed. Returns 0, -ENOMEM (the previous graph is
 * kept), or -E2BIG above TED_MAX_NODES nodes. Idempotent. */
int ted_commit(ted_t *t);

/* Lookups on the committed graph: index or TED_NONE. A link is found by either end's
 * name (keys.md: "r1:et2"); ted_link_between finds the lowest-ranked link u -> v. */
uint32_t ted_node_find(const ted_t *t, const char *name);
uint32_t ted_link_find(const ted_t *t, const char *name);
uint32_t ted_link_between(const ted_t *t, uint32_t u, uint32_t v);
/* The neighbor's IPv6 (link-local) address on a link, as its from node's speaker
 * reports the adjacency (speakers/<node> neighbor_address6): 0, or -ENOENT when not
 * reported, -EINVAL for a bad link. Read from the speaker store, so it is current
 * without a ted_commit. */
int ted_link_neighbor6(const ted_t *t, uint32_t link, addr_t *out);
/* A link's display name: its name, else "<from>-><to>#<local address>". */
const char *ted_link_label(const ted_t *t, uint32_t link, char *buf, size_t len);

/* Deterministic text of the whole graph (every field of every node and link), for
 * tests and debugging: equal graphs give equal bytes. Returns 0 or -errno. */
int ted_dump(const ted_t *t, FILE *out);
/* Same into a malloc'd string (caller frees); NULL on allocation failure. */
char *ted_dump_string(const ted_t *t);

#endif
