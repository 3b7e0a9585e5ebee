/* lsdb — the IS-IS link-state database of one level (speaker/lsdb.h): a sorted array of
 * LSP pointers searched by binary search, ISO 10589 7.3.16 comparisons, remaining
 * lifetime computed from the receive time, expiry into purges with the RFC 6232 purge
 * originator TLV, removal after ZeroAgeLifetime, and a queue of change notifications.
 * Uses speaker/pdu.c to encode purges; flooding decisions live in speaker/flood.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "speaker/lsdb.h"

void isis_lsdb_init(struct isis_lsdb *db, const uint8_t sysid[ISIS_SYSID_LEN], int level)
{
	memset(db, 0, sizeof(*db));
	memcpy(db->sysid, sysid, ISIS_SYSID_LEN);
	db->lsp_type = level == 1 ? ISIS_L1_LSP : ISIS_L2_LSP;
}

static void lsp_free(struct isis_lsp *lsp)
{
	isis_pdu_free(&lsp->pdu);
	free(lsp->tx_ms);
	free(lsp);
}

void isis_lsdb_free(struct isis_lsdb *db)
{
	for (size_t i = 0; i < db->n; i++)
		lsp_free(db->v[i]);
	free(db->v);
	free(db->chg);
	memset(db, 0, sizeof(*db));
}

const char *isis_lsdb_id_str(const uint8_t id[ISIS_LSPID_LEN], char *buf, size_t len)
{
	snprintf(buf, len, "%02x%02x.%02x%02x.%02x%02x.%02x-%02x", id[0], id[1], id[2], id[3],
		 id[4], id[5], id[6], id[7]);
	return buf;
}

size_t isis_lsdb_lower_bound(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN])
{
	size_t lo = 0, hi = db->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (memcmp(db->v[mid]->id, id, ISIS_LSPID_LEN) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

struct isis_lsp *isis_lsdb_find(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN])
{
	size_t i = isis_lsdb_lower_bound(db, id);

	if (i < db->n && memcmp(db->v[i]->id, id, ISIS_LSPID_LEN) == 0)
		return db->v[i];
	return NULL;
}

bool isis_lsdb_is_own(const struct isis_lsdb *db, const uint8_t id[ISIS_LSPID_LEN])
{
	return memcmp(db->sysid, id, ISIS_SYSID_LEN) == 0;
}

/* ISO 10589 7.3.16.3: the remaining lifetime counts down once a second from receipt */
uint16_t isis_lsdb_lifetime(const struct isis_lsp *lsp, uint64_t now)
{
	uint64_t aged;

	if (lsp->purged)
		return 0;
	aged = now > lsp->rx_ms ? (now - lsp->rx_ms) / 1000 : 0;
	return aged >= lsp->rx_lifetime ? 0 : (uint16_t)(lsp->rx_lifetime - aged);
}

/* ISO 10589 7.3.16.1/7.3.16.4: higher seq is newer; on equal seq a purge beats a live
 * LSP; equal seq with different checksums (both alive) is a conflict, taken as newer */
enum isis_lsp_cmp isis_lsdb_compare(const struct isis_lsp *lsp, uint64_t now, uint32_t seq,
				    uint16_t checksum, uint16_t lifetime)
{
	uint16_t ours;

	if (!lsp)
		return ISIS_LSP_NEWER;
	if (seq != lsp->seq)
		return seq > lsp->seq ? ISIS_LSP_NEWER : ISIS_LSP_OLDER;
	ours = isis_lsdb_lifetime(lsp, now);
	if ((lifetime == 0) != (ours == 0))
		return lifetime == 0 ? ISIS_LSP_NEWER : ISIS_LSP_OLDER;
	if (lifetime != 0 && checksum != lsp->checksum)
		return ISIS_LSP_CONFLICT;
	return ISIS_LSP_SAME;
}

void isis_lsdb_entry(const struct isis_lsp *lsp, uint64_t now, struct isis_lsp_entry *e)
{
	memcpy(e->lsp_id, lsp->id, ISIS_LSPID_LEN);
	e->seq = lsp->seq;
	e->checksum = lsp->checksum;
	e->lifetime = isis_lsdb_lifetime(lsp, now);
}

