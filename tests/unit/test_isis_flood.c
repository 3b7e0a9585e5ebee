/* test_isis_flood — Check suite for speaker/flood.c (with lsdb.c and originate.c): two
 * or three flood instances wired through a fake network that decodes every SEND action
 * with isis_pdu_decode (and checks decode -> encode gives the same bytes) and feeds it
 * to the neighbor. Covers: a new LSP from A reaching C via B with SRM/SSN semantics and
 * PSNP acks; CSNP-driven sync after adjacency up moving exactly the missing LSPs; a lost
 * LSP retransmitted; a stale copy of our own LSP with a higher seq triggering
 * re-origination; purges (fragments dropped, expiry) propagating; CSNP splitting into
 * contiguous ranges; purge of an unknown LSP acknowledged without storing it. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "speaker/flood.h"
#include "speaker/isis.h"
#include "speaker/lsdb.h"
#include "speaker/originate.h"

#define NNODES 3
#define NLINKS 3

struct node {
	struct isis_flood f;
	struct isis_orig o;
	uint8_t sysid[6];
};

struct link {
	bool on;
	int a, ca, b, cb;
};

struct net {
	struct node n[NNODES];
	struct link l[NLINKS];
	uint64_t now;
	/* counters: LSP sends per (from, lsp sys byte), SNPs per type */
	unsigned lsp_tx[NNODES][256];
	unsigned csnp_tx, psnp_tx, reorig;
	int drop_lsps;		/* drop this many LSP transmissions */
	unsigned dropped;
};

static uint8_t scratch[65536];

static void sysid(uint8_t out[6], unsigned k)
{
	const uint8_t id[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, (uint8_t)k };

	memcpy(out, id, 6);
}

static void net_init(struct net *N, const struct isis_flood_config *cfg)
{
	memset(N, 0, sizeof(*N));
	for (int i = 0; i < NNODES; i++) {
		sysid(N->n[i].sysid, (unsigned)i + 1);
		isis_flood_init(&N->n[i].f, N->n[i].sysid, 2, cfg);
		isis_orig_init(&N->n[i].o, N->n[i].sysid, 2, 0, 0, 0);
	}
}

static void net_free(struct net *N)
{
	for (int i = 0; i < NNODES; i++) {
		isis_flood_free(&N->n[i].f);
		isis_orig_free(&N->n[i].o);
	}
}

static void link_up(struct net *N, int k, int a, int ca, int b, int cb)
{
	N->l[k] = (struct link){ true, a, ca, b, cb };
	ck_assert_int_eq(isis_flood_circuit_up(&N->n[a].f, ca, N->now), 0);
	ck_assert_int_eq(isis_flood_circuit_up(&N->n[b].f, cb, N->now), 0);
}

static bool peer(const struct net *N, int node, int c, int *pn, int *pc)
{
	for (int k = 0; k < NLINKS; k++) {
		const struct link *l = &N->l[k];

		if (!l->on)
			continue;
		if (l->a == node && l->ca == c) {
			*pn = l->b;
			*pc = l->cb;
			return true;
		}
		if (l->b == node && l->cb == c) {
			*pn = l->a;
			*pc = l->ca;
			return true;
		}
	}
	return false;
}

static void feed_orig(struct net *N, int i, struct isis_orig_out *o)
{
	for (size_t k = 0; k < o->n; k++)
		ck_assert_int_eq(isis_flood_originate(&N->n[i].f, o->v[k].bytes, o->v[k].len,
						      N->now), 0);
	isis_orig_out_clear(o);
}

