/* cspf — constrained shortest paths over the TED and sequential LSP placement.
 *
 * Implements te-controller/cspf.h (the semantics and the algorithm are described
 * there; DESIGN §8 and §12, RFC 3209 §4.7.4 for admin groups, RFC 4090 for bypasses).
 * Layout: request setup marks pruned links and blocked nodes with generation stamps
 * (nothing to clear between computations); search_plain() is the Dijkstra fast path,
 * search_labels() the exact constrained search; compute_segments() runs them segment
 * by segment for explicit hops; explain() classifies every link to write the reason
 * when no path exists. Reads the TED's flat arc array (te-controller/ted.c). */
#include "te-controller/cspf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HOP_BITS 16
#define HOP_MASK ((1u << HOP_BITS) - 1)
#define KEY_COST(k) ((k) >> HOP_BITS)
#define KEY_HOPS(k) ((uint32_t)((k) & HOP_MASK))

enum { WHY_NONE, WHY_AVOID_LINK, WHY_AVOID_SRLG, WHY_DIVERSE };
enum { BLOCK_NONE, BLOCK_OVERLOAD, BLOCK_AVOID, BLOCK_PATH };

struct label {
	uint64_t key;     /* cost << 16 | hops */
	uint64_t delay;
	uint32_t node, link, parent, next_perm;
};

struct hent {
	uint64_t key;
	uint32_t node;
};

struct cspf_ws {
	uint32_t cap_nodes, cap_links;
	uint64_t *key;       /* per node */
	uint32_t *pred;      /* per node: link into it */
	uint32_t *state;     /* per node: gen * 2 (reached) or gen * 2 + 1 (settled) */
	struct hent *heap;   /* binary heap of reached nodes, keys inline */
	uint32_t *pos, heap_n;
	uint32_t *blocked;   /* per node: == req_gen: not enterable */
	uint8_t *block_why;
	uint32_t *banned;    /* per link: == req_gen: pruned */
	uint8_t *ban_why;
	uint32_t *perm_head, *perm_stamp; /* per node: permanent labels */
	uint32_t gen, req_gen;
	struct label *labels;
	uint32_t n_labels, cap_labels;
	uint32_t *lheap, lheap_n, cap_lheap;
};

/* One segment's search. */
struct search {
	const ted_t *t;
	struct cspf_ws *ws;
	uint32_t src, dst;
	unsigned metric;
	unsigned prio;
	double bw;
	const double *avail; /* bandwidth setup priority prio may take, per link */
	uint32_t excl, any, all;
	bool ag;             /* any admin-group constraint */
	uint32_t max_hops;   /* 0 = none */
	uint64_t max_delay;  /* UINT64_MAX = none */
	bool strict;         /* a strict explicit hop: one link */
	bool label_overflow;
};

/* ---- small things ------------------------------------------------------------------ */

void cspf_path_free(struct cspf_path *p)
{
	if (!p)
		return;
	free(p->links);
	memset(p, 0, sizeof(*p));
}

static int path_reserve(struct cspf_path *p, uint32_t n)
{
	uint32_t *l;
	uint32_t cap;

	if (n <= p->cap)
		return 0;
	cap = p->cap ? p->cap : 16;
	while (cap < n)
		cap *= 2;
	l = realloc(p->links, (size_t)cap * sizeof(*l));
	if (!l)
		return -ENOMEM;
	p->links = l;
	p->cap = cap;
	return 0;
}

int cspf_path_copy(struct cspf_path *dst, const struct cspf_path *src)
{
	if (path_reserve(dst, src->n) < 0)
		return -ENOMEM;
	if (src->n)
		memcpy(dst->links, src->links, (size_t)src->n * sizeof(uint32_t));
	dst->n = src->n;
	return 0;
}

uint32_t cspf_path_node(const ted_t *t, const struct cspf_path *p, uint32_t i)
{
	if (!t || !p || p->n == 0 || i > p->n)
		return TED_NONE;
	return i < p->n ? t->links[p->links[i]].from : t->links[p->links[p->n - 1]].to;
}

