/* adj — point-to-point IS-IS adjacencies with the RFC 5303 three-way handshake.
 *
 * One struct isis_adj per point-to-point circuit: a pure state machine (Down /
 * Initializing / Up) fed events — a decoded P2P IIH, hold timer expiry, carrier
 * down/up, a changed circuit configuration — at a time `now` given by the caller,
 * returning actions the caller executes: send a hello (isis_adj_build_hello builds the
 * ISO 10589 9.7 P2P IIH with TLVs 1, 129, 132, 232, 240, padded with TLV 8 to the
 * circuit MTU), adjacency up / down (neighbor system ID, levels, TLV 132/232
 * addresses), and the next due time of its timers (speaker/timer.h). ISO 10589 8.2.2-
 * 8.2.5 (hellos, padding, acceptance), RFC 1195 (protocols supported, IP addresses),
 * RFC 5303 3.2 (three-way state table, neighbor checks). Decoding is speaker/pdu.c's
 * (speaker/isis.h); the event loop and raw sockets live elsewhere. docs/speaker.md
 * ("Adjacencies") lists states, events, rejection reasons and timers. */
#ifndef KVTE_SPEAKER_ADJ_H
#define KVTE_SPEAKER_ADJ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/isis.h"
#include "speaker/timer.h"

#define ISIS_ADJ_NAME_MAX 48
#define ISIS_ADJ_MAX_AREAS 3
#define ISIS_ADJ_MAX_ADDRS 8
#define ISIS_ADJ_MAX_ACTIONS 8
#define ISIS_LLC_LEN 3		/* 802.2 LLC header before each IS-IS PDU (ISO 10589 8.4.8) */
#define ISIS_NLPID_IPV4 0xcc	/* RFC 1195 */
#define ISIS_NLPID_IPV6 0x8e	/* RFC 5308 */

/* circuit type / level bits */
#define ISIS_LEVEL_1 1
#define ISIS_LEVEL_2 2
#define ISIS_LEVEL_12 3

/* RFC 5303 3.1: Adjacency Three-Way State values on the wire */
#define ISIS_3WAY_UP 0
#define ISIS_3WAY_INIT 1
#define ISIS_3WAY_DOWN 2

enum isis_adj_state {
	ISIS_ADJ_DOWN,
	ISIS_ADJ_INIT,
	ISIS_ADJ_UP,
	ISIS_ADJ_NSTATES
};

enum isis_adj_event {
	ISIS_ADJ_EV_HELLO_DOWN,		/* accepted hello, three-way state Down */
	ISIS_ADJ_EV_HELLO_INIT,		/* ... Initializing */
	ISIS_ADJ_EV_HELLO_UP,		/* ... Up */
	ISIS_ADJ_EV_HELLO_2WAY,		/* accepted hello without TLV 240 */
	ISIS_ADJ_EV_NBR_CHANGED,	/* hello from another system / a restarted one */
	ISIS_ADJ_EV_HOLD_EXPIRED,
	ISIS_ADJ_EV_CARRIER_DOWN,
	ISIS_ADJ_EV_CARRIER_UP,
	ISIS_ADJ_EV_CONFIG_CHANGED,
	ISIS_ADJ_NEVENTS
};

/* What the adjacency needs of its circuit (built by the caller from
 * speaker/config.h and netlink). */
struct isis_adj_circuit {
	char name[ISIS_ADJ_NAME_MAX];	/* object in log lines, e.g. "r1/et1" */
	uint8_t sysid[ISIS_SYSID_LEN];
	uint8_t level;			/* ISIS_LEVEL_1 / _2 / _12 */
	size_t n_areas;
	struct isis_area areas[ISIS_ADJ_MAX_AREAS];
	uint8_t local_circuit_id;	/* IIH header octet */
	uint32_t ext_circuit_id;	/* RFC 5303 3.2: unique per circuit (ifindex) */
	uint16_t hello_interval_s;
	uint8_t hello_multiplier;	/* holding time = interval * multiplier */
	bool ipv4, ipv6;		/* address families run on this circuit */
	size_t n_addr4, n_addr6;
	uint8_t addr4[ISIS_ADJ_MAX_ADDRS][4];	/* TLV 132 */
	uint8_t addr6[ISIS_ADJ_MAX_ADDRS][16];	/* TLV 232 (link-local, RFC 5308 3) */
	uint32_t mtu;			/* interface MTU; hellos padded to mtu - 3 */
	bool pad;			/* hello padding (ISO 10589 8.2.3) */
	bool require_three_way;		/* reject hellos without TLV 240 */
	bool strict_protocols;		/* reject differing NLPID sets, not only disjoint */
};

