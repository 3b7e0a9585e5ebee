/* export — kvte-speaker's etcd writer (see speaker/export.h for the rules): sequence-
 * guarded ted/lsp/ writes driven by a watch of what etcd holds, the leased
 * speakers/<node> key, and difference-only writes of rib/<node>/isis/ and
 * rib/<node>/sid/. DESIGN §5; lib/etcd/etcd.h (async client), lib/keys.h (key strings),
 * speaker/ted_json.h (values). Nothing here blocks IS-IS: every request is
 * asynchronous, failures keep the desired state and retry with back-off. */
#include "speaker/export.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd.h"
#include "lib/keys.h"
#include "lib/log.h"
#include "speaker/lsdb.h"
#include "speaker/ted_json.h"

#define BACKOFF_MIN_MS 200
#define BACKOFF_MAX_MS 5000

/* A set of keys this speaker alone writes (rib/<node>/isis/, rib/<node>/sid/). */
struct owned {
	const char *what;	/* "routes" / "sids" */
	char prefix[KEYS_MAX];
	json_t *desired;	/* key -> canonical value text; NULL until first set */
	json_t *etcd;		/* key -> text, what etcd holds (after `loaded`) */
	bool loaded, loading, inflight, dirty;
	bool sids;		/* only our own behaviors count as ours */
};

struct speaker_export {
	uv_loop_t *loop;
	etcd_client *c;
	keys_t keys;
	char node[KEYS_NAME_MAX + 1];
	char speaker_key[KEYS_MAX];
	unsigned ttl;
	etcd_lease *lease;
	json_t *speaker_val;		/* text */
	bool speaker_dirty, speaker_inflight;
	etcd_watch *lsp_watch;
	bool lsp_synced;
	json_t *etcd_lsps;		/* key -> [seq, mod_revision] */
	json_t *want;			/* key -> [text, seq]: writes to do */
	json_t *gone;			/* key -> seq: deletes to do */
	json_t *inflight;		/* key -> true while a txn for it is on the wire */
	struct owned routes, sids;
	uv_timer_t retry;
	unsigned backoff;
	bool connected;
	bool closing;
	void (*done)(void *);
	void *done_arg;
};

struct req {
	struct speaker_export *e;
	char key[KEYS_MAX];
	uint32_t seq;
	bool del;
	struct owned *o;
	json_t *applied;		/* owned: the desired set that was sent */
};

static void schedule_retry(struct speaker_export *e);

static struct req *req_new(struct speaker_export *e, const char *key)
{
	struct req *r = calloc(1, sizeof(*r));

	if (r) {
		r->e = e;
		if (key)
			snprintf(r->key, sizeof(r->key), "%s", key);
	}
	return r;
}

/* ---- ted/lsp ------------------------------------------------------------------- */

static uint32_t value_seq(const char *v, size_t len)
{
	json_t *j = json_loadb(v, len, 0, NULL);
	json_t *s = j ? json_object_get(j, "seq") : NULL;
	uint32_t seq = json_is_integer(s) && json_integer_value(s) > 0 &&
				       json_integer_value(s) <= UINT32_MAX
			       ? (uint32_t)json_integer_value(s)
			       : 0;

	json_decref(j);
	return seq;	/* 0: unreadable, so any copy of ours replaces it */
}

static void etcd_lsp_set(struct speaker_export *e, const struct etcd_kv *kv)
{
	json_object_set_new(e->etcd_lsps, kv->key,
			    json_pack("[I,I]", (json_int_t)value_seq(kv->value, kv->value_len),
				      (json_int_t)kv->mod_revision));
}

