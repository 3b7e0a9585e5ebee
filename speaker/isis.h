/* isis — the kvte-speaker module map: IS-IS constants, PDU/TLV structures and the
 * prototypes of each file of the PDU codec, grouped per file.
 *
 * ISO 10589 (PDU layouts, 9.5-9.13), RFC 1195 (IP TLVs), RFC 5301 (hostname), RFC 5303
 * (three-way adjacency), RFC 5305/5308 (extended reachability, TE), RFC 6119 (IPv6 TE),
 * RFC 6232 (purge originator), RFC 7981 (router capability), RFC 8570 (delay), RFC 9352
 * (SRv6). Files: buf.{c,h} bounded reader/writer, checksum.c Fletcher checksum,
 * tlv.c TLV table, subtlv.c sub-TLV tables, pdu.c PDU header/bodies, format.c text
 * format. All pure: no sockets, no etcd, no clocks. docs/speaker.md ("PDU codec")
 * lists the supported TLVs, the error strings and the text format. */
#ifndef KVTE_SPEAKER_ISIS_H
#define KVTE_SPEAKER_ISIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/buf.h"

#define ISIS_IRPD 0x83		/* ISO 9577 intradomain routeing protocol discriminator */
#define ISIS_VERSION 1
#define ISIS_SYSID_LEN 6
#define ISIS_NODEID_LEN 7	/* system ID + pseudonode */
#define ISIS_LSPID_LEN 8	/* system ID + pseudonode + fragment */
#define ISIS_COMMON_HDR_LEN 8
#define ISIS_MAX_PDU_LEN 65535

/* ISO 10589 9.5-9.13: PDU types (low five bits of octet 5) */
enum isis_pdu_type {
	ISIS_L1_LAN_IIH = 15,
	ISIS_L2_LAN_IIH = 16,
	ISIS_P2P_IIH = 17,
	ISIS_L1_LSP = 18,
	ISIS_L2_LSP = 20,
	ISIS_L1_CSNP = 24,
	ISIS_L2_CSNP = 25,
	ISIS_L1_PSNP = 26,
	ISIS_L2_PSNP = 27,
};

/* fixed header lengths, common header included */
#define ISIS_P2P_IIH_HDR_LEN 20
#define ISIS_LSP_HDR_LEN 27
#define ISIS_CSNP_HDR_LEN 33
#define ISIS_PSNP_HDR_LEN 17
#define ISIS_LSP_CKSUM_START 12	/* LSP ID: first octet covered by the checksum */
#define ISIS_LSP_CKSUM_OFF 24	/* checksum field */

/* LSP flags octet (ISO 10589 9.8) */
#define ISIS_LSP_P 0x80
#define ISIS_LSP_ATT 0x78	/* four ATT bits: default, delay, expense, error */
#define ISIS_LSP_OL 0x04
#define ISIS_LSP_IS_TYPE 0x03

/* TLV codes */
enum isis_tlv_type {
	ISIS_TLV_AREA = 1,
	ISIS_TLV_IS_NEIGHBORS = 6,	/* LAN neighbor MACs */
	ISIS_TLV_PADDING = 8,
	ISIS_TLV_LSP_ENTRIES = 9,
	ISIS_TLV_AUTH = 10,
	ISIS_TLV_PURGE_ORIG = 13,	/* RFC 6232 */
	ISIS_TLV_EXT_IS_REACH = 22,	/* RFC 5305 3 */
	ISIS_TLV_SRV6_LOCATOR = 27,	/* RFC 9352 7.1 */
	ISIS_TLV_IP_INT_REACH = 128,	/* RFC 1195 */
	ISIS_TLV_PROTOCOLS = 129,
	ISIS_TLV_IP_EXT_REACH = 130,
	ISIS_TLV_IP_IFADDR = 132,
	ISIS_TLV_TE_ROUTER_ID = 134,	/* RFC 5305 4.3 */
	ISIS_TLV_EXT_IP_REACH = 135,	/* RFC 5305 4 */
	ISIS_TLV_HOSTNAME = 137,	/* RFC 5301 */
	ISIS_TLV_SRLG = 138,		/* RFC 5307 1.3 */
	ISIS_TLV_IPV6_IFADDR = 232,	/* RFC 5308 3 */
	ISIS_TLV_IPV6_REACH = 236,	/* RFC 5308 2 */
	ISIS_TLV_P2P_ADJ = 240,		/* RFC 5303 */
	ISIS_TLV_ROUTER_CAP = 242,	/* RFC 7981 */
};

