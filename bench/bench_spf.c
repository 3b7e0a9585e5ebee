/* bench_spf — full IS-IS SPF + route computation on a synthetic LSDB, and the memory an
 * LSDB of decoded LSPs takes.
 *
 * DESIGN §12 / issue #3: a deterministic 1,000-node / 4,000-link level-2 network (a ring
 * for connectivity plus random chords, no parallel links, IGP metrics 1..100 per
 * direction) is encoded as real LSPs with the codec (speaker/isis.h: TLV 22 with the TE
 * sub-TLVs a kvte speaker originates, 135 loopback + one /31 per link end, 236 loopback
 * + locator, hostname, area, router ID, capability; at most 12 neighbors per fragment so
 * every LSP fits a 1,492-byte LSP MTU) and decoded once. Then isis_spf_run
 * (speaker/spf.c: LSPs -> nodes, edges with the two-way check, Dijkstra, ECMP sets,
 * IPv4 + IPv6 routes) runs many times, rotating the root over the nodes, with a reused
 * workspace (the daemon's steady state) and with a fresh one; median, p99 and mean of
 * the thread's CPU time (one core). Memory: heap bytes of the decoded LSPs (malloc'd,
 * raw copy included, from mallinfo2) and wire bytes, per 1,000 LSPs. Prints markdown
 * (bench/run-speaker.sh). Timings are never pass/fail. bench/bench_isis_decode.c
 * includes this file for the same LSP generator (BENCH_SPF_NO_MAIN).
 * Usage: bench_spf [--nodes N] [--links L] [--runs R] */
#include <errno.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "speaker/isis.h"
#include "speaker/spf.h"

#define LSP_MTU 1492
#define PER_FRAG 12

