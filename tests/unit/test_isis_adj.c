/* test_isis_adj — Check suite for speaker/adj.c: the point-to-point adjacency FSM with
 * the RFC 5303 three-way handshake, driven by fed hellos and a fake clock. Two
 * adjacencies wired back to back (each hello encoded by speaker/pdu.c, padded to the
 * MTU, and decoded again) come Up in the RFC 5303 sequence; hold timer expiry, carrier
 * loss, config change and neighbor restarts take them down with their reasons; every
 * rejection reason is asserted with its log line (the logger writes into an
 * open_memstream buffer); a one-way link stays Initializing. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "speaker/adj.h"

static FILE *out;
static char *out_buf;
static size_t out_len, consumed;
static uint64_t log_clock;
static struct isis_adj A, B;
static struct isis_adj_actions acts;
static uint8_t wire[ISIS_MAX_PDU_LEN];

static const uint8_t SYS_A[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x01 };
static const uint8_t SYS_B[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x02 };
static const uint8_t SYS_C[6] = { 0x19, 0x21, 0x68, 0x05, 0x00, 0x03 };

/* every rate-limited line opens a new window: nothing is suppressed */
static uint64_t fake_log_clock(void)
{
	return log_clock += 60000;
}

static void circuit(struct isis_adj_circuit *c, const char *name, const uint8_t *sysid,
		    uint32_t ext, uint8_t last_octet)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->name, sizeof(c->name), "%s", name);
	memcpy(c->sysid, sysid, 6);
	c->level = ISIS_LEVEL_2;
	c->n_areas = 1;
	c->areas[0].len = 3;
	memcpy(c->areas[0].addr, "\x49\x00\x02", 3);
	c->local_circuit_id = 1;
	c->ext_circuit_id = ext;
	c->hello_interval_s = 10;
	c->hello_multiplier = 3;
	c->ipv4 = c->ipv6 = true;
	c->n_addr4 = 1;
	memcpy(c->addr4[0], (uint8_t[]){ 100, 65, 0, last_octet }, 4);
	c->n_addr6 = 1;
	memcpy(c->addr6[0], "\xfe\x80\0\0\0\0\0\0\0\0\0\0\0\0\0", 15);
	c->addr6[0][15] = last_octet;
	c->mtu = 1500;
	c->pad = true;
}

static void setup(void)
{
	struct isis_adj_circuit ca, cb;

	consumed = 0;
	out = open_memstream(&out_buf, &out_len);
	ck_assert_ptr_nonnull(out);
	log_init("kvte-test", out);
	log_set_level(LOG_LVL_INFO);
	log_set_clock(fake_log_clock);
	circuit(&ca, "r1/et2", SYS_A, 3, 2);
	circuit(&cb, "r2/et1", SYS_B, 4, 3);
	isis_adj_init(&A, &ca);
	isis_adj_init(&B, &cb);
}

static void teardown(void)
{
	fclose(out);
	free(out_buf);
	log_set_clock(NULL);
}

/* What was logged since the last call, each line from its level on ("INFO  adj: ..."). */
static char *take(void)
{
	char *res, *o, *line, *save = NULL, *text;

	ck_assert_int_eq(fflush(out), 0);
	text = strndup(out_buf + consumed, out_len - consumed);
	consumed = out_len;
	res = calloc(1, strlen(text) + 1);
	o = res;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *p = strstr(line, "] ");

		ck_assert_ptr_nonnull(p);
		o += sprintf(o, "%s\n", p + 2);
	}
	free(text);
	return res;
}

static void logged(const char *want)
{
	char *got = take();

	ck_assert_str_eq(got, want);
	free(got);
}

static size_t count(enum isis_adj_action_type t)
{
	size_t n = 0;

	for (size_t i = 0; i < acts.n; i++)
		n += acts.a[i].type == t;
	return n;
}

static const struct isis_adj_action *find(enum isis_adj_action_type t)
{
	for (size_t i = 0; i < acts.n; i++)
		if (acts.a[i].type == t)
			return &acts.a[i];
	return NULL;
}

