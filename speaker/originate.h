/* originate — building our own LSP fragments from a description of the node.
 *
 * ISO 10589 7.3.4-7.3.7 (LSP content, fragments 00, 01, ... by LSP ID fragment number),
 * 7.3.13 (seq increment on change), 7.3.16.1 (re-origination above a seq seen in the
 * network; at 2^32-1 we stop: -EOVERFLOW), maximumLSPGenerationInterval (refresh before
 * MaxAge); TLVs per RFC 1195/5301/5305/5308/7981/8570/9352/8667 (SR-MPLS: SR
 * capabilities and SR-Algorithm sub-TLVs 2 and 19 of TLV 242, adjacency SID sub-TLV 31
 * of TLV 22, one per address family, V and L set). Deterministic: the same
 * description gives the same bytes. Fragments no longer needed are purged (RFC 6232
 * purge originator TLV, via speaker/lsdb.c). Pure: `now` is passed in; the output bytes
 * go to isis_flood_originate (speaker/flood.c). Encoding by speaker/pdu.c. */
#ifndef KVTE_SPEAKER_ORIGINATE_H
#define KVTE_SPEAKER_ORIGINATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/isis.h"

#define ISIS_ORIG_MAX_FRAGS 256
#define ISIS_ORIG_MAX_SRLGS 32		/* per link: one TLV 138 (RFC 5307 1.3) */
#define ISIS_ORIG_MAX_EXTRA_SIDS 4	/* locator SIDs after the End SID */
#define ISIS_ORIG_REFRESH_MS 900000	/* maximumLSPGenerationInterval, 900 s */

/* which TE attributes a link carries (struct isis_orig_link.has) */
enum {
	ISIS_ORIG_ADMIN_GROUP = 1 << 0,
	ISIS_ORIG_IPV4 = 1 << 1,	/* local4 / remote4 (sub-TLVs 6, 8) */
	ISIS_ORIG_IPV6 = 1 << 2,	/* local6 / remote6 (sub-TLVs 12, 13) */
	ISIS_ORIG_MAX_BW = 1 << 3,
	ISIS_ORIG_MAX_RSV_BW = 1 << 4,
	ISIS_ORIG_UNRSV_BW = 1 << 5,
	ISIS_ORIG_TE_METRIC = 1 << 6,
	ISIS_ORIG_DELAY = 1 << 7,
	ISIS_ORIG_MINMAX_DELAY = 1 << 8,
	ISIS_ORIG_ENDX = 1 << 9,
	ISIS_ORIG_ADJ_SID = 1 << 10,	/* adj_label (sub-TLV 31, RFC 8667 2.2.1) */
};
/* struct isis_orig_link.adj_sid_af: which Adj-SIDs (F flag clear / set) */
enum { ISIS_ORIG_ADJ_IPV4 = 1 << 0, ISIS_ORIG_ADJ_IPV6 = 1 << 1 };
/* Order of TLVs after fragment 0's fixed ones: 22 (links), 138 (their SRLGs), 135,
 * 236, 27. */

struct isis_orig_link {		/* one adjacency: TLV 22 entry with TE sub-TLVs */
	uint8_t nbr[ISIS_NODEID_LEN];
	uint32_t metric;
	unsigned has;
	uint32_t admin_group;
	uint8_t local4[4], remote4[4];
	uint8_t local6[16], remote6[16];
	float max_bw, max_rsv_bw, unrsv_bw[8];	/* bytes per second (RFC 5305 3.4-3.6) */
	uint32_t te_metric;
	uint32_t delay_us, min_delay_us, max_delay_us;
	uint8_t endx_sid[16];
	uint16_t endx_behavior;
	uint32_t adj_label;		/* 16..1048575, a local label */
	unsigned adj_sid_af;		/* ISIS_ORIG_ADJ_IPV4 / _IPV6 (0: IPv4) */
	size_t n_srlgs;			/* > 0: a TLV 138 for this link (numbered when IPv4) */
	uint32_t srlgs[ISIS_ORIG_MAX_SRLGS];
};

struct isis_orig_prefix {	/* TLV 135 (IPv4, first 4 bytes) or 236 (IPv6) */
	uint8_t addr[16];
	uint8_t plen;
	uint32_t metric;
};

