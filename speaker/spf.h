/* spf — shortest-path-first route computation over decoded LSPs of one IS-IS level, and
 * the SPF run scheduler (RFC 8405 back-off).
 *
 * ISO 10589 7.2 (decision process: Dijkstra from ourselves, LSP fragments of a system
 * joined with fragment 0 required and carrying the overload bit, two-way connectivity
 * check, pseudonodes as transit nodes with zero cost out of them), RFC 5305 3/4 (wide
 * metrics: a link at 2^24-1 is not used, path metrics above MAX_PATH_METRIC 0xFE000000
 * are unreachable), RFC 5308 2 (IPv6 reachability, the U bit), RFC 5302 / RFC 7775
 * (up/down bit on level 2), RFC 8405 (SPF back-off delay). Pure: the caller feeds
 * decoded `struct isis_pdu` LSPs (speaker/isis.h, from the LSDB) through an iterator
 * and its adjacency table, and gets reached nodes and a deterministic, sorted route
 * table with ECMP next-hop sets whose entries index that adjacency table. Prefixes use
 * lib/addr.h. The scheduler's timers are speaker/timer.h values. Tested by
 * tests/unit/test_isis_spf.c, timed by bench/bench_spf.c; docs/speaker.md ("SPF"). */
#ifndef KVTE_SPEAKER_SPF_H
#define KVTE_SPEAKER_SPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/addr.h"
#include "speaker/isis.h"
#include "speaker/timer.h"

#define ISIS_SPF_MAX_PATH_METRIC 0xFE000000u	/* RFC 5305 4, RFC 5308 2 */
#define ISIS_SPF_LINK_UNUSABLE 0xFFFFFFu	/* RFC 5305 3: link not used by SPF */

/* One Up adjacency of ours on this level, as the adjacency table knows it. Routes name
 * their next hops by index into the caller's array of these. Several adjacencies to the
 * same neighbor (parallel links, or a LAN and a point-to-point link) are all first hops
 * toward that neighbor. */
struct isis_spf_adj {
	uint8_t sysid[ISIS_SYSID_LEN];	/* the neighbor */
	uint32_t ifindex;
	char ifname[16];
	addr_t addr4;			/* neighbor's IPv4 address on the link; unset = none */
	addr_t addr6;			/* neighbor's IPv6 (link-local) address; unset = none */
};

/* The LSDB feeds LSPs through `next`: each call returns the next decoded LSP of any
 * level, in any order, or NULL at the end. It is called once per run until NULL, and
 * the LSPs must stay alive and unchanged until isis_spf_run returns. LSPs of the other
 * level, purges (lifetime 0) and non-LSP PDUs are skipped; when an LSP ID appears more
 * than once the highest sequence number is used. isis_spf_array_next walks an array. */
typedef const struct isis_pdu *(*isis_spf_next_fn)(void *ctx);

struct isis_spf_array {
	const struct isis_pdu *const *v;
	size_t n;
	size_t pos;
};
const struct isis_pdu *isis_spf_array_next(void *ctx);	/* ctx: struct isis_spf_array */

struct isis_spf_input {
	int level;				/* 1 or 2 */
	uint8_t root[ISIS_SYSID_LEN];		/* our system ID */
	isis_spf_next_fn next;
	void *ctx;
	const struct isis_spf_adj *adj;		/* our Up adjacencies on this level */
	size_t nadj;
};

/* node flags */
#define ISIS_SPF_N_PSEUDO 0x01		/* pseudonode (LAN) */
#define ISIS_SPF_N_OVERLOAD 0x02	/* overload bit in fragment 0: never transit */
#define ISIS_SPF_N_ROOT 0x04
#define ISIS_SPF_N_NOFRAG0 0x08		/* LSPs present without fragment 0: ignored */

/* route flags */
#define ISIS_SPF_R_LOCAL 0x01		/* advertised by ourselves: connected, no next hop */
#define ISIS_SPF_R_DOWN 0x02		/* up/down (IPv6: U) bit set, level 2: less preferred */

#define ISIS_SPF_UNREACHABLE UINT32_MAX

