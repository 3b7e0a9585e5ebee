/* watch — etcd watches that never leave a gap: resume, fail-over, resync.
 *
 * A watch is one HTTP stream (POST /v3/watch with a create_request; the gateway
 * answers with one JSON message per line and never ends the stream by itself). We
 * remember the newest revision delivered (event mod_revision, or the header revision
 * of a progress notification) and after any disconnect reconnect — with exponential
 * back-off and jitter, to whichever endpoint the client now uses — asking for
 * start_revision = last + 1, dropping any event at or below last. If that revision
 * has been compacted, etcd cancels the watch with compact_revision: we then read the
 * whole range again at a fresh revision (paginated), hand it to the caller as a
 * "resync" snapshot and watch from just after it. "invalid auth token" (token expired,
 * or etcd restarted) re-logs in and reconnects; "permission denied" is fatal and
 * reported. A stream is cancelled by closing its connection (the gateway cannot take
 * more requests on an open stream). States: SNAPSHOT -> CONNECTING -> CONNECTED, and
 * WAITING (back-off or token) in between. Built on client.c and transport.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"
#include "lib/log.h"

#define CAT "etcd"

enum watch_state { W_SNAPSHOT, W_CONNECTING, W_CONNECTED, W_WAITING, W_STOPPED };
static const char *const state_names[] = { "Snapshot", "Connecting", "Connected",
					   "Waiting", "Stopped" };

struct etcd_watch {
	etcd_client *c;
	char *key;
	struct etcd_watch_opts opts;
	struct etcd_watch_cbs cbs;
	void *arg;
	enum watch_state state;
	int64_t last_rev;
	struct etcd_xfer x;
	bool x_active;
	size_t scanned; /* bytes of x.resp known to hold no newline */
	unsigned endpoint;
	char *token_used;
	uv_timer_t timer;
	unsigned backoff_ms;
	unsigned refs; /* owner + snapshot request + open timer + callbacks running */
	bool canceled;
	bool resync_next; /* the next snapshot is a resync */
	/* what the current stream told us before it ended */
	bool created;
	int64_t compact_revision;
	char cancel_reason[256];
	bool canceled_by_server;
};

static void connect_stream(etcd_watch *w);
static void take_snapshot(etcd_watch *w, bool resync);

static void watch_unref(etcd_watch *w)
{
	if (--w->refs > 0)
		return;
	free(w->key);
	free(w->token_used);
	free(w);
}

static void set_state(etcd_watch *w, enum watch_state s, const char *reason)
{
	char obj[300];

	if (w->state == s)
		return;
	snprintf(obj, sizeof(obj), "%s: watch %s%s", etcd_client_name(w->c), w->key,
		 w->opts.prefix ? "*" : "");
	if (s == W_CONNECTED || w->state == W_CONNECTED || s == W_STOPPED)
		log_state(CAT, obj, state_names[w->state], state_names[s], NULL, reason);
	else
		log_debug(CAT, "%s: %s -> %s (%s)", obj, state_names[w->state], state_names[s],
			  reason ? reason : "");
	w->state = s;
}

static void report_status(etcd_watch *w, bool connected, const struct etcd_error *why,
			  bool fatal)
{
	if (w->cbs.status && !w->canceled)
		w->cbs.status(w, connected, why, fatal, w->arg);
}

static void stop_stream(etcd_watch *w)
{
	if (!w->x_active)
		return;
	w->x_active = false;
	etcd_xfer_release(&w->x);
}

static void on_timer(uv_timer_t *h)
{
	etcd_watch *w = h->data;

	if (w->canceled)
		return;
	if (w->resync_next || w->last_rev == 0)
		take_snapshot(w, w->resync_next);
	else
		connect_stream(w);
}

static void schedule_reconnect(etcd_watch *w, const char *reason)
{
	const struct etcd_client_opts *o = etcd_client_opts(w->c);
	unsigned delay;

	set_state(w, W_WAITING, reason);
	w->backoff_ms = w->backoff_ms ? w->backoff_ms * 2 : o->backoff_min_ms;
	if (w->backoff_ms > o->backoff_max_ms)
		w->backoff_ms = o->backoff_max_ms;
	/* jitter: 75%..125% so many watchers do not reconnect in lock-step */
	delay = w->backoff_ms * 3 / 4 + (unsigned)(rand() % (w->backoff_ms / 2 + 1));
	uv_timer_start(&w->timer, on_timer, delay, 0);
}

/* ---- snapshot (initial state and resync) ----------------------------------------------- */

