/* rib — candidate store, best-route selection, BGP next-hop tracking and recursive
 * resolution, and the kernel diff planner (DESIGN §9; issue 4 deliverable 2). Each
 * distinct BGP protocol next hop has one tracking entry (struct rib_nht) resolved over
 * TE candidates first ("inet.3"), else over the longest-matching connected, local,
 * static or IS-IS route; a non-BGP change at prefix P re-resolves only the tracked next
 * hops inside P, and only a changed resolution re-selects the BGP prefixes that use
 * it. Works with rib.h, lib/addr.h; tested by tests/unit/test_rib.c; rules in
 * docs/agent.md. */
#include "fib-agent/rib.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct rib_route {
	prefix_t prefix;
	struct rib_candidate *c;
	size_t n, cap;
	bool dirty;
	bool has_fib;
	struct rib_fib_entry fib;
};

struct rib_nht {
	addr_t pnh;
	unsigned refs;
	bool dirty;
	bool resolved_once;
	enum rib_unresolved_reason reason;
	uint32_t metric;
	size_t n_nh;
	struct rib_nh nh[RIB_MAX_NH];
};

struct rib {
	struct rib_route *r;
	size_t n, cap;
	struct rib_nht *t;
	size_t nt, capt;
};

static const uint8_t rib_default_pref[RIB_SRC_COUNT] = {0, 1, 5, 7, 18, 170};
static const char *const rib_source_names[RIB_SRC_COUNT] = {
	"connected", "local", "static", "te", "isis", "bgp"};
static const char *const rib_reason_names[] = {
	"resolved", "no protocol next hop", "no route to protocol next hop",
	"protocol next hop only reachable over BGP"};

struct rib *rib_new(void)
{
	return calloc(1, sizeof(struct rib));
}

void rib_free(struct rib *rib)
{
	if (!rib)
		return;
	for (size_t i = 0; i < rib->n; i++)
		free(rib->r[i].c);
	free(rib->r);
	free(rib->t);
	free(rib);
}

const char *rib_source_name(enum rib_source src)
{
	return (unsigned)src < RIB_SRC_COUNT ? rib_source_names[src] : "unknown";
}

const char *rib_unresolved_reason_name(enum rib_unresolved_reason r)
{
	return (unsigned)r <= RIB_UNRES_ONLY_BGP ? rib_reason_names[r] : "unknown";
}

uint8_t rib_default_preference(enum rib_source src)
{
	return (unsigned)src < RIB_SRC_COUNT ? rib_default_pref[src] : 255;
}

static uint8_t rib_cand_pref(const struct rib_candidate *c)
{
	return c->preference < 0 ? rib_default_preference(c->source)
				 : (uint8_t)c->preference;
}

static int rib_nh_cmp(const void *a, const void *b)
{
	const struct rib_nh *x = a, *y = b;
	int d = strcmp(x->ifname, y->ifname);

	if (d)
		return d;
	d = addr_cmp(&x->gateway, &y->gateway);
	if (d)
		return d;
	d = strcmp(x->tunnel, y->tunnel);
	if (d)
		return d;
	if (x->n_segs != y->n_segs)
		return x->n_segs < y->n_segs ? -1 : 1;
	for (unsigned i = 0; i < x->n_segs && i < RIB_MAX_SEGS; i++)
		if ((d = addr_cmp(&x->segs[i], &y->segs[i])))
			return d;
	if (x->n_labels != y->n_labels)
		return x->n_labels < y->n_labels ? -1 : 1;
	for (unsigned i = 0; i < x->n_labels && i < RIB_MAX_SEGS; i++)
		if (x->labels[i] != y->labels[i])
			return x->labels[i] < y->labels[i] ? -1 : 1;
	return 0;
}

