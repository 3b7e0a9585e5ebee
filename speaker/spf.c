/* spf — Dijkstra over the decoded LSPs of one IS-IS level, ECMP first hops, IPv4/IPv6
 * routes, and the SPF run scheduler (RFC 8405 5.1's state machine, logging each state
 * change through lib/log.h log_state as speaker/adj.c does).
 *
 * ISO 10589 7.2 (decision process), RFC 1195 / RFC 5305 3-4 (TLV 22, 135, wide
 * metrics, MAX_PATH_METRIC), RFC 5308 2 (TLV 236), RFC 5302 / RFC 7775 (up/down bit).
 * A run: (1) the LSPs from the caller's iterator are sorted by LSP ID, so nodes get
 * indexes in ID order and a system's fragments are adjacent (duplicates: highest
 * sequence number wins; a system without fragment 0 is ignored); (2) TLV 22 entries
 * become directed edges per node, parallel entries collapse to the lowest metric, edges
 * out of a pseudonode cost 0, and an edge survives only if its far end reports it back
 * (two-way check); (3) Dijkstra with a binary heap on flat arrays (pseudonodes first
 * on equal distance, overloaded nodes are not relaxed), first hops as bit sets over the
 * caller's adjacency table, unioned on equal distance; (4) every prefix of every reached
 * system becomes a candidate, candidates are sorted by prefix and the best (local, then
 * up/down clear, then metric) win with the union of their first hops. Types and the
 * contract are in speaker/spf.h; the caller is the speaker's loop (LSDB, adjacencies). */
#include "speaker/spf.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/log.h"

#define NONE UINT32_MAX
#define EDGE_KEEP 0x80000000u	/* in spf_edge.metric: passed the two-way check */

struct spf_lsp {
	uint64_t key;		/* node ID, big-endian in the low 56 bits */
	uint32_t seq;
	uint8_t frag;
	const struct isis_pdu *p;
};

struct spf_edge {
	uint32_t to;
	uint32_t metric;	/* 24-bit wide metric, EDGE_KEEP bit */
};

/* A prefix advertisement; sorted by (family, address, length) as prefix_cmp orders
 * prefixes, then preference, metric and node. The address is kept as two big-endian
 * integers (host bits cleared) so comparing is a few integer compares. */
struct spf_cand {
	uint64_t hi, lo;
	uint8_t family;
	uint8_t plen;
	uint8_t rank;		/* 0 local, 1 normal, 2 up/down set (level 2) */
	uint32_t metric;
	uint32_t node;
};

struct spf_priv {
	struct spf_lsp *lsps;
	size_t nlsps, lsps_cap;
	/* per node; node_cap entries each */
	size_t node_cap;
	uint64_t *key;
	uint32_t *lsp_off, *lsp_n;
	uint32_t *edge_off, *edge_n;
	uint32_t *dist;
	uint32_t *hpos;
	uint32_t *heap;
	uint32_t *order;
	uint8_t *flags;		/* ISIS_SPF_N_* */
	uint8_t *attached;	/* root, or a pseudonode reached straight from the root */
	uint8_t *settled;
	/* node_cap * nw words each */
	size_t bits_cap;
	uint64_t *nhbits;
	uint64_t *adjbits;
	struct spf_edge *edges;
	size_t nedges, edges_cap;
	struct spf_cand *cands;
	size_t ncands, cands_cap;
	size_t nodes_cap, routes_cap, nh_cap;
	size_t nw;		/* 64-bit words per next-hop set */
	uint64_t *tmp;		/* nw words */
	size_t tmp_cap;
	size_t norder;
};

/* --- small helpers ------------------------------------------------------------------- */

static int grow(void *pp, size_t *cap, size_t need, size_t size)
{
	void **p = pp;
	size_t n = *cap ? *cap : 16;
	void *v;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	if (!(v = realloc(*p, n * size)))
		return -ENOMEM;
	*p = v;
	*cap = n;
	return 0;
}

static uint64_t id_key(const uint8_t *id)
{
	uint64_t k = 0;

	for (int i = 0; i < ISIS_NODEID_LEN; i++)
		k = k << 8 | id[i];
	return k;
}

static void key_id(uint64_t k, uint8_t *id)
{
	for (int i = ISIS_NODEID_LEN - 1; i >= 0; i--, k >>= 8)
		id[i] = (uint8_t)k;
}

static int lsp_cmp(const void *a, const void *b)
{
	const struct spf_lsp *x = a, *y = b;

	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->frag != y->frag)
		return x->frag < y->frag ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq > y->seq ? -1 : 1;	/* highest sequence number first */
	return 0;
}

static uint32_t node_find(const struct spf_priv *s, size_t n, uint64_t key)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->key[mid] < key)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && s->key[lo] == key ? (uint32_t)lo : NONE;
}

static bool bits_empty(const uint64_t *b, size_t nw)
{
	for (size_t i = 0; i < nw; i++)
		if (b[i])
			return false;
	return true;
}

/* --- workspace ------------------------------------------------------------------------- */

void isis_spf_init(struct isis_spf *spf)
{
	memset(spf, 0, sizeof(*spf));
}

