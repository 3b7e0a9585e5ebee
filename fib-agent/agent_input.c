/* agent_input — parse the etcd values a FIB agent watches into RIB candidates, SIDs,
 * tunnels, bypasses and BGP routes (see fib-agent/agent_input.h for the rules). Values
 * are read with lib/jx.h so every error names its field; keys with lib/keys.h. */
#include "fib-agent/agent_input.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"
#include "lib/validate.h"

static bool get_nh(jx_ctx *c, const json_t *o, const char *field, struct rib_nh *nh)
{
	json_t *fh = NULL;
	const char *ifn = NULL;

	if (!jx_get_object(c, o, field, true, &fh))
		return false;
	size_t m = jx_push_field(c, field);
	bool ok = jx_get_string(c, fh, "interface", true, &ifn) &&
		  jx_get_addr(c, fh, "address", true, &nh->gateway);

	if (ok && (ifn[0] == '\0' || strlen(ifn) > RIB_IFNAME_MAX))
		ok = jx_fail_field(c, "interface", "expected 1..%d bytes", RIB_IFNAME_MAX);
	if (ok)
		snprintf(nh->ifname, sizeof(nh->ifname), "%s", ifn);
	jx_pop(c, m);
	return ok;
}

static bool get_segs(jx_ctx *c, const json_t *o, const char *field, bool required,
		     struct rib_nh *nh)
{
	json_t *a = NULL;
	size_t i;
	json_t *v;

	if (!jx_get_array(c, o, field, required, &a))
		return false;
	if (!a)
		return true;
	size_t m = jx_push_field(c, field);

	if (json_array_size(a) == 0 || json_array_size(a) > RIB_MAX_SEGS) {
		jx_pop(c, m);
		return jx_fail_field(c, field, "expected 1..%d segments, got %zu", RIB_MAX_SEGS,
				     json_array_size(a));
	}
	json_array_foreach(a, i, v) {
		addr_t s;
		size_t mi = jx_push_index(c, i);

		if (!json_is_string(v) || addr_parse(json_string_value(v), &s) < 0 ||
		    s.family != AF_INET6) {
			char d[64];

			jx_fail(c, "expected an IPv6 SID, got %s", jx_describe(v, d, sizeof(d)));
			jx_pop(c, mi);
			jx_pop(c, m);
			return false;
		}
		nh->segs[nh->n_segs++] = s;
		jx_pop(c, mi);
	}
	jx_pop(c, m);
	return true;
}

/* An MPLS label stack (0..RIB_MAX_SEGS labels, or min..RIB_MAX_SEGS) into labels. */
static bool get_label_array(jx_ctx *c, const json_t *o, const char *field, bool required,
			    size_t min, uint8_t *n, uint32_t *labels)
{
	json_t *a = NULL, *v;
	size_t i;

	if (!jx_get_array(c, o, field, required, &a))
		return false;
	if (!a)
		return true;
	if (json_array_size(a) < min || json_array_size(a) > RIB_MAX_SEGS)
		return jx_fail_field(c, field, "expected %zu..%d labels, got %zu", min,
				     RIB_MAX_SEGS, json_array_size(a));
	size_t m = jx_push_field(c, field);

	json_array_foreach(a, i, v) {
		size_t mi = jx_push_index(c, i);
		json_int_t l = json_is_integer(v) ? json_integer_value(v) : -1;

		if (l < KEYS_MPLS_LABEL_MIN || l > KEYS_MPLS_LABEL_MAX) {
			char d[64];

			jx_fail(c, "expected an MPLS label %d..%d, got %s", KEYS_MPLS_LABEL_MIN,
				KEYS_MPLS_LABEL_MAX, jx_describe(v, d, sizeof(d)));
			jx_pop(c, mi);
			jx_pop(c, m);
			return false;
		}
		labels[(*n)++] = (uint32_t)l;
		jx_pop(c, mi);
	}
	jx_pop(c, m);
	return true;
}

/* "segments" (srv6) or "labels" (mpls, may be empty) of a tunnel, backup or bypass;
 * the other one must be absent. */
static bool get_stack(jx_ctx *c, const json_t *o, bool mpls, struct rib_nh *nh)
{
	if (mpls) {
		if (json_object_get(o, "segments"))
			return jx_fail_field(c, "segments", "not allowed with dataplane mpls");
		return get_label_array(c, o, "labels", true, 0, &nh->n_labels, nh->labels);
	}
	if (json_object_get(o, "labels"))
		return jx_fail_field(c, "labels", "not allowed with dataplane srv6");
	return get_segs(c, o, "segments", true, nh);
}

