/* client — the etcd client object and its request pipeline; put, get, range, delete.
 *
 * Every unary request goes through etcd_call: it waits in a FIFO until one of
 * max_inflight slots is free (and, with auth on, until a token is held), is POSTed to
 * the current endpoint, and on an "unavailable" answer (connection refused, timeout,
 * no leader) fails over to the next endpoint, then retries rounds with back-off until
 * its deadline (request_timeout_ms). A request whose outcome is unknown (sent, then
 * the connection died) is resent only when it is idempotent (etcd_req_kind). "invalid
 * auth token" (expired simple token, etcd restarted) triggers one re-login and one
 * resend. Responses are decoded by codec.c into struct etcd_result. Range pagination
 * (pages at the first page's revision, joined) lives here too. txn.c, lease.c and
 * watch.c build on etcd_call and on the endpoint/token accessors below. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"
#include "lib/log.h"

#define CAT "etcd"

struct etcd_req {
	etcd_client *c;
	const char *path;
	json_t *body;
	enum etcd_req_kind kind;
	etcd_cb cb;
	void *arg;
	struct etcd_xfer x;
	char *token_used;
	uint64_t deadline_ms, retry_at_ms;
	unsigned endpoint;       /* endpoint of the attempt on the wire */
	unsigned tried_in_round; /* endpoints tried since the last back-off */
	unsigned backoff_ms;
	bool auth_retried;
	bool is_auth;     /* the authenticate request itself */
	bool has_preset;  /* complete with `preset` without sending */
	struct etcd_error preset;
	struct etcd_req *next, *prev;
};

struct req_list {
	struct etcd_req *head, *tail;
};

struct auth_waiter {
	void (*cb)(void *arg, const struct etcd_error *err);
	void *arg;
	struct auth_waiter *next;
};

struct tracked {
	void *p;
	bool is_watch;
	struct tracked *next;
};

struct etcd_client {
	uv_loop_t *loop;
	struct etcd_client_opts opts;
	char *name, *user, *password;
	struct etcd_tls tls;
	char **endpoints;
	unsigned n_endpoints, cur;
	char *token;
	bool auth_inflight;
	struct etcd_req *auth_req; /* the authenticate request while on the wire */
	struct auth_waiter *waiters;
	struct etcd_transport *t;
	struct req_list pending, inflight, retrying;
	unsigned n_inflight;
	uv_timer_t retry_timer;
	struct tracked *tracked;
	bool closing;
	unsigned close_waits;
	void (*closed)(void *);
	void *closed_arg;
};

static void pump(etcd_client *c);
static void send_req(struct etcd_req *r);

static uint64_t now_ms(const etcd_client *c)
{
	return uv_now(c->loop);
}

static void list_push_back(struct req_list *l, struct etcd_req *r)
{
	r->next = NULL;
	r->prev = l->tail;
	if (l->tail)
		l->tail->next = r;
	else
		l->head = r;
	l->tail = r;
}

static void list_push_front(struct req_list *l, struct etcd_req *r)
{
	r->prev = NULL;
	r->next = l->head;
	if (l->head)
		l->head->prev = r;
	else
		l->tail = r;
	l->head = r;
}

static void list_remove(struct req_list *l, struct etcd_req *r)
{
	if (r->prev)
		r->prev->next = r->next;
	else
		l->head = r->next;
	if (r->next)
		r->next->prev = r->prev;
	else
		l->tail = r->prev;
	r->next = r->prev = NULL;
}

/* ---- construction ---------------------------------------------------------------- */

