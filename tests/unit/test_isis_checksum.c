/* test_isis_checksum — Check suite for speaker/checksum.c, the ISO 8473 Fletcher
 * checksum of IS-IS LSPs (ISO 10589 7.3.11): compared with an independent brute-force
 * search for the two checksum octets, single-byte corruption detected everywhere in
 * the covered range, the remaining lifetime excluded, a zero field rejected; and
 * cross-checked with tshark, which must dissect the golden PDUs of
 * tests/fuzz/corpus/isis_pdu/ (802.3 + LLC framing) with every checksum correct and no
 * malformed field or expert error (skipped, with a message, if tshark is missing). */
#include <check.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "speaker/isis.h"

static uint32_t seed = 12345;

static uint8_t rnd(void)
{
	seed = seed * 1103515245u + 12345u;
	return (uint8_t)(seed >> 16);
}

/* A valid LSP: header, area 49.0002, a hostname of `hlen` random letters. */
static size_t make_lsp(uint8_t *b, size_t hlen, uint16_t lifetime)
{
	static const uint8_t hdr[27] = { 0x83, 27, 1, 0, 20, 1, 0, 0, 0, 0, 0, 0,
					 0x19, 0x21, 0x68, 0x05, 0x00, 0x07, 0, 0, 0, 0, 0, 1,
					 0, 0, 0x03 };
	size_t n = sizeof(hdr);

	memcpy(b, hdr, n);
	b[10] = (uint8_t)(lifetime >> 8);
	b[11] = (uint8_t)lifetime;
	b[20] = rnd(), b[23] = rnd(); /* sequence number */
	b[n++] = 1, b[n++] = 4, b[n++] = 3, b[n++] = 0x49, b[n++] = 0, b[n++] = 2;
	b[n++] = 137;
	b[n++] = (uint8_t)hlen;
	for (size_t i = 0; i < hlen; i++)
		b[n++] = (uint8_t)('a' + rnd() % 26);
	b[8] = (uint8_t)(n >> 8);
	b[9] = (uint8_t)n;
	return n;
}

/* Independent: try every X, derive Y from the first sum, keep the one whose second
 * sum is zero too. Both octets are in 1..255 (ISO 8473 C.2: 0 is written as 255). */
static uint16_t brute_force(const uint8_t *pdu, size_t len)
{
	static uint8_t b[2048];
	unsigned found = 0, hits = 0;

	memcpy(b, pdu, len);
	for (unsigned x = 1; x <= 255; x++) {
		unsigned s = 0, c0 = 0, c1 = 0, y;

		for (size_t i = 12; i < len; i++)
			s += (i == 24) ? x : (i == 25) ? 0 : b[i];
		y = (255 - s % 255) % 255;
		if (y == 0)
			y = 255;
		b[24] = (uint8_t)x;
		b[25] = (uint8_t)y;
		for (size_t i = 12; i < len; i++) {
			c0 = (c0 + b[i]) % 255;
			c1 = (c1 + c0) % 255;
		}
		if (c0 == 0 && c1 == 0) {
			found = x << 8 | y;
			hits++;
		}
	}
	ck_assert_uint_eq(hits, 1);
	return (uint16_t)found;
}

START_TEST(checksum_matches_brute_force)
{
	uint8_t b[512];

	for (size_t hlen = 1; hlen <= 255; hlen += 7) {
		size_t n = make_lsp(b, hlen, 1200);
		uint16_t c = isis_lsp_checksum(b, n);

		ck_assert_uint_eq(c, brute_force(b, n));
		ck_assert_uint_ne(c >> 8, 0);
		ck_assert_uint_ne(c & 0xff, 0);
		isis_lsp_checksum_set(b, n);
		ck_assert(isis_lsp_checksum_ok(b, n));
	}
}
END_TEST

/* The checksum field's prior content does not matter; the lifetime is not covered. */
START_TEST(checksum_field_and_lifetime_excluded)
{
	uint8_t b[512];
	size_t n = make_lsp(b, 10, 1200);
	uint16_t c = isis_lsp_checksum(b, n);

	b[24] = 0xaa, b[25] = 0x55;
	ck_assert_uint_eq(isis_lsp_checksum(b, n), c);
	isis_lsp_checksum_set(b, n);
	for (unsigned life = 0; life < 65536; life += 4099) {
		b[10] = (uint8_t)(life >> 8), b[11] = (uint8_t)life;
		ck_assert(isis_lsp_checksum_ok(b, n));
		ck_assert_uint_eq(isis_lsp_checksum(b, n), c);
	}
}
END_TEST

