/* plan — from the TED and every LSP request to the complete set of values the
 * controller leader owns in etcd.
 *
 * DESIGN §5 (key families, "reject bad input, never drop other valid state"), §6
 * (encoding) and §8 (CSPF, placement order, protection). Input: the committed TED
 * (te-controller/ted.h), config/admin-groups, every config/lsps/<name> value (raw
 * JSON, validated here with lib/validate.h validate_lsp_request) and the te/paths
 * values currently held (only to keep "since" when an LSP's state and path did not
 * change). Output: one JSON object mapping each full etcd key to its desired value:
 *   te/paths/<lsp>            every request: up / down (CSPF's or the encoder's reason)
 *                             / invalid (the validator's reason)
 *   rib/<head>/te/<lsp>       every up LSP (rib-te-tunnel, with the first link's backup)
 *   rib/<plr>/protect/<link>  every link of a protected up LSP that has a bypass,
 *                             shared by all LSPs crossing that link (rib-protect)
 *   te/links/<link>           every named TED link: reservations per priority (te-link)
 * Placement keeps what works (docs/controller.md "Placement"): an up LSP keeps its
 * held path while that path satisfies the same request revision on the TED, best hold
 * priority first; the others are placed in cspf_place_order (setup priority,
 * bandwidth descending, name) and preempt kept LSPs of a worse hold priority where the
 * bandwidth is short; a kept LSP moves only to a strictly cheaper path that preempts
 * nobody. An LSP diverse from another is placed right after it. Make-before-break: a
 * moved LSP keeps its earlier path reserved (and its bypasses) in te/paths "releasing"
 * until its head end's agent reports (state/<head>/agent revision) the held tunnel
 * applied. A request that fails validation touches nothing but its own te/paths key.
 * Node protection adds, per hop whose next router is not the tail, a bypass to the
 * next-next hop (node_bypasses in the link's protect value; the head end's tunnel
 * backup per LSP).
 * The result is a pure function of the inputs (same inputs, same bytes), which is what
 * lets a new leader write nothing when nothing changed. Used by
 * te-controller/ctl_etcd.c; tested by tests/unit/test_ctl_plan.c. */
#ifndef KVTE_TE_CONTROLLER_PLAN_H
#define KVTE_TE_CONTROLLER_PLAN_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/keys.h"
#include "lib/validate.h"
#include "te-controller/cspf.h"
#include "te-controller/ted.h"

struct plan_request {
	const char *name;     /* the LSP name (config/lsps/<name>) */
	const json_t *value;  /* the request as stored (NULL: not JSON -> invalid) */
	const char *bad_json; /* when value is NULL: the parse error */
	int64_t revision;     /* mod revision of the request (0: unknown) */
};

struct plan_input {
	const keys_t *keys;
	const ted_t *ted;                  /* committed */
	const struct admin_groups *groups; /* NULL: no config/admin-groups */
	const struct plan_request *reqs;
	size_t n_reqs;
	const json_t *prev_paths; /* object: LSP name -> te/paths value held now; may be NULL */
	/* make-before-break (all may be NULL): */
	const json_t *tunnels;       /* LSP name -> {"value": rib/<head>/te/<lsp> held, "revision"} */
	const json_t *agents;        /* node -> its running agent's applied revision
				      * (state/<node>/agent "revision"); absent: no agent */
	const json_t *held_protects; /* full rib/<plr>/protect/<link> key -> value held */
	const char *now;          /* RFC 3339 timestamp for a changed "since" */
};

struct plan_stats {
	size_t up, down, invalid, bypasses, unprotected;
	size_t moved; /* up on another path than the one held */
	size_t mbb;   /* up and still holding an earlier path (make-before-break) */
};

/* Compute the desired key -> value object (*out, new reference). Returns 0, -EINVAL
 * (bad input: no TED, no keys) or -ENOMEM. stats may be NULL. */
int plan_compute(const struct plan_input *in, struct cspf_ws *ws, json_t **out,
		 struct plan_stats *stats);

#endif
