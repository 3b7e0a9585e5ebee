/* agent — kvte-agent's wiring (see fib-agent/agent.h): etcd watches and netlink link
 * events in, the RIB in the middle, the kernel FIB out. One batching point per loop
 * iteration (uv_check) turns accumulated changes into one plan and one batch of
 * netlink messages; local repair on carrier loss does the same at once, inside the
 * netlink event, and reports how long it took. DESIGN §6 (pin segment 0 of a tunnel to
 * its first hop with a /128; End.B6.Encaps over a bypass; SR-MPLS, RFC 8667: a label
 * stack pushed toward the first hop, local adjacency labels as AF_MPLS routes swapped
 * into the bypass stack on carrier loss; everything a kernel without MPLS, MPLS push,
 * seg6 or seg6local cannot take is kept out and counted as refused, with the
 * capability's sentence as the last error), §9 (reconciliation, etcd
 * loss, local repair, preferences), §10 (BGP routes of every border node; the best path
 * per prefix by fib-agent/agent_input.c's order). */
#include "fib-agent/agent.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "fib-agent/agent_input.h"
#include "fib-agent/nl_route.h"
#include "fib-agent/rib.h"
#include "lib/etcd/etcd.h"
#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/nlmon.h"
#include "lib/timefmt.h"

enum { W_RIB, W_STATIC, W_BGP, W_COUNT };

/* One etcd key's parsed meaning, kept so a delete or replace can undo it. */
struct entry {
	enum agent_input_kind kind;
	union {
		struct rib_candidate *cand;
		struct agent_tunnel *te;
		struct nl_sid *sid;
		struct nl_mpls_route *label;
		struct agent_protect *protect;
		struct agent_bgp *bgp;
		void *any;
	};
};

struct agent {
	uv_loop_t *loop;
	struct agent_opts opts;
	char node[KEYS_NAME_MAX + 1];
	keys_t keys;
	etcd_client *c;
	etcd_lease *lease;
	etcd_watch *w[W_COUNT];
	char wprefix[W_COUNT][KEYS_MAX];
	bool wsynced[W_COUNT];
	int64_t wrev[W_COUNT];
	bool synced;			/* every watch delivered its first snapshot */
	struct nlmon *nl;
	int netns_fd;
	struct nl_route_sock *ns;
	struct nl_resolver res;
	struct nl_route_opts ropts;
	struct rib *rib;
	json_t *entries;		/* key -> (struct entry *) as integer */
	json_t *tunnels;		/* lsp -> (struct agent_tunnel *) */
	json_t *protects;		/* ifname -> (struct agent_protect *) */
	json_t *bgp;			/* prefix -> {node -> (struct agent_bgp *)} */
	json_t *bgp_best;		/* prefix -> node whose candidate is in the RIB */
	json_t *connected;		/* ifname -> [prefix...] candidates we added */
	json_t *down;			/* ifname -> true: carrier lost (local repair) */
	struct nl_fib current;		/* what the kernel holds (kernel view) */
	bool dirty;
	uv_check_t check;
	uv_timer_t retry;
	unsigned counts[AGENT_IN_KINDS];
	int64_t applied_rev;
	size_t refused;			/* entries the kernel cannot take (no SRv6 ...) */
	size_t refused_reported;
	char refused_reason[256];
	char last_error[512], last_error_key[KEYS_MAX], last_error_at[TIME_RFC3339_LEN];
	bool has_repair;
	char repair_link[KEYS_LINK_STRLEN];
	size_t repair_entries;
	uint64_t repair_us;
	char repair_at[TIME_RFC3339_LEN];
	char started[TIME_RFC3339_LEN];
	char *state_text;		/* last state written (without "updated") */
	bool state_inflight, state_dirty;
	bool closing;
	void (*done)(void *);
	void *done_arg;
};

static void *ptr_of(json_t *o, const char *k)
{
	json_t *v = json_object_get(o, k);

	return v ? (void *)(uintptr_t)json_integer_value(v) : NULL;
}

static void ptr_set(json_t *o, const char *k, void *p)
{
	json_object_set_new(o, k, json_integer((json_int_t)(uintptr_t)p));
}

static void set_error(struct agent *a, const char *key, const char *msg)
{
	snprintf(a->last_error, sizeof(a->last_error), "%s", msg);
	snprintf(a->last_error_key, sizeof(a->last_error_key), "%s", key ? key : "");
	time_now_rfc3339(a->last_error_at, sizeof(a->last_error_at));
	a->state_dirty = true;
}

/* ---- the resolver: interface names from nlmon's table (the node's namespace) ---- */

static int res_ifindex(void *ctx, const char *name)
{
	struct agent *a = ctx;
	const struct nlmon_link *l = a->nl ? nlmon_table_find_name(nlmon_table(a->nl), name) : NULL;

	return l ? (int)l->ifindex : -ENODEV;
}

static int res_ifname(void *ctx, int ifindex, char *buf, size_t len)
{
	struct agent *a = ctx;
	const struct nlmon_link *l = a->nl && ifindex > 0
					     ? nlmon_table_find(nlmon_table(a->nl), (uint32_t)ifindex)
					     : NULL;

	if (!l)
		return -ENODEV;
	snprintf(buf, len, "%s", l->name);
	return 0;
}

static uint32_t res_mtu(void *ctx, int ifindex)
{
	struct agent *a = ctx;
	const struct nlmon_link *l = a->nl && ifindex > 0
					     ? nlmon_table_find(nlmon_table(a->nl), (uint32_t)ifindex)
					     : NULL;

	return l ? l->mtu : 0;
}

/* ---- entries -------------------------------------------------------------------- */