/* What we know of the neighbor (carried by up/down actions). */
struct isis_adj_nbr {
	uint8_t sysid[ISIS_SYSID_LEN];
	bool has_ext_circuit_id;
	uint32_t ext_circuit_id;
	uint8_t circuit_id;
	uint8_t levels;			/* levels the adjacency serves */
	uint16_t hold_time;		/* seconds, from the neighbor's hello */
	bool three_way;			/* the neighbor sends TLV 240 */
	size_t n_addr4, n_addr6;
	uint8_t addr4[ISIS_ADJ_MAX_ADDRS][4];
	uint8_t addr6[ISIS_ADJ_MAX_ADDRS][16];
};

enum isis_adj_action_type {
	ISIS_ADJ_ACT_SEND_HELLO,	/* build with isis_adj_build_hello, pad to pad_to */
	ISIS_ADJ_ACT_UP,		/* adjacency usable: nbr, reason */
	ISIS_ADJ_ACT_DOWN,		/* adjacency gone: nbr, reason */
	ISIS_ADJ_ACT_SCHEDULE,		/* call isis_adj_tick at at_ms (NEVER: no timer) */
};

struct isis_adj_action {
	enum isis_adj_action_type type;
	const char *reason;		/* UP/DOWN: valid until the next call on the adj */
	struct isis_adj_nbr nbr;	/* UP/DOWN */
	size_t pad_to;			/* SEND_HELLO */
	uint64_t at_ms;			/* SCHEDULE */
};

struct isis_adj_actions {
	size_t n;
	struct isis_adj_action a[ISIS_ADJ_MAX_ACTIONS];
};

/* Jitter hook: returns the interval to use for the next periodic hello given the
 * nominal one (ISO 10589 10.1 jitters by up to 25% down). NULL: no jitter. */
typedef uint64_t (*isis_adj_jitter_fn)(void *arg, uint64_t interval_ms);

struct isis_adj {
	struct isis_adj_circuit c;
	enum isis_adj_state state;
	bool carrier;
	struct isis_adj_nbr nbr;	/* valid in Initializing and Up */
	struct isis_timer hello_timer, hold_timer;
	isis_adj_jitter_fn jitter;
	void *jitter_arg;
	char reject[192];		/* why the last hello was rejected ("" if accepted) */
	char reason[128];		/* storage for computed up/down reasons */
	uint64_t hellos_rejected;
};

/* Start in Down with carrier down (no hellos until isis_adj_carrier(up)). */
void isis_adj_init(struct isis_adj *a, const struct isis_adj_circuit *c);
void isis_adj_set_jitter(struct isis_adj *a, isis_adj_jitter_fn fn, void *arg);

/* A received PDU on this circuit. Returns 0 if accepted, -EINVAL if rejected (reason
 * in a->reject, logged through LOG_RL). `out` is reset and filled either way. */
int isis_adj_hello(struct isis_adj *a, const struct isis_pdu *pdu, uint64_t now,
		   struct isis_adj_actions *out);
/* Carrier change (netlink): down takes the adjacency down at once. */
void isis_adj_carrier(struct isis_adj *a, bool up, uint64_t now, struct isis_adj_actions *out);
/* New circuit configuration: the adjacency restarts from Down. */
void isis_adj_config(struct isis_adj *a, const struct isis_adj_circuit *c, uint64_t now,
		     struct isis_adj_actions *out);
/* Fire the timers due at now (hello: send; hold: expire). */
void isis_adj_tick(struct isis_adj *a, uint64_t now, struct isis_adj_actions *out);
/* Earliest due timer, ISIS_TIMER_NEVER if none. */
uint64_t isis_adj_next_due(const struct isis_adj *a);

/* Our P2P IIH for the current state (pdu is initialised here; free with
 * isis_pdu_free). Returns 0 or -ENOMEM. */
int isis_adj_build_hello(const struct isis_adj *a, struct isis_pdu *pdu);
/* PDU size hellos are padded to (0: no padding). */
size_t isis_adj_pad_to(const struct isis_adj *a);
/* Build + encode: 0, -ENOMEM, -EMSGSIZE, -EINVAL. */
int isis_adj_encode_hello(const struct isis_adj *a, uint8_t *buf, size_t cap, size_t *len);
/* Our holding time in seconds (hello interval * multiplier, at most 65535). */
uint16_t isis_adj_hold_time(const struct isis_adj_circuit *c);

const char *isis_adj_state_name(enum isis_adj_state s);
const char *isis_adj_event_name(enum isis_adj_event e);

#endif
