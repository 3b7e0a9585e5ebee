/* addr — IPv4/IPv6 addresses and prefixes: parse, format, compare, mask, contain.
 *
 * One value type for both families (addr_t, prefix_t) so routing tables, keys and
 * JSON values handle IPv4 and IPv6 alike. Also the etcd key form of a prefix, where
 * '/' is written '_' (DESIGN §5: "10.42.2.0_24", "fc00:0:2::_48"). Pure; used by
 * lib/jx.c, lib/keys.c and every component that handles routes. */
#ifndef KVTE_LIB_ADDR_H
#define KVTE_LIB_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ADDR_STRLEN 46   /* INET6_ADDRSTRLEN */
#define PREFIX_STRLEN 50 /* address + "/128" + NUL */

typedef struct addr {
	uint8_t family; /* AF_INET or AF_INET6; 0 = unset */
	uint8_t bytes[16]; /* network order; IPv4 uses the first 4 */
} addr_t;

typedef struct prefix {
	addr_t addr; /* host bits always zero after prefix_parse/prefix_make */
	uint8_t len;
} prefix_t;

/* Parse "192.0.2.1" / "fc00::1". Returns 0 or -EINVAL. */
int addr_parse(const char *s, addr_t *out);
/* Format into buf (at least ADDR_STRLEN); returns buf. IPv6 in RFC 5952 form; an
 * unset address gives "(unset)", a buffer too small gives "". */
const char *addr_format(const addr_t *a, char *buf, size_t len);
int addr_cmp(const addr_t *a, const addr_t *b); /* family first, then bytes */
bool addr_is_unset(const addr_t *a); /* family neither AF_INET nor AF_INET6 */
unsigned addr_bits(const addr_t *a); /* 32 or 128 (0 if unset) */

/* Parse "10.0.0.0/8", "fc00:0:1::/48"; a bare address means a host prefix (/32,/128).
 * Host bits set ("10.0.0.1/8") are rejected with -EINVAL unless `allow_host_bits`, in
 * which case they are cleared. The length is decimal without sign, blanks or leading
 * zeros ("/08" is rejected). Returns 0 or -EINVAL; *out is only written on success. */
int prefix_parse(const char *s, bool allow_host_bits, prefix_t *out);
/* "10.0.0.0/8"; buf at least PREFIX_STRLEN. */
const char *prefix_format(const prefix_t *p, char *buf, size_t len);
/* Key form: "10.0.0.0_8", "fc00:0:1::_48" and back. prefix_parse_key accepts only
 * the canonical spelling prefix_format_key produces ("FC00::_48", "10.0.0.0_08" and
 * bare addresses are -EINVAL), so one prefix always has exactly one key. */
const char *prefix_format_key(const prefix_t *p, char *buf, size_t len);
int prefix_parse_key(const char *s, prefix_t *out);
/* Build from an address and length, clearing host bits. -EINVAL on bad length. */
int prefix_make(const addr_t *a, unsigned len, prefix_t *out);
bool prefix_contains(const prefix_t *p, const addr_t *a); /* false across families */
int prefix_cmp(const prefix_t *a, const prefix_t *b); /* family, address, then length */

#endif
