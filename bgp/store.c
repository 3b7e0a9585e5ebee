/* store — bgp/routes/<prefix>/<node> writer (see bgp/store.h). Each key is one entry
 * {want, have}; an entry whose two differ sits in a FIFO queue; transactions take
 * entries from its head. A transaction's result sets `have` to what it sent; a failure
 * marks the etcd view unknown, so the next round re-reads bgp/routes/ (paged) before it
 * diffs and writes again. Back-off 200 ms doubling to 5 s. DESIGN §5, docs/bgp.md. */
#include "bgp/store.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/map.h"
#include "lib/log.h"

#define TXN_OPS 128
#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000

struct ent {
	char *want, *have;
	bool seen;      /* wanted at some point since start-up */
	bool queued, inflight;
	struct ent *qprev, *qnext;
	char key[];
};

struct req {
	struct bgp_store *s;
	size_t n;
	struct ent *ents[TXN_OPS];
	char *sent[TXN_OPS];
};

struct bgp_store {
	uv_loop_t *loop;
	etcd_client *c;
	const keys_t *keys;
	char node[KEYS_NAME_MAX + 1];
	char prefix[KEYS_MAX];	/* <root>bgp/routes/ */
	struct bgp_map ents;	/* key -> struct ent */
	struct ent *qhead, *qtail;
	size_t queued, queue_max, n_want;
	unsigned max_inflight, inflight;
	bool loaded, loading, overflow, grace_over, connected, closing, busy;
	uv_timer_t retry, grace;
	unsigned backoff;
	struct bgp_store_stats st;
	void (*done)(void *);
	void *done_arg;
	int open_handles;
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

static void q_unlink(struct bgp_store *s, struct ent *e)
{
	if (!e->queued)
		return;
	if (e->qprev)
		e->qprev->qnext = e->qnext;
	else
		s->qhead = e->qnext;
	if (e->qnext)
		e->qnext->qprev = e->qprev;
	else
		s->qtail = e->qprev;
	e->qprev = e->qnext = NULL;
	e->queued = false;
	s->queued--;
}

static void q_push(struct bgp_store *s, struct ent *e)
{
	if (e->queued || e->inflight)
		return;
	e->qprev = s->qtail;
	e->qnext = NULL;
	if (s->qtail)
		s->qtail->qnext = e;
	else
		s->qhead = e;
	s->qtail = e;
	e->queued = true;
	s->queued++;
}

static void q_clear(struct bgp_store *s)
{
	while (s->qhead)
		q_unlink(s, s->qhead);
}

static void ent_drop_if_empty(struct bgp_store *s, struct ent *e)
{
	if (!e->want && !e->have && !e->inflight && !e->queued) {
		bgp_map_del(&s->ents, e->key);
		free(e);
	}
}

/* Does this entry need a write now? Start-up stale deletes wait for the grace. */
static bool needs_write(const struct bgp_store *s, const struct ent *e)
{
	if (same(e->want, e->have))
		return false;
	if (!e->want && !e->seen && !s->grace_over)
		return false;
	return true;
}

static void set_connected(struct bgp_store *s, bool up, const char *why)
{
	if (up == s->connected)
		return;
	log_state("store", "etcd", s->connected ? "connected" : "unreachable",
		  up ? "connected" : "unreachable", NULL, why);
	s->connected = up;
}

static void on_retry(uv_timer_t *t)
{
	bgp_store_flush(t->data);
}

static void schedule_retry(struct bgp_store *s)
{
	if (s->closing || uv_is_active((uv_handle_t *)&s->retry))
		return;
	s->backoff = s->backoff ? s->backoff * 2 : BACKOFF_MIN_MS;
	if (s->backoff > BACKOFF_MAX_MS)
		s->backoff = BACKOFF_MAX_MS;
	uv_timer_start(&s->retry, on_retry, s->backoff, 0);
}

static void full_diff(struct bgp_store *s)
{
	struct bgp_map_iter it;
	struct bgp_map_ent *me;

	for (bgp_map_iter_init(&s->ents, &it); (me = bgp_map_iter_next(&it));) {
		struct ent *e = me->val;

		if (needs_write(s, e))
			q_push(s, e);
		else
			ent_drop_if_empty(s, e);
	}
}

/* is kv one of our keys (bgp/routes/<prefix>/<node>)? */
static bool ours(const struct bgp_store *s, const struct etcd_kv *kv)
{
	struct key_info ki;

	return keys_parse_n(s->keys, kv->key, kv->key_len, &ki) == KEY_BGP_ROUTE &&
	       strcmp(ki.node, s->node) == 0;
}

static struct ent *ent_get(struct bgp_store *s, const char *key)
{
	struct ent *e = bgp_map_get(&s->ents, key);
	size_t len;

