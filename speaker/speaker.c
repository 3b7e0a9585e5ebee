/* speaker — kvte-speaker's event loop wiring (see speaker/speaker.h): netlink and
 * frames in, the pure cores (adjacency, flooding, origination, SPF) in the middle,
 * frames and etcd out. ISO 10589 7.3.15-7.3.17 (flooding on point-to-point circuits:
 * LSPs, CSNPs and PSNPs are accepted only on a circuit whose adjacency is Up), 8.2
 * (hellos), RFC 5303. One level runs: level 1 if the node is configured level 1, else
 * level 2 (a level-1-2 node runs its level-2 database; noted in docs/speaker.md). */
#include "speaker/speaker.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/keys.h"
#include "lib/log.h"
#include "lib/netns.h"
#include "lib/nlmon.h"
#include "lib/timefmt.h"
#include "speaker/adj.h"
#include "speaker/export.h"
#include "speaker/flood.h"
#include "speaker/node.h"
#include "speaker/originate.h"
#include "speaker/pktio.h"
#include "speaker/spf.h"
#include "speaker/ted_json.h"

struct circuit_io {
	bool used;			/* false: a slot freed by a reload (circ.cfg = unused_iface) */
	int fd;
	uv_poll_t poll;
	bool poll_init;
	uint32_t fd_ifindex;		/* ifindex the socket is bound to */
	struct isis_adj adj;
	uint64_t up_since_wall;		/* unix ms */
	uint64_t rx_pdus, rx_errors, tx_pdus, tx_errors;
};

struct speaker {
	uv_loop_t *loop;
	struct speaker_opts opts;
	struct speaker_config cfg;
	char sysid_str[SPEAKER_SYSID_STRLEN];
	uint8_t level;			/* ISIS_LEVEL_1 or _2: the level we run */
	size_t n;
	struct speaker_circ circ[SPEAKER_MAX_IFACES];
	struct circuit_io io[SPEAKER_MAX_IFACES];
	struct nlmon *nl;
	int netns_fd;			/* the node's namespace, -1: ours */
	struct isis_flood flood;
	struct isis_orig orig;
	struct isis_spf spf;
	struct isis_spf_sched sched;
	struct isis_spf_adj spf_adj[SPEAKER_MAX_IFACES];
	size_t spf_nadj;
	struct speaker_export *exp;
	uv_timer_t timer;
	uv_check_t check;
	bool reoriginate;		/* our description may have changed */
	uint64_t last_orig;		/* when we last re-originated */
	bool export_adjs;		/* speakers/<node> needs rewriting */
	bool export_sids;
	uint64_t started_wall;
	uint8_t rxbuf[ISIS_FRAME_MAX];
	int closing;
	void (*done)(void *);
	void *done_arg;
};

/* What a circuit slot freed by a reload points at: passive, never present, so every
 * loop over the circuits (and speaker/node.c) passes over it. */
static const struct speaker_iface unused_iface = {.name = "", .passive = true};

static uint64_t now_ms(struct speaker *s)
{
	uv_update_time(s->loop);
	return uv_now(s->loop);
}

static const char *sysid_str(const uint8_t *id, char *buf, size_t len)
{
	return speaker_sysid_format(id, buf, len);
}

/* ---- sending -------------------------------------------------------------------- */

static void send_pdu(struct speaker *s, size_t i, const uint8_t *pdu, size_t len)
{
	struct circuit_io *io = &s->io[i];
	int rc;

	if (io->fd < 0 || !s->circ[i].present)
		return;
	rc = isis_pkt_send(io->fd, s->circ[i].ifindex, pdu, len);
	if (rc < 0) {
		io->tx_errors++;
		LOG_RL(LOG_LVL_WARN, "pkt", "%s: send %zu bytes: %s", s->circ[i].cfg->name, len,
		       strerror(-rc));
	} else {
		io->tx_pdus++;
	}
}

static void send_hello(struct speaker *s, size_t i)
{
	uint8_t buf[ISIS_FRAME_MAX];
	size_t len;
	int rc = isis_adj_encode_hello(&s->io[i].adj, buf, sizeof(buf), &len);

	if (rc < 0) {
		LOG_RL(LOG_LVL_ERROR, "adj", "%s: cannot build hello: %s", s->circ[i].cfg->name,
		       strerror(-rc));
		return;
	}
	send_pdu(s, i, buf, len);
}

/* ---- adjacency actions ---------------------------------------------------------- */

static void adj_actions(struct speaker *s, size_t i, const struct isis_adj_actions *acts)
{
	struct speaker_circ *c = &s->circ[i];
	uint64_t now = uv_now(s->loop);
	char nb[SPEAKER_SYSID_STRLEN];

	for (size_t k = 0; k < acts->n; k++) {
		const struct isis_adj_action *a = &acts->a[k];

		switch (a->type) {
		case ISIS_ADJ_ACT_SEND_HELLO:
			send_hello(s, i);
			break;
		case ISIS_ADJ_ACT_UP:
			c->adj_up = true;
			memcpy(c->nbr_sysid, a->nbr.sysid, ISIS_SYSID_LEN);
			memset(&c->nbr4, 0, sizeof(c->nbr4));
			memset(&c->nbr6, 0, sizeof(c->nbr6));
			if (a->nbr.n_addr4) {
				c->nbr4.family = AF_INET;
				memcpy(c->nbr4.bytes, a->nbr.addr4[0], 4);
			}
			if (a->nbr.n_addr6) {
				c->nbr6.family = AF_INET6;
				memcpy(c->nbr6.bytes, a->nbr.addr6[0], 16);
			}
			s->io[i].up_since_wall = time_wall_ms();
			isis_flood_circuit_up(&s->flood, (int)i, now);
			log_info("adj", "%s: adjacency with %s up (%s)", c->cfg->name,
				 sysid_str(a->nbr.sysid, nb, sizeof(nb)), a->reason ? a->reason : "");
			s->reoriginate = s->export_adjs = s->export_sids = true;
			isis_spf_sched_event(&s->sched, now);
			break;
		case ISIS_ADJ_ACT_DOWN:
			c->adj_up = false;
			isis_flood_circuit_down(&s->flood, (int)i);
			log_info("adj", "%s: adjacency with %s down (%s)", c->cfg->name,
				 sysid_str(a->nbr.sysid, nb, sizeof(nb)), a->reason ? a->reason : "");
			s->reoriginate = s->export_adjs = s->export_sids = true;
			isis_spf_sched_event(&s->sched, now);
			break;
		case ISIS_ADJ_ACT_SCHEDULE:
			break;	/* the batching point asks every core for its next due time */
		}
	}
}

/* ---- circuits from the configuration and netlink --------------------------------- */

/* The adjacency's view of circuit i (addresses from netlink). */
static void adj_circuit(const struct speaker *s, size_t i, struct isis_adj_circuit *ac)
{
	const struct speaker_circ *c = &s->circ[i];

	memset(ac, 0, sizeof(*ac));
	snprintf(ac->name, sizeof(ac->name), "%.31s/%.15s", s->cfg.hostname, c->cfg->name);
	memcpy(ac->sysid, s->cfg.system_id, ISIS_SYSID_LEN);
	ac->level = s->level;
	ac->n_areas = 1;
	ac->areas[0] = s->cfg.area;
	ac->local_circuit_id = (uint8_t)(i + 1);
	ac->ext_circuit_id = c->ifindex ? c->ifindex : (uint32_t)(i + 1);
	ac->hello_interval_s = s->cfg.hello_interval;
	ac->hello_multiplier = s->cfg.hello_multiplier;
	ac->ipv4 = true;
	ac->ipv6 = true;
	for (size_t k = 0; k < c->n4 && ac->n_addr4 < ISIS_ADJ_MAX_ADDRS; k++)
		memcpy(ac->addr4[ac->n_addr4++], c->addr4[k].addr.bytes, 4);
	if (c->has_ll6)
		memcpy(ac->addr6[ac->n_addr6++], c->ll6.bytes, 16);
	ac->mtu = c->mtu ? c->mtu : 1500;
	ac->pad = c->cfg->hello_padding;
}