static bool get_dataplane(jx_ctx *c, const json_t *o, bool required, bool *mpls)
{
	static const char *const dps[] = {"srv6", "mpls", NULL};
	int dp = 0;

	if (!jx_get_enum(c, o, "dataplane", required, dps, &dp))
		return false;
	*mpls = dp == 1;
	return true;
}

static bool check_prefix(jx_ctx *c, const json_t *v, const prefix_t *key_prefix, prefix_t *out)
{
	if (!jx_get_prefix(c, v, "prefix", true, out))
		return false;
	if (key_prefix && prefix_cmp(out, key_prefix) != 0)
		return jx_fail_field(c, "prefix", "differs from the key's prefix");
	return true;
}

static bool parse_isis(jx_ctx *c, const json_t *v, const struct key_info *ki,
		       struct rib_candidate *cand)
{
	int64_t metric = 0, level = 2;
	json_t *nhs = NULL, *nh;
	size_t i;

	cand->source = RIB_SRC_ISIS;
	if (!check_prefix(c, v, &ki->prefix, &cand->prefix) ||
	    !jx_get_int(c, v, "metric", true, 0, UINT32_MAX, &metric) ||
	    !jx_get_int(c, v, "level", true, 1, 2, &level) ||
	    !jx_get_array(c, v, "next_hops", true, &nhs))
		return false;
	cand->metric = (uint32_t)metric;
	cand->preference = level == 1 ? 15 : 18;
	if (json_array_size(nhs) == 0 || json_array_size(nhs) > RIB_MAX_NH)
		return jx_fail_field(c, "next_hops", "expected 1..%d next hops, got %zu", RIB_MAX_NH,
				     json_array_size(nhs));
	size_t m = jx_push_field(c, "next_hops");

	json_array_foreach(nhs, i, nh) {
		size_t mi = jx_push_index(c, i);
		const char *ifn = NULL;
		struct rib_nh *n = &cand->nh[cand->n_nh];

		if (!jx_get_string(c, nh, "interface", true, &ifn) ||
		    !jx_get_addr(c, nh, "address", true, &n->gateway))
			return false;
		if (strlen(ifn) > RIB_IFNAME_MAX)
			return jx_fail_field(c, "interface", "too long");
		if (n->gateway.family != cand->prefix.addr.family && cand->prefix.addr.family == AF_INET6)
			return jx_fail_field(c, "address", "an IPv6 route needs an IPv6 next hop");
		snprintf(n->ifname, sizeof(n->ifname), "%s", ifn);
		cand->n_nh++;
		jx_pop(c, mi);
	}
	jx_pop(c, m);
	return true;
}

static int parse_static(jx_ctx *c, const json_t *v, const struct key_info *ki,
			struct rib_candidate *cand, char *err, size_t errlen)
{
	struct static_route sr;
	char e[256];

	if (validate_static_route(v, &ki->prefix, &sr, e, sizeof(e)) < 0) {
		jx_fail(c, "%s", e);
		return -EINVAL;
	}
	if (sr.type != STATIC_UNICAST) {
		jx_fail(c, "blackhole and reject static routes are not supported by the agent yet");
		return -EOPNOTSUPP;
	}
	cand->source = RIB_SRC_STATIC;
	cand->prefix = sr.prefix;
	cand->preference = sr.preference;
	for (size_t i = 0; i < sr.n_next_hops && i < RIB_MAX_NH; i++) {
		cand->nh[i].gateway = sr.next_hops[i].address;
		snprintf(cand->nh[i].ifname, sizeof(cand->nh[i].ifname), "%s",
			 sr.next_hops[i].interface);
	}
	cand->n_nh = sr.n_next_hops < RIB_MAX_NH ? sr.n_next_hops : RIB_MAX_NH;
	return 0;
}

static bool parse_te(jx_ctx *c, const json_t *v, const struct key_info *ki, const char *node,
		     struct agent_tunnel *t)
{
	json_t *dests = NULL, *d, *bk = NULL;
	const char *lsp = NULL, *blink = NULL;
	int64_t metric = 0;
	size_t i;

