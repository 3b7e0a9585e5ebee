/* flood — the IS-IS update process on point-to-point circuits (speaker/flood.h): SRM/SSN
 * flags kept as per-circuit bits in each speaker/lsdb.c entry, ISO 10589 7.3.15.1
 * (LSP reception), 7.3.15.2 (SNP reception), 7.3.16.1/7.3.16.2 (own LSPs), 7.3.16.4
 * (purges), 7.3.17 (CSNP ranges). Output is a list of actions; PDUs are built with
 * speaker/pdu.c. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "speaker/flood.h"

#define BIT(c) ((uint64_t)1 << (c))

void isis_flood_config_default(struct isis_flood_config *c)
{
	c->retransmit_ms = 5000;
	c->min_tx_ms = 0;
	c->csnp_ms = 10000;
	c->psnp_ms = 0;
	c->mtu = ISIS_LSP_MTU_DEFAULT;
}

void isis_flood_init(struct isis_flood *f, const uint8_t sysid[ISIS_SYSID_LEN], int level,
		     const struct isis_flood_config *cfg)
{
	memset(f, 0, sizeof(*f));
	isis_lsdb_init(&f->db, sysid, level);
	f->level = level == 1 ? 1 : 2;
	if (cfg)
		f->cfg = *cfg;
	else
		isis_flood_config_default(&f->cfg);
	if (f->cfg.mtu < ISIS_CSNP_HDR_LEN + 2 + 16)
		f->cfg.mtu = ISIS_LSP_MTU_DEFAULT;
}

void isis_flood_free(struct isis_flood *f)
{
	for (int c = 0; c < ISIS_FLOOD_MAX_CIRCUITS; c++)
		free(f->circ[c].req);
	isis_lsdb_free(&f->db);
}

void isis_flood_actions_clear(struct isis_flood_actions *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i].pdu);
	free(a->v);
	memset(a, 0, sizeof(*a));
}

static struct isis_flood_action *act_add(struct isis_flood_actions *a)
{
	if (a->n == a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 16;
		struct isis_flood_action *v = realloc(a->v, cap * sizeof(*v));

		if (!v) {
			a->err = -ENOMEM;
			return NULL;
		}
		a->v = v;
		a->cap = cap;
	}
	memset(&a->v[a->n], 0, sizeof(a->v[0]));
	return &a->v[a->n++];
}

static uint8_t csnp_type(const struct isis_flood *f)
{
	return f->level == 1 ? ISIS_L1_CSNP : ISIS_L2_CSNP;
}

static uint8_t psnp_type(const struct isis_flood *f)
{
	return f->level == 1 ? ISIS_L1_PSNP : ISIS_L2_PSNP;
}

static bool circ_ok(const struct isis_flood *f, int c)
{
	return c >= 0 && c < ISIS_FLOOD_MAX_CIRCUITS && f->circ[c].used && f->circ[c].up;
}

/* --- flags ------------------------------------------------------------------------- */

static void psnp_arm(struct isis_flood *f, int c, uint64_t now)
{
	if (f->circ[c].psnp_due == UINT64_MAX)
		f->circ[c].psnp_due = now + f->cfg.psnp_ms;
}

static void ssn_set(struct isis_flood *f, struct isis_lsp *lsp, int c, uint64_t now)
{
	lsp->ssn |= BIT(c);
	psnp_arm(f, c, now);
}

static void srm_set(struct isis_lsp *lsp, int c)
{
	lsp->srm |= BIT(c);
}

static void srm_clear(struct isis_lsp *lsp, int c)
{
	lsp->srm &= ~BIT(c);
}

/* SRM on every up circuit but `except` (-1: all) */
static void srm_all(struct isis_flood *f, struct isis_lsp *lsp, int except)
{
	for (int c = 0; c < ISIS_FLOOD_MAX_CIRCUITS; c++)
		if (c != except && circ_ok(f, c))
			lsp->srm |= BIT(c);
}

/* An SNP entry to put in the next PSNP on c: a request (seq 0) or an acknowledgement of
 * a purge we do not store. */