const char *cspf_path_format_nodes(const ted_t *t, const struct cspf_path *p, char *buf,
				   size_t len)
{
	size_t o = 0;

	if (len)
		buf[0] = 0;
	for (uint32_t i = 0; p && p->n && i <= p->n && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? "-" : "",
				 t->nodes[cspf_path_node(t, p, i)].name);
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

const char *cspf_path_format_links(const ted_t *t, const struct cspf_path *p, char *buf,
				   size_t len)
{
	size_t o = 0;
	char l[KEYS_LINK_STRLEN + 64];

	if (len)
		buf[0] = 0;
	for (uint32_t i = 0; p && i < p->n && o < len; i++) {
		int w = snprintf(buf + o, len - o, "%s%s", i ? " " : "",
				 ted_link_label(t, p->links[i], l, sizeof(l)));
		if (w < 0)
			break;
		o += (size_t)w;
	}
	return buf;
}

void cspf_result_free(struct cspf_result *r)
{
	if (r)
		cspf_path_free(&r->path);
}

int cspf_groups_resolve(const struct admin_groups *g, const struct lsp_request *req,
			struct cspf_groups *out, char *err, size_t errlen)
{
	const struct admin_group_refs *refs[3] = { &req->include_any, &req->include_all,
						   &req->exclude };
	static const char *const what[3] = { "include_any", "include_all", "exclude" };
	uint32_t *mask[3] = { &out->include_any, &out->include_all, &out->exclude };
	uint8_t *bits[3] = { out->any_bit, out->all_bit, out->exclude_bit };

	memset(out, 0, sizeof(*out));
	for (int k = 0; k < 3; k++) {
		for (size_t i = 0; i < refs[k]->n && i < LSP_MAX_GROUP_REFS; i++) {
			int b = g ? admin_groups_bit(g, refs[k]->name[i]) : -ENOENT;

			if (b < 0 || b > 31) {
				if (err && errlen)
					snprintf(err, errlen, "%s: unknown admin group \"%s\"", what[k],
						 refs[k]->name[i]);
				memset(out, 0, sizeof(*out));
				return -ENOENT;
			}
			bits[k][i] = (uint8_t)b;
			*mask[k] |= 1u << b;
		}
	}
	return 0;
}

/* ---- overlay ----------------------------------------------------------------------- */

int cspf_overlay_init(struct cspf_overlay *ov, const ted_t *t)
{
	size_t n = (size_t)(t ? t->n_links : 0) * TED_PRIORITIES;

	memset(ov, 0, sizeof(*ov));
	ov->held = calloc(n + 1, sizeof(double));
	ov->cum = calloc(n + 1, sizeof(double));
	ov->base = calloc(n + 1, sizeof(double));
	ov->avail = calloc(n + 1, sizeof(double));
	if (!ov->held || !ov->cum || !ov->base || !ov->avail) {
		cspf_overlay_free(ov);
		return -ENOMEM;
	}
	ov->n_links = t ? t->n_links : 0;
	if (n) {
		memcpy(ov->base, t->unrsv_prio, n * sizeof(double));
		memcpy(ov->avail, t->unrsv_prio, n * sizeof(double));
	}
	return 0;
}

void cspf_overlay_free(struct cspf_overlay *ov)
{
	if (!ov)
		return;
	free(ov->held);
	free(ov->cum);
	free(ov->base);
	free(ov->avail);
	memset(ov, 0, sizeof(*ov));
}

void cspf_overlay_clear(struct cspf_overlay *ov)
{
	size_t n = (size_t)ov->n_links * TED_PRIORITIES;

	memset(ov->held, 0, n * sizeof(double));
	memset(ov->cum, 0, n * sizeof(double));
	memcpy(ov->avail, ov->base, n * sizeof(double));
}

static int overlay_add(struct cspf_overlay *ov, const struct cspf_path *p, double bw,
		       unsigned hold)
{
	if (!ov || !p || hold >= TED_PRIORITIES)
		return -EINVAL;
	for (uint32_t i = 0; i < p->n; i++)
		if (p->links[i] >= ov->n_links)
			return -EINVAL;
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t l = p->links[i];
		size_t base = (size_t)l * TED_PRIORITIES;

		ov->held[base + hold] += bw;
		for (unsigned s = hold; s < TED_PRIORITIES; s++) {
			ov->cum[base + s] += bw;
			ov->avail[(size_t)s * ov->n_links + l] =
				ov->base[(size_t)s * ov->n_links + l] - ov->cum[base + s];
		}
	}
	return 0;
}

int cspf_overlay_reserve(struct cspf_overlay *ov, const struct cspf_path *p, double bw,
			 unsigned hold_priority)
{
	return overlay_add(ov, p, bw, hold_priority);
}

int cspf_overlay_release(struct cspf_overlay *ov, const struct cspf_path *p, double bw,
			 unsigned hold_priority)
{
	return overlay_add(ov, p, -bw, hold_priority);
}

double cspf_available(const ted_t *t, const struct cspf_overlay *ov, uint32_t link,
		      unsigned s)
{
	if (!t || link >= t->n_links || s >= TED_PRIORITIES)
		return 0;
	if (ov && ov->n_links == t->n_links)
		return ov->avail[(size_t)s * ov->n_links + link];
	return t->unrsv_prio[(size_t)s * t->n_links + link];
}

/* ---- workspace --------------------------------------------------------------------- */

struct cspf_ws *cspf_ws_new(void)
{
	return calloc(1, sizeof(struct cspf_ws));
}

static void ws_free_arrays(struct cspf_ws *ws)
{
	free(ws->key);
	free(ws->pred);
	free(ws->state);
	free(ws->heap);
	free(ws->pos);
	free(ws->blocked);
	free(ws->block_why);
	free(ws->banned);
	free(ws->ban_why);
	free(ws->perm_head);
	free(ws->perm_stamp);
}

void cspf_ws_free(struct cspf_ws *ws)
{
	if (!ws)
		return;
	ws_free_arrays(ws);
	free(ws->labels);
	free(ws->lheap);
	free(ws);
}

static int ws_fit(struct cspf_ws *ws, uint32_t n, uint32_t l)
{
	if (n <= ws->cap_nodes && l <= ws->cap_links)
		return 0;
	ws_free_arrays(ws);
	n = n > ws->cap_nodes ? n : ws->cap_nodes;
	l = l > ws->cap_links ? l : ws->cap_links;
	ws->key = calloc((size_t)n + 1, sizeof(*ws->key));
	ws->pred = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->state = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->heap = calloc((size_t)n + 1, sizeof(struct hent));
	ws->pos = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->blocked = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->block_why = calloc((size_t)n + 1, 1);
	ws->perm_head = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->perm_stamp = calloc((size_t)n + 1, sizeof(uint32_t));
	ws->banned = calloc((size_t)l + 1, sizeof(uint32_t));
	ws->ban_why = calloc((size_t)l + 1, 1);
	ws->gen = ws->req_gen = 0;
	if (!ws->key || !ws->pred || !ws->state || !ws->heap || !ws->pos || !ws->blocked ||
	    !ws->block_why || !ws->perm_head || !ws->perm_stamp || !ws->banned ||
	    !ws->ban_why) {
		ws_free_arrays(ws);
		ws->key = NULL;
		ws->heap = NULL;
		ws->pred = ws->state = ws->pos = ws->blocked = NULL;
		ws->perm_head = ws->perm_stamp = ws->banned = NULL;
		ws->block_why = ws->ban_why = NULL;
		ws->cap_nodes = ws->cap_links = 0;
		return -ENOMEM;
	}
	ws->cap_nodes = n;
	ws->cap_links = l;
	return 0;
}

/* A new search generation (node states); stamps restart before they wrap. */
static void ws_next_gen(struct cspf_ws *ws)
{
	if (ws->gen >= (UINT32_MAX >> 1) - 2) {
		memset(ws->state, 0, (size_t)ws->cap_nodes * sizeof(uint32_t));
		memset(ws->perm_stamp, 0, (size_t)ws->cap_nodes * sizeof(uint32_t));
		ws->gen = 0;
	}
	ws->gen++;
}

static void ws_next_req(struct cspf_ws *ws)
{
	if (ws->req_gen >= UINT32_MAX - 2) {
		memset(ws->blocked, 0, (size_t)ws->cap_nodes * sizeof(uint32_t));
		memset(ws->banned, 0, (size_t)ws->cap_links * sizeof(uint32_t));
		ws->req_gen = 0;
	}
	ws->req_gen++;
}