static void deliver(struct net *N, int from, const struct isis_flood_action *a)
{
	struct isis_pdu p;
	struct isis_err e;
	struct isis_flood_actions out = { 0 };
	size_t n;
	int to, tc;

	ck_assert_int_eq(isis_pdu_decode(a->pdu, a->len, &p, &e), 0);
	ck_assert_int_eq(isis_pdu_encode(&p, 0, scratch, sizeof(scratch), &n), 0);
	ck_assert_uint_eq(n, a->len);
	ck_assert_mem_eq(scratch, a->pdu, n);
	if (isis_pdu_is_lsp(p.type)) {
		N->lsp_tx[from][p.h.lsp.lsp_id[5]]++;
		if (N->drop_lsps > 0) {
			N->drop_lsps--;
			N->dropped++;
			isis_pdu_free(&p);
			return;
		}
	} else if (isis_pdu_is_csnp(p.type)) {
		N->csnp_tx++;
	} else {
		N->psnp_tx++;
	}
	if (!peer(N, from, a->circuit, &to, &tc)) {
		isis_pdu_free(&p);
		return;
	}
	ck_assert_int_eq(isis_flood_rx(&N->n[to].f, tc, &p, N->now, &out), 0);
	for (size_t k = 0; k < out.n; k++) {
		struct isis_orig_out oo = { 0 };

		ck_assert_int_eq(out.v[k].type, ISIS_FLOOD_REORIGINATE);
		N->reorig++;
		ck_assert_int_eq(isis_orig_seq_seen(&N->n[to].o, out.v[k].lsp_id[7],
						    out.v[k].seq, N->now, &oo), 0);
		feed_orig(N, to, &oo);
	}
	isis_flood_actions_clear(&out);
}

/* Run every node at N->now until nothing more is sent. */
static void settle(struct net *N)
{
	for (int round = 0; round < 100; round++) {
		size_t sent = 0;

		for (int i = 0; i < NNODES; i++) {
			struct isis_flood_actions out = { 0 };

			isis_flood_run(&N->n[i].f, N->now, &out);
			ck_assert_int_eq(out.err, 0);
			for (size_t k = 0; k < out.n; k++)
				deliver(N, i, &out.v[k]);
			sent += out.n;
			isis_flood_actions_clear(&out);
		}
		if (sent == 0)
			return;
	}
	ck_abort_msg("network did not settle");
}

/* Advance the clock to t, stopping at every due time on the way. */
static void run_until(struct net *N, uint64_t t)
{
	for (;;) {
		uint64_t next = UINT64_MAX;

		settle(N);
		for (int i = 0; i < NNODES; i++) {
			struct isis_flood_actions out = { 0 };
			uint64_t d = isis_flood_run(&N->n[i].f, N->now, &out);

			ck_assert_uint_eq(out.n, 0);
			isis_flood_actions_clear(&out);
			next = d < next ? d : next;
		}
		if (next > t)
			break;
		N->now = next > N->now ? next : N->now + 1;
	}
	N->now = t;
	settle(N);
}

static void desc_for(struct isis_orig_desc *d, struct isis_orig_prefix *pfx, size_t npfx,
		     const char *name)
{
	memset(d, 0, sizeof(*d));
	d->hostname = name;
	d->areas[0] = (struct isis_area){ 3, { 0x49, 0x00, 0x02 } };
	d->nareas = 1;
	d->ipv4 = true;
	d->ip4 = pfx;
	d->nip4 = npfx;
}

static void originate(struct net *N, int i, const struct isis_orig_desc *d)
{
	struct isis_orig_out o = { 0 };

	ck_assert_int_eq(isis_orig_update(&N->n[i].o, d, N->now, &o), 0);
	feed_orig(N, i, &o);
}

static struct isis_lsp *lsp_of(struct net *N, int at, int owner, unsigned frag)
{
	uint8_t id[8] = { 0 };

	memcpy(id, N->n[owner].sysid, 6);
	id[7] = (uint8_t)frag;
	return isis_lsdb_find(&N->n[at].f.db, id);
}

static uint64_t flags_set(struct net *N)
{
	uint64_t any = 0;

	for (int i = 0; i < NNODES; i++)
		for (size_t k = 0; k < N->n[i].f.db.n; k++)
			any |= N->n[i].f.db.v[k]->srm | N->n[i].f.db.v[k]->ssn;
	return any;
}

