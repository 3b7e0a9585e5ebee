/* validate — C validators for the values operators write into etcd.
 *
 * Parses a jansson value into a C struct, or rejects it with one precise message
 * naming the field and the rule ("bandwidth: expected a number or a string like
 * '200M', got \"fast\"", "hold_priority: must be <= setup_priority (3), got 5",
 * "unknown field \"bandwith\""). The rules are those of schemas/lsp-request,
 * schemas/static-route and schemas/admin-groups (tests/unit/test_validate.c runs every
 * schema example through these functions), plus the few JSON Schema cannot express,
 * each listed in its schema's description. Also the bandwidth grammar (bw_parse,
 * bw_format) shared with kvtectl. Built on lib/jx.h; names and links use lib/keys.h. */
#ifndef KVTE_LIB_VALIDATE_H
#define KVTE_LIB_VALIDATE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/keys.h"

/* ---- bandwidth ---- */

#define BW_MAX 999999999999999ULL /* < 10^15 bits/s (1 Pb/s) */
#define BW_STRLEN 24

/* Parse a bandwidth in bits/s: "200000000", "200M", "1.5G", "10k"/"10K", "2T".
 * Suffixes are decimal (k = 1e3, M = 1e6, G = 1e9, T = 1e12); up to three decimals,
 * only with a suffix (so the value is whole bits); no sign, spaces or leading zeros.
 * Returns 0, -EINVAL for anything else, or -ERANGE above BW_MAX. *out is untouched
 * on error. */
int bw_parse(const char *s, uint64_t *out);
/* Shortest exact form that bw_parse reads back: 200000000 -> "200M", 1500000000 ->
 * "1.5G", 1234 -> "1.234k", 7 -> "7". Returns the length or -ENAMETOOLONG/-EINVAL. */
int bw_format(uint64_t bps, char *buf, size_t size);

/* ---- admin groups (config/admin-groups) ---- */

#define ADMIN_GROUP_NAME_MAX 32 /* a letter, then up to 31 of [A-Za-z0-9_-] */
#define ADMIN_GROUPS_MAX 256

struct admin_group {
	char name[ADMIN_GROUP_NAME_MAX + 1];
	uint8_t bit; /* 0..31 */
};

struct admin_groups {
	size_t n;
	struct admin_group group[ADMIN_GROUPS_MAX]; /* sorted by name */
};

bool admin_group_name_valid(const char *name);
/* Bit of `name`, or -ENOENT. */
int admin_groups_bit(const struct admin_groups *g, const char *name);

/* ---- LSP request (config/lsps/<name>) ---- */

#define LSP_MAX_GROUP_REFS 32
#define LSP_MAX_AVOID 64
#define LSP_MAX_HOPS 32

enum lsp_metric { LSP_METRIC_TE, LSP_METRIC_IGP, LSP_METRIC_DELAY };
enum lsp_protection { LSP_PROTECT_NONE, LSP_PROTECT_LINK, LSP_PROTECT_NODE };
enum lsp_diversity { LSP_DIVERSE_LINK, LSP_DIVERSE_SRLG };
enum lsp_hop_type { LSP_HOP_STRICT, LSP_HOP_LOOSE };

struct admin_group_refs {
	size_t n;
	char name[LSP_MAX_GROUP_REFS][ADMIN_GROUP_NAME_MAX + 1];
};

struct lsp_hop {
	char node[KEYS_NAME_MAX + 1];
	enum lsp_hop_type type;
};

struct lsp_request {
	char from[KEYS_NAME_MAX + 1];
	char to[KEYS_NAME_MAX + 1];
	uint64_t bandwidth_bps;         /* default 0 */
	uint8_t setup_priority;         /* default 7 */
	uint8_t hold_priority;          /* default 0; <= setup_priority */
	enum lsp_metric metric;         /* default te */
	struct admin_group_refs include_any, include_all, exclude;
	size_t n_avoid_nodes;
	char avoid_nodes[LSP_MAX_AVOID][KEYS_NAME_MAX + 1];
	size_t n_avoid_links;
	struct key_link avoid_links[LSP_MAX_AVOID]; /* both directions are avoided */
	size_t n_avoid_srlgs;
	uint32_t avoid_srlgs[LSP_MAX_AVOID];
	uint32_t max_hops;              /* 0 = no limit */
	uint32_t max_delay_us;          /* 0 = no limit */
	size_t n_explicit_hops;
	struct lsp_hop explicit_hops[LSP_MAX_HOPS];
	enum lsp_protection protection; /* default none */
	bool has_diverse_from;
	char diverse_from[KEYS_NAME_MAX + 1];
	enum lsp_diversity diversity;   /* default link */
};

/* ---- static route (config/static/<node>/<prefix>) ---- */

#define STATIC_MAX_NEXT_HOPS 16
#define STATIC_DEFAULT_PREFERENCE 5

enum static_route_type { STATIC_UNICAST, STATIC_BLACKHOLE, STATIC_REJECT };

struct static_next_hop {
	addr_t address;                       /* family 0: none */
	char interface[KEYS_IFNAME_MAX + 1];  /* "": none */
};

struct static_route {
	prefix_t prefix;
	enum static_route_type type;
	uint8_t preference;
	size_t n_next_hops;
	struct static_next_hop next_hops[STATIC_MAX_NEXT_HOPS];
};

/* ---- validators ----
 * Each returns 0 with *out filled, or -EINVAL with *out zeroed and `err` (errlen bytes,
 * may be NULL) holding "<field path>: <reason>" — or just the reason for a problem
 * with the value as a whole. Never aborts on any input, including NULL. */
int validate_lsp_request(const json_t *v, struct lsp_request *out, char *err,
			 size_t errlen);
/* key_prefix: the prefix from the value's key (config/static/<node>/<prefix>); when
 * not NULL the value's "prefix" must equal it. */
int validate_static_route(const json_t *v, const prefix_t *key_prefix,
			  struct static_route *out, char *err, size_t errlen);
int validate_admin_groups(const json_t *v, struct admin_groups *out, char *err,
			  size_t errlen);

#endif
