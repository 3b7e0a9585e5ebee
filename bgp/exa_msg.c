/* exa_msg — ExaBGP 4.2 process-API lines into events (see bgp/exa_msg.h). JSON is read
 * with lib/jx.h so every error names its field; the layouts are those of
 * /work/shared/notes/exabgp-api.md §3 (announce: "<afi> <safi>" -> next hop ->
 * [{"nlri": p}] or, with api.compact, [p]; withdraw: "<afi> <safi>" -> [{"nlri": p}];
 * communities as [high, low] pairs; large communities as [g, l1, l2]). Pure. */
#include "bgp/exa_msg.h"

#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"

const char *exa_state_name(enum exa_state s)
{
	switch (s) {
	case EXA_ST_CONNECTED:
		return "connected";
	case EXA_ST_UP:
		return "up";
	case EXA_ST_DOWN:
		return "down";
	}
	return "?";
}

void exa_msg_free(struct exa_msg *m)
{
	bgp_attrs_unref(m->attrs);
	free(m->announce);
	free(m->withdraw);
	memset(m, 0, sizeof(*m));
}

static bool get_u32(jx_ctx *c, const json_t *o, const char *f, bool req, uint32_t *out)
{
	int64_t v;

	if (!jx_get_int(c, o, f, req, 0, UINT32_MAX, &v))
		return false;
	if (json_object_get(o, f))
		*out = (uint32_t)v;
	return true;
}

static bool parse_neighbor(jx_ctx *c, const json_t *root, struct exa_msg *m)
{
	json_t *nb, *a, *asn;
	size_t mk = jx_push_field(c, "neighbor");
	int64_t v;

	if (!jx_get_object(c, root, "neighbor", true, &nb) ||
	    !jx_get_object(c, nb, "address", true, &a))
		return false;
	size_t mk2 = jx_push_field(c, "address");

	if (!jx_get_addr(c, a, "local", true, &m->nb.local) ||
	    !jx_get_addr(c, a, "peer", true, &m->nb.peer))
		return false;
	jx_pop(c, mk2);
	if (!jx_get_object(c, nb, "asn", true, &asn))
		return false;
	mk2 = jx_push_field(c, "asn");
	if (!jx_get_int(c, asn, "local", true, 0, UINT32_MAX, &v))
		return false;
	m->nb.local_asn = (uint32_t)v;
	if (!jx_get_int(c, asn, "peer", true, 0, UINT32_MAX, &v))
		return false;
	m->nb.peer_asn = (uint32_t)v;
	jx_pop(c, mk2);
	jx_pop(c, mk);
	m->has_neighbor = true;
	return true;
}

static bool parse_state(jx_ctx *c, const json_t *root, struct exa_msg *m)
{
	static const char *const states[] = {"connected", "up", "down", NULL};
	json_t *nb = json_object_get(root, "neighbor");
	const char *reason = NULL;
	size_t mk = jx_push_field(c, "neighbor");
	int st;

	if (!jx_get_enum(c, nb, "state", true, states, &st) ||
	    !jx_get_string(c, nb, "reason", false, &reason))
		return false;
	jx_pop(c, mk);
	m->state = st;
	if (reason)
		snprintf(m->reason, sizeof(m->reason), "%s", reason);
	return true;
}

/* "ipv4 unicast" -> AF_INET, "ipv6 unicast" -> AF_INET6, anything else 0 */
static int family_of(const char *afi_safi)
{
	if (strcmp(afi_safi, "ipv4 unicast") == 0)
		return AF_INET;
	if (strcmp(afi_safi, "ipv6 unicast") == 0)
		return AF_INET6;
	return 0;
}