/* ---- node heap (decrease-key, keyed by ws->key) ------------------------------------ */

static inline void heap_up(struct cspf_ws *ws, uint32_t i, uint32_t v, uint64_t k)
{
	struct hent *h = ws->heap;

	while (i > 0) {
		uint32_t p = (i - 1) >> 1;

		if (h[p].key <= k)
			break;
		h[i] = h[p];
		ws->pos[h[i].node] = i;
		i = p;
	}
	h[i].key = k;
	h[i].node = v;
	ws->pos[v] = i;
}

static inline uint32_t heap_pop(struct cspf_ws *ws)
{
	struct hent *h = ws->heap, last;
	uint32_t top = h[0].node, i = 0, n;

	n = --ws->heap_n;
	if (n == 0)
		return top;
	last = h[n];
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && h[c + 1].key < h[c].key)
			c++;
		if (h[c].key >= last.key)
			break;
		h[i] = h[c];
		ws->pos[h[i].node] = i;
		i = c;
	}
	h[i] = last;
	ws->pos[last.node] = i;
	return top;
}

/* ---- link admission ---------------------------------------------------------------- */

static inline bool arc_ok(const struct search *s, uint32_t l, const struct ted_arc *a)
{
	const struct cspf_ws *ws = s->ws;

	if (ws->banned[l] == ws->req_gen)
		return false;
	if (s->ag) {
		uint32_t g = a->admin_group;

		if ((g & s->excl) || (s->any && !(g & s->any)) || (g & s->all) != s->all)
			return false;
	}
	if (s->bw > 0 && s->avail[l] < s->bw)
		return false;
	return ws->blocked[a->to] != ws->req_gen;
}

/* ---- Dijkstra fast path ------------------------------------------------------------ */

/* Two paths into one node with equal (cost, hops): is the one ending in link a
 * lexicographically smaller (by link rank from the head) than the one ending in b?
 * Both predecessor chains have the same length; the first difference from the head is
 * the last one met walking back, and there both links leave the same node. */
static bool lex_less(const struct search *s, uint32_t a, uint32_t b)
{
	const struct ted_link *links = s->t->links;
	const uint32_t *pred = s->ws->pred;
	uint32_t da = a, db = b;

	while (a != b && a != TED_NONE && b != TED_NONE) {
		da = a;
		db = b;
		a = pred[links[a].from];
		b = pred[links[b].from];
	}
	return da < db;
}

static bool search_plain(struct search *s)
{
	struct cspf_ws *ws = s->ws;
	const ted_t *t = s->t;
	const struct ted_arc *arcs = t->arcs;
	const unsigned m = s->metric;
	uint32_t reached, settled;

	ws_next_gen(ws);
	reached = ws->gen * 2;
	settled = reached + 1;
	ws->heap_n = 0;
	ws->key[s->src] = 0;
	ws->pred[s->src] = TED_NONE;
	ws->state[s->src] = reached;
	ws->heap[0] = (struct hent){ .key = 0, .node = s->src };
	ws->heap_n = 1;
	ws->pos[s->src] = 0;
	while (ws->heap_n) {
		uint32_t u = heap_pop(ws);
		uint64_t ku = ws->key[u];
		uint32_t first, end;

		ws->state[u] = settled;
		if (u == s->dst)
			return true;
		first = t->nodes[u].out_first;
		end = first + t->nodes[u].out_count;
		for (uint32_t l = first; l < end; l++) {
			const struct ted_arc *a = &arcs[l];
			uint32_t v = a->to, st;
			uint64_t nk;

			if (!arc_ok(s, l, a))
				continue;
			st = ws->state[v];
			if (st == settled)
				continue;
			nk = ku + ((uint64_t)a->metric[m] << HOP_BITS) + 1;
			if (st != reached) {
				ws->state[v] = reached;
				ws->key[v] = nk;
				ws->pred[v] = l;
				heap_up(ws, ws->heap_n++, v, nk);
			} else if (nk < ws->key[v]) {
				ws->key[v] = nk;
				ws->pred[v] = l;
				heap_up(ws, ws->pos[v], v, nk);
			} else if (nk == ws->key[v] && lex_less(s, l, ws->pred[v])) {
				ws->pred[v] = l;
			}
		}
	}
	return false;
}

/* ---- exact constrained search (labels) --------------------------------------------- */

static inline bool lkey_less(const struct cspf_ws *ws, uint32_t a, uint32_t b)
{
	return ws->labels[a].key < ws->labels[b].key;
}

static int lheap_push(struct cspf_ws *ws, uint32_t li)
{
	uint32_t i;

	if (ws->lheap_n == ws->cap_lheap) {
		uint32_t cap = ws->cap_lheap ? ws->cap_lheap * 2 : 1024;
		uint32_t *h = realloc(ws->lheap, (size_t)cap * sizeof(*h));

		if (!h)
			return -ENOMEM;
		ws->lheap = h;
		ws->cap_lheap = cap;
	}
	i = ws->lheap_n++;
	while (i > 0) {
		uint32_t p = (i - 1) >> 1;

		if (!lkey_less(ws, li, ws->lheap[p]))
			break;
		ws->lheap[i] = ws->lheap[p];
		i = p;
	}
	ws->lheap[i] = li;
	return 0;
}

static uint32_t lheap_pop(struct cspf_ws *ws)
{
	uint32_t *h = ws->lheap, top = h[0], v, i = 0, n = --ws->lheap_n;

	if (n == 0)
		return top;
	v = h[n];
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= n)
			break;
		if (c + 1 < n && lkey_less(ws, h[c + 1], h[c]))
			c++;
		if (!lkey_less(ws, h[c], v))
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = v;
	return top;
}

static int label_new(struct cspf_ws *ws, uint32_t node, uint32_t link, uint32_t parent,
		     uint64_t key, uint64_t delay, uint32_t *out)
{
	if (ws->n_labels == ws->cap_labels) {
		uint32_t cap = ws->cap_labels ? ws->cap_labels * 2 : 1024;
		struct label *l;

		if (ws->cap_labels >= CSPF_MAX_LABELS)
			return -E2BIG;
		l = realloc(ws->labels, (size_t)cap * sizeof(*l));
		if (!l)
			return -ENOMEM;
		ws->labels = l;
		ws->cap_labels = cap;
	}
	ws->labels[ws->n_labels] = (struct label){ .key = key, .delay = delay, .node = node,
						   .link = link, .parent = parent,
						   .next_perm = TED_NONE };
	*out = ws->n_labels++;
	return 0;
}

