/* adj — point-to-point adjacencies with the RFC 5303 three-way handshake.
 *
 * A received P2P IIH is first checked (ISO 10589 8.2.4 / 8.2.5.2, RFC 1195, RFC 5303
 * 3.2 — each failed check is one reason, logged through LOG_RL), then turned into an
 * event by its three-way state and run through the FSM table below: rows of {state
 * mask, event, action, new state, reason}. Every state change is one log_state line,
 * takes a "send hello now" action (RFC 5303 3.2 lets the neighbor see it at once) and
 * the adjacency up/down actions the caller executes. Timers are plain data
 * (speaker/timer.h). Declared in speaker/adj.h; PDUs come from speaker/pdu.c. */
#include "speaker/adj.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/log.h"

#define ADJ_LOG_CAT "adj"

#define S_DOWN (1u << ISIS_ADJ_DOWN)
#define S_INIT (1u << ISIS_ADJ_INIT)
#define S_UP (1u << ISIS_ADJ_UP)
#define S_ANY (S_DOWN | S_INIT | S_UP)

static const char *const state_names[ISIS_ADJ_NSTATES] = {
	[ISIS_ADJ_DOWN] = "Down",
	[ISIS_ADJ_INIT] = "Initializing",
	[ISIS_ADJ_UP] = "Up",
};

static const char *const event_names[ISIS_ADJ_NEVENTS] = {
	[ISIS_ADJ_EV_HELLO_DOWN] = "hello_down",
	[ISIS_ADJ_EV_HELLO_INIT] = "hello_init",
	[ISIS_ADJ_EV_HELLO_UP] = "hello_up",
	[ISIS_ADJ_EV_HELLO_2WAY] = "hello_2way",
	[ISIS_ADJ_EV_NBR_CHANGED] = "nbr_changed",
	[ISIS_ADJ_EV_HOLD_EXPIRED] = "hold_expired",
	[ISIS_ADJ_EV_CARRIER_DOWN] = "carrier_down",
	[ISIS_ADJ_EV_CARRIER_UP] = "carrier_up",
	[ISIS_ADJ_EV_CONFIG_CHANGED] = "config_changed",
};

const char *isis_adj_state_name(enum isis_adj_state s)
{
	return (unsigned)s < ISIS_ADJ_NSTATES ? state_names[s] : "?";
}

const char *isis_adj_event_name(enum isis_adj_event e)
{
	return (unsigned)e < ISIS_ADJ_NEVENTS ? event_names[e] : "?";
}

/* --- small helpers ------------------------------------------------------------------ */

static void sysid_str(const uint8_t *id, char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x.%02x%02x.%02x%02x", id[0], id[1], id[2], id[3], id[4],
		 id[5]);
}

static void push(struct isis_adj_actions *out, const struct isis_adj_action *act)
{
	if (out->n < ISIS_ADJ_MAX_ACTIONS)
		out->a[out->n++] = *act;
}

static void push_nbr(struct isis_adj *a, struct isis_adj_actions *out,
		     enum isis_adj_action_type type, const char *reason)
{
	struct isis_adj_action act = { .type = type, .reason = reason, .nbr = a->nbr };

	push(out, &act);
}

uint16_t isis_adj_hold_time(const struct isis_adj_circuit *c)
{
	uint32_t h = (uint32_t)c->hello_interval_s * c->hello_multiplier;

	return (uint16_t)(h > 65535 ? 65535 : (h ? h : 1));
}

size_t isis_adj_pad_to(const struct isis_adj *a)
{
	return (a->c.pad && a->c.mtu > ISIS_LLC_LEN) ? a->c.mtu - ISIS_LLC_LEN : 0;
}

static uint64_t hello_interval_ms(const struct isis_adj *a)
{
	uint64_t ms = (uint64_t)(a->c.hello_interval_s ? a->c.hello_interval_s : 1) * 1000u;

	return a->jitter ? a->jitter(a->jitter_arg, ms) : ms;
}

/* "send hello now" and restart the periodic hello timer (ISO 10589 8.2.2) */
static void hello_now(struct isis_adj *a, uint64_t now, struct isis_adj_actions *out)
{
	struct isis_adj_action act = { .type = ISIS_ADJ_ACT_SEND_HELLO,
				       .pad_to = isis_adj_pad_to(a) };

	if (!a->carrier)
		return;
	for (size_t i = 0; i < out->n; i++)
		if (out->a[i].type == ISIS_ADJ_ACT_SEND_HELLO)
			goto timer;	/* one hello per call: it is built at send time */
	push(out, &act);
timer:
	isis_timer_set(&a->hello_timer, now, hello_interval_ms(a));
}

