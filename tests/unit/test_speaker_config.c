/* test_speaker_config — Check suite for speaker/config.c: the seed topology's r1..r5
 * configs (tests/data/speaker/r*.json) load with the values of
 * /work/shared/topologies/seed.json (system IDs derived from the router IDs, metrics,
 * TE metrics, delays, bandwidths, admin groups resolved through the admin-group map of
 * schemas/examples/admin-groups/valid-colours.json); a config using every field; each
 * invalid-*.json rejected with its exact message; a missing file; the system ID and
 * area parsers. Runs in the data directory so messages read "r1.json: ...". */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/jx.h"
#include "lib/validate.h"
#include "speaker/config.h"

static struct admin_groups groups;
static struct speaker_config cfg;
static char err[512];

static const char *src_dir(void)
{
	const char *d = getenv("KVTE_SOURCE_DIR");

	return d ? d : ".";
}

static void setup(void)
{
	char path[4096];
	jx_ctx c;
	json_t *v;

	snprintf(path, sizeof(path), "%s/schemas/examples/admin-groups/valid-colours.json",
		 src_dir());
	jx_init(&c, path);
	v = jx_load_file(&c, path);
	ck_assert_msg(v != NULL, "%s", c.err);
	ck_assert_int_eq(validate_admin_groups(v, &groups, err, sizeof(err)), 0);
	json_decref(v);
	snprintf(path, sizeof(path), "%s/tests/data/speaker", src_dir());
	ck_assert_int_eq(chdir(path), 0);
}

static void load_ok(const char *file)
{
	int rc = speaker_config_load(file, &groups, &cfg, err, sizeof(err));

	ck_assert_msg(rc == 0, "%s: %s", file, err);
	ck_assert_str_eq(err, "");
}

static void sysid_is(const char *want)
{
	char buf[SPEAKER_SYSID_STRLEN];

	ck_assert_str_eq(speaker_sysid_format(cfg.system_id, buf, sizeof(buf)), want);
}

/* seed.json links: {node, ifname, te_metric, latency_ms, admin group bits} */
struct seed_if {
	const char *node, *ifname;
	uint32_t te;
	uint32_t latency_ms;
	uint32_t groups;
};

static const struct seed_if seed_ifs[] = {
	{ "r1", "et2", 51, 50, 0x1 },   { "r1", "et3", 155, 120, 0x2 },
	{ "r2", "et1", 51, 50, 0x1 },   { "r2", "et2", 77, 75, 0 },
	{ "r2", "et3", 91, 75, 0 },     { "r3", "et1", 155, 120, 0x2 },
	{ "r3", "et2", 91, 75, 0 },     { "r3", "et3", 55, 50, 0 },
	{ "r3", "et4", 300, 110, 0 },   { "r4", "et1", 77, 75, 0 },
	{ "r4", "et2", 35, 30, 0 },     { "r4", "et3", 300, 110, 0 },
	{ "r5", "et1", 55, 50, 0 },     { "r5", "et2", 35, 30, 0 },
};

