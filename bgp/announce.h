/* announce — bgp/announce/<node>/<prefix> and bgp/originate/<node>/<prefix> values
 * (schemas/bgp-announce.schema.json, bgp-originate.schema.json) checked field by field
 * with lib/jx.h (the prefix must equal the key's, unknown fields are rejected), and the
 * ExaBGP 4.2 text commands an announcement becomes: "[neighbor P ]announce route
 * <prefix> next-hop self|<addr> origin .. as-path [ .. ] med .. local-preference ..
 * community [ .. ] large-community [ .. ]" and "[neighbor P ]withdraw route <prefix>"
 * (/work/shared/notes/exabgp-api.md §4). Pure; used by bgp/bgpd.c and
 * tests/unit/test_bgp_announce.c. */
#ifndef KVTE_BGP_ANNOUNCE_H
#define KVTE_BGP_ANNOUNCE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "bgp/attrs.h"
#include "lib/addr.h"

#define BGP_CMD_MAX 4096 /* longest command built (255 ASes, many communities) */

struct bgp_announce {
	prefix_t prefix;
	bool next_hop_self;
	addr_t next_hop;
	addr_t *peers;           /* NULL/0: every peer */
	size_t n_peers;
	bool has_origin;
	struct bgp_attrs *attrs; /* one reference */
};

/* Parse an announcement value; key_prefix (may be NULL) must equal "prefix". Returns 0
 * or -EINVAL with "<source>: <field>: <why>" in err. bgp_announce_clear frees. */
int bgp_announce_parse(const json_t *v, const prefix_t *key_prefix, const char *source,
		       struct bgp_announce *out, char *err, size_t errlen);
void bgp_announce_clear(struct bgp_announce *a);
bool bgp_announce_equal(const struct bgp_announce *a, const struct bgp_announce *b);
bool bgp_announce_targets(const struct bgp_announce *a, const addr_t *peer);

/* Parse an origination value into its prefix and attributes (*attrs gets a new
 * reference). Same error contract. */
int bgp_originate_parse(const json_t *v, const prefix_t *key_prefix, const char *source,
			prefix_t *prefix, struct bgp_attrs **attrs, char *err, size_t errlen);

/* The commands, NUL-terminated without '\n'; peer NULL = every peer. Return the length,
 * or -ENOSPC when buf is too small. */
int bgp_cmd_announce(const struct bgp_announce *a, const addr_t *peer, char *buf, size_t size);
int bgp_cmd_withdraw(const prefix_t *p, const addr_t *peer, char *buf, size_t size);

#endif