uint64_t isis_adj_next_due(const struct isis_adj *a)
{
	return isis_timer_min(isis_timer_when(&a->hello_timer),
			      isis_timer_when(&a->hold_timer));
}

static void schedule(struct isis_adj *a, struct isis_adj_actions *out)
{
	struct isis_adj_action act = { .type = ISIS_ADJ_ACT_SCHEDULE,
				       .at_ms = isis_adj_next_due(a) };

	push(out, &act);
}

/* --- what a hello tells us ---------------------------------------------------------- */

/* The parts of an accepted hello the FSM actions use. */
struct hello_ctx {
	const struct isis_pdu *pdu;
	const struct isis_three_way *tw;	/* NULL: no TLV 240 */
	uint8_t levels;
	uint64_t now;
	const char *reason;			/* for events without a fixed row reason */
};

static const struct isis_tlv *find_tlv(const struct isis_pdu *p, uint8_t type)
{
	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == type)
			return &p->tlvs[i];
	return NULL;
}

/* Record the neighbor from its hello (system ID, circuit IDs, hold time, addresses
 * of TLVs 132/232) and restart the hold timer (ISO 10589 8.2.4.2 d). */
static void learn(struct isis_adj *a, const struct hello_ctx *h)
{
	const struct isis_pdu *p = h->pdu;
	struct isis_adj_nbr *n = &a->nbr;

	memset(n, 0, sizeof(*n));
	memcpy(n->sysid, p->h.iih.source, ISIS_SYSID_LEN);
	n->circuit_id = p->h.iih.circuit_id;
	n->hold_time = p->h.iih.hold_time;
	n->levels = h->levels;
	n->three_way = h->tw != NULL;
	if (h->tw && h->tw->len >= 5) {
		n->has_ext_circuit_id = true;
		n->ext_circuit_id = h->tw->ext_circuit_id;
	}
	for (size_t i = 0; i < p->ntlvs; i++) {
		const struct isis_tlv *t = &p->tlvs[i];

		for (size_t j = 0; t->type == ISIS_TLV_IP_IFADDR && j < t->n; j++)
			if (n->n_addr4 < ISIS_ADJ_MAX_ADDRS)
				memcpy(n->addr4[n->n_addr4++], t->it.addr4[j], 4);
		for (size_t j = 0; t->type == ISIS_TLV_IPV6_IFADDR && j < t->n; j++)
			if (n->n_addr6 < ISIS_ADJ_MAX_ADDRS)
				memcpy(n->addr6[n->n_addr6++], t->it.addr6[j], 16);
	}
	isis_timer_set(&a->hold_timer, h->now, (uint64_t)n->hold_time * 1000u);
}

static void forget(struct isis_adj *a)
{
	memset(&a->nbr, 0, sizeof(a->nbr));
	isis_timer_stop(&a->hold_timer);
}

/* --- FSM actions ---------------------------------------------------------------------
 * Each gets the state before the transition; `h` is NULL for non-hello events. */

struct fsm_row;
typedef void (*fsm_action)(struct isis_adj *a, const struct fsm_row *row,
			   const struct hello_ctx *h, struct isis_adj_actions *out);

struct fsm_row {
	unsigned states;		/* mask of S_* */
	enum isis_adj_event event;
	fsm_action action;
	enum isis_adj_state next;
	const char *reason;		/* NULL: the event's own reason (h->reason) */
};

/* RFC 5303 3.2 "Initialize" from Down, or a hello in Initializing: (re)learn */
static void act_learn(struct isis_adj *a, const struct fsm_row *row, const struct hello_ctx *h,
		      struct isis_adj_actions *out)
{
	(void)row;
	(void)out;
	learn(a, h);
}

/* RFC 5303 3.2 "Up" (or ISO 10589 8.2.4.2 for a neighbor without TLV 240) */
static void act_up(struct isis_adj *a, const struct fsm_row *row, const struct hello_ctx *h,
		   struct isis_adj_actions *out)
{
	learn(a, h);
	push_nbr(a, out, ISIS_ADJ_ACT_UP, row->reason);
}