START_TEST(seed_nodes)
{
	static const size_t n_ifaces[] = { 2, 3, 4, 4, 2 };
	char file[32], want[32], buf[PREFIX_STRLEN];
	int i = _i;
	size_t n = 0;

	snprintf(file, sizeof(file), "r%d.json", i + 1);
	load_ok(file);
	snprintf(want, sizeof(want), "r%d", i + 1);
	ck_assert_str_eq(cfg.hostname, want);
	/* 192.168.50.N -> 1921.6805.000N */
	snprintf(want, sizeof(want), "1921.6805.%04d", i + 1);
	sysid_is(want);
	ck_assert(!cfg.system_id_explicit);
	ck_assert_uint_eq(cfg.area.len, 3);
	ck_assert_uint_eq(cfg.area.addr[0], 0x49);
	ck_assert_uint_eq(cfg.area.addr[1], 0x00);
	ck_assert_uint_eq(cfg.area.addr[2], 0x02);
	ck_assert_uint_eq(cfg.level, 2);
	ck_assert(!cfg.overload);
	ck_assert_uint_eq(cfg.lsp_lifetime, 1200);
	ck_assert_uint_eq(cfg.lsp_refresh, 900);
	ck_assert_uint_eq(cfg.hello_interval, 10);
	ck_assert_uint_eq(cfg.hello_multiplier, 3);
	ck_assert(cfg.has_locator);
	snprintf(want, sizeof(want), "fc00:0:%d::/48", i + 1);
	ck_assert_str_eq(prefix_format(&cfg.locator, buf, sizeof(buf)), want);
	ck_assert_uint_eq(cfg.srv6_behaviors, SPEAKER_SRV6_END | SPEAKER_SRV6_END_X |
						      SPEAKER_SRV6_END_DT6 | SPEAKER_SRV6_END_DX4);
	ck_assert_uint_eq(cfg.n_loopbacks, 2);
	snprintf(want, sizeof(want), "192.168.50.%d/32", i + 1);
	ck_assert_str_eq(prefix_format(&cfg.loopbacks[0], buf, sizeof(buf)), want);
	snprintf(want, sizeof(want), "fc00:0:%d::1/128", i + 1);
	ck_assert_str_eq(prefix_format(&cfg.loopbacks[1], buf, sizeof(buf)), want);
	ck_assert_uint_eq(cfg.n_ifaces, n_ifaces[i]);
	for (size_t k = 0; k < sizeof(seed_ifs) / sizeof(seed_ifs[0]); k++) {
		const struct seed_if *s = &seed_ifs[k];
		const struct speaker_iface *f;

		if (strcmp(s->node, cfg.hostname))
			continue;
		n++;
		f = speaker_config_iface(&cfg, s->ifname);
		ck_assert_msg(f != NULL, "%s %s missing", s->node, s->ifname);
		ck_assert_uint_eq(f->metric, s->te);
		ck_assert(!f->passive);
		ck_assert(f->hello_padding);
		ck_assert(f->te.has_te_metric);
		ck_assert_uint_eq(f->te.te_metric, s->te);
		ck_assert(f->te.has_delay);
		ck_assert_uint_eq(f->te.delay_us, s->latency_ms * 1000);
		ck_assert(f->te.has_max_bw && f->te.has_rsv_bw);
		ck_assert_uint_eq(f->te.max_bw_bps, 1000000000ULL);
		ck_assert_uint_eq(f->te.rsv_bw_bps, 1000000000ULL);
		ck_assert_uint_eq(f->te.has_admin_groups, s->groups != 0);
		ck_assert_uint_eq(f->te.admin_groups, s->groups);
		ck_assert_uint_eq(f->te.n_srlgs, 0);
	}
	/* r4's ex2-facing et4 is passive, without TE */
	ck_assert_uint_eq(n + (i == 3), cfg.n_ifaces);
	if (i == 3) {
		const struct speaker_iface *f = speaker_config_iface(&cfg, "et4");

		ck_assert_ptr_nonnull(f);
		ck_assert(f->passive);
		ck_assert_uint_eq(f->metric, 10);
		ck_assert(!f->te.has_te_metric && !f->te.has_max_bw);
	}
}
END_TEST

START_TEST(full_example)
{
	const struct speaker_iface *f;
	char buf[PREFIX_STRLEN];

	load_ok("valid-full.json");
	ck_assert_str_eq(cfg.hostname, "lab-core-1");
	sysid_is("0000.0a00.0001");
	ck_assert(cfg.system_id_explicit);
	ck_assert_uint_eq(cfg.area.len, 7);
	ck_assert_mem_eq(cfg.area.addr, "\x49\x00\x01\x00\x00\x00\xab", 7);
	ck_assert_uint_eq(cfg.level, 3);
	ck_assert(cfg.overload);
	ck_assert_uint_eq(cfg.lsp_lifetime, 3600);
	ck_assert_uint_eq(cfg.lsp_refresh, 3000);
	ck_assert_uint_eq(cfg.hello_interval, 3);
	ck_assert_uint_eq(cfg.hello_multiplier, 10);
	ck_assert_str_eq(prefix_format(&cfg.locator, buf, sizeof(buf)), "fc00:0:99::/48");
	ck_assert_uint_eq(cfg.srv6_behaviors, SPEAKER_SRV6_END | SPEAKER_SRV6_END_X |
						      SPEAKER_SRV6_END_DT6 | SPEAKER_SRV6_END_DX4);
	ck_assert_uint_eq(cfg.n_ifaces, 3);
	f = &cfg.ifaces[0];
	ck_assert_str_eq(f->name, "eth0");
	ck_assert_uint_eq(f->metric, 10);
	ck_assert(!f->hello_padding);
	ck_assert_uint_eq(f->te.te_metric, 16777215);
	ck_assert_uint_eq(f->te.max_bw_bps, 10000000000ULL);
	ck_assert_uint_eq(f->te.rsv_bw_bps, 7500000000ULL);
	/* gold = bit 2, core = bit 4, numeric 31 */
	ck_assert_uint_eq(f->te.admin_groups, (1u << 2) | (1u << 4) | (1u << 31));
	ck_assert_uint_eq(f->te.delay_us, 1);
	ck_assert_uint_eq(f->te.n_srlgs, 3);
	ck_assert_uint_eq(f->te.srlgs[2], 4294967295u);
	ck_assert_uint_eq(cfg.ifaces[1].metric, 16777215);
	ck_assert(cfg.ifaces[2].passive);
	ck_assert_ptr_null(speaker_config_iface(&cfg, "eth9"));
}
END_TEST