static char *dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int parse_endpoints(etcd_client *c, const char *list, char *err, size_t errlen)
{
	char *copy, *save = NULL, *tok;

	if (!list || !*list) {
		snprintf(err, errlen, "no etcd endpoints given");
		return -EINVAL;
	}
	copy = strdup(list);
	if (!copy)
		return -ENOMEM;
	for (tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		char **n;
		size_t len;

		while (*tok == ' ')
			tok++;
		len = strlen(tok);
		while (len && (tok[len - 1] == ' ' || tok[len - 1] == '/'))
			tok[--len] = '\0';
		if (strncmp(tok, "http://", 7) && strncmp(tok, "https://", 8)) {
			snprintf(err, errlen,
				 "endpoint \"%s\": expected http://host:port or https://host:port",
				 tok);
			free(copy);
			return -EINVAL;
		}
		n = realloc(c->endpoints, (c->n_endpoints + 1) * sizeof(*n));
		if (!n) {
			free(copy);
			return -ENOMEM;
		}
		c->endpoints = n;
		c->endpoints[c->n_endpoints++] = strdup(tok);
	}
	free(copy);
	if (c->n_endpoints == 0) {
		snprintf(err, errlen, "no etcd endpoints given");
		return -EINVAL;
	}
	return 0;
}

static int check_readable(const char *what, const char *path, char *err, size_t errlen)
{
	FILE *f;

	if (!path)
		return 0;
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s \"%s\": %s", what, path, strerror(errno));
		return -EINVAL;
	}
	fclose(f);
	return 0;
}

static void free_client(etcd_client *c)
{
	unsigned i;

	for (i = 0; i < c->n_endpoints; i++)
		free(c->endpoints[i]);
	free(c->endpoints);
	free(c->name);
	free(c->user);
	free(c->password);
	free((char *)c->tls.ca_file);
	free((char *)c->tls.cert_file);
	free((char *)c->tls.key_file);
	free(c->token);
	free(c);
}

int etcd_client_new(uv_loop_t *loop, const struct etcd_client_opts *opts,
		    etcd_client **out, char *err, size_t errlen)
{
	static bool curl_ready;
	etcd_client *c;
	int rc;

	if (!curl_ready) {
		curl_global_init(CURL_GLOBAL_DEFAULT);
		curl_ready = true;
	}
	if (errlen)
		err[0] = '\0';
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->loop = loop;
	c->opts = *opts;
	c->name = strdup(opts->name ? opts->name : "etcd");
	c->user = dup_opt(opts->user);
	c->password = dup_opt(opts->password);
	c->tls.ca_file = dup_opt(opts->ca_file);
	c->tls.cert_file = dup_opt(opts->cert_file);
	c->tls.key_file = dup_opt(opts->key_file);
	c->opts.name = c->name;
	c->opts.user = c->user;
	c->opts.password = c->password;
	c->opts.endpoints = NULL;
	c->opts.ca_file = c->tls.ca_file;
	c->opts.cert_file = c->tls.cert_file;
	c->opts.key_file = c->tls.key_file;
#define DEFAULT(f, v) if (!c->opts.f) c->opts.f = (v)
	DEFAULT(request_timeout_ms, 5000);
	DEFAULT(connect_timeout_ms, 1000);
	DEFAULT(max_inflight, 32);
	DEFAULT(max_txn_ops, 128);
	DEFAULT(max_request_bytes, 1572864);
	DEFAULT(backoff_min_ms, 100);
	DEFAULT(backoff_max_ms, 5000);
#undef DEFAULT
	rc = parse_endpoints(c, opts->endpoints, err, errlen);
	if (rc == 0 && c->user && !c->password) {
		snprintf(err, errlen, "user \"%s\" given without a password", c->user);
		rc = -EINVAL;
	}
	if (rc == 0)
		rc = check_readable("CA file", c->tls.ca_file, err, errlen);
	if (rc == 0)
		rc = check_readable("client certificate", c->tls.cert_file, err, errlen);
	if (rc == 0)
		rc = check_readable("client key", c->tls.key_file, err, errlen);
	if (rc == 0 && (rc = etcd_transport_new(loop, &c->t)) < 0)
		snprintf(err, errlen, "cannot create the HTTP transport");
	if (rc < 0) {
		free_client(c);
		return rc;
	}
	uv_timer_init(loop, &c->retry_timer);
	c->retry_timer.data = c;
	*out = c;
	return 0;
}

const char *etcd_client_endpoint(const etcd_client *c)
{
	return c->endpoints[c->cur];
}

uv_loop_t *etcd_client_loop(const etcd_client *c)
{
	return c->loop;
}