static void pend_add(struct isis_flood *f, int c, const struct isis_lsp_entry *e, uint64_t now)
{
	struct isis_flood_circuit *ci = &f->circ[c];

	if (ci->nreq == ci->req_cap) {
		size_t cap = ci->req_cap ? ci->req_cap * 2 : 16;
		struct isis_lsp_entry *v = realloc(ci->req, cap * sizeof(*v));

		if (!v)
			return;	/* the next CSNP asks again */
		ci->req = v;
		ci->req_cap = cap;
	}
	ci->req[ci->nreq++] = *e;
	psnp_arm(f, c, now);
}

static void clear_circuit_bits(struct isis_flood *f, int c)
{
	for (size_t i = 0; i < f->db.n; i++) {
		struct isis_lsp *lsp = f->db.v[i];

		lsp->srm &= ~BIT(c);
		lsp->ssn &= ~BIT(c);
		lsp->sent &= ~BIT(c);
		if (lsp->tx_ms)
			lsp->tx_ms[c] = UINT64_MAX;
	}
	f->circ[c].nreq = 0;
	f->circ[c].psnp_due = UINT64_MAX;
}

int isis_flood_circuit_up(struct isis_flood *f, int c, uint64_t now)
{
	if (c < 0 || c >= ISIS_FLOOD_MAX_CIRCUITS)
		return -EINVAL;
	f->circ[c].used = true;
	f->circ[c].up = true;
	clear_circuit_bits(f, c);
	f->circ[c].csnp_due = now;	/* ISO 10589 7.3.17: describe the LSDB at once */
	return 0;
}

int isis_flood_circuit_down(struct isis_flood *f, int c)
{
	if (c < 0 || c >= ISIS_FLOOD_MAX_CIRCUITS)
		return -EINVAL;
	clear_circuit_bits(f, c);
	f->circ[c].up = false;
	f->circ[c].csnp_due = UINT64_MAX;
	return 0;
}

/* --- SNP building ------------------------------------------------------------------ */

/* Most TLV 9 entries that fit in mtu after hdr bytes (15 per TLV, 2 bytes each TLV). */
static size_t snp_capacity(size_t mtu, size_t hdr)
{
	size_t room = mtu > hdr ? mtu - hdr : 0;
	size_t full = room / (2 + 15 * 16), rest = room % (2 + 15 * 16);

	return full * 15 + (rest >= 2 + 16 ? (rest - 2) / 16 : 0);
}

static int snp_send(struct isis_flood *f, int c, uint8_t type, const uint8_t *start,
		    const uint8_t *end, const struct isis_lsp_entry *e, size_t n,
		    struct isis_flood_actions *out)
{
	struct isis_flood_action *a = NULL;
	struct isis_pdu p;
	struct isis_tlv *t = NULL;
	uint8_t *buf = malloc(f->cfg.mtu);
	size_t len = 0;
	int rc = buf ? 0 : -ENOMEM;

	isis_pdu_init(&p, type);
	memcpy(p.h.snp.source, f->db.sysid, ISIS_SYSID_LEN);
	if (start) {
		memcpy(p.h.snp.start, start, ISIS_LSPID_LEN);
		memcpy(p.h.snp.end, end, ISIS_LSPID_LEN);
	}
	if (n && !(t = isis_tlv_add(&p, ISIS_TLV_LSP_ENTRIES)))
		rc = -ENOMEM;
	for (size_t i = 0; rc == 0 && i < n; i++) {
		struct isis_lsp_entry *it = isis_tlv_item_add(t);

		if (!it)
			rc = -ENOMEM;
		else
			*it = e[i];
	}
	if (rc == 0)
		rc = isis_pdu_encode(&p, 0, buf, f->cfg.mtu, &len);
	isis_pdu_free(&p);
	if (rc == 0 && !(a = act_add(out)))
		rc = -ENOMEM;
	if (rc < 0) {
		free(buf);
		return rc;
	}
	a->type = ISIS_FLOOD_SEND;
	a->circuit = c;
	a->pdu_type = type;
	a->pdu = buf;
	a->len = len;
	return 0;
}

static void id_next(uint8_t id[ISIS_LSPID_LEN])
{
	for (int i = ISIS_LSPID_LEN - 1; i >= 0; i--)
		if (++id[i] != 0)
			break;
}

