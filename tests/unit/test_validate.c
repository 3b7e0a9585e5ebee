/* test_validate — Check suite for lib/validate.c: the bandwidth grammar (bw_parse,
 * bw_format and their round trip), LSP request / static route / admin group parsing
 * with the exact error messages operators see, JSON Schema corner cases (integral
 * reals are integers, null is not "absent"), and agreement with the schemas: every
 * file under schemas/examples/{lsp-request,static-route,admin-groups} (found through
 * $KVTE_SOURCE_DIR, which ctest sets) is accepted when valid-* and rejected when
 * invalid-*, exactly as tests/schemas/check_examples.py requires of the schemas. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "lib/jx.h"
#include "lib/validate.h"

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);

	ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, e.text);
	return v;
}

/* Validates `text` as an LSP request and expects the error `want` ("" = accepted). */
static void expect_lsp(const char *text, const char *want)
{
	static struct lsp_request r;
	char err[512];
	json_t *v = J(text);
	int rc = validate_lsp_request(v, &r, err, sizeof(err));

	json_decref(v);
	if (!*want) {
		ck_assert_msg(rc == 0, "%s rejected: %s", text, err);
		return;
	}
	ck_assert_msg(rc == -EINVAL, "%s accepted", text);
	ck_assert_str_eq(err, want);
}

static void expect_static(const char *text, const prefix_t *key, const char *want)
{
	static struct static_route r;
	char err[512];
	json_t *v = J(text);
	int rc = validate_static_route(v, key, &r, err, sizeof(err));

	json_decref(v);
	if (!*want) {
		ck_assert_msg(rc == 0, "%s rejected: %s", text, err);
		return;
	}
	ck_assert_msg(rc == -EINVAL, "%s accepted", text);
	ck_assert_str_eq(err, want);
}

static void expect_groups(const char *text, const char *want)
{
	static struct admin_groups g;
	char err[512];
	json_t *v = J(text);
	int rc = validate_admin_groups(v, &g, err, sizeof(err));

	json_decref(v);
	if (!*want) {
		ck_assert_msg(rc == 0, "%s rejected: %s", text, err);
		return;
	}
	ck_assert_msg(rc == -EINVAL, "%s accepted", text);
	ck_assert_str_eq(err, want);
}

START_TEST(bw_parse_accepts)
{
	static const struct {
		const char *s;
		uint64_t want;
	} ok[] = {
		{ "0", 0 },
		{ "7", 7 },
		{ "200000000", 200000000ULL },
		{ "200M", 200000000ULL },
		{ "1.5G", 1500000000ULL },
		{ "10k", 10000ULL },
		{ "10K", 10000ULL },
		{ "2T", 2000000000000ULL },
		{ "1.234k", 1234ULL },
		{ "0.5k", 500ULL },
		{ "0.001G", 1000000ULL },
		{ "999999999999999", 999999999999999ULL },
		{ "999.999T", 999999000000000ULL },
		{ "999999999999.999k", 999999999999999ULL },
	};
	uint64_t v;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		v = 12345;
		ck_assert_msg(bw_parse(ok[i].s, &v) == 0, "bw_parse(\"%s\") failed", ok[i].s);
		ck_assert_msg(v == ok[i].want, "bw_parse(\"%s\") = %llu", ok[i].s,
			      (unsigned long long)v);
	}
}
END_TEST

START_TEST(bw_parse_rejects)
{
	static const char *const bad[] = {
		"", "fast", "-5", "+5", " 5", "5 ", "5 M", "5m", "5g", "5Mbps", "5MM", "1.5",
		"1.", ".5k", "1.2345k", "1e9", "0x10", "00", "05M", "1,5G", "NaN", "M", "1..5G",
	};
	static const char *const range[] = {
		"1000T", "1000000000000000", "1000000000000k", "99999999999999999999999",
		"1000000G",
	};
	uint64_t v = 42;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(bw_parse(bad[i], &v) == -EINVAL, "bw_parse(\"%s\") != -EINVAL",
			      bad[i]);
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		ck_assert_msg(bw_parse(range[i], &v) == -ERANGE, "bw_parse(\"%s\") != -ERANGE",
			      range[i]);
	ck_assert_uint_eq(v, 42); /* untouched */
	ck_assert_int_eq(bw_parse(NULL, &v), -EINVAL);
	ck_assert_int_eq(bw_parse("1M", NULL), -EINVAL);
}
END_TEST