/* Label paths of equal length: is a's link sequence lexicographically below b's? */
static bool label_lex_less(const struct cspf_ws *ws, uint32_t a, uint32_t b)
{
	uint32_t da = 0, db = 0;

	while (a != b && a != TED_NONE && b != TED_NONE) {
		da = ws->labels[a].link;
		db = ws->labels[b].link;
		a = ws->labels[a].parent;
		b = ws->labels[b].parent;
	}
	return da < db;
}

/* Is a label (key, delay) at node v dominated by a permanent label there? Equal
 * (cost, hops) counts only with `cand` set (then lexicographic order decides). */
static bool dominated(const struct cspf_ws *ws, uint32_t v, uint64_t key, uint64_t delay,
		      uint32_t cand)
{
	uint64_t cost = KEY_COST(key);
	uint32_t hops = KEY_HOPS(key);

	if (ws->perm_stamp[v] != ws->gen)
		return false;
	for (uint32_t p = ws->perm_head[v]; p != TED_NONE; p = ws->labels[p].next_perm) {
		const struct label *q = &ws->labels[p];

		if (KEY_COST(q->key) > cost || KEY_HOPS(q->key) > hops || q->delay > delay)
			continue;
		if (KEY_COST(q->key) < cost || KEY_HOPS(q->key) < hops)
			return true;
		if (cand != TED_NONE && !label_lex_less(ws, cand, p))
			return true;
	}
	return false;
}

/* Returns 1 found (path in *out_label), 0 none, or -ENOMEM / -E2BIG. */
static int search_labels(struct search *s, uint32_t *out_label)
{
	struct cspf_ws *ws = s->ws;
	const ted_t *t = s->t;
	const unsigned m = s->metric;
	uint32_t best = TED_NONE, li;
	int rc;

	ws_next_gen(ws);
	ws->n_labels = 0;
	ws->lheap_n = 0;
	if ((rc = label_new(ws, s->src, TED_NONE, TED_NONE, 0, 0, &li)) < 0 ||
	    (rc = lheap_push(ws, li)) < 0)
		return rc;
	while (ws->lheap_n) {
		struct label L;
		uint32_t first, end, cur = lheap_pop(ws);

		L = ws->labels[cur];
		if (best != TED_NONE && L.key > ws->labels[best].key)
			break;
		if (dominated(ws, L.node, L.key, L.delay, cur))
			continue;
		if (L.node == s->dst) {
			if (best == TED_NONE || label_lex_less(ws, cur, best))
				best = cur;
			continue;
		}
		if (best != TED_NONE)
			continue; /* its extensions cost more than best */
		if (ws->perm_stamp[L.node] != ws->gen) {
			ws->perm_stamp[L.node] = ws->gen;
			ws->perm_head[L.node] = TED_NONE;
		}
		ws->labels[cur].next_perm = ws->perm_head[L.node];
		ws->perm_head[L.node] = cur;
		first = t->nodes[L.node].out_first;
		end = first + t->nodes[L.node].out_count;
		for (uint32_t l = first; l < end; l++) {
			const struct ted_arc *a = &t->arcs[l];
			uint64_t nk, nd;
			uint32_t nl;

			if (!arc_ok(s, l, a))
				continue;
			nk = L.key + ((uint64_t)a->metric[m] << HOP_BITS) + 1;
			nd = L.delay + a->metric[TED_METRIC_DELAY];
			if ((s->max_hops && KEY_HOPS(nk) > s->max_hops) || nd > s->max_delay ||
			    KEY_HOPS(nk) == 0 /* wrapped */)
				continue;
			if (dominated(ws, a->to, nk, nd, TED_NONE))
				continue;
			rc = label_new(ws, a->to, l, cur, nk, nd, &nl);
			if (rc == -E2BIG) {
				s->label_overflow = true;
				return 0;
			}
			if (rc < 0 || (rc = lheap_push(ws, nl)) < 0)
				return rc;
		}
	}
	*out_label = best;
	return best != TED_NONE;
}

/* ---- request setup ----------------------------------------------------------------- */

static void ban(struct cspf_ws *ws, const ted_t *t, uint32_t l, uint8_t why)
{
	if (l >= t->n_links)
		return;
	if (ws->banned[l] != ws->req_gen) {
		ws->banned[l] = ws->req_gen;
		ws->ban_why[l] = why;
	}
}

static void block(struct cspf_ws *ws, uint32_t v, uint8_t why)
{
	if (ws->blocked[v] != ws->req_gen) {
		ws->blocked[v] = ws->req_gen;
		ws->block_why[v] = why;
	}
}

static bool srlg_hit(const ted_t *t, uint32_t l, const uint32_t *set, size_t n)
{
	const struct ted_link *k = &t->links[l];

	for (uint32_t i = 0; i < k->n_srlgs; i++)
		for (size_t j = 0; j < n; j++)
			if (t->srlgs[k->srlg_first + i] == set[j])
				return true;
	return false;
}