static uint64_t rng = 0x2545f4914f6cdd1dULL;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static double cpu(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

struct link {
	uint32_t a, b, m_ab, m_ba;
};

static void sysid(uint8_t *id, uint32_t node)
{
	uint32_t v = node + 1;

	memset(id, 0, ISIS_SYSID_LEN);
	id[2] = (uint8_t)(v >> 24);
	id[3] = (uint8_t)(v >> 16);
	id[4] = (uint8_t)(v >> 8);
	id[5] = (uint8_t)v;
}

static uint32_t fbits(float f)
{
	uint32_t u;

	memcpy(&u, &f, 4);
	return u;
}

static int gen_links(uint32_t n, uint32_t nl, struct link *l)
{
	uint8_t *seen = calloc((size_t)n * n / 8 + 1, 1);

	if (!seen || nl < n)
		return -EINVAL;
	for (uint32_t c = 0; c < nl; c++) {
		uint32_t a, b;
		size_t bit;

		do {
			a = c < n ? c : rnd(n);
			b = c < n ? (c + 1) % n : rnd(n);
			bit = (size_t)(a < b ? a : b) * n + (a < b ? b : a);
		} while (a == b || (seen[bit / 8] & (1u << (bit % 8))));
		seen[bit / 8] |= (uint8_t)(1u << (bit % 8));
		l[c] = (struct link){ a, b, 1 + rnd(100), 1 + rnd(100) };
	}
	free(seen);
	return 0;
}

static void sub_u32(struct isis_subtlvs *s, uint8_t type, uint32_t v)
{
	isis_subtlv_add(s, type)->v.u32 = v;
}

/* is/ip: indexes of this fragment's TLV 22 and 135 (SIZE_MAX: none yet); pointers
 * would not survive isis_tlv_add growing the TLV array */
static void add_neighbor(struct isis_pdu *p, size_t *is, size_t *ip, uint32_t nbr,
			 uint32_t metric, uint32_t link, bool a_side)
{
	struct isis_ext_is *x;
	struct isis_ext_ip *r;
	struct isis_subtlv *s;
	uint8_t mine[4] = { 10, (uint8_t)(link >> 7), (uint8_t)((link & 0x7f) << 1), 0 };

	if (*is == SIZE_MAX) {
		isis_tlv_add(p, ISIS_TLV_EXT_IS_REACH);
		*is = p->ntlvs - 1;
	}
	if (*ip == SIZE_MAX) {
		isis_tlv_add(p, ISIS_TLV_EXT_IP_REACH);
		*ip = p->ntlvs - 1;
	}
	x = isis_tlv_item_add(&p->tlvs[*is]);
	sysid(x->id, nbr);
	x->metric = metric;
	sub_u32(&x->sub, ISIS_SUB_ADMIN_GROUP, 1u << (link % 8));
	s = isis_subtlv_add(&x->sub, ISIS_SUB_IPV4_IFADDR);
	memcpy(s->v.addr, mine, 4);
	s->v.addr[3] = a_side ? 0 : 1;
	s = isis_subtlv_add(&x->sub, ISIS_SUB_IPV4_NBRADDR);
	memcpy(s->v.addr, mine, 4);
	s->v.addr[3] = a_side ? 1 : 0;
	sub_u32(&x->sub, ISIS_SUB_MAX_BW, fbits(1.25e9f));
	sub_u32(&x->sub, ISIS_SUB_MAX_RSV_BW, fbits(1.25e9f));
	s = isis_subtlv_add(&x->sub, ISIS_SUB_UNRSV_BW);
	for (int k = 0; k < 8; k++)
		s->v.bw[k] = fbits(1.25e9f);
	sub_u32(&x->sub, ISIS_SUB_TE_METRIC, metric);
	sub_u32(&x->sub, ISIS_SUB_LINK_DELAY, 100 + link % 5000);
	s = isis_subtlv_add(&x->sub, ISIS_SUB_MINMAX_DELAY);
	s->v.pair[0] = s->v.pair[1] = 100 + link % 5000;
	r = isis_tlv_item_add(&p->tlvs[*ip]);
	memcpy(r->prefix, mine, 4);
	r->plen = 31;
	r->metric = metric;
}

static void frag_head(struct isis_pdu *p, uint32_t node, uint8_t frag)
{
	isis_pdu_init(p, ISIS_L2_LSP);
	p->h.lsp.lifetime = 1199;
	sysid(p->h.lsp.lsp_id, node);
	p->h.lsp.lsp_id[7] = frag;
	p->h.lsp.seq = 1;
	p->h.lsp.flags = 0x03;
}

static void frag0_extras(struct isis_pdu *p, uint32_t node)
{
	struct isis_tlv *t;
	struct isis_ext_ip *r;
	struct isis_ipv6_reach *r6;
	uint8_t lo[4] = { 192, 168, (uint8_t)(node >> 8), (uint8_t)node };
	uint8_t lo6[16] = { 0xfc, 0, 0, 0, (uint8_t)(node >> 8), (uint8_t)node };
	struct isis_area *a;
	uint8_t *nl;

	a = isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_AREA));
	a->len = 3;
	a->addr[0] = 0x49;
	a->addr[2] = 0x02;
	t = isis_tlv_add(p, ISIS_TLV_PROTOCOLS);
	nl = isis_tlv_item_add(t);
	*nl = 0xcc;
	nl = isis_tlv_item_add(t);
	*nl = 0x8e;
	t = isis_tlv_add(p, ISIS_TLV_HOSTNAME);
	t->u.hostname.len = (uint8_t)snprintf(t->u.hostname.name, sizeof(t->u.hostname.name),
					      "n%u", node);
	memcpy(isis_tlv_add(p, ISIS_TLV_TE_ROUTER_ID)->u.router_id, lo, 4);
	memcpy(isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_IP_IFADDR)), lo, 4);
	t = isis_tlv_add(p, ISIS_TLV_ROUTER_CAP);
	memcpy(t->u.cap.router_id, lo, 4);
	isis_subtlv_add(&t->u.cap.sub, ISIS_SUB_SRV6_CAP);
	r = isis_tlv_item_add(isis_tlv_add(p, ISIS_TLV_EXT_IP_REACH));
	memcpy(r->prefix, lo, 4);
	r->plen = 32;
	r->metric = 0;
	t = isis_tlv_add(p, ISIS_TLV_IPV6_REACH);
	r6 = isis_tlv_item_add(t);
	memcpy(r6->prefix, lo6, 16);
	r6->prefix[15] = 1;
	r6->plen = 128;
	r6 = isis_tlv_item_add(t);
	memcpy(r6->prefix, lo6, 16);
	r6->plen = 48;
}

