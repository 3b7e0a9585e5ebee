/* config — reads the speaker's per-node JSON file into struct speaker_config.
 *
 * Field by field through lib/jx.h (sticky first error naming file and JSON path,
 * unknown fields rejected by name), with the few rules JSON types cannot say: the
 * system ID derived from the router ID (192.168.50.1 -> 1921.6805.0001) unless given,
 * ISO 10589 area syntax, 24-bit metrics (RFC 5305 3, 3.7; RFC 8570 4.1), reservable
 * bandwidth not above the maximum (RFC 5305 3.5), LSP refresh below the lifetime
 * (ISO 10589 7.3.21), point-to-point only, unique interface names, SR-MPLS labels
 * (RFC 8667: an SRGB inside 16..1048575, adjacency labels outside it, unique, in the
 * 20-bit label space; RFC 3032 reserves 0..15). Bandwidths use
 * lib/validate.h's bw_parse; admin group names resolve through a given
 * struct admin_groups. Declared in speaker/config.h; docs/speaker.md documents it. */
#include "speaker/config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"

/* --- system ID and area ------------------------------------------------------------- */

int speaker_sysid_from_router_id(const addr_t *rid, uint8_t out[ISIS_SYSID_LEN])
{
	char d[13];

	if (!rid || rid->family != AF_INET)
		return -EINVAL;
	snprintf(d, sizeof(d), "%03u%03u%03u%03u", rid->bytes[0], rid->bytes[1], rid->bytes[2],
		 rid->bytes[3]);
	for (int i = 0; i < ISIS_SYSID_LEN; i++)
		out[i] = (uint8_t)(((d[2 * i] - '0') << 4) | (d[2 * i + 1] - '0'));
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	ch = (char)tolower((unsigned char)ch);
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

int speaker_sysid_parse(const char *s, uint8_t out[ISIS_SYSID_LEN])
{
	uint8_t id[ISIS_SYSID_LEN];

	if (!s || strlen(s) != 14 || s[4] != '.' || s[9] != '.')
		return -EINVAL;
	for (int i = 0, k = 0; i < 14; i += 2) {
		int hi, lo;

		if (i == 4 || i == 9)
			i++;
		hi = hexval(s[i]);
		lo = hexval(s[i + 1]);
		if (hi < 0 || lo < 0 || s[i + 1] == '.')
			return -EINVAL;
		id[k++] = (uint8_t)(hi << 4 | lo);
		if (k == ISIS_SYSID_LEN)
			break;
	}
	memcpy(out, id, sizeof(id));
	return 0;
}

const char *speaker_sysid_format(const uint8_t id[ISIS_SYSID_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x.%02x%02x.%02x%02x", id[0], id[1], id[2], id[3], id[4],
		 id[5]);
	return buf;
}

int speaker_area_parse(const char *s, struct isis_area *out)
{
	struct isis_area a = { 0 };
	size_t group = 0;	/* digits in the current group */
	size_t ngroups = 0;
	bool last_short = false;

	if (!s || !*s)
		return -EINVAL;
	for (const char *p = s;; p++) {
		if (*p == '.' || *p == '\0') {
			/* AFI: exactly two digits; then groups of four, the last may be two */
			if (ngroups == 0 ? group != 2 : (group != 4 && group != 2))
				return -EINVAL;
			if (ngroups > 0 && last_short)
				return -EINVAL;
			last_short = ngroups > 0 && group == 2;
			ngroups++;
			group = 0;
			if (*p == '\0')
				break;
			continue;
		}
		int v = hexval(*p);

		if (v < 0 || (a.len >= 13 && group % 2 == 0))
			return -EINVAL;
		if (group % 2 == 0)
			a.addr[a.len++] = (uint8_t)(v << 4);
		else
			a.addr[a.len - 1] |= (uint8_t)v;
		group++;
	}
	*out = a;
	return 0;
}

const struct speaker_iface *speaker_config_iface(const struct speaker_config *c,
						  const char *name)
{
	for (size_t i = 0; c && name && i < c->n_ifaces; i++)
		if (!strcmp(c->ifaces[i].name, name))
			return &c->ifaces[i];
	return NULL;
}

/* --- field readers ------------------------------------------------------------------ *
 * Each reads one field of `obj` (absent = keep the default) and returns false with
 * the jx error set. */

static bool get_u32(jx_ctx *c, const json_t *obj, const char *f, bool req, int64_t min,
		    int64_t max, uint32_t *out, bool *has)
{
	int64_t v = -1;

	if (!jx_get_int(c, obj, f, req, min, max, &v))
		return false;
	if (v >= 0) {
		*out = (uint32_t)v;
		if (has)
			*has = true;
	}
	return true;
}

/* bandwidth: a number of bits/s or a string bw_parse reads ("1G") */
static bool get_bw(jx_ctx *c, const json_t *obj, const char *f, uint64_t *out, bool *has)
{
	json_t *v = json_object_get(obj, f);
	char got[64];
	uint64_t bps;

	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && json_integer_value(v) >= 0 &&
	    (uint64_t)json_integer_value(v) <= BW_MAX) {
		bps = (uint64_t)json_integer_value(v);
	} else if (json_is_real(v) && json_real_value(v) >= 0 &&
		   json_real_value(v) <= (double)BW_MAX &&
		   json_real_value(v) == (double)(uint64_t)json_real_value(v)) {
		bps = (uint64_t)json_real_value(v);	/* 1e9 */
	} else if (!json_is_string(v) || bw_parse(json_string_value(v), &bps) < 0) {
		return jx_fail_field(c, f, "expected bits/s as a number or a string like '1G', "
				     "got %s", jx_describe(v, got, sizeof(got)));
	}
	*out = bps;
	*has = true;
	return true;
}