static void lsp_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct req *r = arg;
	struct speaker_export *e = r->e;

	json_object_del(e->inflight, r->key);
	if (res->err.code == ETCD_OK && res->succeeded) {
		if (r->del) {
			json_object_del(e->etcd_lsps, r->key);
			json_t *g = json_object_get(e->gone, r->key);

			if (g && (uint32_t)json_integer_value(g) == r->seq)
				json_object_del(e->gone, r->key);
		} else {
			json_object_set_new(e->etcd_lsps, r->key,
					    json_pack("[I,I]", (json_int_t)r->seq,
						      (json_int_t)res->revision));
			json_t *w = json_object_get(e->want, r->key);

			if (w && (uint32_t)json_integer_value(json_array_get(w, 1)) == r->seq)
				json_object_del(e->want, r->key);
		}
		log_debug("export", "%s %s seq %" PRIu32, r->del ? "deleted" : "wrote", r->key,
			  r->seq);
	} else if (res->err.code == ETCD_ERR_COMPARE_FAILED || (res->err.code == ETCD_OK)) {
		/* someone else wrote it first: the watch brings their copy, then we
		 * compare again */
		log_debug("export", "%s: another copy landed first", r->key);
	} else if (res->err.code != ETCD_ERR_CANCELED) {
		LOG_RL(LOG_LVL_WARN, "export", "%s: %s", r->key, res->err.msg);
		schedule_retry(e);
	}
	free(r);
	if (!e->closing)
		speaker_export_flush(e);
}

static void lsp_send(struct speaker_export *e, const char *key, const json_t *etcd_entry,
		     const char *text, uint32_t seq, bool del)
{
	etcd_txn *t = etcd_txn_new();
	struct req *r = req_new(e, key);

	if (!t || !r) {
		etcd_txn_free(t);
		free(r);
		return;
	}
	r->seq = seq;
	r->del = del;
	if (etcd_entry)
		etcd_txn_compare(t, key, ETCD_CMP_MOD, ETCD_CMP_EQUAL,
				 json_integer_value(json_array_get(etcd_entry, 1)));
	else
		etcd_txn_compare(t, key, ETCD_CMP_VERSION, ETCD_CMP_EQUAL, 0);
	if (del)
		etcd_txn_delete(t, ETCD_SUCCESS, key, false);
	else
		etcd_txn_put(t, ETCD_SUCCESS, key, text, strlen(text), 0);
	if (etcd_txn_commit(e->c, t, ETCD_TXN_ATOMIC, lsp_done, r) < 0) {
		free(r);
		return;
	}
	json_object_set_new(e->inflight, key, json_true());
}

static void flush_lsps(struct speaker_export *e)
{
	const char *key;
	json_t *v, *tmp;

	if (!e->lsp_synced)
		return;
	json_object_foreach_safe(e->want, tmp, key, v) {
		json_t *cur = json_object_get(e->etcd_lsps, key);
		uint32_t seq = (uint32_t)json_integer_value(json_array_get(v, 1));

		if (json_object_get(e->inflight, key))
			continue;
		if (cur && (uint32_t)json_integer_value(json_array_get(cur, 0)) >= seq) {
			json_object_del(e->want, key);	/* etcd's copy is as new or newer */
			continue;
		}
		lsp_send(e, key, cur, json_string_value(json_array_get(v, 0)), seq, false);
	}
	json_object_foreach_safe(e->gone, tmp, key, v) {
		json_t *cur = json_object_get(e->etcd_lsps, key);
		uint32_t seq = (uint32_t)json_integer_value(v);

		if (json_object_get(e->inflight, key))
			continue;
		if (!cur || (uint32_t)json_integer_value(json_array_get(cur, 0)) > seq) {
			json_object_del(e->gone, key);	/* absent, or a newer copy exists */
			continue;
		}
		lsp_send(e, key, cur, NULL, seq, true);
	}
}

static void lsp_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct speaker_export *e = arg;

	json_object_clear(e->etcd_lsps);
	for (size_t i = 0; i < snap->n_kvs; i++)
		etcd_lsp_set(e, &snap->kvs[i]);
	if (!e->lsp_synced || resync)
		log_info("export", "ted/lsp: %zu LSPs in etcd at revision %" PRId64 "%s",
			 snap->n_kvs, snap->revision, resync ? " (resync)" : "");
	e->lsp_synced = true;
	speaker_export_flush(e);
}

static void lsp_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t rev,
		       void *arg)
{
	struct speaker_export *e = arg;

	for (size_t i = 0; i < n; i++) {
		if (ev[i].type == ETCD_EVENT_PUT)
			etcd_lsp_set(e, &ev[i].kv);
		else
			json_object_del(e->etcd_lsps, ev[i].kv.key);
	}
	speaker_export_flush(e);
}