const char *etcd_client_url(etcd_client *c, unsigned *index)
{
	*index = c->cur;
	return c->endpoints[c->cur];
}

void etcd_client_endpoint_failed(etcd_client *c, unsigned index, const char *why)
{
	if (index != c->cur || c->closing)
		return;
	if (c->n_endpoints == 1) {
		LOG_RL(LOG_LVL_WARN, CAT, "%s: endpoint %s unavailable: %s", c->name,
		       c->endpoints[index], why);
		return;
	}
	c->cur = (c->cur + 1) % c->n_endpoints;
	log_warn(CAT, "%s: endpoint %s unavailable (%s); failing over to %s", c->name,
		 c->endpoints[index], why, c->endpoints[c->cur]);
}

const char *etcd_client_token(etcd_client *c)
{
	return c->token;
}

bool etcd_client_has_auth(const etcd_client *c)
{
	return c->user != NULL;
}

const struct etcd_tls *etcd_client_tls(const etcd_client *c)
{
	return &c->tls;
}

const struct etcd_client_opts *etcd_client_opts(const etcd_client *c)
{
	return &c->opts;
}

struct etcd_transport *etcd_client_transport(etcd_client *c)
{
	return c->t;
}

const char *etcd_client_name(const etcd_client *c)
{
	return c->name;
}

/* ---- completion ----------------------------------------------------------------- */

static void free_req(struct etcd_req *r)
{
	etcd_xfer_release(&r->x);
	json_decref(r->body);
	free(r->token_used);
	free(r);
}

static void complete(struct etcd_req *r, struct etcd_result *res)
{
	if (r->cb)
		r->cb(r->c, res, r->arg);
	etcd_result_clear(res);
	free_req(r);
}

static void complete_err(struct etcd_req *r, const struct etcd_error *err)
{
	struct etcd_result res;

	memset(&res, 0, sizeof(res));
	res.err = *err;
	complete(r, &res);
}

/* ---- auth ------------------------------------------------------------------------- */

static void notify_waiters(etcd_client *c, const struct etcd_error *err)
{
	struct auth_waiter *w = c->waiters;

	c->waiters = NULL;
	while (w) {
		struct auth_waiter *next = w->next;

		w->cb(w->arg, err);
		free(w);
		w = next;
	}
}

static void fail_pending(etcd_client *c, const struct etcd_error *err)
{
	struct etcd_req *r;

	while ((r = c->pending.head)) {
		list_remove(&c->pending, r);
		complete_err(r, err);
	}
}

/* Called by on_done for the authenticate request with the raw response. */
static void auth_finished(etcd_client *c, const struct etcd_error *err, const char *body,
			  size_t len)
{
	json_t *root = NULL;
	const json_t *tok;

	c->auth_inflight = false;
	if (!err) {
		root = json_loadb(body, len, 0, NULL);
		tok = json_object_get(root, "token");
		if (json_is_string(tok)) {
			free(c->token);
			c->token = strdup(json_string_value(tok));
			log_info(CAT, "%s: authenticated as \"%s\" at %s", c->name, c->user,
				 c->endpoints[c->cur]);
		}
		json_decref(root);
	}
	if (!c->token) {
		struct etcd_error e;

		if (err)
			e = *err;
		else
			etcd_error_set(&e, ETCD_ERR_PROTOCOL, "authenticate: no token in answer");
		log_err(CAT, "%s: cannot authenticate as \"%s\": %s", c->name, c->user, e.msg);
		fail_pending(c, &e);
		notify_waiters(c, &e);
		return;
	}
	notify_waiters(c, NULL);
	pump(c);
}

static void start_auth(etcd_client *c)
{
	struct etcd_req *r;

	if (c->auth_inflight || c->closing)
		return;
	r = calloc(1, sizeof(*r));
	if (!r)
		return;
	r->c = c;
	r->path = "/v3/auth/authenticate";
	r->body = json_pack("{s:s, s:s}", "name", c->user, "password", c->password);
	r->kind = ETCD_REQ_IDEMPOTENT;
	r->is_auth = true; /* no cb: on_done hands the raw answer to auth_finished */
	r->deadline_ms = now_ms(c) + c->opts.request_timeout_ms;
	c->auth_inflight = true;
	send_req(r);
}

