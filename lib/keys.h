/* keys — the etcd key layout: the only place kvte builds and parses key strings.
 *
 * Every key is <root><family path>, the root being "/kvte/" unless configured. One
 * table in lib/keys.c lists each value family of DESIGN §5 with its path pattern
 * ("rib/{node}/isis/{prefix}"), its schema name (schemas/<name>.schema.json) and is
 * used both to build and to parse, so the two cannot drift. Components are checked:
 * node and LSP names are 1..63 of [A-Za-z0-9._-]; prefixes use the key form of
 * lib/addr.h ('/' written '_', canonical spelling only); links are "<node>:<ifname>";
 * SIDs are a canonical IPv6 address or a decimal MPLS label; LSP IDs are
 * "1921.6805.0001.00-00". docs/keys.md explains the layout to operators. Pure: no I/O,
 * no allocation. */
#ifndef KVTE_LIB_KEYS_H
#define KVTE_LIB_KEYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"

#define KEYS_ROOT_DEFAULT "/kvte/"
#define KEYS_ROOT_MAX 128   /* root prefix length, bytes */
#define KEYS_NAME_MAX 63    /* node and LSP names */
#define KEYS_IFNAME_MAX 15  /* Linux IFNAMSIZ - 1 */
#define KEYS_LINK_STRLEN (KEYS_NAME_MAX + 1 + KEYS_IFNAME_MAX + 1) /* "r1:et2" + NUL */
#define KEYS_LSP_ID_STRLEN 21 /* "1921.6805.0001.00-00" + NUL */
#define KEYS_SID_STRLEN ADDR_STRLEN
#define KEYS_MPLS_LABEL_MIN 16u /* 0..15 are reserved */
#define KEYS_MPLS_LABEL_MAX 1048575u
#define KEYS_MAX 320 /* a buffer of this size holds any key under any valid root */

typedef struct keys {
	char root[KEYS_ROOT_MAX + 1]; /* starts and ends with '/' */
	size_t root_len;
} keys_t;

/* One per value family (DESIGN §5); keys_family_name() gives the schema name. */
enum key_family {
	KEY_LSP_REQUEST,    /* config/lsps/{lsp}               lsp-request */
	KEY_ADMIN_GROUPS,   /* config/admin-groups             admin-groups */
	KEY_STATIC_ROUTE,   /* config/static/{node}/{prefix}   static-route */
	KEY_TED_LSP,        /* ted/lsp/{lsp_id}                ted-lsp */
	KEY_SPEAKER,        /* speakers/{node}                 speaker */
	KEY_RIB_ISIS_ROUTE, /* rib/{node}/isis/{prefix}        rib-isis-route */
	KEY_RIB_SID,        /* rib/{node}/sid/{sid}            rib-sid */
	KEY_RIB_TE_TUNNEL,  /* rib/{node}/te/{lsp}             rib-te-tunnel */
	KEY_RIB_PROTECT,    /* rib/{node}/protect/{link}       rib-protect */
	KEY_TE_PATH,        /* te/paths/{lsp}                  te-path */
	KEY_TE_LINK,        /* te/links/{link}                 te-link */
	KEY_TE_LEADER,      /* te/leader                       te-leader */
	KEY_BGP_ROUTE,      /* bgp/routes/{prefix}/{node}      bgp-route */
	KEY_BGP_ANNOUNCE,   /* bgp/announce/{node}/{prefix}    bgp-announce */
	KEY_BGP_ORIGINATE,  /* bgp/originate/{node}/{prefix}   bgp-originate */
	KEY_AGENT_STATE,    /* state/{node}/agent              agent-state */
	KEY_FAMILY_COUNT
};

/* A directed link, named by its sending end: "r1:et2" is r1 -> r2 out of r1's et2. */
struct key_link {
	char node[KEYS_NAME_MAX + 1];
	char ifname[KEYS_IFNAME_MAX + 1];
};

/* A local SID: an SRv6 SID (IPv6 address) or an MPLS label. */
struct key_sid {
	bool is_label;
	uint32_t label; /* KEYS_MPLS_LABEL_MIN..MAX when is_label */
	addr_t addr;    /* AF_INET6 otherwise */
};

/* An IS-IS LSP ID: system ID, pseudonode ID, fragment number. */
struct key_lsp_id {
	uint8_t system_id[6];
	uint8_t pseudonode;
	uint8_t fragment;
};

/* The components of one key; which fields are meaningful depends on `family` (see the
 * patterns above). keys_parse fills it; keys_build reads it. */
struct key_info {
	enum key_family family;
	char node[KEYS_NAME_MAX + 1];
	char lsp[KEYS_NAME_MAX + 1];
	prefix_t prefix;
	struct key_link link;
	struct key_sid sid;
	struct key_lsp_id lsp_id;
};

/* Set the root prefix (NULL = "/kvte/"). It must start and end with '/', hold no empty
 * segment, only [A-Za-z0-9._-] between slashes, and be at most KEYS_ROOT_MAX bytes.
 * Returns 0 or -EINVAL (k is then left with the default root). */
