/* synth_ted — the deterministic synthetic TED shared by bench/bench_cspf.c and
 * bench/bench_plan.c.
 *
 * N routers "n0".."n<N-1>" (system ID 0000.<hi>.<lo>) and L bidirectional links
 * ("cables"): a ring for connectivity plus random chords; per direction a TE metric
 * 1..100 and a delay 100..5,000 µs; IGP metric 10; 10 Gb/s maximum, maximum reservable
 * and unreserved at every priority; IPv4 addresses 10.<c/256>.<c%256>.1 (a side) and .2
 * (b side). It enters the TED the real way, as decoded-LSP JSON values (ted_lsp_update,
 * schemas/ted-lsp.schema.json). With `encodable` set, each router also gets a TE router
 * ID (192.168.<i/256>.<i%256>, fc00:0:<i+1>::1), an SRv6 locator fc00:0:<i+1>::/48 with
 * End, End.DT6 and End.DX4 SIDs, each link direction an End.X SID
 * (fc00:0:<i+1>:e:<c>::), and a speakers/<node> value (ted_speaker_update,
 * schemas/speaker.schema.json) that names cable c's interface "e<c>" at both ends, so
 * the link is "n<i>:e<c>" and a path can be encoded (te-controller/encode.h). One
 * random stream (synth_rnd, fixed seed) serves the generator and the benchmark that
 * uses it, so a run is reproducible. Not part of the product. */
#ifndef KVTE_BENCH_SYNTH_TED_H
#define KVTE_BENCH_SYNTH_TED_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "te-controller/ted.h"

#define SYNTH_NONE UINT32_MAX

/* xorshift64 over one process-wide state: uniform in [0, n) (n > 0). */
uint32_t synth_rnd(uint32_t n);

struct synth_cable {
	uint32_t a, b;       /* end routers */
	uint32_t te_ab, te_ba; /* TE metric per direction */
	uint32_t d_ab, d_ba;   /* delay per direction, µs */
};

struct synth_ted {
	uint32_t n, n_cables;
	bool encodable;
	struct synth_cable *cables;
	uint32_t *adj_first; /* [n + 1]: node i's cables are adj[adj_first[i] .. adj_first[i+1]) */
	uint32_t *adj;       /* cable indexes, ascending per node */
};

/* Draw the topology (n >= 3, n_cables >= n). 0 or -ENOMEM. */
int synth_ted_make(struct synth_ted *s, uint32_t n, uint32_t n_cables, bool encodable);
void synth_ted_free(struct synth_ted *s);

/* The ted/lsp value (fragment 0) of router i, leaving out cable skip (SYNTH_NONE: keep
 * all). New reference, NULL on allocation failure. */
json_t *synth_ted_lsp(const struct synth_ted *s, uint32_t i, uint32_t skip);
/* The speakers/<n<i>> value of router i (every cable's adjacency up). */
json_t *synth_ted_speaker(const struct synth_ted *s, uint32_t i);

/* Feed every router's LSP (and, when encodable, its speaker value) to t and commit.
 * 0, or a negative errno with the TED's message in err. */
int synth_ted_load(const struct synth_ted *s, ted_t *t, char *err, size_t errlen);

/* Replace the LSPs of cable c's two routers by copies without it and commit: the link
 * goes away in both directions (the speakers still name it). 0 or -errno with err. */
int synth_ted_drop_cable(const struct synth_ted *s, ted_t *t, uint32_t c, char *err,
			 size_t errlen);

#endif
