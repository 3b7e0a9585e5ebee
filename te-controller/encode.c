/* encode — paths on the TED as rib-te-tunnel, rib-protect, te-path and te-link values.
 *
 * Implements te-controller/encode.h (DESIGN §6 SRv6 and SR-MPLS encodings — RFC 8986
 * End.X / End.DT6 / End.DX4 segments, RFC 8667 adjacency SID labels — and local repair,
 * §8 protection; the rule choosing between them is in encode.h). Every value is built field by field with jansson from the committed
 * TED (te-controller/ted.h) and a CSPF result (te-controller/cspf.h); keys sorted by
 * jx_dumps make the stored bytes deterministic. Reasons name the link or node that
 * could not be encoded. Pure. */
#include "te-controller/encode.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#define SEGMENTS_MAX 64 /* defs.schema.json segments maxItems */
#define LABELS_MAX 30   /* defs.schema.json label_stack maxItems (the Linux limit) */
#define U32_MAX_JSON 4294967295ULL

static json_int_t bw_int(double x)
{
	if (!(x > 0))
		return 0;
	if (x >= (double)BW_MAX)
		return (json_int_t)BW_MAX;
	return (json_int_t)llround(x);
}

static json_int_t u32_clamp(uint64_t v)
{
	return (json_int_t)(v > U32_MAX_JSON ? U32_MAX_JSON : v);
}

static json_t *addr_json(const addr_t *a)
{
	char buf[ADDR_STRLEN];

	return json_string(addr_format(a, buf, sizeof(buf)));
}

/* Append to arr, taking the reference; false on failure (v may be NULL). */
static bool push(json_t *arr, json_t *v)
{
	return v && json_array_append_new(arr, v) == 0;
}

static bool set(json_t *obj, const char *k, json_t *v)
{
	return v && json_object_set_new(obj, k, v) == 0;
}

const char *encode_metric_name(enum lsp_metric m)
{
	switch (m) {
	case LSP_METRIC_IGP: return "igp";
	case LSP_METRIC_DELAY: return "delay";
	default: return "te";
	}
}

const char *encode_protection_name(enum lsp_protection p)
{
	switch (p) {
	case LSP_PROTECT_LINK: return "link";
	case LSP_PROTECT_NODE: return "node";
	default: return "none";
	}
}

enum decap { DECAP_TAIL, DECAP_MERGE };

/* End.X of every link, then the last node's decapsulation SID. */
static int segments_make(const ted_t *t, const struct cspf_path *p, enum decap d,
			 json_t **out, char *reason, size_t len)
{
	json_t *segs;
	const struct ted_node *tail;
	const addr_t *last = NULL;
	char lbl[KEYS_LINK_STRLEN + 64];

	*out = NULL;
	if (p->n == 0) {
		snprintf(reason, len, "empty path");
		return -EINVAL;
	}
	if (p->n + 1 > SEGMENTS_MAX) {
		snprintf(reason, len, "path of %u links needs more than %d segments", p->n,
			 SEGMENTS_MAX);
		return -EINVAL;
	}
	tail = &t->nodes[t->links[p->links[p->n - 1]].to];
	if (d == DECAP_TAIL) {
		if (tail->dx4_sid.family && tail->router_id.family == AF_INET)
			last = &tail->dx4_sid;
		else if (tail->dt6_sid.family)
			last = &tail->dt6_sid;
		if (!last) {
			snprintf(reason, len, "tail %s advertises no End.DX4 or End.DT6 SID",
				 tail->name);
			return -EINVAL;
		}
	} else {
		if (!tail->dt6_sid.family) {
			snprintf(reason, len, "merge point %s advertises no End.DT6 SID",
				 tail->name);
			return -EINVAL;
		}
		last = &tail->dt6_sid;
	}
	segs = json_array();
	if (!segs)
		return -ENOMEM;
	/* The first link is the first hop (the head end or PLR sends there itself), so
	 * its own End.X SID is not a segment: the list starts at the second node, and
	 * the agent pins segment 0 to the first hop (DESIGN §6). */
	for (uint32_t i = 1; i < p->n; i++) {
		const struct ted_link *l = &t->links[p->links[i]];

		if (l->n_sids == 0) {
			snprintf(reason, len, "%s has no End.X SID",
				 ted_link_label(t, p->links[i], lbl, sizeof(lbl)));
			json_decref(segs);
			return -EINVAL;
		}
		if (!push(segs, addr_json(&t->sids[l->sid_first]))) {
			json_decref(segs);
			return -ENOMEM;
		}
	}
	if (!push(segs, addr_json(last))) {
		json_decref(segs);
		return -ENOMEM;
	}
	*out = segs;
	return 0;
}