static void bgp_reselect(struct agent *a, const prefix_t *p)
{
	char pk[PREFIX_STRLEN];
	json_t *set;
	const char *node, *cur;
	json_t *v;
	const struct agent_bgp *best = NULL;

	prefix_format(p, pk, sizeof(pk));
	set = json_object_get(a->bgp, pk);
	json_object_foreach(set, node, v) {
		const struct agent_bgp *b = (const void *)(uintptr_t)json_integer_value(v);

		if (!best || agent_bgp_cmp(b, best) < 0)
			best = b;
	}
	cur = json_string_value(json_object_get(a->bgp_best, pk));
	if (cur && (!best || strcmp(cur, best->node) != 0))
		rib_withdraw(a->rib, p, RIB_SRC_BGP, cur);
	if (!best) {
		json_object_del(a->bgp_best, pk);
		json_object_del(a->bgp, pk);
		return;
	}
	struct rib_candidate c;

	memset(&c, 0, sizeof(c));
	c.prefix = *p;
	c.source = RIB_SRC_BGP;
	c.preference = -1;
	snprintf(c.origin, sizeof(c.origin), "%s", best->node);
	/* at the border node itself the peer's address is the next hop */
	c.protocol_next_hop = strcmp(best->node, a->node) == 0 ? best->external_next_hop
								 : best->protocol_next_hop;
	if (rib_update(a->rib, &c) == 0)
		json_object_set_new(a->bgp_best, pk, json_string(best->node));
}

static struct rib_candidate te_pin(const struct agent_tunnel *t)
{
	struct rib_candidate c;

	memset(&c, 0, sizeof(c));
	c.prefix.addr = t->nh.segs[0];
	c.prefix.len = 128;
	c.source = RIB_SRC_TE;
	c.preference = -1;
	c.metric = t->metric;
	snprintf(c.origin, sizeof(c.origin), "%s", t->lsp);
	c.n_nh = 1;
	c.nh[0] = t->nh;
	c.nh[0].n_segs = 0;
	c.nh[0].tunnel[0] = 0;
	return c;
}

/* Why the kernel cannot carry tunnel t (NULL: it can): SRv6 needs seg6 encapsulation,
 * SR-MPLS with labels to push the MPLS lwtunnel; an empty stack needs nothing. */
static const char *tunnel_refusal(const struct agent *a, const struct agent_tunnel *t)
{
	const struct nl_caps *caps = nl_route_sock_caps(a->ns);

	if (!t->mpls)
		return nl_caps_seg6_reason(caps);
	return t->nh.n_labels ? nl_caps_mpls_encap_reason(caps) : NULL;
}

static void entry_undo(struct agent *a, struct entry *e)
{
	switch (e->kind) {
	case AGENT_IN_ISIS:
	case AGENT_IN_STATIC:
		rib_withdraw(a->rib, &e->cand->prefix, e->cand->source, "");
		break;
	case AGENT_IN_TE: {
		const struct agent_tunnel *t = e->te;

		for (size_t i = 0; i < t->n_dest; i++)
			rib_withdraw(a->rib, &t->dest[i], RIB_SRC_TE, t->lsp);
		if (!t->mpls && t->nh.n_segs && t->nh.gateway.family == AF_INET6) {
			struct rib_candidate pin = te_pin(t);

			rib_withdraw(a->rib, &pin.prefix, RIB_SRC_TE, t->lsp);
		}
		json_object_del(a->tunnels, t->lsp);
		break;
	}
	case AGENT_IN_PROTECT:
		json_object_del(a->protects, e->protect->ifname);
		break;
	case AGENT_IN_BGP: {
		char pk[PREFIX_STRLEN];
		json_t *set;

		prefix_format(&e->bgp->prefix, pk, sizeof(pk));
		set = json_object_get(a->bgp, pk);
		json_object_del(set, e->bgp->node);
		bgp_reselect(a, &e->bgp->prefix);
		break;
	}
	default:
		break;
	}
	if (e->kind < AGENT_IN_KINDS && a->counts[e->kind])
		a->counts[e->kind]--;
}

static void entry_free(struct entry *e)
{
	if (e) {
		free(e->any);
		free(e);
	}
}

static void key_remove(struct agent *a, const char *key)
{
	struct entry *e = ptr_of(a->entries, key);

	if (!e)
		return;
	entry_undo(a, e);
	json_object_del(a->entries, key);
	entry_free(e);
	a->dirty = true;
}

static int entry_do(struct agent *a, const char *key, struct agent_input *in, struct entry *e)
{
	int rc = 0;

	e->kind = in->kind;
	switch (in->kind) {
	case AGENT_IN_ISIS:
	case AGENT_IN_STATIC:
		if (!(e->cand = malloc(sizeof(*e->cand))))
			return -ENOMEM;
		*e->cand = in->cand;
		rc = rib_update(a->rib, e->cand);
		break;
	case AGENT_IN_TE: {
		struct agent_tunnel *t = malloc(sizeof(*t));

		if (!(e->te = t))
			return -ENOMEM;
		*t = in->te;
		ptr_set(a->tunnels, t->lsp, t);
		/* a kernel without SRv6 encapsulation (MPLS push for an SR-MPLS tunnel)
		 * cannot carry the tunnel: keep it out of the RIB, so it shadows neither the
		 * IGP route to its destinations nor the BGP routes that would resolve over it
		 * (counted as refused) */
		if (tunnel_refusal(a, t)) {
			if (t->mpls)
				LOG_RL(LOG_LVL_WARN, "agent", "%s: not installed: %s", key,
				       tunnel_refusal(a, t));
			break;
		}
		for (size_t i = 0; rc == 0 && i < t->n_dest; i++) {
			struct rib_candidate c;

			memset(&c, 0, sizeof(c));
			c.prefix = t->dest[i];
			c.source = RIB_SRC_TE;
			c.preference = -1;
			c.metric = t->metric;
			snprintf(c.origin, sizeof(c.origin), "%s", t->lsp);
			c.n_nh = 1;
			c.nh[0] = t->nh;
			rc = rib_update(a->rib, &c);
		}
		/* DESIGN §6: Linux routes the encapsulated packet by segment 0, so pin it
		 * to the tunnel's first hop (IPv6 routes need an IPv6 gateway). An MPLS push
		 * goes straight to the first hop's gateway: nothing to pin. */
		if (rc == 0 && t->mpls) {
			/* nothing */
		} else if (rc == 0 && t->nh.gateway.family == AF_INET6) {
			struct rib_candidate pin = te_pin(t);

			rc = rib_update(a->rib, &pin);
		} else if (rc == 0) {
			LOG_RL(LOG_LVL_WARN, "agent", "%s: first hop %s has no IPv6 address: segment "
			       "0 not pinned (the tunnel's first hop follows the IGP)", key,
			       t->nh.ifname);
		}
		break;
	}
	case AGENT_IN_SID:
		if (!(e->sid = malloc(sizeof(*e->sid))))
			return -ENOMEM;
		*e->sid = in->sid;
		break;
	case AGENT_IN_LABEL:
		if (!(e->label = malloc(sizeof(*e->label))))
			return -ENOMEM;
		*e->label = in->label;
		if (nl_caps_mpls_reason(nl_route_sock_caps(a->ns)))
			LOG_RL(LOG_LVL_WARN, "agent", "%s: not installed: %s", key,
			       nl_caps_mpls_reason(nl_route_sock_caps(a->ns)));
		break;
	case AGENT_IN_PROTECT:
		if (!(e->protect = malloc(sizeof(*e->protect))))
			return -ENOMEM;
		*e->protect = in->protect;
		ptr_set(a->protects, e->protect->ifname, e->protect);
		break;
	case AGENT_IN_BGP: {
		char pk[PREFIX_STRLEN];
		json_t *set;

		if (!(e->bgp = malloc(sizeof(*e->bgp))))
			return -ENOMEM;
		*e->bgp = in->bgp;
		prefix_format(&e->bgp->prefix, pk, sizeof(pk));
		if (!(set = json_object_get(a->bgp, pk))) {
			set = json_object();
			json_object_set_new(a->bgp, pk, set);
		}
		ptr_set(set, e->bgp->node, e->bgp);
		bgp_reselect(a, &e->bgp->prefix);
		break;
	}
	default:
		break;
	}
	if (rc == 0 && in->kind < AGENT_IN_KINDS)
		a->counts[in->kind]++;
	return rc;
}