START_TEST(bw_format_shortest_and_roundtrip)
{
	static const struct {
		uint64_t bps;
		const char *want;
	} cases[] = {
		{ 0, "0" },		   { 7, "7" },
		{ 999, "999" },		   { 1000, "1k" },
		{ 1234, "1.234k" },	   { 1500, "1.5k" },
		{ 200000000, "200M" },	   { 1500000000, "1.5G" },
		{ 1250000000, "1.25G" },   { 2000000000000ULL, "2T" },
		{ 1000000001, "1000000.001k" }, { 999999999999999ULL, "999999999999.999k" },
	};
	char buf[BW_STRLEN];
	uint64_t back, x = 88172645463325252ULL;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(bw_format(cases[i].bps, buf, sizeof(buf)),
				 (int)strlen(cases[i].want));
		ck_assert_str_eq(buf, cases[i].want);
	}
	ck_assert_int_eq(bw_format(BW_MAX + 1, buf, sizeof(buf)), -EINVAL);
	ck_assert_int_eq(bw_format(200000000, buf, 4), -ENAMETOOLONG);
	ck_assert_int_eq(bw_format(200000000, buf, 5), 4);
	/* Every value formats to something bw_parse reads back exactly. */
	for (int i = 0; i < 20000; i++) {
		uint64_t bps;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bps = x % (BW_MAX + 1);
		if (i % 4 == 1)
			bps -= bps % 1000000;
		else if (i % 4 == 2)
			bps %= 100000;
		ck_assert_int_gt(bw_format(bps, buf, sizeof(buf)), 0);
		ck_assert_msg(bw_parse(buf, &back) == 0 && back == bps, "%llu -> %s",
			      (unsigned long long)bps, buf);
	}
}
END_TEST

START_TEST(lsp_request_full)
{
	struct lsp_request r;
	char err[256];
	json_t *v = J("{\"from\": \"r4\", \"to\": \"r1\", \"bandwidth\": \"1.5G\","
		      " \"setup_priority\": 3, \"hold_priority\": 1, \"metric\": \"delay\","
		      " \"include_any\": [\"gold\", \"silver\"], \"include_all\": [\"core\"],"
		      " \"exclude\": [\"red\"], \"avoid_nodes\": [\"r5\"],"
		      " \"avoid_links\": [\"r3:et4\", \"r1:et2\"], \"avoid_srlgs\": [101, 0],"
		      " \"max_hops\": 4, \"max_delay_us\": 200000,"
		      " \"explicit_hops\": [{\"node\": \"r2\", \"type\": \"loose\"}, {\"node\": \"r1\"}],"
		      " \"protection\": \"node\", \"diverse_from\": \"r1-to-r4\","
		      " \"diversity\": \"srlg\", \"comment\": \"gold traffic\"}");

	ck_assert_int_eq(validate_lsp_request(v, &r, err, sizeof(err)), 0);
	json_decref(v);
	ck_assert_str_eq(err, "");
	ck_assert_str_eq(r.from, "r4");
	ck_assert_str_eq(r.to, "r1");
	ck_assert_uint_eq(r.bandwidth_bps, 1500000000ULL);
	ck_assert_uint_eq(r.setup_priority, 3);
	ck_assert_uint_eq(r.hold_priority, 1);
	ck_assert_int_eq(r.metric, LSP_METRIC_DELAY);
	ck_assert_uint_eq(r.include_any.n, 2);
	ck_assert_str_eq(r.include_any.name[1], "silver");
	ck_assert_uint_eq(r.include_all.n, 1);
	ck_assert_uint_eq(r.exclude.n, 1);
	ck_assert_str_eq(r.exclude.name[0], "red");
	ck_assert_uint_eq(r.n_avoid_nodes, 1);
	ck_assert_str_eq(r.avoid_nodes[0], "r5");
	ck_assert_uint_eq(r.n_avoid_links, 2);
	ck_assert_str_eq(r.avoid_links[0].node, "r3");
	ck_assert_str_eq(r.avoid_links[0].ifname, "et4");
	ck_assert_uint_eq(r.n_avoid_srlgs, 2);
	ck_assert_uint_eq(r.avoid_srlgs[0], 101);
	ck_assert_uint_eq(r.max_hops, 4);
	ck_assert_uint_eq(r.max_delay_us, 200000);
	ck_assert_uint_eq(r.n_explicit_hops, 2);
	ck_assert_str_eq(r.explicit_hops[0].node, "r2");
	ck_assert_int_eq(r.explicit_hops[0].type, LSP_HOP_LOOSE);
	ck_assert_int_eq(r.explicit_hops[1].type, LSP_HOP_STRICT);
	ck_assert_int_eq(r.protection, LSP_PROTECT_NODE);
	ck_assert(r.has_diverse_from);
	ck_assert_str_eq(r.diverse_from, "r1-to-r4");
	ck_assert_int_eq(r.diversity, LSP_DIVERSE_SRLG);
}
END_TEST