/* SR-MPLS: the adjacency label of every link after the first (encode.h rule 2). */
static int labels_make(const ted_t *t, const struct cspf_path *p, json_t **out, char *reason,
		       size_t len)
{
	char lbl[KEYS_LINK_STRLEN + 64];
	json_t *labels;

	*out = NULL;
	if (p->n == 0) {
		snprintf(reason, len, "empty path");
		return -EINVAL;
	}
	if (p->n - 1 > LABELS_MAX) {
		snprintf(reason, len, "path of %u links needs more than %d labels", p->n,
			 LABELS_MAX);
		return -EINVAL;
	}
	/* a one-link path pushes nothing; its link's label says the head runs SR-MPLS */
	if (p->n == 1 && t->links[p->links[0]].n_labels == 0) {
		snprintf(reason, len, "%s has no adjacency label",
			 ted_link_label(t, p->links[0], lbl, sizeof(lbl)));
		return -EINVAL;
	}
	labels = json_array();
	if (!labels)
		return -ENOMEM;
	for (uint32_t i = 1; i < p->n; i++) {
		const struct ted_link *l = &t->links[p->links[i]];

		if (l->n_labels == 0) {
			snprintf(reason, len, "%s has no adjacency label",
				 ted_link_label(t, p->links[i], lbl, sizeof(lbl)));
			json_decref(labels);
			return -EINVAL;
		}
		if (!push(labels, json_integer((json_int_t)t->labels[l->label_first]))) {
			json_decref(labels);
			return -ENOMEM;
		}
	}
	*out = labels;
	return 0;
}

/* The encode.h rule: SRv6 if possible, else SR-MPLS, else both reasons. */
static int dataplane_make(const ted_t *t, const struct cspf_path *p, enum decap d,
			  enum encode_dataplane *dp, json_t **segs, json_t **labels,
			  char *reason, size_t len)
{
	char r6[ENCODE_REASON_LEN / 2], rm[ENCODE_REASON_LEN / 2];
	int rc;

	*segs = *labels = NULL;
	rc = segments_make(t, p, d, segs, r6, sizeof(r6));
	if (rc == 0 || rc == -ENOMEM) {
		*dp = ENCODE_SRV6;
		return rc;
	}
	rc = labels_make(t, p, labels, rm, sizeof(rm));
	if (rc == 0 || rc == -ENOMEM) {
		*dp = ENCODE_MPLS;
		return rc;
	}
	snprintf(reason, len, "SRv6: %s; SR-MPLS: %s", r6, rm);
	return -EINVAL;
}

static const char *dataplane_name(enum encode_dataplane dp)
{
	return dp == ENCODE_MPLS ? "mpls" : "srv6";
}

/* "segments" (SRv6) or "labels" (MPLS) of obj, copied from segs / labels. */
static bool set_stack(json_t *obj, enum encode_dataplane dp, const json_t *segs,
		      const json_t *labels)
{
	if (dp == ENCODE_MPLS)
		return set(obj, "labels", json_deep_copy(labels));
	return set(obj, "segments", json_deep_copy(segs));
}

/* The next hop out of `link`: interface from its name, the neighbor's address. */
static int next_hop_make(const ted_t *t, uint32_t link, json_t **out, char *reason,
			 size_t len)
{
	const struct ted_link *l = &t->links[link];
	const char *colon = strchr(l->name, ':');
	char lbl[KEYS_LINK_STRLEN + 64];
	addr_t nh6;
	const addr_t *nh = NULL;
	json_t *o;

	*out = NULL;
	if (!l->name[0] || !colon || !colon[1]) {
		snprintf(reason, len, "link %s has no interface name (speakers/%s does not "
			 "list it)", ted_link_label(t, link, lbl, sizeof(lbl)),
			 t->nodes[l->from].name);
		return -EINVAL;
	}
	if (ted_link_neighbor6(t, link, &nh6) == 0)
		nh = &nh6;
	else if (l->remote6.family)
		nh = &l->remote6;
	else if (l->remote.family)
		nh = &l->remote;
	if (!nh) {
		snprintf(reason, len, "link %s: no neighbor address known", l->name);
		return -EINVAL;
	}
	o = json_object();
	if (!o || !set(o, "interface", json_string(colon + 1)) ||
	    !set(o, "address", addr_json(nh)) ||
	    !set(o, "neighbor", json_string(t->nodes[l->to].name))) {
		json_decref(o);
		return -ENOMEM;
	}
	*out = o;
	return 0;
}