/* Sub-TLV codes. Each parent has its own space (enum isis_sub_ctx). */
enum isis_subtlv_type {
	/* TLV 22 (RFC 5305 3, RFC 4205, RFC 6119, RFC 8570, RFC 9352) */
	ISIS_SUB_ADMIN_GROUP = 3,
	ISIS_SUB_LINK_ID = 4,
	ISIS_SUB_IPV4_IFADDR = 6,
	ISIS_SUB_IPV4_NBRADDR = 8,
	ISIS_SUB_MAX_BW = 9,
	ISIS_SUB_MAX_RSV_BW = 10,
	ISIS_SUB_UNRSV_BW = 11,
	ISIS_SUB_IPV6_IFADDR = 12,
	ISIS_SUB_IPV6_NBRADDR = 13,
	ISIS_SUB_TE_METRIC = 18,
	ISIS_SUB_LINK_DELAY = 33,
	ISIS_SUB_MINMAX_DELAY = 34,
	ISIS_SUB_SRV6_ENDX = 43,
	ISIS_SUB_ADJ_SID = 31,		/* RFC 8667 2.2.1 (kept as bytes by the codec) */
	/* TLV 27 (RFC 9352 7.2) */
	ISIS_SUB_SRV6_END = 5,
	/* TLV 242 (RFC 9352 2) */
	ISIS_SUB_SRV6_CAP = 25,
	ISIS_SUB_SR_CAP = 2,		/* RFC 8667 3.1 (kept as bytes) */
	ISIS_SUB_SR_ALGO = 19,		/* RFC 8667 3.2 (kept as bytes) */
};

enum isis_sub_ctx {
	ISIS_SUB_CTX_IS,	/* TLV 22 */
	ISIS_SUB_CTX_PREFIX,	/* TLV 135 / 236 */
	ISIS_SUB_CTX_LOCATOR,	/* TLV 27 */
	ISIS_SUB_CTX_CAP,	/* TLV 242 */
};

/* Why a PDU was rejected: where, in which TLV / sub-TLV, and a fixed reason string
 * (one per check, listed in docs/speaker.md). */
struct isis_err {
	size_t offset;		/* byte offset in the PDU */
	int tlv;		/* TLV type or -1 */
	int sub;		/* sub-TLV type or -1 */
	const char *reason;	/* static string; NULL = no error */
};

/* SRv6 End / End.X SID (RFC 9352 7.2, 8.1). Sub-sub-TLVs are kept as bytes. */
struct isis_srv6_sid {
	uint8_t flags;
	uint8_t algo;		/* End.X only */
	uint8_t weight;		/* End.X only */
	uint16_t behavior;	/* RFC 8986 endpoint behavior */
	uint8_t sid[16];
	uint8_t sub_len;
	uint8_t sub[255];
};

struct isis_subtlv {
	uint8_t type;
	uint8_t len;		/* value length (as decoded; encoders recompute) */
	union {
		uint32_t u32;		/* 3 admin group, 9/10 bandwidth (float bits),
					 * 18 TE metric, 33 delay (A bit + 24 bits) */
		uint32_t pair[2];	/* 4 local/remote link ID, 34 min/max delay */
		uint32_t bw[8];		/* 11 unreserved bandwidth (float bits) */
		uint8_t addr[16];	/* 6/8 (first 4 bytes), 12/13 */
		struct isis_srv6_sid sid;	/* 43 End.X, 5 End */
		struct {
			uint16_t flags;
			uint8_t sub_len;
			uint8_t sub[253];
		} srv6_cap;		/* 25 */
		uint8_t raw[255];	/* anything else: opaque */
	} v;
};