	if (e)
		return e;
	len = strlen(key);
	if (!(e = calloc(1, sizeof(*e) + len + 1)))
		return NULL;
	memcpy(e->key, key, len + 1);
	if (bgp_map_put(&s->ents, e->key, e, NULL) < 0) {
		free(e);
		return NULL;
	}
	return e;
}

static void loaded(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct bgp_store *s = arg;
	struct bgp_map_iter it;
	struct bgp_map_ent *me;
	size_t n = 0;

	s->loading = false;
	if (res->err.code == ETCD_ERR_CANCELED)
		return;
	if (res->err.code != ETCD_OK) {
		set_connected(s, false, res->err.msg);
		s->st.failures++;
		LOG_RL(LOG_LVL_WARN, "store", "reading %s: %s (retrying)", s->prefix, res->err.msg);
		schedule_retry(s);
		return;
	}
	set_connected(s, true, NULL);
	for (bgp_map_iter_init(&s->ents, &it); (me = bgp_map_iter_next(&it));) {
		struct ent *e = me->val;

		free(e->have);
		e->have = NULL;
	}
	for (size_t i = 0; i < res->n_kvs; i++) {
		const struct etcd_kv *kv = &res->kvs[i];
		struct ent *e;

		if (!ours(s, kv) || !(e = ent_get(s, kv->key)))
			continue;
		e->have = strndup(kv->value, kv->value_len);
		n++;
	}
	s->loaded = true;
	s->overflow = false;
	q_clear(s);
	full_diff(s);
	log_info("store", "%s*/%s: %zu keys in etcd at revision %" PRId64 ", %zu to write or "
			  "delete%s",
		 s->prefix, s->node, n, res->revision, s->queued,
		 s->grace_over ? "" : " (stale keys wait for the start-up grace)");
	bgp_store_flush(s);
}

static void txn_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct req *r = arg;
	struct bgp_store *s = r->s;
	bool ok = res->err.code == ETCD_OK;

	s->inflight--;
	for (size_t i = 0; i < r->n; i++) {
		struct ent *e = r->ents[i];

		e->inflight = false;
		if (ok) {
			free(e->have);
			e->have = r->sent[i];
			r->sent[i] = NULL;
			if (e->have)
				s->st.puts++;
			else
				s->st.deletes++;
		}
		free(r->sent[i]);
		if (res->err.code == ETCD_ERR_CANCELED)
			continue;
		if (!s->overflow && needs_write(s, e))
			q_push(s, e);
		else
			ent_drop_if_empty(s, e);
	}
	if (ok) {
		s->st.txns++;
		set_connected(s, true, NULL);
		if (!s->queued && !s->inflight)
			s->backoff = 0;
	} else if (res->err.code != ETCD_ERR_CANCELED) {
		s->st.failures++;
		set_connected(s, false, res->err.msg);
		LOG_RL(LOG_LVL_WARN, "store", "writing %zu keys: %s (will re-read etcd and retry)",
		       r->n, res->err.msg);
		s->loaded = false; /* it may have landed: read back before the next diff */
		schedule_retry(s);
	}
	free(r);
	if (res->err.code != ETCD_ERR_CANCELED && !s->closing)
		bgp_store_flush(s);
}

static void send_one(struct bgp_store *s)
{
	struct req *r = calloc(1, sizeof(*r));
	etcd_txn *t = etcd_txn_new();

	if (!r || !t) {
		free(r);
		etcd_txn_free(t);
		return;
	}
	r->s = s;
	while (r->n < TXN_OPS && s->qhead) {
		struct ent *e = s->qhead;

		q_unlink(s, e);
		if (!needs_write(s, e)) {
			ent_drop_if_empty(s, e);
			continue;
		}
		if (e->want) {
			if (!(r->sent[r->n] = strdup(e->want)))
				break;
			etcd_txn_put(t, ETCD_SUCCESS, e->key, e->want, strlen(e->want), 0);
		} else {
			etcd_txn_delete(t, ETCD_SUCCESS, e->key, false);
		}
		e->inflight = true;
		r->ents[r->n++] = e;
	}
	if (!r->n) {
		free(r);
		etcd_txn_free(t);
		return;
	}
	if (etcd_txn_commit(s->c, t, ETCD_TXN_ATOMIC, txn_done, r) < 0) {
		for (size_t i = 0; i < r->n; i++) {
			r->ents[i]->inflight = false;
			free(r->sent[i]);
			q_push(s, r->ents[i]);
		}
		free(r);
		schedule_retry(s);
		return;
	}
	s->inflight++;
}