/* Encode p (padded to pad_to) and decode it into *d, as the raw socket would. */
static void over_wire(const struct isis_pdu *p, size_t pad_to, struct isis_pdu *d)
{
	struct isis_err e = { 0 };
	size_t len;

	ck_assert_int_eq(isis_pdu_encode(p, pad_to, wire, sizeof(wire), &len), 0);
	if (pad_to)
		ck_assert_uint_eq(len, pad_to);
	ck_assert_int_eq(isis_pdu_decode(wire, len, d, &e), 0);
}

/* from's current hello, as received by the other side */
static void hello_of(const struct isis_adj *from, struct isis_pdu *d)
{
	struct isis_pdu p;

	ck_assert_int_eq(isis_adj_build_hello(from, &p), 0);
	over_wire(&p, isis_adj_pad_to(from), d);
	isis_pdu_free(&p);
}

static int deliver(const struct isis_adj *from, struct isis_adj *to, uint64_t now)
{
	struct isis_pdu d;
	int rc;

	hello_of(from, &d);
	rc = isis_adj_hello(to, &d, now, &acts);
	isis_pdu_free(&d);
	return rc;
}

static const struct isis_three_way *three_way(const struct isis_pdu *p)
{
	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == ISIS_TLV_P2P_ADJ)
			return &p->tlvs[i].u.p2p;
	return NULL;
}

/* TLV 240 in `from`'s hello: state, ext id, and (len 15) neighbor sysid / ext id */
static void check_3way(const struct isis_adj *from, uint8_t state, uint8_t len,
		       const uint8_t *nbr, uint32_t nbr_ext)
{
	struct isis_pdu d;
	const struct isis_three_way *tw;

	hello_of(from, &d);
	tw = three_way(&d);
	ck_assert_ptr_nonnull(tw);
	ck_assert_uint_eq(tw->state, state);
	ck_assert_uint_eq(tw->len, len);
	ck_assert_uint_eq(tw->ext_circuit_id, from->c.ext_circuit_id);
	if (len >= 11)
		ck_assert_mem_eq(tw->nbr_sysid, nbr, 6);
	if (len >= 15)
		ck_assert_uint_eq(tw->nbr_ext_circuit_id, nbr_ext);
	isis_pdu_free(&d);
}

static void carrier_up_both(void)
{
	isis_adj_carrier(&A, true, 0, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SEND_HELLO)->pad_to, A.c.mtu - 3);
	isis_adj_carrier(&B, true, 0, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
}

/* Both sides Up, in the RFC 5303 order; returns with the log consumed. */
static void bring_up(void)
{
	carrier_up_both();
	ck_assert_int_eq(deliver(&A, &B, 100), 0);	/* B hears A (Down) */
	ck_assert_int_eq(deliver(&B, &A, 200), 0);	/* A hears B (Init, sees A) */
	ck_assert_int_eq(deliver(&A, &B, 300), 0);	/* B hears A (Up) */
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
	free(take());
}