static bool parse_as_path(jx_ctx *c, const json_t *attr, struct bgp_attrs *a)
{
	json_t *arr = NULL, *v, *w;
	size_t i, j;

	if (!jx_get_array(c, attr, "as-path", false, &arr) || !arr)
		return !c->failed;
	size_t mk = jx_push_field(c, "as-path");

	json_array_foreach(arr, i, v) {
		size_t mk2 = jx_push_index(c, i);

		/* an AS_SET appears as a nested array; its members are kept in order */
		if (json_is_array(v)) {
			json_array_foreach(v, j, w) {
				if (!json_is_integer(w) || json_integer_value(w) < 0 ||
				    json_integer_value(w) > UINT32_MAX)
					return jx_fail(c, "expected AS numbers in the AS_SET");
				if (bgp_attrs_push_as(a, (uint32_t)json_integer_value(w)) < 0)
					return jx_fail(c, "AS path longer than %d", BGP_AS_PATH_MAX);
			}
		} else if (json_is_integer(v) && json_integer_value(v) >= 0 &&
			   json_integer_value(v) <= UINT32_MAX) {
			if (bgp_attrs_push_as(a, (uint32_t)json_integer_value(v)) < 0)
				return jx_fail(c, "AS path longer than %d", BGP_AS_PATH_MAX);
		} else {
			char d[64];

			return jx_fail(c, "expected an AS number 0..4294967295, got %s",
				       jx_describe(v, d, sizeof(d)));
		}
		jx_pop(c, mk2);
	}
	jx_pop(c, mk);
	return true;
}

/* [[a, b], ...] (width 2, 16-bit parts) or [[a, b, c], ...] (width 3, 32-bit parts) */
static bool parse_tuples(jx_ctx *c, const json_t *attr, const char *field, int width,
			 struct bgp_attrs *a)
{
	json_t *arr = NULL, *v;
	size_t i;
	int64_t max = width == 2 ? 0xFFFF : UINT32_MAX;

	if (!jx_get_array(c, attr, field, false, &arr) || !arr)
		return !c->failed;
	size_t mk = jx_push_field(c, field);

	json_array_foreach(arr, i, v) {
		uint32_t p[3];
		char d[64];
		size_t mk2 = jx_push_index(c, i);

		if (!json_is_array(v) || json_array_size(v) != (size_t)width)
			return jx_fail(c, "expected an array of %d numbers, got %s", width,
				       jx_describe(v, d, sizeof(d)));
		for (int k = 0; k < width; k++) {
			json_t *n = json_array_get(v, (size_t)k);

			if (!json_is_integer(n) || json_integer_value(n) < 0 ||
			    json_integer_value(n) > max)
				return jx_fail(c, "expected integers 0..%lld, got %s",
					       (long long)max, jx_describe(n, d, sizeof(d)));
			p[k] = (uint32_t)json_integer_value(n);
		}
		int rc = width == 2 ? bgp_attrs_push_community(a, p[0] << 16 | p[1])
				    : bgp_attrs_push_large(a, &(struct bgp_large_community){
								      p[0], p[1], p[2]});
		if (rc < 0)
			return jx_fail(c, "out of memory");
		jx_pop(c, mk2);
	}
	jx_pop(c, mk);
	return true;
}

static bool parse_attrs(jx_ctx *c, const json_t *attr, struct bgp_attrs *a)
{
	static const char *const origins[] = {"igp", "egp", "incomplete", NULL};
	int origin;
	size_t mk = jx_push_field(c, "attribute");

	if (!jx_get_enum(c, attr, "origin", true, origins, &origin))
		return false;
	a->origin = origin;
	if (!parse_as_path(c, attr, a) || !get_u32(c, attr, "med", false, &a->med) ||
	    !get_u32(c, attr, "local-preference", false, &a->local_pref) ||
	    !parse_tuples(c, attr, "community", 2, a) ||
	    !parse_tuples(c, attr, "large-community", 3, a))
		return false;
	a->has_med = json_object_get(attr, "med") != NULL;
	a->has_local_pref = json_object_get(attr, "local-preference") != NULL;
	jx_pop(c, mk);
	return true;
}

/* {"nlri": "p"} or "p" */
static bool nlri_prefix(jx_ctx *c, const json_t *item, int family, prefix_t *out)
{
	const char *s;
	char d[64];

	if (json_is_string(item))
		s = json_string_value(item);
	else if (json_is_object(item)) {
		if (!jx_get_string(c, item, "nlri", true, &s))
			return false;
	} else
		return jx_fail(c, "expected {\"nlri\": prefix} or a prefix, got %s",
			       jx_describe(item, d, sizeof(d)));
	if (prefix_parse(s, true, out) < 0 || out->addr.family != family)
		return jx_fail(c, "expected an %s prefix, got \"%s\"",
			       family == AF_INET ? "IPv4" : "IPv6", s);
	return true;
}

