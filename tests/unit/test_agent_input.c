/* test_agent_input — Check suite for fib-agent/agent_input.c: what one etcd value means
 * to r1's FIB agent. Every family the parser handles is fed the valid examples of its
 * schema (schemas/examples/{rib-isis-route,rib-te-tunnel,rib-sid,rib-protect,
 * static-route,bgp-route}, found through $KVTE_SOURCE_DIR, which ctest sets) under keys
 * built with lib/keys.h, and the resulting candidate / tunnel / SID / bypass / BGP
 * route is checked field by field (preferences 18/15, "main" = 254, "lo" as the default
 * SID device, local_pref 100 by default...). Other nodes' keys and unknown families are
 * ignored without being parsed; bgp/routes/ of every node is parsed. Errors are checked
 * by rc and by the words of the message ("<key>: <path>: <reason>"). agent_bgp_cmp is
 * checked step by step of the best-path order, for symmetry and on extreme values.
 * Last, every example (valid and invalid) is truncated at every length, byte-mutated
 * with a fixed seed and mutated field by field, and every result must be 0 with sane
 * contents or a negative errno with a message naming the key (ASan/UBSan watch the
 * rest). Tests marked "Regression" pin bugs this suite found (and that were fixed). */
#include <check.h>
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "fib-agent/agent_input.h"
#include "lib/jx.h"
#include "lib/keys.h"

#define ERRLEN 512

static keys_t K;

static void setup(void)
{
	ck_assert_int_eq(keys_init(&K, NULL), 0);
}

static const char *src_dir(void)
{
	const char *s = getenv("KVTE_SOURCE_DIR");

	return s ? s : ".";
}

static addr_t A(const char *s)
{
	addr_t a;

	ck_assert_msg(addr_parse(s, &a) == 0, "addr_parse(\"%s\")", s);
	return a;
}

static prefix_t P(const char *s)
{
	prefix_t p;

	ck_assert_msg(prefix_parse(s, false, &p) == 0, "prefix_parse(\"%s\")", s);
	return p;
}

#define ck_addr(a, s)                                                                      \
	do {                                                                               \
		addr_t want_ = A(s);                                                       \
		char got_[ADDR_STRLEN];                                                    \
		ck_assert_msg(addr_cmp((a), &want_) == 0, "%s: got %s, want %s", #a,       \
			      addr_format((a), got_, sizeof(got_)), (s));                  \
	} while (0)

#define ck_prefix(p, s)                                                                    \
	do {                                                                               \
		prefix_t want_ = P(s);                                                     \
		char got_[PREFIX_STRLEN];                                                  \
		ck_assert_msg(prefix_cmp((p), &want_) == 0, "%s: got %s, want %s", #p,     \
			      prefix_format((p), got_, sizeof(got_)), (s));                \
	} while (0)

#define ck_contains(hay, needle)                                                           \
	ck_assert_msg(strstr((hay), (needle)) != NULL, "\"%s\" does not contain \"%s\"",   \
		      (hay), (needle))

/* ---- keys, built only through lib/keys.h ---------------------------------------- */

