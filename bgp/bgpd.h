/* bgpd — the kvte-bgp daemon, wired: ExaBGP lines (bgp/exa_io.c) parsed by
 * bgp/exa_msg.c drive the RIB (bgp/rib.c), whose best paths become
 * bgp/routes/<prefix>/<node> values (bgp/route_value.c) written by bgp/store.c; watches
 * on bgp/announce/<node>/ and bgp/originate/<node>/ become ExaBGP commands
 * (bgp/announce.c) and originated paths. Session up: every announcement for that peer
 * is sent again; session down: the peer's routes are removed. A kvte-bgp that starts
 * under a running ExaBGP asks its peers for a route refresh so it relearns their
 * routes. docs/bgp.md describes the behaviour; bgp/bgp_main.c the flags. */
#ifndef KVTE_BGP_BGPD_H
#define KVTE_BGP_BGPD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lib/addr.h"

struct bgpd_opts {
	const char *node;
	const char *etcd;        /* endpoints */
	const char *root;        /* NULL: /kvte/ */
	addr_t loopback4, loopback6;
	uint32_t asn;            /* 0: learn from ExaBGP */
	bool no_exabgp;          /* originate only; stdin/stdout unused */
	size_t queue_max;
	unsigned grace_ms;
	size_t max_line;
	int in_fd, out_fd;
};

struct bgpd;

int bgpd_start(uv_loop_t *loop, const struct bgpd_opts *o, struct bgpd **out, char *err,
	       size_t errlen);
/* Log a one-line summary of counters (SIGUSR1). */
void bgpd_log_stats(struct bgpd *d);
/* Stop everything; done(arg) once every handle is closed. Also called by the daemon
 * itself when ExaBGP closes stdin (stopped_cb below). */
void bgpd_stop(struct bgpd *d, void (*done)(void *arg), void *arg);
/* Called when bgpd decides to stop on its own (stdin EOF); may be NULL. */
void bgpd_on_exit(struct bgpd *d, void (*cb)(void *arg), void *arg);

#endif
