/* netns — run a piece of code in another network namespace and come back.
 *
 * Sockets keep the namespace they were created in (netlink, AF_PACKET: setns(2),
 * network_namespaces(7)), and so do files under /proc/sys/net opened there. So a
 * daemon started with --netns NAME stays in its own namespace — where it reaches etcd
 * on 127.0.0.1 — and opens only its kernel-facing sockets inside the node's namespace
 * (/run/netns/NAME, as `ip netns add` creates it). This is how the lab runs every
 * router's daemons on one machine while etcd listens on the host's loopback; in
 * docker-compose or under systemd the daemons simply run in the router's namespace and
 * no --netns is given. Only the calling thread switches (the daemons' loops are
 * single-threaded). Used by speaker/speaker.c and fib-agent/. */
#ifndef KVTE_LIB_NETNS_H
#define KVTE_LIB_NETNS_H

#include <stddef.h>

/* Open /run/netns/<name> (or a path containing '/'). Returns an fd or a negative
 * errno with a reason in err. */
int netns_open(const char *name, char *err, size_t errlen);
/* Switch the calling thread into fd's namespace (fd < 0: stay). Returns a token for
 * netns_leave (-1 when nothing was switched) or a negative errno (< -1) on failure. */
int netns_enter(int fd, char *err, size_t errlen);
/* Back to where netns_enter came from (token < 0: nothing to do). */
void netns_leave(int token);

#endif