static void snapshot_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	etcd_watch *w = arg;
	bool resync = w->resync_next;

	if (w->canceled || res->err.code == ETCD_ERR_CANCELED) {
		watch_unref(w);
		return;
	}
	if (res->err.code != ETCD_OK) {
		/* Refused credentials or permissions do not heal by retrying. */
		bool fatal = res->err.code == ETCD_ERR_PERMISSION_DENIED ||
			     res->err.code == ETCD_ERR_AUTH;

		report_status(w, false, &res->err, fatal);
		if (fatal)
			set_state(w, W_STOPPED, res->err.msg);
		else
			schedule_reconnect(w, res->err.msg);
		watch_unref(w);
		return;
	}
	w->resync_next = false;
	w->last_rev = res->revision;
	if (resync)
		log_info(CAT, "%s: watch %s: resynced %zu keys at revision %lld",
			 etcd_client_name(c), w->key, res->n_kvs, (long long)res->revision);
	if (w->cbs.snapshot)
		w->cbs.snapshot(w, res, resync, w->arg);
	if (!w->canceled)
		connect_stream(w);
	watch_unref(w);
}

static void take_snapshot(etcd_watch *w, bool resync)
{
	struct etcd_range_opts ro = {
		.prefix = w->opts.prefix,
		.page_size = w->opts.snapshot_page_size ? w->opts.snapshot_page_size : 5000,
	};

	w->resync_next = resync;
	set_state(w, W_SNAPSHOT, resync ? "resync" : "initial snapshot");
	w->refs++;
	if (etcd_range(w->c, w->key, &ro, snapshot_done, w) < 0) {
		w->refs--;
		schedule_reconnect(w, "cannot start range");
	}
}

/* ---- the stream ------------------------------------------------------------------------ */

static void deliver_events(etcd_watch *w, const json_t *events)
{
	size_t i, n = json_array_size(events), k = 0;
	struct etcd_event *ev;
	int64_t newest = w->last_rev;

	if (n == 0)
		return;
	ev = calloc(n, sizeof(*ev));
	if (!ev)
		return;
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(events, i);
		const json_t *type = json_object_get(e, "type");
		const json_t *prev = json_object_get(e, "prev_kv");
		struct etcd_event *out = &ev[k];

		if (etcd_decode_kv(json_object_get(e, "kv"), &out->kv) < 0) {
			LOG_RL(LOG_LVL_WARN, CAT, "%s: watch %s: malformed event skipped",
			       etcd_client_name(w->c), w->key);
			continue;
		}
		if (out->kv.mod_revision <= w->last_rev) { /* already delivered */
			etcd_kv_clear(&out->kv);
			continue;
		}
		out->type = json_is_string(type) && !strcmp(json_string_value(type), "DELETE")
				    ? ETCD_EVENT_DELETE
				    : ETCD_EVENT_PUT;
		if (prev && etcd_decode_kv(prev, &out->prev_kv) == 0)
			out->has_prev_kv = true;
		if (out->kv.mod_revision > newest)
			newest = out->kv.mod_revision;
		k++;
	}
	w->last_rev = newest;
	if (k && w->cbs.events)
		w->cbs.events(w, ev, k, newest, w->arg);
	for (i = 0; i < k; i++) {
		etcd_kv_clear(&ev[i].kv);
		etcd_kv_clear(&ev[i].prev_kv);
	}
	free(ev);
}

/* One message of the stream. Returns false when the stream must stop. */
static bool handle_message(etcd_watch *w, const char *line, size_t len)
{
	json_t *root = json_loadb(line, len, 0, NULL);
	const json_t *res = json_object_get(root, "result"), *v;
	bool keep = true;

	if (!res) {
		const json_t *err = json_object_get(root, "error");

		snprintf(w->cancel_reason, sizeof(w->cancel_reason), "%s",
			 json_is_object(err) && json_is_string(json_object_get(err, "message"))
				 ? json_string_value(json_object_get(err, "message"))
				 : "malformed watch message");
		w->canceled_by_server = true;
		json_decref(root);
		return false;
	}
	if (json_is_true(json_object_get(res, "canceled"))) {
		int64_t cr = 0;

		etcd_json_int64(json_object_get(res, "compact_revision"), &cr);
		w->compact_revision = cr;
		v = json_object_get(res, "cancel_reason");
		snprintf(w->cancel_reason, sizeof(w->cancel_reason), "%s",
			 json_is_string(v) ? json_string_value(v) : "canceled by server");
		w->canceled_by_server = true;
		keep = false;
	} else if (json_is_true(json_object_get(res, "created"))) {
		w->created = true;
		w->backoff_ms = 0;
		set_state(w, W_CONNECTED, etcd_client_endpoint(w->c));
		report_status(w, true, NULL, false);
	} else if ((v = json_object_get(res, "events"))) {
		deliver_events(w, v);
	} else if (w->created) {
		/* Progress notification: everything up to header.revision was sent. */
		int64_t rev = 0;

		if (etcd_json_int64(json_object_get(json_object_get(res, "header"), "revision"),
				    &rev) && rev > w->last_rev)
			w->last_rev = rev;
	}
	json_decref(root);
	return keep;
}