static void key_put(struct agent *a, const char *key, const char *value, size_t len)
{
	struct agent_input *in = malloc(sizeof(*in));
	char err[512];
	int rc;

	if (!in) {
		log_err("agent", "%s: out of memory", key);
		return;
	}
	rc = agent_input_parse(&a->keys, a->node, key, value, len, in, err, sizeof(err));
	if (rc < 0) {
		/* the previous value (if any) stays in force: nothing else is disturbed */
		LOG_RL(LOG_LVL_WARN, "agent", "ignored: %s", err);
		set_error(a, key, err);
		free(in);
		return;
	}
	if (in->kind == AGENT_IN_IGNORE) {
		free(in);
		return;
	}
	key_remove(a, key);
	struct entry *e = calloc(1, sizeof(*e));

	if (!e || (rc = entry_do(a, key, in, e)) < 0) {
		snprintf(err, sizeof(err), "%s: %s", key,
			 rc == -ENOMEM || !e ? "out of memory" : "rejected by the RIB");
		LOG_RL(LOG_LVL_WARN, "agent", "%s", err);
		set_error(a, key, err);
		if (e) {
			entry_undo(a, e);
			entry_free(e);
		}
		free(in);
		return;
	}
	ptr_set(a->entries, key, e);
	free(in);
	a->dirty = true;
}

/* ---- connected routes from netlink ------------------------------------------------ */

static void connected_sync(struct agent *a, const char *ifname, const struct nlmon_link *l)
{
	json_t *old = json_object_get(a->connected, ifname);
	json_t *now = json_array();
	size_t i;
	json_t *v;

	for (size_t k = 0; l && l->carrier && k < l->naddr; k++) {
		const struct nlmon_addr *ad = &l->addr[k];
		prefix_t p;
		char pk[PREFIX_STRLEN];

		if (ad->scope == 253 /* RT_SCOPE_LINK */ || prefix_make(&ad->addr, ad->plen, &p) < 0)
			continue;
		prefix_format(&p, pk, sizeof(pk));
		json_array_append_new(now, json_string(pk));
	}
	json_array_foreach(old, i, v) {
		bool keep = false;
		size_t j;
		json_t *w;

		json_array_foreach(now, j, w)
			keep |= json_equal(v, w);
		if (!keep) {
			prefix_t p;

			if (prefix_parse(json_string_value(v), false, &p) == 0)
				rib_withdraw(a->rib, &p, RIB_SRC_CONNECTED, ifname);
			a->dirty = true;
		}
	}
	json_array_foreach(now, i, v) {
		bool had = false;
		size_t j;
		json_t *w;

		json_array_foreach(old, j, w)
			had |= json_equal(v, w);
		if (had)
			continue;
		struct rib_candidate c;

		memset(&c, 0, sizeof(c));
		if (prefix_parse(json_string_value(v), false, &c.prefix) < 0)
			continue;
		c.source = RIB_SRC_CONNECTED;
		c.preference = -1;
		snprintf(c.origin, sizeof(c.origin), "%s", ifname);
		c.n_nh = 1;
		snprintf(c.nh[0].ifname, sizeof(c.nh[0].ifname), "%s", ifname);
		rib_update(a->rib, &c);
		a->dirty = true;
	}
	json_object_set_new(a->connected, ifname, now);
}

/* ---- building what the kernel should hold ----------------------------------------- */

static bool nh_down(const struct agent *a, const struct rib_nh *nh)
{
	return nh->ifname[0] && json_object_get(a->down, nh->ifname) != NULL;
}

struct fib_builder {
	struct rib_fib_entry *routes;
	size_t n, cap;
	struct nl_sid *sids;
	size_t nsids;
	struct nl_mpls_route *mpls;
	size_t nmpls;
	size_t moved;			/* entries switched by local repair */
};

static int fb_add(struct fib_builder *b, const struct rib_fib_entry *e)
{
	for (size_t i = 0; i < b->n; i++)
		if (prefix_cmp(&b->routes[i].prefix, &e->prefix) == 0)
			return 0;	/* first one wins (RIB entries come first) */
	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 64;
		struct rib_fib_entry *v = realloc(b->routes, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		b->routes = v;
		b->cap = cap;
	}
	b->routes[b->n++] = *e;
	return 0;
}

