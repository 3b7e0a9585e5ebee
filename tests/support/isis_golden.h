/* isis_golden — shared helpers for the speaker's codec tests: golden text files under
 * tests/golden/isis/, fuzz seeds under tests/fuzz/corpus/isis_pdu/ (both rewritten when
 * KVTE_UPDATE_GOLDEN=1), the encode -> decode -> format -> encode round trip every PDU
 * golden goes through, and small builders (seed system IDs, addresses, float bits).
 * Used by tests/unit/test_isis_pdu.c and test_isis_tlv.c; Check assertions inside. */
#ifndef KVTE_TESTS_SUPPORT_ISIS_GOLDEN_H
#define KVTE_TESTS_SUPPORT_ISIS_GOLDEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/isis.h"

/* $KVTE_SOURCE_DIR (set by ctest), or "." */
const char *isis_test_src_dir(void);
bool isis_test_updating(void);
void isis_test_write_file(const char *path, const void *p, size_t n);
/* Whole file, NUL-terminated; caller frees. Fails the test if missing. */
char *isis_test_read_file(const char *path);
/* text == tests/golden/isis/<name>.txt (or rewrite it when updating) */
void isis_test_check_golden(const char *name, const char *text);
/* When updating: tests/fuzz/corpus/isis_pdu/<name>.bin = p[0..n) */
void isis_test_save_corpus(const char *name, const uint8_t *p, size_t n);
const char *isis_test_err_str(const struct isis_err *e);
/* encode -> decode -> format == golden; decode -> encode == same bytes */
void isis_test_roundtrip(const struct isis_pdu *built, const char *name, size_t pad);
/* 1921.6805.000N, as in the seed */
void isis_test_sysid(uint8_t *out, unsigned node);
void isis_test_v4(uint8_t *out, const char *s);
void isis_test_v6(uint8_t *out, const char *s);
uint32_t isis_test_fbits(float f);
/* A raw L2 LSP from system 1921.6805.000<node> (seq 1, lifetime 1199) carrying the given
 * TLV bytes, with length and checksum filled in; returns its length. */
size_t isis_test_lsp_with(unsigned node, const uint8_t *tlvs, size_t n, uint8_t *out);

/* Building PDUs in tests: append a sub-TLV / TLV / list item, failing the test on
 * ENOMEM (speaker/isis.h's isis_subtlv_add, isis_tlv_add, isis_tlv_item_add). */
struct isis_subtlv *isis_test_sub(struct isis_subtlvs *s, uint8_t type);
struct isis_tlv *isis_test_tlv(struct isis_pdu *p, uint8_t type);
void *isis_test_item(struct isis_tlv *t);

#endif
