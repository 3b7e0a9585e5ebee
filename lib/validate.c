/* validate — operator-written etcd values (LSP requests, static routes, admin groups)
 * read into C structs with one precise error, and the bandwidth grammar.
 *
 * Each validator first rejects unknown fields (so a typo like "bandwith" is named, not
 * silently ignored), then reads every field through a small reader that checks type,
 * range and form exactly as the field's JSON Schema does (schemas/lsp-request,
 * static-route, admin-groups; integral reals like 4.0 count as integers, as in JSON
 * Schema; null is never "absent"), then the cross-field rules. Errors are recorded in
 * a lib/jx.h context, so messages carry the JSON path ("explicit_hops[1].type: ...").
 * Names and links are checked with lib/keys.h, addresses with lib/addr.h. Declared in
 * lib/validate.h; tests in tests/unit/test_validate.c. */
#include "lib/validate.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"

#define COMMENT_MAX 256 /* characters (code points), as JSON Schema maxLength counts */

static const char BW_EXPECT[] = "a number or a string like '200M'";
static const char NAME_EXPECT[] = "a router name (1..63 of A-Z a-z 0-9 . _ -)";
static const char LSP_NAME_EXPECT[] = "an LSP name (1..63 of A-Z a-z 0-9 . _ -)";
static const char LINK_EXPECT[] = "a link \"<node>:<interface>\" like \"r1:et2\"";
static const char GROUP_EXPECT[] =
	"an admin group name (a letter, then up to 31 of A-Z a-z 0-9 _ -)";
static const char IFNAME_EXPECT[] = "an interface name (1..15 of A-Z a-z 0-9 . _ -)";

/* ---- bandwidth -------------------------------------------------------------- */

static const struct {
	char suffix;
	uint64_t mult;
	unsigned max_digits; /* integer digits that keep the value below 10^15 */
} bw_units[] = {
	{ 'T', 1000000000000ULL, 3 }, { 'G', 1000000000ULL, 6 }, { 'M', 1000000ULL, 9 },
	{ 'k', 1000ULL, 12 },	      { 'K', 1000ULL, 12 },
};

int bw_parse(const char *s, uint64_t *out)
{
	size_t int_digits = 0, frac_digits = 0, i = 0;
	uint64_t int_part = 0, frac = 0, mult = 1;
	unsigned max_digits = 15;
	bool overflow = false;

	if (!s || !out)
		return -EINVAL;
	while (s[i] >= '0' && s[i] <= '9') {
		if (int_digits < 19)
			int_part = int_part * 10 + (uint64_t)(s[i] - '0');
		else
			overflow = true;
		int_digits++;
		i++;
	}
	if (int_digits == 0 || (s[0] == '0' && int_digits > 1))
		return -EINVAL;
	if (s[i] == '.') {
		i++;
		while (s[i] >= '0' && s[i] <= '9' && frac_digits < 4) {
			frac = frac * 10 + (uint64_t)(s[i] - '0');
			frac_digits++;
			i++;
		}
		if (frac_digits == 0 || frac_digits > 3)
			return -EINVAL;
	}
	if (s[i] != '\0') {
		size_t u;

		for (u = 0; u < sizeof(bw_units) / sizeof(bw_units[0]); u++) {
			if (s[i] == bw_units[u].suffix)
				break;
		}
		if (u == sizeof(bw_units) / sizeof(bw_units[0]) || s[i + 1] != '\0')
			return -EINVAL;
		mult = bw_units[u].mult;
		max_digits = bw_units[u].max_digits;
	} else if (frac_digits > 0) {
		return -EINVAL; /* "1.5" would be a fraction of a bit */
	}
	if (overflow || int_digits > max_digits)
		return -ERANGE;
	for (size_t d = frac_digits; d < 3; d++)
		frac *= 10; /* now in thousandths */
	*out = int_part * mult + frac * (mult / 1000);
	return 0;
}