static int setup_request(const ted_t *t, const struct cspf_request *rq, struct cspf_ws *ws)
{
	const struct lsp_request *r = rq->req;
	char name[KEYS_LINK_STRLEN];

	ws_next_req(ws);
	for (size_t i = 0; i < r->n_avoid_links && i < LSP_MAX_AVOID; i++) {
		uint32_t l;

		if (keys_link_format(&r->avoid_links[i], name, sizeof(name)) < 0)
			continue;
		l = ted_link_find(t, name);
		if (l == TED_NONE)
			continue;
		ban(ws, t, l, WHY_AVOID_LINK);
		ban(ws, t, t->links[l].reverse, WHY_AVOID_LINK);
	}
	if (r->n_avoid_srlgs) {
		size_t n = r->n_avoid_srlgs < LSP_MAX_AVOID ? r->n_avoid_srlgs : LSP_MAX_AVOID;

		for (uint32_t l = 0; l < t->n_links; l++)
			if (t->arcs[l].n_srlgs && srlg_hit(t, l, r->avoid_srlgs, n))
				ban(ws, t, l, WHY_AVOID_SRLG);
	}
	if (rq->diverse && rq->diverse->n) {
		const struct cspf_path *d = rq->diverse;
		size_t n_set = 0, cap = 0;
		uint32_t *set = NULL;

		for (uint32_t i = 0; i < d->n; i++) {
			if (d->links[i] >= t->n_links)
				continue;
			ban(ws, t, d->links[i], WHY_DIVERSE);
			ban(ws, t, t->links[d->links[i]].reverse, WHY_DIVERSE);
			cap += t->links[d->links[i]].n_srlgs;
		}
		if (r->diversity == LSP_DIVERSE_SRLG && cap) {
			set = malloc(cap * sizeof(*set));
			if (!set)
				return -ENOMEM;
			for (uint32_t i = 0; i < d->n; i++) {
				const struct ted_link *k;

				if (d->links[i] >= t->n_links)
					continue;
				k = &t->links[d->links[i]];
				for (uint32_t j = 0; j < k->n_srlgs; j++)
					set[n_set++] = t->srlgs[k->srlg_first + j];
			}
			for (uint32_t l = 0; l < t->n_links; l++)
				if (t->arcs[l].n_srlgs && srlg_hit(t, l, set, n_set))
					ban(ws, t, l, WHY_DIVERSE);
			free(set);
		}
	}
	for (uint32_t i = 0; i < t->n_overloaded; i++)
		block(ws, t->overloaded[i], BLOCK_OVERLOAD);
	for (size_t i = 0; i < r->n_avoid_nodes && i < LSP_MAX_AVOID; i++) {
		uint32_t v = ted_node_find(t, r->avoid_nodes[i]);

		if (v != TED_NONE)
			block(ws, v, BLOCK_AVOID);
	}
	return 0;
}

/* ---- reasons ----------------------------------------------------------------------- */

struct sbuf {
	char *buf;
	size_t len, o;
};

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int w;

	if (b->o >= b->len)
		return;
	va_start(ap, fmt);
	w = vsnprintf(b->buf + b->o, b->len - b->o, fmt, ap);
	va_end(ap);
	if (w > 0)
		b->o += (size_t)w;
	if (b->o >= b->len)
		b->o = b->len - 1;
}

/* Classify every link (first reason) and blocked node for the failing segment. */
static void count_pruned(const struct search *s, struct cspf_pruned *pr, uint32_t *excl_hit,
			 uint32_t *any_miss, uint32_t *all_miss)
{
	const ted_t *t = s->t;
	const struct cspf_ws *ws = s->ws;

	memset(pr, 0, sizeof(*pr));
	*excl_hit = *any_miss = *all_miss = 0;
	for (uint32_t l = 0; l < t->n_links; l++) {
		uint32_t g = t->arcs[l].admin_group;
		int why = -1;

		if (g & s->excl) {
			why = CSPF_PRUNE_EXCLUDE;
			*excl_hit |= g & s->excl;
		} else if (s->any && !(g & s->any)) {
			why = CSPF_PRUNE_INCLUDE_ANY;
		} else if ((g & s->all) != s->all) {
			why = CSPF_PRUNE_INCLUDE_ALL;
			*all_miss |= s->all & ~g;
		} else if (ws->banned[l] == ws->req_gen) {
			why = ws->ban_why[l] == WHY_AVOID_LINK ? CSPF_PRUNE_AVOID_LINK :
			      ws->ban_why[l] == WHY_AVOID_SRLG ? CSPF_PRUNE_AVOID_SRLG :
								 CSPF_PRUNE_DIVERSE;
		} else if (s->bw > 0 && s->avail[l] < s->bw) {
			why = CSPF_PRUNE_BANDWIDTH;
		}
		if (why >= 0)
			pr->links[why]++;
	}
	*any_miss = s->any;
	for (uint32_t v = 0; v < t->n_nodes; v++) {
		if (ws->blocked[v] != ws->req_gen || v == s->src || v == s->dst)
			continue;
		if (ws->block_why[v] == BLOCK_OVERLOAD)
			pr->nodes_overloaded++;
		else if (ws->block_why[v] == BLOCK_AVOID)
			pr->nodes_avoided++;
		else
			pr->nodes_on_path++;
	}
}

static void add_group_names(struct sbuf *b, const struct admin_group_refs *refs,
			    const uint8_t *bits, uint32_t mask)
{
	bool first = true;

	for (size_t i = 0; i < refs->n && i < LSP_MAX_GROUP_REFS; i++) {
		if (!(mask & (1u << bits[i])))
			continue;
		sb_add(b, "%s%s", first ? " " : ",", refs->name[i]);
		first = false;
	}
}

static void explain(const struct search *s, const struct cspf_request *rq, bool bounded,
		    struct cspf_result *res)
{
	static const char *const what[CSPF_PRUNE_LINK_REASONS] = {
		"admin group exclude", "admin group include-any", "admin group include-all",
		"avoid_links", "avoid_srlgs", "diverse_from", "bandwidth",
	};
	const struct lsp_request *r = rq->req;
	const ted_t *t = s->t;
	struct sbuf b = { res->reason, sizeof(res->reason), 0 };
	uint32_t excl_hit, any_miss, all_miss, total = 0;
	bool first = true;