START_TEST(checksum_detects_corruption)
{
	uint8_t b[512];
	size_t n = make_lsp(b, 40, 1200);

	isis_lsp_checksum_set(b, n);
	for (size_t i = 12; i < n; i++) {
		b[i] ^= 0x01;
		ck_assert_msg(!isis_lsp_checksum_ok(b, n), "flip at %zu not detected", i);
		b[i] ^= 0x01;
	}
	/* a swap of two different adjacent octets changes the second sum */
	b[30] = 1, b[31] = 2;
	isis_lsp_checksum_set(b, n);
	b[30] = 2, b[31] = 1;
	ck_assert(!isis_lsp_checksum_ok(b, n));
	/* zero is never a valid stored checksum, whatever the sums */
	b[24] = b[25] = 0;
	ck_assert(!isis_lsp_checksum_ok(b, n));
	ck_assert(!isis_lsp_checksum_ok(b, 20));
	ck_assert_uint_eq(isis_lsp_checksum(b, 20), 0);
}
END_TEST

/* --- tshark ---------------------------------------------------------------------------- */

static void pcap_u32(FILE *f, uint32_t v)
{
	fwrite(&v, 4, 1, f); /* native order; the magic tells the reader */
}

/* 802.3 + LLC (DSAP/SSAP 0xfe, UI) to AllL2ISs 09:00:2b:00:00:05 (ISO 10589 8.4.8) */
static void pcap_frame(FILE *f, const uint8_t *pdu, size_t n, uint32_t ts)
{
	static const uint8_t hdr[14] = { 0x09, 0x00, 0x2b, 0x00, 0x00, 0x05,
					 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 };
	static const uint8_t llc[3] = { 0xfe, 0xfe, 0x03 };
	uint8_t h[14];
	size_t len = 14 + 3 + n, pad = len < 60 ? 60 - len : 0;

	memcpy(h, hdr, 14);
	h[12] = (uint8_t)((n + 3) >> 8);
	h[13] = (uint8_t)(n + 3);
	pcap_u32(f, ts);
	pcap_u32(f, 0);
	pcap_u32(f, (uint32_t)(len + pad));
	pcap_u32(f, (uint32_t)(len + pad));
	fwrite(h, 1, 14, f);
	fwrite(llc, 1, 3, f);
	fwrite(pdu, 1, n, f);
	for (size_t i = 0; i < pad; i++)
		fputc(0, f);
}

static FILE *pcap_open(char *path)
{
	int fd = mkstemp(path);
	FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;

	ck_assert_ptr_nonnull(f);
	pcap_u32(f, 0xa1b2c3d4);
	fwrite("\x02\x00\x04\x00", 1, 4, f); /* version 2.4, little endian */
	pcap_u32(f, 0);
	pcap_u32(f, 0);
	pcap_u32(f, 65535);
	pcap_u32(f, 1); /* LINKTYPE_ETHERNET */
	return f;
}

/* Runs tshark -V; returns its output (malloc'd) or NULL if tshark is not installed. */
static char *tshark(const char *path)
{
	char cmd[512], *out = NULL;
	size_t len = 0, cap = 0, n;
	char chunk[4096];
	FILE *p;

	if (system("command -v tshark >/dev/null 2>&1") != 0)
		return NULL;
	snprintf(cmd, sizeof(cmd), "tshark -r '%s' -V 2>&1", path);
	ck_assert_ptr_nonnull(p = popen(cmd, "r"));
	while ((n = fread(chunk, 1, sizeof(chunk), p)) > 0) {
		if (len + n + 1 > cap) {
			cap = (len + n + 1) * 2;
			ck_assert_ptr_nonnull(out = realloc(out, cap));
		}
		memcpy(out + len, chunk, n);
		len += n;
	}
	pclose(p);
	if (!out)
		out = calloc(1, 1);
	out[len] = '\0';
	return out;
}

