/* attrs — BGP path attributes as kvte-bgp carries them (RFC 4271 §5.1: ORIGIN,
 * AS_PATH, MULTI_EXIT_DISC, LOCAL_PREF; RFC 1997 communities, RFC 8092 large
 * communities), shared by reference between every prefix of one UPDATE, plus their
 * text forms ("65000:100", well-known names, "65000:1:2") used in etcd values
 * (schemas/defs.schema.json) and ExaBGP commands. Pure; used by bgp/exa_msg.c,
 * bgp/rib.c, bgp/route_value.c and bgp/announce.c. */
#ifndef KVTE_BGP_ATTRS_H
#define KVTE_BGP_ATTRS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum bgp_origin { BGP_ORIGIN_IGP, BGP_ORIGIN_EGP, BGP_ORIGIN_INCOMPLETE };

#define BGP_LOCAL_PREF_DEFAULT 100u
#define BGP_AS_PATH_MAX 255 /* schema as_path maxItems */
#define BGP_COMMUNITY_STRLEN 24
#define BGP_LARGE_COMMUNITY_STRLEN 36

struct bgp_large_community {
	uint32_t global, local1, local2;
};

struct bgp_attrs {
	unsigned refs;
	enum bgp_origin origin;
	bool has_med, has_local_pref;
	uint32_t med, local_pref;
	uint32_t *as_path;
	size_t as_path_len;
	uint32_t *communities; /* high << 16 | low */
	size_t n_communities;
	struct bgp_large_community *large;
	size_t n_large;
};

/* A zeroed attribute set with one reference (origin igp); NULL on ENOMEM. */
struct bgp_attrs *bgp_attrs_new(void);
struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a);
void bgp_attrs_unref(struct bgp_attrs *a);
bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b);
/* Append one element; 0 or -ENOMEM (-E2BIG past BGP_AS_PATH_MAX for the AS path). */
int bgp_attrs_push_as(struct bgp_attrs *a, uint32_t asn);
int bgp_attrs_push_community(struct bgp_attrs *a, uint32_t c);
int bgp_attrs_push_large(struct bgp_attrs *a, const struct bgp_large_community *l);
uint32_t bgp_attrs_local_pref(const struct bgp_attrs *a); /* 100 when absent */

const char *bgp_origin_name(enum bgp_origin o); /* "igp" "egp" "incomplete" */
int bgp_origin_parse(const char *s, enum bgp_origin *out);
/* "65000:100", or the RFC 1997/7999/8326/8642 name of a well-known one ("no-export",
 * "no-advertise", "no-export-subconfed", "no-peer", "blackhole", "graceful-shutdown").
 * buf at least BGP_COMMUNITY_STRLEN; returns buf. */
const char *bgp_community_format(uint32_t c, char *buf, size_t len);
/* The reverse: two decimal 16-bit numbers without leading zeros, or a name. 0 or -EINVAL. */
int bgp_community_parse(const char *s, uint32_t *out);
const char *bgp_large_format(const struct bgp_large_community *l, char *buf, size_t len);
int bgp_large_parse(const char *s, struct bgp_large_community *out);

#endif
