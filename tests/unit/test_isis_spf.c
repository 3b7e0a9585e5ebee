/* test_isis_spf — Check suite for speaker/spf.c: SPF and route computation over real
 * LSPs, and the SPF scheduler on a fake clock.
 *
 * Topologies are C tables (nodes, links) with an ASCII diagram each; every node's LSP
 * is built with the codec's structs (speaker/isis.h), encoded, decoded and fed to
 * isis_spf_run, and the result's text (isis_spf_format) is compared with
 * tests/golden/isis/spf-<name>.txt (KVTE_UPDATE_GOLDEN=1 rewrites them). Cases: a
 * square with ECMP, the seed topology (../shared/topologies/seed.json has no IGP
 * metrics: equal metrics 10, and a variant with its TE metrics as IGP metrics), an
 * overloaded transit node, a one-way link, a pseudonode LAN, an unreachable island and
 * a system without fragment 0, the metric guards (2^24-1 links, MAX_PATH_METRIC), the
 * up/down bit. Then random graphs (one-way links, overload, LANs, parallel and missing
 * adjacencies) against a plain O(V^2) reference Dijkstra with a fixpoint for ECMP sets:
 * same distances, same first hops, same routes (SPF_DEBUG=<iteration> dumps one graph
 * with both answers). ISO 10589 7.2, RFC 5305, RFC 5308. */
#include <arpa/inet.h>
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "speaker/isis.h"
#include "speaker/spf.h"

#define NO UINT32_MAX		/* link not advertised in that direction */

/* node flags in the tables */
#define T_OL 0x01		/* overload bit */
#define T_SPLIT 0x02		/* reachability TLVs in fragment 1, hostname in fragment 0 */
#define T_NOFRAG0 0x04		/* only fragment 1 exists */

struct tnode {
	const char *name;	/* hostname; a pseudonode is "<dis>.<pn>" */
	uint8_t sys;		/* system ID 1921.6805.00<sys> as in the seed */
	uint8_t pn;
	uint8_t flags;
	const char *lo4, *lo6;	/* loopbacks, advertised with metric pfx_metric */
	uint32_t pfx_metric;
	const char *stub4;	/* a passive connected prefix (metric 10), or NULL */
};

struct tlink {
	const char *a, *b;
	uint32_t ab, ba;	/* metric a->b as a advertises it, b->a; NO = not advertised */
	const char *ifa, *ifb;	/* interface names: ifa is a's side */
	const char *a4, *b4;	/* interface addresses with prefix length, or NULL */
};

struct topo {
	const char *name;
	const char *root;
	const struct tnode *n;
	size_t nn;
	const struct tlink *l;
	size_t nl;
};

#define TOPO(nm, rt, nodes, links) \
	{ nm, rt, nodes, sizeof(nodes) / sizeof(nodes[0]), links, sizeof(links) / sizeof(links[0]) }

/* --- golden files ---------------------------------------------------------------------- */

static const char *src_dir(void)
{
	const char *d = getenv("KVTE_SOURCE_DIR");

	return d ? d : ".";
}

