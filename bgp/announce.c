/* announce — bgp-announce / bgp-originate values and the ExaBGP commands built from
 * them (see bgp/announce.h). Every token written into a command comes from a parsed
 * number, address or checked community, so a value cannot inject text into ExaBGP's
 * command stream. Pure. */
#include "bgp/announce.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/jx.h"

void bgp_announce_clear(struct bgp_announce *a)
{
	free(a->peers);
	bgp_attrs_unref(a->attrs);
	memset(a, 0, sizeof(*a));
}

/* fields shared by both families: origin, as_path, med, local_pref, communities,
 * large_communities */
static bool parse_attrs(jx_ctx *c, const json_t *v, struct bgp_attrs *a, bool *has_origin)
{
	static const char *const origins[] = {"igp", "egp", "incomplete", NULL};
	int origin = BGP_ORIGIN_IGP;
	int64_t n;
	json_t *arr, *x;
	size_t i;

	if (!jx_get_enum(c, v, "origin", false, origins, &origin))
		return false;
	a->origin = origin;
	*has_origin = json_object_get(v, "origin") != NULL;
	arr = NULL;
	if (!jx_get_array(c, v, "as_path", false, &arr))
		return false;
	if (arr) {
		size_t mk = jx_push_field(c, "as_path");

		if (json_array_size(arr) > BGP_AS_PATH_MAX)
			return jx_fail(c, "at most %d AS numbers", BGP_AS_PATH_MAX);
		json_array_foreach(arr, i, x) {
			char d[64];
			size_t mk2 = jx_push_index(c, i);

			if (!json_is_integer(x) || json_integer_value(x) < 1 ||
			    json_integer_value(x) > UINT32_MAX)
				return jx_fail(c, "expected an AS number 1..4294967295, got %s",
					       jx_describe(x, d, sizeof(d)));
			if (bgp_attrs_push_as(a, (uint32_t)json_integer_value(x)) < 0)
				return jx_fail(c, "out of memory");
			jx_pop(c, mk2);
		}
		jx_pop(c, mk);
	}
	if (!jx_get_int(c, v, "med", false, 0, UINT32_MAX, &n))
		return false;
	if ((a->has_med = json_object_get(v, "med") != NULL))
		a->med = (uint32_t)n;
	if (!jx_get_int(c, v, "local_pref", false, 0, UINT32_MAX, &n))
		return false;
	if ((a->has_local_pref = json_object_get(v, "local_pref") != NULL))
		a->local_pref = (uint32_t)n;
	for (int large = 0; large < 2; large++) {
		const char *f = large ? "large_communities" : "communities";

		arr = NULL;
		if (!jx_get_array(c, v, f, false, &arr))
			return false;
		if (!arr)
			continue;
		size_t mk = jx_push_field(c, f);

		json_array_foreach(arr, i, x) {
			char d[64];
			uint32_t cm;
			struct bgp_large_community l;
			const char *s = json_string_value(x);
			size_t mk2 = jx_push_index(c, i);

			if (!large && (!s || bgp_community_parse(s, &cm) < 0))
				return jx_fail(c, "expected a community \"<0..65535>:<0..65535>\" or "
						  "a well-known name, got %s",
					       jx_describe(x, d, sizeof(d)));
			if (large && (!s || bgp_large_parse(s, &l) < 0))
				return jx_fail(c, "expected a large community \"<u32>:<u32>:<u32>\", "
						  "got %s",
					       jx_describe(x, d, sizeof(d)));
			for (size_t k = 0; k < (large ? a->n_large : a->n_communities); k++)
				if (large ? memcmp(&a->large[k], &l, sizeof(l)) == 0
					  : a->communities[k] == cm)
					return jx_fail(c, "repeated %s", s);
			if ((large ? bgp_attrs_push_large(a, &l) : bgp_attrs_push_community(a, cm)) < 0)
				return jx_fail(c, "out of memory");
			jx_pop(c, mk2);
		}
		jx_pop(c, mk);
	}
	const char *comment;

	return jx_get_string(c, v, "comment", false, &comment);
}