/* Handle every complete line buffered so far. Returns false when the server ended
 * the watch (a cancel message): the stream must then be closed by us. */
static bool process_lines(etcd_watch *w)
{
	struct etcd_xfer *x = &w->x;
	size_t start = 0, from = w->scanned; /* resp[0..scanned) holds no '\n' */
	bool keep = true;
	char *nl;

	while (keep && !w->canceled && x->resp &&
	       (nl = memchr(x->resp + from, '\n', x->resp_len - from))) {
		size_t len = (size_t)(nl - (x->resp + start));

		if (len)
			keep = handle_message(w, x->resp + start, len);
		start += len + 1;
		from = start;
	}
	if (w->canceled || !x->resp)
		return keep;
	if (start) {
		memmove(x->resp, x->resp + start, x->resp_len - start);
		x->resp_len -= start;
		x->resp[x->resp_len] = '\0';
	}
	/* A large message arrives in many chunks: never rescan what is known. */
	w->scanned = x->resp_len;
	return keep;
}

static void after_reauth(void *arg, const struct etcd_error *err)
{
	etcd_watch *w = arg;

	if (!w->canceled) {
		if (!err) {
			uv_timer_start(&w->timer, on_timer, 0, 0);
		} else if (err->code == ETCD_ERR_AUTH) {
			/* etcd refused our user/password: retrying cannot help */
			report_status(w, false, err, true);
			set_state(w, W_STOPPED, err->msg);
		} else {
			schedule_reconnect(w, err->msg);
		}
	}
	watch_unref(w); /* the waiter's reference */
}

/* The stream is over (server closed it, the connection broke, or etcd cancelled the
 * watch): decide between resync, re-login, stop and reconnect. */
static void stream_ended(etcd_watch *w, CURLcode cc, long status)
{
	struct etcd_xfer *x = &w->x;
	struct etcd_error err;
	bool was_connected = w->state == W_CONNECTED, retry_auth, fatal;

	memset(&err, 0, sizeof(err));
	if (w->canceled_by_server) {
		const char *r = w->cancel_reason;

		etcd_error_set(&err, ETCD_ERR_UNAVAILABLE, "%s", r);
		if (w->compact_revision > 0 || strstr(r, "compacted"))
			err.code = ETCD_ERR_COMPACTED;
		else if (strstr(r, "invalid auth token") || strstr(r, "user name is empty") ||
			 strstr(r, "authentication"))
			err.code = ETCD_ERR_AUTH;
		else if (strstr(r, "permission denied"))
			err.code = ETCD_ERR_PERMISSION_DENIED;
	} else if (!etcd_classify(cc, x->errbuf, status, x->resp, x->resp_len, &err)) {
		etcd_error_set(&err, ETCD_ERR_UNAVAILABLE, "stream ended by the server");
	}
	stop_stream(w);
	w->created = false;
	w->canceled_by_server = false;
	/* Only an expired/invalid token can be cured (by logging in again); other
	 * credential or permission refusals stop the watch. */
	retry_auth = err.code == ETCD_ERR_AUTH && etcd_client_has_auth(w->c) &&
		     strstr(err.msg, "invalid auth token");
	fatal = err.code == ETCD_ERR_PERMISSION_DENIED ||
		(err.code == ETCD_ERR_AUTH && !retry_auth);
	if (was_connected || err.code != ETCD_ERR_UNAVAILABLE)
		report_status(w, false, &err, fatal);
	if (w->canceled)
		return;
	switch (err.code) {
	case ETCD_ERR_COMPACTED:
		log_warn(CAT, "%s: watch %s: revision %lld was compacted (compact revision %lld); "
			 "resyncing", etcd_client_name(w->c), w->key, (long long)w->last_rev + 1,
			 (long long)w->compact_revision);
		w->compact_revision = 0;
		take_snapshot(w, true);
		return;
	case ETCD_ERR_AUTH:
		if (retry_auth) {
			set_state(w, W_WAITING, "auth token refused; logging in again");
			w->refs++;
			etcd_client_reauth(w->c, w->token_used, after_reauth, w);
			return;
		}
		set_state(w, W_STOPPED, err.msg);
		return;
	case ETCD_ERR_PERMISSION_DENIED:
		set_state(w, W_STOPPED, err.msg);
		return;
	default:
		if (cc != CURLE_OK || status >= 500)
			etcd_client_endpoint_failed(w->c, w->endpoint, err.msg);
		schedule_reconnect(w, err.msg);
	}
}

