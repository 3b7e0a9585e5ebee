/* test_bgp_exa_msg — Check suite for bgp/exa_msg.c: every ExaBGP 4.2 message shape of
 * /work/shared/notes/exabgp-api.md (tests/data/bgp/messages.jsonl holds them verbatim:
 * state connected/up/down, UPDATE with every attribute, withdraw, EOR, notification,
 * shutdown, IPv6 with large communities, a "send" echo), the compact NLRI form, acks
 * and text lines; malformed lines (bad JSON, missing fields, wrong types, wrong
 * family) each give their specific error and leave the message empty; a bad line
 * between good ones costs only itself. */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "bgp/exa_msg.h"

static char err[512];
static char lines[16][2048];
static int n_lines;

static void load_lines(void)
{
	char path[1024];
	const char *src = getenv("KVTE_SOURCE_DIR");
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/bgp/messages.jsonl", src ? src : ".");
	f = fopen(path, "r");
	ck_assert_msg(f != NULL, "cannot open %s", path);
	n_lines = 0;
	while (n_lines < 16 && fgets(lines[n_lines], sizeof(lines[0]), f))
		n_lines++;
	fclose(f);
	ck_assert_int_eq(n_lines, 12);
}

static int parse(const char *s, struct exa_msg *m)
{
	return exa_msg_parse(s, strlen(s), m, err, sizeof(err));
}

static const char *pfx(const prefix_t *p)
{
	static char b[PREFIX_STRLEN];

	return prefix_format(p, b, sizeof(b));
}

static const char *ad(const addr_t *a)
{
	static char b[ADDR_STRLEN];

	return addr_format(a, b, sizeof(b));
}

START_TEST(state_messages)
{
	struct exa_msg m;

	load_lines();
	ck_assert_int_eq(parse(lines[0], &m), 0);
	ck_assert_int_eq(m.kind, EXA_STATE);
	ck_assert_int_eq(m.state, EXA_ST_CONNECTED);
	ck_assert_str_eq(ad(&m.nb.peer), "10.255.0.2");
	ck_assert_str_eq(ad(&m.nb.local), "10.255.0.1");
	ck_assert_uint_eq(m.nb.peer_asn, 65000);
	ck_assert(m.time > 1795322809.2 && m.time < 1795322809.3);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[1], &m), 0);
	ck_assert_int_eq(m.state, EXA_ST_UP);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[7], &m), 0);
	ck_assert_int_eq(m.state, EXA_ST_DOWN);
	ck_assert_str_eq(m.reason, "peer reset, message (notification received (6,2)) "
				   "error(Cease / Administrative Shutdown)");
	exa_msg_free(&m);
}
END_TEST

START_TEST(update_with_attributes)
{
	struct exa_msg m;

	load_lines();
	ck_assert_int_eq(parse(lines[2], &m), 0);
	ck_assert_int_eq(m.kind, EXA_UPDATE);
	ck_assert(!m.send);
	ck_assert_uint_eq(m.n_announce, 1);
	ck_assert_uint_eq(m.n_withdraw, 0);
	ck_assert_str_eq(pfx(&m.announce[0].prefix), "192.0.2.0/24");
	ck_assert_str_eq(ad(&m.announce[0].next_hop), "10.255.0.2");
	ck_assert_int_eq(m.attrs->origin, BGP_ORIGIN_IGP);
	ck_assert_uint_eq(m.attrs->as_path_len, 2);
	ck_assert_uint_eq(m.attrs->as_path[0], 64512);
	ck_assert_uint_eq(m.attrs->as_path[1], 64513);
	ck_assert(m.attrs->has_med && m.attrs->med == 50);
	ck_assert(m.attrs->has_local_pref && m.attrs->local_pref == 200);
	ck_assert_uint_eq(m.attrs->n_communities, 3);
	ck_assert_uint_eq(m.attrs->communities[0], 65000u << 16 | 100);
	ck_assert_uint_eq(m.attrs->communities[2], 0xFFFFFF01u); /* no-export */
	exa_msg_free(&m);
	/* no as-path (iBGP-originated) */
	ck_assert_int_eq(parse(lines[3], &m), 0);
	ck_assert_uint_eq(m.attrs->as_path_len, 0);
	ck_assert(m.attrs->has_med && m.attrs->med == 0);
	exa_msg_free(&m);
}
END_TEST

