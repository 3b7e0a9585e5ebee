/* test_bgp_announce — Check suite for bgp/announce.c and bgp/exa_config.c: every
 * valid schema example of bgp-announce / bgp-originate parses, and the invalid ones
 * (plus key/prefix mismatch, bad communities, repeated peers, non-objects) fail with
 * their specific error; ExaBGP commands are exact (every attribute, one peer, withdraw,
 * "self" and an address; a buffer too small is refused); the ExaBGP config and env
 * generated for the seed topology's r4 (kvte-bgp process) and ex2 (plain speaker)
 * equal tests/golden/bgp/ (KVTE_UPDATE_GOLDEN=1 rewrites), and bad topologies give
 * their reason. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bgp/announce.h"
#include "bgp/exa_config.h"
#include "lib/jx.h"

static char err[512];

static const char *src(void)
{
	const char *s = getenv("KVTE_SOURCE_DIR");

	return s ? s : ".";
}

static json_t *J(const char *text)
{
	json_t *v = json_loads(text, 0, NULL);

	ck_assert_ptr_nonnull(v);
	return v;
}

static int ann(const char *text, const char *key_prefix, struct bgp_announce *a)
{
	prefix_t kp;
	json_t *v = J(text);

	if (key_prefix)
		ck_assert_int_eq(prefix_parse(key_prefix, false, &kp), 0);
	int rc = bgp_announce_parse(v, key_prefix ? &kp : NULL, "k", a, err, sizeof(err));

	json_decref(v);
	return rc;
}

static void ann_bad(const char *text, const char *key_prefix, const char *expect)
{
	struct bgp_announce a;

	ck_assert_int_eq(ann(text, key_prefix, &a), -EINVAL);
	ck_assert_msg(strstr(err, expect), "error \"%s\" lacks \"%s\"", err, expect);
	ck_assert_ptr_null(a.attrs);
}

/* parse every example of family; valid-* must pass, invalid-* fail */
static void examples(const char *family, bool announce)
{
	char dir[1024], path[1400];
	DIR *d;
	struct dirent *e;
	int n = 0;

	snprintf(dir, sizeof(dir), "%s/schemas/examples/%s", src(), family);
	ck_assert_ptr_nonnull(d = opendir(dir));
	while ((e = readdir(d))) {
		if (!strstr(e->d_name, ".json"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		json_t *v = json_load_file(path, 0, NULL);
		int rc;

		ck_assert_ptr_nonnull(v);
		if (announce) {
			struct bgp_announce a;

			rc = bgp_announce_parse(v, NULL, e->d_name, &a, err, sizeof(err));
			bgp_announce_clear(&a);
		} else {
			prefix_t p;
			struct bgp_attrs *at = NULL;

			rc = bgp_originate_parse(v, NULL, e->d_name, &p, &at, err, sizeof(err));
			bgp_attrs_unref(at);
		}
		json_decref(v);
		if (strncmp(e->d_name, "valid", 5) == 0)
			ck_assert_msg(rc == 0, "%s rejected: %s", e->d_name, err);
		else
			ck_assert_msg(rc == -EINVAL, "%s accepted", e->d_name);
		n++;
	}
	closedir(d);
	ck_assert_int_ge(n, 5);
}

START_TEST(schema_examples)
{
	examples("bgp-announce", true);
	examples("bgp-originate", false);
}
END_TEST

START_TEST(announce_errors)
{
	ann_bad("{\"prefix\":\"10.0.0.0/24\"}", NULL, "k: next_hop: missing");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"me\"}", NULL,
		"k: next_hop: expected \"self\" or an IP address, got \"me\"");
	ann_bad("{\"prefix\":\"10.0.9.0/24\",\"next_hop\":\"self\"}", "10.0.0.0/24",
		"k: prefix: 10.0.9.0/24 differs from the key's 10.0.0.0/24");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"bandwith\":1}", NULL,
		"unknown field \"bandwith\"");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"communities\":[\"65536:1\"]}",
		NULL, "k: communities[0]: expected a community");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"communities\":[\"1:2\",\"1:2\"]}",
		NULL, "communities[1]: repeated 1:2");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"large_communities\":[\"1:2\"]}",
		NULL, "large_communities[0]: expected a large community");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"peers\":[\"10.0.0.1\",\"10.0.0.1\"]}",
		NULL, "peers[1]: repeated peer");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"peers\":[]}", NULL,
		"peers: must not be empty");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"as_path\":[0]}", NULL,
		"as_path[0]: expected an AS number 1..4294967295, got 0");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"med\":-1}", NULL, "med:");
	ann_bad("{\"prefix\":\"10.0.0.0/24\",\"next_hop\":\"self\",\"origin\":\"bgp\"}", NULL,
		"origin:");
	ann_bad("[1]", NULL, "expected an object");
}
END_TEST