START_TEST(minimal_defaults)
{
	load_ok("valid-minimal.json");
	sysid_is("1921.6805.0009");
	ck_assert_uint_eq(cfg.level, 2);
	ck_assert_uint_eq(cfg.n_ifaces, 0);
	ck_assert(!cfg.has_locator);
	ck_assert_uint_eq(cfg.hello_interval, 10);
}
END_TEST

static const struct {
	const char *file;
	const char *err;
} invalid[] = {
	{ "invalid-admin-group.json",
	  "invalid-admin-group.json: interfaces[1].te.admin_groups[1]: unknown admin "
	  "group \"purple\"" },
	{ "invalid-area.json",
	  "invalid-area.json: area: expected an area address like \"49.0002\", got \"49.2\"" },
	{ "invalid-bandwidth.json",
	  "invalid-bandwidth.json: interfaces[2].te.max_bandwidth: expected bits/s as a "
	  "number or a string like '1G', got \"fast\"" },
	{ "invalid-behavior.json",
	  "invalid-behavior.json: srv6.behaviors[1]: expected one of End, End.X, "
	  "End.DT4, End.DT6, End.DX4, End.DX6, got \"End.B6\"" },
	{ "invalid-delay.json",
	  "invalid-delay.json: interfaces[0].te.delay_us: expected an integer 1..16777215, got 0" },
	{ "invalid-duplicate-interface.json",
	  "invalid-duplicate-interface.json: interfaces[1].name: duplicate interface \"et2\"" },
	{ "invalid-level.json",
	  "invalid-level.json: level: expected 1, 2 or \"1-2\", got 3" },
	{ "invalid-locator.json",
	  "invalid-locator.json: srv6.locator: expected an IPv6 prefix" },
	{ "invalid-lsp-refresh.json",
	  "invalid-lsp-refresh.json: lsp_refresh: must be at least 300 below "
	  "lsp_lifetime (1200), got 1000" },
	{ "invalid-metric.json",
	  "invalid-metric.json: interfaces[0].metric: expected an integer 1..16777215, "
	  "got 16777216" },
	{ "invalid-missing-hostname.json",
	  "invalid-missing-hostname.json: hostname: missing" },
	{ "invalid-not-object.json",
	  "invalid-not-object.json: (root): expected an object, got an array" },
	{ "invalid-not-p2p.json",
	  "invalid-not-p2p.json: interfaces[1].point_to_point: only point-to-point "
	  "interfaces are supported" },
	{ "invalid-reservable.json",
	  "invalid-reservable.json: interfaces[0].te.reservable_bandwidth: must be <= "
	  "max_bandwidth (1G), got 2G" },
	{ "invalid-router-id.json",
	  "invalid-router-id.json: router_id: expected an IPv4 address, got \"fc00::1\"" },
	{ "invalid-srlg.json",
	  "invalid-srlg.json: interfaces[0].te.srlgs[1]: expected an integer "
	  "0..4294967295, got -2" },
	{ "invalid-syntax.json",
	  "invalid-syntax.json:3:23: '}' expected near '.'" },
	{ "invalid-system-id.json",
	  "invalid-system-id.json: system_id: expected a system ID like "
	  "\"1921.6805.0001\", got \"1921.6805.001\"" },
	{ "invalid-top-unknown.json",
	  "invalid-top-unknown.json: (root): unknown field \"hello_intervall\"" },
	{ "invalid-unknown-field.json",
	  "invalid-unknown-field.json: interfaces[1].te: unknown field \"bandwith\"" },
};

