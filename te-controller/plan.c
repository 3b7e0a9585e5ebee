/* plan — desired etcd state of the controller leader from the TED and the requests.
 *
 * Implements te-controller/plan.h (DESIGN §5, §6, §8). Steps: validate every request
 * (lib/validate.h, then admin group names against config/admin-groups); place the
 * valid ones in cspf_place_order against one reservation overlay (te-controller/
 * cspf.h), deferring an LSP whose diverse_from target comes later until right after
 * it; keep held paths, preempt, re-optimize and hold old paths for make-before-break
 * (plan.h); encode each found path (te-controller/encode.h); compute one link bypass
 * per protected link (cspf_bypass), shared by every protected LSP crossing it, and for
 * node protection one node bypass per (link in, link out) of the protected router
 * (cspf_node_bypass); then emit
 * te/paths, rib/<head>/te, rib/<plr>/protect and te/links values under the keys built
 * by lib/keys.c. Pure. */
#include "te-controller/plan.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "te-controller/encode.h"

#define REASON_LEN 1024

enum item_state { ST_INVALID, ST_DOWN, ST_UP };

#define MBB_MAX 4 /* earlier paths an LSP may still hold while its head end catches up */

struct item {
	const struct plan_request *pr;
	struct lsp_request req;
	struct cspf_groups groups;
	enum item_state state;
	char reason[REASON_LEN]; /* invalid/down: why; up: notes ("" if none) */
	long target;             /* diverse_from item, -1 if none or unknown */
	bool done, waiting;
	long def_head, def_next; /* items waiting for this one */
	struct cspf_result res;
	struct encode_lsp enc;

	/* what etcd holds for this LSP (te/paths/<lsp>) */
	const json_t *held_hops;  /* the held up path's "path" (borrowed), NULL if none */
	struct cspf_path held;    /* its links on this TED (n == 0: not mappable) */
	uint64_t held_cost;       /* its cost now (when retained) */
	const json_t *rel_hops[MBB_MAX]; /* paths kept by make-before-break (borrowed) */
	struct cspf_path rel[MBB_MAX];
	uint32_t n_rel;
	bool mbb_wait;            /* the head end has not yet applied the held tunnel */
	bool head_agent;          /* an agent runs at the head end (something to wait for) */
	bool retained;            /* keeps its held path */
	bool reserved;            /* its links are in the overlay */
	bool moved;               /* up on a path other than the held one */
	bool preempted;
	bool no_mbb;              /* its held path's bandwidth was taken: break before make */
	bool is_target;           /* another LSP is diverse from it */
	bool retainable;          /* held answers this request revision and maps on the TED */
	struct cspf_path rsv_links; /* what is in the overlay: path plus rel, each link once */
};

struct ctx {
	const struct plan_input *in;
	const ted_t *t;
	struct item *items;
	size_t n;
	struct cspf_overlay ov;
	struct cspf_ws *ws;
};

static int req_name_cmp(const void *a, const void *b)
{
	const struct plan_request *const *x = a, *const *y = b;

	return strcmp((*x)->name, (*y)->name);
}

/* Append a note to buf, "; "-separated. */
static void __attribute__((format(printf, 3, 4)))
note_add(char *buf, size_t len, const char *fmt, ...)
{
	size_t l = strlen(buf);
	char tmp[REASON_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (l) /* truncated at len - 1 */
		for (const char *sep = "; "; *sep && l + 1 < len; sep++)
			buf[l++] = *sep;
	for (const char *q = tmp; *q && l + 1 < len; q++)
		buf[l++] = *q;
	buf[l] = 0;
}

static int u32_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

static int path_push(struct cspf_path *p, uint32_t link)
{
	if (p->n == p->cap) {
		uint32_t cap = p->cap ? p->cap * 2 : 8;
		uint32_t *l = realloc(p->links, cap * sizeof(*l));

		if (!l)
			return -ENOMEM;
		p->links = l;
		p->cap = cap;
	}
	p->links[p->n++] = link;
	return 0;
}

static bool path_has(const struct cspf_path *p, uint32_t link)
{
	for (uint32_t i = 0; i < p->n; i++)
		if (p->links[i] == link)
			return true;
	return false;
}

static bool path_equal(const struct cspf_path *a, const struct cspf_path *b)
{
	return a->n == b->n && (a->n == 0 || !memcmp(a->links, b->links, a->n * sizeof(*a->links)));
}

/* Links of a te-path "path" array on this TED; links the TED no longer has are left
 * out when partial, else the result is empty. */
static int hops_map(const ted_t *t, const json_t *hops, bool partial, struct cspf_path *out)
{
	size_t i;
	json_t *h;
	int rc;

	out->n = 0;
	json_array_foreach(hops, i, h) {
		const char *name = json_string_value(json_object_get(h, "link"));
		uint32_t l;

		if (!name) {
			if (i + 1 == json_array_size(hops))
				break; /* the tail */
			out->n = 0;
			return 0;
		}
		l = ted_link_find(t, name);
		if (l == TED_NONE) {
			if (!partial) {
				out->n = 0;
				return 0;
			}
			continue;
		}
		if ((rc = path_push(out, l)) < 0)
			return rc;
	}
	return 0;
}

/* ---- reservations: one set of links per LSP (its path and any path it still holds
 * during make-before-break, each link once: shared explicit) ---- */

static void item_unreserve(struct ctx *c, struct item *it)
{
	if (!it->reserved)
		return;
	cspf_overlay_release(&c->ov, &it->rsv_links, (double)it->req.bandwidth_bps,
			     it->req.hold_priority);
	it->reserved = false;
	it->rsv_links.n = 0;
}

/* Reserve path (may be NULL) plus the item's rel paths. */
static int item_reserve(struct ctx *c, struct item *it, const struct cspf_path *path)
{
	int rc;

	item_unreserve(c, it);
	it->rsv_links.n = 0;
	for (uint32_t i = 0; path && i < path->n; i++)
		if ((rc = path_push(&it->rsv_links, path->links[i])) < 0)
			return rc;
	for (uint32_t k = 0; k < it->n_rel; k++)
		for (uint32_t i = 0; i < it->rel[k].n; i++)
			if ((rc = path_push(&it->rsv_links, it->rel[k].links[i])) < 0)
				return rc;
	if (it->rsv_links.n > 1) {
		uint32_t w = 1;

		qsort(it->rsv_links.links, it->rsv_links.n, sizeof(uint32_t), u32_cmp);
		for (uint32_t i = 1; i < it->rsv_links.n; i++)
			if (it->rsv_links.links[i] != it->rsv_links.links[w - 1])
				it->rsv_links.links[w++] = it->rsv_links.links[i];
		it->rsv_links.n = w;
	}
	if ((rc = cspf_overlay_reserve(&c->ov, &it->rsv_links, (double)it->req.bandwidth_bps,
				       it->req.hold_priority)) < 0)
		return rc;
	it->reserved = true;
	return 0;
}

/* Encode the path in it->res; *ok false (with the reason in out) when it cannot be. */
static int encode_or_down(struct ctx *c, struct item *it, bool *ok, char *out, size_t len)
{
	char why[ENCODE_REASON_LEN], nodes[256];
	int rc;

	encode_lsp_clear(&it->enc);
	rc = encode_lsp_make(c->t, &it->res.path, &it->enc, why, sizeof(why));
	*ok = rc == 0;
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0)
		snprintf(out, len, "path %s cannot be encoded: %s",
			 cspf_path_format_nodes(c->t, &it->res.path, nodes, sizeof(nodes)), why);
	else
		snprintf(out, len, "%s", it->res.reason);
	return 0;
}