static void priv_free(struct spf_priv *s)
{
	if (!s)
		return;
	free(s->lsps);
	free(s->key);
	free(s->lsp_off);
	free(s->lsp_n);
	free(s->edge_off);
	free(s->edge_n);
	free(s->dist);
	free(s->hpos);
	free(s->heap);
	free(s->order);
	free(s->flags);
	free(s->attached);
	free(s->settled);
	free(s->nhbits);
	free(s->adjbits);
	free(s->edges);
	free(s->cands);
	free(s->tmp);
	free(s);
}

void isis_spf_free(struct isis_spf *spf)
{
	priv_free(spf->priv);
	free(spf->nodes);
	free(spf->routes);
	free(spf->nh);
	memset(spf, 0, sizeof(*spf));
}

static int nodes_reserve(struct spf_priv *s, size_t n)
{
	size_t cap = s->node_cap, c;

	if (n <= cap)
		return 0;
#define G(f) do { c = cap; if (grow(&s->f, &c, n, sizeof(*s->f)) < 0) return -ENOMEM; } while (0)
	G(key);
	G(lsp_off);
	G(lsp_n);
	G(edge_off);
	G(edge_n);
	G(dist);
	G(hpos);
	G(heap);
	G(order);
	G(flags);
	G(attached);
	G(settled);
#undef G
	s->node_cap = c;
	return 0;
}