/* A /128 route for segment 0 of nh via nh's first hop (backups and bypasses). */
static void fb_pin(struct fib_builder *b, const struct rib_nh *nh)
{
	struct rib_fib_entry e;

	if (nh->n_segs == 0 || nh->gateway.family != AF_INET6)
		return;
	memset(&e, 0, sizeof(e));
	e.prefix.addr = nh->segs[0];
	e.prefix.len = 128;
	e.source = RIB_SRC_TE;
	e.preference = rib_default_preference(RIB_SRC_TE);
	e.n_nh = 1;
	e.nh[0] = *nh;
	e.nh[0].n_segs = 0;
	e.nh[0].tunnel[0] = 0;
	fb_add(b, &e);
}

/* Local repair of one route: a tunnel whose protected link is down takes its backup;
 * an ECMP route drops its dead next hops. Returns true if the entry changed. */
static bool repair_route(struct agent *a, struct rib_fib_entry *e, struct fib_builder *b)
{
	bool changed = false;
	size_t live = 0;

	for (size_t i = 0; i < e->n_nh; i++) {
		struct rib_nh *nh = &e->nh[i];
		const struct agent_tunnel *t = nh->tunnel[0] ? ptr_of(a->tunnels, nh->tunnel) : NULL;

		if (!nh_down(a, nh))
			continue;
		if (t && t->has_backup && json_object_get(a->down, t->backup_ifname) &&
		    !nh_down(a, &t->backup_nh)) {
			*nh = t->backup_nh;
			fb_pin(b, nh);
			changed = true;
		}
	}
	for (size_t i = 0; i < e->n_nh; i++)
		live += !nh_down(a, &e->nh[i]);
	if (live > 0 && live < e->n_nh) {
		size_t k = 0;

		for (size_t i = 0; i < e->n_nh; i++)
			if (!nh_down(a, &e->nh[i]))
				e->nh[k++] = e->nh[i];
		e->n_nh = k;
		changed = true;
	}
	return changed;
}

static bool needs_seg6(const struct rib_fib_entry *e)
{
	for (size_t i = 0; i < e->n_nh; i++)
		if (e->nh[i].n_segs)
			return true;
	return false;
}

static bool needs_mpls_push(const struct rib_fib_entry *e)
{
	for (size_t i = 0; i < e->n_nh; i++)
		if (e->nh[i].n_labels)
			return true;
	return false;
}

static void refuse(struct agent *a, const char *why)
{
	a->refused++;
	snprintf(a->refused_reason, sizeof(a->refused_reason), "%s", why);
}

/* Local repair of a local MPLS label whose next hop left on a dead link: push the
 * link's SR-MPLS bypass in front of what the label was swapped to (an adjacency
 * label: nothing, so the merge point sees the rest of the stack) and leave on the
 * bypass's first hop. Returns true if the route changed. */
static bool repair_label(struct agent *a, struct nl_mpls_route *r)
{
	struct rib_nh *nh = &r->nh[0];
	const struct agent_protect *p;
	struct rib_nh n;

	if (r->n_nh != 1 || !nh_down(a, nh))
		return false;
	p = ptr_of(a->protects, nh->ifname);
	if (!p || !p->mpls || nh_down(a, &p->nh) ||
	    (size_t)p->nh.n_labels + nh->n_labels > RIB_MAX_SEGS)
		return false;
	memset(&n, 0, sizeof(n));
	n.gateway = p->nh.gateway;
	snprintf(n.ifname, sizeof(n.ifname), "%s", p->nh.ifname);
	memcpy(n.labels, p->nh.labels, p->nh.n_labels * sizeof(n.labels[0]));
	memcpy(n.labels + p->nh.n_labels, nh->labels, nh->n_labels * sizeof(n.labels[0]));
	n.n_labels = (uint8_t)(p->nh.n_labels + nh->n_labels);
	*nh = n;
	return true;
}

static int build_desired(struct agent *a, struct fib_builder *b)
{
	const struct nl_caps *caps = nl_route_sock_caps(a->ns);
	struct rib_fib_entry *fib = NULL;
	size_t n = 0;
	const char *key;
	json_t *v;
	int rc;

	memset(b, 0, sizeof(*b));
	a->refused = 0;
	rib_process(a->rib);
	if ((rc = rib_fib(a->rib, &fib, &n)) < 0)
		return rc;
	for (size_t i = 0; i < n; i++) {
		struct rib_fib_entry e = fib[i];

		if (e.source == RIB_SRC_CONNECTED || e.source == RIB_SRC_LOCAL)
			continue;	/* the kernel's own */
		if (json_object_size(a->down) && repair_route(a, &e, b))
			b->moved++;
		if (needs_seg6(&e) && nl_caps_seg6_reason(caps)) {
			refuse(a, nl_caps_seg6_reason(caps));
			continue;
		}
		if (needs_mpls_push(&e) && nl_caps_mpls_encap_reason(caps)) {
			refuse(a, nl_caps_mpls_encap_reason(caps));
			continue;
		}
		if ((rc = fb_add(b, &e)) < 0)
			break;
	}
	free(fib);
	if (rc < 0)
		return rc;
	json_object_foreach(a->tunnels, key, v) {
		const struct agent_tunnel *t = (const void *)(uintptr_t)json_integer_value(v);

		if (tunnel_refusal(a, t))
			refuse(a, tunnel_refusal(a, t));
	}
	size_t nsid = json_object_size(a->entries);

	b->sids = calloc(nsid ? nsid : 1, sizeof(*b->sids));
	b->mpls = calloc(nsid ? nsid : 1, sizeof(*b->mpls));
	if (!b->sids || !b->mpls)
		return -ENOMEM;
	json_object_foreach(a->entries, key, v) {
		const struct entry *e = (const void *)(uintptr_t)json_integer_value(v);
		struct nl_sid s;

		if (e->kind == AGENT_IN_LABEL) {
			struct nl_mpls_route r = *e->label;

			if (nl_caps_mpls_reason(caps)) {
				refuse(a, nl_caps_mpls_reason(caps));
				continue;
			}
			if (json_object_size(a->down) && repair_label(a, &r))
				b->moved++;
			b->mpls[b->nmpls++] = r;
			continue;
		}
		if (e->kind != AGENT_IN_SID)
			continue;
		if (nl_caps_seg6_local_reason(caps)) {
			a->refused++;
			snprintf(a->refused_reason, sizeof(a->refused_reason), "%s",
				 nl_caps_seg6_local_reason(caps));
			continue;
		}
		s = *e->sid;
		/* local repair of an End.X SID: over the link's bypass (DESIGN §6) */
		if (s.behavior == NL_SID_END_X && json_object_get(a->down, s.ifname)) {
			const struct agent_protect *p = ptr_of(a->protects, s.ifname);

			if (p && !p->mpls && !nh_down(a, &p->nh)) {
				s.behavior = NL_SID_END_B6_ENCAPS;
				memset(&s.nh6, 0, sizeof(s.nh6));
				s.n_segs = p->nh.n_segs;
				memcpy(s.segs, p->nh.segs, sizeof(s.segs));
				snprintf(s.ifname, sizeof(s.ifname), "%s", p->nh.ifname);
				fb_pin(b, &p->nh);
				b->moved++;
			}
		}
		b->sids[b->nsids++] = s;
	}
	return 0;
}