START_TEST(handshake_back_to_back)
{
	const struct isis_adj_action *up;

	carrier_up_both();
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	/* Down: TLV 240 carries our state and extended circuit ID only */
	check_3way(&A, ISIS_3WAY_DOWN, 5, NULL, 0);

	/* B hears A reporting Down: Down -> Initializing, sends a hello at once */
	ck_assert_int_eq(deliver(&A, &B, 100), 0);
	ck_assert_int_eq(B.state, ISIS_ADJ_INIT);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_UP), 0);
	ck_assert_uint_eq(acts.a[acts.n - 1].type, ISIS_ADJ_ACT_SCHEDULE);
	/* next: B's periodic hello (10 s after the triggered one) before its hold (30 s) */
	ck_assert_uint_eq(acts.a[acts.n - 1].at_ms, 10100);
	logged("INFO  adj: r2/et1: Down -> Initializing (event hello_down, reason: neighbor "
	       "heard, it does not see us yet)\n");
	check_3way(&B, ISIS_3WAY_INIT, 15, SYS_A, 3);

	/* A hears B reporting Initializing with A's IDs: Down -> Up */
	ck_assert_int_eq(deliver(&B, &A, 200), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	up = find(ISIS_ADJ_ACT_UP);
	ck_assert_ptr_nonnull(up);
	ck_assert_str_eq(up->reason, "neighbor sees us");
	ck_assert_mem_eq(up->nbr.sysid, SYS_B, 6);
	ck_assert_uint_eq(up->nbr.ext_circuit_id, 4);
	ck_assert_uint_eq(up->nbr.levels, ISIS_LEVEL_2);
	ck_assert_uint_eq(up->nbr.hold_time, 30);
	ck_assert_uint_eq(up->nbr.n_addr4, 1);
	ck_assert_mem_eq(up->nbr.addr4[0], "\x64\x41\x00\x03", 4);
	ck_assert_uint_eq(up->nbr.n_addr6, 1);
	ck_assert_uint_eq(up->nbr.addr6[0][0], 0xfe);
	ck_assert_uint_eq(up->nbr.addr6[0][15], 3);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	logged("INFO  adj: r1/et2: Down -> Up (event hello_init, reason: neighbor sees us)\n");
	check_3way(&A, ISIS_3WAY_UP, 15, SYS_B, 4);

	/* B hears A reporting Up: Initializing -> Up */
	ck_assert_int_eq(deliver(&A, &B, 300), 0);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_UP), 1);
	ck_assert_mem_eq(find(ISIS_ADJ_ACT_UP)->nbr.sysid, SYS_A, 6);
	logged("INFO  adj: r2/et1: Initializing -> Up (event hello_up, reason: neighbor sees "
	       "us and is Up)\n");
	check_3way(&B, ISIS_3WAY_UP, 15, SYS_A, 3);

	/* steady state: hellos are accepted, nothing logged, no hello triggered */
	ck_assert_int_eq(deliver(&B, &A, 5000), 0);
	ck_assert_int_eq(deliver(&A, &B, 5000), 0);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO) + count(ISIS_ADJ_ACT_UP), 0);
	logged("");
}
END_TEST

START_TEST(hold_timer_expiry)
{
	const struct isis_adj_action *down;

	bring_up();
	/* A last heard B at 200: hold 30 s; A's own hello timer fires at 10200 */
	ck_assert_uint_eq(isis_adj_next_due(&A), 10200);
	isis_adj_tick(&A, 10200, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SCHEDULE)->at_ms, 20200);
	isis_adj_tick(&A, 20200, &acts);
	isis_adj_tick(&A, 30199, &acts);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SCHEDULE)->at_ms, 30200);
	isis_adj_tick(&A, 30200, &acts);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	down = find(ISIS_ADJ_ACT_DOWN);
	ck_assert_ptr_nonnull(down);
	ck_assert_str_eq(down->reason, "hold time expired");
	ck_assert_mem_eq(down->nbr.sysid, SYS_B, 6);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	logged("INFO  adj: r1/et2: Up -> Down (event hold_expired, reason: hold time "
	       "expired)\n");
	check_3way(&A, ISIS_3WAY_DOWN, 5, NULL, 0);
	/* only the hello timer is left */
	ck_assert_uint_eq(isis_adj_next_due(&A), 40200);
}
END_TEST

START_TEST(hold_expiry_in_initializing)
{
	carrier_up_both();
	ck_assert_int_eq(deliver(&A, &B, 0), 0);
	ck_assert_int_eq(B.state, ISIS_ADJ_INIT);
	free(take());
	isis_adj_tick(&B, 30000, &acts);
	ck_assert_int_eq(B.state, ISIS_ADJ_DOWN);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_DOWN), 0);	/* it never was Up */
	logged("INFO  adj: r2/et1: Initializing -> Down (event hold_expired, reason: hold "
	       "time expired)\n");
}
END_TEST