static bool check_prefix(jx_ctx *c, const json_t *v, const prefix_t *key_prefix, prefix_t *out)
{
	char a[PREFIX_STRLEN], b[PREFIX_STRLEN];
	const char *text = json_string_value(json_object_get(v, "prefix"));

	if (!jx_get_prefix(c, v, "prefix", true, out))
		return false;
	if (!strchr(text, '/')) /* the schema wants "address/length" */
		return jx_fail_field(c, "prefix", "expected \"address/length\", got \"%s\"", text);
	if (key_prefix && prefix_cmp(key_prefix, out) != 0)
		return jx_fail_field(c, "prefix", "%s differs from the key's %s",
				     prefix_format(out, a, sizeof(a)),
				     prefix_format(key_prefix, b, sizeof(b)));
	return true;
}

int bgp_announce_parse(const json_t *v, const prefix_t *key_prefix, const char *source,
		       struct bgp_announce *out, char *err, size_t errlen)
{
	static const char *const fields[] = {"prefix", "next_hop", "peers", "origin", "as_path",
					     "med", "local_pref", "communities",
					     "large_communities", "comment", NULL};
	jx_ctx c;
	const char *nh;
	json_t *peers = NULL, *x;
	size_t i;

	memset(out, 0, sizeof(*out));
	jx_init(&c, source);
	if (!json_is_object(v)) {
		jx_fail(&c, "expected an object");
		goto fail;
	}
	if (!jx_check_fields(&c, v, fields) || !check_prefix(&c, v, key_prefix, &out->prefix) ||
	    !jx_get_string(&c, v, "next_hop", true, &nh))
		goto fail;
	if (strcmp(nh, "self") == 0)
		out->next_hop_self = true;
	else if (addr_parse(nh, &out->next_hop) < 0) {
		jx_fail_field(&c, "next_hop", "expected \"self\" or an IP address, got \"%s\"", nh);
		goto fail;
	}
	if (!jx_get_array(&c, v, "peers", false, &peers))
		goto fail;
	if (peers) {
		size_t mk = jx_push_field(&c, "peers");

		if (json_array_size(peers) == 0) {
			jx_fail(&c, "must not be empty (leave it out for every peer)");
			goto fail;
		}
		if (!(out->peers = calloc(json_array_size(peers), sizeof(addr_t)))) {
			jx_fail(&c, "out of memory");
			goto fail;
		}
		json_array_foreach(peers, i, x) {
			char d[64];
			size_t mk2 = jx_push_index(&c, i);

			if (!json_is_string(x) || addr_parse(json_string_value(x), &out->peers[i]) < 0) {
				jx_fail(&c, "expected a peer IP address, got %s",
					jx_describe(x, d, sizeof(d)));
				goto fail;
			}
			for (size_t k = 0; k < i; k++)
				if (addr_cmp(&out->peers[k], &out->peers[i]) == 0) {
					jx_fail(&c, "repeated peer %s", json_string_value(x));
					goto fail;
				}
			out->n_peers++;
			jx_pop(&c, mk2);
		}
		jx_pop(&c, mk);
	}
	if (!(out->attrs = bgp_attrs_new())) {
		jx_fail(&c, "out of memory");
		goto fail;
	}
	if (!parse_attrs(&c, v, out->attrs, &out->has_origin))
		goto fail;
	return 0;
fail:
	snprintf(err, errlen, "%s", c.err);
	bgp_announce_clear(out);
	return -EINVAL;
}

bool bgp_announce_equal(const struct bgp_announce *a, const struct bgp_announce *b)
{
	return prefix_cmp(&a->prefix, &b->prefix) == 0 && a->next_hop_self == b->next_hop_self &&
	       (a->next_hop_self || addr_cmp(&a->next_hop, &b->next_hop) == 0) &&
	       a->n_peers == b->n_peers && a->has_origin == b->has_origin &&
	       (!a->n_peers || memcmp(a->peers, b->peers, a->n_peers * sizeof(addr_t)) == 0) &&
	       bgp_attrs_equal(a->attrs, b->attrs);
}