static void lsp_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		       void *arg)
{
	struct speaker_export *e = arg;

	if (connected != e->connected)
		log_state("export", "etcd", e->connected ? "connected" : "disconnected",
			  connected ? "connected" : "disconnected", NULL,
			  why ? why->msg : NULL);
	e->connected = connected;
	if (fatal)
		log_err("export", "ted/lsp watch stopped: %s", why ? why->msg : "?");
	if (connected)
		speaker_export_flush(e);
}

void speaker_export_lsp(struct speaker_export *e, const struct isis_pdu *pdu, uint16_t remaining)
{
	char err[160], key[KEYS_MAX], idb[32];
	struct key_lsp_id kid;
	json_t *v = ted_json_lsp(pdu, remaining, err, sizeof(err));
	char *text;

	isis_lsdb_id_str(pdu->h.lsp.lsp_id, idb, sizeof(idb));
	if (!v) {
		LOG_RL(LOG_LVL_ERROR, "export", "LSP %s not exported: %s", idb, err);
		return;
	}
	memcpy(kid.system_id, pdu->h.lsp.lsp_id, 6);
	kid.pseudonode = pdu->h.lsp.lsp_id[6];
	kid.fragment = pdu->h.lsp.lsp_id[7];
	text = ted_json_dumps(v);
	json_decref(v);
	if (!text || keys_ted_lsp(&e->keys, &kid, key, sizeof(key)) < 0) {
		free(text);
		return;
	}
	json_object_del(e->gone, key);
	json_object_set_new(e->want, key, json_pack("[s,I]", text, (json_int_t)pdu->h.lsp.seq));
	free(text);
}

void speaker_export_lsp_gone(struct speaker_export *e, const uint8_t id[ISIS_LSPID_LEN],
			     uint32_t seq)
{
	struct key_lsp_id kid;
	char key[KEYS_MAX];

	memcpy(kid.system_id, id, 6);
	kid.pseudonode = id[6];
	kid.fragment = id[7];
	if (keys_ted_lsp(&e->keys, &kid, key, sizeof(key)) < 0)
		return;
	json_object_del(e->want, key);
	json_object_set_new(e->gone, key, json_integer(seq));
}

/* ---- speakers/<node> --------------------------------------------------------------- */

static void speaker_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct req *r = arg;
	struct speaker_export *e = r->e;

	e->speaker_inflight = false;
	if (res->err.code != ETCD_OK) {
		if (res->err.code != ETCD_ERR_CANCELED) {
			e->speaker_dirty = true;
			LOG_RL(LOG_LVL_WARN, "export", "%s: %s", e->speaker_key, res->err.msg);
			schedule_retry(e);
		}
	}
	free(r);
	if (!e->closing)
		speaker_export_flush(e);
}

static void flush_speaker(struct speaker_export *e)
{
	struct etcd_put_opts po = {0};
	const char *text;
	struct req *r;

	if (!e->speaker_dirty || e->speaker_inflight || !e->speaker_val || !e->lease ||
	    !etcd_lease_alive(e->lease) || !(po.lease = etcd_lease_id(e->lease)))
		return;
	text = json_string_value(e->speaker_val);
	if (!(r = req_new(e, NULL)))
		return;
	if (etcd_put(e->c, e->speaker_key, text, strlen(text), &po, speaker_done, r) < 0) {
		free(r);
		return;
	}
	e->speaker_dirty = false;
	e->speaker_inflight = true;
}

static void lease_granted(etcd_lease *l, const struct etcd_result *res, void *arg);
static void lease_lost(etcd_lease *l, const struct etcd_error *why, void *arg);

static void lease_start(struct speaker_export *e)
{
	static const struct etcd_lease_cbs cbs = {lease_granted, lease_lost};

	e->lease = etcd_lease_grant(e->c, e->ttl, &cbs, e);
	if (!e->lease)
		log_err("export", "cannot start a lease for %s", e->speaker_key);
}