void etcd_client_reauth(etcd_client *c, const char *stale_token,
			void (*cb)(void *arg, const struct etcd_error *err), void *arg)
{
	struct auth_waiter *w;
	struct etcd_error e;

	if (c->token && (!stale_token || strcmp(c->token, stale_token) != 0)) {
		cb(arg, NULL); /* already refreshed by someone else */
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		etcd_error_set(&e, ETCD_ERR_UNAVAILABLE, "out of memory");
		cb(arg, &e);
		return;
	}
	w->cb = cb;
	w->arg = arg;
	w->next = c->waiters;
	c->waiters = w;
	free(c->token);
	c->token = NULL;
	start_auth(c);
}

/* ---- sending ---------------------------------------------------------------------- */

static void on_retry_timer(uv_timer_t *h);

static void arm_retry_timer(etcd_client *c)
{
	struct etcd_req *r;
	uint64_t first = UINT64_MAX, now = now_ms(c);

	for (r = c->retrying.head; r; r = r->next)
		if (r->retry_at_ms < first)
			first = r->retry_at_ms;
	if (first == UINT64_MAX)
		uv_timer_stop(&c->retry_timer);
	else
		uv_timer_start(&c->retry_timer, on_retry_timer, first > now ? first - now : 0, 0);
}

static void on_retry_timer(uv_timer_t *h)
{
	etcd_client *c = h->data;
	struct etcd_req *r, *next;
	uint64_t now = now_ms(c);
	struct req_list due = { 0 };

	for (r = c->retrying.head; r; r = next) {
		next = r->next;
		if (r->retry_at_ms <= now) {
			list_remove(&c->retrying, r);
			list_push_back(&due, r);
		}
	}
	/* Due requests go ahead of new ones, in their original order. */
	while ((r = due.tail)) {
		list_remove(&due, r);
		if (r->is_auth)
			send_req(r);
		else
			list_push_front(&c->pending, r);
	}
	arm_retry_timer(c);
	pump(c);
}

static void schedule_retry(struct etcd_req *r, unsigned delay_ms)
{
	r->retry_at_ms = now_ms(r->c) + delay_ms;
	list_push_back(&r->c->retrying, r);
	arm_retry_timer(r->c);
}

static void on_done(struct etcd_xfer *x, CURLcode cc, long status);

static void send_req(struct etcd_req *r)
{
	etcd_client *c = r->c;
	char url[512];
	char *body;
	uint64_t now = now_ms(c);
	long timeout;
	int rc;

	body = json_dumps(r->body, JSON_COMPACT);
	if (!body) {
		struct etcd_error e;

		etcd_error_set(&e, ETCD_ERR_INVALID, "cannot encode request");
		if (r->is_auth)
			c->auth_inflight = false;
		complete_err(r, &e);
		return;
	}
	snprintf(url, sizeof(url), "%s%s", c->endpoints[c->cur], r->path);
	r->endpoint = c->cur;
	free(r->token_used);
	r->token_used = (!r->is_auth && c->token) ? strdup(c->token) : NULL;
	timeout = r->deadline_ms > now + 50 ? (long)(r->deadline_ms - now) : 50;
	r->x.streaming = false;
	r->x.done_fn = on_done;
	r->x.owner = r;
	rc = etcd_xfer_start(c->t, &r->x, url, body, strlen(body), r->token_used, &c->tls,
			     (long)c->opts.connect_timeout_ms, timeout);
	if (rc < 0) {
		struct etcd_error e;

		etcd_error_set(&e, ETCD_ERR_UNAVAILABLE, "cannot start HTTP request");
		if (r->is_auth)
			auth_finished(c, &e, NULL, 0);
		complete_err(r, &e);
		return;
	}
	if (r->is_auth) {
		c->auth_req = r;
	} else {
		c->n_inflight++;
		list_push_back(&c->inflight, r);
	}
}