static const struct cspf_path *diverse_path(struct ctx *c, struct item *it, bool note)
{
	if (!it->req.has_diverse_from)
		return NULL;
	if (it->target < 0) {
		if (note)
			note_add(it->reason, sizeof(it->reason),
				 "diverse_from %s: no such LSP; placed without diversity",
				 it->req.diverse_from);
		return NULL;
	}
	if (c->items[it->target].state != ST_UP) {
		if (note)
			note_add(it->reason, sizeof(it->reason),
				 "diverse_from %s: that LSP has no path; placed without diversity",
				 it->req.diverse_from);
		return NULL;
	}
	return &c->items[it->target].res.path;
}

/* Phase A: keep the held path when it still satisfies the request on this TED with
 * everything of a better or equal hold priority around it. */
static int retain_one(struct ctx *c, struct item *it)
{
	struct lsp_request held_req = it->req;
	struct cspf_request rq = { .req = &held_req, .groups = it->groups, .overlay = &c->ov };
	char nodes[512], why[REASON_LEN];
	bool ok = false;
	int rc;

	if (!it->retainable)
		return 0;
	if (it->req.has_diverse_from && it->target >= 0) {
		struct item *tg = &c->items[it->target];

		if (!tg->retained)
			return 0; /* placed after its target instead */
		rq.diverse = &tg->res.path;
	}
	held_req.setup_priority = held_req.hold_priority; /* established: its hold counts */
	item_unreserve(c, it); /* its own MBB reservation is not competition */
	rc = cspf_check_path(c->t, &rq, &it->held, c->ws, &it->res);
	if (rc < 0)
		return rc;
	if (it->res.found && (rc = encode_or_down(c, it, &ok, why, sizeof(why))) < 0)
		return rc;
	if (!it->res.found)
		snprintf(why, sizeof(why), "%s", it->res.reason);
	if (!it->res.found || !ok) {
		bool bw = strstr(why, "bandwidth") != NULL;

		note_add(it->reason, sizeof(it->reason), "held path %s given up: %s",
			 cspf_path_format_nodes(c->t, &it->held, nodes, sizeof(nodes)), why);
		if (bw) {
			it->n_rel = 0; /* bandwidth is taken now: no make-before-break */
			it->no_mbb = true;
		}
		if (it->n_rel && (rc = item_reserve(c, it, NULL)) < 0)
			return rc;
		return 0;
	}
	it->retained = true;
	it->done = true;
	it->state = ST_UP;
	it->held_cost = it->res.cost;
	return item_reserve(c, it, &it->res.path);
}

struct victim_ctx {
	struct ctx *c;
	uint32_t link;
	unsigned lo, hi; /* hold priority in (lo, hi] */
};

/* The retained LSP to preempt on a link: the worst hold priority, then the largest
 * bandwidth (fewest LSPs disturbed), then the name. */
static struct item *pick_victim(struct ctx *c, const struct item *by, uint32_t link, unsigned lo,
				unsigned hi)
{
	struct item *best = NULL;

	for (size_t i = 0; i < c->n; i++) {
		struct item *y = &c->items[i];

		if (y == by || !y->retained || !y->reserved || y->req.bandwidth_bps == 0 ||
		    y->req.hold_priority <= lo || y->req.hold_priority > hi ||
		    !path_has(&y->rsv_links, link))
			continue;
		if (!best || y->req.hold_priority > best->req.hold_priority ||
		    (y->req.hold_priority == best->req.hold_priority &&
		     (y->req.bandwidth_bps > best->req.bandwidth_bps ||
		      (y->req.bandwidth_bps == best->req.bandwidth_bps &&
		       strcmp(y->pr->name, best->pr->name) < 0))))
			best = y;
	}
	return best;
}