static void check_golden(const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	char *want;
	long n;

	snprintf(path, sizeof(path), "%s/tests/golden/isis/spf-%s.txt", src_dir(), name);
	if (getenv("KVTE_UPDATE_GOLDEN")) {
		f = fopen(path, "wb");
		ck_assert_msg(f != NULL, "cannot write %s", path);
		ck_assert_uint_eq(fwrite(text, 1, strlen(text), f), strlen(text));
		fclose(f);
		return;
	}
	f = fopen(path, "rb");
	ck_assert_msg(f != NULL, "missing golden file %s (run with KVTE_UPDATE_GOLDEN=1)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	want = calloc(1, (size_t)n + 1);
	ck_assert_uint_eq(fread(want, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	ck_assert_str_eq(text, want);
	free(want);
}

/* --- LSP building: codec structs -> bytes -> decoded LSPs ------------------------------ */

struct lsdb {
	struct isis_pdu v[512];
	const struct isis_pdu *p[512];
	size_t n;
};

static uint8_t wire[65536];

static void sysid(uint8_t *out, unsigned sys)
{
	const uint8_t id[6] = { 0x19, 0x21, 0x68, 0x05, (uint8_t)(sys >> 8), (uint8_t)sys };

	memcpy(out, id, 6);
}

static void lsp_init(struct isis_pdu *p, unsigned sys, uint8_t pn, uint8_t frag, bool ol)
{
	isis_pdu_init(p, ISIS_L2_LSP);
	p->h.lsp.lifetime = 1199;
	sysid(p->h.lsp.lsp_id, sys);
	p->h.lsp.lsp_id[6] = pn;
	p->h.lsp.lsp_id[7] = frag;
	p->h.lsp.seq = 1;
	p->h.lsp.flags = 0x03 | (ol ? ISIS_LSP_OL : 0);
}

static struct isis_tlv *tlv(struct isis_pdu *p, uint8_t type)
{
	struct isis_tlv *t = NULL;

	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == type)
			t = &p->tlvs[i];
	if (!t)
		t = isis_tlv_add(p, type);
	ck_assert_ptr_nonnull(t);
	return t;
}

static void add_is(struct isis_pdu *p, unsigned sys, uint8_t pn, uint32_t metric)
{
	struct isis_ext_is *x = isis_tlv_item_add(tlv(p, ISIS_TLV_EXT_IS_REACH));

	ck_assert_ptr_nonnull(x);
	sysid(x->id, sys);
	x->id[6] = pn;
	x->metric = metric;
}

static void add_pfx(struct isis_pdu *p, const char *s, uint32_t metric, bool down)
{
	char a[64];
	const char *slash = strchr(s, '/');
	unsigned plen = (unsigned)atoi(slash + 1);

	memcpy(a, s, (size_t)(slash - s));
	a[slash - s] = 0;
	if (strchr(a, ':')) {
		struct isis_ipv6_reach *x = isis_tlv_item_add(tlv(p, ISIS_TLV_IPV6_REACH));

		ck_assert_int_eq(inet_pton(AF_INET6, a, x->prefix), 1);
		x->plen = (uint8_t)plen;
		x->metric = metric;
		x->flags = down ? ISIS_IP6_U : 0;
	} else {
		struct isis_ext_ip *x = isis_tlv_item_add(tlv(p, ISIS_TLV_EXT_IP_REACH));

		ck_assert_int_eq(inet_pton(AF_INET, a, x->prefix), 1);
		x->plen = (uint8_t)plen;
		x->metric = metric;
		x->down = down;
	}
}

static void add_hostname(struct isis_pdu *p, const char *name)
{
	struct isis_tlv *t = tlv(p, ISIS_TLV_HOSTNAME);

	t->u.hostname.len = (uint8_t)strlen(name);
	memcpy(t->u.hostname.name, name, strlen(name));
}

/* encode, decode into the LSDB, free the built one */
static void lsdb_add(struct lsdb *db, struct isis_pdu *built)
{
	struct isis_err e;
	size_t n = 0;

	ck_assert_uint_lt(db->n, 512);
	ck_assert_int_eq(isis_pdu_encode(built, 0, wire, sizeof(wire), &n), 0);
	ck_assert_int_eq(isis_pdu_decode(wire, n, &db->v[db->n], &e), 0);
	db->p[db->n] = &db->v[db->n];
	db->n++;
	isis_pdu_free(built);
}

static void lsdb_free(struct lsdb *db)
{
	for (size_t i = 0; i < db->n; i++)
		isis_pdu_free(&db->v[i]);
	db->n = 0;
}

/* --- topology tables -> LSPs and our adjacency table -------------------------------- */

static const struct tnode *node_named(const struct topo *t, const char *name)
{
	for (size_t i = 0; i < t->nn; i++)
		if (!strcmp(t->n[i].name, name))
			return &t->n[i];
	ck_abort_msg("no node %s", name);
	return NULL;
}

/* the other end of link l seen from node n, with the metric n advertises and n's
 * interface address */
static const char *link_peer(const struct tlink *l, const char *n, uint32_t *m, const char **my4)
{
	if (!strcmp(l->a, n)) {
		*m = l->ab;
		*my4 = l->a4;
		return l->b;
	}
	if (!strcmp(l->b, n)) {
		*m = l->ba;
		*my4 = l->b4;
		return l->a;
	}
	return NULL;
}

static void build_node(struct lsdb *db, const struct topo *t, const struct tnode *n)
{
	struct isis_pdu f0, f1, *r = &f0;
	bool split = n->flags & (T_SPLIT | T_NOFRAG0);

	lsp_init(&f0, n->sys, n->pn, 0, n->flags & T_OL);
	if (!n->pn)
		add_hostname(&f0, n->name);
	if (split) {
		lsp_init(&f1, n->sys, n->pn, 1, false);
		r = &f1;
	}
	if (n->lo4)
		add_pfx(r, n->lo4, n->pfx_metric, false);
	if (n->lo6)
		add_pfx(r, n->lo6, n->pfx_metric, false);
	if (n->stub4)
		add_pfx(r, n->stub4, 10, false);
	for (size_t i = 0; i < t->nl; i++) {
		const char *my4 = NULL, *peer;
		const struct tnode *pn;
		uint32_t m = NO;

		if (!(peer = link_peer(&t->l[i], n->name, &m, &my4)) || m == NO)
			continue;
		pn = node_named(t, peer);
		add_is(r, pn->sys, pn->pn, m);
		if (my4)
			add_pfx(r, my4, m, false);
	}
	if (!(n->flags & T_NOFRAG0))
		lsdb_add(db, &f0);
	else
		isis_pdu_free(&f0);
	if (split)
		lsdb_add(db, &f1);
}

static void build_topo(struct lsdb *db, const struct topo *t)
{
	db->n = 0;
	for (size_t i = 0; i < t->nn; i++)
		build_node(db, t, &t->n[i]);
}

static void adj_add(struct isis_spf_adj *adj, size_t *nadj, const struct tnode *nb,
		    const char *ifname, const char *their4)
{
	struct isis_spf_adj *a = &adj[(*nadj)++];
	char s[64];

	memset(a, 0, sizeof(*a));
	sysid(a->sysid, nb->sys);
	snprintf(a->ifname, sizeof(a->ifname), "%s", ifname);
	if (their4) {
		snprintf(s, sizeof(s), "%s", their4);
		*strchr(s, '/') = 0;
		ck_assert_int_eq(addr_parse(s, &a->addr4), 0);
	}
	snprintf(s, sizeof(s), "fe80::%x", nb->sys);
	ck_assert_int_eq(addr_parse(s, &a->addr6), 0);
}

/* Our adjacencies: every link of the root (whichever way it is advertised), and across
 * a pseudonode every other system on that LAN, on our LAN interface. */
static size_t build_adj(const struct topo *t, struct isis_spf_adj *adj)
{
	size_t n = 0;

	for (size_t i = 0; i < t->nl; i++) {
		const struct tlink *l = &t->l[i];
		bool ra = !strcmp(l->a, t->root), rb = !strcmp(l->b, t->root);
		const struct tnode *nb;
		const char *ifn;

		if (!ra && !rb)
			continue;
		nb = node_named(t, ra ? l->b : l->a);
		ifn = ra ? l->ifa : l->ifb;
		if (!nb->pn) {
			adj_add(adj, &n, nb, ifn, ra ? l->b4 : l->a4);
			continue;
		}
		for (size_t k = 0; k < t->nl; k++) {
			const struct tlink *m = &t->l[k];
			const char *my4 = NULL, *peer;
			uint32_t met;

			if (k == i || !(peer = link_peer(m, nb->name, &met, &my4)) ||
			    !strcmp(peer, t->root))
				continue;
			adj_add(adj, &n, node_named(t, peer), ifn,
				!strcmp(m->a, peer) ? m->a4 : m->b4);
		}
	}
	return n;
}

static char *run_topo(const struct topo *t, struct isis_spf *spf)
{
	struct lsdb *db = calloc(1, sizeof(*db));
	struct isis_spf_adj adj[32];
	size_t nadj;
	struct isis_spf_array it;
	struct isis_spf_input in = { .level = 2, .next = isis_spf_array_next, .ctx = &it };
	char *text;

	build_topo(db, t);
	nadj = build_adj(t, adj);
	it = (struct isis_spf_array){ .v = db->p, .n = db->n };
	sysid(in.root, node_named(t, t->root)->sys);
	in.adj = adj;
	in.nadj = nadj;
	ck_assert_int_eq(isis_spf_run(spf, &in), 0);
	text = isis_spf_format(spf, adj, nadj);
	ck_assert_ptr_nonnull(text);
	lsdb_free(db);
	free(db);
	return text;
}

static void golden_topo(const struct topo *t)
{
	struct isis_spf spf;
	char *text;

	isis_spf_init(&spf);
	text = run_topo(t, &spf);
	check_golden(t->name, text);
	free(text);
	isis_spf_free(&spf);
}

/* --- topologies ------------------------------------------------------------------------- */

/*
 *   r1 --10-- r2          root r1; r4 at 20 over r2 and over r3: two first hops,
 *   |          |          and r4's loopback and link prefixes with both
 *   10        10
 *   |          |
 *   r3 --10-- r4
 */
static const struct tnode square_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", "fc00:0:1::1/128", 0, NULL },
	{ "r2", 2, 0, 0, "192.168.50.2/32", "fc00:0:2::1/128", 0, NULL },
	{ "r3", 3, 0, 0, "192.168.50.3/32", "fc00:0:3::1/128", 0, NULL },
	{ "r4", 4, 0, 0, "192.168.50.4/32", "fc00:0:4::1/128", 0, NULL },
};
static const struct tlink square_l[] = {
	{ "r1", "r2", 10, 10, "et1", "et1", "10.0.12.0/31", "10.0.12.1/31" },
	{ "r1", "r3", 10, 10, "et2", "et1", "10.0.13.0/31", "10.0.13.1/31" },
	{ "r2", "r4", 10, 10, "et2", "et1", "10.0.24.0/31", "10.0.24.1/31" },
	{ "r3", "r4", 10, 10, "et2", "et2", "10.0.34.0/31", "10.0.34.1/31" },
};

/*
 * The seed topology (../shared/topologies/seed.json, AS2), root r1. The seed gives TE
 * metrics but no IGP metrics, so every IGP metric is 10 here; "seed-te" runs the same
 * graph with the TE metrics as IGP metrics (as tests/golden/isis/r1_lsp.txt does).
 * r3's reachability is in fragment 1 (fragments of a system are joined). ex1/ex2 run no
 * IS-IS: r1 and r4 advertise those links as passive prefixes.
 *
 *   ex1 --- r1 ----51---- r2
 *           |  \           | \
 *          155   ---.      91  77
 *           |        \     |    \
 *           r3 --------'   |     r4 --- ex2
 *           |  `-----91----'    /|
 *           55 (r3-r5)      300  35
 *           |                /   |
 *           r5 -------------'----'   (r3-r4 300, r5-r4 35)
 */
static const struct tnode seed_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", "fc00:0:1::1/128", 0, "100.65.0.0/31" },
	{ "r2", 2, 0, 0, "192.168.50.2/32", "fc00:0:2::1/128", 0, NULL },
	{ "r3", 3, 0, T_SPLIT, "192.168.50.3/32", "fc00:0:3::1/128", 0, NULL },
	{ "r4", 4, 0, 0, "192.168.50.4/32", "fc00:0:4::1/128", 0, "100.65.0.16/31" },
	{ "r5", 5, 0, 0, "192.168.50.5/32", "fc00:0:5::1/128", 0, NULL },
};
static const struct tlink seed_l[] = {
	{ "r1", "r2", 10, 10, "et2", "et1", "100.65.0.2/31", "100.65.0.3/31" },
	{ "r2", "r4", 10, 10, "et2", "et1", "100.65.0.4/31", "100.65.0.5/31" },
	{ "r1", "r3", 10, 10, "et3", "et1", "100.65.0.6/31", "100.65.0.7/31" },
	{ "r2", "r3", 10, 10, "et3", "et2", "100.65.0.8/31", "100.65.0.9/31" },
	{ "r3", "r5", 10, 10, "et3", "et1", "100.65.0.10/31", "100.65.0.11/31" },
	{ "r5", "r4", 10, 10, "et2", "et2", "100.65.0.12/31", "100.65.0.13/31" },
	{ "r3", "r4", 10, 10, "et4", "et3", "100.65.0.14/31", "100.65.0.15/31" },
};
static const struct tlink seed_te_l[] = {
	{ "r1", "r2", 51, 51, "et2", "et1", "100.65.0.2/31", "100.65.0.3/31" },
	{ "r2", "r4", 77, 77, "et2", "et1", "100.65.0.4/31", "100.65.0.5/31" },
	{ "r1", "r3", 155, 155, "et3", "et1", "100.65.0.6/31", "100.65.0.7/31" },
	{ "r2", "r3", 91, 91, "et3", "et2", "100.65.0.8/31", "100.65.0.9/31" },
	{ "r3", "r5", 55, 55, "et3", "et1", "100.65.0.10/31", "100.65.0.11/31" },
	{ "r5", "r4", 35, 35, "et2", "et2", "100.65.0.12/31", "100.65.0.13/31" },
	{ "r3", "r4", 300, 300, "et4", "et3", "100.65.0.14/31", "100.65.0.15/31" },
};

