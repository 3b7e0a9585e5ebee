/* bench_isis_decode — IS-IS LSP decode + validate throughput of the PDU codec.
 *
 * DESIGN §12 / issue #3 (target: over 1 GB/s of LSPs). The corpus is the realistic LSPs
 * of bench_spf.c's synthetic networks (included from there: TE links with the sub-TLVs
 * kvte originates, /31 per link, loopbacks, locator, hostname, capability; fragments of
 * at most 12 neighbors), 1,000 nodes / 4,000 links and 5,000 / 20,000 (a corpus larger
 * than the caches). Timed on one core (thread CPU time), best and median of several
 * passes over the whole corpus: isis_pdu_decode (header checks, ISO 8473 Fletcher
 * checksum verification, every TLV and sub-TLV decoded, the raw copy) + isis_pdu_free
 * one LSP at a time (streaming: the allocator reuses hot memory), then decoding the
 * whole corpus into kept structs (as an LSDB holds them), freeing them all, and the
 * checksum alone (the floor of "validate").
 * malloc/calloc/realloc/free are counted (forwarded to glibc's __libc_* functions; not
 * under ASan) to show what decoding allocates. Prints markdown (bench/run-speaker.sh).
 * Timings are never pass/fail. Usage: bench_isis_decode [--passes P] */
#define BENCH_SPF_NO_MAIN
#include "bench_spf.c"

#if !defined(__SANITIZE_ADDRESS__)
#define COUNT_ALLOCS 1
static size_t n_alloc, n_realloc;

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t k, size_t n);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);

void *malloc(size_t n)
{
	n_alloc++;
	return __libc_malloc(n);
}

void *calloc(size_t k, size_t n)
{
	n_alloc++;
	return __libc_calloc(k, n);
}

void *realloc(void *p, size_t n)
{
	n_realloc++;
	return __libc_realloc(p, n);
}

void free(void *p)
{
	__libc_free(p);
}
#endif

struct corpus {
	uint32_t nodes, links;
	uint8_t **buf;
	size_t *len;
	size_t n;
	size_t bytes;
};

static void corpus_build(struct corpus *c, uint32_t nodes, uint32_t nlinks)
{
	struct link *l = calloc(nlinks, sizeof(*l));

	c->nodes = nodes;
	c->links = nlinks;
	if (!l || gen_links(nodes, nlinks, l) < 0)
		exit(1);
	c->n = build_lsps(nodes, l, nlinks, &c->buf, &c->len);
	c->bytes = 0;
	for (size_t i = 0; i < c->n; i++)
		c->bytes += c->len[i];
	free(l);
}

static void corpus_free(struct corpus *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->buf[i]);
	free(c->buf);
	free(c->len);
}

struct result {
	double full, decode, free_, cksum;	/* best seconds per pass */
	double full_med;
	double allocs, reallocs;		/* per LSP */
	double heap;				/* decoded heap bytes per LSP */
};

static void run(const struct corpus *c, unsigned passes, struct result *r)
{
	struct isis_pdu *p = calloc(c->n, sizeof(*p));
	double *full = calloc(passes, sizeof(double));
	struct isis_err e;
	volatile size_t sink = 0;

	if (!p || !full)
		exit(1);
	memset(r, 0, sizeof(*r));
	r->decode = r->free_ = r->cksum = 1e9;
	for (unsigned k = 0; k < passes; k++) {
		double t0 = cpu();

		for (size_t i = 0; i < c->n; i++) {
			struct isis_pdu d;

			if (isis_pdu_decode(c->buf[i], c->len[i], &d, &e) < 0) {
				fprintf(stderr, "LSP %zu: %s\n", i, e.reason);
				exit(1);
			}
			sink += d.ntlvs;
			isis_pdu_free(&d);
		}
		full[k] = cpu() - t0;
	}
	for (unsigned k = 0; k < passes; k++) {
		size_t a0 = 0, r0 = 0, h0 = mallinfo2().uordblks;
		double t0, t1, t2;

#ifdef COUNT_ALLOCS
		a0 = n_alloc;
		r0 = n_realloc;
#endif
		t0 = cpu();
		for (size_t i = 0; i < c->n; i++)
			if (isis_pdu_decode(c->buf[i], c->len[i], &p[i], &e) < 0)
				exit(1);
		t1 = cpu();
#ifdef COUNT_ALLOCS
		r->allocs = (double)(n_alloc - a0) / (double)c->n;
		r->reallocs = (double)(n_realloc - r0) / (double)c->n;
#else
		(void)a0;
		(void)r0;
#endif
		r->heap = mallinfo2().uordblks > h0 ?
			  (double)(mallinfo2().uordblks - h0) / (double)c->n : 0;	/* 0: ASan */
		for (size_t i = 0; i < c->n; i++)
			isis_pdu_free(&p[i]);
		t2 = cpu();
		if (t1 - t0 < r->decode)
			r->decode = t1 - t0;
		if (t2 - t1 < r->free_)
			r->free_ = t2 - t1;
		t0 = cpu();
		for (size_t i = 0; i < c->n; i++)
			sink += isis_lsp_checksum_ok(c->buf[i], c->len[i]);
		t1 = cpu();
		if (t1 - t0 < r->cksum)
			r->cksum = t1 - t0;
	}
	qsort(full, passes, sizeof(double), cmp_double);
	r->full = full[0];
	r->full_med = full[passes / 2];
	(void)sink;
	free(full);
	free(p);
}

static double gbps(size_t bytes, double s)
{
	return (double)bytes / s / 1e9;
}

int main(int argc, char **argv)
{
	unsigned passes = 20;
	const uint32_t sizes[][2] = { { 1000, 4000 }, { 5000, 20000 } };

	for (int i = 1; i + 1 < argc; i += 2)
		if (!strcmp(argv[i], "--passes"))
			passes = (unsigned)strtoul(argv[i + 1], NULL, 10);
	if (passes < 3) {
		fprintf(stderr, "usage: bench_isis_decode [--passes P>=3]\n");
		return 2;
	}
	printf("| corpus | LSPs | bytes | decode+validate+free one at a time, best (median) | decode+validate, all kept (LSDB-like) | free all | checksum only | mallocs per LSP (of them realloc) | decoded heap per LSP |\n");
	printf("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
	for (size_t k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
		struct corpus c;
		struct result r;

		corpus_build(&c, sizes[k][0], sizes[k][1]);
		run(&c, passes, &r);
		printf("| %u nodes / %u links | %zu | %.2f MB (%.0f B/LSP) | %.3f GB/s (%.3f), %.0f LSP/s "
		       "| %.3f GB/s | %.3f GB/s | %.2f GB/s | %.0f (%.0f) | %.1f KB |\n",
		       c.nodes, c.links, c.n, (double)c.bytes / 1e6, (double)c.bytes / (double)c.n,
		       gbps(c.bytes, r.full), gbps(c.bytes, r.full_med), (double)c.n / r.full,
		       gbps(c.bytes, r.decode), gbps(c.bytes, r.free_), gbps(c.bytes, r.cksum),
		       r.allocs + r.reallocs, r.reallocs, r.heap / 1e3);
		corpus_free(&c);
	}
	printf("\n%u passes per corpus, one core (thread CPU time); GB/s = LSP bytes / time.\n",
	       passes);
	return 0;
}