static void pump(etcd_client *c)
{
	struct etcd_req *r;

	while (!c->closing && (r = c->pending.head)) {
		if (r->has_preset) {
			list_remove(&c->pending, r);
			complete_err(r, &r->preset);
			continue;
		}
		if (c->user && !c->token) {
			start_auth(c);
			return;
		}
		if (c->n_inflight >= c->opts.max_inflight)
			return;
		list_remove(&c->pending, r);
		send_req(r);
	}
}

/* An attempt failed with an "unavailable" error: next endpoint, or back off. */
static bool retry_unavailable(struct etcd_req *r, CURLcode cc, const struct etcd_error *e)
{
	etcd_client *c = r->c;
	bool may_resend = etcd_error_not_sent(cc) || r->kind == ETCD_REQ_IDEMPOTENT;

	etcd_client_endpoint_failed(c, r->endpoint, e->msg);
	if (!may_resend || now_ms(c) >= r->deadline_ms || c->closing)
		return false;
	etcd_xfer_release(&r->x);
	if (++r->tried_in_round < c->n_endpoints) {
		if (r->is_auth)
			send_req(r);
		else
			list_push_front(&c->pending, r);
		return true;
	}
	r->tried_in_round = 0;
	r->backoff_ms = r->backoff_ms ? r->backoff_ms * 2 : c->opts.backoff_min_ms;
	if (r->backoff_ms > 1000)
		r->backoff_ms = 1000;
	/* The last round starts shortly before the deadline, never after it. */
	if (now_ms(c) + 60 >= r->deadline_ms)
		return false;
	if (now_ms(c) + r->backoff_ms + 50 > r->deadline_ms)
		r->backoff_ms = (unsigned)(r->deadline_ms - now_ms(c) - 50);
	schedule_retry(r, r->backoff_ms);
	return true;
}

static void on_done(struct etcd_xfer *x, CURLcode cc, long status)
{
	struct etcd_req *r = x->owner;
	etcd_client *c = r->c;
	struct etcd_error err;
	struct etcd_result res;
	json_t *root;
	const json_t *obj;
	bool failed;

	if (r->is_auth) {
		c->auth_req = NULL;
	} else {
		c->n_inflight--;
		list_remove(&c->inflight, r);
	}
	failed = etcd_classify(cc, x->errbuf, status, x->resp, x->resp_len, &err);
	if (failed && err.code == ETCD_ERR_UNAVAILABLE && retry_unavailable(r, cc, &err)) {
		pump(c);
		return;
	}
	if (r->is_auth) {
		auth_finished(c, failed ? &err : NULL, x->resp, x->resp_len);
		free_req(r);
		return;
	}
	if (failed && err.code == ETCD_ERR_AUTH && err.grpc_code == 16 && c->user &&
	    !r->auth_retried) {
		/* Token expired or etcd restarted: log in again, resend once. */
		r->auth_retried = true;
		etcd_xfer_release(&r->x);
		if (c->token && r->token_used && strcmp(c->token, r->token_used) == 0) {
			free(c->token);
			c->token = NULL;
		}
		list_push_front(&c->pending, r);
		pump(c);
		return;
	}
	memset(&res, 0, sizeof(res));
	if (failed) {
		res.err = err;
		complete(r, &res);
		pump(c);
		return;
	}
	root = json_loadb(x->resp ? x->resp : "", x->resp_len, 0, NULL);
	obj = json_object_get(root, "result"); /* streaming RPCs (lease keep-alive) */
	if (!obj)
		obj = root;
	if (!root || etcd_decode_result(obj, &res) < 0) {
		etcd_error_set(&res.err, ETCD_ERR_PROTOCOL, "cannot decode answer to %s: %.80s",
			       r->path, x->resp ? x->resp : "(empty)");
	}
	json_decref(root);
	complete(r, &res);
	pump(c);
}