static bool get_ipv4(jx_ctx *c, const json_t *obj, const char *f, bool req, addr_t *out)
{
	addr_t a = { 0 };
	char got[ADDR_STRLEN];

	if (!jx_get_addr(c, obj, f, req, &a))
		return false;
	if (a.family && a.family != AF_INET)
		return jx_fail_field(c, f, "expected an IPv4 address, got \"%s\"",
				     addr_format(&a, got, sizeof(got)));
	if (a.family)
		*out = a;
	return true;
}

/* admin_groups: names from the map, or bit numbers 0..31 (RFC 5305 3.1) */
static bool get_admin_groups(jx_ctx *c, const json_t *te, const struct admin_groups *groups,
			     struct speaker_te *out)
{
	json_t *arr = NULL, *v;
	char got[64];
	size_t i;

	if (!jx_get_array(c, te, "admin_groups", false, &arr) || !arr)
		return !c->failed;
	size_t mark = jx_push_field(c, "admin_groups");

	json_array_foreach(arr, i, v) {
		size_t m = jx_push_index(c, i);
		int bit = -1;

		if (json_is_integer(v) && json_integer_value(v) >= 0 && json_integer_value(v) <= 31)
			bit = (int)json_integer_value(v);
		else if (json_is_string(v) && (bit = admin_groups_bit(groups,
								json_string_value(v))) < 0)
			return jx_fail(c, "unknown admin group \"%s\"%s", json_string_value(v),
				       groups ? "" : " (no admin-group map)");
		else if (!json_is_string(v))
			return jx_fail(c, "expected a group name or a bit 0..31, got %s",
				       jx_describe(v, got, sizeof(got)));
		out->admin_groups |= 1u << bit;
		jx_pop(c, m);
	}
	jx_pop(c, mark);
	out->has_admin_groups = true;
	return true;
}

static bool get_srlgs(jx_ctx *c, const json_t *te, struct speaker_te *out)
{
	json_t *arr = NULL, *v;
	char got[64];
	size_t i;

	if (!jx_get_array(c, te, "srlgs", false, &arr) || !arr)
		return !c->failed;
	if (json_array_size(arr) > SPEAKER_MAX_SRLGS)
		return jx_fail_field(c, "srlgs", "at most %d SRLGs, got %zu", SPEAKER_MAX_SRLGS,
				     json_array_size(arr));
	size_t mark = jx_push_field(c, "srlgs");

	json_array_foreach(arr, i, v) {
		size_t m = jx_push_index(c, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0 ||
		    json_integer_value(v) > UINT32_MAX)
			return jx_fail(c, "expected an integer 0..4294967295, got %s",
				       jx_describe(v, got, sizeof(got)));
		for (size_t k = 0; k < out->n_srlgs; k++)
			if (out->srlgs[k] == (uint32_t)json_integer_value(v))
				return jx_fail(c, "duplicate SRLG %u", out->srlgs[k]);
		out->srlgs[out->n_srlgs++] = (uint32_t)json_integer_value(v);
		jx_pop(c, m);
	}
	jx_pop(c, mark);
	return true;
}