static unsigned count(const char *hay, const char *needle)
{
	unsigned n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static size_t read_pdu(const char *path, uint8_t *b, size_t cap)
{
	FILE *f = fopen(path, "rb");
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(b, 1, cap, f);
	fclose(f);
	return n;
}

/* The golden PDUs deliberately exotic (unknown TLVs and sub-TLVs, TLVs outside their
 * usual PDU): tshark flags those as notes/warnings, never as errors. */
static bool exotic(const char *name)
{
	return strcmp(name, "every_tlv.bin") == 0 || strcmp(name, "opaque.bin") == 0;
}

/* Writes the golden corpus PDUs (exotic or not) to a pcap; returns frames / LSPs. */
static void corpus_pcap(FILE *f, bool want_exotic, unsigned *frames, unsigned *lsps)
{
	const char *src = getenv("KVTE_SOURCE_DIR");
	char dir[4096], file[4400];
	static uint8_t b[65536];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/isis_pdu", src ? src : ".");
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((de = readdir(d))) { /* the golden PDUs: not bad_* nor fuzzer-found fuzz_* */
		size_t n;

		if (de->d_name[0] == '.' || strncmp(de->d_name, "bad_", 4) == 0 ||
		    strncmp(de->d_name, "fuzz_", 5) == 0 ||
		    !strstr(de->d_name, ".bin") || exotic(de->d_name) != want_exotic)
			continue;
		snprintf(file, sizeof(file), "%s/%s", dir, de->d_name);
		n = read_pdu(file, b, sizeof(b));
		pcap_frame(f, b, n, (*frames)++);
		if (isis_pdu_is_lsp(b[4] & 0x1f) && (b[10] | b[11]))
			(*lsps)++;
	}
	closedir(d);
}

START_TEST(checksum_tshark_agrees)
{
	char path[] = "/tmp/kvte-isis-XXXXXX";
	unsigned frames = 0, lsps = 0;
	uint8_t b[512];
	char *out;
	FILE *f;

	f = pcap_open(path);
	corpus_pcap(f, false, &frames, &lsps);
	for (size_t hlen = 1; hlen <= 255; hlen += 31, frames++, lsps++) {
		size_t n = make_lsp(b, hlen, 1200);

		isis_lsp_checksum_set(b, n);
		pcap_frame(f, b, n, frames);
	}
	fclose(f);
	out = tshark(path);
	unlink(path);
	if (!out) {
		fprintf(stderr, "SKIP checksum_tshark_agrees: tshark not installed\n");
		return;
	}
	ck_assert_uint_ge(frames, 15);
	ck_assert_uint_eq(count(out, "ISO 10589 ISIS InTRA Domain Routeing"), frames);
	ck_assert_uint_eq(count(out, "[Checksum Status: Good]"), lsps);
	ck_assert_msg(!strstr(out, "Malformed"), "tshark: malformed packet");
	ck_assert_msg(!strstr(out, "Expert Info"), "tshark: expert info");
	ck_assert_msg(!strstr(out, "incorrect"), "tshark: incorrect checksum");
	free(out);

	/* the exotic ones: still no malformed field, no error, checksums correct */
	strcpy(path, "/tmp/kvte-isis-XXXXXX");
	f = pcap_open(path);
	frames = lsps = 0;
	corpus_pcap(f, true, &frames, &lsps);
	fclose(f);
	out = tshark(path);
	unlink(path);
	ck_assert_uint_eq(frames, 2);
	ck_assert_uint_eq(count(out, "[Checksum Status: Good]"), lsps);
	ck_assert_msg(!strstr(out, "Malformed"), "tshark: malformed packet");
	ck_assert_msg(!strstr(out, "Expert Info (Error"), "tshark: expert error");
	free(out);

	/* and the check can fail: one corrupted LSP is reported */
	strcpy(path, "/tmp/kvte-isis-XXXXXX");
	f = pcap_open(path);
	{
		size_t n = make_lsp(b, 20, 1200);

		isis_lsp_checksum_set(b, n);
		b[40] ^= 0x10;
		pcap_frame(f, b, n, 0);
	}
	fclose(f);
	out = tshark(path);
	unlink(path);
	ck_assert_ptr_nonnull(strstr(out, "[Checksum Status: Bad]"));
	free(out);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("isis_checksum");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, checksum_matches_brute_force);
	tcase_add_test(tc, checksum_field_and_lifetime_excluded);
	tcase_add_test(tc, checksum_detects_corruption);
	tcase_add_test(tc, checksum_tshark_agrees);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