void bgp_store_flush(struct bgp_store *s)
{
	if (s->closing || s->busy)
		return;
	s->busy = true;
	if (uv_is_active((uv_handle_t *)&s->retry)) {
		s->busy = false;
		return; /* backing off */
	}
	if (s->overflow && s->loaded && !s->inflight)
		s->loaded = false; /* the queue was dropped: reconcile the whole table */
	if (!s->loaded) {
		if (!s->loading && !s->inflight) {
			struct etcd_range_opts ro = {.prefix = true, .page_size = 5000};

			if (etcd_range(s->c, s->prefix, &ro, loaded, s) == 0)
				s->loading = true;
		}
		s->busy = false;
		return;
	}
	while (s->inflight < s->max_inflight && s->qhead)
		send_one(s);
	s->busy = false;
}

void bgp_store_set(struct bgp_store *s, const char *key, const char *value)
{
	struct ent *e = ent_get(s, key);

	if (!e) {
		log_err("store", "%s: out of memory", key);
		return;
	}
	if (same(e->want, value))
		return;
	if (e->want)
		s->n_want--;
	free(e->want);
	e->want = value ? strdup(value) : NULL;
	if (e->want) {
		s->n_want++;
		e->seen = true;
	}
	if (s->overflow)
		return; /* the reconcile will see it */
	if (!needs_write(s, e)) {
		q_unlink(s, e);
		ent_drop_if_empty(s, e);
		return;
	}
	if (!e->queued && !e->inflight && s->queued >= s->queue_max) {
		s->overflow = true;
		s->st.overflows++;
		log_warn("store", "queue full: %zu keys waiting for etcd (limit %zu, etcd %s); "
				  "dropping the queue, the whole table is reconciled once etcd "
				  "accepts writes",
			 s->queued, s->queue_max, s->connected ? "slow" : "unreachable");
		q_clear(s);
		return;
	}
	q_push(s, e);
}

void bgp_store_stats(const struct bgp_store *s, struct bgp_store_stats *out)
{
	*out = s->st;
	out->desired = s->n_want;
	out->queued = s->queued;
	out->inflight = s->inflight;
	out->connected = s->connected;
	out->synced = s->loaded && !s->overflow && !s->queued && !s->inflight;
}

static void on_grace(uv_timer_t *t)
{
	struct bgp_store *s = t->data;

	s->grace_over = true;
	if (s->loaded && !s->overflow) {
		size_t before = s->queued;

		full_diff(s);
		if (s->queued > before)
			log_info("store", "start-up grace over: deleting %zu keys not relearned",
				 s->queued - before);
	}
	bgp_store_flush(s);
}

int bgp_store_new(uv_loop_t *loop, etcd_client *c, const struct bgp_store_opts *o,
		  struct bgp_store **out, char *err, size_t errlen)
{
	struct bgp_store *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->loop = loop;
	s->c = c;
	s->keys = o->keys;
	snprintf(s->node, sizeof(s->node), "%s", o->node);
	s->queue_max = o->queue_max ? o->queue_max : 1000000;
	s->max_inflight = o->max_inflight ? o->max_inflight : 8;
	if (keys_prefix(o->keys, KEY_BGP_ROUTE, s->prefix, sizeof(s->prefix)) < 0) {
		snprintf(err, errlen, "bad key root");
		free(s);
		return -EINVAL;
	}
	bgp_map_init(&s->ents);
	s->connected = true; /* until shown otherwise: the first failure logs */
	uv_timer_init(loop, &s->retry);
	uv_timer_init(loop, &s->grace);
	s->retry.data = s->grace.data = s;
	if (o->grace_ms)
		uv_timer_start(&s->grace, on_grace, o->grace_ms, 0);
	else
		s->grace_over = true;
	*out = s;
	bgp_store_flush(s);
	return 0;
}

static void ent_free(void *v)
{
	struct ent *e = v;

	free(e->want);
	free(e->have);
	free(e);
}

static void timer_closed(uv_handle_t *h)
{
	struct bgp_store *s = h->data;

	if (--s->open_handles)
		return;
	void (*done)(void *) = s->done;
	void *arg = s->done_arg;

	bgp_map_clear(&s->ents, ent_free);
	free(s);
	if (done)
		done(arg);
}

void bgp_store_close(struct bgp_store *s, void (*done)(void *arg), void *arg)
{
	s->closing = true;
	s->done = done;
	s->done_arg = arg;
	s->open_handles = 2;
	uv_close((uv_handle_t *)&s->retry, timer_closed);
	uv_close((uv_handle_t *)&s->grace, timer_closed);
}