static void fib_copy_view(struct nl_fib *dst, const struct fib_builder *b)
{
	nl_fib_free(dst);
	dst->routes = calloc(b->n ? b->n : 1, sizeof(*dst->routes));
	dst->sids = calloc(b->nsids ? b->nsids : 1, sizeof(*dst->sids));
	dst->mpls = calloc(b->nmpls ? b->nmpls : 1, sizeof(*dst->mpls));
	if (!dst->routes || !dst->sids || !dst->mpls) {
		nl_fib_free(dst);
		return;
	}
	for (size_t i = 0; i < b->n; i++)
		nl_route_kernel_view(&b->routes[i], &dst->routes[i]);
	dst->n_routes = b->n;
	memcpy(dst->sids, b->sids, b->nsids * sizeof(*b->sids));
	dst->n_sids = b->nsids;
	memcpy(dst->mpls, b->mpls, b->nmpls * sizeof(*b->mpls));
	dst->n_mpls = b->nmpls;
}

static int redump(struct agent *a)
{
	struct nl_fib f = {0};
	int rc = nl_route_dump(a->ns, &f);

	if (rc < 0) {
		log_err("agent", "dumping the kernel's kvte routes: %s", strerror(-rc));
		return rc;
	}
	nl_fib_free(&a->current);
	a->current = f;
	return 0;
}

static void state_maybe_write(struct agent *a);

/* Make the kernel match; returns the number of entries local repair moved. */
static size_t flush(struct agent *a, const char *why)
{
	struct fib_builder b;
	struct nl_fib desired;
	struct nl_plan plan;
	size_t failed = 0, moved;
	int64_t rev = 0;
	int rc;

	for (int i = 0; i < W_COUNT; i++)
		rev = a->wrev[i] > rev ? a->wrev[i] : rev;
	a->dirty = false;
	rc = build_desired(a, &b);
	moved = b.moved;
	if (rc < 0) {
		log_err("agent", "building the desired FIB: %s", strerror(-rc));
		goto out;
	}
	desired = (struct nl_fib){b.routes, b.n, b.sids, b.nsids, b.mpls, b.nmpls};
	if ((rc = nl_plan_make(&desired, &a->current, &plan)) < 0) {
		log_err("agent", "planning: %s", strerror(-rc));
		goto out;
	}
	if (plan.n_ops) {
		rc = nl_route_apply(a->ns, plan.ops, plan.n_ops, &failed);
		for (size_t i = 0; i < plan.n_ops; i++) {
			char d[200], m[400];

			if (!plan.ops[i].err)
				continue;
			nl_op_describe(&plan.ops[i], d, sizeof(d));
			snprintf(m, sizeof(m), "%s: %s", d, plan.ops[i].msg);
			LOG_RL(LOG_LVL_WARN, "agent", "kernel refused %s", m);
			set_error(a, NULL, m);
		}
		log_info("agent", "%s: %zu added, %zu replaced, %zu deleted%s%s", why, plan.adds,
			 plan.replaces, plan.deletes, failed ? ", failures: " : "",
			 failed ? "see above" : "");
	}
	nl_plan_free(&plan);
	if (a->refused != a->refused_reported) {
		char m[400];

		a->refused_reported = a->refused;
		if (a->refused) {
			snprintf(m, sizeof(m), "%zu entries not installed: %s", a->refused,
				 a->refused_reason);
			log_warn("agent", "%s", m);
			set_error(a, NULL, m);
		}
	}
	if (rc == -ENOBUFS || failed) {
		/* the kernel's state is not what we sent: read it back, try again later */
		redump(a);
		if (rc == -ENOBUFS)
			a->dirty = true;
	} else if (rc == 0) {
		fib_copy_view(&a->current, &b);
		a->applied_rev = rev;
	} else {
		log_err("agent", "netlink: %s", strerror(-rc));
		a->dirty = true;
	}
out:
	free(b.routes);
	free(b.sids);
	free(b.mpls);
	a->state_dirty = true;
	state_maybe_write(a);
	return moved;
}

/* ---- state/<node>/agent ------------------------------------------------------------ */

static void on_retry(uv_timer_t *t);

static void state_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct agent *a = arg;

	a->state_inflight = false;
	if (res->err.code != ETCD_OK && res->err.code != ETCD_ERR_CANCELED) {
		free(a->state_text);
		a->state_text = NULL;	/* write again */
		a->state_dirty = true;
		LOG_RL(LOG_LVL_WARN, "agent", "state/%s/agent: %s (retrying)", a->node,
		       res->err.msg);
		if (!a->closing && !uv_is_active((uv_handle_t *)&a->retry))
			uv_timer_start(&a->retry, on_retry, 1000, 0);
		return;
	}
	if (!a->closing && a->state_dirty)
		state_maybe_write(a);
}