START_TEST(lsp_request_defaults)
{
	struct lsp_request r;
	json_t *v = J("{\"from\": \"r1\", \"to\": \"r4\"}");

	memset(&r, 0xff, sizeof(r));
	ck_assert_int_eq(validate_lsp_request(v, &r, NULL, 0), 0);
	json_decref(v);
	ck_assert_uint_eq(r.bandwidth_bps, 0);
	ck_assert_uint_eq(r.setup_priority, 7);
	ck_assert_uint_eq(r.hold_priority, 0);
	ck_assert_int_eq(r.metric, LSP_METRIC_TE);
	ck_assert_int_eq(r.protection, LSP_PROTECT_NONE);
	ck_assert_uint_eq(r.include_any.n + r.include_all.n + r.exclude.n, 0);
	ck_assert_uint_eq(r.n_avoid_nodes + r.n_avoid_links + r.n_avoid_srlgs, 0);
	ck_assert_uint_eq(r.max_hops, 0);
	ck_assert_uint_eq(r.max_delay_us, 0);
	ck_assert_uint_eq(r.n_explicit_hops, 0);
	ck_assert(!r.has_diverse_from);
	ck_assert_int_eq(r.diversity, LSP_DIVERSE_LINK);
}
END_TEST

START_TEST(lsp_request_errors)
{
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": \"fast\"}",
		   "bandwidth: expected a number or a string like '200M', got \"fast\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": -5}",
		   "bandwidth: must not be negative, got -5");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": 1.5}",
		   "bandwidth: expected a whole number of bits/s, got 1.5");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": \"1000T\"}",
		   "bandwidth: too large: \"1000T\" is over 999999999999999 bits/s (1 Pb/s)");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": 1000000000000000}",
		   "bandwidth: too large: 1000000000000000 is over 999999999999999 bits/s (1 Pb/s)");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwith\": \"200M\"}",
		   "unknown field \"bandwith\"");
	expect_lsp("{\"from\": \"r1\"}", "to: missing");
	expect_lsp("[\"r1\", \"r4\"]", "expected an object, got an array");
	expect_lsp("{\"from\": \"r1/x\", \"to\": \"r4\"}",
		   "from: expected a router name (1..63 of A-Z a-z 0-9 . _ -), got \"r1/x\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r1\"}",
		   "to: must differ from \"from\" (both are \"r1\")");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"setup_priority\": 8}",
		   "setup_priority: expected an integer 0..7, got 8");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"setup_priority\": 3, \"hold_priority\": 5}",
		   "hold_priority: must be <= setup_priority (3), got 5");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"metric\": \"hops\"}",
		   "metric: expected one of \"te\", \"igp\", \"delay\", got \"hops\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"exclude\": [\"red\", \"blue\", \"red\"]}",
		   "exclude[2]: duplicate of exclude[0] (\"red\")");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"exclude\": \"red\"}",
		   "exclude: expected an array, got \"red\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"include_any\": [\"1st\"]}",
		   "include_any[0]: expected an admin group name (a letter, then up to 31 of "
		   "A-Z a-z 0-9 _ -), got \"1st\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"avoid_links\": [\"r3\"]}",
		   "avoid_links[0]: expected a link \"<node>:<interface>\" like \"r1:et2\", got \"r3\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"avoid_srlgs\": [4294967296]}",
		   "avoid_srlgs[0]: expected an integer 0..4294967295, got 4294967296");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"max_hops\": 0}",
		   "max_hops: expected an integer 1..255, got 0");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"explicit_hops\": [{\"node\": \"r2\"}, "
		   "{\"node\": \"r3\", \"type\": \"exact\"}]}",
		   "explicit_hops[1].type: expected one of \"strict\", \"loose\", got \"exact\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"explicit_hops\": [{\"router\": \"r2\"}]}",
		   "explicit_hops[0]: unknown field \"router\"");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"explicit_hops\": [{}]}",
		   "explicit_hops[0].node: missing");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"diversity\": \"link\"}",
		   "diversity: needs diverse_from");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"protection\": \"path\"}",
		   "protection: expected one of \"none\", \"link\", \"node\", got \"path\"");
}
END_TEST