/* Zero-filled copy (so whole structs compare with memcmp-free helpers only). */
static void rib_nh_copy(struct rib_nh *dst, const struct rib_nh *src)
{
	memset(dst, 0, sizeof(*dst));
	dst->gateway = src->gateway;
	memcpy(dst->ifname, src->ifname, sizeof(dst->ifname));
	dst->ifname[RIB_IFNAME_MAX] = '\0';
	memcpy(dst->tunnel, src->tunnel, sizeof(dst->tunnel));
	dst->tunnel[RIB_NAME_MAX] = '\0';
	dst->n_segs = src->n_segs > RIB_MAX_SEGS ? RIB_MAX_SEGS : src->n_segs;
	memcpy(dst->segs, src->segs, dst->n_segs * sizeof(addr_t));
	dst->n_labels = src->n_labels > RIB_MAX_SEGS ? RIB_MAX_SEGS : src->n_labels;
	memcpy(dst->labels, src->labels, dst->n_labels * sizeof(uint32_t));
}

static bool rib_nh_set_equal(const struct rib_nh *a, size_t na, const struct rib_nh *b,
			     size_t nb)
{
	if (na != nb)
		return false;
	for (size_t i = 0; i < na; i++)
		if (rib_nh_cmp(&a[i], &b[i]))
			return false;
	return true;
}

static struct rib_route *rib_find(const struct rib *rib, const prefix_t *p)
{
	for (size_t i = 0; i < rib->n; i++)
		if (!prefix_cmp(&rib->r[i].prefix, p))
			return &rib->r[i];
	return NULL;
}

static struct rib_route *rib_get(struct rib *rib, const prefix_t *p)
{
	struct rib_route *r = rib_find(rib, p);

	if (r)
		return r;
	if (rib->n == rib->cap) {
		size_t cap = rib->cap ? rib->cap * 2 : 16;
		struct rib_route *nr = realloc(rib->r, cap * sizeof(*nr));

		if (!nr)
			return NULL;
		rib->r = nr;
		rib->cap = cap;
	}
	r = &rib->r[rib->n++];
	memset(r, 0, sizeof(*r));
	r->prefix = *p;
	return r;
}

static struct rib_nht *rib_nht_find(const struct rib *rib, const addr_t *a)
{
	for (size_t i = 0; i < rib->nt; i++)
		if (!addr_cmp(&rib->t[i].pnh, a))
			return &rib->t[i];
	return NULL;
}

static int rib_nht_ref(struct rib *rib, const addr_t *a)
{
	struct rib_nht *t = rib_nht_find(rib, a);

	if (!t) {
		if (rib->nt == rib->capt) {
			size_t cap = rib->capt ? rib->capt * 2 : 8;
			struct rib_nht *nt = realloc(rib->t, cap * sizeof(*nt));

			if (!nt)
				return -ENOMEM;
			rib->t = nt;
			rib->capt = cap;
		}
		t = &rib->t[rib->nt++];
		memset(t, 0, sizeof(*t));
		t->pnh = *a;
		t->dirty = true;
	}
	t->refs++;
	return 0;
}

static void rib_nht_unref(struct rib *rib, const addr_t *a)
{
	struct rib_nht *t = rib_nht_find(rib, a);

	if (t && t->refs)
		t->refs--;
}

/* A non-BGP change at p: every tracked next hop inside p may resolve differently. */
static void rib_nht_touch(struct rib *rib, const prefix_t *p)
{
	for (size_t i = 0; i < rib->nt; i++)
		if (prefix_contains(p, &rib->t[i].pnh))
			rib->t[i].dirty = true;
}

static bool rib_cand_valid(const struct rib_candidate *c)
{
	if ((unsigned)c->source >= RIB_SRC_COUNT || c->preference > 255)
		return false;
	if (addr_is_unset(&c->prefix.addr) || c->prefix.len > addr_bits(&c->prefix.addr))
		return false;
	if (c->n_nh > RIB_MAX_NH || memchr(c->origin, '\0', sizeof(c->origin)) == NULL)
		return false;
	if (c->source == RIB_SRC_BGP)
		return c->n_nh == 0;
	return c->n_nh > 0;
}

