/* fuzz_isis_pdu — arbitrary bytes into the IS-IS PDU codec (speaker/pdu.c, tlv.c,
 * subtlv.c, format.c).
 *
 * Anything that decodes is formatted, encoded, decoded again and formatted again; the
 * two texts must be equal (the FRR isisd fuzz idiom), the re-encoding must decode, and
 * for anything but a purge (whose checksum is not verified on receipt, ISO 10589
 * 7.3.16.4) the re-encoding must reproduce the original PDU bytes exactly. Rejections
 * must carry a reason. LSPs are also tried with their checksum fixed up, so mutations
 * reach the TLV decoders instead of stopping at "bad checksum". abort() on a mismatch
 * is for this target only. Corpus:
 * tests/fuzz/corpus/isis_pdu/ (the golden PDUs of tests/unit/test_isis_*.c and the
 * malformed ones, written by KVTE_UPDATE_GOLDEN=1). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/isis.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "fuzz_isis_pdu: %s\n", what);
		abort();
	}
}

static void one(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t fixed[65536];
	size_t plen;

	one(data, size);
	if (size < ISIS_LSP_HDR_LEN || size > sizeof(fixed) || !isis_pdu_is_lsp(data[4] & 0x1f))
		return 0;
	plen = (size_t)data[8] << 8 | data[9];
	if (plen < ISIS_LSP_HDR_LEN || plen > size)
		return 0;
	memcpy(fixed, data, size);
	isis_lsp_checksum_set(fixed, plen);
	one(fixed, size);
	return 0;
}

static void one(const uint8_t *data, size_t size)
{
	static uint8_t out[65536];
	struct isis_pdu a, b;
	struct isis_err e;
	size_t n = 0;
	char *t1, *t2;
	int rc;

	rc = isis_pdu_decode(data, size, &a, &e);
	if (rc < 0) {
		check(rc != -EBADMSG || e.reason != NULL, "rejected without a reason");
		return;
	}
	t1 = isis_pdu_format(&a);
	check(t1 != NULL, "format failed");
	check(isis_pdu_encode(&a, 0, out, sizeof(out), &n) == 0, "re-encode failed");
	check(isis_pdu_is_lsp(a.type) && a.h.lsp.lifetime == 0 ?
		      n == a.raw_len :
		      n == a.raw_len && memcmp(out, a.raw, n) == 0,
	      "re-encoding differs from the original bytes");
	rc = isis_pdu_decode(out, n, &b, &e);
	check(rc == 0, "re-encoding does not decode");
	t2 = isis_pdu_format(&b);
	check(t2 != NULL, "format failed");
	if (!(isis_pdu_is_lsp(a.type) && a.h.lsp.lifetime == 0))
		check(strcmp(t1, t2) == 0, "formats differ");
	free(t1);
	free(t2);
	isis_pdu_free(&a);
	isis_pdu_free(&b);
}