static void change(struct isis_lsdb *db, enum isis_lsdb_change_kind k, const struct isis_lsp *l)
{
	struct isis_lsdb_change *c;

	if (db->nchg == db->chg_cap) {
		size_t cap = db->chg_cap ? db->chg_cap * 2 : 64;

		c = realloc(db->chg, cap * sizeof(*c));
		if (!c) {
			log_warn("lsdb", "change queue: out of memory, notification lost");
			return;
		}
		db->chg = c;
		db->chg_cap = cap;
	}
	c = &db->chg[db->nchg++];
	c->kind = k;
	memcpy(c->id, l->id, ISIS_LSPID_LEN);
	c->seq = l->seq;
}

const struct isis_lsdb_change *isis_lsdb_changes(const struct isis_lsdb *db, size_t *n)
{
	*n = db->nchg;
	return db->chg;
}

void isis_lsdb_changes_clear(struct isis_lsdb *db)
{
	db->nchg = 0;
}

static int insert_at(struct isis_lsdb *db, size_t i, struct isis_lsp *lsp)
{
	if (db->n == db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 64;
		struct isis_lsp **v = realloc(db->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		db->v = v;
		db->cap = cap;
	}
	memmove(&db->v[i + 1], &db->v[i], (db->n - i) * sizeof(*db->v));
	db->v[i] = lsp;
	db->n++;
	return 0;
}

/* Refresh the cached header fields of lsp from its decoded view. */
static void lsp_load(struct isis_lsp *lsp, uint64_t now)
{
	const struct isis_lsp_hdr *h = &lsp->pdu.h.lsp;

	memcpy(lsp->id, h->lsp_id, ISIS_LSPID_LEN);
	lsp->seq = h->seq;
	lsp->checksum = h->checksum;
	lsp->rx_lifetime = h->lifetime;
	lsp->rx_ms = now;
	lsp->purged = h->lifetime == 0;
	lsp->zero_ms = now;
	lsp->srm = lsp->ssn = lsp->sent = 0;
}

int isis_lsdb_install(struct isis_lsdb *db, struct isis_pdu *pdu, uint64_t now,
		      struct isis_lsp **out)
{
	const uint8_t *id = pdu->h.lsp.lsp_id;
	size_t i = isis_lsdb_lower_bound(db, id);
	bool found = i < db->n && memcmp(db->v[i]->id, id, ISIS_LSPID_LEN) == 0;
	struct isis_lsp *lsp;

	if (pdu->type != db->lsp_type || !pdu->raw || pdu->raw_len < ISIS_LSP_HDR_LEN) {
		isis_pdu_free(pdu);
		return -EINVAL;
	}
	lsp = found ? db->v[i] : calloc(1, sizeof(*lsp));
	if (!lsp || (!found && insert_at(db, i, lsp) < 0)) {
		free(lsp);
		isis_pdu_free(pdu);
		return -ENOMEM;
	}
	if (found)
		isis_pdu_free(&lsp->pdu);
	lsp->pdu = *pdu;
	memset(pdu, 0, sizeof(*pdu));
	lsp_load(lsp, now);
	lsp->own = isis_lsdb_is_own(db, lsp->id);
	change(db, lsp->purged ? ISIS_LSDB_PURGED : found ? ISIS_LSDB_UPDATED : ISIS_LSDB_ADDED,
	       lsp);
	*out = lsp;
	return 0;
}

int isis_lsdb_purge_pdu(uint8_t lsp_type, const uint8_t id[ISIS_LSPID_LEN], uint32_t seq,
			uint8_t flags, const uint8_t sysid[ISIS_SYSID_LEN], uint8_t **out,
			size_t *len)
{
	uint8_t buf[ISIS_LSP_HDR_LEN + 2 + 1 + ISIS_SYSID_LEN];
	struct isis_pdu p;
	struct isis_tlv *t;
	int rc;

	isis_pdu_init(&p, lsp_type);
	memcpy(p.h.lsp.lsp_id, id, ISIS_LSPID_LEN);
	p.h.lsp.seq = seq;
	p.h.lsp.flags = flags;
	if (!(t = isis_tlv_add(&p, ISIS_TLV_PURGE_ORIG))) {
		isis_pdu_free(&p);
		return -ENOMEM;
	}
	t->u.purge.count = 1;
	memcpy(t->u.purge.sysid[0], sysid, ISIS_SYSID_LEN);
	rc = isis_pdu_encode(&p, 0, buf, sizeof(buf), len);
	isis_pdu_free(&p);
	if (rc < 0)
		return rc;
	if (!(*out = malloc(*len)))
		return -ENOMEM;
	memcpy(*out, buf, *len);
	return 0;
}

/* Replace lsp's content by the purge bytes (decoded again for the view). */
static int lsp_set_purge(struct isis_lsdb *db, struct isis_lsp *lsp, uint64_t now)
{
	struct isis_pdu p;
	struct isis_err e;
	uint8_t *bytes;
	size_t len;
	int rc;

	rc = isis_lsdb_purge_pdu(db->lsp_type, lsp->id, lsp->seq, lsp->pdu.h.lsp.flags,
				 db->sysid, &bytes, &len);
	if (rc < 0)
		return rc;
	rc = isis_pdu_decode(bytes, len, &p, &e);
	free(bytes);
	if (rc < 0)
		return rc;
	isis_pdu_free(&lsp->pdu);
	lsp->pdu = p;
	lsp_load(lsp, now);
	return 0;
}

int isis_lsdb_purge(struct isis_lsdb *db, struct isis_lsp *lsp, uint64_t now)
{
	char s[32];
	int rc = lsp_set_purge(db, lsp, now);

	if (rc < 0)
		return rc;
	log_debug("lsdb", "LSP %s seq 0x%08x purged", isis_lsdb_id_str(lsp->id, s, sizeof(s)),
		  lsp->seq);
	change(db, ISIS_LSDB_PURGED, lsp);
	return 0;
}

static void remove_at(struct isis_lsdb *db, size_t i)
{
	struct isis_lsp *lsp = db->v[i];

	change(db, ISIS_LSDB_REMOVED, lsp);
	lsp_free(lsp);
	memmove(&db->v[i], &db->v[i + 1], (db->n - i - 1) * sizeof(*db->v));
	db->n--;
}

static uint64_t expiry_ms(const struct isis_lsp *lsp)
{
	if (lsp->purged)
		return lsp->zero_ms + (uint64_t)ISIS_ZERO_AGE_LIFETIME * 1000;
	return lsp->rx_ms + (uint64_t)lsp->rx_lifetime * 1000;
}

/* ISO 10589 7.3.16.3: an expired LSP becomes a purge kept for ZeroAgeLifetime; then it
 * is deleted. */
size_t isis_lsdb_age(struct isis_lsdb *db, uint64_t now)
{
	size_t purged = 0, i = 0;

	while (i < db->n) {
		struct isis_lsp *lsp = db->v[i];

		if (expiry_ms(lsp) > now) {
			i++;
		} else if (lsp->purged) {
			remove_at(db, i);
		} else {
			if (isis_lsdb_purge(db, lsp, now) == 0)
				purged++;
			else
				lsp->purged = true;	/* ENOMEM: old bytes, sent with lifetime 0 */
			lsp->zero_ms = now;
			i++;
		}
	}
	return purged;
}

uint64_t isis_lsdb_next_due(const struct isis_lsdb *db)
{
	uint64_t due = UINT64_MAX;

	for (size_t i = 0; i < db->n; i++) {
		uint64_t t = expiry_ms(db->v[i]);

		if (t < due)
			due = t;
	}
	return due;
}

uint8_t *isis_lsdb_tx_bytes(const struct isis_lsp *lsp, uint64_t now, size_t *len)
{
	uint16_t life = isis_lsdb_lifetime(lsp, now);
	uint8_t *b = malloc(lsp->pdu.raw_len);

	if (!b)
		return NULL;
	memcpy(b, lsp->pdu.raw, lsp->pdu.raw_len);
	b[10] = (uint8_t)(life >> 8);	/* remaining lifetime: outside the checksum */
	b[11] = (uint8_t)life;
	*len = lsp->pdu.raw_len;
	return b;
}