START_TEST(carrier_down_at_once)
{
	bring_up();
	isis_adj_carrier(&A, false, 1000, &acts);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	ck_assert_str_eq(find(ISIS_ADJ_ACT_DOWN)->reason, "carrier lost");
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 0);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SCHEDULE)->at_ms, ISIS_TIMER_NEVER);
	logged("INFO  adj: r1/et2: Up -> Down (event carrier_down, reason: carrier lost)\n");
	/* a hello while the carrier is down is dropped */
	ck_assert_int_eq(deliver(&B, &A, 1100), -EINVAL);
	ck_assert_str_eq(A.reject, "carrier down");
	free(take());
	/* carrier back: hello at once, still Down until the neighbor answers */
	isis_adj_carrier(&A, true, 2000, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	ck_assert_uint_eq(isis_adj_next_due(&A), 12000);
	logged("");
}
END_TEST

START_TEST(config_change_resets)
{
	struct isis_adj_circuit c = A.c;

	bring_up();
	c.hello_interval_s = 3;
	c.mtu = 9000;
	isis_adj_config(&A, &c, 1000, &acts);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	ck_assert_str_eq(find(ISIS_ADJ_ACT_DOWN)->reason, "interface config changed");
	/* the triggered hello already follows the new settings */
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SEND_HELLO)->pad_to, 8997);
	ck_assert_uint_eq(isis_adj_hold_time(&A.c), 9);
	ck_assert_uint_eq(isis_adj_next_due(&A), 4000);
	logged("INFO  adj: r1/et2: Up -> Down (event config_changed, reason: interface config "
	       "changed)\n");
	/* another change while Down: no transition, no DOWN, but a hello at once */
	c.mtu = 1500;
	isis_adj_config(&A, &c, 2000, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_DOWN), 0);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_SEND_HELLO)->pad_to, 1497);
	logged("");
	/* and comes back with the neighbor */
	ck_assert_int_eq(deliver(&A, &B, 2100), 0);	/* B: Up, A says Down -> Init */
	ck_assert_int_eq(B.state, ISIS_ADJ_INIT);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_DOWN), 1);
	ck_assert_int_eq(deliver(&B, &A, 2200), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_int_eq(deliver(&A, &B, 2300), 0);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
}
END_TEST

