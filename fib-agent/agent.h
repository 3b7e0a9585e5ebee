/* agent — the kvte-agent daemon's wiring on one libuv loop: etcd watches of
 * rib/<node>/ (IS-IS routes, local SIDs, TE tunnels, bypasses), config/static/<node>/
 * and bgp/routes/ parsed by fib-agent/agent_input.c; the kernel's links and addresses
 * from lib/nlmon.h (connected routes for recursive resolution, carrier for local
 * repair); the RIB core (fib-agent/rib.c); and the kernel FIB through
 * fib-agent/nl_route.c. DESIGN §9: the agent never computes paths; it reconciles the
 * kernel with etcd at start (dump kvte's routes, send only the difference), keeps
 * every installed route when etcd is unreachable, and on carrier loss of a local link
 * switches the entries using it to their backups at once (a TE tunnel's backup, an
 * End.X SID to its bypass as End.B6.Encaps, ECMP without the dead next hop), before
 * any control-plane update. Status goes to state/<node>/agent (leased). agent_main.c
 * parses the flags; docs/agent.md ("The daemon") describes it. */
#ifndef KVTE_FIB_AGENT_AGENT_H
#define KVTE_FIB_AGENT_AGENT_H

#include <stdint.h>
#include <uv.h>

struct agent_opts {
	const char *node;		/* this router's name */
	const char *etcd_endpoints;
	const char *root;		/* NULL: /kvte/ */
	const char *netns;		/* program this namespace (lib/netns.h); NULL: ours */
	unsigned lease_ttl_s;		/* state/<node>/agent lease; 0 = 10 */
	uint32_t table;			/* 0 = main */
};

struct agent;

int agent_start(uv_loop_t *loop, const struct agent_opts *o, struct agent **out, char *err,
		size_t errlen);
/* Stop watching and writing; installed routes stay (forwarding never depends on the
 * agent running). done(arg) when the loop may finish. */
void agent_stop(struct agent *a, void (*done)(void *arg), void *arg);

#endif