/*
 *   r1 --10-- r2(OL) --10-- r3      r2 sets the overload bit: never transit, so r3 is
 *    \                      /       reached over r4 at 100; r2's own prefixes stay
 *     50 ------ r4 ------ 50        reachable at 10
 */
static const struct tnode overload_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", NULL, 0, NULL },
	{ "r2", 2, 0, T_OL, "192.168.50.2/32", NULL, 0, NULL },
	{ "r3", 3, 0, 0, "192.168.50.3/32", NULL, 0, NULL },
	{ "r4", 4, 0, 0, "192.168.50.4/32", NULL, 0, NULL },
};
static const struct tlink overload_l[] = {
	{ "r1", "r2", 10, 10, "et1", "et1", "10.0.12.0/31", "10.0.12.1/31" },
	{ "r2", "r3", 10, 10, "et2", "et1", "10.0.23.0/31", "10.0.23.1/31" },
	{ "r1", "r4", 50, 50, "et2", "et1", "10.0.14.0/31", "10.0.14.1/31" },
	{ "r4", "r3", 50, 50, "et2", "et2", "10.0.34.0/31", "10.0.34.1/31" },
};

/*
 *   r1 --10-- r2          r2 reports r4 but r4 does not report r2 (one-way): the link
 *   |          |          fails the two-way check in both directions, r4 is reached
 *   10        10 ->       only over r3 (20, one first hop); r2's half of the link
 *   |          |          prefix 10.0.24.0/31 is still r2's prefix (at 20)
 *   r3 --10-- r4
 */
static const struct tlink oneway_l[] = {
	{ "r1", "r2", 10, 10, "et1", "et1", "10.0.12.0/31", "10.0.12.1/31" },
	{ "r1", "r3", 10, 10, "et2", "et1", "10.0.13.0/31", "10.0.13.1/31" },
	{ "r2", "r4", 10, NO, "et2", "et1", "10.0.24.0/31", "10.0.24.1/31" },
	{ "r3", "r4", 10, 10, "et2", "et2", "10.0.34.0/31", "10.0.34.1/31" },
};

/*
 *       r1      r2      r3       a LAN (10.1.0.0/24) with r2 as DIS: pseudonode r2.01;
 *        \10    |10    /10       each system reports r2.01 at 10, r2.01 reports each
 *      ==================        at 0. r4 hangs off r3 (10) and off r1 (100).
 *             r2.01              From r1: r2 and r3 at 10 over the LAN (first hop the
 *   r1 --100-- r4 --10-- r3      system itself on lan0), r4 at 20 over r3, not 100
 */
static const struct tnode lan_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", "fc00:0:1::1/128", 0, NULL },
	{ "r2", 2, 0, 0, "192.168.50.2/32", "fc00:0:2::1/128", 0, NULL },
	{ "r3", 3, 0, 0, "192.168.50.3/32", "fc00:0:3::1/128", 0, NULL },
	{ "r4", 4, 0, 0, "192.168.50.4/32", "fc00:0:4::1/128", 0, NULL },
	{ "r2.01", 2, 1, 0, NULL, NULL, 0, NULL },
};
static const struct tlink lan_l[] = {
	{ "r1", "r2.01", 10, 0, "lan0", NULL, "10.1.0.1/24", NULL },
	{ "r2", "r2.01", 10, 0, "lan0", NULL, "10.1.0.2/24", NULL },
	{ "r3", "r2.01", 10, 0, "lan0", NULL, "10.1.0.3/24", NULL },
	{ "r3", "r4", 10, 10, "et1", "et1", "10.0.34.0/31", "10.0.34.1/31" },
	{ "r1", "r4", 100, 100, "et1", "et2", "10.0.14.0/31", "10.0.14.1/31" },
};

/*
 *   r1 --10-- r2         r3 --10-- r4     two islands: r3 and r4 are unreachable, no
 *                                          route to their prefixes. r5 has only a
 *   r5 (fragment 1 only, reports r1)       fragment 1: ignored (ISO 10589 7.2), even
 *                                          though r1 would report it back
 */
static const struct tnode island_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", NULL, 0, NULL },
	{ "r2", 2, 0, 0, "192.168.50.2/32", NULL, 0, NULL },
	{ "r3", 3, 0, 0, "192.168.50.3/32", NULL, 0, NULL },
	{ "r4", 4, 0, 0, "192.168.50.4/32", NULL, 0, NULL },
	{ "r5", 5, 0, T_NOFRAG0, "192.168.50.5/32", NULL, 0, NULL },
};
static const struct tlink island_l[] = {
	{ "r1", "r2", 10, 10, "et1", "et1", NULL, NULL },
	{ "r3", "r4", 10, 10, "et1", "et1", NULL, NULL },
	{ "r1", "r5", 10, 10, "et2", "et1", NULL, NULL },
};

/*
 *   r1 --0xFFFFFF-- r3       r1-r3 advertised at 2^24-1 both ways: never used by SPF
 *    \              /        (RFC 5305 3), r3 is reached over r2 at 0xFFFFFE + 10.
 *     10          0xFFFFFE   r2's loopback at 0xFE000000 - 10 sums to exactly
 *       \        /           MAX_PATH_METRIC: kept; r3's loopback at 0xFE000000 sums
 *         r2 ---'            past it: dropped; r2's link prefix 10.0.23.0/31 at
 *                            0xFFFFFE is kept (10 + 0xFFFFFE over r2)
 */
static const struct tnode overflow_n[] = {
	{ "r1", 1, 0, 0, "192.168.50.1/32", NULL, 0, NULL },
	{ "r2", 2, 0, 0, "192.168.50.2/32", NULL, 0xFE000000u - 10, NULL },
	{ "r3", 3, 0, 0, "192.168.50.3/32", NULL, 0xFE000000u, NULL },
};
static const struct tlink overflow_l[] = {
	{ "r1", "r3", 0xFFFFFF, 0xFFFFFF, "et1", "et1", "10.0.13.0/31", "10.0.13.1/31" },
	{ "r1", "r2", 10, 10, "et2", "et1", NULL, NULL },
	{ "r2", "r3", 0xFFFFFE, 0xFFFFFE, "et2", "et2", "10.0.23.0/31", "10.0.23.1/31" },
};

static const struct topo topos[] = {
	TOPO("square", "r1", square_n, square_l),
	TOPO("seed", "r1", seed_n, seed_l),
	TOPO("seed-te", "r1", seed_n, seed_te_l),
	TOPO("overload", "r1", overload_n, overload_l),
	TOPO("oneway", "r1", square_n, oneway_l),
	TOPO("lan", "r1", lan_n, lan_l),
	TOPO("island", "r1", island_n, island_l),
	TOPO("overflow", "r1", overflow_n, overflow_l),
};

START_TEST(spf_golden)
{
	golden_topo(&topos[_i]);
}
END_TEST

/* spot checks on the goldens' meaning, so an update cannot silently bless a wrong one */
static const struct isis_spf_route *route(const struct isis_spf *spf, const char *pfx)
{
	prefix_t p;

	ck_assert_int_eq(prefix_parse(pfx, false, &p), 0);
	for (size_t i = 0; i < spf->nroutes; i++)
		if (!prefix_cmp(&spf->routes[i].prefix, &p))
			return &spf->routes[i];
	return NULL;
}