static void cfg_default(struct isis_flood_config *c, uint64_t csnp_ms)
{
	isis_flood_config_default(c);
	c->csnp_ms = csnp_ms;
}

/* A - B - C: an LSP originated on A reaches C through B, each hop acknowledged */
START_TEST(flood_a_to_c_via_b)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;
	struct isis_lsp *l;

	cfg_default(&cfg, 0);
	net_init(&N, &cfg);
	link_up(&N, 0, 0, 0, 1, 0);
	link_up(&N, 1, 1, 1, 2, 0);
	run_until(&N, 1000);
	ck_assert_uint_eq(N.csnp_tx, 4);	/* one per circuit end, empty databases */
	desc_for(&d, NULL, 0, "a");
	originate(&N, 0, &d);
	run_until(&N, 2000);
	for (int i = 0; i < NNODES; i++) {
		l = lsp_of(&N, i, 0, 0);
		ck_assert_ptr_nonnull(l);
		ck_assert_uint_eq(l->seq, 1);
		ck_assert_uint_eq(l->own, i == 0);
	}
	ck_assert_uint_eq(N.lsp_tx[0][1], 1);	/* A -> B */
	ck_assert_uint_eq(N.lsp_tx[1][1], 1);	/* B -> C, not back to A */
	ck_assert_uint_eq(N.lsp_tx[2][1], 0);
	ck_assert_uint_eq(N.psnp_tx, 2);	/* B and C acknowledge */
	ck_assert_uint_eq(flags_set(&N), 0);	/* every SRM cleared by an ack */
	/* nothing is retransmitted later */
	run_until(&N, 60000);
	ck_assert_uint_eq(N.lsp_tx[0][1] + N.lsp_tx[1][1], 2);
	net_free(&N);
}
END_TEST

/* inject an LSP of system k straight into a node's database */
static void inject(struct net *N, int at, unsigned k, uint32_t seq, uint16_t life)
{
	struct isis_pdu p;
	struct isis_tlv *t;
	struct isis_err e;
	struct isis_lsp *l;
	uint8_t buf[256];
	size_t n;

	isis_pdu_init(&p, ISIS_L2_LSP);
	sysid(p.h.lsp.lsp_id, k);
	p.h.lsp.seq = seq;
	p.h.lsp.lifetime = life;
	p.h.lsp.flags = 3;
	t = isis_tlv_add(&p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = 1;
	t->u.hostname.name[0] = 'x';
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	isis_pdu_free(&p);
	ck_assert_int_eq(isis_pdu_decode(buf, n, &p, &e), 0);
	ck_assert_int_eq(isis_lsdb_install(&N->n[at].f.db, &p, N->now, &l), 0);
}

/* Before the adjacency A has {A, X, Z}, B has {B, Y, Z}: the CSNPs exchanged on
 * adjacency up move exactly A, X to B and B, Y to A; Z (same seq) stays put. */
START_TEST(flood_csnp_sync_on_adjacency_up)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;

	cfg_default(&cfg, 10000);
	net_init(&N, &cfg);
	desc_for(&d, NULL, 0, "a");
	originate(&N, 0, &d);
	desc_for(&d, NULL, 0, "b");
	originate(&N, 1, &d);
	inject(&N, 0, 0x10, 3, 1200);	/* X */
	inject(&N, 1, 0x11, 4, 1200);	/* Y */
	inject(&N, 0, 0x12, 7, 1200);	/* Z */
	inject(&N, 1, 0x12, 7, 1200);
	link_up(&N, 0, 0, 0, 1, 0);
	run_until(&N, 5000);
	ck_assert_uint_eq(N.lsp_tx[0][1], 1);
	ck_assert_uint_eq(N.lsp_tx[0][0x10], 1);
	ck_assert_uint_eq(N.lsp_tx[1][2], 1);
	ck_assert_uint_eq(N.lsp_tx[1][0x11], 1);
	ck_assert_uint_eq(N.lsp_tx[0][0x12] + N.lsp_tx[1][0x12], 0);
	ck_assert_uint_eq(N.lsp_tx[0][2] + N.lsp_tx[1][1], 0);
	ck_assert_uint_eq(N.n[0].f.db.n, 5);
	ck_assert_uint_eq(N.n[1].f.db.n, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_mem_eq(N.n[0].f.db.v[i]->id, N.n[1].f.db.v[i]->id, 8);
		ck_assert_uint_eq(N.n[0].f.db.v[i]->seq, N.n[1].f.db.v[i]->seq);
		ck_assert_uint_eq(N.n[0].f.db.v[i]->checksum, N.n[1].f.db.v[i]->checksum);
	}
	ck_assert_uint_eq(flags_set(&N), 0);
	/* periodic CSNPs change nothing */
	run_until(&N, 35000);
	ck_assert_uint_eq(N.lsp_tx[0][1] + N.lsp_tx[0][0x10] + N.lsp_tx[1][2] +
			  N.lsp_tx[1][0x11], 4);
	ck_assert_uint_ge(N.csnp_tx, 8);
	net_free(&N);
}
END_TEST

