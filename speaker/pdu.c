/* pdu — IS-IS PDU headers and bodies: decode bytes into a struct isis_pdu and encode
 * it back.
 *
 * ISO 10589 9.5 common header (discriminator 0x83, header length, version/protocol ID
 * extension, ID length 0 = 6, PDU type, version, reserved, maximum area addresses),
 * 9.7 point-to-point IIH, 9.8/9.9 L1/L2 LSP, 9.10/9.11 CSNP, 9.12/9.13 PSNP. LSP
 * checksums are verified on decode and filled in on encode (speaker/checksum.c, ISO
 * 10589 7.3.11); purges follow ISO 10589 7.3.16.4 (checksum of a zero-lifetime LSP not
 * checked) and RFC 6233 3 (a purge may only carry TLVs 10, 13 and 137). The decoded
 * view keeps a copy of the PDU's bytes (pdu->raw) so LSPs are stored and re-flooded
 * unchanged. TLVs go through speaker/tlv.c. Every rejection names an offset and a
 * fixed reason string (docs/speaker.md lists them). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"

struct pdu_kind {
	uint8_t type;
	uint8_t hdr_len;
	uint8_t len_off; /* offset of the PDU length field */
};

static const struct pdu_kind kinds[] = {
	{ ISIS_P2P_IIH, ISIS_P2P_IIH_HDR_LEN, 17 },
	{ ISIS_L1_LSP, ISIS_LSP_HDR_LEN, 8 },
	{ ISIS_L2_LSP, ISIS_LSP_HDR_LEN, 8 },
	{ ISIS_L1_CSNP, ISIS_CSNP_HDR_LEN, 8 },
	{ ISIS_L2_CSNP, ISIS_CSNP_HDR_LEN, 8 },
	{ ISIS_L1_PSNP, ISIS_PSNP_HDR_LEN, 8 },
	{ ISIS_L2_PSNP, ISIS_PSNP_HDR_LEN, 8 },
};

static const struct pdu_kind *kind_find(uint8_t type)
{
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (kinds[i].type == type)
			return &kinds[i];
	return NULL;
}

bool isis_pdu_is_lsp(uint8_t type)
{
	return type == ISIS_L1_LSP || type == ISIS_L2_LSP;
}

bool isis_pdu_is_csnp(uint8_t type)
{
	return type == ISIS_L1_CSNP || type == ISIS_L2_CSNP;
}

bool isis_pdu_is_psnp(uint8_t type)
{
	return type == ISIS_L1_PSNP || type == ISIS_L2_PSNP;
}

int isis_fail(struct isis_err *e, size_t offset, const char *reason)
{
	if (!e->reason) {
		e->offset = offset;
		e->reason = reason;
	}
	return -EBADMSG;
}

const char *isis_err_format(const struct isis_err *e, char *buf, size_t len)
{
	char tlv[16] = "", sub[24] = "";

	if (!e->reason) {
		snprintf(buf, len, "no error");
		return buf;
	}
	if (e->tlv >= 0)
		snprintf(tlv, sizeof(tlv), " TLV %d", e->tlv);
	if (e->sub >= 0)
		snprintf(sub, sizeof(sub), " sub-TLV %d", e->sub);
	snprintf(buf, len, "offset %zu:%s%s%s %s", e->offset, tlv, sub,
		 e->tlv >= 0 ? ":" : "", e->reason);
	return buf;
}

void isis_pdu_init(struct isis_pdu *pdu, enum isis_pdu_type type)
{
	memset(pdu, 0, sizeof(*pdu));
	pdu->type = (uint8_t)type;
}

void isis_pdu_free(struct isis_pdu *pdu)
{
	for (size_t i = 0; i < pdu->ntlvs; i++)
		isis_tlv_free(&pdu->tlvs[i]);
	free(pdu->tlvs);
	free(pdu->raw);
	pdu->tlvs = NULL;
	pdu->raw = NULL;
	pdu->ntlvs = 0;
	pdu->raw_len = 0;
}

/* --- decode ---------------------------------------------------------------------------- */

/* ISO 10589 9.5: the eight common octets, then the PDU length field of this type.
 * Sets *kind; returns 0 or -EBADMSG (error set). */