	count_pruned(s, &res->pruned, &excl_hit, &any_miss, &all_miss);
	sb_add(&b, "no path from %s to %s", t->nodes[s->src].name, t->nodes[s->dst].name);
	if (r->n_explicit_hops)
		sb_add(&b, " (segment %u, %s)", res->segment,
		       s->strict ? "strict" : "loose");
	sb_add(&b, ":");
	for (int k = 0; k < CSPF_PRUNE_LINK_REASONS; k++) {
		uint32_t n = res->pruned.links[k];

		if (!n)
			continue;
		total += n;
		if (first)
			sb_add(&b, " %u link%s pruned for %s", n, n == 1 ? "" : "s", what[k]);
		else
			sb_add(&b, ", %u for %s", n, what[k]);
		if (k == CSPF_PRUNE_EXCLUDE)
			add_group_names(&b, &r->exclude, rq->groups.exclude_bit, excl_hit);
		else if (k == CSPF_PRUNE_INCLUDE_ANY)
			add_group_names(&b, &r->include_any, rq->groups.any_bit, any_miss);
		else if (k == CSPF_PRUNE_INCLUDE_ALL)
			add_group_names(&b, &r->include_all, rq->groups.all_bit, all_miss);
		first = false;
	}
	if (res->pruned.nodes_overloaded)
		sb_add(&b, "%s %u overloaded node%s not used as transit", first ? "" : ";",
		       res->pruned.nodes_overloaded, res->pruned.nodes_overloaded == 1 ? "" : "s"),
			first = false;
	if (res->pruned.nodes_avoided)
		sb_add(&b, "%s %u node%s avoided", first ? "" : ";", res->pruned.nodes_avoided,
		       res->pruned.nodes_avoided == 1 ? "" : "s"),
			first = false;
	if (res->pruned.nodes_on_path)
		sb_add(&b, "%s %u node%s already on the path or later explicit hops",
		       first ? "" : ";", res->pruned.nodes_on_path,
		       res->pruned.nodes_on_path == 1 ? "" : "s"),
			first = false;
	if (bounded) {
		sb_add(&b, "%s none within", first ? "" : ";");
		if (s->max_hops)
			sb_add(&b, " %u hop%s", s->max_hops, s->max_hops == 1 ? "" : "s");
		if (s->max_hops && s->max_delay != UINT64_MAX)
			sb_add(&b, " and");
		if (s->max_delay != UINT64_MAX)
			sb_add(&b, " %llu us delay", (unsigned long long)s->max_delay);
		if (s->label_overflow)
			sb_add(&b, " (search limit of %u labels reached)", CSPF_MAX_LABELS);
		first = false;
	}
	if (first)
		sb_add(&b, " not connected in the TED");
	if (t->n_one_way)
		sb_add(&b, " (%u one-way link%s ignored)", t->n_one_way,
		       t->n_one_way == 1 ? "" : "s");
	(void)total;
}