	if (!jx_get_string(c, v, "lsp", true, &lsp) || !get_dataplane(c, v, true, &t->mpls) ||
	    !jx_get_array(c, v, "destinations", true, &dests) ||
	    !jx_get_int(c, v, "metric", false, 0, UINT32_MAX, &metric))
		return false;
	if (strcmp(lsp, ki->lsp) != 0)
		return jx_fail_field(c, "lsp", "differs from the key's LSP name");
	snprintf(t->lsp, sizeof(t->lsp), "%s", lsp);
	t->metric = (uint32_t)metric;
	if (json_array_size(dests) == 0 || json_array_size(dests) > AGENT_MAX_DESTS)
		return jx_fail_field(c, "destinations", "expected 1..%d prefixes", AGENT_MAX_DESTS);
	size_t m = jx_push_field(c, "destinations");

	json_array_foreach(dests, i, d) {
		size_t mi = jx_push_index(c, i);
		char db[64];

		if (!json_is_string(d) || prefix_parse(json_string_value(d), false, &t->dest[i]) < 0)
			return jx_fail(c, "expected a prefix, got %s", jx_describe(d, db, sizeof(db)));
		jx_pop(c, mi);
	}
	jx_pop(c, m);
	t->n_dest = json_array_size(dests);
	if (!get_nh(c, v, "first_hop", &t->nh) || !get_stack(c, v, t->mpls, &t->nh))
		return false;
	snprintf(t->nh.tunnel, sizeof(t->nh.tunnel), "%s", lsp);
	if (!jx_get_object(c, v, "backup", false, &bk))
		return false;
	if (bk) {
		struct key_link kl;
		size_t mb = jx_push_field(c, "backup");

		if (!jx_get_string(c, bk, "link", true, &blink))
			return false;
		if (keys_link_parse(blink, &kl) < 0 || strcmp(kl.node, node) != 0)
			return jx_fail_field(c, "link", "expected one of %s's links \"%s:<if>\"",
					     node, node);
		/* the backup may use the other dataplane (an SR-MPLS bypass of an SRv6
		 * tunnel's first link): whichever of labels / segments it has */
		if (!get_nh(c, bk, "first_hop", &t->backup_nh) ||
		    !get_stack(c, bk, json_object_get(bk, "labels") != NULL, &t->backup_nh))
			return false;
		snprintf(t->backup_nh.tunnel, sizeof(t->backup_nh.tunnel), "%s", lsp);
		snprintf(t->backup_ifname, sizeof(t->backup_ifname), "%s", kl.ifname);
		t->has_backup = true;
		jx_pop(c, mb);
	}
	return true;
}

/* rib-sid's MPLS form: pop (adjacency label: forward out of next_hop), swap (replace
 * by out_labels, forward), pop-lookup (pop and deliver to lo: the IP lookup). */
static int parse_label(jx_ctx *c, const json_t *v, const struct key_info *ki,
		       struct nl_mpls_route *r)
{
	static const char *const ops[] = {"pop", "swap", "pop-lookup", NULL};
	int op = 0;
	int64_t label = 0;
	json_t *table;

	if (!jx_get_int(c, v, "label", true, KEYS_MPLS_LABEL_MIN, KEYS_MPLS_LABEL_MAX, &label) ||
	    !jx_get_enum(c, v, "op", true, ops, &op))
		return -EINVAL;
	if ((uint32_t)label != ki->sid.label) {
		jx_fail_field(c, "label", "differs from the key's label");
		return -EINVAL;
	}
	if (json_object_get(v, "sid")) {
		jx_fail_field(c, "sid", "not allowed in an MPLS label value");
		return -EINVAL;
	}
	r->label = (uint32_t)label;
	r->n_nh = 1;
	if (op == 2) { /* pop-lookup */
		table = json_object_get(v, "table");
		bool main_table = !table ||
				  (json_is_string(table) &&
				   strcmp(json_string_value(table), "main") == 0) ||
				  (json_is_integer(table) &&
				   json_integer_value(table) == NL_TABLE_MAIN);

		if (!main_table) {
			jx_fail_field(c, "table", "only \"main\": Linux MPLS pops and looks up in "
				      "the main table");
			return -EOPNOTSUPP;
		}
		snprintf(r->nh[0].ifname, sizeof(r->nh[0].ifname), "lo");
		return 0;
	}
	if (!get_nh(c, v, "next_hop", &r->nh[0]))
		return -EINVAL;
	if (op == 1 && !get_label_array(c, v, "out_labels", true, 1, &r->nh[0].n_labels,
					r->nh[0].labels))
		return -EINVAL;
	if (op == 0 && json_object_get(v, "out_labels")) {
		jx_fail_field(c, "out_labels", "not allowed with op pop");
		return -EINVAL;
	}
	return 0;
}