static void circuit_close_socket(struct speaker *s, size_t i)
{
	struct circuit_io *io = &s->io[i];

	if (io->fd < 0)
		return;
	uv_poll_stop(&io->poll);
	uv_close((uv_handle_t *)&io->poll, NULL);
	io->poll_init = false;
	close(io->fd);
	io->fd = -1;
}

static void on_readable(uv_poll_t *p, int status, int events);

static void circuit_open_socket(struct speaker *s, size_t i)
{
	struct circuit_io *io = &s->io[i];
	char err[160];
	int fd;

	if (io->fd >= 0 && io->fd_ifindex == s->circ[i].ifindex)
		return;
	circuit_close_socket(s, i);
	int tok = netns_enter(s->netns_fd, err, sizeof(err));

	if (tok < -1) {
		log_err("pkt", "%s: %s", s->circ[i].cfg->name, err);
		return;
	}
	fd = isis_pkt_open(s->circ[i].ifindex, err, sizeof(err));
	netns_leave(tok);
	if (fd < 0) {
		log_err("pkt", "%s: %s", s->circ[i].cfg->name, err);
		return;
	}
	io->fd = fd;
	io->fd_ifindex = s->circ[i].ifindex;
	uv_poll_init(s->loop, &io->poll, fd);
	io->poll.data = s;
	io->poll_init = true;
	uv_poll_start(&io->poll, UV_READABLE, on_readable);
}

static ssize_t circuit_of_name(const struct speaker *s, const char *name)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->io[i].used && strcmp(s->circ[i].cfg->name, name) == 0)
			return (ssize_t)i;
	return -1;
}

/* Copy a link's addresses into circuit i; true if they changed. */
static bool circuit_addrs(struct speaker_circ *c, const struct nlmon_link *l)
{
	struct speaker_circ o = *c;

	c->n4 = c->n6 = 0;
	c->has_ll6 = false;
	for (size_t k = 0; l && k < l->naddr; k++) {
		const struct nlmon_addr *a = &l->addr[k];

		if (a->addr.family == AF_INET && c->n4 < SPEAKER_CIRC_ADDRS) {
			c->addr4[c->n4].addr = a->addr;
			c->addr4[c->n4++].len = a->plen;
		} else if (a->addr.family == AF_INET6) {
			bool ll = a->addr.bytes[0] == 0xfe && (a->addr.bytes[1] & 0xc0) == 0x80;

			if (ll && !c->has_ll6) {
				c->has_ll6 = true;
				c->ll6 = a->addr;
			} else if (!ll && c->n6 < SPEAKER_CIRC_ADDRS) {
				c->addr6[c->n6].addr = a->addr;
				c->addr6[c->n6++].len = a->plen;
			}
		}
	}
	return o.n4 != c->n4 || o.n6 != c->n6 || o.has_ll6 != c->has_ll6 ||
	       memcmp(o.addr4, c->addr4, sizeof(o.addr4)) != 0 ||
	       memcmp(o.addr6, c->addr6, sizeof(o.addr6)) != 0 ||
	       memcmp(&o.ll6, &c->ll6, sizeof(o.ll6)) != 0;
}

static void on_link(const struct nlmon_link *old, const struct nlmon_link *new, unsigned what,
		    void *arg)
{
	struct speaker *s = arg;
	const struct nlmon_link *l = new ? new : old;
	ssize_t idx = circuit_of_name(s, l->name);
	struct isis_adj_actions acts;
	char wb[64];

	if (idx < 0 && old && new && (what & NLMON_NAME))
		idx = circuit_of_name(s, old->name);	/* renamed away from a circuit */
	if (idx < 0 || s->closing)
		return;
	size_t i = (size_t)idx;
	struct speaker_circ *c = &s->circ[i];
	struct circuit_io *io = &s->io[i];
	uint64_t now = now_ms(s);
	bool present = new && strcmp(new->name, c->cfg->name) == 0;
	bool carrier = present && new->carrier;

	log_debug("nlmon", "%s: %s (carrier %s, mtu %u)", c->cfg->name,
		  nlmon_what_str(what, wb, sizeof(wb)), carrier ? "up" : "down",
		  present ? new->mtu : 0);
	if (!present) {
		if (c->present) {
			log_info("circuit", "%s: interface gone", c->cfg->name);
			if (!c->cfg->passive) {
				isis_adj_carrier(&io->adj, false, now, &acts);
				adj_actions(s, i, &acts);
			}
			circuit_close_socket(s, i);
		}
		c->present = false;
		c->carrier = false;
		circuit_addrs(c, NULL);
		s->reoriginate = true;
		return;
	}
	bool was_present = c->present, had_carrier = c->carrier;
	bool ifindex_changed = c->ifindex != new->ifindex;

	c->present = true;
	c->ifindex = new->ifindex;
	c->mtu = new->mtu;
	bool addrs_changed = circuit_addrs(c, new);

	c->carrier = carrier;
	if (addrs_changed || !was_present || (what & NLMON_CARRIER))
		s->reoriginate = true;
	if (c->cfg->passive)
		return;
	if (!was_present || ifindex_changed) {
		struct isis_adj_circuit ac;

		circuit_open_socket(s, i);
		adj_circuit(s, i, &ac);
		isis_adj_config(&io->adj, &ac, now, &acts);
		adj_actions(s, i, &acts);
		had_carrier = false;
	} else if (addrs_changed || (what & NLMON_MTU)) {
		/* the hello carries them: update in place, the adjacency stays up */
		struct isis_adj_circuit ac;

		adj_circuit(s, i, &ac);
		io->adj.c = ac;
	}
	if (carrier != had_carrier) {
		log_info("circuit", "%s: carrier %s", c->cfg->name, carrier ? "up" : "down");
		isis_adj_carrier(&io->adj, carrier, now, &acts);
		adj_actions(s, i, &acts);
	}
}

/* ---- receiving ------------------------------------------------------------------ */

static void rx_pdu(struct speaker *s, size_t i, const uint8_t *bytes, size_t len)
{
	struct circuit_io *io = &s->io[i];
	struct isis_pdu pdu;
	struct isis_err e;
	char eb[160];
	uint64_t now = uv_now(s->loop);
	int rc;

	memset(&e, 0, sizeof(e));
	rc = isis_pdu_decode(bytes, len, &pdu, &e);
	if (rc < 0) {
		io->rx_errors++;
		LOG_RL(LOG_LVL_WARN, "pkt", "%s: PDU rejected (%zu bytes): %s", s->circ[i].cfg->name,
		       len, rc == -EBADMSG ? isis_err_format(&e, eb, sizeof(eb)) : strerror(-rc));
		return;
	}
	io->rx_pdus++;
	if (pdu.type == ISIS_P2P_IIH) {
		struct isis_adj_actions acts;

		isis_adj_hello(&io->adj, &pdu, now, &acts);
		adj_actions(s, i, &acts);
	} else if (pdu.type == ISIS_L1_LAN_IIH || pdu.type == ISIS_L2_LAN_IIH) {
		LOG_RL(LOG_LVL_WARN, "adj", "%s: LAN hello ignored: the circuit is point-to-point",
		       s->circ[i].cfg->name);
	} else if (!s->circ[i].adj_up) {
		LOG_RL(LOG_LVL_DEBUG, "flood", "%s: PDU type %u ignored: no adjacency up",
		       s->circ[i].cfg->name, pdu.type);
	} else {
		struct isis_flood_actions acts = {0};

		rc = isis_flood_rx(&s->flood, (int)i, &pdu, now, &acts);
		if (rc == -EINVAL)
			LOG_RL(LOG_LVL_DEBUG, "flood", "%s: PDU type %u not for level %u",
			       s->circ[i].cfg->name, pdu.type, s->level);
		/* actions are collected by the batching point's isis_flood_run; rx only
		 * returns REORIGINATE requests */
		for (size_t k = 0; k < acts.n; k++) {
			struct isis_flood_action *a = &acts.v[k];

			if (a->type == ISIS_FLOOD_REORIGINATE) {
				struct isis_orig_out out = {0};

				isis_orig_seq_seen(&s->orig, a->lsp_id[ISIS_LSPID_LEN - 1], a->seq,
						   now, &out);
				for (size_t m = 0; m < out.n; m++)
					isis_flood_originate(&s->flood, out.v[m].bytes,
							     out.v[m].len, now);
				isis_orig_out_clear(&out);
			} else if (a->type == ISIS_FLOOD_SEND && a->circuit >= 0 &&
				   (size_t)a->circuit < s->n) {
				send_pdu(s, (size_t)a->circuit, a->pdu, a->len);
			}
		}
		isis_flood_actions_clear(&acts);
	}
	isis_pdu_free(&pdu);
}