/* ISO 10589 7.3.17: the entries of db[i..i+k) with contiguous ranges covering the
 * whole LSP ID space across the set of CSNPs */
int isis_flood_csnps(struct isis_flood *f, int c, uint64_t now, struct isis_flood_actions *out)
{
	size_t cap = snp_capacity(f->cfg.mtu, ISIS_CSNP_HDR_LEN), i = 0;
	uint8_t start[ISIS_LSPID_LEN] = { 0 }, end[ISIS_LSPID_LEN];
	struct isis_lsp_entry *e = calloc(cap, sizeof(*e));
	int rc = e ? 0 : -ENOMEM;

	while (rc == 0) {
		size_t k = f->db.n - i < cap ? f->db.n - i : cap;

		for (size_t j = 0; j < k; j++)
			isis_lsdb_entry(f->db.v[i + j], now, &e[j]);
		if (i + k == f->db.n)
			memset(end, 0xff, sizeof(end));
		else
			memcpy(end, f->db.v[i + k - 1]->id, ISIS_LSPID_LEN);
		rc = snp_send(f, c, csnp_type(f), start, end, e, k, out);
		i += k;
		if (i == f->db.n)
			break;
		memcpy(start, end, ISIS_LSPID_LEN);
		id_next(start);
	}
	free(e);
	return rc;
}

/* One or more PSNPs for the SSN flags and pending entries of circuit c. */
static int psnps(struct isis_flood *f, int c, uint64_t now, struct isis_flood_actions *out)
{
	struct isis_flood_circuit *ci = &f->circ[c];
	size_t cap = snp_capacity(f->cfg.mtu, ISIS_PSNP_HDR_LEN), k = 0;
	struct isis_lsp_entry *e = calloc(cap, sizeof(*e));
	int rc = e ? 0 : -ENOMEM;

	for (size_t i = 0; rc == 0 && i < f->db.n + ci->nreq; i++) {
		if (i < f->db.n) {
			struct isis_lsp *lsp = f->db.v[i];

			if (!(lsp->ssn & BIT(c)))
				continue;
			lsp->ssn &= ~BIT(c);
			isis_lsdb_entry(lsp, now, &e[k++]);
		} else {
			e[k++] = ci->req[i - f->db.n];
		}
		if (k == cap) {
			rc = snp_send(f, c, psnp_type(f), NULL, NULL, e, k, out);
			k = 0;
		}
	}
	if (rc == 0 && k)
		rc = snp_send(f, c, psnp_type(f), NULL, NULL, e, k, out);
	ci->nreq = 0;
	ci->psnp_due = UINT64_MAX;
	free(e);
	return rc;
}

/* --- receiving LSPs ---------------------------------------------------------------- */

static int reoriginate(const struct isis_lsp_hdr *h, struct isis_flood_actions *out)
{
	struct isis_flood_action *a = act_add(out);

	if (!a)
		return -ENOMEM;
	a->type = ISIS_FLOOD_REORIGINATE;
	a->circuit = -1;
	memcpy(a->lsp_id, h->lsp_id, ISIS_LSPID_LEN);
	a->seq = h->seq;
	a->purge = h->lifetime == 0;
	return 0;
}

static void ack_header(struct isis_flood *f, int c, const struct isis_lsp_hdr *h, uint64_t now)
{
	struct isis_lsp_entry e;

	memcpy(e.lsp_id, h->lsp_id, ISIS_LSPID_LEN);
	e.seq = h->seq;
	e.checksum = h->checksum;
	e.lifetime = h->lifetime;
	pend_add(f, c, &e, now);
}

/* ISO 10589 7.3.15.1 e1: newer — store, flood on the other circuits, acknowledge */
static int store(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now,
		 struct isis_lsp **out)
{
	struct isis_lsp *lsp;
	char s[32];
	int rc = isis_lsdb_install(&f->db, pdu, now, &lsp);

	if (rc < 0)
		return rc;
	log_debug("flood", "LSP %s seq 0x%08x on circuit %d: newer, stored and flooded",
		  isis_lsdb_id_str(lsp->id, s, sizeof(s)), lsp->seq, c);
	srm_all(f, lsp, c);
	ssn_set(f, lsp, c, now);
	if (out)
		*out = lsp;
	return 0;
}

