/* config — the speaker's per-node JSON configuration file (speaker/config.c).
 *
 * One file per node ("r1.json"): hostname, router ID (the system ID defaults to it,
 * 192.168.50.1 -> 1921.6805.0001, as in the seed topology), area, level, overload,
 * LSP and hello timers, SRv6 locator, SR-MPLS (RFC 8667: SRGB and adjacency SID
 * labels, off unless "sr_mpls" is given), loopbacks and the IS-IS interfaces with their
 * IGP metric and TE attributes (RFC 5305 3, RFC 8570 4, RFC 5307 1.3). Read with
 * lib/jx.h so each error names the file and field ("r1.json: interfaces[2].te.
 * max_bandwidth: expected ..."); bandwidths use lib/validate.h's bw_parse, admin
 * group names an admin-group map (config/admin-groups). Interface addresses and
 * carrier come from netlink, not from here. speaker/adj.h gets its circuit settings
 * from this; docs/speaker.md ("Configuration file") lists every field. */
#ifndef KVTE_SPEAKER_CONFIG_H
#define KVTE_SPEAKER_CONFIG_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "lib/validate.h"
#include "speaker/isis.h"

#define SPEAKER_HOSTNAME_MAX 255	/* RFC 5301 */
#define SPEAKER_IFNAME_MAX 15		/* IFNAMSIZ - 1 */
#define SPEAKER_MAX_IFACES 64
#define SPEAKER_MAX_LOOPBACKS 8
#define SPEAKER_MAX_SRLGS 32
#define SPEAKER_METRIC_MAX 16777215	/* RFC 5305 3: 24-bit wide metric */
#define SPEAKER_SYSID_STRLEN 15		/* "1921.6805.0001" + NUL */

/* defaults */
#define SPEAKER_DEFAULT_METRIC 10
#define SPEAKER_DEFAULT_LEVEL 2
#define SPEAKER_DEFAULT_LSP_LIFETIME 1200	/* ISO 10589 MaxAge */
#define SPEAKER_DEFAULT_LSP_REFRESH 900		/* maxLSPGenerationInterval */
#define SPEAKER_DEFAULT_HELLO_INTERVAL 10	/* ISO 10589 iSISHelloTimer */
#define SPEAKER_DEFAULT_HELLO_MULTIPLIER 3

/* SRv6 endpoint behaviors the node instantiates (RFC 8986) */
enum speaker_srv6_behavior {
	SPEAKER_SRV6_END = 1u << 0,
	SPEAKER_SRV6_END_X = 1u << 1,
	SPEAKER_SRV6_END_DT4 = 1u << 2,
	SPEAKER_SRV6_END_DT6 = 1u << 3,
	SPEAKER_SRV6_END_DX4 = 1u << 4,
	SPEAKER_SRV6_END_DX6 = 1u << 5,
};

struct speaker_te {
	bool has_te_metric;
	uint32_t te_metric;		/* RFC 5305 3.7, 24 bits */
	bool has_max_bw;
	uint64_t max_bw_bps;		/* RFC 5305 3.4 (bits/s here, bytes/s on the wire) */
	bool has_rsv_bw;
	uint64_t rsv_bw_bps;		/* RFC 5305 3.5, <= max_bw when both are set */
	bool has_admin_groups;
	uint32_t admin_groups;		/* RFC 5305 3.1, bit n = group bit n */
	bool has_delay;
	uint32_t delay_us;		/* RFC 8570 4.1, 24 bits */
	size_t n_srlgs;
	uint32_t srlgs[SPEAKER_MAX_SRLGS];	/* RFC 5307 1.3 */
};

struct speaker_iface {
	char name[SPEAKER_IFNAME_MAX + 1];
	uint32_t metric;		/* IGP metric, 1..16777215, default 10 */
	bool passive;			/* advertise, send no hellos */
	bool hello_padding;		/* default true */
	bool has_adj_label;		/* "adj_label": this adjacency's SR-MPLS label */
	uint32_t adj_label;
	struct speaker_te te;
};

struct speaker_config {
	char hostname[SPEAKER_HOSTNAME_MAX + 1];
	addr_t router_id;		/* IPv4 */
	uint8_t system_id[ISIS_SYSID_LEN];
	bool system_id_explicit;	/* false: derived from router_id */
	struct isis_area area;
	uint8_t level;			/* 1, 2 or 3 (= "1-2") */
	bool overload;
	uint16_t lsp_lifetime, lsp_refresh;	/* seconds */
	uint16_t hello_interval;	/* seconds */
	uint8_t hello_multiplier;
	bool has_locator;
	prefix_t locator;		/* SRv6 locator (RFC 9352 7.1) */
	unsigned srv6_behaviors;	/* enum speaker_srv6_behavior bits */
	bool has_sr_mpls;		/* SR-MPLS (RFC 8667) on: SRGB and adjacency SIDs */
	uint32_t srgb_base, srgb_range;	/* SR-capabilities sub-TLV 2 (RFC 8667 3.1) */
	bool has_adj_label_base;
	uint32_t adj_label_base;	/* n-th interface (1-based) without adj_label: base + n */
	size_t n_loopbacks;
	prefix_t loopbacks[SPEAKER_MAX_LOOPBACKS];
	size_t n_ifaces;
	struct speaker_iface ifaces[SPEAKER_MAX_IFACES];
};

/* Read a config from a parsed JSON value. source names it in messages (file name).
 * groups maps admin group names to bits (NULL: only numeric bits are accepted).
 * Returns 0 with *out filled, or -EINVAL with *out zeroed and err holding
 * "<source>: <path>: <reason>". Never aborts on any input. */
int speaker_config_parse(const json_t *v, const char *source, const struct admin_groups *groups,
			 struct speaker_config *out, char *err, size_t errlen);
/* Same from a file; its path names it in messages. -EINVAL also for a file that
 * cannot be opened or parsed ("r1.json: cannot open: No such file or directory",
 * "r1.json:3:5: <json error>"). */
int speaker_config_load(const char *path, const struct admin_groups *groups,
			struct speaker_config *out, char *err, size_t errlen);

/* 192.168.50.1 -> 1921.6805.0001: each octet as three decimal digits, the twelve
 * digits read as hex nibbles. -EINVAL unless IPv4. */
int speaker_sysid_from_router_id(const addr_t *rid, uint8_t out[ISIS_SYSID_LEN]);
/* "1921.6805.0001" (exactly 4.4.4 hex digits). 0 or -EINVAL. */
int speaker_sysid_parse(const char *s, uint8_t out[ISIS_SYSID_LEN]);
const char *speaker_sysid_format(const uint8_t id[ISIS_SYSID_LEN], char *buf, size_t len);
/* "49.0002": an AFI octet, then dot-separated groups of four hex digits (the last
 * may have two), 1..13 octets. 0 or -EINVAL. */
int speaker_area_parse(const char *s, struct isis_area *out);
/* The SR-MPLS adjacency SID label of the interface at config position index: its
 * "adj_label", else adj_label_base + index + 1; 0 when SR-MPLS is off or neither is
 * set. */
uint32_t speaker_adj_label(const struct speaker_config *c, size_t index);
/* Find an interface by name (NULL if none). */
const struct speaker_iface *speaker_config_iface(const struct speaker_config *c,
						  const char *name);

#endif