START_TEST(spf_golden_meaning)
{
	struct isis_spf spf;
	const struct isis_spf_route *r;

	isis_spf_init(&spf);
	free(run_topo(&topos[0], &spf));	/* square */
	r = route(&spf, "192.168.50.4/32");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->metric, 20);
	ck_assert_uint_eq(r->nh_n, 2);
	r = route(&spf, "10.0.12.0/31");
	ck_assert_ptr_nonnull(r);
	ck_assert(r->flags & ISIS_SPF_R_LOCAL);
	ck_assert_uint_eq(r->nh_n, 0);
	free(run_topo(&topos[3], &spf));	/* overload */
	ck_assert_uint_eq(route(&spf, "192.168.50.3/32")->metric, 100);
	ck_assert_uint_eq(route(&spf, "192.168.50.2/32")->metric, 10);
	free(run_topo(&topos[4], &spf));	/* one-way */
	ck_assert_uint_eq(spf.stats.oneway, 1);
	ck_assert_uint_eq(route(&spf, "192.168.50.4/32")->nh_n, 1);
	free(run_topo(&topos[5], &spf));	/* LAN */
	ck_assert_uint_eq(route(&spf, "192.168.50.4/32")->metric, 20);
	free(run_topo(&topos[6], &spf));	/* island */
	ck_assert_ptr_null(route(&spf, "192.168.50.3/32"));
	ck_assert_ptr_null(route(&spf, "192.168.50.5/32"));
	free(run_topo(&topos[7], &spf));	/* overflow */
	ck_assert_uint_eq(route(&spf, "192.168.50.2/32")->metric, ISIS_SPF_MAX_PATH_METRIC);
	ck_assert_ptr_null(route(&spf, "192.168.50.3/32"));
	isis_spf_free(&spf);
}
END_TEST

/* --- single-case checks ------------------------------------------------------------------ */

static int run_db(struct isis_spf *spf, struct lsdb *db, unsigned root,
		  const struct isis_spf_adj *adj, size_t nadj)
{
	struct isis_spf_array it = { .v = db->p, .n = db->n };
	struct isis_spf_input in = { .level = 2, .next = isis_spf_array_next, .ctx = &it,
				     .adj = adj, .nadj = nadj };

	sysid(in.root, root);
	return isis_spf_run(spf, &in);
}

/* Up/down bit on level 2: r2 (nearer) advertises 10.9.0.0/24 with the down bit, r3
 * (farther) without: r3's wins although its metric is worse; 10.8.0.0/24 only with the
 * down bit is still used, flagged. IPv6 U bit alike. Golden: spf-updown.txt. */
START_TEST(spf_updown)
{
	struct lsdb *db = calloc(1, sizeof(*db));
	struct isis_spf_adj adj[2] = { 0 };
	struct isis_pdu p;
	struct isis_spf spf;
	char *text;

	lsp_init(&p, 1, 0, 0, false);
	add_hostname(&p, "r1");
	add_is(&p, 2, 0, 10);
	add_is(&p, 3, 0, 10);
	lsdb_add(db, &p);
	lsp_init(&p, 2, 0, 0, false);
	add_hostname(&p, "r2");
	add_is(&p, 1, 0, 10);
	add_pfx(&p, "10.9.0.0/24", 1, true);
	add_pfx(&p, "10.8.0.0/24", 1, true);
	add_pfx(&p, "fc00:9::/32", 1, true);
	lsdb_add(db, &p);
	lsp_init(&p, 3, 0, 0, false);
	add_hostname(&p, "r3");
	add_is(&p, 1, 0, 10);
	add_pfx(&p, "10.9.0.0/24", 100, false);
	add_pfx(&p, "fc00:9::/32", 100, false);
	lsdb_add(db, &p);
	sysid(adj[0].sysid, 2);
	snprintf(adj[0].ifname, sizeof(adj[0].ifname), "et1");
	sysid(adj[1].sysid, 3);
	snprintf(adj[1].ifname, sizeof(adj[1].ifname), "et2");
	isis_spf_init(&spf);
	ck_assert_int_eq(run_db(&spf, db, 1, adj, 2), 0);
	text = isis_spf_format(&spf, adj, 2);
	check_golden("updown", text);
	ck_assert_uint_eq(route(&spf, "10.9.0.0/24")->metric, 110);
	ck_assert(route(&spf, "10.8.0.0/24")->flags & ISIS_SPF_R_DOWN);
	free(text);
	isis_spf_free(&spf);
	lsdb_free(db);
	free(db);
}
END_TEST

/* A chain of links at 0xFFFFFE: a node is reachable only while the path metric stays
 * at or below 0xFE000000 (254 hops: 254 * 0xFFFFFE = 0xFDFFFE04; 255 hops exceed it) */
START_TEST(spf_path_metric_guard)
{
	struct lsdb *db = calloc(1, sizeof(*db));
	struct isis_spf_adj adj = { 0 };
	struct isis_pdu p;
	struct isis_spf spf;
	const unsigned n = 300;

	for (unsigned i = 1; i <= n; i++) {
		lsp_init(&p, i, 0, 0, false);
		if (i > 1)
			add_is(&p, i - 1, 0, 0xFFFFFE);
		if (i < n)
			add_is(&p, i + 1, 0, 0xFFFFFE);
		lsdb_add(db, &p);
	}
	sysid(adj.sysid, 2);
	isis_spf_init(&spf);
	ck_assert_int_eq(run_db(&spf, db, 1, &adj, 1), 0);
	ck_assert_uint_eq(spf.nnodes, n);
	ck_assert_uint_eq(spf.nodes[254].metric, 254u * 0xFFFFFEu);	/* system 255 */
	ck_assert_uint_eq(spf.nodes[255].metric, ISIS_SPF_UNREACHABLE);
	ck_assert_uint_eq(spf.nodes[299].metric, ISIS_SPF_UNREACHABLE);
	isis_spf_free(&spf);
	lsdb_free(db);
	free(db);
}
END_TEST

/* Input edge cases: no own LSP, purges and other levels skipped, a newer duplicate wins,
 * a neighbor without an Up adjacency is no first hop, bad input refused */
START_TEST(spf_input_edges)
{
	struct lsdb *db = calloc(1, sizeof(*db));
	struct isis_spf_adj adj = { 0 };
	struct isis_pdu p;
	struct isis_spf spf;
	struct isis_spf_array it = { 0 };
	struct isis_spf_input in = { .level = 3, .next = isis_spf_array_next, .ctx = &it };

	isis_spf_init(&spf);
	ck_assert_int_eq(isis_spf_run(&spf, &in), -EINVAL);
	in.level = 2;
	ck_assert_int_eq(isis_spf_run(&spf, &in), -ENOENT);	/* empty LSDB */
	/* r1 <-> r2, and an older r2 that reports nothing */
	lsp_init(&p, 1, 0, 0, false);
	add_is(&p, 2, 0, 10);
	lsdb_add(db, &p);
	lsp_init(&p, 2, 0, 0, false);
	p.h.lsp.seq = 5;
	add_is(&p, 1, 0, 10);
	add_pfx(&p, "10.2.0.0/16", 1, false);
	lsdb_add(db, &p);
	lsp_init(&p, 2, 0, 0, false);
	p.h.lsp.seq = 4;
	add_pfx(&p, "10.3.0.0/16", 1, false);
	lsdb_add(db, &p);
	/* a level-1 LSP of r3 reporting r1 is not on this level */
	lsp_init(&p, 3, 0, 0, false);
	p.type = ISIS_L1_LSP;
	add_is(&p, 1, 0, 10);
	lsdb_add(db, &p);
	sysid(adj.sysid, 2);
	ck_assert_int_eq(run_db(&spf, db, 1, &adj, 1), 0);
	ck_assert_uint_eq(spf.nnodes, 2);
	ck_assert_ptr_nonnull(route(&spf, "10.2.0.0/16"));
	ck_assert_ptr_null(route(&spf, "10.3.0.0/16"));
	ck_assert_uint_eq(route(&spf, "10.2.0.0/16")->nh_n, 1);
	/* without an adjacency to r2, r2 is not reachable */
	ck_assert_int_eq(run_db(&spf, db, 1, NULL, 0), 0);
	ck_assert_uint_eq(spf.nodes[1].metric, ISIS_SPF_UNREACHABLE);
	ck_assert_uint_eq(spf.nroutes, 0);
	/* our own LSP missing */
	ck_assert_int_eq(run_db(&spf, db, 9, &adj, 1), -ENOENT);
	ck_assert_uint_eq(spf.nroutes, 0);
	isis_spf_free(&spf);
	lsdb_free(db);
	free(db);
}
END_TEST

