/* synth_ted — the synthetic TED of the CSPF and planning benchmarks (see synth_ted.h). */
#include "bench/synth_ted.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x2545f4914f6cdd1dULL;

uint32_t synth_rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

int synth_ted_make(struct synth_ted *s, uint32_t n, uint32_t n_cables, bool encodable)
{
	memset(s, 0, sizeof(*s));
	s->n = n;
	s->n_cables = n_cables;
	s->encodable = encodable;
	s->cables = calloc(n_cables, sizeof(*s->cables));
	s->adj_first = calloc(n + 2, sizeof(*s->adj_first));
	s->adj = calloc(2 * (size_t)n_cables + 1, sizeof(*s->adj));
	if (!s->cables || !s->adj_first || !s->adj) {
		synth_ted_free(s);
		return -ENOMEM;
	}
	for (uint32_t c = 0; c < n_cables; c++) {
		struct synth_cable *k = &s->cables[c];

		if (c < n) {
			k->a = c;
			k->b = (c + 1) % n;
		} else {
			do {
				k->a = synth_rnd(n);
				k->b = synth_rnd(n);
			} while (k->a == k->b);
		}
		k->te_ab = 1 + synth_rnd(100);
		k->te_ba = 1 + synth_rnd(100);
		k->d_ab = 100 + synth_rnd(4901);
		k->d_ba = 100 + synth_rnd(4901);
		s->adj_first[k->a + 2]++;
		s->adj_first[k->b + 2]++;
	}
	/* counting sort into per-node lists, cable order kept */
	for (uint32_t i = 2; i < n + 2; i++)
		s->adj_first[i] += s->adj_first[i - 1];
	for (uint32_t c = 0; c < n_cables; c++) {
		s->adj[s->adj_first[s->cables[c].a + 1]++] = c;
		s->adj[s->adj_first[s->cables[c].b + 1]++] = c;
	}
	return 0;
}

void synth_ted_free(struct synth_ted *s)
{
	free(s->cables);
	free(s->adj_first);
	free(s->adj);
	memset(s, 0, sizeof(*s));
}

static void sysid(uint32_t i, char *buf, size_t len)
{
	snprintf(buf, len, "0000.%04x.%04x", i >> 16, i & 0xffff);
}

/* Router `from`'s is_reach entry for cable c. */
static json_t *entry(const struct synth_ted *s, uint32_t from, uint32_t c)
{
	const struct synth_cable *k = &s->cables[c];
	bool a_side = k->a == from;
	uint32_t to = a_side ? k->b : k->a;
	char nb[32], la[32], ra[32], sid[48];
	json_t *un = json_array(), *e;

	sysid(to, nb, sizeof(nb));
	strcat(nb, ".00");
	snprintf(la, sizeof(la), "10.%u.%u.%u", c >> 8, c & 0xff, a_side ? 1 : 2);
	snprintf(ra, sizeof(ra), "10.%u.%u.%u", c >> 8, c & 0xff, a_side ? 2 : 1);
	for (int p = 0; p < 8; p++)
		json_array_append_new(un, json_real(10e9));
	e = json_pack("{s:s, s:i, s:i, s:i, s:s, s:s, s:f, s:f, s:o}", "neighbor", nb, "metric",
		      10, "te_metric", (int)(a_side ? k->te_ab : k->te_ba), "delay_us",
		      (int)(a_side ? k->d_ab : k->d_ba), "local_address", la, "remote_address", ra,
		      "max_bandwidth", 10e9, "max_reservable_bandwidth", 10e9,
		      "unreserved_bandwidth", un);
	if (e && s->encodable) {
		snprintf(sid, sizeof(sid), "fc00:0:%x:e:%x::", from + 1, c);
		json_object_set_new(e, "end_x_sids",
				    json_pack("[{s:s, s:s}]", "sid", sid, "behavior", "End.X"));
	}
	return e;
}