static void on_stream_data(struct etcd_xfer *x)
{
	etcd_watch *w = x->owner;

	w->refs++;
	if (!process_lines(w) && !w->canceled)
		stream_ended(w, CURLE_OK, 200);
	watch_unref(w);
}

static void on_stream_done(struct etcd_xfer *x, CURLcode cc, long status)
{
	etcd_watch *w = x->owner;

	w->refs++;
	process_lines(w); /* a cancel message sets canceled_by_server */
	if (!w->canceled && w->x_active)
		stream_ended(w, cc, status);
	watch_unref(w);
}

static void connect_stream(etcd_watch *w)
{
	etcd_client *c = w->c;
	const struct etcd_client_opts *o = etcd_client_opts(c);
	json_t *req, *body;
	size_t klen = strlen(w->key), elen;
	char url[512], *text, *end;
	const char *base;

	if (etcd_client_has_auth(c) && !etcd_client_token(c)) {
		set_state(w, W_WAITING, "waiting for a token");
		w->refs++;
		etcd_client_reauth(c, NULL, after_reauth, w);
		return;
	}
	req = json_object();
	json_object_set_new(req, "key", etcd_json_bytes(klen ? w->key : "", klen ? klen : 1));
	if (w->opts.prefix) {
		end = etcd_prefix_end(w->key, klen, &elen);
		if (end)
			json_object_set_new(req, "range_end", etcd_json_bytes(end, elen));
		free(end);
	}
	json_object_set_new(req, "start_revision", json_integer(w->last_rev + 1));
	if (w->opts.prev_kv)
		json_object_set_new(req, "prev_kv", json_true());
	if (!w->opts.no_progress)
		json_object_set_new(req, "progress_notify", json_true());
	body = json_pack("{s:o}", "create_request", req);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (!text) {
		schedule_reconnect(w, "cannot encode watch request");
		return;
	}
	base = etcd_client_url(c, &w->endpoint);
	snprintf(url, sizeof(url), "%s/v3/watch", base);
	free(w->token_used);
	w->token_used = etcd_client_token(c) ? strdup(etcd_client_token(c)) : NULL;
	w->x.streaming = true;
	w->x.data_fn = on_stream_data;
	w->x.done_fn = on_stream_done;
	w->x.owner = w;
	w->scanned = 0;
	w->created = false;
	w->canceled_by_server = false;
	w->compact_revision = 0;
	set_state(w, W_CONNECTING, base);
	if (etcd_xfer_start(etcd_client_transport(c), &w->x, url, text, strlen(text),
			    w->token_used, etcd_client_tls(c), (long)o->connect_timeout_ms,
			    0) < 0) {
		schedule_reconnect(w, "cannot start HTTP stream");
		return;
	}
	w->x_active = true;
}

/* ---- public --------------------------------------------------------------------------------- */

etcd_watch *etcd_watch_start(etcd_client *c, const char *key, const struct etcd_watch_opts *opts,
			     const struct etcd_watch_cbs *cbs, void *arg)
{
	etcd_watch *w;

	if (!key || (!*key && !(opts && opts->prefix)))
		return NULL;
	w = calloc(1, sizeof(*w));
	if (!w || !(w->key = strdup(key))) {
		free(w);
		return NULL;
	}
	w->c = c;
	if (opts)
		w->opts = *opts;
	if (cbs)
		w->cbs = *cbs;
	w->arg = arg;
	w->refs = 2; /* owner + timer */
	w->state = W_WAITING;
	uv_timer_init(etcd_client_loop(c), &w->timer);
	w->timer.data = w;
	etcd_client_track_watch(c, w, true);
	if (w->opts.start_revision > 0) {
		w->last_rev = w->opts.start_revision - 1;
		connect_stream(w);
	} else {
		take_snapshot(w, false);
	}
	return w;
}

int64_t etcd_watch_revision(const etcd_watch *w)
{
	return w->last_rev;
}

bool etcd_watch_connected(const etcd_watch *w)
{
	return w->state == W_CONNECTED;
}

static void on_timer_closed(uv_handle_t *h)
{
	watch_unref(h->data);
}

static void free_watch(etcd_watch *w)
{
	w->canceled = true;
	stop_stream(w);
	uv_timer_stop(&w->timer);
	uv_close((uv_handle_t *)&w->timer, on_timer_closed);
	watch_unref(w);
}

void etcd_watch_cancel(etcd_watch *w)
{
	if (!w || w->canceled)
		return;
	etcd_client_track_watch(w->c, w, false);
	free_watch(w);
}

void etcd_watch_free_on_close(etcd_watch *w)
{
	if (!w->canceled)
		free_watch(w);
}