START_TEST(neighbor_restart_new_ext_circuit_id)
{
	struct isis_adj_circuit cb = B.c;
	const struct isis_adj_action *down;

	bring_up();
	/* B restarts: a new instance with a new extended circuit ID, state Down */
	cb.ext_circuit_id = 7;
	isis_adj_init(&B, &cb);
	isis_adj_carrier(&B, true, 1000, &acts);
	ck_assert_int_eq(deliver(&B, &A, 1000), 0);
	down = find(ISIS_ADJ_ACT_DOWN);
	ck_assert_ptr_nonnull(down);
	ck_assert_str_eq(down->reason, "neighbor restarted (extended circuit ID 4 -> 7)");
	ck_assert_int_eq(A.state, ISIS_ADJ_INIT);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	logged("INFO  adj: r1/et2: Up -> Down (event nbr_changed, reason: neighbor restarted "
	       "(extended circuit ID 4 -> 7))\n"
	       "INFO  adj: r1/et2: Down -> Initializing (event hello_down, reason: neighbor "
	       "heard, it does not see us yet)\n");
	check_3way(&A, ISIS_3WAY_INIT, 15, SYS_B, 7);
	/* Up again */
	ck_assert_int_eq(deliver(&A, &B, 1100), 0);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
	ck_assert_int_eq(deliver(&B, &A, 1200), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_uint_eq(find(ISIS_ADJ_ACT_UP)->nbr.ext_circuit_id, 7);
}
END_TEST

START_TEST(neighbor_restart_same_ext_circuit_id)
{
	struct isis_adj_circuit cb = B.c;

	bring_up();
	/* RFC 5303 3.2: Up and the neighbor reports Down -> Initializing, adjacency down */
	isis_adj_init(&B, &cb);
	isis_adj_carrier(&B, true, 1000, &acts);
	ck_assert_int_eq(deliver(&B, &A, 1000), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_INIT);
	ck_assert_str_eq(find(ISIS_ADJ_ACT_DOWN)->reason,
			 "neighbor restarted (reports three-way state Down)");
	logged("INFO  adj: r1/et2: Up -> Initializing (event hello_down, reason: neighbor "
	       "restarted (reports three-way state Down))\n");
	ck_assert_int_eq(deliver(&A, &B, 1100), 0);
	ck_assert_int_eq(deliver(&B, &A, 1200), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
}
END_TEST

START_TEST(one_way_stays_initializing)
{
	carrier_up_both();
	/* A hears B; B never hears A (so B keeps reporting Down) */
	for (uint64_t t = 0; t < 120000; t += 10000) {
		ck_assert_int_eq(deliver(&B, &A, t), 0);
		isis_adj_tick(&A, t + 5000, &acts);
		ck_assert_int_eq(A.state, ISIS_ADJ_INIT);
		ck_assert_int_eq(B.state, ISIS_ADJ_DOWN);
		ck_assert_uint_eq(count(ISIS_ADJ_ACT_UP), 0);
	}
	logged("INFO  adj: r1/et2: Down -> Initializing (event hello_down, reason: neighbor "
	       "heard, it does not see us yet)\n");
	check_3way(&A, ISIS_3WAY_INIT, 15, SYS_B, 4);
}
END_TEST

START_TEST(down_ignores_neighbor_up)
{
	struct isis_pdu d;

	bring_up();
	isis_adj_carrier(&A, false, 400, &acts);
	isis_adj_carrier(&A, true, 500, &acts);
	free(take());
	/* RFC 5303 3.2: Down + received Up stays Down (our hello tells B we are Down) */
	hello_of(&B, &d);
	ck_assert_uint_eq(three_way(&d)->state, ISIS_3WAY_UP);
	ck_assert_int_eq(isis_adj_hello(&A, &d, 600, &acts), 0);
	isis_pdu_free(&d);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	logged("");
	ck_assert_int_eq(deliver(&A, &B, 700), 0);	/* B: Up -> Init */
	ck_assert_int_eq(deliver(&B, &A, 800), 0);	/* A: Down -> Up */
	ck_assert_int_eq(deliver(&A, &B, 900), 0);	/* B: Init -> Up */
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert_int_eq(B.state, ISIS_ADJ_UP);
}
END_TEST

START_TEST(two_way_neighbor)
{
	struct isis_pdu p, d;

	carrier_up_both();
	ck_assert_int_eq(isis_adj_build_hello(&B, &p), 0);
	for (size_t i = 0; i < p.ntlvs; i++)
		if (p.tlvs[i].type == ISIS_TLV_P2P_ADJ)
			p.tlvs[i].type = 250;	/* an unknown TLV instead */
	over_wire(&p, 0, &d);
	ck_assert_int_eq(isis_adj_hello(&A, &d, 100, &acts), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_UP);
	ck_assert(!find(ISIS_ADJ_ACT_UP)->nbr.three_way);
	logged("INFO  adj: r1/et2: Down -> Up (event hello_2way, reason: hello without "
	       "three-way TLV (two-way neighbor))\n");
	isis_pdu_free(&d);
	isis_pdu_free(&p);
}
END_TEST

/* --- rejections --------------------------------------------------------------------- */

enum mutation {
	M_NOT_IIH,
	M_LOOPED,
	M_CTYPE0,
	M_LEVEL,
	M_HOLD0,
	M_AREA_L1,
	M_NO_COMMON_AF,
	M_PROTOCOLS,
	M_MTU,
	M_NO_3WAY,
	M_BAD_3WAY_STATE,
	M_3WAY_NOT_US,
	M_EXT_ID,
	M_NSCASES
};

static const struct {
	const char *reject;
} cases[M_NSCASES] = {
	[M_NOT_IIH] = { "not a point-to-point IIH (PDU type 20)" },
	[M_LOOPED] = { "our own system ID (looped circuit)" },
	[M_CTYPE0] = { "circuit type 0 (reserved)" },
	[M_LEVEL] = { "level mismatch (neighbor circuit type L1, ours L2)" },
	[M_HOLD0] = { "bad holding time 0" },
	[M_AREA_L1] = { "area mismatch for L1 (neighbor area 49.0001)" },
	[M_NO_COMMON_AF] = { "no common address family (ours: IPv6, neighbor: IPv4)" },
	[M_PROTOCOLS] = { "protocols supported mismatch (ours: IPv4 IPv6, neighbor: IPv4)" },
	[M_MTU] = { "MTU mismatch (hello padded to 1497 bytes, ours 8997)" },
	[M_NO_3WAY] = { "missing three-way TLV 240 (required)" },
	[M_BAD_3WAY_STATE] = { "bad three-way state 3" },
	[M_3WAY_NOT_US] = { "three-way neighbor system ID 1921.6805.0003 is not ours" },
	[M_EXT_ID] = { "extended circuit ID mismatch (neighbor reports 99, ours 3)" },
};

static struct isis_tlv *tlv_of(struct isis_pdu *p, uint8_t type)
{
	for (size_t i = 0; i < p->ntlvs; i++)
		if (p->tlvs[i].type == type)
			return &p->tlvs[i];
	return NULL;
}

START_TEST(rejections)
{
	enum mutation m = (enum mutation)_i;
	struct isis_adj_circuit ca = A.c, cb = B.c;
	struct isis_pdu p, d;
	struct isis_tlv *t;
	size_t pad;
	char want[512];

	/* circuits first, for the cases that need another config */
	if (m == M_AREA_L1) {
		ca.level = cb.level = ISIS_LEVEL_1;
		memcpy(cb.areas[0].addr, "\x49\x00\x01", 3);
	}
	if (m == M_LEVEL)
		cb.level = ISIS_LEVEL_1;
	if (m == M_NO_COMMON_AF) {
		ca.ipv4 = false;
		cb.ipv6 = false;
	}
	if (m == M_PROTOCOLS) {
		ca.strict_protocols = true;
		cb.ipv6 = false;
	}
	if (m == M_MTU)
		ca.mtu = 9000;
	if (m == M_NO_3WAY)
		ca.require_three_way = true;
	isis_adj_init(&A, &ca);
	isis_adj_init(&B, &cb);
	carrier_up_both();
	/* B in Initializing so its TLV 240 carries neighbor fields (where B accepts A:
	 * level, area, address family and MTU mismatches are symmetric) */
	ck_assert_int_eq(deliver(&A, &B, 0), m == M_LEVEL || m == M_AREA_L1 ||
						     m == M_NO_COMMON_AF || m == M_MTU
					     ? -EINVAL
					     : 0);
	free(take());

	ck_assert_int_eq(isis_adj_build_hello(&B, &p), 0);
	pad = isis_adj_pad_to(&B);
	t = tlv_of(&p, ISIS_TLV_P2P_ADJ);
	switch (m) {
	case M_NOT_IIH:
		break;
	case M_LOOPED:
		memcpy(p.h.iih.source, SYS_A, 6);
		break;
	case M_CTYPE0:
		p.h.iih.circuit_type = 0;
		break;
	case M_HOLD0:
		p.h.iih.hold_time = 0;
		break;
	case M_NO_3WAY:
		t->type = 250;
		break;
	case M_BAD_3WAY_STATE:
		t->u.p2p.state = 3;
		break;
	case M_3WAY_NOT_US:
		memcpy(t->u.p2p.nbr_sysid, SYS_C, 6);
		break;
	case M_EXT_ID:
		t->u.p2p.nbr_ext_circuit_id = 99;
		break;
	default:
		break;
	}
	over_wire(&p, pad, &d);
	if (m == M_NOT_IIH)
		d.type = ISIS_L2_LSP;
	ck_assert_int_eq(isis_adj_hello(&A, &d, 100, &acts), -EINVAL);
	ck_assert_str_eq(A.reject, cases[m].reject);
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	ck_assert_uint_eq(A.hellos_rejected, 1);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO) + count(ISIS_ADJ_ACT_UP), 0);
	snprintf(want, sizeof(want), "WARN  adj: r1/et2: hello from %s rejected: %s\n",
		 m == M_LOOPED	 ? "1921.6805.0001"
		 : m == M_NOT_IIH ? "?"
				  : "1921.6805.0002",
		 cases[m].reject);
	logged(want);
	isis_pdu_free(&d);
	isis_pdu_free(&p);
}
END_TEST

