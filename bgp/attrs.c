/* attrs — BGP path attributes (see bgp/attrs.h): reference counting, equality, and
 * the text forms of origins and (large) communities. RFC 4271 §5.1, RFC 1997,
 * RFC 8092. Pure. */
#include "bgp/attrs.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
	uint32_t value;
	const char *name;
} well_known[] = {
	{0xFFFFFF01u, "no-export"},          {0xFFFFFF02u, "no-advertise"},
	{0xFFFFFF03u, "no-export-subconfed"}, {0xFFFFFF04u, "no-peer"},
	{0xFFFF029Au, "blackhole"},          {0xFFFF0000u, "graceful-shutdown"},
};

struct bgp_attrs *bgp_attrs_new(void)
{
	struct bgp_attrs *a = calloc(1, sizeof(*a));

	if (a)
		a->refs = 1;
	return a;
}

struct bgp_attrs *bgp_attrs_ref(struct bgp_attrs *a)
{
	if (a)
		a->refs++;
	return a;
}

void bgp_attrs_unref(struct bgp_attrs *a)
{
	if (!a || --a->refs)
		return;
	free(a->as_path);
	free(a->communities);
	free(a->large);
	free(a);
}

bool bgp_attrs_equal(const struct bgp_attrs *a, const struct bgp_attrs *b)
{
	if (a == b)
		return true;
	if (!a || !b)
		return false;
	return a->origin == b->origin && a->has_med == b->has_med &&
	       (!a->has_med || a->med == b->med) && a->has_local_pref == b->has_local_pref &&
	       (!a->has_local_pref || a->local_pref == b->local_pref) &&
	       a->as_path_len == b->as_path_len && a->n_communities == b->n_communities &&
	       a->n_large == b->n_large &&
	       (!a->as_path_len ||
		memcmp(a->as_path, b->as_path, a->as_path_len * sizeof(uint32_t)) == 0) &&
	       (!a->n_communities ||
		memcmp(a->communities, b->communities, a->n_communities * sizeof(uint32_t)) == 0) &&
	       (!a->n_large || memcmp(a->large, b->large, a->n_large * sizeof(*a->large)) == 0);
}

static int push(void **arr, size_t *n, size_t elem, const void *v)
{
	void *p = realloc(*arr, (*n + 1) * elem);

	if (!p)
		return -ENOMEM;
	memcpy((char *)p + *n * elem, v, elem);
	*arr = p;
	(*n)++;
	return 0;
}

int bgp_attrs_push_as(struct bgp_attrs *a, uint32_t asn)
{
	if (a->as_path_len >= BGP_AS_PATH_MAX)
		return -E2BIG;
	return push((void **)&a->as_path, &a->as_path_len, sizeof(asn), &asn);
}

int bgp_attrs_push_community(struct bgp_attrs *a, uint32_t c)
{
	return push((void **)&a->communities, &a->n_communities, sizeof(c), &c);
}

int bgp_attrs_push_large(struct bgp_attrs *a, const struct bgp_large_community *l)
{
	return push((void **)&a->large, &a->n_large, sizeof(*l), l);
}

uint32_t bgp_attrs_local_pref(const struct bgp_attrs *a)
{
	return a->has_local_pref ? a->local_pref : BGP_LOCAL_PREF_DEFAULT;
}

const char *bgp_origin_name(enum bgp_origin o)
{
	switch (o) {
	case BGP_ORIGIN_IGP:
		return "igp";
	case BGP_ORIGIN_EGP:
		return "egp";
	case BGP_ORIGIN_INCOMPLETE:
		return "incomplete";
	}
	return "?";
}

int bgp_origin_parse(const char *s, enum bgp_origin *out)
{
	for (int o = BGP_ORIGIN_IGP; o <= BGP_ORIGIN_INCOMPLETE; o++)
		if (strcmp(s, bgp_origin_name(o)) == 0) {
			*out = o;
			return 0;
		}
	return -EINVAL;
}

const char *bgp_community_format(uint32_t c, char *buf, size_t len)
{
	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (well_known[i].value == c) {
			snprintf(buf, len, "%s", well_known[i].name);
			return buf;
		}
	snprintf(buf, len, "%" PRIu32 ":%" PRIu32, c >> 16, c & 0xFFFFu);
	return buf;
}

/* a decimal number without sign or leading zeros, at most max; *end after it */
static int parse_dec(const char *s, uint64_t max, uint64_t *out, const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
		return -EINVAL;
	for (; *p >= '0' && *p <= '9'; p++) {
		v = v * 10 + (uint64_t)(*p - '0');
		if (v > max)
			return -EINVAL;
	}
	*out = v;
	*end = p;
	return 0;
}

int bgp_community_parse(const char *s, uint32_t *out)
{
	uint64_t hi, lo;
	const char *p;

	for (size_t i = 0; i < sizeof(well_known) / sizeof(well_known[0]); i++)
		if (strcmp(s, well_known[i].name) == 0) {
			*out = well_known[i].value;
			return 0;
		}
	if (parse_dec(s, 0xFFFF, &hi, &p) < 0 || *p != ':' ||
	    parse_dec(p + 1, 0xFFFF, &lo, &p) < 0 || *p)
		return -EINVAL;
	*out = (uint32_t)(hi << 16 | lo);
	return 0;
}

const char *bgp_large_format(const struct bgp_large_community *l, char *buf, size_t len)
{
	snprintf(buf, len, "%" PRIu32 ":%" PRIu32 ":%" PRIu32, l->global, l->local1, l->local2);
	return buf;
}

int bgp_large_parse(const char *s, struct bgp_large_community *out)
{
	uint64_t v[3];
	const char *p = s;

	for (int i = 0; i < 3; i++) {
		if (parse_dec(p, UINT32_MAX, &v[i], &p) < 0 || *p != (i < 2 ? ':' : '\0'))
			return -EINVAL;
		if (i < 2)
			p++;
	}
	out->global = (uint32_t)v[0];
	out->local1 = (uint32_t)v[1];
	out->local2 = (uint32_t)v[2];
	return 0;
}