/* Encode every node's LSP fragments; returns the number of PDUs (bufs, lens) */
static size_t build_lsps(uint32_t n, const struct link *l, uint32_t nl, uint8_t ***bufs,
			 size_t **lens)
{
	size_t cap = 4 * (size_t)n, cnt = 0;
	uint8_t **b = calloc(cap, sizeof(*b));
	size_t *len = calloc(cap, sizeof(*len));

	for (uint32_t node = 0; node < n; node++) {
		struct isis_pdu p;
		size_t is = SIZE_MAX, ip = SIZE_MAX;
		uint8_t frag = 0;
		unsigned in_frag = 0;

		frag_head(&p, node, 0);
		frag0_extras(&p, node);
		for (uint32_t c = 0; c <= nl; c++) {
			bool flush = c == nl || in_frag == PER_FRAG;

			if (flush && (in_frag || frag == 0)) {
				b[cnt] = malloc(LSP_MTU);
				if (isis_pdu_encode(&p, 0, b[cnt], LSP_MTU, &len[cnt]) < 0) {
					fprintf(stderr, "node %u fragment %u does not fit\n", node, frag);
					exit(1);
				}
				isis_pdu_free(&p);
				if (++cnt == cap) {
					fprintf(stderr, "too many fragments\n");
					exit(1);
				}
				if (c == nl)
					break;
				frag_head(&p, node, ++frag);
				is = ip = SIZE_MAX;
				in_frag = 0;
			}
			if (c == nl)
				break;
			if (l[c].a == node)
				add_neighbor(&p, &is, &ip, l[c].b, l[c].m_ab, c, true), in_frag++;
			else if (l[c].b == node)
				add_neighbor(&p, &is, &ip, l[c].a, l[c].m_ba, c, false), in_frag++;
		}
	}
	*bufs = b;
	*lens = len;
	return cnt;
}

__attribute__((unused)) static size_t make_adj(uint32_t root, const struct link *l, uint32_t nl, struct isis_spf_adj *adj)
{
	size_t k = 0;

	for (uint32_t c = 0; c < nl; c++) {
		uint32_t nb;

		if (l[c].a == root)
			nb = l[c].b;
		else if (l[c].b == root)
			nb = l[c].a;
		else
			continue;
		memset(&adj[k], 0, sizeof(adj[k]));
		sysid(adj[k].sysid, nb);
		adj[k].ifindex = (uint32_t)k + 2;
		snprintf(adj[k].ifname, sizeof(adj[k].ifname), "et%zu", k);
		adj[k].addr4.family = AF_INET;
		adj[k].addr4.bytes[0] = 10;
		k++;
	}
	return k;
}

struct timing {
	double median, p99, mean, min;
};

__attribute__((unused)) static struct timing summarize(double *v, size_t n)
{
	struct timing t = { 0 };
	double sum = 0;

	qsort(v, n, sizeof(*v), cmp_double);
	for (size_t i = 0; i < n; i++)
		sum += v[i];
	t.median = v[n / 2];
	t.p99 = v[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1];
	t.mean = sum / (double)n;
	t.min = v[0];
	return t;
}