static json_t *state_value(struct agent *a)
{
	json_t *v = json_object(), *counts = json_object();
	struct rib_unresolved *un = NULL;
	size_t nun = 0;
	bool connected = true;

	for (int i = 0; i < W_COUNT; i++)
		connected &= a->w[i] && etcd_watch_connected(a->w[i]);
	json_object_set_new(v, "node", json_string(a->node));
	json_object_set_new(v, "revision", json_integer(a->applied_rev));
	json_object_set_new(v, "connected", json_boolean(connected));
	json_object_set_new(v, "started", json_string(a->started));
	json_object_set_new(v, "mpls", json_boolean(a->ns && nl_route_sock_caps(a->ns)->mpls));
	json_object_set_new(counts, "static", json_integer(a->counts[AGENT_IN_STATIC]));
	json_object_set_new(counts, "isis", json_integer(a->counts[AGENT_IN_ISIS]));
	json_object_set_new(counts, "te", json_integer(a->counts[AGENT_IN_TE]));
	json_object_set_new(counts, "bgp", json_integer(a->counts[AGENT_IN_BGP]));
	json_object_set_new(counts, "sid", json_integer(a->counts[AGENT_IN_SID] +
							 a->counts[AGENT_IN_LABEL]));
	json_object_set_new(counts, "protect", json_integer(a->counts[AGENT_IN_PROTECT]));
	json_object_set_new(counts, "installed",
			    json_integer((json_int_t)(a->current.n_routes + a->current.n_sids +
						      a->current.n_mpls)));
	json_object_set_new(v, "counts", counts);
	if (rib_unresolved(a->rib, &un, &nun) == 0) {
		json_t *arr = json_array();

		json_object_set_new(v, "unresolved_count", json_integer((json_int_t)nun));
		for (size_t i = 0; i < nun && i < 100; i++) {
			char pb[PREFIX_STRLEN], nb[ADDR_STRLEN];
			json_t *u = json_object();

			json_object_set_new(u, "prefix", json_string(prefix_format(&un[i].prefix, pb,
										    sizeof(pb))));
			json_object_set_new(u, "source", json_string("bgp"));
			if (un[i].protocol_next_hop.family)
				json_object_set_new(u, "next_hop",
						    json_string(addr_format(&un[i].protocol_next_hop,
									    nb, sizeof(nb))));
			json_array_append_new(arr, u);
		}
		if (nun)
			json_object_set_new(v, "unresolved", arr);
		else
			json_decref(arr);
		free(un);
	}
	if (a->last_error[0]) {
		json_t *le = json_object();

		json_object_set_new(le, "message", json_string(a->last_error));
		if (a->last_error_key[0])
			json_object_set_new(le, "key", json_string(a->last_error_key));
		json_object_set_new(le, "at", json_string(a->last_error_at));
		json_object_set_new(v, "last_error", le);
	}
	if (a->has_repair) {
		json_t *r = json_object();

		json_object_set_new(r, "link", json_string(a->repair_link));
		json_object_set_new(r, "entries", json_integer((json_int_t)a->repair_entries));
		json_object_set_new(r, "took_us", json_integer((json_int_t)a->repair_us));
		json_object_set_new(r, "at", json_string(a->repair_at));
		json_object_set_new(v, "last_repair", r);
	}
	return v;
}

static void state_maybe_write(struct agent *a)
{
	struct etcd_put_opts po = {0};
	char key[KEYS_MAX], now[TIME_RFC3339_LEN];
	json_t *v;
	char *text, *full;

	if (a->closing || a->state_inflight || !a->state_dirty || !a->lease ||
	    !etcd_lease_alive(a->lease) || !(po.lease = etcd_lease_id(a->lease)) || !a->synced)
		return;
	a->state_dirty = false;
	if (!(v = state_value(a)))
		return;
	text = jx_dumps(v);
	if (!text || (a->state_text && strcmp(text, a->state_text) == 0)) {
		free(text);
		json_decref(v);
		return;
	}
	free(a->state_text);
	a->state_text = text;
	json_object_set_new(v, "updated", json_string(time_now_rfc3339(now, sizeof(now))));
	full = jx_dumps(v);
	json_decref(v);
	if (!full || keys_agent_state(&a->keys, a->node, key, sizeof(key)) < 0) {
		free(full);
		return;
	}
	if (etcd_put(a->c, key, full, strlen(full), &po, state_done, a) == 0)
		a->state_inflight = true;
	free(full);
}

/* ---- etcd watches ------------------------------------------------------------------- */

static int watch_index(struct agent *a, etcd_watch *w)
{
	for (int i = 0; i < W_COUNT; i++)
		if (a->w[i] == w)
			return i;
	return -1;
}

static void on_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct agent *a = arg;
	int wi = watch_index(a, w);
	json_t *seen = json_object(), *gone = json_array();
	const char *key;
	json_t *v;
	size_t i;

	if (wi < 0)
		return;
	for (i = 0; i < snap->n_kvs; i++) {
		json_object_set_new(seen, snap->kvs[i].key, json_true());
		key_put(a, snap->kvs[i].key, snap->kvs[i].value, snap->kvs[i].value_len);
	}
	/* a resync replaces the view: what is no longer in etcd goes */
	size_t plen = strlen(a->wprefix[wi]);

	json_object_foreach(a->entries, key, v)
		if (strncmp(key, a->wprefix[wi], plen) == 0 && !json_object_get(seen, key))
			json_array_append_new(gone, json_string(key));
	json_array_foreach(gone, i, v)
		key_remove(a, json_string_value(v));
	json_decref(seen);
	json_decref(gone);
	a->wrev[wi] = snap->revision;
	if (!a->wsynced[wi] || resync)
		log_info("agent", "%s: %zu keys at revision %" PRId64 "%s", a->wprefix[wi],
			 snap->n_kvs, snap->revision, resync ? " (resync)" : "");
	a->wsynced[wi] = true;
	a->dirty = true;
	if (!a->synced) {
		bool all = true;

		for (int k = 0; k < W_COUNT; k++)
			all &= a->wsynced[k];
		if (all) {
			a->synced = true;
			log_info("agent", "every watch has its snapshot: reconciling the kernel");
		}
	}
}