/* --- random graphs against a reference ------------------------------------------------ */

#define RMAX 64
#define RADJ 80

static uint64_t rng_state;

static uint32_t rnd(uint32_t n)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state % n);
}

struct rgraph {
	unsigned n;			/* nodes 0..n-1; node i is system i+1 or a pseudonode */
	bool pn[RMAX];
	bool ol[RMAX];
	uint32_t w[RMAX][RMAX];		/* advertised metric i->j, NO if none */
	uint32_t anycast[RMAX];		/* metric of 10.255.0.0/16 from i, NO if none */
	unsigned nadj;
	unsigned adj_node[RADJ];
};

static unsigned r_sys(const struct rgraph *g, unsigned i)
{
	(void)g;
	return i + 1;
}

static void random_graph(struct rgraph *g)
{
	unsigned nlinks;

	memset(g, 0, sizeof(*g));
	g->n = 8 + rnd(RMAX - 8);
	for (unsigned i = 0; i < g->n; i++) {
		for (unsigned j = 0; j < g->n; j++)
			g->w[i][j] = NO;
		g->pn[i] = i > 0 && rnd(8) == 0;
		g->ol[i] = !g->pn[i] && rnd(10) == 0;
		g->anycast[i] = rnd(4) == 0 ? rnd(30) : NO;
	}
	nlinks = g->n * (1 + rnd(3));
	for (unsigned k = 0; k < nlinks; k++) {
		unsigned a = rnd(g->n), b = rnd(g->n);
		/* small metrics: many ties; a few zero-cost links tie a node with a
		 * predecessor settled after it (the fixpoint pass) */
		uint32_t m = rnd(16) == 0 ? 0 : 1 + rnd(6);

		if (a == b || (g->pn[a] && g->pn[b]))
			continue;
		g->w[a][b] = g->pn[a] ? 0 : m;
		if (rnd(12))	/* else one-way */
			g->w[b][a] = g->pn[b] ? 0 : (rnd(2) ? m : 1 + rnd(6));
	}
	/* adjacencies of the root (node 0): its p2p neighbors and systems on its LANs;
	 * some missing, some doubled (parallel links) */
	for (unsigned j = 1; j < g->n; j++) {
		bool near = g->w[0][j] != NO || g->w[j][0] != NO;

		for (unsigned p = 1; p < g->n && !near; p++)
			near = g->pn[p] && !g->pn[j] && (g->w[0][p] != NO || g->w[p][0] != NO) &&
			       (g->w[p][j] != NO || g->w[j][p] != NO);
		if (!near || g->pn[j] || rnd(10) == 0)
			continue;
		g->adj_node[g->nadj++] = j;
		if (rnd(6) == 0 && g->nadj < RADJ)
			g->adj_node[g->nadj++] = j;
	}
}

static void random_lsdb(const struct rgraph *g, struct lsdb *db)
{
	struct isis_pdu p;
	char s[64];

	db->n = 0;
	for (unsigned i = 0; i < g->n; i++) {
		/* a pseudonode is numbered as its own system with pseudonode ID 1 */
		lsp_init(&p, r_sys(g, i), g->pn[i] ? 1 : 0, 0, g->ol[i]);
		for (unsigned j = 0; j < g->n; j++)
			if (g->w[i][j] != NO)
				add_is(&p, r_sys(g, j), g->pn[j] ? 1 : 0, g->w[i][j]);
		if (!g->pn[i]) {
			snprintf(s, sizeof(s), "10.%u.%u.0/24", i / 256, i % 256);
			add_pfx(&p, s, 1, false);
			snprintf(s, sizeof(s), "fc00:%x::/32", i + 1);
			add_pfx(&p, s, 0, false);
			if (g->anycast[i] != NO)
				add_pfx(&p, "10.255.0.0/16", g->anycast[i], false);
		}
		if (p.ntlvs == 0)
			add_hostname(&p, "x");	/* an LSP needs a TLV */
		lsdb_add(db, &p);
	}
}

/* Reference: two-way filter on the matrix, O(V^2) Dijkstra, then first-hop sets by
 * iterating "union over tight links" until nothing changes. */
struct rref {
	uint64_t dist[RMAX];
	bool nh[RMAX][RADJ];
	bool att[RMAX];
};

static uint32_t ref_w(const struct rgraph *g, unsigned u, unsigned v)
{
	if (g->w[u][v] == NO || g->w[v][u] == NO)
		return NO;
	return g->pn[u] ? 0 : g->w[u][v];
}

static bool ref_has_adj(const struct rgraph *g, unsigned v)
{
	for (unsigned a = 0; a < g->nadj; a++)
		if (g->adj_node[a] == v)
			return true;
	return false;
}

/* may u hand a path to v? (u is the root or a pseudonode reached from the root: v needs
 * an adjacency unless v is a LAN of the root) */
static bool ref_usable(const struct rgraph *g, const struct rref *r, unsigned u, unsigned v)
{
	if (!r->att[u])
		return true;
	if (u == 0 && g->pn[v])
		return true;
	return ref_has_adj(g, v);
}

static void reference(const struct rgraph *g, struct rref *r)
{
	bool done[RMAX] = { 0 };
	bool changed = true;

	memset(r, 0, sizeof(*r));
	for (unsigned i = 0; i < g->n; i++)
		r->dist[i] = UINT64_MAX;
	r->dist[0] = 0;
	r->att[0] = true;
	for (;;) {
		unsigned u = RMAX;

		for (unsigned i = 0; i < g->n; i++)
			if (!done[i] && r->dist[i] != UINT64_MAX &&
			    (u == RMAX || r->dist[i] < r->dist[u]))
				u = i;
		if (u == RMAX)
			break;
		done[u] = true;
		/* the root, or a LAN of the root whose direct link is a shortest path */
		r->att[u] = u == 0 || (g->pn[u] && ref_w(g, 0, u) == r->dist[u]);
		if (u && g->ol[u])
			continue;
		for (unsigned v = 0; v < g->n; v++) {
			uint32_t w = ref_w(g, u, v);

			if (w == NO || !ref_usable(g, r, u, v) || r->dist[u] + w > 0xFE000000u)
				continue;
			if (r->dist[u] + w < r->dist[v])
				r->dist[v] = r->dist[u] + w;
		}
	}
	while (changed) {
		changed = false;
		for (unsigned u = 0; u < g->n; u++) {
			if (r->dist[u] == UINT64_MAX || (u && g->ol[u]))
				continue;
			for (unsigned v = 0; v < g->n; v++) {
				uint32_t w = ref_w(g, u, v);

				if (v == 0 || w == NO || r->dist[u] + w != r->dist[v] ||
				    !ref_usable(g, r, u, v))
					continue;
				for (unsigned a = 0; a < g->nadj; a++) {
					bool bit = r->nh[u][a] ||
						   (r->att[u] && !(u == 0 && g->pn[v]) &&
						    g->adj_node[a] == v);

					if (bit && !r->nh[v][a]) {
						r->nh[v][a] = true;
						changed = true;
					}
				}
			}
		}
	}
}

static void check_set(const struct isis_spf *spf, uint32_t off, uint32_t cnt, const bool *want,
		      unsigned nadj, unsigned iter, const char *what)
{
	unsigned k = 0;

	for (unsigned a = 0; a < nadj; a++) {
		if (!want[a])
			continue;
		ck_assert_msg(k < cnt && spf->nh[off + k] == a, "iter %u %s: first hop %u missing",
			      iter, what, a);
		k++;
	}
	ck_assert_msg(k == cnt, "iter %u %s: %u first hops, want %u", iter, what, cnt, k);
}