static void lease_granted(etcd_lease *l, const struct etcd_result *res, void *arg)
{
	struct speaker_export *e = arg;

	if (res->err.code != ETCD_OK) {
		if (res->err.code == ETCD_ERR_CANCELED)
			return;
		LOG_RL(LOG_LVL_WARN, "export", "lease for %s: %s (retrying)", e->speaker_key,
		       res->err.msg);
		etcd_lease_release(l, false, NULL, NULL);
		e->lease = NULL;
		schedule_retry(e);
		return;
	}
	log_info("export", "%s on lease %" PRIx64 " (TTL %" PRId64 " s)", e->speaker_key,
		 (uint64_t)res->lease_id, res->ttl);
	e->speaker_dirty = true;
	speaker_export_flush(e);
}

static void lease_lost(etcd_lease *l, const struct etcd_error *why, void *arg)
{
	struct speaker_export *e = arg;

	if (e->closing)
		return;
	log_warn("export", "lease for %s lost (%s): granting a new one", e->speaker_key,
		 why ? why->msg : "?");
	etcd_lease_release(l, false, NULL, NULL);
	e->lease = NULL;
	schedule_retry(e);
}

/* ---- owned sets -------------------------------------------------------------------- */

static bool owned_value(const struct owned *o, const char *v, size_t len)
{
	if (!o->sids)
		return true;
	/* rib/<node>/sid/ is shared with the controller's binding SIDs */
	json_t *j = json_loadb(v, len, 0, NULL);
	const char *b = json_string_value(json_object_get(j, "behavior"));
	const char *op = json_string_value(json_object_get(j, "op"));
	/* ours: the SRv6 SIDs we instantiate and the SR-MPLS adjacency labels (op pop) */
	bool ours = (b && (strcmp(b, "End") == 0 || strcmp(b, "End.X") == 0 ||
			   strcmp(b, "End.DT6") == 0 || strcmp(b, "End.DX4") == 0)) ||
		    (!b && op && strcmp(op, "pop") == 0);

	json_decref(j);
	return ours;
}

static void owned_loaded(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct req *r = arg;
	struct speaker_export *e = r->e;
	struct owned *o = r->o;

	o->loading = false;
	if (res->err.code != ETCD_OK) {
		if (res->err.code != ETCD_ERR_CANCELED) {
			LOG_RL(LOG_LVL_WARN, "export", "reading %s: %s", o->prefix, res->err.msg);
			schedule_retry(e);
		}
		free(r);
		return;
	}
	json_object_clear(o->etcd);
	for (size_t i = 0; i < res->n_kvs; i++)
		if (owned_value(o, res->kvs[i].value, res->kvs[i].value_len))
			json_object_set_new(o->etcd, res->kvs[i].key,
					    json_stringn(res->kvs[i].value, res->kvs[i].value_len));
	o->loaded = true;
	o->dirty = true;
	log_debug("export", "%s: %zu keys in etcd", o->prefix, json_object_size(o->etcd));
	free(r);
	speaker_export_flush(e);
}

static void owned_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct req *r = arg;
	struct speaker_export *e = r->e;
	struct owned *o = r->o;

	o->inflight = false;
	if (res->err.code == ETCD_OK) {
		json_decref(o->etcd);
		o->etcd = r->applied;	/* etcd now holds exactly what was sent */
		r->applied = NULL;
	} else if (res->err.code != ETCD_ERR_CANCELED) {
		LOG_RL(LOG_LVL_WARN, "export", "writing %s %s: %s (will re-read and retry)",
		       o->what, o->prefix, res->err.msg);
		o->loaded = false;	/* part may have landed: read back before the next diff */
		o->dirty = true;
		schedule_retry(e);
	}
	json_decref(r->applied);
	free(r);
	if (!e->closing)
		speaker_export_flush(e);
}

