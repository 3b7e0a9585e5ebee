/* buf — bounded reader and writer with sticky errors (see buf.h). Pure; used by the
 * TLV and PDU codecs (speaker/tlv.c, speaker/subtlv.c, speaker/pdu.c). Nothing here
 * reads or writes outside the given buffer, whatever the lengths it is asked for. */
#include <errno.h>
#include <string.h>

#include "speaker/buf.h"

void br_init(struct br *r, const uint8_t *p, size_t len, size_t base)
{
	r->p = p;
	r->len = len;
	r->pos = 0;
	r->base = base;
	r->err = 0;
}

size_t br_left(const struct br *r)
{
	return r->err ? 0 : r->len - r->pos;
}

size_t br_off(const struct br *r)
{
	return r->base + r->pos;
}

/* Reserve n bytes; returns a pointer to them or NULL (and sets the error). */
static const uint8_t *br_take(struct br *r, size_t n)
{
	const uint8_t *p;

	if (r->err || n > r->len - r->pos) {
		r->err = -EBADMSG;
		return NULL;
	}
	p = r->p + r->pos;
	r->pos += n;
	return p;
}

uint8_t br_u8(struct br *r)
{
	const uint8_t *p = br_take(r, 1);

	return p ? p[0] : 0;
}

uint16_t br_u16(struct br *r)
{
	const uint8_t *p = br_take(r, 2);

	return p ? (uint16_t)(p[0] << 8 | p[1]) : 0;
}

uint32_t br_u24(struct br *r)
{
	const uint8_t *p = br_take(r, 3);

	return p ? (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2] : 0;
}

uint32_t br_u32(struct br *r)
{
	const uint8_t *p = br_take(r, 4);

	if (!p)
		return 0;
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

void br_bytes(struct br *r, void *out, size_t n)
{
	const uint8_t *p = br_take(r, n);

	if (p)
		memcpy(out, p, n);
	else if (n)
		memset(out, 0, n);
}

int br_sub(struct br *r, size_t n, struct br *sub)
{
	size_t off = br_off(r);
	const uint8_t *p = br_take(r, n);

	br_init(sub, p ? p : r->p, p ? n : 0, off);
	if (!p)
		sub->err = -EBADMSG;
	return p ? 0 : -EBADMSG;
}

void br_skip(struct br *r, size_t n)
{
	(void)br_take(r, n);
}

void bw_init(struct bw *w, uint8_t *p, size_t cap)
{
	w->p = p;
	w->cap = cap;
	w->len = 0;
	w->err = 0;
}

static uint8_t *bw_take(struct bw *w, size_t n)
{
	uint8_t *p;

	if (w->err)
		return NULL; /* keep the first error */
	if (n > w->cap - w->len) {
		w->err = -EMSGSIZE;
		return NULL;
	}
	p = w->p + w->len;
	w->len += n;
	return p;
}

void bw_u8(struct bw *w, uint8_t v)
{
	uint8_t *p = bw_take(w, 1);

	if (p)
		p[0] = v;
}

void bw_u16(struct bw *w, uint16_t v)
{
	uint8_t *p = bw_take(w, 2);

	if (p) {
		p[0] = (uint8_t)(v >> 8);
		p[1] = (uint8_t)v;
	}
}

void bw_u24(struct bw *w, uint32_t v)
{
	uint8_t *p = bw_take(w, 3);

	if (p) {
		p[0] = (uint8_t)(v >> 16);
		p[1] = (uint8_t)(v >> 8);
		p[2] = (uint8_t)v;
	}
}

void bw_u32(struct bw *w, uint32_t v)
{
	bw_u16(w, (uint16_t)(v >> 16));
	bw_u16(w, (uint16_t)v);
}

void bw_bytes(struct bw *w, const void *src, size_t n)
{
	uint8_t *p = bw_take(w, n);

	if (p && n)
		memcpy(p, src, n);
}

void bw_put_u8(struct bw *w, size_t at, uint8_t v)
{
	if (at < w->len)
		w->p[at] = v;
}

void bw_put_u16(struct bw *w, size_t at, uint16_t v)
{
	if (at + 1 < w->len) {
		w->p[at] = (uint8_t)(v >> 8);
		w->p[at + 1] = (uint8_t)v;
	}
}