START_TEST(spf_random_vs_reference)
{
	struct lsdb *db = calloc(1, sizeof(*db));
	struct rgraph *g = calloc(1, sizeof(*g));
	struct rref *r = calloc(1, sizeof(*r));
	struct isis_spf_adj adj[RADJ];
	struct isis_spf spf;
	unsigned fix = 0, oneway = 0;

	rng_state = 0x9e3779b97f4a7c15ULL;
	isis_spf_init(&spf);
	for (unsigned iter = 0; iter < 400; iter++) {
		struct isis_spf_route want_any = { 0 };
		bool any_nh[RADJ] = { 0 };
		uint64_t any_best = UINT64_MAX;
		const struct isis_spf_route *rt;

		random_graph(g);
		random_lsdb(g, db);
		for (unsigned a = 0; a < g->nadj; a++) {
			memset(&adj[a], 0, sizeof(adj[a]));
			sysid(adj[a].sysid, r_sys(g, g->adj_node[a]));
		}
		ck_assert_int_eq(run_db(&spf, db, 1, adj, g->nadj), 0);
		reference(g, r);
		if (getenv("SPF_DEBUG") && iter == (unsigned)atoi(getenv("SPF_DEBUG"))) {
			for (unsigned i = 0; i < g->n; i++) {
				fprintf(stderr, "n%u pn%d ol%d d=%llu/%u att%d nh:", i, g->pn[i], g->ol[i],
					(unsigned long long)r->dist[i], spf.nodes[i].metric, r->att[i]);
				for (unsigned a = 0; a < g->nadj; a++)
					if (r->nh[i][a])
						fprintf(stderr, " %u", a);
				fprintf(stderr, " | impl:");
				for (unsigned k = 0; k < spf.nodes[i].nh_n; k++)
					fprintf(stderr, " %u", spf.nh[spf.nodes[i].nh_off + k]);
				fprintf(stderr, "  edges:");
				for (unsigned j = 0; j < g->n; j++)
					if (ref_w(g, i, j) != NO)
						fprintf(stderr, " %u(%u)", j, ref_w(g, i, j));
				fprintf(stderr, "\n");
			}
			for (unsigned a = 0; a < g->nadj; a++)
				fprintf(stderr, "adj%u -> n%u\n", a, g->adj_node[a]);
		}
		fix += spf.stats.fixpoint;
		oneway += spf.stats.oneway > 0;
		ck_assert_uint_eq(spf.nnodes, g->n);	/* node index order = system order */
		for (unsigned i = 0; i < g->n; i++) {
			const struct isis_spf_node *nd = &spf.nodes[i];
			uint32_t want = r->dist[i] == UINT64_MAX ? ISIS_SPF_UNREACHABLE :
				       (uint32_t)r->dist[i];

			ck_assert_msg(nd->metric == want, "iter %u node %u: metric %u want %u",
				      iter, i, nd->metric, want);
			if (i && want != ISIS_SPF_UNREACHABLE)
				check_set(&spf, nd->nh_off, nd->nh_n, r->nh[i], g->nadj, iter, "node");
		}
		/* each system's /24 follows its node; the anycast /16: best metric, union */
		for (unsigned i = 0; i < g->n; i++) {
			char s[64];
			uint64_t m;

			if (g->pn[i])
				continue;
			snprintf(s, sizeof(s), "10.%u.%u.0/24", i / 256, i % 256);
			rt = route(&spf, s);
			if (r->dist[i] == UINT64_MAX) {
				ck_assert_ptr_null(rt);
				continue;
			}
			ck_assert_ptr_nonnull(rt);
			ck_assert_uint_eq(rt->metric, r->dist[i] + 1);
			if (i)
				check_set(&spf, rt->nh_off, rt->nh_n, r->nh[i], g->nadj, iter, s);
			if (g->anycast[i] == NO)
				continue;
			m = r->dist[i] + g->anycast[i];
			if (i == 0) {
				any_best = 0;	/* local wins */
				want_any.flags = ISIS_SPF_R_LOCAL;
				want_any.metric = g->anycast[0];
				memset(any_nh, 0, sizeof(any_nh));
			} else if (any_best && m < any_best) {
				any_best = m;
				want_any.metric = (uint32_t)m;
				memcpy(any_nh, r->nh[i], sizeof(any_nh));
			} else if (any_best && m == any_best) {
				for (unsigned a = 0; a < g->nadj; a++)
					any_nh[a] = any_nh[a] || r->nh[i][a];
			}
		}
		rt = route(&spf, "10.255.0.0/16");
		if (any_best == UINT64_MAX) {
			ck_assert_ptr_null(rt);
		} else {
			ck_assert_ptr_nonnull(rt);
			ck_assert_uint_eq(rt->metric, want_any.metric);
			ck_assert_uint_eq(rt->flags, want_any.flags);
			check_set(&spf, rt->nh_off, rt->nh_n, any_nh, g->nadj, iter, "anycast");
		}
		/* output order is prefix order */
		for (size_t k = 1; k < spf.nroutes; k++)
			ck_assert_int_lt(prefix_cmp(&spf.routes[k - 1].prefix, &spf.routes[k].prefix), 0);
		lsdb_free(db);
	}
	/* the generator must exercise what it claims to */
	ck_assert_uint_gt(oneway, 50);
	ck_assert_uint_gt(fix, 0);
	isis_spf_free(&spf);
	free(r);
	free(g);
	free(db);
}
END_TEST

/* --- RFC 8405 scheduler on a fake clock ------------------------------------------------- */

static FILE *log_out;
static char *log_buf;
static size_t log_len, log_used;

static void sched_setup(void)
{
	log_used = 0;
	log_out = open_memstream(&log_buf, &log_len);
	ck_assert_ptr_nonnull(log_out);
	log_init("kvte-test", log_out);
	log_set_level(LOG_LVL_INFO);
}

static void sched_teardown(void)
{
	fclose(log_out);
	free(log_buf);
}

/* The state-change lines logged since the last call, "<old> -> <new> (event <ev>)"
 * joined by "; " (prefix "spf back-off: " checked and dropped). */
static char *log_take(void)
{
	char *text, *line, *save = NULL, *res;
	size_t cap;

	ck_assert_int_eq(fflush(log_out), 0);
	text = strndup(log_buf + log_used, log_len - log_used);
	log_used = log_len;
	cap = strlen(text) + 1;
	res = calloc(1, cap);
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *p = strstr(line, "INFO  spf: spf back-off: ");

		ck_assert_msg(p, "unexpected log line: %s", line);
		if (*res)
			strcat(res, "; ");
		strcat(res, p + strlen("INFO  spf: spf back-off: "));
	}
	free(text);
	return res;
}

#define ck_log(expect)                                                                  \
	do {                                                                            \
		char *got_ = log_take();                                                \
		ck_assert_str_eq(got_, expect);                                         \
		free(got_);                                                             \
	} while (0)

/* The daemon on a fake clock: wakes at every due time the scheduler reports (one
 * timer), takes LEARN/HOLDDOWN expiries, runs SPF when due, records the run times. */
struct sim {
	struct isis_spf_sched s;
	uint64_t runs[64];
	size_t nruns;
};

static void sim_until(struct sim *m, uint64_t until)
{
	for (;;) {
		uint64_t d = isis_spf_sched_next_due(&m->s);

		if (d > until)
			return;
		isis_spf_sched_tick(&m->s, d);
		if (isis_spf_sched_due(&m->s, d)) {
			ck_assert_uint_lt(m->nruns, 64);
			m->runs[m->nruns++] = d;
			isis_spf_sched_ran(&m->s, d);
		}
	}
}

static uint64_t sim_event(struct sim *m, uint64_t at)
{
	sim_until(m, at);
	return isis_spf_sched_event(&m->s, at);
}

static void sched_params(struct isis_spf_sched_params *p, uint32_t initial, uint32_t shrt,
			 uint32_t lng, uint32_t learn, uint32_t hold)
{
	p->initial_delay = initial;
	p->short_delay = shrt;
	p->long_delay = lng;
	p->time_to_learn = learn;
	p->holddown = hold;
}

