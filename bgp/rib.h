/* rib — kvte-bgp's Adj-RIB-In: one table per external peer (plus one pseudo-peer for
 * the prefixes this node originates from bgp/originate/), and the node's best path per
 * prefix (RFC 4271 §9.1.2, the order of docs/bgp.md: locally originated first, then
 * higher LOCAL_PREF, shorter AS_PATH, lower ORIGIN, lower MED, lower peer address).
 * A session going down removes every route of that peer only (ExaBGP sends no
 * withdrawals then). Every change of a prefix's best path is reported through one
 * callback (best = NULL: no path left), which bgp/bgpd.c turns into the
 * bgp/routes/<prefix>/<node> key. Pure; tests/unit/test_bgp_rib.c. */
#ifndef KVTE_BGP_RIB_H
#define KVTE_BGP_RIB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/attrs.h"
#include "bgp/map.h"
#include "lib/addr.h"

struct bgp_peer;

struct bgp_path {
	prefix_t prefix;
	addr_t next_hop;          /* as received */
	struct bgp_attrs *attrs;  /* one reference */
	double learned_at;        /* seconds since the epoch */
	struct bgp_peer *peer;
};

struct bgp_peer {
	addr_t addr, local;
	uint32_t asn, local_asn;
	bool local_origin;        /* the pseudo-peer of originated prefixes */
	bool up;
	struct bgp_map paths;     /* prefix text -> struct bgp_path * */
};

typedef void (*bgp_rib_change_cb)(const prefix_t *prefix, const struct bgp_path *best,
				  void *arg);

struct bgp_rib {
	struct bgp_peer **peers;
	size_t n_peers;
	bgp_rib_change_cb changed;
	void *arg;
};

void bgp_rib_init(struct bgp_rib *r, bgp_rib_change_cb changed, void *arg);
void bgp_rib_free(struct bgp_rib *r);
/* Find a peer by address, or add it (asn, local may be updated). NULL on ENOMEM. */
struct bgp_peer *bgp_rib_peer(struct bgp_rib *r, const addr_t *addr, uint32_t asn,
			      const addr_t *local, uint32_t local_asn);
struct bgp_peer *bgp_rib_find_peer(const struct bgp_rib *r, const addr_t *addr);
/* The pseudo-peer for originated prefixes (created on first use). */
struct bgp_peer *bgp_rib_local(struct bgp_rib *r);
/* Add or replace peer's path for prefix (takes a new reference on attrs). A
 * re-announcement with the same next hop and attributes keeps the first learned_at
 * and reports nothing. Returns 1 when the prefix's best path changed, 0 when not,
 * -ENOMEM. */
int bgp_rib_announce(struct bgp_rib *r, struct bgp_peer *peer, const prefix_t *prefix,
		     const addr_t *next_hop, struct bgp_attrs *attrs, double learned_at);
/* Remove peer's path; 1 if the best changed, 0 otherwise (also when absent). */
int bgp_rib_withdraw(struct bgp_rib *r, struct bgp_peer *peer, const prefix_t *prefix);
/* Remove every path of peer; returns how many were removed. */
size_t bgp_rib_flush_peer(struct bgp_rib *r, struct bgp_peer *peer);
const struct bgp_path *bgp_rib_best(const struct bgp_rib *r, const prefix_t *prefix);
size_t bgp_rib_count(const struct bgp_peer *peer);
/* < 0 when a is preferred over b, > 0 when b is, 0 only for the same peer. */
int bgp_path_cmp(const struct bgp_path *a, const struct bgp_path *b);

#endif