static bool get_te(jx_ctx *c, const json_t *ifo, const struct admin_groups *groups,
		   struct speaker_te *te)
{
	static const char *const fields[] = { "te_metric", "max_bandwidth",
					      "reservable_bandwidth", "admin_groups",
					      "delay_us", "srlgs", "comment", NULL };
	json_t *o = NULL;
	char a[BW_STRLEN], b[BW_STRLEN];

	if (!jx_get_object(c, ifo, "te", false, &o) || !o)
		return !c->failed;
	size_t mark = jx_push_field(c, "te");
	bool ok = jx_check_fields(c, o, fields) &&
		  get_u32(c, o, "te_metric", false, 0, SPEAKER_METRIC_MAX, &te->te_metric,
			  &te->has_te_metric) &&
		  get_bw(c, o, "max_bandwidth", &te->max_bw_bps, &te->has_max_bw) &&
		  get_bw(c, o, "reservable_bandwidth", &te->rsv_bw_bps, &te->has_rsv_bw) &&
		  get_admin_groups(c, o, groups, te) &&
		  get_u32(c, o, "delay_us", false, 1, SPEAKER_METRIC_MAX, &te->delay_us,
			  &te->has_delay) &&
		  get_srlgs(c, o, te);

	if (ok && te->has_max_bw && te->has_rsv_bw && te->rsv_bw_bps > te->max_bw_bps) {
		bw_format(te->max_bw_bps, a, sizeof(a));
		bw_format(te->rsv_bw_bps, b, sizeof(b));
		ok = jx_fail_field(c, "reservable_bandwidth",
				   "must be <= max_bandwidth (%s), got %s", a, b);
	}
	jx_pop(c, mark);
	return ok;
}

static bool ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n > SPEAKER_IFNAME_MAX || !strcmp(s, ".") || !strcmp(s, ".."))
		return false;
	for (size_t i = 0; i < n; i++)
		if (s[i] == '/' || s[i] == ':' || !isgraph((unsigned char)s[i]))
			return false;
	return true;
}

static bool get_iface(jx_ctx *c, const json_t *o, const struct admin_groups *groups,
		      struct speaker_config *cfg, struct speaker_iface *ifc)
{
	static const char *const fields[] = { "name", "metric", "point_to_point", "passive",
					      "hello_padding", "adj_label", "te", "comment", NULL };
	int64_t adj = 0;
	const char *name = NULL;
	bool p2p = true;

	ifc->metric = SPEAKER_DEFAULT_METRIC;
	ifc->hello_padding = true;
	if (!jx_check_fields(c, o, fields) || !jx_get_string(c, o, "name", true, &name))
		return false;
	if (!ifname_ok(name))
		return jx_fail_field(c, "name", "expected an interface name (1..15 printable "
				     "characters, no '/' or ':'), got \"%s\"", name);
	if (speaker_config_iface(cfg, name))
		return jx_fail_field(c, "name", "duplicate interface \"%s\"", name);
	snprintf(ifc->name, sizeof(ifc->name), "%s", name);
	if (!get_u32(c, o, "metric", false, 1, SPEAKER_METRIC_MAX, &ifc->metric, NULL) ||
	    !jx_get_bool(c, o, "point_to_point", false, &p2p) ||
	    !jx_get_bool(c, o, "passive", false, &ifc->passive) ||
	    !jx_get_bool(c, o, "hello_padding", false, &ifc->hello_padding) ||
	    !jx_get_int(c, o, "adj_label", false, 16, 1048575, &adj))
		return false;
	if (json_object_get(o, "adj_label")) {
		if (!cfg->has_sr_mpls)
			return jx_fail_field(c, "adj_label", "needs \"sr_mpls\" at the top level");
		ifc->has_adj_label = true;
		ifc->adj_label = (uint32_t)adj;
	}
	if (!p2p)
		return jx_fail_field(c, "point_to_point",
				     "only point-to-point interfaces are supported");
	return get_te(c, o, groups, &ifc->te);
}

static bool get_ifaces(jx_ctx *c, const json_t *root, const struct admin_groups *groups,
		       struct speaker_config *cfg)
{
	json_t *arr = NULL, *v;
	size_t i;

	if (!jx_get_array(c, root, "interfaces", false, &arr) || !arr)
		return !c->failed;
	if (json_array_size(arr) > SPEAKER_MAX_IFACES)
		return jx_fail_field(c, "interfaces", "at most %d interfaces, got %zu",
				     SPEAKER_MAX_IFACES, json_array_size(arr));
	size_t mark = jx_push_field(c, "interfaces");