/* JSON Schema's view: 4.0 is an integer; null is a value, not an absent field. */
START_TEST(lsp_request_schema_corners)
{
	char long_comment[600];

	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"setup_priority\": 4.0, "
		   "\"bandwidth\": 2.0e8, \"max_hops\": 3.0}", "");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"setup_priority\": 4.5}",
		   "setup_priority: expected an integer 0..7, got 4.5");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": null}",
		   "bandwidth: expected a number or a string like '200M', got null");
	expect_lsp("{\"from\": null, \"to\": \"r4\"}",
		   "from: expected a router name (1..63 of A-Z a-z 0-9 . _ -), got null");
	expect_lsp("{\"from\": \"r1\", \"to\": \"r4\", \"bandwidth\": true}",
		   "bandwidth: expected a number or a string like '200M', got true");
	/* 256 characters (not bytes) is the comment limit: é is 2 bytes, 1 character. */
	strcpy(long_comment, "{\"from\": \"r1\", \"to\": \"r4\", \"comment\": \"");
	for (int i = 0; i < 256; i++)
		strcat(long_comment, "\xc3\xa9");
	strcat(long_comment, "\"}");
	expect_lsp(long_comment, "");
	long_comment[strlen(long_comment) - 2] = '\0';
	strcat(long_comment, "x\"}");
	expect_lsp(long_comment, "comment: at most 256 characters, got 257");
}
END_TEST