static void on_readable(uv_poll_t *p, int status, int events)
{
	struct speaker *s = p->data;
	size_t i;

	for (i = 0; i < s->n; i++)
		if (s->io[i].poll_init && &s->io[i].poll == p)
			break;
	if (i == s->n)
		return;
	if (status < 0) {
		/* libuv stops a poll handle on POLLERR: the socket reports ENETDOWN when
		 * its link goes down. Clear the error and keep listening (the kernel
		 * re-attaches the socket when the link comes back). */
		int e = 0;
		socklen_t el = sizeof(e);

		getsockopt(s->io[i].fd, SOL_SOCKET, SO_ERROR, &e, &el);
		log_debug("pkt", "%s: socket error: %s", s->circ[i].cfg->name,
			  e ? strerror(e) : uv_strerror(status));
		uv_poll_start(p, UV_READABLE, on_readable);
	}
	for (int burst = 0; burst < 64; burst++) {
		uint8_t src[6];
		ssize_t n = isis_pkt_recv(s->io[i].fd, s->rxbuf, sizeof(s->rxbuf), src);
		const uint8_t *pdu;
		size_t len;

		if (n == -EAGAIN)
			break;
		if (n < 0) {
			LOG_RL(LOG_LVL_WARN, "pkt", "%s: receive: %s", s->circ[i].cfg->name,
			       strerror((int)-n));
			break;
		}
		if (n == 0)
			continue;
		if (isis_llc_strip(s->rxbuf, (size_t)n, &pdu, &len) < 0)
			continue;	/* another LLC protocol on the wire */
		rx_pdu(s, i, pdu, len);
	}
}

/* ---- the batching point --------------------------------------------------------- */

static void originate(struct speaker *s, uint64_t now)
{
	struct speaker_node_desc *nd = malloc(sizeof(*nd));
	struct isis_orig_out out = {0};
	int rc;

	if (!nd) {
		log_err("lsp", "out of memory building our LSP");
		return;
	}
	speaker_node_desc(&s->cfg, s->circ, s->n, nd);
	rc = isis_orig_update(&s->orig, &nd->d, now, &out);
	if (rc < 0) {
		LOG_RL(LOG_LVL_ERROR, "lsp", "cannot originate our LSP: %s", strerror(-rc));
	} else {
		for (size_t k = 0; k < out.n; k++) {
			log_info("lsp", "originated fragment %02x%s (%zu bytes)", out.v[k].frag,
				 out.v[k].purge ? " as a purge" : "", out.v[k].len);
			isis_flood_originate(&s->flood, out.v[k].bytes, out.v[k].len, now);
		}
	}
	isis_orig_out_clear(&out);
	free(nd);
	s->last_orig = now;
	s->reoriginate = false;
}

static const struct isis_pdu *lsdb_next(void *ctx)
{
	struct { const struct isis_lsdb *db; size_t i; } *it = ctx;

	while (it->i < it->db->n) {
		const struct isis_lsp *l = it->db->v[it->i++];

		if (!l->purged)
			return &l->pdu;
	}
	return NULL;
}

/* Neighbor hostnames for the route values: fragment 0's TLV 137 of that system. */
static const char *hostname_of(void *arg, const uint8_t sysid[ISIS_SYSID_LEN], char *buf,
			       size_t len)
{
	const struct speaker *s = arg;
	uint8_t id[ISIS_LSPID_LEN] = {0};
	const struct isis_lsp *l;

	memcpy(id, sysid, ISIS_SYSID_LEN);
	l = isis_lsdb_find(&s->flood.db, id);
	for (size_t t = 0; l && !l->purged && t < l->pdu.ntlvs; t++) {
		const struct isis_tlv *v = &l->pdu.tlvs[t];

		if (v->type == ISIS_TLV_HOSTNAME) {
			snprintf(buf, len, "%.*s", v->u.hostname.len, v->u.hostname.name);
			return buf;
		}
	}
	return NULL;
}

static bool name_of(void *ctx, const uint8_t sysid[ISIS_SYSID_LEN], char *buf, size_t len)
{
	return hostname_of(ctx, sysid, buf, len) != NULL;
}

static void run_spf(struct speaker *s, uint64_t now)
{
	struct { const struct isis_lsdb *db; size_t i; } it = {&s->flood.db, 0};
	struct isis_spf_input in;
	int rc;

	s->spf_nadj = speaker_spf_adjs(s->circ, s->n, s->spf_adj, NULL);
	memset(&in, 0, sizeof(in));
	in.level = s->level;
	memcpy(in.root, s->cfg.system_id, ISIS_SYSID_LEN);
	in.next = lsdb_next;
	in.ctx = &it;
	in.adj = s->spf_adj;
	in.nadj = s->spf_nadj;
	rc = isis_spf_run(&s->spf, &in);
	isis_spf_sched_ran(&s->sched, now);
	if (rc < 0 && rc != -ENOENT) {
		log_err("spf", "SPF failed: %s", strerror(-rc));
		return;
	}
	log_info("spf", "SPF: %zu nodes, %zu routes (%zu LSPs, %zu links, %zu one-way dropped; "
		 "back-off %s)", s->spf.nnodes, s->spf.nroutes, s->spf.stats.lsps,
		 s->spf.stats.edges, s->spf.stats.oneway,
		 isis_spf_sched_state_name(s->sched.state));
	if (!s->exp)
		return;
	json_t *routes = json_object();
	const keys_t *k = speaker_export_keys(s->exp);

	for (size_t r = 0; routes && r < s->spf.nroutes; r++) {
		const struct isis_spf_route *rt = &s->spf.routes[r];
		char key[KEYS_MAX], err[128];
		json_t *v;

		if (rt->flags & ISIS_SPF_R_LOCAL)
			continue;	/* connected: the agent has it from the kernel */
		if (keys_rib_isis_route(k, s->cfg.hostname, &rt->prefix, key, sizeof(key)) < 0)
			continue;
		struct ted_json_route_in ri = {
			.spf = &s->spf, .route = rt, .level = s->level, .adj = s->spf_adj,
			.nadj = s->spf_nadj, .name = name_of, .name_ctx = s,
		};

		v = ted_json_route(&ri, err, sizeof(err));
		if (!v) {
			/* e.g. an IPv6 route while the neighbor's link-local address is not
			 * known yet: nothing the agent could install */
			log_debug("export", "route %s not exported: %s", key, err);
			continue;
		}
		json_object_set_new(routes, key, v);
	}
	speaker_export_set_routes(s->exp, routes);
}

