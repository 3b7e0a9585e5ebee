/* lsdb — the IS-IS link-state database of one level: LSPs sorted by LSP ID, each held
 * as its original bytes (re-flooded unchanged) plus the decoded view.
 *
 * ISO 10589 7.3.16 (sequence-number and lifetime comparison), 7.3.16.3/7.3.16.4
 * (remaining-lifetime aging, expiry, purges kept for ZeroAgeLifetime), RFC 6232 (a purge
 * we generate carries the purge originator TLV). Remaining lifetime is computed from
 * the receive time and the caller's `now` (milliseconds); the bytes are only rewritten
 * when sent (the lifetime field is outside the checksum). Changes (added / updated /
 * purged / removed) are queued for the SPF and the etcd export to drain. Pure: no
 * clock, no sockets. Used by speaker/flood.c (which owns the per-circuit flags kept in
 * each entry) and speaker/originate.c (purge PDUs); decoding by speaker/pdu.c. */
#ifndef KVTE_SPEAKER_LSDB_H
#define KVTE_SPEAKER_LSDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/isis.h"

#define ISIS_MAX_AGE 1200		/* ISO 10589 7.3.21: MaxAge, seconds */
#define ISIS_ZERO_AGE_LIFETIME 60	/* ISO 10589 7.3.21: ZeroAgeLifetime, seconds */

/* One stored LSP. */
struct isis_lsp {
	uint8_t id[ISIS_LSPID_LEN];
	uint32_t seq;
	uint16_t checksum;
	uint16_t rx_lifetime;	/* remaining lifetime (s) when stored */
	uint64_t rx_ms;		/* when stored */
	uint64_t zero_ms;	/* when the remaining lifetime reached 0 (purged) */
	bool purged;		/* remaining lifetime 0: kept for ZeroAgeLifetime */
	bool own;		/* system ID part is ours */
	struct isis_pdu pdu;	/* decoded view; pdu.raw/raw_len = the bytes */
	/* flooding state, owned by speaker/flood.c (bit i = circuit i) */
	uint64_t srm, ssn, sent;
	uint64_t *tx_ms;	/* last transmission per circuit, NULL until first send */
};

enum isis_lsdb_change_kind {
	ISIS_LSDB_ADDED,
	ISIS_LSDB_UPDATED,
	ISIS_LSDB_PURGED,
	ISIS_LSDB_REMOVED,
};

struct isis_lsdb_change {
	enum isis_lsdb_change_kind kind;
	uint8_t id[ISIS_LSPID_LEN];
	uint32_t seq;
};

struct isis_lsdb {
	uint8_t sysid[ISIS_SYSID_LEN];
	uint8_t lsp_type;	/* ISIS_L1_LSP or ISIS_L2_LSP */
	struct isis_lsp **v;	/* sorted by id */
	size_t n, cap;
	struct isis_lsdb_change *chg;
	size_t nchg, chg_cap;
};

/* Comparison of a received LSP (or SNP entry) with the stored one, ISO 10589 7.3.16. */
enum isis_lsp_cmp {
	ISIS_LSP_OLDER = -1,	/* received is older than ours */
	ISIS_LSP_SAME = 0,
	ISIS_LSP_NEWER = 1,	/* received is newer (or we have none) */
	ISIS_LSP_CONFLICT = 2,	/* same seq, different checksum, both alive: treated as newer */
};

void isis_lsdb_init(struct isis_lsdb *db, const uint8_t sysid[ISIS_SYSID_LEN], int level);
void isis_lsdb_free(struct isis_lsdb *db);

/* Lookup by LSP ID; NULL if absent. O(log n). */
struct isis_lsp *isis_lsdb_find(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN]);
/* Index of the first LSP with id >= `id` (db->n if none). */
size_t isis_lsdb_lower_bound(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN]);

/* Remaining lifetime in seconds at `now` (0 once purged or expired). */
uint16_t isis_lsdb_lifetime(const struct isis_lsp *lsp, uint64_t now);
/* Compare a received header {seq, checksum, lifetime} with lsp (NULL: NEWER). */
enum isis_lsp_cmp isis_lsdb_compare(const struct isis_lsp *lsp, uint64_t now, uint32_t seq,
				    uint16_t checksum, uint16_t lifetime);
/* The SNP entry describing lsp at now (ISO 10589 9.10 TLV 9). */
void isis_lsdb_entry(const struct isis_lsp *lsp, uint64_t now, struct isis_lsp_entry *e);
bool isis_lsdb_is_own(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN]);

/* Store a decoded LSP (pdu must hold raw bytes); takes ownership of *pdu (its fields
 * are moved and *pdu is left empty) whether or not it succeeds. Replaces any stored
 * copy and clears its flooding flags. The caller has already decided it is newer.
 * Returns 0 (with *out set), -EINVAL (not an LSP of this level / no bytes) or -ENOMEM. */
int isis_lsdb_install(struct isis_lsdb *db, struct isis_pdu *pdu, uint64_t now,
		      struct isis_lsp **out);
/* Turn lsp into a purge we originate (ISO 10589 7.3.16.4, RFC 6232): header kept with
 * remaining lifetime 0, TLVs replaced by a purge originator TLV naming us. Returns 0
 * or -ENOMEM (lsp unchanged). */
int isis_lsdb_purge(struct isis_lsdb *db, struct isis_lsp *lsp, uint64_t now);
/* Expire LSPs whose lifetime ran out (→ purge, change PURGED) and delete purges older
 * than ZeroAgeLifetime (change REMOVED). Returns the number of new purges. */
size_t isis_lsdb_age(struct isis_lsdb *db, uint64_t now);
/* Earliest time isis_lsdb_age has work to do, or UINT64_MAX. */
uint64_t isis_lsdb_next_due(const struct isis_lsdb *db);

/* The bytes to send at now: the stored bytes with the remaining-lifetime field
 * rewritten. Returns a malloc'd copy (length *len) or NULL on ENOMEM. */
uint8_t *isis_lsdb_tx_bytes(const struct isis_lsp *lsp, uint64_t now, size_t *len);

/* Encode a purge PDU for id/seq of lsp_type with a purge originator TLV naming sysid.
 * Returns 0 (malloc'd *out, *len) or -ENOMEM / -EINVAL. */
int isis_lsdb_purge_pdu(uint8_t lsp_type, const uint8_t id[ISIS_LSPID_LEN], uint32_t seq,
			uint8_t flags, const uint8_t sysid[ISIS_SYSID_LEN], uint8_t **out,
			size_t *len);

/* Queued change notifications, oldest first; the consumer clears them. */
const struct isis_lsdb_change *isis_lsdb_changes(const struct isis_lsdb *db, size_t *n);
void isis_lsdb_changes_clear(struct isis_lsdb *db);

/* "1921.6805.0001.00-00" into buf (>= 21 bytes). */
const char *isis_lsdb_id_str(const uint8_t id[ISIS_LSPID_LEN], char *buf, size_t len);

#endif