struct isis_orig_desc {
	const char *hostname;		/* NULL: no TLV 137 */
	struct isis_area areas[3];
	size_t nareas;
	bool ipv4, ipv6;		/* TLV 129 NLPIDs 0xcc / 0x8e */
	bool has_router_id;		/* TLV 134 and 132 */
	uint8_t router_id[4];
	bool has_router_id6;		/* TLV 232 */
	uint8_t router_id6[16];
	bool overload;			/* OL bit, fragment 0 */
	bool has_cap;			/* TLV 242 with SRv6 capabilities (needs router_id) */
	bool has_sr_mpls;		/* TLV 242 with SR-MPLS capabilities: SRGB, algorithm 0 */
	uint32_t srgb_base, srgb_range;
	const struct isis_orig_link *links;
	size_t nlinks;
	const struct isis_orig_prefix *ip4, *ip6;
	size_t nip4, nip6;
	bool has_locator;		/* TLV 27 with an End SID */
	uint8_t locator[16];
	uint8_t locator_len;
	uint32_t locator_metric;
	uint8_t end_sid[16];
	uint16_t end_behavior;		/* 0: no End SID sub-TLV */
	uint8_t sid_structure[4];	/* LB, LN, function, argument lengths; all 0: none */
	/* further End SID sub-TLVs of the locator (End.DT6, End.DX4, ...: the
	 * decapsulation SIDs a TE tail needs), after the End SID, in this order */
	size_t n_extra_sids;
	struct {
		uint8_t sid[16];
		uint16_t behavior;
	} extra_sids[ISIS_ORIG_MAX_EXTRA_SIDS];
};

struct isis_orig_frag {
	bool live;
	uint32_t seq;		/* last seq used (also after a purge) */
	uint8_t *bytes;
	size_t len;
	uint64_t refresh_due;
};

struct isis_orig {
	uint8_t sysid[ISIS_SYSID_LEN];
	uint8_t lsp_type;
	uint16_t mtu;		/* LSP MTU (default 1492) */
	uint16_t lifetime;	/* remaining lifetime we originate with (default MaxAge) */
	uint64_t refresh_ms;	/* must be below lifetime */
	struct isis_orig_frag frag[ISIS_ORIG_MAX_FRAGS];
};

/* One LSP to hand to isis_flood_originate. */
struct isis_orig_lsp {
	uint8_t frag;
	bool purge;
	uint8_t *bytes;		/* malloc'd, owned by the list */
	size_t len;
};

struct isis_orig_out {
	struct isis_orig_lsp *v;
	size_t n, cap;
};

void isis_orig_out_clear(struct isis_orig_out *o);

/* mtu 0, lifetime 0, refresh_ms 0: defaults. */
void isis_orig_init(struct isis_orig *o, const uint8_t sysid[ISIS_SYSID_LEN], int level,
		    uint16_t mtu, uint16_t lifetime, uint64_t refresh_ms);
void isis_orig_free(struct isis_orig *o);

/* Build the fragments for desc into PDUs (no seq/lifetime set). *frags is malloc'd
 * (free each with isis_pdu_free, then the array). Returns 0, -EMSGSIZE (an item or the
 * fixed TLVs do not fit in one fragment, or more than 256 fragments), -ENOMEM. */
int isis_orig_build(const struct isis_orig *o, const struct isis_orig_desc *d,
		    struct isis_pdu **frags, size_t *n);

/* (Re)originate from desc: changed or new fragments get seq + 1 and are appended to
 * out, unchanged ones are not; fragments no longer needed are purged. Returns 0 or a
 * negative errno (nothing changed then). */
int isis_orig_update(struct isis_orig *o, const struct isis_orig_desc *d, uint64_t now,
		     struct isis_orig_out *out);
/* Refresh fragments whose refresh time has come (same content, seq + 1). */
int isis_orig_refresh(struct isis_orig *o, uint64_t now, struct isis_orig_out *out);
/* The network holds fragment `frag` of ours at `seq` (flood REORIGINATE action):
 * re-originate above it, or purge above it if the fragment is not in use. */
int isis_orig_seq_seen(struct isis_orig *o, uint8_t frag, uint32_t seq, uint64_t now,
		       struct isis_orig_out *out);
/* Earliest refresh time, or UINT64_MAX. */
uint64_t isis_orig_next_due(const struct isis_orig *o);

#endif
