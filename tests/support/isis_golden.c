/* isis_golden — shared helpers for the speaker's codec tests (see isis_golden.h). */
#include <arpa/inet.h>
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/isis_golden.h"

static uint8_t buf[65536];
static uint8_t buf2[65536];

const char *isis_test_src_dir(void)
{
	const char *d = getenv("KVTE_SOURCE_DIR");

	return d ? d : ".";
}

bool isis_test_updating(void)
{
	return getenv("KVTE_UPDATE_GOLDEN") != NULL;
}

void isis_test_write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wb");

	ck_assert_msg(f != NULL, "cannot write %s", path);
	ck_assert_uint_eq(fwrite(p, 1, n, f), n);
	fclose(f);
}

char *isis_test_read_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *s;
	long n;

	ck_assert_msg(f != NULL, "missing golden file %s (run with KVTE_UPDATE_GOLDEN=1)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	s = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(s, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return s;
}

void isis_test_check_golden(const char *name, const char *text)
{
	char path[4096];
	char *want;

	snprintf(path, sizeof(path), "%s/tests/golden/isis/%s.txt", isis_test_src_dir(), name);
	if (isis_test_updating()) {
		isis_test_write_file(path, text, strlen(text));
		return;
	}
	want = isis_test_read_file(path);
	ck_assert_str_eq(text, want);
	free(want);
}

void isis_test_save_corpus(const char *name, const uint8_t *p, size_t n)
{
	char path[4096];

	if (!isis_test_updating())
		return;
	snprintf(path, sizeof(path), "%s/tests/fuzz/corpus/isis_pdu/%s.bin", isis_test_src_dir(), name);
	isis_test_write_file(path, p, n);
}

const char *isis_test_err_str(const struct isis_err *e)
{
	static char s[256];

	return isis_err_format(e, s, sizeof(s));
}

/* encode -> decode -> format == golden; decode -> encode == same bytes */
void isis_test_roundtrip(const struct isis_pdu *built, const char *name, size_t pad)
{
	struct isis_pdu p;
	struct isis_err e;
	size_t n1 = 0, n2 = 0;
	char *text, *text2;

	ck_assert_int_eq(isis_pdu_encode(built, pad, buf, sizeof(buf), &n1), 0);
	ck_assert_msg(isis_pdu_decode(buf, n1, &p, &e) == 0, "%s: %s", name, isis_test_err_str(&e));
	ck_assert_uint_eq(p.raw_len, n1);
	ck_assert_mem_eq(p.raw, buf, n1);
	ck_assert_uint_eq(p.pdu_len, n1);
	text = isis_pdu_format(&p);
	ck_assert_ptr_nonnull(text);
	isis_test_check_golden(name, text);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf2, sizeof(buf2), &n2), 0);
	ck_assert_uint_eq(n2, n1);
	ck_assert_mem_eq(buf2, buf, n1);
	/* formatting is a pure function of the struct */
	text2 = isis_pdu_format(&p);
	ck_assert_str_eq(text, text2);
	isis_test_save_corpus(name, buf, n1);
	free(text);
	free(text2);
	isis_pdu_free(&p);
}

/* --- builders ---------------------------------------------------------------------- */

void isis_test_sysid(uint8_t *out, unsigned node) /* 1921.6805.000N, as in the seed */
{
	const uint8_t id[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, (uint8_t)node };

	memcpy(out, id, 6);
}

void isis_test_v4(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET, s, out), 1);
}

void isis_test_v6(uint8_t *out, const char *s)
{
	ck_assert_int_eq(inet_pton(AF_INET6, s, out), 1);
}

uint32_t isis_test_fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

size_t isis_test_lsp_with(unsigned node, const uint8_t *tlvs, size_t n, uint8_t *out)
{
	static const uint8_t hdr[27] = { 0x83, 27, 1, 0, 20, 1, 0, 0, 0, 0, 0x04, 0xaf,
					 0x19, 0x21, 0x68, 0x05, 0x00, 0x00, 0, 0, 0, 0, 0, 1,
					 0, 0, 0x03 };
	size_t len = sizeof(hdr) + n;

	memcpy(out, hdr, sizeof(hdr));
	out[17] = (uint8_t)node;
	if (n)
		memcpy(out + sizeof(hdr), tlvs, n);
	out[8] = (uint8_t)(len >> 8);
	out[9] = (uint8_t)len;
	isis_lsp_checksum_set(out, len);
	return len;
}

struct isis_subtlv *isis_test_sub(struct isis_subtlvs *s, uint8_t type)
{
	struct isis_subtlv *v = isis_subtlv_add(s, type);

	ck_assert_ptr_nonnull(v);
	return v;
}

struct isis_tlv *isis_test_tlv(struct isis_pdu *p, uint8_t type)
{
	struct isis_tlv *t = isis_tlv_add(p, type);

	ck_assert_ptr_nonnull(t);
	return t;
}

void *isis_test_item(struct isis_tlv *t)
{
	void *v = isis_tlv_item_add(t);

	ck_assert_ptr_nonnull(v);
	return v;
}