/* RFC 5303 3.2 "Accept" in Up: refresh hold time and addresses */
static void act_accept(struct isis_adj *a, const struct fsm_row *row,
		       const struct hello_ctx *h, struct isis_adj_actions *out)
{
	(void)row;
	(void)out;
	learn(a, h);
}

/* RFC 5303 3.2: Up and the neighbor reports Down: it restarted. The adjacency goes
 * down (adjacencyStateChange(Down)) and the three-way state becomes Initializing. */
static void act_restart(struct isis_adj *a, const struct fsm_row *row,
			const struct hello_ctx *h, struct isis_adj_actions *out)
{
	push_nbr(a, out, ISIS_ADJ_ACT_DOWN, row->reason);
	learn(a, h);
}

/* RFC 5303 3.2 "Down" in Down: the neighbor believes in an adjacency we do not have;
 * our next hello (state Down) tells it. */
static void act_ignore(struct isis_adj *a, const struct fsm_row *row,
		       const struct hello_ctx *h, struct isis_adj_actions *out)
{
	(void)a;
	(void)row;
	(void)h;
	(void)out;
}

/* Back to Down: report the loss if the adjacency was Up, forget the neighbor. */
static void act_down(struct isis_adj *a, const struct fsm_row *row, const struct hello_ctx *h,
		     struct isis_adj_actions *out)
{
	if (a->state == ISIS_ADJ_UP)
		push_nbr(a, out, ISIS_ADJ_ACT_DOWN, row->reason ? row->reason : h->reason);
	forget(a);
}

static void act_carrier_down(struct isis_adj *a, const struct fsm_row *row,
			     const struct hello_ctx *h, struct isis_adj_actions *out)
{
	act_down(a, row, h, out);
	a->carrier = false;
	isis_timer_stop(&a->hello_timer);
}

static void act_carrier_up(struct isis_adj *a, const struct fsm_row *row,
			   const struct hello_ctx *h, struct isis_adj_actions *out)
{
	(void)row;
	a->carrier = true;
	hello_now(a, h->now, out);
}

/* The table. A (state, event) pair without a row is ignored. */
static const struct fsm_row fsm[] = {
	/* RFC 5303 3.2 table: rows = our state, event = received three-way state */
	{ S_DOWN, ISIS_ADJ_EV_HELLO_DOWN, act_learn, ISIS_ADJ_INIT,
	  "neighbor heard, it does not see us yet" },
	{ S_INIT, ISIS_ADJ_EV_HELLO_DOWN, act_learn, ISIS_ADJ_INIT, NULL },
	{ S_UP, ISIS_ADJ_EV_HELLO_DOWN, act_restart, ISIS_ADJ_INIT,
	  "neighbor restarted (reports three-way state Down)" },
	{ S_DOWN | S_INIT, ISIS_ADJ_EV_HELLO_INIT, act_up, ISIS_ADJ_UP, "neighbor sees us" },
	{ S_UP, ISIS_ADJ_EV_HELLO_INIT, act_accept, ISIS_ADJ_UP, NULL },
	{ S_DOWN, ISIS_ADJ_EV_HELLO_UP, act_ignore, ISIS_ADJ_DOWN, NULL },
	{ S_INIT, ISIS_ADJ_EV_HELLO_UP, act_up, ISIS_ADJ_UP, "neighbor sees us and is Up" },
	{ S_UP, ISIS_ADJ_EV_HELLO_UP, act_accept, ISIS_ADJ_UP, NULL },
	/* ISO 10589 8.2.4.2: a neighbor without RFC 5303 (two-way) */
	{ S_DOWN | S_INIT, ISIS_ADJ_EV_HELLO_2WAY, act_up, ISIS_ADJ_UP,
	  "hello without three-way TLV (two-way neighbor)" },
	{ S_UP, ISIS_ADJ_EV_HELLO_2WAY, act_accept, ISIS_ADJ_UP, NULL },
	/* ISO 10589 8.2.4.2 c, RFC 5303 3.2: another system or a new instance */
	{ S_INIT | S_UP, ISIS_ADJ_EV_NBR_CHANGED, act_down, ISIS_ADJ_DOWN, NULL },
	/* ISO 10589 8.2.4.3: holding timer */
	{ S_INIT | S_UP, ISIS_ADJ_EV_HOLD_EXPIRED, act_down, ISIS_ADJ_DOWN,
	  "hold time expired" },
	{ S_ANY, ISIS_ADJ_EV_CARRIER_DOWN, act_carrier_down, ISIS_ADJ_DOWN, "carrier lost" },
	{ S_DOWN, ISIS_ADJ_EV_CARRIER_UP, act_carrier_up, ISIS_ADJ_DOWN, NULL },
	{ S_ANY, ISIS_ADJ_EV_CONFIG_CHANGED, act_down, ISIS_ADJ_DOWN,
	  "interface config changed" },
};