struct isis_subtlvs {
	size_t n;
	struct isis_subtlv *v;
};

struct isis_area {
	uint8_t len;
	uint8_t addr[13];
};

struct isis_lsp_entry {
	uint16_t lifetime;
	uint8_t lsp_id[ISIS_LSPID_LEN];
	uint32_t seq;
	uint16_t checksum;
};

struct isis_ext_is {		/* RFC 5305 3 */
	uint8_t id[ISIS_NODEID_LEN];
	uint32_t metric;	/* 24 bits */
	struct isis_subtlvs sub;
};

struct isis_ipv4_narrow {	/* RFC 1195 5.1 / RFC 5302 3 */
	uint8_t metric[4];	/* default (with up/down and I/E bits), delay, expense, error */
	uint8_t addr[4];
	uint8_t mask[4];
};

struct isis_ext_ip {		/* RFC 5305 4 */
	uint32_t metric;
	bool down;		/* up/down bit */
	bool has_sub;		/* sub-TLV present bit */
	uint8_t plen;
	uint8_t prefix[4];	/* as received: host bits are kept */
	struct isis_subtlvs sub;
};

struct isis_ipv6_reach {	/* RFC 5308 2 */
	uint32_t metric;
	uint8_t flags;		/* U 0x80, X 0x40, S 0x20, low bits reserved (kept) */
	uint8_t plen;
	uint8_t prefix[16];
	struct isis_subtlvs sub;
};

#define ISIS_IP6_U 0x80
#define ISIS_IP6_X 0x40
#define ISIS_IP6_S 0x20

struct isis_locator {		/* RFC 9352 7.1 */
	uint32_t metric;
	uint8_t flags;		/* D 0x80 */
	uint8_t algo;
	uint8_t size;		/* locator length in bits, 1..128 */
	uint8_t loc[16];
	struct isis_subtlvs sub;
};

struct isis_three_way {		/* RFC 5303 3 */
	uint8_t len;		/* 1, 5, 11 or 15: which optional fields are present */
	uint8_t state;		/* 0 Up, 1 Initializing, 2 Down */
	uint32_t ext_circuit_id;
	uint8_t nbr_sysid[ISIS_SYSID_LEN];
	uint32_t nbr_ext_circuit_id;
};

struct isis_router_cap {	/* RFC 7981 2 */
	uint8_t router_id[4];
	uint8_t flags;		/* S 0x01, D 0x02 */
	struct isis_subtlvs sub;
};

struct isis_srlg {		/* RFC 5307 1.3 */
	uint8_t id[ISIS_NODEID_LEN];
	uint8_t flags;		/* bit 0x01: numbered */
	uint8_t local[4];
	uint8_t remote[4];
	size_t n;
	uint32_t *v;
};

/* One TLV as it appeared on the wire (or as it will be written). List TLVs (those
 * whose table row has an item size) hold n items in `it`; the others a value in `u`.
 * Unknown types keep their value as opaque bytes in u.opaque. */
struct isis_tlv {
	uint8_t type;
	size_t n;
	union {
		void *any;
		struct isis_area *area;			/* 1 */
		uint8_t (*mac)[6];			/* 6 */
		struct isis_lsp_entry *lsp;		/* 9 */
		struct isis_ext_is *is;			/* 22 */
		struct isis_locator *loc;		/* 27 */
		struct isis_ipv4_narrow *ip4n;		/* 128, 130 */
		uint8_t *nlpid;				/* 129 */
		uint8_t (*addr4)[4];			/* 132 */
		struct isis_ext_ip *ip;			/* 135 */
		uint8_t (*addr6)[16];			/* 232 */
		struct isis_ipv6_reach *ip6;		/* 236 */
	} it;
	union {
		struct {
			uint8_t len;
			uint8_t bytes[255];
		} opaque;				/* 8 padding, unknown */
		struct {
			uint8_t type;
			uint8_t len;
			uint8_t bytes[254];
		} auth;					/* 10 */
		struct {
			uint8_t count;
			uint8_t sysid[2][ISIS_SYSID_LEN];
		} purge;				/* 13 */
		uint16_t mtid;				/* 27: MTID word, reserved bits kept */
		uint8_t router_id[4];			/* 134 */
		struct {
			uint8_t len;
			char name[256];
		} hostname;				/* 137 */
		struct isis_srlg srlg;			/* 138 */
		struct isis_three_way p2p;		/* 240 */
		struct isis_router_cap cap;		/* 242 */
	} u;
};