int etcd_call(etcd_client *c, const char *path, json_t *body, enum etcd_req_kind kind,
	      unsigned timeout_ms, etcd_cb cb, void *arg)
{
	struct etcd_req *r;

	if (!body)
		return -ENOMEM;
	if (c->closing) {
		json_decref(body);
		return -ECANCELED;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		json_decref(body);
		return -ENOMEM;
	}
	r->c = c;
	r->path = path;
	r->body = body;
	r->kind = kind;
	r->cb = cb;
	r->arg = arg;
	r->deadline_ms = now_ms(c) + (timeout_ms ? timeout_ms : c->opts.request_timeout_ms);
	list_push_back(&c->pending, r);
	pump(c);
	return 0;
}

int etcd_fail_later(etcd_client *c, const struct etcd_error *err, etcd_cb cb, void *arg)
{
	struct etcd_req *r;

	if (c->closing)
		return -ECANCELED;
	r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	r->c = c;
	r->cb = cb;
	r->arg = arg;
	r->has_preset = true;
	r->preset = *err;
	schedule_retry(r, 0);
	return 0;
}

/* ---- KV ----------------------------------------------------------------------------- */

static int add_bytes(json_t *obj, const char *field, const char *data, size_t len)
{
	json_t *v = etcd_json_bytes(data, len);

	if (!v)
		return -ENOMEM;
	return json_object_set_new(obj, field, v) == 0 ? 0 : -ENOMEM;
}

/* key plus range_end for a prefix / explicit end. */
static int add_range(json_t *obj, const char *key, bool prefix, const char *range_end)
{
	size_t klen = strlen(key), elen;
	char *end;
	int rc;

	if (klen == 0 && (prefix || range_end))
		rc = add_bytes(obj, "key", "", 1); /* "\0": from the first key */
	else
		rc = add_bytes(obj, "key", key, klen);
	if (rc < 0)
		return rc;
	if (range_end)
		return add_bytes(obj, "range_end", range_end, strlen(range_end));
	if (!prefix)
		return 0;
	end = etcd_prefix_end(key, klen, &elen);
	if (!end)
		return -ENOMEM;
	rc = add_bytes(obj, "range_end", end, elen);
	free(end);
	return rc;
}

int etcd_put(etcd_client *c, const char *key, const char *value, size_t value_len,
	     const struct etcd_put_opts *opts, etcd_cb cb, void *arg)
{
	json_t *body;

	if (!key || !*key)
		return -EINVAL;
	body = json_object();
	if (!body || add_bytes(body, "key", key, strlen(key)) < 0 ||
	    add_bytes(body, "value", value ? value : "", value ? value_len : 0) < 0) {
		json_decref(body);
		return -ENOMEM;
	}
	if (opts && opts->lease)
		json_object_set_new(body, "lease", json_integer(opts->lease));
	if (opts && opts->prev_kv)
		json_object_set_new(body, "prev_kv", json_true());
	if (opts && opts->ignore_lease)
		json_object_set_new(body, "ignore_lease", json_true());
	/* A resent put leaves the same value, but its prev_kv would be our own write. */
	return etcd_call(c, "/v3/kv/put", body,
			 opts && opts->prev_kv ? ETCD_REQ_NOT_IDEMPOTENT : ETCD_REQ_IDEMPOTENT, 0,
			 cb, arg);
}

struct get_ctx {
	etcd_cb cb;
	void *arg;
	char *key;
};

static void get_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct get_ctx *g = arg;

	if (res->err.code == ETCD_OK && res->n_kvs == 0) {
		struct etcd_result r = *res;

		etcd_error_set(&r.err, ETCD_ERR_NOT_FOUND, "key not found: %s", g->key);
		g->cb(c, &r, g->arg);
	} else {
		g->cb(c, res, g->arg);
	}
	free(g->key);
	free(g);
}

int etcd_get(etcd_client *c, const char *key, etcd_cb cb, void *arg)
{
	struct get_ctx *g;
	json_t *body;
	int rc;

	if (!key || !*key)
		return -EINVAL;
	g = calloc(1, sizeof(*g));
	body = json_object();
	if (!g || !body || add_bytes(body, "key", key, strlen(key)) < 0 ||
	    !(g->key = strdup(key))) {
		free(g);
		json_decref(body);
		return -ENOMEM;
	}
	g->cb = cb;
	g->arg = arg;
	rc = etcd_call(c, "/v3/kv/range", body, ETCD_REQ_IDEMPOTENT, 0, get_done, g);
	if (rc < 0) {
		free(g->key);
		free(g);
	}
	return rc;
}