/* The first transmission of A's LSP is lost: it goes again after retransmit_ms. */
START_TEST(flood_lost_lsp_retransmitted)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;

	cfg_default(&cfg, 0);	/* no periodic CSNP: only retransmission can repair */
	net_init(&N, &cfg);
	link_up(&N, 0, 0, 0, 1, 0);
	run_until(&N, 1000);
	N.drop_lsps = 1;
	desc_for(&d, NULL, 0, "a");
	originate(&N, 0, &d);
	run_until(&N, 5999);
	ck_assert_uint_eq(N.dropped, 1);
	ck_assert_ptr_null(lsp_of(&N, 1, 0, 0));
	ck_assert_uint_eq(N.lsp_tx[0][1], 1);
	run_until(&N, 6000);
	ck_assert_uint_eq(N.lsp_tx[0][1], 2);
	ck_assert_ptr_nonnull(lsp_of(&N, 1, 0, 0));
	run_until(&N, 30000);	/* acknowledged: no more copies */
	ck_assert_uint_eq(N.lsp_tx[0][1], 2);
	ck_assert_uint_eq(flags_set(&N), 0);
	net_free(&N);
}
END_TEST

/* A stale copy of A's LSP at seq 10 (say from before a restart) enters at C: A sees
 * it via B and re-originates at seq 11, which replaces it everywhere. */
START_TEST(flood_own_lsp_higher_seq_reoriginates)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;
	struct isis_flood_actions out = { 0 };
	struct isis_pdu p;
	struct isis_err e;
	struct isis_lsp *l;
	uint8_t buf[256];
	size_t n;

	cfg_default(&cfg, 10000);
	net_init(&N, &cfg);
	link_up(&N, 0, 0, 0, 1, 0);
	link_up(&N, 1, 1, 1, 2, 0);
	desc_for(&d, NULL, 0, "a");
	originate(&N, 0, &d);
	run_until(&N, 1000);
	ck_assert_uint_eq(lsp_of(&N, 2, 0, 0)->seq, 1);
	/* the stale copy: A's ID, seq 10, other content; C receives it from "outside"
	 * (circuit 5, up but not wired) */
	isis_pdu_init(&p, ISIS_L2_LSP);
	memcpy(p.h.lsp.lsp_id, N.n[0].sysid, 6);
	p.h.lsp.seq = 10;
	p.h.lsp.lifetime = 900;
	p.h.lsp.flags = 3;
	isis_tlv_add(&p, ISIS_TLV_HOSTNAME)->u.hostname.len = 1;
	p.tlvs[0].u.hostname.name[0] = 'z';
	ck_assert_int_eq(isis_pdu_encode(&p, 0, buf, sizeof(buf), &n), 0);
	isis_pdu_free(&p);
	ck_assert_int_eq(isis_pdu_decode(buf, n, &p, &e), 0);
	ck_assert_int_eq(isis_flood_circuit_up(&N.n[2].f, 5, N.now), 0);
	ck_assert_int_eq(isis_flood_rx_lsp(&N.n[2].f, 5, &p, N.now, &out), 0);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_int_eq(isis_flood_circuit_down(&N.n[2].f, 5), 0);
	run_until(&N, 3000);
	ck_assert_uint_eq(N.reorig, 1);
	for (int i = 0; i < NNODES; i++) {
		l = lsp_of(&N, i, 0, 0);
		ck_assert_uint_eq(l->seq, 11);
		ck_assert_uint_eq(l->pdu.tlvs[2].type, ISIS_TLV_HOSTNAME);
		ck_assert_uint_eq(l->pdu.tlvs[2].u.hostname.name[0], 'a');
	}
	ck_assert_uint_eq(flags_set(&N), 0);
	net_free(&N);
}
END_TEST