static json_t *nodes_make(const ted_t *t, const struct cspf_path *p)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && i <= p->n; i++)
		if (!push(a, json_string(t->nodes[cspf_path_node(t, p, i)].name))) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *hops_make(const ted_t *t, const struct cspf_path *p)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && i <= p->n; i++) {
		json_t *h = json_object();

		if (!h || !set(h, "node", json_string(t->nodes[cspf_path_node(t, p, i)].name)) ||
		    (i < p->n && t->links[p->links[i]].name[0] &&
		     !set(h, "link", json_string(t->links[p->links[i]].name))) || !push(a, h)) {
			json_decref(h);
			json_decref(a);
			return NULL;
		}
	}
	return a;
}

static json_t *host_prefix(const addr_t *a)
{
	char buf[ADDR_STRLEN + 8], ab[ADDR_STRLEN];

	snprintf(buf, sizeof(buf), "%s/%u", addr_format(a, ab, sizeof(ab)), addr_bits(a));
	return json_string(buf);
}

void encode_lsp_clear(struct encode_lsp *e)
{
	if (!e)
		return;
	json_decref(e->segments);
	json_decref(e->labels);
	json_decref(e->first_hop);
	json_decref(e->destinations);
	json_decref(e->nodes);
	json_decref(e->hops);
	memset(e, 0, sizeof(*e));
}

int encode_lsp_make(const ted_t *t, const struct cspf_path *p, struct encode_lsp *out,
		    char *reason, size_t len)
{
	const struct ted_node *tail;
	int rc;

	memset(out, 0, sizeof(*out));
	if (reason && len)
		reason[0] = 0;
	if (!t || !p || p->n == 0) {
		snprintf(reason, len, "empty path");
		return -EINVAL;
	}
	tail = &t->nodes[t->links[p->links[p->n - 1]].to];
	rc = dataplane_make(t, p, DECAP_TAIL, &out->dataplane, &out->segments, &out->labels,
			    reason, len);
	if (rc == 0)
		rc = next_hop_make(t, p->links[0], &out->first_hop, reason, len);
	if (rc == 0) {
		out->destinations = json_array();
		if (!out->destinations)
			rc = -ENOMEM;
		else if ((tail->router_id.family &&
			  !push(out->destinations, host_prefix(&tail->router_id))) ||
			 (tail->router_id6.family &&
			  !push(out->destinations, host_prefix(&tail->router_id6))))
			rc = -ENOMEM;
		else if (json_array_size(out->destinations) == 0) {
			snprintf(reason, len, "tail %s advertises no TE router ID to steer",
				 tail->name);
			rc = -EINVAL;
		}
	}
	if (rc == 0) {
		out->nodes = nodes_make(t, p);
		out->hops = hops_make(t, p);
		if (!out->nodes || !out->hops)
			rc = -ENOMEM;
	}
	if (rc < 0) {
		if (rc == -ENOMEM)
			snprintf(reason, len, "out of memory");
		encode_lsp_clear(out);
	}
	return rc;
}

void encode_bypass_clear(struct encode_bypass *b)
{
	if (!b)
		return;
	json_decref(b->segments);
	json_decref(b->labels);
	json_decref(b->first_hop);
	json_decref(b->nodes);
	b->segments = b->labels = b->first_hop = b->nodes = NULL;
	b->ok = false;
}

int encode_bypass_make(const ted_t *t, uint32_t link, const struct cspf_result *res,
		       struct encode_bypass *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->link = link;
	/* a link bypass ends at the link's far end, a node bypass at the next-next hop */
	out->merge_point = res->found && res->path.n ? t->links[res->path.links[res->path.n - 1]].to
						     : t->links[link].to;
	if (!res->found) {
		snprintf(out->reason, sizeof(out->reason), "%s", res->reason);
		return 0;
	}
	rc = dataplane_make(t, &res->path, DECAP_MERGE, &out->dataplane, &out->segments,
			    &out->labels, out->reason, sizeof(out->reason));
	if (rc == 0)
		rc = next_hop_make(t, res->path.links[0], &out->first_hop, out->reason,
				   sizeof(out->reason));
	if (rc == 0 && !(out->nodes = nodes_make(t, &res->path)))
		rc = -ENOMEM;
	if (rc < 0) {
		encode_bypass_clear(out);
		if (rc == -ENOMEM)
			return rc;
		return 0;
	}
	out->ok = true;
	return 0;
}