	json_array_foreach(arr, i, v) {
		size_t m = jx_push_index(c, i);
		struct speaker_iface ifc = { 0 };
		char got[64];

		if (!json_is_object(v))
			return jx_fail(c, "expected an object, got %s",
				       jx_describe(v, got, sizeof(got)));
		if (!get_iface(c, v, groups, cfg, &ifc))
			return false;
		cfg->ifaces[cfg->n_ifaces++] = ifc;
		jx_pop(c, m);
	}
	jx_pop(c, mark);
	return true;
}

static bool get_loopbacks(jx_ctx *c, const json_t *root, struct speaker_config *cfg)
{
	json_t *arr = NULL, *v;
	char got[64];
	size_t i;

	if (!jx_get_array(c, root, "loopbacks", false, &arr) || !arr)
		return !c->failed;
	if (json_array_size(arr) > SPEAKER_MAX_LOOPBACKS)
		return jx_fail_field(c, "loopbacks", "at most %d loopbacks, got %zu",
				     SPEAKER_MAX_LOOPBACKS, json_array_size(arr));
	size_t mark = jx_push_field(c, "loopbacks");

	json_array_foreach(arr, i, v) {
		size_t m = jx_push_index(c, i);
		prefix_t p;

		if (!json_is_string(v) || prefix_parse(json_string_value(v), false, &p) < 0)
			return jx_fail(c, "expected a prefix like \"192.0.2.1/32\", got %s",
				       jx_describe(v, got, sizeof(got)));
		cfg->loopbacks[cfg->n_loopbacks++] = p;
		jx_pop(c, m);
	}
	jx_pop(c, mark);
	return true;
}

static const char *const behavior_names[] = { "End", "End.X", "End.DT4", "End.DT6",
					      "End.DX4", "End.DX6", NULL };

static bool get_srv6(jx_ctx *c, const json_t *root, struct speaker_config *cfg)
{
	static const char *const fields[] = { "locator", "behaviors", "comment", NULL };
	json_t *o = NULL, *arr = NULL, *v;
	size_t i;

	if (!jx_get_object(c, root, "srv6", false, &o) || !o)
		return !c->failed;
	size_t mark = jx_push_field(c, "srv6");

	if (!jx_check_fields(c, o, fields) ||
	    !jx_get_prefix(c, o, "locator", true, &cfg->locator))
		return false;
	if (cfg->locator.addr.family != AF_INET6)
		return jx_fail_field(c, "locator", "expected an IPv6 prefix");
	cfg->has_locator = true;
	/* what a TE head, transit and tail need: End, End.X, and the tail's decapsulation
	 * SIDs (End.DT6 for IPv6, End.DX4 for IPv4 payloads; DESIGN §6) */
	cfg->srv6_behaviors = SPEAKER_SRV6_END | SPEAKER_SRV6_END_X | SPEAKER_SRV6_END_DT6 |
			      SPEAKER_SRV6_END_DX4;
	if (!jx_get_array(c, o, "behaviors", false, &arr))
		return false;
	if (arr) {
		size_t m2 = jx_push_field(c, "behaviors");

		cfg->srv6_behaviors = 0;
		json_array_foreach(arr, i, v) {
			size_t m = jx_push_index(c, i);
			char got[64];
			int k;

			for (k = 0; behavior_names[k]; k++)
				if (json_is_string(v) &&
				    !strcmp(json_string_value(v), behavior_names[k]))
					break;
			if (!behavior_names[k])
				return jx_fail(c, "expected one of End, End.X, End.DT4, End.DT6, "
					       "End.DX4, End.DX6, got %s",
					       jx_describe(v, got, sizeof(got)));
			cfg->srv6_behaviors |= 1u << k;
			jx_pop(c, m);
		}
		jx_pop(c, m2);
	}
	jx_pop(c, mark);
	return true;
}

