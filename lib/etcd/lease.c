/* lease — etcd leases with automatic keep-alive and loss detection.
 *
 * A lease is granted once (POST /v3/lease/grant {"TTL":n}) and then kept alive with
 * POST /v3/lease/keepalive every TTL/3 (a streaming RPC in gRPC; over the gateway one
 * request gets one {"result":...} answer). It is reported lost when etcd answers a
 * keep-alive without a TTL (expired or revoked: proto3 omits TTL 0), answers "lease
 * not found", or when no keep-alive has been acknowledged for a whole TTL (etcd
 * unreachable: the server will have expired it and deleted its keys). While etcd is
 * unreachable keep-alives are retried every second. The handle is reference-counted
 * so releasing it while a request is on the wire is safe. Built on etcd_call
 * (client.c); speakers, agents and controllers use it for their liveness keys. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/etcd/etcd_internal.h"
#include "lib/log.h"

#define CAT "etcd"

struct etcd_lease {
	etcd_client *c;
	struct etcd_lease_cbs cbs;
	void *arg;
	uv_timer_t timer;
	int64_t id, ttl, requested_ttl;
	uint64_t last_ack_ms;
	unsigned refs; /* owner + requests on the wire + open timer handle */
	bool alive, released, timer_open, granting;
	/* released with revoke before the grant answered: revoke when it does */
	bool revoke_on_grant;
	etcd_cb revoke_cb;
	void *revoke_arg;
};

static void lease_unref(etcd_lease *l)
{
	if (--l->refs == 0)
		free(l);
}

static void on_timer_closed(uv_handle_t *h)
{
	lease_unref(h->data);
}

static void stop_timer(etcd_lease *l)
{
	if (!l->timer_open)
		return;
	l->timer_open = false;
	uv_timer_stop(&l->timer);
	uv_close((uv_handle_t *)&l->timer, on_timer_closed);
}

static void lose(etcd_lease *l, const struct etcd_error *why)
{
	if (!l->alive)
		return;
	l->alive = false;
	stop_timer(l);
	log_warn(CAT, "%s: lease %lld lost: %s", etcd_client_name(l->c), (long long)l->id,
		 why->msg);
	if (l->cbs.lost)
		l->cbs.lost(l, why, l->arg);
}

static void on_tick(uv_timer_t *h);

static void arm(etcd_lease *l, uint64_t ms)
{
	if (l->timer_open)
		uv_timer_start(&l->timer, on_tick, ms, 0);
}

static void keepalive_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	etcd_lease *l = arg;
	uint64_t now = uv_now(etcd_client_loop(c));
	struct etcd_error e;

	if (l->released || !l->alive || res->err.code == ETCD_ERR_CANCELED)
		goto out;
	if (res->err.code == ETCD_OK && res->ttl > 0) {
		l->last_ack_ms = now;
		l->ttl = res->ttl;
		arm(l, (uint64_t)l->ttl * 1000 / 3);
		goto out;
	}
	if (res->err.code == ETCD_OK || res->err.code == ETCD_ERR_NOT_FOUND) {
		etcd_error_set(&e, ETCD_ERR_NOT_FOUND, "expired or revoked on the server");
		lose(l, &e);
		goto out;
	}
	if (now - l->last_ack_ms >= (uint64_t)l->ttl * 1000) {
		etcd_error_set(&e, res->err.code, "no keep-alive acknowledged for %llds: %s",
			       (long long)l->ttl, res->err.msg);
		lose(l, &e);
		goto out;
	}
	LOG_RL(LOG_LVL_WARN, CAT, "%s: lease %lld keep-alive failed (%s); retrying",
	       etcd_client_name(c), (long long)l->id, res->err.msg);
	arm(l, l->last_ack_ms + (uint64_t)l->ttl * 1000 - now < 1000
		       ? l->last_ack_ms + (uint64_t)l->ttl * 1000 - now
		       : 1000);
out:
	lease_unref(l);
}

static void on_tick(uv_timer_t *h)
{
	etcd_lease *l = h->data;
	json_t *body = json_pack("{s:I}", "ID", (json_int_t)l->id);
	uint64_t now = uv_now(etcd_client_loop(l->c));
	uint64_t expires = l->last_ack_ms + (uint64_t)l->ttl * 1000;
	/* The keep-alive (with its retries) may not outlive the lease: when it fails,
	 * keepalive_done must be able to report the loss at the TTL, not later. */
	unsigned left = expires > now + 100 ? (unsigned)(expires - now) : 100;

	l->refs++;
	if (etcd_call(l->c, "/v3/lease/keepalive", body, ETCD_REQ_IDEMPOTENT, left,
		      keepalive_done, l) < 0) {
		l->refs--;
		arm(l, 1000);
	}
}