int rib_update(struct rib *rib, const struct rib_candidate *c)
{
	struct rib_route *r;
	struct rib_candidate *slot = NULL;

	if (!rib || !c || !rib_cand_valid(c))
		return -EINVAL;
	r = rib_get(rib, &c->prefix);
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < r->n; i++)
		if (r->c[i].source == c->source && !strcmp(r->c[i].origin, c->origin))
			slot = &r->c[i];
	if (c->source == RIB_SRC_BGP && rib_nht_ref(rib, &c->protocol_next_hop))
		return -ENOMEM;
	if (!slot) {
		if (r->n == r->cap) {
			size_t cap = r->cap ? r->cap * 2 : 2;
			struct rib_candidate *nc = realloc(r->c, cap * sizeof(*nc));

			if (!nc) {
				if (c->source == RIB_SRC_BGP)
					rib_nht_unref(rib, &c->protocol_next_hop);
				return -ENOMEM;
			}
			r->c = nc;
			r->cap = cap;
		}
		slot = &r->c[r->n++];
	} else if (slot->source == RIB_SRC_BGP) {
		rib_nht_unref(rib, &slot->protocol_next_hop);
	}
	memset(slot, 0, sizeof(*slot));
	slot->prefix = c->prefix;
	slot->source = c->source;
	memcpy(slot->origin, c->origin, sizeof(slot->origin));
	slot->preference = c->preference;
	slot->metric = c->metric;
	slot->protocol_next_hop = c->protocol_next_hop;
	slot->n_nh = c->n_nh;
	for (size_t i = 0; i < c->n_nh; i++)
		rib_nh_copy(&slot->nh[i], &c->nh[i]);
	qsort(slot->nh, slot->n_nh, sizeof(slot->nh[0]), rib_nh_cmp);
	r->dirty = true;
	if (c->source != RIB_SRC_BGP)
		rib_nht_touch(rib, &c->prefix);
	return 0;
}

int rib_withdraw(struct rib *rib, const prefix_t *p, enum rib_source src,
		 const char *origin)
{
	struct rib_route *r;

	if (!rib || !p || !origin)
		return -EINVAL;
	r = rib_find(rib, p);
	for (size_t i = 0; r && i < r->n; i++) {
		if (r->c[i].source != src || strcmp(r->c[i].origin, origin))
			continue;
		if (src == RIB_SRC_BGP)
			rib_nht_unref(rib, &r->c[i].protocol_next_hop);
		else
			rib_nht_touch(rib, p);
		r->c[i] = r->c[--r->n];
		r->dirty = true;
		return 0;
	}
	return -ENOENT;
}

/* Best of the candidates of source set `mask` at r: preference, metric, source, origin. */
static bool rib_cand_better(const struct rib_candidate *a, const struct rib_candidate *b)
{
	uint8_t pa = rib_cand_pref(a), pb = rib_cand_pref(b);

	if (pa != pb)
		return pa < pb;
	if (a->metric != b->metric)
		return a->metric < b->metric;
	if (a->source != b->source)
		return a->source < b->source;
	return strcmp(a->origin, b->origin) < 0;
}

/* Longest-matching prefix holding a candidate of a source in `mask`, and its best one. */
static const struct rib_candidate *rib_lpm(const struct rib *rib, const addr_t *a,
					   unsigned mask)
{
	const struct rib_candidate *best = NULL;
	int best_len = -1;

	for (size_t i = 0; i < rib->n; i++) {
		const struct rib_route *r = &rib->r[i];

		if ((int)r->prefix.len < best_len || !prefix_contains(&r->prefix, a))
			continue;
		for (size_t j = 0; j < r->n; j++) {
			if (!(mask & (1u << r->c[j].source)))
				continue;
			if ((int)r->prefix.len > best_len || rib_cand_better(&r->c[j], best)) {
				best = &r->c[j];
				best_len = r->prefix.len;
			}
		}
	}
	return best;
}