/* Run one event. Logs a state change, and on one sends a hello at once. */
static void fsm_run(struct isis_adj *a, enum isis_adj_event ev, const struct hello_ctx *h,
		    struct isis_adj_actions *out)
{
	enum isis_adj_state old = a->state;

	for (size_t i = 0; i < sizeof(fsm) / sizeof(fsm[0]); i++) {
		const struct fsm_row *r = &fsm[i];

		if (r->event != ev || !(r->states & (1u << old)))
			continue;
		r->action(a, r, h, out);
		a->state = r->next;
		if (old != r->next) {
			log_state(ADJ_LOG_CAT, a->c.name, state_names[old],
				  state_names[r->next], event_names[ev],
				  r->reason ? r->reason : h->reason);
			hello_now(a, h->now, out);
		}
		return;
	}
}

/* --- hello acceptance (ISO 10589 8.2.4, 8.2.5.2; RFC 1195; RFC 5303 3.2) ------------ */

static bool reject(struct isis_adj *a, const struct isis_pdu *p, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static bool reject(struct isis_adj *a, const struct isis_pdu *p, const char *fmt, ...)
{
	char id[16];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->reject, sizeof(a->reject), fmt, ap);
	va_end(ap);
	if (p->type == ISIS_P2P_IIH)
		sysid_str(p->h.iih.source, id, sizeof(id));
	else
		snprintf(id, sizeof(id), "?");
	a->hellos_rejected++;
	LOG_RL(LOG_LVL_WARN, ADJ_LOG_CAT, "%s: hello from %s rejected: %s", a->c.name, id,
	       a->reject);
	return false;
}

static const char *level_str(uint8_t l)
{
	static const char *const n[] = { "none", "L1", "L2", "L1L2" };

	return n[l & 3];
}

static const char *afs_str(bool v4, bool v6)
{
	return v4 ? (v6 ? "IPv4 IPv6" : "IPv4") : (v6 ? "IPv6" : "none");
}

static bool area_match(const struct isis_adj *a, const struct isis_pdu *p)
{
	for (size_t i = 0; i < p->ntlvs; i++) {
		const struct isis_tlv *t = &p->tlvs[i];

		for (size_t j = 0; t->type == ISIS_TLV_AREA && j < t->n; j++)
			for (size_t k = 0; k < a->c.n_areas; k++)
				if (t->it.area[j].len == a->c.areas[k].len &&
				    !memcmp(t->it.area[j].addr, a->c.areas[k].addr,
					    a->c.areas[k].len))
					return true;
	}
	return false;
}

static void area_str(const struct isis_pdu *p, char *buf, size_t len)
{
	const struct isis_tlv *t = find_tlv(p, ISIS_TLV_AREA);
	size_t o = 0;

	buf[0] = '\0';
	if (!t || t->n == 0) {
		snprintf(buf, len, "none");
		return;
	}
	for (size_t i = 0; i < t->it.area[0].len && o + 4 < len; i++) {
		int n = snprintf(buf + o, len - o, "%s%02x", i % 2 ? "." : "",
				 t->it.area[0].addr[i]);

		o += (size_t)n;
	}
}