static json_t *speaker_value(struct speaker *s)
{
	struct ted_json_speaker_in in;
	struct ted_json_adj_in adjs[SPEAKER_MAX_IFACES];
	char started[TIME_RFC3339_LEN], since[SPEAKER_MAX_IFACES][TIME_RFC3339_LEN];
	char host[SPEAKER_MAX_IFACES][256], err[256];
	size_t na = 0;
	json_t *v;

	memset(&in, 0, sizeof(in));
	time_rfc3339(s->started_wall, started, sizeof(started));
	in.node = s->cfg.hostname;
	memcpy(in.system_id, s->cfg.system_id, ISIS_SYSID_LEN);
	in.areas = &s->cfg.area;
	in.nareas = 1;
	in.level = s->level;
	in.overload = s->cfg.overload;
	in.started = started;
	in.pid = (uint32_t)getpid();
	in.version = KVTE_VERSION;
	for (size_t i = 0; i < s->n; i++) {
		const struct speaker_circ *c = &s->circ[i];
		const struct isis_adj *adj = &s->io[i].adj;
		struct ted_json_adj_in *a = &adjs[na];
		addr_t sid;

		if (c->cfg->passive)
			continue;
		memset(a, 0, sizeof(*a));
		a->interface = c->cfg->name;
		a->state = adj->state;
		if (adj->state != ISIS_ADJ_DOWN) {
			a->has_neighbor = true;
			memcpy(a->nbr_sysid, adj->nbr.sysid, ISIS_SYSID_LEN);
			a->neighbor = hostname_of(s, adj->nbr.sysid, host[na], sizeof(host[na]));
			a->level = adj->nbr.levels;
			a->hold_time = adj->nbr.hold_time;
			if (adj->nbr.n_addr4) {
				a->nbr4.family = AF_INET;
				memcpy(a->nbr4.bytes, adj->nbr.addr4[0], 4);
			}
			if (adj->nbr.n_addr6) {
				a->nbr6.family = AF_INET6;
				memcpy(a->nbr6.bytes, adj->nbr.addr6[0], 16);
			}
		}
		if (c->n4)
			a->local4 = c->addr4[0].addr;
		if (c->has_ll6)
			a->local6 = c->ll6;
		if (c->adj_up) {
			time_rfc3339(s->io[i].up_since_wall, since[na], sizeof(since[na]));
			a->up_since = since[na];
			if ((s->cfg.srv6_behaviors & SPEAKER_SRV6_END_X) &&
			    speaker_sid(&s->cfg, (uint16_t)(SPEAKER_FUNC_END_X + c->index + 1),
					&sid) == 0)
				a->end_x_sid = sid;
		} else if (!c->present) {
			a->reason = "interface missing";
		} else if (!c->carrier) {
			a->reason = "carrier down";
		} else if (adj->reject[0]) {
			a->reason = adj->reject;
		}
		na++;
	}
	in.adj = adjs;
	in.nadj = na;
	v = ted_json_speaker(&in, err, sizeof(err));
	if (!v)
		LOG_RL(LOG_LVL_ERROR, "export", "speaker value not built: %s", err);
	return v;
}

static json_t *sids_value(struct speaker *s)
{
	struct speaker_local_sid sids[SPEAKER_MAX_IFACES + 4];
	size_t n = speaker_local_sids(&s->cfg, s->circ, s->n, sids, sizeof(sids) / sizeof(sids[0]));
	json_t *all = json_object();
	const keys_t *k = speaker_export_keys(s->exp);

	for (size_t i = 0; all && i < n; i++) {
		struct ted_json_sid_in in;
		struct key_sid ks = {.is_label = false, .addr = sids[i].sid};
		char key[KEYS_MAX], host[256], err[160];
		json_t *v;

		if (keys_rib_sid(k, s->cfg.hostname, &ks, key, sizeof(key)) < 0)
			continue;
		memset(&in, 0, sizeof(in));
		in.sid = sids[i].sid;
		switch (sids[i].behavior) {
		case SRV6_BEHAVIOR_END_X:
			in.behavior = TED_JSON_SID_END_X;
			break;
		case SRV6_BEHAVIOR_END_DT6:
			in.behavior = TED_JSON_SID_END_DT6;	/* table 0: main */
			break;
		case SRV6_BEHAVIOR_END_DX4:
			in.behavior = TED_JSON_SID_END_DX4;	/* nh4 unset: 0.0.0.0 */
			break;
		default:
			in.behavior = TED_JSON_SID_END;
		}
		if (sids[i].circ) {
			in.interface = sids[i].circ->cfg->name;
			in.nh6 = sids[i].circ->nbr6;
			in.neighbor = hostname_of(s, sids[i].circ->nbr_sysid, host, sizeof(host));
		}
		if ((v = ted_json_sid(&in, err, sizeof(err))) != NULL)
			json_object_set_new(all, key, v);
		else
			LOG_RL(LOG_LVL_ERROR, "export", "SID %s not exported: %s", key, err);
	}
	/* SR-MPLS adjacency labels (RFC 8667): pop and forward to the neighbor */
	struct speaker_local_label labels[SPEAKER_MAX_IFACES];
	size_t nl = speaker_local_labels(&s->cfg, s->circ, s->n, labels, SPEAKER_MAX_IFACES);

	for (size_t i = 0; all && i < nl; i++) {
		struct key_sid ks = {.is_label = true, .label = labels[i].label};
		struct ted_json_label_in in = {.label = labels[i].label,
					       .interface = labels[i].circ->cfg->name,
					       .address = labels[i].nh};
		char key[KEYS_MAX], host[256], err[160];
		json_t *v;

		if (keys_rib_sid(k, s->cfg.hostname, &ks, key, sizeof(key)) < 0)
			continue;
		in.neighbor = hostname_of(s, labels[i].circ->nbr_sysid, host, sizeof(host));
		if ((v = ted_json_label(&in, err, sizeof(err))) != NULL)
			json_object_set_new(all, key, v);
		else
			LOG_RL(LOG_LVL_ERROR, "export", "label %s not exported: %s", key, err);
	}
	return all;
}

static void export_lsdb(struct speaker *s, uint64_t now)
{
	size_t n;
	const struct isis_lsdb_change *ch = isis_lsdb_changes(&s->flood.db, &n);
	bool changed = false;

	for (size_t k = 0; k < n; k++) {
		const struct isis_lsp *l = isis_lsdb_find(&s->flood.db, ch[k].id);

		changed = true;
		if (!s->exp)
			continue;
		if (ch[k].kind == ISIS_LSDB_ADDED || ch[k].kind == ISIS_LSDB_UPDATED) {
			if (l && !l->purged)
				speaker_export_lsp(s->exp, &l->pdu, isis_lsdb_lifetime(l, now));
		} else {
			speaker_export_lsp_gone(s->exp, ch[k].id, ch[k].seq);
		}
	}
	isis_lsdb_changes_clear(&s->flood.db);
	if (changed) {
		isis_spf_sched_event(&s->sched, now);
		s->export_adjs = true;	/* neighbor hostnames may have become known */
		s->export_sids = true;
	}
}

/* The neighbor's addresses come with every hello (TLV 132 / 232) and may change while
 * the adjacency is up (a link-local address that appears after DAD): follow them. */