int bw_format(uint64_t bps, char *buf, size_t size)
{
	char tmp[BW_STRLEN];
	int n = -1;

	if (!buf)
		return -EINVAL;
	if (bps > BW_MAX) {
		if (size > 0)
			buf[0] = '\0';
		return -EINVAL;
	}
	for (size_t u = 0; u < sizeof(bw_units) / sizeof(bw_units[0]) && n < 0; u++) {
		uint64_t mult = bw_units[u].mult, milli = mult / 1000, frac;

		if (bw_units[u].suffix == 'K' || bps < mult || bps % milli != 0)
			continue;
		frac = (bps % mult) / milli;
		if (frac == 0)
			n = snprintf(tmp, sizeof(tmp), "%" PRIu64 "%c", bps / mult,
				     bw_units[u].suffix);
		else if (frac % 100 == 0)
			n = snprintf(tmp, sizeof(tmp), "%" PRIu64 ".%01" PRIu64 "%c", bps / mult,
				     frac / 100, bw_units[u].suffix);
		else if (frac % 10 == 0)
			n = snprintf(tmp, sizeof(tmp), "%" PRIu64 ".%02" PRIu64 "%c", bps / mult,
				     frac / 10, bw_units[u].suffix);
		else
			n = snprintf(tmp, sizeof(tmp), "%" PRIu64 ".%03" PRIu64 "%c", bps / mult,
				     frac, bw_units[u].suffix);
	}
	if (n < 0)
		n = snprintf(tmp, sizeof(tmp), "%" PRIu64, bps);
	if ((size_t)n >= size) {
		if (size > 0)
			buf[0] = '\0';
		return -ENAMETOOLONG;
	}
	memcpy(buf, tmp, (size_t)n + 1);
	return n;
}

/* ---- admin group names ------------------------------------------------------ */