START_TEST(spf_sched_params)
{
	struct isis_spf_sched_params p;
	struct isis_spf_sched s;
	char err[128];

	isis_spf_sched_params_default(&p);
	ck_assert_uint_eq(p.initial_delay, 50);
	ck_assert_uint_eq(p.short_delay, 200);
	ck_assert_uint_eq(p.long_delay, 2000);
	ck_assert_uint_eq(p.time_to_learn, 500);
	ck_assert_uint_eq(p.holddown, 1500);
	ck_assert_int_eq(isis_spf_sched_params_check(&p, err, sizeof(err)), 0);
	/* RFC 8405 6: HOLDDOWN_INTERVAL longer than TIME_TO_LEARN_INTERVAL */
	p.holddown = 500;
	ck_assert_int_eq(isis_spf_sched_params_check(&p, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "holddown interval (500 ms) must be longer than the time to "
			      "learn (500 ms)");
	p.holddown = 501;
	ck_assert_int_eq(isis_spf_sched_params_check(&p, err, sizeof(err)), 0);
	/* init raises a holddown that is too short; NULL means the defaults */
	p.holddown = 100;
	isis_spf_sched_init(&s, &p);
	ck_assert_uint_eq(s.p.holddown, 501);
	isis_spf_sched_init(&s, NULL);
	ck_assert_uint_eq(s.p.long_delay, 2000);
	ck_assert_uint_eq(s.p.holddown, 1500);
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), ISIS_TIMER_NEVER);
	ck_assert(!isis_spf_sched_due(&s, 0));
	ck_assert(!isis_spf_sched_due(&s, UINT64_MAX - 1));
	ck_assert_str_eq(isis_spf_sched_state_name(ISIS_SPF_QUIET), "QUIET");
	ck_assert_str_eq(isis_spf_sched_state_name(ISIS_SPF_SHORT_WAIT), "SHORT_WAIT");
	ck_assert_str_eq(isis_spf_sched_state_name(ISIS_SPF_LONG_WAIT), "LONG_WAIT");
	ck_assert_str_eq(isis_spf_sched_state_name((enum isis_spf_sched_state)7), "?");
	ck_log("");
}
END_TEST

/* Every row of RFC 8405 5.1 that valid parameters reach, in order, with a 10 s
 * holddown (50 / 200 / 2000 / 500 / 10000) so each phase is long. */
START_TEST(spf_sched_rfc8405_table)
{
	struct isis_spf_sched_params p;
	struct isis_spf_sched s;

	sched_params(&p, 50, 200, 2000, 500, 10000);
	isis_spf_sched_init(&s, &p);
	/* 1: event in QUIET: SPF_TIMER = INITIAL, LEARN and HOLDDOWN start -> SHORT_WAIT */
	ck_assert_uint_eq(isis_spf_sched_event(&s, 1000), 1050);
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	ck_assert_uint_eq(isis_timer_when(&s.learn), 1500);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 11000);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 1050);
	ck_log("QUIET -> SHORT_WAIT (event igp_event)");
	/* a burst while the SPF_TIMER runs: the same run, HOLDDOWN restarted */
	for (uint64_t t = 1001; t < 1050; t += 7)
		ck_assert_uint_eq(isis_spf_sched_event(&s, t), 1050);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 11043);
	ck_assert_uint_eq(isis_timer_when(&s.learn), 1500);	/* not restarted */
	ck_assert(!isis_spf_sched_due(&s, 1049));
	ck_assert(isis_spf_sched_due(&s, 1050));
	/* SPF_TIMER expiry in SHORT_WAIT: SPF runs, state stays */
	isis_spf_sched_ran(&s, 1050);
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	ck_assert(!isis_spf_sched_due(&s, 1051));
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 1500);	/* LEARN, no SPF pending */
	ck_assert_uint_eq(s.runs, 1);
	/* 2: event in SHORT_WAIT: HOLDDOWN restarted, SPF_TIMER = SHORT */
	ck_assert_uint_eq(isis_spf_sched_event(&s, 1100), 1300);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 1250), 1300);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 11250);
	isis_spf_sched_ran(&s, 1300);
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	ck_log("");
	/* 3: LEARN_TIMER expiry in SHORT_WAIT -> LONG_WAIT */
	isis_spf_sched_tick(&s, 1499);
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	isis_spf_sched_tick(&s, 1500);
	ck_assert_int_eq(s.state, ISIS_SPF_LONG_WAIT);
	ck_assert(!s.learn.armed);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 11250);	/* HOLDDOWN only */
	ck_log("SHORT_WAIT -> LONG_WAIT (event learn_timer)");
	/* 4: event in LONG_WAIT: HOLDDOWN restarted, SPF_TIMER = LONG */
	ck_assert_uint_eq(isis_spf_sched_event(&s, 2000), 4000);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 3999), 4000);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 13999);
	/* SPF_TIMER expiry in LONG_WAIT: SPF runs, state stays */
	isis_spf_sched_ran(&s, 4000);
	ck_assert_int_eq(s.state, ISIS_SPF_LONG_WAIT);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 4001), 6001);
	isis_spf_sched_ran(&s, 6001);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 14001);
	ck_log("");
	/* 5: HOLDDOWN_TIMER expiry in LONG_WAIT -> QUIET, nothing left running */
	isis_spf_sched_tick(&s, 14000);
	ck_assert_int_eq(s.state, ISIS_SPF_LONG_WAIT);
	isis_spf_sched_tick(&s, 14001);
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), ISIS_TIMER_NEVER);
	ck_log("LONG_WAIT -> QUIET (event holddown_timer)");
	/* and the next event is fast again */
	ck_assert_uint_eq(isis_spf_sched_event(&s, 20000), 20050);
	ck_assert_uint_eq(s.runs, 4);
	ck_log("QUIET -> SHORT_WAIT (event igp_event)");
}
END_TEST

/* 6: HOLDDOWN_TIMER expiry in SHORT_WAIT -> QUIET, LEARN_TIMER stopped. Valid
 * parameters never get there (HOLDDOWN outlasts LEARN), so the test sets a holddown
 * shorter than the time to learn behind init's back, as a misconfigured router. */
START_TEST(spf_sched_holddown_in_short_wait)
{
	struct isis_spf_sched s;

	isis_spf_sched_init(&s, NULL);
	s.p.holddown = 300;
	ck_assert_uint_eq(isis_spf_sched_event(&s, 0), 50);
	isis_spf_sched_ran(&s, 50);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 300);
	isis_spf_sched_tick(&s, 300);
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert(!s.learn.armed);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), ISIS_TIMER_NEVER);
	ck_log("QUIET -> SHORT_WAIT (event igp_event); SHORT_WAIT -> QUIET (event "
	       "holddown_timer)");
}
END_TEST

/* SPF_TIMER expiry in QUIET: a LONG_SPF_DELAY beyond the holddown leaves the run
 * pending when QUIET returns; an event then keeps the running SPF_TIMER (RFC 8405:
 * "if SPF_TIMER is not already running") and the run happens in SHORT_WAIT... or, with
 * no event, in QUIET, which it leaves unchanged. */
START_TEST(spf_sched_spf_in_quiet)
{
	struct isis_spf_sched_params p;
	struct isis_spf_sched s;

	sched_params(&p, 50, 200, 20000, 500, 10000);
	isis_spf_sched_init(&s, &p);
	isis_spf_sched_event(&s, 0);
	isis_spf_sched_ran(&s, 50);
	isis_spf_sched_tick(&s, 500);
	ck_assert_int_eq(s.state, ISIS_SPF_LONG_WAIT);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 1000), 21000);
	isis_spf_sched_tick(&s, 11000);				/* HOLDDOWN first */
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 21000);	/* the run still pending */
	ck_assert(!isis_spf_sched_due(&s, 20999));
	isis_spf_sched_ran(&s, 21000);
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), ISIS_TIMER_NEVER);
	ck_log("QUIET -> SHORT_WAIT (event igp_event); SHORT_WAIT -> LONG_WAIT (event "
	       "learn_timer); LONG_WAIT -> QUIET (event holddown_timer)");

	/* again, with an event in QUIET while the SPF_TIMER runs */
	isis_spf_sched_init(&s, &p);
	isis_spf_sched_event(&s, 0);
	isis_spf_sched_ran(&s, 50);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 1000), 21000);	/* learn expired: LONG */
	isis_spf_sched_tick(&s, 11000);
	ck_assert_int_eq(s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 12000), 21000);	/* kept, not 12050 */
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	ck_assert_uint_eq(isis_timer_when(&s.learn), 12500);
	ck_assert_uint_eq(isis_timer_when(&s.holddown), 22000);
	ck_log("QUIET -> SHORT_WAIT (event igp_event); SHORT_WAIT -> LONG_WAIT (event "
	       "learn_timer); LONG_WAIT -> QUIET (event holddown_timer); QUIET -> SHORT_WAIT "
	       "(event igp_event)");
}
END_TEST

/* A caller that slept through LEARN and HOLDDOWN gets both transitions, in due-time
 * order, on its next call; next_due reports LEARN / HOLDDOWN with no SPF pending. */
