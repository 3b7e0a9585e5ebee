/* plan — desired etcd state of the controller leader from the TED and the requests.
 *
 * Implements te-controller/plan.h (DESIGN §5, §6, §8). Steps: validate every request
 * (lib/validate.h, then admin group names against config/admin-groups); place the
 * valid ones in cspf_place_order against one reservation overlay (te-controller/
 * cspf.h), deferring an LSP whose diverse_from target comes later until right after
 * it; encode each found path (te-controller/encode.h); compute one link bypass per
 * protected link (cspf_bypass), shared by every protected LSP crossing it; then emit
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

struct item {
	const struct plan_request *pr;
	struct lsp_request req;
	struct cspf_groups groups;
	enum item_state state;
	char reason[REASON_LEN]; /* invalid/down: why; up: a note ("" if none) */
	long target;             /* diverse_from item, -1 if none or unknown */
	bool done, waiting;
	long def_head, def_next; /* items waiting for this one */
	struct cspf_result res;
	struct encode_lsp enc;
};

struct rsv {
	uint32_t link;
	uint8_t prio;
	const char *name;
	uint64_t bw;
};

struct ctx {
	const struct plan_input *in;
	const ted_t *t;
	struct item *items;
	size_t n;
	struct cspf_overlay ov;
	struct cspf_ws *ws;
	struct rsv *rsv;
	size_t n_rsv, cap_rsv;
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

static int rsv_add(struct ctx *c, uint32_t link, uint8_t prio, const char *name, uint64_t bw)
{
	if (c->n_rsv == c->cap_rsv) {
		size_t cap = c->cap_rsv ? c->cap_rsv * 2 : 64;
		struct rsv *n = realloc(c->rsv, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->rsv = n;
		c->cap_rsv = cap;
	}
	c->rsv[c->n_rsv++] = (struct rsv){ link, prio, name, bw };
	return 0;
}

static int rsv_cmp(const void *a, const void *b)
{
	const struct rsv *x = a, *y = b;

	if (x->link != y->link)
		return x->link < y->link ? -1 : 1;
	if (x->prio != y->prio)
		return x->prio < y->prio ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Compute, encode and reserve one valid item. */
static int place_one(struct ctx *c, struct item *it)
{
	struct cspf_request rq = { .req = &it->req, .groups = it->groups, .overlay = &c->ov };
	char why[ENCODE_REASON_LEN], nodes[512];
	int rc;

	if (it->req.has_diverse_from) {
		if (it->target < 0)
			note_add(it->reason, sizeof(it->reason),
				 "diverse_from %s: no such LSP; placed without diversity",
				 it->req.diverse_from);
		else if (c->items[it->target].state != ST_UP)
			note_add(it->reason, sizeof(it->reason),
				 "diverse_from %s: that LSP has no path; placed without diversity",
				 it->req.diverse_from);
		else
			rq.diverse = &c->items[it->target].res.path;
	}
	rc = cspf_compute(c->t, &rq, c->ws, &it->res);
	if (rc < 0)
		return rc;
	if (!it->res.found) {
		it->state = ST_DOWN;
		snprintf(it->reason, sizeof(it->reason), "%s", it->res.reason);
		return 0;
	}
	rc = encode_lsp_make(c->t, &it->res.path, &it->enc, why, sizeof(why));
	if (rc == -ENOMEM)
		return rc;
	if (rc < 0) {
		it->state = ST_DOWN;
		snprintf(it->reason, sizeof(it->reason), "path %s cannot be encoded: %s",
			 cspf_path_format_nodes(c->t, &it->res.path, nodes, sizeof(nodes)), why);
		return 0;
	}
	it->state = ST_UP;
	rc = cspf_overlay_reserve(&c->ov, &it->res.path, (double)it->req.bandwidth_bps,
				  it->req.hold_priority);
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < it->res.path.n; i++)
		if ((rc = rsv_add(c, it->res.path.links[i], it->req.hold_priority, it->pr->name,
				  it->req.bandwidth_bps)) < 0)
			return rc;
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

static int emit(struct ctx *c, json_t *out, struct plan_stats *st)
{
	const struct plan_input *in = c->in;
	const ted_t *t = c->t;
	struct bp *bps = calloc(t->n_links + 1, sizeof(*bps));
	char key[KEYS_MAX], lbl[KEYS_LINK_STRLEN + 64];
	int rc = 0;

	if (!bps)
		return -ENOMEM;
	for (size_t i = 0; i < c->n && rc == 0; i++) {
		struct item *it = &c->items[i];
		const char *name = it->pr->name;
		json_t *v = NULL, *bypasses = NULL;
		struct bp *first = NULL;

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
		if (it->req.protection != LSP_PROTECT_NONE) {
			bool unprot = false;

			bypasses = json_array();
			if (!bypasses) {
				rc = -ENOMEM;
				break;
			}
			if (it->req.protection == LSP_PROTECT_NODE)
				note_add(it->reason, sizeof(it->reason),
					 "node protection not implemented yet: link bypasses only");
			for (uint32_t k = 0; k < it->res.path.n && rc == 0; k++) {
				struct bp *p;

				if ((rc = bypass_get(c, bps, it->res.path.links[k], &p)) < 0)
					break;
				if (k == 0)
					first = p;
				if (p->b.ok) {
					if (json_array_append_new(p->lsps, json_string(name)))
						rc = -ENOMEM;
				} else if (!unprot) {
					unprot = true;
					note_add(it->reason, sizeof(it->reason), "unprotected: %s: %s",
						 ted_link_label(t, p->b.link, lbl, sizeof(lbl)),
						 p->b.reason);
				}
				if (rc == 0 &&
				    json_array_append_new(bypasses, encode_bypass_entry(t, &p->b)))
					rc = -ENOMEM;
			}
			if (unprot)
				st->unprotected++;
		}
		if (rc == 0) {
			v = encode_path_up(t, name, &it->req, it->pr->revision, &it->res, &it->enc,
					   bypasses, it->reason,
					   since_for(in, name, "up", it->enc.hops));
			rc = put(out, key, v);
		}
		json_decref(bypasses);
		if (rc == 0 && keys_rib_te_tunnel(in->keys, it->req.from, name, key,
						  sizeof(key)) >= 0)
			rc = put(out, key, encode_tunnel(t, name, &it->res.path, &it->enc,
							 first ? &first->b : NULL,
							 it->req.bandwidth_bps, it->res.cost));
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
		rc = put(out, key, encode_protect(t, &p->b, p->lsps));
	}
	/* reservations */
	if (c->n_rsv > 1)
		qsort(c->rsv, c->n_rsv, sizeof(*c->rsv), rsv_cmp);
	size_t r = 0;
	for (uint32_t l = 0; l < t->n_links && rc == 0; l++) {
		struct key_link kl;
		json_t *lsps = json_array();

		if (!lsps) {
			rc = -ENOMEM;
			break;
		}
		while (r < c->n_rsv && c->rsv[r].link < l)
			r++;
		for (; r < c->n_rsv && c->rsv[r].link == l && rc == 0; r++) {
			json_t *e = json_pack("{s:s, s:I, s:i}", "lsp", c->rsv[r].name, "bandwidth",
					      (json_int_t)c->rsv[r].bw, "priority", c->rsv[r].prio);

			if (!e || json_array_append_new(lsps, e))
				rc = -ENOMEM;
		}
		if (rc == 0 && t->links[l].name[0] && keys_link_parse(t->links[l].name, &kl) == 0 &&
		    keys_te_link(in->keys, &kl, key, sizeof(key)) >= 0)
			rc = put(out, key, encode_te_link(t, l, &c->ov, lsps));
		json_decref(lsps);
	}
	for (uint32_t l = 0; l < t->n_links; l++) {
		encode_bypass_clear(&bps[l].b);
		json_decref(bps[l].lsps);
	}
	free(bps);
	return rc;
}

int plan_compute(const struct plan_input *in, struct cspf_ws *ws, json_t **out,
		 struct plan_stats *stats)
{
	struct ctx c = { .in = in };
	struct plan_stats st = { 0 };
	const struct plan_request **sorted = NULL;
	struct cspf_place_item *pitems = NULL;
	uint32_t *order = NULL;
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
	pmap = calloc(c.n + 1, sizeof(*pmap));
	if (!res || !c.items || !sorted || !pitems || !order || !pmap ||
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
			    strcmp(c.items[j].pr->name, it->req.diverse_from) == 0)
				it->target = (long)j;
	}
	/* place */
	cspf_place_order(pitems, np, order);
	for (size_t k = 0; k < np && rc == 0; k++)
		rc = process(&c, pmap[order[k]]);
	/* an item still waiting (its target never placed) is placed now */
	for (size_t k = 0; k < np && rc == 0; k++)
		if (!c.items[pmap[order[k]]].done) {
			c.items[pmap[order[k]]].target = -1;
			rc = process(&c, pmap[order[k]]);
		}
	if (rc == 0)
		rc = emit(&c, res, &st);
out:
	for (size_t i = 0; c.items && i < c.n; i++) {
		cspf_result_free(&c.items[i].res);
		encode_lsp_clear(&c.items[i].enc);
	}
	cspf_overlay_free(&c.ov);
	free(c.items);
	free(c.rsv);
	free(sorted);
	free(pitems);
	free(order);
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