START_TEST(lsp_request_null_arguments)
{
	struct lsp_request r;
	char err[128];

	ck_assert_int_eq(validate_lsp_request(NULL, &r, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "expected an object, got nothing");
	ck_assert_int_eq(validate_lsp_request(NULL, NULL, NULL, 0), -EINVAL);
}
END_TEST

START_TEST(static_route_parse)
{
	struct static_route r;
	char err[256], buf[PREFIX_STRLEN];
	prefix_t key;
	json_t *v = J("{\"prefix\": \"fc00:0:99::/48\", \"preference\": 6, \"next_hops\": "
		      "[{\"address\": \"fe80::1\", \"interface\": \"et2\"}, {\"interface\": \"et3\"}]}");

	ck_assert_int_eq(prefix_parse("fc00:0:99::/48", false, &key), 0);
	ck_assert_int_eq(validate_static_route(v, &key, &r, err, sizeof(err)), 0);
	json_decref(v);
	ck_assert_str_eq(prefix_format(&r.prefix, buf, sizeof(buf)), "fc00:0:99::/48");
	ck_assert_int_eq(r.type, STATIC_UNICAST);
	ck_assert_uint_eq(r.preference, 6);
	ck_assert_uint_eq(r.n_next_hops, 2);
	ck_assert_int_eq(r.next_hops[0].address.family, AF_INET6);
	ck_assert_str_eq(r.next_hops[0].interface, "et2");
	ck_assert_int_eq(r.next_hops[1].address.family, 0);
	ck_assert_str_eq(r.next_hops[1].interface, "et3");

	v = J("{\"prefix\": \"192.168.50.0/24\", \"type\": \"reject\"}");
	ck_assert_int_eq(validate_static_route(v, NULL, &r, err, sizeof(err)), 0);
	json_decref(v);
	ck_assert_int_eq(r.type, STATIC_REJECT);
	ck_assert_uint_eq(r.preference, STATIC_DEFAULT_PREFERENCE);
	ck_assert_uint_eq(r.n_next_hops, 0);
}
END_TEST

START_TEST(static_route_errors)
{
	prefix_t key;

	ck_assert_int_eq(prefix_parse("10.42.3.0/24", false, &key), 0);
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": [{\"interface\": \"et1\"}]}",
		      &key, "prefix: 10.42.2.0/24 does not match the key's prefix 10.42.3.0/24");
	expect_static("{\"prefix\": \"10.42.2.1/24\", \"next_hops\": [{\"interface\": \"et1\"}]}",
		      NULL,
		      "prefix: expected a prefix like \"10.42.2.0/24\", got \"10.42.2.1/24\" "
		      "(host bits set)");
	expect_static("{\"prefix\": \"10.42.2.0_24\", \"next_hops\": [{\"interface\": \"et1\"}]}",
		      NULL,
		      "prefix: expected a prefix like \"10.42.2.0/24\", got \"10.42.2.0_24\"");
	expect_static("{\"prefix\": \"10.42.2.0\", \"next_hops\": [{\"interface\": \"et1\"}]}",
		      NULL, "prefix: expected a prefix like \"10.42.2.0/24\", got \"10.42.2.0\"");
	expect_static("{\"prefix\": \"10.42.2.0/24\"}", NULL,
		      "next_hops: missing (a unicast route needs at least one)");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": []}", NULL,
		      "next_hops: needs at least one next hop");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"type\": \"blackhole\", "
		      "\"next_hops\": [{\"interface\": \"et1\"}]}",
		      NULL, "next_hops: not allowed with type \"blackhole\"");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": [{}]}", NULL,
		      "next_hops[0]: needs an address, an interface or both");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": [{\"address\": \"fe80::1\"}]}",
		      NULL, "next_hops[0].interface: missing (link-local gateway fe80::1 needs it)");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": "
		      "[{\"address\": \"100.65.0.256\"}]}",
		      NULL, "next_hops[0].address: expected an IP address like \"100.65.0.3\" or "
			    "\"fe80::1\", got \"100.65.0.256\"");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": [{\"interface\": \"et1\"}], "
		      "\"preference\": 256}",
		      NULL, "preference: expected an integer 0..255, got 256");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": [{\"interface\": \"et1\"}], "
		      "\"metric\": 5}",
		      NULL, "unknown field \"metric\"");
	expect_static("{\"prefix\": \"10.42.2.0/24\", \"next_hops\": "
		      "[{\"interface\": \"ethernet-port-0017\"}]}",
		      NULL, "next_hops[0].interface: expected an interface name (1..15 of A-Z a-z "
			    "0-9 . _ -), got \"ethernet-port-0017\"");
}
END_TEST

START_TEST(admin_groups_parse)
{
	struct admin_groups g;
	char err[256];
	json_t *v = J("{\"groups\": {\"red\": 0, \"blue\": 1, \"gold\": 2.0, \"crimson\": 0}}");

	ck_assert_int_eq(validate_admin_groups(v, &g, err, sizeof(err)), 0);
	json_decref(v);
	ck_assert_uint_eq(g.n, 4);
	ck_assert_str_eq(g.group[0].name, "blue"); /* sorted */
	ck_assert_str_eq(g.group[1].name, "crimson");
	ck_assert_str_eq(g.group[3].name, "red");
	ck_assert_int_eq(admin_groups_bit(&g, "gold"), 2);
	ck_assert_int_eq(admin_groups_bit(&g, "crimson"), 0);
	ck_assert_int_eq(admin_groups_bit(&g, "green"), -ENOENT);
	ck_assert(admin_group_name_valid("a"));
	ck_assert(admin_group_name_valid("abcdefghijklmnopqrstuvwxyz012345"));  /* 32 */
	ck_assert(!admin_group_name_valid("abcdefghijklmnopqrstuvwxyz0123456")); /* 33 */
	ck_assert(!admin_group_name_valid("_red"));
	ck_assert(!admin_group_name_valid("red.1"));
	ck_assert(!admin_group_name_valid(""));
	ck_assert(!admin_group_name_valid(NULL));
}
END_TEST

START_TEST(admin_groups_errors)
{
	expect_groups("{\"groups\": {\"red\": 0, \"blue\": 32}}",
		      "groups.blue: expected an integer 0..31, got 32");
	expect_groups("{\"groups\": {\"blue\": \"1\"}}",
		      "groups.blue: expected an integer 0..31, got \"1\"");
	expect_groups("{\"groups\": {\"dark red\": 5}}",
		      "groups[\"dark red\"]: not a valid name: expected an admin group name (a "
		      "letter, then up to 31 of A-Z a-z 0-9 _ -)");
	expect_groups("{\"comment\": \"colours\"}", "groups: missing");
	expect_groups("{\"groups\": [\"red\"]}",
		      "groups: expected an object mapping names to bits 0..31, got an array");
	expect_groups("{\"group\": {\"red\": 0}}", "unknown field \"group\"");
	expect_groups("{\"groups\": {}}", "");
}
END_TEST