/* ISO 10589 7.3.16.1/7.3.16.2: our own LSP came back newer than ours (or conflicting) */
static int own_newer(struct isis_flood *f, int c, struct isis_pdu *pdu, struct isis_lsp *lsp,
		     uint64_t now, struct isis_flood_actions *out)
{
	struct isis_lsp_hdr h = pdu->h.lsp;
	int rc;

	if (lsp && !lsp->purged) {	/* still ours: go above it */
		isis_pdu_free(pdu);
		ack_header(f, c, &h, now);
		log_debug("flood", "own LSP seen at seq 0x%08x: re-originate", h.seq);
		return reoriginate(&h, out);
	}
	if (h.lifetime == 0)		/* purge of a fragment we no longer have */
		return store(f, c, pdu, now, NULL);
	/* a fragment we do not generate: purge it (7.3.16.1 c) */
	if ((rc = store(f, c, pdu, now, &lsp)) < 0)
		return rc;
	if ((rc = isis_lsdb_purge(&f->db, lsp, now)) < 0)
		return rc;
	srm_all(f, lsp, -1);
	return 0;
}

int isis_flood_rx_lsp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now,
		      struct isis_flood_actions *out)
{
	const struct isis_lsp_hdr h = pdu->h.lsp;
	struct isis_lsp *lsp;
	enum isis_lsp_cmp cmp;

	if (!circ_ok(f, c) || pdu->type != f->db.lsp_type || !pdu->raw) {
		isis_pdu_free(pdu);
		return -EINVAL;
	}
	lsp = isis_lsdb_find(&f->db, h.lsp_id);
	cmp = isis_lsdb_compare(lsp, now, h.seq, h.checksum, h.lifetime);
	if (h.lifetime == 0 && !lsp) {	/* 7.3.16.4 a: acknowledge, do not keep */
		ack_header(f, c, &h, now);
		isis_pdu_free(pdu);
		return 0;
	}
	if (cmp == ISIS_LSP_NEWER || cmp == ISIS_LSP_CONFLICT) {
		if (isis_lsdb_is_own(&f->db, h.lsp_id))
			return own_newer(f, c, pdu, lsp, now, out);
		return store(f, c, pdu, now, NULL);
	}
	isis_pdu_free(pdu);
	if (cmp == ISIS_LSP_SAME) {	/* 7.3.15.1 e2: implicit ack, acknowledge */
		srm_clear(lsp, c);
		ssn_set(f, lsp, c, now);
	} else {			/* 7.3.15.1 e3: older — send ours back */
		log_debug("flood", "LSP seq 0x%08x on circuit %d older than ours (0x%08x)",
			  h.seq, c, lsp->seq);
		srm_set(lsp, c);
		lsp->ssn &= ~BIT(c);
	}
	return 0;
}

/* --- receiving SNPs ---------------------------------------------------------------- */

/* ISO 10589 7.3.15.2 b: one TLV 9 entry of a CSNP or PSNP against the LSDB */
static void snp_entry(struct isis_flood *f, int c, struct isis_lsp *lsp,
		      const struct isis_lsp_entry *e, uint64_t now)
{
	struct isis_lsp_entry req;

	if (!lsp) {
		if (e->lifetime != 0 && e->seq != 0) {	/* we lack it: request it */
			memset(&req, 0, sizeof(req));
			memcpy(req.lsp_id, e->lsp_id, ISIS_LSPID_LEN);
			pend_add(f, c, &req, now);
		}
		return;
	}
	switch (isis_lsdb_compare(lsp, now, e->seq, e->checksum, e->lifetime)) {
	case ISIS_LSP_SAME:
		srm_clear(lsp, c);	/* acknowledged */
		break;
	case ISIS_LSP_OLDER:
		srm_set(lsp, c);	/* neighbor is behind (seq 0: a request) */
		lsp->ssn &= ~BIT(c);
		break;
	default:
		ssn_set(f, lsp, c, now);	/* neighbor is ahead: ask with our entry */
		srm_clear(lsp, c);
		break;
	}
}

