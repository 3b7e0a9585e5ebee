/* exa_msg — ExaBGP 4.2's process API, reader side: one line ExaBGP writes to its
 * process's stdin becomes one event. JSON lines (JSON API "4.0.1"): neighbor "state"
 * (connected / up / down with its reason), "update" (announce and withdraw of IPv4
 * and IPv6 unicast with ORIGIN, AS_PATH, MED, LOCAL_PREF, communities, large
 * communities and the next hop; End-of-RIB), "notification" (from a peer, or ExaBGP's
 * own "shutdown"); plain lines "done" / "error" acknowledge a command. Other message
 * types and families (flow, vpn, evpn...) are recognised and ignored. Facts from
 * /work/shared/notes/exabgp-api.md §3 and §5. A malformed line gives a specific error
 * naming the field ("neighbor.address.peer: missing") and nothing else. Pure; used by
 * bgp/bgpd.c, tests/unit/test_bgp_exa_msg.c. */
#ifndef KVTE_BGP_EXA_MSG_H
#define KVTE_BGP_EXA_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bgp/attrs.h"
#include "lib/addr.h"

enum exa_kind {
	EXA_STATE,        /* neighbor state change */
	EXA_UPDATE,       /* received (or, direction send, echoed) UPDATE / EOR */
	EXA_NOTIFICATION, /* NOTIFICATION from a peer */
	EXA_SHUTDOWN,     /* {"type":"notification","notification":"shutdown"} */
	EXA_OTHER,        /* a JSON message type kvte does not use (open, keepalive...) */
	EXA_ACK_DONE,     /* "done" */
	EXA_ACK_ERROR,    /* "error" */
	EXA_ACK_SHUTDOWN, /* "shutdown" */
	EXA_TEXT,         /* any other plain line (output of "show" commands) */
	EXA_EMPTY,        /* blank line */
};

enum exa_state { EXA_ST_CONNECTED, EXA_ST_UP, EXA_ST_DOWN };

struct exa_neighbor {
	addr_t local, peer;
	uint32_t local_asn, peer_asn;
};

/* One announced prefix with the next hop it was sent with (attributes are shared). */
struct exa_nlri {
	prefix_t prefix;
	addr_t next_hop;
};

struct exa_msg {
	enum exa_kind kind;
	double time;             /* ExaBGP's "time" (seconds since the epoch), 0 if absent */
	bool has_neighbor;
	struct exa_neighbor nb;
	/* state */
	enum exa_state state;
	char reason[256];
	/* update */
	bool send;               /* "direction": "send" (ExaBGP's echo of what it sent) */
	struct bgp_attrs *attrs; /* announces only; one reference owned by the message */
	struct exa_nlri *announce;
	size_t n_announce;
	prefix_t *withdraw;
	size_t n_withdraw;
	bool eor;
	int eor_family;          /* AF_INET / AF_INET6, 0 for other families */
	size_t skipped;          /* NLRI groups of families kvte does not handle */
	/* notification */
	int code, subcode;
	char data[128];
	/* other */
	char type[32];
};

/* Parse one line (without its '\n'; a trailing '\r' is ignored). Returns 0 with *m
 * filled, or -EINVAL with "where: why" in err (*m is then empty). exa_msg_free
 * releases what a successful parse allocated (safe on a zeroed or failed message). */
int exa_msg_parse(const char *line, size_t len, struct exa_msg *m, char *err, size_t errlen);
void exa_msg_free(struct exa_msg *m);
const char *exa_state_name(enum exa_state s);

#endif