/* The checks in order; false (with a->reject) to drop the hello. Sets h->levels. */
static bool hello_ok(struct isis_adj *a, const struct isis_pdu *p, struct hello_ctx *h)
{
	uint8_t ctype = p->h.iih.circuit_type & 3;
	bool v4 = false, v6 = false;
	const struct isis_tlv *t;
	char buf[64];

	if (p->type != ISIS_P2P_IIH)
		return reject(a, p, "not a point-to-point IIH (PDU type %u)", p->type);
	if (!a->carrier)
		return reject(a, p, "carrier down");
	/* ISO 10589 8.2.4.2: our own system ID means a looped circuit */
	if (!memcmp(p->h.iih.source, a->c.sysid, ISIS_SYSID_LEN))
		return reject(a, p, "our own system ID (looped circuit)");
	/* ISO 10589 9.7: circuit type 0 is reserved ("ignore the PDU") */
	if (ctype == 0)
		return reject(a, p, "circuit type 0 (reserved)");
	/* ISO 10589 8.2.5.2 tables 5-8: no common level */
	if (!(ctype & a->c.level))
		return reject(a, p, "level mismatch (neighbor circuit type %s, ours %s)",
			      level_str(ctype), level_str(a->c.level));
	if (p->h.iih.hold_time == 0)
		return reject(a, p, "bad holding time 0");
	/* ISO 10589 8.2.5.2 a: an L1 adjacency needs a common area; L2 does not */
	h->levels = ctype & a->c.level;
	if ((h->levels & ISIS_LEVEL_1) && !area_match(a, p)) {
		h->levels &= (uint8_t)~ISIS_LEVEL_1;
		if (!h->levels) {
			area_str(p, buf, sizeof(buf));
			return reject(a, p, "area mismatch for L1 (neighbor area %s)", buf);
		}
	}
	/* RFC 1195 5.1 (and RFC 5308 for IPv6): protocols supported */
	for (size_t i = 0; i < p->ntlvs; i++) {
		const struct isis_tlv *u = &p->tlvs[i];

		for (size_t j = 0; u->type == ISIS_TLV_PROTOCOLS && j < u->n; j++) {
			v4 |= u->it.nlpid[j] == ISIS_NLPID_IPV4;
			v6 |= u->it.nlpid[j] == ISIS_NLPID_IPV6;
		}
	}
	if (!((v4 && a->c.ipv4) || (v6 && a->c.ipv6)))
		return reject(a, p, "no common address family (ours: %s, neighbor: %s)",
			      afs_str(a->c.ipv4, a->c.ipv6), afs_str(v4, v6));
	if (a->c.strict_protocols && (v4 != a->c.ipv4 || v6 != a->c.ipv6))
		return reject(a, p, "protocols supported mismatch (ours: %s, neighbor: %s)",
			      afs_str(a->c.ipv4, a->c.ipv6), afs_str(v4, v6));
	/* ISO 10589 8.2.3: a padded hello of another size than ours means another MTU
	 * (ours would not reach the neighbor, or theirs is larger than we can take). */
	if (isis_adj_pad_to(a) && find_tlv(p, ISIS_TLV_PADDING) &&
	    p->pdu_len != isis_adj_pad_to(a))
		return reject(a, p, "MTU mismatch (hello padded to %u bytes, ours %zu)",
			      (unsigned)p->pdu_len, isis_adj_pad_to(a));
	/* RFC 5303 3.2 */
	t = find_tlv(p, ISIS_TLV_P2P_ADJ);
	h->tw = t ? &t->u.p2p : NULL;
	if (!t && a->c.require_three_way)
		return reject(a, p, "missing three-way TLV 240 (required)");
	if (t && t->u.p2p.state > ISIS_3WAY_DOWN)
		return reject(a, p, "bad three-way state %u", t->u.p2p.state);
	if (t && t->u.p2p.len >= 11 &&
	    memcmp(t->u.p2p.nbr_sysid, a->c.sysid, ISIS_SYSID_LEN)) {
		sysid_str(t->u.p2p.nbr_sysid, buf, sizeof(buf));
		return reject(a, p, "three-way neighbor system ID %s is not ours", buf);
	}
	if (t && t->u.p2p.len >= 15 && t->u.p2p.nbr_ext_circuit_id != a->c.ext_circuit_id)
		return reject(a, p,
			      "extended circuit ID mismatch (neighbor reports %" PRIu32
			      ", ours %" PRIu32 ")",
			      t->u.p2p.nbr_ext_circuit_id, a->c.ext_circuit_id);
	return true;
}

static void reset_out(struct isis_adj_actions *out)
{
	out->n = 0;
}

int isis_adj_hello(struct isis_adj *a, const struct isis_pdu *pdu, uint64_t now,
		   struct isis_adj_actions *out)
{
	struct hello_ctx h = { .pdu = pdu, .now = now };
	enum isis_adj_event ev;
	char was[16], is[16];
	char *why = a->reason;