/* Paginated range: each page starts after the previous page's last key, all at the
 * revision of the first page. */
struct page_ctx {
	etcd_cb cb;
	void *arg;
	json_t *req; /* the range request, updated per page */
	size_t page_size;
	struct etcd_result acc;
	size_t cap;
};

static void page_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct page_ctx *p = arg;
	struct etcd_result *m = (struct etcd_result *)res; /* we take its kvs */
	size_t i;

	if (res->err.code != ETCD_OK)
		goto finish_err;
	if (p->acc.revision == 0) {
		p->acc.revision = res->revision;
		p->acc.count = res->count;
		json_object_set_new(p->req, "revision", json_integer(res->revision));
	}
	if (p->acc.n_kvs + res->n_kvs > p->cap) {
		size_t cap = p->cap ? p->cap : 64;
		struct etcd_kv *n;

		while (cap < p->acc.n_kvs + res->n_kvs)
			cap *= 2;
		n = realloc(p->acc.kvs, cap * sizeof(*n));
		if (!n) {
			etcd_error_set(&m->err, ETCD_ERR_INVALID, "out of memory");
			goto finish_err;
		}
		p->acc.kvs = n;
		p->cap = cap;
	}
	for (i = 0; i < res->n_kvs; i++)
		p->acc.kvs[p->acc.n_kvs++] = res->kvs[i];
	if (res->more && res->n_kvs > 0) {
		const struct etcd_kv *last = &res->kvs[res->n_kvs - 1];
		char *next = malloc(last->key_len + 1);
		int rc;

		if (!next)
			goto nomem;
		memcpy(next, last->key, last->key_len);
		next[last->key_len] = '\0'; /* key + "\0": the first key after it */
		rc = add_bytes(p->req, "key", next, last->key_len + 1);
		free(next);
		free(m->kvs); /* entries moved into acc */
		m->kvs = NULL;
		m->n_kvs = 0;
		if (rc < 0)
			goto nomem;
		json_incref(p->req);
		if (etcd_call(c, "/v3/kv/range", p->req, ETCD_REQ_IDEMPOTENT, 0, page_done, p) < 0)
			goto nomem;
		return;
	}
	free(m->kvs);
	m->kvs = NULL;
	m->n_kvs = 0;
	p->cb(c, &p->acc, p->arg);
	etcd_result_clear(&p->acc);
	json_decref(p->req);
	free(p);
	return;
nomem:
	etcd_error_set(&m->err, ETCD_ERR_CANCELED, "cannot continue paging (client closing)");
finish_err:
	p->cb(c, res, p->arg);
	etcd_result_clear(&p->acc);
	json_decref(p->req);
	free(p);
}

int etcd_range(etcd_client *c, const char *key, const struct etcd_range_opts *opts,
	       etcd_cb cb, void *arg)
{
	struct etcd_range_opts none = { 0 };
	json_t *body;
	struct page_ctx *p;
	int rc;

	if (!key)
		return -EINVAL;
	if (!opts)
		opts = &none;
	body = json_object();
	if (!body || add_range(body, key, opts->prefix, opts->range_end) < 0) {
		json_decref(body);
		return -ENOMEM;
	}
	if (opts->revision)
		json_object_set_new(body, "revision", json_integer(opts->revision));
	if (opts->keys_only)
		json_object_set_new(body, "keys_only", json_true());
	if (opts->count_only)
		json_object_set_new(body, "count_only", json_true());
	if (opts->serializable)
		json_object_set_new(body, "serializable", json_true());
	if (!opts->page_size || opts->count_only) {
		if (opts->limit)
			json_object_set_new(body, "limit", json_integer(opts->limit));
		return etcd_call(c, "/v3/kv/range", body, ETCD_REQ_IDEMPOTENT, 0, cb, arg);
	}
	p = calloc(1, sizeof(*p));
	if (!p) {
		json_decref(body);
		return -ENOMEM;
	}
	json_object_set_new(body, "limit", json_integer((json_int_t)opts->page_size));
	p->cb = cb;
	p->arg = arg;
	p->req = body;
	p->page_size = opts->page_size;
	json_incref(body);
	rc = etcd_call(c, "/v3/kv/range", body, ETCD_REQ_IDEMPOTENT, 0, page_done, p);
	if (rc < 0) {
		json_decref(p->req);
		free(p);
	}
	return rc;
}

