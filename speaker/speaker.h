/* speaker — the kvte-speaker daemon's wiring on one libuv loop: the configured
 * circuits (lib/nlmon.h for links, carrier and addresses; speaker/pktio.h for frames),
 * one RFC 5303 adjacency per circuit (speaker/adj.h), the level's LSDB and update
 * process (speaker/flood.h), our own LSP fragments (speaker/originate.h built from
 * speaker/node.h), SPF with the RFC 8405 back-off (speaker/spf.h), and the etcd export
 * (speaker/export.h). Every event handler only records what changed; one batching
 * point per loop iteration (uv_check) re-originates, floods, runs a due SPF, hands the
 * results to the export and arms the single timer for the earliest due time of every
 * core. IS-IS runs whether or not etcd is reachable. speaker_reload applies an edited
 * configuration file live (SIGHUP). speaker_main.c parses the flags
 * and owns the process. docs/speaker.md ("The daemon") describes it. */
#ifndef KVTE_SPEAKER_SPEAKER_H
#define KVTE_SPEAKER_SPEAKER_H

#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "lib/validate.h"
#include "speaker/config.h"

struct speaker_opts {
	const char *config_path;
	const char *netns;		/* run IS-IS in this namespace (lib/netns.h); NULL: ours */
	const char *etcd_endpoints;	/* NULL: no etcd (IS-IS only) */
	const char *root;		/* key root, NULL = "/kvte/" */
	unsigned lease_ttl_s;		/* speakers/<node> lease; 0 = 10 */
	/* RFC 8405 SPF back-off (speaker/spf.h); 0 = the default 50, 200, 2000, 500,
	 * 1500 ms. spf_holddown_ms must exceed spf_learn_ms. */
	uint32_t spf_initial_ms, spf_short_ms, spf_long_ms, spf_learn_ms, spf_holddown_ms;
	uint32_t lsp_gen_ms;		/* minimum gap between re-originations; 0 = 50 */
	uint32_t csnp_ms;		/* periodic CSNP; 0 = 10000 */
	uint32_t retransmit_ms;		/* LSP retransmission; 0 = 5000 */
};

struct speaker;

/* Load the configuration (groups resolves admin-group names), open the netlink
 * monitor, the circuits' sockets and the etcd export. 0 or a negative errno with a
 * reason in err. */
int speaker_start(uv_loop_t *loop, const struct speaker_opts *opts,
		  const struct admin_groups *groups, struct speaker **out, char *err,
		  size_t errlen);
/* Re-read opts->config_path (SIGHUP) and apply what changed without a restart:
 * metrics, TE attributes, SRLGs, passive, hello padding, overload, router ID (with an
 * explicit system ID), loopbacks, SRv6 behaviors and LSP timers re-originate our LSP;
 * hello interval / multiplier and padding update the circuits in place (a hello with
 * the new holding time goes out at once; adjacencies stay up); an interface added to
 * the file gets its circuit as if it had just appeared from netlink, one removed takes
 * its adjacency down ("interface removed from the configuration") and closes its
 * socket. Interfaces that stay keep their circuit (and flooding) index. One log line
 * per change and a summary. A file that does not load, or that changes the hostname,
 * system ID, area, level or SRv6 locator (those need a restart), changes nothing:
 * -EINVAL with "<file>: <path>: <reason>" in err. */
int speaker_reload(struct speaker *s, const struct admin_groups *groups, char *err,
		   size_t errlen);
/* This speaker's LSDB as text, one LSP per line — "1921.6805.0001.00-00 seq 0x00000003
 * checksum 0x1a2b lifetime 1187" (purges end in " purged") — each followed by its
 * decoded TLVs (speaker/format.c) indented by four spaces when detail is set. Sorted
 * by LSP ID. malloc'd; NULL on ENOMEM. The process writes it on SIGUSR1 (--lsdb-file). */
char *speaker_lsdb_text(struct speaker *s, bool detail);

/* Purge nothing, close everything (the speakers/<node> lease is revoked so the node
 * disappears at once); `done` runs when the loop may finish. */
void speaker_stop(struct speaker *s, void (*done)(void *arg), void *arg);

#endif