static void unretain(struct ctx *c, struct item *y, bool hard, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Take a retained LSP out to be placed again; hard (preemption): what it held is
 * released at once. */
static void unretain(struct ctx *c, struct item *y, bool hard, const char *fmt, ...)
{
	char tmp[REASON_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	item_unreserve(c, y);
	y->retained = y->done = false;
	y->state = ST_DOWN;
	if (hard) {
		y->n_rel = 0;
		y->no_mbb = true;
	}
	note_add(y->reason, sizeof(y->reason), "%s", tmp);
	/* LSPs kept diverse from it must follow it */
	for (size_t i = 0; i < c->n; i++)
		if (c->items[i].retained && c->items[i].target == y - c->items)
			unretain(c, &c->items[i], false, "diverse_from %s is re-placed", y->pr->name);
}

/* After placing `by` at setup priority s: preempt retained LSPs of a worse hold priority
 * until no priority is over-booked on its links (RFC 3209 §4.7 priorities). */
static void preempt(struct ctx *c, struct item *by)
{
	unsigned s = by->req.setup_priority;
	char lbl[KEYS_LINK_STRLEN + 64];

	for (uint32_t i = 0; i < by->res.path.n; i++) {
		uint32_t l = by->res.path.links[i];

		for (unsigned p = s + 1; p < TED_PRIORITIES; p++) {
			while (cspf_available(c->t, &c->ov, l, p) < -0.5) {
				struct item *y = pick_victim(c, by, l, s, p);

				if (!y)
					break;
				unretain(c, y, true, "preempted by %s (setup priority %u) at %s",
					 by->pr->name, s, ted_link_label(c->t, l, lbl, sizeof(lbl)));
				y->preempted = true;
			}
		}
	}
}

/* Make-before-break: the held path stays reserved (and its bypasses installed) until
 * the head end has applied the new tunnel. */
static int keep_held(struct ctx *c, struct item *it)
{
	int rc;

	if (!it->head_agent)
		return 0; /* nothing programs the old path but a stopped agent's leftovers */
	for (uint32_t k = 0; k < it->n_rel; k++)
		if (json_equal(it->rel_hops[k], it->held_hops))
			return 0;
	if (it->n_rel == MBB_MAX) { /* the oldest goes */
		cspf_path_free(&it->rel[0]);
		memmove(&it->rel[0], &it->rel[1], (MBB_MAX - 1) * sizeof(it->rel[0]));
		memmove(&it->rel_hops[0], &it->rel_hops[1], (MBB_MAX - 1) * sizeof(it->rel_hops[0]));
		memset(&it->rel[MBB_MAX - 1], 0, sizeof(it->rel[0]));
		it->n_rel--;
	}
	it->rel_hops[it->n_rel] = it->held_hops;
	if ((rc = hops_map(c->t, it->held_hops, true, &it->rel[it->n_rel])) < 0)
		return rc;
	it->n_rel++;
	return 0;
}

/* Phase B: compute, encode and reserve one item that keeps no held path. */
static int place_one(struct ctx *c, struct item *it)
{
	struct cspf_request rq = { .req = &it->req, .groups = it->groups, .overlay = &c->ov };
	char why[REASON_LEN];
	bool ok = false;
	int rc;

	rq.diverse = diverse_path(c, it, true);
	item_unreserve(c, it); /* shared explicit with the paths it still holds */
	rc = cspf_compute(c->t, &rq, c->ws, &it->res);
	if (rc < 0)
		return rc;
	if (it->res.found && (rc = encode_or_down(c, it, &ok, why, sizeof(why))) < 0)
		return rc;
	if (!it->res.found || !ok) {
		it->state = ST_DOWN;
		it->n_rel = 0;
		note_add(it->reason, sizeof(it->reason), "%s",
			 it->res.found ? why : it->res.reason);
		return 0;
	}
	it->state = ST_UP;
	it->moved = !it->held_hops || it->held.n == 0 || !path_equal(&it->held, &it->res.path);
	if (it->moved && it->held_hops && !it->no_mbb && (rc = keep_held(c, it)) < 0)
		return rc;
	if ((rc = item_reserve(c, it, &it->res.path)) < 0)
		return rc;
	if (it->req.bandwidth_bps)
		preempt(c, it);
	return 0;
}

static int process(struct ctx *c, long i)
{
	struct item *it = &c->items[i];
	int rc;

	if (it->done)
		return 0;
	if (it->target >= 0 && !c->items[it->target].done && !c->items[it->target].waiting) {
		struct item *tg = &c->items[it->target];

		it->waiting = true;
		it->def_next = tg->def_head;
		tg->def_head = i;
		return 0;
	}
	it->waiting = false;
	it->done = true;
	if ((rc = place_one(c, it)) < 0)
		return rc;
	for (long k = it->def_head; k >= 0;) {
		long next = c->items[k].def_next;

		c->items[k].waiting = false;
		if ((rc = process(c, k)) < 0)
			return rc;
		k = next;
	}
	it->def_head = -1;
	return 0;
}

/* Phase C: a retained LSP moves only to a strictly cheaper path that fits without
 * preempting anyone, and not while an earlier move is still being applied. */
static int reoptimize_one(struct ctx *c, struct item *it, struct cspf_result *tmp)
{
	struct lsp_request nopre = it->req;
	struct cspf_request rq = { .req = &nopre, .groups = it->groups, .overlay = &c->ov };
	struct encode_lsp enc = { 0 };
	char why[ENCODE_REASON_LEN];
	int rc;

	if (!it->retained || it->mbb_wait || it->n_rel || it->is_target)
		return 0;
	nopre.setup_priority = TED_PRIORITIES - 1; /* sees every reservation: preempts none */
	rq.diverse = diverse_path(c, it, false);
	item_unreserve(c, it);
	rc = cspf_compute(c->t, &rq, c->ws, tmp);
	if (rc == 0 && tmp->found && tmp->cost < it->held_cost &&
	    (rc = encode_lsp_make(c->t, &tmp->path, &enc, why, sizeof(why))) == 0) {
		if ((rc = keep_held(c, it)) < 0)
			goto out;
		struct cspf_result swap = it->res;

		it->res = *tmp;
		*tmp = swap;
		encode_lsp_clear(&it->enc);
		it->enc = enc;
		memset(&enc, 0, sizeof(enc));
		it->moved = true;
		it->retained = false;
		note_add(it->reason, sizeof(it->reason), "re-optimized: metric %llu -> %llu",
			 (unsigned long long)it->held_cost, (unsigned long long)it->res.cost);
	}
	if (rc == -EINVAL)
		rc = 0; /* a cheaper path that cannot be encoded: stay */
out:
	encode_lsp_clear(&enc);
	if (rc < 0)
		return rc;
	return item_reserve(c, it, &it->res.path);
}

/* The held state of one LSP: its up path (kept only for the very request revision it
 * answers), the paths make-before-break still holds, and whether the head end's agent
 * has applied the held tunnel. */
static int load_held(struct ctx *c, struct item *it)
{
	const struct plan_input *in = c->in;
	const json_t *prev = in->prev_paths ? json_object_get(in->prev_paths, it->pr->name) : NULL;
	const json_t *rel, *st, *agent, *tun, *h;
	const char *from;
	int64_t rr;
	size_t i;
	int rc;

	if (!json_is_object(prev))
		return 0;
	st = json_object_get(prev, "state");
	from = json_string_value(json_object_get(prev, "from"));
	if (!json_is_string(st) || strcmp(json_string_value(st), "up") != 0 || !from ||
	    strcmp(from, it->req.from) != 0 || !json_is_array(json_object_get(prev, "path")))
		return 0;
	rr = json_integer_value(json_object_get(prev, "request_revision"));
	it->held_hops = json_object_get(prev, "path");
	if ((rc = hops_map(c->t, it->held_hops, false, &it->held)) < 0)
		return rc;
	it->retainable = it->held.n > 0 && rr == it->pr->revision;
	/* make-before-break: the head end has applied the held tunnel when its agent's
	 * state/<head>/agent revision reached the tunnel's; no agent, nothing to wait for */
	agent = in->agents ? json_object_get(in->agents, it->req.from) : NULL;
	tun = in->tunnels ? json_object_get(in->tunnels, it->pr->name) : NULL;
	it->head_agent = json_is_integer(agent);
	if (it->head_agent) {
		const json_t *tv = json_object_get(tun, "value");
		int64_t trev = json_integer_value(json_object_get(tun, "revision"));
		const json_t *tpath = json_object_get(tv, "path");
		bool same = json_is_array(tpath) && json_array_size(tpath) ==
						       json_array_size(json_object_get(prev, "path"));

		for (i = 0; same && i < json_array_size(tpath); i++)
			same = json_equal(json_array_get(tpath, i),
					  json_object_get(json_array_get(json_object_get(prev, "path"),
									 i), "node"));
		it->mbb_wait = !same || json_integer_value(agent) < trev;
	}
	rel = json_object_get(prev, "releasing");
	if (!it->mbb_wait || !json_is_array(rel))
		return 0;
	json_array_foreach(rel, i, h) {
		const json_t *hops = json_object_get(h, "path");

		if (it->n_rel == MBB_MAX || !json_is_array(hops))
			continue;
		it->rel_hops[it->n_rel] = hops;
		if ((rc = hops_map(c->t, hops, true, &it->rel[it->n_rel])) < 0)
			return rc;
		it->n_rel++;
	}
	return 0;
}

static int str_cmp_json(const void *a, const void *b)
{
	return strcmp(json_string_value(*(json_t *const *)a), json_string_value(*(json_t *const *)b));
}

static int rsv_cmp_json(const void *a, const void *b)
{
	const json_t *x = *(json_t *const *)a, *y = *(json_t *const *)b;
	json_int_t px = json_integer_value(json_object_get(x, "priority")),
		   py = json_integer_value(json_object_get(y, "priority"));

	if (px != py)
		return px < py ? -1 : 1;
	return strcmp(json_string_value(json_object_get(x, "lsp")),
		      json_string_value(json_object_get(y, "lsp")));
}

/* Sort a JSON array in place with cmp over its elements. */
static void json_array_sort(json_t *a, int (*cmp)(const void *, const void *))
{
	size_t n = json_array_size(a);
	json_t **v = n > 1 ? malloc(n * sizeof(*v)) : NULL;

	if (!v)
		return;
	for (size_t i = 0; i < n; i++)
		v[i] = json_incref(json_array_get(a, i));
	qsort(v, n, sizeof(*v), cmp);
	for (size_t i = 0; i < n; i++)
		json_array_set_new(a, i, v[i]);
	free(v);
}

#define json_array_sort_strings(a) json_array_sort((a), str_cmp_json)
#define json_array_sort_rsv(a) json_array_sort((a), rsv_cmp_json)

/* "since": kept from the held value when state and path are unchanged. */
static const char *since_for(const struct plan_input *in, const char *name,
			     const char *state, const json_t *path)
{
	const json_t *prev = in->prev_paths ? json_object_get(in->prev_paths, name) : NULL;
	const json_t *pp, *ps;

	if (!json_is_object(prev))
		return in->now;
	ps = json_object_get(prev, "since");
	if (!json_is_string(ps) ||
	    !json_is_string(json_object_get(prev, "state")) ||
	    strcmp(json_string_value(json_object_get(prev, "state")), state) != 0)
		return in->now;
	pp = json_object_get(prev, "path");
	if ((pp == NULL) != (path == NULL) || (pp && !json_equal(pp, path)))
		return in->now;
	return json_string_value(ps);
}

static int put(json_t *out, const char *key, json_t *v)
{
	if (!v)
		return -ENOMEM;
	return json_object_set_new(out, key, v) == 0 ? 0 : -ENOMEM;
}

struct bp {
	bool computed;
	struct encode_bypass b;
	json_t *lsps;
};

/* A node-protection bypass: around in's far end N, from in's PLR to out's far end M
 * (the next-next hop), shared by every LSP crossing in then out. */
struct nbp {
	uint32_t in, out;
	struct encode_bypass b;
	json_t *lsps;
	json_t *skip; /* N's segment (End.X SID of out) or label the PLR consumes for it */
};

struct nbps {
	struct nbp *v;
	size_t n, cap;
};

static int node_bypass_get(struct ctx *c, struct nbps *nb, uint32_t in, uint32_t out,
			   struct nbp **res)
{
	struct cspf_result r = { 0 };
	struct nbp *p;
	int rc;

	for (size_t i = 0; i < nb->n; i++)
		if (nb->v[i].in == in && nb->v[i].out == out) {
			*res = &nb->v[i];
			return 0;
		}
	if (nb->n == nb->cap) {
		size_t cap = nb->cap ? nb->cap * 2 : 4;
		struct nbp *v = realloc(nb->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		nb->v = v;
		nb->cap = cap;
	}
	p = &nb->v[nb->n++];
	memset(p, 0, sizeof(*p));
	p->in = in;
	p->out = out;
	if (!(p->lsps = json_array()))
		return -ENOMEM;
	rc = cspf_node_bypass(c->t, in, out, c->ws, &r);
	if (rc == 0)
		rc = encode_bypass_make(c->t, in, &r, &p->b);
	cspf_result_free(&r);
	p->b.merge_point = c->t->links[out].to;
	*res = p;
	return rc;
}

static void nbps_free(struct nbps *nb)
{
	for (size_t i = 0; i < nb->n; i++) {
		encode_bypass_clear(&nb->v[i].b);
		json_decref(nb->v[i].lsps);
		json_decref(nb->v[i].skip);
	}
	free(nb->v);
}

/* rib/<plr>/protect/<link> "node_bypasses" entry. */
static json_t *node_entry(const ted_t *t, const struct nbp *p)
{
	json_t *o = encode_protect(t, &p->b, p->lsps);

	if (!o)
		return NULL;
	json_object_del(o, "link");
	json_object_del(o, "protection");
	if (json_object_set_new(o, "protected_node",
				json_string(t->nodes[t->links[p->in].to].name)) ||
	    json_object_set(o, p->b.dataplane == ENCODE_MPLS ? "protected_label" : "protected_sid",
			    p->skip)) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The head end's backup when its first hop's node is protected: the node bypass to the
 * next-next hop, then the primary stack after the protected node's segment. */
static json_t *head_node_backup(const ted_t *t, const struct item *it, const struct nbp *p)
{
	bool mpls = p->b.dataplane == ENCODE_MPLS;
	const json_t *prim = mpls ? it->enc.labels : it->enc.segments;
	json_t *stack, *b;
	size_t keep;

	if (!prim || (it->enc.dataplane == ENCODE_MPLS) != mpls)
		return NULL; /* mixed encodings: the link backup stays */
	stack = json_deep_copy(mpls ? p->b.labels : p->b.segments);
	keep = json_array_size(stack);
	if (!stack)
		return NULL;
	if (!mpls && keep) /* the bypass's End.DT6 at the merge point is not needed */
		json_array_remove(stack, keep - 1);
	for (size_t i = 1; i < json_array_size(prim); i++)
		json_array_append(stack, json_array_get(prim, i));
	if (json_array_size(stack) > 30) {
		json_decref(stack);
		return NULL;
	}
	b = json_pack("{s:s, s:o, s:O}", "link", t->links[p->in].name, mpls ? "labels" : "segments",
		      stack, "first_hop", p->b.first_hop);
	return b;
}

static int bypass_get(struct ctx *c, struct bp *bps, uint32_t link, struct bp **out)
{
	struct bp *p = &bps[link];
	struct cspf_result r = { 0 };
	int rc;

	*out = p;
	if (p->computed)
		return 0;
	p->computed = true;
	p->lsps = json_array();
	if (!p->lsps)
		return -ENOMEM;
	if (!c->t->links[link].name[0]) {
		memset(&p->b, 0, sizeof(p->b));
		p->b.link = link;
		p->b.merge_point = c->t->links[link].to;
		snprintf(p->b.reason, sizeof(p->b.reason),
			 "the link has no interface name, so no rib/<plr>/protect key");
		return 0;
	}
	rc = cspf_bypass(c->t, link, c->ws, &r);
	if (rc == 0)
		rc = encode_bypass_make(c->t, link, &r, &p->b);
	cspf_result_free(&r);
	return rc;
}

/* One protected element's bypass for an LSP on `link` of a path (or of a path it still
 * holds); appended to the LSP's list once per link. */
static int protect_link(struct ctx *c, struct bp *bps, struct item *it, uint32_t link,
			struct bp **out, bool *unprot, json_t *bypasses)
{
	char lbl[KEYS_LINK_STRLEN + 64];
	struct bp *p;
	int rc;

	if ((rc = bypass_get(c, bps, link, &p)) < 0)
		return rc;
	*out = p;
	if (p->b.ok) {
		size_t i;
		json_t *v;
		bool have = false;

		json_array_foreach(p->lsps, i, v)
			have = have || strcmp(json_string_value(v), it->pr->name) == 0;
		if (!have && json_array_append_new(p->lsps, json_string(it->pr->name)))
			return -ENOMEM;
	} else if (unprot && !*unprot) {
		*unprot = true;
		note_add(it->reason, sizeof(it->reason), "unprotected: %s: %s",
			 ted_link_label(c->t, p->b.link, lbl, sizeof(lbl)), p->b.reason);
	}
	if (bypasses && json_array_append_new(bypasses, encode_bypass_entry(c->t, &p->b)))
		return -ENOMEM;
	return 0;
}

/* Make-before-break: keep the bypasses of the paths an LSP still holds. A link the TED
 * no longer has keeps the protect value etcd holds (its PLR may be repairing over it). */
static int protect_released(struct ctx *c, struct bp *bps, struct item *it, json_t *out)
{
	const struct plan_input *in = c->in;
	char key[KEYS_MAX];
	struct bp *p;
	int rc;

	for (uint32_t k = 0; k < it->n_rel; k++) {
		size_t i;
		json_t *h;

		json_array_foreach(it->rel_hops[k], i, h) {
			const char *name = json_string_value(json_object_get(h, "link"));
			uint32_t l = name ? ted_link_find(c->t, name) : TED_NONE;
			struct key_link kl;
			const json_t *hv;

			if (l != TED_NONE) {
				if ((rc = protect_link(c, bps, it, l, &p, NULL, NULL)) < 0)
					return rc;
				continue;
			}
			if (!name || !in->held_protects || keys_link_parse(name, &kl) < 0 ||
			    keys_rib_protect(in->keys, kl.node, &kl, key, sizeof(key)) < 0)
				continue;
			hv = json_object_get(in->held_protects, key);
			if (hv && !json_object_get(out, key) &&
			    json_object_set_new(out, key, json_deep_copy(hv)))
				return -ENOMEM;
		}
	}
	return 0;
}

/* Node protection at hop k of an LSP's path: around node k+1 to node k+2. Falls back
 * to the link bypass (noted) when there is none. */
static int protect_node(struct ctx *c, struct nbps *nbs, struct item *it, uint32_t k,
			json_t *bypasses, long *head)
{
	const json_t *prim = it->enc.dataplane == ENCODE_MPLS ? it->enc.labels : it->enc.segments;
	uint32_t in = it->res.path.links[k], out = it->res.path.links[k + 1];
	char lbl[KEYS_LINK_STRLEN + 64];
	struct nbp *p;
	json_t *e;
	size_t i;
	json_t *v;
	bool have = false;
	int rc;

	if ((rc = node_bypass_get(c, nbs, in, out, &p)) < 0)
		return rc;
	if (p->b.ok && !p->skip && !(p->skip = json_incref(json_array_get(prim, k)))) {
		p->b.ok = false;
		snprintf(p->b.reason, sizeof(p->b.reason), "no segment of %s to skip",
			 c->t->nodes[c->t->links[in].to].name);
	}
	if (head) /* an index: later calls may move the array */
		*head = p - nbs->v;
	if (!p->b.ok) {
		note_add(it->reason, sizeof(it->reason), "node %s not protected at %s: %s; link "
			 "bypass only", c->t->nodes[c->t->links[in].to].name,
			 ted_link_label(c->t, in, lbl, sizeof(lbl)), p->b.reason);
	} else {
		json_array_foreach(p->lsps, i, v)
			have = have || strcmp(json_string_value(v), it->pr->name) == 0;
		if (!have && json_array_append_new(p->lsps, json_string(it->pr->name)))
			return -ENOMEM;
	}
	e = encode_bypass_entry(c->t, &p->b);
	if (!e || json_object_set_new(e, "protected_node",
				      json_string(c->t->nodes[c->t->links[in].to].name)) ||
	    json_array_append_new(bypasses, e))
		return -ENOMEM;
	return 0;
}

static int emit(struct ctx *c, json_t *out, struct plan_stats *st)
{
	const struct plan_input *in = c->in;
	const ted_t *t = c->t;
	struct bp *bps = calloc(t->n_links + 1, sizeof(*bps));
	json_t **link_lsps = calloc(t->n_links + 1, sizeof(*link_lsps));
	struct nbps nbs_ = { 0 }, *nbs = &nbs_;
	char key[KEYS_MAX];
	int rc = 0;

	if (!bps || !link_lsps) {
		free(bps);
		free(link_lsps);
		return -ENOMEM;
	}
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		struct item *it = &c->items[i];
		const char *name = it->pr->name;
		json_t *v = NULL, *bypasses = NULL;
		struct bp *first = NULL;
		long head_nb = -1; /* index into nbs */

		if (keys_te_path(in->keys, name, key, sizeof(key)) < 0)
			continue;
		if (it->state == ST_INVALID) {
			st->invalid++;
			v = encode_path_state(name, "invalid", it->reason, NULL, it->pr->revision,
					      since_for(in, name, "invalid", NULL));
			rc = put(out, key, v);
			continue;
		}
		if (it->state == ST_DOWN) {
			st->down++;
			v = encode_path_state(name, "down", it->reason, &it->req, it->pr->revision,
					      since_for(in, name, "down", NULL));
			rc = put(out, key, v);
			continue;
		}
		st->up++;
		if (it->moved && it->held_hops)
			st->moved++;
		if (it->n_rel) {
			st->mbb++;
			note_add(it->reason, sizeof(it->reason),
				 "make-before-break: %u earlier path%s kept until %s's agent has "
				 "applied the new tunnel", it->n_rel, it->n_rel == 1 ? "" : "s",
				 it->req.from);
		}
		if (it->req.protection != LSP_PROTECT_NONE) {
			bool unprot = false;

			bypasses = json_array();
			if (!bypasses) {
				rc = -ENOMEM;
				break;
			}
			for (uint32_t k = 0; k < it->res.path.n && rc == 0; k++) {
				struct bp *p;

				rc = protect_link(c, bps, it, it->res.path.links[k], &p, &unprot,
						  bypasses);
				if (k == 0)
					first = p;
				if (rc == 0 && it->req.protection == LSP_PROTECT_NODE &&
				    k + 1 < it->res.path.n)
					rc = protect_node(c, nbs, it, k, bypasses,
							  k == 0 ? &head_nb : NULL);
			}
			if (rc == 0)
				rc = protect_released(c, bps, it, out);
			if (unprot)
				st->unprotected++;
		}
		if (rc == 0) {
			v = encode_path_up(t, name, &it->req, it->pr->revision, &it->res, &it->enc,
					   bypasses, it->reason,
					   since_for(in, name, "up", it->enc.hops));
			if (v && it->n_rel) {
				json_t *rel = json_array();

				for (uint32_t k = 0; rel && k < it->n_rel; k++)
					if (json_array_append_new(rel, json_pack("{s:O}", "path",
										 it->rel_hops[k])))
						json_decref(rel), rel = NULL;
				if (!rel || json_object_set_new(v, "releasing", rel)) {
					json_decref(v);
					v = NULL;
				}
			}
			rc = put(out, key, v);
		}
		json_decref(bypasses);
		if (rc == 0 && keys_rib_te_tunnel(in->keys, it->req.from, name, key,
						  sizeof(key)) >= 0) {
			json_t *tv = encode_tunnel(t, name, &it->res.path, &it->enc,
						   first ? &first->b : NULL,
						   it->req.bandwidth_bps, it->res.cost);
			json_t *nb = tv && head_nb >= 0 && nbs->v[head_nb].b.ok
					     ? head_node_backup(t, it, &nbs->v[head_nb]) : NULL;

			if (nb && json_object_set_new(tv, "backup", nb)) {
				json_decref(tv);
				tv = NULL;
			}
			rc = put(out, key, tv);
		}
		/* reservations per link: path and held paths, each link once */
		for (uint32_t k = 0; k < it->rsv_links.n && rc == 0; k++) {
			uint32_t l = it->rsv_links.links[k];
			json_t *e;

			if (!link_lsps[l] && !(link_lsps[l] = json_array())) {
				rc = -ENOMEM;
				break;
			}
			e = json_pack("{s:s, s:I, s:i}", "lsp", name, "bandwidth",
				      (json_int_t)it->req.bandwidth_bps, "priority",
				      it->req.hold_priority);
			if (!e || json_array_append_new(link_lsps[l], e))
				rc = -ENOMEM;
		}
	}
	/* shared bypasses */
	for (uint32_t l = 0; l < t->n_links && rc == 0; l++) {
		struct bp *p = &bps[l];
		struct key_link kl;

		if (!p->computed || !p->b.ok || json_array_size(p->lsps) == 0)
			continue;
		if (keys_link_parse(t->links[l].name, &kl) < 0 ||
		    keys_rib_protect(in->keys, kl.node, &kl, key, sizeof(key)) < 0)
			continue;
		st->bypasses++;
		if (json_array_size(p->lsps) > 1)
			json_array_sort_strings(p->lsps);
		json_t *pv = encode_protect(t, &p->b, p->lsps), *nodes = NULL;

		for (size_t i = 0; pv && i < nbs->n; i++) {
			struct nbp *q = &nbs->v[i];

			if (q->in != l || !q->b.ok || json_array_size(q->lsps) == 0)
				continue;
			if (json_array_size(q->lsps) > 1)
				json_array_sort_strings(q->lsps);
			if ((!nodes && !(nodes = json_array())) ||
			    json_array_append_new(nodes, node_entry(t, q))) {
				json_decref(pv);
				pv = NULL;
			}
		}
		if (pv && nodes && json_object_set_new(pv, "node_bypasses", nodes)) {
			json_decref(pv);
			pv = NULL;
		} else if (!pv) {
			json_decref(nodes);
		}
		rc = put(out, key, pv);
	}
	/* reservations: te/links, LSPs by hold priority then name */
	for (uint32_t l = 0; l < t->n_links && rc == 0; l++) {
		struct key_link kl;

		if (link_lsps[l])
			json_array_sort_rsv(link_lsps[l]);
		if (t->links[l].name[0] && keys_link_parse(t->links[l].name, &kl) == 0 &&
		    keys_te_link(in->keys, &kl, key, sizeof(key)) >= 0)
			rc = put(out, key, encode_te_link(t, l, &c->ov, link_lsps[l]));
	}
	for (uint32_t l = 0; l < t->n_links; l++) {
		encode_bypass_clear(&bps[l].b);
		json_decref(bps[l].lsps);
		json_decref(link_lsps[l]);
	}
	free(bps);
	free(link_lsps);
	nbps_free(nbs);
	return rc;
}

/* Phase A's order: hold priority, then the placement order. */
struct hold_sort {
	const struct cspf_place_item *items;
	const uint32_t *rank; /* item -> position in placement order */
};

static int hold_cmp(const void *a, const void *b, void *arg)
{
	const struct hold_sort *h = arg;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	unsigned x = h->items[i].req->hold_priority, y = h->items[j].req->hold_priority;

	if (x != y)
		return x < y ? -1 : 1;
	return (h->rank[i] > h->rank[j]) - (h->rank[i] < h->rank[j]);
}

int plan_compute(const struct plan_input *in, struct cspf_ws *ws, json_t **out,
		 struct plan_stats *stats)
{
	struct ctx c = { .in = in };
	struct plan_stats st = { 0 };
	const struct plan_request **sorted = NULL;
	struct cspf_place_item *pitems = NULL;
	struct cspf_result tmp = { 0 };
	uint32_t *order = NULL, *horder = NULL, *rank = NULL;
	long *pmap = NULL;
	size_t np = 0;
	json_t *res = NULL;
	int rc = 0;

	if (out)
		*out = NULL;
	if (!in || !in->keys || !in->ted || !ws || !out || (in->n_reqs && !in->reqs))
		return -EINVAL;
	c.t = in->ted;
	c.ws = ws;
	c.n = in->n_reqs;
	res = json_object();
	c.items = calloc(c.n + 1, sizeof(*c.items));
	sorted = calloc(c.n + 1, sizeof(*sorted));
	pitems = calloc(c.n + 1, sizeof(*pitems));
	order = calloc(c.n + 1, sizeof(*order));
	horder = calloc(c.n + 1, sizeof(*horder));
	rank = calloc(c.n + 1, sizeof(*rank));
	pmap = calloc(c.n + 1, sizeof(*pmap));
	if (!res || !c.items || !sorted || !pitems || !order || !horder || !rank || !pmap ||
	    cspf_overlay_init(&c.ov, c.t) < 0) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < c.n; i++)
		sorted[i] = &in->reqs[i];
	if (c.n > 1)
		qsort(sorted, c.n, sizeof(*sorted), req_name_cmp);
	/* validate */
	for (size_t i = 0; i < c.n; i++) {
		struct item *it = &c.items[i];
		char err[512];

		it->pr = sorted[i];
		it->target = it->def_head = it->def_next = -1;
		it->state = ST_INVALID;
		if (!it->pr->value) {
			snprintf(it->reason, sizeof(it->reason), "not JSON: %s",
				 it->pr->bad_json && it->pr->bad_json[0] ? it->pr->bad_json
									  : "unparsable");
			continue;
		}
		if (validate_lsp_request(it->pr->value, &it->req, err, sizeof(err)) < 0 ||
		    cspf_groups_resolve(in->groups, &it->req, &it->groups, err, sizeof(err)) < 0) {
			snprintf(it->reason, sizeof(it->reason), "%s", err);
			continue;
		}
		if (it->req.has_diverse_from && strcmp(it->req.diverse_from, it->pr->name) == 0) {
			snprintf(it->reason, sizeof(it->reason),
				 "diverse_from: an LSP cannot be diverse from itself");
			continue;
		}
		it->state = ST_DOWN; /* until placed */
		pitems[np] = (struct cspf_place_item){ .name = it->pr->name, .req = &it->req,
						       .groups = it->groups };
		pmap[np++] = (long)i;
	}
	/* diverse_from targets (valid items only) */
	for (size_t i = 0; i < c.n; i++) {
		struct item *it = &c.items[i];

		if (it->state == ST_INVALID || !it->req.has_diverse_from)
			continue;
		for (size_t j = 0; j < c.n; j++)
			if (c.items[j].state != ST_INVALID &&
			    strcmp(c.items[j].pr->name, it->req.diverse_from) == 0) {
				it->target = (long)j;
				c.items[j].is_target = true;
			}
	}
	/* phase 0: what etcd holds; paths kept by make-before-break stay reserved */
	for (size_t k = 0; k < np && rc == 0; k++) {
		struct item *it = &c.items[pmap[k]];

		if ((rc = load_held(&c, it)) == 0 && it->n_rel)
			rc = item_reserve(&c, it, NULL);
	}
	/* phase A: established LSPs keep their paths, best hold priority first (those
	 * without diverse_from first, so a dependent sees its target's answer) */
	cspf_place_order(pitems, np, order);
	for (size_t k = 0; k < np; k++)
		horder[k] = order[k];
	for (size_t k = 0; k < np; k++)
		rank[order[k]] = (uint32_t)k; /* ties keep the placement order */
	if (np > 1)
		qsort_r(horder, np, sizeof(*horder), hold_cmp,
			&(struct hold_sort){ pitems, rank });
	for (int pass = 0; pass < 2 && rc == 0; pass++)
		for (size_t k = 0; k < np && rc == 0; k++) {
			struct item *it = &c.items[pmap[horder[k]]];

			if (it->req.has_diverse_from == (pass == 1))
				rc = retain_one(&c, it);
		}
	/* phase B: the others in placement order, preempting worse hold priorities */
	for (size_t k = 0; k < np && rc == 0; k++)
		rc = process(&c, pmap[order[k]]);
	/* an item still waiting (its target never placed) or taken out late is placed now */
	for (int round = 0; round < 2 && rc == 0; round++)
		for (size_t k = 0; k < np && rc == 0; k++)
			if (!c.items[pmap[order[k]]].done) {
				if (round)
					c.items[pmap[order[k]]].target = -1;
				rc = process(&c, pmap[order[k]]);
			}
	/* phase C: re-optimization of what was kept */
	for (size_t k = 0; k < np && rc == 0; k++)
		rc = reoptimize_one(&c, &c.items[pmap[order[k]]], &tmp);
	if (rc == 0)
		rc = emit(&c, res, &st);
out:
	for (size_t i = 0; c.items && i < c.n; i++) {
		cspf_result_free(&c.items[i].res);
		encode_lsp_clear(&c.items[i].enc);
		cspf_path_free(&c.items[i].held);
		cspf_path_free(&c.items[i].rsv_links);
		for (uint32_t k = 0; k < MBB_MAX; k++)
			cspf_path_free(&c.items[i].rel[k]);
	}
	cspf_result_free(&tmp);
	cspf_overlay_free(&c.ov);
	free(c.items);
	free(sorted);
	free(pitems);
	free(order);
	free(horder);
	free(rank);
	free(pmap);
	if (rc < 0) {
		json_decref(res);
		return rc;
	}
	if (stats)
		*stats = st;
	*out = res;
	return 0;
}