/* Apply every TLV 9 entry; marks the LSDB positions it mentions in seen (or NULL). */
static void snp_entries(struct isis_flood *f, int c, const struct isis_pdu *pdu, bool *seen,
			uint64_t now)
{
	for (size_t t = 0; t < pdu->ntlvs; t++) {
		const struct isis_tlv *tlv = &pdu->tlvs[t];

		if (tlv->type != ISIS_TLV_LSP_ENTRIES)
			continue;
		for (size_t j = 0; j < tlv->n; j++) {
			const struct isis_lsp_entry *e = &tlv->it.lsp[j];
			size_t i = isis_lsdb_lower_bound(&f->db, e->lsp_id);
			struct isis_lsp *lsp = NULL;

			if (i < f->db.n && !memcmp(f->db.v[i]->id, e->lsp_id, ISIS_LSPID_LEN)) {
				lsp = f->db.v[i];
				if (seen)
					seen[i] = true;
			}
			snp_entry(f, c, lsp, e, now);
		}
	}
}

int isis_flood_rx_csnp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now)
{
	bool *seen;
	size_t i;

	if (!circ_ok(f, c) || pdu->type != csnp_type(f)) {
		isis_pdu_free(pdu);
		return -EINVAL;
	}
	if (!(seen = calloc(f->db.n + 1, sizeof(*seen)))) {
		isis_pdu_free(pdu);
		return -ENOMEM;
	}
	snp_entries(f, c, pdu, seen, now);
	/* 7.3.15.2 c: LSPs in the range the neighbor did not list */
	for (i = isis_lsdb_lower_bound(&f->db, pdu->h.snp.start); i < f->db.n; i++) {
		struct isis_lsp *lsp = f->db.v[i];

		if (memcmp(lsp->id, pdu->h.snp.end, ISIS_LSPID_LEN) > 0)
			break;
		if (!seen[i] && lsp->seq != 0 && isis_lsdb_lifetime(lsp, now) != 0)
			srm_set(lsp, c);
	}
	free(seen);
	isis_pdu_free(pdu);
	return 0;
}

int isis_flood_rx_psnp(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now)
{
	if (!circ_ok(f, c) || pdu->type != psnp_type(f)) {
		isis_pdu_free(pdu);
		return -EINVAL;
	}
	snp_entries(f, c, pdu, NULL, now);
	isis_pdu_free(pdu);
	return 0;
}

int isis_flood_rx(struct isis_flood *f, int c, struct isis_pdu *pdu, uint64_t now,
		  struct isis_flood_actions *out)
{
	if (isis_pdu_is_lsp(pdu->type))
		return isis_flood_rx_lsp(f, c, pdu, now, out);
	if (isis_pdu_is_csnp(pdu->type))
		return isis_flood_rx_csnp(f, c, pdu, now);
	if (isis_pdu_is_psnp(pdu->type))
		return isis_flood_rx_psnp(f, c, pdu, now);
	isis_pdu_free(pdu);
	return -EINVAL;
}

int isis_flood_originate(struct isis_flood *f, const uint8_t *bytes, size_t len, uint64_t now)
{
	struct isis_pdu p;
	struct isis_err e;
	struct isis_lsp *lsp;
	int rc = isis_pdu_decode(bytes, len, &p, &e);

	if (rc < 0)
		return rc;
	if (!isis_lsdb_is_own(&f->db, p.h.lsp.lsp_id)) {
		isis_pdu_free(&p);
		return -EINVAL;
	}
	if ((rc = isis_lsdb_install(&f->db, &p, now, &lsp)) < 0)
		return rc;
	srm_all(f, lsp, -1);
	return 0;
}

/* --- transmission ------------------------------------------------------------------ */

/* When lsp may next go out on c (ISO 10589 7.3.15.5: retransmit until acknowledged). */
static uint64_t lsp_due(const struct isis_flood *f, const struct isis_lsp *lsp, int c)
{
	uint64_t last = lsp->tx_ms ? lsp->tx_ms[c] : UINT64_MAX;

	if (last == UINT64_MAX)
		return 0;
	return last + ((lsp->sent & BIT(c)) ? f->cfg.retransmit_ms : f->cfg.min_tx_ms);
}