START_TEST(commands)
{
	struct bgp_announce a;
	char cmd[BGP_CMD_MAX];
	addr_t peer;

	ck_assert_int_eq(ann("{\"prefix\":\"10.0.1.0/24\",\"next_hop\":\"100.65.0.16\",\"origin\":"
			     "\"incomplete\",\"as_path\":[65100,65200],\"med\":10,\"local_pref\":300,"
			     "\"communities\":[\"65000:1\",\"no-export\"],\"large_communities\":"
			     "[\"65000:1:2\"]}", "10.0.1.0/24", &a), 0);
	ck_assert_int_gt(bgp_cmd_announce(&a, NULL, cmd, sizeof(cmd)), 0);
	ck_assert_str_eq(cmd, "announce route 10.0.1.0/24 next-hop 100.65.0.16 origin incomplete "
			      "as-path [ 65100 65200 ] med 10 local-preference 300 community "
			      "[ 65000:1 no-export ] large-community [ 65000:1:2 ]");
	ck_assert_int_eq(bgp_cmd_announce(&a, NULL, cmd, 20), -ENOSPC);
	ck_assert_str_eq(cmd, "");
	addr_parse("100.65.0.17", &peer);
	bgp_cmd_withdraw(&a.prefix, &peer, cmd, sizeof(cmd));
	ck_assert_str_eq(cmd, "neighbor 100.65.0.17 withdraw route 10.0.1.0/24");
	bgp_cmd_withdraw(&a.prefix, NULL, cmd, sizeof(cmd));
	ck_assert_str_eq(cmd, "withdraw route 10.0.1.0/24");
	bgp_announce_clear(&a);

	ck_assert_int_eq(ann("{\"prefix\":\"fc00:0:4::/48\",\"next_hop\":\"self\",\"peers\":"
			     "[\"fc00:ff::17\"]}", NULL, &a), 0);
	ck_assert(bgp_announce_targets(&a, &a.peers[0]));
	ck_assert(!bgp_announce_targets(&a, &peer));
	bgp_cmd_announce(&a, &a.peers[0], cmd, sizeof(cmd));
	ck_assert_str_eq(cmd, "neighbor fc00:ff::17 announce route fc00:0:4::/48 next-hop self origin igp");
	struct bgp_announce b;

	ck_assert_int_eq(ann("{\"prefix\":\"fc00:0:4::/48\",\"next_hop\":\"self\",\"peers\":"
			     "[\"fc00:ff::17\"],\"comment\":\"x\"}", NULL, &b), 0);
	ck_assert(bgp_announce_equal(&a, &b));
	bgp_announce_clear(&b);
	ck_assert_int_eq(ann("{\"prefix\":\"fc00:0:4::/48\",\"next_hop\":\"self\",\"med\":1}", NULL,
			     &b), 0);
	ck_assert(!bgp_announce_equal(&a, &b));
	bgp_announce_clear(&b);
	bgp_announce_clear(&a);
}
END_TEST

static void golden(const char *name, const char *text)
{
	char path[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/golden/bgp/%s", src(), name);
	if (getenv("KVTE_UPDATE_GOLDEN")) {
		ck_assert_ptr_nonnull(f = fopen(path, "w"));
		fputs(text, f);
		fclose(f);
		return;
	}
	ck_assert_msg((f = fopen(path, "r")) != NULL, "missing golden %s", path);
	static char buf[65536];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);

	buf[n] = '\0';
	fclose(f);
	ck_assert_str_eq(text, buf);
}

static json_t *seed(void)
{
	char path[1024];
	json_t *v;

	snprintf(path, sizeof(path), "%s/tests/data/bgp/seed.json", src());
	ck_assert_ptr_nonnull(v = json_load_file(path, 0, NULL));
	return v;
}

START_TEST(config_golden)
{
	json_t *t = seed();
	char *conf, *env;
	struct exa_config_opts o = {.node = "r4", .source = "seed.json",
				    .kvte_bgp = "/usr/local/bin/kvte-bgp",
				    .etcd = "http://127.0.0.1:2379", .root = "/lab7/kvte/",
				    .extra = "--etcd-netns /proc/1/ns/net",
				    .log_file = "/var/log/kvte/r4-exabgp.log"};

	ck_assert_msg(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)) == 0, "%s", err);
	golden("r4.exabgp.conf", conf);
	golden("r4.exabgp.env", env);
	free(conf);
	free(env);
	struct exa_config_opts x = {.node = "ex2", .source = "seed.json"};

	ck_assert_int_eq(exa_config_generate(t, &x, &conf, &env, err, sizeof(err)), 0);
	golden("ex2.exabgp.conf", conf);
	golden("ex2.exabgp.env", env);
	free(conf);
	free(env);
	json_decref(t);
}
END_TEST

START_TEST(config_errors)
{
	json_t *t = seed();
	char *conf, *env;
	struct exa_config_opts o = {.node = "r1", .source = "seed.json"};

	ck_assert_int_eq(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "seed.json: nodes.r1.bgp: missing");
	o.node = "r9";
	ck_assert_int_eq(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "seed.json: nodes.r9: missing");
	o.node = "r4";
	o.kvte_bgp = "kvte-bgp";
	ck_assert_int_eq(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "must be absolute"));
	o.kvte_bgp = "/bin/kvte-bgp";
	o.extra = "--log-file x; run /bin/sh";
	ck_assert_int_eq(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "must not hold"));
	json_decref(t);
	t = J("{\"domains\":{\"A\":{\"asn\":1}},\"nodes\":{\"a\":{\"domain\":\"A\",\"loopback\":"
	      "\"10.0.0.1/32\",\"bgp\":{\"peers\":[{\"node\":\"b\",\"peer_as\":2}]}}},\"links\":[]}");
	o.node = "a";
	o.extra = NULL;
	ck_assert_int_eq(exa_config_generate(t, &o, &conf, &env, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "seed.json: links: no link between a and b");
	json_decref(t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("bgp_announce");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, schema_examples);
	tcase_add_test(tc, announce_errors);
	tcase_add_test(tc, commands);
	tcase_add_test(tc, config_golden);
	tcase_add_test(tc, config_errors);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
