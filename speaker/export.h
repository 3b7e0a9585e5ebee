/* export — what kvte-speaker writes to etcd (DESIGN §5, docs/keys.md), kept in sync
 * with the speaker's state whatever etcd does.
 *
 *  - ted/lsp/<lsp-id>: every LSP of the LSDB as decoded JSON (speaker/ted_json.h). A
 *    watch on ted/lsp/ tells which sequence number etcd holds for each LSP ID; a copy is
 *    written only if ours is newer, in a transaction comparing the key's mod revision
 *    with the one the watch reported (create revision 0 when absent), so N speakers
 *    holding the same LSDB converge on the newest copy without flapping. Purged or
 *    expired LSPs are deleted the same way (only if etcd's seq is not newer).
 *  - speakers/<node>: liveness and adjacencies, on a lease kept alive; re-put when the
 *    lease is lost and granted again.
 *  - rib/<node>/isis/<prefix> and rib/<node>/sid/<sid>: desired sets handed over after
 *    each SPF / adjacency change; only the difference with what etcd holds is written
 *    (puts before deletes, split transactions). The keys under rib/<node>/sid/ the
 *    controller owns (End.B6.Encaps binding SIDs) are never touched.
 * When etcd is unreachable nothing is lost: desired state is kept and flushed again
 * with back-off until it lands (the watch resumes or resyncs by itself). Uses
 * lib/etcd/etcd.h and lib/keys.h; called by speaker/speaker.c. */
#ifndef KVTE_SPEAKER_EXPORT_H
#define KVTE_SPEAKER_EXPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <uv.h>

#include "speaker/isis.h"

struct speaker_export_opts {
	const char *endpoints;
	const char *root;		/* NULL: /kvte/ */
	const char *node;		/* our hostname */
	unsigned lease_ttl_s;		/* 0: 10 s */
};

struct speaker_export;

int speaker_export_open(uv_loop_t *loop, const struct speaker_export_opts *o,
			struct speaker_export **out, char *err, size_t errlen);
/* An LSP of the LSDB as stored now (pdu decoded, remaining lifetime in seconds). */
void speaker_export_lsp(struct speaker_export *e, const struct isis_pdu *pdu,
			uint16_t remaining);
/* The LSP was purged or removed at seq: delete its key unless etcd's copy is newer. */
void speaker_export_lsp_gone(struct speaker_export *e, const uint8_t id[ISIS_LSPID_LEN],
			     uint32_t seq);
/* Desired values: a JSON object mapping full key -> value (ownership taken). */
void speaker_export_set_routes(struct speaker_export *e, json_t *routes);
void speaker_export_set_sids(struct speaker_export *e, json_t *sids);
void speaker_export_set_speaker(struct speaker_export *e, json_t *value);
/* Write what is pending (called once per loop iteration; cheap when nothing is). */
void speaker_export_flush(struct speaker_export *e);
/* Keys helpers for the caller building the desired sets. */
const struct keys *speaker_export_keys(const struct speaker_export *e);
/* Revoke the lease (speakers/<node> vanishes), close the client, then done(arg). */
void speaker_export_close(struct speaker_export *e, void (*done)(void *arg), void *arg);

#endif