/* A system (or pseudonode) that has LSPs in the input. */
struct isis_spf_node {
	uint8_t id[ISIS_NODEID_LEN];		/* system ID + pseudonode ID */
	uint8_t flags;				/* ISIS_SPF_N_* */
	uint32_t metric;			/* ISIS_SPF_UNREACHABLE if not reached */
	uint32_t nh_off, nh_n;			/* first hops: spf->nh[nh_off..+nh_n] */
	const char *hostname;			/* TLV 137 of fragment 0 (not terminated:
						 * hostname_len bytes), or NULL; points into
						 * that LSP: valid while the LSP lives */
	uint8_t hostname_len;
};

struct isis_spf_route {
	prefix_t prefix;			/* host bits cleared */
	uint32_t metric;			/* path metric + prefix metric */
	uint8_t flags;				/* ISIS_SPF_R_* */
	uint8_t origin[ISIS_SYSID_LEN];		/* lowest system ID advertising it at best */
	uint32_t nh_off, nh_n;			/* ECMP: spf->nh[nh_off..+nh_n], ascending */
};

struct isis_spf_stats {
	size_t lsps;		/* LSPs used */
	size_t edges;		/* directed links that passed the two-way check */
	size_t oneway;		/* directed links dropped by the two-way check */
	size_t candidates;	/* prefix advertisements considered */
	bool fixpoint;		/* zero-cost ties needed a second next-hop pass */
};

/* A workspace: scratch arrays and results, reused by every run (no allocation once it
 * has grown to the LSDB's size). Results stay valid until the next run or free. */
struct isis_spf {
	/* results */
	struct isis_spf_node *nodes;		/* sorted by ID; every node with LSPs */
	size_t nnodes;
	struct isis_spf_route *routes;		/* sorted by prefix (lib/addr prefix_cmp) */
	size_t nroutes;
	uint32_t *nh;				/* adjacency indexes */
	size_t nnh;
	struct isis_spf_stats stats;
	/* scratch (spf.c) */
	void *priv;
};

void isis_spf_init(struct isis_spf *spf);
void isis_spf_free(struct isis_spf *spf);
/* Run SPF and the route computation. Returns 0, -EINVAL (bad level or an adjacency
 * table that is too large), -ENOENT (no usable fragment 0 of our own LSP: no results)
 * or -ENOMEM. On error the results are empty. Never fails on LSP content. */
int isis_spf_run(struct isis_spf *spf, const struct isis_spf_input *in);
/* The results as text, one line per node then one per route (golden files, kvtectl):
 *   node r2 (1921.6805.0002.00) metric 10 via r2/et1
 *   route 192.168.50.4/32 metric 20 via r2/et1 100.65.0.3, r3/et2 100.65.0.7
 * malloc'd, NULL on ENOMEM. adj is the table given to the run. */
char *isis_spf_format(const struct isis_spf *spf, const struct isis_spf_adj *adj,
		      size_t nadj);

/* SPF scheduler: the SPF back-off delay algorithm of RFC 8405, a pure state machine
 * with its three timers as plain data (speaker/timer.h) on the caller's clock (ms).
 *
 * States (RFC 8405 5.1): QUIET (the IGP has been stable), SHORT_WAIT (an event came in
 * QUIET; for TIME_TO_LEARN_INTERVAL the events of one failure are learned at
 * SHORT_SPF_DELAY), LONG_WAIT (events kept coming after that: the IGP is unstable, SPF
 * waits LONG_SPF_DELAY). Timers: SPF_TIMER (the next run), LEARN_TIMER, HOLDDOWN_TIMER
 * (HOLDDOWN_INTERVAL without events brings QUIET back; every event restarts it).
 *
 *   event in QUIET          SPF_TIMER = INITIAL if not running, start LEARN and
 *                           HOLDDOWN                                 -> SHORT_WAIT
 *   event in SHORT_WAIT     restart HOLDDOWN, SPF_TIMER = SHORT if not running
 *   event in LONG_WAIT      restart HOLDDOWN, SPF_TIMER = LONG if not running
 *   LEARN in SHORT_WAIT                                              -> LONG_WAIT
 *   HOLDDOWN in LONG_WAIT                                            -> QUIET
 *   HOLDDOWN in SHORT_WAIT  stop LEARN                               -> QUIET
 *   SPF_TIMER in any state  the caller runs SPF (isis_spf_sched_ran), state unchanged
 *
 * Events while SPF_TIMER runs change nothing but HOLDDOWN: a burst costs one SPF.
 * Expired LEARN / HOLDDOWN timers are taken in due-time order by every call that gets
 * `now` (event, ran, tick), so a caller that slept through them stays exact; the
 * caller arms one OS timer for isis_spf_sched_next_due and calls isis_spf_sched_tick
 * when it fires (even with no SPF pending). Each state change is one log_state line
 * in category "spf" ("spf back-off: SHORT_WAIT -> LONG_WAIT (event learn_timer)"). */