START_TEST(neighbor_system_id_changed)
{
	struct isis_adj_circuit cc = B.c;
	struct isis_adj C;

	bring_up();
	/* another system shows up on the circuit (cabling change) */
	memcpy(cc.sysid, SYS_C, 6);
	snprintf(cc.name, sizeof(cc.name), "r3/et9");
	isis_adj_init(&C, &cc);
	isis_adj_carrier(&C, true, 1000, &acts);
	ck_assert_int_eq(deliver(&C, &A, 1000), -EINVAL);
	ck_assert_str_eq(A.reject, "neighbor system ID changed (was 1921.6805.0002, now "
				   "1921.6805.0003)");
	ck_assert_int_eq(A.state, ISIS_ADJ_DOWN);
	ck_assert_str_eq(find(ISIS_ADJ_ACT_DOWN)->reason, A.reject);
	logged("INFO  adj: r1/et2: Up -> Down (event nbr_changed, reason: neighbor system ID "
	       "changed (was 1921.6805.0002, now 1921.6805.0003))\n"
	       "WARN  adj: r1/et2: hello from 1921.6805.0003 rejected: neighbor system ID "
	       "changed (was 1921.6805.0002, now 1921.6805.0003)\n");
	/* the next hello from the new system starts a new adjacency */
	ck_assert_int_eq(deliver(&C, &A, 1100), 0);
	ck_assert_int_eq(A.state, ISIS_ADJ_INIT);
	ck_assert_mem_eq(A.nbr.sysid, SYS_C, 6);
}
END_TEST

