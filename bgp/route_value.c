/* route_value — bgp-route values (see bgp/route_value.h). Field names and rules are
 * schemas/bgp-route.schema.json's: local_pref is always written (100 when the peer
 * sent none), med only when received, communities and large_communities only when
 * non-empty. Pure. */
#include "bgp/route_value.h"

#include <math.h>
#include <stdio.h>
#include <sys/socket.h>
#include <time.h>

const char *bgp_timestamp(double t, char *buf, size_t len)
{
	struct tm tm;
	time_t s;
	long ms;

	if (!(t >= 0) || t > 1e11)
		t = 0;
	s = (time_t)t;
	ms = lround((t - (double)s) * 1000.0);
	if (ms >= 1000) {
		s++;
		ms -= 1000;
	}
	gmtime_r(&s, &tm);
	snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ", tm.tm_year + 1900,
		 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
	return buf;
}

static json_t *addr_json(const addr_t *a)
{
	char b[ADDR_STRLEN];

	return json_string(addr_format(a, b, sizeof(b)));
}

/* Append s (stolen) unless arr holds it already: a community a peer repeats is written
 * once. */
static void append_once(json_t *arr, json_t *s)
{
	size_t k;
	json_t *o;

	json_array_foreach(arr, k, o)
		if (json_equal(o, s)) {
			json_decref(s);
			return;
		}
	json_array_append_new(arr, s);
}

json_t *bgp_route_value(const struct bgp_path *p, const struct bgp_self *self, char *err,
			size_t errlen)
{
	const struct bgp_attrs *a = p->attrs;
	const addr_t *pnh = p->prefix.addr.family == AF_INET6 ? &self->loopback6
							       : &self->loopback4;
	char b[64];
	json_t *v, *arr;

	if (addr_is_unset(pnh))
		pnh = p->prefix.addr.family == AF_INET6 ? &self->loopback4 : &self->loopback6;
	if (addr_is_unset(pnh)) {
		snprintf(err, errlen, "no loopback address for the protocol next hop (--loopback)");
		return NULL;
	}
	uint32_t asn = p->peer->local_origin ? self->asn : p->peer->asn;

	if (asn == 0) {
		snprintf(err, errlen, p->peer->local_origin
					      ? "own AS number unknown (--asn, or wait for ExaBGP)"
					      : "peer AS 0");
		return NULL;
	}
	const addr_t *peer = p->peer->local_origin ? pnh : &p->peer->addr;
	const addr_t *enh = p->peer->local_origin ? pnh : &p->next_hop;

	v = json_object();
	json_object_set_new(v, "prefix", json_string(prefix_format(&p->prefix, b, sizeof(b))));
	json_object_set_new(v, "node", json_string(self->node));
	json_object_set_new(v, "peer", json_pack("{s:o,s:I}", "address", addr_json(peer), "asn",
						 (json_int_t)asn));
	json_object_set_new(v, "external_next_hop", addr_json(enh));
	json_object_set_new(v, "protocol_next_hop", addr_json(pnh));
	json_object_set_new(v, "origin", json_string(bgp_origin_name(a->origin)));
	arr = json_array();
	for (size_t i = 0; i < a->as_path_len; i++)
		json_array_append_new(arr, json_integer(a->as_path[i]));
	json_object_set_new(v, "as_path", arr);
	if (a->has_med)
		json_object_set_new(v, "med", json_integer(a->med));
	json_object_set_new(v, "local_pref", json_integer(bgp_attrs_local_pref(a)));
	if (a->n_communities) {
		arr = json_array();
		for (size_t i = 0; i < a->n_communities; i++) {
			append_once(arr, json_string(bgp_community_format(a->communities[i], b,
									    sizeof(b))));
		}
		json_object_set_new(v, "communities", arr);
	}
	if (a->n_large) {
		arr = json_array();
		for (size_t i = 0; i < a->n_large; i++) {
			append_once(arr, json_string(bgp_large_format(&a->large[i], b, sizeof(b))));
		}
		json_object_set_new(v, "large_communities", arr);
	}
	json_object_set_new(v, "learned_at", json_string(bgp_timestamp(p->learned_at, b, sizeof(b))));
	return v;
}