static void revoke_id(etcd_client *c, int64_t id, etcd_cb cb, void *arg);

static void grant_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	etcd_lease *l = arg;

	l->granting = false;
	if (l->revoke_on_grant) {
		/* Released (with revoke) while the grant was on the wire. */
		if (res->err.code == ETCD_OK)
			revoke_id(c, res->lease_id, l->revoke_cb, l->revoke_arg);
		else if (l->revoke_cb)
			l->revoke_cb(c, res, l->revoke_arg);
		lease_unref(l);
		return;
	}
	if (l->released || res->err.code == ETCD_ERR_CANCELED) {
		lease_unref(l);
		return;
	}
	if (res->err.code == ETCD_OK) {
		l->id = res->lease_id;
		l->ttl = res->ttl > 0 ? res->ttl : l->requested_ttl;
		l->alive = true;
		l->last_ack_ms = uv_now(etcd_client_loop(c));
		arm(l, (uint64_t)l->ttl * 1000 / 3);
		log_debug(CAT, "%s: lease %lld granted, TTL %llds", etcd_client_name(c),
			  (long long)l->id, (long long)l->ttl);
	}
	if (l->cbs.granted)
		l->cbs.granted(l, res, l->arg);
	lease_unref(l);
}

etcd_lease *etcd_lease_grant(etcd_client *c, int64_t ttl_s, const struct etcd_lease_cbs *cbs,
			     void *arg)
{
	etcd_lease *l;

	if (ttl_s < 1)
		return NULL;
	l = calloc(1, sizeof(*l));
	if (!l)
		return NULL;
	l->c = c;
	if (cbs)
		l->cbs = *cbs;
	l->arg = arg;
	l->requested_ttl = ttl_s;
	l->refs = 3; /* owner, grant request, timer */
	uv_timer_init(etcd_client_loop(c), &l->timer);
	l->timer.data = l;
	l->timer_open = true;
	l->granting = true;
	if (etcd_call(c, "/v3/lease/grant", json_pack("{s:I}", "TTL", (json_int_t)ttl_s),
		      ETCD_REQ_IDEMPOTENT, 0, grant_done, l) < 0) {
		l->refs = 1;
		l->timer_open = false;
		uv_close((uv_handle_t *)&l->timer, on_timer_closed);
		return NULL;
	}
	etcd_client_track_lease(c, l, true);
	return l;
}

int64_t etcd_lease_id(const etcd_lease *l)
{
	return l->id;
}

int64_t etcd_lease_ttl(const etcd_lease *l)
{
	return l->ttl;
}

bool etcd_lease_alive(const etcd_lease *l)
{
	return l->alive;
}

struct revoke_ctx {
	etcd_cb cb;
	void *arg;
};

static void revoke_done(etcd_client *c, const struct etcd_result *res, void *arg)
{
	struct revoke_ctx *r = arg;

	if (r->cb)
		r->cb(c, res, r->arg);
	free(r);
}

/* Revoke lease id; cb (may be NULL) gets the result, also when it cannot be sent. */
static void revoke_id(etcd_client *c, int64_t id, etcd_cb cb, void *arg)
{
	struct revoke_ctx *r = calloc(1, sizeof(*r));
	struct etcd_error e;

	if (r) {
		r->cb = cb;
		r->arg = arg;
		if (etcd_call(c, "/v3/lease/revoke", json_pack("{s:I}", "ID", (json_int_t)id),
			      ETCD_REQ_IDEMPOTENT, 0, revoke_done, r) == 0)
			return;
		free(r);
	}
	if (!cb)
		return;
	etcd_error_set(&e, ETCD_ERR_CANCELED, "cannot revoke lease %lld: client closing",
		       (long long)id);
	etcd_fail_later(c, &e, cb, arg);
}

void etcd_lease_release(etcd_lease *l, bool revoke_it, etcd_cb cb, void *arg)
{
	etcd_client *c = l->c;

	etcd_client_track_lease(c, l, false);
	if (revoke_it && l->id) {
		revoke_id(c, l->id, cb, arg);
	} else if (revoke_it && l->granting) {
		l->revoke_on_grant = true; /* grant_done revokes and calls cb */
		l->revoke_cb = cb;
		l->revoke_arg = arg;
	} else if (revoke_it && cb) {
		struct etcd_error e;

		etcd_error_set(&e, ETCD_ERR_NOT_FOUND, "lease was never granted");
		etcd_fail_later(c, &e, cb, arg);
	}
	l->released = true;
	l->alive = false;
	stop_timer(l);
	lease_unref(l);
}

void etcd_lease_free_on_close(etcd_lease *l)
{
	l->released = true;
	l->alive = false;
	stop_timer(l);
	lease_unref(l);
}