static int hdr_decode(const uint8_t *b, size_t len, struct isis_pdu *pdu,
		      const struct pdu_kind **kind, struct isis_err *e)
{
	const struct pdu_kind *k;
	size_t plen;

	if (len < ISIS_COMMON_HDR_LEN)
		return isis_fail(e, len, "truncated header");
	if (b[0] != ISIS_IRPD)
		return isis_fail(e, 0, "bad protocol discriminator");
	if (b[2] != ISIS_VERSION)
		return isis_fail(e, 2, "bad version/protocol ID extension");
	if (b[3] != 0 && b[3] != ISIS_SYSID_LEN) /* 9.5: 0 means 6; kvte uses 6-byte IDs */
		return isis_fail(e, 3, "unsupported ID length");
	if (!(k = kind_find(b[4] & 0x1f)))
		return isis_fail(e, 4, "unsupported PDU type");
	if (b[5] != ISIS_VERSION)
		return isis_fail(e, 5, "bad version");
	if (b[1] != k->hdr_len)
		return isis_fail(e, 1, "header length mismatch");
	if (len < k->hdr_len)
		return isis_fail(e, len, "truncated header");
	plen = (size_t)b[k->len_off] << 8 | b[k->len_off + 1];
	if (plen < k->hdr_len)
		return isis_fail(e, k->len_off, "PDU length shorter than header");
	if (plen > len)
		return isis_fail(e, k->len_off, "PDU length beyond buffer");
	pdu->type = b[4] & 0x1f;
	pdu->type_hi = b[4] & 0xe0;
	pdu->id_len = b[3];
	pdu->reserved = b[6];
	pdu->max_areas = b[7];
	pdu->pdu_len = (uint16_t)plen;
	*kind = k;
	return 0;
}

static void body_decode(struct br *r, struct isis_pdu *pdu)
{
	br_skip(r, ISIS_COMMON_HDR_LEN);
	if (pdu->type == ISIS_P2P_IIH) {
		pdu->h.iih.circuit_type = br_u8(r);
		br_bytes(r, pdu->h.iih.source, ISIS_SYSID_LEN);
		pdu->h.iih.hold_time = br_u16(r);
		br_skip(r, 2); /* PDU length */
		pdu->h.iih.circuit_id = br_u8(r);
		return;
	}
	br_skip(r, 2); /* PDU length */
	if (isis_pdu_is_lsp(pdu->type)) {
		pdu->h.lsp.lifetime = br_u16(r);
		br_bytes(r, pdu->h.lsp.lsp_id, ISIS_LSPID_LEN);
		pdu->h.lsp.seq = br_u32(r);
		pdu->h.lsp.checksum = br_u16(r);
		pdu->h.lsp.flags = br_u8(r);
		return;
	}
	br_bytes(r, pdu->h.snp.source, ISIS_NODEID_LEN);
	if (isis_pdu_is_csnp(pdu->type)) {
		br_bytes(r, pdu->h.snp.start, ISIS_LSPID_LEN);
		br_bytes(r, pdu->h.snp.end, ISIS_LSPID_LEN);
	}
}

/* ISO 10589 7.3.14.2 e, 7.3.16.4: verify unless this is a purge */
static int lsp_checksum_check(struct isis_pdu *pdu, struct isis_err *e)
{
	pdu->checksum_ok = isis_lsp_checksum_ok(pdu->raw, pdu->raw_len);
	if (pdu->h.lsp.lifetime == 0 || pdu->checksum_ok)
		return 0;
	if (pdu->h.lsp.checksum == 0)
		return isis_fail(e, ISIS_LSP_CKSUM_OFF, "zero checksum");
	return isis_fail(e, ISIS_LSP_CKSUM_OFF, "bad checksum");
}

/* RFC 6233 3: TLVs a purge may carry */
static bool purge_tlv_allowed(uint8_t type)
{
	return type == ISIS_TLV_AUTH || type == ISIS_TLV_PURGE_ORIG || type == ISIS_TLV_HOSTNAME;
}

static int lsp_content_check(const struct isis_pdu *pdu, struct isis_err *e)
{
	size_t off = ISIS_LSP_HDR_LEN;

	if (pdu->h.lsp.lifetime != 0) {
		if (pdu->ntlvs == 0)
			return isis_fail(e, off, "LSP with no TLVs");
		return 0;
	}
	for (size_t i = 0; i < pdu->ntlvs; i++) {
		if (!purge_tlv_allowed(pdu->tlvs[i].type)) {
			e->tlv = pdu->tlvs[i].type;
			return isis_fail(e, off, "purge with TLVs other than 10/13/137");
		}
		off += 2u + pdu->raw[off + 1];
	}
	return 0;
}

static int pdu_decode_body(struct isis_pdu *pdu, const struct pdu_kind *k, struct isis_err *e)
{
	struct br r, tlvs;
	int rc;

	br_init(&r, pdu->raw, pdu->raw_len, 0);
	body_decode(&r, pdu);
	if (isis_pdu_is_lsp(pdu->type) && (rc = lsp_checksum_check(pdu, e)) < 0)
		return rc;
	br_init(&tlvs, pdu->raw + k->hdr_len, pdu->raw_len - k->hdr_len, k->hdr_len);
	if ((rc = isis_tlvs_decode(&tlvs, pdu, e)) < 0)
		return rc;
	if (isis_pdu_is_lsp(pdu->type))
		return lsp_content_check(pdu, e);
	return 0;
}