static int bits_reserve(struct spf_priv *s, size_t words)
{
	size_t c = s->bits_cap;

	if (grow(&s->nhbits, &c, words, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	c = s->bits_cap;
	if (grow(&s->adjbits, &c, words, sizeof(uint64_t)) < 0)
		return -ENOMEM;
	s->bits_cap = c;
	return 0;
}

/* --- (1) LSPs -> nodes --------------------------------------------------------------- */

const struct isis_pdu *isis_spf_array_next(void *ctx)
{
	struct isis_spf_array *a = ctx;

	return a->pos < a->n ? a->v[a->pos++] : NULL;
}

static int collect(struct spf_priv *s, const struct isis_spf_input *in)
{
	uint8_t type = in->level == 1 ? ISIS_L1_LSP : ISIS_L2_LSP;
	const struct isis_pdu *p;

	s->nlsps = 0;
	while ((p = in->next(in->ctx))) {
		struct spf_lsp *l;

		if (p->type != type || p->h.lsp.lifetime == 0)
			continue;
		if (grow(&s->lsps, &s->lsps_cap, s->nlsps + 1, sizeof(*s->lsps)) < 0)
			return -ENOMEM;
		l = &s->lsps[s->nlsps++];
		l->key = id_key(p->h.lsp.lsp_id);
		l->frag = p->h.lsp.lsp_id[ISIS_LSPID_LEN - 1];
		l->seq = p->h.lsp.seq;
		l->p = p;
	}
	if (s->nlsps)
		qsort(s->lsps, s->nlsps, sizeof(*s->lsps), lsp_cmp);
	return 0;
}

/* Nodes in ID order, each with its fragments (duplicates dropped); returns the count */
static int make_nodes(struct spf_priv *s, size_t *out_n)
{
	size_t n = 0, w = 0;

	for (size_t i = 0; i < s->nlsps; i++) {
		struct spf_lsp *l = &s->lsps[i];

		if (w && s->lsps[w - 1].key == l->key && s->lsps[w - 1].frag == l->frag)
			continue;	/* same LSP ID, lower sequence number */
		if (!n || s->key[n - 1] != l->key) {
			if (nodes_reserve(s, n + 1) < 0)
				return -ENOMEM;
			s->key[n] = l->key;
			s->lsp_off[n] = (uint32_t)w;
			s->lsp_n[n] = 0;
			s->flags[n] = (l->key & 0xff) ? ISIS_SPF_N_PSEUDO : 0;
			if (l->frag != 0)
				s->flags[n] |= ISIS_SPF_N_NOFRAG0;
			else if (l->p->h.lsp.flags & ISIS_LSP_OL)
				s->flags[n] |= ISIS_SPF_N_OVERLOAD;	/* fragment 0 only */
			n++;
		}
		s->lsps[w++] = *l;
		s->lsp_n[n - 1]++;
	}
	s->nlsps = w;
	*out_n = n;
	return 0;
}

/* --- (2) edges and the two-way check --------------------------------------------------- */

static void edges_sort(struct spf_edge *e, size_t n)	/* by (to, metric); degrees are small */
{
	for (size_t i = 1; i < n; i++) {
		struct spf_edge x = e[i];
		size_t j = i;

		while (j && (e[j - 1].to > x.to || (e[j - 1].to == x.to && e[j - 1].metric > x.metric))) {
			e[j] = e[j - 1];
			j--;
		}
		e[j] = x;
	}
}

static int node_edges(struct spf_priv *s, size_t n, uint32_t u)
{
	size_t start = s->nedges, w;

	s->edge_off[u] = (uint32_t)start;
	s->edge_n[u] = 0;
	if (s->flags[u] & ISIS_SPF_N_NOFRAG0)
		return 0;
	for (uint32_t k = 0; k < s->lsp_n[u]; k++) {
		const struct isis_pdu *p = s->lsps[s->lsp_off[u] + k].p;

		for (size_t t = 0; t < p->ntlvs; t++) {
			const struct isis_tlv *tlv = &p->tlvs[t];

			if (tlv->type != ISIS_TLV_EXT_IS_REACH)
				continue;
			for (size_t i = 0; i < tlv->n; i++) {
				const struct isis_ext_is *x = &tlv->it.is[i];
				uint32_t v = node_find(s, n, id_key(x->id));

				if (v == NONE || v == u || (s->flags[v] & ISIS_SPF_N_NOFRAG0) ||
				    x->metric >= ISIS_SPF_LINK_UNUSABLE)
					continue;
				if (grow(&s->edges, &s->edges_cap, s->nedges + 1,
					 sizeof(*s->edges)) < 0)
					return -ENOMEM;
				s->edges[s->nedges].to = v;
				/* ISO 10589 7.2: links out of a pseudonode cost nothing */
				s->edges[s->nedges].metric = (s->flags[u] & ISIS_SPF_N_PSEUDO) ?
							     0 : (x->metric & 0xffffff);
				s->nedges++;
			}
		}
	}
	edges_sort(s->edges + start, s->nedges - start);
	/* parallel entries toward one neighbor: the lowest metric (first after sorting) */
	w = start;
	for (size_t i = start; i < s->nedges; i++)
		if (w == start || s->edges[w - 1].to != s->edges[i].to)
			s->edges[w++] = s->edges[i];
	s->nedges = w;
	s->edge_n[u] = (uint32_t)(w - start);
	return 0;
}

static bool has_edge(const struct spf_priv *s, uint32_t from, uint32_t to)
{
	const struct spf_edge *e = s->edges + s->edge_off[from];
	size_t lo = 0, hi = s->edge_n[from];

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e[mid].to < to)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->edge_n[from] && e[lo].to == to;
}

static void two_way(struct spf_priv *s, size_t n, struct isis_spf_stats *st)
{
	size_t w = 0;

	for (uint32_t u = 0; u < n; u++)
		for (uint32_t i = 0; i < s->edge_n[u]; i++) {
			struct spf_edge *e = &s->edges[s->edge_off[u] + i];

			if (has_edge(s, e->to, u))
				e->metric |= EDGE_KEEP;
		}
	for (uint32_t u = 0; u < n; u++) {
		size_t off = s->edge_off[u], cnt = s->edge_n[u];

		s->edge_off[u] = (uint32_t)w;
		for (size_t i = off; i < off + cnt; i++) {
			if (!(s->edges[i].metric & EDGE_KEEP)) {
				st->oneway++;
				continue;
			}
			s->edges[w] = s->edges[i];
			s->edges[w++].metric &= ~EDGE_KEEP;
		}
		s->edge_n[u] = (uint32_t)(w - s->edge_off[u]);
	}
	s->nedges = w;
	st->edges = w;
}

/* --- (3) Dijkstra ------------------------------------------------------------------------ */

static bool heap_less(const struct spf_priv *s, uint32_t a, uint32_t b)
{
	if (s->dist[a] != s->dist[b])
		return s->dist[a] < s->dist[b];
	/* pseudonodes first on a tie, so zero-cost links out of them are relaxed before
	 * their far ends are settled */
	if ((s->flags[a] ^ s->flags[b]) & ISIS_SPF_N_PSEUDO)
		return s->flags[a] & ISIS_SPF_N_PSEUDO;
	return a < b;
}

static void heap_up(struct spf_priv *s, uint32_t i, uint32_t v)
{
	while (i) {
		uint32_t parent = (i - 1) / 2, pv = s->heap[parent];

		if (!heap_less(s, v, pv))
			break;
		s->heap[i] = pv;
		s->hpos[pv] = i;
		i = parent;
	}
	s->heap[i] = v;
	s->hpos[v] = i;
}

static uint32_t heap_pop(struct spf_priv *s, uint32_t *hn)
{
	uint32_t top = s->heap[0], last = s->heap[--*hn], i = 0;

	s->hpos[top] = NONE;
	if (!*hn)
		return top;
	for (;;) {
		uint32_t c = 2 * i + 1;

		if (c >= *hn)
			break;
		if (c + 1 < *hn && heap_less(s, s->heap[c + 1], s->heap[c]))
			c++;
		if (!heap_less(s, s->heap[c], last))
			break;
		s->heap[i] = s->heap[c];
		s->hpos[s->heap[i]] = i;
		i = c;
	}
	s->heap[i] = last;
	s->hpos[last] = i;
	return top;
}

/* First hops that u hands to v over one link: our adjacencies with v when u is the root
 * or a pseudonode of ours, else u's own. Returns false when the link cannot carry a
 * path: a neighbor of ours we have no Up adjacency with is no first hop. */
static bool contribution(const struct spf_priv *s, uint32_t u, uint32_t v, uint64_t *out)
{
	size_t nw = s->nw;

	if (s->attached[u]) {
		const uint64_t *a = s->adjbits + v * nw, *h = s->nhbits + u * nw;

		if ((s->flags[u] & ISIS_SPF_N_ROOT) && (s->flags[v] & ISIS_SPF_N_PSEUDO)) {
			memset(out, 0, nw * sizeof(*out));
			return true;	/* our LAN: first hops are decided beyond it */
		}
		if (bits_empty(a, nw))
			return false;
		/* a LAN of ours also reached through others at the same cost keeps theirs */
		for (size_t i = 0; i < nw; i++)
			out[i] = a[i] | h[i];
		return true;
	}
	memcpy(out, s->nhbits + u * nw, nw * sizeof(*out));
	return true;
}

/* OR c into v's set; true if anything changed */
static bool merge(struct spf_priv *s, uint32_t u, uint32_t v, const uint64_t *c)
{
	uint64_t *b = s->nhbits + v * s->nw;
	bool changed = false;
	uint8_t att = (s->flags[u] & ISIS_SPF_N_ROOT) && (s->flags[v] & ISIS_SPF_N_PSEUDO);

	for (size_t i = 0; i < s->nw; i++) {
		if ((b[i] | c[i]) != b[i])
			changed = true;
		b[i] |= c[i];
	}
	if (att && !s->attached[v]) {
		s->attached[v] = 1;
		changed = true;
	}
	return changed;
}

static bool transit(const struct spf_priv *s, uint32_t u)
{
	return (s->flags[u] & ISIS_SPF_N_ROOT) || !(s->flags[u] & ISIS_SPF_N_OVERLOAD);
}

static bool relax(struct spf_priv *s, uint32_t u, uint32_t *hn, uint64_t *c)
{
	bool dirty = false;

	for (uint32_t i = 0; i < s->edge_n[u]; i++) {
		const struct spf_edge *e = &s->edges[s->edge_off[u] + i];
		uint32_t v = e->to;
		uint64_t nd = (uint64_t)s->dist[u] + e->metric;

		if (nd > ISIS_SPF_MAX_PATH_METRIC || nd > s->dist[v] ||
		    (s->flags[v] & ISIS_SPF_N_ROOT) || !contribution(s, u, v, c))
			continue;	/* a zero-cost link back to us adds nothing */
		if (nd < s->dist[v]) {
			s->dist[v] = (uint32_t)nd;
			memcpy(s->nhbits + v * s->nw, c, s->nw * sizeof(*c));
			s->attached[v] = (s->flags[u] & ISIS_SPF_N_ROOT) &&
					 (s->flags[v] & ISIS_SPF_N_PSEUDO);
			if (s->hpos[v] == NONE)
				s->hpos[v] = (*hn)++;
			heap_up(s, s->hpos[v], v);
		} else if (merge(s, u, v, c) && s->settled[v]) {
			dirty = true;	/* a zero-cost tie reached v after it was settled */
		}
	}
	return dirty;
}

/* Zero-cost links can tie a node with a predecessor settled after it; then union the
 * first hops along every tight link until nothing changes (sets only grow). */
static void fixpoint(struct spf_priv *s, uint64_t *c)
{
	bool changed = true;

	while (changed) {
		changed = false;
		for (size_t k = 0; k < s->norder; k++) {
			uint32_t u = s->order[k];

			if (!transit(s, u))
				continue;
			for (uint32_t i = 0; i < s->edge_n[u]; i++) {
				const struct spf_edge *e = &s->edges[s->edge_off[u] + i];

				if ((uint64_t)s->dist[u] + e->metric != s->dist[e->to] ||
				    (s->flags[e->to] & ISIS_SPF_N_ROOT) ||
				    !contribution(s, u, e->to, c))
					continue;
				if (merge(s, u, e->to, c))
					changed = true;
			}
		}
	}
}

static int dijkstra(struct spf_priv *s, size_t n, uint32_t root, struct isis_spf_stats *st)
{
	uint32_t hn = 0;
	uint64_t *c = s->tmp;
	bool dirty = false;

	for (size_t i = 0; i < n; i++) {
		s->dist[i] = ISIS_SPF_UNREACHABLE;
		s->hpos[i] = NONE;
		s->attached[i] = 0;
		s->settled[i] = 0;
	}
	memset(s->nhbits, 0, n * s->nw * sizeof(uint64_t));
	s->norder = 0;
	s->dist[root] = 0;
	s->attached[root] = 1;
	s->hpos[root] = hn++;
	s->heap[0] = root;
	while (hn) {
		uint32_t u = heap_pop(s, &hn);

		s->settled[u] = 1;
		s->order[s->norder++] = u;
		if (transit(s, u) && relax(s, u, &hn, c))
			dirty = true;
	}
	if (dirty)
		fixpoint(s, c);
	st->fixpoint = dirty;
	return 0;
}

/* --- (4) routes ------------------------------------------------------------------------- */

static bool same_prefix(const struct spf_cand *x, const struct spf_cand *y)
{
	return x->hi == y->hi && x->lo == y->lo && x->family == y->family && x->plen == y->plen;
}

static bool cand_less(const struct spf_cand *x, const struct spf_cand *y)
{
	if (x->family != y->family)
		return x->family < y->family;
	if (x->hi != y->hi)
		return x->hi < y->hi;
	if (x->lo != y->lo)
		return x->lo < y->lo;
	if (x->plen != y->plen)
		return x->plen < y->plen;
	if (x->rank != y->rank)
		return x->rank < y->rank;
	if (x->metric != y->metric)
		return x->metric < y->metric;
	return x->node < y->node;	/* node order is ID order */
}

static void cand_swap(struct spf_cand *a, struct spf_cand *b)
{
	struct spf_cand t = *a;

	*a = *b;
	*b = t;
}

/* quicksort (median of three, smaller side first) with insertion sort below 16 */
static void cand_sort(struct spf_cand *v, size_t n)
{
	while (n > 16) {
		size_t m = n / 2, i = 0, j = n - 1;
		struct spf_cand pivot;

		if (cand_less(&v[m], &v[0]))
			cand_swap(&v[m], &v[0]);
		if (cand_less(&v[n - 1], &v[m])) {
			cand_swap(&v[n - 1], &v[m]);
			if (cand_less(&v[m], &v[0]))
				cand_swap(&v[m], &v[0]);
		}
		pivot = v[m];
		for (;;) {
			while (cand_less(&v[i], &pivot))
				i++;
			while (cand_less(&pivot, &v[j]))
				j--;
			if (i >= j)
				break;
			cand_swap(&v[i++], &v[j--]);
		}
		/* [0, j] <= pivot <= [j + 1, n) */
		if (j + 1 < n - j - 1) {
			cand_sort(v, j + 1);
			v += j + 1;
			n -= j + 1;
		} else {
			cand_sort(v + j + 1, n - j - 1);
			n = j + 1;
		}
	}
	for (size_t i = 1; i < n; i++) {
		struct spf_cand x = v[i];
		size_t k = i;

		for (; k && cand_less(&x, &v[k - 1]); k--)
			v[k] = v[k - 1];
		v[k] = x;
	}
}

static uint64_t be64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 0; i < 8; i++)
		v = v << 8 | p[i];
	return v;
}