json_t *encode_tunnel(const ted_t *t, const char *lsp, const struct cspf_path *p,
		      const struct encode_lsp *e, const struct encode_bypass *backup,
		      uint64_t bandwidth, uint64_t metric)
{
	json_t *o = json_object();
	const struct ted_node *tail = &t->nodes[t->links[p->links[p->n - 1]].to];

	if (!o || !set(o, "lsp", json_string(lsp)) || !set(o, "to", json_string(tail->name)) ||
	    !set(o, "destinations", json_deep_copy(e->destinations)) ||
	    !set(o, "dataplane", json_string(dataplane_name(e->dataplane))) ||
	    !set_stack(o, e->dataplane, e->segments, e->labels) ||
	    !set(o, "first_hop", json_deep_copy(e->first_hop)) ||
	    !set(o, "path", json_deep_copy(e->nodes)) ||
	    !set(o, "bandwidth", json_integer((json_int_t)bandwidth)) ||
	    !set(o, "metric", json_integer(u32_clamp(metric))))
		goto fail;
	if (backup && backup->ok) {
		json_t *b, *stack = NULL;

		if (backup->dataplane == ENCODE_MPLS) {
			/* the bypass to the merge point, then the rest of the TE path (an SRv6
			 * primary has no labels: the merge point then gets plain IP) */
			size_t nb = json_array_size(backup->labels), np = 0;

			if (e->dataplane == ENCODE_MPLS)
				np = json_array_size(e->labels);
			if (nb + np > LABELS_MAX)
				return o; /* too deep to push: no backup at the head end */
			if (!(stack = json_deep_copy(backup->labels)) ||
			    (np && json_array_extend(stack, e->labels) != 0)) {
				json_decref(stack);
				goto fail;
			}
		} else if (!(stack = json_deep_copy(backup->segments))) {
			goto fail;
		}
		b = json_object();
		if (!set(o, "backup", b) ||
		    !set(b, "link", json_string(t->links[backup->link].name)) ||
		    !set(b, backup->dataplane == ENCODE_MPLS ? "labels" : "segments", stack) ||
		    !set(b, "first_hop", json_deep_copy(backup->first_hop)))
			goto fail;
	}
	return o;
fail:
	json_decref(o);
	return NULL;
}