static bool parse_announce(jx_ctx *c, const json_t *ann, struct exa_msg *m)
{
	const char *fam, *nh;
	json_t *byhop, *list, *item;
	size_t i, mk = jx_push_field(c, "announce");

	if (!json_is_object(ann))
		return jx_fail(c, "expected an object");
	json_object_foreach((json_t *)ann, fam, byhop) {
		int af = family_of(fam);

		if (!af) {
			m->skipped++;
			continue;
		}
		size_t mk2 = jx_push_field(c, fam);

		if (!json_is_object(byhop))
			return jx_fail(c, "expected an object of next hops");
		json_object_foreach(byhop, nh, list) {
			addr_t hop;
			size_t mk3 = jx_push_field(c, nh);

			if (addr_parse(nh, &hop) < 0)
				return jx_fail(c, "next hop is not an IP address");
			if (!json_is_array(list))
				return jx_fail(c, "expected an array of NLRI");
			struct exa_nlri *p = realloc(m->announce, (m->n_announce +
								   json_array_size(list) + 1) *
									  sizeof(*p));
			if (!p)
				return jx_fail(c, "out of memory");
			m->announce = p;
			json_array_foreach(list, i, item) {
				size_t mk4 = jx_push_index(c, i);
				struct exa_nlri *n = &m->announce[m->n_announce];

				if (!nlri_prefix(c, item, af, &n->prefix))
					return false;
				n->next_hop = hop;
				m->n_announce++;
				jx_pop(c, mk4);
			}
			jx_pop(c, mk3);
		}
		jx_pop(c, mk2);
	}
	jx_pop(c, mk);
	return true;
}

static bool parse_withdraw(jx_ctx *c, const json_t *wd, struct exa_msg *m)
{
	const char *fam;
	json_t *list, *item;
	size_t i, mk = jx_push_field(c, "withdraw");

	if (!json_is_object(wd))
		return jx_fail(c, "expected an object");
	json_object_foreach((json_t *)wd, fam, list) {
		int af = family_of(fam);

		if (!af) {
			m->skipped++;
			continue;
		}
		size_t mk2 = jx_push_field(c, fam);

		if (!json_is_array(list))
			return jx_fail(c, "expected an array of NLRI");
		prefix_t *p = realloc(m->withdraw,
				      (m->n_withdraw + json_array_size(list) + 1) * sizeof(*p));
		if (!p)
			return jx_fail(c, "out of memory");
		m->withdraw = p;
		json_array_foreach(list, i, item) {
			size_t mk3 = jx_push_index(c, i);

			if (!nlri_prefix(c, item, af, &m->withdraw[m->n_withdraw]))
				return false;
			m->n_withdraw++;
			jx_pop(c, mk3);
		}
		jx_pop(c, mk2);
	}
	jx_pop(c, mk);
	return true;
}

static bool parse_update(jx_ctx *c, const json_t *root, struct exa_msg *m)
{
	static const char *const dirs[] = {"receive", "send", NULL};
	json_t *nb = json_object_get(root, "neighbor"), *msg = NULL, *upd = NULL, *eor = NULL;
	int dir = 0;
	size_t mk = jx_push_field(c, "neighbor");

	if (!jx_get_enum(c, nb, "direction", false, dirs, &dir) ||
	    !jx_get_object(c, nb, "message", true, &msg))
		return false;
	m->send = dir == 1;
	size_t mk2 = jx_push_field(c, "message");

	if (!jx_get_object(c, msg, "eor", false, &eor))
		return false;
	if (eor) {
		const char *afi, *safi;
		size_t mk3 = jx_push_field(c, "eor");

		if (!jx_get_string(c, eor, "afi", true, &afi) ||
		    !jx_get_string(c, eor, "safi", true, &safi))
			return false;
		jx_pop(c, mk3);
		char fam[64];

		snprintf(fam, sizeof(fam), "%s %s", afi, safi);
		m->eor = true;
		m->eor_family = family_of(fam);
		return true;
	}
	if (!jx_get_object(c, msg, "update", true, &upd))
		return false;
	size_t mk3 = jx_push_field(c, "update");
	json_t *ann = json_object_get(upd, "announce"), *wd = json_object_get(upd, "withdraw");

	if (ann && !parse_announce(c, ann, m))
		return false;
	if (wd && !parse_withdraw(c, wd, m))
		return false;
	if (m->n_announce) {
		json_t *attr;

		if (!jx_get_object(c, upd, "attribute", true, &attr))
			return false;
		if (!(m->attrs = bgp_attrs_new()))
			return jx_fail(c, "out of memory");
		if (!parse_attrs(c, attr, m->attrs))
			return false;
	}
	jx_pop(c, mk3);
	jx_pop(c, mk2);
	jx_pop(c, mk);
	return true;
}