static uint64_t mask64(unsigned bits)	/* the top `bits` bits of 64 */
{
	return bits >= 64 ? UINT64_MAX : bits ? ~(UINT64_MAX >> bits) : 0;
}

static int cand_add(struct spf_priv *s, uint32_t node, int family, const uint8_t *addr,
		    uint8_t plen, uint32_t metric, uint8_t rank)
{
	struct spf_cand *c;
	uint64_t total = (uint64_t)s->dist[node] + metric;
	uint8_t a[16] = { 0 };

	/* RFC 5305 4 / RFC 5308 2: not considered above MAX_PATH_METRIC */
	if (metric > ISIS_SPF_MAX_PATH_METRIC || total > ISIS_SPF_MAX_PATH_METRIC)
		return 0;
	if (plen > (family == AF_INET ? 32 : 128))
		return 0;	/* the codec already refuses these; never trust it blindly */
	if (grow(&s->cands, &s->cands_cap, s->ncands + 1, sizeof(*s->cands)) < 0)
		return -ENOMEM;
	c = &s->cands[s->ncands++];
	memcpy(a, addr, family == AF_INET ? 4 : 16);
	c->hi = be64(a) & mask64(plen);
	c->lo = be64(a + 8) & mask64(plen > 64 ? plen - 64u : 0);
	c->family = (uint8_t)family;
	c->plen = plen;
	c->rank = rank;
	c->metric = (uint32_t)total;
	c->node = node;
	return 0;
}