static void on_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t rev,
		      void *arg)
{
	struct agent *a = arg;
	int wi = watch_index(a, w);

	for (size_t i = 0; i < n; i++) {
		if (ev[i].type == ETCD_EVENT_PUT)
			key_put(a, ev[i].kv.key, ev[i].kv.value, ev[i].kv.value_len);
		else
			key_remove(a, ev[i].kv.key);
	}
	if (wi >= 0)
		a->wrev[wi] = rev;
	a->dirty = true;
}

static void on_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		      void *arg)
{
	struct agent *a = arg;

	if (!connected)
		log_warn("agent", "etcd watch disconnected (%s): keeping every installed route",
			 why ? why->msg : "?");
	if (fatal)
		log_err("agent", "etcd watch stopped: %s", why ? why->msg : "?");
	a->state_dirty = true;
}

/* ---- netlink links: connected routes and local repair ------------------------------ */

static void on_link(const struct nlmon_link *old, const struct nlmon_link *new, unsigned what,
		    void *arg)
{
	struct agent *a = arg;
	const struct nlmon_link *l = new ? new : old;
	bool lost = old && old->carrier && (!new || !new->carrier);
	bool back = new && new->carrier && (!old || !old->carrier);
	struct timespec t0, t1;

	if (a->closing)
		return;
	if (what & NLMON_NAME && old)
		connected_sync(a, old->name, NULL);
	connected_sync(a, l->name, new);
	if (back && json_object_get(a->down, l->name)) {
		json_object_del(a->down, l->name);
		log_info("agent", "%s: carrier back: local repair of it withdrawn", l->name);
		a->dirty = true;
	}
	if (!lost || !a->synced || !a->ns)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	json_object_set_new(a->down, l->name, json_true());
	size_t moved = flush(a, "local repair");

	clock_gettime(CLOCK_MONOTONIC, &t1);
	uint64_t us = (uint64_t)(t1.tv_sec - t0.tv_sec) * 1000000 +
		      (uint64_t)(t1.tv_nsec - t0.tv_nsec) / 1000;

	a->has_repair = true;
	snprintf(a->repair_link, sizeof(a->repair_link), "%s:%s", a->node, l->name);
	a->repair_entries = moved;
	a->repair_us = us;
	time_now_rfc3339(a->repair_at, sizeof(a->repair_at));
	log_info("agent", "local repair: %s lost carrier: %zu entries switched to their backups "
		 "in %" PRIu64 " us", l->name, moved, us);
	a->state_dirty = true;
}

/* ---- loop, start, stop ----------------------------------------------------------------- */

static void on_check(uv_check_t *h)
{
	struct agent *a = h->data;

	if (a->closing)
		return;
	if (a->dirty && a->synced && a->ns)
		flush(a, "update");
	state_maybe_write(a);
}

/* Retry after an etcd failure: a new lease if the old one is gone, then the state. */
static void lease_start(struct agent *a);

static void on_retry(uv_timer_t *t)
{
	struct agent *a = t->data;

	if (a->closing)
		return;
	if (!a->lease)
		lease_start(a);
	state_maybe_write(a);
}

static void lease_granted(etcd_lease *l, const struct etcd_result *res, void *arg)
{
	struct agent *a = arg;

	if (res->err.code != ETCD_OK) {
		if (res->err.code != ETCD_ERR_CANCELED)
			LOG_RL(LOG_LVL_WARN, "agent", "state lease: %s", res->err.msg);
		return;
	}
	free(a->state_text);
	a->state_text = NULL;
	a->state_dirty = true;
	state_maybe_write(a);
}

static void lease_lost(etcd_lease *l, const struct etcd_error *why, void *arg);

static void lease_start(struct agent *a)
{
	static const struct etcd_lease_cbs cbs = {lease_granted, lease_lost};

	a->lease = etcd_lease_grant(a->c, a->opts.lease_ttl_s ? a->opts.lease_ttl_s : 10, &cbs, a);
}

static void lease_lost(etcd_lease *l, const struct etcd_error *why, void *arg)
{
	struct agent *a = arg;

	if (a->closing)
		return;
	log_warn("agent", "state lease lost (%s): granting a new one", why ? why->msg : "?");
	etcd_lease_release(l, false, NULL, NULL);
	a->lease = NULL;
	uv_timer_start(&a->retry, on_retry, 1000, 0);
}

static void report_sysctl(void *ctx, const char *name, const char *old_value,
			  const char *new_value)
{
	(void)ctx;
	(void)name;
	(void)old_value;
	(void)new_value;	/* nl_dataplane_setup logs each change itself */
}

