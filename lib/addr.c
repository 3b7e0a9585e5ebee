/* addr — IPv4/IPv6 address and prefix values: parsing, formatting, ordering, masking
 * and containment, plus the etcd key form of a prefix ("10.42.2.0_24", DESIGN §5).
 * Text goes through inet_pton/inet_ntop, so IPv6 output is the canonical RFC 5952
 * form. Parsers accept one exact syntax and return -EINVAL for anything else; the key
 * parser also insists on the canonical spelling so one prefix has exactly one key.
 * Implements lib/addr.h; used by lib/jx.c, lib/keys.c and every route-handling file. */
#include "lib/addr.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

static unsigned family_bits(uint8_t family)
{
	switch (family) {
	case AF_INET:
		return 32;
	case AF_INET6:
		return 128;
	default:
		return 0;
	}
}

/* Zero every bit of b (a `bits`-bit address) past the first `len`. */
static void mask_bytes(uint8_t *b, unsigned len, unsigned bits)
{
	for (unsigned i = 0; i < bits / 8; i++) {
		if (len >= (i + 1) * 8)
			continue;
		if (len <= i * 8)
			b[i] = 0;
		else
			b[i] &= (uint8_t)(0xff00u >> (len - i * 8));
	}
}

int addr_parse(const char *s, addr_t *out)
{
	addr_t a = { 0 };

	if (!s || !out)
		return -EINVAL;
	if (strchr(s, ':')) {
		if (inet_pton(AF_INET6, s, a.bytes) != 1)
			return -EINVAL;
		a.family = AF_INET6;
	} else {
		if (inet_pton(AF_INET, s, a.bytes) != 1)
			return -EINVAL;
		a.family = AF_INET;
	}
	*out = a;
	return 0;
}

const char *addr_format(const addr_t *a, char *buf, size_t len)
{
	if (!buf || len == 0)
		return buf;
	if (!a || addr_is_unset(a)) {
		snprintf(buf, len, "(unset)");
		return buf;
	}
	if (!inet_ntop(a->family, a->bytes, buf, (socklen_t)(len > 1024 ? 1024 : len)))
		buf[0] = '\0';
	return buf;
}

int addr_cmp(const addr_t *a, const addr_t *b)
{
	unsigned ab, bb;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	ab = addr_bits(a);
	bb = addr_bits(b);
	if (ab == 0 || bb == 0)
		return (ab != 0) - (bb != 0);
	if (a->family != b->family)
		return a->family < b->family ? -1 : 1;
	return memcmp(a->bytes, b->bytes, ab / 8);
}

bool addr_is_unset(const addr_t *a)
{
	return addr_bits(a) == 0;
}

unsigned addr_bits(const addr_t *a)
{
	return a ? family_bits(a->family) : 0;
}

/* "0" or a decimal number without leading zeros, at most 3 digits. */
static int parse_len(const char *s, unsigned *out)
{
	unsigned v = 0;
	size_t n = strlen(s);

	if (n == 0 || n > 3 || (s[0] == '0' && n > 1))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EINVAL;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int prefix_parse(const char *s, bool allow_host_bits, prefix_t *out)
{
	char abuf[ADDR_STRLEN];
	const char *slash;
	addr_t a;
	prefix_t p;
	unsigned len;
	size_t alen;

	if (!s || !out)
		return -EINVAL;
	slash = strchr(s, '/');
	alen = slash ? (size_t)(slash - s) : strlen(s);
	if (alen == 0 || alen >= sizeof(abuf))
		return -EINVAL;
	memcpy(abuf, s, alen);
	abuf[alen] = '\0';
	if (addr_parse(abuf, &a) < 0)
		return -EINVAL;
	len = addr_bits(&a);
	if (slash && (parse_len(slash + 1, &len) < 0 || len > addr_bits(&a)))
		return -EINVAL;
	if (prefix_make(&a, len, &p) < 0)
		return -EINVAL;
	if (!allow_host_bits && addr_cmp(&a, &p.addr) != 0)
		return -EINVAL;
	*out = p;
	return 0;
}

static const char *format_sep(const prefix_t *p, char sep, char *buf, size_t len)
{
	char abuf[ADDR_STRLEN];

	if (!buf || len == 0)
		return buf;
	if (!p || addr_is_unset(&p->addr)) {
		snprintf(buf, len, "(unset)");
		return buf;
	}
	addr_format(&p->addr, abuf, sizeof(abuf));
	if (snprintf(buf, len, "%s%c%u", abuf, sep, p->len) >= (int)len)
		buf[0] = '\0';
	return buf;
}

const char *prefix_format(const prefix_t *p, char *buf, size_t len)
{
	return format_sep(p, '/', buf, len);
}

const char *prefix_format_key(const prefix_t *p, char *buf, size_t len)
{
	return format_sep(p, '_', buf, len);
}

int prefix_parse_key(const char *s, prefix_t *out)
{
	char tmp[PREFIX_STRLEN], canon[PREFIX_STRLEN];
	char *us;
	prefix_t p;
	size_t n;

	if (!s || !out)
		return -EINVAL;
	n = strlen(s);
	if (n == 0 || n >= sizeof(tmp) || strchr(s, '/'))
		return -EINVAL;
	memcpy(tmp, s, n + 1);
	us = strchr(tmp, '_');
	if (!us || strchr(us + 1, '_'))
		return -EINVAL;
	*us = '/';
	if (prefix_parse(tmp, false, &p) < 0)
		return -EINVAL;
	/* One prefix, one key: "FC00::_48" or "fc00:0::_48" would alias "fc00::_48". */
	prefix_format_key(&p, canon, sizeof(canon));
	if (strcmp(canon, s) != 0)
		return -EINVAL;
	*out = p;
	return 0;
}

int prefix_make(const addr_t *a, unsigned len, prefix_t *out)
{
	prefix_t p = { 0 };
	unsigned bits = addr_bits(a);

	if (!out || bits == 0 || len > bits)
		return -EINVAL;
	p.addr.family = a->family;
	memcpy(p.addr.bytes, a->bytes, bits / 8);
	mask_bytes(p.addr.bytes, len, bits);
	p.len = (uint8_t)len;
	*out = p;
	return 0;
}

bool prefix_contains(const prefix_t *p, const addr_t *a)
{
	prefix_t pa, pp;

	if (!p || !a || p->addr.family != a->family)
		return false;
	if (prefix_make(&p->addr, p->len, &pp) < 0 || prefix_make(a, p->len, &pa) < 0)
		return false;
	return addr_cmp(&pp.addr, &pa.addr) == 0;
}

int prefix_cmp(const prefix_t *a, const prefix_t *b)
{
	int r;

	if (!a || !b)
		return (a != NULL) - (b != NULL);
	r = addr_cmp(&a->addr, &b->addr);
	if (r != 0)
		return r;
	return (a->len > b->len) - (a->len < b->len);
}