/* A drops fragment 1 (fewer prefixes): the purge reaches C and is removed after
 * ZeroAgeLifetime; an LSP that expires on every node is purged and removed too. */
START_TEST(flood_purges_propagate)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;
	struct isis_orig_prefix pfx[300];
	struct isis_lsp *l;

	memset(pfx, 0, sizeof(pfx));
	for (int i = 0; i < 300; i++) {
		pfx[i].addr[0] = 10;
		pfx[i].addr[1] = (uint8_t)(i >> 8);
		pfx[i].addr[2] = (uint8_t)i;
		pfx[i].plen = 24;
		pfx[i].metric = 10;
	}
	cfg_default(&cfg, 10000);
	net_init(&N, &cfg);
	link_up(&N, 0, 0, 0, 1, 0);
	link_up(&N, 1, 1, 1, 2, 0);
	desc_for(&d, pfx, 300, "a");
	originate(&N, 0, &d);
	run_until(&N, 1000);
	ck_assert_ptr_nonnull(lsp_of(&N, 2, 0, 1));
	ck_assert_uint_eq(lsp_of(&N, 2, 0, 1)->seq, 1);
	desc_for(&d, pfx, 10, "a");
	N.now = 2000;
	originate(&N, 0, &d);
	run_until(&N, 3000);
	for (int i = 0; i < NNODES; i++) {
		l = lsp_of(&N, i, 0, 1);
		ck_assert_ptr_nonnull(l);
		ck_assert(l->purged);
		ck_assert_uint_eq(l->seq, 2);
		ck_assert_uint_eq(l->pdu.tlvs[0].type, ISIS_TLV_PURGE_ORIG);
		ck_assert_mem_eq(l->pdu.tlvs[0].u.purge.sysid[0], N.n[0].sysid, 6);
		ck_assert_uint_eq(lsp_of(&N, i, 0, 0)->seq, 2);
	}
	run_until(&N, 2000 + ISIS_ZERO_AGE_LIFETIME * 1000 + 1000);
	for (int i = 0; i < NNODES; i++)
		ck_assert_ptr_null(lsp_of(&N, i, 0, 1));
	/* expiry: X with 100 s left on B only spreads, then ages out everywhere */
	inject(&N, 1, 0x20, 5, 100);
	isis_lsdb_find(&N.n[1].f.db, N.n[1].f.db.v[N.n[1].f.db.n - 1]->id)->srm = 3;
	run_until(&N, N.now + 1000);
	ck_assert_ptr_nonnull(isis_lsdb_find(&N.n[2].f.db, N.n[1].f.db.v[N.n[1].f.db.n - 1]->id));
	run_until(&N, N.now + 100000);
	for (int i = 0; i < NNODES; i++) {
		uint8_t id[8] = { 0 };

		sysid(id, 0x20);
		l = isis_lsdb_find(&N.n[i].f.db, id);
		ck_assert_ptr_nonnull(l);
		ck_assert(l->purged);
	}
	run_until(&N, N.now + 61000);
	for (int i = 0; i < NNODES; i++) {
		uint8_t id[8] = { 0 };

		sysid(id, 0x20);
		ck_assert_ptr_null(isis_lsdb_find(&N.n[i].f.db, id));
	}
	net_free(&N);
}
END_TEST