static void follow_nbr_addrs(struct speaker *s, uint64_t now)
{
	for (size_t i = 0; i < s->n; i++) {
		struct speaker_circ *c = &s->circ[i];
		const struct isis_adj_nbr *nb = &s->io[i].adj.nbr;
		addr_t a4 = {0}, a6 = {0};

		if (!c->adj_up)
			continue;
		if (nb->n_addr4) {
			a4.family = AF_INET;
			memcpy(a4.bytes, nb->addr4[0], 4);
		}
		if (nb->n_addr6) {
			a6.family = AF_INET6;
			memcpy(a6.bytes, nb->addr6[0], 16);
		}
		if (addr_cmp(&a4, &c->nbr4) == 0 && addr_cmp(&a6, &c->nbr6) == 0)
			continue;
		c->nbr4 = a4;
		c->nbr6 = a6;
		s->reoriginate = s->export_adjs = s->export_sids = true;
		isis_spf_sched_event(&s->sched, now);
	}
}

static void arm_timer(struct speaker *s, uint64_t next, uint64_t now);

static void batch(struct speaker *s)
{
	uint64_t now = now_ms(s);
	uint64_t gen = s->opts.lsp_gen_ms;
	struct isis_flood_actions acts = {0};
	struct isis_orig_out out = {0};
	uint64_t next = ISIS_TIMER_NEVER;

	if (s->closing)
		return;
	follow_nbr_addrs(s, now);
	if (s->reoriginate && now >= s->last_orig + gen)
		originate(s, now);
	if (s->reoriginate)
		next = s->last_orig + gen;
	isis_orig_refresh(&s->orig, now, &out);
	for (size_t k = 0; k < out.n; k++)
		isis_flood_originate(&s->flood, out.v[k].bytes, out.v[k].len, now);
	isis_orig_out_clear(&out);
	next = isis_timer_min(next, isis_flood_run(&s->flood, now, &acts));
	for (size_t k = 0; k < acts.n; k++) {
		struct isis_flood_action *a = &acts.v[k];

		if (a->type == ISIS_FLOOD_SEND && a->circuit >= 0 && (size_t)a->circuit < s->n) {
			send_pdu(s, (size_t)a->circuit, a->pdu, a->len);
		} else if (a->type == ISIS_FLOOD_REORIGINATE) {
			struct isis_orig_out o2 = {0};

			isis_orig_seq_seen(&s->orig, a->lsp_id[ISIS_LSPID_LEN - 1], a->seq, now, &o2);
			for (size_t m = 0; m < o2.n; m++)
				isis_flood_originate(&s->flood, o2.v[m].bytes, o2.v[m].len, now);
			isis_orig_out_clear(&o2);
			next = now;	/* flood the new copy at once */
		}
	}
	if (acts.err)
		log_err("flood", "out of memory: some PDUs were not sent (retransmission covers it)");
	isis_flood_actions_clear(&acts);
	export_lsdb(s, now);
	isis_spf_sched_tick(&s->sched, now);	/* LEARN / HOLDDOWN expiries */
	if (isis_spf_sched_due(&s->sched, now))
		run_spf(s, now);
	next = isis_timer_min(next, isis_spf_sched_next_due(&s->sched));
	if (s->exp && s->export_adjs) {
		json_t *v = speaker_value(s);

		if (v)
			speaker_export_set_speaker(s->exp, v);
		s->export_adjs = false;
	}
	if (s->exp && s->export_sids) {
		speaker_export_set_sids(s->exp, sids_value(s));
		s->export_sids = false;
	}
	if (s->exp)
		speaker_export_flush(s->exp);
	next = isis_timer_min(next, isis_orig_next_due(&s->orig));
	for (size_t i = 0; i < s->n; i++)
		if (!s->circ[i].cfg->passive)
			next = isis_timer_min(next, isis_adj_next_due(&s->io[i].adj));
	arm_timer(s, next, now);
}

static void on_check(uv_check_t *h)
{
	batch(h->data);
}

static void on_timer(uv_timer_t *t)
{
	struct speaker *s = t->data;
	uint64_t now = now_ms(s);

	for (size_t i = 0; i < s->n; i++) {
		struct isis_adj_actions acts;

		if (s->circ[i].cfg->passive || isis_adj_next_due(&s->io[i].adj) > now)
			continue;
		isis_adj_tick(&s->io[i].adj, now, &acts);
		adj_actions(s, i, &acts);
	}
	/* the check handle runs batch() after this iteration's poll phase */
}

static void arm_timer(struct speaker *s, uint64_t next, uint64_t now)
{
	uint64_t after;

	if (next == ISIS_TIMER_NEVER) {
		uv_timer_stop(&s->timer);
		return;
	}
	after = next > now ? next - now : 0;
	uv_timer_start(&s->timer, on_timer, after, 0);
}

/* ---- start and stop ------------------------------------------------------------- */

static uint64_t jitter(void *arg, uint64_t interval_ms)
{
	/* ISO 10589 10.1: up to 25 % below the nominal interval */
	(void)arg;
	return interval_ms - (uint64_t)(random() % (long)(interval_ms / 4 + 1));
}

int speaker_start(uv_loop_t *loop, const struct speaker_opts *opts,
		  const struct admin_groups *groups, struct speaker **out, char *err,
		  size_t errlen)
{
	struct speaker *s = calloc(1, sizeof(*s));
	struct isis_flood_config fc;
	struct isis_spf_sched_params sp;
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->loop = loop;
	s->opts = *opts;
	isis_spf_sched_params_default(&sp);
	if (opts->spf_initial_ms)
		sp.initial_delay = opts->spf_initial_ms;
	if (opts->spf_short_ms)
		sp.short_delay = opts->spf_short_ms;
	if (opts->spf_long_ms)
		sp.long_delay = opts->spf_long_ms;
	if (opts->spf_learn_ms)
		sp.time_to_learn = opts->spf_learn_ms;
	if (opts->spf_holddown_ms)
		sp.holddown = opts->spf_holddown_ms;
	rc = isis_spf_sched_params_check(&sp, err, errlen);
	if (rc < 0) {
		free(s);
		return rc;
	}
	if (!s->opts.lsp_gen_ms)
		s->opts.lsp_gen_ms = 50;
	rc = speaker_config_load(opts->config_path, groups, &s->cfg, err, errlen);
	if (rc < 0) {
		free(s);
		return rc;
	}
	speaker_sysid_format(s->cfg.system_id, s->sysid_str, sizeof(s->sysid_str));
	s->level = s->cfg.level == ISIS_LEVEL_1 ? ISIS_LEVEL_1 : ISIS_LEVEL_2;
	if (s->cfg.level == ISIS_LEVEL_12)
		log_warn("speaker", "level 1-2 configured: this speaker runs level 2 only");
	s->started_wall = time_wall_ms();
	srandom((unsigned)(s->started_wall ^ (uint64_t)getpid()));
	isis_flood_config_default(&fc);
	if (opts->csnp_ms)
		fc.csnp_ms = opts->csnp_ms;
	if (opts->retransmit_ms)
		fc.retransmit_ms = opts->retransmit_ms;
	isis_flood_init(&s->flood, s->cfg.system_id, s->level, &fc);
	isis_orig_init(&s->orig, s->cfg.system_id, s->level, 0, s->cfg.lsp_lifetime,
		       (uint64_t)s->cfg.lsp_refresh * 1000);
	isis_spf_init(&s->spf);
	isis_spf_sched_init(&s->sched, &sp);
	log_info("spf", "SPF back-off (RFC 8405): initial %" PRIu32 " ms, short %" PRIu32
		 " ms, long %" PRIu32 " ms, time to learn %" PRIu32 " ms, holddown %" PRIu32
		 " ms", sp.initial_delay, sp.short_delay, sp.long_delay, sp.time_to_learn,
		 sp.holddown);
	s->n = s->cfg.n_ifaces;
	for (size_t i = 0; i < s->n; i++) {
		struct isis_adj_circuit ac;

		s->circ[i].cfg = &s->cfg.ifaces[i];
		s->circ[i].index = i;
		s->io[i].used = true;
		s->io[i].fd = -1;
		adj_circuit(s, i, &ac);
		isis_adj_init(&s->io[i].adj, &ac);
		isis_adj_set_jitter(&s->io[i].adj, jitter, NULL);
	}
	uv_timer_init(loop, &s->timer);
	s->timer.data = s;
	uv_check_init(loop, &s->check);
	s->check.data = s;
	uv_check_start(&s->check, on_check);
	if (opts->etcd_endpoints) {
		struct speaker_export_opts eo = {
			.endpoints = opts->etcd_endpoints, .root = opts->root,
			.node = s->cfg.hostname, .lease_ttl_s = opts->lease_ttl_s,
		};

		rc = speaker_export_open(loop, &eo, &s->exp, err, errlen);
		if (rc < 0)
			goto fail;
	}
	s->netns_fd = -1;
	if (opts->netns && (s->netns_fd = rc = netns_open(opts->netns, err, errlen)) < 0)
		goto fail;
	int tok = netns_enter(s->netns_fd, err, errlen);

	if (tok < -1) {
		rc = tok;
		goto fail;
	}
	rc = nlmon_open(loop, on_link, s, &s->nl, err, errlen);
	netns_leave(tok);
	if (rc < 0)
		goto fail;
	for (size_t i = 0; i < s->n; i++)
		if (!s->circ[i].present)
			log_warn("circuit", "%s: no such interface yet (waiting for it)",
				 s->circ[i].cfg->name);
	log_info("speaker", "%s (%s) from %s, level %u, %zu circuits, netns %s, etcd %s",
		 s->cfg.hostname, s->sysid_str, opts->config_path, s->level, s->n,
		 opts->netns ? opts->netns : "(ours)",
		 opts->etcd_endpoints ? opts->etcd_endpoints : "off");
	s->reoriginate = s->export_adjs = s->export_sids = true;
	*out = s;
	return 0;
fail:
	uv_check_stop(&s->check);
	uv_close((uv_handle_t *)&s->check, NULL);
	uv_close((uv_handle_t *)&s->timer, NULL);
	if (s->exp)
		speaker_export_close(s->exp, NULL, NULL);
	isis_flood_free(&s->flood);
	isis_orig_free(&s->orig);
	isis_spf_free(&s->spf);
	/* the handles close on the next loop run; s is freed by the caller's exit */
	return rc;
}