static void cand_prefix(const struct spf_cand *c, prefix_t *p)
{
	memset(p, 0, sizeof(*p));
	p->addr.family = c->family;
	for (int i = 0; i < 8; i++) {
		p->addr.bytes[i] = (uint8_t)(c->hi >> (56 - 8 * i));
		p->addr.bytes[8 + i] = (uint8_t)(c->lo >> (56 - 8 * i));
	}
	p->len = c->plen;
}

static int node_cands(struct spf_priv *s, uint32_t u, int level)
{
	bool local = s->flags[u] & ISIS_SPF_N_ROOT;

	for (uint32_t k = 0; k < s->lsp_n[u]; k++) {
		const struct isis_pdu *p = s->lsps[s->lsp_off[u] + k].p;

		for (size_t t = 0; t < p->ntlvs; t++) {
			const struct isis_tlv *tlv = &p->tlvs[t];
			int rc = 0;

			for (size_t i = 0; i < tlv->n && rc == 0; i++) {
				if (tlv->type == ISIS_TLV_EXT_IP_REACH) {
					const struct isis_ext_ip *x = &tlv->it.ip[i];
					uint8_t rank = local ? 0 : (level == 2 && x->down) ? 2 : 1;

					rc = cand_add(s, u, AF_INET, x->prefix, x->plen, x->metric,
						      rank);
				} else if (tlv->type == ISIS_TLV_IPV6_REACH) {
					const struct isis_ipv6_reach *x = &tlv->it.ip6[i];
					uint8_t rank = local ? 0 :
						       (level == 2 && (x->flags & ISIS_IP6_U)) ? 2 : 1;

					rc = cand_add(s, u, AF_INET6, x->prefix, x->plen, x->metric,
						      rank);
				} else {
					break;
				}
			}
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int nh_append(struct isis_spf *spf, const uint64_t *b, size_t nw, uint32_t *off,
		     uint32_t *cnt)
{
	struct spf_priv *s = spf->priv;

	*off = (uint32_t)spf->nnh;
	*cnt = 0;
	for (size_t w = 0; w < nw; w++)
		for (uint64_t x = b[w]; x; x &= x - 1) {
			if (grow(&spf->nh, &s->nh_cap, spf->nnh + 1, sizeof(*spf->nh)) < 0)
				return -ENOMEM;
			spf->nh[spf->nnh++] = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(x));
			(*cnt)++;
		}
	return 0;
}

static int routes(struct isis_spf *spf, size_t n, int level)
{
	struct spf_priv *s = spf->priv;
	uint64_t *acc = s->tmp;

	s->ncands = 0;
	for (uint32_t u = 0; u < n; u++) {
		if (s->dist[u] == ISIS_SPF_UNREACHABLE || (s->flags[u] & ISIS_SPF_N_PSEUDO))
			continue;
		if (node_cands(s, u, level) < 0)
			return -ENOMEM;
	}
	spf->stats.candidates = s->ncands;
	cand_sort(s->cands, s->ncands);
	for (size_t i = 0; i < s->ncands;) {
		const struct spf_cand *best = &s->cands[i];
		struct isis_spf_route *r;
		uint8_t id[ISIS_NODEID_LEN];
		size_t j = i;

		memset(acc, 0, s->nw * sizeof(*acc));
		for (; j < s->ncands && same_prefix(&s->cands[j], best); j++) {
			const struct spf_cand *c = &s->cands[j];

			if (c->rank != best->rank || c->metric != best->metric)
				continue;
			for (size_t w = 0; w < s->nw; w++)
				acc[w] |= s->nhbits[c->node * s->nw + w];
		}
		if (grow(&spf->routes, &s->routes_cap, spf->nroutes + 1, sizeof(*spf->routes)) < 0)
			return -ENOMEM;
		r = &spf->routes[spf->nroutes++];
		cand_prefix(best, &r->prefix);
		r->metric = best->metric;
		r->flags = best->rank == 0 ? ISIS_SPF_R_LOCAL : best->rank == 2 ? ISIS_SPF_R_DOWN : 0;
		key_id(s->key[best->node], id);
		memcpy(r->origin, id, ISIS_SYSID_LEN);
		if (best->rank == 0)
			memset(acc, 0, s->nw * sizeof(*acc));	/* connected: no next hop */
		if (nh_append(spf, acc, s->nw, &r->nh_off, &r->nh_n) < 0)
			return -ENOMEM;
		i = j;
	}
	return 0;
}

static const struct isis_tlv *find_tlv(const struct isis_pdu *p, uint8_t type)
{
	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == type)
			return &p->tlvs[i];
	return NULL;
}

static int results_nodes(struct isis_spf *spf, size_t n)
{
	struct spf_priv *s = spf->priv;

	if (grow(&spf->nodes, &s->nodes_cap, n, sizeof(*spf->nodes)) < 0)
		return -ENOMEM;
	for (uint32_t u = 0; u < n; u++) {
		struct isis_spf_node *o = &spf->nodes[u];
		const struct isis_tlv *h;

		memset(o, 0, sizeof(*o));
		key_id(s->key[u], o->id);
		o->flags = s->flags[u];
		o->metric = s->dist[u];
		h = (s->flags[u] & ISIS_SPF_N_NOFRAG0) ? NULL :
		    find_tlv(s->lsps[s->lsp_off[u]].p, ISIS_TLV_HOSTNAME);
		if (h) {
			o->hostname = h->u.hostname.name;
			o->hostname_len = h->u.hostname.len;
		}
		if (nh_append(spf, s->nhbits + u * s->nw, s->nw, &o->nh_off, &o->nh_n) < 0)
			return -ENOMEM;
	}
	spf->nnodes = n;
	return 0;
}

static int adj_bits(struct spf_priv *s, size_t n, const struct isis_spf_input *in)
{
	memset(s->adjbits, 0, n * s->nw * sizeof(uint64_t));
	for (size_t i = 0; i < in->nadj; i++) {
		uint8_t id[ISIS_NODEID_LEN] = { 0 };
		uint32_t v;

		memcpy(id, in->adj[i].sysid, ISIS_SYSID_LEN);
		if ((v = node_find(s, n, id_key(id))) != NONE)
			s->adjbits[v * s->nw + i / 64] |= 1ULL << (i % 64);
	}
	return 0;
}

int isis_spf_run(struct isis_spf *spf, const struct isis_spf_input *in)
{
	struct spf_priv *s = spf->priv;
	uint8_t rid[ISIS_NODEID_LEN] = { 0 };
	size_t n = 0;
	uint32_t root;
	int rc;

	spf->nnodes = spf->nroutes = spf->nnh = 0;
	memset(&spf->stats, 0, sizeof(spf->stats));
	if ((in->level != 1 && in->level != 2) || !in->next || (in->nadj && !in->adj) ||
	    in->nadj > (1u << 20))
		return -EINVAL;
	if (!s) {
		if (!(s = calloc(1, sizeof(*s))))
			return -ENOMEM;
		spf->priv = s;
	}
	s->nedges = 0;
	s->nw = in->nadj ? (in->nadj + 63) / 64 : 1;
	if ((rc = grow(&s->tmp, &s->tmp_cap, s->nw, sizeof(*s->tmp))) < 0)
		return rc;
	if ((rc = collect(s, in)) < 0 || (rc = make_nodes(s, &n)) < 0)
		goto fail;
	spf->stats.lsps = s->nlsps;
	memcpy(rid, in->root, ISIS_SYSID_LEN);
	root = node_find(s, n, id_key(rid));
	if (root == NONE || (s->flags[root] & ISIS_SPF_N_NOFRAG0)) {
		rc = -ENOENT;
		goto fail;
	}
	s->flags[root] |= ISIS_SPF_N_ROOT;
	if ((rc = bits_reserve(s, n * s->nw)) < 0 || (rc = adj_bits(s, n, in)) < 0)
		goto fail;
	for (uint32_t u = 0; u < n; u++)
		if ((rc = node_edges(s, n, u)) < 0)
			goto fail;
	two_way(s, n, &spf->stats);
	if ((rc = dijkstra(s, n, root, &spf->stats)) < 0 || (rc = results_nodes(spf, n)) < 0 ||
	    (rc = routes(spf, n, in->level)) < 0)
		goto fail;
	return 0;
fail:
	spf->nnodes = spf->nroutes = spf->nnh = 0;
	return rc;
}

/* --- text ------------------------------------------------------------------------------ */

static const struct isis_spf_node *node_by_id(const struct isis_spf *spf, const uint8_t *id)
{
	size_t lo = 0, hi = spf->nnodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(spf->nodes[mid].id, id, ISIS_NODEID_LEN);

		if (!c)
			return &spf->nodes[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* hostname of the system (pseudonodes: "<hostname>.<pn>"), else the ID */
static void fmt_name(struct isis_fmt *f, const struct isis_spf *spf, const uint8_t *id)
{
	uint8_t sys[ISIS_NODEID_LEN];
	const struct isis_spf_node *n;

	memcpy(sys, id, ISIS_SYSID_LEN);
	sys[ISIS_SYSID_LEN] = 0;
	n = node_by_id(spf, sys);
	if (!n || !n->hostname) {
		isis_fmt_id(f, id, id[ISIS_SYSID_LEN] ? ISIS_NODEID_LEN : ISIS_SYSID_LEN);
		return;
	}
	for (size_t i = 0; i < n->hostname_len; i++) {
		unsigned char ch = (unsigned char)n->hostname[i];

		isis_fmt_printf(f, ch > 0x20 && ch < 0x7f ? "%c" : "\\x%02x", ch);
	}
	if (id[ISIS_SYSID_LEN])
		isis_fmt_printf(f, ".%02x", id[ISIS_SYSID_LEN]);
}

static void fmt_nh(struct isis_fmt *f, const struct isis_spf *spf,
		   const struct isis_spf_adj *adj, size_t nadj, uint32_t off, uint32_t cnt,
		   int family)
{
	char a[ADDR_STRLEN];

	if (!cnt) {
		isis_fmt_printf(f, " via -");
		return;
	}
	for (uint32_t k = 0; k < cnt; k++) {
		uint32_t i = spf->nh[off + k];
		uint8_t id[ISIS_NODEID_LEN] = { 0 };
		const addr_t *ad;

		isis_fmt_printf(f, k ? ", " : " via ");
		if (i >= nadj) {
			isis_fmt_printf(f, "adj#%u", i);
			continue;
		}
		memcpy(id, adj[i].sysid, ISIS_SYSID_LEN);
		fmt_name(f, spf, id);
		isis_fmt_printf(f, "/%.*s", (int)sizeof(adj[i].ifname), adj[i].ifname);
		ad = family == AF_INET ? &adj[i].addr4 : family == AF_INET6 ? &adj[i].addr6 : NULL;
		if (ad && !addr_is_unset(ad))
			isis_fmt_printf(f, " %s", addr_format(ad, a, sizeof(a)));
	}
}

char *isis_spf_format(const struct isis_spf *spf, const struct isis_spf_adj *adj,
		      size_t nadj)
{
	struct isis_fmt f = { 0 };
	char p[PREFIX_STRLEN];

	isis_fmt_printf(&f, "%s", "");
	for (size_t i = 0; i < spf->nnodes; i++) {
		const struct isis_spf_node *n = &spf->nodes[i];

		isis_fmt_printf(&f, "node ");
		fmt_name(&f, spf, n->id);
		isis_fmt_printf(&f, " (");
		isis_fmt_id(&f, n->id, ISIS_NODEID_LEN);
		isis_fmt_printf(&f, ")");
		if (n->flags & ISIS_SPF_N_ROOT)
			isis_fmt_printf(&f, " root");
		if (n->flags & ISIS_SPF_N_PSEUDO)
			isis_fmt_printf(&f, " pseudonode");
		if (n->flags & ISIS_SPF_N_OVERLOAD)
			isis_fmt_printf(&f, " overload");
		if (n->flags & ISIS_SPF_N_NOFRAG0)
			isis_fmt_printf(&f, " no-fragment-0");
		if (n->metric == ISIS_SPF_UNREACHABLE) {
			isis_fmt_printf(&f, " unreachable\n");
			continue;
		}
		isis_fmt_printf(&f, " metric %u", n->metric);
		if (!(n->flags & ISIS_SPF_N_ROOT))
			fmt_nh(&f, spf, adj, nadj, n->nh_off, n->nh_n, 0);
		isis_fmt_printf(&f, "\n");
	}
	for (size_t i = 0; i < spf->nroutes; i++) {
		const struct isis_spf_route *r = &spf->routes[i];

		isis_fmt_printf(&f, "route %s metric %u", prefix_format(&r->prefix, p, sizeof(p)),
				r->metric);
		if (r->flags & ISIS_SPF_R_DOWN)
			isis_fmt_printf(&f, " down");
		if (r->flags & ISIS_SPF_R_LOCAL)
			isis_fmt_printf(&f, " local\n");
		else {
			fmt_nh(&f, spf, adj, nadj, r->nh_off, r->nh_n, r->prefix.addr.family);
			isis_fmt_printf(&f, "\n");
		}
	}
	if (f.err) {
		free(f.s);
		return NULL;
	}
	return f.s;
}

/* --- scheduler (RFC 8405) --------------------------------------------------------------- */

#define SCHED_LOG_CAT "spf"
#define SCHED_LOG_OBJ "spf back-off"

static const char *const sched_state_names[] = {
	[ISIS_SPF_QUIET] = "QUIET",
	[ISIS_SPF_SHORT_WAIT] = "SHORT_WAIT",
	[ISIS_SPF_LONG_WAIT] = "LONG_WAIT",
};

const char *isis_spf_sched_state_name(enum isis_spf_sched_state st)
{
	if ((unsigned)st >= sizeof(sched_state_names) / sizeof(sched_state_names[0]))
		return "?";
	return sched_state_names[st];
}

void isis_spf_sched_params_default(struct isis_spf_sched_params *p)
{
	p->initial_delay = ISIS_SPF_INITIAL_DELAY_DEFAULT;
	p->short_delay = ISIS_SPF_SHORT_DELAY_DEFAULT;
	p->long_delay = ISIS_SPF_LONG_DELAY_DEFAULT;
	p->time_to_learn = ISIS_SPF_TIME_TO_LEARN_DEFAULT;
	p->holddown = ISIS_SPF_HOLDDOWN_DEFAULT;
}

int isis_spf_sched_params_check(const struct isis_spf_sched_params *p, char *err,
				size_t errlen)
{
	if (p->holddown <= p->time_to_learn) {
		snprintf(err, errlen,
			 "holddown interval (%" PRIu32 " ms) must be longer than the time to "
			 "learn (%" PRIu32 " ms)", p->holddown, p->time_to_learn);
		return -EINVAL;
	}
	return 0;
}

void isis_spf_sched_init(struct isis_spf_sched *s, const struct isis_spf_sched_params *p)
{
	memset(s, 0, sizeof(*s));
	if (p)
		s->p = *p;
	else
		isis_spf_sched_params_default(&s->p);
	if (s->p.holddown <= s->p.time_to_learn)
		s->p.holddown = s->p.time_to_learn == UINT32_MAX ? UINT32_MAX
								 : s->p.time_to_learn + 1;
	s->state = ISIS_SPF_QUIET;
	isis_timer_stop(&s->spf);
	isis_timer_stop(&s->learn);
	isis_timer_stop(&s->holddown);
}

static void sched_enter(struct isis_spf_sched *s, enum isis_spf_sched_state to,
			const char *event)
{
	if (s->state == to)
		return;
	log_state(SCHED_LOG_CAT, SCHED_LOG_OBJ, isis_spf_sched_state_name(s->state),
		  isis_spf_sched_state_name(to), event, NULL);
	s->state = to;
}

/* The LEARN_TIMER and HOLDDOWN_TIMER expiries due at `now`, earliest first. */
void isis_spf_sched_tick(struct isis_spf_sched *s, uint64_t now)
{
	for (;;) {
		bool learn = isis_timer_due(&s->learn, now);
		bool hold = isis_timer_due(&s->holddown, now);

		if (learn && hold) {
			if (isis_timer_when(&s->learn) <= isis_timer_when(&s->holddown))
				hold = false;
			else
				learn = false;
		}
		if (learn) {
			isis_timer_stop(&s->learn);
			/* LEARN_TIMER expiry: SHORT_WAIT -> LONG_WAIT (it runs in no other
			 * state: HOLDDOWN in SHORT_WAIT stops it) */
			if (s->state == ISIS_SPF_SHORT_WAIT)
				sched_enter(s, ISIS_SPF_LONG_WAIT, "learn_timer");
		} else if (hold) {
			isis_timer_stop(&s->holddown);
			/* HOLDDOWN_TIMER expiry in SHORT_WAIT or LONG_WAIT: -> QUIET; in
			 * SHORT_WAIT the LEARN_TIMER is stopped too */
			isis_timer_stop(&s->learn);
			sched_enter(s, ISIS_SPF_QUIET, "holddown_timer");
		} else {
			return;
		}
	}
}

uint64_t isis_spf_sched_event(struct isis_spf_sched *s, uint64_t now)
{
	isis_spf_sched_tick(s, now);
	switch (s->state) {
	case ISIS_SPF_QUIET:
		if (!s->spf.armed)
			isis_timer_set(&s->spf, now, s->p.initial_delay);
		isis_timer_set(&s->learn, now, s->p.time_to_learn);
		isis_timer_set(&s->holddown, now, s->p.holddown);
		sched_enter(s, ISIS_SPF_SHORT_WAIT, "igp_event");
		break;
	case ISIS_SPF_SHORT_WAIT:
		isis_timer_set(&s->holddown, now, s->p.holddown);
		if (!s->spf.armed)
			isis_timer_set(&s->spf, now, s->p.short_delay);
		break;
	case ISIS_SPF_LONG_WAIT:
		isis_timer_set(&s->holddown, now, s->p.holddown);
		if (!s->spf.armed)
			isis_timer_set(&s->spf, now, s->p.long_delay);
		break;
	}
	return isis_timer_when(&s->spf);
}

bool isis_spf_sched_due(const struct isis_spf_sched *s, uint64_t now)
{
	return isis_timer_due(&s->spf, now);
}

void isis_spf_sched_ran(struct isis_spf_sched *s, uint64_t now)
{
	/* SPF_TIMER expiry in any state: compute SPF, stay (RFC 8405 5.1) */
	isis_timer_stop(&s->spf);
	s->runs++;
	isis_spf_sched_tick(s, now);
}

uint64_t isis_spf_sched_next_due(const struct isis_spf_sched *s)
{
	return isis_timer_min(isis_timer_when(&s->spf),
			      isis_timer_min(isis_timer_when(&s->learn),
					     isis_timer_when(&s->holddown)));
}