int isis_pdu_decode(const uint8_t *buf, size_t len, struct isis_pdu *pdu, struct isis_err *e)
{
	const struct pdu_kind *k = NULL;
	int rc;

	memset(pdu, 0, sizeof(*pdu));
	memset(e, 0, sizeof(*e));
	e->tlv = e->sub = -1;
	if ((rc = hdr_decode(buf, len, pdu, &k, e)) < 0)
		return rc;
	pdu->raw = malloc(pdu->pdu_len);
	if (!pdu->raw)
		return -ENOMEM;
	memcpy(pdu->raw, buf, pdu->pdu_len);
	pdu->raw_len = pdu->pdu_len;
	rc = pdu_decode_body(pdu, k, e);
	if (rc < 0)
		isis_pdu_free(pdu);
	return rc;
}

/* --- encode ---------------------------------------------------------------------------- */

static void body_encode(struct bw *w, const struct isis_pdu *pdu, size_t *len_at)
{
	if (pdu->type == ISIS_P2P_IIH) {
		bw_u8(w, pdu->h.iih.circuit_type);
		bw_bytes(w, pdu->h.iih.source, ISIS_SYSID_LEN);
		bw_u16(w, pdu->h.iih.hold_time);
		*len_at = w->len;
		bw_u16(w, 0);
		bw_u8(w, pdu->h.iih.circuit_id);
		return;
	}
	*len_at = w->len;
	bw_u16(w, 0);
	if (isis_pdu_is_lsp(pdu->type)) {
		bw_u16(w, pdu->h.lsp.lifetime);
		bw_bytes(w, pdu->h.lsp.lsp_id, ISIS_LSPID_LEN);
		bw_u32(w, pdu->h.lsp.seq);
		bw_u16(w, 0); /* checksum, filled in last */
		bw_u8(w, pdu->h.lsp.flags);
		return;
	}
	bw_bytes(w, pdu->h.snp.source, ISIS_NODEID_LEN);
	if (isis_pdu_is_csnp(pdu->type)) {
		bw_bytes(w, pdu->h.snp.start, ISIS_LSPID_LEN);
		bw_bytes(w, pdu->h.snp.end, ISIS_LSPID_LEN);
	}
}

/* ISO 10589 8.2.3: pad with TLV 8 to exactly `to` bytes; a single byte cannot be
 * padded, so the last-but-one TLV is made one byte shorter when needed. */
static int pad(struct bw *w, size_t to)
{
	static const uint8_t zeros[255];

	while (!w->err && w->len < to) {
		size_t rem = to - w->len, n;

		if (rem == 1)
			return -EINVAL;
		n = rem - 2 > 255 ? 255 : rem - 2;
		if (rem - 2 - n == 1)
			n--;
		bw_u8(w, ISIS_TLV_PADDING);
		bw_u8(w, (uint8_t)n);
		bw_bytes(w, zeros, n);
	}
	return w->err;
}

int isis_pdu_encode(const struct isis_pdu *pdu, size_t pad_to, uint8_t *buf, size_t cap,
		    size_t *out_len)
{
	const struct pdu_kind *k = kind_find(pdu->type);
	size_t len_at = 0;
	struct bw w;
	int rc;

	if (!k || (pdu->id_len != 0 && pdu->id_len != ISIS_SYSID_LEN) || (pdu->type_hi & 0x1f))
		return -EINVAL;
	bw_init(&w, buf, cap);
	bw_u8(&w, ISIS_IRPD);
	bw_u8(&w, k->hdr_len);
	bw_u8(&w, ISIS_VERSION);
	bw_u8(&w, pdu->id_len);
	bw_u8(&w, (uint8_t)(pdu->type | pdu->type_hi));
	bw_u8(&w, ISIS_VERSION);
	bw_u8(&w, pdu->reserved);
	bw_u8(&w, pdu->max_areas);
	body_encode(&w, pdu, &len_at);
	if ((rc = isis_tlvs_encode(&w, pdu)) < 0)
		return rc;
	if (pad_to && (rc = pad(&w, pad_to)) < 0)
		return rc;
	if (w.err)
		return w.err;
	if (w.len > ISIS_MAX_PDU_LEN)
		return -EMSGSIZE;
	bw_put_u16(&w, len_at, (uint16_t)w.len);
	if (isis_pdu_is_lsp(pdu->type))
		isis_lsp_checksum_set(buf, w.len);
	*out_len = w.len;
	return 0;
}