START_TEST(withdraw_eor_notification_shutdown)
{
	struct exa_msg m;

	load_lines();
	ck_assert_int_eq(parse(lines[4], &m), 0);
	ck_assert(m.eor);
	ck_assert_int_eq(m.eor_family, AF_INET);
	ck_assert_uint_eq(m.n_announce + m.n_withdraw, 0);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[5], &m), 0);
	ck_assert_uint_eq(m.n_withdraw, 1);
	ck_assert_str_eq(pfx(&m.withdraw[0]), "198.51.100.0/24");
	ck_assert_ptr_null(m.attrs);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[6], &m), 0);
	ck_assert_int_eq(m.kind, EXA_NOTIFICATION);
	ck_assert_int_eq(m.code, 6);
	ck_assert_int_eq(m.subcode, 2);
	ck_assert_str_eq(m.data, "0x");
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[8], &m), 0);
	ck_assert_int_eq(m.kind, EXA_SHUTDOWN);
	ck_assert(!m.has_neighbor);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[11], &m), 0);
	ck_assert(m.send && m.eor);
	exa_msg_free(&m);
}
END_TEST

START_TEST(ipv6_update)
{
	struct exa_msg m;

	load_lines();
	ck_assert_int_eq(parse(lines[9], &m), 0);
	ck_assert_uint_eq(m.n_announce, 2);
	ck_assert_str_eq(pfx(&m.announce[1].prefix), "2001:db8:43::/48");
	ck_assert_str_eq(ad(&m.announce[0].next_hop), "fc00:ff::17");
	ck_assert_int_eq(m.attrs->origin, BGP_ORIGIN_INCOMPLETE);
	ck_assert_uint_eq(m.attrs->as_path_len, 3);
	ck_assert_uint_eq(m.attrs->n_large, 1);
	ck_assert_uint_eq(m.attrs->large[0].global, 65003);
	ck_assert_uint_eq(m.attrs->large[0].local2, 2);
	ck_assert(!m.attrs->has_med && !m.attrs->has_local_pref);
	exa_msg_free(&m);
	ck_assert_int_eq(parse(lines[10], &m), 0);
	ck_assert_uint_eq(m.n_withdraw, 1);
	ck_assert_str_eq(pfx(&m.withdraw[0]), "2001:db8:43::/48");
	exa_msg_free(&m);
}
END_TEST

#define NB "\"neighbor\": { \"address\": { \"local\": \"10.0.0.1\", \"peer\": \"10.0.0.2\" }, " \
	   "\"asn\": { \"local\": 1, \"peer\": 2 }"

START_TEST(compact_and_other_families)
{
	struct exa_msg m;

	ck_assert_int_eq(parse("{\"type\":\"update\"," NB ",\"message\":{\"update\":{"
			       "\"attribute\":{\"origin\":\"egp\"},\"announce\":{\"ipv4 unicast\":"
			       "{\"10.0.0.2\":[\"10.1.0.0/16\",\"10.2.0.0/16\"]},\"ipv4 flow\":{}}}}}}",
			       &m), 0);
	ck_assert_uint_eq(m.n_announce, 2);
	ck_assert_uint_eq(m.skipped, 1);
	ck_assert_int_eq(m.attrs->origin, BGP_ORIGIN_EGP);
	exa_msg_free(&m);
	ck_assert_int_eq(parse("{\"type\":\"keepalive\"," NB "}}", &m), 0);
	ck_assert_int_eq(m.kind, EXA_OTHER);
	ck_assert_str_eq(m.type, "keepalive");
	exa_msg_free(&m);
}
END_TEST

START_TEST(acks_and_text)
{
	struct exa_msg m;

	ck_assert_int_eq(parse("done", &m), 0);
	ck_assert_int_eq(m.kind, EXA_ACK_DONE);
	ck_assert_int_eq(parse("error\r", &m), 0);
	ck_assert_int_eq(m.kind, EXA_ACK_ERROR);
	ck_assert_int_eq(parse("shutdown", &m), 0);
	ck_assert_int_eq(m.kind, EXA_ACK_SHUTDOWN);
	ck_assert_int_eq(parse("Peer            AS        up/down state", &m), 0);
	ck_assert_int_eq(m.kind, EXA_TEXT);
	ck_assert_int_eq(parse("[1,2]", &m), 0); /* only '{' opens JSON (notes §5) */
	ck_assert_int_eq(m.kind, EXA_TEXT);
	ck_assert_int_eq(parse("   ", &m), 0);
	ck_assert_int_eq(m.kind, EXA_EMPTY);
}
END_TEST

static void bad(const char *line, const char *expect)
{
	struct exa_msg m;

	ck_assert_msg(parse(line, &m) == -EINVAL, "accepted: %s", line);
	ck_assert_msg(strstr(err, expect) != NULL, "error \"%s\" lacks \"%s\"", err, expect);
	ck_assert_ptr_null(m.attrs);
	ck_assert_ptr_null(m.announce);
	ck_assert_uint_eq(m.n_announce, 0);
}