	reset_out(out);
	a->reject[0] = '\0';
	if (!hello_ok(a, pdu, &h)) {
		schedule(a, out);
		return -EINVAL;
	}
	if (a->state != ISIS_ADJ_DOWN) {
		/* ISO 10589 8.2.4.2 c: another system on the circuit: delete the adjacency,
		 * drop the hello (the next one starts a new adjacency). */
		if (memcmp(pdu->h.iih.source, a->nbr.sysid, ISIS_SYSID_LEN)) {
			sysid_str(a->nbr.sysid, was, sizeof(was));
			sysid_str(pdu->h.iih.source, is, sizeof(is));
			snprintf(why, sizeof(a->reason),
				 "neighbor system ID changed (was %s, now %s)", was, is);
			h.reason = why;
			fsm_run(a, ISIS_ADJ_EV_NBR_CHANGED, &h, out);
			reject(a, pdu, "%s", why);
			schedule(a, out);
			return -EINVAL;
		}
		/* RFC 5303 3.2: a new extended circuit ID is a new instance of the
		 * neighbor: the old adjacency goes, the hello starts a new one. */
		if (h.tw && h.tw->len >= 5 && a->nbr.has_ext_circuit_id &&
		    h.tw->ext_circuit_id != a->nbr.ext_circuit_id) {
			snprintf(why, sizeof(a->reason),
				 "neighbor restarted (extended circuit ID %" PRIu32
				 " -> %" PRIu32 ")",
				 a->nbr.ext_circuit_id, h.tw->ext_circuit_id);
			h.reason = why;
			fsm_run(a, ISIS_ADJ_EV_NBR_CHANGED, &h, out);
			h.reason = NULL;
		}
	}
	if (!h.tw)
		ev = ISIS_ADJ_EV_HELLO_2WAY;
	else if (h.tw->state == ISIS_3WAY_UP)
		ev = ISIS_ADJ_EV_HELLO_UP;
	else if (h.tw->state == ISIS_3WAY_INIT)
		ev = ISIS_ADJ_EV_HELLO_INIT;
	else
		ev = ISIS_ADJ_EV_HELLO_DOWN;
	fsm_run(a, ev, &h, out);
	schedule(a, out);
	return 0;
}

/* --- other events ------------------------------------------------------------------- */

void isis_adj_init(struct isis_adj *a, const struct isis_adj_circuit *c)
{
	memset(a, 0, sizeof(*a));
	a->c = *c;
	a->c.name[sizeof(a->c.name) - 1] = '\0';
	a->state = ISIS_ADJ_DOWN;
}

void isis_adj_set_jitter(struct isis_adj *a, isis_adj_jitter_fn fn, void *arg)
{
	a->jitter = fn;
	a->jitter_arg = arg;
}

void isis_adj_carrier(struct isis_adj *a, bool up, uint64_t now, struct isis_adj_actions *out)
{
	struct hello_ctx h = { .now = now };

	reset_out(out);
	if (up && a->carrier) {
		schedule(a, out);
		return;
	}
	fsm_run(a, up ? ISIS_ADJ_EV_CARRIER_UP : ISIS_ADJ_EV_CARRIER_DOWN, &h, out);
	if (!up)
		a->carrier = false;
	schedule(a, out);
}

void isis_adj_config(struct isis_adj *a, const struct isis_adj_circuit *c, uint64_t now,
		     struct isis_adj_actions *out)
{
	struct hello_ctx h = { .now = now };
	enum isis_adj_state old = a->state;

	reset_out(out);
	/* the new settings first: the hello the transition triggers uses them */
	a->c = *c;
	a->c.name[sizeof(a->c.name) - 1] = '\0';
	fsm_run(a, ISIS_ADJ_EV_CONFIG_CHANGED, &h, out);
	/* our hello content changed: tell the neighbor now (a state change already
	 * queued one) */
	if (old == ISIS_ADJ_DOWN)
		hello_now(a, now, out);
	else if (a->carrier)
		isis_timer_set(&a->hello_timer, now, hello_interval_ms(a));
	schedule(a, out);
}