int keys_init(keys_t *k, const char *root);
const char *keys_root(const keys_t *k);

/* Family names: the schema's name ("rib-te-tunnel"), "unknown" when out of range;
 * the reverse (returns the family or -EINVAL); the path pattern for docs and logs. */
const char *keys_family_name(enum key_family f);
int keys_family_from_name(const char *name);
const char *keys_family_pattern(enum key_family f);

/* Component checks and conversions. Names: 1..KEYS_NAME_MAX of [A-Za-z0-9._-]. The
 * format functions return the length written or -ENAMETOOLONG/-EINVAL; the parse
 * functions return 0 or -EINVAL and leave *out untouched on error. */
bool keys_name_valid(const char *name);
bool keys_ifname_valid(const char *ifname);
int keys_link_make(const char *node, const char *ifname, struct key_link *out);
int keys_link_format(const struct key_link *l, char *buf, size_t size);
int keys_link_parse(const char *s, struct key_link *out);
int keys_sid_format(const struct key_sid *sid, char *buf, size_t size);
int keys_sid_parse(const char *s, struct key_sid *out);
int keys_lsp_id_format(const struct key_lsp_id *id, char *buf, size_t size);
int keys_lsp_id_parse(const char *s, struct key_lsp_id *out);

/* Build the key of ki->family from ki's components into buf (size bytes, NUL
 * included). Returns the key's length, -EINVAL for a bad component (a name with '/',
 * a SID that is neither IPv6 nor a label, a protect link not on the key's node) or
 * -ENAMETOOLONG if buf is too small; on error buf holds "" (when size > 0). */
int keys_build(const keys_t *k, const struct key_info *ki, char *buf, size_t size);

/* One builder per family, same contract as keys_build. */
int keys_lsp_request(const keys_t *k, const char *lsp, char *buf, size_t size);
int keys_admin_groups(const keys_t *k, char *buf, size_t size);
int keys_static_route(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		      size_t size);
int keys_ted_lsp(const keys_t *k, const struct key_lsp_id *id, char *buf, size_t size);
int keys_speaker(const keys_t *k, const char *node, char *buf, size_t size);
int keys_rib_isis_route(const keys_t *k, const char *node, const prefix_t *p, char *buf,
			size_t size);
int keys_rib_sid(const keys_t *k, const char *node, const struct key_sid *sid, char *buf,
		 size_t size);
int keys_rib_te_tunnel(const keys_t *k, const char *node, const char *lsp, char *buf,
		       size_t size);
/* The link must be one of node's own (link->node == node). */
int keys_rib_protect(const keys_t *k, const char *node, const struct key_link *link,
		     char *buf, size_t size);
int keys_te_path(const keys_t *k, const char *lsp, char *buf, size_t size);
int keys_te_link(const keys_t *k, const struct key_link *link, char *buf, size_t size);
int keys_te_leader(const keys_t *k, char *buf, size_t size);
int keys_bgp_route(const keys_t *k, const prefix_t *p, const char *node, char *buf,
		   size_t size);
int keys_bgp_announce(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		      size_t size);
int keys_bgp_originate(const keys_t *k, const char *node, const prefix_t *p, char *buf,
		       size_t size);
int keys_agent_state(const keys_t *k, const char *node, char *buf, size_t size);

/* Watch prefixes (same return contract; all end with '/' except where noted).
 * keys_prefix_root:     "/kvte/"
 * keys_prefix:          the family's path up to its first component: "/kvte/rib/",
 *                       "/kvte/config/lsps/", "/kvte/ted/lsp/"; for the single-key
 *                       families (admin-groups, te-leader) the key itself.
 * keys_prefix_node:     a per-node family narrowed to one node: "/kvte/rib/r1/isis/",
 *                       "/kvte/config/static/r1/", "/kvte/bgp/announce/r1/",
 *                       "/kvte/state/r1/"; -EINVAL for families without a node or
 *                       whose node is the last component (speaker, bgp-route).
 * keys_prefix_rib_node: everything an agent needs from rib/: "/kvte/rib/r1/".
 * keys_prefix_bgp_route: every node's route for one prefix: "/kvte/bgp/routes/10.42.2.0_24/". */
int keys_prefix_root(const keys_t *k, char *buf, size_t size);
int keys_prefix(const keys_t *k, enum key_family f, char *buf, size_t size);
int keys_prefix_node(const keys_t *k, enum key_family f, const char *node, char *buf,
		     size_t size);
int keys_prefix_rib_node(const keys_t *k, const char *node, char *buf, size_t size);
int keys_prefix_bgp_route(const keys_t *k, const prefix_t *p, char *buf, size_t size);

/* Parse a full key. Returns its family (>= 0) with *out filled (unused fields zero),
 * or -EINVAL for a key outside the root, of no known family, or with a bad component;
 * *out is then untouched. keys_parse_n takes a length (etcd keys are byte strings; a
 * key containing NUL is rejected). */
int keys_parse(const keys_t *k, const char *key, struct key_info *out);
int keys_parse_n(const keys_t *k, const char *key, size_t len, struct key_info *out);

#endif