static bool parse_notification(jx_ctx *c, const json_t *root, struct exa_msg *m)
{
	json_t *n = json_object_get(root, "notification"), *nb, *note;
	int64_t code, sub;
	const char *data = NULL;

	if (json_is_string(n) && !json_object_get(root, "neighbor")) {
		m->kind = EXA_SHUTDOWN;
		snprintf(m->reason, sizeof(m->reason), "%s", json_string_value(n));
		return true;
	}
	if (!parse_neighbor(c, root, m))
		return false;
	nb = json_object_get(root, "neighbor");
	size_t mk = jx_push_field(c, "neighbor");

	if (!jx_get_object(c, nb, "notification", true, &note))
		return false;
	size_t mk2 = jx_push_field(c, "notification");

	if (!jx_get_int(c, note, "code", true, 0, 255, &code) ||
	    !jx_get_int(c, note, "subcode", true, 0, 255, &sub) ||
	    !jx_get_string(c, note, "data", false, &data))
		return false;
	jx_pop(c, mk2);
	jx_pop(c, mk);
	m->code = (int)code;
	m->subcode = (int)sub;
	if (data)
		snprintf(m->data, sizeof(m->data), "%s", data);
	return true;
}

static int parse_json(const char *line, size_t len, struct exa_msg *m, char *err, size_t errlen)
{
	jx_ctx c;
	json_t *root = NULL;
	const char *type;
	double t = 0;
	bool ok;

	jx_init(&c, NULL);
	if (!(root = jx_loads(&c, line, len)))
		goto fail;
	if (!json_is_object(root)) {
		jx_fail(&c, "expected an object");
		goto fail;
	}
	if (!jx_get_string(&c, root, "type", true, &type) ||
	    !jx_get_number(&c, root, "time", false, 0, 1e12, &t))
		goto fail;
	m->time = t;
	snprintf(m->type, sizeof(m->type), "%s", type);
	if (strcmp(type, "state") == 0) {
		m->kind = EXA_STATE;
		ok = parse_neighbor(&c, root, m) && parse_state(&c, root, m);
	} else if (strcmp(type, "update") == 0) {
		m->kind = EXA_UPDATE;
		ok = parse_neighbor(&c, root, m) && parse_update(&c, root, m);
	} else if (strcmp(type, "notification") == 0) {
		m->kind = EXA_NOTIFICATION;
		ok = parse_notification(&c, root, m);
	} else {
		m->kind = EXA_OTHER;
		ok = true;
	}
	if (!ok)
		goto fail;
	json_decref(root);
	return 0;
fail:
	snprintf(err, errlen, "%s", c.err);
	json_decref(root);
	exa_msg_free(m);
	return -EINVAL;
}

int exa_msg_parse(const char *line, size_t len, struct exa_msg *m, char *err, size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (err && errlen)
		err[0] = '\0';
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	size_t skip = 0;

	while (skip < len && (line[skip] == ' ' || line[skip] == '\t'))
		skip++;
	if (skip == len) {
		m->kind = EXA_EMPTY;
		return 0;
	}
	if (line[skip] == '{')
		return parse_json(line + skip, len - skip, m, err, errlen);
	if (len == 4 && memcmp(line, "done", 4) == 0)
		m->kind = EXA_ACK_DONE;
	else if (len == 5 && memcmp(line, "error", 5) == 0)
		m->kind = EXA_ACK_ERROR;
	else if (len == 8 && memcmp(line, "shutdown", 8) == 0)
		m->kind = EXA_ACK_SHUTDOWN;
	else
		m->kind = EXA_TEXT;
	return 0;
}
