/* route_value — the bgp/routes/<prefix>/<node> value (schemas/bgp-route.schema.json)
 * for a node's best path: the peer it came from, the NEXT_HOP as received
 * (external_next_hop), this node's loopback as protocol_next_hop (next-hop-self for
 * every other node: etcd replaces iBGP), the attributes, and learned_at (passed in by
 * the caller through the path). Originated prefixes (bgp/originate/) use the loopback
 * for the peer address and both next hops, and the node's own AS. Canonical text via
 * lib/jx.h's jx_dumps, so equal routes give equal bytes. Pure; used by bgp/bgpd.c. */
#ifndef KVTE_BGP_ROUTE_VALUE_H
#define KVTE_BGP_ROUTE_VALUE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/rib.h"

struct bgp_self {
	const char *node;
	addr_t loopback4, loopback6; /* either may be unset; one must be set */
	uint32_t asn;                /* for originated prefixes; 0 = unknown */
};

/* The value, or NULL with a reason in err (no loopback of any family, unknown own AS
 * for an originated prefix). */
json_t *bgp_route_value(const struct bgp_path *p, const struct bgp_self *self, char *err,
			size_t errlen);
/* "2026-11-22T07:30:40.777Z" from seconds since the epoch; buf >= 32. */
const char *bgp_timestamp(double t, char *buf, size_t len);

#endif