char *speaker_lsdb_text(struct speaker *s, bool detail)
{
	struct isis_fmt f = {0};
	uint64_t now = now_ms(s);
	char id[32];

	isis_fmt_printf(&f, "%s", "");
	for (size_t i = 0; i < s->flood.db.n; i++) {
		const struct isis_lsp *l = s->flood.db.v[i];

		isis_fmt_printf(&f, "%s seq 0x%08" PRIx32 " checksum 0x%04x lifetime %u%s\n",
				isis_lsdb_id_str(l->id, id, sizeof(id)), l->seq, l->checksum,
				isis_lsdb_lifetime(l, now), l->purged ? " purged" : "");
		if (!detail || l->purged)
			continue;
		char *t = isis_pdu_format(&l->pdu);
		char *line = t, *nl;

		/* skip the header line (the summary above says it), indent the TLVs */
		if (line && (nl = strchr(line, '\n')))
			line = nl + 1;
		while (line && *line) {
			nl = strchr(line, '\n');
			isis_fmt_printf(&f, "    %.*s\n", nl ? (int)(nl - line) : (int)strlen(line),
					line);
			line = nl ? nl + 1 : NULL;
		}
		free(t);
	}
	if (f.err) {
		free(f.s);
		return NULL;
	}
	return f.s ? f.s : strdup("");
}

/* ---- reloading the configuration (SIGHUP) --------------------------------------- */

static const char *level_name(uint8_t l)
{
	return l == ISIS_LEVEL_1 ? "1" : l == ISIS_LEVEL_2 ? "2" : "1-2";
}

static void area_fmt(const struct isis_area *a, char *buf, size_t len)
{
	size_t o = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < a->len && o + 4 < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%02x", k && k % 2 == 1 ? "." : "",
				      a->addr[k]);
}

static void opt_u32(char *buf, size_t len, bool has, uint64_t v)
{
	if (has)
		snprintf(buf, len, "%" PRIu64, v);
	else
		snprintf(buf, len, "unset");
}

static void opt_bw(char *buf, size_t len, bool has, uint64_t v)
{
	if (!has || bw_format(v, buf, len) < 0)
		snprintf(buf, len, "%s", has ? "?" : "unset");
}