START_TEST(l1l2_with_other_area_forms_l2_only)
{
	struct isis_adj_circuit ca = A.c, cb = B.c;
	const struct isis_adj_action *up;

	ca.level = cb.level = ISIS_LEVEL_12;
	memcpy(cb.areas[0].addr, "\x49\x00\x01", 3);
	isis_adj_init(&A, &ca);
	isis_adj_init(&B, &cb);
	carrier_up_both();
	ck_assert_int_eq(deliver(&A, &B, 0), 0);
	ck_assert_int_eq(deliver(&B, &A, 0), 0);
	up = find(ISIS_ADJ_ACT_UP);
	ck_assert_ptr_nonnull(up);
	/* ISO 10589 8.2.5.2: no common area, so level 2 only */
	ck_assert_uint_eq(up->nbr.levels, ISIS_LEVEL_2);
}
END_TEST

/* --- hellos and timers -------------------------------------------------------------- */

static uint64_t three_quarters(void *arg, uint64_t ms)
{
	(*(int *)arg)++;
	return ms - ms / 4;
}

START_TEST(jitter_hook)
{
	int calls = 0;

	isis_adj_set_jitter(&A, three_quarters, &calls);
	isis_adj_carrier(&A, true, 1000, &acts);
	ck_assert_uint_eq(isis_adj_next_due(&A), 8500);
	isis_adj_tick(&A, 8499, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 0);
	isis_adj_tick(&A, 8500, &acts);
	ck_assert_uint_eq(count(ISIS_ADJ_ACT_SEND_HELLO), 1);
	ck_assert_uint_eq(isis_adj_next_due(&A), 16000);
	ck_assert_int_eq(calls, 2);
}
END_TEST