/* ---- agreement with the schema examples ---- */

enum family { FAM_LSP, FAM_STATIC, FAM_GROUPS };

static int run_validator(enum family f, const json_t *v, char *err, size_t errlen)
{
	static struct lsp_request lsp;
	static struct static_route route;
	static struct admin_groups groups;

	switch (f) {
	case FAM_LSP:
		return validate_lsp_request(v, &lsp, err, errlen);
	case FAM_STATIC:
		return validate_static_route(v, NULL, &route, err, errlen);
	case FAM_GROUPS:
		return validate_admin_groups(v, &groups, err, errlen);
	}
	return -EINVAL;
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static void check_examples(const char *family, enum family f)
{
	const char *src = getenv("KVTE_SOURCE_DIR");
	char dir[4096], path[4200], err[512];
	char *names[256];
	size_t n = 0, valid = 0, invalid = 0;
	struct dirent *de;
	DIR *d;

	ck_assert_msg(src && *src, "KVTE_SOURCE_DIR is not set (run through ctest)");
	snprintf(dir, sizeof(dir), "%s/schemas/examples/%s", src, family);
	d = opendir(dir);
	ck_assert_msg(d != NULL, "cannot open %s", dir);
	while ((de = readdir(d)) && n < 256) {
		size_t len = strlen(de->d_name);

		if (len > 5 && strcmp(de->d_name + len - 5, ".json") == 0)
			names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(names[0]), cmp_names);
	for (size_t i = 0; i < n; i++) {
		bool want_ok = strncmp(names[i], "valid-", 6) == 0;
		jx_ctx c;
		json_t *v;
		int rc;

		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		jx_init(&c, path);
		v = jx_load_file(&c, path);
		ck_assert_msg(v != NULL, "%s", c.err);
		rc = run_validator(f, v, err, sizeof(err));
		json_decref(v);
		if (want_ok) {
			ck_assert_msg(rc == 0, "%s/%s: valid example rejected: %s", family,
				      names[i], err);
			printf("ok   %s/%s\n", family, names[i]);
			valid++;
		} else {
			ck_assert_msg(strncmp(names[i], "invalid-", 8) == 0, "%s: bad name",
				      names[i]);
			ck_assert_msg(rc == -EINVAL, "%s/%s: invalid example accepted", family,
				      names[i]);
			printf("ok   %s/%s: %s\n", family, names[i], err);
			invalid++;
		}
		free(names[i]);
	}
	ck_assert_msg(valid > 0 && invalid > 0, "%s: needs valid and invalid examples", family);
}

START_TEST(schema_examples_lsp_request)
{
	check_examples("lsp-request", FAM_LSP);
}
END_TEST

START_TEST(schema_examples_static_route)
{
	check_examples("static-route", FAM_STATIC);
}
END_TEST

START_TEST(schema_examples_admin_groups)
{
	check_examples("admin-groups", FAM_GROUPS);
}
END_TEST

static Suite *validate_suite(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("validate");

	tcase_add_test(tc, bw_parse_accepts);
	tcase_add_test(tc, bw_parse_rejects);
	tcase_add_test(tc, bw_format_shortest_and_roundtrip);
	tcase_add_test(tc, lsp_request_full);
	tcase_add_test(tc, lsp_request_defaults);
	tcase_add_test(tc, lsp_request_errors);
	tcase_add_test(tc, lsp_request_schema_corners);
	tcase_add_test(tc, lsp_request_null_arguments);
	tcase_add_test(tc, static_route_parse);
	tcase_add_test(tc, static_route_errors);
	tcase_add_test(tc, admin_groups_parse);
	tcase_add_test(tc, admin_groups_errors);
	tcase_add_test(tc, schema_examples_lsp_request);
	tcase_add_test(tc, schema_examples_static_route);
	tcase_add_test(tc, schema_examples_admin_groups);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(validate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
