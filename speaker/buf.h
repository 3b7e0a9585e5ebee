/* buf — bounded big-endian reader and writer with sticky errors for the IS-IS codec.
 *
 * A reader (struct br) never reads past its end: the first short read sets `err`
 * (-EBADMSG) and every later read returns zeros, so a decoder can read a whole
 * structure and check once. br_sub() carves a sub-reader for one TLV or sub-TLV and
 * skips it in the parent before the value is interpreted (the OpenBSD ibuf idiom).
 * Every reader knows its absolute offset in the PDU (`base`) so errors can name the
 * byte. A writer (struct bw) fails with -EMSGSIZE instead of writing past `cap`.
 * Used by speaker/tlv.c, speaker/subtlv.c and speaker/pdu.c. */
#ifndef KVTE_SPEAKER_BUF_H
#define KVTE_SPEAKER_BUF_H

#include <stddef.h>
#include <stdint.h>

struct br {
	const uint8_t *p;
	size_t len;
	size_t pos;
	size_t base; /* absolute offset of p[0] in the PDU */
	int err;     /* 0 or -EBADMSG, sticky */
};

struct bw {
	uint8_t *p;
	size_t cap;
	size_t len;
	int err; /* 0 or -EMSGSIZE, sticky */
};

void br_init(struct br *r, const uint8_t *p, size_t len, size_t base);
size_t br_left(const struct br *r);
size_t br_off(const struct br *r); /* absolute offset of the next byte */
uint8_t br_u8(struct br *r);
uint16_t br_u16(struct br *r);
uint32_t br_u24(struct br *r);
uint32_t br_u32(struct br *r);
/* Copy n bytes into out (zeros on a short read). */
void br_bytes(struct br *r, void *out, size_t n);
/* Split off the next n bytes as *sub and skip them here. Returns 0 or -EBADMSG. */
int br_sub(struct br *r, size_t n, struct br *sub);
void br_skip(struct br *r, size_t n);

void bw_init(struct bw *w, uint8_t *p, size_t cap);
void bw_u8(struct bw *w, uint8_t v);
void bw_u16(struct bw *w, uint16_t v);
void bw_u24(struct bw *w, uint32_t v);
void bw_u32(struct bw *w, uint32_t v);
void bw_bytes(struct bw *w, const void *src, size_t n);
/* Patch an already written byte / 16-bit word at `at` (no-op if out of range). */
void bw_put_u8(struct bw *w, size_t at, uint8_t v);
void bw_put_u16(struct bw *w, size_t at, uint16_t v);

#endif