START_TEST(hello_contents_and_padding)
{
	struct isis_pdu d;
	struct isis_tlv *t;
	size_t len;

	hello_of(&A, &d);
	ck_assert_uint_eq(d.type, ISIS_P2P_IIH);
	ck_assert_uint_eq(d.pdu_len, 1497);
	ck_assert_uint_eq(d.h.iih.circuit_type, ISIS_LEVEL_2);
	ck_assert_mem_eq(d.h.iih.source, SYS_A, 6);
	ck_assert_uint_eq(d.h.iih.hold_time, 30);
	ck_assert_uint_eq(d.h.iih.circuit_id, 1);
	t = tlv_of(&d, ISIS_TLV_AREA);
	ck_assert_uint_eq(t->n, 1);
	ck_assert_mem_eq(t->it.area[0].addr, "\x49\x00\x02", 3);
	t = tlv_of(&d, ISIS_TLV_PROTOCOLS);
	ck_assert_uint_eq(t->n, 2);
	ck_assert_uint_eq(t->it.nlpid[0], 0xcc);
	ck_assert_uint_eq(t->it.nlpid[1], 0x8e);
	t = tlv_of(&d, ISIS_TLV_IP_IFADDR);
	ck_assert_mem_eq(t->it.addr4[0], "\x64\x41\x00\x02", 4);
	t = tlv_of(&d, ISIS_TLV_IPV6_IFADDR);
	ck_assert_uint_eq(t->it.addr6[0][15], 2);
	ck_assert_ptr_nonnull(tlv_of(&d, ISIS_TLV_PADDING));
	isis_pdu_free(&d);

	/* padding off: the bare hello */
	A.c.pad = false;
	ck_assert_uint_eq(isis_adj_pad_to(&A), 0);
	ck_assert_int_eq(isis_adj_encode_hello(&A, wire, sizeof(wire), &len), 0);
	ck_assert_uint_lt(len, 100);
	/* a buffer too small for the padded hello */
	A.c.pad = true;
	ck_assert_int_eq(isis_adj_encode_hello(&A, wire, 200, &len), -EMSGSIZE);
}
END_TEST

START_TEST(names)
{
	ck_assert_str_eq(isis_adj_state_name(ISIS_ADJ_DOWN), "Down");
	ck_assert_str_eq(isis_adj_state_name(ISIS_ADJ_INIT), "Initializing");
	ck_assert_str_eq(isis_adj_state_name(ISIS_ADJ_UP), "Up");
	ck_assert_str_eq(isis_adj_state_name(ISIS_ADJ_NSTATES), "?");
	ck_assert_str_eq(isis_adj_event_name(ISIS_ADJ_EV_HOLD_EXPIRED), "hold_expired");
	ck_assert_str_eq(isis_adj_event_name(ISIS_ADJ_NEVENTS), "?");
	for (int e = 0; e < ISIS_ADJ_NEVENTS; e++)
		ck_assert_str_ne(isis_adj_event_name((enum isis_adj_event)e), "?");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("isis_adj");
	TCase *tc = tcase_create("adj");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, handshake_back_to_back);
	tcase_add_test(tc, hold_timer_expiry);
	tcase_add_test(tc, hold_expiry_in_initializing);
	tcase_add_test(tc, carrier_down_at_once);
	tcase_add_test(tc, config_change_resets);
	tcase_add_test(tc, neighbor_restart_new_ext_circuit_id);
	tcase_add_test(tc, neighbor_restart_same_ext_circuit_id);
	tcase_add_test(tc, one_way_stays_initializing);
	tcase_add_test(tc, down_ignores_neighbor_up);
	tcase_add_test(tc, two_way_neighbor);
	tcase_add_loop_test(tc, rejections, 0, M_NSCASES);
	tcase_add_test(tc, neighbor_system_id_changed);
	tcase_add_test(tc, l1l2_with_other_area_forms_l2_only);
	tcase_add_test(tc, jitter_hook);
	tcase_add_test(tc, hello_contents_and_padding);
	tcase_add_test(tc, names);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