bool bgp_announce_targets(const struct bgp_announce *a, const addr_t *peer)
{
	if (!a->n_peers)
		return true;
	for (size_t i = 0; i < a->n_peers; i++)
		if (addr_cmp(&a->peers[i], peer) == 0)
			return true;
	return false;
}

int bgp_originate_parse(const json_t *v, const prefix_t *key_prefix, const char *source,
			prefix_t *prefix, struct bgp_attrs **attrs, char *err, size_t errlen)
{
	static const char *const fields[] = {"prefix", "origin", "as_path", "med", "local_pref",
					     "communities", "large_communities", "comment",
					     NULL};
	jx_ctx c;
	bool has_origin;
	struct bgp_attrs *a = NULL;

	jx_init(&c, source);
	if (!json_is_object(v)) {
		jx_fail(&c, "expected an object");
		goto fail;
	}
	if (!jx_check_fields(&c, v, fields) || !check_prefix(&c, v, key_prefix, prefix))
		goto fail;
	if (!(a = bgp_attrs_new())) {
		jx_fail(&c, "out of memory");
		goto fail;
	}
	if (!parse_attrs(&c, v, a, &has_origin))
		goto fail;
	*attrs = a;
	return 0;
fail:
	snprintf(err, errlen, "%s", c.err);
	bgp_attrs_unref(a);
	return -EINVAL;
}

/* ---- commands ---------------------------------------------------------------------- */

struct sb {
	char *buf;
	size_t size, len;
	bool over;
};

static void sb_add(struct sb *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sb *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (s->over)
		return;
	va_start(ap, fmt);
	n = vsnprintf(s->buf + s->len, s->size - s->len, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= s->size - s->len)
		s->over = true;
	else
		s->len += (size_t)n;
}

static int sb_end(struct sb *s)
{
	if (s->over) {
		if (s->size)
			s->buf[0] = '\0';
		return -ENOSPC;
	}
	return (int)s->len;
}

static void add_neighbor(struct sb *s, const addr_t *peer)
{
	char b[ADDR_STRLEN];

	if (peer)
		sb_add(s, "neighbor %s ", addr_format(peer, b, sizeof(b)));
}

int bgp_cmd_announce(const struct bgp_announce *a, const addr_t *peer, char *buf, size_t size)
{
	struct sb s = {buf, size, 0, size == 0};
	const struct bgp_attrs *at = a->attrs;
	char b[64], nh[ADDR_STRLEN];

	add_neighbor(&s, peer);
	sb_add(&s, "announce route %s next-hop %s", prefix_format(&a->prefix, b, sizeof(b)),
	       a->next_hop_self ? "self" : addr_format(&a->next_hop, nh, sizeof(nh)));
	sb_add(&s, " origin %s", bgp_origin_name(at->origin));
	if (at->as_path_len) {
		sb_add(&s, " as-path [");
		for (size_t i = 0; i < at->as_path_len; i++)
			sb_add(&s, " %" PRIu32, at->as_path[i]);
		sb_add(&s, " ]");
	}
	if (at->has_med)
		sb_add(&s, " med %" PRIu32, at->med);
	if (at->has_local_pref)
		sb_add(&s, " local-preference %" PRIu32, at->local_pref);
	if (at->n_communities) {
		sb_add(&s, " community [");
		for (size_t i = 0; i < at->n_communities; i++)
			sb_add(&s, " %s", bgp_community_format(at->communities[i], b, sizeof(b)));
		sb_add(&s, " ]");
	}
	if (at->n_large) {
		sb_add(&s, " large-community [");
		for (size_t i = 0; i < at->n_large; i++)
			sb_add(&s, " %s", bgp_large_format(&at->large[i], b, sizeof(b)));
		sb_add(&s, " ]");
	}
	return sb_end(&s);
}

int bgp_cmd_withdraw(const prefix_t *p, const addr_t *peer, char *buf, size_t size)
{
	struct sb s = {buf, size, 0, size == 0};
	char b[PREFIX_STRLEN];

	add_neighbor(&s, peer);
	sb_add(&s, "withdraw route %s", prefix_format(p, b, sizeof(b)));
	return sb_end(&s);
}