static int parse_sid(jx_ctx *c, const json_t *v, const struct key_info *ki, struct nl_sid *s)
{
	const char *b = NULL, *ifn = NULL;
	json_t *table;
	struct rib_nh tmp = {0};

	if (!jx_get_string(c, v, "behavior", true, &b))
		return -EINVAL;
	if (nl_sid_behavior_parse(b, &s->behavior) < 0) {
		jx_fail_field(c, "behavior", "unknown behavior \"%s\"", b);
		return -EINVAL;
	}
	addr_t vsid;

	if (!jx_get_addr(c, v, "sid", true, &vsid))
		return -EINVAL;
	if (addr_cmp(&vsid, &ki->sid.addr) != 0) {
		jx_fail_field(c, "sid", "differs from the key's SID");
		return -EINVAL;
	}
	s->sid.addr = ki->sid.addr;
	s->sid.len = 128;
	if (!jx_get_string(c, v, "interface", false, &ifn))
		return -EINVAL;
	if (ifn && (ifn[0] == '\0' || strlen(ifn) > RIB_IFNAME_MAX)) {
		jx_fail_field(c, "interface", "expected 1..%d bytes", RIB_IFNAME_MAX);
		return -EINVAL;
	}
	snprintf(s->ifname, sizeof(s->ifname), "%s", ifn ? ifn : "lo");
	switch (s->behavior) {
	case NL_SID_END_X:
		if (!jx_get_addr(c, v, "nh6", true, &s->nh6))
			return -EINVAL;
		if (s->nh6.family != AF_INET6) {
			jx_fail_field(c, "nh6", "expected an IPv6 address");
			return -EINVAL;
		}
		if (!ifn) {
			jx_fail_field(c, "interface", "missing");
			return -EINVAL;
		}
		break;
	case NL_SID_END_DT6:
		table = json_object_get(v, "table");
		if (json_is_string(table) && strcmp(json_string_value(table), "main") == 0) {
			s->table = NL_TABLE_MAIN;
		} else if (json_is_integer(table) && json_integer_value(table) >= 1 &&
			   json_integer_value(table) <= UINT32_MAX) {
			s->table = (uint32_t)json_integer_value(table);
		} else {
			jx_fail_field(c, "table", "expected \"main\" or a table number");
			return -EINVAL;
		}
		break;
	case NL_SID_END_DX4:
		if (!jx_get_addr(c, v, "nh4", true, &s->nh4))
			return -EINVAL;
		if (s->nh4.family != AF_INET) {
			jx_fail_field(c, "nh4", "expected an IPv4 address");
			return -EINVAL;
		}
		break;
	case NL_SID_END_B6_ENCAPS:
		if (!get_segs(c, v, "segments", true, &tmp))
			return -EINVAL;
		s->n_segs = tmp.n_segs;
		memcpy(s->segs, tmp.segs, sizeof(s->segs));
		break;
	default:
		break;
	}
	return 0;
}

static bool parse_protect(jx_ctx *c, const json_t *v, const struct key_info *ki,
			  struct agent_protect *p)
{
	const char *mp = NULL, *link = NULL;
	struct key_link kl;

	if (!jx_get_string(c, v, "link", true, &link))
		return false;
	if (keys_link_parse(link, &kl) < 0 || strcmp(kl.node, ki->link.node) != 0 ||
	    strcmp(kl.ifname, ki->link.ifname) != 0)
		return jx_fail_field(c, "link", "differs from the key's link");
	if (!get_dataplane(c, v, false, &p->mpls) || !get_nh(c, v, "first_hop", &p->nh) ||
	    !get_stack(c, v, p->mpls, &p->nh) || !jx_get_string(c, v, "merge_point", true, &mp))
		return false;
	if (!keys_name_valid(mp))
		return jx_fail_field(c, "merge_point", "not a node name");
	snprintf(p->ifname, sizeof(p->ifname), "%s", ki->link.ifname);
	snprintf(p->merge_point, sizeof(p->merge_point), "%s", mp);
	return true;
}