/* "sr_mpls": {"srgb_base", "srgb_range", "adj_label_base"} (RFC 8667 3.1, 2.2.1) */
static bool get_sr_mpls(jx_ctx *c, const json_t *root, struct speaker_config *cfg)
{
	static const char *const fields[] = { "srgb_base", "srgb_range", "adj_label_base",
					      "comment", NULL };
	json_t *o = NULL;
	int64_t base = 16000, range = 8000, adj = 0;

	if (!jx_get_object(c, root, "sr_mpls", false, &o) || !o)
		return !c->failed;
	size_t mark = jx_push_field(c, "sr_mpls");

	if (!jx_check_fields(c, o, fields) ||
	    !jx_get_int(c, o, "srgb_base", false, 16, 1048575, &base) ||
	    !jx_get_int(c, o, "srgb_range", false, 1, 1048560, &range) ||
	    !jx_get_int(c, o, "adj_label_base", false, 16, 1048575, &adj))
		return false;
	if (base + range - 1 > 1048575)
		return jx_fail_field(c, "srgb_range", "the SRGB %lld..%lld ends above label "
				     "1048575", (long long)base, (long long)(base + range - 1));
	cfg->has_sr_mpls = true;
	cfg->srgb_base = (uint32_t)base;
	cfg->srgb_range = (uint32_t)range;
	if (json_object_get(o, "adj_label_base")) {
		cfg->has_adj_label_base = true;
		cfg->adj_label_base = (uint32_t)adj;
	}
	jx_pop(c, mark);
	return true;
}

uint32_t speaker_adj_label(const struct speaker_config *c, size_t index)
{
	if (!c->has_sr_mpls || index >= c->n_ifaces)
		return 0;
	if (c->ifaces[index].has_adj_label)
		return c->ifaces[index].adj_label;
	if (c->has_adj_label_base)
		return c->adj_label_base + (uint32_t)index + 1;
	return 0;
}

/* Adjacency labels are local labels: outside the SRGB, inside 20 bits, unique. */
static bool check_adj_labels(jx_ctx *c, const struct speaker_config *cfg)
{
	for (size_t i = 0; cfg->has_sr_mpls && i < cfg->n_ifaces; i++) {
		uint64_t l = cfg->ifaces[i].has_adj_label
				     ? cfg->ifaces[i].adj_label
				     : (cfg->has_adj_label_base
						? (uint64_t)cfg->adj_label_base + i + 1 : 0);
		const char *how = cfg->ifaces[i].has_adj_label ? "adj_label" : "adj_label_base + n";

		if (!l)
			continue;
		if (l > 1048575)
			return jx_fail(c, "interfaces[%zu] (%s): adjacency label %llu (%s) is above "
				       "1048575", i, cfg->ifaces[i].name, (unsigned long long)l, how);
		if (l >= cfg->srgb_base && l < (uint64_t)cfg->srgb_base + cfg->srgb_range)
			return jx_fail(c, "interfaces[%zu] (%s): adjacency label %llu (%s) is "
				       "inside the SRGB %u..%u", i, cfg->ifaces[i].name,
				       (unsigned long long)l, how, cfg->srgb_base,
				       cfg->srgb_base + cfg->srgb_range - 1);
		for (size_t k = 0; k < i; k++)
			if (speaker_adj_label(cfg, k) == l)
				return jx_fail(c, "interfaces[%zu] (%s): adjacency label %llu is "
					       "also interfaces[%zu]'s (%s)", i,
					       cfg->ifaces[i].name, (unsigned long long)l, k,
					       cfg->ifaces[k].name);
	}
	return true;
}

/* level: 1, 2 or "1-2" */
static bool get_level(jx_ctx *c, const json_t *root, uint8_t *out)
{
	json_t *v = json_object_get(root, "level");
	char got[64];

	if (!v || json_is_null(v))
		return true;
	if (json_is_integer(v) && (json_integer_value(v) == 1 || json_integer_value(v) == 2))
		*out = (uint8_t)json_integer_value(v);
	else if (json_is_string(v) && !strcmp(json_string_value(v), "1-2"))
		*out = 3;
	else
		return jx_fail_field(c, "level", "expected 1, 2 or \"1-2\", got %s",
				     jx_describe(v, got, sizeof(got)));
	return true;
}

static bool get_root(jx_ctx *c, const json_t *root, const struct admin_groups *groups,
		     struct speaker_config *cfg)
{
	static const char *const fields[] = {
		"hostname", "router_id", "system_id", "area", "level", "overload",
		"lsp_lifetime", "lsp_refresh", "hello_interval", "hello_multiplier", "srv6",
		"sr_mpls", "loopbacks", "interfaces", "comment", NULL,
	};
	const char *host = NULL, *sysid = NULL, *area = NULL;
	int64_t lt = SPEAKER_DEFAULT_LSP_LIFETIME, rf = SPEAKER_DEFAULT_LSP_REFRESH;
	int64_t hi = SPEAKER_DEFAULT_HELLO_INTERVAL, hm = SPEAKER_DEFAULT_HELLO_MULTIPLIER;
	char got[64];