struct isis_iih_p2p {		/* ISO 10589 9.7 */
	uint8_t circuit_type;	/* whole octet: 1 L1, 2 L2, 3 L1L2 (+ reserved bits) */
	uint8_t source[ISIS_SYSID_LEN];
	uint16_t hold_time;
	uint8_t circuit_id;
};

struct isis_lsp_hdr {		/* ISO 10589 9.8/9.9 */
	uint16_t lifetime;
	uint8_t lsp_id[ISIS_LSPID_LEN];
	uint32_t seq;
	uint16_t checksum;
	uint8_t flags;		/* P, ATT, OL, IS type */
};

struct isis_snp_hdr {		/* ISO 10589 9.10-9.13 */
	uint8_t source[ISIS_NODEID_LEN];
	uint8_t start[ISIS_LSPID_LEN];	/* CSNP only */
	uint8_t end[ISIS_LSPID_LEN];	/* CSNP only */
};

struct isis_pdu {
	uint8_t type;		/* enum isis_pdu_type */
	uint8_t type_hi;	/* reserved high bits of the type octet (kept) */
	uint8_t id_len;		/* ID length octet as received: 0 or 6 */
	uint8_t reserved;	/* reserved octet 7 (kept) */
	uint8_t max_areas;	/* maximum area addresses octet (0 means 3) */
	uint16_t pdu_len;	/* as decoded / as last encoded */
	union {
		struct isis_iih_p2p iih;
		struct isis_lsp_hdr lsp;
		struct isis_snp_hdr snp;
	} h;
	size_t ntlvs;
	struct isis_tlv *tlvs;
	/* decode only: a copy of the PDU's original bytes (pdu_len of them), so an LSP
	 * can be stored and re-flooded unchanged */
	uint8_t *raw;
	size_t raw_len;
	bool checksum_ok;	/* LSP checksum verified (false for unverified purges) */
};

/* checksum.c — ISO 8473 Fletcher checksum as IS-IS LSPs use it (ISO 10589 7.3.11) */
/* Checksum of an LSP's bytes from the LSP ID (offset 12) to the end, with the checksum
 * field (offset 24) taken as zero: returns the value to put there. len is the whole
 * PDU length (>= ISIS_LSP_HDR_LEN). */
uint16_t isis_lsp_checksum(const uint8_t *pdu, size_t len);
/* Fill the checksum field in place. */
void isis_lsp_checksum_set(uint8_t *pdu, size_t len);
/* True if the LSP verifies (both Fletcher sums are zero) and the field is not 0. */
bool isis_lsp_checksum_ok(const uint8_t *pdu, size_t len);

/* tlv.c — the TLV table */
struct isis_fmt;
/* Decode the TLVs in r (the PDU's TLV area) and append them to pdu. Returns 0 or
 * -EBADMSG (with *err set) or -ENOMEM. */
int isis_tlvs_decode(struct br *r, struct isis_pdu *pdu, struct isis_err *err);
/* Encode every TLV of pdu, splitting list TLVs whose value exceeds 255 bytes. Returns
 * 0, -EMSGSIZE (out of room, or a single item / non-list TLV too large). */
int isis_tlvs_encode(struct bw *w, const struct isis_pdu *pdu);
void isis_tlvs_format(struct isis_fmt *f, const struct isis_pdu *pdu);
void isis_tlv_free(struct isis_tlv *t);
const char *isis_tlv_name(uint8_t type);
/* Building: append a zeroed TLV of `type` to pdu (NULL on ENOMEM), and append a zeroed
 * item to a list TLV (NULL on ENOMEM or if the type is not a list). */
