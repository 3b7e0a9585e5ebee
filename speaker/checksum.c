/* checksum — the ISO 8473 (Annex C) Fletcher checksum as IS-IS uses it for LSPs.
 *
 * ISO 10589 7.3.11: the checksum covers the LSP from the LSP ID (PDU offset 12) to the
 * end of the PDU; the Remaining Lifetime field (offsets 10-11) is not covered, so aging
 * does not change it. The two checksum octets (PDU offsets 24-25) are chosen so that
 * both running sums over the covered bytes are zero modulo 255. A stored checksum of
 * zero is never valid (ISO 10589 7.3.14.2 e treats it as an error). Used by
 * speaker/pdu.c on decode (verify) and encode (fill in). */
#include "speaker/isis.h"

/* Running sums c0, c1 over p[0..n) (ISO 8473 C.1). */
static void fletcher_sums(const uint8_t *p, size_t n, uint32_t *c0, uint32_t *c1)
{
	/* One modulo at the end: b <= 255 n (n + 1) / 2, which fits 64 bits for any n
	 * below 3e8 (a PDU is at most 65535 octets: b < 2^40). */
	uint64_t a = 0, b = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		a += p[i];
		b += a;
	}
	*c0 = (uint32_t)(a % 255);
	*c1 = (uint32_t)(b % 255);
}

static uint32_t mod255(int64_t v)
{
	v %= 255;
	return (uint32_t)(v < 0 ? v + 255 : v);
}

uint16_t isis_lsp_checksum(const uint8_t *pdu, size_t len)
{
	const uint8_t *p = pdu + ISIS_LSP_CKSUM_START;
	size_t l, n = ISIS_LSP_CKSUM_OFF - ISIS_LSP_CKSUM_START + 1; /* 1-based position */
	uint32_t c0, c1, a, b, x, y;

	if (len < ISIS_LSP_HDR_LEN)
		return 0;
	l = len - ISIS_LSP_CKSUM_START;
	/* sums with the checksum octets taken as zero: before + after the field */
	fletcher_sums(p, n - 1, &c0, &c1);
	a = c0;
	b = c1;
	b = (b + a) % 255; /* the two zero octets */
	b = (b + a) % 255;
	fletcher_sums(p + n + 1, l - n - 1, &c0, &c1);
	/* splice the tail: every tail octet adds the running c0 of the head to c1 */
	b = (uint32_t)((b + c1 + (uint64_t)a * (l - n - 1)) % 255);
	a = (a + c0) % 255;
	/* ISO 8473 C.2: X = (L-n)C0 - C1, Y = C1 - (L-n+1)C0 */
	x = mod255((int64_t)(l - n) * a - b);
	y = mod255((int64_t)b - (int64_t)(l - n + 1) * a);
	if (x == 0)
		x = 255;
	if (y == 0)
		y = 255;
	return (uint16_t)(x << 8 | y);
}

void isis_lsp_checksum_set(uint8_t *pdu, size_t len)
{
	uint16_t c;

	if (len < ISIS_LSP_HDR_LEN)
		return;
	c = isis_lsp_checksum(pdu, len);
	pdu[ISIS_LSP_CKSUM_OFF] = (uint8_t)(c >> 8);
	pdu[ISIS_LSP_CKSUM_OFF + 1] = (uint8_t)c;
}

bool isis_lsp_checksum_ok(const uint8_t *pdu, size_t len)
{
	uint32_t c0, c1;

	if (len < ISIS_LSP_HDR_LEN)
		return false;
	if (pdu[ISIS_LSP_CKSUM_OFF] == 0 && pdu[ISIS_LSP_CKSUM_OFF + 1] == 0)
		return false;
	fletcher_sums(pdu + ISIS_LSP_CKSUM_START, len - ISIS_LSP_CKSUM_START, &c0, &c1);
	return c0 == 0 && c1 == 0;
}