/* 200 LSPs: three CSNPs (90 + 90 + 20 entries at MTU 1492) with contiguous ranges */
START_TEST(flood_csnp_split_ranges)
{
	struct isis_flood f;
	struct isis_flood_actions out = { 0 };
	struct isis_pdu p[3];
	struct isis_err e;
	uint8_t me[6], zero[8] = { 0 }, ones[8], nxt[8];
	size_t want[3] = { 90, 90, 20 };

	memset(ones, 0xff, 8);
	sysid(me, 1);
	isis_flood_init(&f, me, 2, NULL);
	for (unsigned k = 0; k < 200; k++) {
		struct isis_pdu q;
		struct isis_lsp *l;
		uint8_t buf[128];
		size_t n;

		isis_pdu_init(&q, ISIS_L2_LSP);
		sysid(q.h.lsp.lsp_id, 0);
		q.h.lsp.lsp_id[4] = (uint8_t)(k >> 8);
		q.h.lsp.lsp_id[5] = (uint8_t)k;
		q.h.lsp.lsp_id[3] = 0x77;
		q.h.lsp.seq = 1;
		q.h.lsp.lifetime = 1200;
		isis_tlv_add(&q, ISIS_TLV_HOSTNAME)->u.hostname.len = 1;
		q.tlvs[0].u.hostname.name[0] = 'n';
		ck_assert_int_eq(isis_pdu_encode(&q, 0, buf, sizeof(buf), &n), 0);
		isis_pdu_free(&q);
		ck_assert_int_eq(isis_pdu_decode(buf, n, &q, &e), 0);
		ck_assert_int_eq(isis_lsdb_install(&f.db, &q, 0, &l), 0);
	}
	ck_assert_int_eq(isis_flood_circuit_up(&f, 3, 0), 0);
	ck_assert_int_eq(isis_flood_csnps(&f, 3, 0, &out), 0);
	ck_assert_uint_eq(out.n, 3);
	for (int i = 0; i < 3; i++) {
		size_t cnt = 0;

		ck_assert_uint_le(out.v[i].len, 1492);
		ck_assert_int_eq(out.v[i].circuit, 3);
		ck_assert_int_eq(isis_pdu_decode(out.v[i].pdu, out.v[i].len, &p[i], &e), 0);
		ck_assert_uint_eq(p[i].type, ISIS_L2_CSNP);
		for (size_t t = 0; t < p[i].ntlvs; t++)
			cnt += p[i].tlvs[t].n;
		ck_assert_uint_eq(cnt, want[i]);
	}
	ck_assert_mem_eq(p[0].h.snp.start, zero, 8);
	ck_assert_mem_eq(p[2].h.snp.end, ones, 8);
	for (int i = 0; i < 2; i++) {
		memcpy(nxt, p[i].h.snp.end, 8);
		for (int b = 7; b >= 0 && ++nxt[b] == 0; b--)
			;
		ck_assert_mem_eq(p[i + 1].h.snp.start, nxt, 8);
		ck_assert_mem_eq(p[i].h.snp.end, f.db.v[90 * i + 89]->id, 8);
	}
	for (int i = 0; i < 3; i++)
		isis_pdu_free(&p[i]);
	isis_flood_actions_clear(&out);
	/* an empty database still sends one CSNP covering everything */
	isis_flood_free(&f);
	isis_flood_init(&f, me, 2, NULL);
	ck_assert_int_eq(isis_flood_circuit_up(&f, 0, 0), 0);
	ck_assert_int_eq(isis_flood_csnps(&f, 0, 0, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(isis_pdu_decode(out.v[0].pdu, out.v[0].len, &p[0], &e), 0);
	ck_assert_uint_eq(p[0].ntlvs, 0);
	ck_assert_mem_eq(p[0].h.snp.end, ones, 8);
	isis_pdu_free(&p[0]);
	isis_flood_actions_clear(&out);
	isis_flood_free(&f);
}
END_TEST

/* Single-node reactions: unknown purge acked and not kept; older copy answered with
 * ours; bad circuit / level rejected. */
START_TEST(flood_single_node_rules)
{
	struct isis_flood f;
	struct isis_flood_actions out = { 0 };
	struct isis_pdu p, d;
	struct isis_err e;
	uint8_t me[6], id[8] = { 0 }, *b;
	size_t n;
	struct isis_lsp *l;

	sysid(me, 1);
	isis_flood_init(&f, me, 2, NULL);
	ck_assert_int_eq(isis_flood_circuit_up(&f, 0, 0), 0);
	isis_flood_run(&f, 0, &out);	/* the initial CSNP */
	isis_flood_actions_clear(&out);
	sysid(id, 9);
	ck_assert_int_eq(isis_lsdb_purge_pdu(ISIS_L2_LSP, id, 4, 3, id, &b, &n), 0);
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), 0);
	free(b);
	ck_assert_int_eq(isis_flood_rx_lsp(&f, 0, &p, 10, &out), 0);
	ck_assert_uint_eq(f.db.n, 0);
	isis_flood_run(&f, 10, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(isis_pdu_decode(out.v[0].pdu, out.v[0].len, &d, &e), 0);
	ck_assert_uint_eq(d.type, ISIS_L2_PSNP);
	ck_assert_mem_eq(d.tlvs[0].it.lsp[0].lsp_id, id, 8);
	ck_assert_uint_eq(d.tlvs[0].it.lsp[0].seq, 4);
	isis_pdu_free(&d);
	isis_flood_actions_clear(&out);
	/* we hold seq 5; a neighbor sends seq 3: ours goes back to it */
	ck_assert_int_eq(isis_lsdb_purge_pdu(ISIS_L2_LSP, id, 5, 3, id, &b, &n), 0);
	b[10] = 0x04;	/* turn it into a live LSP (TLV 13 only; lifetime 1024) */
	isis_lsp_checksum_set(b, n);
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), 0);
	ck_assert_int_eq(isis_lsdb_install(&f.db, &p, 10, &l), 0);
	b[23] = 3;
	isis_lsp_checksum_set(b, n);
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), 0);
	free(b);
	ck_assert_int_eq(isis_flood_rx_lsp(&f, 0, &p, 20, &out), 0);
	isis_flood_run(&f, 20, &out);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_uint_eq(out.v[0].pdu_type, ISIS_L2_LSP);
	ck_assert_uint_eq(out.v[0].seq, 5);
	isis_flood_actions_clear(&out);
	/* errors */
	ck_assert_int_eq(isis_flood_circuit_up(&f, ISIS_FLOOD_MAX_CIRCUITS, 0), -EINVAL);
	isis_pdu_init(&p, ISIS_L1_CSNP);
	ck_assert_int_eq(isis_flood_rx(&f, 0, &p, 20, &out), -EINVAL);
	isis_pdu_init(&p, ISIS_L2_PSNP);
	ck_assert_int_eq(isis_flood_rx(&f, 7, &p, 20, &out), -EINVAL);
	isis_flood_free(&f);
}
END_TEST