struct isis_tlv *isis_tlv_add(struct isis_pdu *pdu, uint8_t type);
void *isis_tlv_item_add(struct isis_tlv *t);

/* subtlv.c — sub-TLV tables for TLV 22, 135/236, 27 and 242 */
int isis_subtlvs_decode(struct br *r, enum isis_sub_ctx ctx, struct isis_subtlvs *s,
			struct isis_err *err);
void isis_subtlvs_encode(struct bw *w, enum isis_sub_ctx ctx, const struct isis_subtlvs *s);
size_t isis_subtlvs_len(enum isis_sub_ctx ctx, const struct isis_subtlvs *s);
void isis_subtlvs_format(struct isis_fmt *f, enum isis_sub_ctx ctx,
			 const struct isis_subtlvs *s, int indent);
void isis_subtlvs_free(struct isis_subtlvs *s);
struct isis_subtlv *isis_subtlv_add(struct isis_subtlvs *s, uint8_t type);

/* pdu.c — common header and PDU bodies */
/* Decode len bytes (trailing bytes beyond the PDU length, e.g. Ethernet padding, are
 * ignored). On success *pdu owns its TLVs and a copy of the PDU's bytes; free with
 * isis_pdu_free. Returns 0, -EBADMSG (err says where and why) or -ENOMEM. */
int isis_pdu_decode(const uint8_t *buf, size_t len, struct isis_pdu *pdu,
		    struct isis_err *err);
/* Encode into buf (cap bytes); *out_len is the PDU length written (the PDU length
 * field is computed, pdu->pdu_len is ignored). pad_to > 0 pads with TLV 8 up to that
 * length (hellos, ISO 10589 8.2.3); an LSP gets its checksum filled in. Returns 0,
 * -EMSGSIZE (no room, a TLV or sub-TLV over 255 bytes) or -EINVAL (unsupported type,
 * a value the wire cannot carry, padding to exactly one byte more). */
int isis_pdu_encode(const struct isis_pdu *pdu, size_t pad_to, uint8_t *buf, size_t cap,
		    size_t *out_len);
void isis_pdu_init(struct isis_pdu *pdu, enum isis_pdu_type type);
void isis_pdu_free(struct isis_pdu *pdu);
bool isis_pdu_is_lsp(uint8_t type);
bool isis_pdu_is_csnp(uint8_t type);
bool isis_pdu_is_psnp(uint8_t type);
/* "offset 27: TLV 22 sub-TLV 9: bad sub-TLV length" */
const char *isis_err_format(const struct isis_err *e, char *buf, size_t len);
/* Record a decode failure (only the first one is kept). Returns -EBADMSG. */
int isis_fail(struct isis_err *e, size_t offset, const char *reason);

/* format.c — deterministic text form (reads like `show isis database detail`) */
struct isis_fmt {
	char *s;
	size_t len;
	size_t cap;
	int err;	/* -ENOMEM, sticky */
};
/* The whole PDU as text, one line per header / TLV / sub-TLV; malloc'd, NULL on
 * ENOMEM. */
char *isis_pdu_format(const struct isis_pdu *pdu);
void isis_fmt_printf(struct isis_fmt *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void isis_fmt_indent(struct isis_fmt *f, int indent);
void isis_fmt_hex(struct isis_fmt *f, const uint8_t *p, size_t n);
/* Appends "1921.6805.0001", ".00" and "-00" parts for 6, 7 or 8 byte IDs. */
void isis_fmt_id(struct isis_fmt *f, const uint8_t *id, size_t n);
void isis_fmt_area(struct isis_fmt *f, const uint8_t *a, size_t n);
void isis_fmt_addr(struct isis_fmt *f, int family, const uint8_t *a);
/* IEEE float bytes/s as bit/s */
void isis_fmt_bw(struct isis_fmt *f, uint32_t bits);
const char *isis_srv6_behavior_name(uint16_t b);

#endif
