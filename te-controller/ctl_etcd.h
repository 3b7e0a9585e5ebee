/* ctl_etcd — the kvte-controller daemon's etcd side: inputs, leader election, fenced
 * diff writes.
 *
 * DESIGN §5 (key layout, transactions, watches) and §8 (HA), docs/keys.md "Leader
 * fencing", docs/controller.md. One ctl_t per controller instance on a libuv loop:
 *  - watches ted/lsp/, speakers/, config/lsps/, config/admin-groups and te/ (snapshot,
 *    then events; a resync snapshot after compaction is diffed against what it had),
 *    feeding the TED (te-controller/ted.h) and the request set; a bad value is logged
 *    with its key and the reason, and treated as absent;
 *  - campaigns for te/leader under its own lease with a transaction comparing
 *    create_revision == 0 (value per schemas/te-leader); the winner remembers that
 *    create revision R (the fence). It loses leadership when its lease is lost, when
 *    the te/ watch shows te/leader deleted or re-created, or when a write fails the
 *    fence — and stops writing at once;
 *  - as leader: loads what etcd holds under the owned families (te/paths/ and te/links/
 *    from the te/ watch, rib/<node>/te/ and rib/<node>/protect/ by range per known node,
 *    then a rib/ watch for changes), recomputes with te-controller/plan.c once per loop
 *    iteration after changes (at most once per hold-down period) and writes only the
 *    difference, as one ETCD_TXN_SPLIT transaction that compares create_revision of
 *    te/leader == R in every part: puts before deletes, bypasses before tunnels, so a
 *    committed prefix never leaves a forwarding hole;
 *  - logs leader acquired/lost and each LSP's state change or re-route (lib/log.h).
 * controller_main.c wraps it in a process; tests/etcd/test_controller.c drives it
 * in-process against real etcd. */
#ifndef KVTE_TE_CONTROLLER_CTL_ETCD_H
#define KVTE_TE_CONTROLLER_CTL_ETCD_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lib/etcd/etcd.h"

#define CTL_DEFAULT_HOLD_DOWN_MS 1000
#define CTL_DEFAULT_LEASE_TTL_S 10

typedef struct ctl ctl_t;

struct ctl_opts {
	const char *endpoints;       /* required */
	const char *root;            /* NULL: "/kvte/" */
	const char *id;              /* instance ID (te-leader id); NULL: "<host>:<pid>" */
	unsigned hold_down_ms;       /* 0: CTL_DEFAULT_HOLD_DOWN_MS */
	unsigned lease_ttl_s;        /* 0: CTL_DEFAULT_LEASE_TTL_S */
	const struct etcd_client_opts *etcd; /* optional: auth, TLS, timeouts (endpoints
					      * and name are taken from here too if set) */
	/* Testing: do not learn of deposition from the te/leader watch, so only the
	 * lease and the write fence can depose this instance (a leader cut off from its
	 * watch stream). */
	bool no_leader_watch;
};

struct ctl_stats {
	uint64_t computes;      /* plan runs */
	uint64_t txns;          /* write transactions committed */
	uint64_t puts, deletes; /* operations in them */
	uint64_t fence_refused; /* writes refused by the fence */
	uint64_t terms;         /* times this instance became leader */
	uint64_t campaigns;     /* election attempts */
	uint64_t write_errors;  /* other failed writes (retried) */
	uint64_t bad_values;    /* etcd values rejected */
};

/* Start: connect, watch, campaign. Returns 0 or -EINVAL/-ENOMEM with err. */
int ctl_new(uv_loop_t *loop, const struct ctl_opts *opts, ctl_t **out, char *err,
	    size_t errlen);
/* Stop everything (revoking the lease when `revoke`, so another controller takes over
 * at once), free, then call closed (may be NULL). */
void ctl_close(ctl_t *c, bool revoke, void (*closed)(void *arg), void *arg);

bool ctl_is_leader(const ctl_t *c);
/* Every input watch has delivered its snapshot. */
bool ctl_ready(const ctl_t *c);
/* Leader, state loaded, nothing to recompute, no write in flight, last write ok. */
bool ctl_idle(const ctl_t *c);
/* The fence (create revision of te/leader this instance won), 0 when not leader. */
int64_t ctl_fence(const ctl_t *c);
int64_t ctl_lease_id(const ctl_t *c);
const struct ctl_stats *ctl_get_stats(const ctl_t *c);
/* What this instance believes etcd holds at an owned key (full key), NULL if none. */
const char *ctl_held(const ctl_t *c, const char *key);
/* The instance ID. */
const char *ctl_id(const ctl_t *c);

#endif