static void flush_owned(struct speaker_export *e, struct owned *o)
{
	const char *key;
	json_t *v;

	if (!o->desired || o->inflight || o->loading)
		return;
	if (!o->loaded) {
		struct etcd_range_opts ro = {.prefix = true, .page_size = 2000};
		struct req *r = req_new(e, NULL);

		if (!r)
			return;
		r->o = o;
		if (etcd_range(e->c, o->prefix, &ro, owned_loaded, r) < 0) {
			free(r);
			return;
		}
		o->loading = true;
		return;
	}
	if (!o->dirty)
		return;
	etcd_txn *t = etcd_txn_new();
	size_t puts = 0, dels = 0;

	if (!t)
		return;
	json_object_foreach(o->desired, key, v) {
		json_t *cur = json_object_get(o->etcd, key);

		if (cur && strcmp(json_string_value(cur), json_string_value(v)) == 0)
			continue;
		const char *text = json_string_value(v);

		etcd_txn_put(t, ETCD_SUCCESS, key, text, strlen(text), 0);
		puts++;
	}
	/* deletes after puts: a route that moves never leaves a hole */
	json_object_foreach(o->etcd, key, v) {
		if (!json_object_get(o->desired, key)) {
			etcd_txn_delete(t, ETCD_SUCCESS, key, false);
			dels++;
		}
	}
	o->dirty = false;
	if (puts + dels == 0) {
		etcd_txn_free(t);
		return;
	}
	struct req *r = req_new(e, NULL);

	if (!r) {
		etcd_txn_free(t);
		o->dirty = true;
		return;
	}
	r->o = o;
	r->applied = json_deep_copy(o->desired);
	if (etcd_txn_commit(e->c, t, ETCD_TXN_SPLIT, owned_done, r) < 0) {
		json_decref(r->applied);
		free(r);
		o->dirty = true;
		return;
	}
	o->inflight = true;
	log_info("export", "%s: %zu written, %zu deleted", o->prefix, puts, dels);
}

static void owned_set(struct owned *o, json_t *values)
{
	json_t *texts = json_object();
	const char *key;
	json_t *v;

	json_object_foreach(values, key, v) {
		char *s = ted_json_dumps(v);

		if (s)
			json_object_set_new(texts, key, json_string(s));
		free(s);
	}
	json_decref(values);
	if (o->desired && json_equal(o->desired, texts)) {
		json_decref(texts);
		return;
	}
	json_decref(o->desired);
	o->desired = texts;
	o->dirty = true;
}

void speaker_export_set_routes(struct speaker_export *e, json_t *routes)
{
	if (routes)
		owned_set(&e->routes, routes);
}

void speaker_export_set_sids(struct speaker_export *e, json_t *sids)
{
	if (sids)
		owned_set(&e->sids, sids);
}

void speaker_export_set_speaker(struct speaker_export *e, json_t *value)
{
	char *s = ted_json_dumps(value);

	json_decref(value);
	if (!s)
		return;
	if (!e->speaker_val || strcmp(json_string_value(e->speaker_val), s) != 0) {
		json_decref(e->speaker_val);
		e->speaker_val = json_string(s);
		e->speaker_dirty = true;
	}
	free(s);
}

/* ---- flush, retry, open, close ------------------------------------------------------- */

static void on_retry(uv_timer_t *t)
{
	struct speaker_export *e = t->data;

	if (!e->lease)
		lease_start(e);
	speaker_export_flush(e);
}

static void schedule_retry(struct speaker_export *e)
{
	if (e->closing || uv_is_active((uv_handle_t *)&e->retry))
		return;
	e->backoff = e->backoff ? e->backoff * 2 : BACKOFF_MIN_MS;
	if (e->backoff > BACKOFF_MAX_MS)
		e->backoff = BACKOFF_MAX_MS;
	uv_timer_start(&e->retry, on_retry, e->backoff, 0);
}

void speaker_export_flush(struct speaker_export *e)
{
	if (e->closing)
		return;
	flush_lsps(e);
	flush_speaker(e);
	flush_owned(e, &e->routes);
	flush_owned(e, &e->sids);
	if (e->connected && json_object_size(e->want) == 0 && json_object_size(e->gone) == 0)
		e->backoff = 0;
}

const struct keys *speaker_export_keys(const struct speaker_export *e)
{
	return &e->keys;
}