static void rib_nht_resolve(const struct rib *rib, struct rib_nht *t)
{
	const unsigned igp = 1u << RIB_SRC_CONNECTED | 1u << RIB_SRC_LOCAL |
			     1u << RIB_SRC_STATIC | 1u << RIB_SRC_ISIS;
	const struct rib_candidate *via;

	t->n_nh = 0;
	t->metric = 0;
	memset(t->nh, 0, sizeof(t->nh));
	if (addr_is_unset(&t->pnh)) {
		t->reason = RIB_UNRES_NO_NEXT_HOP;
		return;
	}
	via = rib_lpm(rib, &t->pnh, 1u << RIB_SRC_TE);
	if (!via)
		via = rib_lpm(rib, &t->pnh, igp);
	if (!via) {
		t->reason = rib_lpm(rib, &t->pnh, 1u << RIB_SRC_BGP) ? RIB_UNRES_ONLY_BGP
								     : RIB_UNRES_NO_ROUTE;
		return;
	}
	t->reason = RIB_UNRES_NONE;
	t->metric = via->metric;
	t->n_nh = via->n_nh;
	for (size_t i = 0; i < via->n_nh; i++) {
		rib_nh_copy(&t->nh[i], &via->nh[i]);
		if (addr_is_unset(&t->nh[i].gateway) && !t->nh[i].tunnel[0])
			t->nh[i].gateway = t->pnh; /* on-link: the next hop itself */
	}
	qsort(t->nh, t->n_nh, sizeof(t->nh[0]), rib_nh_cmp);
}

static void rib_mark_dependents(struct rib *rib, const addr_t *pnh)
{
	for (size_t i = 0; i < rib->n; i++)
		for (size_t j = 0; j < rib->r[i].n; j++)
			if (rib->r[i].c[j].source == RIB_SRC_BGP &&
			    !addr_cmp(&rib->r[i].c[j].protocol_next_hop, pnh))
				rib->r[i].dirty = true;
}

static void rib_select(const struct rib *rib, struct rib_route *r)
{
	const struct rib_candidate *best = NULL;
	const struct rib_nht *best_t = NULL;
	struct rib_fib_entry *f = &r->fib;

	for (size_t i = 0; i < r->n; i++) {
		const struct rib_nht *t = NULL;

		if (r->c[i].source == RIB_SRC_BGP) {
			t = rib_nht_find(rib, &r->c[i].protocol_next_hop);
			if (!t || t->reason != RIB_UNRES_NONE)
				continue;
		}
		if (!best || rib_cand_better(&r->c[i], best)) {
			best = &r->c[i];
			best_t = t;
		}
	}
	memset(f, 0, sizeof(*f));
	r->has_fib = best != NULL;
	if (!best)
		return;
	f->prefix = r->prefix;
	f->source = best->source;
	f->preference = rib_cand_pref(best);
	f->metric = best->metric;
	f->n_nh = best_t ? best_t->n_nh : best->n_nh;
	for (size_t i = 0; i < f->n_nh; i++)
		rib_nh_copy(&f->nh[i], best_t ? &best_t->nh[i] : &best->nh[i]);
}

static bool rib_nht_same(const struct rib_nht *a, const struct rib_nht *b)
{
	return a->reason == b->reason && a->metric == b->metric &&
	       rib_nh_set_equal(a->nh, a->n_nh, b->nh, b->n_nh);
}

int rib_process(struct rib *rib)
{
	int count = 0;

	if (!rib)
		return -EINVAL;
	for (size_t i = 0; i < rib->nt; i++) {
		struct rib_nht *t = &rib->t[i];
		struct rib_nht old = *t;

		if (!t->dirty)
			continue;
		t->dirty = false;
		rib_nht_resolve(rib, t);
		if (!old.resolved_once || !rib_nht_same(&old, t))
			rib_mark_dependents(rib, &t->pnh);
		t->resolved_once = true;
	}
	for (size_t i = 0; i < rib->nt;) {
		if (rib->t[i].refs == 0)
			rib->t[i] = rib->t[--rib->nt];
		else
			i++;
	}
	for (size_t i = 0; i < rib->n;) {
		struct rib_route *r = &rib->r[i];

		if (r->dirty) {
			r->dirty = false;
			rib_select(rib, r);
			count++;
		}
		if (r->n == 0) {
			free(r->c);
			rib->r[i] = rib->r[--rib->n];
		} else {
			i++;
		}
	}
	return count;
}