int etcd_delete(etcd_client *c, const char *key, bool prefix, bool prev_kv, etcd_cb cb,
		void *arg)
{
	json_t *body;

	if (!key || (!*key && !prefix))
		return -EINVAL;
	body = json_object();
	if (!body || add_range(body, key, prefix, NULL) < 0) {
		json_decref(body);
		return -ENOMEM;
	}
	if (prev_kv)
		json_object_set_new(body, "prev_kv", json_true());
	/* A resent delete finds nothing: the deleted values would be lost. */
	return etcd_call(c, "/v3/kv/deleterange", body,
			 prev_kv ? ETCD_REQ_NOT_IDEMPOTENT : ETCD_REQ_IDEMPOTENT, 0, cb, arg);
}

/* ---- tracking and closing ------------------------------------------------------------ */

void etcd_client_track_watch(etcd_client *c, etcd_watch *w, bool add)
{
	struct tracked **pp, *t;

	if (add) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return;
		t->p = w;
		t->is_watch = true;
		t->next = c->tracked;
		c->tracked = t;
		return;
	}
	for (pp = &c->tracked; *pp; pp = &(*pp)->next) {
		if ((*pp)->p == w) {
			t = *pp;
			*pp = t->next;
			free(t);
			return;
		}
	}
}

void etcd_client_track_lease(etcd_client *c, etcd_lease *l, bool add)
{
	struct tracked **pp, *t;

	if (add) {
		t = calloc(1, sizeof(*t));
		if (!t)
			return;
		t->p = l;
		t->next = c->tracked;
		c->tracked = t;
		return;
	}
	for (pp = &c->tracked; *pp; pp = &(*pp)->next) {
		if ((*pp)->p == l) {
			t = *pp;
			*pp = t->next;
			free(t);
			return;
		}
	}
}

static void close_step(void *arg)
{
	etcd_client *c = arg;

	if (--c->close_waits > 0)
		return;
	if (c->closed)
		c->closed(c->closed_arg);
	free_client(c);
}

static void on_retry_timer_closed(uv_handle_t *h)
{
	close_step(h->data);
}

void etcd_client_close(etcd_client *c, void (*closed)(void *), void *arg)
{
	struct etcd_error e;
	struct etcd_req *r;

	if (c->closing)
		return;
	c->closing = true;
	c->closed = closed;
	c->closed_arg = arg;
	etcd_error_set(&e, ETCD_ERR_CANCELED, "etcd client closed");
	while (c->tracked) {
		struct tracked *t = c->tracked;

		c->tracked = t->next;
		if (t->is_watch)
			etcd_watch_free_on_close(t->p);
		else
			etcd_lease_free_on_close(t->p);
		free(t);
	}
	while ((r = c->inflight.head)) {
		list_remove(&c->inflight, r);
		c->n_inflight--;
		complete_err(r, &e);
	}
	while ((r = c->retrying.head)) {
		list_remove(&c->retrying, r);
		complete_err(r, &e);
	}
	while ((r = c->pending.head)) {
		list_remove(&c->pending, r);
		complete_err(r, &e);
	}
	if (c->auth_req)
		free_req(c->auth_req);
	c->auth_req = NULL;
	c->auth_inflight = false;
	notify_waiters(c, &e);
	c->close_waits = 2;
	uv_timer_stop(&c->retry_timer);
	uv_close((uv_handle_t *)&c->retry_timer, on_retry_timer_closed);
	etcd_transport_close(c->t, close_step, c);
}