enum isis_spf_sched_state {
	ISIS_SPF_QUIET,
	ISIS_SPF_SHORT_WAIT,
	ISIS_SPF_LONG_WAIT,
};

/* RFC 8405 6 parameters, ms. */
struct isis_spf_sched_params {
	uint32_t initial_delay;		/* INITIAL_SPF_DELAY */
	uint32_t short_delay;		/* SHORT_SPF_DELAY */
	uint32_t long_delay;		/* LONG_SPF_DELAY */
	uint32_t time_to_learn;		/* TIME_TO_LEARN_INTERVAL */
	uint32_t holddown;		/* HOLDDOWN_INTERVAL, > time_to_learn */
};

#define ISIS_SPF_INITIAL_DELAY_DEFAULT 50u
#define ISIS_SPF_SHORT_DELAY_DEFAULT 200u
#define ISIS_SPF_LONG_DELAY_DEFAULT 2000u
#define ISIS_SPF_TIME_TO_LEARN_DEFAULT 500u
#define ISIS_SPF_HOLDDOWN_DEFAULT 1500u

struct isis_spf_sched {
	struct isis_spf_sched_params p;
	enum isis_spf_sched_state state;
	struct isis_timer spf, learn, holddown;
	uint64_t runs;				/* SPF runs reported through _ran */
};

/* The defaults above. */
void isis_spf_sched_params_default(struct isis_spf_sched_params *p);
/* 0, or -EINVAL with the reason in err: HOLDDOWN_INTERVAL must be longer than
 * TIME_TO_LEARN_INTERVAL (RFC 8405 6). Delays out of the RECOMMENDED order
 * INITIAL <= SHORT <= LONG are allowed. */
int isis_spf_sched_params_check(const struct isis_spf_sched_params *p, char *err,
				size_t errlen);
/* QUIET, no timer running. p NULL: the defaults. A holddown not longer than
 * time_to_learn is raised to time_to_learn + 1 (check first to report it). */
void isis_spf_sched_init(struct isis_spf_sched *s, const struct isis_spf_sched_params *p);
/* An IGP event (LSP change, adjacency change) at `now`: returns when SPF should run
 * (the SPF_TIMER's due time; an already running SPF_TIMER is kept). */
uint64_t isis_spf_sched_event(struct isis_spf_sched *s, uint64_t now);
/* True if the SPF_TIMER runs and is due at `now`. */
bool isis_spf_sched_due(const struct isis_spf_sched *s, uint64_t now);
/* The caller ran SPF at `now` (the SPF_TIMER expiry): the SPF_TIMER stops. */
void isis_spf_sched_ran(struct isis_spf_sched *s, uint64_t now);
/* Take the LEARN / HOLDDOWN expiries due at `now`. */
void isis_spf_sched_tick(struct isis_spf_sched *s, uint64_t now);
/* Earliest due time of the SPF, LEARN and HOLDDOWN timers; ISIS_TIMER_NEVER if none. */
uint64_t isis_spf_sched_next_due(const struct isis_spf_sched *s);
/* "QUIET", "SHORT_WAIT", "LONG_WAIT". */
const char *isis_spf_sched_state_name(enum isis_spf_sched_state st);

#endif