int speaker_export_open(uv_loop_t *loop, const struct speaker_export_opts *o,
			struct speaker_export **out, char *err, size_t errlen)
{
	struct speaker_export *e = calloc(1, sizeof(*e));
	struct etcd_client_opts co = {.endpoints = o->endpoints, .name = "etcd"};
	static const struct etcd_watch_cbs wcbs = {lsp_snapshot, lsp_events, lsp_status};
	struct etcd_watch_opts wo = {.prefix = true};
	char pfx[KEYS_MAX];
	int rc;

	if (!e) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	e->loop = loop;
	e->ttl = o->lease_ttl_s ? o->lease_ttl_s : 10;
	snprintf(e->node, sizeof(e->node), "%s", o->node);
	if (keys_init(&e->keys, o->root) < 0) {
		snprintf(err, errlen, "bad key root \"%s\"", o->root ? o->root : "");
		free(e);
		return -EINVAL;
	}
	if (keys_speaker(&e->keys, o->node, e->speaker_key, sizeof(e->speaker_key)) < 0 ||
	    keys_prefix_node(&e->keys, KEY_RIB_ISIS_ROUTE, o->node, e->routes.prefix,
			     sizeof(e->routes.prefix)) < 0 ||
	    keys_prefix_node(&e->keys, KEY_RIB_SID, o->node, e->sids.prefix,
			     sizeof(e->sids.prefix)) < 0 ||
	    keys_prefix(&e->keys, KEY_TED_LSP, pfx, sizeof(pfx)) < 0) {
		snprintf(err, errlen, "hostname \"%s\" cannot be used in etcd keys", o->node);
		free(e);
		return -EINVAL;
	}
	e->routes.what = "routes";
	e->sids.what = "sids";
	e->sids.sids = true;
	e->routes.etcd = json_object();
	e->sids.etcd = json_object();
	e->etcd_lsps = json_object();
	e->want = json_object();
	e->gone = json_object();
	e->inflight = json_object();
	rc = etcd_client_new(loop, &co, &e->c, err, errlen);
	if (rc < 0) {
		json_decref(e->routes.etcd);
		json_decref(e->sids.etcd);
		json_decref(e->etcd_lsps);
		json_decref(e->want);
		json_decref(e->gone);
		json_decref(e->inflight);
		free(e);
		return rc;
	}
	uv_timer_init(loop, &e->retry);
	e->retry.data = e;
	e->lsp_watch = etcd_watch_start(e->c, pfx, &wo, &wcbs, e);
	lease_start(e);
	*out = e;
	return 0;
}

static void export_free(struct speaker_export *e)
{
	void (*done)(void *) = e->done;
	void *arg = e->done_arg;

	json_decref(e->routes.etcd);
	json_decref(e->routes.desired);
	json_decref(e->sids.etcd);
	json_decref(e->sids.desired);
	json_decref(e->etcd_lsps);
	json_decref(e->want);
	json_decref(e->gone);
	json_decref(e->inflight);
	json_decref(e->speaker_val);
	free(e);
	if (done)
		done(arg);
}

static void retry_closed(uv_handle_t *h)
{
	export_free(h->data);
}

static void client_closed(void *arg)
{
	struct speaker_export *e = arg;

	uv_close((uv_handle_t *)&e->retry, retry_closed);
}

static void revoked(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct speaker_export *e = arg;

	etcd_client_close(e->c, client_closed, e);
}

void speaker_export_close(struct speaker_export *e, void (*done)(void *arg), void *arg)
{
	e->closing = true;
	e->done = done;
	e->done_arg = arg;
	uv_timer_stop(&e->retry);
	if (e->lsp_watch) {
		etcd_watch_cancel(e->lsp_watch);
		e->lsp_watch = NULL;
	}
	if (e->lease && etcd_lease_alive(e->lease)) {
		/* speakers/<node> vanishes now rather than at the TTL */
		etcd_lease_release(e->lease, true, revoked, e);
		e->lease = NULL;
		return;
	}
	if (e->lease)
		etcd_lease_release(e->lease, false, NULL, NULL);
	e->lease = NULL;
	etcd_client_close(e->c, client_closed, e);
}
