/* bgpd — kvte-bgp wired together (see bgp/bgpd.h): one libuv loop, one etcd client
 * shared by the route store and the two watches, ExaBGP on stdin/stdout. Every ExaBGP
 * line is handled as it arrives (parsing and RIB updates are in-memory and fast), the
 * resulting key changes queue in bgp/store.c, which talks to etcd on its own schedule,
 * so a slow or absent etcd never holds up reading ExaBGP. */
#include "bgp/bgpd.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>

#include "bgp/announce.h"
#include "bgp/exa_io.h"
#include "bgp/exa_msg.h"
#include "bgp/map.h"
#include "bgp/rib.h"
#include "bgp/route_value.h"
#include "bgp/store.h"
#include "lib/etcd/etcd.h"
#include "lib/jx.h"
#include "lib/keys.h"
#include "lib/log.h"

#define REFRESH_DELAY_MS 3000

struct ann_ent {
	struct bgp_announce a; /* the last valid value, announced */
};

struct bgpd {
	uv_loop_t *loop;
	struct bgpd_opts o;
	keys_t keys;
	char node[KEYS_NAME_MAX + 1];
	struct bgp_self self;
	etcd_client *c;
	struct bgp_store *store;
	struct exa_io *io;
	struct bgp_rib rib;
	etcd_watch *ann_watch, *orig_watch;
	struct bgp_map anns;  /* key -> struct ann_ent */
	struct bgp_map origs; /* key -> (void *)1 */
	uint64_t bad_lines, updates, nlri_in, withdrawn_in;
	struct exa_io_stats io_last; /* kept when the pipes close */
	bool stopping;
	uv_timer_t drain, refresh;
	bool refresh_open, saw_state;
	unsigned drain_ticks;
	int closing_parts;
	void (*done)(void *);
	void *done_arg;
	void (*exit_cb)(void *);
	void *exit_arg;
};