START_TEST(invalid_examples)
{
	const char *file = invalid[_i].file;
	int rc = speaker_config_load(file, &groups, &cfg, err, sizeof(err));

	ck_assert_int_eq(rc, -EINVAL);
	ck_assert_str_eq(err, invalid[_i].err);
	ck_assert_str_eq(cfg.hostname, "");	/* zeroed on error */
}
END_TEST

START_TEST(missing_file)
{
	ck_assert_int_eq(speaker_config_load("nope.json", &groups, &cfg, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "nope.json: cannot open: No such file or directory");
}
END_TEST

START_TEST(admin_names_need_a_map)
{
	ck_assert_int_eq(speaker_config_load("r1.json", NULL, &cfg, err, sizeof(err)), -EINVAL);
	ck_assert_str_eq(err, "r1.json: interfaces[0].te.admin_groups[0]: unknown admin group "
			      "\"red\" (no admin-group map)");
}
END_TEST

START_TEST(sysid_and_area_parsers)
{
	uint8_t id[ISIS_SYSID_LEN];
	struct isis_area a;
	addr_t rid;
	char buf[SPEAKER_SYSID_STRLEN];

	ck_assert_int_eq(addr_parse("192.168.50.1", &rid), 0);
	ck_assert_int_eq(speaker_sysid_from_router_id(&rid, id), 0);
	ck_assert_str_eq(speaker_sysid_format(id, buf, sizeof(buf)), "1921.6805.0001");
	ck_assert_int_eq(addr_parse("10.0.0.255", &rid), 0);
	ck_assert_int_eq(speaker_sysid_from_router_id(&rid, id), 0);
	ck_assert_str_eq(speaker_sysid_format(id, buf, sizeof(buf)), "0100.0000.0255");
	ck_assert_int_eq(addr_parse("fc00::1", &rid), 0);
	ck_assert_int_eq(speaker_sysid_from_router_id(&rid, id), -EINVAL);

	ck_assert_int_eq(speaker_sysid_parse("ABCD.ef01.2345", id), 0);
	ck_assert_str_eq(speaker_sysid_format(id, buf, sizeof(buf)), "abcd.ef01.2345");
	ck_assert_int_eq(speaker_sysid_parse("abcd.ef01.234", id), -EINVAL);
	ck_assert_int_eq(speaker_sysid_parse("abcdef012345", id), -EINVAL);
	ck_assert_int_eq(speaker_sysid_parse("abcd.ef01.23g5", id), -EINVAL);
	ck_assert_int_eq(speaker_sysid_parse("abcd..f01.2345", id), -EINVAL);

	ck_assert_int_eq(speaker_area_parse("49", &a), 0);
	ck_assert_uint_eq(a.len, 1);
	ck_assert_int_eq(speaker_area_parse("49.0001.02", &a), 0);
	ck_assert_uint_eq(a.len, 4);
	ck_assert_int_eq(speaker_area_parse("49.0001.0203.0405.0607.0809.0a0b", &a), 0);
	ck_assert_uint_eq(a.len, 13);
	ck_assert_int_eq(speaker_area_parse("49.0001.0203.0405.0607.0809.0a0b.0c", &a), -EINVAL);
	ck_assert_int_eq(speaker_area_parse("49.02.0001", &a), -EINVAL);
	ck_assert_int_eq(speaker_area_parse("490.001", &a), -EINVAL);
	ck_assert_int_eq(speaker_area_parse("49.", &a), -EINVAL);
	ck_assert_int_eq(speaker_area_parse("", &a), -EINVAL);
	ck_assert_int_eq(speaker_area_parse("49.00x1", &a), -EINVAL);
}
END_TEST

START_TEST(parse_non_object)
{
	json_t *v = json_integer(3);

	ck_assert_int_eq(speaker_config_parse(v, "x.json", NULL, &cfg, err, sizeof(err)),
			 -EINVAL);
	ck_assert_str_eq(err, "x.json: (root): expected an object, got 3");
	json_decref(v);
	ck_assert_int_eq(speaker_config_parse(NULL, NULL, NULL, &cfg, NULL, 0), -EINVAL);
}
END_TEST

/* SR-MPLS (RFC 8667): off by default, SRGB defaults, labels per interface or from the
 * base by 1-based config position, and each bad combination refused by name. */
static int sr(const char *extra_top, const char *et3)
{
	char t[1024];
	json_error_t je;
	json_t *v;
	int rc;

	snprintf(t, sizeof(t),
		 "{\"hostname\":\"r1\",\"router_id\":\"192.168.50.1\",\"area\":\"49.0002\"%s"
		 ",\"interfaces\":[{\"name\":\"et2\"},{\"name\":\"et3\"%s}]}",
		 extra_top, et3);
	v = json_loads(t, 0, &je);
	ck_assert_msg(v != NULL, "%s: %s", t, je.text);
	rc = speaker_config_parse(v, "r1.json", NULL, &cfg, err, sizeof(err));
	json_decref(v);
	return rc;
}

START_TEST(sr_mpls_config)
{
	ck_assert_int_eq(sr("", ""), 0);
	ck_assert(!cfg.has_sr_mpls);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 0), 0);

	ck_assert_int_eq(sr(",\"sr_mpls\":{}", ""), 0);
	ck_assert(cfg.has_sr_mpls);
	ck_assert_uint_eq(cfg.srgb_base, 16000);
	ck_assert_uint_eq(cfg.srgb_range, 8000);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 0), 0); /* no base, no adj_label */

	ck_assert_int_eq(sr(",\"sr_mpls\":{\"srgb_base\":100000,\"srgb_range\":100,"
			    "\"adj_label_base\":24000}", ",\"adj_label\":30000"), 0);
	ck_assert_uint_eq(cfg.srgb_base, 100000);
	ck_assert_uint_eq(cfg.srgb_range, 100);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 0), 24001);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 1), 30000);
	ck_assert(cfg.ifaces[1].has_adj_label);
	ck_assert_uint_eq(speaker_adj_label(&cfg, 2), 0);

	ck_assert_int_eq(sr("", ",\"adj_label\":30000"), -EINVAL);
	ck_assert_str_eq(err, "r1.json: interfaces[1].adj_label: needs \"sr_mpls\" at the top "
			      "level");
	ck_assert_int_eq(sr(",\"sr_mpls\":{}", ",\"adj_label\":15"), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "interfaces[1].adj_label"));
	ck_assert_int_eq(sr(",\"sr_mpls\":{\"srgb_base\":1048000,\"srgb_range\":1000}", ""),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "sr_mpls.srgb_range: the SRGB 1048000..1048999 ends "
					  "above label 1048575"));
	ck_assert_int_eq(sr(",\"sr_mpls\":{\"adj_label_base\":16000}", ""), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "interfaces[0] (et2): adjacency label 16001 "
					  "(adj_label_base + n) is inside the SRGB 16000..23999"));
	ck_assert_int_eq(sr(",\"sr_mpls\":{\"adj_label_base\":24000}", ",\"adj_label\":24001"),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "interfaces[1] (et3): adjacency label 24001 is also "
					  "interfaces[0]'s (et2)"));
	ck_assert_int_eq(sr(",\"sr_mpls\":{\"adj_label_base\":1048575}", ""), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "above 1048575"));
	ck_assert_int_eq(sr(",\"sr_mpls\":{\"srgb\":1}", ""), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "srgb"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("speaker_config");
	TCase *tc = tcase_create("config");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_loop_test(tc, seed_nodes, 0, 5);
	tcase_add_test(tc, sr_mpls_config);
	tcase_add_test(tc, full_example);
	tcase_add_test(tc, minimal_defaults);
	tcase_add_loop_test(tc, invalid_examples, 0, (int)(sizeof(invalid) / sizeof(invalid[0])));
	tcase_add_test(tc, missing_file);
	tcase_add_test(tc, admin_names_need_a_map);
	tcase_add_test(tc, sysid_and_area_parsers);
	tcase_add_test(tc, parse_non_object);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