int agent_start(uv_loop_t *loop, const struct agent_opts *o, struct agent **out, char *err,
		size_t errlen)
{
	struct agent *a = calloc(1, sizeof(*a));
	struct etcd_client_opts co = {.endpoints = o->etcd_endpoints, .name = "etcd"};
	static const struct etcd_watch_cbs wcbs = {on_snapshot, on_events, on_status};
	struct etcd_watch_opts wo = {.prefix = true};
	int rc, tok;

	if (!a) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	a->loop = loop;
	a->opts = *o;
	a->netns_fd = -1;
	snprintf(a->node, sizeof(a->node), "%s", o->node);
	time_now_rfc3339(a->started, sizeof(a->started));
	if (!keys_name_valid(o->node)) {
		snprintf(err, errlen, "--node \"%s\": expected 1..63 of [A-Za-z0-9._-]", o->node);
		free(a);
		return -EINVAL;
	}
	if (keys_init(&a->keys, o->root) < 0) {
		snprintf(err, errlen, "--root \"%s\": not a valid key root", o->root ? o->root : "");
		free(a);
		return -EINVAL;
	}
	if (!(a->rib = rib_new())) {
		free(a);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	a->entries = json_object();
	a->tunnels = json_object();
	a->protects = json_object();
	a->bgp = json_object();
	a->bgp_best = json_object();
	a->connected = json_object();
	a->down = json_object();
	a->res = (struct nl_resolver){res_ifindex, res_ifname, res_mtu, a};
	a->ropts = (struct nl_route_opts){&a->res, o->table, 0};
	/* the node's kernel: links, the route socket and the sysctls, in its namespace */
	if (o->netns && (a->netns_fd = rc = netns_open(o->netns, err, errlen)) < 0)
		goto fail;
	if ((tok = netns_enter(a->netns_fd, err, errlen)) < -1) {
		rc = tok;
		goto fail;
	}
	rc = nlmon_open(loop, on_link, a, &a->nl, err, errlen);
	if (rc == 0 && (rc = nl_route_sock_open(&a->ns, &a->ropts)) < 0)
		snprintf(err, errlen, "netlink route socket: %s", strerror(-rc));
	if (rc == 0) {
		const struct nlmon_table *t = nlmon_table(a->nl);
		const char *ifs[64];
		size_t nifs = 0;

		for (size_t i = 0; i < t->n && nifs < 64; i++)
			if (strcmp(t->v[i].name, "lo") != 0)
				ifs[nifs++] = t->v[i].name;
		/* MPLS input on the links where the kernel has MPLS (DESIGN §9) */
		struct nl_dataplane_cfg dc = {ifs, nifs, nl_route_sock_caps(a->ns)->mpls, 0};

		nl_dataplane_setup(NULL, &dc, report_sysctl, a);
	}
	netns_leave(tok);
	if (rc < 0)
		goto fail;
	const struct nl_caps *caps = nl_route_sock_caps(a->ns);

	if (nl_caps_mpls_reason(caps))
		log_warn("agent", "%s", nl_caps_mpls_reason(caps));
	else if (nl_caps_mpls_encap_reason(caps))
		log_warn("agent", "%s", nl_caps_mpls_encap_reason(caps));
	if (nl_caps_seg6_reason(caps))
		log_warn("agent", "%s", nl_caps_seg6_reason(caps));
	if (nl_caps_seg6_local_reason(caps))
		log_warn("agent", "%s", nl_caps_seg6_local_reason(caps));
	if ((rc = redump(a)) < 0) {
		snprintf(err, errlen, "cannot read the kernel's routes: %s", strerror(-rc));
		goto fail;
	}
	log_info("agent", "kernel holds %zu kvte routes, %zu SIDs and %zu MPLS labels "
		 "(protocol %d)", a->current.n_routes, a->current.n_sids, a->current.n_mpls,
		 KVTE_RTPROT);
	if ((rc = etcd_client_new(loop, &co, &a->c, err, errlen)) < 0)
		goto fail;
	uv_timer_init(loop, &a->retry);
	a->retry.data = a;
	uv_check_init(loop, &a->check);
	a->check.data = a;
	uv_check_start(&a->check, on_check);
	keys_prefix_rib_node(&a->keys, a->node, a->wprefix[W_RIB], KEYS_MAX);
	keys_prefix_node(&a->keys, KEY_STATIC_ROUTE, a->node, a->wprefix[W_STATIC], KEYS_MAX);
	keys_prefix(&a->keys, KEY_BGP_ROUTE, a->wprefix[W_BGP], KEYS_MAX);
	for (int i = 0; i < W_COUNT; i++)
		a->w[i] = etcd_watch_start(a->c, a->wprefix[i], &wo, &wcbs, a);
	lease_start(a);
	log_info("agent", "%s: programming %s (table %u), etcd %s", a->node,
		 o->netns ? o->netns : "our namespace", o->table ? o->table : NL_TABLE_MAIN,
		 o->etcd_endpoints);
	*out = a;
	return 0;
fail:
	if (a->ns)
		nl_route_sock_close(a->ns);
	if (a->nl)
		nlmon_close(a->nl);
	if (a->netns_fd >= 0)
		close(a->netns_fd);
	/* a is left to the exiting process: handles may still reference it */
	return rc;
}

static void agent_free(struct agent *a)
{
	void (*done)(void *) = a->done;
	void *arg = a->done_arg;
	const char *key;
	json_t *v;

	json_object_foreach(a->entries, key, v)
		entry_free((void *)(uintptr_t)json_integer_value(v));
	json_decref(a->entries);
	json_decref(a->tunnels);
	json_decref(a->protects);
	json_decref(a->bgp);
	json_decref(a->bgp_best);
	json_decref(a->connected);
	json_decref(a->down);
	nl_fib_free(&a->current);
	rib_free(a->rib);
	free(a->state_text);
	free(a);
	if (done)
		done(arg);
}

static void retry_closed(uv_handle_t *h)
{
	agent_free(h->data);
}

static void client_closed(void *arg)
{
	struct agent *a = arg;

	uv_close((uv_handle_t *)&a->retry, retry_closed);
}

static void revoked(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct agent *a = arg;

	etcd_client_close(a->c, client_closed, a);
}

void agent_stop(struct agent *a, void (*done)(void *arg), void *arg)
{
	a->closing = true;
	a->done = done;
	a->done_arg = arg;
	uv_check_stop(&a->check);
	uv_close((uv_handle_t *)&a->check, NULL);
	uv_timer_stop(&a->retry);
	for (int i = 0; i < W_COUNT; i++)
		if (a->w[i]) {
			etcd_watch_cancel(a->w[i]);
			a->w[i] = NULL;
		}
	nlmon_close(a->nl);
	a->nl = NULL;
	nl_route_sock_close(a->ns);
	a->ns = NULL;
	if (a->netns_fd >= 0)
		close(a->netns_fd);
	a->netns_fd = -1;
	if (a->lease && etcd_lease_alive(a->lease)) {
		etcd_lease_release(a->lease, true, revoked, a);	/* state/<node>/agent goes */
		a->lease = NULL;
		return;
	}
	if (a->lease)
		etcd_lease_release(a->lease, false, NULL, NULL);
	a->lease = NULL;
	etcd_client_close(a->c, client_closed, a);
}