static double now_s(void)
{
	struct timeval tv;

	gettimeofday(&tv, NULL);
	return (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
}

/* ---- RIB -> bgp/routes ------------------------------------------------------------- */

static void route_changed(const prefix_t *prefix, const struct bgp_path *best, void *arg)
{
	struct bgpd *d = arg;
	char key[KEYS_MAX], err[160], pb[PREFIX_STRLEN];

	if (keys_bgp_route(&d->keys, prefix, d->node, key, sizeof(key)) < 0)
		return;
	if (!best) {
		bgp_store_set(d->store, key, NULL);
		return;
	}
	json_t *v = bgp_route_value(best, &d->self, err, sizeof(err));

	if (!v) {
		LOG_RL(LOG_LVL_ERROR, "bgp", "%s not published: %s",
		       prefix_format(prefix, pb, sizeof(pb)), err);
		bgp_store_set(d->store, key, NULL);
		return;
	}
	char *text = jx_dumps(v);

	json_decref(v);
	bgp_store_set(d->store, key, text);
	free(text);
}

/* the local AS became known: originated routes can now be written */
static void republish_local(struct bgpd *d)
{
	struct bgp_peer *lp = bgp_rib_local(&d->rib);
	struct bgp_map_iter it;
	struct bgp_map_ent *e;

	if (!lp)
		return;
	for (bgp_map_iter_init(&lp->paths, &it); (e = bgp_map_iter_next(&it));) {
		struct bgp_path *p = e->val;

		route_changed(&p->prefix, bgp_rib_best(&d->rib, &p->prefix), d);
	}
}

/* ---- announcements -------------------------------------------------------------- */

static void send_cmd(struct bgpd *d, const char *cmd, const char *key)
{
	if (d->io)
		exa_io_send(d->io, cmd, key);
}

static void announce_to(struct bgpd *d, const char *key, const struct bgp_announce *a,
			const addr_t *peer)
{
	char cmd[BGP_CMD_MAX];

	if (bgp_cmd_announce(a, peer, cmd, sizeof(cmd)) < 0) {
		LOG_RL(LOG_LVL_ERROR, "announce", "%s: command too long, not sent", key);
		return;
	}
	send_cmd(d, cmd, key);
}

static void withdraw_from(struct bgpd *d, const char *key, const prefix_t *p, const addr_t *peer)
{
	char cmd[BGP_CMD_MAX];

	bgp_cmd_withdraw(p, peer, cmd, sizeof(cmd));
	send_cmd(d, cmd, key);
}

static void announce_all_targets(struct bgpd *d, const char *key, const struct bgp_announce *a)
{
	if (!a->n_peers)
		announce_to(d, key, a, NULL);
	for (size_t i = 0; i < a->n_peers; i++)
		announce_to(d, key, a, &a->peers[i]);
}

/* withdraw `old` from the peers `neu` (NULL: none) no longer covers */
static void withdraw_uncovered(struct bgpd *d, const char *key, const struct bgp_announce *old,
			       const struct bgp_announce *neu)
{
	if (!old->n_peers) {
		if (!neu || neu->n_peers)
			withdraw_from(d, key, &old->prefix, NULL);
		return;
	}
	for (size_t i = 0; i < old->n_peers; i++)
		if (!neu || !bgp_announce_targets(neu, &old->peers[i]))
			withdraw_from(d, key, &old->prefix, &old->peers[i]);
}

static void ann_delete(struct bgpd *d, const char *key)
{
	struct ann_ent *e = bgp_map_del(&d->anns, key);

	if (!e)
		return;
	log_info("announce", "%s deleted: withdrawing", key);
	withdraw_uncovered(d, key, &e->a, NULL);
	bgp_announce_clear(&e->a);
	free(e);
}

static void ann_put(struct bgpd *d, const struct etcd_kv *kv)
{
	struct key_info ki;
	struct bgp_announce a;
	char err[512];
	jx_ctx c;
	json_t *v;

	if (keys_parse_n(&d->keys, kv->key, kv->key_len, &ki) != KEY_BGP_ANNOUNCE ||
	    strcmp(ki.node, d->node) != 0) {
		LOG_RL(LOG_LVL_ERROR, "announce", "%s: not a bgp/announce/%s/<prefix> key, ignored",
		       kv->key, d->node);
		return;
	}
	jx_init(&c, kv->key);
	if (!(v = jx_loads(&c, kv->value, kv->value_len))) {
		LOG_RL(LOG_LVL_ERROR, "announce", "%s (keeping the last valid announcement, if "
						  "any)", c.err);
		return;
	}
	int rc = bgp_announce_parse(v, &ki.prefix, kv->key, &a, err, sizeof(err));

	json_decref(v);
	if (rc < 0) {
		LOG_RL(LOG_LVL_ERROR, "announce", "%s (keeping the last valid announcement, if "
						  "any)", err);
		return;
	}
	struct ann_ent *e = bgp_map_get(&d->anns, kv->key);

	if (e && bgp_announce_equal(&e->a, &a)) {
		bgp_announce_clear(&a);
		return;
	}
	if (e) {
		withdraw_uncovered(d, kv->key, &e->a, &a);
		bgp_announce_clear(&e->a);
	} else if (!(e = calloc(1, sizeof(*e))) || bgp_map_put(&d->anns, kv->key, e, NULL) < 0) {
		free(e);
		bgp_announce_clear(&a);
		return;
	}
	e->a = a;
	log_info("announce", "%s: announcing", kv->key);
	announce_all_targets(d, kv->key, &e->a);
}

static void resend_for_peer(struct bgpd *d, const addr_t *peer)
{
	struct bgp_map_iter it;
	struct bgp_map_ent *me;
	size_t n = 0;

	for (bgp_map_iter_init(&d->anns, &it); (me = bgp_map_iter_next(&it));) {
		struct ann_ent *e = me->val;

		if (bgp_announce_targets(&e->a, peer)) {
			announce_to(d, me->key, &e->a, peer);
			n++;
		}
	}
	if (n) {
		char b[ADDR_STRLEN];

		log_info("announce", "peer %s up: %zu announcements sent again", 
			 addr_format(peer, b, sizeof(b)), n);
	}
}

/* ---- originations ----------------------------------------------------------------- */

static void orig_delete(struct bgpd *d, const char *key)
{
	struct key_info ki;

	if (!bgp_map_del(&d->origs, key))
		return;
	if (keys_parse(&d->keys, key, &ki) == KEY_BGP_ORIGINATE) {
		struct bgp_peer *lp = bgp_rib_local(&d->rib);

		log_info("originate", "%s deleted", key);
		if (lp)
			bgp_rib_withdraw(&d->rib, lp, &ki.prefix);
	}
}

static void orig_put(struct bgpd *d, const struct etcd_kv *kv)
{
	struct key_info ki;
	struct bgp_attrs *attrs;
	prefix_t p;
	char err[512];
	jx_ctx c;
	json_t *v;
	struct bgp_peer *lp;

	if (keys_parse_n(&d->keys, kv->key, kv->key_len, &ki) != KEY_BGP_ORIGINATE ||
	    strcmp(ki.node, d->node) != 0) {
		LOG_RL(LOG_LVL_ERROR, "originate", "%s: not a bgp/originate/%s/<prefix> key, "
						   "ignored", kv->key, d->node);
		return;
	}
	jx_init(&c, kv->key);
	if (!(v = jx_loads(&c, kv->value, kv->value_len))) {
		LOG_RL(LOG_LVL_ERROR, "originate", "%s (keeping the last valid value, if any)",
		       c.err);
		return;
	}
	int rc = bgp_originate_parse(v, &ki.prefix, kv->key, &p, &attrs, err, sizeof(err));

	json_decref(v);
	if (rc < 0) {
		LOG_RL(LOG_LVL_ERROR, "originate", "%s (keeping the last valid value, if any)", err);
		return;
	}
	if (!(lp = bgp_rib_local(&d->rib))) {
		bgp_attrs_unref(attrs);
		return;
	}
	lp->addr = p.addr.family == AF_INET6 && !addr_is_unset(&d->self.loopback6)
			   ? d->self.loopback6
			   : d->self.loopback4;
	bgp_map_put(&d->origs, kv->key, (void *)1, NULL);
	const addr_t *nh = p.addr.family == AF_INET6 && !addr_is_unset(&d->self.loopback6)
				   ? &d->self.loopback6
				   : &d->self.loopback4;

	if (bgp_rib_announce(&d->rib, lp, &p, nh, attrs, now_s()) > 0)
		log_info("originate", "%s: originated", kv->key);
	bgp_attrs_unref(attrs);
}

/* ---- watches ---------------------------------------------------------------------- */

static bool is_ann(struct bgpd *d, etcd_watch *w)
{
	return w == d->ann_watch;
}

static void w_snapshot(etcd_watch *w, const struct etcd_result *snap, bool resync, void *arg)
{
	struct bgpd *d = arg;
	struct bgp_map *m = is_ann(d, w) ? &d->anns : &d->origs;
	struct bgp_map keep;
	struct bgp_map_iter it;
	struct bgp_map_ent *e;

	bgp_map_init(&keep);
	for (size_t i = 0; i < snap->n_kvs; i++)
		bgp_map_put(&keep, snap->kvs[i].key, (void *)1, NULL);
	for (bgp_map_iter_init(m, &it); (e = bgp_map_iter_next(&it));)
		if (!bgp_map_get(&keep, e->key)) {
			char key[KEYS_MAX];

			snprintf(key, sizeof(key), "%s", e->key);
			if (is_ann(d, w))
				ann_delete(d, key);
			else
				orig_delete(d, key);
		}
	bgp_map_clear(&keep, NULL);
	for (size_t i = 0; i < snap->n_kvs; i++) {
		if (is_ann(d, w))
			ann_put(d, &snap->kvs[i]);
		else
			orig_put(d, &snap->kvs[i]);
	}
	log_info(is_ann(d, w) ? "announce" : "originate", "%zu keys at revision %" PRId64 "%s",
		 snap->n_kvs, snap->revision, resync ? " (resync)" : "");
	bgp_store_flush(d->store);
}

static void w_events(etcd_watch *w, const struct etcd_event *ev, size_t n, int64_t rev,
		     void *arg)
{
	struct bgpd *d = arg;

	for (size_t i = 0; i < n; i++) {
		char key[KEYS_MAX];

		snprintf(key, sizeof(key), "%s", ev[i].kv.key);
		if (ev[i].type == ETCD_EVENT_PUT)
			is_ann(d, w) ? ann_put(d, &ev[i].kv) : orig_put(d, &ev[i].kv);
		else
			is_ann(d, w) ? ann_delete(d, key) : orig_delete(d, key);
	}
	bgp_store_flush(d->store);
}

static void w_status(etcd_watch *w, bool connected, const struct etcd_error *why, bool fatal,
		     void *arg)
{
	struct bgpd *d = arg;

	if (fatal)
		log_err("bgp", "%s watch stopped: %s", is_ann(d, w) ? "announce" : "originate",
			why ? why->msg : "?");
	else if (!connected)
		log_debug("bgp", "watch disconnected: %s", why ? why->msg : "?");
}

/* ---- ExaBGP messages ----------------------------------------------------------------- */

static struct bgp_peer *peer_of(struct bgpd *d, const struct exa_msg *m)
{
	if (m->nb.local_asn && !d->self.asn) {
		d->self.asn = m->nb.local_asn;
		log_info("bgp", "own AS %" PRIu32 " (from ExaBGP)", d->self.asn);
		republish_local(d);
	}
	return bgp_rib_peer(&d->rib, &m->nb.peer, m->nb.peer_asn, &m->nb.local, m->nb.local_asn);
}

static void on_refresh(uv_timer_t *t)
{
	struct bgpd *d = t->data;

	if (d->saw_state || !d->io)
		return;
	log_info("bgp", "no session state from ExaBGP since start-up (started under a running "
			"ExaBGP?): asking peers for a route refresh");
	exa_io_send(d->io, "announce route-refresh ipv4 unicast", NULL);
	exa_io_send(d->io, "announce route-refresh ipv6 unicast", NULL);
}

static void on_state(struct bgpd *d, const struct exa_msg *m)
{
	struct bgp_peer *p = peer_of(d, m);
	char b[ADDR_STRLEN], obj[80];

	if (!p)
		return;
	snprintf(obj, sizeof(obj), "peer %s (AS %" PRIu32 ")", addr_format(&p->addr, b, sizeof(b)),
		 p->asn);
	bool was_up = p->up;

	d->saw_state = true;

	switch (m->state) {
	case EXA_ST_UP:
		p->up = true;
		log_state("bgp", obj, was_up ? "up" : "down", "up", "state up", NULL);
		resend_for_peer(d, &p->addr);
		break;
	case EXA_ST_DOWN: {
		size_t n = bgp_rib_flush_peer(&d->rib, p);

		p->up = false;
		if (was_up || n)
			log_state("bgp", obj, was_up ? "up" : "down", "down", "state down",
				  m->reason[0] ? m->reason : NULL);
		if (n)
			log_info("bgp", "%s: %zu routes removed", obj, n);
		break;
	}
	case EXA_ST_CONNECTED:
		log_debug("bgp", "%s: TCP connected", obj);
		break;
	}
}

static void on_update(struct bgpd *d, const struct exa_msg *m)
{
	struct bgp_peer *p;
	double t = m->time > 0 ? m->time : now_s();
	char b[ADDR_STRLEN];

	if (m->send)
		return; /* ExaBGP's echo of what it sent */
	if (!(p = peer_of(d, m)))
		return;
	if (!p->up) {
		p->up = true; /* an UPDATE means Established (we may have started late) */
		log_info("bgp", "peer %s: receiving routes", addr_format(&p->addr, b, sizeof(b)));
	}
	if (m->eor) {
		log_info("bgp", "peer %s: End-of-RIB %s (%zu routes from it)",
			 addr_format(&p->addr, b, sizeof(b)),
			 m->eor_family == AF_INET6 ? "ipv6 unicast"
			 : m->eor_family == AF_INET ? "ipv4 unicast" : "(other family)",
			 bgp_rib_count(p));
		return;
	}
	d->updates++;
	for (size_t i = 0; i < m->n_withdraw; i++)
		bgp_rib_withdraw(&d->rib, p, &m->withdraw[i]);
	for (size_t i = 0; i < m->n_announce; i++)
		if (bgp_rib_announce(&d->rib, p, &m->announce[i].prefix, &m->announce[i].next_hop,
				     m->attrs, t) < 0)
			LOG_RL(LOG_LVL_ERROR, "bgp", "out of memory storing a route");
	d->nlri_in += m->n_announce;
	d->withdrawn_in += m->n_withdraw;
}

static void on_line(const char *line, size_t len, void *arg)
{
	struct bgpd *d = arg;
	struct exa_msg m;
	char err[512], b[ADDR_STRLEN];
	struct exa_io_stats st;

	if (exa_msg_parse(line, len, &m, err, sizeof(err)) < 0) {
		d->bad_lines++;
		exa_io_stats(d->io, &st);
		LOG_RL(LOG_LVL_WARN, "exabgp", "line %" PRIu64 " skipped: %s", st.lines, err);
		return;
	}
	switch (m.kind) {
	case EXA_STATE:
		on_state(d, &m);
		break;
	case EXA_UPDATE:
		on_update(d, &m);
		break;
	case EXA_NOTIFICATION:
		log_warn("bgp", "peer %s sent NOTIFICATION %d/%d%s%s",
			 addr_format(&m.nb.peer, b, sizeof(b)), m.code, m.subcode,
			 m.data[0] ? " data " : "", m.data);
		break;
	case EXA_SHUTDOWN:
		log_info("bgp", "ExaBGP is shutting down");
		break;
	case EXA_ACK_DONE:
	case EXA_ACK_ERROR:
		exa_io_acked(d->io, m.kind == EXA_ACK_DONE);
		break;
	case EXA_ACK_SHUTDOWN:
		log_info("bgp", "ExaBGP answered \"shutdown\"");
		break;
	case EXA_TEXT:
		log_debug("exabgp", "< %.*s", (int)len, line);
		break;
	case EXA_OTHER:
	case EXA_EMPTY:
		break;
	}
	exa_msg_free(&m);
	bgp_store_flush(d->store);
}

static void on_eof(const char *why, void *arg)
{
	struct bgpd *d = arg;

	log_info("bgp", "ExaBGP closed our input (%s): stopping", why);
	if (d->exit_cb)
		d->exit_cb(d->exit_arg);
}

/* ---- start / stop ----------------------------------------------------------------- */

void bgpd_on_exit(struct bgpd *d, void (*cb)(void *arg), void *arg)
{
	d->exit_cb = cb;
	d->exit_arg = arg;
}

int bgpd_start(uv_loop_t *loop, const struct bgpd_opts *o, struct bgpd **out, char *err,
	       size_t errlen)
{
	struct bgpd *d = calloc(1, sizeof(*d));
	struct etcd_client_opts co = {.endpoints = o->etcd, .name = "etcd"};
	struct bgp_store_opts so = {0};
	static const struct etcd_watch_cbs wcbs = {w_snapshot, w_events, w_status};
	struct etcd_watch_opts wo = {.prefix = true};
	char pfx[KEYS_MAX];
	int rc;

	if (!d) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	d->loop = loop;
	d->o = *o;
	snprintf(d->node, sizeof(d->node), "%s", o->node);
	if (!keys_name_valid(o->node)) {
		snprintf(err, errlen, "node name \"%s\" cannot be used in etcd keys", o->node);
		free(d);
		return -EINVAL;
	}
	if (keys_init(&d->keys, o->root) < 0) {
		snprintf(err, errlen, "bad key root \"%s\"", o->root ? o->root : "");
		free(d);
		return -EINVAL;
	}
	d->self.node = d->node;
	d->self.loopback4 = o->loopback4;
	d->self.loopback6 = o->loopback6;
	d->self.asn = o->asn;
	bgp_rib_init(&d->rib, route_changed, d);
	bgp_map_init(&d->anns);
	bgp_map_init(&d->origs);
	if ((rc = etcd_client_new(loop, &co, &d->c, err, errlen)) < 0) {
		free(d);
		return rc;
	}
	so.node = d->node;
	so.keys = &d->keys;
	so.queue_max = o->queue_max;
	so.grace_ms = o->grace_ms;
	if ((rc = bgp_store_new(loop, d->c, &so, &d->store, err, errlen)) < 0) {
		etcd_client_close(d->c, NULL, NULL);
		free(d);
		return rc;
	}
	if (!o->no_exabgp) {
		static const struct exa_io_cbs ic = {on_line, on_eof};

		rc = exa_io_open(loop, o->in_fd, o->out_fd, o->max_line, &ic, d, &d->io, err,
				 errlen);
		if (rc < 0) {
			/* the caller exits; handles are reclaimed by the process exit */
			return rc;
		}
		/* started under a running ExaBGP (respawn), its sessions are up and report
		 * nothing: ask the peers to send their routes again. A fresh ExaBGP reports
		 * its sessions' states within seconds, and then no refresh is needed (ExaBGP
		 * 4.2 was seen to lose routes its peer announced while a refresh arrived). */
		uv_timer_init(loop, &d->refresh);
		d->refresh.data = d;
		d->refresh_open = true;
		uv_timer_start(&d->refresh, on_refresh, REFRESH_DELAY_MS, 0);
	}
	keys_prefix_node(&d->keys, KEY_BGP_ANNOUNCE, d->node, pfx, sizeof(pfx));
	if (!o->no_exabgp)
		d->ann_watch = etcd_watch_start(d->c, pfx, &wo, &wcbs, d);
	keys_prefix_node(&d->keys, KEY_BGP_ORIGINATE, d->node, pfx, sizeof(pfx));
	d->orig_watch = etcd_watch_start(d->c, pfx, &wo, &wcbs, d);
	log_info("bgp", "node %s: %s", d->node,
		 o->no_exabgp ? "originations only (no ExaBGP)" : "ExaBGP process on stdin/stdout");
	*out = d;
	return 0;
}

void bgpd_log_stats(struct bgpd *d)
{
	struct bgp_store_stats ss;
	struct exa_io_stats is = {0};

	bgp_store_stats(d->store, &ss);
	if (d->io)
		exa_io_stats(d->io, &is);
	else
		is = d->io_last;
	log_info("bgp", "stats: lines %" PRIu64 " (bad %" PRIu64 "), updates %" PRIu64
			", nlri %" PRIu64 ", withdrawn %" PRIu64 "; routes %zu, queued %zu, "
			"in flight %zu, puts %" PRIu64 ", deletes %" PRIu64 ", txns %" PRIu64
			", failures %" PRIu64 ", overflows %" PRIu64 ", %s; commands %" PRIu64
			", acks %" PRIu64 " done / %" PRIu64 " error, %zu waiting",
		 is.lines, d->bad_lines, d->updates, d->nlri_in, d->withdrawn_in, ss.desired,
		 ss.queued, ss.inflight, ss.puts, ss.deletes, ss.txns, ss.failures, ss.overflows,
		 ss.synced ? "in sync" : "not in sync", is.commands, is.acks_done, is.acks_error,
		 is.pending_acks);
}

static void ann_free(void *v)
{
	struct ann_ent *e = v;

	bgp_announce_clear(&e->a);
	free(e);
}

static void part_done(void *arg)
{
	struct bgpd *d = arg;

	if (--d->closing_parts)
		return;
	void (*done)(void *) = d->done;
	void *darg = d->done_arg;

	bgp_rib_free(&d->rib);
	bgp_map_clear(&d->anns, ann_free);
	bgp_map_clear(&d->origs, NULL);
	free(d);
	if (done)
		done(darg);
}

static void client_closed(void *arg)
{
	struct bgpd *d = arg;

	bgp_store_close(d->store, part_done, d);
}

static void drain_closed(uv_handle_t *h)
{
	part_done(h->data);
}

static void finish_stop(struct bgpd *d)
{
	struct bgp_store_stats ss;

	bgp_store_stats(d->store, &ss);
	if (!ss.synced)
		log_warn("bgp", "stopping with %zu route keys not yet written to etcd", ss.queued);
	bgpd_log_stats(d);
	d->closing_parts = d->refresh_open ? 3 : 2;
	uv_close((uv_handle_t *)&d->drain, drain_closed);
	if (d->refresh_open)
		uv_close((uv_handle_t *)&d->refresh, drain_closed);
	etcd_client_close(d->c, client_closed, d);
}

/* every 50 ms: stop once etcd holds what the RIB says, or after 3 s */
static void on_drain(uv_timer_t *t)
{
	struct bgpd *d = t->data;
	struct bgp_store_stats ss;

	bgp_store_stats(d->store, &ss);
	bgp_store_flush(d->store);
	if (ss.synced || ++d->drain_ticks >= 60) {
		uv_timer_stop(t);
		finish_stop(d);
	}
}

static void io_closed(void *arg)
{
	struct bgpd *d = arg;

	uv_timer_init(d->loop, &d->drain);
	d->drain.data = d;
	uv_timer_start(&d->drain, on_drain, 0, 50);
}

void bgpd_stop(struct bgpd *d, void (*done)(void *arg), void *arg)
{
	if (d->stopping)
		return;
	d->stopping = true;
	d->done = done;
	d->done_arg = arg;
	if (d->ann_watch)
		etcd_watch_cancel(d->ann_watch);
	if (d->orig_watch)
		etcd_watch_cancel(d->orig_watch);
	d->ann_watch = d->orig_watch = NULL;
	/* stop reading ExaBGP, then let the store write what the last messages changed
	 * (a session that went down just before ExaBGP stopped) */
	if (d->io) {
		struct exa_io *io = d->io;

		exa_io_stats(io, &d->io_last);
		d->io = NULL;
		exa_io_close(io, io_closed, d);
	} else {
		io_closed(d);
	}
}