static const char *key_isis(char *buf, const char *node, const char *pfx)
{
	prefix_t p = P(pfx);

	ck_assert_int_gt(keys_rib_isis_route(&K, node, &p, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_static(char *buf, const char *node, const char *pfx)
{
	prefix_t p = P(pfx);

	ck_assert_int_gt(keys_static_route(&K, node, &p, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_te(char *buf, const char *node, const char *lsp)
{
	ck_assert_int_gt(keys_rib_te_tunnel(&K, node, lsp, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_sid(char *buf, const char *node, const char *sid)
{
	struct key_sid s = { .is_label = false, .addr = A(sid) };

	ck_assert_int_gt(keys_rib_sid(&K, node, &s, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_label(char *buf, const char *node, uint32_t label)
{
	struct key_sid s = { .is_label = true, .label = label };

	ck_assert_int_gt(keys_rib_sid(&K, node, &s, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_protect(char *buf, const char *node, const char *ifname)
{
	struct key_link l;

	ck_assert_int_eq(keys_link_make(node, ifname, &l), 0);
	ck_assert_int_gt(keys_rib_protect(&K, node, &l, buf, KEYS_MAX), 0);
	return buf;
}

static const char *key_bgp(char *buf, const char *pfx, const char *node)
{
	prefix_t p = P(pfx);

	ck_assert_int_gt(keys_bgp_route(&K, &p, node, buf, KEYS_MAX), 0);
	return buf;
}

/* ---- examples ------------------------------------------------------------------- */

static char *read_path(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s: %s", path, strerror(errno));
	ck_assert_int_eq(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	ck_assert_int_ge(n, 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	ck_assert_ptr_nonnull(buf);
	ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = (size_t)n;
	return buf;
}

/* The text of schemas/examples/<family>/<file> (free()). */
static char *example(const char *family, const char *file)
{
	char path[1024];

	snprintf(path, sizeof(path), "%s/schemas/examples/%s/%s", src_dir(), family, file);
	return read_path(path, NULL);
}

static json_t *J(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, JSON_REJECT_DUPLICATES, &e);

	ck_assert_msg(v != NULL, "bad test JSON %s: %s", text, e.text);
	return v;
}

static json_t *example_json(const char *family, const char *file)
{
	char *t = example(family, file);
	json_t *v = J(t);

	free(t);
	return v;
}

/* ---- parsing ---------------------------------------------------------------------- */

static struct agent_input IN; /* large: kept off the stack */
static char ERR[ERRLEN];

/* Parses a copy of value[0..len) with no terminating NUL (so ASan sees any read past
 * the length) as `node`'s agent. */
static int parse_n(const char *node, const char *key, const char *value, size_t len)
{
	char *copy = malloc(len ? len : 1);
	int rc;

	ck_assert_ptr_nonnull(copy);
	memcpy(copy, value, len);
	memset(&IN, 0xa5, sizeof(IN)); /* the parser must not rely on a clean output */
	strcpy(ERR, "");
	rc = agent_input_parse(&K, node, key, copy, len, &IN, ERR, sizeof(ERR));
	free(copy);
	return rc;
}

static int parse(const char *node, const char *key, const char *value)
{
	return parse_n(node, key, value, strlen(value));
}

static int parse_json(const char *node, const char *key, const json_t *v)
{
	char *t = jx_dumps(v);
	int rc;

	ck_assert_ptr_nonnull(t);
	rc = parse(node, key, t);
	free(t);
	return rc;
}

/* Expects rc 0 and kind. */
#define ck_ok(rc, k)                                                                       \
	do {                                                                               \
		int rc_ = (rc);                                                            \
		ck_assert_msg(rc_ == 0, "rc %d: %s", rc_, ERR);                            \
		ck_assert_int_eq(IN.kind, (k));                                            \
	} while (0)

/* Expects rc `want` with a message that starts with "<key>:" and holds the substrings. */
static void expect_err(const char *node, const char *key, const char *value, int want,
		       const char *sub1, const char *sub2)
{
	int rc = parse(node, key, value);

	ck_assert_msg(rc == want, "%s = %s: rc %d, want %d (err \"%s\")", key, value, rc, want,
		      ERR);
	ck_assert_msg(strncmp(ERR, key, strlen(key)) == 0 && ERR[strlen(key)] == ':',
		      "err \"%s\" does not start with the key %s", ERR, key);
	if (sub1)
		ck_contains(ERR, sub1);
	if (sub2)
		ck_contains(ERR, sub2);
}

static void expect_err_json(const char *node, const char *key, const json_t *v, int want,
			    const char *sub1, const char *sub2)
{
	char *t = jx_dumps(v);

	ck_assert_ptr_nonnull(t);
	expect_err(node, key, t, want, sub1, sub2);
	free(t);
}

/* ---- IS-IS routes --------------------------------------------------------------- */

START_TEST(isis_examples)
{
	char key[KEYS_MAX], *t;

	t = example("rib-isis-route", "valid-r1-to-r4-loopback.json");
	ck_ok(parse("r1", key_isis(key, "r1", "192.168.50.4/32"), t), AGENT_IN_ISIS);
	ck_prefix(&IN.cand.prefix, "192.168.50.4/32");
	ck_assert_int_eq(IN.cand.source, RIB_SRC_ISIS);
	ck_assert_str_eq(IN.cand.origin, "");
	ck_assert_int_eq(IN.cand.preference, 18);
	ck_assert_uint_eq(IN.cand.metric, 20);
	ck_assert_uint_eq(IN.cand.n_nh, 1);
	ck_addr(&IN.cand.nh[0].gateway, "100.65.0.3");
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et2");
	ck_assert_str_eq(IN.cand.nh[0].tunnel, "");
	ck_assert_uint_eq(IN.cand.nh[0].n_segs, 0);
	ck_assert_uint_eq(IN.cand.nh[0].n_labels, 0);
	ck_assert(addr_is_unset(&IN.cand.protocol_next_hop));
	free(t);

	t = example("rib-isis-route", "valid-ecmp-ipv6.json");
	ck_ok(parse("r1", key_isis(key, "r1", "fc00:0:5::/48"), t), AGENT_IN_ISIS);
	ck_prefix(&IN.cand.prefix, "fc00:0:5::/48");
	ck_assert_int_eq(IN.cand.source, RIB_SRC_ISIS);
	ck_assert_int_eq(IN.cand.preference, 18);
	ck_assert_uint_eq(IN.cand.metric, 30);
	ck_assert_uint_eq(IN.cand.n_nh, 2);
	ck_addr(&IN.cand.nh[0].gateway, "fe80::a8c1:abff:fe12:3402");
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et2");
	ck_addr(&IN.cand.nh[1].gateway, "fe80::a8c1:abff:fe12:3701");
	ck_assert_str_eq(IN.cand.nh[1].ifname, "et3");
	free(t);

	t = example("rib-isis-route", "valid-link-subnet.json");
	ck_ok(parse("r1", key_isis(key, "r1", "100.65.0.8/31"), t), AGENT_IN_ISIS);
	ck_prefix(&IN.cand.prefix, "100.65.0.8/31");
	ck_assert_uint_eq(IN.cand.metric, 20);
	ck_assert_uint_eq(IN.cand.n_nh, 2);
	ck_addr(&IN.cand.nh[0].gateway, "100.65.0.3");
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et2");
	ck_addr(&IN.cand.nh[1].gateway, "100.65.0.7");
	ck_assert_str_eq(IN.cand.nh[1].ifname, "et3");
	free(t);
}
END_TEST

START_TEST(isis_level_and_limits)
{
	char key[KEYS_MAX];
	json_t *v = example_json("rib-isis-route", "valid-r1-to-r4-loopback.json");
	json_t *nhs = json_object_get(v, "next_hops");

	key_isis(key, "r1", "192.168.50.4/32");
	json_object_set_new(v, "level", json_integer(1));
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_assert_int_eq(IN.cand.preference, 15);
	json_object_set_new(v, "level", json_integer(2));
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_assert_int_eq(IN.cand.preference, 18);

	/* the whole metric range */
	json_object_set_new(v, "metric", json_integer(4294967295LL));
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_assert_uint_eq(IN.cand.metric, 4294967295u);
	json_object_set_new(v, "metric", json_integer(0));
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_assert_uint_eq(IN.cand.metric, 0);

	/* an IPv4 route over an IPv6 next hop (RFC 5549) is fine */
	json_object_set_new(json_array_get(nhs, 0), "address", json_string("fe80::1"));
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_addr(&IN.cand.nh[0].gateway, "fe80::1");

	/* 16 next hops fit, 17 do not */
	while (json_array_size(nhs) < RIB_MAX_NH) {
		char ifn[16];
		json_t *nh = json_object();

		snprintf(ifn, sizeof(ifn), "et%zu", json_array_size(nhs) + 10);
		json_object_set_new(nh, "interface", json_string(ifn));
		json_object_set_new(nh, "address", json_string("100.65.0.9"));
		json_array_append_new(nhs, nh);
	}
	ck_ok(parse_json("r1", key, v), AGENT_IN_ISIS);
	ck_assert_uint_eq(IN.cand.n_nh, RIB_MAX_NH);
	ck_assert_str_eq(IN.cand.nh[RIB_MAX_NH - 1].ifname, "et25");
	json_array_append(nhs, json_array_get(nhs, 1));
	expect_err_json("r1", key, v, -EINVAL, "next_hops: expected 1..16 next hops, got 17",
			NULL);
	json_array_clear(nhs);
	expect_err_json("r1", key, v, -EINVAL, "next_hops: expected 1..16 next hops, got 0",
			NULL);
	json_decref(v);
}
END_TEST

/* ---- TE tunnels ----------------------------------------------------------------- */

START_TEST(te_example)
{
	char key[KEYS_MAX], *t;
	json_t *v;

	t = example("rib-te-tunnel", "valid-srv6-r1-to-r4.json");
	ck_ok(parse("r1", key_te(key, "r1", "r1-to-r4"), t), AGENT_IN_TE);
	ck_assert_str_eq(IN.te.lsp, "r1-to-r4");
	ck_assert_uint_eq(IN.te.n_dest, 2);
	ck_prefix(&IN.te.dest[0], "192.168.50.4/32");
	ck_prefix(&IN.te.dest[1], "fc00:0:4::1/128");
	ck_assert_uint_eq(IN.te.metric, 128);
	ck_addr(&IN.te.nh.gateway, "fe80::a8c1:abff:fe12:3402");
	ck_assert_str_eq(IN.te.nh.ifname, "et2");
	ck_assert_str_eq(IN.te.nh.tunnel, "r1-to-r4");
	ck_assert_uint_eq(IN.te.nh.n_segs, 3);
	ck_addr(&IN.te.nh.segs[0], "fc00:0:1:e002::");
	ck_addr(&IN.te.nh.segs[1], "fc00:0:2:e002::");
	ck_addr(&IN.te.nh.segs[2], "fc00:0:4:d4::");
	ck_assert_uint_eq(IN.te.nh.n_labels, 0);
	ck_assert(IN.te.has_backup);
	ck_assert_str_eq(IN.te.backup_ifname, "et2");
	ck_addr(&IN.te.backup_nh.gateway, "fe80::a8c1:abff:fe12:3701");
	ck_assert_str_eq(IN.te.backup_nh.ifname, "et3");
	ck_assert_str_eq(IN.te.backup_nh.tunnel, "r1-to-r4");
	ck_assert_uint_eq(IN.te.backup_nh.n_segs, 3);
	ck_addr(&IN.te.backup_nh.segs[0], "fc00:0:1:e003::");
	ck_addr(&IN.te.backup_nh.segs[1], "fc00:0:3:e002::");
	ck_addr(&IN.te.backup_nh.segs[2], "fc00:0:2:d6::");

	/* no backup, no metric */
	v = J(t);
	json_object_del(v, "backup");
	json_object_del(v, "metric");
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);
	ck_assert(!IN.te.has_backup);
	ck_assert_str_eq(IN.te.backup_ifname, "");
	ck_assert_uint_eq(IN.te.backup_nh.n_segs, 0);
	ck_assert_uint_eq(IN.te.metric, 0);
	ck_assert_uint_eq(IN.te.nh.n_segs, 3);

	/* 10 segments and 8 destinations fit */
	json_t *segs = json_object_get(v, "segments"), *dests = json_object_get(v, "destinations");

	while (json_array_size(segs) < RIB_MAX_SEGS)
		json_array_append_new(segs, json_string("fc00:0:9::1"));
	for (int i = 0; json_array_size(dests) < AGENT_MAX_DESTS; i++) {
		char d[32];

		snprintf(d, sizeof(d), "10.9.%d.0/24", i);
		json_array_append_new(dests, json_string(d));
	}
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);
	ck_assert_uint_eq(IN.te.nh.n_segs, RIB_MAX_SEGS);
	ck_addr(&IN.te.nh.segs[RIB_MAX_SEGS - 1], "fc00:0:9::1");
	ck_assert_uint_eq(IN.te.n_dest, AGENT_MAX_DESTS);
	ck_prefix(&IN.te.dest[AGENT_MAX_DESTS - 1], "10.9.5.0/24");
	json_decref(v);
	free(t);

	/* SR-MPLS tunnels: the label stack rides on the first hop, no segments */
	t = example("rib-te-tunnel", "valid-mpls-r4-to-r1.json");
	ck_ok(parse("r4", key_te(key, "r4", "r4-to-r1"), t), AGENT_IN_TE);
	ck_assert(IN.te.mpls);
	ck_assert_uint_eq(IN.te.nh.n_segs, 0);
	ck_assert_uint_eq(IN.te.nh.n_labels, 2);
	ck_assert_uint_eq(IN.te.nh.labels[0], 24021);
	ck_assert_uint_eq(IN.te.nh.labels[1], 24012);
	ck_addr(&IN.te.nh.gateway, "100.65.0.4");
	ck_assert_str_eq(IN.te.nh.ifname, "et1");
	ck_assert_str_eq(IN.te.nh.tunnel, "r4-to-r1");
	ck_assert(!IN.te.has_backup);
	free(t);
	t = example("rib-te-tunnel", "valid-mpls-r1-to-r4-backup.json");
	ck_ok(parse("r1", key_te(key, "r1", "r1-to-r4"), t), AGENT_IN_TE);
	ck_assert(IN.te.mpls);
	ck_assert_uint_eq(IN.te.nh.n_labels, 1);
	ck_assert_uint_eq(IN.te.nh.labels[0], 24024);
	ck_assert(IN.te.has_backup);
	ck_assert_str_eq(IN.te.backup_ifname, "et2");
	ck_assert_str_eq(IN.te.backup_nh.ifname, "et3");
	ck_addr(&IN.te.backup_nh.gateway, "100.65.0.7");
	ck_assert_uint_eq(IN.te.backup_nh.n_labels, 2);
	ck_assert_uint_eq(IN.te.backup_nh.labels[0], 24032);
	ck_assert_uint_eq(IN.te.backup_nh.labels[1], 24024);
	ck_assert_uint_eq(IN.te.backup_nh.n_segs, 0);
	ck_assert_str_eq(IN.te.backup_nh.tunnel, "r1-to-r4");
	free(t);
	/* a one-link path: nothing to push */
	t = example("rib-te-tunnel", "valid-mpls-one-link-empty-stack.json");
	ck_ok(parse("r1", key_te(key, "r1", "r1-to-r2"), t), AGENT_IN_TE);
	ck_assert(IN.te.mpls);
	ck_assert_uint_eq(IN.te.nh.n_labels, 0);
	ck_assert_uint_eq(IN.te.nh.n_segs, 0);
	ck_assert_uint_eq(IN.te.n_dest, 2);
	free(t);
	/* an SRv6 tunnel is not mpls */
	t = example("rib-te-tunnel", "valid-srv6-r1-to-r4.json");
	ck_ok(parse("r1", key_te(key, "r1", "r1-to-r4"), t), AGENT_IN_TE);
	ck_assert(!IN.te.mpls);
	free(t);
}
END_TEST

/* ---- SIDs ----------------------------------------------------------------------- */

START_TEST(sid_examples)
{
	char key[KEYS_MAX], *t;
	json_t *v;

	t = example("rib-sid", "valid-end.json");
	ck_ok(parse("r1", key_sid(key, "r1", "fc00:0:1:e000::"), t), AGENT_IN_SID);
	ck_assert_int_eq(IN.sid.behavior, NL_SID_END);
	ck_prefix(&IN.sid.sid, "fc00:0:1:e000::/128");
	ck_assert_str_eq(IN.sid.ifname, "lo");
	ck_assert(addr_is_unset(&IN.sid.nh6));
	ck_assert(addr_is_unset(&IN.sid.nh4));
	ck_assert_uint_eq(IN.sid.table, 0);
	ck_assert_uint_eq(IN.sid.n_segs, 0);
	v = J(t);
	json_object_set_new(v, "interface", json_string("dum0"));
	ck_ok(parse_json("r1", key, v), AGENT_IN_SID);
	ck_assert_str_eq(IN.sid.ifname, "dum0");
	json_decref(v);
	free(t);

	t = example("rib-sid", "valid-end-x.json");
	ck_ok(parse("r1", key_sid(key, "r1", "fc00:0:1:e002::"), t), AGENT_IN_SID);
	ck_assert_int_eq(IN.sid.behavior, NL_SID_END_X);
	ck_prefix(&IN.sid.sid, "fc00:0:1:e002::/128");
	ck_addr(&IN.sid.nh6, "fe80::a8c1:abff:fe12:3402");
	ck_assert_str_eq(IN.sid.ifname, "et2");
	ck_assert(addr_is_unset(&IN.sid.nh4));
	ck_assert_uint_eq(IN.sid.table, 0);
	ck_assert_uint_eq(IN.sid.n_segs, 0);
	free(t);

	t = example("rib-sid", "valid-end-dt6.json");
	ck_ok(parse("r1", key_sid(key, "r1", "fc00:0:2:d6::"), t), AGENT_IN_SID);
	ck_assert_int_eq(IN.sid.behavior, NL_SID_END_DT6);
	ck_prefix(&IN.sid.sid, "fc00:0:2:d6::/128");
	ck_assert_uint_eq(IN.sid.table, 254);
	ck_assert_uint_eq(IN.sid.table, NL_TABLE_MAIN);
	ck_assert_str_eq(IN.sid.ifname, "lo");
	ck_assert(addr_is_unset(&IN.sid.nh6));
	v = J(t);
	json_object_set_new(v, "table", json_integer(100));
	ck_ok(parse_json("r1", key, v), AGENT_IN_SID);
	ck_assert_uint_eq(IN.sid.table, 100);
	json_object_set_new(v, "table", json_integer(4294967295LL));
	ck_ok(parse_json("r1", key, v), AGENT_IN_SID);
	ck_assert_uint_eq(IN.sid.table, 4294967295u);
	json_decref(v);
	free(t);

	t = example("rib-sid", "valid-end-dx4.json");
	ck_ok(parse("r1", key_sid(key, "r1", "fc00:0:4:d4::"), t), AGENT_IN_SID);
	ck_assert_int_eq(IN.sid.behavior, NL_SID_END_DX4);
	ck_prefix(&IN.sid.sid, "fc00:0:4:d4::/128");
	ck_addr(&IN.sid.nh4, "0.0.0.0");
	ck_assert_int_eq(IN.sid.nh4.family, AF_INET);
	ck_assert_str_eq(IN.sid.ifname, "lo");
	ck_assert(addr_is_unset(&IN.sid.nh6));
	v = J(t);
	json_object_set_new(v, "nh4", json_string("100.65.0.17"));
	json_object_set_new(v, "interface", json_string("et4"));
	ck_ok(parse_json("r1", key, v), AGENT_IN_SID);
	ck_addr(&IN.sid.nh4, "100.65.0.17");
	ck_assert_str_eq(IN.sid.ifname, "et4");
	json_decref(v);
	free(t);

	t = example("rib-sid", "valid-end-b6-encaps.json");
	ck_ok(parse("r1", key_sid(key, "r1", "fc00:0:2:b601::"), t), AGENT_IN_SID);
	ck_assert_int_eq(IN.sid.behavior, NL_SID_END_B6_ENCAPS);
	ck_prefix(&IN.sid.sid, "fc00:0:2:b601::/128");
	ck_assert_uint_eq(IN.sid.n_segs, 2);
	ck_addr(&IN.sid.segs[0], "fc00:0:3:e002::");
	ck_addr(&IN.sid.segs[1], "fc00:0:4:d6::");
	ck_assert(addr_is_unset(&IN.sid.segs[2]));
	ck_assert_str_eq(IN.sid.ifname, "lo");
	ck_assert_uint_eq(IN.sid.table, 0);
	free(t);

	/* MPLS labels: AF_MPLS routes */
	t = example("rib-sid", "valid-mpls-pop.json");
	ck_ok(parse("r1", key_label(key, "r1", 24002), t), AGENT_IN_LABEL);
	ck_assert_uint_eq(IN.label.label, 24002);
	ck_assert_uint_eq(IN.label.n_nh, 1);
	ck_assert_str_eq(IN.label.nh[0].ifname, "et2");
	ck_addr(&IN.label.nh[0].gateway, "100.65.0.3");
	ck_assert_uint_eq(IN.label.nh[0].n_labels, 0); /* pop */
	free(t);
	t = example("rib-sid", "valid-mpls-swap.json");
	ck_ok(parse("r1", key_label(key, "r1", 16004), t), AGENT_IN_LABEL);
	ck_assert_uint_eq(IN.label.label, 16004);
	ck_assert_uint_eq(IN.label.nh[0].n_labels, 1);
	ck_assert_uint_eq(IN.label.nh[0].labels[0], 16004);
	ck_assert_str_eq(IN.label.nh[0].ifname, "et2");
	free(t);
	t = example("rib-sid", "valid-mpls-pop-lookup.json");
	ck_ok(parse("r1", key_label(key, "r1", 16001), t), AGENT_IN_LABEL);
	ck_assert_uint_eq(IN.label.label, 16001);
	ck_assert_uint_eq(IN.label.n_nh, 1);
	ck_assert_str_eq(IN.label.nh[0].ifname, "lo");
	ck_assert(addr_is_unset(&IN.label.nh[0].gateway));
	ck_assert_uint_eq(IN.label.nh[0].n_labels, 0);
	free(t);
}
END_TEST

/* ---- bypasses ------------------------------------------------------------------- */

START_TEST(protect_examples)
{
	char key[KEYS_MAX], *t;

	t = example("rib-protect", "valid-r1-et2-link.json");
	ck_ok(parse("r1", key_protect(key, "r1", "et2"), t), AGENT_IN_PROTECT);
	ck_assert_str_eq(IN.protect.ifname, "et2");
	ck_addr(&IN.protect.nh.gateway, "fe80::a8c1:abff:fe12:3701");
	ck_assert_str_eq(IN.protect.nh.ifname, "et3");
	ck_assert_uint_eq(IN.protect.nh.n_segs, 3);
	ck_addr(&IN.protect.nh.segs[0], "fc00:0:1:e003::");
	ck_addr(&IN.protect.nh.segs[1], "fc00:0:3:e002::");
	ck_addr(&IN.protect.nh.segs[2], "fc00:0:2:d6::");
	ck_assert_uint_eq(IN.protect.nh.n_labels, 0);
	ck_assert_str_eq(IN.protect.merge_point, "r2");
	ck_assert(!IN.protect.mpls);
	free(t);

	/* r2's MPLS bypass: not r1's business; r2's agent takes its label stack */
	t = example("rib-protect", "valid-r2-et2-node-mpls.json");
	ck_ok(parse("r1", key_protect(key, "r2", "et2"), t), AGENT_IN_IGNORE);
	ck_ok(parse("r2", key, t), AGENT_IN_PROTECT);
	ck_assert(IN.protect.mpls);
	ck_assert_str_eq(IN.protect.ifname, "et2");
	ck_assert_str_eq(IN.protect.nh.ifname, "et3");
	ck_addr(&IN.protect.nh.gateway, "100.65.0.9");
	ck_assert_uint_eq(IN.protect.nh.n_labels, 2);
	ck_assert_uint_eq(IN.protect.nh.labels[0], 24035);
	ck_assert_uint_eq(IN.protect.nh.labels[1], 24054);
	ck_assert_uint_eq(IN.protect.nh.n_segs, 0);
	ck_assert_str_eq(IN.protect.merge_point, "r4");
	free(t);
	t = example("rib-protect", "valid-r1-et2-link-mpls.json");
	ck_ok(parse("r1", key_protect(key, "r1", "et2"), t), AGENT_IN_PROTECT);
	ck_assert(IN.protect.mpls);
	ck_assert_uint_eq(IN.protect.nh.n_labels, 1);
	ck_assert_uint_eq(IN.protect.nh.labels[0], 24032);
	free(t);
}
END_TEST

/* ---- static routes -------------------------------------------------------------- */

START_TEST(static_examples)
{
	char key[KEYS_MAX], *t;

	t = example("static-route", "valid-via-address.json");
	ck_ok(parse("r1", key_static(key, "r1", "10.42.2.0/24"), t), AGENT_IN_STATIC);
	ck_prefix(&IN.cand.prefix, "10.42.2.0/24");
	ck_assert_int_eq(IN.cand.source, RIB_SRC_STATIC);
	ck_assert_str_eq(IN.cand.origin, "");
	ck_assert_int_eq(IN.cand.preference, 5);
	ck_assert_uint_eq(IN.cand.n_nh, 1);
	ck_addr(&IN.cand.nh[0].gateway, "100.65.0.5");
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et2");
	ck_assert_str_eq(IN.cand.nh[0].tunnel, "");
	free(t);

	t = example("static-route", "valid-default-via-interface.json");
	ck_ok(parse("r1", key_static(key, "r1", "0.0.0.0/0"), t), AGENT_IN_STATIC);
	ck_prefix(&IN.cand.prefix, "0.0.0.0/0");
	ck_assert_int_eq(IN.cand.preference, 5);
	ck_assert_uint_eq(IN.cand.n_nh, 1);
	ck_assert(addr_is_unset(&IN.cand.nh[0].gateway));
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et1");
	free(t);

	t = example("static-route", "valid-ecmp-ipv6.json");
	ck_ok(parse("r1", key_static(key, "r1", "fc00:0:99::/48"), t), AGENT_IN_STATIC);
	ck_prefix(&IN.cand.prefix, "fc00:0:99::/48");
	ck_assert_int_eq(IN.cand.preference, 6);
	ck_assert_uint_eq(IN.cand.n_nh, 2);
	ck_addr(&IN.cand.nh[0].gateway, "fe80::1");
	ck_assert_str_eq(IN.cand.nh[0].ifname, "et2");
	ck_addr(&IN.cand.nh[1].gateway, "fe80::2");
	ck_assert_str_eq(IN.cand.nh[1].ifname, "et3");
	free(t);

	t = example("static-route", "valid-blackhole.json");
	expect_err("r1", key_static(key, "r1", "192.168.50.0/24"), t, -EOPNOTSUPP,
		   "not supported by the agent yet", NULL);
	free(t);
	expect_err("r1", key, "{\"prefix\":\"192.168.50.0/24\",\"type\":\"reject\"}", -EOPNOTSUPP,
		   "not supported by the agent yet", NULL);
}
END_TEST

/* ---- BGP routes ----------------------------------------------------------------- */

START_TEST(bgp_examples)
{
	char key[KEYS_MAX], *t;
	json_t *v;

	t = example("bgp-route", "valid-r4-from-ex2.json");
	key_bgp(key, "10.42.2.0/24", "r4");
	/* every node's agent reads every border node's routes */
	static const char *const readers[] = { "r1", "r4", "ex2" };

	for (size_t i = 0; i < 3; i++) {
		ck_ok(parse(readers[i], key, t), AGENT_IN_BGP);
		ck_prefix(&IN.bgp.prefix, "10.42.2.0/24");
		ck_assert_str_eq(IN.bgp.node, "r4");
		ck_addr(&IN.bgp.protocol_next_hop, "192.168.50.4");
		ck_addr(&IN.bgp.external_next_hop, "100.65.0.17");
		ck_assert_uint_eq(IN.bgp.local_pref, 100);
		ck_assert_uint_eq(IN.bgp.as_path_len, 1);
		ck_assert_uint_eq(IN.bgp.origin, 0);
		ck_assert_uint_eq(IN.bgp.med, 0);
	}
	v = J(t);
	json_object_set_new(v, "local_pref", json_integer(250));
	json_object_set_new(v, "med", json_integer(77));
	json_object_set_new(v, "origin", json_string("egp"));
	json_object_set_new(v, "as_path", json_array());
	ck_ok(parse_json("r1", key, v), AGENT_IN_BGP);
	ck_assert_uint_eq(IN.bgp.local_pref, 250);
	ck_assert_uint_eq(IN.bgp.med, 77);
	ck_assert_uint_eq(IN.bgp.origin, 1);
	ck_assert_uint_eq(IN.bgp.as_path_len, 0);
	json_decref(v);
	free(t);

	t = example("bgp-route", "valid-ipv6-prepended.json");
	ck_ok(parse("r1", key_bgp(key, "2001:db8:42::/48", "r4"), t), AGENT_IN_BGP);
	ck_prefix(&IN.bgp.prefix, "2001:db8:42::/48");
	ck_assert_str_eq(IN.bgp.node, "r4");
	ck_addr(&IN.bgp.protocol_next_hop, "fc00:0:4::1");
	ck_addr(&IN.bgp.external_next_hop, "fc00:ff::17");
	ck_assert_uint_eq(IN.bgp.local_pref, 100); /* absent: 100 */
	ck_assert_uint_eq(IN.bgp.as_path_len, 3);
	ck_assert_uint_eq(IN.bgp.origin, 2);
	ck_assert_uint_eq(IN.bgp.med, 0); /* absent: 0 */
	free(t);

	/* the reader's own border routes too */
	t = example("bgp-route", "valid-r4-from-ex2.json");
	v = J(t);
	json_object_set_new(v, "node", json_string("r1"));
	ck_ok(parse_json("r1", key_bgp(key, "10.42.2.0/24", "r1"), v), AGENT_IN_BGP);
	ck_assert_str_eq(IN.bgp.node, "r1");
	json_decref(v);
	free(t);
}
END_TEST

/* ---- what is ignored ------------------------------------------------------------ */

START_TEST(ignored_keys)
{
	char key[KEYS_MAX];
	struct key_link l;
	prefix_t p = P("10.42.2.0/24");
	const char *garbage = "{{ not json";

	/* another node's keys of every per-node family, with values never parsed */
	ck_ok(parse("r1", key_isis(key, "r2", "192.168.50.4/32"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_te(key, "r2", "r2-to-r4"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_sid(key, "r2", "fc00:0:2:e001::"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_label(key, "r2", 24002), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_protect(key, "r2", "et1"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_static(key, "r2", "10.42.2.0/24"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r1", key_isis(key, "r10", "192.168.50.4/32"), garbage), AGENT_IN_IGNORE);
	ck_ok(parse("r10", key_isis(key, "r1", "192.168.50.4/32"), garbage), AGENT_IN_IGNORE);
	/* while the same keys of r1 are parsed (and this value refused) */
	ck_assert_int_eq(parse("r1", key_isis(key, "r1", "192.168.50.4/32"), garbage), -EINVAL);
	ck_assert_int_eq(parse("r1", key_te(key, "r1", "r1-to-r4"), garbage), -EINVAL);
	ck_assert_int_eq(parse("r1", key_sid(key, "r1", "fc00:0:1:e001::"), garbage), -EINVAL);
	ck_assert_int_eq(parse("r1", key_protect(key, "r1", "et2"), garbage), -EINVAL);
	ck_assert_int_eq(parse("r1", key_static(key, "r1", "10.42.2.0/24"), garbage), -EINVAL);
	ck_assert_int_eq(parse("r1", key_bgp(key, "10.42.2.0/24", "r2"), garbage), -EINVAL);

	/* families the agent does not read, even r1's */
	ck_assert_int_gt(keys_lsp_request(&K, "r1-to-r4", key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_admin_groups(&K, key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_speaker(&K, "r1", key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_te_path(&K, "r1-to-r4", key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_eq(keys_link_make("r1", "et2", &l), 0);
	ck_assert_int_gt(keys_te_link(&K, &l, key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_te_leader(&K, key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_bgp_announce(&K, "r1", &p, key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_bgp_originate(&K, "r1", &p, key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);
	ck_assert_int_gt(keys_agent_state(&K, "r1", key, sizeof(key)), 0);
	ck_ok(parse("r1", key, garbage), AGENT_IN_IGNORE);

	/* not kvte keys at all */
	static const char *const nonkeys[] = {
		"", "garbage", "/kvte/", "/kvte/rib/r1/isis/10.42.2.1_24",
		"/kvte/rib/r1/isis/FC00:0:5::_48", "/kvte/rib/r1/sid/024002",
		"/kvte/rib/r1/bogus/x", "/other/rib/r1/isis/10.42.2.0_24",
		"/kvte/rib/r1/protect/r2:et1", "/kvte/rib/r1/isis/10.42.2.0_24/extra",
	};
	for (size_t i = 0; i < sizeof(nonkeys) / sizeof(nonkeys[0]); i++) {
		ck_assert_msg(parse("r1", nonkeys[i], garbage) == 0, "%s", nonkeys[i]);
		ck_assert_msg(IN.kind == AGENT_IN_IGNORE, "%s: kind %d", nonkeys[i], IN.kind);
	}
}
END_TEST

/* ---- errors --------------------------------------------------------------------- */

START_TEST(errors_generic)
{
	char key[KEYS_MAX];

	key_isis(key, "r1", "192.168.50.4/32");
	expect_err("r1", key, "{\"prefix\":", -EINVAL, NULL, NULL);
	expect_err("r1", key, "hello", -EINVAL, NULL, NULL);
	expect_err("r1", key, "", -EINVAL, NULL, NULL);
	expect_err("r1", key, "{\"a\":1,\"a\":2}", -EINVAL, NULL, NULL); /* duplicate keys */
	expect_err("r1", key, "[1,2]", -EINVAL, "expected a JSON object", NULL);
	expect_err("r1", key, "[]", -EINVAL, "expected a JSON object", NULL);
	expect_err("r1", key_te(key, "r1", "r1-to-r4"), "[{}]", -EINVAL, "expected a JSON object",
		   NULL);
	expect_err("r1", key_bgp(key, "10.42.2.0/24", "r4"), "[\"x\"]", -EINVAL,
		   "expected a JSON object", NULL);
	/* an empty object: the first required field is named */
	expect_err("r1", key_isis(key, "r1", "192.168.50.4/32"), "{}", -EINVAL, "prefix: missing",
		   NULL);
	expect_err("r1", key_sid(key, "r1", "fc00:0:1:e000::"), "{}", -EINVAL, "behavior: missing",
		   NULL);
	expect_err("r1", key_protect(key, "r1", "et2"), "{}", -EINVAL, "link: missing", NULL);
}
END_TEST

START_TEST(errors_isis)
{
	char key[KEYS_MAX];
	json_t *v = example_json("rib-isis-route", "valid-r1-to-r4-loopback.json");
	json_t *nh0 = json_array_get(json_object_get(v, "next_hops"), 0);

	key_isis(key, "r1", "192.168.50.4/32");
	json_object_set_new(v, "prefix", json_string("192.168.50.5/32"));
	expect_err_json("r1", key, v, -EINVAL, "prefix: differs from the key's prefix", NULL);
	json_object_set_new(v, "prefix", json_string("192.168.50.4/31"));
	expect_err_json("r1", key, v, -EINVAL, "prefix: ", NULL);
	json_object_set_new(v, "prefix", json_string("192.168.50.4/32"));

	json_object_set_new(v, "level", json_integer(3));
	expect_err_json("r1", key, v, -EINVAL, "level: ", "got 3");
	json_object_set_new(v, "level", json_integer(2));
	json_object_set_new(v, "metric", json_integer(-1));
	expect_err_json("r1", key, v, -EINVAL, "metric: ", "got -1");
	json_object_set_new(v, "metric", json_integer(4294967296LL));
	expect_err_json("r1", key, v, -EINVAL, "metric: ", NULL);
	json_object_set_new(v, "metric", json_integer(20));

	json_object_set_new(nh0, "address", json_integer(12));
	expect_err_json("r1", key, v, -EINVAL, "next_hops[0].address: expected an IP address",
			"got 12");
	json_object_set_new(nh0, "address", json_string("100.65.0.3"));
	json_object_set_new(nh0, "interface", json_string("abcdefghijklmnop"));
	expect_err_json("r1", key, v, -EINVAL, "next_hops[0].interface", NULL);
	json_object_del(nh0, "interface");
	expect_err_json("r1", key, v, -EINVAL, "next_hops[0].interface: missing", NULL);
	json_object_set_new(nh0, "interface", json_string("et2"));

	json_object_del(v, "next_hops");
	expect_err_json("r1", key, v, -EINVAL, "next_hops: missing", NULL);
	json_object_set_new(v, "next_hops", json_object());
	expect_err_json("r1", key, v, -EINVAL, "next_hops: expected an array", NULL);
	json_decref(v);

	/* an IPv6 route needs IPv6 next hops (the second one here) */
	v = example_json("rib-isis-route", "valid-ecmp-ipv6.json");
	key_isis(key, "r1", "fc00:0:5::/48");
	json_object_set_new(json_array_get(json_object_get(v, "next_hops"), 1), "address",
			    json_string("100.65.0.7"));
	expect_err_json("r1", key, v, -EINVAL,
			"next_hops[1].address: an IPv6 route needs an IPv6 next hop", NULL);
	json_decref(v);
}
END_TEST

START_TEST(errors_te)
{
	char key[KEYS_MAX];
	json_t *v = example_json("rib-te-tunnel", "valid-srv6-r1-to-r4.json");
	json_t *segs = json_object_get(v, "segments");
	json_t *bk = json_object_get(v, "backup");

	key_te(key, "r1", "r1-to-r4");
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);

	/* too many segments, primary and backup */
	while (json_array_size(segs) <= RIB_MAX_SEGS)
		json_array_append_new(segs, json_string("fc00:0:9::1"));
	expect_err_json("r1", key, v, -EINVAL, "segments: expected 1..10 segments, got 11", NULL);
	json_array_clear(segs);
	expect_err_json("r1", key, v, -EINVAL, "segments: expected 1..10 segments, got 0", NULL);
	json_array_append_new(segs, json_string("fc00:0:2:e002::"));
	json_array_append_new(segs, json_string("192.168.50.2"));
	expect_err_json("r1", key, v, -EINVAL, "segments[1]: expected an IPv6 SID",
			"got \"192.168.50.2\"");
	json_array_set_new(segs, 1, json_integer(12));
	expect_err_json("r1", key, v, -EINVAL, "segments[1]: expected an IPv6 SID", "got 12");
	json_array_set_new(segs, 1, json_string("fc00:0:4:d4::"));
	json_object_del(v, "segments");
	expect_err_json("r1", key, v, -EINVAL, "segments: missing", NULL);
	json_object_set_new(v, "segments", json_pack("[s]", "fc00:0:4:d4::"));
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);
	ck_assert_uint_eq(IN.te.nh.n_segs, 1);

	json_t *bsegs = json_object_get(bk, "segments");

	while (json_array_size(bsegs) <= RIB_MAX_SEGS)
		json_array_append_new(bsegs, json_string("fc00:0:9::1"));
	expect_err_json("r1", key, v, -EINVAL, "backup.segments: expected 1..10 segments, got 11",
			NULL);
	json_object_set_new(bk, "segments", json_pack("[ss]", "fc00:0:3:e002::", "10.0.0.1"));
	expect_err_json("r1", key, v, -EINVAL, "backup.segments[1]: expected an IPv6 SID", NULL);
	json_object_set_new(bk, "segments", json_pack("[s]", "fc00:0:2:d6::"));
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);
	ck_assert(IN.te.has_backup);
	ck_assert_uint_eq(IN.te.backup_nh.n_segs, 1);

	/* the backup protects one of r1's links */
	json_object_set_new(bk, "link", json_string("r2:et1"));
	expect_err_json("r1", key, v, -EINVAL, "backup.link: expected one of r1's links", NULL);
	json_object_set_new(bk, "link", json_string("r1-r2"));
	expect_err_json("r1", key, v, -EINVAL, "backup.link: expected one of r1's links", NULL);
	json_object_set_new(bk, "link", json_string("r1:et2"));
	json_object_del(bk, "first_hop");
	expect_err_json("r1", key, v, -EINVAL, "backup.first_hop: missing", NULL);
	json_object_set_new(bk, "first_hop",
			    json_pack("{ssss}", "interface", "et3", "address", "fe80::1"));

	/* dataplane, name, destinations, first hop */
	json_object_set_new(v, "dataplane", json_string("mpls"));
	expect_err_json("r1", key, v, -EINVAL, "segments: not allowed with dataplane mpls", NULL);
	json_object_set_new(v, "labels", json_pack("[i]", 24012));
	expect_err_json("r1", key, v, -EINVAL, "segments: not allowed with dataplane mpls", NULL);
	json_t *segs_kept = json_incref(json_object_get(v, "segments"));

	json_object_del(v, "segments");
	ck_ok(parse_json("r1", key, v), AGENT_IN_TE);
	ck_assert_uint_eq(IN.te.nh.n_labels, 1);
	json_object_set_new(v, "labels", json_pack("[i]", 15));
	expect_err_json("r1", key, v, -EINVAL, "labels[0]: expected an MPLS label 16..1048575",
			"got 15");
	json_object_set_new(v, "labels", json_pack("[s]", "24012"));
	expect_err_json("r1", key, v, -EINVAL, "labels[0]: expected an MPLS label", NULL);
	json_object_set_new(v, "labels", json_pack("[iiiiiiiiiii]", 16, 17, 18, 19, 20, 21, 22,
						   23, 24, 25, 26));
	expect_err_json("r1", key, v, -EINVAL, "labels: expected 0..10 labels, got 11", NULL);
	json_object_del(v, "labels");
	expect_err_json("r1", key, v, -EINVAL, "labels: missing", NULL);
	json_object_set_new(v, "dataplane", json_string("srv6"));
	json_object_set_new(v, "segments", segs_kept);
	json_object_set_new(v, "labels", json_pack("[i]", 24012));
	expect_err_json("r1", key, v, -EINVAL, "labels: not allowed with dataplane srv6", NULL);
	json_object_del(v, "labels");
	json_object_set_new(v, "dataplane", json_string("MPLS"));
	expect_err_json("r1", key, v, -EINVAL, "dataplane", NULL);
	json_object_set_new(v, "dataplane", json_string("srv6"));
	json_object_set_new(v, "lsp", json_string("r1-to-r5"));
	expect_err_json("r1", key, v, -EINVAL, "lsp: differs from the key's LSP name", NULL);
	json_object_set_new(v, "lsp", json_string("r1-to-r4"));
	json_t *dests = json_object_get(v, "destinations");

	json_array_append_new(dests, json_string("10.0.0.1/8"));
	expect_err_json("r1", key, v, -EINVAL, "destinations[2]: expected a prefix",
			"got \"10.0.0.1/8\"");
	json_array_clear(dests);
	expect_err_json("r1", key, v, -EINVAL, "destinations: expected 1..8 prefixes", NULL);
	for (int i = 0; i <= AGENT_MAX_DESTS; i++)
		json_array_append_new(dests, json_string("192.168.50.4/32"));
	expect_err_json("r1", key, v, -EINVAL, "destinations: expected 1..8 prefixes", NULL);
	json_array_clear(dests);
	json_array_append_new(dests, json_string("192.168.50.4/32"));
	json_object_set_new(json_object_get(v, "first_hop"), "interface",
			    json_string("abcdefghijklmnop"));
	expect_err_json("r1", key, v, -EINVAL, "first_hop.interface: expected 1..15 bytes", NULL);
	json_object_del(v, "first_hop");
	expect_err_json("r1", key, v, -EINVAL, "first_hop: missing", NULL);
	json_decref(v);
}
END_TEST

START_TEST(errors_sid)
{
	char key[KEYS_MAX];

	key_sid(key, "r1", "fc00:0:1:e002::");
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.Q\"}", -EINVAL,
		   "behavior: unknown behavior \"End.Q\"", NULL);
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":7}", -EINVAL,
		   "behavior: expected a string", NULL);
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.X\",\"nh6\":\"fe80::1\"}",
		   -EINVAL, "interface: missing", NULL);
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.X\",\"interface\":\"et2\"}",
		   -EINVAL, "nh6: missing", NULL);
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.DX4\"}", -EINVAL,
		   "nh4: missing", NULL);
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.B6.Encaps\",\"segments\":[]}",
		   -EINVAL, "segments: expected 1..10 segments, got 0", NULL);
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.B6.Encaps\","
		   "\"segments\":[\"fc00::1\",\"10.0.0.1\"]}",
		   -EINVAL, "segments[1]: expected an IPv6 SID", NULL);
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.B6.Encaps\"}",
		   -EINVAL, "segments: missing", NULL);

	/* End.DT6 tables: "main" or 1..2^32-1 */
	static const char *const bad_tables[] = {
		"0", "-1", "4294967296", "\"local\"", "\"MAIN\"", "254.0", "null", "[254]", "true",
	};
	for (size_t i = 0; i < sizeof(bad_tables) / sizeof(bad_tables[0]); i++) {
		char v[256];

		snprintf(v, sizeof(v),
			 "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.DT6\",\"table\":%s}",
			 bad_tables[i]);
		expect_err("r1", key, v, -EINVAL, "table: expected \"main\" or a table number",
			   NULL);
	}
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.DT6\"}", -EINVAL,
		   "table: expected \"main\" or a table number", NULL);

	/* MPLS label keys */
	key_label(key, "r1", 24002);
	expect_err("r1", key, "{}", -EINVAL, "label: missing", NULL);
	expect_err("r1", key, "{\"label\":24003,\"op\":\"pop\",\"next_hop\":{\"interface\":"
		   "\"et2\",\"address\":\"100.65.0.3\"}}", -EINVAL,
		   "label: differs from the key's label", NULL);
	expect_err("r1", key, "{\"label\":24002,\"op\":\"push\"}", -EINVAL, "op", NULL);
	expect_err("r1", key, "{\"label\":24002,\"op\":\"pop\"}", -EINVAL,
		   "next_hop: missing", NULL);
	expect_err("r1", key, "{\"label\":24002,\"op\":\"pop\",\"next_hop\":{\"interface\":"
		   "\"et2\",\"address\":\"100.65.0.3\"},\"out_labels\":[17]}", -EINVAL,
		   "out_labels: not allowed with op pop", NULL);
	expect_err("r1", key, "{\"label\":24002,\"op\":\"swap\",\"next_hop\":{\"interface\":"
		   "\"et2\",\"address\":\"100.65.0.3\"}}", -EINVAL, "out_labels: missing", NULL);
	expect_err("r1", key, "{\"label\":24002,\"op\":\"swap\",\"out_labels\":[],"
		   "\"next_hop\":{\"interface\":\"et2\",\"address\":\"100.65.0.3\"}}", -EINVAL,
		   "out_labels: expected 1..10 labels, got 0", NULL);
	expect_err("r1", key, "{\"label\":24002,\"sid\":\"fc00::1\",\"op\":\"pop-lookup\"}",
		   -EINVAL, "sid: not allowed in an MPLS label value", NULL);
	expect_err("r1", key_label(key, "r1", 16), "{\"label\":16,\"op\":\"pop-lookup\","
		   "\"table\":100}", -EOPNOTSUPP, "table: only \"main\"", NULL);
	ck_ok(parse("r1", key, "{\"label\":16,\"op\":\"pop-lookup\",\"table\":254}"),
	      AGENT_IN_LABEL);
	ck_ok(parse("r1", key, "{\"label\":16,\"op\":\"pop-lookup\",\"table\":\"main\"}"),
	      AGENT_IN_LABEL);
	ck_assert_str_eq(IN.label.nh[0].ifname, "lo");
}
END_TEST

START_TEST(errors_protect_static_bgp)
{
	char key[KEYS_MAX];
	json_t *v = example_json("rib-protect", "valid-r1-et2-link.json");

	key_protect(key, "r1", "et2");
	json_object_del(v, "merge_point");
	expect_err_json("r1", key, v, -EINVAL, "merge_point: missing", NULL);
	json_object_set_new(v, "merge_point", json_string("r2"));
	json_object_del(v, "segments");
	expect_err_json("r1", key, v, -EINVAL, "segments: missing", NULL);
	json_object_set_new(v, "segments", json_pack("[s]", "10.0.0.1"));
	expect_err_json("r1", key, v, -EINVAL, "segments[0]: expected an IPv6 SID", NULL);
	json_decref(v);

	/* static routes: validate_static_route's messages under the key */
	key_static(key, "r1", "10.42.2.0/24");
	expect_err("r1", key, "{\"prefix\":\"10.42.3.0/24\",\"next_hops\":[{\"interface\":\"et2\"}]}",
		   -EINVAL, "does not match the key's prefix", NULL);
	expect_err("r1", key, "{\"prefix\":\"10.42.2.0/24\"}", -EINVAL, "next_hops", "missing");
	expect_err("r1", key, "{\"prefix\":\"10.42.2.0/24\",\"type\":\"blackhole\","
		   "\"next_hops\":[{\"interface\":\"et2\"}]}", -EINVAL, "next_hops", NULL);
	expect_err("r1", key, "{\"prefix\":\"10.42.2.0/24\",\"type\":\"blackhole\",\"x\":1}",
		   -EINVAL, NULL, NULL); /* invalid beats unsupported */

	/* BGP */
	v = example_json("bgp-route", "valid-r4-from-ex2.json");
	key_bgp(key, "10.42.2.0/24", "r4");
	json_object_set_new(v, "node", json_string("r5"));
	expect_err_json("r1", key, v, -EINVAL, "node: differs from the key's node", NULL);
	json_object_set_new(v, "node", json_string("r4"));
	json_object_set_new(v, "prefix", json_string("10.42.3.0/24"));
	expect_err_json("r1", key, v, -EINVAL, "prefix: differs from the key's prefix", NULL);
	json_object_set_new(v, "prefix", json_string("10.42.2.0_24"));
	expect_err_json("r1", key, v, -EINVAL, "prefix: expected a prefix", NULL);
	json_object_set_new(v, "prefix", json_string("10.42.2.0/24"));
	json_object_set_new(v, "origin", json_string("static"));
	expect_err_json("r1", key, v, -EINVAL, "origin: expected one of", NULL);
	json_object_set_new(v, "origin", json_string("igp"));
	json_object_set_new(v, "as_path", json_string("65003"));
	expect_err_json("r1", key, v, -EINVAL, "as_path: expected an array", NULL);
	json_object_set_new(v, "as_path", json_array());
	json_object_set_new(v, "local_pref", json_integer(-1));
	expect_err_json("r1", key, v, -EINVAL, "local_pref: ", NULL);
	json_object_set_new(v, "local_pref", json_integer(100));
	json_object_set_new(v, "med", json_integer(4294967296LL));
	expect_err_json("r1", key, v, -EINVAL, "med: ", NULL);
	json_object_del(v, "med");
	json_object_del(v, "protocol_next_hop");
	expect_err_json("r1", key, v, -EINVAL, "protocol_next_hop: missing", NULL);
	json_decref(v);
}
END_TEST

/* The schemas' invalid examples that break a rule about a field the agent reads must
 * be refused (fields the agent ignores, such as "bandwidth" or unknown ones, may be
 * let through). */
START_TEST(invalid_examples_refused)
{
	static const struct {
		const char *family, *file, *want;
	} cases[] = {
		{ "rib-isis-route", "invalid-level-3.json", "level" },
		{ "rib-isis-route", "invalid-metric-negative.json", "metric" },
		{ "rib-isis-route", "invalid-next-hop-without-interface.json", "interface" },
		{ "rib-isis-route", "invalid-no-next-hops.json", "next_hops" },
		{ "rib-isis-route", "invalid-prefix-host-bits-length.json", "prefix" },
		{ "rib-te-tunnel", "invalid-backup-link-bad-form.json", "backup.link" },
		{ "rib-te-tunnel", "invalid-dataplane-unknown.json", "dataplane" },
		{ "rib-te-tunnel", "invalid-missing-first-hop.json", "first_hop" },
		{ "rib-te-tunnel", "invalid-no-destinations.json", "destinations" },
		{ "rib-te-tunnel", "invalid-segment-not-ipv6.json", "segments[0]" },
		{ "rib-te-tunnel", "invalid-mpls-label-reserved.json", "labels[0]" },
		{ "rib-te-tunnel", "invalid-mpls-without-labels.json", "labels" },
		{ "rib-te-tunnel", "invalid-srv6-with-labels.json", "labels" },
		{ "rib-sid", "invalid-b6-empty-segments.json", "segments" },
		{ "rib-sid", "invalid-behavior-unknown.json", "behavior" },
		{ "rib-sid", "invalid-end-x-missing-nh6.json", "nh6" },
		/* Regression (fixed): agent_input.c used to be wrong here. parse_sid reads End.DX4's nh4 with jx_get_addr, which takes
		 * any address family: this example ("nh4": "fc00:0:4::1") is accepted with an
		 * IPv6 nh4 (nl_build_sid refuses it later, without saying where). */
		{ "rib-sid", "invalid-end-dx4-nh4-ipv6.json", "nh4" },
		{ "rib-protect", "invalid-missing-merge-point.json", "merge_point" },
		{ "rib-protect", "invalid-srv6-without-segments.json", "segments" },
		{ "static-route", "invalid-bad-address.json", NULL },
		{ "static-route", "invalid-blackhole-with-next-hops.json", "next_hops" },
		{ "static-route", "invalid-empty-next-hop.json", NULL },
		{ "static-route", "invalid-interface-too-long.json", "interface" },
		{ "static-route", "invalid-link-local-without-interface.json", "interface" },
		{ "static-route", "invalid-missing-next-hops.json", "next_hops" },
		{ "static-route", "invalid-preference-256.json", "preference" },
		{ "static-route", "invalid-unknown-field.json", NULL },
		{ "bgp-route", "invalid-as-path-string.json", "as_path" },
		{ "bgp-route", "invalid-missing-protocol-next-hop.json", "protocol_next_hop" },
		{ "bgp-route", "invalid-origin-unknown.json", "origin" },
		{ "bgp-route", "invalid-prefix-key-form.json", "prefix" },
	};
	char key[KEYS_MAX];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *f = cases[i].family;
		char *t = example(f, cases[i].file);
		json_t *v = J(t);
		const char *s;

		if (!strcmp(f, "rib-isis-route"))
			key_isis(key, "r1", "192.168.50.4/32");
		else if (!strcmp(f, "rib-te-tunnel"))
			key_te(key, "r1", json_string_value(json_object_get(v, "lsp")));
		else if (!strcmp(f, "rib-sid"))
			key_sid(key, "r1", json_string_value(json_object_get(v, "sid")));
		else if (!strcmp(f, "rib-protect"))
			key_protect(key, "r1", "et2");
		else if (!strcmp(f, "static-route"))
			key_static(key, "r1",
				   (s = json_string_value(json_object_get(v, "prefix"))) &&
						   prefix_parse(s, false, &(prefix_t){ 0 }) == 0
					   ? s
					   : "10.42.2.0/24");
		else
			key_bgp(key, "10.42.2.0/24", "r4");
		int rc = parse("r1", key, t);

		ck_assert_msg(rc == -EINVAL, "%s/%s: rc %d, want -EINVAL (err \"%s\")", f,
			      cases[i].file, rc, ERR);
		ck_assert_msg(strncmp(ERR, key, strlen(key)) == 0, "err \"%s\"", ERR);
		if (cases[i].want)
			ck_assert_msg(strstr(ERR, cases[i].want), "%s/%s: \"%s\" lacks \"%s\"", f,
				      cases[i].file, ERR, cases[i].want);
		json_decref(v);
		free(t);
	}
}
END_TEST

/* ---- values that contradict their key or the schema, accepted today ------------- */

START_TEST(bug_sid_differs_from_key)
{
	char key[KEYS_MAX];

	/* Regression (fixed): agent_input.c used to be wrong here. parse_sid never reads the value's "sid" (the schema: "equals
	 * the key's last component"; agent_input.h: "a value whose key and content disagree
	 * is an error too"): this value is accepted and programmed at the key's SID. */
	key_sid(key, "r1", "fc00:0:1:e000::");
	expect_err("r1", key, "{\"sid\":\"fc00:0:1:e999::\",\"behavior\":\"End\"}", -EINVAL,
		   "sid", NULL);
}
END_TEST

START_TEST(bug_protect_link_differs_from_key)
{
	char key[KEYS_MAX];
	json_t *v = example_json("rib-protect", "valid-r1-et2-link.json");

	/* Regression (fixed): agent_input.c used to be wrong here. parse_protect never reads the value's "link" (the schema:
	 * "equals the key's last component"): a bypass written for r1:et3 under the key of
	 * r1:et2 is accepted as et2's bypass. */
	key_protect(key, "r1", "et2");
	json_object_set_new(v, "link", json_string("r1:et3"));
	expect_err_json("r1", key, v, -EINVAL, "link", NULL);
	json_decref(v);
}
END_TEST

START_TEST(bug_sid_next_hop_family)
{
	char key[KEYS_MAX];

	/* Regression (fixed): agent_input.c used to be wrong here. parse_sid reads nh6 and nh4 with jx_get_addr, which takes
	 * either family: End.X with an IPv4 nh6 and End.DX4 with an IPv6 nh4 are accepted
	 * (schema: nh6 is ipv6, nh4 is ipv4). */
	key_sid(key, "r1", "fc00:0:1:e002::");
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.X\",\"nh6\":\"100.65.0.3\","
		   "\"interface\":\"et2\"}",
		   -EINVAL, "nh6", NULL);
	key_sid(key, "r1", "fc00:0:4:d4::");
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:4:d4::\",\"behavior\":\"End.DX4\",\"nh4\":\"fc00:0:4::1\"}",
		   -EINVAL, "nh4", NULL);
}
END_TEST

START_TEST(bug_sid_interface_too_long)
{
	char key[KEYS_MAX];

	/* Regression (fixed): agent_input.c used to be wrong here. parse_sid copies "interface" with snprintf into a 16-byte
	 * ifname without checking its length (get_nh and parse_isis do): a 16-character
	 * name is silently cut to its first 15 and the SID would sit on another device. */
	key_sid(key, "r1", "fc00:0:1:e002::");
	expect_err("r1", key,
		   "{\"sid\":\"fc00:0:1:e002::\",\"behavior\":\"End.X\",\"nh6\":\"fe80::1\","
		   "\"interface\":\"abcdefghijklmnop\"}",
		   -EINVAL, "interface", NULL);
}
END_TEST

/* ---- BGP best path -------------------------------------------------------------- */

static struct agent_bgp B(uint32_t lp, uint32_t aspath, unsigned origin, uint32_t med,
			  const char *node)
{
	struct agent_bgp b;

	memset(&b, 0, sizeof(b));
	b.prefix = P("10.42.2.0/24");
	snprintf(b.node, sizeof(b.node), "%s", node);
	b.protocol_next_hop = A("192.168.50.4");
	b.local_pref = lp;
	b.as_path_len = aspath;
	b.origin = origin;
	b.med = med;
	return b;
}

/* a strictly better than b, seen from both sides. */
#define ck_better(a, b)                                                                    \
	do {                                                                               \
		struct agent_bgp a_ = (a), b_ = (b);                                       \
		ck_assert_msg(agent_bgp_cmp(&a_, &b_) < 0, "%s not better than %s", #a, #b); \
		ck_assert_msg(agent_bgp_cmp(&b_, &a_) > 0, "%s not worse than %s", #b, #a); \
	} while (0)

static int cmp_qsort(const void *a, const void *b)
{
	return agent_bgp_cmp(a, b);
}

START_TEST(bgp_best_path)
{
	/* local preference first, whatever follows */
	ck_better(B(200, 9, 2, 900, "r9"), B(100, 1, 0, 0, "r1"));
	ck_better(B(UINT32_MAX, 0, 0, 0, "r1"), B(0, 0, 0, 0, "r1"));
	ck_better(B(1, 0, 0, 0, "r1"), B(0, 0, 0, 0, "r1"));
	/* then the shorter AS path */
	ck_better(B(100, 1, 2, 900, "r9"), B(100, 3, 0, 0, "r1"));
	ck_better(B(100, 0, 0, 0, "r1"), B(100, UINT32_MAX, 0, 0, "r1"));
	/* then origin igp < egp < incomplete */
	ck_better(B(100, 2, 0, 900, "r9"), B(100, 2, 1, 0, "r1"));
	ck_better(B(100, 2, 1, 900, "r9"), B(100, 2, 2, 0, "r1"));
	ck_better(B(100, 2, 0, 900, "r9"), B(100, 2, 2, 0, "r1"));
	/* then the lower MED */
	ck_better(B(100, 2, 0, 5, "r9"), B(100, 2, 0, 10, "r1"));
	ck_better(B(100, 2, 0, 0, "r9"), B(100, 2, 0, UINT32_MAX, "r1"));
	/* then the lower node name */
	ck_better(B(100, 2, 0, 10, "r1"), B(100, 2, 0, 10, "r4"));
	ck_better(B(100, 2, 0, 10, "r4"), B(100, 2, 0, 10, "r4a"));

	/* equal is 0, and comparing with itself too */
	struct agent_bgp a = B(100, 2, 1, 10, "r4"), b = B(100, 2, 1, 10, "r4");

	ck_assert_int_eq(agent_bgp_cmp(&a, &b), 0);
	ck_assert_int_eq(agent_bgp_cmp(&b, &a), 0);
	ck_assert_int_eq(agent_bgp_cmp(&a, &a), 0);
	/* next hops and prefix are not part of the order */
	b.protocol_next_hop = A("192.168.50.5");
	b.external_next_hop = A("100.65.0.17");
	ck_assert_int_eq(agent_bgp_cmp(&a, &b), 0);

	/* a total order: a shuffled list sorts into the documented order, and every pair
	 * is antisymmetric */
	struct agent_bgp list[] = {
		B(100, 2, 0, 10, "r5"), B(100, 1, 2, 0, "r3"), B(50, 0, 0, 0, "r1"),
		B(100, 2, 0, 10, "r2"), B(100, 2, 1, 0, "r2"), B(300, 5, 2, 99, "r9"),
		B(100, 2, 0, 3, "r7"),	B(100, 1, 0, 0, "r8"),
	};
	static const char *const order[] = { "r9", "r8", "r3", "r7", "r2", "r5", "r2", "r1" };
	size_t n = sizeof(list) / sizeof(list[0]);

	for (size_t i = 0; i < n; i++) {
		for (size_t j = 0; j < n; j++) {
			int x = agent_bgp_cmp(&list[i], &list[j]), y = agent_bgp_cmp(&list[j], &list[i]);

			ck_assert_msg((x > 0) - (x < 0) == -((y > 0) - (y < 0)),
				      "cmp(%zu,%zu)=%d, cmp(%zu,%zu)=%d", i, j, x, j, i, y);
			if (i == j)
				ck_assert_int_eq(x, 0);
		}
	}
	qsort(list, n, sizeof(list[0]), cmp_qsort);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(list[i].node, order[i]);
	ck_assert_uint_eq(list[4].origin, 0); /* r2 igp med 10 before r5, then r2 egp */
	ck_assert_uint_eq(list[6].origin, 1);

	/* parsed routes compare as their fields say */
	char key[KEYS_MAX], *t = example("bgp-route", "valid-r4-from-ex2.json");
	json_t *v = J(t);
	struct agent_bgp r4, r5;

	ck_ok(parse("r1", key_bgp(key, "10.42.2.0/24", "r4"), t), AGENT_IN_BGP);
	r4 = IN.bgp;
	json_object_set_new(v, "node", json_string("r5"));
	json_object_set_new(v, "med", json_integer(1));
	ck_ok(parse_json("r1", key_bgp(key, "10.42.2.0/24", "r5"), v), AGENT_IN_BGP);
	r5 = IN.bgp;
	ck_better(r4, r5);
	json_object_set_new(v, "local_pref", json_integer(101));
	ck_ok(parse_json("r1", key, v), AGENT_IN_BGP);
	r5 = IN.bgp;
	ck_better(r5, r4);
	json_decref(v);
	free(t);
}
END_TEST

/* ---- garbage never crashes ------------------------------------------------------ */

static uint64_t rng_state;

static uint64_t rng(void)
{
	/* xorshift64*, fixed seed: the same inputs on every run */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 2685821657736338717ULL;
}

struct fuzz_target {
	char key[KEYS_MAX];
	enum agent_input_kind kind;
};

/* The key an example is parsed under (from its own fields where they make a valid key,
 * else a fixed one) and the kind a success must have. */
static void fuzz_key(const char *family, const json_t *v, struct fuzz_target *ft)
{
	const char *s;
	prefix_t p;
	struct key_sid sid;
	struct key_link l;

#define FIELD(name) (json_string_value(json_object_get(v, name)))
	if (!strcmp(family, "rib-isis-route")) {
		s = FIELD("prefix");
		key_isis(ft->key, "r1", s && prefix_parse(s, false, &p) == 0 ? s : "192.168.50.4/32");
		ft->kind = AGENT_IN_ISIS;
	} else if (!strcmp(family, "static-route")) {
		s = FIELD("prefix");
		key_static(ft->key, "r1", s && prefix_parse(s, false, &p) == 0 ? s : "10.42.2.0/24");
		ft->kind = AGENT_IN_STATIC;
	} else if (!strcmp(family, "rib-te-tunnel")) {
		s = FIELD("lsp");
		key_te(ft->key, "r1", s && keys_name_valid(s) ? s : "r1-to-r4");
		ft->kind = AGENT_IN_TE;
	} else if (!strcmp(family, "rib-sid")) {
		json_t *label = json_object_get(v, "label");

		s = FIELD("sid");
		ft->kind = AGENT_IN_SID;
		if (s && keys_sid_parse(s, &sid) == 0 && !sid.is_label) {
			key_sid(ft->key, "r1", s);
		} else if (json_is_integer(label) && json_integer_value(label) >= KEYS_MPLS_LABEL_MIN &&
			   json_integer_value(label) <= KEYS_MPLS_LABEL_MAX) {
			key_label(ft->key, "r1", (uint32_t)json_integer_value(label));
			ft->kind = AGENT_IN_LABEL;
		} else {
			key_sid(ft->key, "r1", "fc00:0:1:e002::");
		}
	} else if (!strcmp(family, "rib-protect")) {
		s = FIELD("link");
		key_protect(ft->key, "r1", s && keys_link_parse(s, &l) == 0 ? l.ifname : "et2");
		ft->kind = AGENT_IN_PROTECT;
	} else {
		const char *node = FIELD("node");

		s = FIELD("prefix");
		key_bgp(ft->key, s && prefix_parse(s, false, &p) == 0 ? s : "10.42.2.0/24",
			node && keys_name_valid(node) ? node : "r4");
		ft->kind = AGENT_IN_BGP;
	}
#undef FIELD
}

static bool str_ok(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static bool nh_ok(const struct rib_nh *nh)
{
	return str_ok(nh->ifname, sizeof(nh->ifname)) && str_ok(nh->tunnel, sizeof(nh->tunnel)) &&
	       nh->n_segs <= RIB_MAX_SEGS && nh->n_labels <= RIB_MAX_SEGS &&
	       !(nh->n_segs && nh->n_labels);
}

static unsigned long n_fuzz, n_fuzz_ok;

/* One garbage input: 0 with contents that make sense, or an errno with a message that
 * names the key. */
static void fuzz_one(const struct fuzz_target *ft, const char *text, size_t len)
{
	int rc = parse_n("r1", ft->key, text, len);

	n_fuzz++;
	ck_assert_msg(rc == 0 || rc == -EINVAL || rc == -EOPNOTSUPP, "rc %d for %.*s", rc, (int)len,
		      text);
	if (rc < 0) {
		ck_assert_msg(str_ok(ERR, sizeof(ERR)) && strncmp(ERR, ft->key, strlen(ft->key)) == 0,
			      "err \"%s\" for %.*s", ERR, (int)len, text);
		return;
	}
	n_fuzz_ok++;
	ck_assert_msg(IN.kind == ft->kind, "kind %d for %.*s", IN.kind, (int)len, text);
	switch (IN.kind) {
	case AGENT_IN_ISIS:
	case AGENT_IN_STATIC:
		ck_assert(IN.cand.n_nh >= 1 && IN.cand.n_nh <= RIB_MAX_NH);
		ck_assert(IN.cand.preference >= 0 && IN.cand.preference <= 255);
		for (size_t i = 0; i < IN.cand.n_nh; i++)
			ck_assert(nh_ok(&IN.cand.nh[i]) && IN.cand.nh[i].n_labels == 0);
		break;
	case AGENT_IN_TE:
		ck_assert(IN.te.n_dest >= 1 && IN.te.n_dest <= AGENT_MAX_DESTS);
		/* SRv6: 1..10 segments, no labels; SR-MPLS: 0..10 labels, no segments */
		ck_assert(nh_ok(&IN.te.nh) && (IN.te.mpls ? IN.te.nh.n_segs == 0 : IN.te.nh.n_segs >= 1));
		ck_assert(IN.te.mpls || IN.te.nh.n_labels == 0);
		ck_assert(IN.te.nh.n_labels <= RIB_MAX_SEGS);
		ck_assert(nh_ok(&IN.te.backup_nh));
		ck_assert(!IN.te.has_backup || IN.te.backup_nh.n_segs >= 1 ||
			  IN.te.backup_nh.n_segs == 0);
		ck_assert(!(IN.te.backup_nh.n_segs && IN.te.backup_nh.n_labels));
		ck_assert(str_ok(IN.te.lsp, sizeof(IN.te.lsp)) &&
			  str_ok(IN.te.backup_ifname, sizeof(IN.te.backup_ifname)));
		break;
	case AGENT_IN_SID:
		ck_assert(IN.sid.behavior >= NL_SID_END && IN.sid.behavior <= NL_SID_END_B6_ENCAPS);
		ck_assert_uint_eq(IN.sid.sid.len, 128);
		ck_assert_int_eq(IN.sid.sid.addr.family, AF_INET6);
		ck_assert(IN.sid.n_segs <= RIB_MAX_SEGS);
		ck_assert(str_ok(IN.sid.ifname, sizeof(IN.sid.ifname)));
		break;
	case AGENT_IN_PROTECT:
		ck_assert(nh_ok(&IN.protect.nh) &&
			  (IN.protect.mpls ? IN.protect.nh.n_segs == 0 : IN.protect.nh.n_segs >= 1));
		ck_assert(IN.protect.mpls || IN.protect.nh.n_labels == 0);
		ck_assert(IN.protect.nh.n_labels <= RIB_MAX_SEGS);
		ck_assert(str_ok(IN.protect.merge_point, sizeof(IN.protect.merge_point)));
		break;
	case AGENT_IN_LABEL:
		ck_assert(IN.label.label >= KEYS_MPLS_LABEL_MIN && IN.label.label <= KEYS_MPLS_LABEL_MAX);
		ck_assert_uint_eq(IN.label.n_nh, 1);
		ck_assert(nh_ok(&IN.label.nh[0]) && IN.label.nh[0].n_segs == 0 &&
			  IN.label.nh[0].n_labels <= RIB_MAX_SEGS);
		break;
	case AGENT_IN_BGP:
		ck_assert(IN.bgp.origin <= 2);
		ck_assert(str_ok(IN.bgp.node, sizeof(IN.bgp.node)));
		break;
	default:
		ck_abort_msg("kind %d", IN.kind);
	}
}

/* Replacements for one value of the tree. */
static json_t *bad_value(int i)
{
	switch (i) {
	case 0: return json_null();
	case 1: return json_true();
	case 2: return json_integer(0);
	case 3: return json_integer(-1);
	case 4: return json_integer(4294967296LL);
	case 5: return json_integer(INT64_MAX);
	case 6: return json_real(1.5);
	case 7: return json_string("");
	case 8: return json_string("x");
	case 9: return json_string("fc00::1");
	case 10: return json_string("10.0.0.1");
	case 11: return json_string("10.0.0.0/8");
	case 12: return json_stringn("et\0x", 4);
	case 13: /* longer than any name (63) or interface (15) */
		return json_string("abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz012");
	case 14: return json_array();
	case 15: return json_object();
	case 16: {
		json_t *a = json_array();

		for (int k = 0; k < 70; k++)
			json_array_append_new(a, json_string("fc00::1"));
		return a;
	}
	case 17: return json_pack("[{ssss}]", "interface", "et9", "address", "10.0.0.1");
	default: return NULL;
	}
}

struct mutation_ctx {
	const struct fuzz_target *ft;
	json_t *root;
};

static void fuzz_json(const struct mutation_ctx *m)
{
	char *t = jx_dumps(m->root);

	ck_assert_ptr_nonnull(t);
	fuzz_one(m->ft, t, strlen(t));
	free(t);
}

/* Every value under node, in turn: replaced by each bad value, and (members) removed. */
static void mutate_tree(const struct mutation_ctx *m, json_t *node)
{
	if (json_is_object(node)) {
		/* names first: deleting and re-adding a member moves it to the end */
		size_t n = json_object_size(node), j = 0;
		char **names = calloc(n ? n : 1, sizeof(*names));
		const char *k;
		json_t *child;

		ck_assert_ptr_nonnull(names);
		json_object_foreach(node, k, child)
			names[j++] = strdup(k);
		for (j = 0; j < n; j++) {
			json_t *saved = json_incref(json_object_get(node, names[j]));

			for (int i = 0;; i++) {
				json_t *b = bad_value(i);

				if (!b)
					break;
				json_object_set_new(node, names[j], b);
				fuzz_json(m);
			}
			json_object_del(node, names[j]);
			fuzz_json(m);
			json_object_set(node, names[j], saved);
			mutate_tree(m, saved);
			json_decref(saved);
			free(names[j]);
		}
		free(names);
	} else if (json_is_array(node)) {
		for (size_t j = 0; j < json_array_size(node); j++) {
			json_t *saved = json_incref(json_array_get(node, j));

			for (int i = 0;; i++) {
				json_t *b = bad_value(i);

				if (!b)
					break;
				json_array_set_new(node, j, b);
				fuzz_json(m);
			}
			json_array_remove(node, j);
			fuzz_json(m);
			json_array_insert(node, j, saved);
			mutate_tree(m, saved);
			json_decref(saved);
		}
	}
}

START_TEST(garbage_never_crashes)
{
	static const char *const families[] = { "rib-isis-route", "rib-te-tunnel", "rib-sid",
						"rib-protect", "static-route", "bgp-route" };
	static const char special[] = "\"{}[],:0-9.e\\ \x00\xff\x80nulltruex/_";
	size_t n_files = 0;

	rng_state = 0x6b7674652d61676eULL;
	n_fuzz = n_fuzz_ok = 0;
	for (size_t f = 0; f < sizeof(families) / sizeof(families[0]); f++) {
		char pat[1024];
		glob_t g;

		snprintf(pat, sizeof(pat), "%s/schemas/examples/%s/*.json", src_dir(), families[f]);
		ck_assert_int_eq(glob(pat, 0, NULL, &g), 0);
		for (size_t i = 0; i < g.gl_pathc; i++) {
			struct fuzz_target ft;
			size_t len;
			char *text = read_path(g.gl_pathv[i], &len);
			json_t *v = J(text);
			char *mut = malloc(len + 8);

			ck_assert_ptr_nonnull(mut);
			n_files++;
			fuzz_key(families[f], v, &ft);
			/* every prefix of the text, and the whole */
			for (size_t n = 0; n <= len; n++)
				fuzz_one(&ft, text, n);
			/* byte mutations: 1-4 positions flipped, overwritten, deleted or duplicated */
			for (int r = 0; r < 400; r++) {
				size_t mlen = len;
				int edits = 1 + (int)(rng() % 4);

				memcpy(mut, text, len);
				for (int e = 0; e < edits && mlen > 0; e++) {
					size_t pos = rng() % mlen;

					switch (rng() % 5) {
					case 0:
						mut[pos] ^= (char)(1u << (rng() % 8));
						break;
					case 1:
						mut[pos] = (char)(rng() & 0xff);
						break;
					case 2:
						mut[pos] = special[rng() % (sizeof(special) - 1)];
						break;
					case 3:
						memmove(mut + pos, mut + pos + 1, mlen - pos - 1);
						mlen--;
						break;
					default:
						if (mlen < len + 8) {
							memmove(mut + pos + 1, mut + pos, mlen - pos);
							mlen++;
						}
						break;
					}
				}
				fuzz_one(&ft, mut, mlen);
			}
			/* field by field */
			struct mutation_ctx m = { &ft, v };

			mutate_tree(&m, v);
			/* and as another node's agent: ignored, whatever the bytes */
			if (ft.kind != AGENT_IN_BGP) {
				ck_assert_int_eq(agent_input_parse(&K, "r2", ft.key, text, len, &IN, ERR,
								   sizeof(ERR)), 0);
				ck_assert_int_eq(IN.kind, AGENT_IN_IGNORE);
			}
			free(mut);
			json_decref(v);
			free(text);
		}
		globfree(&g);
	}
	ck_assert_uint_ge(n_files, 40);
	/* the mutations reach the parsers, not only jansson's error path */
	ck_assert_uint_gt(n_fuzz_ok, 100);
	ck_assert_uint_gt(n_fuzz - n_fuzz_ok, 1000);
}
END_TEST

static Suite *agent_input_suite(void)
{
	Suite *s = suite_create("agent_input");
	TCase *tc = tcase_create("families");
	TCase *te = tcase_create("errors");
	TCase *tb = tcase_create("bugs");
	TCase *tg = tcase_create("garbage");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, isis_examples);
	tcase_add_test(tc, isis_level_and_limits);
	tcase_add_test(tc, te_example);
	tcase_add_test(tc, sid_examples);
	tcase_add_test(tc, protect_examples);
	tcase_add_test(tc, static_examples);
	tcase_add_test(tc, bgp_examples);
	tcase_add_test(tc, ignored_keys);
	tcase_add_test(tc, bgp_best_path);
	suite_add_tcase(s, tc);

	tcase_add_checked_fixture(te, setup, NULL);
	tcase_add_test(te, errors_generic);
	tcase_add_test(te, errors_isis);
	tcase_add_test(te, errors_te);
	tcase_add_test(te, errors_sid);
	tcase_add_test(te, errors_protect_static_bgp);
	tcase_add_test(te, invalid_examples_refused);
	suite_add_tcase(s, te);

	tcase_add_checked_fixture(tb, setup, NULL);
	tcase_add_test(tb, bug_sid_differs_from_key);
	tcase_add_test(tb, bug_protect_link_differs_from_key);
	tcase_add_test(tb, bug_sid_next_hop_family);
	tcase_add_test(tb, bug_sid_interface_too_long);
	suite_add_tcase(s, tb);

	tcase_add_checked_fixture(tg, setup, NULL);
	tcase_set_timeout(tg, 100);
	tcase_add_test(tg, garbage_never_crashes);
	suite_add_tcase(s, tg);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(agent_input_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
