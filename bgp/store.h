/* store — kvte-bgp's writer of bgp/routes/<prefix>/<node> for its own node: a desired
 * value per key (what the RIB says), what etcd holds, and a bounded queue of keys whose
 * two differ. Writes go out as transactions of up to 128 puts/deletes, several on the
 * wire at once; a key that changes again while in flight is simply queued again, so
 * changes coalesce and the last one wins. etcd unreachable: nothing blocks and nothing
 * is lost (the desired table is the truth); writes are retried with back-off, and before
 * the next write the store re-reads everything under bgp/routes/ that ends in /<node>
 * and diffs the whole table against it (routes learned meanwhile are written, stale
 * ones removed). Keys found in etcd at start-up that the RIB has not (re)learned are
 * deleted only after a grace period (a restarted kvte-bgp relearns its routes first).
 * More than queue_max queued keys: one clear log line, the queue is dropped and the
 * next write is a whole-table reconcile instead. Uses lib/etcd/etcd.h, lib/keys.h;
 * called by bgp/bgpd.c. */
#ifndef KVTE_BGP_STORE_H
#define KVTE_BGP_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uv.h>

#include "lib/etcd/etcd.h"
#include "lib/keys.h"

struct bgp_store_opts {
	const char *node;
	const keys_t *keys;
	size_t queue_max;       /* 0: 1,000,000 */
	unsigned grace_ms;      /* start-up grace before deleting unrelearned keys */
	unsigned max_inflight;  /* transactions on the wire; 0: 8 */
};

struct bgp_store_stats {
	size_t desired;      /* keys with a value to hold */
	size_t queued;       /* keys waiting to be written */
	size_t inflight;     /* transactions on the wire */
	uint64_t puts, deletes, txns, failures, overflows;
	bool synced;         /* etcd's view was read and nothing is pending */
	bool connected;
};

struct bgp_store;

int bgp_store_new(uv_loop_t *loop, etcd_client *c, const struct bgp_store_opts *o,
		  struct bgp_store **out, char *err, size_t errlen);
/* Desired value of a full key (NULL: the key must not exist). value is copied. */
void bgp_store_set(struct bgp_store *s, const char *key, const char *value);
/* Send what can be sent now (cheap when nothing is pending). */
void bgp_store_flush(struct bgp_store *s);
void bgp_store_stats(const struct bgp_store *s, struct bgp_store_stats *out);
/* Stop timers and free; in-flight requests must have been cancelled by closing the
 * etcd client first (their callbacks then see ETCD_ERR_CANCELED). done(arg) is called
 * once the timers are closed. */
void bgp_store_close(struct bgp_store *s, void (*done)(void *arg), void *arg);

#endif