static bool parse_bgp(jx_ctx *c, const json_t *v, const struct key_info *ki, struct agent_bgp *b)
{
	static const char *const origins[] = {"igp", "egp", "incomplete", NULL};
	const char *node = NULL;
	json_t *path = NULL;
	int64_t lp = 100, med = 0;
	int origin = 2;

	if (!check_prefix(c, v, &ki->prefix, &b->prefix) ||
	    !jx_get_string(c, v, "node", true, &node) ||
	    !jx_get_addr(c, v, "protocol_next_hop", true, &b->protocol_next_hop) ||
	    !jx_get_addr(c, v, "external_next_hop", true, &b->external_next_hop) ||
	    !jx_get_enum(c, v, "origin", true, origins, &origin) ||
	    !jx_get_array(c, v, "as_path", true, &path) ||
	    !jx_get_int(c, v, "local_pref", false, 0, UINT32_MAX, &lp) ||
	    !jx_get_int(c, v, "med", false, 0, UINT32_MAX, &med))
		return false;
	if (strcmp(node, ki->node) != 0)
		return jx_fail_field(c, "node", "differs from the key's node");
	snprintf(b->node, sizeof(b->node), "%s", node);
	b->local_pref = (uint32_t)lp;
	b->med = (uint32_t)med;
	b->origin = (unsigned)origin;
	b->as_path_len = (uint32_t)json_array_size(path);
	return true;
}

int agent_input_parse(const keys_t *k, const char *node, const char *key, const char *value,
		      size_t len, struct agent_input *out, char *err, size_t errlen)
{
	struct key_info ki;
	jx_ctx c;
	json_t *v;
	int fam, rc = 0;

	memset(out, 0, sizeof(*out));
	fam = keys_parse(k, key, &ki);
	if (fam < 0) {
		out->kind = AGENT_IN_IGNORE;
		return 0;
	}
	bool mine = strcmp(ki.node, node) == 0;

	switch (fam) {
	case KEY_RIB_ISIS_ROUTE:
	case KEY_RIB_TE_TUNNEL:
	case KEY_RIB_SID:
	case KEY_RIB_PROTECT:
	case KEY_STATIC_ROUTE:
		if (!mine) {
			out->kind = AGENT_IN_IGNORE;
			return 0;
		}
		break;
	case KEY_BGP_ROUTE:
		break;
	default:
		out->kind = AGENT_IN_IGNORE;
		return 0;
	}
	jx_init(&c, key);
	v = jx_loads(&c, value, len);
	if (!v) {
		snprintf(err, errlen, "%s", c.err);
		return -EINVAL;
	}
	if (!json_is_object(v)) {
		json_decref(v);
		snprintf(err, errlen, "%s: expected a JSON object", key);
		return -EINVAL;
	}
	switch (fam) {
	case KEY_RIB_ISIS_ROUTE:
		out->kind = AGENT_IN_ISIS;
		rc = parse_isis(&c, v, &ki, &out->cand) ? 0 : -EINVAL;
		break;
	case KEY_STATIC_ROUTE:
		out->kind = AGENT_IN_STATIC;
		rc = parse_static(&c, v, &ki, &out->cand, err, errlen);
		break;
	case KEY_RIB_TE_TUNNEL:
		out->kind = AGENT_IN_TE;
		rc = parse_te(&c, v, &ki, node, &out->te) ? 0 : -EINVAL;
		break;
	case KEY_RIB_SID:
		if (ki.sid.is_label) {
			out->kind = AGENT_IN_LABEL;
			rc = parse_label(&c, v, &ki, &out->label);
		} else {
			out->kind = AGENT_IN_SID;
			rc = parse_sid(&c, v, &ki, &out->sid);
		}
		break;
	case KEY_RIB_PROTECT:
		out->kind = AGENT_IN_PROTECT;
		rc = parse_protect(&c, v, &ki, &out->protect) ? 0 : -EINVAL;
		break;
	case KEY_BGP_ROUTE:
		out->kind = AGENT_IN_BGP;
		rc = parse_bgp(&c, v, &ki, &out->bgp) ? 0 : -EINVAL;
		break;
	}
	json_decref(v);
	if (rc == 0 && c.failed)
		rc = -EINVAL;
	if (rc < 0)
		snprintf(err, errlen, "%s", c.err[0] ? c.err : "invalid value");
	return rc;
}

int agent_bgp_cmp(const struct agent_bgp *a, const struct agent_bgp *b)
{
	if (a->local_pref != b->local_pref)
		return a->local_pref > b->local_pref ? -1 : 1;
	if (a->as_path_len != b->as_path_len)
		return a->as_path_len < b->as_path_len ? -1 : 1;
	if (a->origin != b->origin)
		return a->origin < b->origin ? -1 : 1;
	if (a->med != b->med)
		return a->med < b->med ? -1 : 1;
	return strcmp(a->node, b->node);
}
