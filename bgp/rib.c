/* rib — per-peer Adj-RIB-In and best-path choice (see bgp/rib.h). Tables are hash
 * maps keyed by the prefix text; the best path of a prefix is recomputed over the
 * peers (a border node has a handful) whenever one of its paths changes, and
 * reported only when it is a different path or the same peer's path changed. Pure. */
#include "bgp/rib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void bgp_rib_init(struct bgp_rib *r, bgp_rib_change_cb changed, void *arg)
{
	memset(r, 0, sizeof(*r));
	r->changed = changed;
	r->arg = arg;
}

static void path_free(void *v)
{
	struct bgp_path *p = v;

	if (p) {
		bgp_attrs_unref(p->attrs);
		free(p);
	}
}

void bgp_rib_free(struct bgp_rib *r)
{
	for (size_t i = 0; i < r->n_peers; i++) {
		bgp_map_clear(&r->peers[i]->paths, path_free);
		free(r->peers[i]);
	}
	free(r->peers);
	memset(r, 0, sizeof(*r));
}

struct bgp_peer *bgp_rib_find_peer(const struct bgp_rib *r, const addr_t *addr)
{
	for (size_t i = 0; i < r->n_peers; i++)
		if (!r->peers[i]->local_origin && addr_cmp(&r->peers[i]->addr, addr) == 0)
			return r->peers[i];
	return NULL;
}

static struct bgp_peer *peer_add(struct bgp_rib *r)
{
	struct bgp_peer *p = calloc(1, sizeof(*p)), **n;

	if (!p || !(n = realloc(r->peers, (r->n_peers + 1) * sizeof(*n)))) {
		free(p);
		return NULL;
	}
	bgp_map_init(&p->paths);
	r->peers = n;
	r->peers[r->n_peers++] = p;
	return p;
}

struct bgp_peer *bgp_rib_peer(struct bgp_rib *r, const addr_t *addr, uint32_t asn,
			      const addr_t *local, uint32_t local_asn)
{
	struct bgp_peer *p = bgp_rib_find_peer(r, addr);

	if (!p && !(p = peer_add(r)))
		return NULL;
	p->addr = *addr;
	p->asn = asn;
	if (local)
		p->local = *local;
	p->local_asn = local_asn;
	return p;
}

struct bgp_peer *bgp_rib_local(struct bgp_rib *r)
{
	for (size_t i = 0; i < r->n_peers; i++)
		if (r->peers[i]->local_origin)
			return r->peers[i];
	struct bgp_peer *p = peer_add(r);

	if (p) {
		p->local_origin = true;
		p->up = true;
	}
	return p;
}

int bgp_path_cmp(const struct bgp_path *a, const struct bgp_path *b)
{
	uint32_t la, lb;

	if (a->peer->local_origin != b->peer->local_origin)
		return a->peer->local_origin ? -1 : 1;
	la = bgp_attrs_local_pref(a->attrs);
	lb = bgp_attrs_local_pref(b->attrs);
	if (la != lb)
		return la > lb ? -1 : 1;
	if (a->attrs->as_path_len != b->attrs->as_path_len)
		return a->attrs->as_path_len < b->attrs->as_path_len ? -1 : 1;
	if (a->attrs->origin != b->attrs->origin)
		return a->attrs->origin < b->attrs->origin ? -1 : 1;
	/* a missing MED counts as 0 (RFC 4271 §9.1.2.2 c), compared across ASes */
	la = a->attrs->has_med ? a->attrs->med : 0;
	lb = b->attrs->has_med ? b->attrs->med : 0;
	if (la != lb)
		return la < lb ? -1 : 1;
	return addr_cmp(&a->peer->addr, &b->peer->addr);
}

static const struct bgp_path *best_of(const struct bgp_rib *r, const char *key)
{
	const struct bgp_path *best = NULL;

	for (size_t i = 0; i < r->n_peers; i++) {
		const struct bgp_path *p = bgp_map_get(&r->peers[i]->paths, key);

		if (p && (!best || bgp_path_cmp(p, best) < 0))
			best = p;
	}
	return best;
}

const struct bgp_path *bgp_rib_best(const struct bgp_rib *r, const prefix_t *prefix)
{
	char key[PREFIX_STRLEN];

	return best_of(r, prefix_format(prefix, key, sizeof(key)));
}

static void report(struct bgp_rib *r, const prefix_t *prefix, const struct bgp_path *best)
{
	if (r->changed)
		r->changed(prefix, best, r->arg);
}

int bgp_rib_announce(struct bgp_rib *r, struct bgp_peer *peer, const prefix_t *prefix,
		     const addr_t *next_hop, struct bgp_attrs *attrs, double learned_at)
{
	char key[PREFIX_STRLEN];
	struct bgp_path *cur, *p;
	const struct bgp_path *before, *after;

	prefix_format(prefix, key, sizeof(key));
	cur = bgp_map_get(&peer->paths, key);
	if (cur && addr_cmp(&cur->next_hop, next_hop) == 0 &&
	    bgp_attrs_equal(cur->attrs, attrs)) {
		if (cur->attrs != attrs) { /* share the newer set; same content */
			bgp_attrs_unref(cur->attrs);
			cur->attrs = bgp_attrs_ref(attrs);
		}
		return 0;
	}
	before = best_of(r, key);
	if (!(p = calloc(1, sizeof(*p))))
		return -ENOMEM;
	p->prefix = *prefix;
	p->next_hop = *next_hop;
	p->attrs = bgp_attrs_ref(attrs);
	p->learned_at = learned_at;
	p->peer = peer;
	if (bgp_map_put(&peer->paths, key, p, NULL) < 0) {
		path_free(p);
		return -ENOMEM;
	}
	bool was_best = cur && before == cur;

	path_free(cur);
	after = best_of(r, key);
	/* the best is a new path object whenever it is this peer's */
	if (after == p || was_best) {
		report(r, prefix, after);
		return 1;
	}
	return 0;
}

int bgp_rib_withdraw(struct bgp_rib *r, struct bgp_peer *peer, const prefix_t *prefix)
{
	char key[PREFIX_STRLEN];
	struct bgp_path *cur;
	const struct bgp_path *before;

	prefix_format(prefix, key, sizeof(key));
	if (!(cur = bgp_map_get(&peer->paths, key)))
		return 0;
	before = best_of(r, key);
	bgp_map_del(&peer->paths, key);
	if (before == cur)
		report(r, prefix, best_of(r, key));
	path_free(cur);
	return before == cur ? 1 : 0;
}

size_t bgp_rib_flush_peer(struct bgp_rib *r, struct bgp_peer *peer)
{
	struct bgp_map_iter it;
	struct bgp_map_ent *e;
	size_t n = 0;

	for (bgp_map_iter_init(&peer->paths, &it); (e = bgp_map_iter_next(&it));) {
		struct bgp_path *p = e->val;
		prefix_t pfx = p->prefix;

		bgp_rib_withdraw(r, peer, &pfx);
		n++;
	}
	return n;
}

size_t bgp_rib_count(const struct bgp_peer *peer)
{
	return peer->paths.n;
}