int rib_lookup(const struct rib *rib, const prefix_t *p, struct rib_fib_entry *out)
{
	const struct rib_route *r;

	if (!rib || !p || !out)
		return -EINVAL;
	r = rib_find(rib, p);
	if (!r || !r->has_fib)
		return -ENOENT;
	*out = r->fib;
	return 0;
}

static int rib_entry_cmp(const void *a, const void *b)
{
	return prefix_cmp(&((const struct rib_fib_entry *)a)->prefix,
			  &((const struct rib_fib_entry *)b)->prefix);
}

static int rib_entry_ptr_cmp(const void *a, const void *b)
{
	return rib_entry_cmp(*(const struct rib_fib_entry *const *)a,
			     *(const struct rib_fib_entry *const *)b);
}

/* Sort n entries (each ~5 KiB: RIB_MAX_NH next hops) by prefix without moving them
 * around: already sorted (the usual case) costs one pass; otherwise pointers are
 * sorted and each entry is copied once. 0 or -ENOMEM (v unchanged). */
static int rib_entries_sort(struct rib_fib_entry *v, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (rib_entry_cmp(&v[i - 1], &v[i]) > 0)
			break;
	if (i >= n)
		return 0;
	const struct rib_fib_entry **p = malloc(n * sizeof(*p));
	struct rib_fib_entry *tmp = malloc(n * sizeof(*tmp));

	if (!p || !tmp) {
		free(p);
		free(tmp);
		return -ENOMEM;
	}
	for (i = 0; i < n; i++)
		p[i] = &v[i];
	qsort(p, n, sizeof(*p), rib_entry_ptr_cmp);
	for (i = 0; i < n; i++)
		tmp[i] = *p[i];
	memcpy(v, tmp, n * sizeof(*v));
	free(tmp);
	free(p);
	return 0;
}

int rib_fib(const struct rib *rib, struct rib_fib_entry **out, size_t *n)
{
	size_t k = 0;

	if (!rib || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	if (rib->n == 0)
		return 0;
	*out = malloc(rib->n * sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < rib->n; i++)
		if (rib->r[i].has_fib)
			(*out)[k++] = rib->r[i].fib;
	if (rib_entries_sort(*out, k) < 0) {
		free(*out);
		*out = NULL;
		return -ENOMEM;
	}
	*n = k;
	return 0;
}

static int rib_unres_cmp(const void *a, const void *b)
{
	const struct rib_unresolved *x = a, *y = b;
	int d = prefix_cmp(&x->prefix, &y->prefix);

	return d ? d : strcmp(x->origin, y->origin);
}

int rib_unresolved(const struct rib *rib, struct rib_unresolved **out, size_t *n)
{
	size_t k = 0, total = 0;

	if (!rib || !out || !n)
		return -EINVAL;
	*out = NULL;
	*n = 0;
	for (size_t i = 0; i < rib->n; i++)
		total += rib->r[i].n;
	if (total == 0)
		return 0;
	*out = calloc(total, sizeof(**out));
	if (!*out)
		return -ENOMEM;
	for (size_t i = 0; i < rib->n; i++) {
		for (size_t j = 0; j < rib->r[i].n; j++) {
			const struct rib_candidate *c = &rib->r[i].c[j];
			const struct rib_nht *t;

			if (c->source != RIB_SRC_BGP)
				continue;
			t = rib_nht_find(rib, &c->protocol_next_hop);
			if (t && t->reason == RIB_UNRES_NONE)
				continue;
			(*out)[k].prefix = c->prefix;
			memcpy((*out)[k].origin, c->origin, sizeof(c->origin));
			(*out)[k].protocol_next_hop = c->protocol_next_hop;
			(*out)[k].reason = t ? t->reason : RIB_UNRES_NO_ROUTE;
			k++;
		}
	}
	qsort(*out, k, sizeof(**out), rib_unres_cmp);
	*n = k;
	return 0;
}

/* True if in is sorted by prefix without duplicates and every next-hop list is in
 * canonical order (what rib_fib and the kernel view produce). */
static bool rib_is_canon(const struct rib_fib_entry *in, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (in[i].n_nh > RIB_MAX_NH)
			return false;
		for (size_t k = 1; k < in[i].n_nh; k++)
			if (rib_nh_cmp(&in[i].nh[k - 1], &in[i].nh[k]) > 0)
				return false;
		if (i && rib_entry_cmp(&in[i - 1], &in[i]) >= 0)
			return false;
	}
	return true;
}

