/* flood — the IS-IS update process on point-to-point circuits: SRM/SSN flags per LSP and
 * circuit, LSP/CSNP/PSNP reception, retransmission, periodic CSNPs.
 *
 * ISO 10589 7.3.15 (receiving LSPs and SNPs, SRM/SSN), 7.3.16 (sequence numbers, own
 * LSPs seen with a higher seq), 7.3.17 (LSP transmission, CSNP ranges), RFC 6232
 * (purges). A pure core: events (received PDUs, circuit up/down, own LSPs from
 * speaker/originate.c) go in with the caller's `now` in milliseconds; isis_flood_run
 * returns actions (send these bytes on circuit X, re-originate LSP Y above seq Z) and
 * the next time it wants to run. The database is speaker/lsdb.c; PDUs are built and
 * parsed with speaker/pdu.c. Broadcast circuits (DIS, pseudonodes) are not handled. */
#ifndef KVTE_SPEAKER_FLOOD_H
#define KVTE_SPEAKER_FLOOD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "speaker/isis.h"
#include "speaker/lsdb.h"

#define ISIS_FLOOD_MAX_CIRCUITS 64
#define ISIS_LSP_MTU_DEFAULT 1492

struct isis_flood_config {
	uint64_t retransmit_ms;	/* p2p LSP retransmission (ISO minimumLSPTransmissionInterval 5 s) */
	uint64_t min_tx_ms;	/* minimum gap between sends of one LSP ID on a circuit */
	uint64_t csnp_ms;	/* periodic CSNP on p2p circuits (0: only on adjacency up) */
	uint64_t psnp_ms;	/* delay before SSN flags go out (ISO partialSNPInterval 2 s) */
	uint16_t mtu;		/* largest SNP we build */
};

void isis_flood_config_default(struct isis_flood_config *c);

enum isis_flood_act_type {
	ISIS_FLOOD_SEND,		/* send pdu/len on circuit */
	ISIS_FLOOD_REORIGINATE,		/* our LSP lsp_id was seen at seq: originate above it */
};

struct isis_flood_action {
	enum isis_flood_act_type type;
	int circuit;
	uint8_t pdu_type;	/* SEND: enum isis_pdu_type */
	uint8_t *pdu;		/* SEND: malloc'd, owned by the action list */
	size_t len;
	uint8_t lsp_id[ISIS_LSPID_LEN];	/* REORIGINATE (SEND of an LSP too) */
	uint32_t seq;
	bool purge;		/* REORIGINATE: the network copy is a purge */
};

struct isis_flood_actions {
	struct isis_flood_action *v;
	size_t n, cap;
	int err;		/* -ENOMEM if an action was dropped (sticky) */
};

void isis_flood_actions_clear(struct isis_flood_actions *a);

struct isis_flood_circuit {
	bool used, up;
	uint64_t csnp_due;	/* next CSNP (UINT64_MAX: none) */
	uint64_t psnp_due;	/* when pending SSN flags / requests go out */
	struct isis_lsp_entry *req;	/* LSPs we lack, requested with seq 0 */
	size_t nreq, req_cap;
};

struct isis_flood {
	struct isis_lsdb db;
	struct isis_flood_config cfg;
	struct isis_flood_circuit circ[ISIS_FLOOD_MAX_CIRCUITS];
	uint8_t level;
};

void isis_flood_init(struct isis_flood *f, const uint8_t sysid[ISIS_SYSID_LEN], int level,
		     const struct isis_flood_config *cfg);
void isis_flood_free(struct isis_flood *f);

/* Circuit i (0..ISIS_FLOOD_MAX_CIRCUITS-1) adjacency up: a CSNP goes out at the next run
 * and every csnp_ms after. Down clears its flags. Return 0 or -EINVAL. */
int isis_flood_circuit_up(struct isis_flood *f, int c, uint64_t now);
int isis_flood_circuit_down(struct isis_flood *f, int c);

/* Received PDUs on circuit c (already decoded; *pdu is consumed and left empty). Return
 * 0, -EINVAL (bad circuit, wrong level or type) or -ENOMEM. */
int isis_flood_rx_lsp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now,
		      struct isis_flood_actions *out);
int isis_flood_rx_csnp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now);
int isis_flood_rx_psnp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now);
/* Dispatch any decoded PDU of our level to the three above (IIHs: -EINVAL). */
int isis_flood_rx(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now,
		  struct isis_flood_actions *out);

/* Install one of our own LSPs (bytes from speaker/originate.c, purges included) and
 * flood it on every circuit. Returns 0, -EBADMSG or -ENOMEM. */
int isis_flood_originate(struct isis_flood *f, const uint8_t *bytes, size_t len, uint64_t now);

/* Do what is due at now: age the LSDB (expired LSPs purged and flooded), send LSPs
 * with SRM set (first time after min_tx_ms, again after retransmit_ms until acked),
 * PSNPs for SSN flags and requests, CSNPs. Returns the next time to run (UINT64_MAX:
 * nothing pending). */
uint64_t isis_flood_run(struct isis_flood *f, uint64_t now, struct isis_flood_actions *out);

/* CSNPs describing the whole LSDB, split by mtu with contiguous start/end ranges, sent
 * on circuit c (also used by isis_flood_run). Returns 0 or -ENOMEM. */
int isis_flood_csnps(struct isis_flood *f, int c, uint64_t now, struct isis_flood_actions *out);

#endif