static void fail(struct cspf_result *res, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void fail(struct cspf_result *res, const char *fmt, ...)
{
	va_list ap;

	res->found = false;
	va_start(ap, fmt);
	vsnprintf(res->reason, sizeof(res->reason), fmt, ap);
	va_end(ap);
}

/* ---- segments ---------------------------------------------------------------------- */

/* Append the segment path found by search_plain (pred chain) or search_labels. */
static int append_plain(const struct search *s, struct cspf_result *res)
{
	const ted_t *t = s->t;
	uint32_t n = 0, v = s->dst, start = res->path.n;

	while (v != s->src) {
		n++;
		v = t->links[s->ws->pred[v]].from;
	}
	if (path_reserve(&res->path, start + n) < 0)
		return -ENOMEM;
	v = s->dst;
	for (uint32_t i = n; i > 0; i--) {
		uint32_t l = s->ws->pred[v];

		res->path.links[start + i - 1] = l;
		v = t->links[l].from;
	}
	res->path.n = start + n;
	return 0;
}

static int append_labels(const struct search *s, uint32_t label, struct cspf_result *res)
{
	const struct cspf_ws *ws = s->ws;
	uint32_t n = KEY_HOPS(ws->labels[label].key), start = res->path.n, li = label;

	if (path_reserve(&res->path, start + n) < 0)
		return -ENOMEM;
	for (uint32_t i = n; i > 0; i--) {
		res->path.links[start + i - 1] = ws->labels[li].link;
		li = ws->labels[li].parent;
	}
	res->path.n = start + n;
	return 0;
}

/* Runs one segment; appends to res->path. Returns 1 found, 0 not (reason written),
 * or a negative errno. */
static int run_segment(struct search *s, const struct cspf_request *rq,
		       struct cspf_result *res)
{
	const ted_t *t = s->t;
	uint32_t start = res->path.n, hops = 0, label;
	uint64_t delay = 0;
	int rc;

	if (!search_plain(s)) {
		explain(s, rq, false, res);
		return 0;
	}
	if ((rc = append_plain(s, res)) < 0)
		return rc;
	for (uint32_t i = start; i < res->path.n; i++)
		delay += t->arcs[res->path.links[i]].metric[TED_METRIC_DELAY];
	hops = res->path.n - start;
	if ((!s->max_hops || hops <= s->max_hops) && delay <= s->max_delay)
		return 1;
	res->path.n = start;
	rc = search_labels(s, &label);
	if (rc < 0)
		return rc;
	if (rc == 0) {
		explain(s, rq, true, res);
		return 0;
	}
	return append_labels(s, label, res) < 0 ? -ENOMEM : 1;
}

/* A computation's start: the result cleared, the overlay matching the TED, the
 * workspace sized. */
static int begin(const ted_t *t, const struct cspf_request *rq, struct cspf_ws *ws,
		 struct cspf_result *res)
{
	res->found = false;
	res->path.n = 0;
	res->cost = res->delay_us = 0;
	res->hops = res->segment = 0;
	res->reason[0] = 0;
	memset(&res->pruned, 0, sizeof(res->pruned));
	if (rq->overlay && rq->overlay->n_links != t->n_links)
		return -EINVAL;
	return ws_fit(ws, t->n_nodes, t->n_links);
}

/* The request's metric, priority, bandwidth view and admin groups. */
static void search_init(struct search *s, const ted_t *t, const struct cspf_request *rq,
			struct cspf_ws *ws)
{
	const struct lsp_request *r = rq->req;

	memset(s, 0, sizeof(*s));
	s->t = t;
	s->ws = ws;
	s->metric = r->metric == LSP_METRIC_IGP ? TED_METRIC_IGP :
		    r->metric == LSP_METRIC_DELAY ? TED_METRIC_DELAY : TED_METRIC_TE;
	s->prio = r->setup_priority < TED_PRIORITIES ? r->setup_priority : TED_PRIORITIES - 1;
	s->bw = (double)r->bandwidth_bps;
	s->avail = (rq->overlay ? rq->overlay->avail : t->unrsv_prio) +
		   (size_t)s->prio * t->n_links;
	s->excl = rq->groups.exclude;
	s->any = rq->groups.include_any;
	s->all = rq->groups.include_all;
	s->ag = s->excl || s->any || s->all;
}

int cspf_compute(const ted_t *t, const struct cspf_request *rq, struct cspf_ws *ws,
		 struct cspf_result *res)
{
	const struct lsp_request *r;
	uint32_t wp[LSP_MAX_HOPS + 2];
	bool strict[LSP_MAX_HOPS + 2];
	uint32_t n_wp = 0, hops_used = 0;
	uint64_t delay_used = 0;
	struct search s;
	int rc;

	if (!t || !rq || !rq->req || !ws || !res || !t->nodes)
		return -EINVAL;
	r = rq->req;
	if ((rc = begin(t, rq, ws, res)) < 0)
		return rc;
	wp[n_wp] = ted_node_find(t, r->from);
	strict[n_wp++] = false;
	if (wp[0] == TED_NONE)
		return fail(res, "no path: head-end %s is not in the TED", r->from), 0;
	for (size_t i = 0; i < r->n_explicit_hops && i < LSP_MAX_HOPS; i++) {
		const char *h = r->explicit_hops[i].node;
		uint32_t v = ted_node_find(t, h);

		if (v == TED_NONE)
			return fail(res, "no path: explicit hop %s is not in the TED", h), 0;
		wp[n_wp] = v;
		strict[n_wp++] = r->explicit_hops[i].type == LSP_HOP_STRICT;
	}
	if (n_wp == 1 || wp[n_wp - 1] != ted_node_find(t, r->to)) {
		wp[n_wp] = ted_node_find(t, r->to);
		strict[n_wp++] = false;
		if (wp[n_wp - 1] == TED_NONE)
			return fail(res, "no path: tail-end %s is not in the TED", r->to), 0;
	}
	for (uint32_t i = 0; i < n_wp; i++)
		for (uint32_t j = i + 1; j < n_wp; j++)
			if (wp[i] == wp[j])
				return fail(res, "no path: explicit hops visit %s twice",
					    t->nodes[wp[i]].name), 0;
	if ((rc = setup_request(t, rq, ws)) < 0)
		return rc;
	for (uint32_t i = 1; i + 1 < n_wp; i++) {
		uint32_t v = wp[i];

		if (ws->blocked[v] == ws->req_gen)
			return fail(res, "no path: explicit hop %s is %s", t->nodes[v].name,
				    ws->block_why[v] == BLOCK_OVERLOAD ? "overloaded" :
									 "in avoid_nodes"), 0;
	}
	for (uint32_t i = 0; i < n_wp; i++)
		block(ws, wp[i], BLOCK_PATH);
	search_init(&s, t, rq, ws);
	for (uint32_t i = 1; i < n_wp; i++) {
		uint32_t start = res->path.n;

		s.src = wp[i - 1];
		s.dst = wp[i];
		ws->blocked[s.dst] = 0; /* the segment's target may be entered */
		if (r->max_hops && hops_used >= r->max_hops) {
			fail(res, "no path from %s to %s (segment %u): max_hops %u used up by the "
				  "earlier segments", t->nodes[s.src].name, t->nodes[s.dst].name, i,
			     r->max_hops);
			res->path.n = 0;
			return 0;
		}
		s.max_hops = r->max_hops ? r->max_hops - hops_used : 0;
		s.strict = strict[i];
		if (s.strict)
			s.max_hops = 1;
		s.max_delay = r->max_delay_us ? (uint64_t)r->max_delay_us - delay_used : UINT64_MAX;
		s.label_overflow = false;
		res->segment = i;
		rc = run_segment(&s, rq, res);
		if (rc <= 0) {
			res->path.n = 0;
			return rc;
		}
		for (uint32_t k = start; k < res->path.n; k++) {
			const struct ted_arc *a = &t->arcs[res->path.links[k]];

			res->cost += a->metric[s.metric];
			delay_used += a->metric[TED_METRIC_DELAY];
			block(ws, a->to, BLOCK_PATH);
		}
		hops_used += res->path.n - start;
	}
	res->found = true;
	res->segment = 0;
	res->hops = res->path.n;
	res->delay_us = delay_used;
	return 0;
}

/* RFC 4090 facility backup from in_link's PLR to `to` on TE metric, avoiding both
 * directions of in_link, every link sharing one of its SRLGs and, unless TED_NONE,
 * node `avoid`. */
static int facility_bypass(const ted_t *t, uint32_t in_link, uint32_t to, uint32_t avoid,
			   struct cspf_ws *ws, struct cspf_result *res)
{
	struct lsp_request req;
	struct cspf_request rq;
	struct cspf_path one;
	uint32_t l = in_link;

	memset(&req, 0, sizeof(req));
	snprintf(req.from, sizeof(req.from), "%s", t->nodes[t->links[in_link].from].name);
	snprintf(req.to, sizeof(req.to), "%s", t->nodes[to].name);
	req.setup_priority = 7;
	req.metric = LSP_METRIC_TE;
	if (avoid != TED_NONE) {
		req.n_avoid_nodes = 1;
		snprintf(req.avoid_nodes[0], sizeof(req.avoid_nodes[0]), "%s", t->nodes[avoid].name);
	}
	req.has_diverse_from = true;
	req.diversity = LSP_DIVERSE_SRLG;
	one = (struct cspf_path){ .n = 1, .cap = 1, .links = &l };
	memset(&rq, 0, sizeof(rq));
	rq.req = &req;
	rq.diverse = &one;
	return cspf_compute(t, &rq, ws, res);
}

int cspf_bypass(const ted_t *t, uint32_t link, struct cspf_ws *ws, struct cspf_result *res)
{
	if (!t || !ws || !res || !t->nodes || link >= t->n_links)
		return -EINVAL;
	return facility_bypass(t, link, t->links[link].to, TED_NONE, ws, res);
}

int cspf_node_bypass(const ted_t *t, uint32_t in_link, uint32_t out_link, struct cspf_ws *ws,
		     struct cspf_result *res)
{
	if (!t || !ws || !res || !t->nodes || in_link >= t->n_links || out_link >= t->n_links ||
	    t->links[out_link].from != t->links[in_link].to ||
	    t->links[out_link].to == t->links[in_link].from)
		return -EINVAL;
	return facility_bypass(t, in_link, t->links[out_link].to, t->links[in_link].to, ws, res);
}

/* ---- checking a held path ------------------------------------------------------------ */

static const char *ban_reason(const struct search *s, uint32_t l, const struct ted_arc *a)
{
	const struct cspf_ws *ws = s->ws;

	if (ws->banned[l] == ws->req_gen)
		return ws->ban_why[l] == WHY_AVOID_LINK ? "it is in avoid_links" :
		       ws->ban_why[l] == WHY_AVOID_SRLG ? "it carries an avoided SRLG" :
							  "it is not diverse from diverse_from";
	if (s->ag && (a->admin_group & s->excl))
		return "its admin groups hit exclude";
	if (s->ag && s->any && !(a->admin_group & s->any))
		return "its admin groups miss include_any";
	if (s->ag && (a->admin_group & s->all) != s->all)
		return "its admin groups miss include_all";
	if (s->bw > 0 && s->avail[l] < s->bw)
		return "too little unreserved bandwidth";
	if (ws->blocked[a->to] == ws->req_gen)
		return ws->block_why[a->to] == BLOCK_OVERLOAD ? "it enters an overloaded node" :
		       ws->block_why[a->to] == BLOCK_AVOID    ? "it enters a node in avoid_nodes" :
								"it enters a node twice";
	return NULL;
}

int cspf_check_path(const ted_t *t, const struct cspf_request *rq, const struct cspf_path *p,
		    struct cspf_ws *ws, struct cspf_result *res)
{
	const struct lsp_request *r;
	uint32_t head, tail, at;
	char lbl[KEYS_LINK_STRLEN + 64];
	struct search s;
	int rc;

	if (!t || !rq || !rq->req || !p || !ws || !res || !t->nodes)
		return -EINVAL;
	r = rq->req;
	if ((rc = begin(t, rq, ws, res)) < 0)
		return rc;
	head = ted_node_find(t, r->from);
	tail = ted_node_find(t, r->to);
	if (head == TED_NONE || tail == TED_NONE || p->n == 0)
		return fail(res, "the head or tail is no longer in the TED"), 0;
	for (uint32_t i = 0; i < p->n; i++)
		if (p->links[i] >= t->n_links)
			return fail(res, "a link of the path is no longer in the TED"), 0;
	if (t->links[p->links[0]].from != head || t->links[p->links[p->n - 1]].to != tail)
		return fail(res, "the path no longer joins %s to %s", r->from, r->to), 0;
	if (r->max_hops && p->n > r->max_hops)
		return fail(res, "the path has %u links, more than max_hops %u", p->n, r->max_hops), 0;
	if ((rc = setup_request(t, rq, ws)) < 0)
		return rc;
	search_init(&s, t, rq, ws);
	block(ws, head, BLOCK_PATH);
	at = head;
	for (uint32_t i = 0; i < p->n; i++) {
		uint32_t l = p->links[i];
		const struct ted_arc *a = &t->arcs[l];
		const char *why;

		if (t->links[l].from != at)
			return fail(res, "the path's links are no longer contiguous"), 0;
		if (a->to == tail && i + 1 == p->n && ws->block_why[tail] != BLOCK_PATH)
			ws->blocked[tail] = 0; /* the tail is not transit */
		if ((why = ban_reason(&s, l, a)) != NULL)
			return fail(res, "%s: %s", ted_link_label(t, l, lbl, sizeof(lbl)), why), 0;
		res->cost += a->metric[s.metric];
		res->delay_us += a->metric[TED_METRIC_DELAY];
		block(ws, a->to, BLOCK_PATH);
		at = a->to;
	}
	if (r->max_delay_us && res->delay_us > r->max_delay_us) {
		fail(res, "the path's delay %llu us exceeds max_delay_us %u",
		     (unsigned long long)res->delay_us, r->max_delay_us);
		res->cost = res->delay_us = 0;
		return 0;
	}
	if ((rc = cspf_path_copy(&res->path, p)) < 0)
		return rc;
	res->found = true;
	res->hops = p->n;
	return 0;
}

/* ---- placement --------------------------------------------------------------------- */

static int place_cmp(const void *a, const void *b, void *ctx)
{
	const struct cspf_place_item *items = ctx;
	uint32_t i = *(const uint32_t *)a, j = *(const uint32_t *)b;
	const struct lsp_request *x = items[i].req, *y = items[j].req;
	int c;

	if (x->setup_priority != y->setup_priority)
		return x->setup_priority < y->setup_priority ? -1 : 1;
	if (x->bandwidth_bps != y->bandwidth_bps)
		return x->bandwidth_bps > y->bandwidth_bps ? -1 : 1;
	c = strcmp(items[i].name ? items[i].name : "", items[j].name ? items[j].name : "");
	if (c)
		return c;
	return (i > j) - (i < j);
}

void cspf_place_order(const struct cspf_place_item *items, size_t n, uint32_t *order)
{
	for (size_t i = 0; i < n; i++)
		order[i] = (uint32_t)i;
	if (n > 1)
		qsort_r(order, n, sizeof(*order), place_cmp, (void *)items);
}

int cspf_place(const ted_t *t, const struct cspf_place_item *items, size_t n,
	       struct cspf_overlay *ov, struct cspf_ws *ws, struct cspf_result *results,
	       uint32_t *order)
{
	uint32_t *ord = order;
	int placed = 0, rc = 0;

	if (!t || (!items && n) || !ov || !ws || (!results && n))
		return -EINVAL;
	if (n > (size_t)INT32_MAX)
		return -EINVAL;
	if (!ord && n) {
		ord = malloc(n * sizeof(*ord));
		if (!ord)
			return -ENOMEM;
	}
	cspf_place_order(items, n, ord);
	for (size_t k = 0; k < n; k++) {
		uint32_t i = ord[k];
		struct cspf_request rq = { .req = items[i].req, .groups = items[i].groups,
					   .diverse = items[i].diverse, .overlay = ov };

		rc = cspf_compute(t, &rq, ws, &results[i]);
		if (rc < 0)
			break;
		if (!results[i].found)
			continue;
		placed++;
		if (items[i].req->bandwidth_bps &&
		    (rc = cspf_overlay_reserve(ov, &results[i].path,
					       (double)items[i].req->bandwidth_bps,
					       items[i].req->hold_priority)) < 0)
			break;
	}
	if (ord != order)
		free(ord);
	return rc < 0 ? rc : placed;
}