static int lsp_send(struct isis_lsp *lsp, int c, uint64_t now, struct isis_flood_actions *out)
{
	struct isis_flood_action *a;
	size_t len;

	if (!lsp->tx_ms) {
		if (!(lsp->tx_ms = malloc(ISIS_FLOOD_MAX_CIRCUITS * sizeof(uint64_t))))
			return -ENOMEM;
		for (int i = 0; i < ISIS_FLOOD_MAX_CIRCUITS; i++)
			lsp->tx_ms[i] = UINT64_MAX;
	}
	if (!(a = act_add(out)))
		return -ENOMEM;
	if (!(a->pdu = isis_lsdb_tx_bytes(lsp, now, &len))) {
		out->n--;
		out->err = -ENOMEM;
		return -ENOMEM;
	}
	a->type = ISIS_FLOOD_SEND;
	a->circuit = c;
	a->pdu_type = lsp->pdu.type;
	a->len = len;
	memcpy(a->lsp_id, lsp->id, ISIS_LSPID_LEN);
	a->seq = lsp->seq;
	lsp->tx_ms[c] = now;
	lsp->sent |= BIT(c);
	return 0;
}

/* Send due LSPs; returns the earliest future due time. */
static uint64_t run_lsps(struct isis_flood *f, uint64_t now, struct isis_flood_actions *out)
{
	uint64_t next = UINT64_MAX;

	for (size_t i = 0; i < f->db.n; i++) {
		struct isis_lsp *lsp = f->db.v[i];

		for (int c = 0; lsp->srm && c < ISIS_FLOOD_MAX_CIRCUITS; c++) {
			uint64_t due;

			if (!(lsp->srm & BIT(c)) || !circ_ok(f, c))
				continue;
			if ((due = lsp_due(f, lsp, c)) <= now && lsp_send(lsp, c, now, out) == 0)
				due = lsp_due(f, lsp, c);
			next = due < next ? due : next;
		}
	}
	return next;
}

static bool ssn_pending(const struct isis_flood *f, int c)
{
	if (f->circ[c].nreq)
		return true;
	for (size_t i = 0; i < f->db.n; i++)
		if (f->db.v[i]->ssn & BIT(c))
			return true;
	return false;
}

static uint64_t run_circuit(struct isis_flood *f, int c, uint64_t now,
			    struct isis_flood_actions *out)
{
	struct isis_flood_circuit *ci = &f->circ[c];
	uint64_t next;

	if (ci->psnp_due <= now && ssn_pending(f, c))
		psnps(f, c, now, out);
	else if (ci->psnp_due <= now)
		ci->psnp_due = UINT64_MAX;
	if (ci->csnp_due <= now) {
		isis_flood_csnps(f, c, now, out);
		ci->csnp_due = f->cfg.csnp_ms ? now + f->cfg.csnp_ms : UINT64_MAX;
	}
	next = ci->psnp_due < ci->csnp_due ? ci->psnp_due : ci->csnp_due;
	return next;
}

/* Expire LSPs and flood the purges that produced (ISO 10589 7.3.16.3). */
static void run_aging(struct isis_flood *f, uint64_t now)
{
	size_t mark = f->db.nchg, n;
	const struct isis_lsdb_change *chg;

	if (isis_lsdb_age(&f->db, now) == 0)
		return;
	chg = isis_lsdb_changes(&f->db, &n);
	for (size_t i = mark; i < n; i++) {
		struct isis_lsp *lsp;

		if (chg[i].kind == ISIS_LSDB_PURGED && (lsp = isis_lsdb_find(&f->db, chg[i].id)))
			srm_all(f, lsp, -1);
	}
}

uint64_t isis_flood_run(struct isis_flood *f, uint64_t now, struct isis_flood_actions *out)
{
	uint64_t next, t;

	run_aging(f, now);
	next = run_lsps(f, now, out);
	for (int c = 0; c < ISIS_FLOOD_MAX_CIRCUITS; c++) {
		if (!circ_ok(f, c))
			continue;
		t = run_circuit(f, c, now, out);
		next = t < next ? t : next;
	}
	t = isis_lsdb_next_due(&f->db);
	return t < next ? t : next;
}