	cfg->level = SPEAKER_DEFAULT_LEVEL;
	if (!jx_check_fields(c, root, fields) || !jx_get_string(c, root, "hostname", true, &host))
		return false;
	/* RFC 5301 3: 1..255 octets; kvte keeps it to a DNS-like name */
	if (!*host || strlen(host) > SPEAKER_HOSTNAME_MAX ||
	    strspn(host, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_") !=
		    strlen(host))
		return jx_fail_field(c, "hostname", "expected 1..255 of [A-Za-z0-9._-], got %s",
				     jx_describe(json_object_get(root, "hostname"), got,
						 sizeof(got)));
	snprintf(cfg->hostname, sizeof(cfg->hostname), "%s", host);
	if (!get_ipv4(c, root, "router_id", true, &cfg->router_id) ||
	    !jx_get_string(c, root, "system_id", false, &sysid))
		return false;
	if (sysid) {
		if (speaker_sysid_parse(sysid, cfg->system_id) < 0)
			return jx_fail_field(c, "system_id", "expected a system ID like "
					     "\"1921.6805.0001\", got \"%s\"", sysid);
		cfg->system_id_explicit = true;
	} else {
		speaker_sysid_from_router_id(&cfg->router_id, cfg->system_id);
	}
	if (!jx_get_string(c, root, "area", true, &area))
		return false;
	if (speaker_area_parse(area, &cfg->area) < 0)
		return jx_fail_field(c, "area", "expected an area address like \"49.0002\", "
				     "got \"%s\"", area);
	if (!get_level(c, root, &cfg->level) ||
	    !jx_get_bool(c, root, "overload", false, &cfg->overload) ||
	    !jx_get_int(c, root, "lsp_lifetime", false, 350, 65535, &lt) ||
	    !jx_get_int(c, root, "lsp_refresh", false, 1, 65235, &rf) ||
	    !jx_get_int(c, root, "hello_interval", false, 1, 600, &hi) ||
	    !jx_get_int(c, root, "hello_multiplier", false, 2, 100, &hm))
		return false;
	/* ISO 10589 7.3.21: refresh well before the lifetime runs out */
	if (rf + 300 > lt)
		return jx_fail_field(c, "lsp_refresh", "must be at least 300 below lsp_lifetime "
				     "(%lld), got %lld", (long long)lt, (long long)rf);
	if (hi * hm > 65535)
		return jx_fail_field(c, "hello_multiplier", "hello_interval * hello_multiplier "
				     "must be <= 65535 (holding time), got %lld",
				     (long long)(hi * hm));
	cfg->lsp_lifetime = (uint16_t)lt;
	cfg->lsp_refresh = (uint16_t)rf;
	cfg->hello_interval = (uint16_t)hi;
	cfg->hello_multiplier = (uint8_t)hm;
	return get_srv6(c, root, cfg) && get_sr_mpls(c, root, cfg) &&
	       get_loopbacks(c, root, cfg) && get_ifaces(c, root, groups, cfg) &&
	       check_adj_labels(c, cfg);
}

static int finish(jx_ctx *c, bool ok, struct speaker_config *out, char *err, size_t errlen)
{
	if (ok && !c->failed) {
		if (err && errlen)
			err[0] = '\0';
		return 0;
	}
	memset(out, 0, sizeof(*out));
	if (err && errlen)
		snprintf(err, errlen, "%s", c->err[0] ? c->err : "invalid configuration");
	return -EINVAL;
}

int speaker_config_parse(const json_t *v, const char *source, const struct admin_groups *groups,
			 struct speaker_config *out, char *err, size_t errlen)
{
	jx_ctx c;
	char got[64];
	bool ok;

	jx_init(&c, source);
	memset(out, 0, sizeof(*out));
	if (!json_is_object(v))
		ok = jx_fail(&c, "expected an object, got %s", jx_describe(v, got, sizeof(got)));
	else
		ok = get_root(&c, v, groups, out);
	return finish(&c, ok, out, err, errlen);
}

int speaker_config_load(const char *path, const struct admin_groups *groups,
			struct speaker_config *out, char *err, size_t errlen)
{
	jx_ctx c;
	json_t *v;
	int rc;

	jx_init(&c, path);
	memset(out, 0, sizeof(*out));
	v = jx_load_file(&c, path);
	if (!v)
		return finish(&c, false, out, err, errlen);
	rc = speaker_config_parse(v, path, groups, out, err, errlen);
	json_decref(v);
	return rc;
}