bool admin_group_name_valid(const char *name)
{
	size_t n;

	if (!name || !((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z')))
		return false;
	n = strnlen(name, ADMIN_GROUP_NAME_MAX + 1);
	if (n > ADMIN_GROUP_NAME_MAX)
		return false;
	for (size_t i = 1; i < n; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
		      (ch >= '0' && ch <= '9') || ch == '_' || ch == '-'))
			return false;
	}
	return true;
}

int admin_groups_bit(const struct admin_groups *g, const char *name)
{
	if (!g || !name)
		return -ENOENT;
	for (size_t i = 0; i < g->n; i++) {
		if (strcmp(g->group[i].name, name) == 0)
			return g->group[i].bit;
	}
	return -ENOENT;
}

/* ---- readers ---------------------------------------------------------------- *
 * A reader checks one JSON value at the context's current path and stores it; on
 * error it records the message and returns false. */

typedef bool (*reader_fn)(jx_ctx *c, const json_t *v, void *dst);

static bool fail_got(jx_ctx *c, const char *expected, const json_t *v)
{
	char got[64];

	return jx_fail(c, "expected %s, got %s", expected, jx_describe(v, got, sizeof(got)));
}

/* A plain string (no NUL inside) or NULL. */
static const char *string_of(const json_t *v)
{
	if (!json_is_string(v) || strlen(json_string_value(v)) != json_string_length(v))
		return NULL;
	return json_string_value(v);
}

/* Integer in [min, max]; integral reals count (JSON Schema's "integer"). */
static bool read_uint_range(jx_ctx *c, const json_t *v, uint64_t min, uint64_t max,
			    uint64_t *out)
{
	char want[96];

	snprintf(want, sizeof(want), "an integer %" PRIu64 "..%" PRIu64, min, max);
	if (json_is_integer(v)) {
		json_int_t i = json_integer_value(v);

		if (i < 0 || (uint64_t)i < min || (uint64_t)i > max)
			return fail_got(c, want, v);
		*out = (uint64_t)i;
		return true;
	}
	if (json_is_real(v)) {
		double d = json_real_value(v);

		if (!(d >= (double)min && d <= (double)max) || d != floor(d))
			return fail_got(c, want, v);
		*out = (uint64_t)d;
		return true;
	}
	return fail_got(c, want, v);
}

static bool read_priority(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t p = 0;

	if (!read_uint_range(c, v, 0, 7, &p))
		return false;
	*(uint8_t *)dst = (uint8_t)p;
	return true;
}

static bool read_u32_pos(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t x = 0;

	if (!read_uint_range(c, v, 1, UINT32_MAX, &x))
		return false;
	*(uint32_t *)dst = (uint32_t)x;
	return true;
}

static bool read_u32(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t x = 0;

	if (!read_uint_range(c, v, 0, UINT32_MAX, &x))
		return false;
	*(uint32_t *)dst = (uint32_t)x;
	return true;
}

static bool read_max_hops(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t x = 0;

	if (!read_uint_range(c, v, 1, 255, &x))
		return false;
	*(uint32_t *)dst = (uint32_t)x;
	return true;
}

static bool read_preference(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t x = 0;

	if (!read_uint_range(c, v, 0, 255, &x))
		return false;
	*(uint8_t *)dst = (uint8_t)x;
	return true;
}

static bool read_group_bit(jx_ctx *c, const json_t *v, void *dst)
{
	uint64_t x = 0;

	if (!read_uint_range(c, v, 0, 31, &x))
		return false;
	*(uint8_t *)dst = (uint8_t)x;
	return true;
}

static bool read_bandwidth(jx_ctx *c, const json_t *v, void *dst)
{
	char got[64];
	const char *s;
	int rc;

	if (json_is_number(v)) {
		double d = json_number_value(v);

		if (d < 0)
			return jx_fail(c, "must not be negative, got %s",
				       jx_describe(v, got, sizeof(got)));
		if (d != floor(d))
			return jx_fail(c, "expected a whole number of bits/s, got %s",
				       jx_describe(v, got, sizeof(got)));
		if (d > (double)BW_MAX || (json_is_integer(v) &&
					   (uint64_t)json_integer_value(v) > BW_MAX))
			return jx_fail(c, "too large: %s is over %llu bits/s (1 Pb/s)",
				       jx_describe(v, got, sizeof(got)),
				       (unsigned long long)BW_MAX);
		*(uint64_t *)dst = json_is_integer(v) ? (uint64_t)json_integer_value(v)
						      : (uint64_t)d;
		return true;
	}
	s = string_of(v);
	rc = s ? bw_parse(s, dst) : -EINVAL;
	if (rc == -ERANGE)
		return jx_fail(c, "too large: %s is over %llu bits/s (1 Pb/s)",
			       jx_describe(v, got, sizeof(got)), (unsigned long long)BW_MAX);
	if (rc < 0)
		return fail_got(c, BW_EXPECT, v);
	return true;
}

static bool read_name_into(jx_ctx *c, const json_t *v, char *dst, const char *expect)
{
	const char *s = string_of(v);

	if (!s || !keys_name_valid(s))
		return fail_got(c, expect, v);
	strcpy(dst, s);
	return true;
}

static bool read_node(jx_ctx *c, const json_t *v, void *dst)
{
	return read_name_into(c, v, dst, NAME_EXPECT);
}

static bool read_lsp_name(jx_ctx *c, const json_t *v, void *dst)
{
	return read_name_into(c, v, dst, LSP_NAME_EXPECT);
}

static bool read_link(jx_ctx *c, const json_t *v, void *dst)
{
	const char *s = string_of(v);

	if (!s || keys_link_parse(s, dst) < 0)
		return fail_got(c, LINK_EXPECT, v);
	return true;
}

static bool read_group_name(jx_ctx *c, const json_t *v, void *dst)
{
	const char *s = string_of(v);

	if (!s || !admin_group_name_valid(s))
		return fail_got(c, GROUP_EXPECT, v);
	strcpy(dst, s);
	return true;
}

static bool read_ifname(jx_ctx *c, const json_t *v, void *dst)
{
	const char *s = string_of(v);

	if (!s || !keys_ifname_valid(s))
		return fail_got(c, IFNAME_EXPECT, v);
	strcpy(dst, s);
	return true;
}

static bool read_addr(jx_ctx *c, const json_t *v, void *dst)
{
	const char *s = string_of(v);

	if (!s || addr_parse(s, dst) < 0)
		return fail_got(c, "an IP address like \"100.65.0.3\" or \"fe80::1\"", v);
	return true;
}

/* "a.b.c.d/len" or "x::/len" with the length written and host bits clear. */
static bool read_prefix(jx_ctx *c, const json_t *v, void *dst)
{
	static const char want[] = "a prefix like \"10.42.2.0/24\"";
	const char *s = string_of(v);
	char got[64];
	prefix_t p;

	if (!s || !strchr(s, '/'))
		return fail_got(c, want, v);
	if (prefix_parse(s, false, &p) == 0) {
		*(prefix_t *)dst = p;
		return true;
	}
	if (prefix_parse(s, true, &p) == 0)
		return jx_fail(c, "expected %s, got %s (host bits set)", want,
			       jx_describe(v, got, sizeof(got)));
	return fail_got(c, want, v);
}

static bool read_comment(jx_ctx *c, const json_t *v, void *dst)
{
	const char *s = string_of(v);
	size_t chars = 0;

	if (!s)
		return fail_got(c, "a string", v);
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		chars += (*p & 0xc0) != 0x80; /* count UTF-8 lead bytes */
	if (chars > COMMENT_MAX)
		return jx_fail(c, "at most %d characters, got %zu", COMMENT_MAX, chars);
	return true;
}

/* An enum: dst is an int; names is NULL-terminated. */
static bool read_enum(jx_ctx *c, const json_t *v, const char *const *names, int *dst)
{
	char want[160];
	size_t n = 0;
	const char *s = string_of(v);

	for (int i = 0; s && names[i]; i++) {
		if (strcmp(names[i], s) == 0) {
			*dst = i;
			return true;
		}
	}
	n = (size_t)snprintf(want, sizeof(want), "one of");
	for (int i = 0; names[i] && n < sizeof(want); i++)
		n += (size_t)snprintf(want + n, sizeof(want) - n, "%s \"%s\"", i ? "," : "",
				      names[i]);
	return fail_got(c, want, v);
}

static const char *const metric_names[] = { "te", "igp", "delay", NULL };
static const char *const protection_names[] = { "none", "link", "node", NULL };
static const char *const diversity_names[] = { "link", "srlg", NULL };
static const char *const hop_type_names[] = { "strict", "loose", NULL };
static const char *const route_type_names[] = { "unicast", "blackhole", "reject", NULL };

static bool read_metric(jx_ctx *c, const json_t *v, void *dst)
{
	int i = 0;

	if (!read_enum(c, v, metric_names, &i))
		return false;
	*(enum lsp_metric *)dst = (enum lsp_metric)i;
	return true;
}

static bool read_protection(jx_ctx *c, const json_t *v, void *dst)
{
	int i = 0;

	if (!read_enum(c, v, protection_names, &i))
		return false;
	*(enum lsp_protection *)dst = (enum lsp_protection)i;
	return true;
}

static bool read_diversity(jx_ctx *c, const json_t *v, void *dst)
{
	int i = 0;

	if (!read_enum(c, v, diversity_names, &i))
		return false;
	*(enum lsp_diversity *)dst = (enum lsp_diversity)i;
	return true;
}

static bool read_hop_type(jx_ctx *c, const json_t *v, void *dst)
{
	int i = 0;

	if (!read_enum(c, v, hop_type_names, &i))
		return false;
	*(enum lsp_hop_type *)dst = (enum lsp_hop_type)i;
	return true;
}

static bool read_route_type(jx_ctx *c, const json_t *v, void *dst)
{
	int i = 0;

	if (!read_enum(c, v, route_type_names, &i))
		return false;
	*(enum static_route_type *)dst = (enum static_route_type)i;
	return true;
}

/* Reads obj.name with fn if present; "missing" if required and absent. Sets *present
 * when given. A null value is present (and wrong): JSON Schema treats it so. */
static bool read_field(jx_ctx *c, const json_t *obj, const char *name, bool required,
		       reader_fn fn, void *dst, bool *present)
{
	const json_t *v;
	size_t mark;
	bool ok;

	if (c->failed)
		return false;
	v = json_object_get(obj, name);
	if (present)
		*present = v != NULL;
	if (!v)
		return required ? jx_fail_field(c, name, "missing") : true;
	mark = jx_push_field(c, name);
	ok = fn(c, v, dst);
	jx_pop(c, mark);
	return ok;
}

/* Reads obj.name as an array of at most max items, each with fn into
 * base + i * stride; *count is the number read. With `unique`, equal items are an
 * error (JSON Schema's uniqueItems). */
static bool read_array(jx_ctx *c, const json_t *obj, const char *name, size_t max,
		       bool unique, reader_fn fn, void *base, size_t stride, size_t *count)
{
	const json_t *arr;
	size_t mark, n;
	char got[64];

	if (c->failed)
		return false;
	arr = json_object_get(obj, name);
	if (!arr)
		return true;
	mark = jx_push_field(c, name);
	n = json_array_size(arr);
	if (!json_is_array(arr)) {
		fail_got(c, "an array", arr);
	} else if (n > max) {
		jx_fail(c, "at most %zu entries, got %zu", max, n);
	} else {
		for (size_t i = 0; i < n && !c->failed; i++) {
			size_t imark = jx_push_index(c, i);
			const json_t *item = json_array_get(arr, i);

			for (size_t j = 0; unique && j < i; j++) {
				if (json_equal((json_t *)item, json_array_get(arr, j))) {
					jx_fail(c, "duplicate of %s[%zu] (%s)", name, j,
						jx_describe(item, got, sizeof(got)));
					break;
				}
			}
			if (!c->failed && fn(c, item, (char *)base + i * stride))
				*count = i + 1;
			jx_pop(c, imark);
		}
	}
	jx_pop(c, mark);
	return !c->failed;
}

/* Copies the context's message without a leading "(root): ". */
static int finish(jx_ctx *c, void *out, size_t out_size, char *err, size_t errlen)
{
	const char *msg = c->err;

	if (!c->failed) {
		if (err && errlen > 0)
			err[0] = '\0';
		return 0;
	}
	if (strncmp(msg, "(root): ", 8) == 0)
		msg += 8;
	if (err && errlen > 0)
		snprintf(err, errlen, "%s", msg);
	memset(out, 0, out_size);
	return -EINVAL;
}

static bool check_object(jx_ctx *c, const json_t *v, const char *const *allowed)
{
	if (!json_is_object(v))
		return fail_got(c, "an object", v);
	return jx_check_fields(c, v, allowed);
}

/* ---- LSP request ------------------------------------------------------------ */

static bool read_hop(jx_ctx *c, const json_t *v, void *dst)
{
	static const char *const fields[] = { "node", "type", NULL };
	struct lsp_hop *hop = dst;

	hop->type = LSP_HOP_STRICT;
	return check_object(c, v, fields) &&
	       read_field(c, v, "node", true, read_node, hop->node, NULL) &&
	       read_field(c, v, "type", false, read_hop_type, &hop->type, NULL);
}

static bool read_group_refs(jx_ctx *c, const json_t *obj, const char *name,
			    struct admin_group_refs *refs)
{
	return read_array(c, obj, name, LSP_MAX_GROUP_REFS, true, read_group_name, refs->name,
			  sizeof(refs->name[0]), &refs->n);
}

int validate_lsp_request(const json_t *v, struct lsp_request *out, char *err,
			 size_t errlen)
{
	static const char *const fields[] = {
		"from", "to", "bandwidth", "setup_priority", "hold_priority", "metric",
		"include_any", "include_all", "exclude", "avoid_nodes", "avoid_links",
		"avoid_srlgs", "max_hops", "max_delay_us", "explicit_hops", "protection",
		"diverse_from", "diversity", "comment", NULL
	};
	struct lsp_request r;
	bool has_diversity = false;
	jx_ctx c;

	jx_init(&c, NULL);
	memset(&r, 0, sizeof(r));
	r.setup_priority = 7;
	r.hold_priority = 0;
	if (!out)
		return -EINVAL;
	if (check_object(&c, v, fields) &&
	    read_field(&c, v, "from", true, read_node, r.from, NULL) &&
	    read_field(&c, v, "to", true, read_node, r.to, NULL) &&
	    read_field(&c, v, "bandwidth", false, read_bandwidth, &r.bandwidth_bps, NULL) &&
	    read_field(&c, v, "setup_priority", false, read_priority, &r.setup_priority, NULL) &&
	    read_field(&c, v, "hold_priority", false, read_priority, &r.hold_priority, NULL) &&
	    read_field(&c, v, "metric", false, read_metric, &r.metric, NULL) &&
	    read_group_refs(&c, v, "include_any", &r.include_any) &&
	    read_group_refs(&c, v, "include_all", &r.include_all) &&
	    read_group_refs(&c, v, "exclude", &r.exclude) &&
	    read_array(&c, v, "avoid_nodes", LSP_MAX_AVOID, true, read_node, r.avoid_nodes,
		       sizeof(r.avoid_nodes[0]), &r.n_avoid_nodes) &&
	    read_array(&c, v, "avoid_links", LSP_MAX_AVOID, true, read_link, r.avoid_links,
		       sizeof(r.avoid_links[0]), &r.n_avoid_links) &&
	    read_array(&c, v, "avoid_srlgs", LSP_MAX_AVOID, true, read_u32, r.avoid_srlgs,
		       sizeof(r.avoid_srlgs[0]), &r.n_avoid_srlgs) &&
	    read_field(&c, v, "max_hops", false, read_max_hops, &r.max_hops, NULL) &&
	    read_field(&c, v, "max_delay_us", false, read_u32_pos, &r.max_delay_us, NULL) &&
	    read_array(&c, v, "explicit_hops", LSP_MAX_HOPS, false, read_hop,
		       r.explicit_hops, sizeof(r.explicit_hops[0]), &r.n_explicit_hops) &&
	    read_field(&c, v, "protection", false, read_protection, &r.protection, NULL) &&
	    read_field(&c, v, "diverse_from", false, read_lsp_name, r.diverse_from,
		       &r.has_diverse_from) &&
	    read_field(&c, v, "diversity", false, read_diversity, &r.diversity,
		       &has_diversity) &&
	    read_field(&c, v, "comment", false, read_comment, NULL, NULL)) {
		/* Rules across fields. */
		if (r.hold_priority > r.setup_priority)
			jx_fail_field(&c, "hold_priority",
				      "must be <= setup_priority (%u), got %u",
				      (unsigned)r.setup_priority, (unsigned)r.hold_priority);
		else if (has_diversity && !r.has_diverse_from)
			jx_fail_field(&c, "diversity", "needs diverse_from");
		else if (strcmp(r.from, r.to) == 0)
			jx_fail_field(&c, "to", "must differ from \"from\" (both are \"%s\")",
				      r.to);
	}
	if (finish(&c, out, sizeof(*out), err, errlen) < 0)
		return -EINVAL;
	*out = r;
	return 0;
}

/* ---- static route ----------------------------------------------------------- */

static bool read_next_hop(jx_ctx *c, const json_t *v, void *dst)
{
	static const char *const fields[] = { "address", "interface", NULL };
	struct static_next_hop *nh = dst;
	char buf[ADDR_STRLEN];
	bool has_addr = false, has_if = false;

	if (!check_object(c, v, fields) ||
	    !read_field(c, v, "address", false, read_addr, &nh->address, &has_addr) ||
	    !read_field(c, v, "interface", false, read_ifname, nh->interface, &has_if))
		return false;
	if (!has_addr && !has_if)
		return jx_fail(c, "needs an address, an interface or both");
	/* fe80::/10 is only meaningful on one link. */
	if (has_addr && !has_if && nh->address.family == AF_INET6 &&
	    nh->address.bytes[0] == 0xfe && (nh->address.bytes[1] & 0xc0) == 0x80)
		return jx_fail_field(c, "interface", "missing (link-local gateway %s needs it)",
				     addr_format(&nh->address, buf, sizeof(buf)));
	return true;
}

int validate_static_route(const json_t *v, const prefix_t *key_prefix,
			  struct static_route *out, char *err, size_t errlen)
{
	static const char *const fields[] = { "prefix", "type", "next_hops", "preference",
					      "comment", NULL };
	struct static_route r;
	bool has_next_hops;
	char want[PREFIX_STRLEN], got[PREFIX_STRLEN];
	jx_ctx c;

	jx_init(&c, NULL);
	memset(&r, 0, sizeof(r));
	r.preference = STATIC_DEFAULT_PREFERENCE;
	if (!out)
		return -EINVAL;
	if (check_object(&c, v, fields) &&
	    read_field(&c, v, "prefix", true, read_prefix, &r.prefix, NULL) &&
	    read_field(&c, v, "type", false, read_route_type, &r.type, NULL) &&
	    read_field(&c, v, "preference", false, read_preference, &r.preference, NULL) &&
	    read_field(&c, v, "comment", false, read_comment, NULL, NULL)) {
		has_next_hops = json_object_get(v, "next_hops") != NULL;
		if (key_prefix && prefix_cmp(key_prefix, &r.prefix) != 0)
			jx_fail_field(&c, "prefix", "%s does not match the key's prefix %s",
				      prefix_format(&r.prefix, got, sizeof(got)),
				      prefix_format(key_prefix, want, sizeof(want)));
		else if (r.type != STATIC_UNICAST && has_next_hops)
			jx_fail_field(&c, "next_hops", "not allowed with type \"%s\"",
				      route_type_names[r.type]);
		else if (r.type == STATIC_UNICAST && !has_next_hops)
			jx_fail_field(&c, "next_hops",
				      "missing (a unicast route needs at least one)");
		else if (has_next_hops &&
			 json_is_array(json_object_get(v, "next_hops")) &&
			 json_array_size(json_object_get(v, "next_hops")) == 0)
			jx_fail_field(&c, "next_hops", "needs at least one next hop");
		else
			read_array(&c, v, "next_hops", STATIC_MAX_NEXT_HOPS, false,
				   read_next_hop, r.next_hops, sizeof(r.next_hops[0]),
				   &r.n_next_hops);
	}
	if (finish(&c, out, sizeof(*out), err, errlen) < 0)
		return -EINVAL;
	*out = r;
	return 0;
}

/* ---- admin groups ----------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool read_groups(jx_ctx *c, const json_t *groups, struct admin_groups *out)
{
	const char *names[ADMIN_GROUPS_MAX];
	const char *key;
	size_t n = 0, key_len;
	json_t *bit;

	if (!json_is_object(groups))
		return fail_got(c, "an object mapping names to bits 0..31", groups);
	if (json_object_size(groups) > ADMIN_GROUPS_MAX)
		return jx_fail(c, "at most %d names, got %zu", ADMIN_GROUPS_MAX,
			       json_object_size(groups));
	json_object_keylen_foreach((json_t *)groups, key, key_len, bit) {
		if (strlen(key) != key_len || !admin_group_name_valid(key)) {
			size_t mark = jx_push_field(c, key);

			jx_fail(c, "not a valid name: expected %s", GROUP_EXPECT);
			jx_pop(c, mark);
			return false;
		}
		names[n++] = key;
	}
	qsort(names, n, sizeof(names[0]), cmp_str); /* deterministic order and errors */
	for (size_t i = 0; i < n; i++) {
		struct admin_group *g = &out->group[i];

		strcpy(g->name, names[i]);
		if (!read_field(c, groups, names[i], true, read_group_bit, &g->bit, NULL))
			return false;
		out->n = i + 1;
	}
	return true;
}

int validate_admin_groups(const json_t *v, struct admin_groups *out, char *err,
			  size_t errlen)
{
	static const char *const fields[] = { "groups", "comment", NULL };
	const json_t *groups;
	size_t mark;
	jx_ctx c;

	jx_init(&c, NULL);
	if (!out)
		return -EINVAL;
	memset(out, 0, sizeof(*out));
	if (check_object(&c, v, fields) &&
	    read_field(&c, v, "comment", false, read_comment, NULL, NULL)) {
		groups = json_object_get(v, "groups");
		if (!groups) {
			jx_fail_field(&c, "groups", "missing");
		} else {
			mark = jx_push_field(&c, "groups");
			read_groups(&c, groups, out);
			jx_pop(&c, mark);
		}
	}
	return finish(&c, out, sizeof(*out), err, errlen);
}