json_t *synth_ted_lsp(const struct synth_ted *s, uint32_t i, uint32_t skip)
{
	char id[32], host[16], rid[32], rid6[48], loc[48], end[48], dt6[48], dx4[48];
	json_t *reach = json_array(), *v;

	for (uint32_t k = s->adj_first[i]; k < s->adj_first[i + 1]; k++)
		if (s->adj[k] != skip)
			json_array_append_new(reach, entry(s, i, s->adj[k]));
	sysid(i, id, sizeof(id));
	strcat(id, ".00-00");
	snprintf(host, sizeof(host), "n%u", i);
	v = json_pack("{s:s, s:i, s:i, s:s, s:i, s:{s:b, s:b, s:b}, s:s, s:o}", "lsp_id", id,
		      "level", 2, "seq", 1, "checksum", "0x0000", "remaining_lifetime", 1200,
		      "flags", "att", 0, "partition", 0, "overload", 0, "hostname", host,
		      "is_reach", reach);
	if (v && s->encodable) {
		snprintf(rid, sizeof(rid), "192.168.%u.%u", (i >> 8) & 0xff, i & 0xff);
		snprintf(rid6, sizeof(rid6), "fc00:0:%x::1", i + 1);
		snprintf(loc, sizeof(loc), "fc00:0:%x::/48", i + 1);
		snprintf(end, sizeof(end), "fc00:0:%x:e000::", i + 1);
		snprintf(dt6, sizeof(dt6), "fc00:0:%x:d6::", i + 1);
		snprintf(dx4, sizeof(dx4), "fc00:0:%x:d4::", i + 1);
		json_object_set_new(v, "te_router_id", json_string(rid));
		json_object_set_new(v, "te_router_id6", json_string(rid6));
		json_object_set_new(v, "srv6_locators",
				    json_pack("[{s:s, s:i, s:i, s:[{s:s,s:s},{s:s,s:s},{s:s,s:s}]}]",
					      "locator", loc, "metric", 0, "algorithm", 0,
					      "end_sids", "sid", end, "behavior", "End", "sid",
					      dt6, "behavior", "End.DT6", "sid", dx4, "behavior",
					      "End.DX4"));
	}
	return v;
}

json_t *synth_ted_speaker(const struct synth_ted *s, uint32_t i)
{
	const char *ts = "2026-11-22T07:30:00Z";
	char host[16], id[24];
	json_t *adj = json_array();

	for (uint32_t k = s->adj_first[i]; k < s->adj_first[i + 1]; k++) {
		uint32_t c = s->adj[k];
		const struct synth_cable *cb = &s->cables[c];
		bool a_side = cb->a == i;
		uint32_t to = a_side ? cb->b : cb->a;
		char ifn[16], nb[16], nid[24], la[32], ra[32];

		snprintf(ifn, sizeof(ifn), "e%u", c);
		snprintf(nb, sizeof(nb), "n%u", to);
		sysid(to, nid, sizeof(nid));
		snprintf(la, sizeof(la), "10.%u.%u.%u", c >> 8, c & 0xff, a_side ? 1 : 2);
		snprintf(ra, sizeof(ra), "10.%u.%u.%u", c >> 8, c & 0xff, a_side ? 2 : 1);
		json_array_append_new(adj, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s}",
						     "interface", ifn, "state", "up", "neighbor",
						     nb, "neighbor_system_id", nid, "local_address",
						     la, "neighbor_address", ra, "up_since", ts));
	}
	snprintf(host, sizeof(host), "n%u", i);
	sysid(i, id, sizeof(id));
	return json_pack("{s:s, s:s, s:s, s:o}", "node", host, "system_id", id, "started", ts,
			 "adjacencies", adj);
}

int synth_ted_load(const struct synth_ted *s, ted_t *t, char *err, size_t errlen)
{
	for (uint32_t i = 0; i < s->n; i++) {
		json_t *v = synth_ted_lsp(s, i, SYNTH_NONE);
		int rc = v ? ted_lsp_update(t, NULL, v, err, errlen) : -ENOMEM;

		json_decref(v);
		if (rc == 0 && s->encodable) {
			v = synth_ted_speaker(s, i);
			rc = v ? ted_speaker_update(t, v, err, errlen) : -ENOMEM;
			json_decref(v);
		}
		if (rc < 0)
			return rc;
	}
	return ted_commit(t);
}

int synth_ted_drop_cable(const struct synth_ted *s, ted_t *t, uint32_t c, char *err,
			 size_t errlen)
{
	uint32_t ends[2] = { s->cables[c].a, s->cables[c].b };

	for (int e = 0; e < 2; e++) {
		json_t *v = synth_ted_lsp(s, ends[e], c);
		int rc = v ? ted_lsp_update(t, NULL, v, err, errlen) : -ENOMEM;

		json_decref(v);
		if (rc < 0)
			return rc;
	}
	return ted_commit(t);
}