START_TEST(malformed_lines)
{
	bad("{ \"type\": \"state\", ", "1:");
	bad("{\"type\":\"state\",\"type\":\"up\"}", "duplicate");
	bad("{\"time\":1}", "type: missing");
	bad("{\"type\":7}", "type: expected a string");
	bad("{\"type\":\"state\"}", "neighbor: missing");
	bad("{\"type\":\"state\",\"neighbor\":{\"address\":{\"local\":\"10.0.0.1\"},"
	    "\"asn\":{\"local\":1,\"peer\":2},\"state\":\"up\"}}",
	    "neighbor.address.peer: missing");
	bad("{\"type\":\"state\",\"neighbor\":{\"address\":{\"local\":\"10.0.0.1\",\"peer\":\"x\"},"
	    "\"asn\":{\"local\":1,\"peer\":2},\"state\":\"up\"}}",
	    "neighbor.address.peer:");
	bad("{\"type\":\"state\"," NB ",\"state\":\"sideways\"}}", "neighbor.state:");
	bad("{\"type\":\"state\"," NB "}}", "neighbor.state: missing");
	bad("{\"type\":\"state\",\"neighbor\":{\"address\":{\"local\":\"10.0.0.1\",\"peer\":"
	    "\"10.0.0.2\"},\"asn\":{\"local\":\"1\",\"peer\":2},\"state\":\"up\"}}",
	    "neighbor.asn.local: expected an integer");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"announce\":{\"ipv4 unicast\":"
	    "{\"10.0.0.2\":[{\"nlri\":\"10.1.0.0/16\"}]}}}}}}",
	    "neighbor.message.update.attribute: missing");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"attribute\":{\"origin\":"
	    "\"igp\",\"med\":\"fifty\"},\"announce\":{\"ipv4 unicast\":{\"10.0.0.2\":"
	    "[{\"nlri\":\"10.1.0.0/16\"}]}}}}}}",
	    "neighbor.message.update.attribute.med: expected an integer");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"attribute\":{\"origin\":"
	    "\"igp\",\"community\":[[65000]]},\"announce\":{\"ipv4 unicast\":{\"10.0.0.2\":"
	    "[{\"nlri\":\"10.1.0.0/16\"}]}}}}}}",
	    "attribute.community[0]: expected an array of 2 numbers");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"attribute\":{\"origin\":"
	    "\"igp\",\"as-path\":[1,\"x\"]},\"announce\":{\"ipv4 unicast\":{\"10.0.0.2\":"
	    "[{\"nlri\":\"10.1.0.0/16\"}]}}}}}}",
	    "attribute.as-path[1]: expected an AS number");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"attribute\":{\"origin\":"
	    "\"igp\"},\"announce\":{\"ipv4 unicast\":{\"bogus\":[{\"nlri\":\"10.1.0.0/16\"}]}}}}}}",
	    "announce[\"ipv4 unicast\"].bogus: next hop is not an IP address");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"attribute\":{\"origin\":"
	    "\"igp\"},\"announce\":{\"ipv4 unicast\":{\"10.0.0.2\":[{\"nlri\":\"2001:db8::/32\"}]}}}}}}",
	    "expected an IPv4 prefix, got \"2001:db8::/32\"");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"update\":{\"withdraw\":{\"ipv6 unicast\":"
	    "[{\"prefix\":\"2001:db8::/32\"}]}}}}}",
	    "withdraw[\"ipv6 unicast\"][0].nlri: missing");
	bad("{\"type\":\"update\"," NB ",\"message\":{\"eor\":{\"afi\":\"ipv4\"}}}}",
	    "neighbor.message.eor.safi: missing");
	bad("{\"type\":\"notification\"," NB ",\"notification\":{\"code\":6}}}",
	    "neighbor.notification.subcode: missing");
}
END_TEST

/* a bad line between two good ones: the good ones parse exactly as alone */
START_TEST(bad_line_costs_only_itself)
{
	struct exa_msg m;

	load_lines();
	ck_assert_int_eq(parse(lines[2], &m), 0);
	exa_msg_free(&m);
	ck_assert_int_eq(parse("{\"type\": \"update\", \"neighbor\": 3}", &m), -EINVAL);
	ck_assert_int_eq(parse(lines[3], &m), 0);
	ck_assert_uint_eq(m.n_announce, 1);
	ck_assert_str_eq(pfx(&m.announce[0].prefix), "198.51.100.0/24");
	exa_msg_free(&m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgp_exa_msg");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, state_messages);
	tcase_add_test(tc, update_with_attributes);
	tcase_add_test(tc, withdraw_eor_notification_shutdown);
	tcase_add_test(tc, ipv6_update);
	tcase_add_test(tc, compact_and_other_families);
	tcase_add_test(tc, acks_and_text);
	tcase_add_test(tc, malformed_lines);
	tcase_add_test(tc, bad_line_costs_only_itself);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