json_t *encode_protect(const ted_t *t, const struct encode_bypass *b, const json_t *lsps)
{
	json_t *o = json_object();

	if (!o || !b->ok || !set(o, "link", json_string(t->links[b->link].name)) ||
	    !set(o, "protection", json_string("link")) ||
	    !set(o, "merge_point", json_string(t->nodes[b->merge_point].name)) ||
	    !set(o, "dataplane", json_string(dataplane_name(b->dataplane))) ||
	    !set_stack(o, b->dataplane, b->segments, b->labels) ||
	    !set(o, "first_hop", json_deep_copy(b->first_hop)) ||
	    !set(o, "path", json_deep_copy(b->nodes)) ||
	    !set(o, "lsps", json_deep_copy(lsps))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *encode_bypass_entry(const ted_t *t, const struct encode_bypass *b)
{
	const struct ted_link *l = &t->links[b->link];
	char lbl[KEYS_LINK_STRLEN + 64];
	json_t *o = json_object();

	if (!o || !set(o, "link", json_string(ted_link_label(t, b->link, lbl, sizeof(lbl)))) ||
	    !set(o, "plr", json_string(t->nodes[l->from].name)) ||
	    !set(o, "merge_point", json_string(t->nodes[b->merge_point].name)) ||
	    !set(o, "state", json_string(b->ok ? "up" : "none")))
		goto fail;
	if (b->ok && !set(o, "path", json_deep_copy(b->nodes)))
		goto fail;
	if (b->ok && b->dataplane == ENCODE_MPLS &&
	    (!set(o, "dataplane", json_string("mpls")) ||
	     !set(o, "labels", json_deep_copy(b->labels))))
		goto fail;
	if (!b->ok && !set(o, "reason", json_string(b->reason[0] ? b->reason : "no bypass")))
		goto fail;
	return o;
fail:
	json_decref(o);
	return NULL;
}

/* Fields every te-path value shares. */
static bool path_common(json_t *o, const char *lsp, const char *state, const char *since,
			int64_t request_revision, const struct lsp_request *req)
{
	if (!set(o, "lsp", json_string(lsp)) || !set(o, "state", json_string(state)) ||
	    !set(o, "since", json_string(since)))
		return false;
	if (request_revision > 0 &&
	    !set(o, "request_revision", json_integer((json_int_t)request_revision)))
		return false;
	if (!req)
		return true;
	return set(o, "from", json_string(req->from)) && set(o, "to", json_string(req->to)) &&
	       set(o, "metric_type", json_string(encode_metric_name(req->metric))) &&
	       set(o, "bandwidth", json_integer((json_int_t)req->bandwidth_bps)) &&
	       set(o, "setup_priority", json_integer(req->setup_priority)) &&
	       set(o, "hold_priority", json_integer(req->hold_priority)) &&
	       set(o, "protection", json_string(encode_protection_name(req->protection)));
}

json_t *encode_path_up(const ted_t *t, const char *lsp, const struct lsp_request *req,
		       int64_t request_revision, const struct cspf_result *res,
		       const struct encode_lsp *e, const json_t *bypasses,
		       const char *reason, const char *since)
{
	json_t *o = json_object();

	(void)t;
	if (!o || !path_common(o, lsp, "up", since, request_revision, req) ||
	    !set(o, "path", json_deep_copy(e->hops)) ||
	    !set(o, "metric", json_integer(u32_clamp(res->cost))) ||
	    !set(o, "delay_us", json_integer(u32_clamp(res->delay_us))) ||
	    !set(o, "dataplane", json_string(dataplane_name(e->dataplane))) ||
	    !set_stack(o, e->dataplane, e->segments, e->labels) ||
	    (bypasses && !set(o, "bypasses", json_deep_copy(bypasses))) ||
	    (reason && reason[0] && !set(o, "reason", json_string(reason)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *encode_path_state(const char *lsp, const char *state, const char *reason,
			  const struct lsp_request *req, int64_t request_revision,
			  const char *since)
{
	json_t *o = json_object();
	char r[1025];

	if (reason) /* te-path reason: at most 1024 characters */
		snprintf(r, sizeof(r), "%s", reason[0] ? reason : "unknown");
	if (!o || !path_common(o, lsp, state, since, request_revision, req) ||
	    (reason && !set(o, "reason", json_string(r)))) {
		json_decref(o);
		return NULL;
	}
	return o;
}

json_t *encode_te_link(const ted_t *t, uint32_t link, const struct cspf_overlay *ov,
		       const json_t *lsps)
{
	const struct ted_link *l = &t->links[link];
	json_t *o = json_object(), *rsv = json_array(), *unr = json_array();
	bool ok;

	if (!o || !rsv || !unr)
		goto fail;
	for (unsigned p = 0; p < TED_PRIORITIES; p++) {
		double held = ov && link < ov->n_links ? ov->held[link * TED_PRIORITIES + p] : 0;

		if (json_array_append_new(rsv, json_integer(bw_int(held))) ||
		    json_array_append_new(unr, json_integer(bw_int(cspf_available(t, ov, link, p)))))
			goto fail;
	}
	if (!set(o, "link", json_string(l->name)) ||
	    !set(o, "from", json_string(t->nodes[l->from].name)) ||
	    !set(o, "to", json_string(t->nodes[l->to].name)) ||
	    !set(o, "max_reservable",
		 json_integer(bw_int(l->max_rsv_bw > 0 ? l->max_rsv_bw : l->max_bw))))
		goto fail;
	ok = set(o, "reserved", rsv); /* the reference is taken either way */
	rsv = NULL;
	if (!ok)
		goto fail;
	ok = set(o, "unreserved", unr);
	unr = NULL;
	if (!ok || (lsps && json_array_size(lsps) && !set(o, "lsps", json_deep_copy(lsps))))
		goto fail;
	return o;
fail:
	json_decref(rsv);
	json_decref(unr);
	json_decref(o);
	return NULL;
}