/* Our own LSP coming back: same seq + other checksum -> re-originate; a fragment we do
 * not have -> stored as a purge (7.3.16.1) and flooded back to the sender too. */
START_TEST(flood_own_conflict_and_unknown_fragment)
{
	struct isis_flood f;
	struct isis_flood_actions out = { 0 };
	struct isis_orig o;
	struct isis_orig_out oo = { 0 };
	struct isis_orig_desc d;
	struct isis_pdu p;
	struct isis_err e;
	struct isis_lsp *l;
	uint8_t me[6], *b;
	size_t n;

	sysid(me, 1);
	isis_flood_init(&f, me, 2, NULL);
	isis_orig_init(&o, me, 2, 0, 0, 0);
	ck_assert_int_eq(isis_flood_circuit_up(&f, 0, 0), 0);
	desc_for(&d, NULL, 0, "a");
	ck_assert_int_eq(isis_orig_update(&o, &d, 0, &oo), 0);
	ck_assert_int_eq(isis_flood_originate(&f, oo.v[0].bytes, oo.v[0].len, 0), 0);
	/* same seq, different content */
	b = malloc(oo.v[0].len);
	memcpy(b, oo.v[0].bytes, oo.v[0].len);
	n = oo.v[0].len;
	b[n - 1] ^= 0x01;	/* last hostname byte */
	isis_lsp_checksum_set(b, n);
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), 0);
	ck_assert_int_eq(isis_flood_rx_lsp(&f, 0, &p, 10, &out), 0);
	ck_assert_uint_eq(out.n, 1);
	ck_assert_int_eq(out.v[0].type, ISIS_FLOOD_REORIGINATE);
	ck_assert_uint_eq(out.v[0].seq, 1);
	ck_assert_uint_eq(out.v[0].lsp_id[7], 0);
	isis_flood_actions_clear(&out);
	/* fragment 3 of ours, which we do not generate */
	b[ISIS_LSP_CKSUM_START + 7] = 3;
	b[23] = 9;
	isis_lsp_checksum_set(b, n);
	ck_assert_int_eq(isis_pdu_decode(b, n, &p, &e), 0);
	free(b);
	ck_assert_int_eq(isis_flood_rx_lsp(&f, 0, &p, 20, &out), 0);
	ck_assert_uint_eq(out.n, 0);
	ck_assert_ptr_nonnull(l = f.db.v[f.db.n - 1]);
	ck_assert_uint_eq(l->id[7], 3);
	ck_assert(l->purged);
	ck_assert_uint_eq(l->seq, 9);
	ck_assert_uint_eq(l->srm & 1, 1);	/* the purge goes back to the sender */
	isis_flood_run(&f, 20, &out);
	n = 0;
	for (size_t k = 0; k < out.n; k++)
		if (out.v[k].pdu_type == ISIS_L2_LSP && out.v[k].lsp_id[7] == 3)
			n++;
	ck_assert_uint_eq(n, 1);
	isis_flood_actions_clear(&out);
	isis_orig_out_clear(&oo);
	isis_orig_free(&o);
	isis_flood_free(&f);
}
END_TEST