#ifndef BENCH_SPF_NO_MAIN	/* bench_isis_decode.c includes the generator above */
int main(int argc, char **argv)
{
	uint32_t n = 1000, nl = 4000, runs = 2000;
	struct link *links;
	uint8_t **bufs;
	size_t *lens, nlsp, wire = 0, heap0, heap1, heap2 = 0, max_adj = 0;
	struct isis_pdu *lsp;
	const struct isis_pdu **ptr;
	struct isis_spf_adj *adj;
	struct isis_spf spf;
	double *t_warm, *t_cold;
	struct timing w, c;
	struct isis_err e;

	for (int i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--nodes"))
			n = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--links"))
			nl = (uint32_t)strtoul(argv[i + 1], NULL, 10);
		else if (!strcmp(argv[i], "--runs"))
			runs = (uint32_t)strtoul(argv[i + 1], NULL, 10);
	}
	if (n < 3 || nl < n || nl > (uint64_t)n * (n - 1) / 2 || runs < 10 || nl > 32767 * 4) {
		fprintf(stderr, "usage: bench_spf [--nodes N>=3] [--links L>=N] [--runs R>=10]\n");
		return 2;
	}
	links = calloc(nl, sizeof(*links));
	if (!links || gen_links(n, nl, links) < 0)
		return 1;
	nlsp = build_lsps(n, links, nl, &bufs, &lens);
	lsp = calloc(nlsp, sizeof(*lsp));
	ptr = calloc(nlsp, sizeof(*ptr));
	adj = calloc(nl, sizeof(*adj));
	t_warm = calloc(runs, sizeof(double));
	t_cold = calloc(runs / 10, sizeof(double));
	if (!lsp || !ptr || !adj || !t_warm || !t_cold)
		return 1;
	heap0 = mallinfo2().uordblks;
	for (size_t i = 0; i < nlsp; i++) {
		if (isis_pdu_decode(bufs[i], lens[i], &lsp[i], &e) < 0) {
			fprintf(stderr, "LSP %zu does not decode: %s\n", i, e.reason);
			return 1;
		}
		ptr[i] = &lsp[i];
		wire += lens[i];
	}
	heap1 = mallinfo2().uordblks;

	/* warm: one workspace reused by every run, as the daemon does */
	isis_spf_init(&spf);
	for (uint32_t k = 0; k < runs; k++) {
		uint32_t root = (uint32_t)(((uint64_t)k * 7919) % n);
		size_t na = make_adj(root, links, nl, adj);
		struct isis_spf_array it = { .v = ptr, .n = nlsp };
		struct isis_spf_input in = { .level = 2, .next = isis_spf_array_next, .ctx = &it,
					     .adj = adj, .nadj = na };
		double t0;

		if (na > max_adj)
			max_adj = na;
		sysid(in.root, root);
		t0 = cpu();
		if (isis_spf_run(&spf, &in) < 0) {
			fprintf(stderr, "SPF failed\n");
			return 1;
		}
		t_warm[k] = cpu() - t0;
		if (k == 0)
			heap2 = mallinfo2().uordblks;
	}
	printf("Synthetic LSDB: %u nodes, %u links (%zu directed edges after the two-way check), "
	       "%zu LSPs (fragments included), %zu routes per run (%zu prefix advertisements), "
	       "up to %zu adjacencies at the root; %u runs, root rotated over the nodes.\n\n",
	       n, nl, spf.stats.edges, spf.stats.lsps, spf.nroutes, spf.stats.candidates,
	       max_adj, runs);
	isis_spf_free(&spf);
	/* cold: a fresh workspace per run (allocation included) */
	for (uint32_t k = 0; k < runs / 10; k++) {
		uint32_t root = (uint32_t)(((uint64_t)k * 104729) % n);
		size_t na = make_adj(root, links, nl, adj);
		struct isis_spf_array it = { .v = ptr, .n = nlsp };
		struct isis_spf_input in = { .level = 2, .next = isis_spf_array_next, .ctx = &it,
					     .adj = adj, .nadj = na };
		double t0;

		sysid(in.root, root);
		t0 = cpu();
		isis_spf_init(&spf);
		if (isis_spf_run(&spf, &in) < 0)
			return 1;
		isis_spf_free(&spf);
		t_cold[k] = cpu() - t0;
	}
	w = summarize(t_warm, runs);
	c = summarize(t_cold, runs / 10);
	printf("| full SPF + IPv4/IPv6 routes (one core, CPU time) | median | p99 | mean | min |\n");
	printf("| --- | --- | --- | --- | --- |\n");
	printf("| workspace reused (steady state), %u runs | %.3f ms | %.3f ms | %.3f ms | %.3f ms |\n",
	       runs, w.median * 1e3, w.p99 * 1e3, w.mean * 1e3, w.min * 1e3);
	printf("| fresh workspace per run, %u runs | %.3f ms | %.3f ms | %.3f ms | %.3f ms |\n\n",
	       runs / 10, c.median * 1e3, c.p99 * 1e3, c.mean * 1e3, c.min * 1e3);
	if (heap1 < heap0 + wire) {	/* mallinfo2 says nothing under ASan */
		printf("memory: n/a (mallinfo2 does not see this allocator: sanitizer build?)\n");
		goto out;
	}
	printf("| memory | total | per 1,000 LSPs | per LSP |\n");
	printf("| --- | --- | --- | --- |\n");
	printf("| wire bytes (what is stored and re-flooded) | %.2f MB | %.1f KB | %.0f B |\n",
	       (double)wire / 1e6, (double)wire * 1000 / (double)nlsp / 1e3,
	       (double)wire / (double)nlsp);
	printf("| decoded heap (structs + raw copy, mallinfo2) | %.2f MB | %.1f KB | %.0f B |\n",
	       (double)(heap1 - heap0) / 1e6, (double)(heap1 - heap0) * 1000 / (double)nlsp / 1e3,
	       (double)(heap1 - heap0) / (double)nlsp);
	printf("| decoded heap without the raw copy | %.2f MB | %.1f KB | %.0f B |\n",
	       (double)(heap1 - heap0 - wire) / 1e6,
	       (double)(heap1 - heap0 - wire) * 1000 / (double)nlsp / 1e3,
	       (double)(heap1 - heap0 - wire) / (double)nlsp);
	printf("| SPF workspace + results (after the first run) | %.2f MB | %.1f KB | %.0f B |\n",
	       (double)(heap2 - heap1) / 1e6, (double)(heap2 - heap1) * 1000 / (double)nlsp / 1e3,
	       (double)(heap2 - heap1) / (double)nlsp);
out:
	for (size_t i = 0; i < nlsp; i++) {
		isis_pdu_free(&lsp[i]);
		free(bufs[i]);
	}
	free(bufs);
	free(lens);
	free(lsp);
	free(ptr);
	free(adj);
	free(links);
	free(t_warm);
	free(t_cold);
	return 0;
}
#endif