START_TEST(spf_sched_late_caller)
{
	struct isis_spf_sched s;

	isis_spf_sched_init(&s, NULL);
	ck_assert_uint_eq(isis_spf_sched_event(&s, 0), 50);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 50);
	isis_spf_sched_ran(&s, 50);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 500);	/* LEARN */
	ck_log("QUIET -> SHORT_WAIT (event igp_event)");
	/* 30 s later, straight into an event: learn, holddown, then event in QUIET */
	ck_assert_uint_eq(isis_spf_sched_event(&s, 30000), 30050);
	ck_assert_int_eq(s.state, ISIS_SPF_SHORT_WAIT);
	ck_log("SHORT_WAIT -> LONG_WAIT (event learn_timer); LONG_WAIT -> QUIET (event "
	       "holddown_timer); QUIET -> SHORT_WAIT (event igp_event)");
	/* the same through ran(): a run late at 31000 takes LEARN first */
	isis_spf_sched_ran(&s, 31000);
	ck_assert_int_eq(s.state, ISIS_SPF_LONG_WAIT);
	ck_assert_uint_eq(isis_spf_sched_next_due(&s), 31500);	/* HOLDDOWN */
	ck_log("SHORT_WAIT -> LONG_WAIT (event learn_timer)");
}
END_TEST

/* The daemon's loop: a burst costs one SPF at INITIAL; events while learning run at
 * SHORT; after TIME_TO_LEARN at LONG; holddown brings INITIAL back. */
START_TEST(spf_sched_loop)
{
	struct isis_spf_sched_params p;
	struct sim m = {0};

	sched_params(&p, 50, 200, 2000, 500, 10000);
	isis_spf_sched_init(&m.s, &p);
	/* a burst of 20 events in 40 ms at t=1000: one SPF at 1050 */
	for (uint64_t t = 1000; t < 1040; t += 2)
		ck_assert_uint_eq(sim_event(&m, t), 1050);
	sim_until(&m, 1100);
	ck_assert_uint_eq(m.nruns, 1);
	ck_assert_uint_eq(m.runs[0], 1050);
	/* learning: the next event runs SHORT later, then nothing is pending */
	ck_assert_uint_eq(sim_event(&m, 1200), 1400);
	sim_until(&m, 1499);
	ck_assert_uint_eq(m.nruns, 2);
	ck_assert_uint_eq(m.runs[1], 1400);
	ck_assert_int_eq(m.s.state, ISIS_SPF_SHORT_WAIT);
	ck_assert_uint_eq(isis_spf_sched_next_due(&m.s), 1500);
	/* the loop wakes at 1500 for LEARN with no SPF pending */
	sim_until(&m, 1500);
	ck_assert_int_eq(m.s.state, ISIS_SPF_LONG_WAIT);
	/* unstable: LONG, one run per LONG however many events */
	ck_assert_uint_eq(sim_event(&m, 1600), 3600);
	for (uint64_t t = 1700; t < 3600; t += 100)
		ck_assert_uint_eq(sim_event(&m, t), 3600);
	ck_assert_uint_eq(sim_event(&m, 3600), 5600);	/* SPF at 3600 ran first */
	ck_assert_uint_eq(m.nruns, 3);
	sim_until(&m, 5600);
	ck_assert_uint_eq(m.nruns, 4);
	/* 10 s without events since 3600: QUIET, the loop armed nothing more */
	sim_until(&m, 13599);
	ck_assert_int_eq(m.s.state, ISIS_SPF_LONG_WAIT);
	sim_until(&m, 13600);
	ck_assert_int_eq(m.s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&m.s), ISIS_TIMER_NEVER);
	ck_assert_uint_eq(sim_event(&m, 20000), 20050);
	ck_log("QUIET -> SHORT_WAIT (event igp_event); SHORT_WAIT -> LONG_WAIT (event "
	       "learn_timer); LONG_WAIT -> QUIET (event holddown_timer); QUIET -> SHORT_WAIT "
	       "(event igp_event)");
}
END_TEST

/* The lab walkthrough: IS-IS starts (adjacencies and LSPs: events every 50 ms for
 * 1 s), then a link fails 2 s after the last of them. The old back-off (50 / 200 /
 * 5000 doubling) took 3.1 s here. With the defaults the 1.5 s holddown has brought
 * QUIET back: the failure is computed at INITIAL_SPF_DELAY, within SHORT_SPF_DELAY,
 * and its follow-ups (the neighbors' LSPs) at SHORT. With a 10 s holddown the same
 * failure lands in LONG_WAIT and waits LONG_SPF_DELAY. */
START_TEST(spf_sched_walkthrough)
{
	struct isis_spf_sched_params p;
	struct sim m = {0};
	uint64_t fail = 1000 + 2000;

	isis_spf_sched_init(&m.s, NULL);
	for (uint64_t t = 0; t <= 1000; t += 50)
		sim_event(&m, t);
	sim_until(&m, fail - 1);
	ck_assert_int_eq(m.s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(sim_event(&m, fail), fail + 50);	/* INITIAL_SPF_DELAY */
	ck_assert_uint_le(50, m.s.p.short_delay);
	ck_assert_uint_eq(sim_event(&m, fail + 80), fail + 80 + 200);	/* SHORT */
	sim_until(&m, fail + 300);
	ck_assert_uint_eq(m.runs[m.nruns - 2], fail + 50);
	ck_assert_uint_eq(m.runs[m.nruns - 1], fail + 280);
	free(log_take());

	sched_params(&p, 50, 200, 2000, 500, 10000);
	memset(&m, 0, sizeof(m));
	isis_spf_sched_init(&m.s, &p);
	for (uint64_t t = 0; t <= 1000; t += 50)
		sim_event(&m, t);
	sim_until(&m, fail - 1);
	ck_assert_int_eq(m.s.state, ISIS_SPF_LONG_WAIT);
	ck_assert_uint_eq(sim_event(&m, fail), fail + 2000);	/* LONG_SPF_DELAY */
	free(log_take());
}
END_TEST

/* Still a back-off with the defaults: a link flapping every 500 ms for 10 s keeps the
 * holddown running, so after the first TIME_TO_LEARN SPF runs LONG_SPF_DELAY apart (6
 * runs for 20 events); 1.5 s after the last event it is QUIET again. */
START_TEST(spf_sched_flap)
{
	struct sim m = {0};

	isis_spf_sched_init(&m.s, NULL);
	for (uint64_t t = 0; t < 10000; t += 500)
		sim_event(&m, t);
	ck_assert_int_eq(m.s.state, ISIS_SPF_LONG_WAIT);
	sim_until(&m, 9500 + 1499);
	ck_assert_int_eq(m.s.state, ISIS_SPF_LONG_WAIT);
	ck_assert_uint_eq(m.nruns, 6);		/* 50, 2500, 4500, 6500, 8500, 10500 */
	ck_assert_uint_eq(m.runs[0], 50);	/* INITIAL */
	for (size_t i = 1; i < m.nruns; i++)
		ck_assert_uint_eq(m.runs[i] - m.runs[i - 1], i == 1 ? 2450 : 2000);
	sim_until(&m, 9500 + 1500);
	ck_assert_int_eq(m.s.state, ISIS_SPF_QUIET);
	ck_assert_uint_eq(isis_spf_sched_next_due(&m.s), ISIS_TIMER_NEVER);
	sim_until(&m, 20000);
	ck_assert_uint_eq(m.nruns, 6);
	ck_assert_uint_eq(sim_event(&m, 20000), 20050);
	free(log_take());
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("isis_spf");
	TCase *tc = tcase_create("core");

	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, spf_golden, 0, (int)(sizeof(topos) / sizeof(topos[0])));
	tcase_add_test(tc, spf_golden_meaning);
	tcase_add_test(tc, spf_updown);
	tcase_add_test(tc, spf_path_metric_guard);
	tcase_add_test(tc, spf_input_edges);
	tcase_add_test(tc, spf_random_vs_reference);
	suite_add_tcase(s, tc);
	tc = tcase_create("sched");
	tcase_add_checked_fixture(tc, sched_setup, sched_teardown);
	tcase_add_test(tc, spf_sched_params);
	tcase_add_test(tc, spf_sched_rfc8405_table);
	tcase_add_test(tc, spf_sched_holddown_in_short_wait);
	tcase_add_test(tc, spf_sched_spf_in_quiet);
	tcase_add_test(tc, spf_sched_late_caller);
	tcase_add_test(tc, spf_sched_loop);
	tcase_add_test(tc, spf_sched_walkthrough);
	tcase_add_test(tc, spf_sched_flap);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
