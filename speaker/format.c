/* format — the deterministic text form of an IS-IS PDU.
 *
 * Reads like the seed's LSDB dumps and `show isis database detail`: a first line with
 * the PDU kind and its header (for an LSP: LSP ID, sequence number 0x%08x, checksum,
 * holdtime, ATT/P/OL), then one line per TLV item, sub-TLVs indented below their
 * parent. Same struct, same text, byte for byte: golden tests (tests/golden/isis/),
 * the fuzz round trip and kvtectl rely on it. Per-TLV lines come from the rows in
 * speaker/tlv.c and speaker/subtlv.c; this file holds the PDU header lines and the
 * shared helpers (IDs, areas, addresses, bandwidths, SRv6 behaviors — RFC 8986 8.1). */
#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "speaker/isis.h"

void isis_fmt_printf(struct isis_fmt *f, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (f->err)
		return;
	va_start(ap, fmt);
	n = vsnprintf(f->s ? f->s + f->len : NULL, f->s ? f->cap - f->len : 0, fmt, ap);
	va_end(ap);
	if (n < 0) {
		f->err = -EINVAL;
		return;
	}
	if (!f->s || f->len + (size_t)n >= f->cap) {
		size_t cap = (f->cap ? f->cap : 256);
		char *s;

		while (cap <= f->len + (size_t)n)
			cap *= 2;
		if (!(s = realloc(f->s, cap))) {
			f->err = -ENOMEM;
			return;
		}
		f->s = s;
		f->cap = cap;
		va_start(ap, fmt);
		vsnprintf(f->s + f->len, f->cap - f->len, fmt, ap);
		va_end(ap);
	}
	f->len += (size_t)n;
}

void isis_fmt_indent(struct isis_fmt *f, int indent)
{
	isis_fmt_printf(f, "%*s", indent, "");
}

void isis_fmt_hex(struct isis_fmt *f, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		isis_fmt_printf(f, "%02x", p[i]);
}

void isis_fmt_id(struct isis_fmt *f, const uint8_t *id, size_t n)
{
	isis_fmt_printf(f, "%02x%02x.%02x%02x.%02x%02x", id[0], id[1], id[2], id[3], id[4],
			id[5]);
	if (n >= 7)
		isis_fmt_printf(f, ".%02x", id[6]);
	if (n >= 8)
		isis_fmt_printf(f, "-%02x", id[7]);
}

/* "49.0002": the AFI octet, then two-octet groups (ISO 10589 area addresses) */
void isis_fmt_area(struct isis_fmt *f, const uint8_t *a, size_t n)
{
	if (!n)
		return;
	isis_fmt_printf(f, "%02x", a[0]);
	for (size_t i = 1; i < n; i += 2) {
		isis_fmt_printf(f, ".%02x", a[i]);
		if (i + 1 < n)
			isis_fmt_printf(f, "%02x", a[i + 1]);
	}
}

void isis_fmt_addr(struct isis_fmt *f, int family, const uint8_t *a)
{
	char buf[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, a, buf, sizeof(buf)))
		snprintf(buf, sizeof(buf), "?");
	isis_fmt_printf(f, "%s", buf);
}

/* RFC 5305 3.4: IEEE 754 single precision, bytes per second; shown in bit/s */
void isis_fmt_bw(struct isis_fmt *f, uint32_t bits)
{
	float v;

	memcpy(&v, &bits, sizeof(v));
	isis_fmt_printf(f, "%.0f bit/s", (double)v * 8.0);
}

/* RFC 8986 10.2 (IANA "SRv6 Endpoint Behaviors"), the ones kvte meets */
const char *isis_srv6_behavior_name(uint16_t b)
{
	static const char *const names[] = {
		[1] = "End", [2] = "End PSP", [3] = "End USP", [4] = "End PSP&USP",
		[5] = "End.X", [6] = "End.X PSP", [7] = "End.X USP", [8] = "End.X PSP&USP",
		[9] = "End.T", [16] = "End.DX6", [17] = "End.DX4", [18] = "End.DT6",
		[19] = "End.DT4", [20] = "End.DT46",
	};

	return b < sizeof(names) / sizeof(names[0]) ? names[b] : NULL;
}

static const char *level(uint8_t type)
{
	return type == ISIS_L1_LSP || type == ISIS_L1_CSNP || type == ISIS_L1_PSNP ? "L1" : "L2";
}

static void fmt_iih(struct isis_fmt *f, const struct isis_pdu *p)
{
	static const char *const ct[] = { "reserved", "L1", "L2", "L1L2" };
	const struct isis_iih_p2p *h = &p->h.iih;

	isis_fmt_printf(f, "P2P IIH source ");
	isis_fmt_id(f, h->source, ISIS_SYSID_LEN);
	isis_fmt_printf(f, " circuit-type %s", ct[h->circuit_type & 3]);
	if (h->circuit_type & 0xfc)
		isis_fmt_printf(f, " (0x%02x)", h->circuit_type);
	isis_fmt_printf(f, " holdtime %u circuit-id %u", h->hold_time, h->circuit_id);
}

static void fmt_lsp(struct isis_fmt *f, const struct isis_pdu *p)
{
	const struct isis_lsp_hdr *h = &p->h.lsp;

	isis_fmt_printf(f, "%s LSP ", level(p->type));
	isis_fmt_id(f, h->lsp_id, ISIS_LSPID_LEN);
	isis_fmt_printf(f, " seq 0x%08x checksum 0x%04x holdtime %u ATT/P/OL %u/%u/%u is-type %u",
			h->seq, h->checksum, h->lifetime, (h->flags & ISIS_LSP_ATT) >> 3,
			h->flags >> 7, (h->flags & ISIS_LSP_OL) >> 2, h->flags & ISIS_LSP_IS_TYPE);
}

static void fmt_snp(struct isis_fmt *f, const struct isis_pdu *p)
{
	const struct isis_snp_hdr *h = &p->h.snp;

	isis_fmt_printf(f, "%s %s source ", level(p->type),
			isis_pdu_is_csnp(p->type) ? "CSNP" : "PSNP");
	isis_fmt_id(f, h->source, ISIS_NODEID_LEN);
	if (!isis_pdu_is_csnp(p->type))
		return;
	isis_fmt_printf(f, " start ");
	isis_fmt_id(f, h->start, ISIS_LSPID_LEN);
	isis_fmt_printf(f, " end ");
	isis_fmt_id(f, h->end, ISIS_LSPID_LEN);
}

char *isis_pdu_format(const struct isis_pdu *pdu)
{
	struct isis_fmt f = { 0 };

	if (pdu->type == ISIS_P2P_IIH)
		fmt_iih(&f, pdu);
	else if (isis_pdu_is_lsp(pdu->type))
		fmt_lsp(&f, pdu);
	else
		fmt_snp(&f, pdu);
	isis_fmt_printf(&f, " length %u", pdu->pdu_len);
	if (pdu->max_areas)
		isis_fmt_printf(&f, " max-areas %u", pdu->max_areas);
	isis_fmt_printf(&f, "\n");
	isis_tlvs_format(&f, pdu);
	if (f.err) {
		free(f.s);
		return NULL;
	}
	return f.s;
}