void isis_adj_tick(struct isis_adj *a, uint64_t now, struct isis_adj_actions *out)
{
	struct hello_ctx h = { .now = now };

	reset_out(out);
	if (isis_timer_due(&a->hold_timer, now)) {
		isis_timer_stop(&a->hold_timer);
		fsm_run(a, ISIS_ADJ_EV_HOLD_EXPIRED, &h, out);
	}
	if (isis_timer_due(&a->hello_timer, now))
		hello_now(a, now, out);
	schedule(a, out);
}

/* --- our hello (ISO 10589 9.7, RFC 5303 3.1-3.2) ------------------------------------ */

int isis_adj_build_hello(const struct isis_adj *a, struct isis_pdu *pdu)
{
	const struct isis_adj_circuit *c = &a->c;
	struct isis_tlv *t;

	isis_pdu_init(pdu, ISIS_P2P_IIH);
	pdu->h.iih.circuit_type = c->level & 3;
	memcpy(pdu->h.iih.source, c->sysid, ISIS_SYSID_LEN);
	pdu->h.iih.hold_time = isis_adj_hold_time(c);
	pdu->h.iih.circuit_id = c->local_circuit_id;
	if (c->n_areas) {
		if (!(t = isis_tlv_add(pdu, ISIS_TLV_AREA)))
			goto nomem;
		for (size_t i = 0; i < c->n_areas && i < ISIS_ADJ_MAX_AREAS; i++) {
			struct isis_area *ar = isis_tlv_item_add(t);

			if (!ar)
				goto nomem;
			*ar = c->areas[i];
		}
	}
	if (!(t = isis_tlv_add(pdu, ISIS_TLV_PROTOCOLS)))
		goto nomem;
	for (int i = 0; i < 2; i++) {
		uint8_t *np;

		if (!(i == 0 ? c->ipv4 : c->ipv6))
			continue;
		if (!(np = isis_tlv_item_add(t)))
			goto nomem;
		*np = i == 0 ? ISIS_NLPID_IPV4 : ISIS_NLPID_IPV6;
	}
	if (c->n_addr4) {
		if (!(t = isis_tlv_add(pdu, ISIS_TLV_IP_IFADDR)))
			goto nomem;
		for (size_t i = 0; i < c->n_addr4 && i < ISIS_ADJ_MAX_ADDRS; i++) {
			uint8_t *ad = isis_tlv_item_add(t);

			if (!ad)
				goto nomem;
			memcpy(ad, c->addr4[i], 4);
		}
	}
	if (c->n_addr6) {
		if (!(t = isis_tlv_add(pdu, ISIS_TLV_IPV6_IFADDR)))
			goto nomem;
		for (size_t i = 0; i < c->n_addr6 && i < ISIS_ADJ_MAX_ADDRS; i++) {
			uint8_t *ad = isis_tlv_item_add(t);

			if (!ad)
				goto nomem;
			memcpy(ad, c->addr6[i], 16);
		}
	}
	/* RFC 5303 3.2: our state, our extended circuit ID, and once the neighbor is
	 * known (Initializing / Up) its system ID and extended circuit ID */
	if (!(t = isis_tlv_add(pdu, ISIS_TLV_P2P_ADJ)))
		goto nomem;
	t->u.p2p.state = a->state == ISIS_ADJ_UP     ? ISIS_3WAY_UP
			 : a->state == ISIS_ADJ_INIT ? ISIS_3WAY_INIT
						     : ISIS_3WAY_DOWN;
	t->u.p2p.ext_circuit_id = c->ext_circuit_id;
	t->u.p2p.len = 5;
	if (a->state != ISIS_ADJ_DOWN) {
		memcpy(t->u.p2p.nbr_sysid, a->nbr.sysid, ISIS_SYSID_LEN);
		t->u.p2p.len = 11;
		if (a->nbr.has_ext_circuit_id) {
			t->u.p2p.nbr_ext_circuit_id = a->nbr.ext_circuit_id;
			t->u.p2p.len = 15;
		}
	}
	return 0;
nomem:
	isis_pdu_free(pdu);
	return -ENOMEM;
}

int isis_adj_encode_hello(const struct isis_adj *a, uint8_t *buf, size_t cap, size_t *len)
{
	struct isis_pdu pdu;
	int rc = isis_adj_build_hello(a, &pdu);

	if (rc < 0)
		return rc;
	rc = isis_pdu_encode(&pdu, isis_adj_pad_to(a), buf, cap, len);
	isis_pdu_free(&pdu);
	return rc;
}