static void srlgs_fmt(const struct speaker_te *te, char *buf, size_t len)
{
	size_t o = (size_t)snprintf(buf, len, "[");

	for (size_t k = 0; k < te->n_srlgs && o + 14 < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s%" PRIu32, k ? "," : "", te->srlgs[k]);
	snprintf(buf + o, len - o, "]");
}

/* One line per changed field of an interface that stays; returns how many. */
static int iface_changes(const struct speaker_iface *o, const struct speaker_iface *n)
{
	const struct speaker_te *a = &o->te, *b = &n->te;
	char x[400], y[400];
	int k = 0;

	if (o->metric != n->metric) {
		log_info("speaker", "reload: %s metric %" PRIu32 " -> %" PRIu32, n->name, o->metric,
			 n->metric);
		k++;
	}
	if (o->passive != n->passive) {
		log_info("speaker", "reload: %s passive %s", n->name, n->passive ? "on" : "off");
		k++;
	}
	if (o->hello_padding != n->hello_padding) {
		log_info("speaker", "reload: %s hello_padding %s", n->name,
			 n->hello_padding ? "on" : "off");
		k++;
	}
	if (a->has_te_metric != b->has_te_metric ||
	    (b->has_te_metric && a->te_metric != b->te_metric)) {
		opt_u32(x, sizeof(x), a->has_te_metric, a->te_metric);
		opt_u32(y, sizeof(y), b->has_te_metric, b->te_metric);
		log_info("speaker", "reload: %s te_metric %s -> %s", n->name, x, y);
		k++;
	}
	if (a->has_max_bw != b->has_max_bw || (b->has_max_bw && a->max_bw_bps != b->max_bw_bps)) {
		opt_bw(x, sizeof(x), a->has_max_bw, a->max_bw_bps);
		opt_bw(y, sizeof(y), b->has_max_bw, b->max_bw_bps);
		log_info("speaker", "reload: %s max_bandwidth %s -> %s", n->name, x, y);
		k++;
	}
	if (a->has_rsv_bw != b->has_rsv_bw || (b->has_rsv_bw && a->rsv_bw_bps != b->rsv_bw_bps)) {
		opt_bw(x, sizeof(x), a->has_rsv_bw, a->rsv_bw_bps);
		opt_bw(y, sizeof(y), b->has_rsv_bw, b->rsv_bw_bps);
		log_info("speaker", "reload: %s reservable_bandwidth %s -> %s", n->name, x, y);
		k++;
	}
	if (a->has_admin_groups != b->has_admin_groups ||
	    (b->has_admin_groups && a->admin_groups != b->admin_groups)) {
		if (a->has_admin_groups)
			snprintf(x, sizeof(x), "0x%08" PRIx32, a->admin_groups);
		else
			snprintf(x, sizeof(x), "unset");
		if (b->has_admin_groups)
			snprintf(y, sizeof(y), "0x%08" PRIx32, b->admin_groups);
		else
			snprintf(y, sizeof(y), "unset");
		log_info("speaker", "reload: %s admin_groups %s -> %s", n->name, x, y);
		k++;
	}
	if (a->has_delay != b->has_delay || (b->has_delay && a->delay_us != b->delay_us)) {
		opt_u32(x, sizeof(x), a->has_delay, a->delay_us);
		opt_u32(y, sizeof(y), b->has_delay, b->delay_us);
		log_info("speaker", "reload: %s delay_us %s -> %s", n->name, x, y);
		k++;
	}
	if (a->n_srlgs != b->n_srlgs ||
	    memcmp(a->srlgs, b->srlgs, a->n_srlgs * sizeof(a->srlgs[0])) != 0) {
		srlgs_fmt(a, x, sizeof(x));
		srlgs_fmt(b, y, sizeof(y));
		log_info("speaker", "reload: %s srlgs %s -> %s", n->name, x, y);
		k++;
	}
	return k;
}

/* What only a restart can change; 0 or -EINVAL with the reason. */
static int reload_refused(const struct speaker *s, const struct speaker_config *n,
			  const char *path, char *err, size_t errlen)
{
	const struct speaker_config *o = &s->cfg;
	char x[PREFIX_STRLEN + 64], y[PREFIX_STRLEN + 64];

	if (strcmp(o->hostname, n->hostname) != 0) {
		snprintf(err, errlen, "%s: hostname: \"%s\" -> \"%s\": changing the hostname needs "
			 "a restart", path, o->hostname, n->hostname);
		return -EINVAL;
	}
	if (memcmp(o->system_id, n->system_id, ISIS_SYSID_LEN) != 0) {
		speaker_sysid_format(o->system_id, x, sizeof(x));
		speaker_sysid_format(n->system_id, y, sizeof(y));
		snprintf(err, errlen, "%s: %s: system ID %s -> %s%s: changing the system ID needs "
			 "a restart", path, n->system_id_explicit ? "system_id" : "router_id", x, y,
			 n->system_id_explicit ? "" : " (derived from router_id)");
		return -EINVAL;
	}
	if (o->area.len != n->area.len || memcmp(o->area.addr, n->area.addr, o->area.len) != 0) {
		area_fmt(&o->area, x, sizeof(x));
		area_fmt(&n->area, y, sizeof(y));
		snprintf(err, errlen, "%s: area: %s -> %s: changing the area needs a restart", path,
			 x, y);
		return -EINVAL;
	}
	if (o->level != n->level) {
		snprintf(err, errlen, "%s: level: %s -> %s: changing the level needs a restart",
			 path, level_name(o->level), level_name(n->level));
		return -EINVAL;
	}
	if (o->has_locator != n->has_locator ||
	    (n->has_locator && prefix_cmp(&o->locator, &n->locator) != 0)) {
		if (o->has_locator)
			prefix_format(&o->locator, x, sizeof(x));
		else
			snprintf(x, sizeof(x), "none");
		if (n->has_locator)
			prefix_format(&n->locator, y, sizeof(y));
		else
			snprintf(y, sizeof(y), "none");
		snprintf(err, errlen, "%s: srv6.locator: %s -> %s: changing the SRv6 locator needs "
			 "a restart", path, x, y);
		return -EINVAL;
	}
	return 0;
}

/* Stop IS-IS on circuit i (removed from the file, or made passive): the adjacency goes
 * Down with `reason`, a last hello saying three-way Down tells the neighbor at once
 * (RFC 5303: it restarts from Initializing instead of waiting for its hold timer), and
 * the socket is closed. */
static void circuit_stop(struct speaker *s, size_t i, const char *reason)
{
	struct circuit_io *io = &s->io[i];
	struct isis_adj_circuit ac = io->adj.c;
	bool carrier = io->adj.carrier;

	if (io->adj.state != ISIS_ADJ_DOWN)
		log_state("adj", io->adj.c.name, isis_adj_state_name(io->adj.state),
			  isis_adj_state_name(ISIS_ADJ_DOWN),
			  isis_adj_event_name(ISIS_ADJ_EV_CONFIG_CHANGED), reason);
	if (io->adj.state == ISIS_ADJ_UP) {
		struct isis_adj_actions acts = {.n = 1};

		acts.a[0].type = ISIS_ADJ_ACT_DOWN;
		acts.a[0].reason = reason;
		acts.a[0].nbr = io->adj.nbr;
		adj_actions(s, i, &acts);
	}
	isis_adj_init(&io->adj, &ac);	/* Down, neighbor forgotten, timers stopped */
	isis_adj_set_jitter(&io->adj, jitter, NULL);
	if (carrier)
		send_hello(s, i);
	circuit_close_socket(s, i);
	isis_flood_circuit_down(&s->flood, (int)i);
}

/* Start circuit i as if its interface had just appeared from netlink. */
static void circuit_start(struct speaker *s, size_t i)
{
	const struct nlmon_link *l = s->nl ? nlmon_table_find_name(nlmon_table(s->nl),
								  s->circ[i].cfg->name) : NULL;

	if (!l) {
		s->circ[i].present = false;
		log_warn("circuit", "%s: no such interface yet (waiting for it)",
			 s->circ[i].cfg->name);
		return;
	}
	s->circ[i].present = false;	/* on_link: !was_present opens the socket */
	on_link(NULL, l, NLMON_ADDED, s);
}

int speaker_reload(struct speaker *s, const struct admin_groups *groups, char *err,
		   size_t errlen)
{
	const char *path = s->opts.config_path;
	struct speaker_config *n = malloc(sizeof(*n));
	ssize_t slot_of[SPEAKER_MAX_IFACES];	/* new iface j -> slot, -1: added */
	ssize_t new_of[SPEAKER_MAX_IFACES];	/* slot i -> new iface, -1: removed / unused */
	bool was_passive[SPEAKER_MAX_IFACES], freed[SPEAKER_MAX_IFACES] = {0};
	size_t nadded = 0, nremoved = 0, nfree = 0;
	uint64_t now = now_ms(s);
	char x[PREFIX_STRLEN], y[PREFIX_STRLEN];
	int changes = 0, rc;

	if (!n) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (s->closing) {
		snprintf(err, errlen, "%s: the speaker is stopping", path);
		free(n);
		return -EINVAL;
	}
	rc = speaker_config_load(path, groups, n, err, errlen);
	if (rc == 0)
		rc = reload_refused(s, n, path, err, errlen);
	if (rc < 0) {
		free(n);
		return -EINVAL;
	}
	/* match interfaces by name: slots of interfaces that stay keep their index (the
	 * flooding state is per circuit index); added ones take slots free before this
	 * reload (a slot freed now still has its poll handle closing) or new ones */
	for (size_t i = 0; i < s->n; i++) {
		new_of[i] = -1;
		if (!s->io[i].used)
			nfree++;
	}
	for (size_t j = 0; j < n->n_ifaces; j++) {
		ssize_t i = circuit_of_name(s, n->ifaces[j].name);

		slot_of[j] = i;
		if (i >= 0)
			new_of[i] = (ssize_t)j;
		else
			nadded++;
	}
	if (nadded > nfree + (SPEAKER_MAX_IFACES - s->n)) {
		snprintf(err, errlen, "%s: interfaces: %zu added while others are removed exceed "
			 "the %d circuit slots: remove first, reload, then add", path, nadded,
			 SPEAKER_MAX_IFACES);
		free(n);
		return -EINVAL;
	}

	/* the node */
	if (s->cfg.overload != n->overload) {
		log_info("speaker", "reload: overload %s", n->overload ? "on" : "off");
		changes++;
	}
	if (addr_cmp(&s->cfg.router_id, &n->router_id) != 0) {
		log_info("speaker", "reload: router_id %s -> %s",
			 addr_format(&s->cfg.router_id, x, sizeof(x)),
			 addr_format(&n->router_id, y, sizeof(y)));
		changes++;
	}
	bool lsp_timers = s->cfg.lsp_lifetime != n->lsp_lifetime ||
			  s->cfg.lsp_refresh != n->lsp_refresh;

	if (s->cfg.lsp_lifetime != n->lsp_lifetime)
		log_info("speaker", "reload: lsp_lifetime %u -> %u s", s->cfg.lsp_lifetime,
			 n->lsp_lifetime);
	if (s->cfg.lsp_refresh != n->lsp_refresh)
		log_info("speaker", "reload: lsp_refresh %u -> %u s", s->cfg.lsp_refresh,
			 n->lsp_refresh);
	changes += lsp_timers;
	bool hello = s->cfg.hello_interval != n->hello_interval ||
		     s->cfg.hello_multiplier != n->hello_multiplier;

	if (s->cfg.hello_interval != n->hello_interval)
		log_info("speaker", "reload: hello_interval %u -> %u s", s->cfg.hello_interval,
			 n->hello_interval);
	if (s->cfg.hello_multiplier != n->hello_multiplier)
		log_info("speaker", "reload: hello_multiplier %u -> %u", s->cfg.hello_multiplier,
			 n->hello_multiplier);
	changes += hello;
	if (s->cfg.srv6_behaviors != n->srv6_behaviors) {
		log_info("speaker", "reload: srv6.behaviors 0x%02x -> 0x%02x", s->cfg.srv6_behaviors,
			 n->srv6_behaviors);
		changes++;
	}
	if (s->cfg.n_loopbacks != n->n_loopbacks ||
	    memcmp(s->cfg.loopbacks, n->loopbacks, n->n_loopbacks * sizeof(n->loopbacks[0])) != 0) {
		log_info("speaker", "reload: loopbacks %zu -> %zu prefixes", s->cfg.n_loopbacks,
			 n->n_loopbacks);
		changes++;
	}

	/* interfaces removed, and the per-field changes of those that stay (both
	 * configurations still alive) */
	for (size_t i = 0; i < s->n; i++) {
		if (!s->io[i].used)
			continue;
		was_passive[i] = s->circ[i].cfg->passive;
		if (new_of[i] < 0) {
			log_info("speaker", "reload: %s removed", s->circ[i].cfg->name);
			if (!s->circ[i].cfg->passive)
				circuit_stop(s, i, "interface removed from the configuration");
			memset(&s->circ[i], 0, sizeof(s->circ[i]));
			s->circ[i].cfg = &unused_iface;
			s->io[i].used = false;
			freed[i] = true;
			nremoved++;
			changes++;
			continue;
		}
		const struct speaker_iface *ni = &n->ifaces[new_of[i]];

		changes += iface_changes(s->circ[i].cfg, ni);
		if (!was_passive[i] && ni->passive)
			circuit_stop(s, i, "interface made passive");
	}

	/* the new configuration in place; circuits re-pointed into it */
	s->cfg = *n;
	free(n);
	n = NULL;
	for (size_t i = 0; i < s->n; i++) {
		if (!s->io[i].used)
			continue;
		size_t j = (size_t)new_of[i];
		struct speaker_circ *c = &s->circ[i];

		c->cfg = &s->cfg.ifaces[j];
		if (c->index != j) {
			log_info("speaker", "reload: %s is now interface %zu of the file (End.X "
				 "function 0x%04zx -> 0x%04zx)", c->cfg->name, j + 1,
				 SPEAKER_FUNC_END_X + c->index + 1, SPEAKER_FUNC_END_X + j + 1);
			c->index = j;
			changes++;
		}
		if (c->cfg->passive)
			continue;
		if (was_passive[i]) {
			struct isis_adj_circuit ac;

			adj_circuit(s, i, &ac);
			isis_adj_init(&s->io[i].adj, &ac);
			isis_adj_set_jitter(&s->io[i].adj, jitter, NULL);
			circuit_start(s, i);
			continue;
		}
		/* hello settings in place: the adjacency stays up; a hello goes out at once
		 * so the neighbor's hold timer follows the new holding time */
		struct isis_adj_circuit ac;
		struct circuit_io *io = &s->io[i];
		bool pad = io->adj.c.pad;

		adj_circuit(s, i, &ac);
		io->adj.c = ac;
		if ((hello || pad != ac.pad) && io->adj.carrier)
			isis_timer_set(&io->adj.hello_timer, now, 0);
	}
	if (lsp_timers) {
		s->orig.lifetime = s->cfg.lsp_lifetime;
		s->orig.refresh_ms = (uint64_t)s->cfg.lsp_refresh * 1000;
		if (s->orig.refresh_ms >= (uint64_t)s->orig.lifetime * 1000)
			s->orig.refresh_ms = (uint64_t)s->orig.lifetime * 750;
		for (size_t f = 0; f < ISIS_ORIG_MAX_FRAGS; f++)
			if (s->orig.frag[f].live)
				s->orig.frag[f].refresh_due = now;	/* with the new lifetime */
	}

	/* interfaces added: free slots first, then new ones */
	for (size_t j = 0; j < s->cfg.n_ifaces; j++) {
		struct isis_adj_circuit ac;
		size_t i;

		if (slot_of[j] >= 0)
			continue;
		for (i = 0; i < s->n; i++)
			if (!s->io[i].used && !freed[i])
				break;
		if (i == s->n)
			s->n++;
		memset(&s->circ[i], 0, sizeof(s->circ[i]));
		memset(&s->io[i], 0, sizeof(s->io[i]));
		s->circ[i].cfg = &s->cfg.ifaces[j];
		s->circ[i].index = j;
		s->io[i].used = true;
		s->io[i].fd = -1;
		adj_circuit(s, i, &ac);
		isis_adj_init(&s->io[i].adj, &ac);
		isis_adj_set_jitter(&s->io[i].adj, jitter, NULL);
		isis_flood_circuit_down(&s->flood, (int)i);
		log_info("speaker", "reload: %s added%s", s->cfg.ifaces[j].name,
			 s->cfg.ifaces[j].passive ? " (passive)" : "");
		changes++;
		circuit_start(s, i);
	}
	while (s->n > 0 && !s->io[s->n - 1].used)
		s->n--;

	if (changes) {
		s->reoriginate = s->export_adjs = s->export_sids = true;
		isis_spf_sched_event(&s->sched, now);
		log_info("speaker", "reload: %s: %d change%s applied (%zu interface%s added, %zu "
			 "removed); re-originating our LSP", path, changes, changes == 1 ? "" : "s",
			 nadded, nadded == 1 ? "" : "s", nremoved);
	} else {
		log_info("speaker", "reload: %s: no changes", path);
	}
	return 0;
}

static void stop_finish(void *arg)
{
	struct speaker *s = arg;
	void (*done)(void *) = s->done;
	void *darg = s->done_arg;

	isis_flood_free(&s->flood);
	isis_orig_free(&s->orig);
	isis_spf_free(&s->spf);
	free(s);
	if (done)
		done(darg);
}

void speaker_stop(struct speaker *s, void (*done)(void *arg), void *arg)
{
	s->closing = 1;
	s->done = done;
	s->done_arg = arg;
	uv_check_stop(&s->check);
	uv_close((uv_handle_t *)&s->check, NULL);
	uv_timer_stop(&s->timer);
	uv_close((uv_handle_t *)&s->timer, NULL);
	for (size_t i = 0; i < s->n; i++)
		circuit_close_socket(s, i);
	nlmon_close(s->nl);
	s->nl = NULL;
	if (s->netns_fd >= 0)
		close(s->netns_fd);
	s->netns_fd = -1;
	if (s->exp)
		speaker_export_close(s->exp, stop_finish, s);
	else
		stop_finish(s);
}