/* Sorted, next-hop-canonical view of in: in itself when it already is (*copy NULL:
 * nothing to free — entries are ~5 KiB, so 100k routes would be 500 MB to copy),
 * else a copy in *copy. -EINVAL on a duplicate prefix or too many hops. */
static int rib_canon(const struct rib_fib_entry *in, size_t n, const struct rib_fib_entry **view,
		     struct rib_fib_entry **copy)
{
	struct rib_fib_entry *out;

	*view = in;
	*copy = NULL;
	if (n == 0 || rib_is_canon(in, n))
		return 0;
	if (!(out = malloc(n * sizeof(*out))))
		return -ENOMEM;
	memcpy(out, in, n * sizeof(*out));
	for (size_t i = 0; i < n; i++) {
		if (out[i].n_nh > RIB_MAX_NH)
			goto bad;
		if (out[i].n_nh > 1)
			qsort(out[i].nh, out[i].n_nh, sizeof(struct rib_nh), rib_nh_cmp);
	}
	if (rib_entries_sort(out, n) < 0) {
		free(out);
		return -ENOMEM;
	}
	for (size_t i = 1; i < n; i++)
		if (!rib_entry_cmp(&out[i - 1], &out[i]))
			goto bad;
	*view = out;
	*copy = out;
	return 0;
bad:
	free(out);
	return -EINVAL;
}

int rib_plan(const struct rib_fib_entry *desired, size_t n_desired,
	     const struct rib_fib_entry *current, size_t n_current, struct rib_op **ops,
	     size_t *n_ops)
{
	const struct rib_fib_entry *d = NULL, *c = NULL;
	struct rib_fib_entry *dcopy = NULL, *ccopy = NULL;
	struct rib_op *o = NULL;
	size_t i = 0, j = 0, k = 0, dels = 0;
	int err;

	if (!ops || !n_ops || (n_desired && !desired) || (n_current && !current))
		return -EINVAL;
	*ops = NULL;
	*n_ops = 0;
	if ((err = rib_canon(desired, n_desired, &d, &dcopy)) ||
	    (err = rib_canon(current, n_current, &c, &ccopy)))
		goto out;
	if (n_desired + n_current) {
		o = malloc((n_desired + n_current) * sizeof(*o));
		if (!o) {
			err = -ENOMEM;
			goto out;
		}
	}
	/* pass 1: adds and replaces; pass 2 (below): deletes */
	while (i < n_desired || j < n_current) {
		int cmp = i == n_desired   ? 1
			  : j == n_current ? -1
					   : rib_entry_cmp(&d[i], &c[j]);

		if (cmp < 0) {
			o[k].kind = RIB_OP_ADD;
			o[k++].entry = d[i++];
		} else if (cmp > 0) {
			j++;
			dels++;
		} else {
			if (!rib_nh_set_equal(d[i].nh, d[i].n_nh, c[j].nh, c[j].n_nh)) {
				o[k].kind = RIB_OP_REPLACE;
				o[k++].entry = d[i];
			}
			i++;
			j++;
		}
	}
	for (i = 0, j = 0; dels && j < n_current; j++) {
		while (i < n_desired && rib_entry_cmp(&d[i], &c[j]) < 0)
			i++;
		if (i < n_desired && !rib_entry_cmp(&d[i], &c[j]))
			continue;
		o[k].kind = RIB_OP_DELETE;
		o[k++].entry = c[j];
	}
	if (k == 0) {
		free(o);
		o = NULL;
	}
	*ops = o;
	*n_ops = k;
	o = NULL;
	err = 0;
out:
	free(o);
	free(dcopy);
	free(ccopy);
	return err;
}