/* min_tx_ms spaces two versions of one LSP on a circuit */
START_TEST(flood_min_tx_interval)
{
	struct net N;
	struct isis_flood_config cfg;
	struct isis_orig_desc d;

	cfg_default(&cfg, 0);
	cfg.min_tx_ms = 1000;
	net_init(&N, &cfg);
	link_up(&N, 0, 0, 0, 1, 0);
	run_until(&N, 1000);
	desc_for(&d, NULL, 0, "a");
	originate(&N, 0, &d);
	settle(&N);
	ck_assert_uint_eq(N.lsp_tx[0][1], 1);
	N.now = 1200;
	desc_for(&d, NULL, 0, "a2");
	originate(&N, 0, &d);
	run_until(&N, 1999);
	ck_assert_uint_eq(N.lsp_tx[0][1], 1);
	ck_assert_uint_eq(lsp_of(&N, 1, 0, 0)->seq, 1);
	run_until(&N, 2000);
	ck_assert_uint_eq(N.lsp_tx[0][1], 2);
	ck_assert_uint_eq(lsp_of(&N, 1, 0, 0)->seq, 2);
	net_free(&N);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isis_flood");
	TCase *tc = tcase_create("flood");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, flood_a_to_c_via_b);
	tcase_add_test(tc, flood_csnp_sync_on_adjacency_up);
	tcase_add_test(tc, flood_lost_lsp_retransmitted);
	tcase_add_test(tc, flood_own_lsp_higher_seq_reoriginates);
	tcase_add_test(tc, flood_purges_propagate);
	tcase_add_test(tc, flood_csnp_split_ranges);
	tcase_add_test(tc, flood_single_node_rules);
	tcase_add_test(tc, flood_own_conflict_and_unknown_fragment);
	tcase_add_test(tc, flood_min_tx_interval);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
